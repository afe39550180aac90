//! The one door to YAML. Everything else sees `Node`, our own small tree, so the YAML
//! crate can change without touching the rest of the code.
//!
//! Maps keep every key in document order, repeats included; `duplicates` lists the
//! repeats (the reader of a note and of touchbase.yaml report them), and
//! `full_width_colons` finds `key： value` lines, which YAML cannot see as keys.

use std::collections::HashMap;
use std::fmt;

/// A YAML value, reduced to what notes and configuration need.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    /// A number, kept as YAML printed it (so `13800138000` stays those digits).
    Number(String),
    String(String),
    List(Vec<Node>),
    /// Keys in document order; non-string keys (`2024:`) become their text.
    Map(Vec<(String, Node)>),
}

/// A YAML syntax error with its 1-based position in the YAML text.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parse a YAML document. An empty document is `Node::Null`. Anchors and aliases
/// (`&p` … `*p`) are refused: an alias would copy a value from under one key to another,
/// past what masks personal data by key (`phone: &p 139…` then `title: *p`).
pub fn load(text: &str) -> Result<Node, YamlError> {
    if text.trim().is_empty() {
        return Ok(Node::Null);
    }
    if let Some((line, column, token)) = anchor_or_alias(text) {
        return Err(YamlError {
            line,
            column,
            message: format!(
                "YAML anchors and aliases (`{token}`) are not allowed here: write each value out"
            ),
        });
    }
    if let Some(e) = too_deep(text) {
        return Err(e);
    }
    match serde_yaml::from_str::<Node>(text) {
        Ok(node) => Ok(node),
        Err(err) => {
            let (line, column) = err
                .location()
                .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
            // The crate appends " at line X column Y"; we report the position ourselves.
            let message = err.to_string();
            let message = match message.find(" at line ") {
                Some(i) => message.get(..i).unwrap_or(&message).to_string(),
                None => message,
            };
            Err(YamlError {
                line,
                column,
                message,
            })
        }
    }
}

/// Flow brackets (`[`, `{`) open deeper than this are refused before the YAML crate
/// sees them: its scanner takes time quadratic in the depth (20,000 levels: 1.5 s; an
/// 8 MB note of brackets: hours), and it refuses more than 128 levels anyway.
pub const MAX_FLOW_DEPTH: usize = 1000;

/// The position of the bracket that opens level `MAX_FLOW_DEPTH + 1`, if any. Counts
/// every bracket outside quotes and comments, a little more than YAML would: only
/// absurd text reaches the limit.
fn too_deep(text: &str) -> Option<YamlError> {
    let mut depth = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        let mut quote: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(YamlError {
                            line: i + 1,
                            column: col + 1,
                            message: format!("nested deeper than {MAX_FLOW_DEPTH} levels"),
                        });
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// The first YAML anchor (`&name`) or alias (`*name`) outside quotes and comments: its
/// 1-based line and column, and the token.
fn anchor_or_alias(text: &str) -> Option<(usize, usize, String)> {
    if !text.contains(['&', '*']) {
        return None;
    }
    for (n, line) in text.split('\n').enumerate() {
        let mut quote: Option<char> = None;
        let mut prev: Option<char> = None;
        let mut col = 0;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            col += 1;
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if prev.is_none_or(|p| " :-[{,?".contains(p)) => quote = Some(c),
                    '#' if prev.is_none_or(char::is_whitespace) => break,
                    '&' | '*'
                        if prev.is_none_or(|p| " \t:-[{,?".contains(p))
                            && chars
                                .peek()
                                .is_some_and(|d| d.is_alphanumeric() || *d == '_') =>
                    {
                        let before = line.chars().take(col - 1).collect::<String>();
                        let lead = before.trim_end();
                        // At the start of a value: after `key:`, `- `, `[`, `{`, `,`, `?`.
                        let starts_value =
                            lead.is_empty() || lead.ends_with([':', '-', '[', '{', ',', '?']);
                        if starts_value {
                            let name: String = std::iter::once(c)
                                .chain(
                                    chars.take_while(|d| !d.is_whitespace() && !",]}".contains(*d)),
                                )
                                .collect();
                            return Some((n + 1, col, name));
                        }
                    }
                    _ => {}
                },
            }
            prev = Some(c);
        }
    }
    None
}

// Deserialise straight into `Node` (no intermediate YAML value tree).
impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        serde::Deserialize::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k.to_text(), v));
        }
        Ok(Node::Map(entries))
    }

    // `!tag value`: the tag is dropped, the value kept.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, variant): (Node, _) = data.variant()?;
        variant.newtype_variant::<Node>()
    }
}

/// A step on the way to a repeated key: a key (and which time it is given in its map,
/// 0 for the first), or a list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Key(String, usize),
    Index(usize),
}

/// A key given more than once in one map: where the map is, the key, and which repeat
/// this is (1 for the second time it is given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub path: Vec<PathStep>,
    pub key: String,
    pub nth: usize,
}

/// Every repeated key in `node`, at any depth, in document order. Linear in the size of
/// the tree.
pub fn duplicates(node: &Node) -> Vec<Duplicate> {
    let mut out = Vec::new();
    walk(node, &mut Vec::new(), &mut out);
    out
}

fn walk(node: &Node, path: &mut Vec<PathStep>, out: &mut Vec<Duplicate>) {
    match node {
        Node::Map(entries) => {
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
            for (key, value) in entries {
                let n = seen.entry(key.as_str()).or_insert(0);
                let nth = *n;
                *n += 1;
                if nth > 0 {
                    out.push(Duplicate {
                        path: path.clone(),
                        key: key.clone(),
                        nth,
                    });
                }
                if !value.is_scalar() {
                    path.push(PathStep::Key(key.clone(), nth));
                    walk(value, path, out);
                    path.pop();
                }
            }
        }
        Node::List(items) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_scalar() {
                    path.push(PathStep::Index(i));
                    walk(item, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// Lines written `key： value` (a full-width colon where YAML needs `:`), as (0-based
/// line, byte offset of the `：`). A line counts when what comes before the `：` (after
/// indentation and `- `) looks like a key: no `:`, no quote or bracket, at most 40
/// characters. Lines inside block text (`notes: |`) are not looked at.
pub fn full_width_colons(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Indentation of the key that opened a block of text, while inside it.
    let mut block: Option<usize> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_start_matches([' ', '-']).trim_start();
        if let Some(b) = block {
            if content.is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let value = line.split_once(": ").map(|(_, v)| v.trim());
        if value.is_some_and(|v| v.starts_with(['|', '>'])) {
            block = Some(indent);
            continue;
        }
        let Some(at) = content.find('：') else {
            continue;
        };
        let key = content.get(..at).unwrap_or("");
        let looks_like_key = !key.trim().is_empty()
            && key.chars().count() <= 40
            && !key.contains([':', '#', '"', '\'', '[', ']', '{', '}', ',']);
        if looks_like_key {
            out.push((i, line.len() - content.len() + at));
        }
    }
    out
}

impl Node {
    /// A scalar as text; lists and maps in a compact flow form.
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn is_scalar(&self) -> bool {
        !matches!(self, Node::List(_) | Node::Map(_))
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Null => Ok(()),
            Node::Bool(b) => write!(f, "{b}"),
            Node::Number(n) => f.write_str(n),
            Node::String(s) => f.write_str(s),
            Node::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Node::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_and_aliases_are_refused() {
        let e = load("phone: &p 13911112222\nindustry: *p\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 8), "{e:?}");
        assert!(e.message.contains("`&p`"), "{e:?}");
        let e = load("people:\n  - {name: W, title: *w}\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 22));
        let e = load("tags: [a, *b]\n").unwrap_err();
        assert_eq!(e.line, 1);
        // Control: `&` and `*` inside text, quotes and comments are fine.
        for ok in [
            "name: Smith & Co\n",
            "note: \"*important*\"\n",
            "note: 5 * 3 = 15\n",
            "x: 1 # &not an anchor\n",
            "title: R&D head\n",
            "note: 'a &b'\n",
        ] {
            assert!(load(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn scalars_survive_as_written() {
        let n = load("phone: \"+86 138 0013 8000\"\nyear: 2024\nbirthday: 04-08\n").unwrap();
        let m = n.as_map().unwrap();
        assert_eq!(m[0].1, Node::String("+86 138 0013 8000".into()));
        assert_eq!(m[1].1, Node::Number("2024".into()));
        assert_eq!(m[2].1, Node::String("04-08".into()));
    }

    #[test]
    fn errors_have_positions() {
        let e = load("name: a\n  bad: [\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(!e.message.contains(" at line "));
    }

    #[test]
    fn all_shapes() {
        let n = load("a: ~\nb: true\nc: 1.5\nd: [1, x]\ne: !custom 3\nf:\n  g: h\n").unwrap();
        let m = n.as_map().unwrap();
        assert_eq!(m[0].1, Node::Null);
        assert_eq!(m[1].1, Node::Bool(true));
        assert_eq!(m[2].1, Node::Number("1.5".into()));
        assert_eq!(m[3].1.to_text(), "1, x");
        assert_eq!(m[4].1, Node::Number("3".into()));
        assert_eq!(m[5].1.to_text(), "g: h");
    }

    #[test]
    fn duplicates_at_any_depth() {
        let n = load(
            "a: 1\nb: 2\na: 3\npeople:\n  - name: x\n    name: y\n  - {name: z, role: r, role: s}\na: 4\n",
        )
        .unwrap();
        let d = duplicates(&n);
        let shown: Vec<(Vec<PathStep>, &str, usize)> = d
            .iter()
            .map(|d| (d.path.clone(), d.key.as_str(), d.nth))
            .collect();
        let people = |i| vec![PathStep::Key("people".into(), 0), PathStep::Index(i)];
        assert_eq!(
            shown,
            vec![
                (vec![], "a", 1),
                (people(0), "name", 1),
                (people(1), "role", 1),
                (vec![], "a", 2),
            ]
        );
        assert!(duplicates(&load("a: 1\nb: {a: 1}\n").unwrap()).is_empty());
    }

    #[test]
    fn full_width_colons_found() {
        let text = "name: 华东\ntier： key\npeople:\n  - name： 王强\n    role：boss\nnotes: 备注：好\nlog: |\n  备注：很好\nx: \"a：b\"\n";
        assert_eq!(full_width_colons(text), vec![(1, 4), (3, 8), (4, 8)]);
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let n = MAX_FLOW_DEPTH + 1;
        let text = format!("name: x\ndeep: {}{}\n", "[".repeat(n), "]".repeat(n));
        let e = load(&text).unwrap_err();
        assert_eq!((e.line, e.column), (2, 7 + MAX_FLOW_DEPTH));
        assert_eq!(e.message, "nested deeper than 1000 levels");
        // Brackets in quotes and comments do not count; 1000 levels reach the parser.
        let quoted = format!("a: \"{}\" # {}\n", "[".repeat(n), "{".repeat(n));
        assert!(load(&quoted).is_ok());
        let ok = format!(
            "a: {}{}\n",
            "[".repeat(MAX_FLOW_DEPTH),
            "]".repeat(MAX_FLOW_DEPTH)
        );
        assert!(!load(&ok).unwrap_err().message.contains("nested deeper"));
    }

    #[test]
    fn int_keys_become_text() {
        let n = load("revenue:\n  2024: 10\n").unwrap();
        let rev = n.as_map().unwrap()[0].1.as_map().unwrap();
        assert_eq!(rev[0].0, "2024");
    }
}
