//! Regression tests for the holes other CORS middlewares shipped, one module
//! per class, each citing its advisory. Each shows this crate is immune,
//! either because `build()` refuses the configuration or because the
//! decision refuses the request.

use crate::common::*;
use http::{header, Method, StatusCode};
use tower_cors::{ConfigError, CorsLayer, Decision, Rejection};

/// Whether a GET from `origin` gets an `Access-Control-Allow-Origin`, and which.
fn acao_for(layer: &CorsLayer, origin: &str) -> Option<String> {
    let p = parts(Method::GET, &[("origin", origin)]);
    match layer.policy().decide(&p) {
        Decision::Actual(allowed) => Some(allowed.allow_origin().to_str().unwrap().to_owned()),
        Decision::Rejected(_) => None,
        other => panic!("{origin}: unexpected {other:?}"),
    }
}

fn build_err(origins: &[&str]) -> ConfigError {
    CorsLayer::builder()
        .allow_origins(origins)
        .build()
        .expect_err("configuration should be refused")
}

/// rs/cors CVE-2018-20744 (GO-2023-1792): a `*` policy was turned into
/// reflecting any `Origin`, and with credentials that lets any site read
/// authenticated responses; jub0bs showed (rs/cors#197) that `h*` still
/// reflects near-arbitrary origins. gin-contrib/cors CVE-2019-25211: a
/// trailing wildcard in `https://example.com*` allowed
/// `https://example.community`, and `http://localhost*` allowed
/// `http://localhost.example.com`.
mod wildcard_origin_bypass {
    use super::*;

    #[test]
    fn a_star_in_the_origin_list_is_refused() {
        assert_eq!(build_err(&["*"]), ConfigError::WildcardOrigin);
    }

    #[test]
    fn wildcards_other_than_a_leading_label_or_the_port_are_refused() {
        for pattern in [
            "h*",
            "https://*",
            "https://*.*",
            "https://**.example.com",
            "https://*example.com",
            "https://a.*.example.com",
            "https://example.*",
            "https://example.com*",
            "http://localhost*",
            "https://app.example.com:8*",
            "*://app.example.com",
        ] {
            let err = build_err(&[pattern]);
            assert!(
                matches!(
                    err,
                    ConfigError::MisplacedWildcard { .. } | ConfigError::InvalidOrigin { .. }
                ),
                "{pattern}: {err:?}"
            );
        }
    }

    #[test]
    fn an_exact_origin_never_allows_an_origin_it_is_a_prefix_of() {
        let layer = CorsLayer::builder()
            .allow_origins(["https://example.com", "http://localhost"])
            .build()
            .unwrap();
        for evil in [
            "https://example.community",
            "https://example.com.evil.net",
            "https://example.comevil.net",
            "http://localhost.example.com",
            "http://localhost:8080",
            "http://localhostevil",
        ] {
            assert_eq!(acao_for(&layer, evil), None, "{evil}");
        }
        assert_eq!(
            acao_for(&layer, "https://example.com").as_deref(),
            Some("https://example.com")
        );
    }

    #[test]
    fn any_origin_answers_star_and_never_reflects_the_origin() {
        let layer = CorsLayer::builder().allow_any_origin().build().unwrap();
        for origin in ["https://evil.example", "null", "http://localhost:1"] {
            assert_eq!(acao_for(&layer, origin).as_deref(), Some("*"), "{origin}");
        }
        assert_eq!(
            acao_for(&CorsLayer::permissive(), "https://evil.example").as_deref(),
            Some("*")
        );
    }

    #[test]
    fn any_origin_with_credentials_is_refused_instead_of_reflecting() {
        let err = CorsLayer::builder()
            .allow_any_origin()
            .allow_credentials(true)
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::CredentialsWithAnyOrigin);
    }
}

/// gofiber/fiber CVE-2024-25124 (GHSA-fmg4-x8pw-hjhg): the CORS middleware
/// accepted `AllowOrigins: "*"` together with `AllowCredentials: true`.
mod wildcard_with_credentials {
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
        assert_eq!(first, ConfigError::CredentialsWithAnyOrigin);
        assert_eq!(second, ConfigError::CredentialsWithAnyOrigin);
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
            assert_eq!(err, ConfigError::WildcardName { list, instead });
            assert!(err.to_string().contains(instead), "{err}");
        }
    }
}

/// Apache Tomcat CVE-2018-8014: the CORS filter's defaults allowed every
/// origin *and* credentials (`cors.allowed.origins=*`,
/// `cors.support.credentials=true`).
mod insecure_defaults {
    use super::*;

    /// Stricter than "allows no origin": an unconfigured layer, with or
    /// without credentials, does not build at all.
    #[test]
    fn an_unconfigured_layer_is_refused() {
        for credentials in [false, true] {
            let err = CorsLayer::builder()
                .allow_credentials(credentials)
                .build()
                .unwrap_err();
            assert_eq!(err, ConfigError::NoOrigin, "credentials: {credentials}");
        }
    }

    #[tokio::test]
    async fn defaults_allow_only_safelisted_methods_no_headers_and_no_credentials() {
        let layer = CorsLayer::builder().allow_origins([APP]).build().unwrap();
        assert!(!layer.policy().allows_credentials());
        // Refused, the allowed origin learns the defaults, which lack them.
        let (res, _) = run(&layer, preflight(APP, "DELETE", None), &[]).await;
        assert_eq!(
            res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS],
            "GET, HEAD, POST"
        );
        let (res, _) = run(&layer, preflight(APP, "POST", Some("x-custom")), &[]).await;
        assert!(res
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
            .is_none());
        let (res, _) = run(&layer, preflight(APP, "POST", None), &[]).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let h = res.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "GET, HEAD, POST");
        assert!(h.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
        assert!(h.get(header::ACCESS_CONTROL_ALLOW_HEADERS).is_none());
        assert!(h.get(header::ACCESS_CONTROL_MAX_AGE).is_none());
    }

    #[tokio::test]
    async fn the_permissive_preset_never_allows_credentials() {
        let layer = CorsLayer::permissive();
        assert!(!layer.policy().allows_credentials());
        let (res, _) = run(&layer, actual(Method::GET, Some(APP)), &[]).await;
        assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(res
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .is_none());
    }
}

/// Flask-CORS CVE-2024-6221: `Access-Control-Allow-Private-Network: true`
/// was sent by default, letting public sites reach services on private
/// networks.
mod private_network_access_is_opt_in {
    use super::*;

    fn pna_preflight() -> http::Request<String> {
        let mut req = preflight(APP, "GET", None);
        req.headers_mut().insert(
            "access-control-request-private-network",
            http::HeaderValue::from_static("true"),
        );
        req
    }

    #[tokio::test]
    async fn no_configuration_answers_private_network_preflights_unless_asked_to() {
        let layers = [
            CorsLayer::permissive(),
            CorsLayer::builder().allow_origins([APP]).build().unwrap(),
            CorsLayer::builder()
                .allow_any_origin()
                .allow_any_method()
                .allow_any_header()
                .build()
                .unwrap(),
        ];
        for layer in &layers {
            let (res, calls) = run(layer, pna_preflight(), &[]).await;
            assert_eq!(calls, 0);
            assert!(res
                .headers()
                .get("access-control-allow-private-network")
                .is_none());
        }
    }

    #[tokio::test]
    async fn allow_private_network_true_is_the_only_switch() {
        let layer = CorsLayer::builder()
            .allow_origins([APP])
            .allow_private_network(true)
            .build()
            .unwrap();
        let (res, _) = run(&layer, pna_preflight(), &[]).await;
        assert_eq!(
            res.headers()["access-control-allow-private-network"],
            "true"
        );
        // Only for an allowed origin.
        let mut evil = pna_preflight();
        evil.headers_mut().insert(
            header::ORIGIN,
            http::HeaderValue::from_static("https://evil.example"),
        );
        let (res, _) = run(&layer, evil, &[]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!has_cors_headers(res.headers()));
    }
}

/// Flask-CORS CVE-2024-6844 (origins matched after lowercasing and URL
/// normalisation of the path), CVE-2024-6866 (case-insensitive path
/// matching) and CVE-2024-6839 (regex patterns ordered and escaped wrongly,
/// so `.` matched any character): origin matching must be byte-exact and
/// independent of the request path, and configuration is not a regex.
mod origin_matching_is_exact {
    use super::*;

    #[test]
    fn request_origins_are_compared_byte_for_byte() {
        let layer = CorsLayer::builder()
            .allow_origins([APP, "https://*.example.org"])
            .build()
            .unwrap();
        for evil in [
            "https://APP.example.com",
            "https://App.Example.Com",
            "HTTPS://app.example.com",
            "https://app.example.com.",
            "https://app.example.com:443",
            "https://A.example.org",
            "https://a.EXAMPLE.org",
        ] {
            assert_eq!(acao_for(&layer, evil), None, "{evil}");
        }
    }

    #[test]
    fn a_dot_in_a_configured_origin_is_a_dot_not_any_character() {
        let layer = CorsLayer::builder()
            .allow_origins([APP, "https://*.example.org"])
            .build()
            .unwrap();
        for evil in [
            "https://appxexample.com",
            "https://app-example.com",
            "https://app.examplexcom",
            "https://a.examplexorg",
            "https://a-example.org",
        ] {
            assert_eq!(acao_for(&layer, evil), None, "{evil}");
        }
    }

    #[test]
    fn regular_expressions_and_non_canonical_origins_are_refused() {
        for regex in [
            r"https://.*\.example\.com",
            r"^https://app\.example\.com$",
            "https://app.example.com|https://evil.example",
            "https://[a-z]+.example.com",
        ] {
            assert!(
                CorsLayer::builder().allow_origins([regex]).build().is_err(),
                "{regex}"
            );
        }
        let err = build_err(&["https://App.Example.com"]);
        assert_eq!(
            err,
            ConfigError::NonCanonicalOrigin {
                origin: "https://App.Example.com".into(),
                canonical: APP.into(),
            }
        );
        assert!(matches!(
            build_err(&["https://app.example.com/api"]),
            ConfigError::OriginWithPath { .. }
        ));
    }

    #[test]
    fn the_decision_does_not_depend_on_the_request_path() {
        let layer = CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods([Method::DELETE])
            .build()
            .unwrap();
        for path in [
            "/",
            "/api",
            "/API",
            "/api/../admin",
            "/%2e%2e/admin",
            "//evil.example/",
        ] {
            for (origin, allowed) in [(APP, true), ("https://evil.example", false)] {
                let req = http::Request::options(path)
                    .header(header::ORIGIN, origin)
                    .header(header::ACCESS_CONTROL_REQUEST_METHOD, "DELETE")
                    .body(())
                    .unwrap();
                let (p, ()) = req.into_parts();
                let decision = layer.policy().decide(&p);
                assert_eq!(
                    matches!(decision, Decision::Preflight(_)),
                    allowed,
                    "{path} {origin}"
                );
            }
        }
    }
}

/// Flask-CORS CVE-2024-1681: request data was logged unescaped, so CR/LF in a
/// request forged log lines. Every diagnostic here (`Rejection`,
/// `Rejected`, `ConfigError`, the policy summary) escapes control characters.
mod log_injection {
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
        for origin in [
            "https://app.example.com\r\n[ERROR] forged line",
            "https://app.example.com/\n",
            "https://app.\u{1b}[31mexample.com",
            "https://app.example.com\u{0}",
            "file:///\r\nx",
            "https://*\n.example.com",
            "https://u\r\n@app.example.com",
            "https://app.example.com?\u{7f}",
            "https://app.example.com\u{2028}forged",
            "https://\u{202e}moc.elpmaxe.ppa",
        ] {
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
        let layer = CorsLayer::builder().allow_origins([APP]).build().unwrap();
        for bad in [
            &b"https://evil.example\t"[..],
            b"https://evil.\x80example",
            b"https://evil.example\xff",
        ] {
            let mut p = parts(Method::GET, &[]);
            p.headers
                .insert(header::ORIGIN, http::HeaderValue::from_bytes(bad).unwrap());
            let Decision::Rejected(r) = layer.policy().decide(&p) else {
                panic!("allowed {bad:?}")
            };
            assert!(matches!(r.reason(), Rejection::Malformed(_)));
            let text = r.to_string();
            assert_one_clean_line(&text);
            assert!(!text.contains("evil"), "{text}");
        }
    }

    #[test]
    fn the_policy_summary_is_one_clean_line() {
        let layer = CorsLayer::builder()
            .allow_origins([APP, "https://*.example.org", "http://localhost:*"])
            .allow_origin_predicate(|_, _| false)
            .allow_any_header()
            .build()
            .unwrap();
        assert_one_clean_line(&layer.policy().to_string());
    }
}

/// Suffix-sharing subdomain patterns: matchers that test `ends_with
/// ("example.com")` allow `evil-example.com`, and ones that test a prefix allow
/// `example.com.evil.net`. Also the PortSwigger "trusted subdomain" and
/// "unescaped dot" CORS research classes.
mod subdomain_patterns_respect_label_boundaries {
    use super::*;

    fn layer() -> CorsLayer {
        CorsLayer::builder()
            .allow_origins(["https://*.example.com"])
            .allow_credentials(true)
            .build()
            .unwrap()
    }

    #[test]
    fn only_true_subdomains_match() {
        let layer = layer();
        for good in [
            "https://a.example.com",
            "https://a.b.example.com",
            "https://x-1.example.com",
        ] {
            assert_eq!(acao_for(&layer, good).as_deref(), Some(good));
        }
        for evil in [
            "https://example.com",
            "https://evil-example.com",
            "https://evilexample.com",
            "https://example.com.evil.net",
            "https://a.example.com.evil.net",
            "https://a.example.co",
            "https://.example.com",
            "https://a..example.com",
            "https://a.example.com.",
            "http://a.example.com",
            "https://a.example.com:8443",
            "https://a.example.com:443",
            "wss://a.example.com",
        ] {
            assert_eq!(acao_for(&layer, evil), None, "{evil}");
        }
    }

    #[test]
    fn wildcards_on_public_suffixes_and_ip_addresses_are_refused() {
        for pattern in [
            "https://*.com",
            "https://*.co.uk",
            "https://*.github.io",
            "https://*.vercel.app",
        ] {
            assert!(
                matches!(
                    build_err(&[pattern]),
                    ConfigError::WildcardOnPublicSuffix { .. }
                ),
                "{pattern}"
            );
        }
        assert!(matches!(
            build_err(&["https://*.0.0.1"]),
            ConfigError::WildcardOnIpAddress { .. } | ConfigError::WildcardOnPublicSuffix { .. }
        ));
    }
}

/// The `null` origin: sent by sandboxed iframes, `file:` pages, `data:` URLs
/// and cross-origin redirects, so allowing it allows all of them at once
/// (PortSwigger "whitelisted null origin"; many middlewares list `null`).
mod null_origin {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[test]
    fn null_and_file_origins_are_refused_at_build() {
        assert_eq!(build_err(&["null"]), ConfigError::NullOrigin);
        assert_eq!(build_err(&[" NULL "]), ConfigError::NullOrigin);
        assert!(matches!(
            build_err(&["file://"]),
            ConfigError::FileOrigin { .. }
        ));
        assert!(matches!(
            build_err(&["file:///home/me/index.html"]),
            ConfigError::FileOrigin { .. }
        ));
    }

    #[test]
    fn null_is_never_matched_by_lists_patterns_or_predicates() {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&calls);
        let layer = CorsLayer::builder()
            .allow_origins([APP, "https://*.example.org", "http://localhost:*"])
            .allow_origin_predicate(move |_, _| {
                seen.fetch_add(1, Ordering::SeqCst);
                true
            })
            .allow_credentials(true)
            .build()
            .unwrap();
        assert_eq!(acao_for(&layer, "null"), None);
        let p = parts(
            Method::OPTIONS,
            &[("origin", "null"), ("access-control-request-method", "GET")],
        );
        assert!(matches!(
            layer.policy().decide(&p),
            Decision::Rejected(r) if r.reason() == Rejection::OriginNotAllowed("null")
        ));
        assert_eq!(calls.load(Ordering::SeqCst), 0, "the predicate saw null");
        // The predicate does run for real origins.
        assert!(acao_for(&layer, "https://other.example").is_some());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn any_origin_answers_null_with_star_which_carries_no_credentials() {
        assert_eq!(
            acao_for(&CorsLayer::permissive(), "null").as_deref(),
            Some("*")
        );
    }
}

/// Reflected origins with credentials: middlewares (and hand-written
/// handlers) that echo `Origin` into `Access-Control-Allow-Origin` together
/// with `Access-Control-Allow-Credentials: true` let every site read
/// authenticated responses. Also plain-`http://` origins trusted with
/// credentials, which a network attacker can impersonate.
mod reflected_origins_with_credentials {
    use super::*;

    fn layer() -> CorsLayer {
        CorsLayer::builder()
            .allow_origins([APP, "https://*.example.org"])
            .allow_credentials(true)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn only_allowed_origins_are_echoed_and_every_echo_varies_by_origin() {
        let layer = layer();
        for (origin, allowed) in [
            (APP, true),
            ("https://a.example.org", true),
            ("https://evil.example", false),
            ("https://app.example.com.evil.example", false),
        ] {
            let (res, calls) = run(
                &layer,
                actual(Method::GET, Some(origin)),
                &[
                    ("access-control-allow-origin", "*"),
                    ("access-control-allow-credentials", "true"),
                ],
            )
            .await;
            assert_eq!(calls, 1);
            let h = res.headers();
            assert!(vary_tokens(h).contains(&"origin".to_owned()), "{origin}");
            if allowed {
                assert_eq!(values(h, "access-control-allow-origin"), [origin]);
                assert_eq!(values(h, "access-control-allow-credentials"), ["true"]);
            } else {
                // What the inner service set is stripped, too.
                assert!(!has_cors_headers(h), "{origin}: {h:?}");
            }
        }
    }

    #[test]
    fn plain_http_origins_with_credentials_are_refused_unless_loopback_or_explicit() {
        let err = CorsLayer::builder()
            .allow_origins(["http://app.example.com"])
            .allow_credentials(true)
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            ConfigError::InsecureOriginWithCredentials { .. }
        ));
        let err = CorsLayer::builder()
            .allow_origins(["http://*.example.com"])
            .allow_credentials(true)
            .build()
            .unwrap_err();
        assert!(matches!(
            err,
            ConfigError::InsecureOriginWithCredentials { .. }
        ));
        for loopback in [
            "http://localhost:*",
            "http://127.0.0.1:8080",
            "http://[::1]:3000",
            "http://*.localhost",
        ] {
            assert!(
                CorsLayer::builder()
                    .allow_origins([loopback])
                    .allow_credentials(true)
                    .build()
                    .is_ok(),
                "{loopback}"
            );
        }
        assert!(CorsLayer::builder()
            .allow_origins(["http://intranet.example"])
            .allow_credentials(true)
            .allow_credentials_over_http(true)
            .build()
            .is_ok());
    }
}
