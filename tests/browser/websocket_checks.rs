//! Browser checks of `guard_websockets`: browsers send `Origin` on WebSocket
//! handshakes but apply no CORS check to them, so the guard's 403 is what
//! keeps a foreign page from opening a socket.

use crate::expect::*;
use crate::harness::{Frame, Run};

/// A page whose origin the policy allows opens a socket through the guard:
/// the handshake reaches the handler (101) and the socket echoes.
fn websocket_from_allowed_page_connects_and_echoes(run: &Run) {
    let id = "ws_allowed";
    let a = allowed(run, id);
    assert_eq!(a.body.as_deref(), Some(id), "{}", run.explain(id));
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some(run.origin(Frame::Top).as_str()));
    assert_eq!(e.status, Some(101), "{}", run.explain(id));
    handler_saw_once(run, id);
}

/// A look-alike page's handshake gets 403 from the layer: the socket never
/// opens and the handler never runs.
fn websocket_from_foreign_page_fails_and_handler_never_runs(run: &Run) {
    let id = "ws_foreign";
    refused_handshake(run, id);
    let e = one_actual(run, id);
    assert_eq!(e.req("origin"), Some(run.origin(Frame::LookAlike).as_str()));
}

/// A sandboxed frame's handshake carries `Origin: null`, which the policy
/// does not allow: refused the same way.
fn websocket_from_sandboxed_frame_is_refused(run: &Run) {
    let id = "ws_sandboxed";
    refused_handshake(run, id);
    assert_eq!(one_actual(run, id).req("origin"), Some("null"));
}

/// The control: the same foreign page against a policy without the guard
/// connects and gets its echo, as browsers check no CORS headers on a
/// handshake (cross-site WebSocket hijacking).
fn websocket_without_guard_connects_from_any_page(run: &Run) {
    let id = "ws_unguarded_foreign";
    let a = allowed(run, id);
    assert_eq!(a.body.as_deref(), Some(id), "{}", run.explain(id));
    assert_eq!(one_actual(run, id).status, Some(101), "{}", run.explain(id));
    handler_saw_once(run, id);
}

/// The socket did not open, the handshake got 403 without CORS headers, and
/// the handler never ran.
fn refused_handshake(run: &Run, id: &str) {
    for a in run.attempts(id) {
        assert!(!a.ok, "expected the socket to fail\n{}", run.explain(id));
    }
    let e = one_actual(run, id);
    assert_eq!(e.status, Some(403), "{}", run.explain(id));
    no_cors_headers(run, id, e);
    handler_never_saw_it(run, id);
}

checks![
    websocket_from_allowed_page_connects_and_echoes,
    websocket_from_foreign_page_fails_and_handler_never_runs,
    websocket_from_sandboxed_frame_is_refused,
    websocket_without_guard_connects_from_any_page,
];
