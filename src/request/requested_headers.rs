//! `Access-Control-Request-Headers`: validated once, then iterated without
//! allocation.

use http::header::ACCESS_CONTROL_REQUEST_HEADERS;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::Malformed;

/// Most bytes accepted in `Access-Control-Request-Headers` (all lines
/// together). Browsers send one short line; longer lists are rejected as
/// [`Malformed::RequestHeadersTooLong`] before any item is looked at.
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Decision, Malformed, Rejection, MAX_REQUEST_HEADERS_BYTES};
///
/// let cors = CorsLayer::builder().allow_origins(["https://a.example"]).build().unwrap();
/// let long = "x".repeat(MAX_REQUEST_HEADERS_BYTES + 1);
/// let (parts, ()) = Request::options("/")
///     .header(header::ORIGIN, "https://a.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, long)
///     .body(())
///     .unwrap()
///     .into_parts();
/// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { panic!() };
/// assert_eq!(rejected.reason(), Rejection::Malformed(Malformed::RequestHeadersTooLong));
/// ```
pub const MAX_REQUEST_HEADERS_BYTES: usize = 4096;

/// Most non-empty names accepted in `Access-Control-Request-Headers`.
/// More are rejected as [`Malformed::TooManyRequestHeaders`].
///
/// ```
/// use http::{header, Request};
/// use tower_cors::{CorsLayer, Decision, Malformed, Rejection, MAX_REQUEST_HEADERS_ITEMS};
///
/// let cors = CorsLayer::builder().allow_origins(["https://a.example"]).build().unwrap();
/// let names: Vec<String> = (0..=MAX_REQUEST_HEADERS_ITEMS).map(|i| format!("x-{i}")).collect();
/// let (parts, ()) = Request::options("/")
///     .header(header::ORIGIN, "https://a.example")
///     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
///     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, names.join(","))
///     .body(())
///     .unwrap()
///     .into_parts();
/// let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { panic!() };
/// assert_eq!(rejected.reason(), Rejection::Malformed(Malformed::TooManyRequestHeaders));
/// ```
pub const MAX_REQUEST_HEADERS_ITEMS: usize = 64;

/// The preflight header asking for Private Network Access.
pub(crate) const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// The validated names of `Access-Control-Request-Headers`, iterated in order
/// without allocation: surrounding whitespace and empty items are skipped.
///
/// Browsers send the names lowercase; other clients' casing is kept as sent
/// (the policy compares names ASCII-case-insensitively).
#[derive(Debug, Clone)]
pub(crate) struct RequestedHeaders<'a> {
    pub(crate) map: &'a HeaderMap,
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
    pub(crate) fn parse(headers: &'a HeaderMap, lines: Lines<'a>) -> Result<Self, Malformed> {
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
    pub(crate) fn is_empty(&self) -> bool {
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

/// Takes the next name off what is left of a validated line, `None` when
/// the line is used up. Validated, a line holds tokens separated by commas
/// and whitespace, so a name is the next run of tchar.
fn next_name<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let Some(start) = rest.iter().position(|&b| TCHAR[usize::from(b)]) else {
        *rest = &[];
        return None;
    };
    let end = super::run_end(&TCHAR, rest, start);
    let name = &rest[start..end];
    *rest = &rest[end..];
    Some(name)
}

/// A name of a validated line as text: tokens are ASCII, so this never
/// falls back to the empty default.
fn ascii(name: &[u8]) -> &str {
    std::str::from_utf8(name).unwrap_or_default()
}

/// The lines of one request header: the first, and whether more follow.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Lines<'a> {
    pub(crate) first: Option<&'a HeaderValue>,
    pub(crate) more: bool,
}

impl<'a> Lines<'a> {
    pub(crate) fn of(all: http::header::GetAll<'a, HeaderValue>) -> Self {
        let mut values = all.iter();
        Lines {
            first: values.next(),
            more: values.next().is_some(),
        }
    }

    pub(crate) fn push(&mut self, value: &'a HeaderValue) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.more = true,
        }
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
        i = super::run_end(&TCHAR, line, i);
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

    fn parse_line(line: &str) -> Result<Vec<String>, Malformed> {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_str(line).unwrap(),
        );
        let lines = Lines::of(headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS));
        RequestedHeaders::parse(&headers, lines).map(|names| names.map(str::to_owned).collect())
    }

    #[test]
    fn accepted_lists_iterate_at_most_the_item_limit() {
        let names = |n: usize| {
            (0..n)
                .map(|i| format!("x-{i}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let at_limit = parse_line(&names(MAX_REQUEST_HEADERS_ITEMS)).unwrap();
        assert_eq!(at_limit.len(), MAX_REQUEST_HEADERS_ITEMS);
        assert_eq!(
            parse_line(&names(MAX_REQUEST_HEADERS_ITEMS + 1)),
            Err(Malformed::TooManyRequestHeaders)
        );
        let long = "x".repeat(MAX_REQUEST_HEADERS_BYTES + 1);
        assert_eq!(parse_line(&long), Err(Malformed::RequestHeadersTooLong));
    }
}
