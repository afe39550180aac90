//! Whole-book views: clients cooling off, who referred whom, and each rep's book.

use std::collections::BTreeMap;

use crate::model::{Client, Date, Tier};

use super::{ClientStats, Status, counts, days_between};

/// Contacts in the last 90 days and in the 90 days before.
pub fn recent_rates(client: &Client, today: Date) -> (u32, u32) {
    let (mut recent, mut before) = (0, 0);
    for e in client.ticks().filter(|e| counts(e.kind, e.date, today)) {
        match days_between(e.date, today) {
            0..90 => recent += 1,
            90..180 => before += 1,
            _ => {}
        }
    }
    (recent, before)
}

/// Cooling off: fewer than half as many contacts in the last 90 days as in the 90 before
/// (`recent_rates`).
pub fn is_cooling((recent, before): (u32, u32)) -> bool {
    before > 0 && recent * 2 < before
}

/// Cooling clients, key clients first, then the steepest drop. `rates[i]` is client
/// `i`'s `recent_rates`.
pub fn cooling(clients: &[Client], rates: &[(u32, u32)]) -> Vec<usize> {
    let mut out: Vec<(bool, i64, usize)> = clients
        .iter()
        .zip(rates)
        .enumerate()
        .filter(|(_, (_, r))| is_cooling(**r))
        .map(|(i, (c, &(r, b)))| (c.tier != Some(Tier::Key), i64::from(r) - i64::from(b), i))
        .collect();
    out.sort();
    out.into_iter().map(|(_, _, i)| i).collect()
}

/// `referred_by` chains that come back to where they started: a client naming itself,
/// or a→b→a, a→b→c→a. Each cycle once, as client indices in referral order (each one
/// `referred_by` the next), starting from its smallest index; cycles sorted.
pub fn referral_cycles(
    clients: &[Client],
    index_of: impl Fn(&str) -> Option<usize>,
) -> Vec<Vec<usize>> {
    let next: Vec<Option<usize>> = clients
        .iter()
        .map(|c| c.referred_by.as_deref().and_then(&index_of))
        .collect();
    // 0: not seen, 1: on the current walk, 2: done.
    let mut state = vec![0u8; clients.len()];
    let mut cycles = Vec::new();
    for start in 0..clients.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state.get(i).copied() {
                Some(0) => {
                    if let Some(s) = state.get_mut(i) {
                        *s = 1;
                    }
                    path.push(i);
                    at = next.get(i).copied().flatten();
                }
                Some(1) => {
                    if let Some(p) = path.iter().position(|&x| x == i) {
                        let mut cycle: Vec<usize> = path.get(p..).unwrap_or_default().to_vec();
                        if let Some(m) = (0..cycle.len()).min_by_key(|&k| cycle.get(k)) {
                            cycle.rotate_left(m);
                        }
                        cycles.push(cycle);
                    }
                    break;
                }
                _ => break,
            }
        }
        for i in path {
            if let Some(s) = state.get_mut(i) {
                *s = 2;
            }
        }
    }
    cycles.sort();
    cycles
}

/// Who referred whom: for each referrer (client index), the clients it referred.
/// Referrers sorted by how many they referred, then by index. A referral that is part
/// of a cycle (see `referral_cycles`) is not counted: it cannot be true.
pub fn referrals(
    clients: &[Client],
    index_of: impl Fn(&str) -> Option<usize>,
) -> Vec<(usize, Vec<usize>)> {
    let in_cycle: std::collections::BTreeSet<usize> = referral_cycles(clients, &index_of)
        .into_iter()
        .flatten()
        .collect();
    let mut map: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in clients.iter().enumerate() {
        if in_cycle.contains(&i) {
            continue;
        }
        if let Some(r) = c.referred_by.as_deref().and_then(&index_of) {
            map.entry(r).or_default().push(i);
        }
    }
    let mut out: Vec<(usize, Vec<usize>)> = map.into_iter().collect();
    out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    out
}

/// One rep's book.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// The owner as written; empty for clients with no owner.
    pub owner: String,
    pub clients: Vec<usize>,
    pub overdue: usize,
    /// How many of its clients are lost (left out of `on_cadence`).
    pub lost: usize,
    /// Share of the clients not lost that are `ok` or `due` (not overdue, not never
    /// contacted).
    pub on_cadence: f64,
    /// How many clients are `ok` or `due`.
    pub on_cadence_count: usize,
    /// Contacts per week over the last 52 weeks (same weeks as the team chart).
    pub weekly: Vec<u32>,
    /// The book's trend over those weeks (set with the team's, in the playbook).
    pub trend: Vec<super::trend::TrendWeek>,
    /// Its clients' promises and inbound contacts (added up in the playbook).
    pub promises: super::promises::Promises,
    pub inbound: super::promises::Inbound,
    pub inbound_months: [super::promises::Inbound; super::promises::MONTHS],
}

pub fn books(
    clients: &[Client],
    stats: &[ClientStats],
    first_week: Date,
    today: Date,
) -> Vec<Book> {
    let mut by_owner: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in clients.iter().enumerate() {
        by_owner
            .entry(c.owner.clone().unwrap_or_default())
            .or_default()
            .push(i);
    }
    by_owner
        .into_iter()
        .map(|(owner, idx)| {
            let status = |i: &usize| stats.get(*i).map(|s| s.status);
            let overdue = idx
                .iter()
                .filter(|i| status(i) == Some(Status::Overdue))
                .count();
            let fine = idx
                .iter()
                .filter(|i| matches!(status(i), Some(Status::Ok | Status::Due)))
                .count();
            let lost = idx
                .iter()
                .filter(|i| status(i) == Some(Status::Lost))
                .count();
            let active = idx.len() - lost;
            let weekly = super::trend::weekly_contacts(
                idx.iter().filter_map(|&i| clients.get(i)),
                first_week,
                today,
            );
            Book {
                on_cadence: if active == 0 {
                    0.0
                } else {
                    fine as f64 / active as f64
                },
                lost,
                on_cadence_count: fine,
                owner,
                overdue,
                clients: idx,
                weekly,
                trend: Vec::new(),
                promises: Default::default(),
                inbound: Default::default(),
                inbound_months: Default::default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Kind, TierCadences};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn e(date: &str) -> Entry {
        Entry::bare(date, Kind::Call)
    }

    #[test]
    fn cooling_off() {
        let today = d("2026-11-22");
        // Before (90–179 days ago): 4 contacts; last 90 days: 1 → cooling.
        let c = Client {
            tier: Some(Tier::Key),
            entries: vec![
                e("2026-11-01"),
                e("2026-08-01"),
                e("2026-07-01"),
                e("2026-06-15"),
                e("2026-06-01"),
            ],
            ..Client::default()
        };
        assert_eq!(recent_rates(&c, today), (1, 4));
        assert!(is_cooling(recent_rates(&c, today)));
        let warm = Client {
            entries: vec![e("2026-11-01"), e("2026-10-01"), e("2026-07-01")],
            ..Client::default()
        };
        assert!(!is_cooling(recent_rates(&warm, today)));
        let clients = [warm, c];
        let rates: Vec<_> = clients.iter().map(|c| recent_rates(c, today)).collect();
        assert_eq!(cooling(&clients, &rates), vec![1]);
    }

    #[test]
    fn referral_cycles_are_found_and_not_counted() {
        let mk = |id: &str, by: Option<&str>| Client {
            id: id.into(),
            referred_by: by.map(String::from),
            ..Client::default()
        };
        // s names itself; a→b→a; c→d→e→c; f is referred by a (a real referral out of
        // a cycle member); g by f.
        let clients = vec![
            mk("a", Some("b")),
            mk("b", Some("a")),
            mk("c", Some("d")),
            mk("d", Some("e")),
            mk("e", Some("c")),
            mk("f", Some("a")),
            mk("g", Some("f")),
            mk("s", Some("s")),
        ];
        let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
        let idx = |id: &str| ids.iter().position(|x| *x == id);
        assert_eq!(
            referral_cycles(&clients, idx),
            vec![vec![0, 1], vec![2, 3, 4], vec![7]]
        );
        assert_eq!(referrals(&clients, idx), vec![(0, vec![5]), (5, vec![6])]);
    }

    #[test]
    fn referral_graph_and_books() {
        let mk = |id: &str, by: Option<&str>, owner: &str| Client {
            id: id.into(),
            referred_by: by.map(String::from),
            owner: Some(owner.into()).filter(|o: &String| !o.is_empty()),
            entries: vec![e("2026-11-20")],
            ..Client::default()
        };
        let clients = vec![
            mk("a", None, "王磊"),
            mk("b", Some("a"), "王磊"),
            mk("c", Some("a"), "Anna"),
            mk("d", Some("b"), ""),
        ];
        let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
        let r = referrals(&clients, |id| ids.iter().position(|x| *x == id));
        assert_eq!(r, vec![(0, vec![1, 2]), (1, vec![3])]);
        assert!(referral_cycles(&clients, |id| ids.iter().position(|x| *x == id)).is_empty());
        let today = d("2026-11-22");
        let stats: Vec<_> = clients
            .iter()
            .map(|c| super::super::client_stats(c, today, &TierCadences::default()))
            .collect();
        let b = books(&clients, &stats, d("2025-11-24"), today);
        let owners: Vec<&str> = b.iter().map(|b| b.owner.as_str()).collect();
        assert_eq!(owners, ["", "Anna", "王磊"]);
        assert_eq!(b[2].clients, vec![0, 1]);
        assert_eq!(b[2].on_cadence, 1.0);
        assert_eq!(b[2].weekly[51], 2);
    }
}
