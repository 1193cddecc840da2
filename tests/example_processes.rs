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

/// A running example and the lines it printed after its address; killed and
/// reaped on drop.
struct Server(Child, mpsc::Receiver<String>);

impl Server {
    /// The first `curl` command the example printed for the user to paste.
    fn curl_line(&self) -> String {
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.1.recv_timeout(left) {
                Ok(line) if line.trim_start().starts_with("curl ") => return line,
                Ok(_) => {}
                Err(_) => panic!("the example printed no curl line"),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example_binary(name: &str) -> PathBuf {
    // target/debug/deps/example_processes-<hash> -> target/debug/examples/<name>
    let mut path = std::env::current_exe().unwrap();
    path.pop();
    path.pop();
    path.push("examples");
    path.push(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path
}

/// Starts a server example on PORT=0; returns it and its `host:port`.
fn start(name: &str) -> (Server, String) {
    start_with(name, &[])
}

/// [`start`] with extra environment variables.
fn start_with(name: &str, env: &[(&str, &str)]) -> (Server, String) {
    let mut child = Command::new(example_binary(name))
        .env("PORT", "0")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("examples/{name}.rs is built by cargo test --workspace: {e}"));
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + BOUND;
    let addr = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    break addr.to_owned();
                }
            }
            Err(_) => panic!("examples/{name}.rs did not print its address"),
        }
    };
    (Server(child, rx), addr)
}

/// Sends a raw HTTP/1.1 request (with `Connection: close`); the response, lowercased.
fn send(addr: &str, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    stream
        .write_all(format!("{head}Host: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.to_ascii_lowercase()
}

/// Runs a non-server example to completion, bounded.
fn run(name: &str, args: &[&str]) -> Output {
    let mut child = Command::new(example_binary(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("examples/{name}.rs is built by cargo test --workspace: {e}"));
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
fn hyper_example_answers_preflights_without_credentials_and_decorates_401() {
    let (server, addr) = start("hyper");
    let curl = server.curl_line();
    assert!(
        curl.contains(&format!("http://{addr}/api/me")),
        "the printed curl targets the server: {curl}"
    );
    let preflight = send(
        &addr,
        "OPTIONS /api/me HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
         Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: authorization\r\n",
    );
    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    assert!(preflight.contains("access-control-allow-origin: https://app.example.com\r\n"));
    assert!(preflight.contains("access-control-allow-headers: authorization, content-type\r\n"));

    let unauthenticated = send(
        &addr,
        "GET /api/me HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
    );
    assert!(
        unauthenticated.starts_with("http/1.1 401"),
        "{unauthenticated}"
    );
    assert!(unauthenticated.contains("access-control-allow-origin: https://app.example.com\r\n"));

    let authenticated = send(
        &addr,
        "GET /api/me HTTP/1.1\r\nOrigin: https://app.example.com\r\nAuthorization: Bearer let-me-in\r\n",
    );
    assert!(authenticated.starts_with("http/1.1 200"), "{authenticated}");
    assert!(authenticated.ends_with("{\"user\":\"demo\",\"path\":\"/api/me\"}"));
}

#[test]
fn per_route_example_serves_two_policies() {
    let (server, addr) = start("per_route");
    let curl = server.curl_line();
    assert!(
        curl.contains(&format!("http://{addr}/public/status")),
        "the printed curl targets the server: {curl}"
    );
    let public = send(
        &addr,
        "GET /public/status HTTP/1.1\r\nOrigin: https://anyone.example\r\n",
    );
    assert!(public.starts_with("http/1.1 200"), "{public}");
    assert!(
        public.contains("access-control-allow-origin: *\r\n"),
        "{public}"
    );

    let account = send(
        &addr,
        "GET /account/profile HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
    );
    assert!(account.contains("access-control-allow-origin: https://app.example.com\r\n"));
    assert!(account.contains("access-control-allow-credentials: true\r\n"));

    let refused = send(
        &addr,
        "OPTIONS /account/profile HTTP/1.1\r\nOrigin: https://anyone.example\r\n\
         Access-Control-Request-Method: PUT\r\n",
    );
    assert!(refused.starts_with("http/1.1 403"), "{refused}");
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
    assert!(
        stdout.contains(
            "origins: [http://localhost:*, https://*.preview.example.com, https://app.example.com]"
        ),
        "{stdout}"
    );

    let bad = std::env::temp_dir().join(format!("tower-cors-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "allow_methods = [\"GET\", \"TRACE\"]\n").unwrap();
    let output = run("config", &[bad.to_str().unwrap()]);
    let _ = std::fs::remove_file(&bad);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("allow_methods[1]: \"TRACE\" is a forbidden method"),
        "{stderr}"
    );
}

fn preflight_from(addr: &str, origin: &str) -> String {
    send(
        addr,
        &format!(
            "OPTIONS /api/items HTTP/1.1\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n"
        ),
    )
}

/// `examples/axum.rs` answers the README's curl preflight, allows the
/// origins of `$ALLOWED_ORIGINS`, and refuses others without calling a handler.
#[test]
fn axum_example_answers_the_readme_preflight_and_refuses_other_origins() {
    let (server, addr) = start_with(
        "axum",
        &[(
            "ALLOWED_ORIGINS",
            "https://app.example.com, https://*.example.com",
        )],
    );

    let curl = server.curl_line();
    assert!(
        curl.contains(&format!("http://{addr}/api/items")),
        "the printed curl targets the server: {curl}"
    );

    let allowed = preflight_from(&addr, "http://localhost:5173");
    assert!(allowed.starts_with("http/1.1 204"), "{allowed}");
    assert!(
        allowed.contains("access-control-allow-origin: http://localhost:5173\r\n"),
        "{allowed}"
    );
    assert!(allowed.contains("access-control-allow-credentials: true\r\n"));
    assert!(allowed.contains("access-control-allow-methods: get, post\r\n"));
    assert!(allowed.contains("access-control-allow-headers: content-type, authorization\r\n"));
    assert!(allowed.contains(
        "vary: origin, access-control-request-method, access-control-request-headers\r\n"
    ));

    // Origins from $ALLOWED_ORIGINS, exact and pattern.
    assert!(preflight_from(&addr, "https://app.example.com")
        .contains("access-control-allow-origin: https://app.example.com\r\n"));
    assert!(preflight_from(&addr, "https://x.example.com")
        .contains("access-control-allow-origin: https://x.example.com\r\n"));

    let refused = preflight_from(&addr, "https://evil.example");
    assert!(refused.starts_with("http/1.1 403"), "{refused}");
    assert!(!refused.contains("access-control-allow"), "{refused}");

    // The refused preflight never reached a handler: the list is unchanged.
    let list = send(
        &addr,
        "GET /api/items HTTP/1.1\r\nOrigin: http://localhost:5173\r\n",
    );
    assert!(
        list.contains("access-control-expose-headers: x-item-count\r\n"),
        "{list}"
    );
    assert!(list.contains("x-item-count: 1\r\n"), "{list}");
}

/// `examples/metrics.rs` (the `metrics` feature) counts each request by kind
/// and outcome and serves the counters in Prometheus' text format.
#[cfg(feature = "metrics")]
#[test]
fn metrics_example_serves_the_request_counters_on_metrics() {
    let (_server, addr) = start("metrics");
    let allowed = send(
        &addr,
        "GET /api/hello HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
    );
    assert!(
        allowed.contains("access-control-allow-origin: https://app.example.com\r\n"),
        "{allowed}"
    );
    let refused = send(
        &addr,
        "GET /api/hello HTTP/1.1\r\nOrigin: https://evil.example\r\n",
    );
    assert!(
        !refused.contains("access-control-allow-origin"),
        "{refused}"
    );
    send(
        &addr,
        "OPTIONS /api/hello HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
         Access-Control-Request-Method: DELETE\r\n",
    );
    send(&addr, "GET /api/hello HTTP/1.1\r\n");

    let page = send(&addr, "GET /metrics HTTP/1.1\r\n");
    assert!(page.starts_with("http/1.1 200"), "{page}");
    for line in [
        "tower_cors_requests_total{kind=\"actual\",outcome=\"allowed\"} 1",
        "tower_cors_requests_total{kind=\"actual\",outcome=\"origin_not_allowed\"} 1",
        "tower_cors_requests_total{kind=\"preflight\",outcome=\"method_not_allowed\"} 1",
        "tower_cors_requests_total{kind=\"not_cors\",outcome=\"allowed\"} 1",
    ] {
        assert!(page.lines().any(|l| l == line), "no {line:?} in\n{page}");
    }
    // The page itself is outside the CORS layer: not counted.
    assert!(!page.contains("outcome=\"allowed\"} 2"), "{page}");
}

/// [`start_with`], with the lines the example prints on stderr as well as
/// on stdout in the server's receiver.
fn start_logged(name: &str, env: &[(&str, &str)]) -> (Server, String) {
    let mut child = Command::new(example_binary(name))
        .env("PORT", "0")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("examples/{name}.rs is built by cargo test: {e}"));
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    let server = Server(child, rx);
    let err_tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    let first = wait_for(&server, "listening on http://");
    let addr = first["listening on http://".len()..].to_owned();
    (server, addr)
}

/// The next line `server` prints containing `needle` (earlier ones are skipped).
fn wait_for(server: &Server, needle: &str) -> String {
    let deadline = Instant::now() + BOUND;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match server.1.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(_) => panic!("no line containing {needle:?} within {BOUND:?}"),
        }
    }
}

/// Sends SIGHUP to a server example.
#[cfg(unix)]
fn hang_up(server: &Server) {
    let status = Command::new("kill")
        .args(["-HUP", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn get_from(addr: &str, origin: &str) -> String {
    send(
        addr,
        &format!("GET /api/items HTTP/1.1\r\nOrigin: {origin}\r\n"),
    )
}

const LEGACY: &str = "https://legacy.example.com";

/// `examples/rollout.rs` enforces today's list, prints what the tighter
/// candidate would refuse, and enforces the candidate once promoted.
fn rollout_reports_then_enforces_the_candidate(promote: impl FnOnce(&Server, &str)) {
    let (server, addr) = start_logged("rollout", &[]);
    let before = get_from(&addr, LEGACY);
    assert!(before.starts_with("http/1.1 200"), "{before}");
    assert!(
        before.contains(&format!("access-control-allow-origin: {LEGACY}\r\n")),
        "{before}"
    );
    let report = wait_for(&server, "report-only:");
    assert!(report.contains(LEGACY), "{report}");
    assert!(
        report.contains("the enforced policy allows it, the candidate refuses it"),
        "{report}"
    );

    promote(&server, &addr);
    wait_for(&server, "promoted: origins: [https://app.example.com]");
    let after = get_from(&addr, LEGACY);
    assert!(after.starts_with("http/1.1 200"), "{after}");
    assert!(!after.contains("access-control-allow-origin"), "{after}");
    let app = get_from(&addr, "https://app.example.com");
    assert!(
        app.contains("access-control-allow-origin: https://app.example.com\r\n"),
        "{app}"
    );
}

#[test]
fn rollout_example_promotes_the_candidate_from_its_admin_endpoint() {
    rollout_reports_then_enforces_the_candidate(|_, addr| {
        let promoted = send(
            addr,
            "POST /admin/promote HTTP/1.1\r\nContent-Length: 0\r\n",
        );
        assert!(promoted.starts_with("http/1.1 200"), "{promoted}");
    });
}

#[cfg(unix)]
#[test]
fn rollout_example_promotes_the_candidate_on_sighup() {
    rollout_reports_then_enforces_the_candidate(|server, _| hang_up(server));
}

/// `examples/reload_config.rs` reloads its TOML file on SIGHUP; a file
/// with a mistake is refused naming the field, and the old policy serves on.
#[cfg(all(unix, feature = "serde"))]
#[test]
fn reload_config_example_reloads_on_sighup_and_keeps_serving_through_a_bad_file() {
    let file = std::env::temp_dir().join(format!("tower-cors-reload-{}.toml", std::process::id()));
    let write = |text: &str| std::fs::write(&file, text).unwrap();
    write("allow_origins = [\"https://app.example.com\"]\n");
    let (server, addr) = start_logged("reload_config", &[("CORS_CONFIG", file.to_str().unwrap())]);
    let allows = |origin: &str| {
        get_from(&addr, origin).contains(&format!("access-control-allow-origin: {origin}\r\n"))
    };
    assert!(allows("https://app.example.com"));
    assert!(!allows("https://new.example.com"));

    write("allow_origins = [\"https://new.example.com\"]\n");
    hang_up(&server);
    wait_for(&server, "reloaded: origins: [https://new.example.com]");
    assert!(allows("https://new.example.com"));
    assert!(!allows("https://app.example.com"));

    write("allow_origins = [\"https://New.example.com/\"]\n");
    hang_up(&server);
    let refused = wait_for(&server, "refused");
    let _ = std::fs::remove_file(&file);
    assert!(refused.contains("allow_origins[0]"), "{refused}");
    assert!(refused.contains("https://new.example.com"), "{refused}");
    assert!(allows("https://new.example.com"));
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
    let (_server, addr) = start_with(
        "websocket",
        &[("ALLOWED_ORIGINS", "https://app.example.com")],
    );
    for origin in [
        Some("https://app.example.com"),
        Some("http://localhost:5173"),
        None,
    ] {
        let (mut stream, head) = handshake(&addr, origin);
        assert!(head.starts_with("http/1.1 101"), "{origin:?}: {head}");
        assert_eq!(echo(&mut stream, "hello"), "hello", "{origin:?}");
    }
    let (_stream, head) = handshake(&addr, Some("https://evil.example"));
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(!head.contains("access-control-allow"), "{head}");
    assert!(!head.contains("upgrade"), "{head}");
}
