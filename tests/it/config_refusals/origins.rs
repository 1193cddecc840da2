//! Refused origins and origin patterns.

use super::*;

#[test]
fn credentials_with_any_origin_are_refused() {
    let err = refusal(CorsLayer::builder().allow_any_origin().allow_credentials(true));
    assert_eq!(
        err,
        ConfigError::CredentialsWithAnyOrigin {
            location: located(&err, "allow_credentials", None)
        }
    );
    assert!(err.to_string().contains("allow_origins"));
    // The message names the value (and the fix) for more spellings.
    {
        let e = refusal(CorsLayer::builder().allow_any_origin().allow_credentials(true));
        assert!(matches!(e, ConfigError::CredentialsWithAnyOrigin { .. }));
        let msg = e.to_string();
        assert!(msg.contains("allow_any_origin") || msg.contains("credentials"), "{msg}");
        // Order of calls does not matter.
        assert!(CorsLayer::builder().allow_credentials(true).allow_any_origin().build().is_err());
    }
}

#[test]
fn any_origin_combined_with_a_list_is_refused() {
    let err = refusal(origins(&["https://a.example"]).allow_any_origin());
    assert_eq!(
        err,
        ConfigError::AnyOriginWithList { location: located(&err, "allow_any_origin", None) }
    );
}

#[test]
fn star_as_a_listed_origin_is_refused() {
    let err = refusal(origins(&["*"]));
    assert_eq!(err, ConfigError::WildcardOrigin { location: origin_at(&err) });
    assert!(err.to_string().contains("allow_any_origin()"));
    // The message names the value (and the fix) for more spellings.
    {
        let msg = refused_origin("*");
        assert!(msg.contains("\"*\"") || msg.contains("`*`") || msg.contains('*'), "{msg}");
    }
}

#[test]
fn null_as_a_listed_origin_is_refused() {
    for null in ["null", "NULL", " null"] {
        let err = refusal(origins(&[null]));
        let location = origin_at(&err);
        assert_eq!(err, ConfigError::NullOrigin { location }, "{null:?}");
    }
    // The message names the value (and the fix) for more spellings.
    {
        let msg = refused_origin("null");
        assert!(msg.contains("null"), "{msg}");
    }
}

#[test]
fn file_origins_are_refused() {
    let err = refusal(origins(&["file:///home/me/index.html"]));
    assert!(matches!(err, ConfigError::FileOrigin { .. }));
    assert!(err.to_string().contains("http://localhost"));
    // The message names the value (and the fix) for more spellings.
    {
        for o in ["file://", "file:///home/me/index.html", "file://host"] {
            let msg = refused_origin(o);
            assert!(msg.contains(o), "{o}: {msg}");
        }
    }
}

#[test]
fn origins_with_a_path_query_fragment_or_user_info_are_refused_naming_the_canonical_origin() {
    let err = refusal(origins(&["https://app.example.com/api"]));
    assert_eq!(
        err,
        ConfigError::OriginWithPath {
            origin: "https://app.example.com/api".into(),
            canonical: "https://app.example.com".into(),
            location: origin_at(&err),
        }
    );
    assert!(err.to_string().contains("use \"https://app.example.com\""));
    // The message names the value (and the fix) for more spellings.
    {
        for o in [
            "https://app.example.com/path", "https://app.example.com/a/b/",
            "https://app.example.com?x=1", "https://app.example.com/?x=1",
            "https://app.example.com#frag", "https://user@app.example.com",
            "https://user:pass@app.example.com",
        ] {
            let msg = refused_origin(o);
            assert!(msg.contains(o), "{o}: message lacks the value: {msg}");
            assert!(
                msg.contains(&format!("\"{APP}\"")),
                "{o}: message lacks the canonical form: {msg}"
            );
        }
    }
}

#[test]
fn origins_with_a_query_or_fragment_are_refused() {
    for o in
        ["https://app.example.com?x=1", "https://app.example.com#top", "https://app.example.com/?x"]
    {
        assert!(
            matches!(refusal(origins(&[o])), ConfigError::OriginWithQueryOrFragment { ref canonical, .. } if canonical == "https://app.example.com"),
            "{o}"
        );
    }
}

#[test]
fn origins_with_user_info_are_refused() {
    let err = refusal(origins(&["https://user:pw@app.example.com"]));
    assert!(
        matches!(err, ConfigError::OriginWithUserInfo { ref canonical, .. } if canonical == "https://app.example.com")
    );
}

#[test]
fn non_canonical_origins_are_refused_naming_the_canonical_form() {
    let cases = [
        ("https://App.Example.com", "https://app.example.com"),
        ("HTTPS://app.example.com", "https://app.example.com"),
        ("https://app.example.com/", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://app.example.com:80", "http://app.example.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
        ("https://*.Example.com", "https://*.example.com"),
        (" https://app.example.com", "https://app.example.com"),
    ];
    for (given, canonical) in cases {
        let err = refusal(origins(&[given]));
        assert_eq!(
            err,
            ConfigError::NonCanonicalOrigin {
                origin: given.into(),
                canonical: canonical.into(),
                location: origin_at(&err),
            },
            "{given}"
        );
        assert!(err.to_string().contains(&format!("{canonical:?}")));
    }
    // The message names the value (and the fix) for more spellings.
    {
        for (o, canonical) in [
            ("https://App.Example.com", "https://app.example.com"),
            ("HTTPS://app.example.com", "https://app.example.com"),
            ("https://app.example.com:443", "https://app.example.com"),
            ("http://app.example.com:80", "http://app.example.com"),
            ("https://app.example.com/", "https://app.example.com"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
            ("https://*.Example.com", "https://*.example.com"),
            ("http://LOCALHOST:*", "http://localhost:*"),
            ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"),
            (" https://app.example.com", "https://app.example.com"),
            ("https://app.example.com ", "https://app.example.com"),
            ("https://app.example.com:", "https://app.example.com"),
        ] {
            let msg = refused_origin(o);
            assert!(msg.contains(o), "{o}: message lacks the value: {msg}");
            assert!(
                msg.contains(&format!("\"{canonical}\"")),
                "{o}: message lacks canonical {canonical}: {msg}"
            );
        }
    }
}

#[test]
fn strings_that_are_not_origins_are_refused() {
    for o in [
        "app.example.com", "https://", "https:app.example.com", "https://app..example.com",
        "https://app.example.com:99999", "https://exa mple.com",
    ] {
        assert!(matches!(refusal(origins(&[o])), ConfigError::InvalidOrigin { .. }), "{o}");
    }
}

#[test]
fn wildcards_outside_a_leading_label_or_the_port_are_refused() {
    for o in [
        "https://a.*.example.com", "https://*example.com", "https://*.*.example.com",
        "*://example.com", "https://example.*", "https://example.com:8*", "https://*",
    ] {
        assert!(matches!(refusal(origins(&[o])), ConfigError::MisplacedWildcard { .. }), "{o}");
    }
    // The message names the value (and the fix) for more spellings.
    {
        for o in [
            "https://a.*.example.com", "https://*example.com", "https://ex*ample.com",
            "https://example.*", "https://*.*.example.com", "https://**.example.com",
            "*://app.example.com", "http*://app.example.com", "https://app.example.com:8*",
            "https://app.example.com:*0", "https://example.com.*",
        ] {
            let result = CorsLayer::builder().allow_origins([o]).build();
            let msg = match result {
                Ok(_) => panic!("{o} accepted"),
                Err(e) => e.to_string(),
            };
            assert!(msg.contains(o), "{o}: {msg}");
        }
    }
}

#[test]
fn subdomain_wildcards_on_public_suffixes_are_refused() {
    for (o, suffix) in [
        ("https://*.com", "com"),
        ("https://*.co.uk", "co.uk"),
        ("https://*.github.io", "github.io"),
        ("https://*.vercel.app", "vercel.app"),
    ] {
        let err = refusal(origins(&[o]));
        let location = origin_at(&err);
        assert_eq!(
            err,
            ConfigError::WildcardOnPublicSuffix {
                origin: o.into(),
                suffix: suffix.into(),
                location,
            }
        );
    }
    assert!(origins(&["https://*.example.co.uk", "http://*.localhost:*"]).build().is_ok());
    // The message names the value (and the fix) for more spellings.
    {
        for o in ["https://*.com", "https://*.co.uk", "https://*.org", "https://*.io"] {
            let msg = refused_origin(o);
            assert!(msg.contains(o), "{o}: {msg}");
        }
        // A registrable domain under them is fine.
        assert!(CorsLayer::builder()
            .allow_origins(["https://*.example.co.uk", "https://*.example.com"])
            .build()
            .is_ok());
    }
    // Common Public Suffix List entries (ccSLDs and shared hosting).
    {
        let mut accepted = Vec::new();
        for o in [
            "https://*.co.in", "https://*.com.mx", "https://*.co.za", "https://*.com.tr",
            "https://*.com.ar", "https://*.gitlab.io", "https://*.onrender.com",
            "https://*.fly.dev", "https://*.readthedocs.io", "https://*.github.io",
            "https://*.herokuapp.com", "https://*.vercel.app", "https://*.pages.dev",
        ] {
            if CorsLayer::builder().allow_origins([o]).build().is_ok() {
                accepted.push(o);
            }
        }
        assert!(accepted.is_empty(), "accepted wildcards on public suffixes: {accepted:?}");
    }
}

#[test]
fn subdomain_wildcards_on_ip_addresses_are_refused() {
    assert!(matches!(
        refusal(origins(&["http://*.127.0.0.1"])),
        ConfigError::WildcardOnIpAddress { .. }
    ));
}

#[test]
fn plain_http_origins_with_credentials_are_refused_unless_explicitly_allowed() {
    let err = refusal(origins(&["http://app.example.com"]).allow_credentials(true));
    assert_eq!(
        err,
        ConfigError::InsecureOriginWithCredentials {
            origin: "http://app.example.com".into(),
            location: origin_at(&err),
        }
    );
    assert!(err.to_string().contains("allow_credentials_over_http(true)"));
    assert!(matches!(
        refusal(origins(&["http://*.example.com"]).allow_credentials(true)),
        ConfigError::InsecureOriginWithCredentials { .. }
    ));
    assert!(origins(&["http://app.example.com"])
        .allow_credentials(true)
        .allow_credentials_over_http(true)
        .build()
        .is_ok());
    assert!(origins(&["http://app.example.com"]).build().is_ok());
    // The message names the value (and the fix) for more spellings.
    {
        for o in [
            "http://app.example.com", "http://*.example.com", "http://app.example.com:8080",
            "http://10.0.0.1", "http://192.168.1.10:8080",
        ] {
            let e = refusal(CorsLayer::builder().allow_origins([o]).allow_credentials(true));
            assert!(e.to_string().contains(o), "{o}: {e}");
            // Without credentials they are fine.
            assert!(CorsLayer::builder().allow_origins([o]).build().is_ok(), "{o}");
            // Explicitly allowed.
            assert!(
                CorsLayer::builder()
                    .allow_origins([o])
                    .allow_credentials(true)
                    .allow_credentials_over_http(true)
                    .build()
                    .is_ok(),
                "{o}"
            );
        }
    }
}

#[test]
fn loopback_http_origins_are_trustworthy_with_credentials() {
    let loopback = [
        "http://localhost:5173", "http://app.localhost:3000", "http://127.0.0.1:8080",
        "http://127.10.0.1", "http://[::1]:3000", "http://localhost:*", "http://*.localhost:*",
    ];
    assert!(origins(&loopback).allow_credentials(true).build().is_ok());
    // The message names the value (and the fix) for more spellings.
    {
        for o in [
            "http://localhost", "http://localhost:3000", "http://localhost:*",
            "http://app.localhost:5173", "http://*.localhost", "http://127.0.0.1",
            "http://127.0.0.1:8080", "http://127.1.2.3:9000", "http://[::1]", "http://[::1]:3000",
        ] {
            let r = CorsLayer::builder().allow_origins([o]).allow_credentials(true).build();
            assert!(r.is_ok(), "{o}: {:?}", r.err());
        }
    }
}

#[test]
fn error_messages_escape_control_characters() {
    let err = refusal(origins(&["https://a.example/\n\u{1b}[31mINJECTED"]));
    let msg = err.to_string();
    assert!(!msg.contains('\n') && !msg.contains('\u{1b}'), "{msg}");
}

// DESIGN "Public API" build(): "Validates and compiles. Never panics" on arbitrary origin strings.
#[test]
fn build_never_panics_on_garbage_origins() {
    for o in [
        "", " ", ":", "://", "https://", "https:", "https:/app.example.com", "https:///",
        "https://:443", "https://[::1", "https://[zz]", "https://[]",
        "https://app.example.com:99999", "https://app.example.com:-1", "https://app.example.com:0",
        "https://a b.example.com", "https://app.example.com\n", "https://\u{0}", "https://*.",
        "https://*", "https://*.*", "http://*:*", "https://xn--.example", "https://.example.com",
        "https://example..com", "https://例え.テスト", "https://\u{202e}moc.elpmaxe",
        "https://256.256.256.256", "https://0x7f.1", "ws://*.example.com", "chrome-extension://*",
        "\\\\server\\share",
    ] {
        let result = std::panic::catch_unwind(|| {
            CorsLayer::builder().allow_origins([o]).build().map(|_| ())
        });
        assert!(result.is_ok(), "build() panicked on {o:?}");
    }
}
