//! Command-line arguments, and turning them into the request a script
//! would make (or a usage error that says what is wrong).

use clap::Parser;
use http::Uri;

use crate::check::{self, CorsRequest};

/// Checks a server's CORS answers the way a browser does, and says what to fix.
///
/// Sends the preflight a browser would send (when one is needed), applies
/// the browser's checks to the answer, sends the request itself with an
/// `Origin` header, and reports what a script on ORIGIN could read.
/// Exit status: 0 allowed, 1 blocked, 2 usage error or server unreachable.
#[derive(Debug, Parser)]
#[command(name = "cors-doctor", version)]
pub struct Args {
    /// The URL the page's script fetches (http:// or https://).
    pub url: String,

    /// The origin of the calling page, e.g. `https://app.example.com`.
    #[arg(long)]
    pub origin: String,

    /// The request method (fetch() uppercases only DELETE, GET, HEAD,
    /// OPTIONS, POST and PUT; any other method is sent as written).
    #[arg(long, default_value = "GET")]
    pub method: String,

    /// A request header the script sets: 'Name: value', or a bare name.
    /// A bare Content-Type means application/json; a bare Accept,
    /// Accept-Language, Content-Language or Range needs a value; any other
    /// bare name gets the value "1" (its value does not matter to CORS).
    #[arg(long = "header", short = 'H', value_name = "NAME[: VALUE]")]
    pub headers: Vec<String>,

    /// The script uses credentials: 'include' (cookies, HTTP auth).
    #[arg(long)]
    pub credentials: bool,

    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Checks the URL: absolute, http or https, with a host. A fragment is
/// dropped, as `fetch()` never sends one.
pub fn parse_url(url: &str) -> Result<Uri, String> {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let uri: Uri = without_fragment
        .parse()
        .map_err(|e| format!("URL {url:?} does not parse: {e}"))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err(format!("URL {url:?} must start with http:// or https://")),
    }
    if uri.host().map_or(true, str::is_empty) {
        return Err(format!("URL {url:?} has no host"));
    }
    Ok(uri)
}

/// Checks that `origin` is what a browser would send: `null`, or
/// `scheme://host[:port]` in lowercase, without a default port, path or
/// trailing slash. Suggests the right spelling when it can.
pub fn check_origin(origin: &str) -> Result<(), String> {
    if origin == "null" {
        return Ok(());
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err(format!(
            "--origin {origin:?} is not an origin: write scheme://host[:port], e.g. https://app.example.com"
        ));
    };
    if scheme.is_empty() || rest.is_empty() {
        return Err(format!(
            "--origin {origin:?} is not an origin: it needs a scheme and a host"
        ));
    }
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut suggestion = format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    );
    for (s, port) in [("http", ":80"), ("https", ":443")] {
        if scheme.eq_ignore_ascii_case(s) && suggestion.ends_with(port) {
            suggestion.truncate(suggestion.len() - port.len());
        }
    }
    if !path.is_empty() || suggestion != origin {
        return Err(format!(
            "--origin {origin:?} is not how a browser writes an origin (no path or trailing \
             slash, lowercase, no default port): use --origin {suggestion}"
        ));
    }
    if authority.contains('@') {
        return Err(format!(
            "--origin {origin:?} must not contain user information"
        ));
    }
    Ok(())
}

/// One `--header` argument as a name and value.
pub fn parse_header(arg: &str) -> Result<(String, String), String> {
    let (name, value) = match arg.split_once(':') {
        Some((n, v)) => (
            n.trim().to_owned(),
            Some(v.trim_matches([' ', '\t']).to_owned()),
        ),
        None => (arg.trim().to_owned(), None),
    };
    if !check::is_token(&name) {
        return Err(format!("--header {arg:?}: {name:?} is not a header name"));
    }
    if check::is_forbidden_request_header(&name) {
        return Err(format!(
            "--header {arg:?}: scripts cannot set {name}; browsers drop it (it is a forbidden \
             request header), so it plays no part in CORS"
        ));
    }
    let value = match value {
        Some(v) => v,
        None => match name.to_ascii_lowercase().as_str() {
            "content-type" => "application/json".to_owned(),
            "accept" | "accept-language" | "content-language" | "range" => {
                return Err(format!(
                    "--header {name}: give the value too (e.g. --header '{name}: …'): whether \
                     {name} needs a preflight depends on it"
                ))
            }
            _ => "1".to_owned(),
        },
    };
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!("--header {arg:?}: the value holds CR, LF or NUL"));
    }
    Ok((name, value))
}

/// The request the script makes, from the arguments.
pub fn build_request(args: &Args) -> Result<(Uri, CorsRequest), String> {
    let uri = parse_url(&args.url)?;
    check_origin(&args.origin)?;
    if !check::is_token(&args.method) {
        return Err(format!("--method {:?} is not a method name", args.method));
    }
    if check::is_forbidden_method(&args.method) {
        return Err(format!(
            "--method {}: fetch() refuses to send CONNECT, TRACE and TRACK",
            args.method
        ));
    }
    let headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((
        uri,
        CorsRequest {
            origin: args.origin.clone(),
            method: check::normalize_method(&args.method),
            headers,
            credentials: args.credentials,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_accepted_only_as_browsers_serialise_them() {
        let cases: &[(&str, Result<(), &str>)] = &[
            ("https://app.example.com", Ok(())),
            ("http://localhost:3000", Ok(())),
            ("null", Ok(())),
            (
                "https://app.example.com/",
                Err("use --origin https://app.example.com"),
            ),
            (
                "https://App.Example.com",
                Err("use --origin https://app.example.com"),
            ),
            (
                "https://app.example.com:443",
                Err("use --origin https://app.example.com"),
            ),
            (
                "http://app.example.com:80",
                Err("use --origin http://app.example.com"),
            ),
            ("app.example.com", Err("not an origin")),
        ];
        for (origin, want) in cases {
            let got = check_origin(origin);
            match (want, &got) {
                (Ok(()), Ok(())) => {}
                (Err(part), Err(msg)) => assert!(msg.contains(part), "{origin}: {msg}"),
                _ => panic!("{origin}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn header_arguments_take_a_value_or_a_sensible_default() {
        type Want = Result<(&'static str, &'static str), &'static str>;
        let cases: &[(&str, Want)] = &[
            ("X-Api-Key: abc", Ok(("X-Api-Key", "abc"))),
            ("X-Api-Key", Ok(("X-Api-Key", "1"))),
            ("Content-Type", Ok(("Content-Type", "application/json"))),
            (
                "Content-Type: text/plain",
                Ok(("Content-Type", "text/plain")),
            ),
            (
                "Authorization: Bearer x:y",
                Ok(("Authorization", "Bearer x:y")),
            ),
            ("Accept", Err("give the value")),
            ("Cookie: a=b", Err("scripts cannot set Cookie")),
            ("Sec-Fetch-Mode: cors", Err("scripts cannot set")),
            ("Bad Name: x", Err("not a header name")),
        ];
        for (arg, want) in cases {
            let got = parse_header(arg);
            match (want, &got) {
                (Ok((n, v)), Ok((gn, gv))) => assert_eq!((*n, *v), (gn.as_str(), gv.as_str())),
                (Err(part), Err(msg)) => assert!(msg.contains(part), "{arg}: {msg}"),
                _ => panic!("{arg}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn urls_must_be_absolute_http_or_https() {
        assert!(parse_url("https://api.example.com/v1?x=1#frag").is_ok());
        assert!(parse_url("http://api.localhost:8080/").is_ok());
        assert!(parse_url("ftp://example.com/").is_err());
        assert!(parse_url("/relative").is_err());
        assert!(parse_url("not a url").is_err());
    }
}
