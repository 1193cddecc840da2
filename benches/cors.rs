//! tower-cors against tower-http's `CorsLayer` and against no layer at all,
//! scenario by scenario, in the same process. See BENCHMARKS.md.
//!
//! - `cargo bench --bench cors`: criterion, one group per scenario.
//! - `cargo bench --bench cors -- --rounds`: 7 interleaved rounds of every
//!   scenario and contestant; prints the minimum per cell as a Markdown table
//!   with overheads over no layer and the ours / tower-http ratios.
//! - `cargo bench --bench cors -- --profile <a-h> <none|tower-http|ours> <n>`:
//!   serves one scenario's request `n` times and nothing else, for
//!   `valgrind --tool=callgrind` or `perf record`.
//! - `cargo bench --bench cors -- --serve <a-h> <none|tower-http|ours> <port>`:
//!   a hyper HTTP/1 server on 127.0.0.1 with one thread, for `benches/e2e.sh`.
//!
//! Instruction counts, which do not move with the machine's load, are in
//! `benches/instructions.rs` (`cargo bench --bench instructions`).

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::task::Context;
use std::time::{Duration, Instant};

use criterion::Criterion;
use http::{Request, Response};
use hyper::body::Incoming;
use tower_layer::Layer;
use tower_service::Service;

mod scenarios;

use scenarios::{noop_waker, serve, Contestants, Scenario, Who};

/// The targets of BENCHMARKS.md: our overhead / tower-http's, at most.
const TARGETS: [(&str, f64); 8] = [
    ("a", 0.35),
    ("b", 0.40),
    ("c", 0.45),
    ("d", 0.65),
    ("e", 0.10),
    ("f", 0.45),
    ("g", 0.50),
    ("h", 0.40),
];

/// Serves `scenario`'s request `n` times through one contestant; returns
/// the elapsed time. The request is cloned inside the loop for every
/// contestant alike, so the clone cancels out of the overheads.
fn run(contestants: &mut Contestants, who: Who, scenario: &Scenario, n: u64) -> Duration {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let request = &scenario.request;
    let start = Instant::now();
    match who {
        Who::None => {
            for _ in 0..n {
                black_box(serve(&mut contestants.none, request.clone(), &mut cx));
            }
        }
        Who::TowerHttp => {
            for _ in 0..n {
                black_box(serve(&mut contestants.tower_http, request.clone(), &mut cx));
            }
        }
        Who::Ours => {
            for _ in 0..n {
                black_box(serve(&mut contestants.ours, request.clone(), &mut cx));
            }
        }
    }
    start.elapsed()
}

fn criterion_benches(c: &mut Criterion) {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    for scenario in scenarios::all() {
        let mut group = c.benchmark_group(format!("{}: {}", scenario.id, scenario.name));
        let mut contestants = scenario.contestants();
        let request = &scenario.request;
        group.bench_function("no layer", |b| {
            b.iter(|| serve(&mut contestants.none, request.clone(), &mut cx))
        });
        group.bench_function("tower-http", |b| {
            b.iter(|| serve(&mut contestants.tower_http, request.clone(), &mut cx))
        });
        group.bench_function("tower-cors", |b| {
            b.iter(|| serve(&mut contestants.ours, request.clone(), &mut cx))
        });
        group.finish();
    }
}

/// Iterations that take about `target` for one contestant.
fn calibrate(
    contestants: &mut Contestants,
    who: Who,
    scenario: &Scenario,
    target: Duration,
) -> u64 {
    let mut n = 64;
    loop {
        let took = run(contestants, who, scenario, n);
        if took >= target / 4 {
            let per = took.as_secs_f64() / n as f64;
            return ((target.as_secs_f64() / per) as u64).max(1);
        }
        n *= 4;
    }
}

/// 7 interleaved rounds; in each, every scenario and contestant runs once
/// (contestant order rotating), so slow phases of a shared machine hit all of
/// them alike. The minimum per cell is the least disturbed measurement.
fn rounds() {
    // The minimum of 7 rounds by default; on a busy machine more
    // rounds (CORS_BENCH_ROUNDS) give more chances of an undisturbed sample.
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let rounds = env("CORS_BENCH_ROUNDS", 7) as usize;
    let sample = Duration::from_millis(env("CORS_BENCH_SAMPLE_MS", 25));
    // CORS_BENCH_ONLY=cdg runs only those scenarios, for quicker A/B runs.
    let only = std::env::var("CORS_BENCH_ONLY").unwrap_or_default();
    let scenarios: Vec<Scenario> = scenarios::all()
        .into_iter()
        .filter(|s| only.is_empty() || only.contains(s.id))
        .collect();
    let mut contestants: Vec<Contestants> = scenarios.iter().map(Scenario::contestants).collect();
    let iterations: Vec<[u64; 3]> = scenarios
        .iter()
        .zip(&mut contestants)
        .map(|(s, c)| Who::ALL.map(|who| calibrate(c, who, s, sample)))
        .collect();
    let mut best = vec![[f64::INFINITY; 3]; scenarios.len()];
    for round in 0..rounds {
        for (i, scenario) in scenarios.iter().enumerate() {
            for k in 0..3 {
                let w = (k + round) % 3;
                let n = iterations[i][w];
                let took = run(&mut contestants[i], Who::ALL[w], scenario, n);
                let ns = took.as_nanos() as f64 / n as f64;
                best[i][w] = best[i][w].min(ns);
            }
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }

    println!(
        "min of {rounds} interleaved rounds, ns per request (overhead = contestant - no layer)\n"
    );
    println!(
        "| scenario | no layer | tower-http | tower-cors | tower-http overhead | tower-cors overhead | ratio | target |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (scenario, [none, theirs, ours]) in scenarios.iter().zip(&best) {
        let (theirs_over, ours_over) = (theirs - none, ours - none);
        let ratio = ours_over / theirs_over;
        let target = TARGETS
            .iter()
            .find(|(id, _)| *id == scenario.id)
            .map_or(f64::NAN, |t| t.1);
        let verdict = if ratio <= target { "met" } else { "MISSED" };
        println!(
            "| ({}) {} | {none:.0} | {theirs:.0} | {ours:.0} | {theirs_over:.0} | {ours_over:.0} | {ratio:.2} | ≤ {target:.2} {verdict} |",
            scenario.id, scenario.name
        );
    }
    let over = |id: &str| {
        let i = scenarios.iter().position(|s| s.id == id)?;
        Some(best[i][2] - best[i][0])
    };
    if let (Some(e), Some(b)) = (over("e"), over("b")) {
        println!("\n(e) / (b), our overheads: {:.2} (target ≤ 1.20)", e / b);
    }
}

fn contestant(name: &str) -> Who {
    match name {
        "none" => Who::None,
        "tower-http" => Who::TowerHttp,
        "ours" => Who::Ours,
        other => panic!("unknown contestant {other}"),
    }
}

fn profile(args: &[String]) {
    let [id, who, n] = args else {
        panic!("usage: --profile <a-h> <none|tower-http|ours> <iterations>");
    };
    let who = contestant(who);
    let n: u64 = n.parse().expect("iterations");
    let scenario = scenarios::all()
        .into_iter()
        .find(|s| s.id == id)
        .expect("scenario id a-h");
    let mut contestants = scenario.contestants();
    let took = run(&mut contestants, who, &scenario, n);
    println!("{:.1} ns per request", took.as_nanos() as f64 / n as f64);
}

/// The end-to-end inner service: a small text response with a content type.
fn e2e_inner() -> impl Service<
    Request<Incoming>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<String>, Infallible>> + Send,
> + Clone
       + Send
       + 'static {
    tower::service_fn(|_request: Request<Incoming>| async {
        let mut response = Response::new(String::from("hello"));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain"),
        );
        Ok(response)
    })
}

async fn accept_loop<S>(listener: tokio::net::TcpListener, service: S)
where
    S: Service<Request<Incoming>, Response = Response<String>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let service = service.clone();
        tokio::spawn(async move {
            let hyper_service = hyper::service::service_fn(move |request| {
                tower::ServiceExt::oneshot(service.clone(), request)
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, hyper_service)
                .await;
        });
    }
}

fn serve_e2e(args: &[String]) {
    let [id, who, port] = args else {
        panic!("usage: --serve <a-h> <none|tower-http|ours> <port>");
    };
    let who = contestant(who);
    let port: u16 = port.parse().expect("port");
    let scenario = scenarios::all()
        .into_iter()
        .find(|s| s.id == id)
        .expect("scenario id a-h");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind");
        match who {
            Who::None => accept_loop(listener, e2e_inner()).await,
            Who::TowerHttp => accept_loop(listener, scenario.tower_http.layer(e2e_inner())).await,
            Who::Ours => accept_loop(listener, scenario.ours.layer(e2e_inner())).await,
        }
    });
}

fn main() {
    // `cargo bench` adds `--bench`; only criterion cares about it.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.iter().any(|a| a == "--rounds") {
        rounds();
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        serve_e2e(&args[at + 1..]);
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        profile(&args[at + 1..]);
        return;
    }
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    criterion_benches(&mut criterion);
    criterion.final_summary();
}
