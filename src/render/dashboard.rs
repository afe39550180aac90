//! The dashboard's data: the cards, who needs attention, recent contacts, contacts per
//! week, the kinds and status mix, and overdue clients per rep. Strings are plain text
//! (the template escapes them) except `*_html` and `*_svg`, made by our own code.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::i18n;
use super::markdown;
use super::rows::row;
use super::site::Site;
use super::views::Row;
use crate::analyse::Status;
use crate::config::Lang;

/// One bar of an HTML bar chart (used where labels are names: Chinese text is laid out
/// by the browser, not guessed by the chart library).
#[derive(Serialize)]
pub struct NamedBar {
    pub name: String,
    pub href: String,
    pub value: usize,
    pub of: usize,
    /// Bar length in percent of the longest.
    pub width: u32,
}

/// Overdue clients per rep, most first.
pub fn overdue_by_rep(site: &Site<'_>) -> Vec<NamedBar> {
    let reps = &site.report.team.reps;
    let max = reps.iter().map(|r| r.overdue).max().unwrap_or(0).max(1);
    let mut bars: Vec<NamedBar> = reps
        .iter()
        .zip(&site.rep_slugs)
        .map(|(r, slug)| NamedBar {
            name: site.rep_name(r.owner),
            href: format!("reps/{slug}.html"),
            value: r.overdue,
            of: r.clients,
            width: (r.overdue * 100 / max) as u32,
        })
        .collect();
    bars.sort_by(|a, b| b.value.cmp(&a.value).then(a.name.cmp(&b.name)));
    bars
}

#[derive(Serialize)]
pub struct Card {
    pub label: &'static str,
    pub value: String,
    pub class: &'static str,
}

#[derive(Serialize)]
pub struct RecentRow {
    pub date: String,
    pub client: String,
    pub href: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub people: String,
    pub summary_html: String,
}

#[derive(Serialize)]
pub struct LegendItem {
    pub class: String,
    pub label: &'static str,
    pub count: u32,
    pub share: String,
}

#[derive(Serialize)]
pub struct Dashboard {
    pub cards: Vec<Card>,
    pub attention: Vec<Row>,
    pub attention_more: usize,
    pub recent: Vec<RecentRow>,
    pub weekly_svg: String,
    pub kinds_svg: String,
    pub kinds_legend: Vec<LegendItem>,
    pub status_svg: String,
    pub status_legend: Vec<LegendItem>,
    pub overdue_by_rep: Vec<NamedBar>,
}

const ATTENTION_ROWS: usize = 50;

/// `order`: every client, most urgent first (see `urgency_order`).
pub fn dashboard(site: &Site<'_>, order: &[usize]) -> Dashboard {
    let ws = site.ws;
    let lang = site.lang;
    let t = |k| i18n::label(lang, k);
    let team = &site.report.team;
    let count = |st: Status| {
        team.status_counts
            .iter()
            .find(|c| c.status == st.as_str())
            .map_or(0, |c| c.clients)
    };
    let missed = team.missed_followups;
    let cards = vec![
        Card {
            label: t("clients_total"),
            value: site.report.clients.len().to_string(),
            class: "",
        },
        Card {
            label: t("overdue"),
            value: count(Status::Overdue).to_string(),
            class: "overdue",
        },
        Card {
            label: t("due"),
            value: count(Status::Due).to_string(),
            class: "due",
        },
        Card {
            label: t("never"),
            value: count(Status::Never).to_string(),
            class: "never",
        },
        Card {
            label: t("contacts_12m"),
            value: team.contacts_12m.to_string(),
            class: "",
        },
        Card {
            label: t("missed_followups"),
            value: missed.to_string(),
            class: if missed > 0 { "overdue" } else { "" },
        },
    ];
    let urgent: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| {
            matches!(
                site.report.clients.get(i).map(|c| c.standing.status),
                Some(Status::Overdue | Status::Due)
            )
        })
        .collect();
    let attention = urgent
        .iter()
        .take(ATTENTION_ROWS)
        .filter_map(|&i| row(site, i, ""))
        .collect();
    let recent = ws
        .team
        .recent
        .iter()
        .filter_map(|&(ci, ei)| {
            let c = ws.clients.get(ci)?;
            let e = c.entries.get(ei)?;
            Some(RecentRow {
                date: e.date.to_string(),
                client: c.name.clone(),
                href: site.client_href(ci, ""),
                kind: e.kind.as_str(),
                kind_label: i18n::kind(lang, e.kind),
                people: e.people.join(", "),
                summary_html: markdown::inline_html(&e.summary),
            })
        })
        .collect();

    let weekly_svg = weekly_chart(site, t("weekly_chart"), &ws.team.weekly, 200);

    let kinds_total: u32 = ws.team.kinds.iter().map(|k| k.1).sum();
    let kinds_legend: Vec<LegendItem> = ws
        .team
        .kinds
        .iter()
        .map(|&(k, n)| LegendItem {
            class: format!("k-{}", k.as_str()),
            label: i18n::kind(lang, k),
            count: n,
            share: percent(n, kinds_total),
        })
        .collect();
    let kinds_svg = legend_bar(lang, t("kinds_chart"), &kinds_legend);
    let status_total = u32::try_from(ws.clients.len()).unwrap_or(u32::MAX);
    let status_legend: Vec<LegendItem> = ws
        .team
        .status_counts
        .iter()
        .map(|&(s, n)| {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            LegendItem {
                class: format!("s-{}", s.as_str()),
                label: i18n::status(lang, s),
                count: n,
                share: percent(n, status_total),
            }
        })
        .collect();
    let status_svg = legend_bar(lang, t("status_chart"), &status_legend);
    Dashboard {
        cards,
        attention,
        attention_more: urgent.len().saturating_sub(ATTENTION_ROWS),
        recent,
        weekly_svg,
        kinds_svg,
        kinds_legend,
        status_svg,
        status_legend,
        overdue_by_rep: overdue_by_rep(site),
    }
}

/// Contacts per week over the last 52 weeks (team or one rep), weeks from the team's
/// first week: a bar per week with its Monday and count, a month under every 13th.
pub fn weekly_chart(site: &Site<'_>, label: &str, weekly: &[u32], height: u32) -> String {
    let lang = site.lang;
    let first = site.ws.team.first_week;
    let monday = |i: usize| {
        first
            .checked_add(jiff::Span::new().weeks(i as i64))
            .unwrap_or(first)
    };
    let bars: Vec<Bar> = weekly
        .iter()
        .enumerate()
        .map(|(i, &n)| Bar {
            value: n,
            title: format!("{}: {n}", super::format::date(lang, monday(i))),
        })
        .collect();
    charts::bar_chart(
        &site.frames,
        &BarChart {
            label,
            bars: &bars,
            x_labels: &|i| {
                (i % 13 == 0).then(|| {
                    let d = monday(i);
                    super::format::year_month(lang, d.year(), d.month())
                })
            },
            reference: None,
            size: (720, height),
            bar_class: "bar",
            figures: i18n::label(lang, "chart_figures"),
        },
    )
}

/// A mix bar of `legend`, each segment titled with its label, count and share.
fn legend_bar(lang: Lang, title: &str, legend: &[LegendItem]) -> String {
    let colon = i18n::label(lang, "colon");
    let parts: Vec<(String, u32, String)> = legend
        .iter()
        .map(|l| {
            (
                l.class.clone(),
                l.count,
                format!("{}{colon}{} ({})", l.label, l.count, l.share),
            )
        })
        .collect();
    charts::mix_bar(title, &parts, (720, 28))
}

fn percent(n: u32, total: u32) -> String {
    if total == 0 {
        return "0%".into();
    }
    format!("{:.0}%", f64::from(n) * 100.0 / f64::from(total))
}
