//! The rep's commands, run as a rep would: `new`, `log`, `done`, `due`, `check FILE`,
//! from inside the notes folder or with `--notes`, in English and Chinese.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-22";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("touchbase")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A copy of example-notes to write into.
fn notes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

fn export(dir: &Path) -> Value {
    let r = run_in(dir, &["export", ".", "--today", TODAY]);
    serde_json::from_str(&r.stdout).unwrap()
}

fn client<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn check_clean(dir: &Path, file: &str) {
    let r = run_in(dir, &["check", file, "--today", TODAY, "--lang", "en"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
}

#[test]
fn log_adds_at_the_top_of_a_newest_first_log_from_inside_the_repo() {
    let dir = notes();
    let file = dir.path().join("wang-lei/huadong-jiancai.md");
    let before = fs::read_to_string(&file).unwrap();
    // From a sub-folder, no --notes: the notes folder is found by walking up.
    let r = run_in(
        &dir.path().join("wang-lei"),
        &[
            "log",
            "华东建材",
            "拜访",
            "@刘建国",
            "仓库盘点",
            "--date",
            TODAY,
            "--next",
            "2026-11-29 发报价",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("wang-lei/huadong-jiancai.md:56"),
        "{}",
        r.stderr
    );
    let after = fs::read_to_string(&file).unwrap();
    let added = "## 2026-11-22 拜访 @刘建国 — 仓库盘点\n\n- [ ] 2026-11-29 发报价\n\n";
    let at = before.find("## 2026-11-18").unwrap();
    assert_eq!(after, format!("{}{added}{}", &before[..at], &before[at..]));
    check_clean(dir.path(), "wang-lei/huadong-jiancai.md");
    let v = export(dir.path());
    let c = client(&v, "huadong-jiancai");
    assert_eq!(c["entries"][0]["date"], TODAY);
    assert_eq!(c["entries"][0]["kind"], "visit");
    assert_eq!(c["entries"][0]["people"][0], "刘建国");
    assert_eq!(c["last_contact"], TODAY);
}

#[test]
fn log_keeps_every_other_byte_bom_crlf_and_a_missing_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("touchbase.yaml"), "language: en\n").unwrap();
    let text = "\u{feff}---\r\nname: Acme Ltd\r\npeople:\r\n  - name: Lena Fischer\r\n  - name: Tom\r\n---\r\n\r\n## 2026-10-01 call — first\r\n\r\n## 2026-11-01 visit @Lena Fischer — second";
    fs::write(dir.path().join("acme.md"), text).unwrap();
    let r = run_in(
        dir.path(),
        &[
            "log",
            "acme",
            "call",
            "@Tomm",
            "@Lena Fischer",
            "quote",
            "--date",
            "2026-11-20",
        ],
    );
    // `@Tomm` is not a person on file: a warning with the closest name.
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("`@Tomm`") && r.stderr.contains("did you mean `@Tom`?"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("Lena"),
        "a known name gives no warning: {}",
        r.stderr
    );
    let after = fs::read(dir.path().join("acme.md")).unwrap();
    let expected = format!("{text}\r\n\r\n## 2026-11-20 call @Tomm @LenaFischer — quote");
    assert_eq!(
        String::from_utf8(after).unwrap(),
        expected,
        "oldest first: at the end"
    );
    // Control: the same file with LF only gets LF.
    let lf = text.replace("\r\n", "\n");
    fs::write(dir.path().join("acme.md"), &lf).unwrap();
    let r = run_in(
        dir.path(),
        &["log", "Acme", "email", "--date", "2026-11-20"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = fs::read_to_string(dir.path().join("acme.md")).unwrap();
    assert_eq!(after, format!("{lf}\n\n## 2026-11-20 email"));
    assert!(!after.contains('\r'));
}

#[test]
fn log_refuses_an_unknown_or_ambiguous_client_and_writes_nothing() {
    let dir = notes();
    let snapshot = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        walkdir::WalkDir::new(d)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), fs::read(e.path()).unwrap()))
            .collect()
    };
    let before = snapshot(dir.path());
    let r = run_in(dir.path(), &["log", "华东建才", "拜访"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no client matches `华东建才`"),
        "{}",
        r.stderr
    );
    // Every client whose name has 有限公司 matches: the candidates are listed.
    let r = run_in(dir.path(), &["log", "有限公司", "call"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("matches"), "{}", r.stderr);
    assert!(
        r.stderr.contains("huadong-jiancai (华东建材集团有限公司"),
        "{}",
        r.stderr
    );
    let r = run_in(dir.path(), &["log", "huadong-jiancai", "拜方"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `拜访`?"), "{}", r.stderr);
    let r = run_in(
        dir.path(),
        &["log", "huadong-jiancai", "call", "--next", "soon call"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
    // Control: a unique match writes.
    let r = run_in(dir.path(), &["log", "huadong-jiancai", "call"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(snapshot(dir.path()), before);
}

#[test]
fn done_ticks_a_follow_up_and_records_the_day() {
    let dir = notes();
    let v = export(dir.path());
    let open = client(&v, "wuxi-weina")["open_followups"]
        .as_array()
        .unwrap()
        .len();
    assert!(open >= 1);
    let file = dir.path().join("zhang-wei/wuxi-weina.md");
    let before = fs::read_to_string(&file).unwrap();
    let r = run_in(
        dir.path(),
        &["done", "wuxi-weina", "试用反馈", "--date", "2026-11-21"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = fs::read_to_string(&file).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "one line changes");
    let (old, new) = changed[0];
    assert_eq!(
        new,
        format!("{} ✅ 2026-11-21", old.replacen("[ ]", "[x]", 1))
    );
    assert_eq!(before.lines().count(), after.lines().count());
    check_clean(dir.path(), "zhang-wei/wuxi-weina.md");
    let v = export(dir.path());
    let c = client(&v, "wuxi-weina");
    assert_eq!(c["open_followups"].as_array().unwrap().len(), open - 1);
    let f = c["followups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["text"].as_str().unwrap().contains("试用反馈"))
        .unwrap();
    assert_eq!(f["done"], true);
    assert_eq!(f["done_on"], "2026-11-21");
    assert!(
        !f["text"].as_str().unwrap().contains('✅'),
        "the mark is not text"
    );
}

#[test]
fn done_asks_which_when_several_are_open() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\nname: Acme\n---\n## 2026-11-01 call\n- [ ] 2026-11-10 send quote\n- [ ] 2026-11-30 call back\n";
    fs::write(dir.path().join("acme.md"), text).unwrap();
    let r = run_in(dir.path(), &["done", "acme"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("1. 2026-11-10 send quote")
            && r.stderr.contains("2. 2026-11-30 call back"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("acme.md")).unwrap(),
        text
    );
    let r = run_in(dir.path(), &["done", "acme", "2", "--date", "2026-11-20"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = fs::read_to_string(dir.path().join("acme.md")).unwrap();
    assert!(after.contains("- [ ] 2026-11-10 send quote\n"));
    assert!(after.contains("- [x] 2026-11-30 call back ✅ 2026-11-20\n"));
}

#[test]
fn new_writes_a_note_in_the_owners_folder_and_never_overwrites() {
    let dir = notes();
    let r = run_in(
        dir.path(),
        &[
            "new",
            "常州新材料有限公司",
            "--owner",
            "王磊",
            "--tier",
            "key",
            "--id",
            "changzhou-xincailiao",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "wang-lei/changzhou-xincailiao.md");
    let text = fs::read_to_string(dir.path().join("wang-lei/changzhou-xincailiao.md")).unwrap();
    assert!(text.contains("name: 常州新材料有限公司\n"), "{text}");
    assert!(text.contains("tier: key"), "{text}");
    assert!(text.contains("owner: 王磊"), "{text}");
    let r = run_in(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = export(dir.path());
    assert_eq!(client(&v, "changzhou-xincailiao")["tier"], "key");
    // A rep with no folder yet, in a team that keeps one per owner: a new folder.
    let r = run_in(dir.path(), &["new", "Borealis AB", "--owner", "Erik Berg"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "erik-berg/borealis-ab.md");
    // Never overwrites: the same id again is exit 2 and the file is unchanged.
    let before = fs::read(dir.path().join("erik-berg/borealis-ab.md")).unwrap();
    let r = run_in(
        dir.path(),
        &[
            "new",
            "Borealis AB",
            "--owner",
            "Erik Berg",
            "--tier",
            "key",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        fs::read(dir.path().join("erik-berg/borealis-ab.md")).unwrap(),
        before
    );
    let r = run_in(dir.path(), &["new", "X", "--tier", "vip"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unknown tier `vip`"), "{}", r.stderr);
}

#[test]
fn due_lists_the_morning_in_both_languages() {
    let dir = notes();
    let v = export(dir.path());
    let clients = v["clients"].as_array().unwrap();
    let expect: Vec<&str> = clients
        .iter()
        .filter(|c| c["status"] == "overdue" || c["status"] == "due")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(!expect.is_empty());
    for (lang, heading) in [("en", "Clients to contact"), ("zh", "需要联系的客户")] {
        let r = run_in(dir.path(), &["due", "--today", TODAY, "--lang", lang]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with(heading), "{}", r.stdout);
        assert!(!r.stdout.contains('\x1b'), "plain when piped");
        for name in &expect {
            assert!(
                r.stdout.contains(name),
                "{lang}: {name} missing:\n{}",
                r.stdout
            );
        }
    }
    let r = run_in(
        dir.path(),
        &["due", ".", "--today", TODAY, "--format", "json"],
    );
    let due: Value = serde_json::from_str(&r.stdout).unwrap();
    let listed: Vec<&str> = due["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), expect.len());
    // Worst first: overdue before due; among the overdue, key clients first.
    let status: Vec<&str> = due["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    let first_due = status
        .iter()
        .position(|s| *s == "due")
        .unwrap_or(status.len());
    assert!(
        status[first_due..].iter().all(|s| *s == "due"),
        "{status:?}"
    );
    let tiers: Vec<bool> = due["clients"].as_array().unwrap()[..first_due]
        .iter()
        .map(|c| c["tier"] == "key")
        .collect();
    assert!(
        tiers.windows(2).all(|w| w[0] || !w[1]),
        "key first: {tiers:?}"
    );
    // Follow-ups due today or missed; birthdays within --days.
    for f in due["followups"].as_array().unwrap() {
        assert!(f["date"].as_str().unwrap() <= TODAY, "{f}");
    }
    let near = |days: &str| {
        let r = run_in(
            dir.path(),
            &["due", "--today", TODAY, "--format", "json", "--days", days],
        );
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["moments"].as_array().unwrap().len()
    };
    assert!(near("30") > near("7"), "more moments in 30 days than in 7");
    let r = run_in(
        dir.path(),
        &[
            "due", "--today", TODAY, "--owner", "王磊", "--format", "csv",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("section,date,client,name,what,detail\r\n")
    );
    for line in r
        .stdout
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("client,"))
    {
        let id = line.split(',').nth(2).unwrap();
        assert_eq!(client(&v, id)["owner"], "王磊", "{line}");
    }
}

#[test]
fn check_takes_note_files_within_their_notes_folder() {
    let dir = notes();
    fs::write(
        dir.path().join("wang-lei/bad.md"),
        "---\nname: Bad\nreferred_by: huadong-jiancia\n---\n## 2026-11-02 vist\n",
    )
    .unwrap();
    let r = run_in(
        &dir.path().join("wang-lei"),
        &["check", "bad.md", "--today", TODAY, "--lang", "en"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Named as within the notes folder; a reference checked against every client.
    assert!(
        r.stderr
            .contains("wang-lei/bad.md:5:15: error: unknown kind `vist`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `huadong-jiancai`?"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("huadong-jiancai.md:"),
        "only the file asked for"
    );
    let r = run_in(
        dir.path(),
        &["check", "wang-lei/huadong-jiancai.md", "--today", TODAY],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}
