//! SECURITY.md stays in step with the code: it lists every `ConfigError`
//! variant and states the parsing limits the crate actually enforces.

use tower_cors::{MAX_REQUEST_HEADERS_BYTES, MAX_REQUEST_HEADERS_ITEMS};

const SECURITY: &str = include_str!("../../SECURITY.md");
const ERRORS: &str = include_str!("../../src/error.rs");

/// Variant names of `ConfigError`, read from its source: lines of the form
/// `    Name,` or `    Name {`.
fn config_error_variants() -> Vec<&'static str> {
    ERRORS
        .lines()
        .filter_map(|line| line.strip_prefix("    "))
        .filter_map(|rest| rest.strip_suffix(',').or_else(|| rest.strip_suffix(" {")))
        .filter(|name| {
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .collect()
}

#[test]
fn security_md_explains_every_refused_configuration() {
    let variants = config_error_variants();
    assert!(variants.len() >= 19, "parsed only {variants:?}");
    for variant in variants {
        let ok = SECURITY.contains(&format!("| `{variant}` |"));
        assert!(ok, "SECURITY.md has no row for ConfigError::{variant}");
    }
}

#[test]
fn security_md_states_the_enforced_limits() {
    assert!(SECURITY.contains(&format!("({MAX_REQUEST_HEADERS_BYTES} bytes")));
    assert!(SECURITY.contains(&format!("({MAX_REQUEST_HEADERS_ITEMS})")));
}
