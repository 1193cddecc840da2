//! [`ConfigWarning`]: what `build()` accepts but a user should know.

use std::fmt;

/// Longest preflight cache Chromium honours; a longer `max_age` is cut to it.
pub(crate) const CHROMIUM_MAX_AGE_SECONDS: u64 = 7200;

/// A configuration [`CorsBuilder::build`](crate::CorsBuilder::build)
/// accepts that probably does not do what its author expects. Read them
/// with [`CorsLayer::warnings`](crate::CorsLayer::warnings); with the
/// `tracing` feature `build()` also logs each at `warn` (target `tower_cors`).
///
/// ```
/// use std::time::Duration;
/// use tower_cors::{ConfigWarning, CorsLayer};
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .max_age(Duration::from_secs(86_400))
///     .build()?;
/// assert_eq!(cors.warnings(), [ConfigWarning::MaxAgeAboveChromiumCap { seconds: 86_400 }]);
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigWarning {
    /// `max_age` above 7200 s: Chromium caches a preflight for 2 hours at
    /// most, Firefox for 24 hours, Safari for 10 minutes.
    MaxAgeAboveChromiumCap {
        /// The configured max-age in whole seconds.
        seconds: u64,
    },
    /// `allow_private_network(true)`: Chrome replaced Private Network Access
    /// preflights by a Local Network Access permission prompt (Chrome 142);
    /// no server header opts in any more.
    PrivateNetworkAccessRetired,
    /// `expose_any_header()` with credentials: browsers read `*` literally
    /// there, so each response's own header names are sent instead.
    ExposeAnyHeaderWithCredentials,
    /// `guard_cross_origin_writes(true)` with `allow_any_origin()`: every
    /// origin but `null` is allowed, so the guard refuses only writes with
    /// `Origin: null` and cross-site ones without `Origin`.
    WriteGuardWithAnyOrigin,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigWarning::MaxAgeAboveChromiumCap { seconds } => write!(
                f,
                "max_age of {seconds} s is above the {CHROMIUM_MAX_AGE_SECONDS} s Chromium caches a \
                 preflight for (Firefox: 86400 s, Safari: 600 s); Chromium will ask again after \
                 {CHROMIUM_MAX_AGE_SECONDS} s"
            ),
            ConfigWarning::PrivateNetworkAccessRetired => f.write_str(
                "allow_private_network(true) answers Private Network Access preflights, which \
                 Chrome replaced in Chrome 142 by a Local Network Access permission prompt: no \
                 server header opts in any more, the user grants the permission",
            ),
            ConfigWarning::ExposeAnyHeaderWithCredentials => f.write_str(
                "expose_any_header() with allow_credentials(true) exposes each response's own \
                 header names (browsers read `*` literally with credentials), whatever your \
                 handlers add; list the headers scripts need with expose_headers([...]) to \
                 expose only those",
            ),
            ConfigWarning::WriteGuardWithAnyOrigin => f.write_str(
                "guard_cross_origin_writes(true) with allow_any_origin() refuses only writes \
                 with Origin: null or cross-site ones without Origin, since every other origin \
                 is allowed; list the origins that may write in allow_origins for the guard to \
                 protect anything",
            ),
        }
    }
}
