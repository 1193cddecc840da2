//! DESIGN.md "Request classification": which requests are CORS, which are
//! preflights, and who answers them; and the typed decisions, as tables of
//! (request, `common::decision` in words).

use crate::common::*;
use http::{header, Method, StatusCode};
use tower_cors::CorsLayer;

const ACRM: (&str, &str) = ("access-control-request-method", "PUT");

/// Asserts `decision` for each `(request, expected)` row under `layer`.
#[track_caller]
fn decides<S: AsRef<str>>(name: &str, layer: &CorsLayer, rows: Vec<(http::Request<String>, S)>) {
    for (req, want) in rows {
        let head = format!("{} {:?}", req.method(), req.headers());
        assert_eq!(decision(layer, &req), want.as_ref(), "{name}: {head}");
    }
}

#[test]
#[rustfmt::skip]
fn classification_decides_not_cors_actual_request_or_preflight() {
    decides("any origin", &CorsLayer::permissive(), vec![
        (request(Method::GET, &[]), "not cors"),
        (request(Method::OPTIONS, &[ACRM]), "not cors"),
        (request(Method::OPTIONS, &[("origin", APP)]), "actual"),
        (request(Method::OPTIONS, &[("origin", APP), ACRM]), "preflight"),
        // With Origin, anything but OPTIONS is an actual request, ACRM or not.
        (request(Method::GET, &[("origin", APP), ACRM]), "actual"),
    ]);
}

#[tokio::test]
#[rustfmt::skip]
async fn who_answers_depends_on_the_classification() {
    let rows: Vec<Row> = vec![
        ("no Origin passes through untouched, with Vary", layer(), actual(Method::GET, None), &[("x-inner", "1")], "inner",
            vec![("access-control-*", ABSENT), ("x-inner", "1"), (VARY, "origin")]),
        ("OPTIONS without Origin is not CORS", layer(), request(Method::OPTIONS, &[ACRM]), &[], "inner",
            vec![("access-control-*", ABSENT)]),
        ("a preflight is answered by the layer", layer(), preflight(APP, "PUT", None), &[("x-inner", "1")], "204",
            vec![("x-inner", ABSENT), (ACAO, APP)]),
        ("OPTIONS with Origin but no request method reaches the inner service, decorated", layer(),
            actual(Method::OPTIONS, Some(APP)), &[("allow", "GET, PUT")], "inner",
            vec![("allow", "GET, PUT"), (ACAO, APP), (ACAM, ABSENT)]),
        ("GET with Origin", layer(), get(APP), &[], "inner", vec![(ACAO, APP), (VARY, "origin")]),
        ("POST with Origin", layer(), actual(Method::POST, Some(APP)), &[], "inner", vec![(ACAO, APP), (VARY, "origin")]),
        ("PUT with Origin", layer(), actual(Method::PUT, Some(APP)), &[], "inner", vec![(ACAO, APP), (VARY, "origin")]),
        ("DELETE with Origin", layer(), actual(Method::DELETE, Some(APP)), &[], "inner", vec![(ACAO, APP), (VARY, "origin")]),
        ("GET with Origin and ACRM", layer(), request(Method::GET, &[("origin", APP), ACRM]), &[], "inner", vec![(ACAO, APP)]),
        ("PUT with Origin and ACRM", layer(), request(Method::PUT, &[("origin", APP), ACRM]), &[], "inner", vec![(ACAO, APP)]),
        ("POST with Origin and ACRM", layer(), request(Method::POST, &[("origin", APP), ACRM]), &[], "inner", vec![(ACAO, APP)]),
        ("DELETE with Origin and ACRM", layer(), request(Method::DELETE, &[("origin", APP), ACRM]), &[], "inner", vec![(ACAO, APP)]),
    ];
    expect_rows(rows).await;
}

#[tokio::test]
async fn request_without_origin_gets_star_and_no_vary_when_every_origin_gets_star() {
    let permissive = CorsLayer::permissive();
    let (res, calls) =
        run_with(&permissive, actual(Method::GET, None), StatusCode::CREATED, &[("x-inner", "1")])
            .await;
    let got = (calls, res.status(), res.body().as_str());
    assert_eq!(got, (1, StatusCode::CREATED, "inner"));
    // A cached copy must also serve a later fetch() (Fetch, "CORS protocol
    // and HTTP caches").
    let want = [("x-inner", "1"), (ACAO, "*"), (ACEH, "*"), (VARY, ABSENT)];
    assert_lines("no Origin, any origin", res.headers(), &want);
}

#[test]
#[rustfmt::skip]
fn rejections_name_the_origin_method_or_header() {
    let layer = app(|b| b.allow_methods([Method::PUT]).allow_headers([header::CONTENT_TYPE]));
    let reason = |req: http::Request<String>| {
        let (head, _) = req.into_parts();
        match layer.policy().decide(&head) {
            tower_cors::Decision::Rejected(r) => r.reason().to_string(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(reason(preflight(EVIL, "PUT", None)), "origin \"https://evil.example\" is not allowed");
    assert_eq!(reason(preflight(APP, "put", None)), "method \"put\" is not allowed");
    assert_eq!(reason(preflight(APP, "PUT", Some("content-type, x-secret"))), "request header \"x-secret\" is not allowed");
}

#[test]
#[rustfmt::skip]
fn methods_compare_case_sensitively_but_safelisted_methods_are_always_allowed() {
    let refused = |m: &str| format!("Preflight refused: MethodNotAllowed({m:?})");
    let patch = app(|b| b.allow_methods([Method::PATCH]));
    let mut rows = vec![(preflight(APP, "PATCH", None), "preflight".to_owned()), (preflight(APP, "patch", None), refused("patch"))];
    rows.extend(["GET", "HEAD", "POST"].map(|m| (preflight(APP, m, None), "preflight".to_owned())));
    decides("PATCH", &patch, rows);
    // Fetch "CORS-safelisted method": byte-exact, so `get` is not GET.
    let mut rows: Vec<_> = ["GET", "HEAD", "POST", "PUT"].map(|m| (preflight(APP, m, None), "preflight".to_owned())).into();
    rows.extend(["DELETE", "PATCH", "OPTIONS", "get", "put"].map(|m| (preflight(APP, m, None), refused(m))));
    decides("PUT", &layer(), rows);
}

#[test]
#[rustfmt::skip]
fn requested_headers_match_case_insensitively_and_authorization_only_when_listed() {
    let refused = |h: &str| format!("Preflight refused: HeaderNotAllowed({h:?})");
    let listed = app(|b| b.allow_headers([http::HeaderName::from_static("x-custom"), header::AUTHORIZATION]));
    let mut rows: Vec<_> = ["X-Custom", "x-custom", "X-CUSTOM, Authorization"]
        .map(|h| (preflight(APP, "GET", Some(h)), "preflight".to_owned())).into();
    // A prefix of an allowed name is another name.
    rows.push((preflight(APP, "GET", Some("x-custo")), refused("x-custo")));
    decides("x-custom and authorization", &listed, rows);
    let content_type = app(|b| b.allow_headers([header::CONTENT_TYPE]));
    decides("content-type", &content_type, vec![
        (preflight(APP, "POST", Some("content-type, x-bad")), refused("x-bad")),
        (preflight(APP, "GET", Some("authorization")), refused("authorization")),
        (preflight(EVIL, "GET", None), r#"Preflight refused: OriginNotAllowed("https://evil.example")"#.into()),
    ]);
}

#[test]
#[rustfmt::skip]
fn requested_header_lists_tolerate_whitespace_empty_items_and_several_lines() {
    let layer = app(|b| b.allow_headers([http::HeaderName::from_static("x-a"), http::HeaderName::from_static("x-b")]));
    let mut rows: Vec<_> = ["x-a,x-b", " x-a , x-b ", "x-a,,x-b,", ",x-a", "\tx-a,\tx-b\t", "", " , ,"]
        .map(|h| (preflight(APP, "GET", Some(h)), "preflight")).into();
    rows.push((with(preflight(APP, "GET", Some("x-a")), &[("access-control-request-headers", " x-b ,")]), "preflight"));
    decides("x-a and x-b", &layer, rows);
}
