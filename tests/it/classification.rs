//! DESIGN.md "Request classification": which requests are CORS, which are
//! preflights, and who answers them.

use crate::common::*;
use http::{header, Method, StatusCode};
use tower_cors::{CorsLayer, Decision, Malformed, Rejection, RequestKind};

#[tokio::test]
async fn request_without_origin_is_not_cors_and_passes_through_untouched() {
    let (res, calls) = run(&layer(), actual(Method::GET, None), &[("x-inner", "1")]).await;
    assert_eq!(calls, 1);
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!has_cors_headers(res.headers()));
    assert_eq!(values(res.headers(), "x-inner"), ["1"]);
    assert_eq!(res.body(), "inner");
}

#[tokio::test]
async fn request_without_origin_gets_vary_origin_when_answers_depend_on_origin() {
    let (res, calls) = run(&layer(), actual(Method::GET, None), &[]).await;
    assert_eq!(calls, 1);
    assert!(!has_cors_headers(res.headers()));
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

#[tokio::test]
async fn request_without_origin_gets_star_and_no_vary_when_every_origin_gets_star() {
    let (res, calls) = run_with(
        &CorsLayer::permissive(),
        actual(Method::GET, None),
        StatusCode::CREATED,
        &[("x-inner", "1")],
    )
    .await;
    assert_eq!(calls, 1);
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.body(), "inner");
    assert_eq!(values(res.headers(), "x-inner"), ["1"]);
    // A cached copy must also serve a later fetch() (Fetch, "CORS protocol
    // and HTTP caches").
    assert_eq!(values(res.headers(), "access-control-allow-origin"), ["*"]);
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["*"]
    );
    assert!(res.headers().get(header::VARY).is_none());
}

#[tokio::test]
async fn options_without_origin_is_not_cors() {
    let req = http::Request::options("/")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .body(String::new())
        .unwrap();
    let (parts, body) = req.into_parts();
    assert!(matches!(layer().policy().decide(&parts), Decision::NotCors));
    let (res, calls) = run(&layer(), http::Request::from_parts(parts, body), &[]).await;
    assert_eq!(calls, 1);
    assert_eq!(res.body(), "inner");
    assert!(!has_cors_headers(res.headers()));
}

#[tokio::test]
async fn preflight_is_answered_by_the_layer_and_never_reaches_the_inner_service() {
    let (res, calls) = run(&layer(), preflight(APP, "PUT", None), &[("x-inner", "1")]).await;
    assert_eq!(calls, 0);
    assert!(res.headers().get("x-inner").is_none());
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(res.body().is_empty());
}

#[tokio::test]
async fn options_with_origin_but_without_request_method_reaches_the_inner_service() {
    let p = parts(Method::OPTIONS, &[("origin", APP)]);
    assert!(matches!(layer().policy().decide(&p), Decision::Actual(_)));
    let (res, calls) = run(
        &layer(),
        actual(Method::OPTIONS, Some(APP)),
        &[("allow", "GET, PUT")],
    )
    .await;
    assert_eq!(calls, 1);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), "inner");
    assert_eq!(values(res.headers(), "allow"), ["GET, PUT"]);
    // It is an actual CORS request: its response is decorated.
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_METHODS)
        .is_none());
}

#[tokio::test]
async fn request_with_origin_is_an_actual_request_and_its_response_is_decorated() {
    for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
        let (res, calls) = run(&layer(), actual(method, Some(APP)), &[]).await;
        assert_eq!(calls, 1);
        assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert_eq!(vary_tokens(res.headers()), ["origin"]);
    }
}

#[test]
fn classification_decides_not_cors_actual_request_or_preflight() {
    let any = CorsLayer::permissive();
    let decide = |method: Method, headers: &[(&str, &str)]| {
        let p = parts(method, headers);
        match any.policy().decide(&p) {
            Decision::NotCors => "not cors",
            Decision::Actual(_) => "actual",
            Decision::Preflight(_) => "preflight",
            Decision::Rejected(r) => panic!("rejected: {r}"),
            other => unreachable!("no async origin check here: {other:?}"),
        }
    };
    let acrm = ("access-control-request-method", "PUT");
    assert_eq!(decide(Method::GET, &[]), "not cors");
    assert_eq!(decide(Method::OPTIONS, &[("origin", APP)]), "actual");
    assert_eq!(
        decide(Method::OPTIONS, &[("origin", APP), acrm]),
        "preflight"
    );
    // A GET with Access-Control-Request-Method is still an actual request.
    assert_eq!(decide(Method::GET, &[("origin", APP), acrm]), "actual");
}

fn rejection(method: Method, headers: &[(&str, &str)]) -> (RequestKind, Malformed) {
    rejection_by(&layer(), method, headers)
}

/// The kind and problem of a request `layer` refuses as malformed.
fn rejection_by(
    layer: &CorsLayer,
    method: Method,
    headers: &[(&str, &str)],
) -> (RequestKind, Malformed) {
    let p = parts(method, headers);
    match layer.policy().decide(&p) {
        Decision::Rejected(r) => match r.reason() {
            Rejection::Malformed(m) => (r.kind(), m),
            other => panic!("not malformed: {other:?}"),
        },
        other => panic!("not rejected: {other:?}"),
    }
}

#[test]
fn malformed_origin_is_a_typed_rejection() {
    for bad in [
        "app.example.com",
        "https://",
        "https://a b",
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://app.example.com?q",
        "https://app.example.com#f",
        "https://u@app.example.com",
        "https://user@app.example.com",
        "*",
    ] {
        assert_eq!(
            rejection(Method::GET, &[("origin", bad)]),
            (RequestKind::Actual, Malformed::Origin),
            "{bad}"
        );
    }
    let mut p = parts(Method::GET, &[]);
    p.headers.insert(
        header::ORIGIN,
        http::HeaderValue::from_bytes(b"https://\xffx.example").unwrap(),
    );
    assert!(
        matches!(layer().policy().decide(&p), Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::Origin))
    );
}

#[test]
fn malformed_preflight_origin_is_a_typed_rejection_under_every_kind_of_origin_rule() {
    let layers = [
        ("listed", layer()),
        ("any", CorsLayer::permissive()),
        (
            "pattern",
            CorsLayer::builder()
                .allow_origins(["https://*.example.com"])
                .build()
                .unwrap(),
        ),
    ];
    for (rule, layer) in &layers {
        for bad in [
            "app.example.com",
            "https://a b.example.com",
            "https://a.example.com/",
        ] {
            let headers = [("origin", bad), ("access-control-request-method", "PUT")];
            assert_eq!(
                rejection_by(layer, Method::OPTIONS, &headers),
                (RequestKind::Preflight, Malformed::Origin),
                "{rule}: {bad}"
            );
        }
    }
}

#[test]
fn preflight_malformed_in_origin_and_method_is_refused_for_its_origin() {
    assert_eq!(
        rejection(
            Method::OPTIONS,
            &[
                ("origin", "not an origin"),
                ("access-control-request-method", "PU T")
            ]
        ),
        (RequestKind::Preflight, Malformed::Origin)
    );
    assert_eq!(
        rejection(
            Method::OPTIONS,
            &[
                ("origin", "not an origin"),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x(bad)")
            ]
        ),
        (RequestKind::Preflight, Malformed::Origin)
    );
}

#[tokio::test]
async fn malformed_preflight_is_refused_without_calling_the_inner_service() {
    let (res, calls) = run(&layer(), preflight(APP, "PU T", None), &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!has_cors_headers(res.headers()));
}
