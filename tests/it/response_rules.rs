//! DESIGN.md "Response rules": what each response carries.

use std::time::Duration;

use crate::common::*;
use http::{header, HeaderName, Method, StatusCode};
use tower_cors::{CorsLayer, Decision, Rejection};

fn exact() -> CorsLayer {
    CorsLayer::builder().allow_origins([APP]).build().unwrap()
}

fn allowed(layer: &CorsLayer, origin: &str) -> bool {
    let p = parts(Method::GET, &[("origin", origin)]);
    matches!(layer.policy().decide(&p), Decision::Actual(_))
}

/// Checks that a policy allowing `origins` allows each of `allows` and
/// none of `refuses` (actual GET requests).
fn assert_matching(origins: &[&str], allows: &[&str], refuses: &[&str]) {
    let layer = CorsLayer::builder()
        .allow_origins(origins.iter().copied())
        .build()
        .unwrap();
    for origin in allows {
        assert!(allowed(&layer, origin), "{origins:?} must allow {origin}");
    }
    for origin in refuses {
        assert!(!allowed(&layer, origin), "{origins:?} must refuse {origin}");
    }
}

#[test]
fn origins_compare_byte_exact_against_the_canonical_form() {
    assert_matching(
        &[APP],
        &[APP],
        &[
            "https://APP.example.com",
            "https://App.Example.Com",
            "HTTPS://app.example.com",
            "Https://app.example.com",
            "https://app.example.com:443",
            "http://app.example.com",
            "https://app.example.com.",
            "https://app.example.co",
            "https://app.example.comm",
            "https://app.example.com.evil.example",
            "https://xapp.example.com",
            "https://sub.app.example.com",
        ],
    );
    // A non-default port, punycode and IP literals: their canonical form only.
    assert_matching(
        &["https://app.example.com:8443"],
        &["https://app.example.com:8443"],
        &[
            "https://app.example.com",
            "https://app.example.com:8444",
            "https://app.example.com:08443",
        ],
    );
    assert_matching(
        &["https://xn--bcher-kva.example"],
        &["https://xn--bcher-kva.example"],
        &["https://XN--BCHER-KVA.example"],
    );
    assert_matching(
        &["http://[::1]:3000", "http://127.0.0.1:8080"],
        &["http://[::1]:3000", "http://127.0.0.1:8080"],
        &[
            "http://[0:0:0:0:0:0:0:1]:3000",
            "http://127.0.0.1:8081",
            "http://localhost:8080",
        ],
    );
}

#[test]
fn subdomain_and_port_patterns_combine() {
    assert_matching(
        &["https://*.example.com:*"],
        &["https://a.example.com", "https://a.b.example.com:8443"],
        &["https://example.com:8443", "http://a.example.com:8443"],
    );
}

#[test]
fn subdomain_pattern_matches_one_or_more_labels_at_a_dot_boundary_never_the_apex() {
    assert_matching(
        &["https://*.example.com"],
        &[
            "https://a.example.com",
            "https://a.b.c.example.com",
            "https://x-1.example.com",
            "https://1.example.com",
        ],
        &[
            "https://example.com",
            "https://evil-example.com",
            "https://evilexample.com",
            "https://example.com.evil.net",
            "https://a.example.com.evil.example",
            "https://app.example.com.evil",
            "https://aexample.com",
            "https://a..example.com",
            "https://a.example.co",
            "https://a.example.comx",
            "https://a.example.com.",
            "http://a.example.com",
            "https://a.example.com:8443",
            "https://a.example.com:443",
            "https://a.example.com:",
            "https://A.example.com",
            "https://a.EXAMPLE.com",
            "https://.example.com",
        ],
    );
}

#[test]
fn port_pattern_matches_any_port_of_that_host_only() {
    assert_matching(
        &["http://localhost:*"],
        &[
            "http://localhost:5173",
            "http://localhost:1",
            "http://localhost:65535",
            "http://localhost",
        ],
        &[
            "https://localhost:5173",
            "http://localhostx:3000",
            "http://xlocalhost:3000",
            "http://localhost.evil.net:80",
            "http://a.localhost:3000",
            "http://LOCALHOST:3000",
            "http://localhost:",
            "http://localhost:abc",
            "http://localhost:05173",
            "http://localhost:65536",
            "http://localhost:99999",
            "http://localhost:3000:3000",
            "http://localhost:+80",
            "http://localhost:-1",
            "http://127.0.0.1:3000",
        ],
    );
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

    // Refused as not allowed (not as malformed), whatever patterns are configured.
    let patterns = CorsLayer::builder()
        .allow_origins([
            "https://*.example.com",
            "http://localhost:*",
            "https://*.example.com:*",
            APP,
        ])
        .build()
        .unwrap();
    let p = parts(Method::GET, &[("origin", "null")]);
    match patterns.policy().decide(&p) {
        Decision::Rejected(r) => assert_eq!(r.reason(), Rejection::OriginNotAllowed("null")),
        other => panic!("null allowed: {other:?}"),
    }
    for other in [
        "wss://a.example.com",
        "ws://localhost:3000",
        "ftp://a.example.com",
        "chrome-extension://a.example.com",
        "moz-extension://localhost",
        "httpss://a.example.com",
        "file://a.example.com",
    ] {
        assert!(!allowed(&patterns, other), "{other}");
    }
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
        ("access-control-expose-headers", "x-secret"),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-allow-headers", "*"),
        ("access-control-max-age", "600"),
        ("access-control-allow-private-network", "true"),
        ("x-inner", "1"),
    ];
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .expose_headers([HeaderName::from_static("x-request-id")])
        .build()
        .unwrap();
    for layer in [exact(), layer] {
        let (res, calls) = run_with(
            &layer,
            actual(Method::GET, Some("https://evil.example")),
            StatusCode::IM_A_TEAPOT,
            &inner,
        )
        .await;
        assert_eq!(calls, 1);
        assert_eq!(res.status(), StatusCode::IM_A_TEAPOT);
        assert_eq!(res.body(), "inner");
        assert!(!has_cors_headers(res.headers()), "{:?}", res.headers());
        assert_eq!(values(res.headers(), "x-inner"), ["1"]);
        assert_eq!(vary_tokens(res.headers()), ["origin"]);
    }
}

#[tokio::test]
async fn rejected_actual_request_keeps_the_inner_vary_and_adds_origin_once() {
    let (res, _) = run(
        &exact(),
        actual(Method::GET, Some("https://evil.example")),
        &[("vary", "Accept-Encoding, Origin")],
    )
    .await;
    assert_eq!(vary_tokens(res.headers()), ["accept-encoding", "origin"]);
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
    let any_header = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_any_header()
        .build()
        .unwrap();
    for (layer, req) in [
        (exact(), preflight(APP, "GET", None)),
        (any_header, preflight(APP, "PUT", Some("x-a"))),
    ] {
        let (res, _) = run(&layer, req, &[]).await;
        assert_eq!(
            vary_tokens(res.headers()),
            [
                "origin",
                "access-control-request-method",
                "access-control-request-headers"
            ]
        );
    }
}

#[tokio::test]
async fn allow_credentials_is_exactly_true_or_absent() {
    for inner in ["true", "false", "TRUE"] {
        let (res, _) = run(
            &exact(),
            actual(Method::GET, Some(APP)),
            &[("access-control-allow-credentials", inner)],
        )
        .await;
        assert!(
            res.headers()
                .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
                .is_none(),
            "inner set {inner}"
        );
        assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);
    }
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
    assert_eq!(
        values(res.headers(), "access-control-allow-credentials"),
        ["true"]
    );
    let (res, _) = run(&layer, preflight(APP, "PUT", None), &[]).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .is_none());
    assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);
}

#[tokio::test]
async fn any_method_without_credentials_is_star() {
    let (res, _) = run(&CorsLayer::permissive(), preflight(APP, "PATCH", None), &[]).await;
    assert_eq!(values(res.headers(), "access-control-allow-methods"), ["*"]);
    assert_eq!(values(res.headers(), "access-control-allow-origin"), ["*"]);
}

#[tokio::test]
async fn preflight_refused_for_origin_or_shape_gets_403_without_cors_headers_or_inner_call() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_headers([HeaderName::from_static("x-ok")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(60))
        .build()
        .unwrap();
    let two_origins = http::Request::options("/api/items")
        .header(header::ORIGIN, APP)
        .header(header::ORIGIN, APP)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .body(String::new())
        .unwrap();
    // The origin, and malformed method, header list, origin. (Method and
    // header refusals from an allowed origin: refused_answers.rs.)
    for (i, req) in [
        preflight("https://evil.example", "PUT", None),
        preflight("https://evil.example", "DELETE", Some("x-not-allowed")),
        preflight(APP, "NOT A TOKEN", None),
        preflight(APP, "PUT", Some("x-ok;")),
        two_origins,
    ]
    .into_iter()
    .enumerate()
    {
        let (res, calls) = run(&layer, req, &[("access-control-allow-origin", "*")]).await;
        assert_eq!(calls, 0, "case {i}");
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "case {i}");
        assert!(
            !has_cors_headers(res.headers()),
            "case {i}: {:?}",
            res.headers()
        );
        assert!(res.body().is_empty(), "case {i}");
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
    assert_eq!(
        decide("patch"),
        Err("method \"patch\" is not allowed".to_owned())
    );
    for m in ["GET", "HEAD", "POST"] {
        assert_eq!(decide(m), Ok(()), "{m}");
    }
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
    let listed = CorsLayer::builder()
        .allow_origins([APP])
        .expose_any_header()
        .build()
        .unwrap();
    let (res, _) = run(&listed, actual(Method::GET, Some(APP)), &[("x-a", "1")]).await;
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
    // Opted in, but not asked: no answer header.
    let (res, _) = run(&pna, preflight(APP, "GET", None), &[]).await;
    assert!(res
        .headers()
        .get("access-control-allow-private-network")
        .is_none());
}
