//! Runs `examples/axum.rs` as a process on a free loopback port and checks the
//! README's curl preflight against it, allowed and refused.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn example_binary() -> PathBuf {
    // target/debug/deps/example_axum-<hash> -> target/debug/examples/axum
    let mut path = std::env::current_exe().unwrap();
    path.pop();
    path.pop();
    path.push("examples");
    path.push(format!("axum{}", std::env::consts::EXE_SUFFIX));
    path
}

fn start() -> (Server, String) {
    let mut child = Command::new(example_binary())
        .env("PORT", "0")
        .env(
            "ALLOWED_ORIGINS",
            "https://app.example.com, https://*.example.com",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the axum example is built by cargo test");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("listening on http://") {
                let _ = tx.send(addr.to_owned());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the example prints its address");
    (server, addr)
}

fn send(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.to_ascii_lowercase()
}

fn preflight(addr: &str, origin: &str) -> String {
    send(
        addr,
        &format!(
            "OPTIONS /api/items HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\
             Connection: close\r\n\r\n"
        ),
    )
}

#[test]
fn example_answers_the_readme_preflight_and_refuses_other_origins() {
    let (_server, addr) = start();

    let allowed = preflight(&addr, "http://localhost:5173");
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
    assert!(preflight(&addr, "https://app.example.com")
        .contains("access-control-allow-origin: https://app.example.com\r\n"));
    assert!(preflight(&addr, "https://x.example.com")
        .contains("access-control-allow-origin: https://x.example.com\r\n"));

    let refused = preflight(&addr, "https://evil.example");
    assert!(refused.starts_with("http/1.1 403"), "{refused}");
    assert!(!refused.contains("access-control-allow"), "{refused}");

    // The refused preflight never reached a handler: the list is unchanged.
    let list = send(&addr, &format!("GET /api/items HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://localhost:5173\r\nConnection: close\r\n\r\n"));
    assert!(
        list.contains("access-control-expose-headers: x-item-count\r\n"),
        "{list}"
    );
    assert!(list.contains("x-item-count: 1\r\n"), "{list}");
}
