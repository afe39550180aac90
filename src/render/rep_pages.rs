//! The rep pages (one per owner, and an index of them) and the referrals page.

use serde::Serialize;

use super::i18n::label;
use super::relationship_checks::{self, Practices, percent};
use super::rows;
use super::site::Site;
use super::views::Row;
use crate::analyse::book::Book;
use crate::report::RepReport;
use crate::write::unique_slugs;

/// Page names for the reps, in `playbook.books` order.
pub fn rep_slugs(books: &[Book]) -> Vec<String> {
    unique_slugs(books.iter().map(|b| {
        if b.owner.is_empty() {
            "no-owner"
        } else {
            b.owner.as_str()
        }
    }))
}

#[derive(Serialize)]
pub struct RepRow {
    pub name: String,
    pub href: String,
    pub clients: usize,
    pub overdue: usize,
    pub on_cadence: String,
    pub contacts_12m: u32,
}

pub fn rep_rows(site: &Site<'_>, slugs: &[String], root: &str) -> Vec<RepRow> {
    site.report
        .team
        .reps
        .iter()
        .zip(slugs)
        .map(|(r, s)| rep_row(site, r, s, root))
        .collect()
}

/// One rep's headline figures, from the report: the same on `reps.html` and on the
/// rep's own page.
pub fn rep_row(site: &Site<'_>, r: &RepReport<'_>, slug: &str, root: &str) -> RepRow {
    RepRow {
        name: site.rep_name(r.owner),
        href: format!("{root}reps/{slug}.html"),
        clients: r.clients,
        overdue: r.overdue,
        on_cadence: percent(r.on_cadence, r.clients),
        contacts_12m: r.contacts_12m,
    }
}

#[derive(Serialize)]
pub struct RepPage {
    pub name: String,
    /// The rep's calendar feed, beside the page.
    pub ics: String,
    pub summary: RepRow,
    #[serde(skip)]
    pub rows: Vec<Row>,
    /// The client table's rows, ready-made (see `fragments::rep_rows`).
    pub rows_html: String,
    pub weekly_svg: String,
    pub practices: Practices,
}

/// `order`: every client, most urgent first (computed once for all rep pages).
pub fn rep_page(site: &Site<'_>, b: &Book, slug: &str, order: &[usize]) -> Option<RepPage> {
    let weekly_svg =
        super::dashboard::weekly_chart(site, label(site.lang, "rep_weekly"), &b.weekly, 180);
    let mine: std::collections::BTreeSet<usize> = b.clients.iter().copied().collect();
    let order: Vec<usize> = order.iter().copied().filter(|i| mine.contains(i)).collect();
    let summary = site
        .report
        .team
        .reps
        .iter()
        .find(|r| r.owner == b.owner)
        .map(|r| rep_row(site, r, slug, "../"))?;
    let rows: Vec<Row> = order
        .into_iter()
        .filter_map(|i| rows::row(site, i, "../"))
        .collect();
    Some(RepPage {
        name: site.rep_name(&b.owner),
        ics: format!("{slug}.ics"),
        summary,
        rows_html: super::fragments::rep_rows(site.lang, &rows),
        rows,
        weekly_svg,
        practices: relationship_checks::practices(site, &|i| mine.contains(&i), "../", 25),
    })
}

#[derive(Serialize)]
pub struct Referrer {
    pub name: String,
    pub href: String,
    pub count: usize,
    pub referred: Vec<(String, String, String)>,
}

pub fn referrals(site: &Site<'_>) -> Vec<Referrer> {
    let ws = site.ws;
    ws.playbook
        .referrals
        .iter()
        .filter_map(|(r, referred)| {
            let c = ws.clients.get(*r)?;
            Some(Referrer {
                name: c.name.clone(),
                href: site.client_href(*r, ""),
                count: referred.len(),
                referred: referred
                    .iter()
                    .filter_map(|&i| {
                        let c = ws.clients.get(i)?;
                        Some((
                            c.name.clone(),
                            site.client_href(i, ""),
                            c.since.map(|d| d.to_string()).unwrap_or_default(),
                        ))
                    })
                    .collect(),
            })
        })
        .collect()
}
