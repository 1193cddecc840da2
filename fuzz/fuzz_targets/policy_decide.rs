//! `Policy::decide` and the `Cors` service on arbitrary request heads and inner responses.
//! The body lives in `tests/fuzz_bodies/mod.rs`, shared with `tests/it/fuzz_smoke.rs`.
#![no_main]

// Formatted with the tests (tests/rustfmt.toml), not as part of this crate.
#[rustfmt::skip]
#[path = "../../tests/fuzz_bodies/mod.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bodies::policy_decide(data);
});
