//! The team's relationship figures for the dashboard: the 80/20 curve, revenue × margin,
//! persistence before deals, holiday coverage, birthday greetings, complaints, feedback.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::format::money;
use super::i18n::label;
use super::relationship_checks::{holiday_view, item, percent};
use super::site::Site;
use super::views::{HolidayView, Item};

/// Team figures for the dashboard.
#[derive(Serialize)]
pub struct TeamPlaybook {
    pub pareto_svg: String,
    pub margin_svg: String,
    pub pareto_year: i32,
    pub pareto_share: String,
    pub pareto_count: usize,
    pub pareto_clients: usize,
    pub margin: Vec<MarginGroup>,
    pub persistence_svg: String,
    pub persistence: Vec<(String, u32, String, String)>,
    pub deals_total: usize,
    pub coverage: Vec<HolidayView>,
    pub birthday_rate: String,
    pub birthdays: (usize, usize),
    pub complaint_median: String,
    pub feedback_svg: String,
    /// Promises kept and contacts the clients started, in words, and the latter by month.
    pub promises: String,
    pub inbound: String,
    pub inbound_svg: String,
}

/// Contacts the clients started, month by month (the share in %, each bar's title saying
/// how many of how many).
pub fn inbound_chart(site: &Site<'_>, months: &[crate::report::InboundMonth]) -> String {
    let lang = site.lang;
    // No contact marked inbound at all: the team may not use the word; no chart.
    if months.iter().all(|m| m.inbound == 0) {
        return String::new();
    }
    let month_label = |m: usize| {
        months
            .get(m)
            .map(|f| super::format::year_month(lang, f.first_day.year(), f.first_day.month()))
            .unwrap_or_default()
    };
    let bars: Vec<Bar> = months
        .iter()
        .enumerate()
        .map(|(m, x)| Bar {
            value: x.share.map_or(0, |s| (s * 100.0).round() as u32),
            title: format!(
                "{}{}{}{}",
                month_label(m),
                label(lang, "colon"),
                x.share
                    .map_or_else(|| "—".to_string(), |s| format!("{:.0}%", s * 100.0)),
                super::i18n::paren(lang, &format!("{}/{}", x.inbound, x.contacts))
            ),
        })
        .collect();
    charts::bar_chart(
        &site.frames,
        &BarChart {
            label: label(lang, "inbound_trend"),
            bars: &bars,
            x_labels: &|m| (m % 3 == 0).then(|| month_label(m)),
            reference: None,
            size: (480, 180),
            bar_class: "bar",
            figures: label(lang, "chart_figures"),
        },
    )
}

#[derive(Serialize)]
pub struct MarginGroup {
    pub title: &'static str,
    pub class: &'static str,
    pub items: Vec<Item>,
}

pub fn team(site: &Site<'_>) -> TeamPlaybook {
    let lang = site.lang;
    // Pareto: cumulative share, in at most 50 steps of clients.
    let (mut pareto_svg, mut pareto_year, mut pareto_share, mut pareto_count, mut pareto_clients) =
        (String::new(), 0, String::new(), 0, 0);
    if let Some(p) = &site.report.pareto {
        let cum = &p.cumulative;
        let steps = cum.len().min(50);
        let bars: Vec<Bar> = (1..=steps)
            .map(|s| {
                let upto = (s * cum.len()).div_ceil(steps);
                let share = cum.get(upto.saturating_sub(1)).copied().unwrap_or(0.0);
                Bar {
                    value: (share * 100.0).round() as u32,
                    title: format!(
                        "{upto} / {}{}{:.0}%",
                        cum.len(),
                        label(lang, "colon"),
                        share * 100.0
                    ),
                }
            })
            .collect();
        pareto_svg = charts::bar_chart(
            &site.frames,
            &BarChart {
                label: label(lang, "pareto"),
                bars: &bars,
                x_labels: &|_| None,
                reference: Some((80.0, "80%".into())),
                size: (640, 200),
                bar_class: "bar",
                figures: label(lang, "chart_figures"),
            },
        );
        pareto_year = p.year;
        pareto_share = format!("{:.0}%", p.top20_share_exact * 100.0);
        pareto_count = p.top20_clients;
        pareto_clients = p.clients;
    }
    let team = &site.report.team;
    // Red / white / black: clients with a margin, split by the medians (the report's).
    let mut margin = Vec::new();
    let mut margin_svg = String::new();
    if let Some(split) = &team.margin {
        let group = |title, class: &'static str| MarginGroup {
            title: label(lang, title),
            class,
            items: split
                .clients
                .iter()
                .filter(|x| x.class == class)
                .filter_map(|x| {
                    item(
                        site,
                        x.client_index,
                        "",
                        format!("{} · {:.0}%", money(site.lang, x.revenue), x.margin * 100.0),
                    )
                })
                .collect(),
        };
        margin = vec![
            group("margin_red", "red"),
            group("margin_white", "white"),
            group("margin_black", "black"),
        ];
        let points: Vec<(f64, f64, String, &str)> = split
            .clients
            .iter()
            .filter_map(|x| {
                let class = match x.class {
                    "red" => "mg-red",
                    "white" => "mg-white",
                    _ => "mg-black",
                };
                let name = site.report.clients.head(x.client_index)?.name;
                Some((
                    x.revenue,
                    x.margin,
                    format!(
                        "{name}: {} · {:.0}%",
                        money(site.lang, x.revenue),
                        x.margin * 100.0
                    ),
                    class,
                ))
            })
            .collect();
        margin_svg = charts::scatter(label(lang, "margin_view"), &points, (480, 260));
    }
    // Persistence: deals by the contact they closed at.
    let total = team.deals;
    let persistence: Vec<(String, u32, String, String)> = team
        .persistence
        .iter()
        .map(|p| {
            let reference = p
                .reference
                .map_or("—".to_string(), |r| format!("{:.0}%", r * 100.0));
            (
                p.closed_at.to_string(),
                p.deals,
                percent(p.deals as usize, total),
                reference,
            )
        })
        .collect();
    let bars: Vec<Bar> = team
        .persistence
        .iter()
        .map(|p| Bar {
            value: p.deals,
            title: format!("{}: {}", p.closed_at, p.deals),
        })
        .collect();
    let persistence_svg = charts::bar_chart(
        &site.frames,
        &BarChart {
            label: label(lang, "persistence"),
            bars: &bars,
            x_labels: &|i| {
                team.persistence
                    .get(i)
                    .map(|p| p.closed_at.replace('–', "-"))
            },
            reference: None,
            size: (480, 180),
            bar_class: "bar",
            figures: "",
        },
    );
    // Feedback trend: the report's average score per month (×10 for the bars).
    let month_label = |m: usize| {
        team.feedback
            .get(m)
            .map(|f| super::format::year_month(lang, f.first_day.year(), f.first_day.month()))
            .unwrap_or_default()
    };
    let bars: Vec<Bar> = team
        .feedback
        .iter()
        .enumerate()
        .map(|(m, f)| {
            let ym = month_label(m);
            match f.average {
                // A month without feedback has no bar (not a score of 0/10).
                None => Bar {
                    value: 0,
                    title: format!("{ym}{}{}", label(lang, "colon"), label(lang, "no_feedback")),
                },
                Some(avg) => Bar {
                    value: avg.round() as u32,
                    title: format!(
                        "{ym}{}{avg:.1}/10{}",
                        label(lang, "colon"),
                        super::i18n::paren(lang, &f.scores.to_string())
                    ),
                },
            }
        })
        .collect();
    let feedback_svg = if team.feedback.iter().any(|f| f.scores > 0) {
        charts::bar_chart(
            &site.frames,
            &BarChart {
                label: label(lang, "feedback_trend"),
                bars: &bars,
                x_labels: &|m| (m % 3 == 0).then(|| month_label(m)),
                reference: None,
                size: (480, 180),
                bar_class: "bar",
                figures: label(lang, "chart_figures"),
            },
        )
    } else {
        String::new()
    };
    let birthdays = &team.birthdays;
    TeamPlaybook {
        pareto_svg,
        margin_svg,
        pareto_year,
        pareto_share,
        pareto_count,
        pareto_clients,
        margin,
        persistence_svg,
        persistence,
        deals_total: total,
        coverage: team
            .holidays
            .iter()
            .rev()
            .map(|h| holiday_view(site, h.key, h.name, h.date, h.clients, &|_| true, "", 5))
            .collect(),
        birthday_rate: percent(birthdays.greeted, birthdays.total),
        birthdays: (birthdays.greeted, birthdays.total),
        complaint_median: team
            .complaints
            .median_days_to_resolve
            .map(|m| format!("{m:.0}"))
            .unwrap_or_else(|| "—".into()),
        feedback_svg,
        promises: super::i18n::promises_text(lang, &team.promises),
        inbound: super::i18n::inbound_text(
            lang,
            team.inbound_share,
            team.inbound_12m,
            team.contacts_12m,
        ),
        inbound_svg: inbound_chart(site, &team.inbound_trend),
    }
}
