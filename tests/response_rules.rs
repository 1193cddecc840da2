//! DESIGN.md "Response rules": what each response carries.

mod common;

use std::time::Duration;

use common::*;
use http::{header, HeaderName, Method, StatusCode};
use tower_cors::{CorsLayer, Decision, Rejection};

fn exact() -> CorsLayer {
    CorsLayer::builder().allow_origins([APP]).build().unwrap()
}

fn allowed(layer: &CorsLayer, origin: &str) -> bool {
    let p = parts(Method::GET, &[("origin", origin)]);
    matches!(layer.policy().decide(&p), Decision::Actual(_))
}

#[test]
fn origins_compare_byte_exact_against_the_canonical_form() {
    let layer = exact();
    assert!(allowed(&layer, APP));
    for variant in [
        "https://APP.example.com",
        "HTTPS://app.example.com",
        "https://app.example.com:443",
        "http://app.example.com",
        "https://app.example.com.",
        "https://app.example.co",
        "https://app.example.comm",
    ] {
        assert!(!allowed(&layer, variant), "{variant}");
    }
}

#[test]
fn subdomain_pattern_matches_one_or_more_labels_at_a_dot_boundary_never_the_apex() {
    let layer = CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .build()
        .unwrap();
    assert!(allowed(&layer, "https://a.example.com"));
    assert!(allowed(&layer, "https://a.b.c.example.com"));
    assert!(allowed(&layer, "https://x-1.example.com"));
    for denied in [
        "https://example.com",
        "https://evil-example.com",
        "https://example.com.evil.net",
        "https://aexample.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://A.example.com",
        "https://.example.com",
    ] {
        assert!(!allowed(&layer, denied), "{denied}");
    }
}

#[test]
fn port_pattern_matches_any_port_of_that_host_only() {
    let layer = CorsLayer::builder()
        .allow_origins(["http://localhost:*"])
        .build()
        .unwrap();
    for ok in [
        "http://localhost:5173",
        "http://localhost:1",
        "http://localhost:65535",
        "http://localhost",
    ] {
        assert!(allowed(&layer, ok), "{ok}");
    }
    for denied in [
        "https://localhost:5173",
        "http://localhost.evil.net:80",
        "http://a.localhost:3000",
        "http://localhost:05173",
        "http://localhost:99999",
    ] {
        assert!(!allowed(&layer, denied), "{denied}");
    }
}

#[test]
fn null_and_non_http_origins_are_never_matched_by_patterns_or_predicates() {
    let layer = CorsLayer::builder()
        .allow_origins(["https://*.example.com", "http://localhost:*"])
        .allow_origin_predicate(|_, _| true)
        .build()
        .unwrap();
    assert!(!allowed(&layer, "null"));
    let patterns_only = CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .build()
        .unwrap();
    assert!(!allowed(&patterns_only, "chrome-extension://a.example.com"));
    assert!(!allowed(&patterns_only, "wss://a.example.com"));
}

#[test]
fn predicate_combines_with_listed_origins_as_either_allows() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".partner.example"))
        .build()
        .unwrap();
    assert!(allowed(&layer, APP));
    assert!(allowed(&layer, "https://a.partner.example"));
    assert!(!allowed(&layer, "https://evil.example"));
}

#[tokio::test]
async fn acao_is_star_only_for_any_origin_without_credentials() {
    let (res, _) = run(
        &CorsLayer::permissive(),
        actual(Method::GET, Some(APP)),
        &[],
    )
    .await;
    assert_eq!(values(res.headers(), "access-control-allow-origin"), ["*"]);
    assert!(res.headers().get(header::VARY).is_none());

    let (res, _) = run(&exact(), actual(Method::GET, Some(APP)), &[]).await;
    assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);

    let patterned = CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(
        &patterned,
        actual(Method::GET, Some("https://x.example.com")),
        &[],
    )
    .await;
    assert_eq!(
        values(res.headers(), "access-control-allow-origin"),
        ["https://x.example.com"]
    );
}

#[tokio::test]
async fn cors_headers_set_by_the_inner_service_are_replaced_never_duplicated() {
    let inner = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-origin", "https://other.example"),
        ("access-control-allow-credentials", "false"),
        ("access-control-expose-headers", "x-secret"),
    ];
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .expose_headers([HeaderName::from_static("x-request-id")])
        .build()
        .unwrap();
    let (res, _) = run(&layer, actual(Method::GET, Some(APP)), &inner).await;
    assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);
    assert_eq!(
        values(res.headers(), "access-control-allow-credentials"),
        ["true"]
    );
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["x-request-id"]
    );
}

#[tokio::test]
async fn rejected_actual_request_gets_no_cors_headers_even_if_the_inner_service_set_them() {
    let inner = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-credentials", "true"),
    ];
    let (res, calls) = run(
        &exact(),
        actual(Method::GET, Some("https://evil.example")),
        &inner,
    )
    .await;
    assert_eq!(calls, 1);
    assert!(!has_cors_headers(res.headers()));
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

#[tokio::test]
async fn vary_values_of_the_inner_service_are_kept_and_merged_without_duplicates() {
    let (res, _) = run(
        &exact(),
        actual(Method::GET, Some(APP)),
        &[("vary", "Accept-Encoding")],
    )
    .await;
    assert_eq!(values(res.headers(), "vary"), ["Accept-Encoding, origin"]);
    let (res, _) = run(
        &exact(),
        actual(Method::GET, Some(APP)),
        &[("vary", "Origin, Accept")],
    )
    .await;
    assert_eq!(values(res.headers(), "vary"), ["Origin, Accept"]);
    let (res, _) = run(
        &exact(),
        actual(Method::GET, None),
        &[("vary", "accept"), ("vary", "cookie")],
    )
    .await;
    assert_eq!(vary_tokens(res.headers()), ["accept", "cookie", "origin"]);
    let (res, _) = run(&exact(), actual(Method::GET, Some(APP)), &[("vary", "*")]).await;
    assert_eq!(values(res.headers(), "vary"), ["*"]);
}

#[tokio::test]
async fn preflight_vary_lists_origin_and_both_request_headers() {
    let (res, _) = run(&exact(), preflight(APP, "GET", None), &[]).await;
    assert_eq!(
        vary_tokens(res.headers()),
        [
            "origin",
            "access-control-request-method",
            "access-control-request-headers"
        ]
    );
}

#[tokio::test]
async fn allow_credentials_is_exactly_true_or_absent() {
    let (res, _) = run(
        &exact(),
        actual(Method::GET, Some(APP)),
        &[("access-control-allow-credentials", "true")],
    )
    .await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .is_none());
    let creds = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(&creds, actual(Method::GET, Some(APP)), &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-allow-credentials"),
        ["true"]
    );
    let (res, _) = run(&creds, preflight(APP, "GET", None), &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-allow-credentials"),
        ["true"]
    );
}

#[tokio::test]
async fn allowed_preflight_carries_every_header_with_the_configured_status_and_an_empty_body() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("x-requested-with"),
        ])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .preflight_status(StatusCode::OK)
        .build()
        .unwrap();
    let (res, calls) = run(
        &layer,
        preflight(APP, "PUT", Some("content-type,x-requested-with")),
        &[],
    )
    .await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.body().is_empty());
    let h = res.headers();
    assert_eq!(values(h, "access-control-allow-origin"), [APP]);
    assert_eq!(values(h, "access-control-allow-credentials"), ["true"]);
    assert_eq!(values(h, "access-control-allow-methods"), ["PUT, DELETE"]);
    assert_eq!(
        values(h, "access-control-allow-headers"),
        ["content-type, x-requested-with"]
    );
    assert_eq!(values(h, "access-control-max-age"), ["600"]);
    assert!(h.get(header::ACCESS_CONTROL_EXPOSE_HEADERS).is_none());
}

#[tokio::test]
async fn preflight_status_defaults_to_204_and_max_age_is_absent_unless_set() {
    let (res, _) = run(&exact(), preflight(APP, "POST", None), &[]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get(header::ACCESS_CONTROL_MAX_AGE).is_none());
    assert_eq!(
        values(res.headers(), "access-control-allow-methods"),
        ["GET, HEAD, POST"]
    );
}

#[tokio::test]
async fn any_header_without_credentials_is_star_plus_authorization_when_requested() {
    let layer = CorsLayer::builder()
        .allow_any_origin()
        .allow_any_header()
        .build()
        .unwrap();
    let (res, _) = run(&layer, preflight(APP, "GET", Some("x-custom")), &[]).await;
    assert_eq!(values(res.headers(), "access-control-allow-headers"), ["*"]);
    let (res, _) = run(
        &layer,
        preflight(APP, "GET", Some("authorization,x-custom")),
        &[],
    )
    .await;
    assert_eq!(
        values(res.headers(), "access-control-allow-headers"),
        ["*, authorization"]
    );
}

#[tokio::test]
async fn any_header_and_any_method_with_credentials_mirror_the_request() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(
        &layer,
        preflight(APP, "PATCH", Some("authorization,x-custom")),
        &[],
    )
    .await;
    assert_eq!(
        values(res.headers(), "access-control-allow-methods"),
        ["PATCH"]
    );
    assert_eq!(
        values(res.headers(), "access-control-allow-headers"),
        ["authorization,x-custom"]
    );
    let (res, _) = run(&layer, preflight(APP, "PUT", None), &[]).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .is_none());
}

#[tokio::test]
async fn any_method_without_credentials_is_star() {
    let (res, _) = run(&CorsLayer::permissive(), preflight(APP, "PATCH", None), &[]).await;
    assert_eq!(values(res.headers(), "access-control-allow-methods"), ["*"]);
    assert_eq!(values(res.headers(), "access-control-allow-origin"), ["*"]);
}

#[tokio::test]
async fn rejected_preflight_gets_no_cors_headers_and_never_reaches_the_inner_service() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    for req in [
        preflight("https://evil.example", "PUT", None),
        preflight(APP, "DELETE", None),
        preflight(APP, "PUT", Some("x-not-allowed")),
    ] {
        let (res, calls) = run(&layer, req, &[]).await;
        assert_eq!(calls, 0);
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!has_cors_headers(res.headers()));
        assert!(res.body().is_empty());
    }
}

#[test]
fn rejections_name_the_origin_method_or_header() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .build()
        .unwrap();
    let reason = |h: &[(&str, &str)]| {
        let p = parts(Method::OPTIONS, h);
        match layer.policy().decide(&p) {
            Decision::Rejected(r) => r.reason().to_string(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        reason(&[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT")
        ]),
        "origin \"https://evil.example\" is not allowed"
    );
    assert_eq!(
        reason(&[("origin", APP), ("access-control-request-method", "put")]),
        "method \"put\" is not allowed"
    );
    assert_eq!(
        reason(&[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type, x-secret")
        ]),
        "request header \"x-secret\" is not allowed"
    );
}

#[test]
fn methods_compare_case_sensitively_but_safelisted_methods_are_always_allowed() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PATCH])
        .build()
        .unwrap();
    let decide = |m: &str| {
        let p = parts(
            Method::OPTIONS,
            &[("origin", APP), ("access-control-request-method", m)],
        );
        match layer.policy().decide(&p) {
            Decision::Preflight(_) => Ok(()),
            Decision::Rejected(r) => Err(r.reason().to_string()),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(decide("PATCH"), Ok(()));
    assert!(decide("patch").is_err());
    for m in ["GET", "HEAD", "POST"] {
        assert_eq!(decide(m), Ok(()), "{m}");
    }
}

#[test]
fn request_header_names_compare_ignoring_ascii_case() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([HeaderName::from_static("x-api-key")])
        .build()
        .unwrap();
    let p = parts(
        Method::OPTIONS,
        &[
            ("origin", APP),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "X-Api-Key"),
        ],
    );
    assert!(matches!(layer.policy().decide(&p), Decision::Preflight(_)));
}

#[test]
fn request_headers_tolerate_whitespace_and_empty_items() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-a")])
        .build()
        .unwrap();
    for list in [
        "",
        " ",
        ",",
        "content-type",
        " content-type ,\tx-a ",
        ",,content-type,,x-a,,",
        "content-type,x-a",
    ] {
        let p = parts(
            Method::OPTIONS,
            &[
                ("origin", APP),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", list),
            ],
        );
        // PUT is not allowed: we only check that the header list is accepted
        // by looking at which check failed.
        match layer.policy().decide(&p) {
            Decision::Rejected(r) => {
                assert_eq!(r.reason(), Rejection::MethodNotAllowed("PUT"), "{list:?}")
            }
            other => panic!("{list:?}: {other:?}"),
        }
    }
}

#[test]
fn over_long_request_header_lists_are_a_typed_rejection() {
    use tower_cors::{Malformed, MAX_REQUEST_HEADERS_BYTES, MAX_REQUEST_HEADERS_ITEMS};
    let layer = CorsLayer::permissive();
    let reason = |list: &str| {
        let p = parts(
            Method::OPTIONS,
            &[
                ("origin", APP),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", list),
            ],
        );
        match layer.policy().decide(&p) {
            Decision::Rejected(r) => match r.reason() {
                Rejection::Malformed(m) => Some(m),
                other => panic!("{other:?}"),
            },
            _ => None,
        }
    };
    let many: Vec<String> = (0..=MAX_REQUEST_HEADERS_ITEMS)
        .map(|i| format!("x-{i}"))
        .collect();
    assert_eq!(
        reason(&many.join(",")),
        Some(Malformed::TooManyRequestHeaders)
    );
    assert_eq!(reason(&many[..MAX_REQUEST_HEADERS_ITEMS].join(",")), None);
    let long = "x".repeat(MAX_REQUEST_HEADERS_BYTES + 1);
    assert_eq!(reason(&long), Some(Malformed::RequestHeadersTooLong));
    assert_eq!(reason(&",".repeat(MAX_REQUEST_HEADERS_BYTES)), None);
}

#[tokio::test]
async fn exposed_headers_are_listed_on_actual_responses_only() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("etag"),
        ])
        .build()
        .unwrap();
    let (res, _) = run(&layer, actual(Method::GET, Some(APP)), &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["x-request-id, etag"]
    );
    let (res, _) = run(&layer, preflight(APP, "GET", None), &[]).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .is_none());
}

#[tokio::test]
async fn expose_any_is_star_without_credentials_and_the_response_names_with_credentials() {
    let (res, _) = run(
        &CorsLayer::permissive(),
        actual(Method::GET, Some(APP)),
        &[("x-a", "1")],
    )
    .await;
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["*"]
    );
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .expose_any_header()
        .build()
        .unwrap();
    let inner = [
        ("x-a", "1"),
        ("content-type", "text/plain"),
        ("set-cookie", "a=b"),
        ("etag", "\"1\""),
    ];
    let (res, _) = run(&layer, actual(Method::GET, Some(APP)), &inner).await;
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["x-a, etag"]
    );
}

#[tokio::test]
async fn private_network_preflights_get_the_allow_header_only_when_opted_in() {
    let req = || {
        let mut r = preflight(APP, "GET", None);
        r.headers_mut().insert(
            "access-control-request-private-network",
            http::HeaderValue::from_static("true"),
        );
        r
    };
    let (res, _) = run(&exact(), req(), &[]).await;
    assert!(res
        .headers()
        .get("access-control-allow-private-network")
        .is_none());
    let pna = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let (res, _) = run(&pna, req(), &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-allow-private-network"),
        ["true"]
    );
    assert!(
        vary_tokens(res.headers()).contains(&"access-control-request-private-network".to_owned())
    );
}
