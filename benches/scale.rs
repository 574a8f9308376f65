//! Scale (issue 5): synthetic lists of 1 k, 100 k and 10 M entries (the
//! mixed list of `tests/support/synth.rs`), in one run:
//!
//! - `scale/<n>/<family>`: `check` of listed (`hit`) and unlisted (`clear`)
//!   addresses per family, `check_many` over the same inputs in slices of
//!   1,024, next to the floor, a bare
//!   `hashbrown::HashSet<&str>` with fixed-seed foldhash holding every
//!   listed string, probed with the same inputs. Queries are spread over the
//!   whole list in shuffled order (up to 2^18 per set), so at 10 M they
//!   miss the caches as real traffic would.
//! - `scale/<n>/threads`: all those queries mixed, on 1 and on 2 threads
//!   (one `Screener` clone each), throughput.
//! - `scale/<n>/build`: compiling the list (already loaded) into a
//!   `Screener`.
//! - `scale/<n>/compiled`: `write_compiled_file` (synced to disk) and
//!   `read_compiled_file` (from the page cache).
//!
//! Printed, not timed: bytes per entry (`Screener::memory_usage`) for the
//! mixed list at each size and for 1 M-entry lists of each family.
//!
//! ```sh
//! cargo bench --bench scale                     # ~15 min, ~6 GB of RAM
//! WALLETSCREEN_SCALE_SIZES=1000,100000 cargo bench --bench scale
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use foldhash::fast::FixedState;
use walletscreen::{List, Screener, ScreenerBuilder};

#[path = "../tests/support/synth.rs"]
mod synth;

use synth::Fam;

/// Queries per (family, hit or clear) set, at most.
const QUERIES: usize = 1 << 18;

fn sizes() -> Vec<u64> {
    std::env::var("WALLETSCREEN_SCALE_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 100_000, 10_000_000])
}

fn build(list: &List) -> Screener {
    let mut b = ScreenerBuilder::new();
    b.list(list.clone());
    b.build().expect("synthetic lists compile")
}

/// Runs `f` over every input `iters` times; the time of the loops only.
fn over<F: Fn(&str) -> bool>(inputs: &[String], iters: u64, f: F) -> Duration {
    let t = Instant::now();
    for _ in 0..iters {
        for q in inputs {
            black_box(f(black_box(q)));
        }
    }
    t.elapsed()
}

fn memory_by_family() {
    let n = 1_000_000u64;
    eprintln!("bytes per entry, {n} entries of one family:");
    for fam in Fam::ALL {
        let list = synth::family_list(fam, n);
        let s = build(&list);
        eprintln!(
            "  {:9} {:6.1} B/entry  ({} keys, compiled file {:.1} MB)",
            fam.name(),
            s.memory_usage() as f64 / n as f64,
            s.key_count(),
            s.compiled_bytes().len() as f64 / 1e6
        );
    }
}

fn scale(c: &mut Criterion) {
    eprintln!(
        "machine: {} cores; sizes {:?}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        sizes()
    );
    memory_by_family();
    for n in sizes() {
        let t = Instant::now();
        let list = synth::mixed_list(n);
        eprintln!("generated and validated {n} entries in {:.1?}", t.elapsed());

        let mut g = c.benchmark_group(format!("scale/{n}/build"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(n));
        let mut builder = ScreenerBuilder::new();
        builder.list(list.clone());
        g.bench_function("build", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let s = builder.build().expect("synthetic lists compile");
                    total += t.elapsed();
                    drop(black_box(s));
                }
                total
            })
        });
        g.finish();
        drop(builder);

        let s = build(&list);
        eprintln!(
            "scale {n}: {} entries, {} keys, {:.1} B/entry (memory_usage {:.1} MB, compiled file {:.1} MB)",
            s.entry_count(),
            s.key_count(),
            s.memory_usage() as f64 / n as f64,
            s.memory_usage() as f64 / 1e6,
            s.compiled_bytes().len() as f64 / 1e6
        );
        let addresses: Vec<String> = list.entries().map(|e| e.address).collect();
        let mut floor: hashbrown::HashSet<&str, FixedState> =
            hashbrown::HashSet::with_capacity_and_hasher(n as usize, FixedState::with_seed(7));
        for a in &addresses {
            floor.insert(a.as_str());
        }

        let mut mixed: Vec<String> = Vec::new();
        for fam in Fam::ALL {
            let hits = synth::hit_queries(&list, fam, QUERIES);
            let clears = synth::clear_queries(fam, hits.len().clamp(1024, QUERIES) as u64);
            // The sets are what they claim: checked once, outside timing.
            assert!(
                hits.iter()
                    .all(|q| s.check(q).is_hit() && floor.contains(q.as_str()))
            );
            assert!(
                clears
                    .iter()
                    .all(|q| !s.check(q).is_hit() && !floor.contains(q.as_str()))
            );
            let mut g = c.benchmark_group(format!("scale/{n}/{}", fam.name()));
            g.sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(2));
            for (kind, inputs) in [("hit", &hits), ("clear", &clears)] {
                g.throughput(Throughput::Elements(inputs.len() as u64));
                g.bench_function(BenchmarkId::new("check", kind), |b| {
                    b.iter_custom(|iters| over(inputs, iters, |q| s.check(q).is_hit()))
                });
                g.bench_function(BenchmarkId::new("check_many", kind), |b| {
                    b.iter_custom(|iters| {
                        let t = Instant::now();
                        for _ in 0..iters {
                            for c in inputs.chunks(1024) {
                                black_box(s.check_many(black_box(c)));
                            }
                        }
                        t.elapsed()
                    })
                });
                g.bench_function(BenchmarkId::new("floor", kind), |b| {
                    b.iter_custom(|iters| over(inputs, iters, |q| floor.contains(q)))
                });
            }
            g.finish();
            for (h, c) in hits.iter().zip(&clears) {
                mixed.push(h.clone());
                mixed.push(c.clone());
            }
        }

        let mut g = c.benchmark_group(format!("scale/{n}/threads"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        g.throughput(Throughput::Elements(mixed.len() as u64));
        for threads in [1usize, 2] {
            g.bench_function(BenchmarkId::new("check", threads), |b| {
                b.iter_custom(|iters| {
                    let per = mixed.len().div_ceil(threads);
                    let t = Instant::now();
                    std::thread::scope(|sc| {
                        for part in mixed.chunks(per) {
                            let s = s.clone();
                            sc.spawn(move || over(part, iters, |q| s.check(q).is_hit()));
                        }
                    });
                    t.elapsed()
                })
            });
        }
        g.finish();

        let dir = std::env::temp_dir().join(format!("walletscreen-scale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(format!("mixed-{n}.wsidx"));
        let mut g = c.benchmark_group(format!("scale/{n}/compiled"));
        g.sample_size(10);
        g.throughput(Throughput::Bytes(s.compiled_bytes().len() as u64));
        g.bench_function("save", |b| {
            b.iter(|| s.write_compiled_file(&path).expect("write"))
        });
        g.bench_function("load", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let back = Screener::read_compiled_file(&path).expect("read");
                    total += t.elapsed();
                    drop(black_box(back));
                }
                total
            })
        });
        g.finish();
        let back = Screener::read_compiled_file(&path).expect("read");
        assert!(
            mixed
                .iter()
                .all(|q| back.check(q).is_hit() == s.check(q).is_hit())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
