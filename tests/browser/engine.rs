//! The three browser engines the suite drives, how each is found, launched
//! headless on a fresh profile with one URL, and stopped. Each engine's log
//! (stdout and stderr) goes to a file in its profile directory.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's `chromium` (Blink), `firefox-esr` (Gecko), and WebKitGTK's
/// MiniBrowser under a virtual X server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// Firefox preferences for a quiet, self-contained run: no first-run pages,
/// no background traffic, plain http kept plain, the page's console API
/// messages printed to stdout. One changes CORS itself: `*` in
/// Access-Control-Allow-Headers stops covering `Authorization`, as Fetch
/// says and Firefox has ready behind this switch, so that one engine of the
/// three applies the standard's rule (Chromium and WebKit still relax it).
#[rustfmt::skip]
const FIREFOX_PREFS: [(&str, &str); 20] = [
    ("browser.shell.checkDefaultBrowser", "false"), ("browser.startup.homepage_override.mstone", "\"ignore\""),
    ("browser.aboutwelcome.enabled", "false"), ("startup.homepage_welcome_url", "\"\""),
    ("datareporting.policy.dataSubmissionEnabled", "false"), ("datareporting.healthreport.uploadEnabled", "false"),
    ("toolkit.telemetry.reportingpolicy.firstRun", "false"), ("app.update.disabledForTesting", "true"),
    ("app.normandy.enabled", "false"), ("browser.safebrowsing.malware.enabled", "false"),
    ("browser.safebrowsing.phishing.enabled", "false"), ("browser.safebrowsing.downloads.enabled", "false"),
    ("network.captive-portal-service.enabled", "false"), ("network.connectivity-service.enabled", "false"),
    ("extensions.update.enabled", "false"), ("dom.security.https_first", "false"),
    ("dom.security.https_only_mode", "false"), ("devtools.console.stdout.content", "true"),
    ("network.cors_preflight.authorization_covered_by_wildcard", "false"), ("browser.dom.window.dump.enabled", "true"),
];

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// Its test-name prefix, the variable pointing at another build, how to
    /// install it, and where to look for it (names on `PATH` or a path).
    #[rustfmt::skip]
    fn about(self) -> (&'static str, &'static str, &'static str, &'static [&'static str]) {
        match self {
            Engine::Chromium => ("chromium", "CHROMIUM", "chromium", &["chromium", "chromium-browser"]),
            Engine::Firefox => ("firefox", "FIREFOX", "firefox-esr", &["firefox-esr", "firefox"]),
            Engine::WebKit => ("webkit", "MINIBROWSER", "libwebkit2gtk-4.1-0 webkit2gtk-driver xvfb", &[MINIBROWSER]),
        }
    }
    pub fn name(self) -> &'static str {
        self.about().0
    }
    /// Its launcher, or why it cannot run here.
    pub fn find(self) -> Result<Launcher, String> {
        let (_, var, hint, names) = self.about();
        let binary = match std::env::var_os(var) {
            Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
            None => on_path(names),
        };
        let missing = |what: &str| {
            format!("{what} not found: apt-get install {hint} (or point {var} at the browser)")
        };
        let binary = binary.ok_or_else(|| missing(&format!("{self:?}")))?;
        let xvfb_run = (self == Engine::WebKit)
            .then(|| on_path(&["xvfb-run"]).ok_or_else(|| missing("xvfb-run")));
        Ok(Launcher { engine: self, binary, xvfb_run: xvfb_run.transpose()? })
    }
}

/// The first of `names` in a `PATH` directory (or `/usr/bin`); an absolute
/// name is taken as is.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> =
        std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]).collect();
    names.iter().flat_map(|n| dirs.iter().map(move |d| d.join(n))).find(|p| p.is_file())
}

/// A found engine, ready to open a URL.
#[derive(Clone, Debug)]
pub struct Launcher {
    pub engine: Engine,
    binary: PathBuf,
    xvfb_run: Option<PathBuf>,
}

impl Launcher {
    /// Starts the browser on `url` with a fresh profile, in its own process
    /// group so that it can be stopped with everything it spawned.
    pub fn launch(&self, url: &str) -> Result<Browser, String> {
        use std::os::unix::process::CommandExt as _;
        let nanos = std::time::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_nanos());
        let (name, pid) = (self.engine.name(), std::process::id());
        let profile = std::env::temp_dir().join(format!("tower-cors-{name}-{pid}-{nanos}"));
        let (data, log_path) = (profile.join("profile"), profile.join("browser.log"));
        let io = |what: &'static str| move |e: std::io::Error| format!("{what}: {e}");
        std::fs::create_dir_all(&data).map_err(io("profile dir"))?;
        let log = std::fs::File::create(&log_path).map_err(io("browser log"))?;
        let log2 = log.try_clone().map_err(io("browser log"))?;
        let mut cmd = Command::new(self.xvfb_run.as_ref().unwrap_or(&self.binary));
        match self.engine {
            // The last two send console messages (CORS errors included) to stderr.
            #[rustfmt::skip]
            Engine::Chromium => cmd.args([
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0",
            ]).arg(format!("--user-data-dir={}", data.display())),
            // Firefox resolves `*.localhost` to loopback itself.
            Engine::Firefox => {
                let prefs = FIREFOX_PREFS.map(|(k, v)| format!("user_pref({k:?}, {v});\n"));
                std::fs::write(data.join("user.js"), prefs.concat())
                    .map_err(io("firefox prefs"))?;
                cmd.args(["--headless", "--no-remote", "--profile"])
                    .arg(&data)
                    .env("MOZ_CRASHREPORTER_DISABLE", "1")
            }
            // A fresh cache, cookie and data store per run: MiniBrowser keeps
            // them under the XDG directories.
            Engine::WebKit => cmd
                .args(["-a", "-s", "-screen 0 1280x1024x24"])
                .arg(&self.binary)
                .arg("--enable-write-console-messages-to-stdout=true")
                .envs(["CACHE", "DATA", "CONFIG"].map(|d| (format!("XDG_{d}_HOME"), data.join(d))))
                .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        };
        let child =
            cmd.arg(url).stdin(Stdio::null()).stdout(log).stderr(log2).process_group(0).spawn();
        let child = child.map_err(|e| format!("cannot start {}: {e}", self.binary.display()))?;
        Ok(Browser { child, profile })
    }
}

/// A running browser. Dropping it (also on panic) stops its whole process
/// group and removes the profile.
pub struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    fn signal_group(&self, sig: &str) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args([sig, "--", &group]).stderr(Stdio::null()).status();
    }
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.profile.join("browser.log")).unwrap_or_default()
    }
    /// The last lines of the log, without desktop-bus noise.
    pub fn log_tail(&self) -> String {
        let text = self.log();
        let lines: Vec<&str> =
            text.lines().filter(|l| !l.to_lowercase().contains("dbus")).collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.signal_group("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever is left of the group (renderers, the X server, or the
        // browser itself after 5 s).
        self.signal_group("-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
