//! Views: the data each page is rendered from, plain values and nothing else. Built by
//! the page modules (`rows`, `dashboard`, `client`, …) from the report; read by the HTML
//! writers (`fragments`) and the templates. This module depends on nothing in `render/`,
//! so writers can depend on views and never the reverse. Strings are plain text (the
//! writers and templates escape them) except fields named `*_html` and `*_svg`.

use serde::Serialize;

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
    /// `missed` when a follow-up is past its day, for the follow-up filter.
    pub followup: &'static str,
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

#[derive(Serialize)]
pub struct ProblemFile {
    pub file: String,
    pub href: String,
    pub name: String,
    pub diags: Vec<DiagView>,
}

#[derive(Serialize)]
pub struct PersonView {
    pub name: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub title: String,
    pub gender: String,
    /// ISO: the birth date (`04-08` with its year masked or unknown); for a lunar
    /// birthday, the Gregorian day of its next time.
    pub birthday: String,
    /// A lunar birthday in words (`农历八月十五`, `lunar 8/15`); empty for others.
    pub birthday_lunar: String,
    pub phone: String,
    pub wechat: String,
    pub email: String,
    pub family: String,
    pub likes: String,
    pub notes: String,
    /// As `RolePerson::left`.
    pub left: String,
    pub extra: Vec<(String, String)>,
}

#[derive(Serialize)]
pub struct FollowUpView {
    pub date: String,
    pub text_html: String,
    pub missed: bool,
    pub line: usize,
    /// How late, when missed ("3 days overdue").
    pub late: String,
}

#[derive(Serialize)]
pub struct RoleGroup {
    pub title: &'static str,
    pub role: &'static str,
    pub people: Vec<RolePerson>,
}

#[derive(Serialize)]
pub struct RolePerson {
    pub name: String,
    /// ISO date, empty when never mentioned.
    pub last_mentioned: String,
    /// The kinds of contact they were mentioned in, in words, joined by ` · `.
    pub kinds: String,
    /// "left 1 Oct 2026 · successor 李娜" (empty while they are there).
    pub left: String,
}

/// A birthday of the last 12 months and whether it was greeted.
#[derive(Serialize)]
pub struct BirthdayView {
    pub date: String,
    pub person: String,
    pub greeted: bool,
}

/// A complaint, newest first.
#[derive(Serialize)]
pub struct ComplaintView {
    pub date: String,
    /// ISO date, empty while open.
    pub resolved: String,
    pub days: i64,
    pub open: bool,
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

/// A key client's row: the list's row, and what the key page adds.
#[derive(Serialize)]
pub struct KeyRow {
    #[serde(flatten)]
    pub row: Row,
    pub cooling: bool,
    pub last_dm: String,
    pub revenue: String,
    pub revenue_change: String,
    pub trend_svg: String,
    /// Its flags, in short words.
    pub flags: Vec<&'static str>,
}
