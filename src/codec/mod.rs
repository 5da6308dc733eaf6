//! The codec: how the model is read and printed, below `model` and independent of YAML.
//!
//! - [`Decode`] reads a model type from a [`Decoder`]: a node of some source tree that knows
//!   its place. The manifest reader's spanned YAML tree is the only decoder (`NodeDe` in the
//!   manifest module's `de`); `#[derive(Decode)]` (`podlab-derive`) writes the structs' side.
//! - [`Encode`] builds a [`Doc`], which the manifest module's `emit` prints as kubectl's YAML
//!   and JSON; `#[derive(Encode)]` writes the structs' side.
//! - [`Pos`], [`FieldPath`] and [`DeError`]: where a decoding error is, in the source and in the
//!   object, as the API server names fields.
//!
//! Numbers keep their text: an integer is an `i128`, any other number is the text it was
//! written as ([`Doc::Float`]); nothing here parses or prints a float.

mod decode;
mod encode;

use std::fmt;

pub use decode::{decode_struct, Decode, DecodeField, Decoder, Fields, MapDecoder};
pub use encode::{encode_field, encode_typed, json_number, Doc, Encode};

/// A place in the source: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    /// `.name`
    Field(String),
    /// `[3]`
    Index(usize),
    /// `[app]`: a key of a map such as labels or resource requests.
    Key(String),
}

/// A field path as the API server prints it: `spec.containers[0].resources.requests[cpu]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    pub fn field(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Field(name.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    pub fn key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    /// Parses `a.b[0].c[key]` (keys may hold dots: `labels[app.kubernetes.io/name]`).
    pub fn parse(s: &str) -> Self {
        let mut p = FieldPath::root();
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                let inner = &r[..end];
                p.0.push(match inner.parse::<usize>() {
                    Ok(i) => Seg::Index(i),
                    Err(_) => Seg::Key(inner.to_string()),
                });
                rest = r.get(end + 1..).unwrap_or("");
            } else {
                let r = rest.strip_prefix('.').unwrap_or(rest);
                let end = r.find(['.', '[']).unwrap_or(r.len());
                p.0.push(Seg::Field(r[..end].to_string()));
                rest = &r[end..];
            }
        }
        p
    }

    /// The last step's field name, if the last step is a field.
    pub fn last_field(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Field(f)) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) if i == 0 => f.write_str(name)?,
                Seg::Field(name) => write!(f, ".{name}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => write!(f, "[{k}]")?,
            }
        }
        Ok(())
    }
}

/// A decoding error: located at the innermost node that can be blamed.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub message: String,
    pub path: Option<FieldPath>,
    pub pos: Option<Pos>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl serde::de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            path: None,
            pos: None,
        }
    }

    // serde's own messages, with the unexpected value printed here: serde's `Unexpected` printer
    // formats floats, and would link the standard library's float printing into the bundle.
    fn invalid_type(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {exp}",
            unexpected(unexp)
        ))
    }

    fn invalid_value(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {exp}",
            unexpected(unexp)
        ))
    }
}

/// `Unexpected`'s `Display`, except for floats. A decoder hands numbers to serde as integers or
/// as their text, never as an `f64`, so `Unexpected::Float` cannot come from one; printing it
/// without its value keeps the float printer out of the bundle.
fn unexpected(u: serde::de::Unexpected) -> String {
    use serde::de::Unexpected::*;
    match u {
        Bool(b) => format!("boolean `{b}`"),
        Unsigned(i) => format!("integer `{i}`"),
        Signed(i) => format!("integer `{i}`"),
        Float(_) => "floating point".into(),
        Char(c) => format!("character `{c}`"),
        Str(s) => format!("string {s:?}"),
        Bytes(_) => "byte array".into(),
        Unit => "unit value".into(),
        Option => "Option value".into(),
        NewtypeStruct => "newtype struct".into(),
        Seq => "sequence".into(),
        Map => "map".into(),
        Enum => "enum".into(),
        UnitVariant => "unit variant".into(),
        NewtypeVariant => "newtype variant".into(),
        TupleVariant => "tuple variant".into(),
        StructVariant => "struct variant".into(),
        Other(other) => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use serde::de::Unexpected;

    #[test]
    fn unexpected_prints_as_serde_does() {
        for u in [
            Unexpected::Bool(true),
            Unexpected::Unsigned(7),
            Unexpected::Signed(-7),
            Unexpected::Char('x'),
            Unexpected::Str("a \"b\"\n"),
            Unexpected::Bytes(b"x"),
            Unexpected::Unit,
            Unexpected::Option,
            Unexpected::NewtypeStruct,
            Unexpected::Seq,
            Unexpected::Map,
            Unexpected::Enum,
            Unexpected::UnitVariant,
            Unexpected::NewtypeVariant,
            Unexpected::TupleVariant,
            Unexpected::StructVariant,
            Unexpected::Other("something else"),
        ] {
            assert_eq!(super::unexpected(u), u.to_string());
        }
        assert_eq!(super::unexpected(Unexpected::Float(2.5)), "floating point");
    }

    #[test]
    fn field_paths_print_and_parse() {
        let p = super::FieldPath::parse("spec.containers[0].resources.requests[cpu]");
        assert_eq!(p.to_string(), "spec.containers[0].resources.requests[cpu]");
        assert_eq!(p.last_field(), None);
        assert_eq!(super::FieldPath::root().field("a").last_field(), Some("a"));
    }
}
