//! The `serde` feature: `CorsConfig` from TOML and JSON, through the same
//! validation as the builder, with errors that name the field.
#![cfg(feature = "serde")]

#[allow(dead_code)]
#[path = "../../examples/config.rs"]
#[rustfmt::skip] // formatted by its own target (tests/rustfmt.toml is not its config)
mod example;

use std::time::Duration;

use http::{header, HeaderName, Method, StatusCode};
use tower_cors::{ConfigError, CorsConfig, CorsLayer};

fn from_json(json: &str) -> Result<CorsLayer, ConfigError> {
    serde_json::from_str::<CorsConfig>(json).unwrap().build()
}

fn json_error(json: &str) -> ConfigError {
    from_json(json).unwrap_err()
}

/// Where a single mistake is, as a file names it: `allow_origins[1]`.
fn place(err: &ConfigError) -> String {
    err.location().expect("a single mistake").to_string()
}

#[test]
fn example_toml_builds_the_same_policy_as_the_builder() {
    let from_file = example::load(include_str!("../../examples/cors.toml")).unwrap();
    let from_code = CorsLayer::builder()
        .allow_origins([
            "https://app.example.com", "https://*.preview.example.com", "http://localhost:*",
        ])
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    assert_eq!(from_file.policy().to_string(), from_code.policy().to_string());
}

#[test]
fn every_field_is_read_from_json() {
    let cors = from_json(
        r#"{ "allow_origins": ["https://app.example.com"], "allow_any_method": true, "allow_any_header": true,
             "expose_any_header": true, "allow_credentials": true, "max_age": 60, "allow_private_network": true,
             "preflight_status": 200 }"#,
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

/// (configuration, in its summary, its summary's end)
#[test]
#[rustfmt::skip]
fn grpc_web_connect_rpc_and_guard_flags_apply_to_the_policy() {
    let toml = |t: &str| -> CorsLayer { toml::from_str::<CorsConfig>(t).unwrap().try_into().unwrap() };
    let guarded = r#"{ "allow_origins": ["https://app.example.com"], "connect_rpc": true, "guard_websockets": true,
        "guard_cross_origin_writes": true }"#;
    for (cors, shown, end) in [
        (toml("grpc_web = true\nallow_origins = [\"https://app.example.com\"]"), &["expose: grpc-status"][..], ""),
        (from_json(guarded).unwrap(), &["methods: GET, POST;", "connect-protocol-version"],
            "; websocket handshakes: guarded; cross-origin writes: guarded"),
    ] {
        let summary = cors.policy().to_string();
        assert!(shown.iter().all(|s| summary.contains(s)) && summary.ends_with(end), "{summary}");
    }
}

/// Like the empty builder, an empty configuration allows no origin: refused,
/// in the configuration's words.
#[test]
fn empty_config_is_refused_like_the_empty_builder() {
    let err = json_error("{}");
    assert!(matches!(err, ConfigError::NoOrigin { .. }), "{err:?}");
    assert_eq!(place(&err), "allow_origins");
    let builder = CorsLayer::builder().build().unwrap_err();
    assert!(matches!(builder, ConfigError::NoOrigin { .. }), "{builder:?}");
    let message = err.to_string();
    let list = r#"list origins with allow_origins = ["https://app.example.com"]"#;
    let fixes = message.contains(list) && message.contains("set allow_any_origin = true");
    assert!(message.starts_with("allow_origins: ") && fixes, "{message}");
}

#[test]
fn unknown_fields_are_refused_by_the_deserializer() {
    let err = toml::from_str::<CorsConfig>("allow_origin = [\"https://a.example\"]").unwrap_err();
    assert!(err.to_string().contains("allow_origin"), "{err}");
}

/// The presets' items come first in the builder's lists; the file's own
/// items keep the file's numbering, also through `to_builder`.
#[test]
fn list_indexes_are_the_files_after_presets_and_through_to_builder() {
    let json = r#"{ "grpc_web": true, "connect_rpc": true, "allow_origins": ["https://a.example"],
        "allow_methods": ["PUT", "TRACE"], "allow_headers": ["x-a", "cookie"],
        "expose_headers": ["Set-Cookie"] }"#;
    let places = ["allow_methods[1]", "allow_headers[1]", "expose_headers[0]"];
    let config: CorsConfig = serde_json::from_str(json).unwrap();
    let refusals = [config.build().unwrap_err(), config.to_builder().unwrap().build().unwrap_err()];
    for err in refusals {
        let found: Vec<String> = err.errors().iter().map(place).collect();
        assert_eq!(found, places, "{err}");
    }
}

/// A refused list item is named by its field and index, in front of a
/// message that names the value.
#[test]
#[rustfmt::skip]
fn list_item_errors_name_their_field_and_index() {
    let cases = [
        (r#""allow_origins": ["https://a.example", "*"]"#, "allow_origins[1]", "WildcardOrigin", r#""*" is not an origin"#),
        (r#""allow_origins": ["null"]"#, "allow_origins[0]", "NullOrigin", r#""null" cannot be allowed"#),
        (r#""allow_origins": ["https://a.example", "https://b.example/x"]"#, "allow_origins[1]", "OriginWithPath", r#"use "https://b.example""#),
        (r#""allow_origins": ["https://*.com"]"#, "allow_origins[0]", "WildcardOnPublicSuffix", r#""https://*.com" would allow"#),
        (r#""allow_origins": ["https://a.example", "http://b.example"], "allow_credentials": true"#, "allow_origins[1]",
            "InsecureOriginWithCredentials", r#""http://b.example" is plain http://"#),
        (r#""allow_methods": ["PUT", "PATCH", "GE T"]"#, "allow_methods[2]", "InvalidMethod", r#""GE T" is not an HTTP method name; write it like "PUT""#),
        (r#""allow_methods": ["PUT", "delete"]"#, "allow_methods[1]", "LowercaseMethod", r#"write "DELETE""#),
        (r#""allow_methods": ["PUT", "TRACE"]"#, "allow_methods[1]", "ForbiddenMethod", r#""TRACE" is a forbidden method"#),
        (r#""allow_headers": ["content-type", "bad header"]"#, "allow_headers[1]", "InvalidHeaderName", r#""bad header" in allow_headers is not a header name"#),
        (r#""allow_headers": ["content-type", "cookie"]"#, "allow_headers[1]", "ForbiddenRequestHeader", r#""cookie" is a forbidden request header"#),
        (r#""expose_headers": ["x-a", "x-b", "Set-Cookie"]"#, "expose_headers[2]", "ExposedSetCookie", r#""set-cookie" can never be exposed"#),
    ];
    for (fields, at, variant, words) in cases {
        let origins = if fields.contains("allow_origins") { "" } else { r#""allow_origins": ["https://app.example.com"], "# };
        let json = format!("{{ {origins}{fields} }}");
        let err = json_error(&json);
        assert_eq!(place(&err), at, "{json}");
        assert!(format!("{err:?}").starts_with(variant), "{json}: {err:?}");
        let message = err.to_string();
        assert!(message.starts_with(&format!("{at}: ")) && message.contains(words), "{json}: {message}");
    }
    // The plain http:// origin builds once explicitly accepted; browsers send
    // `patch` as written, so lowercase it is a method of its own, as in code.
    from_json(r#"{ "allow_origins": ["http://b.example"], "allow_credentials": true, "allow_credentials_over_http": true, "allow_methods": ["patch"] }"#).unwrap();
}

/// Someone editing a file reads field names and values, not builder calls
/// (`max_age = 90000`, not `Duration::from_secs`); the same mistake made in
/// code reads as builder calls, without the field in front; no error source
/// repeats the message.
#[test]
#[rustfmt::skip]
fn config_errors_speak_the_configuration_words_and_builder_errors_the_builders() {
    let cases = [
        (r#"{ "allow_origins": ["https://app.example.com"], "max_age": 90000 }"#, "max_age: max_age = 90000 exceeds the 86400 s",
            "use max_age = 86400 or less", "max_age(Duration::from_secs(90000)) exceeds the 86400 s"),
        (r#"{ "allow_any_origin": true, "allow_credentials": true }"#,
            "allow_credentials: allow_credentials = true cannot be combined with allow_any_origin = true",
            "list the trusted origins with allow_origins = [...]", "allow_credentials(true) cannot be combined with allow_any_origin()"),
        (r#"{ "allow_any_origin": true, "allow_origins": ["https://a.example"] }"#,
            "allow_any_origin: allow_any_origin = true was combined with allow_origins", "keep either allow_any_origin = true or the list",
            "allow_any_origin() was combined with allow_origins"),
        (r#"{ "allow_origins": ["*"] }"#, "allow_origins[0]: \"*\" is not an origin", "set allow_any_origin = true",
            "\"*\" is not an origin; call allow_any_origin()"),
        (r#"{ "allow_origins": ["http://b.example"], "allow_credentials": true }"#,
            "allow_origins[0]: \"http://b.example\" is plain http:// and allow_credentials = true", "set allow_credentials_over_http = true",
            "\"http://b.example\" is plain http:// and allow_credentials(true)"),
        (r#"{ "allow_origins": ["https://app.example.com"], "allow_headers": ["*"] }"#, "allow_headers[0]: \"*\" in allow_headers is not a name",
            "set allow_any_header = true", "\"*\" in allow_headers is not a name"),
        (r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 404 }"#, "preflight_status: preflight_status = 404 is not 2xx",
            "use 204 (the default) or 200", "preflight_status(404 Not Found) is not 2xx"),
    ];
    for (json, start, fix, in_code) in cases {
        let err = json_error(json);
        let message = err.to_string();
        assert!(message.starts_with(start) && message.contains(fix), "{json}: {message}");
        assert_eq!(place(&err), start.split(':').next().unwrap(), "{json}");
        for rust in ["Duration::", "()", "allow_origins([", "(true)"] {
            assert!(!message.contains(rust), "{json}: {rust} in {message}");
        }
        assert!(std::error::Error::source(&err).is_none(), "{json}");
        // The builder the file stands for, refused in code.
        let config: CorsConfig = serde_json::from_str(json).unwrap();
        let mut builder = CorsLayer::builder().allow_origins(&config.allow_origins).allow_headers(&config.allow_headers)
            .allow_credentials(config.allow_credentials).max_age(Duration::from_secs(config.max_age.unwrap_or(0)));
        if config.allow_any_origin {
            builder = builder.allow_any_origin();
        }
        if let Some(code) = config.preflight_status {
            builder = builder.preflight_status(StatusCode::from_u16(code).unwrap());
        }
        let in_builder = builder.build().unwrap_err();
        assert_eq!(in_builder.location().map(|at| at.field()), err.location().map(|at| at.field()));
        let message = in_builder.to_string();
        assert!(message.starts_with(in_code) && !message.contains(" = "), "{json}: {message}");
    }
}

#[test]
fn to_builder_lets_code_add_a_predicate_and_refuses_what_is_no_status_code() {
    let config: CorsConfig =
        toml::from_str("allow_origins = [\"https://app.example.com\"]").unwrap();
    let builder = config.to_builder().unwrap();
    let cors =
        builder.allow_origin_predicate(|o, _| o == "https://partner.example").build().unwrap();
    assert!(cors.policy().to_string().contains("+ 1 predicate(s)"));
    // A number that is no status code at all is refused like a non-2xx one.
    let bad: CorsConfig = toml::from_str("preflight_status = 1000").unwrap();
    let err = bad.to_builder().unwrap_err();
    assert!(matches!(err, ConfigError::PreflightStatusNotSuccess { status: 1000, .. }), "{err:?}");
    let err =
        json_error(r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 42 }"#);
    assert!(matches!(err, ConfigError::PreflightStatusNotSuccess { status: 42, .. }), "{err:?}");
}

/// Every mistake of a file at once, each with its field, in the order of the
/// fields, one per line.
#[test]
fn every_mistake_is_reported_at_once_with_its_field() {
    let places = |err: &ConfigError| err.errors().iter().map(place).collect::<Vec<_>>();
    let err = json_error(
        r#"{ "preflight_status": 42, "max_age": 90000, "allow_credentials": true, "allow_any_origin": true,
             "allow_headers": ["content-type", "Cookie"], "allow_methods": ["get", "TRACE", "PUT"] }"#,
    );
    let want = ["allow_methods[0]", "allow_methods[1]", "allow_headers[1]", "allow_credentials"];
    assert_eq!(places(&err), [&want[..], &["max_age", "preflight_status"]].concat());
    assert!(err.location().is_none(), "{err:?}");
    let message = err.to_string();
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!((lines[0], lines.len()), ("6 mistakes in the CORS configuration:", 7), "{message}");
    for (line, error) in lines[1..].iter().zip(err.errors()) {
        assert_eq!(*line, format!("- {error}"));
        assert!(line.starts_with(&format!("- {}: ", place(error))), "{line}");
    }
    let cookies = "cookies are sent with allow_credentials = true, not as a header";
    for words in [r#"write "GET""#, cookies, "max_age = 90000"] {
        assert!(message.contains(words), "{words} not in {message}");
    }
    let err = json_error(r#"{ "allow_origins": ["https://a.example,https://b.example"] }"#);
    assert!(matches!(err, ConfigError::OriginList { .. }), "{err:?}");
    let fix = r#"give each origin separately, as in allow_origins = ["https://a.example", "https://b.example"]"#;
    assert!(err.to_string().contains(&format!("looks like a list: {fix}")), "{err}");
}
