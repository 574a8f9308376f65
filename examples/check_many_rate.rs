//! The Rust side of the Python package's benchmark
//! (`bindings/python/bench/bench.py`): `Screener::check_many` over the
//! lines of a file, timed, so that `check_arrow` is compared on the same
//! data with the same lists.
//!
//! ```sh
//! cargo run --release --example check_many_rate -- FILE [RUNS]
//! ```
//!
//! Prints one JSON object: the line count, the hits, and the best of
//! `RUNS` (default 3) seconds for `check_many` on one thread (the
//! library's call as is) and on every core (rayon over chunks of 16,384
//! lines, each through `check_many`, as the Python package does; the
//! verdicts kept per chunk), with the first run's seconds of each (the
//! allocator is cold then: the best comes after a few runs) and, on every
//! core, the median run's. Reading the file is not timed.

use std::time::Instant;

use rayon::prelude::*;
use walletscreen::{Screener, Verdict};

/// Lines per rayon task: the Python package's `CHUNK`.
const CHUNK: usize = 16 * 1024;

/// The best, the first and the median of `runs` timed calls of `f`, and
/// its last output.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut out = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let o = f();
        times.push(t.elapsed().as_secs_f64());
        out = Some(o);
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    (times[0], first, median, out.expect("at least one run"))
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: check_many_rate FILE [RUNS]"))?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);
    let bytes = std::fs::read(&path)?;
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    let s = Screener::bundled()?;

    let (serial, serial_first, _, verdicts) = best(runs, || s.check_many(&lines));
    let hits = verdicts.iter().filter(|v| v.is_hit()).count();
    drop(verdicts);
    // The verdicts stay in their chunks (one Vec per chunk, in order):
    // no copy into one Vec, which would only add to the time.
    let (parallel, parallel_first, parallel_median, parts) = best(runs, || {
        lines
            .par_chunks(CHUNK)
            .map(|c| s.check_many(c))
            .collect::<Vec<Vec<Verdict>>>()
    });
    let hits_parallel = parts.iter().flatten().filter(|v| v.is_hit()).count();
    println!(
        "{{\"lines\": {}, \"hits\": {hits}, \"hits_parallel\": {hits_parallel}, \
         \"threads\": {}, \"serial_s\": {serial:.6}, \"parallel_s\": {parallel:.6}, \
         \"serial_first_s\": {serial_first:.6}, \"parallel_first_s\": {parallel_first:.6}, \
         \"parallel_median_s\": {parallel_median:.6}}}",
        lines.len(),
        rayon::current_num_threads()
    );
    Ok(())
}
