//! The `null` origin: sent by sandboxed iframes, `file:` pages, `data:` URLs
//! and cross-origin redirects, so allowing it allows all of them at once
//! (PortSwigger "whitelisted null origin"; many middlewares list `null`).
//! Any origin answers `null` with `*`, which carries no credentials
//! (`wildcard_origin_bypass.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;

#[test]
fn null_and_file_origins_are_refused_at_build() {
    assert!(matches!(build_err(&["null"]), ConfigError::NullOrigin { .. }));
    assert!(matches!(build_err(&[" NULL "]), ConfigError::NullOrigin { .. }));
    for file in ["file://", "file:///home/me/index.html"] {
        let err = build_err(&[file]);
        assert!(matches!(err, ConfigError::FileOrigin { .. }), "{file}");
    }
}

#[test]
fn null_is_never_matched_by_lists_patterns_or_predicates() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let origins = [APP, "https://*.example.org", "http://localhost:*"];
    let layer = policy(&origins, |b| {
        let predicate = move |_: &_, _: &_| {
            seen.fetch_add(1, Ordering::SeqCst);
            true
        };
        b.allow_origin_predicate(predicate).allow_credentials(true)
    });
    assert_eq!(acao_for(&layer, "null"), None);
    let refused = r#"Preflight refused: OriginNotAllowed("null")"#;
    assert_eq!(decision(&layer, &preflight("null", "GET", None)), refused);
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the predicate saw null");
    // The predicate does run for real origins.
    assert!(acao_for(&layer, "https://other.example").is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
