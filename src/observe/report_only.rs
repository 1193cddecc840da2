//! Report-only trials: a candidate policy decides each request alongside
//! the enforced one, and a [`Divergence`] describes each request the two
//! decide differently. The candidate never changes a response.

use std::fmt;
use std::sync::Arc;

use http::header::{self, HeaderName, ORIGIN};
use http::{HeaderValue, Method, Response};

use super::Verdict;
use crate::policy::origin_check::{Answer, Check, CheckFuture};
use crate::policy::{ActualHeaders, AllowedPreflight, Decision, Policy};
use crate::request::{Head, Rejection, RequestKind};
use crate::response::{preflight_answer, CORS_RESPONSE_HEADERS};

/// The report callback of [`CorsLayer::with_report_only`](crate::CorsLayer::with_report_only).
type Report = dyn Fn(&Divergence<'_>) + Send + Sync + 'static;

/// A candidate policy on trial, and whom to tell when it disagrees.
#[derive(Clone)]
pub(crate) struct Trial {
    candidate: Arc<Policy>,
    report: Arc<Report>,
    /// Whether the enforced policy's preflight answers start from the
    /// candidate's template: then preflights decided alike are compared
    /// without building either answer.
    same_templates: bool,
    /// Whether the candidate guards cross-origin writes anywhere (in a
    /// route, say): then requests without `Origin` are compared too.
    guards_writes: bool,
}

impl fmt::Debug for Trial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trial")
            .field("candidate", &self.candidate)
            .finish_non_exhaustive()
    }
}

impl Trial {
    /// A trial of `candidate` beside `enforced`, the policy it is paired
    /// with for its whole life.
    pub(crate) fn new(enforced: &Policy, candidate: Arc<Policy>, report: Arc<Report>) -> Trial {
        // Sets select a policy per request; their templates are compared
        // with the answers.
        let same_templates = enforced.set.is_none()
            && candidate.set.is_none()
            && enforced.preflight_template() == candidate.preflight_template();
        let guards_writes = candidate.guards_writes_anywhere();
        Trial {
            guards_writes,
            candidate,
            report,
            same_templates,
        }
    }

    /// Whether the candidate needs the request head as `Parts`.
    pub(crate) fn needs_parts(&self) -> bool {
        self.candidate.needs_parts()
    }

    /// Decides `head` with the candidate, compares with what `enforced`
    /// decided, and reports a difference. A request the enforced policy
    /// passes without `Origin` is compared only when the candidate guards
    /// cross-origin writes: otherwise both classify it alike, and neither
    /// can refuse it.
    ///
    /// An origin only a policy's origin lookup can allow is asked of that
    /// lookup, through its own cache, single flight and bound: a cached
    /// answer is compared at once; otherwise the comparison waits for the
    /// answer in a task of its own, so the enforced response never waits for
    /// the trial. An async predicate is never run by a trial (it has no
    /// cache; its verdict is [`Verdict::Undecided`]).
    pub(crate) fn observe(&self, enforced: &Arc<Policy>, decision: &Decision<'_>, head: Head<'_>) {
        if matches!(decision, Decision::NotCors) && !self.guards_writes {
            return;
        }
        let candidate = self.candidate.select(head);
        let decided = candidate.decide_head(head);
        let ours = Settled::of(enforced, decision.clone(), head);
        let theirs = Settled::of(candidate, decided, head);
        match (ours, theirs) {
            (Settled::Now(ours, a), Settled::Now(theirs, b)) => {
                self.compare([enforced, candidate], &ours, &theirs, head, [a, b]);
            }
            (ours, theirs) => self.compare_later([enforced, candidate], ours, theirs, head),
        }
    }

    /// Compares once the pending lookups answer, in a task of its own; what
    /// is known now, if there is no runtime to wait on.
    fn compare_later(
        &self,
        policies: [&Arc<Policy>; 2],
        ours: Settled<'_>,
        theirs: Settled<'_>,
        head: Head<'_>,
    ) {
        #[cfg(feature = "origin-lookup")]
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let trial = self.clone();
            let [enforced, candidate] = policies.map(Arc::clone);
            let (ours, theirs) = (ours.into_wait(), theirs.into_wait());
            let parts = owned_parts(head);
            runtime.spawn(async move {
                let a = ours.answer().await;
                let b = theirs.answer().await;
                let head = Head::of_parts(&parts);
                let ours = Settled::resolved(&enforced, head, a);
                let theirs = Settled::resolved(&candidate, head, b);
                trial.compare([&enforced, &candidate], &ours, &theirs, head, [a, b]);
            });
            return;
        }
        let (ours, a) = ours.now_or_undecided();
        let (theirs, b) = theirs.now_or_undecided();
        self.compare(policies, &ours, &theirs, head, [a, b]);
    }

    /// Reports `decision` and `candidate` if they differ.
    fn compare(
        &self,
        [enforced, candidate_policy]: [&Arc<Policy>; 2],
        decision: &Decision<'_>,
        candidate: &Decision<'_>,
        head: Head<'_>,
        lookups: [Option<Answer>; 2],
    ) {
        let ours = Carried::of(enforced, decision);
        let theirs = Carried::of(candidate_policy, candidate);
        let Some(header) = ours.differs_from(&theirs, self.same_templates) else {
            return;
        };
        let divergence = Divergence {
            // The kind the layer answers itself, if either policy refuses
            // it so: a request one policy forwards and the other blocks.
            kind: match (kind(decision), kind(candidate)) {
                (RequestKind::Actual, theirs) => theirs,
                (ours, _) => ours,
            },
            origin: head
                .headers
                .get(ORIGIN)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default(),
            method: head.method,
            path: head.uri.path(),
            enforced: ours.verdict(),
            candidate: theirs.verdict(),
            blocks: (ours.blocks(), theirs.blocks()),
            header,
            lookups,
        };
        #[cfg(feature = "tracing")]
        tracing::warn!(
            target: "tower_cors::report_only",
            kind = ?divergence.kind,
            origin = divergence.origin,
            method = %divergence.method,
            path = divergence.path,
            enforced = %Verb(divergence.enforced, lookups[0], divergence.blocks.0),
            candidate = %Verb(divergence.candidate, lookups[1], divergence.blocks.1),
            "{divergence}"
        );
        (self.report)(&divergence);
    }
}

/// One policy's decision in a trial: known now (with the lookup's answer,
/// if one decided it), or waiting for its origin lookup.
enum Settled<'a> {
    Now(Decision<'a>, Option<Answer>),
    #[cfg_attr(not(feature = "origin-lookup"), allow(dead_code))]
    Later(CheckFuture),
}

impl<'a> Settled<'a> {
    /// `decision`, or for an origin only the policy's lookup can allow,
    /// the lookup's answer made into a decision (at once if cached).
    fn of(policy: &'a Policy, decision: Decision<'a>, head: Head<'a>) -> Settled<'a> {
        let asked = match (&decision, head.parts) {
            (Decision::Deferred(deferred), Some(parts)) if policy.has_origin_lookup() => policy
                .start_check(deferred, parts)
                .map(|started| (deferred.kind(), started)),
            _ => None,
        };
        match asked {
            Some((kind, (Check::Ready(answer), origin))) => {
                let resolved = policy.resolve(kind, origin, answer, Some(head.headers));
                Settled::Now(resolved, Some(answer))
            }
            Some((_, (Check::Pending(check), _))) => Settled::Later(check),
            None => Settled::Now(decision, None),
        }
    }

    /// Decides `head` again under `policy`, with the lookup's `answer`.
    #[cfg(feature = "origin-lookup")]
    fn resolved(policy: &'a Policy, head: Head<'a>, answer: Option<Answer>) -> Decision<'a> {
        match (policy.decide_head(head), answer) {
            (Decision::Deferred(deferred), Some(answer)) => match deferred.origin_value() {
                Some(origin) => policy.resolve(deferred.kind(), origin, answer, Some(head.headers)),
                None => Decision::Deferred(deferred),
            },
            (decision, _) => decision,
        }
    }

    /// What is known now: a pending lookup is undecided.
    fn now_or_undecided(self) -> (Decision<'a>, Option<Answer>) {
        match self {
            Settled::Now(decision, answer) => (decision, answer),
            Settled::Later(_) => (Decision::NotCors, None),
        }
    }

    /// What a task needs of it: the answer known, or the check to wait for.
    #[cfg(feature = "origin-lookup")]
    fn into_wait(self) -> Wait {
        match self {
            Settled::Now(_, answer) => Wait::Known(answer),
            Settled::Later(check) => Wait::Pending(check),
        }
    }
}

/// The owned half of [`Settled`], moved into a trial's task.
#[cfg(feature = "origin-lookup")]
enum Wait {
    Known(Option<Answer>),
    Pending(CheckFuture),
}

#[cfg(feature = "origin-lookup")]
impl Wait {
    async fn answer(self) -> Option<Answer> {
        match self {
            Wait::Known(answer) => answer,
            Wait::Pending(check) => Some(check.await),
        }
    }
}

/// A copy of the request head a trial's task decides again: method, URI,
/// version and headers (extensions are not `Clone`, and no rule reads them).
#[cfg(feature = "origin-lookup")]
fn owned_parts(head: Head<'_>) -> http::request::Parts {
    let mut request = http::Request::new(());
    *request.method_mut() = head.method.clone();
    *request.uri_mut() = head.uri.clone();
    *request.headers_mut() = head.headers.clone();
    if let Some(parts) = head.parts {
        *request.version_mut() = parts.version;
    }
    request.into_parts().0
}

fn kind(decision: &Decision<'_>) -> RequestKind {
    match decision {
        Decision::Preflight(_) => RequestKind::Preflight,
        Decision::Rejected(rejected) => rejected.kind(),
        Decision::Deferred(deferred) => deferred.kind(),
        Decision::NotCors | Decision::Actual(_) => RequestKind::Actual,
    }
}

/// Whether the layer answers a refused request of `kind` itself where the
/// inner service would otherwise answer it (a guarded handshake or write;
/// never a preflight, which the layer always answers).
fn blocks(kind: RequestKind) -> bool {
    kind.is_answered_when_refused() && kind != RequestKind::Preflight
}

/// One policy's decision, reduced to what its response would carry.
enum Carried<'a> {
    NotCors,
    Actual(&'a HeaderValue, ActualHeaders),
    Preflight(&'a AllowedPreflight<'a>),
    /// Refused, and whether the layer answers it itself (403, inner service
    /// not called).
    Refused(Rejection<'a>, bool),
    Undecided,
}

impl<'a> Carried<'a> {
    fn of(policy: &'a Policy, decision: &'a Decision<'a>) -> Carried<'a> {
        match decision {
            Decision::NotCors => Carried::NotCors,
            Decision::Actual(allowed) => {
                Carried::Actual(allowed.allow_origin(), policy.actual_headers())
            }
            Decision::Preflight(allowed) => Carried::Preflight(allowed),
            // An async predicate has the last word; a trial never runs it
            // (a lookup's answer was made into a decision before).
            Decision::Deferred(_) => Carried::Undecided,
            Decision::Rejected(rejected) => {
                Carried::Refused(rejected.reason(), blocks(rejected.kind()))
            }
        }
    }

    fn verdict(&self) -> Verdict<'a> {
        match self {
            Carried::NotCors => Verdict::NotCors,
            Carried::Actual(..) | Carried::Preflight(_) => Verdict::Allowed,
            Carried::Refused(reason, _) => Verdict::Refused(*reason),
            Carried::Undecided => Verdict::Undecided,
        }
    }

    /// Whether the layer answers the request itself, refusing it, where a
    /// request of its kind usually reaches the inner service.
    fn blocks(&self) -> bool {
        matches!(self, Carried::Refused(_, true))
    }

    /// `None` when the two decide alike; otherwise `Some` of the first
    /// differing header when both allow.
    fn differs_from(
        &self,
        other: &Carried<'_>,
        same_templates: bool,
    ) -> Option<Option<HeaderName>> {
        match (self, other) {
            (Carried::Actual(a, x), Carried::Actual(b, y)) => {
                let name = if a != b {
                    header::ACCESS_CONTROL_ALLOW_ORIGIN
                } else if x.credentials != y.credentials {
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS
                } else if x.expose != y.expose {
                    header::ACCESS_CONTROL_EXPOSE_HEADERS
                } else if x.vary != y.vary {
                    header::VARY
                } else {
                    return None;
                };
                Some(Some(name))
            }
            // Equal templates filled alike make equal answers: told without
            // building either.
            (Carried::Preflight(a), Carried::Preflight(b))
                if same_templates && a.fill().same_as(&b.fill()) =>
            {
                None
            }
            (Carried::Preflight(a), Carried::Preflight(b)) => {
                // Built once each: equal, or the first header that differs.
                let (a, b): (Response<()>, Response<()>) =
                    (preflight_answer(a), preflight_answer(b));
                let compared = CORS_RESPONSE_HEADERS.iter().chain([&header::VARY]);
                match compared.into_iter().find(|name| {
                    !a.headers()
                        .get_all(*name)
                        .iter()
                        .eq(b.headers().get_all(*name).iter())
                }) {
                    Some(name) => Some(Some(name.clone())),
                    None if a.status() != b.status() => Some(None),
                    None => None,
                }
            }
            // One answers 403 itself, the other calls the inner service.
            (Carried::Refused(_, a), Carried::Refused(_, b)) if a != b => Some(None),
            (Carried::Refused(..), Carried::Refused(..))
            | (Carried::NotCors, Carried::NotCors)
            | (Carried::Undecided, Carried::Undecided) => None,
            _ => Some(None),
        }
    }
}

/// One request that a report-only candidate decided differently from the
/// enforced policy: allowed by one and refused by the other, or allowed by
/// both with different CORS headers. Given to the callback of
/// [`CorsLayer::with_report_only`](crate::CorsLayer::with_report_only).
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use http::{header, Request, Response};
/// use tower::{Layer, ServiceExt};
/// use tower_cors::{CorsLayer, Divergence, RequestKind};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let today = CorsLayer::builder()
///     .allow_origins(["https://app.example.com", "https://old.example.com"])
///     .build()
///     .unwrap();
/// let tighter = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// let layer = today.with_report_only(tighter, move |d: &Divergence<'_>| {
///     assert_eq!(d.kind(), RequestKind::Actual);
///     assert_eq!((d.origin(), d.method().as_str(), d.path()), ("https://old.example.com", "GET", "/items"));
///     assert!(d.enforced().is_allowed() && !d.candidate().is_allowed());
///     log.lock().unwrap().push(d.to_string());
/// });
///
/// let svc = layer.layer(tower::service_fn(|_req: Request<()>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(()))
/// }));
/// let req = Request::get("/items").header(header::ORIGIN, "https://old.example.com").body(()).unwrap();
/// let res = svc.oneshot(req).await.unwrap();
/// // Enforced: still allowed.
/// assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://old.example.com");
/// assert_eq!(
///     seen.lock().unwrap()[..],
///     ["CORS request GET /items from \"https://old.example.com\": the enforced policy allows it, \
///       the candidate refuses it: origin \"https://old.example.com\" is not allowed"]
/// );
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Divergence<'a> {
    kind: RequestKind,
    origin: &'a str,
    method: &'a Method,
    path: &'a str,
    enforced: Verdict<'a>,
    candidate: Verdict<'a>,
    /// Whether each policy (enforced, candidate) answers it with its own 403.
    blocks: (bool, bool),
    header: Option<HeaderName>,
    /// What each policy's origin lookup answered, where one decided.
    lookups: [Option<Answer>; 2],
}

impl<'a> Divergence<'a> {
    /// A preflight, an actual request, or a kind the layer answers itself
    /// when refused ([`RequestKind::CrossOriginWrite`] when either policy
    /// refuses the write with its own 403, the other forwarding it).
    ///
    /// ```
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// let is_preflight = d.kind() == tower_cors::RequestKind::Preflight;
    /// # }
    /// ```
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// The request's `Origin`, as sent (empty if it is not visible ASCII).
    ///
    /// ```
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// println!("a client at {} would be affected", d.origin());
    /// # }
    /// ```
    pub fn origin(&self) -> &'a str {
        self.origin
    }

    /// The request's method: `OPTIONS` for a preflight.
    ///
    /// ```
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// let method: &http::Method = d.method();
    /// # }
    /// ```
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The request's path.
    ///
    /// ```
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// let admin = d.path().starts_with("/admin");
    /// # }
    /// ```
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// How the enforced policy decided: what the response carries.
    ///
    /// ```
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// let served = d.enforced().is_allowed();
    /// # }
    /// ```
    pub fn enforced(&self) -> Verdict<'a> {
        self.enforced
    }

    /// How the candidate decided: what the response would carry once the
    /// candidate is enforced.
    ///
    /// ```
    /// use tower_cors::{Rejection, Verdict};
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// if let Verdict::Refused(Rejection::OriginNotAllowed(origin)) = d.candidate() {
    ///     println!("the new list would lock out {origin}");
    /// }
    /// # }
    /// ```
    pub fn candidate(&self) -> Verdict<'a> {
        self.candidate
    }

    /// When both allow the request, the first CORS response header whose
    /// value differs (`None` if only the preflight status differs, or if
    /// one of the two does not allow it).
    ///
    /// ```
    /// # fn check(d: &tower_cors::Divergence<'_>) {
    /// if let Some(name) = d.header() {
    ///     println!("both allow it, but {name} differs");
    /// }
    /// # }
    /// ```
    pub fn header(&self) -> Option<&HeaderName> {
        self.header.as_ref()
    }
}

/// One line, e.g. `CORS preflight OPTIONS /items from "https://old.example":
/// the enforced policy allows it, the candidate refuses it: origin
/// "https://old.example" is not allowed`.
impl fmt::Display for Divergence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} from \"{}\": ",
            self.kind.noun(),
            self.method,
            self.path.escape_debug(),
            self.origin.escape_debug()
        )?;
        match &self.header {
            Some(name) => write!(f, "both policies allow it, with a different {name}"),
            None if self.enforced == self.candidate && self.blocks.0 == self.blocks.1 => {
                f.write_str("both policies allow it, with a different preflight status")
            }
            None => write!(
                f,
                "the enforced policy {}, the candidate {}",
                Verb(self.enforced, self.lookups[0], self.blocks.0),
                Verb(self.candidate, self.lookups[1], self.blocks.1)
            ),
        }
    }
}

/// A verdict as the verb of a divergence's sentence ("the candidate refuses
/// it: ..."), with what the policy's origin lookup said if it decided, and
/// whether the refusal is the layer's own 403.
struct Verb<'a>(Verdict<'a>, Option<Answer>, bool);

impl fmt::Display for Verb<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Verdict::NotCors => f.write_str("does not see a CORS request")?,
            Verdict::Allowed => f.write_str("allows it")?,
            Verdict::Refused(reason) if self.2 => write!(f, "refuses it with 403: {reason}")?,
            Verdict::Refused(reason) => write!(f, "refuses it: {reason}")?,
            Verdict::Undecided => f.write_str("leaves it to its async origin predicate")?,
        }
        match self.1 {
            Some(Answer::Allowed) => f.write_str(" (its origin lookup allows the origin)"),
            Some(Answer::Refused) => f.write_str(" (its origin lookup refuses the origin)"),
            Some(Answer::Failed | Answer::Saturated) | None => Ok(()),
        }
    }
}
