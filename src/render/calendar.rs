//! The calendar page (moments and holidays ahead) and the key-clients page.

use serde::Serialize;

use super::pages::{Row, Site};
use super::playbook::{MomentView, holiday_name, moment_view};
use crate::analyse::holidays;
use crate::analyse::moments::upcoming;
use crate::model::Tier;

#[derive(Serialize)]
pub struct Calendar {
    pub moments: Vec<MomentView>,
    pub holidays: Vec<(String, String)>,
}

pub fn calendar(site: &Site<'_>) -> Calendar {
    let ws = site.ws;
    let year = ws
        .today
        .checked_add(jiff::Span::new().days(365))
        .unwrap_or(ws.today);
    Calendar {
        moments: upcoming(&ws.clients, ws.today, 90, &ws.config.holidays)
            .iter()
            .map(|m| moment_view(site, m, ""))
            .collect(),
        holidays: holidays::between(ws.today, year, &ws.config.holidays)
            .into_iter()
            .map(|h| (h.date.to_string(), holiday_name(site.lang, h.key, &h.name)))
            .collect(),
    }
}

/// Key clients, most urgent first.
pub fn key_rows(site: &Site<'_>, order: &[usize]) -> Vec<Row> {
    order
        .iter()
        .filter(|&&i| {
            site.ws
                .clients
                .get(i)
                .is_some_and(|c| c.tier == Some(Tier::Key))
        })
        .filter_map(|&i| super::pages::row(site, i, ""))
        .collect()
}
