//! Write: the site is built in a staging folder beside `--out`, then swapped in, so a
//! build that fails half-way (or is killed) leaves the previous site as it was. Every
//! path written is checked to stay inside the staging folder.
//!
//! `--out` is resolved first (`.`, `..`, symlinks: `resolve`), and that real folder is
//! the one checked, before anything is created, and checked again just before the swap.
//! The swap is one atomic step on Linux (`renameat2(RENAME_EXCHANGE)`), so `--out`
//! never goes missing; elsewhere it is two renames. Staging and old-site folders that
//! a killed build left beside `--out` are removed by the next build, but only those
//! named like ours and holding our marker file.
//!
//! A rebuild over a previous site of ours reuses every file whose bytes did not change:
//! the old file is hard-linked into the staging folder (same inode, same mtime), and
//! only files whose bytes changed are written (`Previous`). The old site is only read
//! through folder handles opened without following symlinks, only regular files of ours
//! with one link are reused, and whatever is odd falls back to writing. Nothing is ever
//! written into an existing file of the staging folder, so a link to an old file is
//! never written through.
//!
//! A page can also be reused without being made at all (`Staging::reuse_made`): the
//! build that wrote it recorded a key (`page_key`) over what the page was made from and
//! the bytes it wrote, and a later build that would make the page from the same links
//! the old file once its bytes, read back, give that key again.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::workspace::Fatal;

/// A file in every site we build, so we know whose folder we are replacing.
pub const MARKER: &str = ".touchbase-site";

/// Why `--out` cannot be used. Nothing was created or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `--out` is the notes folder.
    IsNotes,
    /// `--out` is inside the notes folder.
    InsideNotes,
    /// The notes folder is inside `--out`.
    HoldsNotes,
    /// A non-empty folder without our marker.
    Foreign,
    /// A file (or anything else that is not a folder).
    NotAFolder,
    /// `/` or similar: no parent to build beside.
    NoParent,
    /// What `--out` names changed while the site was being built.
    Changed,
}

impl Refusal {
    pub fn why(self) -> &'static str {
        match self {
            Refusal::IsNotes => "it is the notes folder",
            Refusal::InsideNotes => "it is inside the notes folder",
            Refusal::HoldsNotes => "it holds the notes folder",
            Refusal::Foreign => {
                "it is not empty and was not built by touchbase (it has no .touchbase-site file)"
            }
            Refusal::NotAFolder => "it is not a folder",
            Refusal::NoParent => "it has no parent folder to build the site beside",
            Refusal::Changed => "it changed while the site was being built",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            Refusal::IsNotes | Refusal::InsideNotes | Refusal::HoldsNotes => {
                "choose an --out folder outside the notes folder, e.g. `public` beside it"
            }
            Refusal::Foreign | Refusal::NotAFolder | Refusal::NoParent => {
                "choose a new or empty folder for --out; touchbase only replaces folders it built"
            }
            Refusal::Changed => "build again, and let no other program write --out during a build",
        }
    }
}

#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    /// `--out` as given (for messages and the check before the swap).
    given: PathBuf,
    /// `--out` resolved: the folder that is replaced.
    out: PathBuf,
    notes: PathBuf,
    pages: AtomicUsize,
    files: AtomicUsize,
    /// Of those (pages and files), how many were linked unchanged from the previous site.
    unchanged: AtomicUsize,
    /// The previous site, when it is ours and its files can be linked.
    previous: Option<Previous>,
    /// Each file written or linked (the marker aside) and the digest of its bytes, for
    /// the marker's record (`fresh`).
    digests: std::sync::Mutex<Vec<(String, [u8; 32])>>,
    /// The previous build's page keys, by file (`recall`), and this build's.
    made_before: std::collections::HashMap<String, PageKey>,
    made: std::sync::Mutex<Vec<(String, PageKey)>>,
    /// How many pages were linked without being made (`reuse_made`).
    unmade: AtomicUsize,
    committed: bool,
}

/// A key over what a page was made from and the bytes it became: the first half of
/// BLAKE3 over both digests.
pub type PageKey = [u8; 16];

/// The key of a page made from `made_from` into bytes whose digest is `bytes`.
pub fn page_key(made_from: &[u8; 32], bytes: &[u8; 32]) -> PageKey {
    let mut h = blake3::Hasher::new();
    h.update(b"touchbase page 1");
    h.update(made_from);
    h.update(bytes);
    let mut key = [0; 16];
    key.copy_from_slice(h.finalize().as_bytes().get(..16).unwrap_or(&[0; 16]));
    key
}

/// The largest page read back to be reused without being made (`reuse_made`).
const REUSE_MAX: u64 = 64 << 20;

/// What the marker file says first (a build then adds its record: `fresh::Record`).
pub const MARKER_TEXT: &str =
    "This folder was built by touchbase and is replaced on every build.\n";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> Fatal + '_ {
    move |source| Fatal::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Get ready to build into `out`. Refuses folders that touchbase did not build (so a
/// typo in `--out` cannot wipe someone's files), files, and the notes folder, anything
/// inside it or holding it. On refusal nothing is created or deleted.
pub fn prepare(out: &Path, notes_root: &Path) -> Result<Staging, Fatal> {
    let real = resolve(out).map_err(io_err(out))?;
    let notes = fs::canonicalize(notes_root).map_err(io_err(notes_root))?;
    check_target(out, &real, &notes)?;
    let (parent, name) = match (real.parent(), real.file_name()) {
        (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().into_owned()),
        _ => return Err(refused(out, &real, Refusal::NoParent)),
    };
    remove_leftovers(&parent, &name);
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let dir = parent.join(format!(".{name}{NEW}{}", std::process::id()));
    if is_ours(&dir) {
        remove_ours(&dir).map_err(io_err(&dir))?;
    }
    fs::create_dir(&dir).map_err(io_err(&dir))?;
    // Checked by `check_target`: a folder that is empty or holds our marker.
    let previous = if is_ours(&real) {
        Previous::open(&real, &dir)
    } else {
        None
    };
    let staging = Staging {
        dir,
        given: out.to_path_buf(),
        out: real,
        notes,
        pages: AtomicUsize::new(0),
        files: AtomicUsize::new(0),
        unchanged: AtomicUsize::new(0),
        previous,
        digests: std::sync::Mutex::new(Vec::new()),
        made_before: std::collections::HashMap::new(),
        made: std::sync::Mutex::new(Vec::new()),
        unmade: AtomicUsize::new(0),
        committed: false,
    };
    let marker = Path::new(MARKER);
    if !staging.reuse(marker, MARKER_TEXT.as_bytes()) {
        staging
            .put(marker, MARKER_TEXT.as_bytes())
            .map_err(io_err(&staging.dir))?;
    }
    Ok(staging)
}

/// For a build that writes nothing (`fresh`): the checks `prepare` makes of `out`,
/// and the leftovers of killed builds removed. Returns `out` resolved.
pub fn tidy(out: &Path, notes_root: &Path) -> Result<PathBuf, Fatal> {
    let real = resolve(out).map_err(io_err(out))?;
    let notes = fs::canonicalize(notes_root).map_err(io_err(notes_root))?;
    check_target(out, &real, &notes)?;
    if let (Some(parent), Some(name)) = (real.parent(), real.file_name()) {
        remove_leftovers(parent, &name.to_string_lossy());
    }
    Ok(real)
}

/// The infixes of our staging and old-site folders: `.<out name>.touchbase-new-<pid>`.
const NEW: &str = ".touchbase-new-";
const OLD: &str = ".touchbase-old-";

fn refused(given: &Path, real: &Path, why: Refusal) -> Fatal {
    Fatal::Output {
        path: given.to_path_buf(),
        real: real.to_path_buf(),
        why,
    }
}

/// May the resolved `real` be replaced by a site built from `notes`?
fn check_target(given: &Path, real: &Path, notes: &Path) -> Result<(), Fatal> {
    let refuse = |why| Err(refused(given, real, why));
    if real == notes {
        return refuse(Refusal::IsNotes);
    }
    if real.starts_with(notes) {
        return refuse(Refusal::InsideNotes);
    }
    if notes.starts_with(real) {
        return refuse(Refusal::HoldsNotes);
    }
    match fs::symlink_metadata(real) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(given)(e)),
        Ok(m) if !m.is_dir() => refuse(Refusal::NotAFolder),
        Ok(_) => {
            let mut entries = fs::read_dir(real).map_err(io_err(given))?;
            if entries.next().is_none() || is_file(&real.join(MARKER)) {
                Ok(())
            } else {
                refuse(Refusal::Foreign)
            }
        }
    }
}

fn is_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// `path` as the system will see it once its missing folders are made: absolute, with
/// every existing symlink resolved, `.` dropped, and each `..` taking off the part
/// before it (so `missing/../site` is `site`, as it is once `missing` exists).
/// Everything after the first part that does not exist is plain names.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut real = PathBuf::new();
    // How many trailing parts of `real` do not exist (0: `real` exists).
    let mut missing = 0usize;
    for c in abs.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => real.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                // `real` has no symlinks, so its lexical parent is its real parent.
                real.pop();
                missing = missing.saturating_sub(1);
            }
            Component::Normal(name) => {
                real.push(name);
                if missing > 0 {
                    missing += 1;
                    continue;
                }
                match fs::symlink_metadata(&real) {
                    Ok(m) if m.file_type().is_symlink() => {
                        real = fs::canonicalize(&real).map_err(|e| match e.kind() {
                            io::ErrorKind::NotFound => io::Error::new(
                                e.kind(),
                                "a symlink to something that does not exist",
                            ),
                            _ => e,
                        })?;
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => missing = 1,
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(real)
}

/// Is `name` one of our staging or old-site folder names for the site `site`?
fn leftover_name(name: &str, site: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_prefix(site)) else {
        return false;
    };
    let Some(pid) = rest.strip_prefix(NEW).or_else(|| rest.strip_prefix(OLD)) else {
        return false;
    };
    !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
}

/// Is the process named at the end of a leftover's name (`…-<pid>`) running? Always
/// false where we cannot tell. A pid used again by an unrelated process only delays
/// the removal to a later build.
fn running(name: &str) -> bool {
    let Some(pid) = name.rsplit('-').next() else {
        return false;
    };
    cfg!(target_os = "linux")
        && pid != std::process::id().to_string()
        && Path::new("/proc").join(pid).exists()
}

/// A real folder (not a symlink) holding our marker file.
fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) && is_file(&dir.join(MARKER))
}

/// Remove what earlier builds of `site` left in `parent` (killed while building, or
/// while removing the old site): folders named like ours that hold our marker, and
/// empty ones named like ours. Anything else is left alone; failures are ignored (a
/// leftover is only wasted space).
fn remove_leftovers(parent: &Path, site: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(|n| leftover_name(n, site)) {
            continue;
        }
        let path = entry.path();
        if running(&name.to_string_lossy()) {
            // Another build of the same site, under way: its folder is not a leftover.
            continue;
        }
        if is_ours(&path) {
            let _ = remove_ours(&path);
        } else if entry.file_type().is_ok_and(|t| t.is_dir()) {
            // Only succeeds when empty.
            let _ = fs::remove_dir(&path);
        }
    }
}

/// Remove a folder of ours, its marker last, so a removal cut short still leaves a
/// folder the next build recognises.
fn remove_ours(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    match fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(dir)
}

/// Swap the folders `a` and `b` (both exist) in one step, if the system can.
/// `Ok(false)`: it cannot (not Linux, or a file system without it).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// `rel` as a path, when it is a plain relative path (no `..`, no root).
fn checked(rel: &str) -> io::Result<&Path> {
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
    Ok(rel_path)
}

impl Staging {
    /// Create the file `rel` (a `/`-separated relative path) inside the site, to be
    /// written as a stream (a calendar feed of tens of MB need not be held whole), and
    /// then `Stream::finish`ed. While the stream is the previous site's file byte for
    /// byte, nothing is written: it is compared as it comes, and linked when it ends.
    pub fn create(&self, rel: &str) -> io::Result<Stream<'_>> {
        let rel_path = checked(rel)?;
        let path = self.dir.join(rel_path);
        let old = self
            .previous
            .as_ref()
            .and_then(|p| p.file(rel_path).map(|f| (p, f)));
        let new = match old {
            Some(_) => None,
            None => Some(create_new(&path)?),
        };
        Ok(Stream {
            staging: self,
            rel: rel.to_string(),
            path,
            old,
            matched: 0,
            new,
            scratch: Vec::new(),
            hasher: blake3::Hasher::new(),
        })
    }

    fn count(&self, rel: &str, unchanged: bool) {
        let count = if rel.ends_with(".html") {
            &self.pages
        } else {
            &self.files
        };
        count.fetch_add(1, Ordering::Relaxed);
        if unchanged {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Write `bytes` at `rel` (a `/`-separated relative path) inside the site: a link
    /// to the previous site's file when it holds exactly these bytes, else a new file.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_digested(rel, bytes, *blake3::hash(bytes).as_bytes())
    }

    fn write_digested(&self, rel: &str, bytes: &[u8], digest: [u8; 32]) -> io::Result<()> {
        let rel_path = checked(rel)?;
        let unchanged = self.reuse(rel_path, bytes);
        if !unchanged {
            self.put(rel_path, bytes)?;
        }
        self.count(rel, unchanged);
        self.digested(rel, digest);
        Ok(())
    }

    /// The page keys the previous site's marker recorded (`fresh::Record::made`): pages
    /// made from the same inputs may then be linked without being made
    /// (`reuse_made`).
    pub fn recall(&mut self, made: std::collections::HashMap<String, PageKey>) {
        self.made_before = made;
    }

    /// Link the previous site's `rel` when the previous build made it from `made_from`
    /// too (its recorded key) and its bytes, read back now, are the ones it wrote. True
    /// when linked: the page is then counted, digested and keyed as if written.
    pub fn reuse_made(&self, rel: &str, made_from: &[u8; 32]) -> io::Result<bool> {
        use io::Read;
        let rel_path = checked(rel)?;
        let (Some(previous), Some(recorded)) = (&self.previous, self.made_before.get(rel)) else {
            return Ok(false);
        };
        let Some(mut old) = previous.file(rel_path).filter(|f| f.len <= REUSE_MAX) else {
            return Ok(false);
        };
        // Hashed as it is read: the page is never held.
        let mut hasher = blake3::Hasher::new();
        let Ok(read) = io::copy(&mut (&mut old.file).take(old.len), &mut hasher) else {
            return Ok(false);
        };
        let digest = *hasher.finalize().as_bytes();
        if read != old.len
            || page_key(made_from, &digest) != *recorded
            || !previous.link(rel_path, &old, &self.dir.join(rel_path))
        {
            return Ok(false);
        }
        self.count(rel, true);
        self.digested(rel, digest);
        self.keyed(rel, *recorded);
        self.unmade.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// How many pages were linked without being made (`reuse_made`) so far.
    pub fn unmade(&self) -> usize {
        self.unmade.load(Ordering::Relaxed)
    }

    /// `write`, and record the page's key: made from `made_from`.
    pub fn write_made(&self, rel: &str, bytes: &[u8], made_from: &[u8; 32]) -> io::Result<()> {
        let digest = *blake3::hash(bytes).as_bytes();
        self.write_digested(rel, bytes, digest)?;
        self.keyed(rel, page_key(made_from, &digest));
        Ok(())
    }

    fn keyed(&self, rel: &str, key: PageKey) {
        if let Ok(mut m) = self.made.lock() {
            m.push((rel.to_string(), key));
        }
    }

    /// Every page keyed so far (`write_made`, `reuse_made`), in path order.
    pub fn made(&self) -> Vec<(String, PageKey)> {
        let mut made = self.made.lock().map(|m| m.clone()).unwrap_or_default();
        made.sort_unstable();
        made
    }

    fn digested(&self, rel: &str, digest: [u8; 32]) {
        if let Ok(mut d) = self.digests.lock() {
            d.push((rel.to_string(), digest));
        }
    }

    /// Every file written so far (the marker aside), and the digest of its bytes.
    pub fn digests(&self) -> Vec<(String, [u8; 32])> {
        self.digests.lock().map(|d| d.clone()).unwrap_or_default()
    }

    /// Make the marker say `text` (its first line `MARKER_TEXT`, then the build's
    /// record): the previous site's marker linked when it says the same, else a new
    /// file renamed over the one `prepare` put, so the folder always has a marker.
    pub fn seal(&self, text: &str) -> io::Result<()> {
        let marker = Path::new(MARKER);
        let next = self.dir.join(".touchbase-site.next");
        let _ = fs::remove_file(&next);
        let linked = self.previous.as_ref().is_some_and(|p| {
            p.file(marker).is_some_and(|mut old| {
                old.len == text.len() as u64
                    && same_bytes(&mut old.file, text.as_bytes())
                    && p.link(marker, &old, &next)
            })
        });
        if !linked {
            use io::Write;
            create_new(&next)?.write_all(text.as_bytes())?;
        }
        fs::rename(&next, self.dir.join(marker))
    }

    /// Link the previous site's `rel` into the staging folder if its bytes are `bytes`.
    fn reuse(&self, rel: &Path, bytes: &[u8]) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let Some(mut old) = previous.file(rel) else {
            return false;
        };
        old.len == bytes.len() as u64
            && same_bytes(&mut old.file, bytes)
            && previous.link(rel, &old, &self.dir.join(rel))
    }

    /// Write `bytes` into a new file at `rel`.
    fn put(&self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        use io::Write;
        create_new(&self.dir.join(rel))?.write_all(bytes)
    }

    /// Where `rel` is being written (for messages).
    pub fn path_of(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// How many HTML pages were written so far.
    pub fn pages(&self) -> usize {
        self.pages.load(Ordering::Relaxed)
    }

    /// How many other files (stylesheet, script) were written so far.
    pub fn other_files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Of the pages and other files, how many are the previous site's files, linked
    /// because their bytes did not change (the marker file not counted).
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Swap the new site in place of the old one, after checking again that `--out`
    /// still names the folder checked at the start and that it may be replaced.
    pub fn commit(mut self) -> Result<(), Fatal> {
        let now = resolve(&self.given).map_err(io_err(&self.given))?;
        if now != self.out {
            return Err(refused(&self.given, &now, Refusal::Changed));
        }
        check_target(&self.given, &self.out, &self.notes)?;
        let out = self.out.clone();
        let had_old = fs::symlink_metadata(&out).is_ok();
        if !had_old {
            fs::rename(&self.dir, &out).map_err(io_err(&out))?;
            self.committed = true;
            return Ok(());
        }
        if exchange(&self.dir, &out).map_err(io_err(&out))? {
            // The old site is now where the staging folder was.
            self.committed = true;
            let _ = remove_ours(&self.dir);
            return Ok(());
        }
        // Two renames: `--out` is missing for a moment.
        let old = self.dir.with_file_name(format!(
            ".{}{OLD}{}",
            out.file_name()
                .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        fs::rename(&out, &old).map_err(io_err(&out))?;
        if let Err(e) = fs::rename(&self.dir, &out) {
            // Put the previous site back.
            let _ = fs::rename(&old, &out);
            return Err(io_err(&out)(e));
        }
        self.committed = true;
        // A failure here leaves a leftover that the next build removes.
        let _ = remove_ours(&old);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.dir);
        }
    }
}

/// A new file at `path` (its folders made when missing). Never an existing file: one
/// left there (a file written twice) is replaced, not written into, as it may be a
/// link to the previous site's file.
fn create_new(path: &Path) -> io::Result<fs::File> {
    let open = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match open() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            open()
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()
        }
        other => other,
    }
}

/// Are the next `bytes.len()` bytes of `file` exactly `bytes`? (Its length is checked
/// apart: from its metadata, before, and again when it is linked.)
fn same_bytes(file: &mut fs::File, bytes: &[u8]) -> bool {
    use io::Read;
    thread_local! {
        static CHUNK: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    CHUNK.with_borrow_mut(|chunk| {
        chunk.resize(1 << 16, 0);
        let mut rest = bytes;
        loop {
            if rest.is_empty() {
                return true;
            }
            let want = rest.len().min(chunk.len());
            match file.read(chunk.get_mut(..want).unwrap_or_default()) {
                Ok(0) => return false,
                Ok(n) => {
                    let (Some(read), Some(want)) = (chunk.get(..n), rest.get(..n)) else {
                        return false;
                    };
                    if read != want {
                        return false;
                    }
                    rest = rest.get(n..).unwrap_or_default();
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    })
}

/// A file of the site written as a stream (`Staging::create`). Call `finish` at the end.
pub struct Stream<'a> {
    staging: &'a Staging,
    rel: String,
    path: PathBuf,
    /// The previous site's file, while every byte so far is the same as in it.
    old: Option<(&'a Previous, OldFile)>,
    /// How many bytes so far were the same (and not written).
    matched: u64,
    /// The new file, once the stream differs from the old one (or there is none).
    new: Option<fs::File>,
    scratch: Vec<u8>,
    /// The digest (BLAKE3) of the bytes so far (`Staging::digests`).
    hasher: blake3::Hasher,
}

impl Stream<'_> {
    /// From here on, write: a new file with the bytes that matched so far.
    fn diverge(&mut self) -> io::Result<&mut fs::File> {
        use io::{Seek, SeekFrom};
        if self.new.is_none() {
            let mut new = create_new(&self.path)?;
            if let Some((_, mut old)) = self.old.take() {
                old.file.seek(SeekFrom::Start(0))?;
                let copied = io::copy(&mut io::Read::take(&mut old.file, self.matched), &mut new)?;
                if copied != self.matched {
                    return Err(io::Error::other(
                        "the previous site changed during the build",
                    ));
                }
            }
            self.new = Some(new);
        }
        self.new
            .as_mut()
            .ok_or_else(|| io::Error::other("no file to write"))
    }

    /// The stream is complete: link the old file if it was the same to its end, or
    /// finish writing the new one.
    pub fn finish(mut self) -> io::Result<()> {
        use io::Write;
        let mut unchanged = false;
        if let Some((previous, old)) = &mut self.old {
            unchanged =
                old.len == self.matched && previous.link(Path::new(&self.rel), old, &self.path);
        }
        if !unchanged {
            self.diverge()?.flush()?;
        }
        self.staging.count(&self.rel, unchanged);
        self.staging
            .digested(&self.rel, *self.hasher.finalize().as_bytes());
        Ok(())
    }
}

impl io::Write for Stream<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        if let Some((_, old)) = &mut self.old {
            use io::Read;
            self.scratch.resize(buf.len(), 0);
            if old.file.read_exact(&mut self.scratch).is_ok() && self.scratch == buf {
                self.matched += buf.len() as u64;
                return Ok(buf.len());
            }
        }
        self.diverge()?.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.new {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

pub use previous::{OldFile, Previous};

/// The previous site, read without following symlinks (Linux: `openat` with
/// `O_NOFOLLOW` from folder handles; elsewhere nothing is reused).
#[cfg(target_os = "linux")]
mod previous {
    use std::collections::HashMap;
    use std::fs;
    use std::os::fd::OwnedFd;
    use std::os::unix::fs::MetadataExt;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};

    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};

    /// A previous site of ours, on the staging folder's file system.
    #[derive(Debug)]
    pub struct Previous {
        root: Arc<OwnedFd>,
        dev: u64,
        uid: u32,
        /// Handles of its folders, by relative path (`None`: not a real folder).
        dirs: Mutex<HashMap<PathBuf, Option<Arc<OwnedFd>>>>,
    }

    /// A regular file of the previous site, open.
    #[derive(Debug)]
    pub struct OldFile {
        pub file: fs::File,
        pub len: u64,
        ino: u64,
    }

    const DIR: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::NOFOLLOW)
        .union(OFlags::CLOEXEC);

    impl Previous {
        /// `site` (resolved: no symlink in it), when it is a real folder on the file
        /// system of `staging` and owned by whoever owns `staging` (us).
        pub fn open(site: &Path, staging: &Path) -> Option<Previous> {
            let root = rustix::fs::openat(CWD, site, DIR, Mode::empty()).ok()?;
            let st = rustix::fs::fstat(&root).ok()?;
            let ours = fs::symlink_metadata(staging).ok()?;
            if st.st_dev != ours.dev() || st.st_uid != ours.uid() {
                return None;
            }
            Some(Previous {
                root: Arc::new(root),
                dev: ours.dev(),
                uid: ours.uid(),
                dirs: Mutex::new(HashMap::new()),
            })
        }

        /// The handle of the folder `rel` (`""`: the site), each part opened without
        /// following a symlink.
        fn dir(&self, rel: &Path) -> Option<Arc<OwnedFd>> {
            if rel.as_os_str().is_empty() {
                return Some(self.root.clone());
            }
            if let Some(known) = self.dirs.lock().ok()?.get(rel) {
                return known.clone();
            }
            let parent = self.dir(rel.parent()?)?;
            let opened = rustix::fs::openat(&*parent, rel.file_name()?, DIR, Mode::empty())
                .ok()
                .map(Arc::new);
            self.dirs
                .lock()
                .ok()?
                .insert(rel.to_path_buf(), opened.clone());
            opened
        }

        /// The previous site's `rel` (checked by `checked`), when it is a regular file
        /// (never through a symlink) of ours with no other link.
        pub fn file(&self, rel: &Path) -> Option<OldFile> {
            let dir = self.dir(rel.parent()?)?;
            let flags = OFlags::RDONLY
                | OFlags::NOFOLLOW
                | OFlags::NONBLOCK
                | OFlags::NOCTTY
                | OFlags::CLOEXEC;
            let fd = rustix::fs::openat(&*dir, rel.file_name()?, flags, Mode::empty()).ok()?;
            let st = rustix::fs::fstat(&fd).ok()?;
            let regular = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile;
            if !regular || st.st_nlink != 1 || st.st_uid != self.uid || st.st_dev != self.dev {
                return None;
            }
            Some(OldFile {
                file: fs::File::from(fd),
                len: u64::try_from(st.st_size).ok()?,
                ino: st.st_ino,
            })
        }

        /// Link the previous site's `rel` at `to` (in the staging folder), when the
        /// name still names `old`. False (and nothing left at `to`) when it cannot.
        pub fn link(&self, rel: &Path, old: &OldFile, to: &Path) -> bool {
            let (Some(dir), Some(name)) = (rel.parent().and_then(|p| self.dir(p)), rel.file_name())
            else {
                return false;
            };
            let link = || rustix::fs::linkat(&*dir, name, CWD, to, AtFlags::empty());
            let linked = match link() {
                Err(rustix::io::Errno::NOENT) => match to.parent().map(fs::create_dir_all) {
                    Some(Ok(())) => link(),
                    _ => return false,
                },
                other => other,
            };
            if linked.is_err() {
                return false;
            }
            // The name may have been replaced since it was opened and compared.
            let same = rustix::fs::statat(CWD, to, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|st| {
                st.st_ino == old.ino
                    && st.st_dev == self.dev
                    && u64::try_from(st.st_size).is_ok_and(|len| len == old.len)
            });
            if !same {
                let _ = fs::remove_file(to);
            }
            same
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod previous {
    use std::fs;
    use std::path::Path;

    /// Elsewhere nothing is reused: every file is written.
    #[derive(Debug)]
    pub struct Previous;

    #[derive(Debug)]
    pub struct OldFile {
        pub file: fs::File,
        pub len: u64,
    }

    impl Previous {
        pub fn open(_site: &Path, _staging: &Path) -> Option<Previous> {
            None
        }

        pub fn file(&self, _rel: &Path) -> Option<OldFile> {
            None
        }

        pub fn link(&self, _rel: &Path, _old: &OldFile, _to: &Path) -> bool {
            false
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

    fn refusal(r: Result<Staging, Fatal>) -> Refusal {
        match r {
            Err(Fatal::Output { why, .. }) => why,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        fs::write(tmp.path().join("precious.txt"), "x").unwrap();
        assert_eq!(refusal(prepare(tmp.path(), &notes)), Refusal::HoldsNotes);
        assert_eq!(refusal(prepare(&notes, &notes)), Refusal::IsNotes);
        assert_eq!(
            refusal(prepare(&notes.join("site"), &notes)),
            Refusal::InsideNotes
        );
        let other = tmp.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("a.txt"), "x").unwrap();
        assert_eq!(refusal(prepare(&other, &notes)), Refusal::Foreign);
        assert_eq!(
            refusal(prepare(&tmp.path().join("precious.txt"), &notes)),
            Refusal::NotAFolder
        );
        assert!(!notes.join("site").exists());
        // Nothing was created beside any of them.
        let mut names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["notes", "other", "precious.txt"]);
    }

    #[test]
    #[cfg(unix)]
    fn resolve_follows_dots_and_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        let r = |p: &str| resolve(&root.join(p)).unwrap();
        assert_eq!(r("missing/../real"), root.join("real"));
        assert_eq!(r("missing/deeper/../../real"), root.join("real"));
        assert_eq!(r("./real/."), root.join("real"));
        assert_eq!(r("link"), root.join("real"));
        assert_eq!(r("missing/../link/site"), root.join("real/site"));
        assert_eq!(
            r("link/../real"),
            root.join("real"),
            "`..` of the real folder"
        );
        assert_eq!(r("new/site"), root.join("new/site"));
        assert!(!root.join("missing").exists());
    }

    #[test]
    fn only_our_leftovers_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        let ours = |name: &str, marker: bool| {
            let d = p.join(name);
            fs::create_dir_all(d.join("clients")).unwrap();
            fs::write(d.join("clients/a.html"), "x").unwrap();
            if marker {
                fs::write(d.join(MARKER), "").unwrap();
            }
            d
        };
        let gone = [
            ours(".site.touchbase-new-99999123", true),
            ours(".site.touchbase-old-99999999", true),
        ];
        fs::create_dir(p.join(".site.touchbase-new-99999977")).unwrap();
        let kept = [
            ours(".site.touchbase-new-99999124", false),
            ours(".site.touchbase-new-x1", true),
            ours(".other.touchbase-new-1", true),
            ours(".site.touchbase-new-", true),
            ours("site.touchbase-old-5", true),
        ];
        // A build under way (pid 1 always runs) keeps its folder.
        let running = ours(".site.touchbase-new-1", true);
        remove_leftovers(p, "site");
        for d in &gone {
            assert!(!d.exists(), "{}", d.display());
        }
        assert!(!p.join(".site.touchbase-new-99999977").exists(), "empty");
        assert_eq!(running.exists(), cfg!(target_os = "linux"));
        for d in &kept {
            assert!(d.join("clients/a.html").is_file(), "{}", d.display());
        }
    }

    #[test]
    #[cfg(unix)]
    fn checked_again_before_the_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        let out = tmp.path().join("public");
        // Someone's files appear at `--out` during the build.
        let s = prepare(&out, &notes).unwrap();
        fs::create_dir(&out).unwrap();
        fs::write(out.join("a.txt"), "mine").unwrap();
        assert!(matches!(
            s.commit(),
            Err(Fatal::Output {
                why: Refusal::Foreign,
                ..
            })
        ));
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "mine");
        // `--out` becomes a symlink to another folder during the build.
        let out = tmp.path().join("site");
        let s = prepare(&out, &notes).unwrap();
        std::os::unix::fs::symlink(&notes, &out).unwrap();
        assert!(matches!(
            s.commit(),
            Err(Fatal::Output {
                why: Refusal::Changed,
                ..
            })
        ));
        assert!(fs::symlink_metadata(&out).unwrap().is_symlink());
        let mut names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["notes", "public", "site"], "staging removed");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_swap_is_one_exchange() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("x"), "new").unwrap();
        fs::write(b.join("x"), "old").unwrap();
        assert!(
            exchange(&a, &b).unwrap(),
            "RENAME_EXCHANGE unsupported here"
        );
        assert_eq!(fs::read_to_string(b.join("x")).unwrap(), "new");
        assert_eq!(fs::read_to_string(a.join("x")).unwrap(), "old");
    }

    #[test]
    fn counts_what_was_written() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        let s = prepare(&tmp.path().join("public"), &notes).unwrap();
        s.write("index.html", b"x").unwrap();
        s.write("clients/a.html", b"x").unwrap();
        s.write("assets/style.css", b"x").unwrap();
        assert!(s.write("../b.html", b"x").is_err());
        assert_eq!((s.pages(), s.other_files()), (2, 1));
    }

    #[cfg(target_os = "linux")]
    fn ino(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).unwrap().ino()
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn unchanged_files_are_linked_and_changed_ones_written() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        let out = tmp.path().join("public");
        let s = prepare(&out, &notes).unwrap();
        s.write("index.html", b"one").unwrap();
        s.write("clients/a.html", b"aaa").unwrap();
        s.write("clients/b.html", b"bbb").unwrap();
        s.write("assets/style.css", b"css").unwrap();
        assert_eq!(s.unchanged(), 0, "no previous site");
        s.commit().unwrap();
        let old = |rel: &str| ino(&out.join(rel));
        let (index, a, b, css, marker) = (
            old("index.html"),
            old("clients/a.html"),
            old("clients/b.html"),
            old("assets/style.css"),
            old(MARKER),
        );
        let s = prepare(&out, &notes).unwrap();
        s.write("index.html", b"two").unwrap();
        s.write("clients/a.html", b"aaa").unwrap();
        s.write("clients/b.html", b"bbb").unwrap();
        s.write("assets/style.css", b"cs").unwrap();
        // Written twice (a bug): the link is replaced, the old site's file untouched.
        s.write("clients/a.html", b"AAA").unwrap();
        assert_eq!(
            fs::read_to_string(out.join("clients/a.html")).unwrap(),
            "aaa"
        );
        assert_eq!((s.pages(), s.other_files(), s.unchanged()), (4, 1, 2));
        s.commit().unwrap();
        assert_ne!(old("index.html"), index);
        assert_ne!(old("clients/a.html"), a);
        assert_eq!(
            fs::read_to_string(out.join("clients/a.html")).unwrap(),
            "AAA"
        );
        assert_eq!(old("clients/b.html"), b);
        assert_ne!(old("assets/style.css"), css);
        assert_eq!(old(MARKER), marker);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert_eq!(
            fs::read_to_string(out.join("assets/style.css")).unwrap(),
            "cs"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn streams_are_compared_as_they_come() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes");
        fs::create_dir(&notes).unwrap();
        let out = tmp.path().join("public");
        let old: &[&[u8]] = &[b"abc", b"def", b"ghi"];
        let stream = |s: &Staging, chunks: &[&[u8]]| {
            let mut f = s.create("calendar.ics").unwrap();
            for c in chunks {
                f.write_all(c).unwrap();
            }
            f.finish().unwrap();
        };
        let s = prepare(&out, &notes).unwrap();
        stream(&s, old);
        s.commit().unwrap();
        let cases: &[(&[&[u8]], bool)] = &[
            (old, true),
            (&[b"abcdefghi"], true),
            (&[b"abc", b"deX", b"ghi"], false),
            (&[b"Xbc", b"def", b"ghi"], false),
            (&[b"abc", b"def"], false),
            (&[b"abc", b"def", b"ghi", b"j"], false),
            (&[b"abc", b"defghij"], false),
            (&[], false),
        ];
        for (chunks, same) in cases {
            let before = ino(&out.join("calendar.ics"));
            let s = prepare(&out, &notes).unwrap();
            stream(&s, chunks);
            assert_eq!(s.unchanged(), usize::from(*same), "{chunks:?}");
            assert_eq!(s.other_files(), 1);
            s.commit().unwrap();
            let want: Vec<u8> = chunks.concat();
            assert_eq!(fs::read(out.join("calendar.ics")).unwrap(), want);
            assert_eq!(
                ino(&out.join("calendar.ics")) == before,
                *same,
                "{chunks:?}"
            );
            // Back to the old bytes for the next case.
            let s = prepare(&out, &notes).unwrap();
            stream(&s, old);
            s.commit().unwrap();
        }
    }
}
