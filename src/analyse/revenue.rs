//! Key clients and the 80/20 rule: the Pareto curve of one year's revenue, the share of
//! the top 20 % of clients, and tier drift (clients whose tier no longer fits).

use crate::model::{Client, Date, Tier};

#[derive(Debug, Clone, PartialEq)]
pub struct Pareto {
    pub year: i32,
    /// Client indices with their revenue that year, largest first.
    pub ranked: Vec<(usize, f64)>,
    pub total: f64,
    /// Share of revenue from the top 20 % of clients (at least one client, and every
    /// client tying with the last of them), 0 to 1.
    pub top20_share: f64,
    /// How many clients make the top 20 %.
    pub top20_count: usize,
}

impl Pareto {
    /// Cumulative share of revenue after each client, in rank order.
    pub fn cumulative(&self) -> Vec<f64> {
        let mut sum = 0.0;
        self.ranked
            .iter()
            .map(|(_, r)| {
                sum += r;
                if self.total > 0.0 {
                    sum / self.total
                } else {
                    0.0
                }
            })
            .collect()
    }
}

/// The year to analyse: the one configured, else the latest full year (before today's)
/// with any revenue, else the latest year with any.
pub fn pareto_year(clients: &[Client], today: Date, configured: Option<i32>) -> Option<i32> {
    if configured.is_some() {
        return configured;
    }
    let years = || clients.iter().flat_map(|c| c.revenue.keys().copied());
    years()
        .filter(|y| *y < i32::from(today.year()))
        .max()
        .or_else(|| years().max())
}

/// An amount clamped to what the parser lets through, 0 to 10¹⁵ (NaN: 0), so sums of
/// any number of clients stay finite and shares are never NaN.
pub fn sane_amount(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, crate::parse::fields::MAX_AMOUNT)
    }
}

pub fn pareto(clients: &[Client], year: i32) -> Option<Pareto> {
    let mut ranked: Vec<(usize, f64)> = clients
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.revenue.get(&year).map(|&r| (i, sane_amount(r))))
        .collect();
    if ranked.is_empty() {
        return None;
    }
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: f64 = ranked.iter().map(|r| r.1).sum();
    // The top 20 % (at least one client), and every client tying with the last of them:
    // which of two equal revenues is "in" must not depend on file order.
    let mut top20_count = ranked.len().div_ceil(5).max(1);
    let line = ranked.get(top20_count - 1).map(|r| r.1);
    while ranked
        .get(top20_count)
        .map(|r| r.1)
        .is_some_and(|r| Some(r) == line)
    {
        top20_count += 1;
    }
    let top: f64 = ranked.iter().take(top20_count).map(|r| r.1).sum();
    Some(Pareto {
        year,
        top20_share: if total > 0.0 { top / total } else { 0.0 },
        top20_count,
        ranked,
        total,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    /// In the top 20 % by revenue but not marked `key`.
    Promote,
    /// Marked `key` but in the bottom half by revenue.
    Review,
}

/// Clients whose tier no longer matches their revenue: (client, suggestion, 1-based rank).
pub fn tier_drift(clients: &[Client], p: &Pareto) -> Vec<(usize, Drift, usize)> {
    let half = p.ranked.len().div_ceil(2);
    p.ranked
        .iter()
        .enumerate()
        .filter_map(|(rank, &(i, _))| {
            let key = clients.get(i)?.tier == Some(Tier::Key);
            if rank < p.top20_count && !key {
                Some((i, Drift::Promote, rank + 1))
            } else if rank >= half && key && p.ranked.len() > 1 {
                Some((i, Drift::Review, rank + 1))
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(tier: Option<Tier>, rev: &[(i32, f64)]) -> Client {
        Client {
            tier,
            revenue: rev.iter().copied().collect(),
            ..Client::default()
        }
    }

    #[test]
    fn absurd_amounts_are_clamped() {
        let clients = vec![
            c(None, &[(2025, f64::MAX)]),
            c(None, &[(2025, f64::INFINITY)]),
            c(None, &[(2025, f64::NAN)]),
            c(None, &[(2025, -5.0)]),
        ];
        let p = pareto(&clients, 2025).unwrap();
        assert_eq!(p.total, 2e15);
        assert!(p.top20_share.is_finite());
        assert!(p.cumulative().iter().all(|v| v.is_finite()));
        assert_eq!(sane_amount(f64::NAN), 0.0);
    }

    #[test]
    fn pareto_and_drift() {
        // 2025 revenue: 500, 300, 100, 60, 40 → total 1000; top 20 % = 1 client = 50 %.
        let clients = vec![
            c(Some(Tier::Regular), &[(2025, 500.0), (2026, 1.0)]),
            c(Some(Tier::Key), &[(2025, 300.0)]),
            c(Some(Tier::Regular), &[(2025, 100.0)]),
            c(Some(Tier::Key), &[(2025, 40.0)]),
            c(None, &[(2025, 60.0)]),
            c(Some(Tier::Key), &[]),
        ];
        let today: Date = "2026-11-22".parse().unwrap();
        assert_eq!(pareto_year(&clients, today, None), Some(2025));
        assert_eq!(pareto_year(&clients, today, Some(2026)), Some(2026));
        let p = pareto(&clients, 2025).unwrap();
        assert_eq!(p.total, 1000.0);
        assert_eq!(p.top20_count, 1);
        assert!((p.top20_share - 0.5).abs() < 1e-9);
        assert_eq!(p.cumulative(), vec![0.5, 0.8, 0.9, 0.96, 1.0]);
        // Rank 1 is regular → promote; key client #3 is ranked 5th of 5 → review.
        assert_eq!(
            tier_drift(&clients, &p),
            vec![(0, Drift::Promote, 1), (3, Drift::Review, 5)]
        );
        assert!(pareto(&clients, 2019).is_none());
    }

    #[test]
    fn ties_at_the_20_percent_line_are_all_in() {
        // 10 clients: 20 % = 2. Revenues 900, 500, 500, 500, 100 × 6 → the 2nd place
        // ties with the 3rd and 4th: all three are in, so 4 clients, 2400 of 3000.
        let mut clients = vec![
            c(Some(Tier::Key), &[(2025, 900.0)]),
            c(Some(Tier::Regular), &[(2025, 500.0)]),
            c(Some(Tier::Regular), &[(2025, 500.0)]),
            c(Some(Tier::Regular), &[(2025, 500.0)]),
        ];
        clients.extend((0..6).map(|_| c(Some(Tier::Regular), &[(2025, 100.0)])));
        let p = pareto(&clients, 2025).unwrap();
        assert_eq!(p.top20_count, 4);
        assert!((p.top20_share - 0.8).abs() < 1e-9);
        let promote: Vec<usize> = tier_drift(&clients, &p)
            .into_iter()
            .filter(|d| d.1 == Drift::Promote)
            .map(|d| d.0)
            .collect();
        assert_eq!(promote, vec![1, 2, 3]);
    }
}
