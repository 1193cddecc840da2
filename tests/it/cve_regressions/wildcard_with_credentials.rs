//! gofiber/fiber CVE-2024-25124 (GHSA-fmg4-x8pw-hjhg): the CORS middleware
//! accepted `AllowOrigins: "*"` together with `AllowCredentials: true`.

use super::*;

#[test]
fn build_refuses_any_origin_with_credentials_in_either_order() {
    let first = CorsLayer::builder().allow_credentials(true).allow_any_origin();
    let any = CorsLayer::builder().allow_any_origin().allow_any_method();
    let second = any.allow_any_header().allow_credentials(true);
    for builder in [first, second] {
        let err = builder.build().unwrap_err();
        assert!(matches!(err, ConfigError::CredentialsWithAnyOrigin { .. }));
        assert!(err.to_string().contains("allow_origins"));
    }
}

#[tokio::test]
#[rustfmt::skip]
async fn any_method_header_and_exposure_with_credentials_never_answer_star() {
    let layer = app(|b| b.allow_any_method().allow_any_header().expose_any_header().allow_credentials(true));
    let want = [(ACAO, APP), (ACAC, "true"), (ACAM, "PATCH"), (ACAH, "x-custom, authorization")];
    expect("preflight", &layer, preflight(APP, "PATCH", Some("x-custom, authorization")), &[], "204", &want).await;
    let want = [(ACAO, APP), (ACEH, "x-request-id")];
    expect("actual", &layer, get(APP), &[("x-request-id", "1")], "inner", &want).await;
}

/// Found by the `policy_decide` fuzz target: `*` is a valid method token
/// and header name, so "any" under credentials echoed a requested `*`
/// next to `Access-Control-Allow-Credentials: true`. Browsers read it
/// literally there, but it broke the rule that no credentialed answer
/// carries `*`, which reviewers and scanners rely on.
#[tokio::test]
#[rustfmt::skip]
async fn a_method_or_header_literally_named_star_is_refused_under_credentials() {
    let layer = app(|b| b.allow_any_method().allow_any_header().allow_credentials(true));
    for (method, headers, reason) in [
        ("*", None, r#"MethodNotAllowed("*")"#),
        ("PUT", Some("*"), r#"HeaderNotAllowed("*")"#),
        ("PUT", Some("x-a, *"), r#"HeaderNotAllowed("*")"#),
    ] {
        let req = preflight(APP, method, headers);
        assert_eq!(decision(&layer, &req), format!("Preflight refused: {reason}"), "{method} {headers:?}");
        // The allowed origin gets the policy's answer, which never
        // names `*`: the browser refuses the request itself.
        let res = expect(reason, &layer, req, &[], "204", &[(ACAC, "true")]).await;
        for name in [ACAM, ACAH] {
            assert!(!tokens(res.headers(), name).contains(&"*".to_owned()), "{:?}", res.headers());
        }
    }
    // The regression input itself, as the fuzzer found it.
    expect("GET *", &layer, preflight(APP, "GET", Some("*")), &[], "204", &[(ACAH, ABSENT)]).await;
}

#[tokio::test]
async fn exposing_any_header_under_credentials_never_names_star() {
    let layer = app(|b| b.expose_any_header().allow_credentials(true));
    let inner = &[("*", "1"), ("x-request-id", "2")];
    expect("GET", &layer, get(APP), inner, "inner", &[(ACEH, "x-request-id")]).await;
}

#[test]
#[rustfmt::skip]
fn star_as_a_listed_method_or_header_name_is_refused() {
    let star = http::HeaderName::from_static("*");
    let app = || CorsLayer::builder().allow_origins([APP]);
    for (built, list, instead) in [
        (app().allow_methods([Method::from_bytes(b"*").unwrap()]).build(), "allow_methods", "allow_any_method"),
        (app().allow_headers([star.clone()]).build(), "allow_headers", "allow_any_header"),
        (app().expose_headers([star]).build(), "expose_headers", "expose_any_header"),
    ] {
        let err = built.unwrap_err();
        assert!(matches!(err, ConfigError::WildcardName { .. }), "{err:?}");
        assert_eq!(err.location().map(|at| at.field()), Some(list));
        assert!(err.to_string().contains(instead), "{err}");
    }
}
