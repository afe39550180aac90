//! What each page shows: the data handed to its template, built from the workspace.
//! Every string here is plain text (the templates escape it) except fields named
//! `*_html` and `*_svg`, which are produced by our own sanitising code.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::i18n;
use super::markdown;
use super::privacy;
use crate::analyse::{ClientStats, Status, days_between, month_start};
use crate::config::Lang;
use crate::diag::Diagnostic;
use crate::model::{Client, Tier};
use crate::workspace::Workspace;

/// What every page needs to link and label things.
pub struct Site<'a> {
    pub ws: &'a Workspace,
    pub lang: Lang,
    /// `slugs[i]` is the page name of `ws.clients[i]`.
    pub slugs: Vec<String>,
    /// Per client: does its note have diagnostics?
    pub has_problems: Vec<bool>,
    pub frames: charts::FrameCache,
    /// Page names of the reps, in `playbook.books` order.
    pub rep_slugs: Vec<String>,
}

impl Site<'_> {
    pub fn rep_href(&self, owner: Option<&str>, root: &str) -> String {
        let owner = owner.unwrap_or("");
        self.ws
            .playbook
            .books
            .iter()
            .position(|b| b.owner == owner)
            .and_then(|i| self.rep_slugs.get(i))
            .map(|s| format!("{root}reps/{s}.html"))
            .unwrap_or_default()
    }

    pub fn client_href(&self, i: usize, root: &str) -> String {
        format!(
            "{root}clients/{}.html",
            self.slugs.get(i).map_or("", String::as_str)
        )
    }
}

#[derive(Serialize)]
pub struct Row {
    pub name: String,
    pub href: String,
    pub owner: String,
    pub owner_href: String,
    pub tier: &'static str,
    pub tier_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_detail: String,
    pub cadence: String,
    pub last_contact: String,
    pub next_due: String,
    pub days_overdue: i64,
    pub contacts_12m: u32,
    pub problems: bool,
}

fn tier_key(t: Option<Tier>) -> &'static str {
    t.map_or("none", Tier::as_str)
}

pub fn row(site: &Site<'_>, i: usize, root: &str) -> Option<Row> {
    let c = site.ws.clients.get(i)?;
    let s = site.ws.stats.get(i)?;
    let lang = site.lang;
    Some(Row {
        name: c.name.clone(),
        href: site.client_href(i, root),
        owner: c.owner.clone().unwrap_or_default(),
        owner_href: site.rep_href(c.owner.as_deref(), root),
        tier: tier_key(c.tier),
        tier_label: i18n::tier(lang, c.tier),
        status: s.status.as_str(),
        status_label: i18n::status(lang, s.status),
        status_detail: detail(lang, site.ws, s),
        cadence: s.cadence.to_string(),
        last_contact: s.last_contact.map(|d| d.to_string()).unwrap_or_default(),
        next_due: s.next_due.map(|d| d.to_string()).unwrap_or_default(),
        days_overdue: s.days_overdue,
        contacts_12m: s.contacts_12m,
        problems: site.has_problems.get(i).copied().unwrap_or(false),
    })
}

fn detail(lang: Lang, ws: &Workspace, s: &ClientStats) -> String {
    let to_due = s.next_due.map_or(0, |d| days_between(ws.today, d));
    i18n::status_detail(lang, s.status, s.days_overdue, to_due)
}

/// Most urgent first: overdue, due, never, ok; key clients first within each; then the
/// longest overdue, the soonest due, and the name.
pub fn urgency_order(ws: &Workspace) -> Vec<usize> {
    let tier_rank = |t: Option<Tier>| t.map_or(4, |t| t as u8);
    let mut keyed: Vec<_> = ws
        .clients
        .iter()
        .zip(&ws.stats)
        .enumerate()
        .map(|(i, (c, s))| {
            (
                (
                    s.status,
                    tier_rank(c.tier),
                    -s.days_overdue,
                    s.next_due,
                    c.name.as_str(),
                    c.id.as_str(),
                ),
                i,
            )
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, i)| i).collect()
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
}

const ATTENTION_ROWS: usize = 50;

pub fn dashboard(site: &Site<'_>) -> Dashboard {
    let ws = site.ws;
    let lang = site.lang;
    let t = |k| i18n::label(lang, k);
    let count = |st: Status| ws.stats.iter().filter(|s| s.status == st).count();
    let missed: usize = ws.stats.iter().map(|s| s.missed_followups.len()).sum();
    let cards = vec![
        Card {
            label: t("clients_total"),
            value: ws.clients.len().to_string(),
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
            value: ws.team.contacts_12m.to_string(),
            class: "",
        },
        Card {
            label: t("missed_followups"),
            value: missed.to_string(),
            class: if missed > 0 { "overdue" } else { "" },
        },
    ];
    let urgent: Vec<usize> = urgency_order(ws)
        .into_iter()
        .filter(|&i| {
            matches!(
                ws.stats.get(i).map(|s| s.status),
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

    let weekly: Vec<Bar> = ws
        .team
        .weekly
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let monday = ws
                .team
                .first_week
                .checked_add(jiff::Span::new().weeks(i as i64))
                .unwrap_or(ws.team.first_week);
            Bar {
                value: n,
                title: format!("{monday}: {n}"),
            }
        })
        .collect();
    let first_week = ws.team.first_week;
    let weekly_svg = charts::bar_chart(
        &site.frames,
        &BarChart {
            label: t("weekly_chart"),
            bars: &weekly,
            x_labels: &|i| {
                // Label the first week of each quarter-ish: every 13 weeks.
                (i % 13 == 0).then(|| {
                    first_week
                        .checked_add(jiff::Span::new().weeks(i as i64))
                        .map(|d| format!("{}-{:02}", d.year(), d.month()))
                        .unwrap_or_default()
                })
            },
            reference: None,
            size: (720, 200),
            bar_class: "bar",
        },
    );

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
    let kinds_svg = charts::mix_bar(
        t("kinds_chart"),
        &kinds_legend
            .iter()
            .map(|l| {
                (
                    l.class.clone(),
                    l.count,
                    format!("{}: {} ({})", l.label, l.count, l.share),
                )
            })
            .collect::<Vec<_>>(),
        (720, 28),
    );
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
    let status_svg = charts::mix_bar(
        t("status_chart"),
        &status_legend
            .iter()
            .map(|l| {
                (
                    l.class.clone(),
                    l.count,
                    format!("{}: {} ({})", l.label, l.count, l.share),
                )
            })
            .collect::<Vec<_>>(),
        (720, 28),
    );
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
    }
}

fn percent(n: u32, total: u32) -> String {
    if total == 0 {
        return "0%".into();
    }
    format!("{:.0}%", f64::from(n) * 100.0 / f64::from(total))
}

#[derive(Serialize)]
pub struct PersonView {
    pub name: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub title: String,
    pub gender: String,
    pub birthday: String,
    pub phone: String,
    pub wechat: String,
    pub email: String,
    pub family: String,
    pub likes: String,
    pub notes: String,
    pub extra: Vec<(String, String)>,
}

#[derive(Serialize)]
pub struct FollowUpView {
    pub date: String,
    pub text_html: String,
    pub missed: bool,
    pub line: usize,
}

#[derive(Serialize)]
pub struct DiagView {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: &'static str,
    pub severity_label: &'static str,
    pub message: String,
    pub help: String,
    pub source: String,
    /// Spaces before the caret and the caret itself, for a monospace snippet.
    pub caret_pad: String,
    pub caret: String,
}

pub fn diag_view(lang: Lang, d: &Diagnostic) -> DiagView {
    use unicode_width::UnicodeWidthStr;
    let width = |s: &str| s.width();
    let before: String = d.source.chars().take(d.column.saturating_sub(1)).collect();
    let under: String = d
        .source
        .chars()
        .skip(d.column.saturating_sub(1))
        .take(d.width)
        .collect();
    DiagView {
        file: d.file.clone(),
        line: d.line,
        column: d.column,
        severity: d.severity.as_str(),
        severity_label: i18n::label(lang, d.severity.as_str()),
        message: d.message.clone(),
        help: d.help.clone().unwrap_or_default(),
        source: d.source.clone(),
        caret_pad: " ".repeat(width(&before)),
        caret: "^".repeat(width(&under).max(1)),
    }
}

#[derive(Serialize)]
pub struct ClientPage {
    pub name: String,
    pub id: String,
    pub file: String,
    pub owner: String,
    pub owner_href: String,
    pub referred: Vec<(String, String)>,
    pub tier: &'static str,
    pub tier_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_detail: String,
    pub cadence: String,
    pub cadence_text: String,
    pub last_contact: String,
    pub last_contact_ago: String,
    pub next_due: String,
    pub contacts_12m: u32,
    pub since: String,
    pub tags: Vec<String>,
    pub referred_by: String,
    pub referred_by_href: String,
    pub referred_by_name: String,
    pub phone: String,
    pub wechat: String,
    pub email: String,
    pub address: String,
    pub masked: bool,
    pub revenue: Vec<(i32, String)>,
    pub extra: Vec<(String, String)>,
    #[serde(skip)]
    pub people: Vec<PersonView>,
    pub people_html: String,
    pub followups: Vec<FollowUpView>,
    /// The contact log as one `<ol>`: built here, not in the template, because a
    /// template loop over thousands of entries is the slowest part of a large build.
    pub log_html: String,
    pub entry_count: usize,
    pub profile_html: String,
    pub monthly_svg: String,
    pub monthly_first: String,
    pub monthly_last: String,
    pub expected_per_month: String,
    pub problems: Vec<DiagView>,
}

pub fn client_page(site: &Site<'_>, i: usize, diags: &[&Diagnostic]) -> Option<ClientPage> {
    let ws = site.ws;
    let lang = site.lang;
    let c: &Client = ws.clients.get(i)?;
    let s: &ClientStats = ws.stats.get(i)?;
    let privacy = &ws.config.privacy;
    let masked = !(privacy.phone && privacy.wechat && privacy.email && privacy.birth_year);
    let referrer = c.referred_by.as_deref().and_then(|r| ws.client_index(r));
    let first_month = month_start(ws.today, 23);
    let expected = 30.436875 / s.cadence.approx_days();
    let bars: Vec<Bar> = s
        .monthly
        .iter()
        .enumerate()
        .map(|(m, &n)| {
            let month = first_month
                .checked_add(jiff::Span::new().months(m as i64))
                .unwrap_or(first_month);
            Bar {
                value: n,
                title: format!("{}-{:02}: {n}", month.year(), month.month()),
            }
        })
        .collect();
    let expected_text = format!("{expected:.1}");
    let monthly_svg = charts::bar_chart(
        &site.frames,
        &BarChart {
            label: i18n::label(lang, "monthly_chart"),
            bars: &bars,
            x_labels: &|m| {
                (m % 3 == 0).then(|| {
                    first_month
                        .checked_add(jiff::Span::new().months(m as i64))
                        .map(|d| format!("{:02}-{:02}", d.year() % 100, d.month()))
                        .unwrap_or_default()
                })
            },
            reference: Some((
                expected,
                format!(
                    "{}: {expected_text}",
                    i18n::label(lang, "expected_per_month")
                ),
            )),
            size: (640, 200),
            bar_class: "bar",
        },
    );
    let field = |kind: &str, v: Option<&String>| {
        privacy::field(kind, v.map(String::as_str), privacy).unwrap_or_default()
    };
    let mut page = ClientPage {
        name: c.name.clone(),
        id: c.id.clone(),
        file: c.file.clone(),
        owner: c.owner.clone().unwrap_or_default(),
        owner_href: site.rep_href(c.owner.as_deref(), "../"),
        referred: ws
            .playbook
            .referred
            .get(i)
            .into_iter()
            .flatten()
            .filter_map(|&j| Some((ws.clients.get(j)?.name.clone(), site.client_href(j, "../"))))
            .collect(),
        tier: tier_key(c.tier),
        tier_label: i18n::tier(lang, c.tier),
        status: s.status.as_str(),
        status_label: i18n::status(lang, s.status),
        status_detail: detail(lang, ws, s),
        cadence: s.cadence.to_string(),
        cadence_text: i18n::cadence(lang, s.cadence),
        last_contact: s.last_contact.map(|d| d.to_string()).unwrap_or_default(),
        last_contact_ago: s
            .days_since_contact
            .map(|d| i18n::days_ago(lang, d))
            .unwrap_or_default(),
        next_due: s.next_due.map(|d| d.to_string()).unwrap_or_default(),
        contacts_12m: s.contacts_12m,
        since: c.since.map(|d| d.to_string()).unwrap_or_default(),
        tags: c.tags.clone(),
        referred_by: c.referred_by.clone().unwrap_or_default(),
        referred_by_href: referrer
            .map(|r| site.client_href(r, "../"))
            .unwrap_or_default(),
        referred_by_name: referrer
            .and_then(|r| ws.clients.get(r))
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        phone: field("phone", c.phone.as_ref()),
        wechat: field("wechat", c.wechat.as_ref()),
        email: field("email", c.email.as_ref()),
        address: c.address.clone().unwrap_or_default(),
        masked,
        revenue: c.revenue.iter().map(|(y, v)| (*y, money(*v))).collect(),
        extra: c.extra.clone(),
        people: c
            .people
            .iter()
            .map(|p| PersonView {
                name: p.name.clone(),
                role: p.role.map_or("none", |r| r.as_str()),
                role_label: i18n::role(lang, p.role),
                title: p.title.clone().unwrap_or_default(),
                gender: p.gender.clone().unwrap_or_default(),
                birthday: p
                    .birthday
                    .map(|b| privacy::birthday(b, privacy.birth_year))
                    .unwrap_or_default(),
                phone: field("phone", p.phone.as_ref()),
                wechat: field("wechat", p.wechat.as_ref()),
                email: field("email", p.email.as_ref()),
                family: p.family.clone().unwrap_or_default(),
                likes: p.likes.clone().unwrap_or_default(),
                notes: p.notes.clone().unwrap_or_default(),
                extra: p.extra.clone(),
            })
            .collect(),
        followups: s
            .open_followups
            .iter()
            .filter_map(|&f| c.followups.get(f))
            .map(|f| FollowUpView {
                date: f.date.to_string(),
                text_html: markdown::inline_html(&f.text),
                missed: f.date < ws.today,
                line: f.line,
            })
            .collect(),
        log_html: log_html(lang, c, ws.today),
        entry_count: c.entries.len(),
        people_html: String::new(),
        profile_html: markdown::to_html(&c.profile),
        monthly_svg,
        monthly_first: format!("{}-{:02}", first_month.year(), first_month.month()),
        monthly_last: format!("{}-{:02}", ws.today.year(), ws.today.month()),
        expected_per_month: expected_text,
        problems: diags.iter().map(|d| diag_view(lang, d)).collect(),
    };
    page.people_html = super::fragments::people_table(lang, &page.people);
    Some(page)
}

/// The contact log, newest first, as an ordered list of entries.
pub fn log_html(lang: Lang, c: &Client, today: crate::model::Date) -> String {
    use super::escape;
    use std::fmt::Write as _;
    let mut out =
        String::with_capacity(c.entries.iter().map(|e| e.body.len() + 200).sum::<usize>() + 32);
    out.push_str("<ol class=\"log\">\n");
    for e in &c.entries {
        let counts = e.kind.is_contact() && e.date <= today;
        let _ = write!(
            out,
            "<li class=\"entry{}\" id=\"l{}\">\n<h3><time datetime=\"{d}\">{d}</time> <span class=\"kind k-{}\">{}</span>",
            if counts { "" } else { " not-counted" },
            e.line,
            e.kind.as_str(),
            escape(i18n::kind(lang, e.kind)),
            d = e.date,
        );
        if !e.people.is_empty() {
            let _ = write!(
                out,
                " <span class=\"people\">@ {}</span>",
                escape(&e.people.join(", "))
            );
        }
        if !e.summary.is_empty() {
            let _ = write!(
                out,
                " <span class=\"summary\">{}</span>",
                markdown::inline_html(&e.summary)
            );
        }
        out.push_str("</h3>\n");
        if !e.body.trim().is_empty() {
            out.push_str("<div class=\"prose\">");
            out.push_str(&markdown::to_html(&e.body));
            out.push_str("</div>\n");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    out
}

/// `¥1,234,567` (whole yuan; cents are noise in a relationship report).
pub fn money(v: f64) -> String {
    let neg = v < 0.0;
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}¥{out}", if neg { "-" } else { "" })
}

#[derive(Serialize)]
pub struct ProblemFile {
    pub file: String,
    pub href: String,
    pub name: String,
    pub diags: Vec<DiagView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_format() {
        assert_eq!(money(1_200_000.0), "¥1,200,000");
        assert_eq!(money(999.4), "¥999");
        assert_eq!(money(-1234.0), "-¥1,234");
        assert_eq!(money(0.0), "¥0");
    }

    #[test]
    fn caret_under_wide_text() {
        let d = Diagnostic::error("a.md", "x").at(3, 15, 2, "## 2026-03-05 拜方 @王强");
        let v = diag_view(Lang::En, &d);
        assert_eq!(v.caret_pad.len(), 14);
        assert_eq!(v.caret, "^^^^");
    }
}
