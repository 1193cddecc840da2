//! Property tests over random policies and random requests: the security
//! invariants hold on every response, and the decision and headers equal a
//! slow, obviously correct reference model written here from the Fetch
//! standard and DESIGN.md.

use std::time::Duration;

use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use proptest::prelude::*;

use crate::common::{values as all, vary_tokens, ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA};
use crate::fuzz_smoke::bodies;
use tower_cors::{CorsLayer, Decision, Malformed, Rejection};

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
const HEADERS: &[&str] = &["content-type", "authorization", "x-requested-with", "x-custom"];

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
    spec.credentials &= !matches!(spec.origins, Origins::Any);
    if let Origins::List { listed, predicate } = &mut spec.origins {
        *predicate |= listed.is_empty();
    }
    spec.over_http |= model_refuses(&spec);
    spec
}

fn build(spec: &Spec) -> Result<CorsLayer, tower_cors::ConfigError> {
    let mut b = match &spec.origins {
        Origins::Any => CorsLayer::builder().allow_any_origin(),
        Origins::List { listed, .. } => CorsLayer::builder().allow_origins(listed),
    };
    if let Origins::List { predicate: true, .. } = spec.origins {
        b = b.allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".pred.test"));
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

/// One of `list`, as a `String`.
fn owned(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(list).prop_map(str::to_owned)
}

#[rustfmt::skip]
fn origin() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => owned(ORIGINS),
        1 => ("(https?)", "[a-z_.-]{1,8}", proptest::sample::select(&["example.org", "example.net", "pred.test", "eu.example.org"][..]), "(|:[0-9]{1,5})")
            .prop_map(|(s, l, suffix, port)| format!("{s}://{l}.{suffix}{port}")),
    ]
}

#[rustfmt::skip]
fn header_item() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => owned(&["content-type", "Content-Type", "authorization", "AUTHORIZATION", "x-requested-with", "x-custom", "X-Custom", "x-other", "cookie", "*"]),
        2 => owned(&["", " ", "\t"]),
        1 => owned(&["x(y)", "a b", "\"q\""]),
    ]
}

fn header_line() -> impl Strategy<Value = String> {
    let separator = proptest::sample::select(&[",", ", ", " ,", ",\t"][..]);
    // Items joined by their separators, the first item's dropped.
    proptest::collection::vec((header_item(), separator), 0..5).prop_map(|items| {
        items.iter().flat_map(|(item, sep)| [*sep, item.as_str()]).skip(1).collect()
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
    #[rustfmt::skip]
    let lines = r.origins.iter().map(|o| (header::ORIGIN, o.as_str()))
        .chain(r.acrm.iter().map(|m| (header::ACCESS_CONTROL_REQUEST_METHOD, *m)))
        .chain(r.acrh.iter().map(|l| (header::ACCESS_CONTROL_REQUEST_HEADERS, l.as_str())))
        .chain(r.acrpn.map(|v| (HeaderName::from_static("access-control-request-private-network"), v)));
    for (name, value) in lines {
        req.headers_mut().append(name, HeaderValue::from_str(value).ok()?);
    }
    Some(req)
}

/// The reference model.
mod model;
use model::*;

const CORS_RESPONSE_HEADERS: &[&str] = &[ACAO, ACAC, ACAM, ACAH, ACMA, ACEH, ACAPN];

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

        // 2. The service applies it, keeping the invariants of every response
        // that the fuzz targets check: a preflight never reaches the inner
        // service and everything else does; never `*` with credentials; the
        // inner service's Vary values and other headers survive; a preflight
        // answer varies on the request's CORS headers.
        let request = Request::from_parts(parts, ());
        let (_, res) = bodies::check_exchange(&layer, request, inner.clone());
        let is_preflight = r.method == "OPTIONS" && !r.acrm.is_empty() && !r.origins.is_empty();
        let h = res.headers();
        let expose: Vec<String> = model_expose(&spec, &inner).into_iter().collect();

        // ACAO only when allowed (check_exchange: then `*` or byte-equal to
        // the request's Origin).
        let acao = all(h, "access-control-allow-origin");
        match &expected {
            Outcome::Allowed { acao: model, .. } => prop_assert_eq!(&acao, &vec![model.clone()]),
            // Any origin: `*` on every response, so that a cached one also
            // serves a later fetch(); otherwise the inner service's own
            // headers are left alone.
            Outcome::NotCors if matches!(spec.origins, Origins::Any) => {
                prop_assert_eq!(acao, vec!["*".to_owned()]);
                prop_assert_eq!(&all(h, "access-control-expose-headers"), &expose);
            }
            Outcome::NotCors => {
                prop_assert_eq!(acao, all(&inner, "access-control-allow-origin"));
            }
            // From an allowed origin: the policy's answer, with one ACAO
            // (check_exchange), whose lists lack what was refused
            // (refused_answers.rs checks them).
            Outcome::MethodNotAllowed(_) | Outcome::HeaderNotAllowed(_) => {
                prop_assert_eq!(acao.len(), 1);
            }
            _ => {
                for name in CORS_RESPONSE_HEADERS {
                    prop_assert!(h.get(*name).is_none(), "{} on a refused request", name);
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
            // The layer adds Vary: Origin when the answer depends on the
            // origin (unless Vary is already `*`).
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
            if let Outcome::Allowed { .. } = expected {
                let acac = if spec.credentials { vec!["true".to_owned()] } else { vec![] };
                prop_assert_eq!(all(h, "access-control-allow-credentials"), acac);
                prop_assert_eq!(&all(h, "access-control-expose-headers"), &expose);
            }
        }
    }
}

#[test]
fn the_reference_model_is_not_vacuous() {
    let origins = Origins::List {
        listed: vec!["https://*.example.org", "http://localhost:*"],
        predicate: false,
    };
    #[rustfmt::skip]
    let cases = [
        ("https://a.example.org", true), ("https://b.a.example.org", true), ("http://localhost", true),
        ("http://localhost:3000", true), ("https://example.org", false), ("https://evil-example.org", false),
        ("https://example.org.evil.net", false), ("https://a..example.org", false), ("http://localhost:80", false),
        ("http://localhost:01", false), ("null", false),
    ];
    for (origin, allowed) in cases {
        assert_eq!(model_origin_allowed(&origins, origin), allowed, "{origin}");
    }
}
