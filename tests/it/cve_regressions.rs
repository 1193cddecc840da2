//! Regression tests for the holes other CORS middlewares shipped, each row
//! or test citing its advisory (or the DESIGN.md rule that closes it):
//! `build()` refuses the configuration, or the decision refuses the request.
//! Private Network Access answers (Flask-CORS CVE-2024-6221) are rows of
//! `response_rules.rs`; the fuzz-found literal `*` is in `refused_answers.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::*;
use crate::config_refusals::{origins, refusal};
use http::{header, Method};
use tower_cors::{CorsLayer, Decision, Rejection};

const TOMCAT: &str = "Tomcat CVE-2018-8014, allow-all defaults";
const NULL: &str = "`null` (sandboxed iframes, file: pages, redirects; PortSwigger)";
const FLASK_EXACT: &str = "Flask-CORS CVE-2024-6844/6866/6839, matching is exact, not a regex";
const REFLECTED: &str = "reflected origins with credentials";
const SUBDOMAINS: &str = "suffix-sharing subdomains (PortSwigger trusted subdomain, unescaped dot)";
/// A `*` policy turned into reflecting any Origin; jub0bs (rs/cors#197):
/// `h*` still reflects near-arbitrary origins. gin-contrib/cors
/// CVE-2019-25211: `https://example.com*` allowed `https://example.community`.
const RS_CORS: &str = "rs/cors CVE-2018-20744 (GO-2023-1792), gin-contrib/cors CVE-2019-25211";
const CANONICAL: &str = "DESIGN.md Response rules: byte-exact against the canonical form";
const PORTS: &str = "DESIGN.md Response rules: `:*` is any port of that host, and only a port";
const FIBER: &str = "gofiber/fiber CVE-2024-25124 (GHSA-fmg4-x8pw-hjhg), `*` with credentials";

/// Whether a GET from `origin` gets an `Access-Control-Allow-Origin`, and which.
fn acao_for(layer: &CorsLayer, origin: &str) -> Option<String> {
    match layer.policy().decide(&parts(Method::GET, &[("origin", origin)])) {
        Decision::Actual(allowed) => Some(allowed.allow_origin().to_str().unwrap().to_owned()),
        Decision::Rejected(_) => None,
        other => panic!("{origin}: unexpected {other:?}"),
    }
}

#[test]
#[rustfmt::skip]
fn configurations_the_advisories_needed_are_refused_at_build() {
    let b = CorsLayer::builder;
    let creds = |origin: &str| origins(&[origin]).allow_credentials(true);
    let star = http::HeaderName::from_static("*");
    // (advisory, what, the build, the variants refused with (`a|b`; `""`:
    // any error; `ok`: builds), words its message has).
    let mut rows = vec![
        (TOMCAT, "unconfigured", b().allow_credentials(false).build(), "NoOrigin", ""),
        (TOMCAT, "unconfigured, credentials", b().allow_credentials(true).build(), "NoOrigin", ""),
        (NULL, "null", origins(&["null"]).build(), "NullOrigin", ""),
        (NULL, "NULL, spaced", origins(&[" NULL "]).build(), "NullOrigin", ""),
        (NULL, "file://", origins(&["file://"]).build(), "FileOrigin", ""),
        (NULL, "file path", origins(&["file:///home/me/index.html"]).build(), "FileOrigin", ""),
        (FLASK_EXACT, "with a path", origins(&["https://app.example.com/api"]).build(), "OriginWithPath", ""),
        (FLASK_EXACT, "case-folded", origins(&["https://App.Example.com"]).build(), "NonCanonicalOrigin", r#""https://app.example.com""#),
        (REFLECTED, "http with credentials", creds("http://app.example.com").build(), "InsecureOriginWithCredentials", ""),
        (REFLECTED, "http pattern with credentials", creds("http://*.example.com").build(), "InsecureOriginWithCredentials", ""),
        (REFLECTED, "http, explicit", creds("http://intranet.example").allow_credentials_over_http(true).build(), "ok", ""),
        (SUBDOMAINS, "on an IP", origins(&["https://*.0.0.1"]).build(), "WildcardOnIpAddress|WildcardOnPublicSuffix", ""),
        (RS_CORS, "*", origins(&["*"]).build(), "WildcardOrigin", ""),
        (RS_CORS, "any, credentials", b().allow_any_origin().allow_credentials(true).build(), "CredentialsWithAnyOrigin", ""),
        (FIBER, "credentials first", b().allow_credentials(true).allow_any_origin().build(), "CredentialsWithAnyOrigin", "allow_origins"),
        (FIBER, "credentials last", b().allow_any_origin().allow_any_method().allow_any_header().allow_credentials(true).build(), "CredentialsWithAnyOrigin", "allow_origins"),
        // `*` as a name, refused at its list: "any" is its own switch.
        (FIBER, "allow_methods", origins(&[APP]).allow_methods([Method::from_bytes(b"*").unwrap()]).build(), "WildcardName", "allow_any_method"),
        (FIBER, "allow_headers", origins(&[APP]).allow_headers([star.clone()]).build(), "WildcardName", "allow_any_header"),
        (FIBER, "expose_headers", origins(&[APP]).expose_headers([star]).build(), "WildcardName", "expose_any_header"),
    ];
    // A row per origin of `list`, built by `build`.
    let each = |advisory, list: &[&'static str], build: fn(&str) -> tower_cors::CorsBuilder, variants| {
        list.iter().map(move |origin| (advisory, *origin, build(origin).build(), variants, "")).collect::<Vec<_>>()
    };
    let one: fn(&str) -> tower_cors::CorsBuilder = |origin| origins(&[origin]);
    rows.extend(each(FLASK_EXACT, &[r"https://.*\.example\.com", r"^https://app\.example\.com$", "https://app.example.com|https://evil.example", "https://[a-z]+.example.com"], one, ""));
    rows.extend(each(REFLECTED, &["http://localhost:*", "http://127.0.0.1:8080", "http://[::1]:3000", "http://*.localhost"], creds, "ok"));
    rows.extend(each(SUBDOMAINS, &["https://*.com", "https://*.co.uk", "https://*.github.io", "https://*.vercel.app"], one, "WildcardOnPublicSuffix"));
    rows.extend(each(RS_CORS, &[
        "h*", "https://*", "https://*.*", "https://**.example.com", "https://*example.com", "https://a.*.example.com",
        "https://example.*", "https://example.com*", "http://localhost*", "https://app.example.com:8*", "*://app.example.com",
    ], one, "MisplacedWildcard|InvalidOrigin"));
    for (advisory, what, built, variants, words) in rows {
        let case = format!("{advisory}: {what}");
        match (built, variants) {
            (Ok(_), "ok") => {}
            (built, "ok") => panic!("{case}: {built:?}"),
            (Ok(_), _) => panic!("{case}: built"),
            (Err(err), _) => {
                let debug = format!("{err:?}");
                let named = variants.split('|').any(|v| debug.starts_with(&format!("{v} ")));
                assert!(variants.is_empty() || named, "{case}: {err:?}");
                assert!(err.to_string().contains(words), "{case}: {err}");
                if variants == "WildcardName" {
                    assert_eq!(err.location().map(|at| at.field()), Some(what), "{case}");
                }
            }
        }
    }
}

#[test]
#[rustfmt::skip]
fn origins_the_advisories_let_through_are_not_allowed() {
    let exact = policy(&[APP, "https://*.example.org"], |b| b);
    let literal = [
        "https://app.example.com:8443", "https://xn--bcher-kva.example", "http://[::1]:3000", "http://127.0.0.1:8080",
    ];
    let literals = policy(&literal, |b| b);
    let subdomains = policy(&["https://*.example.com"], |b| b.allow_credentials(true));
    let any_port = policy(&["https://*.example.com:*", "http://localhost:*"], |b| b);
    let prefixes = policy(&["https://example.com", "http://localhost"], |b| b);
    let any = CorsLayer::builder().allow_any_origin().build().unwrap();
    // (advisory, policy, origins, `refused`, `echoed` or the ACAO each gets).
    let rows: [(&str, &CorsLayer, &[&str], &str); 13] = [
        (FLASK_EXACT, &exact, &[APP, "https://a.example.org"], "echoed"),
        (FLASK_EXACT, &exact, &[
            "https://APP.example.com", "https://App.Example.Com", "HTTPS://app.example.com", "Https://app.example.com",
            "https://app.example.com.", "https://app.example.com:443", "http://app.example.com", "https://app.example.co",
            "https://app.example.comm", "https://app.example.com.evil.example", "https://xapp.example.com",
            "https://sub.app.example.com", "https://A.example.org", "https://a.EXAMPLE.org",
        ], "refused"),
        // Not a regular expression: `.` is not any character.
        (FLASK_EXACT, &exact, &[
            "https://appxexample.com", "https://app-example.com", "https://app.examplexcom", "https://a.examplexorg",
            "https://a-example.org",
        ], "refused"),
        // A non-default port, punycode and IP literals: their canonical form only.
        (CANONICAL, &literals, &literal, "echoed"),
        (CANONICAL, &literals, &[
            APP, "https://app.example.com:8444", "https://app.example.com:08443", "https://XN--BCHER-KVA.example",
            "http://[0:0:0:0:0:0:0:1]:3000", "http://127.0.0.1:8081", "http://localhost:8080",
        ], "refused"),
        (SUBDOMAINS, &subdomains, &[
            "https://a.example.com", "https://a.b.example.com", "https://a.b.c.example.com", "https://x-1.example.com",
            "https://1.example.com",
        ], "echoed"),
        (SUBDOMAINS, &subdomains, &[
            "https://example.com", "https://evil-example.com", "https://evilexample.com", "https://aexample.com",
            "https://example.com.evil.net", "https://a.example.com.evil.net", "https://a.example.com.evil.example",
            "https://app.example.com.evil",
            "https://a.example.co", "https://a.example.comx", "https://.example.com", "https://a..example.com",
            "https://a.example.com.", "http://a.example.com", "https://a.example.com:8443", "https://a.example.com:443",
            "https://a.example.com:", "https://A.example.com", "https://a.EXAMPLE.com", "null",
            // Patterns match http(s) origins only.
            "wss://a.example.com", "ftp://a.example.com", "chrome-extension://a.example.com", "httpss://a.example.com",
            "file://a.example.com",
        ], "refused"),
        (PORTS, &any_port, &[
            "https://a.example.com", "https://a.b.example.com:8443", "http://localhost:5173", "http://localhost:1",
            "http://localhost:65535", "http://localhost",
        ], "echoed"),
        (PORTS, &any_port, &[
            "https://example.com:8443", "http://a.example.com:8443", "https://localhost:5173", "http://localhostx:3000",
            "http://xlocalhost:3000", "http://localhost.evil.net:80", "http://a.localhost:3000", "http://LOCALHOST:3000",
            "http://localhost:", "http://localhost:abc", "http://localhost:05173", "http://localhost:65536",
            "http://localhost:99999", "http://localhost:3000:3000", "http://localhost:+80", "http://localhost:-1",
            "http://127.0.0.1:3000", "ws://localhost:3000", "moz-extension://localhost", "null",
        ], "refused"),
        (RS_CORS, &prefixes, &[
            "https://example.community", "https://example.com.evil.net", "https://example.comevil.net",
            "http://localhost.example.com", "http://localhost:8080", "http://localhostevil",
        ], "refused"),
        (RS_CORS, &prefixes, &["https://example.com"], "echoed"),
        // Any origin answers `*`, never the origin, so no credentials.
        (RS_CORS, &any, &[EVIL, "null", "http://localhost:1"], "*"),
        (RS_CORS, &CorsLayer::permissive(), &[EVIL], "*"),
    ];
    for (advisory, layer, origins, want) in rows {
        for origin in origins {
            let want = match want {
                "refused" => None,
                "echoed" => Some(origin.to_string()),
                acao => Some(acao.to_owned()),
            };
            assert_eq!(acao_for(layer, origin), want, "{advisory}: {origin}");
        }
    }
}

#[tokio::test]
#[rustfmt::skip]
async fn responses_carry_no_credentials_or_star_they_were_not_given() {
    assert!(!app(|b| b).policy().allows_credentials(), "{TOMCAT}");
    assert!(!CorsLayer::permissive().policy().allows_credentials(), "{TOMCAT}");
    let reflecting = || policy(&[APP, "https://*.example.org"], |b| b.allow_credentials(true));
    let inner: &[Line] = &[(ACAO, "*"), (ACAC, "true")];
    let any = app(|b| b.allow_any_method().allow_any_header().expose_any_header().allow_credentials(true));
    expect_rows(vec![
        // Refused, the allowed origin learns the defaults, which lack them.
        ("Tomcat CVE-2018-8014: DELETE", app(|b| b), preflight(APP, "DELETE", None), &[], "204", vec![(ACAM, "GET, HEAD, POST")]),
        ("Tomcat CVE-2018-8014: x-custom", app(|b| b), preflight(APP, "POST", Some("x-custom")), &[], "204", vec![(ACAH, ABSENT)]),
        // Only allowed origins are echoed, and every echo varies by origin.
        ("reflected: exact", reflecting(), get(APP), inner, "inner", vec![(ACAO, APP), (ACAC, "true"), (VARY, "origin")]),
        ("reflected: pattern", reflecting(), get("https://a.example.org"), inner, "inner", vec![(ACAO, "https://a.example.org"), (ACAC, "true"), (VARY, "origin")]),
        // What the inner service set is stripped, too.
        ("reflected: suffixed", reflecting(), get("https://app.example.com.evil.example"), inner, "inner", vec![("access-control-*", ABSENT), (VARY, "origin")]),
        ("fiber CVE-2024-25124: any, preflight", any.clone(), preflight(APP, "PATCH", Some("x-custom, authorization")), &[], "204", vec![(ACAO, APP), (ACAC, "true"), (ACAM, "PATCH"), (ACAH, "x-custom, authorization")]),
        ("fiber CVE-2024-25124: any, actual", any, get(APP), &[("x-request-id", "1")], "inner", vec![(ACAO, APP), (ACEH, "x-request-id")]),
        ("fiber CVE-2024-25124: exposing any", app(|b| b.expose_any_header().allow_credentials(true)), get(APP), &[("*", "1"), ("x-request-id", "2")], "inner", vec![(ACEH, "x-request-id")]),
    ]).await;
}

/// `null` comes from sandboxed iframes, `file:` pages, `data:` URLs and
/// redirects, so allowing it allows all of them at once. It is not allowed
/// (rather than malformed) whatever patterns or predicates are configured.
#[test]
fn null_is_never_matched_by_lists_patterns_or_predicates() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let configured =
        [APP, "https://*.example.org", "http://localhost:*", "https://*.example.com:*"];
    let predicate = policy(&configured, |b| {
        let predicate = move |_: &_, _: &_| {
            seen.fetch_add(1, Ordering::SeqCst);
            true
        };
        b.allow_origin_predicate(predicate).allow_credentials(true)
    });
    for layer in [&policy(&configured, |b| b), &predicate] {
        for (kind, req) in [("Actual", get("null")), ("Preflight", preflight("null", "GET", None))]
        {
            let refused = format!(r#"{kind} refused: OriginNotAllowed("null")"#);
            assert_eq!(decision(layer, &req), refused);
        }
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the predicate saw null");
    // The predicate does run for real origins.
    assert!(acao_for(&predicate, "https://other.example").is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// Flask-CORS CVE-2024-6844 normalised, and CVE-2024-6866 case-folded, the
/// path an origin was matched for.
#[test]
fn the_decision_does_not_depend_on_the_request_path() {
    let layer = app(|b| b.allow_methods([Method::DELETE]));
    let evil = r#"Preflight refused: OriginNotAllowed("https://evil.example")"#;
    for path in ["/", "/api", "/API", "/api/../admin", "/%2e%2e/admin", "//evil.example/"] {
        for (origin, want) in [(APP, "preflight"), (EVIL, evil)] {
            let mut req = preflight(origin, "DELETE", None);
            *req.uri_mut() = path.parse().unwrap();
            assert_eq!(decision(&layer, &req), want, "{path} {origin}");
        }
    }
}

/// Flask-CORS CVE-2024-1681 logged request data unescaped, so CR/LF forged
/// log lines. No control characters here, nor the Unicode line separators
/// and bidirectional overrides that log viewers and terminals act on.
fn assert_one_clean_line(text: &str) {
    let bad = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    assert!(!text.chars().any(bad), "raw control character in {text:?}");
}

/// Config errors (Display and Debug), rejections built by hand (the request
/// path only ever borrows visible ASCII, but the types are public) and the
/// policy summary: each row's text is one clean line.
#[test]
#[rustfmt::skip]
fn config_errors_rejections_and_the_policy_summary_are_clean_lines() {
    let bad = [
        "https://app.example.com\r\n[ERROR] forged line", "https://app.example.com/\n", "https://app.\u{1b}[31mexample.com",
        "https://app.example.com\u{0}", "file:///\r\nx", "https://*\n.example.com", "https://u\r\n@app.example.com",
        "https://app.example.com?\u{7f}", "https://app.example.com\u{2028}forged", "https://\u{202e}moc.elpmaxe.ppa",
    ];
    let errors = bad.iter().map(|origin| refusal(origins(&[origin])));
    let mut texts: Vec<String> = errors.flat_map(|err| [err.to_string(), format!("{err:?}")]).collect();
    let layer = policy(&[APP, "https://*.example.org", "http://localhost:*"], |b| b.allow_origin_predicate(|_, _| false).allow_any_header());
    texts.extend([
        Rejection::OriginNotAllowed("https://evil.example\r\nX-Forged: 1").to_string(),
        Rejection::MethodNotAllowed("PUT\n").to_string(),
        Rejection::HeaderNotAllowed("x-a\u{1b}[2J").to_string(),
        layer.policy().to_string(),
    ]);
    for text in texts {
        assert_one_clean_line(&text);
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
