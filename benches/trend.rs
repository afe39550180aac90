//! What the 52-week trend and "what changed" cost: replaying every client's status on
//! each week (and on `--since`), against the whole load and analysis it is part of.
//! Issue 11 asks that it add under 10 % to a build at 10,000 clients.
//!
//!     TOUCHBASE_BENCH_DIR=/dev/shm/bd cargo bench --bench trend
//!
//! Notes come from `../shared/bench/gen_notes.py` (10,000 clients × 40 entries, seed 7,
//! by owner), as for `benches/build.rs`; `TOUCHBASE_BENCH_SIZES` and `_RUNS` as there.

use std::path::Path;
use std::time::Instant;

use touchbase::analyse::trend;

mod common;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some((notes, n)) = common::notes_of_last_size(root, measuring) else {
        return;
    };
    let runs = common::runs(measuring);
    let today = "2026-06-30".parse().ok();
    let (mut loads, mut replays) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let ws = touchbase::workspace::load(&notes, today).expect("the notes load");
        loads.push(started.elapsed().as_secs_f64());
        // The replay as the load does it, again: every client's 52 weeks and its status
        // on `since` (single-threaded here; the load runs it on every core).
        let started = Instant::now();
        let mut overdue = 0usize;
        for c in &ws.clients {
            let weeks = trend::replay(c, &ws.config.cadences, ws.team.first_week, ws.today);
            overdue += weeks
                .iter()
                .filter(|s| **s == Some(touchbase::analyse::Status::Overdue))
                .count();
            overdue += usize::from(
                trend::status_on(c, &ws.config.cadences, ws.since)
                    == Some(touchbase::analyse::Status::Overdue),
            );
        }
        replays.push(started.elapsed().as_secs_f64());
        assert!(
            overdue > 0 || n < 100,
            "the replay found no overdue week at all"
        );
        std::mem::forget(ws);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let (load, replay) = (median(&mut loads), median(&mut replays));
    println!(
        "{n} clients: load and analyse {:.0} ms (median of {runs}); the trend replay, one core, {:.1} ms ({:.1} % of the load)",
        load * 1e3,
        replay * 1e3,
        replay / load * 100.0
    );
}
