//! The methods and headers of the Connect preset,
//! [`CorsBuilder::connect_rpc`](crate::CorsBuilder::connect_rpc): the lists
//! of Connect's CORS guidance (connectrpc.com, "CORS", and the
//! `connectrpc.com/cors` Go package), which cover the Connect, gRPC-Web and
//! gRPC protocols that Connect servers speak.

use http::header::{HeaderName, CONTENT_ENCODING, CONTENT_TYPE};
use http::Method;

/// Methods Connect clients use: `POST` for every call, `GET` for
/// side-effect-free calls (Connect GET, which needs no preflight when it
/// sends no extra headers).
pub const CONNECT_METHODS: [Method; 2] = [Method::GET, Method::POST];

/// Request headers Connect clients (connect-es, connect-web, connect-go)
/// send: `content-type`, `connect-protocol-version`, `connect-timeout-ms`,
/// `connect-accept-encoding`, `connect-content-encoding`,
/// `content-encoding`, and for gRPC-Web `grpc-timeout`, `x-grpc-web`,
/// `x-user-agent`. Connect's list also names `accept-encoding`, a forbidden
/// request header that scripts cannot set, so it is left out here.
pub const CONNECT_REQUEST_HEADERS: [HeaderName; 9] = [
    CONTENT_TYPE,
    HeaderName::from_static("connect-protocol-version"),
    HeaderName::from_static("connect-timeout-ms"),
    HeaderName::from_static("connect-accept-encoding"),
    HeaderName::from_static("connect-content-encoding"),
    CONTENT_ENCODING,
    HeaderName::from_static("grpc-timeout"),
    HeaderName::from_static("x-grpc-web"),
    HeaderName::from_static("x-user-agent"),
];

/// Response headers Connect clients read: `grpc-status`, `grpc-message`,
/// `grpc-status-details-bin` (gRPC-Web errors), `content-encoding` and
/// `connect-content-encoding` (compressed responses).
pub const CONNECT_EXPOSED_HEADERS: [HeaderName; 5] = [
    HeaderName::from_static("grpc-status"),
    HeaderName::from_static("grpc-message"),
    HeaderName::from_static("grpc-status-details-bin"),
    CONTENT_ENCODING,
    HeaderName::from_static("connect-content-encoding"),
];
