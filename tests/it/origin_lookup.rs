//! `allow_origin_lookup`: asked only after the static rules refused a
//! well-formed origin, cached (TTLs, capacity), single-flight, bounded by its
//! timeout, fail-closed, and forgotten on invalidation. TTL and timeout
//! tests run on Tokio's paused clock, so they are exact and take no time.
#![cfg(feature = "origin-lookup")]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    acao_under_axum, actual, assert_lines, expect_bounded as check, preflight, preflight_answer,
    request, run_bounded as run, values, ABSENT, ACAM, ACAO, APP, VARY,
};
use http::{Method, Request, StatusCode};
use tokio::sync::Notify;
use tokio::time::Instant;
use tower_cors::{CorsBuilder, CorsLayer};

const TENANT: &str = "https://shop.tenant.example";
const OTHER: &str = "https://other.example";

/// What the store does when asked: answer from its table, never answer,
/// fail on every other call (the first fails), or panic inside its future.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    Answer,
    Hang,
    FailEveryOther,
    Panic,
}
use Behaviour::{Answer, FailEveryOther, Hang, Panic};

/// A store of tenant origins that counts how often it is asked, per origin.
#[derive(Clone)]
struct Store {
    tenants: Arc<Mutex<HashSet<String>>>,
    asked: Arc<Mutex<Vec<String>>>,
    behaviour: Behaviour,
}

type StoreDown = std::io::Error;

impl Store {
    fn new(tenants: &[&str], behaviour: Behaviour) -> Self {
        let tenants = Arc::new(Mutex::new(tenants.iter().map(|t| t.to_string()).collect()));
        Store { tenants, asked: Arc::default(), behaviour }
    }

    /// A new store, and its [`Store::layer`] configured by `configure`.
    fn with(
        tenants: &[&str],
        behaviour: Behaviour,
        configure: impl FnOnce(CorsBuilder) -> CorsBuilder,
    ) -> (Self, CorsLayer) {
        let store = Store::new(tenants, behaviour);
        let layer = store.layer(configure);
        (store, layer)
    }

    fn asked(&self) -> usize {
        self.asked.lock().unwrap().len()
    }

    fn asked_for(&self, origin: &str) -> usize {
        self.asked.lock().unwrap().iter().filter(|o| *o == origin).count()
    }

    fn add(&self, origin: &str) {
        self.tenants.lock().unwrap().insert(origin.to_owned());
    }

    fn lookup(&self, origin: String) -> impl std::future::Future<Output = Result<bool, StoreDown>> {
        let call = {
            let mut asked = self.asked.lock().unwrap();
            asked.push(origin.clone());
            asked.len()
        };
        let allowed = self.tenants.lock().unwrap().contains(&origin);
        let behaviour = self.behaviour;
        async move {
            // An answer that takes a turn of the scheduler, like a real store.
            tokio::task::yield_now().await;
            match behaviour {
                Answer => Ok(allowed),
                Hang => std::future::pending().await,
                FailEveryOther if call % 2 == 1 => Err(StoreDown::other("down")),
                FailEveryOther => Ok(allowed),
                Panic => panic!("the store panicked"),
            }
        }
    }

    /// A layer allowing APP statically and asking this store for the rest.
    fn layer(&self, configure: impl FnOnce(CorsBuilder) -> CorsBuilder) -> CorsLayer {
        let store = self.clone();
        let builder = CorsLayer::builder().allow_origins([APP]).allow_methods([Method::PUT]);
        configure(builder.allow_origin_lookup(move |origin| store.lookup(origin))).build().unwrap()
    }
}

/// Whether an actual request from `origin` gets CORS headers.
async fn allowed(layer: &CorsLayer, origin: &str) -> bool {
    let (res, calls) = run(layer, actual(Method::GET, Some(origin))).await;
    assert_eq!(calls, 1, "an actual request always reaches the service");
    let acao = values(res.headers(), ACAO);
    // Allowed: the origin echoed; refused: no CORS header at all.
    let want = if acao.is_empty() { ("access-control-*", ABSENT) } else { (ACAO, origin) };
    assert_lines(origin, res.headers(), &[want]);
    !acao.is_empty()
}

/// Whether TENANT and OTHER are [`allowed`].
async fn both(layer: &CorsLayer) -> (bool, bool) {
    (allowed(layer, TENANT).await, allowed(layer, OTHER).await)
}

#[tokio::test]
async fn lookup_is_asked_only_when_the_static_rules_refuse_a_well_formed_origin() {
    let (store, layer) = Store::with(&[TENANT], Answer, |b| b);
    assert!(allowed(&layer, APP).await);
    run(&layer, preflight(APP, "PUT", None)).await;
    run(&layer, actual(Method::GET, None)).await;
    for never in ["null", "not an origin", "https://a.example/path", "https://"] {
        assert!(!allowed(&layer, never).await, "{never}");
        check(never, &layer, preflight(never, "PUT", None), &[], "403", &[]).await;
    }
    // Longer than any real origin: refused without asking.
    let long = format!("https://{}.example", "a".repeat(320));
    assert!(!allowed(&layer, &long).await);
    assert_eq!(store.asked(), 0);
    assert!(allowed(&layer, TENANT).await);
    assert_eq!(store.asked(), 1);
}

#[tokio::test]
#[rustfmt::skip]
async fn allowed_and_refused_origins_get_their_answers_and_the_answer_is_cached() {
    let (store, layer) = Store::with(&[TENANT], Answer, |b| b);
    let none = [("access-control-*", ABSENT)];
    check("allowed actual", &layer, actual(Method::POST, Some(TENANT)), &[], "inner", &[(ACAO, TENANT), (VARY, "origin")]).await;
    // The preflight uses the cached answer, and still checks the method.
    check("allowed preflight", &layer, preflight(TENANT, "PUT", None), &[], "204", &[(ACAO, TENANT), (ACAM, "PUT")]).await;
    // A method the policy lacks: the policy's own answer, which the browser
    // refuses naming DELETE (DESIGN.md "Response rules").
    check("refused method", &layer, preflight(TENANT, "DELETE", None), &[], "204", &[(ACAO, TENANT), (ACAM, "PUT")]).await;
    assert_eq!(store.asked(), 1);
    assert!(!allowed(&layer, OTHER).await);
    check("refused origin", &layer, preflight(OTHER, "PUT", None), &[], "403", &none).await;
    assert_eq!(store.asked(), 2, "the refusal is cached");
}

#[tokio::test(start_paused = true)]
async fn allowed_and_refused_answers_live_their_own_ttls() {
    let (allowed_ttl, refused_ttl) = (Duration::from_secs(60), Duration::from_secs(5));
    let configure =
        |b: CorsBuilder| b.origin_lookup_ttl(allowed_ttl).origin_lookup_refused_ttl(refused_ttl);
    let (store, layer) = Store::with(&[TENANT], Answer, configure);
    let asked = |store: &Store| (store.asked_for(TENANT), store.asked_for(OTHER));
    assert_eq!(both(&layer).await, (true, false));
    for (advance_ms, want) in [(4_900, (1, 1)), (200, (1, 2))] {
        tokio::time::advance(Duration::from_millis(advance_ms)).await;
        assert_eq!(both(&layer).await, (true, false));
        assert_eq!(asked(&store), want, "after another {advance_ms} ms");
    }
    tokio::time::advance(Duration::from_secs(55)).await;
    assert!(allowed(&layer, TENANT).await);
    assert_eq!(store.asked_for(TENANT), 2);
}

#[tokio::test]
async fn defaults_keep_answers_and_zero_ttls_or_a_zero_capacity_keep_none() {
    let defaults: fn(CorsBuilder) -> CorsBuilder = |b| b;
    #[rustfmt::skip]
    let cases = [
        ("defaults", defaults, 2),
        ("zero TTLs", |b| b.origin_lookup_ttl(Duration::ZERO).origin_lookup_refused_ttl(Duration::ZERO), 6),
        ("zero capacity", |b| b.origin_lookup_capacity(0), 6),
    ];
    for (name, configure, asked) in cases {
        let (store, layer) = Store::with(&[TENANT], Answer, configure);
        for _ in 0..3 {
            assert_eq!(both(&layer).await, (true, false), "{name}");
        }
        assert_eq!(store.asked(), asked, "{name}");
    }
}

#[tokio::test]
async fn the_cache_holds_at_most_its_capacity() {
    const CAPACITY: usize = 16;
    const ORIGINS: usize = 400;
    let (store, layer) = Store::with(&[], Answer, |b| b.origin_lookup_capacity(CAPACITY));
    let origin = |i: usize| format!("https://t{i}.example");
    for i in 0..ORIGINS {
        allowed(&layer, &origin(i)).await;
    }
    assert_eq!(store.asked(), ORIGINS);
    // Asked again for every origin the cache could not have kept.
    for i in 0..ORIGINS {
        allowed(&layer, &origin(i)).await;
    }
    let asked_again = store.asked() - ORIGINS;
    let ok = asked_again >= ORIGINS - 2 * CAPACITY;
    assert!(ok, "{asked_again} of {ORIGINS} asked again: more than {CAPACITY} entries were kept");
}

/// `allowed(layer, TENANT)` on a task of its own.
fn spawn_allowed(layer: &CorsLayer) -> tokio::task::JoinHandle<bool> {
    let layer = layer.clone();
    tokio::spawn(async move { allowed(&layer, TENANT).await })
}

async fn asked_more_than(asked: &AtomicUsize, times: usize) {
    while asked.load(Ordering::SeqCst) <= times {
        tokio::task::yield_now().await;
    }
}

/// A lookup allowing TENANT that waits for the gate and counts its calls.
fn gated() -> (Arc<Notify>, Arc<AtomicUsize>, CorsLayer) {
    let (gate, asked) = (Arc::new(Notify::new()), Arc::new(AtomicUsize::new(0)));
    let (waits, counts) = (Arc::clone(&gate), Arc::clone(&asked));
    let layer = CorsLayer::builder().allow_origin_lookup(move |origin: String| {
        counts.fetch_add(1, Ordering::SeqCst);
        let gate = Arc::clone(&waits);
        async move {
            gate.notified().await;
            Ok::<_, StoreDown>(origin == TENANT)
        }
    });
    (gate, asked, layer.build().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_for_an_uncached_origin_cause_one_lookup() {
    let (gate, asked, layer) = gated();
    let requests: Vec<_> = (0..64)
        .map(|i| {
            let layer = layer.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    allowed(&layer, TENANT).await
                } else {
                    let (res, _) = run(&layer, preflight(TENANT, "GET", None)).await;
                    res.status() == StatusCode::NO_CONTENT
                }
            })
        })
        .collect();
    // Let every request reach the flight before the store answers.
    asked_more_than(&asked, 0).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    gate.notify_one();
    for request in requests {
        assert!(request.await.unwrap());
    }
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_cancelled_first_request_does_not_cancel_the_lookup_others_wait_for() {
    let (gate, asked, layer) = gated();
    let first = spawn_allowed(&layer);
    asked_more_than(&asked, 0).await;
    let second = spawn_allowed(&layer);
    tokio::task::yield_now().await;
    first.abort();
    gate.notify_one();
    assert!(second.await.unwrap());
    assert!(allowed(&layer, TENANT).await);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_hanging_store_refuses_every_request_at_the_timeout() {
    let timeout_after = Duration::from_millis(300);
    let (store, layer) = Store::with(&[TENANT], Hang, |b| b.origin_lookup_timeout(timeout_after));
    let requests: Vec<_> = (0..20u64)
        .map(|i| {
            let layer = layer.clone();
            tokio::spawn(async move {
                // Requests arrive while the lookup is already waiting.
                tokio::time::sleep(Duration::from_millis(10 * i)).await;
                let start = Instant::now();
                let (res, _) = if i % 2 == 0 {
                    run(&layer, actual(Method::GET, Some(TENANT))).await
                } else {
                    run(&layer, preflight(TENANT, "PUT", None)).await
                };
                (i, start.elapsed(), res)
            })
        })
        .collect();
    for request in requests {
        let (i, waited, res) = request.await.unwrap();
        assert!(waited <= timeout_after, "request {i} waited {waited:?}");
        assert_lines(&format!("request {i}"), res.headers(), &[("access-control-*", ABSENT)]);
        let expected = [StatusCode::OK, StatusCode::FORBIDDEN][i as usize % 2];
        assert_eq!(res.status(), expected, "request {i}");
    }
    assert_eq!(store.asked(), 1, "one lookup for all");
    // A timeout is not cached: the next request asks again, and waits no
    // longer than the timeout either.
    let start = Instant::now();
    assert!(!allowed(&layer, TENANT).await);
    assert_eq!(start.elapsed(), timeout_after);
    assert_eq!(store.asked(), 2);
}

#[tokio::test]
async fn a_store_failing_half_the_time_refuses_only_on_failure_and_caches_only_answers() {
    let tenants: Vec<String> = (0..50).map(|i| format!("https://t{i}.example")).collect();
    let tenant_refs: Vec<&str> = tenants.iter().map(String::as_str).collect();
    let (store, layer) = Store::with(&tenant_refs, FailEveryOther, |b| b);
    let strangers: Vec<String> = (0..50).map(|i| format!("https://s{i}.example")).collect();
    for origin in tenants.iter().chain(&strangers) {
        // First call fails: refused, not cached; the second answers.
        assert!(!allowed(&layer, origin).await, "{origin}: failure refuses");
        let is_tenant = tenants.contains(origin);
        assert_eq!(allowed(&layer, origin).await, is_tenant, "{origin}");
        // Cached now: neither asked again nor turned into a failure.
        let by = ["403", "204"][usize::from(is_tenant)];
        check(origin, &layer, preflight(origin, "PUT", None), &[], by, &[]).await;
        assert_eq!(store.asked_for(origin), 2, "{origin}");
    }
}

#[tokio::test]
async fn a_panicking_lookup_is_a_failed_lookup() {
    let (store, layer) = Store::with(&[TENANT], Panic, |b| b);
    assert!(!allowed(&layer, TENANT).await);
    check("after a panic", &layer, preflight(TENANT, "PUT", None), &[], "403", &[]).await;
    assert_eq!(store.asked(), 2, "a panic is not cached");
    // A lookup that panics before returning its future, likewise.
    type Never = std::future::Ready<Result<bool, StoreDown>>;
    let layer = CorsLayer::builder().allow_origin_lookup(|_: String| -> Never { panic!("lookup") });
    let layer = layer.build().unwrap();
    assert_eq!((allowed(&layer, TENANT).await, allowed(&layer, TENANT).await), (false, false));
}

#[tokio::test]
async fn invalidation_makes_the_next_request_ask_again() {
    let (store, layer) = Store::with(&[], Answer, |b| b);
    assert_eq!(both(&layer).await, (false, false));
    store.add(TENANT);
    store.add(OTHER);
    assert!(!allowed(&layer, TENANT).await, "still the cached refusal");
    layer.invalidate_origin(TENANT);
    assert_eq!(both(&layer).await, (true, false), "only TENANT was forgotten");
    layer.invalidate_all_origins();
    assert!(allowed(&layer, OTHER).await);
    assert_eq!((store.asked_for(TENANT), store.asked_for(OTHER)), (2, 2));
}

#[tokio::test]
async fn invalidating_a_reloadable_layer_reaches_the_policy_in_force() {
    let (old_store, new_store) = (Store::new(&[], Answer), Store::new(&[], Answer));
    let (layer, handle) = old_store.layer(|b| b).reloadable();
    handle.replace(new_store.layer(|b| b));
    assert!(!allowed(&layer, TENANT).await);
    new_store.add(TENANT);
    assert!(!allowed(&layer, TENANT).await, "still the cached refusal");
    layer.invalidate_origin(TENANT);
    assert!(allowed(&layer, TENANT).await);
    assert_eq!(old_store.asked(), 0, "the replaced policy is never asked");
    assert_eq!(new_store.asked_for(TENANT), 2);
}

#[tokio::test]
async fn an_answer_read_before_an_invalidation_is_not_cached() {
    let (gate, asked, layer) = gated();
    let pending = spawn_allowed(&layer);
    asked_more_than(&asked, 0).await;
    layer.invalidate_all_origins();
    gate.notify_one();
    assert!(pending.await.unwrap(), "the waiting request gets its answer");
    // The answer may predate the change, so it was not cached.
    let next = spawn_allowed(&layer);
    asked_more_than(&asked, 1).await;
    gate.notify_one();
    assert!(next.await.unwrap());
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn each_built_policy_has_its_own_cache() {
    let store = Store::new(&[TENANT], Answer);
    let asks = store.clone();
    let builder = CorsLayer::builder().allow_origin_lookup(move |origin| asks.lookup(origin));
    let first = builder.clone().build().unwrap();
    let second = builder.build().unwrap();
    assert_eq!((allowed(&first, TENANT).await, allowed(&second, TENANT).await), (true, true));
    assert_eq!(store.asked(), 2);
    // Clones of a layer share its policy, and so its cache.
    assert!(allowed(&first.clone(), TENANT).await);
    assert_eq!(store.asked(), 2);
}

#[tokio::test]
async fn the_later_of_lookup_and_async_predicate_is_the_one_asked() {
    let store = Store::new(&[TENANT], Answer);
    let (s1, s2) = (store.clone(), store.clone());
    let lookup = move |b: CorsBuilder| b.allow_origin_lookup(move |o| s1.lookup(o));
    let predicate = |b: CorsBuilder| b.allow_origin_async_predicate(|_, _| async { false });
    let lookup_last = lookup(predicate(CorsLayer::builder())).build().unwrap();
    assert!(allowed(&lookup_last, TENANT).await);
    assert!(lookup_last.policy().to_string().contains("+ origin lookup"));
    let lookup = move |b: CorsBuilder| b.allow_origin_lookup(move |o| s2.lookup(o));
    let predicate_last = predicate(lookup(CorsLayer::builder())).build().unwrap();
    assert!(!allowed(&predicate_last, TENANT).await);
    assert!(predicate_last.policy().to_string().contains("+ async predicate"));
    assert_eq!(store.asked(), 1);
}

#[tokio::test]
async fn works_under_axum() {
    let (_, layer) = Store::with(&[TENANT], Answer, |b| b);
    assert_eq!(acao_under_axum(layer, TENANT).await.as_deref(), Some(TENANT));
}

#[test]
fn outside_a_tokio_runtime_a_needed_lookup_fails_closed() {
    let (store, layer) = Store::with(&[TENANT], Answer, |b| b);
    // A lookup that cannot run must not leave the request waiting.
    let res = preflight_answer(&layer, preflight(TENANT, "PUT", None));
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(store.asked(), 0);
}

/// A WebSocket handshake from `origin`.
fn handshake(origin: &str) -> Request<String> {
    let headers = [("origin", origin), ("upgrade", "websocket"), ("connection", "Upgrade")];
    request(Method::GET, &headers)
}

#[tokio::test]
async fn guarded_handshakes_are_refused_unless_the_lookup_allows_cached_or_not() {
    let (store, layer) = Store::with(&[TENANT], Answer, |b| b.guard_websockets(true));
    for round in ["asked", "cached"] {
        let (res, calls) = run(&layer, handshake(OTHER)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{round}");
        assert!(res.body().is_empty(), "{round}: not the handler's answer");
        // While the lookup runs, the inner future exists but is never
        // polled (Tower's `call` cannot wait); from the cache, the inner
        // service is not even called.
        if round == "cached" {
            assert_eq!(calls, 0);
        }
        let (res, calls) = run(&layer, handshake(TENANT)).await;
        assert_eq!((res.status(), calls), (StatusCode::OK, 1), "{round}");
    }
    assert_eq!(store.asked(), 2);
    // A failed lookup refuses the handshake too.
    let layer = Store::new(&[TENANT], Panic).layer(|b| b.guard_websockets(true));
    let (res, _) = run(&layer, handshake(TENANT)).await;
    assert_eq!((res.status(), res.body().as_str()), (StatusCode::FORBIDDEN, ""));
}

#[test]
fn failed_and_saturated_lookups_have_their_own_rejection_reasons() {
    use tower_cors::Rejection::{OriginLookupFailed, OriginLookupSaturated};
    let refused = "origin \"https://shop.tenant.example\" is refused";
    let failed = format!("{refused}: the origin lookup failed");
    assert_eq!(OriginLookupFailed(TENANT).to_string(), failed);
    let saturated = format!("{refused}: no origin lookup could start in time");
    assert_eq!(OriginLookupSaturated(TENANT).to_string(), saturated);
}
