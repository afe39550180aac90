//! A build whose site already is what it would write writes nothing (issue 13): the
//! marker records a digest of the inputs and of every file, and the next build compares
//! both. Any change to an input, and any change to the site, means a full build, whose
//! site is then byte for byte a fresh build's.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;
use common::example_copy;

const TODAY: &str = "2026-11-22";

fn bin() -> PathBuf {
    std::env::var_os("TOUCHBASE_TEST_BIN")
        .map_or_else(|| assert_cmd::cargo::cargo_bin("touchbase"), PathBuf::from)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The stderr without the `--timings` table.
    fn said(&self) -> String {
        self.stderr
            .lines()
            .filter(|l| !l.starts_with("timing: "))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// Did this build render pages (a `render and write` stage), or write nothing?
    fn rendered(&self) -> bool {
        let rendered = self.stderr.contains("timing: render and write");
        let skipped = self.stderr.contains("timing: read the site back");
        assert_ne!(rendered, skipped, "{}", self.stderr);
        rendered
    }
}

/// `touchbase build notes --out out --today TODAY extra…` (`extra` may give another day).
fn run(notes: &Path, out: &Path, extra: &[&str]) -> Run {
    let today: &[&str] = if extra.contains(&"--today") {
        &[]
    } else {
        &["--today", TODAY]
    };
    let r = Command::new(bin())
        .env("TOUCHBASE_TIMINGS", "1")
        .env("NO_COLOR", "1")
        .arg("build")
        .arg(notes)
        .arg("--out")
        .arg(out)
        .args(today)
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: r.status.code(),
        stdout: String::from_utf8_lossy(&r.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&r.stderr).into_owned(),
    }
}

/// What a test changes, and how.
type Change<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// Every entry of a site: its length and a hash of its bytes (None for a folder), so
/// that a failure names the files that differ without printing them.
fn bytes(root: &Path) -> BTreeMap<String, Option<(usize, u64)>> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let m = fs::symlink_metadata(e.path()).unwrap();
            (
                rel,
                m.is_file().then(|| {
                    use std::hash::{Hash, Hasher};
                    let b = fs::read(e.path()).unwrap();
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    b.hash(&mut h);
                    (b.len(), h.finish())
                }),
            )
        })
        .collect()
}

/// Every file's (inode, mtime, ctime): what a build that writes nothing keeps.
fn stamps(root: &Path) -> BTreeMap<String, (u64, i64, i64, i64, i64)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let m = fs::symlink_metadata(e.path()).unwrap();
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                rel,
                (
                    m.ino(),
                    m.mtime(),
                    m.mtime_nsec(),
                    m.ctime(),
                    m.ctime_nsec(),
                ),
            )
        })
        .collect()
}

/// A fresh build of `notes` (with `extra`) elsewhere: what `out` must now hold.
fn reference(tmp: &Path, notes: &Path, extra: &[&str]) -> BTreeMap<String, Option<(usize, u64)>> {
    let out = tmp.join("reference");
    let _ = fs::remove_dir_all(&out);
    let r = run(notes, &out, extra);
    assert!(r.rendered());
    bytes(&out)
}

#[test]
fn a_build_with_nothing_changed_writes_nothing_and_says_what_a_full_one_says() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    let first = run(&notes, &out, &["--lang", "en"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(first.rendered());
    let before = stamps(&out);

    let second = run(&notes, &out, &["--lang", "en"]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(!second.rendered(), "{}", second.stderr);
    assert_eq!(
        stamps(&out),
        before,
        "not a file touched, the marker included"
    );
    // What it says is what a full build over the same site says.
    let forced = run(&notes, &out, &["--lang", "en", "--force"]);
    assert!(forced.rendered());
    assert_eq!(second.said(), forced.said());
    assert_eq!(second.stdout, forced.stdout);
    assert!(
        second
            .said()
            .contains("checked 17 notes as of 2026-11-22: 0 errors, 0 warnings; wrote 29 pages"),
        "{}",
        second.said()
    );
    // Nothing beside the site but the notes.
    let mut beside: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["notes", "site"]);
}

#[test]
fn the_marker_is_the_same_wherever_the_site_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let a = tmp.path().join("a");
    let b = tmp.path().join("deeper/b");
    assert!(run(&notes, &a, &[]).rendered());
    assert!(run(&notes, &b, &[]).rendered());
    let marker = fs::read_to_string(a.join(".touchbase-site")).unwrap();
    assert!(marker.starts_with("This folder was built by touchbase"));
    assert!(
        marker.contains("\ninputs ") && marker.contains("\noutput "),
        "{marker}"
    );
    assert_eq!(bytes(&a), bytes(&b), "the same bytes, the marker included");
}

#[test]
fn every_input_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    assert!(run(&notes, &out, &[]).rendered());
    assert!(
        !run(&notes, &out, &[]).rendered(),
        "control: nothing changed"
    );

    let note = notes.join("wang-lei/huadong-jiancai.md");
    let changes: Vec<Change<'_>> = vec![
        (
            "a note's text",
            Box::new(|| {
                let mut text = fs::read_to_string(&note).unwrap();
                text.push_str("\nOne more line.\n");
                fs::write(&note, text).unwrap();
            }),
        ),
        (
            "a new note",
            Box::new(|| {
                fs::write(
                    notes.join("new-client.md"),
                    "---\nname: New client\nowner: 王芳\n---\n\n## 2026-11-20 call — hello\n",
                )
                .unwrap();
            }),
        ),
        (
            "a note gone",
            Box::new(|| fs::remove_file(notes.join("new-client.md")).unwrap()),
        ),
        (
            "touchbase.yaml",
            Box::new(|| {
                let path = notes.join("touchbase.yaml");
                let text = fs::read_to_string(&path).unwrap();
                fs::write(&path, text.replace("title:", "title: Renamed —")).unwrap();
            }),
        ),
        (
            "a template",
            Box::new(|| {
                fs::create_dir_all(notes.join("templates")).unwrap();
                fs::write(notes.join("templates/style.css"), "body { color: #123; }\n").unwrap();
            }),
        ),
        (
            "a file that is not read",
            Box::new(|| fs::write(notes.join("notes.txt"), "not a note").unwrap()),
        ),
    ];
    for (what, change) in &changes {
        change();
        let r = run(&notes, &out, &[]);
        if *what == "a file that is not read" {
            assert!(!r.rendered(), "{what}: nothing the build reads changed");
            continue;
        }
        assert!(r.rendered(), "{what} changed, but nothing was built");
        assert_eq!(bytes(&out), reference(tmp.path(), &notes, &[]), "{what}");
        assert!(
            !run(&notes, &out, &[]).rendered(),
            "{what}: then nothing again"
        );
    }
    // The settings: another day, language or "since".
    for extra in [
        &["--today", "2026-11-23"][..],
        &["--lang", "zh"],
        &["--lang", "en"],
        &["--since", "2026-11-01"],
    ] {
        let r = run(&notes, &out, extra);
        assert!(r.rendered(), "{extra:?}");
        assert_eq!(
            bytes(&out),
            reference(tmp.path(), &notes, extra),
            "{extra:?}"
        );
        assert!(!run(&notes, &out, extra).rendered(), "{extra:?} again");
    }
}

#[test]
fn a_site_changed_by_hand_is_built_again() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    assert!(run(&notes, &out, &[]).rendered());
    let good = bytes(&out);
    let page = out.join("index.html");
    let changes: Vec<Change<'_>> = vec![
        (
            "a byte of a page, same size",
            Box::new(|| {
                let mut b = fs::read(&page).unwrap();
                let at = b.len() / 2;
                b[at] ^= 1;
                fs::write(&page, b).unwrap();
            }),
        ),
        ("a page gone", Box::new(|| fs::remove_file(&page).unwrap())),
        (
            "a file added",
            Box::new(|| fs::write(out.join("extra.html"), "<p>hi</p>").unwrap()),
        ),
        (
            "an empty folder added",
            Box::new(|| fs::create_dir(out.join("empty")).unwrap()),
        ),
        (
            "a page made a symlink",
            Box::new(|| {
                let moved = tmp.path().join("moved.html");
                fs::rename(&page, &moved).unwrap();
                std::os::unix::fs::symlink(&moved, &page).unwrap();
            }),
        ),
        (
            "the marker's record cut",
            Box::new(|| {
                let marker = out.join(".touchbase-site");
                let text = fs::read_to_string(&marker).unwrap();
                fs::write(&marker, text.lines().next().unwrap()).unwrap();
            }),
        ),
    ];
    for (what, change) in &changes {
        change();
        let r = run(&notes, &out, &[]);
        assert_eq!(r.code, Some(0), "{what}: {}", r.stderr);
        assert!(r.rendered(), "{what}: the site was not built again");
        assert_eq!(bytes(&out), good, "{what}");
        assert!(!run(&notes, &out, &[]).rendered(), "{what}: control");
    }
}

#[test]
fn diagnostics_are_said_again() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes");
    fs::create_dir(&notes).unwrap();
    fs::write(
        notes.join("a.md"),
        "---\nname: A\nowner: 王芳\ntier: keyy\n---\n\n## 2026-11-20 call — hello\n",
    )
    .unwrap();
    fs::write(
        notes.join("b.md"),
        "---\nname: B\nreferred_by: nobody\n---\n",
    )
    .unwrap();
    let out = tmp.path().join("site");
    for lang in ["en", "zh"] {
        assert!(run(&notes, &out, &["--lang", lang]).rendered());
        // A full build over the same site: what the one that writes nothing must say.
        let first = run(&notes, &out, &["--lang", lang, "--force"]);
        assert!(first.rendered());
        let again = run(&notes, &out, &["--lang", lang]);
        assert!(!again.rendered(), "{}", again.stderr);
        assert_eq!(again.said(), first.said(), "{lang}");
        assert_eq!(again.code, first.code, "{lang}");
        // Control: the diagnostics are there to be said again.
        assert!(again.said().contains("a.md:4:"), "{}", again.said());
        assert!(again.said().contains("b.md:"), "{}", again.said());
    }
}

#[test]
fn templates_count_as_the_build_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = example_copy(tmp.path());
    let out = tmp.path().join("site");
    let templates = notes.join("templates");
    fs::create_dir(&templates).unwrap();
    // Over 1 MB (the configuration's limit, which templates do not have).
    let big = format!(
        "body {{ color: #111; }}\n{}",
        "/* padding */\n".repeat(90_000)
    );
    assert!(big.len() > 1 << 20);
    fs::write(templates.join("style.css"), &big).unwrap();
    assert!(run(&notes, &out, &[]).rendered());
    assert!(
        !run(&notes, &out, &[]).rendered(),
        "control: nothing changed"
    );
    // The same size, one byte else.
    fs::write(templates.join("style.css"), big.replace("#111", "#222")).unwrap();
    assert!(
        run(&notes, &out, &[]).rendered(),
        "a large template changed"
    );
    let css = fs::read_to_string(out.join("assets/style.css")).unwrap();
    assert!(css.contains("#222") && !css.contains("#111"));
    // Hidden files are not read by the build, so they change nothing.
    fs::write(templates.join(".DS_Store"), "finder").unwrap();
    assert!(!run(&notes, &out, &[]).rendered(), "a hidden file");

    // A templates folder that links outside the notes folder is not read at all, not
    // even its names: what is added there changes nothing.
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("style.css"), "body { color: #abcdef; }").unwrap();
    fs::remove_dir_all(&templates).unwrap();
    std::os::unix::fs::symlink(&outside, &templates).unwrap();
    let r = run(&notes, &out, &[]);
    assert!(r.rendered(), "the templates folder became a link");
    assert!(
        r.said().contains("templates"),
        "discovery warns: {}",
        r.said()
    );
    assert!(
        !fs::read_to_string(out.join("assets/style.css"))
            .unwrap()
            .contains("#abcdef")
    );
    fs::write(outside.join("index.html"), "{{ oops").unwrap();
    assert!(!run(&notes, &out, &[]).rendered(), "a file outside");
}
