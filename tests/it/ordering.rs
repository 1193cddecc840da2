//! Where CORS goes in a Tower stack: outside authentication, so preflights
//! (which browsers send without credentials) are not refused with 401, and
//! outside `CatchPanicLayer`, so a panicking handler's 500 is readable.
//! Runs `examples/hyper.rs` on a loopback port and `examples/axum.rs`'s stack.

#[allow(dead_code)]
#[path = "../../examples/hyper.rs"]
#[rustfmt::skip] // formatted by its own target (tests/rustfmt.toml is not its config)
mod example;

#[allow(dead_code)]
#[path = "../../examples/axum.rs"]
#[rustfmt::skip] // formatted by its own target (tests/rustfmt.toml is not its config)
mod axum_example;

use std::convert::Infallible;

use crate::common::{assert_lines, Line, ACAC, ACAH, ACAM, ACAO, ACMA, VARY};
use crate::loopback::{request, Server};
use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::Full;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;

const APP: &str = "https://app.example.com";
/// The origin `examples/axum.rs` allows.
const ORIGIN_5173: &str = "http://localhost:5173";

/// The preflight for an authenticated PUT to `/api/me` from APP, built on `req`.
fn preflight(req: http::request::Builder) -> Request<Full<Bytes>> {
    let req = req.header(header::ORIGIN, APP).header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT");
    req.header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
        .body(Full::default())
        .unwrap()
}

/// Over loopback, CORS outside auth: the preflight (no credentials) is
/// answered; an authenticated call gets the handler's answer, an
/// unauthenticated one a 401 the page can read (not an opaque network error).
#[tokio::test]
#[rustfmt::skip]
async fn cors_outside_auth_answers_preflights_and_decorates_authenticated_and_401_answers() {
    let server = Server::start(example::serve).await;
    let get = || request(Method::GET, &server, "/api/me").header(header::ORIGIN, APP);
    let bearer = format!("Bearer {}", example::TOKEN);
    let preflight_lines: &[Line] =
        &[(ACAO, APP), (ACAC, "true"), (ACAM, "GET, PUT"), (ACAH, "authorization, content-type"), (ACMA, "600")];
    let rows = [
        ("preflight", preflight(request(Method::OPTIONS, &server, "/api/me")), 204, preflight_lines, None),
        ("authenticated", get().header(header::AUTHORIZATION, bearer).body(Full::default()).unwrap(), 200,
            &[(ACAO, APP), (VARY, "origin")], Some("{\"user\":\"demo\",\"path\":\"/api/me\"}")),
        ("unauthenticated", get().body(Full::default()).unwrap(), 401, &[(ACAO, APP)], None),
    ];
    for (case, req, status, want, body) in rows {
        let res = server.send(req).await;
        assert_eq!(res.status().as_u16(), status, "{case}");
        assert_lines(case, res.headers(), want);
        if let Some(body) = body {
            assert_eq!(res.body(), body, "{case}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn preflight_gets_401_when_cors_is_placed_inside_auth() {
    let wrong_order = ServiceBuilder::new()
        .layer(example::RequireBearer::layer(example::TOKEN))
        .layer(example::cors())
        .service_fn(|_req: Request<Full<Bytes>>| async {
            Ok::<_, Infallible>(Response::new(Full::<Bytes>::default()))
        });
    let res = wrong_order.oneshot(preflight(Request::options("/api/me"))).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

async fn panicking_handler() -> &'static str {
    panic!("a bug in the handler")
}

/// With `CatchPanicLayer` inside the CORS layer (the axum example's stack)
/// the 500 of a panicking handler carries `Access-Control-Allow-Origin`, so
/// the page reads it; outside, it carries none and the browser reports a
/// CORS error instead of the 500.
#[tokio::test]
async fn panicking_handler_500_carries_acao_only_with_catch_panic_inside_cors() {
    let routes = || axum::Router::new().route("/boom", axum::routing::get(panicking_handler));
    let cors = || axum_example::cors("").unwrap();
    let cases = [
        ("inside", axum_example::with_layers(routes(), cors()), Some(ORIGIN_5173)),
        ("outside", routes().layer(cors()).layer(CatchPanicLayer::new()), None),
    ];
    for (placement, app, allow_origin) in cases {
        let req = Request::get("/boom")
            .header(header::ORIGIN, ORIGIN_5173)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{placement}");
        let acao = res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(acao.map(|v| v.to_str().unwrap()), allow_origin, "{placement}");
    }
}
