//! Standards checks on the example site: the Nu HTML Checker (`vnu-jar` from npm, run
//! with the machine's Java) finds no errors on any page, axe-core (from npm) finds no
//! accessibility violations, and no page scrolls sideways at phone width (375 px).
//! `.ci/run` installs the npm packages into `.ci/node`; without them (or without Java
//! or chromium) these tests say so loudly, and fail when `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn node_modules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules")
}

fn require(what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    common::require(what, found)
}

#[test]
fn every_page_is_valid_html() {
    let jar = node_modules().join("vnu-jar/build/dist/vnu.jar");
    let Some(jar) = require("vnu-jar (npm)", Some(jar).filter(|j| j.is_file())) else {
        return;
    };
    let java_ok = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if require("java", java_ok.then(PathBuf::new)).is_none() {
        return;
    }
    let sites = [
        common::build_site("example-notes", "en"),
        common::build_site("example-notes", "zh"),
        common::build_site("tests/fixtures/playbook", "en"),
        common::build_site("tests/fixtures/hostile", "zh"),
    ];
    let files: Vec<PathBuf> = sites
        .iter()
        .flat_map(|s| common::html_files(&s.path().join("site")))
        .collect();
    assert!(files.len() > 40);
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&files)
        .output()
        .expect("run vnu");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "HTML errors:\n{report}"
    );
}

fn chromium() -> Option<PathBuf> {
    common::chromium()
}

/// Open `page` (with `probe` script appended) in headless chromium at `width` px and
/// return the value the probe wrote into `<html data-probe=…>`.
fn probe(browser: &Path, page: &Path, probe: &str, width: u32) -> String {
    let mut html = std::fs::read_to_string(page).unwrap();
    // The probe is an inline script, which the page's Content-Security-Policy refuses
    // (as it should): the copy goes without the policy (tests/browser.rs checks it).
    let csp = "<meta http-equiv=\"Content-Security-Policy\"";
    if let Some(start) = html.find(csp) {
        let end = html[start..]
            .find('>')
            .map_or(html.len(), |e| start + e + 1);
        html.replace_range(start..end, "");
    }
    let copy = page.with_file_name(format!(
        "__probe_{}",
        page.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&copy, html.replace("</body>", &format!("{probe}</body>"))).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = common::headless(browser, profile.path())
        .arg(format!("--window-size={width},900"))
        .args(["--virtual-time-budget=15000", "--dump-dom"])
        .arg(format!("file://{}", copy.display()))
        .output()
        .expect("run chromium");
    let _ = std::fs::remove_file(&copy);
    let dom = String::from_utf8_lossy(&out.stdout);
    dom.split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("(probe did not run)")
        .replace("&quot;", "\"")
}

fn axe_probe(depth: usize, extra: &str) -> String {
    let up = "../".repeat(depth);
    format!(
        "{extra}<script src=\"{up}__axe.min.js\"></script><script>axe.run(document, {{resultTypes: [\"violations\"]}}).then(function (r) {{ document.documentElement.setAttribute(\"data-probe\", JSON.stringify(r.violations.map(function (v) {{ return v.id + \" (\" + v.impact + \") \" + v.nodes.map(function (n) {{ return n.target.join(\" \"); }}).slice(0, 3).join(\", \"); }}))); }});</script>"
    )
}

#[test]
fn pages_have_no_accessibility_violations() {
    let axe = node_modules().join("axe-core/axe.min.js");
    let Some(axe) = require("axe-core (npm)", Some(axe).filter(|a| a.is_file())) else {
        return;
    };
    let Some(browser) = require("chromium", chromium()) else {
        return;
    };
    for lang in ["en", "zh"] {
        let site = common::build_site("example-notes", lang);
        let root = site.path().join("site");
        std::fs::copy(&axe, root.join("__axe.min.js")).unwrap();
        // The probe really runs axe: a page with an unlabelled image must fail.
        let control = probe(
            &browser,
            &root.join("index.html"),
            &axe_probe(0, "<img src=\"x.png\">"),
            1280,
        );
        assert!(control.contains("image-alt"), "axe did not run: {control}");
        for (page, depth) in [
            ("index.html", 0),
            ("clients.html", 0),
            ("clients/huadong-jiancai.html", 1),
            ("reps/王磊.html", 1),
            ("key.html", 0),
            ("calendar.html", 0),
            ("problems.html", 0),
        ] {
            let result = probe(&browser, &root.join(page), &axe_probe(depth, ""), 1280);
            assert_eq!(result, "[]", "{lang} {page}: {result}");
        }
    }
}

#[test]
fn no_page_scrolls_sideways_on_a_phone() {
    let Some(browser) = require("chromium", chromium()) else {
        return;
    };
    let site = common::build_site("example-notes", "zh");
    let root = site.path().join("site");
    let check = "<script>window.addEventListener(\"load\", function () { var d = document.documentElement; d.setAttribute(\"data-probe\", d.scrollWidth + \"/\" + window.innerWidth); });</script>";
    for page in [
        "index.html",
        "clients.html",
        "clients/huadong-jiancai.html",
        "reps/王磊.html",
        "key.html",
        "calendar.html",
        "referrals.html",
    ] {
        let r = probe(&browser, &root.join(page), check, 375);
        let (scroll, inner) = r.split_once('/').unwrap_or(("?", "?"));
        assert_eq!(scroll, inner, "{page} is {scroll} px wide at {inner} px");
    }
}

#[test]
fn a_client_page_prints_on_one_page() {
    let Some(browser) = require("chromium", chromium()) else {
        return;
    };
    let site = common::build_site("example-notes", "zh");
    let root = site.path().join("site/clients");
    let profile = tempfile::tempdir().unwrap();
    for page in [
        "huadong-jiancai.html",
        "ruikang-yiliao.html",
        "nordlicht-medizintechnik.html",
    ] {
        let pdf = site.path().join(format!("{page}.pdf"));
        let out = common::headless(&browser, profile.path())
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", root.join(page).display()))
            .output()
            .expect("run chromium");
        assert!(out.status.success());
        let bytes = std::fs::read(&pdf).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let pages: Vec<&str> = text
            .split("/Count ")
            .skip(1)
            .map(|s| s.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
            .collect();
        assert_eq!(
            pages.first().copied(),
            Some("1"),
            "{page} prints on {pages:?} pages"
        );
    }
}
