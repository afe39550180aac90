//! The site being rendered and its routes: what every page needs to link and label
//! things (`Site`), and the one table of the site's fixed pages (`ROUTES`), from which
//! the navigation, the page count and the link test are derived.

use super::charts;
use super::i18n;
use crate::config::Lang;
use crate::report::Report;
use crate::workspace::Workspace;

/// One fixed page of the site.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Route {
    /// The file, from the site's root; also the template's name.
    pub path: &'static str,
    /// The navigation key (`nav` in the templates; a client page is under `clients`).
    pub nav: &'static str,
    /// The label key of its title and navigation link.
    pub title: &'static str,
}

/// The calendar page's path (one of `ROUTES`).
pub const CALENDAR_PATH: &str = "calendar.html";

/// The site's fixed pages, in navigation order. Besides them: one page per client
/// (`clients/<slug>.html`, template `client.html`) and per rep (`reps/<slug>.html`,
/// template `rep.html`).
pub const ROUTES: [Route; 8] = [
    Route {
        path: "index.html",
        nav: "dashboard",
        title: "nav_dashboard",
    },
    Route {
        path: "clients.html",
        nav: "clients",
        title: "nav_clients",
    },
    Route {
        path: "key.html",
        nav: "key",
        title: "nav_key",
    },
    Route {
        path: "reps.html",
        nav: "reps",
        title: "nav_reps",
    },
    Route {
        path: "followups.html",
        nav: "followups",
        title: "nav_followups",
    },
    Route {
        path: CALENDAR_PATH,
        nav: "calendar",
        title: "nav_calendar",
    },
    Route {
        path: "referrals.html",
        nav: "referrals",
        title: "nav_referrals",
    },
    Route {
        path: "problems.html",
        nav: "problems",
        title: "nav_problems",
    },
];

/// How many HTML pages a site of `clients` clients and `reps` reps has.
pub fn page_count(clients: usize, reps: usize) -> usize {
    ROUTES.len() + clients + reps
}

/// A navigation link as the templates get it (`nav_pages`).
#[derive(serde::Serialize)]
pub struct NavLink {
    pub path: &'static str,
    pub nav: &'static str,
    pub label: &'static str,
}

/// The navigation, in the site's language.
pub fn nav_links(lang: Lang) -> Vec<NavLink> {
    ROUTES
        .iter()
        .map(|r| NavLink {
            path: r.path,
            nav: r.nav,
            label: i18n::label(lang, r.title),
        })
        .collect()
}

/// What every page needs to link and label things.
pub struct Site<'a> {
    pub ws: &'a Workspace,
    /// The one analysed value: every figure a page shows comes from it.
    pub report: &'a Report<'a>,
    pub lang: Lang,
    /// `slugs[i]` is the page name of `ws.clients[i]`.
    pub slugs: Vec<String>,
    /// Per client: does its note have diagnostics?
    pub has_problems: Vec<bool>,
    pub frames: charts::FrameCache,
    /// Page names of the reps, in `playbook.books` order.
    pub rep_slugs: Vec<String>,
    /// The months of every client's monthly chart, named (`client::chart_months`).
    pub months: Vec<String>,
}

impl Site<'_> {
    pub fn rep_href(&self, owner: Option<&str>, root: &str) -> String {
        let owner = owner.unwrap_or("");
        self.ws
            .playbook
            .books
            .iter()
            .position(|b| b.owner == owner)
            .and_then(|i| self.rep_slugs.get(i))
            .map(|s| format!("{root}reps/{s}.html"))
            .unwrap_or_default()
    }

    /// A rep as the pages name them: the owner as written, or "no owner".
    pub fn rep_name(&self, owner: &str) -> String {
        if owner.is_empty() {
            i18n::label(self.lang, "no_owner").to_string()
        } else {
            owner.to_string()
        }
    }

    pub fn client_href(&self, i: usize, root: &str) -> String {
        format!(
            "{root}clients/{}.html",
            self.slugs.get(i).map_or("", String::as_str)
        )
    }
}
