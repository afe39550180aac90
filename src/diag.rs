//! Diagnostics: what is wrong with a note, where, and how to fix it.
//!
//! Every problem found anywhere is a `Diagnostic` with a file, a 1-based line and column
//! (in characters), a message and an optional hint. This module also renders them
//! rustc-style for the terminal, with the source line and a caret under the culprit.

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
    /// The source line, for the snippet (empty when there is none).
    pub source: String,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
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
            width: 1,
        }
    }

    /// Point at `line` (1-based), underlining `width` characters from `column` (1-based).
    pub fn at(mut self, line: usize, column: usize, width: usize, source: &str) -> Diagnostic {
        self.line = line;
        self.column = column.max(1);
        self.width = width.max(1);
        self.source = source.trim_end_matches(['\r', '\n']).to_string();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` (or just `path` for whole-file problems).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// Render for a terminal: `path:line:col: error: message`, the source line with a
    /// caret, and a `help:` line.
    pub fn render(&self, color: bool) -> String {
        if self.source.is_empty() {
            // Nothing to show under the header: keep it to the header and the hint.
            let mut out = format!(
                "{}: {}: {}",
                self.location(),
                self.severity.as_str(),
                self.message
            );
            if let Some(help) = &self.help {
                out.push_str("\nhelp: ");
                out.push_str(help);
            }
            return out;
        }
        let header = format!("{}: {}", self.location(), self.severity.as_str());
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        }
        .with_name(Some(header.as_str()));
        let title = level.primary_title(self.message.as_str());
        let group = if self.line > 0 && !self.source.is_empty() {
            let (start, end) = char_span(&self.source, self.column, self.width);
            title.element(
                Snippet::source(self.source.as_str())
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        } else {
            Group::with_title(title)
        };
        let mut report: Vec<Group<'_>> = vec![group];
        if let Some(help) = &self.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
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

/// Byte range of `width` characters starting at 1-based character `column`, clamped
/// to the line.
fn char_span(line: &str, column: usize, width: usize) -> (usize, usize) {
    let byte_at = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    let start = byte_at(column.saturating_sub(1));
    let end = byte_at(column.saturating_sub(1) + width).max(start);
    (start, end)
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
    fn whole_file_problem_has_no_snippet() {
        let d = Diagnostic::error("a.md", "not UTF-8");
        assert_eq!(d.render(false), "a.md: error: not UTF-8");
    }
}
