//! CORS for [Tower](https://docs.rs/tower) services — axum, tonic, hyper —
//! exact to the Fetch standard, validated when it is built, and able to say
//! why it rejected a request.
//!
//! # Quick start
//!
//! ```
//! use std::time::Duration;
//! use axum::{routing::get, Router};
//! use http::{header, Method};
//! use tower_cors::CorsLayer;
//!
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com", "https://*.preview.example.com"])
//!     .allow_methods([Method::GET, Method::POST, Method::DELETE])
//!     .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
//!     .allow_credentials(true)
//!     .max_age(Duration::from_secs(3600))
//!     .build()
//!     .expect("valid CORS configuration"); // a ConfigError names the bad value and the fix
//!
//! let app: Router = Router::new()
//!     .route("/api/items", get(|| async { "[]" }))
//!     .layer(cors);
//! ```
//!
//! # How a request flows
//!
//! 1. **Classify**: no `Origin` → not CORS;
//!    `OPTIONS` + `Origin` + `Access-Control-Request-Method` → preflight;
//!    anything else with `Origin` → actual request. Malformed CORS headers are
//!    a typed [`Malformed`] rejection, never a panic.
//! 2. **Decide** ([`Policy::decide`]), a pure function of the request head and
//!    the policy compiled by [`CorsBuilder::build`]: [`Decision::NotCors`],
//!    [`Decision::Actual`], [`Decision::Preflight`], [`Decision::Rejected`]
//!    with a [`Rejection`] reason, or [`Decision::Deferred`] when only the
//!    async origin check can decide. Guards are rules here too: a refused
//!    WebSocket handshake or cross-origin write is a rejection of its own
//!    [`RequestKind`]. [`Policy::explain`] says the same in words, with the
//!    fix for a refusal.
//! 3. **Resolve**: a deferred origin is asked of the origin lookup (cached,
//!    single-flight, bounded); its answer becomes the same [`Decision`] a
//!    static rule gives.
//! 4. **Write** ([`Cors`]): one stage writes every answer from the decision.
//!    An allowed preflight is answered with the
//!    configured 2xx status and the inner service is never called. A
//!    preflight from an allowed origin that asks for a method or header the
//!    policy lacks gets the same answer with the policy's own lists, so the
//!    browser's console names what is missing; other rejected preflights get
//!    403 with no CORS headers. Actual requests always reach the inner
//!    service, and its response gets CORS headers only if allowed (under
//!    any-origin, `Access-Control-Allow-Origin: *` goes on every response).
//!    `Vary` is merged with what the inner service set.
//!
//! Logs (`tracing`), counters (`metrics`), report-only trials and
//! [`Policy::explain`] observe decisions; none of them writes a response.
//!
//! # What `build()` refuses
//!
//! Credentials with any origin; `*`, `null` and `file://` as listed origins;
//! origins with a path, query, fragment or user info, or not in the canonical
//! form browsers send (the error names the canonical form); wildcards other
//! than a leading subdomain label or the port; subdomain wildcards on public
//! suffixes (every entry of the Public Suffix List, ICANN and private, see
//! [`ConfigError::WildcardOnPublicSuffix`]); plain `http://` origins
//! with credentials unless [`CorsBuilder::allow_credentials_over_http`]
//! (loopback hosts are always fine); CONNECT, TRACE and TRACK; forbidden
//! request headers; `*` as a listed method or header name; `Set-Cookie` as
//! an exposed header; max-age above 86400 s; non-2xx preflight statuses; a
//! policy that allows no origin at all; the six standard methods in
//! lowercase; several origins in one string; text that is not a method or
//! header name. Every mistake is reported at once: see [`ConfigError`]. What
//! it accepts but browsers treat otherwise is in [`CorsLayer::warnings`].
//!
//! The list-taking methods take one value or a list, typed or as text:
//! `allow_methods(Method::PUT)`, `allow_headers(["x-api-key"])` (see
//! [`lists`]).
//!
//! # Testing a policy
//!
//! A policy needs no service and no runtime:
//!
//! ```
//! use http::{header, Request};
//! use tower_cors::{CorsLayer, Decision, Rejection};
//!
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods([http::Method::PUT])
//!     .build()
//!     .unwrap();
//! let (parts, ()) = Request::options("/items/1")
//!     .header(header::ORIGIN, "https://app.example.com")
//!     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "DELETE")
//!     .body(())
//!     .unwrap()
//!     .into_parts();
//! let Decision::Rejected(rejected) = cors.policy().decide(&parts) else { panic!() };
//! assert_eq!(rejected.reason(), Rejection::MethodNotAllowed("DELETE"));
//! assert_eq!(rejected.to_string(), "CORS preflight rejected: method \"DELETE\" is not allowed");
//! ```
//!
//! # Guides
//!
//! - [Recipes](guide::recipes): SPA with local development, multi-tenant
//!   subdomains, public API, credentials, gRPC-Web, Connect, WebSocket
//!   routes, per-route policies.
//! - [Where the layer goes](guide::placement) in a middleware stack.
//! - [Testing policies](guide::testing).
//! - [Migrating from tower-http](guide::migrating_from_tower_http), with a
//!   table of every tower-http method.
//! - [Changing policies in production](guide::changing_policies): reload a
//!   policy from a file on SIGHUP, trial a tighter one (report-only), and
//!   how soon browsers see a change.
//! - [CORS is not CSRF protection](guide::cors_is_not_csrf_protection): what
//!   CORS does not stop, and refusing cross-origin writes with the same
//!   origin list.
//! - [Several policies in one layer](guide::several_policies): routes and
//!   origin groups, how they merge, and migrating from per-route layers.
//!
//! # Features
//!
//! - `tracing`: one `debug` event per rejected request (target `tower_cors`;
//!   fields `method`, `path`, `origin`, `kind`, `reason`), an `info`
//!   summary of each compiled policy, a `warn` event per [`ConfigWarning`],
//!   and a `warn` event (target `tower_cors::report_only`) per request a
//!   report-only candidate decides differently. Without it, nothing is
//!   emitted.
//! - `metrics`: the counter `tower_cors_requests_total`, labelled `kind`
//!   (`preflight`, `actual`, `websocket`, `cross_origin_write`, `not_cors`)
//!   and `outcome` (`allowed`, `origin_not_allowed`, `method_not_allowed`,
//!   `header_not_allowed`, `malformed`, `origin_lookup_failed`,
//!   `origin_lookup_saturated`, `write_without_origin`), through the
//!   [`metrics`](https://docs.rs/metrics) facade:
//!   install the exporter of your choice. Labels never hold request values,
//!   so the number of series is bounded. Without it, nothing is recorded.
//! - `serde`: `CorsConfig`, a configuration read from TOML, JSON, YAML…,
//!   validated like the builder, with errors naming the field.
//! - `origin-lookup` (on by default):
//!   [`CorsBuilder::allow_origin_lookup`], origins from a store, cached,
//!   single-flight, with a timeout. It runs on Tokio (a task and a timer per
//!   lookup), which axum, tonic and hyper servers already use; turn default
//!   features off to build without Tokio. With `tracing`, a failed lookup is
//!   a `warn` event (target `tower_cors::origin_lookup`) with its error.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
#[cfg(feature = "serde")]
mod config;
mod connect_rpc;
mod error;
mod grpc_web;
pub mod guide;
mod headers;
pub mod lists;
mod lookup;
mod names;
mod observe;
mod origin_config;
mod origin_match;
mod policy;
mod public_suffix;
mod punycode;
mod request;
mod response;
mod service;
mod source;
mod warning;

pub use builder::{CorsBuilder, MAX_MAX_AGE};
#[cfg(feature = "serde")]
pub use config::{CorsConfig, CorsOverrides};
pub use connect_rpc::{CONNECT_EXPOSED_HEADERS, CONNECT_METHODS, CONNECT_REQUEST_HEADERS};
pub use error::{ConfigError, Location};
pub use grpc_web::{GRPC_WEB_EXPOSED_HEADERS, GRPC_WEB_REQUEST_HEADERS};
pub use observe::explain::{Check, Explanation, Hint};
pub use observe::report_only::Divergence;
pub use observe::Verdict;
pub use policy::{AllowedActual, AllowedPreflight, Decision, Policy};
pub use request::{
    Malformed, Rejected, Rejection, RequestKind, MAX_REQUEST_HEADERS_BYTES,
    MAX_REQUEST_HEADERS_ITEMS,
};
pub use service::{Cors, ResponseFuture};
pub use source::reload::ReloadHandle;
pub use source::CorsLayer;
pub use warning::ConfigWarning;

/// The README's Rust blocks, compiled (and those not marked `no_run` run)
/// by `cargo test --doc`, so that each one works as pasted.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
