//! ```text
//! cargo run -p grpc-web-example     # PORT=0 picks a free port; default 50051
//! ```

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(50051);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    let origin = grpc_web_example::APP_ORIGIN;
    println!("listening on http://{addr}");
    println!("try the browser's preflight, then a gRPC-Web call (SayHello {{ name: \"Ada\" }}):");
    println!(
        "  curl -i -X OPTIONS http://{addr}/greeter.Greeter/SayHello -H 'Origin: {origin}' \
         -H 'Access-Control-Request-Method: POST' \
         -H 'Access-Control-Request-Headers: content-type,x-grpc-web,x-user-agent'"
    );
    // One gRPC-Web frame: flag 0, length 5, then the protobuf of
    // HelloRequest { name: "Ada" } (field 1, length 3, "Ada").
    println!(
        "  printf '\\x00\\x00\\x00\\x00\\x05\\x0a\\x03Ada' | curl -i --output - \
         http://{addr}/greeter.Greeter/SayHello -H 'Origin: {origin}' \
         -H 'Content-Type: application/grpc-web+proto' -H 'X-Grpc-Web: 1' --data-binary @-"
    );
    grpc_web_example::serve(listener).await?;
    Ok(())
}
