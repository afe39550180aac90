//! Personal moments and holidays: upcoming birthdays, partnership anniversaries, the
//! `dates:` a rep keeps, holidays; and whether greetings were actually sent.

use crate::model::{Birthday, Client, Date, DateSpec, Kind, LunarDay, Tier};

use super::holidays::{self, CustomHoliday, Holiday};
use super::{counts, days_between};

/// How far ahead "upcoming" looks, in days (inclusive).
pub const UPCOMING_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MomentKind {
    Birthday,
    Anniversary,
    Date,
    Holiday,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub date: Date,
    pub kind: MomentKind,
    /// Index of the client (None for holidays).
    pub client: Option<usize>,
    /// The person (birthday), the `dates:` text, or the holiday's name or key.
    pub what: String,
    /// Built-in holiday key, for translation.
    pub holiday_key: Option<&'static str>,
    /// Years since (birthdays with a year, anniversaries, past `dates:`).
    pub years: Option<i16>,
    /// The lunar day of a lunar birthday or `dates:` item (`date` is where it falls).
    pub lunar: Option<LunarDay>,
}

pub fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// The first `month-day` on or after `from`.
fn next_yearly(from: Date, month: i8, day: i8) -> Option<Date> {
    let this = holidays::on(from.year(), month, day)?;
    if this >= from {
        Some(this)
    } else {
        holidays::on(from.year() + 1, month, day)
    }
}

/// The days from `from` to `to` (inclusive) a birthday falls on: a Gregorian one on the
/// first of them only (02-29 on 02-28 in other years), a lunar one on each.
pub fn birthday_dates(b: Birthday, from: Date, to: Date) -> Vec<Date> {
    let (month, day) = match b {
        Birthday::Full(d) => (d.month(), d.day()),
        Birthday::MonthDay { month, day } => (month, day),
        Birthday::Lunar { day, .. } => return holidays::lunar_between(day, from, to),
    };
    next_yearly(from, month, day)
        .filter(|d| *d <= to)
        .into_iter()
        .collect()
}

/// A client's moments from `today` to `today + days`.
pub fn client_moments(ci: usize, client: &Client, today: Date, days: i64) -> Vec<Moment> {
    let until = add_days(today, days);
    let mut out = Vec::new();
    let mut push = |date: Option<Date>,
                    kind: MomentKind,
                    what: String,
                    since_year: Option<i16>,
                    lunar: Option<LunarDay>| {
        if let Some(date) = date.filter(|d| *d >= today && *d <= until) {
            let years = since_year.map(|y| date.year() - y).filter(|y| *y > 0);
            out.push(Moment {
                date,
                kind,
                client: Some(ci),
                what,
                holiday_key: None,
                years,
                lunar,
            });
        }
    };
    for p in &client.people {
        let Some(b) = p.birthday else { continue };
        // A lunar birthday can come twice in a window of over 354 days (the 12-month
        // calendar): every day of the window it falls on counts.
        for date in birthday_dates(b, today, until) {
            let what = p.name.clone();
            push(Some(date), MomentKind::Birthday, what, b.year(), b.lunar());
        }
    }
    if let Some(since) = client.since {
        push(
            next_yearly(today, since.month(), since.day()),
            MomentKind::Anniversary,
            String::new(),
            Some(since.year()),
            None,
        );
    }
    for k in &client.dates {
        match k.date {
            DateSpec::Yearly { month, day } => push(
                next_yearly(today, month, day),
                MomentKind::Date,
                k.what.clone(),
                None,
                None,
            ),
            DateSpec::Lunar(day) => {
                for date in holidays::lunar_between(day, today, until) {
                    push(
                        Some(date),
                        MomentKind::Date,
                        k.what.clone(),
                        None,
                        Some(day),
                    );
                }
            }
            // A date still to come happens once; one in the past comes back every year.
            DateSpec::Once(d) if d >= today => {
                push(Some(d), MomentKind::Date, k.what.clone(), None, None)
            }
            DateSpec::Once(d) => push(
                next_yearly(today, d.month(), d.day()),
                MomentKind::Date,
                k.what.clone(),
                Some(d.year()),
                None,
            ),
        }
    }
    out.sort();
    out
}

/// Every moment of every client, and the holidays, from today to `today + days`.
pub fn upcoming(
    clients: &[Client],
    today: Date,
    days: i64,
    custom: &[CustomHoliday],
) -> Vec<Moment> {
    use rayon::prelude::*;
    let mut out: Vec<Moment> = clients
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, c)| client_moments(i, c, today, days))
        .collect();
    // Held for the whole build: room for exactly the holidays (a push past the clients'
    // moments would double the vector).
    let holidays = holidays::between(today, add_days(today, days), custom);
    out.reserve_exact(holidays.len());
    for h in holidays {
        out.push(Moment {
            date: h.date,
            kind: MomentKind::Holiday,
            client: None,
            what: h.name,
            holiday_key: h.key,
            years: None,
            lunar: None,
        });
    }
    out.par_sort();
    out
}

/// Was a greeting or gift logged from `before` days before `date` to `after` days after?
pub fn greeted(client: &Client, date: Date, before: i64, after: i64, today: Date) -> Option<Date> {
    greeted_between(
        client,
        add_days(date, -before),
        add_days(date, after),
        today,
    )
}

/// The first greeting or gift logged from `from` to `to` (both included).
fn greeted_between(client: &Client, from: Date, to: Date, today: Date) -> Option<Date> {
    client
        .ticks()
        .filter(|e| matches!(e.kind, Kind::Greeting | Kind::Gift) && counts(e.kind, e.date, today))
        .map(|e| e.date)
        .find(|d| *d >= from && *d <= to)
}

/// A birthday in the last 12 months, and whether it was greeted within 3 days.
#[derive(Debug, Clone, PartialEq)]
pub struct BirthdayCheck {
    pub person: String,
    pub date: Date,
    pub greeted: bool,
}

/// `month-day` last year and this year.
fn yearly_in(today: Date, month: i8, day: i8) -> Vec<Date> {
    [today.year() - 1, today.year()]
        .into_iter()
        .filter_map(|y| holidays::on(y, month, day))
        .collect()
}

/// Birthdays of the last 365 days (today's included): greeted ones at once, missed ones
/// once they are at least 3 days past (so the window closed).
pub fn birthday_checks(client: &Client, today: Date) -> Vec<BirthdayCheck> {
    let mut out = Vec::new();
    for p in &client.people {
        let Some(b) = p.birthday else { continue };
        let dates: Vec<Date> = match b {
            Birthday::Full(d) => yearly_in(today, d.month(), d.day()),
            Birthday::MonthDay { month, day } => yearly_in(today, month, day),
            // The same days as `(0..365).contains(&age)` below.
            Birthday::Lunar { day, .. } => {
                holidays::lunar_between(day, add_days(today, -364), today)
            }
        };
        for date in dates {
            let age = days_between(date, today);
            // A greeting already logged counts at once; a miss only once the 3 days
            // after the birthday are over.
            let greeted = greeted(client, date, 3, 3, today).is_some();
            if (0..365).contains(&age) && (greeted || age >= 3) {
                out.push(BirthdayCheck {
                    person: p.name.clone(),
                    date,
                    greeted,
                });
            }
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.date));
    out.shrink_to_fit();
    out
}

/// Clients a holiday greeting is expected for: everyone but dormant clients and those
/// first contacted after the holiday (no contact on or before its day).
fn eligible(client: &Client, holiday: Date, today: Date) -> bool {
    client.tier != Some(Tier::Dormant)
        && client
            .ticks()
            .any(|e| counts(e.kind, e.date, today) && e.date <= holiday)
}

/// Greeting coverage of one holiday.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub holiday: Holiday,
    /// Client indices, key clients first, then by name.
    pub greeted: Vec<usize>,
    pub missed: Vec<usize>,
}

impl Coverage {
    pub fn share(&self) -> f64 {
        let total = self.greeted.len() + self.missed.len();
        if total == 0 {
            0.0
        } else {
            self.greeted.len() as f64 / total as f64
        }
    }
}

fn key_first(clients: &[Client], v: &mut [usize]) {
    v.sort_by(|&a, &b| {
        let rank = |i: usize| {
            clients
                .get(i)
                .map_or((true, ""), |c| (c.tier != Some(Tier::Key), c.name.as_str()))
        };
        rank(a).cmp(&rank(b))
    });
}

/// Coverage of every holiday in the last 12 months whose greeting window (7 days
/// before to 3 days after) has closed.
pub fn holiday_coverage(
    clients: &[Client],
    today: Date,
    custom: &[CustomHoliday],
) -> Vec<Coverage> {
    let from = add_days(today, -365);
    use rayon::prelude::*;
    holidays::between(from, add_days(today, -3), custom)
        .into_par_iter()
        .map(|h| coverage(clients, h, today, today))
        .collect()
}

fn coverage(clients: &[Client], holiday: Holiday, window_end: Date, today: Date) -> Coverage {
    // The greeting window is the holiday's, the same for every client: from 7 days
    // before to `after` days after (made once, not once per client).
    let after = days_between(holiday.date, window_end).clamp(-7, 3);
    let (from, to) = (add_days(holiday.date, -7), add_days(holiday.date, after));
    let (mut greeted, mut missed) = (Vec::new(), Vec::new());
    for (i, c) in clients.iter().enumerate() {
        if !eligible(c, holiday.date, today) {
            continue;
        }
        if greeted_between(c, from, to, today).is_some() {
            greeted.push(i);
        } else {
            missed.push(i);
        }
    }
    key_first(clients, &mut greeted);
    key_first(clients, &mut missed);
    Coverage {
        holiday,
        greeted,
        missed,
    }
}

/// The holidays of the next `days` days (at least the very next one), and for each who
/// still needs a greeting. Greetings count from 7 days before the holiday up to today.
pub fn next_holidays(
    clients: &[Client],
    today: Date,
    days: i64,
    custom: &[CustomHoliday],
) -> Vec<Coverage> {
    let until = add_days(today, days);
    holidays::between(today, add_days(today, 366), custom)
        .into_iter()
        .enumerate()
        .take_while(|(n, h)| *n == 0 || h.date <= until)
        .map(|(_, h)| coverage(clients, h, today, today))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, KeyDate, LunarDay, Person};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn e(date: &str, kind: Kind) -> Entry {
        Entry::bare(date, kind)
    }

    fn client() -> Client {
        Client {
            name: "A".into(),
            since: Some(d("2019-12-01")),
            people: vec![
                Person {
                    name: "王强".into(),
                    birthday: Some(Birthday::Full(d("1975-11-28"))),
                    ..Person::default()
                },
                Person {
                    name: "Lena".into(),
                    birthday: Some(Birthday::MonthDay { month: 1, day: 10 }),
                    ..Person::default()
                },
                Person {
                    name: "Old".into(),
                    birthday: Some(Birthday::MonthDay { month: 10, day: 1 }),
                    ..Person::default()
                },
            ],
            dates: vec![
                KeyDate {
                    date: DateSpec::Yearly { month: 12, day: 8 },
                    what: "founding".into(),
                },
                KeyDate {
                    date: DateSpec::Once(d("2026-12-20")),
                    what: "wedding".into(),
                },
                KeyDate {
                    date: DateSpec::Once(d("2026-01-05")),
                    what: "too far".into(),
                },
            ],
            entries: vec![
                e("2026-10-02", Kind::Greeting),
                e("2026-02-14", Kind::Gift),
                e("2025-06-01", Kind::Call),
            ],
            ..Client::default()
        }
    }

    #[test]
    fn upcoming_moments() {
        let today = d("2026-11-22");
        let m = client_moments(0, &client(), today, 30);
        let got: Vec<(String, MomentKind, String, Option<i16>)> = m
            .iter()
            .map(|m| (m.date.to_string(), m.kind, m.what.clone(), m.years))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "2026-11-28".into(),
                    MomentKind::Birthday,
                    "王强".into(),
                    Some(51)
                ),
                (
                    "2026-12-01".into(),
                    MomentKind::Anniversary,
                    "".into(),
                    Some(7)
                ),
                (
                    "2026-12-08".into(),
                    MomentKind::Date,
                    "founding".into(),
                    None
                ),
                (
                    "2026-12-20".into(),
                    MomentKind::Date,
                    "wedding".into(),
                    None
                ),
            ]
        );
    }

    fn lunar_person(name: &str, year: Option<i16>, month: u8, leap: bool, day: u8) -> Person {
        Person {
            name: name.into(),
            birthday: Some(Birthday::Lunar {
                year,
                day: LunarDay { month, leap, day },
            }),
            ..Person::default()
        }
    }

    #[test]
    fn a_lunar_birthday_comes_on_its_gregorian_day() {
        // 农历十月廿三 of 2026 is 2026-12-01 (ICU4X; HKO tables); born 1968: 2026 − 1968
        // = 58 years. 农历腊月初八 (2027-01-15) is past the 30 days (to 12-22).
        let c = Client {
            people: vec![
                lunar_person("刘", Some(1968), 10, false, 23),
                lunar_person("腊", None, 12, false, 8),
            ],
            ..Client::default()
        };
        let m = client_moments(0, &c, d("2026-11-22"), 30);
        let got: Vec<(String, &str, Option<i16>, Option<String>)> = m
            .iter()
            .map(|m| {
                let lunar = m.lunar.map(LunarDay::code);
                (m.date.to_string(), m.what.as_str(), m.years, lunar)
            })
            .collect();
        assert_eq!(
            got,
            [("2026-12-01".into(), "刘", Some(58), Some("10-23".into()))]
        );
        // Over 12 months from 2026-02-10 a lunar 正月初一 comes twice: 2026-02-17 and
        // 2027-02-06 (a lunar year of 354 days); the Gregorian 王强 11-28 once.
        let mut c = client();
        c.people.push(lunar_person("春", None, 1, false, 1));
        c.dates = vec![KeyDate {
            date: DateSpec::Lunar(LunarDay {
                month: 1,
                leap: false,
                day: 15,
            }),
            what: "元宵".into(),
        }];
        let m = client_moments(0, &c, d("2026-02-10"), 365);
        let days = |who: &str| -> Vec<String> {
            m.iter()
                .filter(|m| m.what == who)
                .map(|m| m.date.to_string())
                .collect()
        };
        assert_eq!(days("春"), ["2026-02-17", "2027-02-06"]);
        assert_eq!(days("王强"), ["2026-11-28"]);
        // 元宵 (正月十五) 2026-03-03; the next, 2027-02-20, is past 2027-02-10.
        assert_eq!(days("元宵"), ["2026-03-03"]);
    }

    #[test]
    fn lunar_birthdays_count_in_the_greeting_rate() {
        // Today 2026-11-22; the last 12 months run from 2025-11-23. 元 正月十五 =
        // 2026-03-03, greeted 03-02 (within 3 days). 腊 腊月初八 = 2026-01-26 (of the
        // lunar year 2025; 2025-01-07's is out of the window and 2027-01-15's still to
        // come), not greeted. 闰 闰六月初一: 2026 has none, so 六月初一 = 2026-07-14, not
        // greeted (and 2025's 闰六月初一, 2025-07-25, is out of the window).
        let c = Client {
            people: vec![
                lunar_person("元", None, 1, false, 15),
                lunar_person("腊", Some(1970), 12, false, 8),
                lunar_person("闰", None, 6, true, 1),
            ],
            entries: vec![e("2026-03-02", Kind::Greeting)],
            ..Client::default()
        };
        let checks = birthday_checks(&c, d("2026-11-22"));
        let got: Vec<(&str, String, bool)> = checks
            .iter()
            .map(|c| (c.person.as_str(), c.date.to_string(), c.greeted))
            .collect();
        assert_eq!(
            got,
            [
                ("闰", "2026-07-14".into(), false),
                ("元", "2026-03-03".into(), true),
                ("腊", "2026-01-26".into(), false),
            ]
        );
    }

    #[test]
    fn birthday_greeting_rate() {
        // Lena 2026-01-10: no greeting; Old 2026-10-01: greeted 10-02; 王强 2025-11-28: none.
        let checks = birthday_checks(&client(), d("2026-11-22"));
        let got: Vec<(&str, bool)> = checks
            .iter()
            .map(|c| (c.person.as_str(), c.greeted))
            .collect();
        assert_eq!(got, [("Old", true), ("Lena", false), ("王强", false)]);
    }

    #[test]
    fn a_birthday_greeted_on_the_day_counts_at_once() {
        // Old's birthday is 10-01; greeted on the day. Today 10-01 and 10-02: counted
        // greeted already, not only once the window closes on 10-04.
        let mut c = client();
        c.entries.push(e("2026-10-01", Kind::Greeting));
        for today in ["2026-10-01", "2026-10-02", "2026-10-03"] {
            let checks = birthday_checks(&c, d(today));
            let old: Vec<bool> = checks
                .iter()
                .filter(|b| b.person == "Old" && b.date == d("2026-10-01"))
                .map(|b| b.greeted)
                .collect();
            assert_eq!(old, [true], "{today}");
        }
        // Not greeted yet on the day: not counted as missed while the window is open.
        let checks = birthday_checks(&client(), d("2026-10-01"));
        assert!(
            !checks
                .iter()
                .any(|b| b.person == "Old" && b.date == d("2026-10-01"))
        );
    }

    #[test]
    fn a_client_first_contacted_after_a_holiday_is_not_expected() {
        // National Day 2026-10-01. First contact 10-02 (a call): not expected. First
        // contact on the day itself: expected.
        let today = d("2026-11-22");
        let late = Client {
            name: "Late".into(),
            entries: vec![e("2026-10-02", Kind::Call)],
            ..Client::default()
        };
        let on_day = Client {
            name: "OnDay".into(),
            entries: vec![e("2026-10-01", Kind::Call)],
            ..Client::default()
        };
        let cov = holiday_coverage(&[late, on_day], today, &[]);
        let national = cov
            .iter()
            .find(|c| c.holiday.key == Some("national_day"))
            .unwrap();
        assert_eq!(
            (national.greeted.clone(), national.missed.clone()),
            (vec![], vec![1])
        );
    }

    #[test]
    fn holiday_coverage_and_next() {
        let today = d("2026-11-22");
        let clients = vec![client()];
        let cov = holiday_coverage(&clients, today, &[]);
        let spring = cov
            .iter()
            .find(|c| c.holiday.key == Some("spring_festival"))
            .unwrap();
        assert_eq!(spring.holiday.date, d("2026-02-17"));
        assert_eq!(
            spring.greeted,
            vec![0],
            "gift on 02-14 is within 7 days before"
        );
        let national = cov
            .iter()
            .find(|c| c.holiday.key == Some("national_day"))
            .unwrap();
        assert_eq!(
            national.greeted,
            vec![0],
            "greeting 10-02 is within 3 days after"
        );
        let mid = cov
            .iter()
            .find(|c| c.holiday.key == Some("mid_autumn"))
            .unwrap();
        assert_eq!(mid.missed, vec![0]);
        let next = next_holidays(&clients, today, 90, &[]);
        let got: Vec<(Option<&str>, Date)> = next
            .iter()
            .map(|c| (c.holiday.key, c.holiday.date))
            .collect();
        assert_eq!(
            got,
            [
                (Some("new_year"), d("2027-01-01")),
                (Some("spring_festival"), d("2027-02-06"))
            ]
        );
        assert_eq!(next[0].missed, vec![0]);
        assert_eq!(
            next_holidays(&clients, today, 10, &[]).len(),
            1,
            "the next one at least"
        );
    }
}
