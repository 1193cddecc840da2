//! The app server: the top page that runs every scenario, the frame pages
//! on other origins, and the endpoint the page reports its results to.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// The app router. `config` holds the frames and each frame's scenarios;
/// every report the page posts is sent on `reports`.
pub fn app(config: Arc<Value>, reports: mpsc::UnboundedSender<String>) -> Router {
    Router::new()
        .route("/", get(top_page))
        .route("/frame/{name}", get(frame_page))
        .route("/report", post(report))
        .with_state(AppCtx { config, reports })
}

#[derive(Clone)]
struct AppCtx {
    config: Arc<Value>,
    reports: mpsc::UnboundedSender<String>,
}

const RUNNER_JS: &str = r#"
// A WebSocket scenario: open, send the id, resolve with the echo. A refused
// handshake fires `error` then `close` before `open`; the error says so.
function socketOnce(s) {
  return new Promise((resolve) => {
    const a = { ok: false, error: null, status: null, headers: {}, names: [], body: null };
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
async function runOne(s) {
  const attempts = [];
  if (s.kind === 'websocket') {
    for (let i = 0; i < s.repeat; i++) attempts.push(await socketOnce(s));
    return { id: s.id, attempts };
  }
  for (let i = 0; i < s.repeat; i++) {
    const a = { ok: false, error: null, status: null, headers: {}, names: [], body: null };
    try {
      const r = await fetch(s.url, s.init);
      a.ok = true;
      a.status = r.status;
      for (const h of s.read) a.headers[h] = r.headers.get(h);
      for (const [k] of r.headers) a.names.push(k);
      a.body = await r.text();
    } catch (e) {
      a.error = String(e);
    }
    attempts.push(a);
  }
  return { id: s.id, attempts };
}
async function runAll(list) {
  const out = [];
  for (const s of list || []) out.push(await runOne(s));
  return out;
}
async function frameMain() {
  let results;
  try { results = await runAll(CONFIG.scenarios); }
  catch (e) { results = { error: String(e) }; }
  parent.postMessage({ frame: CONFIG.name, results }, '*');
}
"#;

const TOP_JS: &str = r#"
async function post(obj) {
  await fetch('/report', { method: 'POST', body: JSON.stringify(obj) });
}
function runFrame(f) {
  return new Promise((resolve) => {
    const ifr = document.createElement('iframe');
    let timer;
    function onmsg(ev) {
      if (ev.data && ev.data.frame === f.name) {
        clearTimeout(timer);
        window.removeEventListener('message', onmsg);
        ifr.remove();
        resolve(ev.data.results);
      }
    }
    timer = setTimeout(() => {
      window.removeEventListener('message', onmsg);
      resolve({ error: 'frame ' + f.name + ' did not report within 15 s' });
    }, 15000);
    window.addEventListener('message', onmsg);
    if (f.sandbox) {
      ifr.setAttribute('sandbox', 'allow-scripts');
      const cfg = JSON.stringify({ name: f.name, scenarios: CONFIG.scenarios[f.name] })
        .replace(/</g, '\\u003c');
      ifr.srcdoc = '<!doctype html><script>const CONFIG = ' + cfg + ';' +
        document.getElementById('runner').textContent + 'frameMain();<' + '/script>';
    } else {
      ifr.src = f.url;
    }
    document.body.appendChild(ifr);
  });
}
async function main() {
  try {
    await post({ frame: 'top', results: await runAll(CONFIG.scenarios.top) });
    for (const f of CONFIG.frames) {
      await post({ frame: f.name, results: await runFrame(f) });
    }
  } catch (e) {
    await post({ frame: '__error', results: { error: String(e) } });
  }
  await post({ done: true });
}
main();
"#;

fn script_json(v: &Value) -> String {
    // Safe inside <script>: no "</script" can appear.
    v.to_string().replace('<', "\\u003c")
}

async fn top_page(State(app): State<AppCtx>) -> Html<String> {
    Html(format!(
        "<!doctype html><title>tower-cors browser suite</title>\
         <script id=\"runner\">{RUNNER_JS}</script>\
         <script>const CONFIG = {};{TOP_JS}</script>",
        script_json(&app.config)
    ))
}

async fn frame_page(
    State(app): State<AppCtx>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Html<String> {
    let cfg = json!({ "name": name, "scenarios": app.config["scenarios"][&name] });
    Html(format!(
        "<!doctype html><script>const CONFIG = {};{RUNNER_JS}frameMain();</script>",
        script_json(&cfg)
    ))
}

async fn report(State(app): State<AppCtx>, body: String) -> StatusCode {
    let _ = app.reports.send(body);
    StatusCode::NO_CONTENT
}
