//! `touchbase init DIR`: a notes repository ready to commit. The texts live under
//! `templates/init/` (the GitHub workflow is the one docs/ci.md quotes); nothing that
//! already exists is ever replaced: every file is created with `create_new`, so a file
//! that is there (or appears meanwhile) is kept and reported.

use std::io::Write;
use std::path::Path;

use crate::config::Lang;
use crate::model::Date;
use crate::workspace::Fatal;

/// The GitHub Actions workflow `init` writes (quoted verbatim in docs/ci.md).
pub const GITHUB_WORKFLOW: &str = include_str!("../templates/init/github-workflow.yml");
/// The GitLab CI file `init` writes (quoted verbatim in docs/ci.md).
pub const GITLAB_CI: &str = include_str!("../templates/init/gitlab-ci.yml");

const GITIGNORE: &str = include_str!("../templates/init/gitignore");
const SAMPLE_EN: &str = include_str!("../templates/init/sample.en.md");
const SAMPLE_ZH: &str = include_str!("../templates/init/sample.zh.md");

/// Where the JSON Schema goes; `_templates/client.md` names it, relative to a note in
/// an owner's folder. Discovery skips folders starting with `.`.
pub const SCHEMA_PATH: &str = ".touchbase/schema.json";

/// What `init` did, path by path (relative to DIR, in writing order).
#[derive(Debug, Default)]
pub struct Done {
    pub wrote: Vec<String>,
    pub kept: Vec<String>,
}

/// The files of a new notes repository: (path relative to DIR, text).
pub fn files(lang: Lang, today: Date) -> Vec<(&'static str, String)> {
    let (config, template, readme) = match lang {
        Lang::En => (
            include_str!("../templates/init/touchbase.en.yaml"),
            include_str!("../templates/init/client.en.md"),
            include_str!("../templates/init/README.en.md"),
        ),
        Lang::Zh => (
            include_str!("../templates/init/touchbase.zh.yaml"),
            include_str!("../example-notes/_templates/client.md"),
            include_str!("../templates/init/README.zh.md"),
        ),
    };
    vec![
        ("touchbase.yaml", config.to_string()),
        ("README.md", readme.to_string()),
        (".gitignore", GITIGNORE.to_string()),
        ("_templates/client.md", template.to_string()),
        (SCHEMA_PATH, crate::schema::text_of_schema()),
        ("sam-taylor/northwind-trading.md", dated(SAMPLE_EN, today)),
        ("wang-lei/dongfang-jiancai.md", dated(SAMPLE_ZH, today)),
        (
            ".github/workflows/touchbase.yml",
            GITHUB_WORKFLOW.to_string(),
        ),
        (".gitlab-ci.yml", GITLAB_CI.to_string()),
    ]
}

/// Fill in `{{today±N}}`, `{{year}}` and `{{last_year}}`, so that the sample log is
/// recent (not overdue, nothing in the future) whenever `init` runs.
fn dated(text: &str, today: Date) -> String {
    let mut out = text
        .replace("{{year}}", &today.year().to_string())
        .replace("{{last_year}}", &(today.year() - 1).to_string());
    for n in 1..=30i64 {
        for (sign, days) in [('-', -n), ('+', n)] {
            let key = format!("{{{{today{sign}{n}}}}}");
            if out.contains(&key) {
                let day = today
                    .checked_add(jiff::Span::new().days(days))
                    .unwrap_or(today);
                out = out.replace(&key, &day.to_string());
            }
        }
    }
    out
}

/// Is `dir` missing, or an empty folder?
fn is_empty(dir: &Path) -> Result<bool, Fatal> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(source) => Err(Fatal::Io {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

/// Write the new repository into `dir`. Refuses a non-empty `dir` unless `force`; with
/// `force`, files already there are kept, only missing ones written.
pub fn init(dir: &Path, lang: Lang, force: bool, today: Date) -> Result<Done, Fatal> {
    if dir.exists() && !dir.is_dir() {
        return Err(Fatal::Usage {
            what: format!("{} is not a folder", dir.display()),
            hint: "give a new or empty folder: `touchbase init client-notes`".into(),
        });
    }
    if !force && !is_empty(dir)? {
        return Err(Fatal::Usage {
            what: format!("{} is not empty; nothing was written", dir.display()),
            hint: "give a new or empty folder, or add `--force` to write only the files that are missing (existing files are kept as they are)".into(),
        });
    }
    let mut done = Done::default();
    for (rel, text) in files(lang, today) {
        let path = dir.join(rel);
        if write_new(&path, &text)? {
            done.wrote.push(rel.to_string());
        } else {
            done.kept.push(rel.to_string());
        }
    }
    Ok(done)
}

/// Create `path` with `text` unless something is there already (even a dangling
/// link): true when written.
fn write_new(path: &Path, text: &str) -> Result<bool, Fatal> {
    let io = |source| Fatal::Io {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(io(e)),
    };
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_dates_are_filled_in() {
        let today = Date::new(2026, 3, 1).unwrap();
        for (rel, text) in files(Lang::En, today) {
            for p in ["{{today", "{{year", "{{last_year"] {
                assert!(!text.contains(p), "{rel} keeps a placeholder");
            }
        }
        let en = dated(SAMPLE_EN, today);
        assert!(en.contains("## 2026-02-26 call"), "{en}");
        assert!(en.contains("- [ ] 2026-03-05 email"), "{en}");
        assert!(en.contains("  2025: 420000"), "{en}");
    }
}
