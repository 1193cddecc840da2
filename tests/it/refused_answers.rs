//! Responses to refused requests that still carry the policy's answer: a
//! preflight from an allowed origin asking for a method or header the policy
//! lacks, and, under any-origin, every response (requests without `Origin`
//! included).

use std::time::Duration;

use crate::common::*;
use http::{header, HeaderName, Method, StatusCode};
use tower_cors::{CorsLayer, Decision, Rejection};

/// The Fetch standard's check of a preflight answer (CORS-preflight fetch,
/// steps 7.3–7.7) as a browser runs it: whether the real request may go.
fn browser_accepts(
    answer: &http::HeaderMap,
    status: StatusCode,
    method: &str,
    requested: &[&str],
    credentials: bool,
) -> bool {
    if !status.is_success() {
        return false;
    }
    let origin_ok = answer.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_some();
    let credentials_ok = !credentials
        || answer
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .map(|v| v == "true")
            == Some(true);
    let methods = tokens_as_sent(answer, "access-control-allow-methods");
    let headers = tokens(answer, "access-control-allow-headers");
    let star = |list: &[String]| !credentials && list.iter().any(|m| m == "*");
    let method_ok = matches!(method, "GET" | "HEAD" | "POST")
        || methods.iter().any(|m| m == method)
        || star(&methods);
    let headers_ok = requested.iter().all(|name| {
        let name = name.to_ascii_lowercase();
        headers.contains(&name) || (star(&headers) && name != "authorization")
    });
    origin_ok && credentials_ok && method_ok && headers_ok
}

/// Items of a header as sent (methods are case-sensitive).
fn tokens_as_sent(headers: &http::HeaderMap, name: &str) -> Vec<String> {
    values(headers, name)
        .iter()
        .flat_map(|v| {
            v.split(',')
                .map(|t| t.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn listed(credentials: bool) -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT, Method::from_bytes(b"PATCH").unwrap()])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-ok")])
        .allow_credentials(credentials)
        .max_age(Duration::from_secs(600))
        .preflight_status(StatusCode::OK)
        .build()
        .unwrap()
}

#[tokio::test]
async fn allowed_origin_asking_for_an_unlisted_method_or_header_gets_the_policys_answer() {
    let layer = listed(true);
    // (method, requested headers, refusal)
    let cases = [
        ("DELETE", None, Rejection::MethodNotAllowed("DELETE")),
        ("patch", None, Rejection::MethodNotAllowed("patch")),
        (
            "PUT",
            Some("x-ok, x-evil"),
            Rejection::HeaderNotAllowed("x-evil"),
        ),
        (
            "GET",
            Some("authorization"),
            Rejection::HeaderNotAllowed("authorization"),
        ),
    ];
    for (method, requested, refusal) in cases {
        let request = preflight(APP, method, requested);
        let (head, _) = request.clone().into_parts();
        let Decision::Rejected(rejected) = layer.policy().decide(&head) else {
            panic!("{method} {requested:?}: not rejected");
        };
        assert_eq!(rejected.reason(), refusal);

        let (res, calls) = run(&layer, request, &[("access-control-allow-origin", "*")]).await;
        assert_eq!(
            calls, 0,
            "{method} {requested:?}: the inner service is not called"
        );
        assert_eq!(res.status(), StatusCode::OK, "{method} {requested:?}");
        let h = res.headers();
        assert_eq!(values(h, "access-control-allow-origin"), [APP]);
        assert_eq!(values(h, "access-control-allow-credentials"), ["true"]);
        assert_eq!(values(h, "access-control-allow-methods"), ["PUT, PATCH"]);
        assert_eq!(
            values(h, "access-control-allow-headers"),
            ["content-type, x-ok"]
        );
        assert_eq!(values(h, "access-control-max-age"), ["600"]);
        assert_eq!(
            vary_tokens(h),
            [
                "origin",
                "access-control-request-method",
                "access-control-request-headers"
            ]
        );
        assert!(res.body().is_empty());
        let names: Vec<&str> = requested.map_or(vec![], |r| r.split(", ").collect());
        assert!(
            !browser_accepts(h, res.status(), method, &names, true),
            "{method} {requested:?}: {h:?}"
        );
    }
}

#[tokio::test]
async fn disallowed_origins_and_malformed_preflights_keep_the_bare_403() {
    let layer = listed(true);
    for request in [
        preflight("https://evil.example", "PUT", None),
        preflight("https://evil.example", "DELETE", Some("x-evil")),
        preflight("null", "DELETE", None),
        preflight(APP, "NOT A TOKEN", None),
        preflight(APP, "PUT", Some("x-ok;")),
        preflight("https://app.example.com/", "DELETE", None),
    ] {
        let (res, calls) = run(&layer, request, &[]).await;
        assert_eq!(calls, 0);
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!has_cors_headers(res.headers()), "{:?}", res.headers());
    }
}

/// Any method or header with credentials mirrors the request when allowed;
/// refused, it mirrors only what the policy allows, never the `*` browsers
/// would read literally.
#[tokio::test]
async fn mirrored_answers_never_cover_the_refused_star() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, calls) = run(&layer, preflight(APP, "*", Some("x-a")), &[]).await;
    assert_eq!((res.status(), calls), (StatusCode::NO_CONTENT, 0));
    assert_eq!(values(res.headers(), "access-control-allow-origin"), [APP]);
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_METHODS)
        .is_none());
    assert!(!browser_accepts(
        res.headers(),
        res.status(),
        "*",
        &["x-a"],
        true
    ));

    let (res, _) = run(&layer, preflight(APP, "PATCH", Some("x-a, *, x-b")), &[]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        values(res.headers(), "access-control-allow-methods"),
        ["PATCH"]
    );
    assert_eq!(
        values(res.headers(), "access-control-allow-headers"),
        ["x-a, x-b"]
    );
    assert!(!browser_accepts(
        res.headers(),
        res.status(),
        "PATCH",
        &["x-a", "*", "x-b"],
        true
    ));

    let (res, _) = run(&layer, preflight(APP, "PUT", Some("*")), &[]).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .is_none());
    assert_eq!(
        values(res.headers(), "access-control-allow-methods"),
        ["PUT"]
    );
}

/// Whatever the policy and the request, a refused preflight's answer fails
/// the browser's own check, and an allowed one passes it.
#[tokio::test]
async fn no_refused_answer_lets_the_browser_through() {
    let policies = [
        CorsLayer::permissive(),
        listed(false),
        listed(true),
        CorsLayer::builder().allow_origins([APP]).build().unwrap(),
        CorsLayer::builder()
            .allow_any_origin()
            .allow_methods([Method::PUT])
            .build()
            .unwrap(),
        CorsLayer::builder()
            .allow_any_origin()
            .allow_headers([HeaderName::from_static("x-ok")])
            .build()
            .unwrap(),
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_any_method()
            .allow_any_header()
            .allow_credentials(true)
            .build()
            .unwrap(),
    ];
    let methods = [
        "GET", "POST", "PUT", "put", "PATCH", "patch", "DELETE", "*", "X-CUSTOM",
    ];
    let header_lists: [&[&str]; 7] = [
        &[],
        &["x-ok"],
        &["content-type"],
        &["x-evil"],
        &["x-ok", "authorization"],
        &["*"],
        &["X-OK", "x-evil"],
    ];
    for (p, layer) in policies.iter().enumerate() {
        let credentials = layer.policy().allows_credentials();
        for method in methods {
            for names in header_lists {
                let requested = (!names.is_empty()).then(|| names.join(", "));
                let request = preflight(APP, method, requested.as_deref());
                let (head, _) = request.clone().into_parts();
                let allowed = matches!(layer.policy().decide(&head), Decision::Preflight(_));
                let (res, calls) = run(layer, request, &[]).await;
                assert_eq!(calls, 0);
                assert_eq!(
                    browser_accepts(res.headers(), res.status(), method, names, credentials),
                    allowed,
                    "policy {p}, {method} {names:?}: {:?}",
                    res.headers()
                );
            }
        }
    }
}

#[tokio::test]
async fn any_origin_puts_star_and_exposed_headers_on_responses_without_origin() {
    let layer = CorsLayer::builder()
        .allow_any_origin()
        .expose_headers([HeaderName::from_static("x-total")])
        .build()
        .unwrap();
    for method in [Method::GET, Method::POST, Method::OPTIONS] {
        let (res, calls) = run(
            &layer,
            actual(method.clone(), None),
            &[("access-control-allow-origin", "https://stale.example")],
        )
        .await;
        assert_eq!(calls, 1);
        assert_eq!(
            values(res.headers(), "access-control-allow-origin"),
            ["*"],
            "{method}"
        );
        assert_eq!(
            values(res.headers(), "access-control-expose-headers"),
            ["x-total"]
        );
        assert!(res.headers().get(header::VARY).is_none());
        assert!(res
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none());
    }
    let (res, _) = run(&CorsLayer::permissive(), actual(Method::GET, None), &[]).await;
    assert_eq!(values(res.headers(), "access-control-allow-origin"), ["*"]);
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["*"]
    );
}

#[tokio::test]
async fn listed_origins_add_only_vary_to_responses_without_origin() {
    let (res, calls) = run(&listed(true), actual(Method::GET, None), &[]).await;
    assert_eq!(calls, 1);
    assert!(!has_cors_headers(res.headers()), "{:?}", res.headers());
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

/// Under any-origin a malformed `Origin` still gets no CORS headers, but
/// `Vary: Origin`: a shared cache must not serve that response to browsers.
#[tokio::test]
async fn any_origin_refusals_vary_by_origin() {
    let (res, calls) = run(
        &CorsLayer::permissive(),
        actual(Method::GET, Some("not an origin")),
        &[],
    )
    .await;
    assert_eq!(calls, 1);
    assert!(!has_cors_headers(res.headers()));
    assert_eq!(vary_tokens(res.headers()), ["origin"]);
}

#[tokio::test]
async fn an_origin_the_async_check_allows_gets_the_policys_answer_for_a_refused_method() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_async_predicate(|origin, _| {
            let ok = origin == "https://tenant.example";
            async move { ok }
        })
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    let (res, calls) = run(
        &layer,
        preflight("https://tenant.example", "DELETE", None),
        &[],
    )
    .await;
    assert_eq!((res.status(), calls), (StatusCode::NO_CONTENT, 0));
    assert_eq!(
        values(res.headers(), "access-control-allow-origin"),
        ["https://tenant.example"]
    );
    assert_eq!(
        values(res.headers(), "access-control-allow-methods"),
        ["PUT"]
    );
    let (res, _) = run(
        &layer,
        preflight("https://evil.example", "DELETE", None),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!has_cors_headers(res.headers()));
}
