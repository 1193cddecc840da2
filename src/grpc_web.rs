//! The headers of the gRPC-Web preset, [`CorsBuilder::grpc_web`](crate::CorsBuilder::grpc_web).

use http::header::{HeaderName, CONTENT_TYPE};

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
