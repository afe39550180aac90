//! Templates: Tera templates, the stylesheet and the script, embedded in the binary and
//! overridable, file by file, from a `templates/` folder in the notes folder.
//!
//! Every file under `templates/` (subfolders too) is read, if it is a regular file inside
//! the notes folder. A known name replaces the embedded file; any other `*.html` is added
//! as a new template (so `{% include "my_box.html" %}` works), with a warning when its
//! name is one edit or so from a known one (`clent.html`: did you mean `client.html`?).
//! A file that is not UTF-8, does not parse, or breaks the set (extends a template that
//! does not exist) is a warning naming it, and the embedded one is used: one bad override
//! never stops a build. `scan` finds all of this; `check` gives its warnings to the
//! workspace, so they show on the terminal and on the problems page.
//!
//! The repeated blocks of pages (contact log, people, role map, moments, deals,
//! complaints, client rows, rep rows) are partials (`partials/*.html`). Unless the user
//! overrides a partial, it is replaced by a one-line stub that places the same HTML
//! made in Rust (`fragments`, `client::log_html`): a template loop over 400,000 entries
//! was the slowest part of a large build. A test renders both and compares them.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

use crate::diag::Diagnostic;

/// (name, embedded text). Names are what a user's override file must be called.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("clients.html", include_str!("../../templates/clients.html")),
    ("client.html", include_str!("../../templates/client.html")),
    (
        "problems.html",
        include_str!("../../templates/problems.html"),
    ),
    ("reps.html", include_str!("../../templates/reps.html")),
    ("rep.html", include_str!("../../templates/rep.html")),
    (
        "referrals.html",
        include_str!("../../templates/referrals.html"),
    ),
    (
        "practices.html",
        include_str!("../../templates/practices.html"),
    ),
    (
        "calendar.html",
        include_str!("../../templates/calendar.html"),
    ),
    ("key.html", include_str!("../../templates/key.html")),
    (
        "followups.html",
        include_str!("../../templates/followups.html"),
    ),
    (
        "partials/missed.html",
        include_str!("../../templates/partials/missed.html"),
    ),
    (
        "partials/greet.html",
        include_str!("../../templates/partials/greet.html"),
    ),
    (
        "partials/contact_log.html",
        include_str!("../../templates/partials/contact_log.html"),
    ),
    (
        "partials/people.html",
        include_str!("../../templates/partials/people.html"),
    ),
    (
        "partials/role_map.html",
        include_str!("../../templates/partials/role_map.html"),
    ),
    (
        "partials/moments.html",
        include_str!("../../templates/partials/moments.html"),
    ),
    (
        "partials/deals.html",
        include_str!("../../templates/partials/deals.html"),
    ),
    (
        "partials/complaints.html",
        include_str!("../../templates/partials/complaints.html"),
    ),
    (
        "partials/client_rows.html",
        include_str!("../../templates/partials/client_rows.html"),
    ),
    (
        "partials/rep_rows.html",
        include_str!("../../templates/partials/rep_rows.html"),
    ),
    (
        "partials/key_rows.html",
        include_str!("../../templates/partials/key_rows.html"),
    ),
    (
        "partials/calendar_moments.html",
        include_str!("../../templates/partials/calendar_moments.html"),
    ),
    ("partials/nav.html", NAV),
];

const NAV: &str = include_str!("../../templates/partials/nav.html");

/// The name the embedded navigation is also loaded under, so that its fast path can
/// render it once per kind of page (`nav_html`) and not once per page.
pub const NAV_ONCE: &str = "__touchbase/nav.html";

/// The Rust fast path of each partial: a stub placing the HTML made in Rust, used while
/// the user has not overridden that partial. The stub reads the page's own variable, so
/// an override of the page that includes the partial still gets the fast path, and an
/// override of the partial itself always takes effect.
pub const FAST: &[(&str, &str)] = &[
    ("partials/contact_log.html", "{{ c.log_html | safe }}"),
    ("partials/people.html", "{{ c.people_html | safe }}"),
    ("partials/role_map.html", "{{ c.pb.roles_html | safe }}"),
    ("partials/moments.html", "{{ c.pb.moments_html | safe }}"),
    ("partials/deals.html", "{{ c.pb.deals_html | safe }}"),
    (
        "partials/complaints.html",
        "{{ c.pb.complaints_html | safe }}",
    ),
    ("partials/client_rows.html", "{{ l.rows_html | safe }}"),
    ("partials/rep_rows.html", "{{ r.rows_html | safe }}"),
    ("partials/key_rows.html", "{{ k.rows_html | safe }}"),
    (
        "partials/calendar_moments.html",
        "{{ cal.moments_html | safe }}",
    ),
    ("partials/nav.html", "{{ nav_html | safe }}"),
];

pub const STYLE: &str = include_str!("../../templates/style.css");

/// Our one script: sorting, filtering and search on the client list. Optional: every
/// page reads fine without it.
pub const SCRIPT: &str = include_str!("../../templates/app.js");

/// Every name a file in `templates/` can have to replace an embedded one.
pub fn known_names() -> impl Iterator<Item = &'static str> {
    EMBEDDED
        .iter()
        .map(|(n, _)| *n)
        .chain(["style.css", "app.js"])
}

pub struct Templates {
    pub tera: Tera,
    /// Whether any template still refers to `t` after labels were filled in (then every
    /// page gets the label table; otherwise copying it for each page is skipped).
    pub uses_labels: bool,
    pub style: String,
    pub script: String,
    /// Which files came from the user's folder.
    pub overridden: Vec<String>,
    /// Whether pages get their full structured data (`client`, `l.rows`, `r.rows`, the
    /// lists behind each partial): whenever any user template is in use. The embedded
    /// templates with their fast paths read none of it, so it is not built for them.
    pub full_context: bool,
    /// The digest of the templates folder as it was read (`UserFiles::digest`).
    pub digest: [u8; 32],
}

/// What the user's `templates/` folder holds that can be used, and what cannot.
#[derive(Default)]
pub struct UserFiles {
    /// (name, text) of every usable template, by name.
    pub templates: Vec<(String, String)>,
    pub style: Option<String>,
    pub script: Option<String>,
    /// Warnings about the folder's files, each naming its file (`templates/x.html`).
    pub diags: Vec<Diagnostic>,
    /// A digest (BLAKE3) of what was read: each file's path and bytes, or why it was not
    /// read. The site's record of its inputs takes it (`fresh::head`).
    pub digest: [u8; 32],
}

/// `scan`'s digest of the notes folder `root`'s `templates/` folder.
pub fn digest(root: &Path) -> [u8; 32] {
    scan(&root.join("templates")).digest
}

/// The warnings of the notes folder `root`'s `templates/` folder (for the workspace).
pub fn check(root: &Path) -> Vec<Diagnostic> {
    scan(&root.join("templates")).diags
}

/// Read every file of the templates folder `dir`, keep what can be used and warn about
/// the rest. Hidden files (`.DS_Store`) are left alone. Links and files that resolve
/// outside the notes folder are not read (`discover` warns about those at the top level,
/// this about those in subfolders).
pub fn scan(dir: &Path) -> UserFiles {
    let mut out = UserFiles::default();
    if !dir.is_dir() {
        return out;
    }
    let root = dir.parent().unwrap_or(dir);
    // A folder that leads outside the notes folder is not read, not even its names
    // (`discover` warns about it).
    if let (Ok(real), Ok(notes)) = (std::fs::canonicalize(dir), std::fs::canonicalize(root))
        && !real.starts_with(notes)
    {
        return out;
    }
    let known: Vec<&str> = known_names().collect();
    let mut seen = blake3::Hasher::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker.filter_map(Result::ok) {
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel_path) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let file = format!("templates/{rel}");
        let warn = |message: String, help: &str| Diagnostic::warning(&file, message).help(help);
        let read = crate::discover::read_inside(root, entry.path());
        for part in [rel.as_bytes(), b"\0"] {
            seen.update(part);
        }
        match &read {
            Ok(Some(b)) => seen.update(&(b.len() as u64).to_le_bytes()).update(b),
            Ok(None) => seen.update(b"missing\0"),
            Err(why) => seen
                .update(b"not read: ")
                .update(why.as_bytes())
                .update(b"\0"),
        };
        let bytes = match read {
            Ok(Some(b)) => b,
            Ok(None) => continue,
            Err(why) if why == "it is a folder" => continue,
            Err(why) => {
                if entry.depth() > 1 {
                    out.diags.push(warn(
                        format!("skipped: {why}"),
                        "the built-in template is used instead",
                    ));
                }
                continue;
            }
        };
        let is_known = known.contains(&rel.as_str());
        let is_html = rel.ends_with(".html");
        if !is_known && !is_html {
            let help = match crate::suggest::closest(&rel, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "templates are `*.html` files; `style.css` and `app.js` replace the stylesheet and the script".into(),
            };
            out.diags.push(warn(
                format!("`{rel}` matches no template name and is not used"),
                &help,
            ));
            continue;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                out.diags.push(warn(
                    "not UTF-8 text: not used".into(),
                    if is_known {
                        "save it as UTF-8; the built-in one is used instead"
                    } else {
                        "save it as UTF-8"
                    },
                ));
                continue;
            }
        };
        let text = match text.strip_prefix('\u{feff}') {
            Some(t) => t.to_string(),
            None => text,
        };
        match rel.as_str() {
            "style.css" => {
                out.style = Some(text);
                continue;
            }
            "app.js" => {
                out.script = Some(text);
                continue;
            }
            _ => {}
        }
        if let Err(e) = tera::Template::new(&rel, None, &text) {
            out.diags.push(parse_warning(&file, &e, &text, is_known));
            continue;
        }
        if !is_known {
            let stem = rel.strip_suffix(".html").unwrap_or(&rel);
            let stems = EMBEDDED.iter().filter_map(|(n, _)| n.strip_suffix(".html"));
            if let Some(s) = crate::suggest::closest(stem, stems) {
                out.diags.push(warn(
                    format!("`{rel}` matches no template name: it is added as a new template"),
                    &format!(
                        "did you mean `{s}.html`? (if it is a new partial, give it a name further from the built-in ones)"
                    ),
                ));
            }
        }
        out.templates.push((rel, text));
    }
    out.digest = *seen.finalize().as_bytes();
    // Templates that parse one by one can still fail together (`extends` of a template
    // that does not exist, a loop of `extends`): leave out the one named, and retry.
    while !out.templates.is_empty() {
        let Err(e) = assemble(&out.templates) else {
            break;
        };
        let why = describe(&e);
        let culprit = out.templates.iter().position(|(n, _)| {
            why.contains(&format!("'{n}'")) || why.contains(&format!("\"{n}\""))
        });
        let dropped: Vec<(String, String)> = match culprit {
            Some(i) => vec![out.templates.remove(i)],
            None => std::mem::take(&mut out.templates),
        };
        for (name, _) in dropped {
            out.diags.push(
                Diagnostic::warning(&format!("templates/{name}"), format!("not used: {why}"))
                    .help("the built-in template is used instead"),
            );
        }
    }
    out
}

/// The embedded templates with `user`'s in their place, as Tera would load them.
fn assemble(user: &[(String, String)]) -> tera::Result<Tera> {
    let mut tera = Tera::default();
    let mut sources: BTreeMap<&str, &str> = EMBEDDED.iter().copied().collect();
    for (n, t) in user {
        sources.insert(n, t);
    }
    tera.add_raw_templates(sources)?;
    Ok(tera)
}

/// A parse error as a warning at its line (pest reports ` --> line:column`).
fn parse_warning(file: &str, e: &tera::Error, text: &str, known: bool) -> Diagnostic {
    let why = describe(e);
    let spot = why.split_once(" --> ").and_then(|(_, rest)| {
        let (line, rest) = rest.split_once(':')?;
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((
            line.trim().parse::<usize>().ok()?,
            column.parse::<usize>().ok()?,
        ))
    });
    // The first line of Tera's message says which template; the rest is pest's picture.
    let reason = why
        .lines()
        .filter(|l| l.trim_start().starts_with('='))
        .map(|l| l.trim_start().trim_start_matches('=').trim())
        .next_back()
        .unwrap_or("it does not parse");
    let mut d =
        Diagnostic::warning(file, format!("template does not parse: {reason}")).help(if known {
            "the built-in template is used instead"
        } else {
            "it is not used"
        });
    if let Some((line, column)) = spot {
        let source = text.split('\n').nth(line.saturating_sub(1)).unwrap_or("");
        d = d.at(line, column, 1, source);
    }
    d
}

/// Load the embedded templates, replaced by any same-named file in `dir`, and the user's
/// new templates. Plain label references (`{{ t.overdue }}`) are filled in once here,
/// from `labels`, rather than looked up on every page: the result is the same, and large
/// sites build faster.
pub fn load(
    dir: &Path,
    labels: &BTreeMap<&str, &str>,
    lang: crate::config::Lang,
    today: crate::model::Date,
) -> Result<Templates, crate::workspace::Fatal> {
    let user = scan(dir);
    let digest = user.digest;
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (name, text) in EMBEDDED {
        sources.insert((*name).to_string(), (*text).to_string());
    }
    for (name, stub) in FAST {
        sources.insert((*name).to_string(), (*stub).to_string());
    }
    sources.insert(NAV_ONCE.to_string(), NAV.to_string());
    let mut overridden = Vec::new();
    for (name, text) in user.templates {
        overridden.push(name.clone());
        sources.insert(name, text);
    }
    let full_context = !overridden.is_empty();
    let sources: Vec<(String, String)> = sources
        .into_iter()
        .map(|(name, text)| {
            let text = inline_labels(&text, labels);
            (name, text)
        })
        .collect();
    let style = match user.style {
        Some(s) => {
            overridden.push("style.css".into());
            s
        }
        None => STYLE.to_string(),
    };
    let script = match user.script {
        Some(s) => {
            overridden.push("app.js".into());
            s
        }
        None => SCRIPT.to_string(),
    };
    overridden.sort();
    let uses_labels = sources.iter().any(|(_, text)| refers_to_t(text));
    let mut tera = if full_context {
        tera_of(sources, lang).map_err(|e| template_error(&e, &overridden))?
    } else {
        built_in(sources, lang).map_err(|e| template_error(&e, &overridden))?
    };
    // `short` knows the report's year (the rest of the Tera is cached across reports).
    super::format::register_short(&mut tera, lang, today);
    Ok(Templates {
        tera,
        uses_labels,
        style,
        script,
        overridden,
        full_context,
        digest,
    })
}

/// The built-in templates with these labels, parsed once per process (and language and
/// labels) and cloned after: parsing them is most of a small build's time (and of every
/// `serve` rebuild and fuzz run); a clone is a copy of the parsed trees.
fn built_in(sources: Vec<(String, String)>, lang: crate::config::Lang) -> tera::Result<Tera> {
    type Cache = Vec<((crate::config::Lang, Vec<(String, String)>), Tera)>;
    static CACHE: std::sync::Mutex<Cache> = std::sync::Mutex::new(Vec::new());
    let key = (lang, sources);
    if let Ok(cache) = CACHE.lock()
        && let Some((_, tera)) = cache.iter().find(|(k, _)| *k == key)
    {
        return Ok(tera.clone());
    }
    let tera = tera_of(key.1.clone(), lang)?;
    if let Ok(mut cache) = CACHE.lock() {
        // A handful of languages and label sets at most; keep the newest few.
        if cache.len() >= 4 {
            cache.remove(0);
        }
        cache.push((key, tera.clone()));
    }
    Ok(tera)
}

/// A Tera for the site: autoescape on `.html` with our own escaping (the same as the
/// HTML made in Rust), our filters, no access to the environment.
pub fn tera_of(sources: Vec<(String, String)>, lang: crate::config::Lang) -> tera::Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(super::escape);
    // Templates are trusted code, but they cannot read the environment (CI runs with
    // secrets in it) nor files: Tera's one built-in that could, `get_env`, is replaced.
    // (`now` and `get_random` exist only with Tera's default features, which are off.)
    tera.register_function("get_env", no_environment);
    super::format::register_filters(&mut tera, lang);
    tera.add_raw_templates(sources)?;
    Ok(tera)
}

/// A Tera error as a `Fatal::Template`, naming the template it is about when the
/// message does (Tera quotes it: `Failed to parse "client.html"`).
pub fn template_error(e: &tera::Error, overridden: &[String]) -> crate::workspace::Fatal {
    let why = describe(e);
    let name = EMBEDDED
        .iter()
        .map(|(n, _)| *n)
        .find(|n| why.contains(&format!("'{n}'")) || why.contains(&format!("\"{n}\"")))
        .map(str::to_string);
    crate::workspace::Fatal::Template {
        yours: name.as_ref().is_some_and(|n| overridden.contains(n)),
        name,
        why,
    }
}

/// Stands in for Tera's `get_env`: always an error, whatever is asked.
fn no_environment(_: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    Err(tera::Error::msg("templates cannot read the environment"))
}

/// A Tera error with its chain of causes (the useful part is usually last).
pub fn describe(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Does a template mention the variable `t` (as `t.x`, `t[x]` or `t |`)?
fn refers_to_t(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b't'
            && !i
                .checked_sub(1)
                .and_then(|j| b.get(j))
                .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_' || *p == b'.')
            && matches!(b.get(i + 1), Some(b'.' | b'['))
    })
}

/// Replace `{{ t.key }}` by the label's text, HTML-escaped (as autoescape would).
/// Unknown keys and any other use of `t` are left for Tera.
pub fn inline_labels(text: &str, labels: &BTreeMap<&str, &str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{ t.") {
        let after = rest.get(start + 5..).unwrap_or("");
        let key_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let key = after.get(..key_len).unwrap_or("");
        let tail = after.get(key_len..).unwrap_or("");
        match (labels.get(key), tail.strip_prefix(" }}")) {
            (Some(label), Some(remaining)) => {
                let before = rest.get(..start).unwrap_or("");
                out.push_str(before);
                out.push_str(&inert(&super::escape(label), before.ends_with('{')));
                rest = remaining;
            }
            _ => {
                out.push_str(rest.get(..start + 5).unwrap_or(""));
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A label as template text that stays text: a label (from `labels:` in
/// touchbase.yaml) that could open a Tera tag, alone or with the `{` before it, has its
/// `{` written as `&#123;`.
fn inert(label: &str, after_brace: bool) -> std::borrow::Cow<'_, str> {
    let opens = ["{{", "{%", "{#"].iter().any(|o| label.contains(o))
        || (after_brace && label.starts_with(['{', '%', '#']))
        || label.ends_with('{');
    if opens {
        label.replace('{', "&#123;").into()
    } else {
        label.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_inlined_and_escaped() {
        let labels: BTreeMap<&str, &str> = [("a", "A & B"), ("b", "乙")].into_iter().collect();
        assert_eq!(
            inline_labels(
                "<p>{{ t.a }}|{{ t.b }}|{{ t.zz }}|{{ t.a | upper }}</p>",
                &labels
            ),
            "<p>A &amp; B|乙|{{ t.zz }}|{{ t.a | upper }}</p>"
        );
    }

    #[test]
    fn finds_remaining_label_uses() {
        assert!(refers_to_t("{{ t.x | upper }}"));
        assert!(refers_to_t("{{ t[key] }}"));
        assert!(!refers_to_t("{{ c.t }} {{ at.x }} test.html"));
    }

    #[test]
    fn embedded_templates_compile_in_both_languages() {
        for lang in [crate::config::Lang::En, crate::config::Lang::Zh] {
            let labels = super::super::i18n::table(lang);
            let t = load(
                Path::new("/nonexistent"),
                &labels,
                lang,
                "2026-11-22".parse().unwrap(),
            )
            .unwrap();
            assert!(t.overridden.is_empty());
            assert!(
                !t.uses_labels,
                "every label in the embedded templates is filled in"
            );
            // Every label reference in the embedded templates is a known label.
            for (name, text) in EMBEDDED {
                assert!(
                    !inline_labels(text, &labels).contains("{{ t."),
                    "unknown label in {name}"
                );
            }
        }
        // The labels really are filled in per language: every template that uses a
        // label reads differently in English and Chinese.
        let (en, zh) = (
            super::super::i18n::table(crate::config::Lang::En),
            super::super::i18n::table(crate::config::Lang::Zh),
        );
        let mut with_labels = 0;
        for (name, text) in EMBEDDED {
            if text.contains("{{ t.") {
                with_labels += 1;
                assert_ne!(
                    inline_labels(text, &en),
                    inline_labels(text, &zh),
                    "{name} is the same in both languages"
                );
            }
        }
        assert!(with_labels >= 5, "only {with_labels} templates use labels");
    }
}
