//! The team's relationship figures for the dashboard: the 80/20 curve, revenue × margin,
//! persistence before deals, holiday coverage, birthday greetings, complaints, feedback.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::format::money;
use super::i18n::label;
use super::pages::Site;
use super::playbook::{HolidayView, Item, holiday_view, item, percent};
use crate::analyse::deals::{REFERENCE, closing_histogram, median};
use crate::analyse::month_start;

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
}

#[derive(Serialize)]
pub struct MarginGroup {
    pub title: &'static str,
    pub class: &'static str,
    pub items: Vec<Item>,
}

pub fn team(site: &Site<'_>) -> TeamPlaybook {
    let ws = site.ws;
    let pb = &ws.playbook;
    let lang = site.lang;
    // Pareto: cumulative share, in at most 50 steps of clients.
    let (mut pareto_svg, mut pareto_year, mut pareto_share, mut pareto_count, mut pareto_clients) =
        (String::new(), 0, String::new(), 0, 0);
    if let Some(p) = &pb.pareto {
        let cum = p.cumulative();
        let steps = cum.len().min(50);
        let bars: Vec<Bar> = (1..=steps)
            .map(|s| {
                let upto = (s * cum.len()).div_ceil(steps);
                let share = cum.get(upto.saturating_sub(1)).copied().unwrap_or(0.0);
                Bar {
                    value: (share * 100.0).round() as u32,
                    title: format!("{upto} / {}: {:.0}%", cum.len(), share * 100.0),
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
        pareto_share = format!("{:.0}%", p.top20_share * 100.0);
        pareto_count = p.top20_count;
        pareto_clients = p.ranked.len();
    }
    // Red / white / black: clients with a margin, split by the medians.
    let with_margin: Vec<(usize, f64, f64)> = pb
        .pareto
        .iter()
        .flat_map(|p| p.ranked.iter())
        .filter_map(|&(i, r)| ws.clients.get(i).and_then(|c| c.margin).map(|m| (i, r, m)))
        .collect();
    let mut margin = Vec::new();
    let mut margin_svg = String::new();
    if !with_margin.is_empty() {
        let med = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        let (rev_med, mar_med) = (
            med(with_margin.iter().map(|x| x.1).collect()),
            med(with_margin.iter().map(|x| x.2).collect()),
        );
        let group = |title, class, pick: &dyn Fn(f64, f64) -> bool| MarginGroup {
            title: label(lang, title),
            class,
            items: with_margin
                .iter()
                .filter(|x| pick(x.1, x.2))
                .filter_map(|&(i, r, m)| {
                    item(
                        site,
                        i,
                        "",
                        format!("{} · {:.0}%", money(site.lang, r), m * 100.0),
                    )
                })
                .collect(),
        };
        margin = vec![
            group("margin_red", "red", &|_, m| m >= mar_med),
            group("margin_white", "white", &|r, m| m < mar_med && r >= rev_med),
            group("margin_black", "black", &|r, m| m < mar_med && r < rev_med),
        ];
        let points: Vec<(f64, f64, String, &str)> = with_margin
            .iter()
            .filter_map(|&(i, r, m)| {
                let class = if m >= mar_med {
                    "mg-red"
                } else if r >= rev_med {
                    "mg-white"
                } else {
                    "mg-black"
                };
                let name = &ws.clients.get(i)?.name;
                Some((
                    r,
                    m,
                    format!("{name}: {} · {:.0}%", money(site.lang, r), m * 100.0),
                    class,
                ))
            })
            .collect();
        margin_svg = charts::scatter(label(lang, "margin_view"), &points, (480, 260));
    }
    // Persistence.
    let touches: Vec<u32> = pb.deals.iter().flatten().map(|d| d.touches).collect();
    let hist = closing_histogram(touches.iter().copied());
    let total = touches.len();
    let names = ["1", "2", "3", "4", "5–12", "13+"];
    let persistence: Vec<(String, u32, String, String)> = names
        .iter()
        .zip(hist)
        .enumerate()
        .map(|(b, (name, n))| {
            let reference = REFERENCE
                .get(b)
                .map_or("—".to_string(), |r| format!("{:.0}%", r.1 * 100.0));
            (name.to_string(), n, percent(n as usize, total), reference)
        })
        .collect();
    let bars: Vec<Bar> = names
        .iter()
        .zip(hist)
        .map(|(name, n)| Bar {
            value: n,
            title: format!("{name}: {n}"),
        })
        .collect();
    let persistence_svg = charts::bar_chart(
        &site.frames,
        &BarChart {
            label: label(lang, "persistence"),
            bars: &bars,
            x_labels: &|i| names.get(i).map(|s| s.replace('–', "-")),
            reference: None,
            size: (480, 180),
            bar_class: "bar",
            figures: "",
        },
    );
    // Feedback trend: average score per month, last 12 months (×10 for the bars).
    let first = month_start(ws.today, 11);
    let mut sums = [(0.0f64, 0u32); 12];
    for e in ws.clients.iter().flat_map(|c| &c.entries) {
        if let (Some(score), true) = (e.score, e.date >= first && e.date <= ws.today) {
            let m = (i32::from(e.date.year()) - i32::from(first.year())) * 12
                + i32::from(e.date.month())
                - i32::from(first.month());
            if let Some(slot) = usize::try_from(m).ok().and_then(|m| sums.get_mut(m)) {
                slot.0 += score;
                slot.1 += 1;
            }
        }
    }
    let bars: Vec<Bar> = sums
        .iter()
        .enumerate()
        .map(|(m, &(sum, n))| {
            let month = first
                .checked_add(jiff::Span::new().months(m as i64))
                .unwrap_or(first);
            let ym = super::format::year_month(lang, month.year(), month.month());
            // A month without feedback has no bar (not a score of 0/10).
            if n == 0 {
                return Bar {
                    value: 0,
                    title: format!("{ym}{}{}", label(lang, "colon"), label(lang, "no_feedback")),
                };
            }
            let avg = sum / f64::from(n);
            Bar {
                value: avg.round() as u32,
                title: format!("{ym}: {avg:.1}/10 ({n})"),
            }
        })
        .collect();
    let feedback_svg = if sums.iter().any(|s| s.1 > 0) {
        charts::bar_chart(
            &site.frames,
            &BarChart {
                label: label(lang, "feedback_trend"),
                bars: &bars,
                x_labels: &|m| {
                    (m % 3 == 0).then(|| {
                        first
                            .checked_add(jiff::Span::new().months(m as i64))
                            .map(|d| super::format::year_month(lang, d.year(), d.month()))
                            .unwrap_or_default()
                    })
                },
                reference: None,
                size: (480, 180),
                bar_class: "bar",
                figures: label(lang, "chart_figures"),
            },
        )
    } else {
        String::new()
    };
    let checks: Vec<bool> = pb.birthdays.iter().flatten().map(|b| b.greeted).collect();
    let resolved: Vec<i64> = pb
        .complaints
        .iter()
        .flatten()
        .filter(|c| c.resolved.is_some())
        .map(|c| c.days)
        .collect();
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
        coverage: pb
            .coverage
            .iter()
            .rev()
            .map(|c| holiday_view(site, c, &|_| true, "", 5))
            .collect(),
        birthday_rate: percent(checks.iter().filter(|g| **g).count(), checks.len()),
        birthdays: (checks.iter().filter(|g| **g).count(), checks.len()),
        complaint_median: median(resolved)
            .map(|m| format!("{m:.0}"))
            .unwrap_or_else(|| "—".into()),
        feedback_svg,
    }
}
