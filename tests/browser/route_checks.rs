//! Browser checks of several policies in one layer: the `credentials`
//! server has a `/public` route (any origin, no credentials) and an `/api`
//! route (the base's origin and credentials, its own exposed header). One
//! page gets two verdicts from its two paths, another origin the opposite.

use crate::expect::*;
use crate::harness::{Frame, Run};

/// Allowed under the public route with `*`, no ACAC; the body readable.
fn public_star(run: &Run, id: &str, frame: Frame) {
    let a = allowed_from(run, id, frame);
    let e = one_actual(run, id);
    same(run, id, (e.resp(ACAO), e.resp(ACAC)), (Some("*"), None));
    let path = run.scenario(id).path_str();
    same(run, id, a.body.clone(), Some(format!("credentials GET {path}")));
}

/// A credentialed fetch to the API route: origin echoed with ACAC, the body
/// and the route's exposed header readable; the route's list replaced the
/// base's expose-any, so `x-secret` stays hidden.
fn credentialed_fetch_to_the_api_route_is_allowed_and_readable(run: &Run) {
    let id = "route_api_credentialed";
    let a = allowed_echoing(run, id, Frame::Top);
    same(run, id, one_actual(run, id).resp(ACAC), Some("true"));
    same(run, id, a.body.as_deref(), Some("credentials GET /api/route_api_credentialed"));
    same(run, id, (a.header("x-request-id"), a.header("x-secret")), (Some("rid-1"), None));
}

checks![
    // The same page, two paths of one server: `*` for an anonymous fetch...
    public_route_allows_the_app_page_with_star
        => public_star("route_public_anonymous", Frame::Top),
    // ...a failed credentialed fetch to the public route, whose `*` (without
    // ACAC) the CORS check refuses for a credentialed request...
    credentialed_fetch_to_the_public_route_fails_on_its_star
        => blocked_on_star("route_public_credentialed"),
    // ...and a credentialed, readable fetch to the API route.
    credentialed_fetch_to_the_api_route_is_allowed_and_readable,
    // A page on another origin: the API route sends it no CORS headers, the
    // public route serves it `*`.
    api_route_refuses_another_origin => blocked_from("route_api_foreign", Frame::LookAlike),
    public_route_allows_another_origin_with_star
        => public_star("route_public_foreign", Frame::LookAlike),
];
