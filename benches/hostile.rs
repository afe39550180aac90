//! Growth of `touchbase check` on hostile notes: each shape is grown ×1, ×2, ×4, ×8 and
//! timed, so a superlinear spot shows as a time that more than doubles per step. The
//! table goes in docs/limits.md.
//!
//!     cargo bench --bench hostile
//!     TOUCHBASE_HOSTILE=mentions,keys cargo bench --bench hostile   # some shapes only
//!
//! Each run has a 120 s budget (a hung one is reported as such). Peak memory comes
//! from `/usr/bin/time` when it is installed. A test run (`cargo test --benches`) only
//! checks that the generators work, at ×1 of a tiny size.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A hostile shape: its name, what ×1 is, and the note text for a scale factor.
struct Shape {
    name: &'static str,
    unit: &'static str,
    make: fn(usize) -> String,
}

fn front(extra: &str) -> String {
    format!("---\nname: Hostile\n{extra}---\n")
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape {
            name: "mentions",
            unit: "12,500 unknown @mentions in one heading",
            make: |k| {
                let m: String = (0..12_500 * k).map(|i| format!(" @x{i}")).collect();
                front("") + &format!("## 2026-11-02 visit{m}\n")
            },
        },
        Shape {
            name: "people",
            unit: "1,250 people × 1,250 near-miss @mentions",
            make: |k| {
                let n = 1_250 * k;
                let p: String = (0..n).map(|i| format!("  - name: Person{i}\n")).collect();
                let m: String = (0..n).map(|i| format!(" @Persan{i}")).collect();
                front(&format!("people:\n{p}")) + &format!("## 2026-11-02 call{m}\n")
            },
        },
        Shape {
            name: "keys",
            unit: "12,500 unknown front-matter keys (near misses)",
            make: |k| {
                let y: String = (0..12_500 * k).map(|i| format!("addr{i:x}: x\n")).collect();
                front(&y)
            },
        },
        Shape {
            name: "repeats",
            unit: "12,500 repeated keys",
            make: |k| front(&"tier: key\n".repeat(12_500 * k)),
        },
        Shape {
            name: "entries",
            unit: "12,500 log entries",
            make: |k| {
                let mut s = front("");
                for i in 0..12_500 * k {
                    let _ = writeln!(
                        s,
                        "## 2025-{:02}-{:02} call\nnotes {i}\n",
                        i % 12 + 1,
                        i % 28 + 1
                    );
                }
                s
            },
        },
        Shape {
            name: "followups",
            unit: "12,500 follow-ups in 1,250 entries",
            make: |k| {
                let mut s = front("");
                for i in 0..12_500 * k {
                    if i % 10 == 0 {
                        let _ = writeln!(s, "## 2025-{:02}-{:02} call", i % 12 + 1, i % 28 + 1);
                    }
                    let _ = writeln!(
                        s,
                        "- [ ] 2026-{:02}-{:02} call back",
                        i % 12 + 1,
                        i % 28 + 1
                    );
                }
                s
            },
        },
        Shape {
            name: "nesting",
            unit: "YAML flow lists nested 2,500 deep",
            make: |k| {
                let n = 2_500 * k;
                front(&format!("deep: {}{}\n", "[".repeat(n), "]".repeat(n)))
            },
        },
        Shape {
            name: "long-line",
            unit: "one 750 KB heading",
            make: |k| front("") + &format!("## 2026-11-02 call {}\n", "长".repeat(250_000 * k)),
        },
        Shape {
            name: "headings",
            unit: "12,500 undated headings",
            make: |k| {
                let mut s = front("");
                for i in 0..12_500 * k {
                    let _ = writeln!(s, "### Section {i}\ntext\n");
                }
                s
            },
        },
        Shape {
            name: "table",
            unit: "a 2,500-row table in an entry",
            make: |k| {
                let mut s = front("") + "## 2026-11-02 call\n| a | b |\n| - | - |\n";
                for i in 0..2_500 * k {
                    let _ = writeln!(s, "| {i} | x |");
                }
                s
            },
        },
        Shape {
            name: "nested-list",
            unit: "a list nested 250 deep in an entry",
            make: |k| {
                let mut s = front("") + "## 2026-11-02 call\n";
                for i in 0..250 * k {
                    let _ = writeln!(s, "{}- item {i}", "  ".repeat(i));
                }
                s
            },
        },
        Shape {
            name: "emphasis",
            unit: "12,500 unclosed `*a **b` runs in one paragraph",
            make: |k| {
                front("") + "## 2026-11-02 call\n" + &"*a **b _c __d ".repeat(12_500 * k) + "\n"
            },
        },
    ]
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let exe = env!("CARGO_BIN_EXE_touchbase");
    let only: Option<Vec<String>> = std::env::var("TOUCHBASE_HOSTILE")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let time = Path::new("/usr/bin/time");
    let dir = tempfile_dir();
    let factors: &[usize] = if measuring { &[1, 2, 4, 8] } else { &[1] };
    println!("touchbase check on hostile notes (seconds; peak RSS MB)");
    println!("{:<12} {:<48} ×1 / ×2 / ×4 / ×8", "shape", "×1 is");
    for shape in shapes() {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|n| n == shape.name))
        {
            continue;
        }
        let mut cells = Vec::new();
        for &k in factors {
            let notes = dir.join(format!("{}-{k}", shape.name));
            let _ = std::fs::remove_dir_all(&notes);
            std::fs::create_dir_all(&notes).expect("notes folder");
            let text = if measuring {
                (shape.make)(k)
            } else {
                (shape.make)(k).chars().take(4000).collect()
            };
            std::fs::write(notes.join("hostile.md"), text).expect("write note");
            let mut cmd = if time.is_file() {
                let mut c = Command::new(time);
                c.args(["-f", "%M", exe]);
                c
            } else {
                Command::new(exe)
            };
            cmd.arg("check")
                .arg(&notes)
                .args(["--today", "2026-11-22"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let start = Instant::now();
            let mut child = cmd.spawn().expect("run touchbase");
            let budget = Duration::from_secs(120);
            let status = loop {
                if let Ok(Some(s)) = child.try_wait() {
                    break Some(s);
                }
                if start.elapsed() > budget {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                std::thread::sleep(Duration::from_millis(5));
            };
            let secs = start.elapsed().as_secs_f64();
            let cell = match status {
                None => "hung".to_string(),
                Some(_) => {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        use std::io::Read;
                        let _ = e.read_to_string(&mut err);
                    }
                    let peak = err
                        .lines()
                        .last()
                        .and_then(|l| l.trim().parse::<u64>().ok())
                        .map_or_else(String::new, |kb| format!(" ({:.0})", kb as f64 / 1024.0));
                    format!("{secs:.2}{peak}")
                }
            };
            cells.push(cell);
            let _ = std::fs::remove_dir_all(&notes);
        }
        println!(
            "{:<12} {:<48} {}",
            shape.name,
            shape.unit,
            cells.join(" / ")
        );
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/hostile");
    std::fs::create_dir_all(&root).expect("target/hostile");
    root
}
