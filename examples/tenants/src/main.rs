//! A multi-tenant API whose tenants' origins live in a database table, read
//! through `allow_origin_lookup` (cached, single-flight, fail-closed), with
//! an admin endpoint that adds or removes a tenant and invalidates the
//! cached answer at once.
//!
//! ```text
//! ADMIN_TOKEN=secret cargo run -p tenants-example
//! curl -i http://localhost:3000/api/items -H 'Origin: https://shop.example'   # no CORS headers
//! curl -X POST http://localhost:3000/admin/tenants -H 'x-admin-token: secret' -d 'https://shop.example'
//! curl -i http://localhost:3000/api/items -H 'Origin: https://shop.example'   # allowed
//! ```
//!
//! - `DATABASE_URL`: `sqlite:tenants.db?mode=rwc` by default (a file, created
//!   on first run). For a fleet of servers, point every one at the same
//!   PostgreSQL: `DATABASE_URL=postgres://user:pass@db/app`. The code and
//!   the SQL are the same.
//!
//!   Tried with PostgreSQL 15 from Debian (`apt-get install postgresql`),
//!   a throw-away cluster on port 55432:
//!
//!   ```text
//!   su postgres -c "/usr/lib/postgresql/15/bin/initdb -D /tmp/pg -A trust"
//!   su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pg -o '-p 55432 -k /tmp' start"
//!   DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres ADMIN_TOKEN=secret cargo run -p tenants-example
//!   ```
//!
//!   With the database stopped, a preflight from an origin not yet cached
//!   gets `403` after the pool's 1 s acquire timeout (the lookup's own
//!   timeout, 2 s, bounds it otherwise).
//!
//!   The admin endpoint invalidates the cache of the instance it reaches
//!   only; the others follow when their TTLs end. For a fleet that must
//!   agree at once (origins and the policy itself in PostgreSQL, changes
//!   pushed with `LISTEN`/`NOTIFY`), see the `tower-cors-postgres` crate and
//!   its example: `cargo run -p tower-cors-postgres --example fleet`.
//! - `ADMIN_TOKEN`: the admin endpoint's secret (sent as `x-admin-token`);
//!   without it the admin endpoint refuses everything.
//! - `PORT`: `0` picks a free port; the address is printed.
//!
//! The admin routes have no CORS layer: browsers on other origins cannot
//! read their answers, and cannot send the token header at all (it needs a
//! preflight, which nothing answers).

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use tower_cors::CorsLayer;

/// The admin endpoint's state: the store and the layer whose cache it
/// invalidates.
#[derive(Clone)]
struct Admin {
    db: AnyPool,
    cors: CorsLayer,
    token: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:tenants.db?mode=rwc".into());
    sqlx::any::install_default_drivers();
    let db = AnyPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(1))
        .connect(&url)
        .await?;
    // Valid on SQLite and PostgreSQL alike.
    sqlx::query("CREATE TABLE IF NOT EXISTS tenants (origin TEXT PRIMARY KEY)")
        .execute(&db)
        .await?;

    let lookup_db = db.clone();
    let cors = CorsLayer::builder()
        // The company's own app, known at build time: never asks the store.
        .allow_origins(["https://app.example.com"])
        // Everything else: asked of the tenants table, answers cached.
        .allow_origin_lookup(move |origin: String| {
            let db = lookup_db.clone();
            async move {
                let row = sqlx::query("SELECT 1 FROM tenants WHERE origin = $1")
                    .bind(origin)
                    .fetch_optional(&db)
                    .await?;
                Ok::<_, sqlx::Error>(row.is_some())
            }
        })
        .origin_lookup_ttl(Duration::from_secs(60))
        .origin_lookup_refused_ttl(Duration::from_secs(5))
        .origin_lookup_timeout(Duration::from_secs(2))
        .allow_credentials(true)
        .build()?;

    let admin = Admin {
        db,
        cors: cors.clone(),
        token: std::env::var("ADMIN_TOKEN").ok().filter(|t| !t.is_empty()),
    };
    let api = Router::new()
        .route("/api/items", get(|| async { "[\"item\"]" }))
        .layer(cors);
    let admin = Router::new()
        .route("/admin/tenants", post(add_tenant).delete(remove_tenant))
        .with_state(admin);
    let app = api.merge(admin);

    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    println!("a tenant's origin is refused until it is added:");
    println!("  curl -i http://{addr}/api/items -H 'Origin: https://shop.example'");
    println!("  curl -X POST http://{addr}/admin/tenants -H 'x-admin-token: $ADMIN_TOKEN' -d 'https://shop.example'");
    axum::serve(listener, app).await?;
    Ok(())
}

/// `POST /admin/tenants` with an origin as the body: adds the tenant, and
/// forgets the cached refusal, so its next request is allowed.
async fn add_tenant(
    State(admin): State<Admin>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let origin = match admin.authorize(&headers, &body) {
        Ok(origin) => origin,
        Err(refusal) => return refusal,
    };
    let added = sqlx::query("INSERT INTO tenants (origin) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(origin)
        .execute(&admin.db)
        .await;
    match added {
        Ok(_) => {
            admin.cors.invalidate_origin(origin);
            (StatusCode::CREATED, format!("{origin} added\n"))
        }
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, format!("{error}\n")),
    }
}

/// `DELETE /admin/tenants` with an origin as the body: removes the tenant,
/// and forgets the cached approval, so its next request is refused.
async fn remove_tenant(
    State(admin): State<Admin>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let origin = match admin.authorize(&headers, &body) {
        Ok(origin) => origin,
        Err(refusal) => return refusal,
    };
    let removed = sqlx::query("DELETE FROM tenants WHERE origin = $1")
        .bind(origin)
        .execute(&admin.db)
        .await;
    match removed {
        Ok(_) => {
            admin.cors.invalidate_origin(origin);
            (StatusCode::OK, format!("{origin} removed\n"))
        }
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, format!("{error}\n")),
    }
}

impl Admin {
    /// The origin in `body`, if the token matches and it looks like what a
    /// browser sends (scheme and host, no path): the lookup compares it
    /// byte for byte with `Origin`.
    fn authorize<'a>(
        &self,
        headers: &HeaderMap,
        body: &'a str,
    ) -> Result<&'a str, (StatusCode, String)> {
        let sent = headers.get("x-admin-token").and_then(|v| v.to_str().ok());
        match (&self.token, sent) {
            (Some(token), Some(sent)) if token == sent => {}
            (None, _) => return Err((StatusCode::FORBIDDEN, "set ADMIN_TOKEN\n".into())),
            _ => return Err((StatusCode::FORBIDDEN, "wrong x-admin-token\n".into())),
        }
        let origin = body.trim();
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let well_formed = rest.is_some_and(|host| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.:[]".contains(&b))
        });
        if well_formed {
            Ok(origin)
        } else {
            Err((
                StatusCode::BAD_REQUEST,
                format!(
                    "{origin:?} is not an origin as browsers send it (e.g. https://shop.example)\n"
                ),
            ))
        }
    }
}
