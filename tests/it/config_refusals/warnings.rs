//! `CorsLayer::warnings()`: what `build()` accepts but browsers treat
//! otherwise, and that a plain policy has none.

use tower_cors::ConfigWarning;

use super::*;

#[test]
#[rustfmt::skip]
fn warnings_name_what_build_accepts_but_browsers_treat_otherwise() {
    let app = || origins(&["https://a.example"]);
    // (configuration, its warnings, words of the warning's message)
    let rows = [
        (app().allow_methods([Method::PUT]).allow_credentials(true).max_age(Duration::from_secs(600)), &[][..], ""),
        (app().max_age(Duration::from_secs(7201)), &[ConfigWarning::MaxAgeAboveChromiumCap { seconds: 7201 }], "7200"),
        (app().max_age(Duration::from_secs(7200)), &[], ""),
        (app().allow_private_network(true), &[ConfigWarning::PrivateNetworkAccessRetired], "Chrome 142"),
        (app().allow_credentials(true).expose_any_header(), &[ConfigWarning::ExposeAnyHeaderWithCredentials],
            "response's own header names"),
        (app().expose_any_header(), &[], ""),
    ];
    let built = rows.map(|(builder, warnings, words)| (builder.build().unwrap(), warnings, words));
    // Checked once all are built: building another policy changes nothing
    // in the first, and a clone has its policy's warnings.
    for (layer, warnings, words) in &built {
        assert_eq!(layer.clone().warnings(), *warnings);
        for warning in *warnings {
            assert!(warning.to_string().contains(words), "{warning}");
        }
    }
    assert!(CorsLayer::permissive().warnings().is_empty());
}
