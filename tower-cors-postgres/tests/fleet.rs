//! A fleet with real parts: a PostgreSQL server of its own (initdb and
//! pg_ctl in a temporary directory, as the `postgres` user when run as
//! root), two processes of `examples/fleet.rs` on loopback ports, and
//! requests over TCP. Every wait is bounded.
//!
//! Without PostgreSQL binaries the test fails when `CI` is set (CI
//! installs Debian's `postgresql`), and says it did not run otherwise.
//!
//! The instances run the example as last built: `cargo test -p
//! tower-cors-postgres` builds it, `--test fleet` alone does not.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_postgres::{Client, NoTls};

/// `LOOKUP_CONCURRENCY` of the instances.
const CONCURRENCY: usize = 4;
/// How soon a change must be enforced by every instance.
const AT_ONCE: Duration = Duration::from_secs(1);
/// The instances' lookup timeout.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);
const POLICY: &str = "allow_origins = [\"https://app.example.com\"]\n";

/// The PostgreSQL binaries: `pg_config --bindir`, else the newest of
/// Debian's /usr/lib/postgresql/*/bin.
fn pg_bin() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| dir.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    debian.sort_by_key(|p| {
        let version = p.parent().and_then(|v| v.file_name()).unwrap_or_default();
        version.to_string_lossy().parse::<u32>().unwrap_or(0)
    });
    from_pg_config
        .into_iter()
        .chain(debian.into_iter().rev())
        .find(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
}

/// A PostgreSQL server in a temporary directory; stopped and removed on drop.
struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Postgres {
    fn init(bin: PathBuf) -> Self {
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
        let dir = std::env::temp_dir().join(format!("tower-cors-fleet-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Postgres {
            bin,
            dir,
            port,
            as_postgres,
        };
        if as_postgres {
            // The server refuses to run as root.
            let owned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&pg.dir)
                .status()
                .unwrap();
            assert!(owned.success(), "chown of {} to postgres", pg.dir.display());
        }
        let data = pg.dir.join("data");
        pg.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-A".as_ref(),
                "trust".as_ref(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--no-sync".as_ref(),
            ],
        );
        pg.start();
        pg
    }

    /// Runs one of the binaries to completion, as `postgres` if root.
    fn run(&self, name: &str, args: &[&std::ffi::OsStr]) {
        let program = self.bin.join(name);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        let out = command.args(args).stdin(Stdio::null()).output().unwrap();
        assert!(
            out.status.success(),
            "{name} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let mut all: Vec<&std::ffi::OsStr> = vec![
            "-D".as_ref(),
            data.as_os_str(),
            "-l".as_ref(),
            log.as_os_str(),
            "-w".as_ref(),
        ];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        self.run("pg_ctl", &all);
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.display()
        );
        self.pg_ctl(&["-o", &options, "start"]);
    }

    fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    async fn connect(&self) -> Client {
        let (client, connection) = tokio_postgres::connect(&self.url(), NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = Command::new(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output();
        if self.as_postgres {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One instance of the example: its address and its log; killed on drop.
struct Instance {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Instance {
    fn start(url: &str) -> Self {
        // target/debug/deps/fleet-<hash> -> target/debug/examples/fleet
        let mut binary = std::env::current_exe().unwrap();
        binary.pop();
        binary.pop();
        binary.push("examples");
        binary.push(format!("fleet{}", std::env::consts::EXE_SUFFIX));
        let mut child = Command::new(&binary)
            .env("DATABASE_URL", url)
            .env("PORT", "0")
            .env("LOOKUP_CONCURRENCY", CONCURRENCY.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; `cargo test -p tower-cors-postgres` builds the example \
                     (or `cargo build -p tower-cors-postgres --example fleet`)",
                    binary.display()
                )
            });
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    let _ = tx.send(addr.to_owned());
                }
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(30));
        let mut instance = Instance {
            child,
            addr: String::new(),
            log,
        };
        match addr {
            Ok(addr) => instance.addr = addr,
            Err(_) => panic!(
                "the instance printed no address; its log:\n{}",
                instance.log.lock().unwrap().join("\n")
            ),
        }
        instance
    }

    fn log_has(&self, text: &str) -> bool {
        self.log
            .lock()
            .unwrap()
            .iter()
            .any(|line| line.contains(text))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /api/items` from `origin`: whether the origin was allowed. A
/// response other than 200, or none within 5 s, fails the test.
async fn allowed(addr: &str, origin: &str) -> bool {
    let request = format!(
        "GET /api/items HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"
    );
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        stream.read_to_string(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .unwrap_or_else(|_| panic!("{addr}: no response within 5 s for {origin}"))
        .unwrap_or_else(|e| panic!("{addr}: {e}"));
    let (head, _) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(head.starts_with("HTTP/1.1 200"), "{addr}: {head}");
    let expected = format!("access-control-allow-origin: {origin}");
    head.lines()
        .any(|line| line.eq_ignore_ascii_case(&expected))
}

/// Waits until every instance says `want` for `origin`, for at most `within`.
async fn all_say(instances: &[Instance], origin: &str, want: bool, within: Duration, what: &str) {
    let start = Instant::now();
    for instance in instances {
        loop {
            if allowed(&instance.addr, origin).await == want {
                break;
            }
            assert!(
                start.elapsed() < within,
                "{what}: {} still says {} for {origin} after {within:?}",
                instance.addr,
                !want
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn set_policy(db: &Client, toml: &str) {
    db.execute(
        "UPDATE cors_policy SET config = $1 WHERE name = 'default'",
        &[&toml],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_on_postgres_stays_consistent_bounded_and_up() {
    let Some(bin) = pg_bin() else {
        let message = "PostgreSQL binaries not found (initdb, pg_ctl): apt-get install postgresql";
        if std::env::var_os("CI").is_some() {
            panic!("{message}");
        }
        eprintln!("NOT RUN: {message}");
        return;
    };
    let pg = Postgres::init(bin);
    let db = pg.connect().await;
    tower_cors_postgres::apply_schema(&db).await.unwrap();
    db.execute(
        "INSERT INTO cors_policy (name, config) VALUES ('default', $1)",
        &[&POLICY],
    )
    .await
    .unwrap();
    let instances = [Instance::start(&pg.url()), Instance::start(&pg.url())];

    // Tenant origins: inserted, then deleted, seen by both at once (the
    // refused TTL is 5 s and the allowed one 60 s).
    let tenant = "https://shop.tenant.example";
    all_say(&instances, tenant, false, AT_ONCE, "before insert").await;
    db.execute("INSERT INTO cors_origins (origin) VALUES ($1)", &[&tenant])
        .await
        .unwrap();
    all_say(&instances, tenant, true, AT_ONCE, "inserted").await;
    db.execute("DELETE FROM cors_origins WHERE origin = $1", &[&tenant])
        .await
        .unwrap();
    all_say(&instances, tenant, false, AT_ONCE, "deleted").await;

    // The policy row: a change enforced by both; an invalid one refused by
    // both, logged with each mistake, the old policy kept.
    let added = "https://new.example.com";
    set_policy(
        &db,
        &format!("allow_origins = [\"https://app.example.com\", \"{added}\"]\n"),
    )
    .await;
    all_say(&instances, added, true, AT_ONCE, "policy changed").await;
    set_policy(
        &db,
        "allow_origins = [\"https://app.example.com\", \"*\"]\nmax_age = 100000\n",
    )
    .await;
    let start = Instant::now();
    while !instances
        .iter()
        .all(|i| i.log_has("allow_origins[1]") && i.log_has("max_age = 100000"))
    {
        assert!(
            start.elapsed() < AT_ONCE,
            "the refusal names both mistakes in each log:\n{}",
            instances[0].log.lock().unwrap().join("\n")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    all_say(&instances, added, true, AT_ONCE, "invalid policy refused").await;
    all_say(
        &instances,
        "https://app.example.com",
        true,
        AT_ONCE,
        "old policy",
    )
    .await;

    // The database down: cached origins still allowed, new ones refused
    // within the lookup timeout; no request hangs or errors.
    let cached = "https://cached.tenant.example";
    db.execute("INSERT INTO cors_origins (origin) VALUES ($1)", &[&cached])
        .await
        .unwrap();
    // Its notification lands first, or it would forget the answer cached.
    tokio::time::sleep(Duration::from_millis(300)).await;
    all_say(
        &instances,
        cached,
        true,
        AT_ONCE,
        "cached before the outage",
    )
    .await;
    drop(db);
    pg.stop();
    let unseen = "https://unseen.tenant.example";
    for instance in &instances {
        assert!(
            allowed(&instance.addr, cached).await,
            "cached, database down"
        );
        let start = Instant::now();
        assert!(
            !allowed(&instance.addr, unseen).await,
            "unseen, database down"
        );
        assert!(start.elapsed() <= LOOKUP_TIMEOUT + Duration::from_millis(500));
    }
    // Started again: changes made before the listeners are back (their
    // notifications lost) are picked up all the same.
    pg.start();
    let db = pg.connect().await;
    db.execute("DELETE FROM cors_origins WHERE origin = $1", &[&cached])
        .await
        .unwrap();
    db.execute("INSERT INTO cors_origins (origin) VALUES ($1)", &[&unseen])
        .await
        .unwrap();
    set_policy(&db, "allow_origins = [\"https://later.example.com\"]\n").await;
    // The listeners' backoff is at most 2 s.
    let resumed = Duration::from_secs(4);
    all_say(&instances, cached, false, resumed, "deleted while away").await;
    all_say(&instances, unseen, true, resumed, "inserted while away").await;
    let later = "https://later.example.com";
    all_say(
        &instances,
        later,
        true,
        resumed,
        "policy changed while away",
    )
    .await;
    all_say(
        &instances,
        added,
        false,
        resumed,
        "policy changed while away",
    )
    .await;

    // 2 000 invented origins against one instance: PostgreSQL never has
    // more than CONCURRENCY lookups at once. A lock held on the table for
    // the first second makes the lookups pile up where they can be seen,
    // and outlast their query timeout (cancelled on the server).
    let peak = Arc::new(AtomicUsize::new(0));
    let sampling = Arc::new(AtomicUsize::new(1));
    let sampler = {
        let (peak, sampling) = (Arc::clone(&peak), Arc::clone(&sampling));
        let watcher = pg.connect().await;
        tokio::spawn(async move {
            while sampling.load(Ordering::SeqCst) == 1 {
                let row = watcher
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                         AND pid <> pg_backend_pid() AND query LIKE '%FROM cors_origins WHERE%'",
                        &[],
                    )
                    .await
                    .unwrap();
                let now = row.get::<_, i64>(0) as usize;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut locker = pg.connect().await;
    let lock = locker.transaction().await.unwrap();
    lock.batch_execute("LOCK TABLE cors_origins IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let addr = instances[0].addr.clone();
    let clients = Arc::new(tokio::sync::Semaphore::new(200));
    let started = Instant::now();
    let mut flood = tokio::task::JoinSet::new();
    for i in 0..2_000 {
        let (addr, clients) = (addr.clone(), Arc::clone(&clients));
        flood.spawn(async move {
            let _turn = clients.acquire().await.unwrap();
            allowed(&addr, &format!("https://t{i}.invented.example")).await
        });
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let piled_up = peak.load(Ordering::SeqCst);
    lock.rollback().await.unwrap();
    let mut allowed_count = 0;
    while let Some(allowed) = flood.join_next().await {
        allowed_count += usize::from(allowed.unwrap());
    }
    sampling.store(0, Ordering::SeqCst);
    sampler.await.unwrap();
    let peak = peak.load(Ordering::SeqCst);
    eprintln!(
        "flood: 2000 requests in {:?}, peak {peak} lookups on PostgreSQL ({piled_up} while locked)",
        started.elapsed()
    );
    assert_eq!(allowed_count, 0, "invented origins are refused");
    assert_eq!(piled_up, CONCURRENCY, "the lookups piled up to the bound");
    assert!(peak <= CONCURRENCY, "peak {peak} > {CONCURRENCY}");
    // The lock outlasted the lookup's 500 ms query timeout: the bound held
    // while queries were being cancelled too.
    assert!(
        instances[0].log_has("it was cancelled"),
        "{}",
        instances[0].log.lock().unwrap().join("\n")
    );
    // The instance still serves its tenants after the flood.
    assert!(allowed(&addr, unseen).await);
}
