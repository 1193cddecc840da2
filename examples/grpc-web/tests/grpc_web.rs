//! A browser's gRPC-Web preflight and calls, over loopback HTTP/1.1, against
//! the example server with tower-cors in front of tonic-web.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use grpc_web_example::pb::{HelloReply, HelloRequest};
use grpc_web_example::APP_ORIGIN;
use http::{header, HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use prost::Message;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const PATH: &str = "/greeter.Greeter/SayHello";
const STEP: Duration = Duration::from_secs(10);

/// The example server on an ephemeral port; aborted on drop.
struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            grpc_web_example::serve(listener)
                .await
                .expect("server failed");
        });
        Server { addr, task }
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> (Response<()>, Bytes) {
        timeout(STEP, async {
            let stream = TcpStream::connect(self.addr).await.unwrap();
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .unwrap();
            let driver = tokio::spawn(connection);
            let response = sender.send_request(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let body = body.collect().await.unwrap().to_bytes();
            driver.abort();
            (Response::from_parts(parts, ()), body)
        })
        .await
        .expect("request timed out")
    }

    async fn stop(self) {
        self.task.abort();
        let ended = timeout(STEP, self.task).await.expect("server did not stop");
        assert!(ended.unwrap_err().is_cancelled());
    }
}

fn request(server: &Server, method: Method) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(PATH)
        .header(header::HOST, server.addr.to_string())
}

/// A gRPC-Web request body: one uncompressed data frame.
fn frame(message: &impl Message) -> Full<Bytes> {
    let encoded = message.encode_to_vec();
    let mut body = BytesMut::with_capacity(5 + encoded.len());
    body.put_u8(0);
    body.put_u32(encoded.len() as u32);
    body.put_slice(&encoded);
    Full::new(body.freeze())
}

/// Splits a gRPC-Web response body into its data message and trailer block.
fn split_frames(mut body: Bytes) -> (Option<Bytes>, String) {
    let (mut data, mut trailers) = (None, String::new());
    while body.remaining() >= 5 {
        let flag = body.get_u8();
        let len = body.get_u32() as usize;
        let payload = body.split_to(len);
        if flag & 0x80 != 0 {
            trailers = String::from_utf8(payload.to_vec()).unwrap();
        } else {
            data = Some(payload);
        }
    }
    (data, trailers)
}

fn call(server: &Server, name: &str) -> Request<Full<Bytes>> {
    request(server, Method::POST)
        .header(header::ORIGIN, APP_ORIGIN)
        .header(header::CONTENT_TYPE, "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .header("x-user-agent", "grpc-web-javascript/0.1")
        .body(frame(&HelloRequest { name: name.into() }))
        .unwrap()
}

fn exposed(headers: &HeaderMap) -> &str {
    headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn grpc_web_preflight_is_allowed() {
    let server = Server::start().await;
    let preflight = request(&server, Method::OPTIONS)
        .header(header::ORIGIN, APP_ORIGIN)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type,x-grpc-web,x-user-agent,grpc-timeout",
        )
        .body(Full::default())
        .unwrap();
    let (res, body) = server.send(preflight).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(body.is_empty());
    let h = res.headers();
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP_ORIGIN);
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "POST");
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_HEADERS],
        "x-grpc-web, content-type, x-user-agent, grpc-timeout, authorization"
    );
    server.stop().await;
}

#[tokio::test]
async fn grpc_web_preflight_from_another_origin_is_refused() {
    let server = Server::start().await;
    let preflight = request(&server, Method::OPTIONS)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,x-grpc-web",
        )
        .body(Full::default())
        .unwrap();
    let (res, _) = server.send(preflight).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    server.stop().await;
}

#[tokio::test]
async fn grpc_web_call_is_answered_with_cors_headers() {
    let server = Server::start().await;
    let (res, body) = server.send(call(&server, "Ada")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(h[header::CONTENT_TYPE], "application/grpc-web+proto");
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP_ORIGIN);
    assert_eq!(
        exposed(h),
        "grpc-status, grpc-message, grpc-status-details-bin"
    );
    assert_eq!(h[header::VARY], "origin");
    let (data, trailers) = split_frames(body);
    let reply = HelloReply::decode(data.expect("a reply message")).unwrap();
    assert_eq!(reply.message, "Hello, Ada!");
    assert!(trailers.contains("grpc-status:0"), "{trailers:?}");
    server.stop().await;
}

#[tokio::test]
async fn grpc_web_error_status_is_readable_by_the_page() {
    let server = Server::start().await;
    let (res, body) = server.send(call(&server, "")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP_ORIGIN);
    assert!(exposed(h).contains("grpc-status"));
    // A trailers-only answer: the status comes as headers, which the page
    // can read only because they are exposed.
    assert_eq!(h["grpc-status"], "3"); // INVALID_ARGUMENT
    assert_eq!(h["grpc-message"], "name%20must%20not%20be%20empty");
    assert!(body.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn grpc_web_call_from_another_origin_gets_no_cors_headers() {
    let server = Server::start().await;
    let mut req = call(&server, "Eve");
    req.headers_mut().insert(
        header::ORIGIN,
        http::HeaderValue::from_static("https://evil.example"),
    );
    let (res, _) = server.send(req).await;
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    assert!(res
        .headers()
        .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .is_none());
    server.stop().await;
}
