//! Rebuilds touch only what changed (issue 13): a rebuild over a previous site links
//! every file whose bytes did not change (same inode, same mtime) and writes only the
//! others; nothing odd in the previous site (a symlink, a socket) is ever linked.
//! Files are reused on Linux only (elsewhere every file is written). Every build here
//! is `--force`d: without it, a build whose inputs did not change writes nothing at
//! all (`tests/fresh.rs`), and these tests are about the builds that do write.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;
use common::example_copy;

const TODAY: &str = "2026-11-22";

/// The binary under test; `TOUCHBASE_TEST_BIN` runs these tests against another one.
fn bin() -> PathBuf {
    std::env::var_os("TOUCHBASE_TEST_BIN")
        .map_or_else(|| assert_cmd::cargo::cargo_bin("touchbase"), PathBuf::from)
}

/// Build `notes` into `out` (`--force`: every page rendered); the summary line.
fn build(notes: &Path, out: &Path, today: &str, lang: &str) -> String {
    let r = Command::new(bin())
        .env_remove("TOUCHBASE_TIMINGS")
        .args(["build", "--force"])
        .arg(notes)
        .arg("--out")
        .arg(out)
        .args(["--today", today, "--lang", lang])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr).into_owned();
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    stderr.lines().last().unwrap_or_default().to_string()
}

/// Every file of a site, marker included: its (inode, mtime in ns) and its bytes.
type Tree = BTreeMap<String, ((u64, i64), Vec<u8>)>;

fn tree(root: &Path) -> Tree {
    let mut files = Tree::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let m = fs::symlink_metadata(entry.path()).unwrap();
        if m.is_file() {
            let rel = entry.path().strip_prefix(root).unwrap();
            let stamp = m.mtime() * 1_000_000_000 + m.mtime_nsec();
            let bytes = fs::read(entry.path()).unwrap();
            files.insert(
                rel.to_string_lossy().into_owned(),
                ((m.ino(), stamp), bytes),
            );
        }
    }
    files
}

/// The files whose (inode, mtime) changed from `a` to `b`, and those whose bytes did.
fn changes(a: &Tree, b: &Tree) -> (Vec<String>, Vec<String>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let mut new_inode = Vec::new();
    let mut new_bytes = Vec::new();
    for (rel, (id, bytes)) in a {
        let (id2, bytes2) = &b[rel];
        if id != id2 {
            new_inode.push(rel.clone());
        }
        if bytes != bytes2 {
            new_bytes.push(rel.clone());
        }
    }
    (new_inode, new_bytes)
}

/// The numbers of "wrote N pages (M files), K unchanged".
fn counts(line: &str) -> (usize, usize, usize) {
    let tail = line.split("wrote ").nth(1).unwrap_or_default();
    let nums: Vec<usize> = tail
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .take(3)
        .map(|w| w.parse().unwrap())
        .collect();
    assert_eq!(nums.len(), 3, "{line}");
    (nums[0], nums[1], nums[2])
}

#[test]
fn a_rebuild_with_no_change_keeps_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    let first = build(&notes, &out, TODAY, "en");
    let (_, files, unchanged) = counts(&first);
    assert_eq!(unchanged, 0, "{first}");
    let before = tree(&out);
    assert_eq!(before.len(), files + 1, "every file and the marker");
    for ext in [".touchbase-site", "index.html", ".css", ".js", ".ics"] {
        assert!(before.keys().any(|k| k.ends_with(ext)), "{ext}");
    }
    let second = build(&notes, &out, TODAY, "en");
    assert_eq!(
        counts(&second),
        (counts(&first).0, files, files),
        "{second}"
    );
    let after = tree(&out);
    let (new_inode, new_bytes) = changes(&before, &after);
    assert_eq!(new_inode, Vec::<String>::new(), "same inode and mtime");
    assert!(new_bytes.is_empty());
    // Nothing left beside the site.
    let beside: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
}

#[test]
fn one_note_edited_rewrites_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    build(&notes, &out, TODAY, "en");
    let before = tree(&out);
    let r = Command::new(bin())
        .args([
            "log",
            "hangzhou-lvjian",
            "call",
            "@黄莉",
            "asked about the new panels",
        ])
        .args(["--date", "2026-11-20", "--notes"])
        .arg(&notes)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let line = build(&notes, &out, TODAY, "en");
    let after = tree(&out);
    let (new_inode, new_bytes) = changes(&before, &after);
    // Exactly the files whose bytes differ got a new inode.
    assert_eq!(new_inode, new_bytes);
    assert!(new_inode.contains(&"clients/hangzhou-lvjian.html".to_string()));
    assert!(!new_inode.contains(&"clients/alpine-tools.html".to_string()));
    // The marker too: its record of the inputs and the files changed (`tests/fresh.rs`).
    assert!(new_inode.contains(&".touchbase-site".to_string()));
    assert!(new_inode.len() < before.len() / 2, "{new_inode:?}");
    let (_, files, unchanged) = counts(&line);
    // The marker is not counted among the files.
    assert_eq!(unchanged, files - (new_inode.len() - 1), "{line}");
}

#[test]
fn another_day_or_language_changes_the_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    build(&notes, &out, TODAY, "en");
    let first = tree(&out);
    build(&notes, &out, "2026-11-23", "en");
    let next_day = tree(&out);
    let (new_inode, new_bytes) = changes(&first, &next_day);
    assert_eq!(new_inode, new_bytes);
    assert!(new_inode.contains(&"index.html".to_string()));
    assert!(new_inode.contains(&"clients/alpine-tools.html".to_string()));
    let line = build(&notes, &out, "2026-11-23", "zh");
    let zh = tree(&out);
    let (new_inode, new_bytes) = changes(&next_day, &zh);
    assert_eq!(new_inode, new_bytes);
    let pages: Vec<_> = new_inode.iter().filter(|f| f.ends_with(".html")).collect();
    assert_eq!(
        pages.len(),
        counts_zh(&line).0,
        "every page is in Chinese now"
    );
}

/// The pages of "写入 N 个页面（M 个文件，K 个未变）".
fn counts_zh(line: &str) -> (usize, usize) {
    let tail = line.split("写入 ").nth(1).unwrap_or_default();
    let nums: Vec<usize> = tail
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .take(3)
        .map(|w| w.parse().unwrap())
        .collect();
    assert_eq!(nums.len(), 3, "{line}");
    (nums[0], nums[2])
}

#[test]
fn odd_files_in_the_previous_site_are_never_linked() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    build(&notes, &out, TODAY, "en");
    let good = tree(&out);
    // Outside the site: the same bytes as three of its files.
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let mut planted = Vec::new();
    for rel in ["index.html", "assets/style.css"] {
        let copy = outside.join(rel.replace('/', "_"));
        fs::write(&copy, &good[rel].1).unwrap();
        fs::remove_file(out.join(rel)).unwrap();
        std::os::unix::fs::symlink(&copy, out.join(rel)).unwrap();
        planted.push(copy);
    }
    // A folder of the site made a symlink to a copy outside.
    let reps = outside.join("reps");
    fs::rename(out.join("reps"), &reps).unwrap();
    std::os::unix::fs::symlink(&reps, out.join("reps")).unwrap();
    // A socket where a page was, and a page with a second link outside.
    fs::remove_file(out.join("key.html")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(out.join("key.html")).unwrap();
    let linked = outside.join("followups.html");
    fs::hard_link(out.join("followups.html"), &linked).unwrap();
    let outside_ids: Vec<u64> = walkdir::WalkDir::new(&outside)
        .into_iter()
        .map(|e| fs::symlink_metadata(e.unwrap().path()).unwrap().ino())
        .collect();

    let line = build(&notes, &out, TODAY, "en");
    let after = tree(&out);
    // The site is whole, regular files only, and none of them is a file outside.
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        good.keys().collect::<Vec<_>>()
    );
    for entry in walkdir::WalkDir::new(&out) {
        let m = fs::symlink_metadata(entry.unwrap().path()).unwrap();
        assert!(m.is_file() || m.is_dir(), "{m:?}");
        assert!(!outside_ids.contains(&m.ino()));
    }
    for (rel, (_, bytes)) in &after {
        assert_eq!(bytes, &good[rel].1, "{rel}");
    }
    // What was odd was written; the rest linked.
    let rep_pages = after.keys().filter(|k| k.starts_with("reps/")).count();
    let (_, files, unchanged) = counts(&line);
    assert_eq!(unchanged, files - 4 - rep_pages, "{line}");
    // The files outside are as they were, with their own single links.
    for copy in &planted {
        assert_eq!(fs::metadata(copy).unwrap().nlink(), 1);
    }
    assert_eq!(
        fs::metadata(&linked).unwrap().nlink(),
        1,
        "the old site is gone"
    );
}

#[test]
fn a_previous_folder_not_ours_is_not_read() {
    // An empty folder is taken, with nothing to link; without the marker a site is
    // someone's folder: refused, and nothing in it read or touched.
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    fs::create_dir(&out).unwrap();
    let line = build(&notes, &out, TODAY, "en");
    assert_eq!(counts(&line).2, 0, "{line}");
    fs::remove_file(out.join(".touchbase-site")).unwrap();
    let before = tree(&out);
    let r = Command::new(bin())
        .args(["build"])
        .arg(&notes)
        .arg("--out")
        .arg(&out)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(changes(&before, &tree(&out)).0, Vec::<String>::new());
}

/// Build `notes` into `out` as a user would (no `--force`: pages made from the same
/// as the previous build's are linked unmade), with `--timings`; its stderr.
fn build_keyed(notes: &Path, out: &Path, more: &[&str]) -> String {
    build_keyed_as(notes, out, (TODAY, "en"), more)
}

/// `build_keyed` on another day or in another language.
fn build_keyed_as(notes: &Path, out: &Path, today_lang: (&str, &str), more: &[&str]) -> String {
    let (code, stderr) = run_build(notes, out, today_lang, more);
    assert_eq!(code, Some(0), "{stderr}");
    stderr
}

/// `touchbase build --timings NOTES --out OUT --today … --lang …` and `more`: its exit
/// status and stderr.
fn run_build(
    notes: &Path,
    out: &Path,
    (today, lang): (&str, &str),
    more: &[&str],
) -> (Option<i32>, String) {
    let r = Command::new(bin())
        .env_remove("TOUCHBASE_TIMINGS")
        .args(["build", "--timings"])
        .arg(notes)
        .arg("--out")
        .arg(out)
        .args(["--today", today, "--lang", lang])
        .args(more)
        .output()
        .unwrap();
    (
        r.status.code(),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

/// "N of M client pages linked unmade", from the timings.
fn unmade(stderr: &str) -> (usize, usize) {
    let said = stderr
        .lines()
        .find_map(|l| l.split_once(" client pages linked unmade)"))
        .and_then(|(head, _)| head.rsplit("; ").next())
        .unwrap_or_else(|| panic!("no count of pages linked unmade: {stderr}"));
    let (n, m) = said.split_once(" of ").unwrap();
    (n.parse().unwrap(), m.parse().unwrap())
}

/// A copy of the example notes built as a user would (`build_keyed`) into `<tmp>/site`:
/// (the temporary folder, the notes, the site, how many client pages it has).
fn keyed_example() -> (tempfile::TempDir, PathBuf, PathBuf, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    let (_, clients) = unmade(&build_keyed(&notes, &out, &[]));
    (tmp, notes, out, clients)
}

/// Only the bytes of every file, marker included.
fn bytes_of(root: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(root).into_iter().map(|(k, (_, b))| (k, b)).collect()
}

/// The site a full build (`--force`, nothing reused) writes from `notes`, as bytes.
fn full_build(notes: &Path, tmp: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tmp.join("full");
    build(notes, &out, TODAY, "en");
    let site = bytes_of(&out);
    fs::remove_dir_all(&out).unwrap();
    site
}

fn log_call(notes: &Path, client: &str) {
    let r = Command::new(bin())
        .args(["log", client, "call", "checked in on the order"])
        .args(["--date", "2026-11-20", "--notes"])
        .arg(notes)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn an_edit_makes_only_the_client_page_it_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    let first = build_keyed(&notes, &out, &[]);
    let (none, clients) = unmade(&first);
    assert_eq!(none, 0, "a first build makes every page");
    assert!(clients > 10, "{first}");
    let marker = fs::read_to_string(out.join(".touchbase-site")).unwrap();
    assert_eq!(
        marker.lines().filter(|l| l.starts_with("page ")).count(),
        clients,
        "every client page is keyed: {marker}"
    );
    let before = tree(&out);
    log_call(&notes, "hangzhou-lvjian");
    let line = build_keyed(&notes, &out, &[]);
    assert_eq!(unmade(&line), (clients - 1, clients), "{line}");
    let after = tree(&out);
    let (new_inode, new_bytes) = changes(&before, &after);
    assert_eq!(new_inode, new_bytes, "exactly the changed files are new");
    assert!(new_inode.contains(&"clients/hangzhou-lvjian.html".to_string()));
    assert!(!new_inode.contains(&"clients/alpine-tools.html".to_string()));
    // Byte for byte what a build that makes every page writes, the marker included.
    assert_eq!(bytes_of(&out), full_build(&notes, tmp.path()));
    // `--force` makes every page again, and writes the same.
    let forced = build_keyed(&notes, &out, &["--force"]);
    assert_eq!(unmade(&forced), (0, clients), "{forced}");
    assert_eq!(bytes_of(&out), full_build(&notes, tmp.path()));
}

#[test]
fn a_page_that_shows_another_note_is_made_again_when_that_note_changes() {
    let (tmp, notes, out, clients) = keyed_example();
    // Two clients were referred by 华东建材: their pages show its name.
    let note = notes.join("wang-lei/huadong-jiancai.md");
    let text = fs::read_to_string(&note).unwrap();
    fs::write(
        &note,
        text.replacen("name: 华东建材集团有限公司", "name: 华东建材集团", 1),
    )
    .unwrap();
    let line = build_keyed(&notes, &out, &[]);
    let (n, _) = unmade(&line);
    assert!(n <= clients - 3, "its page and the two it referred: {line}");
    assert!(n > 0, "{line}");
    let site = bytes_of(&out);
    for page in ["sujia-wuye", "jinling-zhuangshi"] {
        let html = String::from_utf8_lossy(&site[&format!("clients/{page}.html")]).into_owned();
        assert!(html.contains("华东建材集团<"), "{page} shows the new name");
        assert!(!html.contains("华东建材集团有限公司"), "{page}");
    }
    assert_eq!(site, full_build(&notes, tmp.path()));
}

#[test]
fn a_page_changed_in_the_site_is_made_again_not_linked() {
    let (tmp, notes, out, clients) = keyed_example();
    // Someone edits a page of the site in place (the same length, one letter).
    let page = out.join("clients/alpine-tools.html");
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("Alpine Tools AG"));
    fs::write(
        &page,
        html.replacen("Alpine Tools AG", "Alpine Tools AX", 1),
    )
    .unwrap();
    log_call(&notes, "hangzhou-lvjian");
    let line = build_keyed(&notes, &out, &[]);
    assert_eq!(unmade(&line), (clients - 2, clients), "{line}");
    let site = bytes_of(&out);
    assert!(!String::from_utf8_lossy(&site["clients/alpine-tools.html"]).contains("AX"));
    assert_eq!(site, full_build(&notes, tmp.path()));
}

#[test]
fn with_a_template_of_yours_every_page_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    fs::create_dir_all(notes.join("templates")).unwrap();
    let mut client =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/client.html"))
            .unwrap();
    assert!(client.contains("{% block content %}"), "{client}");
    client = client.replacen("{% block content %}", "{% block content %}<p>ours</p>", 1);
    fs::write(notes.join("templates/client.html"), client).unwrap();
    let first = build_keyed(&notes, &out, &[]);
    let (_, clients) = unmade(&first);
    let marker = fs::read_to_string(out.join(".touchbase-site")).unwrap();
    assert!(!marker.contains("\npage "), "no page keyed: {marker}");
    log_call(&notes, "hangzhou-lvjian");
    let line = build_keyed(&notes, &out, &[]);
    assert_eq!(unmade(&line), (0, clients), "{line}");
    let site = bytes_of(&out);
    assert!(String::from_utf8_lossy(&site["clients/alpine-tools.html"]).contains("<p>ours</p>"));
    assert_eq!(site, full_build(&notes, tmp.path()));
}

#[test]
fn another_day_language_or_configuration_makes_every_page_again() {
    let (_tmp, notes, out, clients) = keyed_example();
    // Control: nothing changed but one note, so the keys are used at all.
    log_call(&notes, "hangzhou-lvjian");
    assert_eq!(unmade(&build_keyed(&notes, &out, &[])).0, clients - 1);
    // The next day: every page says another day.
    let day = build_keyed_as(&notes, &out, ("2026-11-23", "en"), &[]);
    assert_eq!(unmade(&day), (0, clients), "{day}");
    // Chinese: every page in another language.
    let zh = build_keyed_as(&notes, &out, ("2026-11-23", "zh"), &[]);
    assert_eq!(unmade(&zh), (0, clients), "{zh}");
    // `touchbase.yaml` changed, even by a comment: every page is made again.
    let config = notes.join("touchbase.yaml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str("\n# a comment\n");
    fs::write(&config, text).unwrap();
    let again = build_keyed_as(&notes, &out, ("2026-11-23", "zh"), &[]);
    assert_eq!(unmade(&again), (0, clients), "{again}");
    // And with nothing changed since, none is.
    log_call(&notes, "hangzhou-lvjian");
    let edit = build_keyed_as(&notes, &out, ("2026-11-23", "zh"), &[]);
    assert_eq!(unmade(&edit), (clients - 1, clients), "{edit}");
}

#[test]
fn an_entry_body_edited_alone_makes_that_page_again() {
    let (tmp, notes, out, clients) = keyed_example();
    // Only the text of an old entry's body: no figure, date or count changes, so the
    // view is the same and only the log text's digest in the key tells.
    let note = notes.join("anna-li/alpine-tools.md");
    let text = fs::read_to_string(&note).unwrap();
    assert!(text.contains("Claudia wants a price list"));
    fs::write(
        &note,
        text.replacen(
            "Claudia wants a price list",
            "Claudia needs a price list",
            1,
        ),
    )
    .unwrap();
    let line = build_keyed(&notes, &out, &[]);
    assert_eq!(unmade(&line), (clients - 1, clients), "{line}");
    let site = bytes_of(&out);
    let page = String::from_utf8_lossy(&site["clients/alpine-tools.html"]).into_owned();
    assert!(
        page.contains("Claudia needs a price list"),
        "the new text is shown"
    );
    assert_eq!(site, full_build(&notes, tmp.path()));
}

#[test]
fn an_error_in_another_note_makes_every_page_again() {
    let (tmp, notes, out, clients) = keyed_example();
    let before = bytes_of(&out);
    // A bad date in one note: every page's navigation counts the error.
    let note = notes.join("anna-li/harbor-foods.md");
    let text = fs::read_to_string(&note).unwrap();
    fs::write(
        &note,
        text.replacen("## 2026-10-05 call", "## 2026-13-05 call", 1),
    )
    .unwrap();
    let (code, stderr) = run_build(&notes, &out, (TODAY, "en"), &[]);
    assert_eq!(code, Some(1), "an error: {stderr}");
    assert_eq!(unmade(&stderr), (0, clients), "{stderr}");
    let site = bytes_of(&out);
    for (rel, bytes) in &site {
        if rel.starts_with("clients/") {
            assert_ne!(Some(bytes), before.get(rel), "{rel} shows the error count");
        }
    }
    // What a full build writes (it exits 1 too, so not through `full_build`).
    let full = tmp.path().join("full");
    let (code, _) = run_build(&notes, &full, (TODAY, "en"), &["--force"]);
    assert_eq!(code, Some(1));
    assert_eq!(site, bytes_of(&full));
}

#[test]
fn odd_pages_in_the_previous_site_are_made_again_not_linked() {
    let (tmp, notes, out, clients) = keyed_example();
    // One page a symlink to a copy of itself outside the site, another with a second
    // name outside it: the same bytes, so only how they are held is odd.
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let linked = out.join("clients/alpine-tools.html");
    fs::copy(&linked, outside.join("copy.html")).unwrap();
    fs::remove_file(&linked).unwrap();
    std::os::unix::fs::symlink(outside.join("copy.html"), &linked).unwrap();
    let shared = out.join("clients/bellwether-diagnostics.html");
    fs::hard_link(&shared, outside.join("second-name.html")).unwrap();
    log_call(&notes, "hangzhou-lvjian");
    let line = build_keyed(&notes, &out, &[]);
    assert_eq!(unmade(&line), (clients - 3, clients), "{line}");
    for page in [&linked, &shared] {
        let m = fs::symlink_metadata(page).unwrap();
        assert!(
            m.is_file() && m.nlink() == 1,
            "{} is a page of its own",
            page.display()
        );
    }
    assert_eq!(bytes_of(&out), full_build(&notes, tmp.path()));
}

/// A person's title or gender edited alone (only the people table shows it) makes that
/// client's page again: the table is drawn after the key, so the key covers the people.
#[test]
fn a_person_edited_alone_makes_that_page_again() {
    let (tmp, notes, out, clients) = keyed_example();
    let note = notes.join("anna-li/harbor-foods.md");
    let text = fs::read_to_string(&note).unwrap();
    assert!(text.contains("gender: male"), "{text}");
    fs::write(&note, text.replacen("gender: male", "gender: female", 1)).unwrap();
    let line = build_keyed(&notes, &out, &[]);
    assert_eq!(unmade(&line), (clients - 1, clients), "{line}");
    let site = bytes_of(&out);
    let page = String::from_utf8_lossy(&site["clients/harbor-foods.html"]).into_owned();
    assert!(page.contains("female"), "the new gender shows");
    // Control: the same as a build that makes every page.
    assert_eq!(site, full_build(&notes, tmp.path()));
}
