//! Behaviour the request path's shortcuts must keep: answers built from
//! precomputed preflight headers, CORS headers of the inner service stripped
//! only when present, and requested header lists split by hand.

use crate::common::*;
use http::{header, Method, Request, StatusCode};
use tower_cors::CorsLayer;

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

#[tokio::test]
async fn requested_headers_split_on_commas_across_lines_skipping_whitespace_and_empty_items() {
    // Any header under credentials echoes the requested names, as one line.
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let req = Request::options("/")
        .header(header::ORIGIN, APP)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, " a ,,\tb\t, ")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "c,d,")
        .body(String::new())
        .unwrap();
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        values(res.headers(), "access-control-allow-headers"),
        ["a, b, c, d"]
    );
    assert!(res
        .headers()
        .get("access-control-allow-private-network")
        .is_none());
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
