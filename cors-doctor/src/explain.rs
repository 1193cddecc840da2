//! What each failed check looks like to a developer: the message each
//! browser's console prints for it, and the fix, both as the header the
//! server must send and as the tower-cors builder call that sends it.

use serde::Serialize;

use crate::check::Failure;

/// Which request a failure belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// The `OPTIONS` preflight.
    Preflight,
    /// The request the script asked for.
    Actual,
}

/// What the failing request was, for filling in the messages.
pub struct Context<'a> {
    /// The request URL.
    pub url: &'a str,
    /// The page's origin.
    pub origin: &'a str,
    /// The status of the response that failed.
    pub status: u16,
    /// The request method (after normalisation).
    pub method: &'a str,
    /// The request header names the preflight asked for (lowercase).
    pub requested: &'a [String],
}

/// The console messages of the three engines for one failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Messages {
    /// Chromium (Chrome, Edge, …) prints one line for the whole failure.
    pub chromium: String,
    /// Firefox's "Cross-Origin Request Blocked" line.
    pub firefox: String,
    /// Safari's first line (followed by "Fetch API cannot load … due to
    /// access control checks."); `None` when Safari lets the request through.
    pub safari: Option<String>,
}

/// How to fix a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What any server must change, in terms of headers.
    pub server: String,
    /// The tower-cors builder call that does it.
    pub tower_cors: String,
}

/// Chromium prefixes the CORS-check failures of a preflight with this.
const CHROMIUM_PREFLIGHT: &str =
    "Response to preflight request doesn't pass access control check: ";

/// The console messages for `failure` at `stage`.
pub fn messages(stage: Stage, failure: &Failure, cx: &Context<'_>) -> Messages {
    Messages {
        chromium: format!(
            "Access to fetch at '{}' from origin '{}' has been blocked by CORS policy: {}",
            cx.url,
            cx.origin,
            chromium_detail(stage, failure)
        ),
        firefox: format!(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote \
             resource at {}. (Reason: {}",
            cx.url,
            firefox_reason(failure, cx)
        ),
        safari: safari_message(stage, failure, cx),
    }
}

/// The part of Chromium's message after "blocked by CORS policy: ".
pub fn chromium_detail(stage: Stage, failure: &Failure) -> String {
    let pre = if stage == Stage::Preflight {
        CHROMIUM_PREFLIGHT
    } else {
        ""
    };
    match failure {
        Failure::PreflightRedirect { .. } => {
            format!("{CHROMIUM_PREFLIGHT}Redirect is not allowed for a preflight request.")
        }
        Failure::AllowOriginMissing => {
            format!("{pre}No 'Access-Control-Allow-Origin' header is present on the requested resource.")
        }
        Failure::AllowOriginMultiple { value, .. } => format!(
            "{pre}The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed."
        ),
        Failure::AllowOriginInvalid { value } => format!(
            "{pre}The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'."
        ),
        Failure::AllowOriginMismatch { value } => format!(
            "{pre}The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin."
        ),
        Failure::AllowOriginWildcardWithCredentials => format!(
            "{pre}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
        ),
        Failure::AllowCredentialsNotTrue { value } => format!(
            "{pre}The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.",
            value.as_deref().unwrap_or("")
        ),
        Failure::PreflightStatus { .. } => {
            format!("{CHROMIUM_PREFLIGHT}It does not have HTTP ok status.")
        }
        Failure::AllowMethodsInvalid { .. } => "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_owned(),
        Failure::AllowHeadersInvalid { .. } => "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_owned(),
        Failure::MethodNotAllowed { method, .. } => format!(
            "Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."
        ),
        Failure::HeaderNotAllowed { name, .. } => format!(
            "Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response."
        ),
        Failure::Redirect { status, location } => format!(
            "(not a Chromium message) the response is a {status} redirect to {}; Chromium would follow it and check the next response.",
            location.as_deref().unwrap_or("(no Location)")
        ),
    }
}

/// Firefox's "(Reason: …)" part, with what follows it.
fn firefox_reason(failure: &Failure, cx: &Context<'_>) -> String {
    let status = cx.status;
    match failure {
        Failure::PreflightRedirect { .. } => {
            "CORS request external redirect not allowed).".to_owned()
        }
        Failure::PreflightStatus { .. } => {
            format!("CORS preflight response did not succeed). Status code: {status}.")
        }
        Failure::AllowOriginMissing => format!(
            "CORS header 'Access-Control-Allow-Origin' missing). Status code: {status}."
        ),
        // Firefox counts header lines: one line holding a list is a mismatch.
        Failure::AllowOriginMultiple { repeated: true, .. } => {
            "Multiple CORS header 'Access-Control-Allow-Origin' not allowed).".to_owned()
        }
        Failure::AllowOriginMultiple { value, .. }
        | Failure::AllowOriginInvalid { value }
        | Failure::AllowOriginMismatch { value } => {
            format!("CORS header 'Access-Control-Allow-Origin' does not match '{value}').")
        }
        Failure::AllowOriginWildcardWithCredentials => {
            "Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*')."
                .to_owned()
        }
        Failure::AllowCredentialsNotTrue { .. } => {
            "expected 'true' in CORS header 'Access-Control-Allow-Credentials').".to_owned()
        }
        Failure::AllowMethodsInvalid { token } => {
            format!("invalid token '{token}' in CORS header 'Access-Control-Allow-Methods').")
        }
        Failure::AllowHeadersInvalid { token } => {
            format!("invalid token '{token}' in CORS header 'Access-Control-Allow-Headers').")
        }
        Failure::MethodNotAllowed { .. } => {
            "Did not find method in CORS header 'Access-Control-Allow-Methods').".to_owned()
        }
        Failure::HeaderNotAllowed { name, .. } => format!(
            "header '{name}' is not allowed according to header 'Access-Control-Allow-Headers' from CORS preflight response)."
        ),
        Failure::Redirect { .. } => {
            "not a Firefox message: the redirect was not followed).".to_owned()
        }
    }
}

/// Safari's first console line; `None` when WebKit would allow the request.
fn safari_message(stage: Stage, failure: &Failure, cx: &Context<'_>) -> Option<String> {
    let status = cx.status;
    // Unlike Chromium and Firefox, WebKit checks a preflight's status
    // before its CORS headers.
    if stage == Stage::Preflight && !(200..300).contains(&status) {
        return Some(format!(
            "Preflight response is not successful. Status code: {status}"
        ));
    }
    Some(match failure {
        Failure::PreflightRedirect { .. } | Failure::PreflightStatus { .. } => {
            format!("Preflight response is not successful. Status code: {status}")
        }
        Failure::AllowOriginMissing
        | Failure::AllowOriginInvalid { .. }
        | Failure::AllowOriginMismatch { .. } => format!(
            "Origin {} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
            cx.origin
        ),
        Failure::AllowOriginMultiple { value, .. } if value.contains(',') => {
            "Access-Control-Allow-Origin cannot contain more than one origin.".to_owned()
        }
        Failure::AllowOriginMultiple { .. } => format!(
            "Origin {} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
            cx.origin
        ),
        Failure::AllowOriginWildcardWithCredentials => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
                .to_owned()
        }
        Failure::AllowCredentialsNotTrue { .. } => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
                .to_owned()
        }
        Failure::AllowMethodsInvalid { .. } => {
            "Header Access-Control-Allow-Methods has an invalid value.".to_owned()
        }
        Failure::AllowHeadersInvalid { .. } => {
            "Header Access-Control-Allow-Headers has an invalid value.".to_owned()
        }
        Failure::MethodNotAllowed { method, .. } => {
            format!("Method {method} is not allowed by Access-Control-Allow-Methods.")
        }
        // WebKit does not treat Authorization specially: `*` covers it.
        Failure::HeaderNotAllowed {
            authorization_under_wildcard: true,
            ..
        } => return None,
        Failure::HeaderNotAllowed { name, .. } => {
            format!("Request header field {name} is not allowed by Access-Control-Allow-Headers.")
        }
        Failure::Redirect { .. } => {
            "(not a Safari message) the redirect was not followed.".to_owned()
        }
    })
}

/// Firefox's console warning when `Access-Control-Allow-Headers: *` is all
/// that lets `Authorization` through (Firefox, like Chromium and Safari,
/// still allows the request).
pub fn firefox_authorization_warning(url: &str) -> String {
    format!(
        "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote \
         resource at {url} soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the \
         `Authorization` header is not covered. To include the `Authorization` header, it must \
         be explicitly listed in CORS header `Access-Control-Allow-Headers`)."
    )
}

/// `Method::PUT` for a method `http` has a constant of, `"patch"` (text,
/// as the README writes it) otherwise: both are what `allow_methods` takes.
fn method_expr(method: &str) -> String {
    const CONSTS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];
    if CONSTS.contains(&method) {
        format!("Method::{method}")
    } else {
        format!("\"{method}\"")
    }
}

/// Header names as the README writes them for `allow_headers` and
/// `expose_headers`:
/// lowercase text, `["x-api-key", "authorization"]`.
pub fn headers_list<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|n| format!("\"{}\"", n.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The fix for `failure` at `stage`.
pub fn fix(stage: Stage, failure: &Failure, cx: &Context<'_>) -> Fix {
    let origin = cx.origin;
    let allow = format!(".allow_origins([\"{origin}\"])");
    match failure {
        Failure::PreflightRedirect { location, .. } => Fix {
            server: format!(
                "Answer the OPTIONS preflight at this URL with a 2xx instead of redirecting{}; a \
                 preflight never follows a redirect. Call the final URL from the page, or let the \
                 CORS handling run before the redirect.",
                location
                    .as_deref()
                    .map(|l| format!(" to {l}"))
                    .unwrap_or_default()
            ),
            tower_cors: "Put the CorsLayer outermost (after any redirecting layer in \
                         `.layer(…)` order), so it answers preflights before anything redirects."
                .to_owned(),
        },
        Failure::AllowOriginMissing if stage == Stage::Preflight => preflight_refused(cx),
        Failure::AllowOriginMissing => Fix {
            server: format!(
                "Send `Access-Control-Allow-Origin: {origin}` (or `*` without credentials)."
            ),
            tower_cors: format!(
                "CorsLayer::builder(){allow} — and check the layer wraps this route."
            ),
        },
        Failure::AllowOriginMultiple { .. } => Fix {
            server: format!(
                "Send exactly one `Access-Control-Allow-Origin`, the request's origin `{origin}`; \
                 if two layers both set it, remove one."
            ),
            tower_cors: format!(
                "List every origin with `{allow}`: tower-cors echoes only the matching one and \
                 replaces a value the handler set."
            ),
        },
        Failure::AllowOriginInvalid { .. } | Failure::AllowOriginMismatch { .. } => Fix {
            server: format!(
                "Echo the request's origin byte for byte: `Access-Control-Allow-Origin: {origin}` \
                 (scheme, host and port; no path, no trailing slash)."
            ),
            tower_cors: format!("CorsLayer::builder(){allow}"),
        },
        Failure::AllowOriginWildcardWithCredentials => Fix {
            server: format!(
                "With credentials, echo the origin instead of `*`: `Access-Control-Allow-Origin: \
                 {origin}` plus `Access-Control-Allow-Credentials: true` (or send the request \
                 without credentials)."
            ),
            tower_cors: format!(
                "CorsLayer::builder(){allow}.allow_credentials(true) (tower-cors refuses \
                 credentials with any origin at build())."
            ),
        },
        Failure::AllowCredentialsNotTrue { .. } => Fix {
            server: "Send `Access-Control-Allow-Credentials: true` (exactly, lowercase) on the \
                     preflight and on the response, or send the request without credentials."
                .to_owned(),
            tower_cors: format!("CorsLayer::builder(){allow}.allow_credentials(true)"),
        },
        Failure::PreflightStatus { status } => Fix {
            server: format!(
                "Answer the OPTIONS preflight with a 2xx status (204 is usual), not {status}; \
                 an authentication or routing layer that rejects OPTIONS is the usual cause."
            ),
            tower_cors: "Put the CorsLayer outside authentication and routing \
                         (`Router::layer(cors)` last), so it answers the preflight itself with \
                         `.preflight_status(StatusCode::NO_CONTENT)` (the default)."
                .to_owned(),
        },
        Failure::AllowMethodsInvalid { token } => Fix {
            server: format!(
                "`Access-Control-Allow-Methods` must be method tokens separated by commas; \
                 `{token}` is not a token."
            ),
            tower_cors: ".allow_methods([Method::GET, Method::PUT, …]) writes a valid list."
                .to_owned(),
        },
        Failure::AllowHeadersInvalid { token } => Fix {
            server: format!(
                "`Access-Control-Allow-Headers` must be header names separated by commas; \
                 `{token}` is not a header name."
            ),
            tower_cors: ".allow_headers([\"x-name\", …]) writes a valid list."
                .to_owned()
                .to_owned(),
        },
        Failure::MethodNotAllowed {
            method,
            wildcard_ignored,
        } => Fix {
            server: format!(
                "Add `{method}` (in exactly this case) to `Access-Control-Allow-Methods`{}.",
                if *wildcard_ignored {
                    "; with credentials `*` is a literal method name, not a wildcard"
                } else {
                    ""
                }
            ),
            tower_cors: format!(".allow_methods([{}])", method_expr(method)),
        },
        Failure::HeaderNotAllowed {
            all,
            wildcard_ignored,
            authorization_under_wildcard,
            ..
        } => {
            let why = if *authorization_under_wildcard {
                "; `*` never covers Authorization, it must be listed by name"
            } else if *wildcard_ignored {
                "; with credentials `*` is a literal header name, not a wildcard"
            } else {
                ""
            };
            Fix {
                server: format!(
                    "Add {} to `Access-Control-Allow-Headers`{why}.",
                    all.iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                tower_cors: format!(".allow_headers({})", headers_list(all)),
            }
        }
        Failure::Redirect { location, .. } => Fix {
            server: format!(
                "Run cors-doctor against the final URL{}: a browser follows a CORS redirect, and \
                 after a cross-origin hop sends `Origin: null`. Calling the final URL directly \
                 avoids both.",
                location
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default()
            ),
            tower_cors: "No builder change: the redirect comes from the application or another \
                         layer."
                .to_owned(),
        },
    }
}

/// A preflight answered without any CORS header: the server refused it (or
/// does not handle OPTIONS here). Which part it refused is not visible, so
/// the fix names everything the preflight asked for.
fn preflight_refused(cx: &Context<'_>) -> Fix {
    let origin = cx.origin;
    let method_needed = !matches!(cx.method, "GET" | "HEAD" | "POST");
    let mut headers = vec![format!("`Access-Control-Allow-Origin: {origin}`")];
    let mut calls = format!(".allow_origins([\"{origin}\"])");
    if method_needed {
        headers.push(format!("`Access-Control-Allow-Methods: {}`", cx.method));
        calls.push_str(&format!(".allow_methods([{}])", method_expr(cx.method)));
    }
    if !cx.requested.is_empty() {
        headers.push(format!(
            "`Access-Control-Allow-Headers: {}`",
            cx.requested.join(", ")
        ));
        calls.push_str(&format!(".allow_headers({})", headers_list(cx.requested)));
    }
    Fix {
        server: format!(
            "The preflight got {} without CORS headers: the server refused it or does not handle \
             OPTIONS here. Answer it with a 2xx status and {}.",
            cx.status,
            headers.join(", ")
        ),
        tower_cors: format!(
            "A 403 without CORS headers from tower-cors means it refused the preflight: make \
             sure the policy allows all this request asks for: {calls}; and that the layer \
             wraps the whole router (`Router::layer(cors)`) so OPTIONS reaches it."
        ),
    }
}

/// One sentence saying what the check is, for the report.
pub fn summary(failure: &Failure) -> String {
    match failure {
        Failure::PreflightRedirect { status, .. } => {
            format!("the preflight was answered with a {status} redirect; preflights never follow redirects")
        }
        Failure::AllowOriginMissing => "no Access-Control-Allow-Origin header".to_owned(),
        Failure::AllowOriginMultiple { value, .. } => {
            format!("Access-Control-Allow-Origin holds more than one value: `{value}`")
        }
        Failure::AllowOriginInvalid { value } => {
            format!("Access-Control-Allow-Origin `{value}` is not an origin")
        }
        Failure::AllowOriginMismatch { value } => {
            format!("Access-Control-Allow-Origin `{value}` is not the request's origin")
        }
        Failure::AllowOriginWildcardWithCredentials => {
            "Access-Control-Allow-Origin is `*`, which does not allow credentials".to_owned()
        }
        Failure::AllowCredentialsNotTrue { value } => format!(
            "credentials included, but Access-Control-Allow-Credentials is {}",
            value
                .as_deref()
                .map(|v| format!("`{v}`, not `true`"))
                .unwrap_or_else(|| "absent".to_owned())
        ),
        Failure::PreflightStatus { status } => {
            format!("the preflight's status {status} is not 2xx")
        }
        Failure::AllowMethodsInvalid { token } => {
            format!("Access-Control-Allow-Methods does not parse (`{token}`)")
        }
        Failure::AllowHeadersInvalid { token } => {
            format!("Access-Control-Allow-Headers does not parse (`{token}`)")
        }
        Failure::MethodNotAllowed { method, .. } => {
            format!("method {method} is not in Access-Control-Allow-Methods")
        }
        Failure::HeaderNotAllowed {
            name,
            authorization_under_wildcard,
            ..
        } => {
            if *authorization_under_wildcard {
                "Authorization is not covered by `Access-Control-Allow-Headers: *`".to_owned()
            } else {
                format!("request header {name} is not in Access-Control-Allow-Headers")
            }
        }
        Failure::Redirect { status, location } => format!(
            "the response is a {status} redirect to {}, not followed by cors-doctor",
            location.as_deref().unwrap_or("(no Location)")
        ),
    }
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
