//! Flask-CORS CVE-2024-6844 (origins matched after lowercasing and URL
//! normalisation of the path), CVE-2024-6866 (case-insensitive path
//! matching) and CVE-2024-6839 (regex patterns ordered and escaped wrongly,
//! so `.` matched any character): origin matching must be byte-exact and
//! independent of the request path, and configuration is not a regex.

use super::*;

#[test]
#[rustfmt::skip]
fn request_origins_are_compared_byte_for_byte_and_a_dot_is_a_dot() {
    let layer = policy(&[APP, "https://*.example.org"], |b| b);
    refuses_all(&layer, &[
        "https://APP.example.com", "https://App.Example.Com", "HTTPS://app.example.com", "https://app.example.com.",
        "https://app.example.com:443", "https://A.example.org", "https://a.EXAMPLE.org",
    ]);
    // Not a regular expression: `.` is not any character.
    refuses_all(&layer, &[
        "https://appxexample.com", "https://app-example.com", "https://app.examplexcom", "https://a.examplexorg",
        "https://a-example.org",
    ]);
}

#[test]
#[rustfmt::skip]
fn regular_expressions_and_non_canonical_origins_are_refused() {
    for regex in [
        r"https://.*\.example\.com", r"^https://app\.example\.com$", "https://app.example.com|https://evil.example",
        "https://[a-z]+.example.com",
    ] {
        assert!(CorsLayer::builder().allow_origins([regex]).build().is_err(), "{regex}");
    }
    let err = build_err(&["https://App.Example.com"]);
    let canonical = matches!(&err, ConfigError::NonCanonicalOrigin { origin, canonical, .. }
        if origin == "https://App.Example.com" && canonical == APP);
    assert!(canonical, "{err:?}");
    assert!(matches!(build_err(&["https://app.example.com/api"]), ConfigError::OriginWithPath { .. }));
}

#[test]
fn the_decision_does_not_depend_on_the_request_path() {
    let layer = app(|b| b.allow_methods([Method::DELETE]));
    let evil = r#"Preflight refused: OriginNotAllowed("https://evil.example")"#;
    for path in ["/", "/api", "/API", "/api/../admin", "/%2e%2e/admin", "//evil.example/"] {
        for (origin, want) in [(APP, "preflight"), (EVIL, evil)] {
            let mut req = preflight(origin, "DELETE", None);
            *req.uri_mut() = path.parse().unwrap();
            assert_eq!(decision(&layer, &req), want, "{path} {origin}");
        }
    }
}
