//! The export formats, run through the real binary: JSON's team object, the CSV tables
//! (RFC 4180) and the iCalendar feed (RFC 5545, checked with Python's `icalendar`).

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-22";

fn export(notes: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .arg("export")
        .arg(notes)
        .args(["--today", TODAY])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes")
}

fn json(notes: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&export(notes, &all)).unwrap()
}

/// A small RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR ends no record");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("a record ended by LF alone, not CRLF"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        row.is_empty() && field.is_empty(),
        "the last record has no CRLF"
    );
    rows
}

fn csv(notes: &Path, table: &str) -> Vec<Vec<String>> {
    let bytes = export(notes, &["--format", "csv", "--table", table]);
    parse_csv(std::str::from_utf8(&bytes).unwrap())
}

#[test]
fn json_team_figures_agree_with_the_clients_they_sum() {
    let v = json(&example(), &[]);
    let clients = v["clients"].as_array().unwrap();
    let reps = v["team"]["reps"].as_array().unwrap();
    assert_eq!(reps.len(), 4, "example-notes has four reps");
    let mut total = 0;
    for rep in reps {
        let owner = rep["owner"].as_str().unwrap();
        let mine: Vec<&Value> = clients
            .iter()
            .filter(|c| c["owner"].as_str().unwrap_or("") == owner)
            .collect();
        let status = |s: &str| mine.iter().filter(|c| c["status"] == s).count();
        assert_eq!(rep["clients"], mine.len(), "{owner}");
        assert_eq!(rep["overdue"], status("overdue"), "{owner}");
        // Lost clients are out of the share.
        let share = (status("ok") + status("due")) as f64 / (mine.len() - status("lost")) as f64;
        let got = rep["on_cadence_share"].as_f64().unwrap();
        assert!((got - share).abs() < 1e-3, "{owner}: {got} vs {share}");
        let contacts: u64 = mine
            .iter()
            .map(|c| c["contacts_12m"].as_u64().unwrap())
            .sum();
        assert_eq!(rep["contacts_12m"], contacts, "{owner}");
        total += mine.len();
    }
    assert_eq!(total, clients.len(), "every client is in one rep's book");
    let team = &v["team"];
    for key in [
        "holidays",
        "birthdays",
        "tier_review",
        "complaints",
        "persistence",
        "referrals",
    ] {
        assert!(!team[key].is_null(), "team.{key}");
    }
    let b = &team["birthdays"];
    assert!(b["greeted"].as_u64().unwrap() <= b["total"].as_u64().unwrap());
    for h in team["holidays"].as_array().unwrap() {
        assert!(h["greeted"].as_u64() <= h["expected"].as_u64(), "{h}");
        assert!(h["name"].as_str().is_some_and(|n| !n.contains('_')), "{h}");
    }
    let deals: u64 = team["persistence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["deals"].as_u64().unwrap())
        .sum();
    let listed: usize = clients
        .iter()
        .map(|c| c["deals"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        deals as usize, listed,
        "every deal is in one persistence bucket"
    );
    for r in team["referrals"].as_array().unwrap() {
        let to = r["to"].as_str().unwrap();
        let c = clients.iter().find(|c| c["id"] == to).unwrap();
        assert_eq!(c["referred_by"], r["from"], "{r}");
    }
    assert!(team["complaints"]["open"].is_u64());
}

#[test]
fn csv_tables_are_rfc4180_and_agree_with_json() {
    let v = json(&example(), &[]);
    let clients = v["clients"].as_array().unwrap();
    let rows = csv(&example(), "clients");
    let header = &rows[0];
    for col in [
        "id",
        "name",
        "owner",
        "tier",
        "status",
        "last_contact",
        "next_due",
        "days_since_contact",
        "contacts_12m",
    ] {
        assert!(header.iter().any(|h| h == col), "clients table lacks {col}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len() - 1, clients.len());
    for (row, c) in rows.iter().skip(1).zip(clients) {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[col("id")], c["id"].as_str().unwrap());
        assert_eq!(row[col("status")], c["status"].as_str().unwrap());
        assert_eq!(
            row[col("next_due")],
            c["next_due"].as_str().unwrap_or(""),
            "{}",
            c["id"]
        );
        assert_eq!(row[col("contacts_12m")], c["contacts_12m"].to_string());
    }
    let expect = |table: &str, cols: &[&str], count: usize| {
        let rows = csv(&example(), table);
        for c in cols {
            assert!(rows[0].iter().any(|h| h == c), "{table} table lacks {c}");
        }
        assert_eq!(rows.len() - 1, count, "{table}");
        assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{table}");
    };
    let entries = clients
        .iter()
        .map(|c| c["entries"].as_array().unwrap().len());
    expect(
        "entries",
        &["client", "date", "kind", "people", "summary", "inbound"],
        entries.sum(),
    );
    let followups = clients
        .iter()
        .map(|c| c["followups"].as_array().unwrap().len());
    expect(
        "followups",
        &["client", "date", "text", "done", "missed", "done_on"],
        followups.sum(),
    );
    let people = clients
        .iter()
        .map(|c| c["people"].as_array().unwrap().len());
    expect(
        "people",
        &["client", "name", "role", "title", "left", "successor"],
        people.sum(),
    );
}

#[test]
fn csv_quotes_and_excel() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "---\nname: \"Acme, \\\"the best\\\"\"\nowner: 王磊\n---\n## 2026-11-02 call — =HYPERLINK(\"x\")\n",
    )
    .unwrap();
    let plain = export(dir.path(), &["--format", "csv"]);
    let text = String::from_utf8(plain).unwrap();
    assert!(!text.starts_with('\u{feff}'));
    assert!(text.contains("\"Acme, \"\"the best\"\"\""), "{text}");
    let rows = parse_csv(&text);
    assert_eq!(rows[1][1], "Acme, \"the best\"");
    let excel = export(
        dir.path(),
        &["--format", "csv", "--table", "entries", "--excel"],
    );
    let text = String::from_utf8(excel).unwrap();
    assert!(text.starts_with('\u{feff}'), "--excel starts with a BOM");
    let rows = parse_csv(text.trim_start_matches('\u{feff}'));
    assert_eq!(rows[1][4], "'=HYPERLINK(\"x\")", "a formula is defused");
    let rows = csv(dir.path(), "entries");
    assert_eq!(rows[1][4], "=HYPERLINK(\"x\")", "control: left as written");
}

#[test]
fn owner_filter() {
    let v = json(&example(), &["--owner", "王磊"]);
    let clients = v["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 4);
    assert!(clients.iter().all(|c| c["owner"] == "王磊"));
    assert_eq!(v["team"]["reps"].as_array().unwrap().len(), 1);
    for m in v["upcoming"].as_array().unwrap() {
        let id = m["client"].as_str();
        assert!(
            id.is_none_or(|id| clients.iter().any(|c| c["id"] == id)),
            "{m}"
        );
    }
    let rows = csv(&example(), "clients");
    assert_eq!(rows.len() - 1, 17, "control: without --owner every client");
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .arg("export")
        .arg(example())
        .args(["--owner", "王雷"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("王雷") && err.contains("王磊"), "{err}");
    assert!(out.stdout.is_empty());
}

fn ics(notes: &Path, args: &[&str]) -> String {
    let mut all = vec!["--format", "ics"];
    all.extend_from_slice(args);
    String::from_utf8(export(notes, &all)).unwrap()
}

/// Python 3 with the `icalendar` package (`.ci/run` installs it).
fn icalendar_python() -> Option<std::path::PathBuf> {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    common::require(
        "python3 with the icalendar package (pip install icalendar)",
        ok.then(|| "python3".into()),
    )
}

#[test]
fn ics_is_rfc5545_and_parses() {
    let text = ics(&example(), &[]);
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
    }
    let events = text.matches("BEGIN:VEVENT").count();
    assert!(events > 20, "{events} events");
    let unfolded = text.replace("\r\n ", "");
    let uids: std::collections::BTreeSet<&str> = unfolded
        .lines()
        .filter_map(|l| l.strip_prefix("UID:"))
        .collect();
    assert_eq!(uids.len(), events, "one UID per event");
    let stamps: std::collections::BTreeSet<&str> = unfolded
        .lines()
        .filter(|l| l.starts_with("DTSTAMP:"))
        .collect();
    assert_eq!(stamps.len(), 1, "one fixed DTSTAMP");
    // Each kind of event is there.
    for needle in ["跟进事项", "生日", "节日"] {
        assert!(
            unfolded.contains(&format!("CATEGORIES:{needle}")),
            "{needle}"
        );
    }
    // Birthdays: the person and the client, never a birth year or an age.
    for line in unfolded.lines().filter(|l| l.starts_with("SUMMARY:生日")) {
        assert!(line.contains('（'), "{line}");
        assert!(!line.contains("19") && !line.contains('岁'), "{line}");
    }
    assert!(!unfolded.contains("1968"), "no birth year");
    let Some(python) = icalendar_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.ics");
    std::fs::write(&file, &text).unwrap();
    let script = "import sys, icalendar\n\
        cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
        evs = cal.walk('VEVENT')\n\
        for e in evs:\n\
        \x20   assert e.get('DTSTART').params.get('VALUE') == 'DATE', e\n\
        \x20   assert e.get('UID') and e.get('DTSTAMP') and e.get('SUMMARY'), e\n\
        print(len(evs))\n";
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        events.to_string()
    );
}

#[test]
fn ics_is_stable_across_builds_and_unrelated_edits() {
    let dir = tempfile::tempdir().unwrap();
    let note = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    note(
        "a.md",
        "---\nname: Acme\npeople:\n  - {name: 王强, birthday: 1970-12-05}\n---\n## 2026-11-02 call\n- [ ] 2026-12-10 call — send quote\n",
    );
    let first = ics(dir.path(), &["--lang", "en"]);
    assert_eq!(first, ics(dir.path(), &["--lang", "en"]), "byte-identical");
    assert!(
        first.contains("SUMMARY:Birthday: 王强 (Acme)\r\n"),
        "{first}"
    );
    assert!(
        first.contains("SUMMARY:Acme: call — send quote\r\n"),
        "{first}"
    );
    assert!(first.contains("DTSTAMP:20261102T000000Z"), "{first}");
    let uids = |t: &str| -> Vec<String> {
        t.lines()
            .filter_map(|l| l.strip_prefix("UID:"))
            .map(String::from)
            .collect()
    };
    // Another client's note changes: this one's events keep their UIDs.
    note("b.md", "---\nname: Beta\n---\n## 2026-11-20 visit\n");
    let second = ics(dir.path(), &["--lang", "en"]);
    for uid in uids(&first) {
        assert!(second.contains(&uid), "{uid} changed");
    }
    assert!(
        second.contains("DTSTAMP:20261120T000000Z"),
        "the stamp follows the notes"
    );
    // Done follow-ups leave the feed.
    note(
        "a.md",
        "---\nname: Acme\n---\n## 2026-11-02 call\n- [x] 2026-12-10 call — send quote\n",
    );
    assert!(!ics(dir.path(), &["--lang", "en"]).contains("send quote"));
}

#[test]
fn the_site_publishes_the_team_feed_and_every_reps_own() {
    let site = common::build_site("example-notes", "en");
    let root = site.path().join("site");
    let team = std::fs::read_to_string(root.join("calendar.ics")).unwrap();
    assert_eq!(
        team,
        ics(&example(), &["--lang", "en"]),
        "the site's feed is the export's"
    );
    let calendar = std::fs::read_to_string(root.join("calendar.html")).unwrap();
    assert!(
        calendar.contains("href=\"calendar.ics\""),
        "calendar page links its feed"
    );
    let v = json(&example(), &[]);
    let clients = v["clients"].as_array().unwrap();
    let mut reps = 0;
    for page in std::fs::read_dir(root.join("reps")).unwrap() {
        let page = page.unwrap().path();
        if page.extension().is_none_or(|x| x != "html") {
            continue;
        }
        reps += 1;
        let html = std::fs::read_to_string(&page).unwrap();
        let feed = page.with_extension("ics");
        let name = feed.file_name().unwrap().to_str().unwrap();
        assert!(
            html.contains(&format!("href=\"{name}\"")),
            "{} links {name}",
            page.display()
        );
        let text = std::fs::read_to_string(&feed).unwrap().replace("\r\n ", "");
        // The rep's own follow-ups, and no one else's.
        let h1 = html
            .split("<h1>")
            .nth(1)
            .unwrap()
            .split("</h1>")
            .next()
            .unwrap();
        for c in clients {
            let owner = c["owner"].as_str().unwrap_or("");
            for f in c["open_followups"].as_array().unwrap() {
                let date = f["date"].as_str().unwrap();
                if date < TODAY {
                    continue;
                }
                let summary = format!("SUMMARY:{}: ", c["name"].as_str().unwrap());
                assert_eq!(
                    text.contains(&summary),
                    owner == h1,
                    "{name}: follow-up of {} ({owner})",
                    c["id"]
                );
            }
        }
    }
    assert_eq!(reps, 4, "every rep page was checked");
}
