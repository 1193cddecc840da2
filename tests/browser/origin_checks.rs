//! Browser checks about origins: exact origins, patterns, credentials and
//! the opaque origin `null`.

use crate::expect::*;
use crate::harness::{Frame, Run};
// ---------------------------------------------------------------------------
// Simple requests, exact origins
// ---------------------------------------------------------------------------

/// Fetch "CORS check": a simple GET (no preflight) succeeds when
/// Access-Control-Allow-Origin equals the request's serialized origin. The
/// layer echoes the origin and adds `Vary: Origin`.
fn simple_get_from_allowed_origin_is_allowed(run: &Run) {
    let id = "simple_get_allowed";
    let a = allowed_echoing(run, id, Frame::Top);
    same(run, id, a.status, Some(200));
    let got = a.body.as_deref();
    same(run, id, got, Some("exact GET /s/simple_get_allowed"));
    no_preflight(run, id);
    let ok = vary_has(one_actual(run, id), "origin");
    ensure(run, id, ok, "Vary: origin");
    handler_saw_once(run, id);
}

/// A simple request is sent without a preflight, so the handler runs; the
/// browser then fails the CORS check because the response carries no
/// Access-Control-Allow-Origin (the layer adds none for an unlisted origin).
fn simple_get_from_look_alike_origin_is_blocked_but_reaches_handler(run: &Run) {
    let id = "simple_get_look_alike";
    let e = blocked_without_cors(run, id);
    let got = e.req("origin");
    same(run, id, got, Some(run.origin(Frame::LookAlike).as_str()));
    handler_saw_once(run, id);
}

/// Origins are tuples (scheme, host, port): a page differing only by port is
/// another origin and the exact policy must refuse it.
fn origin_differing_only_by_port_is_refused(run: &Run) {
    blocked_without_cors(run, "simple_get_other_port");
}

/// The URL parser lower-cases hosts, so a page loaded as
/// `http://APP.LOCALHOST:PA` has origin `http://app.localhost:PA`, which the
/// exact (byte-equal) match accepts.
fn page_loaded_with_uppercase_host_sends_lowercase_origin_and_is_allowed(run: &Run) {
    let id = "simple_get_uppercase_page";
    allowed(run, id);
    let got = one_actual(run, id).req("origin");
    same(run, id, got, Some(run.origin(Frame::Top).as_str()));
}

/// The `Origin` header is the ASCII serialization of an origin: lowercase
/// scheme and host, no trailing slash, the port only when not the default,
/// or `null`. That is why configured origins must be canonical and can be
/// matched by byte equality. Checked over every request of the run.
fn browser_only_ever_sends_canonical_origins(run: &Run) {
    let origins: Vec<_> = run.log.iter().filter_map(|e| Some((e.req("origin")?, e))).collect();
    for (o, e) in origins.iter().filter(|(o, _)| *o != "null") {
        let port = o.rsplit(':').next().unwrap();
        let canonical =
            *o == o.to_ascii_lowercase() && o.starts_with("http://") && !o.ends_with('/');
        assert!(canonical && !o.ends_with(":80"), "{e:?}");
        let ok = port.parse::<u16>().is_ok();
        assert!(ok, "explicit non-default port expected: {e:?}");
    }
    assert!(origins.len() > 40, "expected many cross-origin requests, saw {}", origins.len());
}

// ---------------------------------------------------------------------------
// Origin patterns
// ---------------------------------------------------------------------------

/// `http://*.app.localhost:PA` matches a one-label subdomain.
fn subdomain_pattern_allows_one_label_subdomain(run: &Run) {
    allowed_echoing(run, "subdomain_one_label", Frame::Sub);
}

/// `*.` stands for one or more labels: `y.x.app.localhost` matches.
fn subdomain_pattern_allows_multi_label_subdomain(run: &Run) {
    allowed_echoing(run, "subdomain_two_labels", Frame::DeepSub);
}

/// The subdomain pattern never matches the apex `app.localhost`.
fn subdomain_pattern_refuses_apex(run: &Run) {
    blocked_without_cors(run, "subdomain_apex");
}

/// `evilapp.localhost` ends with `app.localhost` as a string but is not a
/// subdomain of it: refused.
fn subdomain_pattern_refuses_look_alike_host(run: &Run) {
    blocked_without_cors(run, "subdomain_look_alike");
}

/// The subdomain pattern has an explicit port; the same host on another port
/// is refused.
fn subdomain_pattern_refuses_other_port(run: &Run) {
    blocked_without_cors(run, "subdomain_other_port");
}

/// `http://app.localhost:*` matches the host on any port.
fn port_pattern_allows_first_port(run: &Run) {
    allowed(run, "port_pattern_same_port");
}

/// `http://app.localhost:*` matches the host on any port.
fn port_pattern_allows_second_port(run: &Run) {
    allowed_echoing(run, "port_pattern_other_port", Frame::OtherPort);
}

/// A port pattern does not widen the host: `x.app.localhost` is refused.
fn port_pattern_refuses_other_host(run: &Run) {
    blocked_without_cors(run, "port_pattern_other_host");
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// Credentialed CORS check: ACAO must equal the origin (not `*`) and
/// Access-Control-Allow-Credentials must be exactly `true`.
fn credentialed_get_is_allowed_with_exact_origin_and_credentials(run: &Run) {
    let id = "credentials_get";
    allowed_echoing(run, id, Frame::Top);
    let acac = one_actual(run, id).resp("access-control-allow-credentials");
    same(run, id, acac, Some("true"));
}

/// For a credentialed preflight `*` in Access-Control-Allow-Methods is the
/// literal method name `*`, so an any-method policy with credentials must
/// mirror the requested method; the browser then allows the PUT.
fn credentialed_preflighted_put_is_allowed_with_mirrored_method(run: &Run) {
    let id = "credentials_put";
    allowed(run, id);
    let p = one_preflight(run, id);
    let top = run.origin(Frame::Top);
    let got = (p.req(ACRM), p.resp(ACAM));
    same(run, id, got, (Some("PUT"), Some("PUT")));
    let got = p.resp("access-control-allow-credentials");
    same(run, id, got, Some("true"));
    same(run, id, p.resp(ACAO), Some(top.as_str()));
    same(run, id, handler_saw_once(run, id).method.as_str(), "PUT");
}

/// With credentials, `*` in Access-Control-Allow-Headers is a literal header
/// name, so an any-header policy with credentials must list the requested
/// headers (Authorization included); the browser then allows the request.
fn credentialed_request_with_any_header_policy_gets_requested_headers_listed(run: &Run) {
    let id = "credentials_any_header";
    allowed(run, id);
    let p = one_preflight(run, id);
    same(run, id, p.req(ACRH), Some("authorization,x-custom"));
    let acah = items(p.resp(ACAH));
    let listed = ["authorization", "x-custom"].iter().all(|h| acah.iter().any(|t| t == h));
    ensure(run, id, listed, "authorization and x-custom listed");
    same(run, id, p.resp(ACAM), Some("PUT"));
    let auth = handler_saw_once(run, id).req("authorization");
    same(run, id, auth, Some("Bearer t0ken"));
}

/// With credentials, `*` in Access-Control-Expose-Headers is a literal header
/// name, so expose_any_header() with credentials lists the response's own
/// header names; the page can read them.
fn credentialed_expose_any_header_lists_names_and_they_are_readable(run: &Run) {
    let id = "credentials_expose_any";
    let a = allowed(run, id);
    let got = (a.header("x-secret"), a.header("grpc-message"));
    same(run, id, got, (Some("s3cret"), Some("fine")));
    let aceh = one_actual(run, id).resp("access-control-expose-headers").unwrap_or("");
    let ok = aceh.trim() != "*" && aceh.contains("x-secret");
    ensure(run, id, ok, "x-secret named");
}

/// A credentials policy still serves requests that carry no credentials.
fn credentials_policy_allows_uncredentialed_get(run: &Run) {
    allowed(run, "credentials_omitted");
}

/// Access-Control-Allow-Credentials has a single meaningful value, `true`;
/// the layer never sends anything else (checked over the whole run).
fn allow_credentials_header_is_only_ever_true(run: &Run) {
    let mut seen = 0;
    for e in &run.log {
        if let Some(v) = e.resp("access-control-allow-credentials") {
            seen += 1;
            assert_eq!(v, "true", "{e:?}");
            assert_eq!(e.server, "credentials", "only the credentials policy sends it: {e:?}");
        }
    }
    let ok = seen >= 3;
    assert!(ok, "credentials policy responses expected, saw {seen}");
}

/// With credentials mode "include", ACAO `*` fails the CORS check. The
/// permissive layer answers `*` and no ACAC, so the browser blocks it.
fn credentialed_get_is_blocked_under_permissive(run: &Run) {
    let id = "permissive_credentials_get";
    blocked(run, id);
    let e = one_actual(run, id);
    let acac = e.resp("access-control-allow-credentials");
    same(run, id, (e.resp(ACAO), acac), (Some("*"), None));
}

/// Without credentials, ACAO `*` matches every origin.
fn permissive_allows_uncredentialed_get_from_any_origin(run: &Run) {
    let id = "permissive_get_look_alike";
    allowed(run, id);
    same(run, id, one_actual(run, id).resp(ACAO), Some("*"));
}

/// Without credentials, Access-Control-Allow-Methods `*` covers every method.
fn permissive_preflight_answers_wildcard_methods_and_put_is_allowed(run: &Run) {
    let id = "permissive_put";
    allowed(run, id);
    let p = one_preflight(run, id);
    let got = (p.resp(ACAM), p.resp(ACAO));
    same(run, id, got, (Some("*"), Some("*")));
}

// ---------------------------------------------------------------------------
// Opaque origin (`null`)
// ---------------------------------------------------------------------------

/// A sandboxed iframe has an opaque origin, sent as `Origin: null`. An exact
/// policy refuses it.
fn sandboxed_iframe_null_origin_is_refused_by_exact_policy(run: &Run) {
    let id = "sandboxed_exact";
    let got = blocked_without_cors(run, id).req("origin");
    same(run, id, got, Some("null"));
}

/// `null` is shared by every opaque origin, so the layer never passes it to
/// a predicate: even a predicate returning true for everything refuses it.
fn sandboxed_iframe_null_origin_is_refused_by_allow_all_predicate(run: &Run) {
    let id = "sandboxed_predicate_all";
    let got = blocked_without_cors(run, id).req("origin");
    same(run, id, got, Some("null"));
}

/// The same predicate allows a real origin (control for the test above).
fn allow_all_predicate_allows_real_origin(run: &Run) {
    allowed_echoing(run, "predicate_all_real_origin", Frame::Top);
}

/// ACAO `*` matches any origin, `null` included (no credentials): the
/// permissive layer serves the sandboxed iframe.
fn sandboxed_iframe_is_allowed_by_any_origin(run: &Run) {
    let id = "sandboxed_permissive";
    allowed(run, id);
    same(run, id, one_actual(run, id).req("origin"), Some("null"));
}

// ---------------------------------------------------------------------------
// Origins from a lookup
// ---------------------------------------------------------------------------

/// A tenant's page is refused while its origin is not in the lookup's store
/// (and the refusal is cached for 10 minutes); the admin endpoint adds it
/// and invalidates the cached refusal, and the very next request from the
/// page is allowed, its origin echoed.
fn lookup_tenant_is_blocked_before_being_added_and_allowed_right_after(run: &Run) {
    let (before, after) = ("lookup_before", "lookup_after");
    let tenant = run.origin(Frame::Sub);
    let refused = blocked_without_cors(run, before).req("origin");
    same(run, before, refused, Some(tenant.as_str()));
    let got = allowed_echoing(run, after, Frame::Sub).status;
    same(run, after, got, Some(200));
    let ok = vary_has(one_actual(run, after), "origin");
    ensure(run, after, ok, "Vary: origin");
}

checks![
    simple_get_from_allowed_origin_is_allowed,
    simple_get_from_look_alike_origin_is_blocked_but_reaches_handler,
    origin_differing_only_by_port_is_refused,
    page_loaded_with_uppercase_host_sends_lowercase_origin_and_is_allowed,
    browser_only_ever_sends_canonical_origins,
    subdomain_pattern_allows_one_label_subdomain,
    subdomain_pattern_allows_multi_label_subdomain,
    subdomain_pattern_refuses_apex,
    subdomain_pattern_refuses_look_alike_host,
    subdomain_pattern_refuses_other_port,
    port_pattern_allows_first_port,
    port_pattern_allows_second_port,
    port_pattern_refuses_other_host,
    credentialed_get_is_allowed_with_exact_origin_and_credentials,
    credentialed_preflighted_put_is_allowed_with_mirrored_method,
    credentialed_request_with_any_header_policy_gets_requested_headers_listed,
    credentialed_expose_any_header_lists_names_and_they_are_readable,
    credentials_policy_allows_uncredentialed_get,
    allow_credentials_header_is_only_ever_true,
    credentialed_get_is_blocked_under_permissive,
    permissive_allows_uncredentialed_get_from_any_origin,
    permissive_preflight_answers_wildcard_methods_and_put_is_allowed,
    sandboxed_iframe_null_origin_is_refused_by_exact_policy,
    sandboxed_iframe_null_origin_is_refused_by_allow_all_predicate,
    allow_all_predicate_allows_real_origin,
    sandboxed_iframe_is_allowed_by_any_origin,
    lookup_tenant_is_blocked_before_being_added_and_allowed_right_after,
];
