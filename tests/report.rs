//! One report, many outputs (issue 9): the site, the JSON and the CSV are rendered from
//! the same report value, so they must agree, for every client and every rep, on
//! `example-notes` (both languages) and on a generated team of several reps. And the
//! module tree of `render/` has no import cycle: views depend on no page module, and
//! the HTML writers on views, never the reverse.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use touchbase::config::Lang;
use touchbase::render::i18n::label;
use touchbase::write::unique_slugs;

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

/// The clients table of the CSV export, by id: (status, next_due).
fn csv_clients(notes: &Path) -> BTreeMap<String, (String, String)> {
    let text =
        String::from_utf8(export(notes, &["--format", "csv", "--table", "clients"])).unwrap();
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, status, next_due) = (col("id"), col("status"), col("next_due"));
    let mut out = BTreeMap::new();
    for line in lines {
        // The generated ids, statuses and dates have no commas or quotes; names may have
        // commas (quoted), which come after these columns only if quoted: split carefully.
        let cells = split_csv_line(line);
        out.insert(
            cells[id].clone(),
            (cells[status].clone(), cells[next_due].clone()),
        );
    }
    out
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// The text between `start` (after it) and the next `end`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let a = s.find(start)? + start.len();
    let b = s.get(a..)?.find(end)? + a;
    s.get(a..b)
}

/// The `datetime` of the first `<time>` in `cell`, or "" when it has none.
fn datetime(cell: &str) -> String {
    between(cell, "<time datetime=\"", "\"")
        .unwrap_or("")
        .to_string()
}

/// The text of each `<td>` of a table row.
fn cells(row: &str) -> Vec<&str> {
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = c.split_once('>').map_or(c, |(_, rest)| rest);
            c.split("</td>").next().unwrap_or("")
        })
        .collect()
}

/// The text of each `<td>` of `row`: tags and inline charts dropped, and cells left
/// with no text (a trend line) left out.
fn cell_texts(row: &str) -> Vec<String> {
    cells(row)
        .into_iter()
        .map(|c| {
            let mut c = c.to_string();
            while let (Some(i), Some(j)) = (c.find("<svg"), c.find("</svg>")) {
                c.replace_range(i..j + "</svg>".len(), "");
            }
            let mut text = String::new();
            for part in c.split('<') {
                text.push_str(part.split_once('>').map_or(part, |(_, t)| t));
            }
            text.trim().to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// The `<tr>` of `html` that links to `href`.
fn row_linking<'a>(html: &'a str, href: &str) -> &'a str {
    let at = html
        .find(&format!("<a href=\"{href}\""))
        .unwrap_or_else(|| panic!("no row links to {href}"));
    let start = html.get(..at).unwrap().rfind("<tr").unwrap();
    let end = at + html.get(at..).unwrap().find("</tr>").unwrap();
    html.get(start..end).unwrap()
}

fn percent(n: u64, total: u64) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / total as f64)
    }
}

/// Build the site in `lang` and export JSON and CSV; check everything agrees. Returns
/// how many clients and reps were checked.
fn check_agreement(notes: &Path, lang: Lang) -> (usize, usize) {
    let dir = common::build_site_of(notes, if lang == Lang::Zh { "zh" } else { "en" });
    let site = dir.path().join("site");
    let json: Value = serde_json::from_slice(&export(notes, &["--format", "json"])).unwrap();
    let csv = csv_clients(notes);
    let clients = json["clients"].as_array().unwrap();
    assert_eq!(csv.len(), clients.len(), "CSV has every client");
    let list = fs::read_to_string(site.join("clients.html")).unwrap();
    // Clients come in id order; their pages are named by `unique_slugs` of the ids.
    let ids: Vec<&str> = clients.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let slugs = unique_slugs(ids.iter().copied());
    let none = label(lang, "none");
    for (c, slug) in clients.iter().zip(&slugs) {
        let id = c["id"].as_str().unwrap();
        let status = c["status"].as_str().unwrap();
        let next_due = c["next_due"].as_str().unwrap_or("");
        // CSV.
        assert_eq!(
            csv.get(id),
            Some(&(status.to_string(), next_due.to_string())),
            "{id}: CSV agrees with JSON"
        );
        // The client's page: its subtitle, its cadence box and the next due date there.
        let page = fs::read_to_string(site.join(format!("clients/{slug}.html"))).unwrap();
        let subtitle = between(&page, "<p class=\"subtitle\">", "</p>").unwrap();
        assert!(
            subtitle.contains(&format!("<span class=\"status s-{status}\">")),
            "{id}: status {status} in the page's subtitle: {subtitle}"
        );
        assert!(
            page.contains(&format!("<section class=\"cadence-box s-{status}\"")),
            "{id}: status {status} in the cadence box"
        );
        let dd = between(
            &page,
            &format!("<dt>{}</dt><dd>", label(lang, "next_due")),
            "</dd>",
        )
        .unwrap_or_else(|| panic!("{id}: no next due on the page"));
        if next_due.is_empty() {
            assert_eq!(dd, none, "{id}: no next due date on the page");
        } else {
            assert_eq!(datetime(dd), next_due, "{id}: next due on the page");
        }
        // Its row in the client list: owner, tier, status, cadence, last, next, contacts.
        let row = row_linking(&list, &format!("clients/{slug}.html"));
        assert!(
            row.contains(&format!("data-status=\"{status}\"")),
            "{id}: list row's status filter"
        );
        let cells = cells(row);
        assert_eq!(cells.len(), 7, "{id}: {row}");
        assert!(
            cells[2].starts_with(&format!("<span class=\"status s-{status}\">")),
            "{id}: list row's status cell {}",
            cells[2]
        );
        assert_eq!(datetime(cells[5]), next_due, "{id}: list row's next due");
        assert_eq!(
            cells[6],
            c["contacts_12m"].to_string(),
            "{id}: list row's contacts"
        );
    }

    // Reps: reps.html, each rep's page and JSON `team.reps`, and the clients' own figures.
    let reps = json["team"]["reps"].as_array().unwrap();
    let index = fs::read_to_string(site.join("reps.html")).unwrap();
    let owners: Vec<&str> = reps.iter().map(|r| r["owner"].as_str().unwrap()).collect();
    let rep_slugs = unique_slugs(
        owners
            .iter()
            .map(|o| if o.is_empty() { "no-owner" } else { o }),
    );
    for (r, slug) in reps.iter().zip(&rep_slugs) {
        let owner = r["owner"].as_str().unwrap();
        let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{owner}: {k}"));
        let (count, overdue, fine, contacts) = (
            n("clients"),
            n("overdue"),
            n("on_cadence"),
            n("contacts_12m"),
        );
        // JSON's rep figures are its clients' figures.
        let mine: Vec<&Value> = clients
            .iter()
            .filter(|c| c["owner"].as_str().unwrap_or("") == owner)
            .collect();
        let with = |st: &[&str]| {
            mine.iter()
                .filter(|c| st.contains(&c["status"].as_str().unwrap()))
                .count() as u64
        };
        assert_eq!(count, mine.len() as u64, "{owner}: clients");
        assert_eq!(overdue, with(&["overdue"]), "{owner}: overdue");
        assert_eq!(fine, with(&["ok", "due"]), "{owner}: on cadence");
        assert_eq!(
            contacts,
            mine.iter()
                .map(|c| c["contacts_12m"].as_u64().unwrap())
                .sum::<u64>(),
            "{owner}: contacts"
        );
        // Lost clients are out of the share.
        let lost = with(&["lost"]);
        assert_eq!(r["lost"], lost, "{owner}: lost");
        let share = r["on_cadence_share"].as_f64().unwrap();
        assert!(
            (share * (count - lost) as f64 - fine as f64).abs() < 0.01,
            "{owner}: share {share} of {count} - {lost}"
        );
        // Promises kept and inbound contacts: the rep's are its clients' summed.
        let sum = |f: &dyn Fn(&Value) -> u64| mine.iter().map(|c| f(c)).sum::<u64>();
        let (on_time, all) = (
            sum(&|c| c["promises"]["on_time"].as_u64().unwrap()),
            sum(&|c| {
                ["on_time", "late", "missed"]
                    .iter()
                    .map(|k| c["promises"][k].as_u64().unwrap())
                    .sum()
            }),
        );
        assert_eq!(r["promises"]["on_time"], on_time, "{owner}: promises");
        let inbound = sum(&|c| c["inbound_12m"].as_u64().unwrap());
        assert_eq!(r["inbound_12m"], inbound, "{owner}: inbound");
        let whole = |n: u64, of: u64| {
            if of == 0 {
                "—".to_string()
            } else {
                format!("{:.0}%", n as f64 * 100.0 / of as f64)
            }
        };
        let shown = [
            count.to_string(),
            overdue.to_string(),
            percent(fine, count - lost),
            contacts.to_string(),
            whole(on_time, all),
            whole(inbound, contacts),
        ];
        // reps.html.
        let row = row_linking(&index, &format!("reps/{slug}.html"));
        let name = if owner.is_empty() {
            label(lang, "no_owner")
        } else {
            owner
        };
        assert!(
            row.contains(&format!(">{name}</a>")),
            "{owner}: name in {row}"
        );
        assert_eq!(cell_texts(row), shown, "{owner}: reps.html");
        // The rep's own page: its six cards.
        let page = fs::read_to_string(site.join(format!("reps/{slug}.html"))).unwrap();
        let cards: Vec<&str> = page
            .split("<li class=\"card")
            .skip(1)
            .filter_map(|c| between(c, "<span class=\"value\">", "</span>"))
            .collect();
        assert_eq!(cards, shown, "{owner}: reps/{slug}.html");
    }
    (clients.len(), reps.len())
}

#[test]
fn example_site_json_and_csv_agree_on_every_client_and_rep() {
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    for lang in [Lang::En, Lang::Zh] {
        assert_eq!(check_agreement(&notes, lang), (17, 4), "{lang:?}");
    }
}

/// A team of several reps (one with a Chinese name, clients without an owner), with
/// clients in every status: overdue, due, never contacted, fine.
fn generate(dir: &Path) -> PathBuf {
    let notes = dir.join("notes");
    let owners = ["Ada", "王芳", "Bo Chen", ""];
    let tiers = ["key", "regular", "prospect", "dormant"];
    // Days before today of the last call (none: never contacted).
    let last = [
        Some(3),
        Some(25),
        None,
        Some(70),
        Some(200),
        Some(12),
        Some(40),
    ];
    for n in 0..37usize {
        let owner = owners[n % owners.len()];
        let folder = notes.join(format!("rep{}", n % owners.len()));
        fs::create_dir_all(&folder).unwrap();
        let mut text = format!(
            "---\nname: Client {n:02}\ntier: {}\n",
            tiers[n % tiers.len()]
        );
        if !owner.is_empty() {
            text.push_str(&format!("owner: {owner}\n"));
        }
        text.push_str("---\n\n");
        if let Some(days) = last[n % last.len()] {
            let today: jiff::civil::Date = TODAY.parse().unwrap();
            for k in 0..(n % 3 + 1) as i64 {
                let date = today
                    .checked_sub(jiff::Span::new().days(days + 30 * k))
                    .unwrap();
                text.push_str(&format!("## {date} call — catch-up {k}\n\n"));
            }
        }
        fs::write(folder.join(format!("c{n:02}.md")), text).unwrap();
    }
    notes
}

#[test]
fn generated_team_site_json_and_csv_agree_on_every_client_and_rep() {
    let dir = tempfile::tempdir().unwrap();
    let notes = generate(dir.path());
    let json: Value = serde_json::from_slice(&export(&notes, &["--format", "json"])).unwrap();
    let statuses: BTreeSet<&str> = json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["due", "never", "ok", "overdue"].into_iter().collect(),
        "the generated notes have every status"
    );
    for lang in [Lang::En, Lang::Zh] {
        assert_eq!(check_agreement(&notes, lang), (37, 4), "{lang:?}");
    }
}

/// `super::x` names in a module's non-test code, restricted to `render/`'s modules.
fn render_deps() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
    let modules: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let stem = p.file_stem()?.to_str()?.to_string();
            (p.extension()? == "rs" && stem != "mod").then_some(stem)
        })
        .collect();
    modules
        .iter()
        .map(|m| {
            let text = fs::read_to_string(dir.join(format!("{m}.rs"))).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let deps = code
                .split("super::")
                .skip(1)
                .filter_map(|rest| {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    (modules.contains(&name) && name != *m).then_some(name)
                })
                .chain(
                    // `use super::{a, b}` groups.
                    code.split("use super::{").skip(1).flat_map(|rest| {
                        let group = rest.split('}').next().unwrap_or("");
                        group
                            .split(',')
                            .map(|n| n.trim().split("::").next().unwrap_or("").to_string())
                            .filter(|n| modules.contains(n))
                            .collect::<Vec<_>>()
                    }),
                )
                .collect();
            (m.clone(), deps)
        })
        .collect()
}

#[test]
fn render_modules_have_no_import_cycle_and_writers_depend_on_views() {
    let deps = render_deps();
    assert!(deps.len() >= 15, "{deps:?}");
    // Depth-first search for a cycle from every module.
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == m) {
            panic!("import cycle: {:?} -> {m}", &path[at..]);
        }
        if done.contains(m) {
            return;
        }
        path.push(m.to_string());
        for d in deps.get(m).into_iter().flatten() {
            visit(d, deps, path, done);
        }
        path.pop();
        done.insert(m.to_string());
    }
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        visit(m, &deps, &mut Vec::new(), &mut done);
    }
    // Primitives and views depend on no page module; writers only on views and primitives.
    let primitives = ["charts", "format", "i18n", "markdown", "privacy"];
    for m in primitives.iter().chain(&["views"]) {
        let d = &deps[*m];
        assert!(
            d.iter().all(|x| primitives.contains(&x.as_str())),
            "{m} depends on {d:?}"
        );
    }
    let d = &deps["fragments"];
    assert!(
        d.iter()
            .all(|x| x == "views" || primitives.contains(&x.as_str())),
        "fragments depends on {d:?}"
    );
}
