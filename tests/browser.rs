//! The built site in a real browser: Debian's `chromium`, headless, loads the pages
//! from disk (as a manager opening the folder would) and we read the DOM it built.
//! Without chromium these tests say so loudly, and fail when `CI=true`.

use std::path::{Path, PathBuf};

mod common;

fn require_chromium() -> Option<PathBuf> {
    common::chromium()
}

fn build_example(lang: &str) -> tempfile::TempDir {
    common::build_site("example-notes", lang)
}

/// The DOM after the page loaded, as chromium serialises it.
fn dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let out = common::headless(browser, profile)
        .arg("--virtual-time-budget=2000")
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

/// Rows of the client list as the browser left them: (search text, hidden?).
fn client_rows(dom: &str) -> Vec<(String, bool)> {
    dom.split("<tr data-s=\"")
        .skip(1)
        .map(|part| {
            let text = part.split('"').next().unwrap_or("").to_string();
            let tag = part.split('>').next().unwrap_or("");
            (text, tag.contains(" hidden"))
        })
        .collect()
}

#[test]
fn client_list_search_filter_and_sort() {
    let Some(browser) = require_chromium() else {
        return;
    };
    let site = build_example("zh");
    let profile = tempfile::tempdir().unwrap();
    let page = site.path().join("site/clients.html");
    let open = |query: &str| {
        let url = format!("{}?{query}", page.display());
        dom(&browser, Path::new(&url), profile.path())
    };
    // Chinese substring search: 建材 finds 华东建材集团有限公司.
    let d = open("q=%E5%BB%BA%E6%9D%90");
    let shown: Vec<String> = client_rows(&d)
        .into_iter()
        .filter(|r| !r.1)
        .map(|r| r.0)
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].starts_with("华东建材"), "{shown:?}");
    assert!(d.contains("显示 1 / 16"), "count shown");
    assert!(
        !d.contains("id=\"client-filters\" hidden"),
        "filters appear with the script"
    );
    // Filters: status and owner.
    let overdue = client_rows(&open("status=overdue"))
        .into_iter()
        .filter(|r| !r.1)
        .count();
    assert_eq!(overdue, 6);
    let anna = client_rows(&open("owner=Anna%20Li&tier=prospect"))
        .into_iter()
        .filter(|r| !r.1)
        .count();
    assert_eq!(anna, 1, "Alpine Tools AG");
    // Search finds people too.
    let by_person = client_rows(&open("q=lena"))
        .into_iter()
        .filter(|r| !r.1)
        .count();
    assert!(by_person >= 1);
    // Sorting by contacts, descending: the first row has the most.
    let d = open("sort=n12&dir=desc");
    assert!(d.contains("aria-sort=\"descending\""));
    let first = client_rows(&d)
        .first()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    assert!(first.starts_with("华东建材"), "{first}");
}

#[test]
fn client_list_reads_fine_without_script() {
    // Without JavaScript the filters stay hidden and the table is complete and sorted.
    let site = build_example("en");
    let html = std::fs::read_to_string(site.path().join("site/clients.html")).unwrap();
    assert!(html.contains("id=\"client-filters\" hidden"));
    assert_eq!(client_rows(&html).len(), 16);
    assert!(client_rows(&html).iter().all(|r| !r.1));
}
