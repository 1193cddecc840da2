//! Preflight answers, requested methods and headers, Private Network Access.

use super::*;

// ---------------------------------------------------------------------------
// Preflight answers
// ---------------------------------------------------------------------------

// DESIGN "Public API" preflight_status: the configured 2xx status is used, empty body.
#[tokio::test]
async fn preflight_uses_configured_2xx_status() {
    for status in [StatusCode::OK, StatusCode::ACCEPTED] {
        let layer = CorsLayer::builder()
            .allow_origins([APP])
            .preflight_status(status)
            .build()
            .unwrap();
        let (res, calls) = run(&layer, preflight(APP, "POST", None), &[]).await;
        assert_eq!(calls, 0);
        assert_eq!(res.status(), status);
        assert!(res.body().is_empty());
        assert_eq!(one(res.headers(), ACAO), APP);
    }
}

// DESIGN "Response rules": preflight carries ACAO (echo), ACAM, ACAH, and no ACAC / ACMA when not configured.
#[tokio::test]
async fn preflight_carries_acao_acam_acah_without_acac_or_max_age_by_default() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-trace")])
        .build()
        .unwrap();
    let (res, _) = run(
        &layer,
        preflight(APP, "DELETE", Some("content-type,x-trace")),
        &[],
    )
    .await;
    let h = res.headers();
    assert_eq!(one(h, ACAO), APP);
    assert!(tokens(h, ACAM).contains(&"delete".to_owned()));
    let acah = tokens(h, ACAH);
    assert!(acah.contains(&"content-type".to_owned()), "{acah:?}");
    assert!(acah.contains(&"x-trace".to_owned()), "{acah:?}");
    assert!(h.get(ACAC).is_none());
    assert!(h.get(ACMA).is_none());
    assert_eq!(all(h, ACAM).len(), 1);
    assert_eq!(all(h, ACAH).len(), 1);
}

// DESIGN "Response rules": Access-Control-Max-Age present with the configured whole seconds.
#[tokio::test]
async fn preflight_max_age_is_configured_seconds() {
    for secs in [0u64, 600, 86_400] {
        let layer = CorsLayer::builder()
            .allow_origins([APP])
            .max_age(Duration::from_secs(secs))
            .build()
            .unwrap();
        let (res, _) = run(&layer, preflight(APP, "GET", None), &[]).await;
        assert_eq!(one(res.headers(), ACMA), secs.to_string());
    }
}

// DESIGN "Response rules": ACAO `*` on preflights when any origin allowed and no credentials.
#[tokio::test]
async fn preflight_any_origin_without_credentials_is_star() {
    let layer = CorsLayer::permissive();
    let (res, calls) = run(&layer, preflight("https://x.example", "PATCH", None), &[]).await;
    assert_eq!(calls, 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(res.headers(), ACAO), "*");
    assert!(res.headers().get(ACAC).is_none());
}

// Fetch "CORS-preflight fetch" step (methods): `*` in ACAM is a wildcard only without credentials.
#[tokio::test]
async fn preflight_any_method_is_star_without_credentials_and_echoed_with_credentials() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .build()
        .unwrap();
    let (res, _) = run(&layer, preflight(APP, "PATCH", None), &[]).await;
    let acam = one(res.headers(), ACAM);
    assert!(acam == "*" || acam == "PATCH", "{acam}");

    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(&layer, preflight(APP, "PATCH", None), &[]).await;
    let acam = one(res.headers(), ACAM);
    assert_eq!(acam, "PATCH");
    let (res, _) = run(&layer, preflight(APP, "x-custom-method", None), &[]).await;
    assert_eq!(one(res.headers(), ACAM), "x-custom-method");
}

// DESIGN "Response rules": credentials + any header, requested list spread over two ACRH lines -> all echoed.
#[tokio::test]
async fn preflight_with_credentials_and_any_header_echoes_multi_line_acrh() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let req = request(
        Method::OPTIONS,
        &[
            ("origin", APP.as_bytes()),
            ("access-control-request-method", b"POST"),
            ("access-control-request-headers", b"x-a"),
            ("access-control-request-headers", b"x-b"),
        ],
    );
    let (res, _) = run(&layer, req, &[]).await;
    let t = tokens(res.headers(), ACAH);
    assert!(
        t.contains(&"x-a".to_owned()) && t.contains(&"x-b".to_owned()),
        "{t:?}"
    );
    assert!(!t.contains(&"*".to_owned()));
}

// DESIGN "Response rules" + Fetch "CORS non-wildcard request-header name": `*` never covers Authorization.
#[tokio::test]
async fn preflight_any_header_without_credentials_names_authorization_explicitly() {
    let layer = CorsLayer::permissive();
    for acrh in [
        "authorization",
        "x-a, Authorization",
        "AUTHORIZATION,content-type",
    ] {
        let (res, _) = run(
            &layer,
            preflight("https://x.example", "GET", Some(acrh)),
            &[],
        )
        .await;
        let t = tokens(res.headers(), ACAH);
        assert!(t.contains(&"authorization".to_owned()), "{acrh}: {t:?}");
    }
}

// Fetch "CORS-safelisted method": GET, HEAD, POST are always allowed in a preflight (byte-exact).
#[test]
fn safelisted_methods_always_pass_preflight() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    for m in ["GET", "HEAD", "POST", "PUT"] {
        let (parts, _) = preflight(APP, m, None).into_parts();
        assert!(
            matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
            "{m}"
        );
    }
    for m in ["DELETE", "PATCH", "OPTIONS", "get", "put"] {
        let (parts, _) = preflight(APP, m, None).into_parts();
        match layer.policy().decide(&parts) {
            Decision::Rejected(r) => assert_eq!(r.reason(), Rejection::MethodNotAllowed(m)),
            other => panic!("{m}: {other:?}"),
        }
    }
}

// DESIGN "Public API" decision: a refused header is named in the typed rejection.
#[test]
fn preflight_rejection_names_the_header_not_allowed() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([header::CONTENT_TYPE])
        .build()
        .unwrap();
    let (parts, _) = preflight(APP, "POST", Some("content-type, x-bad")).into_parts();
    match layer.policy().decide(&parts) {
        Decision::Rejected(r) => {
            assert_eq!(r.kind(), RequestKind::Preflight);
            assert_eq!(r.reason(), Rejection::HeaderNotAllowed("x-bad"));
        }
        other => panic!("{other:?}"),
    }
}

// Fetch "CORS-preflight fetch": header names compare byte-case-insensitively.
#[test]
fn preflight_header_names_match_case_insensitively() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([HeaderName::from_static("x-custom"), header::AUTHORIZATION])
        .build()
        .unwrap();
    for acrh in ["X-Custom", "x-custom", "X-CUSTOM, Authorization"] {
        let (parts, _) = preflight(APP, "GET", Some(acrh)).into_parts();
        assert!(
            matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
            "{acrh}"
        );
    }
    // A prefix of an allowed name is another name.
    let (parts, _) = preflight(APP, "GET", Some("x-custo")).into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::HeaderNotAllowed("x-custo")
    ));
}

// Fetch: Authorization needs explicit listing; with a list that lacks it the preflight is refused.
#[test]
fn authorization_must_be_listed_explicitly() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([header::CONTENT_TYPE])
        .build()
        .unwrap();
    let (parts, _) = preflight(APP, "GET", Some("authorization")).into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::HeaderNotAllowed("authorization")
    ));
}

// DESIGN "Response rules": ACRH parsing tolerates whitespace (spaces, tabs) and empty items, multiple lines.
#[test]
fn acrh_tolerates_whitespace_empty_items_and_multiple_lines() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers([
            HeaderName::from_static("x-a"),
            HeaderName::from_static("x-b"),
        ])
        .build()
        .unwrap();
    for acrh in [
        "x-a,x-b",
        " x-a , x-b ",
        "x-a,,x-b,",
        ",x-a",
        "\tx-a,\tx-b\t",
        "",
        " , ,",
    ] {
        let (parts, _) = preflight(APP, "GET", Some(acrh)).into_parts();
        assert!(
            matches!(layer.policy().decide(&parts), Decision::Preflight(_)),
            "{acrh:?}"
        );
    }
    let req = request(
        Method::OPTIONS,
        &[
            ("origin", APP.as_bytes()),
            ("access-control-request-method", b"GET"),
            ("access-control-request-headers", b"x-a"),
            ("access-control-request-headers", b" x-b ,"),
        ],
    );
    let (parts, _) = req.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Preflight(_)
    ));
}

// DESIGN "Response rules": invalid ACRH tokens are a typed rejection, never a panic.
#[tokio::test]
async fn acrh_invalid_token_is_typed_malformed_rejection() {
    let layer = CorsLayer::permissive();
    for acrh in [
        &b"x-a;"[..],
        b"x a",
        b"(x)",
        b"x-a, \"x-b\"",
        b"x/a",
        b"x-a, x:b",
        b"x-\xe9t\xe9",
        b"x@y",
        b"x-a b",
        b"x-ok, x(bad)",
        b"\"quoted\"",
        b"x-a;b",
    ] {
        let req = request(
            Method::OPTIONS,
            &[
                ("origin", b"https://x.example"),
                ("access-control-request-method", b"PUT"),
                ("access-control-request-headers", acrh),
            ],
        );
        let (parts, _) = req.into_parts();
        match layer.policy().decide(&parts) {
            Decision::Rejected(r) => {
                assert_eq!(r.kind(), RequestKind::Preflight, "{acrh:?}");
                assert_eq!(
                    r.reason(),
                    Rejection::Malformed(Malformed::RequestHeaderName),
                    "{acrh:?}"
                );
            }
            other => panic!("{acrh:?}: {other:?}"),
        }
        let (res, calls) = run(&layer, Request::from_parts(parts, String::new()), &[]).await;
        assert_eq!(calls, 0);
        assert!(cors_header_names(res.headers()).is_empty());
    }
}

// DESIGN "Response rules": invalid ACRM token (and repeated ACRM) is a typed rejection, inner not called.
#[tokio::test]
async fn acrm_invalid_token_is_typed_malformed_rejection() {
    let layer = CorsLayer::permissive();
    for acrm in [
        &b"PU T"[..],
        b"",
        b"GET,PUT",
        b"GET, PUT",
        b"P(UT",
        b"\xc3\xa9",
        b"P/UT",
    ] {
        let req = request(
            Method::OPTIONS,
            &[
                ("origin", b"https://x.example"),
                ("access-control-request-method", acrm),
            ],
        );
        let (parts, _) = req.into_parts();
        match layer.policy().decide(&parts) {
            Decision::Rejected(r) => {
                assert_eq!(r.kind(), RequestKind::Preflight, "{acrm:?}");
                assert_eq!(
                    r.reason(),
                    Rejection::Malformed(Malformed::RequestMethod),
                    "{acrm:?}"
                );
            }
            other => panic!("{acrm:?}: {other:?}"),
        }
        let (res, calls) = run(&layer, Request::from_parts(parts, String::new()), &[]).await;
        assert_eq!(calls, 0, "{acrm:?}");
        assert!(cors_header_names(res.headers()).is_empty(), "{acrm:?}");
    }
    let req = request(
        Method::OPTIONS,
        &[
            ("origin", b"https://x.example"),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-method", b"DELETE"),
        ],
    );
    let (parts, _) = req.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if matches!(r.reason(), Rejection::Malformed(_))
    ));
}

// DESIGN "Response rules": non-UTF-8 Origin and two Origin headers are typed rejections (preflight and actual).
#[tokio::test]
async fn non_utf8_and_duplicate_origin_are_typed_rejections() {
    let layer = CorsLayer::permissive();
    let bad = request(
        Method::OPTIONS,
        &[
            ("origin", b"https://\xe9xample.com"),
            ("access-control-request-method", b"PUT"),
        ],
    );
    let (parts, _) = bad.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::Origin)
            && r.kind() == RequestKind::Preflight
    ));
    let (res, calls) = run(&layer, Request::from_parts(parts, String::new()), &[]).await;
    assert_eq!(calls, 0);
    assert!(cors_header_names(res.headers()).is_empty());

    let two = request(
        Method::OPTIONS,
        &[
            ("origin", b"https://a.example"),
            ("origin", b"https://b.example"),
            ("access-control-request-method", b"PUT"),
        ],
    );
    let (parts, _) = two.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::MultipleOrigins)
    ));
    let two_actual = request(
        Method::GET,
        &[
            ("origin", b"https://a.example"),
            ("origin", b"https://a.example"),
        ],
    );
    let (parts, _) = two_actual.into_parts();
    assert!(matches!(
        layer.policy().decide(&parts),
        Decision::Rejected(r) if r.reason() == Rejection::Malformed(Malformed::MultipleOrigins)
            && r.kind() == RequestKind::Actual
    ));
}

// ---------------------------------------------------------------------------
// Private Network Access
// ---------------------------------------------------------------------------

// PNA spec: opted-in policy answers ACRPN: true with ACAPN: true (and a non-`*` ACAO).
#[tokio::test]
async fn private_network_preflight_opt_in_answers_acapn_true() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = preflight(APP, "GET", None);
    req.headers_mut()
        .insert(ACRPN, HeaderValue::from_static("true"));
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 0);
    assert!(res.status().is_success());
    assert_eq!(one(res.headers(), ACAPN), "true");
    assert_eq!(one(res.headers(), ACAO), APP);

    let layer = CorsLayer::builder()
        .allow_any_origin()
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = preflight("https://public.example", "GET", None);
    req.headers_mut()
        .insert(ACRPN, HeaderValue::from_static("true"));
    let (res, _) = run(&layer, req, &[]).await;
    assert_eq!(one(res.headers(), ACAPN), "true");
    assert_eq!(one(res.headers(), ACAO), "https://public.example");
}

// DESIGN "Public API" allow_private_network: opt-in, off by default -> no ACAPN.
#[tokio::test]
async fn private_network_preflight_without_opt_in_has_no_acapn() {
    for layer in [exact(), CorsLayer::permissive()] {
        let mut req = preflight(APP, "GET", None);
        req.headers_mut()
            .insert(ACRPN, HeaderValue::from_static("true"));
        let (res, calls) = run(&layer, req, &[]).await;
        assert_eq!(calls, 0);
        assert!(res.headers().get(ACAPN).is_none());
    }
}

// PNA spec: ACAPN belongs to preflight answers only; an actual response never carries it.
#[tokio::test]
async fn private_network_header_never_on_actual_responses() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = get_from(APP);
    req.headers_mut()
        .insert(ACRPN, HeaderValue::from_static("true"));
    let (res, calls) = run(&layer, req, &[]).await;
    assert_eq!(calls, 1);
    assert!(res.headers().get(ACAPN).is_none());
}
