//! `touchbase serve`, the real binary: started on a free port, pages fetched over HTTP
//! with a hand-written GET, notes changed and broken under it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_touchbase");

/// A running `touchbase serve`, stopped (SIGTERM, then kill) when dropped.
struct Server {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
    /// The child's temp folder (`TMPDIR`): serve writes nothing, there or anywhere.
    tmp: tempfile::TempDir,
}

impl Server {
    fn start(notes: &Path, extra: &[&str]) -> Server {
        Server::start_with(notes, extra, &[])
    }

    /// `start` with more environment variables for the child.
    fn start_with(notes: &Path, extra: &[&str], env: &[(&str, std::ffi::OsString)]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg(notes)
            .args(["--port", "0", "--today", "2026-11-20"])
            .args(extra)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        {
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut s = stderr.lock().unwrap();
                    s.push_str(&line);
                    s.push('\n');
                }
            });
        }
        let mut server = Server {
            child,
            addr: String::new(),
            stderr,
            tmp,
        };
        let found = wait_for(Duration::from_secs(60), || {
            let s = server.stderr.lock().unwrap();
            s.split("http://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .map(str::to_string)
        });
        match found {
            Some(addr) => server.addr = addr,
            None => panic!("serve did not start:\n{}", server.stderr()),
        }
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        http(&self.addr, "GET", path)
    }

    fn version(&self) -> u64 {
        self.get("/__touchbase/version").2.trim().parse().unwrap()
    }

    /// Wait until the version is past `v` (a rebuild happened).
    fn wait_past(&self, v: u64) {
        let ok = wait_for(Duration::from_secs(60), || {
            (self.version() > v).then_some(())
        });
        assert!(ok.is_some(), "no rebuild after {v}:\n{}", self.stderr());
    }

    /// What the child left in its temp folder (nothing, ever).
    fn temp_files(&self) -> Vec<PathBuf> {
        walkdir::WalkDir::new(self.tmp.path())
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect()
    }

    /// SIGTERM, as Ctrl-C would, and wait for the exit.
    fn stop(&mut self) -> Option<std::process::ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        wait_for(Duration::from_secs(30), || {
            self.child.try_wait().ok().flatten()
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.stop().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(t) = f() {
            return Some(t);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One request; the status, the head and the body.
fn http(addr: &str, method: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// A copy of the example notes to change.
fn notes() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.path().strip_prefix(&src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

const NOTE: &str = "anna-li/harbor-foods.md";
const PAGE: &str = "/clients/harbor-foods.html";
const SCRIPT: &str = "<script src=\"/__touchbase/reload.js\"></script></body>";

/// Add a contact with `summary` at the end of the note.
fn append_entry(notes: &Path, heading: &str) {
    let path = notes.join(NOTE);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("\n## {heading}\n"));
    std::fs::write(path, text).unwrap();
}

#[test]
fn serves_the_site_with_the_reload_script_only_when_served() {
    let notes = notes();
    let server = Server::start(notes.path(), &["--lang", "en"]);
    let (status, head, body) = server.get("/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains(SCRIPT), "no reload script in the served page");
    assert!(
        !body.contains("touchbase-serve-banner"),
        "a banner with no problems"
    );
    let (status, head, body) = server.get("/__touchbase/reload.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"), "{head}");
    assert!(body.contains("/__touchbase/events"));
    // Chinese page names, percent-encoded as a browser sends them.
    let (status, head, body) = server.get("/reps/%E7%8E%8B%E7%A3%8A.html");
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("王磊"));
    let (status, head, _) = server.get("/calendar.ics");
    assert_eq!(status, 200);
    assert!(head.contains("text/calendar"), "{head}");
    let (status, head, _) = server.get("/assets/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"), "{head}");
    // Nothing outside the site, nothing but GET and HEAD, only to localhost.
    for bad in [
        "/../touchbase.yaml",
        "/%2e%2e/touchbase.yaml",
        "/.touchbase-site",
        "/nope.html",
    ] {
        assert_eq!(server.get(bad).0, 404, "{bad}");
    }
    assert_eq!(http(&server.addr, "POST", "/").0, 405);
    let (status, head, body) = http(&server.addr, "HEAD", "/index.html");
    assert_eq!(status, 200, "{head}");
    assert!(body.is_empty());
    // The pages are rendered in memory: nothing on disk.
    assert_eq!(server.temp_files(), Vec::<PathBuf>::new());

    // Nor does `touchbase build` write it, anywhere.
    let out = tempfile::tempdir().unwrap();
    let built = Command::new(BIN)
        .arg("build")
        .arg(notes.path())
        .arg("--out")
        .arg(out.path().join("site"))
        .args(["--today", "2026-11-20"])
        .output()
        .unwrap();
    assert!(built.status.success());
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&text).contains("__touchbase"),
                "{}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn a_changed_note_is_rebuilt_and_the_page_reloads() {
    let notes = notes();
    let server = Server::start(notes.path(), &[]);
    let mut events = TcpStream::connect(&server.addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        events,
        "GET /__touchbase/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let mut seen = String::new();
    while !seen.contains("data: hello\n") {
        assert!(events.read_line(&mut seen).unwrap() > 0, "{seen}");
    }
    assert!(seen.contains("Content-Type: text/event-stream"), "{seen}");

    let (_, _, before) = server.get(PAGE);
    assert!(!before.contains("Cold-chain audit walkthrough"));
    let v = server.version();
    append_entry(
        notes.path(),
        "2026-11-19 visit — Cold-chain audit walkthrough",
    );
    server.wait_past(v);
    let (status, _, after) = server.get(PAGE);
    assert_eq!(status, 200);
    assert!(
        after.contains("Cold-chain audit walkthrough"),
        "{}",
        server.stderr()
    );
    // One note changed: only it was read again.
    assert!(
        server.stderr().contains(&format!("updated {NOTE}")),
        "{}",
        server.stderr()
    );
    // A new note: the folder is loaded again, and its page is there.
    let v = server.version();
    std::fs::write(
        notes.path().join("anna-li/new-client.md"),
        "---\nname: Brand New Ltd\nowner: Anna Li\n---\n\n## 2026-11-18 call — first call\n",
    )
    .unwrap();
    server.wait_past(v);
    let (status, _, page) = server.get("/clients/new-client.html");
    assert_eq!(status, 200, "{}", server.stderr());
    assert!(page.contains("Brand New Ltd"));
    assert!(server.stderr().contains("reloaded"), "{}", server.stderr());
    // Comments (`: ping`) come every 15 s; the reload must come well before that.
    let start = Instant::now();
    let mut line = String::new();
    while !line.contains("data: reload") {
        assert!(start.elapsed() < Duration::from_secs(10), "no reload event");
        line.clear();
        assert!(events.read_line(&mut line).unwrap() > 0);
    }
}

#[test]
fn problems_show_in_the_page_and_a_broken_config_keeps_the_last_site() {
    let notes = notes();
    let server = Server::start(notes.path(), &["--lang", "en"]);
    let v = server.version();
    append_entry(notes.path(), "2026-13-45 visit — a day that does not exist");
    server.wait_past(v);
    let (_, _, page) = server.get("/index.html");
    assert!(page.contains("id=\"touchbase-serve-banner\""), "no banner");
    assert!(page.contains("href=\"/problems.html\""));
    assert!(page.contains("1 error"), "{page}");
    let (_, _, problems) = server.get("/problems.html");
    assert!(problems.contains("harbor-foods.md"));

    // touchbase.yaml broken: the last good site stays, with the error text on it.
    let v = server.version();
    std::fs::write(notes.path().join("touchbase.yaml"), "cadence: [oops\n").unwrap();
    server.wait_past(v);
    let (status, _, page) = server.get("/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("the last good one"), "{page}");
    assert!(page.contains("touchbase.yaml"), "{page}");
    assert!(server.stderr().contains("still serving the last good site"));
}

/// Every file of the notes folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn every_served_file_is_the_built_one_with_the_script() {
    let notes = notes();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    for lang in ["en", "zh"] {
        let built = Command::new(BIN)
            .arg("build")
            .arg(notes.path())
            .arg("--out")
            .arg(&site)
            .args(["--today", "2026-11-20", "--lang", lang])
            .output()
            .unwrap();
        assert!(built.status.success());
        let server = Server::start(notes.path(), &["--lang", lang]);
        let mut files = 0;
        for entry in walkdir::WalkDir::new(&site).sort_by_file_name() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(&site).unwrap().to_str().unwrap();
            if !entry.file_type().is_file() || rel.starts_with('.') {
                continue;
            }
            let disk = std::fs::read_to_string(entry.path()).unwrap();
            let url: String = rel
                .bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            let (status, _, served) = server.get(&format!("/{url}"));
            assert_eq!(status, 200, "{lang}: {rel}");
            let expected = match rel.ends_with(".html") {
                true => disk.replace("</body>", SCRIPT),
                false => disk,
            };
            assert!(
                served == expected,
                "{lang}: {rel} differs from the built file"
            );
            files += 1;
        }
        assert!(files > 30, "{lang}: only {files} files");
    }
}

#[test]
fn serving_writes_nothing_and_stops_on_sigterm() {
    let notes = notes();
    let before = snapshot(notes.path());
    let mut server = Server::start(notes.path(), &[]);
    for page in [
        "/",
        "/clients.html",
        PAGE,
        "/calendar.ics",
        "/problems.html",
    ] {
        assert_eq!(server.get(page).0, 200, "{page}");
    }
    assert_eq!(server.temp_files(), Vec::<PathBuf>::new());
    assert!(snapshot(notes.path()) == before, "the notes changed");
    let status = server.stop().expect("serve did not stop on SIGTERM");
    assert!(status.success(), "{status:?}");
    assert!(server.stderr().contains("stopped"), "{}", server.stderr());
    assert_eq!(server.temp_files(), Vec::<PathBuf>::new());
}

#[test]
fn a_port_in_use_or_a_bad_port_is_exit_2_with_a_hint() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let notes = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-notes");
    for (port, says) in [(port.as_str(), "is in use"), ("99999", "not a port number")] {
        let out = Command::new(BIN)
            .arg("serve")
            .arg(&notes)
            .args(["--port", port])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(err.contains("help: "), "{err}");
    }
}

#[test]
fn a_notes_folder_that_disappears_stops_with_a_message() {
    let notes = notes();
    let mut server = Server::start(notes.path(), &[]);
    std::fs::remove_dir_all(notes.path()).unwrap();
    let status = wait_for(Duration::from_secs(30), || {
        server.child.try_wait().ok().flatten()
    })
    .expect("serve kept running without its notes");
    assert_eq!(status.code(), Some(2));
    let err = wait_for(Duration::from_secs(5), || {
        let err = server.stderr();
        err.contains("help: ").then_some(err)
    })
    .unwrap_or_else(|| server.stderr());
    assert!(err.contains("is gone"), "{err}");
    assert!(err.contains("help: "), "{err}");
    assert_eq!(server.temp_files(), Vec::<PathBuf>::new());
}

#[test]
fn open_opens_the_served_address_in_the_browser() {
    use std::os::unix::fs::PermissionsExt;
    let notes = notes();
    // A stand-in `xdg-open` first on PATH, writing down what it was asked to open.
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("opened.txt");
    let fake = bin.path().join("xdg-open");
    std::fs::write(
        &fake,
        "#!/bin/sh\nprintf '%s' \"$1\" > \"$TOUCHBASE_TEST_OPENED\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(std::iter::once(bin.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    for (flag, opens) in [(Some("--open"), true), (None, false)] {
        let _ = std::fs::remove_file(&log);
        let server = Server::start_with(
            notes.path(),
            flag.as_slice(),
            &[
                ("PATH", path.clone()),
                ("TOUCHBASE_TEST_OPENED", log.clone().into_os_string()),
            ],
        );
        // The page is served; by then `--open` has asked for the browser.
        assert_eq!(server.get("/").0, 200);
        let opened = wait_for(Duration::from_secs(5), || {
            std::fs::read_to_string(&log).ok()
        });
        match opens {
            true => assert_eq!(
                opened.as_deref(),
                Some(format!("http://{}/", server.addr).as_str()),
                "{}",
                server.stderr()
            ),
            // Without the flag nothing is opened (the probe above can fail).
            false => assert_eq!(opened, None),
        }
    }
}
