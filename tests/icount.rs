//! A fixed number of `check` calls on one family's set (the sets of
//! `benches/check.rs`, simplified), for instruction counts under valgrind:
//! a load-independent before/after measurement on a shared machine, where
//! wall-clock benches are too noisy to see a few instructions (issue 13,
//! `BENCHMARKS.md`). Ignored; run as
//!
//! ```sh
//! cargo test --release --test icount --no-run   # prints the binary
//! FAM=base58_clear N=20000 valgrind --tool=cachegrind --cache-sim=no \
//!     --cachegrind-out-file=/dev/null target/release/deps/icount-… --ignored --exact icount
//! ```
//!
//! and subtract the `I refs` of `N=0` (setup) from those of `N=20000`.
#[path = "support/synth.rs"]
mod synth;
use std::hint::black_box;
use synth::{Rng, eip55};
use walletscreen::Screener;

#[test]
#[ignore]
fn icount() {
    let fam = std::env::var("FAM").unwrap();
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let s = Screener::bundled().unwrap();
    let listed: Vec<String> = walletscreen::bundled::lists()
        .unwrap()
        .iter()
        .flat_map(|l| l.entries().map(|e| e.address.clone()))
        .collect();
    let mut rng = Rng(7);
    let with = |p: &dyn Fn(&str) -> bool| -> Vec<String> {
        listed.iter().filter(|a| p(a)).take(64).cloned().collect()
    };
    let set: Vec<String> = match fam.as_str() {
        "evm_hit" => with(&|a| a.starts_with("0x")),
        "evm_clear" => (0..64).map(|_| eip55(&rng.bytes::<20>())).collect(),
        "base58_hit" => with(&|a| {
            (a.starts_with('1') || a.starts_with('3') || a.starts_with('T')) && a.len() == 34
        }),
        "base58_clear" => (0..64)
            .map(|_| {
                bs58::encode(rng.bytes::<20>())
                    .with_check_version(0)
                    .into_string()
            })
            .collect(),
        "bech32_hit" => with(&|a| a.starts_with("bc1")),
        "bech32_clear" => (0..64)
            .map(|_| bech32::segwit::encode_v0(bech32::hrp::BC, &rng.bytes::<20>()).unwrap())
            .collect(),
        "cashaddr_hit" => with(&|a| (a.starts_with('q') || a.starts_with('p')) && a.len() == 42),
        "cashaddr_clear" => (0..64)
            .map(|_| {
                walletscreen::address::cashaddr::encode("bitcoincash", 0, &rng.bytes::<20>())
                    .unwrap()["bitcoincash:".len()..]
                    .to_owned()
            })
            .collect(),
        "cashaddr_prefixed_hit" => {
            with(&|a| (a.starts_with('q') || a.starts_with('p')) && a.len() == 42)
                .into_iter()
                .map(|a| format!("bitcoincash:{a}"))
                .collect()
        }
        "cashaddr_prefixed_clear" => (0..64)
            .map(|_| {
                walletscreen::address::cashaddr::encode("bitcoincash", 0, &rng.bytes::<20>())
                    .unwrap()
            })
            .collect(),
        f => panic!("{f}"),
    };
    assert!(!set.is_empty());
    let want_hit = fam.ends_with("_hit");
    for q in &set {
        assert_eq!(s.check(q).is_hit(), want_hit, "{q}");
    }
    let mut hits = 0usize;
    for i in 0..n {
        let q = &set[i % set.len()];
        hits += usize::from(black_box(s.check(black_box(q))).is_hit());
    }
    black_box(hits);
}
