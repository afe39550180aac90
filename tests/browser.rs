//! The built site in a real browser: Debian's `chromium`, headless, driven over the
//! DevTools protocol (`common::cdp`), opens the pages from disk as a manager opening the
//! folder would. Every page loads with no console error and no failed request; search,
//! filters and sorting work when typed and clicked; neither language shows a label of the
//! other. Without chromium these tests say so loudly, and fail when `CI=true`.

use std::path::Path;

use serde_json::Value;
use touchbase::config::Lang;
use touchbase::render::i18n::table;

mod common;
use common::cdp::Browser;

fn url(page: &Path) -> String {
    format!("file://{}", page.display())
}

#[test]
fn every_page_loads_without_console_errors_or_failed_requests() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let mut browser = Browser::launch(&chromium);
    for lang in ["en", "zh"] {
        let site = common::build_site("example-notes", lang);
        let root = site.path().join("site");
        let pages = common::html_files(&root);
        assert!(pages.len() > 25, "{}", pages.len());
        for page in &pages {
            browser.navigate(&url(page));
            let problems = browser.problems();
            assert!(problems.is_empty(), "{}: {problems:#?}", page.display());
            // Everything comes from the site folder: no network, no CDN, no fonts.
            for req in browser.requests() {
                assert!(
                    req.starts_with("file://") || req.starts_with("data:"),
                    "{}: requested {req}",
                    page.display()
                );
            }
            // The stylesheet applied (a relative link that resolves from sub-folders too).
            let styled = browser
                .eval("getComputedStyle(document.body).getPropertyValue('--accent').trim() !== ''");
            assert_eq!(styled, Value::Bool(true), "{}: unstyled", page.display());
            // Under the page's Content-Security-Policy (a CSP violation is a console error,
            // caught above; the probe below shows it would be).
            let csp = browser.eval(
                "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content",
            );
            assert_eq!(csp, Value::from(CSP), "{}", page.display());
        }
        let title = {
            browser.navigate(&url(&root.join("index.html")));
            browser.eval(
                "document.documentElement.lang + ' ' + document.querySelector('h1').textContent",
            )
        };
        let want = if lang == "zh" { "zh-CN" } else { "en" };
        assert!(
            title.as_str().unwrap_or_default().starts_with(want),
            "{title}"
        );
    }
}

#[test]
fn the_problem_probe_sees_problems() {
    // A control for the test above: a page with a missing image, a console error and an
    // uncaught exception must show all three, or that test proves nothing.
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!doctype html><title>x</title><img src=\"missing.png\" alt=\"\">\
         <script>console.error('boom'); undefinedFunction();</script>",
    )
    .unwrap();
    let mut browser = Browser::launch(&chromium);
    browser.navigate(&url(&page));
    let problems = browser.problems().join("\n");
    assert!(problems.contains("console.\"error\""), "{problems}");
    assert!(problems.contains("uncaught exception"), "{problems}");
    assert!(problems.contains("failed request"), "{problems}");
}

/// The Content-Security-Policy every page carries (templates/base.html).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

#[test]
fn the_csp_keeps_the_site_own_files_and_blocks_the_rest_from_disk() {
    // A control for the CSP check above, opened from `file://` as the site is: under the
    // same policy, a stylesheet, a script and inline SVG beside the page work; an inline
    // script and a `style=` attribute are refused, and the refusal is reported.
    let Some(chromium) = common::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/s.css"), "body { --probe: 1; }").unwrap();
    std::fs::write(
        dir.path().join("assets/a.js"),
        "window.ranOwnScript = true;",
    )
    .unwrap();
    let page = |body: &str| {
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
             <title>x</title><link rel=\"stylesheet\" href=\"assets/s.css\">\
             <script src=\"assets/a.js\"></script></head><body>{body}</body></html>"
        )
    };
    let good = dir.path().join("good.html");
    std::fs::write(
        &good,
        page("<svg viewBox=\"0 0 10 10\" width=\"10\" height=\"10\"><rect width=\"5\" height=\"10\"/></svg>"),
    )
    .unwrap();
    let mut browser = Browser::launch(&chromium);
    browser.navigate(&url(&good));
    assert!(browser.problems().is_empty(), "{:#?}", browser.problems());
    assert_eq!(
        browser.eval("window.ranOwnScript === true"),
        Value::Bool(true)
    );
    assert_eq!(
        browser.eval("getComputedStyle(document.body).getPropertyValue('--probe').trim()"),
        Value::from("1")
    );
    assert_eq!(
        browser.eval("document.querySelector('rect').getBBox().width"),
        Value::from(5)
    );
    for bad in [
        "<script>window.ranInline = true;</script>",
        "<p style=\"color: red\">x</p>",
    ] {
        let page_path = dir.path().join("bad.html");
        std::fs::write(&page_path, page(bad)).unwrap();
        browser.navigate(&url(&page_path));
        let problems = browser.problems().join("\n");
        assert!(
            problems.contains("Content Security Policy"),
            "{bad}: {problems}"
        );
        assert_eq!(
            browser.eval("window.ranInline === true"),
            Value::Bool(false)
        );
    }
}

/// Names of the rows the client list shows, top to bottom.
const SHOWN: &str = "Array.from(document.querySelectorAll('#client-table tbody tr'))\
    .filter(tr => !tr.hidden).map(tr => tr.cells[0].textContent.trim())";

fn shown(browser: &mut Browser) -> Vec<String> {
    browser.eval_strings(SHOWN)
}

/// Choose `value` in the filter `name`, as a manager picking from the list would.
fn choose(browser: &mut Browser, name: &str, value: &str) {
    browser.eval(&format!(
        "(() => {{ const s = document.querySelector('#client-filters [name={name}]'); \
         s.value = {value:?}; s.dispatchEvent(new Event('change', {{bubbles: true}})); \
         return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); }})()"
    ));
}

#[test]
fn client_list_search_filter_and_sort() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = common::build_site("example-notes", "zh");
    let page = site.path().join("site/clients.html");
    let mut browser = Browser::launch(&chromium);
    browser.navigate(&url(&page));
    assert_eq!(shown(&mut browser).len(), 17);
    assert_eq!(
        browser.eval("document.getElementById('client-filters').hidden"),
        Value::Bool(false),
        "filters appear with the script"
    );

    // Typing a Chinese substring: 建材 finds 华东建材集团有限公司.
    browser.eval("document.querySelector('#client-filters [name=q]').focus()");
    browser.type_text("建材");
    browser.eval("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))");
    let names = shown(&mut browser);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("华东建材"), "{names:?}");
    let count = browser.eval("document.querySelector('#client-filters output').textContent");
    assert_eq!(count, "1 / 17 个客户");
    // Clearing the search and filtering by status and then owner + tier.
    browser.eval("document.querySelector('#client-filters [name=q]').value = ''");
    choose(&mut browser, "status", "overdue");
    assert_eq!(shown(&mut browser).len(), 5);
    choose(&mut browser, "status", "");
    choose(&mut browser, "owner", "Anna Li");
    choose(&mut browser, "tier", "prospect");
    assert_eq!(shown(&mut browser), ["Alpine Tools AG"]);
    // The address follows the filters, so the view can be shared.
    let search = browser.eval("location.search");
    assert_eq!(search, "?owner=Anna+Li&tier=prospect");
    choose(&mut browser, "owner", "");
    choose(&mut browser, "tier", "");

    // Search finds people too (Lena works at a client whose name does not say so).
    browser.eval("document.querySelector('#client-filters [name=q]').focus()");
    browser.type_text("lena");
    browser.eval("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))");
    assert_eq!(shown(&mut browser), ["Nordlicht Medizintechnik GmbH"]);
    browser.eval(
        "(() => { const q = document.querySelector('#client-filters [name=q]'); q.value = ''; \
         q.dispatchEvent(new Event('input', {bubbles: true})); \
         return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); })()",
    );
    assert_eq!(shown(&mut browser).len(), 17);

    // Clicking a header sorts by it; clicking again reverses.
    browser.click("th[data-key=n12] button");
    browser.click("th[data-key=n12] button");
    assert_eq!(
        browser.eval("document.querySelector('th[data-key=n12]').getAttribute('aria-sort')"),
        "descending"
    );
    let counts: Vec<i64> = browser
        .eval(
            "Array.from(document.querySelectorAll('#client-table tbody tr'))\
             .map(tr => +tr.cells[7].textContent)",
        )
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    assert_eq!(counts.len(), 17);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(shown(&mut browser)[0].starts_with("华东建材"));
    // Sorting by last contact follows the dates, not the text of the cells.
    browser.click("th[data-key=last] button");
    let last = browser.eval_strings(
        "Array.from(document.querySelectorAll('#client-table tbody tr'))\
             .map(tr => (tr.cells[5].querySelector('time') || {}).dateTime || '')",
    );
    let dated: Vec<&String> = last.iter().filter(|d| !d.is_empty()).collect();
    assert!(dated.len() >= 10, "{last:?}");
    assert!(dated.windows(2).all(|w| w[0] <= w[1]), "{last:?}");
    assert!(browser.problems().is_empty(), "{:?}", browser.problems());

    // Filters can come from the address too.
    browser.navigate(&format!("{}?status=overdue&sort=name&dir=desc", url(&page)));
    assert_eq!(shown(&mut browser).len(), 5);
    // The follow-up filter: clients with a follow-up past its day (the dashboard's
    // counter); the control is the whole list.
    browser.navigate(&format!("{}?followup=missed", url(&page)));
    let missed = shown(&mut browser);
    assert!(!missed.is_empty() && missed.len() < 17, "{missed:?}");
}

#[test]
fn long_client_list_shows_a_page_at_a_time() {
    // 250 clients: the table holds the first 100 matches; "show more" adds 100 at a time;
    // search and sorting still reach every client.
    let Some(chromium) = common::chromium() else {
        return;
    };
    let notes = tempfile::tempdir().unwrap();
    for i in 0..250 {
        std::fs::write(
            notes.path().join(format!("c{i:03}.md")),
            format!(
                "---\nname: Client {i:03}\nowner: Rep {}\ntier: regular\n---\n\n## 2026-{:02}-{:02} call — catch-up\n",
                i % 3,
                1 + i % 10,
                1 + i % 28
            ),
        )
        .unwrap();
    }
    let out = common::build_site_of(notes.path(), "en");
    let site = out.path().join("site");
    let html = std::fs::read_to_string(site.join("clients.html")).unwrap();
    assert_eq!(
        html.matches("<tr data-s=\"").count(),
        250,
        "all rows without script"
    );

    let mut browser = Browser::launch(&chromium);
    browser.navigate(&url(&site.join("clients.html")));
    assert_eq!(shown(&mut browser).len(), 100);
    let more = "document.getElementById('client-more')";
    assert_eq!(browser.eval(&format!("{more}.hidden")), Value::Bool(false));
    assert_eq!(
        browser.eval(&format!("{more}.textContent")),
        "Show 100 more (150 left)"
    );
    browser.click("#client-more");
    assert_eq!(shown(&mut browser).len(), 200);
    browser.click("#client-more");
    assert_eq!(shown(&mut browser).len(), 250);
    assert_eq!(browser.eval(&format!("{more}.hidden")), Value::Bool(true));
    // Sorting by name, reversed, starts from the last client, and search reaches it.
    browser.click("th[data-key=name] button");
    browser.click("th[data-key=name] button");
    assert_eq!(shown(&mut browser)[0], "Client 249");
    assert_eq!(
        shown(&mut browser).len(),
        100,
        "a new order starts at its first page"
    );
    browser.eval("document.querySelector('#client-filters [name=q]').focus()");
    browser.type_text("client 137");
    browser.eval("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))");
    assert_eq!(shown(&mut browser), ["Client 137"]);
    assert_eq!(
        browser.eval("document.querySelector('#client-filters output').textContent"),
        "1 of 250 clients"
    );
    assert!(browser.problems().is_empty(), "{:?}", browser.problems());
}

#[test]
fn client_list_reads_fine_without_script() {
    // Without JavaScript the filters stay hidden and the table is complete and sorted.
    let site = common::build_site("example-notes", "en");
    let html = std::fs::read_to_string(site.path().join("site/clients.html")).unwrap();
    assert!(html.contains("id=\"client-filters\" hidden"));
    assert_eq!(html.matches("<tr data-s=\"").count(), 17);
    assert!(!html.contains("<tr hidden"));
}

/// Texts of elements (and their labelling attributes) in the rendered page that equal
/// one of `labels`, outside what the notes themselves say (background and contact log).
fn stray_labels(browser: &mut Browser, labels: &[&str]) -> Vec<String> {
    let list = serde_json::to_string(labels).unwrap_or_default();
    browser.eval_strings(&format!(
        "(() => {{ const labels = new Set({list}); const out = [];
           for (const e of document.querySelectorAll('body *')) {{
             if (e.closest('.prose, ol.log, script, style')) continue;
             const own = Array.from(e.childNodes).filter(n => n.nodeType === 3)
               .map(n => n.textContent).join('').trim();
             for (const t of [own, e.getAttribute('aria-label'), e.getAttribute('title'),
                              e.getAttribute('placeholder')])
               if (t && labels.has(t.trim())) out.push(e.tagName + ': ' + t.trim());
             // Dates read in the page's language; ISO dates stay in `datetime` only
             // (a quoted source line of a diagnostic is shown as written).
             if (!e.closest('pre, code, .snippet') && /[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}/.test(own))
               out.push(e.tagName + ' (ISO date): ' + own);
           }}
           return out; }})()"
    ))
}

#[test]
fn neither_language_shows_the_other_languages_labels() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let (en, zh) = (table(Lang::En), table(Lang::Zh));
    // Labels that differ between the languages; the English ones must contain a letter
    // (a bare "12" or "—" is the same in both).
    let english: Vec<&str> = en
        .iter()
        .filter(|(k, v)| zh.get(*k) != Some(*v) && v.chars().any(|c| c.is_ascii_alphabetic()))
        .map(|(_, v)| *v)
        .collect();
    let chinese: Vec<&str> = zh
        .iter()
        .filter(|(k, v)| en.get(*k) != Some(*v) && !v.is_ascii())
        .map(|(_, v)| *v)
        .collect();
    let mut browser = Browser::launch(&chromium);
    // Control: the sweep finds a language's own labels on its own site.
    let site = common::build_site("example-notes", "en");
    browser.navigate(&url(&site.path().join("site/index.html")));
    assert!(stray_labels(&mut browser, &english).len() > 20);
    for (lang, foreign) in [("zh", &english), ("en", &chinese)] {
        let site = common::build_site("example-notes", lang);
        for page in common::html_files(&site.path().join("site")) {
            browser.navigate(&url(&page));
            let stray = stray_labels(&mut browser, foreign);
            assert!(stray.is_empty(), "{lang} {}: {stray:#?}", page.display());
        }
    }
}

/// Scroll width over window width, once the page has laid out.
const OVERFLOW: &str = "document.documentElement.scrollWidth + '/' + window.innerWidth";

#[test]
fn no_page_scrolls_sideways_at_375_px_in_either_language() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let mut browser = Browser::launch(&chromium);
    browser.set_width(375, true);
    for lang in ["en", "zh"] {
        let site = common::build_site("example-notes", lang);
        let pages = common::html_files(&site.path().join("site"));
        assert!(pages.len() > 25, "{}", pages.len());
        for page in &pages {
            browser.navigate(&url(page));
            let r = browser.eval(OVERFLOW);
            let r = r.as_str().unwrap_or_default().to_string();
            // On a phone the viewport widens to the page: both must stay 375.
            assert_eq!(r, "375/375", "{lang} {} is too wide", page.display());
        }
        // And on a laptop.
        browser.set_width(1280, false);
        for page in &pages {
            browser.navigate(&url(page));
            let r = browser.eval(OVERFLOW);
            assert_eq!(
                r,
                "1280/1280",
                "{lang} {} is too wide at 1280 px",
                page.display()
            );
        }
        browser.set_width(375, true);
        // The probe can fail: a page made wider than the screen is seen as such.
        browser.navigate(&url(&site.path().join("site/index.html")));
        let wide = browser.eval(&format!(
            "(() => {{ const d = document.createElement('div'); d.style.width = '900px'; \
             d.textContent = 'x'; document.body.appendChild(d); return {OVERFLOW}; }})()"
        ));
        assert_ne!(wide, Value::from("375/375"), "control: {wide}");
    }
}

/// On the page open in `browser`, every counter (`a[data-count]` to the client list or
/// a list on a page) and the number of rows its link leads to.
fn counters(browser: &mut Browser) -> Vec<(String, String)> {
    let v = browser.eval(
        "JSON.stringify(Array.from(document.querySelectorAll('a[data-count]')).map(a => [a.href, a.dataset.count]))",
    );
    serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap_or_default()
}

/// How many rows the list at `href` shows: the client list's after its filters, the
/// rows of the follow-ups table, or the items of a "what changed" list.
fn rows_at(browser: &mut Browser, href: &str) -> usize {
    let (_, fragment) = href.split_once('#').unwrap_or((href, ""));
    // A list on the page itself is counted where it is (no navigation, no load event).
    if fragment.is_empty() {
        browser.navigate(href);
        browser.eval("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))");
    }
    let expr = if href.contains("clients.html") {
        "document.querySelectorAll('#client-table tbody tr').length".to_string()
    } else if !fragment.is_empty() {
        format!("document.getElementById({fragment:?}).querySelectorAll('li').length")
    } else if href.contains("followups.html") {
        "document.querySelectorAll('table.missed tbody tr').length".to_string()
    } else {
        // A rep page (the overdue of clients without an owner): its client rows.
        "document.querySelectorAll('main table tbody tr .s-overdue').length".to_string()
    };
    browser.eval(&expr).as_u64().unwrap_or(u64::MAX) as usize
}

#[test]
fn every_counter_leads_to_a_list_of_as_many_rows() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let mut browser = Browser::launch(&chromium);
    for lang in ["en", "zh"] {
        let site = common::build_site("example-notes", lang);
        let root = site.path().join("site");
        let mut pages: Vec<std::path::PathBuf> =
            vec![root.join("index.html"), root.join("reps.html")];
        pages.extend(common::html_files(&root.join("reps")));
        let mut seen = 0;
        for page in &pages {
            browser.navigate(&url(page));
            let mut found = counters(&mut browser);
            assert!(!found.is_empty(), "{}: no counters", page.display());
            // The page's own lists first, while it is open.
            found.sort_by_key(|(href, _)| !href.contains('#'));
            for (href, count) in found {
                let n = rows_at(&mut browser, &href);
                assert_eq!(n.to_string(), count, "{lang} {}: {href}", page.display());
                seen += 1;
            }
        }
        assert!(seen > 20, "{seen} counters");
        // A control: the list behind a counter is really filtered (all clients ≠ overdue).
        let all = rows_at(&mut browser, &url(&root.join("clients.html")));
        let overdue = rows_at(
            &mut browser,
            &format!("{}?status=overdue", url(&root.join("clients.html"))),
        );
        assert!(overdue < all && overdue > 0, "{overdue} of {all}");
    }
}

/// A large team's notes: `n` clients of 12 reps (Chinese and English names, long
/// names), every tier, two years of contacts, open and missed follow-ups, deals,
/// complaints and people with roles.
fn big_team(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let reps = [
        "王磊",
        "Anna Li",
        "张伟",
        "陈静",
        "Grace Wong",
        "李娜",
        "Mark Lee",
        "赵敏",
        "刘洋",
        "Sophie Zhang",
        "周婷",
        "黄涛",
    ];
    let tiers = ["key", "regular", "regular", "prospect", "dormant"];
    let kinds = ["拜访", "电话", "微信", "email", "meeting", "礼品", "反馈"];
    std::fs::write(
        dir.path().join("touchbase.yaml"),
        "title: 华东 · Big team\n",
    )
    .unwrap();
    for i in 0..n {
        let name = if i % 2 == 0 {
            format!("华东第{i}号建材集团股份有限公司上海分公司")
        } else {
            format!("Pacificpoint Logistics and Cold Chain Holdings No. {i} Pte Ltd")
        };
        let mut text = format!(
            "---\nname: {name}\nowner: {}\ntier: {}\nrevenue:\n  2024: {}\n  2025: {}\npeople:\n  - name: 刘建国{i}\n    role: decision-maker\n    title: 总经理兼采购与供应链管理委员会主任\n  - name: Daniel Tan {i}\n    role: influencer\n---\n",
            reps[i % reps.len()],
            tiers[i % tiers.len()],
            100_000 + i * 37 % 900_000,
            90_000 + i * 53 % 900_000
        );
        // Newest first, every 9 to 40 days back from 2026-11-20.
        let mut day: jiff::civil::Date = "2026-11-20".parse().unwrap();
        day = day
            .checked_sub(jiff::Span::new().days((i % 50) as i64))
            .unwrap();
        for k in 0..24usize {
            let kind = if k == 5 && i % 3 == 0 {
                "成交 ¥860,000"
            } else if k == 7 && i % 4 == 0 {
                "投诉"
            } else {
                kinds[(i + k) % kinds.len()]
            };
            text.push_str(&format!(
                "\n## {day} {kind} @刘建国{i} — 北仑新仓 WMS 二期签约以及明年框架协议的详细条款讨论\n\n一段很长的记录，讲了很多细节。\n"
            ));
            if k == 0 {
                text.push_str(&format!(
                    "\n- [ ] 2026-11-{:02} 电话 — 确认补发的 3 箱已签收\n",
                    1 + i % 28
                ));
            }
            day = day
                .checked_sub(jiff::Span::new().days(9 + ((i + k) % 32) as i64))
                .unwrap();
        }
        std::fs::write(dir.path().join(format!("c{i:05}.md")), text).unwrap();
    }
    dir
}

#[test]
fn a_large_team_site_does_not_scroll_sideways_on_a_phone_either() {
    // 1,000 clients by default (`TOUCHBASE_BROWSER_CLIENTS=10000` for the size of a
    // whole sales org): the fixed pages, every rep page and a few client pages, both
    // languages, 375 px.
    let Some(chromium) = common::chromium() else {
        return;
    };
    let n = std::env::var("TOUCHBASE_BROWSER_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000usize);
    let notes = big_team(n);
    let mut browser = Browser::launch(&chromium);
    browser.set_width(375, true);
    for lang in ["en", "zh"] {
        let site = common::build_site_of(notes.path(), lang);
        let root = site.path().join("site");
        let mut pages: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
            .collect();
        pages.extend(common::html_files(&root.join("reps")));
        pages
            .extend(["c00000", "c00001", "c00003"].map(|c| root.join(format!("clients/{c}.html"))));
        pages.sort();
        assert!(pages.len() >= 8 + 12 + 3, "{}", pages.len());
        for page in &pages {
            browser.navigate(&url(page));
            let r = browser.eval(OVERFLOW);
            assert_eq!(r, "375/375", "{lang} {} is too wide", page.display());
        }
    }
}
