//! Embeds a digest of the Rust sources, so the Python facade can refuse a stale build
//! (see `vaxla_dispatcher._source_digest`): sha256 over each `*.rs` file under
//! `engine/src` and `bindings/src`, in path order, as "<path>\0<bytes>\0".

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bindings/ is inside dispatcher-rs/")
        .to_path_buf();
    let mut files = Vec::new();
    for dir in ["engine/src", "bindings/src"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
        rust_files(&root.join(dir), &mut files);
    }
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).expect("under the root");
            (rel.to_string_lossy().replace('\\', "/"), p)
        })
        .collect();
    named.sort();
    let mut hasher = Sha256::new();
    for (rel, path) in named {
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(fs::read(&path).expect("a readable source file"));
        hasher.update([0]);
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("cargo:rustc-env=VAXLA_SOURCE_DIGEST={digest}");
}
