//! Real-browser conformance suite: headless Chromium runs `fetch()` calls
//! from pages on one origin against loopback servers wrapped in `CorsLayer`
//! on other origins, and each test asserts what the browser allowed.
//!
//! How it works (see `browser/harness.rs`): every api server below is an axum
//! app `handler -> CorsLayer (the policy) -> outer recorder`. The recorder
//! logs every request the browser sent (preflights included) with the final
//! response; the handler logs what reached the application. An app server
//! serves a page (`http://app.localhost:PA/`) that runs all scenarios, opens
//! iframes on other origins (`*.localhost` always resolves to loopback in
//! Chromium) and a sandboxed iframe (origin `null`), and posts the outcomes
//! back. Chromium is launched once for the whole binary; each `#[test]`
//! looks up its own scenario.
//!
//! Without Chromium the tests print one line and pass, unless `CI` is set.
//! Set `CHROMIUM=/path/to/binary` to use another build, and
//! `BROWSER_SUITE_DUMP=1` to print what the page and the wire saw for every
//! scenario.

#[path = "browser/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{Attempt, Env, Frame, Run, Scenario, Suite, Wrap};
use http::{HeaderName, Method, StatusCode};
use serde_json::json;
use tower_cors::CorsLayer;

// ---------------------------------------------------------------------------
// Policies: one api server per policy
// ---------------------------------------------------------------------------

const SERVERS: &[&str] = &[
    "exact",
    "subdomain",
    "port_pattern",
    "credentials",
    "permissive",
    "any_header",
    "status_200",
    "max_age",
    "max_age_zero",
    "expose_any",
    "predicate_all",
    "grpc",
    "no_cors_layer",
];

fn layer(cors: CorsLayer) -> Wrap {
    Box::new(move |r: axum::Router| r.layer(cors))
}

fn servers(env: &Env) -> Vec<(&'static str, Wrap)> {
    let a = env.app_origin();
    let b = format!("http://app.localhost:{}", env.app2_port);
    let sub = format!("http://*.app.localhost:{}", env.app_port);
    let h = HeaderName::from_static;
    let build = |name: &str, r: Result<CorsLayer, tower_cors::ConfigError>| {
        r.unwrap_or_else(|e| panic!("policy {name} does not build: {e}"))
    };
    vec![
        (
            "exact",
            layer(build(
                "exact",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_methods([Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS])
                    .allow_headers([http::header::CONTENT_TYPE, h("x-custom")])
                    .expose_headers([h("x-request-id")])
                    .build(),
            )),
        ),
        (
            "subdomain",
            layer(build(
                "subdomain",
                CorsLayer::builder().allow_origins([sub.as_str()]).build(),
            )),
        ),
        (
            "port_pattern",
            layer(build(
                "port_pattern",
                CorsLayer::builder()
                    .allow_origins(["http://app.localhost:*"])
                    .build(),
            )),
        ),
        (
            "credentials",
            layer(build(
                "credentials",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_any_method()
                    .allow_any_header()
                    .expose_any_header()
                    .allow_credentials(true)
                    .build(),
            )),
        ),
        ("permissive", layer(CorsLayer::permissive())),
        (
            "any_header",
            layer(build(
                "any_header",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_any_header()
                    .build(),
            )),
        ),
        (
            "status_200",
            layer(build(
                "status_200",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_methods([Method::PUT])
                    .preflight_status(StatusCode::OK)
                    .build(),
            )),
        ),
        (
            "max_age",
            layer(build(
                "max_age",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_methods([Method::PUT])
                    .max_age(Duration::from_secs(600))
                    .build(),
            )),
        ),
        (
            "max_age_zero",
            layer(build(
                "max_age_zero",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_methods([Method::PUT])
                    .max_age(Duration::ZERO)
                    .build(),
            )),
        ),
        (
            "expose_any",
            layer(build(
                "expose_any",
                CorsLayer::builder()
                    .allow_origins([a.as_str(), b.as_str()])
                    .expose_any_header()
                    .build(),
            )),
        ),
        (
            "predicate_all",
            layer(build(
                "predicate_all",
                CorsLayer::builder()
                    .allow_origin_predicate(
                        |_origin: &http::HeaderValue, _parts: &http::request::Parts| true,
                    )
                    .build(),
            )),
        ),
        (
            "grpc",
            layer(build(
                "grpc",
                CorsLayer::builder()
                    .allow_origins([a.as_str()])
                    .allow_methods([Method::POST])
                    .allow_headers([
                        http::header::CONTENT_TYPE,
                        h("x-grpc-web"),
                        h("x-user-agent"),
                        h("grpc-timeout"),
                    ])
                    .expose_headers([h("grpc-status"), h("grpc-message")])
                    .build(),
            )),
        ),
        // Control without any CORS layer: the handler echoes Origin into
        // Access-Control-Allow-Origin itself and sends no `Vary`.
        ("no_cors_layer", Box::new(|r: axum::Router| r)),
    ]
}

// ---------------------------------------------------------------------------
// Scenarios: what the page fetches (ids are looked up by the tests below)
// ---------------------------------------------------------------------------

fn scenarios(_env: &Env) -> Vec<Scenario> {
    use Frame::*;
    let s = Scenario::new;
    let include = json!({ "credentials": "include" });
    vec![
        // Simple requests and exact origins.
        s("simple_get_allowed", Top, "exact"),
        s("simple_get_look_alike", LookAlike, "exact"),
        s("simple_get_other_port", OtherPort, "exact"),
        s("simple_get_uppercase_page", Upper, "exact"),
        // Patterns.
        s("subdomain_one_label", Sub, "subdomain"),
        s("subdomain_two_labels", DeepSub, "subdomain"),
        s("subdomain_apex", Top, "subdomain"),
        s("subdomain_look_alike", LookAlike, "subdomain"),
        s("subdomain_other_port", SubOtherPort, "subdomain"),
        s("port_pattern_same_port", Top, "port_pattern"),
        s("port_pattern_other_port", OtherPort, "port_pattern"),
        s("port_pattern_other_host", Sub, "port_pattern"),
        // Credentials.
        s("credentials_get", Top, "credentials").init(include.clone()),
        s("credentials_put", Top, "credentials")
            .init(json!({ "method": "PUT", "credentials": "include" })),
        s("credentials_omitted", Top, "credentials"),
        s("credentials_expose_any", Top, "credentials")
            .init(include.clone())
            .read(&["x-secret", "grpc-message"]),
        s("credentials_any_header", Top, "credentials").init(json!({
            "method": "PUT",
            "credentials": "include",
            "headers": { "authorization": "Bearer t0ken", "x-custom": "1" }
        })),
        s("permissive_credentials_get", Top, "permissive").init(include.clone()),
        s("permissive_get_look_alike", LookAlike, "permissive"),
        s("permissive_put", Top, "permissive").init(json!({ "method": "PUT" })),
        // Preflighted methods.
        s("put", Top, "exact").init(json!({
            "method": "PUT",
            "headers": { "content-type": "application/json" },
            "body": "{\"a\":1}"
        })),
        s("delete", Top, "exact").init(json!({ "method": "DELETE" })),
        s("patch", Top, "exact").init(json!({ "method": "PATCH" })),
        s("preflight_look_alike", LookAlike, "exact").init(json!({ "method": "PUT" })),
        s("disallowed_method", Top, "exact").init(json!({ "method": "PROPFIND" })),
        s("lowercase_patch", Top, "exact").init(json!({ "method": "patch" })),
        s("lowercase_patch_any_method", Top, "permissive").init(json!({ "method": "patch" })),
        s("options_method", Top, "exact").init(json!({ "method": "OPTIONS" })),
        // Request headers.
        s("custom_header", Top, "exact").init(json!({ "headers": { "x-custom": "1" } })),
        s("unlisted_header", Top, "exact").init(json!({ "headers": { "x-other": "1" } })),
        s("any_header_authorization", Top, "any_header")
            .init(json!({ "headers": { "authorization": "Bearer t0ken" } })),
        s("any_header_arbitrary", Top, "any_header")
            .init(json!({ "headers": { "x-anything": "1" } })),
        s("permissive_authorization", Top, "permissive")
            .init(json!({ "headers": { "authorization": "Bearer t0ken" } })),
        // Preflight status and caching.
        s("preflight_default_status", Top, "exact").init(json!({ "method": "PUT" })),
        s("preflight_status_200", Top, "status_200").init(json!({ "method": "PUT" })),
        s("max_age_cached", Top, "max_age")
            .init(json!({ "method": "PUT" }))
            .repeat(2),
        s("max_age_zero", Top, "max_age_zero")
            .init(json!({ "method": "PUT" }))
            .repeat(2),
        // Response headers.
        s("exposed_header", Top, "exact").read(&["x-request-id"]),
        s("unexposed_header", Top, "exact").read(&["x-secret", "x-request-id"]),
        s("expose_any", Top, "expose_any").read(&["x-secret", "x-request-id", "grpc-status"]),
        s("vary_readable", Top, "expose_any").read(&["vary"]),
        // Inner handlers.
        s("handler_sets_acao", Top, "exact").query("?acao=http://evil.example"),
        s("handler_500", Top, "exact").query("?status=500"),
        s("handler_star_refused_origin", LookAlike, "exact").query("?acao=*"),
        s("handler_vary", Top, "expose_any")
            .query("?vary=accept-encoding")
            .read(&["vary"]),
        // Null origin.
        s("sandboxed_exact", Sandboxed, "exact"),
        s("sandboxed_predicate_all", Sandboxed, "predicate_all"),
        s("sandboxed_permissive", Sandboxed, "permissive"),
        s("predicate_all_real_origin", Top, "predicate_all"),
        // HTTP cache and Vary: the same URL fetched from two origins of one
        // site (app.localhost:PA then app.localhost:PB), forcing the cache.
        s("vary_cache_first", Top, "expose_any")
            .path("/s/vary_cache")
            .query("?cache=1")
            .init(json!({ "cache": "force-cache" })),
        s("vary_cache_second", OtherPort, "expose_any")
            .path("/s/vary_cache")
            .query("?cache=1")
            .init(json!({ "cache": "force-cache" })),
        s("no_vary_cache_first", Top, "no_cors_layer")
            .path("/s/no_vary_cache")
            .query("?cache=1&echo_acao=1")
            .init(json!({ "cache": "force-cache" })),
        s("no_vary_cache_second", OtherPort, "no_cors_layer")
            .path("/s/no_vary_cache")
            .query("?cache=1&echo_acao=1")
            .init(json!({ "cache": "force-cache" })),
        // gRPC-Web.
        s("grpc_web", Top, "grpc")
            .init(json!({
                "method": "POST",
                "headers": {
                    "content-type": "application/grpc-web+proto",
                    "x-grpc-web": "1",
                    "x-user-agent": "grpc-web-javascript/0.1",
                    "grpc-timeout": "1S"
                },
                "body": "AAAAAAA="
            }))
            .read(&["grpc-status", "grpc-message", "x-secret"]),
    ]
}

static SUITE: Suite = Suite {
    servers,
    scenarios,
    server_names: SERVERS,
};

/// The shared browser run, or `return` from the test when there is no
/// browser outside CI.
macro_rules! browser {
    () => {
        match harness::shared_run(&SUITE) {
            Some(run) => run,
            None => return,
        }
    };
}

// ---------------------------------------------------------------------------
// Assertion helpers
// ---------------------------------------------------------------------------

/// The fetch resolved (CORS check passed); returns the attempt.
fn allowed<'r>(run: &'r Run, id: &str) -> &'r Attempt {
    for a in run.attempts(id) {
        assert!(
            a.ok,
            "expected the browser to allow it\n{}",
            run.explain(id)
        );
    }
    run.attempt(id)
}

/// The fetch rejected with a TypeError (network error), as CORS failures do.
fn blocked(run: &Run, id: &str) {
    for a in run.attempts(id) {
        assert!(
            !a.ok,
            "expected the browser to block it\n{}",
            run.explain(id)
        );
        let e = a.error.as_deref().unwrap_or("");
        assert!(
            e.starts_with("TypeError"),
            "expected a TypeError, got {e:?}\n{}",
            run.explain(id)
        );
    }
}

/// The single preflight the browser sent for a scenario.
fn one_preflight<'r>(run: &'r Run, id: &str) -> &'r harness::Entry {
    let p = run.preflights(id);
    assert_eq!(
        p.len(),
        1,
        "expected exactly one preflight\n{}",
        run.explain(id)
    );
    p[0]
}

fn no_preflight(run: &Run, id: &str) {
    assert!(
        run.preflights(id).is_empty(),
        "expected no preflight\n{}",
        run.explain(id)
    );
}

/// The single actual (non-preflight) request as it left the server.
fn one_actual<'r>(run: &'r Run, id: &str) -> &'r harness::Entry {
    let a = run.actual(id);
    assert_eq!(
        a.len(),
        1,
        "expected exactly one actual request\n{}",
        run.explain(id)
    );
    a[0]
}

fn handler_never_saw_it(run: &Run, id: &str) {
    assert!(
        run.handled(id).is_empty(),
        "the handler must not see it\n{}",
        run.explain(id)
    );
}

fn handler_saw_once<'r>(run: &'r Run, id: &str) -> &'r harness::Entry {
    let h = run.handled(id);
    assert_eq!(
        h.len(),
        1,
        "expected the handler to see it once\n{}",
        run.explain(id)
    );
    h[0]
}

fn no_cors_headers(run: &Run, id: &str, e: &harness::Entry) {
    assert!(
        e.acx_headers().is_empty(),
        "expected no Access-Control-* response headers\n{}",
        run.explain(id)
    );
}

fn vary_has(e: &harness::Entry, token: &str) -> bool {
    e.resp("vary")
        .map(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        .unwrap_or(false)
}

// ---------------------------------------------------------------------------
// Simple requests, exact origins
// ---------------------------------------------------------------------------

/// Fetch "CORS check": a simple GET (no preflight) succeeds when
/// Access-Control-Allow-Origin equals the request's serialized origin. The
/// layer echoes the origin and adds `Vary: Origin`.
#[test]
fn simple_get_from_allowed_origin_is_allowed() {
    let run = browser!();
    let id = "simple_get_allowed";
    let a = allowed(run, id);
    assert_eq!(a.status, Some(200));
    assert_eq!(a.body.as_deref(), Some("exact GET /s/simple_get_allowed"));
    no_preflight(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
    assert!(vary_has(e, "origin"), "{}", run.explain(id));
    handler_saw_once(run, id);
}

/// A simple request is sent without a preflight, so the handler runs; the
/// browser then fails the CORS check because the response carries no
/// Access-Control-Allow-Origin (the layer adds none for an unlisted origin).
#[test]
fn simple_get_from_look_alike_origin_is_blocked_but_reaches_handler() {
    let run = browser!();
    let id = "simple_get_look_alike";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some(run.origin(Frame::LookAlike).as_str()));
    no_cors_headers(run, id, e);
    handler_saw_once(run, id);
}

/// Origins are tuples (scheme, host, port): a page differing only by port is
/// another origin and the exact policy must refuse it.
#[test]
fn origin_differing_only_by_port_is_refused() {
    let run = browser!();
    let id = "simple_get_other_port";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// The URL parser lower-cases hosts, so a page loaded as
/// `http://APP.LOCALHOST:PA` has origin `http://app.localhost:PA`, which the
/// exact (byte-equal) match accepts.
#[test]
fn page_loaded_with_uppercase_host_sends_lowercase_origin_and_is_allowed() {
    let run = browser!();
    let id = "simple_get_uppercase_page";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some(run.origin(Frame::Top).as_str()));
}

/// The `Origin` header is the ASCII serialization of an origin: lowercase
/// scheme and host, no trailing slash, the port only when not the default,
/// or `null`. That is why configured origins must be canonical and can be
/// matched by byte equality. Checked over every request of the run.
#[test]
fn browser_only_ever_sends_canonical_origins() {
    let run = browser!();
    let mut seen = 0;
    for e in &run.log {
        if let Some(o) = e.req("origin") {
            seen += 1;
            if o == "null" {
                continue;
            }
            assert_eq!(o, o.to_ascii_lowercase(), "{e:?}");
            assert!(!o.ends_with('/'), "{e:?}");
            assert!(o.starts_with("http://"), "{e:?}");
            assert!(!o.ends_with(":80"), "{e:?}");
            let port = o.rsplit(':').next().unwrap();
            assert!(
                port.parse::<u16>().is_ok(),
                "explicit non-default port expected: {e:?}"
            );
        }
    }
    assert!(seen > 40, "expected many cross-origin requests, saw {seen}");
}

/// The builder refuses configured origins that no browser would ever send:
/// trailing slash, uppercase, an explicit default port. (No browser needed.)
#[test]
fn builder_refuses_non_canonical_origins() {
    for bad in [
        "http://app.localhost:5173/",
        "http://APP.localhost:5173",
        "HTTP://app.localhost:5173",
        "http://app.localhost:80",
        "https://app.example.com:443",
        "https://app.example.com/path",
    ] {
        assert!(
            CorsLayer::builder().allow_origins([bad]).build().is_err(),
            "build() accepted non-canonical origin {bad:?}"
        );
    }
    CorsLayer::builder()
        .allow_origins(["http://app.localhost:5173", "https://app.example.com"])
        .build()
        .expect("canonical origins must build");
}

// ---------------------------------------------------------------------------
// Origin patterns
// ---------------------------------------------------------------------------

/// `http://*.app.localhost:PA` matches a one-label subdomain.
#[test]
fn subdomain_pattern_allows_one_label_subdomain() {
    let run = browser!();
    let id = "subdomain_one_label";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Sub).as_str())
    );
}

/// `*.` stands for one or more labels: `y.x.app.localhost` matches.
#[test]
fn subdomain_pattern_allows_multi_label_subdomain() {
    let run = browser!();
    let id = "subdomain_two_labels";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::DeepSub).as_str())
    );
}

/// The subdomain pattern never matches the apex `app.localhost`.
#[test]
fn subdomain_pattern_refuses_apex() {
    let run = browser!();
    let id = "subdomain_apex";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// `evilapp.localhost` ends with `app.localhost` as a string but is not a
/// subdomain of it: refused.
#[test]
fn subdomain_pattern_refuses_look_alike_host() {
    let run = browser!();
    let id = "subdomain_look_alike";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// The subdomain pattern has an explicit port; the same host on another port
/// is refused.
#[test]
fn subdomain_pattern_refuses_other_port() {
    let run = browser!();
    let id = "subdomain_other_port";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// `http://app.localhost:*` matches the host on any port.
#[test]
fn port_pattern_allows_first_port() {
    let run = browser!();
    allowed(run, "port_pattern_same_port");
}

/// `http://app.localhost:*` matches the host on any port.
#[test]
fn port_pattern_allows_second_port() {
    let run = browser!();
    let id = "port_pattern_other_port";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::OtherPort).as_str())
    );
}

/// A port pattern does not widen the host: `x.app.localhost` is refused.
#[test]
fn port_pattern_refuses_other_host() {
    let run = browser!();
    let id = "port_pattern_other_host";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// Credentialed CORS check: ACAO must equal the origin (not `*`) and
/// Access-Control-Allow-Credentials must be exactly `true`.
#[test]
fn credentialed_get_is_allowed_with_exact_origin_and_credentials() {
    let run = browser!();
    let id = "credentials_get";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
    assert_eq!(e.resp("access-control-allow-credentials"), Some("true"));
}

/// For a credentialed preflight `*` in Access-Control-Allow-Methods is the
/// literal method name `*`, so an any-method policy with credentials must
/// mirror the requested method; the browser then allows the PUT.
#[test]
fn credentialed_preflighted_put_is_allowed_with_mirrored_method() {
    let run = browser!();
    let id = "credentials_put";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-method"), Some("PUT"));
    assert_eq!(p.resp("access-control-allow-methods"), Some("PUT"));
    assert_eq!(p.resp("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        p.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
    assert_eq!(handler_saw_once(run, id).method, "PUT");
}

/// With credentials, `*` in Access-Control-Allow-Headers is a literal header
/// name, so an any-header policy with credentials must list the requested
/// headers (Authorization included); the browser then allows the request.
#[test]
fn credentialed_request_with_any_header_policy_gets_requested_headers_listed() {
    let run = browser!();
    let id = "credentials_any_header";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(
        p.req("access-control-request-headers"),
        Some("authorization,x-custom")
    );
    let acah: Vec<String> = p
        .resp("access-control-allow-headers")
        .unwrap_or("")
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    assert!(
        acah.iter().any(|t| t == "authorization"),
        "{}",
        run.explain(id)
    );
    assert!(acah.iter().any(|t| t == "x-custom"), "{}", run.explain(id));
    assert_eq!(p.resp("access-control-allow-methods"), Some("PUT"));
    let h = handler_saw_once(run, id);
    assert_eq!(h.req("authorization"), Some("Bearer t0ken"));
}

/// With credentials, `*` in Access-Control-Expose-Headers is a literal header
/// name, so expose_any_header() with credentials lists the response's own
/// header names; the page can read them.
#[test]
fn credentialed_expose_any_header_lists_names_and_they_are_readable() {
    let run = browser!();
    let id = "credentials_expose_any";
    let a = allowed(run, id);
    assert_eq!(a.header("x-secret"), Some("s3cret"));
    assert_eq!(a.header("grpc-message"), Some("fine"));
    let aceh = one_actual(run, id)
        .resp("access-control-expose-headers")
        .unwrap_or("")
        .to_owned();
    assert_ne!(aceh.trim(), "*", "{}", run.explain(id));
    assert!(aceh.contains("x-secret"), "{}", run.explain(id));
}

/// A credentials policy still serves requests that carry no credentials.
#[test]
fn credentials_policy_allows_uncredentialed_get() {
    let run = browser!();
    allowed(run, "credentials_omitted");
}

/// Access-Control-Allow-Credentials has a single meaningful value, `true`;
/// the layer never sends anything else (checked over the whole run).
#[test]
fn allow_credentials_header_is_only_ever_true() {
    let run = browser!();
    let mut seen = 0;
    for e in &run.log {
        if let Some(v) = e.resp("access-control-allow-credentials") {
            seen += 1;
            assert_eq!(v, "true", "{e:?}");
            assert_eq!(
                e.server, "credentials",
                "only the credentials policy sends it: {e:?}"
            );
        }
    }
    assert!(
        seen >= 3,
        "credentials policy responses expected, saw {seen}"
    );
}

/// With credentials mode "include", ACAO `*` fails the CORS check. The
/// permissive layer answers `*` and no ACAC, so the browser blocks it.
#[test]
fn credentialed_get_is_blocked_under_permissive() {
    let run = browser!();
    let id = "permissive_credentials_get";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.resp("access-control-allow-origin"), Some("*"));
    assert_eq!(e.resp("access-control-allow-credentials"), None);
}

/// Without credentials, ACAO `*` matches every origin.
#[test]
fn permissive_allows_uncredentialed_get_from_any_origin() {
    let run = browser!();
    let id = "permissive_get_look_alike";
    allowed(run, id);
    assert_eq!(
        one_actual(run, id).resp("access-control-allow-origin"),
        Some("*")
    );
}

/// Without credentials, Access-Control-Allow-Methods `*` covers every method.
#[test]
fn permissive_preflight_answers_wildcard_methods_and_put_is_allowed() {
    let run = browser!();
    let id = "permissive_put";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.resp("access-control-allow-methods"), Some("*"));
    assert_eq!(p.resp("access-control-allow-origin"), Some("*"));
}

// ---------------------------------------------------------------------------
// Preflighted methods
// ---------------------------------------------------------------------------

fn preflighted_method_is_allowed(run: &Run, id: &str, method: &str) {
    let a = allowed(run, id);
    assert_eq!(a.status, Some(200));
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-method"), Some(method));
    assert_eq!(
        p.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
    assert!(
        p.resp("access-control-allow-methods")
            .is_some_and(|m| m.split(',').any(|t| t.trim() == method)),
        "{}",
        run.explain(id)
    );
    let h = handler_saw_once(run, id);
    assert_eq!(h.method, method);
}

/// A PUT with a JSON content type needs a preflight (method and header are
/// not safelisted); the layer allows both and the browser sends the PUT.
#[test]
fn preflighted_put_is_allowed() {
    let run = browser!();
    preflighted_method_is_allowed(run, "put", "PUT");
    let p = one_preflight(run, "put");
    assert_eq!(
        p.req("access-control-request-headers"),
        Some("content-type")
    );
    assert_eq!(
        run.handled("put")[0].req("content-type"),
        Some("application/json")
    );
}

/// A preflight from an origin the policy does not allow is refused with 403
/// and no CORS headers; the PUT is never sent.
#[test]
fn preflight_from_unlisted_origin_is_refused_and_handler_never_sees_it() {
    let run = browser!();
    let id = "preflight_look_alike";
    blocked(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.status, Some(403));
    no_cors_headers(run, id, p);
    assert!(run.actual(id).is_empty(), "{}", run.explain(id));
    handler_never_saw_it(run, id);
}

/// DELETE is not safelisted: preflight, then the request.
#[test]
fn preflighted_delete_is_allowed() {
    let run = browser!();
    preflighted_method_is_allowed(run, "delete", "DELETE");
}

/// PATCH is not safelisted: preflight, then the request.
#[test]
fn preflighted_patch_is_allowed() {
    let run = browser!();
    preflighted_method_is_allowed(run, "patch", "PATCH");
}

/// A method outside Access-Control-Allow-Methods fails the preflight; the
/// layer answers 403 without CORS headers, the browser never sends the
/// actual request, so the handler never sees it.
#[test]
fn disallowed_method_is_blocked_and_handler_never_sees_it() {
    let run = browser!();
    let id = "disallowed_method";
    blocked(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-method"), Some("PROPFIND"));
    assert_eq!(p.status, Some(403));
    no_cors_headers(run, id, p);
    assert!(run.actual(id).is_empty(), "{}", run.explain(id));
    handler_never_saw_it(run, id);
}

/// Fetch normalizes only DELETE, GET, HEAD, OPTIONS, POST and PUT; `patch`
/// stays lowercase, so Access-Control-Request-Method is `patch`, and method
/// names compare case-sensitively: a policy allowing `PATCH` must refuse it.
#[test]
fn lowercase_patch_is_not_covered_by_uppercase_patch() {
    let run = browser!();
    let id = "lowercase_patch";
    blocked(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-method"), Some("patch"));
    assert_eq!(p.status, Some(403));
    handler_never_saw_it(run, id);
}

/// Under an any-method policy without credentials (`*`), `patch` is allowed
/// and reaches the handler as `patch`.
#[test]
fn lowercase_patch_is_allowed_under_any_method() {
    let run = browser!();
    let id = "lowercase_patch_any_method";
    allowed(run, id);
    assert_eq!(
        one_preflight(run, id).req("access-control-request-method"),
        Some("patch")
    );
    assert_eq!(handler_saw_once(run, id).method, "patch");
}

/// `fetch(url, {method: 'OPTIONS'})`: OPTIONS is not safelisted, so the
/// browser preflights it and then sends an OPTIONS request that carries
/// Origin but no Access-Control-Request-Method. That is not a preflight: the
/// layer must pass it to the handler and add the actual-response headers.
#[test]
fn options_request_without_request_method_reaches_handler() {
    let run = browser!();
    let id = "options_method";
    let a = allowed(run, id);
    assert_eq!(a.body.as_deref(), Some("exact OPTIONS /s/options_method"));
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-method"), Some("OPTIONS"));
    let e = one_actual(run, id);
    assert_eq!(e.method, "OPTIONS");
    assert_eq!(e.req("access-control-request-method"), None);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
    assert_eq!(handler_saw_once(run, id).method, "OPTIONS");
}

// ---------------------------------------------------------------------------
// Request headers
// ---------------------------------------------------------------------------

/// A non-safelisted request header is announced in
/// Access-Control-Request-Headers and must be listed in the answer.
#[test]
fn custom_request_header_is_allowed() {
    let run = browser!();
    let id = "custom_header";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-headers"), Some("x-custom"));
    assert_eq!(handler_saw_once(run, id).req("x-custom"), Some("1"));
}

/// An unlisted request header fails the preflight; the handler never sees
/// the request.
#[test]
fn unlisted_request_header_is_blocked_and_handler_never_sees_it() {
    let run = browser!();
    let id = "unlisted_header";
    blocked(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-headers"), Some("x-other"));
    assert_eq!(p.status, Some(403));
    no_cors_headers(run, id, p);
    handler_never_saw_it(run, id);
}

/// Access-Control-Allow-Headers `*` does not cover `Authorization` (Fetch
/// CORS-preflight fetch, step on "CORS non-wildcard request-header name"). Our
/// allow_any_header() allows it anyway by answering `*, authorization`, so
/// the browser must allow the request.
#[test]
fn authorization_is_allowed_under_allow_any_header() {
    let run = browser!();
    let id = "any_header_authorization";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(
        p.req("access-control-request-headers"),
        Some("authorization")
    );
    let acah = p.resp("access-control-allow-headers").unwrap_or("");
    let tokens: Vec<String> = acah
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    assert!(
        tokens.iter().any(|t| t == "authorization"),
        "{}",
        run.explain(id)
    );
    assert_eq!(
        handler_saw_once(run, id).req("authorization"),
        Some("Bearer t0ken")
    );
}

/// Without credentials, Access-Control-Allow-Headers `*` covers any other
/// header name.
#[test]
fn arbitrary_header_is_allowed_under_allow_any_header() {
    let run = browser!();
    let id = "any_header_arbitrary";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.resp("access-control-allow-headers"), Some("*"));
    assert_eq!(handler_saw_once(run, id).req("x-anything"), Some("1"));
}

/// The permissive layer (any header) also allows `Authorization`.
#[test]
fn authorization_is_allowed_under_permissive() {
    let run = browser!();
    let id = "permissive_authorization";
    allowed(run, id);
    assert_eq!(
        handler_saw_once(run, id).req("authorization"),
        Some("Bearer t0ken")
    );
}

// ---------------------------------------------------------------------------
// Preflight status and caching
// ---------------------------------------------------------------------------

/// A preflight succeeds for any ok status (200-299); the default answer is
/// 204 with an empty body, and the layer answers it itself.
#[test]
fn preflight_default_status_204_succeeds() {
    let run = browser!();
    let id = "preflight_default_status";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.status, Some(204));
    assert!(vary_has(p, "origin"), "{}", run.explain(id));
    let h = handler_saw_once(run, id);
    assert_eq!(h.method, "PUT", "the handler never sees the preflight");
}

/// A configured 200 preflight status is an ok status too.
#[test]
fn preflight_configured_status_200_succeeds() {
    let run = browser!();
    let id = "preflight_status_200";
    allowed(run, id);
    assert_eq!(one_preflight(run, id).status, Some(200));
}

/// Access-Control-Max-Age puts the preflight into the browser's CORS-preflight
/// cache: the second identical PUT sends no preflight (outer log).
#[test]
fn max_age_caches_the_preflight() {
    let run = browser!();
    let id = "max_age_cached";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.resp("access-control-max-age"), Some("600"));
    assert_eq!(run.actual(id).len(), 2, "{}", run.explain(id));
    assert_eq!(run.handled(id).len(), 2);
}

/// Control for the test above: with `Access-Control-Max-Age: 0` nothing is
/// cached (without the header Chromium would cache for 5 s), so the second
/// PUT is preflighted again.
#[test]
fn max_age_zero_preflights_every_time() {
    let run = browser!();
    let id = "max_age_zero";
    allowed(run, id);
    let p = run.preflights(id);
    assert_eq!(p.len(), 2, "{}", run.explain(id));
    assert_eq!(p[0].resp("access-control-max-age"), Some("0"));
}

// ---------------------------------------------------------------------------
// Response headers
// ---------------------------------------------------------------------------

/// A header listed in Access-Control-Expose-Headers is readable from JS.
#[test]
fn exposed_header_is_readable() {
    let run = browser!();
    let a = allowed(run, "exposed_header");
    assert_eq!(a.header("x-request-id"), Some("rid-1"));
}

/// A header that is neither safelisted nor exposed is filtered out of the
/// CORS-filtered response: `headers.get` returns null.
#[test]
fn unexposed_header_is_not_readable() {
    let run = browser!();
    let id = "unexposed_header";
    let a = allowed(run, id);
    assert_eq!(a.header("x-secret"), None);
    assert_eq!(a.header("x-request-id"), Some("rid-1"));
    assert!(
        !a.names.iter().any(|n| n == "x-secret"),
        "{}",
        run.explain(id)
    );
    // It was on the wire, the browser hid it.
    assert_eq!(one_actual(run, id).resp("x-secret"), Some("s3cret"));
}

/// Access-Control-Expose-Headers `*` (no credentials) exposes every header.
#[test]
fn expose_any_header_makes_every_header_readable() {
    let run = browser!();
    let id = "expose_any";
    let a = allowed(run, id);
    assert_eq!(a.header("x-secret"), Some("s3cret"));
    assert_eq!(a.header("x-request-id"), Some("rid-1"));
    assert_eq!(a.header("grpc-status"), Some("0"));
    assert_eq!(
        one_actual(run, id).resp("access-control-expose-headers"),
        Some("*")
    );
}

/// A response whose ACAO depends on Origin must say `Vary: Origin`; with an
/// exposing policy the page can read it.
#[test]
fn vary_origin_is_present_on_allowed_responses() {
    let run = browser!();
    let a = allowed(run, "vary_readable");
    let vary = a.header("vary").unwrap_or("");
    assert!(
        vary.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("origin")),
        "Vary: {vary:?}"
    );
}

/// With `Vary: Origin`, a response cached for origin A is not reused for
/// origin B (the HTTP cache matches the stored request's Origin): B's
/// force-cache fetch goes to the server and gets its own ACAO.
#[test]
fn vary_origin_keeps_cached_response_from_being_reused_for_another_origin() {
    let run = browser!();
    allowed(run, "vary_cache_first");
    allowed(run, "vary_cache_second");
    let origins: Vec<Option<&str>> = run
        .handled("vary_cache_first")
        .iter()
        .map(|e| e.req("origin"))
        .collect();
    let (a, b) = (run.origin(Frame::Top), run.origin(Frame::OtherPort));
    assert_eq!(
        origins,
        vec![Some(a.as_str()), Some(b.as_str())],
        "{}",
        run.explain("vary_cache_first")
    );
}

/// Control proving the test above can fail: a hand-rolled CORS handler that
/// echoes Origin without `Vary` gets its response for A served from cache to
/// B, whose CORS check then fails (ACAO is A's origin).
#[test]
fn without_vary_the_cached_response_leaks_to_another_origin() {
    let run = browser!();
    allowed(run, "no_vary_cache_first");
    blocked(run, "no_vary_cache_second");
    assert_eq!(
        run.handled("no_vary_cache_first").len(),
        1,
        "{}",
        run.explain("no_vary_cache_first")
    );
}

// ---------------------------------------------------------------------------
// Inner handlers
// ---------------------------------------------------------------------------

/// A handler that sets its own (wrong) ACAO must not break the request: the
/// layer overwrites it with the one value for this origin.
#[test]
fn handler_setting_its_own_allow_origin_is_overwritten() {
    let run = browser!();
    let id = "handler_sets_acao";
    allowed(run, id);
    assert_eq!(
        one_actual(run, id).resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
}

/// A handler that sets `Access-Control-Allow-Origin: *` must not open the
/// door to an origin the policy refuses: the layer strips it, so the browser
/// blocks the look-alike origin (the handler still ran: simple request).
#[test]
fn handler_allow_origin_star_is_stripped_for_refused_origin() {
    let run = browser!();
    let id = "handler_star_refused_origin";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
    handler_saw_once(run, id);
}

/// The layer merges `Origin` into the handler's own `Vary` rather than
/// replacing it (both matter to caches).
#[test]
fn handler_vary_is_merged_with_origin() {
    let run = browser!();
    let a = allowed(run, "handler_vary");
    let vary: Vec<String> = a
        .header("vary")
        .unwrap_or("")
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    assert!(
        vary.iter().any(|t| t == "accept-encoding"),
        "Vary: {vary:?}"
    );
    assert!(vary.iter().any(|t| t == "origin"), "Vary: {vary:?}");
}

/// CORS headers go on error responses too, so JS can read a 500's status and
/// body.
#[test]
fn handler_500_status_is_readable() {
    let run = browser!();
    let a = allowed(run, "handler_500");
    assert_eq!(a.status, Some(500));
    assert_eq!(a.body.as_deref(), Some("exact GET /s/handler_500"));
}

// ---------------------------------------------------------------------------
// Opaque origin (`null`)
// ---------------------------------------------------------------------------

/// A sandboxed iframe has an opaque origin, sent as `Origin: null`. An exact
/// policy refuses it.
#[test]
fn sandboxed_iframe_null_origin_is_refused_by_exact_policy() {
    let run = browser!();
    let id = "sandboxed_exact";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some("null"));
    no_cors_headers(run, id, e);
}

/// `null` is shared by every opaque origin, so the layer never passes it to
/// a predicate: even a predicate returning true for everything refuses it.
#[test]
fn sandboxed_iframe_null_origin_is_refused_by_allow_all_predicate() {
    let run = browser!();
    let id = "sandboxed_predicate_all";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some("null"));
    no_cors_headers(run, id, e);
}

/// The same predicate allows a real origin (control for the test above).
#[test]
fn allow_all_predicate_allows_real_origin() {
    let run = browser!();
    let id = "predicate_all_real_origin";
    allowed(run, id);
    assert_eq!(
        one_actual(run, id).resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
}

/// ACAO `*` matches any origin, `null` included (no credentials): the
/// permissive layer serves the sandboxed iframe.
#[test]
fn sandboxed_iframe_is_allowed_by_any_origin() {
    let run = browser!();
    let id = "sandboxed_permissive";
    allowed(run, id);
    assert_eq!(one_actual(run, id).req("origin"), Some("null"));
}

// ---------------------------------------------------------------------------
// gRPC-Web
// ---------------------------------------------------------------------------

/// A gRPC-Web unary call: POST with `application/grpc-web+proto` and the
/// x-grpc-web, x-user-agent, grpc-timeout headers is preflighted; the policy
/// allows them and exposes grpc-status / grpc-message to the client.
#[test]
fn grpc_web_call_is_allowed_and_grpc_status_is_readable() {
    let run = browser!();
    let id = "grpc_web";
    let a = allowed(run, id);
    assert_eq!(a.header("grpc-status"), Some("0"));
    assert_eq!(a.header("grpc-message"), Some("fine"));
    assert_eq!(a.header("x-secret"), None);
    let p = one_preflight(run, id);
    assert_eq!(p.req("access-control-request-method"), Some("POST"));
    assert_eq!(
        p.req("access-control-request-headers"),
        Some("content-type,grpc-timeout,x-grpc-web,x-user-agent")
    );
    let h = handler_saw_once(run, id);
    assert_eq!(h.req("content-type"), Some("application/grpc-web+proto"));
    assert_eq!(h.req("x-grpc-web"), Some("1"));
}
