//! What the list-taking builder methods accept (one value, text, lists,
//! iterators), and tower-http's `CorsLayer::new()`.

use super::*;

/// Methods and header names as text, and a single method, build the same
/// policy as the typed lists.
#[test]
fn methods_and_header_names_are_accepted_as_text_and_single_values() {
    let typed = origins(&["https://a.example"])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([http::header::CONTENT_TYPE])
        .expose_headers([HeaderName::from_static("x-total")])
        .build()
        .unwrap();
    let forms = [
        origins(&["https://a.example"])
            .allow_methods(Method::GET)
            .allow_methods(&Method::PUT)
            .allow_headers(["content-type"])
            .expose_headers(["x-total"]),
        origins(&["https://a.example"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(http::header::CONTENT_TYPE)
            .expose_headers(vec![String::from("X-Total")]),
        origins(&["https://a.example"])
            .allow_methods([Method::GET, Method::PUT].iter().cloned())
            .allow_headers(&[http::header::CONTENT_TYPE][..])
            .expose_headers(["x-total"].iter().map(|h| HeaderName::from_static(h))),
    ];
    for builder in forms {
        let layer = builder.build().unwrap();
        assert_eq!(layer.policy().to_string(), typed.policy().to_string());
    }
}

#[test]
#[allow(deprecated)]
fn the_tower_http_constructor_is_an_empty_builder() {
    let err = refusal(CorsLayer::new());
    let location = located(&err, "allow_origins", None);
    assert_eq!(err, ConfigError::NoOrigin { location });
    let layer = CorsLayer::new().allow_origins(["https://a.example"]).build().unwrap();
    let listed = origins(&["https://a.example"]).build().unwrap();
    assert_eq!(layer.policy().to_string(), listed.policy().to_string());
}
