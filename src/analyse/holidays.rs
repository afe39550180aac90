//! The holiday calendar: New Year, Spring Festival, Labour Day, Dragon Boat, Mid-Autumn
//! and National Day, plus any added in touchbase.yaml. Lunar dates are computed with
//! ICU4X's Chinese calendar (GB/T 33661-2017), not a table of a few years.

use icu_calendar::Iso;
use icu_calendar::cal::ChineseTraditional;
use icu_calendar::types::Month;

use crate::model::{Date, DateSpec, LunarDay};

/// A holiday on a given day. Built-in ones have a `key` (for translated names);
/// configured ones a `name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holiday {
    pub date: Date,
    pub key: Option<&'static str>,
    pub name: String,
}

/// A holiday from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomHoliday {
    pub date: DateSpec,
    pub name: String,
}

/// The ISO date of a Chinese-calendar month and day in the lunar year that starts in
/// `year` (no fallback: `None` for a day that year does not have).
pub fn lunar(year: i16, month: u8, day: u8) -> Option<Date> {
    chinese(year, Month::new(month), day)
}

fn chinese(year: i16, month: Month, day: u8) -> Option<Date> {
    let date = icu_calendar::Date::try_new(
        i32::from(year).into(),
        month,
        day,
        ChineseTraditional::new(),
    )
    .ok()?;
    let iso = date.to_calendar(Iso);
    let y = i16::try_from(iso.year().extended_year()).ok()?;
    Date::new(
        y,
        i8::try_from(iso.month().ordinal).ok()?,
        i8::try_from(iso.day_of_month().0).ok()?,
    )
    .ok()
}

/// The ISO date of the lunar `day` in the lunar year that starts in `year`, with the
/// fallback for a day that year lacks: a leap month the year does not have is the
/// ordinary month of that number; then day 30 of a 29-day month is its day 29.
pub fn lunar_in(year: i16, day: LunarDay) -> Option<Date> {
    let month = if day.leap && chinese(year, Month::leap(day.month), 1).is_some() {
        Month::leap(day.month)
    } else {
        Month::new(day.month)
    };
    chinese(year, month, day.day)
        .or_else(|| (day.day == 30).then(|| chinese(year, month, 29)).flatten())
}

/// Every Gregorian day from `from` to `to` (inclusive) that the lunar `day` falls on,
/// in order. A Gregorian year overlaps two lunar years (the one that began in the
/// previous January or February, whose 11th and 12th months fall in this one's January,
/// and the one that begins in it), so a lunar day can fall on none, one or two days of
/// a Gregorian year.
pub fn lunar_between(day: LunarDay, from: Date, to: Date) -> Vec<Date> {
    let mut out: Vec<Date> = (from.year().saturating_sub(1)..=to.year())
        .filter_map(|y| lunar_in(y, day))
        .filter(|d| *d >= from && *d <= to)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `month-day` in `year`; 02-29 falls on 02-28 in other years.
pub fn on(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day)
        .ok()
        .or_else(|| Date::new(year, month, day - 1).ok())
}

/// Every holiday from `from` to `to`, inclusive, in date order.
pub fn between(from: Date, to: Date, custom: &[CustomHoliday]) -> Vec<Holiday> {
    let mut out = Vec::new();
    for h in custom {
        if let DateSpec::Lunar(day) = h.date {
            out.extend(
                lunar_between(day, from, to)
                    .into_iter()
                    .map(|date| Holiday {
                        date,
                        key: None,
                        name: h.name.clone(),
                    }),
            );
        }
    }
    for year in from.year()..=to.year() {
        let builtin = [
            ("new_year", on(year, 1, 1)),
            ("spring_festival", lunar(year, 1, 1)),
            ("labour_day", on(year, 5, 1)),
            ("dragon_boat", lunar(year, 5, 5)),
            ("mid_autumn", lunar(year, 8, 15)),
            ("national_day", on(year, 10, 1)),
        ];
        for (key, date) in builtin {
            if let Some(date) = date {
                out.push(Holiday {
                    date,
                    key: Some(key),
                    name: key.to_string(),
                });
            }
        }
        for h in custom {
            let date = match h.date {
                DateSpec::Yearly { month, day } => on(year, month, day),
                DateSpec::Once(d) => (d.year() == year).then_some(d),
                DateSpec::Lunar(_) => None,
            };
            if let Some(date) = date {
                out.push(Holiday {
                    date,
                    key: None,
                    name: h.name.clone(),
                });
            }
        }
    }
    out.retain(|h| h.date >= from && h.date <= to);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn lunar_holidays_match_the_published_dates() {
        // Spring Festival, Dragon Boat, Mid-Autumn (State Council notices).
        assert_eq!(lunar(2024, 1, 1), Some(d("2024-02-10")));
        assert_eq!(lunar(2025, 1, 1), Some(d("2025-01-29")));
        assert_eq!(lunar(2025, 5, 5), Some(d("2025-05-31")));
        assert_eq!(lunar(2025, 8, 15), Some(d("2025-10-06")));
        assert_eq!(lunar(2026, 1, 1), Some(d("2026-02-17")));
        assert_eq!(lunar(2026, 5, 5), Some(d("2026-06-19")));
        assert_eq!(lunar(2026, 8, 15), Some(d("2026-09-25")));
        assert_eq!(lunar(2027, 1, 1), Some(d("2027-02-06")));
        // Far from any hard-coded table.
        assert_eq!(lunar(2050, 1, 1), Some(d("2050-01-23")));
    }

    fn l(month: u8, leap: bool, day: u8) -> LunarDay {
        LunarDay { month, leap, day }
    }

    #[test]
    fn lunar_days_match_the_published_dates() {
        // Each checked against ICU4X itself (this function, before writing it down) and
        // the Hong Kong Observatory's Gregorian–lunar conversion tables.
        // 元宵节 2026 (正月十五): 2026-03-03. 重阳节 2026 (九月初九): 2026-10-18.
        assert_eq!(lunar_in(2026, l(1, false, 15)), Some(d("2026-03-03")));
        assert_eq!(lunar_in(2026, l(9, false, 9)), Some(d("2026-10-18")));
        // 2025 has a leap 6th month, 闰六月初一 = 2025-07-25 (六月初一 = 2025-06-25); it
        // has 29 days, to 闰六月廿九 = 2025-08-22.
        assert_eq!(lunar_in(2025, l(6, true, 1)), Some(d("2025-07-25")));
        assert_eq!(lunar_in(2025, l(6, false, 1)), Some(d("2025-06-25")));
        // 腊八 of the lunar year 2026 falls in the next January: 2027-01-15; that of
        // 2025 on 2026-01-26.
        assert_eq!(lunar_in(2026, l(12, false, 8)), Some(d("2027-01-15")));
        assert_eq!(lunar_in(2025, l(12, false, 8)), Some(d("2026-01-26")));
    }

    #[test]
    fn a_lunar_day_a_year_lacks_falls_back() {
        // 二月 of 2026 has 29 days (二月廿九 = 2026-04-16, no 二月三十): day 30 → day 29.
        assert_eq!(lunar_in(2026, l(2, false, 30)), Some(d("2026-04-16")));
        // A 30-day month keeps its day 30: 九月三十 2026 = 2026-11-08.
        assert_eq!(lunar_in(2026, l(9, false, 30)), Some(d("2026-11-08")));
        // 2026 has no leap 6th month: 闰六月初一 → 六月初一 = 2026-07-14.
        assert_eq!(lunar_in(2026, l(6, true, 1)), Some(d("2026-07-14")));
        // Both rules: 闰六月 2025 has 29 days, so 闰六月三十 → 闰六月廿九 = 2025-08-22
        // (not 六月三十, 2025-07-24).
        assert_eq!(lunar_in(2025, l(6, true, 30)), Some(d("2025-08-22")));
        // 腊月 of 2025 has 29 days: 腊月三十 → 除夕, 腊月廿九 = 2026-02-16.
        assert_eq!(lunar_in(2025, l(12, false, 30)), Some(d("2026-02-16")));
    }

    #[test]
    fn a_lunar_day_in_a_window_of_both_lunar_years() {
        // The Gregorian year 2026 holds 腊八 of the lunar year 2025 (2026-01-26) but not
        // that of 2026 (2027-01-15).
        let y2026 = lunar_between(l(12, false, 8), d("2026-01-01"), d("2026-12-31"));
        assert_eq!(y2026, [d("2026-01-26")]);
        let longer = lunar_between(l(12, false, 8), d("2026-01-01"), d("2027-01-31"));
        assert_eq!(longer, [d("2026-01-26"), d("2027-01-15")]);
        // 12 months from 2026-02-10 hold two Spring Festivals: 2026-02-17, 2027-02-06.
        let spring = lunar_between(l(1, false, 1), d("2026-02-10"), d("2027-02-10"));
        assert_eq!(spring, [d("2026-02-17"), d("2027-02-06")]);
        assert!(lunar_between(l(1, false, 1), d("2026-03-01"), d("2026-12-31")).is_empty());
    }

    #[test]
    fn configured_lunar_holidays() {
        let custom = [
            CustomHoliday {
                date: DateSpec::Lunar(l(12, false, 8)),
                name: "腊八".into(),
            },
            CustomHoliday {
                date: DateSpec::Lunar(l(1, false, 15)),
                name: "元宵节".into(),
            },
        ];
        // 2026-01-01 to 2026-03-31: New Year 01-01, 腊八 01-26, Spring Festival 02-17,
        // 元宵节 03-03.
        let h = between(d("2026-01-01"), d("2026-03-31"), &custom);
        let got: Vec<(String, &str)> = h
            .iter()
            .map(|h| (h.date.to_string(), h.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-01-01".into(), "new_year"),
                ("2026-01-26".into(), "腊八"),
                ("2026-02-17".into(), "spring_festival"),
                ("2026-03-03".into(), "元宵节"),
            ]
        );
    }

    #[test]
    fn holidays_in_a_range() {
        let custom = [CustomHoliday {
            date: DateSpec::Yearly { month: 11, day: 11 },
            name: "双十一".into(),
        }];
        let h = between(d("2026-09-20"), d("2026-11-30"), &custom);
        let names: Vec<&str> = h.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["mid_autumn", "national_day", "双十一"]);
        assert_eq!(on(2026, 2, 29), Some(d("2026-02-28")));
    }
}
