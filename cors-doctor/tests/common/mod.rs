//! Shared by the integration tests: runs the real `cors-doctor` binary and
//! serves axum routers on loopback ports.

#![allow(dead_code)] // each test binary uses its own subset

use std::net::SocketAddr;
use std::process::Command;

use axum::Router;
use serde_json::Value;

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Outcome {
    /// The exit status.
    pub code: i32,
    /// The `--json` document (Null when the run printed none).
    pub json: Value,
    /// Standard error, for assertion messages.
    pub stderr: String,
}

impl Outcome {
    /// The failed check's id, when blocked.
    pub fn check(&self) -> Option<&str> {
        self.json["blocked"]["failure"]["check"].as_str()
    }
    /// Chromium's console message, when blocked.
    pub fn chromium(&self) -> Option<&str> {
        self.json["blocked"]["messages"]["chromium"].as_str()
    }
    /// The response headers a script could read.
    pub fn readable(&self) -> Vec<String> {
        self.json["exposure"]["readable"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Runs `cors-doctor ARGS... --json`.
pub fn doctor(args: &[&str]) -> Outcome {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
        .args(args)
        .arg("--json")
        .output()
        .expect("cors-doctor runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    Outcome {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A loopback listener on a free port, bound now so its port is known
/// before the server that uses it is built.
pub fn reserve() -> std::net::TcpListener {
    std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind")
}

/// Serves `router` on `listener` from a thread of its own, for the rest of
/// the test process; returns the port.
pub fn serve_on(listener: std::net::TcpListener, router: Router) -> u16 {
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let _ = axum::serve(l, router).await;
        });
    });
    port
}

/// Serves `router` on a free loopback port; returns the port.
pub fn serve(router: Router) -> u16 {
    serve_on(reserve(), router)
}
