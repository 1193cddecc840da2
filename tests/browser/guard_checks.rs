//! Browser checks of the guards. `guard_websockets`: browsers send `Origin`
//! on WebSocket handshakes but apply no CORS check to them, so the guard's
//! 403 is what keeps a foreign page from opening a socket.
//! `guard_cross_origin_writes`, on the `writes` server (the app's origin with
//! credentials, guard on): CORS only hides responses, so a cross-site form or
//! a no-cors `fetch` POST reaches the handler unless the guard refuses it.

use crate::expect::*;
use crate::harness::{Entry, Run};

/// The one request the browser sent for `id` (no preflight).
fn one_write<'r>(run: &'r Run, id: &str) -> &'r Entry {
    no_preflight(run, id);
    one_actual(run, id)
}

/// The one request (no preflight), a `method` with this `Origin` (`None`: not
/// checked; [`PAGE_ORIGIN`]: the page's), got `status`: 403 is the layer's,
/// without CORS headers and no handler; any other came from the handler,
/// which ran once.
fn guarded(run: &Run, id: &str, method: &str, origin: Option<&str>, status: u16) {
    let e = one_write(run, id);
    let origin = origin.map(|o| if o == PAGE_ORIGIN { run.page_origin(id) } else { o.to_owned() });
    let got = (e.method.as_str(), e.status, e.req("origin").filter(|_| origin.is_some()));
    same(run, id, got, (method, Some(status), origin.as_deref()));
    if status == 403 {
        no_cors_headers(run, id, e);
        handler_never_saw_it(run, id);
    } else {
        handler_saw_once(run, id);
    }
}

/// The socket from the page opened (101, the handler ran) and echoed, or
/// failed (the handshake got a bare 403, no handler).
fn socket(run: &Run, id: &str, opens: bool) {
    if opens {
        same(run, id, allowed(run, id).body.as_deref(), Some(id));
    } else {
        ensure(run, id, !run.attempt(id).ok, "the socket to fail");
    }
    guarded(run, id, "GET", Some(PAGE_ORIGIN), if opens { 101 } else { 403 });
}

/// The page ran the POST, with this `Origin`, and it got `status`.
fn write(run: &Run, id: &str, origin: &str, status: u16) {
    run.attempts(id);
    guarded(run, id, "POST", Some(origin), status);
}

fn credentialed_fetch_from_allowed_origin_passes_and_reads_the_response(run: &Run) {
    let id = "w_credentialed";
    // It resolves only with ACAC too, which the page cannot read itself.
    let a = allowed_with(run, id, &[(ACAO, PAGE_ORIGIN), (ACAC, "true")]);
    let body = Some("writes POST /s/w_credentialed");
    same(run, id, (a.status, a.body.as_deref()), (Some(200), body));
    write(run, id, PAGE_ORIGIN, 200);
}

/// What each engine sends as `Sec-Fetch-Site` (and `Sec-Fetch-Mode`) from
/// these `*.localhost` pages (potentially trustworthy, so all three send
/// them), pinned: the guard decides by it before `Origin`.
#[rustfmt::skip]
fn sec_fetch_site_is_what_each_engine_sends(run: &Run) {
    for (id, site, mode) in [
        ("w_cross_site_form", "cross-site", "navigate"), ("w_no_cors", "cross-site", "no-cors"),
        ("w_no_referrer_form", "cross-site", "navigate"), ("w_same_origin_form", "same-origin", "navigate"),
        ("w_credentialed", "cross-site", "cors"), ("w_navigation", "cross-site", "navigate"),
    ] {
        let e = one_write(run, id);
        same(run, id, (e.req("sec-fetch-site"), e.req("sec-fetch-mode")), (Some(site), Some(mode)));
    }
}

checks![
    websocket_from_allowed_page_connects_and_echoes => socket("ws_allowed", true),
    // A look-alike page's handshake, or a sandboxed frame's (`Origin: null`,
    // not allowed), gets the layer's 403: no socket, no handler.
    websocket_from_foreign_page_fails_and_handler_never_runs => socket("ws_foreign", false),
    websocket_from_sandboxed_frame_is_refused => socket("ws_sandboxed", false),
    // Control: without the guard the foreign page connects and gets its echo,
    // as browsers check no CORS headers on a handshake (cross-site WebSocket
    // hijacking).
    websocket_without_guard_connects_from_any_page => socket("ws_unguarded_foreign", true),
    // A cross-site HTML form POST carries the foreign page's origin.
    cross_site_form_post_is_refused_and_the_handler_never_runs
        => write("w_cross_site_form", PAGE_ORIGIN, 403),
    // So does a no-cors `fetch` POST (the page cannot tell: its response is opaque).
    no_cors_fetch_post_is_refused_and_the_handler_never_runs
        => write("w_no_cors", PAGE_ORIGIN, 403),
    // A form POST from a page whose referrer policy is `no-referrer` carries
    // `Origin: null` (as a sandboxed frame's) in every engine, which no
    // origin rule allows.
    no_referrer_form_post_sends_null_and_is_refused => write("w_no_referrer_form", "null", 403),
    // The api's own page (frame `Api`) posts a form to it: same-origin, passed.
    same_origin_form_post_passes => write("w_same_origin_form", PAGE_ORIGIN, 200),
    credentialed_fetch_from_allowed_origin_passes_and_reads_the_response,
    // The top page, once it reported, navigates itself to the api: a
    // top-level GET (no page result), passed.
    top_level_navigation_get_passes => guarded("w_navigation", "GET", None, 200),
    sec_fetch_site_is_what_each_engine_sends,
];
