//! The gRPC-Web preset: [`CorsBuilder::grpc_web`].

use http::header::{HeaderName, AUTHORIZATION, CONTENT_TYPE};
use http::Method;

use crate::builder::CorsBuilder;

/// Request headers gRPC-Web clients (grpc-web, Connect, tonic-web clients)
/// send: `x-grpc-web`, `content-type`, `x-user-agent`, `grpc-timeout`.
pub const GRPC_WEB_REQUEST_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static("x-grpc-web"),
    CONTENT_TYPE,
    HeaderName::from_static("x-user-agent"),
    HeaderName::from_static("grpc-timeout"),
];

/// Response headers gRPC-Web clients must read: `grpc-status`,
/// `grpc-message`, `grpc-status-details-bin` (sent as headers in
/// trailers-only responses, i.e. most errors).
pub const GRPC_WEB_EXPOSED_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("grpc-status"),
    HeaderName::from_static("grpc-message"),
    HeaderName::from_static("grpc-status-details-bin"),
];

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
}
