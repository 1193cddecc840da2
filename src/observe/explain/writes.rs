//! How [`guard_cross_origin_writes`] decided a state-changing request, as
//! checks: `Sec-Fetch-Site`, then `Origin` against the request's own host.
//!
//! [`guard_cross_origin_writes`]: crate::CorsBuilder::guard_cross_origin_writes

use http::header::ORIGIN;
use http::request::Parts;

use super::{quoted, Check, Explanation, Hint};
use crate::policy::write_guard::{fetch_site, own_authority, same_host, SEC_FETCH_SITE};
use crate::policy::Decision;
use crate::request::RequestKind;

/// Adds the guard's checks of a write to `out`, and, if the guard refused
/// it, its kind, request line and hint. `target` is `METHOD /path`.
pub(super) fn explain(parts: &Parts, decision: &Decision<'_>, target: &str, out: &mut Explanation) {
    let refused = match decision {
        // A deferred write waits for the origin lookup: not refused yet.
        Decision::Rejected(r) => r.kind() == RequestKind::CrossOriginWrite,
        _ => false,
    };
    let origin = parts.headers.get(ORIGIN).map(|o| o.as_bytes());
    match parts.headers.get(SEC_FETCH_SITE) {
        Some(site) => {
            let (passed, detail) = match site.as_bytes() {
                b"same-origin" => (true, "the API's own pages sent it: the guard passes it"),
                b"none" => (
                    true,
                    "the user sent it (address bar, bookmark): the guard passes it",
                ),
                _ => (
                    false,
                    "another origin sent it: it passes only if the policy allows its Origin",
                ),
            };
            let subject = format!("Sec-Fetch-Site {}", quoted(site.as_bytes()));
            out.checks.push(Check::new(subject, passed, detail));
        }
        None => {
            out.checks.push(Check::new(
                "Sec-Fetch-Site".to_owned(),
                true,
                "absent (an older browser, or not a browser): Origin and Host decide",
            ));
            let host = own_authority(&parts.headers, Some(&parts.uri));
            match origin {
                None => out.checks.push(Check::new(
                    "Origin header".to_owned(),
                    true,
                    "absent: not a browser's cross-origin write; the guard passes it",
                )),
                Some(origin) => {
                    let same = same_host(origin, host);
                    let detail = match same {
                        true => "the Origin names this host and port: same-origin, passed",
                        false => {
                            "the Origin is another host or port (default ports from the \
                             origin's scheme): it passes only if the policy allows it"
                        }
                    };
                    let subject = format!("Host {}", quoted(host));
                    out.checks.push(Check::new(subject, same, detail));
                }
            }
        }
    }
    if !refused {
        return;
    }
    out.kind = Some(RequestKind::CrossOriginWrite);
    out.request = match out.request.strip_prefix("actual ") {
        Some(rest) => format!("cross-origin write {rest}"),
        None => format!(
            "cross-origin write {target} without Origin (Sec-Fetch-Site {})",
            quoted(fetch_site(&parts.headers).as_bytes())
        ),
    };
    let origin = String::from_utf8_lossy(origin.unwrap_or_default()).into_owned();
    out.hints.push(Hint::CrossOriginWrite { origin });
}
