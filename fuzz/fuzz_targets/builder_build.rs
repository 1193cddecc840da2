//! `CorsBuilder::build` on arbitrary origin strings, methods, headers and numbers.
//! The body lives in `fuzz/bodies.rs`, shared with `tests/fuzz_smoke.rs`.
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::builder_build(data));
