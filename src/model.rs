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
    /// No longer a client (`lost: {date, reason}` says when and why).
    Lost,
}

impl Tier {
    pub const ALL: [Tier; 5] = [
        Tier::Key,
        Tier::Regular,
        Tier::Prospect,
        Tier::Dormant,
        Tier::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Key => "key",
            Tier::Regular => "regular",
            Tier::Prospect => "prospect",
            Tier::Dormant => "dormant",
            Tier::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// The kind of a contact-log entry: one of the built-in kinds, or one configured in
/// `touchbase.yaml` (`kinds:`).
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
    /// An after-sales visit (售后, 回访).
    Service,
    Note,
    /// A kind of the team's own (`kinds:` in `touchbase.yaml`). Sorts after every
    /// built-in kind, by name.
    Custom(CustomKind),
}

/// A configured kind: its name and whether it counts as contact with the client,
/// interned (see `CustomKind::new`) so that `Kind` is `Copy` and two words wide (every
/// entry holds one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomKind(&'static CustomDef);

/// What a configured kind is: compared, ordered and hashed by name, then `contact`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomDef {
    pub name: &'static str,
    pub contact: bool,
    /// Its place in the interned kinds (`KINDS`): set once, unique to the name and
    /// `contact`, so it changes neither the order nor equality.
    code: u32,
}

impl std::ops::Deref for CustomKind {
    type Target = CustomDef;
    fn deref(&self) -> &CustomDef {
        self.0
    }
}

/// Every configured kind interned so far, in the order first seen: a kind's place here
/// is its `code`.
static KINDS: std::sync::Mutex<Vec<&'static CustomDef>> = std::sync::Mutex::new(Vec::new());

/// The first configured kinds by code, read without a lock: a packed tick's kind is
/// decoded here for every tick the team's figures read (`PackedTick::tick`). A kind past
/// these has no code in a `PackedTick` (its notes' entries are then held).
static CODED: [std::sync::OnceLock<&'static CustomDef>; 256] =
    [const { std::sync::OnceLock::new() }; 256];

impl CustomKind {
    /// A configured kind. It is interned: each distinct name and `contact` is stored
    /// once for the life of the process, so a reloaded configuration (`serve`) costs
    /// nothing new unless it names a new kind.
    pub fn new(name: &str, contact: bool) -> CustomKind {
        // A handful at most (the configuration's `kinds:`), looked up when it is loaded.
        let mut kinds = KINDS.lock().unwrap_or_else(|e| e.into_inner());
        let found = kinds
            .iter()
            .find(|k| k.name == name && k.contact == contact)
            .copied();
        let def = match found {
            Some(k) => k,
            None => {
                // The same name with the other `contact` shares the name's one copy.
                let name: &'static str = match kinds.iter().find(|k| k.name == name) {
                    Some(k) => k.name,
                    None => Box::leak(name.to_string().into_boxed_str()),
                };
                let at = kinds.len();
                let code = u32::try_from(at).unwrap_or(u32::MAX);
                let k: &'static CustomDef = Box::leak(Box::new(CustomDef {
                    name,
                    contact,
                    code,
                }));
                kinds.push(k);
                if let Some(slot) = CODED.get(at) {
                    // Set once: the code is new.
                    let _ = slot.set(k);
                }
                k
            }
        };
        CustomKind(def)
    }
}

impl Kind {
    /// The built-in kinds.
    pub const ALL: [Kind; 14] = [
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
        Kind::Service,
        Kind::Note,
    ];

    /// The English name, as exported and as written in notes (a configured kind's name).
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
            Kind::Service => "service",
            Kind::Note => "note",
            Kind::Custom(c) => c.name,
        }
    }

    /// The main Simplified Chinese alias (a configured kind's name).
    pub fn alias_zh(self) -> &'static str {
        self.aliases().first().copied().unwrap_or(self.as_str())
    }

    /// Every alias accepted in notes, the main Simplified one first, then Traditional
    /// ones (none for a configured kind: `KindTable` holds those).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Kind::Call => &["电话", "電話"],
            Kind::Visit => &["拜访", "拜訪"],
            Kind::Wechat => &["微信"],
            Kind::Email => &["邮件", "郵件"],
            Kind::Message => &["短信", "簡訊"],
            Kind::Meeting => &["会议", "會議"],
            Kind::Gift => &["礼品", "禮品"],
            Kind::Greeting => &["祝福"],
            Kind::Deal => &["成交"],
            Kind::Complaint => &["投诉", "投訴"],
            Kind::Feedback => &["反馈", "回饋", "反饋"],
            Kind::Referral => &["推荐", "推薦"],
            Kind::Service => &["售后", "回访", "售後", "回訪"],
            Kind::Note => &["备注", "備註"],
            Kind::Custom(_) => &[],
        }
    }

    /// Parse a built-in kind: an English name (any case) or any of its aliases.
    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word) || k.aliases().contains(&word))
    }

    /// Position in `Kind::ALL` (none for a configured kind).
    pub fn index(self) -> Option<usize> {
        Kind::ALL.iter().position(|&k| k == self)
    }

    /// Does an entry of this kind count as contact with the client?
    pub fn is_contact(self) -> bool {
        match self {
            Kind::Note => false,
            Kind::Custom(c) => c.contact,
            _ => true,
        }
    }

    /// A number for the kind, two bytes (`PackedTick`): a built-in kind's place in
    /// `Kind::ALL`, a configured kind's after them in the order it was interned. None
    /// for a configured kind past the first 256 (`CODED`).
    fn code(self) -> Option<u16> {
        let code = match self {
            Kind::Custom(c) => {
                let at = usize::try_from(c.code).ok()?;
                CODED.get(at)?.get()?;
                at.checked_add(Kind::ALL.len())?
            }
            k => k.index()?,
        };
        u16::try_from(code).ok()
    }

    /// The kind of a `code`.
    fn of_code(code: u16) -> Option<Kind> {
        let code = usize::from(code);
        match code.checked_sub(Kind::ALL.len()) {
            None => Kind::ALL.get(code).copied(),
            Some(at) => CODED
                .get(at)?
                .get()
                .map(|&def| Kind::Custom(CustomKind(def))),
        }
    }
}

/// A configured kind and the aliases notes may write for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindDef {
    pub kind: Kind,
    pub aliases: Vec<String>,
}

/// The kinds notes may use: the built-in ones and those of `touchbase.yaml`. The
/// configuration guarantees that no two names or aliases are the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindTable {
    pub custom: Vec<KindDef>,
}

impl KindTable {
    pub fn new(custom: Vec<KindDef>) -> KindTable {
        KindTable { custom }
    }

    /// Every kind: the built-in ones, then the configured ones in their order.
    pub fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        Kind::ALL
            .into_iter()
            .chain(self.custom.iter().map(|d| d.kind))
    }

    /// A kind word: a name (English names in any case) or an alias, exactly.
    pub fn parse(&self, word: &str) -> Option<Kind> {
        Kind::parse(word).or_else(|| {
            self.custom
                .iter()
                .find(|d| {
                    d.kind.as_str().eq_ignore_ascii_case(word)
                        || d.aliases.iter().any(|a| a == word)
                })
                .map(|d| d.kind)
        })
    }

    /// `拜访王强`: the kind whose Chinese word (an alias, or a name not in ASCII) `word`
    /// starts with, and that word's length in bytes. The longest such word wins.
    pub fn prefix(&self, word: &str) -> Option<(Kind, usize)> {
        let builtin = Kind::ALL
            .into_iter()
            .flat_map(|k| k.aliases().iter().map(move |a| (k, *a)));
        let custom = self.custom.iter().flat_map(|d| {
            std::iter::once(d.kind.as_str())
                .chain(d.aliases.iter().map(String::as_str))
                .map(move |a| (d.kind, a))
        });
        builtin
            .chain(custom)
            .filter(|(_, a)| !a.is_ascii() && word.starts_with(a))
            .max_by_key(|(_, a)| a.len())
            .map(|(k, a)| (k, a.len()))
    }

    /// Every word a kind may be written as, for did-you-mean hints.
    pub fn words(&self) -> Vec<&str> {
        let mut words: Vec<&str> = Vec::new();
        for k in Kind::ALL {
            words.push(k.as_str());
            words.extend(k.aliases().iter().copied());
        }
        for d in &self.custom {
            words.push(d.kind.as_str());
            words.extend(d.aliases.iter().map(String::as_str));
        }
        words
    }

    /// The kinds for a hint: `call 电话, visit 拜访, …` (a configured kind with its
    /// first alias, if any).
    pub fn list(&self) -> String {
        let builtin = Kind::ALL
            .iter()
            .map(|k| format!("{} {}", k.as_str(), k.alias_zh()));
        let custom = self.custom.iter().map(|d| match d.aliases.first() {
            Some(a) => format!("{} {a}", d.kind.as_str()),
            None => d.kind.as_str().to_string(),
        });
        builtin.chain(custom).collect::<Vec<_>>().join(", ")
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
            // Before the day it was lost, a lost client is replayed on the default.
            Some(Tier::Lost) | None => self.untiered,
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
///
/// Every client keeps its people for the whole build, so what fewer people have on
/// file is kept apart (`PersonMore`), held only when some of it is there: 144 bytes
/// a person, not 280.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person {
    pub name: String,
    pub role: Option<Role>,
    pub title: Option<String>,
    pub birthday: Option<Birthday>,
    pub phone: Option<String>,
    pub wechat: Option<String>,
    pub email: Option<String>,
    /// The day they left the client (`left: 2026-09-01`): from then on not current.
    pub left: Option<Date>,
    /// The rest, when any of it is on file (never an empty one: `Person::tidy`).
    /// Read it with `more`.
    pub more: Option<Box<PersonMore>>,
}

/// What fewer people have on file (`Person::more`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonMore {
    pub gender: Option<String>,
    pub family: Option<String>,
    pub likes: Option<String>,
    pub notes: Option<String>,
    /// Who took over from them (`successor: NAME`), as written.
    pub successor: Option<String>,
    /// Keys we do not know, kept as written (key, value as text).
    pub extra: Vec<(String, String)>,
}

/// A person's `PersonMore` when none of it is on file.
static NO_MORE: PersonMore = PersonMore {
    gender: None,
    family: None,
    likes: None,
    notes: None,
    successor: None,
    extra: Vec::new(),
};

impl Person {
    /// Still at the client on `day` (not left by then).
    pub fn current_on(&self, day: Date) -> bool {
        self.left.is_none_or(|l| l > day)
    }

    /// The rest of what is on file of them (all empty when nothing is).
    pub fn more(&self) -> &PersonMore {
        self.more.as_deref().unwrap_or(&NO_MORE)
    }

    /// The rest, to fill in (made when first asked for; `tidy` lets go of it if it
    /// stays empty).
    pub fn more_mut(&mut self) -> &mut PersonMore {
        self.more.get_or_insert_with(Box::default)
    }

    /// Let go of an empty `more`, so that a person is the same whichever way it was
    /// made.
    pub fn tidy(&mut self) {
        if self.more.as_deref().is_some_and(|m| *m == NO_MORE) {
            self.more = None;
        }
    }
}

/// When and why a client was lost (`lost: {date: 2026-09-30, reason: 价格}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lost {
    pub date: Option<Date>,
    pub reason: Option<String>,
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

/// A byte range of a client's log text (`LogText`): an entry's body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span of `range` (byte offsets of a note, which is at most 1 GB: `limits`).
    pub fn new(range: std::ops::Range<usize>) -> Span {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: at(range.start),
            end: at(range.end),
        }
    }

    /// This span of `text`, empty if it is not one (another text's span).
    pub fn of(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

/// The text a client's entries' bodies are spans of: the note after its front matter.
/// A build holds it only for its first notes (`workspace::HELD_TEXT`): a parsed contact
/// log's text was most of a build's memory, and only the client's own page shows it, so
/// for the rest the page reads the note again and checks that it is the note that was
/// parsed (`workspace::Workspace::log_text`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LogText {
    /// Held, as parsed.
    Held(Box<str>),
    /// To be read again from the note (at the path discovery resolved), whose
    /// `fresh::read_digest` must still be `digest`.
    OnDisk {
        path: Box<std::path::Path>,
        digest: [u8; 32],
    },
    /// Not kept: nothing that reads these clients shows an entry's body (`check`,
    /// `export`).
    #[default]
    Dropped,
}

/// One dated heading of the contact log.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub date: Date,
    pub kind: Kind,
    /// People mentioned with `@`, resolved to their names on file where possible.
    /// (Boxed slices and strings: every entry is held for the whole build, and a
    /// vector's or a string's spare room and capacity field would be a quarter of it.)
    pub people: Box<[String]>,
    /// The heading's text after the kind and mentions (Markdown, inline).
    pub summary: Box<str>,
    /// 1-based line of the heading in the note file.
    pub line: usize,
    /// Where the entry's body (Markdown) sits in the client's log text: read it with
    /// `Span::of` on `Client::log`'s text.
    pub body: Span,
    /// The number found in the summary: a deal's amount (`¥120,000`, `12万`) or a
    /// feedback's score out of 10 (`8/10`). One field, since an entry has one kind:
    /// read it with `amount` and `score`.
    pub figure: Option<f64>,
    /// The client started it: `inbound` or `客户主动` right after the kind.
    pub inbound: bool,
}

/// A dated task item: `- [ ] 2026-11-16 call — send quote`.
///
/// Every client keeps all of its follow-ups for the whole build (a dozen each in a
/// typical note), so they are kept small: 40 bytes before the text, not 64 (the text
/// without spare room, the lines as `u32`; a note is far smaller than 4 GB).
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub date: Date,
    pub text: Box<str>,
    pub done: bool,
    /// The day it was done, when the item says (`✅ 2026-11-18`, the Obsidian Tasks
    /// convention that `touchbase done` writes).
    pub done_on: Option<Date>,
    pub line: u32,
    /// Line of the log entry whose body holds this item, if any.
    pub entry_line: Option<u32>,
}

/// A line number as a follow-up keeps it (`FollowUp::line`): a note's size limit keeps
/// it far below `u32::MAX`, where it would saturate rather than wrap.
pub fn line32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
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

/// What the figures across clients read of one entry (`Client::ticks`): its day, kind,
/// figure and whether the client started it, without its text. A build keeps these
/// for a log it let go of (`ShedLog`), a tenth of the entries' memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    pub date: Date,
    pub kind: Kind,
    pub inbound: bool,
    /// As `Entry::figure`.
    pub figure: Option<f64>,
}

impl Tick {
    pub fn of(e: &Entry) -> Tick {
        Tick {
            date: e.date,
            kind: e.kind,
            inbound: e.inbound,
            figure: e.figure,
        }
    }

    /// As `Entry::score`.
    pub fn score(&self) -> Option<f64> {
        self.figure.filter(|_| self.kind == Kind::Feedback)
    }
}

/// A `Tick` as a build keeps it for an entry let go of (`Client::ticks`): 16 bytes
/// against a `Tick`'s 40 (its kind is two words, its figure an `Option`), the same
/// facts. 100,000 clients of 40 entries keep 4 million of them until the analysis is
/// done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PackedTick {
    /// The figure, when `FIGURE` is set (0 otherwise).
    figure: f64,
    date: Date,
    /// `Kind::code`.
    kind: u16,
    /// `INBOUND`, `FIGURE`.
    flags: u8,
}

impl PackedTick {
    const INBOUND: u8 = 1;
    const FIGURE: u8 = 2;

    /// The tick packed, or none when its kind has no code (a configured kind past the
    /// first 256): such an entry is then held, not let go of (`workspace::shed`).
    pub fn of(t: Tick) -> Option<PackedTick> {
        Some(PackedTick {
            figure: t.figure.unwrap_or(0.0),
            date: t.date,
            kind: t.kind.code()?,
            flags: (u8::from(t.inbound) * Self::INBOUND)
                | (u8::from(t.figure.is_some()) * Self::FIGURE),
        })
    }

    /// The tick it packs. (A code is only made by `Kind::code`, and interned kinds
    /// are never forgotten, so every code has its kind.)
    pub fn tick(self) -> Tick {
        let kind = Kind::of_code(self.kind);
        debug_assert!(kind.is_some(), "a tick's kind code has no kind");
        Tick {
            date: self.date,
            kind: kind.unwrap_or(Kind::Note),
            inbound: self.flags & Self::INBOUND != 0,
            figure: (self.flags & Self::FIGURE != 0).then_some(self.figure),
        }
    }
}

/// What a build keeps of a contact log it let go of as soon as it has read the note and
/// worked out the client's own figures (`workspace::How::stream`): how many entries,
/// their heads, and their ticks for the figures across clients. Only the client's own
/// page shows its entries after that, and it parses them again from its note (a log
/// left in its note, `LogText::OnDisk`, is read again for that page anyway), so the
/// 400,000 entries of 10,000 clients are never all held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShedLog {
    /// How many entries there were.
    pub entries: usize,
    /// `fresh::entry_heads` of them: what a client page's key covers of the entries,
    /// and what the entries parsed again must give.
    pub heads: [u8; 32],
    /// Whether `Client::ticks` are still held: a build lets go of them too once the
    /// analysis is done (`workspace::Workspace::drop_ticks`).
    pub ticked: bool,
}

/// Revenue per year (`revenue:`), in year order: a list of its exact size, as a note
/// names a year or a few (a map would hold a node of about 150 bytes for them, 15 MB
/// at 100,000 clients). Made like a map: a year given twice has its last amount.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Revenue(Box<[(i32, f64)]>);

impl Revenue {
    /// The amount for `year`.
    pub fn get(&self, year: &i32) -> Option<&f64> {
        let at = self.0.binary_search_by_key(year, |&(y, _)| y).ok()?;
        self.0.get(at).map(|(_, amount)| amount)
    }

    /// The years, in order.
    pub fn keys(&self) -> impl Iterator<Item = &i32> {
        self.0.iter().map(|(year, _)| year)
    }

    /// The years and their amounts, in year order.
    pub fn iter(&self) -> impl Iterator<Item = &(i32, f64)> {
        self.0.iter()
    }
}

impl FromIterator<(i32, f64)> for Revenue {
    fn from_iter<I: IntoIterator<Item = (i32, f64)>>(years: I) -> Self {
        let years: BTreeMap<i32, f64> = years.into_iter().collect();
        Revenue(years.into_iter().collect())
    }
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
    /// When and why it was lost (`lost:`); the client is lost when its tier is `lost`.
    pub lost: Option<Lost>,
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
    pub revenue: Revenue,
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
    /// The text the entries' bodies are spans of (`Entry::body`).
    pub log: LogText,
    /// BLAKE3 of that text, when it was kept (`LogText::Held` at first): what a client
    /// page's key covers of the note besides its view (`render::Renderer::made_from`),
    /// so that the key depends on no front-matter value the page masks.
    pub log_digest: Option<[u8; 32]>,
    /// Positions of some front-matter values.
    pub anchors: Vec<Anchor>,
    /// Set when a build let go of `entries` after the analysis (`ShedLog`): `entries`
    /// is then empty, and the client page parses them again from the note
    /// (`workspace::Workspace::log`).
    pub shed: Option<ShedLog>,
    /// What the team's figures read of the entries let go of (`ShedLog`), newest first
    /// like `entries`: empty while `entries` are held. Read both through `ticks`.
    pub ticks: Box<[PackedTick]>,
}

impl Client {
    /// Lost as of `day`: its tier is `lost`, and the day it was lost (if given) has
    /// come.
    pub fn lost_on(&self, day: Date) -> bool {
        self.tier == Some(Tier::Lost)
            && self
                .lost
                .as_ref()
                .and_then(|l| l.date)
                .is_none_or(|d| d <= day)
    }

    /// What the team's figures read of its entries, newest first, whether the entries
    /// are held or were let go of (`ShedLog`): the figures come out the same either way.
    pub fn ticks(&self) -> impl DoubleEndedIterator<Item = Tick> + '_ {
        debug_assert!(
            self.shed.is_none_or(|s| s.ticked),
            "ticks read after the analysis let go of them"
        );
        self.entries
            .iter()
            .map(Tick::of)
            .chain(self.ticks.iter().map(|t| t.tick()))
    }

    /// How many entries its contact log has, held or let go of (`ShedLog`).
    pub fn entry_count(&self) -> usize {
        self.shed.map_or(self.entries.len(), |s| s.entries)
    }

    pub fn anchor(&self, key: &str) -> Option<&Anchor> {
        self.anchors.iter().find(|a| a.key == key)
    }
}

impl Entry {
    /// For a deal, the amount found in its summary.
    pub fn amount(&self) -> Option<f64> {
        self.figure.filter(|_| self.kind == Kind::Deal)
    }

    /// For feedback, the score out of 10 found in its summary.
    pub fn score(&self) -> Option<f64> {
        self.figure.filter(|_| self.kind == Kind::Feedback)
    }
}

#[cfg(test)]
impl Entry {
    /// An entry with just a date and a kind, for tests elsewhere in the crate.
    pub fn bare(date: &str, kind: Kind) -> Entry {
        Entry {
            date: date.parse().unwrap_or_default(),
            kind,
            people: Box::default(),
            summary: Box::default(),
            line: 1,
            body: Span::default(),
            figure: None,
            inbound: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "ticks read after the analysis let go of them")]
    fn ticks_let_go_of_are_not_read() {
        let c = Client {
            shed: Some(ShedLog {
                entries: 1,
                heads: [0; 32],
                ticked: false,
            }),
            ..Client::default()
        };
        let _ = c.ticks().count();
    }

    #[test]
    fn ticks_are_the_entries_held_or_kept() {
        let entries = vec![
            Entry::bare("2026-11-02", Kind::Visit),
            Entry::bare("2026-10-01", Kind::Call),
        ];
        let held = Client {
            entries: entries.clone(),
            ..Client::default()
        };
        let kept = Client {
            ticks: entries
                .iter()
                .filter_map(|e| PackedTick::of(Tick::of(e)))
                .collect(),
            shed: Some(ShedLog {
                entries: 2,
                heads: [0; 32],
                ticked: true,
            }),
            ..Client::default()
        };
        let dates = |c: &Client| c.ticks().map(|t| t.date.to_string()).collect::<Vec<_>>();
        assert_eq!(dates(&held), ["2026-11-02", "2026-10-01"]);
        assert_eq!(dates(&kept), dates(&held));
        // Control: neither held nor kept, none.
        assert_eq!(dates(&Client::default()).len(), 0);
    }

    #[test]
    fn packed_ticks_are_the_ticks() {
        assert_eq!(std::mem::size_of::<PackedTick>(), 16);
        let feast = Kind::Custom(CustomKind::new("宴请", true));
        let quiet = Kind::Custom(CustomKind::new("宴请", false));
        let mut ticks = Vec::new();
        for kind in Kind::ALL.into_iter().chain([feast, quiet]) {
            for (inbound, figure) in [(false, None), (true, Some(4.5)), (false, Some(0.0))] {
                ticks.push(Tick {
                    date: d("2026-11-02"),
                    kind,
                    inbound,
                    figure,
                });
            }
        }
        for t in &ticks {
            let packed = PackedTick::of(*t).expect("every kind has a code");
            assert_eq!(packed.tick(), *t);
        }
        // Control: the two configured kinds of one name stay apart, and a figure of 0
        // is not "no figure".
        let of = |t: &Tick| PackedTick::of(*t).map(PackedTick::tick);
        assert_ne!(
            of(&ticks[42]).map(|t| t.kind),
            of(&ticks[45]).map(|t| t.kind)
        );
        assert_ne!(
            of(&ticks[2]).map(|t| t.figure),
            of(&ticks[0]).map(|t| t.figure)
        );
    }

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
    fn traditional_aliases_and_service() {
        // The twelve Traditional words of issue 12, each with the kind it names.
        let expected = [
            ("電話", Kind::Call),
            ("拜訪", Kind::Visit),
            ("郵件", Kind::Email),
            ("簡訊", Kind::Message),
            ("會議", Kind::Meeting),
            ("禮品", Kind::Gift),
            ("祝福", Kind::Greeting),
            ("成交", Kind::Deal),
            ("投訴", Kind::Complaint),
            ("回饋", Kind::Feedback),
            ("推薦", Kind::Referral),
            ("備註", Kind::Note),
        ];
        for (word, kind) in expected {
            assert_eq!(Kind::parse(word), Some(kind), "{word}");
        }
        for word in ["service", "Service", "售后", "回访", "售後", "回訪"] {
            assert_eq!(Kind::parse(word), Some(Kind::Service), "{word}");
        }
        assert!(Kind::Service.is_contact());
        // The main alias stays the Simplified one.
        assert_eq!(Kind::Call.alias_zh(), "电话");
        assert_eq!(Kind::Service.alias_zh(), "售后");
        // No word names two kinds.
        let mut words: Vec<String> = Kind::ALL
            .iter()
            .flat_map(|k| std::iter::once(k.as_str()).chain(k.aliases().iter().copied()))
            .map(str::to_string)
            .collect();
        let n = words.len();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), n);
    }

    #[test]
    fn a_figure_is_read_by_the_entry_kind() {
        let mut e = Entry::bare("2026-11-02", Kind::Deal);
        e.figure = Some(8.0);
        assert_eq!((e.amount(), e.score()), (Some(8.0), None));
        e.kind = Kind::Feedback;
        assert_eq!((e.amount(), e.score()), (None, Some(8.0)));
        e.kind = Kind::Call;
        assert_eq!((e.amount(), e.score()), (None, None));
    }

    #[test]
    fn revenue_reads_like_a_map_of_years() {
        let given = [(2025, 3.0), (2023, 1.0), (2024, 2.0), (2023, 9.0)];
        let r: Revenue = given.into_iter().collect();
        // In year order, a year given twice with its last amount, as a map holds them.
        let map: BTreeMap<i32, f64> = given.into_iter().collect();
        let pairs: Vec<(i32, f64)> = map.clone().into_iter().collect();
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), pairs);
        assert_eq!(r.keys().copied().collect::<Vec<_>>(), [2023, 2024, 2025]);
        for year in 2020..2028 {
            assert_eq!(r.get(&year), map.get(&year), "{year}");
        }
        // Control: a year not given has no amount, and the empty one has none at all.
        assert_eq!(r.get(&2026), None);
        assert_eq!(r.get(&2023), Some(&9.0));
        assert_eq!(Revenue::default().get(&2025), None);
    }

    /// Every entry and follow-up of every note is held for a whole build (400,000
    /// entries at 10,000 clients): their size is the build's memory.
    /// (docs/performance.md, "Smaller records".)
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn held_records_stay_small() {
        assert_eq!(size_of::<Kind>(), 16);
        assert_eq!(size_of::<Entry>(), 88);
        assert_eq!(size_of::<FollowUp>(), 40);
        assert_eq!(size_of::<Person>(), 144);
        assert_eq!(size_of::<Revenue>(), 16);
        // `workspace::read` moves the clients out of their options into the same block.
        assert_eq!(size_of::<Option<Client>>(), size_of::<Client>());
    }

    #[test]
    fn a_person_holds_more_only_when_some_is_on_file() {
        let mut p = Person {
            name: "王强".into(),
            ..Person::default()
        };
        p.more_mut().gender = None;
        p.tidy();
        assert_eq!(p.more, None, "an empty `more` let go of");
        assert_eq!(p.more().successor, None);
        p.more_mut().successor = Some("李娜".into());
        p.tidy();
        // Control: one that holds something keeps it.
        assert_eq!(p.more().successor.as_deref(), Some("李娜"));
        assert!(p.more.is_some());
    }

    #[test]
    fn custom_kinds() {
        let dinner = Kind::Custom(CustomKind::new("dinner", true));
        let memo = Kind::Custom(CustomKind::new("memo", false));
        // Interned: the same name is the same pointer.
        let again = CustomKind::new("dinner", true);
        assert!(std::ptr::eq(again.name, dinner.as_str()));
        assert_eq!(Kind::Custom(again), dinner);
        // The same name counted differently is another kind, sharing the name's copy;
        // it sorts by name, then not counted before counted.
        let other = CustomKind::new("dinner", false);
        assert_ne!(Kind::Custom(other), dinner);
        assert!(std::ptr::eq(other.name, again.name));
        assert!(Kind::Custom(other) < dinner);
        assert_eq!(dinner.as_str(), "dinner");
        assert_eq!(dinner.alias_zh(), "dinner");
        assert!(dinner.is_contact() && !memo.is_contact());
        assert_eq!(dinner.index(), None);
        assert_eq!(Kind::Note.index(), Some(13));
        // After every built-in kind, then by name.
        assert!(Kind::Note < dinner && dinner < memo);
        let table = KindTable::new(vec![
            KindDef {
                kind: dinner,
                aliases: vec!["宴请".into(), "饭局".into(), "lunch".into()],
            },
            KindDef {
                kind: memo,
                aliases: vec!["电话会".into()],
            },
        ]);
        assert_eq!(table.parse("Dinner"), Some(dinner));
        assert_eq!(table.parse("饭局"), Some(dinner));
        assert_eq!(table.parse("LUNCH"), None, "aliases are exact");
        assert_eq!(table.parse("拜訪"), Some(Kind::Visit));
        // `宴请王总` is dinner (6 bytes); `电话会议`: `电话会` (9 bytes) is longer than
        // `电话` (6); ASCII words are never prefixes (`lunchtime` is no kind).
        assert_eq!(table.prefix("宴请王总"), Some((dinner, 6)));
        assert_eq!(table.prefix("电话会议"), Some((memo, 9)));
        assert_eq!(table.prefix("电话王总"), Some((Kind::Call, 6)));
        assert_eq!(table.prefix("lunchtime"), None);
        assert_eq!(table.kinds().count(), 16);
        assert!(table.words().contains(&"饭局"));
        assert!(
            table
                .list()
                .ends_with(", service 售后, note 备注, dinner 宴请, memo 电话会")
        );
    }

    #[test]
    fn roles() {
        assert_eq!(Role::parse("Decision Maker"), Some(Role::DecisionMaker));
        assert_eq!(Role::parse("决策人"), Some(Role::DecisionMaker));
        assert_eq!(Role::parse("boss"), None);
    }
}
