//! Per-route policies in axum (`examples/per_route.rs`), over loopback.

#[allow(dead_code)]
#[path = "../../examples/per_route.rs"]
mod example;

use std::convert::Infallible;

use crate::loopback::{request, Server};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::Full;
use tower::ServiceExt;
use tower_cors::CorsLayer;

const APP: &str = example::APP_ORIGIN;
const OTHER: &str = "https://other.example";

fn get_from(server: &Server, path: &str, origin: &str) -> Request<Full<Bytes>> {
    request(Method::GET, server, path)
        .header(header::ORIGIN, origin)
        .body(Full::default())
        .unwrap()
}

fn preflight_from(server: &Server, path: &str, origin: &str, method: &str) -> Request<Full<Bytes>> {
    request(Method::OPTIONS, server, path)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
        .body(Full::default())
        .unwrap()
}

fn acao(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn public_routes_allow_any_origin_without_credentials() {
    let server = Server::start(example::serve).await;
    for origin in [APP, OTHER] {
        let res = server
            .send(get_from(&server, "/public/status", origin))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(acao(res.headers()), Some("*"));
        assert!(res
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none());
        assert_eq!(res.body(), "{\"up\":true}");
    }
    server.stop().await;
}

#[tokio::test]
async fn account_routes_allow_the_app_with_credentials() {
    let server = Server::start(example::serve).await;
    let res = server
        .send(get_from(&server, "/account/profile", APP))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(res.headers()), Some(APP));
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_CREDENTIALS],
        "true"
    );
    assert_eq!(res.headers()[header::VARY], "origin");

    let res = server
        .send(preflight_from(&server, "/account/profile", APP, "PUT"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(res.headers()), Some(APP));
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "GET, PUT"
    );
    server.stop().await;
}

#[tokio::test]
async fn account_routes_refuse_other_origins() {
    let server = Server::start(example::serve).await;
    let res = server
        .send(get_from(&server, "/account/profile", OTHER))
        .await;
    // Actual requests still reach the handler; the browser hides the answer.
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(res.headers()), None);

    let res = server
        .send(preflight_from(&server, "/account/profile", OTHER, "PUT"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(acao(res.headers()), None);
    server.stop().await;
}

#[tokio::test]
async fn public_preflight_reaches_the_layer_on_a_get_only_route() {
    let server = Server::start(example::serve).await;
    let res = server
        .send(preflight_from(&server, "/public/status", OTHER, "GET"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(res.headers()), Some("*"));
    server.stop().await;
}

/// The nested router's fallback puts unknown `/public` paths inside the
/// layer: a script can read the 404 instead of seeing a network error.
#[tokio::test]
async fn unknown_public_path_is_a_404_with_cors_headers() {
    let server = Server::start(example::serve).await;
    let res = server.send(get_from(&server, "/public/nope", OTHER)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(res.headers()), Some("*"));

    let res = server
        .send(preflight_from(&server, "/public/nope", OTHER, "GET"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(res.headers()), Some("*"));
    server.stop().await;
}

#[tokio::test]
async fn unknown_account_path_is_a_plain_404() {
    let server = Server::start(example::serve).await;
    let res = server.send(get_from(&server, "/account/nope", APP)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(acao(res.headers()), None);
    server.stop().await;
}

/// Why the example warns against `MethodRouter::route_layer`: it does not
/// wrap axum's 405 fallback, so the preflight never reaches the layer.
#[tokio::test]
async fn method_router_route_layer_misses_preflights() {
    let cors = CorsLayer::builder().allow_origins([APP]).build().unwrap();
    let app: Router = Router::new().route(
        "/x",
        get(|| async { Ok::<_, Infallible>("x") }).route_layer(cors),
    );
    let req = Request::options("/x")
        .header(header::ORIGIN, APP)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(acao(res.headers()), None);
}
