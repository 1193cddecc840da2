//! The `tracing` feature: one `debug` event per rejected request with its
//! reason, one `info` event per `build()`, no request value in a log line
//! raw, and nothing without the feature. One capturing subscriber serves all.
//!
//! CI also runs this module without features:
//! `cargo test -p tower-cors --test it tracing_feature::`.

use std::sync::{Arc, Mutex};

use crate::common::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One captured event: level, target and its fields as text.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
#[derive(Debug, Clone)]
struct Captured {
    level: Level,
    target: String,
    fields: Vec<(String, String)>,
}

#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A minimal subscriber that records every event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

impl Capture {
    /// A capture installed as this thread's default until the guard drops.
    fn installed() -> (Capture, tracing::subscriber::DefaultGuard) {
        let capture = Capture::default();
        let guard = tracing::subscriber::set_default(capture.clone());
        // Other tests' threads may have registered a callsite while no
        // subscriber wanted it; ask again with this one in place.
        tracing::callsite::rebuild_interest_cache();
        (capture, guard)
    }

    fn ours(&self) -> Vec<Captured> {
        self.with_target("tower_cors")
    }

    fn with_target(&self, prefix: &str) -> Vec<Captured> {
        let events = self.0.lock().unwrap();
        events.iter().filter(|e| e.target.starts_with(prefix)).cloned().collect()
    }
}

impl Visit for Captured {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.fields.push((field.name().to_owned(), value.to_owned()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.fields.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let (level, target) = (*event.metadata().level(), event.metadata().target().to_owned());
        let mut captured = Captured { level, target, fields: Vec::new() };
        event.record(&mut captured);
        self.0.lock().unwrap().push(captured);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[cfg(feature = "tracing")]
mod with_feature {
    use super::*;
    use http::Method;
    use tower_cors::CorsLayer;

    /// Each event as `LEVEL name=value ...`, with the fields `names` only.
    fn show(events: &[Captured], names: &[&str]) -> Vec<String> {
        let show = |e: &Captured| {
            let fields = names.iter().map(|n| format!(" {n}={}", e.field(n).unwrap_or(ABSENT)));
            format!("{}{}", e.level, fields.collect::<String>())
        };
        events.iter().map(show).collect()
    }

    /// `build()` logs the compiled policy once at `info`, and each of its
    /// warnings as one `warn` event carrying its text.
    #[test]
    fn build_emits_the_compiled_policy_once_at_info_and_each_warning_at_warn() {
        let (capture, _guard) = Capture::installed();
        let cors = layer();
        let want = format!("INFO message=CORS policy compiled policy={}", cors.policy());
        assert_eq!(show(&capture.ours(), &["message", "policy"]), [want], "no warning");
        let day = std::time::Duration::from_secs(86_400);
        let cors = app(|b| b.allow_credentials(true).expose_any_header().max_age(day));
        let warnings: Vec<_> =
            capture.ours().into_iter().filter(|e| e.level == Level::WARN).collect();
        let want: Vec<_> = cors.warnings().iter().map(|w| format!("WARN warning={w}")).collect();
        assert_eq!((want.len(), show(&warnings, &["warning"])), (2, want));
    }

    async fn events_for(request: http::Request<String>) -> Vec<Captured> {
        let cors = layer();
        let (capture, _guard) = Capture::installed();
        run(&cors, request, &[]).await;
        capture.ours()
    }

    /// One `debug` event per rejection, with what a developer needs to find
    /// the request in the logs: its method, path and origin, next to the
    /// kind and the reason.
    #[tokio::test]
    #[rustfmt::skip]
    async fn each_rejection_is_one_debug_event_naming_method_path_origin_kind_and_reason() {
        let cases = [
            (get(EVIL), ["GET", EVIL, "Actual", "origin \"https://evil.example\" is not allowed"]),
            (preflight(APP, "PUT", Some("x-secret")), ["OPTIONS", APP, "Preflight", "request header \"x-secret\" is not allowed"]),
            (preflight(APP, "DELETE", None), ["OPTIONS", APP, "Preflight", "method \"DELETE\" is not allowed"]),
            (get("not an origin"), ["GET", "not an origin", "Actual", "malformed request: "]),
        ];
        for (request, [method, origin, kind, reason]) in cases {
            let events = events_for(request).await;
            let want = format!("DEBUG message=CORS request rejected method={method} path=/api/items origin={origin} kind={kind}");
            assert_eq!(show(&events, &["message", "method", "path", "origin", "kind"]), [want], "{reason}");
            assert!(events[0].field("reason").unwrap().starts_with(reason), "{events:?}");
        }
        let mut bad = actual(Method::GET, None);
        bad.headers_mut().insert(http::header::ORIGIN, http::HeaderValue::from_bytes(b"https://e\x80\"").unwrap());
        assert_eq!(events_for(bad).await[0].field("origin"), Some(r#"https://e\x80\""#));
    }

    #[tokio::test]
    async fn async_predicate_refusal_emits_one_debug_event_and_approval_none() {
        let tenant = "https://tenant.example";
        let predicate = move |origin: &_, _: &_| std::future::ready(origin == tenant);
        let cors = CorsLayer::builder().allow_origin_async_predicate(predicate).build().unwrap();
        let (capture, _guard) = Capture::installed();
        for origin in [tenant, EVIL] {
            assert!(capture.ours().is_empty(), "{:?}", capture.ours());
            run(&cors, get(origin), &[]).await;
            run(&cors, preflight(origin, "POST", None), &[]).await;
        }
        let reason = "reason=origin \"https://evil.example\" is not allowed";
        let want =
            [format!("DEBUG kind=Actual {reason}"), format!("DEBUG kind=Preflight {reason}")];
        assert_eq!(show(&capture.ours(), &["kind", "reason"]), want);
    }

    #[cfg(feature = "origin-lookup")]
    #[tokio::test(flavor = "current_thread")]
    async fn failed_origin_lookup_emits_its_error_at_warn_and_the_rejection_at_debug() {
        let refused =
            |_: String| async { Err::<bool, _>(std::io::Error::other("connection refused")) };
        let cors = CorsLayer::builder().allow_origin_lookup(refused).build().unwrap();
        let (capture, _guard) = Capture::installed();
        run(&cors, preflight("https://tenant.example", "POST", None), &[]).await;
        // The lookup's own event; the rejection's `debug` event is the one
        // every refusal gets (tested above), and is left out here: other
        // tests hit its callsite on threads without a subscriber at the
        // same time, which makes its capture racy.
        let events = capture.with_target("tower_cors::origin_lookup");
        let want =
            "WARN origin=https://tenant.example error=the origin lookup failed: connection refused";
        assert_eq!(show(&events, &["origin", "error"]), [want]);
    }

    #[tokio::test]
    async fn a_report_only_divergence_is_one_warn_event_with_its_target() {
        let candidate = policy(&["https://new.example.com"], |b| b.allow_methods([Method::PUT]));
        let cors = layer().with_report_only(candidate, |_| {});
        let (capture, _guard) = Capture::installed();
        run(&cors, get(APP), &[]).await;
        let events = capture.with_target("tower_cors::report_only");
        let names = ["origin", "method", "path", "enforced", "candidate"];
        let want =
            "WARN origin=https://app.example.com method=GET path=/api/items enforced=allows it \
                    candidate=refuses it: origin \"https://app.example.com\" is not allowed";
        assert_eq!(show(&events, &names), [want]);
        // Decided alike: nothing more.
        run(&cors, get(EVIL), &[]).await;
        assert_eq!(capture.with_target("tower_cors::report_only").len(), 1);
    }

    #[tokio::test]
    async fn allowed_and_non_cors_requests_emit_nothing() {
        for request in [get(APP), preflight(APP, "PUT", None), actual(Method::GET, None)] {
            assert!(events_for(request).await.is_empty());
        }
    }

    /// Values are built from escaped diagnostics, so no request value reaches
    /// a log line raw (Flask-CORS CVE-2024-1681 logged request data unescaped).
    #[tokio::test(flavor = "current_thread")]
    async fn rejection_and_policy_events_are_single_clean_lines() {
        let (capture, _guard) = Capture::installed();
        let layer = policy(&[APP, "https://*.example.org"], |b| b.allow_methods([Method::PUT]));
        let hostile = [
            preflight("https://evil.example\"x", "PUT", None),
            preflight(APP, "DELETE", None),
            preflight(APP, "PUT", Some("x-forged")),
            get(EVIL),
        ];
        for request in hostile {
            run(&layer, request, &[]).await;
        }
        // Values that are not even well-formed never reach a log line.
        let mut bad = actual(Method::GET, None);
        let value = http::HeaderValue::from_bytes(b"https://evil.example\t\x80").unwrap();
        bad.headers_mut().insert(http::header::ORIGIN, value);
        run(&layer, bad, &[]).await;
        // Each event's fields as one `name=value name=value` line.
        let line = |e: &Captured| e.fields.iter().map(|(n, v)| format!("{n}={v} ")).collect();
        let events: Vec<String> = capture.with_target("").iter().map(line).collect();
        assert!(events.len() >= 6, "{events:?}");
        for event in &events {
            assert!(!event.chars().any(char::is_control), "{event:?}");
        }
        assert!(events.iter().any(|e| e.contains("policy=")));
        let escaped = r#"origin "https://evil.example\"x" is not allowed"#;
        assert!(events.iter().any(|e| e.contains(escaped)));
        assert!(!events.iter().any(|e| e.contains("evil.example\t")));
    }
}

#[cfg(not(feature = "tracing"))]
mod without_feature {
    use super::*;

    #[tokio::test]
    async fn nothing_is_emitted_without_the_feature() {
        let (capture, _guard) = Capture::installed();
        let cors = layer();
        run(&cors, get(EVIL), &[]).await;
        run(&cors, preflight(APP, "DELETE", None), &[]).await;
        // The subscriber does capture events on this thread...
        tracing::debug!(target: "control", "probe");
        assert_eq!(capture.with_target("control").len(), 1);
        // ...but tower-cors emitted none.
        assert!(capture.ours().is_empty(), "{:?}", capture.ours());
    }
}
