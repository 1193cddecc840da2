//! The Connect preset: what connect-es, connect-web and connect-go clients
//! send and must read, as Connect's CORS guidance lists it.

use crate::common::*;
use http::{header, Method, StatusCode};
use tower_cors::{CorsLayer, CONNECT_EXPOSED_HEADERS, CONNECT_METHODS, CONNECT_REQUEST_HEADERS};

fn connect() -> CorsLayer {
    CorsLayer::builder()
        .connect_rpc()
        .allow_origins([APP])
        .build()
        .unwrap()
}

#[test]
fn the_preset_lists_are_connects_published_ones() {
    let names = |list: &[http::HeaderName]| {
        list.iter()
            .map(|n| n.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(CONNECT_METHODS, [Method::GET, Method::POST]);
    assert_eq!(
        names(&CONNECT_REQUEST_HEADERS),
        [
            "content-type",
            "connect-protocol-version",
            "connect-timeout-ms",
            "connect-accept-encoding",
            "connect-content-encoding",
            "content-encoding",
            "grpc-timeout",
            "x-grpc-web",
            "x-user-agent",
        ]
    );
    assert_eq!(
        names(&CONNECT_EXPOSED_HEADERS),
        [
            "grpc-status",
            "grpc-message",
            "grpc-status-details-bin",
            "content-encoding",
            "connect-content-encoding",
        ]
    );
}

#[tokio::test]
async fn connect_unary_post_preflight_is_allowed() {
    // What connect-web sends before a unary POST with a deadline.
    let req = preflight(
        APP,
        "POST",
        Some("connect-protocol-version,connect-timeout-ms,content-type"),
    );
    let (res, calls) = run(&connect(), req, &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(
        tokens(res.headers(), "access-control-allow-methods"),
        ["get", "post"]
    );
    let allowed = tokens(res.headers(), "access-control-allow-headers");
    for name in [
        "connect-protocol-version",
        "connect-timeout-ms",
        "content-type",
    ] {
        assert!(
            allowed.iter().any(|a| a == name),
            "{name} not in {allowed:?}"
        );
    }
}

#[tokio::test]
async fn grpc_web_preflight_is_allowed_by_the_connect_preset() {
    let req = preflight(
        APP,
        "POST",
        Some("content-type,grpc-timeout,x-grpc-web,x-user-agent"),
    );
    let (res, calls) = run(&connect(), req, &[]).await;
    assert_eq!((res.status(), calls), (StatusCode::NO_CONTENT, 0));
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
}

#[tokio::test]
async fn connect_get_is_allowed_and_exposes_the_status_headers() {
    let (res, calls) = run(
        &connect(),
        actual(Method::GET, Some(APP)),
        &[("grpc-status", "0")],
    )
    .await;
    assert_eq!(calls, 1);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(
        tokens(res.headers(), "access-control-expose-headers"),
        [
            "grpc-status",
            "grpc-message",
            "grpc-status-details-bin",
            "content-encoding",
            "connect-content-encoding",
        ]
    );
}

#[tokio::test]
async fn connect_get_preflight_with_a_timeout_header_is_allowed() {
    // A Connect GET that sets Connect-Timeout-Ms is no longer simple.
    let req = preflight(APP, "GET", Some("connect-timeout-ms"));
    let (res, calls) = run(&connect(), req, &[]).await;
    assert_eq!((res.status(), calls), (StatusCode::NO_CONTENT, 0));
}
