//! Diagnostics: what is wrong with a note, where, and how to fix it.
//!
//! Every problem found anywhere is a `Diagnostic` with a file, a 1-based line and column
//! (in characters), a message and an optional hint. This module also renders them
//! rustc-style for the terminal, with the source line and a caret under the culprit.
//!
//! Notes are untrusted, so a diagnostic stays small whatever the note holds: it keeps
//! a bounded excerpt of a long source line (not a copy of it), repeats of one kind of
//! problem in one note are folded into one "… and N more" (`Folds`), and control
//! characters (terminal escapes) in file names, messages and source lines are shown
//! escaped, never sent raw to the terminal.

use std::borrow::Cow;
use std::collections::HashMap;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the notes folder, `/`-separated.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The source line, for the snippet (empty when there is none); for a long line,
    /// an excerpt around the column, cut with `…`.
    pub source: String,
    /// How many characters of the line come before `source`, less one for its leading
    /// `…` (0 when `source` is the whole line): `column - source_offset` is the column
    /// inside `source`.
    pub source_offset: usize,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
    /// When `source` is an excerpt that cut off the start of a `key: value` line, the
    /// key (so what masks personal data still knows what the value is).
    pub source_key: String,
    /// How many more problems this one stands for: set on the "… and N more" of a
    /// folded kind (see `Folds`), 0 otherwise.
    pub more: usize,
}

impl Diagnostic {
    pub fn error(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(file, Severity::Error, message)
    }

    pub fn warning(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(file, Severity::Warning, message)
    }

    fn new(file: &str, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: 0,
            column: 0,
            severity,
            message: message.into(),
            help: None,
            source: String::new(),
            source_offset: 0,
            width: 1,
            source_key: String::new(),
            more: 0,
        }
    }

    /// Point at `line` (1-based), underlining `width` characters from `column` (1-based).
    pub fn at(mut self, line: usize, column: usize, width: usize, source: &str) -> Diagnostic {
        self.line = line;
        self.column = column.max(1);
        self.width = width.max(1);
        let line = source.trim_end_matches(['\r', '\n']);
        let (excerpt, offset, width) = excerpt(line, self.column, self.width);
        if offset > 0 {
            // The key, when the excerpt starts after it (`notes: "…long…"`).
            let colon = line.find([':', '：']);
            let cut = line
                .char_indices()
                .nth(offset)
                .map_or(line.len(), |(i, _)| i);
            if let Some(at) = colon.filter(|&at| at < cut) {
                self.source_key = line.get(..at).unwrap_or("").chars().take(60).collect();
            }
        }
        self.source = excerpt;
        self.source_offset = offset;
        self.width = width;
        self
    }

    /// The 1-based column of the culprit inside `source`.
    pub fn source_column(&self) -> usize {
        self.column.saturating_sub(self.source_offset).max(1)
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// How many problems this diagnostic stands for (more than one when folded).
    pub fn count(&self) -> usize {
        1 + self.more
    }

    /// `path:line:col` (or just `path` for whole-file problems), control characters
    /// in the path escaped (`\u{1b}`), so it is safe to print.
    pub fn location(&self) -> String {
        let file = for_terminal(&self.file);
        if self.line == 0 {
            file.into_owned()
        } else {
            format!("{file}:{}:{}", self.line, self.column)
        }
    }

    /// Render for a terminal: `path:line:col: error: message`, the source line with a
    /// caret, and a `help:` line.
    /// Everything that comes from a note (the path, the words quoted in the message,
    /// the source line) is made safe for a terminal first.
    pub fn render(&self, color: bool) -> String {
        let message = for_terminal(&self.message);
        let help = self.help.as_deref().map(for_terminal);
        if self.source.is_empty() {
            // Nothing to show under the header: keep it to the header and the hint.
            let mut out = format!(
                "{}: {}: {}",
                self.location(),
                self.severity.as_str(),
                message
            );
            if let Some(help) = &help {
                out.push_str("\nhelp: ");
                out.push_str(help);
            }
            return out;
        }
        let source = visible_source(&self.source);
        let header = format!("{}: {}", self.location(), self.severity.as_str());
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        }
        .with_name(Some(header.as_str()));
        let title = level.primary_title(message.as_ref());
        let group = if self.line > 0 && !source.is_empty() {
            let (start, end) = char_span(&source, self.source_column(), self.width);
            title.element(
                Snippet::source(source.as_ref())
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        } else {
            Group::with_title(title)
        };
        let mut report: Vec<Group<'_>> = vec![group];
        if let Some(help) = &help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_ref()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).trim_end().to_string()
    }
}

/// Lines longer than this (in bytes) are kept as an excerpt around the column.
const LONG_LINE: usize = 240;
/// Characters kept before the column, under the caret (at most), and after it.
const BEFORE: usize = 60;
const UNDER: usize = 80;
const AFTER: usize = 60;

/// The part of `line` a diagnostic keeps: the whole line when it is short, else the
/// characters around `column`, with `…` where it is cut. Returns the text, the offset
/// (see `Diagnostic::source_offset`) and the caret width, clamped to the excerpt.
fn excerpt(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    if line.len() <= LONG_LINE {
        return (line.to_string(), 0, width);
    }
    let width = width.min(UNDER);
    let first = column.saturating_sub(1).saturating_sub(BEFORE);
    let last = column.saturating_sub(1) + width + AFTER;
    let mut start = None;
    let mut end = line.len();
    for (n, (i, _)) in line.char_indices().enumerate() {
        if n == first {
            start = Some(i);
        }
        if n == last {
            end = i;
            break;
        }
    }
    let Some(start) = start else {
        // The column is past the end of the line: keep its tail.
        let tail_start = line.char_indices().rev().nth(BEFORE).map_or(0, |(i, _)| i);
        let mut s = String::from("…");
        s.push_str(line.get(tail_start..).unwrap_or(""));
        return (s, column.saturating_sub(1), 1);
    };
    let mut s = String::with_capacity(end - start + 6);
    let offset = if first > 0 {
        s.push('…');
        first - 1
    } else {
        0
    };
    s.push_str(line.get(start..end).unwrap_or(""));
    if end < line.len() {
        s.push('…');
    }
    (s, offset, width)
}

/// Characters that must not reach a terminal raw: control characters (escape
/// sequences, bells, carriage returns, newlines) and the bidirectional overrides that
/// make text read differently from what it is.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` safe to print on a terminal: every unsafe character written as `\u{1b}`.
/// Used for file names and anything else that comes from the notes folder.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A source line for the snippet: each unsafe character shown as one visible symbol
/// (`␛` for escape, `�` otherwise), so columns still line up. Tabs stay.
fn visible_source(line: &str) -> Cow<'_, str> {
    if !line.chars().any(|c| c != '\t' && unsafe_char(c)) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.chars()
            .map(|c| match c {
                '\t' => c,
                '\0'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
                '\u{7f}' => '\u{2421}',
                c if unsafe_char(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// How many problems of one kind a note shows before the rest are folded into one
/// "… and N more" diagnostic.
pub const SHOWN_PER_KIND: usize = 10;

/// The kind of a problem: its message with the quoted parts (`` `…` ``) and numbers
/// left out, so "unknown key `a`" and "unknown key `b`" are one kind.
pub fn kind_of(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(120));
    let mut quoted = false;
    let mut digits = false;
    for c in message.chars() {
        if c == '`' {
            if !quoted {
                out.push_str("`…`");
            }
            quoted = !quoted;
            digits = false;
        } else if quoted {
        } else if c.is_ascii_digit() {
            if !digits {
                out.push('#');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    out
}

/// Counts problems by kind in one note, to fold the repeats. Ask `room` before making
/// a diagnostic (making one can be costly: a suggestion, a position); at the end,
/// `finish` adds one "… and N more" per folded kind.
#[derive(Debug, Default)]
pub struct Folds {
    index: HashMap<String, usize>,
    kinds: Vec<Fold>,
}

#[derive(Debug)]
struct Fold {
    kind: String,
    severity: Severity,
    shown: usize,
    more: usize,
}

impl Folds {
    /// Is there room to show one more problem with this message? If not, it is counted.
    pub fn room(&mut self, message: &str, severity: Severity) -> bool {
        let kind = kind_of(message);
        let i = match self.index.get(&kind) {
            Some(&i) => i,
            None => {
                self.index.insert(kind.clone(), self.kinds.len());
                self.kinds.push(Fold {
                    kind,
                    severity,
                    shown: 0,
                    more: 0,
                });
                self.kinds.len() - 1
            }
        };
        let Some(f) = self.kinds.get_mut(i) else {
            return true;
        };
        f.severity = f.severity.min(severity);
        if f.shown < SHOWN_PER_KIND {
            f.shown += 1;
            true
        } else {
            f.more += 1;
            false
        }
    }

    /// Add to `diags` (the problems shown, of `file`) one diagnostic per folded kind,
    /// placed just after the last one shown of its kind.
    pub fn finish(self, file: &str, diags: &mut Vec<Diagnostic>) {
        let folded: Vec<&Fold> = self.kinds.iter().filter(|f| f.more > 0).collect();
        if folded.is_empty() {
            return;
        }
        let mut last: HashMap<&str, (usize, usize)> = HashMap::new();
        for d in diags.iter() {
            let kind = kind_of(&d.message);
            if let Some(f) = folded.iter().find(|f| f.kind == kind) {
                let pos = last.entry(f.kind.as_str()).or_default();
                *pos = (*pos).max((d.line, d.column));
            }
        }
        for f in folded {
            let (line, column) = last.get(f.kind.as_str()).copied().unwrap_or((0, 0));
            let mut d = Diagnostic::new(
                file,
                f.severity,
                format!(
                    "… and {} more {} in this note",
                    grouped(f.more),
                    what(&f.kind)
                ),
            )
            .help(format!(
                "only the first {SHOWN_PER_KIND} of a kind are shown; fix those and check again"
            ));
            d.line = line;
            d.column = if line == 0 { 0 } else { column + 1 };
            // The kind is counted where it was folded: this one stands for the rest.
            d.more = f.more - 1;
            diags.push(d);
        }
    }
}

/// Where one note's problems are collected, repeats folded (`Folds`).
#[derive(Debug, Default)]
pub struct Sink {
    list: Vec<Diagnostic>,
    folds: Folds,
}

impl Sink {
    /// Is there room for one more problem with this message? (Then make it and `keep`
    /// it; if not, it has been counted.)
    pub fn room(&mut self, message: &str, severity: Severity) -> bool {
        self.folds.room(message, severity)
    }

    /// Keep a diagnostic `room` made room for.
    pub fn keep(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    /// Keep `d` if there is room for it.
    pub fn push(&mut self, d: Diagnostic) {
        if self.folds.room(&d.message, d.severity) {
            self.list.push(d);
        }
    }

    /// The problems kept, and one "… and N more" per kind folded.
    pub fn finish(self, file: &str) -> Vec<Diagnostic> {
        let mut list = self.list;
        self.folds.finish(file, &mut list);
        list
    }
}

/// A folded kind in words.
fn what(kind: &str) -> String {
    match kind {
        "`…` is not one of this client's people" => "unknown @mentions".into(),
        "`…` could be more than one person" => "ambiguous @mentions".into(),
        "unknown key `…`" => "unknown keys".into(),
        "`…` is given twice" => "repeated keys".into(),
        "entry is dated after today (#-#-#)" => "entries dated after today".into(),
        "unknown kind `…`" => "unknown kinds".into(),
        _ => format!("problems like “{kind}”"),
    }
}

/// `99999` → `99,999`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Byte range of `width` characters starting at 1-based character `column`, clamped
/// to the line.
fn char_span(line: &str, column: usize, width: usize) -> (usize, usize) {
    let byte_at = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    let start = byte_at(column.saturating_sub(1));
    let end = byte_at(column.saturating_sub(1) + width).max(start);
    (start, end)
}

/// (errors, warnings) among `diags`, a folded diagnostic counting as many problems as
/// it stands for.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    diags.iter().fold((0, 0), |(e, w), d| {
        if d.is_error() {
            (e + d.count(), w)
        } else {
            (e, w + d.count())
        }
    })
}

/// Sort for stable output: by file, then position, errors before warnings.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}

/// 1-based character column of byte offset `byte` in `line`.
pub fn column_of(line: &str, byte: usize) -> usize {
    line.get(..byte).map_or(1, |s| s.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rustc_style_with_caret_under_chinese() {
        let line = "## 2026-03-05 拜方 @王强";
        let d = Diagnostic::error("wang/a.md", "unknown kind `拜方`")
            .at(7, 15, 2, line)
            .help("did you mean `拜访`?");
        let out = d.render(false);
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("wang/a.md:7:15: error: unknown kind `拜方`")
        );
        assert!(out.contains("7 | ## 2026-03-05 拜方 @王强"), "{out}");
        // Each Chinese character is two columns wide: the caret sits under 拜方.
        eprintln!("{out}");
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(caret.find("^^^^ "), None);
        assert_eq!(caret.trim_end().rfind("^^^^"), Some(4 + 14));
        assert!(caret.trim_end().ends_with("^^^^"));
        assert!(out.ends_with("help: did you mean `拜访`?"), "{out}");
    }

    #[test]
    fn long_lines_keep_an_excerpt_and_the_caret_lines_up() {
        let line = format!(
            "## 2026-11-02 call {}@bob {}",
            "长".repeat(5000),
            "x".repeat(5000)
        );
        let column = 20 + 5000;
        let d = Diagnostic::warning("a.md", "`@bob` is not one of this client's people")
            .at(4, column, 4, &line);
        assert!(
            d.source.chars().count() <= 1 + 60 + 4 + 60 + 1,
            "{}",
            d.source
        );
        assert!(d.source.starts_with('…') && d.source.ends_with('…'));
        let at = d.source_column();
        let under: String = d.source.chars().skip(at - 1).take(4).collect();
        assert_eq!(under, "@bob");
        let out = d.render(false);
        assert!(out.starts_with("a.md:4:5020: warning:"), "{out}");
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        let text = out.lines().find(|l| l.starts_with("4 |")).unwrap();
        // The caret sits under `@bob` (each 长 is two columns wide).
        let bob = unicode_width::UnicodeWidthStr::width(&text[..text.find("@bob").unwrap()]);
        assert_eq!(caret.find('^'), Some(bob), "{out}");
        // A short line is kept whole.
        let d = Diagnostic::error("a.md", "x").at(1, 3, 1, "ab c");
        assert_eq!((d.source.as_str(), d.source_offset), ("ab c", 0));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let d = Diagnostic::error("\u{1b}[31mevil\u{7}\n.md", "unknown kind `\u{1b}[2J`")
            .at(2, 15, 4, "## 2026-01-01 \u{1b}[2J")
            .help("fix \u{202e}this");
        let out = d.render(false);
        assert!(!out.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{out:?}");
        assert!(
            out.starts_with(
                "\\u{1b}[31mevil\\u{7}\\u{a}.md:2:15: error: unknown kind `\\u{1b}[2J`"
            ),
            "{out}"
        );
        assert!(out.contains("## 2026-01-01 ␛[2J"), "{out}");
        assert!(out.ends_with("help: fix \\u{202e}this"), "{out}");
        assert_eq!(for_terminal("plain 华东"), "plain 华东");
    }

    #[test]
    fn folds_count_every_repeat() {
        let mut sink = Sink::default();
        for i in 0..25 {
            sink.push(
                Diagnostic::warning("a.md", format!("unknown key `k{i}`")).at(i + 2, 1, 2, "k: x"),
            );
        }
        sink.push(Diagnostic::error("a.md", "`x` is given twice").at(40, 1, 1, "x: 1"));
        let d = sink.finish("a.md");
        assert_eq!(d.len(), 12);
        let last = d.last().unwrap();
        assert_eq!(
            (last.line, last.column, last.message.as_str()),
            (11, 2, "… and 15 more unknown keys in this note")
        );
        assert_eq!(d.iter().map(Diagnostic::count).sum::<usize>(), 26);
        assert_eq!(
            kind_of("revenue for 2025 (`x`) is out of range"),
            "revenue for # (`…`) is out of range"
        );
        assert_eq!(grouped(99_990), "99,990");
        assert_eq!(grouped(7), "7");
    }

    #[test]
    fn whole_file_problem_has_no_snippet() {
        let d = Diagnostic::error("a.md", "not UTF-8");
        assert_eq!(d.render(false), "a.md: error: not UTF-8");
    }
}
