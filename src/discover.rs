//! Discover: which files under the notes folder are client notes.
//!
//! Any `*.md` at any depth, except `README.md` (any case) and anything under a path
//! component that starts with `.` or `_` (`.git/`, `.obsidian/`, `_templates/`).
//! Symlinked folders are not followed, so a link cannot pull in files from elsewhere.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// A note file found under the notes root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFile {
    pub path: PathBuf,
    /// Relative to the notes root, `/`-separated (for diagnostics and the export).
    pub rel: String,
    /// File name without `.md`: the client's default id.
    pub stem: String,
}

/// Folder names that hold site configuration rather than notes.
const RESERVED_DIRS: [&str; 1] = ["templates"];

/// All notes under `root`, sorted by relative path, plus any folder that could not be
/// read (as path and reason).
pub fn discover(root: &Path) -> (Vec<NoteFile>, Vec<(String, String)>) {
    let mut notes = Vec::new();
    let mut unreadable = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || {
                let name = e.file_name().to_string_lossy();
                let hidden = name.starts_with('.') || name.starts_with('_');
                let reserved = e.depth() == 1
                    && e.file_type().is_dir()
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
                unreadable.push((at, err.to_string()));
                continue;
            }
        };
        // Regular files, or links to them; never folders reached through links.
        let is_file =
            entry.file_type().is_file() || (entry.path_is_symlink() && entry.path().is_file());
        let name = entry.file_name().to_string_lossy();
        let is_md = Path::new(name.as_ref())
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"));
        if !is_file || !is_md || name.eq_ignore_ascii_case("readme.md") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .map_or_else(|_| name.to_string(), rel_string);
        let stem = Path::new(name.as_ref())
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        notes.push(NoteFile {
            path: entry.path().to_path_buf(),
            rel,
            stem,
        });
    }
    notes.sort_by(|a, b| a.rel.cmp(&b.rel));
    (notes, unreadable)
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
}
