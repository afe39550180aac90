//! The loaded notes folder: configuration, every client, their analysis and every
//! diagnostic, ready for `check`, `export` or `build`. This is where the stages meet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analyse::{self, ClientStats, Team};
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic};
use crate::discover;
use crate::model::{Client, Date};
use crate::parse;
use crate::suggest::closest;

pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub today: Date,
    /// Sorted by id, ids unique.
    pub clients: Vec<Client>,
    /// `stats[i]` belongs to `clients[i]`.
    pub stats: Vec<ClientStats>,
    pub team: Team,
    /// Every problem, sorted by file and position.
    pub diags: Vec<Diagnostic>,
    /// How many note files were read.
    pub files: usize,
}

/// Why nothing could be done (exit status 2).
#[derive(Debug)]
pub enum Fatal {
    NoFolder(PathBuf),
    Config(Vec<Diagnostic>),
    Other(String),
}

impl Workspace {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    pub fn client_index(&self, id: &str) -> Option<usize> {
        self.clients
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
    }
}

/// Today's date in the configured time zone (or the system's).
pub fn local_today(config: &Config) -> Date {
    let now = jiff::Zoned::now();
    match config
        .timezone
        .as_deref()
        .and_then(|tz| jiff::tz::TimeZone::get(tz).ok())
    {
        Some(tz) => now.with_time_zone(tz).date(),
        None => now.date(),
    }
}

/// Load and analyse the notes under `root`.
pub fn load(root: &Path, today: Option<Date>) -> Result<Workspace, Fatal> {
    if !root.is_dir() {
        return Err(Fatal::NoFolder(root.to_path_buf()));
    }
    let config = config::load(root).map_err(Fatal::Config)?;
    let today = today.unwrap_or_else(|| local_today(&config));
    let (files, unreadable) = discover::discover(root);
    let mut diags: Vec<Diagnostic> = unreadable
        .into_iter()
        .map(|(path, why)| Diagnostic::error(&path, format!("cannot read: {why}")))
        .collect();

    let parsed: Vec<parse::Parsed> = files
        .par_iter()
        .map(|f| match std::fs::read(&f.path) {
            Ok(bytes) => parse::parse_note(&f.rel, &f.stem, &bytes, today),
            Err(e) => parse::Parsed {
                client: None,
                diags: vec![Diagnostic::error(&f.rel, format!("cannot read: {e}"))],
            },
        })
        .collect();

    // Files come sorted by path, so "first" below means first by path.
    let mut by_id: BTreeMap<String, Client> = BTreeMap::new();
    for p in parsed {
        diags.extend(p.diags);
        let Some(client) = p.client else { continue };
        if let Some(first) = by_id.get(&client.id) {
            let mut d = Diagnostic::error(
                &client.file,
                format!("id `{}` is already used by {}", client.id, first.file),
            )
            .help("give this client its own `id:` (ids name the client's page and must be unique)");
            match client.anchor("id") {
                Some(a) => d = d.at(a.line, a.column, a.width, &a.source),
                None => {
                    d.line = 1;
                    d.column = 1;
                }
            }
            diags.push(d);
            continue;
        }
        by_id.insert(client.id.clone(), client);
    }
    let clients: Vec<Client> = by_id.into_values().collect();
    diags.extend(check_references(&clients));

    let stats: Vec<ClientStats> = clients
        .par_iter()
        .map(|c| analyse::client_stats(c, today, &config.cadences))
        .collect();
    let team = analyse::team(&clients, &stats, today, 20);
    diag::sort(&mut diags);
    Ok(Workspace {
        root: root.to_path_buf(),
        config,
        today,
        clients,
        stats,
        team,
        diags,
        files: files.len(),
    })
}

/// `referred_by` must name a known client id.
fn check_references(clients: &[Client]) -> Vec<Diagnostic> {
    let ids: Vec<&str> = clients.iter().map(|c| c.id.as_str()).collect();
    clients
        .iter()
        .filter_map(|c| {
            let r = c.referred_by.as_deref()?;
            if ids.binary_search(&r).is_ok() {
                return None;
            }
            let help = match closest(r, ids.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`referred_by` takes another client's id (its file name without .md)"
                    .to_string(),
            };
            let mut d =
                Diagnostic::warning(&c.file, format!("`referred_by: {r}` names no known client"))
                    .help(help);
            if let Some(a) = c.anchor("referred_by") {
                d = d.at(a.line, a.column, a.width, &a.source);
            }
            Some(d)
        })
        .collect()
}
