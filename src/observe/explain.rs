//! [`Policy::explain`]: how a policy decides a request, in words. It asks
//! [`Policy::decide`] for the verdict, so the two never disagree, then
//! repeats each check alone to say which one failed and what is near it.

use std::fmt;

use http::request::Parts;

use super::Verdict;
use crate::policy::origin_check::Answer;
use crate::policy::set::Place;
use crate::policy::{Decision, Policy};
use crate::request::{CorsRequest, Malformed, Origin, Preflight, Rejection, RequestKind};

mod hints;
mod writes;

pub use hints::Hint;

/// One check of an explained request: what was checked, and whether it
/// passed.
///
/// ```
/// use http::{header, Request};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
/// let (head, ()) = Request::get("/")
///     .header(header::ORIGIN, "https://a.example.com")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let explanation = cors.policy().explain(&head);
/// let check = &explanation.checks()[0];
/// assert_eq!(check.subject(), "origin \"https://a.example.com\"");
/// assert!(check.passed());
/// assert_eq!(check.detail(), "matches a pattern");
/// assert_eq!(check.to_string(), "origin \"https://a.example.com\": ok (matches a pattern)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    subject: String,
    passed: bool,
    detail: String,
}

impl Check {
    fn new(subject: String, passed: bool, detail: impl Into<String>) -> Check {
        Check {
            subject,
            passed,
            detail: detail.into(),
        }
    }

    /// What was checked, e.g. `origin "https://app.example.com"`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.passed
    }

    /// How it was decided, e.g. `listed` or `not listed`.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let result = if self.passed { "ok" } else { "FAILED" };
        write!(f, "{}: {result} ({})", self.subject, self.detail)
    }
}

/// How a policy decides one request: the classification, each check, the
/// verdict, and for a refusal hints with the nearest configured value and
/// the fix. Made by [`Policy::explain`]; `Display`s as a few lines.
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Hint, Rejection, Verdict};
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_headers([header::CONTENT_TYPE])
///     .build()
///     .unwrap();
/// let (parts, ()) = Request::options("/items")
///     .header(header::ORIGIN, "https://app.example.com")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type, x-evil")
///     .body(())
///     .unwrap()
///     .into_parts();
/// let explanation = cors.policy().explain(&parts);
/// assert_eq!(explanation.verdict(), Verdict::Refused(Rejection::HeaderNotAllowed("x-evil")));
/// assert_eq!(explanation.reason(), Some("request header \"x-evil\" is not allowed"));
/// assert_eq!(
///     explanation.hints(),
///     [Hint::HeaderNotListed { header: "x-evil".into(), allowed: vec!["content-type".into()] }]
/// );
/// println!("{explanation}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    request: String,
    /// The route and group whose settings decided.
    place: Place,
    kind: Option<RequestKind>,
    checks: Vec<Check>,
    verdict: Decided,
    reason: Option<String>,
    hints: Vec<Hint>,
}

/// A [`Verdict`] that owns its reason's text, so an explanation outlives
/// the request it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decided {
    NotCors,
    Allowed,
    /// A [`Rejection`] of this kind, about this text.
    Refused(Refused, String),
    Undecided,
}

/// The variants of [`Rejection`], without their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    Origin,
    Method,
    Header,
    Malformed(Malformed),
    OriginLookupFailed,
    OriginLookupSaturated,
    WriteWithoutOrigin,
}

impl Decided {
    fn refused(reason: Rejection<'_>) -> Decided {
        let (kind, text) = match reason {
            Rejection::OriginNotAllowed(text) => (Refused::Origin, text),
            Rejection::MethodNotAllowed(text) => (Refused::Method, text),
            Rejection::HeaderNotAllowed(text) => (Refused::Header, text),
            Rejection::Malformed(problem) => (Refused::Malformed(problem), ""),
            Rejection::OriginLookupFailed(text) => (Refused::OriginLookupFailed, text),
            Rejection::OriginLookupSaturated(text) => (Refused::OriginLookupSaturated, text),
            Rejection::WriteWithoutOrigin(text) => (Refused::WriteWithoutOrigin, text),
        };
        Decided::Refused(kind, text.to_owned())
    }

    fn verdict(&self) -> Verdict<'_> {
        match self {
            Decided::NotCors => Verdict::NotCors,
            Decided::Allowed => Verdict::Allowed,
            Decided::Undecided => Verdict::Undecided,
            Decided::Refused(kind, text) => Verdict::Refused(match *kind {
                Refused::Origin => Rejection::OriginNotAllowed(text),
                Refused::Method => Rejection::MethodNotAllowed(text),
                Refused::Header => Rejection::HeaderNotAllowed(text),
                Refused::Malformed(problem) => Rejection::Malformed(problem),
                Refused::OriginLookupFailed => Rejection::OriginLookupFailed(text),
                Refused::OriginLookupSaturated => Rejection::OriginLookupSaturated(text),
                Refused::WriteWithoutOrigin => Rejection::WriteWithoutOrigin(text),
            }),
        }
    }
}

impl Explanation {
    /// The kind of CORS request; `None` when it is not one.
    pub fn kind(&self) -> Option<RequestKind> {
        self.kind
    }

    /// Each check made, in order.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The verdict: the same as [`Policy::decide`]'s.
    pub fn verdict(&self) -> Verdict<'_> {
        self.verdict.verdict()
    }

    /// Why it is refused (a [`Rejection`](crate::Rejection), in words), or
    /// what the async check decides; `None` otherwise.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// What would change the verdict, nearest configured value first.
    pub fn hints(&self) -> &[Hint] {
        &self.hints
    }

    /// The configured value nearest to what was refused, if any hint has one.
    pub fn nearest(&self) -> Option<&str> {
        self.hints.iter().find_map(Hint::nearest)
    }

    /// The prefix of the [route](crate::CorsBuilder::route) whose settings
    /// decided, if one did.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .route("/public", |r| r.allow_any_origin())
    ///     .build()
    ///     .unwrap();
    /// let (parts, ()) = Request::get("/public/logo.svg")
    ///     .header(header::ORIGIN, "https://anyone.example")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let explanation = cors.policy().explain(&parts);
    /// assert_eq!(explanation.route(), Some("/public"));
    /// assert!(explanation.to_string().contains("\npolicy: route \"/public\"\n"));
    /// ```
    pub fn route(&self) -> Option<&str> {
        self.place.route.as_deref()
    }

    /// The origins of the [origin group](crate::CorsBuilder::origin_group)
    /// whose settings decided, as configured, if one did.
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .origin_group(["https://app.example.com"], |g| g.allow_credentials(true))
    ///     .build()
    ///     .unwrap();
    /// let (parts, ()) = Request::get("/")
    ///     .header(header::ORIGIN, "https://app.example.com")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let explanation = cors.policy().explain(&parts);
    /// assert_eq!(explanation.origin_group(), Some(&["https://app.example.com".to_owned()][..]));
    /// ```
    pub fn origin_group(&self) -> Option<&[String]> {
        self.place.group_origins()
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "request: {}", self.request)?;
        if !self.place.is_base() {
            writeln!(f, "policy: {}", self.place)?;
        }
        for check in &self.checks {
            writeln!(f, "check: {check}")?;
        }
        match (&self.verdict, &self.reason) {
            (Decided::Undecided, Some(reason)) => write!(f, "verdict: undecided: {reason}")?,
            _ => write!(f, "verdict: {}", self.verdict())?,
        }
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// Text from a request, escaped and quoted: safe to print.
fn quoted(text: &[u8]) -> String {
    format!("\"{}\"", text.escape_ascii())
}

impl Policy {
    /// How this policy decides `parts`, in words: the classification, each
    /// check, the verdict (always [`Policy::decide`]'s), and for a refusal
    /// the nearest configured value and the fix. `Display`s as a few lines;
    /// for logs, tests and a CLI. Never panics, whatever the request head.
    ///
    /// Origin predicates are called again, as `decide` calls them; the
    /// async origin check is never called (its verdict is
    /// [`Verdict::Undecided`]).
    ///
    /// ```
    /// use http::{header, Request};
    /// use tower_cors::{CorsLayer, Hint, Verdict};
    ///
    /// let cors = CorsLayer::builder().allow_origins(["https://*.example.com"]).build().unwrap();
    /// let (parts, ()) = Request::get("/")
    ///     .header(header::ORIGIN, "https://example.com")
    ///     .body(())
    ///     .unwrap()
    ///     .into_parts();
    /// let explanation = cors.policy().explain(&parts);
    /// assert!(matches!(explanation.verdict(), Verdict::Refused(_)));
    /// assert_eq!(explanation.hints(), [Hint::OriginApex { pattern: "https://*.example.com".into() }]);
    /// assert_eq!(
    ///     explanation.to_string(),
    ///     "request: actual GET / from \"https://example.com\"\n\
    ///      check: origin \"https://example.com\": FAILED (no listed origin or pattern matches)\n\
    ///      verdict: refused: origin \"https://example.com\" is not allowed\n\
    ///      hint: \"https://*.example.com\" matches subdomains only, never the domain itself: \
    ///      add the apex origin to allow_origins too"
    /// );
    /// ```
    pub fn explain(&self, parts: &Parts) -> Explanation {
        self.selected(parts).explain_selected(parts)
    }

    /// [`Policy::explain`] by the policy of the set that decides `parts`.
    fn explain_selected(&self, parts: &Parts) -> Explanation {
        let decision = self.decide(parts);
        // An origin only the origin lookup can allow is explained with the
        // lookup's cached answer, which decides it as the layer would now.
        let lookup = match &decision {
            Decision::Deferred(deferred) => self.lookup_state(deferred),
            _ => LookupState::None,
        };
        let decision = match (decision, lookup) {
            (Decision::Deferred(deferred), LookupState::Cached(allowed)) => {
                match deferred.origin_value() {
                    Some(origin) => {
                        let answer = Answer::from(allowed);
                        self.resolve(deferred.kind(), origin, answer, Some(&parts.headers))
                    }
                    None => Decision::Deferred(deferred),
                }
            }
            (decision, _) => decision,
        };
        let (verdict, reason) = match &decision {
            Decision::NotCors => (Decided::NotCors, None),
            Decision::Actual(_) | Decision::Preflight(_) => (Decided::Allowed, None),
            Decision::Rejected(rejected) => (
                Decided::refused(rejected.reason()),
                Some(rejected.reason().to_string()),
            ),
            Decision::Deferred(deferred) => {
                let origin = quoted(deferred.origin_value().map_or(&b""[..], |o| o.as_bytes()));
                let decides = match lookup {
                    LookupState::NotCached => "no answer of the origin lookup is cached for it",
                    _ => "the async origin predicate decides it when the request arrives",
                };
                (
                    Decided::Undecided,
                    Some(format!("no static rule allows origin {origin}; {decides}")),
                )
            }
        };
        let mut out = Explanation {
            request: String::new(),
            place: self.place().clone(),
            kind: None,
            checks: Vec::new(),
            verdict,
            reason,
            hints: Vec::new(),
        };
        let target = format!(
            "{} {}",
            parts.method.as_str().as_bytes().escape_ascii(),
            parts.uri.path().as_bytes().escape_ascii()
        );
        match CorsRequest::classify(&parts.method, &parts.headers) {
            Err(invalid) => {
                let problem = match invalid.reason() {
                    Rejection::Malformed(problem) => problem,
                    _ => Malformed::Origin,
                };
                out.kind = Some(invalid.kind());
                out.request = format!("{} {target}", kind_word(invalid.kind()));
                out.checks.push(Check::new(
                    "CORS request headers".to_owned(),
                    false,
                    problem.to_string(),
                ));
                out.hints.push(Hint::Malformed(problem));
            }
            Ok(CorsRequest::NotCors) => {
                out.request = format!("{target} without Origin: not a CORS request");
                let detail = if self.varies_by_origin() {
                    "the response gets Vary: Origin"
                } else {
                    "the response gets Access-Control-Allow-Origin: *"
                };
                out.checks
                    .push(Check::new("Origin header".to_owned(), true, detail));
            }
            Ok(CorsRequest::Actual(origin)) => {
                out.kind = Some(RequestKind::Actual);
                out.request = format!(
                    "actual {target} from {}",
                    quoted(origin.header_value().as_bytes())
                );
                self.explain_origin(origin, &decision, lookup, &mut out);
            }
            Ok(CorsRequest::Preflight(preflight)) => {
                out.kind = Some(RequestKind::Preflight);
                out.request = preflight_line(&preflight, &target);
                if self.explain_origin(preflight.origin(), &decision, lookup, &mut out) {
                    self.explain_preflight(&preflight, &mut out);
                }
            }
        }
        if self.write_guard && crate::policy::write_guard::is_write(&parts.method) {
            writes::explain(parts, &decision, &target, &mut out);
        }
        out
    }

    /// The origin check; whether the preflight checks come next (the origin
    /// is allowed, or the async check may allow it).
    fn explain_origin(
        &self,
        origin: Origin<'_>,
        decision: &Decision<'_>,
        lookup: LookupState,
        out: &mut Explanation,
    ) -> bool {
        let subject = format!("origin {}", quoted(origin.header_value().as_bytes()));
        let bytes = origin.header_value().as_bytes();
        let refused_malformed = matches!(
            decision,
            Decision::Rejected(r) if matches!(r.reason(), Rejection::Malformed(_))
        );
        if refused_malformed {
            out.checks
                .push(Check::new(subject, false, "not a serialized origin"));
            out.hints.push(Hint::Malformed(Malformed::Origin));
            return false;
        }
        let Some(matcher) = self.origin_matcher() else {
            out.checks
                .push(Check::new(subject, true, "any origin is allowed"));
            return true;
        };
        let allowed = !matches!(decision, Decision::Rejected(r) if !r.origin_allowed())
            && !matches!(decision, Decision::Deferred(_));
        if allowed && lookup == LookupState::None {
            let how = if matcher.is_listed(bytes) {
                "listed"
            } else if matcher.pattern_matches(bytes) {
                "matches a pattern"
            } else {
                "allowed by an origin predicate"
            };
            out.checks.push(Check::new(subject, true, how));
            return true;
        }
        let predicates = matcher.predicate_count();
        let detail = match predicates {
            0 => "no listed origin or pattern matches".to_owned(),
            n => format!("no listed origin or pattern matches, and no predicate ({n}) allows it"),
        };
        out.checks.push(Check::new(subject, false, detail));
        let mut hints = hints::origin_hints(matcher, &String::from_utf8_lossy(bytes));
        let cached = match lookup {
            LookupState::None if matches!(decision, Decision::Deferred(_)) => {
                out.checks.push(Check::new(
                    "async origin predicate".to_owned(),
                    true,
                    "run when the request arrives, not by explain; the checks below apply if \
                     it allows the origin",
                ));
                out.hints.extend(hints);
                return true;
            }
            LookupState::None => {
                out.hints.extend(hints);
                return false;
            }
            LookupState::Cached(allowed) => Some(allowed),
            LookupState::NotCached => None,
        };
        let detail = match cached {
            Some(true) => "decided by the origin lookup; cached answer: allowed",
            Some(false) => "decided by the origin lookup; cached answer: refused",
            None => "decided by the origin lookup; not cached (the next request asks the store)",
        };
        out.checks.push(Check::new(
            "origin lookup".to_owned(),
            cached != Some(false),
            detail,
        ));
        // A tenant's origin belongs in the store, not in allow_origins.
        hints.retain(|hint| !matches!(hint, Hint::OriginNotListed { .. }));
        if cached != Some(true) {
            hints.push(Hint::OriginLookup { cached });
        }
        out.hints.extend(hints);
        cached != Some(false)
    }

    /// Whether an origin only the async check can allow is the origin
    /// lookup's to decide, and its cached answer.
    fn lookup_state(&self, deferred: &crate::request::Rejected<'_>) -> LookupState {
        let Some(check) = self.async_origin() else {
            return LookupState::None;
        };
        let origin = deferred.checkable_origin().map(|origin| origin.as_str());
        match origin.map(|origin| check.cached(origin)) {
            Some(Some(Some(allowed))) => LookupState::Cached(allowed),
            Some(Some(None)) => LookupState::NotCached,
            _ => LookupState::None,
        }
    }

    /// The method and header checks of a preflight, each alone.
    fn explain_preflight(&self, preflight: &Preflight<'_>, out: &mut Explanation) {
        let method = preflight.method();
        let method_ok = self.allows_method(method.as_bytes());
        let detail = match (self.method_list(), method_ok) {
            (None, true) => "any method is allowed",
            (None, false) => "\"*\" is read literally with credentials",
            (Some(_), true) if matches!(method, "GET" | "HEAD" | "POST") => {
                "GET, HEAD and POST are always allowed"
            }
            (Some(_), true) => "listed",
            (Some(_), false) => "not listed (methods are case-sensitive)",
        };
        out.checks.push(Check::new(
            format!("method {}", quoted(method.as_bytes())),
            method_ok,
            detail,
        ));
        if !method_ok {
            out.hints
                .extend(hints::method_hints(self.method_list(), method));
            return;
        }
        for name in preflight.requested().clone() {
            let ok = self.allows_header(name.as_bytes());
            let detail = match (self.header_list().is_some(), ok) {
                (false, true) => "any header is allowed",
                (false, false) => "\"*\" is read literally with credentials",
                (true, true) => "listed",
                (true, false) => "not listed",
            };
            out.checks.push(Check::new(
                format!("request header {}", quoted(name.as_bytes())),
                ok,
                detail,
            ));
            if !ok {
                let hint = hints::header_hint(self.header_list(), name);
                if !out.hints.contains(&hint) {
                    out.hints.push(hint);
                }
            }
        }
    }
}

/// What the origin lookup knows of an origin only it can allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LookupState {
    /// No lookup decides it (an async predicate, or the static rules).
    None,
    /// Its cached answer: allowed or not.
    Cached(bool),
    /// No answer is cached.
    NotCached,
}

fn kind_word(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Actual => "actual",
        RequestKind::WebSocket => "WebSocket handshake",
        RequestKind::CrossOriginWrite => "cross-origin write",
        RequestKind::Preflight => "preflight",
    }
}

/// `preflight OPTIONS /path from "origin" for PUT with x-a, x-b`.
fn preflight_line(preflight: &Preflight<'_>, target: &str) -> String {
    let mut line = format!(
        "preflight {target} from {} for {}",
        quoted(preflight.origin().header_value().as_bytes()),
        quoted(preflight.method().as_bytes())
    );
    let names: Vec<&str> = preflight.requested().clone().collect();
    if !names.is_empty() {
        line.push_str(&format!(
            " with headers {}",
            quoted(names.join(", ").as_bytes())
        ));
    }
    line
}
