//! Read-only views of a compiled policy for `explain.rs`, which says in
//! words what `decide` does: the rules as configured, and each check alone.

use http::Method;

use super::{HeaderRule, MethodRule, OriginRule, Policy};
use crate::origin_match::OriginMatcher;

impl Policy {
    /// The origin rules; `None` for any origin.
    pub(crate) fn origin_matcher(&self) -> Option<&OriginMatcher> {
        match &self.origins {
            OriginRule::Any => None,
            OriginRule::Matcher(m) => Some(m),
        }
    }

    /// The listed methods (GET, HEAD and POST are always allowed besides);
    /// `None` for any method.
    pub(crate) fn method_list(&self) -> Option<&[Method]> {
        match &self.methods {
            MethodRule::Any => None,
            MethodRule::List(list) => Some(list),
        }
    }

    /// Whether a preflight may ask for `method` (as sent): the check of
    /// `check_preflight`, alone.
    pub(crate) fn allows_method(&self, method: &[u8]) -> bool {
        match &self.methods {
            MethodRule::Any => !(self.credentials && method == b"*"),
            MethodRule::List(list) => {
                matches!(method, b"GET" | b"HEAD" | b"POST")
                    || list.iter().any(|m| m.as_str().as_bytes() == method)
            }
        }
    }

    /// The listed request header names, as configured (lowercase); `None`
    /// for any header.
    pub(crate) fn header_list(&self) -> Option<Vec<&str>> {
        match &self.headers {
            HeaderRule::Any => None,
            HeaderRule::List(_) => Some(match &self.allow_headers {
                Some(value) => value.to_str().unwrap_or_default().split(", ").collect(),
                None => Vec::new(),
            }),
        }
    }

    /// Whether a preflight may ask for the request header `name` (as sent):
    /// the check of `check_preflight`, alone.
    pub(crate) fn allows_header(&self, name: &[u8]) -> bool {
        match &self.headers {
            HeaderRule::List(list) => list.contains(name),
            HeaderRule::Any => !(self.credentials && name == b"*"),
        }
    }
}
