//! Reflected origins with credentials: middlewares (and hand-written
//! handlers) that echo `Origin` into `Access-Control-Allow-Origin` together
//! with `Access-Control-Allow-Credentials: true` let every site read
//! authenticated responses. Also plain-`http://` origins trusted with
//! credentials, which a network attacker can impersonate.

use super::*;

#[tokio::test]
#[rustfmt::skip]
async fn only_allowed_origins_are_echoed_and_every_echo_varies_by_origin() {
    let layer = policy(&[APP, "https://*.example.org"], |b| b.allow_credentials(true));
    let inner = &[(ACAO, "*"), (ACAC, "true")];
    for origin in [APP, "https://a.example.org"] {
        expect(origin, &layer, get(origin), inner, "inner", &[(ACAO, origin), (ACAC, "true"), (VARY, "origin")]).await;
    }
    // What the inner service set is stripped, too.
    for origin in [EVIL, "https://app.example.com.evil.example"] {
        expect(origin, &layer, get(origin), inner, "inner", &[("access-control-*", ABSENT), (VARY, "origin")]).await;
    }
}

#[test]
fn plain_http_origins_with_credentials_are_refused_unless_loopback_or_explicit() {
    let with_credentials = |origin: &str| {
        let builder = CorsLayer::builder().allow_origins([origin]);
        builder.allow_credentials(true)
    };
    for insecure in ["http://app.example.com", "http://*.example.com"] {
        let err = with_credentials(insecure).build().unwrap_err();
        assert!(matches!(err, ConfigError::InsecureOriginWithCredentials { .. }));
    }
    for loopback in
        ["http://localhost:*", "http://127.0.0.1:8080", "http://[::1]:3000", "http://*.localhost"]
    {
        assert!(with_credentials(loopback).build().is_ok(), "{loopback}");
    }
    let explicit = with_credentials("http://intranet.example").allow_credentials_over_http(true);
    assert!(explicit.build().is_ok());
}
