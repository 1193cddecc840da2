//! What a layer enforces, and where its services find it for each request:
//! a fixed policy, a fixed policy with a report-only candidate, or a
//! policy a [`ReloadHandle`](crate::ReloadHandle) replaces while the server
//! runs.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::divergence::Trial;
use crate::policy::Policy;

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
