//! Discover: which files under the notes folder are client notes.
//!
//! Any `*.md` at any depth, except `README.md` (any case) and anything under a path
//! component that starts with `.` or `_` (`.git/`, `.obsidian/`, `_templates/`).
//!
//! Nothing from outside the notes folder is ever read: every path is resolved
//! (`canonicalize`) before it is trusted. A link to a file inside the folder is read
//! like that file; a link that leads outside it, a link to a folder, and anything that
//! is not a regular file (a FIFO would hang the build, a device would never end) are
//! skipped with a warning that names them. `read_inside` applies the same rule to
//! `touchbase.yaml` and the `templates/` folder.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::Diagnostic;

/// A note file found under the notes root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFile {
    /// Where to read it: the resolved path, always inside the notes root.
    pub path: PathBuf,
    /// Relative to the notes root, `/`-separated (for diagnostics and the export).
    pub rel: String,
    /// File name without `.md`: the client's default id.
    pub stem: String,
}

/// Folder names that hold site configuration rather than notes.
const RESERVED_DIRS: [&str; 1] = ["templates"];

/// What a path under the notes folder turned out to be.
#[derive(Debug)]
pub enum Resolved {
    /// A regular file inside the notes folder (the path it resolves to).
    File(PathBuf),
    /// Nothing there.
    Missing,
    /// Not to be read, and why (for a warning).
    Skipped(String),
}

/// The digest of what `parse::read_limited` gave for a file of the notes folder (a
/// build's record of its inputs, `fresh`): the bytes, or that the file is too large (with
/// its size from `meta`), or the error.
pub fn read_digest(
    read: &std::io::Result<Option<Vec<u8>>>,
    meta: impl FnOnce() -> Option<std::fs::Metadata>,
) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    match read {
        Ok(Some(bytes)) => {
            h.update(b"bytes");
            h.update(bytes);
        }
        Ok(None) => {
            h.update(b"too large");
            h.update(&meta().map_or(0, |m| m.len()).to_le_bytes());
        }
        Err(e) => {
            h.update(b"error");
            h.update(e.to_string().as_bytes());
        }
    }
    *h.finalize().as_bytes()
}

/// The digest of a file that `resolved` says is not read: missing, or skipped and why
/// (`read_digest` is for one that is read).
pub fn unread_digest(resolved: &Resolved) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    match resolved {
        Resolved::Missing => {
            h.update(b"missing");
        }
        Resolved::Skipped(why) => {
            h.update(b"skipped");
            h.update(why.as_bytes());
        }
        Resolved::File(_) => {
            h.update(b"file");
        }
    }
    *h.finalize().as_bytes()
}

/// Resolve `path` (under `root`) and say whether it may be read. `root` need not be
/// resolved already.
pub fn resolve(root: &Path, path: &Path) -> Resolved {
    let root = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(e) => return Resolved::Skipped(format!("the notes folder cannot be resolved: {e}")),
    };
    resolve_in(&root, path)
}

/// `resolve` with `root` already canonical.
fn resolve_in(root: &Path, path: &Path) -> Resolved {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m.file_type().is_symlink(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Resolved::Missing,
        Err(e) => return Resolved::Skipped(format!("cannot read: {e}")),
    };
    let target = match std::fs::canonicalize(path) {
        Ok(t) => t,
        Err(_) if link => return Resolved::Skipped("it is a link that leads nowhere".into()),
        Err(e) => return Resolved::Skipped(format!("cannot read: {e}")),
    };
    if !target.starts_with(root) {
        return Resolved::Skipped(if link {
            "it is a link to outside the notes folder; only files inside it are read".into()
        } else {
            "it is inside a folder that links outside the notes folder".into()
        });
    }
    match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => Resolved::File(target),
        Ok(m) if m.is_dir() && link => {
            Resolved::Skipped("it is a link to a folder; links to folders are not followed".into())
        }
        Ok(m) if m.is_dir() => Resolved::Skipped("it is a folder".into()),
        Ok(_) => Resolved::Skipped(
            "it is not a regular file (a pipe, a device or a socket); only regular files are read"
                .into(),
        ),
        Err(e) => Resolved::Skipped(format!("cannot read: {e}")),
    }
}

/// The bytes of `path` (under `root`), if it is a regular file inside the notes folder:
/// `Ok(None)` when there is nothing there, `Err(why)` when it must not be read.
pub fn read_inside(root: &Path, path: &Path) -> Result<Option<Vec<u8>>, String> {
    match resolve(root, path) {
        Resolved::File(p) => std::fs::read(p)
            .map(Some)
            .map_err(|e| format!("cannot read: {e}")),
        Resolved::Missing => Ok(None),
        Resolved::Skipped(why) => Err(why),
    }
}

/// All notes under `root`, sorted by relative path, plus a diagnostic for every folder
/// that could not be read (an error) and every file or link that was skipped (a warning).
pub fn discover(root: &Path) -> (Vec<NoteFile>, Vec<Diagnostic>) {
    let mut notes = Vec::new();
    let mut diags = Vec::new();
    let canonical = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::error(
                "",
                format!("cannot read the notes folder: {e}"),
            ));
            return (notes, diags);
        }
    };
    let skipped = |rel: &str, why: &str| Diagnostic::warning(rel, format!("skipped: {why}"));
    let walker = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || {
                let name = e.file_name().to_string_lossy();
                let hidden = name.starts_with('.') || name.starts_with('_');
                let reserved = e.depth() == 1
                    && (e.file_type().is_dir() || e.path_is_symlink())
                    && RESERVED_DIRS.contains(&name.as_ref());
                !hidden && !reserved
            }
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let at = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map_or_else(String::new, rel_string);
                diags.push(Diagnostic::error(&at, format!("cannot read: {err}")));
                continue;
            }
        };
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let rel = entry
            .path()
            .strip_prefix(root)
            .map_or_else(|_| name.to_string(), rel_string);
        let is_md = Path::new(name.as_ref())
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        let is_link = entry.path_is_symlink();
        if !is_md || name.eq_ignore_ascii_case("readme.md") {
            // Not a note; but a link to a folder is worth a word (it is not followed).
            if is_link && entry.path().is_dir() {
                let why = match resolve_in(&canonical, entry.path()) {
                    Resolved::Skipped(why) => why,
                    _ => "it is a link to a folder; links to folders are not followed".into(),
                };
                diags.push(skipped(&rel, &why));
            }
            continue;
        }
        // A regular file the walk reached (it follows no link, so every folder on the way
        // is a real folder of the notes) is inside: its resolved path is the resolved
        // root and the same relative path, without a `canonicalize` (a system call per
        // folder on the way) for each of 10,000 notes. Links are resolved and checked.
        let inside = entry
            .path()
            .strip_prefix(root)
            .ok()
            .filter(|_| entry.file_type().is_file())
            .map(|r| canonical.join(r));
        let resolved = match inside {
            Some(p) => Resolved::File(p),
            None => resolve_in(&canonical, entry.path()),
        };
        let path = match resolved {
            Resolved::File(p) => p,
            Resolved::Missing => continue,
            Resolved::Skipped(why) => {
                diags.push(skipped(&rel, &why));
                continue;
            }
        };
        let stem = Path::new(name.as_ref())
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        notes.push(NoteFile { path, rel, stem });
    }
    diags.extend(check_templates(root, &canonical));
    // The walk reads folders in the file system's order (sorting each folder as it is
    // read cost a third of the walk): sorted once here, so that the same folder gives
    // the same lists.
    notes.sort_unstable_by(found_order);
    crate::diag::sort(&mut diags);
    (notes, diags)
}

/// The order of the notes found: by relative path, then (two names that are not UTF-8
/// can show as the same `rel`) by path.
fn found_order(a: &NoteFile, b: &NoteFile) -> std::cmp::Ordering {
    a.rel.cmp(&b.rel).then_with(|| a.path.cmp(&b.path))
}

/// Warnings for the `templates/` folder: the folder itself, or any file in it, that
/// will not be read (the built-in template is used instead).
fn check_templates(root: &Path, canonical: &Path) -> Vec<Diagnostic> {
    let dir = root.join("templates");
    let mut out = Vec::new();
    let warn = |rel: &str, why: &str| {
        Diagnostic::warning(rel, format!("skipped: {why}"))
            .help("the built-in template is used instead")
    };
    match std::fs::symlink_metadata(&dir) {
        Err(_) => return out,
        Ok(m) if m.file_type().is_symlink() => {
            let target = std::fs::canonicalize(&dir);
            match target {
                Ok(t) if t.starts_with(canonical) && t.is_dir() => {}
                Ok(t) if t.starts_with(canonical) => return out,
                _ => {
                    out.push(warn(
                        "templates",
                        "it is a link to outside the notes folder; only files inside it are read",
                    ));
                    return out;
                }
            }
        }
        Ok(m) if !m.is_dir() => return out,
        Ok(_) => {}
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        if let Resolved::Skipped(why) = resolve_in(canonical, &dir.join(&name)) {
            if why == "it is a folder" {
                continue;
            }
            out.push(warn(&format!("templates/{name}"), &why));
        }
    }
    out
}

fn rel_string(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_notes_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.md",
            "README.md",
            "wang/readme.MD",
            "wang/b.MD",
            "wang/deep/c.md",
            ".git/x.md",
            "_templates/t.md",
            "wang/.obsidian/y.md",
            "templates/page.md",
            "notes.txt",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x").unwrap();
        }
        let (notes, bad) = discover(root);
        assert!(bad.is_empty());
        let rels: Vec<&str> = notes.iter().map(|n| n.rel.as_str()).collect();
        assert_eq!(rels, ["a.md", "wang/b.MD", "wang/deep/c.md"]);
        assert_eq!(notes[1].stem, "b");
    }

    /// Two names that are not UTF-8 show as the same relative path (`�.md`); their
    /// paths decide their order, so a walk in any order gives the same list.
    #[cfg(unix)]
    #[test]
    fn notes_with_the_same_shown_path_are_ordered_by_their_paths() {
        use std::os::unix::ffi::OsStrExt;
        let note = |name: &[u8]| NoteFile {
            path: PathBuf::from(std::ffi::OsStr::from_bytes(name)),
            rel: String::from_utf8_lossy(name).into_owned(),
            stem: String::new(),
        };
        let (fe, ff) = (note(b"\xfe.md"), note(b"\xff.md"));
        assert_eq!(fe.rel, ff.rel, "the case this is about");
        assert_eq!(found_order(&fe, &ff), std::cmp::Ordering::Less);
        assert_eq!(found_order(&ff, &fe), std::cmp::Ordering::Greater);
        // Otherwise the shown path decides, whatever the bytes (`b` < `\xfe`, `a` < `b`).
        assert_eq!(
            found_order(&fe, &note(b"a.md")),
            std::cmp::Ordering::Greater
        );
        assert_eq!(
            found_order(&note(b"a.md"), &note(b"b.md")),
            std::cmp::Ordering::Less
        );
    }
}
