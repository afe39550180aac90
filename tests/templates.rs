//! Templates see everything (issue 9): every page's data in its template, partials for
//! the repeated blocks, every file of `templates/` loaded or warned about, `style.css`
//! and `app.js` overridable, and labels from touchbase.yaml. Runs the real binary.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const PARTIALS: [&str; 11] = [
    "contact_log",
    "people",
    "role_map",
    "moments",
    "deals",
    "complaints",
    "client_rows",
    "rep_rows",
    "key_rows",
    "calendar_moments",
    "nav",
];

/// A copy of `example-notes` in a new temporary folder (`<tmp>/notes`).
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let notes = common::example_copy(dir.path());
    (dir, notes)
}

fn put(notes: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = notes.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Build `notes` in `lang` into `<notes>/../site-<lang>`; (site, stdout+stderr, exit code).
fn build(notes: &Path, lang: &str) -> (PathBuf, String, i32) {
    build_into(notes, lang, &format!("site-{lang}"))
}

/// `build` into `<notes>/../<name>`.
fn build_into(notes: &Path, lang: &str, name: &str) -> (PathBuf, String, i32) {
    let out = notes.parent().unwrap().join(name);
    let o = Command::cargo_bin("touchbase")
        .unwrap()
        .args([
            "build",
            notes.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--today", "2026-11-22", "--lang", lang])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (out, text, o.status.code().unwrap_or(-1))
}

/// The name of note `i` of a long list: Chinese with `<b>` in it, and at `odd` one with
/// `&` and a control character (a YAML `\u0007`).
fn odd_name(i: usize, odd: usize) -> String {
    if i == odd {
        "Bell\\u0007 & Co".to_string()
    } else {
        format!("客户 {i:03} <b>Ltd</b>")
    }
}

/// Copies of the embedded `pages` (paths in `templates/`) put in `notes` as your own.
fn own_copies(notes: &Path, pages: &[&str]) {
    for page in pages {
        let text = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("templates")
                .join(page),
        )
        .unwrap();
        put(notes, &format!("templates/{page}"), text);
    }
}

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn client_pages(site: &Path) -> Vec<PathBuf> {
    common::html_files(&site.join("clients"))
}

#[test]
fn the_client_template_gets_client_people_entries_and_followups() {
    let (_d, notes) = example_copy();
    put(
        &notes,
        "templates/client.html",
        "<ul>{% for p in client.people %}<li class=p>{{ p.name }} {{ p.role }} {{ p.title }} [{{ p.phone }}|{{ p.family }}]</li>{% endfor %}</ul>\
         <ol>{% for e in client.entries %}<li class=e>{{ e.date }} {{ e.kind }} {{ e.people | join(sep=\",\") }} {{ e.summary }} {{ e.html | safe }}</li>{% endfor %}</ol>\
         <ul>{% for f in client.followups %}<li class=f>{{ f.date }} {{ f.text }} {{ f.done }} {{ f.missed }} {{ f.line }}</li>{% endfor %}</ul>\
         <p>{{ c.name }}</p>",
    );
    for lang in ["en", "zh"] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        let page = read(&site, "clients/huadong-jiancai.html");
        // Front matter: 刘建国, decision-maker, with his title; roles as English keys.
        assert!(
            page.contains("<li class=p>刘建国 decision-maker 总经理 ["),
            "{lang}: {page}"
        );
        // Entries: ISO date, English kind, people, summary, the body as sanitised HTML.
        assert!(
            page.contains(
                "<li class=e>2026-11-12 visit 周敏,孙浩 仓库盘点 + 明年框架协议 <p>去莘庄仓库"
            ),
            "{lang}: {page}"
        );
        assert!(page.contains("<li class=p>孙浩 user 仓储主管 ["), "{lang}");
        // Privacy as on the page: the phone masked, family left out.
        assert!(!page.contains("0162"), "{lang}: {page}");
        assert!(page.contains("|]</li>"), "{lang}: family is empty");
        // Follow-ups, open and done, with their state and line.
        assert!(
            page.contains("<li class=f>2026-11-28 邮件 — 发明年框架协议初稿和[报价单](https://example.com/q.pdf) false false 64"),
            "{lang}: {page}"
        );
        assert!(
            page.contains("<li class=f>2026-11-14 把库存周转表发给孙浩 true false "),
            "{lang}: a done follow-up: {page}"
        );
        // Today's variables still work beside it.
        assert!(page.contains("<p>华东建材集团有限公司</p>"), "{lang}");
    }
}

#[test]
fn the_embedded_partials_make_the_same_pages_as_the_fast_paths() {
    let (_d, notes) = example_copy();
    let (plain_en, _, _) = build_into(&notes, "en", "plain-en");
    let (plain_zh, _, _) = build_into(&notes, "zh", "plain-zh");
    // The calendar's list has birthdays (what the override test looks for the absence of).
    assert!(read(&plain_en, "calendar.html").contains("m-birthday"));
    // The embedded partials as the user's own: the Tera loops run instead of Rust.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/partials");
    for p in PARTIALS {
        let text = std::fs::read(src.join(format!("{p}.html"))).unwrap();
        put(&notes, &format!("templates/partials/{p}.html"), text);
    }
    for (lang, plain) in [("en", plain_en), ("zh", plain_zh)] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        for p in PARTIALS {
            assert!(
                log.contains(&format!("using your template partials/{p}.html")),
                "{log}"
            );
        }
        let pages = common::html_files(&plain);
        assert!(pages.len() > 20);
        for page in pages {
            let rel = page.strip_prefix(&plain).unwrap();
            assert_eq!(
                std::fs::read_to_string(&page).unwrap(),
                read(&site, rel.to_str().unwrap()),
                "{lang}: {} differs",
                rel.display()
            );
        }
    }
}

#[test]
fn an_override_of_each_partial_shows_where_it_is_used() {
    let (_d, notes) = example_copy();
    for p in PARTIALS {
        put(
            &notes,
            &format!("templates/partials/{p}.html"),
            format!("[[{p}]]"),
        );
    }
    for lang in ["en", "zh"] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        let clients = client_pages(&site);
        assert_eq!(clients.len(), 17);
        for page in &clients {
            let html = std::fs::read_to_string(page).unwrap();
            for p in ["people", "role_map", "moments", "deals", "complaints"] {
                assert!(
                    html.contains(&format!("[[{p}]]")),
                    "{lang}: {p} in {page:?}"
                );
            }
            // The log's partial is used wherever there is a log (one client has none).
            assert!(
                !html.contains("class=\"log\""),
                "{lang}: the Rust log is gone"
            );
        }
        let with_log = clients
            .iter()
            .filter(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .contains("[[contact_log]]")
            })
            .count();
        assert_eq!(with_log, 16, "{lang}");
        let list = read(&site, "clients.html");
        assert!(
            list.contains("[[client_rows]]") && !list.contains("data-tier="),
            "{lang}"
        );
        let key = read(&site, "key.html");
        assert!(
            key.contains("[[key_rows]]") && !key.contains("<tr><th scope=\"row\">"),
            "{lang}"
        );
        let calendar = read(&site, "calendar.html");
        assert!(
            calendar.contains("[[calendar_moments]]") && !calendar.contains("m-birthday"),
            "{lang}"
        );
        let reps = common::html_files(&site.join("reps"));
        assert!(reps.len() >= 4);
        for rep in reps {
            let html = std::fs::read_to_string(&rep).unwrap();
            assert!(html.contains("[[rep_rows]]"), "{lang}: {rep:?}");
        }
        // The navigation is on every page, in the site's folder and below it.
        let pages = common::html_files(&site);
        assert!(pages.len() > 20);
        for page in pages {
            let html = std::fs::read_to_string(&page).unwrap();
            assert!(
                html.contains("<nav aria-label=") && html.contains("[[nav]]"),
                "{lang}: {page:?}"
            );
        }
    }
}

/// The embedded client list makes its rows straight into the page, where its partial's
/// stub leaves a slot; a copy of the page as the user's own gets them through Tera.
/// Both are the same page, in both languages, and the slot never shows.
#[test]
fn the_client_list_is_the_same_made_in_place_or_through_a_page_of_yours() {
    let (_d, notes) = example_copy();
    let plain: Vec<_> = ["en", "zh"]
        .map(|lang| build_into(&notes, lang, &format!("plain-{lang}")))
        .into_iter()
        .collect();
    let page = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/clients.html"))
        .unwrap();
    put(&notes, "templates/clients.html", page);
    for (lang, (plain, _, _)) in ["en", "zh"].into_iter().zip(plain) {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        assert!(log.contains("using your template clients.html"), "{log}");
        let made = read(&plain, "clients.html");
        assert_eq!(made, read(&site, "clients.html"), "{lang}");
        assert!(!made.contains("touchbase:client-rows"), "{lang}");
        // Every client is a row (the example has 17).
        assert_eq!(made.matches("<tr data-s=").count(), 17, "{lang}");
    }
}

/// The embedded client list and key clients' page are written into their files a few
/// rows at a time as they are made (64 KB each), not held whole: with 300 key clients,
/// several times that, and a name with a control character (made visible as on every
/// page), each is still the page that copies of the embedded page and its rows'
/// partial as your own make through Tera, in both languages.
#[test]
fn the_long_tables_written_as_made_are_the_pages_made_whole() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    for i in 0..300 {
        let name = odd_name(i, 150);
        // Every branch of a row: with and without an owner, revenue and its change, a
        // decision-maker met, cooling off (four visits in June, one since).
        let owner = if i % 4 == 0 {
            String::new()
        } else {
            format!("owner: Rep {}\n", i % 7)
        };
        let revenue = if i % 5 == 0 {
            format!(
                "revenue:\n  2024: {}\n  2025: 120000\npeople:\n  - name: Wang\n    role: decision-maker\n",
                100000 + i
            )
        } else {
            String::new()
        };
        let mut log = format!("## 2026-11-0{} call @Wang — hello\n", 1 + i % 9);
        if i % 3 == 0 {
            for d in 1..=4 {
                log.push_str(&format!("\n## 2026-06-0{d} visit\n"));
            }
        }
        put(
            &notes,
            &format!("c{i:03}.md"),
            format!(
                "---\nname: \"{name}\"\n{owner}tier: key\ntags: [a{}]\n{revenue}---\n\n{log}",
                i % 5,
            ),
        );
    }
    let plain = ["en", "zh"].map(|lang| build_into(&notes, lang, &format!("plain-{lang}")).0);
    // The pages and their rows' partials as your own: Tera's loops make the rows.
    own_copies(
        &notes,
        &[
            "clients.html",
            "key.html",
            "partials/client_rows.html",
            "partials/key_rows.html",
        ],
    );
    // The branches above, as each language writes them: cooling off, a revenue change,
    // a decision-maker met, no owner, an owner.
    let branches = |lang| match lang {
        "en" => [
            "class=\"status s-due\">Cooling off</span>",
            "data-label=\"Change on last year\">+",
            "data-label=\"Last decision-maker contact\"><time",
            "data-label=\"Owner\"><a href=\"reps/no-owner.html\">(no owner)</a>",
            "data-label=\"Owner\"><a href=\"reps/rep-",
        ],
        _ => [
            "class=\"status s-due\">关系降温</span>",
            "data-label=\"同比\">+",
            "data-label=\"最近联系决策人\"><time",
            "data-label=\"负责人\"><a href=\"reps/no-owner.html\">（未指定）</a>",
            "data-label=\"负责人\"><a href=\"reps/rep-",
        ],
    };
    for (lang, plain) in ["en", "zh"].into_iter().zip(plain) {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        for (page, row) in [
            ("clients.html", "<tr data-s="),
            ("key.html", "<tr><th scope=\"row\">"),
        ] {
            assert!(
                log.contains(&format!("using your template {page}"))
                    || log.contains(&format!("使用你的模板 {page}")),
                "{lang}: {log}"
            );
            let made = read(&plain, page);
            assert!(made.len() > 3 * 64 * 1024, "{lang} {page}: {}", made.len());
            assert_eq!(made.matches(row).count(), 300, "{lang} {page}");
            assert!(
                made.contains("Bell\\u{7} &amp; Co"),
                "{lang} {page}: the control made visible"
            );
            assert!(!made.contains("touchbase:client-rows"), "{lang} {page}");
            if page == "key.html" {
                // The branches are all there (a check that the probe can see them).
                for (what, n) in branches(lang).into_iter().zip([100, 60, 60, 75, 225]) {
                    assert_eq!(made.matches(what).count(), n, "{lang}: {what}");
                }
            }
            // Control: the two builds differ in nothing but how the page was made.
            assert_eq!(made, read(&site, page), "{lang} {page}");
        }
    }
}

#[test]
fn new_templates_can_be_included_and_page_overrides_keep_the_fast_paths() {
    let (_d, notes) = example_copy();
    let client = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/client.html"),
    )
    .unwrap()
    .replace(
        "{% block content %}",
        "{% block content %}{% include \"boxes/my_box.html\" %}",
    );
    put(&notes, "templates/client.html", client);
    put(
        &notes,
        "templates/boxes/my_box.html",
        "<aside>box of {{ client.id }}</aside>",
    );
    for lang in ["en", "zh"] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        assert!(
            !log.contains("warning:"),
            "a new partial is no warning: {log}"
        );
        let page = read(&site, "clients/huadong-jiancai.html");
        assert!(
            page.contains("<aside>box of huadong-jiancai</aside>"),
            "{lang}"
        );
        // The page's partials still render (through the fast path).
        assert!(page.contains("<ol class=\"log\">"), "{lang}");
        assert!(page.contains("class=\"rolemap\""), "{lang}");
    }
}

#[test]
fn broken_or_misnamed_templates_are_warnings_and_the_built_in_is_used() {
    let (_d, notes) = example_copy();
    put(&notes, "templates/clent.html", "<p>typo</p>");
    put(&notes, "templates/index.html", "line one\n{% if %}\n");
    put(&notes, "templates/reps.html", b"\xff\xfe not utf-8");
    put(
        &notes,
        "templates/rep.html",
        "{% extends \"nowhere.html\" %}",
    );
    put(&notes, "templates/styles.css", "body{}");
    put(&notes, "templates/partials/peple.html", "x");
    for lang in ["en", "zh"] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "warnings only: {log}");
        // The terminal speaks the site's language: the English is the control, the
        // Chinese must say the same things (`diag_zh`).
        if lang == "zh" {
            assert!(log.contains("模板无法解析"), "{log}");
            assert!(!log.contains("does not parse"), "{log}");
        }
        for (file, says) in [
            ("templates/clent.html", "did you mean `client.html`?"),
            ("templates/index.html:2:", "does not parse"),
            ("templates/reps.html", "not UTF-8"),
            ("templates/rep.html", "nowhere.html"),
            ("templates/styles.css", "did you mean `style.css`?"),
            (
                "templates/partials/peple.html",
                "did you mean `partials/people.html`?",
            ),
        ] {
            let at = log
                .find(file)
                .unwrap_or_else(|| panic!("{file} not named: {log}"));
            if lang == "en" {
                assert!(log[at..].contains(says), "{file}: {says}: {log}");
            }
        }
        // The built-in pages were used instead of the broken ones.
        assert!(read(&site, "index.html").contains("<h1"), "{lang}");
        assert!(!read(&site, "index.html").contains("line one"), "{lang}");
        assert!(read(&site, "reps.html").contains("<table"), "{lang}");
        // And the problems page lists every one.
        let problems = read(&site, "problems.html");
        for file in [
            "clent.html",
            "index.html",
            "reps.html",
            "rep.html",
            "styles.css",
            "partials/peple.html",
        ] {
            assert!(
                problems.contains(&format!("templates/{file}")),
                "{lang}: {file}"
            );
        }
    }
}

#[test]
fn the_stylesheet_and_the_script_can_be_overridden() {
    let (_d, notes) = example_copy();
    put(
        &notes,
        "templates/style.css",
        "/* mine */ body { color: red }",
    );
    put(&notes, "templates/app.js", "// my script\n");
    for lang in ["en", "zh"] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        assert!(
            log.contains("using your template app.js")
                && log.contains("using your template style.css")
        );
        assert_eq!(
            read(&site, "assets/style.css"),
            "/* mine */ body { color: red }"
        );
        assert_eq!(read(&site, "assets/app.js"), "// my script\n");
    }
}

#[test]
fn a_label_from_the_configuration_shows_on_every_page() {
    let (_d, notes) = example_copy();
    let yaml = std::fs::read_to_string(notes.join("touchbase.yaml")).unwrap();
    put(
        &notes,
        "touchbase.yaml",
        format!(
            "{yaml}labels:\n  as_of: AS-OF-BOTH\n  en:\n    nav_clients: CLIENTS-EN\n    status_overdue: LATE-EN\n  zh:\n    nav_clients: 客户们\n    status_overdue: 迟了\n"
        ),
    );
    for (lang, nav, late) in [("en", "CLIENTS-EN", "LATE-EN"), ("zh", "客户们", "迟了")] {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        let pages = common::html_files(&site);
        assert!(pages.len() > 20);
        for page in &pages {
            let html = std::fs::read_to_string(page).unwrap();
            // In the navigation (a template label) and the footer, on every page.
            assert!(html.contains(nav), "{lang}: {page:?}");
            assert!(html.contains("AS-OF-BOTH"), "{lang}: {page:?}");
        }
        // A label used by Rust code (the client list's status filter and the status
        // words on an overdue client's page) takes the user's wording too.
        assert!(read(&site, "clients.html").contains(late), "{lang}");
        let overdue = client_pages(&site)
            .into_iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .filter(|h| h.contains("s-overdue"))
            .count();
        assert!(overdue > 0);
    }
}

#[test]
fn an_unknown_label_is_a_configuration_error_with_its_line() {
    let (_d, notes) = example_copy();
    put(
        &notes,
        "touchbase.yaml",
        "title: x\nlabels:\n  overdeu: late\n",
    );
    let (_, log, code) = build(&notes, "en");
    assert_eq!(code, 2, "{log}");
    assert!(log.contains("touchbase.yaml:3:"), "{log}");
    assert!(log.contains("unknown label `overdeu`"), "{log}");
    assert!(log.contains("did you mean `overdue`?"), "{log}");
}

/// A team with no key clients: the key clients' page leaves its table out (and the place
/// its rows are written into with it), and says so; the same page a copy of it as your
/// own makes. (This build once stopped with an internal error.)
#[test]
fn a_team_without_key_clients_gets_its_key_page() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    for i in 0..3 {
        put(
            &notes,
            &format!("c{i}.md"),
            format!("---\nname: C{i}\nowner: Rep\ntier: regular\n---\n\n## 2026-11-02 call\n"),
        );
    }
    let (plain, log, code) = build_into(&notes, "en", "plain");
    assert_eq!(code, 0, "{log}");
    let made = read(&plain, "key.html");
    assert!(made.contains("<p class=\"empty\">"), "{made}");
    assert!(!made.contains("<tbody>") && !made.contains("touchbase:client-rows"));
    let page =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/key.html")).unwrap();
    put(&notes, "templates/key.html", page);
    let (site, log, code) = build(&notes, "en");
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("using your template key.html"), "{log}");
    assert_eq!(made, read(&site, "key.html"));
    // Control: one key client, and the table is there.
    put(
        &notes,
        "c0.md",
        "---\nname: C0\nowner: Rep\ntier: key\n---\n\n## 2026-11-02 call\n",
    );
    std::fs::remove_dir_all(notes.join("templates")).unwrap();
    let (plain, log, code) = build_into(&notes, "en", "plain-one");
    assert_eq!(code, 0, "{log}");
    assert_eq!(
        read(&plain, "key.html")
            .matches("<tr><th scope=\"row\">")
            .count(),
        1
    );
}

/// The calendar page's moments are made straight into it, where its partial's stub
/// leaves a slot. With many moments (written in several chunks), names with `&`, `<` and
/// a control character (made visible as on every page), it is the page that copies of
/// the embedded page and its partial as your own make through Tera, in both languages.
#[test]
fn the_calendar_made_in_place_is_the_page_made_whole() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    for i in 0..150 {
        let name = odd_name(i, 75);
        // Six birthdays each within the 90 days after 2026-11-22.
        let people: String = (0..6)
            .map(|p| {
                format!(
                    "  - name: \"王{i}-{p} & <i>\"\n    birthday: 1980-{:02}-{:02}\n",
                    if (i + p) % 2 == 0 { 12 } else { 1 },
                    1 + (i * 3 + p) % 28
                )
            })
            .collect();
        put(
            &notes,
            &format!("c{i:03}.md"),
            format!(
                "---\nname: \"{name}\"\nowner: Rep {}\npeople:\n{people}---\n\n## 2026-11-01 call — hello\n",
                i % 4
            ),
        );
    }
    let plain = ["en", "zh"].map(|lang| build_into(&notes, lang, &format!("plain-{lang}")).0);
    own_copies(&notes, &["calendar.html", "partials/calendar_moments.html"]);
    for (lang, plain) in ["en", "zh"].into_iter().zip(plain) {
        let (site, log, code) = build(&notes, lang);
        assert_eq!(code, 0, "{log}");
        assert!(
            log.contains("using your template calendar.html")
                || log.contains("使用你的模板 calendar.html"),
            "{lang}: {log}"
        );
        let made = read(&plain, "calendar.html");
        assert!(made.len() > 3 * 64 * 1024, "{lang}: {}", made.len());
        // Every birthday of the 90 days is listed, and the holidays among them.
        let birthdays = made.matches("class=\"moment m-birthday\"").count();
        assert_eq!(birthdays, 900, "{lang}");
        assert!(
            made.contains("Bell\\u{7} &amp; Co"),
            "{lang}: the control made visible"
        );
        assert!(made.contains("&lt;i&gt;"), "{lang}: escaped");
        assert!(!made.contains("touchbase:client-rows"), "{lang}");
        // Control: the two builds differ in nothing but how the page was made.
        assert_eq!(made, read(&site, "calendar.html"), "{lang}");
    }
}
