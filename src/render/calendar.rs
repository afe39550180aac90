//! The calendar page (moments and holidays ahead) and the key-clients page and its
//! rows.

use serde::Serialize;

use super::relationship_checks::{holiday_name, moment_view};
use super::site::Site;
use super::views::{KeyRow, MomentView};
use crate::model::Tier;

#[derive(Serialize)]
pub struct Calendar {
    /// The moments of the next 90 days: for your own templates (none for the embedded
    /// page, whose list is made straight into it: `moments_html`).
    pub moments: Vec<MomentView>,
    /// The moments as ready-made HTML (`fragments::MomentRows`, what the fast path of
    /// `partials/calendar_moments.html` places), or `rows::ROWS_SLOT`.
    pub moments_html: String,
    /// How many moments the list has.
    pub count: usize,
    pub holidays: Vec<(String, String)>,
    /// The coming holidays and who still needs a greeting.
    pub p: super::relationship_checks::Practices,
}

/// The calendar page: the next 90 days of moments and the next 365 of holidays, as the
/// report has them. With `whole`, the moments are listed (`moments`, and as HTML in
/// `moments_html`); without, `moments_html` is `rows::ROWS_SLOT`, for the page's
/// moments to be made into it one by one (`moment_keys`, `moment_row`).
pub fn calendar(site: &Site<'_>, whole: bool) -> Calendar {
    let r = site.report;
    let keys = moment_keys(site);
    let count = keys.len();
    let (moments, moments_html) = if whole {
        let moments: Vec<MomentView> = keys.iter().filter_map(|&k| moment_row(site, k)).collect();
        let w = super::fragments::MomentRows::new(site.lang);
        let html = super::fragments::rows_html(&w, &moments);
        (moments, html)
    } else {
        (Vec::new(), super::rows::ROWS_SLOT.to_string())
    };
    Calendar {
        moments,
        moments_html,
        count,
        holidays: r
            .holidays_ahead
            .iter()
            .map(|h| (h.date.to_string(), holiday_name(site.lang, h.key, h.name)))
            .collect(),
        p: greetings(site),
    }
}

/// The calendar page's moments: their indices in the report's calendar
/// (`Moments::get`).
pub fn moment_keys(site: &Site<'_>) -> Vec<usize> {
    let r = site.report;
    r.calendar.keys().take(r.calendar_page).collect()
}

/// The calendar page's `k`th moment.
pub fn moment_row(site: &Site<'_>, k: usize) -> Option<MomentView> {
    site.report
        .calendar
        .get(k)
        .map(|m| moment_view(site, &m, ""))
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
