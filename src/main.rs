//! The `touchbase` command line: `build`, `check` and `export`.

use std::io::{IsTerminal, Write};

// The build allocates many small strings on two threads; mimalloc is markedly faster
// than the system allocator here (docs/decisions.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use touchbase::config::Lang;
use touchbase::diag::Diagnostic;
use touchbase::model::Date;
use touchbase::output::csv::Table;
use touchbase::timings::{Progress, Timings};
use touchbase::workspace::{self, Fatal, Workspace};
use touchbase::{fresh, output, render, report, write};

/// Turn a folder of client notes into a checked model and a static report site.
#[derive(Parser)]
#[command(name = "touchbase", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every note and write the report site.
    Build {
        /// The notes folder.
        notes: PathBuf,
        /// Where to write the site (replaced as a whole; built aside first).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        since: SinceArg,
        /// Site language; overrides `language` in touchbase.yaml.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[command(flatten)]
        timings: TimingsArg,
        /// Build every page even when the site in --out already is what this build
        /// would write (same notes, settings and touchbase: then nothing is written).
        #[arg(long)]
        force: bool,
    },
    /// Check every note (or the note files given) and print the problems.
    Check {
        /// The notes folder, or note files (each checked within its notes folder:
        /// the nearest folder above it with a touchbase.yaml, else its own folder).
        /// Default: the notes folder around the current directory.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        /// Language of the diagnostics; default: `language` in touchbase.yaml.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[command(flatten)]
        timings: TimingsArg,
    },
    /// Add a client: a new note from `_templates/client.md`; prints its path.
    New {
        /// The client's name, as it should appear (`华东建材集团有限公司`).
        name: String,
        #[arg(long)]
        owner: Option<String>,
        /// key, regular, prospect or dormant.
        #[arg(long)]
        tier: Option<String>,
        /// How often to keep in touch: `14d`, `2w`, `1m`.
        #[arg(long)]
        cadence: Option<String>,
        /// The id, which is also the file name (default: made from the name).
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        notes: NotesArg,
    },
    /// Log a contact: `touchbase log 华东建材 拜访 @刘建国 "仓库盘点"`.
    Log {
        /// The client: its id, file name, or a unique part of its name.
        client: String,
        /// The kind: call, visit, wechat, email, … or an alias (电话, 拜访, 微信 …).
        kind: String,
        /// `@people` met, then the summary (one argument or several words).
        words: Vec<String>,
        /// The day of the contact (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// A follow-up to add: "DATE text", e.g. "2026-11-28 send the quote".
        #[arg(long)]
        next: Option<String>,
        #[command(flatten)]
        notes: NotesArg,
    },
    /// Tick an open follow-up and record the day it was done.
    Done {
        /// The client: its id, file name, or a unique part of its name.
        client: String,
        /// Which follow-up: its number in the list, or part of its text (not needed
        /// when the client has only one open).
        which: Option<String>,
        /// The day it was done (default: today).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        #[command(flatten)]
        notes: NotesArg,
    },
    /// The morning list: who to contact, follow-ups due, birthdays and holidays ahead.
    Due {
        /// The notes folder (default: the one around the current directory).
        notes: Option<PathBuf>,
        /// Only this rep's clients.
        #[arg(long)]
        owner: Option<String>,
        /// How many days ahead for birthdays, anniversaries and holidays.
        #[arg(long, default_value_t = 7)]
        days: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: DueFormat,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[command(flatten)]
        common: Common,
    },
    /// Serve the site on 127.0.0.1, rebuilt on every change, with live reload.
    Serve {
        /// The notes folder (default: the one around the current directory).
        notes: Option<PathBuf>,
        /// The port on 127.0.0.1 (0: any free port; the address is printed).
        #[arg(long, default_value = "1111")]
        port: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Site language; overrides `language` in touchbase.yaml.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[command(flatten)]
        common: Common,
    },
    /// Print the analysed report as JSON, CSV or iCalendar.
    Export {
        notes: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// With `--format csv`: which table.
        #[arg(long, value_enum, default_value = "clients")]
        table: TableArg,
        /// With `--format csv`: a byte-order mark so Excel reads Chinese correctly, and
        /// cells that Excel would run as formulas defused.
        #[arg(long)]
        excel: bool,
        /// Only this rep's clients (as `owner:` is written in the notes).
        #[arg(long)]
        owner: Option<String>,
        /// Language of calendar event titles; overrides `language` in touchbase.yaml.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        since: SinceArg,
        #[command(flatten)]
        timings: TimingsArg,
    },
    /// Start a notes repository: settings, samples, template, README and CI files.
    Init {
        /// The folder to create (or an empty one).
        dir: PathBuf,
        /// Language of the comments, the README and `language:` in touchbase.yaml.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
        /// Write into a non-empty folder: only missing files; existing ones are kept.
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of a note's front matter (for editors).
    Schema,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or with --out write one page per command.
    Man {
        /// Write `touchbase.1` and a `touchbase-<command>.1` for every command into this
        /// folder (created if missing).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct Common {
    /// The date to compute cadence as of (YYYY-MM-DD); default: today in the
    /// configured time zone.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
}

#[derive(clap::Args)]
struct SinceArg {
    /// The start of "what changed" (YYYY-MM-DD): events after this day, and who became
    /// or stopped being overdue since its end; default: 7 days before today.
    #[arg(long, value_parser = parse_date)]
    since: Option<Date>,
}

#[derive(clap::Args)]
struct TimingsArg {
    /// After the summary, print on stderr how long each stage took (wall time and
    /// share), with the CPU time and peak memory; the same as TOUCHBASE_TIMINGS=1.
    #[arg(long)]
    timings: bool,
}

impl TimingsArg {
    fn timings(&self) -> Timings {
        Timings::new(
            self.timings
                || touchbase::timings::env_says_on(
                    std::env::var_os("TOUCHBASE_TIMINGS").as_deref(),
                ),
        )
    }
}

#[derive(clap::Args)]
struct NotesArg {
    /// The notes folder (default: the nearest folder above the current one with a
    /// touchbase.yaml, else the current folder).
    #[arg(long = "notes")]
    notes: Option<PathBuf>,
}

impl NotesArg {
    fn root(&self) -> PathBuf {
        self.notes.clone().unwrap_or_else(workspace::find_root_here)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DueFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
    Ics,
}

#[derive(Clone, Copy, ValueEnum)]
enum TableArg {
    Clients,
    Entries,
    Followups,
    People,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Zh,
}

impl LangArg {
    fn lang(self) -> Lang {
        match self {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

impl TableArg {
    fn table(self) -> Table {
        match self {
            TableArg::Clients => Table::Clients,
            TableArg::Entries => Table::Entries,
            TableArg::Followups => Table::Followups,
            TableArg::People => Table::People,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    touchbase::parse::dates::parse_iso(s).map_err(|p| format!("{}; {}", p.message, p.help))
}

/// `eprintln!` that never panics: a closed stderr (`touchbase check 2>&1 | head`) is
/// not an error, and nothing else could be told about it anyway.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match run(cli, color) {
        Ok(code) => ExitCode::from(code),
        Err(fatal) => {
            report_fatal(&fatal, color);
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, color: bool) -> Result<u8, Fatal> {
    match cli.command {
        Command::Check {
            paths,
            common,
            lang,
            timings,
        } => {
            let mut timings = timings.timings();
            let files: Vec<&PathBuf> = paths.iter().filter(|p| p.is_file()).collect();
            if files.is_empty() {
                let notes = paths
                    .first()
                    .cloned()
                    .unwrap_or_else(workspace::find_root_here);
                // Only what the diagnostics need: no cadence, no practices.
                let checked = check_notes(&notes, common.today, &mut timings)?;
                let lang = lang.map_or(checked.config.language, LangArg::lang);
                print_diags(&checked.diags, color, lang);
                say!(
                    "{}",
                    summary(&checked.diags, checked.files, checked.today, lang)
                );
                timings.lap("print diagnostics");
                print_timings(&timings);
                let code = u8::from(checked.has_errors());
                // Freeing every note one string at a time only delays the exit.
                std::mem::forget(checked);
                return Ok(code);
            }
            if files.len() != paths.len() {
                return Err(Fatal::Usage {
                    what: "give either one notes folder or note files, not both".into(),
                    hint:
                        "touchbase check notes, or touchbase check notes/wang/a.md notes/wang/b.md"
                            .into(),
                });
            }
            // Each file within its notes folder, so ids and references resolve.
            let mut code = 0;
            for file in files {
                let (root, rel) = workspace::root_of_file(file)?;
                let checked = check_notes(&root, common.today, &mut timings)?;
                let lang = lang.map_or(checked.config.language, LangArg::lang);
                let mine: Vec<Diagnostic> = checked
                    .diags
                    .iter()
                    .filter(|d| d.file == rel)
                    .cloned()
                    .collect();
                print_diags(&mine, color, lang);
                let (errors, warnings) = touchbase::diag::counts(&mine);
                say!(
                    "{}",
                    checked_line(lang, &rel, checked.today, errors, warnings)
                );
                code = code.max(u8::from(errors > 0));
                timings.lap("print diagnostics");
            }
            print_timings(&timings);
            Ok(code)
        }
        Command::New {
            name,
            owner,
            tier,
            cadence,
            id,
            notes,
        } => {
            let ws = workspace::load(&notes.root(), None)?;
            let path = touchbase::edit::new_note(
                &ws,
                &touchbase::edit::NewNote {
                    name: &name,
                    owner: owner.as_deref(),
                    tier: tier.as_deref(),
                    cadence: cadence.as_deref(),
                    id: id.as_deref(),
                },
            )?;
            let shown = path.strip_prefix(&ws.root).unwrap_or(&path);
            let _ = writeln!(std::io::stdout().lock(), "{}", shown.display());
            Ok(0)
        }
        Command::Log {
            client,
            kind,
            words,
            date,
            next,
            notes,
        } => {
            let ws = workspace::load(&notes.root(), None)?;
            let i = touchbase::edit::find_client(&ws, &client)?;
            let people: Vec<String> = words
                .iter()
                .take_while(|w| w.starts_with('@'))
                .map(|w| w.trim_start_matches('@').to_string())
                .collect();
            let summary = words
                .iter()
                .skip(people.len())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let next = match &next {
                Some(n) => {
                    let (day, text) = n
                        .trim()
                        .split_once(char::is_whitespace)
                        .unwrap_or((n.trim(), ""));
                    let day = parse_date(day).map_err(|why| Fatal::Usage {
                        what: format!("--next \"{n}\": {why}"),
                        hint: "--next \"2026-11-28 send the quote\"".into(),
                    })?;
                    Some((day, text.trim()))
                }
                None => None,
            };
            let written = touchbase::edit::log(
                &ws,
                i,
                &touchbase::edit::Entry {
                    date: date.unwrap_or(ws.today),
                    kind: &kind,
                    people: &people,
                    summary: &summary,
                    next,
                },
            )?;
            for w in &written.warnings {
                say!("warning: {w}");
            }
            let shown = written
                .path
                .strip_prefix(fs_canon(&ws.root))
                .unwrap_or(&written.path);
            say!("logged in {}:{}", shown.display(), written.line);
            Ok(0)
        }
        Command::Done {
            client,
            which,
            date,
            notes,
        } => {
            let ws = workspace::load(&notes.root(), None)?;
            let i = touchbase::edit::find_client(&ws, &client)?;
            let written =
                touchbase::edit::done(&ws, i, which.as_deref(), date.unwrap_or(ws.today))?;
            let shown = written
                .path
                .strip_prefix(fs_canon(&ws.root))
                .unwrap_or(&written.path);
            say!("done: {}:{}", shown.display(), written.line);
            Ok(0)
        }
        Command::Due {
            notes,
            owner,
            days,
            format,
            lang,
            common,
        } => {
            let root = notes.unwrap_or_else(workspace::find_root_here);
            let ws = workspace::load(&root, common.today)?;
            let mut report = report::build(&ws);
            if let Some(owner) = &owner {
                report = for_owner(report, owner)?;
            }
            let lang = lang.map_or(ws.config.language, LangArg::lang);
            let due = output::due::due(&report, days);
            let out = std::io::stdout().lock();
            let paint = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let written = match format {
                DueFormat::Table => output::due::write_table(&due, lang, paint, out),
                DueFormat::Json => output::due::write_json(&due, out),
                DueFormat::Csv => output::due::write_csv(&due, out),
            };
            stdout_result(written)?;
            Ok(0)
        }
        Command::Init { dir, lang, force } => {
            let today = jiff::Zoned::now()
                .with_time_zone(
                    jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC),
                )
                .date();
            let done = touchbase::init::init(&dir, lang.lang(), force, today)?;
            let mut out = std::io::stdout().lock();
            for rel in &done.wrote {
                let _ = writeln!(out, "wrote {}", dir.join(rel).display());
            }
            for rel in &done.kept {
                let _ = writeln!(
                    out,
                    "kept  {} (already there, not changed)",
                    dir.join(rel).display()
                );
            }
            say!(
                "next: `touchbase check {0}`, then `git init` and commit; see {0}/README.md",
                dir.display()
            );
            if done.wrote.iter().any(|w| w.ends_with(".yml")) {
                say!(
                    "then: set TOUCHBASE_GIT in .github/workflows/touchbase.yml and .gitlab-ci.yml                      to where your team keeps touchbase (they say `your-org/touchbase` for now)"
                );
            }
            Ok(0)
        }
        Command::Schema => print_stdout(&touchbase::schema::text_of_schema()),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "touchbase",
                &mut buf,
            );
            print_stdout(&String::from_utf8_lossy(&buf))
        }
        Command::Man { out: Some(dir) } => {
            let io = |source| Fatal::Io {
                path: dir.clone(),
                source,
            };
            std::fs::create_dir_all(&dir).map_err(io)?;
            clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), &dir).map_err(io)?;
            let mut pages: Vec<String> = std::fs::read_dir(&dir)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("touchbase") && n.ends_with(".1"))
                .collect();
            pages.sort();
            say!(
                "wrote {} man pages to {}: {}",
                pages.len(),
                dir.display(),
                pages.join(" ")
            );
            Ok(0)
        }
        Command::Man { out: None } => {
            let mut buf = Vec::new();
            let man =
                clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).title("TOUCHBASE");
            man.render(&mut buf).map_err(|source| Fatal::Io {
                path: PathBuf::from("the man page"),
                source,
            })?;
            print_stdout(&String::from_utf8_lossy(&buf))
        }
        Command::Serve {
            notes,
            port,
            open,
            lang,
            common,
        } => touchbase::serve::run(touchbase::serve::Options {
            notes: notes.unwrap_or_else(workspace::find_root_here),
            port,
            open,
            today: common.today,
            lang: lang.map(LangArg::lang),
        }),
        Command::Export {
            notes,
            format,
            table,
            excel,
            owner,
            lang,
            common,
            since,
            timings,
        } => {
            let mut timings = timings.timings();
            let mut ws = read_notes(&notes, common.today, since.since, false, &mut timings)?
                .analyse(&mut timings);
            // As for a build: the newest contacts read again from their notes, and
            // nothing after this computes a figure.
            ws.fill_recent()?;
            ws.drop_ticks();
            let lang = lang.map_or(ws.config.language, LangArg::lang);
            print_diags(&ws.diags, color, lang);
            timings.lap("print diagnostics");
            let _labels = render::i18n::Installed::new(&ws.config.labels);
            let mut report = report::build(&ws);
            if let Some(owner) = &owner {
                report = for_owner(report, owner)?;
            }
            timings.lap("report");
            let out = std::io::stdout().lock();
            let written = match format {
                Format::Json => output::json::write(&report, out),
                Format::Csv => output::csv::write(&report, table.table(), out, excel),
                Format::Ics => {
                    let title = ws
                        .config
                        .title
                        .as_deref()
                        .unwrap_or(render::i18n::label(lang, "site_title"));
                    let name = match &owner {
                        Some(o) => format!("{title} · {o}"),
                        None => title.to_string(),
                    };
                    output::ics::write(&report, &name, lang, None, out)
                }
            };
            stdout_result(written)?;
            timings.lap("write output");
            print_timings(&timings);
            Ok(exit_code(&ws))
        }
        Command::Build {
            notes,
            out,
            common,
            since,
            lang,
            timings,
            force,
        } => {
            let mut timings = timings.timings();
            let settings = workspace::build_settings(
                &notes,
                common.today,
                since.since,
                lang.map(LangArg::lang),
            );
            // When the site says what it was built from, and that is what this build
            // would read, and the site is still what it wrote: nothing to do (`fresh`).
            let real_out = write::resolve(&out).ok();
            let recorded = real_out
                .as_deref()
                .filter(|_| !force)
                .and_then(fresh::recorded);
            if let (Some(s), Some(record), Some(real)) = (settings, &recorded, &real_out) {
                let progress = Progress::default();
                let inputs = with_progress(
                    "comparing notes",
                    || progress.get(),
                    || fresh::inputs(&notes, s, render::templates::digest(&notes), &progress),
                );
                timings.lap("digest the inputs");
                if let Some((digest, found)) = &inputs
                    && *digest == record.inputs
                    && write::tidy(&out, &notes).ok().as_ref() == Some(real)
                    && fresh::verify(real, record)
                {
                    timings.lap("read the site back");
                    return unchanged_site(&notes, &out, (s, *found), record, color, &mut timings);
                }
            }
            // A build that writes digests its notes from the bytes it parses, and the
            // rest before it reads them and again once it has rendered (`fresh::Head`).
            let head = settings.map(|s| fresh::head(&notes, s, render::templates::digest(&notes)));
            let (today, since) = match settings {
                Some(s) => (Some(s.today), Some(s.since)),
                None => (common.today, since.since),
            };
            let mut checked = read_notes(&notes, today, since, true, &mut timings)?;
            let note_digests = checked.digests.take();
            let config_digest = checked.config_digest;
            let mut ws = checked.analyse(&mut timings);
            // The entries of the logs left in their notes were let go of as they were
            // read (each page reads its own again): the dashboard's few newest contacts
            // are read again from theirs.
            ws.fill_recent()?;
            // Nothing from here on computes a figure (renderers only show the report).
            ws.drop_ticks();
            timings.lap("read the newest contacts again");
            let lang = lang.map_or(ws.config.language, LangArg::lang);
            print_diags(&ws.diags, color, lang);
            timings.lap("print diagnostics");
            let mut staging = write::prepare(&out, &notes)?;
            // The pages the previous build made, by what they were made from: one made
            // from the same is linked without being made (`render::MadeFrom`).
            if let Some(record) = recorded {
                staging.recall(record.made.into_iter().collect());
            }
            let made = head.as_ref().map(|head| render::MadeFrom {
                head: head.digest(),
            });
            timings.lap("prepare the staging folder");
            // The one report every page and feed of the site is rendered from.
            let report = report::build(&ws);
            timings.lap("report");
            let total =
                touchbase::render::site::page_count(ws.clients.len(), ws.playbook.books.len());
            let busy = timings.busy(&render::RENDER_PARTS);
            let built = with_progress(
                "writing pages",
                || (staging.pages().min(total), total),
                || render::render_site_timed(&ws, &report, lang, &staging, made.as_ref(), &busy),
            )?;
            timings.lap_busy_said(
                "render and write",
                &busy,
                format!(
                    "{} of {} client pages linked unmade",
                    built.unmade,
                    ws.clients.len()
                ),
            );
            // What the build used: the configuration it parsed and the templates it
            // loaded. When that is not what was digested before it read them (a file
            // edited meanwhile, even edited back), nothing is recorded.
            let after = settings.map(|s| fresh::head_of(s, config_digest, built.templates));
            let inputs = match (head, after, note_digests) {
                (Some(head), Some(after), Some(notes)) if head.same(&after) => {
                    fresh::combine(head, &notes)
                }
                _ => None,
            };
            if let Some(inputs) = inputs {
                let record = fresh::Record {
                    inputs,
                    output: fresh::output(staging.digests()),
                    pages: built.pages,
                    files: built.files,
                    diagnostics: ws.diags.len(),
                    templates: built.overridden.clone(),
                    made: staging.made(),
                };
                staging.seal(&record.marker()).map_err(|source| Fatal::Io {
                    path: staging.path_of(write::MARKER),
                    source,
                })?;
            }
            staging.commit()?;
            timings.lap("swap in");
            for name in &built.overridden {
                say!("using your template {name}");
            }
            say!(
                "{}",
                built_line(
                    &summary(&ws.diags, ws.files, ws.today, lang),
                    (built.pages, built.files, built.unchanged),
                    &out,
                    lang
                )
            );
            print_timings(&timings);
            let code = exit_code(&ws);
            // Freeing a large workspace one string at a time only delays the exit.
            std::mem::forget(ws);
            Ok(code)
        }
    }
}

/// "checked …; wrote N pages (M files), K unchanged, to OUT".
fn built_line(
    checked: &str,
    (pages, files, unchanged): (usize, usize, usize),
    out: &std::path::Path,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => format!(
            "{checked}; wrote {pages} pages ({files} files), {unchanged} unchanged, to {}",
            out.display()
        ),
        Lang::Zh => format!(
            "{checked}；写入 {pages} 个页面（{files} 个文件，{unchanged} 个未变）到 {}",
            out.display()
        ),
    }
}

/// A build whose site already is what it would write: say what a full build would
/// have said (its diagnostics worked out again when it had any) and write nothing.
fn unchanged_site(
    notes: &std::path::Path,
    out: &std::path::Path,
    (settings, found): (fresh::Settings, usize),
    record: &fresh::Record,
    color: bool,
    timings: &mut Timings,
) -> Result<u8, Fatal> {
    let diags = if record.diagnostics == 0 {
        Vec::new()
    } else {
        check_notes(notes, Some(settings.today), timings)?.diags
    };
    print_diags(&diags, color, settings.lang);
    timings.lap("print diagnostics");
    for name in &record.templates {
        say!("using your template {name}");
    }
    say!(
        "{}",
        built_line(
            &summary(&diags, found, settings.today, settings.lang),
            (record.pages, record.files, record.files),
            out,
            settings.lang
        )
    );
    print_timings(timings);
    Ok(u8::from(diags.iter().any(Diagnostic::is_error)))
}

/// Read and check the notes, with `reading notes 4211/10000` on a terminal while it
/// takes long: `for_site` as `workspace::read_notes_for_site` reads them, else as
/// `workspace::read_notes_for_export` does.
fn read_notes(
    notes: &std::path::Path,
    today: Option<Date>,
    since: Option<Date>,
    for_site: bool,
    timings: &mut Timings,
) -> Result<workspace::Checked, Fatal> {
    let progress = Progress::default();
    with_progress(
        "reading notes",
        || progress.get(),
        || {
            if for_site {
                workspace::read_notes_for_site(notes, today, since, timings, &progress)
            } else {
                workspace::read_notes_for_export(notes, today, since, timings, &progress)
            }
        },
    )
}

/// `read_notes` for the diagnostics alone (`check`).
fn check_notes(
    notes: &std::path::Path,
    today: Option<Date>,
    timings: &mut Timings,
) -> Result<workspace::Diagnosed, Fatal> {
    let progress = Progress::default();
    with_progress(
        "reading notes",
        || progress.get(),
        || workspace::check_notes(notes, today, timings, &progress),
    )
}

/// Run `work`; meanwhile, when stderr is a terminal and the work has taken half a
/// second, show `{what} {done}/{total}` (from `count`) on it, rewritten in place every
/// 200 ms and wiped when the work is done. Piped (CI logs), nothing is shown; stdout is
/// never written.
fn with_progress<C, T, R>(what: &str, count: C, work: T) -> R
where
    C: Fn() -> (usize, usize) + Sync,
    T: FnOnce() -> R,
{
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| show_progress(what, &count, &done));
        let r = work();
        done.store(true, std::sync::atomic::Ordering::Release);
        r
    })
}

fn show_progress(
    what: &str,
    count: &dyn Fn() -> (usize, usize),
    done: &std::sync::atomic::AtomicBool,
) {
    use std::sync::atomic::Ordering;
    let mut shown = false;
    // Every 50 ms a look at `done`; from the tenth look (half a second, or
    // `TOUCHBASE_PROGRESS_AFTER` milliseconds) on, every fourth (200 ms) shows the count.
    let first = (progress_after() / 50).max(1);
    let mut looks = 0u32;
    while !done.load(Ordering::Acquire) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        looks += 1;
        if looks < first || !(looks - first).is_multiple_of(4) {
            continue;
        }
        let (n, total) = count();
        if total == 0 {
            continue;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{what} {n}/{total}");
        let _ = err.flush();
        shown = true;
    }
    if shown {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
    }
}

/// How long a stage runs before its progress shows, in milliseconds:
/// `TOUCHBASE_PROGRESS_AFTER` (a whole number), or half a second.
fn progress_after() -> u32 {
    std::env::var("TOUCHBASE_PROGRESS_AFTER")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(500)
}

/// The stage timings on stderr, when switched on.
fn print_timings(timings: &Timings) {
    let table = timings.table();
    if !table.is_empty() {
        let _ = std::io::stderr().lock().write_all(table.as_bytes());
    }
}

/// The report of one rep's book, or a usage error naming the closest owner.
fn for_owner<'a>(report: report::Report<'a>, owner: &str) -> Result<report::Report<'a>, Fatal> {
    if !report.team.reps.iter().any(|r| r.owner == owner) {
        let owners = report.team.reps.iter().map(|r| r.owner);
        let hint = match touchbase::suggest::closest(owner, owners) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "`--owner` takes a name as `owner:` is written in the notes".into(),
        };
        return Err(Fatal::Usage {
            what: format!("no client has owner `{owner}`"),
            hint,
        });
    }
    Ok(report.for_owner(owner))
}

/// Writing to stdout: a reader that stopped early (`| head`) is not an error (as in
/// ripgrep).
fn stdout_result(written: std::io::Result<()>) -> Result<(), Fatal> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Fatal::Io {
            path: PathBuf::from("standard output"),
            source,
        }),
        Ok(()) => Ok(()),
    }
}

fn fs_canon(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn exit_code(ws: &Workspace) -> u8 {
    u8::from(ws.has_errors())
}

fn plural(n: usize, w: &str) -> String {
    if n == 1 {
        format!("{n} {w}")
    } else {
        format!("{n} {w}s")
    }
}

fn summary(diags: &[Diagnostic], files: usize, today: Date, lang: Lang) -> String {
    let (errors, warnings) = touchbase::diag::counts(diags);
    let notes = match lang {
        Lang::En => plural(files, "note"),
        Lang::Zh => format!("{files} 篇笔记"),
    };
    checked_line(lang, &notes, today, errors, warnings)
}

/// "checked 16 notes as of 2026-11-22: 0 errors, 1 warning" / "已检查 16 篇笔记（截至
/// 2026-11-22）：0 个错误，1 个警告".
fn checked_line(lang: Lang, what: &str, today: Date, errors: usize, warnings: usize) -> String {
    match lang {
        Lang::En => format!(
            "checked {what} as of {today}: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
        Lang::Zh => format!("已检查 {what}（截至 {today}）：{errors} 个错误，{warnings} 个警告"),
    }
}

/// Diagnostics to stderr, rustc-style, in `lang` (`diag_zh`).
fn print_diags(diags: &[Diagnostic], color: bool, lang: Lang) {
    let mut err = std::io::stderr().lock();
    for d in touchbase::diag_zh::localize_all(lang, diags) {
        let _ = writeln!(err, "{}\n", d.render(color));
    }
}

fn report_fatal(fatal: &Fatal, color: bool) {
    if let Fatal::Config(diags) = fatal {
        print_diags(diags, color, Lang::En);
    }
    say!("error: {fatal}");
    if let Some(hint) = fatal.hint() {
        say!("help: {hint}");
    }
}

/// Print `text` to stdout; a reader that stopped early (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<u8, Fatal> {
    stdout_result(std::io::stdout().lock().write_all(text.as_bytes())).map(|()| 0)
}
