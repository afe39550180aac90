//! Configuration: the optional `touchbase.yaml` at the root of the notes folder.
//!
//! It is strict: an unknown key, a key given twice, a value of the wrong shape (a list
//! where one value goes) or a bad value is an error with its line, and the command
//! stops with exit status 2, because a silently ignored setting (a privacy switch, say)
//! is worse than a refusal.

use std::path::Path;

use crate::analyse::holidays::CustomHoliday;
use crate::diag::{Diagnostic, column_of};
use crate::model::{Cadence, CustomKind, Kind, KindDef, KindTable, Tier, TierCadences};
use crate::parse::locate::{Step, locate};
use crate::parse::yaml::{self, Node};
use crate::suggest::closest;

pub const FILE_NAME: &str = "touchbase.yaml";

/// The language of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" | "en-us" | "en-gb" => Some(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "chinese" | "中文" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// Which personal fields the site shows unmasked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Privacy {
    pub phone: bool,
    pub wechat: bool,
    pub email: bool,
    pub birth_year: bool,
    /// A person's `family`, `likes`, `notes` and `address` (left out unless shown).
    pub family: bool,
    pub likes: bool,
    pub notes: bool,
    pub address: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: Option<String>,
    /// Where a note's source is shown on the web: the file's path is appended
    /// (`https://git.example.com/team/notes/blob/main/`).
    pub source_url: Option<String>,
    pub language: Lang,
    /// IANA time zone name used for "today" when `--today` is not given.
    pub timezone: Option<String>,
    pub cadences: TierCadences,
    pub privacy: Privacy,
    /// Holidays besides the built-in ones.
    pub holidays: Vec<CustomHoliday>,
    /// The revenue year for the 80/20 view (default: the latest full year).
    pub pareto_year: Option<i32>,
    pub limits: Limits,
    /// The user's wording for labels (`labels:`).
    pub labels: Labels,
    /// Kinds of contact besides the built-in ones (`kinds:`).
    pub kinds: KindTable,
}

/// `labels:`: label key → text. A flat key is for both languages; `en:` and `zh:` maps
/// are for one, and win over the flat ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Labels {
    pub both: std::collections::BTreeMap<String, String>,
    pub en: std::collections::BTreeMap<String, String>,
    pub zh: std::collections::BTreeMap<String, String>,
}

impl Labels {
    /// The user's text for `key` in `lang`, if any.
    pub fn get(&self, lang: Lang, key: &str) -> Option<&str> {
        let own = if lang == Lang::Zh { &self.zh } else { &self.en };
        own.get(key)
            .or_else(|| self.both.get(key))
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.both.is_empty() && self.en.is_empty() && self.zh.is_empty()
    }
}

/// Bounds on what one note may ask of touchbase (docs/limits.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest note read, in bytes; a larger one is an error and is not read.
    pub note_size: u64,
}

/// 1 MB, as `limits` counts: 1,048,576 bytes.
pub const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits { note_size: 8 * MB }
    }
}

/// The largest `touchbase.yaml` read.
pub const CONFIG_SIZE: u64 = MB;

impl Default for Config {
    fn default() -> Self {
        Config {
            title: None,
            source_url: None,
            language: Lang::En,
            timezone: None,
            cadences: TierCadences::default(),
            privacy: Privacy::default(),
            holidays: Vec::new(),
            pareto_year: None,
            limits: Limits::default(),
            labels: Labels::default(),
            kinds: KindTable::default(),
        }
    }
}

const KEYS: [&str; 11] = [
    "title",
    "source_url",
    "language",
    "timezone",
    "cadence",
    "privacy",
    "holidays",
    "pareto_year",
    "limits",
    "labels",
    "kinds",
];
const PRIVACY_FIELDS: [&str; 8] = [
    "phone",
    "wechat",
    "email",
    "birth_year",
    "family",
    "likes",
    "notes",
    "address",
];

/// Load `touchbase.yaml` from `root` if there is one. Errors are returned as
/// diagnostics; any error means the configuration is unusable.
pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    load_digested(root).0
}

/// `load`, and the digest of what it read (`discover::read_digest`, or
/// `discover::unread_digest` when it read nothing): a build records the configuration
/// it used, not the file as it is later (`fresh::head_of`).
pub fn load_digested(root: &Path) -> (Result<Config, Vec<Diagnostic>>, [u8; 32]) {
    // Only a regular file inside the notes folder is read: a link to elsewhere (or a
    // pipe) is refused, and, like any unusable configuration, stops the command.
    let resolved = crate::discover::resolve(root, &root.join(FILE_NAME));
    let path = match &resolved {
        crate::discover::Resolved::Missing => {
            return (
                Ok(Config::default()),
                crate::discover::unread_digest(&resolved),
            );
        }
        crate::discover::Resolved::Skipped(why) => {
            return (
                Err(vec![
                    Diagnostic::error(FILE_NAME, format!("not read: {why}"))
                        .help("make touchbase.yaml a plain file in the notes folder"),
                ]),
                crate::discover::unread_digest(&resolved),
            );
        }
        crate::discover::Resolved::File(p) => p,
    };
    let read = crate::parse::read_limited(path, CONFIG_SIZE);
    let digest = crate::discover::read_digest(&read, || std::fs::metadata(path).ok());
    let config = match read {
        Ok(None) => Err(vec![Diagnostic::error(
            FILE_NAME,
            format!(
                "touchbase.yaml is over {} MB; nothing was read",
                CONFIG_SIZE / MB
            ),
        )]),
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => parse(text.strip_prefix('\u{feff}').unwrap_or(&text)),
            Err(_) => Err(vec![Diagnostic::error(FILE_NAME, "file is not UTF-8 text")]),
        },
        Err(e) => Err(vec![Diagnostic::error(
            FILE_NAME,
            format!("cannot read: {e}"),
        )]),
    };
    (config, digest)
}

/// What `Checker::error_on` looks for on a line: the `nth` (0-based) `word` after
/// `key:` (or anywhere, without a key).
#[derive(Clone, Copy)]
struct Find<'a> {
    key: Option<&'a str>,
    word: &'a str,
    nth: usize,
}

impl<'a> Find<'a> {
    fn word(word: &'a str) -> Find<'a> {
        Find {
            key: None,
            word,
            nth: 0,
        }
    }
}

struct Checker<'a> {
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, path: &[Step<'_>], on_value: bool, message: String, help: String) {
        let mut d = Diagnostic::error(FILE_NAME, message).help(help);
        if let Some((spot, _)) = locate(self.text, path) {
            let line = self
                .text
                .split('\n')
                .nth(spot.line)
                .unwrap_or("")
                .trim_end_matches('\r');
            let (col, len) = if on_value && spot.value_len > 0 {
                (spot.value_col, spot.value_len)
            } else {
                (spot.key_col, spot.key_len)
            };
            let width = line.get(col..col + len).map_or(1, |s| s.chars().count());
            d = d.at(spot.line + 1, column_of(line, col), width, line);
        }
        self.diags.push(d);
    }

    /// An error at `word` on the line `path` leads to (after `key:` on that line, when
    /// it is there): a flow-style item (`- {name: x, aliases: [a, b]}`) has no position
    /// of its own for each value. Falls back to the spot of `path`.
    fn error_on(&mut self, path: &[Step<'_>], find: Find<'_>, message: String, help: String) {
        let Find { key, word, nth } = find;
        let found = locate(self.text, path).and_then(|(spot, _)| {
            let line = self.text.split('\n').nth(spot.line)?.trim_end_matches('\r');
            let from = spot.key_col.min(line.len());
            let rest = line.get(from..)?;
            let after_key = key
                .and_then(|k| rest.find(&format!("{k}:")).map(|i| i + k.len() + 1))
                .unwrap_or(0);
            let tail = rest.get(after_key..)?;
            let (at, _) = tail.match_indices(word).nth(nth)?;
            let at = from + after_key + at;
            Some((spot.line, at, line))
        });
        match found {
            Some((n, at, line)) if !word.is_empty() => {
                let d = Diagnostic::error(FILE_NAME, message).help(help).at(
                    n + 1,
                    column_of(line, at),
                    word.chars().count(),
                    line,
                );
                self.diags.push(d);
            }
            _ => self.error(path, true, message, help),
        }
    }

    /// A setting that takes one value: its text, or an error for a list or a map.
    fn scalar(&mut self, value: &Node, path: &[Step<'_>], key: &str) -> Option<String> {
        match value {
            Node::Null => None,
            Node::List(_) | Node::Map(_) => {
                self.error(
                    path,
                    true,
                    format!("`{key}` should be a single value, not a list or a map"),
                    format!("write `{key}: value` on one line"),
                );
                None
            }
            other => Some(other.to_text()),
        }
    }

    fn unknown(&mut self, path: &[Step<'_>], key: &str, known: &[&str]) {
        let help = match closest(key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys: {}", known.join(", ")),
        };
        self.error(path, false, format!("unknown setting `{key}`"), help);
    }
}

/// Parse the text of a configuration file.
pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
    let root = match yaml::load(text) {
        Ok(Node::Map(m)) => Node::Map(m),
        Ok(_) | Err(_) if !yaml::full_width_colons(text).is_empty() => {
            return Err(full_width_colons(text));
        }
        Ok(n) => n,
        Err(e) => {
            let line = text.split('\n').nth(e.line.saturating_sub(1)).unwrap_or("");
            return Err(vec![
                Diagnostic::error(FILE_NAME, format!("not valid YAML: {}", e.message))
                    .at(e.line, e.column, 1, line)
                    .help("settings are `key: value` lines; see docs/configuration.md"),
            ]);
        }
    };
    let mut cfg = Config::default();
    let mut ck = Checker {
        text,
        diags: Vec::new(),
    };
    for dup in yaml::duplicates(&root) {
        let mut path: Vec<Step<'_>> = dup
            .path
            .iter()
            .map(|s| match s {
                yaml::PathStep::Key(k, n) => Step::Repeat(k, *n),
                yaml::PathStep::Index(i) => Step::Index(*i),
            })
            .collect();
        path.push(Step::Repeat(&dup.key, dup.nth));
        ck.error(
            &path,
            false,
            format!("`{}` is given twice", dup.key),
            "keep one: a setting given twice is ambiguous".into(),
        );
    }
    let entries = match root {
        Node::Map(m) => m,
        Node::Null => Vec::new(),
        _ => {
            ck.error(
                &[],
                false,
                "configuration should be `key: value` lines".into(),
                "see docs/configuration.md".into(),
            );
            return Err(ck.diags);
        }
    };
    for (key, value) in &entries {
        let path = [Step::Key(key)];
        match key.as_str() {
            "title" => {
                cfg.title = ck
                    .scalar(value, &path, key)
                    .filter(|s| !s.trim().is_empty())
            }
            "source_url" => match ck.scalar(value, &path, key) {
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                    // The file's path goes after it: end it with `/`.
                    let mut u = u.trim().to_string();
                    if !u.ends_with('/') {
                        u.push('/');
                    }
                    cfg.source_url = Some(u);
                }
                Some(u) => ck.error(
                    &path,
                    true,
                    format!("`source_url: {u}` is not a web address"),
                    "give the address files are shown at, e.g. `https://git.example.com/team/notes/blob/main/`".into(),
                ),
                None => {}
            },
            "language" => match ck.scalar(value, &path, key).as_deref().map(Lang::parse) {
                Some(Some(l)) => cfg.language = l,
                Some(None) => ck.error(
                    &path,
                    true,
                    format!("unknown language `{value}`"),
                    "use `en` or `zh`".into(),
                ),
                None => {}
            },
            "timezone" => {
                let Some(name) = ck.scalar(value, &path, key) else {
                    continue;
                };
                if jiff::tz::TimeZone::get(&name).is_ok() {
                    cfg.timezone = Some(name);
                } else {
                    ck.error(
                        &path,
                        true,
                        format!("unknown time zone `{name}`"),
                        "use an IANA name such as `Asia/Shanghai` or `Europe/Berlin`".into(),
                    );
                }
            }
            "cadence" => read_cadences(&mut ck, value, &mut cfg.cadences),
            "privacy" => read_privacy(&mut ck, value, &mut cfg.privacy),
            "holidays" => read_holidays(&mut ck, value, &mut cfg.holidays),
            "limits" => read_limits(&mut ck, value, &mut cfg.limits),
            "labels" => read_labels(&mut ck, value, &mut cfg.labels),
            "kinds" => cfg.kinds = read_kinds(&mut ck, value),
            "pareto_year" => match ck
                .scalar(value, &path, key)
                .map(|v| v.trim().parse::<i32>())
            {
                None => {}
                Some(Ok(y)) if (1900..=2200).contains(&y) => cfg.pareto_year = Some(y),
                Some(_) => ck.error(
                    &path,
                    true,
                    format!("`{value}` is not a year"),
                    "write a year such as `2025`".into(),
                ),
            },
            _ => ck.unknown(&path, key, &KEYS),
        }
    }
    if ck.diags.is_empty() {
        Ok(cfg)
    } else {
        Err(ck.diags)
    }
}

fn read_cadences(ck: &mut Checker<'_>, value: &Node, out: &mut TierCadences) {
    let Some(map) = value.as_map() else {
        ck.error(
            &[Step::Key("cadence")],
            true,
            "`cadence` should map tiers to cadences".into(),
            "e.g. `cadence: {key: 14d, regular: 30d}`".into(),
        );
        return;
    };
    for (tier, c) in map {
        let path = [Step::Key("cadence"), Step::Key(tier)];
        let Some(text) = ck.scalar(c, &path, tier) else {
            continue;
        };
        let cadence = Cadence::parse(&text);
        let slot = match (Tier::parse(tier), tier.as_str()) {
            (Some(Tier::Key), _) => &mut out.key,
            (Some(Tier::Regular), _) => &mut out.regular,
            (Some(Tier::Prospect), _) => &mut out.prospect,
            (Some(Tier::Dormant), _) => &mut out.dormant,
            (Some(Tier::Lost), _) => {
                ck.error(
                    &path,
                    false,
                    "lost clients have no cadence".into(),
                    "remove this line: a lost client is never due".into(),
                );
                continue;
            }
            (None, "default" | "none") => &mut out.untiered,
            (None, _) => {
                let mut names = Tier::ALL.map(Tier::as_str).to_vec();
                names.push("default");
                ck.unknown(&path, tier, &names);
                continue;
            }
        };
        match cadence {
            Some(c) => *slot = c,
            None => ck.error(
                &path,
                true,
                format!("`{c}` is not a cadence"),
                "write `14d`, `2w`, `1m`, `1y` or a number of days".into(),
            ),
        }
    }
}

fn read_holidays(ck: &mut Checker<'_>, value: &Node, out: &mut Vec<CustomHoliday>) {
    let Node::List(items) = value else {
        ck.error(
            &[Step::Key("holidays")],
            true,
            "`holidays` should be a list".into(),
            "e.g. `holidays: [{date: 11-11, name: 双十一}]`".into(),
        );
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let path = [Step::Key("holidays"), Step::Index(i)];
        let map = item.as_map().unwrap_or(&[]);
        let mut get = |k: &str| {
            let v = map.iter().rfind(|(key, _)| key == k).map(|(_, v)| v)?;
            let mut p = path.to_vec();
            p.push(Step::Key(k));
            ck.scalar(v, &p, k)
        };
        let (date, name) = (get("date"), get("name"));
        match (date, name) {
            (Some(date), Some(name)) if !name.trim().is_empty() => {
                match crate::parse::dates::parse_yearly(&date) {
                    Ok(date) => out.push(CustomHoliday { date, name }),
                    // A lunar date's own hint shows its form; others are told both.
                    Err(p) if crate::parse::dates::is_lunar(&date) => {
                        ck.error(&path, true, p.message, p.help)
                    }
                    Err(p) => ck.error(
                        &path,
                        true,
                        p.message,
                        "write `MM-DD` for every year, or `YYYY-MM-DD` for once".into(),
                    ),
                }
            }
            _ => ck.error(
                &path,
                false,
                "a holiday needs `date` and `name`".into(),
                "e.g. `- {date: 11-11, name: 双十一}`".into(),
            ),
        }
    }
}

const KIND_KEYS: [&str; 3] = ["name", "aliases", "contact"];

/// `kinds:`: `- {name: dinner, aliases: [宴请, 饭局], contact: true}`. Every name and
/// alias must be new (not a built-in kind's name or alias, not given twice) and a
/// single word the heading parser reads whole: letters, digits, `-` and `_`.
fn read_kinds(ck: &mut Checker<'_>, value: &Node) -> KindTable {
    let Node::List(items) = value else {
        if !matches!(value, Node::Null) {
            ck.error(
                &[Step::Key("kinds")],
                true,
                "`kinds` should be a list".into(),
                "e.g. `kinds: [{name: dinner, aliases: [宴请, 饭局], contact: true}]`".into(),
            );
        }
        return KindTable::default();
    };
    // Every configured word so far (ASCII case folded), with the kind it names.
    let mut taken: Vec<(String, String)> = Vec::new();
    let mut defs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = [Step::Key("kinds"), Step::Index(i)];
        let Some(map) = item.as_map() else {
            ck.error(
                &item_path,
                true,
                "a kind should be a map with a `name`".into(),
                "e.g. `- {name: dinner, aliases: [宴请, 饭局], contact: true}`".into(),
            );
            continue;
        };
        let at = |k: &'static str| [Step::Key("kinds"), Step::Index(i), Step::Key(k)];
        let mut name: Option<String> = None;
        // Each alias with its index in a block list, for its position.
        let mut aliases: Vec<(String, Option<usize>)> = Vec::new();
        let mut contact = true;
        let mut ok = true;
        let mut bad_name = false;
        for (k, v) in map {
            match k.as_str() {
                "name" => match v {
                    Node::List(_) | Node::Map(_) => {
                        ck.scalar(v, &at("name"), "name");
                        bad_name = true;
                    }
                    Node::Null => {}
                    other => name = Some(other.to_text().trim().to_string()),
                },
                "aliases" => match v {
                    Node::List(words) => {
                        for (j, w) in words.iter().enumerate() {
                            match w {
                                Node::List(_) | Node::Map(_) | Node::Null => {
                                    ck.error_on(
                                        &at("aliases"),
                                        Find::word("aliases"),
                                        "`aliases` should be a list of words".into(),
                                        "e.g. `aliases: [宴请, 饭局]`".into(),
                                    );
                                    ok = false;
                                }
                                other => {
                                    aliases.push((other.to_text().trim().to_string(), Some(j)))
                                }
                            }
                        }
                    }
                    Node::Map(_) => {
                        ck.error_on(
                            &at("aliases"),
                            Find::word("aliases"),
                            "`aliases` should be a list of words".into(),
                            "e.g. `aliases: [宴请, 饭局]`".into(),
                        );
                        ok = false;
                    }
                    Node::Null => {}
                    other => aliases.push((other.to_text().trim().to_string(), None)),
                },
                "contact" => match v {
                    Node::Bool(b) => contact = *b,
                    other => {
                        let text = other.to_text();
                        ck.error_on(
                            &at("contact"),
                            Find {
                                key: Some("contact"),
                                word: &text,
                                nth: 0,
                            },
                            format!("`contact` should be `true` or `false`, not `{text}`"),
                            "`contact: false` for a kind that is not contact with the client, like `note`".into(),
                        );
                        ok = false;
                    }
                },
                other => {
                    let mut p = item_path.to_vec();
                    p.push(Step::Key(other));
                    let help = match closest(other, KIND_KEYS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("known keys: {}", KIND_KEYS.join(", ")),
                    };
                    ck.error_on(
                        &p,
                        Find::word(other),
                        format!("unknown setting `{other}`"),
                        help,
                    );
                    ok = false;
                }
            }
        }
        if bad_name {
            continue;
        }
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            ck.error(
                &item_path,
                false,
                "a kind needs a `name`".into(),
                "e.g. `- {name: dinner, aliases: [宴请, 饭局], contact: true}`".into(),
            );
            continue;
        };
        let words = std::iter::once(("name", &name, None, 0)).chain(
            aliases.iter().enumerate().map(|(j, (a, index))| {
                let nth = aliases.iter().take(j).filter(|b| b.0 == *a).count();
                ("aliases", a, *index, nth)
            }),
        );
        for (key, word, index, nth) in words {
            let mut path = at(key).to_vec();
            path.extend(index.map(Step::Index));
            let find = Find {
                key: Some(key),
                word,
                nth,
            };
            let fail = |ck: &mut Checker<'_>, message: String, help: String| {
                ck.error_on(&path, find, message, help);
            };
            if word.is_empty()
                || !word
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            {
                fail(
                    ck,
                    format!("kind word `{word}` may hold only letters, digits, `-` and `_`"),
                    "a kind is one word, read up to the first space or punctuation: `dinner`, `宴请`".into(),
                );
                ok = false;
            } else if word.eq_ignore_ascii_case("any") {
                fail(
                    ck,
                    "`any` cannot name a kind".into(),
                    "`cadence: {any: …}` means any contact; choose another word".into(),
                );
                ok = false;
            } else if let Some(k) = Kind::parse(word) {
                fail(
                    ck,
                    format!("`{word}` is already the built-in kind `{}`", k.as_str()),
                    "choose another word; docs/format.md lists the built-in kinds and their aliases".into(),
                );
                ok = false;
            } else if let Some((_, other)) =
                taken.iter().find(|(w, _)| *w == word.to_ascii_lowercase())
            {
                fail(
                    ck,
                    format!("kind word `{word}` is given twice (already for `{other}`)"),
                    "each name and alias may stand for one kind only".into(),
                );
                ok = false;
            } else {
                taken.push((word.to_ascii_lowercase(), name.clone()));
            }
        }
        if ok {
            defs.push(KindDef {
                kind: Kind::Custom(CustomKind::new(&name, contact)),
                aliases: aliases.into_iter().map(|a| a.0).collect(),
            });
        }
    }
    KindTable::new(defs)
}

fn read_labels(ck: &mut Checker<'_>, value: &Node, out: &mut Labels) {
    let Some(map) = value.as_map() else {
        ck.error(
            &[Step::Key("labels")],
            true,
            "`labels` should map label keys to text".into(),
            "e.g. `labels: {overdue: 逾期未联系}` or `labels: {zh: {overdue: 逾期未联系}}`".into(),
        );
        return;
    };
    let keys: Vec<&str> = crate::render::i18n::keys().collect();
    // (language map or none, the path's middle step, key, text)
    let mut items: Vec<(Option<Lang>, Option<&str>, &str, &Node)> = Vec::new();
    for (key, text) in map {
        match (key.as_str(), text) {
            ("en" | "zh", Node::Map(m)) => {
                let lang = if key == "zh" { Lang::Zh } else { Lang::En };
                items.extend(
                    m.iter()
                        .map(|(k, v)| (Some(lang), Some(key.as_str()), k.as_str(), v)),
                );
            }
            _ => items.push((None, None, key.as_str(), text)),
        }
    }
    for (lang, middle, k, v) in items {
        let mut path = vec![Step::Key("labels")];
        path.extend(middle.map(Step::Key));
        path.push(Step::Key(k));
        if !keys.contains(&k) {
            let help = match closest(k, keys.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "the label keys are listed in docs/templates.md (`t.<key>`)".into(),
            };
            ck.error(&path, false, format!("unknown label `{k}`"), help);
            continue;
        }
        let target = match lang {
            Some(Lang::En) => &mut out.en,
            Some(Lang::Zh) => &mut out.zh,
            None => &mut out.both,
        };
        match v {
            Node::Map(_) | Node::List(_) | Node::Null => ck.error(
                &path,
                true,
                format!("label `{k}` should be text"),
                "e.g. `overdue: 逾期未联系`".into(),
            ),
            _ => {
                target.insert(k.to_string(), v.to_text());
            }
        }
    }
}

fn read_limits(ck: &mut Checker<'_>, value: &Node, out: &mut Limits) {
    let Some(map) = value.as_map() else {
        ck.error(
            &[Step::Key("limits")],
            true,
            "`limits` should map limits to values".into(),
            "e.g. `limits: {note_size: 16MB}`".into(),
        );
        return;
    };
    for (key, v) in map {
        let path = [Step::Key("limits"), Step::Key(key)];
        if key != "note_size" {
            ck.unknown(&path, key, &["note_size"]);
            continue;
        }
        let Some(text) = ck.scalar(v, &path, key) else {
            continue;
        };
        match parse_size(&text) {
            Some(n) if (1024..=1024 * MB).contains(&n) => out.note_size = n,
            _ => ck.error(
                &path,
                true,
                format!("`{text}` is not a size between 1KB and 1GB"),
                "write a size such as `16MB`, `512KB` or `1GB`".into(),
            ),
        }
    }
}

/// `16MB`, `512 KB`, `1GB`, or a bare number of bytes (1 KB = 1024 bytes).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u64 = t.get(..digits)?.parse().ok()?;
    let unit = match t.get(digits..)?.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1024,
        "M" | "MB" | "MIB" => MB,
        "G" | "GB" | "GIB" => 1024 * MB,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// `language： zh`: a full-width colon where YAML needs `:`, one error per line.
fn full_width_colons(text: &str) -> Vec<Diagnostic> {
    let lines: Vec<&str> = text.split('\n').collect();
    yaml::full_width_colons(text)
        .into_iter()
        .map(|(i, at)| {
            let line = lines.get(i).copied().unwrap_or("").trim_end_matches('\r');
            let key = line.get(..at).unwrap_or("").trim_start_matches([' ', '-']).trim();
            Diagnostic::error(
                FILE_NAME,
                format!("`{key}` is followed by a full-width colon `：`"),
            )
            .at(i + 1, column_of(line, at), 1, line)
            .help(format!(
                "YAML needs an ASCII colon and a space: `{key}: …` (switch the input method to half-width)"
            ))
        })
        .collect()
}

fn read_privacy(ck: &mut Checker<'_>, value: &Node, out: &mut Privacy) {
    let path = [Step::Key("privacy")];
    let shown: Vec<String> = match value {
        // `privacy: show` shows everything; `privacy: mask` is the default.
        Node::String(s) if s == "show" => PRIVACY_FIELDS.iter().map(|s| s.to_string()).collect(),
        Node::String(s) if s == "mask" => Vec::new(),
        Node::Map(m) => {
            let mut shown = Vec::new();
            for (k, v) in m {
                if k != "show" {
                    ck.unknown(&[Step::Key("privacy"), Step::Key(k)], k, &["show"]);
                    continue;
                }
                match v {
                    Node::List(items) => shown.extend(items.iter().map(Node::to_text)),
                    Node::Null => {}
                    other => shown.push(other.to_text()),
                }
            }
            shown
        }
        _ => {
            ck.error(
                &path,
                true,
                "`privacy` should be `mask`, `show`, or `show: [fields]`".into(),
                format!("fields: {}", PRIVACY_FIELDS.join(", ")),
            );
            return;
        }
    };
    for field in shown {
        match field.as_str() {
            "phone" => out.phone = true,
            "wechat" => out.wechat = true,
            "email" => out.email = true,
            "birth_year" | "birthday" => out.birth_year = true,
            "family" => out.family = true,
            "likes" => out.likes = true,
            "notes" => out.notes = true,
            "address" => out.address = true,
            other => ck.unknown(
                &[Step::Key("privacy"), Step::Key("show")],
                other,
                &PRIVACY_FIELDS,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DateSpec;

    #[test]
    fn full_config() {
        let c = parse("title: 华东\nlanguage: zh\ntimezone: Asia/Shanghai\ncadence:\n  key: 7d\n  default: 2m\nprivacy:\n  show: [phone, birth_year]\n").unwrap();
        assert_eq!(c.language, Lang::Zh);
        assert_eq!(c.cadences.key, Cadence::days(7));
        assert_eq!(c.cadences.untiered.to_string(), "2m");
        assert!(c.privacy.phone && c.privacy.birth_year && !c.privacy.email);
    }

    #[test]
    fn errors_have_lines() {
        let d =
            parse("title: x\nlangauge: zh\ncadence:\n  kye: 7d\n  regular: soon\n").unwrap_err();
        assert_eq!(d.len(), 3);
        assert_eq!(
            (d[0].line, d[0].message.as_str()),
            (2, "unknown setting `langauge`")
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `language`?"));
        assert_eq!(
            (d[1].line, d[1].help.as_deref()),
            (4, Some("did you mean `key`?"))
        );
        assert_eq!((d[2].line, d[2].column), (5, 12));
    }

    #[test]
    fn holidays_and_pareto_year() {
        let c = parse("holidays:\n  - {date: 11-11, name: 双十一}\n  - {date: 2026-12-24, name: Christmas Eve}\npareto_year: 2024\n").unwrap();
        assert_eq!(c.holidays.len(), 2);
        assert_eq!(c.holidays[0].date, DateSpec::Yearly { month: 11, day: 11 });
        assert_eq!(c.pareto_year, Some(2024));
        let d = parse("holidays:\n  - {date: 13-01, name: x}\n  - {name: y}\npareto_year: soon\n")
            .unwrap_err();
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), vec![2, 3, 4]);
    }

    #[test]
    fn empty_is_default() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# nothing\n").unwrap(), Config::default());
    }
    #[test]
    fn labels_flat_and_per_language() {
        let c = parse("labels:\n  overdue: 逾期未联系\n  en:\n    overdue: Late\n    ok: Fine\n")
            .unwrap();
        assert_eq!(c.labels.get(Lang::Zh, "overdue"), Some("逾期未联系"));
        assert_eq!(c.labels.get(Lang::En, "overdue"), Some("Late"));
        assert_eq!(c.labels.get(Lang::En, "ok"), Some("Fine"));
        assert_eq!(c.labels.get(Lang::Zh, "ok"), None);
        let d = parse("title: x\nlabels:\n  overdeu: late\n  zh:\n    kye: x\n    ok: [a]\n")
            .unwrap_err();
        assert_eq!(d.len(), 3);
        assert_eq!(
            (d[0].line, d[0].message.as_str()),
            (3, "unknown label `overdeu`")
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `overdue`?"));
        assert_eq!(d[1].line, 5);
        assert_eq!(
            (d[2].line, d[2].message.as_str()),
            (6, "label `ok` should be text")
        );
    }
}

#[cfg(test)]
mod kinds_tests {
    use super::*;

    /// line:column:width message, for each diagnostic.
    fn shown(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .iter()
            .map(|d| format!("{}:{}:{} {}", d.line, d.column, d.width, d.message))
            .collect()
    }

    #[test]
    fn kinds_read() {
        let c = parse(
            "kinds:\n  - {name: dinner, aliases: [宴请, 饭局], contact: true}\n  - name: memo\n    aliases: 记录\n    contact: false\n  - {name: tea}\n",
        )
        .unwrap();
        let k = &c.kinds;
        assert_eq!(k.custom.len(), 3);
        let dinner = k.parse("DINNER").unwrap();
        assert_eq!(dinner.as_str(), "dinner");
        assert!(dinner.is_contact());
        assert_eq!(k.parse("饭局"), Some(dinner));
        assert_eq!(k.custom[0].aliases, vec!["宴请", "饭局"]);
        // A single alias needs no list; `contact: false` is kept.
        assert_eq!(k.custom[1].aliases, vec!["记录"]);
        assert!(!k.parse("记录").unwrap().is_contact());
        // `contact` defaults to true.
        assert!(k.parse("tea").unwrap().is_contact());
        // Built-in words still win.
        assert_eq!(k.parse("visit"), Some(Kind::Visit));
    }

    #[test]
    fn kind_errors_point_at_the_value() {
        // Columns counted by hand, 1-based, in characters: on line 4, `  - {name: 'a b'`
        // puts `a` at 13; `aliases` starts at 19, `maybe` at 51, `contcat` at 58.
        assert_eq!(
            shown(
                "kinds:\n  - dinner\n  - {aliases: [x]}\n  - {name: 'a b', aliases: [宴请, {x: 1}], contact: maybe, contcat: true}\n  - {name: any}\n  - {name: Call}\n  - {name: lunch, aliases: 電話}\n  - {name: dinner, aliases: [饭局, 饭局]}\n  - {name: [a], aliases: {x: 1}}\n  - {name: tea, aliases: [zzzzzzzz], colour: red}\n"
            ),
            vec![
                "2:5:6 a kind should be a map with a `name`",
                "3:3:1 a kind needs a `name`",
                "4:19:7 `aliases` should be a list of words",
                "4:51:5 `contact` should be `true` or `false`, not `maybe`",
                "4:58:7 unknown setting `contcat`",
                "4:13:3 kind word `a b` may hold only letters, digits, `-` and `_`",
                "5:12:3 `any` cannot name a kind",
                "6:12:4 `Call` is already the built-in kind `call`",
                // `  - {name: lunch, aliases: ` is 27 characters.
                "7:28:2 `電話` is already the built-in kind `call`",
                // The second `饭局`: `  - {name: dinner, aliases: [饭局, ` is 33.
                "8:34:2 kind word `饭局` is given twice (already for `dinner`)",
                "9:5:28 `name` should be a single value, not a list or a map",
                "9:17:7 `aliases` should be a list of words",
                "10:38:6 unknown setting `colour`",
            ]
        );
    }

    #[test]
    fn block_style_and_clashes_between_kinds() {
        let text = "kinds:\n  - name: dinner\n    aliases:\n      - 宴请\n      - 回訪\n  - name: lunch\n    aliases: [Dinner]\n    contact: yes\n  - name: 宴请\n";
        assert_eq!(
            shown(text),
            vec![
                // `      - 回訪`: the alias at column 9.
                "5:9:2 `回訪` is already the built-in kind `service`",
                "8:14:3 `contact` should be `true` or `false`, not `yes`",
                // Case is ignored for names: `Dinner` is `dinner`.
                "7:15:6 kind word `Dinner` is given twice (already for `dinner`)",
                "9:11:2 kind word `宴请` is given twice (already for `dinner`)",
            ]
        );
        // In Chinese, for a site in `zh`.
        let d = parse(text).unwrap_err();
        assert_eq!(
            crate::diag_zh::translate(&d[0].message).as_deref(),
            Some("`回訪` 已是内置联系方式 `service`")
        );
        assert_eq!(
            crate::diag_zh::translate(&d[3].message).as_deref(),
            Some("联系方式的词 `宴请` 写了两次（已用于 `dinner`）")
        );
        let d = parse("kinds: {name: dinner}\n").unwrap_err();
        assert_eq!(
            (d[0].line, d[0].message.as_str()),
            (1, "`kinds` should be a list")
        );
    }
}
