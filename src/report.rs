//! Report: the one analysed value every output renders.
//!
//! Built once from the loaded workspace (notes, analysis, configuration) as of its
//! `today`, with privacy applied here and nowhere else. Its largest parts are made from
//! the workspace when they are read rather than held (`ClientReports`, `Entries`,
//! `Followups`): the same workspace gives the same value every time. The JSON export is this value
//! serialised; CSV and iCalendar write rows and events from it; nothing downstream
//! computes a figure of its own. Field names are a contract (docs/cli.md): they are
//! only ever added to.

use serde::{Serialize, Serializer};

use crate::analyse::deals::REFERENCE;
use crate::analyse::moments::MomentKind;
use crate::analyse::{Status, days_between};
use crate::diag::Diagnostic;
use crate::model::{Cadence, Date, Kind, LunarDay};
use crate::workspace::Workspace;

fn iso<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn iso_opt<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// A lunar day as its code: `"08-15"`, `"闰04-15"`.
fn lunar_opt<S: Serializer>(d: &Option<LunarDay>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.code()),
        None => s.serialize_none(),
    }
}

#[derive(Serialize)]
pub struct Report<'a> {
    #[serde(serialize_with = "iso")]
    pub today: Date,
    pub clients: ClientReports<'a>,
    /// The next 30 days: birthdays, anniversaries, `dates:` and holidays.
    pub upcoming: Vec<MomentReport<'a>>,
    pub pareto: Option<ParetoReport>,
    pub team: TeamReport<'a>,
    /// Holidays of the next 90 days (at least the next one) and the clients not yet
    /// greeted for them (ids), key clients first.
    pub greetings: Vec<GreetingReport<'a>>,
    /// What changed between `since` and today.
    pub changes: ChangesReport<'a>,
    pub diagnostics: Vec<DiagReport<'a>>,
    /// The next 12 months of moments, for calendars (not in the JSON: `upcoming`
    /// and each client's follow-ups say the same for the near term).
    #[serde(skip)]
    pub calendar: Moments<'a>,
    /// The day the newest entry or follow-up of the notes is dated (or `today`):
    /// a timestamp that changes only when the notes do.
    #[serde(skip)]
    pub stamp: Date,
    /// Every client (index into `clients`), most urgent first: overdue, due, never, ok;
    /// key clients first within each; the longest overdue, the soonest due, the name.
    #[serde(skip)]
    pub urgency: &'a [usize],
    /// How many of `calendar` (from the start) fall in the next 90 days: the calendar page.
    #[serde(skip)]
    pub calendar_page: usize,
    /// The holidays of the next 365 days, in date order.
    #[serde(skip)]
    pub holidays_ahead: Vec<HolidayDay<'a>>,
}

/// A holiday ahead: its day, built-in key (for translation) and name as configured.
pub struct HolidayDay<'a> {
    pub date: Date,
    pub key: Option<&'static str>,
    pub name: &'a str,
}

/// A client's standing, typed, for renderers (the JSON says the same in words).
#[derive(Clone, Copy)]
pub struct Standing {
    pub status: Status,
    /// The kind of the governing rhythm (none for "any contact").
    pub kind: Option<Kind>,
    /// The governing rhythm's cadence.
    pub every: Cadence,
    /// The cadence in force (the plain one), for sorting.
    pub cadence: Cadence,
    pub tier: Option<crate::model::Tier>,
}

#[derive(Serialize)]
pub struct ClientReport<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub file: &'a str,
    pub owner: Option<&'a str>,
    pub tier: Option<&'static str>,
    /// The rhythm `cadence`, `last_contact` and `next_due` come from (`any` or a kind):
    /// the late one, when a per-kind rhythm is late.
    pub rhythm: &'static str,
    pub cadence: String,
    #[serde(serialize_with = "iso_opt")]
    pub last_contact: Option<Date>,
    #[serde(serialize_with = "iso_opt")]
    pub next_due: Option<Date>,
    pub days_since_contact: Option<i64>,
    pub status: &'static str,
    pub days_overdue: i64,
    pub contacts_12m: u32,
    #[serde(serialize_with = "iso_opt")]
    pub since: Option<Date>,
    pub tags: &'a [String],
    pub referred_by: Option<&'a str>,
    /// The contact log as the note has it (each entry an `EntryReport`). For a client
    /// whose entries were let go of as its note was read (`model::ShedLog`), read again
    /// from the note when written (`Entries::Again`, `ClientReports::try_for_each`).
    pub entries: Entries<'a>,
    pub open_followups: Followups<'a>,
    /// Every follow-up, open and done, in the note's order.
    pub followups: Followups<'a>,
    pub cadences: Vec<CadenceReport>,
    pub people: PeopleReports<'a>,
    pub no_decision_maker: bool,
    pub stale_decision_makers: &'a [String],
    pub deals: Vec<DealReport>,
    pub complaints: Vec<ComplaintReport>,
    pub latest_feedback_score: Option<f64>,
    pub cooling: bool,
    pub given_up_early: bool,
    pub margin: Option<f64>,
    /// Revenue of the revenue year (the 80/20 year, else last year), the year before,
    /// and the change between them (a share: -0.3 is 30 % down; none without both).
    pub revenue_year: i32,
    pub revenue: Option<f64>,
    pub revenue_previous: Option<f64>,
    pub revenue_change: Option<f64>,
    /// The latest contact that named a decision-maker.
    #[serde(serialize_with = "iso_opt")]
    pub last_decision_maker_contact: Option<Date>,
    /// Warnings (`revenue_drop`, `decision_maker_left`, `single_threaded`,
    /// `post_deal_dropoff`), in that order.
    pub flags: Vec<&'static str>,
    /// Current people on file mentioned in the last 90 days (`single_threaded` when a
    /// key client has at most one).
    pub people_met_90d: usize,
    /// How its follow-ups were kept.
    pub promises: PromisesReport,
    /// Share (0–1) of its contacts in the last 12 months the client started (null
    /// without contacts), and how many that is.
    pub inbound_share: Option<f64>,
    pub inbound_12m: u32,
    /// When and why it was lost (null unless lost).
    pub lost: Option<LostReport<'a>>,
    #[serde(skip)]
    pub standing: Standing,
    /// Its status on each of the last 52 weeks (`team.trend`'s weeks; none: not known).
    #[serde(skip)]
    pub weeks: &'a crate::analyse::trend::WeekStatuses,
    /// Indices into `Report::calendar` of this client's moments.
    #[serde(skip)]
    pub moments: &'a [usize],
}

/// A client's entries as `EntryReport`s, made as they are read or serialised rather
/// than stored: the contact log is most of a large report (400,000 entries at 10,000
/// clients), and holding a copy of every entry's fields beside the notes' own cost tens
/// of MB for nothing.
///
/// A client whose entries were let go of as its note was read (`model::ShedLog`) has
/// them read again from its note when they are written (`Workspace::log`): an export
/// holds no more of the notes than a build does.
#[derive(Clone, Copy)]
pub enum Entries<'a> {
    Held(&'a [crate::model::Entry]),
    /// Client `i` of `ws`, its entries let go of.
    Again(&'a Workspace, usize),
}

impl<'a> Entries<'a> {
    /// These entries, as a report shows them.
    pub fn of(entries: &'a [crate::model::Entry]) -> Entries<'a> {
        Entries::Held(entries)
    }

    /// Client `i`'s entries: held, or read again when written.
    fn of_client(ws: &'a Workspace, i: usize, c: &'a crate::model::Client) -> Entries<'a> {
        match c.shed {
            Some(_) => Entries::Again(ws, i),
            None => Entries::Held(&c.entries),
        }
    }

    /// `f` given the entries as the report shows them, newest first; for entries let go
    /// of, after reading them again (else the reason they could not be: the note changed).
    pub fn with<R>(
        &self,
        f: impl FnOnce(&mut dyn Iterator<Item = EntryReport<'_>>) -> R,
    ) -> Result<R, crate::workspace::Fatal> {
        fn report(e: &crate::model::Entry) -> EntryReport<'_> {
            EntryReport {
                date: e.date,
                kind: e.kind.as_str(),
                people: &e.people,
                summary: &e.summary,
                line: e.line,
                inbound: e.inbound,
            }
        }
        match *self {
            Entries::Held(entries) => Ok(f(&mut entries.iter().map(report))),
            Entries::Again(ws, i) => {
                let log = ws.log(i)?;
                Ok(f(&mut log.entries.iter().map(report)))
            }
        }
    }

    pub fn len(&self) -> usize {
        match *self {
            Entries::Held(entries) => entries.len(),
            Entries::Again(ws, i) => ws.clients.get(i).map_or(0, |c| c.entry_count()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with(|entries| s.collect_seq(entries))
            .map_err(|e| serde::ser::Error::custom(e.to_string()))?
    }
}

/// Some of a client's follow-ups as `FollowUpReport`s, made as they are read or
/// serialised (like `Entries`: a copy of every item beside the notes' own was a large
/// part of the report's per-client memory): all of them, or those at `pick` (the open ones).
#[derive(Clone, Copy)]
pub struct Followups<'a> {
    all: &'a [crate::model::FollowUp],
    /// Indices into `all`; `None`: every one, in order.
    pick: Option<&'a [usize]>,
    today: Date,
}

impl<'a> Followups<'a> {
    pub fn iter(&self) -> impl Iterator<Item = FollowUpReport<'a>> + use<'a> {
        let these = *self;
        (0..self.len()).filter_map(move |n| these.get(n))
    }

    /// The `n`th of them.
    pub fn get(&self, n: usize) -> Option<FollowUpReport<'a>> {
        let f = match self.pick {
            Some(p) => self.all.get(*p.get(n)?),
            None => self.all.get(n),
        }?;
        Some(followup(f, self.today))
    }

    pub fn len(&self) -> usize {
        self.pick.map_or(self.all.len(), <[usize]>::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Followups<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[derive(Serialize)]
pub struct EntryReport<'a> {
    #[serde(serialize_with = "iso")]
    pub date: Date,
    pub kind: &'static str,
    pub people: &'a [String],
    pub summary: &'a str,
    pub line: usize,
    /// The client started it (`inbound` / `客户主动` after the kind).
    pub inbound: bool,
}

/// Follow-ups done on or before their date, after it, and still open after it.
#[derive(Serialize, Clone, Copy, Default)]
pub struct PromisesReport {
    pub on_time: u32,
    pub late: u32,
    pub missed: u32,
    /// `on_time` over all three (null when there are none).
    pub on_time_share: Option<f64>,
}

impl From<&crate::analyse::promises::Promises> for PromisesReport {
    fn from(p: &crate::analyse::promises::Promises) -> Self {
        PromisesReport {
            on_time: p.on_time,
            late: p.late,
            missed: p.missed,
            on_time_share: p.on_time_share().map(round4),
        }
    }
}

/// A share rounded to four places, as the export shows shares.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[derive(Serialize)]
pub struct LostReport<'a> {
    #[serde(serialize_with = "iso_opt")]
    pub date: Option<Date>,
    pub reason: Option<&'a str>,
}

/// A lost client, for the team's list: when, why, its revenue of the revenue year and
/// its owner.
#[derive(Serialize)]
pub struct LostClientReport<'a> {
    pub client: &'a str,
    #[serde(serialize_with = "iso_opt")]
    pub date: Option<Date>,
    pub reason: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub revenue_year: i32,
    pub revenue: Option<f64>,
    #[serde(skip)]
    pub client_index: usize,
}

/// Contacts in one calendar month and how many the clients started.
#[derive(Serialize, Clone)]
pub struct InboundMonth {
    /// `2026-03`.
    pub month: String,
    pub contacts: u32,
    pub inbound: u32,
    /// `inbound` over `contacts` (null without contacts).
    pub share: Option<f64>,
    #[serde(skip)]
    pub first_day: Date,
}

/// The clients with each flag (ids; key clients first, then most urgent first).
#[derive(Serialize, Default)]
pub struct FlaggedReport<'a> {
    pub revenue_drop: Vec<&'a str>,
    pub decision_maker_left: Vec<&'a str>,
    pub single_threaded: Vec<&'a str>,
    pub post_deal_dropoff: Vec<&'a str>,
    /// The same, as indices into `Report::clients`, in `Flag::ALL` order.
    #[serde(skip)]
    pub index: Vec<(crate::analyse::risks::Flag, Vec<usize>)>,
}

#[derive(Serialize)]
pub struct FollowUpReport<'a> {
    #[serde(serialize_with = "iso")]
    pub date: Date,
    pub text: &'a str,
    pub line: usize,
    pub done: bool,
    /// The day it was done, when the note says (`✅ 2026-11-18`).
    #[serde(serialize_with = "iso_opt")]
    pub done_on: Option<Date>,
    /// Open and dated before today.
    pub missed: bool,
    /// Days since its date, when missed (0 otherwise).
    pub days_late: i64,
}

#[derive(Serialize)]
pub struct CadenceReport {
    pub kind: &'static str,
    pub every: String,
    #[serde(serialize_with = "iso_opt")]
    pub last: Option<Date>,
    #[serde(serialize_with = "iso_opt")]
    pub next_due: Option<Date>,
    pub status: &'static str,
    pub days_overdue: i64,
}

/// A client's people as `PersonReport`s, made as they are read or serialised (like
/// `Entries`): its people as the analysis knows them, with what the note says of each.
#[derive(Clone, Copy)]
pub struct PeopleReports<'a> {
    stats: &'a [crate::analyse::people::PersonStats],
    on_file: &'a [crate::model::Person],
    today: Date,
}

impl<'a> PeopleReports<'a> {
    pub fn iter(&self) -> impl ExactSizeIterator<Item = PersonReport<'a>> + 'a {
        let PeopleReports {
            stats,
            on_file,
            today,
        } = *self;
        stats.iter().map(move |p| {
            let on_file = on_file.iter().find(|q| q.name == p.name);
            PersonReport {
                name: &p.name,
                role: p.role.map(|r| r.as_str()),
                title: on_file.and_then(|q| q.title.as_deref()),
                last_mentioned: p.last_mentioned,
                last_contacted: p.last_contacted,
                kinds: KindNames(&p.kinds),
                left: on_file.and_then(|q| q.left),
                successor: on_file.and_then(|q| q.more().successor.as_deref()),
                current: on_file.is_none_or(|q| q.current_on(today)),
            }
        })
    }

    pub fn len(&self) -> usize {
        self.stats.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stats.is_empty()
    }
}

impl Serialize for PeopleReports<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Kinds of contact, serialised as their names.
#[derive(Clone, Copy)]
pub struct KindNames<'a>(pub &'a [crate::model::Kind]);

impl Serialize for KindNames<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|k| k.as_str()))
    }
}

#[derive(Serialize)]
pub struct PersonReport<'a> {
    pub name: &'a str,
    pub role: Option<&'static str>,
    pub title: Option<&'a str>,
    #[serde(serialize_with = "iso_opt")]
    pub last_mentioned: Option<Date>,
    #[serde(serialize_with = "iso_opt")]
    pub last_contacted: Option<Date>,
    pub kinds: KindNames<'a>,
    /// The day they left the client (null: still there), and who took over.
    #[serde(serialize_with = "iso_opt")]
    pub left: Option<Date>,
    pub successor: Option<&'a str>,
    /// Still at the client today.
    pub current: bool,
}

#[derive(Serialize)]
pub struct DealReport {
    #[serde(serialize_with = "iso")]
    pub date: Date,
    pub amount: Option<f64>,
    pub touches: u32,
    pub line: usize,
    #[serde(serialize_with = "iso_opt")]
    pub thanked: Option<Date>,
    pub thanks_missing: bool,
    /// Contacts in the 90 days before it and after it (null until those are over),
    /// and whether the after is under half the before (`post_deal_dropoff`).
    pub contacts_before: u32,
    pub contacts_after: Option<u32>,
    pub dropoff: bool,
}

#[derive(Serialize)]
pub struct ComplaintReport {
    #[serde(serialize_with = "iso")]
    pub date: Date,
    #[serde(serialize_with = "iso_opt")]
    pub resolved: Option<Date>,
    pub line: usize,
    pub days: i64,
}

#[derive(Serialize, Clone)]
pub struct MomentReport<'a> {
    #[serde(serialize_with = "iso")]
    pub date: Date,
    /// `birthday`, `anniversary`, `holiday`, or the text of a `dates:` item.
    pub what: &'a str,
    /// The client's id (null for holidays).
    pub client: Option<&'a str>,
    /// The person (birthdays) or the holiday's name.
    pub name: Option<&'a str>,
    /// Years since; never for a birthday unless birth years are shown.
    pub years: Option<i16>,
    /// A lunar birthday's or `dates:` item's lunar day (`"08-15"`, `"闰04-15"`), which
    /// `date` is this time; null for Gregorian ones and for holidays.
    #[serde(serialize_with = "lunar_opt")]
    pub lunar: Option<LunarDay>,
    /// Index of the client in `Report::clients` (for renderers).
    #[serde(skip)]
    pub client_index: Option<usize>,
    #[serde(skip)]
    pub kind: MomentKind,
    /// Built-in holiday key, for translation.
    #[serde(skip)]
    pub holiday_key: Option<&'static str>,
}

#[derive(Serialize)]
pub struct GreetingReport<'a> {
    /// Built-in holidays by their English name; configured ones as written.
    pub name: &'a str,
    pub key: Option<&'static str>,
    #[serde(serialize_with = "iso")]
    pub date: Date,
    /// Clients still to greet (ids).
    pub to_greet: Vec<&'a str>,
    /// The same, as indices into `Report::clients` (for renderers).
    #[serde(skip)]
    pub to_greet_index: Vec<usize>,
    /// Who was greeted already and who not yet (indices, key clients first).
    #[serde(skip)]
    pub clients: Greeted<'a>,
}

#[derive(Serialize)]
pub struct ParetoReport {
    pub year: i32,
    pub top20_share: f64,
    pub clients: usize,
    pub top20_clients: usize,
    pub total: f64,
    /// The cumulative share of revenue after each client, largest first (for the curve).
    #[serde(skip)]
    pub cumulative: Vec<f64>,
    /// `top20_share` unrounded, for renderers that round it their own way.
    #[serde(skip)]
    pub top20_share_exact: f64,
}

#[derive(Serialize)]
pub struct TeamReport<'a> {
    pub reps: Vec<RepReport<'a>>,
    /// Holidays of the last 12 months and how many of the expected clients were greeted.
    pub holidays: Vec<HolidayReport<'a>>,
    pub birthdays: BirthdayReport,
    /// Clients whose tier the 80/20 split says to review (ids).
    pub tier_review: Vec<&'a str>,
    pub complaints: ComplaintsReport,
    /// Deals by the contact they closed at.
    pub persistence: Vec<PersistenceReport>,
    pub referrals: Vec<ReferralReport<'a>>,
    /// Clients per status.
    pub status_counts: Vec<StatusCount>,
    pub contacts_12m: u32,
    /// Open follow-ups dated before today, every client.
    pub missed_followups: usize,
    /// Clients with at least one of them.
    pub clients_with_missed_followups: usize,
    /// Deals in all (the persistence table's total).
    pub deals: usize,
    /// The red / white / black split of the clients with a margin (null without any).
    pub margin: Option<MarginReport<'a>>,
    /// Average feedback score per month, the 12 months up to today's.
    pub feedback: Vec<FeedbackReport>,
    /// The last 52 weeks, oldest first, replayed from the log: every client.
    pub trend: Vec<TrendReport>,
    /// The same for the key clients.
    pub key_trend: Vec<TrendReport>,
    /// Every client's follow-ups: on time, late, missed.
    pub promises: PromisesReport,
    /// Share (0–1) of the last 12 months' contacts the clients started, how many that
    /// is, and the same per month (the 12 months up to today's, oldest first).
    pub inbound_share: Option<f64>,
    pub inbound_12m: u32,
    pub inbound_trend: Vec<InboundMonth>,
    /// The lost clients, newest first (those without a day last).
    pub lost: Vec<LostClientReport<'a>>,
    /// The clients with each flag.
    pub flagged: FlaggedReport<'a>,
}

/// One week of a trend: where the clients stood as of the week's Sunday (today, for
/// the current week), and the contacts dated in it.
#[derive(Serialize, Clone, Copy)]
pub struct TrendReport {
    /// The Monday the week starts on.
    #[serde(serialize_with = "iso")]
    pub week: Date,
    /// Share (0–1) of the clients known by then that were `ok` or `due` (0 with none).
    pub on_cadence_share: f64,
    pub overdue: usize,
    pub contacts: u32,
    /// Clients known by then (since their `since` or first entry), and how many of
    /// them were on cadence.
    pub clients: usize,
    pub on_cadence: usize,
}

/// What changed after `since`, up to today (ids; events with their day).
#[derive(Serialize)]
pub struct ChangesReport<'a> {
    #[serde(serialize_with = "iso")]
    pub since: Date,
    /// Overdue today and not on `since` (most urgent first).
    pub newly_overdue: Vec<&'a str>,
    /// Overdue on `since`, not today.
    pub back_on_track: Vec<&'a str>,
    /// Deals dated after `since`, newest first.
    pub deals: Vec<ChangeDeal<'a>>,
    /// The sum of those deals' amounts (deals without one add nothing).
    pub deals_amount: f64,
    pub complaints_opened: Vec<ChangeEvent<'a>>,
    /// Complaints resolved after `since` (`date`: the day resolved; `opened`: the
    /// complaint's own day).
    pub complaints_resolved: Vec<ChangeEvent<'a>>,
    /// Clients known from a day after `since` (their `since`, or first entry).
    pub new_clients: Vec<&'a str>,
    /// Clients lost after `since` (empty until notes can mark a client lost).
    pub lost: Vec<&'a str>,
    /// The same lists as indices into `Report::clients`, for renderers.
    #[serde(skip)]
    pub index: ChangeIndex,
}

#[derive(Default, Clone)]
pub struct ChangeIndex {
    pub newly_overdue: Vec<usize>,
    pub back_on_track: Vec<usize>,
    pub deals: Vec<usize>,
    pub complaints_opened: Vec<usize>,
    pub complaints_resolved: Vec<usize>,
    pub new_clients: Vec<usize>,
    pub lost: Vec<usize>,
}

#[derive(Serialize)]
pub struct ChangeDeal<'a> {
    pub client: &'a str,
    #[serde(serialize_with = "iso")]
    pub date: Date,
    pub amount: Option<f64>,
}

#[derive(Serialize)]
pub struct ChangeEvent<'a> {
    pub client: &'a str,
    #[serde(serialize_with = "iso")]
    pub date: Date,
    #[serde(serialize_with = "iso_opt", skip_serializing_if = "Option::is_none")]
    pub opened: Option<Date>,
}

#[derive(Serialize)]
pub struct MarginReport<'a> {
    pub revenue_median: f64,
    pub margin_median: f64,
    /// In revenue rank order.
    pub clients: Vec<MarginClientReport<'a>>,
}

#[derive(Serialize)]
pub struct MarginClientReport<'a> {
    pub client: &'a str,
    pub revenue: f64,
    pub margin: f64,
    /// `red`, `white` or `black`.
    pub class: &'static str,
    #[serde(skip)]
    pub client_index: usize,
}

#[derive(Serialize)]
pub struct FeedbackReport {
    /// `2026-03`.
    pub month: String,
    pub average: Option<f64>,
    pub scores: u32,
    #[serde(skip)]
    pub first_day: Date,
}

#[derive(Serialize)]
pub struct RepReport<'a> {
    /// As written in the notes; empty for clients with no owner.
    pub owner: &'a str,
    pub clients: usize,
    pub overdue: usize,
    /// Share (0–1) of the rep's clients that are `ok` or `due`.
    pub on_cadence_share: f64,
    pub contacts_12m: u32,
    /// How many of the rep's clients are `ok` or `due`.
    pub on_cadence: usize,
    /// The rep's book over the last 52 weeks (see `TeamReport::trend`).
    pub trend: Vec<TrendReport>,
    /// Lost clients among `clients` (left out of `on_cadence_share`).
    pub lost: usize,
    pub promises: PromisesReport,
    pub inbound_share: Option<f64>,
    pub inbound_12m: u32,
    pub inbound_trend: Vec<InboundMonth>,
}

#[derive(Serialize)]
pub struct HolidayReport<'a> {
    /// Built-in holidays by their English name; configured ones as written.
    pub name: &'a str,
    /// The built-in holiday's key (`spring_festival`), null for configured ones.
    pub key: Option<&'static str>,
    #[serde(serialize_with = "iso")]
    pub date: Date,
    pub expected: usize,
    pub greeted: usize,
    /// Who was greeted and who not (indices into `Report::clients`, key clients first).
    #[serde(skip)]
    pub clients: Greeted<'a>,
}

/// The clients expected to be greeted for a holiday, as indices into
/// `Report::clients` (key clients first, then by name): those greeted and those not.
#[derive(Clone, Copy)]
pub struct Greeted<'a> {
    pub greeted: &'a [usize],
    pub missed: &'a [usize],
}

#[derive(Serialize)]
pub struct BirthdayReport {
    pub greeted: usize,
    pub total: usize,
}

#[derive(Serialize)]
pub struct ComplaintsReport {
    pub open: usize,
    pub median_days_to_resolve: Option<f64>,
}

#[derive(Serialize)]
pub struct PersistenceReport {
    /// `1`, `2`, `3`, `4`, `5–12` or `13+`: the contact the deal closed at.
    pub closed_at: &'static str,
    pub deals: u32,
    /// The share sales folklore expects at that contact (none for `13+`).
    pub reference: Option<f64>,
}

#[derive(Serialize)]
pub struct ReferralReport<'a> {
    pub from: &'a str,
    pub to: &'a str,
}

#[derive(Serialize)]
pub struct StatusCount {
    pub status: &'static str,
    pub clients: usize,
}

#[derive(Serialize)]
pub struct DiagReport<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub severity: &'static str,
    /// What it quotes of a private value masked, as on the site.
    pub message: String,
    pub help: Option<String>,
    /// How many more problems of its kind this one stands for, when repeats of one
    /// kind in a note are folded into one ("… and 99 more"); 0 otherwise.
    pub more: usize,
}

const PERSISTENCE_BUCKETS: [&str; 6] = ["1", "2", "3", "4", "5–12", "13+"];

/// Build the report of `ws`.
static NO_WEEKS: crate::analyse::trend::WeekStatuses = [None; crate::analyse::trend::WEEKS];

/// Every client's report (`ClientReport`), each made when it is read (`get`, `iter`)
/// or serialised rather than held: it is made of the workspace's figures, which are
/// held anyway, and a list of them all was about 1 KB a client (100 MB at 100,000
/// clients) on top of them. Made the same every time: the same workspace, the same
/// value.
#[derive(Clone)]
pub struct ClientReports<'a> {
    ws: &'a Workspace,
    /// The clients in it, as indices into `Workspace::clients`: every one unless cut to
    /// one rep's (`Report::for_owner`).
    only: Option<Vec<usize>>,
}

impl<'a> ClientReports<'a> {
    /// The `i`th client's report.
    pub fn get(&self, i: usize) -> Option<ClientReport<'a>> {
        client_report(self.ws, self.at(i)?)
    }

    /// The `i`th client's index in the workspace.
    fn at(&self, i: usize) -> Option<usize> {
        match &self.only {
            Some(only) => only.get(i).copied(),
            None => (i < self.ws.clients.len()).then_some(i),
        }
    }

    /// The `i`th client's owner: the same as its report's, without making the rest
    /// (a calendar feed asks it of every event).
    pub fn owner(&self, i: usize) -> Option<Option<&'a str>> {
        self.head(i).map(|h| h.owner)
    }

    /// The `i`th client's standing: the same as its report's, without making the rest
    /// (the overview pages sort and pick every client by it).
    pub fn standing(&self, i: usize) -> Option<Standing> {
        let at = self.at(i)?;
        Some(standing(self.ws.clients.get(at)?, self.ws.stats.get(at)?))
    }

    /// The `i`th client's id, name, file, owner and tier: the same as its report's,
    /// without making the rest (pages that name many clients ask it of each).
    pub fn head(&self, i: usize) -> Option<ClientHead<'a>> {
        Some(head(self.ws.clients.get(self.at(i)?)?))
    }

    /// The `i`th client's follow-ups (`ClientReport::followups`), without the rest.
    pub fn followups(&self, i: usize) -> Option<Followups<'a>> {
        Some(followups(self.ws.clients.get(self.at(i)?)?, self.ws.today))
    }

    /// The `i`th client's open follow-ups (`ClientReport::open_followups`), without the
    /// rest.
    pub fn open_followups(&self, i: usize) -> Option<Followups<'a>> {
        let at = self.at(i)?;
        let (c, s) = (self.ws.clients.get(at)?, self.ws.stats.get(at)?);
        Some(open_followups(c, s, self.ws.today))
    }

    /// There is an `i`th client.
    pub fn contains(&self, i: usize) -> bool {
        self.at(i).is_some()
    }

    /// Every client's report, in order.
    pub fn iter(&self) -> impl Iterator<Item = ClientReport<'a>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    pub fn len(&self) -> usize {
        self.only.as_ref().map_or(self.ws.clients.len(), Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keep the clients whose `keep` is true.
    fn retain(&mut self, keep: &[bool]) {
        let only = (0..self.len())
            .filter(|&i| keep.get(i).copied().unwrap_or(false))
            .filter_map(|i| self.at(i))
            .collect();
        self.only = Some(only);
    }
}

/// How many clients' let-go-of entries are read again at once, on every core, ahead of
/// writing their rows (`ClientReports`' `Serialize`): the writing is one stream, the
/// reading need not be.
const READ_AHEAD: usize = 256;

impl<'a> ClientReports<'a> {
    /// The entries let go of (`Entries::Again`) of the clients at `these`, read again
    /// on every core; None for a client whose entries are held.
    fn read_again(
        &self,
        these: &[usize],
    ) -> Result<Vec<Option<crate::workspace::Log<'a>>>, crate::workspace::Fatal> {
        use rayon::prelude::*;
        these
            .par_iter()
            .map(|&i| {
                let at = self.at(i);
                let client = at.and_then(|at| self.ws.clients.get(at));
                match (at, client.and_then(|c| c.shed)) {
                    (Some(at), Some(_)) => self.ws.log(at).map(Some),
                    _ => Ok(None),
                }
            })
            .collect()
    }
}

impl ClientReports<'_> {
    /// `f` for every row, in order, each with its entries at hand: those let go of are
    /// read again a chunk ahead, on the other cores, while this one gives `f` the rows
    /// before them. A note that cannot be read again is `failed`.
    pub fn try_for_each<E>(
        &self,
        mut f: impl FnMut(ClientReport<'_>) -> Result<(), E>,
        failed: impl Fn(crate::workspace::Fatal) -> E,
    ) -> Result<(), E> {
        let all: Vec<usize> = (0..self.len()).collect();
        let chunks: Vec<&[usize]> = all.chunks(READ_AHEAD).collect();
        let first = chunks.first().copied().unwrap_or(&[]);
        let mut logs = self.read_again(first).map_err(&failed)?;
        for (k, chunk) in chunks.iter().enumerate() {
            let mut ahead = Ok(Vec::new());
            let mut done = Ok(());
            rayon::in_place_scope(|scope| {
                if let Some(next) = chunks.get(k + 1) {
                    scope.spawn(|_| ahead = self.read_again(next));
                }
                done = chunk.iter().zip(&logs).try_for_each(|(&i, log)| {
                    let Some(mut row) = self.get(i) else {
                        return Ok(());
                    };
                    if let Some(log) = log {
                        row.entries = Entries::Held(&log.entries);
                    }
                    f(row)
                });
            });
            done?;
            logs = ahead.map_err(&failed)?;
        }
        Ok(())
    }
}

impl Serialize for ClientReports<'_> {
    /// Row by row, as made (`try_for_each`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len()))?;
        self.try_for_each(
            |row| seq.serialize_element(&row),
            |e| S::Error::custom(e.to_string()),
        )?;
        seq.end()
    }
}

/// What names a client in its report (`ClientReport::id`, `name`, `file`, `owner`,
/// `tier`), made without the rest of it (`ClientReports::head`).
#[derive(Clone, Copy)]
pub struct ClientHead<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub file: &'a str,
    pub owner: Option<&'a str>,
    pub tier: Option<&'static str>,
}

fn head(c: &crate::model::Client) -> ClientHead<'_> {
    ClientHead {
        id: &c.id,
        name: &c.name,
        file: &c.file,
        owner: c.owner.as_deref(),
        tier: c.tier.map(|t| t.as_str()),
    }
}

/// A client's `ClientReport::followups`.
fn followups(c: &crate::model::Client, today: Date) -> Followups<'_> {
    Followups {
        all: &c.followups,
        pick: None,
        today,
    }
}

/// A client's `ClientReport::open_followups`.
fn open_followups<'a>(
    c: &'a crate::model::Client,
    s: &'a crate::analyse::ClientStats,
    today: Date,
) -> Followups<'a> {
    Followups {
        all: &c.followups,
        pick: Some(&s.open_followups),
        today,
    }
}

/// A client's `ClientReport::standing`.
fn standing(c: &crate::model::Client, s: &crate::analyse::ClientStats) -> Standing {
    Standing {
        status: s.status,
        kind: s.governing().and_then(|r| r.kind),
        every: s.governing().map_or(s.cadence, |r| r.every),
        cadence: s.cadence,
        tier: c.tier,
    }
}

/// Client `i`'s report.
fn client_report(ws: &Workspace, i: usize) -> Option<ClientReport<'_>> {
    let today = ws.today;
    let pb = &ws.playbook;
    let revenue_year = pb.revenue_year;
    let (c, s) = (ws.clients.get(i)?, ws.stats.get(i)?);
    let keeping = pb.keeping.get(i);
    let head = head(c);
    Some(ClientReport {
        id: head.id,
        name: head.name,
        file: head.file,
        owner: head.owner,
        tier: head.tier,
        // One rhythm's cadence, last contact and due date, never mixed.
        rhythm: s
            .governing()
            .and_then(|r| r.kind)
            .map_or("any", |k| k.as_str()),
        cadence: s.governing().map_or(s.cadence, |r| r.every).to_string(),
        last_contact: s.governing().map_or(s.last_contact, |r| r.last),
        next_due: s.governing().map_or(s.next_due, |r| r.next_due),
        days_since_contact: s.days_since_contact,
        status: s.status.as_str(),
        days_overdue: s.days_overdue,
        contacts_12m: s.contacts_12m,
        since: c.since,
        tags: &c.tags,
        referred_by: c.referred_by.as_deref(),
        entries: Entries::of_client(ws, i, c),
        open_followups: open_followups(c, s, today),
        followups: followups(c, today),
        cadences: s
            .rhythms
            .iter()
            .map(|r| CadenceReport {
                kind: r.kind.map_or("any", |k| k.as_str()),
                every: r.every.to_string(),
                last: r.last,
                next_due: r.next_due,
                status: r.status.as_str(),
                days_overdue: r.days_overdue,
            })
            .collect(),
        people: PeopleReports {
            stats: pb.people.get(i).map_or(&[][..], |p| &p.people[..]),
            on_file: &c.people,
            today,
        },
        no_decision_maker: pb.people.get(i).is_some_and(|p| p.no_decision_maker),
        stale_decision_makers: pb
            .people
            .get(i)
            .map_or(&[][..], |p| &p.stale_decision_makers[..]),
        deals: pb
            .deals
            .get(i)
            .map(|ds| {
                let flows = pb.keeping.get(i).map_or(&[][..], |k| &k.risks.flows[..]);
                ds.iter()
                    .enumerate()
                    .map(|(n, d)| {
                        let flow = flows.get(n);
                        DealReport {
                            date: d.date,
                            amount: d.amount,
                            touches: d.touches,
                            line: d.line,
                            thanked: d.thanked,
                            thanks_missing: d.thanks_missing,
                            contacts_before: flow.map_or(0, |f| f.before),
                            contacts_after: flow.and_then(|f| f.after),
                            dropoff: flow.is_some_and(|f| f.dropped()),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        complaints: pb
            .complaints
            .get(i)
            .map(|cs| {
                cs.iter()
                    .map(|c| ComplaintReport {
                        date: c.date,
                        resolved: c.resolved,
                        line: c.line,
                        days: c.days,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        latest_feedback_score: pb.scores.get(i).copied().flatten().map(|s| s.1),
        cooling: pb.is_cooling.get(i).copied().unwrap_or(false),
        given_up_early: pb.given_up.get(i).copied().unwrap_or(false),
        margin: c.margin,
        revenue_year,
        revenue: c.revenue.get(&revenue_year).copied(),
        revenue_previous: c.revenue.get(&(revenue_year - 1)).copied(),
        revenue_change: crate::analyse::risks::revenue_change(c, revenue_year),
        flags: keeping.map_or_else(Vec::new, |k| {
            k.risks.flags.iter().map(|f| f.as_str()).collect()
        }),
        promises: keeping.map(|k| (&k.promises).into()).unwrap_or_default(),
        inbound_share: keeping.and_then(|k| k.inbound.share()).map(round4),
        inbound_12m: keeping.map_or(0, |k| k.inbound.inbound),
        people_met_90d: keeping.map_or(0, |k| k.risks.people_lately),
        lost: c.lost_on(today).then(|| LostReport {
            date: c.lost.as_ref().and_then(|l| l.date),
            reason: c.lost.as_ref().and_then(|l| l.reason.as_deref()),
        }),
        last_decision_maker_contact: pb.people.get(i).and_then(|p| {
            p.people
                .iter()
                .filter(|p| p.role == Some(crate::model::Role::DecisionMaker))
                .filter_map(|p| p.last_contacted)
                .max()
        }),
        weeks: pb.weeks.get(i).unwrap_or(&NO_WEEKS),
        standing: standing(c, s),
        moments: pb.calendar_of.get(i).map_or(&[][..], |m| &m[..]),
    })
}

pub fn build(ws: &Workspace) -> Report<'_> {
    let today = ws.today;
    let pb = &ws.playbook;
    let clients = ClientReports { ws, only: None };
    let moment = |m| moment(ws, m);
    let stamp = ws.team.newest.unwrap_or(today);
    Report {
        today,
        upcoming: pb.upcoming.iter().map(moment).collect(),
        calendar: Moments { ws, only: None },
        pareto: pb.pareto.as_ref().map(|p| ParetoReport {
            year: p.year,
            top20_share: (p.top20_share * 10_000.0).round() / 10_000.0,
            clients: p.ranked.len(),
            top20_clients: p.top20_count,
            total: p.total,
            cumulative: p.cumulative(),
            top20_share_exact: p.top20_share,
        }),
        team: team(ws),
        greetings: pb
            .next_holidays
            .iter()
            .map(|c| GreetingReport {
                name: holiday_name(c.holiday.key, &c.holiday.name),
                key: c.holiday.key,
                date: c.holiday.date,
                to_greet: c
                    .missed
                    .iter()
                    .filter_map(|&i| ws.clients.get(i))
                    .map(|c| c.id.as_str())
                    .collect(),
                to_greet_index: c.missed.clone(),
                clients: Greeted {
                    greeted: &c.greeted,
                    missed: &c.missed,
                },
            })
            .collect(),
        changes: changes(ws),
        diagnostics: ws
            .diags
            .iter()
            .map(|d| diag(d, &ws.config.privacy))
            .collect(),
        clients,
        stamp,
        urgency: &pb.urgency,
        calendar_page: crate::analyse::team_figures::window(&pb.calendar, today, 90).len(),
        holidays_ahead: pb
            .holidays_ahead
            .iter()
            .map(|h| HolidayDay {
                date: h.date,
                key: h.key,
                name: &h.name,
            })
            .collect(),
    }
}

fn followup(f: &crate::model::FollowUp, today: Date) -> FollowUpReport<'_> {
    FollowUpReport {
        date: f.date,
        text: &f.text,
        line: f.line as usize,
        done: f.done,
        done_on: f.done_on,
        missed: !f.done && f.date < today,
        days_late: if !f.done && f.date < today {
            days_between(f.date, today)
        } else {
            0
        },
    }
}

fn moment<'a>(ws: &'a Workspace, m: &'a crate::analyse::moments::Moment) -> MomentReport<'a> {
    let client = m.client.and_then(|i| ws.clients.get(i));
    let (what, name) = match m.kind {
        MomentKind::Birthday => ("birthday", Some(m.what.as_str())),
        MomentKind::Anniversary => ("anniversary", None),
        MomentKind::Holiday => ("holiday", Some(m.what.as_str())),
        MomentKind::Date => (m.what.as_str(), None),
    };
    MomentReport {
        date: m.date,
        what,
        client: client.map(|c| c.id.as_str()),
        name,
        // A birthday's age would reveal the birth year, which is masked by default.
        years: m
            .years
            .filter(|_| m.kind != MomentKind::Birthday || ws.config.privacy.birth_year),
        lunar: m.lunar,
        client_index: m.client,
        kind: m.kind,
        holiday_key: m.holiday_key,
    }
}

/// The calendar's moments (`Report::calendar`), each made from the playbook's when read
/// (`moment`), as the client rows are (`ClientReports`): a list of them made at once was
/// about 120 bytes a moment, 25 MB at 100,000 clients.
pub struct Moments<'a> {
    ws: &'a Workspace,
    /// For one rep's report (`Report::for_owner`): the moments in it, as indices into
    /// `Playbook::calendar`, and where each workspace client is in the report's rows.
    only: Option<(Vec<usize>, Vec<Option<usize>>)>,
}

impl<'a> Moments<'a> {
    /// The moment at `k` in `Playbook::calendar` (as `ClientReport::moments` and
    /// `iter_indexed` number them), if this report has it.
    pub fn get(&self, k: usize) -> Option<MomentReport<'a>> {
        let m = moment(self.ws, self.ws.playbook.calendar.get(k)?);
        let Some((only, moved)) = &self.only else {
            return Some(m);
        };
        only.binary_search(&k).ok()?;
        Some(MomentReport {
            client_index: m.client_index.and_then(|i| moved.get(i).copied().flatten()),
            ..m
        })
    }

    /// How many moments this report has.
    pub fn len(&self) -> usize {
        match &self.only {
            Some((only, _)) => only.len(),
            None => self.ws.playbook.calendar.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index `get` takes of every moment this report has, in date order.
    pub fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        let all = self.ws.playbook.calendar.len();
        let ks: Box<dyn Iterator<Item = usize> + '_> = match &self.only {
            Some((only, _)) => Box::new(only.iter().copied()),
            None => Box::new(0..all),
        };
        ks
    }

    /// Every moment this report has, in date order, with the index `get` takes.
    pub fn iter_indexed(&self) -> impl Iterator<Item = (usize, MomentReport<'a>)> + '_ {
        self.keys().filter_map(|k| Some((k, self.get(k)?)))
    }

    /// Every moment this report has, in date order.
    pub fn iter(&self) -> impl Iterator<Item = MomentReport<'a>> + '_ {
        self.iter_indexed().map(|(_, m)| m)
    }

    /// Keep the moments of no client or of a client `keep` says (by its index in the
    /// report's rows), and number their clients as `moved` does.
    fn retain(&mut self, keep: &[bool], moved: &[Option<usize>]) {
        let only = self
            .iter_indexed()
            .filter(|(_, m)| {
                m.client_index
                    .is_none_or(|i| keep.get(i).copied().unwrap_or(false))
            })
            .map(|(k, _)| k)
            .collect();
        // Workspace client → its row now: through the rows before, then `moved`.
        let row_before = |i: usize| match &self.only {
            Some((_, was)) => was.get(i).copied().flatten(),
            None => Some(i),
        };
        let now = (0..self.ws.clients.len())
            .map(|i| row_before(i).and_then(|r| moved.get(r).copied().flatten()))
            .collect();
        self.only = Some((only, now));
    }
}

fn team(ws: &Workspace) -> TeamReport<'_> {
    let pb = &ws.playbook;
    let id = |i: usize| ws.clients.get(i).map_or("", |c| c.id.as_str());
    let reps = pb
        .books
        .iter()
        .map(|b| RepReport {
            owner: &b.owner,
            clients: b.clients.len(),
            overdue: b.overdue,
            on_cadence_share: (b.on_cadence * 10_000.0).round() / 10_000.0,
            contacts_12m: b
                .clients
                .iter()
                .filter_map(|&i| ws.stats.get(i))
                .map(|s| s.contacts_12m)
                .sum(),
            on_cadence: b.on_cadence_count,
            trend: trend(&b.trend),
            lost: b.lost,
            promises: (&b.promises).into(),
            inbound_share: b.inbound.share().map(round4),
            inbound_12m: b.inbound.inbound,
            inbound_trend: inbound_trend(&b.inbound_months, ws.today),
        })
        .collect();
    let holidays = pb
        .coverage
        .iter()
        .map(|c| HolidayReport {
            name: match c.holiday.key {
                Some(k) => {
                    crate::render::i18n::label(crate::config::Lang::En, &format!("holiday_{k}"))
                }
                None => &c.holiday.name,
            },
            key: c.holiday.key,
            date: c.holiday.date,
            expected: c.greeted.len() + c.missed.len(),
            greeted: c.greeted.len(),
            clients: Greeted {
                greeted: &c.greeted,
                missed: &c.missed,
            },
        })
        .collect();
    let checks = pb.birthdays.iter().flatten();
    let birthdays = BirthdayReport {
        greeted: checks.clone().filter(|b| b.greeted).count(),
        total: checks.count(),
    };
    TeamReport {
        reps,
        holidays,
        birthdays,
        tier_review: pb.drift.iter().map(|&(i, _, _)| id(i)).collect(),
        complaints: ComplaintsReport {
            open: pb.open_complaints,
            median_days_to_resolve: pb.complaint_median,
        },
        persistence: PERSISTENCE_BUCKETS
            .iter()
            .zip(pb.persistence)
            .enumerate()
            .map(|(b, (closed_at, deals))| PersistenceReport {
                closed_at,
                deals,
                reference: REFERENCE.get(b).map(|r| r.1),
            })
            .collect(),
        referrals: pb
            .referrals
            .iter()
            .flat_map(|(from, to)| to.iter().map(move |t| (*from, *t)))
            .map(|(from, to)| ReferralReport {
                from: id(from),
                to: id(to),
            })
            .collect(),
        status_counts: Status::ALL
            .iter()
            .map(|&s| StatusCount {
                status: s.as_str(),
                clients: ws.stats.iter().filter(|x| x.status == s).count(),
            })
            .collect(),
        contacts_12m: ws.stats.iter().map(|s| s.contacts_12m).sum(),
        missed_followups: ws.stats.iter().map(|s| s.missed_followups.len()).sum(),
        clients_with_missed_followups: ws
            .stats
            .iter()
            .filter(|s| !s.missed_followups.is_empty())
            .count(),
        deals: pb.deals_total,
        margin: pb.margin.as_ref().map(|m| MarginReport {
            revenue_median: m.revenue_median,
            margin_median: m.margin_median,
            clients: m
                .points
                .iter()
                .map(|p| MarginClientReport {
                    client: id(p.client),
                    revenue: p.revenue,
                    margin: p.margin,
                    class: p.class.as_str(),
                    client_index: p.client,
                })
                .collect(),
        }),
        feedback: pb
            .feedback
            .iter()
            .map(|f| FeedbackReport {
                month: format!("{}-{:02}", f.month.year(), f.month.month()),
                average: f.average,
                scores: f.scores,
                first_day: f.month,
            })
            .collect(),
        trend: trend(&pb.trend),
        key_trend: trend(&pb.key_trend),
        promises: (&pb.promises).into(),
        inbound_share: pb.inbound.share().map(round4),
        inbound_12m: pb.inbound.inbound,
        inbound_trend: inbound_trend(&pb.inbound_months, ws.today),
        lost: pb
            .lost
            .iter()
            .filter_map(|&(i, date)| {
                let c = ws.clients.get(i)?;
                Some(LostClientReport {
                    client: &c.id,
                    date,
                    reason: c.lost.as_ref().and_then(|l| l.reason.as_deref()),
                    owner: c.owner.as_deref(),
                    revenue_year: pb.revenue_year,
                    revenue: c.revenue.get(&pb.revenue_year).copied(),
                    client_index: i,
                })
            })
            .collect(),
        flagged: flagged(ws),
    }
}

fn flagged(ws: &Workspace) -> FlaggedReport<'_> {
    use crate::analyse::risks::Flag;
    let id = |i: &usize| ws.clients.get(*i).map_or("", |c| c.id.as_str());
    let mut out = FlaggedReport {
        index: ws.playbook.flagged.clone(),
        ..FlaggedReport::default()
    };
    for (f, list) in &ws.playbook.flagged {
        let ids = list.iter().map(id).collect();
        match f {
            Flag::RevenueDrop => out.revenue_drop = ids,
            Flag::DecisionMakerLeft => out.decision_maker_left = ids,
            Flag::SingleThreaded => out.single_threaded = ids,
            Flag::PostDealDropoff => out.post_deal_dropoff = ids,
        }
    }
    out
}

/// The 12 months of inbound contacts, oldest first, ending with today's month.
fn inbound_trend(
    months: &[crate::analyse::promises::Inbound; crate::analyse::promises::MONTHS],
    today: Date,
) -> Vec<InboundMonth> {
    let n = months.len() as i64;
    months
        .iter()
        .enumerate()
        .map(|(m, x)| {
            let first_day = crate::analyse::month_start(today, n - 1 - m as i64);
            InboundMonth {
                month: format!("{}-{:02}", first_day.year(), first_day.month()),
                contacts: x.contacts,
                inbound: x.inbound,
                share: x.share().map(round4),
                first_day,
            }
        })
        .collect()
}

fn trend(weeks: &[crate::analyse::trend::TrendWeek]) -> Vec<TrendReport> {
    weeks
        .iter()
        .map(|w| TrendReport {
            week: w.week,
            on_cadence_share: (w.on_cadence_share() * 10_000.0).round() / 10_000.0,
            overdue: w.overdue,
            contacts: w.contacts,
            clients: w.clients,
            on_cadence: w.on_cadence,
        })
        .collect()
}

fn changes(ws: &Workspace) -> ChangesReport<'_> {
    let ch = &ws.playbook.changes;
    let id = |i: &usize| ws.clients.get(*i).map_or("", |c| c.id.as_str());
    let ids = |v: &[usize]| v.iter().map(id).collect::<Vec<_>>();
    let pb = &ws.playbook;
    let deal = |&(c, n): &(usize, usize)| pb.deals.get(c).and_then(|d| d.get(n)).map(|d| (c, d));
    let complaint =
        |&(c, n): &(usize, usize)| pb.complaints.get(c).and_then(|d| d.get(n)).map(|d| (c, d));
    ChangesReport {
        since: ch.since,
        newly_overdue: ids(&ch.newly_overdue),
        back_on_track: ids(&ch.back_on_track),
        deals: ch
            .deals
            .iter()
            .filter_map(deal)
            .map(|(c, d)| ChangeDeal {
                client: id(&c),
                date: d.date,
                amount: d.amount,
            })
            .collect(),
        deals_amount: ch
            .deals
            .iter()
            .filter_map(deal)
            .filter_map(|(_, d)| d.amount)
            // From +0.0: an empty `sum()` of floats is -0.0.
            .fold(0.0, |a, b| a + b),
        complaints_opened: ch
            .complaints_opened
            .iter()
            .filter_map(complaint)
            .map(|(c, d)| ChangeEvent {
                client: id(&c),
                date: d.date,
                opened: None,
            })
            .collect(),
        complaints_resolved: ch
            .complaints_resolved
            .iter()
            .filter_map(complaint)
            .map(|(c, d)| ChangeEvent {
                client: id(&c),
                date: d.resolved.unwrap_or(d.date),
                opened: Some(d.date),
            })
            .collect(),
        new_clients: ids(&ch.new_clients),
        lost: ids(&ch.lost),
        index: ChangeIndex {
            newly_overdue: ch.newly_overdue.clone(),
            back_on_track: ch.back_on_track.clone(),
            // The same events as above (those whose deal or complaint is found), so
            // that items and indices stay side by side.
            deals: ch
                .deals
                .iter()
                .filter(|e| deal(e).is_some())
                .map(|d| d.0)
                .collect(),
            complaints_opened: ch
                .complaints_opened
                .iter()
                .filter(|e| complaint(e).is_some())
                .map(|d| d.0)
                .collect(),
            complaints_resolved: ch
                .complaints_resolved
                .iter()
                .filter(|e| complaint(e).is_some())
                .map(|d| d.0)
                .collect(),
            new_clients: ch.new_clients.clone(),
            lost: ch.lost.clone(),
        },
    }
}

/// A holiday's name for language-neutral outputs: the English name of a built-in one.
fn holiday_name<'a>(key: Option<&'static str>, name: &'a str) -> &'a str {
    match key {
        Some(k) => crate::render::i18n::label(crate::config::Lang::En, &format!("holiday_{k}")),
        None => name,
    }
}

fn diag<'a>(d: &'a Diagnostic, privacy: &crate::config::Privacy) -> DiagReport<'a> {
    let masked = crate::render::privacy::diagnostic(d, privacy);
    DiagReport {
        file: &d.file,
        line: d.line,
        column: d.column,
        severity: d.severity.as_str(),
        message: masked.message.clone(),
        help: masked.help.clone(),
        more: d.more,
    }
}

/// Keep the items of `items` (parallel to `index`) whose client `moved` keeps, with the
/// client's new index.
fn keep_moved<T>(items: &mut Vec<T>, index: &mut Vec<usize>, moved: &[Option<usize>]) {
    let old = std::mem::take(items);
    let mut kept = Vec::new();
    for (item, i) in old.into_iter().zip(index.iter()) {
        if let Some(n) = moved.get(*i).copied().flatten() {
            items.push(item);
            kept.push(n);
        }
    }
    *index = kept;
}

impl ChangesReport<'_> {
    /// Only the clients `moved` keeps (their new index, or None).
    fn keep(&mut self, moved: &[Option<usize>]) {
        let ix = &mut self.index;
        keep_moved(&mut self.newly_overdue, &mut ix.newly_overdue, moved);
        keep_moved(&mut self.back_on_track, &mut ix.back_on_track, moved);
        keep_moved(&mut self.deals, &mut ix.deals, moved);
        self.deals_amount = self
            .deals
            .iter()
            .filter_map(|d| d.amount)
            .fold(0.0, |a, b| a + b);
        keep_moved(
            &mut self.complaints_opened,
            &mut ix.complaints_opened,
            moved,
        );
        keep_moved(
            &mut self.complaints_resolved,
            &mut ix.complaints_resolved,
            moved,
        );
        keep_moved(&mut self.new_clients, &mut ix.new_clients, moved);
        keep_moved(&mut self.lost, &mut ix.lost, moved);
    }
}

impl<'a> Report<'a> {
    /// The report of one rep's book: their clients, the moments of those clients and
    /// the holidays, their row of the team's reps. Team-wide figures stay the team's.
    pub fn for_owner(mut self, owner: &str) -> Report<'a> {
        let keep: Vec<bool> = (0..self.clients.len())
            .map(|i| self.clients.owner(i).flatten().unwrap_or("") == owner)
            .collect();
        let mine = |m: &MomentReport<'_>| {
            m.client_index
                .is_none_or(|i| keep.get(i).copied().unwrap_or(false))
        };
        self.upcoming.retain(mine);
        let files: std::collections::BTreeSet<&str> = self
            .clients
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c.file)
            .collect();
        self.diagnostics.retain(|d| files.contains(d.file));
        self.team.reps.retain(|r| r.owner == owner);
        for g in &mut self.greetings {
            let mut kept = g
                .to_greet_index
                .iter()
                .zip(&g.to_greet)
                .filter(|(i, _)| keep.get(**i).copied().unwrap_or(false));
            let (index, ids): (Vec<usize>, Vec<&str>) =
                kept.by_ref().map(|(i, id)| (*i, *id)).unzip();
            g.to_greet_index = index;
            g.to_greet = ids;
        }
        // Client indices move up as clients before them leave.
        let mut moved = Vec::with_capacity(keep.len());
        let mut next = 0;
        for &k in &keep {
            moved.push(k.then_some(next));
            next += usize::from(k);
        }
        for m in &mut self.upcoming {
            m.client_index = m.client_index.and_then(|i| moved.get(i).copied().flatten());
        }
        self.calendar.retain(&keep, &moved);
        for g in &mut self.greetings {
            g.to_greet_index = g
                .to_greet_index
                .iter()
                .filter_map(|&i| moved.get(i).copied().flatten())
                .collect();
        }
        self.changes.keep(&moved);
        self.clients.retain(&keep);
        self
    }

    /// Days from the report's today to `date`.
    pub fn days_to(&self, date: Date) -> i64 {
        days_between(self.today, date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `ClientReports` makes without a whole row (`head`, `standing`, the
    /// follow-ups, `owner`) is what the row says, for every client of the example notes,
    /// and again in one rep's report (its indices renumbered).
    #[test]
    fn the_parts_of_a_row_made_alone_are_the_rows() {
        let notes = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
        let today: Date = "2026-11-22".parse().unwrap();
        let ws = crate::workspace::load(&notes, Some(today)).unwrap();
        let json = |v: &dyn erased::Ser| serde_json::to_string(&v.value()).unwrap();
        let check = |clients: &ClientReports<'_>| {
            assert!(clients.len() > 1);
            for i in 0..clients.len() {
                let row = clients.get(i).unwrap();
                let head = clients.head(i).unwrap();
                assert_eq!(
                    (head.id, head.name, head.file, head.owner, head.tier),
                    (row.id, row.name, row.file, row.owner, row.tier)
                );
                assert_eq!(clients.owner(i), Some(row.owner));
                let s = clients.standing(i).unwrap();
                assert_eq!((s.status, s.tier), (row.standing.status, row.standing.tier));
                assert_eq!(json(&clients.followups(i).unwrap()), json(&row.followups));
                assert_eq!(
                    json(&clients.open_followups(i).unwrap()),
                    json(&row.open_followups)
                );
                // Control: the next client's parts are not this one's.
                if let Some(next) = clients.head(i + 1) {
                    assert_ne!(next.id, row.id);
                }
                assert!(clients.contains(i));
            }
            assert!(!clients.contains(clients.len()));
            assert!(clients.get(clients.len()).is_none());
        };
        let report = build(&ws);
        check(&report.clients);
        let owner = report.clients.get(1).unwrap().owner.unwrap();
        let all = report.clients.len();
        let mine = build(&ws).for_owner(owner);
        assert!(mine.clients.len() < all);
        assert!(mine.clients.iter().all(|c| c.owner == Some(owner)));
        check(&mine.clients);
    }

    #[test]
    fn every_report_s_moments_are_its_clients_and_the_holidays() {
        let notes = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
        let today: Date = "2026-11-22".parse().unwrap();
        let ws = crate::workspace::load(&notes, Some(today)).unwrap();
        let team = build(&ws);
        // Every moment's client is the row it names, in the team's report and in each
        // rep's (renumbered), and each row's moments are its own.
        let check = |r: &Report<'_>| {
            let mut seen = 0;
            for (k, m) in r.calendar.iter_indexed() {
                let again = r.calendar.get(k).unwrap();
                assert_eq!((again.date, again.name), (m.date, m.name));
                if let Some(i) = m.client_index {
                    assert_eq!(r.clients.head(i).map(|h| h.id), m.client, "moment {k}");
                }
                seen += 1;
            }
            assert_eq!(seen, r.calendar.len());
            for (i, row) in r.clients.iter().enumerate() {
                for &k in row.moments {
                    let m = r.calendar.get(k).unwrap();
                    assert_eq!((m.client_index, m.client), (Some(i), Some(row.id)));
                }
            }
            seen
        };
        let all = check(&team);
        let reps: std::collections::BTreeSet<&str> =
            team.clients.iter().filter_map(|c| c.owner).collect();
        assert!(reps.len() > 1);
        let mut theirs = 0;
        for owner in reps {
            let mine = build(&ws).for_owner(owner);
            let n = check(&mine);
            assert!(n < all, "{owner}");
            // Only their clients' moments and the holidays.
            let holidays = mine.calendar.iter().filter(|m| m.client.is_none()).count();
            theirs += n - holidays;
            assert!(mine.calendar.iter().all(|m| {
                m.client_index
                    .is_none_or(|i| mine.clients.owner(i) == Some(Some(owner)))
            }));
        }
        // Every client's moment is in one rep's calendar (each client has an owner here).
        let clients_moments = team.calendar.iter().filter(|m| m.client.is_some()).count();
        assert_eq!(theirs, clients_moments);
        // Control: a moment of a client the rep's report left out is not in it.
        let owner = team.clients.get(0).unwrap().owner.unwrap();
        let other = team
            .calendar
            .iter_indexed()
            .find(|(_, m)| {
                m.client_index
                    .is_some_and(|i| team.clients.owner(i) != Some(Some(owner)))
            })
            .map(|(k, _)| k)
            .unwrap();
        assert!(build(&ws).for_owner(owner).calendar.get(other).is_none());
    }

    mod erased {
        /// Serialise anything to a JSON value (for comparing two views of one value).
        pub trait Ser {
            fn value(&self) -> serde_json::Value;
        }
        impl<T: serde::Serialize> Ser for T {
            fn value(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap()
            }
        }
    }
}
