//! The Connect preset: what connect-es, connect-web and connect-go clients
//! send and must read, as Connect's CORS guidance lists it.

use crate::common::*;
use http::Method;
use tower_cors::{CorsLayer, CONNECT_EXPOSED_HEADERS, CONNECT_METHODS, CONNECT_REQUEST_HEADERS};

const EXPOSED: &str = "grpc-status, grpc-message, grpc-status-details-bin, content-encoding, \
    connect-content-encoding";
const ALLOWED: &str = "content-type, connect-protocol-version, connect-timeout-ms, \
    connect-accept-encoding, connect-content-encoding, content-encoding, grpc-timeout, x-grpc-web, \
    x-user-agent";

#[test]
#[rustfmt::skip]
fn the_preset_lists_are_connects_published_ones() {
    let names = |list: &[http::HeaderName]| list.iter().map(|n| n.as_str().to_owned()).collect::<Vec<_>>();
    assert_eq!(CONNECT_METHODS, [Method::GET, Method::POST]);
    assert_eq!(names(&CONNECT_REQUEST_HEADERS).join(", "), ALLOWED);
    assert_eq!(names(&CONNECT_EXPOSED_HEADERS).join(", "), EXPOSED);
}

#[tokio::test]
#[rustfmt::skip]
async fn connect_and_grpc_web_clients_are_allowed_and_read_the_status_headers() {
    let connect = || CorsLayer::builder().connect_rpc().allow_origins([APP]).build().unwrap();
    expect_rows(vec![
        // What connect-web sends before a unary POST with a deadline.
        ("a unary POST", connect(), preflight(APP, "POST", Some("connect-protocol-version,connect-timeout-ms,content-type")), &[], "204",
            vec![(ACAO, APP), (ACAM, "GET, POST"), (ACAH, ALLOWED)]),
        ("a gRPC-Web call", connect(), preflight(APP, "POST", Some("content-type,grpc-timeout,x-grpc-web,x-user-agent")), &[], "204",
            vec![(ACAO, APP)]),
        // A Connect GET that sets Connect-Timeout-Ms is no longer simple.
        ("a GET with a timeout", connect(), preflight(APP, "GET", Some("connect-timeout-ms")), &[], "204", vec![]),
        ("a GET", connect(), get(APP), &[("grpc-status", "0")], "inner", vec![(ACAO, APP), (ACEH, EXPOSED)]),
    ]).await;
}
