//! Never hang, never blow up: hostile notes and settings run through the real binary.
//! Each test asserts on outcomes (how many diagnostics are kept, where they point, that
//! a build finishes under a generous timeout), never on timings; each failed on the
//! code before the limits (which took minutes, ran out of memory or looped for ever).

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

const TODAY: &str = "2026-11-22";
/// Generous: each of these runs in well under a second on a laptop.
const TIMEOUT: Duration = Duration::from_secs(20);

struct Run {
    code: i32,
    stderr: String,
}

fn touchbase() -> Command {
    let mut cmd = Command::cargo_bin("touchbase").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("TOUCHBASE_TIMINGS")
        .timeout(TIMEOUT);
    cmd
}

fn check(notes: &Path) -> Run {
    let out = touchbase()
        .args(["check", notes.to_str().unwrap(), "--today", TODAY])
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn build(notes: &Path, out: &Path) -> Run {
    let o = touchbase()
        .args(["build", notes.to_str().unwrap(), "--out"])
        .arg(out)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

/// Lines of stderr that start a diagnostic with `message` in it.
fn headers<'a>(stderr: &'a str, message: &str) -> Vec<&'a str> {
    stderr
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .filter(|l| l.contains(message))
        .collect()
}

/// Diagnostic lines of stderr that start with `prefix`.
fn starting<'a>(stderr: &'a str, prefix: &str) -> Vec<&'a str> {
    headers(stderr, "")
        .into_iter()
        .filter(|l| l.starts_with(prefix))
        .collect()
}

/// The byte column (1-based, in characters) where `needle`'s `n`th occurrence starts.
fn column_of(line: &str, needle: &str, n: usize) -> usize {
    let at = line.match_indices(needle).nth(n).unwrap().0;
    line[..at].chars().count() + 1
}

#[test]
fn a_heading_with_100000_unknown_mentions_is_folded() {
    let dir = tempfile::tempdir().unwrap();
    let mentions: String = (0..100_000).map(|i| format!(" @x{i}")).collect();
    let heading = format!("## 2026-11-02 visit{mentions} — long day");
    write(
        dir.path(),
        "a.md",
        &format!("---\nname: A\n---\n{heading}\n"),
    );
    let r = check(dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = headers(&r.stderr, "is not one of this client's people");
    assert_eq!(shown.len(), 10, "{}", &r.stderr[..2000.min(r.stderr.len())]);
    for (i, h) in shown.iter().enumerate() {
        let col = column_of(&heading, &format!("@x{i} "), 0);
        assert_eq!(
            *h,
            format!("a.md:4:{col}: warning: `@x{i}` is not one of this client's people"),
        );
    }
    let col_last = column_of(&heading, "@x9 ", 0);
    let fold = headers(&r.stderr, "more unknown @mentions");
    assert_eq!(
        fold,
        [format!(
            "a.md:4:{}: warning: … and 99,990 more unknown @mentions in this note",
            col_last + 1
        )]
    );
    // The snippet is an excerpt, not the 1 MB heading.
    assert!(r.stderr.len() < 20_000, "{} bytes", r.stderr.len());
    // The summary counts every problem, folded or not.
    assert!(
        r.stderr
            .contains("checked 1 note as of 2026-11-22: 0 errors, 100000 warnings"),
        "{}",
        r.stderr
    );
}

#[test]
fn ten_thousand_people_and_ten_thousand_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let people: String = (0..10_000)
        .map(|i| format!("  - name: Person{i}\n"))
        .collect();
    // Near misses: each would ask for a "did you mean" against all 10,000 names.
    let mentions: String = (0..10_000).map(|i| format!(" @Persan{i}")).collect();
    write(
        dir.path(),
        "a.md",
        &format!("---\nname: A\npeople:\n{people}---\n## 2026-11-02 call{mentions}\n"),
    );
    let r = check(dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = headers(&r.stderr, "is not one of this client's people");
    assert_eq!(shown.len(), 10);
    for (i, h) in shown.iter().enumerate() {
        let col = 20 + (0..i).map(|j| format!(" @Persan{j}").len()).sum::<usize>();
        assert_eq!(
            *h,
            format!("a.md:10005:{col}: warning: `@Persan{i}` is not one of this client's people")
        );
        assert!(
            r.stderr
                .contains(&format!("help: did you mean `@Person{i}`?")),
            "{}",
            r.stderr
        );
    }
    assert_eq!(
        headers(&r.stderr, "… and 9,990 more unknown @mentions in this note").len(),
        1
    );
}

#[test]
fn twenty_thousand_unknown_keys_and_fifty_thousand_repeats_are_folded() {
    let dir = tempfile::tempdir().unwrap();
    // 20,000 keys a few typos away from `address`, so each gets a "did you mean".
    let chars: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"
        .chars()
        .collect();
    let mut yaml = String::from("name: A\n");
    let mut n = 0;
    'outer: for a in &chars {
        for b in &chars {
            for c in &chars {
                yaml.push_str(&format!("addr{a}{b}{c}: x\n"));
                n += 1;
                if n == 20_000 {
                    break 'outer;
                }
            }
        }
    }
    // One of them is `address` itself: 19,999 unknown keys.
    write(dir.path(), "keys.md", &format!("---\n{yaml}---\n"));
    let tiers: String = "tier: key\n".repeat(50_000);
    write(
        dir.path(),
        "repeats.md",
        &format!("---\nname: B\n{tiers}---\n"),
    );
    let r = check(dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);

    let unknown = headers(&r.stderr, "unknown key `addr");
    assert_eq!(
        unknown.len(),
        10,
        "{}",
        &r.stderr[..3000.min(r.stderr.len())]
    );
    for (i, h) in unknown.iter().enumerate() {
        // Keys start on line 3 (line 1 is `---`, line 2 `name: A`).
        assert!(
            h.starts_with(&format!("keys.md:{}:1: warning: unknown key `addr", i + 3)),
            "{h}"
        );
    }
    assert_eq!(
        headers(&r.stderr, "more unknown keys in this note"),
        ["keys.md:12:2: warning: … and 19,989 more unknown keys in this note"]
    );

    let repeats = headers(&r.stderr, "`tier` is given twice");
    assert_eq!(repeats.len(), 10);
    for (i, h) in repeats.iter().enumerate() {
        // The first `tier` is line 3; its repeats follow.
        assert_eq!(
            *h,
            format!("repeats.md:{}:1: error: `tier` is given twice", i + 4)
        );
    }
    assert_eq!(
        headers(&r.stderr, "more repeated keys"),
        ["repeats.md:13:2: error: … and 49,989 more repeated keys in this note"]
    );
}

#[test]
fn absurd_numbers_are_rejected_and_charts_finish() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    fs::create_dir(&notes).unwrap();
    // Good clients, so the 80/20 and revenue × margin charts are drawn.
    for (id, rev, margin) in [("g1", "1200000", "18%"), ("g2", "1000000000000000", "0.3")] {
        write(
            &notes,
            &format!("{id}.md"),
            &format!(
                "---\nname: {id}\nrevenue:\n  2025: {rev}\nmargin: {margin}\n---\n## 2026-11-02 call\n"
            ),
        );
    }
    let cases = [
        ("huge", "1.7e308", "is out of range"),
        ("over", "1e400", "is not a finite amount"),
        ("nan", "NaN", "is not a finite amount"),
        ("inf", ".inf", "is not a finite amount"),
        ("neg", "-5", "is out of range"),
    ];
    for (id, rev, _) in cases {
        write(
            &notes,
            &format!("{id}.md"),
            &format!("---\nname: {id}\nmargin: 20%\nrevenue:\n  2025: {rev}\n---\n"),
        );
    }
    let margins = [("m_neg", "-5%"), ("m_over", "150%"), ("m_nan", ".nan")];
    for (id, m) in margins {
        write(
            &notes,
            &format!("{id}.md"),
            &format!("---\nname: {id}\nrevenue: {{2025: 10}}\nmargin: {m}\n---\n"),
        );
    }
    let deal = format!("¥{} — too big", "9".repeat(20));
    write(
        &notes,
        "deal.md",
        &format!("---\nname: deal\n---\n## 2026-11-02 deal {deal}\n"),
    );
    let site = dir.path().join("site");
    let r = build(&notes, &site);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (id, rev, words) in cases {
        let h = starting(&r.stderr, &format!("{id}.md:"));
        assert_eq!(h.len(), 1, "{id}: {h:?}");
        assert_eq!(
            h[0],
            format!("{id}.md:5:9: error: revenue for 2025 (`{rev}`) {words}")
        );
    }
    for (id, m) in margins {
        let h = starting(&r.stderr, &format!("{id}.md:"));
        assert_eq!(h.len(), 1, "{id}: {h:?}");
        assert!(
            h[0].starts_with(&format!("{id}.md:4:9: error: margin `"))
                && h[0].ends_with("` is not between 0 and 1"),
            "{m}: {}",
            h[0]
        );
    }
    let h = headers(&r.stderr, "deal.md:");
    assert_eq!(
        h,
        ["deal.md:4:20: warning: deal amount is out of range; it is not counted"]
    );
    for page in ["index.html", "key.html"] {
        let html = fs::read_to_string(site.join(page)).unwrap();
        for bad in ["NaN", "inf%", "∞", ">inf<"] {
            assert!(!html.contains(bad), "{page} shows {bad}");
        }
    }
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("<circle"),
        "the revenue × margin chart is drawn"
    );
}

#[test]
fn a_note_over_the_size_limit_is_an_error_and_the_rest_still_build() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    fs::create_dir(&notes).unwrap();
    write(&notes, "a.md", "---\nname: A\n---\n## 2026-11-02 call\n");
    // 50 MB of front matter text, written sparse-free but cheap.
    let big = notes.join("big.md");
    {
        use std::io::Write;
        let mut f = fs::File::create(&big).unwrap();
        f.write_all(b"---\nname: Big\n---\n").unwrap();
        let chunk = "x".repeat(1 << 20);
        for _ in 0..50 {
            f.write_all(chunk.as_bytes()).unwrap();
        }
    }
    let site = dir.path().join("site");
    let r = build(&notes, &site);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        headers(&r.stderr, "big.md"),
        ["big.md: error: note is over 8 MB (it is 50.0 MB); it was not read"]
    );
    assert!(
        r.stderr
            .contains("help: split it into smaller notes, or raise the limit in touchbase.yaml: `limits: {note_size: 16MB}`"),
        "{}",
        r.stderr
    );
    assert!(site.join("clients/a.html").is_file());

    // The limit is a setting.
    write(&notes, "touchbase.yaml", "limits:\n  note_size: 64MB\n");
    let r = check(&notes);
    assert!(
        headers(&r.stderr, "note is over").is_empty(),
        "{}",
        r.stderr
    );
    write(&notes, "touchbase.yaml", "limits:\n  note_size: lots\n");
    let r = check(&notes);
    assert_eq!(r.code, 2);
    assert_eq!(
        headers(&r.stderr, "is not a size"),
        ["touchbase.yaml:2:14: error: `lots` is not a size between 1KB and 1GB"]
    );
    write(&notes, "touchbase.yaml", "limits:\n  note_size: 1KB\n");
    let r = check(&notes);
    assert_eq!(
        headers(&r.stderr, "note is over"),
        ["big.md: error: note is over 1 KB (it is 50.0 MB); it was not read"]
    );
}

#[test]
fn long_ids_make_page_names_that_fit_255_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    fs::create_dir(&notes).unwrap();
    let ids = [
        "𠀀".repeat(70),
        "华".repeat(90),
        "a".repeat(300),
        "é".repeat(150),
    ];
    for (i, id) in ids.iter().enumerate() {
        write(
            &notes,
            &format!("n{i}.md"),
            &format!("---\nname: N{i}\nid: {id}\n---\n## 2026-11-02 call\n"),
        );
        // The same id again, for a uniquified name.
    }
    let site = dir.path().join("site");
    let r = build(&notes, &site);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<String> = fs::read_dir(site.join("clients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".html"))
        .collect();
    assert_eq!(names.len(), ids.len(), "{names:?}");
    for id in &ids {
        let first = id.chars().next().unwrap();
        let page = names
            .iter()
            .find(|n| n.starts_with(first))
            .unwrap_or_else(|| panic!("no page for {first}"));
        assert!(page.len() <= 255, "{} bytes", page.len());
        let stem = page.trim_end_matches(".html");
        assert!(id.starts_with(stem), "{stem} is a prefix of the id");
    }
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    fs::create_dir(&notes).unwrap();
    let evil = "\u{1b}[31mevil\u{7}.md";
    let newline = "new\nline.md";
    for name in [evil, newline] {
        write(
            &notes,
            name,
            "---\nname: X\ntier: kye\n---\n## 2026-12-02 call \u{1b}]0;owned\u{7} — hi\n## 2026-11-03 vist\n",
        );
    }
    let site = dir.path().join("site");
    let r = build(&notes, &site);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for c in ['\u{1b}', '\u{7}'] {
        assert!(!r.stderr.contains(c), "raw {c:?} on the terminal");
    }
    assert_eq!(
        headers(&r.stderr, "unknown tier"),
        [
            "\\u{1b}[31mevil\\u{7}.md:3:7: error: unknown tier `kye`",
            "new\\u{a}line.md:3:7: error: unknown tier `kye`"
        ]
    );
    assert_eq!(headers(&r.stderr, "unknown kind").len(), 2, "{}", r.stderr);
    // A raw newline in a file name cannot forge a diagnostic line.
    assert!(!r.stderr.lines().any(|l| l.starts_with("line.md")));
    // Escapes in a note's text are shown as symbols in the snippet.
    assert_eq!(
        r.stderr
            .matches("5 | ## 2026-12-02 call ␛]0;owned␇ — hi")
            .count(),
        2,
        "{}",
        r.stderr
    );
    for page in walk_html(&site) {
        let html = fs::read_to_string(&page).unwrap();
        assert!(!html.contains('\u{1b}'), "{}", page.display());
        assert!(!html.contains('\u{7}'), "{}", page.display());
    }
}

fn walk_html(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_html(&p));
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
    out
}

#[test]
fn deep_yaml_nesting_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    // 500,000 levels: the YAML scanner alone would take minutes.
    let n = 500_000;
    write(
        dir.path(),
        "deep.md",
        &format!(
            "---\nname: D\ndeep: {}{}\n---\n## 2026-11-02 call\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    );
    let r = check(dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        headers(&r.stderr, "deep.md"),
        ["deep.md:3:1007: error: front matter is not valid YAML: nested deeper than 1000 levels"]
    );
}

fn config_errors(yaml: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", "---\nname: A\n---\n");
    write(dir.path(), "touchbase.yaml", yaml);
    let r = check(dir.path());
    assert_eq!(r.code, 2, "{yaml:?}: {}", r.stderr);
    r
}

#[test]
fn the_configuration_is_strict() {
    let cases = [
        (
            "privacy: mask\ntitle: T\nprivacy: show\n",
            "touchbase.yaml:3:1: error: `privacy` is given twice",
        ),
        (
            "cadence:\n  key: 7d\n  key: 9d\n",
            "touchbase.yaml:3:3: error: `key` is given twice",
        ),
        (
            "title: [a, list]\n",
            "touchbase.yaml:1:8: error: `title` should be a single value, not a list or a map",
        ),
        (
            "language: {x: 1}\n",
            "touchbase.yaml:1:11: error: `language` should be a single value, not a list or a map",
        ),
        (
            "cadence:\n  key: [7]\n",
            "touchbase.yaml:2:8: error: `key` should be a single value, not a list or a map",
        ),
        (
            "title: T\nlanguage： zh\n",
            "touchbase.yaml:2:9: error: `language` is followed by a full-width colon `：`",
        ),
    ];
    for (yaml, want) in cases {
        let r = config_errors(yaml);
        let got: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.starts_with("touchbase.yaml:"))
            .collect();
        assert_eq!(got, [want], "{yaml:?}\n{}", r.stderr);
    }
    let r = config_errors(&format!("title: {}\n", "x".repeat(1 << 20)));
    assert!(
        r.stderr
            .contains("touchbase.yaml: error: touchbase.yaml is over 1 MB; nothing was read"),
        "{}",
        r.stderr
    );
    let r = config_errors("language： zh\n");
    assert!(
        r.stderr
            .contains("help: YAML needs an ASCII colon and a space: `language: …`"),
        "{}",
        r.stderr
    );
}

#[test]
fn notes_report_full_width_colons_and_repeats_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.md",
        "---\nname: A\ntier： key\nowner: 王磊\n---\n## 2026-11-02 call\n",
    );
    write(dir.path(), "b.md", "---\ntier： key\n---\n");
    write(
        dir.path(),
        "c.md",
        "---\nname: C\npeople:\n  - name: 王强\n    role: buyer\n    role: boss\ncadence:\n  any: 2w\n  any: 3w\n---\n",
    );
    let r = check(dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        headers(&r.stderr, "full-width colon"),
        [
            "a.md:3:5: error: `tier` is followed by a full-width colon `：`",
            "b.md:2:5: error: `tier` is followed by a full-width colon `：`",
        ]
    );
    assert!(
        r.stderr
            .contains("help: YAML needs an ASCII colon and a space: `tier: …`"),
        "{}",
        r.stderr
    );
    assert_eq!(
        headers(&r.stderr, "is given twice"),
        [
            "c.md:6:5: error: `role` is given twice",
            "c.md:9:3: error: `any` is given twice",
        ]
    );
    // The log of a note with a broken front matter still counts.
    assert!(headers(&r.stderr, "a.md:").len() == 1, "{}", r.stderr);
}
