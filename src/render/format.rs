//! How dates, months, cadences and money read in each language: `2 Nov 2026` /
//! `2026年11月2日`, `14 days` / `14 天`, `¥1,234,567` / `¥123.46万`. Pages show dates
//! inside `<time datetime="2026-11-02">`, so machines (and the client list's sorting)
//! still read the ISO date. The Tera filters `day` and `time` give templates the same.

use std::collections::HashMap;

use crate::config::Lang;
use crate::model::{Cadence, CadenceUnit, Date, LunarDay};

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(&mut out, s);
    out
}

/// `escape`, written onto the end of `out`: runs without a special character are
/// copied whole.
pub fn push_escaped(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        let (head, tail) = rest.split_at(at);
        out.push_str(head);
        let mut chars = tail.chars();
        out.push_str(match chars.next() {
            Some('&') => "&amp;",
            Some('<') => "&lt;",
            Some('>') => "&gt;",
            Some('"') => "&quot;",
            _ => "&#39;",
        });
        rest = chars.as_str();
    }
    out.push_str(rest);
}

/// A number's decimal digits onto `out`, at least `width` of them (zero-padded):
/// dates are written hundreds of thousands of times per build, and `write!` costs
/// several times this.
pub fn push_number(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    // Filled from the end; the digits and zero padding are the tail of the array.
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    let mut v = n.unsigned_abs();
    while let Some(slot) = start.checked_sub(1).and_then(|i| digits.get_mut(i)) {
        *slot = b'0' + (v % 10) as u8;
        start -= 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width));
    out.push_str(std::str::from_utf8(digits.get(start..).unwrap_or(&[])).unwrap_or(""));
}

/// `2026-11-02` onto `out`.
pub fn push_iso(out: &mut String, d: Date) {
    push_number(out, i64::from(d.year()), 4);
    out.push('-');
    push_number(out, i64::from(d.month()), 2);
    out.push('-');
    push_number(out, i64::from(d.day()), 2);
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(m: i8) -> &'static str {
    usize::try_from(m - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("?")
}

/// `2 Nov 2026` / `2026年11月2日`.
pub fn date(lang: Lang, d: Date) -> String {
    let mut out = String::with_capacity(16);
    push_date(&mut out, lang, d);
    out
}

/// `date`, written onto the end of `out` (the contact log has 400,000 of them).
pub fn push_date(out: &mut String, lang: Lang, d: Date) {
    match lang {
        Lang::En => {
            push_number(out, i64::from(d.day()), 1);
            out.push(' ');
            out.push_str(month_name(d.month()));
            out.push(' ');
            push_number(out, i64::from(d.year()), 1);
        }
        Lang::Zh => {
            push_number(out, i64::from(d.year()), 1);
            out.push('年');
            push_number(out, i64::from(d.month()), 1);
            out.push('月');
            push_number(out, i64::from(d.day()), 1);
            out.push('日');
        }
    }
}

/// `<time datetime="2026-11-02">2 Nov 2026</time>`, written onto the end of `out`.
pub fn push_time(out: &mut String, lang: Lang, d: Date) {
    out.push_str("<time datetime=\"");
    push_iso(out, d);
    out.push_str("\">");
    push_date(out, lang, d);
    out.push_str("</time>");
}

/// A date as a table shows it: without its year within `today`'s year (`2 Nov` /
/// `11月2日`), else in full.
pub fn date_short(lang: Lang, d: Date, today: Date) -> String {
    if d.year() == today.year() {
        month_day(lang, d.month(), d.day())
    } else {
        date(lang, d)
    }
}

/// A yearly day without its year (a birthday): `8 Apr` / `4月8日`.
pub fn month_day(lang: Lang, month: i8, day: i8) -> String {
    match lang {
        Lang::En => format!("{day} {}", month_name(month)),
        Lang::Zh => format!("{month}月{day}日"),
    }
}

/// A lunar day in words: `lunar 8/15`, `lunar leap 4/15` / `农历八月十五`, `农历闰四月十五`
/// (the traditional names: 正月…十月, 十一月, 腊月; 初一…初十, 十一…二十, 廿一…廿九, 三十).
pub fn lunar_day(lang: Lang, d: LunarDay) -> String {
    let lunar = super::i18n::label(lang, "lunar");
    let leap = if d.leap {
        super::i18n::label(lang, "lunar_leap")
    } else {
        ""
    };
    match lang {
        Lang::En => format!("{lunar} {leap}{}/{}", d.month, d.day),
        Lang::Zh => {
            const MONTHS: [&str; 12] = [
                "正月",
                "二月",
                "三月",
                "四月",
                "五月",
                "六月",
                "七月",
                "八月",
                "九月",
                "十月",
                "十一月",
                "腊月",
            ];
            const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
            let month = usize::from(d.month)
                .checked_sub(1)
                .and_then(|i| MONTHS.get(i))
                .copied()
                .unwrap_or("?");
            let ones = DIGITS.get(usize::from(d.day % 10)).copied().unwrap_or("");
            let day = match d.day {
                10 => "初十".to_string(),
                20 => "二十".to_string(),
                30 => "三十".to_string(),
                1..=9 => format!("初{ones}"),
                11..=19 => format!("十{ones}"),
                21..=29 => format!("廿{ones}"),
                _ => "?".to_string(),
            };
            format!("{lunar}{leap}{month}{day}")
        }
    }
}

/// A lunar birthday as the people list shows it: `lunar 8/15`, with the year of birth
/// when it may be shown (`lunar 8/15, 1968` / `1968年农历八月十五`).
pub fn lunar_birthday(lang: Lang, d: LunarDay, year: Option<i16>) -> String {
    let words = lunar_day(lang, d);
    match (year, lang) {
        (None, _) => words,
        (Some(y), Lang::En) => format!("{words}, {y}"),
        (Some(y), Lang::Zh) => format!("{y}年{words}"),
    }
}

/// A month: `Dec 2025` / `2025年12月`.
pub fn year_month(lang: Lang, year: i16, month: i8) -> String {
    match lang {
        Lang::En => format!("{} {year}", month_name(month)),
        Lang::Zh => format!("{year}年{month}月"),
    }
}

/// An ISO text date as `<time datetime=…>` in the language (see `iso_text`); nothing
/// for an empty text.
pub fn time_text(lang: Lang, iso: &str) -> String {
    if iso.is_empty() {
        return String::new();
    }
    let iso_attr = super::escape(iso);
    format!(
        "<time datetime=\"{iso_attr}\">{}</time>",
        super::escape(&iso_text(lang, iso))
    )
}

/// What an ISO text (`2026-11-02`, `2026-11` or `11-02`) says, in the language;
/// any other text is returned as it is.
pub fn iso_text(lang: Lang, s: &str) -> String {
    // Two-digit fields only (`2026-1-5` is not ISO), so they fit an i8.
    let two = |p: &str| (p.len() == 2).then(|| p.parse::<i8>().ok()).flatten();
    let year = |p: &str| (p.len() == 4).then(|| p.parse::<i16>().ok()).flatten();
    let mut parts = s.splitn(3, '-');
    let (a, b, c) = (parts.next(), parts.next(), parts.next());
    let shown = match (a, b, c) {
        (Some(y), Some(m), Some(d)) => match (year(y), two(m), two(d)) {
            (Some(y), Some(m), Some(d)) => Date::new(y, m, d).ok().map(|d| date(lang, d)),
            _ => None,
        },
        (Some(y), Some(m), None) if y.len() == 4 => match (year(y), two(m)) {
            (Some(y), Some(m @ 1..=12)) => Some(year_month(lang, y, m)),
            _ => None,
        },
        (Some(m), Some(d), None) => match (two(m), two(d)) {
            (Some(m @ 1..=12), Some(d @ 1..=31)) => Some(month_day(lang, m, d)),
            _ => None,
        },
        _ => None,
    };
    shown.unwrap_or_else(|| s.to_string())
}

/// A cadence for a table cell: `14 days`, `2 weeks` / `14 天`, `2 周`.
pub fn cadence_short(lang: Lang, c: Cadence) -> String {
    let n = c.count;
    let one = n == 1;
    let unit = match (lang, c.unit) {
        (Lang::En, CadenceUnit::Day) => {
            if one {
                "day"
            } else {
                "days"
            }
        }
        (Lang::En, CadenceUnit::Week) => {
            if one {
                "week"
            } else {
                "weeks"
            }
        }
        (Lang::En, CadenceUnit::Month) => {
            if one {
                "month"
            } else {
                "months"
            }
        }
        (Lang::En, CadenceUnit::Year) => {
            if one {
                "year"
            } else {
                "years"
            }
        }
        (Lang::Zh, CadenceUnit::Day) => "天",
        (Lang::Zh, CadenceUnit::Week) => "周",
        (Lang::Zh, CadenceUnit::Month) => "个月",
        (Lang::Zh, CadenceUnit::Year) => "年",
    };
    format!("{n} {unit}")
}

/// Whole numbers with thousands separators: `1,234,567`.
pub fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v.round() < 0.0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Money in yuan as the language expects it: `¥1,234,567` in English; in Chinese,
/// amounts from ten thousand up in 万 (`¥123.46万`) and from a hundred million in 亿
/// (`¥1.5亿`), with at most two decimals. Whole yuan: cents are noise here.
pub fn money(lang: Lang, v: f64) -> String {
    let sign = if v.round() < 0.0 { "-" } else { "" };
    let a = v.abs();
    let scaled = |div: f64, unit: &str| {
        let s = format!("{:.2}", a / div);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{sign}¥{s}{unit}")
    };
    match lang {
        Lang::Zh if a >= 1e8 => scaled(1e8, "亿"),
        Lang::Zh if a >= 1e4 => scaled(1e4, "万"),
        _ => format!("{sign}¥{}", grouped(a)),
    }
}

/// The Tera filters `day` (an ISO date as text in the language) and `time` (the same
/// inside `<time datetime=…>`, to be marked `| safe`).
pub fn register_filters(tera: &mut tera::Tera, lang: Lang) {
    tera.register_filter(
        "day",
        move |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(
                v.as_str().map(|s| iso_text(lang, s)).unwrap_or_default(),
            ))
        },
    );
    tera.register_filter(
        "time",
        move |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(time_text(
                lang,
                v.as_str().unwrap_or_default(),
            )))
        },
    );
}

/// The Tera filter `short`: an ISO date inside `<time datetime=…>`, without its year
/// within `today`'s year (the full date in its `title`), for table cells.
pub fn register_short(tera: &mut tera::Tera, lang: Lang, today: Date) {
    tera.register_filter(
        "short",
        move |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            let iso = v.as_str().unwrap_or_default();
            Ok(tera::Value::String(short_time(lang, iso, today)))
        },
    );
}

/// `<time datetime="2026-11-02" title="2 Nov 2026">2 Nov</time>` within `today`'s
/// year; `time_text` otherwise (and for anything but a full ISO date).
pub fn short_time(lang: Lang, iso: &str, today: Date) -> String {
    // Only today's year is shortened: compare its digits before parsing anything.
    let mut year = String::with_capacity(4);
    push_number(&mut year, i64::from(today.year()), 4);
    if iso.len() != 10 || !iso.starts_with(&year) {
        return time_text(lang, iso);
    }
    // `YYYY-MM-DD`: the month and day from their digits (this runs for every date of
    // every table row).
    let two = |at: usize| {
        let b = iso.as_bytes();
        match (b.get(at), b.get(at + 1)) {
            (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => {
                Some(((x - b'0') * 10 + (y - b'0')) as i8)
            }
            _ => None,
        }
    };
    let (Some(month), Some(day)) = (two(5), two(8)) else {
        return time_text(lang, iso);
    };
    match Date::new(today.year(), month, day) {
        Ok(d) if iso.as_bytes().get(4) == Some(&b'-') && iso.as_bytes().get(7) == Some(&b'-') => {
            let mut out = String::with_capacity(64);
            out.push_str("<time datetime=\"");
            push_iso(&mut out, d);
            out.push_str("\" title=\"");
            push_date(&mut out, lang, d);
            out.push_str("\">");
            match lang {
                Lang::En => {
                    push_number(&mut out, i64::from(day), 1);
                    out.push(' ');
                    out.push_str(month_name(month));
                }
                Lang::Zh => {
                    push_number(&mut out, i64::from(month), 1);
                    out.push('月');
                    push_number(&mut out, i64::from(day), 1);
                    out.push('日');
                }
            }
            out.push_str("</time>");
            out
        }
        _ => time_text(lang, iso),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lunar_days_in_words() {
        let l = |month, leap, day| LunarDay { month, leap, day };
        let zh = |month, leap, day| lunar_day(Lang::Zh, l(month, leap, day));
        assert_eq!(zh(8, false, 15), "农历八月十五");
        assert_eq!(zh(4, true, 15), "农历闰四月十五");
        assert_eq!(zh(1, false, 1), "农历正月初一");
        assert_eq!(zh(3, false, 10), "农历三月初十");
        assert_eq!(zh(6, false, 11), "农历六月十一");
        assert_eq!(zh(11, false, 20), "农历十一月二十");
        assert_eq!(zh(10, false, 23), "农历十月廿三");
        assert_eq!(zh(12, false, 8), "农历腊月初八");
        assert_eq!(zh(2, false, 30), "农历二月三十");
        assert_eq!(lunar_day(Lang::En, l(8, false, 15)), "lunar 8/15");
        assert_eq!(lunar_day(Lang::En, l(4, true, 5)), "lunar leap 4/5");
        assert_eq!(
            lunar_birthday(Lang::En, l(10, false, 23), Some(1968)),
            "lunar 10/23, 1968"
        );
        assert_eq!(
            lunar_birthday(Lang::Zh, l(10, false, 23), Some(1968)),
            "1968年农历十月廿三"
        );
        assert_eq!(
            lunar_birthday(Lang::Zh, l(10, false, 23), None),
            "农历十月廿三"
        );
    }

    #[test]
    fn short_dates_within_the_year() {
        let today = d(2026, 11, 22);
        assert_eq!(
            short_time(Lang::Zh, "2026-11-02", today),
            "<time datetime=\"2026-11-02\" title=\"2026年11月2日\">11月2日</time>"
        );
        assert_eq!(
            short_time(Lang::En, "2026-01-31", today),
            "<time datetime=\"2026-01-31\" title=\"31 Jan 2026\">31 Jan</time>"
        );
        // Another year, and anything but a full date, as `time` writes it.
        assert_eq!(
            short_time(Lang::En, "2025-12-31", today),
            time_text(Lang::En, "2025-12-31")
        );
        assert_eq!(short_time(Lang::En, "", today), "");
        assert_eq!(
            short_time(Lang::En, "11-02", today),
            time_text(Lang::En, "11-02")
        );
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn numbers_and_dates_are_written_as_format_would() {
        for n in [
            0i64,
            7,
            10,
            99,
            100,
            2026,
            12345,
            -3,
            -2026,
            i64::MAX,
            i64::MIN,
        ] {
            for width in [1usize, 2, 4] {
                let mut out = String::from("x");
                push_number(&mut out, n, width);
                let expected = if n < 0 {
                    format!("x-{:0width$}", n.unsigned_abs())
                } else {
                    format!("x{n:0width$}")
                };
                assert_eq!(out, expected, "{n} {width}");
            }
        }
        for day in [d(2026, 1, 2), d(999, 12, 31), d(2026, 11, 20)] {
            let mut out = String::new();
            push_time(&mut out, Lang::En, day);
            assert_eq!(
                out,
                format!(
                    "<time datetime=\"{:04}-{:02}-{:02}\">{} {} {}</time>",
                    day.year(),
                    day.month(),
                    day.day(),
                    day.day(),
                    month_name(day.month()),
                    day.year()
                )
            );
        }
    }

    #[test]
    fn escaping_replaces_every_special_character_and_keeps_the_rest() {
        assert_eq!(
            escape("<a href=\"x\">Tom & 王'强</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; 王&#39;强&lt;/a&gt;"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("华东建材"), "华东建材");
        assert_eq!(escape("&&"), "&amp;&amp;");
    }

    #[test]
    fn dates_in_both_languages() {
        assert_eq!(date(Lang::En, d(2026, 11, 2)), "2 Nov 2026");
        assert_eq!(date(Lang::Zh, d(2026, 11, 2)), "2026年11月2日");
        assert_eq!(month_day(Lang::En, 4, 8), "8 Apr");
        assert_eq!(month_day(Lang::Zh, 4, 8), "4月8日");
        assert_eq!(year_month(Lang::Zh, 2025, 12), "2025年12月");
        let mut html = String::new();
        push_time(&mut html, Lang::En, d(2026, 1, 5));
        assert_eq!(html, "<time datetime=\"2026-01-05\">5 Jan 2026</time>");
        assert_eq!(time_text(Lang::En, ""), "");
    }

    #[test]
    fn iso_text_reads_three_shapes_and_leaves_the_rest() {
        assert_eq!(iso_text(Lang::En, "2026-11-02"), "2 Nov 2026");
        assert_eq!(iso_text(Lang::En, "2025-12"), "Dec 2025");
        assert_eq!(iso_text(Lang::Zh, "04-08"), "4月8日");
        for odd in [
            "",
            "2026-02-30",
            "2026-13",
            "13-01",
            "next week",
            "2026-11-02x",
        ] {
            assert_eq!(iso_text(Lang::Zh, odd), odd);
        }
    }

    #[test]
    fn cadences_read_short() {
        assert_eq!(cadence_short(Lang::En, Cadence::days(14)), "14 days");
        assert_eq!(cadence_short(Lang::En, Cadence::days(1)), "1 day");
        let two_months = Cadence {
            count: 2,
            unit: CadenceUnit::Month,
        };
        assert_eq!(cadence_short(Lang::Zh, two_months), "2 个月");
    }

    #[test]
    fn money_in_both_languages() {
        assert_eq!(money(Lang::En, 1_200_000.0), "¥1,200,000");
        assert_eq!(money(Lang::En, 999.4), "¥999");
        assert_eq!(money(Lang::En, -1234.0), "-¥1,234");
        assert_eq!(money(Lang::En, 0.0), "¥0");
        assert_eq!(money(Lang::Zh, 1_200_000.0), "¥120万");
        assert_eq!(money(Lang::Zh, 1_234_567.0), "¥123.46万");
        assert_eq!(money(Lang::Zh, 8_500.0), "¥8,500");
        assert_eq!(money(Lang::Zh, 150_000_000.0), "¥1.5亿");
        assert_eq!(money(Lang::Zh, -25_000.0), "-¥2.5万");
        assert_eq!(money(Lang::En, -0.3), "¥0");
    }
}
