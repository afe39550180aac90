//! The model: what a client note *means*, independent of how it was written.
//!
//! `parse` builds these types from Markdown and YAML; `analyse` reads them; `render`
//! and `export` present them. Nothing here knows about YAML, templates or charts.

use std::collections::BTreeMap;

pub use jiff::civil::Date;

/// A client's relationship tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Key,
    Regular,
    Prospect,
    Dormant,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Key, Tier::Regular, Tier::Prospect, Tier::Dormant];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Key => "key",
            Tier::Regular => "regular",
            Tier::Prospect => "prospect",
            Tier::Dormant => "dormant",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// The kind of a contact-log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Call,
    Visit,
    Wechat,
    Email,
    Message,
    Meeting,
    Gift,
    Greeting,
    Deal,
    Complaint,
    Feedback,
    Referral,
    Note,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::Call,
        Kind::Visit,
        Kind::Wechat,
        Kind::Email,
        Kind::Message,
        Kind::Meeting,
        Kind::Gift,
        Kind::Greeting,
        Kind::Deal,
        Kind::Complaint,
        Kind::Feedback,
        Kind::Referral,
        Kind::Note,
    ];

    /// The English name, as exported and as written in notes.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Visit => "visit",
            Kind::Wechat => "wechat",
            Kind::Email => "email",
            Kind::Message => "message",
            Kind::Meeting => "meeting",
            Kind::Gift => "gift",
            Kind::Greeting => "greeting",
            Kind::Deal => "deal",
            Kind::Complaint => "complaint",
            Kind::Feedback => "feedback",
            Kind::Referral => "referral",
            Kind::Note => "note",
        }
    }

    /// The Chinese alias accepted in notes.
    pub fn alias_zh(self) -> &'static str {
        match self {
            Kind::Call => "电话",
            Kind::Visit => "拜访",
            Kind::Wechat => "微信",
            Kind::Email => "邮件",
            Kind::Message => "短信",
            Kind::Meeting => "会议",
            Kind::Gift => "礼品",
            Kind::Greeting => "祝福",
            Kind::Deal => "成交",
            Kind::Complaint => "投诉",
            Kind::Feedback => "反馈",
            Kind::Referral => "推荐",
            Kind::Note => "备注",
        }
    }

    /// Parse an English name (any case) or a Chinese alias.
    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word) || k.alias_zh() == word)
    }

    /// Does an entry of this kind count as contact with the client?
    pub fn is_contact(self) -> bool {
        self != Kind::Note
    }
}

/// How long a client may go without contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    pub count: u32,
    pub unit: CadenceUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CadenceUnit {
    Day,
    Week,
    Month,
    Year,
}

impl Cadence {
    pub const fn days(count: u32) -> Cadence {
        Cadence {
            count,
            unit: CadenceUnit::Day,
        }
    }

    /// Parse `14d`, `2w`, `1m`, `1y` or a bare number of days. Zero is rejected.
    pub fn parse(text: &str) -> Option<Cadence> {
        let t = text.trim();
        let last = t.chars().last()?;
        let (digits, unit) = if last.is_ascii_digit() {
            (t, CadenceUnit::Day)
        } else {
            let unit = match last.to_ascii_lowercase() {
                'd' => CadenceUnit::Day,
                'w' => CadenceUnit::Week,
                'm' => CadenceUnit::Month,
                'y' => CadenceUnit::Year,
                _ => return None,
            };
            (t.get(..t.len() - last.len_utf8())?.trim_end(), unit)
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let count: u32 = digits.parse().ok()?;
        // A cadence over ten years is a typo, and keeps date arithmetic in range.
        let limit = match unit {
            CadenceUnit::Day => 3660,
            CadenceUnit::Week => 522,
            CadenceUnit::Month => 120,
            CadenceUnit::Year => 10,
        };
        (count > 0 && count <= limit).then_some(Cadence { count, unit })
    }

    /// `date` plus this cadence, in calendar arithmetic (Jan 31 + 1m = Feb 28).
    pub fn add_to(self, date: Date) -> Option<Date> {
        let n = i64::from(self.count);
        let span = match self.unit {
            CadenceUnit::Day => jiff::Span::new().try_days(n).ok()?,
            CadenceUnit::Week => jiff::Span::new().try_weeks(n).ok()?,
            CadenceUnit::Month => jiff::Span::new().try_months(n).ok()?,
            CadenceUnit::Year => jiff::Span::new().try_years(n).ok()?,
        };
        date.checked_add(span).ok()
    }

    /// Average length in days, for charts and rates.
    pub fn approx_days(self) -> f64 {
        let n = f64::from(self.count);
        match self.unit {
            CadenceUnit::Day => n,
            CadenceUnit::Week => n * 7.0,
            CadenceUnit::Month => n * 30.436875,
            CadenceUnit::Year => n * 365.2425,
        }
    }
}

impl std::fmt::Display for Cadence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let u = match self.unit {
            CadenceUnit::Day => 'd',
            CadenceUnit::Week => 'w',
            CadenceUnit::Month => 'm',
            CadenceUnit::Year => 'y',
        };
        write!(f, "{}{}", self.count, u)
    }
}

/// Default cadence per tier; `touchbase.yaml` may override any of them.
#[derive(Debug, Clone, PartialEq)]
pub struct TierCadences {
    pub key: Cadence,
    pub regular: Cadence,
    pub prospect: Cadence,
    pub dormant: Cadence,
    pub untiered: Cadence,
}

impl Default for TierCadences {
    fn default() -> Self {
        TierCadences {
            key: Cadence::days(14),
            regular: Cadence::days(30),
            prospect: Cadence::days(21),
            dormant: Cadence::days(90),
            untiered: Cadence::days(30),
        }
    }
}

impl TierCadences {
    pub fn for_tier(&self, tier: Option<Tier>) -> Cadence {
        match tier {
            Some(Tier::Key) => self.key,
            Some(Tier::Regular) => self.regular,
            Some(Tier::Prospect) => self.prospect,
            Some(Tier::Dormant) => self.dormant,
            None => self.untiered,
        }
    }
}

/// A person's role inside the client's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    DecisionMaker,
    Influencer,
    User,
    Other,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::DecisionMaker,
        Role::Influencer,
        Role::User,
        Role::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::DecisionMaker => "decision-maker",
            Role::Influencer => "influencer",
            Role::User => "user",
            Role::Other => "other",
        }
    }

    /// English names (any case, `_` or space for `-`) and common Chinese words.
    pub fn parse(s: &str) -> Option<Role> {
        let norm = s.trim().to_lowercase().replace(['_', ' '], "-");
        match norm.as_str() {
            "decision-maker" | "决策者" | "决策人" => Some(Role::DecisionMaker),
            "influencer" | "影响者" | "影响人" => Some(Role::Influencer),
            "user" | "使用者" | "用户" => Some(Role::User),
            "other" | "其他" => Some(Role::Other),
            _ => None,
        }
    }
}

/// A day of the Chinese lunisolar calendar (农历), as written: `农历08-15`, or
/// `农历闰04-15` for a day of a leap month. Which Gregorian day it falls on each year is
/// `analyse::holidays::lunar_between`'s business (with the fallback for a day or a leap
/// month a year lacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LunarDay {
    /// 1 to 12.
    pub month: u8,
    /// A day of the leap month (闰月) numbered `month`.
    pub leap: bool,
    /// 1 to 30.
    pub day: u8,
}

impl LunarDay {
    /// `08-15`, or `闰04-15` for a leap month: the export's `lunar` field.
    pub fn code(self) -> String {
        let leap = if self.leap { "闰" } else { "" };
        format!("{leap}{:02}-{:02}", self.month, self.day)
    }
}

/// A birthday, with or without the year, on the Gregorian or the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Birthday {
    Full(Date),
    MonthDay {
        month: i8,
        day: i8,
    },
    /// `农历08-15`, `1968 农历08-15`: the year (when given) is the Gregorian year of birth.
    Lunar {
        year: Option<i16>,
        day: LunarDay,
    },
}

impl Birthday {
    /// The birth year, when written.
    pub fn year(self) -> Option<i16> {
        match self {
            Birthday::Full(d) => Some(d.year()),
            Birthday::MonthDay { .. } => None,
            Birthday::Lunar { year, .. } => year,
        }
    }

    /// The lunar day of a lunar birthday.
    pub fn lunar(self) -> Option<LunarDay> {
        match self {
            Birthday::Lunar { day, .. } => Some(day),
            _ => None,
        }
    }
}

/// A person at the client.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person {
    pub name: String,
    pub role: Option<Role>,
    pub title: Option<String>,
    pub gender: Option<String>,
    pub birthday: Option<Birthday>,
    pub phone: Option<String>,
    pub wechat: Option<String>,
    pub email: Option<String>,
    pub family: Option<String>,
    pub likes: Option<String>,
    pub notes: Option<String>,
    /// Keys we do not know, kept as written (key, value as text).
    pub extra: Vec<(String, String)>,
}

/// A date to remember: once (`2026-12-05`), or every year (`MM-DD`, or a lunar
/// `农历MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    Once(Date),
    Yearly { month: i8, day: i8 },
    Lunar(LunarDay),
}

/// An entry of the `dates:` list in the front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDate {
    pub date: DateSpec,
    pub what: String,
}

/// One dated heading of the contact log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub date: Date,
    pub kind: Kind,
    /// People mentioned with `@`, resolved to their names on file where possible.
    pub people: Vec<String>,
    /// The heading's text after the kind and mentions (Markdown, inline).
    pub summary: String,
    /// 1-based line of the heading in the note file.
    pub line: usize,
    /// The entry's body, Markdown.
    pub body: String,
    /// For deals: the amount found in the summary (`¥120,000`, `12万`).
    pub amount: Option<f64>,
    /// For feedback: the score found in the summary (`8/10`), out of 10.
    pub score: Option<f64>,
}

/// A dated task item: `- [ ] 2026-11-16 call — send quote`.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub date: Date,
    pub text: String,
    pub done: bool,
    /// The day it was done, when the item says (`✅ 2026-11-18`, the Obsidian Tasks
    /// convention that `touchbase done` writes).
    pub done_on: Option<Date>,
    pub line: usize,
    /// Line of the log entry whose body holds this item, if any.
    pub entry_line: Option<usize>,
}

/// Where a front-matter value sits in its file, for diagnostics raised after parsing
/// (an unknown `referred_by`, say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchor {
    pub key: String,
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub source: String,
}

/// One client note, as understood.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Client {
    pub id: String,
    pub name: String,
    /// Path relative to the notes folder, `/`-separated.
    pub file: String,
    pub owner: Option<String>,
    pub tier: Option<Tier>,
    /// The cadence written in the note, if any (else the tier's default applies).
    pub cadence: Option<Cadence>,
    /// Rhythms per kind (`cadence: {any: 14d, visit: 2m}`), besides the plain one.
    pub kind_cadences: Vec<(Kind, Cadence)>,
    /// Gross margin, 0 to 1.
    pub margin: Option<f64>,
    /// Dates to remember (`dates:`).
    pub dates: Vec<KeyDate>,
    pub since: Option<Date>,
    pub tags: Vec<String>,
    pub referred_by: Option<String>,
    /// Revenue per year.
    pub revenue: BTreeMap<i32, f64>,
    pub phone: Option<String>,
    pub wechat: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub people: Vec<Person>,
    /// Unknown front-matter keys, kept as written (key, value as text).
    pub extra: Vec<(String, String)>,
    /// Contact log, newest first (ties keep file order).
    pub entries: Vec<Entry>,
    /// Follow-ups in file order.
    pub followups: Vec<FollowUp>,
    /// Body text that is not part of any log entry (background sections), Markdown.
    pub profile: String,
    /// Positions of some front-matter values.
    pub anchors: Vec<Anchor>,
}

impl Client {
    pub fn anchor(&self, key: &str) -> Option<&Anchor> {
        self.anchors.iter().find(|a| a.key == key)
    }
}

#[cfg(test)]
impl Entry {
    /// An entry with just a date and a kind, for tests elsewhere in the crate.
    pub fn bare(date: &str, kind: Kind) -> Entry {
        Entry {
            date: date.parse().unwrap_or_default(),
            kind,
            people: Vec::new(),
            summary: String::new(),
            line: 1,
            body: String::new(),
            amount: None,
            score: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn cadence_forms() {
        assert_eq!(Cadence::parse("14d"), Some(Cadence::days(14)));
        assert_eq!(Cadence::parse("10"), Some(Cadence::days(10)));
        assert_eq!(
            Cadence::parse(" 2W ").map(|c| c.to_string()),
            Some("2w".into())
        );
        assert_eq!(
            Cadence::parse("1m").map(|c| c.to_string()),
            Some("1m".into())
        );
        assert_eq!(
            Cadence::parse("1y").map(|c| c.to_string()),
            Some("1y".into())
        );
        for bad in ["", "d", "0d", "14x", "-3", "2 weeks", "1.5m", "99999999999"] {
            assert_eq!(Cadence::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cadence_calendar_arithmetic() {
        let m = Cadence::parse("1m").unwrap();
        assert_eq!(m.add_to(d("2026-01-31")), Some(d("2026-02-28")));
        let w = Cadence::parse("2w").unwrap();
        assert_eq!(w.add_to(d("2026-11-02")), Some(d("2026-11-16")));
        assert_eq!(
            Cadence::parse("1y").unwrap().add_to(d("2024-02-29")),
            Some(d("2025-02-28"))
        );
    }

    #[test]
    fn kinds_and_aliases() {
        assert_eq!(Kind::parse("Visit"), Some(Kind::Visit));
        assert_eq!(Kind::parse("拜访"), Some(Kind::Visit));
        assert_eq!(Kind::parse("vist"), None);
        assert!(!Kind::Note.is_contact());
        assert!(Kind::Deal.is_contact());
    }

    #[test]
    fn roles() {
        assert_eq!(Role::parse("Decision Maker"), Some(Role::DecisionMaker));
        assert_eq!(Role::parse("决策人"), Some(Role::DecisionMaker));
        assert_eq!(Role::parse("boss"), None);
    }
}
