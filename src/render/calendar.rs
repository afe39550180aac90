//! The calendar page (moments and holidays ahead) and the key-clients page.

use serde::Serialize;

use super::relationship_checks::{holiday_name, moment_view};
use super::site::Site;
use super::views::{MomentView, Row};
use crate::model::Tier;

#[derive(Serialize)]
pub struct Calendar {
    pub moments: Vec<MomentView>,
    pub holidays: Vec<(String, String)>,
}

/// The next 90 days of moments and the next 365 of holidays, as the report has them.
pub fn calendar(site: &Site<'_>) -> Calendar {
    let r = site.report;
    Calendar {
        moments: r
            .calendar
            .iter()
            .take(r.calendar_page)
            .map(|m| moment_view(site, m, ""))
            .collect(),
        holidays: r
            .holidays_ahead
            .iter()
            .map(|h| (h.date.to_string(), holiday_name(site.lang, h.key, h.name)))
            .collect(),
    }
}

/// Key clients, most urgent first.
pub fn key_rows(site: &Site<'_>, order: &[usize]) -> Vec<Row> {
    order
        .iter()
        .filter(|&&i| {
            site.report
                .clients
                .get(i)
                .is_some_and(|c| c.standing.tier == Some(Tier::Key))
        })
        .filter_map(|&i| super::rows::row(site, i, ""))
        .collect()
}
