//! What a policy row builds into, without a database: the lookup's pool
//! connects only when asked.

use tower_cors_postgres::{pool, PgCors};

fn cors() -> PgCors {
    let config: tokio_postgres::Config = "postgres://app@127.0.0.1:1/app".parse().unwrap();
    PgCors::new(config.clone(), pool(&config, 4).unwrap())
}

#[test]
fn a_row_builds_or_names_every_mistake_by_its_field() {
    // (row, the start of each mistake; none if it builds)
    let cases: [(&str, &[&str]); 6] = [
        ("allow_origins = [\"https://app.example.com\"]", &[]),
        // Every origin a tenant's: the lookup is the policy's only origin rule.
        ("allow_methods = [\"GET\", \"PUT\"]", &[]),
        ("", &[]),
        (
            "allow_origins = [\"https://app.example.com\", \"*\"]\nmax_age = 100000",
            &[
                "allow_origins[1]: \"*\" is not an origin",
                "max_age: max_age = 100000",
            ],
        ),
        ("allow_methods = [\"TRACE\"]", &["allow_methods[0]"]),
        (
            "allow_origins = \"https://app.example.com\"",
            &["not a CorsConfig in TOML: invalid type"],
        ),
    ];
    let cors = cors();
    for (row, expected) in cases {
        match cors.build_policy(row) {
            Ok(layer) => {
                assert!(expected.is_empty(), "{row:?} built");
                assert!(layer.policy().to_string().contains("+ origin lookup"));
            }
            Err(refused) => {
                let mistakes = refused.mistakes();
                assert_eq!(mistakes.len(), expected.len(), "{row:?}: {mistakes:?}");
                for (mistake, start) in mistakes.iter().zip(expected) {
                    assert!(mistake.starts_with(start), "{row:?}: {mistake}");
                }
                assert!(
                    !refused.to_string().contains("\n\n"),
                    "one line per mistake"
                );
            }
        }
    }
}

#[test]
fn a_mistake_of_configure_is_reported_too() {
    let cors = cors().configure(|b| b.origin_lookup_concurrency(0));
    let refused = cors
        .build_policy("allow_origins = [\"https://app.example.com\"]")
        .unwrap_err();
    assert_eq!(refused.mistakes().len(), 1);
    assert!(refused.mistakes()[0].contains("origin_lookup_concurrency(0)"));
}
