//! A minimal CORS layer that validates nothing: the floor a hand-written
//! middleware would reach. It answers the benchmark scenarios with the same
//! headers as the real layers, but never checks the form of `Origin`, the
//! requested method or the requested headers, merges no existing `Vary` and
//! replaces no CORS header the inner service set. Benchmarks only: it shows
//! what the checks of a validating layer cost on top of the bare minimum.
#![allow(dead_code)]

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::Future;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::scenarios;

/// Which origins are allowed.
enum Origins {
    /// Any origin; answered with `*`.
    Any,
    /// Exact origins, compared byte for byte. SipHash with fixed keys, so
    /// that instruction counts do not depend on a random seed.
    List(HashSet<HeaderValue, BuildHasherDefault<DefaultHasher>>),
    /// `https://` origins whose host ends with this suffix.
    HttpsSuffix(&'static [u8]),
}

/// The precomputed preflight answer's list headers.
struct Preflight {
    methods: HeaderValue,
    headers: HeaderValue,
    max_age: Option<HeaderValue>,
}

struct Config {
    origins: Origins,
    credentials: bool,
    preflight: Preflight,
}

/// The layer: one shared configuration.
#[derive(Clone)]
pub struct MinimalLayer(Arc<Config>);

impl<S> Layer<S> for MinimalLayer {
    type Service = Minimal<S>;

    fn layer(&self, inner: S) -> Minimal<S> {
        Minimal {
            inner,
            config: Arc::clone(&self.0),
        }
    }
}

/// The service.
#[derive(Clone)]
pub struct Minimal<S> {
    inner: S,
    config: Arc<Config>,
}

const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("origin");
const TRUE: HeaderValue = HeaderValue::from_static("true");
const ANY: HeaderValue = HeaderValue::from_static("*");

impl Config {
    /// The `Access-Control-Allow-Origin` value for `origin`, if allowed.
    fn allow(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        let allowed = match &self.origins {
            Origins::Any => return Some(ANY),
            Origins::List(list) => list.contains(origin),
            Origins::HttpsSuffix(suffix) => origin
                .as_bytes()
                .strip_prefix(b"https://")
                .is_some_and(|host| host.ends_with(suffix)),
        };
        allowed.then(|| origin.clone())
    }
}

impl<S> Service<Request<()>> for Minimal<S>
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response<()>;
    type Error = Infallible;
    type Future = MinimalFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<()>) -> Self::Future {
        let config = &*self.config;
        let Some(origin) = request.headers().get(header::ORIGIN) else {
            return MinimalFuture::Inner {
                future: self.inner.call(request),
                allow_origin: None,
                credentials: false,
            };
        };
        let allow_origin = config.allow(origin);
        let preflight = request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if !preflight {
            return MinimalFuture::Inner {
                future: self.inner.call(request),
                allow_origin,
                credentials: config.credentials,
            };
        }
        let mut response = Response::new(());
        let Some(allow_origin) = allow_origin else {
            *response.status_mut() = StatusCode::FORBIDDEN;
            return MinimalFuture::Preflight(Some(response));
        };
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            config.preflight.methods.clone(),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            config.preflight.headers.clone(),
        );
        if let Some(max_age) = &config.preflight.max_age {
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, max_age.clone());
        }
        if config.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        headers.insert(header::VARY, VARY_ORIGIN);
        MinimalFuture::Preflight(Some(response))
    }
}

/// The response future: the inner one, decorated, or the preflight answer.
pub enum MinimalFuture<F> {
    Inner {
        future: F,
        allow_origin: Option<HeaderValue>,
        credentials: bool,
    },
    Preflight(Option<Response<()>>),
}

impl<F> Future for MinimalFuture<F>
where
    F: Future<Output = Result<Response<()>, Infallible>> + Unpin,
{
    type Output = Result<Response<()>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            MinimalFuture::Inner {
                future,
                allow_origin,
                credentials,
            } => {
                let Poll::Ready(Ok(mut response)) = Pin::new(future).poll(cx) else {
                    return Poll::Pending;
                };
                if let Some(allow_origin) = allow_origin.take() {
                    let headers = response.headers_mut();
                    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
                    if *credentials {
                        headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
                    }
                    headers.append(header::VARY, VARY_ORIGIN);
                }
                Poll::Ready(Ok(response))
            }
            MinimalFuture::Preflight(response) => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
        }
    }
}

fn list<'a>(origins: impl IntoIterator<Item = &'a str>) -> Origins {
    Origins::List(
        origins
            .into_iter()
            .map(|o| HeaderValue::from_str(o).expect("valid origin"))
            .collect(),
    )
}

fn layer(origins: Origins, credentials: bool, preflight: Preflight) -> MinimalLayer {
    MinimalLayer(Arc::new(Config {
        origins,
        credentials,
        preflight,
    }))
}

/// The minimal layer configured as the scenario `id` (`a` to `h`)
/// configures the real ones.
pub fn for_scenario(id: &str) -> MinimalLayer {
    let no_preflight = || Preflight {
        methods: HeaderValue::from_static("GET,HEAD,POST"),
        headers: HeaderValue::from_static(""),
        max_age: None,
    };
    match id {
        "a" | "b" | "c" | "i" => layer(list(scenarios::ORIGINS), false, no_preflight()),
        "d" => layer(
            list(scenarios::ORIGINS),
            false,
            Preflight {
                methods: HeaderValue::from_static("GET,POST,PUT,DELETE"),
                headers: HeaderValue::from_static("content-type,x-requested-with"),
                max_age: Some(HeaderValue::from_static("600")),
            },
        ),
        "e" => {
            let thousand = scenarios::thousand_origins();
            layer(
                list(thousand.iter().map(String::as_str)),
                false,
                no_preflight(),
            )
        }
        "f" => layer(Origins::HttpsSuffix(b".example.com"), false, no_preflight()),
        "g" => layer(
            Origins::Any,
            false,
            Preflight {
                methods: ANY,
                headers: ANY,
                max_age: None,
            },
        ),
        "h" => layer(list(scenarios::ORIGINS), true, no_preflight()),
        other => panic!("unknown scenario {other}"),
    }
}
