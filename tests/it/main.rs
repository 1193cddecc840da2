//! The integration tests, one binary with a module per concern. Kept apart:
//! `tests/allocations.rs` and `tests/bounded_parsing.rs` (each installs a
//! counting global allocator), `tests/browser.rs` (real browsers) and
//! `tests/example_processes.rs` (runs the examples as processes).

#[path = "../common/mod.rs"]
mod common;
#[path = "../loopback/mod.rs"]
mod loopback;

mod async_origin;
mod classification;
mod config;
mod config_refusals;
mod connect_rpc;
mod cross_origin_writes;
mod cve_regressions;
mod doc_paths;
mod explain;
mod explain_hints;
mod fetch_conformance;
mod fuzz_smoke;
mod grpc_web;
mod metrics_feature;
mod ordering;
mod origin_lookup;
mod origin_lookup_fleet;
mod per_route;
mod properties;
mod refused_answers;
mod reload;
mod report_only;
mod report_only_lookup;
mod response_rules;
mod routes;
mod security_doc;
mod service;
mod source_layout;
mod tracing_feature;
mod websocket;
