//! One instance of a fleet: an API whose CORS policy and tenant origins
//! live in PostgreSQL. Start several on the same database; a change to
//! either table reaches all of them at once.
//!
//! ```text
//! DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres PORT=3000 cargo run -p tower-cors-postgres --example fleet
//! psql -h 127.0.0.1 -p 55432 -U postgres -c "INSERT INTO cors_origins (origin) VALUES ('https://shop.example')"
//! curl -i http://127.0.0.1:3000/api/items -H 'Origin: https://shop.example'   # allowed
//! ```
//!
//! - `DATABASE_URL`: a PostgreSQL URL (required). The schema is applied at
//!   start, and a `default` policy row allowing `https://app.example.com`
//!   is inserted if there is none.
//! - `PORT`: `0` picks a free port; the address is printed.
//! - `LOOKUP_CONCURRENCY`: `origin_lookup_concurrency` (default 8), below
//!   the pool's 16 connections.
//!
//! Logs (tracing, `info`) go to stderr: a refused policy row is logged
//! with each of its mistakes.

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tower_cors_postgres::{apply_schema, pool, PgCors};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL=postgres://...")?;
    let config: tokio_postgres::Config = url.parse()?;
    let concurrency: usize = match std::env::var("LOOKUP_CONCURRENCY") {
        Ok(n) => n.parse()?,
        Err(_) => 8,
    };
    let pool = pool(&config, 16)?;
    let client = pool.get().await?;
    apply_schema(&client).await?;
    client
        .execute(
            "INSERT INTO cors_policy (name, config) VALUES ('default', $1) ON CONFLICT DO NOTHING",
            &[&"allow_origins = [\"https://app.example.com\"]\n"],
        )
        .await?;
    drop(client);

    let fleet = PgCors::new(config, pool)
        .configure(move |builder| {
            builder
                .origin_lookup_ttl(Duration::from_secs(60))
                .origin_lookup_refused_ttl(Duration::from_secs(5))
                .origin_lookup_timeout(Duration::from_secs(2))
                .origin_lookup_concurrency(concurrency)
        })
        .reconnect_backoff(Duration::from_millis(100), Duration::from_secs(2))
        .ping_every(Duration::from_secs(5))
        .start()
        .await?;

    let app = Router::new()
        .route("/api/items", get(|| async { "[\"item\"]" }))
        .layer(fleet.layer().clone());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
