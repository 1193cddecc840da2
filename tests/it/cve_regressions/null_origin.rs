//! The `null` origin: sent by sandboxed iframes, `file:` pages, `data:` URLs
//! and cross-origin redirects, so allowing it allows all of them at once
//! (PortSwigger "whitelisted null origin"; many middlewares list `null`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;

#[test]
fn null_and_file_origins_are_refused_at_build() {
    assert!(matches!(
        build_err(&["null"]),
        ConfigError::NullOrigin { .. }
    ));
    assert!(matches!(
        build_err(&[" NULL "]),
        ConfigError::NullOrigin { .. }
    ));
    assert!(matches!(
        build_err(&["file://"]),
        ConfigError::FileOrigin { .. }
    ));
    assert!(matches!(
        build_err(&["file:///home/me/index.html"]),
        ConfigError::FileOrigin { .. }
    ));
}

#[test]
fn null_is_never_matched_by_lists_patterns_or_predicates() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let layer = CorsLayer::builder()
        .allow_origins([APP, "https://*.example.org", "http://localhost:*"])
        .allow_origin_predicate(move |_, _| {
            seen.fetch_add(1, Ordering::SeqCst);
            true
        })
        .allow_credentials(true)
        .build()
        .unwrap();
    assert_eq!(acao_for(&layer, "null"), None);
    let p = parts(
        Method::OPTIONS,
        &[("origin", "null"), ("access-control-request-method", "GET")],
    );
    assert!(matches!(
        layer.policy().decide(&p),
        Decision::Rejected(r) if r.reason() == Rejection::OriginNotAllowed("null")
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the predicate saw null");
    // The predicate does run for real origins.
    assert!(acao_for(&layer, "https://other.example").is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn any_origin_answers_null_with_star_which_carries_no_credentials() {
    assert_eq!(
        acao_for(&CorsLayer::permissive(), "null").as_deref(),
        Some("*")
    );
}
