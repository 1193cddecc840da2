//! The origin lookup's builder methods and the layer's invalidation methods
//! (the run-time part is `origin_lookup.rs`).

use std::error::Error;
use std::future::Future;
use std::time::Duration;

use super::Made;
use crate::policy::origin_check::AsyncOriginSpec;
use crate::{CorsBuilder, CorsLayer};

impl CorsBuilder {
    /// Allows origins that an async lookup accepts: a table of tenant
    /// origins in a database, a service that knows them. It is asked only
    /// after the listed origins, patterns and predicates refused a
    /// well-formed origin (never for `null`, a malformed `Origin`, or a
    /// request without one), and it gets the origin alone, exactly as the
    /// browser sent it (e.g. `https://shop.tenant.example`): so its answer
    /// can be cached, and is.
    ///
    /// - **Cache**: "allowed" is kept for [`origin_lookup_ttl`] (60 s),
    ///   "refused" for [`origin_lookup_refused_ttl`] (5 s), at most
    ///   [`origin_lookup_capacity`] answers (10 000; the least useful go
    ///   first). A cached answer costs a hash lookup and no allocation. Each
    ///   compiled policy has its own cache: build again and it starts empty.
    /// - **Single flight**: requests for an origin not in the cache wait for
    ///   one lookup, not one each. The lookup runs in its own Tokio task, so
    ///   a request that goes away cancels nothing.
    /// - **Bounded**: at most [`origin_lookup_concurrency`] (32) lookups are
    ///   in flight at once; others wait for a slot within the timeout.
    /// - **Fail closed**: an error, a panic, or no answer within
    ///   [`origin_lookup_timeout`] (2 s) refuses the request
    ///   ([`Rejection::OriginLookupFailed`](crate::Rejection::OriginLookupFailed):
    ///   a preflight gets `403`, an actual request reaches the service and
    ///   its response gets no CORS headers), is logged at `warn` with its
    ///   error (`tracing` feature), and is not cached: the next request asks
    ///   again. No request waits on the store longer than the timeout.
    ///   [`origin_lookup_stale_if_error`] can trade this for availability.
    /// - **Changes**: [`CorsLayer::invalidate_origin`] and
    ///   [`CorsLayer::invalidate_all_origins`] make the next request ask
    ///   again; call them where tenants are added or removed.
    ///
    /// **Load on the store**: one query per origin in use per TTL (the
    /// benchmark in `benches/lookup.rs` measures it), plus one per origin
    /// never seen before (per refused TTL): a client can invent origins, but
    /// never puts more than [`origin_lookup_concurrency`] queries on the
    /// store at once. The lookup is asked only about well-formed
    /// origins of at most 320 bytes (longer than any real one: a host name
    /// has at most 253); longer ones are refused without asking, so the
    /// cache's memory is bounded in bytes too.
    ///
    /// Actual requests reach the inner service at once; the lookup runs
    /// alongside. [`Policy::decide`](crate::Policy::decide) stays
    /// synchronous and says what the static rules say.
    ///
    /// This replaces an [`allow_origin_async_predicate`] set before (and the
    /// other way round): a policy has one async origin check. The predicate
    /// sees the whole request head and is never cached; use it when the
    /// answer depends on more than the origin.
    ///
    /// Runs on Tokio (the `origin-lookup` feature, on by default): a request
    /// outside a Tokio runtime that needs the lookup is refused as a failed
    /// lookup.
    ///
    /// [`origin_lookup_ttl`]: Self::origin_lookup_ttl
    /// [`origin_lookup_refused_ttl`]: Self::origin_lookup_refused_ttl
    /// [`origin_lookup_capacity`]: Self::origin_lookup_capacity
    /// [`origin_lookup_timeout`]: Self::origin_lookup_timeout
    /// [`origin_lookup_concurrency`]: Self::origin_lookup_concurrency
    /// [`origin_lookup_stale_if_error`]: Self::origin_lookup_stale_if_error
    /// [`allow_origin_async_predicate`]: Self::allow_origin_async_predicate
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::{Arc, RwLock};
    /// use tower_cors::CorsLayer;
    ///
    /// // Stands in for a database of tenant origins.
    /// let tenants = Arc::new(RwLock::new(HashSet::from(["https://shop.tenant.example".to_owned()])));
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_origin_lookup(move |origin: String| {
    ///         let tenants = Arc::clone(&tenants);
    ///         async move { Ok::<_, std::io::Error>(tenants.read().unwrap().contains(&origin)) }
    ///     })
    ///     .build()?;
    /// assert!(cors.policy().to_string().contains("+ origin lookup"));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origin_lookup<F, Fut, E>(mut self, lookup: F) -> Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<bool, E>> + Send + 'static,
        E: Error + Send + Sync + 'static,
    {
        self.made.mark(Made::ORIGINS);
        self.async_origin = Some(AsyncOriginSpec::Lookup(
            crate::policy::origin_lookup::boxed(lookup),
        ));
        self
    }

    /// How long the lookup's "allowed" answers are kept (default 60 s): the
    /// longest a removed tenant stays allowed on a server that was not told
    /// ([`CorsLayer::invalidate_origin`]). Zero keeps none.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let builder = tower_cors::CorsLayer::builder().origin_lookup_ttl(Duration::from_secs(30));
    /// # let _ = builder;
    /// ```
    pub fn origin_lookup_ttl(mut self, allowed: Duration) -> Self {
        self.made.mark(Made::LOOKUP);
        self.lookup_settings.ttl = allowed;
        self
    }

    /// How long the lookup's "refused" answers are kept (default 5 s): the
    /// longest a new tenant stays refused on a server that was not told, and
    /// what spares the store a query per request from an unknown origin.
    /// Zero keeps none.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let builder = tower_cors::CorsLayer::builder().origin_lookup_refused_ttl(Duration::from_secs(1));
    /// # let _ = builder;
    /// ```
    pub fn origin_lookup_refused_ttl(mut self, refused: Duration) -> Self {
        self.made.mark(Made::LOOKUP);
        self.lookup_settings.refused_ttl = refused;
        self
    }

    /// How many lookup answers are kept at most (default 10 000); beyond
    /// it, the least used go first. Zero keeps none (every request not
    /// allowed statically asks the lookup; concurrent ones still share one).
    ///
    /// ```
    /// let builder = tower_cors::CorsLayer::builder().origin_lookup_capacity(50_000);
    /// # let _ = builder;
    /// ```
    pub fn origin_lookup_capacity(mut self, entries: usize) -> Self {
        self.made.mark(Made::LOOKUP);
        self.lookup_settings.capacity = entries;
        self
    }

    /// How long one lookup may take (default 2 s) before the requests
    /// waiting for it are refused; its wait for a slot
    /// ([`origin_lookup_concurrency`](Self::origin_lookup_concurrency))
    /// counts.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let builder = tower_cors::CorsLayer::builder().origin_lookup_timeout(Duration::from_millis(500));
    /// # let _ = builder;
    /// ```
    pub fn origin_lookup_timeout(mut self, timeout: Duration) -> Self {
        self.made.mark(Made::LOOKUP);
        self.lookup_settings.timeout = timeout;
        self
    }

    /// At most this many lookups in flight at once for this policy
    /// (default 32): each distinct origin not in the cache is one lookup,
    /// and a client can invent origins, so this is what bounds the store's
    /// load. A lookup that finds no free slot waits for one within
    /// [`origin_lookup_timeout`](Self::origin_lookup_timeout), then its
    /// requests are refused
    /// ([`Rejection::OriginLookupSaturated`](crate::Rejection::OriginLookupSaturated),
    /// logged at `warn`, counted as `origin_lookup_saturated`, not cached).
    /// Cached answers never wait: tenants in use are served while a flood of
    /// invented origins queues. Keep it at or below the store's connection
    /// pool, less what the application needs. `build()` refuses zero.
    ///
    /// ```
    /// // A pool of 16 connections, 8 of them for the lookup.
    /// let builder = tower_cors::CorsLayer::builder().origin_lookup_concurrency(8);
    /// # let _ = builder;
    /// ```
    pub fn origin_lookup_concurrency(mut self, lookups: usize) -> Self {
        self.made.mark(Made::LOOKUP);
        self.lookup_settings.concurrency = lookups;
        self
    }

    /// Serve an expired "allowed" answer for up to `grace` past its
    /// [TTL](Self::origin_lookup_ttl) while the store errors, times out or
    /// has no free slot (default zero: fail closed).
    ///
    /// This is a trade of availability against revocation. With a grace, an
    /// outage of the store is not an outage of the API for tenants already
    /// seen; but a tenant removed from the store while it is down stays
    /// allowed on a server that had it cached, for up to TTL + grace. A
    /// refused answer is never extended, an invalidated one
    /// ([`CorsLayer::invalidate_origin`]) is gone, and each request still
    /// asks the store first (the stale answer comes after its error or
    /// timeout), so a recovered store is heard at once. A stale answer is
    /// logged at `warn` and not cached again.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// // Tenants seen in the last 60 s stay allowed for 10 min of outage.
    /// let builder = tower_cors::CorsLayer::builder()
    ///     .origin_lookup_ttl(Duration::from_secs(60))
    ///     .origin_lookup_stale_if_error(Duration::from_secs(600));
    /// # let _ = builder;
    /// ```
    pub fn origin_lookup_stale_if_error(mut self, grace: Duration) -> Self {
        self.made.mark(Made::LOOKUP);
        self.lookup_settings.stale_if_error = grace;
        self
    }
}

impl CorsLayer {
    /// Forgets the cached [`allow_origin_lookup`] answer for `origin` (as
    /// the browser sends it and the lookup receives it): the next request
    /// from it asks the lookup again. A lookup for it already running is
    /// left to finish for the requests waiting on it, but its answer is not
    /// cached. Does nothing without a lookup.
    ///
    /// It reaches this layer's policy (and every clone of the layer) only:
    /// other servers keep their answers until their TTLs end. On a
    /// [reloadable](CorsLayer::reloadable) layer it reaches the policy in
    /// force; a replaced policy's cache is dropped with that policy.
    ///
    /// [`allow_origin_lookup`]: CorsBuilder::allow_origin_lookup
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origin_lookup(|origin: String| async move {
    ///         Ok::<_, std::io::Error>(origin.ends_with(".tenant.example"))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// // After adding or removing a tenant in the store:
    /// cors.invalidate_origin("https://shop.tenant.example");
    /// ```
    pub fn invalidate_origin(&self, origin: &str) {
        self.policy_in_force()
            .each_lookup(|lookup| lookup.invalidate(origin));
    }

    /// Forgets every cached [`allow_origin_lookup`] answer, as
    /// [`invalidate_origin`](Self::invalidate_origin) does for one.
    ///
    /// [`allow_origin_lookup`]: CorsBuilder::allow_origin_lookup
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origin_lookup(|origin: String| async move {
    ///         Ok::<_, std::io::Error>(origin.ends_with(".tenant.example"))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// cors.invalidate_all_origins();
    /// ```
    pub fn invalidate_all_origins(&self) {
        self.policy_in_force()
            .each_lookup(|lookup| lookup.invalidate_all());
    }
}
