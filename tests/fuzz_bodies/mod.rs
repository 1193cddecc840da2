//! The bodies of the three fuzz targets, shared by `fuzz/fuzz_targets/*.rs`
//! (cargo-fuzz, nightly) and `tests/it/fuzz_smoke.rs` (stable `cargo test`):
//! each decodes raw bytes, calls the public API and asserts the crate's
//! security invariants. A panic is a finding.
//!
//! Input format: `Cursor::byte()` takes one byte (0 once the input is
//! exhausted); `field()` a little-endian `u16` length, then that many bytes
//! (fewer if the input ends first). [`Encoder`] writes it, for corpora.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower_cors::{
    CorsLayer, Decision, Rejection, RequestKind, MAX_REQUEST_HEADERS_BYTES,
    MAX_REQUEST_HEADERS_ITEMS,
};
use tower_layer::Layer;
use tower_service::Service;

pub struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data }
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn byte(&mut self) -> u8 {
        let (&b, rest) = self.data.split_first().unwrap_or((&0, &[][..]));
        self.data = rest;
        b
    }
    pub fn field(&mut self) -> &'a [u8] {
        let len = usize::from(u16::from_le_bytes([self.byte(), self.byte()]));
        let (field, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        field
    }
}

#[derive(Default)]
pub struct Encoder {
    pub bytes: Vec<u8>,
}

impl Encoder {
    pub fn byte(&mut self, b: u8) -> &mut Self {
        self.bytes.push(b);
        self
    }
    pub fn field(&mut self, f: &[u8]) -> &mut Self {
        let f = &f[..f.len().min(usize::from(u16::MAX))];
        self.bytes.extend_from_slice(&(f.len() as u16).to_le_bytes());
        self.bytes.extend_from_slice(f);
        self
    }
}

/// Request methods the method selector picks from; past the end, the method
/// is parsed from the next field.
pub const METHODS: [&str; 8] =
    ["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "options"];

/// Header selectors (`selector % 8`): 0..5 a request header of
/// [`REQUEST_HEADER_NAMES`]; 5..8 a header the inner service sets on its
/// response, whose name the next byte picks from [`INNER_HEADERS`].
pub const REQUEST_ORIGIN: u8 = 0;
pub const REQUEST_METHOD: u8 = 1;
pub const REQUEST_HEADERS: u8 = 2;
pub const REQUEST_PRIVATE_NETWORK: u8 = 3;
pub const REQUEST_OTHER: u8 = 4;
pub const INNER_RESPONSE: u8 = 5;

#[rustfmt::skip]
const REQUEST_HEADER_NAMES: [&str; 5] = [
    "origin", "access-control-request-method", "access-control-request-headers",
    "access-control-request-private-network", "x-other",
];

/// Names the inner service may set (some of them CORS headers it should not
/// set, which the layer must replace or strip).
#[rustfmt::skip]
pub const INNER_HEADERS: [&str; 8] = [
    "vary", "x-inner", "access-control-allow-origin", "access-control-allow-credentials",
    "access-control-expose-headers", "set-cookie", "x-request-id", "cache-control",
];

/// A request head and the headers the inner service will answer with.
pub struct Exchange {
    pub request: Request<()>,
    pub inner_headers: HeaderMap,
}

/// Decodes a method, request headers and inner response headers.
pub fn exchange(input: &mut Cursor<'_>) -> Exchange {
    let method = match METHODS.get(usize::from(input.byte())) {
        Some(m) => Method::from_bytes(m.as_bytes()),
        None => Method::from_bytes(input.field()),
    };
    let mut request = Request::new(());
    *request.method_mut() = method.unwrap_or(Method::GET);
    let mut inner_headers = HeaderMap::new();
    // Bound the number of headers so inputs stay fast to execute.
    for _ in 0..96 {
        if input.is_empty() {
            break;
        }
        let (headers, name) = match usize::from(input.byte() % 8) {
            i @ 0..=4 => (request.headers_mut(), REQUEST_HEADER_NAMES[i]),
            _ => {
                (&mut inner_headers, INNER_HEADERS[usize::from(input.byte()) % INNER_HEADERS.len()])
            }
        };
        if let Ok(value) = HeaderValue::from_bytes(input.field()) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    Exchange { request, inner_headers }
}
/// Policies the decision target runs requests through: one per kind of
/// configuration that writes different headers.
#[rustfmt::skip]
pub fn policies() -> &'static [CorsLayer] {
    static POLICIES: OnceLock<Vec<CorsLayer>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let x = |s: &'static str| HeaderName::from_static(s);
        let listed = || CorsLayer::builder()
            .allow_origins(["https://app.example.com", "https://*.example.com", "https://*.eu.example.org:8443",
                "http://localhost:*", "http://[::1]:3000", "tauri://localhost"])
            .allow_methods([Method::PUT, Method::DELETE, Method::PATCH])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, x("x-requested-with")]).expose_headers([x("x-request-id")]);
        let any = || CorsLayer::builder().allow_any_origin();
        vec![
            listed().build(),
            listed().allow_credentials(true).max_age(Duration::from_secs(600)).build(),
            listed().allow_credentials(true).allow_any_method().allow_any_header().expose_any_header().allow_private_network(true).build(),
            listed().allow_any_method().allow_any_header().expose_any_header().preflight_status(StatusCode::OK).build(),
            any().allow_any_method().allow_any_header().allow_private_network(true).build(),
            Ok(CorsLayer::permissive()),
            CorsLayer::builder().allow_origins(["https://app.example.com"])
                .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".pred.test"))
                .allow_credentials(true).allow_any_header().build(),
            // Allows no origin (build() refuses a policy without any origin rule).
            CorsLayer::builder().allow_origin_predicate(|_, _| false).build(),
        ].into_iter().map(|layer| layer.expect("fuzz policies are valid")).collect()
    })
}

/// The inner service: answers with the given headers and counts its calls.
#[derive(Clone, Default)]
struct Inner {
    headers: HeaderMap,
    calls: Arc<AtomicUsize>,
}

impl Service<Request<()>> for Inner {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Response<()>, Infallible>>;
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, _: Request<()>) -> Self::Future {
        self.calls.fetch_add(1, Relaxed);
        let mut response = Response::new(());
        *response.headers_mut() = self.headers.clone();
        std::future::ready(Ok(response))
    }
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Runs a request through `layer` around `inner`, ready on first poll (as
/// the inner service is).
fn respond(layer: &CorsLayer, inner: Inner, request: Request<()>) -> Response<()> {
    let waker = Waker::from(Arc::new(NoopWake));
    match pin!(layer.layer(inner).call(request)).poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the CORS future is pending although the inner service is ready"),
    }
}

/// Every value of `name` joined, lowercased item by item, for comparisons.
fn tokens(headers: &HeaderMap, name: &HeaderName) -> Vec<String> {
    let lines = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).to_ascii_lowercase());
    let values = lines.collect::<Vec<_>>().join(",");
    values.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

fn assert_loggable(text: &str) {
    let plain = !text.chars().any(char::is_control);
    assert!(plain, "diagnostic with a raw control character: {text:?}");
}

/// The kind of CORS request a head is, by the Fetch standard, whatever its
/// values: `None` without `Origin`.
fn kind_of(method: &Method, headers: &HeaderMap) -> Option<RequestKind> {
    let preflight =
        method == Method::OPTIONS && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let kind = if preflight { RequestKind::Preflight } else { RequestKind::Actual };
    headers.contains_key(header::ORIGIN).then_some(kind)
}

/// Target `request_parse`: classification and `Access-Control-Request-Headers`
/// parsing on arbitrary request heads, seen through a policy that allows
/// every well-formed request and echoes the requested header names.
pub fn request_parse(data: &[u8]) {
    let Exchange { request, .. } = exchange(&mut Cursor::new(data));
    static ECHO: OnceLock<CorsLayer> = OnceLock::new();
    #[rustfmt::skip]
    let echo = ECHO.get_or_init(|| {
        CorsLayer::builder().allow_origin_predicate(|_, _| true).allow_any_method().allow_any_header()
            .allow_credentials(true).build().expect("valid policy")
    });
    let kind = kind_of(request.method(), request.headers());
    let (parts, ()) = request.into_parts();
    let origin = parts.headers.get(header::ORIGIN);
    // The decision's kind is the head's; an allowed one echoes the origin.
    let decision = echo.policy().decide(&parts);
    let decided = match &decision {
        Decision::NotCors => (None, None),
        Decision::Actual(allowed) => (Some(RequestKind::Actual), Some(allowed.allow_origin())),
        Decision::Preflight(allowed) => {
            (Some(RequestKind::Preflight), Some(allowed.allow_origin()))
        }
        Decision::Rejected(rejected) => {
            // Everything well formed is allowed, but `null` and, under
            // credentials, a method or header literally named `*`.
            match rejected.reason() {
                Rejection::Malformed(_) => {}
                Rejection::OriginNotAllowed(origin) => assert_eq!(origin, "null"),
                Rejection::MethodNotAllowed(name) | Rejection::HeaderNotAllowed(name) => {
                    assert_eq!(name, "*")
                }
                other => panic!("rejected for {other:?}"),
            }
            assert_loggable(&rejected.to_string());
            (Some(rejected.kind()), origin)
        }
        other => unreachable!("no async origin check here: {other:?}"),
    };
    assert_eq!(decided, (kind, origin));
    if kind != Some(RequestKind::Preflight) {
        return;
    }
    let response = respond(echo, Inner::default(), Request::from_parts(parts, ()));
    let Some(list) = response.headers().get(header::ACCESS_CONTROL_ALLOW_HEADERS) else {
        return;
    };
    // One requested line is echoed as sent; several are joined with ", ".
    let list = list.to_str().expect("an echoed list is visible ASCII");
    let names: Vec<&str> = list.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
    for name in &names {
        let token = HeaderName::from_bytes(name.as_bytes()).is_ok();
        assert!(token, "requested header item {name:?} is not a token");
    }
    assert!(names.len() <= MAX_REQUEST_HEADERS_ITEMS);
    assert!(names.iter().map(|n| n.len()).sum::<usize>() <= MAX_REQUEST_HEADERS_BYTES);
}

/// Target `policy_decide`: the decision and the service on arbitrary request
/// heads and inner responses, under each policy of [`policies`]. Returns
/// what [`check_exchange`] does.
pub fn policy_decide(data: &[u8]) -> &'static str {
    let mut input = Cursor::new(data);
    let layers = policies();
    let layer = &layers[usize::from(input.byte()) % layers.len()];
    let Exchange { request, inner_headers } = exchange(&mut input);
    check_exchange(layer, request, inner_headers).0
}

/// Runs one request through `layer` (decision and service) and checks the
/// invariants every response must keep (`tests/it/properties.rs` too). Returns
/// the decision in words (`not cors`, `allowed actual`, `allowed preflight`, or
/// the rejection's reason: `origin not allowed`, `method not allowed`, `header
/// not allowed`, `malformed`) and the response.
pub fn check_exchange(
    layer: &CorsLayer,
    request: Request<()>,
    inner_headers: HeaderMap,
) -> (&'static str, Response<()>) {
    let policy = layer.policy();
    let request_origin = request.headers().get(header::ORIGIN).cloned();
    let (parts, ()) = request.into_parts();
    let decision = policy.decide(&parts);
    // A preflight from an allowed origin refused for its method or a header
    // gets the policy's answer, which must not name what was refused.
    let mut refused_item: Option<(HeaderName, String)> = None;
    let (outcome, acao, expect_inner_called) = match &decision {
        Decision::NotCors => {
            assert!(request_origin.is_none());
            ("not cors", None, true)
        }
        Decision::Actual(allowed) => ("allowed actual", Some(allowed.allow_origin()), true),
        Decision::Preflight(allowed) => {
            assert!(policy.preflight_status().is_success());
            ("allowed preflight", Some(allowed.allow_origin()), false)
        }
        Decision::Rejected(rejected) => {
            assert!(request_origin.is_some());
            assert_loggable(&rejected.to_string());
            assert_loggable(&format!("{:?}", rejected.reason()));
            #[rustfmt::skip]
            let (outcome, refused) = match rejected.reason() {
                Rejection::OriginNotAllowed(_) => ("origin not allowed", None),
                Rejection::MethodNotAllowed(m) => ("method not allowed", Some((header::ACCESS_CONTROL_ALLOW_METHODS, m.to_owned()))),
                Rejection::HeaderNotAllowed(h) => ("header not allowed", Some((header::ACCESS_CONTROL_ALLOW_HEADERS, h.to_ascii_lowercase()))),
                Rejection::Malformed(_) => ("malformed", None),
                _ => ("other", None),
            };
            refused_item = refused.filter(|_| rejected.kind() == RequestKind::Preflight);
            (outcome, None, rejected.kind() == RequestKind::Actual)
        }
        other => unreachable!("no async origin check here: {other:?}"),
    };
    if let Some(acao) = acao {
        assert!(acao == "*" || Some(acao) == request_origin.as_ref());
    }
    let expect_allowed = acao.is_some() || refused_item.is_some();
    let is_preflight = kind_of(&parts.method, &parts.headers) == Some(RequestKind::Preflight);

    let inner = Inner { headers: inner_headers.clone(), calls: Arc::default() };
    let response = respond(layer, inner.clone(), Request::from_parts(parts, ()));
    let called = inner.calls.load(Relaxed);
    assert_eq!(called, usize::from(expect_inner_called));
    if is_preflight {
        assert_eq!(called, 0, "a preflight reached the inner service");
    }
    let headers = response.headers();
    if let Some((name, item)) = &refused_item {
        let listed = headers.get_all(name).iter().any(|line| {
            line.to_str().unwrap_or_default().split(',').any(|t| {
                let headers = *name == header::ACCESS_CONTROL_ALLOW_HEADERS;
                let t = if headers { t.trim().to_ascii_lowercase() } else { t.trim().to_owned() };
                t == *item || (t == "*" && !policy.allows_credentials())
            })
        });
        assert!(!listed, "the answer to a refused preflight allows {item}: {headers:?}");
    }

    // Access-Control-Allow-Origin: absent unless allowed; `*` or the origin byte for byte.
    let acao: Vec<&HeaderValue> =
        headers.get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN).iter().collect();
    if request_origin.is_some() {
        assert!(acao.len() <= 1, "ACAO duplicated: {acao:?}");
        assert_eq!(!acao.is_empty(), expect_allowed, "ACAO presence disagrees with the decision");
        if let Some(value) = acao.first() {
            assert!(*value == "*" || Some(*value) == request_origin.as_ref());
        }
    }
    // Credentials: exactly `true`, never with a `*` anywhere in the CORS answer.
    let acac = headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
    if let Some(acac) = acac.filter(|_| request_origin.is_some()) {
        assert_eq!(acac, "true");
        assert_eq!(headers.get_all(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).iter().count(), 1);
        #[rustfmt::skip]
        let names = [header::ACCESS_CONTROL_ALLOW_ORIGIN, header::ACCESS_CONTROL_ALLOW_METHODS,
            header::ACCESS_CONTROL_EXPOSE_HEADERS, header::ACCESS_CONTROL_ALLOW_HEADERS];
        for name in names {
            let star = tokens(headers, &name).iter().any(|t| t == "*");
            assert!(!star, "`*` in {name} with credentials");
        }
    }
    let acx = |k: &HeaderName| {
        k.as_str().starts_with("access-control-allow-")
            || k == header::ACCESS_CONTROL_EXPOSE_HEADERS
    };
    let cors = headers.keys().any(acx) && request_origin.is_some();
    assert!(!cors || expect_allowed, "CORS headers on a refused request: {headers:?}");
    if is_preflight {
        if !expect_allowed {
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
        }
        // Preflight answers, allowed or not, vary on the request's CORS headers.
        let vary = tokens(headers, &header::VARY);
        for t in ["origin", "access-control-request-method", "access-control-request-headers"] {
            assert!(vary.iter().any(|v| v == t), "preflight without Vary: {t}");
        }
    } else {
        // The inner service's own headers survive.
        for name in ["x-inner", "x-request-id", "cache-control", "set-cookie", "content-type"] {
            let [before, after] =
                [&inner_headers, headers].map(|h| h.get_all(name).iter().collect::<Vec<_>>());
            assert_eq!(before, after, "inner header {name} changed");
        }
        let inner_vary = tokens(&inner_headers, &header::VARY);
        let vary = tokens(headers, &header::VARY);
        for token in &inner_vary {
            assert!(vary.contains(token), "inner Vary {token} lost: {vary:?}");
        }
        if policy.varies_by_origin() && !inner_vary.iter().any(|t| t == "*") {
            assert!(vary.iter().any(|t| t == "origin"), "no Vary: origin: {vary:?}");
        }
        let lines = |h: &HeaderMap| h.get_all(header::VARY).iter().count();
        assert!(lines(headers) <= lines(&inner_headers).max(1));
    }
    (outcome, response)
}

/// A permissive upper bound of what a list of configured origins may allow,
/// written as plainly as possible: the same string, or a pattern whose `*.`
/// stands for one or more labels and whose `:*` stands for any port.
pub fn allowed_by_model(configured: &[String], origin: &str) -> bool {
    fn split(origin: &str) -> Option<(&str, &str, Option<&str>)> {
        let (scheme, rest) = origin.split_once("://")?;
        // A bracketed (IPv6) host's colons are not the port's.
        let end = if rest.starts_with('[') {
            rest.find(']')? + 1
        } else {
            rest.find(':').unwrap_or(rest.len())
        };
        let (host, after) = rest.split_at(end);
        let port = if after.is_empty() { None } else { Some(after.strip_prefix(':')?) };
        Some((scheme, host, port))
    }
    let Some((scheme, host, port)) = split(origin) else {
        return configured.iter().any(|c| c == origin);
    };
    configured.iter().any(|c| {
        let Some((c_scheme, c_host, c_port)) = split(c).filter(|_| c != origin) else {
            return c == origin;
        };
        let port_ok = match c_port {
            Some("*") => {
                port.map_or(true, |p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            }
            other => other == port,
        };
        let host_ok = match c_host.strip_prefix("*.") {
            Some(suffix) => {
                host.len() > suffix.len() + 1
                    && host.ends_with(suffix)
                    && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
            }
            None => c_host == host,
        };
        (c_scheme == "http" || c_scheme == "https") && c_scheme == scheme && port_ok && host_ok
    })
}

/// Builder steps the configuration target decodes (`selector % 15`).
pub const STEPS: u8 = 15;

/// Target `builder_build`: a configuration from arbitrary strings and
/// numbers. `build()` must return (never panic), errors must be loggable,
/// and a built policy must allow nothing beyond what was configured.
pub fn builder_build(data: &[u8]) {
    let mut input = Cursor::new(data);
    let mut builder = CorsLayer::builder();
    let (mut origins, mut probes): (Vec<String>, Vec<Vec<u8>>) = Default::default();
    let (mut any_origin, mut credentials) = (false, false);
    let text = |field: &[u8]| String::from_utf8_lossy(field).into_owned();
    for _ in 0..32 {
        if input.is_empty() {
            break;
        }
        // One step per selector, like a table; methods and header names go
        // in as text, for build() to check.
        #[rustfmt::skip]
        let step = match input.byte() % STEPS {
            0 | 1 => { origins.push(text(input.field())); builder.allow_origins([origins[origins.len() - 1].clone()]) }
            2 => builder.allow_methods([text(input.field())]),
            3 => builder.allow_headers([text(input.field())]),
            4 => builder.expose_headers([text(input.field())]),
            5 => { credentials = input.byte() % 2 == 0; builder.allow_credentials(credentials) }
            6 => builder.allow_credentials_over_http(input.byte() % 2 == 0),
            7 => builder.max_age(Duration::from_secs(u64::from(u32::from_le_bytes([input.byte(), input.byte(), input.byte(), 0])))),
            8 => builder.allow_private_network(input.byte() % 2 == 0),
            9 => match StatusCode::from_u16(u16::from_le_bytes([input.byte(), input.byte()])) { Ok(s) => builder.preflight_status(s), Err(_) => builder },
            10 => { any_origin = true; builder.allow_any_origin() }
            11 => builder.allow_any_method(),
            12 => builder.allow_any_header(),
            13 => builder.expose_any_header(),
            _ => { probes.push(input.field().to_vec()); builder }
        };
        builder = step;
    }
    let _ = format!("{builder:?}");
    let layer = match builder.build() {
        Ok(layer) => layer,
        Err(error) => {
            // Several mistakes are one per line; each line stays loggable.
            let message = error.to_string();
            let mistakes = error.errors().len();
            assert_eq!(message.lines().count(), mistakes + usize::from(mistakes > 1));
            message.lines().for_each(assert_loggable);
            assert_loggable(&format!("{error:?}"));
            return;
        }
    };
    assert!(!(any_origin && credentials), "built credentials with any origin");
    let policy = layer.policy();
    assert_loggable(&policy.to_string());
    assert!(policy.preflight_status().is_success());

    // Every probe, and every configured origin and variants of it, as a request Origin.
    #[rustfmt::skip]
    let variants = |o: &String| [o.clone(), o.replace("*.", "fuzz."), o.replace("*.", ""), o.replace("*.", "a.b."),
        o.replace(":*", ":8080"), o.replace("*.", "evil-"), format!("{o}.evil.net"), o.to_ascii_uppercase()];
    let candidates =
        probes.into_iter().chain(origins.iter().flat_map(|o| variants(o).map(String::into_bytes)));
    for candidate in candidates {
        let Ok(value) = HeaderValue::from_bytes(&candidate) else {
            continue;
        };
        for method in [Method::GET, Method::OPTIONS] {
            let mut request =
                Request::builder().method(method.clone()).header(header::ORIGIN, &value);
            if method == Method::OPTIONS {
                request = request.header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET");
            }
            let (parts, ()) = request.body(()).expect("a valid head").into_parts();
            let allowed = match policy.decide(&parts) {
                Decision::Actual(a) => Some(a.allow_origin().clone()),
                Decision::Preflight(p) => Some(p.allow_origin().clone()),
                Decision::Rejected(r) => {
                    assert_loggable(&r.to_string());
                    None
                }
                Decision::NotCors => unreachable!("the request has an Origin"),
                other => unreachable!("no async origin check here: {other:?}"),
            };
            let Some(acao) = allowed else { continue };
            if any_origin {
                assert!(acao == "*" || acao == value);
                continue;
            }
            assert_eq!(acao, value, "ACAO is not the request origin");
            let text = String::from_utf8_lossy(&candidate);
            assert_ne!(text, "null", "null allowed by a list");
            let covered = allowed_by_model(&origins, &text);
            assert!(
                covered,
                "{text:?} allowed although no configured origin covers it: {origins:?}"
            );
        }
    }
}
