//! Refused origins and origin patterns.

use super::*;

#[test]
fn any_origin_with_credentials_in_either_order_or_with_a_list_is_refused() {
    let err = refusal(CorsLayer::builder().allow_any_origin().allow_credentials(true));
    let location = located(&err, "allow_credentials", None);
    assert_eq!(err, ConfigError::CredentialsWithAnyOrigin { location });
    assert!(err.to_string().contains("allow_origins"));
    assert!(CorsLayer::builder().allow_credentials(true).allow_any_origin().build().is_err());
    let err = refusal(origins(&["https://a.example"]).allow_any_origin());
    let location = located(&err, "allow_any_origin", None);
    assert_eq!(err, ConfigError::AnyOriginWithList { location }, "any origin with a list");
}

/// Asserts `o`, listed alone, is refused as `variant` (its `Debug` starts
/// so) with a message containing each of `words` (`$` stands for `o`).
#[track_caller]
fn refused_as(o: &str, variant: &str, words: &[&str]) -> ConfigError {
    let err = refusal(origins(&[o]));
    origin_at(&err);
    assert!(format!("{err:?}").starts_with(&format!("{variant} ")), "{o}: {err:?}");
    let msg = err.to_string();
    for word in words {
        assert!(msg.contains(&word.replace('$', o)), "{o}: {word} not in {msg}");
    }
    err
}

#[test]
#[rustfmt::skip]
fn star_null_file_and_non_origin_strings_are_refused() {
    let err = refused_as("*", "WildcardOrigin", &["allow_any_origin()", "*"]);
    assert_eq!(err, ConfigError::WildcardOrigin { location: origin_at(&err) });
    for null in ["null", "NULL", " null"] {
        let err = refused_as(null, "NullOrigin", &["null"]);
        assert_eq!(err, ConfigError::NullOrigin { location: origin_at(&err) }, "{null:?}");
    }
    for o in ["file://", "file:///home/me/index.html", "file://host"] {
        refused_as(o, "FileOrigin", &["$", "http://localhost"]);
    }
    for o in ["app.example.com", "https://", "https:app.example.com", "https://app..example.com", "https://app.example.com:99999", "https://exa mple.com"] {
        refused_as(o, "InvalidOrigin", &[]);
    }
}

#[test]
#[rustfmt::skip]
fn origins_with_a_path_query_fragment_or_user_info_are_refused_naming_the_canonical_origin() {
    let fix = ["$", "\"https://app.example.com\""];
    for o in ["https://app.example.com/api", "https://app.example.com/path", "https://app.example.com/a/b/"] {
        let err = refused_as(o, "OriginWithPath", &["$", "use \"https://app.example.com\""]);
        let (origin, canonical, location) = (o.into(), APP.into(), origin_at(&err));
        assert_eq!(err, ConfigError::OriginWithPath { origin, canonical, location }, "{o}");
    }
    for o in [
        "https://app.example.com?x=1", "https://app.example.com#top", "https://app.example.com/?x", "https://app.example.com/?x=1",
        "https://app.example.com#frag",
    ] {
        let err = refused_as(o, "OriginWithQueryOrFragment", &fix);
        assert!(matches!(&err, ConfigError::OriginWithQueryOrFragment { canonical, .. } if canonical == APP), "{o}");
    }
    for o in ["https://user:pw@app.example.com", "https://user@app.example.com", "https://user:pass@app.example.com"] {
        let err = refused_as(o, "OriginWithUserInfo", &fix);
        assert!(matches!(&err, ConfigError::OriginWithUserInfo { canonical, .. } if canonical == APP), "{o}");
    }
}

#[test]
#[rustfmt::skip]
fn non_canonical_origins_are_refused_naming_the_canonical_form() {
    for (given, canonical) in [
        ("https://App.Example.com", APP), ("HTTPS://app.example.com", APP), ("https://app.example.com/", APP),
        ("https://app.example.com:443", APP), ("http://app.example.com:80", "http://app.example.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"), ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
        ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"), ("https://*.Example.com", "https://*.example.com"),
        ("http://LOCALHOST:*", "http://localhost:*"), (" https://app.example.com", APP), ("https://app.example.com ", APP),
        ("https://app.example.com:", APP),
    ] {
        let err = refused_as(given, "NonCanonicalOrigin", &["$", &format!("\"{canonical}\"")]);
        let (origin, canonical, location) = (given.into(), canonical.into(), origin_at(&err));
        assert_eq!(err, ConfigError::NonCanonicalOrigin { origin, canonical, location }, "{given}");
    }
}

#[test]
#[rustfmt::skip]
fn wildcards_outside_a_leading_label_or_the_port_or_on_public_suffixes_and_ips_are_refused() {
    for o in [
        "https://a.*.example.com", "https://*example.com", "https://ex*ample.com", "https://*.*.example.com", "https://**.example.com",
        "*://example.com", "*://app.example.com", "http*://app.example.com", "https://example.*", "https://example.com.*",
        "https://example.com:8*", "https://app.example.com:*0", "https://*",
    ] {
        refused_as(o, "MisplacedWildcard", &["$"]);
    }
    // Top-level domains, then common Public Suffix List entries (ccSLDs and
    // shared hosting).
    for o in [
        "https://*.com", "https://*.org", "https://*.io", "https://*.co.uk", "https://*.co.in", "https://*.com.mx", "https://*.co.za",
        "https://*.com.tr", "https://*.com.ar", "https://*.gitlab.io", "https://*.github.io", "https://*.onrender.com",
        "https://*.fly.dev", "https://*.readthedocs.io", "https://*.herokuapp.com", "https://*.vercel.app", "https://*.pages.dev",
    ] {
        let err = refused_as(o, "WildcardOnPublicSuffix", &["$"]);
        let (suffix, location) = (o["https://*.".len()..].into(), origin_at(&err));
        assert_eq!(err, ConfigError::WildcardOnPublicSuffix { origin: o.into(), suffix, location });
    }
    // A registrable domain under them is fine.
    assert!(origins(&["https://*.example.co.uk", "https://*.example.com", "http://*.localhost:*"]).build().is_ok());
    refused_as("http://*.127.0.0.1", "WildcardOnIpAddress", &[]);
}

#[test]
#[rustfmt::skip]
fn plain_http_origins_with_credentials_are_refused_unless_loopback_or_explicitly_allowed() {
    for o in ["http://app.example.com", "http://*.example.com", "http://app.example.com:8080", "http://10.0.0.1", "http://192.168.1.10:8080"] {
        let err = refusal(origins(&[o]).allow_credentials(true));
        let location = origin_at(&err);
        assert_eq!(err, ConfigError::InsecureOriginWithCredentials { origin: o.into(), location }, "{o}");
        let msg = err.to_string();
        assert!(msg.contains(o) && msg.contains("allow_credentials_over_http(true)"), "{o}: {msg}");
        // Without credentials they are fine, and explicitly allowed with them.
        assert!(origins(&[o]).build().is_ok(), "{o}");
        assert!(origins(&[o]).allow_credentials(true).allow_credentials_over_http(true).build().is_ok(), "{o}");
    }
    // Loopback origins are trustworthy with credentials.
    let loopback = [
        "http://localhost", "http://localhost:3000", "http://localhost:5173", "http://localhost:*", "http://app.localhost:3000",
        "http://app.localhost:5173", "http://*.localhost", "http://*.localhost:*", "http://127.0.0.1", "http://127.0.0.1:8080",
        "http://127.10.0.1", "http://127.1.2.3:9000", "http://[::1]", "http://[::1]:3000",
    ];
    for o in loopback {
        let r = origins(&[o]).allow_credentials(true).build();
        assert!(r.is_ok(), "{o}: {:?}", r.err());
    }
    assert!(origins(&loopback).allow_credentials(true).build().is_ok());
}
