//! `guard_cross_origin_writes`: writes from origins the policy does not
//! allow get 403 and never reach the inner service, decided in the order of
//! Go's `CrossOriginProtection`; everything else is decided as without it.

#[cfg(feature = "origin-lookup")]
use std::sync::{atomic::AtomicUsize, atomic::Ordering, Arc};

use crate::common::*;
use http::{header, Method, Request, Response, StatusCode, Version};
use tower_cors::{
    ConfigWarning, CorsBuilder, CorsLayer, Decision, Hint, Malformed, Rejection, RequestKind,
    Verdict,
};

const API: &str = "https://api.example.com";

/// The rules under test; `guard: None` never calls `guard_cross_origin_writes`.
fn rules(guard: Option<bool>) -> CorsBuilder {
    let b = CorsLayer::builder()
        .allow_origins([APP, "https://*.tenants.example"])
        .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".trusted.example"))
        .allow_methods([Method::PUT, Method::DELETE, Method::PATCH]);
    guard.into_iter().fold(b, CorsBuilder::guard_cross_origin_writes)
}

fn guarded() -> CorsLayer {
    rules(Some(true)).build().unwrap()
}

/// A request to `uri` with headers written `sfs=cross-site o=evil h=host`
/// (`sfs`: Sec-Fetch-Site, `o`: Origin, `h`: Host; `evil`, `app` and `api`
/// stand for those origins). A path is HTTP/1.1 with `Host:
/// api.example.com` unless `h=` says otherwise; an absolute URI is HTTP/2,
/// without `Host`.
fn request(method: &str, uri: &str, headers: &str) -> Request<String> {
    let mut builder = Request::builder().method(method).uri(uri);
    if uri.contains("://") {
        builder = builder.version(Version::HTTP_2);
    } else if !headers.contains("h=") {
        builder = builder.header(header::HOST, "api.example.com");
    }
    for (name, value) in headers.split_whitespace().filter_map(|h| h.split_once('=')) {
        if !value.is_empty() {
            builder = builder.header(long(name), long(value));
        }
    }
    builder.body(String::new()).unwrap()
}

/// What a short name or value in [`request`]'s headers stands for.
fn long(short: &str) -> &str {
    let names = [("sfs", "sec-fetch-site"), ("o", "origin"), ("h", "host")];
    let values = [("evil", EVIL), ("app", APP), ("api", API)];
    names.iter().chain(&values).find(|(s, _)| *s == short).map_or(short, |(_, long)| long)
}

fn head(method: &str, uri: &str, headers: &str) -> http::request::Parts {
    request(method, uri, headers).into_parts().0
}

/// What the guarded layer does with a request.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// 403 from the layer, no CORS headers, handler not run; decided as a
    /// `CrossOriginWrite` refused for this reason.
    Refused(Rejection<'static>),
    /// Reached the handler; with this `Access-Control-Allow-Origin`, if any.
    Passed(Option<&'static str>),
}
use Outcome::{Passed, Refused};

/// Asserts a response, and how often the handler ran, are `outcome`'s.
#[track_caller]
fn assert_outcome(name: &str, (res, ran): (Response<String>, usize), outcome: Outcome) {
    let acao = res.headers().get(ACAO).map(|v| v.to_str().unwrap());
    match outcome {
        Refused(_) => {
            assert_eq!((res.status(), ran), (StatusCode::FORBIDDEN, 0), "{name}");
            assert!(res.body().is_empty(), "{name}");
            assert_lines(name, res.headers(), &[("access-control-*", ABSENT)]);
        }
        Passed(want) => assert_eq!((res.status(), ran, acao), (StatusCode::OK, 1, want), "{name}"),
    }
}

const NOT_ALLOWED: Outcome = Refused(Rejection::OriginNotAllowed(EVIL));
const OWN_NOT_ALLOWED: Outcome = Refused(Rejection::OriginNotAllowed(API));
const NO_ORIGIN: Outcome = Refused(Rejection::WriteWithoutOrigin(""));
const NULL: Outcome = Refused(Rejection::WriteWithoutOrigin("null"));
const TENANT_A: &str = "https://a.tenants.example";
const TRUSTED: &str = "https://x.trusted.example";

/// Name, method, URI, headers (see [`request`]), outcome.
type Case = (&'static str, &'static str, &'static str, &'static str, Outcome);

#[rustfmt::skip]
const CASES: &[Case] = &[
    // 1. Sec-Fetch-Site same-origin or none passes.
    ("same-origin, refused origin", "POST", "/t", "sfs=same-origin o=evil", Passed(None)),
    ("same-origin, null", "POST", "/t", "sfs=same-origin o=null", Passed(None)),
    ("none, no Origin", "POST", "/t", "sfs=none", Passed(None)),
    // 2. Any other Sec-Fetch-Site needs an allowed Origin.
    ("cross-site, exact", "POST", "/t", "sfs=cross-site o=app", Passed(Some(APP))),
    ("same-site, pattern", "POST", "/t", "sfs=same-site o=https://a.tenants.example", Passed(Some(TENANT_A))),
    ("cross-site, predicate", "POST", "/t", "sfs=cross-site o=https://x.trusted.example", Passed(Some(TRUSTED))),
    ("cross-site, refused origin", "POST", "/t", "sfs=cross-site o=evil", NOT_ALLOWED),
    ("same-site, refused origin", "POST", "/t", "sfs=same-site o=evil", NOT_ALLOWED),
    ("unknown value, refused origin", "POST", "/t", "sfs=elsewhere o=evil", NOT_ALLOWED),
    ("cross-site, no Origin", "POST", "/t", "sfs=cross-site", NO_ORIGIN),
    ("cross-site, null", "POST", "/t", "sfs=cross-site o=null", NULL),
    ("cross-site, own host not listed", "POST", "/t", "sfs=cross-site o=api", OWN_NOT_ALLOWED),
    // 3. No Sec-Fetch-Site: no Origin, or the request's own host, passes.
    ("no headers", "POST", "/t", "", Passed(None)),
    ("own host", "POST", "/t", "o=api", Passed(None)),
    ("own host, explicit 443", "POST", "/t", "o=api h=api.example.com:443", Passed(None)),
    ("own host, upper case", "POST", "/t", "o=api h=API.example.com", Passed(None)),
    ("own host, http and 80", "POST", "/t", "o=http://api.example.com h=api.example.com:80", Passed(None)),
    ("own host and port", "POST", "/t", "o=https://api.example.com:8443 h=api.example.com:8443", Passed(None)),
    ("own host, other port", "POST", "/t", "o=api h=api.example.com:8443", OWN_NOT_ALLOWED),
    ("own host, http to 443", "POST", "/t", "o=http://api.example.com h=api.example.com:443", Refused(Rejection::OriginNotAllowed("http://api.example.com"))),
    ("allowed origin", "POST", "/t", "o=app", Passed(Some(APP))),
    ("refused origin", "POST", "/t", "o=evil", NOT_ALLOWED),
    ("null", "POST", "/t", "o=null", NULL),
    ("malformed origin", "POST", "/t", "o=https://a/b", Refused(Rejection::Malformed(Malformed::Origin))),
    ("two origins", "POST", "/t", "o=evil o=app", Refused(Rejection::Malformed(Malformed::MultipleOrigins))),
    // HTTP/2: no Host; the URI's authority is the request's own.
    ("h2, own authority", "POST", "https://api.example.com/t", "o=api", Passed(None)),
    ("h2, own authority with 443", "POST", "https://api.example.com:443/t", "o=api", Passed(None)),
    ("h2, other port", "POST", "https://api.example.com:8443/t", "o=api", OWN_NOT_ALLOWED),
    ("h2, refused origin", "POST", "https://api.example.com/t", "o=evil", NOT_ALLOWED),
    ("h2, cross-site, exact", "POST", "https://api.example.com/t", "sfs=cross-site o=app", Passed(Some(APP))),
    ("no Host, no authority", "POST", "/t", "o=api h=", OWN_NOT_ALLOWED),
    // Every method but GET, HEAD and OPTIONS is a write.
    ("PUT", "PUT", "/t", "sfs=cross-site o=evil", NOT_ALLOWED),
    ("DELETE", "DELETE", "/t", "o=evil", NOT_ALLOWED),
    ("PATCH", "PATCH", "/t", "sfs=cross-site o=evil", NOT_ALLOWED),
    ("custom method", "PURGE", "/t", "sfs=cross-site o=evil", NOT_ALLOWED),
    ("GET", "GET", "/t", "sfs=cross-site o=evil", Passed(None)),
    ("HEAD", "HEAD", "/t", "sfs=cross-site o=null", Passed(None)),
    ("OPTIONS, not a preflight", "OPTIONS", "/t", "sfs=cross-site o=evil", Passed(None)),
    ("GET, no Origin", "GET", "/t", "sfs=cross-site", Passed(None)),
];

#[tokio::test]
async fn writes_are_refused_or_passed_in_the_order_of_the_design() {
    let layer = guarded();
    for &(name, method, uri, headers, outcome) in CASES {
        assert_outcome(name, run_polled(&layer, request(method, uri, headers)).await, outcome);
        // Decided as a refused write, or as without the guard.
        let decided = decision(&layer, &request(method, uri, headers));
        let as_before = !decided.contains(" refused: ") || decided.starts_with("Actual ");
        match outcome {
            Refused(reason) => {
                assert_eq!(decided, format!("CrossOriginWrite refused: {reason:?}"), "{name}")
            }
            Passed(_) => assert!(as_before, "{name}: {decided}"),
        }
    }
}

#[tokio::test]
async fn without_the_guard_every_case_reaches_the_handler_as_before() {
    let (off, never_set) = (rules(Some(false)).build().unwrap(), rules(None).build().unwrap());
    for &(name, method, uri, headers, _) in CASES {
        for layer in [&off, &never_set] {
            let (res, ran) = run_polled(layer, request(method, uri, headers)).await;
            assert_eq!((res.status(), ran), (StatusCode::OK, 1), "{name}");
            let decided = decision(layer, &request(method, uri, headers));
            let as_before = ["not cors", "actual"].contains(&decided.as_str())
                || decided.starts_with("Actual refused");
            assert!(as_before, "{name}: {decided}");
        }
    }
    assert_eq!(format!("{:?}", off.policy()), format!("{:?}", never_set.policy()));
}

#[tokio::test]
async fn preflights_are_never_writes() {
    let layer = guarded();
    for (origin, status) in [(APP, StatusCode::NO_CONTENT), (EVIL, StatusCode::FORBIDDEN)] {
        let req = with(preflight(origin, "DELETE", None), &[("sec-fetch-site", "cross-site")]);
        let decided = decision(&layer, &req);
        assert!(!decided.contains(" refused: ") || decided.starts_with("Preflight "), "{decided}");
        let (res, ran) = run_polled(&layer, req).await;
        assert_eq!((res.status(), ran), (status, 0), "{origin}");
    }
}

#[tokio::test]
async fn under_any_origin_only_null_and_origin_less_writes_are_refused_and_a_warning_says_so() {
    let any =
        CorsLayer::builder().allow_any_origin().guard_cross_origin_writes(true).build().unwrap();
    assert_eq!(any.warnings(), [ConfigWarning::WriteGuardWithAnyOrigin]);
    let fix = "list the origins that may write in allow_origins";
    assert!(ConfigWarning::WriteGuardWithAnyOrigin.to_string().contains(fix));
    assert!(guarded().warnings().is_empty());
    for (method, headers, outcome) in [
        ("POST", "sfs=cross-site o=evil", Passed(Some("*"))),
        ("POST", "o=evil", Passed(Some("*"))),
        ("POST", "sfs=same-origin o=null", Passed(Some("*"))),
        ("GET", "sfs=cross-site o=null", Passed(Some("*"))),
        ("POST", "sfs=cross-site o=null", NULL),
        ("POST", "o=null", NULL),
        ("POST", "sfs=cross-site", NO_ORIGIN),
    ] {
        assert_outcome(headers, run_polled(&any, request(method, "/t", headers)).await, outcome);
    }
}

#[test]
fn refusals_say_what_happened_and_the_fix() {
    let (layer, parts) = (guarded(), head("POST", "/t", "o=evil"));
    let Decision::Rejected(rejected) = layer.policy().decide(&parts) else { panic!() };
    let text = "cross-origin write rejected: origin \"https://evil.example\" is not allowed";
    assert_eq!(rejected.to_string(), text);
    for (reason, words) in [
        (Rejection::WriteWithoutOrigin(""), "if a proxy removes Origin, keep it"),
        (Rejection::WriteWithoutOrigin("null"), "pages whose referrer policy is no-referrer"),
    ] {
        assert!(reason.to_string().contains(words), "{reason}");
    }
}

#[test]
fn explain_names_the_guard_checks_and_the_fix() {
    let layer = guarded();
    let explain = |headers| layer.policy().explain(&head("POST", "/t", headers));
    let e = explain("sfs=cross-site o=evil");
    assert_eq!(e.kind(), Some(RequestKind::CrossOriginWrite));
    assert_eq!(e.verdict(), Verdict::Refused(Rejection::OriginNotAllowed(EVIL)));
    assert!(e.hints().contains(&Hint::CrossOriginWrite { origin: EVIL.into() }));
    let cross_site = "sfs=cross-site o=evil";
    for (headers, line) in [
        (cross_site, "request: cross-origin write POST /t from \"https://evil.example\"\n"),
        (cross_site, "check: Sec-Fetch-Site \"cross-site\": FAILED (another origin sent it"),
        (
            cross_site,
            "hint: a cross-origin write from \"https://evil.example\" is refused: the \
                      origin is not allowed; add it to allow_origins",
        ),
        ("o=evil", "check: Host \"api.example.com\": FAILED"),
        ("o=api", "check: Host \"api.example.com\": ok"),
        ("o=app", "check: Host \"api.example.com\": FAILED"),
        ("", "check: Origin header: ok (absent: not a browser's cross-origin write"),
        ("sfs=same-origin o=evil", "check: Sec-Fetch-Site \"same-origin\": ok"),
    ] {
        let text = explain(headers).to_string();
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let e = explain("sfs=cross-site");
    assert_eq!(e.verdict(), Verdict::Refused(Rejection::WriteWithoutOrigin("")));
    let line = "request: cross-origin write POST /t without Origin (Sec-Fetch-Site \"cross-site\")";
    assert!(e.to_string().starts_with(line), "{e}");
    // Without the guard, a write's explanation has no guard checks.
    let parts = head("POST", "/t", "sfs=cross-site o=evil");
    let text = rules(None).build().unwrap().policy().explain(&parts).to_string();
    assert!(!text.contains("Sec-Fetch-Site") && !text.contains("cross-origin"), "{text}");
}

#[tokio::test]
async fn report_only_trials_the_guard_before_it_is_enforced() {
    let refused = "origin \"https://evil.example\" is not allowed";
    let blocked = format!("refuses it with 403: {refused}");
    let no_origin = "refuses it with 403: a cross-origin write without Origin is refused";
    let write = "cross-origin write POST /t from \"https://evil.example\": the enforced policy";
    let no_cors = "cross-origin write POST /t from \"\": the enforced policy";
    let guard = |on| rules(Some(on)).build().unwrap();
    for guard_on_candidate in [true, false] {
        let (layer, seen) = trial(guard(!guard_on_candidate), guard(guard_on_candidate));
        // Two the guard refuses, three it passes.
        for (method, headers, guarded) in [
            ("POST", "sfs=cross-site o=evil", true),
            ("POST", "sfs=cross-site", true),
            ("POST", "sfs=cross-site o=app", false),
            ("POST", "sfs=same-origin o=evil", false),
            ("GET", "sfs=cross-site o=evil", false),
        ] {
            let (res, _) = run_polled(&layer, request(method, "/t", headers)).await;
            let refused_now = guarded && !guard_on_candidate;
            assert_eq!(res.status() == StatusCode::FORBIDDEN, refused_now, "{headers}");
        }
        let expected = match guard_on_candidate {
            true => [
                format!("{write} refuses it: {refused}, the candidate {blocked}"),
                format!("{no_cors} does not see a CORS request, the candidate {no_origin}"),
            ],
            false => [
                format!("{write} {blocked}, the candidate refuses it: {refused}"),
                format!("{no_cors} {no_origin}"),
            ],
        };
        let seen: Vec<_> = seen.lock().unwrap().iter().map(|r| (r.kind, r.line.clone())).collect();
        assert_eq!(seen.len(), 2, "{seen:#?}");
        assert!(seen.iter().all(|(kind, _)| *kind == RequestKind::CrossOriginWrite));
        assert_eq!(seen[0].1, expected[0]);
        assert!(seen[1].1.starts_with(&expected[1]), "{}", seen[1].1);
        if !guard_on_candidate {
            assert!(seen[1].1.ends_with("the candidate does not see a CORS request"));
        }
    }
}

#[cfg(feature = "origin-lookup")]
#[tokio::test]
async fn under_the_origin_lookup_writes_pass_only_if_it_allows_cached_or_not() {
    const TENANT: &str = "https://shop.tenant.example";
    let asked = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&asked);
    let lookup = move |origin: String| {
        count.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::task::yield_now().await;
            match origin.as_str() {
                "https://down.example" => Err(std::io::Error::other("store down")),
                origin => Ok(origin == TENANT),
            }
        }
    };
    let layer = rules(Some(true)).allow_origin_lookup(lookup).build().unwrap();
    let write = |origin: &str| request("POST", "/t", &format!("sfs=cross-site o={origin}"));
    for round in ["asked", "cached"] {
        let (res, ran) = run_polled(&layer, write(TENANT)).await;
        assert_eq!((res.status(), ran), (StatusCode::OK, 1), "{round}");
        assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], TENANT);
        let (res, ran) = run_polled(&layer, write(EVIL)).await;
        assert_eq!((res.status(), ran), (StatusCode::FORBIDDEN, 0), "{round}");
        assert!(res.body().is_empty(), "{round}");
        // A failed lookup refuses, and is never cached.
        let (res, ran) = run_polled(&layer, write("https://down.example")).await;
        assert_eq!((res.status(), ran), (StatusCode::FORBIDDEN, 0), "{round}");
    }
    assert_eq!(asked.load(Ordering::SeqCst), 4);
    // `decide` leaves a refused origin to the lookup, with the guarded kind.
    assert_eq!(decision(&layer, &write(EVIL)), "deferred CrossOriginWrite");
    // Origins the static rules allow never ask it; nor do null or none.
    for headers in ["sfs=cross-site o=app", "sfs=cross-site o=null", "sfs=cross-site"] {
        run_polled(&layer, request("POST", "/t", headers)).await;
    }
    assert_eq!(asked.load(Ordering::SeqCst), 4);
}

#[cfg(feature = "metrics")]
#[test]
fn refused_writes_are_counted_under_their_own_kind_and_outcome() {
    let layer = guarded();
    let counted = counters(false, || async {
        for headers in ["sfs=cross-site o=evil", "o=evil", "sfs=cross-site", "o=null", "o=app"] {
            run_polled(&layer, request("POST", "/t", headers)).await;
        }
    });
    let counts: Vec<_> = counted.iter().map(|(k, o, n)| format!("{k}/{o} {n}")).collect();
    let expected = [
        "actual/allowed 1", "cross_origin_write/origin_not_allowed 2",
        "cross_origin_write/write_without_origin 2",
    ];
    assert_eq!(counts, expected);
}
