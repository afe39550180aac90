//! Fuzzing: the properties our fuzz targets check, as plain functions over bytes.
//!
//! `fuzz/fuzz_targets/*.rs` (cargo-fuzz) call these, and `tests/fuzz_regressions.rs`
//! replays every saved input through the same functions, so `cargo test` catches a
//! regression without a fuzzing toolchain. Each returns `Err` with what went wrong
//! when a property fails; a panic inside is a failure too. Not part of the stable API.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::Lang;
use crate::model::Date;

/// The date every fuzz run is analysed as of.
fn today() -> Date {
    Date::constant(2026, 11, 22)
}

/// Parse one note: never panics, every diagnostic points inside the note, and what the
/// diagnostics keep is bounded (a short excerpt of a long line; repeats folded).
pub fn parse_one(bytes: &[u8]) -> Result<(), String> {
    let parsed = crate::parse::parse_note(
        "fuzz.md",
        "fuzz",
        bytes,
        today(),
        &crate::model::KindTable::default(),
    );
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    if parsed.diags.len() > 1_000 {
        return Err(format!(
            "{} diagnostics kept for one note",
            parsed.diags.len()
        ));
    }
    for d in &parsed.diags {
        if d.source.len() > 1_024 {
            return Err(format!(
                "a diagnostic keeps {} bytes of source: {}",
                d.source.len(),
                d.message
            ));
        }
        if d.file != "fuzz.md" {
            return Err(format!("diagnostic names another file: {}", d.file));
        }
        if d.line > lines {
            return Err(format!(
                "diagnostic at line {} of a {lines}-line note: {}",
                d.line, d.message
            ));
        }
    }
    Ok(())
}

/// The id → page-name function: always a safe relative file name.
pub fn page_name(bytes: &[u8]) -> Result<(), String> {
    let id = String::from_utf8_lossy(bytes);
    let name = crate::write::slug(&id);
    check_page_name(&name)?;
    // Uniquified names stay safe too.
    for name in crate::write::unique_slugs([id.as_ref(), id.as_ref(), id.as_ref()]) {
        check_page_name(&name)?;
    }
    Ok(())
}

fn check_page_name(name: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("page name {name:?} {why}"));
    if name.is_empty() {
        return bad("is empty");
    }
    if name.starts_with('.') {
        return bad("is a dot file");
    }
    // Room for `.html` within the usual 255-byte limit of a file name.
    if name.len() + ".html".len() > 255 {
        return bad("is too long for a file name");
    }
    if name
        .chars()
        .any(|c| c == '/' || c == '\\' || c == ':' || c.is_control() || c.is_whitespace())
    {
        return bad("has a separator, control or space character");
    }
    Ok(())
}

static RUN: AtomicU64 = AtomicU64::new(0);

/// Build a whole site from one note (plus a fixed second one) and check every page:
/// no script but our own, no `on*=` attribute, no `javascript:`/`data:`/`vbscript:`
/// URL. The language (English or Chinese) follows the input's length.
pub fn render_one(bytes: &[u8]) -> Result<(), String> {
    let dir = scratch_dir();
    let result = render_in(&dir, bytes);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn scratch_dir() -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!(
        "touchbase-fuzz-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ))
}

const SECOND_NOTE: &str = "---\nname: 华东建材\nowner: 王磊\ntier: key\nreferred_by: fuzz\n---\n\n## 2026-11-02 拜访 — 送茶\n";

fn render_in(dir: &Path, bytes: &[u8]) -> Result<(), String> {
    let notes = dir.join("notes");
    let io = |e: std::io::Error| format!("scratch folder: {e}");
    std::fs::create_dir_all(notes.join("rep")).map_err(io)?;
    std::fs::write(notes.join("rep/fuzz.md"), bytes).map_err(io)?;
    std::fs::write(notes.join("rep/other.md"), SECOND_NOTE).map_err(io)?;
    let ws = crate::workspace::load(&notes, Some(today())).map_err(|e| e.to_string())?;
    // The plain-paragraph fast path writes what the Markdown parser would, or stays out.
    for (i, c) in ws.clients.iter().enumerate() {
        let text = ws.log_text(i).map_err(|e| e.to_string())?;
        for body in c
            .entries
            .iter()
            .map(|e| e.body.of(&text))
            .chain([c.profile.as_str()])
        {
            crate::render::markdown::fast_path_agrees(body)?;
        }
    }
    let report = crate::report::build(&ws);
    // One language per input (both are covered across inputs): half the time per run.
    let lang = if bytes.len().is_multiple_of(2) {
        Lang::En
    } else {
        Lang::Zh
    };
    {
        let out = dir.join(format!("site-{}", lang.code()));
        let fatal = |e: crate::workspace::Fatal| e.to_string();
        let staging = crate::write::prepare(&out, &notes).map_err(fatal)?;
        crate::render::render_site(&ws, &report, lang, &staging).map_err(fatal)?;
        staging.commit().map_err(fatal)?;
        for entry in walkdir::WalkDir::new(&out) {
            let entry = entry.map_err(|e| e.to_string())?;
            if entry.path().extension().is_some_and(|x| x == "html") {
                let html = std::fs::read_to_string(entry.path()).map_err(io)?;
                let rel = entry.path().strip_prefix(&out).unwrap_or(entry.path());
                check_html(&html).map_err(|e| format!("{}: {e}", rel.display()))?;
            }
        }
    }
    Ok(())
}

/// No live script in a page: every `<script>` is our own `assets/app.js`, no element
/// carries an event handler, and no URL runs code. Text never holds a raw `<` (we
/// escape it), so every `<` starts a tag.
pub fn check_html(html: &str) -> Result<(), String> {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..).unwrap_or("");
        let end = tag_end(after);
        let tag = after.get(..end).unwrap_or(after);
        rest = after.get(end..).unwrap_or("");
        if tag.starts_with("!--") {
            // A comment: skip to its end.
            match rest.find("-->") {
                Some(i) => rest = rest.get(i + 3..).unwrap_or(""),
                None => return Ok(()),
            }
            continue;
        }
        let (name, attrs) = split_tag(tag);
        let name = name.to_ascii_lowercase();
        for (attr, value) in &attrs {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                return Err(format!("event handler `{attr}` on <{name}>"));
            }
            let squashed: String = decode_entities(value)
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                if squashed.starts_with(scheme) {
                    return Err(format!("`{attr}` of <{name}> is a {scheme} URL"));
                }
            }
            if attr == "srcdoc" {
                return Err(format!("`srcdoc` on <{name}>"));
            }
        }
        match name.as_str() {
            "script" => {
                let ours = attrs
                    .iter()
                    .any(|(a, v)| a == "src" && v.ends_with("assets/app.js"));
                if !ours || attrs.len() > 2 {
                    return Err(format!("a script that is not ours: <{tag}>"));
                }
            }
            "iframe" | "object" | "embed" | "frame" | "frameset" | "base" => {
                return Err(format!("a <{name}> element"));
            }
            "meta" => {
                // Our own CSP is the only http-equiv we write.
                let other = attrs.iter().any(|(a, v)| {
                    a == "http-equiv" && !v.eq_ignore_ascii_case("content-security-policy")
                });
                if other {
                    return Err(format!("a meta http-equiv that is not our CSP: <{tag}>"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Where a tag ends: the first `>` outside a quoted attribute value.
fn tag_end(s: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len()
}

/// A tag's name and its attributes (name, raw value).
fn split_tag(tag: &str) -> (&str, Vec<(String, String)>) {
    let tag = tag.trim_end_matches('/');
    let name_end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    let name = tag.get(..name_end).unwrap_or("");
    let mut attrs = Vec::new();
    let mut chars = tag.get(name_end..).unwrap_or("").chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let mut attr = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '=' || c == '/' {
                break;
            }
            attr.push(c);
            chars.next();
        }
        if attr.is_empty() {
            if chars.next().is_none() {
                break;
            }
            continue;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().copied() {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&c) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        attrs.push((attr, value));
    }
    (name, attrs)
}

/// Decode numeric and the few named entities a browser would turn into URL text.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        let entity = after.get(..end).unwrap_or("");
        let decoded = if let Some(num) = entity.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match entity.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                let skip = end + usize::from(after.get(end..).is_some_and(|t| t.starts_with(';')));
                rest = after.get(skip..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_check_catches_live_script() {
        // Control cases: each must be caught, or the fuzz target could never fail.
        for bad in [
            "<p>x</p><script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" jav&#x61;script&colon;alert(1)\">x</a>",
            "<a href='JaVaScRiPt:alert(1)'>x</a>",
            "<svg><a href=\"data:text/html,x\">x</a></svg>",
            "<div title=\"a>b\" onclick=\"x\">",
            "<iframe src=\"x\"></iframe>",
            "<base href=\"https://evil.example/\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=x\">",
            "<script src=\"../assets/app.js\" onload=\"x\"></script>",
        ] {
            assert!(check_html(bad).is_err(), "not caught: {bad}");
        }
        for good in [
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"../assets/app.js\"></script></head>",
            "<p>onclick=alert(1) &lt;script&gt; javascript:x</p>",
            "<a href=\"https://example.com/?q=javascript:\">x</a>",
            "<!-- <script>x</script> --><p title=\"x onclick=y\">z</p>",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">",
        ] {
            assert_eq!(check_html(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn page_name_check_catches_bad_names() {
        assert!(check_page_name("../x").is_err());
        assert!(check_page_name(".x").is_err());
        assert!(check_page_name("").is_err());
        assert!(check_page_name(&"a".repeat(251)).is_err());
        assert_eq!(check_page_name("华东-建材"), Ok(()));
    }
}
