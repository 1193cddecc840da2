//! Header values compiled at build() and copied into responses, kept in
//! `'static` memory so that copying them costs nothing.
//!
//! A [`HeaderValue`] over `'static` bytes is cloned by copying two words and
//! dropped for free. Over heap bytes, every clone is an atomic increment and
//! every drop of a response an atomic decrement: up to eight atomic
//! operations per preflight answer, a third of the layer's cost there.
//!
//! So build() copies each configured value (origins, method and header lists,
//! max-age) into memory that is never freed, once per distinct value for the
//! whole process: building the same policy again, as tests and per-route
//! layers do, reuses the bytes already there. The pool is capped at
//! [`POOL_LIMIT`] bytes; values beyond it stay on the heap, which is slower
//! per request but otherwise the same. Only build() adds to the pool; no
//! request ever does.

use std::collections::BTreeSet;
use std::sync::Mutex;

use bytes::Bytes;
use http::HeaderValue;

/// Most bytes ever kept for the process: 64 KiB holds about 2 000 origins.
pub(crate) const POOL_LIMIT: usize = 64 * 1024;

/// The distinct values kept so far and their total length.
struct Pool {
    values: BTreeSet<&'static [u8]>,
    bytes: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    values: BTreeSet::new(),
    bytes: 0,
});

/// `value` over `'static` bytes: the pool's copy if it has one or has room
/// for one, else `value` itself.
pub(crate) fn interned(value: HeaderValue) -> HeaderValue {
    // No code below panics while holding the lock; recover it anyway rather
    // than fail a build().
    let mut pool = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let bytes = value.as_bytes();
    let kept = match pool.values.get(bytes) {
        Some(&kept) => kept,
        None if pool.bytes + bytes.len() <= POOL_LIMIT => {
            let kept: &'static [u8] = Box::leak(bytes.into());
            pool.values.insert(kept);
            pool.bytes += kept.len();
            kept
        }
        None => return value,
    };
    // The bytes were a valid value a moment ago, so this never fails.
    HeaderValue::from_maybe_shared(Bytes::from_static(kept)).unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_a_value_twice_keeps_one_copy() {
        let a = interned(HeaderValue::from_str("https://interned-twice.example").unwrap());
        let b = interned(HeaderValue::from_str("https://interned-twice.example").unwrap());
        assert_eq!(a, "https://interned-twice.example");
        assert_eq!(a.as_bytes().as_ptr(), b.as_bytes().as_ptr());
    }

    #[test]
    fn values_past_the_limit_are_returned_as_they_are() {
        let huge = HeaderValue::from_str(&"x".repeat(POOL_LIMIT + 1)).unwrap();
        let same = interned(huge.clone());
        assert_eq!(same, huge);
        let pool = POOL.lock().unwrap();
        assert!(pool.bytes <= POOL_LIMIT);
        assert!(!pool.values.contains(huge.as_bytes()));
    }
}
