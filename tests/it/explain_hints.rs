//! `explain`'s hints are valid input to the builder, and an origin the
//! origin lookup decides is explained by its cached answer, not by the
//! static list.

use http::{header, Method, Request};
use tower_cors::{CorsBuilder, CorsLayer, Decision, Hint, Verdict};

fn head(method: Method, origin: &str, acrm: Option<&str>) -> http::request::Parts {
    let mut b = Request::builder().method(method).uri("/items").header(header::ORIGIN, origin);
    if let Some(m) = acrm {
        b = b.header(header::ACCESS_CONTROL_REQUEST_METHOD, m);
    }
    b.header(header::ACCESS_CONTROL_REQUEST_HEADERS, "x-api-key").body(()).unwrap().into_parts().0
}

fn base() -> CorsBuilder {
    let b =
        CorsLayer::builder().allow_origins(["https://app.example.com", "https://*.example.org"]);
    b.allow_methods([Method::PUT]).allow_headers(["content-type"])
}

/// What a hint tells the user to add, applied to the builder.
fn apply(hint: &Hint, origin: &str, builder: CorsBuilder) -> Option<CorsBuilder> {
    Some(match hint {
        Hint::MethodNotListed { method, .. } => builder.allow_methods([method.as_str()]),
        Hint::MethodNotNormalized { normalized, .. } => {
            builder.allow_methods([normalized.as_str()])
        }
        Hint::HeaderNotListed { header, .. } => builder.allow_headers([header.as_str()]),
        Hint::OriginNotListed { .. }
        | Hint::OriginScheme { .. }
        | Hint::OriginPort { .. }
        | Hint::OriginWww { .. }
        | Hint::OriginApex { .. } => builder.allow_origins([origin]),
        _ => return None,
    })
}

#[test]
fn every_suggested_fix_builds_and_allows_the_request() {
    // An origin, and a preflight's method (none: a GET).
    #[rustfmt::skip]
    let cases = [
        ("http://app.example.com", None), ("https://app.example.com:8443", None), ("https://www.app.example.com", None),
        ("https://example.org", None), ("https://other.example", None), ("https://app.example.com", Some("PATCH")),
        ("https://app.example.com", Some("delete")), ("https://app.example.com", Some("PUT")),
    ];
    for (origin, acrm) in cases {
        let method = if acrm.is_some() { Method::OPTIONS } else { Method::GET };
        let (mut builder, mut request) = (base(), head(method, origin, acrm));
        // A preflight may need two fixes: its method, then its header.
        for _ in 0..3 {
            let layer = builder.clone().build().unwrap();
            let explanation = layer.policy().explain(&request);
            let Verdict::Refused(_) = explanation.verdict() else { break };
            let hint = explanation.hints().first().expect("a refusal has a hint").clone();
            builder = apply(&hint, origin, builder).unwrap_or_else(|| panic!("{hint:?}"));
            let rebuilt = builder.clone().build();
            assert!(rebuilt.is_ok(), "{origin} {acrm:?}: fix {hint:?} is refused: {rebuilt:?}");
            if let Hint::MethodNotNormalized { normalized, .. } = &hint {
                // What a page's fetch() sends once the method is allowed.
                let value = http::HeaderValue::from_str(normalized).unwrap();
                request.headers.insert(header::ACCESS_CONTROL_REQUEST_METHOD, value);
            }
        }
        let layer = builder.build().unwrap();
        let allowed =
            matches!(layer.policy().decide(&request), Decision::Actual(_) | Decision::Preflight(_));
        assert!(allowed, "{origin} {acrm:?}: still refused after the hints' fixes");
    }
}

#[test]
fn a_lowercase_standard_method_is_hinted_in_the_spelling_build_accepts() {
    let layer = base().build().unwrap();
    let explanation =
        layer.policy().explain(&head(Method::OPTIONS, "https://app.example.com", Some("delete")));
    let hint = Hint::MethodNotNormalized { method: "delete".into(), normalized: "DELETE".into() };
    assert_eq!(explanation.hints(), [hint]);
    assert!(explanation.to_string().contains("add \"DELETE\" to allow_methods"), "{explanation}");
    assert!(CorsLayer::builder().allow_any_origin().allow_methods(["delete"]).build().is_err());
}

/// Hints compare scheme, host and port as configured: IPv6 hosts, port
/// patterns, ports on subdomain patterns, schemes other than http(s), and
/// a request's explicit default port.
#[test]
fn hints_compare_the_configured_parts() {
    const CONFIGURED: [&str; 5] = [
        "https://app.example.com", "http://[::1]:3000", "http://localhost:*",
        "https://*.example.org:8443", "tauri://localhost",
    ];
    let layer = CorsLayer::builder().allow_origins(CONFIGURED).build().unwrap();
    #[rustfmt::skip]
    let cases = [
        ("http://[::1]:5173", Hint::OriginPort { configured: "http://[::1]:3000".into() }),
        ("https://localhost:5173", Hint::OriginScheme { configured: "http://localhost:*".into() }),
        ("https://a.example.org", Hint::OriginPort { configured: "https://*.example.org:8443".into() }),
        ("https://example.org:8443", Hint::OriginApex { pattern: "https://*.example.org:8443".into() }),
        ("http://app.example.com:80", Hint::OriginScheme { configured: "https://app.example.com".into() }),
        ("tauri://localhost:1420", Hint::OriginPort { configured: "tauri://localhost".into() }),
        ("tauri://LOCALHOST", Hint::OriginCase { configured: "tauri://localhost".into() }),
    ];
    for (origin, hint) in cases {
        let explanation = layer.policy().explain(&head(Method::GET, origin, None));
        assert!(matches!(explanation.verdict(), Verdict::Refused(_)), "{origin}");
        assert_eq!(explanation.hints(), [hint], "{origin}");
    }
    // A far origin has no nearest value: the hint lists every configured one.
    let far = layer.policy().explain(&head(Method::GET, "https://far.example", None));
    let mut sorted = CONFIGURED.map(String::from).to_vec();
    sorted.sort();
    assert_eq!(far.nearest(), None);
    assert_eq!(far.hints(), [Hint::OriginNotListed { configured: sorted }]);
    let text = far.hints()[0].to_string();
    assert!(text.starts_with("add this origin to allow_origins (configured: "), "{text}");
}

#[cfg(feature = "origin-lookup")]
#[tokio::test]
async fn an_origin_the_lookup_decides_is_explained_by_its_cached_answer() {
    use crate::common::{get, run};
    const TENANT: &str = "https://shop.tenant.example";
    const STRANGER: &str = "https://stranger.example";
    let lookup = |origin: String| async move { Ok::<_, std::io::Error>(origin == TENANT) };
    let layer = base().allow_origin_lookup(lookup).build().unwrap();
    let explain = |origin| layer.policy().explain(&head(Method::GET, origin, None));

    let before = explain(TENANT);
    assert_eq!(before.verdict(), Verdict::Undecided);
    let text = before.to_string();
    assert!(text.contains("origin lookup: ok (decided by the origin lookup; not cached"), "{text}");
    assert_eq!(text.matches("decided by the origin lookup").count(), 1, "{text}");
    assert!(!text.contains("decides"), "said once: {text}");
    assert!(!text.contains("allow_origins"), "{text}");
    assert_eq!(before.hints(), [Hint::OriginLookup { cached: None }]);

    run(&layer, get(TENANT), &[]).await;
    run(&layer, get(STRANGER), &[]).await;
    let tenant = explain(TENANT);
    assert_eq!(tenant.verdict(), Verdict::Allowed);
    assert!(tenant.to_string().contains("cached answer: allowed"), "{tenant}");
    let stranger = explain(STRANGER);
    assert!(matches!(stranger.verdict(), Verdict::Refused(_)));
    let line = "origin lookup: FAILED (decided by the origin lookup; cached answer: refused)";
    assert!(stranger.to_string().contains(line), "{stranger}");
    assert_eq!(stranger.hints(), [Hint::OriginLookup { cached: Some(false) }]);
}
