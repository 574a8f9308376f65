//! Loading a big user list, phase by phase (issue 13): read the file,
//! `List::from_bytes` (detect, parse, validate, report), compile. Prints
//! the time of each phase and the peak RSS (`VmHWM`) after loading and
//! after compiling. Not a criterion bench: one run of seconds is the
//! measurement (see BENCHMARKS.md, "Loading a user list of 2 M entries").
//!
//! ```text
//! python3 benches/gen_big_list.py 2000000 /tmp/big
//! cargo bench --bench list_load -- /tmp/big.csv [/tmp/big.txt ...]
//! ```
//!
//! With `LIST_LOAD_ONLY=1` it stops after loading, so that `VmHWM` is the
//! loading phase's peak alone.

use std::time::Instant;

use walletscreen::{Category, List, ListMeta, Screener};

/// Peak resident set size of this process so far, in MiB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let files: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if files.is_empty() {
        eprintln!(
            "usage: cargo bench --bench list_load -- FILE...   (see benches/gen_big_list.py)"
        );
        return;
    }
    let load_only = std::env::var_os("LIST_LOAD_ONLY").is_some();
    for path in files {
        let t = Instant::now();
        let bytes = std::fs::read(&path).expect("read the list");
        let read = t.elapsed();
        let t = Instant::now();
        let list = List::from_bytes(&bytes, ListMeta::new("big", Category::Custom))
            .expect("the list loads");
        let load = t.elapsed();
        drop(bytes);
        println!("{path}: {}", list.report());
        let rss_load = peak_rss_mb().unwrap_or(f64::NAN);
        if load_only {
            println!("{path}: read {read:.2?}, load {load:.2?}; peak RSS {rss_load:.0} MiB");
            continue;
        }
        let t = Instant::now();
        let screener = Screener::builder()
            .bundled(false)
            .list(list)
            .build()
            .expect("the list compiles");
        let build = t.elapsed();
        let image = screener.compiled_bytes().len() as f64 / 1e6;
        println!(
            "{path}: read {read:.2?}, load {load:.2?}, build {build:.2?}; peak RSS {rss_load:.0} MiB after loading, {:.0} MiB after building; compiled image {image:.1} MB",
            peak_rss_mb().unwrap_or(f64::NAN)
        );
    }
}
