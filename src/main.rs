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
use touchbase::workspace::{self, Fatal, Workspace};
use touchbase::{export, render, write};

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
    /// Print the checked, analysed model.
    Export {
        notes: PathBuf,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        #[command(flatten)]
        common: Common,
    },
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
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Zh,
}

fn parse_date(s: &str) -> Result<Date, String> {
    touchbase::parse::dates::parse_iso(s).map_err(|p| format!("{}; {}", p.message, p.help))
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
        Command::Check { notes, common } => {
            let ws = workspace::load(&notes, common.today)?;
            print_diags(&ws.diags, color);
            eprintln!("{}", summary(&ws));
            Ok(exit_code(&ws))
        }
        Command::Export {
            notes,
            format: Format::Json,
            common,
        } => {
            let ws = workspace::load(&notes, common.today)?;
            print_diags(&ws.diags, color);
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", export::to_json(&ws))
                .map_err(|e| Fatal::Other(format!("stdout: {e}")))?;
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
            let lang = match lang {
                Some(LangArg::En) => Lang::En,
                Some(LangArg::Zh) => Lang::Zh,
                None => ws.config.language,
            };
            let staging = write::prepare(&out, &notes).map_err(Fatal::Other)?;
            let built = render::render_site(&ws, lang, &staging).map_err(Fatal::Other)?;
            timer.lap("render and write");
            staging
                .commit()
                .map_err(|e| Fatal::Other(format!("{}: {e}", out.display())))?;
            timer.lap("swap in");
            for name in &built.overridden {
                eprintln!("using your template {name}");
            }
            eprintln!(
                "{}; wrote {} pages to {}",
                summary(&ws),
                built.pages,
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
            eprintln!(
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
    match fatal {
        Fatal::NoFolder(p) => eprintln!("error: no notes folder at {}", p.display()),
        Fatal::Config(diags) => {
            print_diags(diags, color);
            eprintln!("error: touchbase.yaml has problems; nothing was done");
        }
        Fatal::Other(msg) => eprintln!("error: {msg}"),
    }
}
