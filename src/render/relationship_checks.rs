//! The relationship practices (客情) on the pages: the check lists, moments and holidays
//! shared by the dashboard and the rep pages. Team figures are in `team`, a client's own
//! view in `client_playbook`.

use serde::Serialize;

use super::format;
use super::i18n::{self, label};
use super::site::Site;
use super::views::{HolidayView, Item, ItemList, MomentView};
use crate::analyse::Status;
use crate::analyse::moments::MomentKind;
use crate::analyse::revenue::Drift;
use crate::config::Lang;
use crate::model::Tier;
use crate::report::MomentReport;

#[derive(Serialize)]
pub struct Practices {
    pub lists: Vec<ItemList>,
    pub upcoming: Vec<MomentView>,
    pub holidays: Vec<HolidayView>,
    /// The coming holidays as one table: a column per holiday, a row per client still
    /// to greet for any of them.
    pub greet: GreetTable,
}

#[derive(Serialize, Default)]
pub struct GreetTable {
    pub rows: Vec<GreetRow>,
    /// Clients still to greet beyond the rows shown.
    pub more: usize,
}

#[derive(Serialize)]
pub struct GreetRow {
    pub item: Item,
    /// Per holiday, in `Practices::holidays` order.
    pub cells: Vec<GreetCell>,
}

#[derive(Serialize)]
pub struct GreetCell {
    /// `missed`, `greeted` or `` (not expected to be greeted for it).
    pub state: &'static str,
    /// The holiday's name (the cell's label on a phone).
    pub holiday: String,
}

/// The greeting table of the coming holidays, for the clients `keep` lets through:
/// every client still to greet for one of them (key clients first, then by name), at
/// most `cap` rows.
pub fn greet_table(
    site: &Site<'_>,
    keep: &dyn Fn(usize) -> bool,
    root: &str,
    cap: usize,
) -> GreetTable {
    let greetings = &site.report.greetings;
    let names: Vec<String> = greetings
        .iter()
        .map(|g| holiday_name(site.lang, g.key, g.name))
        .collect();
    let mut missed: Vec<usize> = greetings
        .iter()
        .flat_map(|g| g.clients.missed.iter().copied())
        .filter(|&i| keep(i))
        .collect::<std::collections::BTreeSet<usize>>()
        .into_iter()
        .collect();
    key_first(site, &mut missed);
    let rows = missed
        .iter()
        .take(cap)
        .filter_map(|&i| {
            let cells = greetings
                .iter()
                .zip(&names)
                .map(|(g, name)| GreetCell {
                    state: if g.clients.missed.contains(&i) {
                        "missed"
                    } else if g.clients.greeted.contains(&i) {
                        "greeted"
                    } else {
                        ""
                    },
                    holiday: name.clone(),
                })
                .collect();
            Some(GreetRow {
                item: item(site, i, root, String::new())?,
                cells,
            })
        })
        .collect();
    GreetTable {
        rows,
        more: missed.len().saturating_sub(cap),
    }
}

pub fn item(site: &Site<'_>, i: usize, root: &str, detail: String) -> Option<Item> {
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

/// A moment of the report as a page shows it (its years already masked there).
pub fn moment_view(site: &Site<'_>, m: &MomentReport<'_>, root: &str) -> MomentView {
    let lang = site.lang;
    let client = m.client_index.and_then(|i| site.report.clients.head(i));
    let years_inner = m.years.map(|y| {
        let unit = if y == 1 { "years_one" } else { "years" };
        format!("{y} {}", label(lang, unit))
    });
    let years = years_inner
        .as_deref()
        .map(|y| super::i18n::paren(lang, y))
        .unwrap_or_default();
    // A lunar birthday or date says so: `王强 (58 years, lunar 10/23)`.
    let lunar = m.lunar.map(|d| super::format::lunar_day(lang, d));
    let with_years = |what: &str| {
        let inner: Vec<&str> = years_inner
            .iter()
            .chain(&lunar)
            .map(String::as_str)
            .collect();
        if inner.is_empty() {
            what.to_string()
        } else {
            let inner = inner.join(label(lang, "list_sep"));
            format!("{what}{}", super::i18n::paren(lang, &inner))
        }
    };
    let name = m.name.unwrap_or_default();
    // The kind's label is shown before `what`: an anniversary's `what` is just its years.
    let (kind, what) = match m.kind {
        MomentKind::Birthday => ("birthday", with_years(name)),
        MomentKind::Anniversary => ("anniversary", years.clone()),
        MomentKind::Date => ("date", with_years(m.what)),
        MomentKind::Holiday => ("holiday", holiday_name(lang, m.holiday_key, name)),
    };
    MomentView {
        date: m.date.to_string(),
        kind,
        kind_label: label(lang, &format!("moment_{kind}")),
        what,
        client: client.map(|c| c.name.to_string()).unwrap_or_default(),
        href: m
            .client_index
            .map(|i| site.client_href(i, root))
            .unwrap_or_default(),
    }
}

/// A holiday's greetings as a page shows them: the clients `keep` accepts, of those the
/// report says were expected (`clients`), at most `cap` of those still to greet named.
#[allow(clippy::too_many_arguments)]
pub fn holiday_view(
    site: &Site<'_>,
    key: Option<&str>,
    name: &str,
    date: crate::model::Date,
    clients: crate::report::Greeted<'_>,
    keep: &dyn Fn(usize) -> bool,
    root: &str,
    cap: usize,
) -> HolidayView {
    let greeted = clients.greeted.iter().filter(|&&i| keep(i)).count();
    let needs: Vec<usize> = clients
        .missed
        .iter()
        .copied()
        .filter(|&i| keep(i))
        .collect();
    let total = greeted + needs.len();
    HolidayView {
        name: holiday_name(site.lang, key, name),
        date: date.to_string(),
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

/// A lost client in a list: the day, the reason, its revenue of the revenue year and
/// its owner ("30 Sep · 价格 · ¥540,000 (2025) · 陈静").
pub fn lost_detail(site: &Site<'_>, c: &crate::report::ClientReport<'_>) -> String {
    let lang = site.lang;
    let mut parts = Vec::new();
    if let Some(l) = &c.lost {
        if let Some(d) = l.date {
            parts.push(format::date_short(lang, d, site.report.today));
        }
        if let Some(r) = l.reason {
            parts.push(r.to_string());
        }
    }
    if let Some(r) = c.revenue {
        parts.push(format!(
            "{}{}",
            format::money(lang, r),
            i18n::paren(lang, &c.revenue_year.to_string())
        ));
    }
    if let Some(o) = c.owner {
        parts.push(o.to_string());
    }
    parts.join(" · ")
}

/// The people who left ("李卫东 (left 1 Oct)"), decision-makers only with `dm_only`.
pub fn left_people(lang: Lang, c: &crate::report::ClientReport<'_>, dm_only: bool) -> String {
    c.people
        .iter()
        .filter(|p| !p.current && (!dm_only || p.role == Some("decision-maker")))
        .map(|p| {
            let when = p
                .left
                .map(|d| format!("{} {}", label(lang, "left_on"), format::date(lang, d)))
                .unwrap_or_default();
            format!("{}{}", p.name, i18n::paren(lang, &when))
        })
        .collect::<Vec<_>>()
        .join(label(lang, "list_sep"))
}

/// The latest deal contact dropped off after (`post_deal_dropoff`'s).
pub fn dropped_deal<'r>(
    c: &'r crate::report::ClientReport<'_>,
) -> Option<&'r crate::report::DealReport> {
    c.deals.iter().rev().find(|d| d.dropoff)
}

/// The latest deal that dropped off: its day and the contacts before and after.
pub fn dropoff_detail(lang: Lang, c: &crate::report::ClientReport<'_>) -> String {
    dropped_deal(c)
        .map(|d| {
            format!(
                "{}{}{} → {}",
                format::date(lang, d.date),
                label(lang, "colon"),
                d.contacts_before,
                d.contacts_after.unwrap_or(0)
            )
        })
        .unwrap_or_default()
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
    let mut open: Vec<(i64, usize, crate::model::Date)> = (0..n)
        .filter(|&i| keep(i))
        .flat_map(|i| {
            pb.complaints
                .get(i)
                .into_iter()
                .flatten()
                .filter(|c| c.resolved.is_none())
                .map(move |c| (c.days, i, c.date))
        })
        .collect();
    open.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let open: Vec<(usize, String)> = open
        .into_iter()
        .map(|(d, i, date)| {
            (
                i,
                format!(
                    "{} · {d} {}",
                    format::date(lang, date),
                    label(lang, "days_open")
                ),
            )
        })
        .collect();
    let cooling: Vec<(usize, String)> = pb
        .cooling
        .iter()
        .copied()
        .filter(|&i| keep(i))
        .map(|i| {
            let (r, b) = pb.rates.get(i).copied().unwrap_or_default();
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
                        .map(|a| format!(" · {}", format::money(lang, a)))
                        .unwrap_or_default();
                    (i, format!("{}{amount}", format::date(lang, d.date)))
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
    let report = site.report;
    let flagged = |f: crate::analyse::risks::Flag| -> Vec<usize> {
        report
            .team
            .flagged
            .index
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, v)| v.iter().copied().filter(|&i| keep(i)).collect())
            .unwrap_or_default()
    };
    use crate::analyse::risks::Flag;
    let with = |f: Flag, detail: &dyn Fn(&crate::report::ClientReport<'_>) -> String| {
        flagged(f)
            .into_iter()
            .filter_map(|i| Some((i, detail(&report.clients.get(i)?))))
            .collect::<Vec<_>>()
    };
    let revenue_drop = with(Flag::RevenueDrop, &|c| {
        let change = c
            .revenue_change
            .map(|x| format!("{:.0}%", x * 100.0))
            .unwrap_or_default();
        let now = c
            .revenue
            .map(|r| {
                format!(
                    " · {}{}",
                    format::money(lang, r),
                    i18n::paren(lang, &c.revenue_year.to_string())
                )
            })
            .unwrap_or_default();
        format!("{change}{now}")
    });
    let dm_left = with(Flag::DecisionMakerLeft, &|c| left_people(lang, c, true));
    let single = with(Flag::SingleThreaded, &|c| {
        i18n::flag_text(
            lang,
            i18n::FlagText::SingleThreaded {
                people: c.people_met_90d,
            },
        )
    });
    let dropoff = with(Flag::PostDealDropoff, &|c| dropoff_detail(lang, c));
    let lost: Vec<(usize, String)> = report
        .team
        .lost
        .iter()
        .filter(|l| keep(l.client_index))
        .filter_map(|l| {
            Some((
                l.client_index,
                lost_detail(site, &report.clients.get(l.client_index)?),
            ))
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
        list("revenue_drop", "", revenue_drop, false),
        list("decision_maker_left", "", dm_left, false),
        list("single_threaded", "single_threaded_note", single, false),
        list(
            "post_deal_dropoff",
            "post_deal_dropoff_note",
            dropoff,
            false,
        ),
        list("lost_clients", "", lost, false),
    ];
    let upcoming: Vec<MomentView> = site
        .report
        .upcoming
        .iter()
        .filter(|m| m.client_index.is_none_or(&keep))
        .take(cap * 3)
        .map(|m| moment_view(site, m, root))
        .collect();
    let holidays = site
        .report
        .greetings
        .iter()
        .map(|g| holiday_view(site, g.key, g.name, g.date, g.clients, keep, root, cap))
        .collect();
    Practices {
        lists,
        upcoming,
        holidays,
        greet: greet_table(site, keep, root, cap * 2),
    }
}
