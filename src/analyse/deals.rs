//! Persistence and closing well: deals and the touches before them, thank-yous after
//! them, complaints and how fast they were resolved, feedback scores, and prospects
//! given up too early.

use crate::model::{Client, Date, Kind, Tier};

use super::{ClientStats, counts, days_between};

/// Days after a deal within which a thank-you (gift, greeting, feedback, service) is
/// expected.
pub const THANKS_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    /// Index into `client.entries`.
    pub entry: usize,
    pub date: Date,
    pub amount: Option<f64>,
    /// Contact entries strictly between the previous deal and this one.
    pub touches: u32,
    pub line: usize,
    /// Date of the first gift, greeting, feedback or service within 14 days after the deal.
    pub thanked: Option<Date>,
    /// True when the 14 days are over and no thank-you was logged.
    pub thanks_missing: bool,
}

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// Does an entry of this kind, within `THANKS_DAYS` after a deal, close it well? A
/// gift, a greeting, a feedback call or an after-sales visit (`service`).
pub fn is_thanks(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Gift | Kind::Greeting | Kind::Feedback | Kind::Service
    )
}

/// The days of the client's contacts up to today, sorted (for counting by binary
/// search).
pub fn contact_days(client: &Client, today: Date) -> Vec<Date> {
    let mut days: Vec<Date> = client
        .entries
        .iter()
        .filter(|e| counts(e.kind, e.date, today))
        .map(|e| e.date)
        .collect();
    days.sort_unstable();
    days
}

/// The client's deals up to today, oldest first.
pub fn deals(client: &Client, today: Date) -> Vec<Deal> {
    let mut idx: Vec<usize> = (0..client.entries.len())
        .filter(|&i| {
            client
                .entries
                .get(i)
                .is_some_and(|e| e.kind == Kind::Deal && e.date <= today)
        })
        .collect();
    idx.sort_by_key(|&i| (client.entries.get(i).map(|e| e.date), std::cmp::Reverse(i)));
    // The contacts' and thank-yous' days, sorted: each deal counts its touches and
    // finds its thank-you by binary search (a note may hold 100,000 deals).
    let contacts = contact_days(client, today);
    let mut thanks: Vec<Date> = client
        .entries
        .iter()
        .filter(|t| is_thanks(t.kind) && t.date <= today)
        .map(|t| t.date)
        .collect();
    thanks.sort_unstable();
    let before = |d: Date| contacts.partition_point(|x| *x < d);
    let up_to = |d: Date| contacts.partition_point(|x| *x <= d);
    let mut previous: Option<Date> = None;
    let mut out = Vec::new();
    for i in idx {
        let Some(e) = client.entries.get(i) else {
            continue;
        };
        // Contacts dated strictly after the previous deal and strictly before this one.
        let touches = before(e.date).saturating_sub(previous.map_or(0, up_to));
        let until = add_days(e.date, THANKS_DAYS);
        let thanked = thanks
            .get(thanks.partition_point(|x| *x < e.date))
            .copied()
            .filter(|t| *t <= until);
        out.push(Deal {
            entry: i,
            date: e.date,
            amount: e.amount(),
            touches: u32::try_from(touches).unwrap_or(u32::MAX),
            line: e.line,
            thanked,
            thanks_missing: thanked.is_none() && today > until,
        });
        previous = Some(e.date);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Complaint {
    pub entry: usize,
    pub date: Date,
    /// Date of the latest done task item in the complaint's body, dated on or after
    /// the complaint.
    pub resolved: Option<Date>,
    pub line: usize,
    /// Days open (to today, or to the resolution).
    pub days: i64,
}

pub fn complaints(client: &Client, today: Date) -> Vec<Complaint> {
    // Done items by the line of the entry that holds them: each complaint looks up its
    // own (a note may hold 100,000 of both).
    let mut done: Vec<(usize, Date)> = client
        .followups
        .iter()
        .filter(|f| f.done && f.date <= today)
        .filter_map(|f| Some((f.entry_line? as usize, f.date)))
        .collect();
    done.sort_unstable();
    let mut out: Vec<Complaint> = client
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Kind::Complaint && e.date <= today)
        .map(|(i, e)| {
            let from = done.partition_point(|(l, _)| *l < e.line);
            let to = done.partition_point(|(l, _)| *l <= e.line);
            let resolved = done
                .get(from..to)
                .unwrap_or_default()
                .iter()
                // An item dated before the complaint cannot have resolved it (the
                // parser warns about it).
                .filter(|(_, d)| *d >= e.date)
                .map(|(_, d)| *d)
                .max();
            Complaint {
                entry: i,
                date: e.date,
                resolved,
                line: e.line,
                days: days_between(e.date, resolved.unwrap_or(today)).max(0),
            }
        })
        .collect();
    out.sort_by_key(|c| c.date);
    out
}

/// The newest feedback score: (date, score out of 10).
pub fn latest_score(client: &Client, today: Date) -> Option<(Date, f64)> {
    client
        .entries
        .iter()
        .filter(|e| e.kind == Kind::Feedback && e.date <= today)
        .filter_map(|e| e.score().map(|s| (e.date, s)))
        .max_by(|a, b| a.0.cmp(&b.0))
}

/// A prospect with fewer than 5 contacts and nothing for twice its cadence.
pub fn given_up_early(client: &Client, stats: &ClientStats, today: Date) -> bool {
    let contacts = client
        .entries
        .iter()
        .filter(|e| counts(e.kind, e.date, today))
        .count();
    client.tier == Some(Tier::Prospect)
        && (1..5).contains(&contacts)
        && stats
            .days_since_contact
            .is_some_and(|d| d as f64 > 2.0 * stats.cadence.approx_days())
}

/// The reference for how many contacts it takes to close: share of deals closed at the
/// 1st, 2nd, 3rd, 4th and 5th–12th contact.
pub const REFERENCE: [(&str, f64); 5] = [
    ("1", 0.02),
    ("2", 0.03),
    ("3", 0.05),
    ("4", 0.10),
    ("5–12", 0.80),
];

/// Team histogram of deals by the contact they closed at (touches + 1): buckets as in
/// `REFERENCE`, plus one for 13 and more.
pub fn closing_histogram(touches: impl Iterator<Item = u32>) -> [u32; 6] {
    let mut h = [0u32; 6];
    for t in touches {
        let bucket = match t + 1 {
            1 => 0,
            2 => 1,
            3 => 2,
            4 => 3,
            5..=12 => 4,
            _ => 5,
        };
        if let Some(slot) = h.get_mut(bucket) {
            *slot += 1;
        }
    }
    h
}

/// The median of some day counts (the mean of the middle two for an even count).
pub fn median(mut days: Vec<i64>) -> Option<f64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => days.get(n / 2).map(|&d| d as f64),
        _ => Some((days.get(n / 2 - 1)? + days.get(n / 2)?) as f64 / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, FollowUp, TierCadences};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn e(date: &str, kind: Kind, line: usize) -> Entry {
        Entry {
            line,
            ..Entry::bare(date, kind)
        }
    }

    #[test]
    fn touches_between_deals_and_thanks() {
        let today = d("2026-11-22");
        let mut c = Client {
            entries: vec![
                e("2026-11-15", Kind::Deal, 1),
                e("2026-10-20", Kind::Call, 2),
                e("2026-10-01", Kind::Gift, 3),
                e("2026-09-10", Kind::Deal, 4),
                e("2026-09-10", Kind::Call, 5),
                e("2026-08-01", Kind::Visit, 6),
                e("2026-07-01", Kind::Note, 7),
                e("2026-06-01", Kind::Call, 8),
            ],
            ..Client::default()
        };
        c.entries[3].figure = Some(120_000.0);
        let ds = deals(&c, today);
        assert_eq!(ds.len(), 2);
        // First deal 09-10: earlier contacts 08-01, 06-01 (the note and the same-day call don't count... the call
        // on 09-10 is not strictly before).
        assert_eq!(
            (ds[0].date, ds[0].touches, ds[0].amount),
            (d("2026-09-10"), 2, Some(120_000.0))
        );
        assert_eq!(ds[0].thanked, None, "the gift on 10-01 is 21 days later");
        assert!(ds[0].thanks_missing);
        // Second deal 11-15: contacts after 09-10 and before 11-15: 10-01 gift, 10-20 call.
        assert_eq!(ds[1].touches, 2);
        assert!(!ds[1].thanks_missing, "its 14 days are not over yet");
    }

    #[test]
    fn service_is_a_thank_you() {
        let today = d("2026-11-22");
        let dinner = Kind::Custom(crate::model::CustomKind::new("dinner", true));
        let c = Client {
            entries: vec![
                // Deal 11-01: a service visit on 11-15 is day 14, the last one that counts.
                e("2026-11-15", Kind::Service, 1),
                e("2026-11-01", Kind::Deal, 2),
                // Deal 09-01: a configured kind (a dinner) on 09-03 is a touch of the
                // next deal but no thank-you; the service on 09-16 is day 15, too late.
                e("2026-09-16", Kind::Service, 3),
                e("2026-09-03", dinner, 4),
                e("2026-09-01", Kind::Deal, 5),
            ],
            ..Client::default()
        };
        let ds = deals(&c, today);
        assert_eq!(ds[0].thanked, None);
        assert!(ds[0].thanks_missing);
        assert_eq!(ds[1].thanked, Some(d("2026-11-15")));
        // Touches of 11-01: dinner 09-03 and service 09-16 (both contacts).
        assert_eq!(ds[1].touches, 2);
        assert!(is_thanks(Kind::Service) && !is_thanks(dinner) && !is_thanks(Kind::Call));
    }

    #[test]
    fn complaints_resolve_with_done_items() {
        let today = d("2026-11-22");
        let c = Client {
            entries: vec![
                e("2026-08-01", Kind::Complaint, 10),
                e("2026-11-06", Kind::Complaint, 20),
            ],
            followups: vec![
                FollowUp {
                    date: d("2026-08-03"),
                    text: "call".into(),
                    done: true,
                    done_on: None,
                    line: 11,
                    entry_line: Some(10),
                },
                FollowUp {
                    date: d("2026-08-05"),
                    text: "fixed".into(),
                    done: true,
                    done_on: None,
                    line: 12,
                    entry_line: Some(10),
                },
                FollowUp {
                    date: d("2026-11-24"),
                    text: "visit".into(),
                    done: false,
                    done_on: None,
                    line: 21,
                    entry_line: Some(20),
                },
            ],
            ..Client::default()
        };
        let cs = complaints(&c, today);
        assert_eq!((cs[0].resolved, cs[0].days), (Some(d("2026-08-05")), 4));
        assert_eq!((cs[1].resolved, cs[1].days), (None, 16));
        assert_eq!(median(vec![4, 10, 2]), Some(4.0));
        assert_eq!(median(vec![4, 10]), Some(7.0));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn histogram_and_given_up() {
        assert_eq!(
            closing_histogram([0, 1, 4, 7, 11, 12, 30].into_iter()),
            [1, 1, 0, 0, 3, 2]
        );
        let today = d("2026-11-22");
        let c = Client {
            tier: Some(Tier::Prospect),
            entries: vec![
                e("2026-07-20", Kind::Call, 1),
                e("2026-07-01", Kind::Email, 2),
            ],
            ..Client::default()
        };
        let s = super::super::client_stats(&c, today, &TierCadences::default());
        assert!(given_up_early(&c, &s, today), "125 days > 2 × 21");
    }
}
