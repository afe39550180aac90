//! `touchbase serve` benchmark: 10,000 clients × 40 entries (generated with
//! `../shared/bench/gen_notes.py --seed 7 --by-owner`), serve started, one note edited
//! five times; each time, the time from the file write to the new version number
//! (`/__touchbase/version`) and to the client page's new bytes.
//!
//!     cargo bench --bench serve
//!
//! Options (environment): `TOUCHBASE_BENCH_SIZES=10000`, `TOUCHBASE_BENCH_RUNS=5`,
//! `TOUCHBASE_BENCH_DIR` (notes; default `target/bench`), `TOUCHBASE_BENCH_GEN` (the
//! generator, default `../shared/bench/gen_notes.py`). The note is put back as it
//! was at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string())
}

fn version(addr: &str) -> u64 {
    get(addr, "/__touchbase/version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

mod common;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generator = std::env::var_os("TOUCHBASE_BENCH_GEN")
        .map_or_else(|| root.join("../shared/bench/gen_notes.py"), PathBuf::from);
    let n: usize = std::env::var("TOUCHBASE_BENCH_SIZES")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(if measuring { 10_000 } else { 50 });
    let runs = common::runs(measuring);
    let dir = common::dir(root);
    let notes = dir.join(format!("notes-{n}x40"));
    if !notes.is_dir() {
        if !generator.is_file() {
            eprintln!("skipping: {} not found", generator.display());
            return;
        }
        common::generate(&generator, &notes, n);
    }
    // The first note in name order, and its page (the slug is the file name).
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&notes)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.truncate(1);
    let note = files.pop().expect("no notes generated");
    let stem = note.file_stem().unwrap().to_string_lossy().into_owned();
    let page = format!("/clients/{stem}.html");
    let original = std::fs::read(&note).unwrap();

    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_touchbase"))
        .arg("serve")
        .arg(&notes)
        .args(["--port", "0", "--today", "2026-06-30"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve stopped").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let first = started.elapsed().as_secs_f64();
    std::thread::spawn(move || lines.for_each(drop));
    assert!(
        get(&addr, &page).is_some_and(|b| b.contains("<html")),
        "no page at {page}"
    );

    let (mut to_version, mut to_page) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let v = version(&addr);
        let marker = format!("bench edit {run} {}", std::process::id());
        let mut text = original.clone();
        text.extend_from_slice(format!("\n## 2026-06-29 call — {marker}\n").as_bytes());
        let t0 = Instant::now();
        std::fs::write(&note, &text).unwrap();
        let mut versioned = None;
        loop {
            if versioned.is_none() && version(&addr) > v {
                versioned = Some(t0.elapsed().as_secs_f64() * 1000.0);
            }
            if versioned.is_some() && get(&addr, &page).is_some_and(|b| b.contains(&marker)) {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(120), "no rebuild");
            std::thread::sleep(Duration::from_millis(1));
        }
        to_page.push(t0.elapsed().as_secs_f64() * 1000.0);
        to_version.extend(versioned);
        // Let the server go idle before the next edit.
        std::thread::sleep(Duration::from_millis(300));
    }
    let rss = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    std::fs::write(&note, &original).unwrap();
    println!(
        "touchbase serve, {n} clients × 40 entries: first build and listening {first:.2} s; \
         one-note edit, {runs} runs: to new version median {:.0} ms (runs {:?}), \
         to the page's new bytes median {:.0} ms; peak RSS {rss}",
        median(&mut to_version.clone()),
        to_version.iter().map(|t| t.round()).collect::<Vec<_>>(),
        median(&mut to_page),
    );
}
