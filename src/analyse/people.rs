//! Knowing the people inside a client: when each was last mentioned, in which kinds of
//! contact, and whether the decision-maker is being neglected.

use crate::model::{Client, Date, Kind, Role};

use super::{counts, days_between};

/// A decision-maker not contacted for this many days is stale.
pub const STALE_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq)]
pub struct PersonStats {
    pub name: String,
    pub role: Option<Role>,
    /// Newest entry (not after today) that mentions them, any kind.
    pub last_mentioned: Option<Date>,
    /// Newest contact entry that mentions them.
    pub last_contacted: Option<Date>,
    /// Kinds of the entries that mention them, in `Kind` order.
    pub kinds: Vec<Kind>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct People {
    pub people: Vec<PersonStats>,
    pub no_decision_maker: bool,
    /// Set when no current decision-maker was contacted in the last 90 days: their
    /// names (those who left are not counted).
    pub stale_decision_makers: Vec<String>,
}

pub fn people(client: &Client, today: Date) -> People {
    // One pass over the mentions, then one look-up per person: a note may hold 10,000
    // people and an entry 10,000 mentions.
    #[derive(Default)]
    struct Seen {
        last_mentioned: Option<Date>,
        last_contacted: Option<Date>,
        kinds: Vec<Kind>,
    }
    let mut seen: std::collections::HashMap<&str, Seen> = std::collections::HashMap::new();
    for e in client.entries.iter().filter(|e| e.date <= today) {
        for name in &e.people {
            let s = seen.entry(name.as_str()).or_default();
            s.last_mentioned = s.last_mentioned.max(Some(e.date));
            if counts(e.kind, e.date, today) {
                s.last_contacted = s.last_contacted.max(Some(e.date));
            }
            if !s.kinds.contains(&e.kind) {
                s.kinds.push(e.kind);
            }
        }
    }
    let people: Vec<PersonStats> = client
        .people
        .iter()
        .map(|p| {
            let s = seen.get(p.name.as_str());
            let mut kinds = s.map(|s| s.kinds.clone()).unwrap_or_default();
            kinds.sort();
            PersonStats {
                name: p.name.clone(),
                role: p.role,
                last_mentioned: s.and_then(|s| s.last_mentioned),
                last_contacted: s.and_then(|s| s.last_contacted),
                kinds,
            }
        })
        .collect();
    let any_dm = people.iter().any(|p| p.role == Some(Role::DecisionMaker));
    // Only those still there can be contacted: one who left is `decision_maker_left`'s.
    let dms: Vec<&PersonStats> = people
        .iter()
        .zip(&client.people)
        .filter(|(p, on_file)| p.role == Some(Role::DecisionMaker) && on_file.current_on(today))
        .map(|(p, _)| p)
        .collect();
    let fresh = |p: &&PersonStats| {
        p.last_contacted
            .is_some_and(|d| days_between(d, today) <= STALE_DAYS)
    };
    let stale = if !dms.is_empty() && !dms.iter().any(fresh) {
        dms.iter().map(|p| p.name.clone()).collect()
    } else {
        Vec::new()
    };
    People {
        no_decision_maker: !any_dm,
        stale_decision_makers: stale,
        people,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Person};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn e(date: &str, kind: Kind, who: &[&str]) -> Entry {
        Entry {
            people: who.iter().map(|s| s.to_string()).collect(),
            ..Entry::bare(date, kind)
        }
    }

    fn person(name: &str, role: Option<Role>) -> Person {
        Person {
            name: name.into(),
            role,
            ..Person::default()
        }
    }

    #[test]
    fn last_mentions_and_stale_decision_maker() {
        let today = d("2026-11-22");
        let c = Client {
            people: vec![
                person("王强", Some(Role::DecisionMaker)),
                person("Lena", Some(Role::User)),
            ],
            entries: vec![
                e("2026-11-20", Kind::Note, &["王强"]),
                e("2026-11-10", Kind::Wechat, &["Lena"]),
                e("2026-08-20", Kind::Visit, &["王强", "Lena"]),
                e("2026-12-01", Kind::Call, &["王强"]),
            ],
            ..Client::default()
        };
        let p = people(&c, today);
        // 王强: mentioned 11-20 (a note), last contacted 08-20: 94 days ago, stale.
        assert_eq!(p.people[0].last_mentioned, Some(d("2026-11-20")));
        assert_eq!(p.people[0].last_contacted, Some(d("2026-08-20")));
        assert_eq!(p.people[0].kinds, vec![Kind::Visit, Kind::Note]);
        assert_eq!(p.stale_decision_makers, vec!["王强"]);
        assert!(!p.no_decision_maker);
        assert_eq!(p.people[1].kinds, vec![Kind::Visit, Kind::Wechat]);
    }

    #[test]
    fn a_decision_maker_who_left_is_not_stale() {
        // 王强 (left 09-01) was last met in March; 赵总, still there, on 11-01: fresh.
        let mut wang = person("王强", Some(Role::DecisionMaker));
        wang.left = Some(d("2026-09-01"));
        let mut c = Client {
            people: vec![wang, person("赵总", Some(Role::DecisionMaker))],
            entries: vec![Entry {
                people: Box::new(["赵总".into()]),
                ..Entry::bare("2026-11-01", Kind::Visit)
            }],
            ..Client::default()
        };
        let p = people(&c, d("2026-11-22"));
        assert!(p.stale_decision_makers.is_empty() && !p.no_decision_maker);
        // 赵总 alone, unseen for 90 days: stale; 王强 is not named with him.
        c.entries.clear();
        let p = people(&c, d("2026-11-22"));
        assert_eq!(p.stale_decision_makers, vec!["赵总"]);
        // Only 王强, who left: neither stale nor "no decision-maker on file".
        c.people.truncate(1);
        let p = people(&c, d("2026-11-22"));
        assert!(p.stale_decision_makers.is_empty() && !p.no_decision_maker);
    }

    #[test]
    fn no_decision_maker() {
        let c = Client {
            people: vec![person("A", Some(Role::User))],
            ..Client::default()
        };
        let p = people(&c, d("2026-11-22"));
        assert!(p.no_decision_maker);
        assert!(p.stale_decision_makers.is_empty());
    }
}
