//! The gRPC-Web preset: what browsers' gRPC-Web clients send and must read.

use crate::common::*;
use http::{header, Method};
use tower_cors::{CorsBuilder, CorsLayer};

const GRPC_WEB_PREFLIGHT_HEADERS: &str = "content-type,x-grpc-web,x-user-agent,grpc-timeout";

fn grpc_web(configure: impl FnOnce(CorsBuilder) -> CorsBuilder) -> CorsLayer {
    configure(CorsLayer::builder().grpc_web().allow_origins([APP])).build().unwrap()
}

#[tokio::test]
#[rustfmt::skip]
async fn grpc_web_calls_are_preflighted_with_post_and_the_client_headers_and_expose_grpc_status() {
    expect_rows(vec![
        ("the preflight", grpc_web(|b| b), preflight(APP, "POST", Some(GRPC_WEB_PREFLIGHT_HEADERS)), &[], "204",
            vec![(ACAO, APP), (ACAM, "POST"), (ACAH, "x-grpc-web, content-type, x-user-agent, grpc-timeout")]),
        ("the call", grpc_web(|b| b), actual(Method::POST, Some(APP)), &[("grpc-status", "0")], "inner",
            vec![(ACAO, APP), (ACEH, "grpc-status, grpc-message, grpc-status-details-bin")]),
        // Set before the preset, credentials and max-age stay.
        ("composed with credentials and max-age",
            app(|b| b.allow_credentials(true).max_age(std::time::Duration::from_secs(600)).grpc_web()),
            preflight(APP, "POST", Some(GRPC_WEB_PREFLIGHT_HEADERS)), &[], "204", vec![(ACAC, "true"), (ACMA, "600")]),
    ]).await;
}

#[test]
#[rustfmt::skip]
fn authorization_needs_the_preset_with_authorization_and_other_origins_are_refused() {
    let bearer = || preflight(APP, "POST", Some("authorization,x-grpc-web"));
    let refused = r#"Preflight refused: HeaderNotAllowed("authorization")"#;
    assert_eq!(decision(&grpc_web(|b| b), &bearer()), refused, "authorization allowed without being asked for");
    let with_authorization = CorsLayer::builder().grpc_web_with_authorization().allow_origins([APP]).build().unwrap();
    assert_eq!(decision(&with_authorization, &bearer()), "preflight");
    assert_eq!(decision(&grpc_web(|b| b.allow_headers([header::AUTHORIZATION])), &bearer()), "preflight");
    let composed = app(|b| b.allow_credentials(true).max_age(std::time::Duration::from_secs(600)).grpc_web());
    let preflight = preflight(APP, "POST", Some(GRPC_WEB_PREFLIGHT_HEADERS));
    assert_eq!(decision(&composed, &preflight), "preflight", "gRPC-Web preflight rejected");
    let evil = request(Method::POST, &[("origin", EVIL), ("x-grpc-web", "1")]);
    assert_eq!(decision(&grpc_web(|b| b), &evil), r#"Actual refused: OriginNotAllowed("https://evil.example")"#);
}
