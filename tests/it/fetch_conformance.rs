//! Black-box conformance cases from the WHATWG Fetch standard's CORS protocol
//! (CORS check, CORS-preflight fetch, safelisted and forbidden names, `*`
//! semantics, Vary) and Private Network Access preflights that the modules
//! for classification, response rules and refused configurations do not
//! already pin, plus a property test over hostile request heads.
//!
//! Self-contained: uses only the public API of `tower_cors`.

use std::fmt;
use std::time::Duration;

use http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};

use crate::common::{run, tokens};
use tower_cors::{CorsLayer, Decision, Malformed, Rejection, RequestKind};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const APP: &str = "https://app.example.com";
const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACMA: &str = "access-control-max-age";
const ACAPN: &str = "access-control-allow-private-network";
const ACRPN: &str = "access-control-request-private-network";

/// A request with arbitrary raw header values (bytes allowed by `http`).
fn request(method: Method, headers: &[(&str, &[u8])]) -> Request<String> {
    let mut req = Request::builder()
        .method(method)
        .uri("/resource")
        .body(String::new())
        .unwrap();
    for (name, value) in headers {
        req.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    req
}

fn get_from(origin: &str) -> Request<String> {
    request(Method::GET, &[("origin", origin.as_bytes())])
}

fn preflight(origin: &str, method: &str, acrh: Option<&str>) -> Request<String> {
    let mut h: Vec<(&str, &[u8])> = vec![
        ("origin", origin.as_bytes()),
        ("access-control-request-method", method.as_bytes()),
    ];
    if let Some(acrh) = acrh {
        h.push(("access-control-request-headers", acrh.as_bytes()));
    }
    request(Method::OPTIONS, &h)
}

fn all(headers: &HeaderMap, name: &str) -> Vec<Vec<u8>> {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect()
}

/// The single value of `name`; panics if absent or repeated.
fn one(headers: &HeaderMap, name: &str) -> String {
    let values = all(headers, name);
    assert_eq!(values.len(), 1, "{name} lines: {values:?}");
    String::from_utf8(values[0].clone()).unwrap()
}

fn count(tokens: &[String], t: &str) -> usize {
    tokens.iter().filter(|x| x.as_str() == t).count()
}

fn cors_header_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

fn exact() -> CorsLayer {
    CorsLayer::builder().allow_origins([APP]).build().unwrap()
}

/// Whether an actual GET from `origin` (raw bytes) is allowed.
fn allows(layer: &CorsLayer, origin: &str) -> bool {
    let (parts, _) = get_from(origin).into_parts();
    matches!(layer.policy().decide(&parts), Decision::Actual(_))
}

// ---------------------------------------------------------------------------
// Request classification
// ---------------------------------------------------------------------------

// DESIGN "Request classification" + "Response rules" (Vary merge): non-CORS Vary merges, no duplicates.
#[tokio::test]
async fn no_origin_vary_origin_is_merged_into_inner_vary_without_duplicates() {
    let layer = exact();
    let (res, _) = run(
        &layer,
        request(Method::GET, &[]),
        &[("vary", "Accept-Encoding")],
    )
    .await;
    let t = tokens(res.headers(), "vary");
    assert_eq!(count(&t, "accept-encoding"), 1);
    assert_eq!(count(&t, "origin"), 1);

    let (res, _) = run(&layer, request(Method::GET, &[]), &[("vary", "Origin")]).await;
    assert_eq!(tokens(res.headers(), "vary"), ["origin"]);
}

// DESIGN "Request classification": non-CORS requests pass through untouched (inner CORS headers kept).
#[tokio::test]
async fn no_origin_keeps_cors_headers_the_inner_service_set() {
    let layer = exact();
    let (res, _) = run(
        &layer,
        request(Method::GET, &[]),
        &[(ACAO, "https://other.example")],
    )
    .await;
    assert_eq!(one(res.headers(), ACAO), "https://other.example");
}

// DESIGN "Request classification": anything else with Origin (even non-OPTIONS carrying ACRM) is an actual request.
#[tokio::test]
async fn non_options_request_with_acrm_is_an_actual_request() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    for m in [Method::GET, Method::PUT, Method::POST, Method::DELETE] {
        let req = request(
            m.clone(),
            &[
                ("origin", APP.as_bytes()),
                ("access-control-request-method", b"PUT"),
            ],
        );
        let (res, calls) = run(&layer, req, &[]).await;
        assert_eq!(calls, 1, "{m}");
        assert_eq!(res.body(), "inner", "{m}");
        assert_eq!(one(res.headers(), ACAO), APP, "{m}");
    }
}

// Fetch "CORS-preflight fetch": a rejected preflight must not look like a successful one (no ok status + ACAO).
#[tokio::test]
async fn rejected_preflight_decision_is_typed_as_preflight() {
    let layer = exact();
    let (parts, _) = preflight("https://evil.example", "GET", None).into_parts();
    let Decision::Rejected(r) = layer.policy().decide(&parts) else {
        panic!("not rejected")
    };
    assert_eq!(r.kind(), RequestKind::Preflight);
    assert_eq!(
        r.reason(),
        Rejection::OriginNotAllowed("https://evil.example")
    );
}

// ---------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------

// Fetch "CORS check": ACAO `*` matches any origin including the opaque `null` (no credentials).
#[tokio::test]
async fn null_origin_gets_star_under_any_origin_policy() {
    let layer = CorsLayer::permissive();
    let (res, _) = run(&layer, get_from("null"), &[]).await;
    assert_eq!(one(res.headers(), ACAO), "*");
}

// DESIGN "Public API" allow_origin_predicate: combined with allow_origins as "either allows"; origin echoed.
#[tokio::test]
async fn predicate_and_list_either_allows_and_origin_is_echoed() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_predicate(|o, _parts| o.as_bytes() == b"https://tenant.example.org")
        .build()
        .unwrap();
    assert!(allows(&layer, APP));
    assert!(allows(&layer, "https://tenant.example.org"));
    assert!(!allows(&layer, "https://other.example.org"));
    let (res, calls) = run(&layer, get_from("https://tenant.example.org"), &[]).await;
    assert_eq!(calls, 1);
    assert_eq!(one(res.headers(), ACAO), "https://tenant.example.org");
    assert_eq!(count(&tokens(res.headers(), "vary"), "origin"), 1);
    let (res, calls) = run(
        &layer,
        preflight("https://tenant.example.org", "GET", None),
        &[],
    )
    .await;
    assert_eq!(calls, 0);
    assert_eq!(one(res.headers(), ACAO), "https://tenant.example.org");
}

// DESIGN "Response rules" under a predicate policy (request split into Parts): rejected actual still
// reaches the inner service without CORS headers; rejected preflight never does; inner errors pass through.
#[tokio::test]
async fn predicate_policy_rejections_and_errors_follow_the_same_rules() {
    let layer = CorsLayer::builder()
        .allow_origin_predicate(|o, _| o.as_bytes().ends_with(b".trusted.example"))
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, calls) = run(
        &layer,
        get_from("https://evil.example"),
        &[(ACAO, "https://evil.example"), (ACAC, "true")],
    )
    .await;
    assert_eq!(calls, 1);
    assert!(res.headers().get(ACAO).is_none());
    assert!(res.headers().get(ACAC).is_none());
    assert_eq!(count(&tokens(res.headers(), "vary"), "origin"), 1);

    let (res, calls) = run(&layer, preflight("https://evil.example", "GET", None), &[]).await;
    assert_eq!(calls, 0);
    assert!(cors_header_names(res.headers()).is_empty());

    let (res, calls) = run(
        &layer,
        preflight("https://a.trusted.example", "GET", None),
        &[],
    )
    .await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(res.headers(), ACAO), "https://a.trusted.example");
    assert_eq!(one(res.headers(), ACAC), "true");

    for req in [
        get_from("https://a.trusted.example"),
        get_from("https://evil.example"),
    ] {
        let inner = service_fn(|_req: Request<String>| async {
            Err::<Response<String>, _>(InnerError("predicate path"))
        });
        let err = layer.layer(inner).oneshot(req).await.unwrap_err();
        assert_eq!(err, InnerError("predicate path"));
    }
}

// DESIGN "Public API" allow_origin_predicate: the predicate receives the request head (Parts).
#[test]
fn predicate_sees_request_parts() {
    let layer = CorsLayer::builder()
        .allow_origin_predicate(|_o, parts| parts.uri.path().starts_with("/public"))
        .build()
        .unwrap();
    let mut req = get_from("https://any.example");
    *req.uri_mut() = "/public/x".parse().unwrap();
    let (parts, _) = req.into_parts();
    assert!(matches!(layer.policy().decide(&parts), Decision::Actual(_)));
    let (parts, _) = get_from("https://any.example").into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(_)
    ));
}

// ---------------------------------------------------------------------------
// Actual responses: ACAO / ACAC / ACEH
// ---------------------------------------------------------------------------

// DESIGN "Response rules": ACAO is `*` when any origin is allowed and credentials are off (one line).
#[tokio::test]
async fn any_origin_without_credentials_answers_star_replacing_inner_acao() {
    let layer = CorsLayer::builder().allow_any_origin().build().unwrap();
    let (res, _) = run(
        &layer,
        get_from("https://whoever.example"),
        &[
            (ACAO, "https://whoever.example"),
            (ACAO, "https://x.example"),
        ],
    )
    .await;
    assert_eq!(one(res.headers(), ACAO), "*");
    assert!(res.headers().get(ACAC).is_none());
}

// DESIGN "Response rules": with credentials ACAO echoes the origin (never `*`), ACAC is exactly `true`, once.
#[tokio::test]
async fn credentials_echo_origin_and_acac_is_exactly_true_once() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(&layer, get_from(APP), &[(ACAC, "true"), (ACAO, "*")]).await;
    assert_eq!(one(res.headers(), ACAO), APP);
    assert_eq!(one(res.headers(), ACAC), "true");
    let (res, _) = run(&layer, get_from(APP), &[(ACAC, "false")]).await;
    assert_eq!(one(res.headers(), ACAC), "true");
}

// DESIGN "Response rules": a malformed Origin on an actual request is a rejection; inner still called, no CORS headers.
#[tokio::test]
async fn malformed_origin_on_actual_request_reaches_inner_without_cors_headers() {
    let layer = CorsLayer::permissive();
    for origin in [
        &b"https://\xffapp.example.com"[..],
        b"https://app.example.com/",
        b"not an origin",
        b"",
    ] {
        let req = request(Method::GET, &[("origin", origin)]);
        let (res, calls) = run(&layer, req, &[(ACAO, "*")]).await;
        assert_eq!(calls, 1, "{origin:?}");
        assert!(cors_header_names(res.headers()).is_empty(), "{origin:?}");
    }
    let req = request(
        Method::GET,
        &[
            ("origin", APP.as_bytes()),
            ("origin", b"https://evil.example"),
        ],
    );
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 1);
    assert!(cors_header_names(res.headers()).is_empty());
}

// ---------------------------------------------------------------------------
// Vary
// ---------------------------------------------------------------------------

// DESIGN "Response rules": inner Vary kept; middleware merges `Origin` without duplicates (case-insensitive).
#[tokio::test]
async fn actual_vary_merged_with_inner_vary_without_duplicates() {
    /// The inner service's `Vary` lines, and the tokens expected after merging.
    type Case = (
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
    );
    let layer = exact();
    let cases: &[Case] = &[
        (&[], &["origin"]),
        (
            &[("vary", "Accept-Encoding")],
            &["accept-encoding", "origin"],
        ),
        (&[("vary", "Origin")], &["origin"]),
        (&[("vary", "ORIGIN")], &["origin"]),
        (&[("vary", "accept, origin")], &["accept", "origin"]),
        (
            &[("vary", "accept"), ("vary", "origin")],
            &["accept", "origin"],
        ),
        (
            &[("vary", "accept"), ("vary", "cookie")],
            &["accept", "cookie", "origin"],
        ),
        (&[("vary", "x-origin")], &["x-origin", "origin"]),
        (&[("vary", "origins")], &["origins", "origin"]),
    ];
    for (inner, expected) in cases {
        let (res, _) = run(&layer, get_from(APP), inner).await;
        let mut got = tokens(res.headers(), "vary");
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "inner {inner:?}");
    }
}

// RFC 9110 §12.5.5: `Vary: *` already covers every request header; adding `origin` is redundant but harmless.
#[tokio::test]
async fn actual_vary_star_is_kept() {
    let layer = exact();
    let (res, _) = run(&layer, get_from(APP), &[("vary", "*")]).await;
    let t = tokens(res.headers(), "vary");
    assert!(t.contains(&"*".to_owned()));
    assert!(count(&t, "origin") <= 1);
}

// ---------------------------------------------------------------------------
// Preflight answers
// ---------------------------------------------------------------------------

// DESIGN "Public API" preflight_status: the configured 2xx status is used, empty body.
#[tokio::test]
async fn preflight_uses_configured_2xx_status() {
    for status in [StatusCode::OK, StatusCode::ACCEPTED] {
        let layer = CorsLayer::builder()
            .allow_origins([APP])
            .preflight_status(status)
            .build()
            .unwrap();
        let (res, calls) = run(&layer, preflight(APP, "POST", None), &[]).await;
        assert_eq!(calls, 0);
        assert_eq!(res.status(), status);
        assert!(res.body().is_empty());
        assert_eq!(one(res.headers(), ACAO), APP);
    }
}

// DESIGN "Response rules": preflight carries ACAO (echo), ACAM, ACAH, and no ACAC / ACMA when not configured.
#[tokio::test]
async fn preflight_carries_acao_acam_acah_without_acac_or_max_age_by_default() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-trace")])
        .build()
        .unwrap();
    let (res, _) = run(
        &layer,
        preflight(APP, "DELETE", Some("content-type,x-trace")),
        &[],
    )
    .await;
    let h = res.headers();
    assert_eq!(one(h, ACAO), APP);
    assert!(tokens(h, ACAM).contains(&"delete".to_owned()));
    let acah = tokens(h, ACAH);
    assert!(acah.contains(&"content-type".to_owned()), "{acah:?}");
    assert!(acah.contains(&"x-trace".to_owned()), "{acah:?}");
    assert!(h.get(ACAC).is_none());
    assert!(h.get(ACMA).is_none());
    assert_eq!(all(h, ACAM).len(), 1);
    assert_eq!(all(h, ACAH).len(), 1);
}

// DESIGN "Response rules": Access-Control-Max-Age present with the configured whole seconds.
#[tokio::test]
async fn preflight_max_age_is_configured_seconds() {
    for secs in [0u64, 600, 86_400] {
        let layer = CorsLayer::builder()
            .allow_origins([APP])
            .max_age(Duration::from_secs(secs))
            .build()
            .unwrap();
        let (res, _) = run(&layer, preflight(APP, "GET", None), &[]).await;
        assert_eq!(one(res.headers(), ACMA), secs.to_string());
    }
}

// DESIGN "Response rules": ACAO `*` on preflights when any origin allowed and no credentials.
#[tokio::test]
async fn preflight_any_origin_without_credentials_is_star() {
    let layer = CorsLayer::permissive();
    let (res, calls) = run(&layer, preflight("https://x.example", "PATCH", None), &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(res.headers(), ACAO), "*");
    assert!(res.headers().get(ACAC).is_none());
}

// Fetch "CORS-preflight fetch" step (methods): `*` in ACAM is a wildcard only without credentials.
#[tokio::test]
async fn preflight_any_method_is_star_without_credentials_and_echoed_with_credentials() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .build()
        .unwrap();
    let (res, _) = run(&layer, preflight(APP, "PATCH", None), &[]).await;
    let acam = one(res.headers(), ACAM);
    assert!(acam == "*" || acam == "PATCH", "{acam}");

    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(&layer, preflight(APP, "PATCH", None), &[]).await;
    let acam = one(res.headers(), ACAM);
    assert_eq!(acam, "PATCH");
    let (res, _) = run(&layer, preflight(APP, "x-custom-method", None), &[]).await;
    assert_eq!(one(res.headers(), ACAM), "x-custom-method");
}

// DESIGN "Response rules": credentials + any header, requested list spread over two ACRH lines -> all echoed.
#[tokio::test]
async fn preflight_with_credentials_and_any_header_echoes_multi_line_acrh() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let req = request(
        Method::OPTIONS,
        &[
            ("origin", APP.as_bytes()),
            ("access-control-request-method", b"POST"),
            ("access-control-request-headers", b"x-a"),
            ("access-control-request-headers", b"x-b"),
        ],
    );
    let (res, _) = run(&layer, req, &[]).await;
    let t = tokens(res.headers(), ACAH);
    assert!(
        t.contains(&"x-a".to_owned()) && t.contains(&"x-b".to_owned()),
        "{t:?}"
    );
    assert!(!t.contains(&"*".to_owned()));
}

// DESIGN "Response rules" + Fetch "CORS non-wildcard request-header name": `*` never covers Authorization.
#[tokio::test]
async fn preflight_any_header_without_credentials_names_authorization_explicitly() {
    let layer = CorsLayer::permissive();
    for acrh in [
        "authorization",
        "x-a, Authorization",
        "AUTHORIZATION,content-type",
    ] {
        let (res, _) = run(
            &layer,
            preflight("https://x.example", "GET", Some(acrh)),
            &[],
        )
        .await;
        let t = tokens(res.headers(), ACAH);
        assert!(t.contains(&"authorization".to_owned()), "{acrh}: {t:?}");
    }
}

// Fetch "CORS-safelisted method": GET, HEAD, POST are always allowed in a preflight (byte-exact).
#[test]
fn safelisted_methods_always_pass_preflight() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    for m in ["GET", "HEAD", "POST", "PUT"] {
        let (parts, _) = preflight(APP, m, None).into_parts();
        assert!(
            matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
            "{m}"
        );
    }
    for m in ["DELETE", "PATCH", "OPTIONS", "get", "put"] {
        let (parts, _) = preflight(APP, m, None).into_parts();
        match layer.policy().decide(&parts) {
            Decision::Rejected(r) => assert_eq!(r.reason(), Rejection::MethodNotAllowed(m)),
            other => panic!("{m}: {other:?}"),
        }
    }
}

// DESIGN "Public API" decision: a refused header is named in the typed rejection.
#[test]
fn preflight_rejection_names_the_header_not_allowed() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([header::CONTENT_TYPE])
        .build()
        .unwrap();
    let (parts, _) = preflight(APP, "POST", Some("content-type, x-bad")).into_parts();
    match layer.policy().decide(&parts) {
        Decision::Rejected(r) => {
            assert_eq!(r.kind(), RequestKind::Preflight);
            assert_eq!(r.reason(), Rejection::HeaderNotAllowed("x-bad"));
        }
        other => panic!("{other:?}"),
    }
}

// Fetch "CORS-preflight fetch": header names compare byte-case-insensitively.
#[test]
fn preflight_header_names_match_case_insensitively() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([HeaderName::from_static("x-custom"), header::AUTHORIZATION])
        .build()
        .unwrap();
    for acrh in ["X-Custom", "x-custom", "X-CUSTOM, Authorization"] {
        let (parts, _) = preflight(APP, "GET", Some(acrh)).into_parts();
        assert!(
            matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
            "{acrh}"
        );
    }
    // A prefix of an allowed name is another name.
    let (parts, _) = preflight(APP, "GET", Some("x-custo")).into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::HeaderNotAllowed("x-custo")
    ));
}

// Fetch: Authorization needs explicit listing; with a list that lacks it the preflight is refused.
#[test]
fn authorization_must_be_listed_explicitly() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([header::CONTENT_TYPE])
        .build()
        .unwrap();
    let (parts, _) = preflight(APP, "GET", Some("authorization")).into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::HeaderNotAllowed("authorization")
    ));
}

// DESIGN "Response rules": ACRH parsing tolerates whitespace (spaces, tabs) and empty items, multiple lines.
#[test]
fn acrh_tolerates_whitespace_empty_items_and_multiple_lines() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([
            HeaderName::from_static("x-a"),
            HeaderName::from_static("x-b"),
        ])
        .build()
        .unwrap();
    for acrh in [
        "x-a,x-b",
        " x-a , x-b ",
        "x-a,,x-b,",
        ",x-a",
        "\tx-a,\tx-b\t",
        "",
        " , ,",
    ] {
        let (parts, _) = preflight(APP, "GET", Some(acrh)).into_parts();
        assert!(
            matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
            "{acrh:?}"
        );
    }
    let req = request(
        Method::OPTIONS,
        &[
            ("origin", APP.as_bytes()),
            ("access-control-request-method", b"GET"),
            ("access-control-request-headers", b"x-a"),
            ("access-control-request-headers", b" x-b ,"),
        ],
    );
    let (parts, _) = req.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Preflight(_)
    ));
}

// DESIGN "Response rules": invalid ACRH tokens are a typed rejection, never a panic.
#[tokio::test]
async fn acrh_invalid_token_is_typed_malformed_rejection() {
    let layer = CorsLayer::permissive();
    for acrh in [
        &b"x-a;"[..],
        b"x a",
        b"(x)",
        b"x-a, \"x-b\"",
        b"x/a",
        b"x-a, x:b",
        b"x-\xe9t\xe9",
        b"x@y",
        b"x-a b",
        b"x-ok, x(bad)",
        b"\"quoted\"",
        b"x-a;b",
    ] {
        let req = request(
            Method::OPTIONS,
            &[
                ("origin", b"https://x.example"),
                ("access-control-request-method", b"PUT"),
                ("access-control-request-headers", acrh),
            ],
        );
        let (parts, _) = req.into_parts();
        match layer.policy().decide(&parts) {
            Decision::Rejected(r) => {
                assert_eq!(r.kind(), RequestKind::Preflight, "{acrh:?}");
                assert_eq!(
                    r.reason(),
                    Rejection::Malformed(Malformed::RequestHeaderName),
                    "{acrh:?}"
                );
            }
            other => panic!("{acrh:?}: {other:?}"),
        }
        let (res, calls) = run(&layer, Request::from_parts(parts, String::new()), &[]).await;
        assert_eq!(calls, 0);
        assert!(cors_header_names(res.headers()).is_empty());
    }
}

// DESIGN "Response rules": invalid ACRM token (and repeated ACRM) is a typed rejection, inner not called.
#[tokio::test]
async fn acrm_invalid_token_is_typed_malformed_rejection() {
    let layer = CorsLayer::permissive();
    for acrm in [
        &b"PU T"[..],
        b"",
        b"GET,PUT",
        b"GET, PUT",
        b"P(UT",
        b"\xc3\xa9",
        b"P/UT",
    ] {
        let req = request(
            Method::OPTIONS,
            &[
                ("origin", b"https://x.example"),
                ("access-control-request-method", acrm),
            ],
        );
        let (parts, _) = req.into_parts();
        match layer.policy().decide(&parts) {
            Decision::Rejected(r) => {
                assert_eq!(r.kind(), RequestKind::Preflight, "{acrm:?}");
                assert_eq!(
                    r.reason(),
                    Rejection::Malformed(Malformed::RequestMethod),
                    "{acrm:?}"
                );
            }
            other => panic!("{acrm:?}: {other:?}"),
        }
        let (res, calls) = run(&layer, Request::from_parts(parts, String::new()), &[]).await;
        assert_eq!(calls, 0, "{acrm:?}");
        assert!(cors_header_names(res.headers()).is_empty(), "{acrm:?}");
    }
    let req = request(
        Method::OPTIONS,
        &[
            ("origin", b"https://x.example"),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-method", b"DELETE"),
        ],
    );
    let (parts, _) = req.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if matches!(r.reason(), Rejection::Malformed(_))
    ));
}

// DESIGN "Response rules": non-UTF-8 Origin and two Origin headers are typed rejections (preflight and actual).
#[tokio::test]
async fn non_utf8_and_duplicate_origin_are_typed_rejections() {
    let layer = CorsLayer::permissive();
    let bad = request(
        Method::OPTIONS,
        &[
            ("origin", b"https://\xe9xample.com"),
            ("access-control-request-method", b"PUT"),
        ],
    );
    let (parts, _) = bad.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::Origin)
            && r.kind() == RequestKind::Preflight
    ));
    let (res, calls) = run(&layer, Request::from_parts(parts, String::new()), &[]).await;
    assert_eq!(calls, 0);
    assert!(cors_header_names(res.headers()).is_empty());

    let two = request(
        Method::OPTIONS,
        &[
            ("origin", b"https://a.example"),
            ("origin", b"https://b.example"),
            ("access-control-request-method", b"PUT"),
        ],
    );
    let (parts, _) = two.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::MultipleOrigins)
    ));
    let two_actual = request(
        Method::GET,
        &[
            ("origin", b"https://a.example"),
            ("origin", b"https://a.example"),
        ],
    );
    let (parts, _) = two_actual.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::MultipleOrigins)
            && r.kind() == RequestKind::Actual
    ));
}

// ---------------------------------------------------------------------------
// Private Network Access
// ---------------------------------------------------------------------------

// PNA spec: opted-in policy answers ACRPN: true with ACAPN: true (and a non-`*` ACAO).
#[tokio::test]
async fn private_network_preflight_opt_in_answers_acapn_true() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = preflight(APP, "GET", None);
    req.headers_mut()
        .insert(ACRPN, HeaderValue::from_static("true"));
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 0);
    assert!(res.status().is_success());
    assert_eq!(one(res.headers(), ACAPN), "true");
    assert_eq!(one(res.headers(), ACAO), APP);

    let layer = CorsLayer::builder()
        .allow_any_origin()
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = preflight("https://public.example", "GET", None);
    req.headers_mut()
        .insert(ACRPN, HeaderValue::from_static("true"));
    let (res, _) = run(&layer, req, &[]).await;
    assert_eq!(one(res.headers(), ACAPN), "true");
    assert_eq!(one(res.headers(), ACAO), "https://public.example");
}

// DESIGN "Public API" allow_private_network: opt-in, off by default -> no ACAPN.
#[tokio::test]
async fn private_network_preflight_without_opt_in_has_no_acapn() {
    for layer in [exact(), CorsLayer::permissive()] {
        let mut req = preflight(APP, "GET", None);
        req.headers_mut()
            .insert(ACRPN, HeaderValue::from_static("true"));
        let (res, calls) = run(&layer, req, &[]).await;
        assert_eq!(calls, 0);
        assert!(res.headers().get(ACAPN).is_none());
    }
}

// PNA spec: ACAPN belongs to preflight answers only; an actual response never carries it.
#[tokio::test]
async fn private_network_header_never_on_actual_responses() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = get_from(APP);
    req.headers_mut()
        .insert(ACRPN, HeaderValue::from_static("true"));
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 1);
    assert!(res.headers().get(ACAPN).is_none());
}

// ---------------------------------------------------------------------------
// Inner errors
// ---------------------------------------------------------------------------

#[derive(Debug, PartialEq, Eq, Clone)]
struct InnerError(&'static str);
impl fmt::Display for InnerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
impl std::error::Error for InnerError {}

// ---------------------------------------------------------------------------
// Never panics on hostile request heads
// ---------------------------------------------------------------------------

mod props {
    use super::*;
    use proptest::prelude::*;

    fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(b"abcxyz-.:/*,; \t0189[]@".to_vec()),
                1 => 0x21u8..0x7f,
                1 => 0x80u8..=0xff,
            ],
            0..60,
        )
    }

    proptest! {
        // DESIGN "Response rules": malformed headers are typed rejections, never panics.
        #[test]
        fn decide_never_panics_and_never_allows_malformed_origins(
            origin in header_bytes(),
            acrm in header_bytes(),
            acrh in header_bytes(),
            options in any::<bool>(),
        ) {
            let layers = [
                CorsLayer::permissive(),
                CorsLayer::builder()
                    .allow_origins(["https://*.example.com", "http://localhost:*", APP])
                    .allow_any_header()
                    .allow_credentials(true)
                    .build()
                    .unwrap(),
            ];
            let mut req = Request::builder()
                .method(if options { Method::OPTIONS } else { Method::GET })
                .uri("/")
                .body(())
                .unwrap();
            for (name, value) in [
                ("origin", &origin),
                ("access-control-request-method", &acrm),
                ("access-control-request-headers", &acrh),
            ] {
                if let Ok(v) = HeaderValue::from_bytes(value) {
                    req.headers_mut().insert(name, v);
                }
            }
            let (parts, ()) = req.into_parts();
            for layer in &layers {
                match layer.policy().decide(&parts) {
                    Decision::Actual(a) => {
                        // An allowed origin is always a serialized origin (or null) echoed or `*`.
                        let v = a.allow_origin().as_bytes();
                        prop_assert!(v == b"*" || v == origin.as_slice(), "{v:?}");
                        prop_assert!(v == b"*" || !v.contains(&b'/') || v.windows(3).any(|w| w == b"://"));
                    }
                    Decision::Preflight(p) => {
                        // The same holds for the preflight's answer.
                        let v = p.allow_origin().as_bytes();
                        prop_assert!(v == b"*" || v == origin.as_slice(), "{v:?}");
                        prop_assert!(v == b"*" || !v.contains(&b'/') || v.windows(3).any(|w| w == b"://"));
                    }
                    Decision::Rejected(r) => {
                        // A rejection explains itself on one clean line.
                        let reason = r.to_string();
                        prop_assert!(!reason.is_empty());
                        prop_assert!(!reason.chars().any(char::is_control), "{reason:?}");
                    }
                    Decision::NotCors => {}
                }
            }
        }
    }
}
