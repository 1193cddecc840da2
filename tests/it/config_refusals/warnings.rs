//! `CorsLayer::warnings()`: what `build()` accepts but browsers treat
//! otherwise, and that a plain policy has none.

use tower_cors::ConfigWarning;

use super::*;

#[test]
fn warnings_name_what_build_accepts_but_browsers_treat_otherwise() {
    let warned = |builder: CorsBuilder| builder.build().unwrap().warnings().to_vec();
    let app = || origins(&["https://a.example"]);
    assert_eq!(
        warned(app().max_age(Duration::from_secs(7201))),
        [ConfigWarning::MaxAgeAboveChromiumCap { seconds: 7201 }]
    );
    assert_eq!(warned(app().max_age(Duration::from_secs(7200))), []);
    assert_eq!(
        warned(app().allow_private_network(true)),
        [ConfigWarning::PrivateNetworkAccessRetired]
    );
    assert_eq!(
        warned(app().allow_credentials(true).expose_any_header()),
        [ConfigWarning::ExposeAnyHeaderWithCredentials]
    );
    assert_eq!(warned(app().expose_any_header()), []);

    let messages = [
        (ConfigWarning::MaxAgeAboveChromiumCap { seconds: 86_400 }, "7200"),
        (ConfigWarning::PrivateNetworkAccessRetired, "Chrome 142"),
        (ConfigWarning::ExposeAnyHeaderWithCredentials, "response's own header names"),
    ];
    for (warning, words) in messages {
        assert!(warning.to_string().contains(words), "{warning}");
    }
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
