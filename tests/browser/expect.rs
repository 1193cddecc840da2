//! Assertions shared by the browser checks; every message explains the
//! scenario (what the page and the wire saw).

use crate::harness::{Attempt, Entry, Run};

pub const ACAO: &str = "access-control-allow-origin";
pub const ACAM: &str = "access-control-allow-methods";
pub const ACAH: &str = "access-control-allow-headers";
pub const ACRM: &str = "access-control-request-method";
pub const ACRH: &str = "access-control-request-headers";
pub const ACAC: &str = "access-control-allow-credentials";

/// Asserts `ok`, saying `what` was expected and all about scenario `id`.
#[track_caller]
pub fn ensure(run: &Run, id: &str, ok: bool, what: &str) {
    assert!(ok, "expected {what}\n{}", run.explain(id));
}
#[track_caller]
pub fn same<T: PartialEq + std::fmt::Debug>(run: &Run, id: &str, got: T, want: T) {
    assert_eq!(got, want, "{}", run.explain(id));
}

/// The fetch resolved (CORS check passed); returns the attempt.
pub fn allowed<'r>(run: &'r Run, id: &str) -> &'r Attempt {
    for a in run.attempts(id) {
        ensure(run, id, a.ok, "the browser to allow it");
    }
    run.attempt(id)
}

/// The fetch rejected with a TypeError (network error), as CORS failures do.
pub fn blocked(run: &Run, id: &str) {
    for a in run.attempts(id) {
        ensure(run, id, !a.ok, "the browser to block it");
        ensure(run, id, a.error.as_deref().unwrap_or("").starts_with("TypeError"), "a TypeError");
    }
}

/// Allowed, and its one actual request's ACAO is the page's origin.
pub fn allowed_echoing<'r>(run: &'r Run, id: &str) -> &'r Attempt {
    allowed_with(run, id, &[(ACAO, PAGE_ORIGIN)])
}

fn one<'r>(run: &Run, id: &str, entries: Vec<&'r Entry>, what: &str) -> &'r Entry {
    ensure(run, id, entries.len() == 1, what);
    entries[0]
}
pub fn one_preflight<'r>(run: &'r Run, id: &str) -> &'r Entry {
    one(run, id, run.preflights(id), "exactly one preflight")
}
/// The single actual (non-preflight) request as it left the server.
pub fn one_actual<'r>(run: &'r Run, id: &str) -> &'r Entry {
    one(run, id, run.actual(id), "exactly one actual request")
}
pub fn handler_saw_once<'r>(run: &'r Run, id: &str) -> &'r Entry {
    one(run, id, run.handled(id), "the handler to see it once")
}
pub fn no_preflight(run: &Run, id: &str) {
    ensure(run, id, run.preflights(id).is_empty(), "no preflight");
}
pub fn handler_never_saw_it(run: &Run, id: &str) {
    ensure(run, id, run.handled(id).is_empty(), "the handler not to see it");
}
pub fn no_cors_headers(run: &Run, id: &str, e: &Entry) {
    let none = !e.resp.keys().any(|k| k.starts_with("access-control-"));
    ensure(run, id, none, "no Access-Control-* response headers");
}

/// The comma-separated items of a header value, trimmed and lowercased.
pub fn items(value: Option<&str>) -> Vec<String> {
    value.unwrap_or("").split(',').map(|t| t.trim().to_ascii_lowercase()).collect()
}
pub fn vary_has(e: &Entry, token: &str) -> bool {
    items(e.resp("vary")).iter().any(|t| t == token)
}

/// Blocked, its one actual request from the page's origin answered without
/// CORS headers; returns it.
pub fn blocked_from<'r>(run: &'r Run, id: &str) -> &'r Entry {
    blocked(run, id);
    let e = one_actual(run, id);
    no_cors_headers(run, id, e);
    same(run, id, e.req("origin"), Some(&*run.page_origin(id)));
    e
}

/// [`blocked_from`], yet the handler ran once (a simple request is sent
/// before the browser's CORS check).
pub fn blocked_but_handled(run: &Run, id: &str) {
    blocked_from(run, id);
    handler_saw_once(run, id);
}

/// Allowed, and its one actual request had these `wire` headers.
pub fn allowed_with<'r>(run: &'r Run, id: &str, wire: &[(&str, &str)]) -> &'r Attempt {
    let a = allowed(run, id);
    wire_has(run, id, one_actual(run, id), wire);
    a
}

pub fn allowed_from<'r>(run: &'r Run, id: &str) -> &'r Attempt {
    allowed_with(run, id, &[("origin", PAGE_ORIGIN)])
}

pub fn allowed_reading(run: &Run, id: &str, name: &str, value: &str) {
    same(run, id, allowed(run, id).header(name), Some(value));
}

/// In a `wire` row, the origin of the page that ran the scenario.
pub const PAGE_ORIGIN: &str = "<the page's origin>";

/// Entry `e` had these headers: on the wire `origin` and
/// `access-control-request-*` in the request, any other in the answer; as the
/// handler saw it, the request's (`:method`: its method).
pub fn wire_has(run: &Run, id: &str, e: &Entry, wire: &[(&str, &str)]) {
    for &(name, want) in wire {
        let in_request = name == "origin" || name.starts_with("access-control-request-");
        let got = match name {
            ":method" => Some(e.method.as_str()),
            _ if in_request || !e.outer() => e.req(name),
            _ => e.resp(name),
        };
        let want = if want == PAGE_ORIGIN { run.page_origin(id) } else { want.to_owned() };
        same(run, id, (name, got), (name, Some(want.as_str())));
    }
}

/// Allowed after one preflight with these `wire` headers; the handler saw the
/// request once, with these headers (`:method`: its method).
pub fn preflighted(run: &Run, id: &str, wire: &[(&str, &str)], handler: &[(&str, &str)]) {
    allowed(run, id);
    wire_has(run, id, one_preflight(run, id), wire);
    wire_has(run, id, handler_saw_once(run, id), handler);
}

/// A credentialed simple request blocked on the answer's `*` without ACAC
/// (the handler ran: a simple request is sent before the check).
pub fn blocked_on_star(run: &Run, id: &str) {
    blocked(run, id);
    let e = one_actual(run, id);
    same(run, id, (e.resp(ACAO), e.resp(ACAC)), (Some("*"), None));
    no_preflight(run, id);
    handler_saw_once(run, id);
}
