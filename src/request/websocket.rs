//! Recognising a WebSocket handshake from its request head, for
//! [`CorsBuilder::guard_websockets`](crate::CorsBuilder::guard_websockets).
//!
//! Asked only about requests that carry an `Origin` the policy refused, so
//! requests the policy allows never pay for it.

use http::header::UPGRADE;
use http::{HeaderMap, Method};

/// Whether a request with an `Origin` header opens a WebSocket:
///
/// - HTTP/1.1 (RFC 6455): `GET` whose `Upgrade` header lists the token
///   `websocket` (ASCII case-insensitive, in any comma-separated item of
///   any `Upgrade` line). `Connection: Upgrade` is not required: a server
///   that upgrades without it must not slip past the guard.
/// - HTTP/2 (RFC 8441): any `CONNECT`. The extended CONNECT's `:protocol`
///   pseudo-header is not an `http` header (hyper keeps it in a request
///   extension), and browsers never send `CONNECT` from scripts (Fetch
///   forbids the method), so a `CONNECT` carrying `Origin` is a browser's
///   WebSocket handshake or something no browser sends.
pub(crate) fn is_handshake(method: &Method, headers: &HeaderMap) -> bool {
    if method == Method::CONNECT {
        return true;
    }
    method == Method::GET
        && headers
            .get_all(UPGRADE)
            .iter()
            .any(|line| lists_websocket(line.as_bytes()))
}

/// Whether a comma-separated `Upgrade` value holds the protocol `websocket`
/// (a protocol may carry a version, `websocket/13`, which still counts).
fn lists_websocket(value: &[u8]) -> bool {
    value.split(|&b| b == b',').any(|item| {
        let item = item.trim_ascii();
        let name = match item.iter().position(|&b| b == b'/') {
            Some(slash) => &item[..slash],
            None => item,
        };
        name.eq_ignore_ascii_case(b"websocket")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_values_that_name_websocket() {
        for (value, expected) in [
            (&b"websocket"[..], true),
            (b"WebSocket", true),
            (b"h2c, websocket", true),
            (b" websocket ,h2c", true),
            (b"websocket/13", true),
            (b"h2c", false),
            (b"websockets", false),
            (b"", false),
            (b",,", false),
            (b"web socket", false),
        ] {
            assert_eq!(lists_websocket(value), expected, "{value:?}");
        }
    }
}
