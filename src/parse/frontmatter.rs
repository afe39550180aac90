//! Front matter: finding the YAML block at the top of a note and turning it into the
//! client's profile fields, with a diagnostic for every value that does not fit.
//! Repeats of one kind of problem are folded (see `diag::Folds`), and positions come
//! from one `locate::Index` of the text, so 100,000 keys cost no more than linear time.

use super::locate::{Index, Step};
use super::yaml::{self, Node, PathStep};
use crate::diag::{Diagnostic, Severity, Sink, column_of};
use crate::model::{Anchor, Client, KindTable, Tier};
use crate::suggest::closest;

/// A note split into its front matter and body.
pub struct Split<'a> {
    /// The YAML text and the 1-based file line of its first line.
    pub yaml: Option<(&'a str, usize)>,
    /// Set when the note opens with `---` but never closes it.
    pub unclosed: bool,
    pub body: &'a str,
    /// 1-based file line of the body's first line.
    pub body_line: usize,
}

pub fn split(text: &str) -> Split<'_> {
    let none = Split {
        yaml: None,
        unclosed: false,
        body: text,
        body_line: 1,
    };
    let first_end = text.find('\n').unwrap_or(text.len());
    if text.get(..first_end).map(str::trim_end) != Some("---") {
        return none;
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text
            .get(pos..)
            .and_then(|r| r.find('\n'))
            .map_or(text.len(), |i| pos + i);
        if text.get(pos..end).map(|l| l.trim_end_matches('\r')) == Some("---") {
            let body_start = (end + 1).min(text.len());
            return Split {
                yaml: Some((text.get(yaml_start..pos).unwrap_or(""), 2)),
                unclosed: false,
                body: text.get(body_start..).unwrap_or(""),
                body_line: line + 1,
            };
        }
        pos = end + 1;
        line += 1;
    }
    Split {
        unclosed: true,
        ..none
    }
}

pub const CLIENT_KEYS: [&str; 17] = [
    "margin",
    "dates",
    "name",
    "id",
    "owner",
    "tier",
    "lost",
    "cadence",
    "since",
    "tags",
    "referred_by",
    "revenue",
    "phone",
    "wechat",
    "email",
    "address",
    "people",
];

/// Reads front matter into a client, reporting problems (see `into_diags`).
pub struct Reader<'a> {
    file: &'a str,
    yaml: &'a str,
    index: Index<'a>,
    first_line: usize,
    diags: Sink,
    /// The kinds a per-kind `cadence:` may name.
    kinds: &'a KindTable,
}

impl<'a> Reader<'a> {
    pub fn new(
        file: &'a str,
        yaml: &'a str,
        first_line: usize,
        kinds: &'a KindTable,
    ) -> Reader<'a> {
        Reader {
            file,
            yaml,
            index: Index::new(yaml),
            first_line,
            diags: Sink::default(),
            kinds,
        }
    }

    /// The problems found, repeats folded.
    pub fn into_diags(self) -> Vec<Diagnostic> {
        self.diags.finish(self.file)
    }

    /// A diagnostic pointing at the key (`on_value == false`) or the value at `path`.
    pub(super) fn point(&self, mut d: Diagnostic, path: &[Step<'_>], on_value: bool) -> Diagnostic {
        if let Some((spot, _)) = self.index.locate(path) {
            let text = self.index.line(spot.line);
            let (col, len) = if on_value && spot.value_len > 0 {
                (spot.value_col, spot.value_len)
            } else {
                (spot.key_col, spot.key_len)
            };
            let width = text.get(col..col + len).map_or(1, |s| s.chars().count());
            d = d.at(
                self.first_line + spot.line,
                column_of(text, col),
                width,
                text,
            );
        } else {
            // The whole front matter: point at its opening `---`.
            d = d.at(self.first_line - 1, 1, 3, "---");
        }
        d
    }

    pub(super) fn error(
        &mut self,
        path: &[Step<'_>],
        on_value: bool,
        message: String,
        help: Option<String>,
    ) {
        if !self.diags.room(&message, Severity::Error) {
            return;
        }
        let mut d = Diagnostic::error(self.file, message);
        if let Some(h) = help {
            d = d.help(h);
        }
        let d = self.point(d, path, on_value);
        self.diags.keep(d);
    }

    pub(super) fn warn(&mut self, path: &[Step<'_>], message: String, help: Option<String>) {
        if !self.diags.room(&message, Severity::Warning) {
            return;
        }
        let mut d = Diagnostic::warning(self.file, message);
        if let Some(h) = help {
            d = d.help(h);
        }
        let d = self.point(d, path, false);
        self.diags.keep(d);
    }

    /// The raw text of a scalar as written in the file (for phone numbers that YAML
    /// would read as numbers).
    pub(super) fn raw_value(&self, path: &[Step<'_>]) -> Option<String> {
        let (spot, full) = self.index.locate(path)?;
        let line = self.index.line(spot.line);
        let v = line.get(spot.value_col..spot.value_col + spot.value_len)?;
        (full && !v.is_empty()).then(|| v.trim_matches(['"', '\'']).to_string())
    }

    /// A text field: strings, numbers and booleans are fine; lists and maps are not.
    pub(super) fn text(&mut self, node: &Node, path: &[Step<'_>], key: &str) -> Option<String> {
        match node {
            Node::Null => None,
            Node::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            // Keep numbers as written: `phone: 013800138000` must not lose its zero.
            Node::Number(n) => Some(self.raw_value(path).unwrap_or_else(|| n.clone())),
            Node::Bool(_) => Some(self.raw_value(path).unwrap_or_else(|| node.to_text())),
            Node::List(_) | Node::Map(_) => {
                self.error(
                    path,
                    true,
                    format!("`{key}` should be a single value"),
                    None,
                );
                None
            }
        }
    }

    /// Fill `client` from the front matter. Returns false when the YAML is unreadable.
    pub fn read_client(&mut self, client: &mut Client) -> bool {
        let root = match yaml::load(self.yaml) {
            Ok(Node::Map(m)) => Node::Map(m),
            Ok(_) | Err(_) if self.full_width_colons() => return false,
            Ok(node) => node,
            Err(e) => {
                // At the end of the text (an unclosed bracket, say), point at the last
                // line that has something on it.
                let lines: Vec<&str> = self.yaml.split('\n').collect();
                let (idx, col) = match lines.get(e.line.saturating_sub(1)) {
                    Some(l) if !l.trim().is_empty() => (e.line.saturating_sub(1), e.column),
                    _ => {
                        let last = lines
                            .iter()
                            .rposition(|l| !l.trim().is_empty())
                            .unwrap_or(0);
                        let len = lines.get(last).map_or(0, |l| l.trim_end().chars().count());
                        (last, len + 1)
                    }
                };
                let text = lines.get(idx).copied().unwrap_or("");
                let d = Diagnostic::error(
                    self.file,
                    format!("front matter is not valid YAML: {}", e.message),
                )
                .at(self.first_line + idx, col, 1, text)
                .help("front matter is YAML between two `---` lines: `key: value`, one per line");
                self.diags.push(d);
                return false;
            }
        };
        self.duplicates(&root);
        let entries = match root {
            Node::Map(m) => m,
            Node::Null => Vec::new(),
            other => {
                self.error(
                    &[],
                    false,
                    format!("front matter should be `key: value` lines, found `{other}`"),
                    None,
                );
                return false;
            }
        };
        for (key, value) in &entries {
            let path = [Step::Key(key)];
            match key.as_str() {
                "name" => client.name = self.text(value, &path, key).unwrap_or_default(),
                "id" => {
                    if let Some(id) = self.text(value, &path, key) {
                        client.id = id;
                        client.anchors.push(self.anchor(key, &path));
                    }
                }
                "owner" => client.owner = self.text(value, &path, key),
                "tier" => client.tier = self.tier(value, &path),
                "lost" => client.lost = Some(self.lost(value)),
                "cadence" => {
                    match value {
                        Node::Map(rhythms) => {
                            for (k, v) in rhythms {
                                let p = [Step::Key("cadence"), Step::Key(k)];
                                let kind = self.kinds.parse(k.trim());
                                let c = self.cadence(v, &p);
                                match (k.trim().eq_ignore_ascii_case("any"), kind, c) {
                                    (true, _, c) => client.cadence = c,
                                    (false, Some(kind), Some(c)) => {
                                        client.kind_cadences.push((kind, c))
                                    }
                                    (false, Some(_), None) => {}
                                    (false, None, _) => {
                                        let mut names = vec!["any"];
                                        names.extend(self.kinds.kinds().map(|k| k.as_str()));
                                        let help = match closest(k, names) {
                                        Some(s) => format!("did you mean `{s}`?"),
                                        None => "use `any` or a kind: `cadence: {any: 14d, visit: 2m}`".to_string(),
                                    };
                                        self.error(
                                            &p,
                                            false,
                                            format!("`{k}` is not a kind of contact"),
                                            Some(help),
                                        );
                                    }
                                }
                            }
                        }
                        _ => client.cadence = self.cadence(value, &path),
                    }
                }
                "margin" => client.margin = self.margin(value, &path),
                "dates" => client.dates = self.dates(value),
                "since" => client.since = self.date(value, &path, key),
                "tags" => client.tags = self.list_of_text(value, &path, key),
                "referred_by" => {
                    client.referred_by = self.text(value, &path, key);
                    client.anchors.push(self.anchor(key, &path));
                }
                "revenue" => client.revenue = self.revenue(value, &path),
                "phone" => client.phone = self.text(value, &path, key),
                "wechat" => client.wechat = self.text(value, &path, key),
                "email" => client.email = self.text(value, &path, key),
                "address" => client.address = self.text(value, &path, key),
                "people" => client.people = self.people(value),
                _ => {
                    self.unknown_key(key, &path, &CLIENT_KEYS);
                    client.extra.push((key.clone(), value.to_text()));
                }
            }
        }
        self.check_lost(client);
        if client.name.is_empty() {
            let has_key = entries.iter().any(|(k, _)| k == "name");
            self.error(
                &[Step::Key("name")],
                true,
                "client has no `name`".to_string(),
                (!has_key).then(|| "add a line `name: …` to the front matter".to_string()),
            );
        }
        true
    }

    /// A lost client says when (and why); `lost:` on a client whose tier is not
    /// `lost` is a contradiction.
    fn check_lost(&mut self, client: &Client) {
        let lost_date = client.lost.as_ref().and_then(|l| l.date);
        match (client.tier, &client.lost) {
            (Some(Tier::Lost), _) if lost_date.is_none() => self.warn(
                &[Step::Key("tier")],
                "lost client without the day it was lost".into(),
                Some(
                    "add `lost: {date: YYYY-MM-DD, reason: …}`; until then it counts as lost on every day"
                        .into(),
                ),
            ),
            (tier, Some(_)) if tier != Some(Tier::Lost) => self.warn(
                &[Step::Key("lost")],
                format!(
                    "`lost` is given, but the tier is `{}`",
                    tier.map_or("none", Tier::as_str)
                ),
                Some(
                    "set `tier: lost` if the client is lost; remove `lost:` if they came back"
                        .into(),
                ),
            ),
            _ => {}
        }
    }

    /// Report every key given twice in one map (at any depth), at its repeat.
    fn duplicates(&mut self, root: &Node) {
        for dup in yaml::duplicates(root) {
            let message = format!("`{}` is given twice", dup.key);
            if !self.diags.room(&message, Severity::Error) {
                continue;
            }
            let mut path: Vec<Step<'_>> = dup
                .path
                .iter()
                .map(|s| match s {
                    PathStep::Key(k, n) => Step::Repeat(k, *n),
                    PathStep::Index(i) => Step::Index(*i),
                })
                .collect();
            path.push(Step::Repeat(&dup.key, dup.nth));
            let d = Diagnostic::error(self.file, message).help("keep one; the last one is used");
            let d = self.point(d, &path, false);
            self.diags.keep(d);
        }
    }

    /// `tier： key`: a full-width colon where YAML needs `:`. YAML reads such a line as
    /// text and fails somewhere else (or finds no `key: value` at all), so when the
    /// front matter does not read as a map, look for these first and point at each.
    fn full_width_colons(&mut self) -> bool {
        let found = yaml::full_width_colons(self.yaml);
        for &(i, at) in &found {
            let text = self.index.line(i);
            let key = text
                .get(..at)
                .unwrap_or("")
                .trim_start_matches([' ', '-'])
                .trim();
            let message = format!("`{key}` is followed by a full-width colon `：`");
            if self.diags.room(&message, Severity::Error) {
                let d = Diagnostic::error(self.file, message)
                    .at(self.first_line + i, column_of(text, at), 1, text)
                    .help(format!(
                        "YAML needs an ASCII colon and a space: `{key}: …` (switch the input method to half-width)"
                    ));
                self.diags.keep(d);
            }
        }
        !found.is_empty()
    }

    /// Where the value at `path` sits, for diagnostics raised later. Keeps its whole
    /// line, so the later diagnostic can cut its own excerpt.
    fn anchor(&self, key: &str, path: &[Step<'_>]) -> Anchor {
        let d = self.point(Diagnostic::warning(self.file, ""), path, true);
        let source = if d.source_offset > 0 || d.source.ends_with('…') {
            self.index
                .line(d.line.saturating_sub(self.first_line))
                .to_string()
        } else {
            d.source
        };
        Anchor {
            key: key.to_string(),
            line: d.line,
            column: d.column,
            width: d.width,
            source,
        }
    }

    pub(super) fn unknown_key(&mut self, key: &str, path: &[Step<'_>], known: &[&str]) {
        if let Some(s) = closest(key, known.iter().copied()) {
            self.warn(
                path,
                format!("unknown key `{key}`"),
                Some(format!("did you mean `{s}`?")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cadence, DateSpec, Kind, Role, Tier};

    fn read(yaml: &str) -> (Client, Vec<Diagnostic>) {
        read_with(yaml, &KindTable::default())
    }

    fn read_with(yaml: &str, kinds: &KindTable) -> (Client, Vec<Diagnostic>) {
        let mut c = Client::default();
        let mut r = Reader::new("a.md", yaml, 2, kinds);
        r.read_client(&mut c);
        (c, r.into_diags())
    }

    #[test]
    fn split_front_matter() {
        let s = split("---\nname: x\n---\n## body\n");
        assert_eq!(s.yaml, Some(("name: x\n", 2)));
        assert_eq!((s.body, s.body_line), ("## body\n", 4));
        let s = split("---\r\nname: x\r\n---\r\nbody");
        assert_eq!(s.yaml.map(|y| y.0), Some("name: x\r\n"));
        assert_eq!(s.body, "body");
        assert!(split("---\nname: x\n").unclosed);
        assert!(split("# title\n").yaml.is_none());
    }

    #[test]
    fn full_profile() {
        let (c, d) = read(
            "name: 华东建材\nowner: 王磊\ntier: key\ncadence: 2w\nsince: 2023-04-01\ntags: [vip, 华东]\nphone: +8613800138000\nrevenue:\n  2024: 1200000\n  2025: '1,500,000'\npeople:\n  - name: 王强\n    role: decision-maker\n    birthday: 04-08\nfavourite: tea\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.name, "华东建材");
        assert_eq!(c.tier, Some(Tier::Key));
        assert_eq!(c.cadence.map(|c| c.to_string()), Some("2w".into()));
        assert_eq!(c.phone.as_deref(), Some("+8613800138000"));
        assert_eq!(c.revenue.get(&2025), Some(&1_500_000.0));
        assert_eq!(c.people[0].role, Some(Role::DecisionMaker));
        assert_eq!(c.extra, vec![("favourite".to_string(), "tea".to_string())]);
    }

    #[test]
    fn typos_point_at_their_line() {
        let (_, d) = read(
            "name: x\ntier: kye\npeople:\n  - name: 王强\n    birthdya: 1980-01-01\n    role: boss\n",
        );
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(
            (d[0].line, d[0].column, d[0].message.as_str()),
            (3, 7, "unknown tier `kye`")
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `key`?"));
        assert_eq!(
            (d[1].line, d[1].column, d[1].severity),
            (6, 5, crate::diag::Severity::Warning)
        );
        assert_eq!(d[1].help.as_deref(), Some("did you mean `birthday`?"));
        assert_eq!(
            (d[2].line, d[2].message.as_str()),
            (7, "unknown role `boss`")
        );
    }

    #[test]
    fn playbook_fields() {
        let (c, d) = read(
            "name: a\ncadence: {any: 2w, 拜访: 2m}\nmargin: 18%\ndates:\n  - {date: 06-18, what: 年中大会}\n  - {date: 2003-12-08, what: founding}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.cadence.map(|c| c.to_string()), Some("2w".into()));
        assert_eq!(
            c.kind_cadences,
            vec![(Kind::Visit, Cadence::parse("2m").unwrap())]
        );
        assert_eq!(c.margin, Some(0.18));
        assert_eq!(c.dates[0].date, DateSpec::Yearly { month: 6, day: 18 });
        assert!(matches!(c.dates[1].date, DateSpec::Once(_)));
        let (_, d) = read("name: a\ncadence:\n  any: 2w\n  vist: 2m\nmargin: 1.8\n");
        assert_eq!(
            (d[0].line, d[0].help.as_deref()),
            (5, Some("did you mean `visit`?"))
        );
        assert_eq!(d[1].line, 6);
    }

    #[test]
    fn duplicate_keys() {
        let (c, d) = read("name: a\nname: b\n");
        assert_eq!(c.name, "b");
        assert_eq!(d[0].message, "`name` is given twice");
    }

    #[test]
    fn duplicate_points_at_the_repeat() {
        let (_, d) = read("name: a\nowner: x\nname: b\n");
        assert_eq!((d[0].line, d[0].column), (4, 1));
    }

    #[test]
    fn missing_name_and_bad_yaml() {
        let (_, d) = read("owner: x\n");
        assert_eq!(d[0].message, "client has no `name`");
        let (_, d) = read("name: [oops\n");
        assert!(
            d[0].message.starts_with("front matter is not valid YAML"),
            "{d:?}"
        );
        assert!(d[0].line >= 2);
    }
}
