//! The contact log: dated headings (`## 2026-11-02 visit @王强 — brought tea`) become
//! entries, dated task items (`- [ ] 2026-11-16 call`) become follow-ups, and the rest
//! of the body is the client's background text.

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::dates::{leading_date, parse_iso};
use super::entry;
use crate::diag::{Diagnostic, Sink, column_of};
use crate::model::{Date, Entry, FollowUp, Person};

/// Markdown extensions notes may use; the renderer uses the same set.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// What the body of a note holds.
#[derive(Debug, Default)]
pub struct Log {
    pub entries: Vec<Entry>,
    pub followups: Vec<FollowUp>,
    pub profile: String,
    pub diags: Vec<Diagnostic>,
}

/// Maps byte offsets in the body to 1-based file lines and their text.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, first_line: usize) -> Lines<'a> {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines {
            text,
            starts,
            first_line,
        }
    }

    /// (0-based index into the body's lines, byte offset of that line's start)
    fn index_of(&self, offset: usize) -> (usize, usize) {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        (i, self.starts.get(i).copied().unwrap_or(0))
    }

    fn line_text(&self, index: usize) -> &'a str {
        let start = self.starts.get(index).copied().unwrap_or(self.text.len());
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |&e| e.saturating_sub(1));
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// File line number, the line's text, and the byte offset of `offset` in it.
    fn locate(&self, offset: usize) -> (usize, &'a str, usize) {
        let (i, start) = self.index_of(offset);
        (
            self.first_line + i,
            self.line_text(i),
            offset.saturating_sub(start),
        )
    }
}

/// Task-list markers found in a body: (checked, byte offset just after `[ ]`).
type Tasks = Vec<(bool, usize)>;

struct Heading {
    level: u8,
    start: usize,
    end: usize,
}

/// Headings and task-list markers of a Markdown body: (headings, (checked, offset just
/// after the `[ ]` marker)).
fn structure(body: &str, starts: &[usize]) -> (Vec<Heading>, Tasks) {
    if let Some(found) = simple_structure(body, starts) {
        return found;
    }
    let mut headings = Vec::new();
    let mut tasks = Vec::new();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => headings.push(Heading {
                level: level as u8,
                start: range.start,
                end: range.end,
            }),
            Event::TaskListMarker(checked) => tasks.push((checked, range.end)),
            _ => {}
        }
    }
    (headings, tasks)
}

/// The same answer as the Markdown parser, found line by line, for bodies made only of
/// paragraphs, ATX headings and flat lists (most notes). Returns None as soon as a line
/// could start anything subtler (code, HTML, quotes, indented or setext text), and the
/// full parser is used instead. Much faster on large folders; `structure_agrees` tests
/// that both give the same result. `starts` are where the body's lines start
/// (`Lines::starts`, found once for both).
fn simple_structure(body: &str, starts: &[usize]) -> Option<(Vec<Heading>, Tasks)> {
    let mut headings = Vec::new();
    let mut tasks = Vec::new();
    let mut offset = 0;
    // Line by line, as `split_inclusive('\n')` would cut them.
    let ends = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(body.len()));
    for end in ends {
        let start = offset;
        let raw = body.get(start..end)?;
        offset = end;
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let bytes = line.as_bytes();
        match bytes.first()? {
            b' ' | b'\t' | b'<' | b'>' | b'`' | b'~' | b'=' | b'|' | b'_' => return None,
            b'#' => {
                let level = bytes.iter().take_while(|&&b| b == b'#').count();
                if level > 6 || !matches!(bytes.get(level), None | Some(b' ')) {
                    // `#tag` or `#######`: paragraph text.
                    continue;
                }
                let level = u8::try_from(level).ok()?;
                headings.push(Heading {
                    level,
                    start,
                    end: offset,
                });
            }
            b'-' | b'*' | b'+' => {
                let rest = bytes.get(1..)?;
                let mark = bytes.first().copied().unwrap_or(b'-');
                if rest.is_empty() || rest.iter().all(|&b| b == mark || b == b' ') {
                    // A thematic break or setext underline: leave it to the parser.
                    return None;
                }
                if rest.first() == Some(&b' ') {
                    let item = line.get(2..)?;
                    if item.starts_with([' ', '#', '`', '~', '>', '<', '-', '*', '+']) {
                        return None;
                    }
                    if let Some(checked) = task_marker(item) {
                        tasks.push((checked, start + 2 + 3));
                    }
                }
            }
            b'0'..=b'9' => {
                let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                if matches!(bytes.get(digits), Some(b'.' | b')')) {
                    // Ordered lists: rare in notes; let the parser handle them.
                    return None;
                }
            }
            _ => {}
        }
    }
    Some((headings, tasks))
}

/// `[ ] text` / `[x] text` at the start of a list item.
fn task_marker(item: &str) -> Option<bool> {
    let b = item.as_bytes();
    if b.first() != Some(&b'[')
        || b.get(2) != Some(&b']')
        || !matches!(b.get(3), None | Some(b' ' | b'\t'))
    {
        return None;
    }
    match b.get(1) {
        Some(b' ') => Some(false),
        Some(b'x' | b'X') => Some(true),
        _ => None,
    }
}

/// Parse the body of a note. `people` resolves `@mentions`; `cx.today` flags entries
/// from the future, `cx.kinds` knows the kinds.
pub fn parse_log(
    file: &str,
    body: &str,
    body_line: usize,
    people: &[Person],
    cx: &super::Context<'_>,
) -> Log {
    let lines = Lines::new(body, body_line);
    let mut log = Log::default();
    let mut diags = Sink::default();
    let people = entry::People::new(people);
    let (headings, tasks) = structure(body, &lines.starts);

    // Which headings are log entries (or broken attempts at one)?
    let mut regions: Vec<(usize, usize)> = Vec::new(); // byte ranges owned by entries
    let mut entry_lines: Vec<Option<usize>> = Vec::new(); // and their heading lines
    let dated: Vec<(usize, Option<Entry>)> = headings
        .iter()
        .enumerate()
        .filter(|(_, h)| (2..=4).contains(&h.level))
        .filter_map(|(i, h)| {
            let (line_no, line, at) = lines.locate(h.start);
            entry::parse_heading(file, line_no, line, at, &people, cx, &mut diags).map(|e| (i, e))
        })
        .collect();
    // Where each dated heading starts, so that the entries can be moved out of `dated`.
    let starts: Vec<Option<usize>> = dated
        .iter()
        .map(|(j, _)| headings.get(*j).map(|h| h.start))
        .collect();
    // Exactly as many as there are: every parsed note is held until its pages are
    // written, and a vector grown by doubling (a 40-entry log has room for 64) left a
    // tenth of a build's memory unused.
    log.entries
        .reserve_exact(dated.iter().filter(|(_, e)| e.is_some()).count());
    for (n, (i, entry)) in dated.into_iter().enumerate() {
        let Some(h) = headings.get(i) else { continue };
        // The body runs to the next heading of the same or a higher level, or the
        // next dated heading, whichever comes first.
        let next_dated = starts.get(n + 1).copied().flatten();
        let next_peer = headings
            .iter()
            .skip(i + 1)
            .find(|o| o.level <= h.level)
            .map(|o| o.start);
        let end = [next_dated, next_peer]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(body.len());
        regions.push((h.start, end));
        entry_lines.push(entry.as_ref().map(|e| e.line));
        if let Some(mut e) = entry {
            // The body without the line breaks around it, as a span of `body`.
            let text = body.get(h.end..end).unwrap_or("");
            let lead = text.len() - text.trim_start_matches(['\n', '\r']).len();
            let kept = text.trim_matches(['\n', '\r']).len();
            e.body = crate::model::Span::new(h.end + lead..h.end + lead + kept);
            log.entries.push(e);
        }
    }

    // Background text: everything outside entries.
    let mut pos = 0;
    for &(s, e) in &regions {
        log.profile.push_str(body.get(pos..s).unwrap_or(""));
        pos = e;
    }
    log.profile.push_str(body.get(pos..).unwrap_or(""));
    log.profile = log.profile.trim().to_string();

    let mut dated_before = Vec::new();
    log.followups.reserve_exact(tasks.len());
    for (checked, offset) in tasks {
        if let Some(mut f) = parse_task(file, &lines, checked, offset, &mut diags) {
            // Which entry's body holds it (complaints are resolved by their own items).
            // Regions are in body order and do not overlap: the last one starting at
            // or before the item is the only one that can hold it.
            let n = regions.partition_point(|&(s, _)| s <= offset);
            f.entry_line = n
                .checked_sub(1)
                .and_then(|i| Some((regions.get(i)?, entry_lines.get(i)?)))
                .filter(|((s, e), _)| (*s..*e).contains(&offset))
                .and_then(|(_, l)| *l)
                .map(crate::model::line32);
            warn_done_before_complaint(file, &lines, offset, &f, &log.entries, &mut dated_before);
            log.followups.push(f);
        }
    }
    log.diags = diags.finish(file);
    log.diags.append(&mut dated_before);
    // Newest first; entries on the same day keep file order.
    log.entries.sort_by_key(|e| std::cmp::Reverse(e.date));
    log
}

/// A done item in a complaint's body dated before the complaint cannot have resolved
/// it: most likely a typo in one of the two dates.
fn warn_done_before_complaint(
    file: &str,
    lines: &Lines<'_>,
    offset: usize,
    f: &FollowUp,
    entries: &[Entry],
    diags: &mut Vec<Diagnostic>,
) {
    let Some(complaint) = entries.iter().find(|e| {
        Some(e.line) == f.entry_line.map(|l| l as usize) && e.kind == crate::model::Kind::Complaint
    }) else {
        return;
    };
    if !f.done || f.date >= complaint.date {
        return;
    }
    let (line_no, line, at) = lines.locate(offset);
    let start = line
        .get(at..)
        .and_then(|rest| rest.find(|c: char| c.is_ascii_digit()))
        .map_or(at, |i| at + i);
    let width = line
        .get(start..)
        .map_or(1, |r| r.chars().take_while(|c| !c.is_whitespace()).count());
    diags.push(
        Diagnostic::warning(
            file,
            format!(
                "this done item is dated {}, before the complaint of {} it is under: it does not resolve it",
                f.date, complaint.date
            ),
        )
        .at(line_no, column_of(line, start), width, line)
        .help(format!(
            "date the item on the day the complaint was resolved (on or after {})",
            complaint.date
        )),
    );
}

fn parse_task(
    file: &str,
    lines: &Lines<'_>,
    done: bool,
    offset: usize,
    diags: &mut Sink,
) -> Option<FollowUp> {
    let (line_no, line, at) = lines.locate(offset);
    let rest = line.get(at..)?;
    let mut start = at + (rest.len() - rest.trim_start().len());
    let mut text = rest.trim_start();
    for prefix in ["next:", "next：", "Next:", "Next：", "NEXT:"] {
        if let Some(r) = text.strip_prefix(prefix) {
            start += prefix.len() + (r.len() - r.trim_start().len());
            text = r.trim_start();
            break;
        }
    }
    // Obsidian Tasks' marks at the end: `📅 2026-11-16` (due) and `✅ 2026-11-18` (done),
    // in either order.
    let (rest, done_on) = done_mark(text.trim_end());
    let (rest, due) = due_mark(rest);
    let (rest, done_on) = match done_on {
        Some(d) => (rest, Some(d)),
        None => done_mark(rest),
    };
    let at_token = |token: &str| {
        let offset = (token.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
        column_of(line, offset.min(line.len()))
    };
    let item = |date: Date, text: &str| FollowUp {
        date,
        text: text
            .trim_start_matches(|c: char| c.is_whitespace() || super::entry::leads_summary(c))
            .trim_end()
            .into(),
        done,
        done_on,
        line: crate::model::line32(line_no),
        entry_line: None,
    };
    let due_date = |token: &str, diags: &mut Sink| match parse_iso(token) {
        Ok(d) => Some(d),
        Err(p) => {
            diags.push(
                Diagnostic::error(file, p.message)
                    .at(line_no, at_token(token), token.chars().count(), line)
                    .help(p.help),
            );
            None
        }
    };
    match leading_date(rest) {
        Some((len, Ok(date))) => {
            if let Some(token) = due
                && let Some(other) = due_date(token, diags)
                && other != date
            {
                diags.push(
                    Diagnostic::warning(
                        file,
                        format!("this item has two due dates, {date} and 📅 {other}"),
                    )
                    .at(line_no, at_token(token), token.chars().count(), line)
                    .help(format!("keep one; the first, {date}, is used")),
                );
            }
            Some(item(date, rest.get(len..).unwrap_or("")))
        }
        Some((len, Err(p))) => {
            let token = rest.get(..len).unwrap_or("");
            diags.push(
                Diagnostic::error(file, p.message)
                    .at(line_no, column_of(line, start), token.chars().count(), line)
                    .help(p.help),
            );
            None
        }
        // `- [ ] call — send quote 📅 2026-11-16`: the due date at the end.
        None => {
            let date = due_date(due?, diags)?;
            Some(item(date, rest))
        }
    }
}

/// A trailing `📅 2026-11-16` (Obsidian Tasks' due date) split off the item's text:
/// the text before it, and the token after the mark (a date, or a typo of one).
pub fn due_mark(text: &str) -> (&str, Option<&str>) {
    if let Some(i) = text.rfind('📅') {
        let after = text.get(i + '📅'.len_utf8()..).unwrap_or("").trim();
        if !after.is_empty() && !after.contains(char::is_whitespace) {
            return (text.get(..i).unwrap_or(text).trim_end(), Some(after));
        }
    }
    (text, None)
}

/// A trailing `✅ 2026-11-18` (Obsidian Tasks' done date) split off the item's text.
pub fn done_mark(text: &str) -> (&str, Option<Date>) {
    if let Some(i) = text.rfind('✅') {
        let after = text.get(i + '✅'.len_utf8()..).unwrap_or("").trim();
        if let Ok(d) = crate::parse::dates::parse_iso(after) {
            return (text.get(..i).unwrap_or(text).trim_end(), Some(d));
        }
    }
    (text, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn done_dates_are_read() {
        assert_eq!(
            done_mark("call — send quote ✅ 2026-11-18"),
            ("call — send quote", Some(Date::constant(2026, 11, 18)))
        );
        assert_eq!(done_mark("call ✅ soon"), ("call ✅ soon", None));
        assert_eq!(done_mark("call"), ("call", None));
    }

    fn people() -> Vec<Person> {
        ["王强", "Lena Fischer", "Li Na", "Li Ming"]
            .into_iter()
            .map(|n| Person {
                name: n.into(),
                ..Person::default()
            })
            .collect()
    }

    fn today() -> Date {
        "2026-11-22".parse().unwrap()
    }

    fn cx() -> crate::parse::Context<'static> {
        static KINDS: crate::model::KindTable = crate::model::KindTable { custom: Vec::new() };
        crate::parse::Context {
            today: today(),
            kinds: &KINDS,
        }
    }

    fn log(body: &str) -> Log {
        parse_log("a.md", body, 10, &people(), &cx())
    }

    #[test]
    fn entries_with_kinds_mentions_and_summary() {
        let body = "## Background\nA family firm.\n\n## 2026-11-02 visit @王强 @Lena — brought **tea**\nTalked.\n\n### 2026-10-01 电话：@LiNa\nShort.\n";
        let l = log(body);
        assert!(l.diags.is_empty(), "{:?}", l.diags);
        assert_eq!(l.entries.len(), 2);
        let e = &l.entries[0];
        assert_eq!((e.kind, e.line), (Kind::Visit, 13));
        assert_eq!(*e.people, ["王强", "Lena Fischer"]);
        assert_eq!(&*e.summary, "brought **tea**");
        assert_eq!(e.body.of(body), "Talked.");
        assert_eq!(l.entries[1].body.of(body), "Short.");
        assert_eq!(l.entries[1].kind, Kind::Call);
        assert_eq!(*l.entries[1].people, ["Li Na"]);
        assert_eq!(l.profile, "## Background\nA family firm.");
    }

    #[test]
    fn chinese_alias_glued_to_text() {
        let l = log("## 2026-11-02 拜访王总，带了茶叶\n");
        assert_eq!(l.entries[0].kind, Kind::Visit);
        assert_eq!(&*l.entries[0].summary, "王总，带了茶叶");
    }

    #[test]
    fn unknown_kind_suggests() {
        let l = log("intro\n\n## 2026-11-02 vist @王强\n");
        assert_eq!(l.entries.len(), 0);
        let d = &l.diags[0];
        assert_eq!((d.line, d.column, d.width), (12, 15, 4));
        assert_eq!(d.message, "unknown kind `vist`");
        assert_eq!(d.help.as_deref(), Some("did you mean `visit`?"));
    }

    #[test]
    fn bad_dates_are_errors_with_iso_form() {
        let l = log("## 2026/03/05 call\n## 2026年3月5日 拜访\n## 2026-02-30 call\n");
        assert_eq!(l.entries.len(), 0);
        assert_eq!(l.diags.len(), 3);
        assert!(l.diags[0].help.as_deref().unwrap().contains("2026-03-05"));
        assert_eq!(l.diags[1].line, 11);
        assert!(l.diags[1].help.as_deref().unwrap().contains("2026-03-05"));
        assert_eq!(l.diags[2].message, "`2026-02-30` is not a real date");
    }

    #[test]
    fn future_entries_warn_and_mentions_resolve() {
        let l = log("## 2026-12-01 call @Li\n## 2026-11-01 call @Bob\n");
        let msgs: Vec<&str> = l.diags.iter().map(|d| d.message.as_str()).collect();
        assert!(
            msgs.contains(&"entry is dated after today (2026-11-22)"),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"`@Li` could be more than one person"),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"`@Bob` is not one of this client's people"),
            "{msgs:?}"
        );
        assert_eq!(l.entries.len(), 2);
    }

    #[test]
    fn followups_know_their_entry() {
        let l = log(
            "- [ ] 2026-11-30 top\n\n## 2026-08-01 complaint — tiles\n- [x] 2026-08-05 replaced\n\n## 2026-07-01 call\n",
        );
        assert_eq!(l.followups[0].entry_line, None);
        assert_eq!(l.followups[1].entry_line, Some(12));
        let d = parse_log(
            "a.md",
            "## 2026-09-10 成交 ¥120,000 — Q4\n## 2026-10-12 feedback — 8/10 ok\n",
            1,
            &[],
            &cx(),
        );
        assert_eq!(d.entries[1].amount(), Some(120_000.0));
        assert_eq!(d.entries[0].score(), Some(8.0));
    }

    #[test]
    fn followups_anywhere() {
        let l = log(
            "- [ ] 2026-11-16 call — send quote\n\n## 2026-11-02 visit\n- [x] next: 2026-11-10 sent samples\n- [ ] no date here\n- [ ] 2026/11/30 bad\n",
        );
        assert_eq!(l.followups.len(), 2);
        assert_eq!(&*l.followups[0].text, "call — send quote");
        assert!(!l.followups[0].done);
        assert_eq!(l.followups[0].line, 10);
        assert!(l.followups[1].done);
        assert_eq!(&*l.followups[1].text, "sent samples");
        assert_eq!((l.diags[0].line, l.diags[0].column), (15, 7));
    }

    /// `simple_structure` with the body's line starts found as `parse_log` finds them.
    fn simple(body: &str) -> Option<(Vec<Heading>, Tasks)> {
        simple_structure(body, &Lines::new(body, 1).starts)
    }

    fn full_parse(body: &str) -> (Vec<(u8, usize)>, Tasks) {
        let mut h = Vec::new();
        let mut t = Vec::new();
        for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, .. }) => h.push((level as u8, range.start)),
                Event::TaskListMarker(c) => t.push((c, range.end)),
                _ => {}
            }
        }
        (h, t)
    }

    #[test]
    fn structure_agrees() {
        let samples = [
            "## 2026-11-02 visit\ntext\n\n- [ ] 2026-11-16 call\n- [x] done\n- plain\n\n### sub\n#tag not heading\n",
            "intro\n## 2026-11-02 call\r\n* [X] next: 2026-01-01 a\r\n+ [ ]\tb\n",
            "para\n- [ ] item\nlazy line\n## h\n",
            "####### seven\n# one\n##\n",
            "- [] not a task\n- [y] no\n- [ ]\n",
            "text with **bold** and [link](x)\n## 2026-01-01 拜访 @王强\n预计 **23k** 的单子。\n",
        ];
        for body in samples {
            let simple = simple(body).expect(body);
            let simple = (
                simple
                    .0
                    .iter()
                    .map(|h| (h.level, h.start))
                    .collect::<Vec<_>>(),
                simple.1,
            );
            assert_eq!(simple, full_parse(body), "{body:?}");
        }
        // Anything subtler goes to the full parser.
        for body in [
            "```\n## x\n```\n",
            "> ## q\n",
            "    ## code\n",
            "title\n---\n",
            "1. [ ] x\n",
            "<div>\n## x\n</div>\n",
            "- ## h\n",
        ] {
            assert!(simple(body).is_none(), "{body:?}");
        }
    }

    #[test]
    fn structure_agrees_on_the_example_notes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
        let (files, _) = crate::discover::discover(&root);
        assert!(files.len() >= 12);
        for f in files {
            let text = std::fs::read_to_string(&f.path).unwrap();
            let body = crate::parse::frontmatter::split(&text).body;
            if let Some((h, t)) = simple(body) {
                let h: Vec<(u8, usize)> = h.iter().map(|h| (h.level, h.start)).collect();
                assert_eq!((h, t), full_parse(body), "{}", f.rel);
            }
        }
    }

    #[test]
    fn code_blocks_are_not_entries() {
        let l = log("```\n## 2026-11-02 vist\n```\n");
        assert!(l.entries.is_empty() && l.diags.is_empty());
    }
}
