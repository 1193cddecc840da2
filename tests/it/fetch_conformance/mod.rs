//! Black-box conformance cases from the WHATWG Fetch standard's CORS protocol
//! (CORS check, CORS-preflight fetch, safelisted and forbidden names, `*`
//! semantics, Vary) and Private Network Access preflights that the modules
//! for classification, response rules and refused configurations do not
//! already pin, plus a property test over hostile request heads.
//!
//! Self-contained: uses only the public API of `tower_cors`.

mod actual;
mod hostile_heads;
mod preflight;

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
