//! Black-box conformance cases from the WHATWG Fetch standard's CORS protocol
//! that need raw header bytes or the whole service: malformed and repeated
//! request headers, predicates over the request head, inner errors, and a
//! property test over hostile request heads. The answers Fetch expects of
//! well-formed requests are rows of `response_rules.rs` and
//! `classification.rs`.
//!
//! Self-contained: uses only the public API of `tower_cors`.

mod hostile_heads;

use http::{HeaderName, HeaderValue, Method, Request, Response};
use tower::{service_fn, Layer, ServiceExt};

use crate::common::{app, assert_lines, decision, policy, run, ABSENT, APP};
use tower_cors::{CorsLayer, Decision};

/// A request with arbitrary raw header values (bytes allowed by `http`).
fn raw(method: Method, headers: &[(&str, &[u8])]) -> Request<String> {
    let mut req = Request::builder().method(method).uri("/resource").body(String::new()).unwrap();
    for (name, value) in headers {
        req.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    req
}

/// A preflight from `https://x.example` with raw ACRM and optional ACRH lines.
fn raw_preflight(acrm: &[&[u8]], acrh: Option<&[u8]>) -> Request<String> {
    let mut h: Vec<(&str, &[u8])> = vec![("origin", b"https://x.example")];
    h.extend(acrm.iter().map(|m| ("access-control-request-method", *m)));
    h.extend(acrh.map(|l| ("access-control-request-headers", l)));
    raw(Method::OPTIONS, &h)
}

/// Asserts each request gets `want` from `decision`, and, run through
/// `layer`, the answer Fetch expects of a refusal: a preflight gets 403
/// without calling the inner service, an actual request reaches it; neither
/// gets a CORS header, whatever the inner service set.
async fn refused(layer: &CorsLayer, rows: Vec<(Request<String>, &str)>) {
    for (req, want) in rows {
        let case = format!("{:?}", req.headers());
        assert_eq!(decision(layer, &req), want, "{case}");
        let preflight = want.starts_with("Preflight");
        let (res, calls) = run(layer, req, &[("access-control-allow-origin", "*")]).await;
        assert_eq!(calls, usize::from(!preflight), "{case}");
        let got = res.status().as_u16();
        assert_eq!(got, if preflight { 403 } else { 200 }, "{case}");
        assert_lines(&case, res.headers(), &[("access-control-*", ABSENT)]);
    }
}

// DESIGN "Response rules": invalid ACRH tokens are a typed rejection, never a panic.
#[tokio::test]
async fn acrh_invalid_token_is_typed_malformed_rejection() {
    #[rustfmt::skip]
    let lists: [&[u8]; 12] = [
        b"x-a;", b"x a", b"(x)", b"x-a, \"x-b\"", b"x/a", b"x-a, x:b", b"x-\xe9t\xe9", b"x@y", b"x-a b", b"x-ok, x(bad)",
        b"\"quoted\"", b"x-a;b",
    ];
    let want = "Preflight refused: Malformed(RequestHeaderName)";
    let rows = lists.map(|l| (raw_preflight(&[b"PUT"], Some(l)), want));
    refused(&CorsLayer::permissive(), rows.into()).await;
}

// DESIGN "Response rules": invalid ACRM token (and repeated ACRM) is a typed rejection, inner not called.
#[tokio::test]
async fn acrm_invalid_token_is_typed_malformed_rejection() {
    let methods: [&[u8]; 7] =
        [b"PU T", b"", b"GET,PUT", b"GET, PUT", b"P(UT", b"\xc3\xa9", b"P/UT"];
    let want = "Preflight refused: Malformed(RequestMethod)";
    let mut rows: Vec<_> = methods.map(|m| (raw_preflight(&[m], None), want)).into();
    rows.push((raw_preflight(&[b"PUT", b"DELETE"], None), want));
    refused(&CorsLayer::permissive(), rows).await;
}

// DESIGN "Response rules": a malformed Origin and two Origin headers are
// typed rejections of the request's kind, under every kind of origin rule; a
// malformed Origin on an actual request still reaches the inner service,
// without CORS headers.
#[tokio::test]
async fn malformed_and_repeated_origins_are_typed_rejections() {
    let acrm: (&str, &[u8]) = ("access-control-request-method", b"PUT");
    let o = |v: &'static [u8]| ("origin", v);
    #[rustfmt::skip]
    let malformed: [&[u8]; 17] = [
        b"not an origin", b"", b"app.example.com", b"https://", b"https://a b", b"https://app.example.com/",
        b"https://a.example.com/", b"https://app.example.com/path", b"https://app.example.com?q", b"https://app.example.com#f",
        b"https://u@app.example.com", b"https://user@app.example.com", b"*", b"https://\xffapp.example.com",
        b"https://\xffx.example", b"https://\xe9xample.com", b"https://a b.example.com",
    ];
    let (actual, preflight) =
        ("Actual refused: Malformed(Origin)", "Preflight refused: Malformed(Origin)");
    let (listed, pattern) = (crate::common::layer(), policy(&["https://*.example.com"], |b| b));
    for layer in [&listed, &CorsLayer::permissive(), &pattern] {
        let mut rows: Vec<_> = malformed.map(|v| (raw(Method::GET, &[o(v)]), actual)).into();
        rows.extend(malformed.map(|v| (raw(Method::OPTIONS, &[o(v), acrm]), preflight)));
        #[rustfmt::skip]
        rows.extend([
            // A malformed origin is the reason, whatever else is malformed.
            (raw(Method::OPTIONS, &[o(b"not an origin"), ("access-control-request-method", b"PU T")]), preflight),
            (raw(Method::OPTIONS, &[o(b"not an origin"), acrm, ("access-control-request-headers", b"x(bad)")]), preflight),
            (raw(Method::OPTIONS, &[o(b"https://a.example"), o(b"https://b.example"), acrm]), "Preflight refused: Malformed(MultipleOrigins)"),
            (raw(Method::GET, &[o(b"https://a.example"), o(b"https://a.example")]), "Actual refused: Malformed(MultipleOrigins)"),
            (raw(Method::GET, &[o(APP.as_bytes()), o(b"https://evil.example")]), "Actual refused: Malformed(MultipleOrigins)"),
        ]);
        refused(layer, rows).await;
    }
}

// DESIGN "Public API" allow_origin_predicate: combined with allow_origins as
// "either allows"; it receives the request head (Parts).
#[test]
fn predicate_and_list_either_allow_and_the_predicate_sees_the_request_head() {
    let layer = app(|b| {
        b.allow_origin_predicate(|o, _parts| o.as_bytes() == b"https://tenant.example.org")
    });
    #[rustfmt::skip]
    let rows = [(APP, "actual"), ("https://tenant.example.org", "actual"),
        ("https://other.example.org", r#"Actual refused: OriginNotAllowed("https://other.example.org")"#)];
    for (origin, want) in rows {
        assert_eq!(decision(&layer, &crate::common::get(origin)), want, "{origin}");
    }
    let public = CorsLayer::builder()
        .allow_origin_predicate(|_o, parts| parts.uri.path().starts_with("/public"))
        .build()
        .unwrap();
    let mut req = crate::common::get("https://any.example");
    assert_ne!(decision(&public, &req), "actual");
    *req.uri_mut() = "/public/x".parse().unwrap();
    assert_eq!(decision(&public, &req), "actual");
}

/// The layer puts no bound on the inner service's error type.
#[derive(Debug, PartialEq, Eq, Clone)]
struct InnerError(&'static str);

// DESIGN "Response rules" under a predicate policy (request split into
// Parts): inner errors pass through, allowed or refused.
#[tokio::test]
async fn predicate_policy_passes_inner_errors_through() {
    let layer = CorsLayer::builder()
        .allow_origin_predicate(|o, _| o.as_bytes().ends_with(b".trusted.example"))
        .allow_credentials(true)
        .build()
        .unwrap();
    for origin in ["https://a.trusted.example", "https://evil.example"] {
        let inner = service_fn(|_req: Request<String>| async {
            Err::<Response<String>, _>(InnerError("predicate path"))
        });
        let req = crate::common::get(origin);
        let err = layer.layer(inner).oneshot(req).await.unwrap_err();
        assert_eq!(err, InnerError("predicate path"));
    }
}
