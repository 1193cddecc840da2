//! Mechanics of the real-browser suite: loopback servers, a recording log,
//! the page that runs the fetches, and one headless Chromium launch.
//!
//! Everything runs once per test binary (see [`shared_run`]): the named tests
//! in `tests/browser.rs` only look up the outcome of their own scenario.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The single line printed when the browser is missing outside CI.
pub const SKIP_LINE: &str =
    "browser tests skipped: Chromium not found; install it with apt-get install chromium";

/// How long the whole browser session may take before the run is a failure.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

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
        self.resp
            .keys()
            .filter(|k| k.starts_with("access-control-"))
            .map(String::as_str)
            .collect()
    }
}

type Log = Arc<Mutex<Vec<Entry>>>;

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
struct ServerCtx {
    name: String,
    log: Log,
}

/// Outermost middleware of every api server: logs each request the browser
/// sent (preflights included) together with the final response.
async fn outer_recorder(State(ctx): State<ServerCtx>, req: Request, next: Next) -> Response<Body> {
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
/// `vary=VALUE` (sets its own `Vary`),
/// `cache=1` (`Cache-Control: max-age=600`).
async fn inner_handler(State(ctx): State<ServerCtx>, req: Request) -> Response<Body> {
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
    if let Some(v) = query.get("vary") {
        resp = resp.header(header::VARY, v.as_str());
    }
    if query.contains_key("cache") {
        resp = resp.header(header::CACHE_CONTROL, "max-age=600");
    }
    resp.body(Body::from(format!("{} {} {}", ctx.name, method, path)))
        .unwrap()
}

// ---------------------------------------------------------------------------
// Scenario description (what the page does)
// ---------------------------------------------------------------------------

/// One browsing context (origin) that runs fetches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frame {
    /// The top-level page, `http://app.localhost:PA`.
    Top,
    /// `http://app.localhost:PB`: same host, other port.
    OtherPort,
    /// `http://x.app.localhost:PA`.
    Sub,
    /// `http://y.x.app.localhost:PA`.
    DeepSub,
    /// `http://x.app.localhost:PB`.
    SubOtherPort,
    /// `http://evilapp.localhost:PA`, a look-alike of app.localhost.
    LookAlike,
    /// Loaded as `http://APP.LOCALHOST:PA` (the browser lower-cases it).
    Upper,
    /// `<iframe sandbox="allow-scripts" srcdoc=...>` inside the top page:
    /// an opaque origin, serialised as `null`.
    Sandboxed,
}

impl Frame {
    pub const ALL: [Frame; 8] = [
        Frame::Top,
        Frame::OtherPort,
        Frame::Sub,
        Frame::DeepSub,
        Frame::SubOtherPort,
        Frame::LookAlike,
        Frame::Upper,
        Frame::Sandboxed,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Frame::Top => "top",
            Frame::OtherPort => "other_port",
            Frame::Sub => "sub",
            Frame::DeepSub => "deep_sub",
            Frame::SubOtherPort => "sub_other_port",
            Frame::LookAlike => "look_alike",
            Frame::Upper => "upper",
            Frame::Sandboxed => "sandboxed",
        }
    }
    /// The URL the frame document is loaded from (None for srcdoc).
    fn url(self, env: &Env) -> Option<String> {
        let (a, b) = (env.app_port, env.app2_port);
        let name = self.name();
        Some(match self {
            Frame::Top => return None,
            Frame::Sandboxed => return None,
            Frame::OtherPort => format!("http://app.localhost:{b}/frame/{name}"),
            Frame::Sub => format!("http://x.app.localhost:{a}/frame/{name}"),
            Frame::DeepSub => format!("http://y.x.app.localhost:{a}/frame/{name}"),
            Frame::SubOtherPort => format!("http://x.app.localhost:{b}/frame/{name}"),
            Frame::LookAlike => format!("http://evilapp.localhost:{a}/frame/{name}"),
            Frame::Upper => format!("http://APP.LOCALHOST:{a}/frame/{name}"),
        })
    }
    /// The serialised origin the browser will send from this frame.
    pub fn origin(self, env: &Env) -> String {
        let (a, b) = (env.app_port, env.app2_port);
        match self {
            Frame::Top | Frame::Upper => format!("http://app.localhost:{a}"),
            Frame::OtherPort => format!("http://app.localhost:{b}"),
            Frame::Sub => format!("http://x.app.localhost:{a}"),
            Frame::DeepSub => format!("http://y.x.app.localhost:{a}"),
            Frame::SubOtherPort => format!("http://x.app.localhost:{b}"),
            Frame::LookAlike => format!("http://evilapp.localhost:{a}"),
            Frame::Sandboxed => "null".to_owned(),
        }
    }
}

/// One scenario: a fetch (optionally repeated) run from one frame.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: &'static str,
    pub frame: Frame,
    /// The api server (policy) name the request goes to.
    pub server: &'static str,
    /// Appended to `/s/<id>`, e.g. `?status=500`.
    pub query: &'static str,
    /// The `fetch()` init dictionary.
    pub init: Value,
    /// Response headers to read with `response.headers.get`.
    pub read: &'static [&'static str],
    /// How many times to run the fetch, one after the other.
    pub repeat: u32,
    /// Override of the path (default `/s/<id>`), for scenarios sharing a URL.
    pub path: Option<&'static str>,
}

impl Scenario {
    pub fn new(id: &'static str, frame: Frame, server: &'static str) -> Self {
        Scenario {
            id,
            frame,
            server,
            query: "",
            init: json!({}),
            read: &[],
            repeat: 1,
            path: None,
        }
    }
    pub fn init(mut self, init: Value) -> Self {
        self.init = init;
        self
    }
    pub fn query(mut self, q: &'static str) -> Self {
        self.query = q;
        self
    }
    pub fn read(mut self, r: &'static [&'static str]) -> Self {
        self.read = r;
        self
    }
    pub fn repeat(mut self, n: u32) -> Self {
        self.repeat = n;
        self
    }
    pub fn path(mut self, p: &'static str) -> Self {
        self.path = Some(p);
        self
    }
    pub fn path_str(&self) -> String {
        match self.path {
            Some(p) => p.to_owned(),
            None => format!("/s/{}", self.id),
        }
    }
}

/// Addresses known once the servers are bound.
#[derive(Clone, Debug)]
pub struct Env {
    /// Port of the app server (top page, most frames).
    pub app_port: u16,
    /// Port of the second app server (same hosts, other port).
    pub app2_port: u16,
    /// Api servers: name -> port.
    pub api_ports: BTreeMap<String, u16>,
}

impl Env {
    /// `http://app.localhost:PA`
    pub fn app_origin(&self) -> String {
        format!("http://app.localhost:{}", self.app_port)
    }
    pub fn api_base(&self, server: &str) -> String {
        let port = self
            .api_ports
            .get(server)
            .unwrap_or_else(|| panic!("no api server named {server}"));
        format!("http://api.localhost:{port}")
    }
}

/// A policy under test: wraps the api router (inner handler) in a CORS layer.
pub type Wrap = Box<dyn FnOnce(Router) -> Router + Send>;

/// What the suite provides: named api servers (built once ports are known)
/// and the scenarios.
pub struct Suite {
    pub servers: fn(&Env) -> Vec<(&'static str, Wrap)>,
    pub scenarios: fn(&Env) -> Vec<Scenario>,
    /// Names of the api servers, known before binding.
    pub server_names: &'static [&'static str],
}

// ---------------------------------------------------------------------------
// Outcome
// ---------------------------------------------------------------------------

/// One `fetch()` as the page saw it.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The fetch resolved (false: it rejected, e.g. TypeError: Failed to fetch).
    pub ok: bool,
    pub error: Option<String>,
    pub status: Option<u16>,
    /// `response.headers.get(name)` for each requested name.
    pub headers: BTreeMap<String, Option<String>>,
    /// Header names the page could enumerate.
    pub names: Vec<String>,
    pub body: Option<String>,
}

impl Attempt {
    /// `response.headers.get(name)` (the name must be in the scenario's `read`).
    pub fn header(&self, name: &str) -> Option<&str> {
        match self.headers.get(name) {
            Some(v) => v.as_deref(),
            None => panic!("header {name} was not read by the page; add it to `read`"),
        }
    }
}

pub struct Run {
    pub env: Env,
    pub scenarios: HashMap<&'static str, Scenario>,
    pub results: HashMap<String, Vec<Attempt>>,
    pub log: Vec<Entry>,
    /// Wall time of the browser session (handy when debugging).
    #[allow(dead_code)]
    pub elapsed: Duration,
}

impl Run {
    pub fn scenario(&self, id: &str) -> &Scenario {
        self.scenarios
            .get(id)
            .unwrap_or_else(|| panic!("no scenario {id}"))
    }
    pub fn attempts(&self, id: &str) -> &[Attempt] {
        let s = self.scenario(id);
        let a = self
            .results
            .get(id)
            .unwrap_or_else(|| panic!("scenario {id} produced no result"));
        assert_eq!(a.len(), s.repeat as usize, "attempts of {id}: {a:?}");
        a
    }
    /// The single attempt of a scenario.
    pub fn attempt(&self, id: &str) -> &Attempt {
        &self.attempts(id)[0]
    }
    /// Log entries for a scenario's server and path, in arrival order.
    pub fn log(&self, id: &str, seen: Seen) -> Vec<&Entry> {
        let s = self.scenario(id);
        let path = s.path_str();
        self.log
            .iter()
            .filter(|e| e.server == s.server && e.path == path && e.seen == seen)
            .collect()
    }
    /// Preflights the browser sent for a scenario (outer log).
    pub fn preflights(&self, id: &str) -> Vec<&Entry> {
        self.log(id, Seen::Outer)
            .into_iter()
            .filter(|e| e.is_preflight())
            .collect()
    }
    /// Requests the application handler received for a scenario.
    pub fn handled(&self, id: &str) -> Vec<&Entry> {
        self.log(id, Seen::Inner)
    }
    /// Outer entries that are not preflights (the actual requests).
    pub fn actual(&self, id: &str) -> Vec<&Entry> {
        self.log(id, Seen::Outer)
            .into_iter()
            .filter(|e| !e.is_preflight())
            .collect()
    }
    pub fn origin(&self, frame: Frame) -> String {
        frame.origin(&self.env)
    }
    /// Everything known about a scenario, for assertion messages.
    pub fn explain(&self, id: &str) -> String {
        format!(
            "scenario {id}: {:?}\nresult: {:?}\nlog:\n{}",
            self.scenario(id),
            self.results.get(id),
            self.log(id, Seen::Outer)
                .iter()
                .chain(self.log(id, Seen::Inner).iter())
                .map(|e| format!("  {e:?}\n"))
                .collect::<String>()
        )
    }
}

// ---------------------------------------------------------------------------
// The shared run
// ---------------------------------------------------------------------------

static RUN: OnceLock<Result<Option<Run>, String>> = OnceLock::new();

/// The browser run shared by all tests of this binary. `None`: no browser
/// here and not in CI (the skip line has been printed once).
pub fn shared_run(suite: &Suite) -> Option<&'static Run> {
    let r = RUN.get_or_init(|| {
        let browser = match find_chromium() {
            Some(b) => b,
            None => {
                if std::env::var_os("CI").is_some() {
                    return Err(
                        "Chromium not found and CI is set: install it with apt-get install \
                                chromium (or point CHROMIUM at the binary)"
                            .to_owned(),
                    );
                }
                // Straight to the process's stderr, past libtest's capture.
                let _ = writeln!(std::io::stderr(), "{SKIP_LINE}");
                return Ok(None);
            }
        };
        let servers = suite.servers;
        let scenarios = suite.scenarios;
        let names = suite.server_names;
        // A dedicated runtime on its own thread; it is dropped (servers and
        // all) once the browser has reported.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(run_browser(browser, names, servers, scenarios))
        })
        .join()
        .unwrap_or_else(|p| Err(format!("browser run panicked: {p:?}")))
        .map(Some)
    });
    match r {
        Ok(run) => {
            if let Some(run) = run {
                dump_once(run);
            }
            run.as_ref()
        }
        Err(e) => panic!("browser run failed: {e}"),
    }
}

/// With `BROWSER_SUITE_DUMP=1`, print a one-screen summary of every
/// scenario (outcome, and status plus CORS headers of each request on the
/// wire) to stderr, once.
fn dump_once(run: &Run) {
    static DUMPED: OnceLock<()> = OnceLock::new();
    if std::env::var_os("BROWSER_SUITE_DUMP").is_none() || DUMPED.set(()).is_err() {
        return;
    }
    let mut out = format!("browser session: {:?}\n", run.elapsed);
    let mut ids: Vec<&&str> = run.scenarios.keys().collect();
    ids.sort();
    for id in ids {
        let s = &run.scenarios[*id];
        out += &format!("{id} [{} -> {}]\n", s.frame.name(), s.server);
        for a in run.results.get(*id).into_iter().flatten() {
            match &a.error {
                Some(e) => out += &format!("  page: {e}\n"),
                None => out += &format!("  page: {:?} {:?}\n", a.status, a.headers),
            }
        }
        for e in run.log(id, Seen::Outer) {
            let pick = |m: &BTreeMap<String, String>, pre: &str| -> Vec<String> {
                m.iter()
                    .filter(|(k, _)| k.starts_with(pre) || *k == "origin" || *k == "vary")
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect()
            };
            out += &format!(
                "  wire: {} {:?} req {:?} resp {:?}\n",
                e.method,
                e.status,
                pick(&e.req, "access-control-"),
                pick(&e.resp, "access-control-")
            );
        }
        out += &format!(
            "  handler saw: {:?}\n",
            run.log(id, Seen::Inner)
                .iter()
                .map(|e| &e.method)
                .collect::<Vec<_>>()
        );
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .collect();
    for name in ["chromium", "chromium-browser"] {
        for d in &dirs {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

#[derive(Clone)]
struct AppCtx {
    config: Arc<Value>,
    reports: mpsc::UnboundedSender<String>,
}

const RUNNER_JS: &str = r#"
async function runOne(s) {
  const attempts = [];
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

async fn serve(listener: TcpListener, router: Router) {
    let _ = axum::serve(listener, router).await;
}

async fn bind() -> Result<(TcpListener, u16), String> {
    let l = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let port = l.local_addr().map_err(|e| e.to_string())?.port();
    Ok((l, port))
}

/// Kills Chromium's whole process group on drop (also on panic).
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    fn signal_group(&self, sig: &str) {
        let _ = Command::new("kill")
            .arg(sig)
            .arg("--")
            .arg(format!("-{}", self.child.id()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.signal_group("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() >= deadline => {
                    self.signal_group("-KILL");
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        // Stragglers of the group, if any.
        self.signal_group("-KILL");
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn launch(browser: &PathBuf, url: &str) -> Result<Browser, String> {
    use std::os::unix::process::CommandExt as _;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let profile =
        std::env::temp_dir().join(format!("tower-cors-browser-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&profile).map_err(|e| format!("profile dir: {e}"))?;
    let log = std::fs::File::create(profile.join("chromium.log"))
        .map_err(|e| format!("chromium log: {e}"))?;
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.join("profile").display()
        ))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", browser.display()))?;
    Ok(Browser { child, profile })
}

fn chromium_log_tail(b: &Browser) -> String {
    let text = std::fs::read_to_string(b.profile.join("chromium.log")).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("dbus") && !l.contains("DBus"))
        .collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

async fn run_browser(
    browser: PathBuf,
    names: &'static [&'static str],
    servers: fn(&Env) -> Vec<(&'static str, Wrap)>,
    scenarios: fn(&Env) -> Vec<Scenario>,
) -> Result<Run, String> {
    let started = Instant::now();
    let log: Log = Arc::default();

    let (app_l, app_port) = bind().await?;
    let (app2_l, app2_port) = bind().await?;
    let mut api_listeners = Vec::new();
    let mut api_ports = BTreeMap::new();
    for name in names {
        let (l, p) = bind().await?;
        api_ports.insert((*name).to_owned(), p);
        api_listeners.push((*name, l));
    }
    let env = Env {
        app_port,
        app2_port,
        api_ports,
    };

    // Api servers: inner handler, CORS layer (the policy), outer recorder.
    let mut wraps: HashMap<&'static str, Wrap> = servers(&env).into_iter().collect();
    for (name, listener) in api_listeners {
        let wrap = wraps
            .remove(name)
            .ok_or_else(|| format!("server {name} has no policy"))?;
        let ctx = ServerCtx {
            name: name.to_owned(),
            log: log.clone(),
        };
        let inner = Router::new()
            .fallback(inner_handler)
            .with_state(ctx.clone());
        let router = wrap(inner).layer(middleware::from_fn_with_state(ctx, outer_recorder));
        tokio::spawn(serve(listener, router));
    }
    if let Some(extra) = wraps.keys().next() {
        return Err(format!("policy {extra} is not in server_names"));
    }

    // The page's configuration.
    let list = scenarios(&env);
    let mut by_frame: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut table = HashMap::new();
    for s in &list {
        let url = format!("{}{}{}", env.api_base(s.server), s.path_str(), s.query);
        by_frame.entry(s.frame.name()).or_default().push(json!({
            "id": s.id,
            "url": url,
            "init": s.init,
            "read": s.read,
            "repeat": s.repeat,
        }));
        if table.insert(s.id, s.clone()).is_some() {
            return Err(format!("duplicate scenario id {}", s.id));
        }
    }
    let frames: Vec<Value> = Frame::ALL
        .iter()
        .filter(|f| **f != Frame::Top && by_frame.contains_key(f.name()))
        .map(|f| json!({ "name": f.name(), "url": f.url(&env), "sandbox": *f == Frame::Sandboxed }))
        .collect();
    let expected: Vec<String> = std::iter::once("top".to_owned())
        .chain(
            frames
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_owned()),
        )
        .collect();
    let config = Arc::new(json!({ "frames": frames, "scenarios": by_frame }));

    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/", get(top_page))
        .route("/frame/{name}", get(frame_page))
        .route("/report", post(report))
        .with_state(AppCtx {
            config,
            reports: tx,
        });
    tokio::spawn(serve(app_l, app.clone()));
    tokio::spawn(serve(app2_l, app));

    let page = format!("http://app.localhost:{app_port}/");
    let chromium = launch(&browser, &page)?;

    let mut chromium = chromium;
    let mut per_frame: HashMap<String, Value> = HashMap::new();
    let deadline = Instant::now() + RUN_TIMEOUT;
    loop {
        match tokio::time::timeout(Duration::from_millis(250), rx.recv()).await {
            Ok(Some(body)) => {
                let v: Value =
                    serde_json::from_str(&body).map_err(|e| format!("bad report {body:?}: {e}"))?;
                if v.get("done").is_some() {
                    break;
                }
                let frame = v["frame"].as_str().unwrap_or("?").to_owned();
                per_frame.insert(frame, v["results"].clone());
            }
            Ok(None) => return Err("report channel closed".into()),
            Err(_) => {
                if let Ok(Some(status)) = chromium.child.try_wait() {
                    return Err(format!(
                        "Chromium exited before reporting ({status})\nchromium log tail:\n{}",
                        chromium_log_tail(&chromium)
                    ));
                }
                if Instant::now() >= deadline {
                    let missing: Vec<&String> = expected
                        .iter()
                        .filter(|f| !per_frame.contains_key(*f))
                        .collect();
                    return Err(format!(
                        "no complete report within {RUN_TIMEOUT:?}; frames missing: {missing:?}\n\
                         chromium log tail:\n{}",
                        chromium_log_tail(&chromium)
                    ));
                }
            }
        }
    }
    drop(chromium);

    let mut results = HashMap::new();
    for frame in &expected {
        let r = per_frame
            .get(frame)
            .ok_or_else(|| format!("frame {frame} sent no report"))?;
        let arr = r
            .as_array()
            .ok_or_else(|| format!("frame {frame} failed: {r}"))?;
        for item in arr {
            let id = item["id"].as_str().unwrap_or("?").to_owned();
            let attempts = item["attempts"]
                .as_array()
                .map(|a| a.iter().map(parse_attempt).collect())
                .unwrap_or_default();
            results.insert(id, attempts);
        }
    }
    let log = log.lock().unwrap().clone();
    Ok(Run {
        env,
        scenarios: table,
        results,
        log,
        elapsed: started.elapsed(),
    })
}

fn parse_attempt(v: &Value) -> Attempt {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    Attempt {
        ok: v["ok"].as_bool().unwrap_or(false),
        error: s(&v["error"]),
        status: v["status"].as_u64().map(|n| n as u16),
        headers: v["headers"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), s(v))).collect())
            .unwrap_or_default(),
        names: v["names"]
            .as_array()
            .map(|a| a.iter().filter_map(s).collect())
            .unwrap_or_default(),
        body: s(&v["body"]),
    }
}
