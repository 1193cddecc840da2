//! The listener task: one connection of its own that `LISTEN`s, forgets
//! changed origins, reloads a changed policy, and reconnects with backoff.

use std::future::poll_fn;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, NoTls};
use tower_cors::{CorsLayer, ReloadHandle};

use crate::schema::CHANNEL;
use crate::PgCors;

/// The policy row's TOML text, if there is such a row.
pub(crate) async fn read_policy(
    client: &Client,
    name: &str,
) -> Result<Option<String>, tokio_postgres::Error> {
    let row = client
        .query_opt("SELECT config FROM cors_policy WHERE name = $1", &[&name])
        .await?;
    row.map(|row| row.try_get(0)).transpose()
}

/// What the listener keeps between connections.
struct Listener {
    cors: PgCors,
    layer: CorsLayer,
    handle: ReloadHandle,
    /// The TOML text of the policy in force: a notification for a row that
    /// did not change (or a reconnect) does not rebuild it, which would
    /// empty the lookup's cache for nothing.
    applied: String,
}

/// Runs until aborted: connects, listens, and after a lost connection
/// waits (doubling from the first backoff up to the last) and connects
/// again.
pub(crate) async fn run(cors: PgCors, layer: CorsLayer, handle: ReloadHandle, applied: String) {
    let (first, max) = cors.backoff;
    let mut listener = Listener {
        cors,
        layer,
        handle,
        applied,
    };
    let mut wait = first;
    let mut reconnect = false;
    loop {
        let mut listening = false;
        let lost = listener.session(reconnect, &mut listening).await;
        if listening {
            wait = first;
        }
        tracing::warn!(
            target: "tower_cors_postgres",
            error = %lost,
            retry_in = ?wait,
            "CORS listener lost its database connection; reconnecting"
        );
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(max);
        reconnect = true;
    }
}

impl Listener {
    /// One connection: returns why it ended. `listening` is set once
    /// `LISTEN` took effect.
    async fn session(&mut self, reconnect: bool, listening: &mut bool) -> String {
        let connect = self.cors.pg.connect(NoTls);
        let timeout = self
            .cors
            .pg
            .get_connect_timeout()
            .copied()
            .unwrap_or(Duration::from_secs(5));
        let (client, mut connection) = match tokio::time::timeout(timeout, connect).await {
            Ok(Ok(connected)) => connected,
            Ok(Err(error)) => return describe(&error),
            Err(_) => return format!("no connection within {timeout:?}"),
        };
        // The connection is driven by its own task, which passes the
        // notifications on; its end (an error, or the server gone) closes
        // the channel.
        let (sender, mut notifications) = mpsc::unbounded_channel();
        let driver = tokio::spawn(async move {
            loop {
                match poll_fn(|cx| connection.poll_message(cx)).await {
                    Some(Ok(AsyncMessage::Notification(note))) => {
                        if sender.send(Ok(note)).is_err() {
                            return;
                        }
                    }
                    Some(Ok(_notice)) => {}
                    Some(Err(error)) => {
                        let _ = sender.send(Err(error));
                        return;
                    }
                    None => return,
                }
            }
        });
        let _driver = AbortOnDrop(driver);
        if let Err(error) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
            return describe(&error);
        }
        *listening = true;
        // Whatever was notified while away (or before the first LISTEN) is
        // lost: forget every answer, and read the policy again.
        self.layer.invalidate_all_origins();
        if reconnect {
            tracing::info!(
                target: "tower_cors_postgres",
                "CORS listener reconnected; cached origins forgotten, policy read again"
            );
        }
        self.reload(&client).await;
        let ping = self.cors.ping;
        loop {
            tokio::select! {
                note = notifications.recv() => match note {
                    Some(Ok(note)) => self.heard(&client, note.payload()).await,
                    Some(Err(error)) => return describe(&error),
                    None => return "the connection closed".to_owned(),
                },
                () = tokio::time::sleep(ping) => {
                    match tokio::time::timeout(timeout, client.simple_query("")).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(error)) => return describe(&error),
                        Err(_) => return format!("no answer to a ping within {timeout:?}"),
                    }
                }
            }
        }
    }

    /// Acts on one notification's payload.
    async fn heard(&mut self, client: &Client, payload: &str) {
        tracing::debug!(target: "tower_cors_postgres", payload, "CORS change notified");
        if let Some(origin) = payload.strip_prefix("origin ") {
            self.layer.invalidate_origin(origin);
        } else if payload == "origins" {
            self.layer.invalidate_all_origins();
        } else if payload.strip_prefix("policy ") == Some(self.cors.policy.as_str()) {
            self.reload(client).await;
        }
    }

    /// Reads the policy row; replaces the policy if the row changed and
    /// builds. A missing or refused row is logged and the policy in force
    /// stays.
    async fn reload(&mut self, client: &Client) {
        let name = self.cors.policy.as_str();
        let toml = match read_policy(client, name).await {
            Ok(Some(toml)) => toml,
            Ok(None) => {
                tracing::error!(
                    target: "tower_cors_postgres",
                    policy = name,
                    "CORS policy row is gone; the policy in force stays"
                );
                return;
            }
            Err(error) => {
                tracing::warn!(
                    target: "tower_cors_postgres",
                    policy = name,
                    %error,
                    "cannot read the CORS policy row; the policy in force stays"
                );
                return;
            }
        };
        if toml == self.applied {
            return;
        }
        match self.cors.build_policy(&toml) {
            Ok(layer) => {
                self.handle.replace(layer);
                self.applied = toml;
                tracing::info!(target: "tower_cors_postgres", policy = name, "CORS policy replaced");
            }
            Err(refused) => {
                for mistake in refused.mistakes() {
                    tracing::error!(
                        target: "tower_cors_postgres",
                        policy = name,
                        mistake = mistake.as_str(),
                        "CORS policy row refused"
                    );
                }
                tracing::error!(
                    target: "tower_cors_postgres",
                    policy = name,
                    mistakes = refused.mistakes().len(),
                    "CORS policy row refused; the policy in force stays"
                );
            }
        }
    }
}

/// Ends the connection's driver with the session.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// `error` and its sources: tokio-postgres says "db error" and keeps the
/// server's words ("terminating connection due to administrator command")
/// in the source.
fn describe(error: &tokio_postgres::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
