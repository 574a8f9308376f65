//! Synthetic lists at scale (issue 5): deterministic, valid addresses of
//! every family, for `benches/scale.rs` and the ignored 10 M stress test in
//! `tests/scale.rs`.
//!
//! The mixed list: 40 % EVM (2/3 EIP-55, 1/3 lower case), 25 % base58 (BTC
//! P2PKH, BTC P2SH and TRON in equal parts: each also indexes an
//! equivalent spelling, CashAddr or TRON hex), 15 % bech32 (`bc1q`, 20-byte
//! programs), 10 % CashAddr (bare, as OFAC lists them; each also indexes its
//! legacy spelling) and 10 % opaque internal ids (`acct-` and 16 hex
//! digits). 1,000 entities, 5 programs.

#![allow(dead_code)]

#[path = "hex.rs"]
mod hex;

use hex::hex;
use tiny_keccak::{Hasher as _, Keccak};
use walletscreen::{Category, Entry, List, ListMeta, address};

/// Lower-case hex (the shared `tests/support/hex.rs`), under the name
/// `benches/` import it by.
#[allow(unused_imports)] // used by benches/, not by every test crate
pub use hex::hex as hex_lower;

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let r = self.next().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
        out
    }
}

/// The families of the synthetic lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fam {
    Evm,
    Base58,
    Bech32,
    CashAddr,
    Opaque,
}

impl Fam {
    pub const ALL: [Fam; 5] = [
        Fam::Evm,
        Fam::Base58,
        Fam::Bech32,
        Fam::CashAddr,
        Fam::Opaque,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fam::Evm => "evm",
            Fam::Base58 => "base58",
            Fam::Bech32 => "bech32",
            Fam::CashAddr => "cashaddr",
            Fam::Opaque => "opaque",
        }
    }

    /// The family of the `i`-th entry of the mixed list (per 20 entries: 8
    /// EVM, 5 base58, 3 bech32, 2 CashAddr, 2 opaque).
    pub fn of_mixed(i: u64) -> Fam {
        match i % 20 {
            0..8 => Fam::Evm,
            8..13 => Fam::Base58,
            13..16 => Fam::Bech32,
            16..18 => Fam::CashAddr,
            _ => Fam::Opaque,
        }
    }
}

/// EIP-55 mixed-case spelling, `0x`-prefixed.
pub fn eip55(bytes: &[u8; 20]) -> String {
    let lower = hex(bytes);
    let mut k = Keccak::v256();
    k.update(lower.as_bytes());
    let mut hash = [0u8; 32];
    k.finalize(&mut hash);
    let mut out = String::from("0x");
    for (i, c) in lower.chars().enumerate() {
        let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
        out.push(if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

/// One valid address of `fam`, the `k`-th variant of its family.
pub fn address(fam: Fam, rng: &mut Rng, k: u64) -> String {
    match fam {
        Fam::Evm => {
            let b: [u8; 20] = rng.bytes();
            if k % 3 == 2 {
                format!("0x{}", hex(&b))
            } else {
                eip55(&b)
            }
        }
        Fam::Base58 => {
            let version = [0x00, 0x05, 0x41][(k % 3) as usize];
            let b: [u8; 20] = rng.bytes();
            bs58::encode(b).with_check_version(version).into_string()
        }
        Fam::Bech32 => {
            let b: [u8; 20] = rng.bytes();
            bech32::segwit::encode_v0(bech32::hrp::BC, &b).expect("20-byte program")
        }
        Fam::CashAddr => {
            let b: [u8; 20] = rng.bytes();
            let full =
                address::cashaddr::encode("bitcoincash", (k % 2) as u8, &b).expect("hash160");
            full["bitcoincash:".len()..].to_owned()
        }
        Fam::Opaque => format!("acct-{:016x}", rng.next()),
    }
}

/// Addresses `start..start + n` of a stream: the `i`-th address depends on
/// `(seed, i)` only, so streams can be generated in parallel pieces.
fn stream(seed: u64, start: u64, n: u64, fam_of: impl Fn(u64) -> Fam) -> Vec<String> {
    (start..start + n)
        .map(|i| {
            let mut rng = Rng(seed ^ i.wrapping_mul(0xa076_1d64_78bd_642f));
            address(fam_of(i), &mut rng, i / 20)
        })
        .collect()
}

/// `n` addresses, on every core.
pub fn addresses(seed: u64, n: u64, fam_of: impl Fn(u64) -> Fam + Sync) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()) as u64;
    let per = n.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let fam_of = &fam_of;
                s.spawn(move || {
                    let start = (t * per).min(n);
                    stream(seed, start, per.min(n - start), fam_of)
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("generator"))
            .collect()
    })
}

/// Seed of the listed addresses.
pub const LISTED_SEED: u64 = 0x005e_ed11_57ed;
/// Seed of unlisted queries.
pub const CLEAR_SEED: u64 = 0xc1ea_7000;

/// The mixed list of `n` entries (validated on every core, as a loader
/// would): entity, programs, listing date and source per entry.
pub fn mixed_list(n: u64) -> List {
    let addrs = addresses(LISTED_SEED, n, Fam::of_mixed);
    entries_list("synthetic", addrs)
}

/// A list of `n` entries of one family.
pub fn family_list(fam: Fam, n: u64) -> List {
    let addrs = addresses(LISTED_SEED ^ fam as u64, n, |_| fam);
    entries_list(fam.name(), addrs)
}

fn entries_list(id: &str, addrs: Vec<String>) -> List {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let per = addrs.len().div_ceil(threads).max(1);
    let mut chunks: Vec<Vec<String>> = Vec::new();
    let mut it = addrs.into_iter();
    loop {
        let c: Vec<String> = it.by_ref().take(per).collect();
        if c.is_empty() {
            break;
        }
        chunks.push(c);
    }
    let entries: Vec<Entry> = std::thread::scope(|s| {
        let mut base = 0usize;
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| {
                let start = base;
                base += c.len();
                s.spawn(move || {
                    c.into_iter()
                        .enumerate()
                        .map(|(j, a)| {
                            let i = start + j;
                            let mut e = Entry::new(a, i + 2);
                            e.provenance.entity = Some(format!("entity-{}", i % 1000));
                            e.provenance.programs = vec![format!("PROGRAM{}", i % 5)];
                            e.provenance.listed = Some("2026-01-01".into());
                            e.provenance.source = Some("https://example.org/synthetic".into());
                            e
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("entries"))
            .collect()
    });
    let mut meta = ListMeta::new(id, Category::Custom);
    meta.as_of = Some("2026-01-01".into());
    List::from_entries(meta, entries)
}

/// `n` unlisted addresses of `fam` (another seed: a collision with a
/// listed one is a 2^-160 event, or 2^-64 for opaque ids).
pub fn clear_queries(fam: Fam, n: u64) -> Vec<String> {
    addresses(CLEAR_SEED ^ fam as u64, n, |_| fam)
}

/// Up to `n` listed addresses of `fam`, spread over the list (every
/// `step`-th of the family, in a shuffled order so that consecutive
/// queries touch unrelated memory).
pub fn hit_queries(list: &List, fam: Fam, n: usize) -> Vec<String> {
    let of_fam: Vec<String> = list
        .entries()
        .map(|e| e.address)
        .filter(|a| family_of(a) == fam)
        .collect();
    let step = (of_fam.len() / n.max(1)).max(1);
    let mut out: Vec<String> = of_fam
        .iter()
        .step_by(step)
        .take(n)
        .map(|s| s.to_string())
        .collect();
    let mut rng = Rng(0x5a0f_f1e5);
    for i in (1..out.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

/// The family of a generated address, from its shape.
pub fn family_of(a: &str) -> Fam {
    if a.starts_with("0x") {
        Fam::Evm
    } else if a.starts_with("bc1") {
        Fam::Bech32
    } else if a.starts_with("acct-") {
        Fam::Opaque
    } else if a.len() == 42 && (a.starts_with('q') || a.starts_with('p')) {
        Fam::CashAddr
    } else {
        Fam::Base58
    }
}
