//! Edit: the commands whose job is to add to the notes — `new` (a note), `log` (an
//! entry) and `done` (a ticked follow-up). Each changes only what it adds: every other
//! byte of the file stays as it was (a BOM, CRLF line ends, a missing final newline).
//! Writes are atomic (a temporary file beside the note, then renamed over it; a new note
//! is linked into place, so an existing file is never replaced), and a change that would
//! give the note a new error is refused before anything is written.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::analyse::days_between;
use crate::model::{Client, Date, Kind, KindTable};
use crate::parse;
use crate::suggest::closest;
use crate::workspace::{Fatal, Workspace};

/// Which client a rep meant: an id, a file stem, or a unique part of the name (any
/// script, any case).
pub fn find_client(ws: &Workspace, query: &str) -> Result<usize, Fatal> {
    let q = query.trim();
    let lower = q.to_lowercase();
    let stem = |c: &Client| {
        Path::new(&c.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let exact: Vec<usize> = ws
        .clients
        .iter()
        .enumerate()
        .filter(|(_, c)| c.id == q || stem(c) == q || c.name == q)
        .map(|(i, _)| i)
        .collect();
    let found = if exact.is_empty() {
        ws.clients
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.name.to_lowercase().contains(&lower) || c.id.to_lowercase().contains(&lower)
            })
            .map(|(i, _)| i)
            .collect()
    } else {
        exact
    };
    let describe = |i: &usize| {
        ws.clients
            .get(*i)
            .map(|c| format!("  {} ({}, {})", c.id, c.name, c.file))
            .unwrap_or_default()
    };
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let names = ws
                .clients
                .iter()
                .flat_map(|c| [c.id.as_str(), c.name.as_str()]);
            let hint = match closest(q, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "give a client's id (its file name without .md), or part of its name".into()
                }
            };
            Err(Fatal::Usage {
                what: format!("no client matches `{q}`; nothing was written"),
                hint,
            })
        }
        many => Err(Fatal::Usage {
            what: format!(
                "`{q}` matches {} clients; nothing was written:\n{}",
                many.len(),
                many.iter().map(describe).collect::<Vec<_>>().join("\n")
            ),
            hint: "give the client's id, or more of its name".into(),
        }),
    }
}

/// A note's text, split into what must stay as it is.
struct NoteText {
    bom: bool,
    newline: &'static str,
    text: String,
}

impl NoteText {
    fn read(path: &Path) -> Result<NoteText, Fatal> {
        let bytes = fs::read(path).map_err(|source| Fatal::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| Fatal::Usage {
            what: format!("{} is not UTF-8 text; nothing was written", path.display()),
            hint: "save the note as UTF-8 first".into(),
        })?;
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(t) => (true, t.to_string()),
            None => (false, text),
        };
        let newline = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
            _ => "\n",
        };
        Ok(NoteText { bom, newline, text })
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 3);
        if self.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        out.extend_from_slice(self.text.as_bytes());
        out
    }

    /// Byte offset of the start of 1-based `line`.
    fn line_start(&self, line: usize) -> Option<usize> {
        if line <= 1 {
            return Some(0);
        }
        self.text
            .match_indices('\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)
    }
}

/// Errors a note has, as messages, for refusing a change that adds one.
fn errors_of(file: &str, stem: &str, bytes: &[u8], ws: &Workspace) -> Vec<String> {
    parse::parse_note(file, stem, bytes, ws.today, &ws.config.kinds)
        .diags
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| d.message)
        .collect()
}

/// Replace `path` by `bytes` atomically, keeping its permissions, after checking that
/// the change adds no error to the note.
fn replace_checked(
    path: &Path,
    client: &Client,
    before: &NoteText,
    after: &NoteText,
    ws: &Workspace,
) -> Result<(), Fatal> {
    let stem = Path::new(&client.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = errors_of(&client.file, &stem, &before.bytes(), ws);
    let new = errors_of(&client.file, &stem, &after.bytes(), ws);
    if let Some(e) = new.iter().find(|e| !old.contains(e)) {
        return Err(Fatal::Usage {
            what: format!(
                "that would give {} an error ({e}); nothing was written",
                client.file
            ),
            hint: "check the date and the words you gave".into(),
        });
    }
    let tmp = temp_beside(path);
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&after.bytes())?;
        f.sync_all()?;
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&tmp, meta.permissions())?;
        }
        fs::rename(&tmp, path)
    })();
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        Fatal::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "note".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.touchbase-tmp-{}", std::process::id()))
}

/// The note's file, resolved (a link inside the notes folder is written through).
fn note_path(ws: &Workspace, client: &Client) -> Result<PathBuf, Fatal> {
    let path = ws.root.join(&client.file);
    fs::canonicalize(&path).map_err(|source| Fatal::Io { path, source })
}

/// What `touchbase log` adds.
pub struct Entry<'a> {
    pub date: Date,
    /// The kind as the rep wrote it (`拜访`, `visit`): kept, so Chinese notes stay Chinese.
    pub kind: &'a str,
    pub people: &'a [String],
    pub summary: &'a str,
    pub next: Option<(Date, &'a str)>,
}

/// What was written, for the command's message.
pub struct Written {
    pub path: PathBuf,
    pub line: usize,
    /// Warnings for the rep (an unknown `@person`).
    pub warnings: Vec<String>,
}

/// Check a kind word: a kind (built-in or of `touchbase.yaml`) or one of its aliases.
pub fn kind_of(word: &str, kinds: &KindTable) -> Result<Kind, Fatal> {
    kinds.parse(word).ok_or_else(|| Fatal::Usage {
        what: format!("unknown kind `{word}`; nothing was written"),
        hint: match closest(word, kinds.words()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("kinds: {}", kinds.list()),
        },
    })
}

/// Add an entry (and a follow-up) to client `i`'s note, where the note's own order says:
/// at the top of the log when it is newest first, else at the end.
pub fn log(ws: &Workspace, i: usize, e: &Entry<'_>) -> Result<Written, Fatal> {
    let client = ws.clients.get(i).ok_or(Fatal::Bug("client index"))?;
    kind_of(e.kind, &ws.config.kinds)?;
    let path = note_path(ws, client)?;
    let before = NoteText::read(&path)?;
    // Mentions as the parser reads them: a name, a unique start of one, or the name
    // without its spaces (which is how a name with spaces is written in a heading).
    let index = crate::parse::entry::People::new(&client.people);
    let mut warnings = Vec::new();
    let mut mentions = Vec::new();
    for p in e.people {
        let name: String = p.trim_start_matches('@').split_whitespace().collect();
        if let Err(why) = index.resolve(&name) {
            let mut w = format!("{} ({})", why.message(&name), client.name);
            if let Some(h) = why.help(&name, &index) {
                w.push_str("; ");
                w.push_str(&h);
            }
            warnings.push(w);
        }
        mentions.push(name);
    }
    // The entries in file order: their lines, dates and heading levels.
    let mut by_line: Vec<(usize, Date)> = client.entries.iter().map(|x| (x.line, x.date)).collect();
    by_line.sort_unstable();
    let level = by_line
        .first()
        .and_then(|(line, _)| before.text.lines().nth(line.saturating_sub(1)))
        .map(|l| l.chars().take_while(|c| *c == '#').count())
        .filter(|n| (1..=6).contains(n))
        .unwrap_or(2);
    let newest_first = match (by_line.first(), by_line.last()) {
        (Some(first), Some(last)) => first.1 > last.1,
        _ => false,
    };
    let nl = before.newline;
    let mut heading = format!("{} {} {}", "#".repeat(level), e.date, e.kind);
    for name in &mentions {
        heading.push_str(" @");
        heading.push_str(name);
    }
    if !e.summary.trim().is_empty() {
        heading.push_str(" — ");
        heading.push_str(e.summary.trim());
    }
    let mut block = heading;
    block.push_str(nl);
    if let Some((date, text)) = e.next {
        block.push_str(nl);
        block.push_str(&format!("- [ ] {date} {}", text.trim()));
        block.push_str(nl);
    }
    let mut after = NoteText {
        bom: before.bom,
        newline: nl,
        text: before.text.clone(),
    };
    let line;
    match by_line.first() {
        Some(&(first, _)) if newest_first => {
            let at = before.line_start(first).ok_or(Fatal::Bug("entry line"))?;
            block.push_str(nl);
            after.text.insert_str(at, &block);
            line = first;
        }
        _ => {
            // At the end, after a blank line; a note that ended without a final
            // newline still does.
            let ends_open = !after.text.is_empty() && !after.text.ends_with('\n');
            if ends_open {
                after.text.push_str(nl);
            }
            if !after.text.is_empty() && !after.text.ends_with(&format!("{nl}{nl}")) {
                after.text.push_str(nl);
            }
            line = after.text.matches('\n').count() + 1;
            if ends_open {
                block.truncate(block.len() - nl.len());
            }
            after.text.push_str(&block);
        }
    }
    replace_checked(&path, client, &before, &after, ws)?;
    Ok(Written {
        path,
        line,
        warnings,
    })
}

/// Tick an open follow-up of client `i` (`- [ ]` → `- [x]`) and record the day it was
/// done (`✅ 2026-11-18`). `which`: its number in the list of open follow-ups (1 is the
/// earliest), or part of its text; none when the client has exactly one open.
pub fn done(ws: &Workspace, i: usize, which: Option<&str>, date: Date) -> Result<Written, Fatal> {
    let client = ws.clients.get(i).ok_or(Fatal::Bug("client index"))?;
    let mut open: Vec<&crate::model::FollowUp> =
        client.followups.iter().filter(|f| !f.done).collect();
    open.sort_by_key(|f| (f.date, f.line));
    let listing = || {
        open.iter()
            .enumerate()
            .map(|(n, f)| {
                let late = days_between(f.date, ws.today);
                let note = if late > 0 {
                    format!(" ({late} days late)")
                } else {
                    String::new()
                };
                format!("  {}. {} {}{note}", n + 1, f.date, f.text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    if open.is_empty() {
        return Err(Fatal::Usage {
            what: format!("{} has no open follow-up; nothing was written", client.name),
            hint: "add one with `touchbase log … --next \"DATE text\"`".into(),
        });
    }
    let chosen: Vec<&crate::model::FollowUp> = match which.map(str::trim) {
        None | Some("") => open.clone(),
        Some(w) => match w.parse::<usize>() {
            Ok(n) => open.get(n.wrapping_sub(1)).copied().into_iter().collect(),
            Err(_) => {
                let w = w.to_lowercase();
                open.iter()
                    .copied()
                    .filter(|f| f.text.to_lowercase().contains(&w))
                    .collect()
            }
        },
    };
    let f = match chosen.as_slice() {
        [one] => *one,
        _ => {
            return Err(Fatal::Usage {
                what: format!(
                    "which follow-up of {}? nothing was written; open ones:\n{}",
                    client.name,
                    listing()
                ),
                hint: "give its number or part of its text: `touchbase done CLIENT 2`".into(),
            });
        }
    };
    let path = note_path(ws, client)?;
    let before = NoteText::read(&path)?;
    let start = before
        .line_start(f.line as usize)
        .ok_or(Fatal::Bug("follow-up line"))?;
    let rest = before.text.get(start..).unwrap_or("");
    let end = start + rest.find('\n').unwrap_or(rest.len());
    let line = before.text.get(start..end).unwrap_or("");
    let (body, cr) = match line.strip_suffix('\r') {
        Some(b) => (b, "\r"),
        None => (line, ""),
    };
    let Some(box_at) = body.find("[ ]") else {
        return Err(Fatal::Bug("follow-up box"));
    };
    let mut new_line = String::with_capacity(body.len() + 16);
    new_line.push_str(body.get(..box_at).unwrap_or(""));
    new_line.push_str("[x]");
    new_line.push_str(body.get(box_at + 3..).unwrap_or("").trim_end());
    new_line.push_str(&format!(" ✅ {date}"));
    new_line.push_str(cr);
    let mut after = NoteText {
        bom: before.bom,
        newline: before.newline,
        text: before.text.clone(),
    };
    after.text.replace_range(start..end, &new_line);
    replace_checked(&path, client, &before, &after, ws)?;
    Ok(Written {
        path,
        line: f.line as usize,
        warnings: Vec::new(),
    })
}

/// What `touchbase new` makes.
pub struct NewNote<'a> {
    pub name: &'a str,
    pub owner: Option<&'a str>,
    pub tier: Option<&'a str>,
    pub cadence: Option<&'a str>,
    pub id: Option<&'a str>,
}

const BUILT_IN_TEMPLATE: &str =
    "---\nname: \nowner: \ntier: regular\n# cadence: 30d\npeople: []\n---\n\n## Background\n\n";

/// Write a new note from `_templates/client.md` (or a built-in one), in the owner's
/// folder when the team keeps one per owner. Never replaces a file.
pub fn new_note(ws: &Workspace, n: &NewNote<'_>) -> Result<PathBuf, Fatal> {
    if n.name.trim().is_empty() {
        return Err(Fatal::Usage {
            what: "a new client needs a name".into(),
            hint: "touchbase new \"华东建材集团\" --owner 王磊".into(),
        });
    }
    if let Some(t) = n.tier
        && crate::model::Tier::parse(t).is_none()
    {
        return Err(Fatal::Usage {
            what: format!("unknown tier `{t}`; nothing was written"),
            hint: "tiers: key, regular, prospect, dormant".into(),
        });
    }
    if let Some(c) = n.cadence
        && crate::model::Cadence::parse(c).is_none()
    {
        return Err(Fatal::Usage {
            what: format!("`{c}` is not a cadence; nothing was written"),
            hint: "write `14d`, `2w`, `1m`, `1y` or a number of days".into(),
        });
    }
    let id = crate::write::slug(n.id.unwrap_or(n.name));
    if n.id.is_some_and(|given| given != id) {
        return Err(Fatal::Usage {
            what: format!(
                "`{}` cannot be a file name; nothing was written",
                n.id.unwrap_or("")
            ),
            hint: format!("use letters, digits, `-` and `_`, e.g. `{id}`"),
        });
    }
    if let Some(c) = ws.clients.iter().find(|c| c.id == id) {
        return Err(Fatal::Usage {
            what: format!(
                "id `{id}` is already {} ({}); nothing was written",
                c.name, c.file
            ),
            hint: "give the new client its own `--id`".into(),
        });
    }
    let template = crate::discover::read_inside(&ws.root, &ws.root.join("_templates/client.md"))
        .ok()
        .flatten()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| BUILT_IN_TEMPLATE.to_string());
    let mut text = set_key(&template, "name", n.name);
    if let Some(o) = n.owner {
        text = set_key(&text, "owner", o);
    }
    if let Some(t) = n.tier {
        text = set_key(&text, "tier", t);
    }
    if let Some(c) = n.cadence {
        text = set_key(&text, "cadence", c);
    }
    let folder = owner_folder(ws, n.owner);
    let dir = ws.root.join(&folder);
    let path = dir.join(format!("{id}.md"));
    if path.exists() || fs::symlink_metadata(&path).is_ok() {
        return Err(Fatal::Usage {
            what: format!("{} already exists; nothing was written", path.display()),
            hint: "give the new client its own `--id`".into(),
        });
    }
    fs::create_dir_all(&dir).map_err(|source| Fatal::Io {
        path: dir.clone(),
        source,
    })?;
    let tmp = temp_beside(&path);
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        // A hard link fails if the name exists: never a replaced file, even in a race.
        fs::hard_link(&tmp, &path)
    })();
    let _ = fs::remove_file(&tmp);
    written.map_err(|source| Fatal::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The folder a new note of `owner` goes in: where that owner's notes are; else, when
/// the team keeps a folder per owner, a new one named after the owner; else the top.
fn owner_folder(ws: &Workspace, owner: Option<&str>) -> PathBuf {
    let folder_of = |c: &Client| Path::new(&c.file).parent().map(Path::to_path_buf);
    if let Some(o) = owner {
        let mut theirs: Vec<PathBuf> = ws
            .clients
            .iter()
            .filter(|c| c.owner.as_deref() == Some(o))
            .filter_map(folder_of)
            .collect();
        theirs.sort();
        theirs.dedup();
        if let [one] = theirs.as_slice() {
            return one.clone();
        }
        let nested = ws
            .clients
            .iter()
            .filter_map(folder_of)
            .filter(|f| !f.as_os_str().is_empty())
            .count();
        if theirs.is_empty() && nested * 2 > ws.clients.len() {
            return PathBuf::from(crate::write::slug(o));
        }
    }
    PathBuf::new()
}

/// Set a top-level front-matter key: replace its line (or a commented-out `# key:`
/// line), else add it after `name:`. The value is quoted when YAML needs it.
fn set_key(text: &str, key: &str, value: &str) -> String {
    let quoted = yaml_scalar(value);
    let mut out = String::with_capacity(text.len() + value.len() + 16);
    let mut done = false;
    let mut in_front = false;
    let mut after_name = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\r', '\n']);
        if n == 0 && bare == "---" {
            in_front = true;
            out.push_str(line);
            continue;
        }
        if in_front && bare == "---" {
            in_front = false;
            if !done {
                let at = after_name.unwrap_or(out.len());
                out.insert_str(at, &format!("{key}: {quoted}\n"));
                done = true;
            }
            out.push_str(line);
            continue;
        }
        let uncommented = bare.strip_prefix("# ").unwrap_or(bare);
        if in_front && !done && uncommented.starts_with(&format!("{key}:")) {
            let comment = uncommented
                .split_once(" #")
                .map(|(_, c)| format!("  #{}", c.trim_end()))
                .unwrap_or_default();
            out.push_str(&format!("{key}: {quoted}{comment}\n"));
            done = true;
            continue;
        }
        out.push_str(line);
        if in_front && bare.starts_with("name:") {
            after_name = Some(out.len());
        }
    }
    out
}

/// A YAML scalar for `value`: plain when that reads back the same, else double-quoted.
fn yaml_scalar(value: &str) -> String {
    // Words that YAML 1.1 tools (many editors) read as booleans or null stay quoted.
    let word = value.to_ascii_lowercase();
    let special = [
        "yes", "no", "on", "off", "true", "false", "null", "~", "y", "n",
    ];
    let plain = !value.is_empty()
        && !special.contains(&word.as_str())
        && !value.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with([' ', ':'])
        && crate::parse::yaml::load(&format!("k: {value}"))
            .ok()
            .and_then(|n| match n {
                crate::parse::yaml::Node::Map(m) => m.into_iter().next().map(|(_, v)| v),
                _ => None,
            })
            .is_some_and(|v| matches!(&v, crate::parse::yaml::Node::String(s) if s == value));
    if plain {
        value.to_string()
    } else {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_set_in_place() {
        let t = "---\nname: 客户全称（必填）\nowner: 王磊\ntier: regular          # key | regular\n# cadence: 30d         # 不写则按级别默认\n---\nbody\n";
        let out = set_key(
            &set_key(&set_key(t, "name", "华东建材"), "tier", "key"),
            "cadence",
            "14d",
        );
        assert_eq!(
            out,
            "---\nname: 华东建材\nowner: 王磊\ntier: key  # key | regular\ncadence: 14d  # 不写则按级别默认\n---\nbody\n"
        );
        let out = set_key("---\nname: x\n---\n", "owner", "Anna: Li");
        assert_eq!(out, "---\nname: x\nowner: \"Anna: Li\"\n---\n");
    }

    #[test]
    fn scalars_quote_when_needed() {
        assert_eq!(yaml_scalar("华东建材"), "华东建材");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("2026"), "\"2026\"");
        assert_eq!(yaml_scalar("#1 \"best\""), "\"#1 \\\"best\\\"\"");
    }
}
