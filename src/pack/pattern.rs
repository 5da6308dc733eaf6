//! The regular expressions of `matches:` checks.
//!
//! `podlab check` and `podlab grade` match with regex-lite; the page matches with the browser's
//! own `RegExp`, which the page installs with [`set_engine`] (regex-lite in the wasm was 20 KB
//! gzipped, a third of the packs' cost). A learner's verdicts in the page and `podlab grade`'s
//! must agree, so a pack may only use the part of the syntax that both read alike:
//! [`Pattern::new`] refuses the rest with a message, in both places.

use std::fmt;

/// A compiled `matches:` pattern.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    matcher: Matcher,
}

#[cfg(not(target_arch = "wasm32"))]
type Matcher = regex_lite::Regex;
#[cfg(target_arch = "wasm32")]
type Matcher = std::rc::Rc<dyn Fn(&str) -> bool>;

/// Compiles `body` with `flags` (a subset of "ims") into a matcher, or says why not.
pub type Engine = fn(body: &str, flags: &str) -> Result<Box<dyn Fn(&str) -> bool>, String>;

#[cfg(target_arch = "wasm32")]
static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();

/// Installs the page's regular expression engine (the first call wins). Natively this does
/// nothing: regex-lite is the engine.
pub fn set_engine(engine: Engine) {
    #[cfg(target_arch = "wasm32")]
    let _ = ENGINE.set(engine);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = engine;
}

impl Pattern {
    /// Compiles `source`, or says what is wrong with it.
    pub fn new(source: &str) -> Result<Pattern, String> {
        let (flags, body) = split_flags(source)?;
        portable(body)?;
        #[cfg(not(target_arch = "wasm32"))]
        let matcher = {
            let _ = flags;
            regex_lite::Regex::new(source).map_err(|e| e.to_string())?
        };
        #[cfg(target_arch = "wasm32")]
        let matcher: Matcher = match ENGINE.get() {
            Some(engine) => engine(body, flags)?.into(),
            None => return Err("this build has no regular expression engine".into()),
        };
        Ok(Pattern {
            source: source.to_string(),
            matcher,
        })
    }

    pub fn is_match(&self, text: &str) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        return self.matcher.is_match(text);
        #[cfg(target_arch = "wasm32")]
        return (self.matcher)(text);
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/", self.source)
    }
}

/// A leading `(?ims)` group becomes the flags; JavaScript has no inline flags.
fn split_flags(source: &str) -> Result<(&str, &str), String> {
    let Some(rest) = source.strip_prefix("(?") else {
        return Ok(("", source));
    };
    let Some(end) = rest.find(')') else {
        return Ok(("", source));
    };
    let flags = &rest[..end];
    if flags.is_empty() || rest.starts_with(':') {
        return Ok(("", source));
    }
    if flags.chars().all(|c| matches!(c, 'i' | 'm' | 's')) {
        Ok((flags, &rest[end + 1..]))
    } else {
        Err(format!(
            "flags ({flags}) are not supported: a leading (?i), (?m) or (?s) is"
        ))
    }
}

/// Refuses the syntax that regex-lite and JavaScript's RegExp read differently or that only
/// one of them knows.
fn portable(body: &str) -> Result<(), String> {
    if body.contains("[[:") {
        return Err("POSIX classes such as [[:alpha:]] are not supported".into());
    }
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(e) = chars.next() {
                    if matches!(e, 'A' | 'z' | 'p' | 'P' | 'Q' | 'E' | 'h' | 'k') {
                        return Err(format!(
                            "\\{e} is not supported (the page's and podlab grade's engines read it differently)"
                        ));
                    }
                }
            }
            '(' if chars.peek() == Some(&'?') => {
                chars.next();
                if chars.next() != Some(':') {
                    return Err(
                        "only (?:...) groups and a leading (?i), (?m) or (?s) are supported".into(),
                    );
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_pattern_matches_anywhere() {
        let p = Pattern::new(r"web-[a-z0-9]{5}").unwrap();
        assert!(p.is_match("pod/web-7x9kq ran"));
        assert!(!p.is_match("pod/db-0"));
    }

    #[test]
    fn leading_flags_are_read() {
        assert_eq!(split_flags("(?m)^a$").unwrap(), ("m", "^a$"));
        assert_eq!(split_flags("(?:a)").unwrap(), ("", "(?:a)"));
        let p = Pattern::new("(?m)^Running$").unwrap();
        assert!(p.is_match("Pending\nRunning\n"));
        assert!(Pattern::new("(?x)a").is_err());
    }

    #[test]
    fn syntax_the_engines_disagree_on_is_refused() {
        for bad in [r"\Aweb", r"\pL", "(?P<n>a)", "(?<n>a)", "[[:alpha:]]", "a(?i)b"] {
            assert!(Pattern::new(bad).is_err(), "{bad}");
        }
        assert!(Pattern::new(r"\\A").is_ok(), "an escaped backslash is not \\A");
        assert!(Pattern::new("(a|b)+").is_ok());
    }

    #[test]
    fn invalid_patterns_say_why() {
        let e = Pattern::new("web-(").unwrap_err();
        assert!(e.contains("without closing"), "{e}");
    }
}
