//! Generates the Greeter service. Uses `$PROTOC` or a `protoc` on `PATH` when
//! there is one (CI installs Debian's protobuf-compiler), and otherwise the
//! protoc binary shipped in the `protoc-bin-vendored` crate, so a fresh
//! machine needs nothing installed by hand.
use std::path::PathBuf;

fn protoc_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("protoc"))
        .find(|p| p.is_file())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-env-changed=PROTOC");
    if std::env::var_os("PROTOC").is_none() && protoc_on_path().is_none() {
        // Build scripts run before any thread is spawned: setting the
        // variable for tonic-prost-build here is sound.
        std::env::set_var("PROTOC", protoc_bin_vendored::protoc_bin_path()?);
    }
    tonic_prost_build::compile_protos("proto/greeter.proto")?;
    Ok(())
}
