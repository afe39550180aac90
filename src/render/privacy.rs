//! Masking personal data, in one place: every page, the problems page's quoted lines
//! and the JSON export go through `shown` (a value) or `diagnostic` (a problem).
//!
//! A front-matter key is private when it is one of ours (`phone`, `wechat`, `email`, a
//! person's `birthday`, `family`, `likes`, `notes`), a key people write for those
//! (`mobile`, `手机`, `电话`, `tel`, `微信`, `wx`, `邮箱`, `e-mail`, a person's
//! `address` …, see `classify`), or an unknown key whose closest known key is a private
//! one (`phnoe`). Phones keep their last four digits, WeChat IDs and e-mail addresses a
//! letter or two; the rest is left out, unless `privacy.show` in touchbase.yaml lists
//! the field. When in doubt, a value is left out rather than half-masked.

use std::borrow::Cow;

use crate::config::Privacy;
use crate::diag::Diagnostic;
use crate::model::Birthday;
use crate::suggest::closest;

/// The kinds of personal data, one per `privacy.show` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Private {
    Phone,
    Wechat,
    Email,
    BirthYear,
    Family,
    Likes,
    Notes,
    Address,
}

/// Where a key is written: the client's own front matter, or one of its `people`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Client,
    Person,
}

/// Keys of ours that are not personal data, per scope (a client's `address` is the
/// company's, a person's is not).
const PUBLIC_CLIENT: [&str; 13] = [
    "name",
    "id",
    "owner",
    "tier",
    "cadence",
    "since",
    "tags",
    "referred_by",
    "revenue",
    "address",
    "people",
    "margin",
    "dates",
];
const PUBLIC_PERSON: [&str; 4] = ["name", "role", "title", "gender"];

/// Is the value of `key` personal data, and which kind?
pub fn classify(key: &str, scope: Scope) -> Option<Private> {
    let public: &[&str] = match scope {
        Scope::Client => &PUBLIC_CLIENT,
        Scope::Person => &PUBLIC_PERSON,
    };
    let k = key.trim();
    if public.contains(&k) {
        return None;
    }
    if let Some(p) = by_name(k) {
        return Some(p);
    }
    // A typo of a known key counts as that key (`phnoe` is a phone).
    let known: &[&str] = match scope {
        Scope::Client => &crate::parse::frontmatter::CLIENT_KEYS,
        Scope::Person => &crate::parse::fields::PERSON_KEYS,
    };
    let extra: &[&str] = match scope {
        Scope::Client => &[],
        Scope::Person => &["address"],
    };
    let near = closest(k, known.iter().chain(extra).copied())?;
    if public.contains(&near) {
        None
    } else {
        by_name(near)
    }
}

/// The kind of personal data a key names, by the words people use.
fn by_name(key: &str) -> Option<Private> {
    let k: String = key
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    let is = |words: &[&str]| words.contains(&k.as_str());
    if has(&["mail", "邮箱", "电邮", "邮件"]) {
        Some(Private::Email)
    } else if has(&[
        "wechat", "weixin", "微信", "wxid", "telegram", "skype", "whatsapp",
    ]) || is(&[
        "wx", "vx", "wx号", "qq", "qq号", "line", "im", "钉钉", "dingtalk",
    ]) {
        Some(Private::Wechat)
    } else if has(&[
        "phone", "mobile", "电话", "手机", "座机", "固话", "传真", "号码", "fax", "cell",
    ]) || k.starts_with("tel")
        || k.starts_with("contact")
        || is(&["mob", "mobi", "hp", "handphone", "联系方式", "联系人电话"])
    {
        Some(Private::Phone)
    } else if has(&["address", "addr", "地址", "住址", "住处"]) || is(&["home"]) {
        Some(Private::Address)
    } else if has(&["birth", "生日", "出生", "年龄"]) || is(&["age", "born"]) {
        Some(Private::BirthYear)
    } else if has(&[
        "family", "spouse", "wife", "husband", "child", "daughter", "家庭", "家人", "配偶", "爱人",
        "夫人", "丈夫", "妻子", "子女", "孩子", "儿子", "女儿", "老婆", "老公", "太太", "先生",
        "家属", "小孩", "宝宝", "父母", "partner",
    ]) || is(&["kid", "kids", "son", "sons"])
    {
        Some(Private::Family)
    } else if has(&["like", "hobb", "interest", "爱好", "喜好", "兴趣", "喜欢"]) {
        Some(Private::Likes)
    } else if has(&["note", "备注", "memo", "comment", "remark"]) {
        Some(Private::Notes)
    } else {
        None
    }
}

/// Does `privacy.show` list this kind?
pub fn is_shown(kind: Private, privacy: &Privacy) -> bool {
    match kind {
        Private::Phone => privacy.phone,
        Private::Wechat => privacy.wechat,
        Private::Email => privacy.email,
        Private::BirthYear => privacy.birth_year,
        Private::Family => privacy.family,
        Private::Likes => privacy.likes,
        Private::Notes => privacy.notes,
        Private::Address => privacy.address,
    }
}

/// A value as the site and the export may show it: as written when it is not personal
/// data or `privacy.show` lists it, else masked, or `None` (left out).
pub fn shown(kind: Option<Private>, value: &str, privacy: &Privacy) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let Some(kind) = kind.filter(|k| !is_shown(*k, privacy)) else {
        // Not a private key (or shown): a phone number or e-mail address in it is still
        // masked unless those are shown (`contacts: 139…`, `hp: …`).
        if kind.is_none() {
            return Some(contacts(value, privacy).into_owned());
        }
        return Some(value.to_string());
    };
    match kind {
        Private::Phone => phone(value),
        Private::Wechat => handle(value),
        Private::Email => email(value),
        _ => None,
    }
}

/// A front-matter key and value as shown (`None`: leave the pair out).
pub fn shown_pair(key: &str, value: &str, scope: Scope, privacy: &Privacy) -> Option<String> {
    shown(classify(key, scope), value, privacy)
}

/// Full-width digits, plus and at-sign as their ASCII selves (`１３９` → `139`).
fn narrow(c: char) -> char {
    match c {
        '０'..='９' | '＋' | '＠' | '－' | '（' | '）' | '．' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Phones: `+86 138 0013 8000` → `+86 ••• •••• 8000`. Every number in the value keeps
/// its last four digits (and a leading `+country` code); numbers of fewer than seven
/// digits keep none; words around them are left out; several numbers are joined by
/// ` / `. `None` when there is no number at all.
pub fn phone(p: &str) -> Option<String> {
    let chars: Vec<char> = p.chars().map(narrow).collect();
    let digit = |c: char| c.is_numeric();
    let sep = |c: char| matches!(c, ' ' | '-' | '.' | '(' | ')');
    let mut numbers: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        let starts = digit(c) || (c == '+' && chars.get(i + 1).copied().is_some_and(digit));
        if !starts {
            i += 1;
            continue;
        }
        // The number runs while digits follow, separators allowed between them.
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while let Some(&c) = chars.get(j) {
            if digit(c) {
                end = j + 1;
            } else if !sep(c) {
                break;
            }
            j += 1;
        }
        let number = chars.get(start..end).unwrap_or(&[]);
        numbers.push(mask_number(number));
        i = end;
    }
    (!numbers.is_empty()).then(|| numbers.join(" / "))
}

fn mask_number(number: &[char]) -> String {
    let digits = number.iter().filter(|c| c.is_numeric()).count();
    let keep_from = if digits >= 7 { digits - 4 } else { digits };
    // `+86 …`: the country code is kept when a separator follows it.
    let country_end = match number.first() {
        Some('+') => number
            .iter()
            .position(|c| !c.is_ascii_digit() && *c != '+')
            .filter(|&n| n <= 4)
            .unwrap_or(0),
        _ => 0,
    };
    let mut seen = 0;
    number
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if !c.is_numeric() {
                return c;
            }
            seen += 1;
            if i < country_end || (seen > keep_from && c.is_ascii_digit()) {
                c
            } else {
                '•'
            }
        })
        .collect()
}

/// Separators between several handles or addresses in one value.
fn tokens(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | '，' | '、' | ';' | '；' | '/' | '|' | '<' | '>' | ':' | '：'
            )
    })
    .map(|t| t.chars().map(narrow).collect::<String>())
    .map(|t| {
        t.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '"' | '\''))
            .to_string()
    })
    .filter(|t| !t.is_empty())
}

/// WeChat IDs and other handles: `zhaolijuan_312` → `zh•••2`; short ones (under six
/// characters) → `•••`; several → each masked, joined by ` / `.
pub fn handle(w: &str) -> Option<String> {
    let masked: Vec<String> = tokens(w).map(|t| mask_handle(&t)).collect();
    (!masked.is_empty()).then(|| masked.join(" / "))
}

fn mask_handle(t: &str) -> String {
    let chars: Vec<char> = t.chars().collect();
    match chars.len() {
        0..6 => "•••".to_string(),
        n => {
            let head: String = chars.iter().take(2).collect();
            let tail = chars.get(n - 1).copied().unwrap_or('•');
            format!("{head}•••{tail}")
        }
    }
}

/// E-mail addresses: `wang.qiang@example.com` → `w•••@example.com`; several → each
/// masked, joined by ` / `; words around them are left out. Without any `@`, masked as
/// a handle.
pub fn email(e: &str) -> Option<String> {
    let masked: Vec<String> = tokens(e)
        .filter_map(|t| {
            let (user, domain) = t.split_once('@')?;
            let first: String = user.chars().take(1).collect();
            Some(format!("{first}•••@{domain}"))
        })
        .collect();
    if masked.is_empty() {
        handle(e)
    } else {
        Some(masked.join(" / "))
    }
}

/// A birthday as shown: `1980-04-08`, or `04-08` when the year is masked or unknown; a
/// lunar one as its canonical text, `农历08-15` (`1968 农历08-15` with the year shown).
pub fn birthday(b: Birthday, show_year: bool) -> String {
    match b {
        Birthday::Full(d) if show_year => d.to_string(),
        Birthday::Full(d) => format!("{:02}-{:02}", d.month(), d.day()),
        Birthday::MonthDay { month, day } => format!("{month:02}-{day:02}"),
        Birthday::Lunar { year, day } => match year.filter(|_| show_year) {
            Some(y) => format!("{y:04} 农历{}", day.code()),
            None => format!("农历{}", day.code()),
        },
    }
}

/// A source line quoted by a diagnostic, as shown: from the first private key on (in
/// block or flow style, `phone: …`, `- {name: 王强, 手机: …}`), the rest of the line is
/// replaced by `•••`. Lines with no private key are left as they are.
pub fn source_line<'a>(line: &'a str, privacy: &Privacy) -> Cow<'a, str> {
    let indented = line.starts_with([' ', '\t', '-']);
    let mut depth = 0usize;
    let mut key_start = Some(0usize);
    for (i, c) in line.char_indices() {
        match c {
            '{' | '[' => {
                depth += 1;
                key_start = Some(i + 1);
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            ',' if depth > 0 => key_start = Some(i + 1),
            ':' | '：' => {
                let Some(s) = key_start.take() else { continue };
                let key = line
                    .get(s..i)
                    .unwrap_or("")
                    .trim_start_matches(|c: char| c.is_whitespace() || c == '-')
                    .trim()
                    .trim_matches(['"', '\'']);
                // A log heading (`## 2026-11-12 电话 @王强: …`) is not a key.
                if key.contains(['#', '@']) {
                    continue;
                }
                let scope = if indented || depth > 0 {
                    Scope::Person
                } else {
                    Scope::Client
                };
                let rest = line.get(i + c.len_utf8()..).unwrap_or("");
                let hide = match classify(key, scope) {
                    // A birthday without a year (`02-30`) hides nothing.
                    Some(Private::BirthYear) if !has_year(rest) => false,
                    Some(k) => !is_shown(k, privacy),
                    None => false,
                };
                if hide {
                    let head = line.get(..i + c.len_utf8()).unwrap_or("");
                    return Cow::Owned(format!("{head} •••"));
                }
            }
            _ => {}
        }
    }
    // Whatever the key (a YAML error on a line with no colon, a continuation line, a
    // full-width colon YAML did not see): phone numbers and e-mail addresses are masked.
    contacts(line, privacy)
}

/// `text` with every phone-like number (seven digits or more, ASCII or full-width, with
/// spaces, dashes, dots or brackets between them) and every e-mail address masked, as
/// `phone` and `email` mask them. Text without either is returned as it is.
/// Dates (`2026-11-12`) and amounts (`¥1280000`) are not phone numbers; `privacy.show`
/// turns either masking off.
pub fn contacts<'a>(text: &'a str, privacy: &Privacy) -> Cow<'a, str> {
    let digits = text
        .chars()
        .map(narrow)
        .filter(char::is_ascii_digit)
        .count();
    let phones = !privacy.phone && digits >= 7;
    let emails = !privacy.email && text.contains(['@', '＠']);
    if !phones && !emails {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        // A run of digits and separators, starting at a digit.
        if chars.get(i).is_some_and(|c| narrow(*c).is_ascii_digit()) {
            let mut j = i;
            let mut last_digit = i;
            let mut n = 0;
            while let Some(&c) = chars.get(j) {
                let c = narrow(c);
                if c.is_ascii_digit() {
                    n += 1;
                    last_digit = j;
                } else if !matches!(c, ' ' | '-' | '.' | '(' | ')') {
                    break;
                }
                j += 1;
            }
            let run: Vec<char> = chars.get(i..=last_digit).unwrap_or(&[]).to_vec();
            let money = chars
                .get(..i)
                .unwrap_or(&[])
                .iter()
                .rev()
                .find(|c| !c.is_whitespace())
                .is_some_and(|c| "¥￥$€£".contains(*c));
            if phones && n >= 7 && !money && !is_date(&run) {
                out.push_str(&mask_number(&run));
            } else {
                out.extend(run.iter());
            }
            i = last_digit + 1;
            continue;
        }
        if let Some(c) = chars.get(i) {
            out.push(*c);
        }
        i += 1;
    }
    if !emails {
        return Cow::Owned(out);
    }
    // E-mail addresses: a word with an `@` inside.
    let masked: Vec<String> = out
        .split(' ')
        .map(|w| {
            let at = w.find(['@', '＠']);
            match at {
                Some(a) if a > 0 && w.get(a..).is_some_and(|d| d.contains('.')) => {
                    email(&w.replace('＠', "@")).unwrap_or_else(|| "•••".into())
                }
                _ => w.to_string(),
            }
        })
        .collect();
    Cow::Owned(masked.join(" "))
}

/// A diagnostic as the site and the export may show it: a quoted line with a private
/// value is masked (`source_line`), and the value it hid is masked in the message and
/// the hint too (`` `1968-13-26` is not a real date `` → `` `•••` is not … ``).
pub fn diagnostic<'a>(d: &'a Diagnostic, privacy: &Privacy) -> Cow<'a, Diagnostic> {
    // An excerpt of a long line may have lost its key: judge by the key it came from.
    let cut_key = (!d.source_key.is_empty())
        .then(|| source_line(&format!("{}: x", d.source_key), privacy).into_owned())
        .is_some_and(|l| l.ends_with(" •••"));
    let line = if cut_key {
        Cow::Owned(format!("{}: •••", d.source_key.trim_end()))
    } else {
        source_line(&d.source, privacy)
    };
    let message = contacts(&d.message, privacy);
    let help = d.help.as_deref().map(|h| contacts(h, privacy));
    let changed = matches!(line, Cow::Owned(_))
        || matches!(message, Cow::Owned(_))
        || help.as_ref().is_some_and(|h| matches!(h, Cow::Owned(_)));
    if !changed {
        return Cow::Borrowed(d);
    }
    let hidden = if cut_key {
        d.source.as_str()
    } else if line.ends_with(" •••") {
        let kept = line.trim_end_matches(" •••").len();
        d.source.get(kept..).unwrap_or("").trim()
    } else {
        ""
    };
    let mut out = d.clone();
    out.message = scrub(&message, hidden);
    out.help = help.map(|h| scrub(&h, hidden));
    out.source = line.into_owned();
    if cut_key {
        out.source_offset = 0;
        out.column = out.source_key.chars().count() + 3;
        out.width = 3;
    }
    Cow::Owned(out)
}

/// `2026-11-12`, `2026.11.12`, `2026/1/2`: a date, not a phone number.
fn is_date(run: &[char]) -> bool {
    let text: String = run.iter().map(|c| narrow(*c)).collect();
    let parts: Vec<&str> = text.split(['-', '.', '/']).collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()))
}

/// Four digits in a row (ASCII or full-width): a year, perhaps.
fn has_year(text: &str) -> bool {
    let mut run = 0;
    text.chars().map(narrow).any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run >= 4
    })
}

/// `text` with `hidden`, and each word of it long enough to mean something, as `•••`.
fn scrub(text: &str, hidden: &str) -> String {
    let mut t = text.to_string();
    let words = std::iter::once(hidden).chain(
        hidden
            .split(|c: char| !c.is_alphanumeric() && !matches!(c, '@' | '_'))
            .filter(|w| w.chars().count() >= 4),
    );
    for w in words.filter(|w| !w.is_empty()) {
        t = t.replace(w, "•••");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Privacy {
        Privacy::default()
    }

    #[test]
    fn masks() {
        assert_eq!(phone("+86 138 0013 8000").unwrap(), "+86 ••• •••• 8000");
        assert_eq!(phone("13800138000").unwrap(), "•••••••8000");
        assert_eq!(phone("021-5555 1234").unwrap(), "•••-•••• 1234");
        assert_eq!(handle("zhaolijuan_312").unwrap(), "zh•••2");
        assert_eq!(handle("ab").unwrap(), "•••");
        assert_eq!(email("wang.qiang@example.com").unwrap(), "w•••@example.com");
        let b = Birthday::Full("1980-04-08".parse().unwrap());
        assert_eq!(birthday(b, false), "04-08");
        assert_eq!(birthday(b, true), "1980-04-08");
    }

    #[test]
    fn phones_as_people_write_them() {
        for (raw, want) in [
            ("+86 139 1234 5678 (mobile)", "+86 ••• •••• 5678"),
            ("１３９１２３４５６７８", "•••••••5678"),
            ("＋８６ １３９ １２３４ ５６７８", "+86 ••• •••• 5678"),
            (
                "139-1234-5678 / 021 5555 1234",
                "•••-••••-5678 / ••• •••• 1234",
            ),
            ("13912345678, 13800001111", "•••••••5678 / •••••••1111"),
            (
                "手机13912345678 座机021-55551234",
                "•••••••5678 / •••-••••1234",
            ),
            ("ext. 123", "•••"),
            ("+8613912345678", "+•••••••••5678"),
        ] {
            assert_eq!(phone(raw).as_deref(), Some(want), "{raw}");
        }
        assert_eq!(phone("ask reception"), None);
    }

    #[test]
    fn handles_and_emails_as_people_write_them() {
        assert_eq!(
            email("a@x.com, b@y.com").as_deref(),
            Some("a•••@x.com / b•••@y.com")
        );
        assert_eq!(
            email("王强 <wang.qiang@example.com>; 工作：li@corp.cn").as_deref(),
            Some("w•••@example.com / l•••@corp.cn")
        );
        assert_eq!(
            email("wq＠example.com").as_deref(),
            Some("w•••@example.com")
        );
        assert_eq!(email("wangqiang_88").as_deref(), Some("wa•••8"));
        assert_eq!(
            handle("zhang_139 (personal), wxid_abc123").as_deref(),
            Some("zh•••9 / pe•••l / wx•••3")
        );
        assert_eq!(handle("wxid").as_deref(), Some("•••"));
    }

    #[test]
    fn keys_people_use() {
        use Private::*;
        for (key, want) in [
            ("phone", Phone),
            ("mobile", Phone),
            ("Mobile Phone", Phone),
            ("手机", Phone),
            ("电话", Phone),
            ("联系电话", Phone),
            ("tel", Phone),
            ("Tel.", Phone),
            ("phnoe", Phone),
            ("wechat", Wechat),
            ("微信", Wechat),
            ("wx", Wechat),
            ("WeChat ID", Wechat),
            ("wehcat", Wechat),
            ("email", Email),
            ("e-mail", Email),
            ("E_Mail", Email),
            ("邮箱", Email),
            ("emial", Email),
        ] {
            assert_eq!(classify(key, Scope::Client), Some(want), "client {key}");
            assert_eq!(classify(key, Scope::Person), Some(want), "person {key}");
        }
        for (key, want) in [
            ("family", Family),
            ("famliy", Family),
            ("likes", Likes),
            ("爱好", Likes),
            ("notes", Notes),
            ("备注", Notes),
            ("address", Address),
            ("adress", Address),
            ("家庭住址", Address),
            ("birthday", BirthYear),
            ("birthdya", BirthYear),
            ("生日", BirthYear),
        ] {
            assert_eq!(classify(key, Scope::Person), Some(want), "person {key}");
        }
        // A client's address is the company's; names and titles are not private.
        for key in [
            "address",
            "adress",
            "name",
            "tier",
            "owner",
            "favourite",
            "行业",
        ] {
            assert_eq!(classify(key, Scope::Client), None, "client {key}");
        }
        for key in ["name", "title", "role", "gender", "职位"] {
            assert_eq!(classify(key, Scope::Person), None, "person {key}");
        }
    }

    #[test]
    fn shown_or_left_out() {
        let p = none();
        assert_eq!(shown(None, " 上海 ", &p).as_deref(), Some("上海"));
        assert_eq!(shown(Some(Private::Family), "wife 李梅", &p), None);
        assert_eq!(shown(Some(Private::Likes), "golf", &p), None);
        assert_eq!(shown(Some(Private::Notes), "x", &p), None);
        assert_eq!(shown(Some(Private::Address), "x", &p), None);
        assert_eq!(shown(Some(Private::BirthYear), "1968", &p), None);
        assert_eq!(
            shown_pair("mobile", "13912345678", Scope::Person, &p).as_deref(),
            Some("•••••••5678")
        );
        assert_eq!(shown(Some(Private::Phone), "", &p), None);
    }

    #[test]
    fn opt_in_shows() {
        let all = Privacy {
            phone: true,
            wechat: true,
            email: true,
            birth_year: true,
            family: true,
            likes: true,
            notes: true,
            address: true,
        };
        for kind in [
            Private::Phone,
            Private::Wechat,
            Private::Email,
            Private::BirthYear,
            Private::Family,
            Private::Likes,
            Private::Notes,
            Private::Address,
        ] {
            assert_eq!(shown(Some(kind), "+86 1", &all).as_deref(), Some("+86 1"));
            assert_ne!(
                shown(Some(kind), "+86 13912345678", &none()).as_deref(),
                Some("+86 13912345678")
            );
        }
        assert_eq!(
            source_line("phnoe: 13912345678", &all),
            "phnoe: 13912345678"
        );
    }

    #[test]
    fn contacts_anywhere_are_masked() {
        let p = none();
        assert_eq!(
            contacts("call 139 1234 5678 now", &p),
            "call ••• •••• 5678 now"
        );
        assert!(!contacts("tel １３９１２３４５６７８", &p).contains("１３９"));
        assert_eq!(
            contacts("mail li.na@x.cn please", &p),
            "mail l•••@x.cn please"
        );
        // Not phones: dates, amounts, short numbers.
        for same in [
            "2026-11-12 call",
            "成交 ¥1280000",
            "room 1204",
            "2026.11.12",
        ] {
            assert_eq!(contacts(same, &p), same);
        }
        let all = Privacy {
            phone: true,
            email: true,
            ..Privacy::default()
        };
        assert_eq!(
            contacts("139 1234 5678 a@b.cn", &all),
            "139 1234 5678 a@b.cn"
        );
    }

    #[test]
    fn quoted_lines_hide_private_values() {
        let p = none();
        for (line, want) in [
            ("phnoe: 13912345678", "phnoe: •••"),
            ("  - name: 王强", "  - name: 王强"),
            ("    手机: '139 1234 5678'", "    手机: •••"),
            (
                "  - {name: 王强, phone: 139, role: boss}",
                "  - {name: 王强, phone: •••",
            ),
            (
                "people: [{name: a, 微信: zhang}]",
                "people: [{name: a, 微信: •••",
            ),
            ("    birthday: 1968-13-26", "    birthday: •••"),
            ("    birthday: 02-30", "    birthday: 02-30"),
            ("    生日: １９６８年", "    生日: •••"),
            ("address: 上海", "address: 上海"),
            ("## 2026-11-12 call — 12:30", "## 2026-11-12 call — 12:30"),
            (
                "## 2026-11-12 电话 @王强: 报价",
                "## 2026-11-12 电话 @王强: 报价",
            ),
        ] {
            assert_eq!(source_line(line, &p), want, "{line}");
        }
        let d = Diagnostic::error("a.md", "`1968-13-26` is not a real date")
            .at(5, 15, 10, "    birthday: 1968-13-26")
            .help("write 1968-12-26?");
        let m = diagnostic(&d, &p);
        assert_eq!(m.source, "    birthday: •••");
        assert!(!m.message.contains("1968"), "{}", m.message);
        assert!(!m.help.as_deref().unwrap_or("").contains("1968-12"));
        let ok = Diagnostic::warning("a.md", "x").at(2, 1, 4, "tier: kye");
        assert!(matches!(diagnostic(&ok, &p), Cow::Borrowed(_)));
    }
}
