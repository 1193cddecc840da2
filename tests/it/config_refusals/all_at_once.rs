//! `build()` reports every mistake of a configuration at once.

use super::*;

#[test]
fn every_mistake_is_reported_at_once() {
    let bad = ["https://a.example/app", "*", "https://B.example"];
    let err = refusal(origins(&bad));
    assert!(matches!(err, ConfigError::Several(_)) && err.location().is_none(), "{err:?}");
    let [path, star, upper] = err.errors() else { panic!("{err:?}") };
    assert!(matches!(path, ConfigError::OriginWithPath { origin, .. } if origin == bad[0]));
    assert!(matches!(star, ConfigError::WildcardOrigin { .. }));
    assert!(matches!(upper, ConfigError::NonCanonicalOrigin { origin, .. } if origin == bad[2]));
    // Each names its place in the list.
    let indexes: Vec<_> =
        err.errors().iter().map(|e| e.location().and_then(|at| at.index())).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)]);
    // One line per mistake: its own message, which names its value.
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!((lines[0], lines.len()), ("3 mistakes in the CORS configuration:", 4), "{msg}");
    for (line, error) in lines[1..].iter().zip(err.errors()) {
        assert_eq!(*line, format!("- {error}"));
    }
    // Mistakes of different settings, in the order of the settings: (variant, field).
    let settings = origins(&["https://a.example/app"])
        .allow_methods([Method::TRACE])
        .allow_headers(["cookie"]);
    let err =
        refusal(settings.max_age(Duration::from_secs(100_000)).preflight_status(StatusCode::FOUND));
    let variant = |e: &ConfigError| format!("{e:?}").split(' ').next().unwrap().to_owned();
    let found: Vec<String> = err
        .errors()
        .iter()
        .map(|e| format!("{} {}", variant(e), e.location().unwrap().field()))
        .collect();
    let want = [
        "OriginWithPath allow_origins", "ForbiddenMethod allow_methods",
        "ForbiddenRequestHeader allow_headers", "MaxAgeTooLong max_age",
        "PreflightStatusNotSuccess preflight_status",
    ];
    assert_eq!(found, want);
}

#[test]
fn a_single_mistake_is_its_own_variant_and_its_own_list() {
    let err = refusal(origins(&["null"]));
    assert_eq!(err, ConfigError::NullOrigin { location: origin_at(&err) });
    assert_eq!(err.errors(), std::slice::from_ref(&err));
    assert!(!err.to_string().contains('\n'));
}
