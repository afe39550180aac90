//! Issue 13: `check` reads only what its diagnostics need, yet says exactly what a full
//! load says; `--timings` (and `TOUCHBASE_TIMINGS`) report each stage on stderr and
//! never change stdout; no progress line when stderr is not a terminal.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const TODAY: &str = "2026-11-22";

fn touchbase() -> Command {
    let mut cmd = Command::cargo_bin("touchbase").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("TOUCHBASE_TIMINGS");
    cmd
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = touchbase();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn put(root: &Path, rel: &str, text: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A notes folder with a problem of every kind there is: the `problems` fixture (YAML,
/// UTF-8, front matter, names, kinds, dates, people, tiers, roles, revenue, a duplicate
/// id, an unknown `referred_by`), plus referral cycles, a self-referral, a note over the
/// size limit, a link that leads outside, a template that does not compile, one not in
/// UTF-8 and one named like no built-in.
fn folder_with_every_problem() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/problems");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&src).unwrap();
            put(
                root,
                rel.to_str().unwrap(),
                &fs::read(entry.path()).unwrap(),
            );
        }
    }
    put(root, "touchbase.yaml", b"limits: {note_size: 1KB}\n");
    put(
        root,
        "wang/a.md",
        b"---\nname: A\nreferred_by: b\n---\n## 2026-11-02 call\n",
    );
    put(
        root,
        "wang/b.md",
        b"---\nname: B\nreferred_by: a\n---\n## 2026-11-03 visit\n",
    );
    put(
        root,
        "wang/self.md",
        b"---\nname: Self\nreferred_by: self\n---\n",
    );
    let mut big = b"---\nname: Big\n---\n".to_vec();
    big.extend(b"## 2026-11-02 call\nsome words\n".repeat(100));
    put(root, "li/big.md", &big);
    std::os::unix::fs::symlink("/etc/hostname", root.join("li/outside.md")).unwrap();
    put(root, "templates/client.html", b"{% if %}");
    put(root, "templates/index.html", b"\xff\xfe not utf-8");
    put(root, "templates/nonesuch.html", b"<p>hi</p>");
    dir
}

/// `check` prints what `export` prints on stderr (the diagnostics of a full load, which
/// analyses everything), then the summary; the exit codes agree.
#[test]
fn check_says_exactly_what_a_full_load_says() {
    let dir = folder_with_every_problem();
    let notes = dir.path().to_str().unwrap();
    for lang in ["en", "zh"] {
        let check = run(&["check", notes, "--today", TODAY, "--lang", lang], &[]);
        let export = run(
            &[
                "export", notes, "--today", TODAY, "--lang", lang, "--format", "json",
            ],
            &[],
        );
        let (diags, summary) = check
            .stderr
            .trim_end()
            .rsplit_once('\n')
            .unwrap_or(("", check.stderr.trim_end()));
        assert_eq!(format!("{diags}\n"), export.stderr, "{lang}");
        // Every kind of problem is there (the probe fails if the folder lost one).
        for kind in [
            "is not valid YAML",
            "is not UTF-8",
            "already used by",
            "names no known client",
            "round in a circle",
            "names this client itself",
            "it was not read",
            "outside",
            "unknown kind",
            "templates/",
        ] {
            if lang == "en" {
                assert!(diags.contains(kind), "no `{kind}` in\n{diags}");
            }
        }
        let expected = match lang {
            "en" => "checked 13 notes as of 2026-11-22: ",
            _ => "已检查 13 篇笔记（截至 2026-11-22）：",
        };
        assert!(summary.starts_with(expected), "{summary}");
        assert_eq!((check.code, export.code), (1, 1));
        // The JSON export's diagnostics agree in number with what was printed.
        let json: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
        let n = json["diagnostics"].as_array().unwrap().len();
        assert_eq!(n, diags.matches("\n\n").count() + 1, "{lang}");
    }
    // One file, within its folder: its own problems and those across notes that name it.
    let file = dir.path().join("wang/a.md");
    let one = run(&["check", file.to_str().unwrap(), "--today", TODAY], &[]);
    assert!(one.stderr.contains("round in a circle"), "{}", one.stderr);
    assert!(
        one.stderr
            .trim_end()
            .ends_with("checked wang/a.md as of 2026-11-22: 0 errors, 1 warning"),
        "{}",
        one.stderr
    );
    assert_eq!(one.code, 0);
}

/// The stage names of a `--timings` table, in order.
fn stages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timing: "))
        .map(|l| l.split("  ").next().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn timings_name_every_stage_after_the_summary_and_leave_stdout_alone() {
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    let notes = notes.to_str().unwrap();
    let export = ["export", notes, "--today", TODAY, "--format", "json"];
    let plain = run(&export, &[]);
    let flagged = run(&[&export[..], &["--timings"]].concat(), &[]);
    let env = run(&export, &[("TOUCHBASE_TIMINGS", "1")]);
    let env_off = run(&export, &[("TOUCHBASE_TIMINGS", "0")]);
    assert!(!plain.stdout.is_empty());
    for r in [&flagged, &env, &env_off] {
        assert_eq!(r.stdout, plain.stdout, "stdout changed with timings");
        assert_eq!(r.code, plain.code);
    }
    assert!(!plain.stderr.contains("timing:"), "{}", plain.stderr);
    assert_eq!(env_off.stderr, plain.stderr);
    let export_stages = [
        "configuration",
        "discover",
        "read and parse",
        "check across notes",
        "analyse: cadence",
        "analyse: playbook",
        "print diagnostics",
        "report",
        "write output",
        "total",
    ];
    assert_eq!(stages(&flagged.stderr), export_stages);
    assert_eq!(stages(&env.stderr), export_stages);
    assert!(flagged.stderr.starts_with(&plain.stderr));
    let table = flagged.stderr.strip_prefix(&plain.stderr).unwrap();
    assert!(table.lines().all(|l| l.starts_with("timing: ")), "{table}");
    assert!(
        table.contains("read and parse") && table.contains("(summed over threads: read "),
        "{table}"
    );
    assert!(table.contains("peak memory"), "{table}");

    // check: only the stages it has, after its summary line.
    let check = run(&["check", notes, "--today", TODAY, "--timings"], &[]);
    assert_eq!(
        stages(&check.stderr),
        [
            "configuration",
            "discover",
            "read and parse",
            "check across notes",
            "print diagnostics",
            "total"
        ]
    );
    let summary = check.stderr.find("已检查 17 篇笔记").unwrap();
    assert!(summary < check.stderr.find("timing: ").unwrap());
    assert!(check.stdout.is_empty());

    // build: rendering and the swap.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let build = run(
        &[
            "build",
            notes,
            "--out",
            site.to_str().unwrap(),
            "--today",
            TODAY,
        ],
        &[("TOUCHBASE_TIMINGS", "yes")],
    );
    assert_eq!(build.code, 0, "{}", build.stderr);
    let names = stages(&build.stderr);
    assert_eq!(
        names[names.len() - 6..],
        [
            "print diagnostics",
            "prepare the staging folder",
            "report",
            "render and write",
            "swap in",
            "total"
        ]
    );
    assert!(
        build.stderr.contains("(summed over threads: set up ")
            && build.stderr.contains("render pages ")
            && build.stderr.contains("write pages "),
        "{}",
        build.stderr
    );
    // Piped, there is no progress line (no carriage return) whatever the size.
    assert!(!build.stderr.contains('\r'));
    assert!(build.stdout.is_empty());
}
