//! The dashboard's data: the cards, who needs attention, recent contacts, contacts per
//! week, the kinds and status mix, and overdue clients per rep. Strings are plain text
//! (the template escapes them) except `*_html` and `*_svg`, made by our own code.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::i18n;
use super::markdown;
use super::rows::row;
use super::site::Site;
use super::views::{Item, Row};
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
    /// The client list the bar stands for.
    pub list_href: String,
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
            list_href: if r.owner.is_empty() {
                format!("reps/{slug}.html")
            } else {
                list_href("", Some("overdue"), Some(r.owner))
            },
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
    /// The list the counter stands for (its rows number `value`).
    pub href: String,
}

/// One part of the "since …" line: `3 newly overdue`, linking to its list.
#[derive(Serialize)]
pub struct ChangeBit {
    pub text: String,
    pub count: usize,
    pub href: String,
    pub class: &'static str,
}

/// One list of what changed (`newly_overdue`, `deals`, …).
#[derive(Serialize)]
pub struct ChangeList {
    pub id: &'static str,
    pub title: &'static str,
    pub items: Vec<Item>,
}

/// A rep on the first screen: on-cadence share, overdue clients, the trend.
#[derive(Serialize)]
pub struct RepLine {
    pub name: String,
    pub href: String,
    pub clients: usize,
    pub overdue: usize,
    /// The client list of the rep's overdue clients (none for clients without owner).
    pub overdue_href: String,
    pub on_cadence: String,
    pub trend_svg: String,
}

/// A follow-up that was not done by its day.
#[derive(Serialize)]
pub struct MissedRow {
    pub client: String,
    pub href: String,
    pub owner: String,
    pub key: bool,
    pub date: String,
    pub text_html: String,
    pub days_late: i64,
    pub late: String,
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
    /// The client list of a status (none for kinds).
    pub href: String,
    pub label: &'static str,
    pub count: u32,
    pub share: String,
}

#[derive(Serialize)]
pub struct Dashboard {
    /// `since 15 Nov` / `11月15日以来`.
    pub since: String,
    /// Open the "what changed" lists on the page (a short week's are; a long one's
    /// stay folded, one click away).
    pub changes_open: bool,
    pub changes: Vec<ChangeBit>,
    pub change_lists: Vec<ChangeList>,
    pub key_slipping: Vec<Item>,
    pub key_slipping_more: usize,
    pub reps: Vec<RepLine>,
    /// The oldest missed follow-ups (all of them are on `followups.html`).
    pub missed: Vec<MissedRow>,
    pub missed_total: usize,
    pub trend_svg: String,
    pub trend_caption: String,
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

/// Rows of "call today" on the first screen (the rest are a click away).
const ATTENTION_ROWS: usize = 10;
const KEY_ROWS: usize = 6;
/// Up to how many changes in all the "what changed" lists are shown unfolded.
const CHANGES_OPEN: usize = 30;
const MISSED_ROWS: usize = 10;

/// The missed follow-ups of the clients `keep` lets through, the longest late first
/// (key clients first on a tie, then by name): at most `cap` of them, and how many
/// there are in all.
pub fn missed_rows(
    site: &Site<'_>,
    keep: &dyn Fn(usize) -> bool,
    root: &str,
    cap: usize,
) -> (Vec<MissedRow>, usize) {
    let lang = site.lang;
    let clients = &site.report.clients;
    // Sorted by what is cheap to compare; only the rows shown are rendered, and only
    // the `cap` first keys are held (a large team misses hundreds of thousands).
    let mut kept: std::collections::BinaryHeap<(i64, bool, &str, usize, usize)> =
        std::collections::BinaryHeap::with_capacity(cap.saturating_add(1).min(1 << 16));
    let mut total = 0;
    // Only what the sort reads of the clients kept (their whole rows are not made).
    let these = (0..clients.len()).filter(|&i| keep(i));
    let these = these.filter_map(|i| Some((i, clients.head(i)?, clients.open_followups(i)?)));
    for (i, c, open) in these {
        for (n, f) in open.iter().enumerate().filter(|(_, f)| f.missed) {
            total += 1;
            kept.push((-f.days_late, c.tier != Some("key"), c.name, i, n));
            if kept.len() > cap {
                kept.pop();
            }
        }
    }
    let keys = kept.into_sorted_vec();
    let rows = keys
        .into_iter()
        .filter_map(|(_, _, _, i, n)| {
            let c = clients.get(i)?;
            let f = c.open_followups.get(n)?;
            Some(MissedRow {
                client: c.name.to_string(),
                href: site.client_href(i, root),
                owner: site.rep_name(c.owner.unwrap_or("")),
                key: c.tier == Some("key"),
                date: f.date.to_string(),
                text_html: markdown::inline_html(f.text),
                days_late: f.days_late,
                late: i18n::status_detail(lang, Status::Overdue, f.days_late, 0),
            })
        })
        .collect();
    (rows, total)
}

/// Rows of `followups.html` (the longest late; the rest are on each client's page).
pub const MISSED_PAGE_ROWS: usize = 500;
/// Rows of a rep's own list.
pub const MISSED_REP_ROWS: usize = 50;

/// `?status=overdue&owner=…` for the client list.
pub fn list_href(root: &str, status: Option<&str>, owner: Option<&str>) -> String {
    let mut q: Vec<String> = Vec::new();
    if let Some(s) = status {
        q.push(format!("status={s}"));
    }
    if let Some(o) = owner.filter(|o| !o.is_empty()) {
        q.push(format!("owner={}", percent_encode(o)));
    }
    if q.is_empty() {
        format!("{root}clients.html")
    } else {
        format!("{root}clients.html?{}", q.join("&"))
    }
}

/// Percent-encode a query value (UTF-8 bytes, unreserved characters kept).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A client's 52 weeks as a strip of status-coloured cells (blank before it was
/// known), titled with its status now and a year ago.
pub fn status_strip(site: &Site<'_>, weeks: &crate::analyse::trend::WeekStatuses) -> String {
    use std::fmt::Write;
    // One rect per run of weeks in one status (a status usually lasts weeks).
    let mut cells = String::new();
    let mut n = 0;
    while let Some(w) = weeks.get(n) {
        let run = weeks
            .get(n..)
            .unwrap_or_default()
            .iter()
            .take_while(|x| *x == w)
            .count()
            .max(1);
        if let Some(s) = w {
            let _ = write!(
                cells,
                "<rect class=\"s-{}\" x=\"{}\" width=\"{}\" height=\"12\"/>",
                s.as_str(),
                n * 2,
                run * 2
            );
        }
        n += run;
    }
    let name = |s: &Option<Status>| s.map_or("—", |s| i18n::status(site.lang, s));
    let title = format!(
        "{} → {}",
        name(weeks.first().unwrap_or(&None)),
        name(weeks.last().unwrap_or(&None))
    );
    format!(
        "<svg class=\"strip\" viewBox=\"0 0 104 12\" width=\"104\" height=\"12\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>{cells}</svg>",
        t = super::escape(&title)
    )
}

/// A small line of on-cadence shares (0–1), one point a week: an inline SVG with its
/// figures in its title. Empty without weeks.
pub fn sparkline(label: &str, trend: &[crate::report::TrendReport]) -> String {
    use std::fmt::Write;
    if trend.is_empty() {
        return String::new();
    }
    let (w, h) = (104.0f64, 24.0f64);
    let step = w / (trend.len().max(2) - 1) as f64;
    let mut points = String::new();
    for (n, t) in trend.iter().enumerate() {
        let x = n as f64 * step;
        let y = h - 2.0 - t.on_cadence_share * (h - 4.0);
        let _ = write!(points, "{}{x:.1},{y:.1}", if n == 0 { "" } else { " " });
    }
    let (first, last) = (
        trend.first().map_or(0.0, |t| t.on_cadence_share),
        trend.last().map_or(0.0, |t| t.on_cadence_share),
    );
    let title = format!("{label}: {:.0}% → {:.0}%", first * 100.0, last * 100.0);
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 104 24\" width=\"104\" height=\"24\" role=\"img\" aria-label=\"{t}\"><title>{t}</title><polyline points=\"{points}\"/></svg>",
        t = super::escape(&title)
    )
}

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
    let missed = team.clients_with_missed_followups;
    let cards = vec![
        Card {
            label: t("clients_total"),
            value: site.report.clients.len().to_string(),
            class: "",
            href: list_href("", None, None),
        },
        Card {
            label: t("overdue"),
            value: count(Status::Overdue).to_string(),
            class: "overdue",
            href: list_href("", Some("overdue"), None),
        },
        Card {
            label: t("due"),
            value: count(Status::Due).to_string(),
            class: "due",
            href: list_href("", Some("due"), None),
        },
        Card {
            label: t("never"),
            value: count(Status::Never).to_string(),
            class: "never",
            href: list_href("", Some("never"), None),
        },
        Card {
            label: t("clients_missed_followups"),
            value: missed.to_string(),
            class: if missed > 0 { "overdue" } else { "" },
            href: "clients.html?followup=missed".into(),
        },
    ];
    let report = site.report;
    let ch = &report.changes;
    let item = |i: usize, detail: String| super::relationship_checks::item(site, i, "", detail);
    // A list of dated events (complaints opened, resolved), each its client and day.
    let dated =
        |id: &'static str, events: &[crate::report::ChangeEvent<'_>], index: &[usize]| ChangeList {
            id,
            title: i18n::label(lang, &format!("changes_{id}")),
            items: events
                .iter()
                .zip(index)
                .filter_map(|(e, &i)| item(i, super::format::date(lang, e.date)))
                .collect(),
        };
    let change_lists: Vec<ChangeList> = vec![
        ChangeList {
            id: "newly_overdue",
            title: t("changes_newly_overdue"),
            items: ch
                .index
                .newly_overdue
                .iter()
                .filter_map(|&i| {
                    let c = report.clients.get(i)?;
                    item(
                        i,
                        i18n::status_detail(lang, Status::Overdue, c.days_overdue, 0),
                    )
                })
                .collect(),
        },
        ChangeList {
            id: "back_on_track",
            title: t("changes_back_on_track"),
            items: ch
                .index
                .back_on_track
                .iter()
                .filter_map(|&i| {
                    let c = report.clients.get(i)?;
                    let detail = c
                        .last_contact
                        .map(|d| format!("{} {}", t("last_contact"), super::format::date(lang, d)))
                        .unwrap_or_default();
                    item(i, detail)
                })
                .collect(),
        },
        ChangeList {
            id: "deals",
            title: t("changes_deals"),
            items: ch
                .deals
                .iter()
                .zip(&ch.index.deals)
                .filter_map(|(d, &i)| {
                    let mut detail = super::format::date(lang, d.date);
                    if let Some(a) = d.amount {
                        detail.push_str(" · ");
                        detail.push_str(&super::format::money(lang, a));
                    }
                    item(i, detail)
                })
                .collect(),
        },
        dated(
            "complaints_opened",
            &ch.complaints_opened,
            &ch.index.complaints_opened,
        ),
        dated(
            "complaints_resolved",
            &ch.complaints_resolved,
            &ch.index.complaints_resolved,
        ),
        ChangeList {
            id: "new_clients",
            title: t("changes_new_clients"),
            items: ch
                .index
                .new_clients
                .iter()
                .filter_map(|&i| item(i, String::new()))
                .collect(),
        },
        ChangeList {
            id: "lost",
            title: t("changes_lost"),
            items: ch
                .index
                .lost
                .iter()
                .filter_map(|&i| {
                    let c = report.clients.get(i)?;
                    item(i, super::relationship_checks::lost_detail(site, &c))
                })
                .collect(),
        },
    ];
    let changes: Vec<ChangeBit> = change_lists
        .iter()
        .filter(|l| !l.items.is_empty())
        .map(|l| {
            let n = l.items.len();
            let mut text = i18n::count_of(lang, l.id, n);
            if l.id == "deals" && ch.deals_amount > 0.0 {
                text.push(' ');
                text.push_str(&super::format::money(lang, ch.deals_amount));
            }
            ChangeBit {
                text,
                count: n,
                href: format!("#ch-{}", l.id),
                class: match l.id {
                    "newly_overdue" | "complaints_opened" | "lost" => "bad",
                    _ => "good",
                },
            }
        })
        .collect();
    let since = i18n::since(
        lang,
        &super::format::date_short(lang, ch.since, report.today),
    );
    // Key clients slipping: overdue, cooling off, or a decision-maker not seen lately.
    let slipping: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| {
            // Key clients first by their standing: only theirs are made.
            let key = |s: crate::report::Standing| s.tier == Some(crate::model::Tier::Key);
            report.clients.standing(i).is_some_and(key)
                && report.clients.get(i).is_some_and(|c| {
                    c.tier == Some("key")
                        && (c.standing.status == Status::Overdue
                            || c.cooling
                            || !c.stale_decision_makers.is_empty())
                })
        })
        .collect();
    let key_slipping = slipping
        .iter()
        .take(KEY_ROWS)
        .filter_map(|&i| {
            let c = report.clients.get(i)?;
            let mut why = Vec::new();
            if c.standing.status == Status::Overdue {
                why.push(i18n::status_detail(
                    lang,
                    Status::Overdue,
                    c.days_overdue,
                    0,
                ));
            }
            if c.cooling {
                why.push(t("cooling").to_string());
            }
            if !c.stale_decision_makers.is_empty() {
                why.push(t("stale_dm_short").to_string());
            }
            item(i, why.join(t("list_sep")))
        })
        .collect();
    let mut reps: Vec<(f64, RepLine)> = report
        .team
        .reps
        .iter()
        .zip(&site.rep_slugs)
        .map(|(r, slug)| {
            let name = site.rep_name(r.owner);
            let line = RepLine {
                href: format!("reps/{slug}.html"),
                clients: r.clients,
                overdue: r.overdue,
                overdue_href: if r.owner.is_empty() {
                    format!("reps/{slug}.html")
                } else {
                    list_href("", Some("overdue"), Some(r.owner))
                },
                on_cadence: super::relationship_checks::percent(r.on_cadence, r.clients - r.lost),
                trend_svg: sparkline(&format!("{name} · {}", t("on_cadence")), &r.trend),
                name,
            };
            (r.on_cadence_share, line)
        })
        .collect();
    // Worst first: the lowest share on cadence, then the most overdue.
    reps.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(b.1.overdue.cmp(&a.1.overdue))
            .then(a.1.name.cmp(&b.1.name))
    });
    let reps = reps.into_iter().map(|(_, r)| r).collect();
    let (missed_shown, missed_total) = missed_rows(site, &|_| true, "", MISSED_ROWS);
    let trend_svg = trend_chart(site, t("trend_chart"), &report.team.trend, 160);
    let trend_caption = report
        .team
        .trend
        .first()
        .zip(report.team.trend.last())
        .map(|(a, b)| {
            i18n::trend_caption(
                lang,
                &super::relationship_checks::percent(a.on_cadence, a.clients),
                &super::relationship_checks::percent(b.on_cadence, b.clients),
            )
        })
        .unwrap_or_default();
    let urgent: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| {
            matches!(
                site.report.clients.standing(i).map(|s| s.status),
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
        .filter_map(|(ci, e)| {
            let (ci, c) = (*ci, ws.clients.get(*ci)?);
            Some(RecentRow {
                date: e.date.to_string(),
                client: c.name.clone(),
                href: site.client_href(ci, ""),
                kind: e.kind.as_str(),
                kind_label: i18n::kind(lang, e.kind),
                people: e.people.join(t("list_sep")),
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
            href: String::new(),
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
                href: list_href("", Some(s.as_str()), None),
                label: i18n::status(lang, s),
                count: n,
                share: percent(n, status_total),
            }
        })
        .collect();
    let status_svg = legend_bar(lang, t("status_chart"), &status_legend);
    Dashboard {
        changes_open: (1..=CHANGES_OPEN)
            .contains(&change_lists.iter().map(|l| l.items.len()).sum()),
        since,
        changes,
        change_lists,
        key_slipping_more: slipping.len().saturating_sub(KEY_ROWS),
        key_slipping,
        reps,
        missed: missed_shown,
        missed_total,
        trend_svg,
        trend_caption,
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
            title: format!(
                "{}{}{n}",
                super::format::date(lang, monday(i)),
                i18n::label(lang, "colon")
            ),
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

/// The share of clients on cadence, week by week (a bar per week, in percent).
pub fn trend_chart(
    site: &Site<'_>,
    label: &str,
    trend: &[crate::report::TrendReport],
    height: u32,
) -> String {
    let lang = site.lang;
    let colon = i18n::label(lang, "colon");
    let bars: Vec<Bar> = trend
        .iter()
        .map(|w| Bar {
            value: (w.on_cadence_share * 100.0).round() as u32,
            title: format!(
                "{}{colon}{}{} · {} {}",
                super::format::date(lang, w.week),
                super::relationship_checks::percent(w.on_cadence, w.clients),
                i18n::paren(lang, &format!("{}/{}", w.on_cadence, w.clients)),
                i18n::label(lang, "overdue"),
                w.overdue
            ),
        })
        .collect();
    charts::bar_chart(
        &site.frames,
        &BarChart {
            label,
            bars: &bars,
            x_labels: &|i| {
                (i % 13 == 0).then(|| {
                    let d = trend.get(i).map_or(site.report.today, |w| w.week);
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
                format!(
                    "{}{colon}{}{}",
                    l.label,
                    l.count,
                    i18n::paren(lang, &l.share)
                ),
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
