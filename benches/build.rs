//! Build benchmark: generate 1,000 and 10,000 clients × 40 entries with
//! `../shared/bench/gen_notes.py --seed 7 --by-owner`, then time what issue 13 measures,
//! each as its own row:
//!
//! - `first build`: `build` into an emptied `--out`;
//! - `nothing changed`: `build` over its own previous site, the notes as they were;
//! - `one note edited`: `build` over its own previous site after one line was added
//!   to one note (another line before each run; the note is put back once every row
//!   of that size is done);
//! - `check` (of the notes as last edited: one line more than generated);
//! - `export json`: `export --format json` of the same, written to nowhere.
//!
//! ```sh
//! cargo bench --bench build
//! TOUCHBASE_BENCH_DIR=/dev/shm/bench cargo bench --bench build     # on tmpfs
//! TOUCHBASE_BENCH_BASELINE=/path/to/old/touchbase cargo bench --bench build
//! ```
//!
//! With `TOUCHBASE_BENCH_BASELINE` (another touchbase binary), every run of this one is
//! followed by the same run of that one (A B A B), each with its own site, and both get
//! a row. Other options (environment): `TOUCHBASE_BENCH_SIZES=1000,10000`,
//! `TOUCHBASE_BENCH_RUNS=5`, `TOUCHBASE_BENCH_DIR` (where notes and sites go; default
//! `target/bench`). Each row gives the median wall time with the fastest and slowest
//! run, the median CPU time (user + system) and the largest peak resident memory; CPU
//! and memory come from `/usr/bin/time` and show as `n/a` without it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

mod common;

/// One run's wall time (s), CPU time (user + system, s) and peak resident memory (KB).
#[derive(Clone, Copy)]
struct Run {
    wall: f64,
    cpu: Option<f64>,
    peak_kb: Option<u64>,
}

/// What a row measures.
#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    First,
    Unchanged,
    Edited,
    Check,
    Export,
}

impl Scenario {
    const ALL: [Scenario; 5] = [
        Scenario::First,
        Scenario::Unchanged,
        Scenario::Edited,
        Scenario::Check,
        Scenario::Export,
    ];

    fn name(self) -> &'static str {
        match self {
            Scenario::First => "first build",
            Scenario::Unchanged => "nothing changed",
            Scenario::Edited => "one note edited",
            Scenario::Check => "check",
            Scenario::Export => "export json",
        }
    }
}

/// A binary under measurement, and the site it builds into.
struct Binary {
    label: &'static str,
    exe: PathBuf,
    site: PathBuf,
}

/// Puts the edited note back as it was, however the benchmark ends.
struct Restore {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.path, &self.bytes);
    }
}

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
    let time = Path::new("/usr/bin/time");
    let time = time.is_file().then_some(time);
    let baseline = std::env::var_os("TOUCHBASE_BENCH_BASELINE").map(PathBuf::from);

    println!(
        "touchbase build benchmark ({runs} runs per row{}, {})",
        if baseline.is_some() {
            ", interleaved with the baseline"
        } else {
            ""
        },
        dir.display()
    );
    println!(
        "{:>8} {:>9} {:<16} {:<9} {:>22} {:>8} {:>8}",
        "clients", "MB notes", "run", "binary", "wall s: median (range)", "CPU s", "peak MB"
    );
    for n in sizes {
        let notes = dir.join(format!("notes-{n}x40"));
        common::generate(&generator, &notes, n);
        let megabytes = walk_size(&notes) as f64 / 1e6;
        let mut binaries = vec![Binary {
            label: "this",
            exe: PathBuf::from(env!("CARGO_BIN_EXE_touchbase")),
            site: dir.join(format!("site-{n}-this")),
        }];
        if let Some(exe) = &baseline {
            binaries.push(Binary {
                label: "baseline",
                exe: exe.clone(),
                site: dir.join(format!("site-{n}-baseline")),
            });
        }
        let edited = first_note(&notes).expect("a note to edit");
        let restore = Restore {
            bytes: std::fs::read(&edited).expect("read the note to edit"),
            path: edited,
        };
        for scenario in Scenario::ALL {
            let mut results: Vec<Vec<Run>> = binaries.iter().map(|_| Vec::new()).collect();
            for r in 0..runs {
                for (b, binary) in binaries.iter().enumerate() {
                    let run = measure(time, binary, &notes, scenario, (r, b), &restore);
                    if let Some(list) = results.get_mut(b) {
                        list.push(run);
                    }
                }
            }
            for (binary, list) in binaries.iter().zip(results) {
                println!(
                    "{n:>8} {megabytes:>9.1} {:<16} {:<9} {:>22} {:>8} {:>8}",
                    scenario.name(),
                    binary.label,
                    wall_text(&list),
                    cpu_text(&list),
                    peak_text(&list)
                );
            }
        }
        drop(restore);
    }
}

/// Run `scenario` once with `binary`; the `r`th run of binary `b`.
fn measure(
    time: Option<&Path>,
    binary: &Binary,
    notes: &Path,
    scenario: Scenario,
    (r, b): (usize, usize),
    restore: &Restore,
) -> Run {
    let build = |cmd: &mut Command| {
        cmd.arg("build")
            .arg(notes)
            .arg("--out")
            .arg(&binary.site)
            .args(["--today", "2026-06-30", "--lang", "en"]);
    };
    match scenario {
        Scenario::First => {
            let _ = std::fs::remove_dir_all(&binary.site);
        }
        Scenario::Unchanged => {
            // Its own site, built from these very notes.
            run(None, &binary.exe, build);
        }
        Scenario::Edited => {
            // A line no run added before: every run is a rebuild after an edit.
            let mut text = restore.bytes.clone();
            text.extend_from_slice(format!("\n## 2026-06-29 call — bench {r} {b}\n").as_bytes());
            std::fs::write(&restore.path, text).expect("edit a note");
        }
        Scenario::Check | Scenario::Export => {}
    }
    let today = |cmd: &mut Command| {
        cmd.arg(notes).args(["--today", "2026-06-30"]);
    };
    match scenario {
        Scenario::First | Scenario::Unchanged | Scenario::Edited => {
            let (measured, said) = run_saying(time, &binary.exe, build);
            // Control: the run is the kind of build its row says.
            let (files, unchanged) = files_unchanged(&said)
                .unwrap_or_else(|| panic!("no summary from {}: {said}", binary.exe.display()));
            match scenario {
                Scenario::Unchanged => assert_eq!(unchanged, files, "nothing to do: {said}"),
                Scenario::Edited => assert!(unchanged < files, "an edit is written: {said}"),
                _ => assert_eq!(unchanged, 0, "a first build: {said}"),
            }
            measured
        }
        Scenario::Check => run(time, &binary.exe, |cmd| {
            cmd.arg("check");
            today(cmd);
        }),
        Scenario::Export => run(time, &binary.exe, |cmd| {
            cmd.arg("export");
            today(cmd);
            cmd.args(["--format", "json"]);
        }),
    }
}

/// Run `exe` with the arguments `args` adds, under `/usr/bin/time` when given.
fn run(time: Option<&Path>, exe: &Path, args: impl FnOnce(&mut Command)) -> Run {
    run_saying(time, exe, args).0
}

/// The files a build wrote and how many of them were unchanged, from its summary
/// ("…; wrote 29 pages (36 files), 36 unchanged, to …").
fn files_unchanged(stderr: &str) -> Option<(usize, usize)> {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.contains(" unchanged, to "))?;
    let (_, rest) = line.rsplit_once(" pages (")?;
    let (files, rest) = rest.split_once(" files), ")?;
    let (unchanged, _) = rest.split_once(" unchanged")?;
    Some((files.parse().ok()?, unchanged.parse().ok()?))
}

/// `run`, and what the command said on stderr.
fn run_saying(time: Option<&Path>, exe: &Path, args: impl FnOnce(&mut Command)) -> (Run, String) {
    let report = std::env::temp_dir().join(format!("touchbase-bench-{}.time", std::process::id()));
    let mut cmd = match time {
        Some(t) => {
            let mut c = Command::new(t);
            c.arg("-o").arg(&report).args(["-f", "%U %S %M"]).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    args(&mut cmd);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let output = cmd.output().expect("run touchbase");
    let wall = start.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = time
        .and_then(|_| std::fs::read_to_string(&report).ok())
        .unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    let fields: Vec<&str> = said
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    let run = Run {
        wall,
        cpu: number(0).zip(number(1)).map(|(u, s)| u + s),
        peak_kb: fields.get(2).and_then(|f| f.parse().ok()),
    };
    (run, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The median (of an even count, the mean of the middle two), the least and the most.
fn median(mut values: Vec<f64>) -> Option<(f64, f64, f64)> {
    values.sort_by(f64::total_cmp);
    let upper = *values.get(values.len() / 2)?;
    let middle = match values.len() % 2 {
        0 => (upper + *values.get(values.len() / 2 - 1)?) / 2.0,
        _ => upper,
    };
    Some((middle, *values.first()?, *values.last()?))
}

fn wall_text(runs: &[Run]) -> String {
    median(runs.iter().map(|r| r.wall).collect()).map_or("n/a".into(), |(m, lo, hi)| {
        format!("{m:.2} ({lo:.2}–{hi:.2})")
    })
}

fn cpu_text(runs: &[Run]) -> String {
    let cpu: Option<Vec<f64>> = runs.iter().map(|r| r.cpu).collect();
    cpu.and_then(median)
        .map_or("n/a".into(), |(m, _, _)| format!("{m:.2}"))
}

fn peak_text(runs: &[Run]) -> String {
    runs.iter()
        .filter_map(|r| r.peak_kb)
        .max()
        .map_or("n/a".into(), |kb| format!("{:.0}", kb as f64 / 1024.0))
}

/// The first note in path order: the one the `one note edited` runs edit.
fn first_note(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    entries.into_iter().find_map(|p| {
        if p.is_dir() {
            first_note(&p)
        } else {
            (p.extension().is_some_and(|e| e == "md")).then_some(p)
        }
    })
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
