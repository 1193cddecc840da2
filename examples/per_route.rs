//! Different CORS policies for different parts of an axum app.
//!
//! ```text
//! cargo run -p tower-cors-examples --example per_route   # PORT=0 picks a free port
//! curl -i localhost:3000/public/status -H 'origin: https://anyone.example'
//! curl -i localhost:3000/account/profile -H 'origin: https://app.example.com'
//! ```
//!
//! - `/public/*`: any origin, no credentials (`Access-Control-Allow-Origin: *`),
//!   unknown paths under `/public` included (their 404 carries the header too).
//! - `/account/*`: only `https://app.example.com`, with credentials (cookies);
//!   unknown paths there get a plain 404.
//!
//! Each policy wraps its own sub-router, with [`Router::layer`] on a nested
//! router or with [`Router::route_layer`]. Both wrap every method of each
//! route, including axum's "405 Method Not Allowed" fallback, so the layer
//! sees a preflight (`OPTIONS`) even for a route that only serves `GET`.
//! Don't use `MethodRouter::route_layer` (on `get(...)`) for CORS: it skips
//! that fallback, and preflights get 405.
//!
//! Don't also put an app-wide `CorsLayer` around the whole router: the outer
//! layer answers every preflight before a per-route one can.

use std::net::SocketAddr;

use axum::routing::get;
use axum::{Json, Router};
use http::{header, Method, StatusCode};
use tokio::net::TcpListener;
use tower_cors::CorsLayer;

/// The one origin trusted with the user's cookies.
pub const APP_ORIGIN: &str = "https://app.example.com";

/// Any origin may read public data; no cookies are involved.
fn public_cors() -> CorsLayer {
    CorsLayer::builder()
        .allow_any_origin()
        .allow_methods([Method::GET])
        .build()
        .expect("valid CORS configuration")
}

/// Only the app may call the account API, with cookies.
fn account_cors() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP_ORIGIN])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
        .allow_credentials(true)
        .build()
        .expect("valid CORS configuration")
}

/// The app: `/public` and `/account`, each with its own policy.
pub fn router() -> Router {
    // A nested router with `layer`: the policy covers everything under
    // /public, unknown paths included. The fallback is what makes it so:
    // without one, axum sends `/public/nope` to the outer router's fallback,
    // outside this layer, and the 404 carries no CORS headers (a script then
    // sees a network error instead of the 404).
    let public = Router::new()
        .route(
            "/status",
            get(|| async { Json(serde_json::json!({ "up": true })) }),
        )
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(public_cors());

    // `route_layer`: the policy covers these routes (unknown paths get a
    // plain 404, without CORS headers).
    let account = Router::new()
        .route(
            "/profile",
            get(|| async { Json(serde_json::json!({ "name": "Ada" })) }).put(|| async { "saved" }),
        )
        .route_layer(account_cors());

    Router::new()
        .nest("/public", public)
        .nest("/account", account)
}

/// Serves [`router`] on `listener`.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router()).await
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
    println!("try a public route from any origin, then the account route from the app:");
    println!("  curl -i http://{addr}/public/status -H 'Origin: https://anyone.example'");
    println!("  curl -i http://{addr}/account/profile -H 'Origin: {APP_ORIGIN}'");
    serve(listener).await
}
