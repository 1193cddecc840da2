//! Sends one request and returns the response head. HTTP/1.1 over TCP, or
//! TLS (rustls, ring, webpki roots) for `https://`; never follows redirects.

use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method, Request, Uri};
use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::check::ResponseHead;

/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Resolves `localhost` and `*.localhost` to loopback without asking DNS,
/// as browsers do; every other name goes to the system resolver.
#[derive(Clone)]
struct Resolver {
    system: GaiResolver,
}

type Addrs = std::vec::IntoIter<SocketAddr>;
type ResolveFuture = Pin<Box<dyn Future<Output = Result<Addrs, std::io::Error>> + Send>>;

impl tower_service::Service<Name> for Resolver {
    type Response = Addrs;
    type Error = std::io::Error;
    type Future = ResolveFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.system.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let host = name.as_str().to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            let addrs = vec![
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
            ];
            return Box::pin(async move { Ok(addrs.into_iter()) });
        }
        let fut = self.system.call(name);
        Box::pin(async move { Ok(fut.await?.collect::<Vec<_>>().into_iter()) })
    }
}

/// The HTTP client, built once per run.
pub struct HttpClient {
    inner: Client<HttpsConnector<HttpConnector<Resolver>>, Empty<Bytes>>,
}

impl HttpClient {
    /// A client for `http://` and `https://` URLs.
    pub fn new() -> Result<Self, String> {
        let mut http = HttpConnector::new_with_resolver(Resolver {
            system: GaiResolver::new(),
        });
        http.enforce_http(false);
        http.set_connect_timeout(Some(TIMEOUT));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| format!("TLS setup failed: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(HttpClient {
            inner: Client::builder(TokioExecutor::new()).build(https),
        })
    }

    /// Sends `method uri` with `headers` and an empty body; returns the head
    /// of the response (the body is dropped unread).
    pub async fn send(
        &self,
        method: &str,
        uri: &Uri,
        headers: &[(String, String)],
    ) -> Result<ResponseHead, String> {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| format!("method {method:?}: {e}"))?;
        let mut req = Request::builder().method(method).uri(uri.clone());
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| format!("header name {name:?}: {e}"))?;
            let value =
                HeaderValue::from_str(value).map_err(|e| format!("header value {value:?}: {e}"))?;
            req = req.header(name, value);
        }
        let req = req
            .body(Empty::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let resp = tokio::time::timeout(TIMEOUT, self.inner.request(req))
            .await
            .map_err(|_| format!("no response from {uri} within {} s", TIMEOUT.as_secs()))?
            .map_err(|e| describe(uri, &e))?;
        Ok(ResponseHead {
            status: resp.status().as_u16(),
            headers: resp
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        })
    }
}

/// The client error with its causes, which hold the useful part
/// ("connection refused", "invalid peer certificate", …).
fn describe(uri: &Uri, e: &hyper_util::client::legacy::Error) -> String {
    let mut msg = format!("cannot reach {uri}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    msg
}
