//! The floors a build cannot go below, measured on the same notes as `benches/build.rs`
//! (issue 13 asks for them beside every figure): reading every note (what `cat` does),
//! and reading + splitting + parsing every note's front matter (YAML), on one core and
//! on all of them.
//!
//!     TOUCHBASE_BENCH_DIR=/dev/shm/bd cargo bench --bench floors
//!
//! `TOUCHBASE_BENCH_SIZES` (the last size is used) and `_RUNS` as in `benches/build.rs`.
//! Each figure is the median of the runs, with the minimum and maximum, wall time.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

mod common;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some((notes, _)) = common::notes_of_last_size(root, measuring) else {
        return;
    };
    let runs = common::runs(measuring);
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&notes)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let bytes: usize = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len() as usize))
        .sum();
    println!(
        "{} notes, {:.1} MB, {runs} runs (median, min–max, wall):",
        files.len(),
        bytes as f64 / 1e6
    );
    let read = |f: &PathBuf| std::fs::read(f).map_or(0, |b| b.len());
    let front_matter = |f: &PathBuf| {
        let Ok(bytes) = std::fs::read(f) else {
            return 0;
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return 0;
        };
        let split = touchbase::parse::frontmatter::split(text);
        split.yaml.map_or(0, |(yaml, _)| {
            usize::from(touchbase::parse::yaml::load(yaml).is_ok())
        })
    };
    let measure = |what: &str, f: &dyn Fn() -> usize| {
        let mut times = Vec::new();
        let mut out = 0;
        for _ in 0..runs {
            let started = Instant::now();
            out = f();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
        let (lo, hi) = (
            times.first().copied().unwrap_or(0.0),
            times.last().copied().unwrap_or(0.0),
        );
        println!("  {what:<44} {median:>7.0} ms ({lo:.0}–{hi:.0})  [{out}]");
    };
    measure("read every note, one core", &|| {
        files.iter().map(read).sum()
    });
    measure("read every note, every core", &|| {
        files.par_iter().map(read).sum()
    });
    measure("read + split + parse front matter, one core", &|| {
        files.iter().map(front_matter).sum()
    });
    measure("read + split + parse front matter, every core", &|| {
        files.par_iter().map(front_matter).sum()
    });
}
