//! Lunar birthdays, lunar dates to remember and lunar configured holidays, through the
//! real binary: diagnostics (file, line, column, words, in both languages), the JSON
//! export's `lunar` field and dates, the greeting rate, the calendar feed, the client
//! page and the example notes.
//!
//! Every Gregorian date here was computed with ICU4X's Chinese calendar (what touchbase
//! uses) and checked against the Hong Kong Observatory's conversion tables:
//! 农历十月廿三 2026 = 2026-12-01; 农历正月十五 2026 = 2026-03-03; 农历腊月初八 of the
//! lunar year 2025 = 2026-01-26, of 2026 = 2027-01-15; 农历十月廿三 2027 = 2027-11-20;
//! 农历二月廿九 2026 = 2026-04-16 (二月 2026 has 29 days); 六月初一 2026 = 2026-07-14
//! (2026 has no 闰六月).

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-22";

fn touchbase() -> Command {
    let mut cmd = Command::cargo_bin("touchbase").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("TOUCHBASE_TIMINGS");
    cmd
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (exit code, stdout, stderr) of `touchbase ARGS`.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = touchbase().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A notes folder with one client: 刘建国 born 1968 on 农历十月廿三 (2026-12-01), 秦雪 on
/// 农历正月十五 (2026-03-03, greeted 03-02), 闰 on 农历闰六月初一 (2026 has none: 六月初一,
/// 2026-07-14, not greeted), a lunar date to remember 农历10-30 (厂庆), and 腊八
/// configured as a lunar holiday.
fn notes(dir: &Path, privacy: &str) -> std::path::PathBuf {
    let root = dir.join("notes");
    write(
        &root.join("touchbase.yaml"),
        &format!("language: en\nholidays:\n  - {{date: 农历12-08, name: 腊八}}\n{privacy}"),
    );
    write(
        &root.join("acme.md"),
        "---\nname: Acme\ntier: key\npeople:\n  - name: 刘建国\n    role: decision-maker\n    birthday: 1968 农历10-23\n  - name: 秦雪\n    birthday: lunar 01-15\n  - name: 闰\n    birthday: 农历闰06-01\ndates:\n  - {date: 农历10-30, what: 厂庆}\n---\n\n## 2026-11-12 visit @刘建国 — review\n\n## 2026-03-02 greeting @秦雪 — 元宵快乐\n\n## 2025-06-01 call — first call\n",
    );
    root
}

fn export(root: &Path) -> Value {
    let (code, out, err) = run(&[
        "export",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn lunar_birthdays_and_dates_in_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let root = notes(dir.path(), "");
    let v = export(&root);
    let upcoming: Vec<(String, String, Value, Value, Value)> = v["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["date"].as_str().unwrap().to_string(),
                m["what"].as_str().unwrap().to_string(),
                m["name"].clone(),
                m["years"].clone(),
                m["lunar"].clone(),
            )
        })
        .collect();
    // The next 30 days (to 2026-12-22): 刘建国 on 2026-12-01 (农历十月廿三), its years
    // masked (birth years are private by default); 厂庆 农历十月三十: 十月 2026 has 30
    // days, 2026-12-08. Gregorian items and holidays carry `lunar: null`.
    assert_eq!(
        upcoming,
        [
            (
                "2026-12-01".into(),
                "birthday".into(),
                Value::from("刘建国"),
                Value::Null,
                Value::from("10-23")
            ),
            (
                "2026-12-08".into(),
                "厂庆".into(),
                Value::Null,
                Value::Null,
                Value::from("10-30")
            ),
        ]
    );
    // The greeting rate counts lunar birthdays on their Gregorian days: 秦雪 2026-03-03
    // greeted (03-02), 闰 2026-07-14 missed, 刘建国 2025-12-12 (农历十月廿三 2025) missed:
    // 1 of 3.
    let b = &v["team"]["birthdays"];
    assert_eq!(
        (b["greeted"].as_u64(), b["total"].as_u64()),
        (Some(1), Some(3)),
        "{b}"
    );
}

#[test]
fn the_years_of_a_lunar_birthday_show_with_birth_years() {
    let dir = tempfile::tempdir().unwrap();
    let root = notes(dir.path(), "privacy:\n  show: [birthday]\n");
    let v = export(&root);
    let liu = v["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "刘建国")
        .unwrap();
    // 2026 (the occurrence's Gregorian year) − 1968.
    assert_eq!(liu["years"], 58);
}

#[test]
fn a_lunar_holiday_is_covered_and_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let root = notes(dir.path(), "");
    let v = export(&root);
    let name = |g: &&Value| g["name"] == "腊八";
    // Past: 腊八 2026-01-26 in the coverage of the last 12 months (the client's first
    // contact 2025-06-01 is before it: expected, not greeted).
    let past: Vec<&Value> = v["team"]["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .filter(name)
        .collect();
    let past: Vec<(&str, Value, Value)> = past
        .iter()
        .map(|h| {
            (
                h["date"].as_str().unwrap(),
                h["expected"].clone(),
                h["greeted"].clone(),
            )
        })
        .collect();
    assert_eq!(past, [("2026-01-26", Value::from(1), Value::from(0))]);
    // Ahead: 2027-01-15 (腊八 of the lunar year 2026), Acme still to greet.
    let ahead: Vec<&Value> = v["greetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(name)
        .collect();
    let ahead: Vec<(&str, Value)> = ahead
        .iter()
        .map(|g| (g["date"].as_str().unwrap(), g["to_greet"].clone()))
        .collect();
    assert_eq!(ahead, [("2027-01-15", serde_json::json!(["acme"]))]);
}

#[test]
fn lunar_birthdays_on_the_client_page_and_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let root = notes(dir.path(), "");
    for (lang, words, date) in [
        (
            "en",
            "lunar 10/23 (<time datetime=\"2026-12-01\">1 Dec 2026</time>)",
            "刘建国 (lunar 10/23)",
        ),
        (
            "zh",
            "农历十月廿三（<time datetime=\"2026-12-01\">2026年12月1日</time>）",
            "刘建国（农历十月廿三）",
        ),
    ] {
        let site = common::build_site_of(&root, lang);
        let page = std::fs::read_to_string(site.path().join("site/clients/acme.html")).unwrap();
        // The people list: the lunar day in words (the birth year masked), and the
        // Gregorian day of its next time.
        assert!(page.contains(words), "{lang}: {page}");
        assert!(!page.contains("1968"), "{lang}: the birth year is masked");
        // The upcoming lists say the birthday is lunar.
        let index = std::fs::read_to_string(site.path().join("site/index.html")).unwrap();
        assert!(index.contains(date), "{lang}: {index}");
        let cal = std::fs::read_to_string(site.path().join("site/calendar.html")).unwrap();
        assert!(cal.contains(date), "{lang}");
        // 腊八 ahead on the calendar page, on 2027-01-15.
        assert!(cal.contains("2027-01-15"), "{lang}");
        // The feed: 刘建国 on 2026-12-01 and again on 2027-11-20 (农历十月廿三 2027,
        // inside the 12 months), each titled lunar.
        let ics = std::fs::read_to_string(site.path().join("site/calendar.ics")).unwrap();
        let unfolded = ics.replace("\r\n ", "");
        for day in ["20261201", "20271120"] {
            let at = unfolded
                .find(&format!("DTSTART;VALUE=DATE:{day}"))
                .unwrap_or_else(|| panic!("{lang}: no event on {day}"));
            let summary = unfolded[at..]
                .lines()
                .find(|l| l.starts_with("SUMMARY:"))
                .unwrap();
            let lunar = if lang == "en" {
                "lunar 10/23"
            } else {
                "农历十月廿三"
            };
            assert!(
                summary.contains("刘建国") && summary.contains(lunar),
                "{summary}"
            );
        }
    }
}

#[test]
fn the_birth_year_shows_only_when_shown() {
    let dir = tempfile::tempdir().unwrap();
    let root = notes(dir.path(), "privacy:\n  show: [birthday]\n");
    let site = common::build_site_of(&root, "zh");
    let page = std::fs::read_to_string(site.path().join("site/clients/acme.html")).unwrap();
    assert!(page.contains("1968年农历十月廿三（"), "{page}");
    let site = common::build_site_of(&root, "en");
    let page = std::fs::read_to_string(site.path().join("site/clients/acme.html")).unwrap();
    assert!(page.contains("lunar 10/23, 1968 ("), "{page}");
}

#[test]
fn bad_lunar_dates_get_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("notes");
    write(&root.join("touchbase.yaml"), "language: en\n");
    write(
        &root.join("bad.md"),
        "---\nname: Bad\npeople:\n  - name: A\n    birthday: 农历13-01\n  - name: B\n    birthday: lunar 08-31\n  - name: C\n    birthday: 农历8-5\ndates:\n  - {date: 1968 农历08-15, what: x}\n---\n",
    );
    let expected_en = [
        (
            "bad.md:5:15: error: `农历13-01` is not a lunar date",
            "help: lunar months run from 01 to 12: write `农历08-15` (`农历闰04-15` for a leap month)",
        ),
        (
            "bad.md:7:15: error: `lunar 08-31` is not a lunar date",
            "help: a lunar month has 29 or 30 days (day 30 falls on day 29 in a 29-day month): write `lunar 08-30`",
        ),
        (
            "bad.md:9:15: error: `农历8-5` is not a lunar date",
            "help: write lunar dates as `农历08-05`",
        ),
        (
            "bad.md:11:5: error: lunar date `1968 农历08-15` has a year",
            "help: a lunar date here comes back every year: write `农历08-15`",
        ),
    ];
    let (code, _, err) = run(&["check", root.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code, 1, "{err}");
    for (head, help) in expected_en {
        let at = err
            .find(head)
            .unwrap_or_else(|| panic!("missing `{head}` in\n{err}"));
        let block = err[at..].split("\n\n").next().unwrap();
        assert!(block.contains(help), "`{help}` in\n{block}");
    }
    let (_, _, err) = run(&[
        "check",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--lang",
        "zh",
    ]);
    for want in [
        "bad.md:5:15: error: `农历13-01` 不是有效的农历日期",
        "农历月份只能是 01 到 12：请写成 `农历08-15`（闰月写 `农历闰04-15`）",
        "农历每月只有 29 或 30 天（小月的三十按廿九算）：请写成 `lunar 08-30`",
        "农历日期请写成 `农历08-05`",
        "农历日期 `1968 农历08-15` 带了年份",
        "这里的农历日期每年都有：请写成 `农历08-15`",
    ] {
        assert!(err.contains(want), "missing `{want}` in\n{err}");
    }
}

#[test]
fn a_bad_lunar_holiday_in_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("notes");
    write(
        &root.join("touchbase.yaml"),
        "language: en\nholidays:\n  - {date: 12-12, name: 双十二}\n  - {date: 农历00-15, name: x}\n",
    );
    write(&root.join("a.md"), "---\nname: A\n---\n");
    let (code, _, err) = run(&["check", root.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code, 2, "{err}");
    for want in [
        "touchbase.yaml:4:5: error: `农历00-15` is not a lunar date",
        "help: lunar months run from 01 to 12: write `农历08-15` (`农历闰04-15` for a leap month)",
    ] {
        assert!(err.contains(want), "missing `{want}` in\n{err}");
    }
}

#[test]
fn the_example_notes_have_a_lunar_birthday_in_december_and_a_lunar_holiday() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    let v = export(&root);
    let upcoming = v["upcoming"].as_array().unwrap();
    let lunar: Vec<(&str, &str, &str)> = upcoming
        .iter()
        .filter(|m| !m["lunar"].is_null())
        .map(|m| {
            (
                m["date"].as_str().unwrap(),
                m["name"].as_str().unwrap(),
                m["lunar"].as_str().unwrap(),
            )
        })
        .collect();
    // 秦雪 (康宁), 农历十月廿三 = 2026-12-01.
    assert_eq!(lunar, [("2026-12-01", "秦雪", "10-23")]);
    // 腊八 (农历12-08): 2026-01-26 in the past year's coverage, 2027-01-15 ahead.
    let days = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|g| g["name"] == "腊八")
            .map(|g| g["date"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(days(&v["team"]["holidays"]), ["2026-01-26"]);
    assert_eq!(days(&v["greetings"]), ["2027-01-15"]);
}
