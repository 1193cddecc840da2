//! The compiled set of request header names a policy allows, searched once
//! per requested name of every preflight.

use std::cmp::Ordering;

use http::HeaderName;

/// Allowed request header names, lowercase, sorted by length and then by
/// bytes: a lookup compares lengths first, so bytes are compared only with
/// names of the same length.
#[derive(Debug, Clone)]
pub(crate) struct NameSet {
    names: Box<[Box<[u8]>]>,
    /// The names as configured, in their order: what explanations list.
    configured: Box<[HeaderName]>,
}

impl NameSet {
    /// `names` are `HeaderName`s, so already lowercase.
    pub(crate) fn new(names: &[HeaderName]) -> NameSet {
        let configured = names;
        let mut names: Vec<Box<[u8]>> =
            names.iter().map(|n| n.as_str().as_bytes().into()).collect();
        names.sort_by(|a, b| by_length_then_bytes(a, b));
        names.dedup();
        NameSet {
            names: names.into_boxed_slice(),
            configured: configured.into(),
        }
    }

    /// The names as configured, in their order.
    pub(crate) fn configured(&self) -> &[HeaderName] {
        &self.configured
    }

    /// Whether `name` is in the set, ignoring ASCII case.
    ///
    /// Browsers send lowercase names, found by a binary search comparing
    /// plain bytes (a byte loop that folds case costs several times more).
    /// Names with upper-case letters, from other clients, are compared with
    /// each listed name in turn.
    pub(crate) fn contains(&self, name: &[u8]) -> bool {
        self.names
            .binary_search_by(|probe| by_length_then_bytes(probe, name))
            .is_ok()
            || (name.iter().any(u8::is_ascii_uppercase)
                && self.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
    }
}

fn by_length_then_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&'static str]) -> NameSet {
        let names: Vec<HeaderName> = names.iter().map(|n| HeaderName::from_static(n)).collect();
        NameSet::new(&names)
    }

    #[test]
    fn finds_listed_names_in_any_case() {
        let s = set(&["content-type", "x-requested-with", "x-a", "authorization"]);
        for name in [
            "content-type",
            "Content-Type",
            "X-REQUESTED-WITH",
            "x-a",
            "authorization",
        ] {
            assert!(s.contains(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn refuses_unlisted_names_of_every_length() {
        let s = set(&["content-type", "x-a"]);
        for name in [
            "",
            "x",
            "x-b",
            "content-typf",
            "content-types",
            "x-requested-with",
        ] {
            assert!(!s.contains(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn an_empty_set_contains_nothing() {
        assert!(!set(&[]).contains(b"content-type"));
    }
}
