//! Check latency per address family, against the floor of a bare hash-set
//! probe of the same strings (issue 2). See `BENCHMARKS.md`.
//!
//! `cargo bench --bench check` (about 5 minutes on 2 cores).
//!
//! Groups:
//! - `check/<family>`: for the `hit` set (real listed addresses from the
//!   bundled lists) and the `clear` set (well-formed, unlisted addresses of
//!   the same family, generated deterministically): `Screener::check`
//!   (`check`; named `check_bloom_off` before the bloom filter was removed),
//!   `is_listed` (key + probe, no verdict), the
//!   floor (a `hashbrown::HashSet<&str>` with foldhash holding the listed
//!   strings, probed with the input as is) and the same with std's SipHash,
//!   `address::parse` (the full decode a hit pays for its checksum status),
//!   and on clear sets `check_with(verify_checksum)` and `address::normalize`.
//!   Every figure is per element (`Throughput::Elements`).
//! - `check/invalid`: junk lines and near misses, `check` (which says
//!   why) and `check_kind` (which does not).
//! - `reference`: a 42-byte `String` allocation, to read `normalize` (which
//!   returns an owned `String`) net of its allocation.
//! - `bundled`: `Screener::bundled()` (the shipped compiled image read in
//!   place), next to what it did before the image shipped: the bundled
//!   list files parsed and compiled with their history
//!   (`ScreenerBuilder` with the parsed lists), and the history alone.

use std::collections::HashSet as StdHashSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use foldhash::fast::FixedState;
use walletscreen::{CheckOptions, Checksum, History, Screener, ScreenerBuilder, Verdict, address};

/// Listed addresses taken per family (all when fewer are listed).
const HITS: usize = 64;
/// Generated unlisted addresses per family.
const CLEARS: usize = 64;

#[path = "../tests/support/synth.rs"]
mod synth;

use synth::{Rng, eip55, hex_lower};

/// Up to `n` items spread evenly over `v`.
fn spread(v: &[String], n: usize) -> Vec<String> {
    if v.len() <= n {
        return v.to_vec();
    }
    (0..n).map(|i| v[i * v.len() / n].clone()).collect()
}

struct Set {
    family: &'static str,
    hit: Vec<String>,
    clear: Vec<String>,
}

/// Hit and clear sets per family, from the bundled lists.
fn sets(listed: &[String]) -> Vec<Set> {
    let with =
        |p: fn(&str) -> bool| -> Vec<String> { listed.iter().filter(|s| p(s)).cloned().collect() };
    let mut rng = Rng(0x5eed_0002);

    // EVM: listed spellings are mostly EIP-55; mirror that (2/3 EIP-55,
    // 1/3 lower case).
    let evm_hit = spread(&with(|s| s.starts_with("0x")), HITS);
    let evm_clear = (0..CLEARS)
        .map(|i| {
            let b: [u8; 20] = rng.bytes();
            if i % 3 == 2 {
                format!("0x{}", hex_lower(&b))
            } else {
                eip55(&b)
            }
        })
        .collect();

    // base58check: BTC P2PKH `1…`, P2SH `3…`, TRON `T…`, in equal parts.
    let per = HITS / 3;
    let mut b58_hit = spread(&with(|s| s.starts_with('1') && s.len() == 34), per);
    b58_hit.extend(spread(&with(|s| s.starts_with('3') && s.len() == 34), per));
    b58_hit.extend(spread(&with(|s| s.starts_with('T')), HITS - 2 * per));
    let b58_clear = (0..CLEARS)
        .map(|i| {
            let version = [0x00, 0x05, 0x41][i * 3 / CLEARS];
            let b: [u8; 20] = rng.bytes();
            bs58::encode(b).with_check_version(version).into_string()
        })
        .collect();

    // bech32: `bc1q…`, mostly P2WPKH (20-byte program), some P2WSH (32).
    let bech_hit = spread(&with(|s| s.starts_with("bc1")), HITS);
    let bech_clear = (0..CLEARS)
        .map(|i| {
            let program: Vec<u8> = if i % 8 == 7 {
                rng.bytes::<32>().to_vec()
            } else {
                rng.bytes::<20>().to_vec()
            };
            bech32::segwit::encode_v0(bech32::hrp::BC, &program).unwrap()
        })
        .collect::<Vec<_>>();

    // CashAddr, bare as listed and with the `bitcoincash:` prefix.
    let cash_hit = with(|s| (s.starts_with('q') || s.starts_with('p')) && s.len() == 42);
    let cash_clear_full: Vec<String> = (0..CLEARS)
        .map(|i| {
            let b: [u8; 20] = rng.bytes();
            address::cashaddr::encode("bitcoincash", (i % 2) as u8, &b).unwrap()
        })
        .collect();
    let cash_clear_bare = cash_clear_full
        .iter()
        .map(|s| s["bitcoincash:".len()..].to_owned())
        .collect();
    let cash_pref_hit = cash_hit
        .iter()
        .map(|s| format!("bitcoincash:{s}"))
        .collect();

    // XRP X-addresses (issue 13): of listed classic accounts, tags varied
    // (mapped to the classic key when keyed); clears of random accounts.
    let accounts: Vec<Vec<u8>> = listed.iter().filter_map(|s| xrp_account(s)).collect();
    let x_hit = (0..HITS)
        .map(|i| x_address(&accounts[i % accounts.len()], i as u32 * 7919))
        .collect();
    let x_clear = (0..CLEARS)
        .map(|i| x_address(&rng.bytes::<20>(), i as u32))
        .collect();

    // Ethereum ICAP (issue 13): of listed EVM addresses; clears of random
    // ones.
    let icap_hit = evm_hit
        .iter()
        .map(|s| {
            let mut b = [0u8; 20];
            for (i, o) in b.iter_mut().enumerate() {
                *o = u8::from_str_radix(&s[2 + 2 * i..4 + 2 * i], 16).unwrap();
            }
            icap(&b)
        })
        .collect();
    let icap_clear = (0..CLEARS).map(|_| icap(&rng.bytes::<20>())).collect();

    vec![
        Set {
            family: "evm",
            hit: evm_hit,
            clear: evm_clear,
        },
        Set {
            family: "base58",
            hit: b58_hit,
            clear: b58_clear,
        },
        Set {
            family: "bech32",
            hit: bech_hit,
            clear: bech_clear,
        },
        Set {
            family: "cashaddr",
            hit: cash_hit,
            clear: cash_clear_bare,
        },
        Set {
            family: "cashaddr_prefixed",
            hit: cash_pref_hit,
            clear: cash_clear_full,
        },
        Set {
            family: "xrp_x_address",
            hit: x_hit,
            clear: x_clear,
        },
        Set {
            family: "icap",
            hit: icap_hit,
            clear: icap_clear,
        },
    ]
}

/// The mainnet X-address (XLS-5d) of an XRP account with a tag.
fn x_address(account: &[u8], tag: u32) -> String {
    let mut d = vec![0x05, 0x44];
    d.extend_from_slice(account);
    d.push(1);
    d.extend_from_slice(&u64::from(tag).to_le_bytes());
    bs58::encode(d)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check()
        .into_string()
}

/// The XRP account of a classic address, if `s` is one.
fn xrp_account(s: &str) -> Option<Vec<u8>> {
    let d = bs58::decode(s)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check(Some(0))
        .into_vec()
        .ok()?;
    (d.len() == 21).then(|| d[1..].to_vec())
}

/// The direct ICAP of 20 bytes (base 36, zero-padded to 30 digits).
fn icap(bytes: &[u8]) -> String {
    let mut n = bytes.to_vec();
    let mut body = Vec::new();
    while n.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in &mut n {
            let v = rem * 256 + u32::from(*b);
            *b = (v / 36) as u8;
            rem = v % 36;
        }
        body.push(char::from_digit(rem, 36).unwrap().to_ascii_uppercase());
    }
    while body.len() < 30 {
        body.push('0');
    }
    let body: String = body.into_iter().rev().collect();
    let digits: String = format!("{body}XE00")
        .chars()
        .map(|c| c.to_digit(36).unwrap().to_string())
        .collect();
    let rem = digits
        .bytes()
        .fold(0u32, |r, d| (r * 10 + u32::from(d - b'0')) % 97);
    format!("XE{:02}{body}", 98 - rem)
}

/// The bundled lists parsed and compiled with their history: what
/// `Screener::bundled()` did before the compiled image shipped.
fn bundled_parsed() -> Screener {
    let mut b = ScreenerBuilder::new();
    for l in walletscreen::bundled::lists().expect("bundled lists load") {
        b.list(l);
    }
    b.history(History::bundled().expect("bundled history loads"));
    b.build().expect("bundled lists compile")
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .without_plots()
}

fn bench_families(c: &mut Criterion) {
    let screener = Screener::bundled().expect("bundled lists load");

    // Every listed address as listed, plus the prefixed spelling of listed
    // bare CashAddrs (so that the floor of the prefixed hit set hits too).
    let mut listed: Vec<String> = walletscreen::bundled::lists()
        .unwrap()
        .iter()
        .flat_map(|l| l.entries().map(|e| e.address.clone()))
        .collect();
    let sets = sets(&listed);
    // The spellings that are hits without being listed as such (the
    // prefixed CashAddrs, issue 13's X-addresses and ICAPs) go into the
    // floors' sets too, so that their floors measure a hit.
    for family in ["cashaddr_prefixed", "xrp_x_address", "icap"] {
        listed.extend(
            sets.iter()
                .find(|s| s.family == family)
                .unwrap()
                .hit
                .clone(),
        );
    }

    let mut fold: hashbrown::HashSet<&str, FixedState> =
        hashbrown::HashSet::with_hasher(FixedState::with_seed(0));
    let mut sip: StdHashSet<&str> = StdHashSet::new();
    for s in &listed {
        fold.insert(s);
        sip.insert(s);
    }
    eprintln!(
        "bundled: {} entries, {} keys, index {} B",
        screener.entry_count(),
        screener.key_count(),
        screener.memory_usage(),
    );

    let verify = CheckOptions::new().verify_checksum(true);
    for set in &sets {
        // The sets are what they claim to be.
        for s in &set.hit {
            assert!(screener.check(s).is_hit(), "{s}");
            assert!(fold.contains(s.as_str()) && sip.contains(s.as_str()), "{s}");
        }
        for s in &set.clear {
            assert!(matches!(screener.check(s), Verdict::Clear { .. }), "{s}");
            assert!(
                matches!(
                    screener.check_with(s, verify),
                    Verdict::Clear {
                        checksum: Checksum::Valid | Checksum::Absent,
                        ..
                    }
                ),
                "{s}"
            );
            assert!(!fold.contains(s.as_str()), "{s}");
        }

        let mut g = c.benchmark_group(format!("check/{}", set.family));
        for (kind, inputs) in [("hit", &set.hit), ("clear", &set.clear)] {
            g.throughput(Throughput::Elements(inputs.len() as u64));
            let id = |f: &str| BenchmarkId::new(kind, f);
            g.bench_function(id("check"), |b| {
                b.iter(|| {
                    for s in inputs {
                        black_box(screener.check(black_box(s)));
                    }
                })
            });
            g.bench_function(id("is_listed"), |b| {
                b.iter(|| {
                    for s in inputs {
                        black_box(screener.is_listed(black_box(s)));
                    }
                })
            });
            g.bench_function(id("floor_foldhash"), |b| {
                b.iter(|| {
                    for s in inputs {
                        black_box(fold.contains(black_box(s.as_str())));
                    }
                })
            });
            g.bench_function(id("floor_std_siphash"), |b| {
                b.iter(|| {
                    for s in inputs {
                        black_box(sip.contains(black_box(s.as_str())));
                    }
                })
            });
            g.bench_function(id("parse"), |b| {
                b.iter(|| {
                    for s in inputs {
                        black_box(address::parse(black_box(s)).is_ok());
                    }
                })
            });
            if kind == "clear" {
                g.bench_function(id("check_verify_checksum"), |b| {
                    b.iter(|| {
                        for s in inputs {
                            black_box(screener.check_with(black_box(s), verify));
                        }
                    })
                });
                g.bench_function(id("normalize"), |b| {
                    b.iter(|| {
                        for s in inputs {
                            black_box(address::normalize(black_box(s)).is_ok());
                        }
                    })
                });
            }
        }
        g.finish();
    }

    // Invalid input: the junk of a batch (the shapes of
    // `benches/gen_batch_input.py`'s garbage lines: words, spaces and hex)
    // and near misses of the usual families. `check` says why, which
    // `check_kind` does not.
    let mut rng = Rng(0x5eed_0003);
    let mut invalid: Vec<String> = (0..48)
        .map(|i| {
            let hex = hex_lower(&rng.bytes::<16>());
            format!("not an address {}", &hex[..4 + i % 26])
        })
        .collect();
    invalid.extend(
        sets[0]
            .clear
            .iter()
            .take(8)
            .map(|s| format!("{}zz", &s[..40])),
    );
    invalid.extend(
        sets.iter()
            .flat_map(|s| &s.clear)
            .filter(|s| s.starts_with('1'))
            .take(8)
            .map(|s| s[..20].to_owned()),
    );
    // Some junk is base58-shaped once its spaces are gone (a shape is
    // all `check` tests): only the invalid strings are kept.
    invalid.retain(|s| matches!(screener.check(s), Verdict::Invalid { .. }));
    assert!(invalid.len() >= 40, "{}", invalid.len());
    let mut g = c.benchmark_group("check/invalid");
    g.throughput(Throughput::Elements(invalid.len() as u64));
    g.bench_function("check", |b| {
        b.iter(|| {
            for s in &invalid {
                black_box(screener.check(black_box(s)));
            }
        })
    });
    g.bench_function("check_kind", |b| {
        b.iter(|| {
            for s in &invalid {
                black_box(screener.check_kind(black_box(s), CheckOptions::default()));
            }
        })
    });
    g.finish();

    // What `normalize` pays for returning an owned String.
    let evm_clear = &sets[0].clear;
    let mut g = c.benchmark_group("reference");
    g.throughput(Throughput::Elements(evm_clear.len() as u64));
    g.bench_function("string_alloc_42B", |b| {
        b.iter(|| {
            for s in evm_clear {
                black_box(black_box(s.as_str()).to_owned());
            }
        })
    });
    g.finish();
}

/// `Screener::bundled()` against parsing and compiling the bundled lists.
fn bench_bundled(c: &mut Criterion) {
    let mut g = c.benchmark_group("bundled");
    g.sample_size(20);
    g.bench_function("screener_bundled", |b| {
        b.iter(|| black_box(Screener::bundled().expect("bundled lists load")))
    });
    g.bench_function("parsed_and_compiled", |b| {
        b.iter(|| black_box(bundled_parsed()))
    });
    g.bench_function("history_parsed", |b| {
        b.iter(|| black_box(History::bundled().expect("bundled history loads")))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_families, bench_bundled
}
criterion_main!(benches);
