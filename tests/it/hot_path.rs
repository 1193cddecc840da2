//! Behaviour the request path's shortcuts must keep (issue 7): answers built
//! from precomputed preflight headers, CORS headers of the inner service
//! stripped only when present, requested header lists split by hand, and
//! subdomain patterns matched after a one-pass host check.

use crate::common::*;
use http::{header, Method, Request, StatusCode};
use tower_cors::{CorsLayer, CorsRequest};

fn exact() -> CorsLayer {
    CorsLayer::builder().allow_origins([APP]).build().unwrap()
}

#[tokio::test]
async fn allowed_response_replaces_or_drops_every_cors_header_the_inner_service_set() {
    let inner = [
        ("access-control-allow-origin", "https://other.example"),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "x-secret"),
        ("x-inner", "1"),
    ];
    let (res, _) = run(&exact(), actual(Method::GET, Some(APP)), &inner).await;
    assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);
    assert!(res
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    assert!(res.headers().get("access-control-expose-headers").is_none());
    assert_eq!(values(res.headers(), "x-inner"), ["1"]);
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

#[tokio::test]
async fn refused_response_loses_every_cors_header_the_inner_service_set() {
    let inner = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "x-secret"),
        ("x-inner", "1"),
    ];
    let req = actual(Method::GET, Some("https://evil.example"));
    let (res, calls) = run(&exact(), req, &inner).await;
    assert_eq!(calls, 1);
    assert!(!has_cors_headers(res.headers()));
    assert_eq!(values(res.headers(), "x-inner"), ["1"]);
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

#[tokio::test]
async fn allowed_response_without_inner_cors_headers_gets_exactly_ours() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .build()
        .unwrap();
    let (res, _) = run(&layer, actual(Method::GET, Some(APP)), &[("x-inner", "1")]).await;
    let cors: Vec<&str> = res
        .headers()
        .keys()
        .map(|k| k.as_str())
        .filter(|k| k.starts_with("access-control-"))
        .collect();
    assert_eq!(cors.len(), 3, "{cors:?}");
    assert_eq!(
        values(res.headers(), "access-control-allow-credentials"),
        ["true"]
    );
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["x-request-id"]
    );
}

#[test]
fn requested_headers_split_on_commas_across_lines_skipping_whitespace_and_empty_items() {
    let req = Request::options("/")
        .header(header::ORIGIN, APP)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, " a ,,\tb\t, ")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "c,d,")
        .body(())
        .unwrap();
    let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
        panic!("not a preflight")
    };
    assert_eq!(
        p.requested_headers().collect::<Vec<_>>(),
        ["a", "b", "c", "d"]
    );
    assert!(!p.requests_private_network());
}

#[tokio::test]
async fn preflight_headers_are_the_policy_s_with_the_request_s_origin() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    let req = preflight(APP, "PUT", Some("Content-Type"));
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let h = res.headers();
    assert_eq!(values(h, "access-control-allow-origin"), [APP]);
    assert_eq!(values(h, "access-control-allow-methods"), ["PUT"]);
    assert_eq!(values(h, "access-control-allow-headers"), ["content-type"]);
    assert_eq!(values(h, "access-control-max-age"), ["600"]);
    assert!(h.get("access-control-allow-credentials").is_none());
    assert_eq!(
        vary_tokens(h),
        [
            "origin",
            "access-control-request-method",
            "access-control-request-headers"
        ]
    );
}

#[tokio::test]
async fn credentialed_any_header_preflight_echoes_the_list_or_sends_none() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(&layer, preflight(APP, "PATCH", Some("x-a, x-b")), &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-allow-methods"),
        ["PATCH"]
    );
    assert_eq!(
        values(res.headers(), "access-control-allow-headers"),
        ["x-a, x-b"]
    );
    assert_eq!(
        values(res.headers(), "access-control-allow-credentials"),
        ["true"]
    );

    let (res, _) = run(&layer, preflight(APP, "PATCH", None), &[]).await;
    assert!(res.headers().get("access-control-allow-headers").is_none());
    assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);
}

#[tokio::test]
async fn permissive_preflight_is_star_except_for_authorization() {
    let (res, _) = run(
        &CorsLayer::permissive(),
        preflight(APP, "PUT", Some("x-a")),
        &[],
    )
    .await;
    assert_eq!(values(res.headers(), "access-control-allow-origin"), ["*"]);
    assert_eq!(values(res.headers(), "access-control-allow-methods"), ["*"]);
    assert_eq!(values(res.headers(), "access-control-allow-headers"), ["*"]);

    let req = preflight(APP, "PUT", Some("x-a, Authorization"));
    let (res, _) = run(&CorsLayer::permissive(), req, &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-allow-headers"),
        ["*, authorization"]
    );
}

#[tokio::test]
async fn private_network_preflight_gets_its_header_only_when_asked() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = preflight(APP, "GET", None);
    req.headers_mut().insert(
        "access-control-request-private-network",
        http::HeaderValue::from_static("true"),
    );
    let (res, _) = run(&layer, req, &[]).await;
    assert_eq!(
        values(res.headers(), "access-control-allow-private-network"),
        ["true"]
    );
    assert!(vary_tokens(res.headers()).contains(&"access-control-request-private-network".into()));

    let (res, _) = run(&layer, preflight(APP, "GET", None), &[]).await;
    assert!(res
        .headers()
        .get("access-control-allow-private-network")
        .is_none());
}

#[tokio::test]
async fn subdomain_pattern_matches_only_canonical_hosts_below_the_suffix() {
    let layer = CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .build()
        .unwrap();
    for (origin, allowed) in [
        ("https://app.example.com", true),
        ("https://a.b.example.com", true),
        ("https://app.example.com:8443", false),
        ("https://example.com", false),
        ("https://.example.com", false),
        ("https://a..example.com", false),
        ("https://app.example.com.", false),
        ("https://App.example.com", false),
        ("http://app.example.com", false),
        ("https://app.example.com.evil", false),
    ] {
        let (res, _) = run(&layer, actual(Method::GET, Some(origin)), &[]).await;
        let acao = res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(acao.is_some(), allowed, "{origin}");
        if allowed {
            assert_eq!(acao.unwrap(), origin);
        }
    }
}

#[tokio::test]
async fn requested_header_names_match_the_allowed_list_in_any_case() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-requested-with"),
        ])
        .build()
        .unwrap();
    for list in [
        "content-type",
        "Content-Type, X-Requested-With",
        "x-requested-with",
    ] {
        let (res, _) = run(&layer, preflight(APP, "POST", Some(list)), &[]).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{list}");
    }
    let (res, _) = run(&layer, preflight(APP, "POST", Some("content-typ")), &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
