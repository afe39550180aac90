//! Stage timings: where a `check`, `build` or `export` spends its time (`--timings`,
//! or `TOUCHBASE_TIMINGS=1`).
//!
//! A `Timings` is made by the command and handed down by reference to each stage that
//! reports on itself (`workspace::read_notes`, `Checked::analyse`); there is no global
//! state, so tests and `serve` can time (or not time) as many loads side by side as they
//! like. Switched off it records nothing and costs one branch a stage.
//!
//! Stages that run on every core at once (reading and parsing notes, rendering and
//! writing pages) have one wall time, and beside it the time each part took summed over
//! the threads (`Busy`): where the CPU went inside the stage.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The wall time of each stage so far, in the order they ran.
#[derive(Debug)]
pub struct Timings {
    /// None when switched off.
    clock: Option<Clock>,
}

#[derive(Debug)]
struct Clock {
    start: Instant,
    last: Instant,
    stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq)]
struct Stage {
    name: &'static str,
    wall: Duration,
    /// Parts of a parallel stage, each summed over the threads.
    parts: Vec<(&'static str, Duration)>,
    /// What else the stage says about itself (after the parts).
    said: String,
    /// The process's resident memory when the stage ended, in kB, where the system
    /// says it (`VmRSS`): how memory grows stage by stage, beside the total's peak.
    resident: Option<u64>,
}

impl Timings {
    /// Timings that are recorded when `on`.
    pub fn new(on: bool) -> Timings {
        let now = Instant::now();
        Timings {
            clock: on.then(|| Clock {
                start: now,
                last: now,
                stages: Vec::new(),
            }),
        }
    }

    /// Timings that record nothing.
    pub fn off() -> Timings {
        Timings::new(false)
    }

    pub fn is_on(&self) -> bool {
        self.clock.is_some()
    }

    /// The stage `name` ended now (it began where the last one ended).
    pub fn lap(&mut self, name: &'static str) {
        self.lap_with(name, None, String::new());
    }

    /// The parallel stage `name` ended now; `busy` holds its parts' thread time.
    pub fn lap_busy(&mut self, name: &'static str, busy: &Busy) {
        self.lap_with(name, Some(busy), String::new());
    }

    /// `lap_busy`, the stage saying `said` about itself after its parts.
    pub fn lap_busy_said(&mut self, name: &'static str, busy: &Busy, said: String) {
        self.lap_with(name, Some(busy), said);
    }

    fn lap_with(&mut self, name: &'static str, busy: Option<&Busy>, said: String) {
        let Some(clock) = &mut self.clock else { return };
        let now = Instant::now();
        let parts = busy.map_or_else(Vec::new, Busy::parts);
        clock.stages.push(Stage {
            name,
            wall: now - clock.last,
            parts,
            said,
            resident: resident_kb(),
        });
        clock.last = now;
    }

    /// A `Busy` for a parallel stage with these parts: it measures only when timings
    /// are on.
    pub fn busy(&self, parts: &[&'static str]) -> Busy {
        Busy {
            on: self.is_on(),
            names: parts.to_vec(),
            nanos: parts.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// The table for stderr, one line a stage (wall time and share of the total), then
    /// the total with the process's CPU time and peak memory where the system says
    /// them; empty when switched off.
    pub fn table(&self) -> String {
        let Some(clock) = &self.clock else {
            return String::new();
        };
        let total = clock.last - clock.start;
        let mut out = String::new();
        let width = clock
            .stages
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("total".len());
        for s in &clock.stages {
            let share = if total.is_zero() {
                0.0
            } else {
                s.wall.as_secs_f64() / total.as_secs_f64() * 100.0
            };
            let _ = write!(
                out,
                "timing: {:<width$} {:>8} {:>5.1} %",
                s.name,
                ms(s.wall),
                share
            );
            if let Some(kb) = s.resident {
                let _ = write!(out, "  rss {:>6.1} MB", kb as f64 / 1024.0);
            }
            if !s.parts.is_empty() {
                let parts: Vec<String> = s
                    .parts
                    .iter()
                    .map(|(n, d)| format!("{n} {}", ms(*d).trim_start()))
                    .collect();
                let _ = write!(out, "  (summed over threads: {}", parts.join(", "));
                if !s.said.is_empty() {
                    let _ = write!(out, "; {}", s.said);
                }
                out.push(')');
            }
            out.push('\n');
        }
        let _ = write!(out, "timing: {:<width$} {:>8} 100.0 %", "total", ms(total));
        let process = process_figures();
        if !process.is_empty() {
            let _ = write!(out, "  ({process})");
        }
        out.push('\n');
        out
    }
}

/// `1234.5 ms`, right-aligned by the caller.
fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The CPU time (user + system, all threads) and the peak resident memory of this
/// process so far, from `/proc` (Linux); empty elsewhere.
fn process_figures() -> String {
    let mut said = Vec::new();
    // Fields 14 and 15 of /proc/self/stat, after the `(name)` that may hold spaces, in
    // clock ticks of 1/100 s (USER_HZ is 100 on every Linux).
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat")
        && let Some((_, rest)) = stat.rsplit_once(')')
    {
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        // `rest` starts at field 3 (state), so field n is rest's n - 3.
        if let (Some(user), Some(sys)) = (tick(11), tick(12)) {
            said.push(format!(
                "CPU {} ms: user {} ms, sys {} ms",
                (user + sys) * 10,
                user * 10,
                sys * 10
            ));
        }
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(peak) = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))
    {
        said.push(format!("peak memory {}", peak.trim()));
    }
    said.join("; ")
}

/// The resident memory of this process now, in kB (`VmRSS` of `/proc/self/status`:
/// Linux); None elsewhere.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// The thread time of a parallel stage's parts (`read` and `parse`, `render` and
/// `write`), added up from every thread.
#[derive(Debug)]
pub struct Busy {
    on: bool,
    names: Vec<&'static str>,
    nanos: Vec<AtomicU64>,
}

impl Busy {
    /// A `Busy` that measures nothing.
    pub fn off() -> Busy {
        Busy {
            on: false,
            names: Vec::new(),
            nanos: Vec::new(),
        }
    }

    /// Run `f` as part `part` (an index into the names given) of the stage, counting its
    /// time when on.
    pub fn time<R>(&self, part: usize, f: impl FnOnce() -> R) -> R {
        if !self.on {
            return f();
        }
        let start = Instant::now();
        let r = f();
        let took = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        if let Some(slot) = self.nanos.get(part) {
            slot.fetch_add(took, Ordering::Relaxed);
        }
        r
    }

    fn parts(&self) -> Vec<(&'static str, Duration)> {
        self.names
            .iter()
            .zip(&self.nanos)
            .map(|(n, t)| (*n, Duration::from_nanos(t.load(Ordering::Relaxed))))
            .collect()
    }
}

/// How far a long stage has got, for a progress line on the terminal: the stage sets
/// the total and counts each step; whoever shows it reads both from another thread.
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// A stage of `total` steps begins.
    pub fn begin(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// One more step done.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// (done, total) so far; total 0 until the stage has begun.
    pub fn get(&self) -> (usize, usize) {
        let total = self.total.load(Ordering::Relaxed);
        (self.done.load(Ordering::Relaxed).min(total), total)
    }
}

/// Is `TOUCHBASE_TIMINGS` set to something that means yes (anything but empty, `0`,
/// `false`, `no`, `off`)?
pub fn env_says_on(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| {
        let v = v.to_string_lossy();
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "" | "0" | "false" | "no" | "off"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_records_nothing_and_prints_nothing() {
        let mut t = Timings::off();
        t.lap("discover");
        let busy = t.busy(&["read", "parse"]);
        assert_eq!(busy.time(0, || 7), 7);
        t.lap_busy("read and parse", &busy);
        assert_eq!(t.table(), "");
        assert_eq!(busy.parts()[0].1, Duration::ZERO);
    }

    #[test]
    fn every_stage_gets_a_line_in_order_and_the_total_last() {
        let mut t = Timings::new(true);
        t.lap("discover");
        let busy = t.busy(&["read", "parse"]);
        busy.time(1, || std::thread::sleep(Duration::from_millis(2)));
        t.lap_busy("read and parse", &busy);
        t.lap("analyse: cadence");
        let table = t.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[0].starts_with("timing: discover "), "{table}");
        assert!(lines[1].starts_with("timing: read and parse "), "{table}");
        assert!(
            lines[1].contains("(summed over threads: read 0.0 ms, parse "),
            "{table}"
        );
        assert!(lines[2].starts_with("timing: analyse: cadence "), "{table}");
        assert!(lines[3].starts_with("timing: total "), "{table}");
        assert!(lines[3].contains("100.0 %"), "{table}");
        // The parse slept 2 ms: the parallel stage took at least that.
        let clock = t.clock.as_ref().unwrap();
        assert!(clock.stages[1].wall >= Duration::from_millis(2));
        assert!(clock.stages[1].parts[1].1 >= Duration::from_millis(2));
        let sum: Duration = clock.stages.iter().map(|s| s.wall).sum();
        assert_eq!(sum, clock.last - clock.start);
    }

    #[test]
    fn each_stage_says_the_memory_resident_at_its_end() {
        let mut t = Timings::new(true);
        t.lap("before");
        // 64 MB written to (so resident), held over the next lap, then let go of.
        let held = vec![1u8; 64 << 20];
        t.lap("holding");
        assert_eq!(
            held.iter().map(|&b| usize::from(b)).sum::<usize>(),
            64 << 20
        );
        drop(held);
        let table = t.table();
        let clock = t.clock.as_ref().unwrap();
        if cfg!(target_os = "linux") {
            let mb = |i: usize| clock.stages[i].resident.unwrap() as f64 / 1024.0;
            // The stage that held 64 MB ends with at least 60 MB more resident than
            // the one before (control: the one before did not hold it).
            assert!(mb(1) - mb(0) >= 60.0, "{table}");
            for line in table.lines().take(2) {
                assert!(line.contains(" MB"), "{table}");
                assert!(line.contains("  rss "), "{table}");
            }
        } else {
            assert!(!table.contains("  rss "), "{table}");
        }
    }

    #[test]
    fn the_environment_variable_reads_like_a_switch() {
        use std::ffi::OsStr;
        for yes in ["1", "yes", "true", "on"] {
            assert!(env_says_on(Some(OsStr::new(yes))), "{yes}");
        }
        for no in ["", "0", "false", "no", "off", " OFF "] {
            assert!(!env_says_on(Some(OsStr::new(no))), "{no:?}");
        }
        assert!(!env_says_on(None));
    }

    #[test]
    fn progress_counts_steps_up_to_the_total() {
        let p = Progress::default();
        assert_eq!(p.get(), (0, 0));
        p.begin(2);
        p.step();
        assert_eq!(p.get(), (1, 2));
        p.step();
        p.step();
        assert_eq!(p.get(), (2, 2));
        p.begin(5);
        assert_eq!(p.get(), (0, 5));
    }
}
