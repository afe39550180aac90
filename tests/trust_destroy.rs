//! Never destroy (issue 8): `--out` is resolved before it is checked and refused
//! without touching anything; a killed build leaves the old site and the next build
//! removes what it left; the page count is what was written; a closed pipe is not an
//! error; process errors say what and how to fix it.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

mod common;

const TODAY: &str = "2026-11-22";

/// The binary under test; `TOUCHBASE_TEST_BIN` runs these tests against another one
/// (e.g. a release build of older code, to see them fail there).
fn bin() -> PathBuf {
    std::env::var_os("TOUCHBASE_TEST_BIN")
        .map_or_else(|| assert_cmd::cargo::cargo_bin("touchbase"), PathBuf::from)
}

fn touchbase(cwd: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("TOUCHBASE_TIMINGS");
    cmd
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `n` generated notes (four reps, a dozen entries each); with `typos`, each note also
/// has three entries of unknown kinds (three errors).
fn write_notes(dir: &Path, n: usize, typos: bool) {
    let reps = ["王磊", "Anna", "李娜", "Tom"];
    let tiers = ["key", "regular", "regular", "prospect"];
    for i in 0..n {
        let mut s = format!(
            "---\nname: Client {i} 有限公司\nowner: {}\ntier: {}\nsince: 2022-01-01\ntags: [t{}]\npeople:\n  - name: 张{i}\n    role: decision-maker\n---\n\n",
            reps[i % 4],
            tiers[i % 4],
            i % 7
        );
        for k in 0..12 {
            let month = 10 - (k % 10);
            let day = 1 + (i + k) % 27;
            let kind = ["visit", "call", "wechat", "email"][k % 4];
            s.push_str(&format!(
                "## 2026-{month:02}-{day:02} {kind} @张{i} — talk {k}\nNotes about **topic {k}** with the client.\n\n"
            ));
        }
        if typos {
            for k in 0..3 {
                s.push_str(&format!("## 2026-03-0{} vist{k} — typo\n\n", k + 1));
            }
        }
        s.push_str("- [ ] 2026-12-20 call — follow up\n");
        fs::write(dir.join(format!("c{i:03}.md")), s).unwrap();
    }
}

/// Every entry under `root` (not following symlinks): path, kind, and the bytes of
/// each file or the target of each symlink. Equal snapshots: nothing was touched.
fn snapshot(root: &Path) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        let t = e.file_type();
        let (kind, bytes) = if t.is_symlink() {
            (
                "link",
                fs::read_link(e.path())
                    .unwrap()
                    .display()
                    .to_string()
                    .into_bytes(),
            )
        } else if t.is_dir() {
            ("dir", Vec::new())
        } else {
            ("file", fs::read(e.path()).unwrap())
        };
        out.push((rel, kind.to_string(), bytes));
    }
    out
}

/// The files of a site: relative path and bytes.
fn site_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(root)
        .into_iter()
        .filter(|(_, kind, _)| kind == "file")
        .map(|(rel, _, bytes)| (rel, bytes))
        .collect()
}

fn build(cwd: &Path, notes: &str, out: &str, today: &str) -> std::process::Output {
    touchbase(cwd)
        .args(["build", notes, "--out", out, "--today", today])
        .output()
        .unwrap()
}

/// A tmp folder with `notes/` (the small fixture) and `foreign/` (someone's files).
fn playground() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    fs::create_dir(&notes).unwrap();
    for f in ["wang/huadong.md", "anna/harbor.md", "prospect.md"] {
        let to = notes.join(f);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(fixture("small").join(f), to).unwrap();
    }
    let foreign = tmp.path().join("foreign");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("thesis.txt"), "years of work").unwrap();
    fs::write(tmp.path().join("file.txt"), "a file").unwrap();
    std::os::unix::fs::symlink(&foreign, tmp.path().join("link-to-foreign")).unwrap();
    tmp
}

#[test]
fn out_is_resolved_and_refused_without_touching_anything() {
    let tmp = playground();
    let root = tmp.path();
    for out in [
        "missing/../foreign",
        "missing/../notes",
        "missing/deeper/../../foreign",
        "./foreign/.",
        "notes",
        "notes/",
        "notes/site",
        "notes/wang/site",
        "missing/../notes/site",
        ".",
        "link-to-foreign",
        "link-to-foreign/../foreign",
        "file.txt",
        "missing/../file.txt",
    ] {
        let before = snapshot(root);
        let r = build(root, "notes", out, TODAY);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "--out {out}: {stderr}");
        assert!(
            stderr.contains("error: refusing to build into") && stderr.contains("help: "),
            "--out {out}: {stderr}"
        );
        assert_eq!(snapshot(root), before, "--out {out} touched something");
        assert!(!root.join("missing").exists(), "--out {out}");
    }
    // The same through an absolute path to the notes.
    let notes = root.join("notes").display().to_string();
    let before = snapshot(root);
    let r = build(root, &notes, &format!("{notes}/../notes"), TODAY);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(snapshot(root), before);
}

#[test]
fn out_through_a_missing_folder_lands_where_the_path_leads() {
    let tmp = playground();
    let root = tmp.path();
    let r = build(root, "notes", "missing/../site", TODAY);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(root.join("site/index.html").is_file());
    assert!(!root.join("missing").exists(), "no folder made for `..`");
    // A symlink to a site touchbase built: the site it points to is replaced, the
    // link stays.
    std::os::unix::fs::symlink(root.join("site"), root.join("link-to-site")).unwrap();
    let r = build(root, "notes", "link-to-site", "2026-11-23");
    assert_eq!(r.status.code(), Some(0));
    assert!(
        fs::symlink_metadata(root.join("link-to-site"))
            .unwrap()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(root.join("site/index.html"))
            .unwrap()
            .contains("2026-11-23")
    );
    assert_eq!(
        fs::read_to_string(root.join("foreign/thesis.txt")).unwrap(),
        "years of work"
    );
}

/// Entries beside the site, other than the site itself.
fn beside(parent: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site")
        .collect();
    names.sort();
    names
}

fn spawn_build(notes: &Path, out: &Path, today: &str) -> Child {
    std::process::Command::new(bin())
        .args(["build"])
        .arg(notes)
        .arg("--out")
        .arg(out)
        .args(["--today", today])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_build_leaves_the_old_site_and_the_next_build_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    fs::create_dir(&notes).unwrap();
    write_notes(&notes, 400, false);
    let sites = tmp.path().join("sites");
    fs::create_dir(&sites).unwrap();
    let out = sites.join("site");
    let reference = tmp.path().join("reference");
    for (dir, today) in [(&out, TODAY), (&reference, "2026-11-23")] {
        let r = build(
            tmp.path(),
            notes.to_str().unwrap(),
            dir.to_str().unwrap(),
            today,
        );
        assert_eq!(r.status.code(), Some(0));
    }
    let old = site_tree(&out);
    let new = site_tree(&reference);
    assert!(old.len() > 400 && old != new);

    // Kill a build of the new site when its staging folder appears, then after a
    // series of delays. Each time `--out` is whole: the old site or the new one.
    let mut kills = 0;
    let mut leftovers_seen = 0;
    for delay_ms in [
        None,
        Some(0),
        Some(20),
        Some(50),
        Some(100),
        Some(200),
        Some(400),
        Some(800),
        Some(1500),
        Some(3000),
    ] {
        let mut child = spawn_build(&notes, &out, "2026-11-23");
        match delay_ms {
            Some(ms) => std::thread::sleep(Duration::from_millis(ms)),
            None => {
                let start = Instant::now();
                let staging = format!(".site.touchbase-new-{}", child.id());
                while !beside(&sites).contains(&staging)
                    && start.elapsed() < Duration::from_secs(30)
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = site_tree(&out);
        assert!(
            now == old || now == new,
            "after a kill at {delay_ms:?} ms, --out is neither the old nor the new site ({} files)",
            now.len()
        );
        if !beside(&sites).is_empty() {
            leftovers_seen += 1;
        }
    }
    assert!(kills >= 3, "the builds were too quick to kill ({kills})");
    assert!(
        leftovers_seen > 0,
        "no kill left anything: the test proves nothing"
    );

    // Something that looks like ours but has no marker is someone else's.
    let lookalike = sites.join(".site.touchbase-new-99999999");
    fs::create_dir(&lookalike).unwrap();
    fs::write(lookalike.join("keep.txt"), "mine").unwrap();
    let r = build(
        tmp.path(),
        notes.to_str().unwrap(),
        out.to_str().unwrap(),
        TODAY,
    );
    assert_eq!(r.status.code(), Some(0));
    assert_eq!(site_tree(&out), old);
    assert_eq!(beside(&sites), [".site.touchbase-new-99999999"]);
    assert_eq!(
        fs::read_to_string(lookalike.join("keep.txt")).unwrap(),
        "mine"
    );
}

/// The numbers in "wrote N pages (M files)", or in a Chinese team's "写入 N 个页面（M
/// 个文件）".
fn counts(stderr: &str) -> (Option<usize>, Option<usize>) {
    if let Some(zh) = stderr.split("写入 ").nth(1) {
        let mut nums = zh
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse().ok());
        return (nums.next().flatten(), nums.next().flatten());
    }
    let mut words = stderr
        .split("wrote ")
        .nth(1)
        .unwrap_or_default()
        .split_whitespace();
    let pages = words.next().and_then(|w| w.parse().ok());
    let files = match (words.next(), words.next()) {
        (Some("pages"), Some(w)) => w.trim_start_matches('(').parse().ok(),
        _ => None,
    };
    (pages, files)
}

#[test]
fn the_page_count_is_what_was_written() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("generated");
    fs::create_dir(&generated).unwrap();
    write_notes(&generated, 30, true);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    for (i, notes) in [fixture("small"), example, fixture("problems"), generated]
        .iter()
        .enumerate()
    {
        let out = tmp.path().join(format!("site{i}"));
        let r = build(
            tmp.path(),
            notes.to_str().unwrap(),
            out.to_str().unwrap(),
            TODAY,
        );
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(r.status.code().unwrap() < 2, "{stderr}");
        let (pages, files) = counts(&stderr);
        let tail = stderr.lines().last().unwrap_or_default();
        assert_eq!(pages, Some(common::html_files(&out).len()), "{tail}");
        // Every file but the marker.
        assert_eq!(files, Some(site_tree(&out).len() - 1), "{tail}");
    }
}

/// Run `args`, read `keep` bytes of the piped stream (`stdout` or else stderr), close
/// it, and return the exit code and what the other stream said.
fn close_early(cwd: &Path, args: &[&str], stdout: bool, keep: usize) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(bin())
        .current_dir(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut closed, mut other): (Box<dyn Read>, Box<dyn Read + Send>) = if stdout {
        (
            Box::new(child.stdout.take().unwrap()),
            Box::new(child.stderr.take().unwrap()),
        )
    } else {
        (
            Box::new(child.stderr.take().unwrap()),
            Box::new(child.stdout.take().unwrap()),
        )
    };
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        other.read_to_string(&mut s).unwrap();
        s
    });
    let mut buf = vec![0; keep];
    closed.read_exact(&mut buf).unwrap();
    drop(closed);
    let code = child.wait().unwrap().code();
    (code, reader.join().unwrap())
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    let typos = tmp.path().join("typos");
    fs::create_dir(&clean).unwrap();
    fs::create_dir(&typos).unwrap();
    write_notes(&clean, 300, false);
    write_notes(&typos, 300, true);
    // `export … | head`: far more JSON than a pipe holds.
    let (code, stderr) = close_early(
        tmp.path(),
        &["export", "clean", "--format", "json", "--today", TODAY],
        true,
        100,
    );
    assert!(
        !stderr.contains("error") && !stderr.contains("panick"),
        "{stderr}"
    );
    assert_eq!(code, Some(0), "{stderr}");
    // `check 2>&1 | head` and `build 2>&1 | head`: diagnostics beyond what a pipe
    // holds, then the summary, into a closed stderr. The exit code is the usual one
    // (1: some note has an error), not a panic's 101.
    let (code, stdout) = close_early(
        tmp.path(),
        &["check", "typos", "--today", TODAY],
        false,
        100,
    );
    assert_eq!(code, Some(1), "{stdout}");
    let (code, _) = close_early(
        tmp.path(),
        &["build", "typos", "--out", "site", "--today", TODAY],
        false,
        100,
    );
    assert_eq!(code, Some(1));
    assert!(tmp.path().join("site/index.html").is_file());
    let (code, _) = close_early(
        tmp.path(),
        &["export", "typos", "--format", "json", "--today", TODAY],
        false,
        100,
    );
    assert_eq!(code, Some(1));
}

#[test]
fn process_errors_say_what_and_how_to_fix_it() {
    let tmp = playground();
    let root = tmp.path();
    let broken = root.join("broken");
    fs::create_dir_all(broken.join("templates")).unwrap();
    fs::copy(
        fixture("small").join("prospect.md"),
        broken.join("prospect.md"),
    )
    .unwrap();
    // One that parses (a template that does not parse is only a warning, and the built-in
    // is used) but fails as it renders: that still stops the build.
    fs::write(
        broken.join("templates/client.html"),
        "<p>{{ no_such.value }}</p>\n",
    )
    .unwrap();
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["check", "no-such-notes"],
            &[
                "error: no notes folder at no-such-notes",
                "help: give the folder that holds the notes",
            ],
        ),
        (
            &["build", "notes", "--out", "foreign"],
            &[
                "error: refusing to build into foreign",
                "not built by touchbase",
                "help: choose a new or empty folder for --out",
            ],
        ),
        (
            &["build", "notes", "--out", "notes/site"],
            &[
                "error: refusing to build into notes/site",
                "inside the notes folder",
                "help: choose an --out folder outside the notes folder",
            ],
        ),
        (
            &["build", "notes", "--out", "file.txt/site"],
            &["error: file.txt/site: Not a directory"],
        ),
        (
            &["build", "broken", "--out", "site"],
            &[
                "error: template client.html: ",
                "help: fix templates/client.html in the notes folder, or delete it",
            ],
        ),
    ];
    for (args, wants) in cases {
        let before = snapshot(root);
        let r = touchbase(root).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {stderr}");
        for want in wants {
            assert!(stderr.contains(want), "{args:?}: no `{want}` in\n{stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(snapshot(root), before, "{args:?} touched something");
    }
}
