//! Team figures that used to be worked out while rendering: the urgency order of the
//! clients, the red / white / black split by margin, the monthly feedback trend, the
//! persistence histogram and complaint resolution, and the windows of moments the pages
//! show. Pure functions, computed once in `workspace::load` and carried by the report.

use crate::model::{Client, Date, Tier};

use super::deals::{Complaint, Deal, closing_histogram, median};
use super::moments::{Moment, MomentKind};
use super::revenue::Pareto;
use super::{ClientStats, month_start};

/// Most urgent first: overdue, due, never, ok; key clients first within each; then the
/// longest overdue, the soonest due, and the name (then the id, which is unique).
pub fn urgency_order(clients: &[Client], stats: &[ClientStats]) -> Vec<usize> {
    let tier_rank = |t: Option<Tier>| t.map_or(4, |t| t as u8);
    let mut keyed: Vec<_> = clients
        .iter()
        .zip(stats)
        .enumerate()
        .map(|(i, (c, s))| {
            (
                (
                    s.status,
                    tier_rank(c.tier),
                    -s.days_overdue,
                    s.next_due,
                    c.name.as_str(),
                    c.id.as_str(),
                ),
                i,
            )
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Where a client with a margin falls in the red / white / black split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarginClass {
    /// Margin at or above the median.
    Red,
    /// Thinner margin, revenue at or above the median.
    White,
    /// Thinner margin, lower revenue.
    Black,
}

impl MarginClass {
    pub fn as_str(self) -> &'static str {
        match self {
            MarginClass::Red => "red",
            MarginClass::White => "white",
            MarginClass::Black => "black",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MarginPoint {
    pub client: usize,
    pub revenue: f64,
    pub margin: f64,
    pub class: MarginClass,
}

/// Clients of the Pareto year that have a `margin`, in revenue rank order, split at
/// the median margin and the median revenue (the upper middle of an even count).
#[derive(Debug, Clone, PartialEq)]
pub struct MarginSplit {
    pub revenue_median: f64,
    pub margin_median: f64,
    pub points: Vec<MarginPoint>,
}

/// The split, or `None` when no ranked client has a margin.
pub fn margin_split(clients: &[Client], pareto: Option<&Pareto>) -> Option<MarginSplit> {
    let with_margin: Vec<(usize, f64, f64)> = pareto
        .iter()
        .flat_map(|p| p.ranked.iter())
        .filter_map(|&(i, r)| clients.get(i).and_then(|c| c.margin).map(|m| (i, r, m)))
        .collect();
    if with_margin.is_empty() {
        return None;
    }
    let upper_median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let revenue_median = upper_median(with_margin.iter().map(|x| x.1).collect());
    let margin_median = upper_median(with_margin.iter().map(|x| x.2).collect());
    let points = with_margin
        .into_iter()
        .map(|(client, revenue, margin)| MarginPoint {
            client,
            revenue,
            margin,
            class: if margin >= margin_median {
                MarginClass::Red
            } else if revenue >= revenue_median {
                MarginClass::White
            } else {
                MarginClass::Black
            },
        })
        .collect();
    Some(MarginSplit {
        revenue_median,
        margin_median,
        points,
    })
}

/// One month of the feedback trend.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackMonth {
    /// The first day of the month.
    pub month: Date,
    /// The mean score of the month's entries (none without any).
    pub average: Option<f64>,
    pub scores: u32,
}

/// Average feedback score per calendar month, the 12 months up to today's, oldest first.
pub fn feedback_trend(clients: &[Client], today: Date) -> Vec<FeedbackMonth> {
    let first = month_start(today, 11);
    let mut sums = [(0.0f64, 0u32); 12];
    for e in clients.iter().flat_map(Client::ticks) {
        if let (Some(score), true) = (e.score(), e.date >= first && e.date <= today) {
            let m = (i32::from(e.date.year()) - i32::from(first.year())) * 12
                + i32::from(e.date.month())
                - i32::from(first.month());
            if let Some(slot) = usize::try_from(m).ok().and_then(|m| sums.get_mut(m)) {
                slot.0 += score;
                slot.1 += 1;
            }
        }
    }
    sums.iter()
        .enumerate()
        .map(|(m, &(sum, n))| FeedbackMonth {
            month: first
                .checked_add(jiff::Span::new().months(m as i64))
                .unwrap_or(first),
            average: (n > 0).then(|| sum / f64::from(n)),
            scores: n,
        })
        .collect()
}

/// Deals by the contact they closed at (see `closing_histogram`) and how many in all.
pub fn persistence(deals: &[Vec<Deal>]) -> ([u32; 6], usize) {
    let touches = deals.iter().flatten().map(|d| d.touches);
    (closing_histogram(touches.clone()), touches.count())
}

/// Open complaints, and the median days resolved ones took.
pub fn complaint_figures(complaints: &[Vec<Complaint>]) -> (usize, Option<f64>) {
    let all = complaints.iter().flatten();
    (
        all.clone().filter(|c| c.resolved.is_none()).count(),
        median(
            all.filter(|c| c.resolved.is_some())
                .map(|c| c.days)
                .collect(),
        ),
    )
}

/// The moments of `moments` (sorted by date, from today on) up to `today + days`.
pub fn window(moments: &[Moment], today: Date, days: i64) -> &[Moment] {
    let until = today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today);
    let end = moments.partition_point(|m| m.date <= until);
    moments.get(..end).unwrap_or(moments)
}

/// Per client, the indices into `moments` of that client's moments, in order.
pub fn moments_by_client(moments: &[Moment], clients: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); clients];
    for (n, m) in moments.iter().enumerate() {
        if let Some(slot) = m.client.and_then(|i| out.get_mut(i)) {
            slot.push(n);
        }
    }
    out
}

/// The holidays among `moments`.
pub fn holidays(moments: &[Moment]) -> impl Iterator<Item = &Moment> {
    moments.iter().filter(|m| m.kind == MomentKind::Holiday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Kind};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn client(id: &str, tier: Option<Tier>, margin: Option<f64>) -> Client {
        Client {
            id: id.into(),
            name: id.into(),
            tier,
            margin,
            ..Client::default()
        }
    }

    #[test]
    fn urgency_orders_by_status_then_tier_then_days_overdue_then_name() {
        use crate::analyse::Status;
        let clients = vec![
            client("a", None, None),
            client("b", Some(Tier::Key), None),
            client("c", None, None),
            client("d", None, None),
        ];
        let stat = |status, days_overdue| {
            let mut s =
                crate::analyse::client_stats(&clients[0], d("2026-01-01"), &Default::default());
            s.status = status;
            s.days_overdue = days_overdue;
            s
        };
        let stats = vec![
            stat(Status::Overdue, 3),
            stat(Status::Overdue, 1),
            stat(Status::Ok, 0),
            stat(Status::Overdue, 9),
        ];
        // Key first among the overdue, then the longest overdue; ok last.
        assert_eq!(urgency_order(&clients, &stats), vec![1, 3, 0, 2]);
    }

    #[test]
    fn margin_split_at_the_medians() {
        let clients = vec![
            client("a", None, Some(0.30)),
            client("b", None, Some(0.10)),
            client("c", None, Some(0.05)),
            client("d", None, None),
        ];
        let p = Pareto {
            year: 2025,
            ranked: vec![(0, 100.0), (1, 90.0), (3, 50.0), (2, 10.0)],
            total: 250.0,
            top20_share: 0.4,
            top20_count: 1,
        };
        let s = margin_split(&clients, Some(&p)).unwrap();
        assert_eq!((s.revenue_median, s.margin_median), (90.0, 0.10));
        let classes: Vec<_> = s.points.iter().map(|p| (p.client, p.class)).collect();
        assert_eq!(
            classes,
            vec![
                (0, MarginClass::Red),
                (1, MarginClass::Red),
                (2, MarginClass::Black)
            ]
        );
        let clients = vec![client("a", None, Some(0.3)), client("b", None, Some(0.1))];
        let p = Pareto {
            ranked: vec![(0, 10.0), (1, 100.0)],
            ..p
        };
        let s = margin_split(&clients, Some(&p)).unwrap();
        assert_eq!(s.points[1].class, MarginClass::White);
        assert_eq!(margin_split(&clients, None), None);
    }

    #[test]
    fn feedback_trend_averages_each_month() {
        let mut c = client("a", None, None);
        for (date, score) in [
            ("2026-03-02", 8.0),
            ("2026-03-20", 6.0),
            ("2025-04-30", 9.0),
            ("2025-04-01", 1.0),
            ("2026-04-01", 5.0),
        ] {
            let mut e = Entry::bare(date, Kind::Feedback);
            e.figure = Some(score);
            c.entries.push(e);
        }
        let t = feedback_trend(&[c], d("2026-03-31"));
        assert_eq!(t.len(), 12);
        assert_eq!(t[0].month, d("2025-04-01"));
        assert_eq!((t[0].average, t[0].scores), (Some(5.0), 2));
        assert_eq!(t[11].month, d("2026-03-01"));
        assert_eq!((t[11].average, t[11].scores), (Some(7.0), 2));
        assert!(
            t[1..11]
                .iter()
                .all(|m| m.average.is_none() && m.scores == 0)
        );
    }

    #[test]
    fn window_keeps_moments_up_to_the_last_day() {
        let m = |date: &str| Moment {
            date: d(date),
            kind: MomentKind::Holiday,
            client: None,
            what: String::new(),
            holiday_key: None,
            years: None,
            lunar: None,
        };
        let all = vec![m("2026-01-01"), m("2026-01-31"), m("2026-02-01")];
        assert_eq!(window(&all, d("2026-01-01"), 30).len(), 2);
        assert_eq!(window(&all, d("2026-01-01"), 0).len(), 1);
        let by = moments_by_client(
            &[
                Moment {
                    client: Some(1),
                    ..m("2026-01-01")
                },
                m("2026-01-02"),
                Moment {
                    client: Some(1),
                    ..m("2026-01-03")
                },
                Moment {
                    client: Some(7),
                    ..m("2026-01-04")
                },
            ],
            2,
        );
        assert_eq!(by, vec![vec![], vec![0, 2]]);
    }

    #[test]
    fn persistence_and_complaints() {
        let deal = |touches| Deal {
            entry: 0,
            date: d("2026-01-01"),
            amount: None,
            touches,
            line: 1,
            thanked: None,
            thanks_missing: false,
        };
        let (h, n) = persistence(&[vec![deal(0), deal(5)], vec![deal(20)]]);
        assert_eq!((h, n), ([1, 0, 0, 0, 1, 1], 3));
        let c = |resolved: Option<&str>, days| Complaint {
            entry: 0,
            date: d("2026-01-01"),
            resolved: resolved.map(d),
            line: 1,
            days,
        };
        assert_eq!(
            complaint_figures(&[
                vec![c(None, 4), c(Some("2026-01-03"), 2)],
                vec![c(Some("2026-01-05"), 4)]
            ]),
            (1, Some(3.0))
        );
    }
}
