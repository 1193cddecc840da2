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
fn simple_get_from_look_alike_origin_is_blocked_but_reaches_handler(run: &Run) {
    let id = "simple_get_look_alike";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some(run.origin(Frame::LookAlike).as_str()));
    no_cors_headers(run, id, e);
    handler_saw_once(run, id);
}

/// Origins are tuples (scheme, host, port): a page differing only by port is
/// another origin and the exact policy must refuse it.
fn origin_differing_only_by_port_is_refused(run: &Run) {
    let id = "simple_get_other_port";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// The URL parser lower-cases hosts, so a page loaded as
/// `http://APP.LOCALHOST:PA` has origin `http://app.localhost:PA`, which the
/// exact (byte-equal) match accepts.
fn page_loaded_with_uppercase_host_sends_lowercase_origin_and_is_allowed(run: &Run) {
    let id = "simple_get_uppercase_page";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some(run.origin(Frame::Top).as_str()));
}

/// The `Origin` header is the ASCII serialization of an origin: lowercase
/// scheme and host, no trailing slash, the port only when not the default,
/// or `null`. That is why configured origins must be canonical and can be
/// matched by byte equality. Checked over every request of the run.
fn browser_only_ever_sends_canonical_origins(run: &Run) {
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

// ---------------------------------------------------------------------------
// Origin patterns
// ---------------------------------------------------------------------------

/// `http://*.app.localhost:PA` matches a one-label subdomain.
fn subdomain_pattern_allows_one_label_subdomain(run: &Run) {
    let id = "subdomain_one_label";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::Sub).as_str())
    );
}

/// `*.` stands for one or more labels: `y.x.app.localhost` matches.
fn subdomain_pattern_allows_multi_label_subdomain(run: &Run) {
    let id = "subdomain_two_labels";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::DeepSub).as_str())
    );
}

/// The subdomain pattern never matches the apex `app.localhost`.
fn subdomain_pattern_refuses_apex(run: &Run) {
    let id = "subdomain_apex";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// `evilapp.localhost` ends with `app.localhost` as a string but is not a
/// subdomain of it: refused.
fn subdomain_pattern_refuses_look_alike_host(run: &Run) {
    let id = "subdomain_look_alike";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// The subdomain pattern has an explicit port; the same host on another port
/// is refused.
fn subdomain_pattern_refuses_other_port(run: &Run) {
    let id = "subdomain_other_port";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

/// `http://app.localhost:*` matches the host on any port.
fn port_pattern_allows_first_port(run: &Run) {
    allowed(run, "port_pattern_same_port");
}

/// `http://app.localhost:*` matches the host on any port.
fn port_pattern_allows_second_port(run: &Run) {
    let id = "port_pattern_other_port";
    allowed(run, id);
    let e = one_actual(run, id);
    assert_eq!(
        e.resp("access-control-allow-origin"),
        Some(run.origin(Frame::OtherPort).as_str())
    );
}

/// A port pattern does not widen the host: `x.app.localhost` is refused.
fn port_pattern_refuses_other_host(run: &Run) {
    let id = "port_pattern_other_host";
    blocked(run, id);
    no_cors_headers(run, id, one_actual(run, id));
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// Credentialed CORS check: ACAO must equal the origin (not `*`) and
/// Access-Control-Allow-Credentials must be exactly `true`.
fn credentialed_get_is_allowed_with_exact_origin_and_credentials(run: &Run) {
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
fn credentialed_preflighted_put_is_allowed_with_mirrored_method(run: &Run) {
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
fn credentialed_request_with_any_header_policy_gets_requested_headers_listed(run: &Run) {
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
fn credentialed_expose_any_header_lists_names_and_they_are_readable(run: &Run) {
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
fn credentialed_get_is_blocked_under_permissive(run: &Run) {
    let id = "permissive_credentials_get";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.resp("access-control-allow-origin"), Some("*"));
    assert_eq!(e.resp("access-control-allow-credentials"), None);
}

/// Without credentials, ACAO `*` matches every origin.
fn permissive_allows_uncredentialed_get_from_any_origin(run: &Run) {
    let id = "permissive_get_look_alike";
    allowed(run, id);
    assert_eq!(
        one_actual(run, id).resp("access-control-allow-origin"),
        Some("*")
    );
}

/// Without credentials, Access-Control-Allow-Methods `*` covers every method.
fn permissive_preflight_answers_wildcard_methods_and_put_is_allowed(run: &Run) {
    let id = "permissive_put";
    allowed(run, id);
    let p = one_preflight(run, id);
    assert_eq!(p.resp("access-control-allow-methods"), Some("*"));
    assert_eq!(p.resp("access-control-allow-origin"), Some("*"));
}

// ---------------------------------------------------------------------------
// Opaque origin (`null`)
// ---------------------------------------------------------------------------

/// A sandboxed iframe has an opaque origin, sent as `Origin: null`. An exact
/// policy refuses it.
fn sandboxed_iframe_null_origin_is_refused_by_exact_policy(run: &Run) {
    let id = "sandboxed_exact";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some("null"));
    no_cors_headers(run, id, e);
}

/// `null` is shared by every opaque origin, so the layer never passes it to
/// a predicate: even a predicate returning true for everything refuses it.
fn sandboxed_iframe_null_origin_is_refused_by_allow_all_predicate(run: &Run) {
    let id = "sandboxed_predicate_all";
    blocked(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some("null"));
    no_cors_headers(run, id, e);
}

/// The same predicate allows a real origin (control for the test above).
fn allow_all_predicate_allows_real_origin(run: &Run) {
    let id = "predicate_all_real_origin";
    allowed(run, id);
    assert_eq!(
        one_actual(run, id).resp("access-control-allow-origin"),
        Some(run.origin(Frame::Top).as_str())
    );
}

/// ACAO `*` matches any origin, `null` included (no credentials): the
/// permissive layer serves the sandboxed iframe.
fn sandboxed_iframe_is_allowed_by_any_origin(run: &Run) {
    let id = "sandboxed_permissive";
    allowed(run, id);
    assert_eq!(one_actual(run, id).req("origin"), Some("null"));
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
];
