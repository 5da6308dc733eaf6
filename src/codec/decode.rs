//! [`Decode`]: reading the model from a [`Decoder`], and the runtime half of `#[derive(Decode)]`
//! (the `podlab-derive` crate).
//!
//! The decoder (the manifest reader's `NodeDe`, a serde `Deserializer` over its spanned tree)
//! defines how YAML maps to the model: null is the zero value, numbers are not strings, and
//! every error carries its node's place. Decoding the model's structs, lists, maps and options
//! through serde's visitors compiled one generic copy of that machinery per type, the largest
//! part of the wasm bundle; [`Decode`] does the same steps directly, in the same order and with
//! the same errors and warnings, and leaves only the leaves (strings, numbers, quantities, times,
//! IntOrString) to serde ([`Decoder::leaf`]).
//!
//! A derived struct starts from `Default::default()` and overwrites each field present in the
//! input, in input order. Its in-place reader (`DecodeField`) does not reset the value first:
//! it is only ever handed a value that is already `Default` (a fresh value, a list item, an
//! option's new value, or a field of a struct whose `Default` is derived, which gives every
//! field its type's `Default`); a test keeps model structs off hand-written `Default` impls. That is what serde_derive's container `default` gives too, except that
//! serde_derive reports a key given twice; the manifest reader refuses duplicate keys before
//! decoding. Unknown fields are read as `IgnoredAny`, so the decoder warns about them. A
//! struct without a container `default` has required fields: after the input, the first one
//! missing (in declaration order) is serde_derive's "missing field" error, located as serde's.
//!
//! Everything is generic over the decoder, and there is one decoder, so each function is
//! compiled once.

use serde::de::DeserializeOwned;

use super::DeError;
use crate::sorted::SortedMap;

/// A node of a source tree, read the way serde's derived types read it, with every error
/// located at the node that caused it.
pub trait Decoder: Sized {
    /// A mapping's entries, in input order.
    type Map: MapDecoder<Self>;

    fn is_null(&self) -> bool;

    /// The entries of a mapping (null is empty): for a struct named `struct_name` (children
    /// are `.field`, unknown ones warned about) or a map (None: children are `[key]`); `what`
    /// is the error for anything else ("expected an object", "expected a map").
    fn map(&self, struct_name: Option<&'static str>, what: &str) -> Result<Self::Map, DeError>;

    /// The number of items of a list (null is empty); "expected a list" for anything else.
    fn seq_len(&self) -> Result<usize, DeError>;

    /// Item `i` of the list (`i` below [`Self::seq_len`]).
    fn item(&self, i: usize) -> Self;

    /// Places an error from item `i`'s contents at that item.
    fn locate_item(&self, i: usize, e: DeError) -> DeError;

    /// Places an error from this node's contents at this node.
    fn locate_in(&self, e: DeError) -> DeError;

    /// A leaf read through serde's `Deserialize`.
    fn leaf<T: DeserializeOwned>(self) -> Result<T, DeError>;
}

/// A mapping's entries: each key, then its value read or ignored.
pub trait MapDecoder<D> {
    /// The next key's text (None after the last entry).
    fn next_key(&mut self) -> Result<Option<&str>, DeError>;

    /// Reads the current key's value with `read`; its errors are placed at the value.
    fn value(&mut self, read: &mut dyn FnMut(D) -> Result<(), DeError>) -> Result<(), DeError>;

    /// Passes over the current value (an unknown field: the decoder warns).
    fn ignore_value(&mut self) -> Result<(), DeError>;
}

/// A model type read from a decoder.
pub trait Decode<D: Decoder>: Sized {
    fn decode(de: D) -> Result<Self, DeError>;
}

/// A struct field's place, written with what its node decodes to: what a struct's fields are
/// reached through, so the struct reader is one function for all structs.
pub trait DecodeField<D: Decoder> {
    fn decode_field(&mut self, de: D) -> Result<(), DeError>;
}

/// Everything but the derived structs (which decode in place) and lists replaces the field's
/// value.
macro_rules! field_by_value {
    ($(impl<$($p:ident),*> for $t:ty;)*) => {$(
        impl<D: Decoder, $($p: Decode<D>),*> DecodeField<D> for $t {
            fn decode_field(&mut self, de: D) -> Result<(), DeError> {
                *self = <$t>::decode(de)?;
                Ok(())
            }
        }
    )*};
}

field_by_value! {
    impl<V> for SortedMap<String, V>;
    impl<> for String;
    impl<> for bool;
    impl<> for i32;
    impl<> for i64;
    impl<> for u16;
    impl<> for u32;
    impl<> for u64;
}

/// An optional field read in place: null is `None`; anything else decodes into the value, which
/// starts from `Default` as a decoded value does. A struct inside then goes through its one
/// shared in-place reader instead of a copy of it (and of the move out of a `Result`) per
/// option type.
impl<D: Decoder, T: Default + DecodeField<D>> DecodeField<D> for Option<T> {
    fn decode_field(&mut self, de: D) -> Result<(), DeError> {
        if de.is_null() {
            *self = None;
            return Ok(());
        }
        self.insert(T::default()).decode_field(de)
    }
}

/// A boxed field reads into its box: a large part kept out of line while it is rare (a
/// container's waiting and terminated states; issue 16).
impl<D: Decoder, T: DecodeField<D>> DecodeField<D> for Box<T> {
    fn decode_field(&mut self, de: D) -> Result<(), DeError> {
        (**self).decode_field(de)
    }
}

/// A list field read in place: each item is pushed as `Default` and decoded into, which is what
/// decoding a fresh item gives (structs start from `Default`, everything else is replaced). The
/// list is empty to begin with, as every in-place value is `Default` (module docs).
trait Items<D: Decoder> {
    fn push_default(&mut self) -> &mut dyn DecodeField<D>;
}

impl<D: Decoder, T: Default + DecodeField<D>> Items<D> for Vec<T> {
    fn push_default(&mut self) -> &mut dyn DecodeField<D> {
        self.push(T::default());
        let last = self.len() - 1;
        &mut self[last]
    }
}

impl<D: Decoder, T: Default + DecodeField<D>> DecodeField<D> for Vec<T> {
    fn decode_field(&mut self, de: D) -> Result<(), DeError> {
        decode_items(self, de)
    }
}

/// serde's `Vec` through `deserialize_seq`: null is empty; each item's errors carry its index.
#[inline(never)]
fn decode_items<D: Decoder>(list: &mut dyn Items<D>, de: D) -> Result<(), DeError> {
    let len = de.seq_len()?;
    for i in 0..len {
        if let Err(e) = list.push_default().decode_field(de.item(i)) {
            return Err(de.locate_in(de.locate_item(i, e)));
        }
    }
    Ok(())
}

/// A struct that `#[derive(Decode)]` fills field by field.
pub trait Fields<D: Decoder> {
    /// Field number `i` (an index into the struct's field names).
    fn field(&mut self, i: usize) -> Option<&mut dyn DecodeField<D>>;
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
pub fn decode_struct<D: Decoder>(
    name: &'static str,
    fields: &'static [&'static str],
    required: &'static [usize],
    target: &mut dyn Fields<D>,
    de: D,
) -> Result<(), DeError> {
    let mut map = de.map(Some(name), "expected an object")?;
    let read = (|| {
        let mut seen = 0u64;
        while let Some(key) = map.next_key()? {
            let i = field_index(fields, key);
            match i.and_then(|i| target.field(i)) {
                Some(place) => {
                    map.value(&mut |value| place.decode_field(value))?;
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
impl<D: Decoder, T: Decode<D>> Decode<D> for Option<T> {
    fn decode(de: D) -> Result<Self, DeError> {
        if de.is_null() {
            Ok(None)
        } else {
            T::decode(de).map(Some)
        }
    }
}

impl<D: Decoder, T: Default + DecodeField<D>> Decode<D> for Vec<T> {
    fn decode(de: D) -> Result<Self, DeError> {
        let mut out = Vec::new();
        decode_items(&mut out, de)?;
        Ok(out)
    }
}

/// A map with string keys through `deserialize_map`: null is empty; values' errors carry
/// `[key]`.
impl<D: Decoder, V: Decode<D>> Decode<D> for SortedMap<String, V> {
    fn decode(de: D) -> Result<Self, DeError> {
        let mut out = SortedMap::new();
        decode_entries(de, &mut |key, value| {
            out.insert(key, V::decode(value)?);
            Ok(())
        })?;
        Ok(out)
    }
}

/// The entries of a map (one copy for all value types): each key with its value's node, to
/// `put`, which decodes and stores it.
#[inline(never)]
fn decode_entries<D: Decoder>(
    de: D,
    put: &mut dyn FnMut(String, D) -> Result<(), DeError>,
) -> Result<(), DeError> {
    let mut map = de.map(None, "expected a map")?;
    let read = (|| {
        while let Some(key) = map.next_key()? {
            let mut key = Some(key.to_string());
            map.value(&mut |d| put(key.take().unwrap_or_default(), d))?;
        }
        Ok(())
    })();
    read.map_err(|e| de.locate_in(e))
}

/// Leaves keep serde's `Deserialize` through the decoder (`Decoder::leaf`), as the model's own
/// leaves (quantities, times, IntOrString) do.
macro_rules! decode_leaves {
    ($($t:ty),* $(,)?) => {$(
        impl<D: $crate::codec::Decoder> $crate::codec::Decode<D> for $t {
            fn decode(de: D) -> ::core::result::Result<Self, $crate::codec::DeError> {
                de.leaf()
            }
        }
    )*};
}

decode_leaves!(String, bool, i32, i64, u16, u32, u64);

/// A text the engine mostly fills with constants (`model::Str`); read from a file, it is owned.
/// Its field reads as a `String` field does, then becomes the owned text.
impl<D: Decoder> DecodeField<D> for std::borrow::Cow<'static, str> {
    fn decode_field(&mut self, de: D) -> Result<(), DeError> {
        let mut s = String::new();
        s.decode_field(de)?;
        *self = std::borrow::Cow::Owned(s);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file under `dir`.
    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The derived in-place reader does not reset a struct to `Default` before reading into it
    /// (module docs): that is right only while a struct's `Default` gives each field its own
    /// type's `Default`, which a derived `Default` does and a hand-written one may not.
    #[test]
    fn decoded_structs_have_a_derived_default() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut decoded = Vec::new();
        let mut hand_written = Vec::new();
        for (path, text) in &files {
            let mut derives_decode = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") {
                    derives_decode |= line.contains("Decode");
                } else if let Some(rest) = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub(crate) struct "))
                    .or_else(|| line.strip_prefix("struct "))
                {
                    if derives_decode {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        decoded.push(name);
                    }
                    derives_decode = false;
                } else if !line.starts_with("#[") && !line.starts_with("///") {
                    derives_decode = false;
                }
                if let Some(rest) = line.strip_prefix("impl Default for ") {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    hand_written.push((name, path.clone()));
                }
            }
        }
        assert!(
            decoded.len() > 50,
            "found only {} Decode structs",
            decoded.len()
        );
        assert!(decoded.iter().any(|n| n == "PodSpec"));
        let clash: Vec<_> = hand_written
            .iter()
            .filter(|(name, _)| decoded.contains(name))
            .collect();
        assert!(
            clash.is_empty(),
            "Decode structs with a hand-written Default: {clash:?}"
        );
    }
}
