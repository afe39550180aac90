//! A small Chrome DevTools Protocol client for the browser tests and the site benchmark:
//! starts Debian's `chromium` headless with `--remote-debugging-port=0`, talks to it over
//! one WebSocket (`tungstenite`, a dev-dependency), and drives one page: navigate, wait
//! for the load event, evaluate script, type, click, resize. It records what a manager's
//! browser would complain about: console errors, uncaught exceptions, error log entries
//! and failed requests. Why our own client and not a CDP crate: `docs/decisions.md`.

#![allow(dead_code)] // each test binary uses only some of these

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// How long one protocol call or page load may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    /// Protocol events seen since the last `navigate`.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Start `browser` headless with a fresh profile and open one blank page, with the
    /// Page, Runtime, Log and Network domains enabled.
    pub fn launch(browser: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile folder");
        let mut child = super::headless(browser, profile.path())
            .args(["--remote-debugging-port=0", "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // Chromium prints `DevTools listening on ws://…` on stderr once it is ready.
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(at) = line.find("ws://") {
                        break line[at..].trim().to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    panic!("chromium exited before opening its DevTools port");
                }
            }
        };
        // Keep draining stderr so chromium never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let host = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let tcp = TcpStream::connect(&host).expect("connect to chromium");
        tcp.set_read_timeout(Some(PATIENCE)).expect("read timeout");
        let (ws, _) = tungstenite::client(url.as_str(), tcp).expect("DevTools handshake");
        let mut b = Browser {
            child,
            ws,
            next_id: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].clone();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        for domain in ["Page", "Runtime", "Log", "Network"] {
            b.call(&format!("{domain}.enable"), json!({}));
        }
        b
    }

    /// Send one command (to the page once attached) and wait for its answer; events that
    /// arrive meanwhile are kept.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .expect("send to chromium");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let m = self.read(deadline, method);
            if m["id"].as_u64() == Some(id) {
                if let Some(err) = m.get("error") {
                    panic!("{method} failed: {err}");
                }
                return m["result"].clone();
            }
            self.events.push(m);
        }
    }

    fn read(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        loop {
            assert!(
                Instant::now() < deadline,
                "chromium did not answer {waiting_for} in time"
            );
            match self.ws.read() {
                Ok(Message::Text(t)) => {
                    return serde_json::from_str(t.as_str()).expect("DevTools JSON");
                }
                Ok(_) => continue,
                Err(e) => panic!("DevTools connection, waiting for {waiting_for}: {e}"),
            }
        }
    }

    /// Wait until an event named `method` arrives (or was already kept).
    pub fn wait_for(&mut self, method: &str) -> Value {
        if let Some(e) = self.events.iter().find(|e| e["method"] == method) {
            return e.clone();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let m = self.read(deadline, method);
            self.events.push(m.clone());
            if m["method"] == method {
                return m;
            }
        }
    }

    /// Open `url` and wait for its load event; forget earlier events.
    pub fn navigate(&mut self, url: &str) {
        self.events.clear();
        let r = self.call("Page.navigate", json!({"url": url}));
        if let Some(err) = r.get("errorText") {
            panic!("could not open {url}: {err}");
        }
        self.wait_for("Page.loadEventFired");
        // Let scripts that run on the next frame (the client list's first filter) finish.
        self.eval("new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))");
    }

    /// Evaluate `expr` in the page (awaiting a promise) and return its value.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("script `{expr}` threw: {ex}");
        }
        r["result"]["value"].clone()
    }

    /// Evaluate `expr`, an array of strings, into a `Vec` (non-strings are left out).
    pub fn eval_strings(&mut self, expr: &str) -> Vec<String> {
        self.eval(expr)
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Type `text` into the focused element, as a keyboard or input method would.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// Click the middle of the first element matching `selector`.
    pub fn click(&mut self, selector: &str) {
        let sel = serde_json::to_string(selector).unwrap_or_default();
        let at = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); e.scrollIntoView({{block: 'center'}}); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// Lay the page out as a `width` px wide screen (a phone when `mobile`).
    pub fn set_width(&mut self, width: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// What went wrong on the page since it was opened: console errors, uncaught
    /// exceptions, error log entries (a missing file shows up here) and failed requests.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.events {
            let p = &e["params"];
            match e["method"].as_str().unwrap_or_default() {
                "Runtime.consoleAPICalled"
                    if matches!(p["type"].as_str(), Some("error" | "assert" | "warning")) =>
                {
                    out.push(format!("console.{}: {}", p["type"], p["args"]));
                }
                "Runtime.exceptionThrown" => {
                    out.push(format!("uncaught exception: {}", p["exceptionDetails"]));
                }
                "Log.entryAdded" if matches!(p["entry"]["level"].as_str(), Some("error")) => {
                    out.push(format!(
                        "log error: {} ({})",
                        p["entry"]["text"], p["entry"]["url"]
                    ));
                }
                "Network.loadingFailed" => {
                    out.push(format!("failed request: {}", p["errorText"]));
                }
                "Network.responseReceived"
                    if p["response"]["status"].as_u64().is_some_and(|s| s >= 400) =>
                {
                    out.push(format!(
                        "HTTP {} for {}",
                        p["response"]["status"], p["response"]["url"]
                    ));
                }
                _ => {}
            }
        }
        out
    }

    /// Every URL the page requested since it was opened.
    pub fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(String::from))
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
