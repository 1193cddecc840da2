//! Property tests over random policies and random requests: the security
//! invariants hold on every response, and the decision and headers equal a
//! slow, obviously correct reference model written here from the Fetch
//! standard and DESIGN.md.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use proptest::prelude::*;

use crate::common::{ready_now, values as all, vary_tokens};
use tower_cors::{CorsLayer, Decision, Malformed, Rejection};
use tower_layer::Layer;
use tower_service::Service;

// ---- random policies ------------------------------------------------------

#[rustfmt::skip]
const EXACT: &[&str] = &[
    "https://app.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "https://[2001:db8::1]",
    "tauri://localhost", "http://plain.example",
];

#[rustfmt::skip]
const PATTERNS: &[&str] = &[
    "https://*.example.org", "http://localhost:*", "https://*.eu.example.org:8443", "https://api.example.net:*",
    "https://*.example.net:*",
];

const METHODS: &[&str] = &["PUT", "DELETE", "PATCH", "X-CUSTOM"];
#[rustfmt::skip]
const HEADERS: &[&str] = &[
    "content-type", "authorization", "x-requested-with", "x-custom",
];

#[derive(Debug, Clone)]
enum Origins {
    Any,
    List { listed: Vec<&'static str>, predicate: bool },
}

#[derive(Debug, Clone)]
enum Expose {
    None,
    Listed,
    Any,
}

#[derive(Debug, Clone)]
struct Spec {
    origins: Origins,
    credentials: bool,
    over_http: bool,
    /// `None`: any method.
    methods: Option<Vec<&'static str>>,
    /// `None`: any header.
    headers: Option<Vec<&'static str>>,
    expose: Expose,
    max_age: Option<u64>,
    private_network: bool,
    status: u16,
}

#[rustfmt::skip]
fn spec() -> impl Strategy<Value = Spec> {
    let subsequence = |list: &'static [&'static str]| proptest::sample::subsequence(list, 0..=list.len());
    let listed = (subsequence(EXACT), subsequence(PATTERNS), any::<bool>()).prop_map(|(mut exact, patterns, predicate)| {
        exact.extend(patterns);
        Origins::List { listed: exact, predicate }
    });
    let origins = prop_oneof![1 => Just(Origins::Any), 4 => listed];
    (
        origins, any::<bool>(), any::<bool>(),
        prop::option::weighted(0.7, subsequence(METHODS)), prop::option::weighted(0.7, subsequence(HEADERS)),
        prop_oneof![Just(Expose::None), Just(Expose::Listed), Just(Expose::Any)],
        prop::option::of(0u64..=86_400), any::<bool>(), prop_oneof![Just(204u16), Just(200u16)],
    )
        .prop_map(|(origins, credentials, over_http, methods, headers, expose, max_age, private_network, status)| Spec {
            origins, credentials, over_http, methods, headers, expose, max_age, private_network, status,
        })
}

/// The nearest spec `build()` accepts (refusals have their own property), so
/// no generated case is thrown away.
fn accepted(mut spec: Spec) -> Spec {
    if matches!(spec.origins, Origins::Any) && spec.credentials {
        spec.credentials = false;
    }
    if let Origins::List { listed, predicate } = &mut spec.origins {
        *predicate |= listed.is_empty();
    }
    if model_refuses(&spec) {
        spec.over_http = true;
    }
    spec
}

fn build(spec: &Spec) -> Result<CorsLayer, tower_cors::ConfigError> {
    let mut b = CorsLayer::builder();
    match &spec.origins {
        Origins::Any => b = b.allow_any_origin(),
        Origins::List { listed, predicate } => {
            b = b.allow_origins(listed);
            if *predicate {
                b = b
                    .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".pred.test"));
            }
        }
    }
    b = match &spec.methods {
        None => b.allow_any_method(),
        Some(m) => b.allow_methods(m.iter().map(|m| Method::from_bytes(m.as_bytes()).unwrap())),
    };
    b = match &spec.headers {
        None => b.allow_any_header(),
        Some(h) => b.allow_headers(h.iter().map(|h| HeaderName::from_static(h))),
    };
    b = match spec.expose {
        Expose::None => b,
        Expose::Listed => b.expose_headers([HeaderName::from_static("x-request-id")]),
        Expose::Any => b.expose_any_header(),
    };
    if let Some(secs) = spec.max_age {
        b = b.max_age(Duration::from_secs(secs));
    }
    b.allow_credentials(spec.credentials)
        .allow_credentials_over_http(spec.over_http)
        .allow_private_network(spec.private_network)
        .preflight_status(StatusCode::from_u16(spec.status).unwrap())
        .build()
}

/// Whether `build()` must refuse the spec: credentials with any origin, or a
/// plain-http non-loopback origin with credentials unless allowed.
fn model_refuses(spec: &Spec) -> bool {
    match &spec.origins {
        // A policy that allows no origin at all.
        Origins::List { listed, predicate } if listed.is_empty() && !predicate => true,
        _ if !spec.credentials => false,
        Origins::Any => true,
        Origins::List { listed, .. } => !spec.over_http && listed.contains(&"http://plain.example"),
    }
}

// ---- random requests ------------------------------------------------------

#[rustfmt::skip]
const ORIGINS: &[&str] = &[
    "https://app.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "https://[2001:db8::1]",
    "tauri://localhost", "http://plain.example", "https://a.example.org", "https://b.a.example.org",
    "https://a_b.example.org", "https://example.org", "https://evil-example.org", "https://example.org.evil.net",
    "https://a.example.org:8443", "https://a.example.org.", "https://a..example.org", "https://.example.org",
    "https://A.example.org", "http://a.example.org", "https://x.eu.example.org:8443",
    "https://eu.example.org:8443", "https://x.eu.example.org", "http://localhost", "http://localhost:1",
    "http://localhost:80", "http://localhost:0", "http://localhost:01", "http://localhost:65536",
    "https://localhost:3000", "https://api.example.net", "https://api.example.net:1234",
    "https://api.example.net:443", "https://a.example.net:99", "https://example.net:99", "https://a.pred.test",
    "https://pred.test", "null", "https://APP.example.com", "https://app.example.com/",
    "https://app.example.com:443", "https://u@app.example.com", "app.example.com", "*", "", "http://[::1]:3000",
    "http://[2001:db8::1]", "tauri://localhost:1",
];

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    origins: Vec<String>,
    acrm: Vec<&'static str>,
    acrh: Vec<String>,
    acrpn: Option<&'static str>,
    inner: Vec<(&'static str, &'static str)>,
}

fn origin() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(ORIGINS).prop_map(str::to_owned),
        1 => ("(https?)", "[a-z_.-]{1,8}", proptest::sample::select(&["example.org", "example.net", "pred.test", "eu.example.org"][..]), "(|:[0-9]{1,5})")
            .prop_map(|(s, l, suffix, port)| format!("{s}://{l}.{suffix}{port}")),
    ]
}

fn header_item() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(&[
            "content-type", "Content-Type", "authorization", "AUTHORIZATION", "x-requested-with",
            "x-custom", "X-Custom", "x-other", "cookie", "*",
        ][..]).prop_map(str::to_owned),
        2 => proptest::sample::select(&["", " ", "\t"][..]).prop_map(str::to_owned),
        1 => proptest::sample::select(&["x(y)", "a b", "\"q\""][..]).prop_map(str::to_owned),
    ]
}

fn header_line() -> impl Strategy<Value = String> {
    let separator = proptest::sample::select(&[",", ", ", " ,", ",\t"][..]);
    proptest::collection::vec((header_item(), separator), 0..5).prop_map(|items| {
        let mut line = String::new();
        for (i, (item, sep)) in items.iter().enumerate() {
            line.push_str(if i > 0 { sep } else { "" });
            line.push_str(item);
        }
        line
    })
}

#[rustfmt::skip]
fn request() -> impl Strategy<Value = Req> {
    let select = |list: &'static [&'static str]| proptest::sample::select(list);
    (
        select(&["GET", "POST", "PUT", "OPTIONS", "OPTIONS", "OPTIONS", "DELETE"]),
        prop_oneof![1 => Just(0usize), 12 => Just(1usize), 1 => Just(2usize)],
        proptest::collection::vec(origin(), 2),
        prop_oneof![
            1 => Just(vec![]),
            8 => select(&["PUT", "DELETE", "PATCH", "patch", "GET", "HEAD", "POST", "X-CUSTOM", "X-OTHER", "*", "", "P T"]).prop_map(|m| vec![m]),
            1 => Just(vec!["PUT", "PUT"]),
        ],
        proptest::collection::vec(header_line(), 0..3),
        prop::option::of(select(&["true", "false"])),
        proptest::collection::vec(proptest::sample::select(&[
            ("vary", "accept-encoding"), ("vary", "Origin"), ("vary", "*"), ("vary", "accept, cookie"), ("x-inner", "1"),
            ("x-inner", "2"), ("x-request-id", "abc"), ("set-cookie", "s=1"), ("content-type", "text/plain"),
            ("access-control-allow-origin", "*"), ("access-control-allow-origin", "https://evil.example"),
            ("access-control-allow-credentials", "true"), ("access-control-expose-headers", "x-secret"),
        ][..]), 0..4),
    )
        .prop_map(|(method, n, origins, acrm, acrh, acrpn, inner)| Req {
            method, origins: origins.into_iter().take(n).collect(), acrm, acrh, acrpn, inner,
        })
}

fn to_request(r: &Req) -> Option<Request<()>> {
    let mut req = Request::new(());
    *req.method_mut() = Method::from_bytes(r.method.as_bytes()).unwrap();
    let h = req.headers_mut();
    for o in &r.origins {
        h.append(header::ORIGIN, HeaderValue::from_str(o).ok()?);
    }
    for m in &r.acrm {
        h.append(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_str(m).ok()?);
    }
    for line in &r.acrh {
        h.append(header::ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_str(line).ok()?);
    }
    if let Some(v) = r.acrpn {
        h.append("access-control-request-private-network", HeaderValue::from_static(v));
    }
    Some(req)
}

// ---- the reference model: properties/model.rs ----------------------------

mod model;
use model::*;

// ---- running the service ---------------------------------------------------

/// Runs `request` through `layer`; the inner service answers 200 with
/// `inner` headers. Returns the response and how often the inner ran.
fn respond(layer: &CorsLayer, request: Request<()>, inner: &HeaderMap) -> (Response<()>, usize) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let inner = inner.clone();
    let mut service = layer.layer(tower::service_fn(move |_req: Request<()>| {
        counter.fetch_add(1, Ordering::SeqCst);
        let mut response = Response::new(());
        *response.headers_mut() = inner.clone();
        std::future::ready(Ok::<_, Infallible>(response))
    }));
    let response = ready_now(service.call(request)).unwrap();
    (response, calls.load(Ordering::SeqCst))
}

#[rustfmt::skip]
const CORS_RESPONSE_HEADERS: &[&str] = &[
    "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
    "access-control-allow-headers", "access-control-max-age", "access-control-expose-headers",
    "access-control-allow-private-network",
];

// ---- the properties ---------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn build_refuses_exactly_the_insecure_specs(spec in spec()) {
        prop_assert_eq!(build(&spec).is_err(), model_refuses(&spec), "{:?}", spec);
    }

    #[test]
    fn decisions_and_responses_match_the_reference_model_and_keep_every_invariant(
        spec in spec().prop_map(accepted),
        r in request(),
    ) {
        let layer = build(&spec).unwrap();
        let request = to_request(&r);
        prop_assume!(request.is_some());
        let request = request.unwrap();
        let mut inner = HeaderMap::new();
        for (n, v) in &r.inner {
            inner.append(*n, HeaderValue::from_static(v));
        }

        // 1. The decision equals the reference model.
        let (parts, ()) = request.into_parts();
        let expected = model_decide(&spec, &r);
        let decision = layer.policy().decide(&parts);
        prop_assert_eq!(observed(&decision), expected.clone());

        // 2. The service applies it.
        let is_preflight = r.method == "OPTIONS" && !r.acrm.is_empty() && !r.origins.is_empty();
        let (res, calls) = respond(&layer, Request::from_parts(parts, ()), &inner);
        let h = res.headers();
        let request_origin = r.origins.first().cloned();

        // A preflight never reaches the inner service; everything else does.
        prop_assert_eq!(calls, usize::from(!is_preflight));

        // ACAO only when allowed; then `*` or byte-equal to the request's Origin.
        let acao = all(h, "access-control-allow-origin");
        match &expected {
            Outcome::Allowed { acao: model, .. } => {
                prop_assert_eq!(&acao, &vec![model.clone()]);
                prop_assert!(acao[0] == "*" || Some(&acao[0]) == request_origin.as_ref());
            }
            // Any origin: `*` on every response, so that a cached one also
            // serves a later fetch(); otherwise the inner service's own
            // headers are left alone.
            Outcome::NotCors if matches!(spec.origins, Origins::Any) => {
                prop_assert_eq!(acao, vec!["*".to_owned()]);
                prop_assert_eq!(
                    all(h, "access-control-expose-headers"),
                    model_expose(&spec, &inner).into_iter().collect::<Vec<_>>()
                );
            }
            Outcome::NotCors => {
                prop_assert_eq!(acao, all(&inner, "access-control-allow-origin"));
            }
            // From an allowed origin: the policy's answer, whose lists lack
            // what was refused (refused_answers.rs checks them).
            Outcome::MethodNotAllowed(_) | Outcome::HeaderNotAllowed(_) => {
                prop_assert_eq!(acao.len(), 1);
                prop_assert!(acao[0] == "*" || Some(&acao[0]) == request_origin.as_ref());
            }
            _ => {
                for name in CORS_RESPONSE_HEADERS {
                    prop_assert!(h.get(*name).is_none(), "{} on a refused request", name);
                }
            }
        }

        // Never `*` together with credentials.
        if request_origin.is_some() && h.contains_key("access-control-allow-credentials") {
            prop_assert_eq!(all(h, "access-control-allow-credentials"), vec!["true".to_owned()]);
            for name in ["access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"] {
                for value in all(h, name) {
                    prop_assert!(!value.split(',').any(|t| t.trim() == "*"), "{}: {} with credentials", name, value);
                }
            }
        }

        let vary = vary_tokens(h);
        let inner_vary = vary_tokens(&inner);
        if is_preflight {
            prop_assert_eq!(res.status(), match expected {
                Outcome::Allowed { .. }
                | Outcome::MethodNotAllowed(_)
                | Outcome::HeaderNotAllowed(_) => StatusCode::from_u16(spec.status).unwrap(),
                _ => StatusCode::FORBIDDEN,
            });
            for t in ["origin", "access-control-request-method", "access-control-request-headers"] {
                prop_assert!(vary.iter().any(|v| v == t), "preflight without Vary {}", t);
            }
            if let Outcome::Allowed { acao, .. } = &expected {
                let mut cors: Vec<(&str, String)> = CORS_RESPONSE_HEADERS
                    .iter()
                    .flat_map(|n| all(h, n).into_iter().map(move |v| (*n, v)))
                    .collect();
                let mut model = model_preflight_headers(&spec, &r, acao);
                cors.sort();
                model.sort();
                prop_assert_eq!(cors, model);
            }
        } else {
            prop_assert_eq!(res.status(), StatusCode::OK);
            // The inner service's other headers survive untouched.
            for name in ["x-inner", "x-request-id", "set-cookie", "content-type"] {
                prop_assert_eq!(all(h, name), all(&inner, name));
            }
            // Its Vary values survive, and the layer adds Origin when the
            // answer depends on the origin (unless Vary is already `*`).
            for t in &inner_vary {
                prop_assert!(vary.contains(t), "inner Vary {} lost: {:?}", t, vary);
            }
            let depends_on_origin = !matches!(spec.origins, Origins::Any);
            if depends_on_origin && !inner_vary.iter().any(|t| t == "*") {
                prop_assert!(vary.iter().any(|t| t == "origin"), "no Vary: origin in {:?}", vary);
            }
            // Refusals vary by origin under any-origin too: a response
            // without CORS headers must not be served to other origins.
            let refused = !matches!(expected, Outcome::Allowed { .. } | Outcome::NotCors);
            if !depends_on_origin && !refused {
                prop_assert_eq!(&vary, &inner_vary);
            }
            prop_assert!(all(h, "vary").len() <= all(&inner, "vary").len().max(1));
            if let Outcome::Allowed { .. } = expected {
                prop_assert_eq!(
                    all(h, "access-control-allow-credentials"),
                    if spec.credentials { vec!["true".to_owned()] } else { vec![] }
                );
                prop_assert_eq!(
                    all(h, "access-control-expose-headers"),
                    model_expose(&spec, &inner).into_iter().collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn the_reference_model_is_not_vacuous() {
    let spec = Spec {
        origins: Origins::List {
            listed: vec!["https://*.example.org", "http://localhost:*"],
            predicate: false,
        },
        credentials: true,
        over_http: false,
        methods: Some(vec![]),
        headers: Some(vec![]),
        expose: Expose::None,
        max_age: None,
        private_network: false,
        status: 204,
    };
    #[rustfmt::skip]
    let cases = [
        ("https://a.example.org", true), ("https://b.a.example.org", true), ("http://localhost", true),
        ("http://localhost:3000", true), ("https://example.org", false), ("https://evil-example.org", false),
        ("https://example.org.evil.net", false), ("https://a..example.org", false), ("http://localhost:80", false),
        ("http://localhost:01", false), ("null", false),
    ];
    for (origin, allowed) in cases {
        assert_eq!(model_origin_allowed(&spec, origin), allowed, "{origin}");
    }
}
