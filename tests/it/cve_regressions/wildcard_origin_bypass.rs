//! rs/cors CVE-2018-20744 (GO-2023-1792): a `*` policy was turned into
//! reflecting any `Origin`, and with credentials that lets any site read
//! authenticated responses; jub0bs showed (rs/cors#197) that `h*` still
//! reflects near-arbitrary origins. gin-contrib/cors CVE-2019-25211: a
//! trailing wildcard in `https://example.com*` allowed
//! `https://example.community`, and `http://localhost*` allowed
//! `http://localhost.example.com`.

use super::*;

#[test]
#[rustfmt::skip]
fn a_star_and_wildcards_other_than_a_leading_label_or_the_port_are_refused() {
    assert!(matches!(build_err(&["*"]), ConfigError::WildcardOrigin { .. }));
    for pattern in [
        "h*", "https://*", "https://*.*", "https://**.example.com", "https://*example.com", "https://a.*.example.com",
        "https://example.*", "https://example.com*", "http://localhost*", "https://app.example.com:8*", "*://app.example.com",
    ] {
        let err = build_err(&[pattern]);
        let misplaced = matches!(err, ConfigError::MisplacedWildcard { .. } | ConfigError::InvalidOrigin { .. });
        assert!(misplaced, "{pattern}: {err:?}");
    }
}

#[test]
#[rustfmt::skip]
fn an_exact_origin_never_allows_an_origin_it_is_a_prefix_of() {
    let layer = policy(&["https://example.com", "http://localhost"], |b| b);
    refuses_all(&layer, &[
        "https://example.community", "https://example.com.evil.net", "https://example.comevil.net",
        "http://localhost.example.com", "http://localhost:8080", "http://localhostevil",
    ]);
    assert_eq!(acao_for(&layer, "https://example.com").as_deref(), Some("https://example.com"));
}

#[test]
fn any_origin_answers_star_and_never_reflects_the_origin_nor_takes_credentials() {
    let layer = CorsLayer::builder().allow_any_origin().build().unwrap();
    for origin in ["https://evil.example", "null", "http://localhost:1"] {
        assert_eq!(acao_for(&layer, origin).as_deref(), Some("*"), "{origin}");
    }
    let star = acao_for(&CorsLayer::permissive(), "https://evil.example");
    assert_eq!(star.as_deref(), Some("*"));
    let with_credentials = CorsLayer::builder().allow_any_origin().allow_credentials(true);
    let err = with_credentials.build().unwrap_err();
    assert!(matches!(err, ConfigError::CredentialsWithAnyOrigin { .. }));
}
