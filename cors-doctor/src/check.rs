//! The browser's half of CORS, written from the Fetch standard: which
//! requests need a preflight, what the preflight carries, and the checks a
//! browser applies to the answers. Pure functions over plain data: no I/O,
//! and nothing shared with any server-side implementation, so that a server
//! and this module can disagree (which is the point of the tool).

use serde::Serialize;

/// The request a script asked for, after the normalisation `fetch()` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorsRequest {
    /// The serialised origin of the calling page (`Origin` header value).
    pub origin: String,
    /// The method, normalised (the six standard methods uppercased).
    pub method: String,
    /// Headers the script set, names as written, values trimmed.
    pub headers: Vec<(String, String)>,
    /// `credentials: 'include'`.
    pub credentials: bool,
}

/// Status and headers of a response; names lowercase, repeats kept in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResponseHead {
    /// The HTTP status code.
    pub status: u16,
    /// Header lines in arrival order (lowercase names).
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    /// Fetch's "get": every value of `name` joined with ", ", or `None`.
    pub fn get(&self, name: &str) -> Option<String> {
        let mut out: Option<String> = None;
        for (n, v) in &self.headers {
            if n.eq_ignore_ascii_case(name) {
                match &mut out {
                    Some(s) => {
                        s.push_str(", ");
                        s.push_str(v);
                    }
                    None => out = Some(v.clone()),
                }
            }
        }
        out
    }
}

/// One failed check: the first one a browser stops at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Failure {
    /// The preflight was answered with a redirect; preflights never follow one.
    PreflightRedirect {
        /// The 3xx status.
        status: u16,
        /// Where it pointed.
        location: Option<String>,
    },
    /// No `Access-Control-Allow-Origin` at all.
    AllowOriginMissing,
    /// More than one origin (a list, or the header sent twice).
    AllowOriginMultiple {
        /// The combined value.
        value: String,
        /// The header came on more than one line (Firefox words this apart).
        repeated: bool,
    },
    /// A value that is not an origin at all.
    AllowOriginInvalid {
        /// The value received.
        value: String,
    },
    /// An origin, but not the request's.
    AllowOriginMismatch {
        /// The value received.
        value: String,
    },
    /// `*` while the request includes credentials.
    AllowOriginWildcardWithCredentials,
    /// Credentials included, but `Access-Control-Allow-Credentials` is not `true`.
    AllowCredentialsNotTrue {
        /// The value received, if any.
        value: Option<String>,
    },
    /// The preflight's status is not 2xx.
    PreflightStatus {
        /// The status received.
        status: u16,
    },
    /// `Access-Control-Allow-Methods` is not a comma-separated token list.
    AllowMethodsInvalid {
        /// The offending item.
        token: String,
    },
    /// `Access-Control-Allow-Headers` is not a comma-separated token list.
    AllowHeadersInvalid {
        /// The offending item.
        token: String,
    },
    /// The method is not listed (and `*` does not apply).
    MethodNotAllowed {
        /// The request method.
        method: String,
        /// `*` was listed but credentials make it a literal name.
        wildcard_ignored: bool,
    },
    /// A request header is not listed (and `*` does not apply).
    HeaderNotAllowed {
        /// The first header name (lowercase) not allowed.
        name: String,
        /// Every requested name that is not allowed.
        all: Vec<String>,
        /// `*` was listed but credentials make it a literal name.
        wildcard_ignored: bool,
        /// `*` was listed and the header is `Authorization`, which `*` never covers.
        authorization_under_wildcard: bool,
    },
    /// The actual request was answered with a redirect, which this tool does
    /// not follow (see `Failure::is_redirect`).
    Redirect {
        /// The 3xx status.
        status: u16,
        /// Where it pointed.
        location: Option<String>,
    },
}

impl Failure {
    /// A stable, short name for the check.
    pub fn id(&self) -> &'static str {
        match self {
            Failure::PreflightRedirect { .. } => "preflight-redirect",
            Failure::AllowOriginMissing => "allow-origin-missing",
            Failure::AllowOriginMultiple { .. } => "allow-origin-multiple",
            Failure::AllowOriginInvalid { .. } => "allow-origin-invalid",
            Failure::AllowOriginMismatch { .. } => "allow-origin-mismatch",
            Failure::AllowOriginWildcardWithCredentials => "allow-origin-wildcard-with-credentials",
            Failure::AllowCredentialsNotTrue { .. } => "allow-credentials-not-true",
            Failure::PreflightStatus { .. } => "preflight-status",
            Failure::AllowMethodsInvalid { .. } => "allow-methods-invalid",
            Failure::AllowHeadersInvalid { .. } => "allow-headers-invalid",
            Failure::MethodNotAllowed { .. } => "method-not-allowed",
            Failure::HeaderNotAllowed { .. } => "header-not-allowed",
            Failure::Redirect { .. } => "redirect",
        }
    }
}

/// The six methods `fetch()` uppercases; every other method is kept as written.
const NORMALISED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Fetch's "normalize a method": the six standard methods are uppercased,
/// byte-case-insensitively; any other method is sent exactly as written.
pub fn normalize_method(method: &str) -> String {
    NORMALISED_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .map_or_else(|| method.to_owned(), |m| (*m).to_owned())
}

/// CORS-safelisted methods: `GET`, `HEAD`, `POST` (byte-exact, after normalising).
pub fn is_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Methods `fetch()` refuses to send at all.
pub fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// An HTTP token (RFC 9110 `tchar`s), as methods and header names must be.
pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Request headers a script cannot set (`fetch()` drops them silently).
pub fn is_forbidden_request_header(name: &str) -> bool {
    const NAMES: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let lower = name.to_ascii_lowercase();
    NAMES.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

/// Fetch's "CORS-unsafe request-header byte".
fn is_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// The essence (`type/subtype`, lowercase) of a MIME type, or `None` when it
/// does not parse.
fn mime_essence(value: &str) -> Option<String> {
    let essence = value
        .split(';')
        .next()?
        .trim_matches(|c| " \t\r\n".contains(c));
    let (ty, sub) = essence.split_once('/')?;
    (is_token(ty) && is_token(sub)).then(|| essence.to_ascii_lowercase())
}

/// Whether a `Range` value is a single `bytes=start-[end]` range: the only
/// form that is safelisted (suffix ranges like `bytes=-500` are not).
fn is_simple_range(value: &str) -> bool {
    // The unit is matched ASCII case-insensitively; no whitespace anywhere.
    let Some((unit, rest)) = value.split_once('=') else {
        return false;
    };
    if !unit.eq_ignore_ascii_case("bytes") {
        return false;
    }
    let Some((start, end)) = rest.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) || !(end.is_empty() || digits(end)) {
        return false;
    }
    match (start.parse::<u128>(), end.parse::<u128>()) {
        (Ok(s), Ok(e)) => s <= e,
        (Ok(_), Err(_)) => end.is_empty(),
        _ => false,
    }
}

/// Fetch's "CORS-safelisted request-header" for one name and value.
pub fn is_safelisted_request_header(name: &str, value: &str) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.bytes().any(is_unsafe_byte),
        "accept-language" | "content-language" => value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            !value.bytes().any(is_unsafe_byte)
                && matches!(
                    mime_essence(value).as_deref(),
                    Some(
                        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
                    )
                )
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// Fetch's "CORS-unsafe request-header names": lowercase, sorted, unique.
/// Safelisted headers become unsafe too once their values add up to more
/// than 1024 bytes.
pub fn unsafe_request_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut safelisted_size = 0usize;
    for (name, value) in headers {
        if is_safelisted_request_header(name, value) {
            safelisted_size += value.len();
        } else {
            unsafe_names.push(name.to_ascii_lowercase());
        }
    }
    if safelisted_size > 1024 {
        unsafe_names.extend(headers.iter().map(|(n, _)| n.to_ascii_lowercase()));
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// Why a request needs a preflight; empty when it does not.
pub fn preflight_reasons(req: &CorsRequest) -> Vec<String> {
    let mut reasons = Vec::new();
    if !is_safelisted_method(&req.method) {
        reasons.push(format!(
            "method {} is not CORS-safelisted (GET, HEAD, POST)",
            req.method
        ));
    }
    for name in unsafe_request_header_names(&req.headers) {
        let value = req
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let why = match name.as_str() {
            "content-type" => format!("Content-Type `{value}` is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain"),
            "accept" | "accept-language" | "content-language" | "range" => {
                format!("header {name} has a value that is not safelisted: `{value}`")
            }
            _ => format!("header {name} is not CORS-safelisted"),
        };
        reasons.push(why);
    }
    reasons
}

/// The headers of the preflight a browser sends, in order: `Origin`,
/// `Access-Control-Request-Method`, and (when there are any) the unsafe
/// header names, lowercase, sorted, joined with "," (no space).
pub fn preflight_headers(req: &CorsRequest) -> Vec<(String, String)> {
    let mut out = vec![
        ("origin".to_owned(), req.origin.clone()),
        (
            "access-control-request-method".to_owned(),
            req.method.clone(),
        ),
    ];
    let names = unsafe_request_header_names(&req.headers);
    if !names.is_empty() {
        out.push(("access-control-request-headers".to_owned(), names.join(",")));
    }
    out
}

/// Whether the response is a redirect a fetch would act on.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Roughly what a URL parser accepts as an absolute URL: a scheme, `:`, and
/// for the special schemes a non-empty host. Separates Chromium's "invalid
/// value" from its "not equal" message.
fn looks_like_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp", "file"];
    if special.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        let host = rest.trim_start_matches(['/', '\\']);
        return !host.is_empty() || scheme.eq_ignore_ascii_case("file");
    }
    true
}

/// Fetch's "CORS check" on a response (the actual one, or a preflight's).
pub fn cors_check(req: &CorsRequest, resp: &ResponseHead) -> Result<(), Failure> {
    let Some(acao) = resp.get("access-control-allow-origin") else {
        return Err(Failure::AllowOriginMissing);
    };
    if !req.credentials && acao == "*" {
        return Ok(());
    }
    if acao != req.origin {
        // The standard only says "failure"; these distinctions are the ones
        // the consoles make, in Chromium's order.
        return Err(if acao == "*" {
            Failure::AllowOriginWildcardWithCredentials
        } else if acao.contains([',', ' ']) {
            let lines = resp
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("access-control-allow-origin"))
                .count();
            Failure::AllowOriginMultiple {
                value: acao,
                repeated: lines > 1,
            }
        } else if !looks_like_url(&acao) {
            Failure::AllowOriginInvalid { value: acao }
        } else {
            Failure::AllowOriginMismatch { value: acao }
        });
    }
    if !req.credentials {
        return Ok(());
    }
    match resp.get("access-control-allow-credentials") {
        Some(v) if v == "true" => Ok(()),
        value => Err(Failure::AllowCredentialsNotTrue { value }),
    }
}

/// Fetch's "extracting header list values" for a comma-separated token list:
/// empty items are skipped, any other non-token fails (with that item).
pub fn token_list(value: Option<&str>) -> Result<Vec<String>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in value.split(',') {
        let item = item.trim_matches([' ', '\t']);
        if item.is_empty() {
            continue;
        }
        if !is_token(item) {
            return Err(item.to_owned());
        }
        out.push(item.to_owned());
    }
    Ok(out)
}

/// What a passed preflight grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreflightGrant {
    /// `Access-Control-Allow-Methods`, as listed.
    pub methods: Vec<String>,
    /// `Access-Control-Allow-Headers`, lowercase.
    pub headers: Vec<String>,
    /// `Access-Control-Max-Age` in seconds, when present and valid.
    pub max_age: Option<u64>,
    /// `Access-Control-Max-Age` was present but not a number.
    pub max_age_invalid: bool,
}

/// Fetch's "CORS-preflight fetch" checks on the preflight's answer, in the
/// order Chromium reports them: redirect, CORS check, status, list syntax,
/// method, `Authorization`, other headers.
pub fn preflight_check(req: &CorsRequest, resp: &ResponseHead) -> Result<PreflightGrant, Failure> {
    if is_redirect(resp.status) {
        return Err(Failure::PreflightRedirect {
            status: resp.status,
            location: resp.get("location"),
        });
    }
    cors_check(req, resp)?;
    if !(200..300).contains(&resp.status) {
        return Err(Failure::PreflightStatus {
            status: resp.status,
        });
    }
    let methods = token_list(resp.get("access-control-allow-methods").as_deref())
        .map_err(|token| Failure::AllowMethodsInvalid { token })?;
    let headers: Vec<String> = token_list(resp.get("access-control-allow-headers").as_deref())
        .map_err(|token| Failure::AllowHeadersInvalid { token })?
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();

    // Methods compare byte-exact: `fetch()` already normalised the request
    // method, and the server must list it in that same case.
    let method_star = methods.iter().any(|m| m == "*");
    let method_ok = methods.contains(&req.method)
        || is_safelisted_method(&req.method)
        || (method_star && !req.credentials);
    if !method_ok {
        return Err(Failure::MethodNotAllowed {
            method: req.method.clone(),
            wildcard_ignored: method_star && req.credentials,
        });
    }

    let header_star = headers.iter().any(|h| h == "*");
    let wildcard = header_star && !req.credentials;
    // `Authorization` is a "CORS non-wildcard request-header name": it must
    // be listed by name even when `*` is in effect.
    let has_auth = req
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    if has_auth && !headers.iter().any(|h| h == "authorization") {
        return Err(Failure::HeaderNotAllowed {
            name: "authorization".to_owned(),
            all: vec!["authorization".to_owned()],
            wildcard_ignored: header_star && req.credentials,
            authorization_under_wildcard: wildcard,
        });
    }
    if !wildcard {
        let missing: Vec<String> = unsafe_request_header_names(&req.headers)
            .into_iter()
            .filter(|n| !headers.contains(n))
            .collect();
        if let Some(first) = missing.first() {
            return Err(Failure::HeaderNotAllowed {
                name: first.clone(),
                all: missing.clone(),
                wildcard_ignored: header_star,
                authorization_under_wildcard: false,
            });
        }
    }

    let raw_age = resp.get("access-control-max-age");
    // Digits only (no sign); a huge number saturates rather than failing.
    let max_age = raw_age
        .as_deref()
        .map(|v| v.trim_matches([' ', '\t']))
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .map(|v| v.parse::<u64>().unwrap_or(u64::MAX));
    Ok(PreflightGrant {
        methods,
        headers,
        max_age,
        max_age_invalid: raw_age.is_some() && max_age.is_none(),
    })
}

/// The actual response: the CORS check, after refusing redirects.
///
/// A browser follows a CORS redirect only after the redirect itself passes
/// the CORS check, and a cross-origin hop turns the request's origin into
/// `null` for the rest of the chain. Modelling that chain would need a
/// second origin model; instead the redirect is checked (so a redirect the
/// browser would already block is reported as such) and otherwise reported
/// as a failure that names the final URL to check instead.
pub fn actual_check(req: &CorsRequest, resp: &ResponseHead) -> Result<(), Failure> {
    cors_check(req, resp)?;
    if is_redirect(resp.status) {
        return Err(Failure::Redirect {
            status: resp.status,
            location: resp.get("location"),
        });
    }
    Ok(())
}

/// CORS-safelisted response-header names: readable without being exposed.
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Which response headers a script can read, and which it cannot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// Present and readable through `response.headers`.
    pub readable: Vec<String>,
    /// Present but hidden from scripts.
    pub hidden: Vec<String>,
    /// `Access-Control-Expose-Headers: *` was ignored because of credentials.
    pub wildcard_ignored: bool,
}

/// Fetch's CORS-exposed header-name list applied to a response.
pub fn exposure(req: &CorsRequest, resp: &ResponseHead) -> Exposure {
    let listed: Vec<String> = resp
        .get("access-control-expose-headers")
        .map(|v| {
            v.split(',')
                .map(|s| s.trim_matches([' ', '\t']).to_ascii_lowercase())
                .filter(|s| is_token(s))
                .collect()
        })
        .unwrap_or_default();
    let star = listed.iter().any(|h| h == "*");
    let mut names: Vec<String> = resp
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    let mut out = Exposure {
        wildcard_ignored: star && req.credentials,
        ..Exposure::default()
    };
    for name in names {
        let forbidden = name == "set-cookie" || name == "set-cookie2";
        let readable = !forbidden
            && (SAFELISTED_RESPONSE_HEADERS.contains(&name.as_str())
                || listed.contains(&name)
                || (star && !req.credentials));
        if readable {
            out.readable.push(name);
        } else {
            out.hidden.push(name);
        }
    }
    out
}

#[cfg(test)]
#[path = "check_request_tests.rs"]
mod request_tests;
#[cfg(test)]
#[path = "check_response_tests.rs"]
mod response_tests;
