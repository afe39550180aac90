//! The playbook's second part through the real binary: promises kept, lost clients,
//! people who leave, the four flags and who reaches out, on a small folder whose
//! figures are worked out by hand below (today is 2026-11-22, a Sunday; `--since`
//! defaults to 2026-11-15).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

const TODAY: &str = "2026-11-22";

/// k: a key client of Li's.
/// - People: 王强, the only decision-maker, left on 09-01 with no successor; 李娜 and
///   老周 are still there.
/// - Contacts in the last 90 days (08-25 … 11-22): 11-20 @李娜 (inbound), 11-10 @李娜,
///   10-01 @王强 (who had left: a warning, and he is not current). One current person:
///   single-threaded. 老周 was last met on 08-01, out of the 90 days.
/// - The deal of 06-01: contacts in the 90 days before (03-03 … 05-31) are 05-20,
///   05-01, 04-10, 03-15: 4; in the 90 days after (06-02 … 08-30) only 08-01: 1.
///   1 × 2 < 4: a drop-off.
/// - Revenue 1,000,000 (2024) → 600,000 (2025): −40 %, a revenue drop.
/// - Follow-ups: done late (11-12, ✅ 11-14), done on its day (11-01), done without a
///   date (on time), open and dated 11-18 (missed), open 📅 11-30 (not yet due), and
///   one with two due dates (11-21 used: missed; a warning). on_time 2, late 1,
///   missed 2: 2 of 5 = 0.4.
/// - Contacts in the 12 months: 11-20, 11-10, 10-01, 08-01, 06-01 (the deal), 05-20,
///   05-01, 04-10, 03-15: 9, one inbound: 1/9 = 0.1111.
const K: &str = "---
name: Kunlun Steel
owner: Li
tier: key
revenue: {2024: 1000000, 2025: 600000}
people:
  - name: 王强
    role: decision-maker
    left: 2026-09-01
  - name: 李娜
    role: influencer
  - name: 老周
    role: user
---
## 2026-11-20 call inbound @李娜 — asked about delivery

- [x] 2026-11-12 send the quote ✅ 2026-11-14
- [x] 2026-11-01 call back ✅ 2026-11-01
- [x] 2026-10-20 send samples
- [ ] 2026-11-18 visit the plant
- [ ] send the contract 📅 2026-11-30
- [ ] 2026-11-21 call about the price 📅 2026-11-25

## 2026-11-10 visit @李娜

## 2026-10-01 call @王强 — farewell

## 2026-08-01 visit @老周

## 2026-06-01 deal ¥100,000 — first order

## 2026-05-20 call

## 2026-05-01 visit @王强

## 2026-04-10 wechat

## 2026-03-15 meeting @王强
";

/// l: lost on 11-18 (after `since`: in `changes.lost`), for 价格; 300,000 in 2025; one
/// contact in 12 months, inbound: share 1.
const L: &str = "---
name: Lotus Foods
owner: Li
tier: lost
lost: {date: 2026-11-18, reason: 价格}
revenue: {2025: 300000}
---
## 2026-10-01 call inbound — asked for a discount
";

/// m: Wu's, two contacts in 12 months, the Chinese one inbound: share 0.5.
const M: &str = "---
name: 明远贸易
owner: Wu
tier: regular
---
## 2026-11-02 电话 客户主动 — 询价

## 2026-10-02 拜访 — 送样
";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("k.md", K), ("l.md", L), ("m.md", M)] {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("touchbase")
        .unwrap()
        .args(args)
        .arg(dir)
        .args(["--today", TODAY])
        .output()
        .unwrap()
}

fn export(dir: &Path) -> Value {
    let out = run(dir, &["export"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn client<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn rep<'a>(r: &'a Value, owner: &str) -> &'a Value {
    r["team"]["reps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["owner"] == owner)
        .unwrap()
}

/// 1-based line of the first line of `text` that contains `what`.
fn line_of(text: &str, what: &str) -> usize {
    text.lines().position(|l| l.contains(what)).unwrap() + 1
}

#[test]
fn the_export_has_the_hand_worked_figures() {
    let dir = folder();
    let r = export(dir.path());
    let k = client(&r, "k");
    assert_eq!(
        k["flags"],
        json!([
            "revenue_drop",
            "decision_maker_left",
            "single_threaded",
            "post_deal_dropoff"
        ])
    );
    assert_eq!(k["revenue_change"], -0.4);
    assert_eq!(k["people_met_90d"], 1);
    assert_eq!(
        k["promises"],
        json!({"on_time": 2, "late": 1, "missed": 2, "on_time_share": 0.4})
    );
    assert_eq!(k["contacts_12m"], 9);
    assert_eq!(k["inbound_12m"], 1);
    assert_eq!(k["inbound_share"], 0.1111);
    assert_eq!(k["status"], "ok");
    assert_eq!(k["lost"], Value::Null);
    let deal = &k["deals"][0];
    assert_eq!(
        (
            &deal["contacts_before"],
            &deal["contacts_after"],
            &deal["dropoff"]
        ),
        (&json!(4), &json!(1), &json!(true))
    );
    let wang = k["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "王强")
        .unwrap();
    assert_eq!(
        (&wang["left"], &wang["current"]),
        (&json!("2026-09-01"), &json!(false))
    );
    // The 📅 item: its due date is the mark's, the text without it.
    let contract = k["followups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["text"] == "send the contract")
        .unwrap();
    assert_eq!(contract["date"], "2026-11-30");
    let late = k["followups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["text"] == "send the quote")
        .unwrap();
    assert_eq!(late["done_on"], "2026-11-14");

    // l: lost, out of the shares and never due.
    let l = client(&r, "l");
    assert_eq!(l["status"], "lost");
    assert_eq!(l["next_due"], Value::Null);
    assert_eq!(l["days_overdue"], 0);
    assert_eq!(l["lost"], json!({"date": "2026-11-18", "reason": "价格"}));
    assert_eq!(l["inbound_share"], 1.0);
    assert_eq!(
        r["team"]["lost"],
        json!([{"client": "l", "date": "2026-11-18", "reason": "价格", "owner": "Li",
                "revenue_year": 2025, "revenue": 300000.0}])
    );
    assert_eq!(r["changes"]["lost"], json!(["l"]));
    let lost = r["team"]["status_counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "lost")
        .unwrap();
    assert_eq!(lost["clients"], 1);

    // m: the Chinese inbound word, not in the summary.
    let m = client(&r, "m");
    assert_eq!(m["inbound_share"], 0.5);
    assert_eq!(m["entries"][0]["summary"], "询价");
    assert_eq!(m["flags"], json!([]));

    // Li: k and l; l is lost, so k alone makes the share: ok (11-20 + 14 days = 12-04).
    let li = rep(&r, "Li");
    assert_eq!(
        (&li["clients"], &li["lost"], &li["on_cadence"]),
        (&json!(2), &json!(1), &json!(1))
    );
    assert_eq!(li["on_cadence_share"], 1.0);
    assert_eq!(li["promises"]["on_time_share"], 0.4);
    // k 1 of 9, l 1 of 1: 2 of 10.
    assert_eq!(
        (&li["inbound_12m"], &li["inbound_share"]),
        (&json!(2), &json!(0.2))
    );
    let wu = rep(&r, "Wu");
    assert_eq!(wu["inbound_share"], 0.5);
    assert_eq!(wu["promises"]["on_time_share"], Value::Null);
    // The team: 3 inbound of 12 contacts; November (k 11-20, k 11-10, m 11-02): 2 of 3.
    let team = &r["team"];
    assert_eq!(
        (&team["inbound_12m"], &team["inbound_share"]),
        (&json!(3), &json!(0.25))
    );
    let months = team["inbound_trend"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(
        months[11],
        json!({"month": "2026-11", "contacts": 3, "inbound": 2, "share": 0.6667})
    );
    assert_eq!(months[0]["month"], "2025-12");
    assert_eq!(
        team["promises"],
        json!({"on_time": 2, "late": 1, "missed": 2, "on_time_share": 0.4})
    );
    for flag in [
        "revenue_drop",
        "decision_maker_left",
        "single_threaded",
        "post_deal_dropoff",
    ] {
        assert_eq!(team["flagged"][flag], json!(["k"]), "{flag}");
    }
    // The team's trend leaves the lost client out: k and m this week.
    assert_eq!(team["trend"][51]["clients"], 2);
}

#[test]
fn the_warnings_name_file_line_and_column() {
    let dir = folder();
    let out = run(dir.path(), &["check", "--lang", "en"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let left = line_of(K, "farewell");
    let at = K
        .lines()
        .nth(left - 1)
        .unwrap()
        .chars()
        .position(|c| c == '@')
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("k.md:{left}:{at}")),
        "the mention of 王强 after he left, at its `@`:\n{err}"
    );
    assert!(
        err.contains("`@王强` left the client on 2026-09-01, before this entry"),
        "{err}"
    );
    let two = line_of(K, "call about the price");
    assert!(err.contains(&format!("k.md:{two}:")), "{err}");
    assert!(
        err.contains("this item has two due dates, 2026-11-21 and 📅 2026-11-25"),
        "{err}"
    );
    // Control: the mentions of 王强 before he left raise nothing.
    assert_eq!(err.matches("left the client").count(), 1, "{err}");
    // In Chinese too.
    let out = run(dir.path(), &["check", "--lang", "zh"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`@王强` 已于 2026-09-01 离职，早于这条记录"),
        "{err}"
    );
    assert!(err.contains("这条跟进有两个到期日"), "{err}");
}

#[test]
fn lost_without_a_day_and_lost_with_another_tier_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), "---\nname: A\ntier: lost\n---\n").unwrap();
    fs::write(
        dir.path().join("b.md"),
        "---\nname: B\ntier: key\nlost: {date: 2026-09-30, why: 价格}\n---\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "--lang", "en"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a.md:3:1"), "{err}");
    assert!(
        err.contains("lost client without the day it was lost"),
        "{err}"
    );
    assert!(err.contains("b.md:4:1"), "{err}");
    assert!(
        err.contains("`lost` is given, but the tier is `key`"),
        "{err}"
    );
    assert!(err.contains("unknown key `why` in `lost`"), "{err}");
    // a counts as lost (no day says otherwise); b is not lost: its tier says key.
    let r = export(dir.path());
    assert_eq!(client(&r, "a")["status"], "lost");
    assert_eq!(client(&r, "b")["status"], "never");
}

#[test]
fn the_csv_has_the_new_columns() {
    let dir = folder();
    let out = run(dir.path(), &["export", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(
        ",flags,promises_on_time,promises_late,promises_missed,inbound_share,lost_date,lost_reason"
    ), "{header}");
    let k = csv.lines().find(|l| l.starts_with("k,")).unwrap();
    assert!(
        k.contains(
            ",revenue_drop; decision_maker_left; single_threaded; post_deal_dropoff,2,1,2,0.1111,,"
        ),
        "{k}"
    );
    let l = csv.lines().find(|l| l.starts_with("l,")).unwrap();
    assert!(l.ends_with(",,0,0,0,1,2026-11-18,价格"), "{l}");
}

#[test]
fn every_page_shows_them_in_both_languages() {
    let dir = folder();
    for (lang, words) in [
        (
            "en",
            [
                "2025 revenue down 40% on 2024",
                "Decision-maker left, no successor on file: 王强",
                "Hangs on one person: 1 current person met in the last 90 days",
                "Contact dropped off after the deal of",
                "2 of 5 on time (40%) · 1 late · 2 missed",
                "Lost on",
            ],
        ),
        (
            "zh",
            [
                "2025 年收入比 2024 年下降 40%",
                "决策人已离职，没有接任人：王强",
                "单线联系：近 90 天只接触过 1 位在职联系人",
                "成交后联系骤减：成交前 90 天 4 次，之后 90 天 1 次",
                "5 次中 2 次按时（40%）· 逾期完成 1 · 未完成 2",
                "流失于",
            ],
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        let site = out.path().join("site");
        let st = Command::cargo_bin("touchbase")
            .unwrap()
            .args(["build"])
            .arg(dir.path())
            .arg("--out")
            .arg(&site)
            .args(["--today", TODAY, "--lang", lang])
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        let page = |p: &str| fs::read_to_string(site.join(p)).unwrap();
        let k = page("clients/k.html");
        for w in &words[..5] {
            assert!(k.contains(w), "{lang}: k.html lacks {w}");
        }
        let l = page("clients/l.html");
        assert!(l.contains(words[5]) && l.contains("价格"), "{lang}: l.html");
        // Control: m has none of the four flags, no promises and nothing lost.
        let m = page("clients/m.html");
        for w in &words {
            assert!(!m.contains(w), "{lang}: m.html has {w}");
        }
        // The dashboard and every rep page: the lists, the rates, the inbound chart.
        let index = page("index.html");
        for id in [
            "revenue_drop",
            "decision_maker_left",
            "single_threaded",
            "post_deal_dropoff",
            "lost_clients",
        ] {
            assert!(
                index.contains(&format!("id=\"check-{id}\"")),
                "{lang}: index lacks {id}"
            );
        }
        assert!(
            index.contains("价格"),
            "{lang}: the lost list gives the reason"
        );
        let li = page("reps/li.html");
        assert!(li.contains("id=\"check-lost_clients\""), "{lang}: li");
        assert!(li.contains(">40%<"), "{lang}: li promises");
        assert!(li.contains(">20%<"), "{lang}: li inbound");
        for rep in ["reps/li.html", "reps/wu.html", "index.html"] {
            assert!(
                page(rep).contains("id=\"ri-h\"") || rep == "index.html",
                "{lang}: {rep} inbound chart"
            );
        }
        assert!(page("reps/wu.html").contains(">50%<"), "{lang}: wu inbound");
        // The status filter offers `lost`.
        assert!(
            page("clients.html").contains("<option value=\"lost\">"),
            "{lang}"
        );
    }
}
