//! Flask-CORS CVE-2024-1681: request data was logged unescaped, so CR/LF in a
//! request forged log lines. Every diagnostic here (`Rejection`,
//! `Rejected`, `ConfigError`, the policy summary) escapes control characters.

use super::*;

/// No control characters, and none of the Unicode line separators and
/// bidirectional overrides that log viewers and terminals act on.
fn assert_one_clean_line(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
        "raw control character in {text:?}"
    );
}

#[test]
fn config_errors_escape_control_characters_in_the_offending_value() {
    #[rustfmt::skip]
    let origins = [
        "https://app.example.com\r\n[ERROR] forged line", "https://app.example.com/\n", "https://app.\u{1b}[31mexample.com",
        "https://app.example.com\u{0}", "file:///\r\nx", "https://*\n.example.com", "https://u\r\n@app.example.com",
        "https://app.example.com?\u{7f}", "https://app.example.com\u{2028}forged", "https://\u{202e}moc.elpmaxe.ppa",
    ];
    for origin in origins {
        let err = build_err(&[origin]);
        assert_one_clean_line(&err.to_string());
        assert_one_clean_line(&format!("{err:?}"));
    }
}

#[test]
fn rejections_escape_control_characters_even_when_built_by_hand() {
    // The request path only ever borrows visible ASCII (see below), but
    // the types are public: Display must be safe on any value.
    for reason in [
        Rejection::OriginNotAllowed("https://evil.example\r\nX-Forged: 1"),
        Rejection::MethodNotAllowed("PUT\n"),
        Rejection::HeaderNotAllowed("x-a\u{1b}[2J"),
    ] {
        assert_one_clean_line(&reason.to_string());
    }
}

#[test]
fn origins_with_control_or_non_ascii_bytes_never_reach_a_diagnostic() {
    let layer = app(|b| b);
    for bad in
        [&b"https://evil.example\t"[..], b"https://evil.\x80example", b"https://evil.example\xff"]
    {
        let mut p = parts(Method::GET, &[]);
        p.headers.insert(header::ORIGIN, http::HeaderValue::from_bytes(bad).unwrap());
        let Decision::Rejected(r) = layer.policy().decide(&p) else { panic!("allowed {bad:?}") };
        assert!(matches!(r.reason(), Rejection::Malformed(_)));
        let text = r.to_string();
        assert_one_clean_line(&text);
        assert!(!text.contains("evil"), "{text}");
    }
}

#[test]
fn the_policy_summary_is_one_clean_line() {
    let origins = [APP, "https://*.example.org", "http://localhost:*"];
    let layer = policy(&origins, |b| b.allow_origin_predicate(|_, _| false).allow_any_header());
    assert_one_clean_line(&layer.policy().to_string());
}
