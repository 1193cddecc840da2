//! With the `tracing` feature, the events the layer emits are built from the
//! escaped diagnostics, so no request value reaches a log line raw
//! (Flask-CORS CVE-2024-1681 logged request data unescaped).
//! Run with `cargo test --all-features`.
#![cfg(feature = "tracing")]

mod common;

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use common::*;
use http::Method;
use tower_cors::CorsLayer;
use tracing::field::{Field, Visit};
use tracing::{span, Event, Metadata, Subscriber};

/// Records every event's fields as `name=value` text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn rejection_and_policy_events_are_single_clean_lines() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let layer = CorsLayer::builder()
        .allow_origins([APP, "https://*.example.org"])
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    let hostile = [
        preflight("https://evil.example\"x", "PUT", None),
        preflight(APP, "DELETE", None),
        preflight(APP, "PUT", Some("x-forged")),
        actual(Method::GET, Some("https://evil.example")),
    ];
    for request in hostile {
        run(&layer, request, &[]).await;
    }
    // Values that are not even well-formed never reach a log line.
    let mut bad = actual(Method::GET, None);
    bad.headers_mut().insert(
        http::header::ORIGIN,
        http::HeaderValue::from_bytes(b"https://evil.example\t\x80").unwrap(),
    );
    run(&layer, bad, &[]).await;

    let events = capture.0.lock().unwrap().clone();
    assert!(events.len() >= 6, "{events:?}");
    for event in &events {
        assert!(!event.chars().any(char::is_control), "{event:?}");
    }
    assert!(events.iter().any(|e| e.contains("policy=")));
    assert!(events
        .iter()
        .any(|e| e.contains(r#"origin "https://evil.example\"x" is not allowed"#)));
    assert!(!events.iter().any(|e| e.contains("evil.example\t")));
}
