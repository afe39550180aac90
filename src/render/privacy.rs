//! Masking personal data: phones, WeChat IDs, e-mail addresses and birth years are
//! shown only in part unless `privacy.show` in touchbase.yaml lists them.

use crate::config::Privacy;
use crate::model::Birthday;

/// `+86 138 0013 8000` → `+86 ••• •••• 8000`: only the last four digits stay (and a
/// leading `+country` code).
pub fn phone(p: &str) -> String {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let keep_from = digits.saturating_sub(4);
    let country_end = if p.starts_with('+') {
        p.find(|c: char| !c.is_ascii_digit() && c != '+')
            .unwrap_or(0)
    } else {
        0
    };
    let mut seen = 0;
    p.char_indices()
        .map(|(i, c)| {
            if !c.is_ascii_digit() || i < country_end {
                if c.is_ascii_digit() {
                    seen += 1;
                }
                return c;
            }
            seen += 1;
            if seen > keep_from { c } else { '•' }
        })
        .collect()
}

/// `zhaolijuan_312` → `zh•••2`.
pub fn handle(w: &str) -> String {
    let chars: Vec<char> = w.chars().collect();
    match chars.len() {
        0 => String::new(),
        1..=3 => "•••".to_string(),
        n => {
            let head: String = chars.iter().take(2).collect();
            let tail = chars.get(n - 1).copied().unwrap_or('•');
            format!("{head}•••{tail}")
        }
    }
}

/// `wang.qiang@example.com` → `w•••@example.com`.
pub fn email(e: &str) -> String {
    match e.split_once('@') {
        Some((user, domain)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => handle(e),
    }
}

/// A birthday as shown: `1980-04-08`, or `04-08` when the year is masked or unknown.
pub fn birthday(b: Birthday, show_year: bool) -> String {
    match b {
        Birthday::Full(d) if show_year => d.to_string(),
        other => {
            let (m, d) = other.month_day();
            format!("{m:02}-{d:02}")
        }
    }
}

/// Apply the privacy settings to one field.
pub fn field(kind: &str, value: Option<&str>, privacy: &Privacy) -> Option<String> {
    let v = value?;
    Some(match kind {
        "phone" if !privacy.phone => phone(v),
        "wechat" if !privacy.wechat => handle(v),
        "email" if !privacy.email => email(v),
        _ => v.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(phone("+86 138 0013 8000"), "+86 ••• •••• 8000");
        assert_eq!(phone("13800138000"), "•••••••8000");
        assert_eq!(phone("021-5555 1234"), "•••-•••• 1234");
        assert_eq!(handle("zhaolijuan_312"), "zh•••2");
        assert_eq!(handle("ab"), "•••");
        assert_eq!(email("wang.qiang@example.com"), "w•••@example.com");
        let b = Birthday::Full("1980-04-08".parse().unwrap());
        assert_eq!(birthday(b, false), "04-08");
        assert_eq!(birthday(b, true), "1980-04-08");
    }

    #[test]
    fn opt_in_shows() {
        let all = Privacy {
            phone: true,
            wechat: true,
            email: true,
            birth_year: true,
        };
        assert_eq!(
            field("phone", Some("+86 1"), &all).as_deref(),
            Some("+86 1")
        );
        assert_eq!(
            field("email", Some("a@b.c"), &Privacy::default()).as_deref(),
            Some("a•••@b.c")
        );
    }
}
