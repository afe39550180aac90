//! The holiday calendar: New Year, Spring Festival, Labour Day, Dragon Boat, Mid-Autumn
//! and National Day, plus any added in touchbase.yaml. Lunar dates are computed with
//! ICU4X's Chinese calendar (GB/T 33661-2017), not a table of a few years.

use icu_calendar::Iso;
use icu_calendar::cal::ChineseTraditional;
use icu_calendar::types::Month;

use crate::model::{Date, DateSpec};

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
/// `year`.
pub fn lunar(year: i16, month: u8, day: u8) -> Option<Date> {
    let date = icu_calendar::Date::try_new(
        i32::from(year).into(),
        Month::new(month),
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

/// `month-day` in `year`; 02-29 falls on 02-28 in other years.
pub fn on(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day)
        .ok()
        .or_else(|| Date::new(year, month, day - 1).ok())
}

/// Every holiday from `from` to `to`, inclusive, in date order.
pub fn between(from: Date, to: Date, custom: &[CustomHoliday]) -> Vec<Holiday> {
    let mut out = Vec::new();
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
