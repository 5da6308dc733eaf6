//! Label selectors: the structured form (`matchLabels`, `matchExpressions`) and kubectl's `-l` syntax.

use std::fmt;

use crate::sorted::SortedMap;
use podlab_derive::{Decode, Encode};

/// `metav1.LabelSelector`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub match_labels: SortedMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl LabelSelector {
    pub fn from_labels(labels: &[(&str, &str)]) -> Self {
        LabelSelector {
            match_labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            match_expressions: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Converts to requirements; an unknown operator is an error, as in `LabelSelectorAsSelector`.
    pub fn to_selector(&self) -> Result<Selector, String> {
        let mut reqs: Vec<Requirement> = self
            .match_labels
            .iter()
            .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
            .collect();
        for e in &self.match_expressions {
            let r = match e.operator.as_str() {
                "In" | "NotIn" if e.values.is_empty() => {
                    return Err("values: Required value: must be specified when `operator` is 'In' or 'NotIn'".to_string())
                }
                "In" => Requirement::In(e.key.clone(), e.values.clone()),
                "NotIn" => Requirement::NotIn(e.key.clone(), e.values.clone()),
                "Exists" | "DoesNotExist" if !e.values.is_empty() => {
                    return Err(
                        "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                            .to_string(),
                    )
                }
                "Exists" => Requirement::Exists(e.key.clone()),
                "DoesNotExist" => Requirement::DoesNotExist(e.key.clone()),
                other => return Err(format!("\"{other}\" is not a valid label selector operator")),
            };
            reqs.push(r);
        }
        Ok(Selector(reqs))
    }

    /// Matches labels; an invalid selector matches nothing, as upstream controllers treat it.
    pub fn matches(&self, labels: &SortedMap<String, String>) -> bool {
        self.to_selector()
            .map(|s| s.matches(labels))
            .unwrap_or(false)
    }
}

/// One parsed requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    pub fn matches(&self, labels: &SortedMap<String, String>) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            // As upstream: `a!=b` also matches objects without the label.
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Equals(k, v) => write!(f, "{k}={v}"),
            Requirement::NotEquals(k, v) => write!(f, "{k}!={v}"),
            Requirement::In(k, vs) => write!(f, "{k} in ({})", vs.join(",")),
            Requirement::NotIn(k, vs) => write!(f, "{k} notin ({})", vs.join(",")),
            Requirement::Exists(k) => write!(f, "{k}"),
            Requirement::DoesNotExist(k) => write!(f, "!{k}"),
        }
    }
}

/// A parsed selector: all requirements must hold. Empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(pub Vec<Requirement>);

impl Selector {
    pub fn everything() -> Self {
        Selector(Vec::new())
    }

    pub fn matches(&self, labels: &SortedMap<String, String>) -> bool {
        self.0.iter().all(|r| r.matches(labels))
    }

    /// Parses kubectl's `-l` syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(text: &str) -> Result<Selector, SelectorParseError> {
        let mut p = Parser {
            s: text.as_bytes(),
            pos: 0,
            text,
        };
        let mut reqs = Vec::new();
        p.skip_ws();
        if p.at_end() {
            return Ok(Selector(reqs));
        }
        loop {
            reqs.push(p.requirement()?);
            p.skip_ws();
            if p.at_end() {
                break;
            }
            p.expect(b',')?;
            p.skip_ws();
        }
        Ok(Selector(reqs))
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|r| r.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorParseError {
    pub message: String,
}

impl fmt::Display for SelectorParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SelectorParseError {}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }
    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }
    fn err(&self, what: &str) -> SelectorParseError {
        SelectorParseError {
            message: format!(
                "unable to parse requirement: {what} in selector {:?}",
                self.text
            ),
        }
    }
    fn expect(&mut self, c: u8) -> Result<(), SelectorParseError> {
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", c as char)))
        }
    }
    fn word(&mut self) -> String {
        let start = self.pos;
        while self.pos < self.s.len() {
            let c = self.s[self.pos];
            if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/') {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.text[start..self.pos].to_string()
    }
    fn requirement(&mut self) -> Result<Requirement, SelectorParseError> {
        if self.s.get(self.pos) == Some(&b'!') {
            self.pos += 1;
            self.skip_ws();
            let k = self.word();
            if k.is_empty() {
                return Err(self.err("expected a label key after '!'"));
            }
            return Ok(Requirement::DoesNotExist(k));
        }
        let key = self.word();
        if key.is_empty() {
            return Err(self.err("expected a label key"));
        }
        validate_key(&key).map_err(|m| self.err(&m))?;
        self.skip_ws();
        let rest = &self.s[self.pos..];
        if rest.starts_with(b"!=") {
            self.pos += 2;
            self.skip_ws();
            return Ok(Requirement::NotEquals(key, self.value()?));
        }
        if rest.starts_with(b"==") {
            self.pos += 2;
            self.skip_ws();
            return Ok(Requirement::Equals(key, self.value()?));
        }
        if rest.starts_with(b"=") {
            self.pos += 1;
            self.skip_ws();
            return Ok(Requirement::Equals(key, self.value()?));
        }
        if rest.is_empty() || rest[0] == b',' {
            return Ok(Requirement::Exists(key));
        }
        let op = self.word();
        match op.as_str() {
            "in" => Ok(Requirement::In(key, self.set()?)),
            "notin" => Ok(Requirement::NotIn(key, self.set()?)),
            _ => Err(self.err(&format!("unknown operator {op:?}"))),
        }
    }
    fn value(&mut self) -> Result<String, SelectorParseError> {
        let v = self.word();
        if v.contains('/') {
            return Err(self.err(&format!("invalid label value {v:?}")));
        }
        Ok(v)
    }
    fn set(&mut self) -> Result<Vec<String>, SelectorParseError> {
        self.skip_ws();
        self.expect(b'(')?;
        let mut vals = Vec::new();
        loop {
            self.skip_ws();
            let v = self.value()?;
            if !v.is_empty() {
                vals.push(v);
            }
            self.skip_ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err("expected ',' or ')'")),
            }
        }
        if vals.is_empty() {
            return Err(self.err("empty set of values"));
        }
        Ok(vals)
    }
}

/// Checks a label key: optional DNS prefix, then a name of at most 63 characters.
pub fn validate_key(key: &str) -> Result<(), String> {
    let name = match key.rsplit_once('/') {
        Some((prefix, name)) => {
            if prefix.is_empty() || prefix.len() > 253 {
                return Err(format!("invalid label key {key:?}: prefix part must be non-empty and at most 253 characters"));
            }
            name
        }
        None => key,
    };
    if name.is_empty() || name.len() > 63 {
        return Err(format!(
            "invalid label key {key:?}: name part must be non-empty and at most 63 characters"
        ));
    }
    let b = name.as_bytes();
    if !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Err(format!("invalid label key {key:?}: name part must start and end with an alphanumeric character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> SortedMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_kubectl_selector_syntax() {
        let s = Selector::parse("a=b,c!=d, e in (x,y),f notin (z),g,!h").unwrap();
        assert_eq!(s.0.len(), 6);
        assert_eq!(s.to_string(), "a=b,c!=d,e in (x,y),f notin (z),g,!h");
        let l = labels(&[("a", "b"), ("e", "y"), ("g", "1")]);
        assert!(s.matches(&l));
        assert!(!s.matches(&labels(&[("a", "b"), ("e", "q"), ("g", "1")])));
        assert!(!s.matches(&labels(&[("a", "b"), ("e", "y"), ("g", "1"), ("h", "")])));
    }

    #[test]
    fn rejects_bad_selectors() {
        for bad in [
            "a=b,", "in (x)", "a in x", "a in ()", "a ~ b", "=b", "a=b/c",
        ] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Selector::parse("  ").unwrap(), Selector::everything());
    }

    #[test]
    fn label_selector_expressions_match() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "web")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: vec!["front".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "web"), ("tier", "front")])));
        assert!(!sel.matches(&labels(&[("app", "web")])));
        let bad = LabelSelector {
            match_expressions: vec![LabelSelectorRequirement {
                key: "x".into(),
                operator: "Like".into(),
                values: vec![],
            }],
            ..Default::default()
        };
        assert!(bad.to_selector().is_err());
        assert!(!bad.matches(&labels(&[("x", "1")])));
    }
}
