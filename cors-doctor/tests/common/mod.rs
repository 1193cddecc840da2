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

/// Serves `router` on 127.0.0.1 from a thread of its own, for the rest of
/// the test process; returns the port.
pub fn serve(router: Router) -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .expect("bind");
            tx.send(l.local_addr().expect("addr").port())
                .expect("send port");
            let _ = axum::serve(l, router).await;
        });
    });
    rx.recv().expect("server started")
}
