//! Snapshot tests of rendered pages: any change to what a manager sees shows up as a
//! diff in review (`cargo insta review`, or `INSTA_UPDATE=always cargo test`).

use std::fs;

mod common;

fn build(lang: &str) -> tempfile::TempDir {
    common::build_site("tests/fixtures/small", lang)
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
