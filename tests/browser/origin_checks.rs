//! Browser checks about origins: exact origins, patterns, credentials, the
//! opaque origin `null`, and several policies in one layer (the routes of the
//! `credentials` server): one page gets two verdicts from its two paths,
//! another origin the opposite.

use crate::expect::*;
use crate::harness::Run;

/// Fetch "CORS check": a simple GET (no preflight) succeeds when ACAO equals
/// the request's serialized origin; the layer echoes it and adds `Vary: Origin`.
fn simple_get_from_allowed_origin_is_allowed(run: &Run) {
    let id = "simple_get_allowed";
    let a = allowed_echoing(run, id);
    same(
        run,
        id,
        (a.status, a.body.as_deref()),
        (Some(200), Some("exact GET /s/simple_get_allowed")),
    );
    no_preflight(run, id);
    ensure(run, id, vary_has(one_actual(run, id), "origin"), "Vary: origin");
    handler_saw_once(run, id);
}

/// `Origin` is the ASCII serialization of an origin (lowercase scheme and
/// host, no trailing slash, the port only when not the default, or `null`):
/// why configured origins must be canonical and can be matched byte for byte.
fn browser_only_ever_sends_canonical_origins(run: &Run) {
    let origins: Vec<_> = run.log.iter().filter_map(|e| Some((e.req("origin")?, e))).collect();
    for (o, e) in origins.iter().filter(|(o, _)| *o != "null") {
        let port = o.rsplit(':').next().unwrap();
        let canonical =
            *o == o.to_ascii_lowercase() && o.starts_with("http://") && !o.ends_with('/');
        assert!(canonical && !o.ends_with(":80"), "{e:?}");
        assert!(port.parse::<u16>().is_ok(), "explicit non-default port expected: {e:?}");
    }
    assert!(origins.len() > 40, "expected many cross-origin requests, saw {}", origins.len());
}

/// With credentials, `*` in Access-Control-Allow-Headers is a literal header
/// name, so an any-header policy with credentials must list the requested
/// headers (Authorization included); the browser then allows the request.
fn credentialed_request_with_any_header_policy_gets_requested_headers_listed(run: &Run) {
    let id = "credentials_any_header";
    let wire = [(ACRH, "authorization,x-custom"), (ACAM, "PUT")];
    preflighted(run, id, &wire, &[("authorization", "Bearer t0ken")]);
    let acah = items(one_preflight(run, id).resp(ACAH));
    let listed = ["authorization", "x-custom"].iter().all(|h| acah.iter().any(|t| t == h));
    ensure(run, id, listed, "authorization and x-custom listed");
}

/// With credentials, `*` in Access-Control-Expose-Headers is a literal header
/// name, so expose_any_header() with credentials lists the response's own
/// header names; the page can read them.
fn credentialed_expose_any_header_lists_names_and_they_are_readable(run: &Run) {
    let id = "credentials_expose_any";
    let a = allowed(run, id);
    same(run, id, (a.header("x-secret"), a.header("grpc-message")), (Some("s3cret"), Some("fine")));
    let aceh = one_actual(run, id).resp("access-control-expose-headers").unwrap_or("");
    ensure(run, id, aceh.trim() != "*" && aceh.contains("x-secret"), "x-secret named");
}

/// Access-Control-Allow-Credentials has a single meaningful value, `true`,
/// and only policies with credentials send it (checked over the whole run).
fn allow_credentials_header_is_only_ever_true(run: &Run) {
    let sent: Vec<_> = run.log.iter().filter(|e| e.resp(ACAC).is_some()).collect();
    for e in &sent {
        let credentials = ["credentials", "writes"].contains(&e.server.as_str());
        assert!(e.resp(ACAC) == Some("true") && credentials, "{e:?}");
    }
    assert!(sent.len() >= 3, "credentials policy responses expected, saw {}", sent.len());
}

/// The refusal is cached for 10 minutes: only the admin endpoint's
/// invalidation lets the tenant's next request through.
fn lookup_tenant_is_blocked_before_being_added_and_allowed_right_after(run: &Run) {
    blocked_from(run, "lookup_before");
    let after = "lookup_after";
    same(run, after, allowed_echoing(run, after).status, Some(200));
    ensure(run, after, vary_has(one_actual(run, after), "origin"), "Vary: origin");
}

/// Allowed under the public route with `*`, no ACAC; the body readable.
fn public_star(run: &Run, id: &str) {
    let (a, e) = (allowed_from(run, id), one_actual(run, id));
    same(run, id, (e.resp(ACAO), e.resp(ACAC)), (Some("*"), None));
    let body = format!("credentials GET {}", run.scenario(id).path_str());
    same(run, id, a.body.clone(), Some(body));
}

/// The route's exposed header is readable, and its list replaced the base's
/// expose-any, so `x-secret` stays hidden.
fn credentialed_fetch_to_the_api_route_is_allowed_and_readable(run: &Run) {
    let id = "route_api_credentialed";
    let a = allowed_with(run, id, &[(ACAO, PAGE_ORIGIN), (ACAC, "true")]);
    same(run, id, a.body.as_deref(), Some("credentials GET /api/route_api_credentialed"));
    same(run, id, (a.header("x-request-id"), a.header("x-secret")), (Some("rid-1"), None));
}

checks![
    simple_get_from_allowed_origin_is_allowed,
    // Simple request: no preflight, so the handler runs; the browser then
    // fails the CORS check, as the layer adds no ACAO for an unlisted origin.
    simple_get_from_look_alike_origin_is_blocked_but_reaches_handler
        => blocked_but_handled("simple_get_look_alike"),
    // Origins are (scheme, host, port): another port is another origin.
    origin_differing_only_by_port_is_refused => blocked_from("simple_get_other_port"),
    // The URL parser lower-cases hosts: a page loaded as
    // `http://APP.LOCALHOST:PA` sends `http://app.localhost:PA`, matched exactly.
    page_loaded_with_uppercase_host_sends_lowercase_origin_and_is_allowed
        => allowed_from("simple_get_uppercase_page"),
    browser_only_ever_sends_canonical_origins,
    // `http://*.app.localhost:PA`: `*.` is one or more labels, never the apex;
    // `evilapp.localhost` ends with `app.localhost` but is no subdomain of it;
    // the pattern's explicit port is kept.
    subdomain_pattern_allows_one_label_subdomain => allowed_echoing("subdomain_one_label"),
    subdomain_pattern_allows_multi_label_subdomain => allowed_echoing("subdomain_two_labels"),
    subdomain_pattern_refuses_apex => blocked_from("subdomain_apex"),
    subdomain_pattern_refuses_look_alike_host => blocked_from("subdomain_look_alike"),
    subdomain_pattern_refuses_other_port => blocked_from("subdomain_other_port"),
    // `http://app.localhost:*` matches the host on any port, and no other host.
    port_pattern_allows_first_port => allowed("port_pattern_same_port"),
    port_pattern_allows_second_port => allowed_echoing("port_pattern_other_port"),
    port_pattern_refuses_other_host => blocked_from("port_pattern_other_host"),
    // Credentialed CORS check: ACAO must be the origin (not `*`).
    credentialed_get_is_allowed_with_exact_origin_and_credentials
        => allowed_with("credentials_get", &[(ACAO, PAGE_ORIGIN), (ACAC, "true")]),
    // For a credentialed preflight `*` in Access-Control-Allow-Methods is the
    // literal method name `*`, so an any-method policy with credentials must
    // mirror the requested method; the browser then allows the PUT.
    credentialed_preflighted_put_is_allowed_with_mirrored_method => preflighted("credentials_put",
        &[(ACRM, "PUT"), (ACAM, "PUT"), (ACAC, "true"), (ACAO, PAGE_ORIGIN)],
        &[(":method", "PUT")]),
    credentialed_request_with_any_header_policy_gets_requested_headers_listed,
    credentialed_expose_any_header_lists_names_and_they_are_readable,
    credentials_policy_allows_uncredentialed_get => allowed("credentials_omitted"),
    allow_credentials_header_is_only_ever_true,
    // With credentials mode "include", ACAO `*` (without ACAC) fails the CORS check.
    credentialed_get_is_blocked_under_permissive => blocked_on_star("permissive_credentials_get"),
    // Without credentials, ACAO `*` matches every origin.
    permissive_allows_uncredentialed_get_from_any_origin
        => allowed_with("permissive_get_look_alike", &[(ACAO, "*")]),
    // Without credentials, Access-Control-Allow-Methods `*` covers every method.
    permissive_preflight_answers_wildcard_methods_and_put_is_allowed
        => preflighted("permissive_put", &[(ACAM, "*"), (ACAO, "*")], &[(":method", "PUT")]),
    // A sandboxed iframe sends `Origin: null`, shared by every opaque origin:
    // an exact policy refuses it, and the layer never passes it to a
    // predicate, so even one returning true for everything refuses it (the
    // same predicate allows a real origin); ACAO `*` (no credentials) allows it.
    sandboxed_iframe_null_origin_is_refused_by_exact_policy => blocked_from("sandboxed_exact"),
    sandboxed_iframe_null_origin_is_refused_by_allow_all_predicate
        => blocked_from("sandboxed_predicate_all"),
    allow_all_predicate_allows_real_origin => allowed_echoing("predicate_all_real_origin"),
    sandboxed_iframe_is_allowed_by_any_origin => allowed_from("sandboxed_permissive"),
    lookup_tenant_is_blocked_before_being_added_and_allowed_right_after,
    // The same page, two paths of one server: `*` for an anonymous fetch...
    public_route_allows_the_app_page_with_star => public_star("route_public_anonymous"),
    // ...a failed credentialed fetch to the public route, whose `*` (without
    // ACAC) the CORS check refuses for a credentialed request...
    credentialed_fetch_to_the_public_route_fails_on_its_star
        => blocked_on_star("route_public_credentialed"),
    // ...and a credentialed, readable fetch to the API route.
    credentialed_fetch_to_the_api_route_is_allowed_and_readable,
    // A page on another origin: the API route sends it no CORS headers, the
    // public route serves it `*`.
    api_route_refuses_another_origin => blocked_from("route_api_foreign"),
    public_route_allows_another_origin_with_star => public_star("route_public_foreign"),
];
