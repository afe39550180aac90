//! Snapshot tests of rendered pages: any change to what a manager sees shows up as a
//! diff in review (`cargo insta review`, or `INSTA_UPDATE=always cargo test`).

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn build(lang: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
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

fn page(dir: &tempfile::TempDir, rel: &str) -> String {
    fs::read_to_string(dir.path().join("site").join(rel)).unwrap()
}

#[test]
fn english_pages() {
    let site = build("en");
    insta::assert_snapshot!("en_dashboard", page(&site, "index.html"));
    insta::assert_snapshot!("en_clients", page(&site, "clients.html"));
    insta::assert_snapshot!("en_client_huadong", page(&site, "clients/huadong.html"));
    insta::assert_snapshot!("en_client_prospect", page(&site, "clients/prospect.html"));
    insta::assert_snapshot!("en_problems", page(&site, "problems.html"));
}

#[test]
fn chinese_pages() {
    let site = build("zh");
    insta::assert_snapshot!("zh_dashboard", page(&site, "index.html"));
    insta::assert_snapshot!("zh_client_huadong", page(&site, "clients/huadong.html"));
}
