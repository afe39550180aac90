//! The build's identity, `TOUCHBASE_BUILD_ID`: a hash of everything that decides what
//! touchbase writes (its source, its built-in templates, its locked dependencies, the
//! compiler and the profile). A site records the identity of the touchbase that built
//! it, so that a different touchbase never takes an old site for its own output
//! (`src/fresh.rs`). The same source built the same way gives the same identity on
//! every machine, so a site's bytes do not depend on where it was built.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    for top in ["src", "templates"] {
        println!("cargo:rerun-if-changed={top}");
        collect(&root.join(top), &mut files);
    }
    for file in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={file}");
        files.push(root.join(file));
    }
    files.sort();
    // SipHash with fixed keys: the same on every machine for the same compiler.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for file in &files {
        file.strip_prefix(&root).unwrap_or(file).hash(&mut h);
        std::fs::read(file).unwrap_or_default().hash(&mut h);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    version.hash(&mut h);
    for var in [
        "CARGO_PKG_VERSION",
        "PROFILE",
        "TARGET",
        "OPT_LEVEL",
        "DEBUG",
    ] {
        std::env::var(var).unwrap_or_default().hash(&mut h);
    }
    println!(
        "cargo:rustc-env=TOUCHBASE_BUILD_ID={}-{:016x}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        h.finish()
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, files),
            Ok(t) if t.is_file() => files.push(path),
            _ => {}
        }
    }
}
