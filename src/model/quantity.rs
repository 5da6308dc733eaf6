//! Resource quantities and int-or-string values, kept as integers.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::codec::{Doc, Encode};

/// A resource quantity such as `250m`, `1`, `128Mi` or `10G`.
///
/// The value is kept in thousandths (milli-units) so cpu (`250m`) and memory (`128Mi`) compare
/// exactly without floats; the text is kept as written so it prints back unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    milli: i64,
    text: String,
}

impl Quantity {
    /// Parses Kubernetes' quantity syntax (integer or decimal number, then an optional suffix).
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let bad = || {
            format!("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got {text:?})")
        };
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(t.len());
        let (num, suffix) = t.split_at(split);
        if num.is_empty() || num == "+" || num == "-" {
            return Err(bad());
        }
        let (neg, digits) = match num.as_bytes()[0] {
            b'-' => (true, &num[1..]),
            b'+' => (false, &num[1..]),
            _ => (false, num),
        };
        let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
        if (int_part.is_empty() && frac_part.is_empty())
            || !int_part.bytes().all(|c| c.is_ascii_digit())
            || !frac_part.bytes().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        // value = (int.frac) * mult; computed in milli with i128 to avoid overflow.
        let (mul_num, mul_den): (i128, i128) = match suffix {
            "" => (1, 1),
            "m" => (1, 1000),
            "k" => (1_000, 1),
            "M" => (1_000_000, 1),
            "G" => (1_000_000_000, 1),
            "T" => (1_000_000_000_000, 1),
            "P" => (1_000_000_000_000_000, 1),
            "Ki" => (1 << 10, 1),
            "Mi" => (1 << 20, 1),
            "Gi" => (1 << 30, 1),
            "Ti" => (1 << 40, 1),
            "Pi" => (1 << 50, 1),
            _ => return Err(bad()),
        };
        if int_part.len() > 18 || frac_part.len() > 18 {
            return Err(bad());
        }
        let ip: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| bad())?
        };
        let fp: i128 = if frac_part.is_empty() {
            0
        } else {
            frac_part.parse().map_err(|_| bad())?
        };
        let scale: i128 = 10i128.pow(frac_part.len() as u32);
        let milli = ((ip * scale + fp) * mul_num * 1000) / (scale * mul_den);
        let milli = if neg { -milli } else { milli };
        let milli = i64::try_from(milli).map_err(|_| bad())?;
        Ok(Quantity {
            milli,
            text: t.to_string(),
        })
    }

    pub fn from_milli(milli: i64) -> Quantity {
        let text = if milli % 1000 == 0 {
            format!("{}", milli / 1000)
        } else {
            format!("{milli}m")
        };
        Quantity { milli, text }
    }

    /// A byte count printed with the largest exact binary suffix (`128Mi`).
    pub fn from_bytes(bytes: i64) -> Quantity {
        let mut text = bytes.to_string();
        for (suf, shift) in [("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] {
            let unit = 1i64 << shift;
            if bytes != 0 && bytes % unit == 0 {
                text = format!("{}{suf}", bytes / unit);
                break;
            }
        }
        Quantity {
            milli: bytes.saturating_mul(1000),
            text,
        }
    }

    pub fn milli(&self) -> i64 {
        self.milli
    }

    /// Whole units, rounded up (as `Value()` does): bytes for memory, cores for cpu.
    pub fn value(&self) -> i64 {
        let v = self.milli / 1000;
        if self.milli % 1000 > 0 {
            v + 1
        } else {
            v
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Encode for Quantity {
    fn encode(&self) -> Doc {
        Doc::Str(self.text.clone())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Str(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Int(i) => i.to_string(),
            Raw::Str(s) => s,
        };
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `intstr.IntOrString`: a port number or name, or a count or percentage.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

/// The zero value, as Go's: the integer 0. Only a starting point for decoding a struct with a
/// required `IntOrString` field.
impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl IntOrString {
    /// Resolves a count or percentage against `total`, rounding up or down as upstream
    /// `GetScaledValueFromIntOrPercent` does.
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Result<i32, String> {
        match self {
            IntOrString::Int(i) => Ok(*i),
            IntOrString::String(s) => {
                let pct: i64 = s
                    .strip_suffix('%')
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}"))?;
                let prod = pct * i64::from(total);
                let v = if round_up {
                    (prod + 99).div_euclid(100)
                } else {
                    prod.div_euclid(100)
                };
                i32::try_from(v).map_err(|_| format!("value {s:?} out of range"))
            }
        }
    }
}

/// As serde's untagged enum: the number or the string itself.
impl Encode for IntOrString {
    fn encode(&self) -> Doc {
        match self {
            IntOrString::Int(i) => i.encode(),
            IntOrString::String(s) => s.encode(),
        }
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_and_memory_exactly() {
        assert_eq!(Quantity::parse("250m").unwrap().milli(), 250);
        assert_eq!(Quantity::parse("1.5").unwrap().milli(), 1500);
        assert_eq!(Quantity::parse("2").unwrap().milli(), 2000);
        assert_eq!(Quantity::parse("10Mi").unwrap().value(), 10 * 1024 * 1024);
        assert_eq!(Quantity::parse("1G").unwrap().value(), 1_000_000_000);
        assert_eq!(Quantity::parse("0.5Gi").unwrap().value(), 512 * 1024 * 1024);
        assert_eq!(Quantity::parse("10Mi").unwrap().to_string(), "10Mi");
    }

    #[test]
    fn rejects_malformed_quantities() {
        for bad in ["", "abc", "10Q", "1.2.3", "-", "99999999999999999999Pi"] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prints_bytes_with_binary_suffix() {
        assert_eq!(Quantity::from_bytes(8 << 30).to_string(), "8Gi");
        assert_eq!(Quantity::from_bytes(1000).to_string(), "1000");
        assert_eq!(Quantity::from_milli(1500).to_string(), "1500m");
    }

    #[test]
    fn percentages_round_as_upstream() {
        // ref §6.1: both percentages round up; expected 5 with 50% -> 3.
        let p = IntOrString::String("50%".into());
        assert_eq!(p.scaled_value(5, true).unwrap(), 3);
        assert_eq!(p.scaled_value(5, false).unwrap(), 2);
        assert_eq!(IntOrString::Int(1).scaled_value(5, true).unwrap(), 1);
        assert!(IntOrString::String("x".into())
            .scaled_value(5, true)
            .is_err());
    }
}
