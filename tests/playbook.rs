//! The relationship practices, end to end, on a small fixture whose figures were worked
//! out by hand (today = 2026-11-22).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

mod common;

const TODAY: &str = "2026-11-22";

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/playbook")
        .to_string_lossy()
        .into_owned()
}

fn export() -> Value {
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .args(["export", &fixture(), "--format", "json", "--today", TODAY])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn client<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn deals_touches_and_thanks() {
    let j = export();
    let acme = client(&j, "acme");
    // Deal 03-01: one call before it. Deal 10-01: 07-01, 08-01, 09-01, 09-20 (after the
    // first deal, before this one). Neither got a gift, greeting or feedback within 14 days.
    assert_eq!(
        acme["deals"],
        json!([
            // 03-01: one contact in the 90 days before it, none in the 90 after: a drop-off.
            {"date": "2026-03-01", "amount": 50000.0, "touches": 1, "line": 28, "thanked": null, "thanks_missing": true,
             "contacts_before": 1, "contacts_after": 0, "dropoff": true},
            // 10-01: 08-01, 09-01, 09-20 in the 90 days before (07-01 is 92 days before);
            // its 90 days after are not over.
            {"date": "2026-10-01", "amount": 120000.0, "touches": 4, "line": 20, "thanked": null, "thanks_missing": true,
             "contacts_before": 3, "contacts_after": null, "dropoff": false}
        ])
    );
}

#[test]
fn complaints_and_feedback() {
    let j = export();
    assert_eq!(
        client(&j, "acme")["complaints"],
        json!([{"date": "2026-08-01", "resolved": "2026-08-05", "line": 23, "days": 4}])
    );
    assert_eq!(
        client(&j, "gamma")["complaints"],
        json!([{"date": "2026-11-10", "resolved": null, "line": 9, "days": 12}])
    );
    assert_eq!(client(&j, "beta")["latest_feedback_score"], 8.0);
}

#[test]
fn people_and_decision_makers() {
    let j = export();
    let acme = client(&j, "acme");
    assert_eq!(acme["people"][0]["name"], "Boss Wang");
    assert_eq!(acme["people"][0]["role"], "decision-maker");
    assert_eq!(
        acme["people"][0]["last_mentioned"], "2026-07-01",
        "@BossWang matches without the space"
    );
    assert_eq!(acme["people"][1]["last_mentioned"], "2026-11-18");
    assert_eq!(
        acme["people"][1]["kinds"],
        json!(["call", "email", "complaint"])
    );
    assert_eq!(
        acme["stale_decision_makers"],
        json!(["Boss Wang"]),
        "144 days without contact"
    );
    assert_eq!(client(&j, "beta")["no_decision_maker"], true);
}

#[test]
fn rhythms_per_kind() {
    let j = export();
    let acme = client(&j, "acme");
    assert_eq!(
        acme["cadences"],
        json!([
            {"kind": "any", "every": "14d", "last": "2026-11-18", "next_due": "2026-12-02", "status": "ok", "days_overdue": 0},
            {"kind": "visit", "every": "2m", "last": "2026-09-20", "next_due": "2026-11-20", "status": "overdue", "days_overdue": 2}
        ])
    );
    assert_eq!(acme["status"], "overdue", "the worst rhythm");
    assert_eq!(acme["next_due"], "2026-11-20");
    assert_eq!(client(&j, "beta")["cadences"][0]["kind"], "any");
}

#[test]
fn upcoming_and_pareto() {
    let j = export();
    assert_eq!(
        j["upcoming"],
        json!([
            {"date": "2026-12-01", "what": "anniversary", "client": "acme", "name": null, "years": 6, "lunar": null},
            {"date": "2026-12-05", "what": "birthday", "client": "acme", "name": "Boss Wang", "years": null, "lunar": null},
            {"date": "2026-12-10", "what": "founding day", "client": "acme", "name": null, "years": null, "lunar": null}
        ])
    );
    // 2025 (the latest full year): 800 + 150 + 50 + 0; the top 20 % is one client.
    assert_eq!(j["pareto"]["year"], 2025);
    assert_eq!(j["pareto"]["top20_share"], 0.8);
    assert_eq!(j["pareto"]["clients"], 4);
}

#[test]
fn prospects_given_up() {
    let j = export();
    assert_eq!(
        client(&j, "delta")["given_up_early"],
        true,
        "2 contacts, 125 days > 2 × 21"
    );
    assert_eq!(client(&j, "acme")["given_up_early"], false);
}

#[test]
fn the_site_shows_the_practices() {
    let dir = common::build_site("tests/fixtures/playbook", "en");
    let out = dir.path().join("site");
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let dash = read("index.html");
    let section = |id: &str| {
        dash.split(&format!("id=\"check-{id}\""))
            .nth(1)
            .and_then(|s| s.split("</div>").next())
            .unwrap_or("")
            .to_string()
    };
    assert!(section("open_complaints").contains("甘马建材"));
    assert!(section("unthanked").contains("Acme Tiles"));
    assert!(section("stale_dm").contains("Boss Wang"));
    assert!(section("given_up").contains("Delta Prospect"));
    assert!(
        section("tier_review").contains("甘马建材"),
        "key client ranked 3rd of 4"
    );
    // 800 of 1000 from the top client: the figure itself, not the 80 % that the
    // persistence reference and the Pareto chart's line print anyway.
    assert!(
        dash.contains("clients: <b>80%</b><small> (1 / 4)</small>"),
        "top-20 share"
    );
    let acme = read("clients/acme.html");
    assert!(acme.contains("Boss Wang"));
    assert!(acme.contains("2 days overdue"), "the visit rhythm is late");
    assert!(
        acme.contains("href=\"../reps/anna.html\""),
        "links to its rep"
    );
    assert!(acme.contains("Beta Foods"), "lists the clients it referred");
    let refs = read("referrals.html");
    assert!(refs.contains("Acme Tiles") && refs.contains("甘马建材"));
    let rep = read("reps/anna.html");
    assert!(rep.contains("Acme Tiles") && rep.contains("Beta Foods") && !rep.contains("甘马建材"));
    assert!(read("reps.html").contains("王磊"));
}
