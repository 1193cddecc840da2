#[path = "browser/harness.rs"]
mod harness;
use harness::*;
use serde_json::json;
use tower_http::cors::{CorsLayer as Th, AllowOrigin};

const NAMES: &[&str] = &["exact", "perm"];
fn servers(env: &Env) -> Vec<(&'static str, Wrap)> {
    let o = env.app_origin();
    vec![
        ("exact", Box::new(move |r: axum::Router| r.layer(Th::new().allow_origin(AllowOrigin::exact(hv(&o))).allow_methods([http::Method::PUT]))) as Wrap),
        ("perm", Box::new(|r: axum::Router| r.layer(Th::permissive())) as Wrap),
    ]
}
fn scenarios(_env: &Env) -> Vec<Scenario> {
    vec![
        Scenario::new("get_ok", Frame::Top, "exact"),
        Scenario::new("put_ok", Frame::Top, "exact").init(json!({"method":"PUT"})),
        Scenario::new("evil", Frame::LookAlike, "exact"),
        Scenario::new("sandbox", Frame::Sandboxed, "perm").read(&["x-secret"]),
        Scenario::new("sub", Frame::Sub, "perm").repeat(2),
    ]
}
static SUITE: Suite = Suite { servers, scenarios, server_names: NAMES };
#[test]
fn dump() {
    let Some(run) = shared_run(&SUITE) else { return };
    eprintln!("elapsed {:?}", run.elapsed);
    for id in ["get_ok","put_ok","evil","sandbox","sub"] { eprintln!("{}", run.explain(id)); }
}
