//! Keeping promises and who reaches out: follow-ups done on time, late or missed
//! (`✅ DATE` says when one was done), and the share of contacts the client started
//! (`call inbound`, `电话 客户主动`), over the last 12 months and month by month.

use crate::model::{Client, Date};

use super::{counts, month_start};

/// How a client's follow-ups were kept, as of today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Promises {
    /// Done on or before its date (a done item without a done date counts here).
    pub on_time: u32,
    /// Done after its date.
    pub late: u32,
    /// Still open, and its date has passed.
    pub missed: u32,
}

impl Promises {
    pub fn add(&mut self, other: &Promises) {
        self.on_time += other.on_time;
        self.late += other.late;
        self.missed += other.missed;
    }

    /// Share kept on time of those whose date has come (none without any).
    pub fn on_time_share(&self) -> Option<f64> {
        let all = self.on_time + self.late + self.missed;
        (all > 0).then(|| f64::from(self.on_time) / f64::from(all))
    }
}

/// A client's promises as of `today`. A done item counts by its done date (`✅`): on
/// time when on or before the item's date, late after it; without a done date it counts
/// as on time, since nothing in the note says otherwise. An open item is missed once
/// its date is before today (a follow-up dated today is still on time); an open item
/// not yet due counts nowhere.
pub fn promises(client: &Client, today: Date) -> Promises {
    let mut p = Promises::default();
    for f in &client.followups {
        match (f.done, f.done_on) {
            (true, Some(done)) if done > f.date => p.late += 1,
            (true, _) => p.on_time += 1,
            (false, _) if f.date < today => p.missed += 1,
            (false, _) => {}
        }
    }
    p
}

/// Contacts and how many of them the client started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inbound {
    pub contacts: u32,
    pub inbound: u32,
}

impl Inbound {
    pub fn add(&mut self, other: &Inbound) {
        self.contacts += other.contacts;
        self.inbound += other.inbound;
    }

    /// `inbound` over `contacts` (none without contacts).
    pub fn share(&self) -> Option<f64> {
        (self.contacts > 0).then(|| f64::from(self.inbound) / f64::from(self.contacts))
    }
}

/// Months in the inbound trend.
pub const MONTHS: usize = 12;

/// A client's contacts over the 365 days up to today (the window of `contacts_12m`),
/// and per calendar month for the 12 months up to and including today's (oldest
/// first).
pub fn inbound(client: &Client, today: Date) -> (Inbound, [Inbound; MONTHS]) {
    let year_ago = today
        .checked_sub(jiff::Span::new().days(365))
        .unwrap_or(today);
    let first_month = month_start(today, MONTHS as i64 - 1);
    let mut total = Inbound::default();
    let mut months = [Inbound::default(); MONTHS];
    for e in &client.entries {
        if !counts(e.kind, e.date, today) {
            continue;
        }
        let one = Inbound {
            contacts: 1,
            inbound: u32::from(e.inbound),
        };
        if e.date > year_ago {
            total.add(&one);
        }
        if e.date >= first_month {
            let idx = (i64::from(e.date.year()) - i64::from(first_month.year())) * 12
                + i64::from(e.date.month())
                - i64::from(first_month.month());
            if let Some(slot) = usize::try_from(idx).ok().and_then(|i| months.get_mut(i)) {
                slot.add(&one);
            }
        }
    }
    (total, months)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, FollowUp, Kind};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn item(date: &str, done: bool, done_on: Option<&str>) -> FollowUp {
        FollowUp {
            date: d(date),
            text: Box::default(),
            done,
            done_on: done_on.map(d),
            line: 1,
            entry_line: None,
        }
    }

    #[test]
    fn promises_by_hand() {
        let today = d("2026-11-22");
        let c = Client {
            followups: vec![
                // Done two days late: late.
                item("2026-11-16", true, Some("2026-11-18")),
                // Done on its day, and done early: on time, twice.
                item("2026-11-10", true, Some("2026-11-10")),
                item("2026-11-10", true, Some("2026-11-01")),
                // Done, no done date: on time.
                item("2026-10-01", true, None),
                // Open and dated yesterday: missed. Dated today or later: not counted.
                item("2026-11-21", false, None),
                item("2026-11-22", false, None),
                item("2026-12-01", false, None),
            ],
            ..Client::default()
        };
        let p = promises(&c, today);
        assert_eq!((p.on_time, p.late, p.missed), (3, 1, 1));
        // 3 of 5.
        assert_eq!(p.on_time_share(), Some(0.6));
        assert_eq!(Promises::default().on_time_share(), None);
    }

    #[test]
    fn inbound_by_hand() {
        let today = d("2026-11-22");
        let e = |date: &str, kind: Kind, inbound: bool| Entry {
            inbound,
            ..Entry::bare(date, kind)
        };
        let c = Client {
            entries: vec![
                e("2026-12-01", Kind::Call, true), // after today: not counted
                e("2026-11-20", Kind::Call, true),
                e("2026-11-02", Kind::Visit, false),
                e("2026-11-01", Kind::Note, true), // a note is not a contact
                e("2026-03-05", Kind::Wechat, true),
                e("2025-11-23", Kind::Call, true), // 364 days ago: in the 12 months
                e("2025-11-22", Kind::Call, true), // 365 days ago: out
            ],
            ..Client::default()
        };
        let (total, months) = inbound(&c, today);
        // Contacts 2026-11-20, 11-02, 03-05, 2025-11-23: 4, of which 3 inbound.
        assert_eq!((total.contacts, total.inbound), (4, 3));
        assert_eq!(total.share(), Some(0.75));
        // Months 2025-12 … 2026-11: November holds two contacts, one inbound; March one.
        assert_eq!(
            months[11],
            Inbound {
                contacts: 2,
                inbound: 1
            }
        );
        assert_eq!(
            months[3],
            Inbound {
                contacts: 1,
                inbound: 1
            }
        );
        assert_eq!(months.iter().map(|m| m.contacts).sum::<u32>(), 3);
        assert_eq!(Inbound::default().share(), None);
    }
}
