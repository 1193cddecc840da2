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
    /// Whether this answer and `other`, for the same request, are equal,
    /// told without building either: `true` only when the two policies'
    /// templates are equal (`same_templates`, which a report-only trial
    /// knows once for all its requests) and each answer fills in the same
    /// values. `false` means the answers must be built to compare them.
    pub(crate) fn surely_answers_like(
        &self,
        other: &AllowedPreflight<'_>,
        same_templates: bool,
    ) -> bool {
        same_templates && self.fill().same_as(&other.fill())
    }
}
