//! Flask-CORS CVE-2024-6221: `Access-Control-Allow-Private-Network: true`
//! was sent by default, letting public sites reach services on private
//! networks.

use super::*;

fn pna_preflight() -> http::Request<String> {
    let mut req = preflight(APP, "GET", None);
    req.headers_mut().insert(
        "access-control-request-private-network",
        http::HeaderValue::from_static("true"),
    );
    req
}

#[tokio::test]
async fn no_configuration_answers_private_network_preflights_unless_asked_to() {
    let layers = [
        CorsLayer::permissive(),
        CorsLayer::builder().allow_origins([APP]).build().unwrap(),
        CorsLayer::builder()
            .allow_any_origin()
            .allow_any_method()
            .allow_any_header()
            .build()
            .unwrap(),
    ];
    for layer in &layers {
        let (res, calls) = run(layer, pna_preflight(), &[]).await;
        assert_eq!(calls, 0);
        assert!(res
            .headers()
            .get("access-control-allow-private-network")
            .is_none());
    }
}

#[tokio::test]
async fn allow_private_network_true_is_the_only_switch() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let (res, _) = run(&layer, pna_preflight(), &[]).await;
    assert_eq!(
        res.headers()["access-control-allow-private-network"],
        "true"
    );
    // Only for an allowed origin.
    let mut evil = pna_preflight();
    evil.headers_mut().insert(
        header::ORIGIN,
        http::HeaderValue::from_static("https://evil.example"),
    );
    let (res, _) = run(&layer, evil, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!has_cors_headers(res.headers()));
}
