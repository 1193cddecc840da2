//! `build()` reports every mistake of a configuration at once.

use super::*;

#[test]
fn every_mistake_is_reported_at_once() {
    let bad = ["https://a.example/app", "*", "https://B.example"];
    let err = refusal(origins(&bad));
    assert!(matches!(err, ConfigError::Several(_)), "{err:?}");
    let errors = err.errors();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(matches!(&errors[0], ConfigError::OriginWithPath { origin, .. } if origin == bad[0]));
    assert!(matches!(errors[1], ConfigError::WildcardOrigin { .. }));
    let non_canonical =
        matches!(&errors[2], ConfigError::NonCanonicalOrigin { origin, .. } if origin == bad[2]);
    assert!(non_canonical);
    // Each names its place in the list.
    let indexes: Vec<_> = errors.iter().map(|e| e.location().and_then(|at| at.index())).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)]);
    assert!(err.location().is_none());
    // One line per mistake, each naming its value.
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!((lines[0], lines.len()), ("3 mistakes in the CORS configuration:", 4), "{msg}");
    for (line, error) in lines[1..].iter().zip(errors) {
        assert_eq!(*line, format!("- {error}"));
    }
    assert!(
        lines[1].contains("\"https://a.example/app\"")
            && lines[3].contains("\"https://B.example\"")
    );

    // Mistakes of different settings, in the order of the settings.
    let err = refusal(
        origins(&["https://a.example/app"])
            .allow_methods([Method::TRACE])
            .allow_headers(["cookie"])
            .max_age(Duration::from_secs(100_000))
            .preflight_status(StatusCode::FOUND),
    );
    let kinds: Vec<&str> = err
        .errors()
        .iter()
        .map(|e| format!("{e:?}"))
        .map(|d| match d.split(' ').next() {
            Some("OriginWithPath") => "origin",
            Some("ForbiddenMethod") => "method",
            Some("ForbiddenRequestHeader") => "header",
            Some("MaxAgeTooLong") => "max_age",
            Some("PreflightStatusNotSuccess") => "status",
            _ => panic!("unexpected {d}"),
        })
        .collect();
    assert_eq!(kinds, ["origin", "method", "header", "max_age", "status"]);
    let fields: Vec<&str> = err.errors().iter().map(|e| e.location().unwrap().field()).collect();
    assert_eq!(
        fields,
        ["allow_origins", "allow_methods", "allow_headers", "max_age", "preflight_status"]
    );
}

#[test]
fn a_single_mistake_is_its_own_variant_and_its_own_list() {
    let err = refusal(origins(&["null"]));
    assert_eq!(err, ConfigError::NullOrigin { location: origin_at(&err) });
    assert_eq!(err.errors(), std::slice::from_ref(&err));
    assert!(!err.to_string().contains('\n'));
}
