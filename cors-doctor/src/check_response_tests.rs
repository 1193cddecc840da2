//! Table-driven tests of the response-side rules (the CORS check, the
//! preflight checks, redirects, exposed headers), from the Fetch standard
//! and the web-platform tests' cases.

use super::request_tests::{req, resp, ORIGIN};
use super::*;

#[test]
fn cors_check_follows_the_fetch_standard() {
    type Case = (
        &'static str,
        bool,
        &'static [(&'static str, &'static str)],
        Result<(), Failure>,
    );
    let cases: &[Case] = &[
        ("missing", false, &[], Err(Failure::AllowOriginMissing)),
        (
            "star",
            false,
            &[("access-control-allow-origin", "*")],
            Ok(()),
        ),
        (
            "echo",
            false,
            &[("access-control-allow-origin", ORIGIN)],
            Ok(()),
        ),
        (
            "star with credentials",
            true,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true"),
            ],
            Err(Failure::AllowOriginWildcardWithCredentials),
        ),
        (
            "echo with credentials",
            true,
            &[
                ("access-control-allow-origin", ORIGIN),
                ("access-control-allow-credentials", "true"),
            ],
            Ok(()),
        ),
        (
            "credentials absent",
            true,
            &[("access-control-allow-origin", ORIGIN)],
            Err(Failure::AllowCredentialsNotTrue { value: None }),
        ),
        (
            "credentials not exactly true",
            true,
            &[
                ("access-control-allow-origin", ORIGIN),
                ("access-control-allow-credentials", "True"),
            ],
            Err(Failure::AllowCredentialsNotTrue {
                value: Some("True".into()),
            }),
        ),
        (
            "credentials header ignored without credentials mode",
            false,
            &[
                ("access-control-allow-origin", ORIGIN),
                ("access-control-allow-credentials", "nope"),
            ],
            Ok(()),
        ),
        (
            "other origin",
            false,
            &[("access-control-allow-origin", "https://evil.example")],
            Err(Failure::AllowOriginMismatch {
                value: "https://evil.example".into(),
            }),
        ),
        (
            "trailing slash is another value",
            false,
            &[("access-control-allow-origin", "https://app.example/")],
            Err(Failure::AllowOriginMismatch {
                value: "https://app.example/".into(),
            }),
        ),
        (
            "case matters",
            false,
            &[("access-control-allow-origin", "https://APP.example")],
            Err(Failure::AllowOriginMismatch {
                value: "https://APP.example".into(),
            }),
        ),
        (
            "list",
            false,
            &[(
                "access-control-allow-origin",
                "https://app.example, https://b.example",
            )],
            Err(Failure::AllowOriginMultiple {
                value: "https://app.example, https://b.example".into(),
                repeated: false,
            }),
        ),
        (
            "sent twice",
            false,
            &[
                ("access-control-allow-origin", ORIGIN),
                ("access-control-allow-origin", ORIGIN),
            ],
            Err(Failure::AllowOriginMultiple {
                value: format!("{ORIGIN}, {ORIGIN}"),
                repeated: true,
            }),
        ),
        (
            "not an origin",
            false,
            &[("access-control-allow-origin", "true")],
            Err(Failure::AllowOriginInvalid {
                value: "true".into(),
            }),
        ),
        (
            "null does not match a real origin",
            false,
            &[("access-control-allow-origin", "null")],
            Err(Failure::AllowOriginInvalid {
                value: "null".into(),
            }),
        ),
    ];
    for (name, credentials, headers, want) in cases {
        let got = cors_check(&req("GET", &[], *credentials), &resp(200, headers));
        assert_eq!(&got, want, "{name}");
    }
}

#[test]
fn null_origin_matches_a_literal_null() {
    let mut r = req("GET", &[], false);
    r.origin = "null".to_owned();
    assert_eq!(
        cors_check(&r, &resp(200, &[("access-control-allow-origin", "null")])),
        Ok(())
    );
}

/// A preflight answer that passes the CORS check for `ORIGIN`.
fn pf(status: u16, extra: &[(&'static str, &'static str)], credentials: bool) -> ResponseHead {
    let mut h: Vec<(&str, &str)> = vec![("access-control-allow-origin", ORIGIN)];
    if credentials {
        h.push(("access-control-allow-credentials", "true"));
    }
    h.extend_from_slice(extra);
    resp(status, &h)
}

#[test]
fn preflight_checks_follow_the_fetch_standard() {
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        bool,
        u16,
        &'static [(&'static str, &'static str)],
        Result<(), &'static str>,
    );
    let cases: &[Case] = &[
        (
            "method listed",
            "PUT",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "GET, PUT")],
            Ok(()),
        ),
        (
            "method missing",
            "PUT",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "GET")],
            Err("method-not-allowed"),
        ),
        (
            "no ACAM at all",
            "DELETE",
            &[],
            false,
            200,
            &[],
            Err("method-not-allowed"),
        ),
        (
            "method case matters",
            "PATCH",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "patch")],
            Err("method-not-allowed"),
        ),
        (
            "lowercase method must be listed lowercase",
            "patch",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "PATCH")],
            Err("method-not-allowed"),
        ),
        (
            "lowercase put is normalised",
            "put",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "PUT")],
            Ok(()),
        ),
        (
            "lowercase listed standard method never matches",
            "PUT",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "put")],
            Err("method-not-allowed"),
        ),
        (
            "method star",
            "PATCH",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "*")],
            Ok(()),
        ),
        (
            "method star with credentials",
            "PATCH",
            &[],
            true,
            204,
            &[("access-control-allow-methods", "*")],
            Err("method-not-allowed"),
        ),
        (
            "safelisted method needs no listing",
            "GET",
            &[("X-A", "1")],
            false,
            204,
            &[
                ("access-control-allow-methods", "get"),
                ("access-control-allow-headers", "x-a"),
            ],
            Ok(()),
        ),
        (
            "header listed, any case",
            "GET",
            &[("X-Api-Key", "1")],
            false,
            204,
            &[("access-control-allow-headers", "X-API-KEY")],
            Ok(()),
        ),
        (
            "header missing",
            "GET",
            &[("X-Api-Key", "1")],
            false,
            204,
            &[("access-control-allow-headers", "x-other")],
            Err("header-not-allowed"),
        ),
        (
            "header star",
            "GET",
            &[("X-Api-Key", "1")],
            false,
            204,
            &[("access-control-allow-headers", "*")],
            Ok(()),
        ),
        (
            "header star with credentials",
            "GET",
            &[("X-Api-Key", "1")],
            true,
            204,
            &[("access-control-allow-headers", "*")],
            Err("header-not-allowed"),
        ),
        (
            "authorization not under star",
            "GET",
            &[("Authorization", "Bearer t")],
            false,
            204,
            &[("access-control-allow-headers", "*")],
            Err("header-not-allowed"),
        ),
        (
            "authorization listed with star",
            "GET",
            &[("Authorization", "Bearer t")],
            false,
            204,
            &[("access-control-allow-headers", "*, authorization")],
            Ok(()),
        ),
        (
            "non-safelisted content-type",
            "POST",
            &[("Content-Type", "application/json")],
            false,
            204,
            &[],
            Err("header-not-allowed"),
        ),
        (
            "safelisted content-type needs no listing",
            "PUT",
            &[("Content-Type", "text/plain")],
            false,
            204,
            &[("access-control-allow-methods", "PUT")],
            Ok(()),
        ),
        (
            "status 2xx other than 200",
            "PUT",
            &[],
            false,
            299,
            &[("access-control-allow-methods", "PUT")],
            Ok(()),
        ),
        (
            "status not ok",
            "PUT",
            &[],
            false,
            500,
            &[("access-control-allow-methods", "PUT")],
            Err("preflight-status"),
        ),
        (
            "redirect",
            "PUT",
            &[],
            false,
            307,
            &[("location", "/elsewhere")],
            Err("preflight-redirect"),
        ),
        (
            "empty list items are skipped",
            "PUT",
            &[],
            false,
            204,
            &[("access-control-allow-methods", ",PUT,,")],
            Ok(()),
        ),
        (
            "invalid method list",
            "PUT",
            &[],
            false,
            204,
            &[("access-control-allow-methods", "PUT DELETE")],
            Err("allow-methods-invalid"),
        ),
        (
            "invalid header list",
            "PUT",
            &[],
            false,
            204,
            &[
                ("access-control-allow-methods", "PUT"),
                ("access-control-allow-headers", "x-a;x-b"),
            ],
            Err("allow-headers-invalid"),
        ),
        (
            "max-age absent is fine",
            "PUT",
            &[],
            false,
            204,
            &[
                ("access-control-allow-methods", "PUT"),
                ("access-control-max-age", "abc"),
            ],
            Ok(()),
        ),
    ];
    for (name, method, headers, credentials, status, extra, want) in cases {
        let r = req(method, headers, *credentials);
        let got = preflight_check(&r, &pf(*status, extra, *credentials));
        match (want, &got) {
            (Ok(()), Ok(_)) => {}
            (Err(id), Err(f)) => assert_eq!(f.id(), *id, "{name}: {f:?}"),
            _ => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn preflight_cors_check_comes_before_status_as_in_chromium() {
    // A 403 without CORS headers (how many servers refuse) is reported as
    // the missing header, not the status.
    let got = preflight_check(&req("PUT", &[], false), &resp(403, &[]));
    assert_eq!(got, Err(Failure::AllowOriginMissing));
}

#[test]
fn preflight_failures_name_the_header_and_why_star_did_not_apply() {
    let r = req("GET", &[("Authorization", "t")], false);
    let got = preflight_check(
        &r,
        &pf(204, &[("access-control-allow-headers", "*")], false),
    );
    assert_eq!(
        got,
        Err(Failure::HeaderNotAllowed {
            name: "authorization".into(),
            all: vec!["authorization".into()],
            wildcard_ignored: false,
            authorization_under_wildcard: true,
        })
    );
    let r = req("GET", &[("X-B", "1"), ("X-A", "1")], true);
    let got = preflight_check(&r, &pf(204, &[("access-control-allow-headers", "*")], true));
    assert_eq!(
        got,
        Err(Failure::HeaderNotAllowed {
            name: "x-a".into(),
            all: vec!["x-a".into(), "x-b".into()],
            wildcard_ignored: true,
            authorization_under_wildcard: false,
        })
    );
}

#[test]
fn max_age_is_reported_when_numeric() {
    let cases = [
        ("+5", None, true),
        ("99999999999999999999999", Some(u64::MAX), false),
        ("600", Some(600), false),
        ("abc", None, true),
        ("-1", None, true),
    ];
    for (value, age, invalid) in cases {
        let r = req("PUT", &[], false);
        let grant = preflight_check(
            &r,
            &pf(
                204,
                &[
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-max-age", value),
                ],
                false,
            ),
        )
        .expect("passes");
        assert_eq!(
            (grant.max_age, grant.max_age_invalid),
            (age, invalid),
            "{value}"
        );
    }
}

#[test]
fn actual_response_redirects_are_reported_after_the_cors_check() {
    let r = req("GET", &[], false);
    assert_eq!(
        actual_check(&r, &resp(302, &[("location", "/b")])),
        Err(Failure::AllowOriginMissing)
    );
    assert_eq!(
        actual_check(
            &r,
            &resp(
                302,
                &[("location", "/b"), ("access-control-allow-origin", "*")]
            )
        ),
        Err(Failure::Redirect {
            status: 302,
            location: Some("/b".into())
        })
    );
    // An error status with the right headers is still readable.
    assert_eq!(
        actual_check(&r, &resp(500, &[("access-control-allow-origin", "*")])),
        Ok(())
    );
}

#[test]
fn exposure_follows_the_safelist_and_expose_headers() {
    type Case = (
        &'static str,
        bool,
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
    );
    let cases: &[Case] = &[
        (
            "nothing exposed",
            false,
            "",
            &["cache-control", "content-type"],
            &["set-cookie", "x-id", "x-other"],
        ),
        (
            "listed, any case",
            false,
            "X-Id",
            &["cache-control", "content-type", "x-id"],
            &["access-control-expose-headers", "set-cookie", "x-other"],
        ),
        (
            "star without credentials: all but set-cookie",
            false,
            "*",
            &[
                "access-control-expose-headers",
                "cache-control",
                "content-type",
                "x-id",
                "x-other",
            ],
            &["set-cookie"],
        ),
        (
            "star with credentials is literal",
            true,
            "*",
            &["cache-control", "content-type"],
            &[
                "access-control-expose-headers",
                "set-cookie",
                "x-id",
                "x-other",
            ],
        ),
    ];
    for (name, credentials, aceh, readable, hidden) in cases {
        let mut h = vec![
            ("content-type", "text/plain"),
            ("cache-control", "no-store"),
            ("x-id", "1"),
            ("x-other", "2"),
            ("set-cookie", "a=b"),
        ];
        if !aceh.is_empty() {
            h.push(("access-control-expose-headers", aceh));
        }
        let e = exposure(&req("GET", &[], *credentials), &resp(200, &h));
        let readable: Vec<String> = readable.iter().map(|s| (*s).to_owned()).collect();
        let hidden: Vec<String> = hidden.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(e.readable, readable, "{name}");
        assert_eq!(e.hidden, hidden, "{name}");
        assert_eq!(e.wildcard_ignored, *credentials && *aceh == "*", "{name}");
    }
}
