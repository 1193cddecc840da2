//! The origin lookup (`allow_origin_lookup`) under load: 10 000 tenant
//! origins, requests spread over them by a Zipf distribution (s = 1: the
//! busiest tenant gets about 10 % of the requests, half of the tenants
//! share under 10 %). See BENCHMARKS.md.
//!
//! - `cargo bench --bench lookup`: both parts below, as Markdown tables.
//! - `-- --count <none-b|b|none-lookup|lookup> <n>`: serves `n` hit-path
//!   requests of one contestant after the warm-up, for `valgrind
//!   --tool=callgrind` (instructions per request: the difference of two
//!   runs divided by the difference of their `n`).
//! - **Hit path**: every tenant's answer cached, each request served with
//!   one `poll` (as in `benches/cors.rs`). 7 interleaved rounds, minimum per
//!   cell; the overhead over no layer, next to scenario (b)'s (3 exact
//!   origins, the same request shape). Goal: at most 2 × (b).
//! - **Store load**: on Tokio's paused clock, 2 000 requests a second for
//!   5 minutes (90 % from tenants by Zipf, 10 % from one-off unknown
//!   origins), default TTLs (60 s allowed, 5 s refused), a store answering
//!   in 1 ms: the lookups per second the store sees once warm, against the
//!   2 000 an uncached predicate would make.

use std::convert::Infallible;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::Context;
use std::time::{Duration, Instant};

use http::{header, Request, Response};
use tower::ServiceExt;
use tower_layer::Layer;
use tower_service::Service;

mod scenarios;

use scenarios::{noop_waker, serve, Inner, ORIGINS};

const TENANTS: usize = 10_000;
/// Distinct requests cycled through in the hit-path loop.
const SAMPLES: usize = 4096;
const ROUNDS: usize = 7;
const ITERATIONS: usize = 200_000;

/// A small deterministic generator (xorshift64*), so every run serves the
/// same sequence.
struct Rng(u64);

impl Rng {
    fn next_unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Tenant indexes drawn by Zipf with s = 1 over `TENANTS`.
struct Zipf {
    cdf: Vec<f64>,
    rng: Rng,
}

impl Zipf {
    fn new(seed: u64) -> Self {
        let mut total = 0.0;
        let mut cdf: Vec<f64> = (0..TENANTS)
            .map(|k| {
                total += 1.0 / (k + 1) as f64;
                total
            })
            .collect();
        for c in &mut cdf {
            *c /= total;
        }
        Zipf {
            cdf,
            rng: Rng(seed),
        }
    }

    fn sample(&mut self) -> usize {
        let u = self.rng.next_unit();
        self.cdf.partition_point(|&c| c < u).min(TENANTS - 1)
    }
}

fn tenant(i: usize) -> String {
    format!("https://shop{i}.tenant{}.example", i % 97)
}

fn get_from(origin: &str) -> Request<()> {
    Request::get("/api/items")
        .header(header::HOST, "api.example.com")
        .header(header::USER_AGENT, "Mozilla/5.0 (X11; Linux x86_64)")
        .header(header::ACCEPT, "*/*")
        .header(header::ORIGIN, origin)
        .body(())
        .expect("valid request")
}

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

/// The three exact origins statically, tenants through the lookup (a set in
/// memory here: the hit path never reaches it), `calls` counting lookups.
fn lookup_layer(
    calls: Arc<AtomicU64>,
    tenant_calls: Arc<AtomicU64>,
    latency: Duration,
    capacity: usize,
) -> tower_cors::CorsLayer {
    let tenants: Arc<std::collections::HashSet<String>> =
        Arc::new((0..TENANTS).map(tenant).collect());
    tower_cors::CorsLayer::builder()
        .allow_origins(ORIGINS)
        .allow_origin_lookup(move |origin: String| {
            calls.fetch_add(1, Ordering::Relaxed);
            if tenants.contains(&origin) {
                tenant_calls.fetch_add(1, Ordering::Relaxed);
            }
            let tenants = Arc::clone(&tenants);
            async move {
                if !latency.is_zero() {
                    tokio::time::sleep(latency).await;
                }
                Ok::<_, Never>(tenants.contains(&origin))
            }
        })
        .origin_lookup_capacity(capacity)
        .build()
        .expect("valid")
}

/// Serves `requests` round-robin `n` times through `service`.
fn run<S>(service: &mut S, requests: &[Request<()>], n: usize) -> Duration
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
{
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let start = Instant::now();
    for i in 0..n {
        let request = requests[i % requests.len()].clone();
        black_box(serve(service, request, &mut cx));
    }
    start.elapsed()
}

/// The four hit-path contestants, warmed up: every tenant's answer cached.
struct HitPath {
    calls: Arc<AtomicU64>,
    warmed: u64,
    skewed: Vec<Request<()>>,
    exact: [Request<()>; 1],
    ours_three: tower_cors::Cors<Inner>,
    ours_lookup: tower_cors::Cors<Inner>,
}

impl HitPath {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let calls = Arc::new(AtomicU64::new(0));
        // Room for every tenant, so that every request is a hit.
        let layer = lookup_layer(
            Arc::clone(&calls),
            Arc::default(),
            Duration::ZERO,
            2 * TENANTS,
        );
        runtime.block_on(async {
            for i in 0..TENANTS {
                let service = layer.clone().layer(Inner);
                let response = service
                    .oneshot(get_from(&tenant(i)))
                    .await
                    .expect("infallible");
                assert!(response
                    .headers()
                    .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
            }
        });
        let warmed = calls.load(Ordering::Relaxed);
        let mut zipf = Zipf::new(0x5EED);
        let skewed = (0..SAMPLES)
            .map(|_| get_from(&tenant(zipf.sample())))
            .collect();
        let three = tower_cors::CorsLayer::builder()
            .allow_origins(ORIGINS)
            .build()
            .expect("valid");
        HitPath {
            calls,
            warmed,
            skewed,
            exact: [get_from(ORIGINS[1])],
            ours_three: three.layer(Inner),
            ours_lookup: layer.layer(Inner),
        }
    }

    /// Serves `n` requests of one contestant: `none-b`, `b`, `none-lookup`
    /// or `lookup`.
    fn run(&mut self, which: &str, n: usize) -> Duration {
        match which {
            "none-b" => run(&mut Inner, &self.exact, n),
            "b" => run(&mut self.ours_three, &self.exact, n),
            "none-lookup" => run(&mut Inner, &self.skewed, n),
            "lookup" => run(&mut self.ours_lookup, &self.skewed, n),
            other => panic!("unknown contestant {other}"),
        }
    }
}

fn hit_path() {
    let mut hit = HitPath::new();
    // A served tenant request is decorated and asked nothing.
    let waker = noop_waker();
    let first = hit.skewed[0].clone();
    let response = serve(
        &mut hit.ours_lookup,
        first,
        &mut Context::from_waker(&waker),
    );
    assert!(response
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

    let mut best = [f64::INFINITY; 4];
    for _ in 0..ROUNDS {
        for (i, which) in ["none-b", "b", "none-lookup", "lookup"]
            .into_iter()
            .enumerate()
        {
            let time = hit.run(which, ITERATIONS);
            best[i] = best[i].min(time.as_nanos() as f64 / ITERATIONS as f64);
        }
    }
    assert_eq!(
        hit.calls.load(Ordering::Relaxed),
        hit.warmed,
        "every request was a hit"
    );
    let b = best[1] - best[0];
    let lookup = best[3] - best[2];
    println!("### Hit path (ns per request, minimum of {ROUNDS} rounds)\n");
    println!("| request | no layer | tower-cors | overhead |");
    println!("|---|---|---|---|");
    println!(
        "| (b) GET, allowed origin, 3 exact origins | {:.1} | {:.1} | {b:.1} |",
        best[0], best[1]
    );
    println!(
        "| GET from a cached tenant, 10 000 by Zipf | {:.1} | {:.1} | {lookup:.1} |",
        best[2], best[3]
    );
    println!(
        "\nlookup hit overhead / (b) overhead: {:.2} (goal: at most 2)\n",
        lookup / b
    );
}

/// Lookups per second the store sees once warm, in all and for tenants,
/// with the cache holding `capacity` answers.
fn store_load(capacity: usize) -> (f64, f64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    let calls = Arc::new(AtomicU64::new(0));
    let tenant_calls = Arc::new(AtomicU64::new(0));
    let layer = lookup_layer(
        Arc::clone(&calls),
        Arc::clone(&tenant_calls),
        Duration::from_millis(1),
        capacity,
    );
    let mut zipf = Zipf::new(0xC0FFEE);
    let mut rng = Rng(7);
    let wrong = Arc::new(AtomicU64::new(0));
    let mut warm = (0, 0);
    runtime.block_on(async {
        let step = Duration::from_secs(1) / RATE as u32;
        for n in 0..RATE * SECONDS {
            if n == RATE * WARM {
                warm = (
                    calls.load(Ordering::Relaxed),
                    tenant_calls.load(Ordering::Relaxed),
                );
            }
            tokio::time::advance(step).await;
            let (origin, is_tenant) = if rng.next_unit() < 0.9 {
                (tenant(zipf.sample()), true)
            } else {
                (format!("https://unknown{n}.example"), false)
            };
            // Each request its own task, so that one waiting for the store
            // (1 ms) does not hold back the next: the rate stays as set.
            let service = layer.clone().layer(Inner);
            let wrong = Arc::clone(&wrong);
            tokio::spawn(async move {
                let response = service
                    .oneshot(get_from(&origin))
                    .await
                    .expect("infallible");
                let allowed = response
                    .headers()
                    .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN);
                if allowed != is_tenant {
                    wrong.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    });
    assert_eq!(
        wrong.load(Ordering::Relaxed),
        0,
        "tenants allowed, strangers refused"
    );
    let seconds = (SECONDS - WARM) as f64;
    let all = (calls.load(Ordering::Relaxed) - warm.0) as f64 / seconds;
    let tenants = (tenant_calls.load(Ordering::Relaxed) - warm.1) as f64 / seconds;
    (all, tenants)
}

const RATE: u64 = 2_000;
const SECONDS: u64 = 300;
const WARM: u64 = 60;

fn store_loads() {
    println!(
        "### Store load (paused clock, {RATE} requests/s for {SECONDS} s, store answers in 1 ms)\n"
    );
    println!("| cache | lookups/s | of them for tenants | for one-off strangers |");
    println!("|---|---:|---:|---:|");
    println!(
        "| none (a predicate asked per request) | {RATE} | {} | {} |",
        RATE * 9 / 10,
        RATE / 10
    );
    for capacity in [10_000, 20_000] {
        let (all, tenants) = store_load(capacity);
        println!(
            "| allow_origin_lookup, default TTLs, capacity {capacity} | {all:.0} | {tenants:.0} | {:.0} |",
            all - tenants
        );
    }
    println!("\n(after the first {WARM} s; 90 % of requests from 10 000 tenants by Zipf, 10 % from origins never seen before)\n");
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` runs benches with no
    // such flag and only checks that they build and start.
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, which, n] = &args[..] {
        if flag == "--count" {
            // For `valgrind --tool=callgrind`: n requests of one contestant
            // after the warm-up, which two runs of different n cancel out.
            let n = n.parse().expect("a request count");
            HitPath::new().run(which, n);
            return;
        }
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("benches/lookup.rs: run with `cargo bench --bench lookup`");
        return;
    }
    hit_path();
    store_loads();
}
