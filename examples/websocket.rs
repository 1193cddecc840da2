//! A WebSocket echo route behind `tower-cors` with `guard_websockets(true)`.
//!
//! ```text
//! cargo run -p tower-cors-examples --example websocket
//! PORT=8080 ALLOWED_ORIGINS=https://app.example.com cargo run -p tower-cors-examples --example websocket
//! ```
//!
//! Browsers send `Origin` on a WebSocket handshake but apply no CORS check
//! to it: without the guard, any page the user visits could open `/ws` with
//! the user's cookies. With it, a handshake from an origin the policy does
//! not allow gets `403` and the handler never runs; handshakes without
//! `Origin` (command-line clients, other servers) pass. Allows
//! `http://localhost:5173` plus `$ALLOWED_ORIGINS` (comma-separated), with
//! credentials. Listens on 127.0.0.1:3000, or on `$PORT` (0 picks a free port).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tower_cors::CorsLayer;

/// The CORS policy, which also guards the WebSocket route.
fn cors(extra_origins: &str) -> Result<CorsLayer, tower_cors::ConfigError> {
    let origins = std::iter::once("http://localhost:5173").chain(
        extra_origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty()),
    );
    CorsLayer::builder()
        .allow_origins(origins)
        .allow_credentials(true)
        .guard_websockets(true)
        .build()
}

fn app(cors: CorsLayer) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .route("/health", get(|| async { "ok" }))
        .layer(cors)
}

/// Reached only by handshakes the policy allows (or without `Origin`).
async fn upgrade(ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(echo)
}

async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        let reply = match message {
            Message::Text(text) => Message::Text(text),
            Message::Binary(bytes) => Message::Binary(bytes),
            Message::Close(_) => break,
            // Pings are answered by the library.
            _ => continue,
        };
        if socket.send(reply).await.is_err() {
            break;
        }
    }
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
    println!("a handshake from a foreign origin gets 403:");
    println!(
        "  curl -i http://{addr}/ws -H 'Origin: https://evil.example' -H 'Connection: Upgrade' \
         -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='"
    );
    if let Err(err) = axum::serve(listener, app(cors)).await {
        eprintln!("server error: {err}");
    }
}
