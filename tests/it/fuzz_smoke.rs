//! The fuzz targets' bodies (`tests/fuzz_bodies/mod.rs`) on stable Rust, over a
//! generated corpus: hand-written hostile inputs plus deterministic
//! pseudo-random ones, tens of thousands in all. CI runs this; the real
//! fuzzers (`cargo +nightly fuzz run <target>`) explore further.
//!
//! `TOWER_CORS_WRITE_CORPUS=<dir> cargo test --test it fuzz_smoke::` also writes
//! the corpus to `<dir>/<target>/`, to seed the fuzzers.

#[path = "../fuzz_bodies/mod.rs"]
pub(crate) mod bodies;

use std::collections::BTreeMap;

use bodies::{
    Encoder, INNER_RESPONSE, METHODS, REQUEST_HEADERS, REQUEST_METHOD, REQUEST_ORIGIN,
    REQUEST_OTHER, REQUEST_PRIVATE_NETWORK, STEPS,
};
use tower_cors::MAX_REQUEST_HEADERS_BYTES;

/// xorshift64*: deterministic, so a failure reproduces from the case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// Mostly one of the first `valid` items, sometimes any.
    fn mostly<'a>(&mut self, items: &'a [&'a str], valid: usize) -> &'a str {
        let n = if self.chance(90) { valid } else { items.len() };
        items[self.below(n)]
    }
    /// `text`, with one byte replaced by a random one `percent`% of the time.
    fn mangled(&mut self, percent: usize, text: &str) -> Vec<u8> {
        let mut bytes = text.as_bytes().to_vec();
        if self.chance(percent) && !bytes.is_empty() {
            let at = self.below(bytes.len());
            bytes[at] = self.next() as u8;
        }
        bytes
    }
}

/// Origins that broke other CORS implementations, and their neighbours.
#[rustfmt::skip]
const ORIGINS: &[&str] = &[
    "https://app.example.com", "https://APP.example.com", "https://app.example.com.",
    "https://app.example.com:443", "https://app.example.com/", "https://app.example.com.evil.net",
    "https://evil-example.com", "https://example.com", "https://a.example.com", "https://a.b.example.com",
    "https://.example.com", "https://a..example.com", "https://example.com.evil.net", "https://evilexample.com",
    "https://appxexample.com", "https://x.eu.example.org:8443", "https://eu.example.org:8443",
    "https://x.eu.example.org", "http://a.example.com", "http://localhost", "http://localhost:3000",
    "http://localhost:0", "http://localhost:03000", "http://localhost:65536", "http://localhost:80",
    "http://localhost.evil.net", "http://[::1]:3000", "http://[::1]", "http://[::1", "tauri://localhost",
    "tauri://localhost.evil", "https://a.pred.test", "https://a.pred.test.evil", "null", "NULL", "null ",
    "file://", "*", "", "https://", "https://u@app.example.com", "https://app.example.com#",
    "https://app.example.com?", "https://app.example.com\\", "https://app.example.com%2f",
    "https://app.example.com\t", "javascript://app.example.com", "https://xn--bcher-kva.example",
];

/// Valid method tokens first; [`VALID_METHODS`] of them.
const REQUEST_METHODS: &[&str] = &[
    "PUT", "DELETE", "PATCH", "patch", "GET", "HEAD", "POST", "CONNECT", "TRACE", "X-CUSTOM", "*",
    "", "PU T", "PUT,GET", "P(T",
];
const VALID_METHODS: usize = 11;

/// Valid header names first; [`VALID_HEADER_NAMES`] of them.
#[rustfmt::skip]
const HEADER_NAMES: &[&str] = &[
    "content-type", "Content-Type", "authorization", "AUTHORIZATION", "x-requested-with", "x-other", "cookie", "*",
    "", "x-a;b", "\"q\"", "x(y)",
];
const VALID_HEADER_NAMES: usize = 9;

/// Access-Control-Request-Headers values at and beyond the limits.
#[rustfmt::skip]
fn header_lists() -> Vec<Vec<u8>> {
    let big = MAX_REQUEST_HEADERS_BYTES;
    let text: [&[u8]; 7] = [
        b"", b" , ,\t,", b"content-type", b"content-type,authorization",
        b"\tcontent-type \t,  x-requested-with", b"x-other", b"x-a,,,,,,x-b",
    ];
    let mut lists: Vec<Vec<u8>> = text.iter().map(|l| l.to_vec()).collect();
    let repeated = [
        ("x-a,", 64), ("x-a,", 65), ("content-type,", 64), (",", big), (",", big + 1), (" ", big), ("x", big),
        ("x", big + 1), ("a,", 5000), (" ,", 20_000),
    ];
    lists.extend(repeated.iter().map(|(s, n)| s.repeat(*n).into_bytes()));
    lists.extend([b"x-\x80".to_vec(), b"x-a\xff".to_vec(), b"x-a b".to_vec()]);
    lists
}

/// Headers the inner service sets: `(index into INNER_HEADERS, value)`.
#[rustfmt::skip]
const INNER: &[(u8, &[u8])] = &[
    (0, b"accept-encoding"), (0, b"Origin"), (0, b"*"), (0, b"accept, cookie"), (1, b"inner"), (2, b"*"),
    (2, b"https://evil.example"), (3, b"true"), (4, b"x-secret"), (5, b"session=1"), (6, b"abc"), (7, b"no-store"),
];

fn request_case(rng: &mut Rng, policy: u8, lists: &[Vec<u8>]) -> Vec<u8> {
    let mut e = Encoder::default();
    // Mostly OPTIONS and GET; sometimes another of METHODS, or a custom method.
    #[rustfmt::skip]
    let method = match rng.below(10) { 0..=4 => 2, 5..=7 => 0, 8 => rng.below(METHODS.len()) as u8, _ => 200 };
    e.byte(policy).byte(method);
    if method == 200 {
        e.field(rng.mostly(REQUEST_METHODS, VALID_METHODS).as_bytes());
    }
    // Origin: usually one, sometimes none (1 in 20) or two (1 in 20); sometimes mangled bytes.
    for _ in 0..[0, 2].get(rng.below(20)).copied().unwrap_or(1) {
        let origins = if rng.chance(50) { &ORIGINS[..4] } else { ORIGINS };
        let origin = *rng.pick(origins);
        e.byte(REQUEST_ORIGIN).field(&rng.mangled(5, origin));
    }
    if rng.chance(85) {
        e.byte(REQUEST_METHOD).field(rng.mostly(REQUEST_METHODS, VALID_METHODS).as_bytes());
        if rng.chance(3) {
            e.byte(REQUEST_METHOD).field(b"PUT");
        }
    }
    match rng.below(4) {
        0 => {}
        1 => {
            let list = rng.pick(lists);
            e.byte(REQUEST_HEADERS).field(list);
        }
        _ => {
            let names: Vec<&str> =
                (0..rng.below(5)).map(|_| rng.mostly(HEADER_NAMES, VALID_HEADER_NAMES)).collect();
            e.byte(REQUEST_HEADERS).field(names.join(", ").as_bytes());
            if rng.chance(10) {
                let name = rng.mostly(HEADER_NAMES, VALID_HEADER_NAMES);
                e.byte(REQUEST_HEADERS).field(name.as_bytes());
            }
        }
    }
    if rng.chance(20) {
        let value: &[u8] = if rng.chance(80) { b"true" } else { b"TRUE" };
        e.byte(REQUEST_PRIVATE_NETWORK).field(value);
    }
    if rng.chance(10) {
        e.byte(REQUEST_OTHER).field(b"1");
    }
    // The inner service's headers: Vary, its own, and CORS ones it should not set.
    for _ in 0..rng.below(4) {
        let (pick, value) = *rng.pick(INNER);
        e.byte(INNER_RESPONSE).byte(pick).field(value);
    }
    e.bytes.clone()
}

/// Configured origin strings: valid, non-canonical, hostile, and garbage.
#[rustfmt::skip]
const CONFIG_ORIGINS: &[&str] = &[
    "https://app.example.com", "https://*.example.com", "http://localhost:*", "https://*.example.com:*",
    "http://*.localhost", "http://127.0.0.1:8080", "http://[::1]:3000", "http://intranet.example",
    "tauri://localhost", "https://App.Example.com", "https://app.example.com/", "https://app.example.com:443",
    "https://app.example.com/path", "https://app.example.com?q", "https://user@app.example.com",
    "https://Bücher.example", "https://xn--bcher-kva.example", "http://0x7f.1", "*", "null", " null ",
    "file:///etc/passwd", "h*", "https://*", "https://*.*", "https://**.example.com", "https://a.*.example.com",
    "https://*example.com", "https://example.*", "https://example.com*", "http://localhost*", "https://*.com",
    "https://*.co.uk", "https://*.github.io", "https://*.127.0.0.1", "https://*.[::1]",
    "https://.*\\.example\\.com", "^https://.*$", "https://app.example.com\r\nX-Injected: 1",
    "https://app.example.com\u{1b}[31m", "https://ex\u{0}ample.com", "https://\u{202e}moc.elpmaxe",
    "https://exa mple.com", "https://[::1", "https://a:99999", "https://a:-1", "https://a:0x50", "", "://",
    "https:", "https:/a",
];

/// More configured strings `build()` must refuse without panicking (DESIGN
/// "Public API"), each checked alone; the random cases pick from
/// [`CONFIG_ORIGINS`] only.
#[rustfmt::skip]
const GARBAGE_ORIGINS: &[&str] = &[
    " ", ":", "https://", "https:/app.example.com", "https:///", "https://:443", "https://[zz]", "https://[]",
    "https://app.example.com:99999", "https://app.example.com:-1", "https://app.example.com:0", "https://a b.example.com",
    "https://app.example.com\n", "https://\u{0}", "https://*.", "http://*:*", "https://xn--.example", "https://.example.com",
    "https://example..com", "https://例え.テスト", "https://256.256.256.256", "https://0x7f.1", "ws://*.example.com",
    "chrome-extension://*", "\\\\server\\share",
];

/// A random configuration: one to eight builder steps (see `bodies::builder_build`).
fn build_case(rng: &mut Rng) -> Vec<u8> {
    let mut e = Encoder::default();
    for _ in 0..rng.below(8) + 1 {
        let step = rng.below(usize::from(STEPS)) as u8;
        e.byte(step);
        #[rustfmt::skip]
        match step {
            0 | 1 => { let origin = *rng.pick(CONFIG_ORIGINS); e.field(&rng.mangled(10, origin)); }
            2 => { e.field(rng.pick(&["PUT", "CONNECT", "trace", "TRACK", "patch", "X"]).as_bytes()); }
            3 | 4 => { e.field(rng.pick(&["content-type", "cookie", "set-cookie", "sec-fetch-mode", "proxy-x", "x-id"]).as_bytes()); }
            5 | 6 | 8 => { e.byte(rng.next() as u8); }
            // Max age: three little-endian bytes; preflight status: two.
            7 => { e.bytes.extend_from_slice(&rng.pick(&[0u32, 600, 86_400, 86_401, 0xff_ffff]).to_le_bytes()[..3]); }
            9 => { e.bytes.extend_from_slice(&rng.pick(&[200u16, 204, 299, 301, 403, 500]).to_le_bytes()); }
            10..=13 => {}
            _ => { e.field(rng.pick(ORIGINS).as_bytes()); }
        };
    }
    e.bytes.clone()
}

fn write_corpus(target: &str, cases: &[Vec<u8>]) {
    let Some(dir) = std::env::var_os("TOWER_CORS_WRITE_CORPUS") else {
        return;
    };
    let dir = std::path::Path::new(&dir).join(target);
    std::fs::create_dir_all(&dir).unwrap();
    // A sample is enough to seed the fuzzers.
    for (i, case) in cases.iter().enumerate().step_by(20) {
        std::fs::write(dir.join(format!("smoke-{i:05}")), case).unwrap();
    }
}

fn request_corpus(seed: u64, n: usize) -> Vec<Vec<u8>> {
    let lists = header_lists();
    let mut rng = Rng(seed);
    let policies = bodies::policies().len() as u8;
    let mut cases = Vec::with_capacity(n + 64);
    // Every hostile header list under every policy, as a preflight.
    for policy in 0..policies {
        for list in &lists {
            let mut e = Encoder::default();
            e.byte(policy).byte(2).byte(REQUEST_ORIGIN).field(b"https://app.example.com");
            e.byte(REQUEST_METHOD).field(b"PUT").byte(REQUEST_HEADERS).field(list);
            cases.push(e.bytes.clone());
        }
    }
    while cases.len() < n {
        let policy = rng.below(usize::from(policies)) as u8;
        cases.push(request_case(&mut rng, policy, &lists));
    }
    cases
}

#[test]
fn request_parse_survives_the_generated_corpus() {
    // The same cases as for policy_decide, without the policy selector.
    let cases: Vec<Vec<u8>> =
        request_corpus(0x5eed_0001, 30_000).into_iter().map(|case| case[1..].to_vec()).collect();
    write_corpus("request_parse", &cases);
    for case in &cases {
        bodies::request_parse(case);
    }
}

#[test]
fn policy_decide_survives_the_generated_corpus_and_reaches_every_outcome() {
    let cases = request_corpus(0x5eed_0002, 30_000);
    write_corpus("policy_decide", &cases);
    // Tally outcomes so the corpus provably exercises each branch.
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &cases {
        *outcomes.entry(bodies::policy_decide(case)).or_default() += 1;
    }
    #[rustfmt::skip]
    let all = [
        "not cors", "allowed actual", "allowed preflight", "origin not allowed", "method not allowed",
        "header not allowed", "malformed",
    ];
    for outcome in all {
        let ok = outcomes.get(outcome).copied().unwrap_or(0) >= 50;
        assert!(ok, "the corpus reaches {outcome:?} too rarely: {outcomes:?}");
    }
}

#[test]
fn builder_build_survives_the_generated_corpus() {
    let mut rng = Rng(0x5eed_0003);
    let mut cases: Vec<Vec<u8>> = Vec::with_capacity(20_000);
    // Every configured string alone, with and without credentials (step 5),
    // then every origin of ORIGINS as a probe (step 14).
    for origin in CONFIG_ORIGINS {
        for credentials in [&[][..], &[5, 0]] {
            let mut e = Encoder::default();
            e.byte(0).field(origin.as_bytes()).bytes.extend_from_slice(credentials);
            ORIGINS.iter().for_each(|probe| _ = e.byte(14).field(probe.as_bytes()));
            cases.push(e.bytes.clone());
        }
    }
    while cases.len() < 20_000 {
        cases.push(build_case(&mut rng));
    }
    let alone = |origin: &&str| Encoder::default().byte(0).field(origin.as_bytes()).bytes.clone();
    cases.extend(GARBAGE_ORIGINS.iter().map(alone));
    write_corpus("builder_build", &cases);
    for case in &cases {
        bodies::builder_build(case);
    }
}

/// Inputs the fuzzers found, kept as regressions (see `refused_answers.rs`
/// for the readable versions), with the target that found them.
const FOUND_BY_FUZZING: &[(Target, &[u8])] = &[(
    // policy_decide: a credentialed any-header preflight asking for a header
    // named `*` was answered `Access-Control-Allow-Headers: *` next to ACAC.
    |input| _ = bodies::policy_decide(input),
    b"\x06\x02\x00\x17\x00https://app.example.com\x01\x03\x00GET\x02\x22\x00cookie, \
      Content-Type,content-type\x15\x02\x01\x00*\x05\x07\x08\x00no-store",
)];

type Target = fn(&[u8]);

#[test]
fn inputs_found_by_fuzzing_stay_fixed() {
    for (target, input) in FOUND_BY_FUZZING {
        target(input);
    }
}

#[test]
fn the_origin_model_is_not_vacuous() {
    let configured = ["https://*.example.com", "http://localhost:*"].map(String::from);
    #[rustfmt::skip]
    let cases = [
        ("https://a.example.com", true), ("http://localhost:3000", true), ("https://example.com", false),
        ("https://evil-example.com", false), ("https://example.com.evil.net", false), ("http://a.example.com", false),
    ];
    for (origin, allowed) in cases {
        assert_eq!(bodies::allowed_by_model(&configured, origin), allowed, "{origin}");
    }
}
