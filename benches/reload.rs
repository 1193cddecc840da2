//! What a reloadable layer costs per request, and why it is built on
//! `arc-swap` rather than `std::sync::RwLock`. See BENCHMARKS.md.
//!
//! - `cargo bench --bench reload`: interleaved rounds (minimum per cell) of
//!   1. scenarios (b) and (d) through a fixed layer, a reloadable one, and a
//!      layer trialling an identical report-only candidate;
//!   2. reading the current policy, alone: `ArcSwap::load` against
//!      `RwLock::read` + `Arc::clone` (what a lock-based layer would do to
//!      keep the policy past the lock), on one thread and on two threads
//!      reading at once while a third replaces the policy every millisecond.
//!
//! `CORS_BENCH_ROUNDS` (default 7) sets the rounds.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, RwLock};
use std::task::Context;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use tower_cors::{Cors, CorsLayer, Policy};
use tower_layer::Layer;

mod scenarios;

use scenarios::{noop_waker, serve, Inner, Scenario};

/// The three layers compared in a scenario.
const LAYERS: [&str; 3] = ["fixed", "reloadable", "report-only (identical candidate)"];

fn services(scenario: &Scenario) -> [Cors<Inner>; 3] {
    let (reloadable, handle) = scenario.ours.clone().reloadable();
    // Swapped once, as in production after the first reload.
    handle.replace(scenario.ours.clone());
    let trialled = scenario
        .ours
        .clone()
        .with_report_only(scenario.ours.clone(), |d| {
            panic!("identical policies diverged: {d}")
        });
    [
        scenario.ours.layer(Inner),
        reloadable.layer(Inner),
        trialled.layer(Inner),
    ]
}

/// ns per request over `n` requests.
fn time_requests(service: &mut Cors<Inner>, scenario: &Scenario, n: u64) -> f64 {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let start = Instant::now();
    for _ in 0..n {
        black_box(serve(
            service,
            black_box(&scenario.request).clone(),
            &mut cx,
        ));
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn layers(rounds: usize) {
    let chosen: Vec<Scenario> = scenarios::all()
        .into_iter()
        .filter(|s| s.id == "b" || s.id == "d")
        .collect();
    let n = 200_000;
    let mut best = vec![[f64::INFINITY; 3]; chosen.len()];
    let mut all: Vec<[Cors<Inner>; 3]> = chosen.iter().map(services).collect();
    for round in 0..rounds {
        for (i, scenario) in chosen.iter().enumerate() {
            for k in 0..3 {
                let w = (k + round) % 3;
                let ns = time_requests(&mut all[i][w], scenario, n);
                best[i][w] = best[i][w].min(ns);
            }
        }
    }
    println!("ns per request, min of {rounds} interleaved rounds of {n} requests\n");
    println!(
        "| scenario | {} | {} | {} | reloadable - fixed |",
        LAYERS[0], LAYERS[1], LAYERS[2]
    );
    println!("|---|---:|---:|---:|---:|");
    for (scenario, [fixed, reloadable, trialled]) in chosen.iter().zip(&best) {
        println!(
            "| ({}) {} | {fixed:.1} | {reloadable:.1} | {trialled:.1} | {:+.1} |",
            scenario.id,
            scenario.name,
            reloadable - fixed
        );
    }
}

/// How the current policy is read: the two candidates for a reloadable layer.
trait Current: Sync {
    fn read(&self) -> bool;
    fn replace(&self, policy: Arc<Policy>);
}

struct Swap(ArcSwap<Policy>);
struct Lock(RwLock<Arc<Policy>>);

impl Current for Swap {
    fn read(&self) -> bool {
        self.0.load().allows_credentials()
    }
    fn replace(&self, policy: Arc<Policy>) {
        self.0.store(policy);
    }
}

impl Current for Lock {
    fn read(&self) -> bool {
        // The policy must outlive the lock: a request keeps it while its
        // response is pending, and must not block a replacement meanwhile.
        let policy = match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        policy.allows_credentials()
    }
    fn replace(&self, policy: Arc<Policy>) {
        match self.0.write() {
            Ok(mut guard) => *guard = policy,
            Err(poisoned) => *poisoned.into_inner() = policy,
        }
    }
}

/// ns per read with `readers` threads reading at once and, if `writer`,
/// one more thread replacing the policy every millisecond.
fn time_reads(current: &dyn Current, readers: usize, writer: bool, n: u64) -> f64 {
    let policies = [
        Arc::new(CorsLayer::permissive().policy().clone()),
        Arc::new(scenarios::all().remove(1).ours.policy().clone()),
    ];
    let stop = AtomicBool::new(false);
    let start = Barrier::new(readers + 1);
    std::thread::scope(|scope| {
        if writer {
            scope.spawn(|| {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    current.replace(Arc::clone(&policies[i % 2]));
                    i += 1;
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
        }
        let handles: Vec<_> = (0..readers)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    let began = Instant::now();
                    for _ in 0..n {
                        black_box(current.read());
                    }
                    began.elapsed().as_nanos() as f64 / n as f64
                })
            })
            .collect();
        start.wait();
        let per: Vec<f64> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or(f64::NAN))
            .collect();
        stop.store(true, Ordering::Relaxed);
        per.iter().sum::<f64>() / per.len() as f64
    })
}

fn reads(rounds: usize) {
    let policy = Arc::new(scenarios::all().remove(1).ours.policy().clone());
    let swap = Swap(ArcSwap::new(Arc::clone(&policy)));
    let lock = Lock(RwLock::new(policy));
    let cases: [(&str, usize, bool); 3] = [
        ("1 reader", 1, false),
        ("2 readers", 2, false),
        ("2 readers + 1 writer (every ms)", 2, true),
    ];
    let n = 2_000_000;
    let mut best = [[f64::INFINITY; 2]; 3];
    for round in 0..rounds {
        for (c, (_, readers, writer)) in cases.iter().enumerate() {
            for k in 0..2 {
                let w = (k + round) % 2;
                let current: &dyn Current = if w == 0 { &swap } else { &lock };
                best[c][w] = best[c][w].min(time_reads(current, *readers, *writer, n));
            }
        }
    }
    println!(
        "\nns per read of the current policy, min of {rounds} rounds of {n} reads per thread\n"
    );
    println!("| threads | ArcSwap::load | RwLock::read + Arc::clone | RwLock / ArcSwap |");
    println!("|---|---:|---:|---:|");
    for ((name, ..), [swap, lock]) in cases.iter().zip(best) {
        println!("| {name} | {swap:.1} | {lock:.1} | {:.1} |", lock / swap);
    }
}

fn main() {
    let rounds = std::env::var("CORS_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    layers(rounds);
    reads(rounds);
}
