//! Table-driven tests of the console messages and fixes for each check.

use super::*;

const URL: &str = "https://api.example/items";
const ORIGIN: &str = "https://app.example";

/// One row: the failure, where, the status of the failing answer, and a
/// part each engine's message and the tower-cors fix must contain
/// (`None` for Safari: WebKit lets the request through).
struct Row {
    stage: Stage,
    failure: Failure,
    status: u16,
    chromium: &'static str,
    firefox: &'static str,
    safari: Option<&'static str>,
    tower_cors: &'static str,
}

fn rows() -> Vec<Row> {
    use Stage::{Actual, Preflight};
    vec![
        Row {
            stage: Preflight,
            failure: Failure::AllowOriginMissing,
            status: 403,
            chromium: "policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            firefox: "(Reason: CORS header 'Access-Control-Allow-Origin' missing). Status code: 403.",
            safari: Some("Preflight response is not successful. Status code: 403"),
            tower_cors: ".allow_origins([\"https://app.example\"]).allow_methods([Method::PUT]).allow_headers([\"x-api-key\"])",
        },
        Row {
            stage: Actual,
            failure: Failure::AllowOriginMissing,
            status: 200,
            chromium: "policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
            firefox: "(Reason: CORS header 'Access-Control-Allow-Origin' missing). Status code: 200.",
            safari: Some("Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200"),
            tower_cors: ".allow_origins([\"https://app.example\"])",
        },
        Row {
            stage: Actual,
            failure: Failure::AllowOriginMultiple { value: "a, b".into(), repeated: false },
            status: 200,
            chromium: "The 'Access-Control-Allow-Origin' header contains multiple values 'a, b', but only one is allowed.",
            firefox: "(Reason: CORS header 'Access-Control-Allow-Origin' does not match 'a, b').",
            safari: Some("Access-Control-Allow-Origin cannot contain more than one origin."),
            tower_cors: ".allow_origins([\"https://app.example\"])",
        },
        Row {
            stage: Actual,
            failure: Failure::AllowOriginMultiple { value: "a, a".into(), repeated: true },
            status: 200,
            chromium: "contains multiple values 'a, a'",
            firefox: "(Reason: Multiple CORS header 'Access-Control-Allow-Origin' not allowed).",
            safari: Some("cannot contain more than one origin."),
            tower_cors: "replaces a value the handler set",
        },
        Row {
            stage: Actual,
            failure: Failure::AllowOriginMismatch { value: "https://app.example/".into() },
            status: 200,
            chromium: "The 'Access-Control-Allow-Origin' header has a value 'https://app.example/' that is not equal to the supplied origin.",
            firefox: "does not match 'https://app.example/').",
            safari: Some("Origin https://app.example is not allowed by Access-Control-Allow-Origin."),
            tower_cors: ".allow_origins([\"https://app.example\"])",
        },
        Row {
            stage: Actual,
            failure: Failure::AllowOriginWildcardWithCredentials,
            status: 200,
            chromium: "must not be the wildcard '*' when the request's credentials mode is 'include'.",
            firefox: "(Reason: Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*').",
            safari: Some("Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."),
            tower_cors: ".allow_origins([\"https://app.example\"]).allow_credentials(true)",
        },
        Row {
            stage: Preflight,
            failure: Failure::AllowCredentialsNotTrue { value: None },
            status: 204,
            chromium: "access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'",
            firefox: "(Reason: expected 'true' in CORS header 'Access-Control-Allow-Credentials').",
            safari: Some("Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."),
            tower_cors: ".allow_credentials(true)",
        },
        Row {
            stage: Preflight,
            failure: Failure::PreflightStatus { status: 500 },
            status: 500,
            chromium: "Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
            firefox: "(Reason: CORS preflight response did not succeed). Status code: 500.",
            safari: Some("Preflight response is not successful. Status code: 500"),
            tower_cors: "Put the CorsLayer outside authentication and routing",
        },
        Row {
            stage: Preflight,
            failure: Failure::PreflightRedirect { status: 307, location: Some("/b".into()) },
            status: 307,
            chromium: "Redirect is not allowed for a preflight request.",
            firefox: "(Reason: CORS request external redirect not allowed).",
            safari: Some("Preflight response is not successful. Status code: 307"),
            tower_cors: "Put the CorsLayer outermost",
        },
        Row {
            stage: Preflight,
            failure: Failure::AllowMethodsInvalid { token: "PUT DELETE".into() },
            status: 204,
            chromium: "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
            firefox: "(Reason: invalid token 'PUT DELETE' in CORS header 'Access-Control-Allow-Methods').",
            safari: Some("Header Access-Control-Allow-Methods has an invalid value"),
            tower_cors: ".allow_methods(",
        },
        Row {
            stage: Preflight,
            failure: Failure::MethodNotAllowed { method: "patch".into(), wildcard_ignored: false },
            status: 204,
            chromium: "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
            firefox: "(Reason: Did not find method in CORS header 'Access-Control-Allow-Methods').",
            safari: Some("Method patch is not allowed by Access-Control-Allow-Methods."),
            tower_cors: ".allow_methods([\"patch\"])",
        },
        Row {
            stage: Preflight,
            failure: Failure::HeaderNotAllowed {
                name: "x-api-key".into(),
                all: vec!["x-api-key".into()],
                wildcard_ignored: true,
                authorization_under_wildcard: false,
            },
            status: 204,
            chromium: "Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
            firefox: "(Reason: header 'x-api-key' is not allowed according to header 'Access-Control-Allow-Headers' from CORS preflight response).",
            safari: Some("Request header field x-api-key is not allowed by Access-Control-Allow-Headers."),
            tower_cors: ".allow_headers([\"x-api-key\"])",
        },
        Row {
            stage: Preflight,
            failure: Failure::HeaderNotAllowed {
                name: "authorization".into(),
                all: vec!["authorization".into()],
                wildcard_ignored: false,
                authorization_under_wildcard: true,
            },
            status: 204,
            chromium: "Request header field authorization is not allowed",
            firefox: "header 'authorization' is not allowed",
            safari: None,
            tower_cors: ".allow_headers([\"authorization\"])",
        },
    ]
}

#[test]
fn each_check_has_the_engines_messages_and_a_tower_cors_fix() {
    let requested = vec!["x-api-key".to_owned()];
    for row in rows() {
        let cx = Context {
            url: URL,
            origin: ORIGIN,
            status: row.status,
            method: "PUT",
            requested: &requested,
        };
        let f = fix(row.stage, &row.failure, &cx);
        builds(&f.tower_cors);
        let m = messages(row.stage, &row.failure, &cx);
        let what = format!("{:?} at {:?}", row.failure, row.stage);
        assert!(
            m.chromium.starts_with(&format!(
                "Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
            )),
            "{what}: {}",
            m.chromium
        );
        assert!(m.chromium.contains(row.chromium), "{what}: {}", m.chromium);
        assert!(
            m.firefox.starts_with(&format!(
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {URL}. "
            )),
            "{what}: {}",
            m.firefox
        );
        assert!(m.firefox.contains(row.firefox), "{what}: {}", m.firefox);
        match (row.safari, &m.safari) {
            (Some(part), Some(got)) => assert!(got.contains(part), "{what}: {got}"),
            (None, None) => {}
            (want, got) => panic!("{what}: Safari {got:?}, want {want:?}"),
        }
        assert!(
            f.tower_cors.contains(row.tower_cors),
            "{what}: {}",
            f.tower_cors
        );
        assert!(
            !f.server.is_empty() && !summary(&row.failure).is_empty(),
            "{what}"
        );
    }
}

/// The lists of each `.allow_origins([..])`, `.allow_methods([..])` and
/// `.allow_headers([..])` in a suggested fix, given to tower-cors's builder
/// as the text they stand for: `build()` must accept them.
fn builds(fix: &str) {
    let list = |call: &str| -> Vec<String> {
        let Some(start) = fix.find(&format!(".{call}([")) else {
            return Vec::new();
        };
        let rest = &fix[start + call.len() + 3..];
        let items = &rest[..rest.find("])").unwrap_or(0)];
        items
            .split(", ")
            .filter(|i| *i != "…")
            .map(|i| {
                i.trim_start_matches("Method::")
                    .trim_matches('"')
                    .to_owned()
            })
            .collect()
    };
    let built = tower_cors::CorsLayer::builder()
        .allow_origins(list("allow_origins").iter().chain([&ORIGIN.to_owned()]))
        .allow_methods(list("allow_methods"))
        .allow_headers(list("allow_headers"))
        .build();
    assert!(built.is_ok(), "{fix}: {built:?}");
}

#[test]
fn suggested_lists_are_what_the_builder_accepts() {
    // Methods with and without an `http` constant, headers with and without one.
    for (method, requested) in [
        ("PUT", "x-api-key"),
        ("patch", "authorization"),
        ("PROPFIND", "content-type"),
    ] {
        let requested = vec![requested.to_owned(), "x-trace".to_owned()];
        let cx = Context {
            url: URL,
            origin: ORIGIN,
            status: 403,
            method,
            requested: &requested,
        };
        let refused = fix(Stage::Preflight, &Failure::AllowOriginMissing, &cx);
        let not_allowed = Failure::HeaderNotAllowed {
            name: requested[0].clone(),
            all: requested.clone(),
            wildcard_ignored: false,
            authorization_under_wildcard: false,
        };
        let header = fix(Stage::Preflight, &not_allowed, &cx);
        let failure = Failure::MethodNotAllowed {
            method: method.into(),
            wildcard_ignored: false,
        };
        let method = fix(Stage::Preflight, &failure, &cx);
        for suggested in [refused.tower_cors, header.tower_cors, method.tower_cors] {
            assert!(suggested.contains(".allow_"), "{suggested}");
            builds(&suggested);
        }
    }
}
