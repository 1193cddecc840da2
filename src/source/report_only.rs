//! Trialling a policy before enforcing it: [`CorsLayer::with_report_only`].

use std::sync::Arc;

use super::CorsLayer;
use super::{Rules, Source};
use crate::observe::report_only::{Divergence, Trial};

impl CorsLayer {
    /// Enforces `self`; also decides every request with `candidate` and
    /// calls `report` for each one the two decide differently (allowed vs
    /// refused, or allowed with different CORS headers). The candidate never
    /// changes a response. With the `tracing` feature each divergence is also
    /// a `warn` event with target `tower_cors::report_only`.
    ///
    /// Requests the two decide alike cost one more decision and report
    /// nothing; requests without `Origin` are never reported. `report` runs
    /// on the request's path, inside `call`: keep it quick (log, count, send
    /// to a channel), or on a Tokio task of its own when it waits for an
    /// origin lookup.
    ///
    /// An origin only a policy's
    /// [origin lookup](crate::CorsBuilder::allow_origin_lookup) can allow is
    /// asked of that lookup, through its own cache, single flight and
    /// bound: one store query per origin, not per request. A cached answer
    /// is compared at once; otherwise the comparison waits for the answer
    /// beside the request (the enforced response never waits for it), and
    /// the divergence names what the lookup said. An origin left to an
    /// async origin *predicate* is reported as
    /// [`Verdict::Undecided`](crate::Verdict::Undecided): a predicate has no
    /// cache, so a trial never runs it.
    ///
    /// Both layers count as they are now: `self` and `candidate` may be
    /// reloadable, but the result follows neither (make the result
    /// [`reloadable`](CorsLayer::reloadable) instead, and
    /// [`replace`](crate::ReloadHandle::replace) it to promote the candidate),
    /// and a candidate's own candidate is not run. Calling this on a layer
    /// that has a candidate replaces it.
    ///
    /// ```
    /// use tower_cors::{CorsLayer, Divergence};
    ///
    /// let today = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com", "https://legacy.example.com"])
    ///     .build()?;
    /// let tighter = CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?;
    ///
    /// let (layer, handle) = today
    ///     .with_report_only(tighter.clone(), |d: &Divergence<'_>| eprintln!("{d}"))
    ///     .reloadable();
    /// // ... serve with `layer`; once the reports are quiet, promote the candidate:
    /// handle.replace(tighter);
    /// # let _ = layer;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn with_report_only<F>(self, candidate: CorsLayer, report: F) -> CorsLayer
    where
        F: Fn(&Divergence<'_>) + Send + Sync + 'static,
    {
        let enforced = self.source().enforced();
        let trial = Trial::new(&enforced, candidate.source().enforced(), Arc::new(report));
        let rules = Rules {
            enforced,
            trial: Some(trial),
        };
        CorsLayer::from_source(Source::Trialled(Arc::new(rules)))
    }
}
