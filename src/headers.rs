//! Header values written by the layer, and merging `Vary` with what the inner
//! service set.

use bytes::{BufMut, Bytes, BytesMut};
use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue};

pub(crate) const STAR: HeaderValue = HeaderValue::from_static("*");
/// `*` with a `'static` address, for handing out references.
pub(crate) static STAR_STATIC: HeaderValue = STAR;
pub(crate) const TRUE: HeaderValue = HeaderValue::from_static("true");
pub(crate) const STAR_AND_AUTHORIZATION: HeaderValue = HeaderValue::from_static("*, authorization");
pub(crate) const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("origin");
pub(crate) const VARY_PREFLIGHT: HeaderValue = HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers",
);
pub(crate) const VARY_PREFLIGHT_PRIVATE_NETWORK: HeaderValue = HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers, \
     access-control-request-private-network",
);
pub(crate) const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// Joins names into one `a, b, c` header value (at build time).
pub(crate) fn join<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<HeaderValue> {
    let joined = names.into_iter().collect::<Vec<_>>().join(", ");
    if joined.is_empty() {
        return None;
    }
    HeaderValue::from_str(&joined).ok()
}

/// What an inner response already has of the headers the layer writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Existing {
    /// A `Vary` header.
    pub(crate) vary: bool,
    /// Any `access-control-*` header.
    pub(crate) cors: bool,
}

impl Existing {
    /// One pass over the response's names: responses have few headers, so
    /// this costs less than the hash probes it saves in the usual case,
    /// where neither is there.
    pub(crate) fn in_headers(headers: &HeaderMap) -> Existing {
        let mut existing = Existing {
            vary: false,
            cors: false,
        };
        for name in headers.keys() {
            existing.vary |= name == header::VARY;
            existing.cors |= is_cors_name(name);
        }
        existing
    }

    /// Whether the response has a `Vary` header, when that is all there is
    /// to know.
    pub(crate) fn vary_in(headers: &HeaderMap) -> bool {
        headers.keys().any(|name| name == header::VARY)
    }
}

/// Whether `name` is `access-control-*`. The first byte rules out almost
/// every other name without a string comparison.
fn is_cors_name(name: &HeaderName) -> bool {
    let name = name.as_str();
    name.as_bytes().first() == Some(&b'a') && name.starts_with("access-control-")
}

/// Makes sure `Vary` lists `token` (lowercase), keeping every value the inner
/// service set, as a single header line. `present` says whether the
/// response has a `Vary` header already ([`Existing::vary`]). Allocates only
/// when the inner service set a `Vary` that lacks the token.
///
/// `token` is taken by value: callers pass a constant, which is written in
/// place, where cloning a borrowed value costs an indirect call.
pub(crate) fn merge_vary(headers: &mut HeaderMap, token: HeaderValue, present: bool) {
    if !present {
        headers.insert(header::VARY, token);
        return;
    }
    let mut len = token.len();
    for line in headers.get_all(header::VARY) {
        for item in line.as_bytes().split(|&b| b == b',') {
            let item = item.trim_ascii();
            if item == b"*" || item.eq_ignore_ascii_case(token.as_bytes()) {
                return;
            }
        }
        len += line.len() + 2;
    }
    let mut joined = BytesMut::with_capacity(len);
    for line in headers.get_all(header::VARY) {
        let line = line.as_bytes().trim_ascii();
        if !line.is_empty() {
            joined.put_slice(line);
            joined.put_slice(b", ");
        }
    }
    joined.put_slice(token.as_bytes());
    match HeaderValue::from_maybe_shared(Bytes::from(joined)) {
        Ok(value) => {
            headers.insert(header::VARY, value);
        }
        // Joining valid values with ", " stays valid; keep both lines otherwise.
        Err(_) => {
            headers.append(header::VARY, token);
        }
    }
}

/// Response headers scripts may always read; never worth exposing.
const SAFELISTED_RESPONSE: [HeaderName; 7] = [
    header::CACHE_CONTROL,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::EXPIRES,
    header::LAST_MODIFIED,
    header::PRAGMA,
];

/// `Access-Control-Expose-Headers` naming every header of a response that
/// scripts cannot already read, for "expose any" under credentials, where
/// browsers take `*` literally. `None` when there is nothing to expose.
pub(crate) fn exposable_names(headers: &HeaderMap) -> Option<HeaderValue> {
    let mut out = BytesMut::new();
    for name in headers.keys() {
        let s = name.as_str();
        if SAFELISTED_RESPONSE.contains(name)
            || s.starts_with("access-control-")
            || s == "set-cookie"
            || s == "set-cookie2"
            // Read literally under credentials, but never worth the confusion.
            || s == "*"
        {
            continue;
        }
        if !out.is_empty() {
            out.put_slice(b", ");
        }
        out.put_slice(s.as_bytes());
    }
    if out.is_empty() {
        return None;
    }
    HeaderValue::from_maybe_shared(out.freeze()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&'static str]) -> Vec<String> {
        let mut h = HeaderMap::new();
        for v in existing {
            h.append(header::VARY, HeaderValue::from_static(v));
        }
        let present = Existing::in_headers(&h).vary;
        merge_vary(&mut h, VARY_ORIGIN, present);
        h.get_all(header::VARY)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn vary_merges_into_one_line_without_duplicates() {
        assert_eq!(vary_after(&[]), ["origin"]);
        assert_eq!(
            vary_after(&["Accept-Encoding"]),
            ["Accept-Encoding, origin"]
        );
        assert_eq!(
            vary_after(&["accept", "cookie"]),
            ["accept, cookie, origin"]
        );
        assert_eq!(vary_after(&["Origin"]), ["Origin"]);
        assert_eq!(vary_after(&["accept, ORIGIN"]), ["accept, ORIGIN"]);
        assert_eq!(vary_after(&["*"]), ["*"]);
    }
}
