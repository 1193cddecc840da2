//! Classifying a request head by the Fetch standard: not CORS, an actual CORS
//! request, or a preflight; and parsing `Access-Control-Request-Headers`.

use std::fmt;

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::origin::is_well_formed;

/// Most bytes accepted in `Access-Control-Request-Headers` (all lines
/// together). Browsers send one short line; longer lists are rejected as
/// [`Malformed::RequestHeadersTooLong`] before any item is looked at.
///
/// ```
/// # use http::{header, Request};
/// use tower_cors::{CorsRequest, Malformed, MAX_REQUEST_HEADERS_BYTES};
///
/// let long = "x".repeat(MAX_REQUEST_HEADERS_BYTES + 1);
/// let req = Request::options("/")
///     .header(header::ORIGIN, "https://a.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, long)
///     .body(())
///     .unwrap();
/// let err = CorsRequest::parse(req.method(), req.headers()).unwrap_err();
/// assert_eq!(err.problem, Malformed::RequestHeadersTooLong);
/// ```
pub const MAX_REQUEST_HEADERS_BYTES: usize = 4096;

/// Most non-empty names accepted in `Access-Control-Request-Headers`.
/// More are rejected as [`Malformed::TooManyRequestHeaders`].
///
/// ```
/// # use http::{header, Request};
/// use tower_cors::{CorsRequest, Malformed, MAX_REQUEST_HEADERS_ITEMS};
///
/// let names: Vec<String> = (0..=MAX_REQUEST_HEADERS_ITEMS).map(|i| format!("x-{i}")).collect();
/// let req = Request::options("/")
///     .header(header::ORIGIN, "https://a.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, names.join(","))
///     .body(())
///     .unwrap();
/// let err = CorsRequest::parse(req.method(), req.headers()).unwrap_err();
/// assert_eq!(err.problem, Malformed::TooManyRequestHeaders);
/// ```
pub const MAX_REQUEST_HEADERS_ITEMS: usize = 64;

/// The preflight header asking for Private Network Access.
pub(crate) const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// Whether a CORS request is an actual request or a preflight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A request with `Origin` that the inner service answers.
    Actual,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`, answered by the layer.
    Preflight,
}

impl RequestKind {
    /// Classifies a request head without validating any value: what
    /// [`CorsRequest::parse`] would return, if the values are well formed.
    ///
    /// ```
    /// use http::{header, HeaderMap, HeaderValue, Method};
    /// use tower_cors::RequestKind;
    ///
    /// let mut headers = HeaderMap::new();
    /// assert_eq!(RequestKind::of(&Method::GET, &headers), None);
    /// headers.insert(header::ORIGIN, HeaderValue::from_static("https://a.example"));
    /// assert_eq!(RequestKind::of(&Method::OPTIONS, &headers), Some(RequestKind::Actual));
    /// headers.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("PUT"));
    /// assert_eq!(RequestKind::of(&Method::OPTIONS, &headers), Some(RequestKind::Preflight));
    /// ```
    pub fn of(method: &Method, headers: &HeaderMap) -> Option<RequestKind> {
        if !headers.contains_key(ORIGIN) {
            None
        } else if method == Method::OPTIONS && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
            Some(RequestKind::Preflight)
        } else {
            Some(RequestKind::Actual)
        }
    }
}

/// What is malformed in a CORS request. Browsers never send these; they come
/// from broken or hostile clients and are rejected, never answered with CORS
/// headers.
///
/// ```
/// # use http::{header, Request};
/// use tower_cors::{CorsRequest, Malformed, RequestKind};
///
/// let req = Request::get("/").header(header::ORIGIN, "https://a.example/path").body(()).unwrap();
/// let err = CorsRequest::parse(req.method(), req.headers()).unwrap_err();
/// assert_eq!((err.kind, err.problem), (RequestKind::Actual, Malformed::Origin));
/// assert_eq!(err.to_string(), "the Origin header is not a serialized origin");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Malformed {
    /// `Origin` is not `null` nor `scheme://host[:port]` in visible ASCII.
    Origin,
    /// More than one `Origin` header.
    MultipleOrigins,
    /// `Access-Control-Request-Method` is not one method token.
    RequestMethod,
    /// An item of `Access-Control-Request-Headers` is not a header name.
    RequestHeaderName,
    /// `Access-Control-Request-Headers` is longer than [`MAX_REQUEST_HEADERS_BYTES`].
    RequestHeadersTooLong,
    /// `Access-Control-Request-Headers` names more than [`MAX_REQUEST_HEADERS_ITEMS`] headers.
    TooManyRequestHeaders,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::Origin => "the Origin header is not a serialized origin",
            Malformed::MultipleOrigins => "the request has more than one Origin header",
            Malformed::RequestMethod => "Access-Control-Request-Method is not a method token",
            Malformed::RequestHeaderName => {
                "Access-Control-Request-Headers has an item that is not a header name"
            }
            Malformed::RequestHeadersTooLong => {
                "Access-Control-Request-Headers is longer than 4096 bytes"
            }
            Malformed::TooManyRequestHeaders => {
                "Access-Control-Request-Headers names more than 64 headers"
            }
        })
    }
}

/// A request's `Origin`, checked by [`CorsRequest::parse`] to have the
/// shape of a serialized origin.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// Its shape is checked only when no configured origin equals it:
    /// configured origins are well formed.
    value: &'a HeaderValue,
}

impl<'a> Origin<'a> {
    /// The origin as sent, e.g. `https://app.example.com` or `null`.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::get("/").header(header::ORIGIN, "https://a.example").body(()).unwrap();
    /// let parsed = CorsRequest::parse(req.method(), req.headers()).unwrap();
    /// assert_eq!(parsed.origin().unwrap().as_str(), "https://a.example");
    /// ```
    pub fn as_str(&self) -> &'a str {
        // Well-formed origins are visible ASCII, so this never fails; done on
        // demand, as exact matching needs only the bytes.
        std::str::from_utf8(self.value.as_bytes()).unwrap_or_default()
    }

    /// The header value itself.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::get("/").header(header::ORIGIN, "https://a.example").body(()).unwrap();
    /// let origin = CorsRequest::parse(req.method(), req.headers()).unwrap().origin().unwrap();
    /// assert_eq!(origin.header_value(), "https://a.example");
    /// ```
    pub fn header_value(&self) -> &'a HeaderValue {
        self.value
    }

    /// Whether this is the opaque origin `null` (sandboxed iframes, `file:`
    /// pages, some redirects).
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::get("/").header(header::ORIGIN, "null").body(()).unwrap();
    /// let origin = CorsRequest::parse(req.method(), req.headers()).unwrap().origin().unwrap();
    /// assert!(origin.is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        self.value.as_bytes() == b"null"
    }

    /// Whether the origin has the shape of a serialized origin.
    pub(crate) fn is_well_formed(&self) -> bool {
        is_well_formed(self.value.as_bytes())
    }

    /// The first `Origin` line, its shape not yet checked; `more` says
    /// whether others follow.
    fn parse(value: &'a HeaderValue, more: bool) -> Result<Self, Malformed> {
        if more {
            return Err(Malformed::MultipleOrigins);
        }
        Ok(Origin { value })
    }
}

/// A preflight request: what the browser asks permission for.
#[derive(Debug, Clone)]
pub struct Preflight<'a> {
    origin: Origin<'a>,
    method: &'a HeaderValue,
    headers: RequestedHeaders<'a>,
}

impl<'a> Preflight<'a> {
    /// The requesting origin.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
    ///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a, x-b")
    ///     .header("access-control-request-private-network", "true")
    ///     .body(())
    ///     .unwrap();
    /// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert_eq!(p.origin().as_str(), "https://a.example");
    /// ```
    pub fn origin(&self) -> Origin<'a> {
        self.origin
    }

    /// `Access-Control-Request-Method`, a validated method token, as sent
    /// (case-sensitive: browsers upper-case only DELETE, GET, HEAD, OPTIONS,
    /// POST and PUT).
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PATCH")
    ///     .body(())
    ///     .unwrap();
    /// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert_eq!(p.method(), "PATCH");
    /// ```
    pub fn method(&self) -> &'a str {
        // Validated as a token, which is visible ASCII.
        self.method.to_str().unwrap_or_default()
    }

    /// `Access-Control-Request-Method` as a header value.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
    ///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a, x-b")
    ///     .header("access-control-request-private-network", "true")
    ///     .body(())
    ///     .unwrap();
    /// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert_eq!(p.method_value(), "PUT");
    /// ```
    pub fn method_value(&self) -> &'a HeaderValue {
        self.method
    }

    /// The header names the browser asks to send.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
    ///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a, x-b")
    ///     .header("access-control-request-private-network", "true")
    ///     .body(())
    ///     .unwrap();
    /// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert_eq!(p.requested_headers().collect::<Vec<_>>(), ["x-a", "x-b"]);
    /// ```
    pub fn requested_headers(&self) -> RequestedHeaders<'a> {
        self.headers.clone()
    }

    /// The requested names, borrowed: no copy of the iterator's state.
    pub(crate) fn requested(&self) -> &RequestedHeaders<'a> {
        &self.headers
    }

    /// Whether the preflight carries `Access-Control-Request-Private-Network: true`.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
    ///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "x-a, x-b")
    ///     .header("access-control-request-private-network", "true")
    ///     .body(())
    ///     .unwrap();
    /// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert!(p.requests_private_network());
    /// ```
    pub fn requests_private_network(&self) -> bool {
        // Looked up on demand: only policies allowing private network access ask.
        self.headers
            .map
            .get(REQUEST_PRIVATE_NETWORK)
            .is_some_and(|v| v.as_bytes() == b"true")
    }
}

/// A request head classified by the Fetch standard.
///
/// ```
/// use http::{header, Request};
/// use tower_cors::CorsRequest;
///
/// let req = Request::options("/items")
///     .header(header::ORIGIN, "https://app.example.com")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type,x-requested-with")
///     .body(())
///     .unwrap();
/// match CorsRequest::parse(req.method(), req.headers()).unwrap() {
///     CorsRequest::Preflight(p) => {
///         assert_eq!(p.method(), "PUT");
///         let names: Vec<&str> = p.requested_headers().collect();
///         assert_eq!(names, ["content-type", "x-requested-with"]);
///     }
///     other => panic!("not a preflight: {other:?}"),
/// }
/// ```
#[derive(Debug, Clone)]
pub enum CorsRequest<'a> {
    /// No `Origin` header: not a CORS request.
    NotCors,
    /// A request with `Origin` for the inner service (including `OPTIONS`
    /// without `Access-Control-Request-Method`).
    Actual(Origin<'a>),
    /// `OPTIONS` + `Origin` + `Access-Control-Request-Method`.
    Preflight(Preflight<'a>),
}

/// A CORS request whose headers are malformed: its kind decides whether the
/// layer answers it (preflight: 403) or forwards it (actual: no CORS headers).
///
/// ```
/// # use http::{header, Request};
/// use tower_cors::{CorsRequest, InvalidRequest, Malformed, RequestKind};
///
/// let req = Request::options("/")
///     .header(header::ORIGIN, "https://a.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "NOT A METHOD")
///     .body(())
///     .unwrap();
/// assert_eq!(
///     CorsRequest::parse(req.method(), req.headers()).unwrap_err(),
///     InvalidRequest { kind: RequestKind::Preflight, problem: Malformed::RequestMethod }
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRequest {
    /// What kind of CORS request it is.
    pub kind: RequestKind,
    /// What is malformed.
    pub problem: Malformed,
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.problem, f)
    }
}

impl std::error::Error for InvalidRequest {}

impl<'a> CorsRequest<'a> {
    /// Classifies and validates a request head. Does not allocate; work is
    /// bounded by [`MAX_REQUEST_HEADERS_BYTES`].
    ///
    /// ```
    /// # use http::Request;
    /// # use tower_cors::CorsRequest;
    /// let req = Request::get("/").body(()).unwrap();
    /// assert!(matches!(CorsRequest::parse(req.method(), req.headers()), Ok(CorsRequest::NotCors)));
    /// ```
    pub fn parse(method: &Method, headers: &'a HeaderMap) -> Result<Self, InvalidRequest> {
        let request = Self::classify(method, headers)?;
        if let (Some(origin), Some(kind)) = (request.origin(), request.kind()) {
            if !origin.is_well_formed() {
                return Err(InvalidRequest {
                    kind,
                    problem: Malformed::Origin,
                });
            }
        }
        Ok(request)
    }

    /// [`CorsRequest::parse`], except that the origin's shape is left for
    /// the policy to check when it needs to: an origin equal to a configured
    /// one is well formed, and most requests come from those.
    #[inline(always)]
    pub(crate) fn classify(
        method: &Method,
        headers: &'a HeaderMap,
    ) -> Result<Self, InvalidRequest> {
        // Only OPTIONS requests can be preflights and need three headers:
        // one pass over the names finds them all. Others need only `Origin`,
        // found by one lookup. This runs on every request.
        let found = if method == Method::OPTIONS {
            CorsHeaders::scan(headers)
        } else {
            CorsHeaders {
                origin: Lines::of(headers.get_all(ORIGIN)),
                ..CorsHeaders::default()
            }
        };
        let Some(origin) = found.origin.first else {
            return Ok(CorsRequest::NotCors);
        };
        let kind = match found.method.first {
            Some(_) => RequestKind::Preflight,
            None => RequestKind::Actual,
        };
        let origin = Origin::parse(origin, found.origin.more)
            .map_err(|problem| InvalidRequest { kind, problem })?;
        // A preflight malformed in several ways is refused for its origin
        // first, as if the origin had been checked first.
        let invalid = |problem| InvalidRequest {
            kind,
            problem: match origin.is_well_formed() {
                true => problem,
                false => Malformed::Origin,
            },
        };
        let Some(method) = found.method.first else {
            return Ok(CorsRequest::Actual(origin));
        };

        if found.method.more || !is_token(method.as_bytes()) {
            return Err(invalid(Malformed::RequestMethod));
        }
        let requested = RequestedHeaders::parse(headers, found.requested).map_err(invalid)?;
        Ok(CorsRequest::Preflight(Preflight {
            origin,
            method,
            headers: requested,
        }))
    }

    /// The origin of a CORS request, `None` for [`CorsRequest::NotCors`].
    ///
    /// ```
    /// # use http::Request;
    /// # use tower_cors::CorsRequest;
    /// let req = Request::get("/").body(()).unwrap();
    /// assert!(CorsRequest::parse(req.method(), req.headers()).unwrap().origin().is_none());
    /// ```
    pub fn origin(&self) -> Option<Origin<'a>> {
        match self {
            CorsRequest::NotCors => None,
            CorsRequest::Actual(origin) => Some(*origin),
            CorsRequest::Preflight(p) => Some(p.origin),
        }
    }

    /// The kind of CORS request, `None` for [`CorsRequest::NotCors`].
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::{CorsRequest, RequestKind};
    /// let req = Request::post("/").header(header::ORIGIN, "https://a.example").body(()).unwrap();
    /// let kind = CorsRequest::parse(req.method(), req.headers()).unwrap().kind();
    /// assert_eq!(kind, Some(RequestKind::Actual));
    /// ```
    pub fn kind(&self) -> Option<RequestKind> {
        match self {
            CorsRequest::NotCors => None,
            CorsRequest::Actual(_) => Some(RequestKind::Actual),
            CorsRequest::Preflight(_) => Some(RequestKind::Preflight),
        }
    }
}

/// The validated names of `Access-Control-Request-Headers`, iterated in order
/// without allocation: surrounding whitespace and empty items are skipped.
///
/// Browsers send the names lowercase; other clients' casing is kept as sent
/// (the policy compares names ASCII-case-insensitively).
///
/// ```
/// # use http::{header, Request};
/// # use tower_cors::CorsRequest;
/// let req = Request::options("/")
///     .header(header::ORIGIN, "https://a.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, " content-type ,, x-trace-id,")
///     .body(())
///     .unwrap();
/// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
///     unreachable!()
/// };
/// assert_eq!(p.requested_headers().collect::<Vec<_>>(), ["content-type", "x-trace-id"]);
/// ```
#[derive(Debug, Clone)]
pub struct RequestedHeaders<'a> {
    map: &'a HeaderMap,
    /// The first line, kept so that the usual single line needs no lookup.
    first: Option<&'a HeaderValue>,
    /// Whether there are lines after the first.
    more_lines: bool,
    /// Whether `authorization` was requested, noted while checking.
    authorization: bool,
    /// Index of the next header line to split.
    next_line: usize,
    /// What is left of the line being split.
    current: &'a [u8],
}

impl<'a> RequestedHeaders<'a> {
    fn parse(headers: &'a HeaderMap, lines: Lines<'a>) -> Result<Self, Malformed> {
        let (mut bytes, mut names) = (0usize, Names::default());
        let mut check = |index: usize, line: &HeaderValue| {
            bytes += line.len();
            if index >= MAX_REQUEST_HEADERS_ITEMS {
                return Err(Malformed::TooManyRequestHeaders);
            }
            if bytes > MAX_REQUEST_HEADERS_BYTES {
                return Err(Malformed::RequestHeadersTooLong);
            }
            count_names(line.as_bytes(), &mut names)
        };
        match lines {
            Lines { first: None, .. } => {}
            Lines {
                first: Some(line),
                more: false,
            } => check(0, line)?,
            Lines { more: true, .. } => {
                let all = headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS);
                for (index, line) in all.iter().enumerate() {
                    check(index, line)?;
                }
            }
        }
        Ok(RequestedHeaders {
            map: headers,
            first: lines.first,
            more_lines: lines.more,
            authorization: names.authorization,
            next_line: 0,
            current: &[],
        })
    }

    /// Whether `authorization` (in any case) is among the names: it needs
    /// naming even where `*` allows every other header.
    pub(crate) fn includes_authorization(&self) -> bool {
        self.authorization
    }

    /// Whether no header names were requested.
    ///
    /// ```
    /// # use http::{header, Request};
    /// # use tower_cors::CorsRequest;
    /// let req = Request::options("/")
    ///     .header(header::ORIGIN, "https://a.example")
    ///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
    ///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, " , ")
    ///     .body(())
    ///     .unwrap();
    /// let CorsRequest::Preflight(p) = CorsRequest::parse(req.method(), req.headers()).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert!(p.requested_headers().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.clone().next().is_none()
    }

    /// The first name `refused` says no to, as sent. Works on the bytes of
    /// the validated lines: nothing is copied or converted unless refused.
    pub(crate) fn find_name(&self, mut refused: impl FnMut(&[u8]) -> bool) -> Option<&'a str> {
        let mut in_line = |line: &'a HeaderValue| {
            let mut rest = line.as_bytes();
            std::iter::from_fn(|| next_name(&mut rest)).find(|name| refused(name))
        };
        let name = match self.first {
            None => None,
            Some(first) if !self.more_lines => in_line(first),
            Some(_) => self.lines().find_map(in_line),
        }?;
        Some(ascii(name))
    }

    /// The raw header lines, for echoing the list back.
    pub(crate) fn lines(&self) -> http::header::ValueIter<'a, HeaderValue> {
        self.map.get_all(ACCESS_CONTROL_REQUEST_HEADERS).iter()
    }
}

impl<'a> Iterator for RequestedHeaders<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            if let Some(name) = next_name(&mut self.current) {
                return Some(ascii(name));
            }
            let line = match self.next_line {
                0 => self.first?,
                _ if !self.more_lines => return None,
                n => self.lines().nth(n)?,
            };
            self.next_line += 1;
            self.current = line.as_bytes();
        }
    }
}

/// Takes the next name off what is left of a validated line: items split at
/// commas, surrounding whitespace trimmed, empty ones skipped. `None` when
/// the line is used up.
fn next_name<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        let name = rest[..end].trim_ascii();
        *rest = rest.get(end + 1..).unwrap_or_default();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

/// A name of a validated line as text: tokens are ASCII, so this never
/// falls back to the empty default.
fn ascii(name: &[u8]) -> &str {
    std::str::from_utf8(name).unwrap_or_default()
}

/// The lines of one request header: the first, and whether more follow.
#[derive(Debug, Default, Clone, Copy)]
struct Lines<'a> {
    first: Option<&'a HeaderValue>,
    more: bool,
}

impl<'a> Lines<'a> {
    fn of(all: http::header::GetAll<'a, HeaderValue>) -> Self {
        let mut values = all.iter();
        Lines {
            first: values.next(),
            more: values.next().is_some(),
        }
    }

    fn push(&mut self, value: &'a HeaderValue) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.more = true,
        }
    }
}

/// The CORS request headers of a request.
#[derive(Debug, Default)]
struct CorsHeaders<'a> {
    origin: Lines<'a>,
    method: Lines<'a>,
    requested: Lines<'a>,
}

impl<'a> CorsHeaders<'a> {
    /// One pass over every header line: for the three headers of a
    /// preflight, cheaper than hashing each name for a lookup.
    fn scan(headers: &'a HeaderMap) -> Self {
        let mut found = CorsHeaders::default();
        for (name, value) in headers {
            if name == ORIGIN {
                found.origin.push(value);
            } else if name == ACCESS_CONTROL_REQUEST_METHOD {
                found.method.push(value);
            } else if name == ACCESS_CONTROL_REQUEST_HEADERS {
                found.requested.push(value);
            }
        }
        found
    }
}

/// What the lines of `Access-Control-Request-Headers` checked so far hold.
#[derive(Debug, Default, PartialEq)]
struct Names {
    /// Non-empty items.
    count: usize,
    /// Whether one of them is `authorization` (in any case).
    authorization: bool,
}

/// Checks one line of `Access-Control-Request-Headers` in a single pass:
/// comma-separated items, each empty or a token with optional surrounding
/// spaces and tabs. Adds the line's names to `names`.
fn count_names(line: &[u8], names: &mut Names) -> Result<(), Malformed> {
    let is_ows = |b: u8| b == b' ' || b == b'\t';
    let mut i = 0;
    // One item per turn; tight loops over runs of the same kind of byte.
    loop {
        while i < line.len() && is_ows(line[i]) {
            i += 1;
        }
        match line.get(i) {
            None => return Ok(()),
            Some(b',') => {
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        let start = i;
        while i < line.len() && TCHAR[usize::from(line[i])] {
            i += 1;
        }
        let name = &line[start..i];
        while i < line.len() && is_ows(line[i]) {
            i += 1;
        }
        // The item must end here; a name that is empty or followed by
        // anything else is not a token.
        if name.is_empty() || !matches!(line.get(i), None | Some(b',')) {
            return Err(Malformed::RequestHeaderName);
        }
        i += 1;
        names.count += 1;
        if names.count > MAX_REQUEST_HEADERS_ITEMS {
            return Err(Malformed::TooManyRequestHeaders);
        }
        names.authorization |= name.eq_ignore_ascii_case(b"authorization");
    }
}

/// RFC 9110 `token`: one or more tchar.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| TCHAR[usize::from(b)])
}

/// Which bytes are RFC 9110 `tchar`: a table, as this runs per requested header.
static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn trim(mut s: &[u8]) -> &[u8] {
        while let [b' ' | b'\t', rest @ ..] = s {
            s = rest;
        }
        while let [rest @ .., b' ' | b'\t'] = s {
            s = rest;
        }
        s
    }

    /// The plain reading of the grammar `count_names` checks in one pass.
    fn split_trim_check(line: &[u8], names: &mut Names) -> Result<(), Malformed> {
        for item in line.split(|&b| b == b',').map(trim) {
            if item.is_empty() {
                continue;
            }
            if !is_token(item) {
                return Err(Malformed::RequestHeaderName);
            }
            names.count += 1;
            if names.count > MAX_REQUEST_HEADERS_ITEMS {
                return Err(Malformed::TooManyRequestHeaders);
            }
            names.authorization |= item.eq_ignore_ascii_case(b"authorization");
        }
        Ok(())
    }

    fn line_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => Just(b','),
            3 => Just(b' '),
            1 => Just(b'\t'),
            6 => prop::sample::select(b"abcXYZ-_09!~".to_vec()),
            2 => Just(b'A'),
            1 => any::<u8>(),
        ];
        let authorization = Just(b"Authorization".to_vec());
        prop::collection::vec(
            prop_oneof![8 => byte.prop_map(|b| vec![b]), 1 => authorization],
            0..120,
        )
        .prop_map(|chunks| chunks.concat())
    }

    /// `count_names` and the plain reading agree on `line`, after `counted`
    /// names of earlier lines.
    fn count_names_agrees(line: &[u8], counted: usize) -> Result<(), TestCaseError> {
        let names = || Names {
            count: counted,
            authorization: false,
        };
        let (mut fast, mut plain) = (names(), names());
        let fast_result = count_names(line, &mut fast);
        prop_assert_eq!(fast_result, split_trim_check(line, &mut plain));
        if fast_result.is_ok() {
            prop_assert_eq!(fast, plain);
        }
        Ok(())
    }

    /// Lines as browsers send them, names joined by "," without whitespace,
    /// now and then with a byte that is not allowed.
    fn browser_line_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            3 => Just(b','),
            8 => prop::sample::select(b"abcxyz-_09!~".to_vec()),
            1 => any::<u8>(),
        ];
        prop::collection::vec(byte, 0..200)
    }

    proptest! {
        #[test]
        fn count_names_agrees_with_split_trim_and_check_on_browser_lines(
            line in browser_line_bytes(),
            counted in 0usize..70,
        ) {
            count_names_agrees(&line, counted)?;
        }

        #[test]
        fn count_names_agrees_with_split_trim_and_check(
            line in line_bytes(),
            counted in 0usize..70,
        ) {
            count_names_agrees(&line, counted)?;
        }

        #[test]
        fn requested_headers_iterate_the_trimmed_non_empty_items(line in line_bytes()) {
            let Ok(value) = HeaderValue::from_bytes(&line) else { return Ok(()) };
            let mut headers = HeaderMap::new();
            headers.insert(ACCESS_CONTROL_REQUEST_HEADERS, value);
            let lines = Lines::of(headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS));
            let Ok(requested) = RequestedHeaders::parse(&headers, lines) else { return Ok(()) };
            let expected: Vec<&[u8]> = line
                .split(|&b| b == b',')
                .map(trim)
                .filter(|item| !item.is_empty())
                .collect();
            let got: Vec<&[u8]> = requested.map(str::as_bytes).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
