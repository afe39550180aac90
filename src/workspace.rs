//! The loaded notes folder: configuration, every client, their analysis and every
//! diagnostic, ready for `check`, `export` or `build`. This is where the stages meet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::analyse::book::{self, Book};
use crate::analyse::deals::{self, Complaint, Deal};
use crate::analyse::moments::{self, BirthdayCheck, Coverage, Moment};
use crate::analyse::people::{self, People};
use crate::analyse::promises::{self, Inbound, Promises};
use crate::analyse::revenue::{self, Drift, Pareto};
use crate::analyse::risks::{self, Flag, Risks};
use crate::analyse::team_figures::{self, FeedbackMonth, MarginSplit};
use crate::analyse::trend::{self, Changes, TrendWeek, WeekStatuses};
use crate::analyse::{self, ClientStats, Team};
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic};
use crate::discover;
use crate::model::{Client, Date, LogText};
use crate::parse;
use crate::suggest::closest;
use crate::timings::{Progress, Timings};
use crate::write::Refusal;

pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub today: Date,
    /// The start of the "what changed" window (`--since`; default a week before today).
    pub since: Date,
    /// Sorted by id, ids unique.
    pub clients: Vec<Client>,
    /// `stats[i]` belongs to `clients[i]`.
    pub stats: Vec<ClientStats>,
    pub team: Team,
    /// The relationship practices (客情), client by client and for the team.
    pub playbook: Playbook,
    /// Every problem, sorted by file and position.
    pub diags: Vec<Diagnostic>,
    /// How many note files were read.
    pub files: usize,
    /// Where `diags` came from, so that one note can be read again (`update_note`).
    sources: DiagSources,
}

/// A client's contact log for its page (`Workspace::log`): its entries, and the text their
/// bodies are spans of (`model::Span::of`).
pub struct Log<'a> {
    pub entries: std::borrow::Cow<'a, [crate::model::Entry]>,
    pub text: std::borrow::Cow<'a, str>,
}

/// The diagnostics of a workspace by where they come from: the notes folder (discovery,
/// templates), and each note's own (keyed by file). The rest (references, referral
/// cycles) are worked out again from the clients.
#[derive(Default)]
struct DiagSources {
    folder: Vec<Diagnostic>,
    /// Each note's own problems, by file: only the notes that have some (100,000
    /// notes' paths would be 15 MB held for nothing).
    notes: BTreeMap<String, Vec<Diagnostic>>,
    /// Two notes with one id: which is "first" depends on every file, so an edit means
    /// a full load.
    duplicate_ids: bool,
}

/// Per-client vectors are indexed like `Workspace::clients`.
#[derive(Default)]
pub struct Playbook {
    pub people: Vec<People>,
    pub deals: Vec<Vec<Deal>>,
    pub complaints: Vec<Vec<Complaint>>,
    pub scores: Vec<Option<(Date, f64)>>,
    pub birthdays: Vec<Vec<BirthdayCheck>>,
    pub given_up: Vec<bool>,
    /// Per client: contacts in the last 90 days and in the 90 days before
    /// (`book::recent_rates`).
    pub rates: Vec<(u32, u32)>,
    pub cooling: Vec<usize>,
    /// Per client: is it cooling off? (the same as `cooling`, for lookups)
    pub is_cooling: Vec<bool>,
    /// Per client: its tier-drift suggestion and revenue rank, if any.
    pub drift_of: Vec<Option<(Drift, usize)>>,
    /// Per client: the clients it referred.
    pub referred: Vec<Vec<usize>>,
    /// The next 30 days, every client and the holidays.
    pub upcoming: Vec<Moment>,
    /// The same for the next 12 months, for calendar feeds.
    pub calendar: Vec<Moment>,
    /// Holidays of the last 12 months and who was greeted.
    pub coverage: Vec<Coverage>,
    /// Holidays of the next 90 days (at least the next one) and who needs a greeting.
    pub next_holidays: Vec<Coverage>,
    pub pareto: Option<Pareto>,
    /// The year revenue is compared on (the 80/20 year, else last year).
    pub revenue_year: i32,
    pub drift: Vec<(usize, Drift, usize)>,
    /// (referrer, referred clients), most referrals first.
    pub referrals: Vec<(usize, Vec<usize>)>,
    pub books: Vec<Book>,
    /// Every client, most urgent first (`team_figures::urgency_order`).
    pub urgency: Vec<usize>,
    /// Per client: indices into `calendar` of its moments.
    pub calendar_of: Vec<Vec<usize>>,
    /// The red / white / black split of the clients with a margin.
    pub margin: Option<MarginSplit>,
    /// Average feedback per month, the last 12 months.
    pub feedback: Vec<FeedbackMonth>,
    /// Deals by the contact they closed at, and the number of deals.
    pub persistence: [u32; 6],
    pub deals_total: usize,
    pub open_complaints: usize,
    /// Median days to resolve a complaint (resolved ones only).
    pub complaint_median: Option<f64>,
    /// The holidays of the next 365 days (the calendar page).
    pub holidays_ahead: Vec<crate::analyse::holidays::Holiday>,
    /// Per client: its status on each of the 52 weeks (`trend::replay`).
    pub weeks: Vec<WeekStatuses>,
    /// Per client: its status as of `since` (None: not known then).
    pub then: Vec<Option<analyse::Status>>,
    /// The team's trend and the key clients' (each rep's is in `books`).
    pub trend: Vec<TrendWeek>,
    pub key_trend: Vec<TrendWeek>,
    /// What changed since `Workspace::since`.
    pub changes: Changes,
    /// Per client: promises kept, who reached out, and its risks (flags).
    pub keeping: Vec<Keeping>,
    /// The lost clients (index, day lost), newest first.
    pub lost: Vec<(usize, Option<Date>)>,
    /// The team's promises and inbound contacts (12 months, and per month).
    pub promises: Promises,
    pub inbound: Inbound,
    pub inbound_months: [Inbound; promises::MONTHS],
    /// Per flag (in `Flag::ALL` order), the clients flagged: key clients first, then
    /// most urgent first.
    pub flagged: Vec<(Flag, Vec<usize>)>,
}

/// One client's promises, inbound contacts (12 months and per month) and risks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keeping {
    pub promises: Promises,
    pub inbound: Inbound,
    pub inbound_months: [Inbound; promises::MONTHS],
    pub risks: Risks,
}

/// How far ahead calendar feeds reach.
pub const CALENDAR_DAYS: i64 = 365;

/// One client's practices: people, deals, complaints, latest score, birthdays, given
/// up, its weekly statuses and its status on `since`.
type PerClient = (
    People,
    Vec<Deal>,
    Vec<Complaint>,
    Option<(Date, f64)>,
    Vec<BirthdayCheck>,
    bool,
    (WeekStatuses, Option<analyse::Status>),
    Keeping,
);

/// What `How::stream` works out of a client as its note is read.
type Each = (ClientStats, PerClient);

/// What `read` keeps of a note besides its client: the client's figures (`How::stream`),
/// the note's own problems and its digest (`How::digest`).
type Rest = (Option<Each>, Vec<Diagnostic>, Option<[u8; 32]>);

/// Every client's own practices (`PerClient`), a list per practice as the playbook
/// keeps them: each client's are moved into these as they come, so that they are
/// never held twice over.
#[derive(Default)]
struct Own {
    people: Vec<People>,
    deals: Vec<Vec<Deal>>,
    complaints: Vec<Vec<Complaint>>,
    scores: Vec<Option<(Date, f64)>>,
    birthdays: Vec<Vec<BirthdayCheck>>,
    given_up: Vec<bool>,
    weeks: Vec<WeekStatuses>,
    then: Vec<Option<analyse::Status>>,
    keeping: Vec<Keeping>,
}

impl Own {
    fn with_capacity(n: usize) -> Own {
        Own {
            people: Vec::with_capacity(n),
            deals: Vec::with_capacity(n),
            complaints: Vec::with_capacity(n),
            scores: Vec::with_capacity(n),
            birthdays: Vec::with_capacity(n),
            given_up: Vec::with_capacity(n),
            weeks: Vec::with_capacity(n),
            then: Vec::with_capacity(n),
            keeping: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, (p, d, c, s, b, g, (w, t), k): PerClient) {
        self.people.push(p);
        self.deals.push(d);
        self.complaints.push(c);
        self.scores.push(s);
        self.birthdays.push(b);
        self.given_up.push(g);
        self.weeks.push(w);
        self.then.push(t);
        self.keeping.push(k);
    }

    fn len(&self) -> usize {
        self.people.len()
    }
}

/// Let go of a client's entries (`model::ShedLog`), keeping their ticks for the figures
/// across clients (`Client::ticks`).
fn shed(c: &mut Client) {
    use crate::model::{PackedTick, Tick};
    if c.shed.is_none() {
        // Every tick packed, or the entries stay held. (Into a list of the exact size:
        // one grown and then shrunk keeps its larger block in the allocator.)
        let mut ticks = Vec::with_capacity(c.entries.len());
        for e in &c.entries {
            let Some(t) = PackedTick::of(Tick::of(e)) else {
                return;
            };
            ticks.push(t);
        }
        c.shed = Some(crate::model::ShedLog {
            entries: c.entries.len(),
            heads: crate::fresh::entry_heads(&c.entries),
            ticked: true,
        });
        c.ticks = ticks.into_boxed_slice();
        c.entries = Vec::new();
    }
}

/// What the per-client practices depend on besides the client.
#[derive(Clone, Copy)]
struct Asof<'a> {
    today: Date,
    since: Date,
    first_week: Date,
    cadences: &'a crate::model::TierCadences,
}

/// One client's practices, all that reads its entries: the revenue flag, which depends
/// on every client's revenue (`revenue_year`), is added after (`risks::revenue_drop`),
/// so that this can run as soon as the note is parsed (`How::stream`).
fn per_client(c: &Client, s: &ClientStats, at: Asof<'_>) -> PerClient {
    let today = at.today;
    let deals = deals::deals(c, today);
    let (inbound, inbound_months) = promises::inbound(c, today);
    let keeping = Keeping {
        promises: promises::promises(c, today),
        inbound,
        inbound_months,
        risks: risks::risks_but_revenue(c, &deals, today),
    };
    (
        people::people(c, today),
        deals,
        deals::complaints(c, today),
        deals::latest_score(c, today),
        moments::birthday_checks(c, today),
        deals::given_up_early(c, s, today),
        (
            trend::replay(c, at.cadences, at.first_week, today),
            trend::status_on(c, at.cadences, at.since),
        ),
        keeping,
    )
}

/// What `playbook` is given of the clients' own practices besides the clients.
enum Known {
    Nothing,
    /// The last playbook and the one client changed since: every other client's own
    /// practices are taken from it rather than worked out again.
    Previous(Box<Playbook>, usize),
    /// Every client's, worked out as its note was read (`How::stream`).
    Each(Own),
}

/// The practices of `clients`, their own ones as `known` says; the team-wide parts are
/// always computed anew.
fn playbook(
    clients: &[Client],
    stats: &[ClientStats],
    team: &Team,
    config: &Config,
    (today, since): (Date, Date),
    known: Known,
) -> Playbook {
    // The year revenue is compared on: the 80/20 year, else last year.
    let pareto = revenue::pareto_year(clients, today, config.pareto_year)
        .and_then(|year| revenue::pareto(clients, year));
    let revenue_year = pareto
        .as_ref()
        .map_or(i32::from(today.year()) - 1, |p| p.year);
    let at = Asof {
        today,
        since,
        first_week: team.first_week,
        cadences: &config.cadences,
    };
    let with_revenue = |c: &Client, mut each: PerClient| {
        risks::revenue_drop(&mut each.7.risks, c, revenue_year);
        each
    };
    let own = match known {
        Known::Previous(old, i)
            if old.people.len() == clients.len()
                && old.changes.since == since
                && old.revenue_year == revenue_year =>
        {
            let old = *old;
            let mut own = Own {
                people: old.people,
                deals: old.deals,
                complaints: old.complaints,
                scores: old.scores,
                birthdays: old.birthdays,
                given_up: old.given_up,
                weeks: old.weeks,
                then: old.then,
                keeping: old.keeping,
            };
            if let (Some(c), Some(s)) = (clients.get(i), stats.get(i)) {
                let (p, d, co, sc, b, g, (w, t), k) = with_revenue(c, per_client(c, s, at));
                let slots = (
                    own.people.get_mut(i),
                    own.deals.get_mut(i),
                    own.complaints.get_mut(i),
                    own.scores.get_mut(i),
                    own.birthdays.get_mut(i),
                    own.given_up.get_mut(i),
                );
                if let (Some(p0), Some(d0), Some(c0), Some(s0), Some(b0), Some(g0)) = slots {
                    (*p0, *d0, *c0, *s0, *b0, *g0) = (p, d, co, sc, b, g);
                }
                if let (Some(w0), Some(t0), Some(k0)) = (
                    own.weeks.get_mut(i),
                    own.then.get_mut(i),
                    own.keeping.get_mut(i),
                ) {
                    (*w0, *t0, *k0) = (w, t, k);
                }
            }
            own
        }
        // Flagged where they are: a second list of every client's practices would be
        // a copy of them all at the build's peak.
        Known::Each(mut own) if own.len() == clients.len() => {
            own.keeping
                .par_iter_mut()
                .zip(clients)
                .for_each(|(k, c)| risks::revenue_drop(&mut k.risks, c, revenue_year));
            own
        }
        _ => {
            let all: Vec<PerClient> = clients
                .par_iter()
                .zip(stats)
                .map(|(c, s)| with_revenue(c, per_client(c, s, at)))
                .collect();
            let mut own = Own::with_capacity(all.len());
            for each in all {
                own.push(each);
            }
            own
        }
    };
    let Own {
        people,
        deals,
        complaints,
        scores,
        birthdays,
        given_up,
        weeks,
        then,
        keeping,
    } = own;
    let rates: Vec<(u32, u32)> = clients
        .par_iter()
        .map(|c| book::recent_rates(c, today))
        .collect();
    // The team-wide parts are independent of each other: compute them side by side.
    let ((cooling, calendar), ((coverage, next_holidays), books)) = rayon::join(
        || {
            rayon::join(
                || book::cooling(clients, &rates),
                || moments::upcoming(clients, today, CALENDAR_DAYS, &config.holidays),
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || moments::holiday_coverage(clients, today, &config.holidays),
                        || moments::next_holidays(clients, today, 90, &config.holidays),
                    )
                },
                || book::books(clients, stats, team.first_week, today),
            )
        },
    );
    // The next 30 days are the calendar's start (both windows are inclusive and sorted).
    let soon = moments::add_days(today, moments::UPCOMING_DAYS);
    let upcoming: Vec<_> = calendar
        .iter()
        .take_while(|m| m.date <= soon)
        .cloned()
        .collect();
    let mut pb = Playbook {
        urgency: team_figures::urgency_order(clients, stats),
        calendar_of: team_figures::moments_by_client(&calendar, clients.len()),
        margin: None,
        feedback: team_figures::feedback_trend(clients, today),
        persistence: [0; 6],
        deals_total: 0,
        open_complaints: 0,
        complaint_median: None,
        weeks,
        then,
        trend: Vec::new(),
        key_trend: Vec::new(),
        changes: Changes::default(),
        lost: risks::lost(clients, today),
        promises: Promises::default(),
        inbound: Inbound::default(),
        inbound_months: Default::default(),
        flagged: Vec::new(),
        keeping,
        holidays_ahead: crate::analyse::holidays::between(
            today,
            today
                .checked_add(jiff::Span::new().days(CALENDAR_DAYS))
                .unwrap_or(today),
            &config.holidays,
        ),
        people,
        deals,
        complaints,
        scores,
        birthdays,
        given_up,
        rates,
        cooling,
        is_cooling: vec![false; clients.len()],
        drift_of: vec![None; clients.len()],
        referred: vec![Vec::new(); clients.len()],
        calendar,
        upcoming,
        coverage,
        next_holidays,
        pareto,
        revenue_year,
        drift: Vec::new(),
        referrals: book::referrals(clients, |id| {
            clients.binary_search_by(|c| c.id.as_str().cmp(id)).ok()
        }),
        books,
    };
    if let Some(p) = &pb.pareto {
        pb.drift = revenue::tier_drift(clients, p);
    }
    pb.margin = team_figures::margin_split(clients, pb.pareto.as_ref());
    (pb.persistence, pb.deals_total) = team_figures::persistence(&pb.deals);
    (pb.open_complaints, pb.complaint_median) = team_figures::complaint_figures(&pb.complaints);
    for &i in &pb.cooling {
        if let Some(slot) = pb.is_cooling.get_mut(i) {
            *slot = true;
        }
    }
    for &(i, d, rank) in &pb.drift {
        if let Some(slot) = pb.drift_of.get_mut(i) {
            *slot = Some((d, rank));
        }
    }
    for (r, list) in &pb.referrals {
        if let Some(slot) = pb.referred.get_mut(*r) {
            slot.clone_from(list);
        }
    }
    let first_week = team.first_week;
    pb.trend = trend::trend(pb.weeks.iter(), &team.weekly, first_week);
    let key: Vec<usize> = trend::key_clients(clients).collect();
    pb.key_trend = trend::trend(
        key.iter().filter_map(|&i| pb.weeks.get(i)),
        &trend::weekly_contacts(
            key.iter().filter_map(|&i| clients.get(i)),
            first_week,
            today,
        ),
        first_week,
    );
    for b in &mut pb.books {
        b.trend = trend::trend(
            b.clients.iter().filter_map(|&i| pb.weeks.get(i)),
            &b.weekly,
            first_week,
        );
    }
    let now: Vec<analyse::Status> = stats.iter().map(|s| s.status).collect();
    pb.changes = trend::changes(
        clients,
        &pb.then,
        &now,
        &pb.deals,
        &pb.complaints,
        &pb.urgency,
        since,
        today,
    );
    for k in &pb.keeping {
        pb.promises.add(&k.promises);
        pb.inbound.add(&k.inbound);
        for (m, x) in pb.inbound_months.iter_mut().zip(&k.inbound_months) {
            m.add(x);
        }
    }
    for b in &mut pb.books {
        for &i in &b.clients {
            if let Some(k) = pb.keeping.get(i) {
                b.promises.add(&k.promises);
                b.inbound.add(&k.inbound);
                for (m, x) in b.inbound_months.iter_mut().zip(&k.inbound_months) {
                    m.add(x);
                }
            }
        }
    }
    // Key clients first, then in urgency order.
    let tier_first = |i: &usize| {
        clients
            .get(*i)
            .map(|c| c.tier != Some(crate::model::Tier::Key))
    };
    let mut by_urgency: Vec<usize> = pb.urgency.clone();
    by_urgency.sort_by_key(tier_first);
    pb.flagged = Flag::ALL
        .iter()
        .map(|&f| {
            let list = by_urgency
                .iter()
                .copied()
                .filter(|&i| {
                    pb.keeping
                        .get(i)
                        .is_some_and(|k| k.risks.flags.contains(&f))
                })
                .collect();
            (f, list)
        })
        .collect();
    pb
}

/// Why nothing could be done (exit status 2). `Display` says what went wrong (one
/// line), `hint` what to do about it.
#[derive(Debug)]
pub enum Fatal {
    /// The notes folder does not exist or is not a folder.
    NoFolder(PathBuf),
    /// `touchbase.yaml` has problems; the diagnostics say which.
    Config(Vec<Diagnostic>),
    /// A template does not compile or a page cannot be rendered from it. `name` is the
    /// template when known; `yours` when it is the user's override.
    Template {
        name: Option<String>,
        yours: bool,
        why: String,
    },
    /// `--out` (as given, and as resolved) may not be used; nothing was touched.
    Output {
        path: PathBuf,
        real: PathBuf,
        why: Refusal,
    },
    /// Reading or writing `path` failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The command line names something that is not there (an unknown `--owner`).
    Usage { what: String, hint: String },
    /// A note changed between being parsed and its page being rendered.
    Changed(PathBuf),
    /// Something touchbase itself got wrong.
    Bug(&'static str),
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fatal::NoFolder(p) => write!(f, "no notes folder at {}", p.display()),
            Fatal::Config(_) => write!(f, "touchbase.yaml has problems; nothing was done"),
            Fatal::Template { name, why, .. } => match name {
                Some(n) => write!(f, "template {n}: {why}"),
                None => write!(f, "templates: {why}"),
            },
            Fatal::Output { path, real, why } => {
                write!(f, "refusing to build into {}", path.display())?;
                if real != path {
                    write!(f, " (that is {})", real.display())?;
                }
                write!(f, ": {}; nothing was changed", why.why())
            }
            Fatal::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Fatal::Usage { what, .. } => f.write_str(what),
            Fatal::Changed(p) => write!(
                f,
                "{} changed while it was being read again for the output; nothing was changed",
                p.display()
            ),
            Fatal::Bug(what) => write!(f, "internal error: {what}"),
        }
    }
}

impl Fatal {
    /// What to do about it, where something helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            Fatal::NoFolder(_) => Some(
                "give the folder that holds the notes (*.md), e.g. `touchbase check notes`"
                    .into(),
            ),
            Fatal::Config(_) => None,
            Fatal::Template {
                name: Some(n),
                yours: true,
                ..
            } => Some(format!(
                "fix templates/{n} in the notes folder, or delete it to use the built-in one"
            )),
            Fatal::Template { .. } => Some(
                "a template in the notes folder's templates/ may be at fault; move it aside to check"
                    .into(),
            ),
            Fatal::Output { why, .. } => Some(why.hint().into()),
            Fatal::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied => {
                    Some("check that you may read and write there".into())
                }
                std::io::ErrorKind::StorageFull => Some("free some disk space".into()),
                _ => None,
            },
            Fatal::Usage { hint, .. } => Some(hint.clone()),
            Fatal::Changed(_) => Some("build or export again once the notes are saved".into()),
            Fatal::Bug(_) => Some("please report this, with the command you ran".into()),
        }
    }
}

impl Workspace {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The text client `i`'s entries' bodies are spans of (`model::LogText`): held, or
    /// read again from its note, which must still be the note that was parsed (else
    /// `Fatal::Changed`: the page would show another note's text).
    pub fn log_text(&self, i: usize) -> Result<std::borrow::Cow<'_, str>, Fatal> {
        use std::borrow::Cow;
        let c = self.clients.get(i).ok_or(Fatal::Bug("client index"))?;
        match &c.log {
            LogText::Held(text) => Ok(Cow::Borrowed(text)),
            LogText::OnDisk { path, digest } => {
                let bytes = self.note_again(path, digest)?;
                parse::log_text(&bytes)
                    .map(|t| Cow::Owned(t.to_owned()))
                    .ok_or_else(|| Fatal::Changed(path.to_path_buf()))
            }
            LogText::Dropped => Err(Fatal::Bug("a client page of a note read without its log")),
        }
    }

    /// The note at `path` read again, which must still be the note parsed (its
    /// `fresh::read_digest` is `digest`), else `Fatal::Changed`.
    fn note_again(&self, path: &Path, digest: &[u8; 32]) -> Result<Vec<u8>, Fatal> {
        let read = parse::read_limited(path, self.config.limits.note_size);
        if crate::fresh::read_digest(&read, || None) != *digest {
            return Err(Fatal::Changed(path.to_path_buf()));
        }
        match read {
            Ok(Some(bytes)) => Ok(bytes),
            _ => Err(Fatal::Changed(path.to_path_buf())),
        }
    }

    /// Client `i`'s contact log for its page: its entries and the text their bodies are
    /// spans of. When the build let go of the entries (`How::stream`), they are parsed
    /// again from the note read again (`log_text`), and must be what was parsed before.
    pub fn log(&self, i: usize) -> Result<Log<'_>, Fatal> {
        use std::borrow::Cow;
        let c = self.clients.get(i).ok_or(Fatal::Bug("client index"))?;
        let Some(shed) = c.shed else {
            return Ok(Log {
                text: self.log_text(i)?,
                entries: Cow::Borrowed(&c.entries),
            });
        };
        let LogText::OnDisk { path, digest } = &c.log else {
            return Err(Fatal::Bug("entries let go of from a log not in its note"));
        };
        let changed = || Fatal::Changed(path.to_path_buf());
        let bytes = &self.note_again(path, digest)?;
        let text = parse::log_text(bytes).ok_or_else(changed)?;
        let kinds = &self.config.kinds;
        let entries = parse::entries_again(&c.file, bytes, &c.people, self.today, kinds)
            .ok_or_else(changed)?;
        // The same bytes, people, day and kinds: the same entries (checked, as a page
        // showing other entries than its key covers would be stale for ever).
        if entries.len() != shed.entries || crate::fresh::entry_heads(&entries) != shed.heads {
            return Err(Fatal::Bug("a contact log parsed again gave other entries"));
        }
        Ok(Log {
            text: Cow::Owned(text.to_owned()),
            entries: Cow::Owned(entries),
        })
    }

    /// Let go of the ticks of the entries let go of (`shed`), once the analysis no
    /// longer needs them: nothing after it computes a figure.
    pub fn drop_ticks(&mut self) {
        for c in &mut self.clients {
            if let Some(s) = &mut c.shed {
                s.ticked = false;
                c.ticks = Box::default();
            }
        }
    }

    /// Copy the team's newest contacts (`Team::recent_at`) of clients whose entries were
    /// let go of as their notes were read (`How::stream`) from their notes read again:
    /// a handful of notes. A site needs them all (`render::render_site` checks).
    pub fn fill_recent(&mut self) -> Result<(), Fatal> {
        if self.team.recent.len() == self.team.recent_at.len() {
            return Ok(());
        }
        let mut recent = Vec::with_capacity(self.team.recent_at.len());
        for &(ci, ei) in &self.team.recent_at {
            let held = self.clients.get(ci).filter(|c| c.shed.is_none());
            let e = match held {
                // Entries held (an export holds no text with them: `How::no_texts`).
                Some(c) => c.entries.get(ei).cloned(),
                None => self.log(ci)?.entries.get(ei).cloned(),
            };
            recent.push((ci, e.ok_or(Fatal::Bug("a newest contact's entry"))?));
        }
        self.team.recent = recent;
        Ok(())
    }

    pub fn client_index(&self, id: &str) -> Option<usize> {
        self.clients
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
    }
}

/// The notes folder around the current directory: the nearest folder at or above it
/// with a `touchbase.yaml`, else the current directory itself.
pub fn find_root_here() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    find_root(&here).unwrap_or(here)
}

/// The nearest folder at or above `start` holding a `touchbase.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .find(|d| d.join(config::FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

/// For `check FILE`: the file's notes folder (the nearest above it with a
/// `touchbase.yaml`, else its own folder) and its path relative to that folder, as
/// diagnostics name it.
pub fn root_of_file(file: &Path) -> Result<(PathBuf, String), Fatal> {
    let abs = std::fs::canonicalize(file).map_err(|source| Fatal::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let dir = abs.parent().map_or_else(|| abs.clone(), Path::to_path_buf);
    let root = find_root(&dir).unwrap_or(dir);
    let rel = abs
        .strip_prefix(&root)
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    Ok((root, rel))
}

/// Today's date in the configured time zone (or the system's).
pub fn local_today(config: &Config) -> Date {
    let now = jiff::Zoned::now();
    match config
        .timezone
        .as_deref()
        .and_then(|tz| jiff::tz::TimeZone::get(tz).ok())
    {
        Some(tz) => now.with_time_zone(tz).date(),
        None => now.date(),
    }
}

/// Load and analyse the notes under `root`, with changes over the last week.
pub fn load(root: &Path, today: Option<Date>) -> Result<Workspace, Fatal> {
    load_since(root, today, None)
}

/// The day a week before `today`: the default start of "what changed".
pub fn week_before(today: Date) -> Date {
    today
        .checked_sub(jiff::Span::new().days(7))
        .unwrap_or(today)
}

/// Load and analyse the notes under `root`, with changes since `since` (default: a
/// week before today). A `since` after today is a usage error.
pub fn load_since(
    root: &Path,
    today: Option<Date>,
    since: Option<Date>,
) -> Result<Workspace, Fatal> {
    let mut off = Timings::off();
    let checked = read(
        root,
        today,
        since,
        &mut off,
        &Progress::default(),
        How::default(),
    )?;
    Ok(checked.analyse(&mut off))
}

/// The settings a build of `root` would use (`fresh::Settings`): `--today`, `--since`
/// and `--lang` when given, else as the configuration says. None when the
/// configuration cannot be read: a full build reports that.
pub fn build_settings(
    root: &Path,
    today: Option<Date>,
    since: Option<Date>,
    lang: Option<crate::config::Lang>,
) -> Option<crate::fresh::Settings> {
    let config = crate::config::load(root).ok()?;
    let today = today.unwrap_or_else(|| local_today(&config));
    Some(crate::fresh::Settings {
        today,
        since: since.unwrap_or_else(|| week_before(today)),
        lang: lang.unwrap_or(config.language),
        note_size: config.limits.note_size,
    })
}

/// The notes read and checked, not yet analysed: every client and every diagnostic,
/// which is all `check` needs (no diagnostic comes from the analysis).
pub struct Checked {
    pub root: PathBuf,
    pub config: Config,
    pub today: Date,
    pub since: Date,
    /// Sorted by id, ids unique.
    pub clients: Vec<Client>,
    /// Every problem, sorted by file and position: the same as `Workspace::diags`.
    pub diags: Vec<Diagnostic>,
    /// How many note files were read.
    pub files: usize,
    /// What `fresh` digests of the notes, when asked for (`read_notes_for_site`).
    pub digests: Option<crate::fresh::NoteDigests>,
    /// The digest of `touchbase.yaml` as it was read (`config::load_digested`).
    pub config_digest: [u8; 32],
    /// Per client, its statistics and own practices, when they were worked out as its
    /// note was read (`How::stream`).
    each: Option<(Vec<ClientStats>, Own)>,
    sources: DiagSources,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// Cadence, the team's figures and the practices, as of `today`: the workspace.
    pub fn analyse(self, timings: &mut Timings) -> Workspace {
        let Checked {
            root,
            config,
            today,
            since,
            clients,
            diags,
            files,
            sources,
            digests: _,
            config_digest: _,
            each,
        } = self;
        let (stats, each) = match each {
            Some((stats, each)) if stats.len() == clients.len() => (stats, Some(each)),
            _ => (
                clients
                    .par_iter()
                    .map(|c| analyse::client_stats(c, today, &config.cadences))
                    .collect(),
                None,
            ),
        };
        let team = analyse::team(&clients, &stats, today, 20);
        timings.lap("analyse: cadence");
        let known = match each {
            Some(each) => Known::Each(each),
            None => Known::Nothing,
        };
        let playbook = playbook(&clients, &stats, &team, &config, (today, since), known);
        timings.lap("analyse: playbook");
        Workspace {
            root,
            config,
            today,
            since,
            clients,
            stats,
            team,
            playbook,
            diags,
            files,
            sources,
        }
    }
}

/// The diagnostics of a notes folder, for `check`: exactly those of `read_notes` (and so
/// of `load`), found without keeping more of each note than the checks across notes
/// read.
pub struct Diagnosed {
    pub config: Config,
    pub today: Date,
    /// Every problem, sorted by file and position.
    pub diags: Vec<Diagnostic>,
    /// How many note files were read.
    pub files: usize,
}

impl Diagnosed {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// `read_notes` for the diagnostics alone (`check`): each client is cut down to its
/// id, file and `referred_by` as soon as it is parsed, so its log is never held.
pub fn check_notes(
    root: &Path,
    today: Option<Date>,
    timings: &mut Timings,
    progress: &Progress,
) -> Result<Diagnosed, Fatal> {
    let how = How {
        slim: true,
        digest: false,
        bodies: Bodies::Dropped,
        held_text: 0,
        no_texts: false,
        stream: false,
    };
    let checked = read(root, today, None, timings, progress, how)?;
    Ok(Diagnosed {
        config: checked.config,
        today: checked.today,
        diags: checked.diags,
        files: checked.files,
    })
}

/// What the checks across notes read of a client (`check_references`,
/// `check_referral_cycles`, duplicate ids): the rest is dropped.
fn for_checks(c: Client) -> Client {
    Client {
        anchors: c
            .anchors
            .into_iter()
            .filter(|a| a.key == "id" || a.key == "referred_by")
            .collect(),
        id: c.id,
        file: c.file,
        referred_by: c.referred_by,
        ..Client::default()
    }
}

/// Read, parse and check the notes under `root`: discovery, each note's own problems,
/// and those across notes (duplicate ids, unknown `referred_by`, referral cycles,
/// templates that will not be used). `since` as for `load_since`. `progress` counts the
/// notes read. The entries' bodies are not kept (`LogText::Dropped`), and every entry is
/// held (an export reads with `read_notes_for_export`, which holds fewer).
pub fn read_notes(
    root: &Path,
    today: Option<Date>,
    since: Option<Date>,
    timings: &mut Timings,
    progress: &Progress,
) -> Result<Checked, Fatal> {
    let how = How {
        bodies: Bodies::Dropped,
        ..How::default()
    };
    read(root, today, since, timings, progress, how)
}

/// `read_notes` for a site: each note's digest taken from the bytes parsed
/// (`Checked::digests`, for the site's record: `fresh`), so the notes need not be read
/// twice, and each log's text left in its note (`LogText::OnDisk`), for its client
/// page to read again (`Workspace::log_text`).
pub fn read_notes_for_site(
    root: &Path,
    today: Option<Date>,
    since: Option<Date>,
    timings: &mut Timings,
    progress: &Progress,
) -> Result<Checked, Fatal> {
    read(root, today, since, timings, progress, How::SITE)
}

/// `read_notes` for an export: as a build reads (`read_notes_for_site`), each client's
/// figures worked out as its note is read and the entries of a note past the held
/// budget let go of, then read again from the note as the export writes them
/// (`report::Entries::Again`). So an export holds no more than a build does.
pub fn read_notes_for_export(
    root: &Path,
    today: Option<Date>,
    since: Option<Date>,
    timings: &mut Timings,
    progress: &Progress,
) -> Result<Checked, Fatal> {
    let how = How {
        digest: false,
        no_texts: true,
        ..How::SITE
    };
    read(root, today, since, timings, progress, how)
}

/// How `read` reads: with `slim`, each client as `for_checks` keeps it; with `digest`,
/// each note's digest as `fresh` takes it; `bodies`, what it keeps of each log's text.
#[derive(Debug, Clone, Copy, Default)]
struct How {
    slim: bool,
    digest: bool,
    bodies: Bodies,
    /// For `Bodies::OnDisk`: how many bytes of notes to hold the texts (and entries) of.
    held_text: u64,
    /// Hold the entries of the notes within the budget but not their texts (an export
    /// shows no text).
    no_texts: bool,
    /// Work out each client's statistics and own practices as soon as its note is
    /// parsed (`Checked::each`), and then let go of the entries of a log not held
    /// (`shed`): so the entries of all notes are never held at once.
    stream: bool,
}

impl How {
    /// How a build reads (`read_notes_for_site`); an export reads the same way but for
    /// the digests and the texts (`read_notes_for_export`).
    const SITE: How = How {
        slim: false,
        digest: true,
        bodies: Bodies::OnDisk,
        held_text: HELD_TEXT,
        no_texts: false,
        stream: true,
    };
}

/// What `read` keeps of each note's log text (`model::LogText`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Bodies {
    #[default]
    Held,
    /// Held for notes up to `How::held_text` bytes in all; for the rest, the digest, for the
    /// client page to read the note again.
    OnDisk,
    Dropped,
}

/// How many bytes of notes a build holds the log texts of (`Bodies::OnDisk`). Reading a
/// note again costs about as much as reading it the first time, so a small team's notes
/// (1,000 clients of 40 entries are 8 MB) are all held and none read twice; beyond that
/// the memory held for the texts stays at this, and the rest are read again for their
/// pages. At 32 MB, 10,000 clients held 20 MB more for no time saved that a benchmark
/// could see (docs/performance.md). Which notes are held depends on the
/// threads' order, but the pages do not: a text read again is checked to be the one
/// parsed.
const HELD_TEXT: u64 = 12 << 20;

fn read(
    root: &Path,
    today: Option<Date>,
    since: Option<Date>,
    timings: &mut Timings,
    progress: &Progress,
    how: How,
) -> Result<Checked, Fatal> {
    let slim = how.slim;
    if !root.is_dir() {
        return Err(Fatal::NoFolder(root.to_path_buf()));
    }
    let (config, config_digest) = config::load_digested(root);
    let config = config.map_err(Fatal::Config)?;
    let today = today.unwrap_or_else(|| local_today(&config));
    let since = since.unwrap_or_else(|| week_before(today));
    if since > today {
        return Err(Fatal::Usage {
            what: format!("--since {since} is after today ({today})"),
            hint: "give a day on or before today, e.g. a week ago (the default)".into(),
        });
    }
    timings.lap("configuration");
    let (files, folder_diags) = discover::discover(root);
    let mut digests = how
        .digest
        .then(|| crate::fresh::NoteDigests::of_discovery(&files, &folder_diags));
    let mut sources = DiagSources {
        folder: folder_diags,
        ..DiagSources::default()
    };
    timings.lap("discover");

    let busy = timings.busy(&["read", "parse", "analyse"]);
    let held = AtomicU64::new(0);
    let at = Asof {
        today,
        since,
        first_week: analyse::first_week(today),
        cadences: &config.cadences,
    };
    progress.begin(files.len());
    // Each note's client in one list and the rest of what was read of it in another,
    // both in file order and made at their exact size (`unzip_into_vecs`), so that the
    // clients can be put in id order where they lie (`permute`) rather than copied.
    let mut found: Vec<Option<Client>> = Vec::new();
    let mut rest: Vec<Rest> = Vec::new();
    files
        .par_iter()
        .map(|f| {
            progress.step();
            let read = busy.time(0, || parse::read_limited(&f.path, config.limits.note_size));
            let digest = (how.digest || how.bodies == Bodies::OnDisk)
                .then(|| crate::fresh::read_digest(&read, || std::fs::metadata(&f.path).ok()));
            let mut parsed = match read {
                Ok(Some(bytes)) => busy.time(1, || {
                    // Its log text held (`Bodies`): always, never, or within the budget.
                    let keep = match how.bodies {
                        Bodies::Held => true,
                        Bodies::Dropped => false,
                        Bodies::OnDisk => {
                            let len = bytes.len() as u64;
                            held.fetch_add(len, Ordering::Relaxed) + len <= how.held_text
                        }
                    };
                    let kinds = &config.kinds;
                    // An export holds the entries of the notes within the budget, but
                    // not their texts, which it never shows (`How::no_texts`).
                    let text = keep && !how.no_texts;
                    let mut p =
                        parse::parse_note_keeping(&f.rel, &f.stem, &bytes, today, kinds, text);
                    if slim {
                        p.client = p.client.map(for_checks);
                    }
                    if let (Some(c), Bodies::OnDisk, Some(digest), false) =
                        (&mut p.client, how.bodies, digest, keep)
                    {
                        let path = f.path.clone().into_boxed_path();
                        c.log = LogText::OnDisk { path, digest };
                        // The held text's digest (`parse_note_keeping`), for the page key.
                        c.log_digest = parse::log_text(&bytes)
                            .map(|text| *blake3::hash(text.as_bytes()).as_bytes());
                    }
                    p
                }),
                Ok(None) => parse::Parsed {
                    client: None,
                    diags: vec![parse::too_large(
                        &f.rel,
                        std::fs::metadata(&f.path).ok().map(|m| m.len()),
                        config.limits.note_size,
                    )],
                },
                Err(e) => parse::Parsed {
                    client: None,
                    diags: vec![Diagnostic::error(&f.rel, format!("cannot read: {e}"))],
                },
            };
            // The client's own figures now, while its entries are at hand; then the
            // entries of a log left in its note are let go of (`How::stream`).
            let each = match (&mut parsed.client, how.stream) {
                (Some(c), true) => Some(busy.time(2, || {
                    let stats = analyse::client_stats(c, today, &config.cadences);
                    let own = per_client(c, &stats, at);
                    if matches!(c.log, LogText::OnDisk { .. }) {
                        shed(c);
                    }
                    (stats, own)
                })),
                _ => None,
            };
            (parsed.client, (each, parsed.diags, digest))
        })
        .unzip_into_vecs(&mut found, &mut rest);
    timings.lap_busy("read and parse", &busy);
    if let Some(d) = &mut digests {
        d.notes = rest.iter().filter_map(|p| p.2).collect();
    }
    for (p, f) in rest.iter_mut().zip(&files) {
        sources.set(&f.rel, std::mem::take(&mut p.1));
    }
    // The clients by id, then by path: files come sorted by path, so "first" below
    // means first by path. (Put in that order where they lie: a second list of
    // 100,000 parsed clients beside the first would be the build's peak.)
    let id_of = |i: &usize| {
        found
            .get(*i)
            .and_then(|c| c.as_ref())
            .map(|c| c.id.as_str())
    };
    let mut order: Vec<usize> = (0..found.len()).filter(|i| id_of(i).is_some()).collect();
    order.sort_by(|a, b| id_of(a).cmp(&id_of(b)).then(a.cmp(b)));
    permute(&order, &mut found, &mut rest);
    let with_client = order.len();
    drop(order);
    // A client whose id an earlier one (by id, then by path) has is left out.
    let mut duplicates = Vec::new();
    let mut left_out = Vec::new();
    let mut first: Option<&Client> = None;
    for (k, client) in found.iter().enumerate() {
        let Some(client) = client else { continue };
        let Some(first) = first.filter(|f| f.id == client.id) else {
            first = Some(client);
            continue;
        };
        let mut d = Diagnostic::error(
            &client.file,
            format!("id `{}` is already used by {}", client.id, first.file),
        )
        .help("give this client its own `id:` (ids name the client's page and must be unique)");
        match client.anchor("id") {
            Some(a) => d = d.at(a.line, a.column, a.width, &a.source),
            None => {
                d.line = 1;
                d.column = 1;
            }
        }
        duplicates.push(d);
        left_out.push(k);
    }
    for k in left_out {
        if let Some(slot) = found.get_mut(k) {
            *slot = None;
        }
    }
    // (Of their exact size: grown by doubling, the lists' spare room and the copies
    // made as they grow would be held beside every parsed note.)
    let n = with_client.saturating_sub(duplicates.len());
    let (mut stats, mut own) = match how.stream {
        true => (Vec::with_capacity(n), Own::with_capacity(n)),
        false => (Vec::new(), Own::default()),
    };
    // The clients moved out of their options where they lie (a `Vec` collected from its
    // own `into_iter` through `filter_map` keeps its block), each one's figures beside.
    let mut rest = rest.into_iter();
    let clients: Vec<Client> = found
        .into_iter()
        .filter_map(|client| {
            let each = rest.next().and_then(|r| r.0);
            let client = client?;
            if let Some((s, o)) = each {
                stats.push(s);
                own.push(o);
            }
            Some(client)
        })
        .collect();
    drop(rest);
    // Worked out for every client or for none (`How::stream`).
    let each = (how.stream && stats.len() == clients.len()).then_some((stats, own));
    sources.duplicate_ids = !duplicates.is_empty();
    // Templates that will not be used (do not parse, not UTF-8, a name like a built-in's).
    sources.folder.extend(crate::render::templates::check(root));
    let mut diags = sources.all(&clients);
    diags.extend(duplicates);
    diag::sort(&mut diags);
    timings.lap("check across notes");
    Ok(Checked {
        root: root.to_path_buf(),
        config,
        today,
        since,
        clients,
        diags,
        files: files.len(),
        digests,
        config_digest,
        each,
        sources,
    })
}

/// Put `a` and `b` (lists of the same length) in `order`, where they lie: the items at
/// `order[k]` move to `k`, and those `order` leaves out go after them in no set order.
/// By swaps along each cycle, each swap putting one item in its place.
fn permute<A, B>(order: &[usize], a: &mut [A], b: &mut [B]) {
    let n = a.len().min(b.len());
    // Where each item goes.
    let mut to = vec![usize::MAX; n];
    for (k, &i) in order.iter().enumerate() {
        if let Some(t) = to.get_mut(i) {
            *t = k;
        }
    }
    let left_out = to.iter_mut().filter(|t| **t == usize::MAX);
    for (next, t) in (order.len()..).zip(left_out) {
        *t = next;
    }
    for i in 0..n {
        loop {
            let t = to.get(i).copied().unwrap_or(i);
            // (Not a permutation, which `order` always is: stop rather than go round.)
            if t == i || t >= n || to.get(t) == Some(&t) {
                break;
            }
            a.swap(i, t);
            b.swap(i, t);
            to.swap(i, t);
        }
    }
}

impl DiagSources {
    /// The note `rel`'s own problems are `diags`.
    fn set(&mut self, rel: &str, diags: Vec<Diagnostic>) {
        if diags.is_empty() {
            self.notes.remove(rel);
        } else {
            self.notes.insert(rel.to_string(), diags);
        }
    }

    /// Every diagnostic but the duplicate ids', unsorted.
    fn all(&self, clients: &[Client]) -> Vec<Diagnostic> {
        let mut diags = self.folder.clone();
        diags.extend(self.notes.values().flatten().cloned());
        diags.extend(check_references(clients));
        diags.extend(check_referral_cycles(clients));
        diags
    }
}

impl Workspace {
    /// Read the note `rel` (a path from the notes folder, as in `Client::file`) again
    /// and bring everything that depends on it up to date: its client, its statistics,
    /// the team's figures and practices, and the diagnostics. The result is what `load`
    /// would give (`an_updated_note_gives_what_a_full_load_gives` checks it). Returns
    /// false, changing nothing, when one note cannot say it all: the file is not a
    /// known client's note, it is gone or no longer read, its id changed or is shared,
    /// or the workspace let go of entries (`How::stream`: the team's figures need them all).
    /// Then load the folder again.
    pub fn update_note(&mut self, rel: &str) -> bool {
        if self.sources.duplicate_ids || self.clients.iter().any(|c| c.shed.is_some()) {
            return false;
        }
        let Some(i) = self.clients.iter().position(|c| c.file == rel) else {
            return false;
        };
        let path = match discover::resolve(&self.root, &self.root.join(rel)) {
            discover::Resolved::File(p) => p,
            _ => return false,
        };
        let Ok(Some(bytes)) = parse::read_limited(&path, self.config.limits.note_size) else {
            return false;
        };
        let stem = Path::new(rel)
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let parsed = parse::parse_note(rel, &stem, &bytes, self.today, &self.config.kinds);
        let Some(client) = parsed.client else {
            return false;
        };
        let Some(slot) = self.clients.get_mut(i) else {
            return false;
        };
        if client.id != slot.id {
            return false;
        }
        *slot = client;
        let stats = analyse::client_stats(slot, self.today, &self.config.cadences);
        if let Some(s) = self.stats.get_mut(i) {
            *s = stats;
        }
        self.sources.set(rel, parsed.diags);
        self.team = analyse::team(&self.clients, &self.stats, self.today, 20);
        let previous = std::mem::take(&mut self.playbook);
        self.playbook = playbook(
            &self.clients,
            &self.stats,
            &self.team,
            &self.config,
            (self.today, self.since),
            Known::Previous(Box::new(previous), i),
        );
        self.diags = self.sources.all(&self.clients);
        diag::sort(&mut self.diags);
        true
    }
}

/// `referred_by` must name a known client id.
fn check_references(clients: &[Client]) -> Vec<Diagnostic> {
    let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
    clients
        .iter()
        .filter_map(|c| {
            let r = c.referred_by.as_deref()?;
            if ids.binary_search(&r).is_ok() {
                return None;
            }
            let help = match closest(r, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`referred_by` takes another client's id (its file name without .md)"
                    .to_string(),
            };
            let mut d =
                Diagnostic::warning(&c.file, format!("`referred_by: {r}` names no known client"))
                    .help(help);
            if let Some(a) = c.anchor("referred_by") {
                d = d.at(a.line, a.column, a.width, &a.source);
            }
            Some(d)
        })
        .collect()
}

/// A client cannot refer itself, and `referred_by` cannot go round in a circle: each
/// client on a cycle gets a warning naming every file of it (none counts as a referral).
fn check_referral_cycles(clients: &[Client]) -> Vec<Diagnostic> {
    let index_of = |id: &str| clients.binary_search_by(|c| c.id.as_str().cmp(id)).ok();
    let mut out = Vec::new();
    for cycle in book::referral_cycles(clients, index_of) {
        let files: Vec<&str> = cycle
            .iter()
            .filter_map(|&i| clients.get(i).map(|c| c.file.as_str()))
            .collect();
        for (n, &i) in cycle.iter().enumerate() {
            let Some(c) = clients.get(i) else { continue };
            let by = c.referred_by.as_deref().unwrap_or_default();
            let (message, help) = if cycle.len() == 1 {
                (
                    format!("`referred_by: {by}` names this client itself ({})", c.file),
                    "`referred_by` takes the id of the other client that introduced this one"
                        .to_string(),
                )
            } else {
                // The circle as seen from this file: it, the one it names, ..., back to it.
                let mut round: Vec<&str> = files
                    .iter()
                    .cycle()
                    .skip(n)
                    .take(files.len())
                    .copied()
                    .collect();
                round.push(c.file.as_str());
                (
                    format!(
                        "`referred_by` goes round in a circle: {}",
                        round.join(" → ")
                    ),
                    "one of these `referred_by` is wrong: clients cannot have referred each other; none of them counts as a referral".to_string(),
                )
            };
            let mut d = Diagnostic::warning(&c.file, message).help(help);
            if let Some(a) = c.anchor("referred_by") {
                d = d.at(a.line, a.column, a.width, &a.source);
            }
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn copy_examples() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            let to = dir.path().join(entry.path().strip_prefix(&src).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        dir
    }

    #[test]
    fn permute_puts_both_lists_in_the_order_given_where_they_lie() {
        // `a` begins with `order`, the rest after it, and `b` moved with `a`.
        fn in_order(order: &[usize], a: &[usize], b: &[String]) -> bool {
            let n = a.len();
            let rest: BTreeSet<usize> = (0..n).filter(|i| !order.contains(i)).collect();
            a.get(..order.len()) == Some(order)
                && a.get(order.len()..).map(|r| r.iter().copied().collect()) == Some(rest)
                && a.iter().zip(b).all(|(x, y)| *y == format!("b{x}"))
        }
        fn lists(n: usize) -> (Vec<usize>, Vec<String>) {
            ((0..n).collect(), (0..n).map(|i| format!("b{i}")).collect())
        }
        // Every order of up to 6 items, whole or leaving some out (notes with no client).
        fn orders(n: usize, prefix: Vec<usize>, out: &mut Vec<Vec<usize>>) {
            for i in (0..n).filter(|i| !prefix.contains(i)) {
                orders(n, [prefix.clone(), vec![i]].concat(), out);
            }
            out.push(prefix);
        }
        let mut tried = 0;
        for n in 0..=6 {
            let mut all = Vec::new();
            orders(n, Vec::new(), &mut all);
            for order in &all {
                let (mut a, mut b) = lists(n);
                permute(order, &mut a, &mut b);
                assert!(in_order(order, &a, &b), "{order:?} gave {a:?} {b:?}");
                tried += 1;
            }
        }
        assert!(tried == 2372, "{tried} orders tried");
        // Control: lists not put in order fail the check.
        let (a, b) = lists(3);
        assert!(!in_order(&[2, 0], &a, &b));
        // An order that is not a permutation (never given) stops rather than going
        // round, and the lists keep every item.
        let (mut a, mut b) = lists(3);
        permute(&[2, 2, 0], &mut a, &mut b);
        assert!(a.iter().zip(&b).all(|(x, y)| *y == format!("b{x}")));
        a.sort();
        assert_eq!(a, [0, 1, 2]);
    }

    /// What the outputs show: the report as JSON (each client's entries as its page
    /// reads them: `log`), the diagnostics, and every file of the site (pages read the
    /// workspace as well as the report).
    fn seen(ws: &Workspace) -> String {
        let report = crate::report::build(ws);
        let diags: Vec<String> = ws.diags.iter().map(|d| d.render(false)).collect();
        let mut json = serde_json::to_value(&report).unwrap();
        let clients = json["clients"].as_array_mut().unwrap();
        assert_eq!(clients.len(), ws.clients.len());
        for (i, c) in clients.iter_mut().enumerate() {
            let log = ws.log(i).unwrap();
            c["entries"] = serde_json::to_value(crate::report::Entries::of(&log.entries)).unwrap();
        }
        format!(
            "{}\n{}\n{:?}{}",
            json,
            diags.join("\n"),
            crate::diag::counts(&ws.diags),
            site_seen(ws)
        )
    }

    /// `a` and `b` are the same; else where they first differ.
    fn same(a: &str, b: &str, what: &str) {
        if a != b {
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let near = |s: &str| {
                let from = (at.saturating_sub(120)..=at).find(|&i| s.is_char_boundary(i));
                let to = (at + 120..s.len() + 1).find(|&i| s.is_char_boundary(i));
                s.get(from.unwrap_or(0)..to.unwrap_or(s.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "{what} differ at byte {at}:\n{}\n----\n{}",
                near(a),
                near(b)
            );
        }
    }

    /// Every file of the site, each after its path, in English and in Chinese.
    fn site_seen(ws: &Workspace) -> String {
        let report = crate::report::build(ws);
        let mut out = String::new();
        for lang in [crate::config::Lang::En, crate::config::Lang::Zh] {
            let site = crate::render::Renderer::new(ws, &report, lang).unwrap();
            for rel in site.files() {
                let bytes = site.file(&rel).unwrap().unwrap();
                out.push_str(&rel);
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        out
    }

    /// The examples read for a site holding `held_text` bytes of log texts.
    fn for_site(root: &Path, held_text: u64) -> Workspace {
        let how = How {
            held_text,
            ..How::SITE
        };
        let mut off = Timings::off();
        let today = Some("2026-11-20".parse().unwrap());
        let mut ws = read(root, today, None, &mut off, &Progress::default(), how)
            .unwrap()
            .analyse(&mut off);
        ws.fill_recent().unwrap();
        ws
    }

    /// The exports of a workspace: the JSON and every CSV table, as written.
    fn exported(ws: &Workspace) -> Vec<Vec<u8>> {
        use crate::output::csv::Table;
        let report = crate::report::build(ws);
        let mut out = vec![Vec::new()];
        crate::output::json::write(&report, &mut out[0]).unwrap();
        for table in [
            Table::Clients,
            Table::Entries,
            Table::Followups,
            Table::People,
        ] {
            let mut csv = Vec::new();
            crate::output::csv::write(&report, table, &mut csv, false).unwrap();
            out.push(csv);
        }
        out
    }

    #[test]
    fn exports_with_entries_let_go_of_are_the_exports_that_held_them() {
        let dir = copy_examples();
        let loaded = load(dir.path(), Some("2026-11-20".parse().unwrap())).unwrap();
        let again = for_site(dir.path(), 0);
        assert!(
            again
                .clients
                .iter()
                .all(|c| c.shed.is_some() && c.entries.is_empty())
        );
        // As `export` reads: the example notes are within the held budget, so their
        // entries are held and their texts are not.
        let mut off = Timings::off();
        let mut export = read_notes_for_export(
            dir.path(),
            Some("2026-11-20".parse().unwrap()),
            None,
            &mut off,
            &Progress::default(),
        )
        .unwrap()
        .analyse(&mut off);
        export.fill_recent().unwrap();
        assert!(export.clients.iter().all(|c| c.shed.is_none()));
        assert!(
            export
                .clients
                .iter()
                .all(|c| matches!(c.log, LogText::Dropped))
        );
        same(
            &format!("{:?}", exported(&export)),
            &format!("{:?}", exported(&loaded)),
            "as export reads",
        );
        let (want, got) = (exported(&loaded), exported(&again));
        let entries = String::from_utf8_lossy(&want[2]).lines().count();
        assert!(entries > 50, "the entries table has the entries: {entries}");
        for (n, (a, b)) in want.iter().zip(&got).enumerate() {
            same(
                &String::from_utf8_lossy(a),
                &String::from_utf8_lossy(b),
                &format!("export {n}"),
            );
        }
        // Control: a note that is no longer the note parsed is not exported as if it
        // were (the export stops, as a build does).
        let i = again.client_index("huadong-jiancai").unwrap();
        let path = dir.path().join(&again.clients[i].file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("## 20", "## 19")).unwrap();
        let report = crate::report::build(&again);
        let err = crate::output::json::write(&report, std::io::sink()).unwrap_err();
        assert!(err.to_string().contains("changed"), "{err}");
    }

    #[test]
    fn log_texts_read_again_give_the_pages_held_ones_give() {
        let dir = copy_examples();
        let held = for_site(dir.path(), u64::MAX);
        let again = for_site(dir.path(), 0);
        let some = for_site(dir.path(), 20_000);
        let on_disk = |ws: &Workspace| {
            ws.clients
                .iter()
                .filter(|c| matches!(c.log, LogText::OnDisk { .. }))
                .count()
        };
        // Control: the budget decides which are held.
        assert_eq!(on_disk(&held), 0);
        assert_eq!(on_disk(&again), again.clients.len());
        assert!((1..again.clients.len()).contains(&on_disk(&some)));
        // Held or not, every log text has the same digest (what a page's key covers).
        let digests = |ws: &Workspace| -> Vec<Option<[u8; 32]>> {
            ws.clients.iter().map(|c| c.log_digest).collect()
        };
        assert!(digests(&held).iter().all(Option::is_some));
        assert_eq!(digests(&again), digests(&held));
        assert_eq!(digests(&some), digests(&held));
        let pages = seen(&held);
        assert!(
            pages.contains("<strong>这是第二次给我们介绍客户了</strong>"),
            "a body shows"
        );
        assert_eq!(seen(&again), pages);
        assert_eq!(seen(&some), pages);
        // Each client's own figures worked out as its note is read (`How::stream`), and
        // the team's from the ticks of entries let go of, are what a plain load gives.
        let loaded = load(dir.path(), Some("2026-11-20".parse().unwrap())).unwrap();
        same(&seen(&loaded), &pages, "a plain load");

        // A note edited after it was parsed: its page is not made from the new text.
        let i = again.client_index("huadong-jiancai").unwrap();
        let LogText::OnDisk { path, .. } = &again.clients[i].log else {
            panic!("held")
        };
        let path = path.to_path_buf();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(again.log_text(i).is_ok());
        std::fs::write(&path, text.replace("第二次", "第三次")).unwrap();
        match again.log_text(i) {
            Err(e @ Fatal::Changed(_)) => {
                assert_eq!(
                    e.to_string(),
                    format!(
                        "{} changed while it was being read again for the output; nothing was changed",
                        path.display()
                    )
                );
                assert_eq!(
                    e.hint().as_deref(),
                    Some("build or export again once the notes are saved")
                );
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
        let report = crate::report::build(&again);
        let site = crate::render::Renderer::new(&again, &report, crate::config::Lang::En).unwrap();
        let page = format!("clients/{}.html", again.clients[i].id);
        assert!(matches!(site.file(&page), Err(Fatal::Changed(_))));
        // Held texts do not look at the file again.
        let j = held.client_index("huadong-jiancai").unwrap();
        assert!(held.log_text(j).is_ok());
        // Control: put back, it reads again.
        std::fs::write(&path, text).unwrap();
        assert!(again.log_text(i).is_ok());
    }

    #[test]
    fn entries_let_go_of_give_the_pages_held_ones_give() {
        let dir = copy_examples();
        // A template of yours reads the report's entries (`client.entries`) too.
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        let mine = "{% for e in client.entries %}[{{ e.date }} {{ e.kind }} \
                    {{ e.summary_html | safe }} {{ e.html | safe }}]{% endfor %}";
        let held = for_site(dir.path(), u64::MAX);
        // Read for a site, the entries of logs left in their notes are let go of as
        // each note is read (`How::stream`), after its own figures are worked out.
        let mut shed = for_site(dir.path(), 0);
        let some = for_site(dir.path(), 20_000);
        let let_go = |ws: &Workspace| ws.clients.iter().filter(|c| c.shed.is_some()).count();
        // Control: only logs left in their notes are let go of, and then all their entries,
        // keeping one tick each.
        assert_eq!(let_go(&held), 0);
        assert_eq!(let_go(&shed), shed.clients.len());
        assert!((1..some.clients.len()).contains(&let_go(&some)));
        assert!(shed.clients.iter().all(|c| c.entries.is_empty()));
        assert!(held.clients.iter().all(|c| c.ticks.is_empty()));
        assert!(
            shed.clients
                .iter()
                .all(|c| c.ticks.len() == c.entry_count())
        );
        // The dashboard's newest contacts were read again from notes (`fill_recent`).
        assert_eq!(shed.team.recent, held.team.recent);
        assert_eq!(shed.team.recent.len(), 20);
        let counts =
            |ws: &Workspace| -> Vec<usize> { ws.clients.iter().map(Client::entry_count).collect() };
        assert!(counts(&held).iter().sum::<usize>() > 50);
        assert_eq!(counts(&shed), counts(&held));
        // Shed again: nothing more is let go of.
        let c = &mut shed.clients[0];
        let before = (c.shed, c.ticks.clone());
        super::shed(c);
        assert_eq!((c.shed, c.ticks.clone()), before);
        // Nothing after the analysis reads the ticks (`Client::ticks` asserts it in
        // tests): the pages below are made with them let go of.
        shed.drop_ticks();
        assert!(shed.clients.iter().all(|c| c.ticks.is_empty()));

        let pages = site_seen(&held);
        assert!(pages.contains("<strong>这是第二次给我们介绍客户了</strong>"));
        same(&site_seen(&shed), &pages, "pages of entries let go of");
        same(&site_seen(&some), &pages, "pages of some entries let go of");
        std::fs::write(dir.path().join("templates/client.html"), mine).unwrap();
        let pages = site_seen(&held);
        assert!(
            pages.contains("[2026-11-12 visit"),
            "the template shows entries"
        );
        same(
            &site_seen(&shed),
            &pages,
            "pages of yours of entries let go of",
        );
        std::fs::remove_dir_all(dir.path().join("templates")).unwrap();

        // Each page's entries are the ones parsed before: a note edited since, or entries
        // that do not give what was kept of them, make no page.
        let i = shed.client_index("huadong-jiancai").unwrap();
        assert!(shed.log(i).is_ok());
        let mut wrong = shed.clients[i].shed.unwrap();
        wrong.heads[0] ^= 1;
        let kept = shed.clients[i].shed.replace(wrong);
        assert!(matches!(shed.log(i), Err(Fatal::Bug(_))));
        shed.clients[i].shed = kept;
        assert!(shed.log(i).is_ok());
        let path = dir.path().join(&shed.clients[i].file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("第二次", "第三次")).unwrap();
        assert!(matches!(shed.log(i), Err(Fatal::Changed(_))));
        std::fs::write(&path, text).unwrap();
        assert!(shed.log(i).is_ok());
        // A workspace that let go of entries cannot be brought up to date one note at a
        // time (the team's figures need every entry); a held one can.
        assert!(!shed.update_note(&shed.clients[i].file.clone()));
        let mut held = held;
        assert!(held.update_note(&held.clients[i].file.clone()));

        // A site whose newest contacts were not read again (`fill_recent`) is not made;
        // once they are, it is.
        let recent = std::mem::take(&mut shed.team.recent);
        let out = tempfile::tempdir().unwrap();
        let staging = crate::write::prepare(&out.path().join("site"), dir.path()).unwrap();
        let lang = crate::config::Lang::En;
        let report = crate::report::build(&shed);
        let made = crate::render::render_site(&shed, &report, lang, &staging);
        assert!(matches!(made, Err(Fatal::Bug(_))), "{:?}", made.map(|_| ()));
        drop(report);
        shed.fill_recent().unwrap();
        assert_eq!(shed.team.recent, recent);
        let report = crate::report::build(&shed);
        assert!(crate::render::render_site(&shed, &report, lang, &staging).is_ok());
    }

    #[test]
    fn only_the_notes_with_problems_are_held_by_file() {
        let dir = copy_examples();
        let typo = "---\nname: 某公司\ntier: platinum\n---\n";
        std::fs::write(dir.path().join("typo.md"), typo).unwrap();
        let today = Some("2026-11-20".parse().unwrap());
        let ws = load(dir.path(), today).unwrap();
        let with: BTreeSet<&str> = ws
            .sources
            .notes
            .values()
            .flatten()
            .map(|d| d.file.as_str())
            .collect();
        let held: BTreeSet<&str> = ws.sources.notes.keys().map(String::as_str).collect();
        assert_eq!(held, with);
        // Control: the notes have one with problems and others without.
        assert_eq!(held, BTreeSet::from(["typo.md"]));
        assert!(ws.clients.iter().any(|c| !held.contains(c.file.as_str())));
    }

    #[test]
    fn an_updated_note_gives_what_a_full_load_gives() {
        let dir = copy_examples();
        let today = Some("2026-11-20".parse().unwrap());
        let rel = "wang-lei/huadong-jiancai.md";
        let file = dir.path().join(rel);
        let original = std::fs::read_to_string(&file).unwrap();
        let mut ws = load(dir.path(), today).unwrap();
        // Each edit: a new contact, a new follow-up, a typo, a changed profile field,
        // a referral to nowhere, and back to the original.
        let edits = [
            format!("{original}\n## 2026-11-19 visit @王强 — brought tea\n"),
            format!("{original}\n## 2026-11-18 call\n\n- [ ] 2026-11-30 call — send the quote\n"),
            format!("{original}\n## 2026-13-45 visit — no such day\n"),
            original.replacen("tier: key", "tier: regular", 1),
            original.replacen("---\n", "---\nreferred_by: nobody-at-all\n", 1),
            original.clone(),
        ];
        let mut changed = 0;
        for (n, text) in edits.iter().enumerate() {
            let before = seen(&ws);
            std::fs::write(&file, text).unwrap();
            assert!(ws.update_note(rel), "edit {n} was not taken");
            let full = load(dir.path(), today).unwrap();
            let (updated, loaded) = (seen(&ws), seen(&full));
            let at = updated
                .bytes()
                .zip(loaded.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(updated.len().min(loaded.len()));
            assert!(
                updated == loaded,
                "edit {n} differs from a full load at byte {at}: {:?}",
                loaded.get(at.saturating_sub(80)..(at + 80).min(loaded.len()))
            );
            // The edit shows (the probe can fail): every edit but the last changes
            // something a build renders.
            changed += usize::from(seen(&ws) != before);
        }
        assert_eq!(changed, edits.len(), "an edit changed nothing");
        // What one note cannot say: an unknown file, a changed id, a note gone.
        assert!(!ws.update_note("wang-lei/nobody.md"));
        std::fs::write(
            &file,
            original.replacen("---\n", "---\nid: another-id\n", 1),
        )
        .unwrap();
        assert!(!ws.update_note(rel));
        std::fs::remove_file(&file).unwrap();
        assert!(!ws.update_note(rel));
    }
}
