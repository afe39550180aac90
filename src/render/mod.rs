//! Render: the analysed workspace as a static site. Pages come from Tera templates
//! (`templates`), fed by page data (`pages`) with charts drawn as inline SVG
//! (`charts`), Markdown made safe (`markdown`), personal data masked (`privacy`) and
//! every label in the site's language (`i18n`). Files go through `write::Staging`.

// Site context and routes.
pub mod site;
// Views: data only, built from the report by the page modules below.
pub mod views;
// Page modules: one page's (or a family's) view, from the report.
pub mod calendar;
pub mod client;
pub mod client_playbook;
pub mod dashboard;
pub mod relationship_checks;
pub mod rep_pages;
pub mod rows;
pub mod team_charts;
// Writers: ready-made HTML from views, and the templates.
pub mod fragments;
pub mod templates;
// Primitives.
pub mod charts;
pub mod format;
pub mod i18n;
pub mod markdown;
pub mod privacy;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::Lang;
use crate::diag::Diagnostic;
use crate::report::Report;
use crate::workspace::{Fatal, Workspace};
use crate::write::{Staging, unique_slugs};
use site::Site;

pub use format::escape;

/// Control characters from a note (a terminal escape in a file name, a bell in a
/// heading) are invalid in HTML and no escaping covers them: each is written as visible
/// `\u{1b}` text, as on the terminal. Tabs and line breaks stay.
fn visible_controls(html: Vec<u8>) -> Vec<u8> {
    let found = has_controls(&html);
    if !found {
        return html;
    }
    match String::from_utf8(html) {
        Ok(text) => {
            let mut out = String::with_capacity(text.len() + 16);
            for c in text.chars() {
                if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                    out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
                } else {
                    out.push(c);
                }
            }
            out.into_bytes()
        }
        Err(e) => e.into_bytes(),
    }
}

/// Does `html` hold a C0 control (but tab and line breaks), DEL, or a C1 control
/// (UTF-8 `c2 80`–`c2 9f`)?
fn has_controls(html: &[u8]) -> bool {
    // Every page's bytes are checked, so 64 at a time with no early exit inside a block
    // (the compiler turns that loop into vector instructions); only a block that holds a
    // suspect byte, a control or a 0xc2 lead byte (`·`, `¥` have it too), is looked at
    // byte by byte.
    let exact = |bytes: &[u8]| {
        bytes.iter().enumerate().any(|(i, &b)| {
            matches!(b, 0..=8 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f)
                || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
        })
    };
    let suspect = |block: &[u8]| {
        block.iter().fold(0u8, |acc, &b| {
            let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
            acc | u8::from(control | (b == 0x7f) | (b == 0xc2))
        }) != 0
    };
    const BLOCK: usize = 64;
    let (blocks, _) = html.as_chunks::<BLOCK>();
    for (i, block) in blocks.iter().enumerate() {
        // One byte past the block too: a 0xc2 at its end is judged by the next byte.
        if suspect(block)
            && exact(
                html.get(i * BLOCK..(i * BLOCK + BLOCK + 1).min(html.len()))
                    .unwrap_or(&[]),
            )
        {
            return true;
        }
    }
    exact(html.get(blocks.len() * BLOCK..).unwrap_or(&[]))
}

/// What a build wrote.
pub struct Built {
    /// HTML pages written.
    pub pages: usize,
    /// Files written, pages included (the marker file not counted).
    pub files: usize,
    pub overridden: Vec<String>,
}

/// Page names for the clients: slugs of their ids, made unique in id order.
pub fn assign_slugs(ws: &Workspace) -> Vec<String> {
    unique_slugs(ws.clients.iter().map(|c| c.id.as_str()))
}

#[derive(Serialize)]
struct Common<'a> {
    lang: &'static str,
    lang_key: &'static str,
    site_title: &'a str,
    today: String,
    errors: usize,
    warnings: usize,
    version: &'static str,
}

thread_local! {
    /// One page's HTML at a time, per rendering thread, reused from page to page.
    static PAGE_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Render every page of `report` (built from `ws`) into `staging`.
pub fn render_site(
    ws: &Workspace,
    report: &Report<'_>,
    lang: Lang,
    staging: &Staging,
) -> Result<Built, Fatal> {
    // The user's wording (`labels:`) for every label of this build, Rust's and templates'.
    let _user_labels = i18n::Installed::new(&ws.config.labels);
    let labels = i18n::table(lang);
    let tpl = templates::load(&ws.root.join("templates"), &labels, lang)?;
    let site = Site {
        ws,
        report,
        lang,
        slugs: assign_slugs(ws),
        has_problems: {
            let files: BTreeSet<&str> = ws.diags.iter().map(|d| d.file.as_str()).collect();
            ws.clients
                .iter()
                .map(|c| files.contains(c.file.as_str()))
                .collect()
        },
        frames: charts::FrameCache::default(),
        rep_slugs: rep_pages::rep_slugs(&ws.playbook.books),
    };
    let (errors, warnings) = crate::diag::counts(&ws.diags);
    let common = Common {
        lang: lang.code(),
        lang_key: if lang == Lang::Zh { "zh" } else { "en" },
        site_title: ws
            .config
            .title
            .as_deref()
            .unwrap_or(i18n::label(lang, "site_title")),
        today: ws.today.to_string(),
        errors,
        warnings,
        version: env!("CARGO_PKG_VERSION"),
    };
    let mut base =
        Context::from_serialize(&common).map_err(|e| templates::template_error(&e, &[]))?;
    if tpl.uses_labels {
        base.insert("t", &labels);
    }
    // The navigation, from the routes.
    base.insert("nav_pages", &site::nav_links(lang));

    // The navigation is the same on every page of a kind (its root and current entry):
    // rendered once per kind from `partials/nav.html`, and placed by that partial's fast
    // path while the user has not replaced it.
    let nav_of = |root: &str, nav: &str| -> Result<String, Fatal> {
        let mut ctx = base.clone();
        ctx.insert("root", root);
        ctx.insert("nav", nav);
        tpl.tera
            .render(templates::NAV_ONCE, &ctx)
            .map_err(|e| Fatal::Template {
                name: Some("partials/nav.html".into()),
                yours: false,
                why: templates::describe(&e),
            })
    };
    let mut navs = BTreeMap::new();
    for root in ["", "../"] {
        for route in &site::ROUTES {
            navs.insert((root, route.nav), nav_of(root, route.nav)?);
        }
    }
    let render_with = |name: &str,
                       root: &str,
                       nav: &str,
                       title: &str,
                       key: &str,
                       data: &dyn ErasedSerialize,
                       more: &[(&str, &dyn ErasedSerialize)]|
     -> Result<Vec<u8>, Fatal> {
        let mut ctx = base.clone();
        ctx.insert("root", root);
        ctx.insert("nav", nav);
        match navs.get(&(root, nav)) {
            Some(html) => ctx.insert("nav_html", html),
            None => ctx.insert("nav_html", &nav_of(root, nav)?),
        }
        ctx.insert("page_title", title);
        data.insert_into(&mut ctx, key);
        for (k, v) in more {
            v.insert_into(&mut ctx, k);
        }
        // Into this thread's reused page buffer (`write` hands it back): `Tera::render`
        // would start a new 2 KB buffer per page, grow it by copying, and then check the
        // whole page is UTF-8 (it is: every piece is a `&str`).
        let mut out = PAGE_BUFFER.with_borrow_mut(std::mem::take);
        out.clear();
        tpl.tera
            .render_to(name, &ctx, &mut out)
            .map_err(|e| Fatal::Template {
                name: Some(name.to_string()),
                yours: tpl.overridden.iter().any(|o| o == name),
                why: templates::describe(&e),
            })?;
        Ok(out)
    };
    let render =
        |name: &str, root: &str, nav: &str, title: &str, key: &str, data: &dyn ErasedSerialize| {
            render_with(name, root, nav, title, key, data, &[])
        };
    let write = |rel: &str, html: Vec<u8>| {
        let html = visible_controls(html);
        let written = staging.write(rel, &html).map_err(|source| Fatal::Io {
            path: staging.path_of(rel),
            source,
        });
        PAGE_BUFFER.with_borrow_mut(|buffer| *buffer = html);
        written
    };
    let t = |k| i18n::label(lang, k);

    // Diagnostics per file, for client pages and the problems page.
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &ws.diags {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    // The overview pages and the client pages are independent: build them side by side.
    // The fixed pages, each written from its route: file, template, nav key and title.
    let [
        dashboard,
        clients,
        key,
        reps_page,
        calendar,
        referrals_page,
        problems,
    ] = site::ROUTES;
    let fixed = |route: &site::Route, key: &str, data: &dyn ErasedSerialize| {
        write(
            route.path,
            render(route.path, "", route.nav, t(route.title), key, data)?,
        )
    };
    let overview = || -> Result<(), Fatal> {
        write("assets/style.css", tpl.style.clone().into_bytes())?;
        write("assets/app.js", tpl.script.clone().into_bytes())?;
        let order = report.urgency;
        let dash = self::dashboard::dashboard(&site, order);
        let dash_extra = (
            relationship_checks::practices(&site, &|_| true, "", 10),
            team_charts::team(&site),
        );
        fixed(
            &dashboard,
            "d",
            &WithPlaybook {
                page: &dash,
                p: Some(&dash_extra.0),
                team: Some(&dash_extra.1),
                pb: None,
            },
        )?;
        drop(dash);
        // Each page's data is dropped once written: the overview pages are built one
        // after another while the client pages are, and peak memory is what they hold
        // together.
        let cal = self::calendar::calendar(&site);
        fixed(&calendar, "cal", &cal)?;
        drop(cal);
        let key_rows = self::calendar::key_rows(&site, order);
        fixed(
            &key,
            "k",
            &KeyPage {
                rows: &key_rows,
                team: &dash_extra.1,
            },
        )?;
        drop((key_rows, dash_extra));
        let reps = rep_pages::rep_rows(&site, &site.rep_slugs, "");
        fixed(&reps_page, "reps", &reps)?;
        drop(reps);
        for (b, slug) in ws.playbook.books.iter().zip(&site.rep_slugs) {
            let page = rep_pages::rep_page(&site, b, slug, order).ok_or(Fatal::Bug("rep page"))?;
            let name = page.name.clone();
            write(
                &format!("reps/{slug}.html"),
                match tpl.full_context {
                    true => render(
                        "rep.html",
                        "../",
                        "reps",
                        &name,
                        "r",
                        &WithRows {
                            page: &page,
                            rows: &page.rows,
                        },
                    )?,
                    false => render("rep.html", "../", "reps", &name, "r", &page)?,
                },
            )?;
        }
        // Calendar feeds: the team's, and each rep's beside their page.
        let title = common.site_title;
        // The events are made once; the team's feed and each rep's are written from them,
        // each streamed into its file.
        let events = crate::output::ics::events(report, lang);
        let feed = |rel: &str, name: &str, owner: Option<&str>| {
            staging
                .create(rel)
                .and_then(|file| {
                    crate::output::ics::write_events(&events, report, name, owner, file)
                })
                .map_err(|source| Fatal::Io {
                    path: staging.path_of(rel),
                    source,
                })
        };
        feed("calendar.ics", title, None)?;
        for (b, slug) in ws.playbook.books.iter().zip(&site.rep_slugs) {
            feed(
                &format!("reps/{slug}.ics"),
                &format!("{title} · {}", site.rep_name(&b.owner)),
                Some(&b.owner),
            )?;
        }
        drop(events);
        let referrals = rep_pages::referrals(&site);
        fixed(&referrals_page, "refs", &referrals)?;
        drop(referrals);

        let list = rows::client_list(&site, order);
        if tpl.full_context {
            let with = WithRows {
                page: &list,
                rows: &list.rows,
            };
            fixed(&clients, "l", &with)?;
        } else {
            fixed(&clients, "l", &list)?;
        }

        let files: Vec<views::ProblemFile> = by_file
            .iter()
            .map(|(file, diags)| {
                let client = ws.clients.iter().position(|c| c.file == *file);
                views::ProblemFile {
                    file: (*file).to_string(),
                    href: client.map(|i| site.client_href(i, "")).unwrap_or_default(),
                    name: client
                        .and_then(|i| ws.clients.get(i))
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    diags: diags
                        .iter()
                        .map(|d| rows::diag_view(lang, d, &ws.config.privacy))
                        .collect(),
                }
            })
            .collect();
        fixed(&problems, "files", &files)?;
        Ok(())
    };
    let client_pages = || -> Result<(), Fatal> {
        let empty = Vec::new();
        (0..ws.clients.len()).into_par_iter().try_for_each(|i| {
            let c = ws.clients.get(i).ok_or(Fatal::Bug("client index"))?;
            let diags = by_file.get(c.file.as_str()).unwrap_or(&empty);
            let base = client::client_page(&site, i, diags).ok_or(Fatal::Bug("client page"))?;
            let pb = client_playbook::client(&site, i).ok_or(Fatal::Bug("client playbook"))?;
            let page = WithPlaybook {
                page: &base,
                p: None,
                team: None,
                pb: Some(&pb),
            };
            // The structured data behind the partials, when a user's template may read it.
            let html = match (tpl.full_context, report.clients.get(i)) {
                (true, Some(r)) => {
                    let client = client::context(&site, i, r, &base, &pb)
                        .map_err(|e| templates::template_error(&tera::Error::json(e), &[]))?;
                    render_with(
                        "client.html",
                        "../",
                        "clients",
                        &c.name,
                        "c",
                        &page,
                        &[("client", &client)],
                    )?
                }
                _ => render("client.html", "../", "clients", &c.name, "c", &page)?,
            };
            let slug = site.slugs.get(i).ok_or(Fatal::Bug("slug"))?;
            write(&format!("clients/{slug}.html"), html)
        })
    };
    let (a, b) = rayon::join(overview, client_pages);
    a?;
    b?;
    // The pages the routes say a site has, checked against those written.
    let pages = site::page_count(ws.clients.len(), site.rep_slugs.len());
    if pages != staging.pages() {
        return Err(Fatal::Bug("pages written differ from the routes"));
    }
    Ok(Built {
        pages,
        files: staging.pages() + staging.other_files(),
        overridden: tpl.overridden,
    })
}

/// A page's data with the practices added beside its own fields.
#[derive(Serialize)]
struct WithPlaybook<'a, T: Serialize> {
    #[serde(flatten)]
    page: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<&'a relationship_checks::Practices>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a team_charts::TeamPlaybook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pb: Option<&'a client_playbook::ClientPlaybook>,
}

/// A page's data with its rows (`rows`) added for a user's row partial.
#[derive(Serialize)]
struct WithRows<'a, T: Serialize, R: Serialize> {
    #[serde(flatten)]
    page: &'a T,
    rows: &'a [R],
}

#[derive(Serialize)]
struct KeyPage<'a> {
    rows: &'a [views::Row],
    team: &'a team_charts::TeamPlaybook,
}

/// Lets one closure insert differently typed page data into a context.
trait ErasedSerialize: Sync {
    fn insert_into(&self, ctx: &mut Context, key: &str);
}

impl<T: Serialize + Sync> ErasedSerialize for T {
    fn insert_into(&self, ctx: &mut Context, key: &str) {
        ctx.insert(key, self);
    }
}

#[cfg(test)]
mod control_tests {
    use super::has_controls;

    #[test]
    fn controls_are_found_wherever_they_are() {
        // Long enough for several 64-byte blocks, with `·` and `¥` (0xc2 lead bytes)
        // landing on every offset of a block as the text shifts.
        let clean = "<p>华东 · ¥1,280,000\n\tok</p>\r\n".repeat(8);
        assert!(!has_controls(clean.as_bytes()));
        for cut in 0..clean.len() {
            if clean.is_char_boundary(cut) {
                let (head, tail) = clean.split_at(cut);
                assert!(!has_controls(head.as_bytes()) && !has_controls(tail.as_bytes()));
            }
        }
        for bad in ["\u{1b}", "\u{7}", "\u{7f}", "\u{85}", "\u{9f}", "\u{0}"] {
            for at in 0..clean.chars().count() {
                let mut text = clean.clone();
                let cut = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
                text.insert_str(cut, bad);
                assert!(has_controls(text.as_bytes()), "{bad:?} at {at}");
            }
        }
    }
}
