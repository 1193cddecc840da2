//! Reloading a CORS policy from a TOML file on SIGHUP (feature `serde`).
//!
//! ```text
//! cargo run -p tower-cors-examples --example reload_config --features serde   # examples/cors.toml
//! CORS_CONFIG=/etc/myapp/cors.toml cargo run -p tower-cors-examples --example reload_config --features serde
//! # edit the file, then:
//! kill -HUP <pid>
//! ```
//!
//! On SIGHUP the file is read and built again. A valid file replaces the
//! policy for every request that begins afterwards; a file with a mistake
//! is refused with the offending field and the fix (e.g.
//! `allow_origins[0]: "https://App.example.com/" is not in canonical form,
//! ...`), logged, and the policy already serving stays in force. Listens on
//! 127.0.0.1:3000, or on `$PORT` (0 picks a free port).

use std::path::{Path, PathBuf};

use axum::routing::get;
use axum::Router;
use tower_cors::{CorsConfig, CorsLayer, ReloadHandle};

/// Reads and builds the policy in `path`; the error names the file and,
/// for a configuration mistake, the field.
fn load(path: &Path) -> Result<CorsLayer, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let config: CorsConfig =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    config
        .build()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Reloads `path` into `handle`; on any error the old policy keeps serving.
fn reload(path: &Path, handle: &ReloadHandle) {
    match load(path) {
        Ok(layer) => {
            handle.replace(layer);
            println!("reloaded: {}", handle.current());
        }
        Err(error) => eprintln!("refused, the previous CORS policy keeps serving: {error}"),
    }
}

#[cfg(unix)]
fn reload_on_sighup(path: PathBuf, handle: ReloadHandle) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            reload(&path, &handle);
        }
    });
    Ok(())
}

#[tokio::main]
async fn main() {
    let path = std::env::var_os("CORS_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cors.toml"));
    // At startup there is no old policy to fall back on: a mistake stops here.
    let layer = match load(&path) {
        Ok(layer) => layer,
        Err(error) => {
            eprintln!("invalid CORS configuration: {error}");
            std::process::exit(2);
        }
    };
    println!("CORS policy: {}", layer.policy());
    let (cors, handle) = layer.reloadable();
    #[cfg(unix)]
    if let Err(error) = reload_on_sighup(path, handle) {
        eprintln!("no SIGHUP handler, the policy stays as loaded: {error}");
    }
    #[cfg(not(unix))]
    {
        let _ = (path, handle);
        eprintln!("no SIGHUP on this platform: the policy stays as loaded");
    }

    let app = Router::new()
        .route("/api/items", get(|| async { "[]" }))
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
