//! Full-build benchmark: generate 1,000 and 10,000 clients × 40 entries with
//! `../shared/bench/gen_notes.py`, then time `touchbase build` on them.
//!
//!     cargo bench --bench build
//!
//! Options (environment): `TOUCHBASE_BENCH_SIZES=1000,10000`, `TOUCHBASE_BENCH_RUNS=5`,
//! `TOUCHBASE_BENCH_DIR` (where notes and sites go; default `target/bench`; point it
//! at a tmpfs such as /dev/shm to take the disk out of the figure).
//! Peak memory comes from `/usr/bin/time` when it is installed.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

mod common;

fn main() {
    // `cargo bench` passes `--bench`; a test run (`cargo test --benches`) does not and
    // gets a quick smoke run instead of the full measurement.
    let measuring = std::env::args().any(|a| a == "--bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = root.join("../shared/bench/gen_notes.py");
    if !generator.is_file() {
        eprintln!(
            "skipping: {} not found (it lives in the shared folder beside the repository)",
            generator.display()
        );
        return;
    }
    let sizes: Vec<usize> = std::env::var("TOUCHBASE_BENCH_SIZES")
        .unwrap_or_else(|_| {
            if measuring {
                "1000,10000".into()
            } else {
                "50".into()
            }
        })
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs = common::runs(measuring);
    let dir = common::dir(root);
    let exe = env!("CARGO_BIN_EXE_touchbase");
    let time = Path::new("/usr/bin/time");

    println!(
        "touchbase build benchmark ({runs} runs per size, {})",
        dir.display()
    );
    println!(
        "{:>8} {:>8} {:>10} {:>10} {:>10} {:>12}",
        "clients", "entries", "MB notes", "best s", "median s", "peak RSS MB"
    );
    for n in sizes {
        let notes = dir.join(format!("notes-{n}x40"));
        common::generate(&generator, &notes, n);
        let megabytes = walk_size(&notes) as f64 / 1e6;
        let out = dir.join(format!("site-{n}"));
        let mut times = Vec::new();
        let mut peak_kb = 0u64;
        for _ in 0..runs {
            let mut cmd = if time.is_file() {
                let mut c = Command::new(time);
                c.args(["-f", "%M", exe]);
                c
            } else {
                Command::new(exe)
            };
            cmd.arg("build")
                .arg(&notes)
                .arg("--out")
                .arg(&out)
                .args(["--today", "2026-06-30"]);
            let start = Instant::now();
            let output = cmd.output().expect("run touchbase");
            times.push(start.elapsed().as_secs_f64());
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            if let Some(kb) = stderr
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        times.sort_by(f64::total_cmp);
        let best = times.first().copied().unwrap_or_default();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let peak = if peak_kb > 0 {
            format!("{:.0}", peak_kb as f64 / 1024.0)
        } else {
            "n/a".into()
        };
        println!(
            "{n:>8} {:>8} {megabytes:>10.1} {best:>10.2} {median:>10.2} {peak:>12}",
            40
        );
    }
}

fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => walk_size(&e.path()),
            _ => e.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}
