//! Free-text scan throughput (issue 4). See `BENCHMARKS.md`.
//!
//! `cargo bench --bench scan` (about 2 minutes on 2 cores).
//!
//! Texts (8 MiB each, generated with a fixed seed):
//! - `prose`: English-like words, punctuation and line breaks, with a listed
//!   address every ~256 KiB (rare);
//! - `logs`: address-dense log lines (two addresses, a 64-hex transaction
//!   hash and an id per line: about 4 candidate tokens per 230 bytes), one
//!   listed address per 1,000 lines.
//!
//! Screeners: the bundled lists (~1,000 entries), and a synthetic list of
//! 100,000 entries (40 % EVM, 30 % base58check, 20 % bech32, 10 %
//! CashAddr) on top of them.
//!
//! Groups:
//! - `scan/<text>/<list>`: `Screener::scan(text).count()`, the shipped
//!   matcher (token pre-pass, anchored Aho-Corasick, `check` on each
//!   candidate);
//! - `ac_only/<text>/<list>`: for comparison, one unanchored leftmost-longest
//!   Aho-Corasick (contiguous NFA, case-insensitive, the `aho-corasick`
//!   crate's defaults otherwise) run over the whole text with the same
//!   boundary rule and no confirmation: what a plain multi-pattern search
//!   costs;
//! - the one-off cost of building the scan automatons and their memory are
//!   printed to stderr before the benchmarks start.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use walletscreen::{Category, Entry, List, ListMeta, Screener, ScreenerBuilder};

/// Size of each text.
const TEXT_BYTES: usize = 8 << 20;
/// Entries of the synthetic list.
const BIG_LIST: usize = 100_000;

#[path = "../tests/support/synth.rs"]
mod synth;

use synth::{Rng, hex_lower as hex};

/// A random well-formed address: 40 % EVM, 30 % base58check, 20 % bech32,
/// 10 % CashAddr.
fn address(rng: &mut Rng) -> String {
    let b: [u8; 20] = rng.bytes();
    match rng.below(10) {
        0..=3 => format!("0x{}", hex(&b)),
        4..=6 => {
            let version = [0x00, 0x05, 0x41][rng.below(3)];
            bs58::encode(b).with_check_version(version).into_string()
        }
        7..=8 => bech32::segwit::encode_v0(bech32::hrp::BC, &b).expect("20-byte program"),
        _ => {
            let full = walletscreen::address::cashaddr::encode("bitcoincash", 0, &b)
                .expect("20-byte hash");
            full["bitcoincash:".len()..].to_owned()
        }
    }
}

fn big_list(rng: &mut Rng) -> (List, Vec<String>) {
    let addrs: Vec<String> = (0..BIG_LIST).map(|_| address(rng)).collect();
    let entries = addrs.iter().enumerate().map(|(i, a)| {
        let mut e = Entry::new(a.clone(), i + 1);
        e.provenance.entity = Some(format!("entity {}", i % 997));
        e
    });
    let list = List::from_entries(ListMeta::new("synthetic", Category::Custom), entries);
    (list, addrs)
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "payment",
    "transfer",
    "customer",
    "account",
    "withdrawal",
    "support",
    "ticket",
    "refund",
    "please",
    "wallet",
    "exchange",
    "compliance",
    "received",
    "yesterday",
    "transaction",
    "balance",
    "confirmation",
    "international",
    "responsibility",
    "2026",
    "10:42",
    "EUR",
    "USD",
];

/// Prose with a planted address every ~256 KiB.
fn prose(rng: &mut Rng, planted: &[String]) -> String {
    let mut s = String::with_capacity(TEXT_BYTES + 256);
    let mut next_plant = 1 << 18;
    let mut p = 0;
    while s.len() < TEXT_BYTES {
        if s.len() >= next_plant {
            s.push_str(&planted[p % planted.len()]);
            s.push(' ');
            p += 1;
            next_plant += 1 << 18;
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
        s.push_str(match rng.below(20) {
            0 => ", ",
            1 => ". ",
            2 => ".\n",
            _ => " ",
        });
    }
    s
}

/// Address-dense log lines; one planted listed address per 1,000 lines.
fn logs(rng: &mut Rng, planted: &[String]) -> String {
    let mut s = String::with_capacity(TEXT_BYTES + 512);
    let mut line = 0usize;
    while s.len() < TEXT_BYTES {
        let from = if line % 1000 == 999 {
            planted[(line / 1000) % planted.len()].clone()
        } else {
            address(rng)
        };
        let to = address(rng);
        let tx: [u8; 32] = rng.bytes();
        s.push_str(&format!(
            "2026-11-21T10:{:02}:{:02}.{:03}Z INFO transfer id={} from={from} to={to} amount={}.{:04} tx=0x{}\n",
            line / 60 % 60,
            line % 60,
            line % 1000,
            rng.next() % 10_000_000,
            rng.below(1000),
            rng.below(10_000),
            hex(&tx)
        ));
        line += 1;
    }
    s
}

/// The comparison matcher: one unanchored Aho-Corasick over the texts.
fn ac_only(patterns: &[String]) -> AhoCorasick {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(patterns)
        .expect("patterns build")
}

fn ac_count(ac: &AhoCorasick, text: &str) -> usize {
    let b = text.as_bytes();
    ac.find_iter(text)
        .filter(|m| {
            let before = m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
            let after = m.end() == b.len() || !b[m.end()].is_ascii_alphanumeric();
            before && after
        })
        .count()
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(0x5eed_0004);
    let bundled = Screener::bundled().expect("bundled lists");
    let (list, big_addrs) = big_list(&mut rng);
    let t = Instant::now();
    let big = ScreenerBuilder::new()
        .bundled(true)
        .list(list)
        .build()
        .expect("synthetic list compiles");
    let compile = t.elapsed();

    let planted: Vec<String> = big_addrs.iter().step_by(97).take(512).cloned().collect();
    let texts = [
        ("prose", prose(&mut rng, &planted)),
        ("logs", logs(&mut rng, &planted)),
    ];

    for (name, s) in [("bundled", &bundled), ("100k", &big)] {
        let t = Instant::now();
        let mem = s.scan_memory();
        eprintln!(
            "scan index {name}: {} keys, built in {:.1} ms, {:.1} MiB (screener compile: {:.0} ms for 100k)",
            s.key_count(),
            t.elapsed().as_secs_f64() * 1e3,
            mem as f64 / (1 << 20) as f64,
            compile.as_secs_f64() * 1e3,
        );
    }
    for (tname, text) in &texts {
        let found = big.scan(text).count();
        eprintln!(
            "{tname}: {} bytes, {} lines, {found} matches with the 100k list",
            text.len(),
            text.lines().count()
        );
    }

    let mut g = c.benchmark_group("scan");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    for (tname, text) in &texts {
        g.throughput(Throughput::Bytes(text.len() as u64));
        for (lname, s) in [("bundled", &bundled), ("100k", &big)] {
            g.bench_function(format!("{tname}/{lname}"), |b| {
                b.iter(|| black_box(s.scan(black_box(text)).count()))
            });
        }
    }
    g.finish();

    let t = Instant::now();
    let ac = ac_only(&big_addrs);
    eprintln!(
        "ac_only 100k: built in {:.0} ms, {:.1} MiB",
        t.elapsed().as_secs_f64() * 1e3,
        ac.memory_usage() as f64 / (1 << 20) as f64
    );
    let mut g = c.benchmark_group("ac_only");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    for (tname, text) in &texts {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("{tname}/100k"), |b| {
            b.iter(|| black_box(ac_count(&ac, black_box(text))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
