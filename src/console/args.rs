//! Command lines: shell-like words, and kubectl-style flags (`-n ns`, `--output=wide`, `-A`).

use crate::sorted::SortedMap;

/// Splits a command line into words like a POSIX shell: single and double quotes, and
/// backslash escapes. Errors name what is unbalanced.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => {
                            return Err(
                                "unexpected end of line: a single quote is not closed".into()
                            )
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => {
                                return Err(
                                    "unexpected end of line: a double quote is not closed".into()
                                )
                            }
                        },
                        Some(ch) => cur.push(ch),
                        None => {
                            return Err(
                                "unexpected end of line: a double quote is not closed".into()
                            )
                        }
                    }
                }
            }
            '\\' => match chars.next() {
                // A backslash that ends the line continues it, as in a shell: here the line
                // ends, so it adds nothing (`kubectl get pods \` is `kubectl get pods`).
                None => {}
                Some(ch) => {
                    in_word = true;
                    cur.push(ch);
                }
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// A flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    /// Whether the flag takes a value (`-n ns`); boolean flags accept `--flag=false`.
    pub value: bool,
}

pub const fn flag(long: &'static str, short: Option<char>, value: bool) -> FlagSpec {
    FlagSpec { long, short, value }
}

/// Parsed flags and positional arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: SortedMap<&'static str, Vec<String>>,
    /// Words after `--`, as for `kubectl exec POD -- dig ...`.
    pub rest: Vec<String>,
}

impl Args {
    /// The last value given for a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(|s| s.as_str())
    }

    /// A boolean flag: present without a value or with `true`.
    pub fn on(&self, long: &str) -> bool {
        matches!(self.value(long), Some("true"))
    }

    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }
}

/// Parses words against the flags a command accepts, with kubectl's (pflag's) error texts.
pub fn parse_flags(words: &[String], specs: &[FlagSpec]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            args.rest = words[i..].to_vec();
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| format!("unknown flag: --{name}"))?;
            let value = if spec.value {
                match inline {
                    Some(v) => v,
                    None if i < words.len() => {
                        i += 1;
                        words[i - 1].clone()
                    }
                    None => return Err(format!("flag needs an argument: --{name}")),
                }
            } else {
                match inline.as_deref() {
                    None | Some("true") => "true".to_string(),
                    Some("false") => "false".to_string(),
                    Some(v) => {
                        return Err(format!(
                            "invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
                        ))
                    }
                }
            };
            args.flags.entry(spec.long).or_default().push(value);
        } else if w.len() > 1 && w.starts_with('-') && !is_number(w) {
            // Shorthands may be grouped (`-Ao`) and the last may take a value (`-owide`, `-o wide`).
            let chars: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let spec = specs
                    .iter()
                    .find(|s| s.short == Some(c))
                    .ok_or_else(|| format!("unknown shorthand flag: '{c}' in {w}"))?;
                if spec.value {
                    let inline: String = chars[j..].iter().collect();
                    let inline = inline.strip_prefix('=').unwrap_or(&inline).to_string();
                    let value = if !inline.is_empty() {
                        inline
                    } else if i < words.len() {
                        i += 1;
                        words[i - 1].clone()
                    } else {
                        return Err(format!("flag needs an argument: '{c}' in -{c}"));
                    };
                    args.flags.entry(spec.long).or_default().push(value);
                    break;
                }
                args.flags
                    .entry(spec.long)
                    .or_default()
                    .push("true".to_string());
            }
        } else {
            args.positional.push(w.clone());
        }
    }
    Ok(args)
}

fn is_number(w: &str) -> bool {
    w[1..].chars().all(|c| c.is_ascii_digit())
}

/// Parses a duration as kubectl and scenario files write it: `90s`, `5m50s`, `1h`, `250ms`, `0`.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let bad =
        || format!("invalid duration \"{text}\": use a number with a unit, like 90s, 5m50s or 1h");
    let t = text.trim();
    if t == "0" {
        return Ok(0);
    }
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let factor = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(total)
}

/// Formats milliseconds the way scenario headers and `lab` output write durations: `5m50s`, `1h`,
/// `250ms`, `0s`. `parse_duration_ms` reads it back.
pub fn format_duration_ms(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let (h, m, s, rem) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    if rem > 0 {
        out.push_str(&format!("{rem}ms"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    #[test]
    fn words_follow_shell_quoting() {
        assert_eq!(
            w("get pods -l 'app in (a, b)'"),
            ["get", "pods", "-l", "app in (a, b)"]
        );
        assert_eq!(
            w(r#"exec p -- curl "http://x/ y" a\ b"#),
            ["exec", "p", "--", "curl", "http://x/ y", "a b"]
        );
        assert_eq!(w("  "), Vec::<String>::new());
        assert_eq!(w("''"), [""]);
        assert_eq!(w("get pods \\"), ["get", "pods"]);
        assert_eq!(w("get pods\\"), ["get", "pods"]);
        assert!(split_words("get 'pods").is_err());
        assert!(split_words("get \"pods").is_err());
    }

    const SPECS: &[FlagSpec] = &[
        flag("namespace", Some('n'), true),
        flag("all-namespaces", Some('A'), false),
        flag("output", Some('o'), true),
        flag("force", None, false),
    ];

    #[test]
    fn flags_parse_like_pflag() {
        let a = parse_flags(&w("pods -n kube-system -owide --force x"), SPECS).unwrap();
        assert_eq!(a.positional, ["pods", "x"]);
        assert_eq!(a.value("namespace"), Some("kube-system"));
        assert_eq!(a.value("output"), Some("wide"));
        assert!(a.on("force"));
        let a = parse_flags(&w("-Ao=name --namespace=x"), SPECS).unwrap();
        assert!(a.on("all-namespaces"));
        assert_eq!(a.value("output"), Some("name"));
        assert_eq!(a.value("namespace"), Some("x"));
        let a = parse_flags(&w("exec p -- dig +short x"), SPECS).unwrap();
        assert_eq!(a.rest, ["dig", "+short", "x"]);
    }

    #[test]
    fn flag_errors_use_pflag_words() {
        assert_eq!(
            parse_flags(&w("--nope"), SPECS).unwrap_err(),
            "unknown flag: --nope"
        );
        assert_eq!(
            parse_flags(&w("-x"), SPECS).unwrap_err(),
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse_flags(&w("-n"), SPECS).unwrap_err(),
            "flag needs an argument: 'n' in -n"
        );
        assert_eq!(
            parse_flags(&w("--output"), SPECS).unwrap_err(),
            "flag needs an argument: --output"
        );
    }

    #[test]
    fn durations_round_trip() {
        assert_eq!(parse_duration_ms("5m50s"), Ok(350_000));
        assert_eq!(parse_duration_ms("1h"), Ok(3_600_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("0"), Ok(0));
        assert!(parse_duration_ms("5x").is_err());
        assert!(parse_duration_ms("m5").is_err());
        assert!(parse_duration_ms("").is_err());
        assert!(parse_duration_ms("99999999999999999999h").is_err());
        for ms in [0, 250, 1000, 90_000, 350_000, 3_600_000, 3_661_001] {
            assert_eq!(parse_duration_ms(&format_duration_ms(ms)), Ok(ms));
        }
        assert_eq!(format_duration_ms(350_000), "5m50s");
    }
}
