//! A client's page: profile, people, cadence, the monthly chart, follow-ups, the log.

use serde::Serialize;

use super::charts::{self, Bar, BarChart};
use super::i18n;
use super::markdown;
use super::privacy;
use super::rows::{diag_view, row};
use super::site::Site;
use super::views::{DiagView, FollowUpView, PersonView};
use crate::analyse::moments::MomentKind;
use crate::analyse::{ClientStats, month_start};
use crate::config::Lang;
use crate::diag::Diagnostic;
use crate::model::{Birthday, Client, Entry};

#[derive(Serialize)]
pub struct ClientPage {
    pub name: String,
    pub id: String,
    pub file: String,
    /// The note in the repository's web view (`source_url` + file), when configured.
    pub source_href: String,
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
    /// The kind of the rhythm the header shows (empty for "any contact").
    pub rhythm_kind: &'static str,
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

/// Client `i`'s page, but its contact log: `log_html` is left empty, for the caller to
/// fill from the client's log text (`log_html`). Everything else the page shows is
/// here.
pub fn client_page(site: &Site<'_>, i: usize, diags: &[&Diagnostic]) -> Option<ClientPage> {
    let mut page = client_page_undrawn(site, i, diags)?;
    draw(site, i, &mut page)?;
    Some(page)
}

/// `client_page` before its monthly chart and people table are drawn (`draw`): both
/// left empty. This view, what the chart is drawn from (`drawn_from`) and the note's
/// log are what the page is made from (`Renderer::made_from`), so a page that need not
/// be made again costs no chart and no table.
pub fn client_page_undrawn(site: &Site<'_>, i: usize, diags: &[&Diagnostic]) -> Option<ClientPage> {
    let ws = site.ws;
    let lang = site.lang;
    let c: &Client = ws.clients.get(i)?;
    let s: &ClientStats = ws.stats.get(i)?;
    let privacy = &ws.config.privacy;
    let masked = !(privacy.phone
        && privacy.wechat
        && privacy.email
        && privacy.birth_year
        && privacy.family
        && privacy.likes
        && privacy.notes
        && privacy.address);
    let referrer = c.referred_by.as_deref().and_then(|r| ws.client_index(r));
    let first_month = month_start(ws.today, 23);
    let expected_text = format!("{:.1}", expected_per_month(s));
    // Every personal value goes through `privacy::shown`, here, before any view sees it.
    use privacy::{Private, Scope};
    let field = |kind: Private, v: Option<&String>| {
        v.and_then(|v| privacy::shown(Some(kind), v, privacy))
            .unwrap_or_default()
    };
    let extra = |kvs: &[(String, String)], scope: Scope| -> Vec<(String, String)> {
        kvs.iter()
            .filter_map(|(k, v)| Some((k.clone(), privacy::shown_pair(k, v, scope, privacy)?)))
            .collect()
    };
    // The next day a person's birthday falls on, among the client's moments.
    let next_birthday = |name: &str| {
        let r = site.report.clients.get(i)?;
        r.moments
            .iter()
            .filter_map(|&k| site.report.calendar.get(k))
            .find(|m| m.kind == MomentKind::Birthday && m.name == Some(name))
            .map(|m| m.date)
    };
    // The fields a client shares with its row in the lists, computed once, in one place.
    let r = row(site, i, "../")?;
    let page = ClientPage {
        name: r.name,
        id: c.id.clone(),
        file: c.file.clone(),
        owner: r.owner,
        owner_href: r.owner_href,
        referred: ws
            .playbook
            .referred
            .get(i)
            .into_iter()
            .flatten()
            .filter_map(|&j| Some((ws.clients.get(j)?.name.clone(), site.client_href(j, "../"))))
            .collect(),
        tier: r.tier,
        tier_label: r.tier_label,
        status: r.status,
        status_label: r.status_label,
        status_detail: r.status_detail,
        cadence: r.cadence,
        cadence_text: cadence_text(lang, s),
        rhythm_kind: r.rhythm_kind,
        last_contact: r.last_contact,
        last_contact_ago: s
            .governing()
            .map_or(s.last_contact, |g| g.last)
            .map(|d| i18n::days_ago(lang, crate::analyse::days_between(d, ws.today)))
            .unwrap_or_default(),
        next_due: r.next_due,
        contacts_12m: r.contacts_12m,
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
        phone: field(Private::Phone, c.phone.as_ref()),
        wechat: field(Private::Wechat, c.wechat.as_ref()),
        email: field(Private::Email, c.email.as_ref()),
        address: c.address.clone().unwrap_or_default(),
        masked,
        revenue: c
            .revenue
            .iter()
            .map(|(y, v)| (*y, super::format::money(lang, *v)))
            .collect(),
        extra: extra(&c.extra, Scope::Client),
        people: c
            .people
            .iter()
            .map(|p| PersonView {
                name: p.name.clone(),
                role: p.role.map_or("none", |r| r.as_str()),
                role_label: i18n::role(lang, p.role),
                title: p.title.clone().unwrap_or_default(),
                gender: p.more().gender.clone().unwrap_or_default(),
                // A lunar birthday shows its lunar day, and the Gregorian day of its next
                // time as the report's calendar has it.
                birthday: match p.birthday {
                    Some(Birthday::Lunar { .. }) => next_birthday(&p.name)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    Some(b) => privacy::birthday(b, privacy.birth_year),
                    None => String::new(),
                },
                birthday_lunar: match p.birthday {
                    Some(Birthday::Lunar { year, day }) => super::format::lunar_birthday(
                        lang,
                        day,
                        year.filter(|_| privacy.birth_year),
                    ),
                    _ => String::new(),
                },
                phone: field(Private::Phone, p.phone.as_ref()),
                wechat: field(Private::Wechat, p.wechat.as_ref()),
                email: field(Private::Email, p.email.as_ref()),
                family: field(Private::Family, p.more().family.as_ref()),
                likes: field(Private::Likes, p.more().likes.as_ref()),
                notes: field(Private::Notes, p.more().notes.as_ref()),
                left: super::client_playbook::left_text(lang, p, ws.today),
                extra: extra(&p.more().extra, Scope::Person),
            })
            .collect(),
        followups: site
            .report
            .clients
            .get(i)
            .map(|r| {
                r.open_followups
                    .iter()
                    .map(|f| FollowUpView {
                        date: f.date.to_string(),
                        text_html: markdown::inline_html(f.text),
                        missed: f.missed,
                        line: f.line,
                        late: if f.missed {
                            i18n::status_detail(
                                lang,
                                crate::analyse::Status::Overdue,
                                f.days_late,
                                0,
                            )
                        } else {
                            String::new()
                        },
                    })
                    .collect()
            })
            .unwrap_or_default(),
        source_href: ws
            .config
            .source_url
            .as_deref()
            .map(|base| {
                // Each segment of the path percent-encoded (`#`, spaces, Chinese).
                let path: Vec<String> = c
                    .file
                    .split('/')
                    .map(super::dashboard::percent_encode)
                    .collect();
                format!("{base}{}", path.join("/"))
            })
            .unwrap_or_default(),
        log_html: String::new(),
        entry_count: c.entry_count(),
        people_html: String::new(),
        profile_html: markdown::to_html_section(without_background_heading(&c.profile)),
        monthly_svg: String::new(),
        monthly_first: format!("{}-{:02}", first_month.year(), first_month.month()),
        monthly_last: format!("{}-{:02}", ws.today.year(), ws.today.month()),
        expected_per_month: expected_text,
        problems: diags.iter().map(|d| diag_view(lang, d, privacy)).collect(),
    };
    Some(page)
}

/// Contacts a month the cadence in force asks for.
fn expected_per_month(s: &ClientStats) -> f64 {
    30.436875 / s.cadence.approx_days()
}

/// What client `i`'s monthly chart is drawn from besides the language and the day: its
/// contacts per month and the contacts a month its cadence asks for (as bits). Both
/// follow from the entries' days and kinds and the cadence, which the page's key covers
/// already; the key takes them too, so that it never rests on that.
pub fn drawn_from<'a>(site: &Site<'a>, i: usize) -> Option<(&'a [u32], u64)> {
    let s: &ClientStats = site.ws.stats.get(i)?;
    Some((&s.monthly, expected_per_month(s).to_bits()))
}

/// Draw what `client_page_undrawn` left empty: the monthly chart (from `drawn_from`)
/// and the people table (from the page's `people`).
pub fn draw(site: &Site<'_>, i: usize, page: &mut ClientPage) -> Option<()> {
    let lang = site.lang;
    let s: &ClientStats = site.ws.stats.get(i)?;
    let expected = expected_per_month(s);
    let colon = i18n::label(lang, "colon");
    let bars: Vec<Bar> = s
        .monthly
        .iter()
        .enumerate()
        .map(|(m, &n)| Bar {
            value: n,
            title: format!(
                "{}{colon}{n}",
                site.months.get(m).map_or("", String::as_str)
            ),
        })
        .collect();
    page.monthly_svg = charts::bar_chart(
        &site.frames,
        &BarChart {
            label: i18n::label(lang, "monthly_chart"),
            bars: &bars,
            x_labels: &|m| (m % 3 == 0).then(|| site.months.get(m).cloned().unwrap_or_default()),
            reference: Some((
                expected,
                format!(
                    "{}: {}",
                    i18n::label(lang, "expected_per_month"),
                    page.expected_per_month
                ),
            )),
            size: (640, 200),
            bar_class: "bar",
            figures: i18n::label(lang, "chart_figures"),
        },
    );
    page.people_html = super::fragments::people_table(lang, &page.people);
    Some(())
}

/// The months of a client's monthly chart (`ClientStats::monthly`: the 24 up to and
/// including today's), named in `lang`: the same on every client page, so named once.
pub fn chart_months(lang: Lang, today: crate::model::Date) -> Vec<String> {
    let first_month = month_start(today, 23);
    (0..24)
        .map(|m| {
            first_month
                .checked_add(jiff::Span::new().months(m))
                .map(|d| super::format::year_month(lang, d.year(), d.month()))
                .unwrap_or_default()
        })
        .collect()
}

/// The cadence of the rhythm the status comes from, in words: "every 14 days", or
/// "Visit: every 2 months" for a per-kind rhythm.
fn cadence_text(lang: Lang, s: &ClientStats) -> String {
    let g = s.governing();
    let every = i18n::cadence(lang, g.map_or(s.cadence, |r| r.every));
    match g.and_then(|r| r.kind) {
        Some(k) => format!(
            "{}{}{every}",
            i18n::kind(lang, k),
            i18n::label(lang, "colon")
        ),
        None => every,
    }
}

/// The background text without its own leading `## Background` / `## 背景` heading: the
/// page already titles the section so, and the title would show twice.
fn without_background_heading(profile: &str) -> &str {
    let text = profile.trim_start();
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let heading = first.trim_end();
    let hashes = heading.bytes().take_while(|&b| b == b'#').count();
    let title = heading
        .get(hashes..)
        .unwrap_or("")
        .trim()
        .trim_end_matches('#')
        .trim();
    let is_background = (1..=6).contains(&hashes)
        && heading.get(hashes..).is_some_and(|r| r.starts_with(' '))
        && [Lang::En, Lang::Zh]
            .iter()
            .any(|&l| title.eq_ignore_ascii_case(i18n::label(l, "background")));
    if is_background { rest } else { profile }
}

/// The contact log, newest first, as an ordered list of entries. `log` is the client's
/// log text (`Workspace::log_text`).
///
/// A rebuild links a client page unmade when its key is unchanged, and the key covers
/// what this reads (`Renderer::made_from`): the language, the day, each entry's day,
/// kind, line, people, summary and body span, and the log text. Anything else this
/// comes to read must go into the key too, or pages go stale.
pub fn log_html(lang: Lang, entries: &[Entry], log: &str, today: crate::model::Date) -> String {
    use super::escape;
    use std::fmt::Write as _;
    let mut out = String::with_capacity(
        entries
            .iter()
            .map(|e| e.body.of(log).len() + 200)
            .sum::<usize>()
            + 32,
    );
    out.push_str("<ol class=\"log\">\n");
    let sep = i18n::label(lang, "list_sep");
    for e in entries {
        let counts = e.kind.is_contact() && e.date <= today;
        let _ = write!(
            out,
            "<li class=\"entry{}\" id=\"l{}\">\n<h3>",
            if counts { "" } else { " not-counted" },
            e.line,
        );
        super::format::push_time(&mut out, lang, e.date);
        let _ = write!(
            out,
            " <span class=\"kind k-{}\">{}</span>",
            e.kind.as_str(),
            escape(i18n::kind(lang, e.kind)),
        );
        if !e.people.is_empty() {
            let _ = write!(
                out,
                " <span class=\"people\">@ {}</span>",
                escape(&e.people.join(sep))
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
        let body = e.body.of(log);
        if !body.trim().is_empty() {
            out.push_str("<div class=\"prose\">");
            out.push_str(&markdown::to_html(body));
            out.push_str("</div>\n");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    out
}

/// The client page's `client`: the client's `report::ClientReport` (the same values as
/// the JSON export), with what its partials show added: per person the masked details of
/// the people table, per entry its HTML, per follow-up its text as HTML, per deal its
/// amount and thank-you in words, and the role map, moments and birthdays. `log` is its
/// contact log as `Workspace::log` gives it: the report's `entries` are those, also when
/// the build let go of them (`model::ShedLog`).
pub fn context(
    site: &Site<'_>,
    i: usize,
    report: &crate::report::ClientReport<'_>,
    page: &ClientPage,
    pb: &super::client_playbook::ClientPlaybook,
    log: &crate::workspace::Log<'_>,
) -> Result<serde_json::Value, serde_json::Error> {
    use serde_json::{Value, json};
    let lang = site.lang;
    let ws = site.ws;
    let mut v = serde_json::to_value(report)?;
    let Some(c) = ws.clients.get(i) else {
        return Ok(v);
    };
    let Some(obj) = v.as_object_mut() else {
        return Ok(v);
    };
    if c.shed.is_some() {
        obj.insert(
            "entries".into(),
            serde_json::to_value(crate::report::Entries::of(&log.entries))?,
        );
    }
    let (entries, log) = (&log.entries[..], &log.text[..]);
    // Adds `extra`'s fields to the n-th object of the list `key`.
    fn add(obj: &mut serde_json::Map<String, Value>, key: &str, n: usize, extra: Value) {
        if let (Some(Value::Object(item)), Value::Object(extra)) = (
            obj.get_mut(key)
                .and_then(Value::as_array_mut)
                .and_then(|a| a.get_mut(n)),
            extra,
        ) {
            item.extend(extra);
        }
    }
    for (n, p) in page.people.iter().enumerate() {
        let extra = json!({
            "role_label": p.role_label,
            "gender": p.gender,
            "birthday": p.birthday,
            "birthday_lunar": p.birthday_lunar,
            "phone": p.phone,
            "wechat": p.wechat,
            "email": p.email,
            "family": p.family,
            "likes": p.likes,
            "notes": p.notes,
            "left_text": p.left,
            "extra": p.extra,
        });
        add(obj, "people", n, extra);
    }
    for (n, e) in entries.iter().enumerate() {
        let body = e.body.of(log);
        let html = if body.trim().is_empty() {
            String::new()
        } else {
            markdown::to_html(body)
        };
        let extra = json!({
            "kind_label": i18n::kind(lang, e.kind),
            "counted": e.kind.is_contact() && e.date <= ws.today,
            "summary_html": markdown::inline_html(&e.summary),
            "html": html,
        });
        add(obj, "entries", n, extra);
    }
    for key in ["followups", "open_followups"] {
        let texts: Vec<String> = obj
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|f| {
                        markdown::inline_html(f.get("text").and_then(Value::as_str).unwrap_or(""))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (n, text_html) in texts.into_iter().enumerate() {
            add(obj, key, n, json!({ "text_html": text_html }));
        }
    }
    for (n, d) in report.deals.iter().enumerate() {
        let extra = json!({
            "amount_text": d.amount.map(|a| super::format::money(lang, a)).unwrap_or_default(),
            "thanks_text": super::client_playbook::thanks_text(lang, d.thanked, d.thanks_missing),
        });
        add(obj, "deals", n, extra);
    }
    obj.insert("roles".into(), serde_json::to_value(&pb.roles)?);
    obj.insert("moments".into(), serde_json::to_value(&pb.moments)?);
    obj.insert("birthdays".into(), serde_json::to_value(&pb.birthdays)?);
    Ok(v)
}
