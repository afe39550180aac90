//! What the pages share: the site being rendered (`Site`), one client as a table row
//! (`Row`), the urgency order, the client list, and diagnostics as shown. Every string
//! here is plain text (the templates escape it) except fields named `*_html` and
//! `*_svg`, which are produced by our own sanitising code.

use serde::Serialize;

use super::charts;
use super::i18n;
use super::views::{DiagView, ListRow, Row};
use crate::analyse::days_between;
use crate::config::Lang;
use crate::diag::Diagnostic;
use crate::report::Report;
use crate::workspace::Workspace;

/// What every page needs to link and label things.
pub struct Site<'a> {
    pub ws: &'a Workspace,
    /// The one analysed value: every figure a page shows comes from it.
    pub report: &'a Report<'a>,
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

    /// A rep as the pages name them: the owner as written, or "no owner".
    pub fn rep_name(&self, owner: &str) -> String {
        if owner.is_empty() {
            i18n::label(self.lang, "no_owner").to_string()
        } else {
            owner.to_string()
        }
    }

    pub fn client_href(&self, i: usize, root: &str) -> String {
        format!(
            "{root}clients/{}.html",
            self.slugs.get(i).map_or("", String::as_str)
        )
    }
}

pub fn row(site: &Site<'_>, i: usize, root: &str) -> Option<Row> {
    let c = site.report.clients.get(i)?;
    let lang = site.lang;
    // Cadence, last contact and next due all from the rhythm the status comes from
    // (the report's): never one rhythm's cadence with another's due date.
    let every = c.standing.every;
    let next_due = c.next_due;
    let kind = c.standing.kind;
    let cadence = match kind {
        Some(k) => format!(
            "{} {}",
            i18n::kind(lang, k),
            super::format::cadence_short(lang, every)
        ),
        None => super::format::cadence_short(lang, every),
    };
    Some(Row {
        name: c.name.to_string(),
        href: site.client_href(i, root),
        owner: c.owner.unwrap_or_default().to_string(),
        owner_href: site.rep_href(c.owner, root),
        tier: c.tier.unwrap_or("none"),
        tier_label: i18n::tier(lang, c.standing.tier),
        status: c.status,
        status_label: i18n::status(lang, c.standing.status),
        status_detail: i18n::status_detail(
            lang,
            c.standing.status,
            c.days_overdue,
            next_due.map_or(0, |d| days_between(site.report.today, d)),
        ),
        rhythm_kind: kind.map(|k| i18n::kind(lang, k)).unwrap_or_default(),
        cadence,
        last_contact: c.last_contact.map(|d| d.to_string()).unwrap_or_default(),
        next_due: next_due.map(|d| d.to_string()).unwrap_or_default(),
        days_overdue: c.days_overdue,
        contacts_12m: c.contacts_12m,
        problems: site.has_problems.get(i).copied().unwrap_or(false),
    })
}

/// The client list with what its filters offer.
#[derive(Serialize)]
pub struct ClientList {
    /// The rows as ready-made HTML (see `fragments::client_rows`).
    pub rows_html: String,
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
                cadence_days: site
                    .report
                    .clients
                    .get(i)?
                    .standing
                    .cadence
                    .approx_days()
                    .round() as u32,
            })
        })
        .collect();
    ClientList {
        rows_html: super::fragments::client_rows(site.lang, &rows),
        count: rows.len(),
        owners: owners.into_iter().collect(),
        tags: tags.into_iter().collect(),
    }
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
