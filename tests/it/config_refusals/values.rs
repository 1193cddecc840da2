//! Refused methods, header names, max-age and preflight status; and a
//! configuration clear of every refusal.

use super::*;
use crate::common::{expect, ABSENT, ACAC, ACAH, ACAM, ACAO, ACEH};

#[test]
#[rustfmt::skip]
fn forbidden_methods_request_headers_and_exposed_set_cookie_are_refused() {
    for m in ["CONNECT", "TRACE", "TRACK", "connect", "trace", "track", "Track"] {
        let err = refusal(origins(&[APP]).allow_methods([Method::from_bytes(m.as_bytes()).unwrap()]));
        let location = located(&err, "allow_methods", Some(0));
        assert_eq!(err, ConfigError::ForbiddenMethod { method: m.into(), location }, "{m}");
        assert!(err.to_string().contains(m), "{m}: {err}");
    }
    // After an allowed method: located at its index.
    located(&refusal(origins(&[APP]).allow_methods([Method::PUT, Method::TRACE])), "allow_methods", Some(1));
    for h in [
        "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method", "connection",
        "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin", "referer", "set-cookie", "te",
        "trailer", "transfer-encoding", "upgrade", "via", "proxy-authorization", "proxy-foo", "sec-fetch-mode", "sec-anything",
    ] {
        let err = refusal(origins(&[APP]).allow_headers([HeaderName::from_static(h)]));
        let location = located(&err, "allow_headers", Some(0));
        assert_eq!(err, ConfigError::ForbiddenRequestHeader { header: h.into(), location }, "{h}");
        assert!(err.to_string().contains(h), "{h}: {err}");
    }
    located(&refusal(origins(&[APP]).allow_headers([header::CONTENT_TYPE, header::COOKIE])), "allow_headers", Some(1));
    // Ordinary headers are fine (including ones that merely contain a forbidden word).
    let ordinary = ["authorization", "content-type", "x-cookie", "x-sec-token"];
    assert!(origins(&[APP]).allow_headers(ordinary.map(HeaderName::from_static)).build().is_ok());
    for h in ["set-cookie", "set-cookie2"] {
        let err = refusal(origins(&[APP]).expose_headers([HeaderName::from_static("x-request-id"), HeaderName::from_static(h)]));
        let location = located(&err, "expose_headers", Some(1));
        assert_eq!(err, ConfigError::ExposedSetCookie { header: h.into(), location }, "{h}");
        assert!(err.to_string().to_ascii_lowercase().contains(h), "{h}: {err}");
    }
    located(&refusal(origins(&[APP]).expose_headers([header::SET_COOKIE])), "expose_headers", Some(0));
}

#[test]
fn max_age_above_a_day_and_non_2xx_preflight_status_are_refused() {
    for seconds in [86_401, u64::MAX] {
        let err = refusal(origins(&[APP]).max_age(Duration::from_secs(seconds)));
        let location = located(&err, "max_age", None);
        assert_eq!(err, ConfigError::MaxAgeTooLong { seconds, location });
        assert!(err.to_string().contains(&seconds.to_string()), "{err}");
    }
    assert!(origins(&[APP]).max_age(Duration::from_secs(86_400)).build().is_ok());
    let status_of = |code| origins(&[APP]).preflight_status(StatusCode::from_u16(code).unwrap());
    for status in [100u16, 101, 199, 300, 301, 304, 400, 403, 404, 500] {
        let err = refusal(status_of(status));
        let location = located(&err, "preflight_status", None);
        assert_eq!(err, ConfigError::PreflightStatusNotSuccess { status, location });
        assert!(err.to_string().contains(&status.to_string()), "{status}: {err}");
    }
    for status in [200u16, 204, 299] {
        assert!(status_of(status).build().is_ok(), "{status}");
    }
}

#[tokio::test]
#[rustfmt::skip]
async fn valid_configurations_build_the_policy_they_describe() {
    let layer = origins(&["https://app.example.com", "https://*.example.com", "http://localhost:*", "tauri://localhost"])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("a valid configuration builds");
    // Every listed origin and pattern is allowed, echoed, with credentials.
    for origin in ["https://app.example.com", "https://api.example.com", "http://localhost:5173", "tauri://localhost"] {
        let want = [(ACAO, origin), (ACAC, "true"), (ACEH, "x-request-id")];
        expect(origin, &layer, actual(Method::GET, Some(origin)), &[], "inner", &want).await;
    }
    // Anything else is not.
    for origin in ["https://evil.example", "https://example.com", "https://localhost"] {
        expect(origin, &layer, actual(Method::GET, Some(origin)), &[], "inner", &[(ACAO, ABSENT)]).await;
    }
    // The preflight grants the configured method and headers for the configured time.
    let want = [(ACAO, APP), (ACAC, "true"), (ACMA, "600"), (ACAM, "GET, PUT"), (ACAH, "content-type, authorization")];
    expect("preflight", &layer, preflight(APP, "PUT", Some("content-type, authorization")), &[], "204", &want).await;
}

// DESIGN "Configuration refused by build()": a max-age just above 86400 s
// (fractional) is refused with a message that does not claim "86400 exceeds 86400".
#[test]
fn build_max_age_fractional_above_one_day_message_is_coherent() {
    match origins(&[APP]).max_age(Duration::from_millis(86_400_500)).build() {
        // Accepting it is fine only if the header then says at most 86400.
        Ok(layer) => {
            let answer = preflight_answer(&layer, preflight(APP, "GET", None));
            assert!(answer.headers()[ACMA].to_str().unwrap().parse::<u64>().unwrap() <= 86_400);
        }
        Err(e) => {
            let ok = !e.to_string().contains("max_age of 86400 s exceeds");
            assert!(ok, "the offending value is reported as the limit itself: {e}");
        }
    }
}
