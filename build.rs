//! Build script: compiles every `.proto` under `proto/` into Rust (prost messages and tonic
//! client and server) with the vendored protoc, and writes the file descriptor set that the
//! reflection service serves. It must never depend on a system protoc or on the environment.

use std::path::{Path, PathBuf};

/// Name of the descriptor set in OUT_DIR (`tonic::include_file_descriptor_set!`).
const DESCRIPTOR_SET: &str = "tanu_descriptor.bin";

fn protos_under(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            protos_under(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            found.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=proto");
    let mut protos = Vec::new();
    protos_under(Path::new("proto"), &mut protos)?;
    protos.sort();

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure()
        .file_descriptor_set_path(out_dir.join(DESCRIPTOR_SET))
        .emit_rerun_if_changed(false)
        .compile_with_config(config, &protos, &[PathBuf::from("proto")])?;
    Ok(())
}
