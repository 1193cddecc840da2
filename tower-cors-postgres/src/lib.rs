//! Tenant origins and the CORS policy of [`tower_cors`] kept in PostgreSQL,
//! the same on every instance of a fleet.
//!
//! - **Tenant origins** are rows of `cors_origins`, asked through
//!   [`CorsBuilder::allow_origin_lookup`](tower_cors::CorsBuilder::allow_origin_lookup)
//!   with a connection pool (answers cached, single-flight, bounded by
//!   `origin_lookup_concurrency`, fail closed).
//! - **The policy** is a row of `cors_policy`: a [`tower_cors::CorsConfig`]
//!   as TOML text.
//! - **Changes reach every instance at once**: triggers `NOTIFY` on every
//!   insert, update and delete of either table, and each instance's
//!   listener task (`LISTEN`) forgets a changed origin's cached answer, or
//!   builds the changed policy and, if it builds,
//!   [`replace`](tower_cors::ReloadHandle::replace)s it. A policy that does
//!   not build is refused and logged with every mistake; the old one stays.
//! - **The listener reconnects** with backoff. Notifications sent while it
//!   was away are lost, so after each reconnect it forgets every cached
//!   answer and reads the policy row again.
//!
//! The schema is [`SCHEMA`] (`schema.sql` in the crate), applied by
//! [`apply_schema`]. Logs go through `tracing`.
//!
//! ```no_run
//! use std::time::Duration;
//! use tower_cors_postgres::{apply_schema, pool, PgCors};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config: tokio_postgres::Config = "postgres://app@db/app".parse()?;
//! let pool = pool(&config, 16)?;
//! let client = pool.get().await?;
//! apply_schema(&client).await?;
//! let fleet = PgCors::new(config, pool)
//!     // What a TOML row cannot say: the lookup's settings.
//!     .configure(|builder| builder
//!         .origin_lookup_concurrency(8)
//!         .origin_lookup_stale_if_error(Duration::from_secs(300)))
//!     .start()
//!     .await?;
//! let app = axum::Router::<()>::new().layer(fleet.layer().clone());
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod listener;
mod lookup;
mod schema;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;
use tower_cors::{ConfigError, CorsBuilder, CorsConfig, CorsLayer, ReloadHandle};

pub use error::{LookupError, PolicyError, StartError};
pub use lookup::pool;
pub use schema::{apply_schema, CHANNEL, SCHEMA};

/// What a policy row cannot say, applied to every policy built from one.
type Configure = dyn Fn(CorsBuilder) -> CorsBuilder + Send + Sync;

/// The settings of one instance: where the database is, which policy row
/// it enforces, and what the row cannot say. [`start`](Self::start) it.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config: tokio_postgres::Config = "postgres://app@db/app".parse()?;
/// let pool = tower_cors_postgres::pool(&config, 16)?;
/// let fleet = tower_cors_postgres::PgCors::new(config, pool).start().await?;
/// # let _ = fleet;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PgCors {
    pg: tokio_postgres::Config,
    pool: Pool,
    policy: String,
    configure: Arc<Configure>,
    backoff: (Duration, Duration),
    ping: Duration,
}

impl fmt::Debug for PgCors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgCors")
            .field("policy", &self.policy)
            .field("backoff", &self.backoff)
            .field("ping", &self.ping)
            .finish_non_exhaustive()
    }
}

impl PgCors {
    /// An instance on the database of `pg` (the listener's own connection)
    /// and `pool` (the origin lookup's), enforcing the policy row named
    /// `default`.
    ///
    /// ```
    /// let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// let cors = tower_cors_postgres::PgCors::new(config, pool);
    /// # let _ = cors;
    /// ```
    pub fn new(pg: tokio_postgres::Config, pool: Pool) -> Self {
        PgCors {
            pg,
            pool,
            policy: "default".to_owned(),
            configure: Arc::new(|builder| builder),
            backoff: (Duration::from_millis(100), Duration::from_secs(10)),
            ping: Duration::from_secs(10),
        }
    }

    /// The `cors_policy` row this instance enforces (default `default`):
    /// one database can hold the policies of several services.
    ///
    /// ```
    /// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// let cors = tower_cors_postgres::PgCors::new(config, pool).policy_name("billing-api");
    /// # let _ = cors;
    /// ```
    pub fn policy_name(mut self, name: impl Into<String>) -> Self {
        self.policy = name.into();
        self
    }

    /// Settings the policy row cannot hold, applied to the builder of every
    /// policy built from a row, before the origin lookup is added: the
    /// lookup's TTLs, timeout, concurrency and stale-if-error grace, an
    /// origin predicate.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// let cors = tower_cors_postgres::PgCors::new(config, pool).configure(|builder| {
    ///     builder
    ///         .origin_lookup_timeout(Duration::from_millis(500))
    ///         .origin_lookup_concurrency(8)
    /// });
    /// # let _ = cors;
    /// ```
    pub fn configure<F>(mut self, configure: F) -> Self
    where
        F: Fn(CorsBuilder) -> CorsBuilder + Send + Sync + 'static,
    {
        self.configure = Arc::new(configure);
        self
    }

    /// How long the listener waits before reconnecting: `first` after a
    /// lost connection, doubled after each failed attempt, at most `max`
    /// (defaults 100 ms and 10 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// let cors = tower_cors_postgres::PgCors::new(config, pool)
    ///     .reconnect_backoff(Duration::from_millis(50), Duration::from_secs(2));
    /// # let _ = cors;
    /// ```
    pub fn reconnect_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff = (first, max.max(first));
        self
    }

    /// How often the listener checks its connection when no notification
    /// comes (default 10 s): a connection cut without a word (a network
    /// partition) is found within this, plus the connection's timeout.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// let cors = tower_cors_postgres::PgCors::new(config, pool).ping_every(Duration::from_secs(5));
    /// # let _ = cors;
    /// ```
    pub fn ping_every(mut self, interval: Duration) -> Self {
        self.ping = interval;
        self
    }

    /// The layer a policy row's TOML text makes: the row's settings, then
    /// [`configure`](Self::configure)'s, then the origin lookup on the pool.
    /// Every mistake is in the error.
    ///
    /// ```
    /// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// let cors = tower_cors_postgres::PgCors::new(config, pool);
    /// assert!(cors.build_policy("allow_origins = [\"https://app.example.com\"]").is_ok());
    /// let refused = cors.build_policy("allow_origins = [\"*\"]\nmax_age = 100000").unwrap_err();
    /// assert_eq!(refused.mistakes().len(), 2);
    /// ```
    pub fn build_policy(&self, toml: &str) -> Result<CorsLayer, PolicyError> {
        let config: CorsConfig = toml::from_str(toml).map_err(PolicyError::toml)?;
        // A row's mistakes are in the file's words, each led by its field.
        let builder = config
            .to_builder()
            .map_err(|error| PolicyError::new(error.errors().iter().map(ToString::to_string)))?;
        let built = (self.configure)(builder)
            .allow_origin_lookup(lookup::origin_lookup(self.pool.clone()))
            .build();
        built.map_err(|error| {
            // The row checked alone names each mistake by its field; its
            // lack of an origin of its own is no mistake here (every origin
            // may be a tenant's).
            let by_field: Vec<String> = match config.build() {
                Ok(_) => Vec::new(),
                Err(alone) => alone
                    .errors()
                    .iter()
                    .filter(|mistake| !matches!(mistake, ConfigError::NoOrigin { .. }))
                    .map(ToString::to_string)
                    .collect(),
            };
            if by_field.is_empty() {
                // A mistake of `configure`'s, not the row's.
                PolicyError::new(error.errors().iter().map(ToString::to_string))
            } else {
                PolicyError::new(by_field)
            }
        })
    }

    /// Reads and builds the policy row, makes the layer
    /// [reloadable](CorsLayer::reloadable), and spawns the listener that
    /// keeps it up to date (on the current Tokio runtime). Fails if the
    /// database cannot be reached or the row is missing or refused: an
    /// instance does not start without a policy.
    ///
    /// ```no_run
    /// # async fn run(cors: tower_cors_postgres::PgCors) -> Result<(), tower_cors_postgres::StartError> {
    /// let fleet = cors.start().await?;
    /// let app = axum::Router::<()>::new().layer(fleet.layer().clone());
    /// # let _ = app;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(self) -> Result<Fleet, StartError> {
        let client = self.pool.get().await.map_err(StartError::Pool)?;
        let toml = listener::read_policy(&client, &self.policy)
            .await
            .map_err(StartError::Database)?
            .ok_or_else(|| StartError::NoPolicy(self.policy.clone()))?;
        drop(client);
        let (layer, handle) = self
            .build_policy(&toml)
            .map_err(|error| StartError::Policy(self.policy.clone(), error))?
            .reloadable();
        let listener = tokio::spawn(listener::run(self, layer.clone(), handle.clone(), toml));
        Ok(Fleet {
            layer,
            handle,
            listener,
        })
    }
}

/// A started instance: the layer to put on the routes, its handle, and
/// the listener task keeping both up to date. Dropping it leaves the
/// listener running; [`stop`](Self::stop) ends it.
///
/// ```no_run
/// # async fn run(cors: tower_cors_postgres::PgCors) -> Result<(), tower_cors_postgres::StartError> {
/// let fleet = cors.start().await?;
/// let app = axum::Router::<()>::new().layer(fleet.layer().clone());
/// # let _ = app;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Fleet {
    layer: CorsLayer,
    handle: ReloadHandle,
    listener: tokio::task::JoinHandle<()>,
}

impl Fleet {
    /// The reloadable layer: clone it onto the routes.
    ///
    /// ```no_run
    /// # async fn run(fleet: tower_cors_postgres::Fleet) {
    /// let app = axum::Router::<()>::new().layer(fleet.layer().clone());
    /// # let _ = app;
    /// # }
    /// ```
    pub fn layer(&self) -> &CorsLayer {
        &self.layer
    }

    /// The handle that replaces the policy; the listener uses it too, so a
    /// policy set here stands until the row next changes.
    ///
    /// ```no_run
    /// # async fn run(fleet: tower_cors_postgres::Fleet) {
    /// println!("{}", fleet.handle().current());
    /// # }
    /// ```
    pub fn handle(&self) -> &ReloadHandle {
        &self.handle
    }

    /// Stops the listener: the layer keeps its policy and its cache, but
    /// hears of no more changes.
    ///
    /// ```no_run
    /// # async fn run(fleet: tower_cors_postgres::Fleet) {
    /// fleet.stop();
    /// # }
    /// ```
    pub fn stop(&self) {
        self.listener.abort();
    }
}
