//! Rolling out a tighter CORS policy without breaking clients blind.
//!
//! ```text
//! cargo run -p tower-cors-examples --example rollout
//! curl -i http://127.0.0.1:3000/api/items -H 'Origin: https://legacy.example.com'
//! curl -X POST http://127.0.0.1:3000/admin/promote     # or: kill -HUP <pid>
//! ```
//!
//! Today's policy allows `https://app.example.com` and
//! `https://legacy.example.com`; the tighter one drops the legacy origin.
//! The server enforces today's policy while trialling the tighter one
//! (report-only), and prints each request the two decide differently: who
//! would be locked out. Once that is quiet, `POST /admin/promote` or SIGHUP
//! installs the tighter policy, with no restart. (A real admin endpoint
//! needs authentication; this one listens on loopback only.) Listens on
//! 127.0.0.1:3000, or on `$PORT` (0 picks a free port).

use axum::extract::State;
use axum::http::{header, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_cors::{ConfigError, CorsLayer, Divergence, ReloadHandle};

/// The policy in force today.
fn today() -> Result<CorsLayer, ConfigError> {
    CorsLayer::builder()
        .allow_origins(["https://app.example.com", "https://legacy.example.com"])
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .build()
}

/// The policy to move to: the legacy frontend is gone.
fn tighter() -> Result<CorsLayer, ConfigError> {
    CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .build()
}

/// Installs the tighter policy. A failed build would leave today's serving.
fn promote(handle: &ReloadHandle) -> String {
    match tighter() {
        Ok(layer) => {
            handle.replace(layer);
            let line = format!("promoted: {}", handle.current());
            println!("{line}");
            line
        }
        Err(error) => {
            let line = format!("not promoted, today's policy keeps serving: {error}");
            eprintln!("{line}");
            line
        }
    }
}

async fn promote_endpoint(State(handle): State<ReloadHandle>) -> String {
    promote(&handle) + "\n"
}

/// Promotes on SIGHUP, the usual "reload your configuration" signal.
#[cfg(unix)]
fn promote_on_sighup(handle: ReloadHandle) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            promote(&handle);
        }
    });
    Ok(())
}

#[tokio::main]
async fn main() {
    let (today, tighter) = match (today(), tighter()) {
        (Ok(today), Ok(tighter)) => (today, tighter),
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("invalid CORS configuration: {error}");
            std::process::exit(2);
        }
    };
    let (cors, handle) = today
        .with_report_only(tighter, |d: &Divergence<'_>| println!("report-only: {d}"))
        .reloadable();
    #[cfg(unix)]
    if let Err(error) = promote_on_sighup(handle.clone()) {
        eprintln!("no SIGHUP handler ({error}); POST /admin/promote still works");
    }

    let app = Router::new()
        .route("/api/items", get(|| async { "[]" }))
        .route("/admin/promote", post(promote_endpoint))
        .with_state(handle)
        .layer(cors);
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = match tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {error}");
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    println!("listening on http://{addr}");
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("server error: {error}");
    }
}
