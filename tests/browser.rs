//! The built site in a real browser: Debian's `chromium`, headless, loads the pages
//! from disk (as a manager opening the folder would) and we read the DOM it built.
//! Without chromium these tests say so loudly, and fail when `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.is_file())
}

fn require_chromium() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        let msg = "BROWSER TESTS NOT RUN: chromium is not installed (apt-get install chromium)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("\n*** {msg} ***\n");
    }
    found
}

fn build_example(lang: &str) -> tempfile::TempDir {
    common::build_site("example-notes", lang)
}

/// The DOM after the page loaded, as chromium serialises it.
fn dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pages_load_from_disk_in_chromium() {
    let Some(browser) = require_chromium() else {
        return;
    };
    let site = build_example("en");
    let profile = tempfile::tempdir().unwrap();
    let root = site.path().join("site");
    let dash = dom(&browser, &root.join("index.html"), profile.path());
    assert!(dash.contains("Overdue and due soon"), "dashboard rendered");
    assert!(dash.contains("<svg class=\"chart\""), "charts inline");
    let client = dom(
        &browser,
        &root.join("clients/huadong-jiancai.html"),
        profile.path(),
    );
    assert!(client.contains("华东建材"), "Chinese client name");
    assert!(client.contains("Contact log"));
    // The stylesheet is reachable by a relative link from a sub-folder.
    assert!(root.join("assets/style.css").is_file());
    assert!(client.contains("href=\"../assets/style.css\""));
}

#[test]
fn chinese_site_in_chromium() {
    let Some(browser) = require_chromium() else {
        return;
    };
    let site = build_example("zh");
    let profile = tempfile::tempdir().unwrap();
    let dash = dom(
        &browser,
        &site.path().join("site/index.html"),
        profile.path(),
    );
    assert!(dash.contains("lang=\"zh-CN\""));
    assert!(dash.contains("逾期与即将到期"));
    assert!(!dash.contains("Overdue and due soon"));
}
