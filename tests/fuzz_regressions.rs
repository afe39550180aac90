//! Replays the fuzz seeds and every input that ever crashed or hung a fuzz target
//! (`fuzz/seeds/`, `fuzz/regressions/<target>/`) through the same functions the
//! targets call (`touchbase::fuzzing`), so CI catches a regression without cargo-fuzz.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

type Target = fn(&[u8]) -> Result<(), String>;

/// (target name, its function, the seed folder it starts from).
const TARGETS: [(&str, Target, &str); 3] = [
    ("parse_note", touchbase::fuzzing::parse_one, "notes"),
    ("render_client", touchbase::fuzzing::render_one, "notes"),
    ("page_name", touchbase::fuzzing::page_name, "page_name"),
];

/// Generous: a debug build on a busy 2-core machine. A hang fails instead of stalling.
const LIMIT: Duration = Duration::from_secs(120);

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_none_or(|n| n != "README.md"));
    files.sort();
    files
}

fn replay(target: &str, run: Target, files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(|| run(&bytes));
            let _ = tx.send(result);
        });
        let what = match rx.recv_timeout(LIMIT) {
            Ok(Ok(Ok(()))) => continue,
            Ok(Ok(Err(why))) => why,
            Ok(Err(_)) => "panicked".to_string(),
            Err(_) => format!("took over {} s", LIMIT.as_secs()),
        };
        failures.push(format!("{target} {}: {what}", file.display()));
    }
    failures
}

#[test]
fn every_seed_and_regression_passes_every_target() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    let mut count = 0;
    for (target, run, seeds) in TARGETS {
        let mut files = inputs(&fuzz.join("seeds").join(seeds));
        assert!(!files.is_empty(), "no seeds for {target}");
        files.extend(inputs(&fuzz.join("regressions").join(target)));
        count += files.len();
        failures.extend(replay(target, run, &files));
    }
    assert!(count > 50, "only {count} inputs replayed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Control: the replay really fails on an input that breaks a property.
#[test]
fn replay_reports_a_failing_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x"), "x").unwrap();
    let always_bad: Target = |_| Err("bad".into());
    let panics: Target = |_| panic!("boom");
    let files = inputs(dir.path());
    assert_eq!(replay("t", always_bad, &files).len(), 1);
    assert_eq!(replay("t", panics, &files).len(), 1);
    let fine: Target = |_| Ok(());
    assert!(replay("t", fine, &files).is_empty());
}
