//! The servers of a session: the api servers' two recording points, their
//! application handler and WebSocket echo, and the page that runs every
//! scenario, its frames on other origins, and the endpoint it reports to.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// A request as recorded outside the CORS layer (every request the browser
/// sent, with the final response's status and headers) or by the handler
/// (`status: None`, no response headers). Headers by lower-case name,
/// repeated values joined by ", ".
#[derive(Clone, Debug)]
pub struct Entry {
    pub server: String,
    pub method: String,
    pub path: String,
    pub req: BTreeMap<String, String>,
    pub status: Option<u16>,
    pub resp: BTreeMap<String, String>,
}

impl Entry {
    pub fn req(&self, name: &str) -> Option<&str> {
        self.req.get(name).map(String::as_str)
    }
    pub fn resp(&self, name: &str) -> Option<&str> {
        self.resp.get(name).map(String::as_str)
    }
    /// Recorded outside the layer, not by the handler.
    pub fn outer(&self) -> bool {
        self.status.is_some()
    }
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.req.contains_key("access-control-request-method")
    }
}

pub type Log = Arc<Mutex<Vec<Entry>>>;

fn header_map(h: &HeaderMap) -> BTreeMap<String, String> {
    let value = |v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
    let joined = |k: &HeaderName| h.get_all(k).iter().map(value).collect::<Vec<_>>().join(", ");
    h.keys().map(|k| (k.to_string(), joined(k))).collect()
}

#[derive(Clone)]
pub struct ServerCtx {
    pub name: String,
    pub log: Log,
}

impl ServerCtx {
    fn record(&self, method: &str, path: &str, req: &HeaderMap, resp: Option<&Response>) {
        self.log.lock().unwrap().push(Entry {
            server: self.name.clone(),
            method: method.to_owned(),
            path: path.to_owned(),
            req: header_map(req),
            status: resp.map(|r| r.status().as_u16()),
            resp: resp.map(|r| header_map(r.headers())).unwrap_or_default(),
        });
    }
}

/// Outermost middleware of every api server: logs each request the browser
/// sent (preflights included) with the final response.
pub async fn outer_recorder(State(ctx): State<ServerCtx>, req: Request, next: Next) -> Response {
    let (method, uri, headers) = (req.method().clone(), req.uri().clone(), req.headers().clone());
    let resp = next.run(req).await;
    ctx.record(method.as_str(), uri.path(), &headers, Some(&resp));
    resp
}

/// The application handler behind the CORS layer, told by the query string
/// what to do, so that every scenario can use its own path: `status=NNN`;
/// its own Access-Control-Allow-Origin `acao=VALUE`, -Headers `acah=VALUE`,
/// -Methods `acam=VALUE` (hand-rolled answers) and `vary=VALUE`;
/// `echo_acao=1` (hand-rolled CORS: echoes Origin, without `Vary`);
/// `cache=1` (`Cache-Control: max-age=600`).
pub async fn inner_handler(
    State(ctx): State<ServerCtx>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
    ctx.record(&method, &path, req.headers(), None);
    let status: u16 = query.get("status").map_or(200, |s| s.parse().expect("a status code"));
    #[rustfmt::skip]
    let mut resp = Response::builder()
        .status(status).header(header::CONTENT_TYPE, "text/plain")
        .header("x-request-id", "rid-1").header("x-secret", "s3cret").header("grpc-status", "0").header("grpc-message", "fine");
    #[rustfmt::skip]
    let own = [("acao", header::ACCESS_CONTROL_ALLOW_ORIGIN), ("acah", header::ACCESS_CONTROL_ALLOW_HEADERS),
        ("acam", header::ACCESS_CONTROL_ALLOW_METHODS), ("vary", header::VARY)];
    for (key, name) in own.into_iter().filter(|(key, _)| query.contains_key(*key)) {
        resp = resp.header(name, &query[key]);
    }
    if let Some(o) = req.headers().get(header::ORIGIN).filter(|_| query.contains_key("echo_acao")) {
        resp = resp.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
    }
    if query.contains_key("cache") {
        resp = resp.header(header::CACHE_CONTROL, "max-age=600");
    }
    resp.body(Body::from(format!("{} {method} {path}", ctx.name))).unwrap()
}

pub async fn serve(listener: TcpListener, router: Router) {
    let _ = axum::serve(listener, router).await;
}
pub async fn bind() -> Result<(TcpListener, u16), String> {
    let l = TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("bind: {e}"))?;
    let port = l.local_addr().map_err(|e| e.to_string())?.port();
    Ok((l, port))
}

/// The api servers' `/ws/{id}` route, behind the CORS layer: records the
/// handshake as the handler saw it, then echoes each text message.
pub async fn ws_echo(State(ctx): State<ServerCtx>, ws: WebSocketUpgrade, req: Request) -> Response {
    ctx.record("GET", req.uri().path(), req.headers(), None);
    // A failed send ends the loop too: the next receive gets no text.
    ws.on_upgrade(|mut socket| async move {
        while let Some(Ok(Message::Text(text))) = socket.recv().await {
            let _ = socket.send(Message::Text(text)).await;
        }
    })
}

/// The page's router: the top page on `/`, the frames on `/frame/{name}`
/// (each runs its own scenarios of `config`), reports sent on `reports`.
pub fn page_app(config: &Value, reports: mpsc::UnboundedSender<String>) -> Router {
    // JSON safe inside <script>: no "</script" can appear.
    let cfg = config.to_string().replace('<', "\\u003c");
    let page = |main: &str| {
        Html(format!(
            "<!doctype html><body><script>const CONFIG = {cfg};{RUNNER_JS}{main}</script>"
        ))
    };
    let (top, frame) = (page(TOP_JS), page("frameMain(location.pathname.split('/').pop());"));
    let report = move |body: String| async move {
        let _ = reports.send(body);
        StatusCode::NO_CONTENT
    };
    Router::new()
        .route("/", get(move || async move { top }))
        .route("/frame/{name}", get(move || async move { frame }))
        .route("/report", post(report))
}

const RUNNER_JS: &str = r#"
const attempt = () => ({ ok: false, error: null, status: null, headers: {}, names: [], body: null });
// A WebSocket scenario: open, send the id, resolve with the echo. A refused
// handshake fires `error` then `close` before `open`; the error says so.
function socketOnce(s) {
  return new Promise((resolve) => {
    const a = attempt();
    let ws;
    const timer = setTimeout(() => { a.error = 'timeout'; try { ws.close(); } catch (e) {} resolve(a); }, 5000);
    const done = (error) => { clearTimeout(timer); if (error) a.error = error; resolve(a); };
    try { ws = new WebSocket(s.url); } catch (e) { done(String(e)); return; }
    ws.onopen = () => ws.send(s.id);
    ws.onmessage = (ev) => { a.ok = true; a.body = String(ev.data); ws.close(); done(null); };
    ws.onerror = () => { if (!a.ok) done('WebSocket error before open'); };
    ws.onclose = (ev) => { if (!a.ok) done('WebSocket closed (code ' + ev.code + ')'); };
  });
}
// A form POST (urlencoded) into a new frame, resolved once the answer loaded
// there (a cross-origin answer cannot be read; a same-origin one is no longer
// about:blank; Firefox reports no load for the refused cross-site ones, the
// timeout ends those). `init.referrerPolicy` is set on the document first.
function formOnce(s) {
  return new Promise((resolve) => {
    if (s.init.referrerPolicy) {
      document.head.appendChild(Object.assign(document.createElement('meta'), { name: 'referrer', content: s.init.referrerPolicy }));
    }
    const a = attempt(), sink = document.createElement('iframe'), form = document.createElement('form');
    sink.name = 'sink_' + s.id;
    Object.assign(form, { method: 'post', action: s.url, target: sink.name });
    form.innerHTML = '<input name="amount" value="100">';
    document.body.append(sink, form);
    const timer = setTimeout(() => { a.error = 'timeout'; resolve(a); }, 5000);
    sink.onload = () => {
      let loaded = true;
      try { loaded = sink.contentWindow.location.href !== 'about:blank'; } catch (e) {}
      if (loaded) { clearTimeout(timer); a.ok = true; resolve(a); }
    };
    form.submit();
  });
}
async function fetchOnce(s) {
  const a = attempt();
  try {
    const r = await fetch(s.url, s.init);
    Object.assign(a, { ok: true, status: r.status });
    for (const h of s.read) a.headers[h] = r.headers.get(h);
    for (const [k] of r.headers) a.names.push(k);
    a.body = await r.text();
  } catch (e) { a.error = String(e); }
  return a;
}
async function runAll(list) {
  const out = [], once = { websocket: socketOnce, form: formOnce, fetch: fetchOnce };
  for (const s of (list || []).filter((s) => s.kind !== 'navigate')) {
    const attempts = [];
    for (let i = 0; i < s.repeat; i++) attempts.push(await once[s.kind](s));
    out.push({ id: s.id, attempts });
  }
  return out;
}
async function frameMain(name) {
  const results = await runAll(CONFIG.scenarios[name]).catch((e) => ({ error: String(e) }));
  parent.postMessage({ frame: name, results }, '*');
}
"#;

const TOP_JS: &str = r#"
const post = (obj) => fetch('/report', { method: 'POST', body: JSON.stringify(obj) });
// Runs a frame's scenarios in an iframe, which posts its results back.
function runFrame(f) {
  return new Promise((resolve) => {
    const ifr = Object.assign(document.createElement('iframe'), { src: f.url });
    const end = (results) => { clearTimeout(timer); removeEventListener('message', onmsg); ifr.remove(); resolve(results); };
    const onmsg = (ev) => { if (ev.data && ev.data.frame === f.name) end(ev.data.results); };
    const timer = setTimeout(() => end({ error: 'frame ' + f.name + ' did not report within 30 s' }), 30000);
    addEventListener('message', onmsg);
    if (f.sandbox) ifr.setAttribute('sandbox', 'allow-scripts');
    document.body.appendChild(ifr);
  });
}
async function main() {
  try {
    await post({ frame: 'top', results: await runAll(CONFIG.scenarios.top) });
    for (const f of CONFIG.frames) await post({ frame: f.name, results: await runFrame(f) });
  } catch (e) {
    await post({ frame: '__error', results: { error: String(e) } });
  }
  await post({ done: true });
  if (CONFIG.navigate) location.href = CONFIG.navigate;
}
main();
"#;
