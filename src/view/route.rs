//! The lab's pages and their paths. The app may live under a base path such as `/podlab/`
//! (a GitHub Pages project site), so paths are read relative to that base.

/// The three patterns the lab teaches, one page each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Singleton,
    Stateless,
    Stateful,
}

impl Pattern {
    pub const ALL: [Pattern; 3] = [Pattern::Singleton, Pattern::Stateless, Pattern::Stateful];

    /// The path segment of the pattern's page.
    pub fn slug(self) -> &'static str {
        match self {
            Pattern::Singleton => "singleton",
            Pattern::Stateless => "stateless",
            Pattern::Stateful => "stateful",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pattern::Singleton => "Singleton Service",
            Pattern::Stateless => "Stateless Service",
            Pattern::Stateful => "Stateful Service",
        }
    }

    /// What each pattern promises about how many instances run, which the lab checks.
    pub fn promise(self) -> &'static str {
        match self {
            Pattern::Singleton => "At most one instance is active, even when a lock holder stalls.",
            Pattern::Stateless => {
                "At least the desired number of replicas run; extra copies are harmless."
            }
            Pattern::Stateful => {
                "At most one pod per identity, each keeping its own volume and DNS name."
            }
        }
    }

    pub fn from_slug(slug: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.slug() == slug)
    }
}

/// The pattern a location path names, relative to `base` (for example `/podlab/`).
/// The bare base opens the Stateless page, the book's first example; an unknown path gives `None`.
pub fn pattern_from_path(base: &str, path: &str) -> Option<Pattern> {
    let base = base.trim_end_matches('/');
    let rest = path.strip_prefix(base).unwrap_or(path);
    let slug = rest.trim_matches('/');
    if slug.is_empty() || slug == "index.html" {
        return Some(Pattern::Stateless);
    }
    Pattern::from_slug(slug)
}

/// The path of a pattern's page under `base`.
pub fn path_for(base: &str, pattern: Pattern) -> String {
    format!("{}/{}", base.trim_end_matches('/'), pattern.slug())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_under_a_project_site_base() {
        assert_eq!(
            pattern_from_path("/podlab/", "/podlab/stateful"),
            Some(Pattern::Stateful)
        );
        assert_eq!(
            pattern_from_path("/podlab/", "/podlab/singleton/"),
            Some(Pattern::Singleton)
        );
        assert_eq!(
            pattern_from_path("/podlab/", "/podlab/"),
            Some(Pattern::Stateless)
        );
        assert_eq!(
            pattern_from_path("/podlab/", "/podlab"),
            Some(Pattern::Stateless)
        );
        assert_eq!(
            pattern_from_path("/podlab/", "/podlab/index.html"),
            Some(Pattern::Stateless)
        );
        assert_eq!(pattern_from_path("/podlab/", "/podlab/nope"), None);
    }

    #[test]
    fn deep_links_at_the_root() {
        assert_eq!(
            pattern_from_path("/", "/stateless"),
            Some(Pattern::Stateless)
        );
        assert_eq!(pattern_from_path("", "/stateful"), Some(Pattern::Stateful));
    }

    #[test]
    fn paths_round_trip() {
        for p in Pattern::ALL {
            assert_eq!(
                pattern_from_path("/podlab/", &path_for("/podlab/", p)),
                Some(p)
            );
            assert_eq!(pattern_from_path("/", &path_for("/", p)), Some(p));
        }
        assert_eq!(path_for("/podlab/", Pattern::Stateful), "/podlab/stateful");
    }
}
