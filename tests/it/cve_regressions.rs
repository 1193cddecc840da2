//! Regression tests for the holes other CORS middlewares shipped, one module
//! per class, each citing its advisory. Each shows this crate is immune,
//! either because `build()` refuses the configuration or because the
//! decision refuses the request.

use crate::common::*;
use http::{header, Method};
use tower_cors::{ConfigError, CorsLayer, Decision, Rejection};

/// Whether a GET from `origin` gets an `Access-Control-Allow-Origin`, and which.
fn acao_for(layer: &CorsLayer, origin: &str) -> Option<String> {
    let p = parts(Method::GET, &[("origin", origin)]);
    match layer.policy().decide(&p) {
        Decision::Actual(allowed) => Some(allowed.allow_origin().to_str().unwrap().to_owned()),
        Decision::Rejected(_) => None,
        other => panic!("{origin}: unexpected {other:?}"),
    }
}

/// Asserts that `layer` gives none of `origins` an ACAO.
#[track_caller]
fn refuses_all(layer: &CorsLayer, origins: &[&str]) {
    for origin in origins {
        assert_eq!(acao_for(layer, origin), None, "{origin}");
    }
}

fn build_err(origins: &[&str]) -> ConfigError {
    let built = CorsLayer::builder().allow_origins(origins).build();
    built.expect_err("configuration should be refused")
}

mod insecure_defaults;
mod log_injection;
mod null_origin;
mod origin_matching_is_exact;
mod private_network_access_is_opt_in;
mod reflected_origins_with_credentials;
mod subdomain_patterns_respect_label_boundaries;
mod wildcard_origin_bypass;
mod wildcard_with_credentials;
