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
use touchbase::workspace::{self, Fatal, Workspace};
use touchbase::{output, render, report, write};

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
        /// Site language; overrides `language` in touchbase.yaml.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Check every note and print the problems.
    Check {
        notes: PathBuf,
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
    /// Print the man page (roff).
    Man,
}

#[derive(clap::Args)]
struct Common {
    /// The date to compute cadence as of (YYYY-MM-DD); default: today in the
    /// configured time zone.
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
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
        Command::Man => {
            let mut buf = Vec::new();
            let man =
                clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).title("TOUCHBASE");
            man.render(&mut buf).map_err(|source| Fatal::Io {
                path: PathBuf::from("the man page"),
                source,
            })?;
            print_stdout(&String::from_utf8_lossy(&buf))
        }
        Command::Check { notes, common } => {
            let ws = workspace::load(&notes, common.today)?;
            print_diags(&ws.diags, color);
            say!("{}", summary(&ws));
            Ok(exit_code(&ws))
        }
        Command::Export {
            notes,
            format,
            table,
            excel,
            owner,
            lang,
            common,
        } => {
            let ws = workspace::load(&notes, common.today)?;
            print_diags(&ws.diags, color);
            let mut report = report::build(&ws);
            if let Some(owner) = &owner {
                if !report.team.reps.iter().any(|r| r.owner == owner.as_str()) {
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
                report = report.for_owner(owner);
            }
            let lang = lang.map_or(ws.config.language, LangArg::lang);
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
            match written {
                // A reader that stopped early (`| head`) is not an error (as in ripgrep).
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(source) => {
                    return Err(Fatal::Io {
                        path: PathBuf::from("standard output"),
                        source,
                    });
                }
                Ok(()) => {}
            }
            Ok(exit_code(&ws))
        }
        Command::Build {
            notes,
            out,
            common,
            lang,
        } => {
            let timer = Timer::new();
            let ws = workspace::load(&notes, common.today)?;
            timer.lap("load and analyse");
            print_diags(&ws.diags, color);
            let lang = lang.map_or(ws.config.language, LangArg::lang);
            let staging = write::prepare(&out, &notes)?;
            let built = render::render_site(&ws, lang, &staging)?;
            timer.lap("render and write");
            staging.commit()?;
            timer.lap("swap in");
            for name in &built.overridden {
                say!("using your template {name}");
            }
            say!(
                "{}; wrote {} pages ({} files) to {}",
                summary(&ws),
                built.pages,
                built.files,
                out.display()
            );
            let code = exit_code(&ws);
            // Freeing a large workspace one string at a time only delays the exit.
            std::mem::forget(ws);
            Ok(code)
        }
    }
}

/// Phase timings on stderr when `TOUCHBASE_TIMINGS` is set (for benchmarks).
struct Timer(Option<std::cell::Cell<std::time::Instant>>);

impl Timer {
    fn new() -> Timer {
        Timer(
            std::env::var_os("TOUCHBASE_TIMINGS")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    fn lap(&self, what: &str) {
        if let Some(start) = &self.0 {
            let now = std::time::Instant::now();
            say!(
                "timing: {what}: {:.0} ms",
                (now - start.get()).as_secs_f64() * 1000.0
            );
            start.set(now);
        }
    }
}

fn exit_code(ws: &Workspace) -> u8 {
    u8::from(ws.has_errors())
}

fn summary(ws: &Workspace) -> String {
    // Folded problems count as many as they stand for.
    let errors: usize = ws
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(Diagnostic::count)
        .sum();
    let warnings: usize = ws.diags.iter().map(Diagnostic::count).sum::<usize>() - errors;
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "checked {} as of {}: {}, {}",
        plural(ws.files, "note"),
        ws.today,
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn print_diags(diags: &[Diagnostic], color: bool) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}\n", d.render(color));
    }
}

fn report_fatal(fatal: &Fatal, color: bool) {
    if let Fatal::Config(diags) = fatal {
        print_diags(diags, color);
    }
    say!("error: {fatal}");
    if let Some(hint) = fatal.hint() {
        say!("help: {hint}");
    }
}

/// Print `text` to stdout; a reader that stopped early (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<u8, Fatal> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Fatal::Io {
            path: PathBuf::from("standard output"),
            source: e,
        }),
        _ => Ok(0),
    }
}
