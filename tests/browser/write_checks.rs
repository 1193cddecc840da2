//! Browser checks of `guard_cross_origin_writes`: CORS only hides responses,
//! so a cross-site form or a no-cors `fetch` POST reaches the handler unless
//! the guard refuses it. These pages are not fetch scenarios of the shared
//! page (forms, frames, a top-level navigation), so each engine runs one
//! more short session of its own here, on its own servers:
//!
//! - the app server, `http://app.localhost:PA` (the origin the policy
//!   allows, with credentials) and `http://evil.localhost:PA` (another
//!   site), serves the top page and the foreign page;
//! - the api server, `http://api.localhost:PB`, is `handler -> CorsLayer
//!   (guard on) -> recorder` and serves a page of its own for the
//!   same-origin form.
//!
//! The top page POSTs with credentials to the api, opens the foreign page
//! (a no-cors POST, then a form POST into a frame) and the api's own page
//! (a form POST), reports, then navigates itself to the api (a top-level
//! GET). The recorder logs the headers each engine sent: all three send
//! `Sec-Fetch-Site` from these `*.localhost` pages (potentially
//! trustworthy), and the check `sec_fetch_site_is_what_each_engine_sends`
//! pins the values.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Response};
use axum::middleware::{self, Next};
use axum::response::Html;
use axum::routing::{any, get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tower_cors::CorsLayer;

use crate::engine::Engine;
use crate::harness::Run;

/// How long one engine's session may take.
const SESSION_TIMEOUT: Duration = Duration::from_secs(90);

/// One request as it reached the api server.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    /// Request headers (lower-case names).
    req: BTreeMap<String, String>,
    /// Final status, after the CORS layer; `None` for the handler's entry.
    status: Option<u16>,
    /// Response header names, after the CORS layer.
    resp: Vec<String>,
}

impl Seen {
    fn req(&self, name: &str) -> Option<&str> {
        self.req.get(name).map(String::as_str)
    }
}

/// What one engine's session saw.
#[derive(Debug)]
struct WriteRun {
    /// Outer entries: every request the browser sent to the api.
    wire: Vec<Seen>,
    /// Inner entries: what reached the handler.
    handled: Vec<Seen>,
    /// What the top page reported.
    page: serde_json::Value,
    app: String,
    api: String,
    evil: String,
}

impl WriteRun {
    /// The single request the browser sent to `/w/<id>`.
    fn one(&self, id: &str) -> &Seen {
        let path = format!("/w/{id}");
        let seen: Vec<&Seen> = self.wire.iter().filter(|e| e.path == path).collect();
        assert_eq!(seen.len(), 1, "requests to {path}: {self:#?}");
        seen[0]
    }

    /// How often the handler ran for `/w/<id>`.
    fn handled(&self, id: &str) -> usize {
        let path = format!("/w/{id}");
        self.handled.iter().filter(|e| e.path == path).count()
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn headers(h: &HeaderMap) -> BTreeMap<String, String> {
    h.iter().map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into())).collect()
}

async fn recorder(State(log): State<Log>, req: Request, next: Next) -> Response<Body> {
    let (method, path, req_headers) =
        (req.method().to_string(), req.uri().path().to_owned(), headers(req.headers()));
    let resp = next.run(req).await;
    log.lock().unwrap().push(Seen {
        method,
        path,
        req: req_headers,
        status: Some(resp.status().as_u16()),
        resp: resp.headers().keys().map(|k| k.to_string()).collect(),
    });
    resp
}

async fn handler(State(log): State<Log>, req: Request) -> String {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(Seen {
        method: req.method().to_string(),
        path: path.clone(),
        req: headers(req.headers()),
        status: None,
        resp: Vec::new(),
    });
    format!("handled {path}")
}

/// Submits a form (POST, urlencoded) to `url` into a new frame and resolves
/// once the answer loaded there (a cross-origin answer cannot be read; a
/// same-origin one is no longer `about:blank`).
const FORM_JS: &str = r#"
function submitForm(url) {
  return new Promise((resolve) => {
    const sink = document.createElement('iframe');
    sink.name = 'sink';
    document.body.appendChild(sink);
    const form = document.createElement('form');
    form.method = 'post'; form.action = url; form.target = 'sink';
    const input = document.createElement('input');
    input.name = 'amount'; input.value = '100';
    form.appendChild(input);
    document.body.appendChild(form);
    const timer = setTimeout(() => resolve('timeout'), 10000);
    sink.onload = () => {
      let loaded = true;
      try { loaded = sink.contentWindow.location.href !== 'about:blank'; } catch (e) {}
      if (loaded) { clearTimeout(timer); resolve('loaded'); }
    };
    form.submit();
  });
}
"#;

fn top_page(api: &str, evil: &str) -> String {
    format!(
        r#"<!doctype html><title>writes</title><script>
const API = {api:?}, EVIL = {evil:?};
function frame(url, done) {{
  return new Promise((resolve) => {{
    const f = document.createElement('iframe');
    const timer = setTimeout(() => resolve('timeout'), 15000);
    window.addEventListener('message', (ev) => {{
      if (ev.data === done) {{ clearTimeout(timer); resolve(done); }}
    }});
    f.src = url;
    document.body.appendChild(f);
  }});
}}
async function main() {{
  const r = {{}};
  try {{
    const res = await fetch(API + '/w/credentialed', {{ method: 'POST', credentials: 'include', body: 'amount=1' }});
    r.credentialed = {{ ok: true, status: res.status, body: await res.text() }};
  }} catch (e) {{ r.credentialed = {{ ok: false, error: String(e) }}; }}
  r.foreign = await frame(EVIL + '/foreign', 'foreign done');
  r.no_referrer = await frame(EVIL + '/no_referrer', 'no-referrer done');
  r.same = await frame(API + '/same', 'same done');
  await fetch('/report', {{ method: 'POST', body: JSON.stringify(r) }});
  location.href = API + '/w/navigation';
}}
main();
</script>"#
    )
}

fn foreign_page(api: &str) -> String {
    format!(
        r#"<!doctype html><body><script>{FORM_JS}
async function main() {{
  try {{
    await fetch({api:?} + '/w/no_cors', {{ mode: 'no-cors', method: 'POST', credentials: 'include', body: 'amount=100' }});
  }} catch (e) {{}}
  await submitForm({api:?} + '/w/cross_site_form');
  parent.postMessage('foreign done', '*');
}}
main();
</script>"#
    )
}

/// A foreign page whose referrer policy is `no-referrer`: its form POST
/// carries `Origin: null`.
fn no_referrer_page(api: &str) -> String {
    format!(
        r#"<!doctype html><meta name="referrer" content="no-referrer"><body><script>{FORM_JS}
submitForm({api:?} + '/w/no_referrer_form').then(() => parent.postMessage('no-referrer done', '*'));
</script>"#
    )
}

fn same_page() -> String {
    format!(
        r#"<!doctype html><body><script>{FORM_JS}
submitForm('/w/same_origin_form').then(() => parent.postMessage('same done', '*'));
</script>"#
    )
}

async fn bind() -> Result<(TcpListener, u16), String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    Ok((listener, port))
}

/// Serves the pages and the guarded api, runs `engine` on the top page,
/// and collects what the api saw.
async fn session(engine: Engine) -> Result<WriteRun, String> {
    let launcher = engine.find()?;
    let ((app_l, app_port), (api_l, api_port)) = (bind().await?, bind().await?);
    let app = format!("http://app.localhost:{app_port}");
    let api = format!("http://api.localhost:{api_port}");
    let evil = format!("http://evil.localhost:{app_port}");
    let cors = CorsLayer::builder()
        .allow_origins([app.as_str()])
        .allow_credentials(true)
        .guard_cross_origin_writes(true)
        .build()
        .map_err(|e| e.to_string())?;
    let (outer, inner): (Log, Log) = Default::default();
    let api_router = Router::new()
        .route("/w/{id}", any(handler))
        .with_state(inner.clone())
        .route("/same", get(|| async { Html(same_page()) }))
        .layer(cors)
        .layer(middleware::from_fn_with_state(outer.clone(), recorder));
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let (top, foreign, no_referrer) =
        (top_page(&api, &evil), foreign_page(&api), no_referrer_page(&api));
    let app_router = Router::new()
        .route("/", get(move || async move { Html(top) }))
        .route("/foreign", get(move || async move { Html(foreign) }))
        .route("/no_referrer", get(move || async move { Html(no_referrer) }))
        .route(
            "/report",
            post(move |body: String| async move {
                let _ = tx.send(body);
            }),
        );
    tokio::spawn(async move { axum::serve(api_l, api_router).await });
    tokio::spawn(async move { axum::serve(app_l, app_router).await });

    let mut browser = launcher.launch(&format!("{app}/"))?;
    let deadline = Instant::now() + SESSION_TIMEOUT;
    let mut page = None;
    let navigated = |log: &Log| log.lock().unwrap().iter().any(|e| e.path == "/w/navigation");
    while page.is_none() || !navigated(&outer) {
        if let Ok(Some(body)) = tokio::time::timeout(Duration::from_millis(250), rx.recv()).await {
            page = Some(serde_json::from_str(&body).map_err(|e| format!("report {body:?}: {e}"))?);
        }
        if Instant::now() >= deadline || browser.exited().is_some() {
            return Err(format!(
                "{engine:?}: no report and navigation within {SESSION_TIMEOUT:?} (report: {page:?})\n\
                 api saw: {:#?}\nlog tail:\n{}",
                outer.lock().unwrap(),
                browser.log_tail()
            ));
        }
    }
    drop(browser);
    let (wire, handled) = (outer.lock().unwrap().clone(), inner.lock().unwrap().clone());
    if std::env::var_os("BROWSER_SUITE_DUMP").is_some() {
        for e in &wire {
            eprintln!("{engine:?} writes: {} {} -> {:?} {:?}", e.method, e.path, e.status, e.req);
        }
    }
    Ok(WriteRun { wire, handled, page: page.unwrap_or_default(), app, api, evil })
}

static RUNS: [OnceLock<Result<WriteRun, String>>; 3] =
    [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// The write session of the engine that ran `run`, run once per engine.
fn writes(run: &Run) -> &'static WriteRun {
    let slot = Engine::ALL.iter().position(|e| *e == run.engine).expect("known engine");
    let engine = run.engine;
    let result = RUNS[slot].get_or_init(|| {
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(session(engine))
        })
        .join()
        .unwrap_or_else(|p| Err(format!("write session panicked: {p:?}")))
    });
    match result {
        Ok(run) => run,
        Err(e) => panic!("{e}"),
    }
}

/// The request got the layer's 403 without CORS headers, and the handler
/// never ran.
fn refused(w: &WriteRun, id: &str) {
    let e = w.one(id);
    assert_eq!((e.method.as_str(), e.status), ("POST", Some(403)), "{id}: {w:#?}");
    assert!(!e.resp.iter().any(|h| h.starts_with("access-control-")), "{id}: {e:?}");
    assert_eq!(w.handled(id), 0, "{id}: the handler ran\n{w:#?}");
}

/// A cross-site HTML form POST carries the foreign page's origin and is
/// refused.
fn cross_site_form_post_is_refused_and_the_handler_never_runs(run: &Run) {
    let w = writes(run);
    assert_eq!(w.page["foreign"], "foreign done", "{w:#?}");
    refused(w, "cross_site_form");
    assert_eq!(w.one("cross_site_form").req("origin"), Some(w.evil.as_str()));
}

/// A `fetch(..., {mode: "no-cors", method: "POST"})` from the foreign page
/// is refused the same way (the page cannot tell: its response is opaque).
fn no_cors_fetch_post_is_refused_and_the_handler_never_runs(run: &Run) {
    let w = writes(run);
    refused(w, "no_cors");
    assert_eq!(w.one("no_cors").req("origin"), Some(w.evil.as_str()));
}

/// A form POST from a page whose referrer policy is `no-referrer` carries
/// `Origin: null` in every engine, which no origin rule allows: refused.
fn no_referrer_form_post_sends_null_and_is_refused(run: &Run) {
    let w = writes(run);
    assert_eq!(w.page["no_referrer"], "no-referrer done", "{w:#?}");
    refused(w, "no_referrer_form");
    assert_eq!(w.one("no_referrer_form").req("origin"), Some("null"));
}

/// The api's own page posts a form to it: same-origin, passed.
fn same_origin_form_post_passes(run: &Run) {
    let w = writes(run);
    assert_eq!(w.page["same"], "same done", "{w:#?}");
    let e = w.one("same_origin_form");
    assert_eq!((e.method.as_str(), e.status), ("POST", Some(200)), "{w:#?}");
    assert_eq!(e.req("origin"), Some(w.api.as_str()));
    assert_eq!(w.handled("same_origin_form"), 1);
}

/// A credentialed `fetch` POST from the allowed origin passes, and the page
/// reads the answer.
fn credentialed_fetch_from_allowed_origin_passes_and_reads_the_response(run: &Run) {
    let w = writes(run);
    let page = &w.page["credentialed"];
    assert_eq!(page["ok"], true, "{w:#?}");
    assert_eq!(page["status"], 200, "{page}");
    assert_eq!(page["body"], "handled /w/credentialed");
    let e = w.one("credentialed");
    assert_eq!(e.req("origin"), Some(w.app.as_str()));
    // A credentialed fetch resolves only with both headers; the page
    // cannot read the second one itself.
    for name in ["access-control-allow-origin", "access-control-allow-credentials"] {
        assert!(e.resp.iter().any(|h| h == name), "{name}: {e:?}");
    }
    assert_eq!(w.handled("credentialed"), 1);
}

/// The page navigating itself to the api: a top-level GET, passed.
fn top_level_navigation_get_passes(run: &Run) {
    let w = writes(run);
    let e = w.one("navigation");
    assert_eq!((e.method.as_str(), e.status), ("GET", Some(200)), "{w:#?}");
    assert_eq!(w.handled("navigation"), 1);
}

/// What each engine sends as `Sec-Fetch-Site` (and `Sec-Fetch-Mode`) on
/// these requests, pinned: the guard decides by it before `Origin`.
fn sec_fetch_site_is_what_each_engine_sends(run: &Run) {
    let w = writes(run);
    for (id, site, mode) in [
        ("cross_site_form", "cross-site", "navigate"),
        ("no_cors", "cross-site", "no-cors"),
        ("no_referrer_form", "cross-site", "navigate"),
        ("same_origin_form", "same-origin", "navigate"),
        ("credentialed", "cross-site", "cors"),
        ("navigation", "cross-site", "navigate"),
    ] {
        let e = w.one(id);
        let sent = (e.req("sec-fetch-site"), e.req("sec-fetch-mode"));
        assert_eq!(sent, (Some(site), Some(mode)), "{:?} {id}: {:?}", run.engine, e.req);
    }
}

checks![
    cross_site_form_post_is_refused_and_the_handler_never_runs,
    no_cors_fetch_post_is_refused_and_the_handler_never_runs,
    no_referrer_form_post_sends_null_and_is_refused,
    same_origin_form_post_passes,
    credentialed_fetch_from_allowed_origin_passes_and_reads_the_response,
    top_level_navigation_get_passes,
    sec_fetch_site_is_what_each_engine_sends,
];
