//! The origin lookup on a connection pool.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};

use crate::error::LookupError;

/// The lookup's query: prepared once per pooled connection.
const QUERY: &str = "SELECT EXISTS (SELECT 1 FROM cors_origins WHERE origin = $1)";

/// A pool for the origin lookup on `config`, of at most `size`
/// connections, that gives up on a dead database within a second: waiting
/// for a free connection, opening one and checking one each take at most
/// 1 s, so a lookup fails well within tower-cors's 2 s lookup timeout. Keep
/// `origin_lookup_concurrency` at or below `size`. No TLS; build a
/// [`deadpool_postgres::Pool`] yourself for that.
///
/// ```
/// let config: tokio_postgres::Config = "postgres://app@localhost/app".parse().unwrap();
/// let pool = tower_cors_postgres::pool(&config, 16).unwrap();
/// assert_eq!(pool.status().max_size, 16);
/// ```
pub fn pool(
    config: &tokio_postgres::Config,
    size: usize,
) -> Result<Pool, deadpool_postgres::BuildError> {
    let mut config = config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(1));
    }
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        // Fast: a connection the server closed (a restart) is known closed
        // without a round trip, and replaced.
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(1)))
        .create_timeout(Some(Duration::from_secs(1)))
        .recycle_timeout(Some(Duration::from_secs(1)))
        .build()
}

/// The lookup's future.
type Lookup = Pin<Box<dyn Future<Output = Result<bool, LookupError>> + Send>>;

/// The function for `allow_origin_lookup`: is `origin` a row of
/// `cors_origins`?
pub(crate) fn origin_lookup(pool: Pool) -> impl Fn(String) -> Lookup + Send + Sync + 'static {
    move |origin: String| {
        let pool = pool.clone();
        Box::pin(async move {
            let client = pool.get().await?;
            let query = client.prepare_cached(QUERY).await?;
            let row = client.query_one(&query, &[&origin]).await?;
            Ok(row.try_get::<_, bool>(0)?)
        }) as Lookup
    }
}
