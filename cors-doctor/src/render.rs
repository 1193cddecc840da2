//! The report as text for a terminal: one block per step, then the verdict.

use std::fmt::Write as _;

use crate::check::ResponseHead;
use crate::doctor::{Report, Step};
use crate::explain::Stage;

/// Response headers worth showing: the CORS ones, plus the few that explain
/// a surprising status.
fn shown(name: &str) -> bool {
    name.starts_with("access-control-") || matches!(name, "vary" | "location" | "content-type")
}

fn step_text(out: &mut String, n: usize, step: &Step) {
    let title = match step.stage {
        Stage::Preflight => "preflight",
        Stage::Actual => "actual request",
    };
    let _ = writeln!(out, "\n{n}. {title}");
    let _ = writeln!(out, "   sent:     {} {}", step.sent.method, step.sent.url);
    for (k, v) in &step.sent.headers {
        let _ = writeln!(out, "             {k}: {v}");
    }
    received_text(out, &step.received);
    let _ = writeln!(
        out,
        "   verdict:  {}",
        if step.passed { "passed" } else { "FAILED" }
    );
}

fn received_text(out: &mut String, r: &ResponseHead) {
    let _ = writeln!(out, "   received: {}", r.status);
    let mut any = false;
    for (k, v) in r.headers.iter().filter(|(k, _)| shown(k)) {
        let _ = writeln!(out, "             {k}: {v}");
        any = true;
    }
    if !any {
        let _ = writeln!(out, "             (no CORS headers)");
    }
}

/// The whole report as text.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "cors-doctor: {} {} from origin {}{}",
        report.method,
        report.url,
        report.origin,
        if report.credentials {
            ", with credentials"
        } else {
            ""
        }
    );
    for (k, v) in &report.headers {
        let _ = writeln!(out, "  header {k}: {v}");
    }
    if report.preflight_reasons.is_empty() {
        let _ = writeln!(
            out,
            "preflight: not needed (safelisted method and headers: a simple request)"
        );
    } else {
        let _ = writeln!(out, "preflight: needed, because");
        for r in &report.preflight_reasons {
            let _ = writeln!(out, "  - {r}");
        }
    }
    for (i, step) in report.steps.iter().enumerate() {
        step_text(&mut out, i + 1, step);
    }
    let _ = writeln!(out);
    match &report.blocked {
        None => {
            let _ = writeln!(out, "ALLOWED: a browser gives the response to the script.");
            if let Some(e) = &report.exposure {
                let _ = writeln!(out, "  readable headers: {}", list_or_none(&e.readable));
                let _ = writeln!(out, "  hidden headers:   {}", list_or_none(&e.hidden));
                // Headers a script plausibly wants; CORS and hop-by-hop ones
                // are hidden by design.
                let wanted: Vec<&String> = e
                    .hidden
                    .iter()
                    .filter(|h| {
                        !h.starts_with("access-control-")
                            && !matches!(
                                h.as_str(),
                                "date"
                                    | "vary"
                                    | "connection"
                                    | "keep-alive"
                                    | "server"
                                    | "set-cookie"
                                    | "transfer-encoding"
                            )
                    })
                    .collect();
                if !wanted.is_empty() {
                    let _ = writeln!(
                        out,
                        "  to let the script read them, list them in Access-Control-Expose-Headers \
                         (tower-cors: .expose_headers({}))",
                        crate::explain::headers_list(&wanted)
                    );
                }
            }
        }
        Some(b) => {
            let stage = match b.stage {
                Stage::Preflight => "preflight",
                Stage::Actual => "actual request",
            };
            let _ = writeln!(out, "BLOCKED at the {stage}: {}", b.summary);
            let _ = writeln!(out, "  check:    {}", b.failure.id());
            let _ = writeln!(out, "  Chromium: {}", b.messages.chromium);
            let _ = writeln!(out, "  Firefox:  {}", b.messages.firefox);
            match &b.messages.safari {
                Some(m) => {
                    let _ = writeln!(out, "  Safari:   {m}");
                }
                None => {
                    let _ = writeln!(out, "  Safari:   (allows this request)");
                }
            }
            let _ = writeln!(out, "  fix:      {}", b.fix.server);
            let _ = writeln!(out, "  tower-cors: {}", b.fix.tower_cors);
        }
    }
    for w in &report.warnings {
        let _ = writeln!(out, "WARNING ({}): {}", w.check, w.summary);
        let _ = writeln!(out, "  Firefox:  {}", w.firefox);
        let _ = writeln!(out, "  fix:      {}", w.fix.server);
        let _ = writeln!(out, "  tower-cors: {}", w.fix.tower_cors);
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}
