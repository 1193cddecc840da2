//! A small JSON API behind `tower-cors`.
//!
//! ```text
//! cargo run -p tower-cors-examples --example axum
//! PORT=8080 ALLOWED_ORIGINS=https://app.example.com,https://*.example.com cargo run -p tower-cors-examples --example axum
//! ```
//!
//! Allows `http://localhost:5173` (a typical dev frontend) plus every origin
//! listed comma-separated in `$ALLOWED_ORIGINS`, with credentials. Listens on
//! 127.0.0.1:3000, or on `$PORT` (0 picks a free port). A handler that
//! panics answers 500 with CORS headers (see [`with_layers`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderName, Method, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_cors::CorsLayer;
use tower_http::catch_panic::CatchPanicLayer;

type Items = Arc<Mutex<Vec<Value>>>;

/// The CORS policy: the dev frontend plus `$ALLOWED_ORIGINS`.
pub fn cors(extra_origins: &str) -> Result<CorsLayer, tower_cors::ConfigError> {
    let origins = std::iter::once("http://localhost:5173").chain(
        extra_origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty()),
    );
    CorsLayer::builder()
        .allow_origins(origins)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static("x-item-count")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
}

fn app(cors: CorsLayer) -> Router {
    let items: Items = Arc::new(Mutex::new(vec![json!({"id": 1, "name": "first"})]));
    let routes = Router::new()
        .route("/api/items", get(list).post(create))
        .with_state(items);
    with_layers(routes, cors)
}

/// The middleware around the routes. In axum a later `.layer` wraps the
/// earlier ones, so `CatchPanicLayer` is inside the CORS layer: the 500 it
/// makes of a panicking handler passes through CORS and the page can read
/// it. Outside, that 500 would carry no CORS headers and the browser would
/// report a CORS error; without it, the connection would just drop.
pub fn with_layers(routes: Router, cors: CorsLayer) -> Router {
    routes.layer(CatchPanicLayer::new()).layer(cors)
}

async fn list(State(items): State<Items>) -> ([(HeaderName, String); 1], Json<Vec<Value>>) {
    let items = items.lock().map(|i| i.clone()).unwrap_or_default();
    let count = [(
        HeaderName::from_static("x-item-count"),
        items.len().to_string(),
    )];
    (count, Json(items))
}

async fn create(
    State(items): State<Items>,
    Json(mut item): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let Ok(mut items) = items.lock() else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "poisoned"})),
        );
    };
    item["id"] = json!(items.len() + 1);
    items.push(item.clone());
    (StatusCode::CREATED, Json(item))
}

#[tokio::main]
async fn main() {
    let cors = match cors(&std::env::var("ALLOWED_ORIGINS").unwrap_or_default()) {
        Ok(cors) => cors,
        Err(err) => {
            eprintln!("invalid CORS configuration: {err}");
            std::process::exit(2);
        }
    };
    println!("CORS policy: {}", cors.policy());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = match tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {err}");
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    println!("listening on http://{addr}");
    println!("try a preflight:");
    println!(
        "  curl -i -X OPTIONS http://{addr}/api/items -H 'Origin: http://localhost:5173' \
         -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type'"
    );
    if let Err(err) = axum::serve(listener, app(cors)).await {
        eprintln!("server error: {err}");
    }
}
