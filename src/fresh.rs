//! Fresh: is the site in `--out` already, byte for byte, what this build would write?
//!
//! A build records in the site's marker file (`.touchbase-site`) a digest of every
//! input it read and a digest of every file it wrote. The inputs are the touchbase
//! that builds (`TOUCHBASE_BUILD_ID`, from `build.rs`), the day and the "since" day,
//! the language, `touchbase.yaml`, the `templates/` folder, and every note found
//! (its path in the folder and its bytes, and what discovery said about the folder).
//! Where the notes folder or the site are does not count: it changes no byte. The
//! output digest is over each file's path and bytes. Both depend on nothing but those bytes, so two
//! builds of the same notes write the same marker, wherever they run.
//!
//! When `--out` holds such a record, the next build first works out the inputs'
//! digest again (reading and hashing the notes costs a tenth of parsing them) and,
//! when it is the recorded one, reads the site back and hashes it. When that matches
//! too, the site is what the build would write, and nothing is written (`touchbase
//! build --force` builds anyway). A build that does write takes its notes' digests from
//! the bytes it parses (`workspace::read_notes_for_site`) and the rest (`head`) before
//! it reads, so a file edited during a build makes the next one a full build, never a
//! stale site (once it has rendered, the build takes `head` again from the digests of
//! the `touchbase.yaml` it parsed and the templates it loaded, `head_of`, and records
//! nothing when that differs: a file edited and edited back meanwhile is caught too). Any doubt (no marker, another touchbase, a file edited, added or
//! removed, a link or anything odd in the site, a folder or note that cannot be read)
//! means a full build. A build that writes still makes only the client pages whose keys
//! (`write::page_key`, one `page` line each in the marker: `Record::made`) changed;
//! `render::Renderer::made_from` says what a key covers. The site's files are opened as
//! the previous site's are for reuse
//! (`write::Previous`: from folder handles, never following a symlink); the walk that
//! lists them follows no link either, and a link anywhere in the site fails it.

use std::io::Read as _;
use std::path::Path;

use rayon::prelude::*;

use crate::config::Lang;
use crate::model::Date;

/// A digest (BLAKE3) as 64 lowercase hex digits.
pub type Digest = String;

/// Which touchbase this is: the same identity means the same output for the same inputs.
pub const BUILD_ID: &str = env!("TOUCHBASE_BUILD_ID");

/// What the marker of a site says about the build that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub inputs: Digest,
    pub output: Digest,
    pub pages: usize,
    pub files: usize,
    /// How many diagnostics the build printed (0: none to print again).
    pub diagnostics: usize,
    /// The user's templates that replaced built-in ones ("using your template …").
    pub templates: Vec<String>,
    /// The pages made with a key (`write::page_key`), in path order: the next build may
    /// link them without making them (`write::Staging::reuse_made`).
    pub made: Vec<(String, crate::write::PageKey)>,
}

use crate::write::MARKER_TEXT as MARKER_HEAD;

impl Record {
    /// The marker file's text.
    pub fn marker(&self) -> String {
        let mut s = String::from(MARKER_HEAD);
        s.push_str(
            "The lines below let the next build see whether anything changed (docs/cli.md).\n",
        );
        s.push_str(&format!("touchbase {BUILD_ID}\n"));
        s.push_str(&format!("inputs {}\n", self.inputs));
        s.push_str(&format!("output {}\n", self.output));
        s.push_str(&format!("pages {}\n", self.pages));
        s.push_str(&format!("files {}\n", self.files));
        s.push_str(&format!("diagnostics {}\n", self.diagnostics));
        for t in &self.templates {
            s.push_str(&format!("template {t}\n"));
        }
        for (rel, key) in &self.made {
            s.push_str("page ");
            for b in key {
                s.push_str(&format!("{b:02x}"));
            }
            s.push(' ');
            s.push_str(rel);
            s.push('\n');
        }
        s
    }

    /// Read a marker's text; None unless this touchbase wrote it, whole.
    pub fn parse(text: &str) -> Option<Record> {
        let mut r = Record::default();
        let mut lines = text.strip_prefix(MARKER_HEAD)?.lines().skip(1);
        if lines.next()?.strip_prefix("touchbase ")? != BUILD_ID {
            return None;
        }
        let mut seen = 0;
        for line in lines {
            let (key, value) = line.split_once(' ')?;
            match key {
                "inputs" => r.inputs = hex(value)?,
                "output" => r.output = hex(value)?,
                "pages" => r.pages = value.parse().ok()?,
                "files" => r.files = value.parse().ok()?,
                "diagnostics" => r.diagnostics = value.parse().ok()?,
                "template" => {
                    r.templates.push(value.to_string());
                    continue;
                }
                "page" => {
                    let (key, rel) = value.split_once(' ')?;
                    r.made.push((rel.to_string(), page_key(key)?));
                    continue;
                }
                _ => return None,
            }
            seen += 1;
        }
        (seen == 5).then_some(r)
    }
}

/// A page key (`write::PageKey`) from its 32 hex digits.
fn page_key(value: &str) -> Option<crate::write::PageKey> {
    let mut key = [0u8; 16];
    if value.len() != 2 * key.len() {
        return None;
    }
    if !value
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    for (n, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(value.get(2 * n..2 * n + 2)?, 16).ok()?;
    }
    Some(key)
}

fn hex(value: &str) -> Option<Digest> {
    (value.len() == 64
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    .then(|| value.to_string())
}

/// What decides the site besides the notes folder's files: `--today`, `--since` and
/// `--lang` when given, else as the configuration says (`workspace::build_settings`).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub today: Date,
    pub since: Date,
    pub lang: Lang,
    /// The largest note read (`limits.note_size`).
    pub note_size: u64,
}

/// The inputs' digest but the notes: touchbase, the settings, `touchbase.yaml` and the
/// `templates/` folder. A build takes it before it reads them (`head`) and again after
/// it has rendered, from the digests of what it parsed and loaded (`head_of`), and
/// records nothing unless the two are the same, so that a file edited meanwhile makes
/// the next build a full one rather than leave a page stale.
#[derive(Debug, Clone)]
pub struct Head(blake3::Hasher);

/// `bytes` into `h`, its length first, so that no two sequences of fields hash alike.
pub fn field(h: &mut blake3::Hasher, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// What a client page's key covers of its entries (`render::Renderer::made_from`):
/// each entry's day, kind (and whether it counts as contact), line, people, summary and
/// body span, in order. Held or let go of (`model::ShedLog`), a log gives the same.
pub fn entry_heads(entries: &[crate::model::Entry]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&(entries.len() as u64).to_le_bytes());
    for e in entries {
        h.update(&e.date.year().to_le_bytes());
        h.update(&[
            e.date.month().to_le_bytes()[0],
            e.date.day().to_le_bytes()[0],
        ]);
        field(&mut h, e.kind.as_str().as_bytes());
        h.update(&[u8::from(e.kind.is_contact())]);
        h.update(&(e.line as u64).to_le_bytes());
        h.update(&(e.people.len() as u64).to_le_bytes());
        for p in &e.people {
            field(&mut h, p.as_bytes());
        }
        field(&mut h, e.summary.as_bytes());
        h.update(&e.body.start.to_le_bytes());
        h.update(&e.body.end.to_le_bytes());
    }
    *h.finalize().as_bytes()
}

impl Head {
    /// Is this the same as `other`: did nothing it covers change in between?
    pub fn same(&self, other: &Head) -> bool {
        self.0.clone().finalize() == other.0.clone().finalize()
    }

    /// Its digest (what every client page is made from besides its view and its note:
    /// `render::MadeFrom`).
    pub fn digest(&self) -> [u8; 32] {
        *self.0.clone().finalize().as_bytes()
    }
}

/// See `Head`. `templates` is the templates folder's digest as the build reads it
/// (`render::templates::digest`).
pub fn head(root: &Path, settings: Settings, templates: [u8; 32]) -> Head {
    let config = root.join(crate::config::FILE_NAME);
    head_of(
        settings,
        file_digest(root, &config, crate::config::CONFIG_SIZE),
        templates,
    )
}

/// `head` from the digests of `touchbase.yaml` and the templates as a build used them
/// (`workspace::Checked::config_digest`, `render::Built::templates`): what the build's record says it
/// was made from, whatever the files say by the time it is written.
pub fn head_of(settings: Settings, config: [u8; 32], templates: [u8; 32]) -> Head {
    let mut h = blake3::Hasher::new();
    field(&mut h, b"touchbase inputs 1");
    field(&mut h, BUILD_ID.as_bytes());
    field(&mut h, settings.today.to_string().as_bytes());
    field(&mut h, settings.since.to_string().as_bytes());
    field(&mut h, settings.lang.code().as_bytes());
    field(&mut h, &config);
    field(&mut h, &templates);
    Head(h)
}

/// What discovery found (each note's path, what it said about the folder) and each
/// note's digest, in discovery's order: from `inputs`, or from the bytes a build parsed
/// (`workspace::read_notes_for_site`), so that a build reads each note once.
#[derive(Debug, Clone, Default)]
pub struct NoteDigests {
    rels: Vec<String>,
    folder: Vec<String>,
    pub notes: Vec<[u8; 32]>,
}

impl NoteDigests {
    pub fn of_discovery(
        files: &[crate::discover::NoteFile],
        diags: &[crate::diag::Diagnostic],
    ) -> NoteDigests {
        NoteDigests {
            rels: files.iter().map(|f| f.rel.clone()).collect(),
            folder: diags.iter().map(|d| format!("{d:?}")).collect(),
            notes: Vec::new(),
        }
    }

    /// How many notes were found.
    pub fn len(&self) -> usize {
        self.rels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rels.is_empty()
    }
}

/// The inputs' digest: `head` and the notes. None unless every note has its digest.
pub fn combine(head: Head, notes: &NoteDigests) -> Option<Digest> {
    if notes.rels.len() != notes.notes.len() {
        return None;
    }
    let mut h = head.0;
    for d in &notes.folder {
        field(&mut h, d.as_bytes());
    }
    for (rel, d) in notes.rels.iter().zip(&notes.notes) {
        field(&mut h, rel.as_bytes());
        field(&mut h, d);
    }
    Some(h.finalize().to_hex().to_string())
}

/// The digest of a build's inputs (see the module's comment), read now, and how many
/// notes there are; None when something cannot be read: then only a full build can say
/// what is wrong.
/// `progress` counts the notes read.
pub fn inputs(
    root: &Path,
    settings: Settings,
    templates: [u8; 32],
    progress: &crate::timings::Progress,
) -> Option<(Digest, usize)> {
    let head = head(root, settings, templates);
    let (files, diags) = crate::discover::discover(root);
    let mut notes = NoteDigests::of_discovery(&files, &diags);
    progress.begin(files.len());
    notes.notes = files
        .par_iter()
        .map(|f| {
            progress.step();
            file_digest(root, &f.path, settings.note_size)
        })
        .collect();
    Some((combine(head, &notes)?, notes.len()))
}

/// The digest of what reading `path` gives: its bytes, or that it is too large (with
/// its size), missing or unreadable (with why).
fn file_digest(root: &Path, path: &Path, limit: u64) -> [u8; 32] {
    let resolved = crate::discover::resolve(root, path);
    match &resolved {
        crate::discover::Resolved::File(p) => {
            read_digest(&crate::parse::read_limited(p, limit), || {
                std::fs::metadata(p).ok()
            })
        }
        _ => crate::discover::unread_digest(&resolved),
    }
}

pub use crate::discover::read_digest;

/// The output digest of a site's files: each file's path (relative, `/`-separated)
/// and bytes, in path order. `files` is (path, digest of its bytes), in any order.
pub fn output(mut files: Vec<(String, [u8; 32])>) -> Digest {
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut h = blake3::Hasher::new();
    h.update(b"touchbase output 1");
    for (rel, d) in &files {
        h.update(&(rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update(d);
    }
    h.finalize().to_hex().to_string()
}

/// The record in the marker of the site at `site` (resolved), when this touchbase
/// wrote it.
pub fn recorded(site: &Path) -> Option<Record> {
    let previous = crate::write::Previous::open(site, site)?;
    let mut old = previous.file(Path::new(crate::write::MARKER))?;
    // About 70 bytes a client page: 64 MB is a million clients. A marker cut at the
    // limit is no record at all.
    const LIMIT: u64 = 64 << 20;
    let mut text = String::new();
    (&mut old.file)
        .take(LIMIT + 1)
        .read_to_string(&mut text)
        .ok()?;
    if text.len() as u64 > LIMIT {
        return None;
    }
    Record::parse(&text)
}

/// Is every file in the site at `site` (resolved) one that `marker` names, with the
/// bytes it had? False at any doubt.
pub fn verify(site: &Path, marker: &Record) -> bool {
    verified(site, marker).is_some()
}

fn verified(site: &Path, marker: &Record) -> Option<()> {
    let previous = crate::write::Previous::open(site, site)?;
    // Every entry: folders and regular files only, each folder holding something.
    let mut rels = Vec::new();
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(site)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = entry.ok()?;
        let rel = entry.path().strip_prefix(site).ok()?;
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()?
            .join("/");
        let kind = entry.file_type();
        if kind.is_dir() {
            folders.push(rel);
        } else if kind.is_file() {
            if rel != crate::write::MARKER {
                rels.push(rel);
            }
        } else {
            return None;
        }
    }
    if rels.len() != marker.files {
        return None;
    }
    // A folder no file is in (an empty one) is not ours.
    let holding: std::collections::BTreeSet<&str> = rels
        .iter()
        .flat_map(|r| {
            r.match_indices('/')
                .filter_map(|(i, _)| r.get(..i))
                .collect::<Vec<_>>()
        })
        .collect();
    if folders.len() != holding.len() || folders.iter().any(|f| !holding.contains(f.as_str())) {
        return None;
    }
    let digests: Option<Vec<(String, [u8; 32])>> = rels
        .into_par_iter()
        .map(|rel| {
            let mut old = previous.file(Path::new(&rel))?;
            let mut h = blake3::Hasher::new();
            let read = std::io::copy(&mut (&mut old.file).take(old.len), &mut h).ok()?;
            (read == old.len).then(|| (rel, *h.finalize().as_bytes()))
        })
        .collect();
    (output(digests?) == marker.output).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_is_recorded_as_it_was_read() {
        use crate::config::{CONFIG_SIZE, FILE_NAME, load_digested};
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let file = root.join(FILE_NAME);
        let now = || file_digest(root, &file, CONFIG_SIZE);
        // Missing, plain, not UTF-8, too large: what the build read is what `head` digests.
        let (config, missing) = load_digested(root);
        assert!(config.is_ok());
        assert_eq!(missing, now());
        std::fs::write(&file, "title: A\n").unwrap();
        let (config, a) = load_digested(root);
        assert_eq!(config.unwrap().title.as_deref(), Some("A"));
        assert_eq!(a, now());
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        let (config, bad) = load_digested(root);
        assert!(config.is_err());
        assert_eq!(bad, now());
        std::fs::write(&file, vec![b'#'; CONFIG_SIZE as usize + 1]).unwrap();
        let (config, large) = load_digested(root);
        assert!(config.is_err());
        assert_eq!(large, now());
        // Control: each differs from the others, and from the file once it is edited.
        let all = [missing, a, bad, large];
        for (i, x) in all.iter().enumerate() {
            for y in all.get(i + 1..).unwrap_or_default() {
                assert_ne!(x, y);
            }
        }
        std::fs::write(&file, "title: B\n").unwrap();
        assert_ne!(a, now());
        std::fs::write(&file, "title: A\n").unwrap();
        assert_eq!(a, now(), "edited back: the same bytes, the same digest");
        // A link (to outside the folder) is not read, and says so in its digest.
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            let target = outside.path().join("x.yaml");
            std::fs::write(&target, "title: A\n").unwrap();
            std::fs::remove_file(&file).unwrap();
            std::os::unix::fs::symlink(&target, &file).unwrap();
            let (config, link) = load_digested(root);
            assert!(config.is_err());
            assert_eq!(link, now());
            assert!(!all.contains(&link));
        }
    }

    fn bytes_digest(bytes: &[u8]) -> [u8; 32] {
        *blake3::hash(bytes).as_bytes()
    }

    fn record() -> Record {
        Record {
            inputs: "a".repeat(64),
            output: "0".repeat(64),
            pages: 29,
            files: 11,
            diagnostics: 3,
            templates: vec!["client.html".into()],
            made: vec![
                ("clients/a.html".into(), [7; 16]),
                ("clients/b c.html".into(), [0xab; 16]),
            ],
        }
    }

    #[test]
    fn a_marker_reads_back() {
        let r = record();
        assert_eq!(Record::parse(&r.marker()), Some(r.clone()));
        // Control: what another touchbase wrote, a cut marker, an odd line, a bad digest.
        let other = r.marker().replace(BUILD_ID, "0.0.0-other");
        assert_eq!(Record::parse(&other), None);
        let cut = r.marker().replace("diagnostics 3\n", "");
        assert_eq!(Record::parse(&cut), None);
        assert_eq!(Record::parse(&format!("{}odd line\n", r.marker())), None);
        let bad = r.marker().replace(&"a".repeat(64), &"A".repeat(64));
        assert_eq!(Record::parse(&bad), None);
        assert!(
            r.marker()
                .contains(&format!("page {} clients/b c.html\n", "ab".repeat(16)))
        );
        let short_key = r.marker().replace(&"ab".repeat(16), &"ab".repeat(15));
        assert_eq!(Record::parse(&short_key), None);
        let odd_key = r.marker().replace(&"ab".repeat(16), &"zz".repeat(16));
        assert_eq!(Record::parse(&odd_key), None);
        let upper = r.marker().replace(&"ab".repeat(16), &"AB".repeat(16));
        assert_eq!(Record::parse(&upper), None);
        let plus = r
            .marker()
            .replace(&"ab".repeat(16), &format!("+b{}", "ab".repeat(15)));
        assert_eq!(Record::parse(&plus), None);
        assert_eq!(Record::parse(MARKER_HEAD), None);
    }

    #[test]
    fn the_output_digest_is_order_free_and_sees_names_and_bytes() {
        let a = ("a.html".to_string(), bytes_digest(b"one"));
        let b = ("b/c.html".to_string(), bytes_digest(b"two"));
        let d = output(vec![a.clone(), b.clone()]);
        assert_eq!(d, output(vec![b.clone(), a.clone()]));
        assert_ne!(d, output(vec![a.clone()]));
        assert_ne!(d, output(vec![a.clone(), ("b/d.html".into(), b.1)]));
        assert_ne!(
            d,
            output(vec![a, ("b/c.html".into(), bytes_digest(b"twO"))])
        );
    }
}
