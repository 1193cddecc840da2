//! Loading a CORS policy from a TOML file (feature `serde`).
//!
//! ```text
//! cargo run -p tower-cors-examples --example config --features serde     # examples/cors.toml
//! cargo run -p tower-cors-examples --example config --features serde -- path/to/cors.toml
//! ```
//!
//! Prints the compiled policy, or the offending field and the fix, e.g.
//! `allow_origins[1]: "https://App.example.com/" is not in canonical form, ...; use "https://app.example.com"`.

use std::path::PathBuf;
use std::process::ExitCode;

use tower_cors::{CorsConfig, CorsLayer};

/// Parses and builds a policy from TOML text.
pub fn load(toml_text: &str) -> Result<CorsLayer, Box<dyn std::error::Error>> {
    let config: CorsConfig = toml::from_str(toml_text)?;
    Ok(config.build()?)
}

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cors.toml"));
    let loaded = std::fs::read_to_string(&path)
        .map_err(Into::into)
        .and_then(|text| load(&text));
    match loaded {
        Ok(cors) => {
            println!("{}: {}", path.display(), cors.policy());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}
