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
    /// The client list of the rep's overdue clients.
    pub overdue_href: String,
    /// The client list of the rep's clients (none for clients without an owner).
    pub clients_href: String,
    pub on_cadence: String,
    pub contacts_12m: u32,
    /// The on-cadence share over the last 52 weeks, as a small line.
    pub trend_svg: String,
    /// Follow-ups kept on time, and contacts the clients started (shares, and in words).
    pub promises: String,
    pub promises_text: String,
    pub inbound: String,
    pub inbound_text: String,
    #[serde(skip)]
    share: f64,
}

/// Every rep, the furthest behind first: the lowest share on cadence, then the most
/// overdue, then by name.
pub fn rep_rows(site: &Site<'_>, slugs: &[String], root: &str) -> Vec<RepRow> {
    let mut rows: Vec<RepRow> = site
        .report
        .team
        .reps
        .iter()
        .zip(slugs)
        .map(|(r, s)| rep_row(site, r, s, root))
        .collect();
    rows.sort_by(|a, b| {
        a.share
            .total_cmp(&b.share)
            .then(b.overdue.cmp(&a.overdue))
            .then(a.name.cmp(&b.name))
    });
    rows
}

/// One rep's headline figures, from the report: the same on `reps.html` and on the
/// rep's own page.
pub fn rep_row(site: &Site<'_>, r: &RepReport<'_>, slug: &str, root: &str) -> RepRow {
    let name = site.rep_name(r.owner);
    RepRow {
        href: format!("{root}reps/{slug}.html"),
        clients: r.clients,
        overdue: r.overdue,
        clients_href: if r.owner.is_empty() {
            String::new()
        } else {
            super::dashboard::list_href(root, None, Some(r.owner))
        },
        overdue_href: if r.owner.is_empty() {
            format!("{root}reps/{slug}.html")
        } else {
            super::dashboard::list_href(root, Some("overdue"), Some(r.owner))
        },
        on_cadence: percent(r.on_cadence, r.clients - r.lost),
        contacts_12m: r.contacts_12m,
        promises: share_text(r.promises.on_time_share),
        promises_text: super::i18n::promises_text(site.lang, &r.promises),
        inbound: share_text(r.inbound_share),
        inbound_text: super::i18n::inbound_text(
            site.lang,
            r.inbound_share,
            r.inbound_12m,
            r.contacts_12m,
        ),
        trend_svg: super::dashboard::sparkline(
            &format!("{name} · {}", label(site.lang, "on_cadence")),
            &r.trend,
        ),
        share: r.on_cadence_share,
        name,
    }
}

/// A share as a whole percentage ("67%"), "—" without one.
fn share_text(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.0}%", s * 100.0))
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
    /// The on-cadence share of the rep's book, week by week.
    pub trend_svg: String,
    /// Contacts the clients started, month by month.
    pub inbound_svg: String,
    pub missed: Vec<super::dashboard::MissedRow>,
    pub missed_total: usize,
    /// Missed follow-ups beyond those listed.
    pub missed_more: usize,
    pub practices: Practices,
}

/// `order`: every client, most urgent first (computed once for all rep pages).
pub fn rep_page(site: &Site<'_>, b: &Book, slug: &str, order: &[usize]) -> Option<RepPage> {
    let weekly_svg =
        super::dashboard::weekly_chart(site, label(site.lang, "rep_weekly"), &b.weekly, 180);
    let mine: std::collections::BTreeSet<usize> = b.clients.iter().copied().collect();
    let order: Vec<usize> = order.iter().copied().filter(|i| mine.contains(i)).collect();
    let report = site.report.team.reps.iter().find(|r| r.owner == b.owner)?;
    let summary = rep_row(site, report, slug, "../");
    let rows: Vec<Row> = order
        .into_iter()
        .filter_map(|i| rows::row(site, i, "../"))
        .collect();
    let (missed, missed_total) = super::dashboard::missed_rows(
        site,
        &|i| mine.contains(&i),
        "../",
        super::dashboard::MISSED_REP_ROWS,
    );
    Some(RepPage {
        name: site.rep_name(&b.owner),
        ics: format!("{slug}.ics"),
        summary,
        rows_html: super::fragments::rep_rows(site.lang, site.report.today, &rows),
        rows,
        weekly_svg,
        trend_svg: super::dashboard::trend_chart(
            site,
            label(site.lang, "trend_chart"),
            &report.trend,
            140,
        ),
        inbound_svg: super::team_charts::inbound_chart(site, &report.inbound_trend),
        missed_more: missed_total.saturating_sub(missed.len()),
        missed,
        missed_total,
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
