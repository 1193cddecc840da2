//! `CorsLayer::warnings()`: what `build()` accepts but browsers treat
//! otherwise, and that a plain policy has none.

use tower_cors::ConfigWarning;

use super::*;

#[test]
#[rustfmt::skip]
fn warnings_name_what_build_accepts_but_browsers_treat_otherwise() {
    let app = || origins(&["https://a.example"]);
    // (configuration, its warnings, words of the warning's message)
    for (builder, warnings, words) in [
        (app().max_age(Duration::from_secs(7201)), &[ConfigWarning::MaxAgeAboveChromiumCap { seconds: 7201 }][..], "7200"),
        (app().max_age(Duration::from_secs(7200)), &[], ""),
        (app().allow_private_network(true), &[ConfigWarning::PrivateNetworkAccessRetired], "Chrome 142"),
        (app().allow_credentials(true).expose_any_header(), &[ConfigWarning::ExposeAnyHeaderWithCredentials],
            "response's own header names"),
        (app().expose_any_header(), &[], ""),
    ] {
        let layer = builder.build().unwrap();
        assert_eq!(layer.warnings(), warnings);
        for warning in warnings {
            assert!(warning.to_string().contains(words), "{warning}");
        }
    }
    let capped = ConfigWarning::MaxAgeAboveChromiumCap { seconds: 86_400 }.to_string();
    assert!(capped.contains("7200"), "{capped}");
}

#[test]
fn plain_policies_have_no_warnings_and_warnings_stay_with_their_policy() {
    let plain = origins(&["https://a.example"])
        .allow_methods([Method::PUT])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap();
    assert!(plain.warnings().is_empty());
    assert!(CorsLayer::permissive().warnings().is_empty());
    let warned = origins(&["https://a.example"]).allow_private_network(true).build().unwrap();
    assert_eq!(warned.warnings().len(), 1);
    // Building another policy changed nothing in the first.
    assert!(plain.warnings().is_empty());
    assert_eq!(warned.clone().warnings(), warned.warnings());
}
