//! Runs the example binary as users do (`PORT=0`), sends a gRPC-Web
//! preflight over loopback, and stops it. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn binary_prints_its_url_and_answers_a_grpc_web_preflight() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_grpc-web-example"))
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = || {
        rx.recv_timeout(Duration::from_secs(20))
            .expect("the binary prints its address and curl commands")
    };
    let addr = loop {
        if let Some(addr) = next_line().strip_prefix("listening on http://") {
            break addr.to_owned();
        }
    };
    let curl = loop {
        let line = next_line();
        if line.trim_start().starts_with("curl ") {
            break line;
        }
    };
    assert!(
        curl.contains(&format!("http://{addr}/greeter.Greeter/SayHello")),
        "the printed curl targets the server: {curl}"
    );

    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "OPTIONS /greeter.Greeter/SayHello HTTP/1.1\r\nHost: {addr}\r\n\
         Origin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\n\
         Access-Control-Request-Headers: content-type,x-grpc-web,x-user-agent\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let response = response.to_ascii_lowercase();
    assert!(response.starts_with("http/1.1 204"), "{response}");
    assert!(
        response.contains("access-control-allow-origin: https://app.example.com\r\n"),
        "{response}"
    );
    assert!(response.contains("access-control-allow-methods: post\r\n"));
}
