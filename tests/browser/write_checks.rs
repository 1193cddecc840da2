//! Browser checks of `guard_cross_origin_writes`, on the `writes` server (the
//! app's origin with credentials, guard on): CORS only hides responses, so a
//! cross-site form or a no-cors `fetch` POST reaches the handler unless the
//! guard refuses it. All three engines send `Sec-Fetch-Site` from these
//! `*.localhost` pages (potentially trustworthy), and
//! `sec_fetch_site_is_what_each_engine_sends` pins the values.

use crate::expect::*;
use crate::harness::{Entry, Frame, Run};

/// The one request the browser sent for `id` (no preflight).
fn one_write<'r>(run: &'r Run, id: &str) -> &'r Entry {
    no_preflight(run, id);
    one_actual(run, id)
}

/// The page ran it; the POST, from `frame`'s origin (`None`: `null`), got
/// the layer's 403 without CORS headers, and the handler never ran.
fn refused_write(run: &Run, id: &str, frame: Option<Frame>) {
    run.attempts(id);
    let e = one_write(run, id);
    let origin = frame.map_or("null".to_owned(), |f| run.origin(f));
    same(
        run,
        id,
        (e.method.as_str(), e.status, e.req("origin")),
        ("POST", Some(403), Some(&*origin)),
    );
    no_cors_headers(run, id, e);
    handler_never_saw_it(run, id);
}

/// The api's own page (frame `Api`) posts a form to it: same-origin, passed.
fn same_origin_form_post_passes(run: &Run) {
    let id = "w_same_origin_form";
    run.attempts(id);
    let (e, origin) = (one_write(run, id), run.origin(Frame::Api));
    same(
        run,
        id,
        (e.method.as_str(), e.status, e.req("origin")),
        ("POST", Some(200), Some(&*origin)),
    );
    handler_saw_once(run, id);
}

/// A credentialed `fetch` POST from the allowed origin passes, and the page
/// reads the answer.
fn credentialed_fetch_from_allowed_origin_passes_and_reads_the_response(run: &Run) {
    let id = "w_credentialed";
    let a = allowed_echoing(run, id, Frame::Top);
    same(
        run,
        id,
        (a.status, a.body.as_deref()),
        (Some(200), Some("writes POST /s/w_credentialed")),
    );
    let (e, origin) = (one_write(run, id), run.origin(Frame::Top));
    // It resolves only with ACAC too, which the page cannot read itself.
    let got = (e.req("origin"), e.resp("access-control-allow-credentials"));
    same(run, id, got, (Some(&*origin), Some("true")));
    handler_saw_once(run, id);
}

/// The top page, once it reported, navigates itself to the api: a top-level
/// GET, passed.
fn top_level_navigation_get_passes(run: &Run) {
    let (id, e) = ("w_navigation", one_write(run, "w_navigation"));
    same(run, id, (e.method.as_str(), e.status), ("GET", Some(200)));
    handler_saw_once(run, id);
}

/// What each engine sends as `Sec-Fetch-Site` (and `Sec-Fetch-Mode`) on
/// these requests, pinned: the guard decides by it before `Origin`.
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
    // A cross-site HTML form POST carries the foreign page's origin.
    cross_site_form_post_is_refused_and_the_handler_never_runs
        => refused_write("w_cross_site_form", Some(Frame::LookAlike)),
    // So does a no-cors `fetch` POST (the page cannot tell: its response is opaque).
    no_cors_fetch_post_is_refused_and_the_handler_never_runs
        => refused_write("w_no_cors", Some(Frame::LookAlike)),
    // A form POST from a page whose referrer policy is `no-referrer` carries
    // `Origin: null` in every engine, which no origin rule allows.
    no_referrer_form_post_sends_null_and_is_refused => refused_write("w_no_referrer_form", None),
    same_origin_form_post_passes,
    credentialed_fetch_from_allowed_origin_passes_and_reads_the_response,
    top_level_navigation_get_passes,
    sec_fetch_site_is_what_each_engine_sends,
];
