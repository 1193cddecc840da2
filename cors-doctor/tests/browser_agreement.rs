//! cors-doctor's verdicts equal headless Chromium's on the same scenarios.
//!
//! Api servers on `http://api.localhost:PORT` use tower-cors policies (and
//! one answers by hand, for the failures tower-cors refuses to produce). A
//! page on `http://app.localhost:PORT` runs each scenario's `fetch()` in
//! Chromium; cors-doctor runs the same request against the same server.
//! For each scenario: allowed by both, or blocked by both with Chromium's
//! console line containing the message cors-doctor predicts for the failed
//! check; when allowed, the header names a script can read are the same.

mod chromium;
mod common;

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderName, Method, Response, StatusCode};
use axum::Router;
use chromium::Fetch;
use tower_cors::CorsLayer;

/// The application behind every policy: answers any method.
async fn app(_req: Request) -> Response<Body> {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/plain")
        .header("x-request-id", "r-1")
        .header("x-secret", "s")
        .body(Body::from("ok"))
        .expect("response")
}

/// A server that does CORS by hand, wrongly on purpose; `?m=MODE` picks how.
async fn hand(req: Request) -> Response<Body> {
    let origin = req
        .headers()
        .get("origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let preflight = req.method() == Method::OPTIONS;
    let mode = req
        .uri()
        .query()
        .unwrap_or("")
        .trim_start_matches("m=")
        .to_owned();
    let mut r = Response::builder().header("x-request-id", "r-1");
    let mut status = if preflight {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::OK
    };
    match mode.as_str() {
        "star_creds" => {
            r = r
                .header("access-control-allow-origin", "*")
                .header("access-control-allow-credentials", "true");
        }
        "acac_false" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-credentials", "false");
        }
        "multi" => {
            r = r.header(
                "access-control-allow-origin",
                format!("{origin}, http://other.localhost"),
            );
        }
        "mismatch" => {
            r = r.header("access-control-allow-origin", "http://app.localhost");
        }
        "pf500" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-methods", "PUT");
            if preflight {
                status = StatusCode::INTERNAL_SERVER_ERROR;
            }
        }
        "pf_redirect" if preflight => {
            r = r
                .header("location", "/elsewhere")
                .header("access-control-allow-origin", &origin);
            status = StatusCode::TEMPORARY_REDIRECT;
        }
        "bad_acam" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-methods", "PUT;DELETE");
        }
        "acam_lower" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-methods", "put");
        }
        "acah_star" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-methods", "*")
                .header("access-control-allow-headers", "*");
        }
        "acah_list" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-headers", "x-a");
        }
        "bad_acah" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-headers", "x-a x-b");
        }
        "acam_patch" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-methods", "PATCH");
        }
        "expose_some" => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-expose-headers", "X-Request-Id, x-absent")
                .header("x-secret", "s")
                .header(header::CACHE_CONTROL, "no-store");
        }
        _ => {}
    }
    r.status(status).body(Body::empty()).expect("response")
}

/// One scenario: a request from the page to one server.
struct Scenario {
    id: &'static str,
    server: &'static str,
    mode: &'static str,
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: bool,
}

const fn s(
    id: &'static str,
    server: &'static str,
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: bool,
) -> Scenario {
    Scenario {
        id,
        server,
        mode: "",
        method,
        headers,
        credentials,
    }
}

const fn h(
    id: &'static str,
    mode: &'static str,
    method: &'static str,
    credentials: bool,
) -> Scenario {
    hh(id, mode, method, &[], credentials)
}

const fn hh(
    id: &'static str,
    mode: &'static str,
    method: &'static str,
    headers: &'static [(&'static str, &'static str)],
    credentials: bool,
) -> Scenario {
    Scenario {
        id,
        server: "hand",
        mode,
        method,
        headers,
        credentials,
    }
}

const SCENARIOS: &[Scenario] = &[
    s("exact_get", "exact", "GET", &[], false),
    s(
        "exact_put_header",
        "exact",
        "PUT",
        &[("X-Api-Key", "k")],
        false,
    ),
    s(
        "exact_post_json",
        "exact",
        "POST",
        &[("Content-Type", "application/json")],
        false,
    ),
    s(
        "exact_post_text",
        "exact",
        "POST",
        &[("Content-Type", "text/plain;charset=UTF-8")],
        false,
    ),
    s(
        "exact_header_denied",
        "exact",
        "GET",
        &[("X-Other", "1")],
        false,
    ),
    s("exact_method_denied", "exact", "PATCH", &[], false),
    s("exact_credentials", "exact", "GET", &[], true),
    s(
        "creds_put_auth",
        "creds",
        "PUT",
        &[("Authorization", "Bearer t")],
        true,
    ),
    s(
        "creds_header_denied",
        "creds",
        "GET",
        &[("X-Other", "1")],
        true,
    ),
    s(
        "permissive_put",
        "permissive",
        "PUT",
        &[("X-Anything", "1")],
        false,
    ),
    s(
        "permissive_auth",
        "permissive",
        "GET",
        &[("Authorization", "Bearer t")],
        false,
    ),
    s("permissive_credentials", "permissive", "GET", &[], true),
    s(
        "any_creds_mirror",
        "any_creds",
        "DELETE",
        &[("X-A", "1"), ("X-B", "2")],
        true,
    ),
    s("elsewhere_put", "elsewhere", "PUT", &[], false),
    s("elsewhere_get", "elsewhere", "GET", &[], false),
    h("hand_star_creds", "star_creds", "GET", true),
    h("hand_acac_false", "acac_false", "GET", true),
    h("hand_multi", "multi", "GET", false),
    h("hand_mismatch", "mismatch", "GET", false),
    h("hand_pf500", "pf500", "PUT", false),
    h("hand_pf_redirect", "pf_redirect", "PUT", false),
    h("hand_bad_acam", "bad_acam", "PUT", false),
    h("hand_acam_lower", "acam_lower", "PUT", false),
    h("hand_expose_some", "expose_some", "GET", false),
    hh(
        "hand_auth_under_star",
        "acah_star",
        "GET",
        &[("Authorization", "Bearer t")],
        false,
    ),
    hh(
        "hand_star_headers",
        "acah_star",
        "PUT",
        &[("X-Any", "1")],
        false,
    ),
    hh(
        "hand_star_with_credentials",
        "acah_star",
        "GET",
        &[("X-Any", "1")],
        true,
    ),
    hh(
        "hand_header_not_listed",
        "acah_list",
        "GET",
        &[("X-B", "1")],
        false,
    ),
    hh("hand_bad_acah", "bad_acah", "GET", &[("X-A", "1")], false),
    h("hand_lowercase_patch", "acam_patch", "patch", false),
];

/// The tower-cors policies, by server name, for a page on `app`.
fn policies(app: &str) -> Vec<(&'static str, CorsLayer)> {
    let x_api_key = HeaderName::from_static("x-api-key");
    let built = [
        (
            "exact",
            CorsLayer::builder()
                .allow_origins([app])
                .allow_methods([Method::PUT, Method::DELETE])
                .allow_headers([x_api_key.clone()])
                .expose_headers([HeaderName::from_static("x-request-id")])
                .max_age(Duration::from_secs(60))
                .build(),
        ),
        (
            "creds",
            CorsLayer::builder()
                .allow_origins([app])
                .allow_methods([Method::PUT])
                .allow_headers([x_api_key, header::AUTHORIZATION])
                .allow_credentials(true)
                .build(),
        ),
        ("permissive", Ok(CorsLayer::permissive())),
        (
            "any_creds",
            CorsLayer::builder()
                .allow_origins([app])
                .allow_any_method()
                .allow_any_header()
                .allow_credentials(true)
                .build(),
        ),
        (
            "elsewhere",
            CorsLayer::builder()
                .allow_origins(["http://elsewhere.localhost:1"])
                .build(),
        ),
    ];
    built
        .into_iter()
        .map(|(name, layer)| (name, layer.unwrap_or_else(|e| panic!("policy {name}: {e}"))))
        .collect()
}

#[test]
fn verdicts_and_failed_checks_match_headless_chromium() {
    let Some(browser) = chromium::find() else {
        chromium::skip_or_fail();
        return;
    };
    let app_listener = common::reserve();
    let app_port = app_listener.local_addr().expect("addr").port();
    let origin = format!("http://app.localhost:{app_port}");

    let mut ports = std::collections::HashMap::new();
    for (name, layer) in policies(&origin) {
        ports.insert(
            name,
            common::serve(Router::new().fallback(app).layer(layer)),
        );
    }
    ports.insert("hand", common::serve(Router::new().fallback(hand)));

    let url = |sc: &Scenario| {
        let q = if sc.mode.is_empty() {
            String::new()
        } else {
            format!("?m={}", sc.mode)
        };
        format!("http://api.localhost:{}/s/{}{q}", ports[sc.server], sc.id)
    };
    let fetches: Vec<Fetch> = SCENARIOS
        .iter()
        .map(|sc| Fetch {
            id: sc.id.to_owned(),
            url: url(sc),
            method: sc.method.to_owned(),
            headers: sc
                .headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            credentials: sc.credentials,
        })
        .collect();
    let seen = chromium::run(&browser, app_listener, &fetches).expect("Chromium run");

    let mut disagreements = Vec::new();
    for ((sc, f), chrome) in SCENARIOS.iter().zip(&fetches).zip(&seen) {
        let header_args: Vec<String> = f.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        let mut args: Vec<&str> = vec![&f.url, "--origin", &origin, "--method", sc.method];
        for h in &header_args {
            args.extend(["--header", h]);
        }
        if sc.credentials {
            args.push("--credentials");
        }
        let doc = common::doctor(&args);
        eprintln!(
            "{:<24} doctor: exit {} {:<40} Chromium: {}",
            sc.id,
            doc.code,
            doc.check().unwrap_or("-"),
            if chrome.ok { "allowed" } else { "blocked" }
        );
        let problem = match (doc.code, chrome.ok) {
            (0, true) => {
                let mut want = doc.readable();
                let mut got = chrome.names.clone();
                want.sort();
                got.sort();
                (want != got).then(|| format!("readable headers: doctor {want:?}, Chromium {got:?}"))
            }
            (1, false) => {
                let msg = doc.chromium().unwrap_or("(none)");
                (!chrome.console.iter().any(|l| l.contains(msg))).then(|| {
                    format!(
                        "failed check {:?}: doctor predicts\n    {msg}\n  Chromium printed\n    {:?}",
                        doc.check(),
                        chrome.console
                    )
                })
            }
            (code, ok) => Some(format!(
                "doctor exit {code} (check {:?}, stderr {:?}), Chromium fetch ok={ok} error={:?} console={:?}",
                doc.check(),
                doc.stderr,
                chrome.error,
                chrome.console
            )),
        };
        if let Some(p) = problem {
            disagreements.push(format!("{}: {p}", sc.id));
        }
    }
    assert!(
        disagreements.is_empty(),
        "cors-doctor and Chromium disagree on {} of {} scenarios:\n{}",
        disagreements.len(),
        SCENARIOS.len(),
        disagreements.join("\n")
    );
}
