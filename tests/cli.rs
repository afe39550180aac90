//! The real binary on fixture folders: diagnostics, exit codes, the JSON export, and
//! the safety promises of `build`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

const TODAY: &str = "2026-11-22";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn touchbase() -> Command {
    let mut cmd = Command::cargo_bin("touchbase").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("TOUCHBASE_TIMINGS");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = touchbase().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn export(folder: &Path) -> (i32, Value) {
    let r = run(&[
        "export",
        folder.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    (r.code, serde_json::from_str(&r.stdout).unwrap())
}

/// Copy a fixture folder into a temp dir, so a test can change it.
fn copy_fixture(name: &str, to: &Path) -> PathBuf {
    let dest = to.join(name);
    copy_dir(&fixture(name), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

fn read_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, fs::read(e.path()).unwrap()));
        }
    }
    out
}

/// Every diagnostic the checker can give on a note: (file, line, column, severity,
/// message, help).
const EXPECTED: &[(&str, usize, usize, &str, &str, &str)] = &[
    (
        "bad-yaml.md",
        3,
        12,
        "error",
        "front matter is not valid YAML",
        "`key: value`",
    ),
    (
        "gbk.md",
        2,
        1,
        "error",
        "file is not UTF-8 text",
        "save the note as UTF-8",
    ),
    (
        "nested/dupe.md",
        3,
        5,
        "error",
        "id `huadong-jiancai` is already used by huadong-jiancai.md",
        "give this client its own `id:`",
    ),
    (
        "no-front-matter.md",
        1,
        1,
        "error",
        "note has no front matter",
        "start the note with `---`",
    ),
    (
        "no-name.md",
        1,
        1,
        "error",
        "client has no `name`",
        "add a line `name: …`",
    ),
    (
        "typos.md",
        4,
        7,
        "error",
        "unknown tier `kye`",
        "did you mean `key`?",
    ),
    (
        "typos.md",
        8,
        5,
        "warning",
        "unknown key `birthdya`",
        "did you mean `birthday`?",
    ),
    (
        "typos.md",
        13,
        15,
        "error",
        "unknown kind `vist`",
        "did you mean `visit`?",
    ),
    (
        "typos.md",
        14,
        4,
        "error",
        "date `2026/03/05` is not in ISO form",
        "`2026-03-05`",
    ),
    (
        "typos.md",
        15,
        4,
        "error",
        "`2026-02-30` is not a real date",
        "February 2026 has 28 days",
    ),
    (
        "typos.md",
        16,
        4,
        "error",
        "date `2026年3月5日` is not in ISO form",
        "`2026-03-05`",
    ),
    (
        "typos.md",
        17,
        15,
        "error",
        "log entry has no kind",
        "write a kind after the date",
    ),
    (
        "typos.md",
        18,
        4,
        "warning",
        "entry is dated after today (2026-11-22)",
        "does not count as a contact",
    ),
    (
        "typos.md",
        19,
        20,
        "warning",
        "`@Bob` is not one of this client's people",
        "add them under `people:`",
    ),
    (
        "typos.md",
        20,
        20,
        "warning",
        "`@Li` could be more than one person",
        "Li Na, Li Ming",
    ),
    (
        "typos.md",
        21,
        7,
        "error",
        "date `2026/11/30` is not in ISO form",
        "`2026-11-30`",
    ),
    (
        "unclosed.md",
        1,
        1,
        "error",
        "front matter is never closed",
        "exactly `---`",
    ),
    (
        "values.md",
        3,
        8,
        "error",
        "`owner` should be a single value",
        "",
    ),
    (
        "values.md",
        4,
        10,
        "error",
        "`2 weeks` is not a cadence",
        "`14d`, `2w`, `1m`, `1y`",
    ),
    (
        "values.md",
        5,
        8,
        "error",
        "`2024-13-01` is not a real date",
        "months run from 01 to 12",
    ),
    (
        "values.md",
        8,
        9,
        "error",
        "revenue for 2024 is not a number",
        "plain number",
    ),
    (
        "values.md",
        11,
        11,
        "error",
        "unknown role `boss`",
        "roles are: decision-maker",
    ),
    (
        "values.md",
        12,
        15,
        "error",
        "`02-30` is not a real date",
        "February has at most 29 days",
    ),
    (
        "values.md",
        13,
        3,
        "error",
        "person has no `name`",
        "every person needs `name: …`",
    ),
    (
        "values.md",
        14,
        14,
        "warning",
        "`referred_by: huadong-jianca` names no known client",
        "did you mean `huadong-jiancai`?",
    ),
    (
        "values.md",
        15,
        1,
        "error",
        "`name` is given twice",
        "keep one",
    ),
];

#[test]
fn every_diagnostic_names_file_line_and_words() {
    let r = run(&[
        "check",
        fixture("problems").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (file, line, col, sev, msg, help) in EXPECTED {
        let header = format!("{file}:{line}:{col}: {sev}: {msg}");
        let at = r
            .stderr
            .find(&header)
            .unwrap_or_else(|| panic!("missing `{header}` in\n{}", r.stderr));
        // The diagnostic runs to the next blank line; its hint is in it.
        let block = r
            .stderr
            .get(at..)
            .unwrap_or("")
            .split("\n\n")
            .next()
            .unwrap_or("");
        if !help.is_empty() {
            let hint = block
                .lines()
                .find(|l| l.starts_with("help: "))
                .unwrap_or_else(|| panic!("no help in {block}"));
            assert!(hint.contains(help), "help `{help}` in {block}");
        }
    }
    let count = |sev: &str| EXPECTED.iter().filter(|e| e.3 == sev).count();
    let summary = format!("{} errors, {} warnings", count("error"), count("warning"));
    assert!(r.stderr.contains(&summary), "{}", r.stderr);
}

#[test]
fn diagnostics_show_the_line_with_a_caret_under_chinese_text() {
    let r = run(&[
        "check",
        fixture("problems").to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    let block: Vec<&str> = r
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("typos.md:16:4"))
        .take(4)
        .collect();
    assert_eq!(
        block.get(2).copied(),
        Some("16 | ## 2026年3月5日 拜访"),
        "{block:?}"
    );
    // `2026年3月5日` is 12 columns wide: 4 digits, 3 wide characters, 2 digits.
    let caret = block.get(3).unwrap_or(&"");
    assert_eq!(caret.matches('^').count(), 12, "{caret}");
}

#[test]
fn export_diagnostics_match_the_terminal() {
    let (code, json) = export(&fixture("problems"));
    assert_eq!(code, 1);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), EXPECTED.len());
    for (d, (file, line, col, sev, msg, _)) in diags.iter().zip(EXPECTED) {
        assert_eq!(d["file"], *file);
        assert_eq!(d["line"], *line);
        assert_eq!(d["column"], *col);
        assert_eq!(d["severity"], *sev);
        assert!(d["message"].as_str().unwrap().starts_with(msg), "{d}");
    }
    // Notes with errors still appear as far as they could be read; unreadable ones not.
    let ids: Vec<&str> = json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["bad-yaml", "huadong-jiancai", "no-name", "typos", "values"]
    );
}

#[test]
fn export_is_the_contract() {
    let (code, json) = export(&fixture("small"));
    assert_eq!(code, 0);
    assert_eq!(json["today"], TODAY);
    let clients = json["clients"].as_array().unwrap();
    let ids: Vec<&str> = clients.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["harbor", "huadong", "prospect"],
        "sorted by id; README, _ and . skipped"
    );

    let hd = &clients[1];
    assert_eq!(hd["name"], "华东建材有限公司");
    assert_eq!(hd["file"], "wang/huadong.md");
    assert_eq!(hd["owner"], "王磊");
    assert_eq!(hd["tier"], "key");
    assert_eq!(hd["cadence"], "14d");
    // The 10-01 note does not count; last contact 11-02, due 11-16, so overdue.
    assert_eq!(hd["last_contact"], "2026-11-02");
    assert_eq!(hd["next_due"], "2026-11-16");
    assert_eq!(hd["days_since_contact"], 20);
    assert_eq!(hd["status"], "overdue");
    let entries = hd["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["date"], "2026-11-02");
    assert_eq!(
        entries[0]["kind"], "visit",
        "Chinese alias exported in English"
    );
    assert_eq!(entries[0]["people"][0], "王强");
    assert_eq!(entries[0]["summary"], "带了杭州的龙井");
    assert_eq!(entries[0]["line"], 28);
    assert_eq!(
        entries[1]["people"][0], "Lena Fischer",
        "@Lena resolves by prefix"
    );
    assert_eq!(entries[2]["kind"], "note");
    let f = hd["open_followups"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["date"], "2026-11-16");
    assert_eq!(f[0]["text"], "call — send quote");
    assert_eq!(f[0]["line"], 32);
    assert_eq!(f[1]["text"], "寄样品");

    let harbor = &clients[0];
    assert_eq!(harbor["cadence"], "1m");
    assert_eq!(harbor["next_due"], "2026-10-15");
    assert_eq!(
        harbor["open_followups"].as_array().unwrap().len(),
        0,
        "done follow-ups are not open"
    );

    let p = &clients[2];
    assert_eq!(p["status"], "never");
    assert_eq!(p["cadence"], "21d");
    for k in ["owner", "last_contact", "next_due", "days_since_contact"] {
        assert!(p[k].is_null(), "{k} should be null");
    }
    assert!(json["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn exit_codes() {
    assert_eq!(
        run(&[
            "check",
            fixture("small").to_str().unwrap(),
            "--today",
            TODAY
        ])
        .code,
        0
    );
    let r = run(&["check", "/no/such/folder"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no notes folder at /no/such/folder"));
    let r = run(&[
        "check",
        fixture("small").to_str().unwrap(),
        "--today",
        "2026/11/22",
    ]);
    assert_eq!(r.code, 2, "a bad --today is a usage error");
    assert!(r.stderr.contains("2026-11-22"), "{}", r.stderr);
}

#[test]
fn bad_configuration_stops_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&[
        "build",
        fixture("bad-config").to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    for want in [
        "touchbase.yaml:2:1: error: unknown setting `langauge`",
        "help: did you mean `language`?",
        "touchbase.yaml:3:11: error: unknown time zone `Mars/Olympus`",
        "touchbase.yaml:5:3: error: unknown setting `kye`",
        "touchbase.yaml:6:12: error: `soon` is not a cadence",
        "touchbase.yaml:8:3: error: unknown setting `shoe_size`",
        "nothing was done",
    ] {
        assert!(r.stderr.contains(want), "missing `{want}` in\n{}", r.stderr);
    }
    assert!(
        !dir.path().join("out").exists(),
        "nothing written on a bad configuration"
    );
}

#[test]
fn build_writes_every_good_note_and_a_problems_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let r = run(&[
        "build",
        fixture("problems").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 1, "errors exit 1 but the site is still built");
    for page in [
        "index.html",
        "clients.html",
        "problems.html",
        "assets/style.css",
        "clients/typos.html",
        "clients/values.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let problems = fs::read_to_string(out.join("problems.html")).unwrap();
    assert!(problems.contains("unknown kind `vist`"));
    assert!(problems.contains("gbk.md"));
    let page = fs::read_to_string(out.join("clients/typos.html")).unwrap();
    assert!(page.contains("This note has problems"));
    assert!(
        !dir.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with('.')),
        "no staging folder left behind"
    );
}

#[test]
fn same_notes_same_today_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let r = run(&[
            "build",
            fixture("small").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert_eq!(read_tree(&a), read_tree(&b));
}

#[test]
fn notes_cannot_run_code_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let r = run(&[
        "build",
        fixture("hostile").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages = read_tree(&out);
    assert!(pages.iter().any(|(p, _)| p.starts_with("clients/")));
    for (path, bytes) in &pages {
        assert!(!path.contains(".."), "{path}");
        if path.ends_with(".ics") {
            // Calendar feeds are plain text (text/calendar): a browser never runs them.
            continue;
        }
        let html = String::from_utf8_lossy(bytes).to_lowercase();
        // Our own script, and nothing else, may be loaded.
        let html = html
            .replace("<script src=\"../assets/app.js\"></script>", "")
            .replace("<script src=\"assets/app.js\"></script>", "");
        for bad in ["<script", "<iframe", "<img", "<object", "<embed"] {
            assert!(!html.contains(bad), "`{bad}` in {path}");
        }
        // No event handler on any real tag (text has `<` escaped, so `<` starts a tag).
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            // Attribute values are quoted (and escaped): leave them out.
            let tag: String = tag.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
            for word in tag.split_whitespace().skip(1) {
                assert!(
                    !(word.starts_with("on") && word.contains('=')),
                    "handler `{word}` in {path}"
                );
            }
        }
        // Such words may stay as text, never as a link target.
        for attr in ["href=", "src=", "action="] {
            for part in html.split(attr).skip(1) {
                let target = part.trim_start_matches(['"', '\'']).trim_start();
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(!target.starts_with(scheme), "{attr}{scheme} in {path}");
                }
            }
        }
    }
    // What was written is still shown, as text.
    let page = pages
        .iter()
        .find(|(p, _)| p.starts_with("clients/"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;&#x2F;script&gt; Evil &amp; Co")
            || page.contains("&lt;script&gt;"),
        "{page}"
    );
}

#[test]
fn personal_data_is_masked_unless_shown() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert_eq!(
        run(&[
            "build",
            fixture("small").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY
        ])
        .code,
        0
    );
    let page = fs::read_to_string(out.join("clients/huadong.html")).unwrap();
    for secret in ["138 0013 8000", "139 1111 2222", "wangqiang_88", "1975"] {
        assert!(!page.contains(secret), "`{secret}` leaked");
    }
    assert!(page.contains("+86 ••• •••• 8000"));
    assert!(page.contains("11-28"), "birthday without the year");

    let notes = copy_fixture("small", dir.path());
    fs::write(
        notes.join("touchbase.yaml"),
        "privacy:\n  show: [phone, wechat, birth_year]\n",
    )
    .unwrap();
    let out2 = dir.path().join("site2");
    assert_eq!(
        run(&[
            "build",
            notes.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
            "--today",
            TODAY
        ])
        .code,
        0
    );
    let page = fs::read_to_string(out2.join("clients/huadong.html")).unwrap();
    for shown in ["+86 138 0013 8000", "wangqiang_88", "1975-11-28"] {
        assert!(page.contains(shown), "`{shown}` not shown");
    }
}

#[test]
fn a_failed_build_leaves_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let notes = copy_fixture("small", dir.path());
    assert_eq!(
        run(&[
            "build",
            notes.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY
        ])
        .code,
        0
    );
    let before = read_tree(&out);
    fs::create_dir_all(notes.join("templates")).unwrap();
    fs::write(notes.join("templates/client.html"), "{% extends \"base.html\" %}{% block content %}{{ c.name | nosuchfilter }}{% endblock content %}").unwrap();
    let r = run(&[
        "build",
        notes.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nosuchfilter"), "{}", r.stderr);
    assert_eq!(read_tree(&out), before);
}

#[test]
fn templates_can_be_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let notes = copy_fixture("small", dir.path());
    fs::create_dir_all(notes.join("templates")).unwrap();
    fs::write(notes.join("templates/index.html"), "{% extends \"base.html\" %}{% block content %}<p>Hello {{ t.nav_clients }} {{ d.cards | length }}</p>{% endblock content %}").unwrap();
    fs::write(
        notes.join("templates/style.css"),
        "body { color: rebeccapurple }",
    )
    .unwrap();
    let out = dir.path().join("site");
    let r = run(&[
        "build",
        notes.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("using your template index.html"));
    assert!(
        fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("<p>Hello Clients 5</p>")
    );
    assert_eq!(
        fs::read_to_string(out.join("assets/style.css")).unwrap(),
        "body { color: rebeccapurple }"
    );
}

#[test]
fn refuses_to_overwrite_a_folder_it_did_not_build() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("precious");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("thesis.txt"), "years of work").unwrap();
    let r = run(&[
        "build",
        fixture("small").to_str().unwrap(),
        "--out",
        precious.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not built by touchbase"));
    assert_eq!(
        fs::read_to_string(precious.join("thesis.txt")).unwrap(),
        "years of work"
    );
    let notes = copy_fixture("small", dir.path());
    let r = run(&[
        "build",
        notes.to_str().unwrap(),
        "--out",
        notes.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn chinese_markdown_and_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert_eq!(
        run(&[
            "build",
            fixture("small").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY,
            "--lang",
            "zh"
        ])
        .code,
        0
    );
    let page = fs::read_to_string(out.join("clients/huadong.html")).unwrap();
    assert!(
        page.contains("<strong>重点：</strong>客户"),
        "CJK emphasis repaired"
    );
    assert!(page.contains("<strong>采购计划</strong>"));
    assert!(page.contains("<html lang=\"zh-CN\">"));
    for zh in ["联系记录", "跟进事项", "已逾期", "拜访"] {
        assert!(page.contains(zh), "{zh}");
    }
    for en in [">Contact log<", ">Follow-ups<", ">Dashboard<"] {
        assert!(!page.contains(en), "English `{en}` on a Chinese page");
    }
}

#[test]
fn example_notes_build_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    let r = run(&[
        "build",
        notes.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The example notes are a Chinese team's: the summary speaks their language.
    assert!(r.stderr.contains("0 个错误，0 个警告"), "{}", r.stderr);
    let clients = fs::read_dir(out.join("clients")).unwrap().count();
    assert!(clients >= 12, "{clients}");
    let (_, json) = export(&notes);
    let statuses: Vec<&str> = json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    for s in ["ok", "due", "overdue", "never"] {
        assert!(statuses.contains(&s), "example notes show a `{s}` client");
    }
}

#[test]
fn every_link_in_the_site_resolves() {
    let dir = common::build_site("example-notes", "en");
    let out = dir.path().join("site");
    let mut checked = 0;
    for (rel, bytes) in read_tree(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let base = out.join(&rel);
        let folder = base.parent().unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let target = part.split('"').next().unwrap_or("").replace("&#x2F;", "/");
                if target.starts_with("http")
                    || target.starts_with("mailto:")
                    || target.starts_with('#')
                    || target.is_empty()
                {
                    continue;
                }
                let path = target.split(['#', '?']).next().unwrap_or("");
                assert!(folder.join(path).is_file(), "{rel}: broken link {target}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
    // Every fixed page (the routes table) is written and is in the navigation of every
    // page; HTML pages are the routes, the clients and the reps, no more.
    use touchbase::render::site::{ROUTES, page_count};
    let tree = read_tree(&out);
    for route in ROUTES {
        assert!(out.join(route.path).is_file(), "{} written", route.path);
    }
    for (rel, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let root = if rel.contains('/') { "../" } else { "" };
        for route in ROUTES {
            assert!(
                html.contains(&format!("<li><a href=\"{root}{}\"", route.path)),
                "{rel}: {} in the navigation",
                route.path
            );
        }
    }
    let count = |dir: &str| {
        tree.iter()
            .filter(|(p, _)| p.starts_with(dir) && p.ends_with(".html"))
            .count()
    };
    assert_eq!(
        tree.iter().filter(|(p, _)| p.ends_with(".html")).count(),
        page_count(count("clients/"), count("reps/"))
    );
}

#[test]
fn chinese_site_has_no_untranslated_labels() {
    use touchbase::config::Lang;
    use touchbase::render::i18n::table;
    let dir = common::build_site("example-notes", "zh");
    let out = dir.path().join("site");
    let (en, zh) = (table(Lang::En), table(Lang::Zh));
    // English labels that differ from their Chinese ones, as whole element texts.
    let english: Vec<String> = en
        .iter()
        .filter(|(k, v)| zh.get(*k) != Some(*v) && v.chars().any(|c| c.is_ascii_alphabetic()))
        .map(|(_, v)| format!(">{}<", v.replace('&', "&amp;")))
        .collect();
    let mut pages = 0;
    for (rel, bytes) in read_tree(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let mut html = String::from_utf8_lossy(&bytes).into_owned();
        // What the notes themselves say (background, the log) may be in any language.
        for start in [
            "<section aria-labelledby=\"background-h\" class=\"prose\">",
            "<ol class=\"log\">",
        ] {
            if let Some(a) = html.find(start)
                && let Some(len) = html.get(a..).and_then(|rest| rest.find("</section>"))
            {
                html.replace_range(a..a + len, "");
            }
        }
        for label in &english {
            assert!(
                !html.contains(label.as_str()),
                "{rel}: untranslated {label}"
            );
        }
        for phrase in [
            "days overdue",
            "due in ",
            " days ago",
            "every ",
            "Never contacted",
            "On track",
        ] {
            assert!(!html.contains(phrase), "{rel}: untranslated `{phrase}`");
        }
    }
    assert!(pages >= 20);
}

/// Notes enough for a build of over half a second (a debug binary), in a temp folder.
fn many_notes(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let mut text = format!("---\nname: Client {i}\nowner: Rep {}\n---\n", i % 7);
        for d in 1..=20 {
            text.push_str(&format!(
                "\n## 2026-10-{d:02} call — talk {d}\n\nSome words about the call.\n"
            ));
        }
        fs::write(dir.path().join(format!("c{i:05}.md")), text).unwrap();
    }
    dir
}

#[test]
fn a_long_build_shows_progress_on_a_terminal_and_never_when_piped() {
    // Progress shows from the start (`TOUCHBASE_PROGRESS_AFTER=0`; a build long enough
    // for the usual half second is a test that passes or not with the machine's speed),
    // and the build is long enough for its first look, 50 ms in.
    let clients = 1500;
    let notes = many_notes(clients);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let args = [
        "build",
        notes.path().to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    // Piped (this test's stderr): one summary line, no progress, even from the start.
    let piped = touchbase()
        .args(args)
        .env("TOUCHBASE_PROGRESS_AFTER", "0")
        .output()
        .unwrap();
    let piped = Run {
        code: piped.status.code().unwrap_or(-1),
        stdout: String::from_utf8(piped.stdout).unwrap(),
        stderr: String::from_utf8(piped.stderr).unwrap(),
    };
    assert_eq!(piped.code, 0, "{}", piped.stderr);
    assert!(
        !piped.stderr.contains("writing pages") && !piped.stderr.contains('\r'),
        "{:?}",
        piped.stderr
    );
    // On a terminal (`script` gives the build one): the count, then wiped.
    let script = common::require(
        "script (util-linux)",
        ["/usr/bin/script", "/bin/script"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file()),
    );
    let Some(script) = script else { return };
    let bin = assert_cmd::cargo::cargo_bin("touchbase");
    // `--force`: the site is already built, and a build that writes nothing is quick.
    let line = std::iter::once(bin.to_str().unwrap())
        .chain(args)
        .chain(["--force"])
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let tty = std::process::Command::new(script)
        .args(["-qec", &line, "/dev/null"])
        .env_remove("TOUCHBASE_TIMINGS")
        .env("TOUCHBASE_PROGRESS_AFTER", "0")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{shown}");
    assert!(shown.contains("\rwriting pages "), "{shown:?}");
    // The clients, 7 reps and the 8 fixed pages.
    let pages = clients + 15;
    assert!(
        shown.contains(&format!("/{pages}")),
        "the total is the page count: {shown:?}"
    );
    assert!(shown.contains("\r\u{1b}[K"), "the line is wiped: {shown:?}");
    assert!(shown.contains(&format!("wrote {pages} pages")), "{shown:?}");
}

#[test]
fn man_writes_a_page_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let r = run(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let commands = [
        "build",
        "check",
        "export",
        "due",
        "new",
        "log",
        "done",
        "init",
        "schema",
        "completions",
        "man",
        "serve",
    ];
    for c in commands {
        let page = fs::read_to_string(out.join(format!("touchbase-{c}.1")))
            .unwrap_or_else(|e| panic!("touchbase-{c}.1: {e}"));
        assert!(page.contains(&format!(".TH touchbase-{c} 1")), "{c}");
        assert!(
            page.contains(&format!("touchbase\\-{c} \\- ")),
            "{c}: no NAME line"
        );
    }
    // Options are on their command's page, and only there.
    let serve = fs::read_to_string(out.join("touchbase-serve.1")).unwrap();
    let build = fs::read_to_string(out.join("touchbase-build.1")).unwrap();
    assert!(serve.contains("\\-\\-port") && !build.contains("\\-\\-port"));
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), commands.len() + 1, "{names:?}");
    assert!(out.join("touchbase.1").is_file());
    assert!(r.stderr.contains("wrote 13 man pages"), "{}", r.stderr);
    // Without --out: the main page on stdout, as before.
    let r = run(&["man"]);
    assert!(r.stdout.contains(".TH TOUCHBASE 1"), "{}", r.stdout);
}
