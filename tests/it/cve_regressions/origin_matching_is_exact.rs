//! Flask-CORS CVE-2024-6844 (origins matched after lowercasing and URL
//! normalisation of the path), CVE-2024-6866 (case-insensitive path
//! matching) and CVE-2024-6839 (regex patterns ordered and escaped wrongly,
//! so `.` matched any character): origin matching must be byte-exact and
//! independent of the request path, and configuration is not a regex.

use super::*;

#[test]
fn request_origins_are_compared_byte_for_byte() {
    let layer = CorsLayer::builder()
        .allow_origins([APP, "https://*.example.org"])
        .build()
        .unwrap();
    for evil in [
        "https://APP.example.com",
        "https://App.Example.Com",
        "HTTPS://app.example.com",
        "https://app.example.com.",
        "https://app.example.com:443",
        "https://A.example.org",
        "https://a.EXAMPLE.org",
    ] {
        assert_eq!(acao_for(&layer, evil), None, "{evil}");
    }
}

#[test]
fn a_dot_in_a_configured_origin_is_a_dot_not_any_character() {
    let layer = CorsLayer::builder()
        .allow_origins([APP, "https://*.example.org"])
        .build()
        .unwrap();
    for evil in [
        "https://appxexample.com",
        "https://app-example.com",
        "https://app.examplexcom",
        "https://a.examplexorg",
        "https://a-example.org",
    ] {
        assert_eq!(acao_for(&layer, evil), None, "{evil}");
    }
}

#[test]
fn regular_expressions_and_non_canonical_origins_are_refused() {
    for regex in [
        r"https://.*\.example\.com",
        r"^https://app\.example\.com$",
        "https://app.example.com|https://evil.example",
        "https://[a-z]+.example.com",
    ] {
        assert!(
            CorsLayer::builder().allow_origins([regex]).build().is_err(),
            "{regex}"
        );
    }
    let err = build_err(&["https://App.Example.com"]);
    assert!(
        matches!(&err, ConfigError::NonCanonicalOrigin { origin, canonical, .. }
            if origin == "https://App.Example.com" && canonical == APP),
        "{err:?}"
    );
    assert!(matches!(
        build_err(&["https://app.example.com/api"]),
        ConfigError::OriginWithPath { .. }
    ));
}

#[test]
fn the_decision_does_not_depend_on_the_request_path() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::DELETE])
        .build()
        .unwrap();
    for path in [
        "/",
        "/api",
        "/API",
        "/api/../admin",
        "/%2e%2e/admin",
        "//evil.example/",
    ] {
        for (origin, allowed) in [(APP, true), ("https://evil.example", false)] {
            let req = http::Request::options(path)
                .header(header::ORIGIN, origin)
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "DELETE")
                .body(())
                .unwrap();
            let (p, ()) = req.into_parts();
            let decision = layer.policy().decide(&p);
            assert_eq!(
                matches!(decision, Decision::Preflight(_)),
                allowed,
                "{path} {origin}"
            );
        }
    }
}
