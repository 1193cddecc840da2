//! Apache Tomcat CVE-2018-8014: the CORS filter's defaults allowed every
//! origin *and* credentials (`cors.allowed.origins=*`,
//! `cors.support.credentials=true`).

use super::*;

/// Stricter than "allows no origin": an unconfigured layer, with or
/// without credentials, does not build at all.
#[test]
fn an_unconfigured_layer_is_refused() {
    for credentials in [false, true] {
        let err = CorsLayer::builder()
            .allow_credentials(credentials)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, ConfigError::NoOrigin { .. }),
            "credentials: {credentials}"
        );
    }
}

#[tokio::test]
async fn defaults_allow_only_safelisted_methods_no_headers_and_no_credentials() {
    let layer = CorsLayer::builder().allow_origins([APP]).build().unwrap();
    assert!(!layer.policy().allows_credentials());
    // Refused, the allowed origin learns the defaults, which lack them.
    let (res, _) = run(&layer, preflight(APP, "DELETE", None), &[]).await;
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
        "GET, HEAD, POST"
    );
    let (res, _) = run(&layer, preflight(APP, "POST", Some("x-custom")), &[]).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .is_none());
    let (res, _) = run(&layer, preflight(APP, "POST", None), &[]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let h = res.headers();
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "GET, HEAD, POST");
    assert!(h.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    assert!(h.get(header::ACCESS_CONTROL_ALLOW_HEADERS).is_none());
    assert!(h.get(header::ACCESS_CONTROL_MAX_AGE).is_none());
}

#[tokio::test]
async fn the_permissive_preset_never_allows_credentials() {
    let layer = CorsLayer::permissive();
    assert!(!layer.policy().allows_credentials());
    let (res, _) = run(&layer, actual(Method::GET, Some(APP)), &[]).await;
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .is_none());
}
