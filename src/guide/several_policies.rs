//! Several policies in one layer: [`route`](crate::CorsBuilder::route) for
//! parts of the app, [`origin_group`](crate::CorsBuilder::origin_group) for
//! sets of origins with other rights.
//!
//! # When to use them
//!
//! One layer in front of the whole app, when its parts need different
//! answers:
//!
//! - public assets or data under a path, readable from any origin (`*`,
//!   without credentials);
//! - a credentialed API that only your own front end may call;
//! - first-party or admin origins with more methods or headers, wherever
//!   they call;
//! - partner origins with their own exposed headers or max-age.
//!
//! ```
//! use std::time::Duration;
//! use http::{header, Method};
//! use tower_cors::CorsLayer;
//!
//! let cors = CorsLayer::builder()
//!     // The base: every path no route covers.
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods([Method::GET])
//!     .allow_credentials(true)
//!     .route("/assets", |r| r.allow_any_origin().allow_credentials(false))
//!     .route("/api", |r| {
//!         r.allow_methods([Method::GET, Method::PUT])
//!             .allow_headers([header::CONTENT_TYPE])
//!     })
//!     .origin_group(["https://admin.example.com"], |g| {
//!         g.allow_methods([Method::GET, Method::PUT, Method::DELETE])
//!     })
//!     .origin_group(["https://*.partner.example"], |g| {
//!         g.allow_credentials(false)
//!             .expose_headers(["x-request-id"])
//!             .max_age(Duration::from_secs(600))
//!     })
//!     .build()?;
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```
//!
//! `examples/several_policies.rs` is a server with one such layer.
//!
//! # Which settings a request gets
//!
//! 1. **The route.** The longest route prefix that the request's path
//!    equals or lies under, on a segment boundary: `/api` covers `/api` and
//!    `/api/users`, never `/apis`. Paths compare case-sensitively, as sent;
//!    the query is ignored. A preflight is answered under the route of its
//!    own path, the URL of the request it asks for. No matching route: the
//!    base.
//! 2. **The origin group.** The first group whose origins match the
//!    request's `Origin`: the route's own groups first, then the base's.
//! 3. **The merge.** Base, then route, then group, setting by setting: a
//!    setting the closure makes replaces the enclosing one, every other
//!    setting is inherited. A list is one setting: a route's
//!    `allow_headers([..])` replaces the base's list, it does not add to it.
//!    The origin rule is one setting too: `allow_origins`,
//!    `allow_any_origin`, the predicates and the async check are replaced
//!    together.
//!
//! A group's origins are allowed wherever the group applies, even under a
//! route that lists other origins, and are echoed, never answered `*`.
//! Responses then carry `Vary: Origin`, under `allow_any_origin` too. A
//! group inherits credentials like any other setting: under a credentialed
//! base, a partner group that must not get cookies says
//! `allow_credentials(false)`.
//!
//! Route prefixes match the path the layer sees. On the outermost axum
//! router that is the request's path; on a router given to `nest`, axum has
//! removed the nest's prefix.
//!
//! [`Policy::explain`](crate::Policy::explain) names the route and group
//! that decided:
//!
//! ```
//! use http::{header, Request};
//! use tower_cors::{CorsLayer, Rejection, Verdict};
//!
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_headers([header::CONTENT_TYPE])
//!     .route("/api/admin", |r| r.allow_headers(["x-admin-token"]))
//!     .build()?;
//! let (parts, ()) = Request::options("/api/admin/users")
//!     .header(header::ORIGIN, "https://app.example.com")
//!     .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
//!     .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
//!     .body(())?
//!     .into_parts();
//! let explanation = cors.policy().explain(&parts);
//! assert_eq!(explanation.route(), Some("/api/admin"));
//! // The route's list replaced the base's: `content-type` is not in it.
//! assert_eq!(explanation.verdict(), Verdict::Refused(Rejection::HeaderNotAllowed("content-type")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Validated as a whole
//!
//! [`build`](crate::CorsBuilder::build) checks every combination as it
//! applies: the base, each route, each group, and each route with each
//! group. It reports every mistake at once, each once, where it first
//! appears, and names its place; a mistake a route inherits from the base
//! is the base's.
//!
//! ```
//! use tower_cors::CorsLayer;
//!
//! let err = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_credentials(true)
//!     // Inherits the credentials, which `*` cannot have.
//!     .route("/public", |r| r.allow_any_origin())
//!     .route("/api", |r| r.origin_group(["http://partner.example"], |g| g))
//!     .build()
//!     .unwrap_err();
//! let places: Vec<_> = err
//!     .errors()
//!     .iter()
//!     .map(|e| e.location().and_then(|at| at.route()))
//!     .collect();
//! assert_eq!(places, [Some("/public"), Some("/api")]);
//! assert!(err.errors()[0].to_string().starts_with("route \"/public\": allow_credentials(true)"));
//! assert!(err.errors()[1].to_string().starts_with("route \"/api\", origin group [\"http://partner.example\"]: "));
//! ```
//!
//! # When separate layers are still right
//!
//! Give each part its own layer (`examples/per_route.rs`,
//! [recipes](super::recipes#different-policies-per-route)) when:
//!
//! - the parts are separate routers or services, owned by different teams,
//!   each with its own policy in its own code;
//! - a policy's layer must sit at another position in the stack than the
//!   rest, for example after authentication.
//!
//! One layer cannot do either: it sits at one place and holds the whole
//! set.
//!
//! # Migrating from per-route layers
//!
//! Per-route layers leave gaps one layer does not:
//!
//! - With `Router::route_layer`, a path no route matches gets axum's 404
//!   without CORS headers, and the page sees a network error instead of the
//!   404. One layer on the whole router answers it under its route.
//! - tower-http's `CorsLayer` appends its `Vary` line to a response without
//!   merging it with one already there, so a response that passes an
//!   app-wide layer and a per-route one can carry `Vary` twice. It also
//!   answers every `OPTIONS` request itself, so an inner layer never sees a
//!   preflight.
//!
//! Move each layer's settings into a `route` under the prefix it wrapped,
//! keep the settings every part shares in the base, and put the one layer
//! on the outermost router:
//!
//! ```
//! use axum::{routing::get, Router};
//! use http::{header, Method};
//! use tower_cors::CorsLayer;
//!
//! // Before: Router::new()
//! //     .nest("/public", public.layer(public_cors))
//! //     .nest("/account", account.route_layer(account_cors))
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods([Method::GET])
//!     .route("/public", |r| r.allow_any_origin())
//!     .route("/account", |r| {
//!         r.allow_methods([Method::GET, Method::PUT])
//!             .allow_headers([header::CONTENT_TYPE])
//!             .allow_credentials(true)
//!     })
//!     .build()?;
//! let app: Router = Router::new()
//!     .route("/public/status", get(|| async { "up" }))
//!     .route("/account/profile", get(|| async { "Ada" }).put(|| async { "saved" }))
//!     .layer(cors);
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```
