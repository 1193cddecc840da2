//! A tonic 0.14 gRPC service reachable from browsers through gRPC-Web
//! (`tonic-web`), with tower-cors in front.
//!
//! The stack, outermost first: [`CorsLayer`] (answers preflights, decorates
//! responses) → [`GrpcWebLayer`] (translates gRPC-Web to gRPC) → the service.
//! CORS must sit outside the gRPC-Web translation so it sees the browser's
//! preflight and the final gRPC-Web response headers.

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic::{Request, Response, Status};
use tonic_web::GrpcWebLayer;
use tower_cors::CorsLayer;

/// Generated from `proto/greeter.proto`.
pub mod pb {
    tonic::include_proto!("greeter");
}

use pb::greeter_server::{Greeter, GreeterServer};
use pb::{HelloReply, HelloRequest};

/// The browser app allowed to call the service.
pub const APP_ORIGIN: &str = "https://app.example.com";

/// Says hello; refuses an empty name with `INVALID_ARGUMENT`.
#[derive(Debug, Default)]
pub struct MyGreeter;

#[tonic::async_trait]
impl Greeter for MyGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let name = request.into_inner().name;
        if name.is_empty() {
            return Err(Status::invalid_argument("name must not be empty"));
        }
        Ok(Response::new(HelloReply {
            message: format!("Hello, {name}!"),
        }))
    }
}

/// The CORS policy: the gRPC-Web preset, one origin, bearer tokens allowed.
pub fn cors() -> CorsLayer {
    CorsLayer::builder()
        .grpc_web_with_authorization()
        .allow_origins([APP_ORIGIN])
        .build()
        .expect("valid CORS configuration")
}

/// Serves the greeter on `listener` (HTTP/1.1 for browsers, HTTP/2 for
/// native gRPC clients).
pub async fn serve(listener: TcpListener) -> Result<(), tonic::transport::Error> {
    Server::builder()
        .accept_http1(true)
        .layer(cors())
        .layer(GrpcWebLayer::new())
        .add_service(GreeterServer::new(MyGreeter))
        .serve_with_incoming(TcpIncoming::from(listener))
        .await
}
