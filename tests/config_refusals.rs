//! DESIGN.md "Configuration refused by build()": one test per refusal, each
//! checking the variant and that the message names the value and the fix.

use std::time::Duration;

use http::{HeaderName, Method, StatusCode};
use tower_cors::{ConfigError, ConfigWarning, CorsBuilder, CorsLayer};

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

#[test]
fn a_policy_that_allows_no_origin_is_refused() {
    let nothing = [
        CorsLayer::builder(),
        CorsLayer::builder().allow_credentials(true),
        CorsLayer::builder()
            .allow_methods([Method::PUT])
            .allow_headers(["x-api-key"]),
    ];
    for builder in nothing {
        let err = refusal(builder);
        assert_eq!(err, ConfigError::NoOrigin);
        let msg = err.to_string();
        for fix in [
            "allow_origins([",
            "allow_origin_predicate(",
            "allow_any_origin()",
        ] {
            assert!(msg.contains(fix), "{msg}");
        }
    }
    // Any origin rule at all is enough: a list, a predicate, an async check.
    assert!(CorsLayer::builder()
        .allow_origin_predicate(|_, _| false)
        .build()
        .is_ok());
    assert!(CorsLayer::builder()
        .allow_origin_async_predicate(|_, _| async { false })
        .build()
        .is_ok());
}

#[test]
fn the_six_standard_methods_in_lowercase_are_refused() {
    for (lower, upper) in [
        ("delete", "DELETE"),
        ("get", "GET"),
        ("head", "HEAD"),
        ("options", "OPTIONS"),
        ("post", "POST"),
        ("Put", "PUT"),
    ] {
        let expected = ConfigError::LowercaseMethod {
            method: lower.into(),
            uppercase: upper.into(),
        };
        let typed = Method::from_bytes(lower.as_bytes()).unwrap();
        assert_eq!(
            refusal(origins(&["https://a.example"]).allow_methods(typed)),
            expected
        );
        let err = refusal(origins(&["https://a.example"]).allow_methods([lower]));
        assert_eq!(err, expected);
        assert!(
            err.to_string().contains(&format!("write \"{upper}\"")),
            "{err}"
        );
    }
    // Browsers send other methods as written: lowercase `patch` is a method of its own.
    assert!(origins(&["https://a.example"])
        .allow_methods(["patch", "PATCH"])
        .build()
        .is_ok());
}

#[test]
fn a_string_holding_several_origins_is_refused_as_a_list() {
    for list in [
        "https://a.example,https://b.example",
        "https://a.example, https://b.example",
        "https://a.example https://b.example",
    ] {
        let err = refusal(origins(&[list]));
        assert_eq!(
            err,
            ConfigError::OriginList {
                origin: list.into()
            }
        );
        let msg = err.to_string();
        assert!(
            msg.contains("looks like a list: give each origin separately"),
            "{msg}"
        );
        assert!(
            msg.contains(r#"allow_origins(["https://a.example", "https://b.example"])"#),
            "{msg}"
        );
    }
}

#[test]
fn cookie_as_an_allowed_header_points_to_credentials() {
    for cookie in ["Cookie", "cookie2"] {
        let err = refusal(origins(&["https://a.example"]).allow_headers([cookie]));
        let msg = err.to_string();
        assert!(
            msg.contains("cookies are sent with allow_credentials(true), not as a header"),
            "{msg}"
        );
    }
}

#[test]
fn text_that_is_not_a_method_or_header_name_is_refused_naming_it() {
    assert_eq!(
        refusal(origins(&["https://a.example"]).allow_methods(["GE T"])),
        ConfigError::InvalidMethod {
            method: "GE T".into()
        }
    );
    let err = refusal(origins(&["https://a.example"]).allow_headers(["bad header"]));
    assert_eq!(
        err,
        ConfigError::InvalidHeaderName {
            header: "bad header".into(),
            list: "allow_headers"
        }
    );
    let err = refusal(origins(&["https://a.example"]).expose_headers(["x-total, x-page"]));
    assert!(matches!(
        err,
        ConfigError::InvalidHeaderName {
            list: "expose_headers",
            ..
        }
    ));
    assert!(
        err.to_string().contains(
            r#"looks like a list: give each header name separately, as in ["x-total", "x-page"]"#
        ),
        "{err}"
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let bad = ["https://a.example/app", "*", "https://B.example"];
    let err = refusal(origins(&bad));
    assert!(matches!(err, ConfigError::Several(_)), "{err:?}");
    let errors = err.errors();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(matches!(&errors[0], ConfigError::OriginWithPath { origin, .. } if origin == bad[0]));
    assert_eq!(errors[1], ConfigError::WildcardOrigin);
    assert!(
        matches!(&errors[2], ConfigError::NonCanonicalOrigin { origin, .. } if origin == bad[2])
    );
    // One line per mistake, each naming its value.
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines[0], "3 mistakes in the CORS configuration:");
    assert_eq!(lines.len(), 4, "{msg}");
    for (line, error) in lines[1..].iter().zip(errors) {
        assert_eq!(*line, format!("- {error}"));
    }
    assert!(
        lines[1].contains("\"https://a.example/app\"")
            && lines[3].contains("\"https://B.example\"")
    );

    // Mistakes of different settings, in the order of the settings.
    let err = refusal(
        origins(&["https://a.example/app"])
            .allow_methods([Method::TRACE])
            .allow_headers(["cookie"])
            .max_age(Duration::from_secs(100_000))
            .preflight_status(StatusCode::FOUND),
    );
    let kinds: Vec<&str> = err
        .errors()
        .iter()
        .map(|e| match e {
            ConfigError::OriginWithPath { .. } => "origin",
            ConfigError::ForbiddenMethod { .. } => "method",
            ConfigError::ForbiddenRequestHeader { .. } => "header",
            ConfigError::MaxAgeTooLong { .. } => "max_age",
            ConfigError::PreflightStatusNotSuccess { .. } => "status",
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["origin", "method", "header", "max_age", "status"]);
}

#[test]
fn a_single_mistake_is_its_own_variant_and_its_own_list() {
    let err = refusal(origins(&["null"]));
    assert_eq!(err, ConfigError::NullOrigin);
    assert_eq!(err.errors(), [ConfigError::NullOrigin]);
    assert!(!err.to_string().contains('\n'));
}

/// Methods and header names as text, and a single method, build the same
/// policy as the typed lists.
#[test]
fn methods_and_header_names_are_accepted_as_text_and_single_values() {
    let typed = origins(&["https://a.example"])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([http::header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("x-total")])
        .build()
        .unwrap();
    let forms = [
        origins(&["https://a.example"])
            .allow_methods(Method::GET)
            .allow_methods(&Method::PUT)
            .allow_headers(["content-type"])
            .expose_headers(["x-total"]),
        origins(&["https://a.example"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(http::header::CONTENT_TYPE)
            .expose_headers(vec![String::from("X-Total")]),
        origins(&["https://a.example"])
            .allow_methods([Method::GET, Method::PUT].iter().cloned())
            .allow_headers(&[http::header::CONTENT_TYPE][..])
            .expose_headers(["x-total"].iter().map(|h| HeaderName::from_static(h))),
    ];
    for builder in forms {
        let layer = builder.build().unwrap();
        assert_eq!(layer.policy().to_string(), typed.policy().to_string());
    }
}

#[test]
fn warnings_name_what_build_accepts_but_browsers_treat_otherwise() {
    let warned = |builder: CorsBuilder| builder.build().unwrap().warnings().to_vec();
    let app = || origins(&["https://a.example"]);
    assert_eq!(
        warned(app().max_age(Duration::from_secs(7201))),
        [ConfigWarning::MaxAgeAboveChromiumCap { seconds: 7201 }]
    );
    assert_eq!(warned(app().max_age(Duration::from_secs(7200))), []);
    assert_eq!(
        warned(app().allow_private_network(true)),
        [ConfigWarning::PrivateNetworkAccessRetired]
    );
    assert_eq!(
        warned(app().allow_credentials(true).expose_any_header()),
        [ConfigWarning::ExposeAnyHeaderWithCredentials]
    );
    assert_eq!(warned(app().expose_any_header()), []);

    let messages = [
        (
            ConfigWarning::MaxAgeAboveChromiumCap { seconds: 86_400 },
            "7200",
        ),
        (ConfigWarning::PrivateNetworkAccessRetired, "Chrome 142"),
        (
            ConfigWarning::ExposeAnyHeaderWithCredentials,
            "response's own header names",
        ),
    ];
    for (warning, words) in messages {
        assert!(warning.to_string().contains(words), "{warning}");
    }
}

#[test]
fn plain_policies_have_no_warnings_and_warnings_stay_with_their_policy() {
    let plain = origins(&["https://a.example"])
        .allow_methods([Method::PUT])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap();
    assert!(plain.warnings().is_empty());
    assert!(CorsLayer::permissive().warnings().is_empty());
    let warned = origins(&["https://a.example"])
        .allow_private_network(true)
        .build()
        .unwrap();
    assert_eq!(warned.warnings().len(), 1);
    // Building another policy changed nothing in the first.
    assert!(plain.warnings().is_empty());
    assert_eq!(warned.clone().warnings(), warned.warnings());
}

#[test]
#[allow(deprecated)]
fn the_tower_http_constructor_is_an_empty_builder() {
    assert_eq!(refusal(CorsLayer::new()), ConfigError::NoOrigin);
    let layer = CorsLayer::new()
        .allow_origins(["https://a.example"])
        .build()
        .unwrap();
    assert_eq!(
        layer.policy().to_string(),
        origins(&["https://a.example"])
            .build()
            .unwrap()
            .policy()
            .to_string()
    );
}
