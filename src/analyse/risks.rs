//! Ways a client slips away, as flags: revenue that fell, the decision-maker who left
//! with no successor, a key account that hangs on one person, and contact that dropped
//! off after a deal. Also the lost clients, with when and why.

use crate::model::{Client, Date, Role, Tier};

use super::days_between;
use super::deals::Deal;

/// A per-client warning (the export's `flags` list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// Revenue fell by 30 % or more on the year before.
    RevenueDrop,
    /// Every decision-maker on file has left, and none left a successor who is there.
    DecisionMakerLeft,
    /// A key client with at most one current person mentioned in the last 90 days.
    SingleThreaded,
    /// Contacts in the 90 days after a deal under half of those in the 90 days before.
    PostDealDropoff,
}

impl Flag {
    pub const ALL: [Flag; 4] = [
        Flag::RevenueDrop,
        Flag::DecisionMakerLeft,
        Flag::SingleThreaded,
        Flag::PostDealDropoff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::RevenueDrop => "revenue_drop",
            Flag::DecisionMakerLeft => "decision_maker_left",
            Flag::SingleThreaded => "single_threaded",
            Flag::PostDealDropoff => "post_deal_dropoff",
        }
    }
}

/// The fall that makes a `revenue_drop`: 30 % or more.
pub const REVENUE_DROP: f64 = -0.30;
/// The window before and after a deal (days), and the window of "mentioned lately".
pub const WINDOW_DAYS: i64 = 90;

/// Contacts around one deal: in the 90 days before it (its own day not counted), and
/// in the 90 days after it (None until those 90 days are over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealFlow {
    pub before: u32,
    pub after: Option<u32>,
}

impl DealFlow {
    /// Under half as many contacts after as before.
    pub fn dropped(&self) -> bool {
        self.after.is_some_and(|a| a * 2 < self.before)
    }
}

/// A client's risks as of today.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Risks {
    /// In `Flag` order.
    pub flags: Vec<Flag>,
    /// One per deal, in the order of `deals::deals`.
    pub flows: Vec<DealFlow>,
    /// Current people on file mentioned in the last 90 days.
    pub people_lately: usize,
}

/// The share revenue changed from `year - 1` to `year` (none without both, or with
/// nothing the year before), rounded to four places as the export shows it.
pub fn revenue_change(client: &Client, year: i32) -> Option<f64> {
    match (client.revenue.get(&year), client.revenue.get(&(year - 1))) {
        (Some(now), Some(&before)) if before > 0.0 => {
            Some(((now - before) / before * 10_000.0).round() / 10_000.0)
        }
        _ => None,
    }
}

/// The contacts around a deal dated `date`.
pub fn deal_flow(client: &Client, date: Date, today: Date) -> DealFlow {
    flow_of(&super::deals::contact_days(client, today), date, today)
}

/// `deal_flow` from the sorted contact days (two binary searches per window).
fn flow_of(days: &[Date], date: Date, today: Date) -> DealFlow {
    let add = |n: i64| date.checked_add(jiff::Span::new().days(n)).unwrap_or(date);
    let count = |from: Date, to: Date| {
        // Days in [from, to].
        days.partition_point(|d| *d <= to)
            .saturating_sub(days.partition_point(|d| *d < from))
    };
    let before = count(add(-WINDOW_DAYS), add(-1));
    let after = count(add(1), add(WINDOW_DAYS));
    DealFlow {
        before: u32::try_from(before).unwrap_or(u32::MAX),
        after: (days_between(date, today) >= WINDOW_DAYS)
            .then(|| u32::try_from(after).unwrap_or(u32::MAX)),
    }
}

/// The client's risks. `revenue_year` is the year revenue is compared on (the 80/20
/// year, else last year), `deals` its deals (`deals::deals`).
pub fn risks(client: &Client, deals: &[Deal], revenue_year: i32, today: Date) -> Risks {
    let mut risks = risks_but_revenue(client, deals, today);
    revenue_drop(&mut risks, client, revenue_year);
    risks
}

/// Add the revenue flag to `risks_but_revenue`'s risks, where `risks` has it: the two
/// make `risks`.
pub fn revenue_drop(risks: &mut Risks, client: &Client, revenue_year: i32) {
    if revenue_change(client, revenue_year).is_some_and(|c| c <= REVENUE_DROP)
        && !risks.flags.contains(&Flag::RevenueDrop)
    {
        risks.flags.insert(0, Flag::RevenueDrop);
    }
}

/// The client's risks but the revenue flag, which depends on every client's revenue
/// (`revenue_drop` adds it): all of them that read its entries.
pub fn risks_but_revenue(client: &Client, deals: &[Deal], today: Date) -> Risks {
    let mut flags = Vec::new();
    let current = |name: &str| {
        client
            .people
            .iter()
            .any(|p| p.name == name && p.current_on(today))
    };
    let dms: Vec<_> = client
        .people
        .iter()
        .filter(|p| p.role == Some(Role::DecisionMaker))
        .collect();
    if !dms.is_empty()
        && dms.iter().all(|p| !p.current_on(today))
        && !dms
            .iter()
            .any(|p| p.more().successor.as_deref().is_some_and(current))
    {
        flags.push(Flag::DecisionMakerLeft);
    }
    let mut lately: Vec<&str> = client
        .entries
        .iter()
        .filter(|e| {
            super::counts(e.kind, e.date, today) && days_between(e.date, today) < WINDOW_DAYS
        })
        .flat_map(|e| e.people.iter().map(String::as_str))
        .filter(|n| current(n))
        .collect();
    lately.sort_unstable();
    lately.dedup();
    if client.tier == Some(Tier::Key) && lately.len() <= 1 {
        flags.push(Flag::SingleThreaded);
    }
    let days = super::deals::contact_days(client, today);
    let flows: Vec<DealFlow> = deals
        .iter()
        .map(|d| flow_of(&days, d.date, today))
        .collect();
    // A drop-off counts while it is recent: its 90 days after ended within the year.
    let recent = |d: &Deal| days_between(d.date, today) < 365 + WINDOW_DAYS;
    if deals
        .iter()
        .zip(&flows)
        .any(|(d, f)| recent(d) && f.dropped())
    {
        flags.push(Flag::PostDealDropoff);
    }
    Risks {
        flags,
        flows,
        people_lately: lately.len(),
    }
}

/// The lost clients (index, day lost), newest first; those without a day last, then by
/// client order.
pub fn lost(clients: &[Client], today: Date) -> Vec<(usize, Option<Date>)> {
    let mut out: Vec<(usize, Option<Date>)> = clients
        .iter()
        .enumerate()
        .filter(|(_, c)| c.lost_on(today))
        .map(|(i, c)| (i, c.lost.as_ref().and_then(|l| l.date)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Kind, Lost, Person};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn met(date: &str, kind: Kind, people: &[&str]) -> Entry {
        Entry {
            people: people.iter().map(|s| s.to_string()).collect(),
            ..Entry::bare(date, kind)
        }
    }

    fn person(
        name: &str,
        role: Option<Role>,
        left: Option<&str>,
        successor: Option<&str>,
    ) -> Person {
        let mut p = Person {
            name: name.into(),
            role,
            left: left.map(d),
            ..Person::default()
        };
        p.more_mut().successor = successor.map(String::from);
        p.tidy();
        p
    }

    fn deal_on(date: &str) -> Deal {
        Deal {
            entry: 0,
            date: d(date),
            amount: None,
            touches: 0,
            line: 1,
            thanked: None,
            thanks_missing: false,
        }
    }

    #[test]
    fn revenue_drop_at_thirty_percent() {
        let today = d("2026-11-22");
        let with = |before: f64, now: f64| Client {
            revenue: [(2024, before), (2025, now)].into_iter().collect(),
            ..Client::default()
        };
        // 1,000,000 → 700,000 is exactly -30 %: flagged; → 710,000 (-29 %) is not.
        assert_eq!(revenue_change(&with(1e6, 7e5), 2025), Some(-0.3));
        assert!(
            risks(&with(1e6, 7e5), &[], 2025, today)
                .flags
                .contains(&Flag::RevenueDrop)
        );
        assert!(
            !risks(&with(1e6, 7.1e5), &[], 2025, today)
                .flags
                .contains(&Flag::RevenueDrop)
        );
        // Nothing the year before: no change to speak of.
        assert_eq!(revenue_change(&with(0.0, 5e5), 2025), None);
    }

    #[test]
    fn decision_makers_who_left() {
        let today = d("2026-11-22");
        let dm = Some(Role::DecisionMaker);
        let with = |people: Vec<Person>| Client {
            tier: Some(Tier::Regular),
            people,
            ..Client::default()
        };
        let flagged = |c: &Client| {
            risks(c, &[], 2025, today)
                .flags
                .contains(&Flag::DecisionMakerLeft)
        };
        // The only decision-maker left on 09-01, no successor: flagged.
        assert!(flagged(&with(vec![person(
            "王强",
            dm,
            Some("2026-09-01"),
            None
        )])));
        // Leaving later than today: still there.
        assert!(!flagged(&with(vec![person(
            "王强",
            dm,
            Some("2026-12-01"),
            None
        )])));
        // A successor on file who is still there: not flagged.
        assert!(!flagged(&with(vec![
            person("王强", dm, Some("2026-09-01"), Some("李娜")),
            person("李娜", None, None, None),
        ])));
        // A successor named but not on file, or gone too: flagged.
        assert!(flagged(&with(vec![person(
            "王强",
            dm,
            Some("2026-09-01"),
            Some("李娜")
        )])));
        assert!(flagged(&with(vec![
            person("王强", dm, Some("2026-09-01"), Some("李娜")),
            person("李娜", None, Some("2026-10-01"), None),
        ])));
        // A second decision-maker still there: not flagged. No decision-maker: not this flag.
        assert!(!flagged(&with(vec![
            person("王强", dm, Some("2026-09-01"), None),
            person("赵总", dm, None, None),
        ])));
        assert!(!flagged(&with(vec![person("小张", None, None, None)])));
    }

    #[test]
    fn single_threaded_key_accounts() {
        let today = d("2026-11-22");
        let mut c = Client {
            tier: Some(Tier::Key),
            people: vec![
                person("王强", None, None, None),
                person("李娜", None, None, None),
                person("老周", None, Some("2026-10-01"), None),
            ],
            entries: vec![
                met("2026-11-20", Kind::Call, &["王强"]),
                // 老周 has left: not current, does not count.
                met("2026-11-10", Kind::Visit, &["王强", "老周"]),
                // 90 days before today (08-24): out of the window.
                met("2026-08-24", Kind::Visit, &["李娜"]),
            ],
            ..Client::default()
        };
        let r = risks(&c, &[], 2025, today);
        assert_eq!(r.people_lately, 1);
        assert!(r.flags.contains(&Flag::SingleThreaded));
        // 李娜 seen on 08-25 (89 days ago): two people, not single-threaded.
        c.entries.push(met("2026-08-25", Kind::Visit, &["李娜"]));
        let r = risks(&c, &[], 2025, today);
        assert_eq!(r.people_lately, 2);
        assert!(!r.flags.contains(&Flag::SingleThreaded));
        // Only key clients.
        c.entries.truncate(1);
        c.tier = Some(Tier::Regular);
        assert!(
            !risks(&c, &[], 2025, today)
                .flags
                .contains(&Flag::SingleThreaded)
        );
    }

    #[test]
    fn drop_off_after_a_deal() {
        let today = d("2026-11-22");
        // Deal on 2026-06-01. Before it (03-03 … 05-31): four contacts; 03-02 is 91
        // days before, out. After it (06-02 … 08-30): one contact; 08-31 is day 91, out.
        let c = Client {
            entries: vec![
                met("2026-08-31", Kind::Call, &[]),
                met("2026-07-01", Kind::Call, &[]),
                met("2026-06-01", Kind::Deal, &[]),
                met("2026-05-31", Kind::Call, &[]),
                met("2026-05-01", Kind::Visit, &[]),
                met("2026-04-01", Kind::Call, &[]),
                met("2026-03-03", Kind::Wechat, &[]),
                met("2026-03-02", Kind::Call, &[]),
                met("2026-04-15", Kind::Note, &[]),
            ],
            ..Client::default()
        };
        let r = risks(&c, &[deal_on("2026-06-01")], 2025, today);
        assert_eq!(
            r.flows,
            vec![DealFlow {
                before: 4,
                after: Some(1)
            }]
        );
        // 1 × 2 < 4: dropped.
        assert!(r.flags.contains(&Flag::PostDealDropoff));
        // Two after: 2 × 2 = 4 is not under 4.
        let mut c2 = c.clone();
        c2.entries.push(met("2026-08-30", Kind::Call, &[]));
        let r = risks(&c2, &[deal_on("2026-06-01")], 2025, today);
        assert_eq!(r.flows[0].after, Some(2));
        assert!(!r.flags.contains(&Flag::PostDealDropoff));
        // A deal 89 days ago: its 90 days after are not over, no verdict yet.
        let f = deal_flow(&c, d("2026-08-25"), today);
        assert_eq!(f.after, None);
        assert!(!f.dropped());
    }

    #[test]
    fn lost_clients_newest_first() {
        let today = d("2026-11-22");
        let lost = |date: Option<&str>| Client {
            tier: Some(Tier::Lost),
            lost: Some(Lost {
                date: date.map(d),
                reason: None,
            }),
            ..Client::default()
        };
        let clients = vec![
            lost(Some("2026-03-01")),
            Client::default(),
            lost(None),
            lost(Some("2026-09-30")),
            // Lost from a day still ahead: not lost yet.
            lost(Some("2026-12-31")),
        ];
        assert_eq!(
            super::lost(&clients, today),
            vec![
                (3, Some(d("2026-09-30"))),
                (0, Some(d("2026-03-01"))),
                (2, None)
            ]
        );
    }
}
