//! `--since` and the "what changed" and trend figures through the real binary, on a
//! small folder whose figures are worked out by hand below.

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

fn export(dir: &std::path::Path, extra: &[&str]) -> Value {
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .args(["export", dir.to_str().unwrap(), "--today", "2026-11-22"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn changes_and_trend_are_the_hand_worked_figures() {
    let dir = tempfile::tempdir().unwrap();
    let put = |name: &str, text: &str| fs::write(dir.path().join(name), text).unwrap();
    // a (key, 14 days): contacts 11-01 → due 11-15: `due` on 11-15, overdue today.
    put(
        "a.md",
        "---\nname: A\nowner: Li\ntier: key\n---\n## 2026-11-01 call\n",
    );
    // b (regular, 30 days): 09-01 → overdue from 10-02; called 11-20 → ok now. A deal
    // of 860,000 on 11-18 and a complaint opened 11-16, resolved 11-19.
    put(
        "b.md",
        "---\nname: B\nowner: Li\ntier: regular\n---\n## 2026-11-20 call\n\n## 2026-11-18 deal — 860000\n\n## 2026-11-16 complaint — late delivery\n\n- [x] 2026-11-19 call — apologised\n\n## 2026-09-01 visit\n",
    );
    // c: known from 11-17 (its first entry): new in the window.
    put(
        "c.md",
        "---\nname: C\nowner: Wu\n---\n## 2026-11-17 wechat\n",
    );
    // d: known only from 2026-12-01 (a `since` ahead of today): counted this week, as
    // on the rep pages (never contacted), and in no week before.
    put("d.md", "---\nname: D\nowner: Wu\nsince: 2026-12-01\n---\n");
    let r = export(dir.path(), &[]);
    let ch = &r["changes"];
    assert_eq!(ch["since"], "2026-11-15");
    assert_eq!(ch["newly_overdue"], serde_json::json!(["a"]));
    assert_eq!(ch["back_on_track"], serde_json::json!(["b"]));
    assert_eq!(ch["deals"][0]["client"], "b");
    assert_eq!(ch["deals"][0]["amount"], 860000.0);
    assert_eq!(ch["complaints_opened"][0]["client"], "b");
    assert_eq!(ch["complaints_resolved"][0]["date"], "2026-11-19");
    assert_eq!(ch["new_clients"], serde_json::json!(["c"]));
    assert_eq!(ch["lost"], serde_json::json!([]));
    // The team's trend: 52 weeks; this week (11-16…11-22, as of today) a is overdue,
    // b and c are ok, d never contacted: 2 of 4 on cadence; contacts 11-16, 11-17,
    // 11-18 (deal), 11-20 (a complaint counts as contact, as the weekly chart has it).
    let trend = r["team"]["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 52);
    let last = &trend[51];
    assert_eq!(last["week"], "2026-11-16");
    assert_eq!(
        (
            &last["on_cadence_share"],
            &last["overdue"],
            &last["clients"]
        ),
        (&Value::from(0.5), &Value::from(1), &Value::from(4))
    );
    // b's call 11-20, deal 11-18 and complaint 11-16, and c's WeChat 11-17.
    assert_eq!(last["contacts"], 4);
    // The week before (11-09…11-15, as of Sunday 11-15): a due (on cadence), b overdue,
    // c not known yet: 1 of 2.
    let before = &trend[50];
    assert_eq!(
        (
            &before["on_cadence_share"],
            &before["overdue"],
            &before["clients"]
        ),
        (&Value::from(0.5), &Value::from(1), &Value::from(2))
    );
    // Each rep's trend has the same shape; Li's this week: a overdue, b ok.
    for rep in r["team"]["reps"].as_array().unwrap() {
        assert_eq!(rep["trend"].as_array().unwrap().len(), 52, "{rep}");
    }
    let li = r["team"]["reps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["owner"] == "Li")
        .unwrap();
    assert_eq!(li["trend"][51]["on_cadence_share"], 0.5);
    // A wider window (the control): since 11-01, a was not overdue then either, b was.
    let wide = export(dir.path(), &["--since", "2026-11-01"]);
    assert_eq!(wide["changes"]["since"], "2026-11-01");
    assert_eq!(wide["changes"]["newly_overdue"], serde_json::json!(["a"]));
    // A window of nothing: since today.
    let none = export(dir.path(), &["--since", "2026-11-22"]);
    assert_eq!(none["changes"]["deals"], serde_json::json!([]));
    assert_eq!(none["changes"]["newly_overdue"], serde_json::json!([]));
    // A day after today is refused.
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .args([
            "export",
            dir.path().to_str().unwrap(),
            "--today",
            "2026-11-22",
            "--since",
            "2026-11-30",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since 2026-11-30 is after today"));
}
