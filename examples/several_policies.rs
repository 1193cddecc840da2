//! Several CORS policies in one layer: one `CorsLayer` on the whole axum
//! router, with a route per part of the app and an origin group.
//!
//! ```text
//! cargo run -p tower-cors-examples --example several_policies   # PORT=0 picks a free port
//! curl -i localhost:3000/public/status -H 'origin: https://anyone.example'
//! curl -i localhost:3000/api/profile -H 'origin: https://app.example.com'
//! curl -i -X OPTIONS localhost:3000/api/profile -H 'origin: https://admin.example.com' -H 'access-control-request-method: DELETE'
//! ```
//!
//! - Outside every route: only `https://app.example.com`, `GET`, with
//!   credentials (cookies).
//! - `.route("/public", ..)`: any origin (`Access-Control-Allow-Origin: *`),
//!   no credentials.
//! - `.route("/api", ..)`: the app's origin and credentials (inherited), plus
//!   `PUT` and the `content-type` header.
//! - `.origin_group(["https://admin.example.com"], ..)`: the admin origin,
//!   echoed, may also `DELETE`, under every route and outside them.
//!
//! Every path goes through the layer, so unknown paths (axum's 404) carry
//! the headers of their route too.
//!
//! Stacking one layer per sub-router (`examples/per_route.rs`) is still the
//! right choice when the parts are separate routers or services owned by
//! different teams, or when a policy's layer must sit at another position in
//! the stack (after authentication, say).

use std::net::SocketAddr;

use axum::routing::get;
use axum::{Json, Router};
use http::{header, Method, StatusCode};
use tokio::net::TcpListener;
use tower_cors::CorsLayer;

/// The one origin trusted with the user's cookies.
pub const APP_ORIGIN: &str = "https://app.example.com";
/// The back office: the app's rights, and `DELETE`.
pub const ADMIN_ORIGIN: &str = "https://admin.example.com";

/// The whole app's CORS policy. A route or group replaces only the settings
/// its closure makes and inherits the rest.
pub fn cors() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP_ORIGIN])
        .allow_methods([Method::GET])
        .allow_credentials(true)
        // Without `allow_credentials(false)` the route would inherit the
        // credentials, and `build()` would refuse them with `*`, naming
        // `route "/public"`.
        .route("/public", |r| r.allow_any_origin().allow_credentials(false))
        .route("/api", |r| {
            r.allow_methods([Method::GET, Method::PUT])
                .allow_headers([header::CONTENT_TYPE])
        })
        .origin_group([ADMIN_ORIGIN], |g| {
            g.allow_methods([Method::GET, Method::PUT, Method::DELETE])
        })
        .build()
        .expect("valid CORS configuration")
}

/// The app: `/public` and `/api`, behind one layer.
pub fn router() -> Router {
    Router::new()
        .route(
            "/public/status",
            get(|| async { Json(serde_json::json!({ "up": true })) }),
        )
        .route(
            "/api/profile",
            get(|| async { Json(serde_json::json!({ "name": "Ada" })) })
                .put(|| async { "saved" })
                .delete(|| async { StatusCode::NO_CONTENT }),
        )
        .layer(cors())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    println!("try the public route from any origin, the API from the app, a DELETE preflight from the admin origin:");
    println!("  curl -i http://{addr}/public/status -H 'Origin: https://anyone.example'");
    println!("  curl -i http://{addr}/api/profile -H 'Origin: {APP_ORIGIN}'");
    println!(
        "  curl -i -X OPTIONS http://{addr}/api/profile -H 'Origin: {ADMIN_ORIGIN}' \
         -H 'Access-Control-Request-Method: DELETE'"
    );
    axum::serve(listener, router()).await
}
