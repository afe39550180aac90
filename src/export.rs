//! Export: the analysed model as JSON, for scripts and dashboards of one's own.
//!
//! The shape is a contract (docs/cli.md): field names only ever get added.
//! Personal contact fields (phones, WeChat, e-mail, birthdays) are never exported.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::workspace::Workspace;

#[derive(Serialize)]
struct Export<'a> {
    today: String,
    clients: Vec<ClientOut<'a>>,
    diagnostics: Vec<DiagOut<'a>>,
}

#[derive(Serialize)]
struct ClientOut<'a> {
    id: &'a str,
    name: &'a str,
    file: &'a str,
    owner: Option<&'a str>,
    tier: Option<&'static str>,
    cadence: String,
    last_contact: Option<String>,
    next_due: Option<String>,
    days_since_contact: Option<i64>,
    status: &'static str,
    days_overdue: i64,
    contacts_12m: u32,
    since: Option<String>,
    tags: &'a [String],
    referred_by: Option<&'a str>,
    entries: Vec<EntryOut<'a>>,
    open_followups: Vec<FollowUpOut<'a>>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    date: String,
    kind: &'static str,
    people: &'a [String],
    summary: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct FollowUpOut<'a> {
    date: String,
    text: &'a str,
    line: usize,
    missed: bool,
}

#[derive(Serialize)]
struct DiagOut<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

fn diag_out(d: &Diagnostic) -> DiagOut<'_> {
    DiagOut {
        file: &d.file,
        line: d.line,
        column: d.column,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
    }
}

/// The whole workspace as pretty-printed JSON.
pub fn to_json(ws: &Workspace) -> String {
    let clients = ws
        .clients
        .iter()
        .zip(&ws.stats)
        .map(|(c, s)| ClientOut {
            id: &c.id,
            name: &c.name,
            file: &c.file,
            owner: c.owner.as_deref(),
            tier: c.tier.map(|t| t.as_str()),
            cadence: s.cadence.to_string(),
            last_contact: s.last_contact.map(|d| d.to_string()),
            next_due: s.next_due.map(|d| d.to_string()),
            days_since_contact: s.days_since_contact,
            status: s.status.as_str(),
            days_overdue: s.days_overdue,
            contacts_12m: s.contacts_12m,
            since: c.since.map(|d| d.to_string()),
            tags: &c.tags,
            referred_by: c.referred_by.as_deref(),
            entries: c
                .entries
                .iter()
                .map(|e| EntryOut {
                    date: e.date.to_string(),
                    kind: e.kind.as_str(),
                    people: &e.people,
                    summary: &e.summary,
                    line: e.line,
                })
                .collect(),
            open_followups: s
                .open_followups
                .iter()
                .filter_map(|&i| c.followups.get(i))
                .map(|f| FollowUpOut {
                    date: f.date.to_string(),
                    text: &f.text,
                    line: f.line,
                    missed: f.date < ws.today,
                })
                .collect(),
        })
        .collect();
    let export = Export {
        today: ws.today.to_string(),
        clients,
        diagnostics: ws.diags.iter().map(diag_out).collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&export).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
