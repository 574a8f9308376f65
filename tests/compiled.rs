//! The compiled form: entries come back from it exactly as listed, a
//! compiled file loads into a screener that answers the same, and damage
//! to a file is an error, never a panic.

use walletscreen::wire::WireFile;
use walletscreen::{
    COMPILED_FORMAT_VERSION, Category, Entry, List, ListMeta, Screener, ScreenerBuilder, Verdict,
    WireError,
};

mod common;
#[path = "support/synth.rs"]
mod synth;

use synth::Rng;

/// Lists that exercise every way an entry is stored: spellings that render
/// from their key (plain, upper case, EIP-55, CashAddr with and without
/// prefix) and ones that do not (whitespace, URI, mixed case that is not
/// EIP-55), flagged and unmatchable entries, aliases, and one address in
/// two lists.
fn tricky_lists() -> Vec<List> {
    let mut meta = ListMeta::new("tricky", Category::Custom);
    meta.as_of = Some("2026-11-21".into());
    meta.source = Some("https://example.org/tricky".into());
    let spellings = [
        "0x52908400098527886e0f7030069857d2e4169ee7",
        "0x52908400098527886E0F7030069857D2E4169EE8",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAee",
        "ethereum:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359@1",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
        "QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "  3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy\u{200b}",
        "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW",
        "41a614f803b6fd780986a42c78ec9c7f77e6ded13c",
        "45ezvPejmVoZsVgPqwECkdRZGPAyxCCQ2kMjUJD4fRgJ7nHz5mLRiXQbBNRDeFuEpsnsnPgSXHwVE1U3s7r8ncpSfCNf6dK",
        "not an address at all",
        "",
        "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320",
    ];
    let entries: Vec<Entry> = spellings
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut e = Entry::new(*s, 10 + 3 * i);
            e.provenance.entity = Some(if i % 2 == 0 { "Even" } else { "Odd" }.into());
            e.provenance.programs = vec!["CYBER2".into(), "DPRK3".into()];
            e.provenance.tickers = vec!["ETH".into()];
            e.provenance.listed = Some("2024-01-02".into());
            e
        })
        .collect();
    let tricky = List::from_entries(meta, entries);
    let other = List::from_entries(
        ListMeta::new("other", Category::Attributed),
        [
            Entry::new("0x52908400098527886E0F7030069857D2E4169EE7", 1),
            Entry::new("bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy", 2),
        ],
    );
    vec![tricky, other]
}

fn build(lists: &[List], bundled: bool) -> Screener {
    let mut b = ScreenerBuilder::new();
    b.bundled(bundled);
    for l in lists {
        b.list(l.clone());
    }
    b.build().unwrap()
}

/// Every entry of every list, as `Screener::entries` materializes it.
fn assert_entries_as_listed(s: &Screener, lists: &[List]) {
    let got: Vec<(&str, Entry)> = s.entries().collect();
    let want: Vec<(&str, Entry)> = lists
        .iter()
        .flat_map(|l| l.entries().map(move |e| (l.meta().id.as_str(), e)))
        .collect();
    assert_eq!(got.len(), want.len());
    for ((gl, ge), (wl, we)) in got.iter().zip(&want) {
        assert_eq!(gl, wl);
        assert_eq!(ge, we, "entry of {wl} line {}", we.line);
    }
    let flagged: Vec<String> = s.flagged().map(|(_, e)| e.address).collect();
    let want_flagged: Vec<String> = want
        .iter()
        .filter(|(_, e)| e.issue.is_some())
        .map(|(_, e)| e.address.clone())
        .collect();
    assert_eq!(flagged, want_flagged);
}

#[test]
fn entries_come_back_exactly_as_listed() {
    let lists = tricky_lists();
    assert_entries_as_listed(&build(&lists, false), &lists);
    let bundled = walletscreen::bundled::lists().unwrap();
    assert_entries_as_listed(&build(&bundled, false), &bundled);
}

#[test]
fn compiling_is_deterministic() {
    let lists = tricky_lists();
    let a = build(&lists, true);
    let b = build(&lists, true);
    assert_eq!(a.compiled_bytes(), b.compiled_bytes());
}

/// Queries: every listed spelling, its equivalents, and some that are not
/// listed.
fn queries(lists: &[List]) -> Vec<String> {
    let mut q: Vec<String> = lists
        .iter()
        .flat_map(|l| l.entries().map(|e| e.address.clone()))
        .collect();
    let more: Vec<String> = q
        .iter()
        .flat_map(|a| [a.to_lowercase(), a.to_uppercase(), format!(" {a} ")])
        .collect();
    q.extend(more);
    q.extend(
        [
            "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
            "0x0000000000000000000000000000000000000001",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            "hello",
            "",
        ]
        .map(String::from),
    );
    q
}

#[test]
fn a_compiled_file_answers_as_the_screener_it_was_saved_from() {
    let mut lists = walletscreen::bundled::lists().unwrap();
    lists.extend(tricky_lists());
    let s = build(&lists, false);
    let dir = common::TempDir::new("compiled");
    let path = dir.join("screener.wsidx");
    s.write_compiled_file(&path).unwrap();
    let back = Screener::read_compiled_file(&path).unwrap();
    assert_eq!(back.compiled_bytes(), s.compiled_bytes());
    assert_eq!(back.version(), s.version());
    assert_eq!(back.entry_count(), s.entry_count());
    assert_eq!(back.key_count(), s.key_count());
    for (a, b) in s.lists().iter().zip(back.lists()) {
        assert_eq!(a.meta, b.meta);
        assert_eq!(
            (a.entries, a.flagged, a.unmatchable, &a.sha256),
            (b.entries, b.flagged, b.unmatchable, &b.sha256)
        );
    }
    assert_entries_as_listed(&back, &lists);
    let mut hits = 0;
    for q in queries(&lists) {
        let (x, y) = (s.check(&q), back.check(&q));
        hits += usize::from(x.is_hit());
        assert_eq!(x, y, "{q:?}");
    }
    assert!(hits > 1000, "{hits}");
    // Scan uses the same keys.
    let text = "pay 0x52908400098527886e0f7030069857d2e4169ee7 now";
    assert_eq!(s.scan(text).count(), 1);
    assert_eq!(back.scan(text).count(), 1);
}

#[test]
fn bloom_policy_survives_the_file() {
    let lists = tricky_lists();
    let mut b = ScreenerBuilder::new();
    b.bloom(walletscreen::BloomMode::On);
    for l in &lists {
        b.list(l.clone());
    }
    let s = b.build().unwrap();
    assert!(s.has_bloom());
    let back = Screener::from_compiled_bytes(s.compiled_bytes().to_vec()).unwrap();
    assert!(back.has_bloom());
    assert!(back.check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").is_hit());
    let off =
        Screener::from_compiled_bytes(build(&lists, false).compiled_bytes().to_vec()).unwrap();
    assert!(!off.has_bloom());
}

fn small() -> Vec<u8> {
    build(&tricky_lists(), false).compiled_bytes().to_vec()
}

/// Recomputes the XXH3-64 trailer, so that damage reaches the decoder.
fn reseal(bytes: &mut [u8]) {
    let n = bytes.len() - 8;
    let sum = xxhash_rust::xxh3::xxh3_64(&bytes[..n]);
    bytes[n..].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn every_damaged_byte_is_an_error() {
    let good = small();
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x41;
        let err = Screener::from_compiled_bytes(bad).unwrap_err();
        let expected = match i {
            0..8 => matches!(err, WireError::BadMagic { .. }),
            8..12 => matches!(err, WireError::UnsupportedVersion { .. }),
            12..20 => matches!(err, WireError::Truncated { .. } | WireError::Corrupt { .. }),
            _ => matches!(err, WireError::Checksum { .. }),
        };
        assert!(expected, "byte {i}: {err:?}");
        assert!(
            !err.to_string().contains("snapshot"),
            "byte {i}: a compiled file is not a snapshot: {err}"
        );
    }
    for n in 0..good.len() {
        let err = Screener::from_compiled_bytes(good[..n].to_vec()).unwrap_err();
        assert!(
            matches!(
                err,
                WireError::Truncated { .. } | WireError::BadMagic { .. }
            ),
            "cut at {n}: {err:?}"
        );
    }
    let mut long = good.clone();
    long.push(0);
    assert!(matches!(
        Screener::from_compiled_bytes(long),
        Err(WireError::Corrupt { .. })
    ));
    // A lists snapshot is not a compiled one.
    let snap = walletscreen::Snapshot::new(tricky_lists()).to_bytes();
    assert!(matches!(
        Screener::from_compiled_bytes(snap),
        Err(WireError::BadMagic { .. })
    ));
}

/// Damage behind a valid checksum (a bug or a forged file): refused with
/// its position, or loaded into a screener that still never panics.
#[test]
fn forged_files_never_panic() {
    let good = small();
    let lists = tricky_lists();
    let qs = queries(&lists);
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let (mut refused, mut loaded) = (0, 0);
    for round in 0..2000 {
        let mut bad = good.clone();
        for _ in 0..1 + round % 4 {
            let i = 20 + (rng.next() as usize) % (bad.len() - 28);
            bad[i] = rng.next() as u8;
        }
        reseal(&mut bad);
        match Screener::from_compiled_bytes(bad) {
            Err(WireError::Corrupt { at, .. }) => {
                assert!(at < good.len());
                refused += 1;
            }
            Err(e) => panic!("round {round}: {e:?}"),
            Ok(s) => {
                loaded += 1;
                for q in &qs {
                    if let Verdict::Hit(h) = s.check(q) {
                        let _ = h.matches();
                    }
                }
                let _ = s.entries().count();
                let _ = s.flagged().count();
                let _ = s
                    .scan("0x52908400098527886e0f7030069857d2e4169ee7 x")
                    .count();
            }
        }
    }
    assert!(
        refused > 100 && loaded > 100,
        "{refused} refused, {loaded} loaded"
    );
}

#[test]
fn wrong_version_is_refused() {
    // Version 1 (foldhash key hashes), version 2 (entry records last),
    // version 3 (meta section first), version 4 (3-bit `via` codes, before
    // issue 13's aliases) and a future one.
    for found in [1, 2, 3, 4, COMPILED_FORMAT_VERSION + 1] {
        let mut bad = small();
        bad[8..12].copy_from_slice(&found.to_le_bytes());
        reseal(&mut bad);
        let err = Screener::from_compiled_bytes(bad).unwrap_err();
        assert!(
            matches!(
                err,
                WireError::UnsupportedVersion { found: f, supported, .. }
                    if f == found && supported == COMPILED_FORMAT_VERSION
            ),
            "{err}"
        );
    }
}

/// A damaged compiled file names itself: the codec shared with snapshots
/// reports the kind of file it was reading.
#[test]
fn a_damaged_compiled_file_says_compiled_screener() {
    let mut bad = small();
    bad[0] ^= 0x41;
    let err = Screener::from_compiled_bytes(bad).unwrap_err();
    assert!(
        matches!(
            err,
            WireError::BadMagic {
                file: WireFile::Compiled
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "not a walletscreen compiled screener (bad magic bytes)"
    );
    let good = small();
    let err = Screener::from_compiled_bytes(good[..good.len() - 1].to_vec()).unwrap_err();
    assert!(
        err.to_string().starts_with("compiled screener truncated"),
        "{err}"
    );
}
