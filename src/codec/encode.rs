//! [`Encode`]: a value as a [`Doc`], the tree the manifest module's printers write as YAML or
//! JSON.

/// A serialized value, keeping the order fields were written in.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    Null,
    Bool(bool),
    Int(i128),
    /// A number that is not an integer, kept as written (`0.5`, `1e3`, `.inf`): it only has to
    /// print back, so it is never parsed into an `f64`.
    Float(String),
    Str(String),
    Seq(Vec<Doc>),
    Map(Vec<(String, Doc)>),
}

/// A value as a [`Doc`]: what serde's `Serialize` gave through the emitter's serializer, without
/// a copy of serde's machinery per type. Structs derive it (`podlab_derive::Encode`) from the
/// same `#[serde(...)]` attributes they decode with.
pub trait Encode {
    fn encode(&self) -> Doc;
}

/// One struct field: what the derived `Encode` calls per field that is not skipped.
#[inline(never)]
pub fn encode_field(fields: &mut Vec<(String, Doc)>, key: &'static str, value: &dyn Encode) {
    fields.push((key.to_string(), value.encode()));
}

/// An object with `apiVersion` and `kind` first, then its own fields (serde's `flatten`), as
/// `kubectl get -o yaml` prints it.
pub fn encode_typed(api_version: &str, kind: &str, inner: &dyn Encode) -> Doc {
    let mut fields = vec![
        ("apiVersion".to_string(), Doc::Str(api_version.to_string())),
        ("kind".to_string(), Doc::Str(kind.to_string())),
    ];
    // Only structs are flattened, and a struct encodes as a map.
    if let Doc::Map(own) = inner.encode() {
        fields.extend(own);
    }
    Doc::Map(fields)
}

/// A [`Doc::Float`]'s text as a JSON number, or None for infinities and NaN (which JSON writes
/// as `null`). YAML spellings JSON lacks are rewritten without changing the value: `+1.5` is
/// `1.5`, `.5` is `0.5`, `5.` is `5.0`, `1_000.5` is `1000.5`.
pub fn json_number(text: &str) -> Option<String> {
    let (sign, body) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    let body = body.replace('_', "");
    if !body
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == b'.')
    {
        return None;
    }
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => body.split_at(i),
        None => (body.as_str(), ""),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) || int.len() + frac.len() == 0 {
        return None;
    }
    // JSON has no leading zeros: `007.5` is `7.5`.
    let int = match int.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    let mut out = format!("{sign}{int}");
    if mant.contains('.') {
        out.push('.');
        out.push_str(if frac.is_empty() { "0" } else { frac });
    }
    let exp_digits = exp.get(1..).unwrap_or("");
    let exp_body = exp_digits.trim_start_matches(['+', '-']);
    if !exp.is_empty() {
        if exp_body.is_empty() || !exp_body.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        out.push('e');
        out.push_str(exp_digits);
    }
    Some(out)
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self) -> Doc {
        (**self).encode()
    }
}

impl Encode for str {
    fn encode(&self) -> Doc {
        Doc::Str(self.to_string())
    }
}

impl Encode for String {
    fn encode(&self) -> Doc {
        Doc::Str(self.clone())
    }
}

impl Encode for std::borrow::Cow<'static, str> {
    fn encode(&self) -> Doc {
        Doc::Str(self.to_string())
    }
}

impl Encode for bool {
    fn encode(&self) -> Doc {
        Doc::Bool(*self)
    }
}

macro_rules! encode_ints {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self) -> Doc {
                Doc::Int((*self).into())
            }
        }
    )*};
}

encode_ints!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Encode for usize {
    fn encode(&self) -> Doc {
        // serde serializes usize as u64.
        Doc::Int(*self as u64 as i128)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> Doc {
        match self {
            Some(v) => v.encode(),
            None => Doc::Null,
        }
    }
}

impl<T: Encode> Encode for Box<T> {
    fn encode(&self) -> Doc {
        (**self).encode()
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self) -> Doc {
        encode_items(self.len(), &|i| &self[i])
    }
}

/// A list's items (one copy for all item types), reached by index: a `dyn Iterator` per item
/// type compiled its whole vtable (`next`, `size_hint`, `nth`, `advance_by`) per type.
#[inline(never)]
fn encode_items<'a>(len: usize, item: &dyn Fn(usize) -> &'a dyn Encode) -> Doc {
    Doc::Seq((0..len).map(|i| item(i).encode()).collect())
}

impl<V: Encode> Encode for crate::sorted::SortedMap<String, V> {
    fn encode(&self) -> Doc {
        Doc::Map(self.iter().map(|(k, v)| (k.clone(), v.encode())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::json_number;

    #[test]
    fn numbers_keep_their_text_in_json() {
        for (yaml, json) in [
            ("0.5", Some("0.5")),
            ("-1.25e-3", Some("-1.25e-3")),
            ("1E+21", Some("1e+21")),
            ("+1.5", Some("1.5")),
            (".5", Some("0.5")),
            ("5.", Some("5.0")),
            ("-.5e3", Some("-0.5e3")),
            ("1_000.5", Some("1000.5")),
            ("007.5", Some("7.5")),
            ("1e3", Some("1e3")),
            (".inf", None),
            ("-.Inf", None),
            (".nan", None),
        ] {
            assert_eq!(json_number(yaml).as_deref(), json, "{yaml}");
        }
    }
}
