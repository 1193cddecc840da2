//! `CorsLayer::with_report_only`: the enforced policy decides every
//! response; the candidate decides alongside and is only reported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    actual, app, copy_request, get, only, policy, preflight, run, trial, ACAC, ACAM, ACAO, ACEH,
    ACMA, APP,
};
use http::{header, HeaderName, Method, Request};
use tower_cors::{CorsBuilder, CorsLayer, Rejection, RequestKind, Verdict};

const LEGACY: &str = "https://legacy.example.com";
const NEW: &str = "https://new.example.com";

/// Content-type, credentials, max-age 600.
fn settings(b: CorsBuilder) -> CorsBuilder {
    let b = b.allow_headers([header::CONTENT_TYPE]).allow_credentials(true);
    b.max_age(Duration::from_secs(600))
}

/// Today's policy: APP and LEGACY, PUT, and the settings.
fn today() -> CorsLayer {
    policy(&[APP, LEGACY], |b| settings(b.allow_methods([Method::PUT])))
}

/// The tighter candidate: LEGACY and PUT dropped, NEW added.
fn tighter() -> CorsLayer {
    policy(&[APP, NEW], settings)
}

#[rustfmt::skip]
fn requests() -> Vec<(&'static str, Request<String>)> {
    vec![
        ("GET without Origin", actual(Method::GET, None)), ("GET from APP", get(APP)), ("GET from LEGACY", get(LEGACY)),
        ("GET from NEW", get(NEW)), ("preflight POST from APP", preflight(APP, "POST", Some("content-type"))),
        ("preflight PUT from APP", preflight(APP, "PUT", None)), ("preflight POST from LEGACY", preflight(LEGACY, "POST", None)),
        ("GET from a stranger", get("https://evil.example")), ("GET from a malformed origin", get("not an origin")),
    ]
}

#[tokio::test]
async fn the_candidate_never_changes_a_response_and_one_deciding_alike_reports_nothing() {
    // The tighter candidate decides 5 requests differently (read in the next test).
    for (candidate, reported) in [(tighter(), 5), (today(), 0)] {
        let (layer, reports) = trial(today(), candidate);
        for (name, request) in requests() {
            let (alone, alone_calls) =
                run(&today(), copy_request(&request), &[("x-inner", "1")]).await;
            let (trialled, calls) = run(&layer, request, &[("x-inner", "1")]).await;
            let want = (alone.status(), alone.headers(), alone_calls);
            assert_eq!((trialled.status(), trialled.headers(), calls), want, "{name}");
        }
        assert_eq!(reports.lock().unwrap().len(), reported);
    }
}

#[tokio::test]
#[rustfmt::skip]
async fn each_request_decided_differently_is_reported_once_with_both_verdicts() {
    let (layer, reports) = trial(today(), tighter());
    for (_, request) in requests() {
        run(&layer, request, &[]).await;
    }
    let reports = reports.lock().unwrap().clone();
    let refused = |reason| format!("{:?}", Verdict::Refused(reason));
    let (allowed, origin) = ("Allowed".to_owned(), Rejection::OriginNotAllowed);
    let summary: Vec<_> = reports.iter().map(|r| (r.kind, r.origin.as_str(), r.method.as_str(), r.enforced.clone(), r.candidate.clone())).collect();
    let (actual, preflight) = (RequestKind::Actual, RequestKind::Preflight);
    assert_eq!(summary, [
        (actual, LEGACY, "GET", allowed.clone(), refused(origin(LEGACY))),
        (actual, NEW, "GET", refused(origin(NEW)), allowed.clone()),
        // Both allow it, but the method lists differ.
        (preflight, APP, "OPTIONS", allowed.clone(), allowed.clone()),
        (preflight, APP, "OPTIONS", allowed.clone(), refused(Rejection::MethodNotAllowed("PUT"))),
        (preflight, LEGACY, "OPTIONS", allowed, refused(origin(LEGACY))),
    ], "{reports:#?}");
    assert!(reports.iter().all(|r| r.path == "/api/items"));
    let headers: Vec<_> = reports.iter().map(|r| r.header.as_deref()).collect();
    assert_eq!(headers, [None, None, Some("access-control-allow-methods"), None, None]);
    assert_eq!(reports[0].line, "CORS request GET /api/items from \"https://legacy.example.com\": the enforced policy \
        allows it, the candidate refuses it: origin \"https://legacy.example.com\" is not allowed");
}

#[tokio::test]
async fn both_allowing_with_different_headers_is_reported_naming_the_first_one() {
    let base = || CorsLayer::builder().allow_origins([APP]).allow_methods([Method::PUT]);
    let creds = || base().allow_credentials(true);
    let any = CorsLayer::builder().allow_any_origin().allow_methods([Method::PUT]).build().unwrap();
    let delete = creds().allow_methods([Method::PUT, Method::DELETE]).build().unwrap();
    let (plain, with_creds) = (base().build().unwrap(), creds().build().unwrap());
    // Enforced, candidate.
    #[rustfmt::skip]
    let cases: Vec<(&str, &CorsLayer, CorsLayer, Request<String>, &str)> = vec![
        ("credentials dropped", &with_creds, plain.clone(), get(APP), ACAC),
        ("exposed headers", &with_creds, creds().expose_headers([HeaderName::from_static("x-total")]).build().unwrap(), get(APP), ACEH),
        ("any origin answers *", &with_creds, any.clone(), get(APP), ACAO),
        ("preflight max-age", &with_creds, creds().max_age(Duration::from_secs(5)).build().unwrap(), preflight(APP, "PUT", None), ACMA),
        ("preflight methods", &with_creds, delete, preflight(APP, "PUT", None), ACAM),
        // Preflight answers from one template (same methods, headers,
        // max-age, credentials) still differ per request: `*` or the origin.
        ("preflight origin, one template", &plain, any, preflight(APP, "PUT", None), ACAO),
    ];
    for (name, enforced, candidate, request, header) in cases {
        let (layer, reports) = trial(enforced.clone(), candidate);
        run(&layer, request, &[]).await;
        let report = only(&reports);
        assert_eq!(report.header.as_deref(), Some(header), "{name}");
        assert_eq!((report.enforced.as_str(), report.candidate.as_str()), ("Allowed", "Allowed"));
        let line = format!("both policies allow it, with a different {header}");
        assert!(report.line.ends_with(&line), "{name}: {}", report.line);
    }
}

#[tokio::test]
async fn an_origin_left_to_an_async_predicate_is_reported_undecided_and_the_predicate_not_run() {
    let asked = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&asked);
    let candidate = app(|b| {
        settings(b.allow_methods([Method::PUT])).allow_origin_async_predicate(move |_, _| {
            *counter.lock().unwrap() += 1;
            async { true }
        })
    });
    let (layer, reports) = trial(today(), candidate);
    let (response, _) = run(&layer, get(LEGACY), &[]).await;
    assert_eq!(response.headers()[ACAO], LEGACY);
    run(&layer, get(APP), &[]).await;
    assert_eq!(*asked.lock().unwrap(), 0, "the candidate's predicate never runs");
    let report = only(&reports);
    assert_eq!((report.enforced.as_str(), report.candidate.as_str()), ("Allowed", "Undecided"));
    assert!(report.line.ends_with("the candidate leaves it to its async origin predicate"));
}

#[tokio::test]
async fn an_enforced_async_predicate_still_decides_the_response() {
    let enforced =
        app(|b| b.allow_origin_async_predicate(|origin, _| std::future::ready(origin == LEGACY)));
    let (layer, reports) = trial(enforced, tighter());
    let (response, _) = run(&layer, get(LEGACY), &[]).await;
    assert_eq!(response.headers()[ACAO], LEGACY);
    assert_eq!(only(&reports).enforced, "Undecided");
}

#[tokio::test]
async fn a_trial_composes_with_reload_and_ends_when_replaced_without_a_candidate() {
    let (layer, reports) = trial(today(), tighter());
    assert!(layer.policy().to_string().contains(LEGACY), "a trial shows the enforced policy");
    let (layer, handle) = layer.reloadable();
    let (response, _) = run(&layer, get(LEGACY), &[]).await;
    assert!(response.headers().contains_key(ACAO));
    only(&reports);
    // Promote the candidate: LEGACY is refused now, and nothing is on trial.
    handle.replace(tighter());
    let (response, _) = run(&layer, get(LEGACY), &[]).await;
    assert!(!response.headers().contains_key(ACAO));
    only(&reports);
    assert!(!handle.current().to_string().contains(LEGACY));
}

#[tokio::test]
async fn a_second_trial_replaces_the_first_candidate() {
    let (first, first_reports) = trial(today(), tighter());
    let (layer, reports) = trial(first, today());
    run(&layer, get(LEGACY), &[]).await;
    assert!(first_reports.lock().unwrap().is_empty());
    assert!(reports.lock().unwrap().is_empty());
}
