//! A bare hyper 1 server with tower-cors composed with other Tower middleware.
//!
//! ```text
//! cargo run -p tower-cors-examples --example hyper   # PORT=0 picks a free port
//! curl -i -X OPTIONS localhost:3000/api/me -H 'origin: https://app.example.com' \
//!      -H 'access-control-request-method: GET' -H 'access-control-request-headers: authorization'
//! curl -i localhost:3000/api/me -H 'origin: https://app.example.com' -H 'authorization: Bearer let-me-in'
//! ```
//!
//! The stack, outermost first:
//!
//! 1. **CORS**, outside everything that can refuse a request. Browsers send
//!    preflights without credentials, so an auth layer outside CORS would
//!    answer them 401 and the browser would never send the real request. And
//!    every answer — 401, 408, 503 included — must carry CORS headers, or the
//!    page's script cannot read it and only sees "network error".
//! 2. Errors turned into responses (timeouts → 408, others → 503), inside
//!    CORS so those responses are decorated too.
//! 3. A timeout and a concurrency limit.
//! 4. Authentication (a toy bearer-token check).
//! 5. The handler.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::{BoxError, Layer, Service, ServiceBuilder};
use tower_cors::CorsLayer;

/// The token the toy auth layer accepts.
pub const TOKEN: &str = "let-me-in";

/// The CORS policy: one browser app, with credentials and `Authorization`.
pub fn cors() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("valid CORS configuration")
}

/// The whole service, CORS outermost.
pub fn app<B: Send + 'static>(
) -> impl Service<Request<B>, Response = Response<Full<Bytes>>, Error = BoxError, Future = impl Send>
       + Clone
       + Send {
    ServiceBuilder::new()
        .layer(cors())
        .map_result(error_to_response)
        .timeout(Duration::from_secs(10))
        .concurrency_limit(64)
        .layer(RequireBearer::layer(TOKEN))
        .service_fn(handler::<B>)
}

async fn handler<B>(request: Request<B>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = format!(
        "{{\"user\":\"demo\",\"path\":\"{}\"}}",
        request.uri().path()
    );
    let mut response = Response::new(Full::from(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// Turns middleware errors into responses, so they reach the browser with
/// CORS headers instead of as a dropped connection.
fn error_to_response(
    result: Result<Response<Full<Bytes>>, BoxError>,
) -> Result<Response<Full<Bytes>>, BoxError> {
    Ok(result.unwrap_or_else(|error| {
        let status = if error.is::<tower::timeout::error::Elapsed>() {
            StatusCode::REQUEST_TIMEOUT
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        status_response(status)
    }))
}

fn status_response(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::default());
    *response.status_mut() = status;
    response
}

/// A toy authentication layer: 401 unless `Authorization: Bearer <token>`.
#[derive(Clone)]
pub struct RequireBearer<S> {
    inner: S,
    expected: HeaderValue,
}

impl RequireBearer<()> {
    /// A layer requiring `Authorization: Bearer {token}`.
    pub fn layer(token: &str) -> RequireBearerLayer {
        let expected = HeaderValue::try_from(format!("Bearer {token}")).expect("token is ASCII");
        RequireBearerLayer { expected }
    }
}

/// Wraps services in [`RequireBearer`].
#[derive(Clone)]
pub struct RequireBearerLayer {
    expected: HeaderValue,
}

impl<S> Layer<S> for RequireBearerLayer {
    type Service = RequireBearer<S>;

    fn layer(&self, inner: S) -> RequireBearer<S> {
        RequireBearer {
            inner,
            expected: self.expected.clone(),
        }
    }
}

impl<S, B> Service<Request<B>> for RequireBearer<S>
where
    S: Service<Request<B>, Response = Response<Full<Bytes>>>,
    S::Future: Send + 'static,
{
    type Response = Response<Full<Bytes>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if request.headers().get(header::AUTHORIZATION) == Some(&self.expected) {
            Box::pin(self.inner.call(request))
        } else {
            let mut response = status_response(StatusCode::UNAUTHORIZED);
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            Box::pin(async move { Ok(response) })
        }
    }
}

/// Serves [`app`] on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let service = TowerToHyperService::new(app());
    loop {
        let (stream, _) = listener.accept().await?;
        let service = service.clone();
        tokio::spawn(async move {
            // A client that goes away mid-request is not the server's problem.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    println!("try a preflight (no credentials: it passes the auth layer), then the request:");
    println!(
        "  curl -i -X OPTIONS http://{addr}/api/me -H 'Origin: https://app.example.com' \
         -H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: authorization'"
    );
    println!(
        "  curl -i http://{addr}/api/me -H 'Origin: https://app.example.com' \
         -H 'Authorization: Bearer {TOKEN}'"
    );
    serve(listener).await
}
