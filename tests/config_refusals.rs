//! DESIGN.md "Configuration refused by build()": one test per refusal, each
//! checking the variant and that the message names the value and the fix.

use std::time::Duration;

use http::{HeaderName, Method, StatusCode};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer};

fn origins(list: &[&str]) -> CorsBuilder {
    CorsLayer::builder().allow_origins(list)
}

fn refusal(builder: CorsBuilder) -> ConfigError {
    builder
        .build()
        .expect_err("configuration should be refused")
}

#[test]
fn credentials_with_any_origin_are_refused() {
    let err = refusal(
        CorsLayer::builder()
            .allow_any_origin()
            .allow_credentials(true),
    );
    assert_eq!(err, ConfigError::CredentialsWithAnyOrigin);
    assert!(err.to_string().contains("allow_origins"));
}

#[test]
fn any_origin_combined_with_a_list_is_refused() {
    let err = refusal(origins(&["https://a.example"]).allow_any_origin());
    assert_eq!(err, ConfigError::AnyOriginWithList);
}

#[test]
fn star_as_a_listed_origin_is_refused() {
    let err = refusal(origins(&["*"]));
    assert_eq!(err, ConfigError::WildcardOrigin);
    assert!(err.to_string().contains("allow_any_origin()"));
}

#[test]
fn null_as_a_listed_origin_is_refused() {
    for null in ["null", "NULL", " null"] {
        assert_eq!(
            refusal(origins(&[null])),
            ConfigError::NullOrigin,
            "{null:?}"
        );
    }
}

#[test]
fn file_origins_are_refused() {
    let err = refusal(origins(&["file:///home/me/index.html"]));
    assert!(matches!(err, ConfigError::FileOrigin { .. }));
    assert!(err.to_string().contains("http://localhost"));
}

#[test]
fn origins_with_a_path_are_refused_naming_the_canonical_origin() {
    let err = refusal(origins(&["https://app.example.com/api"]));
    assert_eq!(
        err,
        ConfigError::OriginWithPath {
            origin: "https://app.example.com/api".into(),
            canonical: "https://app.example.com".into()
        }
    );
    assert!(err.to_string().contains("use \"https://app.example.com\""));
}

#[test]
fn origins_with_a_query_or_fragment_are_refused() {
    for o in [
        "https://app.example.com?x=1",
        "https://app.example.com#top",
        "https://app.example.com/?x",
    ] {
        assert!(
            matches!(refusal(origins(&[o])), ConfigError::OriginWithQueryOrFragment { ref canonical, .. } if canonical == "https://app.example.com"),
            "{o}"
        );
    }
}

#[test]
fn origins_with_user_info_are_refused() {
    let err = refusal(origins(&["https://user:pw@app.example.com"]));
    assert!(
        matches!(err, ConfigError::OriginWithUserInfo { ref canonical, .. } if canonical == "https://app.example.com")
    );
}

#[test]
fn non_canonical_origins_are_refused_naming_the_canonical_form() {
    let cases = [
        ("https://App.Example.com", "https://app.example.com"),
        ("HTTPS://app.example.com", "https://app.example.com"),
        ("https://app.example.com/", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://app.example.com:80", "http://app.example.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
        ("https://*.Example.com", "https://*.example.com"),
        (" https://app.example.com", "https://app.example.com"),
    ];
    for (given, canonical) in cases {
        let err = refusal(origins(&[given]));
        assert_eq!(
            err,
            ConfigError::NonCanonicalOrigin {
                origin: given.into(),
                canonical: canonical.into()
            },
            "{given}"
        );
        assert!(err.to_string().contains(&format!("{canonical:?}")));
    }
}

#[test]
fn strings_that_are_not_origins_are_refused() {
    for o in [
        "app.example.com",
        "https://",
        "https:app.example.com",
        "https://app..example.com",
        "https://app.example.com:99999",
        "https://exa mple.com",
    ] {
        assert!(
            matches!(refusal(origins(&[o])), ConfigError::InvalidOrigin { .. }),
            "{o}"
        );
    }
}

#[test]
fn wildcards_outside_a_leading_label_or_the_port_are_refused() {
    for o in [
        "https://a.*.example.com",
        "https://*example.com",
        "https://*.*.example.com",
        "*://example.com",
        "https://example.*",
        "https://example.com:8*",
        "https://*",
    ] {
        assert!(
            matches!(
                refusal(origins(&[o])),
                ConfigError::MisplacedWildcard { .. }
            ),
            "{o}"
        );
    }
}

#[test]
fn subdomain_wildcards_on_public_suffixes_are_refused() {
    for (o, suffix) in [
        ("https://*.com", "com"),
        ("https://*.co.uk", "co.uk"),
        ("https://*.github.io", "github.io"),
        ("https://*.vercel.app", "vercel.app"),
    ] {
        assert_eq!(
            refusal(origins(&[o])),
            ConfigError::WildcardOnPublicSuffix {
                origin: o.into(),
                suffix: suffix.into()
            }
        );
    }
    assert!(
        origins(&["https://*.example.co.uk", "http://*.localhost:*"])
            .build()
            .is_ok()
    );
}

#[test]
fn subdomain_wildcards_on_ip_addresses_are_refused() {
    assert!(matches!(
        refusal(origins(&["http://*.127.0.0.1"])),
        ConfigError::WildcardOnIpAddress { .. }
    ));
}

#[test]
fn plain_http_origins_with_credentials_are_refused_unless_explicitly_allowed() {
    let err = refusal(origins(&["http://app.example.com"]).allow_credentials(true));
    assert_eq!(
        err,
        ConfigError::InsecureOriginWithCredentials {
            origin: "http://app.example.com".into()
        }
    );
    assert!(err
        .to_string()
        .contains("allow_credentials_over_http(true)"));
    assert!(matches!(
        refusal(origins(&["http://*.example.com"]).allow_credentials(true)),
        ConfigError::InsecureOriginWithCredentials { .. }
    ));
    assert!(origins(&["http://app.example.com"])
        .allow_credentials(true)
        .allow_credentials_over_http(true)
        .build()
        .is_ok());
    assert!(origins(&["http://app.example.com"]).build().is_ok());
}

#[test]
fn loopback_http_origins_are_trustworthy_with_credentials() {
    let loopback = [
        "http://localhost:5173",
        "http://app.localhost:3000",
        "http://127.0.0.1:8080",
        "http://127.10.0.1",
        "http://[::1]:3000",
        "http://localhost:*",
        "http://*.localhost:*",
    ];
    assert!(origins(&loopback).allow_credentials(true).build().is_ok());
}

#[test]
fn forbidden_methods_are_refused() {
    for m in [
        Method::CONNECT,
        Method::TRACE,
        Method::from_bytes(b"TRACK").unwrap(),
        Method::from_bytes(b"track").unwrap(),
    ] {
        let err = refusal(origins(&["https://a.example"]).allow_methods([m.clone()]));
        assert_eq!(
            err,
            ConfigError::ForbiddenMethod {
                method: m.as_str().into()
            }
        );
    }
}

#[test]
fn forbidden_request_headers_are_refused() {
    for h in [
        "cookie",
        "host",
        "origin",
        "content-length",
        "sec-fetch-mode",
        "proxy-authorization",
        "access-control-request-method",
    ] {
        let err =
            refusal(origins(&["https://a.example"]).allow_headers([HeaderName::from_static(h)]));
        assert_eq!(
            err,
            ConfigError::ForbiddenRequestHeader { header: h.into() },
            "{h}"
        );
    }
}

#[test]
fn set_cookie_in_exposed_headers_is_refused() {
    let err = refusal(origins(&["https://a.example"]).expose_headers([http::header::SET_COOKIE]));
    assert_eq!(
        err,
        ConfigError::ExposedSetCookie {
            header: "set-cookie".into()
        }
    );
}

#[test]
fn max_age_above_a_day_is_refused() {
    let err = refusal(origins(&["https://a.example"]).max_age(Duration::from_secs(86_401)));
    assert_eq!(err, ConfigError::MaxAgeTooLong { seconds: 86_401 });
    assert!(origins(&["https://a.example"])
        .max_age(Duration::from_secs(86_400))
        .build()
        .is_ok());
}

#[test]
fn non_2xx_preflight_status_is_refused() {
    for s in [
        StatusCode::MULTIPLE_CHOICES,
        StatusCode::FORBIDDEN,
        StatusCode::CONTINUE,
    ] {
        assert_eq!(
            refusal(origins(&["https://a.example"]).preflight_status(s)),
            ConfigError::PreflightStatusNotSuccess { status: s }
        );
    }
}

#[test]
fn error_messages_escape_control_characters() {
    let err = refusal(origins(&["https://a.example/\n\u{1b}[31mINJECTED"]));
    let msg = err.to_string();
    assert!(!msg.contains('\n') && !msg.contains('\u{1b}'), "{msg}");
}

#[test]
fn valid_configurations_build() {
    let layer = CorsLayer::builder()
        .allow_origins([
            "https://app.example.com",
            "https://*.example.com",
            "http://localhost:*",
            "tauri://localhost",
        ])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([http::header::CONTENT_TYPE, http::header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build();
    assert!(layer.is_ok(), "{layer:?}");
}
