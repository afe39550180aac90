//! Helpers shared by the integration tests.

#![allow(dead_code)] // each test binary uses only some of these

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub mod cdp;

/// A copy of `example-notes` at `<dir>/notes`, to change as a test likes; its path.
pub fn example_copy(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    let to = dir.join("notes");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&from).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), to.join(rel)).unwrap();
        }
    }
    to
}

/// Build the site of the notes folder `notes` (relative to the crate) into a temporary
/// folder (`<tmp>/site`), as of 2026-11-22, in `lang`. Panics if the build fails.
pub fn build_site(notes: &str, lang: &str) -> tempfile::TempDir {
    build_site_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join(notes), lang)
}

/// `build_site` for a notes folder anywhere.
pub fn build_site_of(notes: &Path, lang: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .args(["build", notes.to_str().unwrap(), "--out"])
        .arg(dir.path().join("site"))
        .args(["--today", "2026-11-22", "--lang", lang])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Every `.html` file under `root`, in name order.
pub fn html_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect()
}

/// A tool a test needs, or None with a loud notice; under `CI=true` a missing tool fails.
pub fn require(what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_none() {
        let msg = format!(
            "BROWSER/STANDARDS TESTS NOT RUN: {what} is missing (run .ci/run, or see its install steps)"
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("\n*** {msg} ***\n");
    }
    found
}

/// Debian's chromium (or a compatible browser), if installed.
pub fn chromium() -> Option<PathBuf> {
    require(
        "chromium (apt-get install chromium)",
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|n| Path::new("/usr/bin").join(n))
            .find(|p| p.is_file()),
    )
}

/// A headless chromium command with a fresh profile in `profile`, quiet on a closed
/// network; add the page and what to do with it.
pub fn headless(browser: &Path, profile: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}
