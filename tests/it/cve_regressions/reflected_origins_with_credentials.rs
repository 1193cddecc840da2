//! Reflected origins with credentials: middlewares (and hand-written
//! handlers) that echo `Origin` into `Access-Control-Allow-Origin` together
//! with `Access-Control-Allow-Credentials: true` let every site read
//! authenticated responses. Also plain-`http://` origins trusted with
//! credentials, which a network attacker can impersonate.

use super::*;

fn layer() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP, "https://*.example.org"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn only_allowed_origins_are_echoed_and_every_echo_varies_by_origin() {
    let layer = layer();
    for (origin, allowed) in [
        (APP, true),
        ("https://a.example.org", true),
        ("https://evil.example", false),
        ("https://app.example.com.evil.example", false),
    ] {
        let (res, calls) = run(
            &layer,
            actual(Method::GET, Some(origin)),
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true"),
            ],
        )
        .await;
        assert_eq!(calls, 1);
        let h = res.headers();
        assert!(vary_tokens(h).contains(&"origin".to_owned()), "{origin}");
        if allowed {
            assert_eq!(values(h, "access-control-allow-origin"), [origin]);
            assert_eq!(values(h, "access-control-allow-credentials"), ["true"]);
        } else {
            // What the inner service set is stripped, too.
            assert!(!has_cors_headers(h), "{origin}: {h:?}");
        }
    }
}

#[test]
fn plain_http_origins_with_credentials_are_refused_unless_loopback_or_explicit() {
    let err = CorsLayer::builder()
        .allow_origins(["http://app.example.com"])
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::InsecureOriginWithCredentials { .. }
    ));
    let err = CorsLayer::builder()
        .allow_origins(["http://*.example.com"])
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::InsecureOriginWithCredentials { .. }
    ));
    for loopback in [
        "http://localhost:*",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "http://*.localhost",
    ] {
        assert!(
            CorsLayer::builder()
                .allow_origins([loopback])
                .allow_credentials(true)
                .build()
                .is_ok(),
            "{loopback}"
        );
    }
    assert!(CorsLayer::builder()
        .allow_origins(["http://intranet.example"])
        .allow_credentials(true)
        .allow_credentials_over_http(true)
        .build()
        .is_ok());
}
