//! `touchbase serve`: the site on 127.0.0.1, kept up to date whenever a note, a
//! template or `touchbase.yaml` changes, with live reload in the open browser tab.
//!
//! Nothing is written: the workspace, its report and a `render::Renderer` stay in memory
//! on the site thread (`run`), and each request asks that thread for its page, rendered
//! then as `build` would write it. When one note changes, only it is read again
//! (`Workspace::update_note`) and the report made anew; anything else (a new or removed
//! note, a template, `touchbase.yaml`) loads the folder again. Only the served HTML gets
//! the reload script (and, while the notes have problems, a banner).

pub mod http;

use std::fs;
use std::io::{ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::config::Lang;
use crate::model::Date;
use crate::render::escape;
use crate::workspace::{self, Fatal};
use crate::{render, report};

/// What `touchbase serve` was asked for.
pub struct Options {
    pub notes: PathBuf,
    /// As typed: checked here so a bad one is a `Fatal` with a hint.
    pub port: String,
    pub open: bool,
    pub today: Option<Date>,
    pub lang: Option<Lang>,
}

/// How long the notes must be quiet after a change before the rebuild starts.
const QUIET: Duration = Duration::from_millis(30);
/// How many connections are served at once (event streams included).
const MAX_CONNECTIONS: usize = 64;

/// What the served pages should show about the last build.
struct State {
    /// Bumped after every build, good or not.
    version: u64,
    errors: usize,
    warnings: usize,
    /// Why the last build stopped (touchbase.yaml or a template); the last good site
    /// is still served.
    fatal: Option<String>,
    lang: Lang,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// To the site thread, which renders every page asked for.
    site: Mutex<mpsc::Sender<Msg>>,
}

/// What the site thread is told: a change in the notes folder, or a request for a file.
enum Msg {
    Fs(notify::Result<notify::Event>),
    Get(String, mpsc::Sender<Answer>),
}

/// A file of the site, a folder (to redirect to), nothing, or why it could not be made.
enum Answer {
    File(Vec<u8>),
    Folder,
    Missing,
    Failed(String),
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

fn parse_port(port: &str) -> Result<u16, Fatal> {
    port.trim().parse::<u16>().map_err(|_| Fatal::Usage {
        what: format!("--port {port}: not a port number"),
        hint: "give a number from 1 to 65535, or --port 0 for any free port".into(),
    })
}

fn bind(port: u16) -> Result<TcpListener, Fatal> {
    // 127.0.0.1 only: the site holds the team's client data.
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| match e.kind() {
        ErrorKind::AddrInUse => Fatal::Usage {
            what: format!(
                "port {port} on 127.0.0.1 is in use (another touchbase serve, or another program)"
            ),
            hint: "choose another with --port P, or --port 0 for any free port".into(),
        },
        ErrorKind::PermissionDenied => Fatal::Usage {
            what: format!("not allowed to listen on port {port}"),
            hint: "ports below 1024 need privileges; choose one above, e.g. --port 1111".into(),
        },
        _ => Fatal::Usage {
            what: format!("cannot listen on 127.0.0.1:{port}: {e}"),
            hint: "choose another with --port P, or --port 0 for any free port".into(),
        },
    })
}

/// Run the server until Ctrl-C or SIGTERM (exit 0), or until the notes folder goes
/// away (a `Fatal`).
pub fn run(opts: Options) -> Result<u8, Fatal> {
    let port = parse_port(&opts.port)?;
    if !opts.notes.is_dir() {
        return Err(Fatal::NoFolder(opts.notes));
    }
    let listener = bind(port)?;
    let addr = listener.local_addr().map_err(|source| Fatal::Io {
        path: "127.0.0.1".into(),
        source,
    })?;
    // Ctrl-C and SIGTERM: nothing to clean up (nothing is written), say so and stop.
    if let Err(e) = ctrlc::set_handler(|| {
        say!("stopped");
        std::process::exit(0);
    }) {
        say!("warning: cannot catch Ctrl-C ({e})");
    }

    let started = Instant::now();
    let mut ws = workspace::load(&opts.notes, opts.today)?;
    let first_lang = opts.lang.unwrap_or(ws.config.language);
    usable(&ws, first_lang)?;
    let (errors, warnings) = crate::diag::counts(&ws.diags);
    say!(
        "loaded in {} ms: {}",
        started.elapsed().as_millis(),
        summary(&ws)
    );
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            version: 1,
            errors,
            warnings,
            fatal: None,
            lang: first_lang,
        }),
        changed: Condvar::new(),
        site: Mutex::new(tx.clone()),
    });

    // Watch before serving, so no change after the first load is missed.
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(Msg::Fs(event));
    })
    .map_err(|e| watch_error(&opts.notes, e))?;
    watcher
        .watch(&opts.notes, RecursiveMode::Recursive)
        .map_err(|e| watch_error(&opts.notes, e))?;

    {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || accept(&listener, &shared));
    }
    let url = format!("http://{addr}/");
    say!("serving {} at {url} (Ctrl-C to stop)", opts.notes.display());
    if opts.open {
        open_browser(&url);
    }

    let root = fs::canonicalize(&opts.notes).unwrap_or_else(|_| opts.notes.clone());
    loop {
        // Serve this version until the notes change; then bring it up to date.
        let lang = opts.lang.unwrap_or(ws.config.language);
        let (changed, paths) = serve_version(&ws, lang, &rx, &root, &opts.notes)?;
        // Each changed file, once; `update_note` says whether it could take them all.
        let mut rels: Vec<String> = paths
            .iter()
            .map(|p| note_of(&root, &opts.notes, p))
            .collect::<Option<_>>()
            .unwrap_or_default();
        rels.sort();
        rels.dedup();
        let mut updated: Vec<String> = Vec::new();
        for rel in rels {
            if !ws.update_note(&rel) {
                updated.clear();
                break;
            }
            updated.push(rel);
        }
        let outcome = if !updated.is_empty() {
            Ok(format!("updated {}", updated.join(", ")))
        } else {
            // The whole folder again; the last good workspace stays if this one fails.
            match workspace::load(&opts.notes, opts.today) {
                Ok(fresh) => match usable(&fresh, opts.lang.unwrap_or(fresh.config.language)) {
                    Ok(()) => {
                        ws = fresh;
                        Ok("reloaded".to_string())
                    }
                    Err(fatal) => Err(fatal),
                },
                Err(Fatal::NoFolder(_)) => return Err(gone(&opts.notes)),
                Err(fatal) => Err(fatal),
            }
        };
        let mut state = shared.state();
        state.version += 1;
        match outcome {
            Ok(what) => {
                let (errors, warnings) = crate::diag::counts(&ws.diags);
                say!(
                    "{what} in {} ms: {}",
                    changed.elapsed().as_millis(),
                    summary(&ws)
                );
                state.errors = errors;
                state.warnings = warnings;
                state.fatal = None;
                state.lang = opts.lang.unwrap_or(ws.config.language);
            }
            Err(fatal) => {
                let text = fatal_text(&fatal);
                say!("{text}\nstill serving the last good site");
                state.fatal = Some(text);
            }
        }
        drop(state);
        shared.changed.notify_all();
    }
}

/// Can `ws` be rendered (its templates load, its navigation renders)?
fn usable(ws: &workspace::Workspace, lang: Lang) -> Result<(), Fatal> {
    let report = report::build(ws);
    render::Renderer::new(ws, &report, lang).map(drop)
}

/// `ws`'s report and renderer, answering requests until a change that matters comes
/// and the notes have been quiet for `QUIET`: then the time of that change and the
/// paths changed.
fn serve_version(
    ws: &workspace::Workspace,
    lang: Lang,
    rx: &mpsc::Receiver<Msg>,
    root: &Path,
    notes: &Path,
) -> Result<(Instant, Vec<PathBuf>), Fatal> {
    let report = report::build(ws);
    let renderer = render::Renderer::new(ws, &report, lang);
    let answer = |rel: &str| -> Answer {
        let renderer = match &renderer {
            Ok(r) => r,
            Err(fatal) => return Answer::Failed(fatal_text(fatal)),
        };
        if renderer.is_folder(rel) {
            return Answer::Folder;
        }
        match renderer.file(rel) {
            Ok(Some(bytes)) => Answer::File(bytes),
            Ok(None) => Answer::Missing,
            Err(fatal) => Answer::Failed(fatal_text(&fatal)),
        }
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut changed: Option<Instant> = None;
    loop {
        // Until the first change, wait (checking now and then that the notes are
        // there); after it, until the notes have been quiet for `QUIET`.
        let wait = match changed {
            None => Duration::from_millis(500),
            Some(_) => QUIET,
        };
        match rx.recv_timeout(wait) {
            Ok(Msg::Get(rel, reply)) => {
                let _ = reply.send(answer(&rel));
            }
            Ok(Msg::Fs(Ok(event))) if matters(root, &event) => {
                changed.get_or_insert_with(Instant::now);
                paths.extend(event.paths);
            }
            Ok(Msg::Fs(_)) => {}
            Err(RecvTimeoutError::Timeout) => {
                if !notes.is_dir() {
                    return Err(gone(notes));
                }
                if let Some(at) = changed {
                    return Ok((at, paths));
                }
            }
            Err(RecvTimeoutError::Disconnected) => return Err(gone(notes)),
        }
    }
}

/// `path` as `Client::file` spells it (from the notes folder, `/`-separated), for
/// `Workspace::update_note`, which alone decides whether it is a note it can update.
fn note_of(root: &Path, notes: &Path, path: &Path) -> Option<String> {
    let rel = path
        .strip_prefix(root)
        .or_else(|_| path.strip_prefix(notes))
        .ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

fn summary(ws: &workspace::Workspace) -> String {
    let (errors, warnings) = crate::diag::counts(&ws.diags);
    format!(
        "{}, {}, {}",
        plural(ws.files, "note"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn watch_error(notes: &Path, e: notify::Error) -> Fatal {
    Fatal::Usage {
        what: format!("cannot watch {} for changes: {e}", notes.display()),
        hint: "on Linux, raise fs.inotify.max_user_watches, or build with `touchbase build`".into(),
    }
}

fn gone(notes: &Path) -> Fatal {
    Fatal::Usage {
        what: format!(
            "the notes folder {} is gone (moved or deleted); stopped serving",
            notes.display()
        ),
        hint: "put the folder back (or give its new place) and start `touchbase serve` again"
            .into(),
    }
}

/// Does this file-system event call for a rebuild? Reads do not (our own build reads
/// every note); nor do `.git/`, hidden files and editors' backup and swap files.
fn matters(root: &Path, event: &notify::Event) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|p| {
        let rel = p.strip_prefix(root).unwrap_or(p);
        let hidden = rel.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
        });
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let scratch = name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.ends_with(".tmp")
            || name.starts_with('#');
        !hidden && !scratch
    })
}

fn plural(n: usize, w: &str) -> String {
    if n == 1 {
        format!("{n} {w}")
    } else {
        format!("{n} {w}s")
    }
}

/// A stopped build as text for the terminal and the page.
fn fatal_text(fatal: &Fatal) -> String {
    let mut text = String::new();
    if let Fatal::Config(diags) = fatal {
        for d in diags {
            text.push_str(&d.render(false));
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!("error: {fatal}"));
    if let Some(hint) = fatal.hint() {
        text.push_str(&format!("\nhelp: {hint}"));
    }
    text
}

fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Err(e) = cmd.spawn() {
        say!("warning: could not open a browser ({e}); open {url} yourself");
    }
}

fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let shared = Arc::clone(shared);
        let open = Arc::clone(&open);
        std::thread::spawn(move || {
            handle(&mut stream, &shared);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

const RELOAD_JS: &str = include_str!("reload.js");
const SERVE_CSS: &str = include_str!("serve.css");

fn handle(stream: &mut TcpStream, shared: &Shared) {
    let Some(req) = http::read_request(stream) else {
        return;
    };
    let head_only = req.method == "HEAD";
    let reply = |stream: &mut TcpStream, status, ty: &str, body: &[u8]| {
        let _ = http::respond(stream, status, ty, &[], body, head_only);
    };
    const TEXT: &str = "text/plain; charset=utf-8";
    if !http::host_allowed(req.host.as_deref()) {
        return reply(
            stream,
            403,
            TEXT,
            b"touchbase serve answers only to localhost\n",
        );
    }
    if req.method != "GET" && !head_only {
        let _ = http::respond(
            stream,
            405,
            TEXT,
            &[("Allow", "GET, HEAD")],
            b"only GET and HEAD\n",
            false,
        );
        return;
    }
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    match path {
        "/__touchbase/events" => events(stream, shared),
        "/__touchbase/version" => {
            let v = shared.state().version;
            reply(stream, 200, TEXT, format!("{v}\n").as_bytes());
        }
        "/__touchbase/status" => {
            let body = {
                let s = shared.state();
                serde_json::json!({
                    "version": s.version,
                    "errors": s.errors,
                    "warnings": s.warnings,
                    "fatal": s.fatal,
                })
                .to_string()
            };
            reply(stream, 200, "application/json", body.as_bytes());
        }
        "/__touchbase/reload.js" => reply(
            stream,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes(),
        ),
        "/__touchbase/serve.css" => {
            reply(stream, 200, "text/css; charset=utf-8", SERVE_CSS.as_bytes())
        }
        _ => {
            let Some(rel) = http::site_path(&req.target) else {
                return reply(stream, 404, TEXT, b"not found\n");
            };
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let (tx, rx) = mpsc::channel();
            let sent = shared
                .site
                .lock()
                .map(|site| site.send(Msg::Get(rel.clone(), tx)).is_ok())
                .unwrap_or(false);
            let answer = match sent {
                true => rx.recv().unwrap_or(Answer::Missing),
                false => Answer::Missing,
            };
            match answer {
                Answer::Folder => {
                    let to = format!("{}/", path.trim_end_matches('/'));
                    let _ = http::respond(stream, 301, TEXT, &[("Location", &to)], b"", head_only);
                }
                Answer::File(bytes) => {
                    let ty = http::content_type(Path::new(&rel));
                    let bytes = if ty.starts_with("text/html") {
                        http::inject(bytes, &snippet(&shared.state()))
                    } else {
                        bytes
                    };
                    reply(stream, 200, ty, &bytes);
                }
                Answer::Missing => reply(stream, 404, TEXT, b"not found\n"),
                Answer::Failed(why) => reply(stream, 500, TEXT, why.as_bytes()),
            }
        }
    }
}

/// What every served page gets before `</body>`: the reload script, and a banner while
/// the notes have errors or the last build stopped.
fn snippet(state: &State) -> String {
    let zh = state.lang == Lang::Zh;
    let mut s = String::new();
    if let Some(fatal) = &state.fatal {
        let title = if zh {
            "重新生成失败，显示的是上一次成功的网站。"
        } else {
            "The site could not be rebuilt; this is the last good one."
        };
        s.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"/__touchbase/serve.css\">\
             <div id=\"touchbase-serve-banner\" role=\"alert\"><strong>{title}</strong><pre>{}</pre></div>",
            escape(fatal)
        ));
    } else if state.errors > 0 {
        let text = if zh {
            format!("笔记中有 {} 个错误", state.errors)
        } else if state.errors == 1 {
            "The notes have 1 error".to_string()
        } else {
            format!("The notes have {} errors", state.errors)
        };
        let link = if zh {
            "查看问题"
        } else {
            "see the problems"
        };
        s.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"/__touchbase/serve.css\">\
             <div id=\"touchbase-serve-banner\" role=\"alert\">{text}: <a href=\"/problems.html\">{link}</a></div>"
        ));
    }
    s.push_str("<script src=\"/__touchbase/reload.js\"></script>");
    s
}

/// Server-Sent Events: `data: hello` on connect, `data: reload` after every build, a
/// comment every 15 s so a closed tab is noticed.
fn events(stream: &mut TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: keep-alive\r\n\r\nretry: 1000\ndata: hello\n\n";
    // Taken before the hello, so a build finished after it is always told.
    let mut seen = shared.state().version;
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        let state = shared.state();
        let (state, _) = shared
            .changed
            .wait_timeout_while(state, Duration::from_secs(15), |s| s.version == seen)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let message = if state.version == seen {
            ": ping\n\n".to_string()
        } else {
            seen = state.version;
            "data: reload\n\n".to_string()
        };
        drop(state);
        if stream.write_all(message.as_bytes()).is_err() || stream.flush().is_err() {
            return;
        }
    }
}
