//! One browser session: serve the suite on loopback, open the page in one
//! engine, wait for its reports, and collect the outcome.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::middleware;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::engine::{Engine, Launcher};
use crate::harness::{Attempt, Env, Frame, Run, Suite, Wrap};
use crate::page;
use crate::servers::{bind, inner_handler, outer_recorder, serve, ws_echo, Log, ServerCtx};

/// How long one engine's session may take before the run is a failure. The
/// engines run side by side on a small machine, so this is generous; a
/// session normally takes seconds.
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

/// Serves the suite on loopback, opens the page in `launcher`'s engine and
/// collects what the page and the servers saw.
pub async fn run_browser(launcher: Launcher, suite: &Suite) -> Result<Run, String> {
    let engine = launcher.engine;
    let (names, servers, scenarios) = (suite.server_names, suite.servers, suite.scenarios);
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
    let env = Env { app_port, app2_port, api_ports };

    // Api servers: inner handler, CORS layer (the policy), outer recorder.
    let mut wraps: HashMap<&'static str, Wrap> = servers(&env).into_iter().collect();
    for (name, listener) in api_listeners {
        let wrap = wraps.remove(name).ok_or_else(|| format!("server {name} has no policy"))?;
        let ctx = ServerCtx { name: name.to_owned(), log: log.clone() };
        let inner = Router::new()
            .route("/ws/{id}", axum::routing::get(ws_echo))
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
        let mut url = format!("{}{}{}", env.api_base(s.server), s.path_str(), s.query);
        if s.kind == "websocket" {
            url = url.replacen("http://", "ws://", 1);
        }
        by_frame.entry(s.frame.name()).or_default().push(json!({
            "id": s.id,
            "kind": s.kind,
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
        .chain(frames.iter().map(|f| f["name"].as_str().unwrap().to_owned()))
        .collect();
    let config = Arc::new(json!({ "frames": frames, "scenarios": by_frame }));

    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = page::app(config, tx);
    tokio::spawn(serve(app_l, app.clone()));
    tokio::spawn(serve(app2_l, app));

    let page = format!("http://app.localhost:{app_port}/");
    let mut browser = launcher.launch(&page)?;
    let mut relaunched = false;
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
                if let Some(status) = browser.exited() {
                    // A browser that died before loading anything (say, its
                    // virtual X server lost a race for a display number) gets
                    // one more chance; one that ran part of the page does not.
                    if !relaunched && per_frame.is_empty() && log.lock().unwrap().is_empty() {
                        eprintln!(
                            "{engine:?} exited at start ({status}), starting it again; log tail:\n{}",
                            browser.log_tail()
                        );
                        relaunched = true;
                        browser = launcher.launch(&page)?;
                        continue;
                    }
                    return Err(format!(
                        "{engine:?} exited before reporting ({status})\nlog tail:\n{}",
                        browser.log_tail()
                    ));
                }
                if Instant::now() >= deadline {
                    let missing: Vec<&String> =
                        expected.iter().filter(|f| !per_frame.contains_key(*f)).collect();
                    return Err(format!(
                        "no complete report within {RUN_TIMEOUT:?}; frames missing: {missing:?}\n\
                         log tail:\n{}",
                        browser.log_tail()
                    ));
                }
            }
        }
    }
    // The page reported "done" after its last fetch settled, so every
    // console message of the run is in the log by now.
    let console = console_lines(engine, &browser.log());
    drop(browser);

    let mut results = HashMap::new();
    for frame in &expected {
        let r = per_frame.get(frame).ok_or_else(|| format!("frame {frame} sent no report"))?;
        let arr = r.as_array().ok_or_else(|| format!("frame {frame} failed: {r}"))?;
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
    Ok(Run { engine, console, env, scenarios: table, results, log, elapsed: started.elapsed() })
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
        names: v["names"].as_array().map(|a| a.iter().filter_map(s).collect()).unwrap_or_default(),
        body: s(&v["body"]),
    }
}

/// The console messages in an engine's log, one message per entry.
///
/// Chromium (`--enable-logging=stderr`) prints each as
/// `[...:INFO:CONSOLE:N] "message", source: URL (line)`. WebKitGTK's
/// MiniBrowser prints `CONSOLE <SOURCE> <LEVEL> message`, a CORS refusal as
/// two lines: the reason (without the URL), then "Fetch API cannot load URL
/// …"; they are joined into one message. Firefox sends CORS errors to the web
/// console only, never to stdout or stderr: its list holds only console API
/// messages (`console.log: …`) that name a URL.
fn console_lines(engine: Engine, log: &str) -> Vec<String> {
    match engine {
        Engine::Chromium => log
            .lines()
            .filter(|l| l.contains(":INFO:CONSOLE"))
            .filter_map(|l| {
                let (_, msg) = l.split_once("] \"")?;
                Some(msg.rsplit_once("\", source: ").map_or(msg, |(m, _)| m).to_owned())
            })
            .collect(),
        Engine::WebKit => {
            let mut out: Vec<String> = Vec::new();
            let mut reason: Option<&str> = None;
            for msg in log.lines().filter_map(|l| l.strip_prefix("CONSOLE ")) {
                if msg.starts_with("SECURITY ERROR ") {
                    reason = Some(msg);
                    continue;
                }
                match reason.take() {
                    Some(r) => out.push(format!("{msg} [{r}]")),
                    None => out.push(msg.to_owned()),
                }
            }
            out.extend(reason.map(str::to_owned));
            out
        }
        Engine::Firefox => log
            .lines()
            .filter_map(|l| l.strip_prefix("console.").filter(|_| l.contains("http://")))
            .map(str::to_owned)
            .collect(),
    }
}
