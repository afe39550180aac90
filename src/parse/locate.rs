//! Finding where a YAML key sits in the text, so a diagnostic about a value can point
//! at its line. The YAML crate gives no positions for values; block-style YAML (what
//! people write) is simple enough to walk by indentation. When a path cannot be found
//! (flow style, odd layout) the nearest parent found is used.
//!
//! A note may ask for thousands of positions (one per person's phone number, say), so
//! `Index` scans the text once and remembers the blocks it has found: each lookup then
//! costs the size of the block it lands in, not the size of the text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

/// A step into the YAML tree.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
    /// The `n`th (0-based) time a key is given in the same block: a repeat.
    Repeat(&'a str, usize),
}

/// Where a key was found: 0-based line index in the YAML text, and byte columns of the
/// key and of its value on that line (the value may be empty: a block follows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    pub line: usize,
    pub key_col: usize,
    pub key_len: usize,
    pub value_col: usize,
    pub value_len: usize,
}

struct Line<'a> {
    text: &'a str,
    /// Column where the content starts, after indentation and any `- ` item markers.
    col: usize,
    /// Column of the first `- ` item marker, if the line starts an item.
    dash: Option<usize>,
}

fn scan(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .map(|raw| {
            let t = raw.trim_end_matches('\r');
            let indent = t.len() - t.trim_start_matches(' ').len();
            let mut col = indent;
            let mut dash = None;
            while let Some(rest) = t.get(col..) {
                if rest == "-" || rest.starts_with("- ") {
                    dash.get_or_insert(col);
                    col += 1;
                    col += t
                        .get(col..)
                        .map_or(0, |r| r.len() - r.trim_start_matches(' ').len());
                } else {
                    break;
                }
            }
            Line { text: t, col, dash }
        })
        .collect()
}

fn blank(line: &Line<'_>) -> bool {
    let rest = line.text.get(line.col..).unwrap_or("");
    rest.is_empty() || rest.starts_with('#')
}

/// Find `path` in `text`. Returns the deepest spot found and whether the full path was.
pub fn locate(text: &str, path: &[Step<'_>]) -> Option<(Spot, bool)> {
    Index::new(text).locate(path)
}

/// A YAML text scanned once, for many lookups.
pub struct Index<'a> {
    lines: Vec<Line<'a>>,
    /// Keys found so far, by (range, key column, key, repeat).
    keys: RefCell<HashMap<KeyMemo, Option<Found>>>,
    /// Lists found so far, by range: their `- ` column and item lines.
    items: RefCell<HashMap<(usize, usize), Option<Items>>>,
}

impl<'a> Index<'a> {
    pub fn new(text: &'a str) -> Index<'a> {
        Index {
            lines: scan(text),
            keys: RefCell::default(),
            items: RefCell::default(),
        }
    }

    /// The 0-based line `i` of the text, without its line break.
    pub fn line(&self, i: usize) -> &'a str {
        self.lines.get(i).map_or("", |l| l.text)
    }

    /// Find `path`. Returns the deepest spot found and whether the full path was.
    pub fn locate(&self, path: &[Step<'_>]) -> Option<(Spot, bool)> {
        let mut range = 0..self.lines.len();
        let mut found: Option<Spot> = None;
        // Column at which the current block's keys sit (None: take the first line's).
        let mut block_col: Option<usize> = Some(0);
        for step in path {
            let next = match *step {
                Step::Key(key) => self.key(range.clone(), block_col, key, 0),
                Step::Repeat(key, nth) => self.key(range.clone(), block_col, key, nth),
                Step::Index(i) => self.item(range.clone(), i),
            };
            match next {
                Some((spot, sub, col)) => {
                    found = Some(spot);
                    range = sub;
                    block_col = col;
                }
                None => return found.map(|s| (s, false)),
            }
        }
        found.map(|s| (s, true))
    }

    fn key(&self, range: Range<usize>, col: Option<usize>, key: &str, nth: usize) -> Option<Found> {
        let memo = (range.start, range.end, col, key.to_string(), nth);
        if let Some(f) = self.keys.borrow().get(&memo) {
            return f.clone();
        }
        let f = find_key(&self.lines, range, col, key, nth);
        self.keys.borrow_mut().insert(memo, f.clone());
        f
    }

    fn item(&self, range: Range<usize>, index: usize) -> Option<Found> {
        let memo = (range.start, range.end);
        let known = self.items.borrow().get(&memo).cloned();
        let starts = match known {
            Some(s) => s,
            None => {
                let s = item_starts(&self.lines, range.clone());
                self.items.borrow_mut().insert(memo, s.clone());
                s
            }
        };
        let (dash_col, starts) = starts?;
        find_item(&self.lines, range, dash_col, &starts, index)
    }
}

type Found = (Spot, Range<usize>, Option<usize>);
type KeyMemo = (usize, usize, Option<usize>, String, usize);
type Items = (usize, Vec<usize>);

fn find_key(
    lines: &[Line<'_>],
    range: Range<usize>,
    col: Option<usize>,
    key: &str,
    nth: usize,
) -> Option<Found> {
    let first = range
        .clone()
        .find(|&i| lines.get(i).is_some_and(|l| !blank(l)))?;
    let col = col.unwrap_or(lines.get(first)?.col);
    let mut skip = nth;
    for i in range.clone() {
        let line = lines.get(i)?;
        if line.col != col || blank(line) {
            continue;
        }
        let rest = line.text.get(col..)?;
        let unquoted = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(key)?.strip_prefix('"'))
            .or_else(|| {
                rest.strip_prefix('\'')
                    .and_then(|r| r.strip_prefix(key)?.strip_prefix('\''))
            })
            .or_else(|| rest.strip_prefix(key));
        let Some(after) = unquoted.and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let key_len = rest.len() - after.len() - 1;
        let value = after.trim_start();
        let value_col = line.text.len() - value.len();
        let value = strip_comment(value);
        // The value's block: following lines indented deeper than the key.
        let end = (i + 1..range.end)
            .find(|&j| {
                lines
                    .get(j)
                    .is_some_and(|l| !blank(l) && l.dash.unwrap_or(l.col) <= col)
            })
            .unwrap_or(range.end);
        let spot = Spot {
            line: i,
            key_col: col,
            key_len,
            value_col,
            value_len: value.len(),
        };
        return Some((spot, i + 1..end, None));
    }
    None
}

/// The column of a list's `- ` markers and the lines its items start on.
fn item_starts(lines: &[Line<'_>], range: Range<usize>) -> Option<Items> {
    let dash_col = range
        .clone()
        .find_map(|i| lines.get(i).and_then(|l| l.dash))?;
    let starts: Vec<usize> = range
        .filter(|&i| lines.get(i).is_some_and(|l| l.dash == Some(dash_col)))
        .collect();
    Some((dash_col, starts))
}

fn find_item(
    lines: &[Line<'_>],
    range: Range<usize>,
    dash_col: usize,
    starts: &[usize],
    index: usize,
) -> Option<Found> {
    let start = *starts.get(index)?;
    let end = starts.get(index + 1).copied().unwrap_or(range.end);
    let line = lines.get(start)?;
    let spot = Spot {
        line: start,
        key_col: dash_col,
        key_len: 1,
        value_col: line.col,
        value_len: strip_comment(line.text.get(line.col..).unwrap_or("")).len(),
    };
    // Keys of the item sit where its first line's content starts.
    Some((spot, start..end, Some(line.col)))
}

fn strip_comment(value: &str) -> &str {
    if value.starts_with(['"', '\'']) {
        return value.trim_end();
    }
    match value.find(" #") {
        Some(i) => value.get(..i).unwrap_or(value).trim_end(),
        None => value.trim_end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: 华东建材\ntier: kye # typo\npeople:\n  - name: 王强\n    birthdya: 1980-01-01\n  - name: Lena\n    role: boss\nrevenue:\n  2024: lots\n";

    #[test]
    fn top_level_key() {
        let (s, full) = locate(DOC, &[Step::Key("tier")]).unwrap();
        assert!(full);
        assert_eq!(
            (s.line, s.key_col, s.key_len, s.value_col, s.value_len),
            (1, 0, 4, 6, 3)
        );
    }

    #[test]
    fn nested_item_key() {
        let (s, full) = locate(
            DOC,
            &[Step::Key("people"), Step::Index(1), Step::Key("role")],
        )
        .unwrap();
        assert!(full);
        assert_eq!((s.line, s.key_col, s.value_col), (6, 4, 10));
        let (s, _) = locate(
            DOC,
            &[Step::Key("people"), Step::Index(0), Step::Key("birthdya")],
        )
        .unwrap();
        assert_eq!(s.line, 4);
        let (s, _) = locate(
            DOC,
            &[Step::Key("people"), Step::Index(1), Step::Key("name")],
        )
        .unwrap();
        assert_eq!(s.line, 5);
        let (s, _) = locate(DOC, &[Step::Key("revenue"), Step::Key("2024")]).unwrap();
        assert_eq!(s.line, 8);
    }

    #[test]
    fn missing_falls_back_to_parent() {
        let (s, full) = locate(DOC, &[Step::Key("people"), Step::Index(7)]).unwrap();
        assert!(!full);
        assert_eq!(s.line, 2);
        assert!(locate(DOC, &[Step::Key("nope")]).is_none());
    }

    #[test]
    fn repeats_and_cached_lookups() {
        let doc = "a: 1\nb: 2\na: 3\npeople:\n  - name: x\n    name: y\n  - name: z\n";
        let index = Index::new(doc);
        for _ in 0..2 {
            let (s, full) = index.locate(&[Step::Repeat("a", 1)]).unwrap();
            assert!(full);
            assert_eq!(s.line, 2);
            let (s, _) = index
                .locate(&[Step::Key("people"), Step::Index(0), Step::Repeat("name", 1)])
                .unwrap();
            assert_eq!((s.line, s.key_col), (5, 4));
            let (s, _) = index
                .locate(&[Step::Key("people"), Step::Index(1), Step::Key("name")])
                .unwrap();
            assert_eq!(s.line, 6);
        }
        assert_eq!(index.locate(&[Step::Repeat("a", 2)]), None);
        assert_eq!(index.line(1), "b: 2");
    }
}
