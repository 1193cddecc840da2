//! Runs the example binary as users do (`PORT=0`, a SQLite file), adds and
//! removes a tenant through the admin endpoint, and checks that its origin
//! is refused before, allowed right after, refused again after removal, and
//! still known after a restart. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BOUND: Duration = Duration::from_secs(20);
const TENANT: &str = "https://shop.tenant.example";
const TOKEN: &str = "test-admin-token";

/// A running example; killed and reaped on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fresh directory for the database file, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start(database: &std::path::Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenants-example"))
        .env("PORT", "0")
        .env(
            "DATABASE_URL",
            format!("sqlite:{}?mode=rwc", database.display()),
        )
        .env("ADMIN_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("listening on http://") {
                let _ = tx.send(addr.to_owned());
            }
        }
    });
    let addr = rx
        .recv_timeout(BOUND)
        .expect("the binary prints its address");
    (server, addr)
}

/// Sends a raw HTTP/1.1 request; the response, lowercased.
fn send(addr: &str, head: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    write!(
        stream,
        "{head}Host: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.to_ascii_lowercase()
}

fn get_items(addr: &str) -> String {
    send(
        addr,
        &format!("GET /api/items HTTP/1.1\r\nOrigin: {TENANT}\r\n"),
        "",
    )
}

fn preflight(addr: &str) -> String {
    send(
        addr,
        &format!(
            "OPTIONS /api/items HTTP/1.1\r\nOrigin: {TENANT}\r\n\
             Access-Control-Request-Method: GET\r\n"
        ),
        "",
    )
}

fn admin(addr: &str, method: &str, token: &str, origin: &str) -> String {
    send(
        addr,
        &format!("{method} /admin/tenants HTTP/1.1\r\nx-admin-token: {token}\r\n"),
        origin,
    )
}

fn allowed(response: &str) -> bool {
    response.contains(&format!("access-control-allow-origin: {TENANT}\r\n"))
}

#[test]
fn a_tenant_is_refused_until_added_allowed_at_once_after_and_kept_in_the_file() {
    let dir = TempDir::new("tenants-example");
    let database = dir.0.join("tenants.db");
    let (server, addr) = start(&database);
    assert!(database.exists(), "the SQLite file is created on first run");

    let refused = get_items(&addr);
    assert!(refused.starts_with("http/1.1 200"), "{refused}");
    assert!(!refused.contains("access-control-"), "{refused}");
    assert!(preflight(&addr).starts_with("http/1.1 403"));

    // The refusal above is cached for 5 s; the admin endpoint invalidates it.
    let added = admin(&addr, "POST", TOKEN, TENANT);
    assert!(added.starts_with("http/1.1 201"), "{added}");
    assert!(allowed(&get_items(&addr)));
    let answered = preflight(&addr);
    assert!(answered.starts_with("http/1.1 204"), "{answered}");
    assert!(allowed(&answered));
    assert!(answered.contains("access-control-allow-credentials: true\r\n"));

    // The app's own origin is allowed statically.
    let app = send(
        &addr,
        "GET /api/items HTTP/1.1\r\nOrigin: https://app.example.com\r\n",
        "",
    );
    assert!(app.contains("access-control-allow-origin: https://app.example.com\r\n"));

    // The tenant survives a restart: it is in the file.
    drop(server);
    let (server, addr) = start(&database);
    assert!(allowed(&get_items(&addr)));

    let removed = admin(&addr, "DELETE", TOKEN, TENANT);
    assert!(removed.starts_with("http/1.1 200"), "{removed}");
    assert!(!allowed(&get_items(&addr)));
    drop(server);
}

#[test]
fn the_admin_endpoint_wants_the_token_and_an_origin() {
    let dir = TempDir::new("tenants-example-admin");
    let (_server, addr) = start(&dir.0.join("tenants.db"));
    let wrong = admin(&addr, "POST", "guess", TENANT);
    assert!(wrong.starts_with("http/1.1 403"), "{wrong}");
    let path = admin(&addr, "POST", TOKEN, "https://shop.example/path");
    assert!(path.starts_with("http/1.1 400"), "{path}");
    let upper = admin(&addr, "POST", TOKEN, "https://Shop.example");
    assert!(upper.starts_with("http/1.1 400"), "{upper}");
    assert!(!allowed(&get_items(&addr)));
}
