//! The origin lookup of
//! [`CorsBuilder::allow_origin_lookup`](crate::CorsBuilder::allow_origin_lookup)
//! at run time: its cache, its single flight, its timeout.
//!
//! - A cached answer is read without a lock of this module and without
//!   allocating: the request goes on at once, as if a static rule decided.
//! - On a miss, the first request starts a *flight*: the lookup runs in its
//!   own Tokio task, under the timeout, and every request for the same origin
//!   waits for that one answer. A request that is cancelled (its client went
//!   away) cancels nothing: the task still lands its answer for the others.
//! - A flight first takes one of the policy's lookup *slots*
//!   (`origin_lookup_concurrency`), then asks the store; both within one
//!   timeout. So a client that invents origins puts at most that many
//!   queries on the store; the flights beyond it wait, and are refused if no
//!   slot frees up in time.
//! - A flight *lands* (in `Landing`'s `Drop`, so a panic lands too): it
//!   caches an answer (unless the cache was invalidated while it flew), logs a
//!   failure, removes itself from the flights and tells its waiters. A failure
//!   may be answered by an expired "allowed" answer within the stale-if-error
//!   grace; a refused answer is never extended.
//!
//! The cache and the flights belong to one compiled policy: a policy built
//! again, or replaced, starts empty, and its memory goes with it.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;

use super::origin_check::{Answer, Check};

/// The error of a lookup, boxed.
pub(crate) type LookupError = Box<dyn Error + Send + Sync + 'static>;

/// The lookup's future, boxed: one allocation per flight, not per request.
pub(crate) type LookupFuture = Pin<Box<dyn Future<Output = Result<bool, LookupError>> + Send>>;

/// The lookup with its future and error boxed.
pub(crate) type LookupFn = dyn Fn(String) -> LookupFuture + Send + Sync + 'static;

/// The longest origin the lookup is asked about; longer ones are refused
/// without asking. A real one is shorter (a scheme, `://`, a host name of at
/// most 253 bytes, a port), and the bound keeps the cache's memory bounded
/// in bytes, not only in entries, whatever clients send.
pub(crate) const MAX_ORIGIN_LEN: usize = 320;

/// How answers are kept and how long the store may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LookupSettings {
    /// How long an "allowed" answer is kept.
    pub(crate) ttl: Duration,
    /// How long a "refused" answer is kept.
    pub(crate) refused_ttl: Duration,
    /// How many answers are kept at most.
    pub(crate) capacity: usize,
    /// How long one lookup may take, its wait for a slot included.
    pub(crate) timeout: Duration,
    /// How many lookups may be in flight at once.
    pub(crate) concurrency: usize,
    /// How long past its TTL an "allowed" answer may stand in for a failed
    /// lookup.
    pub(crate) stale_if_error: Duration,
}

impl Default for LookupSettings {
    fn default() -> Self {
        LookupSettings {
            ttl: Duration::from_secs(60),
            refused_ttl: Duration::from_secs(5),
            capacity: 10_000,
            timeout: Duration::from_secs(2),
            concurrency: 32,
            stale_if_error: Duration::ZERO,
        }
    }
}

/// A cached answer and when it expires (`None`: a TTL too long to add).
#[derive(Debug, Clone, Copy)]
struct Cached {
    allowed: bool,
    expires: Option<Instant>,
}

/// Keyed by the origin as the browser sent it, which the lookup also sees.
type Cache = quick_cache::sync::Cache<
    Box<str>,
    Cached,
    quick_cache::UnitWeighter,
    foldhash::fast::RandomState,
>;

/// The flights in the air, and the generation that invalidation bumps.
#[derive(Default)]
struct Flights {
    /// Bumped by every invalidation: a flight that started under an older
    /// generation may have read the store before the change, so its answer
    /// reaches its waiters but is not cached.
    generation: u64,
    next_id: u64,
    by_origin: HashMap<Box<str>, Flight>,
}

/// One lookup in the air: where its answer will appear.
struct Flight {
    id: u64,
    answer: watch::Receiver<Option<Answer>>,
}

/// The lookup of one compiled policy, its cache and its flights.
pub(crate) struct OriginLookup {
    lookup: Arc<LookupFn>,
    settings: LookupSettings,
    cache: Cache,
    flights: Mutex<Flights>,
    /// One permit per lookup allowed in flight; taken only on a miss, so a
    /// cached answer never touches it.
    slots: Semaphore,
}

impl fmt::Debug for OriginLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginLookup")
            .field("settings", &self.settings)
            .field("cached", &self.cache.len())
            .finish_non_exhaustive()
    }
}

impl OriginLookup {
    /// A lookup with an empty cache.
    pub(crate) fn new(lookup: Arc<LookupFn>, settings: LookupSettings) -> Self {
        // Room for a few hundred answers at first, growing to the capacity:
        // a policy with a handful of tenants shouldn't hold a table sized
        // for ten thousand.
        let cache = Cache::with(
            settings.capacity.min(256),
            settings.capacity as u64,
            Default::default(),
            Default::default(),
            Default::default(),
        );
        // build() refuses zero; the clamp only keeps `Semaphore::new` from
        // panicking on an absurd bound.
        let slots = Semaphore::new(settings.concurrency.min(Semaphore::MAX_PERMITS));
        OriginLookup {
            lookup,
            settings,
            cache,
            flights: Mutex::default(),
            slots,
        }
    }

    /// Checks `origin`: a cached answer at once, else a wait for the one
    /// flight that asks the store.
    pub(crate) fn start(self: &Arc<Self>, origin: &str) -> Check {
        if origin.len() > MAX_ORIGIN_LEN {
            return Check::Ready(Answer::Refused);
        }
        if let Some(allowed) = self.cached(origin) {
            return Check::Ready(Answer::from(allowed));
        }
        let mut flights = self.lock();
        // Flights land into the cache under this lock: checking again here
        // means a request never starts a lookup for an answer just landed.
        if let Some(allowed) = self.cached(origin) {
            return Check::Ready(Answer::from(allowed));
        }
        if let Some(flight) = flights.by_origin.get(origin) {
            return Check::Pending(Box::pin(wait(flight.answer.clone())));
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            lookup_failed(origin, &"no Tokio runtime to run the origin lookup on");
            return Check::Ready(Answer::Failed);
        };
        let (sender, answer) = watch::channel(None);
        flights.next_id += 1;
        let id = flights.next_id;
        let generation = flights.generation;
        flights.by_origin.insert(
            origin.into(),
            Flight {
                id,
                answer: answer.clone(),
            },
        );
        drop(flights);
        let landing = Landing {
            owner: Arc::clone(self),
            origin: origin.to_owned(),
            id,
            generation,
            sender,
            outcome: None,
        };
        runtime.spawn(landing.fly());
        Check::Pending(Box::pin(wait(answer)))
    }

    /// The cached answer for `origin`, if it has not expired.
    #[inline]
    pub(crate) fn cached(&self, origin: &str) -> Option<bool> {
        let cached = self.cache.get(origin)?;
        match cached.expires {
            Some(expires) if Instant::now() >= expires => None,
            _ => Some(cached.allowed),
        }
    }

    /// Whether an expired "allowed" answer for `origin` is still within the
    /// stale-if-error grace. A refused answer never is.
    fn stale_allowed(&self, origin: &str) -> bool {
        let grace = self.settings.stale_if_error;
        if grace.is_zero() {
            return false;
        }
        match self.cache.get(origin) {
            Some(Cached {
                allowed: true,
                expires,
            }) => expires
                .and_then(|expires| expires.checked_add(grace))
                .map_or(true, |until| Instant::now() < until),
            _ => false,
        }
    }

    /// Forgets `origin`'s answer; a flight for it in the air is no longer
    /// joined, and its answer not cached.
    pub(crate) fn invalidate(&self, origin: &str) {
        let mut flights = self.lock();
        flights.generation += 1;
        flights.by_origin.remove(origin);
        self.cache.remove(origin);
    }

    /// Forgets every answer; flights in the air are no longer joined, and
    /// their answers not cached.
    pub(crate) fn invalidate_all(&self) {
        let mut flights = self.lock();
        flights.generation += 1;
        flights.by_origin.clear();
        self.cache.clear();
    }

    /// The flights. A panic while they were locked (none is expected: no
    /// user code runs under the lock) leaves them consistent, so a poisoned
    /// lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Flights> {
        self.flights.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Caches `allowed` for `origin` with its TTL; a zero TTL caches nothing.
    fn remember(&self, origin: &str, allowed: bool) {
        let ttl = if allowed {
            self.settings.ttl
        } else {
            self.settings.refused_ttl
        };
        if ttl.is_zero() || self.settings.capacity == 0 {
            return;
        }
        let expires = Instant::now().checked_add(ttl);
        self.cache
            .insert(origin.into(), Cached { allowed, expires });
    }
}

/// Waits for a flight's answer; a flight that ended without one failed.
async fn wait(mut answer: watch::Receiver<Option<Answer>>) -> Answer {
    match answer.wait_for(Option::is_some).await {
        Ok(verdict) => verdict.unwrap_or(Answer::Failed),
        Err(_) => Answer::Failed,
    }
}

/// Why a lookup gave no answer.
enum Failure {
    Error(LookupError),
    Timeout(Duration),
    /// No slot freed up within the timeout: `concurrency` lookups were in
    /// flight all along.
    Saturated {
        concurrency: usize,
        timeout: Duration,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Error(error) => write!(f, "the origin lookup failed: {error}"),
            Failure::Timeout(timeout) => {
                write!(f, "the origin lookup took longer than {timeout:?}")
            }
            Failure::Saturated {
                concurrency,
                timeout,
            } => write!(
                f,
                "no origin lookup could start within {timeout:?}: {concurrency} lookups were in \
                 flight (origin_lookup_concurrency)"
            ),
        }
    }
}

/// A flight, landed when dropped: after its lookup ended, and also when
/// the lookup panicked or its runtime shut down.
struct Landing {
    owner: Arc<OriginLookup>,
    origin: String,
    id: u64,
    generation: u64,
    sender: watch::Sender<Option<Answer>>,
    outcome: Option<Result<bool, Failure>>,
}

impl Landing {
    /// Takes a slot, then runs the lookup, both under the timeout, in the
    /// flight's own task. The slot is held until the lookup's future is
    /// dropped: when it answered, failed or ran out of time.
    async fn fly(mut self) {
        let owner = Arc::clone(&self.owner);
        let settings = owner.settings;
        let deadline = Instant::now().checked_add(settings.timeout);
        let slot = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, owner.slots.acquire()).await,
            None => Ok(owner.slots.acquire().await),
        };
        // A slot freed at the deadline itself is no use: a query with no
        // time left would only add to the store's load.
        let in_time = deadline.map_or(true, |deadline| Instant::now() < deadline);
        // Not `Ok(Err(_))` either: the semaphore is never closed.
        let _slot = match slot {
            Ok(Ok(slot)) if in_time => slot,
            _ => {
                self.outcome = Some(Err(Failure::Saturated {
                    concurrency: settings.concurrency,
                    timeout: settings.timeout,
                }));
                return;
            }
        };
        let future = (owner.lookup)(self.origin.clone());
        let answered = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, future).await,
            None => Ok(future.await),
        };
        self.outcome = Some(match answered {
            Ok(Ok(allowed)) => Ok(allowed),
            Ok(Err(error)) => Err(Failure::Error(error)),
            Err(_elapsed) => Err(Failure::Timeout(settings.timeout)),
        });
    }
}

impl Drop for Landing {
    fn drop(&mut self) {
        let owner = &self.owner;
        // The verdict, and whether it is the store's (and so cached).
        let (verdict, fresh) = match self.outcome.take() {
            Some(Ok(allowed)) => (Answer::from(allowed), true),
            Some(Err(failure)) if owner.stale_allowed(&self.origin) => {
                // Served, not cached again: the grace runs from the
                // answer's own expiry, not from this failure.
                lookup_stale(&self.origin, &failure);
                (Answer::Allowed, false)
            }
            Some(Err(failure)) => {
                lookup_failed(&self.origin, &failure);
                let verdict = match failure {
                    Failure::Saturated { .. } => Answer::Saturated,
                    Failure::Error(_) | Failure::Timeout(_) => Answer::Failed,
                };
                (verdict, false)
            }
            None => {
                lookup_failed(
                    &self.origin,
                    &"the origin lookup panicked, or its runtime shut down",
                );
                (Answer::Failed, false)
            }
        };
        let mut flights = owner.lock();
        if fresh && flights.generation == self.generation {
            owner.remember(&self.origin, verdict == Answer::Allowed);
        }
        if flights
            .by_origin
            .get(self.origin.as_str())
            .is_some_and(|flight| flight.id == self.id)
        {
            flights.by_origin.remove(self.origin.as_str());
        }
        drop(flights);
        // No receiver left (every waiting request was cancelled) is fine.
        let _ = self.sender.send(Some(verdict));
    }
}

/// Boxes `lookup`'s futures and errors.
pub(crate) fn boxed<F, Fut, E>(lookup: F) -> Arc<LookupFn>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<bool, E>> + Send + 'static,
    E: Error + Send + Sync + 'static,
{
    Arc::new(move |origin| {
        let future = lookup(origin);
        Box::pin(async move { future.await.map_err(|error| Box::new(error) as LookupError) })
            as LookupFuture
    })
}

/// A failed origin lookup at `warn`, with its error: the store is down or
/// slow, which an operator should hear of even when requests are refused.
fn lookup_failed(origin: &str, error: &dyn fmt::Display) {
    warn(
        origin,
        error,
        "CORS origin lookup failed; the request is refused",
    );
}

/// A failed origin lookup answered by an expired "allowed" answer
/// (`origin_lookup_stale_if_error`), at `warn`, with its error.
fn lookup_stale(origin: &str, error: &dyn fmt::Display) {
    let served = "CORS origin lookup failed; its expired \"allowed\" answer is served \
                  (origin_lookup_stale_if_error)";
    warn(origin, error, served);
}

/// One `warn` event of the origin lookup (target `tower_cors::origin_lookup`).
#[cfg(feature = "tracing")]
fn warn(origin: &str, error: &dyn fmt::Display, message: &str) {
    tracing::warn!(
        target: "tower_cors::origin_lookup",
        origin = %origin.escape_debug(),
        error = %error,
        "{message}"
    );
}

/// Without the `tracing` feature nothing is logged.
#[cfg(not(feature = "tracing"))]
fn warn(_origin: &str, _error: &dyn fmt::Display, _message: &str) {}
