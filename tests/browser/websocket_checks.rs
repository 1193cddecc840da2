//! Browser checks of `guard_websockets`: browsers send `Origin` on WebSocket
//! handshakes but apply no CORS check to them, so the guard's 403 is what
//! keeps a foreign page from opening a socket.

use crate::expect::*;
use crate::harness::{Frame, Run};

/// The socket from `frame`'s page opened (101, the handler ran) and echoed.
fn socket_echoes(run: &Run, id: &str, frame: Frame) {
    same(run, id, allowed(run, id).body.as_deref(), Some(id));
    let e = one_actual(run, id);
    same(run, id, (e.req("origin"), e.status), (Some(run.origin(frame).as_str()), Some(101)));
    handler_saw_once(run, id);
}

/// No socket: the handshake from `frame`'s page got a bare 403, no handler.
fn refused_handshake(run: &Run, id: &str, frame: Frame) {
    for a in run.attempts(id) {
        ensure(run, id, !a.ok, "the socket to fail");
    }
    let e = one_actual(run, id);
    same(run, id, (e.req("origin"), e.status), (Some(run.origin(frame).as_str()), Some(403)));
    no_cors_headers(run, id, e);
    handler_never_saw_it(run, id);
}

checks![
    // An allowed page's socket opens through the guard.
    websocket_from_allowed_page_connects_and_echoes => socket_echoes("ws_allowed", Frame::Top),
    // A look-alike page's handshake, or a sandboxed frame's (`Origin: null`,
    // not allowed), gets the layer's 403: no socket, no handler.
    websocket_from_foreign_page_fails_and_handler_never_runs
        => refused_handshake("ws_foreign", Frame::LookAlike),
    websocket_from_sandboxed_frame_is_refused
        => refused_handshake("ws_sandboxed", Frame::Sandboxed),
    // Control: without the guard the foreign page connects and gets its echo,
    // as browsers check no CORS headers on a handshake (cross-site WebSocket
    // hijacking).
    websocket_without_guard_connects_from_any_page
        => socket_echoes("ws_unguarded_foreign", Frame::LookAlike),
];
