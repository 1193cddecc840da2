//! Runs the example programs as processes, as the README tells users to:
//! servers on `PORT=0` (the port is printed on stdout), a few requests, then
//! killed. Every wait is bounded. `cargo test --workspace` builds the examples.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(20);
const APP: &str = "https://app.example.com";

/// Spawns `examples/<name>` (next to this test binary's `deps/`) with piped output.
fn spawn(name: &str, setup: impl FnOnce(&mut Command) -> &mut Command) -> Child {
    let exe = std::env::current_exe().unwrap();
    let file = format!("examples/{name}{}", std::env::consts::EXE_SUFFIX);
    let mut command = Command::new(exe.ancestors().nth(2).unwrap().join(file));
    let spawned = setup(command.stdout(Stdio::piped()).stderr(Stdio::piped())).spawn();
    spawned.unwrap_or_else(|e| panic!("examples/{name}.rs is built by cargo test --workspace: {e}"))
}

/// A running example server, its name, `host:port` and the lines it prints.
struct Server {
    name: String,
    child: Child,
    lines: mpsc::Receiver<String>,
    addr: String,
}

impl Server {
    fn start(name: &str, env: &[(&str, &str)]) -> Server {
        let mut child = spawn(name, |c| c.env("PORT", "0").envs(env.iter().copied()));
        let (tx, lines) = mpsc::channel();
        let (out, err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        for pipe in [Box::new(out) as Box<dyn Read + Send>, Box::new(err)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                BufReader::new(pipe).lines().map_while(Result::ok).for_each(|l| drop(tx.send(l)))
            });
        }
        let mut server = Server { name: name.to_owned(), child, lines, addr: String::new() };
        server.addr =
            server.wait_for("listening on http://")["listening on http://".len()..].to_owned();
        server
    }
    /// The next line containing `needle` (earlier ones are skipped).
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + BOUND;
        loop {
            match self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("{}: no line containing {needle:?} within {BOUND:?}", self.name),
            }
        }
    }
    /// Asserts the next `curl` command printed for the user targets `path`.
    fn prints_curl_for(&self, path: &str) {
        let (curl, url) = (self.wait_for("curl "), format!("http://{}{path}", self.addr));
        assert!(curl.trim_start().starts_with("curl ") && curl.contains(&url), "{curl}");
    }
    #[cfg(unix)]
    fn hang_up(&self) {
        let status = Command::new("kill").args(["-HUP", &self.child.id().to_string()]).status();
        assert!(status.unwrap().success());
    }
    /// Connects and sends `METHOD /path | Header: value | ...` as an HTTP/1.1
    /// request head.
    fn request(&self, head: &str) -> TcpStream {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(BOUND)).unwrap();
        let head = head.replacen(" | ", " HTTP/1.1 | ", 1).replace(" | ", "\r\n");
        stream.write_all(format!("{head}\r\nHost: {}\r\n\r\n", self.addr).as_bytes()).unwrap();
        stream
    }
    /// The response to a request (`Connection: close`), lowercased.
    fn send(&self, head: &str) -> String {
        let mut response = String::new();
        self.request(&format!("{head} | Connection: close")).read_to_string(&mut response).unwrap();
        response.to_ascii_lowercase()
    }
    /// Sends each `(request head, lines the response must have, text it must
    /// not contain)`. A line ending in a space is the status line's start.
    #[track_caller]
    fn exchange(&self, rows: &[(&str, &[&str], &[&str])]) {
        for (head, has, lacks) in rows {
            let response = self.send(head);
            for line in *has {
                let status = line.ends_with(' ') && response.starts_with(line);
                let found = status || response.lines().any(|l| l == *line);
                assert!(found, "{head}: no {line:?} in\n{response}");
            }
            for text in *lacks {
                assert!(!response.contains(text), "{head}: {text:?} in\n{response}");
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a non-server example to completion, bounded: whether it succeeded,
/// its stdout and stderr.
fn run(name: &str, args: &[&str]) -> (bool, String, String) {
    let mut child = spawn(name, |c| c.args(args));
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("examples/{name}.rs did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = |b| String::from_utf8(b).unwrap();
    (out.status.success(), text(out.stdout), text(out.stderr))
}

const ACAO_APP: &str = "access-control-allow-origin: https://app.example.com";

/// Their `serve` is run in process, its answers pinned, by tests/it/ordering.rs
/// and tests/it/per_route.rs; here `main` serves it on the address it prints.
#[test]
#[rustfmt::skip]
fn hyper_and_per_route_examples_serve_on_the_address_they_print() {
    for (name, path, head, has) in [
        ("hyper", "/api/me", "GET /api/me | Origin: https://app.example.com", ["http/1.1 401 ", ACAO_APP]),
        ("per_route", "/public/status", "GET /public/status | Origin: https://anyone.example",
            ["http/1.1 200 ", "access-control-allow-origin: *"]),
    ] {
        let server = Server::start(name, &[]);
        server.prints_curl_for(path);
        server.exchange(&[(head, &has, &[])]);
    }
}

#[test]
fn testing_example_runs_its_checks() {
    let (ok, stdout, stderr) = run("testing", &[]);
    assert!(ok && stdout.contains("tower-test mock checks passed"), "{stdout}{stderr}");
}

#[cfg(feature = "serde")]
#[test]
fn config_example_loads_cors_toml_and_names_bad_fields() {
    let (ok, stdout, stderr) = run("config", &[]);
    let origins =
        "origins: [http://localhost:*, https://*.preview.example.com, https://app.example.com]";
    assert!(ok && stdout.contains(origins), "{stdout}{stderr}");
    let bad = std::env::temp_dir().join(format!("tower-cors-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "allow_methods = [\"GET\", \"TRACE\"]\n").unwrap();
    let (ok, _, stderr) = run("config", &[bad.to_str().unwrap()]);
    let _ = std::fs::remove_file(&bad);
    let named = "allow_methods[1]: \"TRACE\" is a forbidden method";
    assert!(!ok && stderr.contains(named), "{stderr}");
}

#[test]
#[rustfmt::skip]
fn axum_example_answers_the_readme_preflight_and_refuses_other_origins() {
    let server = Server::start("axum", &[("ALLOWED_ORIGINS", "https://app.example.com, https://*.example.com")]);
    server.prints_curl_for("/api/items");
    let [local, app, x, evil] = ["http://localhost:5173", APP, "https://x.example.com", "https://evil.example"]
        .map(|o| format!("OPTIONS /api/items | Origin: {o} | Access-Control-Request-Method: POST | Access-Control-Request-Headers: content-type"));
    server.exchange(&[
        (&local, &["http/1.1 204 ", "access-control-allow-origin: http://localhost:5173", "access-control-allow-credentials: true",
            "access-control-allow-methods: get, post", "access-control-allow-headers: content-type, authorization",
            "vary: origin, access-control-request-method, access-control-request-headers"], &[]),
        // Origins from $ALLOWED_ORIGINS, exact and pattern.
        (&app, &[ACAO_APP], &[]),
        (&x, &["access-control-allow-origin: https://x.example.com"], &[]),
        (&evil, &["http/1.1 403 "], &["access-control-allow"]),
        // The refused preflight never reached a handler: the list is unchanged.
        ("GET /api/items | Origin: http://localhost:5173", &["access-control-expose-headers: x-item-count", "x-item-count: 1"], &[]),
    ]);
}

#[cfg(feature = "metrics")]
#[test]
#[rustfmt::skip]
fn metrics_example_serves_the_request_counters_on_metrics() {
    Server::start("metrics", &[]).exchange(&[
        ("GET /api/hello | Origin: https://app.example.com", &[ACAO_APP], &[]),
        ("GET /api/hello | Origin: https://evil.example", &[], &["access-control-allow-origin"]),
        ("OPTIONS /api/hello | Origin: https://app.example.com | Access-Control-Request-Method: DELETE", &[], &[]),
        ("GET /api/hello", &[], &[]),
        // The page itself is outside the CORS layer: not counted.
        ("GET /metrics", &[
            "http/1.1 200 ",
            "tower_cors_requests_total{kind=\"actual\",outcome=\"allowed\"} 1",
            "tower_cors_requests_total{kind=\"actual\",outcome=\"origin_not_allowed\"} 1",
            "tower_cors_requests_total{kind=\"preflight\",outcome=\"method_not_allowed\"} 1",
            "tower_cors_requests_total{kind=\"not_cors\",outcome=\"allowed\"} 1",
        ], &["outcome=\"allowed\"} 2"]),
    ]);
}

fn get_from(origin: &str) -> String {
    format!("GET /api/items | Origin: {origin}")
}

const LEGACY: &str = "https://legacy.example.com";

#[rustfmt::skip]
fn rollout_reports_then_enforces_the_candidate(promote: impl FnOnce(&Server)) {
    let server = Server::start("rollout", &[]);
    server.exchange(&[(&get_from(LEGACY), &["http/1.1 200 ", "access-control-allow-origin: https://legacy.example.com"], &[])]);
    let report = server.wait_for("report-only:");
    assert!(report.contains(LEGACY) && report.contains("the enforced policy allows it, the candidate refuses it"), "{report}");

    promote(&server);
    server.wait_for("promoted: origins: [https://app.example.com]");
    server.exchange(&[
        (&get_from(LEGACY), &["http/1.1 200 "], &["access-control-allow-origin"]),
        (&get_from(APP), &["access-control-allow-origin: https://app.example.com"], &[]),
    ]);
}

#[test]
fn rollout_example_promotes_the_candidate_from_its_admin_endpoint() {
    rollout_reports_then_enforces_the_candidate(|server| {
        server.exchange(&[("POST /admin/promote | Content-Length: 0", &["http/1.1 200 "], &[])]);
    });
}

#[cfg(unix)]
#[test]
fn rollout_example_promotes_the_candidate_on_sighup() {
    rollout_reports_then_enforces_the_candidate(Server::hang_up);
}

#[cfg(all(unix, feature = "serde"))]
#[test]
fn reload_config_example_reloads_on_sighup_and_keeps_serving_through_a_bad_file() {
    let file = std::env::temp_dir().join(format!("tower-cors-reload-{}.toml", std::process::id()));
    let write =
        |origin: &str| std::fs::write(&file, format!("allow_origins = [{origin:?}]\n")).unwrap();
    write(APP);
    let server = Server::start("reload_config", &[("CORS_CONFIG", file.to_str().unwrap())]);
    let allows = |o: &str| {
        server.send(&get_from(o)).contains(&format!("access-control-allow-origin: {o}\r\n"))
    };
    let new = "https://new.example.com";
    assert!(allows(APP) && !allows(new));

    write(new);
    server.hang_up();
    server.wait_for("reloaded: origins: [https://new.example.com]");
    assert!(allows(new) && !allows(APP));

    write("https://New.example.com/");
    server.hang_up();
    let refused = server.wait_for("refused");
    let _ = std::fs::remove_file(&file);
    assert!(refused.contains("allow_origins[0]") && refused.contains(new), "{refused}");
    assert!(allows(new));
}

/// Sends a WebSocket handshake for `/ws` (from `origin`, if any) and returns
/// the connection with the response head, lowercased.
fn handshake(server: &Server, origin: Option<&str>) -> (TcpStream, String) {
    let origin = origin.map_or(String::new(), |o| format!(" | Origin: {o}"));
    let mut stream = server.request(&format!(
        "GET /ws{origin} | Connection: Upgrade | Upgrade: websocket | Sec-WebSocket-Version: 13 \
         | Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
    ));
    let (mut head, mut byte) = (Vec::new(), [0u8; 1]);
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
        head.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&head).to_ascii_lowercase())
}

/// Sends one masked text frame (as clients must) and returns the frame of
/// the same length read back.
fn echo(stream: &mut TcpStream, text: &str) -> Vec<u8> {
    let mask = [0x12u8, 0x34, 0x56, 0x78];
    let mut frame = vec![0x81, 0x80 | text.len() as u8];
    frame.extend(mask);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    stream.write_all(&frame).unwrap();
    let mut echoed = vec![0u8; 2 + text.len()];
    stream.read_exact(&mut echoed).unwrap();
    echoed
}

#[test]
fn websocket_example_guards_the_handshake() {
    let server = Server::start("websocket", &[("ALLOWED_ORIGINS", APP)]);
    for origin in [Some(APP), Some("http://localhost:5173"), None] {
        let (mut stream, head) = handshake(&server, origin);
        assert!(head.starts_with("http/1.1 101"), "{origin:?}: {head}");
        // The echo: a final text frame, unmasked, of the same text.
        assert_eq!(echo(&mut stream, "hello"), b"\x81\x05hello", "{origin:?}");
    }
    let (_stream, head) = handshake(&server, Some("https://evil.example"));
    let refused = head.starts_with("http/1.1 403") && !head.contains("upgrade");
    assert!(refused && !head.contains("access-control-allow"), "{head}");
}

/// One layer, three verdicts: `/public` (`*`), `/api` (the app, with
/// credentials), and the admin group (may DELETE).
#[test]
#[rustfmt::skip]
fn several_policies_example_answers_by_route_and_origin_group() {
    let server = Server::start("several_policies", &[]);
    for path in ["/public/status", "/api/profile", "/api/profile"] {
        server.prints_curl_for(path);
    }
    server.exchange(&[
        ("GET /public/status | Origin: https://anyone.example", &["http/1.1 200 ", "access-control-allow-origin: *"], &["access-control-allow-credentials"]),
        ("GET /api/profile | Origin: https://app.example.com", &[ACAO_APP, "access-control-allow-credentials: true"], &[]),
        ("GET /api/profile | Origin: https://anyone.example", &["http/1.1 200 "], &["access-control-"]),
        ("OPTIONS /api/profile | Origin: https://admin.example.com | Access-Control-Request-Method: DELETE",
            &["http/1.1 204 ", "access-control-allow-origin: https://admin.example.com", "access-control-allow-methods: get, put, delete"], &[]),
    ]);
}
