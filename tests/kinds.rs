//! Issue 12, through the binary: kinds of one's own (`kinds:` in touchbase.yaml) in
//! headings, cadences, `touchbase log`, the export and the site; a clash in the
//! configuration; every Traditional alias; `service` as a deal's thank-you; `inbound`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-22";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .env_remove("NO_COLOR")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn export(dir: &Path) -> Value {
    let r = run_in(dir, &["export", ".", "--format", "json", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn client<'v>(v: &'v Value, id: &str) -> &'v Value {
    v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// A notes folder: `touchbase.yaml` and notes (name, text).
fn folder(config: &str, notes: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("touchbase.yaml"), config).unwrap();
    for (name, text) in notes {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const DINNER: &str = "language: en\nkinds:\n  - {name: dinner, aliases: [宴请, 饭局], contact: true}\n  - {name: memo, contact: false}\n";

#[test]
fn a_kind_of_ones_own_in_headings_cadences_log_export_and_site() {
    // A dinner every month; the last one on 10-01, so due 11-01: overdue on 11-22.
    // The memo on 11-20 is no contact; the call on 11-10 is.
    let note = "---\nname: Acme\ntier: key\ncadence: {any: 30d, dinner: 1m}\npeople:\n  - name: 王强\n---\n\
                ## 2026-11-20 memo — internal\n\
                ## 2026-11-10 call @王强 — quote\n\
                ## 2026-10-01 宴请王强 — 杭帮菜\n\
                ## 2026-08-01 Dinner @王强\n";
    let dir = folder(DINNER, &[("acme.md", note)]);
    let r = run_in(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);

    let v = export(dir.path());
    let c = client(&v, "acme");
    let kinds: Vec<&str> = c["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["memo", "call", "dinner", "dinner"]);
    // `宴请王强`: the alias directly followed by a name, which is text, not a mention.
    assert_eq!(c["entries"][2]["summary"], "王强 — 杭帮菜");
    // The plain rhythm is fine (the call on 11-10); the dinner one is late by 21 days
    // (10-01 + 1 month = 11-01; 11-01 to 11-22 is 21 days).
    assert_eq!(c["rhythm"], "dinner");
    assert_eq!(c["status"], "overdue");
    assert_eq!(c["days_overdue"], 21);
    assert_eq!(c["last_contact"], "2026-10-01");
    // The memo does not count: the last contact of any kind is the call, 12 days ago.
    assert_eq!(c["days_since_contact"], 12);

    // The CSV names the kind too.
    let r = run_in(
        dir.path(),
        &[
            "export", ".", "--format", "csv", "--table", "entries", "--today", TODAY,
        ],
    );
    assert!(
        r.stdout.contains("acme,2026-10-01,dinner,,王强 — 杭帮菜,"),
        "{}",
        r.stdout
    );

    // `touchbase log` takes the configured name and its aliases, and knows its typos.
    let r = run_in(
        dir.path(),
        &["log", "acme", "饭局", "@王强", "烤鸭", "--date", TODAY],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = fs::read_to_string(dir.path().join("acme.md")).unwrap();
    assert!(text.contains("## 2026-11-22 饭局 @王强 — 烤鸭\n"), "{text}");
    let r = run_in(dir.path(), &["log", "acme", "diner", "--date", TODAY]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown kind `diner`") && r.stderr.contains("did you mean `dinner`?"),
        "{}",
        r.stderr
    );
    let v = export(dir.path());
    let c = client(&v, "acme");
    assert_eq!(c["entries"][0]["kind"], "dinner");
    assert_eq!(c["status"], "ok");

    // The site: the kinds chart and legend, and the client page, name the kind in both
    // languages.
    let sites = tempfile::tempdir().unwrap();
    for lang in ["en", "zh"] {
        let out = sites.path().join(format!("site-{lang}"));
        let r = run_in(
            dir.path(),
            &[
                "build",
                ".",
                "--out",
                out.to_str().unwrap(),
                "--today",
                TODAY,
                "--lang",
                lang,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let index = fs::read_to_string(out.join("index.html")).unwrap();
        // Dinners in the last 365 days: 08-01, 10-01 and the one just logged.
        let figure = if lang == "zh" {
            ">dinner：3（"
        } else {
            ">dinner: 3 ("
        };
        assert!(
            index.contains("<rect class=\"k-dinner\"") && index.contains(figure),
            "{lang}"
        );
        assert!(
            index.contains(
                "<span class=\"swatch k-dinner\" aria-hidden=\"true\"></span>dinner <b>3</b>"
            ),
            "{lang}"
        );
        let page = fs::read_to_string(out.join("clients/acme.html")).unwrap();
        assert!(
            page.contains("<span class=\"kind k-dinner\">dinner</span>"),
            "{lang}"
        );
        let css = fs::read_to_string(out.join("assets/style.css")).unwrap();
        assert!(css.contains("[class*=\" k-\"] { color: var(--k15)"));
    }
}

#[test]
fn a_kind_that_clashes_with_a_built_in_word_is_a_configuration_error() {
    let config =
        "language: en\nkinds:\n  - {name: dinner, aliases: [宴请, 電話]}\n  - name: Visit\n";
    let dir = folder(config, &[("a.md", "---\nname: A\n---\n")]);
    let sites = tempfile::tempdir().unwrap();
    let out = sites.path().join("site");
    let r = run_in(
        dir.path(),
        &[
            "build",
            ".",
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // `  - {name: dinner, aliases: [宴请, ` is 33 characters: `電話` at column 34.
    for want in [
        "touchbase.yaml:3:34: error: `電話` is already the built-in kind `call`",
        "help: choose another word; docs/format.md lists the built-in kinds and their aliases",
        // `  - name: ` is 10 characters.
        "touchbase.yaml:4:11: error: `Visit` is already the built-in kind `visit`",
    ] {
        assert!(r.stderr.contains(want), "missing `{want}` in\n{}", r.stderr);
    }
    assert!(!out.exists(), "nothing written on a bad configuration");
    // (Configuration errors are shown in English: the language is a setting of the
    // file that failed. Their Chinese is checked in config.rs's unit tests.)
}

#[test]
fn every_traditional_alias_is_its_kind() {
    let words = [
        ("電話", "call"),
        ("拜訪", "visit"),
        ("郵件", "email"),
        ("簡訊", "message"),
        ("會議", "meeting"),
        ("禮品", "gift"),
        ("祝福", "greeting"),
        ("成交", "deal"),
        ("投訴", "complaint"),
        ("回饋", "feedback"),
        ("推薦", "referral"),
        ("備註", "note"),
        ("售後", "service"),
        ("回訪", "service"),
        ("售后", "service"),
        ("回访", "service"),
    ];
    // Day n of November for word n (oldest first in the file, so newest first in the
    // export is the reverse).
    let mut note = String::from("---\nname: 台北\n---\n");
    for (i, (word, _)) in words.iter().enumerate() {
        note.push_str(&format!("## 2026-11-{:02} {word} — 第{i}\n", i + 1));
    }
    let dir = folder("language: zh\n", &[("tw.md", &note)]);
    let r = run_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--lang", "en"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = export(dir.path());
    let entries = client(&v, "tw")["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), words.len());
    for (i, (word, kind)) in words.iter().enumerate() {
        let e = entries
            .iter()
            .find(|e| e["date"] == format!("2026-11-{:02}", i + 1))
            .unwrap();
        assert_eq!(e["kind"], *kind, "{word}");
        assert_eq!(e["summary"], format!("第{i}"), "{word}");
    }
}

#[test]
fn a_service_visit_after_a_deal_is_its_thank_you() {
    // Deal 11-01, after-sales visit 11-10 (day 9): thanked. Deal 09-01, a call on 09-05
    // (no thank-you) and a service visit on 09-16 (day 15): too late, missing.
    let note = "---\nname: 售后客户\n---\n\
                ## 2026-11-10 回访 — 安装后回访\n\
                ## 2026-11-01 成交 ¥50,000 — 二期\n\
                ## 2026-09-16 service — too late\n\
                ## 2026-09-05 call\n\
                ## 2026-09-01 deal ¥10,000 — pilot\n";
    let dir = folder("language: en\n", &[("s.md", note)]);
    let v = export(dir.path());
    let deals = client(&v, "s")["deals"].as_array().unwrap().clone();
    assert_eq!(deals[0]["date"], "2026-09-01");
    assert_eq!(deals[0]["thanked"], Value::Null);
    assert_eq!(deals[0]["thanks_missing"], true);
    assert_eq!(deals[1]["date"], "2026-11-01");
    assert_eq!(deals[1]["thanked"], "2026-11-10");
    assert_eq!(deals[1]["thanks_missing"], false);
    // A service visit is a contact: the last one.
    assert_eq!(client(&v, "s")["last_contact"], "2026-11-10");
}

#[test]
fn inbound_is_read_and_left_out_of_the_summary() {
    let note = "---\nname: 王强公司\npeople:\n  - name: 王强\n---\n\
                ## 2026-11-05 call inbound @王强 — asked for a quote\n\
                ## 2026-11-04 电话 客户主动 — 询价\n\
                ## 2026-11-03 电话客户主动 — 又询价\n\
                ## 2026-11-02 電話 客戶主動\n\
                ## 2026-11-01 call — we called\n";
    let dir = folder("language: en\n", &[("w.md", note)]);
    let r = run_in(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
    let v = export(dir.path());
    let got: Vec<(bool, String, usize)> = client(&v, "w")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["inbound"].as_bool().unwrap(),
                e["summary"].as_str().unwrap().to_string(),
                e["people"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (true, "asked for a quote".to_string(), 1),
            (true, "询价".to_string(), 0),
            (true, "又询价".to_string(), 0),
            (true, String::new(), 0),
            (false, "we called".to_string(), 0),
        ]
    );
}

/// A packed tick (what a build keeps of an entry it let go of) names its kind by a code:
/// the first 256 configured kinds have one; a kind past them has none, and its notes'
/// entries are then held, not let go of. In a process of its own (this test binary),
/// since the interned kinds are the process's.
#[test]
fn the_first_256_configured_kinds_pack_and_the_rest_do_not() {
    use touchbase::model::{CustomKind, Kind, PackedTick, Tick};
    let tick = |kind| Tick {
        date: "2026-11-02".parse().unwrap(),
        kind,
        inbound: true,
        figure: Some(3.0),
    };
    let kinds: Vec<Kind> = (0..300)
        .map(|i| Kind::Custom(CustomKind::new(&format!("k{i}"), i % 2 == 0)))
        .collect();
    for (i, &kind) in kinds.iter().enumerate() {
        let packed = PackedTick::of(tick(kind));
        if i < 256 {
            assert_eq!(packed.map(PackedTick::tick), Some(tick(kind)), "kind {i}");
        } else {
            assert_eq!(packed, None, "kind {i}");
        }
    }
    // Control: interning a kind again gives it its first code, so it still packs.
    let again = Kind::Custom(CustomKind::new("k3", false));
    assert_eq!(
        PackedTick::of(tick(again)).map(PackedTick::tick),
        Some(tick(again))
    );
    // Built-in kinds always pack.
    assert!(Kind::ALL.iter().all(|&k| PackedTick::of(tick(k)).is_some()));
}
