//! The built site in a browser, at the size of a whole sales org: generate 10,000
//! clients × 40 entries with `../shared/bench/gen_notes.py`, build the site, then
//! measure what a manager feels: page weights, how long Debian's `chromium` (headless,
//! driven over the DevTools protocol) takes to load and paint the dashboard, the client
//! list and a client page, and how long the client list takes to answer a search, a
//! filter and a sort.
//!
//!     cargo bench --bench site
//!
//! Options (environment): `TOUCHBASE_BENCH_CLIENTS=10000`, `TOUCHBASE_BENCH_RUNS=5`,
//! `TOUCHBASE_BENCH_DIR` (default `target/bench`, shared with `benches/build.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

#[path = "../tests/common/mod.rs"]
mod common;
use common::cdp::Browser;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = root.join("../shared/bench/gen_notes.py");
    if !generator.is_file() {
        eprintln!("skipping: {} not found", generator.display());
        return;
    }
    let Some(chromium) = common::chromium() else {
        return;
    };
    let env_num = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let clients = env_num(
        "TOUCHBASE_BENCH_CLIENTS",
        if measuring { 10_000 } else { 50 },
    );
    let runs = env_num("TOUCHBASE_BENCH_RUNS", if measuring { 5 } else { 1 }).max(1);
    let dir = std::env::var_os("TOUCHBASE_BENCH_DIR")
        .map_or_else(|| root.join("target/bench"), PathBuf::from);
    let notes = dir.join(format!("notes-{clients}x40"));
    if !notes.is_dir() {
        let ok = Command::new("python3")
            .arg(&generator)
            .arg(&notes)
            .args(["--clients", &clients.to_string(), "--entries", "40"])
            .args(["--seed", "7", "--by-owner"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "gen_notes.py failed");
    }
    let site = dir.join(format!("site-browser-{clients}"));
    let built = Command::new(env!("CARGO_BIN_EXE_touchbase"))
        .arg("build")
        .arg(&notes)
        .arg("--out")
        .arg(&site)
        .args(["--today", "2026-06-30"])
        .output()
        .expect("run touchbase");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    println!("touchbase site in chromium: {clients} clients × 40 entries, {runs} runs each");
    weights(&site);

    let mut browser = Browser::launch(&chromium);
    let client_page = median_client_page(&site);
    println!(
        "\n{:<28} {:>9} {:>9} {:>9} {:>10} {:>9}",
        "page (median of runs)", "FCP ms", "DCL ms", "load ms", "frame ms", "problems"
    );
    for (name, page) in [
        ("dashboard (index.html)", site.join("index.html")),
        ("client list (clients.html)", site.join("clients.html")),
        ("client page (median size)", client_page.clone()),
    ] {
        let mut fcp = Vec::new();
        let mut dcl = Vec::new();
        let mut load = Vec::new();
        let mut ready = Vec::new();
        let mut problems = 0;
        for _ in 0..runs {
            browser.navigate(&format!("file://{}", page.display()));
            // First contentful paint, DOMContentLoaded, load, and the first frame after
            // load (when the page is on screen with its script done).
            let t = browser.eval(
                "new Promise(r => requestAnimationFrame(() => {
                   const n = performance.getEntriesByType('navigation')[0];
                   const p = performance.getEntriesByName('first-contentful-paint')[0];
                   r([p ? p.startTime : NaN, n.domContentLoadedEventEnd, n.loadEventEnd, performance.now()]); }))",
            );
            ready.push(num(&t[3]));
            fcp.push(num(&t[0]));
            dcl.push(num(&t[1]));
            load.push(num(&t[2]));
            problems += browser.problems().len();
        }
        println!(
            "{name:<28} {:>9.0} {:>9.0} {:>9.0} {:>10.0} {problems:>9}",
            median(fcp),
            median(dcl),
            median(load),
            median(ready)
        );
    }

    checks(&mut browser, &site);

    println!(
        "\n{:<40} {:>10} {:>12}  matches",
        "client list action (median)", "script ms", "to frame ms"
    );
    let actions: [(&str, &str); 6] = [
        ("search 建材 (Chinese substring)", "q=建材"),
        ("search a one-letter `a`", "q=a"),
        ("filter status = overdue", "status=overdue"),
        ("filter tier = key", "tier=key"),
        ("sort by last contact", "sort:last"),
        ("sort by contacts, reversed", "sort:n12"),
    ];
    for (name, action) in actions {
        let mut script = Vec::new();
        let mut frame = Vec::new();
        let mut shown = String::new();
        for _ in 0..runs {
            browser.navigate(&format!("file://{}", site.join("clients.html").display()));
            let r = browser.eval(&action_js(action));
            script.push(num(&r[0]));
            frame.push(num(&r[1]));
            shown = r[2].as_str().unwrap_or_default().to_string();
        }
        println!(
            "{name:<40} {:>10.1} {:>12.1}  {shown}",
            median(script),
            median(frame)
        );
    }
}

/// JavaScript that performs one client-list action and returns [time the script spent
/// filtering (its own `data-ms`, or the sort's time), time until the next frame was
/// painted, the count the page shows].
fn action_js(action: &str) -> String {
    let start = "const form = document.getElementById('client-filters');
        const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
        const shown = () => form.count.value;
        const t0 = performance.now();";
    let body = if let Some(key) = action.strip_prefix("sort:") {
        format!(
            "const b = document.querySelector('th[data-key={key}] button');
             b.click(); const t1 = performance.now(); document.body.offsetHeight;
             await frame(); return [t1 - t0, performance.now() - t0, shown()];"
        )
    } else {
        let (name, value) = action.split_once('=').unwrap_or((action, ""));
        format!(
            "const f = form['{name}']; f.value = {value:?};
             f.dispatchEvent(new Event(f.tagName === 'SELECT' ? 'change' : 'input', {{bubbles: true}}));
             await frame();
             return [+form.count.getAttribute('data-ms'), performance.now() - t0, shown()];"
        )
    };
    format!("(async () => {{ {start} {body} }})()")
}

/// The site's standards at scale: on the main pages of the big site, no console error
/// or failed request, no sideways scroll at 375 px, no axe-core violation (when
/// `.ci/node` has it), and no Nu HTML Checker error (when Java and `vnu-jar` are there).
fn checks(browser: &mut Browser, site: &Path) {
    let rep = sizes_in(&site.join("reps"))
        .last()
        .map(|p| p.1.clone())
        .unwrap_or_default();
    let largest_client = sizes_in(&site.join("clients"))
        .last()
        .map(|p| p.1.clone())
        .unwrap_or_default();
    let mut pages: Vec<PathBuf> = [
        "index.html",
        "clients.html",
        "key.html",
        "calendar.html",
        "reps.html",
        "referrals.html",
        "problems.html",
    ]
    .iter()
    .map(|p| site.join(p))
    .collect();
    pages.extend([median_client_page(site), largest_client, rep]);
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node/node_modules");
    let axe = std::fs::read_to_string(modules.join("axe-core/axe.min.js")).ok();
    println!(
        "\n{:<36} {:>9} {:>14} {:>16}",
        "page (checks at this size)", "problems", "375 px excess", "axe violations"
    );
    for page in &pages {
        let url = format!("file://{}", page.display());
        browser.set_width(1280, false);
        browser.navigate(&url);
        let problems = browser.problems().len();
        let violations = match &axe {
            Some(source) => {
                browser.eval(source);
                let v = browser.eval(
                    "axe.run(document, {resultTypes: ['violations']})\
                     .then(r => r.violations.map(v => v.id).join(' '))",
                );
                let v = v.as_str().unwrap_or("?").to_string();
                if v.is_empty() { "0".to_string() } else { v }
            }
            None => "(no axe-core)".to_string(),
        };
        browser.set_width(375, true);
        browser.navigate(&url);
        let excess = browser.eval("document.documentElement.scrollWidth - window.innerWidth");
        let name = page
            .strip_prefix(site)
            .map_or_else(|_| page.display().to_string(), |p| p.display().to_string());
        println!(
            "{name:<36} {problems:>9} {:>14} {violations:>16}",
            excess.as_i64().unwrap_or(-1)
        );
    }
    browser.set_width(1280, false);
    let jar = modules.join("vnu-jar/build/dist/vnu.jar");
    if jar.is_file() {
        let out = Command::new("java")
            .arg("-jar")
            .arg(&jar)
            .arg("--errors-only")
            .args(&pages)
            .output();
        match out {
            Ok(o) => {
                let report = String::from_utf8_lossy(&o.stderr);
                let errors = report.lines().filter(|l| l.contains("error")).count();
                println!(
                    "Nu HTML Checker on these {} pages: {errors} errors",
                    pages.len()
                );
                if errors > 0 {
                    println!("{report}");
                }
            }
            Err(e) => println!("Nu HTML Checker not run: {e}"),
        }
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

fn sizes_in(dir: &Path) -> Vec<(u64, PathBuf)> {
    let mut v: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| (size(&e.path()), e.path()))
        .collect();
    v.sort();
    v
}

fn median_client_page(site: &Path) -> PathBuf {
    let pages = sizes_in(&site.join("clients"));
    pages
        .get(pages.len() / 2)
        .map(|p| p.1.clone())
        .unwrap_or_default()
}

fn weights(site: &Path) {
    let kb = |b: u64| b as f64 / 1024.0;
    let assets = size(&site.join("assets/style.css")) + size(&site.join("assets/app.js"));
    println!("\n{:<44} {:>10}", "page weight (HTML + CSS + JS)", "KB");
    println!(
        "{:<44} {:>10.0}",
        "dashboard",
        kb(size(&site.join("index.html")) + assets)
    );
    println!(
        "{:<44} {:>10.0}",
        "client list",
        kb(size(&site.join("clients.html")) + assets)
    );
    for (name, dir) in [("client page", "clients"), ("rep page", "reps")] {
        let pages = sizes_in(&site.join(dir));
        let pick = |at: usize| pages.get(at).map_or(0, |p| p.0);
        println!(
            "{:<44} {:>10.0}",
            format!("{name}: median of {}", pages.len()),
            kb(pick(pages.len() / 2) + assets)
        );
        println!(
            "{:<44} {:>10.0}",
            format!("{name}: largest"),
            kb(pick(pages.len().saturating_sub(1)) + assets)
        );
    }
    for page in ["key.html", "calendar.html", "reps.html", "referrals.html"] {
        println!("{page:<44} {:>10.0}", kb(size(&site.join(page)) + assets));
    }
}
