//! Export: the analysed model as JSON, for scripts and dashboards of one's own.
//!
//! The shape is a contract (docs/cli.md): field names only ever get added.
//! Personal contact fields (phones, WeChat, e-mail, birthdays) are never exported, and
//! what a diagnostic quotes of them is masked as on the site (`render::privacy`).

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::workspace::Workspace;

#[derive(Serialize)]
struct Export<'a> {
    today: String,
    clients: Vec<ClientOut<'a>>,
    upcoming: Vec<MomentOut<'a>>,
    pareto: Option<ParetoOut>,
    diagnostics: Vec<DiagOut<'a>>,
}

#[derive(Serialize)]
struct MomentOut<'a> {
    date: String,
    /// `birthday`, `anniversary`, `holiday`, or the text of a `dates:` item.
    what: &'a str,
    /// The client's id (null for holidays).
    client: Option<&'a str>,
    /// The person (birthdays) or the holiday's name.
    name: Option<&'a str>,
    years: Option<i16>,
}

#[derive(Serialize)]
struct ParetoOut {
    year: i32,
    top20_share: f64,
    clients: usize,
    top20_clients: usize,
    total: f64,
}

#[derive(Serialize)]
struct DealOut {
    date: String,
    amount: Option<f64>,
    touches: u32,
    line: usize,
    thanked: Option<String>,
    thanks_missing: bool,
}

#[derive(Serialize)]
struct ComplaintOut {
    date: String,
    resolved: Option<String>,
    line: usize,
    days: i64,
}

#[derive(Serialize)]
struct PersonOut<'a> {
    name: &'a str,
    role: Option<&'static str>,
    last_mentioned: Option<String>,
    last_contacted: Option<String>,
    kinds: Vec<&'static str>,
}

#[derive(Serialize)]
struct CadenceOut {
    kind: &'static str,
    every: String,
    last: Option<String>,
    next_due: Option<String>,
    status: &'static str,
    days_overdue: i64,
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
    cadences: Vec<CadenceOut>,
    people: Vec<PersonOut<'a>>,
    no_decision_maker: bool,
    stale_decision_makers: &'a [String],
    deals: Vec<DealOut>,
    complaints: Vec<ComplaintOut>,
    latest_feedback_score: Option<f64>,
    cooling: bool,
    given_up_early: bool,
    margin: Option<f64>,
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
    message: String,
    help: Option<String>,
}

/// A diagnostic as exported: what it quotes of a private value masked, as on the site.
fn diag_out<'a>(d: &'a Diagnostic, privacy: &crate::config::Privacy) -> DiagOut<'a> {
    let masked = crate::render::privacy::diagnostic(d, privacy);
    DiagOut {
        file: &d.file,
        line: d.line,
        column: d.column,
        severity: d.severity.as_str(),
        message: masked.message.clone(),
        help: masked.help.clone(),
    }
}

/// The whole workspace as pretty-printed JSON.
pub fn to_json(ws: &Workspace) -> String {
    let pb = &ws.playbook;
    let date = |d: crate::model::Date| d.to_string();
    let clients = ws
        .clients
        .iter()
        .zip(&ws.stats)
        .enumerate()
        .map(|(i, (c, s))| ClientOut {
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
            cadences: s
                .rhythms
                .iter()
                .map(|r| CadenceOut {
                    kind: r.kind.map_or("any", |k| k.as_str()),
                    every: r.every.to_string(),
                    last: r.last.map(date),
                    next_due: r.next_due.map(date),
                    status: r.status.as_str(),
                    days_overdue: r.days_overdue,
                })
                .collect(),
            people: pb
                .people
                .get(i)
                .map(|p| {
                    p.people
                        .iter()
                        .map(|p| PersonOut {
                            name: &p.name,
                            role: p.role.map(|r| r.as_str()),
                            last_mentioned: p.last_mentioned.map(date),
                            last_contacted: p.last_contacted.map(date),
                            kinds: p.kinds.iter().map(|k| k.as_str()).collect(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            no_decision_maker: pb.people.get(i).is_some_and(|p| p.no_decision_maker),
            stale_decision_makers: pb
                .people
                .get(i)
                .map_or(&[][..], |p| &p.stale_decision_makers[..]),
            deals: pb
                .deals
                .get(i)
                .map(|ds| {
                    ds.iter()
                        .map(|d| DealOut {
                            date: date(d.date),
                            amount: d.amount,
                            touches: d.touches,
                            line: d.line,
                            thanked: d.thanked.map(date),
                            thanks_missing: d.thanks_missing,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            complaints: pb
                .complaints
                .get(i)
                .map(|cs| {
                    cs.iter()
                        .map(|c| ComplaintOut {
                            date: date(c.date),
                            resolved: c.resolved.map(date),
                            line: c.line,
                            days: c.days,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            latest_feedback_score: pb.scores.get(i).copied().flatten().map(|s| s.1),
            cooling: pb.is_cooling.get(i).copied().unwrap_or(false),
            given_up_early: pb.given_up.get(i).copied().unwrap_or(false),
            margin: c.margin,
        })
        .collect();
    let upcoming = pb
        .upcoming
        .iter()
        .map(|m| {
            use crate::analyse::moments::MomentKind;
            let client = m.client.and_then(|i| ws.clients.get(i));
            let (what, name) = match m.kind {
                MomentKind::Birthday => ("birthday", Some(m.what.as_str())),
                MomentKind::Anniversary => ("anniversary", None),
                MomentKind::Holiday => ("holiday", Some(m.what.as_str())),
                MomentKind::Date => (m.what.as_str(), None),
            };
            // A birthday's age would reveal the birth year, which is masked by default.
            let years = m
                .years
                .filter(|_| m.kind != MomentKind::Birthday || ws.config.privacy.birth_year);
            MomentOut {
                date: date(m.date),
                what,
                client: client.map(|c| c.id.as_str()),
                name,
                years,
            }
        })
        .collect();
    let pareto = pb.pareto.as_ref().map(|p| ParetoOut {
        year: p.year,
        top20_share: (p.top20_share * 10_000.0).round() / 10_000.0,
        clients: p.ranked.len(),
        top20_clients: p.top20_count,
        total: p.total,
    });
    let export = Export {
        today: ws.today.to_string(),
        clients,
        upcoming,
        pareto,
        diagnostics: ws
            .diags
            .iter()
            .map(|d| diag_out(d, &ws.config.privacy))
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&export).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
