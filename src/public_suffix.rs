//! Public suffixes, for refusing subdomain wildcards that would let anyone
//! register a matching site: the whole Public Suffix List (the `psl` crate,
//! both its ICANN and its private section), plus every single-label name
//! except `localhost`.
//!
//! Why `psl`: it compiles the list into code, so nothing is read or parsed
//! at run time and nothing ships beside the binary; `publicsuffix` pulls in
//! `idna` and its crates and still needs the list's text shipped and parsed
//! into maps at startup (build time and binary size of both: BENCHMARKS.md,
//! "Dependencies").

use psl::{List, Psl};

/// Whether `host` (lowercase ASCII, no leading dot) is a public suffix.
pub(crate) fn is_public_suffix(host: &str) -> bool {
    if !host.contains('.') {
        // Every top-level domain, listed or not yet, except loopback names.
        return host != "localhost";
    }
    List.suffix(host.as_bytes())
        .is_some_and(|suffix| suffix.is_known() && suffix.as_bytes() == host.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::is_public_suffix;

    #[test]
    fn recognises_listed_suffixes_icann_and_private() {
        for suffix in [
            "com",
            "co.uk",
            "github.io",
            "herokuapp.com",
            "pages.dev",
            "s3.amazonaws.com",
            "blogspot.com",
            "ck",
            "foo.ck",
        ] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
    }

    #[test]
    fn registrable_domains_and_loopback_names_are_not_suffixes() {
        for host in [
            "localhost",
            "app.localhost",
            "example.com",
            "example.co.uk",
            "user.github.io",
            "www.ck",
        ] {
            assert!(!is_public_suffix(host), "{host}");
        }
    }
}
