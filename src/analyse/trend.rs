//! Trends and changes, replayed from the contact log: where each client stood as of
//! each of the last 52 Sundays, and what changed since a given day.
//!
//! Nothing here needs git: a client's status on a past day is worked out from the
//! entries dated up to that day, with the cadence the note gives today (a note's
//! history of edits is not known). A client counts from the day it is known: its
//! `since`, or its first entry, whichever is earlier; a client with neither counts in
//! every week. The current week is replayed as of `today`, not its Sunday, so its
//! figures are today's.

use crate::model::{Client, Date, Kind, Tier, TierCadences};

use super::deals::{Complaint, Deal};
use super::{Status, status_of};

/// Weeks in a trend (the same weeks as the contacts-per-week chart).
pub const WEEKS: usize = 52;

/// A client's status on each of the weeks (None: not known yet).
pub type WeekStatuses = [Option<Status>; WEEKS];

/// The day a client is known from (None: no date says; it counts always).
pub fn known_from(client: &Client) -> Option<Date> {
    let first_entry = client.ticks().map(|e| e.date).min();
    match (client.since, first_entry) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The client's status as of the end of `day`, counting only entries dated up to it:
/// what `client_stats(client, day, …).status` says (`replay_is_client_stats` checks
/// it), without building the rest of the figures. None when the client is not known
/// by `day`.
pub fn status_on(client: &Client, cadences: &TierCadences, day: Date) -> Option<Status> {
    if known_from(client).is_some_and(|k| k > day) {
        return None;
    }
    if client.lost_on(day) {
        return Some(Status::Lost);
    }
    let cadence = client
        .cadence
        .unwrap_or_else(|| cadences.for_tier(client.tier));
    // The log is newest first: what comes at or after `start` is dated up to `day`.
    let start = client.entries.partition_point(|e| e.date > day);
    let upto = client.entries.get(start..).unwrap_or_default();
    let last_contact = upto.iter().find(|e| e.kind.is_contact()).map(|e| e.date);
    let first_contact = upto
        .iter()
        .rev()
        .find(|e| e.kind.is_contact())
        .map(|e| e.date);
    Some(rhythms_status(
        client,
        cadence,
        day,
        (first_contact, last_contact),
        |n| {
            let kind = client.kind_cadences.get(n)?.0;
            last_of(upto, kind)
        },
    ))
}

/// The worst status of a client's rhythms on `day`, as `client_stats` works it out:
/// the plain cadence from the last contact, and each per-kind one from that kind's last
/// contact (else `since`, else the first contact). `contacts` are the first and last
/// contact up to `day`, `last_of_kind(n)` the last of `client.kind_cadences[n]`'s kind.
fn rhythms_status(
    client: &Client,
    cadence: crate::model::Cadence,
    day: Date,
    (first_contact, last_contact): (Option<Date>, Option<Date>),
    last_of_kind: impl Fn(usize) -> Option<Date>,
) -> Status {
    let mut status = status_of(last_contact.and_then(|d| cadence.add_to(d)), day);
    for (n, &(_, every)) in client.kind_cadences.iter().enumerate() {
        let start = last_of_kind(n)
            .or(client.since.filter(|s| *s <= day))
            .or(first_contact);
        let next_due = if last_contact.is_none() {
            None
        } else {
            start.and_then(|d| every.add_to(d))
        };
        status = status.min(status_of(next_due, day));
    }
    status
}

fn last_of(entries: &[crate::model::Entry], kind: Kind) -> Option<Date> {
    entries
        .iter()
        .find(|e| e.kind == kind && e.kind.is_contact())
        .map(|e| e.date)
}

/// The day each week is replayed as of: its Sunday, or `today` for the current week.
pub fn week_day(first_week: Date, w: usize, today: Date) -> Date {
    let sunday = first_week
        .checked_add(jiff::Span::new().days(7 * w as i64 + 6))
        .unwrap_or(today);
    sunday.min(today)
}

/// The client's status on each of the 52 weeks starting on `first_week`: what
/// `status_on` says for each week's day (`replay_is_status_on_every_week` checks it), in
/// one pass over the log from its oldest entry rather than 52 searches.
pub fn replay(
    client: &Client,
    cadences: &TierCadences,
    first_week: Date,
    today: Date,
) -> WeekStatuses {
    let mut out = [None; WEEKS];
    // A client first dated after today (a `since` or an entry ahead) counts from today,
    // as every client does on today's pages.
    let known = known_from(client).map(|k| k.min(today));
    let cadence = client
        .cadence
        .unwrap_or_else(|| cadences.for_tier(client.tier));
    // The log is newest first: oldest first is from its end.
    let mut older = client.entries.iter().rev().peekable();
    let mut first_contact: Option<Date> = None;
    let mut last_contact: Option<Date> = None;
    let mut last_of_kind: [Option<Date>; 8] = [None; 8];
    let kinds = client
        .kind_cadences
        .get(..8)
        .unwrap_or(&client.kind_cadences);
    for (w, slot) in out.iter_mut().enumerate() {
        let day = week_day(first_week, w, today);
        if known.is_some_and(|k| k > day) {
            continue;
        }
        while let Some(e) = older.next_if(|e| e.date <= day) {
            if !e.kind.is_contact() {
                continue;
            }
            first_contact = first_contact.or(Some(e.date));
            last_contact = Some(e.date);
            for (n, &(kind, _)) in kinds.iter().enumerate() {
                if kind == e.kind
                    && let Some(l) = last_of_kind.get_mut(n)
                {
                    *l = Some(e.date);
                }
            }
        }
        *slot = Some(if client.lost_on(day) {
            Status::Lost
        } else {
            rhythms_status(client, cadence, day, (first_contact, last_contact), |n| {
                last_of_kind.get(n).copied().flatten()
            })
        });
    }
    // More than eight per-kind rhythms (there are fewer kinds than that in practice):
    // the plain search, week by week.
    if client.kind_cadences.len() > 8 {
        for (w, slot) in out.iter_mut().enumerate() {
            *slot = status_on(client, cadences, week_day(first_week, w, today));
        }
    }
    out
}

/// One week of a trend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendWeek {
    /// The Monday the week starts on.
    pub week: Date,
    /// Clients known by the week's day.
    pub clients: usize,
    /// Of those, `ok` or `due` then.
    pub on_cadence: usize,
    pub overdue: usize,
    /// Contact entries dated in the week (up to today).
    pub contacts: u32,
}

impl TrendWeek {
    /// `on_cadence` over `clients` (0 when no client was known yet).
    pub fn on_cadence_share(&self) -> f64 {
        if self.clients == 0 {
            0.0
        } else {
            self.on_cadence as f64 / self.clients as f64
        }
    }
}

/// The trend of a set of clients: their replayed statuses and their contacts per week.
pub fn trend<'a>(
    statuses: impl Iterator<Item = &'a WeekStatuses>,
    weekly: &[u32],
    first_week: Date,
) -> Vec<TrendWeek> {
    let mut out: Vec<TrendWeek> = (0..WEEKS)
        .map(|w| TrendWeek {
            week: first_week
                .checked_add(jiff::Span::new().days(7 * w as i64))
                .unwrap_or(first_week),
            clients: 0,
            on_cadence: 0,
            overdue: 0,
            contacts: weekly.get(w).copied().unwrap_or(0),
        })
        .collect();
    for s in statuses {
        for (week, status) in out.iter_mut().zip(s) {
            let Some(status) = status else { continue };
            // A lost client is out of the shares, as it is out of today's.
            if *status == Status::Lost {
                continue;
            }
            week.clients += 1;
            match status {
                Status::Ok | Status::Due => week.on_cadence += 1,
                Status::Overdue => week.overdue += 1,
                Status::Never | Status::Lost => {}
            }
        }
    }
    out
}

/// Contacts per week of some clients (the key clients' chart).
pub fn weekly_contacts<'a>(
    clients: impl Iterator<Item = &'a Client>,
    first_week: Date,
    today: Date,
) -> Vec<u32> {
    let mut weekly = vec![0u32; WEEKS];
    for e in clients.flat_map(Client::ticks) {
        if super::counts(e.kind, e.date, today)
            && let Some(slot) =
                super::week_index(first_week, e.date).and_then(|w| weekly.get_mut(w))
        {
            *slot += 1;
        }
    }
    weekly
}

/// The key clients' indices.
pub fn key_clients(clients: &[Client]) -> impl Iterator<Item = usize> + '_ {
    clients
        .iter()
        .enumerate()
        .filter(|(_, c)| c.tier == Some(Tier::Key))
        .map(|(i, _)| i)
}

/// What changed between the end of `since` and `today`: events dated after `since`
/// and up to `today`, and statuses then and now. Indices are client indices; events
/// are (client, index into that client's deals or complaints).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub since: Date,
    /// Overdue today, not overdue (or not known) on `since`; most urgent first.
    pub newly_overdue: Vec<usize>,
    /// Overdue on `since`, not today.
    pub back_on_track: Vec<usize>,
    pub deals: Vec<(usize, usize)>,
    pub complaints_opened: Vec<(usize, usize)>,
    pub complaints_resolved: Vec<(usize, usize)>,
    /// Known from a day in the window.
    pub new_clients: Vec<usize>,
    /// Lost in the window (`lost: {date}` after `since`), newest first.
    pub lost: Vec<usize>,
}

/// An event's day, client and index among that client's events.
type Dated = (Date, usize, usize);

/// The window's changes. `then` is each client's `status_on(since)`, `now` its status
/// today, `urgency` every client most urgent first.
#[allow(clippy::too_many_arguments)]
pub fn changes(
    clients: &[Client],
    then: &[Option<Status>],
    now: &[Status],
    deals: &[Vec<Deal>],
    complaints: &[Vec<Complaint>],
    urgency: &[usize],
    since: Date,
    today: Date,
) -> Changes {
    let in_window = |d: Date| d > since && d <= today;
    let was = |i: usize| then.get(i).copied().flatten();
    let is = |i: usize| now.get(i).copied();
    let newly_overdue = urgency
        .iter()
        .copied()
        .filter(|&i| is(i) == Some(Status::Overdue) && was(i) != Some(Status::Overdue))
        .collect();
    let back_on_track = urgency
        .iter()
        .copied()
        .filter(|&i| {
            was(i) == Some(Status::Overdue)
                && is(i).is_some_and(|s| s != Status::Overdue && s != Status::Lost)
        })
        .collect();
    // Events newest first; ties by client, then by their order in the note.
    let events = |dated: &mut dyn FnMut(usize, &mut Vec<Dated>)| {
        let mut out = Vec::new();
        for i in 0..clients.len() {
            dated(i, &mut out);
        }
        out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        out.into_iter().map(|(_, c, n)| (c, n)).collect::<Vec<_>>()
    };
    let deals_in = events(&mut |i, out| {
        for (n, d) in deals.get(i).into_iter().flatten().enumerate() {
            if in_window(d.date) {
                out.push((d.date, i, n));
            }
        }
    });
    let opened = events(&mut |i, out| {
        for (n, c) in complaints.get(i).into_iter().flatten().enumerate() {
            if in_window(c.date) {
                out.push((c.date, i, n));
            }
        }
    });
    let resolved = events(&mut |i, out| {
        for (n, c) in complaints.get(i).into_iter().flatten().enumerate() {
            if let Some(r) = c.resolved.filter(|r| in_window(*r)) {
                out.push((r, i, n));
            }
        }
    });
    let new_clients = clients
        .iter()
        .enumerate()
        .filter(|(_, c)| known_from(c).is_some_and(in_window))
        .map(|(i, _)| i)
        .collect();
    // Lost in the window: newest first, then by client.
    let lost = events(&mut |i, out| {
        if let Some(c) = clients.get(i)
            && c.lost_on(today)
            && let Some(d) = c
                .lost
                .as_ref()
                .and_then(|l| l.date)
                .filter(|d| in_window(*d))
        {
            out.push((d, i, 0));
        }
    })
    .into_iter()
    .map(|(i, _)| i)
    .collect();
    Changes {
        since,
        newly_overdue,
        back_on_track,
        deals: deals_in,
        complaints_opened: opened,
        complaints_resolved: resolved,
        new_clients,
        lost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cadence, Entry};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn client(tier: Option<Tier>, dates: &[(&str, Kind)]) -> Client {
        let mut entries: Vec<Entry> = dates.iter().map(|(s, k)| Entry::bare(s, *k)).collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.date));
        Client {
            id: "c".into(),
            name: "C".into(),
            tier,
            entries,
            ..Client::default()
        }
    }

    #[test]
    fn replay_is_client_stats() {
        // Every day of a year, for clients with plain and per-kind rhythms, a `since`,
        // notes (not contacts) and no contact at all: the replayed status is the one
        // the full figures give as of that day.
        let cad = TierCadences::default();
        let mut clients = vec![
            client(
                Some(Tier::Key),
                &[
                    ("2026-01-10", Kind::Visit),
                    ("2026-03-01", Kind::Call),
                    ("2026-03-01", Kind::Note),
                    ("2026-06-20", Kind::Wechat),
                    ("2026-09-02", Kind::Note),
                ],
            ),
            client(None, &[("2026-05-05", Kind::Note)]),
            client(Some(Tier::Regular), &[]),
        ];
        let mut c = client(
            Some(Tier::Regular),
            &[("2026-02-01", Kind::Call), ("2026-07-01", Kind::Visit)],
        );
        c.since = Some(d("2025-12-01"));
        c.kind_cadences = vec![(Kind::Visit, Cadence::parse("2m").unwrap())];
        clients.push(c);
        let mut controls = 0;
        for c in &clients {
            let mut day = d("2025-11-01");
            while day < d("2026-12-31") {
                let replayed = status_on(c, &cad, day);
                let full = super::super::client_stats(c, day, &cad).status;
                if known_from(c).is_none_or(|k| k <= day) {
                    assert_eq!(replayed, Some(full), "{} on {day}", c.entries.len());
                } else {
                    assert_eq!(replayed, None);
                    controls += 1;
                }
                day = day.tomorrow().unwrap();
            }
        }
        // The probe can fail: some days are before a client is known.
        assert!(controls > 0);
    }

    #[test]
    fn replay_is_status_on_every_week() {
        // The one-pass replay against the search, for the clients above and every
        // `today` of a year (so every week boundary falls on every weekday's side).
        let cad = TierCadences::default();
        let mut c = client(
            Some(Tier::Regular),
            &[
                ("2026-02-01", Kind::Call),
                ("2026-07-01", Kind::Visit),
                ("2026-07-01", Kind::Note),
                ("2026-09-15", Kind::Wechat),
            ],
        );
        c.since = Some(d("2025-12-01"));
        c.kind_cadences = vec![
            (Kind::Visit, Cadence::parse("2m").unwrap()),
            (Kind::Call, Cadence::parse("3w").unwrap()),
        ];
        let plain = client(Some(Tier::Key), &[("2026-03-03", Kind::Call)]);
        let none = client(None, &[]);
        let mut today = d("2026-01-01");
        let mut differ = 0;
        while today < d("2027-01-01") {
            let monday = today
                .checked_sub(
                    jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset())),
                )
                .unwrap();
            let first = monday.checked_sub(jiff::Span::new().weeks(51)).unwrap();
            for x in [&c, &plain, &none] {
                let fast = replay(x, &cad, first, today);
                for (w, got) in fast.iter().enumerate() {
                    let day = week_day(first, w, today);
                    let mut want = status_on(x, &cad, day);
                    // A client dated only after today counts from today, never contacted.
                    if day == today && known_from(x).is_some_and(|k| k > today) {
                        want = Some(Status::Never);
                    }
                    assert_eq!(*got, want, "{today} week {w}");
                }
                differ += usize::from(fast.first() != fast.last());
            }
            today = today.tomorrow().unwrap();
        }
        // The probe can fail: statuses do change across the weeks.
        assert!(differ > 0);
    }

    #[test]
    fn a_trend_by_hand() {
        // today Sunday 2026-11-22; the 52 weeks start Monday 2025-11-24.
        let today = d("2026-11-22");
        let first = d("2025-11-24");
        let cad = TierCadences::default(); // key 14d, regular 30d
        // a (key): contacts 11-02 and 11-20. On Sunday 11-15 (week 50): last 11-02,
        // due 11-16 → due (on cadence). On 11-22 (week 51): last 11-20 → ok.
        // On Sunday 11-08 (week 49): due 11-16, 8 days → ok.
        // On 11-01 (week 48): not known yet.
        let a = client(
            Some(Tier::Key),
            &[("2026-11-02", Kind::Visit), ("2026-11-20", Kind::Call)],
        );
        // b (regular): contact 2026-09-01 → due 10-01; overdue from 10-02 on.
        let b = client(Some(Tier::Regular), &[("2026-09-01", Kind::Call)]);
        let s: Vec<WeekStatuses> = [&a, &b]
            .iter()
            .map(|c| replay(c, &cad, first, today))
            .collect();
        let weekly = weekly_contacts([&a, &b].into_iter(), first, today);
        let t = trend(s.iter(), &weekly, first);
        assert_eq!(t.len(), 52);
        assert_eq!(t[51].week, d("2026-11-16"));
        let figs = |w: usize| (t[w].clients, t[w].on_cadence, t[w].overdue, t[w].contacts);
        assert_eq!(figs(51), (2, 1, 1, 1));
        assert_eq!(figs(50), (2, 1, 1, 0));
        // Week 49 runs 11-02…11-08 and holds a's visit of 11-02.
        assert_eq!(figs(49), (2, 1, 1, 1));
        assert_eq!(t[49].week, d("2026-11-02"));
        assert_eq!(figs(48), (1, 0, 1, 0));
        // Week of 2026-08-31 (Sunday 09-06): b contacted 09-01 → ok; a unknown.
        let w = t.iter().position(|w| w.week == d("2026-08-31")).unwrap();
        assert_eq!(figs(w), (1, 1, 0, 1));
        assert_eq!(t[51].on_cadence_share(), 0.5);
        assert_eq!(t[0].on_cadence_share(), 0.0);
    }

    #[test]
    fn changes_by_hand() {
        let today = d("2026-11-22");
        let since = d("2026-11-15");
        let cad = TierCadences::default();
        // a: key, last contact 11-01 → due 11-15: on 11-15 `due`, today overdue.
        let a = client(Some(Tier::Key), &[("2026-11-01", Kind::Call)]);
        // b: regular, overdue on 11-15 (contact 2026-09-01), called 11-20 → ok.
        let b = client(
            Some(Tier::Regular),
            &[("2026-09-01", Kind::Call), ("2026-11-20", Kind::Call)],
        );
        // c: first logged 11-16 → new; a deal that day.
        let c = client(None, &[("2026-11-16", Kind::Deal)]);
        let clients = vec![a, b, c];
        let then: Vec<_> = clients.iter().map(|c| status_on(c, &cad, since)).collect();
        let now: Vec<_> = clients
            .iter()
            .map(|c| super::super::client_stats(c, today, &cad).status)
            .collect();
        let deals: Vec<_> = clients
            .iter()
            .map(|c| super::super::deals::deals(c, today))
            .collect();
        let complaints = vec![Vec::new(); 3];
        let ch = changes(
            &clients,
            &then,
            &now,
            &deals,
            &complaints,
            &[0, 1, 2],
            since,
            today,
        );
        assert_eq!(then, vec![Some(Status::Due), Some(Status::Overdue), None]);
        assert_eq!(ch.newly_overdue, vec![0]);
        assert_eq!(ch.back_on_track, vec![1]);
        assert_eq!(ch.deals, vec![(2, 0)]);
        assert_eq!(ch.new_clients, vec![2]);
        // Control: a window that ends before the deal has none of it.
        let ch = changes(
            &clients,
            &then,
            &now,
            &deals,
            &complaints,
            &[0, 1, 2],
            since,
            since,
        );
        assert!(ch.deals.is_empty() && ch.new_clients.is_empty());
    }
}
