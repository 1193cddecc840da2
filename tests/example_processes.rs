//! Runs the example programs as processes, the way the README tells users to:
//! servers on `PORT=0` (a free loopback port, printed on stdout), a request
//! or two, then killed. Every wait is bounded. The binaries belong to the
//! `tower-cors-examples` package: `cargo test --workspace` builds them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(20);
const APP: &str = "https://app.example.com";

/// A running example and the lines it prints (stdout and stderr); killed
/// and reaped on drop.
struct Server(Child, mpsc::Receiver<String>);

impl Server {
    /// The next line containing `needle` (earlier ones are skipped).
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.1.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line containing {needle:?} within {BOUND:?}"),
            }
        }
    }

    /// Asserts the first `curl` command the example prints for the user to
    /// paste targets the server's `path`.
    fn prints_curl_for(&self, addr: &str, path: &str) {
        let curl = self.wait_for("curl ");
        let url = format!("http://{addr}{path}");
        let ok = curl.trim_start().starts_with("curl ") && curl.contains(&url);
        assert!(ok, "{curl}");
    }

    /// Sends SIGHUP.
    #[cfg(unix)]
    fn hang_up(&self) {
        let pid = self.0.id().to_string();
        let status = Command::new("kill").args(["-HUP", &pid]).status();
        assert!(status.unwrap().success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example(name: &str) -> Command {
    // target/debug/deps/example_processes-<hash> -> target/debug/examples/<name>
    let mut path: PathBuf = std::env::current_exe().unwrap();
    path.pop();
    path.pop();
    path.push("examples");
    path.push(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(path);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

fn spawn(mut command: Command, name: &str) -> Child {
    let spawned = command.spawn();
    spawned.unwrap_or_else(|e| panic!("examples/{name}.rs is built by cargo test --workspace: {e}"))
}

/// Starts a server example on PORT=0 with `env`; returns it and its `host:port`.
fn start(name: &str, env: &[(&str, &str)]) -> (Server, String) {
    let mut command = example(name);
    command.env("PORT", "0").envs(env.iter().copied());
    let mut child = spawn(command, name);
    let (tx, rx) = mpsc::channel();
    let out: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
    let err: Box<dyn Read + Send> = Box::new(child.stderr.take().unwrap());
    for pipe in [out, err] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let server = Server(child, rx);
    let first = server.wait_for("listening on http://");
    let addr = first["listening on http://".len()..].to_owned();
    (server, addr)
}

/// Sends a raw HTTP/1.1 request (with `Connection: close`); the response, lowercased.
fn send(addr: &str, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let request = format!("{head}Host: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.to_ascii_lowercase()
}

/// Sends each `(request head, lines the response must have, text it must
/// not contain)` to `addr`. A line ending in a space is the status line's start.
#[track_caller]
fn exchange(addr: &str, rows: &[(&str, &[&str], &[&str])]) {
    for (head, has, lacks) in rows {
        let response = send(addr, head);
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

/// Runs a non-server example to completion, bounded.
fn run(name: &str, args: &[&str]) -> Output {
    let mut command = example(name);
    command.args(args);
    let mut child = spawn(command, name);
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > BOUND {
            let _ = child.kill();
            panic!("examples/{name}.rs did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
#[rustfmt::skip]
fn hyper_example_answers_preflights_without_credentials_and_decorates_401() {
    let (server, addr) = start("hyper", &[]);
    server.prints_curl_for(&addr, "/api/me");
    exchange(&addr, &[
        ("OPTIONS /api/me HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
          Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: authorization\r\n",
            &["http/1.1 204 ", "access-control-allow-origin: https://app.example.com",
              "access-control-allow-headers: authorization, content-type"], &[]),
        ("GET /api/me HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
            &["http/1.1 401 ", "access-control-allow-origin: https://app.example.com"], &[]),
    ]);
    let authenticated = send(&addr, "GET /api/me HTTP/1.1\r\nOrigin: https://app.example.com\r\nAuthorization: Bearer let-me-in\r\n");
    assert!(authenticated.starts_with("http/1.1 200"), "{authenticated}");
    assert!(authenticated.ends_with("{\"user\":\"demo\",\"path\":\"/api/me\"}"));
}

#[test]
#[rustfmt::skip]
fn per_route_example_serves_two_policies() {
    let (server, addr) = start("per_route", &[]);
    server.prints_curl_for(&addr, "/public/status");
    exchange(&addr, &[
        ("GET /public/status HTTP/1.1\r\nOrigin: https://anyone.example\r\n", &["http/1.1 200 ", "access-control-allow-origin: *"], &[]),
        ("GET /account/profile HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
            &["access-control-allow-origin: https://app.example.com", "access-control-allow-credentials: true"], &[]),
        ("OPTIONS /account/profile HTTP/1.1\r\nOrigin: https://anyone.example\r\nAccess-Control-Request-Method: PUT\r\n",
            &["http/1.1 403 "], &[]),
    ]);
}

#[test]
fn testing_example_runs_its_checks() {
    let output = run("testing", &[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("tower-test mock checks passed"), "{stdout}");
}

#[cfg(feature = "serde")]
#[test]
fn config_example_loads_cors_toml_and_names_bad_fields() {
    let output = run("config", &[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let origins =
        "origins: [http://localhost:*, https://*.preview.example.com, https://app.example.com]";
    assert!(stdout.contains(origins), "{stdout}");

    let bad = std::env::temp_dir().join(format!("tower-cors-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "allow_methods = [\"GET\", \"TRACE\"]\n").unwrap();
    let output = run("config", &[bad.to_str().unwrap()]);
    let _ = std::fs::remove_file(&bad);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let named = "allow_methods[1]: \"TRACE\" is a forbidden method";
    assert!(stderr.contains(named), "{stderr}");
}

/// A preflight from `origin` for POST with `content-type`.
fn preflight_from(origin: &str) -> String {
    let acr = "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type";
    format!("OPTIONS /api/items HTTP/1.1\r\nOrigin: {origin}\r\n{acr}\r\n")
}

/// `examples/axum.rs` answers the README's curl preflight, allows the
/// origins of `$ALLOWED_ORIGINS`, and refuses others without calling a handler.
#[test]
#[rustfmt::skip]
fn axum_example_answers_the_readme_preflight_and_refuses_other_origins() {
    let (server, addr) = start("axum", &[("ALLOWED_ORIGINS", "https://app.example.com, https://*.example.com")]);
    server.prints_curl_for(&addr, "/api/items");
    let [local, app, x, evil] = ["http://localhost:5173", APP, "https://x.example.com", "https://evil.example"].map(preflight_from);
    exchange(&addr, &[
        (&local, &["http/1.1 204 ", "access-control-allow-origin: http://localhost:5173", "access-control-allow-credentials: true",
            "access-control-allow-methods: get, post", "access-control-allow-headers: content-type, authorization",
            "vary: origin, access-control-request-method, access-control-request-headers"], &[]),
        // Origins from $ALLOWED_ORIGINS, exact and pattern.
        (&app, &["access-control-allow-origin: https://app.example.com"], &[]),
        (&x, &["access-control-allow-origin: https://x.example.com"], &[]),
        (&evil, &["http/1.1 403 "], &["access-control-allow"]),
        // The refused preflight never reached a handler: the list is unchanged.
        ("GET /api/items HTTP/1.1\r\nOrigin: http://localhost:5173\r\n",
            &["access-control-expose-headers: x-item-count", "x-item-count: 1"], &[]),
    ]);
}

/// `examples/metrics.rs` (the `metrics` feature) counts each request by kind
/// and outcome and serves the counters in Prometheus' text format.
#[cfg(feature = "metrics")]
#[test]
#[rustfmt::skip]
fn metrics_example_serves_the_request_counters_on_metrics() {
    let (_server, addr) = start("metrics", &[]);
    exchange(&addr, &[
        ("GET /api/hello HTTP/1.1\r\nOrigin: https://app.example.com\r\n", &["access-control-allow-origin: https://app.example.com"], &[]),
        ("GET /api/hello HTTP/1.1\r\nOrigin: https://evil.example\r\n", &[], &["access-control-allow-origin"]),
        ("OPTIONS /api/hello HTTP/1.1\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: DELETE\r\n", &[], &[]),
        ("GET /api/hello HTTP/1.1\r\n", &[], &[]),
        // The page itself is outside the CORS layer: not counted.
        ("GET /metrics HTTP/1.1\r\n", &[
            "http/1.1 200 ",
            "tower_cors_requests_total{kind=\"actual\",outcome=\"allowed\"} 1",
            "tower_cors_requests_total{kind=\"actual\",outcome=\"origin_not_allowed\"} 1",
            "tower_cors_requests_total{kind=\"preflight\",outcome=\"method_not_allowed\"} 1",
            "tower_cors_requests_total{kind=\"not_cors\",outcome=\"allowed\"} 1",
        ], &["outcome=\"allowed\"} 2"]),
    ]);
}

fn get_from(origin: &str) -> String {
    format!("GET /api/items HTTP/1.1\r\nOrigin: {origin}\r\n")
}

const LEGACY: &str = "https://legacy.example.com";

/// `examples/rollout.rs` enforces today's list, prints what the tighter
/// candidate would refuse, and enforces the candidate once promoted.
#[rustfmt::skip]
fn rollout_reports_then_enforces_the_candidate(promote: impl FnOnce(&Server, &str)) {
    let (server, addr) = start("rollout", &[]);
    exchange(&addr, &[(&get_from(LEGACY), &["http/1.1 200 ", "access-control-allow-origin: https://legacy.example.com"], &[])]);
    let report = server.wait_for("report-only:");
    assert!(report.contains(LEGACY), "{report}");
    assert!(report.contains("the enforced policy allows it, the candidate refuses it"), "{report}");

    promote(&server, &addr);
    server.wait_for("promoted: origins: [https://app.example.com]");
    exchange(&addr, &[
        (&get_from(LEGACY), &["http/1.1 200 "], &["access-control-allow-origin"]),
        (&get_from(APP), &["access-control-allow-origin: https://app.example.com"], &[]),
    ]);
}

#[test]
fn rollout_example_promotes_the_candidate_from_its_admin_endpoint() {
    rollout_reports_then_enforces_the_candidate(|_, addr| {
        let promote = "POST /admin/promote HTTP/1.1\r\nContent-Length: 0\r\n";
        exchange(addr, &[(promote, &["http/1.1 200 "], &[])]);
    });
}

#[cfg(unix)]
#[test]
fn rollout_example_promotes_the_candidate_on_sighup() {
    rollout_reports_then_enforces_the_candidate(|server, _| server.hang_up());
}

/// `examples/reload_config.rs` reloads its TOML file on SIGHUP; a file
/// with a mistake is refused naming the field, and the old policy serves on.
#[cfg(all(unix, feature = "serde"))]
#[test]
fn reload_config_example_reloads_on_sighup_and_keeps_serving_through_a_bad_file() {
    let file = std::env::temp_dir().join(format!("tower-cors-reload-{}.toml", std::process::id()));
    let write =
        |origin: &str| std::fs::write(&file, format!("allow_origins = [{origin:?}]\n")).unwrap();
    write(APP);
    let (server, addr) = start("reload_config", &[("CORS_CONFIG", file.to_str().unwrap())]);
    let allows = |origin: &str| {
        let acao = format!("access-control-allow-origin: {origin}\r\n");
        send(&addr, &get_from(origin)).contains(&acao)
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
    assert!(refused.contains("allow_origins[0]"), "{refused}");
    assert!(refused.contains(new), "{refused}");
    assert!(allows(new));
}

/// Sends a WebSocket handshake for `/ws` (from `origin`, if any) and returns
/// the connection with the response head, lowercased.
fn handshake(addr: &str, origin: Option<&str>) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
    let request = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\n{origin}Connection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&head).to_ascii_lowercase())
}

/// Sends one masked text frame (as clients must) and reads the echoed frame.
fn echo(stream: &mut TcpStream, text: &str) -> String {
    let mask = [0x12u8, 0x34, 0x56, 0x78];
    let mut frame = vec![0x81, 0x80 | text.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    stream.write_all(&frame).unwrap();
    let mut header = [0u8; 2];
    stream.read_exact(&mut header).unwrap();
    assert_eq!(header[0], 0x81, "a final text frame");
    let mut payload = vec![0u8; usize::from(header[1] & 0x7f)];
    stream.read_exact(&mut payload).unwrap();
    String::from_utf8(payload).unwrap()
}

/// `examples/websocket.rs` upgrades and echoes for an allowed origin and for
/// a client without `Origin`, and refuses a foreign origin's handshake.
#[test]
fn websocket_example_guards_the_handshake() {
    let (_server, addr) = start("websocket", &[("ALLOWED_ORIGINS", APP)]);
    for origin in [Some(APP), Some("http://localhost:5173"), None] {
        let (mut stream, head) = handshake(&addr, origin);
        assert!(head.starts_with("http/1.1 101"), "{origin:?}: {head}");
        assert_eq!(echo(&mut stream, "hello"), "hello", "{origin:?}");
    }
    let (_stream, head) = handshake(&addr, Some("https://evil.example"));
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(!head.contains("access-control-allow"), "{head}");
    assert!(!head.contains("upgrade"), "{head}");
}

/// `examples/several_policies.rs`: one layer, three verdicts. `/public`
/// answers any origin with `*` and no credentials; `/api` echoes the app
/// with credentials and gives another origin no CORS headers; the admin
/// group's origin is echoed and may DELETE.
#[test]
#[rustfmt::skip]
fn several_policies_example_answers_by_route_and_origin_group() {
    let (server, addr) = start("several_policies", &[]);
    for path in ["/public/status", "/api/profile", "/api/profile"] {
        server.prints_curl_for(&addr, path);
    }
    exchange(&addr, &[
        ("GET /public/status HTTP/1.1\r\nOrigin: https://anyone.example\r\n",
            &["http/1.1 200 ", "access-control-allow-origin: *"], &["access-control-allow-credentials"]),
        ("GET /api/profile HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
            &["access-control-allow-origin: https://app.example.com", "access-control-allow-credentials: true"], &[]),
        ("GET /api/profile HTTP/1.1\r\nOrigin: https://anyone.example\r\n", &["http/1.1 200 "], &["access-control-"]),
        ("OPTIONS /api/profile HTTP/1.1\r\nOrigin: https://admin.example.com\r\nAccess-Control-Request-Method: DELETE\r\n",
            &["http/1.1 204 ", "access-control-allow-origin: https://admin.example.com",
              "access-control-allow-methods: get, put, delete"], &[]),
    ]);
}
