//! Comparing two policies' answers to one request, for report-only trials
//! (`divergence.rs`).

use super::{AllowedPreflight, Policy};

impl Policy {
    /// Whether `other` starts its preflight answers from the same template.
    pub(crate) fn same_preflight_template(&self, other: &Policy) -> bool {
        self.preflight == other.preflight
    }
}

impl AllowedPreflight<'_> {
    /// Whether this answer and `other`, for the same request, are equal.
    /// `same_templates` says whether the two policies' preflight templates
    /// are, which a report-only trial knows once for all its requests: when
    /// they are, neither answer is built.
    pub(crate) fn answers_like(&self, other: &AllowedPreflight<'_>, same_templates: bool) -> bool {
        if same_templates && self.fill().same_as(&other.fill()) {
            return true;
        }
        let (mine, theirs): (http::Response<()>, http::Response<()>) =
            (self.response(), other.response());
        mine.status() == theirs.status() && mine.headers() == theirs.headers()
    }
}
