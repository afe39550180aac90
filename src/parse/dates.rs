//! Reading dates as people write them: ISO `YYYY-MM-DD` is the only accepted form, but
//! anything that *looks* like a date is recognised so the error can show the ISO form.

use crate::model::{Birthday, Date, DateSpec, LunarDay};

/// Why a date-like text is not an accepted date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateProblem {
    pub message: String,
    pub help: String,
}

/// If `text` starts with something date-like (`2026-03-05`, `2026/3/5`, `2026年3月5日`),
/// return the byte length of that token and whether it is a valid ISO date.
pub fn leading_date(text: &str) -> Option<(usize, Result<Date, DateProblem>)> {
    let bytes = text.as_bytes();
    // Four digits, a separator, then a digit: a year followed by more.
    if bytes.len() < 6 || !bytes.iter().take(4).all(u8::is_ascii_digit) {
        return None;
    }
    let after_year = text.get(4..)?;
    let sep = after_year.chars().next()?;
    if !matches!(sep, '-' | '/' | '.' | '年') {
        return None;
    }
    if !after_year
        .get(sep.len_utf8()..)?
        .starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let len = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日')))
        .map_or(text.len(), |(i, _)| i);
    let token = text.get(..len)?.trim_end_matches(['.', '-', '/']);
    Some((token.len(), parse_iso(token)))
}

/// Parse exactly `YYYY-MM-DD`, explaining what is wrong otherwise.
pub fn parse_iso(token: &str) -> Result<Date, DateProblem> {
    // The common case, `2026-03-05`, without splitting or allocating: a note holds a
    // date per entry and per follow-up.
    if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *token.as_bytes()
        && [y1, y2, y3, y4, m1, m2, d1, d2]
            .iter()
            .all(u8::is_ascii_digit)
    {
        let n = |digits: &[u8]| {
            digits
                .iter()
                .fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0'))
        };
        let (y, m, d) = (n(&[y1, y2, y3, y4]), n(&[m1, m2]), n(&[d1, d2]));
        // Months and days fit in an i8 (at most 99).
        let (m, d) = (m as i8, d as i8);
        return Date::new(y, m, d).map_err(|_| impossible(token, y, m));
    }
    let numbers: Vec<&str> = token
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|s| !s.is_empty())
        .collect();
    let iso_shaped = token.len() == 10
        && token.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let parts: Option<(i16, i8, i8)> = match numbers.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            match (y.parse(), m.parse(), d.parse()) {
                (Ok(y), Ok(m), Ok(d)) => Some((y, m, d)),
                _ => None,
            }
        }
        _ => None,
    };
    match parts {
        Some((y, m, d)) => match Date::new(y, m, d) {
            Ok(date) if iso_shaped => Ok(date),
            Ok(date) => Err(DateProblem {
                message: format!("date `{token}` is not in ISO form"),
                help: format!("write dates as YYYY-MM-DD: `{date}`"),
            }),
            Err(_) => Err(impossible(token, y, m)),
        },
        None => Err(DateProblem {
            message: format!("`{token}` is not a date"),
            help: "write dates as YYYY-MM-DD, e.g. `2026-03-05`".to_string(),
        }),
    }
}

fn impossible(token: &str, year: i16, month: i8) -> DateProblem {
    let help = match Date::new(year, month, 1) {
        Ok(first) => format!(
            "{} {year} has {} days; write dates as YYYY-MM-DD",
            month_name(month),
            first.days_in_month()
        ),
        Err(_) => "months run from 01 to 12; write dates as YYYY-MM-DD".to_string(),
    };
    DateProblem {
        message: format!("`{token}` is not a real date"),
        help,
    }
}

fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    usize::try_from(month - 1)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("that month")
}

/// The words that start a lunar date, and the leap-month words after them. The first
/// of each style is the one hints show.
const LUNAR_ZH: [&str; 4] = ["农历", "阴历", "農曆", "陰曆"];
const LEAP_ZH: [&str; 2] = ["闰", "閏"];

/// `text` without its leading `word`, compared ignoring ASCII case.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    head.eq_ignore_ascii_case(word)
        .then(|| text.get(word.len()..))
        .flatten()
}

/// A lunar date as written: `农历08-15`, `lunar 08-15` (any case), `农历闰04-15` or
/// `lunar leap 04-15` for a leap month, `阴历` (and Traditional `農曆`, `陰曆`) for
/// `农历`, and a Gregorian year of birth before it: `1968 农历08-15`. `None` when the
/// text (after a year) does not start with one of those words: it is not meant to be
/// lunar. Day 30 is accepted in every month (it falls back where a month has 29).
pub fn parse_lunar(text: &str) -> Option<Result<(Option<i16>, LunarDay), DateProblem>> {
    let t = text.trim();
    // A year of birth: four digits, then a space or `年`.
    let (year, rest) = match (t.get(..4), t.get(4..)) {
        (Some(y), Some(rest))
            if y.bytes().all(|b| b.is_ascii_digit())
                && rest.starts_with(|c: char| c.is_whitespace() || c == '年') =>
        {
            let rest = rest.trim_start().trim_start_matches('年').trim_start();
            (y.parse::<i16>().ok(), rest)
        }
        _ => (None, t),
    };
    let (zh, rest) = match LUNAR_ZH.iter().find_map(|w| rest.strip_prefix(w)) {
        Some(r) => (true, r),
        None => (false, strip_word(rest, "lunar")?),
    };
    // `lunarx 08-15` is not the word `lunar`.
    if !zh && rest.starts_with(|c: char| c.is_alphanumeric() && !c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start();
    let (leap, rest) = match LEAP_ZH.iter().find_map(|w| rest.strip_prefix(w)) {
        Some(r) => (true, r.trim_start()),
        None => match strip_word(rest, "leap") {
            Some(r) if r.starts_with(char::is_whitespace) => (true, r.trim_start()),
            _ => (false, rest),
        },
    };
    let form = |md: &str| {
        let year = year.map(|y| format!("{y:04} ")).unwrap_or_default();
        let leap_word = match (leap, zh) {
            (false, _) => "",
            (true, true) => "闰",
            (true, false) => "leap ",
        };
        let word = if zh { "农历" } else { "lunar " };
        format!("{year}{word}{leap_word}{md}")
    };
    let example = |md: &str, leap_md: &str| {
        if zh {
            (format!("农历{md}"), format!("农历闰{leap_md}"))
        } else {
            (format!("lunar {md}"), format!("lunar leap {leap_md}"))
        }
    };
    let problem = |help: String| DateProblem {
        message: format!("`{t}` is not a lunar date"),
        help,
    };
    let numbers: Vec<&str> = rest.split(['-', '/', '.']).collect();
    let parts = match numbers.as_slice() {
        [m, d]
            if (1..=2).contains(&m.len())
                && (1..=2).contains(&d.len())
                && m.bytes().chain(d.bytes()).all(|b| b.is_ascii_digit()) =>
        {
            m.parse::<u8>().ok().zip(d.parse::<u8>().ok())
        }
        _ => None,
    };
    let Some((month, day)) = parts else {
        let (plain, leap_form) = example("08-15", "04-15");
        return Some(Err(problem(format!(
            "write lunar dates as `{}`, e.g. `{plain}` (`{leap_form}` for a leap month)",
            if zh { "农历MM-DD" } else { "lunar MM-DD" }
        ))));
    };
    if !(1..=12).contains(&month) {
        let (plain, leap_form) = example("08-15", "04-15");
        return Some(Err(problem(format!(
            "lunar months run from 01 to 12: write `{plain}` (`{leap_form}` for a leap month)"
        ))));
    }
    if !(1..=30).contains(&day) {
        return Some(Err(problem(format!(
            "a lunar month has 29 or 30 days (day 30 falls on day 29 in a 29-day month): write `{}`",
            form(&format!("{month:02}-30"))
        ))));
    }
    let canonical = form(&format!("{month:02}-{day:02}"));
    if rest != format!("{month:02}-{day:02}") {
        return Some(Err(problem(format!("write lunar dates as `{canonical}`"))));
    }
    Some(Ok((year, LunarDay { month, leap, day })))
}

/// Is `text` meant as a lunar date (right or wrong)?
pub fn is_lunar(text: &str) -> bool {
    parse_lunar(text).is_some()
}

/// A date that comes back every year or happens once, as `dates:` items and configured
/// holidays have them: `MM-DD`, `农历MM-DD` (every year) or `YYYY-MM-DD`. A lunar date
/// with a year is refused: it would mean nothing more than without.
pub fn parse_yearly(text: &str) -> Result<DateSpec, DateProblem> {
    match parse_birthday(text)? {
        Birthday::Full(d) => Ok(DateSpec::Once(d)),
        Birthday::MonthDay { month, day } => Ok(DateSpec::Yearly { month, day }),
        Birthday::Lunar { year: None, day } => Ok(DateSpec::Lunar(day)),
        Birthday::Lunar { year: Some(_), .. } => {
            let t = text.trim();
            let bare = t
                .get(4..)
                .unwrap_or("")
                .trim_start()
                .trim_start_matches('年');
            Err(DateProblem {
                message: format!("lunar date `{t}` has a year"),
                help: format!(
                    "a lunar date here comes back every year: write `{}`",
                    bare.trim_start()
                ),
            })
        }
    }
}

/// A birthday: `YYYY-MM-DD`, or `MM-DD` when the year is unknown; or a lunar one
/// (`农历08-15`, `1968 农历08-15`, see `parse_lunar`).
pub fn parse_birthday(text: &str) -> Result<Birthday, DateProblem> {
    if let Some(lunar) = parse_lunar(text) {
        return lunar.map(|(year, day)| Birthday::Lunar { year, day });
    }
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() == 5 && b.get(2) == Some(&b'-') {
        let (m, d) = (t.get(..2).unwrap_or(""), t.get(3..).unwrap_or(""));
        if let (Ok(month), Ok(day)) = (m.parse::<i8>(), d.parse::<i8>()) {
            // 2000 is a leap year, so 02-29 is accepted.
            return match Date::new(2000, month, day) {
                Ok(_) => Ok(Birthday::MonthDay { month, day }),
                Err(_) => Err(DateProblem {
                    message: format!("`{t}` is not a real date"),
                    help: match Date::new(2000, month, 1) {
                        Ok(first) => format!(
                            "{} has at most {} days",
                            month_name(month),
                            first.days_in_month()
                        ),
                        Err(_) => "months run from 01 to 12; write MM-DD, e.g. `04-08`".to_string(),
                    },
                }),
            };
        }
    }
    parse_iso(t).map(Birthday::Full).map_err(|p| DateProblem {
        help: format!("{}, or MM-DD when the year is unknown", p.help),
        ..p
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        let (len, d) = leading_date("2026-11-02 visit").unwrap();
        assert_eq!(len, 10);
        assert_eq!(d.unwrap().to_string(), "2026-11-02");
    }

    #[test]
    fn date_like_but_not_iso() {
        let (_, r) = leading_date("2026/03/05 call").unwrap();
        assert_eq!(
            r.unwrap_err().help,
            "write dates as YYYY-MM-DD: `2026-03-05`"
        );
        let (len, r) = leading_date("2026年3月5日 拜访").unwrap();
        assert_eq!(len, "2026年3月5日".len());
        assert!(r.unwrap_err().help.contains("`2026-03-05`"));
        let (_, r) = leading_date("2026-3-5 call").unwrap();
        assert!(r.unwrap_err().help.contains("`2026-03-05`"));
    }

    #[test]
    fn impossible_dates() {
        let (_, r) = leading_date("2026-02-30 call").unwrap();
        let p = r.unwrap_err();
        assert_eq!(p.message, "`2026-02-30` is not a real date");
        assert_eq!(
            p.help,
            "February 2026 has 28 days; write dates as YYYY-MM-DD"
        );
        let (_, r) = leading_date("2026-13-01").unwrap();
        assert!(r.unwrap_err().help.starts_with("months run"));
    }

    #[test]
    fn not_dates() {
        assert!(leading_date("Background").is_none());
        assert!(leading_date("2026 plans").is_none());
        assert!(leading_date("2026-Q3 review").is_none());
        assert!(leading_date("联系记录").is_none());
        assert!(leading_date("20").is_none());
    }

    fn lunar(year: Option<i16>, month: u8, leap: bool, day: u8) -> Result<Birthday, DateProblem> {
        Ok(Birthday::Lunar {
            year,
            day: LunarDay { month, leap, day },
        })
    }

    #[test]
    fn lunar_birthdays() {
        for t in [
            "农历08-15",
            "lunar 08-15",
            "Lunar 08-15",
            "LUNAR08-15",
            "阴历08-15",
            "農曆08-15",
            " 陰曆 08-15 ",
        ] {
            assert_eq!(parse_birthday(t), lunar(None, 8, false, 15), "{t}");
        }
        for t in [
            "农历闰04-15",
            "農曆閏04-15",
            "lunar leap 04-15",
            "Lunar Leap 04-15",
            "lunar 闰04-15",
        ] {
            assert_eq!(parse_birthday(t), lunar(None, 4, true, 15), "{t}");
        }
        for t in ["1968 农历08-15", "1968 lunar 08-15", "1968年农历08-15"] {
            assert_eq!(parse_birthday(t), lunar(Some(1968), 8, false, 15), "{t}");
        }
        // Day 30 is fine in any month: it falls back where the month has 29.
        assert_eq!(parse_birthday("农历02-30"), lunar(None, 2, false, 30));
        // Not lunar at all: the Gregorian rules answer.
        assert!(parse_lunar("lunaria 08-15").is_none());
        assert!(parse_lunar("08-15").is_none());
        assert!(parse_lunar("1968-08-15").is_none());
    }

    #[test]
    fn bad_lunar_birthdays() {
        let p = parse_birthday("农历13-01").unwrap_err();
        assert_eq!(p.message, "`农历13-01` is not a lunar date");
        assert_eq!(
            p.help,
            "lunar months run from 01 to 12: write `农历08-15` (`农历闰04-15` for a leap month)"
        );
        let p = parse_birthday("lunar 00-01").unwrap_err();
        assert_eq!(
            p.help,
            "lunar months run from 01 to 12: write `lunar 08-15` (`lunar leap 04-15` for a leap month)"
        );
        let p = parse_birthday("1968 农历闰08-31").unwrap_err();
        assert_eq!(p.message, "`1968 农历闰08-31` is not a lunar date");
        assert_eq!(
            p.help,
            "a lunar month has 29 or 30 days (day 30 falls on day 29 in a 29-day month): write `1968 农历闰08-30`"
        );
        let p = parse_birthday("lunar 8-5").unwrap_err();
        assert_eq!(p.help, "write lunar dates as `lunar 08-05`");
        let p = parse_birthday("农历八月十五").unwrap_err();
        assert_eq!(
            p.help,
            "write lunar dates as `农历MM-DD`, e.g. `农历08-15` (`农历闰04-15` for a leap month)"
        );
    }

    #[test]
    fn yearly_dates() {
        assert_eq!(
            parse_yearly("农历12-08"),
            Ok(DateSpec::Lunar(LunarDay {
                month: 12,
                leap: false,
                day: 8
            }))
        );
        assert_eq!(
            parse_yearly("11-11"),
            Ok(DateSpec::Yearly { month: 11, day: 11 })
        );
        let p = parse_yearly("2026 农历01-15").unwrap_err();
        assert_eq!(p.message, "lunar date `2026 农历01-15` has a year");
        assert_eq!(
            p.help,
            "a lunar date here comes back every year: write `农历01-15`"
        );
    }

    #[test]
    fn birthdays() {
        assert_eq!(
            parse_birthday("04-08"),
            Ok(Birthday::MonthDay { month: 4, day: 8 })
        );
        assert!(parse_birthday("02-29").is_ok());
        assert_eq!(
            parse_birthday("02-30").unwrap_err().help,
            "February has at most 29 days"
        );
        assert!(matches!(
            parse_birthday("1980-04-08"),
            Ok(Birthday::Full(_))
        ));
        assert!(parse_birthday("April 8").is_err());
    }
}
