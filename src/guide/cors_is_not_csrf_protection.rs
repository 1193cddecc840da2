//! CORS is not CSRF protection: what the origin list stops, and what
//! [`guard_cross_origin_writes`](crate::CorsBuilder::guard_cross_origin_writes)
//! adds.
//!
//! # What CORS does not stop
//!
//! CORS decides whether a *script* may read a response. It does not decide
//! whether a request reaches your handler. A page on any site can still
//! send, with the user's cookies:
//!
//! - an HTML `<form method="post">` (urlencoded, multipart or text/plain),
//!   submitted by script or by the user;
//! - `fetch(url, { method: "POST", mode: "no-cors", credentials: "include" })`
//!   with a simple body;
//! - any "simple" request (GET, HEAD, POST with a safelisted content type),
//!   which browsers send without a preflight.
//!
//! The response is hidden from the page, but the transfer, the password
//! change or the order has happened. An origin missing from
//! [`allow_origins`](crate::CorsBuilder::allow_origins) does not make the
//! request fail. `SameSite=Lax` cookies help, but not against same-site
//! subdomains, and Chromium still sends a cookie without a `SameSite`
//! attribute on top-level cross-site POSTs in its first two minutes.
//!
//! # What the guard stops
//!
//! With `guard_cross_origin_writes(true)`, every state-changing request
//! (any method but GET, HEAD and OPTIONS) that a browser sends from an
//! origin the policy does not allow gets 403 and never reaches the inner
//! service. It uses the same origin rules as CORS (listed origins,
//! patterns, predicates, the origin lookup; a failed lookup refuses), so
//! there is no second list to keep in step. It decides as Go's
//! `net/http.CrossOriginProtection`:
//!
//! 1. `Sec-Fetch-Site: same-origin` or `none` (typed in the address bar)
//!    passes.
//! 2. Any other `Sec-Fetch-Site` (`cross-site`, `same-site`) passes only if
//!    the policy allows the `Origin`; no `Origin`, or `null`, is refused.
//! 3. Without `Sec-Fetch-Site` (browsers before 2023, or not a browser): no
//!    `Origin` passes; an `Origin` naming the request's own `Host` and port
//!    passes; anything else passes only if the policy allows it.
//!
//! A request that passes is then decided as usual: CORS headers only if the
//! origin is allowed.
//!
//! ```
//! use axum::{routing::post, Router};
//! use tower_cors::CorsLayer;
//!
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_credentials(true)
//!     .guard_cross_origin_writes(true)
//!     .build()?;
//! let app: Router = Router::new().route("/api/transfer", post(|| async { "done" })).layer(cors);
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```
//!
//! # What it does not stop
//!
//! - **Origins the policy allows.** A same-site subdomain you list (or a
//!   pattern such as `https://*.example.com` matches) may write, and so may
//!   any script injected into it. List only the origins whose pages should
//!   write.
//! - **Clients that are not browsers.** curl, servers and scripts send any
//!   `Origin` and `Sec-Fetch-Site` they like, or none, and pass. The guard
//!   protects a browser's ambient credentials (cookies, TLS client
//!   certificates, HTTP auth); every client still needs authentication and
//!   authorization.
//! - **GET requests that change state.** They are never checked: make them
//!   POST, PUT, PATCH or DELETE.
//! - **Endpoints that take writes from anywhere**, such as a webhook
//!   receiver: serve them without the guard (a separate layer).
//!
//! # `Origin: null`
//!
//! Browsers send `Origin: null` on form and no-cors POSTs from a page whose
//! referrer policy is `no-referrer`, from sandboxed iframes, from `file:`
//! pages, and (by the Fetch standard) from https pages posting to http. The
//! guard refuses those: no origin rule can say who sent them. If your own
//! pages set `Referrer-Policy: no-referrer`, use `same-origin` or
//! `strict-origin-when-cross-origin` (the default) instead, and serve the
//! API over https.
//!
//! # Behind a proxy
//!
//! Without `Sec-Fetch-Site`, the guard compares `Origin` with the request's
//! `Host` (HTTP/2: the `:authority`), filling in the origin's default port
//! (`https://api.example.com` equals `api.example.com` and
//! `api.example.com:443`). A proxy that rewrites `Host` to an internal name
//! (`backend:8080`) breaks that comparison, and same-origin writes from old
//! browsers are refused. To tell, run [`Policy::explain`](crate::Policy::explain)
//! on a refused request: its `Host` check names the host the server saw.
//! Then have the proxy keep `Host` (nginx: `proxy_set_header Host $host;`),
//! or list your own public origin in `allow_origins`.
//!
//! # Trial it first
//!
//! Turn the guard on in a report-only candidate: requests are still
//! decided by today's policy, and each write the guard would refuse is
//! reported, with kind [`RequestKind::CrossOriginWrite`](crate::RequestKind::CrossOriginWrite).
//! Enforce it once the reports name only requests you mean to refuse.
//!
//! ```
//! use tower_cors::{CorsLayer, Divergence, RequestKind};
//!
//! let today = CorsLayer::builder().allow_origins(["https://app.example.com"]);
//! let guarded = today.clone().guard_cross_origin_writes(true).build()?;
//! let cors = today.build()?.with_report_only(guarded, |d: &Divergence<'_>| {
//!     if d.kind() == RequestKind::CrossOriginWrite {
//!         eprintln!("the guard would refuse {} {} from {:?}", d.method(), d.path(), d.origin());
//!     }
//! });
//! # let _ = cors;
//! # Ok::<(), tower_cors::ConfigError>(())
//! ```
//!
//! With the `metrics` feature, refused writes are counted under
//! `kind="cross_origin_write"`; with `tracing`, each is a `debug` event.
