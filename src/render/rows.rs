//! Clients as rows (`Row`, the same on every list and the client's page header), the
//! client list, and diagnostics as shown: views built from the report. Also how a long
//! table's rows are written into their page as they are made (`write_into_slot`).

use serde::Serialize;

use super::fragments::{ClientRows, RowWriter, rows_html};
use super::i18n;
use super::site::Site;
use super::views::{DiagView, ListRow, Row};
use crate::analyse::days_between;
use crate::config::Lang;
use crate::diag::Diagnostic;

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
    /// The rows as ready-made HTML (see `fragments::ClientRows`).
    pub rows_html: String,
    /// The rows themselves, for a user's `partials/client_rows.html` (added to the
    /// context only when the notes folder has templates of its own).
    #[serde(skip)]
    pub rows: Vec<ListRow>,
    pub count: usize,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
}

/// The client list, its rows in `order`, each held and also made into `rows_html`: for
/// a user's templates, which may loop over `rows`.
pub fn client_list(site: &Site<'_>, order: &[usize]) -> ClientList {
    let rows: Vec<ListRow> = order.iter().filter_map(|&i| list_row(site, i)).collect();
    let (owners, tags) = list_filters(site);
    ClientList {
        rows_html: rows_html(&ClientRows::new(site.lang, site.report.today), &rows),
        count: rows.len(),
        rows,
        owners,
        tags,
    }
}

/// What the embedded `clients.html` is rendered with: the client list without its rows,
/// `rows_html` being `ROWS_SLOT`, for `fill_rows` to fill in after Tera. A team's
/// rows are most of the page (8 MB at 10,000 clients); made straight into the page,
/// they are not held as rows, then as HTML, then as the template context's copy.
pub fn client_list_slotted(site: &Site<'_>, order: &[usize]) -> ClientList {
    let (owners, tags) = list_filters(site);
    ClientList {
        rows_html: ROWS_SLOT.to_string(),
        count: order.iter().filter(|&&i| listed(site, i)).count(),
        rows: Vec::new(),
        owners,
        tags,
    }
}

/// The mark an embedded page with a long table (`Renderer::streams`: the client list,
/// the key clients) is rendered with where its rows go. It cannot come from a note: everything a note says is escaped, and this
/// starts with `<`.
pub const ROWS_SLOT: &str = "<!--touchbase:client-rows-->";

/// `page` (rendered with `ROWS_SLOT` where its rows go) up to the slot, then the rows
/// `make` gives for `order` as `w` writes them, 64 KB at a time, then the rest of the
/// page: all through `write` (which takes whole characters, so it may rewrite them), as
/// they are made rather than held (the client list is 80 MB at 100,000 clients). A
/// page without the slot is written as it is when there are no rows to place. None
/// when the page is not UTF-8, or has rows to place and no slot; nothing is written
/// then.
pub fn write_into_slot<W, R: RowWriter>(
    page: &[u8],
    order: &[usize],
    out: &mut W,
    write: impl Fn(&mut W, &[u8]) -> std::io::Result<()>,
    w: &R,
    make: impl Fn(usize) -> Option<R::Row>,
) -> Option<std::io::Result<()>> {
    let row = |rows: &mut String, i| {
        if let Some(r) = make(i) {
            w.row(rows, &r);
        }
    };
    /// Rows are written when this many bytes of them have been made.
    const CHUNK: usize = 64 * 1024;
    let html = std::str::from_utf8(page).ok()?;
    let mut rows = String::with_capacity(CHUNK + 4 * R::ROW_BYTES);
    let Some(at) = html.find(ROWS_SLOT) else {
        // A page with no rows leaves its table out, and the slot with it (the key
        // clients' page of a team with none): the page is whole as it is.
        for &i in order {
            row(&mut rows, i);
            if !rows.is_empty() {
                return None;
            }
        }
        return Some(write(out, page));
    };
    let (head, tail) = (html.get(..at)?, html.get(at + ROWS_SLOT.len()..)?);
    let mut go = || {
        write(out, head.as_bytes())?;
        for &i in order {
            row(&mut rows, i);
            if rows.len() >= CHUNK {
                write(out, rows.as_bytes())?;
                rows.clear();
            }
        }
        write(out, rows.as_bytes())?;
        write(out, tail.as_bytes())
    };
    Some(go())
}

/// Client `i` has a row on the list (it has one exactly when it is in the report).
fn listed(site: &Site<'_>, i: usize) -> bool {
    site.ws.clients.get(i).is_some() && site.report.clients.contains(i)
}

/// The owners and the tags the list's filters offer.
fn list_filters(site: &Site<'_>) -> (Vec<String>, Vec<String>) {
    let ws = site.ws;
    let owners: std::collections::BTreeSet<String> =
        ws.clients.iter().filter_map(|c| c.owner.clone()).collect();
    let tags: std::collections::BTreeSet<String> = ws
        .clients
        .iter()
        .flat_map(|c| c.tags.iter().cloned())
        .collect();
    (owners.into_iter().collect(), tags.into_iter().collect())
}

/// Client `i`'s row on the list.
pub fn list_row(site: &Site<'_>, i: usize) -> Option<ListRow> {
    let c = site.ws.clients.get(i)?;
    let report = site.report.clients.get(i)?;
    let mut search = format!("{} {} {}", c.name, c.id, c.tags.join(" "));
    for p in &c.people {
        search.push(' ');
        search.push_str(&p.name);
    }
    Some(ListRow {
        row: row(site, i, "")?,
        search: search.to_lowercase(),
        tags: c.tags.join("|"),
        cadence_days: report.standing.cadence.approx_days().round() as u32,
        followup: if report.open_followups.iter().any(|f| f.missed) {
            "missed"
        } else {
            ""
        },
    })
}

/// A diagnostic for a page, personal data in its quoted line masked (`privacy`), then
/// its message and hint in `lang`.
pub fn diag_view(lang: Lang, d: &Diagnostic, privacy: &crate::config::Privacy) -> DiagView {
    use unicode_width::UnicodeWidthStr;
    let masked = super::privacy::diagnostic(d, privacy);
    let d = &*crate::diag_zh::localize(lang, &masked);
    let width = |s: &str| s.width();
    let before: String = d
        .source
        .chars()
        .take(d.source_column().saturating_sub(1))
        .collect();
    let under: String = d
        .source
        .chars()
        .skip(d.source_column().saturating_sub(1))
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
