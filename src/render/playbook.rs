//! The relationship practices (客情) on the pages: the checks lists shared by the
//! dashboard and the rep pages, the team figures and charts, and a client's own view.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::fragments;
use super::i18n::{self, label};
use super::pages::{Site, money};
use crate::analyse::deals::{REFERENCE, closing_histogram, median};
use crate::analyse::moments::{Coverage, Moment, MomentKind, client_moments};
use crate::analyse::revenue::Drift;
use crate::analyse::{Status, days_between, month_start};
use crate::config::Lang;
use crate::model::{Role, Tier};

/// A client in a list, with why it is there.
#[derive(Serialize)]
pub struct Item {
    pub name: String,
    pub href: String,
    pub detail: String,
    pub key: bool,
}

#[derive(Serialize)]
pub struct ItemList {
    pub id: &'static str,
    pub title: &'static str,
    pub note: &'static str,
    pub items: Vec<Item>,
    pub more: usize,
}

#[derive(Serialize)]
pub struct MomentView {
    pub date: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub what: String,
    pub client: String,
    pub href: String,
}

#[derive(Serialize)]
pub struct HolidayView {
    pub name: String,
    pub date: String,
    pub greeted: usize,
    pub total: usize,
    pub share: String,
    pub needs: Vec<Item>,
    pub more: usize,
}

#[derive(Serialize)]
pub struct Practices {
    pub lists: Vec<ItemList>,
    pub upcoming: Vec<MomentView>,
    pub holidays: Vec<HolidayView>,
}

fn item(site: &Site<'_>, i: usize, root: &str, detail: String) -> Option<Item> {
    let c = site.ws.clients.get(i)?;
    Some(Item {
        name: c.name.clone(),
        href: site.client_href(i, root),
        detail,
        key: c.tier == Some(Tier::Key),
    })
}

/// Key clients first, then by name.
fn key_first(site: &Site<'_>, v: &mut [usize]) {
    let rank = |i: &usize| {
        site.ws
            .clients
            .get(*i)
            .map(|c| (c.tier != Some(Tier::Key), c.name.clone()))
    };
    v.sort_by_key(rank);
}

pub fn holiday_name(lang: Lang, key: Option<&str>, name: &str) -> String {
    match key {
        Some(k) => label(lang, &format!("holiday_{k}")).to_string(),
        None => name.to_string(),
    }
}

pub fn moment_view(site: &Site<'_>, m: &Moment, root: &str) -> MomentView {
    let lang = site.lang;
    let client = m.client.and_then(|i| site.ws.clients.get(i));
    // A birthday's count of years would reveal the birth year: only when it may be shown.
    let show_years = m.kind != MomentKind::Birthday || site.ws.config.privacy.birth_year;
    let years = m
        .years
        .filter(|_| show_years)
        .map(|y| format!(" ({y} {})", label(lang, "years")))
        .unwrap_or_default();
    let (kind, what) = match m.kind {
        MomentKind::Birthday => ("birthday", format!("{}{years}", m.what)),
        MomentKind::Anniversary => (
            "anniversary",
            format!("{}{years}", label(lang, "moment_anniversary")),
        ),
        MomentKind::Date => ("date", format!("{}{years}", m.what)),
        MomentKind::Holiday => ("holiday", holiday_name(lang, m.holiday_key, &m.what)),
    };
    MomentView {
        date: m.date.to_string(),
        kind,
        kind_label: label(lang, &format!("moment_{kind}")),
        what,
        client: client.map(|c| c.name.clone()).unwrap_or_default(),
        href: m
            .client
            .map(|i| site.client_href(i, root))
            .unwrap_or_default(),
    }
}

fn holiday_view(
    site: &Site<'_>,
    cov: &Coverage,
    keep: &dyn Fn(usize) -> bool,
    root: &str,
    cap: usize,
) -> HolidayView {
    let greeted = cov.greeted.iter().filter(|&&i| keep(i)).count();
    let needs: Vec<usize> = cov.missed.iter().copied().filter(|&i| keep(i)).collect();
    let total = greeted + needs.len();
    HolidayView {
        name: holiday_name(site.lang, cov.holiday.key, &cov.holiday.name),
        date: cov.holiday.date.to_string(),
        greeted,
        total,
        share: percent(greeted, total),
        more: needs.len().saturating_sub(cap),
        needs: needs
            .iter()
            .take(cap)
            .filter_map(|&i| item(site, i, root, String::new()))
            .collect(),
    }
}

pub fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / total as f64)
    }
}

/// The practice checks for the clients `keep` accepts (all of them on the dashboard,
/// one rep's on a rep page); each list capped at `cap` entries.
pub fn practices(
    site: &Site<'_>,
    keep: &dyn Fn(usize) -> bool,
    root: &str,
    cap: usize,
) -> Practices {
    let ws = site.ws;
    let pb = &ws.playbook;
    let lang = site.lang;
    let n = ws.clients.len();
    let list = |id: &'static str, note: &'static str, mut idx: Vec<(usize, String)>, sort: bool| {
        if sort {
            let mut order: Vec<usize> = idx.iter().map(|x| x.0).collect();
            key_first(site, &mut order);
            idx.sort_by_key(|x| order.iter().position(|o| *o == x.0));
        }
        ItemList {
            id,
            title: label(lang, id),
            note: if note.is_empty() {
                ""
            } else {
                label(lang, note)
            },
            more: idx.len().saturating_sub(cap),
            items: idx
                .into_iter()
                .take(cap)
                .filter_map(|(i, d)| item(site, i, root, d))
                .collect(),
        }
    };
    // Oldest open complaint first.
    let mut open: Vec<(i64, usize, String)> = (0..n)
        .filter(|&i| keep(i))
        .flat_map(|i| {
            pb.complaints
                .get(i)
                .into_iter()
                .flatten()
                .filter(|c| c.resolved.is_none())
                .map(move |c| (c.days, i, c.date.to_string()))
        })
        .collect();
    open.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let open: Vec<(usize, String)> = open
        .into_iter()
        .map(|(d, i, date)| (i, format!("{date} · {d} {}", label(lang, "days_open"))))
        .collect();
    let cooling: Vec<(usize, String)> = pb
        .cooling
        .iter()
        .copied()
        .filter(|&i| keep(i))
        .map(|i| {
            let (r, b) = ws
                .clients
                .get(i)
                .map_or((0, 0), |c| crate::analyse::book::recent_rates(c, ws.today));
            (i, format!("{r} / {b}"))
        })
        .collect();
    let stale: Vec<(usize, String)> = (0..n)
        .filter(|&i| keep(i))
        .filter_map(|i| {
            pb.people
                .get(i)
                .filter(|p| !p.stale_decision_makers.is_empty())
                .map(|p| (i, p.stale_decision_makers.join(", ")))
        })
        .collect();
    let no_dm: Vec<(usize, String)> = (0..n)
        .filter(|&i| keep(i) && pb.people.get(i).is_some_and(|p| p.no_decision_maker))
        .filter(|&i| {
            ws.stats.get(i).is_some_and(|s| s.status != Status::Never)
                || ws.clients.get(i).is_some_and(|c| c.tier == Some(Tier::Key))
        })
        .map(|i| (i, String::new()))
        .collect();
    let unthanked: Vec<(usize, String)> = (0..n)
        .filter(|&i| keep(i))
        .flat_map(|i| {
            pb.deals
                .get(i)
                .into_iter()
                .flatten()
                .filter(|d| d.thanks_missing)
                .map(move |d| {
                    let amount = d
                        .amount
                        .map(|a| format!(" · {}", money(a)))
                        .unwrap_or_default();
                    (i, format!("{}{amount}", d.date))
                })
        })
        .collect();
    let given_up: Vec<(usize, String)> = (0..n)
        .filter(|&i| keep(i) && pb.given_up.get(i).copied().unwrap_or(false))
        .map(|i| {
            (
                i,
                ws.stats
                    .get(i)
                    .and_then(|s| s.days_since_contact)
                    .map(|d| i18n::days_ago(lang, d))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let drift: Vec<(usize, String)> = pb
        .drift
        .iter()
        .filter(|d| keep(d.0))
        .map(|&(i, d, rank)| {
            let why = match d {
                Drift::Promote => label(lang, "drift_promote"),
                Drift::Review => label(lang, "drift_review"),
            };
            (i, format!("#{rank}: {why}"))
        })
        .collect();
    let lists = vec![
        list("open_complaints", "", open, false),
        list("cooling", "cooling_note", cooling, false),
        list("stale_dm", "", stale, true),
        list("no_dm", "", no_dm, true),
        list("unthanked", "", unthanked, true),
        list("given_up", "given_up_note", given_up, false),
        list("tier_review", "", drift, false),
    ];
    let upcoming: Vec<MomentView> = pb
        .upcoming
        .iter()
        .filter(|m| m.client.is_none_or(&keep))
        .take(cap * 3)
        .map(|m| moment_view(site, m, root))
        .collect();
    let holidays = pb
        .next_holidays
        .iter()
        .map(|c| holiday_view(site, c, keep, root, cap))
        .collect();
    Practices {
        lists,
        upcoming,
        holidays,
    }
}

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
                    item(site, i, "", format!("{} · {:.0}%", money(r), m * 100.0))
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
                    format!("{name}: {} · {:.0}%", money(r), m * 100.0),
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
            let avg = if n > 0 { sum / f64::from(n) } else { 0.0 };
            Bar {
                value: avg.round() as u32,
                title: format!("{}-{:02}: {avg:.1}/10 ({n})", month.year(), month.month()),
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
                            .map(|d| format!("{:02}-{:02}", d.year() % 100, d.month()))
                            .unwrap_or_default()
                    })
                },
                reference: None,
                size: (480, 180),
                bar_class: "bar",
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

/// A client's own view of the practices.
#[derive(Serialize)]
pub struct ClientPlaybook {
    #[serde(skip)]
    pub roles: Vec<RoleGroup>,
    pub rhythms: Vec<RhythmView>,
    #[serde(skip)]
    pub moments: Vec<MomentView>,
    #[serde(skip)]
    pub birthdays: Vec<(String, String, bool)>,
    #[serde(skip)]
    pub deals: Vec<DealView>,
    #[serde(skip)]
    pub complaints: Vec<(String, String, i64, bool)>,
    /// The lists above as ready-made HTML (see `fragments`).
    pub roles_html: String,
    pub moments_html: String,
    pub deals_html: String,
    pub complaints_html: String,
    pub score: String,
    pub flags: Vec<String>,
}

#[derive(Serialize)]
pub struct RoleGroup {
    pub title: &'static str,
    pub role: &'static str,
    pub people: Vec<(String, String, String)>,
}

#[derive(Serialize)]
pub struct RhythmView {
    pub kind: String,
    pub every: String,
    pub last: String,
    pub next_due: String,
    pub status: &'static str,
    pub status_label: String,
}

#[derive(Serialize)]
pub struct DealView {
    pub date: String,
    pub amount: String,
    pub touches: u32,
    pub thanks: String,
    pub missing: bool,
}

pub fn client(site: &Site<'_>, i: usize) -> Option<ClientPlaybook> {
    let ws = site.ws;
    let pb = &ws.playbook;
    let lang = site.lang;
    let c = ws.clients.get(i)?;
    let s = ws.stats.get(i)?;
    let people = pb.people.get(i)?;
    let group =
        |title: &'static str, role: &'static str, pick: &dyn Fn(Option<Role>) -> bool| RoleGroup {
            title: label(lang, title),
            role,
            people: people
                .people
                .iter()
                .filter(|p| pick(p.role))
                .map(|p| {
                    let when = p.last_mentioned.map_or_else(
                        || label(lang, "never_mentioned").to_string(),
                        |d| d.to_string(),
                    );
                    let kinds = p
                        .kinds
                        .iter()
                        .map(|k| i18n::kind(lang, *k))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    (p.name.clone(), when, kinds)
                })
                .collect(),
        };
    let roles = vec![
        group("decision_makers", "decision-maker", &|r| {
            r == Some(Role::DecisionMaker)
        }),
        group("influencers", "influencer", &|r| {
            r == Some(Role::Influencer)
        }),
        group("users", "user", &|r| {
            !matches!(r, Some(Role::DecisionMaker | Role::Influencer))
        }),
    ];
    let rhythms = s
        .rhythms
        .iter()
        .map(|r| RhythmView {
            kind: r.kind.map_or_else(
                || label(lang, "rhythm_any").to_string(),
                |k| i18n::kind(lang, k).to_string(),
            ),
            every: i18n::cadence(lang, r.every),
            last: r.last.map(|d| d.to_string()).unwrap_or_default(),
            next_due: r.next_due.map(|d| d.to_string()).unwrap_or_default(),
            status: r.status.as_str(),
            status_label: i18n::status_detail(
                lang,
                r.status,
                r.days_overdue,
                r.next_due.map_or(0, |d| days_between(ws.today, d)),
            ),
        })
        .collect();
    let moments = client_moments(i, c, ws.today, 365)
        .iter()
        .map(|m| moment_view(site, m, "../"))
        .collect();
    let mut flags = Vec::new();
    if !people.stale_decision_makers.is_empty() {
        flags.push(format!(
            "{}: {}",
            label(lang, "stale_dm"),
            people.stale_decision_makers.join(", ")
        ));
    }
    if people.no_decision_maker {
        flags.push(label(lang, "no_dm").to_string());
    }
    if pb.is_cooling.get(i).copied().unwrap_or(false) {
        let (r, b) = crate::analyse::book::recent_rates(c, ws.today);
        flags.push(format!(
            "{} ({} {r} / {b})",
            label(lang, "cooling"),
            label(lang, "contacts_90")
        ));
    }
    if pb.given_up.get(i).copied().unwrap_or(false) {
        flags.push(label(lang, "given_up").to_string());
    }
    if let Some(&Some((d, rank))) = pb.drift_of.get(i) {
        let why = if d == Drift::Promote {
            "drift_promote"
        } else {
            "drift_review"
        };
        flags.push(format!(
            "{}: #{rank}, {}",
            label(lang, "tier_review"),
            label(lang, why)
        ));
    }
    let mut view = ClientPlaybook {
        roles_html: String::new(),
        moments_html: String::new(),
        deals_html: String::new(),
        complaints_html: String::new(),
        roles,
        rhythms,
        moments,
        birthdays: pb
            .birthdays
            .get(i)
            .into_iter()
            .flatten()
            .map(|b| (b.date.to_string(), b.person.clone(), b.greeted))
            .collect(),
        deals: pb
            .deals
            .get(i)
            .into_iter()
            .flatten()
            .rev()
            .map(|d| DealView {
                date: d.date.to_string(),
                amount: d.amount.map(money).unwrap_or_default(),
                touches: d.touches,
                thanks: match (d.thanked, d.thanks_missing) {
                    (Some(t), _) => t.to_string(),
                    (None, true) => label(lang, "thanks_missing").to_string(),
                    (None, false) => label(lang, "thanks_pending").to_string(),
                },
                missing: d.thanks_missing,
            })
            .collect(),
        complaints: pb
            .complaints
            .get(i)
            .into_iter()
            .flatten()
            .rev()
            .map(|x| {
                (
                    x.date.to_string(),
                    x.resolved.map(|d| d.to_string()).unwrap_or_default(),
                    x.days,
                    x.resolved.is_none(),
                )
            })
            .collect(),
        score: pb
            .scores
            .get(i)
            .copied()
            .flatten()
            .map(|(d, s)| format!("{s}/10 ({d})"))
            .unwrap_or_default(),
        flags,
    };
    view.roles_html = fragments::role_map(lang, &view.roles);
    view.moments_html = fragments::moments_list(lang, &view.moments)
        + &fragments::birthdays_list(lang, &view.birthdays);
    view.deals_html = fragments::deals_table(lang, &view.deals);
    view.complaints_html = fragments::complaints_list(lang, &view.complaints);
    Some(view)
}
