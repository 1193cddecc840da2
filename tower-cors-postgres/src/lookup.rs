//! The origin lookup on a connection pool.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};

use crate::error::LookupError;

/// The lookup's query: prepared once per pooled connection.
const QUERY: &str = "SELECT EXISTS (SELECT 1 FROM cors_origins WHERE origin = $1)";

/// How long the query may run before it is cancelled: a primary-key
/// lookup that takes longer is stuck (a lock, an overloaded server).
/// With the pool's 1 s and the cancel's bounds, a lookup ends within
/// 1.75 s, before tower-cors's default 2 s lookup timeout drops it.
const QUERY_TIMEOUT: Duration = Duration::from_millis(500);

/// How long the server has to take a cancel request, and then to end the
/// query.
const CANCEL_TIMEOUT: Duration = Duration::from_millis(120);

/// A pool for the origin lookup on `config`, of at most `size`
/// connections, that gives up on a dead database within a second: waiting
/// for a free connection, opening one and checking one each take at most
/// 1 s. The lookup's query itself is cancelled on the server after 500 ms,
/// so a lookup ends within tower-cors's 2 s lookup timeout, and the server
/// never works on a query tower-cors gave up on. Keep
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
            let mut running = Running(Some(pool.get().await?));
            let ended = match running.0.as_ref() {
                Some(client) => ask(client, &origin).await,
                None => None,
            };
            let Some(answered) = ended else {
                // `Running`'s drop takes the connection out of the pool.
                return Err(LookupError::Timeout(QUERY_TIMEOUT));
            };
            // The query is over: the connection goes back to the pool.
            running.0 = None;
            Ok(answered?.try_get::<_, bool>(0)?)
        }) as Lookup
    }
}

/// Asks `client` about `origin`; `None` if the query may still run.
async fn ask(
    client: &deadpool_postgres::Object,
    origin: &str,
) -> Option<Result<tokio_postgres::Row, LookupError>> {
    let mut query = std::pin::pin!(async {
        let statement = client.prepare_cached(QUERY).await?;
        client.query_one(&statement, &[&origin]).await
    });
    match tokio::time::timeout(QUERY_TIMEOUT, &mut query).await {
        Ok(answered) => Some(answered.map_err(LookupError::from)),
        Err(_) => {
            // A cancelled query ends with an error the connection reads
            // like any answer: once it is in, the server is done with the
            // query, and the lookup's slot can go to another.
            let token = client.cancel_token();
            let cancel = token.cancel_query(tokio_postgres::NoTls);
            let _ = tokio::time::timeout(CANCEL_TIMEOUT, cancel).await;
            let ended = tokio::time::timeout(CANCEL_TIMEOUT, &mut query).await;
            ended.ok().map(|_| Err(LookupError::Timeout(QUERY_TIMEOUT)))
        }
    }
}

/// A pooled connection running a lookup. Dropped while its query may still
/// run (tower-cors's timeout dropped the lookup, or the cancel was not
/// answered in time), the connection leaves the pool and the query is
/// cancelled on the server: dropping the future alone would leave the
/// server working on it, so the store would hold more queries than
/// `origin_lookup_concurrency` lets run; and since no one else gets the
/// connection, the cancel cannot reach another lookup's query.
struct Running(Option<deadpool_postgres::Object>);

impl Drop for Running {
    fn drop(&mut self) {
        let Some(object) = self.0.take() else {
            return;
        };
        let token = object.cancel_token();
        let detached = deadpool_postgres::Object::take(object);
        // Outside a runtime there is nothing to cancel from; closing the
        // connection (dropping it) is all there is.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = token.cancel_query(tokio_postgres::NoTls).await;
                drop(detached);
            });
        }
    }
}
