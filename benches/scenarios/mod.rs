//! The benchmark scenarios of BENCHMARKS.md, shared by `benches/cors.rs`
//! (timing), `benches/instructions.rs` (instruction counts) and
//! `tests/allocations.rs` (allocation counts), so all measure the same
//! requests under the same configurations.
//!
//! Every scenario has three contestants around the same inner service: no
//! layer, tower-http's `CorsLayer` configured equivalently, and ours.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

/// The three allowed origins of the small policies.
pub const ORIGINS: [&str; 3] = [
    "https://app.example.com",
    "https://admin.example.com",
    "https://example.org",
];

/// An inner service that is always ready and answers at once with an empty
/// body and one header, as a real handler's response has headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inner;

impl Service<Request<()>> for Inner {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        drop(request);
        let mut response = Response::new(());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        ready(Ok(response))
    }
}

/// The three contestants of one scenario.
pub struct Contestants {
    pub none: Inner,
    pub tower_http: tower_http::cors::Cors<Inner>,
    pub ours: tower_cors::Cors<Inner>,
}

/// Which contestant, for tables and profiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    None,
    TowerHttp,
    Ours,
}

impl Who {
    pub const ALL: [Who; 3] = [Who::None, Who::TowerHttp, Who::Ours];

    pub fn name(self) -> &'static str {
        match self {
            Who::None => "no layer",
            Who::TowerHttp => "tower-http",
            Who::Ours => "tower-cors",
        }
    }
}

/// One scenario: a prebuilt request and both layers configured alike.
pub struct Scenario {
    /// `a` to `i`, as in BENCHMARKS.md.
    pub id: &'static str,
    pub name: &'static str,
    pub request: Request<()>,
    pub tower_http: tower_http::cors::CorsLayer,
    pub ours: tower_cors::CorsLayer,
}

impl Scenario {
    pub fn contestants(&self) -> Contestants {
        Contestants {
            none: Inner,
            tower_http: self.tower_http.layer(Inner),
            ours: self.ours.layer(Inner),
        }
    }
}

/// A request as a browser sends it: a few ordinary headers besides CORS ones.
fn request(method: Method, cors_headers: &[(HeaderName, &str)]) -> Request<()> {
    let mut builder = Request::builder()
        .method(method)
        .uri("/api/items")
        .header(header::HOST, "api.example.com")
        .header(header::USER_AGENT, "Mozilla/5.0 (X11; Linux x86_64)")
        .header(header::ACCEPT, "*/*");
    for (name, value) in cors_headers {
        builder = builder.header(name, *value);
    }
    builder.body(()).expect("valid request")
}

fn get_from(origin: &str) -> Request<()> {
    request(Method::GET, &[(header::ORIGIN, origin)])
}

fn preflight_put(origin: &str) -> Request<()> {
    request(
        Method::OPTIONS,
        &[
            (header::ORIGIN, origin),
            (header::ACCESS_CONTROL_REQUEST_METHOD, "PUT"),
            (
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                "content-type,x-requested-with",
            ),
        ],
    )
}

fn values<'a>(origins: impl IntoIterator<Item = &'a str>) -> Vec<HeaderValue> {
    origins
        .into_iter()
        .map(|o| HeaderValue::from_str(o).expect("valid origin"))
        .collect()
}

/// tower-http with the three exact origins.
fn theirs_three() -> tower_http::cors::CorsLayer {
    tower_http::cors::CorsLayer::new().allow_origin(values(ORIGINS))
}

/// Ours with the three exact origins.
fn ours_three() -> tower_cors::CorsBuilder {
    tower_cors::CorsLayer::builder().allow_origins(ORIGINS)
}

/// The 1 000 exact origins of scenario (e).
pub fn thousand_origins() -> Vec<String> {
    (0..1000)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

/// All scenarios, in BENCHMARKS.md's order.
pub fn all() -> Vec<Scenario> {
    let x_requested_with = HeaderName::from_static("x-requested-with");
    let thousand = thousand_origins();
    let last = thousand.last().expect("1000 origins").clone();
    vec![
        Scenario {
            id: "a",
            name: "GET without Origin",
            request: request(Method::GET, &[]),
            tower_http: theirs_three(),
            ours: ours_three().build().expect("valid"),
        },
        Scenario {
            id: "b",
            name: "simple GET, allowed origin, 3 exact origins",
            request: get_from(ORIGINS[1]),
            tower_http: theirs_three(),
            ours: ours_three().build().expect("valid"),
        },
        Scenario {
            id: "c",
            name: "GET from a disallowed origin",
            request: get_from("https://evil.example.net"),
            tower_http: theirs_three(),
            ours: ours_three().build().expect("valid"),
        },
        Scenario {
            id: "d",
            name: "allowed preflight: PUT + content-type, x-requested-with",
            request: preflight_put(ORIGINS[1]),
            tower_http: theirs_three()
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([header::CONTENT_TYPE, x_requested_with.clone()])
                .max_age(Duration::from_secs(600)),
            ours: ours_three()
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([header::CONTENT_TYPE, x_requested_with])
                .max_age(Duration::from_secs(600))
                .build()
                .expect("valid"),
        },
        Scenario {
            id: "e",
            name: "GET from the last of 1 000 exact origins",
            request: get_from(&last),
            tower_http: tower_http::cors::CorsLayer::new()
                .allow_origin(values(thousand.iter().map(String::as_str))),
            ours: tower_cors::CorsLayer::builder()
                .allow_origins(&thousand)
                .build()
                .expect("valid"),
        },
        Scenario {
            id: "f",
            name: "subdomain pattern https://*.example.com",
            request: get_from("https://app.example.com"),
            tower_http: tower_http::cors::CorsLayer::new().allow_origin(
                tower_http::cors::AllowOrigin::predicate(|origin, _| {
                    origin
                        .as_bytes()
                        .strip_prefix(b"https://")
                        .is_some_and(|host| host.ends_with(b".example.com"))
                }),
            ),
            ours: tower_cors::CorsLayer::builder()
                .allow_origins(["https://*.example.com"])
                .build()
                .expect("valid"),
        },
        Scenario {
            id: "g",
            name: "permissive preflight",
            request: preflight_put(ORIGINS[1]),
            tower_http: tower_http::cors::CorsLayer::permissive(),
            ours: tower_cors::CorsLayer::permissive(),
        },
        Scenario {
            id: "h",
            name: "credentials, simple GET, 3 exact origins",
            request: get_from(ORIGINS[1]),
            tower_http: theirs_three().allow_credentials(true),
            ours: ours_three().allow_credentials(true).build().expect("valid"),
        },
        Scenario {
            id: "i",
            name: "(b) under the longest of 50 routes",
            request: get_from(ORIGINS[1]),
            // tower-http has no routes: one layer with (b)'s policy.
            tower_http: theirs_three(),
            ours: fifty_routes().build().expect("valid"),
        },
    ]
}

/// (b)'s policy with 50 routes; the request's path `/api/items` lies under
/// `/api` and `/api/items`, and the longer one, which decides, changes only
/// what (b)'s response does not read (its preflight answers).
fn fifty_routes() -> tower_cors::CorsBuilder {
    let mut builder = ours_three().route("/api", |r| r.max_age(Duration::from_secs(60)));
    builder = builder.route("/api/items", |r| r.max_age(Duration::from_secs(600)));
    for i in 0..48 {
        builder = builder.route(&format!("/service{i}/v1"), |r| {
            r.allow_methods([Method::PUT])
        });
    }
    builder
}

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// A waker that does nothing: the inner service is ready at once, so nobody
/// ever needs waking. Polling directly measures the layer, not an executor.
pub fn noop_waker() -> Waker {
    Waker::from(Arc::new(NoopWaker))
}

/// Drives one request through `service`: `poll_ready`, `call`, one `poll`.
#[inline(always)]
pub fn serve<S>(service: &mut S, request: Request<()>, cx: &mut Context<'_>) -> Response<()>
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
{
    match service.poll_ready(cx) {
        Poll::Ready(Ok(())) => {}
        _ => panic!("the benchmark services are always ready"),
    }
    let future = pin!(service.call(request));
    match future.poll(cx) {
        Poll::Ready(Ok(response)) => response,
        _ => panic!("the benchmark services answer at once"),
    }
}
