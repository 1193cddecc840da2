//! gofiber/fiber CVE-2024-25124 (GHSA-fmg4-x8pw-hjhg): the CORS middleware
//! accepted `AllowOrigins: "*"` together with `AllowCredentials: true`.

use super::*;

#[test]
fn build_refuses_any_origin_with_credentials_in_either_order() {
    let first = CorsLayer::builder()
        .allow_credentials(true)
        .allow_any_origin()
        .build()
        .unwrap_err();
    let second = CorsLayer::builder()
        .allow_any_origin()
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert!(matches!(
        first,
        ConfigError::CredentialsWithAnyOrigin { .. }
    ));
    assert!(matches!(
        second,
        ConfigError::CredentialsWithAnyOrigin { .. }
    ));
    assert!(first.to_string().contains("allow_origins"));
}

#[tokio::test]
async fn any_method_header_and_exposure_with_credentials_never_answer_star() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_any_header()
        .expose_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, calls) = run(
        &layer,
        preflight(APP, "PATCH", Some("x-custom, authorization")),
        &[],
    )
    .await;
    assert_eq!(calls, 0);
    let h = res.headers();
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "PATCH");
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "x-custom, authorization"
    );

    let (res, _) = run(
        &layer,
        actual(Method::GET, Some(APP)),
        &[("x-request-id", "1")],
    )
    .await;
    let h = res.headers();
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert_eq!(h[header::ACCESS_CONTROL_EXPOSE_HEADERS], "x-request-id");
}
/// Found by the `policy_decide` fuzz target: `*` is a valid method token
/// and header name, so "any" under credentials echoed a requested `*`
/// next to `Access-Control-Allow-Credentials: true`. Browsers read it
/// literally there, but it broke the rule that no credentialed answer
/// carries `*`, which reviewers and scanners rely on.
#[tokio::test]
async fn a_method_or_header_literally_named_star_is_refused_under_credentials() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    for (method, headers, reason) in [
        ("*", None, Rejection::MethodNotAllowed("*")),
        ("PUT", Some("*"), Rejection::HeaderNotAllowed("*")),
        ("PUT", Some("x-a, *"), Rejection::HeaderNotAllowed("*")),
    ] {
        let mut pairs = vec![("origin", APP), ("access-control-request-method", method)];
        if let Some(h) = headers {
            pairs.push(("access-control-request-headers", h));
        }
        let p = parts(Method::OPTIONS, &pairs);
        assert!(
            matches!(layer.policy().decide(&p), Decision::Rejected(r) if r.reason() == reason),
            "{method} {headers:?}"
        );
        // The allowed origin gets the policy's answer, which never
        // names `*`: the browser refuses the request itself.
        let (res, calls) = run(&layer, preflight(APP, method, headers), &[]).await;
        assert_eq!(calls, 0);
        assert!(res.status().is_success());
        let h = res.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        for name in [
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
        ] {
            assert!(!tokens(h, name.as_str()).contains(&"*".to_owned()), "{h:?}");
        }
    }
    // The regression input itself, as the fuzzer found it.
    let (res, _) = run(&layer, preflight(APP, "GET", Some("*")), &[]).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
        .is_none());
}

#[tokio::test]
async fn exposing_any_header_under_credentials_never_names_star() {
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .expose_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let (res, _) = run(
        &layer,
        actual(Method::GET, Some(APP)),
        &[("*", "1"), ("x-request-id", "2")],
    )
    .await;
    assert_eq!(
        values(res.headers(), "access-control-expose-headers"),
        ["x-request-id"]
    );
}

#[test]
fn star_as_a_listed_method_or_header_name_is_refused() {
    let star = http::HeaderName::from_static("*");
    let errors = [
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods([Method::from_bytes(b"*").unwrap()])
            .build(),
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_headers([star.clone()])
            .build(),
        CorsLayer::builder()
            .allow_origins([APP])
            .expose_headers([star])
            .build(),
    ];
    let expected = [
        ("allow_methods", "allow_any_method"),
        ("allow_headers", "allow_any_header"),
        ("expose_headers", "expose_any_header"),
    ];
    for (result, (list, instead)) in errors.into_iter().zip(expected) {
        let err = result.unwrap_err();
        assert!(matches!(err, ConfigError::WildcardName { .. }), "{err:?}");
        assert_eq!(err.location().map(|at| at.field()), Some(list));
        assert!(err.to_string().contains(instead), "{err}");
    }
}
