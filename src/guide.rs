//! Guides: recipes, where the layer goes, testing policies, migrating from
//! tower-http, changing policies in production, several policies in one
//! layer. Documentation only; nothing here is code you call.

pub mod recipes {
    //! Policies for common situations.
    //!
    //! # A single-page app, plus local development
    //!
    //! Loopback origins (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`)
    //! are potentially trustworthy, so plain `http://` is fine for them even
    //! with credentials; a port pattern covers whatever port the dev server
    //! picked.
    //!
    //! ```
    //! use http::{header, Method};
    //! use tower_cors::CorsLayer;
    //!
    //! let mut origins = vec!["https://app.example.com"];
    //! if cfg!(debug_assertions) {
    //!     origins.extend(["http://localhost:*", "http://127.0.0.1:*"]);
    //! }
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(origins)
    //!     .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
    //!     .allow_headers([header::CONTENT_TYPE])
    //!     .allow_credentials(true)
    //!     .build()?;
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! # Multi-tenant subdomains
    //!
    //! `https://*.example.com` matches one or more labels before
    //! `example.com` (never `example.com` itself). Wildcards on public
    //! suffixes (`https://*.com`, `https://*.github.io`) are refused, as anyone
    //! can register a site there.
    //!
    //! # Tenants' own domains, from a database
    //!
    //! Tenants' custom domains (`https://shop.customer.example`) live in a
    //! table. [`allow_origin_lookup`](crate::CorsBuilder::allow_origin_lookup)
    //! asks it for origins the list and patterns did not match, with the
    //! origin alone, and caches the answer.
    //!
    //! **One instance.** The store sees one query per origin in use per TTL;
    //! concurrent requests for an origin share one query; after a change,
    //! [`invalidate_origin`](crate::CorsLayer::invalidate_origin) makes the
    //! next request ask again. `examples/tenants` is a whole server (SQLite
    //! by default, PostgreSQL through `DATABASE_URL`, an admin endpoint that
    //! invalidates what it changes).
    //!
    //! ```
    //! use std::time::Duration;
    //! use tower_cors::CorsLayer;
    //!
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(["https://example.com", "https://*.example.com"])
    //!     .allow_origin_lookup(|origin: String| async move { is_tenant_domain(&origin).await })
    //!     .origin_lookup_ttl(Duration::from_secs(60))
    //!     .origin_lookup_refused_ttl(Duration::from_secs(5))
    //!     .origin_lookup_timeout(Duration::from_secs(2))
    //!     .origin_lookup_concurrency(8) // at most the lookup's share of the pool
    //!     .allow_credentials(true)
    //!     .build()?;
    //!
    //! // Where a tenant's domain is added or removed:
    //! cors.invalidate_origin("https://shop.customer.example");
    //!
    //! async fn is_tenant_domain(origin: &str) -> Result<bool, std::io::Error> {
    //!     Ok(origin == "https://shop.customer.example") // a database query in real life
    //! }
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! **Many instances.** Each instance has its own cache, and
    //! `invalidate_origin` reaches only the process it is called in. Without
    //! more, instances disagree after a change for as long as the TTLs: a new
    //! tenant stays refused for up to `origin_lookup_refused_ttl` (5 s), a
    //! removed one allowed for up to `origin_lookup_ttl` (60 s), plus the
    //! browser's own preflight cache (`max_age`). The `tower-cors-postgres`
    //! crate (a member of this workspace) closes the gap on PostgreSQL:
    //! tenant origins in a `cors_origins` table, the policy itself as TOML
    //! text in a `cors_policy` row, and triggers that `NOTIFY` on every
    //! change. Each instance's listener `LISTEN`s, forgets a changed origin,
    //! and rebuilds a changed policy and
    //! [`replace`](crate::ReloadHandle::replace)s it, so every instance
    //! follows within a round trip, with no TTL to wait for. A policy row
    //! that does not build is refused by every instance, logged with each
    //! mistake, and the old policy stays. The listener reconnects with
    //! backoff, and since notifications sent meanwhile are lost, it then
    //! forgets every cached answer and reads the policy again. On another
    //! store, do the same with its change feed or your message bus: call
    //! `invalidate_origin` in every instance.
    //!
    //! **When the database fails.** Nothing waits longer than
    //! [`origin_lookup_timeout`](crate::CorsBuilder::origin_lookup_timeout)
    //! (2 s), the wait for a free lookup slot included.
    //!
    //! - Cached answers are served as before, within their TTLs: tenants in
    //!   use keep working through a short outage.
    //! - An origin not in the cache is refused (fail closed) when the store
    //!   errors or the timeout passes; the refusal is logged, counted
    //!   (`origin_lookup_failed`) and not cached, so the next request asks
    //!   again and a recovered store is heard at once.
    //! - [`origin_lookup_concurrency`](crate::CorsBuilder::origin_lookup_concurrency)
    //!   (32) bounds the lookups in flight: a client inventing origins, or a
    //!   slow store, never puts more queries on the database, and a lookup
    //!   that finds no free slot in time is refused as
    //!   `origin_lookup_saturated`. Keep it below the pool's size, so the
    //!   application keeps connections of its own.
    //! - [`origin_lookup_stale_if_error`](crate::CorsBuilder::origin_lookup_stale_if_error)
    //!   (off) serves an expired "allowed" answer for up to a grace while the
    //!   store fails. It keeps tenants up through a longer outage, at the cost
    //!   of revocation: a tenant removed meanwhile keeps access for up to TTL
    //!   plus grace on a server that had it cached. A refused answer is never
    //!   extended. Leave it off where a removal must take effect at once.
    //!
    //! [`allow_origin_async_predicate`](crate::CorsBuilder::allow_origin_async_predicate)
    //! stays for checks that depend on more than the origin (it sees the
    //! whole request head): it is asked on every such request, never cached,
    //! and unbounded in time, so cache and time-limit inside it yourself.
    //!
    //! # A public API
    //!
    //! Readable from any site, without cookies: `Access-Control-Allow-Origin: *`,
    //! and no `Vary: Origin`, so shared caches keep one copy.
    //!
    //! ```
    //! use std::time::Duration;
    //! use http::HeaderName;
    //! use tower_cors::{CorsLayer, MAX_MAX_AGE};
    //!
    //! let cors = CorsLayer::builder()
    //!     .allow_any_origin()
    //!     .allow_any_method()
    //!     .allow_any_header() // Authorization included: API keys in headers are fine
    //!     .expose_headers([HeaderName::from_static("x-ratelimit-remaining")])
    //!     .max_age(MAX_MAX_AGE)
    //!     .build()?;
    //! assert!(!cors.policy().varies_by_origin());
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! # Credentials (cookies)
    //!
    //! List every origin exactly (or with a subdomain pattern you control),
    //! over `https://`. `build()` refuses credentials with any origin and with
    //! plain-http non-loopback origins. CORS only decides who may *read*
    //! responses: keep CSRF protection (SameSite cookies, a custom header
    //! such as `x-csrf-token` that forces a preflight) for state-changing
    //! requests.
    //!
    //! ```
    //! use http::{header, HeaderName, Method};
    //! use tower_cors::CorsLayer;
    //!
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(["https://app.example.com", "https://admin.example.com"])
    //!     .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
    //!     .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("x-csrf-token")])
    //!     .allow_credentials(true)
    //!     .build()?;
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! # gRPC-Web
    //!
    //! [`CorsBuilder::grpc_web`](crate::CorsBuilder::grpc_web) allows what
    //! gRPC-Web clients send and exposes `grpc-status`, `grpc-message` and
    //! `grpc-status-details-bin`. In tonic, browsers speak HTTP/1.1, so the
    //! server needs `accept_http1(true)`; the CORS layer goes outside
    //! `tonic_web::GrpcWebLayer`, so it sees the browser's preflight and the
    //! final gRPC-Web response headers.
    //!
    //! ```no_run
    //! use tonic::transport::Server;
    //! use tonic_web::GrpcWebLayer;
    //! use tower_cors::CorsLayer;
    //! # use pb::GreeterServer;
    //! # #[derive(Clone)]
    //! # struct MyGreeter;
    //!
    //! #[tokio::main]
    //! async fn main() -> Result<(), Box<dyn std::error::Error>> {
    //!     let cors = CorsLayer::builder()
    //!         .grpc_web_with_authorization() // grpc_web() without bearer tokens
    //!         .allow_origins(["https://app.example.com"])
    //!         .build()?;
    //!     Server::builder()
    //!         .accept_http1(true) // gRPC-Web from browsers is HTTP/1.1
    //!         .layer(cors) // outermost
    //!         .layer(GrpcWebLayer::new())
    //!         .add_service(GreeterServer::new(MyGreeter)) // generated by tonic-prost-build
    //!         .serve("127.0.0.1:50051".parse()?)
    //!         .await?;
    //!     Ok(())
    //! }
    //! # mod pb {
    //! #     use std::{convert::Infallible, future::{ready, Ready}, task::{Context, Poll}};
    //! #     use tonic::body::Body;
    //! #     #[derive(Clone)]
    //! #     pub struct GreeterServer<T>(T);
    //! #     impl<T> GreeterServer<T> { pub fn new(t: T) -> Self { GreeterServer(t) } }
    //! #     impl<T> tonic::server::NamedService for GreeterServer<T> { const NAME: &'static str = "greeter.Greeter"; }
    //! #     impl<T> tower::Service<http::Request<Body>> for GreeterServer<T> {
    //! #         type Response = http::Response<Body>;
    //! #         type Error = Infallible;
    //! #         type Future = Ready<Result<http::Response<Body>, Infallible>>;
    //! #         fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> { Poll::Ready(Ok(())) }
    //! #         fn call(&mut self, _: http::Request<Body>) -> Self::Future { ready(Ok(http::Response::new(Body::empty()))) }
    //! #     }
    //! # }
    //! ```
    //!
    //! The repository's `examples/grpc-web/` is this server with its
    //! generated code, run against a gRPC-Web client in its tests.
    //!
    //! # Connect (connect-es, connect-web, connect-go clients)
    //!
    //! [`CorsBuilder::connect_rpc`](crate::CorsBuilder::connect_rpc) allows
    //! `GET` (Connect's side-effect-free calls) and `POST`, the Connect and
    //! gRPC-Web request headers, and exposes the status and encoding headers,
    //! as Connect's CORS guidance lists them. Add `authorization` and custom
    //! headers yourself, and expose custom trailers as `trailer-<name>`.
    //!
    //! ```
    //! use http::header::AUTHORIZATION;
    //! use tower_cors::CorsLayer;
    //!
    //! let cors = CorsLayer::builder()
    //!     .connect_rpc()
    //!     .allow_headers([AUTHORIZATION])
    //!     .allow_origins(["https://app.example.com"])
    //!     .allow_credentials(true)
    //!     .build()?;
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! # WebSocket routes
    //!
    //! Browsers apply no CORS check to WebSocket handshakes, so a CORS layer
    //! alone leaves sockets open to every site. Turn on
    //! [`CorsBuilder::guard_websockets`](crate::CorsBuilder::guard_websockets)
    //! on the layer around the socket route: handshakes from origins the
    //! policy refuses get `403` before the handler runs. The repository's
    //! `examples/websocket.rs` is an axum echo route behind it.
    //!
    //! ```
    //! use tower_cors::CorsLayer;
    //!
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(["https://app.example.com"])
    //!     .allow_credentials(true)
    //!     .guard_websockets(true)
    //!     .build()?;
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! # Different policies per route
    //!
    //! In axum, give each sub-router its own layer with `Router::layer` on a
    //! nested router or `Router::route_layer`; not `MethodRouter::route_layer`
    //! (`get(..).route_layer(..)`), which skips axum's 405 fallback so
    //! preflights never reach the layer. And no app-wide CORS layer around
    //! them: the outer one would answer every preflight first.
    //! One layer with routes does the same on the whole router
    //! ([several policies in one layer](super::several_policies)).
    //!
    //! ```
    //! use axum::{http::StatusCode, routing::get, Router};
    //! use http::{header, Method};
    //! use tower_cors::CorsLayer;
    //!
    //! // Public data: any origin, no cookies.
    //! let public_cors = CorsLayer::builder().allow_any_origin().allow_methods([Method::GET]).build()?;
    //! // The account API: one origin, with cookies.
    //! let account_cors = CorsLayer::builder()
    //!     .allow_origins(["https://app.example.com"])
    //!     .allow_methods([Method::GET, Method::PUT])
    //!     .allow_headers([header::CONTENT_TYPE])
    //!     .allow_credentials(true)
    //!     .build()?;
    //!
    //! // `layer` on a nested router covers every path under /public. The
    //! // fallback keeps unknown paths inside it too: without one, axum sends
    //! // /public/nope to the outer router's fallback, whose 404 has no CORS
    //! // headers (the page sees a network error instead of the 404).
    //! let public = Router::new()
    //!     .route("/status", get(|| async { "up" }))
    //!     .fallback(|| async { StatusCode::NOT_FOUND })
    //!     .layer(public_cors);
    //! // `route_layer` covers these routes, every method of each (the 405
    //! // fallback included); unknown paths get a plain 404.
    //! let account = Router::new()
    //!     .route("/profile", get(|| async { "Ada" }).put(|| async { "saved" }))
    //!     .route_layer(account_cors);
    //!
    //! let app: Router = Router::new().nest("/public", public).nest("/account", account);
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! # A policy from a configuration file
    //!
    //! With the `serde` feature, `CorsConfig` reads a
    //! policy from TOML (or JSON, YAML…): the builder's method names as
    //! fields, `max_age` in seconds. Unknown fields are refused, and an error
    //! names the field (`allow_origins[1]: ...`), so a bad file stops the
    //! server at startup with a line that says what to change.
    //!
    //! ```toml
    //! # cors.toml
    //! allow_origins = ["https://app.example.com", "https://*.preview.example.com"]
    //! allow_methods = ["GET", "POST", "DELETE"]
    //! allow_headers = ["content-type", "authorization"]
    //! allow_credentials = true
    //! max_age = 3600
    //! ```
    //!
    //! ```no_run
    //! # #[cfg(feature = "serde")]
    //! # mod doc {
    //! // Cargo.toml: tower-cors = { version = "0.1", features = ["serde"] }, toml = "1"
    //! use axum::{routing::get, Router};
    //! use tower_cors::{CorsConfig, CorsLayer};
    //!
    //! fn cors_from_file(path: &str) -> Result<CorsLayer, Box<dyn std::error::Error>> {
    //!     let config: CorsConfig = toml::from_str(&std::fs::read_to_string(path)?)?;
    //!     Ok(config.build()?) // ConfigError: "field[index]: problem and fix"
    //! }
    //!
    //! #[tokio::main]
    //! async fn main() {
    //!     let cors = cors_from_file("cors.toml").unwrap_or_else(|error| {
    //!         eprintln!("cors.toml: {error}");
    //!         std::process::exit(2);
    //!     });
    //!     let app: Router = Router::new().route("/api/items", get(|| async { "[]" })).layer(cors);
    //!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
    //!     axum::serve(listener, app).await.unwrap();
    //! }
    //! # }
    //! # fn main() {}
    //! ```
    //!
    //! To add what a file cannot say (an origin predicate), start from
    //! `CorsConfig::to_builder`.
}

pub mod placement {
    //! Where the layer goes in a middleware stack.
    //!
    //! **Outside authentication, rate limiting, error handling and
    //! `CatchPanicLayer`.** Browsers send preflights without cookies or
    //! `Authorization`, so an auth layer outside CORS answers them 401 and
    //! the real request is never sent. And every response the page should be
    //! able to read — 401, 429, 503, the 500 of a panicking handler — must
    //! pass through the CORS layer to get its headers; a response without
    //! them reaches the page as a CORS error. tower-http's `CatchPanicLayer`
    //! (its `catch-panic` feature) turns a panic into that 500: put it inside
    //! the CORS layer (without it the connection just drops).
    //!
    //! ```
    //! use axum::{routing::get, Router};
    //! use tower::ServiceBuilder;
    //! use tower_cors::CorsLayer;
    //! use tower_http::catch_panic::CatchPanicLayer;
    //!
    //! let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?;
    //! let app: Router = Router::new()
    //!     .route("/api/me", get(|| async { "me" }))
    //!     // ServiceBuilder: the first layer is the outermost.
    //!     .layer(
    //!         ServiceBuilder::new()
    //!             .layer(cors)
    //!             .layer(CatchPanicLayer::new())
    //!             .concurrency_limit(64),
    //!     );
    //! // In axum, a later `.layer(...)` call wraps the earlier ones, so add
    //! // auth and panic layers *before* the CORS layer:
    //! // Router::new().route(..).layer(auth).layer(CatchPanicLayer::new()).layer(cors)
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! `examples/hyper.rs` shows a full stack (CORS, error-to-response
    //! mapping, timeout, concurrency limit, auth), `examples/axum.rs` an axum
    //! one with `CatchPanicLayer`, and `tests/it/ordering.rs` pins down what
    //! goes wrong in the other order.
    //!
    //! Use one CORS layer per request path: an outer layer answers every
    //! preflight before an inner one could.
}

pub mod testing {
    //! Testing a policy.
    //!
    //! [`Policy::decide`](crate::Policy::decide) is a pure function of the
    //! request head: a policy test needs no service, no runtime and no
    //! mocks, and a rejection says why.
    //!
    //! ```
    //! use http::{Method, Request};
    //! use tower_cors::{CorsLayer, Decision, Rejection};
    //!
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(["https://*.preview.example.com"])
    //!     .allow_methods([Method::DELETE])
    //!     .build()?;
    //!
    //! let preflight = |origin: &str, method: &str| {
    //!     Request::options("/items/1")
    //!         .header("origin", origin)
    //!         .header("access-control-request-method", method)
    //!         .body(())
    //!         .unwrap()
    //!         .into_parts()
    //!         .0
    //! };
    //! let ok = preflight("https://pr-7.preview.example.com", "DELETE");
    //! assert!(matches!(cors.policy().decide(&ok), Decision::Preflight(_)));
    //!
    //! let apex = preflight("https://preview.example.com", "DELETE");
    //! let Decision::Rejected(rejected) = cors.policy().decide(&apex) else { panic!() };
    //! assert_eq!(rejected.reason(), Rejection::OriginNotAllowed("https://preview.example.com"));
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! Under [`allow_origin_async_predicate`](crate::CorsBuilder::allow_origin_async_predicate)
    //! `decide` cannot know the answer for an origin the static rules do not
    //! allow: it returns [`Decision::Deferred`](crate::Decision::Deferred),
    //! never a rejection the async check might overturn. Test the async
    //! check itself through the service (below).
    //!
    //! ```
    //! use http::Request;
    //! use tower_cors::{CorsLayer, Decision};
    //!
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(["https://app.example.com"])
    //!     .allow_origin_async_predicate(|_origin, _parts| async { false })
    //!     .build()?;
    //! let (head, ()) = Request::get("/")
    //!     .header("origin", "https://tenant.example")
    //!     .body(())
    //!     .unwrap()
    //!     .into_parts();
    //! assert!(matches!(cors.policy().decide(&head), Decision::Deferred(_)));
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! [`Policy::explain`](crate::Policy::explain) says the same in words,
    //! with the nearest configured value and the fix when a request is
    //! refused: print it in a failing test.
    //!
    //! ```
    //! use http::Request;
    //! use tower_cors::{CorsLayer, Hint};
    //!
    //! let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?;
    //! let (head, ()) = Request::get("/")
    //!     .header("origin", "https://app.example.com:8443")
    //!     .body(())
    //!     .unwrap()
    //!     .into_parts();
    //! let explanation = cors.policy().explain(&head);
    //! assert_eq!(
    //!     explanation.hints(),
    //!     [Hint::OriginPort { configured: "https://app.example.com".into() }]
    //! );
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
    //!
    //! To check the written headers and whether the inner service ran, wrap
    //! a `tower::service_fn` (or a `tower_test::mock` service, to also
    //! inspect the request it received and pick its response):
    //!
    //! ```
    //! use std::convert::Infallible;
    //! use http::{header, Request, Response};
    //! use tower::{Layer, ServiceExt};
    //! use tower_cors::CorsLayer;
    //!
    //! # #[tokio::main(flavor = "current_thread")]
    //! # async fn main() {
    //! let cors = CorsLayer::builder().allow_origins(["https://app.example.com"]).build().unwrap();
    //! let svc = cors.layer(tower::service_fn(|_req: Request<String>| async {
    //!     Ok::<_, Infallible>(Response::new(String::new()))
    //! }));
    //! let res = svc
    //!     .oneshot(Request::get("/").header(header::ORIGIN, "https://app.example.com").body(String::new()).unwrap())
    //!     .await
    //!     .unwrap();
    //! assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
    //! assert_eq!(res.headers()[header::VARY], "origin");
    //! # }
    //! ```
    //!
    //! `examples/testing.rs` shows all three styles.
}

pub mod migrating_from_tower_http {
    //! Migrating from tower-http's `CorsLayer`.
    //!
    //! Three differences in behaviour come first:
    //!
    //! - **Errors at build time, not panics at `layer()` time.** tower-http
    //!   asserts on invalid combinations (credentials with `*`) when the
    //!   layer is applied; [`CorsBuilder::build`](crate::CorsBuilder::build)
    //!   returns a [`ConfigError`](crate::ConfigError) naming the value and
    //!   the fix, and refuses more (malformed or non-canonical origins,
    //!   wildcards on public suffixes, forbidden methods and headers, ...).
    //! - **Which requests are preflights, and their statuses.** tower-http
    //!   answers every `OPTIONS` request itself, `200`, allowed or not.
    //!   tower-cors answers only real preflights (`OPTIONS` with `Origin` and
    //!   `Access-Control-Request-Method`): `204` (configurable with
    //!   `preflight_status`) when allowed, `403` without CORS headers when
    //!   the origin is refused, and the policy's own answer (which lacks the
    //!   method or header) when an allowed origin asks for too much, so the
    //!   browser's console names it. Other `OPTIONS` requests reach your
    //!   handlers.
    //! - **Nothing is mirrored blindly.** Echoing any origin with
    //!   credentials (`very_permissive`, `AllowOrigin::mirror_request`) lets
    //!   every site act as the user; tower-cors has no such switch.
    //!
    //! | tower-http | tower-cors |
    //! |---|---|
    //! | `CorsLayer::new()`, `CorsLayer::default()`, `Cors::layer()` | `CorsLayer::builder()` … `.build()?` (`build()` refuses a policy that allows no origin; the deprecated `CorsLayer::new()` returns the builder) |
    //! | `CorsLayer::permissive()` | `CorsLayer::permissive()` (same meaning) |
    //! | `CorsLayer::very_permissive()` | none on purpose: list the origins with `allow_origins([...])`, then `.allow_credentials(true).allow_any_method().allow_any_header()` |
    //! | `Cors::new(inner)` | `layer.layer(inner)` or `Cors::new(inner, &layer)` |
    //! | `Cors::permissive(inner)` | `CorsLayer::permissive().layer(inner)` |
    //! | `Cors::very_permissive(inner)` | see `very_permissive` |
    //! | setters on `Cors<S>` (`Cors::allow_origin`, ...) | configure the builder; `Cors<S>` is built from a compiled policy |
    //! | `.allow_origin(Any)`, `AllowOrigin::any()` | `.allow_any_origin()` |
    //! | `.allow_origin(HeaderValue)`, `AllowOrigin::exact(v)` | `.allow_origins(["https://app.example.com"])` (strings, validated, canonical form) |
    //! | `.allow_origin([v1, v2])`, `AllowOrigin::list(iter)` | `.allow_origins([...])`, plus patterns `"https://*.example.com"` and `"http://localhost:*"` |
    //! | `AllowOrigin::predicate(f)` | `.allow_origin_predicate(f)`: same `Fn(&HeaderValue, &Parts) -> bool`; asked only after the list, never for `null` |
    //! | `AllowOrigin::async_predicate(f)` | `.allow_origin_async_predicate(f)`: `Fn(&HeaderValue, &Parts) -> impl Future<Output = bool>`; asked only after the static rules |
    //! | `AllowOrigin::mirror_request()` | none on purpose; without credentials, `.allow_any_origin()` |
    //! | `.allow_methods(Any)`, `AllowMethods::any()` | `.allow_any_method()` |
    //! | `.allow_methods(Method)`, `.allow_methods([..])`, `AllowMethods::exact`/`list` | `.allow_methods(Method::PUT)`, `.allow_methods([..])` (also text: `["PUT"]`) |
    //! | `AllowMethods::mirror_request()` | `.allow_any_method()` (echoes the requested method when credentials are on, `*` otherwise) |
    //! | `.allow_headers(Any)`, `AllowHeaders::any()` | `.allow_any_header()` (also answers `authorization`, which `*` never covers) |
    //! | `.allow_headers([..])`, `AllowHeaders::list` | `.allow_headers([..])` (also text: `["x-api-key"]`) |
    //! | `AllowHeaders::mirror_request()` | `.allow_any_header()` (echoes the requested list when credentials are on) |
    //! | `.expose_headers(Any)`, `ExposeHeaders::any()` | `.expose_any_header()` (with credentials: the response's own header names) |
    //! | `.expose_headers([..])`, `ExposeHeaders::list` | `.expose_headers([..])` |
    //! | `.allow_credentials(true)`, `AllowCredentials::yes()` | `.allow_credentials(true)` |
    //! | `AllowCredentials::predicate(f)` | none: one answer per policy; use a policy per route |
    //! | `.max_age(Duration)`, `MaxAge::exact` | `.max_age(Duration)` (at most 24 h) |
    //! | `MaxAge::dynamic(f)` | none: one value per policy |
    //! | `.allow_private_network(true)`, `AllowPrivateNetwork::yes()` | `.allow_private_network(true)` |
    //! | `AllowPrivateNetwork::predicate(f)` | none: one answer per policy; use a policy per route |
    //! | `.vary([..])`, `Vary::list` | none needed: `Vary` is computed and merged with the inner service's |
    //! | `tower_http::cors::Any` | the `allow_any_*` / `expose_any_header` methods |
    //! | (tonic-web's former CORS defaults) | `.grpc_web()` |
    //!
    //! A typical port:
    //!
    //! ```
    //! use std::time::Duration;
    //! use http::{header, Method};
    //! use tower_cors::CorsLayer;
    //!
    //! // tower-http:
    //! // CorsLayer::new()
    //! //     .allow_origin(["https://app.example.com".parse::<HeaderValue>().unwrap()])
    //! //     .allow_methods([Method::GET, Method::POST])
    //! //     .allow_headers([header::CONTENT_TYPE])
    //! //     .allow_credentials(true)
    //! //     .max_age(Duration::from_secs(600))
    //! let cors = CorsLayer::builder()
    //!     .allow_origins(["https://app.example.com"])
    //!     .allow_methods([Method::GET, Method::POST])
    //!     .allow_headers([header::CONTENT_TYPE])
    //!     .allow_credentials(true)
    //!     .max_age(Duration::from_secs(600))
    //!     .build()?;
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
}

pub mod changing_policies {
    //! Changing a policy in production: reloading it without a restart,
    //! and trialling a tighter one before enforcing it.
    //!
    //! # Reload a `CorsConfig` file on SIGHUP
    //!
    //! Build the policy from the file at startup, make the layer
    //! [reloadable](crate::CorsLayer::reloadable), and build it again on
    //! each SIGHUP. A file with a mistake never becomes a policy: its
    //! [`ConfigError`](crate::ConfigError) names the field and the
    //! fix, you log it, and the policy already serving stays in force.
    //! `examples/reload_config.rs` is this recipe as a server.
    //!
    //! ```no_run
    //! # #[cfg(all(unix, feature = "serde"))]
    //! # async fn doc() -> Result<(), Box<dyn std::error::Error>> {
    //! use std::path::{Path, PathBuf};
    //! use tokio::signal::unix::{signal, SignalKind};
    //! use tower_cors::{CorsConfig, CorsLayer};
    //!
    //! fn load(path: &Path) -> Result<CorsLayer, String> {
    //!     let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    //!     let config: CorsConfig = toml::from_str(&text).map_err(|e| e.to_string())?;
    //!     // e.g. `allow_origins[2]: "https://App.example.com/" is not in canonical form, ...`
    //!     config.build().map_err(|e| e.to_string())
    //! }
    //!
    //! let path = PathBuf::from("/etc/myapp/cors.toml");
    //! let (cors, handle) = load(&path)?.reloadable();
    //! let mut hangups = signal(SignalKind::hangup())?;
    //! tokio::spawn(async move {
    //!     while hangups.recv().await.is_some() {
    //!         match load(&path) {
    //!             Ok(layer) => handle.replace(layer),
    //!             Err(error) => eprintln!("CORS policy not reloaded, the old one serves on: {error}"),
    //!         }
    //!     }
    //! });
    //! let app: axum::Router = axum::Router::new()
    //!     .route("/", axum::routing::get(|| async { "ok" }))
    //!     .layer(cors);
    //! # let _ = app;
    //! # Ok(())
    //! # }
    //! ```
    //!
    //! Requests that begin after [`replace`](crate::ReloadHandle::replace)
    //! are decided by the new policy; each request in flight finishes under
    //! the one it began with, never a mix of the two.
    //!
    //! # A fleet behind a load balancer
    //!
    //! Each server holds its own policy; nothing is shared between
    //! processes. Ship the same file to every server and send each one
    //! SIGHUP: the fleet converges on the file's policy once every server
    //! has reloaded it. Until then a client may meet either policy from one
    //! request to the next (each request wholly one of them), and a server
    //! whose reload failed keeps the old one and says so in its log: watch
    //! for that line, or compare [`current`](crate::ReloadHandle::current)'s
    //! `Display` across servers.
    //!
    //! # How soon a tightened policy takes effect
    //!
    //! Actual requests get the new policy's headers at once. Preflights are
    //! different: a browser keeps a preflight answer for its
    //! `Access-Control-Max-Age` (Chromium caps it at 2 hours, Firefox at
    //! 24 hours; without the header, 5 seconds), and meanwhile sends the
    //! requests that answer allowed without asking again. So after removing
    //! an origin, its requests may still *reach your handlers* for up to
    //! max-age (their responses lose the CORS headers at once, so scripts
    //! can no longer read them); after removing a method or a request
    //! header, browsers may keep sending it, and reading the answers, for up
    //! to max-age. To tighten on a schedule, first lower
    //! [`max_age`](crate::CorsBuilder::max_age) (say to 60 s), wait out the
    //! old max-age, then tighten. Loosening takes effect at once: an origin
    //! the old policy refused was never cached.
    //!
    //! # Trial a tighter policy first
    //!
    //! [`with_report_only`](crate::CorsLayer::with_report_only) enforces
    //! today's policy and tells you, request by request, what the tighter
    //! one would do differently: which clients it would lock out before it
    //! locks them out. Made reloadable, the same layer promotes the
    //! candidate without a restart (`examples/rollout.rs`).
    //!
    //! ```
    //! use tower_cors::{CorsLayer, Divergence, Verdict};
    //!
    //! let today = CorsLayer::builder()
    //!     .allow_origins(["https://app.example.com", "https://legacy.example.com"])
    //!     .build()?;
    //! let tighter = CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?;
    //! let (cors, handle) = today
    //!     .with_report_only(tighter.clone(), |d: &Divergence<'_>| {
    //!         if let Verdict::Refused(reason) = d.candidate() {
    //!             eprintln!("would refuse {} {} from {}: {reason}", d.method(), d.path(), d.origin());
    //!         }
    //!     })
    //!     .reloadable();
    //! // Once the reports are quiet:
    //! handle.replace(tighter);
    //! # let _ = cors;
    //! # Ok::<(), tower_cors::ConfigError>(())
    //! ```
}

pub mod cors_is_not_csrf_protection;
pub mod several_policies;
