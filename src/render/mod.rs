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
    /// Of those, how many are the previous site's files, linked because their bytes
    /// did not change (`files - unchanged` were written anew).
    pub unchanged: usize,
    /// Of those, how many client pages were linked without being made at all: made from
    /// the same as the previous build's (`Staging::reuse_made`).
    pub unmade: usize,
    pub overridden: Vec<String>,
    /// The digest of the templates folder as this build read it (`fresh::head_of`).
    pub templates: [u8; 32],
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
    /// One client page's view, serialised to be hashed (`Renderer::made_from`).
    static VIEW_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One site's pages and files, each rendered on demand from the report: `build` writes
/// them all (`render_site`), `serve` renders the one a browser asks for.
pub struct Renderer<'a> {
    site: Site<'a>,
    tpl: templates::Templates,
    /// What every page's context starts from.
    base: Context,
    /// The navigation of each kind of page: (root, current entry) → HTML.
    navs: BTreeMap<(&'static str, &'static str), String>,
    /// Diagnostics per file, for client pages and the problems page.
    by_file: BTreeMap<&'a str, Vec<&'a Diagnostic>>,
    site_title: &'a str,
    /// Page name → index, for clients (`clients/<slug>.html`) and reps (`reps/<slug>…`).
    /// (Clients: their indices in slug order, looked up by binary search, as a map of
    /// 100,000 copied slugs held 7 MB through the build.)
    client_of: Vec<u32>,
    rep_of: BTreeMap<String, usize>,
    /// The team figures (dashboard and key clients), made on first use.
    team: std::sync::OnceLock<team_charts::TeamPlaybook>,
    /// The calendar's events, shared by the team's feed and each rep's: made on first
    /// use, and let go of (`release_events`) once a build has written its feeds (about
    /// 20 MB at 100,000 clients); made again should a feed be asked for after that.
    events: std::sync::Mutex<Option<std::sync::Arc<Vec<crate::output::ics::CalEvent>>>>,
    /// The user's wording (`labels:`), installed while this renderer lives.
    _labels: i18n::Installed,
    /// What every client page is made from besides its view and its note, when pages
    /// are keyed (`made_from`).
    made: Option<Made>,
}

/// What a build's client pages are made from besides each one's view and contact log:
/// the inputs but the notes (`fresh::Head`'s digest: touchbase, the settings,
/// `touchbase.yaml`, the templates).
pub struct MadeFrom {
    pub head: [u8; 32],
}

/// `MadeFrom` with what every page's context starts from (`Common`) hashed in.
struct Made {
    common: blake3::Hasher,
}

/// A client page's view, its log still to add (`Renderer::client_page_view`).
struct ClientView {
    page: client::ClientPage,
    pb: client_playbook::ClientPlaybook,
}

/// The missed follow-ups page's data.
#[derive(serde::Serialize)]
struct MissedPage<'a> {
    rows: &'a [self::dashboard::MissedRow],
    /// Missed follow-ups in all (more than `rows` on a large site), and saying so.
    total: usize,
    shown: String,
}

/// The fixed files besides the routes' pages.
const ASSETS: [&str; 2] = ["assets/style.css", "assets/app.js"];

impl<'a> Renderer<'a> {
    pub fn new(ws: &'a Workspace, report: &'a Report<'a>, lang: Lang) -> Result<Self, Fatal> {
        Self::new_made(ws, report, lang, None)
    }

    /// `new`, with client pages keyed by what they are made from (`made_from`), when
    /// `made` says what that is besides each page's view and note.
    pub fn new_made(
        ws: &'a Workspace,
        report: &'a Report<'a>,
        lang: Lang,
        made: Option<&MadeFrom>,
    ) -> Result<Self, Fatal> {
        let labels_guard = i18n::Installed::new(&ws.config.labels);
        let labels = i18n::table(lang);
        let tpl = templates::load(&ws.root.join("templates"), &labels, lang, report.today)?;
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
            months: client::chart_months(lang, ws.today),
        };
        let (errors, warnings) = crate::diag::counts(&ws.diags);
        let site_title = ws
            .config
            .title
            .as_deref()
            .unwrap_or(i18n::label(lang, "site_title"));
        let common = Common {
            lang: lang.code(),
            lang_key: if lang == Lang::Zh { "zh" } else { "en" },
            site_title,
            today: ws.today.to_string(),
            errors,
            warnings,
            version: env!("CARGO_PKG_VERSION"),
        };
        let mut base =
            Context::from_serialize(&common).map_err(|e| templates::template_error(&e, &[]))?;
        // A user's template may read the full context (`client`, with every entry's
        // HTML), which the view leaves out: then no page is keyed.
        let made = made.filter(|_| !tpl.full_context).and_then(|m| {
            let mut h = blake3::Hasher::new();
            h.update(b"touchbase client page 1");
            h.update(&m.head);
            h.update(lang.code().as_bytes());
            h.update(&[u8::from(tpl.uses_labels)]);
            serde_json::to_writer(&mut h, &common).ok()?;
            Some(Made { common: h })
        });
        if tpl.uses_labels {
            base.insert("t", &labels);
        }
        // The navigation, from the routes.
        base.insert("nav_pages", &site::nav_links(lang));
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &ws.diags {
            by_file.entry(d.file.as_str()).or_default().push(d);
        }
        let mut client_of: Vec<u32> = (0..site.slugs.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        client_of.sort_unstable_by_key(|&i| site.slugs.get(i as usize));
        let rep_of = site
            .rep_slugs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i))
            .collect();
        let mut r = Renderer {
            site,
            tpl,
            base,
            navs: BTreeMap::new(),
            by_file,
            site_title,
            client_of,
            rep_of,
            team: std::sync::OnceLock::new(),
            events: std::sync::Mutex::new(None),
            _labels: labels_guard,
            made,
        };
        // The navigation is the same on every page of a kind (its root and current
        // entry): rendered once per kind from `partials/nav.html`, and placed by that
        // partial's fast path while the user has not replaced it.
        let mut navs = BTreeMap::new();
        for root in ["", "../"] {
            for route in &site::ROUTES {
                navs.insert((root, route.nav), r.nav_of(root, route.nav)?);
            }
        }
        r.navs = navs;
        Ok(r)
    }

    /// Templates of the notes folder in use, by name.
    pub fn overridden(&self) -> &[String] {
        &self.tpl.overridden
    }

    /// Every file of the site, as `/`-separated paths from its root: the fixed pages
    /// and assets, the calendar feed, and per client and per rep.
    pub fn files(&self) -> Vec<String> {
        let mut out = self.files_but_clients();
        out.extend((0..self.site.slugs.len()).map(|i| self.site.client_href(i, "")));
        out
    }

    /// `files` but the client pages. The feeds come last: the events they share are
    /// then held only while they are written (`write_feed`).
    fn files_but_clients(&self) -> Vec<String> {
        let mut out: Vec<String> = ASSETS.iter().map(|s| (*s).to_string()).collect();
        out.extend(site::ROUTES.iter().map(|r| r.path.to_string()));
        for slug in &self.site.rep_slugs {
            out.push(format!("reps/{slug}.html"));
        }
        out.push("calendar.ics".into());
        for slug in &self.site.rep_slugs {
            out.push(format!("reps/{slug}.ics"));
        }
        out
    }

    /// Is `rel` a folder of the site (`clients`, `reps`, `assets`)?
    pub fn is_folder(&self, rel: &str) -> bool {
        let rel = rel.trim_end_matches('/');
        rel == "assets"
            || (rel == "clients" && !self.site.slugs.is_empty())
            || (rel == "reps" && !self.site.rep_slugs.is_empty())
    }

    /// The bytes of the site's file `rel`, or none when the site has no such file.
    pub fn file(&self, rel: &str) -> Result<Option<Vec<u8>>, Fatal> {
        if let Some(feed) = self.feed_of(rel) {
            let mut out = Vec::new();
            self.write_feed(feed, &mut out)
                .map_err(|source| Fatal::Io {
                    path: rel.into(),
                    source,
                })?;
            return Ok(Some(out));
        }
        Ok(self.page(rel)?.map(visible_controls))
    }

    /// Which calendar feed `rel` is: the team's (none) or a rep's (their book).
    fn feed_of(&self, rel: &str) -> Option<Option<usize>> {
        if rel == "calendar.ics" {
            return Some(None);
        }
        let slug = rel.strip_prefix("reps/")?.strip_suffix(".ics")?;
        self.rep_of.get(slug).map(|&b| Some(b))
    }

    /// Write a calendar feed (the team's, or the rep's of book `feed`) into `out`.
    fn write_feed(&self, feed: Option<usize>, out: impl std::io::Write) -> std::io::Result<()> {
        let events = {
            let mut held = self
                .events
                .lock()
                .map_err(|_| std::io::Error::other("the calendar's events"))?;
            held.get_or_insert_with(|| {
                std::sync::Arc::new(crate::output::ics::events(self.site.report))
            })
            .clone()
        };
        self.write_feed_of(&events, feed, out)
    }

    /// Let go of the calendar's events (`events`): a build calls this once its feeds
    /// are written.
    fn release_events(&self) {
        if let Ok(mut held) = self.events.lock() {
            *held = None;
        }
    }

    /// `write_feed` from the calendar's `events`.
    fn write_feed_of(
        &self,
        events: &[crate::output::ics::CalEvent],
        feed: Option<usize>,
        out: impl std::io::Write,
    ) -> std::io::Result<()> {
        let ws = self.site.ws;
        let book = feed.and_then(|b| ws.playbook.books.get(b));
        let name = match book {
            Some(b) => format!("{} · {}", self.site_title, self.site.rep_name(&b.owner)),
            None => self.site_title.to_string(),
        };
        let owner = book.map(|b| b.owner.as_str());
        crate::output::ics::write_events(
            events,
            self.site.report,
            self.site.lang,
            &name,
            owner,
            out,
        )
    }

    fn team(&self) -> &team_charts::TeamPlaybook {
        self.team.get_or_init(|| team_charts::team(&self.site))
    }

    fn nav_of(&self, root: &str, nav: &str) -> Result<String, Fatal> {
        let mut ctx = self.base.clone();
        ctx.insert("root", root);
        ctx.insert("nav", nav);
        self.tpl
            .tera
            .render(templates::NAV_ONCE, &ctx)
            .map_err(|e| Fatal::Template {
                name: Some("partials/nav.html".into()),
                yours: false,
                why: templates::describe(&e),
            })
    }

    /// Render template `name` as a page at `root` (`""` or `"../"`), its navigation at
    /// `nav`, with `data` as `key` and `more` besides.
    ///
    /// What this adds to a page's context beside `base` (root, nav, the navigation's
    /// HTML, the title) follows from the settings and the page's view; a client page's
    /// key (`made_from`) relies on that. Anything else added here must go into the key.
    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        name: &str,
        root: &str,
        nav: &str,
        title: &str,
        key: &str,
        data: &dyn ErasedSerialize,
        more: &[(&str, &dyn ErasedSerialize)],
    ) -> Result<Vec<u8>, Fatal> {
        let mut ctx = self.base.clone();
        ctx.insert("root", root);
        ctx.insert("nav", nav);
        match self.navs.get(&(root, nav)) {
            Some(html) => ctx.insert("nav_html", html),
            None => ctx.insert("nav_html", &self.nav_of(root, nav)?),
        }
        ctx.insert("page_title", title);
        data.insert_into(&mut ctx, key);
        for (k, v) in more {
            v.insert_into(&mut ctx, k);
        }
        // Into this thread's reused page buffer (`render_site` hands it back):
        // `Tera::render` would start a new 2 KB buffer per page, grow it by copying, and
        // then check the whole page is UTF-8 (it is: every piece is a `&str`).
        let mut out = PAGE_BUFFER.with_borrow_mut(std::mem::take);
        out.clear();
        self.tpl
            .tera
            .render_to(name, &ctx, &mut out)
            .map_err(|e| Fatal::Template {
                name: Some(name.to_string()),
                yours: self.tpl.overridden.iter().any(|o| o == name),
                why: templates::describe(&e),
            })?;
        Ok(out)
    }

    /// A fixed page, from its route: file, template, nav key and title.
    fn fixed(
        &self,
        route: &site::Route,
        key: &str,
        data: &dyn ErasedSerialize,
    ) -> Result<Vec<u8>, Fatal> {
        let title = i18n::label(self.site.lang, route.title);
        self.render(route.path, "", route.nav, title, key, data, &[])
    }

    /// Is `rel` a page with a long table (`Listing`: the client list, the key
    /// clients, the calendar's moments) made with the embedded page, so written as its rows are made
    /// (`write_listing`)? Not when a template of yours reads the full context: the page
    /// is then made whole, through Tera.
    fn streams(&self, rel: &str) -> Option<Listing> {
        if self.tpl.full_context {
            return None;
        }
        let [_, clients, key, ..] = &site::ROUTES;
        match rel {
            _ if rel == clients.path => Some(Listing::Clients),
            _ if rel == key.path => Some(Listing::Key),
            _ if rel == site::CALENDAR_PATH => Some(Listing::Calendar),
            _ => None,
        }
    }

    /// `page` (from `slotted`) with the rows of `listing` made into its slot, written
    /// into `out` through `write` as they are made. None when the page is not UTF-8, or
    /// has rows to place and no slot.
    fn write_rows<W: std::io::Write>(
        &self,
        listing: Listing,
        page: &[u8],
        out: &mut W,
        write: impl Fn(&mut W, &[u8]) -> std::io::Result<()>,
    ) -> Option<std::io::Result<()>> {
        let (site, order) = (&self.site, self.site.report.urgency);
        let (lang, today) = (site.lang, site.report.today);
        match listing {
            Listing::Clients => {
                let w = self::fragments::ClientRows::new(lang, today);
                rows::write_into_slot(page, order, out, write, &w, |i| rows::list_row(site, i))
            }
            Listing::Key => {
                let w = self::fragments::KeyRows::new(lang, today);
                let key_row = |i| self::calendar::key_row(site, i);
                rows::write_into_slot(page, order, out, write, &w, key_row)
            }
            Listing::Calendar => {
                let w = self::fragments::MomentRows::new(lang);
                let keys = self::calendar::moment_keys(site);
                let moment = |k| self::calendar::moment_row(site, k);
                rows::write_into_slot(page, &keys, out, write, &w, moment)
            }
        }
    }

    /// `page` (from `slotted`) with the rows of `listing` made into its slot, whole.
    fn fill_rows(&self, listing: Listing, page: Vec<u8>) -> Option<Vec<u8>> {
        use self::fragments::RowWriter;
        let (site, order) = (&self.site, self.site.report.urgency);
        let room = match listing {
            Listing::Clients => order.len() * self::fragments::ClientRows::ROW_BYTES,
            Listing::Key => {
                let key = order
                    .iter()
                    .filter(|&&i| self::calendar::is_key(site, i))
                    .count();
                key * self::fragments::KeyRows::ROW_BYTES
            }
            Listing::Calendar => {
                self::calendar::moment_keys(site).len() * self::fragments::MomentRows::ROW_BYTES
            }
        };
        let mut html = Vec::with_capacity(page.len() + room);
        let put = |out: &mut Vec<u8>, bytes: &[u8]| {
            out.extend_from_slice(bytes);
            Ok(())
        };
        self.write_rows(listing, &page, &mut html, put)?.ok()?;
        Some(html)
    }

    /// The embedded page of `listing` rendered with `rows::ROWS_SLOT` where its rows go.
    fn slotted(&self, listing: Listing) -> Result<Vec<u8>, Fatal> {
        let site = &self.site;
        let order = site.report.urgency;
        let [_, clients, key, ..] = &site::ROUTES;
        match listing {
            Listing::Clients => {
                let list = rows::client_list_slotted(site, order);
                self.fixed(clients, "l", &list)
            }
            Listing::Key => {
                let count = order
                    .iter()
                    .filter(|&&i| self::calendar::is_key(site, i))
                    .count();
                let page = self.key_page(&[], rows::ROWS_SLOT.to_string(), count);
                self.fixed(key, "k", &page)
            }
            Listing::Calendar => {
                let route = site::ROUTES
                    .iter()
                    .find(|r| r.path == site::CALENDAR_PATH)
                    .ok_or(Fatal::Bug("no calendar route"))?;
                self.fixed(route, "cal", &self::calendar::calendar(site, false))
            }
        }
    }

    /// The key clients' page data: `rows` (for your own templates; none for the
    /// embedded page), `rows_html` (what its partial's fast path places) and `count`.
    fn key_page<'k>(
        &'k self,
        rows: &'k [views::KeyRow],
        rows_html: String,
        count: usize,
    ) -> KeyPage<'k> {
        let site = &self.site;
        KeyPage {
            rows,
            rows_html,
            count,
            team: self.team(),
            trend_svg: self::dashboard::trend_chart(
                site,
                i18n::label(site.lang, "key_trend_chart"),
                &site.report.team.key_trend,
                140,
            ),
        }
    }

    /// Write the page of `listing` (when `streams`) into `out` as `file` makes it, its
    /// rows written as they are made rather than held in the page (`write_rows`).
    fn write_listing(
        &self,
        listing: Listing,
        out: &mut impl std::io::Write,
    ) -> Result<std::io::Result<()>, Fatal> {
        let page = self.slotted(listing)?;
        // Control characters made visible as `file` does, chunk by chunk (each is whole
        // characters, and the rewriting is character by character).
        let visible = |out: &mut _, bytes: &[u8]| -> std::io::Result<()> {
            if has_controls(bytes) {
                std::io::Write::write_all(out, &visible_controls(bytes.to_vec()))
            } else {
                std::io::Write::write_all(out, bytes)
            }
        };
        let written = self
            .write_rows(listing, &page, out, visible)
            .ok_or(Fatal::Bug("a long table's page without its rows"));
        keep_page_buffer(page);
        written
    }

    /// The bytes of page or asset `rel` (no feed), before the control check.
    fn page(&self, rel: &str) -> Result<Option<Vec<u8>>, Fatal> {
        let site = &self.site;
        let ws = site.ws;
        let report = site.report;
        let lang = site.lang;
        let order = report.urgency;
        let full = self.tpl.full_context;
        let [
            dashboard,
            clients,
            key,
            reps_page,
            followups,
            calendar,
            referrals_page,
            problems,
        ] = &site::ROUTES;
        let page = match rel {
            "assets/style.css" => self.tpl.style.clone().into_bytes(),
            "assets/app.js" => self.tpl.script.clone().into_bytes(),
            _ if rel == dashboard.path => {
                let dash = self::dashboard::dashboard(site, order);
                let practices = relationship_checks::practices(site, &|_| true, "", 10);
                self.fixed(
                    dashboard,
                    "d",
                    &WithPlaybook {
                        page: &dash,
                        p: Some(&practices),
                        team: Some(self.team()),
                        pb: None,
                    },
                )?
            }
            _ if rel == calendar.path => {
                if full {
                    self.fixed(calendar, "cal", &self::calendar::calendar(site, true))?
                } else {
                    // The moments are made into the page where its partial's stub put
                    // the slot (tens of thousands of them at 100,000 clients).
                    let page = self.slotted(Listing::Calendar)?;
                    self.fill_rows(Listing::Calendar, page)
                        .ok_or(Fatal::Bug("the calendar page without its moments"))?
                }
            }
            _ if rel == key.path => {
                if full {
                    let rows = self::calendar::key_rows(site, order);
                    let w = self::fragments::KeyRows::new(lang, report.today);
                    let html = self::fragments::rows_html(&w, &rows);
                    self.fixed(key, "k", &self.key_page(&rows, html, rows.len()))?
                } else {
                    // The rows are made into the page where its partial's stub put the slot.
                    let page = self.slotted(Listing::Key)?;
                    self.fill_rows(Listing::Key, page)
                        .ok_or(Fatal::Bug("the key clients' page without its rows"))?
                }
            }
            _ if rel == reps_page.path => {
                let reps = rep_pages::rep_rows(site, &site.rep_slugs, "");
                self.fixed(reps_page, "reps", &reps)?
            }
            _ if rel == followups.path => {
                let (rows, total) = self::dashboard::missed_rows(
                    site,
                    &|_| true,
                    "",
                    self::dashboard::MISSED_PAGE_ROWS,
                );
                self.fixed(
                    followups,
                    "f",
                    &MissedPage {
                        shown: if total > rows.len() {
                            i18n::label(lang, "missed_shown")
                                .replace("{n}", &rows.len().to_string())
                                .replace("{total}", &total.to_string())
                        } else {
                            String::new()
                        },
                        rows: &rows,
                        total,
                    },
                )?
            }
            _ if rel == referrals_page.path => {
                self.fixed(referrals_page, "refs", &rep_pages::referrals(site))?
            }
            _ if rel == clients.path => {
                if full {
                    let list = rows::client_list(site, order);
                    let with = WithRows {
                        page: &list,
                        rows: &list.rows,
                    };
                    self.fixed(clients, "l", &with)?
                } else {
                    // The rows are made into the page where its partial's stub put the slot.
                    let page = self.slotted(Listing::Clients)?;
                    self.fill_rows(Listing::Clients, page)
                        .ok_or(Fatal::Bug("the client list without its rows"))?
                }
            }
            _ if rel == problems.path => {
                let files: Vec<views::ProblemFile> = self
                    .by_file
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
                self.fixed(problems, "files", &files)?
            }
            _ => {
                if let Some(slug) = rel
                    .strip_prefix("clients/")
                    .and_then(|r| r.strip_suffix(".html"))
                {
                    match self.client_of_slug(slug) {
                        Some(i) => self.client_page(i)?,
                        None => return Ok(None),
                    }
                } else if let Some(slug) = rel
                    .strip_prefix("reps/")
                    .and_then(|r| r.strip_suffix(".html"))
                {
                    match self.rep_of.get(slug) {
                        Some(&b) => self.rep_page(b)?,
                        None => return Ok(None),
                    }
                } else {
                    return Ok(None);
                }
            }
        };
        Ok(Some(page))
    }

    fn rep_page(&self, b: usize) -> Result<Vec<u8>, Fatal> {
        let site = &self.site;
        let (Some(book), Some(slug)) = (site.ws.playbook.books.get(b), site.rep_slugs.get(b))
        else {
            return Err(Fatal::Bug("rep page"));
        };
        let page = rep_pages::rep_page(site, book, slug, site.report.urgency)
            .ok_or(Fatal::Bug("rep page"))?;
        let name = page.name.clone();
        match self.tpl.full_context {
            true => self.render(
                "rep.html",
                "../",
                "reps",
                &name,
                "r",
                &WithRows {
                    page: &page,
                    rows: &page.rows,
                },
                &[],
            ),
            false => self.render("rep.html", "../", "reps", &name, "r", &page, &[]),
        }
    }

    fn client_page(&self, i: usize) -> Result<Vec<u8>, Fatal> {
        self.client_page_of(i, self.client_page_view(i)?)
    }

    /// Client `i`'s page view: all it shows but its log, its monthly chart and its
    /// people table (`client::client_page_undrawn`).
    fn client_page_view(&self, i: usize) -> Result<ClientView, Fatal> {
        let site = &self.site;
        let c = site.ws.clients.get(i).ok_or(Fatal::Bug("client index"))?;
        let empty = Vec::new();
        let diags = self.by_file.get(c.file.as_str()).unwrap_or(&empty);
        let page = client::client_page_undrawn(site, i, diags).ok_or(Fatal::Bug("client page"))?;
        let pb = client_playbook::client(site, i).ok_or(Fatal::Bug("client playbook"))?;
        Ok(ClientView { page, pb })
    }

    /// What client `i`'s page, as `view` shows it, is made from: none unless pages are
    /// keyed. Every input of the page must be in here, or a page is linked stale:
    /// - the settings, configuration, templates and every page's common context
    ///   (`Made::common`, with `nav_html` and the labels following from them);
    /// - the view: every figure, name, link and chart the page shows, those from other
    ///   notes included, exactly as the template sees them (`page_title` is its name),
    ///   but the monthly chart and the people table, which are drawn from it and from
    ///   `client::drawn_from` (also in here) only when the page is made;
    /// - what `client::log_html` reads besides the language and the day: each entry's
    ///   day, kind, line, people, summary and body span (`fresh::entry_heads`, kept when
    ///   the build let go of the entries: `model::ShedLog`), and the log text's digest.
    ///
    /// The note's other bytes are not in it: the front matter holds what the page masks,
    /// and the view already has what the page shows of it.
    fn made_from(&self, i: usize, view: &ClientView) -> Option<[u8; 32]> {
        let made = self.made.as_ref()?;
        let c = self.site.ws.clients.get(i)?;
        let mut h = made.common.clone();
        let field = crate::fresh::field;
        field(&mut h, &c.log_digest?);
        field(&mut h, c.file.as_bytes());
        field(&mut h, c.name.as_bytes());
        let heads = c
            .shed
            .map_or_else(|| crate::fresh::entry_heads(&c.entries), |s| s.heads);
        field(&mut h, &heads);
        let (monthly, expected) = client::drawn_from(&self.site, i)?;
        h.update(&(monthly.len() as u64).to_le_bytes());
        for n in monthly {
            h.update(&n.to_le_bytes());
        }
        h.update(&expected.to_le_bytes());
        // Serialised whole, then hashed in one go: many small updates cost more.
        VIEW_BUFFER.with_borrow_mut(|buffer| {
            buffer.clear();
            serde_json::to_writer(
                &mut *buffer,
                &WithPlaybook {
                    page: &view.page,
                    p: None,
                    team: None,
                    pb: Some(&view.pb),
                },
            )
            .ok()?;
            // The people the table is drawn from (`people` is left out of the page's
            // own serialisation: the template reads `people_html`).
            serde_json::to_writer(&mut *buffer, &view.page.people).ok()?;
            field(&mut h, buffer);
            // One unusually large view does not keep its room for the rest.
            if buffer.capacity() > 1 << 22 {
                *buffer = Vec::new();
            }
            Some(*h.finalize().as_bytes())
        })
    }

    /// Client `i`'s page from its view: its log added, rendered (before the control
    /// check of `file`).
    fn client_page_of(&self, i: usize, view: ClientView) -> Result<Vec<u8>, Fatal> {
        let site = &self.site;
        let c = site.ws.clients.get(i).ok_or(Fatal::Bug("client index"))?;
        let ClientView { page: mut base, pb } = view;
        client::draw(site, i, &mut base).ok_or(Fatal::Bug("client page"))?;
        // Its entries and their bodies: read again from the note when not held.
        let log = site.ws.log(i)?;
        base.log_html = client::log_html(site.lang, &log.entries, &log.text, site.ws.today);
        let page = WithPlaybook {
            page: &base,
            p: None,
            team: None,
            pb: Some(&pb),
        };
        // The structured data behind the partials, when a user's template may read it.
        match (self.tpl.full_context, site.report.clients.get(i)) {
            (true, Some(r)) => {
                let client = client::context(site, i, &r, &base, &pb, &log)
                    .map_err(|e| templates::template_error(&tera::Error::json(e), &[]))?;
                self.render(
                    "client.html",
                    "../",
                    "clients",
                    &c.name,
                    "c",
                    &page,
                    &[("client", &client)],
                )
            }
            _ => self.render("client.html", "../", "clients", &c.name, "c", &page, &[]),
        }
    }

    /// The client index of the page `rel` (`clients/<slug>.html`), if it is one.
    fn client_index(&self, rel: &str) -> Option<usize> {
        self.client_of_slug(rel.strip_prefix("clients/")?.strip_suffix(".html")?)
    }

    /// The client whose page is `clients/<slug>.html`.
    fn client_of_slug(&self, slug: &str) -> Option<usize> {
        let slugs = &self.site.slugs;
        let at = self
            .client_of
            .binary_search_by(|&i| slugs.get(i as usize).map(String::as_str).cmp(&Some(slug)))
            .ok()?;
        self.client_of.get(at).map(|&i| i as usize)
    }
}

/// Render every page of `report` (built from `ws`) into `staging`.
pub fn render_site(
    ws: &Workspace,
    report: &Report<'_>,
    lang: Lang,
    staging: &Staging,
) -> Result<Built, Fatal> {
    render_site_timed(
        ws,
        report,
        lang,
        staging,
        None,
        &crate::timings::Busy::off(),
    )
}

/// The parts of `render_site_timed`'s thread time, in the order of `Busy` indices.
pub const RENDER_PARTS: [&str; 5] = [
    "set up",
    "render pages",
    "write pages",
    "feeds",
    "client views",
];

/// `render_site`, adding each thread's time spent rendering pages, writing them,
/// streaming the calendar feeds (rendered as written) and making the keyed client
/// pages' views and keys to `busy` (`RENDER_PARTS`).
///
/// With `made`, client pages are keyed by what they are made from (`Renderer::made_from`):
/// a page the previous build made from the same is linked from the previous site
/// without its log or template being rendered (`Staging::reuse_made`).
pub fn render_site_timed(
    ws: &Workspace,
    report: &Report<'_>,
    lang: Lang,
    staging: &Staging,
    made: Option<&MadeFrom>,
    busy: &crate::timings::Busy,
) -> Result<Built, Fatal> {
    if ws.team.recent.len() != ws.team.recent_at.len() {
        return Err(Fatal::Bug(
            "the newest contacts were not read again (fill_recent)",
        ));
    }
    // Templates compiled, the tables every page looks things up in.
    let r = busy.time(0, || Renderer::new_made(ws, report, lang, made))?;
    let io = |rel: &str| {
        let path = staging.path_of(rel);
        move |source| Fatal::Io { path, source }
    };
    let write = |rel: &str| -> Result<(), Fatal> {
        if let Some(feed) = r.feed_of(rel) {
            // Streamed into its file: a team's feed is tens of MB.
            return busy.time(3, || {
                let mut file = staging.create(rel).map_err(io(rel))?;
                r.write_feed(feed, &mut file).map_err(io(rel))?;
                file.finish().map_err(io(rel))
            });
        }
        // A client page: its view first, then (when pages are keyed) its key, and
        // only when that is not the previous build's is it rendered.
        if let Some(i) = r.client_index(rel) {
            let (view, from) = busy.time(4, || {
                r.client_page_view(i).map(|view| {
                    let from = r.made_from(i, &view);
                    (view, from)
                })
            })?;
            if let Some(from) = &from
                && busy.time(2, || staging.reuse_made(rel, from).map_err(io(rel)))?
            {
                return Ok(());
            }
            let bytes = busy.time(1, || r.client_page_of(i, view).map(visible_controls))?;
            let written = busy.time(2, || {
                match &from {
                    Some(from) => staging.write_made(rel, &bytes, from),
                    None => staging.write(rel, &bytes),
                }
                .map_err(io(rel))
            });
            keep_page_buffer(bytes);
            return written;
        }
        // The client list, the key clients' page and the calendar page, written as
        // their rows are made (80 and 60 MB, and tens of thousands of moments, at
        // 100,000 clients).
        if let Some(listing) = r.streams(rel) {
            return busy.time(1, || {
                let file = staging.create(rel).map_err(io(rel))?;
                let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
                r.write_listing(listing, &mut out)?.map_err(io(rel))?;
                let file = out.into_inner().map_err(|e| io(rel)(e.into_error()))?;
                file.finish().map_err(io(rel))
            });
        }
        let bytes = busy
            .time(1, || r.file(rel))?
            .ok_or(Fatal::Bug("a listed file has no content"))?;
        let written = busy.time(2, || staging.write(rel, &bytes).map_err(io(rel)));
        keep_page_buffer(bytes);
        written
    };
    // The overview pages (one after another: each page's data is dropped once written,
    // and they share the team figures and, the feeds last, the calendar's events, let
    // go of once the feeds are written) and the client pages
    // (on every core) are built side by side.
    // (The client pages' paths made one at a time: a list of 100,000 of them was 7 MB
    // held through the build.)
    let overview = r.files_but_clients();
    let (a, b) = rayon::join(
        || {
            let written = overview.iter().try_for_each(|f| write(f));
            r.release_events();
            written
        },
        || {
            (0..r.site.slugs.len())
                .into_par_iter()
                .try_for_each(|i| write(&r.site.client_href(i, "")))
        },
    );
    a?;
    b?;
    // The pages the routes say a site has, checked against those written.
    let pages = site::page_count(ws.clients.len(), r.site.rep_slugs.len());
    if pages != staging.pages() {
        return Err(Fatal::Bug("pages written differ from the routes"));
    }
    Ok(Built {
        pages,
        files: staging.pages() + staging.other_files(),
        unchanged: staging.unchanged(),
        unmade: staging.unmade(),
        overridden: r.tpl.overridden.clone(),
        templates: r.tpl.digest,
    })
}

/// A page's buffer goes back to this thread for its next page, unless it grew past
/// `KEPT_PAGE_BUFFER`: the client list's (8 MB at 10,000 clients) would otherwise stay
/// with its thread to the end of the build.
fn keep_page_buffer(bytes: Vec<u8>) {
    if bytes.capacity() <= KEPT_PAGE_BUFFER {
        PAGE_BUFFER.with_borrow_mut(|buffer| *buffer = bytes);
    }
}

const KEPT_PAGE_BUFFER: usize = 1 << 20;

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

/// A page whose table has a row per client (or per key client), so long that the
/// embedded page is rendered with `rows::ROWS_SLOT` in the table's place and the rows are
/// made into it afterwards, a few at a time (`Renderer::write_rows`): the client list (80
/// MB at 100,000 clients) and the key clients' page (60 MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listing {
    /// `clients.html`, from `rows::client_list_slotted`.
    Clients,
    /// `key.html`, its `rows_html` being `rows::ROWS_SLOT`.
    Key,
    /// `calendar.html`, its `moments_html` being `rows::ROWS_SLOT`.
    Calendar,
}

#[derive(Serialize)]
struct KeyPage<'a> {
    rows: &'a [views::KeyRow],
    /// The rows as ready-made HTML (`fragments::KeyRows`), or `rows::ROWS_SLOT`.
    rows_html: String,
    count: usize,
    trend_svg: String,
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

#[cfg(test)]
mod page_tests {
    use super::*;

    /// Every client page of the notes in `notes` is found by its path, and is its client's.
    fn every_client_page_found(notes: &std::path::Path) -> usize {
        let today = "2026-11-22".parse().unwrap();
        let ws = crate::workspace::load(notes, Some(today)).unwrap();
        let report = crate::report::build(&ws);
        let r = Renderer::new(&ws, &report, Lang::En).unwrap();
        let clients: Vec<String> = r
            .files()
            .into_iter()
            .filter(|f| f.starts_with("clients/"))
            .collect();
        assert_eq!(clients.len(), ws.clients.len());
        assert_eq!(r.site.slugs.len(), ws.clients.len());
        for (i, slug) in r.site.slugs.iter().enumerate() {
            let rel = format!("clients/{slug}.html");
            assert!(clients.contains(&rel), "{rel}");
            assert_eq!(r.client_index(&rel), Some(i), "{rel}");
            // The page found is that client's.
            let page = String::from_utf8(r.page(&rel).unwrap().unwrap()).unwrap();
            let name = crate::render::format::escape(&ws.clients[i].name);
            assert!(page.contains(&name), "{rel} names {name}");
        }
        // Control: paths that are no client's page find none.
        for rel in [
            "clients/nobody.html",
            "clients/.html",
            "reps/nobody.html",
            "clients/",
        ] {
            assert_eq!(r.client_index(rel), None, "{rel}");
            assert!(r.page(rel).unwrap().is_none(), "{rel}");
        }
        let first = r.site.slugs.first().unwrap();
        assert_eq!(r.client_index(&format!("clients/{first}x.html")), None);
        // How many slugs are out of the clients' (id) order.
        r.site.slugs.windows(2).filter(|w| w[0] > w[1]).count()
    }

    #[test]
    fn every_client_page_is_found_by_its_path() {
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
        every_client_page_found(&examples);
        // Ids whose slugs sort otherwise than they do (`Zeta` before `alpha`, `zeta`
        // after it), so that a lookup in id order would miss them.
        let dir = tempfile::tempdir().unwrap();
        for (file, id, name) in [
            ("a.md", "Zeta", "Zeta Ltd"),
            ("b.md", "alpha", "Alpha Co"),
            ("c.md", "Mid", "Mid Corp"),
            ("d.md", "beta", "Beta Inc"),
        ] {
            let note = format!("---\nid: {id}\nname: {name}\n---\n");
            std::fs::write(dir.path().join(file), note).unwrap();
        }
        assert!(every_client_page_found(dir.path()) > 0);
    }

    /// The view a client page is keyed by (`client_page_view`) has no chart and no
    /// people table to draw, and drawing them gives the whole page: every example
    /// client, in both languages.
    #[test]
    fn every_keyed_view_is_drawn_into_its_whole_page() {
        let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
        let today = "2026-11-22".parse().unwrap();
        let ws = crate::workspace::load(&examples, Some(today)).unwrap();
        let report = crate::report::build(&ws);
        for lang in [Lang::En, Lang::Zh] {
            let r = Renderer::new(&ws, &report, lang).unwrap();
            let mut with_people = 0;
            for i in 0..ws.clients.len() {
                let view = r.client_page_view(i).unwrap();
                assert!(view.page.monthly_svg.is_empty(), "{i}: undrawn");
                assert!(view.page.people_html.is_empty(), "{i}: undrawn");
                let diags: Vec<&Diagnostic> = ws
                    .diags
                    .iter()
                    .filter(|d| d.file == ws.clients[i].file)
                    .collect();
                let whole = client::client_page(&r.site, i, &diags).unwrap();
                // Control: the undrawn view is not the whole page.
                assert_ne!(
                    serde_json::to_string(&view.page).unwrap(),
                    serde_json::to_string(&whole).unwrap()
                );
                assert!(whole.monthly_svg.contains("<svg"), "{i}");
                with_people += usize::from(!whole.people.is_empty());
                let mut drawn = view.page;
                client::draw(&r.site, i, &mut drawn).unwrap();
                assert_eq!(
                    serde_json::to_string(&drawn).unwrap(),
                    serde_json::to_string(&whole).unwrap(),
                    "{i}"
                );
            }
            assert!(with_people > 5, "people tables drawn: {with_people}");
        }
    }
}
