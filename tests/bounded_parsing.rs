//! Bounded parsing of `Access-Control-Request-Headers`: thousands of items,
//! huge lines, runs of empty items and whitespace. Such preflights are
//! rejected with a typed reason past [`MAX_REQUEST_HEADERS_BYTES`] bytes or
//! [`MAX_REQUEST_HEADERS_ITEMS`] names, and the worst case costs a fixed bound
//! more than a normal preflight.
//!
//! Cost is counted, not timed: a counting global allocator (per thread, so
//! parallel tests don't disturb each other) counts allocations and bytes, and
//! the iterator's steps are counted through the public API.

#[path = "common/mod.rs"]
mod common;
#[path = "common/counting.rs"]
mod counting;

use common::{preflight_answer as respond, with, APP};
use counting::{cost_of, Cost};
use http::{Method, Request, Response};
use tower_cors::{
    CorsLayer, Decision, Malformed, Rejection, RequestKind, MAX_REQUEST_HEADERS_BYTES,
    MAX_REQUEST_HEADERS_ITEMS,
};

/// A preflight from APP for PUT with these `Access-Control-Request-Headers` lines.
fn preflight(lines: &[Vec<u8>]) -> Request<String> {
    let lines: Vec<_> = lines
        .iter()
        .map(|l| ("access-control-request-headers", std::str::from_utf8(l).unwrap()))
        .collect();
    with(common::preflight(APP, "PUT", None), &lines)
}

/// A name of `len` bytes, `x-` then letters.
fn name(len: usize) -> String {
    format!("x-{}", "a".repeat(len.saturating_sub(2)))
}

/// A described list of `Access-Control-Request-Headers` lines and the typed
/// reason it must get (`None`: accepted, it is within the limits).
type Case = (&'static str, Vec<Vec<u8>>, Option<Malformed>);

/// Hostile `Access-Control-Request-Headers` shapes.
#[rustfmt::skip]
fn hostile() -> Vec<Case> {
    let max = MAX_REQUEST_HEADERS_BYTES;
    let items = MAX_REQUEST_HEADERS_ITEMS;
    // Exactly `items` names filling exactly `max` bytes with ", " separators.
    let per = (max - 2 * (items - 1)) / items;
    let mut full: Vec<String> = (0..items).map(|_| name(per)).collect();
    let used = full.iter().map(String::len).sum::<usize>() + 2 * (items - 1);
    full[0].push_str(&"a".repeat(max - used));
    let full = full.join(", ");
    assert_eq!(full.len(), max);
    let many = |n: usize, line: &[u8]| vec![line.to_vec(); n];
    let (too_long, too_many) = (Some(Malformed::RequestHeadersTooLong), Some(Malformed::TooManyRequestHeaders));
    vec![
        ("the longest accepted line", vec![full.clone().into_bytes()], None),
        ("the most accepted lines, each one name", many(items, name(max / items).as_bytes()), None),
        ("a line of only commas", vec![",".repeat(max).into_bytes()], None),
        ("a line of only whitespace", vec![" \t".repeat(max / 2).into_bytes()], None),
        ("empty items around the most names", vec![format!(" ,{}, ,", "x-a, ,".repeat(items)).into_bytes()], None),
        ("one byte over the length limit", vec![format!("{full},").into_bytes()], too_long),
        ("a one-megabyte line", vec!["x-a,".repeat(1 << 18).into_bytes()], too_long),
        ("ten thousand items in one line", vec!["a,".repeat(10_000).into_bytes()], too_long),
        ("one name too many", vec!["a,".repeat(items + 1).into_bytes()], too_many),
        ("two thousand short names within the byte limit", vec!["a,".repeat(max / 2).into_bytes()], too_many),
        ("three lines together over the length limit", many(3, format!("x-{}", "a".repeat(max / 3 + 200)).as_bytes()), too_long),
        ("ten thousand lines", many(10_000, b"a"), too_many),
        ("ten thousand empty lines", many(10_000, b""), too_many),
        ("a megabyte of whitespace", vec![" ".repeat(1 << 20).into_bytes()], too_long),
        ("an invalid token after the limit would be reached", vec![format!("{full}(").into_bytes()], too_long),
        ("an invalid token early", vec![format!("x-a b,{}", "a,".repeat(1000)).into_bytes()], Some(Malformed::RequestHeaderName)),
    ]
}

fn policies() -> Vec<(&'static str, CorsLayer)> {
    let put = || CorsLayer::builder().allow_origins([APP]).allow_methods([Method::PUT]);
    let policies = [
        ("listed headers", put().allow_headers([http::header::CONTENT_TYPE])),
        ("any header", put().allow_any_header()),
        // Echoes the requested list: the most response work there is.
        ("any header with credentials", put().allow_any_header().allow_credentials(true)),
    ];
    policies.into_iter().map(|(name, policy)| (name, policy.build().unwrap())).collect()
}

#[test]
fn hostile_request_header_lists_get_their_typed_reason() {
    let layer = &policies()[1].1;
    for (what, lines, expected) in hostile() {
        let (parts, _) = preflight(&lines).into_parts();
        let decision = layer.policy().decide(&parts);
        match expected {
            None => assert!(matches!(decision, Decision::Preflight(_)), "{what}"),
            Some(reason) => {
                let Decision::Rejected(r) = decision else { panic!("{what}: allowed") };
                assert_eq!(r.kind(), RequestKind::Preflight);
                assert_eq!(r.reason(), Rejection::Malformed(reason), "{what}");
                assert!(r.to_string().len() < 200, "{what}: the reason echoes input");
            }
        }
    }
}

#[test]
fn deciding_never_allocates_whatever_the_list() {
    for (policy, layer) in policies() {
        for (what, lines, _) in hostile() {
            let (parts, _) = preflight(&lines).into_parts();
            let (_, cost) =
                cost_of(|| matches!(layer.policy().decide(&parts), Decision::Preflight(_)));
            assert_eq!(cost.allocations, 0, "{policy} / {what}: {cost:?}");
        }
    }
}

/// Each policy's answer to each hostile list, with its cost and the cost of
/// a normal preflight (measured after a warm-up).
fn answers(mut check: impl FnMut(String, Option<Malformed>, Response<String>, Cost, Cost)) {
    let normal = || preflight(&[b"content-type".to_vec()]);
    for (policy, layer) in policies() {
        respond(&layer, normal());
        let (_, base) = cost_of(|| respond(&layer, normal()));
        for (what, lines, expected) in hostile() {
            let request = preflight(&lines);
            let (response, cost) = cost_of(|| respond(&layer, request));
            check(format!("{policy} / {what}"), expected, response, cost, base);
        }
    }
}

#[test]
fn the_worst_preflight_costs_a_fixed_bound_more_than_a_normal_one() {
    // Echoing a list of several lines (any header with credentials) joins
    // it: at most a few buffers, each no larger than the longest accepted
    // list with ", " between items, plus a pointer per item.
    const LIST: usize = MAX_REQUEST_HEADERS_BYTES + 2 * MAX_REQUEST_HEADERS_ITEMS;
    const EXTRA_ALLOCATIONS: usize = 4;
    const EXTRA_BYTES: usize = 3 * LIST + 4 * 16 * MAX_REQUEST_HEADERS_ITEMS;
    answers(|what, _, response, cost, base| {
        let ok = cost.allocations <= base.allocations + EXTRA_ALLOCATIONS
            && cost.bytes <= base.bytes + EXTRA_BYTES;
        assert!(ok, "{what}: {cost:?} vs normal {base:?}");
        // Echoed lists are never longer than the limit allows.
        if let Some(acah) = response.headers().get(http::header::ACCESS_CONTROL_ALLOW_HEADERS) {
            assert!(acah.len() <= LIST, "{what}");
        }
    });
}

#[test]
fn rejections_past_the_limits_cost_no_more_than_a_normal_preflight() {
    answers(|what, expected, response, cost, base| {
        if expected.is_some() {
            assert_eq!(response.status(), http::StatusCode::FORBIDDEN, "{what}");
            let ok = cost.allocations <= base.allocations && cost.bytes <= base.bytes;
            assert!(ok, "{what}: {cost:?} vs normal {base:?}");
        }
    });
}
