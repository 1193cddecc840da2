//! Apache Tomcat CVE-2018-8014: the CORS filter's defaults allowed every
//! origin *and* credentials (`cors.allowed.origins=*`,
//! `cors.support.credentials=true`).

use super::*;

/// Stricter than "allows no origin": an unconfigured layer, with or
/// without credentials, does not build at all.
#[test]
fn an_unconfigured_layer_is_refused() {
    for credentials in [false, true] {
        let built = CorsLayer::builder().allow_credentials(credentials).build();
        assert!(matches!(built.unwrap_err(), ConfigError::NoOrigin { .. }), "{credentials}");
    }
}

#[tokio::test]
#[rustfmt::skip]
async fn defaults_allow_only_safelisted_methods_no_headers_and_no_credentials() {
    let layer = app(|b| b);
    assert!(!layer.policy().allows_credentials());
    // Refused, the allowed origin learns the defaults, which lack them.
    expect("DELETE", &layer, preflight(APP, "DELETE", None), &[], "204", &[(ACAM, "GET, HEAD, POST")]).await;
    expect("x-custom", &layer, preflight(APP, "POST", Some("x-custom")), &[], "204", &[(ACAH, ABSENT)]).await;
    let want = [(ACAM, "GET, HEAD, POST"), (ACAC, ABSENT), (ACAH, ABSENT), (ACMA, ABSENT)];
    expect("POST", &layer, preflight(APP, "POST", None), &[], "204", &want).await;
}

#[tokio::test]
async fn the_permissive_preset_never_allows_credentials() {
    let layer = CorsLayer::permissive();
    assert!(!layer.policy().allows_credentials());
    let want = [(ACAO, "*"), (ACAC, ABSENT)];
    expect("GET", &layer, get(APP), &[], "inner", &want).await;
}
