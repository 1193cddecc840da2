//! Classification, origins and predicates, actual responses and Vary.

use super::*;

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
