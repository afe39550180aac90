//! Never leak: nothing from outside the notes folder reaches the site or the export
//! (links, pipes, the environment), personal data is masked as people really write it,
//! and every page carries a Content-Security-Policy.
//!
//! Each test runs the real binary. `TOUCHBASE_BIN=/path/to/touchbase` runs them against
//! another build instead (how they were shown to fail on the code before the fix).

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

mod common;

const TODAY: &str = "2026-11-22";
const SECRET: &str = "s3cr3t-9f2c71d0e4";

fn touchbase() -> Command {
    let mut cmd = match std::env::var_os("TOUCHBASE_BIN") {
        Some(bin) => Command::new(bin),
        None => Command::cargo_bin("touchbase").unwrap(),
    };
    cmd.env_remove("NO_COLOR")
        .env_remove("TOUCHBASE_TIMINGS")
        .env("TOUCHBASE_TEST_SECRET", SECRET)
        // A pipe read by mistake would hang: fail instead.
        .timeout(Duration::from_secs(60));
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
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn build(notes: &Path, out: &Path) -> Run {
    run(&[
        "build",
        notes.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ])
}

fn export(notes: &Path) -> Run {
    run(&[
        "export",
        notes.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        TODAY,
    ])
}

/// A small notes folder (one good client) inside `dir`, and a folder beside it that is
/// "outside".
fn notes_folder(dir: &Path) -> (PathBuf, PathBuf) {
    let notes = dir.join("notes");
    let outside = dir.join("outside");
    fs::create_dir_all(&notes).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        notes.join("good.md"),
        "---\nname: Good Client\nowner: Wang\ntier: key\n---\n\n## 2026-11-10 call — fine\n",
    )
    .unwrap();
    (notes, outside)
}

/// Every file under `root`, as (relative path, bytes).
fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// `needle` is in no file of the built site (and the site has its pages).
fn assert_not_in_site(site: &Path, needle: &str) {
    let all = files(site);
    assert!(
        all.iter().any(|(rel, _)| rel == "index.html"),
        "no site at {}",
        site.display()
    );
    for (rel, bytes) in &all {
        assert!(!contains(bytes, needle), "`{needle}` is in {rel}");
    }
}

/// Build and export `notes`; the good client is there, `needle` nowhere, and the
/// warnings (stderr of both, and the export's diagnostics) name every one of `names`.
fn assert_kept_out(notes: &Path, out: &Path, needle: &str, names: &[&str]) {
    let b = build(notes, out);
    assert_not_in_site(out, needle);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(out.join("clients/good.html").is_file(), "{}", b.stderr);
    assert!(!b.stderr.contains(needle), "{}", b.stderr);
    let problems = fs::read_to_string(out.join("problems.html")).unwrap();
    let e = export(notes);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert!(!e.stdout.contains(needle), "export: {}", e.stdout);
    assert!(!e.stderr.contains(needle), "{}", e.stderr);
    for name in names {
        let warning = format!("{name}: warning: skipped");
        assert!(b.stderr.contains(&warning), "build: {name}: {}", b.stderr);
        assert!(e.stderr.contains(&warning), "export: {name}: {}", e.stderr);
        let json: serde_json::Value = serde_json::from_str(&e.stdout).unwrap();
        let warned = json["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["file"] == *name
                && d["severity"] == "warning"
                && d["message"].as_str().unwrap().starts_with("skipped: ")
        });
        assert!(warned, "export: {name}: {}", json["diagnostics"]);
        let shown = format!("<code>{name}</code>");
        assert!(problems.contains(&shown), "problems.html: {name}");
    }
}

#[test]
fn a_note_linked_to_the_environment_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, _) = notes_folder(dir.path());
    symlink("/proc/self/environ", notes.join("env.md")).unwrap();
    fs::create_dir_all(notes.join("wang")).unwrap();
    symlink("/proc/self/environ", notes.join("wang/deep-env.md")).unwrap();
    assert_kept_out(
        &notes,
        &dir.path().join("site"),
        SECRET,
        &["env.md", "wang/deep-env.md"],
    );
}

#[test]
fn a_note_linked_outside_and_a_linked_folder_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, outside) = notes_folder(dir.path());
    let marker = "MARKER-OUTSIDE-NOTE-5521";
    fs::write(
        outside.join("other.md"),
        format!("---\nname: {marker}\nphone: {marker}\n---\n{marker}\n## 2026-13-01 {marker}\n"),
    )
    .unwrap();
    fs::create_dir_all(outside.join("more")).unwrap();
    fs::write(
        outside.join("more/x.md"),
        format!("---\nname: {marker}\n---\n"),
    )
    .unwrap();
    symlink(outside.join("other.md"), notes.join("other.md")).unwrap();
    symlink("../outside/more", notes.join("more")).unwrap();
    // A link to a folder that leads outside, by a relative path, one level down.
    fs::create_dir_all(notes.join("chen")).unwrap();
    symlink("../../outside/more", notes.join("chen/more")).unwrap();
    assert_kept_out(
        &notes,
        &dir.path().join("site"),
        marker,
        &["other.md", "more", "chen/more"],
    );
}

#[test]
fn templates_linked_outside_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, outside) = notes_folder(dir.path());
    let marker = "MARKER-OUTSIDE-STYLE-7730";
    fs::write(outside.join("style.css"), format!("/* {marker} */")).unwrap();
    fs::write(
        outside.join("client.html"),
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}{marker}{{% endblock content %}}"
        ),
    )
    .unwrap();
    fs::create_dir_all(notes.join("templates")).unwrap();
    symlink(outside.join("style.css"), notes.join("templates/style.css")).unwrap();
    symlink(
        "../../outside/client.html",
        notes.join("templates/client.html"),
    )
    .unwrap();
    let out = dir.path().join("site");
    assert_kept_out(
        &notes,
        &out,
        marker,
        &["templates/client.html", "templates/style.css"],
    );
    // The built-in stylesheet is used instead.
    let css = fs::read_to_string(out.join("assets/style.css")).unwrap();
    assert!(css.contains("--accent"), "{css}");
}

#[test]
fn a_templates_folder_linked_outside_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, outside) = notes_folder(dir.path());
    let marker = "MARKER-OUTSIDE-TEMPLATES-3391";
    fs::create_dir_all(outside.join("tpl")).unwrap();
    fs::write(outside.join("tpl/style.css"), format!("/* {marker} */")).unwrap();
    fs::write(
        outside.join("tpl/index.html"),
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}{marker}{{% endblock content %}}"
        ),
    )
    .unwrap();
    symlink("../outside/tpl", notes.join("templates")).unwrap();
    assert_kept_out(&notes, &dir.path().join("site"), marker, &["templates"]);
}

#[test]
fn a_configuration_linked_outside_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, outside) = notes_folder(dir.path());
    let marker = "MARKER-OUTSIDE-CONFIG-8812";
    fs::write(outside.join("touchbase.yaml"), format!("{marker}: x\n")).unwrap();
    symlink(outside.join("touchbase.yaml"), notes.join("touchbase.yaml")).unwrap();
    let out = dir.path().join("site");
    let b = build(&notes, &out);
    assert_eq!(b.code, 2, "{}", b.stderr);
    assert!(!b.stderr.contains(marker), "{}", b.stderr);
    assert!(
        b.stderr.contains("touchbase.yaml: error: not read"),
        "{}",
        b.stderr
    );
    assert!(!out.exists());
    // The environment, likewise.
    fs::remove_file(notes.join("touchbase.yaml")).unwrap();
    symlink("/proc/self/environ", notes.join("touchbase.yaml")).unwrap();
    let e = export(&notes);
    assert_eq!(e.code, 2, "{}", e.stderr);
    assert!(!e.stderr.contains(SECRET) && !e.stdout.contains(SECRET));
    assert!(e.stderr.contains("touchbase.yaml: error: not read"));
}

#[test]
fn a_pipe_or_device_named_like_a_note_is_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, _) = notes_folder(dir.path());
    let fifo = notes.join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    fs::create_dir_all(notes.join("templates")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(notes.join("templates/style.css"))
        .status()
        .unwrap();
    assert!(made.success());
    // A link (inside the folder) to a device.
    symlink("/dev/zero", notes.join("zero.md")).unwrap();
    assert_kept_out(
        &notes,
        &dir.path().join("site"),
        SECRET,
        &["pipe.md", "templates/style.css", "zero.md"],
    );
}

#[test]
fn a_link_to_a_note_inside_the_folder_is_read() {
    // The chosen rule: a link whose target is a regular file inside the notes folder is
    // read like that file, under the link's own name; links to folders never are.
    let dir = tempfile::tempdir().unwrap();
    let (notes, _) = notes_folder(dir.path());
    fs::create_dir_all(notes.join("_drafts")).unwrap();
    fs::write(
        notes.join("_drafts/linked.md"),
        "---\nname: Linked Client\n---\n\n## 2026-11-01 visit — hello\n",
    )
    .unwrap();
    symlink("_drafts/linked.md", notes.join("linked.md")).unwrap();
    fs::create_dir_all(notes.join("team")).unwrap();
    fs::write(
        notes.join("team/inner.md"),
        "---\nname: Inner Client\n---\n",
    )
    .unwrap();
    symlink("team", notes.join("team-again")).unwrap();
    let out = dir.path().join("site");
    let b = build(&notes, &out);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let page = fs::read_to_string(out.join("clients/linked.html")).unwrap();
    assert!(page.contains("Linked Client"));
    assert!(out.join("clients/inner.html").is_file());
    assert!(
        b.stderr
            .contains("team-again: warning: skipped: it is a link to a folder"),
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains("checked 3 notes"), "{}", b.stderr);
}

#[test]
fn templates_cannot_read_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, _) = notes_folder(dir.path());
    fs::create_dir_all(notes.join("templates")).unwrap();
    // Every way of calling it: with a default, in a filter chain, in a set.
    for (i, call) in [
        "{{ get_env(name=\"TOUCHBASE_TEST_SECRET\") }}",
        "{{ get_env(name=\"TOUCHBASE_TEST_SECRET\", default=\"\") }}",
        "{% set s = get_env(name=\"TOUCHBASE_TEST_SECRET\") %}{{ s | upper | lower }}",
    ]
    .iter()
    .enumerate()
    {
        fs::write(
            notes.join("templates/client.html"),
            format!("{{% extends \"base.html\" %}}{{% block content %}}<p>{call}</p>{{% endblock content %}}"),
        )
        .unwrap();
        let out = dir.path().join(format!("site{i}"));
        let b = build(&notes, &out);
        assert!(!b.stderr.contains(SECRET), "{}", b.stderr);
        assert!(!b.stdout.contains(SECRET), "{}", b.stdout);
        assert_eq!(b.code, 2, "{call}: {}", b.stderr);
        assert!(
            b.stderr.contains("templates cannot read the environment"),
            "{call}: {}",
            b.stderr
        );
        assert!(!out.exists(), "a failed build writes nothing");
    }
}

/// A client with personal data in every shape people write it, in the client and in its
/// people, and the raw values, none of which may appear masked.
const PERSONAL: &str = r#"---
name: 隐私测试公司
owner: 王磊
tier: key
address: 上海市浦东新区公司路8号
phone: +86 139 1111 2001 (mobile)
mobile: １３９２２２２２００２
手机: 139-3333-2003 / 021 5555 2004
电话: 13944442005, 13955552006
tel: 021-66662007
email: a.first@x.com, b.second@y.com
e-mail: c.third@z.com
邮箱: d.fourth@w.com
微信: zhang_wx_3008
wx: li_wx_3009
wechat: wang_wx_3010, wang_alt_3011
phnoe: 13966662012
people:
  - name: 刘建国
    role: decision-maker
    birthday: 1968-11-26
    phone: 13977772013 / 13988882014
    手机: １３９９９９９２０１５
    电话: +86 139 1212 2016
    mobile: 139-1313-2017
    微信: liu_jianguo_2018
    e-mail: jianguo.liu@corp.cn
    邮箱: "jg.liu@home.cn, liu.jg@qq.com"
    family: 妻子李梅FAMILYPROBE
    likes: 高尔夫LIKESPROBE
    notes: 注意NOTESPROBE
    address: 上海市ADDRPROBE路1号
    phnoe: 13910102019
    emial: typo.mail@x.cn
    wehcat: typo_wechat_2020
  - {name: 王强, phnoe: 13920202021, 微信: wq_inline_2022}
---

## 2026-11-12 visit @刘建国 — 报价
"#;

/// Each value as written (and so as shown when `privacy.show` lists it), with the kind
/// of data it is.
const WRITTEN: [(&str, &str); 35] = [
    ("phone", "139 1111 2001"),
    ("phone", "１３９２２２２２００２"),
    ("phone", "139-3333-2003"),
    ("phone", "021 5555 2004"),
    ("phone", "13944442005"),
    ("phone", "13955552006"),
    ("phone", "021-66662007"),
    ("email", "a.first@x.com"),
    ("email", "b.second@y.com"),
    ("email", "c.third@z.com"),
    ("email", "d.fourth@w.com"),
    ("wechat", "zhang_wx_3008"),
    ("wechat", "li_wx_3009"),
    ("wechat", "wang_wx_3010"),
    ("wechat", "wang_alt_3011"),
    ("phone", "13966662012"),
    ("phone", "13977772013"),
    ("phone", "13988882014"),
    ("phone", "１３９９９９９２０１５"),
    ("phone", "139 1212 2016"),
    ("phone", "139-1313-2017"),
    ("wechat", "liu_jianguo_2018"),
    ("email", "jianguo.liu@corp.cn"),
    ("email", "jg.liu@home.cn"),
    ("email", "liu.jg@qq.com"),
    ("family", "FAMILYPROBE"),
    ("likes", "LIKESPROBE"),
    ("notes", "NOTESPROBE"),
    ("address", "ADDRPROBE"),
    ("phone", "13910102019"),
    ("email", "typo.mail@x.cn"),
    ("wechat", "typo_wechat_2020"),
    ("phone", "13920202021"),
    ("wechat", "wq_inline_2022"),
    ("birth_year", "1968-11-26"),
];

/// Forms a half-done mask could leave behind (full-width digits read as ASCII, the
/// middle of a number).
const ALSO_HIDDEN: [&str; 6] = [
    "13922222002",
    "13999992015",
    "1111 2001",
    "3333-2003",
    "1212 2016",
    "1313-2017",
];

fn personal_notes(dir: &Path, config: Option<&str>) -> PathBuf {
    let (notes, _) = notes_folder(dir);
    fs::write(notes.join("privacy.md"), PERSONAL).unwrap();
    if let Some(c) = config {
        fs::write(notes.join("touchbase.yaml"), c).unwrap();
    }
    notes
}

/// The site's files and the export, as one list of (name, text).
fn outputs(notes: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let b = build(notes, out);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let e = export(notes);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let mut all = files(out);
    all.push(("export".into(), e.stdout.into_bytes()));
    all
}

fn found_in<'a>(all: &'a [(String, Vec<u8>)], needle: &str) -> Vec<&'a str> {
    all.iter()
        .filter(|(_, b)| contains(b, needle))
        .map(|(n, _)| n.as_str())
        .collect()
}

#[test]
fn personal_data_is_masked_as_people_write_it() {
    let dir = tempfile::tempdir().unwrap();
    let notes = personal_notes(dir.path(), None);
    let out = dir.path().join("site");
    let all = outputs(&notes, &out);
    for needle in WRITTEN.iter().map(|(_, w)| *w).chain(ALSO_HIDDEN) {
        let at = found_in(&all, needle);
        assert!(at.is_empty(), "`{needle}` is in {at:?}");
    }
    // Masked, not lost: the last four digits of each number, a letter of each address.
    let page = fs::read_to_string(out.join("clients/privacy.html")).unwrap();
    for masked in [
        "+86 ••• •••• 2001",
        "•••••••2002",
        "•••-••••-2003 / ••• •••• 2004",
        "•••••••2005 / •••••••2006",
        "a•••@x.com / b•••@y.com",
        "zh•••8",
        "•••••••2012",
        "•••••••2013 / •••••••2014",
        "j•••@home.cn / l•••@qq.com",
        "上海市浦东新区公司路8号",
    ] {
        assert!(page.contains(masked), "`{masked}` is not on the page");
    }
    // The problems page quotes the typo's line, its number masked.
    let problems = fs::read_to_string(out.join("problems.html")).unwrap();
    assert!(problems.contains("unknown key `phnoe`"), "{problems}");
    assert!(problems.contains("phnoe: •••"), "{problems}");
}

#[test]
fn personal_data_is_shown_when_configured() {
    // The control: with everything shown, every probe above is found somewhere, so the
    // test above could see a leak.
    let dir = tempfile::tempdir().unwrap();
    let notes = personal_notes(dir.path(), Some("privacy: show\n"));
    let all = outputs(&notes, &dir.path().join("site"));
    for (_, needle) in WRITTEN {
        assert!(!found_in(&all, needle).is_empty(), "`{needle}` not shown");
    }
    let problems = fs::read_to_string(dir.path().join("site/problems.html")).unwrap();
    assert!(problems.contains("phnoe: 13966662012"), "{problems}");

    // Phones only: the phones are shown, nothing else is.
    let dir = tempfile::tempdir().unwrap();
    let notes = personal_notes(dir.path(), Some("privacy:\n  show: [phone]\n"));
    let all = outputs(&notes, &dir.path().join("site"));
    for (kind, needle) in WRITTEN {
        let at = found_in(&all, needle);
        assert_eq!(
            kind == "phone",
            !at.is_empty(),
            "`{needle}` ({kind}): {at:?}"
        );
    }
}

const CSP_META: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'\">";

#[test]
fn every_page_carries_the_content_security_policy() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    let dir = tempfile::tempdir().unwrap();
    let personal = personal_notes(dir.path(), None);
    for (notes, lang) in [(&example, "en"), (&example, "zh"), (&personal, "en")] {
        let out = dir
            .path()
            .join(format!("site-{lang}-{}", notes.display().to_string().len()));
        let b = run(&[
            "build",
            notes.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--today",
            TODAY,
            "--lang",
            lang,
        ]);
        assert!(b.code <= 1, "{}", b.stderr);
        let pages = common::html_files(&out);
        assert!(pages.len() > 5, "{}", pages.len());
        for page in pages {
            let html = fs::read_to_string(&page).unwrap();
            let name = page.display();
            assert_eq!(html.matches(CSP_META).count(), 1, "{name}: no CSP meta");
            // Before anything it governs is loaded.
            let at = html.find(CSP_META).unwrap();
            for tag in ["<link", "<script", "<style", "<img", "<svg"] {
                assert!(html.find(tag).is_none_or(|t| t > at), "{name}: {tag} first");
            }
            // Nothing the policy would refuse: no inline style or script, no handlers.
            assert!(!html.contains(" style=\""), "{name}: inline style");
            assert!(!html.contains("<style"), "{name}: style element");
            assert!(!html.contains("<script>"), "{name}: inline script");
            assert_eq!(
                html.matches("<script").count(),
                html.matches("<script src=\"").count(),
                "{name}"
            );
            let handler = html.match_indices(" on").any(|(i, _)| {
                let rest = html.get(i + 3..).unwrap_or("");
                let word: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
                !word.is_empty() && rest.get(word.len()..).is_some_and(|r| r.starts_with("=\""))
            });
            assert!(!handler, "{name}: an on…= handler");
        }
    }
}

/// What a review found still leaking, each shape as its own note: a YAML alias copying a
/// private value under a public key; full-width colons, YAML errors and continuation lines
/// quoted on the problems page; a long line whose excerpt cut off its key; keys people
/// use that named no private field (`contacts`, `hp`, `老婆`).
#[test]
fn private_values_stay_masked_however_they_reach_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let (notes, _) = notes_folder(dir.path());
    let note = |name: &str, text: &str| fs::write(notes.join(name), text).unwrap();
    note(
        "alias.md",
        "---\nname: Alias Ltd\nowner: b\nphone: &p 13911112222\nindustry: *p\npeople:\n  - name: W\n    wechat: &w wxSECRETHANDLE\n    title: *w\n    email: &e aa@secret-one.com\n    role: *e\n---\n## 2026-01-01 call — x\n",
    );
    note(
        "colon.md",
        "---\nname: Colon Ltd\nphone：13922223333\n手机：13922224444\n---\n## 2026-01-01 call — x\n",
    );
    note(
        "yamlerr.md",
        "---\nname: Err Ltd\npeople:\n  - name: W\n    mobile phone 13977778888\n---\n## 2026-01-01 call — x\n",
    );
    note(
        "cont.md",
        "---\nname: Cont Ltd\npeople:\n  - name: W\n    notes: \"SECRETNOTE\n      tel 13933334444 \\x\"\n---\n## 2026-01-01 call — x\n",
    );
    let long = "a".repeat(250);
    note(
        "long.md",
        &format!(
            "---\nname: Long Ltd\npeople:\n  - name: W\n    notes: \"{long} wife SECRETWIFE phone 13912340000 \\x\"\n    birthday: {} born 1968 wife SECRETSPOUSE tel 13912341111\n---\n## 2026-01-01 call — x\n",
            "x".repeat(200)
        ),
    );
    note(
        "keys.md",
        "---\nname: Keys Ltd\ncontacts: 13922225555\nhp: 13933336666\n老婆: SECRETLAOPO\npeople:\n  - name: W\n    太太: SECRETTAITAI\n    家属: SECRETJIASHU\n    hp: 13944447777\n---\n## 2026-01-01 call — x\n",
    );
    let out = dir.path().join("site");
    let b = build(&notes, &out);
    assert!(b.code <= 1, "{}", b.stderr);
    let e = export(&notes);
    let mut all = files(&out);
    all.push(("export".into(), e.stdout.into_bytes()));
    for needle in [
        "13911112222",
        "wxSECRETHANDLE",
        "aa@secret-one.com",
        "13922223333",
        "13922224444",
        "13977778888",
        "13933334444",
        "SECRETWIFE",
        "13912340000",
        "SECRETSPOUSE",
        "13912341111",
        "13922225555",
        "13933336666",
        "SECRETLAOPO",
        "SECRETTAITAI",
        "SECRETJIASHU",
        "13944447777",
    ] {
        let at = found_in(&all, needle);
        assert!(at.is_empty(), "`{needle}` is in {at:?}");
    }
    // Control: the probe sees what the pages do show, and the alias is reported.
    assert!(!found_in(&all, "Keys Ltd").is_empty());
    assert!(
        !found_in(&all, "7777").is_empty(),
        "a masked phone keeps its last four"
    );
    let problems = fs::read_to_string(out.join("problems.html")).unwrap();
    assert!(
        problems.contains("anchors and aliases"),
        "the alias is an error"
    );
    assert!(problems.contains("yamlerr.md"), "the YAML error is listed");
}
