//! Mechanics of the real-browser suite: what a scenario is, the browser
//! session that runs them all, what it collected, and the one session per
//! engine shared by every test of the binary ([`shared_run`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::{middleware, Router};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::engine::{Engine, Launcher};
use crate::servers::{bind, inner_handler, outer_recorder, page_app, serve, ws_echo, ServerCtx};
pub use crate::servers::{Entry, Log};

/// One browsing context (origin) that runs scenarios. `Upper` is loaded as
/// `http://APP.LOCALHOST:PA` (the browser lower-cases it); `Sandboxed` is an
/// `<iframe sandbox="allow-scripts">`, origin `null`; `Api` is the
/// `writes` api server's own origin (it serves the frame page too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frame {
    Top,
    OtherPort,
    Sub,
    DeepSub,
    SubOtherPort,
    LookAlike,
    Upper,
    Sandboxed,
    Api,
}

/// Each frame, in the order they run: its name, host, and the server whose
/// port it is on (see [`Env::port`]).
#[rustfmt::skip]
const FRAMES: [(Frame, &str, &str, &str); 9] = [
    (Frame::Top, "top", "app.localhost", "app"), (Frame::OtherPort, "other_port", "app.localhost", "app2"),
    (Frame::Sub, "sub", "x.app.localhost", "app"), (Frame::DeepSub, "deep_sub", "y.x.app.localhost", "app"),
    (Frame::SubOtherPort, "sub_other_port", "x.app.localhost", "app2"),
    (Frame::LookAlike, "look_alike", "evilapp.localhost", "app"), (Frame::Upper, "upper", "APP.LOCALHOST", "app"),
    (Frame::Sandboxed, "sandboxed", "app.localhost", "app"), (Frame::Api, "api", "api.localhost", "writes"),
];

impl Frame {
    fn at(self) -> (&'static str, &'static str, &'static str) {
        let &(_, name, host, server) = FRAMES.iter().find(|f| f.0 == self).expect("every frame");
        (name, host, server)
    }
    pub fn name(self) -> &'static str {
        self.at().0
    }
    fn base(self, env: &Env) -> String {
        let (_, host, server) = self.at();
        format!("http://{host}:{}", env.port(server))
    }
    /// The URL of its document in an iframe.
    pub fn url(self, env: &Env) -> String {
        format!("{}/frame/{}", self.base(env), self.name())
    }
    pub fn origin(self, env: &Env) -> String {
        match self {
            Frame::Sandboxed => "null".to_owned(),
            _ => self.base(env).to_ascii_lowercase(),
        }
    }
}

/// One scenario: what the page does (optionally repeated) from one frame.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: &'static str,
    pub frame: Frame,
    pub server: &'static str,
    /// Appended to the path, e.g. `?status=500`.
    pub query: &'static str,
    /// The `fetch()` init dictionary.
    pub init: Value,
    /// Response headers to read with `response.headers.get`.
    pub read: &'static [&'static str],
    pub repeat: u32,
    /// Override of the path (default `/s/<id>`), for scenarios sharing a URL.
    pub path: &'static str,
    /// What the page does (see `RUNNER_JS`): `fetch`, `websocket` (on
    /// `/ws/<id>`, the api servers' echo route), `form` (a form POST into a
    /// new frame) or `navigate` (the top page goes there once it reported).
    pub kind: &'static str,
}

/// `Scenario::field(value)` sets `field`.
macro_rules! setters {
    ($($field:ident: $ty:ty),*) => { $(pub fn $field(self, $field: $ty) -> Self { Scenario { $field, ..self } })* };
}

impl Scenario {
    #[rustfmt::skip]
    pub fn new(id: &'static str, frame: Frame, server: &'static str) -> Self {
        Scenario { id, frame, server, query: "", init: json!({}), read: &[], repeat: 1, path: "", kind: "fetch" }
    }
    setters!(kind: &'static str, init: Value, query: &'static str, read: &'static [&'static str],
        repeat: u32, path: &'static str);
    pub fn path_str(&self) -> String {
        match (self.path, self.kind) {
            ("", "websocket") => format!("/ws/{}", self.id),
            ("", _) => format!("/s/{}", self.id),
            (p, _) => p.to_owned(),
        }
    }
}

/// The ports, by server: `app` (the page), `app2` (same hosts, other port)
/// and each api server.
pub struct Env(BTreeMap<String, u16>);

impl Env {
    pub fn port(&self, server: &str) -> u16 {
        *self.0.get(server).unwrap_or_else(|| panic!("no server {server}"))
    }
    pub fn api_base(&self, server: &str) -> String {
        format!("http://api.localhost:{}", self.port(server))
    }
}

/// A policy under test: wraps the api router in a CORS layer.
pub type Wrap = Box<dyn FnOnce(Router) -> Router + Send>;

/// One `fetch()` as the page saw it.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// The fetch resolved (false: it rejected, e.g. TypeError: Failed to fetch).
    pub ok: bool,
    pub error: Option<String>,
    pub status: Option<u16>,
    /// `response.headers.get(name)` for each name of the scenario's `read`.
    pub headers: BTreeMap<String, Option<String>>,
    /// Header names the page could enumerate.
    pub names: Vec<String>,
    pub body: Option<String>,
}

impl Attempt {
    pub fn header(&self, name: &str) -> Option<&str> {
        let unread = || panic!("header {name} was not read by the page; add it to `read`");
        self.headers.get(name).unwrap_or_else(unread).as_deref()
    }
}

pub struct Run {
    pub engine: Engine,
    pub console: Vec<String>,
    pub env: Env,
    pub scenarios: BTreeMap<&'static str, Scenario>,
    pub results: HashMap<String, Vec<Attempt>>,
    pub log: Vec<Entry>,
    /// Wall time of the browser session (for `BROWSER_SUITE_DUMP`).
    pub elapsed: Duration,
}

impl Run {
    pub fn scenario(&self, id: &str) -> &Scenario {
        self.scenarios.get(id).unwrap_or_else(|| panic!("no scenario {id}"))
    }
    pub fn attempts(&self, id: &str) -> &[Attempt] {
        let a = self.results.get(id).unwrap_or_else(|| panic!("scenario {id} produced no result"));
        assert_eq!(a.len(), self.scenario(id).repeat as usize, "attempts of {id}: {a:?}");
        a
    }
    pub fn attempt(&self, id: &str) -> &Attempt {
        &self.attempts(id)[0]
    }
    /// Log entries for a scenario's server and path, in arrival order, that
    /// pass `keep`.
    fn log(&self, id: &str, keep: impl Fn(&Entry) -> bool) -> Vec<&Entry> {
        let (s, path) = (self.scenario(id), self.scenario(id).path_str());
        self.log.iter().filter(|e| e.server == s.server && e.path == path && keep(e)).collect()
    }
    pub fn preflights(&self, id: &str) -> Vec<&Entry> {
        self.log(id, |e| e.outer() && e.is_preflight())
    }
    pub fn handled(&self, id: &str) -> Vec<&Entry> {
        self.log(id, |e| !e.outer())
    }
    /// The requests that are not preflights, as they left the server.
    pub fn actual(&self, id: &str) -> Vec<&Entry> {
        self.log(id, |e| e.outer() && !e.is_preflight())
    }
    /// The console messages naming a scenario's URL (the engines name it in
    /// every CORS error they print), not a longer path that starts with it.
    pub fn console(&self, id: &str) -> Vec<&str> {
        let s = self.scenario(id);
        let url = format!("{}{}", self.env.api_base(s.server), s.path_str());
        let id_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let names_url = |l: &&String| {
            l.match_indices(&url).any(|(at, _)| !l[at + url.len()..].starts_with(id_char))
        };
        self.console.iter().filter(names_url).map(String::as_str).collect()
    }
    /// The origin of the page that ran scenario `id`.
    pub fn page_origin(&self, id: &str) -> String {
        self.scenario(id).frame.origin(&self.env)
    }
    pub fn explain(&self, id: &str) -> String {
        let log: String = self.log(id, |_| true).iter().map(|e| format!("  {e:?}\n")).collect();
        let (scenario, result) = (self.scenario(id), self.results.get(id));
        format!("scenario {id}: {scenario:?}\nresult: {result:?}\nlog:\n{log}")
    }
}

/// How long one engine's session may take: the engines run side by side on
/// a small machine; a session normally takes seconds.
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

/// Serves the suite, opens the page in `launcher`'s engine and collects
/// what the page and the servers saw.
async fn run_browser(launcher: Launcher) -> Result<Run, String> {
    let (engine, started, log) = (launcher.engine, Instant::now(), Log::default());
    let ((app_l, app_port), (app2_l, app2_port)) = (bind().await?, bind().await?);
    let mut env = Env([("app".to_owned(), app_port), ("app2".to_owned(), app2_port)].into());
    let mut api = Vec::new();
    for (name, wrap) in crate::servers(&env) {
        let (listener, port) = bind().await?;
        env.0.insert(name.to_owned(), port);
        api.push((name, wrap, listener));
    }

    let mut by_frame: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut table = BTreeMap::new();
    let mut navigate = None;
    for s in crate::scenarios() {
        let url = format!("{}{}{}", env.api_base(s.server), s.path_str(), s.query);
        let url = if s.kind == "websocket" { url.replacen("http://", "ws://", 1) } else { url };
        if s.kind == "navigate" {
            navigate = Some((s.path_str(), url.clone()));
        }
        by_frame.entry(s.frame.name()).or_default().push(json!({
            "id": s.id, "kind": s.kind, "url": url, "init": s.init, "read": s.read, "repeat": s.repeat,
        }));
        if let Some(s) = table.insert(s.id, s) {
            return Err(format!("duplicate scenario id {}", s.id));
        }
    }
    let frames: Vec<Value> = FRAMES
        .iter()
        .map(|f| f.0)
        .filter(|f| *f != Frame::Top && by_frame.contains_key(f.name()))
        .map(|f| json!({ "name": f.name(), "url": f.url(&env), "sandbox": f == Frame::Sandboxed }))
        .collect();
    let expected: Vec<&str> =
        std::iter::once("top").chain(frames.iter().map(|f| f["name"].as_str().unwrap())).collect();
    let navigate_url = navigate.as_ref().map(|(_, url)| url);
    let config = json!({ "frames": frames, "scenarios": by_frame, "navigate": navigate_url });
    let (tx, mut rx) = mpsc::unbounded_channel();
    let page = page_app(&config, tx);

    // Api servers: inner handler, CORS layer (the policy), the frame pages
    // (outside the layer), outer recorder.
    for (name, wrap, listener) in api {
        let ctx = ServerCtx { name: name.to_owned(), log: log.clone() };
        let inner = Router::new()
            .route("/ws/{id}", axum::routing::get(ws_echo))
            .fallback(inner_handler)
            .with_state(ctx.clone());
        let outer = middleware::from_fn_with_state(ctx, outer_recorder);
        tokio::spawn(serve(listener, wrap(inner).merge(page.clone()).layer(outer)));
    }
    tokio::spawn(serve(app_l, page.clone()));
    tokio::spawn(serve(app2_l, page));

    let url = format!("{}/", Frame::Top.origin(&env));
    let mut browser = launcher.launch(&url)?;
    let (mut relaunched, mut done) = (false, false);
    let mut per_frame: HashMap<String, Value> = HashMap::new();
    // After its report, the top page navigates to the `navigate` scenario.
    let navigated = |log: &Log| {
        navigate.iter().all(|(path, _)| log.lock().unwrap().iter().any(|e| &e.path == path))
    };
    let deadline = Instant::now() + RUN_TIMEOUT;
    while !done || !navigated(&log) {
        if let Ok(report) = tokio::time::timeout(Duration::from_millis(250), rx.recv()).await {
            let body = report.ok_or("report channel closed")?;
            let v: Value =
                serde_json::from_str(&body).map_err(|e| format!("bad report {body:?}: {e}"))?;
            done |= v.get("done").is_some();
            if let Some(frame) = v["frame"].as_str() {
                per_frame.insert(frame.to_owned(), v["results"].clone());
            }
        } else if let Some(status) = browser.exited() {
            // A browser that died before loading anything (say, its virtual X
            // server lost a race for a display number) gets one more chance;
            // one that ran part of the page does not.
            let (tail, served) = (browser.log_tail(), !log.lock().unwrap().is_empty());
            if relaunched || served || !per_frame.is_empty() {
                return Err(format!("{engine:?} exited before reporting ({status}):\n{tail}"));
            }
            eprintln!("{engine:?} exited at start ({status}), starting it again:\n{tail}");
            relaunched = true;
            browser = launcher.launch(&url)?;
        } else if Instant::now() >= deadline {
            let missing: Vec<_> =
                expected.iter().filter(|f| !per_frame.contains_key(**f)).collect();
            let (why, tail) =
                (format!("frames missing: {missing:?} (done: {done})"), browser.log_tail());
            return Err(format!("no complete report in {RUN_TIMEOUT:?}; {why}:\n{tail}"));
        }
    }
    // The page reported "done" after its last fetch settled, so every
    // console message of the run is in the log by now.
    let console = console_lines(engine, &browser.log());
    drop(browser);

    let mut results = HashMap::new();
    for frame in expected {
        let r = per_frame.get(frame).ok_or_else(|| format!("frame {frame} sent no report"))?;
        let arr = r.as_array().ok_or_else(|| format!("frame {frame} failed: {r}"))?;
        for item in arr {
            let attempts = item["attempts"].as_array().into_iter().flatten().map(parse_attempt);
            results.insert(item["id"].as_str().unwrap_or("?").to_owned(), attempts.collect());
        }
    }
    let (log, elapsed) = (log.lock().unwrap().clone(), started.elapsed());
    Ok(Run { engine, console, env, scenarios: table, results, log, elapsed })
}

fn parse_attempt(v: &Value) -> Attempt {
    let (s, headers) = (|v: &Value| v.as_str().map(str::to_owned), v["headers"].as_object());
    Attempt {
        ok: v["ok"] == true,
        error: s(&v["error"]),
        status: v["status"].as_u64().map(|n| n as u16),
        headers: headers.into_iter().flatten().map(|(k, v)| (k.clone(), s(v))).collect(),
        names: v["names"].as_array().into_iter().flatten().filter_map(s).collect(),
        body: s(&v["body"]),
    }
}

/// The console messages in an engine's log. Chromium prints each as
/// `[...:INFO:CONSOLE:N] "message", source: URL (line)`; MiniBrowser as
/// `CONSOLE <SOURCE> <LEVEL> message`, a CORS refusal as two lines (the
/// reason, then "Fetch API cannot load URL …"), joined here. Firefox sends
/// CORS errors to the web console only: just console API messages naming a URL.
fn console_lines(engine: Engine, log: &str) -> Vec<String> {
    let (mut out, mut reason) = (Vec::new(), None);
    for l in log.lines() {
        let msg = match engine {
            Engine::Chromium if l.contains(":INFO:CONSOLE") => l
                .split_once("] \"")
                .map(|(_, m)| m.rsplit_once("\", source: ").map_or(m, |(m, _)| m)),
            Engine::Chromium => None,
            Engine::WebKit => l.strip_prefix("CONSOLE "),
            Engine::Firefox => l.strip_prefix("console.").filter(|_| l.contains("http://")),
        };
        match msg {
            Some(m) if engine == Engine::WebKit && m.starts_with("SECURITY ERROR ") => {
                reason = Some(m)
            }
            Some(m) => out.push(reason.take().map_or(m.to_owned(), |r| format!("{m} [{r}]"))),
            None => {}
        }
    }
    out.extend(reason.map(str::to_owned));
    out
}

static RUNS: [OnceLock<Result<Run, String>>; 3] = [const { OnceLock::new() }; 3];

/// The run of `launcher`'s engine shared by all tests of this binary: the
/// first caller starts it (on a runtime of its own, dropped with the servers
/// once the browser reported), the others wait for it. A failed run fails
/// every test of that engine (the error is printed once).
pub fn shared_run(launcher: &Launcher) -> Result<&'static Run, String> {
    let engine = launcher.engine;
    let launcher = launcher.clone();
    let r = RUNS[engine as usize].get_or_init(|| {
        let r = std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
            rt.map_err(|e| e.to_string())?.block_on(run_browser(launcher))
        })
        .join()
        .unwrap_or_else(|p| Err(format!("browser run panicked: {p:?}")));
        match &r {
            // `BROWSER_SUITE_DUMP=1`: what the page and the wire saw, per scenario.
            Ok(run) if std::env::var_os("BROWSER_SUITE_DUMP").is_some() => {
                let all: String = run.scenarios.keys().map(|id| run.explain(id) + "\n").collect();
                eprintln!("{engine:?} session: {:?}\n{all}", run.elapsed);
            }
            Ok(_) => {}
            Err(e) => eprintln!("{engine:?} run failed: {e}"),
        }
        r
    });
    r.as_ref().map_err(|_| format!("the {engine:?} run failed (its error is printed above)"))
}
