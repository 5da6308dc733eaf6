//! Reading the model from the manifest reader's spanned tree: [`Decode`], and the runtime half
//! of `#[derive(Decode)]` (the `podlab-derive` crate).
//!
//! The manifest reader's serde `Deserializer` ([`NodeDe`]) defines how YAML maps to the model:
//! null is the zero value, numbers are not strings, and every error carries its node's place.
//! Decoding the model's structs, lists, maps and options through serde's visitors compiled one
//! generic copy of that machinery per type, the largest part of the wasm bundle; [`Decode`] does
//! the same steps directly, in the same order and with the same errors and warnings, and leaves
//! only the leaves (strings, numbers, quantities, times, IntOrString) to serde.
//!
//! A derived struct starts from `Default::default()` and overwrites each field present in the
//! input, in input order. That is what serde_derive's container `default` gives too, except that
//! serde_derive reports a key given twice; the manifest reader refuses duplicate keys before
//! decoding. Unknown fields are read as `IgnoredAny`, so the deserializer warns about them. A
//! struct without a container `default` has required fields: after the input, the first one
//! missing (in declaration order) is serde_derive's "missing field" error, located as serde's.

use serde::Deserialize;

use crate::manifest::de::{locate, DeError, NodeDe};
use crate::sorted::SortedMap;

/// A model type read from a node of the manifest tree.
pub trait Decode: Sized {
    fn decode(de: NodeDe<'_>) -> Result<Self, DeError>;
}

/// A struct field's place, written with what its node decodes to: what a struct's fields are
/// reached through, so the struct reader is one function for all structs.
pub trait DecodeField {
    fn decode_field(&mut self, de: NodeDe<'_>) -> Result<(), DeError>;
}

/// Everything but the derived structs (which decode in place) replaces the field's value.
macro_rules! field_by_value {
    ($(impl<$($p:ident),*> for $t:ty;)*) => {$(
        impl<$($p: Decode),*> DecodeField for $t {
            fn decode_field(&mut self, de: NodeDe<'_>) -> Result<(), DeError> {
                *self = <$t>::decode(de)?;
                Ok(())
            }
        }
    )*};
}

field_by_value! {
    impl<T> for Option<T>;
    impl<V> for SortedMap<String, V>;
    impl<> for String;
    impl<> for bool;
    impl<> for i32;
    impl<> for i64;
    impl<> for u16;
    impl<> for u32;
    impl<> for u64;
    impl<> for super::Quantity;
    impl<> for super::IntOrString;
    impl<> for super::Time;
}

/// A list field read in place: each item is pushed as `Default` and decoded into, which is what
/// decoding a fresh item gives (structs start from `Default`, everything else is replaced).
trait Items {
    fn clear(&mut self);
    fn push_default(&mut self) -> &mut dyn DecodeField;
}

impl<T: Default + DecodeField> Items for Vec<T> {
    fn clear(&mut self) {
        Vec::clear(self);
    }

    fn push_default(&mut self) -> &mut dyn DecodeField {
        self.push(T::default());
        let last = self.len() - 1;
        &mut self[last]
    }
}

impl<T: Default + DecodeField> DecodeField for Vec<T> {
    fn decode_field(&mut self, de: NodeDe<'_>) -> Result<(), DeError> {
        decode_items(self, de)
    }
}

/// serde's `Vec` through `deserialize_seq`: null is empty; each item's errors carry its index.
#[inline(never)]
fn decode_items(list: &mut dyn Items, de: NodeDe<'_>) -> Result<(), DeError> {
    let items = de.seq_items()?;
    list.clear();
    for i in 0..items.len() {
        let (item, path) = de.item(items, i);
        if let Err(e) = list.push_default().decode_field(item) {
            return Err(de.locate_in(locate(&items[i], &path, e)));
        }
    }
    Ok(())
}

/// A struct that `#[derive(Decode)]` fills field by field.
pub trait Fields {
    /// Field number `i` (an index into the struct's field names).
    fn field(&mut self, i: usize) -> Option<&mut dyn DecodeField>;
}

#[inline(never)]
fn field_index(fields: &[&str], key: &str) -> Option<usize> {
    fields.iter().position(|f| *f == key)
}

/// The body of a derived struct's `Decode::decode` (serde's `deserialize_struct` and the derived
/// visitor's `visit_map`): `name` is the Rust name (what unknown-field warnings look up),
/// `fields` the names in manifests, `required` the indices of the fields that must be present,
/// and `target` starts as `Default::default()`.
#[inline(never)]
pub fn decode_struct(
    name: &'static str,
    fields: &'static [&'static str],
    required: &'static [usize],
    target: &mut dyn Fields,
    de: NodeDe<'_>,
) -> Result<(), DeError> {
    let mut map = de.map_checked(Some(name), "expected an object")?;
    let read = (|| {
        let mut seen = 0u64;
        while let Some(key) = map.next_key_str()? {
            let i = field_index(fields, key);
            match i.and_then(|i| target.field(i)) {
                Some(place) => {
                    let (value, node, path) = map.value_de()?;
                    place
                        .decode_field(value)
                        .map_err(|e| locate(node, &path, e))?;
                    seen |= 1 << i.unwrap_or_default();
                }
                None => map.ignore_value()?,
            }
        }
        match required.iter().find(|&&i| seen & (1 << i) == 0) {
            Some(&i) => Err(<DeError as serde::de::Error>::missing_field(fields[i])),
            None => Ok(()),
        }
    })();
    read.map_err(|e| de.locate_in(e))
}

/// serde's `Option`: null is `None`, anything else is the value.
impl<T: Decode> Decode for Option<T> {
    fn decode(de: NodeDe<'_>) -> Result<Self, DeError> {
        if de.node.is_null() {
            Ok(None)
        } else {
            T::decode(de).map(Some)
        }
    }
}

impl<T: Default + DecodeField> Decode for Vec<T> {
    fn decode(de: NodeDe<'_>) -> Result<Self, DeError> {
        let mut out = Vec::new();
        decode_items(&mut out, de)?;
        Ok(out)
    }
}

/// A map with string keys through `deserialize_map`: null is empty; values' errors carry
/// `[key]`.
impl<V: Decode> Decode for SortedMap<String, V> {
    fn decode(de: NodeDe<'_>) -> Result<Self, DeError> {
        let mut map = de.map_checked(None, "expected a map")?;
        let mut out = SortedMap::new();
        let read = (|| {
            while let Some(key) = map.next_key_str()? {
                let (value, node, path) = map.value_de()?;
                let v = V::decode(value).map_err(|e| locate(node, &path, e))?;
                out.insert(key.to_string(), v);
            }
            Ok(())
        })();
        read.map_err(|e| de.locate_in(e))?;
        Ok(out)
    }
}

/// Leaves keep serde's `Deserialize` through the manifest reader's `Deserializer`.
macro_rules! decode_with_serde {
    ($($t:ty),* $(,)?) => {$(
        impl Decode for $t {
            fn decode(de: NodeDe<'_>) -> Result<Self, DeError> {
                <$t as Deserialize>::deserialize(de)
            }
        }
    )*};
}

decode_with_serde!(
    String,
    bool,
    i32,
    i64,
    u16,
    u32,
    u64,
    super::Quantity,
    super::IntOrString,
    super::Time,
);
