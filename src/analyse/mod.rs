//! Analyse: contact history and follow-up cadence as of a given `today`.
//!
//! Pure functions over the model: no I/O, no clock. The same clients and the same
//! `today` always give the same numbers. This file holds the cadence figures; the
//! relationship practices (客情) are in `people`, `moments`, `holidays`, `revenue`,
//! `deals`, `promises`, `risks` and `book`.

pub mod book;
pub mod deals;
pub mod holidays;
pub mod moments;
pub mod people;
pub mod promises;
pub mod revenue;
pub mod risks;
pub mod team_figures;
pub mod trend;

use std::collections::BTreeMap;

use crate::model::{Cadence, Client, Date, Entry, Kind, TierCadences};
use rayon::prelude::*;

/// Where a client stands against its cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Overdue,
    Due,
    Never,
    Ok,
    /// The client is lost (`tier: lost`): never overdue or due, and left out of the
    /// cadence shares.
    Lost,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Overdue,
        Status::Due,
        Status::Never,
        Status::Ok,
        Status::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Never => "never",
            Status::Overdue => "overdue",
            Status::Due => "due",
            Status::Ok => "ok",
            Status::Lost => "lost",
        }
    }
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

/// Days since 0000-03-01 in the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil`): plain arithmetic, where a calendar span (`Date::until`) costs
/// a hundred times as much, and analysis takes hundreds of thousands of differences.
fn day_number(d: Date) -> i64 {
    let month = i64::from(d.month());
    let y = i64::from(d.year()) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + i64::from(d.day()) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era
}

/// One rhythm of contact: the plain cadence (`kind: None`, "any contact") or one kind's
/// (`cadence: {visit: 2m}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rhythm {
    pub kind: Option<Kind>,
    pub every: Cadence,
    pub last: Option<Date>,
    pub next_due: Option<Date>,
    pub status: Status,
    pub days_overdue: i64,
}

fn status_of(next_due: Option<Date>, today: Date) -> Status {
    match next_due {
        None => Status::Never,
        Some(due) if today > due => Status::Overdue,
        Some(due) if days_between(today, due) <= 7 => Status::Due,
        Some(_) => Status::Ok,
    }
}

/// A client's cadence figures as of `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientStats {
    /// The cadence in force: the note's own, else its tier's default.
    pub cadence: Cadence,
    pub last_contact: Option<Date>,
    pub next_due: Option<Date>,
    pub days_since_contact: Option<i64>,
    /// Days past `next_due` (positive only when overdue).
    pub days_overdue: i64,
    pub status: Status,
    /// Contact entries in the 365 days up to today.
    pub contacts_12m: u32,
    /// Contacts per calendar month, the 24 months up to and including today's.
    pub monthly: Vec<u32>,
    /// Every rhythm, the plain one first. `status` above is the worst of them.
    pub rhythms: Vec<Rhythm>,
    /// Indices into `client.followups` of open ones, and of those already missed.
    pub open_followups: Vec<usize>,
    pub missed_followups: Vec<usize>,
}

impl ClientStats {
    /// The rhythm the client's status comes from: the worst, then the soonest due (the
    /// plain one on a tie). Its cadence, last contact and due date belong together.
    pub fn governing(&self) -> Option<&Rhythm> {
        self.rhythms
            .iter()
            .enumerate()
            .min_by_key(|(n, r)| (r.status, r.next_due.is_none(), r.next_due, *n))
            .map(|(_, r)| r)
    }
}

/// Whether an entry counts as contact as of `today`.
pub fn counts(kind: Kind, date: Date, today: Date) -> bool {
    kind.is_contact() && date <= today
}

/// First day of the month `back` months before `today`'s month.
pub fn month_start(today: Date, back: i64) -> Date {
    let first = today.first_of_month();
    first
        .checked_sub(jiff::Span::new().months(back))
        .unwrap_or(first)
}

pub fn client_stats(client: &Client, today: Date, cadences: &TierCadences) -> ClientStats {
    let cadence = client
        .cadence
        .unwrap_or_else(|| cadences.for_tier(client.tier));
    let contacts = || client.ticks().filter(|e| counts(e.kind, e.date, today));
    let last_contact = contacts().map(|e| e.date).max();
    let plain_due = last_contact.and_then(|d| cadence.add_to(d));
    let mut rhythms = vec![Rhythm {
        kind: None,
        every: cadence,
        last: last_contact,
        next_due: plain_due,
        status: status_of(plain_due, today),
        days_overdue: plain_due.map_or(0, |d| days_between(d, today).max(0)),
    }];
    // A kind never logged is measured from the start of the relationship (`since`, or
    // the first contact): a client seen for a year but never visited is overdue a visit.
    let first_contact = contacts().map(|e| e.date).min();
    for &(kind, every) in &client.kind_cadences {
        let last = contacts().filter(|e| e.kind == kind).map(|e| e.date).max();
        let start = last
            .or(client.since.filter(|s| *s <= today))
            .or(first_contact);
        let next_due = if last_contact.is_none() {
            None
        } else {
            start.and_then(|d| every.add_to(d))
        };
        rhythms.push(Rhythm {
            kind: Some(kind),
            every,
            last,
            next_due,
            status: status_of(next_due, today),
            days_overdue: next_due.map_or(0, |d| days_between(d, today).max(0)),
        });
    }
    // A lost client is never overdue or due: every rhythm says `lost`.
    if client.lost_on(today) {
        for r in &mut rhythms {
            (r.status, r.next_due, r.days_overdue) = (Status::Lost, None, 0);
        }
    }
    let status = rhythms
        .iter()
        .map(|r| r.status)
        .min()
        .unwrap_or(Status::Never);
    let next_due = rhythms.iter().filter_map(|r| r.next_due).min();
    let year_ago = today
        .checked_sub(jiff::Span::new().days(365))
        .unwrap_or(today);
    let first_month = month_start(today, 23);
    let mut monthly = vec![0u32; 24];
    for e in contacts() {
        if e.date >= first_month {
            let idx = (i64::from(e.date.year()) - i64::from(first_month.year())) * 12
                + i64::from(e.date.month())
                - i64::from(first_month.month());
            if let Some(slot) = usize::try_from(idx).ok().and_then(|i| monthly.get_mut(i)) {
                *slot += 1;
            }
        }
    }
    let open: Vec<usize> = (0..client.followups.len())
        .filter(|&i| client.followups.get(i).is_some_and(|f| !f.done))
        .collect();
    let missed = open
        .iter()
        .copied()
        .filter(|&i| client.followups.get(i).is_some_and(|f| f.date < today))
        .collect();
    ClientStats {
        cadence,
        last_contact,
        next_due,
        days_since_contact: last_contact.map(|d| days_between(d, today)),
        days_overdue: rhythms.iter().map(|r| r.days_overdue).max().unwrap_or(0),
        status,
        rhythms,
        contacts_12m: u32::try_from(contacts().filter(|e| e.date > year_ago).count())
            .unwrap_or(u32::MAX),
        monthly,
        open_followups: open,
        missed_followups: missed,
    }
}

/// Which of the 52 weeks starting on `first_week` holds `date` (None outside them).
pub fn week_index(first_week: Date, date: Date) -> Option<usize> {
    if date < first_week {
        return None;
    }
    usize::try_from(days_between(first_week, date) / 7)
        .ok()
        .filter(|w| *w < 52)
}

/// Team-wide figures for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Monday of the first of the 52 weeks, and contacts per week.
    pub first_week: Date,
    pub weekly: Vec<u32>,
    /// Entries per kind in the last 365 days (every kind, `note` included), most first.
    pub kinds: Vec<(Kind, u32)>,
    /// Clients per status, in `Status::ALL` order.
    pub status_counts: Vec<(Status, usize)>,
    pub contacts_12m: u32,
    pub entries_total: usize,
    /// The most recent contacts (client index, the entry), newest first: copies, as a
    /// build lets go of most entries before it renders (`model::ShedLog`).
    /// Those of clients whose entries were let go of while reading (`ShedLog`) are
    /// missing until the notes are read again for them (`Workspace::fill_recent`).
    pub recent: Vec<(usize, Entry)>,
    /// Where the most recent contacts are: (client index, index into its entries).
    pub recent_at: Vec<(usize, usize)>,
    /// The day the newest entry or follow-up is dated, up to today: a timestamp that
    /// changes only when the notes do.
    pub newest: Option<Date>,
}

/// Monday of the first of the 52 weeks up to `today`'s (`Team::first_week`).
pub fn first_week(today: Date) -> Date {
    let monday = today
        .checked_sub(jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))
        .unwrap_or(today);
    monday
        .checked_sub(jiff::Span::new().weeks(51))
        .unwrap_or(monday)
}

pub fn team(clients: &[Client], stats: &[ClientStats], today: Date, recent_count: usize) -> Team {
    let first_week = first_week(today);
    let year_ago = today
        .checked_sub(jiff::Span::new().days(365))
        .unwrap_or(today);
    // Newest first; ties by client order then entry order, for stable output. Only the
    // first `recent_count` are needed: each part keeps its own first ones, and so does
    // the whole.
    let order = |a: &(Date, usize, usize), b: &(Date, usize, usize)| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    };
    let keep_first = |recent: &mut Vec<(Date, usize, usize)>| {
        if recent.len() > recent_count && recent_count > 0 {
            recent.select_nth_unstable_by(recent_count - 1, order);
        }
        recent.truncate(recent_count);
    };
    /// One part's counts: contacts per week, entries per kind (built-in kinds by their
    /// index, configured ones by name), the newest contacts, entries in all, and the
    /// newest day of an entry or follow-up.
    type Part = (
        Vec<u32>,
        ([u32; Kind::ALL.len()], BTreeMap<Kind, u32>),
        Vec<(Date, usize, usize)>,
        usize,
        Option<Date>,
    );
    let empty = || -> Part {
        (
            vec![0u32; 52],
            ([0u32; Kind::ALL.len()], BTreeMap::new()),
            Vec::new(),
            0,
            None,
        )
    };
    // Client by client on every core (400,000 entries at 10,000 clients), then added up.
    let (weekly, kinds, mut recent, entries_total, newest) = clients
        .par_iter()
        .enumerate()
        .fold(empty, |mut part, (ci, c)| {
            let (weekly, kinds, recent, total, newest) = &mut part;
            *total += c.entry_count();
            let followed = c.followups.iter().map(|f| f.date).filter(|&d| d <= today);
            *newest = (*newest).max(followed.max());
            for (ei, e) in c.ticks().enumerate() {
                if e.date > today {
                    continue;
                }
                *newest = (*newest).max(Some(e.date));
                if e.date > year_ago {
                    match e.kind.index() {
                        Some(k) => {
                            if let Some(slot) = kinds.0.get_mut(k) {
                                *slot += 1;
                            }
                        }
                        None => *kinds.1.entry(e.kind).or_insert(0) += 1,
                    }
                }
                if !e.kind.is_contact() {
                    continue;
                }
                if let Some(slot) = week_index(first_week, e.date).and_then(|w| weekly.get_mut(w)) {
                    *slot += 1;
                }
                recent.push((e.date, ci, ei));
            }
            if recent.len() > 4 * recent_count.max(1) {
                keep_first(recent);
            }
            part
        })
        .reduce(empty, |mut a, b| {
            for (x, y) in a.0.iter_mut().zip(&b.0) {
                *x += y;
            }
            for (x, y) in a.1.0.iter_mut().zip(&b.1.0) {
                *x += y;
            }
            for (k, n) in b.1.1 {
                *a.1.1.entry(k).or_insert(0) += n;
            }
            a.2.extend(b.2);
            keep_first(&mut a.2);
            a.3 += b.3;
            a.4 = a.4.max(b.4);
            a
        });
    keep_first(&mut recent);
    recent.sort_by(order);
    let (builtin, custom) = kinds;
    let mut kinds: Vec<(Kind, u32)> = Kind::ALL
        .iter()
        .copied()
        .zip(builtin)
        .chain(custom)
        .filter(|&(_, n)| n > 0)
        .collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Team {
        first_week,
        contacts_12m: stats.iter().map(|s| s.contacts_12m).sum(),
        weekly,
        kinds,
        status_counts: Status::ALL
            .iter()
            .map(|&s| (s, stats.iter().filter(|x| x.status == s).count()))
            .collect(),
        entries_total,
        recent: recent
            .iter()
            .filter_map(|&(_, ci, ei)| {
                let e = clients.get(ci)?.entries.get(ei)?;
                Some((ci, e.clone()))
            })
            .collect(),
        recent_at: recent.into_iter().map(|(_, ci, ei)| (ci, ei)).collect(),
        newest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, FollowUp, Tier};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn entry(date: &str, kind: Kind) -> Entry {
        Entry::bare(date, kind)
    }

    fn client(tier: Option<Tier>, entries: Vec<Entry>) -> Client {
        Client {
            id: "c".into(),
            name: "C".into(),
            tier,
            entries,
            ..Client::default()
        }
    }

    #[test]
    fn days_between_is_the_calendar_s() {
        // Every day of 1999–2030 against a few fixed days, and far-apart days, as the
        // calendar (jiff) counts them.
        let fixed = [
            d("2026-11-20"),
            d("2000-02-29"),
            d("1970-01-01"),
            d("2031-03-01"),
        ];
        let mut day = d("1999-01-01");
        while day < d("2031-01-01") {
            for f in fixed {
                let calendar = i64::from(f.until(day).unwrap().get_days());
                assert_eq!(days_between(f, day), calendar, "{f} → {day}");
            }
            day = day.tomorrow().unwrap();
        }
        for (a, b) in [("0001-01-01", "9999-12-31"), ("1600-02-29", "2400-02-29")] {
            let (a, b) = (d(a), d(b));
            assert_eq!(
                days_between(a, b),
                i64::from(a.until(b).unwrap().get_days())
            );
            assert_eq!(days_between(b, a), -days_between(a, b));
        }
    }

    #[test]
    fn status_by_cadence() {
        let today = d("2026-11-22");
        let cad = TierCadences::default();
        // key: 14d. Last contact 2026-11-01 → due 11-15 → overdue by 7.
        let s = client_stats(
            &client(Some(Tier::Key), vec![entry("2026-11-01", Kind::Visit)]),
            today,
            &cad,
        );
        assert_eq!(
            (s.status, s.next_due, s.days_overdue, s.days_since_contact),
            (Status::Overdue, Some(d("2026-11-15")), 7, Some(21))
        );
        // 2026-11-10 + 14 = 11-24: within 7 days → due.
        let s = client_stats(
            &client(Some(Tier::Key), vec![entry("2026-11-10", Kind::Call)]),
            today,
            &cad,
        );
        assert_eq!(s.status, Status::Due);
        // Due exactly today and exactly in 7 days are both `due`; 8 days is ok.
        let s = client_stats(
            &client(Some(Tier::Key), vec![entry("2026-11-08", Kind::Call)]),
            today,
            &cad,
        );
        assert_eq!(s.status, Status::Due);
        let s = client_stats(
            &client(Some(Tier::Key), vec![entry("2026-11-15", Kind::Call)]),
            today,
            &cad,
        );
        assert_eq!(s.status, Status::Due);
        let s = client_stats(
            &client(Some(Tier::Key), vec![entry("2026-11-16", Kind::Call)]),
            today,
            &cad,
        );
        assert_eq!(s.status, Status::Ok);
        // Notes and future entries are not contacts.
        let s = client_stats(
            &client(
                None,
                vec![
                    entry("2026-11-20", Kind::Note),
                    entry("2026-12-01", Kind::Call),
                ],
            ),
            today,
            &cad,
        );
        assert_eq!(
            (s.status, s.last_contact, s.next_due),
            (Status::Never, None, None)
        );
    }

    #[test]
    fn rhythms_per_kind() {
        let today = d("2026-11-22");
        let mut c = client(
            Some(Tier::Key),
            vec![
                entry("2026-11-20", Kind::Call),
                entry("2026-08-01", Kind::Visit),
            ],
        );
        c.cadence = Some(Cadence::days(14));
        c.kind_cadences = vec![(Kind::Visit, Cadence::parse("2m").unwrap())];
        let s = client_stats(&c, today, &TierCadences::default());
        assert_eq!(s.rhythms.len(), 2);
        assert_eq!(s.rhythms[0].status, Status::Ok);
        // Visit 2026-08-01 + 2 months = 10-01: 52 days late.
        assert_eq!(
            (
                s.rhythms[1].next_due,
                s.rhythms[1].status,
                s.rhythms[1].days_overdue
            ),
            (Some(d("2026-10-01")), Status::Overdue, 52)
        );
        assert_eq!(
            (s.status, s.days_overdue, s.next_due),
            (Status::Overdue, 52, Some(d("2026-10-01")))
        );
        let g = s.governing().unwrap();
        assert_eq!(
            (g.kind, g.every, g.last, g.next_due),
            (
                Some(Kind::Visit),
                Cadence::parse("2m").unwrap(),
                Some(d("2026-08-01")),
                Some(d("2026-10-01"))
            )
        );
        // Never visited: measured from `since`.
        let mut c = client(None, vec![entry("2026-11-20", Kind::Call)]);
        c.since = Some(d("2026-10-01"));
        c.kind_cadences = vec![(Kind::Visit, Cadence::parse("1m").unwrap())];
        let s = client_stats(&c, today, &TierCadences::default());
        assert_eq!(
            (s.rhythms[1].next_due, s.rhythms[1].status),
            (Some(d("2026-11-01")), Status::Overdue)
        );
    }

    #[test]
    fn monthly_and_followups() {
        let today = d("2026-11-22");
        let mut c = client(
            None,
            vec![
                entry("2026-11-02", Kind::Call),
                entry("2026-11-01", Kind::Visit),
                entry("2024-12-01", Kind::Call),
                entry("2024-11-30", Kind::Call),
            ],
        );
        c.followups = vec![
            FollowUp {
                date: d("2026-11-16"),
                text: "a".into(),
                done: false,
                done_on: None,
                line: 1,
                entry_line: None,
            },
            FollowUp {
                date: d("2026-11-30"),
                text: "b".into(),
                done: false,
                done_on: None,
                line: 2,
                entry_line: None,
            },
            FollowUp {
                date: d("2026-11-01"),
                text: "c".into(),
                done: true,
                done_on: None,
                line: 3,
                entry_line: None,
            },
        ];
        let s = client_stats(&c, today, &TierCadences::default());
        assert_eq!(s.monthly.len(), 24);
        assert_eq!(s.monthly[23], 2);
        assert_eq!(s.monthly[0], 1); // 2024-12; 2024-11-30 is before the window
        assert_eq!(s.contacts_12m, 2);
        assert_eq!(s.open_followups, vec![0, 1]);
        assert_eq!(s.missed_followups, vec![0]);
    }

    #[test]
    fn team_weeks_and_kinds() {
        let today = d("2026-11-22"); // a Sunday
        let clients = vec![client(
            None,
            vec![
                entry("2026-11-16", Kind::Call),
                entry("2026-11-22", Kind::Wechat),
                entry("2026-11-15", Kind::Note),
            ],
        )];
        let stats: Vec<_> = clients
            .iter()
            .map(|c| client_stats(c, today, &TierCadences::default()))
            .collect();
        let t = team(&clients, &stats, today, 10);
        assert_eq!(t.weekly[51], 2);
        assert_eq!(t.weekly[50], 0);
        assert_eq!(t.first_week, d("2025-11-24"));
        assert_eq!(t.kinds.len(), 3);
        let recent: Vec<(usize, Date, Kind)> =
            t.recent.iter().map(|(c, e)| (*c, e.date, e.kind)).collect();
        assert_eq!(
            recent,
            vec![
                (0, d("2026-11-22"), Kind::Wechat),
                (0, d("2026-11-16"), Kind::Call)
            ]
        );
        assert_eq!(t.newest, Some(d("2026-11-22")));
        // The newest day is a follow-up's when that is newer, up to today only.
        let follow = |date: &str| FollowUp {
            date: d(date),
            text: "a".into(),
            done: false,
            done_on: None,
            line: 1,
            entry_line: None,
        };
        let mut c = client(None, vec![entry("2026-11-16", Kind::Call)]);
        c.followups = vec![follow("2026-11-20"), follow("2026-11-30")];
        let t = team(std::slice::from_ref(&c), &stats, today, 10);
        assert_eq!(t.newest, Some(d("2026-11-20")));
        c.followups.clear();
        let t = team(std::slice::from_ref(&c), &stats, today, 10);
        assert_eq!(t.newest, Some(d("2026-11-16")));
    }
}
