//! The gRPC-Web preset: what browsers' gRPC-Web clients send and must read.

use crate::common::*;
use http::{header, Method, StatusCode};
use tower_cors::{CorsLayer, Decision, Rejection};

const GRPC_WEB_PREFLIGHT_HEADERS: &str = "content-type,x-grpc-web,x-user-agent,grpc-timeout";

fn grpc_web() -> CorsLayer {
    CorsLayer::builder()
        .grpc_web()
        .allow_origins([APP])
        .build()
        .unwrap()
}

#[tokio::test]
async fn grpc_web_preflight_is_allowed_with_post_and_the_client_headers() {
    let req = preflight(APP, "POST", Some(GRPC_WEB_PREFLIGHT_HEADERS));
    let (res, calls) = run(&grpc_web(), req, &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "POST");
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "x-grpc-web, content-type, x-user-agent, grpc-timeout"
    );
}

#[tokio::test]
async fn grpc_web_call_exposes_the_grpc_status_headers() {
    let (res, calls) = run(
        &grpc_web(),
        actual(Method::POST, Some(APP)),
        &[("grpc-status", "0")],
    )
    .await;
    assert_eq!(calls, 1);
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS],
        "grpc-status, grpc-message, grpc-status-details-bin"
    );
}

#[test]
fn grpc_web_preset_does_not_allow_authorization_by_itself() {
    let parts = parts(
        Method::OPTIONS,
        &[
            ("origin", APP),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "authorization,x-grpc-web"),
        ],
    );
    let layer = grpc_web();
    let Decision::Rejected(rejected) = layer.policy().decide(&parts) else {
        panic!("authorization allowed without being asked for");
    };
    assert_eq!(
        rejected.reason(),
        Rejection::HeaderNotAllowed("authorization")
    );
}

#[test]
fn grpc_web_with_authorization_allows_bearer_tokens() {
    let parts = parts(
        Method::OPTIONS,
        &[
            ("origin", APP),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "authorization,x-grpc-web"),
        ],
    );
    for layer in [
        CorsLayer::builder()
            .grpc_web_with_authorization()
            .allow_origins([APP])
            .build()
            .unwrap(),
        CorsLayer::builder()
            .allow_origins([APP])
            .grpc_web()
            .allow_headers([header::AUTHORIZATION])
            .build()
            .unwrap(),
    ] {
        assert!(matches!(
            layer.policy().decide(&parts),
            Decision::Preflight(_)
        ));
    }
}

#[test]
fn grpc_web_preset_composes_with_credentials_and_max_age() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
        .grpc_web()
        .build()
        .unwrap();
    let parts = parts(
        Method::OPTIONS,
        &[
            ("origin", APP),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", GRPC_WEB_PREFLIGHT_HEADERS),
        ],
    );
    assert!(
        matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
        "gRPC-Web preflight rejected"
    );
    let answer = preflight_answer(&layer, http::Request::from_parts(parts, String::new()));
    let headers = answer.headers();
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(headers[header::ACCESS_CONTROL_MAX_AGE], "600");
}

#[test]
fn grpc_web_preset_refuses_other_origins() {
    let parts = parts(
        Method::POST,
        &[("origin", "https://evil.example"), ("x-grpc-web", "1")],
    );
    let layer = grpc_web();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::OriginNotAllowed("https://evil.example")
    ));
}
