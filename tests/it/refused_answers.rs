//! Responses to refused requests that still carry the policy's answer: a
//! preflight from an allowed origin asking for a method or header the policy
//! lacks, and, under any-origin, every response (requests without `Origin`
//! included).

use std::time::Duration;

use crate::common::*;
use http::{header, HeaderName, Method, StatusCode};
use tower_cors::CorsLayer;

/// The Fetch standard's check of a preflight answer (CORS-preflight fetch,
/// steps 7.3–7.7) as a browser runs it: whether the real request may go.
fn browser_accepts(
    answer: &http::HeaderMap,
    status: StatusCode,
    method: &str,
    requested: &[&str],
    credentials: bool,
) -> bool {
    // Methods compare case-sensitively: their items as sent.
    let methods = values(answer, ACAM).join(",");
    let methods: Vec<&str> = methods.split(',').map(str::trim).collect();
    let headers = tokens(answer, ACAH);
    let any_method = !credentials && methods.contains(&"*");
    let any_header = !credentials && headers.iter().any(|h| h == "*");
    let method_ok =
        matches!(method, "GET" | "HEAD" | "POST") || methods.contains(&method) || any_method;
    let headers_ok = requested
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .all(|name| headers.contains(&name) || (any_header && name != "authorization"));
    let credentials_ok = !credentials || values(answer, ACAC) == ["true"];
    status.is_success() && answer.contains_key(ACAO) && credentials_ok && method_ok && headers_ok
}

fn listed(credentials: bool) -> CorsLayer {
    app(|b| {
        b.allow_methods([Method::PUT, Method::from_bytes(b"PATCH").unwrap()])
            .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-ok")])
            .allow_credentials(credentials)
            .max_age(Duration::from_secs(600))
            .preflight_status(StatusCode::OK)
    })
}

#[tokio::test]
async fn allowed_origin_asking_for_an_unlisted_method_or_header_gets_the_policys_answer() {
    let layer = listed(true);
    let answer = [(ACAO, APP), (ACAC, "true"), (ACAM, "PUT, PATCH"), (ACAH, "content-type, x-ok")];
    let answer = [&answer[..], &[(ACMA, "600"), (VARY, PREFLIGHT_VARY)]].concat();
    for (method, requested, refusal) in [
        ("DELETE", None, r#"MethodNotAllowed("DELETE")"#),
        ("patch", None, r#"MethodNotAllowed("patch")"#),
        ("PUT", Some("x-ok, x-evil"), r#"HeaderNotAllowed("x-evil")"#),
        ("GET", Some("authorization"), r#"HeaderNotAllowed("authorization")"#),
    ] {
        let case = format!("{method} {requested:?}");
        let request = preflight(APP, method, requested);
        assert_eq!(decision(&layer, &request), format!("Preflight refused: {refusal}"), "{case}");
        let res = expect(&case, &layer, request, &[(ACAO, "*")], "200", &answer).await;
        let names: Vec<&str> = requested.map_or(vec![], |r| r.split(", ").collect());
        let accepted = browser_accepts(res.headers(), res.status(), method, &names, true);
        assert!(!accepted, "{case}: {:?}", res.headers());
    }
}

/// Found by the `policy_decide` fuzz target: `*` is a valid method token
/// and header name, so "any" under credentials echoed a requested `*`
/// next to `Access-Control-Allow-Credentials: true`. Browsers read it
/// literally there, but it broke the rule that no credentialed answer
/// carries `*`, which reviewers and scanners rely on. Refused, the allowed
/// origin gets the policy's answer: it mirrors what the policy allows only.
#[tokio::test]
async fn a_method_or_header_literally_named_star_is_refused_under_credentials() {
    let layer = app(|b| b.allow_any_method().allow_any_header().allow_credentials(true));
    // (method, requested headers, refusal, lines of the answer)
    #[rustfmt::skip]
    let rows: [(&str, Option<&str>, &str, &[Line]); 6] = [
        ("*", None, r#"MethodNotAllowed("*")"#, &[(ACAO, APP), (ACAC, "true"), (ACAM, ABSENT)]),
        ("*", Some("x-a"), r#"MethodNotAllowed("*")"#, &[(ACAO, APP), (ACAM, ABSENT)]),
        ("PUT", Some("*"), r#"HeaderNotAllowed("*")"#, &[(ACAC, "true"), (ACAM, "PUT"), (ACAH, ABSENT)]),
        ("PUT", Some("x-a, *"), r#"HeaderNotAllowed("*")"#, &[(ACAC, "true"), (ACAH, "x-a")]),
        ("PATCH", Some("x-a, *, x-b"), r#"HeaderNotAllowed("*")"#, &[(ACAM, "PATCH"), (ACAH, "x-a, x-b")]),
        // The regression input itself, as the fuzzer found it.
        ("GET", Some("*"), r#"HeaderNotAllowed("*")"#, &[(ACAH, ABSENT)]),
    ];
    for (method, requested, refusal, want) in rows {
        let case = format!("{method} {requested:?}");
        let req = preflight(APP, method, requested);
        assert_eq!(decision(&layer, &req), format!("Preflight refused: {refusal}"), "{case}");
        let res = expect(&case, &layer, req, &[], "204", want).await;
        for name in [ACAM, ACAH] {
            let star = tokens(res.headers(), name).contains(&"*".to_owned());
            assert!(!star, "{case}: {name} in {:?}", res.headers());
        }
        let names: Vec<&str> = requested.map_or(vec![], |r| r.split(", ").collect());
        assert!(!browser_accepts(res.headers(), res.status(), method, &names, true), "{case}");
    }
}

/// Whatever the policy and the request, a refused preflight's answer fails
/// the browser's own check, and an allowed one passes it.
#[tokio::test]
async fn no_refused_answer_lets_the_browser_through() {
    let any = || CorsLayer::builder().allow_any_origin();
    let policies = [
        CorsLayer::permissive(),
        listed(false),
        listed(true),
        app(|b| b),
        any().allow_methods([Method::PUT]).build().unwrap(),
        any().allow_headers([HeaderName::from_static("x-ok")]).build().unwrap(),
        app(|b| b.allow_any_method().allow_any_header().allow_credentials(true)),
    ];
    let methods = ["GET", "POST", "PUT", "put", "PATCH", "patch", "DELETE", "*", "X-CUSTOM"];
    #[rustfmt::skip]
    let header_lists: [&[&str]; 7] = [&[], &["x-ok"], &["content-type"], &["x-evil"], &["x-ok", "authorization"], &["*"], &["X-OK", "x-evil"]];
    for (p, layer) in policies.iter().enumerate() {
        let credentials = layer.policy().allows_credentials();
        for method in methods {
            for names in header_lists {
                let requested = (!names.is_empty()).then(|| names.join(", "));
                let request = preflight(APP, method, requested.as_deref());
                let allowed = decision(layer, &request) == "preflight";
                let (res, calls) = run(layer, request, &[]).await;
                let accepted =
                    browser_accepts(res.headers(), res.status(), method, names, credentials);
                assert_eq!((calls, accepted), (0, allowed), "policy {p}, {method} {names:?}");
            }
        }
    }
}

/// Under any-origin a malformed `Origin` still gets no CORS headers, but
/// `Vary: Origin`: a shared cache must not serve it to browsers. (Without
/// `Origin`, a listed policy adds only `Vary`: classification.rs.)
#[tokio::test]
#[rustfmt::skip]
async fn any_origin_answers_every_request_without_origin_but_not_a_malformed_one() {
    let exposing = CorsLayer::builder().allow_any_origin().expose_headers([HeaderName::from_static("x-total")]).build().unwrap();
    let star = [(ACAO, "*"), (ACEH, "x-total"), (VARY, ABSENT), (ACAC, ABSENT)];
    for method in [Method::GET, Method::POST, Method::OPTIONS] {
        let stale = &[(ACAO, "https://stale.example")];
        expect(&format!("{method} without Origin"), &exposing, actual(method.clone(), None), stale, "inner", &star).await;
    }
    let none = [("access-control-*", ABSENT), (VARY, "origin")];
    let malformed = get("not an origin");
    expect("malformed Origin", &CorsLayer::permissive(), malformed, &[], "inner", &none).await;
}

#[tokio::test]
async fn an_origin_the_async_check_allows_gets_the_policys_answer_for_a_refused_method() {
    let tenant =
        |origin: &http::HeaderValue, _: &_| std::future::ready(origin == "https://tenant.example");
    let layer = app(|b| b.allow_origin_async_predicate(tenant).allow_methods([Method::PUT]));
    let tenant = preflight("https://tenant.example", "DELETE", None);
    let want = [(ACAO, "https://tenant.example"), (ACAM, "PUT")];
    expect("tenant", &layer, tenant, &[], "204", &want).await;
    let none = [("access-control-*", ABSENT)];
    expect("evil", &layer, preflight(EVIL, "DELETE", None), &[], "403", &none).await;
}
