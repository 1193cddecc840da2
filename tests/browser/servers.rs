//! The api servers' two recording points and their application handler, and
//! binding loopback listeners.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Response, StatusCode};
use axum::middleware::Next;
use axum::Router;
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------
// Recording log
// ---------------------------------------------------------------------------

/// Where a log entry was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Outside the CORS layer: every request the browser sent, and the final
    /// response (after the layer) with its status and headers.
    Outer,
    /// Inside the CORS layer: what the application handler received.
    Inner,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub server: String,
    pub seen: Seen,
    pub method: String,
    pub path: String,
    /// Request headers, lower-case names, repeated values joined by ", ".
    pub req: BTreeMap<String, String>,
    /// Final response status (outer entries only).
    pub status: Option<u16>,
    /// Final response headers (outer entries only).
    pub resp: BTreeMap<String, String>,
}

impl Entry {
    pub fn req(&self, name: &str) -> Option<&str> {
        self.req.get(name).map(String::as_str)
    }
    pub fn resp(&self, name: &str) -> Option<&str> {
        self.resp.get(name).map(String::as_str)
    }
    /// Whether this is a CORS preflight as the browser sends it.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.req.contains_key("access-control-request-method")
    }
    /// Names of the `access-control-*` response headers.
    pub fn acx_headers(&self) -> Vec<&str> {
        self.resp.keys().filter(|k| k.starts_with("access-control-")).map(String::as_str).collect()
    }
}

pub type Log = Arc<Mutex<Vec<Entry>>>;

fn header_map(h: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in h {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        out.entry(k.as_str().to_owned())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(&v)
            })
            .or_insert(v);
    }
    out
}

#[derive(Clone)]
pub struct ServerCtx {
    pub name: String,
    pub log: Log,
}

/// Outermost middleware of every api server: logs each request the browser
/// sent (preflights included) together with the final response.
pub async fn outer_recorder(
    State(ctx): State<ServerCtx>,
    req: Request,
    next: Next,
) -> Response<Body> {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let req_headers = header_map(req.headers());
    let resp = next.run(req).await;
    ctx.log.lock().unwrap().push(Entry {
        server: ctx.name.clone(),
        seen: Seen::Outer,
        method,
        path,
        req: req_headers,
        status: Some(resp.status().as_u16()),
        resp: header_map(resp.headers()),
    });
    resp
}

/// The application handler behind the CORS layer. Behaviour is chosen by the
/// query string so that every scenario can use its own path:
/// `status=NNN`, `acao=VALUE` (sets its own Access-Control-Allow-Origin),
/// `echo_acao=1` (hand-rolled CORS: echoes Origin, without `Vary`),
/// `acah=VALUE` / `acam=VALUE` (its own Access-Control-Allow-Headers /
/// -Methods, for hand-rolled preflight answers),
/// `vary=VALUE` (sets its own `Vary`),
/// `cache=1` (`Cache-Control: max-age=600`).
pub async fn inner_handler(State(ctx): State<ServerCtx>, req: Request) -> Response<Body> {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (kv.to_owned(), String::new()),
        })
        .collect();
    ctx.log.lock().unwrap().push(Entry {
        server: ctx.name.clone(),
        seen: Seen::Inner,
        method: method.clone(),
        path: path.clone(),
        req: header_map(req.headers()),
        status: None,
        resp: BTreeMap::new(),
    });
    let status = query
        .get("status")
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut resp = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain")
        .header("x-request-id", "rid-1")
        .header("x-secret", "s3cret")
        .header("grpc-status", "0")
        .header("grpc-message", "fine");
    if let Some(v) = query.get("acao") {
        resp = resp.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, v.as_str());
    }
    if query.contains_key("echo_acao") {
        if let Some(o) = req.headers().get(header::ORIGIN) {
            resp = resp.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
        }
    }
    if let Some(v) = query.get("acah") {
        resp = resp.header(header::ACCESS_CONTROL_ALLOW_HEADERS, v.as_str());
    }
    if let Some(v) = query.get("acam") {
        resp = resp.header(header::ACCESS_CONTROL_ALLOW_METHODS, v.as_str());
    }
    if let Some(v) = query.get("vary") {
        resp = resp.header(header::VARY, v.as_str());
    }
    if query.contains_key("cache") {
        resp = resp.header(header::CACHE_CONTROL, "max-age=600");
    }
    resp.body(Body::from(format!("{} {} {}", ctx.name, method, path))).unwrap()
}

pub async fn serve(listener: TcpListener, router: Router) {
    let _ = axum::serve(listener, router).await;
}

pub async fn bind() -> Result<(TcpListener, u16), String> {
    let l = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let port = l.local_addr().map_err(|e| e.to_string())?.port();
    Ok((l, port))
}

/// The api servers' WebSocket route, `/ws/{id}`, behind the CORS layer:
/// records the handshake as the handler saw it, then echoes each text
/// message once upgraded.
pub async fn ws_echo(
    State(ctx): State<ServerCtx>,
    ws: axum::extract::ws::WebSocketUpgrade,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response<Body> {
    ctx.log.lock().unwrap().push(Entry {
        server: ctx.name.clone(),
        seen: Seen::Inner,
        method: "GET".to_owned(),
        path: uri.path().to_owned(),
        req: header_map(&headers),
        status: None,
        resp: BTreeMap::new(),
    });
    ws.on_upgrade(|mut socket| async move {
        use axum::extract::ws::Message;
        while let Some(Ok(message)) = socket.recv().await {
            if let Message::Text(text) = message {
                if socket.send(Message::Text(text)).await.is_err() {
                    break;
                }
            }
        }
    })
}
