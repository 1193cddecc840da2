//! `guard_websockets`: WebSocket handshakes from refused origins get 403 and
//! never reach the inner service; everything else is decided as without it.

use crate::common::*;
use http::Method;
use tower_cors::{CorsLayer, Decision};

fn guarded() -> CorsLayer {
    policy(&[APP, "https://*.tenants.example"], |b| {
        b.allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".trusted.example"))
            .guard_websockets(true)
    })
}

#[tokio::test]
#[rustfmt::skip]
async fn handshakes_from_refused_origins_are_refused_and_others_pass() {
    let (layer, ws, upgrade) = (guarded(), ("upgrade", "websocket"), ("connection", "Upgrade"));
    let evil = ("origin", EVIL);
    let refused = r#"WebSocket refused: OriginNotAllowed("https://evil.example")"#;
    let malformed = "WebSocket refused: Malformed(Origin)";
    let actual_refused = r#"Actual refused: OriginNotAllowed("https://evil.example")"#;
    // (row, method, request headers, the decision); a refused handshake gets
    // the layer's 403, anything else reaches the inner service.
    let rows: &[(&str, Method, &[Line], &str)] = &[
        ("h1 handshake, refused origin", Method::GET, &[evil, ws, upgrade], refused),
        ("h1 handshake, upper-case token", Method::GET, &[evil, ("upgrade", "WebSocket")], refused),
        ("h1 handshake, token inside a list", Method::GET, &[evil, ("upgrade", "h2c, websocket")], refused),
        ("h1 handshake, token on a second line", Method::GET, &[evil, ("upgrade", "h2c"), ws], refused),
        ("h1 handshake without Connection", Method::GET, &[evil, ws], refused),
        ("h1 handshake, null origin", Method::GET, &[("origin", "null"), ws], r#"WebSocket refused: OriginNotAllowed("null")"#),
        ("h1 handshake, malformed origin", Method::GET, &[("origin", "https://a b"), ws], malformed),
        ("h1 handshake, origin with a path", Method::GET, &[("origin", "https://a/b"), ws], malformed),
        ("h1 handshake, two origins", Method::GET, &[("origin", APP), evil, ws], "WebSocket refused: Malformed(MultipleOrigins)"),
        ("h1 handshake, one origin twice", Method::GET, &[("origin", APP), ("origin", APP), ws], "WebSocket refused: Malformed(MultipleOrigins)"),
        ("h2 extended CONNECT, refused origin", Method::CONNECT, &[evil], refused),
        ("h1 handshake, exact origin", Method::GET, &[("origin", APP), ws, upgrade], "actual"),
        ("h1 handshake, pattern origin", Method::GET, &[("origin", "https://a.tenants.example"), ws], "actual"),
        ("h1 handshake, predicate origin", Method::GET, &[("origin", "https://x.trusted.example"), ws], "actual"),
        ("h2 extended CONNECT, allowed origin", Method::CONNECT, &[("origin", APP)], "actual"),
        ("h1 handshake without Origin", Method::GET, &[ws, upgrade], "not cors"),
        ("CONNECT without Origin", Method::CONNECT, &[], "not cors"),
        ("ordinary GET, refused origin", Method::GET, &[evil], actual_refused),
        ("other upgrade, refused origin", Method::GET, &[evil, ("upgrade", "h2c")], actual_refused),
        ("POST with Upgrade, refused origin", Method::POST, &[evil, ws], actual_refused),
    ];
    for (case, method, headers, decided) in rows {
        assert_eq!(decision(&layer, &request(method.clone(), headers)), *decided, "{case}");
        let (by, want): (_, &[_]) = match decided.starts_with("WebSocket") {
            true => ("403", &[("access-control-*", ABSENT)]),
            false => ("inner", &[]),
        };
        expect(case, &layer, request(method.clone(), headers), &[], by, want).await;
    }
    let handshake = parts(Method::GET, &[evil, ws]);
    let Decision::Rejected(rejected) = layer.policy().decide(&handshake) else { panic!() };
    let line = "WebSocket handshake rejected: origin \"https://evil.example\" is not allowed";
    assert_eq!(rejected.to_string(), line);
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
