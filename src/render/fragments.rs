//! Ready-made HTML for the repetitive parts of a client page (people, role map, moments,
//! deals, complaints). Built here rather than in a template loop: at 10,000 clients the
//! template engine's per-value lookups were the largest cost of a build. Every value is
//! escaped; the templates place these with `| safe`.

use std::fmt::Write as _;

use super::escape;
use super::format::{iso_text, short_time, time_text};
use super::i18n::label;
use super::views::{
    BirthdayView, ComplaintView, DealView, KeyRow, ListRow, MomentView, PersonView, RoleGroup, Row,
};
use crate::config::Lang;
use crate::model::Date;

/// A person's birthday cell: the day, or a lunar birthday's words with the Gregorian
/// day of its next time in brackets (`农历八月十五（9月25日）`).
fn birthday_cell(lang: Lang, p: &PersonView) -> String {
    if p.birthday_lunar.is_empty() {
        return time_text(lang, &p.birthday);
    }
    let mut out = escape(&p.birthday_lunar);
    if !p.birthday.is_empty() {
        let t = |k| escape(label(lang, k));
        let _ = write!(
            out,
            "{}{}{}",
            t("lp"),
            time_text(lang, &p.birthday),
            t("rp")
        );
    }
    out
}

pub fn people_table(lang: Lang, people: &[PersonView]) -> String {
    if people.is_empty() {
        return format!(
            "<p class=\"empty\">{}</p>\n",
            escape(label(lang, "no_people"))
        );
    }
    let t = |k| escape(label(lang, k));
    let mut out = String::with_capacity(600 + people.len() * 400);
    let _ = write!(
        out,
        "<div class=\"table-wrap\">\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        t("name"),
        t("role"),
        t("title"),
        t("birthday"),
        t("phone"),
        t("wechat"),
        t("notes")
    );
    for p in people {
        let _ = write!(out, "<tr><th scope=\"row\">{}", escape(&p.name));
        if !p.gender.is_empty() {
            let _ = write!(
                out,
                "<small>{}{}{}</small>",
                t("lp"),
                escape(&p.gender),
                t("rp")
            );
        }
        if !p.left.is_empty() {
            let _ = write!(out, "<br><small class=\"left\">{}</small>", escape(&p.left));
        }
        let _ = write!(
            out,
            "</th><td data-label=\"{}\"><span class=\"role r-{}\">{}</span></td><td data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td class=\"nowrap\" data-label=\"{}\">{}</td><td data-label=\"{}\">{}</td><td data-label=\"{}\">",
            t("role"),
            p.role,
            escape(p.role_label),
            t("title"),
            escape(&p.title),
            t("birthday"),
            birthday_cell(lang, p),
            t("phone"),
            escape(&p.phone),
            t("wechat"),
            escape(&p.wechat),
            t("notes")
        );
        let mut notes: Vec<String> = Vec::new();
        for (key, value) in [
            ("email", &p.email),
            ("likes", &p.likes),
            ("family", &p.family),
        ] {
            if !value.is_empty() {
                notes.push(format!("{}{}{}", t(key), t("colon"), escape(value)));
            }
        }
        if !p.notes.is_empty() {
            notes.push(escape(&p.notes));
        }
        notes.extend(
            p.extra
                .iter()
                .map(|(k, v)| format!("{}: {}", escape(k), escape(v))),
        );
        out.push_str(&notes.join("<br>"));
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

pub fn role_map(lang: Lang, groups: &[RoleGroup]) -> String {
    let mut out = String::from("<div class=\"rolemap\">\n");
    for g in groups {
        let _ = write!(
            out,
            "<div class=\"role-col r-{}\"><h3>{}</h3>",
            g.role,
            escape(g.title)
        );
        if g.people.is_empty() {
            let _ = write!(
                out,
                "<p class=\"empty\">{}</p>",
                escape(label(lang, "none_found"))
            );
        } else {
            out.push_str("<ul>");
            for p in &g.people {
                let when = if p.last_mentioned.is_empty() {
                    escape(label(lang, "never_mentioned"))
                } else {
                    escape(&iso_text(lang, &p.last_mentioned))
                };
                let _ = write!(out, "<li><b>{}</b>", escape(&p.name));
                if !p.left.is_empty() {
                    let _ = write!(out, " <small class=\"left\">{}</small>", escape(&p.left));
                }
                let _ = write!(
                    out,
                    "<br><small>{}{}{when}",
                    escape(label(lang, "last_mentioned")),
                    escape(label(lang, "colon")),
                );
                if !p.kinds.is_empty() {
                    let _ = write!(out, " · {}", escape(&p.kinds));
                }
                out.push_str("</small></li>");
            }
            out.push_str("</ul>");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
    out
}

pub fn moments_list(lang: Lang, moments: &[MomentView]) -> String {
    if moments.is_empty() {
        return format!(
            "<p class=\"empty\">{}</p>\n",
            escape(label(lang, "none_found"))
        );
    }
    let mut out = String::from("<ul class=\"moments\">");
    for m in moments {
        let _ = write!(
            out,
            "<li>{} <span class=\"moment m-{}\">{}</span> {}</li>",
            time_text(lang, &m.date),
            m.kind,
            escape(m.kind_label),
            escape(&m.what),
        );
    }
    out.push_str("</ul>\n");
    out
}

pub fn birthdays_list(lang: Lang, checks: &[BirthdayView]) -> String {
    if checks.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h3>{}</h3>\n<ul class=\"moments\">",
        escape(label(lang, "birthday_rate"))
    );
    for b in checks {
        let (class, word) = if b.greeted {
            ("s-ok", "greeted")
        } else {
            ("s-overdue", "thanks_missing")
        };
        let _ = write!(
            out,
            "<li>{} {} — <span class=\"status {class}\">{}</span></li>",
            time_text(lang, &b.date),
            escape(&b.person),
            escape(label(lang, word))
        );
    }
    out.push_str("</ul>\n");
    out
}

pub fn deals_table(lang: Lang, deals: &[DealView]) -> String {
    if deals.is_empty() {
        return format!(
            "<p class=\"empty\">{}</p>\n",
            escape(label(lang, "none_found"))
        );
    }
    let t = |k| escape(label(lang, k));
    let mut out = format!(
        "<table class=\"compact\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
        t("date"),
        t("amount"),
        t("touches"),
        t("thanks")
    );
    for d in deals {
        let thanks = if d.missing {
            format!(
                "<span class=\"status s-overdue\">{}</span>",
                escape(&d.thanks)
            )
        } else {
            escape(&d.thanks)
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\" data-label=\"{}\">{}</td><td class=\"num\" data-label=\"{}\">{}</td><td data-label=\"{}\">{thanks}</td></tr>",
            time_text(lang, &d.date),
            t("amount"),
            escape(&d.amount),
            t("touches"),
            d.touches,
            t("thanks")
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

pub fn complaints_list(lang: Lang, complaints: &[ComplaintView]) -> String {
    if complaints.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h3>{}</h3>\n<ul class=\"moments\">",
        escape(label(lang, "complaints"))
    );
    for x in complaints {
        let (days, resolved) = (x.days, &x.resolved);
        let _ = write!(out, "<li>{} ", time_text(lang, &x.date));
        if x.open {
            let _ = write!(
                out,
                "<span class=\"status s-overdue\">{}</span> {days} {}",
                escape(label(lang, "open_complaint")),
                escape(label(lang, "days_open"))
            );
        } else {
            let _ = write!(
                out,
                "<span class=\"status s-ok\">{}</span> {}{}{days}{}",
                escape(label(lang, "resolved")),
                time_text(lang, resolved),
                escape(label(lang, "lp")),
                escape(label(lang, "rp"))
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>\n");
    out
}

/// The cells a client row ends with in every list: tier, status, cadence, last contact,
/// next due, contacts in 12 months; `nl` goes after each cell.
/// The column names a row's cells carry (`data-label`, for phones), escaped once per
/// table rather than once per row.
struct TailLabels {
    tier: String,
    status: String,
    cadence: String,
    last: String,
    next: String,
    n12: String,
}

impl TailLabels {
    fn new(lang: Lang) -> TailLabels {
        let l = |k| escape(label(lang, k));
        TailLabels {
            tier: l("tier"),
            status: l("status"),
            cadence: l("cadence"),
            last: l("last_contact"),
            next: l("next_due"),
            n12: l("contacts_12m"),
        }
    }
}

fn row_tail(out: &mut String, lang: Lang, today: Date, labels: &TailLabels, r: &Row, nl: &str) {
    let TailLabels {
        tier: l_tier,
        status: l_status,
        cadence: l_cadence,
        last: l_last,
        next: l_next,
        n12: l_n12,
    } = labels;
    let _ = writeln!(
        out,
        "<td data-label=\"{l_tier}\"><span class=\"tier t-{}\">{}</span></td>{nl}<td data-label=\"{l_status}\"><span class=\"status s-{}\">{}</span></td>{nl}<td data-label=\"{l_cadence}\">{}</td>{nl}<td data-label=\"{l_last}\">{}</td>{nl}<td data-label=\"{l_next}\">{}</td>{nl}<td class=\"num\" data-label=\"{l_n12}\">{}</td>{nl}</tr>",
        r.tier,
        escape(r.tier_label),
        r.status,
        escape(&r.status_detail),
        escape(&r.cadence),
        short_time(lang, &r.last_contact, today),
        short_time(lang, &r.next_due, today),
        r.contacts_12m
    );
}

/// Writes a long table's rows one at a time, for a table too large to hold as rows
/// first: the labels every row repeats, escaped once.
pub trait RowWriter {
    type Row;
    /// About how long a row is, to make room for rows at once.
    const ROW_BYTES: usize;
    /// Row `r`, appended to `out`.
    fn row(&self, out: &mut String, r: &Self::Row);
}

/// `rows` as `w` writes them, one after another (a table's `rows_html`).
pub fn rows_html<W: RowWriter>(w: &W, rows: &[W::Row]) -> String {
    let mut out = String::with_capacity(rows.len() * W::ROW_BYTES);
    for r in rows {
        w.row(&mut out, r);
    }
    out
}

/// The rows of the client list (`clients.html`), with the `data-` attributes its script
/// filters and sorts on.
pub struct ClientRows {
    lang: Lang,
    today: Date,
    warn: String,
    owner: String,
    labels: TailLabels,
}

impl ClientRows {
    pub fn new(lang: Lang, today: Date) -> ClientRows {
        ClientRows {
            lang,
            today,
            warn: escape(label(lang, "problems_in_note")),
            owner: escape(label(lang, "owner")),
            labels: TailLabels::new(lang),
        }
    }
}

impl RowWriter for ClientRows {
    type Row = ListRow;
    const ROW_BYTES: usize = 700;

    fn row(&self, out: &mut String, l: &ListRow) {
        let r = &l.row;
        let _ = write!(
            out,
            "<tr data-s=\"{}\" data-tier=\"{}\" data-status=\"{}\" data-tags=\"{}\" data-cadence=\"{}\" data-followup=\"{}\">\n<th scope=\"row\"><a href=\"{}\">{}</a>",
            escape(&l.search),
            r.tier,
            r.status,
            escape(&l.tags),
            l.cadence_days,
            l.followup,
            escape(&r.href),
            escape(&r.name)
        );
        if r.problems {
            let _ = write!(
                out,
                " <span class=\"warn-dot\" title=\"{}\">!</span>",
                self.warn
            );
        }
        let _ = write!(
            out,
            "</th>\n<td data-label=\"{}\">{}</td>\n",
            self.owner,
            escape(&r.owner)
        );
        row_tail(out, self.lang, self.today, &self.labels, r, "\n");
    }
}

/// The moments of the calendar page (`calendar.html`), as
/// `partials/calendar_moments.html` makes them.
pub struct MomentRows {
    lang: Lang,
}

impl MomentRows {
    /// The moments' rows in `lang`.
    pub fn new(lang: Lang) -> MomentRows {
        MomentRows { lang }
    }
}

impl RowWriter for MomentRows {
    type Row = MomentView;
    const ROW_BYTES: usize = 300;

    fn row(&self, out: &mut String, m: &MomentView) {
        let _ = write!(
            out,
            "\n    <li>{} <span class=\"moment m-{}\">{}</span> {}",
            time_text(self.lang, &m.date),
            escape(m.kind),
            escape(m.kind_label),
            escape(&m.what),
        );
        if !m.href.is_empty() {
            let _ = write!(out, " · <a href=\"{}\">{}</a>", m.href, escape(&m.client));
        }
        out.push_str("</li>\n  ");
    }
}

/// The rows of the key clients' page (`key.html`), as `partials/key_rows.html` makes
/// them.
pub struct KeyRows {
    lang: Lang,
    today: Date,
    /// `cooling`, `owner`, `status`, `last_contact`, `last_dm_contact`, `none`,
    /// `revenue`, `revenue_change`, `trend`, `no_owner`.
    labels: [String; 10],
}

impl KeyRows {
    pub fn new(lang: Lang, today: Date) -> KeyRows {
        let keys = [
            "cooling",
            "owner",
            "status",
            "last_contact",
            "last_dm_contact",
            "none",
            "revenue",
            "revenue_change",
            "trend",
            "no_owner",
        ];
        KeyRows {
            lang,
            today,
            labels: keys.map(|k| escape(label(lang, k))),
        }
    }
}

impl RowWriter for KeyRows {
    type Row = KeyRow;
    /// Its status strip is most of a row.
    const ROW_BYTES: usize = 3000;

    fn row(&self, out: &mut String, k: &KeyRow) {
        let [
            cooling,
            owner,
            status,
            last,
            last_dm,
            none,
            revenue,
            change,
            trend,
            no_owner,
        ] = &self.labels;
        let r = &k.row;
        let _ = write!(
            out,
            "\n    <tr><th scope=\"row\"><a href=\"{}\">{}</a>",
            r.href,
            escape(&r.name)
        );
        if k.cooling {
            let _ = write!(out, " <span class=\"status s-due\">{cooling}</span>");
        }
        for f in &k.flags {
            let _ = write!(out, " <span class=\"status s-due\">{}</span>", escape(f));
        }
        let _ = write!(out, "</th><td data-label=\"{owner}\">");
        if r.owner_href.is_empty() {
            out.push_str(&escape(&r.owner));
        } else if r.owner.is_empty() {
            // The clients of no owner have a page too: a link named, not empty.
            let _ = write!(out, "<a href=\"{}\">{no_owner}</a>", r.owner_href);
        } else {
            let _ = write!(out, "<a href=\"{}\">{}</a>", r.owner_href, escape(&r.owner));
        }
        let dm = if k.last_dm.is_empty() {
            none.clone()
        } else {
            short_time(self.lang, &k.last_dm, self.today)
        };
        let _ = write!(
            out,
            "</td><td data-label=\"{status}\"><span class=\"status s-{}\">{}</span></td><td data-label=\"{last}\">{}</td><td data-label=\"{last_dm}\">{dm}</td><td class=\"num\" data-label=\"{revenue}\">{}</td><td class=\"num\" data-label=\"{change}\">{}</td><td data-label=\"{trend}\">{}</td></tr>\n  ",
            escape(r.status),
            escape(&r.status_detail),
            short_time(self.lang, &r.last_contact, self.today),
            escape(&k.revenue),
            escape(&k.revenue_change),
            k.trend_svg
        );
    }
}

/// The rows of a rep's client table.
pub fn rep_rows(lang: Lang, today: Date, rows: &[Row]) -> String {
    let mut out = String::with_capacity(rows.len() * 500);
    let labels = TailLabels::new(lang);
    for r in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
            escape(&r.href),
            escape(&r.name)
        );
        row_tail(&mut out, lang, today, &labels, r, "");
    }
    out
}
