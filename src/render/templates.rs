//! Templates: Tera templates and the stylesheet, embedded in the binary and
//! overridable, file by file, from a `templates/` folder in the notes folder.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

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
];

pub const STYLE: &str = include_str!("../../templates/style.css");

/// Our one script: sorting, filtering and search on the client list. Optional: every
/// page reads fine without it.
pub const SCRIPT: &str = include_str!("../../templates/app.js");

pub struct Templates {
    pub tera: Tera,
    /// Whether any template still refers to `t` after labels were filled in (then every
    /// page gets the label table; otherwise copying it for each page is skipped).
    pub uses_labels: bool,
    pub style: String,
    /// Which files came from the user's folder.
    pub overridden: Vec<String>,
}

/// Load the embedded templates, replaced by any same-named file in `dir`. Plain label
/// references (`{{ t.overdue }}`) are filled in once here, from `labels`, rather than
/// looked up on every page: the result is the same, and large sites build faster.
pub fn load(
    dir: &Path,
    labels: &BTreeMap<&str, &str>,
    lang: crate::config::Lang,
) -> Result<Templates, crate::workspace::Fatal> {
    let mut overridden = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    // A user's file is read only if it is a regular file inside the notes folder (the
    // folder that holds `templates/`): a link to elsewhere is skipped (discover warns).
    let root = dir.parent().unwrap_or(dir);
    let custom = |name: &str| {
        crate::discover::read_inside(root, &dir.join(name))
            .ok()
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    for (name, text) in EMBEDDED {
        let text = match custom(name) {
            Some(t) => {
                overridden.push((*name).to_string());
                t
            }
            None => (*text).to_string(),
        };
        sources.push(((*name).to_string(), inline_labels(&text, labels)));
    }
    let style = match custom("style.css") {
        Some(s) => {
            overridden.push("style.css".into());
            s
        }
        None => STYLE.to_string(),
    };
    let uses_labels = sources.iter().any(|(_, text)| refers_to_t(text));
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Templates are trusted code, but they cannot read the environment (CI runs with
    // secrets in it) nor files: Tera's one built-in that could, `get_env`, is replaced.
    // (`now` and `get_random` exist only with Tera's default features, which are off.)
    tera.register_function("get_env", no_environment);
    super::format::register_filters(&mut tera, lang);
    tera.add_raw_templates(sources)
        .map_err(|e| template_error(&e, &overridden))?;
    Ok(Templates {
        tera,
        uses_labels,
        style,
        overridden,
    })
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
                out.push_str(rest.get(..start).unwrap_or(""));
                out.push_str(&super::escape(label));
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
            let t = load(Path::new("/nonexistent"), &labels, lang).unwrap();
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
