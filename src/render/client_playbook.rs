//! One client's view of the relationship practices: flags, rhythms, role map, moments,
//! deals and complaints.

use serde::Serialize;

use super::format::money;
use super::fragments;
use super::i18n::{self, label};
use super::relationship_checks::moment_view;
use super::site::Site;
use super::views::{
    BirthdayView, ComplaintView, DealView, MomentView, RhythmView, RoleGroup, RolePerson,
};
use crate::analyse::days_between;
use crate::analyse::revenue::Drift;
use crate::model::Role;

/// A client's own view of the practices.
#[derive(Serialize)]
pub struct ClientPlaybook {
    #[serde(skip)]
    pub roles: Vec<RoleGroup>,
    pub rhythms: Vec<RhythmView>,
    #[serde(skip)]
    pub moments: Vec<MomentView>,
    #[serde(skip)]
    pub birthdays: Vec<BirthdayView>,
    #[serde(skip)]
    pub deals: Vec<DealView>,
    #[serde(skip)]
    pub complaints: Vec<ComplaintView>,
    /// The lists above as ready-made HTML (see `fragments`).
    pub roles_html: String,
    pub moments_html: String,
    pub deals_html: String,
    pub complaints_html: String,
    pub score: String,
    pub flags: Vec<String>,
    /// "Lost on 30 Sep 2026 · 价格" (empty unless lost).
    pub lost: String,
    /// Promises kept, and contacts the client started, in words.
    pub promises: String,
    pub inbound: String,
}

pub fn client(site: &Site<'_>, i: usize) -> Option<ClientPlaybook> {
    let ws = site.ws;
    let pb = &ws.playbook;
    let lang = site.lang;
    let c = ws.clients.get(i)?;
    let s = ws.stats.get(i)?;
    let people = pb.people.get(i)?;
    let group =
        |title: &'static str, role: &'static str, pick: &dyn Fn(Option<Role>) -> bool| RoleGroup {
            title: label(lang, title),
            role,
            people: people
                .people
                .iter()
                .filter(|p| pick(p.role))
                .map(|p| {
                    let kinds = p
                        .kinds
                        .iter()
                        .map(|k| i18n::kind(lang, *k))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    RolePerson {
                        left: c
                            .people
                            .iter()
                            .find(|q| q.name == p.name)
                            .map(|q| left_text(lang, q, ws.today))
                            .unwrap_or_default(),
                        name: p.name.clone(),
                        last_mentioned: p.last_mentioned.map(|d| d.to_string()).unwrap_or_default(),
                        kinds,
                    }
                })
                .collect(),
        };
    let roles = vec![
        group("decision_makers", "decision-maker", &|r| {
            r == Some(Role::DecisionMaker)
        }),
        group("influencers", "influencer", &|r| {
            r == Some(Role::Influencer)
        }),
        group("users", "user", &|r| {
            !matches!(r, Some(Role::DecisionMaker | Role::Influencer))
        }),
    ];
    let rhythms = s
        .rhythms
        .iter()
        .map(|r| RhythmView {
            kind: r.kind.map_or_else(
                || label(lang, "rhythm_any").to_string(),
                |k| i18n::kind(lang, k).to_string(),
            ),
            every: i18n::cadence(lang, r.every),
            last: r.last.map(|d| d.to_string()).unwrap_or_default(),
            next_due: r.next_due.map(|d| d.to_string()).unwrap_or_default(),
            status: r.status.as_str(),
            status_label: i18n::status_detail(
                lang,
                r.status,
                r.days_overdue,
                r.next_due.map_or(0, |d| days_between(ws.today, d)),
            ),
        })
        .collect();
    let report = site.report;
    let moments = report
        .clients
        .get(i)?
        .moments
        .iter()
        .filter_map(|&m| report.calendar.get(m))
        .map(|m| moment_view(site, &m, "../"))
        .collect();
    let mut flags = Vec::new();
    if !people.stale_decision_makers.is_empty() {
        flags.push(format!(
            "{}{}{}",
            label(lang, "stale_dm"),
            label(lang, "colon"),
            people.stale_decision_makers.join(", ")
        ));
    }
    if people.no_decision_maker {
        flags.push(label(lang, "no_dm").to_string());
    }
    if pb.is_cooling.get(i).copied().unwrap_or(false) {
        let (r, b) = pb.rates.get(i).copied().unwrap_or_default();
        flags.push(format!(
            "{}{}",
            label(lang, "cooling"),
            super::i18n::paren(lang, &format!("{} {r} / {b}", label(lang, "contacts_90")))
        ));
    }
    if pb.given_up.get(i).copied().unwrap_or(false) {
        flags.push(label(lang, "given_up").to_string());
    }
    if let Some(&Some((d, rank))) = pb.drift_of.get(i) {
        let why = if d == Drift::Promote {
            "drift_promote"
        } else {
            "drift_review"
        };
        flags.push(format!(
            "{}: #{rank}, {}",
            label(lang, "tier_review"),
            label(lang, why)
        ));
    }
    let r = report.clients.get(i)?;
    for f in &r.flags {
        let text = match *f {
            "revenue_drop" => r.revenue_change.map(|change| {
                i18n::flag_text(
                    lang,
                    i18n::FlagText::RevenueDrop {
                        change,
                        year: r.revenue_year,
                    },
                )
            }),
            "decision_maker_left" => Some(i18n::flag_text(
                lang,
                i18n::FlagText::DecisionMakerLeft {
                    names: &super::relationship_checks::left_people(lang, &r, true),
                },
            )),
            "single_threaded" => Some(i18n::flag_text(
                lang,
                i18n::FlagText::SingleThreaded {
                    people: r.people_met_90d,
                },
            )),
            "post_deal_dropoff" => super::relationship_checks::dropped_deal(&r).map(|d| {
                i18n::flag_text(
                    lang,
                    i18n::FlagText::PostDealDropoff {
                        deal: &super::format::date(lang, d.date),
                        before: d.contacts_before,
                        after: d.contacts_after.unwrap_or(0),
                    },
                )
            }),
            _ => None,
        };
        flags.extend(text);
    }
    let lost = r
        .lost
        .as_ref()
        .map(|l| {
            let mut text = label(lang, "lost_on").to_string();
            if let Some(d) = l.date {
                text.push(' ');
                text.push_str(&super::format::date(lang, d));
            }
            if let Some(why) = l.reason {
                text.push_str(" · ");
                text.push_str(label(lang, "lost_reason"));
                text.push_str(label(lang, "colon"));
                text.push_str(why);
            }
            text
        })
        .unwrap_or_default();
    let promises = if r.promises.on_time + r.promises.late + r.promises.missed > 0 {
        i18n::promises_text(lang, &r.promises)
    } else {
        String::new()
    };
    let inbound = if r.contacts_12m > 0 {
        i18n::inbound_text(lang, r.inbound_share, r.inbound_12m, r.contacts_12m)
    } else {
        String::new()
    };
    let mut view = ClientPlaybook {
        lost,
        promises,
        inbound,
        roles_html: String::new(),
        moments_html: String::new(),
        deals_html: String::new(),
        complaints_html: String::new(),
        roles,
        rhythms,
        moments,
        birthdays: pb
            .birthdays
            .get(i)
            .into_iter()
            .flatten()
            .map(|b| BirthdayView {
                date: b.date.to_string(),
                person: b.person.clone(),
                greeted: b.greeted,
            })
            .collect(),
        deals: pb
            .deals
            .get(i)
            .into_iter()
            .flatten()
            .rev()
            .map(|d| DealView {
                date: d.date.to_string(),
                amount: d.amount.map(|a| money(lang, a)).unwrap_or_default(),
                touches: d.touches,
                thanks: thanks_text(lang, d.thanked, d.thanks_missing),
                missing: d.thanks_missing,
            })
            .collect(),
        complaints: pb
            .complaints
            .get(i)
            .into_iter()
            .flatten()
            .rev()
            .map(|x| ComplaintView {
                date: x.date.to_string(),
                resolved: x.resolved.map(|d| d.to_string()).unwrap_or_default(),
                days: x.days,
                open: x.resolved.is_none(),
            })
            .collect(),
        score: pb
            .scores
            .get(i)
            .copied()
            .flatten()
            .map(|(d, s)| {
                format!(
                    "{s}/10{}",
                    super::i18n::paren(lang, &super::format::date(lang, d))
                )
            })
            .unwrap_or_default(),
        flags,
    };
    view.roles_html = fragments::role_map(lang, &view.roles);
    view.moments_html = fragments::moments_list(lang, &view.moments)
        + &fragments::birthdays_list(lang, &view.birthdays);
    view.deals_html = fragments::deals_table(lang, &view.deals);
    view.complaints_html = fragments::complaints_list(lang, &view.complaints);
    Some(view)
}

/// "left 1 Oct 2026 · successor 李娜" once a person has left (empty before).
pub fn left_text(
    lang: crate::config::Lang,
    p: &crate::model::Person,
    today: crate::model::Date,
) -> String {
    let Some(left) = p.left.filter(|_| !p.current_on(today)) else {
        return String::new();
    };
    let mut text = format!(
        "{} {}",
        label(lang, "left_on"),
        super::format::date(lang, left)
    );
    if let Some(s) = &p.more().successor {
        text.push_str(" · ");
        text.push_str(label(lang, "successor"));
        text.push_str(label(lang, "colon"));
        text.push_str(s);
    }
    text
}

/// A deal's thank-you: its date, "missing" or "not yet".
pub fn thanks_text(
    lang: crate::config::Lang,
    thanked: Option<crate::model::Date>,
    missing: bool,
) -> String {
    match (thanked, missing) {
        (Some(t), _) => super::format::date(lang, t),
        (None, true) => label(lang, "thanks_missing").to_string(),
        (None, false) => label(lang, "thanks_pending").to_string(),
    }
}
