//! `Policy::explain`: the verdict is `decide`'s, each check is named, and a
//! refusal comes with the nearest configured value and its fix.

use crate::common::*;
use http::{header, HeaderName, Method};
use tower_cors::{CorsLayer, Decision, Hint, RequestKind, Verdict};

fn origin_policy() -> CorsLayer {
    let origins = [
        APP, "https://*.tenants.example", "http://localhost:3000", "https://www.shop.example",
        "https://blog.example",
    ];
    policy(&origins, |b| b)
}

fn get_from(origin: &str) -> http::request::Parts {
    parts(Method::GET, &[("origin", origin)])
}

fn parts_of(request: http::Request<String>) -> http::request::Parts {
    request.into_parts().0
}

#[test]
fn near_miss_origins_name_the_configured_value_and_the_difference() {
    let cors = origin_policy();
    let tenants = || "https://*.tenants.example".to_owned();
    #[rustfmt::skip]
    let cases = [
        ("http://app.example.com", Hint::OriginScheme { configured: APP.into() }),
        ("https://app.example.com:8443", Hint::OriginPort { configured: APP.into() }),
        ("http://localhost:5173", Hint::OriginPort { configured: "http://localhost:3000".into() }),
        ("https://www.app.example.com", Hint::OriginWww { configured: APP.into() }),
        ("https://shop.example", Hint::OriginWww { configured: "https://www.shop.example".into() }),
        ("https://www.blog.example", Hint::OriginWww { configured: "https://blog.example".into() }),
        ("https://tenants.example", Hint::OriginApex { pattern: tenants() }),
        ("http://a.tenants.example", Hint::OriginScheme { configured: tenants() }),
        ("https://App.Example.com", Hint::OriginCase { configured: APP.into() }),
        ("https://A.tenants.example", Hint::OriginCase { configured: tenants() }),
    ];
    for (origin, hint) in cases {
        let explanation = cors.policy().explain(&get_from(origin));
        assert!(matches!(explanation.verdict(), Verdict::Refused(_)), "{origin}");
        assert_eq!(explanation.hints(), std::slice::from_ref(&hint), "{origin}");
        assert_eq!(explanation.nearest(), hint.nearest(), "{origin}");
        assert!(explanation.nearest().is_some(), "{origin}");
    }
}

#[test]
fn a_refused_header_lists_the_allowed_ones_and_each_header_is_checked() {
    let cors = app(|b| b.allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-ok")]));
    let request = parts_of(preflight(APP, "POST", Some("x-ok, x-evil, content-type")));
    let explanation = cors.policy().explain(&request);
    let want = (Some(RequestKind::Preflight), Some("request header \"x-evil\" is not allowed"));
    assert_eq!((explanation.kind(), explanation.reason()), want);
    let checks: Vec<(&str, bool)> =
        explanation.checks().iter().map(|c| (c.subject(), c.passed())).collect();
    #[rustfmt::skip]
    let want = [
        ("origin \"https://app.example.com\"", true), ("method \"POST\"", true), ("request header \"x-ok\"", true),
        ("request header \"x-evil\"", false), ("request header \"content-type\"", true),
    ];
    assert_eq!(checks, want);
    let allowed = vec!["content-type".into(), "x-ok".into()];
    assert_eq!(explanation.hints(), [Hint::HeaderNotListed { header: "x-evil".into(), allowed }]);
    assert_eq!(
        explanation.to_string(),
        "request: preflight OPTIONS /api/items from \"https://app.example.com\" for \"POST\" \
         with headers \"x-ok, x-evil, content-type\"\n\
         check: origin \"https://app.example.com\": ok (listed)\n\
         check: method \"POST\": ok (GET, HEAD and POST are always allowed)\n\
         check: request header \"x-ok\": ok (listed)\n\
         check: request header \"x-evil\": FAILED (not listed)\n\
         check: request header \"content-type\": ok (listed)\n\
         verdict: refused: request header \"x-evil\" is not allowed\n\
         hint: add \"x-evil\" to allow_headers (allowed: content-type, x-ok)"
    );
}

#[test]
#[rustfmt::skip]
fn refusals_get_their_one_hint() {
    let (origins, star) = (origin_policy(), app(|b| b.allow_any_method().allow_any_header().allow_credentials(true)));
    let patch = app(|b| b.allow_methods([Method::from_bytes(b"PATCH").unwrap()]));
    let listed = ["GET", "HEAD", "POST", "PATCH"].map(String::from).to_vec();
    use tower_cors::Malformed::{MultipleOrigins, Origin};
    let cases = [
        // Refused only by its case: the configured spelling is named.
        ("patch", &patch, parts_of(preflight(APP, "patch", None)), Hint::MethodCase { configured: "PATCH".into() }),
        ("DELETE", &patch, parts_of(preflight(APP, "DELETE", None)), Hint::MethodNotListed { method: "DELETE".into(), allowed: listed }),
        // Patterns never match `null`.
        ("null", &origins, get_from("null"), Hint::NullOrigin),
        ("* method, credentials", &star, parts_of(preflight(APP, "*", None)), Hint::LiteralStar),
        ("* header, credentials", &star, parts_of(preflight(APP, "PUT", Some("*"))), Hint::LiteralStar),
        ("malformed origin", &origins, get_from("https://app.example.com/"), Hint::Malformed(Origin)),
        ("two origins", &origins, parts(Method::GET, &[("origin", APP), ("origin", APP)]), Hint::Malformed(MultipleOrigins)),
    ];
    for (name, cors, head, hint) in cases {
        let explanation = cors.policy().explain(&head);
        assert!(matches!(explanation.verdict(), Verdict::Refused(_)), "{name}");
        assert_eq!(explanation.hints(), [hint], "{name}");
    }
    let text = Hint::MethodCase { configured: "PATCH".into() }.to_string();
    assert!(text.contains("browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT"));
}

#[test]
fn allowed_and_non_cors_requests_say_which_rule_applies() {
    let cors = policy(&[APP, "https://*.tenants.example"], |b| {
        b.allow_origin_predicate(|origin, _| origin == "https://partner.example")
    });
    let (permissive, actual) = (CorsLayer::permissive(), Some(RequestKind::Actual));
    #[rustfmt::skip]
    let cases = [
        (&cors, get_from(APP), actual, "listed"),
        (&cors, get_from("https://a.tenants.example"), actual, "matches a pattern"),
        (&cors, get_from("https://partner.example"), actual, "allowed by an origin predicate"),
        (&cors, parts(Method::GET, &[]), None, "the response gets Vary: Origin"),
        (&permissive, parts(Method::GET, &[]), None, "the response gets Access-Control-Allow-Origin: *"),
    ];
    for (cors, head, kind, how) in cases {
        let e = cors.policy().explain(&head);
        let verdict = if kind.is_some() { Verdict::Allowed } else { Verdict::NotCors };
        let got = (e.verdict(), e.kind(), e.checks()[0].detail(), e.hints().is_empty(), e.reason());
        assert_eq!(got, (verdict, kind, how, true, None), "{how}");
    }
}

/// Under an async origin check, neither `decide` nor `explain` calls an
/// origin refused that the check may still allow.
#[test]
fn the_async_check_decides_origins_the_static_rules_do_not_allow() {
    let cors =
        app(|b| b.allow_origin_async_predicate(|_, _| async { true }).allow_methods([Method::PUT]));
    let tenant = preflight("https://tenant.example", "DELETE", None);
    assert_eq!(decision(&cors, &tenant), "deferred Preflight");
    let tenant = parts_of(tenant);
    let explanation = cors.policy().explain(&tenant);
    assert_eq!(explanation.verdict(), Verdict::Undecided);
    let text = explanation.to_string();
    assert!(text.contains("the async origin predicate decides it when the request arrives"));
    // The checks that follow if it allows the origin are still made.
    let last = explanation.checks().last().unwrap();
    assert_eq!((last.subject(), last.passed()), ("method \"DELETE\"", false));

    // `null` and malformed origins never reach the async check.
    for origin in ["null", "https://tenant.example/"] {
        let head = get_from(origin);
        assert!(matches!(cors.policy().decide(&head), Decision::Rejected(_)), "{origin}");
        assert!(matches!(cors.policy().explain(&head).verdict(), Verdict::Refused(_)));
    }
    assert_eq!(decision(&cors, &get(APP)), "actual");
}

fn verdict_of<'a>(decision: &Decision<'a>) -> Verdict<'a> {
    match decision {
        Decision::NotCors => Verdict::NotCors,
        Decision::Actual(_) | Decision::Preflight(_) => Verdict::Allowed,
        Decision::Rejected(rejected) => Verdict::Refused(rejected.reason()),
        Decision::Deferred(_) => Verdict::Undecided,
        _ => unreachable!("a new kind of decision"),
    }
}

proptest::proptest! {
    /// Any request head, however broken: explain never panics, agrees with
    /// decide, and gives a refusal at least one hint.
    #[test]
    fn explain_never_panics_and_agrees_with_decide(
        method in proptest::sample::select(vec!["GET", "OPTIONS", "PUT", "patch", "*"]),
        origin in proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..40)),
        origin_kind in proptest::sample::select(vec![
            "https://app.example.com", "http://app.example.com", "https://x.tenants.example",
            "https://tenants.example", "null", "HTTPS://APP.EXAMPLE.COM:99999", "http://[::1]:3",
            "https://[", "https://a:", "https://www.", "",
        ]),
        acrm in proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..12)),
        acrh in proptest::option::of(proptest::sample::select(vec![
            "x-a", "*", " , ,", "x-a, X-B", "authorization", "\u{e9}", "a b",
        ])),
        policy in 0usize..3,
    ) {
        let layer = match policy {
            0 => origin_policy(),
            1 => CorsLayer::permissive(),
            _ => app(|b| b.allow_any_method().allow_any_header().allow_credentials(true).allow_origin_async_predicate(|_, _| async { false })),
        };
        let mut builder = http::Request::builder().method(method).uri("/p");
        let origin_bytes = [origin_kind.as_bytes(), &origin.unwrap_or_default()].concat();
        if let Ok(value) = http::HeaderValue::from_bytes(&origin_bytes) {
            builder = builder.header(header::ORIGIN, value);
        }
        if let Some(Ok(value)) = acrm.map(|m| http::HeaderValue::from_bytes(&m)) {
            builder = builder.header(header::ACCESS_CONTROL_REQUEST_METHOD, value);
        }
        if let Some(Ok(value)) = acrh.map(|h| http::HeaderValue::from_bytes(h.as_bytes())) {
            builder = builder.header(header::ACCESS_CONTROL_REQUEST_HEADERS, value);
        }
        let (head, ()) = builder.body(()).unwrap().into_parts();
        let explanation = layer.policy().explain(&head);
        proptest::prop_assert_eq!(explanation.verdict(), verdict_of(&layer.policy().decide(&head)));
        if matches!(explanation.verdict(), Verdict::Refused(_)) {
            proptest::prop_assert!(!explanation.hints().is_empty(), "{}", explanation);
            proptest::prop_assert!(explanation.reason().is_some());
        }
        let text = explanation.to_string();
        proptest::prop_assert!(text.chars().all(|c| c == '\n' || !c.is_control()), "{:?}", text);
    }
}
