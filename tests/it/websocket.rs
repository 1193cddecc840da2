//! `guard_websockets`: WebSocket handshakes from refused origins get 403 and
//! never reach the inner service; everything else is decided as without it.

use crate::common::*;
use http::Method;
use tower_cors::{CorsLayer, Decision, Malformed, Rejection, RequestKind};

fn guarded() -> CorsLayer {
    policy(&[APP, "https://*.tenants.example"], |b| {
        b.allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".trusted.example"))
            .guard_websockets(true)
    })
}

#[tokio::test]
#[rustfmt::skip]
async fn handshakes_from_refused_origins_are_refused_and_others_pass() {
    let (ws, upgrade) = (("upgrade", "websocket"), ("connection", "Upgrade"));
    let evil = ("origin", EVIL);
    // (row, method, request headers, who answers: the layer's 403 or the inner service)
    let rows: &[(&str, Method, &[Line], &str)] = &[
        ("h1 handshake, refused origin", Method::GET, &[evil, ws, upgrade], "403"),
        ("h1 handshake, upper-case token", Method::GET, &[evil, ("upgrade", "WebSocket")], "403"),
        ("h1 handshake, token inside a list", Method::GET, &[evil, ("upgrade", "h2c, websocket")], "403"),
        ("h1 handshake, token on a second line", Method::GET, &[evil, ("upgrade", "h2c"), ws], "403"),
        ("h1 handshake without Connection", Method::GET, &[evil, ws], "403"),
        ("h1 handshake, null origin", Method::GET, &[("origin", "null"), ws], "403"),
        ("h1 handshake, malformed origin", Method::GET, &[("origin", "https://a b"), ws], "403"),
        ("h1 handshake, two origins", Method::GET, &[("origin", APP), evil, ws], "403"),
        ("h2 extended CONNECT, refused origin", Method::CONNECT, &[evil], "403"),
        ("h1 handshake, exact origin", Method::GET, &[("origin", APP), ws, upgrade], "inner"),
        ("h1 handshake, pattern origin", Method::GET, &[("origin", "https://a.tenants.example"), ws], "inner"),
        ("h1 handshake, predicate origin", Method::GET, &[("origin", "https://x.trusted.example"), ws], "inner"),
        ("h2 extended CONNECT, allowed origin", Method::CONNECT, &[("origin", APP)], "inner"),
        ("h1 handshake without Origin", Method::GET, &[ws, upgrade], "inner"),
        ("CONNECT without Origin", Method::CONNECT, &[], "inner"),
        ("ordinary GET, refused origin", Method::GET, &[evil], "inner"),
        ("other upgrade, refused origin", Method::GET, &[evil, ("upgrade", "h2c")], "inner"),
        ("POST with Upgrade, refused origin", Method::POST, &[evil, ws], "inner"),
    ];
    for (case, method, headers, by) in rows {
        let want: &[_] = if *by == "403" { &[("access-control-*", ABSENT)] } else { &[] };
        expect(case, &guarded(), request(method.clone(), headers), &[], by, want).await;
    }
}

#[tokio::test]
#[rustfmt::skip]
async fn allowed_handshakes_preflights_and_unguarded_policies_are_decided_as_without_the_guard() {
    let any = CorsLayer::builder().allow_any_origin().guard_websockets(true).build().unwrap();
    let (guarded, layer) = (guarded(), layer());
    let handshake = |method, origin| request(method, &[("origin", origin), ("upgrade", "websocket")]);
    let none = || vec![("access-control-*", ABSENT)];
    let rows: Vec<Row> = vec![
        ("an allowed handshake gets the CORS headers of an actual request", guarded.clone(), handshake(Method::GET, APP), &[], "inner",
            vec![(ACAO, APP), (VARY, "origin")]),
        ("without the guard: a GET handshake is an actual request", layer.clone(), handshake(Method::GET, EVIL), &[], "inner", none()),
        ("without the guard: a CONNECT handshake is an actual request", layer.clone(), handshake(Method::CONNECT, EVIL), &[], "inner", none()),
        ("under any origin: a refused-looking origin passes", any.clone(), handshake(Method::GET, EVIL), &[], "inner", vec![]),
        ("under any origin: null passes", any.clone(), handshake(Method::GET, "null"), &[], "inner", vec![]),
        ("under any origin: a malformed origin passes", any.clone(), handshake(Method::GET, "https://a b"), &[], "inner", vec![]),
        ("an allowed preflight is untouched by the guard", guarded.clone(), preflight(APP, "GET", None), &[], "204", vec![]),
        ("a refused preflight is untouched by the guard", guarded.clone(), preflight(EVIL, "GET", None), &[], "403", none()),
    ];
    expect_rows(rows).await;
}

#[test]
#[rustfmt::skip]
fn refused_handshakes_are_decided_with_the_websocket_kind_and_the_origin_reason() {
    let ws = ("upgrade", "websocket");
    let cases: &[(&[(&str, &str)], Rejection<'static>)] = &[
        (&[("origin", EVIL), ws], Rejection::OriginNotAllowed(EVIL)),
        (&[("origin", "https://a/b"), ws], Rejection::Malformed(Malformed::Origin)),
        (&[("origin", APP), ("origin", APP), ws], Rejection::Malformed(Malformed::MultipleOrigins)),
    ];
    let layer = guarded();
    for (headers, reason) in cases {
        let parts = parts(Method::GET, headers);
        let Decision::Rejected(rejected) = layer.policy().decide(&parts) else {
            panic!("{headers:?} allowed");
        };
        assert_eq!((rejected.kind(), rejected.reason()), (RequestKind::WebSocket, *reason), "{headers:?}");
        if let Rejection::OriginNotAllowed(_) = reason {
            let line = "WebSocket handshake rejected: origin \"https://evil.example\" is not allowed";
            assert_eq!(rejected.to_string(), line);
        }
    }
}

#[test]
fn the_guard_shows_in_the_policy_summary_only_when_on() {
    assert!(guarded().policy().to_string().ends_with("; websocket handshakes: guarded"));
    assert!(!layer().policy().to_string().contains("websocket"));
}

#[tokio::test]
async fn under_an_async_predicate_a_refused_handshake_never_runs_the_handler() {
    let layer = app(|b| {
        b.allow_origin_async_predicate(|origin, _| {
            let allowed = origin == "https://tenant.example";
            async move {
                tokio::task::yield_now().await;
                allowed
            }
        })
        .guard_websockets(true)
    });
    let handshake = |origin| request(Method::GET, &[("origin", origin), ("upgrade", "websocket")]);
    // An ordinary request from a refused origin still reaches the handler.
    let ordinary = request(Method::GET, &[("origin", EVIL)]);
    let rows = [
        (handshake(EVIL), 403, 0),
        (handshake("https://tenant.example"), 200, 1),
        (ordinary, 200, 1),
    ];
    for (req, status, ran) in rows {
        let (res, got) = run_polled(&layer, req).await;
        assert_eq!((res.status().as_u16(), got), (status, ran));
    }
}
