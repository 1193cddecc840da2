//! The `metrics` feature: CORS request counters served for Prometheus.
//!
//! ```text
//! cargo run -p tower-cors-examples --example metrics --features metrics
//! curl -i http://127.0.0.1:3000/api/hello -H 'Origin: https://evil.example'
//! curl http://127.0.0.1:3000/metrics
//! ```
//!
//! tower-cors records through the `metrics` facade; the application picks the
//! exporter and installs it once, here `metrics-exporter-prometheus`, whose
//! text format axum serves on `/metrics` (outside the CORS layer). Listens on
//! 127.0.0.1:3000, or on `$PORT` (0 picks a free port).

use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_cors::CorsLayer;

fn app(cors: CorsLayer, prometheus: PrometheusHandle) -> Router {
    let api = Router::new()
        .route("/api/hello", get(|| async { "hello" }))
        .layer(cors);
    Router::new()
        .route("/metrics", get(move || async move { prometheus.render() }))
        .merge(api)
}

#[tokio::main]
async fn main() {
    let recorder = PrometheusBuilder::new().build_recorder();
    let prometheus = recorder.handle();
    if let Err(err) = metrics::set_global_recorder(recorder) {
        eprintln!("a metrics recorder is already installed: {err}");
        std::process::exit(1);
    }
    metrics::describe_counter!(
        "tower_cors_requests_total",
        "Requests seen by the CORS layer, by kind (preflight, actual, not_cors) and outcome"
    );
    let cors = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .expect("a valid CORS policy");

    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = match tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {err}");
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    println!("listening on http://{addr}");
    println!("try a refused request, then read the counters:");
    println!("  curl -i http://{addr}/api/hello -H 'Origin: https://evil.example'");
    println!("  curl http://{addr}/metrics");
    if let Err(err) = axum::serve(listener, app(cors, prometheus)).await {
        eprintln!("server error: {err}");
    }
}
