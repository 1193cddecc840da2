//! Source: where a layer's services find the policy for each request: a
//! fixed policy, a fixed policy with a report-only candidate, or a policy a
//! [`ReloadHandle`](crate::ReloadHandle) replaces while the server runs. A
//! source decides nothing itself: it hands the request to the policy, and a
//! candidate on trial observes the decision.

pub(crate) mod reload;
pub(crate) mod report_only;

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::observe::report_only::Trial;
use crate::policy::{Decision, Policy};
use crate::request::Head;
use crate::warning::ConfigWarning;

/// CORS as a Tower layer: a compiled [`Policy`] behind an `Arc`, cheap to clone.
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()
///     .expect("valid CORS configuration");
/// let app: Router = Router::new().route("/", get(|| async { "hello" })).layer(cors);
/// ```
#[derive(Debug, Clone)]
pub struct CorsLayer {
    pub(crate) source: Source,
}

impl CorsLayer {
    /// For development and fully public APIs: any origin (`*`), any method,
    /// any request header, every response header exposed, no credentials.
    ///
    /// ```
    /// let dev = tower_cors::CorsLayer::permissive();
    /// assert!(!dev.policy().allows_credentials());
    /// ```
    pub fn permissive() -> CorsLayer {
        CorsLayer::from_policy(Policy::permissive())
    }

    /// The compiled policy, for inspection and for tests without a service.
    /// For a [reloadable](CorsLayer::reloadable) layer, the policy it was
    /// made from; the one in force is
    /// [`ReloadHandle::current`](crate::ReloadHandle::current).
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsLayer, Decision};
    ///
    /// let (parts, ()) = Request::get("/").body(()).unwrap().into_parts();
    /// assert!(matches!(CorsLayer::permissive().policy().decide(&parts), Decision::NotCors));
    /// ```
    pub fn policy(&self) -> &Policy {
        self.source.policy()
    }

    /// The policy in force now: for a reloadable layer, the latest one
    /// swapped in.
    #[cfg(feature = "origin-lookup")]
    pub(crate) fn policy_in_force(&self) -> Arc<Policy> {
        self.source.enforced()
    }

    /// What [`build`](crate::CorsBuilder::build) accepted but a user should know
    /// (a `max_age` Chromium cuts short, a setting browsers no longer read,
    /// ...); empty for a plain policy. With the `tracing` feature `build()`
    /// also logs each at `warn`.
    ///
    /// ```
    /// use tower_cors::{ConfigWarning, CorsLayer};
    ///
    /// let plain = CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?;
    /// assert!(plain.warnings().is_empty());
    ///
    /// let pna = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// assert_eq!(pna.warnings(), [ConfigWarning::PrivateNetworkAccessRetired]);
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn warnings(&self) -> &[ConfigWarning] {
        self.source.policy().warnings()
    }

    pub(crate) fn from_policy(policy: Policy) -> CorsLayer {
        CorsLayer::from_source(Source::Static(Arc::new(policy)))
    }

    pub(crate) fn from_source(source: Source) -> CorsLayer {
        CorsLayer { source }
    }

    /// Where the layer's services find their policy.
    pub(crate) fn source(&self) -> &Source {
        &self.source
    }
}

/// What decides a request: a policy alone, or a policy with a candidate on
/// trial beside it. The request path is generic over it, so a policy alone
/// pays nothing for trials.
pub(crate) trait Decides {
    /// Whether deciding needs the request head as `Parts`.
    fn needs_parts(&self) -> bool;
    /// The enforced policy that decides `head`: a route's or group's, in a
    /// set. The response is written under it.
    fn select<'p>(&'p self, head: Head<'_>) -> &'p Arc<Policy>;
    /// Shows `decision`, the selected `policy`'s, to a candidate on trial.
    fn observe(&self, policy: &Arc<Policy>, decision: &Decision<'_>, head: Head<'_>);
}

impl Decides for Arc<Policy> {
    #[inline]
    fn needs_parts(&self) -> bool {
        Policy::needs_parts(self)
    }

    #[inline]
    fn select<'p>(&'p self, head: Head<'_>) -> &'p Arc<Policy> {
        Policy::select(self, head)
    }

    #[inline]
    fn observe(&self, _: &Arc<Policy>, _: &Decision<'_>, _: Head<'_>) {}
}

impl Decides for Rules {
    #[inline]
    fn needs_parts(&self) -> bool {
        self.enforced.needs_parts() || self.trial.as_ref().is_some_and(Trial::needs_parts)
    }

    #[inline]
    fn select<'p>(&'p self, head: Head<'_>) -> &'p Arc<Policy> {
        self.enforced.select(head)
    }

    #[inline]
    fn observe(&self, policy: &Arc<Policy>, decision: &Decision<'_>, head: Head<'_>) {
        if let Some(trial) = &self.trial {
            trial.observe(policy, decision, head);
        }
    }
}

/// One installed configuration: the policy that decides every response,
/// and the candidate tried alongside it, if any. Replaced as a whole, so a
/// request never sees one's policy with the other's candidate.
pub(crate) struct Rules {
    pub(crate) enforced: Arc<Policy>,
    pub(crate) trial: Option<Trial>,
}

impl fmt::Debug for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rules")
            .field("enforced", &self.enforced)
            .field("trial", &self.trial)
            .finish()
    }
}

/// Where a layer and its services find their rules. Checked once per
/// request: a fixed policy stays one pointer away, as if this enum were not
/// there; only reloadable layers pay for the atomic load.
#[derive(Clone)]
pub(crate) enum Source {
    /// A fixed policy, the common case.
    Static(Arc<Policy>),
    /// A fixed policy with a report-only candidate.
    Trialled(Arc<Rules>),
    /// Replaceable: each request loads the rules in force when it begins.
    Reloadable {
        current: Arc<ArcSwap<Rules>>,
        /// What `policy()` shows: a reference cannot outlive a replacement.
        made_from: Arc<Policy>,
    },
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Static(policy) => policy.fmt(f),
            Source::Trialled(rules) => rules.fmt(f),
            Source::Reloadable { current, .. } => {
                f.debug_tuple("Reloadable").field(&*current.load()).finish()
            }
        }
    }
}

impl Source {
    /// The policy a layer or service shows through `policy()`: for a
    /// reloadable one, the policy it was made from.
    pub(crate) fn policy(&self) -> &Policy {
        match self {
            Source::Static(policy) => policy,
            Source::Trialled(rules) => &rules.enforced,
            Source::Reloadable { made_from, .. } => made_from,
        }
    }

    /// The policy in force now.
    pub(crate) fn enforced(&self) -> Arc<Policy> {
        match self {
            Source::Static(policy) => Arc::clone(policy),
            Source::Trialled(rules) => Arc::clone(&rules.enforced),
            Source::Reloadable { current, .. } => Arc::clone(&current.load().enforced),
        }
    }

    /// The rules in force now, to install somewhere else.
    pub(crate) fn rules(&self) -> Arc<Rules> {
        match self {
            Source::Static(policy) => Arc::new(Rules {
                enforced: Arc::clone(policy),
                trial: None,
            }),
            Source::Trialled(rules) => Arc::clone(rules),
            Source::Reloadable { current, .. } => current.load_full(),
        }
    }
}
