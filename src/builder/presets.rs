//! Presets: what a protocol's browser clients need, added to a builder.

use http::header::AUTHORIZATION;
use http::Method;

use super::CorsBuilder;
use crate::connect_rpc::{CONNECT_EXPOSED_HEADERS, CONNECT_METHODS, CONNECT_REQUEST_HEADERS};
use crate::grpc_web::{GRPC_WEB_EXPOSED_HEADERS, GRPC_WEB_REQUEST_HEADERS};

impl CorsBuilder {
    /// Adds what gRPC-Web calls need: method `POST`, the request headers in
    /// [`GRPC_WEB_REQUEST_HEADERS`] and the exposed headers in
    /// [`GRPC_WEB_EXPOSED_HEADERS`]. Origins, credentials and everything else
    /// stay yours to set, before or after this call; for bearer tokens, use
    /// [`grpc_web_with_authorization`](Self::grpc_web_with_authorization) (or
    /// add `.allow_headers([AUTHORIZATION])`), and add any custom metadata
    /// keys your clients send with [`allow_headers`](Self::allow_headers).
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .grpc_web()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// assert_eq!(
    ///     cors.policy().to_string(),
    ///     "origins: [https://app.example.com]; methods: POST; \
    ///      headers: x-grpc-web, content-type, x-user-agent, grpc-timeout; \
    ///      expose: grpc-status, grpc-message, grpc-status-details-bin; credentials: false; \
    ///      max-age: unset; private network: false; preflight status: 204"
    /// );
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn grpc_web(self) -> Self {
        self.allow_methods([Method::POST])
            .allow_headers(GRPC_WEB_REQUEST_HEADERS)
            .expose_headers(GRPC_WEB_EXPOSED_HEADERS)
    }

    /// [`grpc_web`](Self::grpc_web) plus the `authorization` request header,
    /// for clients that send bearer tokens as call metadata.
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .grpc_web_with_authorization()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// assert!(cors.policy().to_string().contains("grpc-timeout, authorization"));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn grpc_web_with_authorization(self) -> Self {
        self.grpc_web().allow_headers([AUTHORIZATION])
    }

    /// Adds what Connect and gRPC-Web calls need: [`CONNECT_METHODS`],
    /// [`CONNECT_REQUEST_HEADERS`], [`CONNECT_EXPOSED_HEADERS`]. Origins,
    /// credentials, `authorization` and custom headers stay yours to add;
    /// expose custom trailers as `trailer-<name>`.
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .connect_rpc()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// assert!(cors.policy().to_string().contains("methods: GET, POST;"));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn connect_rpc(self) -> Self {
        self.allow_methods(CONNECT_METHODS)
            .allow_headers(CONNECT_REQUEST_HEADERS)
            .expose_headers(CONNECT_EXPOSED_HEADERS)
    }
}
