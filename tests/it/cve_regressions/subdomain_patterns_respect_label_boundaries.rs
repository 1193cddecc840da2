//! Suffix-sharing subdomain patterns: matchers that test `ends_with
//! ("example.com")` allow `evil-example.com`, and ones that test a prefix allow
//! `example.com.evil.net`. Also the PortSwigger "trusted subdomain" and
//! "unescaped dot" CORS research classes.

use super::*;

#[test]
#[rustfmt::skip]
fn only_true_subdomains_match() {
    let layer = policy(&["https://*.example.com"], |b| b.allow_credentials(true));
    for good in ["https://a.example.com", "https://a.b.example.com", "https://x-1.example.com"] {
        assert_eq!(acao_for(&layer, good).as_deref(), Some(good));
    }
    refuses_all(&layer, &[
        "https://example.com", "https://evil-example.com", "https://evilexample.com", "https://example.com.evil.net",
        "https://a.example.com.evil.net", "https://a.example.co", "https://.example.com", "https://a..example.com",
        "https://a.example.com.", "http://a.example.com", "https://a.example.com:8443", "https://a.example.com:443",
        "wss://a.example.com",
    ]);
}

#[test]
fn wildcards_on_public_suffixes_and_ip_addresses_are_refused() {
    for pattern in
        ["https://*.com", "https://*.co.uk", "https://*.github.io", "https://*.vercel.app"]
    {
        let err = build_err(&[pattern]);
        let ok = matches!(err, ConfigError::WildcardOnPublicSuffix { .. });
        assert!(ok, "{pattern}");
    }
    assert!(matches!(
        build_err(&["https://*.0.0.1"]),
        ConfigError::WildcardOnIpAddress { .. } | ConfigError::WildcardOnPublicSuffix { .. }
    ));
}
