//! The errors of this crate: a lookup that failed, a policy row refused, an
//! instance that could not start.

use std::fmt;

/// Why the origin lookup could not answer; tower-cors refuses the request
/// (fail closed) and logs this.
///
/// ```
/// use std::time::Duration;
/// use tower_cors_postgres::LookupError;
///
/// let error = LookupError::Timeout(Duration::from_millis(500));
/// assert_eq!(error.to_string(), "the origin lookup query took longer than 500ms; it was cancelled");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No connection from the pool (the database is down, or the pool
    /// stayed busy past its wait timeout).
    #[error("no database connection for the origin lookup: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The query failed.
    #[error("the origin lookup query failed: {0}")]
    Query(#[from] tokio_postgres::Error),
    /// The query took longer than this, and was cancelled on the server.
    #[error("the origin lookup query took longer than {0:?}; it was cancelled")]
    Timeout(std::time::Duration),
}

/// A policy row that does not build: every mistake, each on its own line.
///
/// ```
/// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
/// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
/// let cors = tower_cors_postgres::PgCors::new(config, pool);
/// let refused = cors.build_policy("allow_origin = [\"https://app.example.com\"]").unwrap_err();
/// assert!(refused.mistakes()[0].contains("unknown field `allow_origin`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    mistakes: Vec<String>,
}

impl PolicyError {
    pub(crate) fn new(mistakes: impl IntoIterator<Item = String>) -> Self {
        PolicyError {
            mistakes: mistakes.into_iter().collect(),
        }
    }

    pub(crate) fn toml(error: toml::de::Error) -> Self {
        // One line: TOML's own message quotes the row and points at the
        // mistake over several lines, which a log line would break up.
        let message = error.message().to_owned();
        let at = error
            .span()
            .map(|span| format!(" (at byte {})", span.start))
            .unwrap_or_default();
        PolicyError::new([format!("not a CorsConfig in TOML: {message}{at}")])
    }

    /// Every mistake, as a sentence naming the field and the fix.
    ///
    /// ```
    /// # let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
    /// # let pool = tower_cors_postgres::pool(&config, 16).unwrap();
    /// # let cors = tower_cors_postgres::PgCors::new(config, pool);
    /// let refused = cors.build_policy("allow_methods = [\"TRACE\"]\nmax_age = 100000").unwrap_err();
    /// assert!(refused.mistakes()[0].starts_with("allow_methods[0]"));
    /// assert!(refused.mistakes()[1].starts_with("max_age"));
    /// ```
    pub fn mistakes(&self) -> &[String] {
        &self.mistakes
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the CORS policy row is refused:")?;
        for mistake in &self.mistakes {
            write!(f, "\n- {mistake}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyError {}

/// Why [`PgCors::start`](crate::PgCors::start) failed: an instance does not
/// start without its policy.
///
/// ```
/// let error = tower_cors_postgres::StartError::NoPolicy("default".into());
/// assert!(error.to_string().contains("INSERT INTO cors_policy"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// No connection from the pool.
    #[error("cannot reach the database: {0}")]
    Pool(deadpool_postgres::PoolError),
    /// Reading the policy row failed.
    #[error("cannot read the CORS policy: {0}")]
    Database(tokio_postgres::Error),
    /// No `cors_policy` row of that name.
    #[error(
        "no CORS policy row named {0:?}: insert one, e.g. INSERT INTO cors_policy (name, config) \
         VALUES ('{0}', 'allow_origins = [\"https://app.example.com\"]')"
    )]
    NoPolicy(String),
    /// The row does not build.
    #[error("the CORS policy row {0:?} is refused: {1}")]
    Policy(String, PolicyError),
}
