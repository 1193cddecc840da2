//! Table-driven tests of the request-side rules (normalisation, safelists,
//! when a preflight is needed and what it carries), from the Fetch standard.

use super::*;

pub(super) const ORIGIN: &str = "https://app.example";

/// Request or response header pairs in a table row.
type Pairs<'a> = Vec<(&'a str, &'a str)>;
/// A fixed list of header pairs.
type HeaderList = &'static [(&'static str, &'static str)];

pub(super) fn req(method: &str, headers: &[(&str, &str)], credentials: bool) -> CorsRequest {
    CorsRequest {
        origin: ORIGIN.to_owned(),
        method: normalize_method(method),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        credentials,
    }
}

pub(super) fn resp(status: u16, headers: &[(&str, &str)]) -> ResponseHead {
    ResponseHead {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

#[test]
fn methods_normalise_only_the_six_standard_ones() {
    let cases = [
        ("get", "GET"),
        ("Post", "POST"),
        ("delete", "DELETE"),
        ("options", "OPTIONS"),
        ("head", "HEAD"),
        ("put", "PUT"),
        ("patch", "patch"),
        ("PATCH", "PATCH"),
        ("Custom", "Custom"),
    ];
    for (given, sent) in cases {
        assert_eq!(normalize_method(given), sent, "{given}");
    }
}

#[test]
fn safelisted_methods_are_get_head_post_exactly() {
    let cases = [
        ("GET", true),
        ("HEAD", true),
        ("POST", true),
        ("PUT", false),
        ("PATCH", false),
        ("OPTIONS", false),
        ("post", false),
    ];
    for (m, want) in cases {
        assert_eq!(is_safelisted_method(m), want, "{m}");
    }
}

#[test]
fn request_headers_are_safelisted_by_name_and_value() {
    let long = "a".repeat(129);
    let cases: &[(&str, &str, bool)] = &[
        ("Accept", "application/json", true),
        ("accept", "text/html, */*;q=0.8", true),
        ("Accept", "a\"b", false),
        ("Accept", &long, false),
        ("Accept-Language", "en-US,en;q=0.9", true),
        ("Content-Language", "de-DE", true),
        ("Accept-Language", "en_US", false),
        ("Content-Type", "text/plain", true),
        ("Content-Type", "text/plain;charset=UTF-8", true),
        ("content-type", "Multipart/Form-Data; boundary=x", true),
        ("Content-Type", "application/x-www-form-urlencoded", true),
        ("Content-Type", "application/json", false),
        ("Content-Type", "text/plain; charset=\"utf-8\"", false),
        ("Content-Type", "text", false),
        ("Range", "bytes=0-", true),
        ("Range", "Bytes=5-", true),
        ("Range", "bytes = 0-", false),
        ("Range", "items=0-", false),
        ("Range", "bytes=10-20", true),
        ("Range", "bytes=-500", false),
        ("Range", "bytes=20-10", false),
        ("Range", "bytes=0-1,3-4", false),
        ("X-Requested-With", "XMLHttpRequest", false),
        ("Authorization", "Bearer x", false),
    ];
    for (name, value, want) in cases {
        assert_eq!(
            is_safelisted_request_header(name, value),
            *want,
            "{name}: {value}"
        );
    }
}

#[test]
fn unsafe_names_are_lowercase_sorted_unique_and_include_oversized_safelisted() {
    let big = "a".repeat(128);
    let cases: Vec<(Pairs<'_>, Vec<&str>)> = vec![
        (vec![("Accept", "*/*")], vec![]),
        (
            vec![
                ("X-B", "1"),
                ("x-a", "1"),
                ("Content-Type", "application/json"),
            ],
            vec!["content-type", "x-a", "x-b"],
        ),
        (vec![("X-A", "1"), ("x-a", "2")], vec!["x-a"]),
        // Nine 128-byte safelisted values add up to more than 1024 bytes.
        (
            vec![
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Accept", big.as_str()),
                ("Content-Language", "x"),
            ],
            vec!["accept", "content-language"],
        ),
    ];
    for (headers, want) in cases {
        let r = req("GET", &headers, false);
        assert_eq!(unsafe_request_header_names(&r.headers), want, "{headers:?}");
    }
}

#[test]
fn preflight_is_needed_for_an_unsafe_method_or_header() {
    let cases: &[(&str, HeaderList, bool)] = &[
        ("GET", &[], false),
        ("post", &[("Content-Type", "text/plain")], false),
        ("POST", &[("Content-Type", "application/json")], true),
        ("PUT", &[], true),
        ("DELETE", &[], true),
        ("GET", &[("X-Api-Key", "k")], true),
        ("GET", &[("Authorization", "Bearer t")], true),
        ("HEAD", &[("Accept-Language", "en")], false),
    ];
    for (method, headers, want) in cases {
        let r = req(method, headers, false);
        assert_eq!(
            !preflight_reasons(&r).is_empty(),
            *want,
            "{method} {headers:?}"
        );
    }
}

#[test]
fn preflight_request_carries_origin_method_and_sorted_lowercase_header_list() {
    let r = req(
        "patch",
        &[
            ("X-Zeta", "1"),
            ("Content-Type", "application/json"),
            ("Accept", "*/*"),
            ("X-Alpha", "1"),
        ],
        true,
    );
    assert_eq!(
        preflight_headers(&r),
        vec![
            ("origin".to_owned(), ORIGIN.to_owned()),
            (
                "access-control-request-method".to_owned(),
                "patch".to_owned()
            ),
            (
                "access-control-request-headers".to_owned(),
                "content-type,x-alpha,x-zeta".to_owned()
            ),
        ]
    );
    let simple_headers = preflight_headers(&req("DELETE", &[], false));
    assert_eq!(simple_headers.len(), 2, "no empty request-headers list");
}

#[test]
fn forbidden_methods_and_headers_are_recognised() {
    for m in ["CONNECT", "trace", "Track"] {
        assert!(is_forbidden_method(m), "{m}");
    }
    assert!(!is_forbidden_method("PATCH"));
    for h in [
        "Cookie",
        "Host",
        "Origin",
        "Sec-Fetch-Mode",
        "Proxy-Authorization",
        "Content-Length",
    ] {
        assert!(is_forbidden_request_header(h), "{h}");
    }
    for h in ["Authorization", "X-Api-Key", "Content-Type"] {
        assert!(!is_forbidden_request_header(h), "{h}");
    }
}
