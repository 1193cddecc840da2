//! Header values the layer writes, and the buffer a policy's own values are
//! sliced from.

use std::ops::Range;

use bytes::{Bytes, BytesMut};
use http::header::HeaderName;
use http::HeaderValue;

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

/// Joins names into one `a, b, c` header value, on its own buffer: for
/// lists echoed from a request.
pub(crate) fn join<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<HeaderValue> {
    let joined = names.into_iter().collect::<Vec<_>>().join(", ");
    if joined.is_empty() {
        return None;
    }
    HeaderValue::from_str(&joined).ok()
}

/// The header values of one policy, written into one buffer while the policy
/// is compiled and then sliced: the policy owns them and frees them with it,
/// and a clone of one is a reference count, never a copy.
#[derive(Debug, Default)]
pub(crate) struct ValueBuffer {
    bytes: BytesMut,
}

impl ValueBuffer {
    /// Adds `a, b, c`; `None` when `names` is empty.
    pub(crate) fn list<'a>(
        &mut self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Option<Range<usize>> {
        let start = self.bytes.len();
        for name in names {
            if self.bytes.len() > start {
                self.bytes.extend_from_slice(b", ");
            }
            self.bytes.extend_from_slice(name.as_bytes());
        }
        (self.bytes.len() > start).then(|| start..self.bytes.len())
    }

    /// Adds one value.
    pub(crate) fn value(&mut self, value: &str) -> Range<usize> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(value.as_bytes());
        start..self.bytes.len()
    }

    /// Ends writing: the values can now be sliced out.
    pub(crate) fn freeze(self) -> Values {
        Values(self.bytes.freeze())
    }
}

/// A frozen [`ValueBuffer`].
pub(crate) struct Values(Bytes);

impl Values {
    /// The value written at `range`; `None` if it is not a valid header
    /// value (the callers add names and numbers, which always are).
    pub(crate) fn get(&self, range: Range<usize>) -> Option<HeaderValue> {
        HeaderValue::from_maybe_shared(self.0.slice(range)).ok()
    }
}
