//! Parse: one note file's bytes in, a `Client` and its diagnostics out.
//!
//! `frontmatter` reads the YAML profile (through `yaml`, the only YAML user, and
//! `locate`, which finds lines for diagnostics); `log` reads the contact log and
//! follow-ups, `entry` one entry's heading; `dates` knows what a date looks like.

pub mod dates;
pub mod entry;
pub mod fields;
pub mod frontmatter;
pub mod locate;
pub mod log;
pub mod yaml;

use crate::diag::Diagnostic;
use crate::model::{Client, Date, KindTable};

/// What parsing a note needs besides its bytes: the day it is read on (entries after it
/// get a warning) and the kinds of `touchbase.yaml`.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub today: Date,
    pub kinds: &'a KindTable,
}

/// Read the file at `path` if it holds at most `limit` bytes; `Ok(None)` when it holds
/// more. The size is checked before reading, and at most `limit + 1` bytes are read
/// (the file may grow meanwhile), so a huge note never fills the memory. Anything but
/// a regular file (a named pipe would block for ever) is refused.
pub fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let (mut file, len) = open_regular(path)?;
    if len > limit {
        return Ok(None);
    }
    // Room for one byte more than the file held when asked, so that one read fills it
    // and a second, returning nothing, ends it (`read_to_end` on a `Take` reads 8 KB at
    // a time, then probes: three or four reads for most notes). Growth past `limit` is
    // caught by the `len` check below.
    let cap = usize::try_from(len.min(limit))
        .unwrap_or(0)
        .saturating_add(1);
    let mut bytes = vec![0u8; cap];
    let mut filled = 0;
    loop {
        let Some(spare) = bytes.get_mut(filled..).filter(|s| !s.is_empty()) else {
            // Full: the file grew while read. Read on, up to one byte past the limit.
            let room = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
            if bytes.len() >= room {
                return Ok(None);
            }
            let more = bytes.len().max(4096).min(room - bytes.len());
            bytes.resize(bytes.len() + more, 0);
            continue;
        };
        match file.read(spare) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// `path` opened for reading if it is a regular file, and its size then. On Linux it is
/// opened without blocking (a named pipe would wait for a writer) and asked for its type
/// through the open file, one lookup of the path; elsewhere the type is asked first.
fn open_regular(path: &std::path::Path) -> std::io::Result<(std::fs::File, u64)> {
    let not_a_file = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file");
    // The type asked first, then opened as usual: the way on other systems, and on
    // Linux when a file under a write lease (Samba, NFS delegations) refuses to open
    // without blocking.
    let checked_open = || {
        if !std::fs::metadata(path)?.is_file() {
            return Err(not_a_file());
        }
        std::fs::File::open(path)
    };
    #[cfg(target_os = "linux")]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(path);
        match opened {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => checked_open()?,
            other => other?,
        }
    };
    #[cfg(not(target_os = "linux"))]
    let file = checked_open()?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    Ok((file, meta.len()))
}

/// A size for people: `8 MB`, `512 KB`, `100 bytes`.
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= KB && bytes.is_multiple_of(KB) {
        format!("{} KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The diagnostic for a note over the size limit.
pub fn too_large(file: &str, size: Option<u64>, limit: u64) -> Diagnostic {
    let size = size.map_or_else(String::new, |s| format!(" (it is {})", size_text(s)));
    Diagnostic::error(
        file,
        format!("note is over {}{size}; it was not read", size_text(limit)),
    )
    .help(format!(
        "split it into smaller notes, or raise the limit in touchbase.yaml: `limits: {{note_size: {}MB}}`",
        (limit / (1024 * 1024)).max(1) * 2
    ))
}

/// The result of parsing one note.
#[derive(Debug)]
pub struct Parsed {
    /// None when the file could not be understood as a client note at all.
    pub client: Option<Client>,
    pub diags: Vec<Diagnostic>,
}

fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The log text of a note's bytes (`model::LogText`): what `parse_note` parsed the
/// contact log from. None when the bytes are not UTF-8.
pub fn log_text(bytes: &[u8]) -> Option<&str> {
    let text = simdutf8::basic::from_utf8(bytes).ok()?;
    Some(frontmatter::split(without_bom(text)).body)
}

/// The contact log of a note's bytes parsed again, as `parse_note` parsed it for a client
/// with `people` on file: its entries (`model::ShedLog`). None when the bytes are not
/// UTF-8.
pub fn entries_again(
    file: &str,
    bytes: &[u8],
    people: &[crate::model::Person],
    today: Date,
    kinds: &KindTable,
) -> Option<Vec<crate::model::Entry>> {
    let text = simdutf8::basic::from_utf8(bytes).ok()?;
    let split = frontmatter::split(without_bom(text));
    let cx = Context { today, kinds };
    Some(log::parse_log(file, split.body, split.body_line, people, &cx).entries)
}

/// Parse one note. `file` is its path relative to the notes folder; `stem` its file
/// name without `.md`, the default id; `kinds` the kinds notes may use. The client holds
/// its log text (`LogText::Held`).
pub fn parse_note(file: &str, stem: &str, bytes: &[u8], today: Date, kinds: &KindTable) -> Parsed {
    parse_note_keeping(file, stem, bytes, today, kinds, true)
}

/// `parse_note`; without `keep_text`, the client's log text is not copied
/// (`LogText::Dropped`, for the caller to say where it is).
pub fn parse_note_keeping(
    file: &str,
    stem: &str,
    bytes: &[u8],
    today: Date,
    kinds: &KindTable,
    keep_text: bool,
) -> Parsed {
    let cx = Context { today, kinds };
    // Validated with SIMD first (most of a check's time used to be std's validation of
    // Chinese text); std says where a bad file goes wrong.
    let checked = simdutf8::basic::from_utf8(bytes).map_err(|_| std::str::from_utf8(bytes));
    let text = match checked.or_else(|e| e) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes
                .get(..e.valid_up_to())
                .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
                + 1;
            let mut d = Diagnostic::error(file, "file is not UTF-8 text")
                .help("save the note as UTF-8 (most editors have an \"encoding\" menu)");
            d.line = line;
            d.column = 1;
            return Parsed {
                client: None,
                diags: vec![d],
            };
        }
    };
    let text = without_bom(text);
    let split = frontmatter::split(text);
    let mut diags = Vec::new();
    let Some((yaml, yaml_line)) = split.yaml else {
        let first = text.lines().next().unwrap_or("");
        let d = if split.unclosed {
            Diagnostic::error(file, "front matter is never closed")
                .at(1, 1, 3, first)
                .help("end the front matter with a line that is exactly `---`")
        } else {
            Diagnostic::error(file, "note has no front matter")
                .at(1, 1, first.chars().count(), first)
                .help("start the note with `---`, then `name: …`, then `---`")
        };
        return Parsed {
            client: None,
            diags: vec![d],
        };
    };

    let mut client = Client {
        id: stem.to_string(),
        file: file.to_string(),
        ..Client::default()
    };
    let mut reader = frontmatter::Reader::new(file, yaml, yaml_line, kinds);
    reader.read_client(&mut client);
    diags.extend(reader.into_diags());
    if client.name.is_empty() {
        // Keep the client visible (its log still counts) under its file name.
        client.name = stem.to_string();
    }

    let log = log::parse_log(file, split.body, split.body_line, &client.people, &cx);
    client.entries = log.entries;
    client.followups = log.followups;
    client.profile = log.profile;
    if keep_text {
        client.log = crate::model::LogText::Held(split.body.into());
        client.log_digest = Some(*blake3::hash(split.body.as_bytes()).as_bytes());
    }
    diags.extend(log.diags);
    Parsed {
        client: Some(client),
        diags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2026-11-22".parse().unwrap()
    }

    #[test]
    fn a_person_holds_the_rest_only_when_some_is_on_file() {
        let note = "---\nname: Acme\npeople:\n  - name: 王强\n    role: decision-maker\n    phone: \"138\"\n  - name: 李娜\n    family: two kids\n    successor: 王强\n    shoe_size: 38\n---\n";
        let p = parse_note("a.md", "a", note.as_bytes(), today(), &KindTable::default());
        let c = p.client.unwrap();
        let [wang, li] = &c.people[..] else {
            panic!("{:?}", c.people)
        };
        // Name, role and phone only: nothing more held.
        assert_eq!(wang.more, None);
        assert_eq!(wang.phone.as_deref(), Some("138"));
        // Control: the rest, when written, is there to read.
        let more = li.more();
        assert_eq!(more.family.as_deref(), Some("two kids"));
        assert_eq!(more.successor.as_deref(), Some("王强"));
        assert_eq!(more.extra, [("shoe_size".to_string(), "38".to_string())]);
        assert!(li.more.is_some());
    }

    #[test]
    fn bom_and_crlf() {
        let bytes = "\u{feff}---\r\nname: A\r\n---\r\n## 2026-11-02 call\r\nhi\r\n".as_bytes();
        let p = parse_note("a.md", "a", bytes, today(), &KindTable::default());
        assert!(p.diags.is_empty(), "{:?}", p.diags);
        let c = p.client.unwrap();
        assert_eq!(c.entries[0].line, 4);
        // The log text held is the one read again from the bytes (`log_text`).
        let crate::model::LogText::Held(held) = &c.log else {
            panic!("{:?}", c.log)
        };
        let again = log_text(bytes).unwrap();
        assert_eq!(&**held, again);
        assert_eq!(c.entries[0].body.of(again).trim(), "hi");
        // Control: another note's text gives another body.
        assert_ne!(c.entries[0].body.of("---\nname: B\n---\n").trim(), "hi");
    }

    #[test]
    fn not_utf8() {
        let p = parse_note(
            "gbk.md",
            "gbk",
            b"---\nname: \xc4\xe3\n---\n",
            today(),
            &KindTable::default(),
        );
        assert!(p.client.is_none());
        assert_eq!(p.diags[0].message, "file is not UTF-8 text");
        assert_eq!(p.diags[0].line, 2);
    }

    #[test]
    fn bad_yaml_keeps_the_log() {
        let p = parse_note(
            "a.md",
            "a",
            b"---\nname: [x\n---\n## 2026-11-02 call\n",
            today(),
            &KindTable::default(),
        );
        let c = p.client.unwrap();
        assert_eq!(c.name, "a");
        assert_eq!(c.entries.len(), 1);
        assert_eq!(p.diags.len(), 1);
    }

    #[test]
    fn no_front_matter() {
        let p = parse_note(
            "a.md",
            "a",
            b"# Meeting notes\n",
            today(),
            &KindTable::default(),
        );
        assert!(p.client.is_none());
        assert_eq!(p.diags[0].message, "note has no front matter");
    }

    /// A note is read whole up to the limit and refused past it, by one byte; an empty
    /// file is empty; anything but a regular file (a named pipe would wait for a writer
    /// for ever) is refused at once.
    #[test]
    fn notes_are_read_up_to_the_limit_and_pipes_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, len: usize| {
            let p = dir.path().join(name);
            std::fs::write(&p, "x".repeat(len)).unwrap();
            p
        };
        let read = |p: &std::path::Path, limit| read_limited(p, limit).unwrap();
        assert_eq!(read(&file("empty.md", 0), 10), Some(Vec::new()));
        assert_eq!(read(&file("ten.md", 10), 10).map(|b| b.len()), Some(10));
        assert_eq!(read(&file("eleven.md", 11), 10), None);
        // Larger than any one read, well under the limit.
        let big = file("big.md", 200_000);
        assert_eq!(read(&big, 1 << 20).map(|b| b.len()), Some(200_000));
        assert_eq!(read(&big, 199_999), None);
        let err = read_limited(dir.path(), 10).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "a folder");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("pipe.md");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                let err = read_limited(&fifo, 10).unwrap_err();
                assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "a pipe");
            } else {
                assert!(std::env::var_os("CI").is_none(), "mkfifo is needed in CI");
            }
        }
    }
}
