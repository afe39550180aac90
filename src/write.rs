//! Write: the site is built in a staging folder beside `--out`, then swapped in, so a
//! build that fails half-way leaves the previous site as it was. Every path written
//! is checked to stay inside the staging folder.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A file in every site we build, so we know whose folder we are replacing.
pub const MARKER: &str = ".touchbase-site";

#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
}

/// Get ready to build into `out`. Refuses folders that touchbase did not build (so a
/// typo in `--out` cannot wipe someone's files) and the notes folder itself.
pub fn prepare(out: &Path, notes_root: &Path) -> Result<Staging, String> {
    let out_abs = absolute(out)?;
    let notes_abs =
        fs::canonicalize(notes_root).map_err(|e| format!("{}: {e}", notes_root.display()))?;
    if notes_abs.starts_with(&out_abs) {
        return Err(format!(
            "refusing to build into {}: it holds the notes folder; choose another --out",
            out.display()
        ));
    }
    match fs::read_dir(&out_abs) {
        Ok(mut entries) => {
            let empty = entries.next().is_none();
            if !empty && !out_abs.join(MARKER).exists() {
                return Err(format!(
                    "refusing to replace {}: it is not empty and was not built by touchbase; choose a new or empty folder for --out",
                    out.display()
                ));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) if out_abs.exists() && !out_abs.is_dir() => {
            return Err(format!("{} is not a folder: {e}", out.display()));
        }
        Err(e) => return Err(format!("{}: {e}", out.display())),
    }
    let parent = out_abs
        .parent()
        .ok_or_else(|| format!("{} has no parent folder", out.display()))?;
    fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let name = out_abs
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    let dir = parent.join(format!(".{name}.touchbase-new-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    fs::write(
        dir.join(MARKER),
        "This folder was built by touchbase and is replaced on every build.\n",
    )
    .map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(Staging {
        dir,
        out: out_abs,
        committed: false,
    })
}

/// `path` made absolute without requiring it to exist (symlinks in existing parts
/// resolved).
fn absolute(path: &Path) -> Result<PathBuf, String> {
    if let Ok(p) = fs::canonicalize(path) {
        return Ok(p);
    }
    let abs = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => Ok(absolute(parent)?.join(name)),
        _ => Ok(abs),
    }
}

impl Staging {
    /// Write `bytes` at `rel` (a `/`-separated relative path) inside the site.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let rel_path = Path::new(rel);
        if rel.is_empty()
            || !rel_path
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unsafe output path {rel}"),
            ));
        }
        let path = self.dir.join(rel_path);
        // Create folders only when needed: one syscall per page, not three.
        match fs::write(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(path, bytes)
            }
            other => other,
        }
    }

    /// Swap the new site in place of the old one.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.touchbase-old-{}",
            self.out
                .file_name()
                .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let had_old = self.out.exists();
        if had_old {
            fs::rename(&self.out, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            if had_old {
                // Put the previous site back.
                let _ = fs::rename(&old, &self.out);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The most bytes a slug takes: file names are limited to 255 bytes (not characters),
/// and a page name adds a uniquifier (`-12345`) and `.html` or `.ics` to its slug.
pub const SLUG_BYTES: usize = 200;

/// A file name for a client id: letters (any script), digits, `-` and `_`; anything
/// else becomes `-`. Never empty, never a dot file, at most 80 characters and at most
/// `SLUG_BYTES` bytes (cut at a character boundary).
pub fn slug(id: &str) -> String {
    let mut s = String::with_capacity(id.len());
    for c in id.chars() {
        let c = c.to_lowercase().next().unwrap_or(c);
        if c.is_alphanumeric() || c == '_' {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let mut bytes = 0;
    let s: String = s
        .trim_matches('-')
        .chars()
        .take(80)
        .take_while(|c| {
            bytes += c.len_utf8();
            bytes <= SLUG_BYTES
        })
        .collect();
    let s = s.trim_end_matches('-').to_string();
    const RESERVED: [&str; 6] = ["con", "prn", "aux", "nul", "com1", "lpt1"];
    if s.is_empty() {
        "client".to_string()
    } else if RESERVED.contains(&s.as_str()) {
        format!("{s}-")
    } else {
        s
    }
}

/// Page names for a list of names: `slug` of each, made unique in order (`-2`, `-3`).
pub fn unique_slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used = std::collections::BTreeSet::new();
    // The next number to try for each base: 10,000 ids with one slug stay linear.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    names
        .into_iter()
        .map(|name| {
            let base = slug(name);
            let mut s = base.clone();
            let n = next.entry(base.clone()).or_insert(2);
            while !used.insert(s.clone()) {
                s = format!("{base}-{n}");
                *n += 1;
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slug("huadong-jiancai"), "huadong-jiancai");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("华东 建材"), "华东-建材");
        assert_eq!(slug("ABC Ltd."), "abc-ltd");
        assert_eq!(slug("..."), "client");
        assert_eq!(slug("<script>"), "script");
        assert_eq!(slug("nul"), "nul-");
        assert_eq!(
            unique_slugs(["A", "a", "a-2", "b"]),
            ["a", "a-2", "a-2-2", "b"]
        );
        assert_eq!(
            unique_slugs(["a", "a-3", "a", "a", "a"]),
            ["a", "a-3", "a-2", "a-4", "a-5"]
        );
    }

    #[test]
    fn slugs_fit_a_file_name_in_bytes() {
        // 4-byte (𠀀), 3-byte (华) and 1-byte characters, 70 and 300 of them.
        for unit in ["𠀀", "华", "a", "é"] {
            for n in [70, 300] {
                let id = unit.repeat(n);
                let s = slug(&id);
                assert!(s.len() <= SLUG_BYTES, "{unit} × {n}: {} bytes", s.len());
                assert!(id.starts_with(&s), "cut on a character boundary");
                let want = (SLUG_BYTES / unit.len()).min(80).min(n);
                assert_eq!(s.chars().count(), want, "{unit} × {n}");
                // With a uniquifier and an extension, it still fits 255 bytes.
                assert!(format!("{s}-99999.html").len() <= 255);
            }
        }
    }

    #[test]
    fn build_aside_and_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        let out = tmp.path().join("public");
        let s = prepare(&out, &notes).unwrap();
        s.write("index.html", b"one").unwrap();
        assert!(s.write("../escape.html", b"x").is_err());
        assert!(s.write("/abs.html", b"x").is_err());
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        // A second build that fails leaves the first in place.
        let s = prepare(&out, &notes).unwrap();
        s.write("index.html", b"two").unwrap();
        drop(s);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 2);
    }

    #[test]
    fn refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        fs::write(tmp.path().join("precious.txt"), "x").unwrap();
        assert!(
            prepare(tmp.path(), &notes)
                .unwrap_err()
                .contains("holds the notes")
        );
        let other = tmp.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("a.txt"), "x").unwrap();
        assert!(
            prepare(&other, &notes)
                .unwrap_err()
                .contains("not built by touchbase")
        );
    }
}
