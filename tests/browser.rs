//! Real-browser conformance suite: Chromium, Firefox ESR and WebKitGTK each
//! run `fetch()` calls (and forms, WebSockets, a navigation) from a page on
//! `http://app.localhost:PA/` and its iframes on other origins (the engines
//! resolve `*.localhost` to loopback themselves) against loopback api
//! servers, `handler -> CorsLayer (the policy) -> outer recorder`: the
//! recorder logs every request the browser sent (preflights included) with
//! the final response, the handler what reached the application. The page
//! posts the outcomes back (no WebDriver); each engine runs it once per
//! binary, side by side (`browser/harness.rs`). Each check is one test per
//! engine, `ENGINE::check`; one whose result differs by engine says why.
//!
//! A missing engine makes its tests `ignored` (with the reason), or failed
//! when `CI` is set. `CHROMIUM`, `FIREFOX` and `MINIBROWSER` point at other
//! builds; `BROWSER_SUITE_DUMP=1` prints what the page and the wire saw.
//!
//! Adding a check: its scenario in `scenarios()` (id, frame, the server whose
//! policy answers), then in `checks![...]` of a `browser/*_checks.rs` file
//! either `name` (a `fn name(run: &Run)` there, using `expect.rs`) or
//! `name => helper(args)`, which runs `helper(run, args)`; a `//` comment
//! above each entry says why the case matters.

#[path = "browser/engine.rs"]
mod engine;
#[path = "browser/expect.rs"]
mod expect;
#[path = "browser/harness.rs"]
mod harness;
#[path = "browser/servers.rs"]
mod servers;

/// `checks![f, name => helper(args), ...]`: the module's checks, by name.
macro_rules! checks {
    ($($check:ident $(=> $helper:ident($($arg:expr),* $(,)?))?),* $(,)?) => {
        pub const CHECKS: &[(&str, fn(&Run))] =
            &[$((stringify!($check), checks!(@fn $check $(=> $helper($($arg),*))?))),*];
    };
    (@fn $check:ident) => { $check };
    (@fn $check:ident => $helper:ident($($arg:expr),*)) => { |run: &Run| { $helper(run, $($arg),*); } };
}

#[path = "browser/guard_checks.rs"]
mod guard_checks;
#[path = "browser/origin_checks.rs"]
mod origin_checks;
#[path = "browser/request_checks.rs"]
mod request_checks;

use std::process::ExitCode;
use std::time::Duration;

use axum::routing::get;
use engine::Engine;
use harness::{shared_run, Env, Frame, Scenario, Wrap};
use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde_json::json;
use tower_cors::CorsLayer;

// Policies: one api server per policy (`env` has the app servers' ports).

#[rustfmt::skip]
fn servers(env: &Env) -> Vec<(&'static str, Wrap)> {
    let (a, b) = (Frame::Top.origin(env), Frame::OtherPort.origin(env));
    let sub = format!("http://*.app.localhost:{}", env.port("app"));
    let h = HeaderName::from_static;
    let app = || CorsLayer::builder().allow_origins([a.as_str()]);
    let put = || app().allow_methods([Method::PUT]);
    let policies = [
        ("exact", app().allow_methods([Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS])
            .allow_headers([http::header::CONTENT_TYPE, h("x-custom")]).expose_headers([h("x-request-id")]).build()),
        ("subdomain", CorsLayer::builder().allow_origins([sub.as_str()]).build()),
        ("port_pattern", CorsLayer::builder().allow_origins(["http://app.localhost:*"]).build()),
        // Routes (browser/origin_checks.rs): `*` under /public; under /api the
        // base's origin and credentials with the route's own lists.
        ("credentials", app().allow_any_method().allow_any_header().expose_any_header().allow_credentials(true)
            .route("/public", |r| r.allow_any_origin().allow_credentials(false))
            .route("/api", |r| r.allow_methods([Method::GET]).expose_headers([h("x-request-id")])).build()),
        ("permissive", Ok(CorsLayer::permissive())),
        ("any_header", app().allow_any_header().build()),
        ("status_200", put().preflight_status(StatusCode::OK).build()),
        ("max_age", put().max_age(Duration::from_secs(600)).build()),
        ("max_age_zero", put().max_age(Duration::ZERO).build()),
        ("expose_any", CorsLayer::builder().allow_origins([a.as_str(), b.as_str()]).expose_any_header().build()),
        ("predicate_all", CorsLayer::builder().allow_origin_predicate(|_: &HeaderValue, _: &Parts| true).build()),
        ("grpc", app().allow_methods([Method::POST])
            .allow_headers([http::header::CONTENT_TYPE, h("x-grpc-web"), h("x-user-agent"), h("grpc-timeout")])
            .expose_headers([h("grpc-status"), h("grpc-message")]).build()),
        ("websocket", app().guard_websockets(true).build()),
        ("writes", app().allow_credentials(true).guard_cross_origin_writes(true).build()),
    ];
    let built = policies.map(|(name, r)| {
        let cors = r.unwrap_or_else(|e| panic!("policy {name} does not build: {e}"));
        (name, Box::new(move |r: axum::Router| r.layer(cors)) as Wrap)
    });
    // Control without any CORS layer: the handler echoes Origin into
    // Access-Control-Allow-Origin itself and sends no `Vary`.
    let no_cors: Wrap = Box::new(|r: axum::Router| r);
    built.into_iter().chain([("lookup", lookup_server(&a)), ("no_cors_layer", no_cors)]).collect()
}

/// Tenants from a store through `allow_origin_lookup`, with an admin route
/// (outside the CORS layer) that adds the requesting page's origin to the
/// store and invalidates its cached answer. Refusals are kept 10 minutes, so
/// only the invalidation can let a refused tenant in during the run.
fn lookup_server(app: &str) -> Wrap {
    let tenants = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let store = tenants.clone();
    let lookup = move |origin: String| {
        let allowed = store.lock().unwrap().contains(&origin);
        async move { Ok::<_, std::convert::Infallible>(allowed) }
    };
    let cors = CorsLayer::builder().allow_origins([app]).allow_origin_lookup(lookup);
    let cors = cors.origin_lookup_refused_ttl(Duration::from_secs(600)).build().expect("it builds");
    let admin = cors.clone();
    let add_tenant = move |headers: http::HeaderMap| {
        if let Some(origin) = headers.get(http::header::ORIGIN).and_then(|o| o.to_str().ok()) {
            tenants.lock().unwrap().push(origin.to_owned());
            admin.invalidate_origin(origin);
        }
        async { "added" }
    };
    Box::new(move |r: axum::Router| r.layer(cors).route("/admin/tenants", get(add_tenant)))
}

// Scenarios: what the page does (the checks look them up by id).

#[rustfmt::skip]
fn scenarios() -> Vec<Scenario> {
    use Frame::*;
    let s = Scenario::new;
    let include = json!({ "credentials": "include" });
    let put = || json!({ "method": "PUT" });
    let bearer = json!({ "headers": { "authorization": "Bearer t0ken" } });
    let cache = json!({ "cache": "force-cache" });
    vec![
        // Simple requests and exact origins.
        s("simple_get_allowed", Top, "exact"), s("simple_get_look_alike", LookAlike, "exact"),
        s("simple_get_other_port", OtherPort, "exact"), s("simple_get_uppercase_page", Upper, "exact"),
        // Patterns.
        s("subdomain_one_label", Sub, "subdomain"), s("subdomain_two_labels", DeepSub, "subdomain"),
        s("subdomain_apex", Top, "subdomain"), s("subdomain_look_alike", LookAlike, "subdomain"),
        s("subdomain_other_port", SubOtherPort, "subdomain"), s("port_pattern_same_port", Top, "port_pattern"),
        s("port_pattern_other_port", OtherPort, "port_pattern"), s("port_pattern_other_host", Sub, "port_pattern"),
        // Credentials.
        s("credentials_get", Top, "credentials").init(include.clone()),
        s("credentials_put", Top, "credentials").init(json!({ "method": "PUT", "credentials": "include" })),
        s("credentials_omitted", Top, "credentials"),
        s("credentials_expose_any", Top, "credentials").init(include.clone()).read(&["x-secret", "grpc-message"]),
        s("credentials_any_header", Top, "credentials").init(json!({
            "method": "PUT", "credentials": "include", "headers": { "authorization": "Bearer t0ken", "x-custom": "1" }
        })),
        s("permissive_credentials_get", Top, "permissive").init(include.clone()),
        // One layer, two routes: /public (`*`) and /api (credentials).
        s("route_public_anonymous", Top, "credentials").path("/public/route_public_anonymous"),
        s("route_public_credentialed", Top, "credentials").path("/public/route_public_credentialed").init(include.clone()),
        s("route_api_credentialed", Top, "credentials").path("/api/route_api_credentialed").init(include.clone())
            .read(&["x-request-id", "x-secret"]),
        s("route_api_foreign", LookAlike, "credentials").path("/api/route_api_foreign").init(include.clone()),
        s("route_public_foreign", LookAlike, "credentials").path("/public/route_public_foreign"),
        s("permissive_get_look_alike", LookAlike, "permissive"), s("permissive_put", Top, "permissive").init(put()),
        // Preflighted methods.
        s("put", Top, "exact")
            .init(json!({ "method": "PUT", "headers": { "content-type": "application/json" }, "body": "{\"a\":1}" })),
        s("delete", Top, "exact").init(json!({ "method": "DELETE" })),
        s("patch", Top, "exact").init(json!({ "method": "PATCH" })),
        s("preflight_look_alike", LookAlike, "exact").init(put()),
        s("disallowed_method", Top, "exact").init(json!({ "method": "PROPFIND" })),
        s("lowercase_patch", Top, "exact").init(json!({ "method": "patch" })),
        s("lowercase_patch_any_method", Top, "permissive").init(json!({ "method": "patch" })),
        s("options_method", Top, "exact").init(json!({ "method": "OPTIONS" })),
        // Request headers.
        s("custom_header", Top, "exact").init(json!({ "headers": { "x-custom": "1" } })),
        s("unlisted_header", Top, "exact").init(json!({ "headers": { "x-other": "1" } })),
        s("any_header_authorization", Top, "any_header").init(bearer.clone()),
        s("any_header_arbitrary", Top, "any_header").init(json!({ "headers": { "x-anything": "1" } })),
        s("permissive_authorization", Top, "permissive").init(bearer.clone()),
        // Control: a hand-rolled answer of a bare `*` for the headers.
        s("bare_star_authorization", Top, "no_cors_layer").query("?acao=*&acam=*&acah=*").init(bearer),
        s("bare_star_arbitrary", Top, "no_cors_layer").query("?acao=*&acam=*&acah=*")
            .init(json!({ "headers": { "x-anything": "1" } })),
        // Preflight status and caching.
        s("preflight_status_200", Top, "status_200").init(put()),
        s("max_age_cached", Top, "max_age").init(put()).repeat(2),
        s("no_max_age_cached", Top, "exact").init(put()).repeat(2),
        s("max_age_zero", Top, "max_age_zero").init(put()).repeat(2),
        // Response headers.
        s("exposed_header", Top, "exact").read(&["x-request-id"]),
        s("unexposed_header", Top, "exact").read(&["x-secret", "x-request-id"]),
        s("expose_any", Top, "expose_any").read(&["x-secret", "x-request-id", "grpc-status"]),
        s("vary_readable", Top, "expose_any").read(&["vary"]),
        // Inner handlers.
        s("handler_sets_acao", Top, "exact").query("?acao=http://evil.example"),
        s("handler_500", Top, "exact").query("?status=500"),
        s("handler_star_refused_origin", LookAlike, "exact").query("?acao=*"),
        s("handler_vary", Top, "expose_any").query("?vary=accept-encoding").read(&["vary"]),
        // Null origin.
        s("sandboxed_exact", Sandboxed, "exact"), s("sandboxed_predicate_all", Sandboxed, "predicate_all"),
        s("sandboxed_permissive", Sandboxed, "permissive"), s("predicate_all_real_origin", Top, "predicate_all"),
        // HTTP cache and Vary: the same URL fetched from two origins of one
        // site (app.localhost:PA then app.localhost:PB), forcing the cache.
        s("vary_cache_first", Top, "expose_any").path("/s/vary_cache").query("?cache=1").init(cache.clone()),
        s("vary_cache_second", OtherPort, "expose_any").path("/s/vary_cache").query("?cache=1").init(cache.clone()),
        s("no_vary_cache_first", Top, "no_cors_layer").path("/s/no_vary_cache").query("?cache=1&echo_acao=1").init(cache.clone()),
        s("no_vary_cache_second", OtherPort, "no_cors_layer").path("/s/no_vary_cache").query("?cache=1&echo_acao=1").init(cache),
        // Origins from a lookup: refused, the tenant added, allowed.
        s("lookup_before", Sub, "lookup"), s("lookup_add_tenant", Sub, "lookup").path("/admin/tenants"),
        s("lookup_after", Sub, "lookup"),
        // gRPC-Web.
        s("grpc_web", Top, "grpc").init(json!({ "method": "POST", "body": "AAAAAAA=", "headers": {
            "content-type": "application/grpc-web+proto", "x-grpc-web": "1", "x-user-agent": "grpc-web-javascript/0.1",
            "grpc-timeout": "1S"
        } })).read(&["grpc-status", "grpc-message", "x-secret"]),
        // WebSocket handshakes: guarded, and a control without the guard.
        s("ws_allowed", Top, "websocket").kind("websocket"), s("ws_foreign", LookAlike, "websocket").kind("websocket"),
        s("ws_sandboxed", Sandboxed, "websocket").kind("websocket"),
        s("ws_unguarded_foreign", LookAlike, "exact").kind("websocket"),
        // Cross-origin writes, guarded (browser/guard_checks.rs). The
        // no-referrer form comes last in its frame: it sets the frame's
        // referrer policy.
        s("w_credentialed", Top, "writes").init(json!({ "method": "POST", "credentials": "include", "body": "amount=1" })),
        s("w_no_cors", LookAlike, "writes")
            .init(json!({ "mode": "no-cors", "method": "POST", "credentials": "include", "body": "amount=100" })),
        s("w_cross_site_form", LookAlike, "writes").kind("form"),
        s("w_no_referrer_form", LookAlike, "writes").kind("form").init(json!({ "referrerPolicy": "no-referrer" })),
        s("w_same_origin_form", Api, "writes").kind("form"), s("w_navigation", Top, "writes").kind("navigate"),
    ]
}

/// One trial per check and engine. A missing engine's trials are ignored
/// (reason given), or fail in CI; the engines with a trial to run start
/// together, before the trials wait for them.
fn main() -> ExitCode {
    let args = Arguments::from_args();
    let in_ci = std::env::var_os("CI").is_some();
    let (mut trials, mut to_start) = (Vec::new(), Vec::new());
    for engine in Engine::ALL {
        let found = engine.find();
        let first = trials.len();
        let checks = [origin_checks::CHECKS, request_checks::CHECKS, guard_checks::CHECKS];
        for &(name, check) in checks.into_iter().flatten() {
            let name = format!("{}::{name}", engine.name());
            trials.push(match found.clone() {
                Ok(launcher) => Trial::test(name, move || {
                    check(shared_run(&launcher)?);
                    Ok(())
                }),
                Err(why) if in_ci => Trial::test(name, move || {
                    Err(Failed::from(format!("{why}; CI is set, so this fails")))
                }),
                Err(why) => Trial::ignorable_test(name, move || Ok(Completion::ignored_with(why))),
            });
        }
        let wanted = !args.list && trials[first..].iter().any(|t| !args.is_filtered_out(t));
        to_start.extend(found.ok().filter(|_| wanted));
    }
    for launcher in to_start {
        std::thread::spawn(move || shared_run(&launcher));
    }
    libtest_mimic::run(&args, trials).exit_code()
}
