//! A serde `Deserializer` over the spanned tree, so the model's derived types read YAML with
//! Kubernetes' decoding rules (null means the zero value; numbers are not strings) and every
//! error carries the offending node's line:col and field path.

use std::cell::RefCell;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::known::known_unmodelled;
use super::tree::{Node, Resolved, Value};
use super::{Diagnostic, FieldPath, Pos, Severity};
use crate::codec::{DeError, Decoder, MapDecoder};

/// Shared by every node deserializer of one object: where warnings go.
pub struct Ctx {
    pub doc: usize,
    pub warnings: RefCell<Vec<Diagnostic>>,
}

pub struct NodeDe<'a> {
    pub node: &'a Node,
    pub path: FieldPath,
    pub ctx: &'a Ctx,
    /// For a struct field's value: the key's position and the struct's name (unknown fields).
    pub field_of: Option<(Pos, &'static str)>,
    /// Keys to pass over (`apiVersion` and `kind` at the top level).
    pub skip: &'static [&'static str],
}

/// How an offending value prints in a message: strings quoted, like the API server's `%q`.
#[inline(never)]
pub fn repr(node: &Node) -> String {
    match &node.value {
        Value::Scalar(s) => match s.resolve() {
            Resolved::Str(t) => format!("{t:?}"),
            Resolved::Null => "null".to_string(),
            _ => s.text.clone(),
        },
        Value::Seq(items) => format!("a list of {} item(s)", items.len()),
        Value::Map(entries) => format!("a map of {} key(s)", entries.len()),
    }
}

/// Gives an error from a visitor (serde's or the model's) the node's place and k8s wording.
#[inline(never)]
pub(crate) fn locate(node: &Node, path: &FieldPath, mut e: DeError) -> DeError {
    if e.pos.is_some() {
        return e;
    }
    if let Some(rest) = e.message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        e.path = Some(path.field(field));
        e.message = "Required value".to_string();
    } else if e.message.contains("untagged enum IntOrString") {
        e.message = format!(
            "Invalid value: {}: must be an integer or a string",
            repr(node)
        );
        e.path = Some(path.clone());
    } else if e.message.contains("untagged enum") {
        e.message = format!(
            "Invalid value: {}: must be a quantity such as 500m or 10Mi",
            repr(node)
        );
        e.path = Some(path.clone());
    } else {
        // The model appends the input to its messages; the API server's text has it once.
        let detail = match e.message.find(" (got ") {
            Some(i) if e.message.ends_with(')') => &e.message[..i],
            _ => &e.message,
        };
        e.message = format!("Invalid value: {}: {detail}", repr(node));
        e.path = Some(path.clone());
    }
    e.pos = Some(node.pos);
    e
}

// The `Deserializer` and access methods are generic over serde's visitors and seeds, so each is
// compiled once per model type; the helpers below are not inlined into them, which keeps every
// copy down to the visitor call (most of the manifest reader's size in the wasm bundle).
impl<'a> NodeDe<'a> {
    #[inline(never)]
    fn child(
        &self,
        node: &'a Node,
        path: FieldPath,
        field_of: Option<(Pos, &'static str)>,
    ) -> Self {
        NodeDe {
            node,
            path,
            ctx: self.ctx,
            field_of,
            skip: &[],
        }
    }

    #[inline(never)]
    fn invalid(&self, detail: &str) -> DeError {
        DeError {
            message: format!("Invalid value: {}: {detail}", repr(self.node)),
            path: Some(self.path.clone()),
            pos: Some(self.node.pos),
        }
    }

    #[inline(never)]
    fn locate(&self, e: DeError) -> DeError {
        locate(self.node, &self.path, e)
    }

    fn scalar(&self) -> Option<Resolved<'a>> {
        match &self.node.value {
            Value::Scalar(s) => Some(s.resolve()),
            _ => None,
        }
    }

    #[inline(never)]
    fn int(&self, min: i128, max: i128, what: &str) -> Result<Option<i128>, DeError> {
        match self.scalar() {
            Some(Resolved::Null) => Ok(None),
            Some(Resolved::Int(i)) if (min..=max).contains(&i) => Ok(Some(i)),
            Some(Resolved::Int(_)) => Err(self.invalid(&format!("out of range for {what}"))),
            _ => Err(self.invalid("expected an integer")),
        }
    }

    /// What `deserialize_struct` (`struct_name` set, "expected an object") and
    /// `deserialize_map` (None, "expected a map") check before visiting the entries.
    #[inline(never)]
    fn map_checked(
        &self,
        struct_name: Option<&'static str>,
        what: &str,
    ) -> Result<NodeMap<'a>, DeError> {
        if !matches!(self.node.value, Value::Map(_)) && !self.node.is_null() {
            return Err(self.invalid(what));
        }
        Ok(self.map_access(struct_name))
    }

    /// What `deserialize_seq` checks before visiting the items (null is an empty list).
    #[inline(never)]
    fn seq_items(&self) -> Result<&'a [Node], DeError> {
        match &self.node.value {
            Value::Seq(items) => Ok(items),
            _ if self.node.is_null() => Ok(&[]),
            _ => Err(self.invalid("expected a list")),
        }
    }

    #[inline(never)]
    fn map_access(&self, struct_name: Option<&'static str>) -> NodeMap<'a> {
        let entries: &'a [(Node, Node)] = match &self.node.value {
            Value::Map(e) => e,
            _ => &[],
        };
        NodeMap {
            parent: NodeDe {
                node: self.node,
                path: self.path.clone(),
                ctx: self.ctx,
                field_of: None,
                skip: self.skip,
            },
            entries,
            next: 0,
            struct_name,
            value: None,
        }
    }
}

/// The codec's decoder interface (`crate::codec::Decode` reads the model through it).
impl<'a> Decoder for NodeDe<'a> {
    type Map = NodeMap<'a>;

    fn is_null(&self) -> bool {
        self.node.is_null()
    }

    fn map(&self, struct_name: Option<&'static str>, what: &str) -> Result<NodeMap<'a>, DeError> {
        self.map_checked(struct_name, what)
    }

    fn seq_len(&self) -> Result<usize, DeError> {
        self.seq_items().map(<[Node]>::len)
    }

    #[inline(never)]
    fn item(&self, i: usize) -> Self {
        let items = self.seq_items().unwrap_or_default();
        self.child(&items[i], self.path.index(i), None)
    }

    #[inline(never)]
    fn locate_item(&self, i: usize, e: DeError) -> DeError {
        let items = self.seq_items().unwrap_or_default();
        locate(&items[i], &self.path.index(i), e)
    }

    fn locate_in(&self, e: DeError) -> DeError {
        locate(self.node, &self.path, e)
    }

    fn leaf<T: serde::de::DeserializeOwned>(self) -> Result<T, DeError> {
        T::deserialize(self)
    }
}

impl<'a> MapDecoder<NodeDe<'a>> for NodeMap<'a> {
    fn next_key(&mut self) -> Result<Option<&str>, DeError> {
        self.next_key_str()
    }

    #[inline(never)]
    fn value(
        &mut self,
        read: &mut dyn FnMut(NodeDe<'a>) -> Result<(), DeError>,
    ) -> Result<(), DeError> {
        let (value, node, path) = self.value_de()?;
        read(value).map_err(|e| locate(node, &path, e))
    }

    fn ignore_value(&mut self) -> Result<(), DeError> {
        NodeMap::ignore_value(self)
    }
}

macro_rules! ints {
    ($($method:ident $visit:ident $t:ty, $what:expr;)*) => {$(
        fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
            let i = self.int(<$t>::MIN as i128, <$t>::MAX as i128, $what)?.unwrap_or(0);
            v.$visit(i as $t).map_err(|e| self.locate(e))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Value::Scalar(s) => match s.resolve() {
                Resolved::Null => v.visit_unit(),
                Resolved::Bool(b) => v.visit_bool(b),
                Resolved::Int(i) => match i64::try_from(i) {
                    Ok(i) => v.visit_i64(i),
                    Err(_) => v.visit_borrowed_str(&s.text),
                },
                // Kept as text: a quantity such as `0.5` must print back exactly as written.
                Resolved::Float => v.visit_borrowed_str(&s.text),
                Resolved::Str(t) => v.visit_borrowed_str(t),
            },
            Value::Seq(items) => v.visit_seq(NodeSeq {
                parent: &self,
                items,
                next: 0,
            }),
            Value::Map(_) => v.visit_map(self.map_access(None)),
        };
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.scalar() {
            Some(Resolved::Null) => v.visit_bool(false),
            Some(Resolved::Bool(b)) => v.visit_bool(b),
            _ => Err(self.invalid("expected a boolean")),
        }
    }

    ints! {
        deserialize_i8 visit_i8 i8, "an 8-bit integer";
        deserialize_i16 visit_i16 i16, "a 16-bit integer";
        deserialize_i32 visit_i32 i32, "a 32-bit integer";
        deserialize_i64 visit_i64 i64, "a 64-bit integer";
        deserialize_u8 visit_u8 u8, "an unsigned 8-bit integer";
        deserialize_u16 visit_u16 u16, "an unsigned 16-bit integer";
        deserialize_u32 visit_u32 u32, "an unsigned 32-bit integer";
        deserialize_u64 visit_u64 u64, "an unsigned 64-bit integer";
    }

    // Numbers keep their text: an integer is visited as one, any other number as the text it
    // was written as, so nothing parses a float (the model has no float fields).
    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_any(v)
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match self.scalar() {
            Some(Resolved::Null) => v.visit_borrowed_str(""),
            Some(Resolved::Str(t)) => v.visit_borrowed_str(t),
            // As the API server: `value: 5` is a number, and a number is not a string.
            _ => return Err(self.invalid("expected a string")),
        };
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _v: V) -> Result<V::Value, DeError> {
        Err(self.invalid("binary data is not supported"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            v.visit_none()
        } else {
            v.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let items: &[Node] = match &self.node.value {
            Value::Seq(items) => items,
            _ if self.node.is_null() => &[],
            _ => return Err(self.invalid("expected a list")),
        };
        let r = v.visit_seq(NodeSeq {
            parent: &self,
            items,
            next: 0,
        });
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        if !matches!(self.node.value, Value::Map(_)) && !self.node.is_null() {
            return Err(self.invalid("expected a map"));
        }
        let r = v.visit_map(self.map_access(None));
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        if !matches!(self.node.value, Value::Map(_)) && !self.node.is_null() {
            return Err(self.invalid("expected an object"));
        }
        let r = v.visit_map(self.map_access(Some(name)));
        r.map_err(|e| self.locate(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        match self.scalar() {
            Some(Resolved::Str(t)) if variants.contains(&t) => v
                .visit_enum(t.into_deserializer())
                .map_err(|e: DeError| self.locate(e)),
            _ => {
                let list: Vec<String> = variants.iter().map(|s| format!("{s:?}")).collect();
                Err(DeError {
                    message: format!(
                        "Unsupported value: {}: supported values: {}",
                        repr(self.node),
                        list.join(", ")
                    ),
                    path: Some(self.path.clone()),
                    pos: Some(self.node.pos),
                })
            }
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Scalar(s) => v.visit_borrowed_str(&s.text),
            _ => Err(self.invalid("a mapping key must be a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        if let Some((pos, struct_name)) = self.field_of {
            let path = self.path.to_string();
            let field = self.path.last_field().unwrap_or_default();
            let message = if known_unmodelled(struct_name, field) {
                format!("field \"{path}\" is not simulated by podlab and is ignored")
            } else {
                format!("unknown field \"{path}\"")
            };
            self.ctx.warnings.borrow_mut().push(Diagnostic {
                severity: Severity::Warning,
                doc: self.ctx.doc,
                pos: Some(pos),
                path,
                message,
            });
        }
        v.visit_unit()
    }
}

struct NodeSeq<'p, 'a> {
    parent: &'p NodeDe<'a>,
    items: &'a [Node],
    next: usize,
}

impl<'a> NodeSeq<'_, 'a> {
    /// The next item's deserializer, the item and its path.
    #[inline(never)]
    fn next_item(&mut self) -> Option<(NodeDe<'a>, &'a Node, FieldPath)> {
        let item = self.items.get(self.next)?;
        let path = self.parent.path.index(self.next);
        self.next += 1;
        Some((self.parent.child(item, path.clone(), None), item, path))
    }
}

impl<'de> SeqAccess<'de> for NodeSeq<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some((de, item, path)) = self.next_item() else {
            return Ok(None);
        };
        seed.deserialize(de)
            .map(Some)
            .map_err(|e| locate(item, &path, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

pub struct NodeMap<'a> {
    parent: NodeDe<'a>,
    entries: &'a [(Node, Node)],
    next: usize,
    /// Some for a struct (children are `.field`), None for a map (children are `[key]`).
    struct_name: Option<&'static str>,
    value: Option<&'a (Node, Node)>,
}

impl<'a> NodeMap<'a> {
    /// The next key's text, as `next_key::<&str>()` reads it (`skip` keys passed over).
    #[inline(never)]
    fn next_key_str(&mut self) -> Result<Option<&'a str>, DeError> {
        loop {
            let Some(entry) = self.entries.get(self.next) else {
                return Ok(None);
            };
            self.next += 1;
            let key = entry.0.as_str().unwrap_or_default();
            if self.parent.skip.contains(&key) {
                continue;
            }
            self.value = Some(entry);
            return match &entry.0.value {
                Value::Scalar(s) => Ok(Some(&s.text)),
                _ => Err(NodeDe {
                    node: &entry.0,
                    path: self.parent.path.clone(),
                    ctx: self.parent.ctx,
                    field_of: None,
                    skip: &[],
                }
                .invalid("a mapping key must be a string")),
            };
        }
    }

    /// The current value read as `IgnoredAny` (an unknown field: the deserializer warns).
    #[inline(never)]
    fn ignore_value(&mut self) -> Result<(), DeError> {
        let (de, _, _) = self.value_de()?;
        de::Deserializer::deserialize_ignored_any(de, de::IgnoredAny).map(|_| ())
    }

    /// The current value's deserializer, the value and its path.
    #[inline(never)]
    fn value_de(&mut self) -> Result<(NodeDe<'a>, &'a Node, FieldPath), DeError> {
        let (k, v) = self.value.take().ok_or_else(|| DeError {
            message: "value requested before its key".into(),
            path: None,
            pos: None,
        })?;
        let key = k.as_str().unwrap_or_default();
        let (path, field_of) = match self.struct_name {
            Some(name) => (self.parent.path.field(key), Some((k.pos, name))),
            None => (self.parent.path.key(key), None),
        };
        Ok((self.parent.child(v, path.clone(), field_of), v, path))
    }
}

impl<'de> MapAccess<'de> for NodeMap<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        loop {
            let Some(entry) = self.entries.get(self.next) else {
                return Ok(None);
            };
            self.next += 1;
            let key = entry.0.as_str().unwrap_or_default();
            if self.parent.skip.contains(&key) {
                continue;
            }
            self.value = Some(entry);
            let key_de = NodeDe {
                node: &entry.0,
                path: self.parent.path.clone(),
                ctx: self.parent.ctx,
                field_of: None,
                skip: &[],
            };
            return seed.deserialize(KeyDe(key_de)).map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (de, v, path) = self.value_de()?;
        seed.deserialize(de).map_err(|e| locate(v, &path, e))
    }
}

/// Map keys: any scalar reads as a string (labels like `1: x` are strings to kubectl too).
struct KeyDe<'a>(NodeDe<'a>);

impl<'de> de::Deserializer<'de> for KeyDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.0.node.value {
            Value::Scalar(s) => v.visit_borrowed_str(&s.text),
            _ => Err(self.0.invalid("a mapping key must be a string")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
