//! The morning list (`touchbase due`): from the report, what needs doing in the next
//! days — clients overdue and due (worst first, key clients first), follow-ups due today
//! or missed, birthdays, anniversaries and dates, and holidays with who still needs a
//! greeting — as a terminal table, JSON or CSV.

use std::io::{self, Write};

use serde::Serialize;

use crate::analyse::moments::MomentKind;
use crate::config::Lang;
use crate::model::Date;
use crate::render::i18n::label;
use crate::report::{ClientReport, MomentReport, Report};

#[derive(Serialize)]
pub struct Due<'a> {
    #[serde(serialize_with = "iso")]
    pub today: Date,
    pub days: i64,
    pub clients: Vec<DueClient<'a>>,
    pub followups: Vec<DueFollowup<'a>>,
    pub moments: Vec<DueMoment<'a>>,
    pub greetings: Vec<DueGreeting<'a>>,
}

fn iso<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

#[derive(Serialize)]
pub struct DueClient<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub owner: Option<&'a str>,
    pub tier: Option<&'static str>,
    pub status: &'static str,
    pub rhythm: &'static str,
    pub next_due: Option<String>,
    pub days_overdue: i64,
    pub last_contact: Option<String>,
}

#[derive(Serialize)]
pub struct DueFollowup<'a> {
    pub client: &'a str,
    pub name: &'a str,
    pub date: String,
    pub text: &'a str,
    /// Days past its date (0 when due today).
    pub days_late: i64,
    pub file: &'a str,
    pub line: usize,
}

#[derive(Serialize)]
pub struct DueMoment<'a> {
    pub date: String,
    /// `birthday`, `anniversary`, `holiday` or a `dates:` item's text.
    pub what: &'a str,
    pub client: Option<&'a str>,
    pub client_name: Option<&'a str>,
    pub name: Option<&'a str>,
    /// A lunar birthday's or date's lunar day (`08-15`, `闰04-15`), as in the export.
    pub lunar: Option<String>,
    #[serde(skip)]
    pub lunar_day: Option<crate::model::LunarDay>,
}

#[derive(Serialize)]
pub struct DueGreeting<'a> {
    pub holiday: &'a str,
    pub date: String,
    /// Clients still to greet: ids and names.
    pub clients: Vec<(&'a str, &'a str)>,
}

fn status_rank(s: &str) -> u8 {
    match s {
        "overdue" => 0,
        "never" => 1,
        _ => 2,
    }
}

/// The list of the next `days` days (today included).
pub fn due<'a>(report: &'a Report<'a>, days: i64) -> Due<'a> {
    let today = report.today;
    let horizon = today
        .checked_add(jiff::Span::new().days(days.max(0)))
        .unwrap_or(today);
    let mut clients: Vec<ClientReport<'_>> = report
        .clients
        .iter()
        .filter(|c| matches!(c.status, "overdue" | "due"))
        .collect();
    clients.sort_by(|a, b| {
        (
            status_rank(a.status),
            a.tier != Some("key"),
            -a.days_overdue,
            a.next_due,
            a.name,
        )
            .cmp(&(
                status_rank(b.status),
                b.tier != Some("key"),
                -b.days_overdue,
                b.next_due,
                b.name,
            ))
    });
    let mut followups: Vec<DueFollowup<'_>> = report
        .clients
        .iter()
        .flat_map(|c| {
            c.open_followups
                .iter()
                .filter(move |f| f.date <= today)
                .map(move |f| DueFollowup {
                    client: c.id,
                    name: c.name,
                    date: f.date.to_string(),
                    text: f.text,
                    days_late: crate::analyse::days_between(f.date, today),
                    file: c.file,
                    line: f.line,
                })
        })
        .collect();
    followups.sort_by(|a, b| (b.days_late, a.client, a.line).cmp(&(a.days_late, b.client, b.line)));
    let client = |m: &MomentReport<'_>| m.client_index.and_then(|i| report.clients.get(i));
    let moments = report
        .upcoming
        .iter()
        .filter(|m| m.date <= horizon && m.kind != MomentKind::Holiday)
        .map(|m| DueMoment {
            date: m.date.to_string(),
            what: m.what,
            client: m.client,
            client_name: client(m).map(|c| c.name),
            name: m.name,
            lunar: m.lunar.map(|d| d.code()),
            lunar_day: m.lunar,
        })
        .collect();
    let greetings = report
        .greetings
        .iter()
        .filter(|g| g.date <= horizon)
        .map(|g| DueGreeting {
            holiday: g.name,
            date: g.date.to_string(),
            clients: g
                .to_greet_index
                .iter()
                .filter_map(|&i| report.clients.get(i))
                .map(|c| (c.id, c.name))
                .collect(),
        })
        .collect();
    Due {
        today,
        days,
        clients: clients
            .into_iter()
            .map(|c| DueClient {
                id: c.id,
                name: c.name,
                owner: c.owner,
                tier: c.tier,
                status: c.status,
                rhythm: c.rhythm,
                next_due: c.next_due.map(|d| d.to_string()),
                days_overdue: c.days_overdue,
                last_contact: c.last_contact.map(|d| d.to_string()),
            })
            .collect(),
        followups,
        moments,
        greetings,
    }
}

pub fn write_json<W: Write>(due: &Due<'_>, out: W) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, due).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// One row per item: `section, date, client, name, what, detail`.
pub fn write_csv<W: Write>(due: &Due<'_>, out: W) -> io::Result<()> {
    let mut w = super::csv::CsvWriter::new(io::BufWriter::new(out), false)?;
    w.record(&["section", "date", "client", "name", "what", "detail"])?;
    for c in &due.clients {
        w.record(&[
            "client",
            c.next_due.as_deref().unwrap_or(""),
            c.id,
            c.name,
            c.status,
            &c.days_overdue.to_string(),
        ])?;
    }
    for f in &due.followups {
        w.record(&[
            "followup",
            &f.date,
            f.client,
            f.name,
            f.text,
            &f.days_late.to_string(),
        ])?;
    }
    for m in &due.moments {
        w.record(&[
            "moment",
            &m.date,
            m.client.unwrap_or(""),
            m.client_name.unwrap_or(""),
            m.what,
            m.name.unwrap_or(""),
        ])?;
    }
    for g in &due.greetings {
        for (id, name) in &g.clients {
            w.record(&["greeting", &g.date, id, name, "holiday", g.holiday])?;
        }
    }
    w.into_inner().flush()
}

/// For a terminal: sections with headings; colours only when `color`.
pub fn write_table<W: Write>(due: &Due<'_>, lang: Lang, color: bool, out: W) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let t = |k| label(lang, k);
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    let days_word = |n: i64| match lang {
        Lang::Zh => format!("{n} 天"),
        Lang::En if n == 1 => "1 day".to_string(),
        Lang::En => format!("{n} days"),
    };
    // Phrasing and word order differ: "3 days late", "逾期 3 天".
    let late = |n: i64| match lang {
        Lang::Zh => format!("{} {n} 天", t("due_late")),
        Lang::En => format!("{} {}", days_word(n), t("due_late")),
    };
    let mut empty = true;
    if !due.clients.is_empty() {
        empty = false;
        writeln!(out, "{}", paint("1", t("due_clients")))?;
        for c in &due.clients {
            let (mark, detail) = if c.status == "overdue" {
                (paint("31", t("overdue")), late(c.days_overdue))
            } else {
                (
                    paint("33", t("due")),
                    format!("{} {}", t("due_by"), c.next_due.as_deref().unwrap_or("")),
                )
            };
            let key = if c.tier == Some("key") {
                format!(" {}", paint("1", "★"))
            } else {
                String::new()
            };
            writeln!(
                out,
                "  {mark}{colon}{}{key} · {detail}{}",
                clean(c.name),
                c.owner
                    .map(|o| format!(" · {}", clean(o)))
                    .unwrap_or_default()
            )?;
        }
    }
    if !due.followups.is_empty() {
        empty = false;
        writeln!(out, "{}", paint("1", t("followups")))?;
        for f in &due.followups {
            let when = if f.days_late > 0 {
                paint("31", &late(f.days_late))
            } else {
                paint("33", t("due_today"))
            };
            let (open, close) = if lang == Lang::Zh {
                ("（", "）")
            } else {
                (" (", ")")
            };
            writeln!(
                out,
                "  {} {}{colon}{}{open}{when}{close}",
                f.date,
                clean(f.name),
                clean(f.text)
            )?;
        }
    }
    if !due.moments.is_empty() {
        empty = false;
        writeln!(out, "{}", paint("1", t("moments")))?;
        for m in &due.moments {
            let what = match m.what {
                "birthday" => format!("{} {}", t("moment_birthday"), clean(m.name.unwrap_or(""))),
                "anniversary" => t("moment_anniversary").to_string(),
                other => clean(other),
            };
            let lunar = m
                .lunar_day
                .map(|d| {
                    crate::render::i18n::paren(lang, &crate::render::format::lunar_day(lang, d))
                })
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {what}{lunar}{}",
                m.date,
                m.client_name
                    .map(|n| format!(" · {}", clean(n)))
                    .unwrap_or_default()
            )?;
        }
    }
    for g in &due.greetings {
        empty = false;
        let name = clean(g.holiday);
        writeln!(out, "{}", paint("1", &format!("{name} {}", g.date)))?;
        if g.clients.is_empty() {
            writeln!(out, "  {}", t("due_all_greeted"))?;
        } else {
            let names: Vec<String> = g.clients.iter().map(|(_, n)| clean(n)).collect();
            writeln!(out, "  {}{colon}{}", t("due_to_greet"), names.join(", "))?;
        }
    }
    if empty {
        writeln!(out, "{}", t("due_nothing"))?;
    }
    out.flush()
}

/// Text from a note, safe for a terminal: control characters shown, never sent.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}
