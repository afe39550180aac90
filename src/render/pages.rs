//! What the pages share: the site being rendered (`Site`), one client as a table row
//! (`Row`), the urgency order, the client list, and diagnostics as shown. Every string
//! here is plain text (the templates escape it) except fields named `*_html` and
//! `*_svg`, which are produced by our own sanitising code.

use serde::Serialize;

use super::charts;
use super::i18n;
use crate::analyse::{ClientStats, days_between};
use crate::config::Lang;
use crate::diag::Diagnostic;
use crate::model::{Date, Tier};
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
    /// The kind whose rhythm `cadence`, `last_contact` and `next_due` are (empty for the
    /// plain "any contact" rhythm).
    pub rhythm_kind: &'static str,
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
    // Cadence, last contact and next due all from the rhythm the status comes from:
    // never one rhythm's cadence with another's due date.
    let g = s.governing();
    let every = g.map_or(s.cadence, |r| r.every);
    let last = g.map_or(s.last_contact, |r| r.last);
    let next_due = g.map_or(s.next_due, |r| r.next_due);
    let kind = g.and_then(|r| r.kind);
    let cadence = match kind {
        Some(k) => format!(
            "{} {}",
            i18n::kind(lang, k),
            super::format::cadence_short(lang, every)
        ),
        None => super::format::cadence_short(lang, every),
    };
    Some(Row {
        name: c.name.clone(),
        href: site.client_href(i, root),
        owner: c.owner.clone().unwrap_or_default(),
        owner_href: site.rep_href(c.owner.as_deref(), root),
        tier: tier_key(c.tier),
        tier_label: i18n::tier(lang, c.tier),
        status: s.status.as_str(),
        status_label: i18n::status(lang, s.status),
        status_detail: detail(lang, site.ws, s, next_due),
        rhythm_kind: kind.map(|k| i18n::kind(lang, k)).unwrap_or_default(),
        cadence,
        last_contact: last.map(|d| d.to_string()).unwrap_or_default(),
        next_due: next_due.map(|d| d.to_string()).unwrap_or_default(),
        days_overdue: s.days_overdue,
        contacts_12m: s.contacts_12m,
        problems: site.has_problems.get(i).copied().unwrap_or(false),
    })
}

fn detail(lang: Lang, ws: &Workspace, s: &ClientStats, next_due: Option<Date>) -> String {
    let to_due = next_due.map_or(0, |d| days_between(ws.today, d));
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

/// A row of the client list, with what its script filters and sorts on.
#[derive(Serialize)]
pub struct ListRow {
    #[serde(flatten)]
    pub row: Row,
    /// Lower-case text the search looks in: name, id, tags, people.
    pub search: String,
    /// Tags joined by `|`, for the tag filter.
    pub tags: String,
    /// Cadence in days, for sorting.
    pub cadence_days: u32,
}

/// The client list with what its filters offer.
#[derive(Serialize)]
pub struct ClientList {
    /// The rows as ready-made HTML (see `fragments::client_rows`).
    pub rows_html: String,
    #[serde(skip)]
    pub rows: Vec<ListRow>,
    pub count: usize,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
}

pub fn client_list(site: &Site<'_>, order: &[usize]) -> ClientList {
    let ws = site.ws;
    let owners: std::collections::BTreeSet<String> =
        ws.clients.iter().filter_map(|c| c.owner.clone()).collect();
    let tags: std::collections::BTreeSet<String> = ws
        .clients
        .iter()
        .flat_map(|c| c.tags.iter().cloned())
        .collect();
    let rows: Vec<ListRow> = order
        .iter()
        .filter_map(|&i| {
            let c = ws.clients.get(i)?;
            let mut search = format!("{} {} {}", c.name, c.id, c.tags.join(" "));
            for p in &c.people {
                search.push(' ');
                search.push_str(&p.name);
            }
            Some(ListRow {
                row: row(site, i, "")?,
                search: search.to_lowercase(),
                tags: c.tags.join("|"),
                cadence_days: ws.stats.get(i)?.cadence.approx_days().round() as u32,
            })
        })
        .collect();
    ClientList {
        rows_html: super::fragments::client_rows(site.lang, &rows),
        count: rows.len(),
        rows,
        owners: owners.into_iter().collect(),
        tags: tags.into_iter().collect(),
    }
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

/// A diagnostic for a page, personal data in its quoted line masked (`privacy`).
pub fn diag_view(lang: Lang, d: &Diagnostic, privacy: &crate::config::Privacy) -> DiagView {
    use unicode_width::UnicodeWidthStr;
    let d = &*super::privacy::diagnostic(d, privacy);
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
    fn caret_under_wide_text() {
        let d = Diagnostic::error("a.md", "x").at(3, 15, 2, "## 2026-03-05 拜方 @王强");
        let v = diag_view(Lang::En, &d, &crate::config::Privacy::default());
        assert_eq!(v.caret_pad.len(), 14);
        assert_eq!(v.caret, "^^^^");
    }
}
