//! Templates: Tera templates and the stylesheet, embedded in the binary and
//! overridable, file by file, from a `templates/` folder in the notes folder.

use std::path::Path;

use tera::Tera;

/// (name, embedded text). Names are what a user's override file must be called.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("clients.html", include_str!("../../templates/clients.html")),
    ("client.html", include_str!("../../templates/client.html")),
    (
        "problems.html",
        include_str!("../../templates/problems.html"),
    ),
];

pub const STYLE: &str = include_str!("../../templates/style.css");

pub struct Templates {
    pub tera: Tera,
    pub style: String,
    /// Which files came from the user's folder.
    pub overridden: Vec<String>,
}

/// Load the embedded templates, replaced by any same-named file in `dir`.
pub fn load(dir: &Path) -> Result<Templates, String> {
    let mut overridden = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, text) in EMBEDDED {
        let custom = dir.join(name);
        let text = match std::fs::read_to_string(&custom) {
            Ok(t) => {
                overridden.push((*name).to_string());
                t
            }
            Err(_) => (*text).to_string(),
        };
        sources.push(((*name).to_string(), text));
    }
    let style = match std::fs::read_to_string(dir.join("style.css")) {
        Ok(s) => {
            overridden.push("style.css".into());
            s
        }
        Err(_) => STYLE.to_string(),
    };
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.add_raw_templates(sources).map_err(|e| describe(&e))?;
    Ok(Templates {
        tera,
        style,
        overridden,
    })
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
