//! The `serde` feature: `CorsConfig` from TOML and JSON, through the same
//! validation as the builder, with errors that name the field.
#![cfg(feature = "serde")]

#[allow(dead_code)]
#[path = "../../examples/config.rs"]
mod example;

use std::time::Duration;

use http::{header, HeaderName, Method, StatusCode};
use tower_cors::{ConfigError, ConfigProblem, CorsConfig, CorsConfigError, CorsLayer};

fn from_json(json: &str) -> Result<CorsLayer, CorsConfigError> {
    serde_json::from_str::<CorsConfig>(json).unwrap().build()
}

fn json_error(json: &str) -> CorsConfigError {
    from_json(json).unwrap_err()
}

#[test]
fn example_toml_builds_the_same_policy_as_the_builder() {
    let from_file = example::load(include_str!("../../examples/cors.toml")).unwrap();
    let from_code = CorsLayer::builder()
        .allow_origins([
            "https://app.example.com",
            "https://*.preview.example.com",
            "http://localhost:*",
        ])
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    assert_eq!(
        from_file.policy().to_string(),
        from_code.policy().to_string()
    );
}

#[test]
fn every_field_is_read_from_json() {
    let cors = from_json(
        r#"{
            "allow_origins": ["https://app.example.com"],
            "allow_any_method": true,
            "allow_any_header": true,
            "expose_any_header": true,
            "allow_credentials": true,
            "max_age": 60,
            "allow_private_network": true,
            "preflight_status": 200
        }"#,
    )
    .unwrap();
    assert_eq!(
        cors.policy().to_string(),
        "origins: [https://app.example.com]; methods: any; headers: any; \
         expose: any (response's own names); credentials: true; max-age: 60; \
         private network: true; preflight status: 200"
    );
    assert_eq!(cors.policy().preflight_status(), StatusCode::OK);
}

/// Like the empty builder, an empty configuration allows no origin: refused,
/// in the configuration's words.
#[test]
fn empty_config_is_refused_like_the_empty_builder() {
    let err = json_error("{}");
    assert_eq!(err.field(), "allow_origins");
    assert_eq!(
        err.problem(),
        &ConfigProblem::Invalid(ConfigError::NoOrigin)
    );
    assert_eq!(
        CorsLayer::builder().build().unwrap_err(),
        ConfigError::NoOrigin
    );
    assert!(
        err.to_string().contains("list origins in allow_origins"),
        "{err}"
    );
}

#[test]
fn grpc_web_flag_applies_the_preset() {
    let cors: CorsLayer = toml::from_str::<CorsConfig>(
        "grpc_web = true\nallow_origins = [\"https://app.example.com\"]",
    )
    .unwrap()
    .try_into()
    .unwrap();
    assert!(cors.policy().to_string().contains("expose: grpc-status"));
}

#[test]
fn connect_rpc_and_guard_websockets_flags_apply_to_the_policy() {
    let cors = from_json(
        r#"{ "allow_origins": ["https://app.example.com"], "connect_rpc": true, "guard_websockets": true }"#,
    )
    .unwrap();
    let summary = cors.policy().to_string();
    assert!(summary.contains("methods: GET, POST;"), "{summary}");
    assert!(summary.contains("connect-protocol-version"), "{summary}");
    assert!(
        summary.ends_with("; websocket handshakes: guarded"),
        "{summary}"
    );
}

#[test]
fn unknown_fields_are_refused_by_the_deserializer() {
    let err = toml::from_str::<CorsConfig>("allow_origin = [\"https://a.example\"]").unwrap_err();
    assert!(err.to_string().contains("allow_origin"), "{err}");
}

#[test]
fn invalid_method_names_its_index() {
    let err = json_error(
        r#"{ "allow_origins": ["https://app.example.com"], "allow_methods": ["PUT", "PATCH", "GE T"] }"#,
    );
    assert_eq!(err.field(), "allow_methods[2]");
    assert_eq!(
        err.to_string(),
        "allow_methods[2]: \"GE T\" is not an HTTP method name; write it like \"PUT\""
    );
}

#[test]
fn lowercase_standard_method_is_refused_with_the_uppercase_form() {
    let err = json_error(
        r#"{ "allow_origins": ["https://app.example.com"], "allow_methods": ["PUT", "delete"] }"#,
    );
    assert_eq!(err.field(), "allow_methods[1]");
    assert_eq!(
        err.problem(),
        &ConfigProblem::LowercaseMethod {
            value: "delete".into(),
            uppercase: "DELETE".into()
        }
    );
}

#[test]
fn forbidden_method_names_its_index() {
    let err = json_error(
        r#"{ "allow_origins": ["https://app.example.com"], "allow_methods": ["PUT", "TRACE"] }"#,
    );
    assert_eq!(err.field(), "allow_methods[1]");
    assert!(matches!(
        err.problem(),
        ConfigProblem::Invalid(ConfigError::ForbiddenMethod { .. })
    ));
    assert!(err
        .to_string()
        .starts_with("allow_methods[1]: \"TRACE\" is a forbidden method"));
}

#[test]
fn origin_errors_name_their_index() {
    let cases = [
        (r#"["https://a.example", "*"]"#, "allow_origins[1]"),
        (r#"["null"]"#, "allow_origins[0]"),
        (
            r#"["https://a.example", "https://b.example", "https://b.example/x"]"#,
            "allow_origins[2]",
        ),
        (r#"["https://*.com"]"#, "allow_origins[0]"),
    ];
    for (origins, field) in cases {
        let err = json_error(&format!(r#"{{ "allow_origins": {origins} }}"#));
        assert_eq!(err.field(), field, "{origins}: {err}");
        assert!(matches!(err.problem(), ConfigProblem::Invalid(_)));
    }
}

#[test]
fn plain_http_origin_with_credentials_names_the_origin() {
    let err = json_error(
        r#"{ "allow_origins": ["https://a.example", "http://b.example"], "allow_credentials": true }"#,
    );
    assert_eq!(err.field(), "allow_origins[1]");
    assert!(matches!(
        err.problem(),
        ConfigProblem::Invalid(ConfigError::InsecureOriginWithCredentials { .. })
    ));
    // ... and the same origin builds once explicitly accepted.
    from_json(
        r#"{ "allow_origins": ["http://b.example"], "allow_credentials": true,
             "allow_credentials_over_http": true }"#,
    )
    .unwrap();
}

#[test]
fn header_errors_name_their_list_and_index() {
    let err = json_error(
        r#"{ "allow_origins": ["https://app.example.com"], "allow_headers": ["content-type", "bad header"] }"#,
    );
    assert_eq!(err.field(), "allow_headers[1]");
    assert!(matches!(
        err.problem(),
        ConfigProblem::InvalidHeaderName { .. }
    ));

    let err = json_error(
        r#"{ "allow_origins": ["https://app.example.com"], "allow_headers": ["content-type", "cookie"] }"#,
    );
    assert_eq!(err.field(), "allow_headers[1]");
    assert!(matches!(
        err.problem(),
        ConfigProblem::Invalid(ConfigError::ForbiddenRequestHeader { .. })
    ));

    let err = json_error(
        r#"{ "allow_origins": ["https://app.example.com"], "expose_headers": ["x-a", "x-b", "Set-Cookie"] }"#,
    );
    assert_eq!(err.field(), "expose_headers[2]");
    assert!(matches!(
        err.problem(),
        ConfigProblem::Invalid(ConfigError::ExposedSetCookie { .. })
    ));
}

#[test]
fn scalar_field_errors_name_the_field() {
    let cases = [
        (
            r#"{ "allow_any_origin": true, "allow_credentials": true }"#,
            "allow_credentials",
        ),
        (
            r#"{ "allow_any_origin": true, "allow_origins": ["https://a.example"] }"#,
            "allow_any_origin",
        ),
        (
            r#"{ "allow_origins": ["https://app.example.com"], "max_age": 86401 }"#,
            "max_age",
        ),
        (
            r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 404 }"#,
            "preflight_status",
        ),
        (
            r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 42 }"#,
            "preflight_status",
        ),
    ];
    for (json, field) in cases {
        let err = json_error(json);
        assert_eq!(err.field(), field, "{json}: {err}");
        assert!(err.to_string().starts_with(&format!("{field}: ")), "{err}");
    }
    assert_eq!(
        json_error(r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 42 }"#)
            .problem(),
        &ConfigProblem::InvalidStatus { value: 42 }
    );
}

/// Someone editing a file reads field names and values, not builder calls
/// (`max_age = 90000`, not `Duration::from_secs`); the typed builder error
/// stays available, and no error source repeats the message in Rust words.
#[test]
fn config_errors_speak_the_configuration_words() {
    let cases = [
        (
            r#"{ "allow_origins": ["https://app.example.com"], "max_age": 90000 }"#,
            "max_age: max_age = 90000 is more than the 86400 seconds",
            "max_age = 86400",
        ),
        (
            r#"{ "allow_any_origin": true, "allow_credentials": true }"#,
            "allow_credentials: allow_credentials = true cannot be combined with allow_any_origin = true",
            "list the trusted origins in allow_origins",
        ),
        (
            r#"{ "allow_any_origin": true, "allow_origins": ["https://a.example"] }"#,
            "allow_any_origin: allow_any_origin = true makes the allow_origins list meaningless",
            "keep either allow_any_origin = true or the list",
        ),
        (
            r#"{ "allow_origins": ["*"] }"#,
            "allow_origins[0]: \"*\" is not an origin",
            "set allow_any_origin = true",
        ),
        (
            r#"{ "allow_origins": ["http://b.example"], "allow_credentials": true }"#,
            "allow_origins[0]: \"http://b.example\" is plain http:// and allow_credentials = true",
            "set allow_credentials_over_http = true",
        ),
        (
            r#"{ "allow_origins": ["https://app.example.com"], "allow_headers": ["*"] }"#,
            "allow_headers[0]: \"*\" in allow_headers is not a name",
            "set allow_any_header = true",
        ),
        (
            r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 404 }"#,
            "preflight_status: preflight_status = 404 is not 2xx",
            "use 204 (the default) or 200",
        ),
    ];
    for (json, start, fix) in cases {
        let err = json_error(json);
        let message = err.to_string();
        assert!(message.starts_with(start), "{json}: {message}");
        assert!(message.contains(fix), "{json}: {message}");
        for rust in ["Duration::", "()", "allow_origins([", "(true)"] {
            assert!(!message.contains(rust), "{json}: {rust} in {message}");
        }
        assert!(std::error::Error::source(&err).is_none(), "{json}");
    }
    assert_eq!(
        json_error(r#"{ "allow_origins": ["https://app.example.com"], "max_age": 90000 }"#)
            .problem(),
        &ConfigProblem::Invalid(ConfigError::MaxAgeTooLong { seconds: 90000 })
    );
}

#[test]
fn to_builder_lets_code_add_a_predicate() {
    let config: CorsConfig =
        toml::from_str("allow_origins = [\"https://app.example.com\"]").unwrap();
    let cors = config
        .to_builder()
        .unwrap()
        .allow_origin_predicate(|origin, _| origin == "https://partner.example")
        .build()
        .unwrap();
    assert!(cors.policy().to_string().contains("+ 1 predicate(s)"));
}

/// Every mistake of a file at once, each with its field, in the order of the
/// fields, one per line.
#[test]
fn every_mistake_is_reported_at_once_with_its_field() {
    let err =
        json_error(r#"{ "allow_origins": ["https://a.example/app", "*", "https://B.example"] }"#);
    let fields: Vec<&str> = err.errors().map(|(field, _)| field).collect();
    assert_eq!(
        fields,
        ["allow_origins[0]", "allow_origins[1]", "allow_origins[2]"]
    );

    let err = json_error(
        r#"{
            "preflight_status": 42,
            "max_age": 90000,
            "allow_headers": ["content-type", "Cookie"],
            "allow_methods": ["get", "TRACE", "PUT"],
            "allow_origins": ["https://a.example,https://b.example"]
        }"#,
    );
    let fields: Vec<&str> = err.errors().map(|(field, _)| field).collect();
    assert_eq!(
        fields,
        [
            "allow_origins[0]",
            "allow_methods[0]",
            "allow_methods[1]",
            "allow_headers[1]",
            "max_age",
            "preflight_status"
        ]
    );
    let message = err.to_string();
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines[0], "6 mistakes in the CORS configuration:");
    for (line, (field, problem)) in lines[1..].iter().zip(err.errors()) {
        assert_eq!(*line, format!("- {field}: {problem}"));
    }
    for words in [
        r#"looks like a list: give each origin separately, as in allow_origins = ["https://a.example", "https://b.example"]"#,
        r#"write "GET""#,
        "cookies are sent with allow_credentials = true, not as a header",
        "max_age = 90000",
    ] {
        assert!(message.contains(words), "{words} not in {message}");
    }
    // The first mistake is also field() and problem().
    assert_eq!(err.field(), "allow_origins[0]");
    assert!(matches!(
        err.problem(),
        ConfigProblem::Invalid(ConfigError::OriginList { .. })
    ));
}
