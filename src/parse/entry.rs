//! One log entry's heading: `## 2026-11-02 visit @王强 @Lena — brought tea` read into
//! date, kind, resolved mentions and summary (with a deal's amount or a feedback score).

use super::Context;
use super::dates::leading_date;
use super::fields::MAX_AMOUNT;
use crate::diag::{Diagnostic, Severity, Sink, column_of};
use crate::model::{Entry, Kind, Person};
use crate::suggest::closest;

/// Returns None for an ordinary heading, Some(None) for a dated heading with errors.
/// `line` is the heading's source line (file line `line_no`), `at` the byte offset of
/// its `#` marks. Diagnostics go to `diags`, which folds repeats: a heading may hold
/// 100,000 unknown `@mentions`, and only the ones shown cost a position and a hint.
pub fn parse_heading(
    file: &str,
    line_no: usize,
    line: &str,
    at: usize,
    people: &People<'_>,
    cx: &Context<'_>,
    diags: &mut Sink,
) -> Option<Option<Entry>> {
    let today = cx.today;
    // Skip the `#` marks and spaces: what follows is the heading's text.
    let after_marks = line.get(at..)?.trim_start_matches('#');
    let text_start = line.len() - after_marks.trim_start().len();
    let text = line.get(text_start..)?;
    // A closing sequence of `#` is not part of the text.
    let text = text.trim_end().trim_end_matches('#').trim_end();
    let (date_len, date) = leading_date(text)?;
    let col = |byte_in_text: usize| column_of(line, text_start + byte_in_text);
    let width = |s: &str| s.chars().count();
    let date = match date {
        Ok(d) => d,
        Err(p) => {
            let token = text.get(..date_len).unwrap_or("");
            diags.push(
                Diagnostic::error(file, p.message)
                    .at(line_no, col(0), width(token), line)
                    .help(p.help),
            );
            return Some(None);
        }
    };

    let rest = text.get(date_len..).unwrap_or("");
    let kind_start = date_len + (rest.len() - rest.trim_start().len());
    let rest = rest.trim_start();
    let word_len = rest
        .find(|c: char| c.is_whitespace() || ends_kind(c))
        .unwrap_or(rest.len());
    let word = rest.get(..word_len).unwrap_or("");
    if word.is_empty() {
        diags.push(
            Diagnostic::error(file, "log entry has no kind")
                .at(line_no, col(date_len), 1, line)
                .help(format!(
                    "write a kind after the date, e.g. `{date} call`; kinds: {}",
                    cx.kinds.list()
                )),
        );
        return Some(None);
    }
    // `拜访王强`: a Chinese alias directly followed by more text.
    let (kind, kind_len) = match cx.kinds.parse(word) {
        Some(k) => (k, word.len()),
        None => match cx.kinds.prefix(word) {
            Some(found) => found,
            None => {
                let help = match closest(word, cx.kinds.words()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("kinds are: {}", cx.kinds.list()),
                };
                diags.push(
                    Diagnostic::error(file, format!("unknown kind `{word}`"))
                        .at(line_no, col(kind_start), width(word), line)
                        .help(help),
                );
                return Some(None);
            }
        },
    };

    // `inbound` / `客户主动` right after the kind: the client started it.
    let mut pos = kind_start + kind_len;
    let (inbound, inbound_len) = inbound_word(text.get(pos..).unwrap_or(""));
    if inbound {
        pos += inbound_len;
    }

    // Mentions, then the summary.
    let mut mentioned = Vec::new();
    loop {
        let rest = text.get(pos..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t', ',', '，', '、', ';', '；', ':', '：']);
        let Some(name_part) = trimmed.strip_prefix('@') else {
            pos += rest.len() - rest.trim_start().len();
            break;
        };
        let at = pos + (rest.len() - trimmed.len());
        let name_len = name_part
            .find(|c: char| c.is_whitespace() || ends_mention(c))
            .unwrap_or(name_part.len());
        let name = name_part.get(..name_len).unwrap_or("");
        pos = at + 1 + name_len;
        if name.is_empty() {
            continue;
        }
        match people.resolve_person(name) {
            Ok(p) => {
                if let Some(left) = p.left.filter(|l| *l < date) {
                    let message = format!("`@{name}` left the client on {left}, before this entry");
                    if diags.room(&message, Severity::Warning) {
                        let help = match &p.more().successor {
                            Some(s) => format!(
                                "mention their successor `@{s}`, or correct the entry's date or `left:`"
                            ),
                            None => "mention who you met instead, or correct the entry's date or `left:`".to_string(),
                        };
                        diags.keep(
                            Diagnostic::warning(file, message)
                                .at(line_no, col(at), width(name) + 1, line)
                                .help(help),
                        );
                    }
                }
                mentioned.push(p.name.clone());
            }
            Err(why) => {
                let message = why.message(name);
                if diags.room(&message, Severity::Warning) {
                    let mut d = Diagnostic::warning(file, message).at(
                        line_no,
                        col(at),
                        width(name) + 1,
                        line,
                    );
                    if let Some(h) = why.help(name, people) {
                        d = d.help(h);
                    }
                    diags.keep(d);
                }
                mentioned.push(name.to_string());
            }
        }
    }
    let summary = text
        .get(pos..)
        .unwrap_or("")
        .trim_start_matches(|c: char| c.is_whitespace() || leads_summary(c))
        .trim_end()
        .to_string();

    if date > today {
        diags.push(
            Diagnostic::warning(file, format!("entry is dated after today ({today})"))
                .at(line_no, col(0), date_len, line)
                .help("a future entry does not count as a contact; plan it as a follow-up: `- [ ] DATE call`"),
        );
    }
    let mut deal = (kind == Kind::Deal).then(|| amount(&summary)).flatten();
    if deal.is_some_and(|v| v > MAX_AMOUNT) {
        let at = text.len()
            - text
                .get(pos..)
                .unwrap_or("")
                .trim_start_matches(|c: char| c.is_whitespace() || leads_summary(c))
                .len();
        diags.push(
            Diagnostic::warning(file, "deal amount is out of range; it is not counted")
                .at(line_no, col(at), width(&summary), line)
                .help("an amount is between 0 and 1,000,000,000,000,000 (10¹⁵)"),
        );
        deal = None;
    }
    Some(Some(Entry {
        date,
        kind,
        people: mentioned.into_boxed_slice(),
        line: line_no,
        body: crate::model::Span::default(),
        figure: match kind {
            Kind::Deal => deal,
            Kind::Feedback => score(&summary),
            _ => None,
        },
        inbound,
        summary: summary.into_boxed_str(),
    }))
}

/// The amount of a deal, from its summary: the first number marked with a currency
/// (`¥120,000`, `RMB 45000`, `$9.5k`), else a number at the very start; `万`/`w`
/// (ten thousand), `亿`, `k` and `m` multiply.
pub fn amount(summary: &str) -> Option<f64> {
    const MARKS: [&str; 7] = ["¥", "￥", "$", "€", "RMB", "CNY", "USD"];
    let start = MARKS
        .iter()
        .filter_map(|m| summary.find(m).map(|i| i + m.len()))
        .min()
        .or_else(|| {
            summary
                .starts_with(|c: char| c.is_ascii_digit())
                .then_some(0)
        })?;
    let rest = summary.get(start..)?.trim_start();
    let len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    let number: String = rest
        .get(..len)?
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let value: f64 = number.trim_end_matches('.').parse().ok()?;
    let unit = rest.get(len..)?.trim_start().chars().next();
    let factor = match unit {
        Some('万' | 'w' | 'W') => 1e4,
        Some('亿') => 1e8,
        Some('k' | 'K' | '千') => 1e3,
        Some('m' | 'M') if !rest.get(len..)?.trim_start().starts_with("mo") => 1e6,
        _ => 1.0,
    };
    Some(value * factor).filter(|v| v.is_finite())
}

/// A feedback score out of 10, from its summary: `8/10`, `9.5 / 10`.
pub fn score(summary: &str) -> Option<f64> {
    let slash = summary.find("/10").or_else(|| summary.find("/ 10"))?;
    let before = summary.get(..slash)?.trim_end();
    let digits = before
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(before, |i| before.get(i + 1..).unwrap_or(""));
    let v: f64 = digits.parse().ok()?;
    (0.0..=10.0).contains(&v).then_some(v)
}

/// The words that say the client started a contact.
pub const INBOUND_WORDS: [&str; 3] = ["inbound", "客户主动", "客戶主動"];

/// Does `rest` (the heading after the kind) open with `inbound` or `客户主动`? With the
/// bytes it takes, spaces before it included. `inbound` is a word of its own (any
/// case); the Chinese words may follow the kind directly (`电话客户主动`).
fn inbound_word(rest: &str) -> (bool, usize) {
    let trimmed = rest.trim_start();
    let skipped = rest.len() - trimmed.len();
    for w in INBOUND_WORDS {
        let Some(head) = trimmed.get(..w.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(w) {
            continue;
        }
        let after = trimmed.get(w.len()..).unwrap_or("");
        let ends = w.is_ascii()
            && !after.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_');
        if ends || !w.is_ascii() {
            return (true, skipped + w.len());
        }
    }
    (false, 0)
}

pub enum Unresolved {
    Unknown,
    /// The first few people it could be (at most `AMBIGUOUS_SHOWN`), and whether there
    /// are more.
    Ambiguous(Vec<String>, bool),
}

/// How many candidates the hint of an ambiguous `@mention` lists.
const AMBIGUOUS_SHOWN: usize = 10;

impl Unresolved {
    pub fn message(&self, name: &str) -> String {
        match self {
            Unresolved::Unknown => format!("`@{name}` is not one of this client's people"),
            Unresolved::Ambiguous(..) => format!("`@{name}` could be more than one person"),
        }
    }

    pub fn help(&self, name: &str, people: &People<'_>) -> Option<String> {
        match self {
            Unresolved::Ambiguous(names, more) => Some(format!(
                "write more of the name: {}{}",
                names.join(", "),
                if *more { ", …" } else { "" }
            )),
            Unresolved::Unknown => Some(
                match closest(name, people.people.iter().map(|p| p.name.as_str())) {
                    Some(s) => format!("did you mean `@{}`?", s.replace(' ', "")),
                    None => "add them under `people:` in the front matter".to_string(),
                },
            ),
        }
    }
}

/// A client's people, indexed for `@mentions`: a note may hold thousands of both.
pub struct People<'p> {
    people: &'p [Person],
    /// Each name in ASCII lower case, and again without its spaces; with the person's
    /// index. Sorted, so a name and the names it starts are found by binary search.
    keys: Vec<(String, usize)>,
}

impl<'p> People<'p> {
    pub fn new(people: &'p [Person]) -> People<'p> {
        let mut keys = Vec::with_capacity(people.len() * 2);
        for (i, p) in people.iter().enumerate() {
            let lower = p.name.to_ascii_lowercase();
            if lower.contains(' ') {
                keys.push((lower.replace(' ', ""), i));
            }
            keys.push((lower, i));
        }
        keys.sort();
        People { people, keys }
    }

    /// `@Lena` is the person whose name equals it, equals it without spaces, or starts
    /// with it (ASCII case ignored). An exact match wins over prefixes; the first such
    /// person in the note wins over later ones.
    pub fn resolve(&self, name: &str) -> Result<&'p str, Unresolved> {
        self.resolve_person(name).map(|p| p.name.as_str())
    }

    /// The person `@name` means (see `resolve`).
    pub fn resolve_person(&self, name: &str) -> Result<&'p Person, Unresolved> {
        // Most mentions are Chinese names or already lower case: no copy for those.
        let m: std::borrow::Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase().into()
        } else {
            name.into()
        };
        let m = m.as_ref();
        let from = self.keys.partition_point(|(k, _)| k.as_str() < m);
        let candidates = || {
            self.keys
                .get(from..)
                .unwrap_or(&[])
                .iter()
                .take_while(|(k, _)| k.starts_with(m))
        };
        let person = |i: usize| self.people.get(i).map_or("", |p| p.name.as_str());
        let found_one = |i: usize| self.people.get(i).ok_or(Unresolved::Unknown);
        if let Some(i) = candidates().filter(|(k, _)| *k == m).map(|(_, i)| *i).min() {
            return found_one(i);
        }
        let mut found: Vec<usize> = Vec::new();
        let mut more = false;
        for &(_, i) in candidates() {
            if found.contains(&i) {
                continue;
            }
            if found.len() == AMBIGUOUS_SHOWN {
                more = true;
                break;
            }
            found.push(i);
        }
        found.sort_unstable();
        match found.as_slice() {
            [one] => found_one(*one),
            [] => Err(Unresolved::Unknown),
            many => Err(Unresolved::Ambiguous(
                many.iter().map(|&i| person(i).to_string()).collect(),
                more,
            )),
        }
    }
}

/// Does `full` equal `mention` (or start with it, when `prefix`), ignoring ASCII case,
/// with or without the spaces in `full`? The plain definition `People::resolve` must
/// agree with (tested).
#[cfg(test)]
fn matches_name(full: &str, mention: &str, prefix: bool) -> bool {
    let same = |a: char, b: char| a.eq_ignore_ascii_case(&b);
    let compare = |skip_spaces: bool| {
        let mut f = full.chars().filter(|c| !(skip_spaces && *c == ' '));
        for m in mention.chars() {
            match f.next() {
                Some(c) if same(c, m) => {}
                _ => return false,
            }
        }
        prefix || f.next().is_none()
    };
    compare(false) || compare(true)
}

/// Does `c` end a heading's kind word (`call:`, `拜访，`, `visit@王强`)? A `match`, not
/// a search of a string of them: it is asked of every character of every kind word.
fn ends_kind(c: char) -> bool {
    matches!(
        c,
        ':' | '：' | ',' | '，' | '.' | '。' | '、' | '@' | '—' | '–' | '(' | '（'
    )
}

/// Does `c` end an `@mention`?
fn ends_mention(c: char) -> bool {
    matches!(
        c,
        ',' | '，' | '、' | ';' | '；' | ':' | '：' | '@' | '—' | '(' | ')' | '（' | '）'
    )
}

/// Is `c` one of the dashes and colons before a summary (`— brought tea`)?
pub fn leads_summary(c: char) -> bool {
    matches!(c, '—' | '–' | '-' | ':' | '：')
}

#[cfg(test)]
mod tests {
    /// The character sets, as the strings they replace wrote them, and nothing else.
    #[test]
    fn the_ends_of_words_are_exactly_these() {
        type Set = (fn(char) -> bool, &'static str);
        let sets: [Set; 3] = [
            (ends_kind, ":：,，.。、@—–(（"),
            (ends_mention, ",，、;；:：@—()（）"),
            (leads_summary, "—–-:："),
        ];
        for (is, chars) in sets {
            for c in chars.chars() {
                assert!(is(c), "{c:?} of {chars}");
            }
            // Control: nothing else, in any script.
            for c in ['a', 'Z', '0', ' ', '王', '；', '!', '#', '_', '·', '）']
                .into_iter()
                .filter(|c| !chars.contains(*c))
            {
                assert!(!is(c), "{c:?} is not of {chars}");
            }
        }
    }

    use super::*;

    #[test]
    fn amounts_and_scores() {
        assert_eq!(amount("¥120,000 — Q4 order"), Some(120_000.0));
        assert_eq!(amount("RMB 45000 pilot"), Some(45_000.0));
        assert_eq!(amount("12万 二期"), Some(120_000.0));
        assert_eq!(amount("¥1.5万"), Some(15_000.0));
        assert_eq!(amount("$9.5k order"), Some(9_500.0));
        assert_eq!(amount("Q4 order"), None);
        assert_eq!(amount("signed for 2 months"), None);
        assert_eq!(score("8/10 happy with delivery"), Some(8.0));
        assert_eq!(score("满意度 9.5 / 10"), Some(9.5));
        assert_eq!(score("happy"), None);
        assert_eq!(score("12/10"), None);
    }

    fn entries(body: &str, kinds: &crate::model::KindTable) -> crate::parse::log::Log {
        let people = [person("王强")];
        let cx = Context {
            today: "2026-11-22".parse().unwrap(),
            kinds,
        };
        crate::parse::log::parse_log("a.md", body, 1, &people, &cx)
    }

    #[test]
    fn inbound_words() {
        let l = entries(
            "## 2026-11-02 call inbound @王强 — asked for a quote\n\
             ## 2026-11-03 电话 客户主动 — 询价\n\
             ## 2026-11-04 电话客户主动 — 询价\n\
             ## 2026-11-05 電話 客戶主動 @王强\n\
             ## 2026-11-06 call INBOUND\n\
             ## 2026-11-07 call inbounds — a word of its own\n\
             ## 2026-11-08 call @王强 inbound\n",
            &crate::model::KindTable::default(),
        );
        assert!(l.diags.is_empty(), "{:?}", l.diags);
        // Newest first: 11-08 … 11-02.
        let got: Vec<(Kind, bool, &str, usize)> = l
            .entries
            .iter()
            .map(|e| (e.kind, e.inbound, &*e.summary, e.people.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                // After a mention it is no longer "right after the kind": summary text.
                (Kind::Call, false, "inbound", 1),
                (Kind::Call, false, "inbounds — a word of its own", 0),
                (Kind::Call, true, "", 0),
                (Kind::Call, true, "", 1),
                (Kind::Call, true, "询价", 0),
                (Kind::Call, true, "询价", 0),
                (Kind::Call, true, "asked for a quote", 1),
            ]
        );
    }

    #[test]
    fn configured_kinds_in_headings() {
        use crate::model::{CustomKind, KindDef, KindTable};
        let dinner = Kind::Custom(CustomKind::new("dinner", true));
        let kinds = KindTable::new(vec![KindDef {
            kind: dinner,
            aliases: vec!["宴请".into(), "饭局".into()],
        }]);
        let l = entries(
            "## 2026-11-02 Dinner @王强 — 杭帮菜\n\
             ## 2026-11-03 饭局 客户主动\n\
             ## 2026-11-04 宴请王总\n\
             ## 2026-11-05 回訪 @王强\n\
             ## 2026-11-06 diner\n",
            &kinds,
        );
        let got: Vec<(Kind, bool, &str)> = l
            .entries
            .iter()
            .map(|e| (e.kind, e.inbound, &*e.summary))
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::Service, false, ""),
                (dinner, false, "王总"),
                (dinner, true, ""),
                (dinner, false, "杭帮菜"),
            ]
        );
        // A typo of a configured kind: did you mean it? At line 5, after `## 2026-11-06 `.
        assert_eq!(l.diags.len(), 1);
        let d = &l.diags[0];
        assert_eq!((d.line, d.column, d.width), (5, 15, 5));
        assert_eq!(d.message, "unknown kind `diner`");
        assert_eq!(d.help.as_deref(), Some("did you mean `dinner`?"));
        // Without the configuration, `dinner` is unknown.
        let l = entries("## 2026-11-02 dinner\n", &KindTable::default());
        assert_eq!(l.diags[0].message, "unknown kind `dinner`");
    }

    #[test]
    fn mention_matching() {
        assert!(matches_name("Lena Fischer", "lena", true));
        assert!(!matches_name("Lena Fischer", "lena", false));
        assert!(matches_name("Lena Fischer", "LenaFischer", false));
        assert!(matches_name("王强", "王强", false));
        assert!(!matches_name("王强", "王强强", true));
    }

    fn person(name: &str) -> Person {
        Person {
            name: name.into(),
            ..Person::default()
        }
    }

    /// The old linear definition: exact match first (first in the note), else the one
    /// person whose name starts with it.
    fn linear(name: &str, people: &[Person]) -> Result<String, Vec<String>> {
        if let Some(p) = people.iter().find(|p| matches_name(&p.name, name, false)) {
            return Ok(p.name.clone());
        }
        let found: Vec<String> = people
            .iter()
            .filter(|p| matches_name(&p.name, name, true))
            .map(|p| p.name.clone())
            .collect();
        match found.len() {
            1 => Ok(found[0].clone()),
            _ => Err(found),
        }
    }

    #[test]
    fn index_agrees_with_the_definition() {
        let people: Vec<Person> = [
            "Lena Fischer",
            "lena",
            "Li Na",
            "Li Ming",
            "王强",
            "王强生",
            "Bob",
            "bob",
            "Ann Lee",
            "AnnLee",
        ]
        .into_iter()
        .map(person)
        .collect();
        let index = People::new(&people);
        for m in [
            "lena",
            "Lena",
            "LenaF",
            "LenaFischer",
            "Li",
            "LiNa",
            "Li Na",
            "王",
            "王强",
            "王强生",
            "bob",
            "BOB",
            "Ann",
            "annlee",
            "ann lee",
            "x",
            "L",
        ] {
            let got = match index.resolve(m) {
                Ok(p) => Ok(p.to_string()),
                Err(Unresolved::Ambiguous(names, _)) => Err(names),
                Err(Unresolved::Unknown) => Err(Vec::new()),
            };
            assert_eq!(got, linear(m, &people), "@{m}");
        }
    }

    #[test]
    fn ambiguous_hint_is_bounded() {
        let people: Vec<Person> = (0..1000).map(|i| person(&format!("Li {i}"))).collect();
        let index = People::new(&people);
        let Err(Unresolved::Ambiguous(names, more)) = index.resolve("Li") else {
            panic!("ambiguous expected");
        };
        assert_eq!(names.len(), AMBIGUOUS_SHOWN);
        assert!(more);
    }
}
