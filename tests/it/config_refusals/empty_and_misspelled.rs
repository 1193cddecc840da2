//! Configurations that allow nothing or never match: no origin at all, the
//! six standard methods in lowercase, several origins in one string, `Cookie`
//! as a request header, text that is not a method or header name.

use super::*;

#[test]
fn a_policy_that_allows_no_origin_is_refused() {
    let nothing = [
        CorsLayer::builder(),
        CorsLayer::builder().allow_credentials(true),
        CorsLayer::builder().allow_methods([Method::PUT]).allow_headers(["x-api-key"]),
    ];
    for builder in nothing {
        let err = refusal(builder);
        let location = located(&err, "allow_origins", None);
        assert_eq!(err, ConfigError::NoOrigin { location });
        let msg = err.to_string();
        for fix in ["allow_origins([", "allow_origin_predicate(", "allow_any_origin()"] {
            assert!(msg.contains(fix), "{msg}");
        }
    }
    // Any origin rule at all is enough: a list, a predicate, an async check.
    assert!(CorsLayer::builder().allow_origin_predicate(|_, _| false).build().is_ok());
    let async_check = CorsLayer::builder().allow_origin_async_predicate(|_, _| async { false });
    assert!(async_check.build().is_ok());
}

#[test]
#[rustfmt::skip]
fn the_six_standard_methods_in_lowercase_are_refused() {
    for (lower, upper) in [("delete", "DELETE"), ("get", "GET"), ("head", "HEAD"), ("options", "OPTIONS"), ("post", "POST"), ("Put", "PUT")] {
        let typed = origins(&["https://a.example"]).allow_methods([Method::PUT, Method::from_bytes(lower.as_bytes()).unwrap()]);
        for err in [refusal(typed), refusal(origins(&["https://a.example"]).allow_methods(["PUT", lower]))] {
            let location = located(&err, "allow_methods", Some(1));
            assert_eq!(err, ConfigError::LowercaseMethod { method: lower.into(), uppercase: upper.into(), location });
            assert!(err.to_string().contains(&format!("write \"{upper}\"")), "{err}");
        }
    }
    // Browsers send other methods as written: lowercase `patch` is a method of its own.
    assert!(origins(&["https://a.example"]).allow_methods(["patch", "PATCH"]).build().is_ok());
}

#[test]
#[rustfmt::skip]
fn a_string_holding_several_origins_is_refused_as_a_list() {
    for list in ["https://a.example,https://b.example", "https://a.example, https://b.example", "https://a.example https://b.example"] {
        let err = refusal(origins(&[list]));
        assert_eq!(err, ConfigError::OriginList { origin: list.into(), location: origin_at(&err) });
        let msg = err.to_string();
        assert!(msg.contains("looks like a list: give each origin separately"), "{msg}");
        assert!(msg.contains(r#"allow_origins(["https://a.example", "https://b.example"])"#), "{msg}");
    }
}

#[test]
fn cookie_as_an_allowed_header_points_to_credentials() {
    for cookie in ["Cookie", "cookie2"] {
        let msg = refusal(origins(&["https://a.example"]).allow_headers([cookie])).to_string();
        let fix = "cookies are sent with allow_credentials(true), not as a header";
        assert!(msg.contains(fix), "{msg}");
    }
}

#[test]
#[rustfmt::skip]
fn text_that_is_not_a_method_or_header_name_is_refused_naming_it() {
    let err = refusal(origins(&["https://a.example"]).allow_methods(["GE T"]));
    let location = located(&err, "allow_methods", Some(0));
    assert_eq!(err, ConfigError::InvalidMethod { method: "GE T".into(), location });
    let err = refusal(origins(&["https://a.example"]).allow_headers(["bad header"]));
    let location = located(&err, "allow_headers", Some(0));
    assert_eq!(err, ConfigError::InvalidHeaderName { header: "bad header".into(), location });
    assert!(err.to_string().contains("in allow_headers"), "{err}");
    let err = refusal(origins(&["https://a.example"]).expose_headers(["x-total, x-page"]));
    assert!(matches!(err, ConfigError::InvalidHeaderName { .. }));
    located(&err, "expose_headers", Some(0));
    let fix = r#"looks like a list: give each header name separately, as in expose_headers(["x-total", "x-page"])"#;
    assert!(err.to_string().contains(fix), "{err}");
}
