//! The crate's schema: the tables, and the triggers that notify every
//! instance of a change.

/// The schema (`schema.sql`): tables `cors_origins` (tenant origins, as
/// browsers send them) and `cors_policy` (policies as TOML text, by name),
/// and triggers that `NOTIFY` on [`CHANNEL`] after every insert, update,
/// delete (and truncate of `cors_origins`). Idempotent.
///
/// ```
/// assert!(tower_cors_postgres::SCHEMA.contains("CREATE TABLE IF NOT EXISTS cors_origins"));
/// ```
pub const SCHEMA: &str = include_str!("../schema.sql");

/// The notification channel the triggers send on and the listener hears:
/// payloads `origin <origin>`, `origins` (all of them) and `policy <name>`.
///
/// ```
/// assert_eq!(tower_cors_postgres::CHANNEL, "tower_cors");
/// ```
pub const CHANNEL: &str = "tower_cors";

/// Applies [`SCHEMA`] in one transaction. Instances starting together may
/// all call it: an advisory lock makes them take turns.
///
/// ```no_run
/// # async fn run(pool: deadpool_postgres::Pool) -> Result<(), Box<dyn std::error::Error>> {
/// let client = pool.get().await?;
/// tower_cors_postgres::apply_schema(&client).await?;
/// # Ok(())
/// # }
/// ```
pub async fn apply_schema(client: &tokio_postgres::Client) -> Result<(), tokio_postgres::Error> {
    // Concurrent CREATE OR REPLACE FUNCTION of the same function can fail
    // with "tuple concurrently updated"; the lock is released at COMMIT.
    client
        .batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock(hashtext('tower_cors schema')); {SCHEMA} COMMIT;"
        ))
        .await
}
