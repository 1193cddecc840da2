//! Read-only views of a compiled policy, for `explain` and logs: the rules
//! as configured, and each check alone.

use std::fmt;

use http::{HeaderName, HeaderValue, Method};

use super::{Expose, HeaderRule, Listed, OriginRule, Policy};
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
            Listed::Any => None,
            Listed::List(list) => Some(list),
        }
    }

    /// The listed request header names, as configured; `None` for any
    /// header.
    pub(crate) fn header_list(&self) -> Option<&[HeaderName]> {
        match &self.headers {
            HeaderRule::Any => None,
            HeaderRule::List(list) => Some(list.configured()),
        }
    }

    /// Whether a preflight may ask for the request header `name` (as sent):
    /// the check of `decide`, alone.
    pub(crate) fn allows_header(&self, name: &[u8]) -> bool {
        match &self.headers {
            HeaderRule::List(list) => list.contains(name),
            HeaderRule::Any => !(self.credentials && name == b"*"),
        }
    }
}

/// A one-line summary of the policy, e.g. for startup logs; with
/// [routes](crate::CorsBuilder::route) or [origin
/// groups](crate::CorsBuilder::origin_group), one more line for each
/// policy they make (`route "/public": origins: any; ...`), as merged.
///
/// ```
/// let cors = tower_cors::CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()
///     .unwrap();
/// assert_eq!(
///     cors.policy().to_string(),
///     "origins: [https://app.example.com]; methods: GET, HEAD, POST; headers: none; \
///      expose: none; credentials: false; max-age: unset; private network: false; preflight status: 204"
/// );
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origins {
            OriginRule::Any => f.write_str("origins: any")?,
            OriginRule::Matcher(m) => {
                let predicates = m.predicate_count();
                write!(f, "origins: [{}]", m.describe().join(", "))?;
                if predicates > 0 {
                    write!(f, " + {predicates} predicate(s)")?;
                }
                if let Some(check) = &self.async_origin {
                    write!(f, " + {}", check.describe())?;
                }
            }
        }
        let text = |v: &HeaderValue| v.to_str().unwrap_or_default().to_owned();
        let methods = match self.methods {
            Listed::Any => "any".to_owned(),
            Listed::List(_) => text(&self.allow_methods),
        };
        let headers = match (&self.headers, &self.allow_headers) {
            (HeaderRule::Any, _) => "any".to_owned(),
            (HeaderRule::List(_), Some(v)) => text(v),
            (HeaderRule::List(_), None) => "none".to_owned(),
        };
        let expose = match &self.expose {
            Expose::None => "none".to_owned(),
            Expose::Value(v) => text(v),
            Expose::ResponseHeaders => "any (response's own names)".to_owned(),
        };
        let max_age = self.max_age.as_ref().map_or("unset".to_owned(), text);
        write!(
            f,
            "; methods: {methods}; headers: {headers}; expose: {expose}; credentials: {}; \
             max-age: {max_age}; private network: {}; preflight status: {}",
            self.credentials,
            self.private_network,
            self.preflight.status.as_u16()
        )?;
        if self.websocket_guard {
            f.write_str("; websocket handshakes: guarded")?;
        }
        if self.write_guard {
            f.write_str("; cross-origin writes: guarded")?;
        }
        // A set: one line per policy it compiled, after the base's.
        for policy in self.set.iter().flat_map(|set| set.policies()) {
            write!(f, "\n{}: {policy}", policy.place())?;
        }
        Ok(())
    }
}
