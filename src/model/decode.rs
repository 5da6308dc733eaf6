//! The runtime half of `#[derive(Decode)]` (the `podlab-derive` crate): one shared struct
//! visitor instead of serde_derive's per-struct visitor, field enum and per-field slots.
//!
//! serde_derive keeps an `Option` per field, checks for duplicates and fills missing fields from
//! `Default::default()` at the end; every error exit drops every slot. With a container
//! `default` the same result comes from starting at `Default::default()` and overwriting each
//! field in input order, which is what [`decode_struct`] does: a field read twice would keep the
//! later value where serde_derive reports a duplicate, but the manifest reader refuses duplicate
//! keys before decoding. Unknown fields go through `IgnoredAny`, as with serde_derive, so the
//! deserializer still warns about them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A struct that `#[derive(Decode)]` can fill field by field.
pub trait Fields: Default {
    /// The Rust name (what serde_derive passes to `deserialize_struct`).
    const NAME: &'static str;
    /// Field names as they appear in manifests, in declaration order.
    const FIELDS: &'static [&'static str];
    /// Reads the value of field number `field` (an index into `FIELDS`) from `map`.
    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error>;
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    #[inline(never)]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key::<&str>()? {
            match field_index(T::FIELDS, key) {
                Some(i) => out.set(i, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

#[inline(never)]
fn field_index(fields: &[&str], key: &str) -> Option<usize> {
    fields.iter().position(|f| *f == key)
}

/// Reads a field's value into its place: one copy per field type, called from every struct's
/// [`Fields::set`] (inlined there, the value's decoding and drop code would be copied per field).
#[inline(never)]
pub fn read_field<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    place: &mut T,
    map: &mut A,
) -> Result<(), A::Error> {
    *place = map.next_value()?;
    Ok(())
}

/// `Deserialize::deserialize` of a `#[derive(Decode)]` struct.
pub fn decode_struct<'de, T: Fields, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(PhantomData))
}
