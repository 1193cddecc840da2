//! A small headless-Chromium runner: serves a page on
//! `http://app.localhost:PORT` that runs a list of `fetch()` calls one after
//! the other and posts the outcomes back; Chromium's own console lines (the
//! CORS error messages) are read from its log.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use serde_json::Value;

/// How long the browser may take for the whole page.
const PAGE_TIMEOUT: Duration = Duration::from_secs(45);

/// One `fetch()` the page makes.
#[derive(Clone, Debug, Serialize)]
pub struct Fetch {
    /// Names the scenario in assertion messages.
    pub id: String,
    /// The absolute URL.
    pub url: String,
    /// The method passed to `fetch()`.
    pub method: String,
    /// Headers passed to `fetch()`.
    pub headers: Vec<(String, String)>,
    /// `credentials: 'include'` (otherwise the default).
    pub credentials: bool,
}

/// What the page and the console saw for one fetch.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `fetch()` resolved.
    pub ok: bool,
    /// The rejection, when it did not.
    pub error: Option<String>,
    /// Header names the script could enumerate.
    pub names: Vec<String>,
    /// Chromium console lines that mention this URL.
    pub console: Vec<String>,
}

/// Chromium's path: `$CHROMIUM`, or `chromium` / `chromium-browser` on PATH
/// or in /usr/bin.
pub fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .collect();
    ["chromium", "chromium-browser"]
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

const PAGE_JS: &str = r#"
async function main() {
  const out = [];
  for (const s of CONFIG) {
    const init = { method: s.method, headers: s.headers };
    if (s.credentials) init.credentials = 'include';
    const r = { id: s.id, ok: false, error: null, names: [] };
    try {
      const resp = await fetch(s.url, init);
      r.ok = true;
      for (const [k] of resp.headers) r.names.push(k);
      await resp.text();
    } catch (e) {
      r.error = String(e);
    }
    out.push(r);
  }
  await fetch('/report', { method: 'POST', body: JSON.stringify(out) });
}
main();
"#;

#[derive(Clone)]
struct Page {
    config: String,
    reports: mpsc::Sender<String>,
}

async fn page(State(p): State<Page>) -> Html<String> {
    Html(format!(
        "<!doctype html><title>cors-doctor agreement</title>\
         <script>const CONFIG = {};{PAGE_JS}</script>",
        p.config
    ))
}

async fn report(State(p): State<Page>, body: String) -> &'static str {
    let _ = p.reports.send(body);
    "ok"
}

/// Chromium, killed with its whole process group on drop.
struct Browser {
    child: Child,
    dir: PathBuf,
}

impl Browser {
    fn signal(&self, sig: &str) {
        let _ = Command::new("kill")
            .args([sig, "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("chromium.log")).unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn launch(chromium: &Path, url: &str) -> Result<Browser, String> {
    use std::os::unix::process::CommandExt as _;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "cors-doctor-chromium-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("profile dir: {e}"))?;
    let log = std::fs::File::create(dir.join("chromium.log")).map_err(|e| e.to_string())?;
    let child = Command::new(chromium)
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
            // Console messages (the CORS errors among them) go to stderr.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", chromium.display()))?;
    Ok(Browser { child, dir })
}

/// Runs `fetches` in Chromium from a page served on `app` as
/// `http://app.localhost:PORT`. Returns one `Seen` per fetch, in order.
pub fn run(
    chromium: &Path,
    app: std::net::TcpListener,
    fetches: &[Fetch],
) -> Result<Vec<Seen>, String> {
    let (tx, rx) = mpsc::channel();
    let config = serde_json::to_string(fetches)
        .map_err(|e| e.to_string())?
        .replace('<', "\\u003c");
    let router = Router::new()
        .route("/", get(page))
        .route("/report", post(report))
        .with_state(Page {
            config,
            reports: tx,
        });
    let port = crate::common::serve_on(app, router);
    let mut browser = launch(chromium, &format!("http://app.localhost:{port}/"))?;
    let deadline = Instant::now() + PAGE_TIMEOUT;
    let body = loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(b) => break b,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err("page server gone".into()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Ok(Some(status)) = browser.child.try_wait() {
                    return Err(format!(
                        "Chromium exited early ({status}):\n{}",
                        tail(&browser.log())
                    ));
                }
                if Instant::now() > deadline {
                    return Err(format!(
                        "no report within {PAGE_TIMEOUT:?}:\n{}",
                        tail(&browser.log())
                    ));
                }
            }
        }
    };
    let results: Vec<Value> =
        serde_json::from_str(&body).map_err(|e| format!("report: {e}: {body}"))?;
    if results.len() != fetches.len() {
        return Err(format!(
            "report has {} results for {} fetches",
            results.len(),
            fetches.len()
        ));
    }
    // Console lines reach the log through the browser process, possibly
    // after the report: wait (briefly) until every failed fetch has one.
    let console_for = |log: &str, url: &str| -> Vec<String> {
        log.lines()
            .filter(|l| l.contains("CONSOLE") && l.contains(&format!("'{url}'")))
            .map(str::to_owned)
            .collect()
    };
    let settle = Instant::now() + Duration::from_secs(3);
    let mut log = browser.log();
    while Instant::now() < settle
        && fetches.iter().zip(&results).any(|(f, r)| {
            !r["ok"].as_bool().unwrap_or(false) && console_for(&log, &f.url).is_empty()
        })
    {
        std::thread::sleep(Duration::from_millis(100));
        log = browser.log();
    }
    let seen = fetches
        .iter()
        .zip(results)
        .map(|(f, r)| Seen {
            ok: r["ok"].as_bool().unwrap_or(false),
            error: r["error"].as_str().map(str::to_owned),
            names: r["names"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            console: console_for(&log, &f.url),
        })
        .collect();
    Ok(seen)
}

fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().filter(|l| !l.contains("bus")).collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Prints the skip line outside CI; in CI a missing browser is an error.
pub fn skip_or_fail() {
    if std::env::var_os("CI").is_some() {
        panic!("Chromium not found and CI is set: install it (apt-get install chromium) or set CHROMIUM");
    }
    let _ = writeln!(
        std::io::stderr(),
        "cors-doctor browser agreement skipped: Chromium not found; install it with apt-get install chromium"
    );
}
