//! Reading dates as people write them: ISO `YYYY-MM-DD` is the only accepted form, but
//! anything that *looks* like a date is recognised so the error can show the ISO form.

use crate::model::{Birthday, Date};

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

/// A birthday: `YYYY-MM-DD`, or `MM-DD` when the year is unknown.
pub fn parse_birthday(text: &str) -> Result<Birthday, DateProblem> {
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
