//! The calendar page (moments and holidays ahead) and the key-clients page and its
//! rows.

use serde::Serialize;

use super::relationship_checks::{holiday_name, moment_view};
use super::site::Site;
use super::views::{KeyRow, MomentView};
use crate::model::Tier;

#[derive(Serialize)]
pub struct Calendar {
    pub moments: Vec<MomentView>,
    pub holidays: Vec<(String, String)>,
    /// The coming holidays and who still needs a greeting.
    pub p: super::relationship_checks::Practices,
}

/// The next 90 days of moments and the next 365 of holidays, as the report has them.
pub fn calendar(site: &Site<'_>) -> Calendar {
    let r = site.report;
    Calendar {
        moments: r
            .calendar
            .iter()
            .take(r.calendar_page)
            .map(|m| moment_view(site, &m, ""))
            .collect(),
        holidays: r
            .holidays_ahead
            .iter()
            .map(|h| (h.date.to_string(), holiday_name(site.lang, h.key, h.name)))
            .collect(),
        p: greetings(site),
    }
}

/// Key clients, most urgent first.
pub fn key_rows(site: &Site<'_>, order: &[usize]) -> Vec<KeyRow> {
    order.iter().filter_map(|&i| key_row(site, i)).collect()
}

/// Is client `i` on the key clients' page?
pub fn is_key(site: &Site<'_>, i: usize) -> bool {
    site.report
        .clients
        .standing(i)
        .is_some_and(|s| s.tier == Some(Tier::Key))
}

/// Client `i`'s row on the key clients' page, if it is a key client.
pub fn key_row(site: &Site<'_>, i: usize) -> Option<KeyRow> {
    let lang = site.lang;
    if !is_key(site, i) {
        return None;
    }
    let c = site.report.clients.get(i)?;
    Some(KeyRow {
        row: super::rows::row(site, i, "")?,
        cooling: c.cooling,
        last_dm: c
            .last_decision_maker_contact
            .map(|d| d.to_string())
            .unwrap_or_default(),
        revenue: c
            .revenue
            .map(|r| super::format::money(lang, r))
            .unwrap_or_default(),
        revenue_change: c
            .revenue_change
            .map(|x| format!("{}{:.0}%", if x > 0.0 { "+" } else { "" }, x * 100.0))
            .unwrap_or_default(),
        trend_svg: super::dashboard::status_strip(site, c.weeks),
        flags: c
            .flags
            .iter()
            .map(|f| super::i18n::label(lang, &format!("flag_{f}")))
            .collect(),
    })
}

/// Who still needs a greeting for the coming holidays (the calendar page's table).
pub fn greetings(site: &Site<'_>) -> super::relationship_checks::Practices {
    super::relationship_checks::practices(site, &|_| true, "", 50)
}
