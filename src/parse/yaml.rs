//! The one door to YAML. Everything else sees `Node`, our own small tree, so the YAML
//! crate can change without touching the rest of the code.

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

/// Parse a YAML document. An empty document is `Node::Null`.
pub fn load(text: &str) -> Result<Node, YamlError> {
    if text.trim().is_empty() {
        return Ok(Node::Null);
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
    fn int_keys_become_text() {
        let n = load("revenue:\n  2024: 10\n").unwrap();
        let rev = n.as_map().unwrap()[0].1.as_map().unwrap();
        assert_eq!(rev[0].0, "2024");
    }
}
