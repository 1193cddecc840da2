//! Mechanics of the real-browser suite: what a scenario is, what a run
//! collected, and the one run per engine shared by every test of the binary
//! (see [`shared_run`]); each test only looks up its own scenario.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use serde_json::{json, Value};

use crate::engine::{Engine, Launcher};
pub use crate::servers::{Entry, Seen};
use crate::session::run_browser;

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
    pub fn url(self, env: &Env) -> Option<String> {
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
    /// What the page does: `fetch` (the default) or `websocket` (opens
    /// `new WebSocket(ws://…)`, sends the scenario id, waits for the echo).
    pub kind: &'static str,
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
            kind: "fetch",
        }
    }
    /// A WebSocket scenario on `/ws/<id>`, the api servers' echo route.
    pub fn websocket(mut self) -> Self {
        self.kind = "websocket";
        self
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
        match (self.path, self.kind) {
            (Some(p), _) => p.to_owned(),
            (None, "websocket") => format!("/ws/{}", self.id),
            (None, _) => format!("/s/{}", self.id),
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
        let port =
            self.api_ports.get(server).unwrap_or_else(|| panic!("no api server named {server}"));
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
    /// The engine that ran the page.
    pub engine: Engine,
    /// Console messages the engine printed during the session.
    pub console: Vec<String>,
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
        self.scenarios.get(id).unwrap_or_else(|| panic!("no scenario {id}"))
    }
    pub fn attempts(&self, id: &str) -> &[Attempt] {
        let s = self.scenario(id);
        let a = self.results.get(id).unwrap_or_else(|| panic!("scenario {id} produced no result"));
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
        self.log(id, Seen::Outer).into_iter().filter(|e| e.is_preflight()).collect()
    }
    /// Requests the application handler received for a scenario.
    pub fn handled(&self, id: &str) -> Vec<&Entry> {
        self.log(id, Seen::Inner)
    }
    /// Outer entries that are not preflights (the actual requests).
    pub fn actual(&self, id: &str) -> Vec<&Entry> {
        self.log(id, Seen::Outer).into_iter().filter(|e| !e.is_preflight()).collect()
    }
    /// The console messages about a scenario's request: those naming its
    /// URL (the engines name the URL in every CORS error they print).
    pub fn console(&self, id: &str) -> Vec<&str> {
        let s = self.scenario(id);
        let url = format!("{}{}", self.env.api_base(s.server), s.path_str());
        self.console.iter().filter(|line| names_url(line, &url)).map(String::as_str).collect()
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

/// Whether a console line names `url` itself (not a longer path that merely
/// starts with it).
fn names_url(line: &str, url: &str) -> bool {
    line.match_indices(url).any(|(at, _)| {
        !line[at + url.len()..]
            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

// ---------------------------------------------------------------------------
// The shared runs
// ---------------------------------------------------------------------------

static RUNS: [OnceLock<Result<Run, String>>; 3] =
    [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// The run of `launcher`'s engine shared by all tests of this binary: the
/// first caller starts it, the others wait for it. A failed run fails every
/// test of that engine (the full error is printed once).
pub fn shared_run(suite: &'static Suite, launcher: &Launcher) -> Result<&'static Run, String> {
    let engine = launcher.engine;
    let slot = Engine::ALL.iter().position(|e| *e == engine).expect("known engine");
    let launcher = launcher.clone();
    let r = RUNS[slot].get_or_init(|| {
        // A dedicated runtime on its own thread; it is dropped (servers and
        // all) once the browser has reported.
        let r = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(run_browser(launcher, suite))
        })
        .join()
        .unwrap_or_else(|p| Err(format!("browser run panicked: {p:?}")));
        match &r {
            Ok(run) => dump(run),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "{engine:?} run failed: {e}");
            }
        }
        r
    });
    r.as_ref().map_err(|_| format!("the {engine:?} run failed (its error is printed above)"))
}

/// With `BROWSER_SUITE_DUMP=1`, print a one-screen summary of every
/// scenario (outcome, and status plus CORS headers of each request on the
/// wire) to stderr, once per engine.
fn dump(run: &Run) {
    if std::env::var_os("BROWSER_SUITE_DUMP").is_none() {
        return;
    }
    let mut out = format!("{:?} session: {:?}\n", run.engine, run.elapsed);
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
            run.log(id, Seen::Inner).iter().map(|e| &e.method).collect::<Vec<_>>()
        );
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
}
