//! Starting example servers on an ephemeral loopback port and talking to them
//! with a hyper client. Every wait is bounded.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Upper bound of any step (connect, request, shutdown).
pub const STEP: Duration = Duration::from_secs(10);

/// A server running on a loopback port; stopped on [`Server::stop`] or drop.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds 127.0.0.1:0 and spawns `serve(listener)`.
    pub async fn start<Fut>(serve: impl FnOnce(TcpListener) -> Fut) -> Server
    where
        Fut: Future<Output = std::io::Result<()>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let running = serve(listener);
        Server { addr, task: tokio::spawn(async move { running.await.expect("server failed") }) }
    }
    /// Sends `request` over HTTP/1.1 and collects the response.
    pub async fn send(&self, request: Request<Full<Bytes>>) -> Response<Bytes> {
        timeout(STEP, async {
            let stream = TcpStream::connect(self.addr).await.unwrap();
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
            let driver = tokio::spawn(connection);
            let (parts, body) = sender.send_request(request).await.unwrap().into_parts();
            let body = body.collect().await.unwrap().to_bytes();
            driver.abort();
            Response::from_parts(parts, body)
        })
        .await
        .expect("request timed out")
    }
    /// Stops the accept loop and waits (bounded) for it to end.
    pub async fn stop(mut self) {
        self.task.abort();
        let ended = timeout(STEP, &mut self.task).await.expect("server did not stop");
        assert!(ended.unwrap_err().is_cancelled());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A request builder preset with a Host header (HTTP/1.1 requires one).
pub fn request(method: http::Method, server: &Server, path: &str) -> http::request::Builder {
    Request::builder().method(method).uri(path).header(http::header::HOST, server.addr.to_string())
}
