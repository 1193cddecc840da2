//! The run itself: preflight (when needed), actual request, exposure, each
//! step recorded with what was sent, what came back and the verdict.

use http::Uri;
use serde::Serialize;

use crate::check::{self, CorsRequest, Exposure, Failure, PreflightGrant, ResponseHead};
use crate::client::HttpClient;
use crate::explain::{self, Context, Fix, Messages, Stage};

/// What was put on the wire.
#[derive(Clone, Debug, Serialize)]
pub struct Sent {
    /// The request method.
    pub method: String,
    /// The request URL.
    pub url: String,
    /// The headers cors-doctor set (the client adds `Host`).
    pub headers: Vec<(String, String)>,
}

/// One request and the browser's verdict on its answer.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// Which request this is.
    pub stage: Stage,
    /// What was sent.
    pub sent: Sent,
    /// What came back.
    pub received: ResponseHead,
    /// Whether the browser's checks passed.
    pub passed: bool,
}

/// Why the request was blocked, and what to do about it.
#[derive(Clone, Debug, Serialize)]
pub struct Blocked {
    /// The request whose answer failed.
    pub stage: Stage,
    /// The failed check (its `check` field names it).
    pub failure: Failure,
    /// One sentence saying what went wrong.
    pub summary: String,
    /// What the browsers' consoles print.
    pub messages: Messages,
    /// What to change.
    pub fix: Fix,
}

/// A rule of the Fetch standard the server breaks while today's engines
/// still let the request through.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    /// The check, as in `Failure::id`.
    pub check: &'static str,
    /// What is wrong and who allows it.
    pub summary: String,
    /// Firefox's console warning (Chromium and Safari print none).
    pub firefox: String,
    /// What to change.
    pub fix: Fix,
}

/// Everything a run found: the text and JSON outputs are both made from it.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The request URL.
    pub url: String,
    /// The page's origin.
    pub origin: String,
    /// The method after `fetch()`'s normalisation.
    pub method: String,
    /// The headers the script sets.
    pub headers: Vec<(String, String)>,
    /// `credentials: 'include'`.
    pub credentials: bool,
    /// Why a preflight is needed; empty when it is not.
    pub preflight_reasons: Vec<String>,
    /// The requests made, in order.
    pub steps: Vec<Step>,
    /// What the preflight granted, when there was one and it passed.
    pub preflight: Option<PreflightGrant>,
    /// `"allowed"` or `"blocked"`.
    pub verdict: &'static str,
    /// Present when blocked.
    pub blocked: Option<Blocked>,
    /// Which response headers the script can read, when allowed.
    pub exposure: Option<Exposure>,
    /// Standard violations the engines tolerate today.
    pub warnings: Vec<Warning>,
    /// Remarks that do not change the verdict.
    pub notes: Vec<String>,
}

impl Report {
    /// Whether the browser lets the script have the response.
    pub fn allowed(&self) -> bool {
        self.blocked.is_none()
    }
}

/// The fill-in values for messages and fixes.
fn context<'a>(
    url: &'a str,
    req: &'a CorsRequest,
    status: u16,
    requested: &'a [String],
) -> Context<'a> {
    Context {
        url,
        origin: &req.origin,
        status,
        method: &req.method,
        requested,
    }
}

fn blocked(stage: Stage, failure: Failure, url: &str, req: &CorsRequest, status: u16) -> Blocked {
    let requested = check::unsafe_request_header_names(&req.headers);
    let cx = context(url, req, status, &requested);
    Blocked {
        stage,
        summary: explain::summary(&failure),
        messages: explain::messages(stage, &failure, &cx),
        fix: explain::fix(stage, &failure, &cx),
        failure,
    }
}

/// Runs the checks against the server. `Err` only when a request could not
/// be sent or answered at all.
pub async fn run(client: &HttpClient, uri: &Uri, req: &CorsRequest) -> Result<Report, String> {
    let mut report = Report {
        url: uri.to_string(),
        origin: req.origin.clone(),
        method: req.method.clone(),
        headers: req.headers.clone(),
        credentials: req.credentials,
        preflight_reasons: check::preflight_reasons(req),
        steps: Vec::new(),
        preflight: None,
        verdict: "blocked",
        blocked: None,
        exposure: None,
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    let standard = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    if !standard.contains(&req.method.as_str()) && req.method != req.method.to_ascii_uppercase() {
        report.notes.push(format!(
            "fetch() sends `{}` exactly as written (only the six standard methods are \
             uppercased), and the preflight answer must list it in that case.",
            req.method
        ));
    }
    if !report.preflight_reasons.is_empty() && !preflight(client, uri, req, &mut report).await? {
        return Ok(report);
    }
    actual(client, uri, req, &mut report).await?;
    Ok(report)
}

/// Sends the preflight and records it; `false` when it blocks the request.
async fn preflight(
    client: &HttpClient,
    uri: &Uri,
    req: &CorsRequest,
    report: &mut Report,
) -> Result<bool, String> {
    let url = report.url.clone();
    let mut headers = check::preflight_headers(req);
    headers.push(("accept".to_owned(), "*/*".to_owned()));
    headers.push(("user-agent".to_owned(), user_agent()));
    let received = client.send("OPTIONS", uri, &headers).await?;
    let mut result = check::preflight_check(req, &received);
    if let Err(
        failure @ Failure::HeaderNotAllowed {
            authorization_under_wildcard: true,
            ..
        },
    ) = &result
    {
        report
            .warnings
            .push(authorization_warning(&url, req, received.status, failure));
        // Judge the rest as the engines do: as if `*` covered Authorization.
        let mut tolerant = req.clone();
        tolerant
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
        result = check::preflight_check(&tolerant, &received);
    }
    let status = received.status;
    report.steps.push(Step {
        stage: Stage::Preflight,
        sent: Sent {
            method: "OPTIONS".to_owned(),
            url: url.clone(),
            headers,
        },
        received,
        passed: result.is_ok(),
    });
    match result {
        Ok(grant) => {
            note_max_age(&mut report.notes, &grant);
            report.preflight = Some(grant);
            Ok(true)
        }
        Err(failure) => {
            report.blocked = Some(blocked(Stage::Preflight, failure, &url, req, status));
            Ok(false)
        }
    }
}

/// The standard never lets `*` cover Authorization, but Chromium, Firefox
/// and Safari still do (Firefox with a console warning), so the verdict
/// follows the engines and the violation becomes a warning.
fn authorization_warning(url: &str, req: &CorsRequest, status: u16, failure: &Failure) -> Warning {
    let requested = check::unsafe_request_header_names(&req.headers);
    Warning {
        check: "authorization-under-wildcard",
        summary: "Authorization is let through only by `Access-Control-Allow-Headers: *`: the \
                  Fetch standard forbids this; Chromium, Firefox and Safari still allow it \
                  (Firefox warns), and may stop"
            .to_owned(),
        firefox: explain::firefox_authorization_warning(url),
        fix: explain::fix(
            Stage::Preflight,
            failure,
            &context(url, req, status, &requested),
        ),
    }
}

/// Sends the request itself and records it, with what a script may read.
async fn actual(
    client: &HttpClient,
    uri: &Uri,
    req: &CorsRequest,
    report: &mut Report,
) -> Result<(), String> {
    let url = report.url.clone();
    let mut headers = req.headers.clone();
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
    {
        headers.push(("accept".to_owned(), "*/*".to_owned()));
    }
    headers.push(("origin".to_owned(), req.origin.clone()));
    headers.push(("user-agent".to_owned(), user_agent()));
    let received = client.send(&req.method, uri, &headers).await?;
    let result = check::actual_check(req, &received);
    let status = received.status;
    let exposure = result.is_ok().then(|| check::exposure(req, &received));
    report.steps.push(Step {
        stage: Stage::Actual,
        sent: Sent {
            method: req.method.clone(),
            url: url.clone(),
            headers,
        },
        received,
        passed: result.is_ok(),
    });
    match result {
        Ok(()) => {
            report.verdict = "allowed";
            if exposure.as_ref().is_some_and(|e| e.wildcard_ignored) {
                report.notes.push(
                    "Access-Control-Expose-Headers: * is a literal name with credentials; list \
                     the headers by name"
                        .to_owned(),
                );
            }
            report.exposure = exposure;
        }
        Err(failure) => {
            report.blocked = Some(blocked(Stage::Actual, failure, &url, req, status));
        }
    }
    Ok(())
}

fn user_agent() -> String {
    format!("cors-doctor/{}", env!("CARGO_PKG_VERSION"))
}

/// How long each engine caches the preflight, from `Access-Control-Max-Age`.
fn note_max_age(notes: &mut Vec<String>, grant: &PreflightGrant) {
    let cap = |age: u64, cap: u64| age.min(cap);
    match grant.max_age {
        Some(age) => notes.push(format!(
            "preflight cache: Access-Control-Max-Age {age} s; Chromium keeps it {} s (cap 7200), \
             Firefox {} s (cap 86400), Safari {} s (cap 600)",
            cap(age, 7200),
            cap(age, 86400),
            cap(age, 600)
        )),
        None if grant.max_age_invalid => notes.push(
            "Access-Control-Max-Age is not a number: browsers use their default (5 s)".to_owned(),
        ),
        None => notes.push(
            "no Access-Control-Max-Age: browsers cache the preflight for 5 s, so most requests \
             pay for a preflight (`.max_age(Duration::from_secs(600))` in tower-cors)"
                .to_owned(),
        ),
    }
}
