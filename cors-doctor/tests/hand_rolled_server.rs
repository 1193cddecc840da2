//! cors-doctor against a plain axum server that does CORS by hand (no
//! tower-cors): each path answers in one way, right or wrong, and the
//! doctor's verdict, failed check and readable headers are pinned.

mod common;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, Response, StatusCode};
use axum::Router;
use common::{doctor, reserve, serve, serve_on};

const ORIGIN: &str = "http://app.localhost:3000";

/// Answers by path; `OPTIONS` is the preflight. Headers are written as
/// literal strings on purpose: this server shares nothing with tower-cors.
async fn handler(req: Request) -> Response<Body> {
    let origin = req
        .headers()
        .get("origin")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let preflight = req.method() == Method::OPTIONS;
    let path = req.uri().path().to_owned();
    let mut r = Response::builder().header("x-request-id", "r-1");
    let status = match (path.as_str(), preflight) {
        ("/echo", true) => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-methods", "PUT, DELETE")
                .header("access-control-allow-headers", "X-Api-Key, Content-Type")
                .header("access-control-allow-credentials", "true")
                .header("access-control-max-age", "600");
            StatusCode::NO_CONTENT
        }
        ("/echo", false) => {
            r = r
                .header("access-control-allow-origin", &origin)
                .header("access-control-allow-credentials", "true")
                .header("access-control-expose-headers", "x-request-id");
            StatusCode::OK
        }
        ("/star", _) => {
            r = r
                .header("access-control-allow-origin", "*")
                .header("access-control-allow-methods", "*")
                .header("access-control-allow-headers", "*")
                .header("access-control-expose-headers", "*");
            if preflight {
                StatusCode::NO_CONTENT
            } else {
                StatusCode::OK
            }
        }
        ("/none", true) => StatusCode::METHOD_NOT_ALLOWED,
        ("/none", false) => StatusCode::OK,
        ("/list", _) => {
            r = r.header(
                "access-control-allow-origin",
                format!("{origin}, http://other.localhost"),
            );
            StatusCode::OK
        }
        ("/slash", _) => {
            r = r.header("access-control-allow-origin", format!("{origin}/"));
            StatusCode::OK
        }
        ("/auth-fails", true) => {
            r = r.header("access-control-allow-origin", &origin);
            StatusCode::UNAUTHORIZED
        }
        ("/moved", true) => {
            r = r.header("location", "/echo");
            StatusCode::TEMPORARY_REDIRECT
        }
        ("/moved", false) => {
            r = r
                .header("location", "/echo")
                .header("access-control-allow-origin", &origin);
            StatusCode::FOUND
        }
        _ => StatusCode::NOT_FOUND,
    };
    r.status(status).body(Body::empty()).expect("response")
}

fn server() -> String {
    let port = serve(Router::new().fallback(handler));
    format!("http://api.localhost:{port}")
}

#[test]
fn verdicts_against_a_hand_written_cors_server() {
    let base = server();
    // (path, extra args, exit, failed check or None, readable header expected)
    type Case = (
        &'static str,
        &'static [&'static str],
        i32,
        Option<&'static str>,
        Option<&'static str>,
    );
    let cases: &[Case] = &[
        ("/echo", &[], 0, None, Some("x-request-id")),
        (
            "/echo",
            &["--method", "PUT", "-H", "X-Api-Key: k"],
            0,
            None,
            None,
        ),
        (
            "/echo",
            &["--method", "delete", "--credentials"],
            0,
            None,
            None,
        ),
        (
            "/echo",
            &["--method", "PATCH"],
            1,
            Some("method-not-allowed"),
            None,
        ),
        (
            "/echo",
            &["-H", "X-Other: 1"],
            1,
            Some("header-not-allowed"),
            None,
        ),
        (
            "/echo",
            &["--method", "POST", "-H", "Content-Type"],
            0,
            None,
            None,
        ),
        (
            "/echo",
            &["--method", "POST", "-H", "Content-Type: text/plain"],
            0,
            None,
            None,
        ),
        (
            "/star",
            &["--method", "PUT", "-H", "X-Anything: 1"],
            0,
            None,
            Some("x-request-id"),
        ),
        ("/star", &["-H", "Authorization: Bearer t"], 0, None, None),
        (
            "/star",
            &["--credentials"],
            1,
            Some("allow-origin-wildcard-with-credentials"),
            None,
        ),
        ("/none", &[], 1, Some("allow-origin-missing"), None),
        (
            "/none",
            &["--method", "PUT"],
            1,
            Some("allow-origin-missing"),
            None,
        ),
        ("/list", &[], 1, Some("allow-origin-multiple"), None),
        ("/slash", &[], 1, Some("allow-origin-mismatch"), None),
        (
            "/auth-fails",
            &["-H", "Authorization: Bearer t"],
            1,
            Some("preflight-status"),
            None,
        ),
        (
            "/moved",
            &["--method", "PUT"],
            1,
            Some("preflight-redirect"),
            None,
        ),
        ("/moved", &[], 1, Some("redirect"), None),
    ];
    for (path, extra, code, check, readable) in cases {
        let url = format!("{base}{path}");
        let mut args = vec![url.as_str(), "--origin", ORIGIN];
        args.extend_from_slice(extra);
        let out = doctor(&args);
        let what = format!("{path} {extra:?}: {out:?}");
        assert_eq!(out.code, *code, "exit status of {what}");
        assert_eq!(out.check(), *check, "failed check of {what}");
        assert_eq!(
            out.json["verdict"],
            if *code == 0 { "allowed" } else { "blocked" },
            "{what}"
        );
        if let Some(h) = readable {
            assert!(
                out.readable().iter().any(|r| r == h),
                "{h} readable: {what}"
            );
        }
    }
}

#[test]
fn preflight_is_sent_only_when_the_standard_requires_one() {
    let base = server();
    let url = format!("{base}/echo");
    let simple = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "--method",
        "post",
        "-H",
        "Accept: text/html",
    ]);
    let steps = simple.json["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 1, "{simple:?}");
    assert_eq!(steps[0]["stage"], "actual");
    assert_eq!(steps[0]["sent"]["method"], "POST", "post is normalised");

    let pre = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "--method",
        "PUT",
        "-H",
        "X-Api-Key: k",
        "-H",
        "Content-Type",
    ]);
    let steps = pre.json["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 2, "{pre:?}");
    let sent = &steps[0]["sent"];
    assert_eq!(sent["method"], "OPTIONS");
    let headers: Vec<(String, String)> =
        serde_json::from_value(sent["headers"].clone()).expect("header pairs");
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("origin"), Some(ORIGIN));
    assert_eq!(get("access-control-request-method"), Some("PUT"));
    assert_eq!(
        get("access-control-request-headers"),
        Some("content-type,x-api-key")
    );
    assert!(
        pre.json["notes"][0]
            .as_str()
            .unwrap_or("")
            .contains("600 s"),
        "{pre:?}"
    );
}

#[test]
fn failures_carry_console_messages_and_the_tower_cors_fix() {
    let base = server();
    let url = format!("{base}/echo");
    let out = doctor(&[&url, "--origin", ORIGIN, "-H", "X-Other: 1"]);
    let b = &out.json["blocked"];
    assert_eq!(
        b["messages"]["chromium"],
        format!(
            "Access to fetch at '{url}' from origin '{ORIGIN}' has been blocked by CORS policy: \
             Request header field x-other is not allowed by Access-Control-Allow-Headers in \
             preflight response."
        )
    );
    assert!(b["messages"]["firefox"]
        .as_str()
        .unwrap_or("")
        .contains("(Reason: header 'x-other' is not allowed"));
    assert_eq!(
        b["messages"]["safari"],
        "Request header field x-other is not allowed by Access-Control-Allow-Headers."
    );
    assert_eq!(b["fix"]["tower_cors"], ".allow_headers([\"x-other\"])");

    let none = doctor(&[&format!("{base}/none"), "--origin", ORIGIN]);
    assert!(none.json["blocked"]["messages"]["firefox"]
        .as_str()
        .unwrap_or("")
        .contains("Reason: CORS header 'Access-Control-Allow-Origin' missing"));
    assert!(none.json["blocked"]["fix"]["tower_cors"]
        .as_str()
        .unwrap_or("")
        .contains(".allow_origins([\"http://app.localhost:3000\"])"));
}

#[test]
fn authorization_under_a_wildcard_is_allowed_with_a_warning() {
    // The standard forbids it; the engines still allow it (checked against
    // Chromium in browser_agreement.rs), so the verdict is "allowed".
    let base = server();
    let out = doctor(&[
        &format!("{base}/star"),
        "--origin",
        ORIGIN,
        "-H",
        "Authorization: Bearer t",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let w = &out.json["warnings"][0];
    assert_eq!(w["check"], "authorization-under-wildcard", "{out:?}");
    assert!(w["firefox"]
        .as_str()
        .unwrap_or("")
        .contains("the `Authorization` header is not covered"));
    assert_eq!(
        w["fix"]["tower_cors"],
        ".allow_headers([\"authorization\"])"
    );
    // Listing it explicitly next to `*` clears the warning.
    let listed = doctor(&[
        &format!("{base}/echo"),
        "--origin",
        ORIGIN,
        "-H",
        "X-Api-Key: k",
    ]);
    assert_eq!(
        listed.json["warnings"].as_array().map(Vec::len),
        Some(0),
        "{listed:?}"
    );
}

#[test]
fn usage_errors_and_unreachable_servers_exit_2_with_a_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["http://127.0.0.1:1/", "--origin", ORIGIN], "cannot reach"),
        (
            &["http://x.localhost/", "--origin", "http://app.localhost/"],
            "use --origin http://app.localhost",
        ),
        (&["ftp://x/", "--origin", ORIGIN], "http:// or https://"),
        (
            &[
                "http://x.localhost/",
                "--origin",
                ORIGIN,
                "--method",
                "TRACE",
            ],
            "refuses",
        ),
        (
            &[
                "http://x.localhost/",
                "--origin",
                ORIGIN,
                "-H",
                "Cookie: a=b",
            ],
            "cannot set",
        ),
        (&["http://x.localhost/"], "--origin"),
    ];
    for (args, message) in cases {
        let out = doctor(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn text_output_shows_each_step_and_the_fix() {
    let base = server();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
        .args([
            &format!("{base}/echo"),
            "--origin",
            ORIGIN,
            "--method",
            "PATCH",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "preflight: needed, because",
        "1. preflight",
        "access-control-request-method: PATCH",
        "received: 204",
        "verdict:  FAILED",
        "BLOCKED at the preflight: method PATCH is not in Access-Control-Allow-Methods",
        "Chromium: Access to fetch at",
        "Firefox:  Cross-Origin Request Blocked",
        "Safari:   Method PATCH is not allowed by Access-Control-Allow-Methods.",
        "tower-cors: .allow_methods([Method::PATCH])",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
}

/// `cors-doctor … | head -c 600`: a reader that closes the pipe before the
/// report is written ends the run quietly, with the verdict's exit status.
#[test]
fn a_reader_closing_the_pipe_early_gets_no_panic_and_the_verdict_status() {
    for format in [&["--json"][..], &[]] {
        // Served only once stdout is closed, so the report is written after.
        let listener = reserve();
        let port = listener.local_addr().expect("addr").port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cors-doctor"))
            .args([
                &format!("http://api.localhost:{port}/echo"),
                "--origin",
                ORIGIN,
            ])
            .args(format)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        drop(child.stdout.take());
        serve_on(listener, Router::new().fallback(handler));
        let out = child.wait_with_output().expect("exits");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format:?}: {stderr}");
        assert_eq!(stderr, "", "{format:?}");
    }
}
