//! DESIGN.md "Response rules": what each response carries, as tables of
//! (what the row pins, policy, request, inner service's headers, who answers,
//! header lines the response must have); see `common::expect`. Origin
//! matching, the first rule, is pinned with the advisories in
//! `cve_regressions.rs`.

use std::time::Duration;

use crate::common::*;
use http::{header, HeaderName, Method, StatusCode};
use tower_cors::CorsLayer;

fn exact() -> CorsLayer {
    app(|b| b)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

/// A preflight from APP for GET asking for Private Network Access.
fn pna(origin: &str) -> http::Request<String> {
    with(preflight(origin, "GET", None), &[(ACRPN, "true")])
}

#[rustfmt::skip]
fn actual_rows() -> Vec<Row> {
    let stale = &[(ACAO, "*"), (ACAO, "https://other.example"), (ACAC, "false"), (ACEH, "x-secret")];
    vec![
        ("any origin without credentials: `*`, no Vary", CorsLayer::permissive(), get(APP), &[], "inner",
            vec![(ACAO, "*"), (VARY, ABSENT), (ACAC, ABSENT)]),
        ("an exact origin is echoed", exact(), get(APP), &[], "inner", vec![(ACAO, APP), (VARY, "origin")]),
        ("a pattern with credentials echoes the origin",
            policy(&["https://*.example.com"], |b| b.allow_credentials(true)), get("https://x.example.com"), &[], "inner",
            vec![(ACAO, "https://x.example.com"), (ACAC, "true")]),
        ("the inner service's CORS headers are replaced, never duplicated",
            app(|b| b.allow_credentials(true).expose_headers([h("x-request-id")])), get(APP), stale, "inner",
            vec![(ACAO, APP), (ACAC, "true"), (ACEH, "x-request-id")]),
        ("the inner service's CORS headers the policy lacks are dropped", exact(), get(APP),
            &[(ACAO, "https://other.example"), (ACAC, "true"), (ACEH, "x-secret"), ("x-inner", "1")], "inner",
            vec![(ACAO, APP), (ACAC, ABSENT), (ACEH, ABSENT), ("x-inner", "1"), (VARY, "origin")]),
        ("without inner CORS headers, exactly the policy's",
            app(|b| b.allow_credentials(true).expose_headers([h("x-request-id")])), get(APP), &[("x-inner", "1")], "inner",
            vec![(ACAO, APP), (ACAC, "true"), (ACEH, "x-request-id"), (ACAM, ABSENT), (ACAH, ABSENT), (ACMA, ABSENT), (ACAPN, ABSENT)]),
        ("any origin replaces the inner service's ACAO lines with one `*`",
            CorsLayer::builder().allow_any_origin().build().unwrap(), get("https://whoever.example"),
            &[(ACAO, "https://whoever.example"), (ACAO, "https://x.example")], "inner", vec![(ACAO, "*"), (ACAC, ABSENT)]),
        ("credentials: the origin echoed and ACAC `true` once", app(|b| b.allow_credentials(true)), get(APP), &[(ACAC, "true"), (ACAO, "*")], "inner",
            vec![(ACAO, APP), (ACAC, "true")]),
        ("no credentials: an inner ACAC `false` is dropped", exact(), get(APP), &[(ACAC, "false")], "inner", vec![(ACAC, ABSENT), (ACAO, APP)]),
        ("no credentials: an inner ACAC `TRUE` is dropped", exact(), get(APP), &[(ACAC, "TRUE")], "inner", vec![(ACAC, ABSENT), (ACAO, APP)]),
        ("exposed headers are listed in order", app(|b| b.expose_headers([h("x-request-id"), h("etag")])), get(APP), &[], "inner",
            vec![(ACEH, "x-request-id, etag")]),
        ("expose any without credentials: `*` (permissive)", CorsLayer::permissive(), get(APP), &[("x-a", "1")], "inner", vec![(ACEH, "*")]),
        ("expose any without credentials: `*`", app(|b| b.expose_any_header()), get(APP), &[("x-a", "1")], "inner", vec![(ACEH, "*")]),
        ("expose any with credentials: the response's own names, not safelisted ones or Set-Cookie",
            app(|b| b.allow_credentials(true).expose_any_header()), get(APP),
            &[("x-a", "1"), ("content-type", "text/plain"), ("set-cookie", "a=b"), ("etag", "\"1\"")], "inner",
            vec![(ACEH, "x-a, etag")]),
        ("a rejected origin keeps the inner Vary and adds origin once", exact(), get(EVIL), &[(VARY, "Accept-Encoding, Origin")], "inner",
            vec![(VARY, "accept-encoding, origin")]),
        ("a predicate allows, the origin is echoed with Vary",
            app(|b| b.allow_origin_predicate(|o, _| o.as_bytes() == b"https://tenant.example.org")), get("https://tenant.example.org"), &[], "inner",
            vec![(ACAO, "https://tenant.example.org"), (VARY, "origin")]),
        ("a predicate refuses: the inner CORS headers are stripped",
            policy(&[], |b| b.allow_origin_predicate(|o, _| o.as_bytes().ends_with(b".trusted.example")).allow_credentials(true)),
            get(EVIL), &[(ACAO, EVIL), (ACAC, "true")], "inner", vec![(ACAO, ABSENT), (ACAC, ABSENT), (VARY, "origin")]),
    ]
}

#[tokio::test]
async fn actual_responses_carry_the_policy_s_headers_and_replace_the_inner_service_s() {
    expect_rows(actual_rows()).await;
}

#[rustfmt::skip]
fn vary_rows() -> Vec<Row> {
    let merged = |case, inner, want| -> Row { (case, exact(), get(APP), inner, "inner", vec![(VARY, want)]) };
    vec![
        merged("no inner Vary", &[], "origin"),
        merged("an inner token", &[(VARY, "Accept-Encoding")], "accept-encoding, origin"),
        merged("an inner Origin", &[(VARY, "Origin")], "origin"),
        merged("an inner ORIGIN", &[(VARY, "ORIGIN")], "origin"),
        merged("an inner Origin after another token", &[(VARY, "accept, origin")], "accept, origin"),
        merged("an inner Origin before another token", &[(VARY, "Origin, Accept")], "origin, accept"),
        merged("an inner Origin on a second line", &[(VARY, "accept"), (VARY, "origin")], "accept, origin"),
        merged("two inner lines", &[(VARY, "accept"), (VARY, "cookie")], "accept, cookie, origin"),
        merged("a token containing origin", &[(VARY, "x-origin")], "x-origin, origin"),
        merged("a token starting with origin", &[(VARY, "origins")], "origins, origin"),
        merged("`*` already covers Origin", &[(VARY, "*")], "*"),
        ("no Origin: the inner lines and origin", exact(), actual(Method::GET, None), &[(VARY, "accept"), (VARY, "cookie")], "inner",
            vec![(VARY, "accept, cookie, origin")]),
        ("no Origin: an inner token and origin", exact(), actual(Method::GET, None), &[(VARY, "Accept-Encoding")], "inner",
            vec![(VARY, "accept-encoding, origin")]),
        ("no Origin: an inner Origin once", exact(), actual(Method::GET, None), &[(VARY, "Origin")], "inner", vec![(VARY, "origin")]),
        ("no Origin: the inner CORS headers are kept", exact(), actual(Method::GET, None), &[(ACAO, "https://other.example")], "inner",
            vec![(ACAO, "https://other.example")]),
    ]
}

#[tokio::test]
async fn vary_values_of_the_inner_service_are_kept_and_origin_merged_once() {
    expect_rows(vary_rows()).await;
    // Merged into the inner service's own line, its spelling kept.
    for (inner, line) in [
        ("Accept-Encoding", "Accept-Encoding, origin"),
        ("Origin, Accept", "Origin, Accept"),
        ("*", "*"),
    ] {
        let (res, _) = run(&exact(), get(APP), &[("vary", inner)]).await;
        assert_eq!(values(res.headers(), "vary"), [line], "{inner}");
    }
}

#[tokio::test]
async fn rejected_actual_request_gets_no_cors_headers_even_if_the_inner_service_set_them() {
    let inner = [(ACAO, "*"), (ACAC, "true"), (ACEH, "x-secret"), (ACAM, "GET, PUT"), (ACAH, "*")];
    let inner = [&inner[..], &[(ACMA, "600"), (ACAPN, "true"), ("x-inner", "1")]].concat();
    let creds = app(|b| b.allow_credentials(true).expose_headers([h("x-request-id")]));
    for layer in [exact(), creds] {
        let (res, calls) = run_with(&layer, get(EVIL), StatusCode::IM_A_TEAPOT, &inner).await;
        let got = (calls, res.status(), res.body().as_str());
        assert_eq!(got, (1, StatusCode::IM_A_TEAPOT, "inner"));
        let want = [("access-control-*", ABSENT), ("x-inner", "1"), (VARY, "origin")];
        assert_lines("refused origin", res.headers(), &want);
    }
}

#[rustfmt::skip]
fn preflight_rows() -> Vec<Row> {
    let any_header = || app(|b| b.allow_methods([Method::PUT]).allow_any_header());
    let mirror = || app(|b| b.allow_any_method().allow_any_header().allow_credentials(true));
    let any_any = || CorsLayer::builder().allow_any_origin().allow_any_header().build().unwrap();
    let multi_line = with(preflight(APP, "PUT", Some(" a ,,\tb\t, ")), &[("access-control-request-headers", ""), ("access-control-request-headers", "c,d,")]);
    let two_lines = with(preflight(APP, "POST", Some("x-a")), &[("access-control-request-headers", "x-b")]);
    vec![
        ("every configured header, the configured status, an empty body",
            app(|b| b.allow_methods([Method::PUT, Method::DELETE]).allow_headers([header::CONTENT_TYPE, h("x-requested-with")])
                .allow_credentials(true).max_age(secs(600)).preflight_status(StatusCode::OK)),
            preflight(APP, "PUT", Some("content-type,x-requested-with")), &[], "200",
            vec![(ACAO, APP), (ACAC, "true"), (ACAM, "PUT, DELETE"), (ACAH, "content-type, x-requested-with"), (ACMA, "600"), (ACEH, ABSENT)]),
        ("the policy's lists with the request's origin",
            app(|b| b.allow_methods([Method::PUT]).allow_headers([header::CONTENT_TYPE]).max_age(secs(600))),
            preflight(APP, "PUT", Some("Content-Type")), &[("x-inner", "1")], "204",
            vec![(ACAO, APP), (ACAM, "PUT"), (ACAH, "content-type"), (ACMA, "600"), (ACAC, ABSENT), (VARY, PREFLIGHT_VARY), ("x-inner", ABSENT)]),
        // Tomcat CVE-2018-8014's defaults allowed everything.
        ("defaults: 204, the safelisted methods, nothing else", exact(), preflight(APP, "POST", None), &[], "204",
            vec![(ACAM, "GET, HEAD, POST"), (ACAC, ABSENT), (ACAH, ABSENT), (ACMA, ABSENT), (VARY, PREFLIGHT_VARY)]),
        ("Vary lists both request headers under any header", any_header(), preflight(APP, "PUT", Some("x-a")), &[], "204",
            vec![(VARY, PREFLIGHT_VARY)]),
        ("a configured 202", app(|b| b.preflight_status(StatusCode::ACCEPTED)), preflight(APP, "POST", None), &[], "202", vec![(ACAO, APP)]),
        ("max-age 0", app(|b| b.max_age(secs(0))), preflight(APP, "GET", None), &[], "204", vec![(ACMA, "0")]),
        ("max-age 600", app(|b| b.max_age(secs(600))), preflight(APP, "GET", None), &[], "204", vec![(ACMA, "600")]),
        ("max-age 86400", app(|b| b.max_age(secs(86_400))), preflight(APP, "GET", None), &[], "204", vec![(ACMA, "86400")]),
        ("any origin without credentials: `*`", CorsLayer::permissive(), preflight("https://x.example", "PATCH", None), &[], "204",
            vec![(ACAO, "*"), (ACAC, ABSENT), (ACAM, "*")]),
        ("any method without credentials: `*`", app(|b| b.allow_any_method()), preflight(APP, "PATCH", None), &[], "204", vec![(ACAM, "*")]),
        ("any method with credentials: the method echoed", app(|b| b.allow_any_method().allow_credentials(true)),
            preflight(APP, "PATCH", None), &[], "204", vec![(ACAM, "PATCH")]),
        ("any method with credentials: a custom method echoed", app(|b| b.allow_any_method().allow_credentials(true)),
            preflight(APP, "x-custom-method", None), &[], "204", vec![(ACAM, "x-custom-method")]),
        ("any header without credentials: `*`", any_any(), preflight(APP, "GET", Some("x-custom")), &[], "204", vec![(ACAH, "*")]),
        ("any header without credentials: `*` never covers authorization", any_any(),
            preflight(APP, "GET", Some("authorization,x-custom")), &[], "204", vec![(ACAH, "*, authorization")]),
        ("permissive: authorization named", CorsLayer::permissive(), preflight("https://x.example", "GET", Some("authorization")), &[], "204",
            vec![(ACAH, "*, authorization")]),
        ("permissive: Authorization named after another", CorsLayer::permissive(),
            preflight("https://x.example", "GET", Some("x-a, Authorization")), &[], "204", vec![(ACAH, "*, authorization")]),
        ("permissive: AUTHORIZATION named first", CorsLayer::permissive(),
            preflight("https://x.example", "GET", Some("AUTHORIZATION,content-type")), &[], "204", vec![(ACAH, "*, authorization")]),
        ("any method and header with credentials mirror the request", mirror(),
            preflight(APP, "PATCH", Some("authorization,x-custom")), &[], "204",
            vec![(ACAM, "PATCH"), (ACAH, "authorization,x-custom"), (ACAC, "true")]),
        ("mirroring nothing requested: no ACAH", mirror(), preflight(APP, "PUT", None), &[], "204", vec![(ACAH, ABSENT), (ACAO, APP)]),
        ("mirroring lines split on commas, whitespace and empty items dropped",
            app(|b| b.allow_methods([Method::PUT]).allow_any_header().allow_credentials(true)), multi_line, &[], "204",
            vec![(ACAH, "a, b, c, d"), (ACAPN, ABSENT)]),
        ("mirroring two requested lines", app(|b| b.allow_any_header().allow_credentials(true)), two_lines, &[], "204",
            vec![(ACAH, "x-a, x-b")]),
        ("exposed headers are for actual responses only", app(|b| b.expose_headers([h("x-request-id"), h("etag")])),
            preflight(APP, "GET", None), &[], "204", vec![(ACEH, ABSENT)]),
        ("a predicate allows", app(|b| b.allow_origin_predicate(|o, _| o.as_bytes() == b"https://tenant.example.org")),
            preflight("https://tenant.example.org", "GET", None), &[], "204", vec![(ACAO, "https://tenant.example.org")]),
        ("a predicate with credentials allows",
            policy(&[], |b| b.allow_origin_predicate(|o, _| o.as_bytes().ends_with(b".trusted.example")).allow_credentials(true)),
            preflight("https://a.trusted.example", "GET", None), &[], "204", vec![(ACAO, "https://a.trusted.example"), (ACAC, "true")]),
    ]
}

#[tokio::test]
async fn allowed_preflights_are_answered_by_the_layer_with_the_policy_s_headers() {
    expect_rows(preflight_rows()).await;
}

#[rustfmt::skip]
fn refused_preflight_rows() -> Vec<Row> {
    let strict = || app(|b| b.allow_methods([Method::PUT]).allow_headers([h("x-ok")]).allow_credentials(true).max_age(secs(60)));
    let two_origins = with(preflight(APP, "PUT", None), &[("origin", APP)]);
    let stale = &[(ACAO, "*")];
    let none = vec![("access-control-*", ABSENT)];
    vec![
        ("a refused origin", strict(), preflight(EVIL, "PUT", None), stale, "403", none.clone()),
        ("a refused origin asking for more", strict(), preflight(EVIL, "DELETE", Some("x-not-allowed")), stale, "403", none.clone()),
        ("the null origin", strict(), preflight("null", "DELETE", None), stale, "403", none.clone()),
        ("a malformed origin", strict(), preflight("https://app.example.com/", "DELETE", None), stale, "403", none.clone()),
        ("a malformed method", strict(), preflight(APP, "NOT A TOKEN", None), stale, "403", none.clone()),
        ("a malformed header list", strict(), preflight(APP, "PUT", Some("x-ok;")), stale, "403", none.clone()),
        ("two origins", strict(), two_origins, stale, "403", none.clone()),
        ("a predicate refuses",
            policy(&[], |b| b.allow_origin_predicate(|o, _| o.as_bytes().ends_with(b".trusted.example")).allow_credentials(true)),
            preflight(EVIL, "GET", None), &[], "403", none),
    ]
}

#[tokio::test]
async fn preflight_refused_for_origin_or_shape_gets_403_without_cors_headers_or_inner_call() {
    // (Method and header refusals from an allowed origin: refused_answers.rs.)
    expect_rows(refused_preflight_rows()).await;
}

#[rustfmt::skip]
fn private_network_rows() -> Vec<Row> {
    // Flask-CORS CVE-2024-6221 answered every preflight with ACAPN `true`.
    let opted_in = || app(|b| b.allow_private_network(true));
    let any = CorsLayer::builder().allow_any_origin().allow_any_method().allow_any_header().build().unwrap();
    vec![
        ("not opted in", exact(), pna(APP), &[], "204", vec![(ACAPN, ABSENT)]),
        ("not opted in: permissive", CorsLayer::permissive(), pna(APP), &[], "204", vec![(ACAPN, ABSENT)]),
        ("not opted in: any origin, method and header", any, pna(APP), &[], "204", vec![(ACAPN, ABSENT)]),
        ("opted in and asked", opted_in(), pna(APP), &[], "204", vec![(ACAPN, "true"), (ACAO, APP)]),
        ("opted in, not asked", opted_in(), preflight(APP, "GET", None), &[], "204", vec![(ACAPN, ABSENT)]),
        ("opted in, a refused origin", opted_in(), pna(EVIL), &[], "403", vec![("access-control-*", ABSENT)]),
        ("opted in under any origin: the origin echoed, never `*`",
            CorsLayer::builder().allow_any_origin().allow_private_network(true).build().unwrap(), pna("https://public.example"), &[], "204",
            vec![(ACAPN, "true"), (ACAO, "https://public.example")]),
        ("never on an actual response", opted_in(), with(get(APP), &[(ACRPN, "true")]), &[], "inner", vec![(ACAPN, ABSENT)]),
    ]
}

#[tokio::test]
async fn private_network_preflights_get_the_allow_header_only_when_opted_in() {
    expect_rows(private_network_rows()).await;
    let (res, _) = run(&app(|b| b.allow_private_network(true)), pna(APP), &[]).await;
    assert!(vary_tokens(res.headers()).contains(&ACRPN.to_owned()));
}
