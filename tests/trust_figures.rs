//! "Never lie": the figures of a small hand-computed fixture, `tests/fixtures/trust/`,
//! through the real binary, as of 2026-11-22.
//!
//! The fixture, worked out by hand (cadence: key 14d, regular and untiered 30d):
//!
//! | client | owner | status on 11-22 | contacts 12m | 2025 revenue |
//! |---|---|---|---|---|
//! | a-key (key) | alice | last 11-21 → due 12-05: ok | 2 | 900 |
//! | b-late (regular) | alice | last 09-01 → due 10-01: overdue | 1 | 500 |
//! | h-referred (untiered) | alice | last 10-25 → due 11-24: due | 1 | — |
//! | i-new (regular) | alice | last 10-02 → due 11-01: overdue | 1 | — |
//! | c-visit (`{any: 14d, visit: 2m}`) | bob | visit 08-01 → due 10-01: overdue | 3 | 500 |
//! | d-complaint (regular) | bob | last 11-10 → due 12-10: ok | 2 | 500 |
//! | e-self (untiered) | bob | last 11-15 → due 12-15: ok | 1 | 100 |
//! | f-one, f-two, g-one, g-two | carol | last 11-16 → due 12-16: ok | 1 each | 100 each |
//! | g-three | carol | last 10-15 → due 11-14: overdue | 1 | 100 |
//!
//! Reps: alice 4 clients, 2 overdue, on cadence 2/4 = 50 %, 2+1+1+1 = 5 contacts;
//! bob 3, 1, 2/3 = 67 %, 3+2+1 = 6; carol 5, 1, 4/5 = 80 %, 5.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

const TODAY: &str = "2026-11-22";

fn notes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trust")
}

fn run(args: &[&str]) -> (String, String) {
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn check_output() -> String {
    let (_, stderr) = run(&["check", notes().to_str().unwrap(), "--today", TODAY]);
    stderr
}

fn export() -> Value {
    let (stdout, _) = run(&[
        "export",
        notes().to_str().unwrap(),
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    serde_json::from_str(&stdout).unwrap()
}

fn client<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no client {id}"))
}

fn read(site: &Path, page: &str) -> String {
    fs::read_to_string(site.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The text of every `<tag ...>…</tag>` in `html`, in order (no nesting of the same tag).
fn texts_of(html: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        if !after.starts_with([' ', '>']) {
            // `<li` must not match `<line`.
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let inner = &after[gt + 1..];
        let Some(end) = inner.find(close) else { break };
        out.push(strip_tags(&inner[..end]));
        rest = &inner[end..];
    }
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_rep_page_shows_its_own_figures() {
    let dir = common::build_site_of(&notes(), "en");
    let site = dir.path().join("site");
    let reps = read(&site, "reps.html");
    // (slug, clients, overdue, on cadence, contacts in 12 months, promises kept on
    // time, contacts the client started), by hand above. The only follow-up is bob's
    // (d-complaint: done, no ✅ date: on time, 1 of 1); no contact is marked inbound.
    let expected = [
        ("alice", "4", "2", "50%", "5", "—", "0%"),
        ("bob", "3", "1", "67%", "6", "100%", "0%"),
        ("carol", "5", "1", "80%", "5", "—", "0%"),
    ];
    for (slug, clients, overdue, on_cadence, contacts, promises, inbound) in expected {
        let page = read(&site, &format!("reps/{slug}.html"));
        let cards = texts_of(&page, "<span class=\"value\"", "</span>");
        assert_eq!(
            cards,
            [clients, overdue, on_cadence, contacts, promises, inbound],
            "reps/{slug}.html"
        );
        // The same figures in the rep's row of reps.html.
        let row_start = reps
            .find(&format!("href=\"reps/{slug}.html\""))
            .unwrap_or_else(|| panic!("{slug} not in reps.html"));
        let row = &reps[row_start..reps[row_start..].find("</tr>").unwrap() + row_start];
        let cells = texts_of(row, "<td class=\"num\"", "</td>");
        assert_eq!(cells, cards, "reps.html row of {slug}");
    }
}

#[test]
fn a_done_item_dated_before_its_complaint_does_not_resolve_it() {
    let out = check_output();
    // `- [x] 2026-11-01 replaced the tiles` is line 9 of d-complaint.md; the date at col 7.
    let warning = out
        .split("\n\n")
        .find(|d| d.starts_with("d-complaint.md:9:7: warning:"))
        .unwrap_or_else(|| panic!("no warning at the done item:\n{out}"));
    assert!(warning.contains("2026-11-10"), "{warning}");
    assert!(warning.contains("help:"), "{warning}");
    let json = export();
    let complaints = &client(&json, "d-complaint")["complaints"];
    // Open from 11-10 to today: 12 days.
    assert_eq!(complaints[0]["resolved"], Value::Null, "{complaints}");
    assert_eq!(complaints[0]["days"], 12, "{complaints}");
    let dir = common::build_site_of(&notes(), "en");
    let dash = read(&dir.path().join("site"), "index.html");
    let open = &dash[dash.find("id=\"check-open_complaints\"").unwrap()..];
    let open = &open[..open.find("</div>").unwrap()];
    assert!(open.contains("Delta Complaint"), "{open}");
    assert!(open.contains("12 days open"), "{open}");
}

#[test]
fn referral_cycles_warn_naming_the_files_and_do_not_count() {
    let out = check_output();
    let cases: [(&str, &[&str]); 6] = [
        ("e-self.md:4:14:", &["itself", "e-self.md"]),
        ("f-one.md:4:14:", &["f-one.md → f-two.md → f-one.md"]),
        ("f-two.md:4:14:", &["f-two.md → f-one.md → f-two.md"]),
        (
            "g-one.md:4:14:",
            &["g-one.md → g-two.md → g-three.md → g-one.md"],
        ),
        (
            "g-two.md:4:14:",
            &["g-two.md → g-three.md → g-one.md → g-two.md"],
        ),
        (
            "g-three.md:4:14:",
            &["g-three.md → g-one.md → g-two.md → g-three.md"],
        ),
    ];
    for (at, words) in cases {
        let d = out
            .split("\n\n")
            .find(|d| d.starts_with(&format!("{at} warning:")))
            .unwrap_or_else(|| panic!("no warning at {at}:\n{out}"));
        for w in words {
            assert!(d.contains(w), "{at} should say {w}:\n{d}");
        }
    }
    // The one true referral: h-referred by a-key. Nobody on a cycle is a top referrer.
    let dir = common::build_site_of(&notes(), "en");
    let page = read(&dir.path().join("site"), "referrals.html");
    let top = &page[page.find("id=\"top-h\"").unwrap()..];
    let top = &top[..top.find("</table>").unwrap()];
    let referrers = texts_of(top, "<th scope=\"row\"", "</th>");
    assert_eq!(referrers, ["Alpha Key"], "{top}");
    assert_eq!(texts_of(top, "<td class=\"num\"", "</td>"), ["1"]);
}

#[test]
fn clients_tying_at_the_20_percent_line_are_all_in_it() {
    // 10 clients with 2025 revenue: 900, 500, 500, 500, 100 × 6 = 3000. 20 % = 2
    // clients, but #2 ties with #3 and #4 at 500: the top group is 4 clients,
    // 2400 / 3000 = 80 %; b-late, c-visit and d-complaint are all "not key".
    let json = export();
    assert_eq!(json["pareto"]["top20_clients"], 4);
    assert_eq!(json["pareto"]["top20_share"], 0.8);
    let dir = common::build_site_of(&notes(), "en");
    let site = dir.path().join("site");
    for page in ["index.html", "key.html"] {
        let html = read(&site, page);
        let big = texts_of(&html, "<p class=\"big\"", "</p>");
        assert!(
            big.iter()
                .any(|b| b == "Share of revenue from the top 20 % of clients: 80% (4 / 10)"),
            "{page}: {big:?}"
        );
    }
    let dash = read(&site, "index.html");
    let review = &dash[dash.find("id=\"check-tier_review\"").unwrap()..];
    let review = &review[..review.find("</div>").unwrap()];
    assert_eq!(
        texts_of(review, "<li", "</li>"),
        [
            "Bravo Late #2: top 20 % by revenue, not key",
            "Charlie Visit #3: top 20 % by revenue, not key",
            "Delta Complaint #4: top 20 % by revenue, not key",
        ]
    );
}

#[test]
fn a_birthday_greeted_on_the_day_counts_at_once() {
    // Lena's birthday is 11-21, greeted on 11-21; today is 11-22, one day into the
    // 3-day window: it already counts, 1 of 1.
    let dir = common::build_site_of(&notes(), "en");
    let dash = read(&dir.path().join("site"), "index.html");
    let dd = texts_of(&dash, "<dd", "</dd>");
    assert!(dd.iter().any(|d| d == "100% (1/1)"), "{dd:?}");
}

#[test]
fn a_late_kind_rhythm_shows_its_own_cadence_last_contact_and_due_date() {
    // c-visit: `{any: 14d, visit: 2m}`; call 11-20 (any: due 12-04, ok), visit 08-01
    // (visit: due 10-01, 52 days overdue). The header and export pair the visit's
    // cadence and last visit with the visit's due date.
    let json = export();
    let c = client(&json, "c-visit");
    assert_eq!(
        (
            &c["rhythm"],
            &c["cadence"],
            &c["last_contact"],
            &c["next_due"]
        ),
        (
            &Value::from("visit"),
            &Value::from("2m"),
            &Value::from("2026-08-01"),
            &Value::from("2026-10-01")
        ),
        "{c}"
    );
    // A client with only the plain rhythm keeps it.
    let a = client(&json, "a-key");
    assert_eq!(
        (
            &a["rhythm"],
            &a["cadence"],
            &a["last_contact"],
            &a["next_due"]
        ),
        (
            &Value::from("any"),
            &Value::from("14d"),
            &Value::from("2026-11-21"),
            &Value::from("2026-12-05")
        )
    );
    let dir = common::build_site_of(&notes(), "en");
    let page = read(&dir.path().join("site"), "clients/c-visit.html");
    let facts = &page[page.find("class=\"cadence-box").unwrap()..];
    let facts = &facts[..facts.find("</dl>").unwrap()];
    let dt = texts_of(facts, "<dt", "</dt>");
    let dd = texts_of(facts, "<dd", "</dd>");
    let pairs: Vec<(String, String)> = dt.into_iter().zip(dd).collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|p| p.0 == k)
            .map(|p| p.1.clone())
            .unwrap_or_else(|| panic!("no {k} in {pairs:?}"))
    };
    assert_eq!(get("Cadence"), "Visit: every 2 months");
    assert_eq!(get("Last contact (Visit)"), "1 Aug 2026 (113 days ago)");
    assert_eq!(get("Next due"), "1 Oct 2026");
    assert_eq!(get("Status"), "52 days overdue");
}

#[test]
fn a_client_first_contacted_after_a_holiday_is_not_expected_to_be_greeted() {
    // National Day 2026-10-01: contacted on or before it (and not dormant) are b-late
    // (09-01) and c-visit (08-01, greeted 09-28). i-new was first contacted 10-02 and
    // h-referred 10-25: not expected. 1 of 2 = 50 %, still to greet: Bravo Late only.
    let dir = common::build_site_of(&notes(), "en");
    let dash = read(&dir.path().join("site"), "index.html");
    let row = &dash[dash.find("<th scope=\"row\">National Day</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(
        texts_of(row, "<td", "</td>"),
        // Within the report's year, tables show the day without its year.
        ["1 Oct", "50% (1/2)", "Bravo Late"],
        "{row}"
    );
}

#[test]
fn the_feedback_trend_draws_no_bar_for_a_month_without_feedback() {
    // One feedback: d-complaint, 2026-10-12, 8/10. Of the 12 months Dec 2025 – Nov
    // 2026, only October has a bar; the other 11 say so, with no score.
    for (lang, oct, none) in [
        ("en", "Oct 2026: 8.0/10 (1)", "no feedback"),
        ("zh", "2026年10月：8.0/10（1）", "无反馈"),
    ] {
        let dir = common::build_site_of(&notes(), lang);
        let dash = read(&dir.path().join("site"), "index.html");
        let chart = &dash[dash.find("<div class=\"chart-box\"><h3>").unwrap()..];
        let chart = &chart[..chart.find("</details>").unwrap()];
        let bars = texts_of(chart, "<rect class=\"bar\"", "</rect>");
        assert_eq!(bars, [oct], "{lang}: {chart}");
        let figures = texts_of(chart, "<li", "</li>");
        assert_eq!(figures.len(), 12, "{lang}");
        let empty: Vec<&String> = figures.iter().filter(|f| f.ends_with(none)).collect();
        assert_eq!(empty.len(), 11, "{lang}: {figures:?}");
        assert!(
            !figures.iter().any(|f| f.contains("0.0/10")),
            "{lang}: {figures:?}"
        );
    }
}

#[test]
fn on_track_and_due_soon_read_differently_in_badges_and_legends() {
    // h-referred is due in 2 days; a-key on track, due in 13 days.
    for (lang, due, ok, legend_due, legend_ok) in [
        (
            "en",
            "due soon: in 2 days",
            "on track: due in 13 days",
            "Due soon",
            "On track",
        ),
        (
            "zh",
            "即将到期：2 天后",
            "正常：13 天后到期",
            "即将到期",
            "正常",
        ),
    ] {
        let dir = common::build_site_of(&notes(), lang);
        let site = dir.path().join("site");
        let list = read(&site, "clients.html");
        let due_badges = texts_of(&list, "<span class=\"status s-due\"", "</span>");
        let ok_badges = texts_of(&list, "<span class=\"status s-ok\"", "</span>");
        assert_eq!(due_badges, [due], "{lang}");
        assert_eq!(ok_badges.len(), 7, "{lang}: {ok_badges:?}");
        assert!(ok_badges.contains(&ok.to_string()), "{lang}: {ok_badges:?}");
        // Every badge starts with its own status word, never the other's.
        let word = |s: &str| s.split([':', '：']).next().unwrap_or("").to_lowercase();
        for b in &ok_badges {
            assert_eq!(word(b), legend_ok.to_lowercase(), "{lang}: {b}");
        }
        for b in &due_badges {
            assert_eq!(word(b), legend_due.to_lowercase(), "{lang}: {b}");
        }
        let dash = read(&site, "index.html");
        let legend = &dash[dash.find("id=\"status-h\"").unwrap()..];
        let legend = &legend[..legend.find("</ul>").unwrap()];
        let items = texts_of(legend, "<li", "</li>");
        assert!(
            items
                .iter()
                .any(|i| i.starts_with(&format!("{legend_due} "))),
            "{items:?}"
        );
        assert!(
            items
                .iter()
                .any(|i| i.starts_with(&format!("{legend_ok} "))),
            "{items:?}"
        );
    }
}

/// Text nodes of a page, in order, without scripts, styles and the head's or charts'
/// `<title>` (a chart's title repeats its heading for screen readers, on purpose).
fn text_nodes(html: &str) -> Vec<String> {
    let mut html = html.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<title", "</title>"),
    ] {
        while let Some(i) = html.find(open) {
            let Some(j) = html[i..].find(close) else {
                break;
            };
            html.replace_range(i..i + j + close.len(), " ");
        }
    }
    html.split('<')
        .filter_map(|part| part.split_once('>').map(|(_, t)| t))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty() && t.chars().any(char::is_alphanumeric))
        .collect()
}

#[test]
fn no_page_repeats_a_label_twice_in_a_row() {
    use touchbase::config::Lang;
    use touchbase::render::i18n::table;
    let labels: Vec<&str> = [Lang::En, Lang::Zh]
        .into_iter()
        .flat_map(|l| table(l).into_values())
        .filter(|l| l.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .collect();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    let mut pages = 0;
    for folder in [notes(), example] {
        for lang in ["en", "zh"] {
            let dir = common::build_site_of(&folder, lang);
            for file in common::html_files(&dir.path().join("site")) {
                pages += 1;
                let html = fs::read_to_string(&file).unwrap();
                let nodes = text_nodes(&html);
                let name = file.display();
                // A label followed by the same label ("Background" / "Background"), or
                // by a text that starts with it ("Anniversary …" then "Anniversary … (5
                // years)"), or one text holding it twice ("背景 / 背景").
                for pair in nodes.windows(2) {
                    let (a, b) = (&pair[0], &pair[1]);
                    if labels.contains(&a.as_str()) {
                        let repeats = b == a
                            || b.strip_prefix(a.as_str())
                                .is_some_and(|r| r.starts_with([' ', '(', ':', '：', '/']));
                        assert!(!repeats, "{name} ({lang}): {a:?} then {b:?}");
                    }
                }
                for n in &nodes {
                    for l in &labels {
                        for sep in [" ", " / ", "/", " · "] {
                            assert!(
                                !n.contains(&format!("{l}{sep}{l}")),
                                "{name} ({lang}): {n:?}"
                            );
                        }
                    }
                }
                // A section is not titled like one of its own fields ("Cadence" over
                // "Cadence: every 14 days").
                for section in html.split("<section").skip(1) {
                    let section = section.split("</section>").next().unwrap_or("");
                    let Some(h2) = texts_of(section, "<h2", "</h2>").into_iter().next() else {
                        continue;
                    };
                    let dts = texts_of(section, "<dt", "</dt>");
                    assert!(
                        !dts.contains(&h2),
                        "{name} ({lang}): section {h2:?} has a field {h2:?}"
                    );
                }
            }
        }
    }
    assert!(pages > 60, "only {pages} pages");
}
