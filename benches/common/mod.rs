//! What the benchmarks share: how many runs, where the generated notes go, and making
//! them with `../shared/bench/gen_notes.py` (10,000 × 40 by default, seed 7, by owner).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `TOUCHBASE_BENCH_RUNS`, else 5 when measuring and 1 for a smoke run.
pub fn runs(measuring: bool) -> usize {
    std::env::var("TOUCHBASE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if measuring { 5 } else { 1 })
}

/// The last of `TOUCHBASE_BENCH_SIZES`, else 10,000 when measuring and 50 for a smoke run.
pub fn last_size(measuring: bool) -> usize {
    std::env::var("TOUCHBASE_BENCH_SIZES")
        .ok()
        .and_then(|s| s.split(',').next_back()?.trim().parse().ok())
        .unwrap_or(if measuring { 10_000 } else { 50 })
}

/// `TOUCHBASE_BENCH_DIR`, else `target/bench` in the repository.
pub fn dir(root: &Path) -> PathBuf {
    std::env::var_os("TOUCHBASE_BENCH_DIR").map_or_else(|| root.join("target/bench"), PathBuf::from)
}

/// Write `n` clients × 40 entries to `notes` with `generator`, unless they are there.
pub fn generate(generator: &Path, notes: &Path, n: usize) {
    if notes.is_dir() {
        return;
    }
    let ok = Command::new("python3")
        .arg(generator)
        .arg(notes)
        .args([
            "--clients",
            &n.to_string(),
            "--entries",
            "40",
            "--seed",
            "7",
            "--by-owner",
        ])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "gen_notes.py failed");
}

/// The notes to measure: `last_size` clients × 40 entries in the bench folder, made if
/// missing, and their count. None (with a word on stderr) without the generator.
pub fn notes_of_last_size(root: &Path, measuring: bool) -> Option<(PathBuf, usize)> {
    let generator = root.join("../shared/bench/gen_notes.py");
    if !generator.is_file() {
        eprintln!("skipping: {} not found", generator.display());
        return None;
    }
    let n = last_size(measuring);
    let notes = dir(root).join(format!("notes-{n}x40"));
    generate(&generator, &notes, n);
    Some((notes, n))
}
