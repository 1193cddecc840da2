//! Per-route policies in axum (`examples/per_route.rs`), over loopback.

#[allow(dead_code)]
#[path = "../../examples/per_route.rs"]
#[rustfmt::skip] // formatted by its own target (tests/rustfmt.toml is not its config)
mod example;

use std::convert::Infallible;

use crate::common::{assert_lines, Line, ABSENT, ACAC, ACAM, ACAO, VARY};
use crate::loopback::{request, Server};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::{header, Method, Request, StatusCode};
use http_body_util::Full;
use tower::ServiceExt;
use tower_cors::CorsLayer;

const APP: &str = example::APP_ORIGIN;
const OTHER: &str = "https://other.example";

/// A GET (no method) or a preflight for `method` from `origin` to `path`.
fn from(server: &Server, path: &str, origin: &str, method: Option<&str>) -> Request<Full<Bytes>> {
    let mut req =
        request(if method.is_some() { Method::OPTIONS } else { Method::GET }, server, path);
    req = req.header(header::ORIGIN, origin);
    if let Some(method) = method {
        req = req.header(header::ACCESS_CONTROL_REQUEST_METHOD, method);
    }
    req.body(Full::default()).unwrap()
}

/// (path, origin, preflight method, status, lines, body)
type Case =
    (&'static str, &'static str, Option<&'static str>, u16, &'static [Line], Option<&'static str>);

#[tokio::test]
#[rustfmt::skip]
async fn each_route_answers_with_its_own_policy() {
    let server = Server::start(example::serve).await;
    const PUBLIC: &[Line] = &[(ACAO, "*"), (ACAC, ABSENT)];
    let rows: &[Case] = &[
        // Public routes allow any origin, without credentials.
        ("/public/status", APP, None, 200, PUBLIC, Some("{\"up\":true}")),
        ("/public/status", OTHER, None, 200, PUBLIC, Some("{\"up\":true}")),
        // A public preflight reaches the layer on a GET-only route.
        ("/public/status", OTHER, Some("GET"), 204, &[(ACAO, "*")], None),
        // The nested router's fallback puts unknown `/public` paths inside
        // the layer: a script can read the 404 instead of a network error.
        ("/public/nope", OTHER, None, 404, &[(ACAO, "*")], None),
        ("/public/nope", OTHER, Some("GET"), 204, &[(ACAO, "*")], None),
        // Account routes allow the app, with credentials.
        ("/account/profile", APP, None, 200, &[(ACAO, APP), (ACAC, "true"), (VARY, "origin")], None),
        ("/account/profile", APP, Some("PUT"), 204, &[(ACAO, APP), (ACAM, "GET, PUT")], None),
        // Refused: actual requests still reach the handler; the browser
        // hides the answer.
        ("/account/profile", OTHER, None, 200, &[(ACAO, ABSENT)], None),
        ("/account/profile", OTHER, Some("PUT"), 403, &[(ACAO, ABSENT)], None),
        ("/account/nope", APP, None, 404, &[(ACAO, ABSENT)], None),
    ];
    for (path, origin, method, status, want, body) in rows {
        let case = format!("{path} from {origin} {method:?}");
        let res = server.send(from(&server, path, origin, *method)).await;
        assert_eq!(res.status().as_u16(), *status, "{case}");
        assert_lines(&case, res.headers(), want);
        if let Some(body) = body {
            assert_eq!(res.body(), body, "{case}");
        }
    }
    server.stop().await;
}

/// Why the example warns against `MethodRouter::route_layer`: it does not
/// wrap axum's 405 fallback, so the preflight never reaches the layer.
#[tokio::test]
async fn method_router_route_layer_misses_preflights() {
    let cors = CorsLayer::builder().allow_origins([APP]).build().unwrap();
    let app: Router =
        Router::new().route("/x", get(|| async { Ok::<_, Infallible>("x") }).route_layer(cors));
    let mut req = crate::common::preflight(APP, "GET", None);
    *req.uri_mut() = "/x".parse().unwrap();
    let res = app.oneshot(req.map(axum::body::Body::from)).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_lines("route_layer", res.headers(), &[(ACAO, ABSENT)]);
}
