//! Property tests: every spelling of a random valid address hits a list that
//! holds its canonical spelling; nothing panics on arbitrary input; random
//! unlisted addresses are clear against the bundled lists.
//!
//! Tests named in the regression sections cover bugs found while writing them.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng};
use walletscreen::address::{self, cashaddr};
use walletscreen::{
    Brief, Category, CheckOptions, Entry, Family, List, ListMeta, Screener, ScreenerBuilder,
    Verdict, Via,
};

const VERIFY: CheckOptions = CheckOptions::new().verify_checksum(true);

fn bundled() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::bundled().expect("bundled lists compile"))
}

// ---------------------------------------------------------------------------
// Address generation.
// ---------------------------------------------------------------------------

/// A random valid address.
#[derive(Debug, Clone)]
enum Gen {
    /// base58check `version || hash`.
    B58 { version: u8, hash: [u8; 20] },
    /// Segwit.
    Segwit {
        hrp: &'static str,
        version: u8,
        program: Vec<u8>,
    },
    /// CashAddr with prefix `bitcoincash`.
    Cash { kind: u8, hash: [u8; 20] },
    /// EVM account.
    Evm([u8; 20]),
}

const B58_VERSIONS: [u8; 6] = [0x00, 0x05, 0x30, 0x32, 0x1e, 0x41];
const HRPS: [&str; 2] = ["bc", "ltc"];

impl Gen {
    /// The canonical spelling (EIP-55 for EVM, lower-case with prefix for
    /// CashAddr, lower-case bech32).
    fn canonical(&self) -> String {
        match self {
            Gen::B58 { version, hash } => b58check(*version, hash),
            Gen::Segwit {
                hrp,
                version,
                program,
            } => {
                let hrp = bech32::Hrp::parse(hrp).unwrap();
                let v = bech32::Fe32::try_from(*version).unwrap();
                bech32::segwit::encode(hrp, v, program).unwrap()
            }
            Gen::Cash { kind, hash } => cashaddr::encode("bitcoincash", *kind, hash).unwrap(),
            Gen::Evm(b) => address::to_checksum(b),
        }
    }

    fn family(&self) -> Family {
        match self {
            Gen::B58 { .. } => Family::Base58,
            Gen::Segwit { .. } => Family::Bech32,
            Gen::Cash { .. } => Family::CashAddr,
            Gen::Evm(_) => Family::Evm,
        }
    }

    /// URI schemes that may wrap this address.
    fn schemes(&self) -> &'static [&'static str] {
        match self {
            Gen::B58 { version: 0x41, .. } => &["tron:", "TRON:"],
            Gen::B58 {
                version: 0x30 | 0x32,
                ..
            } => &["litecoin:", "litecoin://", "LITECOIN:"],
            Gen::B58 { version: 0x1e, .. } => &["dogecoin:", "dogecoin://"],
            Gen::B58 { .. } => &["bitcoin:", "BITCOIN:", "bitcoin://"],
            Gen::Segwit { hrp: "ltc", .. } => &["litecoin:", "LITECOIN:"],
            Gen::Segwit { .. } => &["bitcoin:", "BITCOIN:"],
            // The prefix is part of the address.
            Gen::Cash { .. } => &[""],
            Gen::Evm(_) => &["ethereum:", "ethereum:pay-", "ETHEREUM:"],
        }
    }

    fn uri_suffixes(&self) -> &'static [&'static str] {
        match self {
            Gen::Evm(_) => &["", "@1", "@1/transfer?x=1", "?value=1e18", "@137"],
            _ => &["", "?amount=1", "?amount=1&label=x", "#frag"],
        }
    }
}

fn b58check(version: u8, hash: &[u8]) -> String {
    let mut data = Vec::with_capacity(21);
    data.push(version);
    data.extend_from_slice(hash);
    bs58::encode(data).with_check().into_string()
}

#[path = "support/hex.rs"]
mod hex;

use hex::hex;

fn arb_gen() -> impl Strategy<Value = Gen> {
    prop_oneof![
        (prop::sample::select(&B58_VERSIONS[..]), any::<[u8; 20]>())
            .prop_map(|(version, hash)| Gen::B58 { version, hash }),
        (
            prop::sample::select(&HRPS[..]),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 20).prop_map(|p| (0u8, p)),
                prop::collection::vec(any::<u8>(), 32).prop_map(|p| (0u8, p)),
                prop::collection::vec(any::<u8>(), 32).prop_map(|p| (1u8, p)),
            ]
        )
            .prop_map(|(hrp, (version, program))| Gen::Segwit {
                hrp,
                version,
                program
            }),
        (0u8..2, any::<[u8; 20]>()).prop_map(|(kind, hash)| Gen::Cash { kind, hash }),
        any::<[u8; 20]>().prop_map(Gen::Evm),
    ]
}

/// The same address generation as [`arb_gen`], from a plain stream, for
/// the bulk test (100,000 value trees of `arb_gen` would triple its time).
fn gen_from_rng(rng: &mut TestRng) -> Gen {
    let mut hash = [0u8; 20];
    rng.fill_bytes(&mut hash);
    match rng.random_range(0..4) {
        0 => Gen::B58 {
            version: B58_VERSIONS[rng.random_range(0..B58_VERSIONS.len())],
            hash,
        },
        1 => {
            let (version, len) = [(0u8, 20usize), (0, 32), (1, 32)][rng.random_range(0..3)];
            let mut program = vec![0u8; len];
            rng.fill_bytes(&mut program);
            Gen::Segwit {
                hrp: HRPS[rng.random_range(0..HRPS.len())],
                version,
                program,
            }
        }
        2 => Gen::Cash {
            kind: rng.random_range(0..2),
            hash,
        },
        _ => Gen::Evm(hash),
    }
}

/// A deterministic stream for one proptest case, from a seed drawn by
/// proptest (so a failure replays from the seed it prints).
fn rng_from(seed: [u8; 32]) -> TestRng {
    TestRng::from_seed(RngAlgorithm::ChaCha, &seed)
}

// ---------------------------------------------------------------------------
// Spelling variants.
// ---------------------------------------------------------------------------

/// Characters removed anywhere by normalization.
const IGNORABLE: &[&str] = &[
    " ", "\t", "\r", "\n", "\r\n", "\u{A0}", "\u{2003}", "\u{3000}", "\u{200B}", "\u{200C}",
    "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{202E}", "\u{00AD}",
];

/// Inserts 1..=4 ignorable characters at random positions.
fn sprinkle(s: &str, rng: &mut TestRng) -> String {
    let mut chars: Vec<String> = s.chars().map(String::from).collect();
    for _ in 0..1 + rng.random_range(0..4) {
        let at = rng.random_range(0..chars.len() + 1);
        chars.insert(
            at,
            IGNORABLE[rng.random_range(0..IGNORABLE.len())].to_owned(),
        );
    }
    chars.concat()
}

/// Random case flips where the format ignores case.
fn flip_case(g: &Gen, s: &str, rng: &mut TestRng) -> String {
    match g {
        Gen::B58 { .. } => s.to_owned(),
        // Per-character flips (mixed case still names the same bytes / text).
        Gen::Evm(_) | Gen::Segwit { .. } => s
            .chars()
            .map(|c| {
                if rng.random::<bool>() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
        // CashAddr: the payload in one case; the prefix in any case, or none.
        Gen::Cash { .. } => {
            let (prefix, payload) = s.split_once(':').unwrap();
            let payload = if rng.random::<bool>() {
                payload.to_ascii_uppercase()
            } else {
                payload.to_ascii_lowercase()
            };
            match rng.random_range(0..3) {
                0 => payload,
                1 => format!("{}:{payload}", prefix.to_ascii_uppercase()),
                _ => format!("{prefix}:{payload}"),
            }
        }
    }
}

fn uri_wrap(g: &Gen, s: &str, rng: &mut TestRng) -> String {
    if matches!(g, Gen::Cash { .. }) && !s.contains(':') {
        // A bare CashAddr payload is no URI; give it its prefix back.
        return uri_wrap(g, &format!("bitcoincash:{s}"), rng);
    }
    let schemes = g.schemes();
    let suffixes = g.uri_suffixes();
    format!(
        "{}{s}{}",
        schemes[rng.random_range(0..schemes.len())],
        suffixes[rng.random_range(0..suffixes.len())]
    )
}

fn one_list(addr: &str) -> Screener {
    let list = List::from_entries(
        ListMeta::new("prop", Category::Custom),
        [Entry::new(addr, 1)],
    );
    ScreenerBuilder::new().list(list).build().unwrap()
}

fn check_hit(s: &Screener, q: &str, listed: &str, via: Via) -> Result<(), TestCaseError> {
    match s.check(q) {
        Verdict::Hit(h) => {
            prop_assert_eq!(h.matches().len(), 1, "{:?}", q);
            prop_assert_eq!(&h.matches().next().unwrap().address(), listed, "{:?}", q);
            prop_assert_eq!(h.matches().next().unwrap().via(), via, "{:?}", q);
        }
        other => prop_assert!(false, "{q:?} (listed {listed:?}) not a hit: {other:?}"),
    }
    prop_assert!(s.check_with(q, VERIFY).is_hit(), "{:?} verify", q);
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    /// Case flips, invisible characters and URI wrapping of the canonical
    /// spelling all hit.
    #[test]
    fn spelling_variants_hit(g in arb_gen(), seed in any::<[u8; 32]>()) {
        let canon = g.canonical();
        let parsed = address::parse(&canon).expect("generated address parses");
        prop_assert_eq!(parsed.family, g.family());
        let s = one_list(&canon);
        let mut rng = rng_from(seed);
        check_hit(&s, &canon, &canon, Via::Listed)?;
        for _ in 0..6 {
            let cased = flip_case(&g, &canon, &mut rng);
            check_hit(&s, &cased, &canon, Via::Listed)?;
            let sprinkled = sprinkle(&cased, &mut rng);
            check_hit(&s, &sprinkled, &canon, Via::Listed)?;
            let wrapped = uri_wrap(&g, &cased, &mut rng);
            check_hit(&s, &wrapped, &canon, Via::Listed)?;
            check_hit(&s, &sprinkle(&wrapped, &mut rng), &canon, Via::Listed)?;
        }
    }

    /// URIs whose query string makes them far longer than any address still
    /// find the address.
    #[test]
    fn long_uri_query_hits(
        g in arb_gen(),
        seed in any::<[u8; 32]>(),
        label in prop::collection::vec(any::<char>(), 100..1000),
    ) {
        let canon = g.canonical();
        let s = one_list(&canon);
        let mut rng = rng_from(seed);
        let wrapped = uri_wrap(&g, &flip_case(&g, &canon, &mut rng), &mut rng);
        let sep = if wrapped.contains('?') { '&' } else { '?' };
        let label: String = label.into_iter().collect();
        let q = format!("{wrapped}{sep}label={label}");
        if q.len() <= address::MAX_INPUT && q.contains(':') {
            check_hit(&s, &q, &canon, Via::Listed)?;
        }
    }

    /// A random non-canonical spelling in the list is found from the
    /// canonical one (list entries are keyed like queries).
    #[test]
    fn listed_variant_found_from_canonical(g in arb_gen(), seed in any::<[u8; 32]>()) {
        let canon = g.canonical();
        let mut rng = rng_from(seed);
        let listed = sprinkle(&flip_case(&g, &canon, &mut rng), &mut rng);
        let s = one_list(&listed);
        check_hit(&s, &canon, &listed, Via::Listed)?;
    }

    /// CashAddr <-> legacy and TRON <-> hex, both directions.
    #[test]
    fn cross_encodings_hit(g in arb_gen(), seed in any::<[u8; 32]>()) {
        let mut rng = rng_from(seed);
        match &g {
            Gen::B58 { version: v @ (0x00 | 0x05), hash } => {
                let legacy = g.canonical();
                let s = one_list(&legacy);
                let c = cashaddr::encode("bitcoincash", u8::from(*v == 5), hash).unwrap();
                let cg = Gen::Cash { kind: u8::from(*v == 5), hash: *hash };
                let q = sprinkle(&flip_case(&cg, &c, &mut rng), &mut rng);
                check_hit(&s, &q, &legacy, Via::CashaddrOfLegacy)?;
            }
            Gen::Cash { kind, hash } => {
                let c = g.canonical();
                let s = one_list(&c);
                let legacy = b58check(if *kind == 0 { 0x00 } else { 0x05 }, hash);
                check_hit(&s, &legacy, &c, Via::LegacyOfCashaddr)?;
                let q = sprinkle(&format!("bitcoin:{legacy}?amount=1"), &mut rng);
                check_hit(&s, &q, &c, Via::LegacyOfCashaddr)?;
            }
            Gen::B58 { version: 0x41, hash } => {
                let t = g.canonical();
                let mut raw = vec![0x41];
                raw.extend_from_slice(hash);
                let h = hex(&raw);
                let hex_spelling: String = h
                    .chars()
                    .map(|c| if rng.random::<bool>() { c.to_ascii_uppercase() } else { c })
                    .collect();
                // Listed T..., queried as hex.
                let s = one_list(&t);
                check_hit(&s, &hex_spelling, &t, Via::TronHexOfBase58)?;
                check_hit(&s, &sprinkle(&hex_spelling, &mut rng), &t, Via::TronHexOfBase58)?;
                // Listed hex, queried as T....
                let s = one_list(&hex_spelling);
                check_hit(&s, &t, &hex_spelling, Via::TronBase58OfHex)?;
                check_hit(&s, &sprinkle(&format!("tron:{t}"), &mut rng), &hex_spelling, Via::TronBase58OfHex)?;
                check_hit(&s, &h, &hex_spelling, Via::Listed)?;
            }
            _ => {}
        }
    }

    /// Whitespace / invisible insertions do not change the normalized text.
    #[test]
    fn normalize_ignores_invisible_characters(g in arb_gen(), seed in any::<[u8; 32]>()) {
        let mut rng = rng_from(seed);
        let canon = g.canonical();
        let want = address::normalize(&canon).unwrap();
        for _ in 0..8 {
            let v = sprinkle(&canon, &mut rng);
            prop_assert_eq!(address::normalize(&v).unwrap(), want.clone(), "{:?}", v);
            let u = uri_wrap(&g, &canon, &mut rng);
            prop_assert_eq!(
                address::normalize(&sprinkle(&u, &mut rng)).unwrap(),
                address::normalize(&u).unwrap()
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Never panics.
// ---------------------------------------------------------------------------

/// Characters likely to reach interesting code paths.
const INTERESTING: &[char] = &[
    '0',
    '1',
    '4',
    '8',
    'x',
    'X',
    'T',
    'q',
    'p',
    'b',
    'c',
    'l',
    'L',
    'r',
    'z',
    ':',
    '?',
    '@',
    '/',
    '#',
    '-',
    '&',
    '=',
    ',',
    '"',
    '\n',
    '\r',
    ' ',
    '\u{A0}',
    '\u{200B}',
    '\u{FEFF}',
    '\u{202E}',
    '\u{AD}',
    'é',
    '€',
    'ß',
    '𝟘',
    'Ａ',
    'ｘ',
    '０',
    '：',
    '\u{301}',
    '\u{E0041}',
    '\u{FFFD}',
    '\0',
];

const PREFIXES: &[&str] = &[
    "",
    "bitcoin:",
    "bitcoincash:",
    "BITCOINCASH:",
    "bchtest:",
    "ethereum:pay-",
    "ethereum:",
    "litecoin://",
    "x:",
    "0x",
    "41",
    "bc1",
    "BC1",
    "ltc1",
    "bnb1",
    "tb1",
    "4",
    "8",
    "T",
    "r",
    "q",
];

fn arb_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        3 => prop::sample::select(INTERESTING),
        4 => prop::sample::select(
            "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0lIO".chars().collect::<Vec<_>>()
        ),
    ]
}

/// Strings of mostly address-like length, sometimes up to ~10 kB.
fn arb_text() -> impl Strategy<Value = String> {
    let body = prop_oneof![
        8 => prop::collection::vec(arb_char(), 0..160),
        1 => prop::collection::vec(arb_char(), 120..140),
        1 => prop::collection::vec(any::<char>(), 0..2600),
    ];
    (prop::sample::select(PREFIXES), body)
        .prop_map(|(p, cs)| format!("{p}{}", cs.into_iter().collect::<String>()))
}

/// Never a panic; and the cheap answers agree with the verdict.
fn exercise(s: &str) {
    let b = bundled();
    let v = b.check(s);
    assert_eq!(b.check_kind(s, CheckOptions::default()), v.kind(), "{s:?}");
    assert_eq!(b.is_listed(s), v.is_hit(), "{s:?}");
    let verified = b.check_with(s, VERIFY);
    assert_eq!(b.check_kind(s, VERIFY), verified.kind(), "{s:?}");
    // In brief: what the verdict says, the reason of an invalid one too.
    for (opts, v) in [(CheckOptions::default(), &v), (VERIFY, &verified)] {
        assert_eq!(b.check_brief(s, opts), Brief::from(v), "{s:?}");
    }
    let _ = address::parse(s);
    let _ = address::normalize(s);
}

/// A valid address with random damage: characters inserted, replaced,
/// removed, or spliced after a scheme.
fn arb_damaged() -> impl Strategy<Value = String> {
    (
        arb_gen(),
        prop::collection::vec((any::<prop::sample::Index>(), arb_char(), 0u8..3), 1..4),
        prop::sample::select(PREFIXES),
    )
        .prop_map(|(g, edits, prefix)| {
            let mut cs: Vec<char> = g.canonical().chars().collect();
            for (at, c, op) in edits {
                let i = at.index(cs.len() + 1);
                match op {
                    0 => cs.insert(i, c),
                    1 if i < cs.len() => cs[i] = c,
                    _ if i < cs.len() => {
                        cs.remove(i);
                    }
                    _ => cs.push(c),
                }
            }
            format!("{prefix}{}", cs.into_iter().collect::<String>())
        })
}

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn no_panic_on_unicode_strings(s in arb_text()) {
        exercise(&s);
    }

    #[test]
    fn no_panic_on_damaged_addresses(s in arb_damaged()) {
        exercise(&s);
    }

    #[test]
    fn no_panic_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..10_000)) {
        let s = String::from_utf8_lossy(&bytes);
        exercise(&s);
        let _ = List::from_bytes(&bytes, ListMeta::new("raw", Category::Custom));
    }

    /// Random list files (text or CSV shaped) either fail to load or compile,
    /// and every line can be checked against them.
    #[test]
    fn no_panic_on_random_list_files(
        lines in prop::collection::vec(prop_oneof![arb_text(), arb_damaged()], 0..20),
        csv in any::<bool>(),
    ) {
        let mut body = String::new();
        if csv {
            body.push_str("# walletscreen-list: v1\naddress,chain,tickers\n");
        }
        for l in &lines {
            body.push_str(l);
            body.push('\n');
        }
        if let Ok(list) = List::from_bytes(body.as_bytes(), ListMeta::new("r", Category::Custom)) {
            let s = ScreenerBuilder::new().list(list).build().unwrap();
            for l in &lines {
                let _ = s.check(l);
                let _ = s.check_with(l, VERIFY);
            }
        }
    }
}

/// Regression (src/address/mod.rs `strip_uri`): `rest[..4]` sliced the text
/// after a URI scheme at byte 4 to test for EIP-681 `pay-`, which panicked
/// when byte 4 fell inside a multi-byte character. Every entry point that
/// normalizes (check, check_with, is_listed, parse, normalize, and list
/// loading) panicked on such input.
#[test]
fn no_panic_on_multibyte_char_after_uri_scheme() {
    for s in ["x:abcé", "bitcoin:abcé", "ethereum:pa€", "a:b\u{1F600}"] {
        let r = std::panic::catch_unwind(|| exercise(s));
        assert!(r.is_ok(), "panicked on {s:?}");
    }
    let r = std::panic::catch_unwind(|| {
        List::from_bytes("x:abcé\n".as_bytes(), ListMeta::new("l", Category::Custom))
            .map(|_| ())
            .map_err(|_| ())
    });
    assert!(r.is_ok(), "List::from_bytes panicked on \"x:abcé\"");
}

// ---------------------------------------------------------------------------
// Bulk: random unlisted addresses are clear.
// ---------------------------------------------------------------------------

#[test]
fn hundred_thousand_random_addresses_are_clear() {
    const N: usize = 100_000;
    let s = bundled();
    // proptest's fixed-seed generator: the run is reproducible.
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::XorShift);
    let mut per_family = [0usize; 4];
    let mut failures = Vec::new();
    for i in 0..N {
        let g = gen_from_rng(&mut rng);
        let a = g.canonical();
        let want = g.family();
        match s.check(&a) {
            Verdict::Clear { family, .. } if family == want => {}
            other => failures.push(format!("#{i} {a:?} ({want}): {other:?}")),
        }
        // A sample under full verification (every 16th, and every failure).
        if i % 16 == 0
            || failures
                .last()
                .is_some_and(|f| f.starts_with(&format!("#{i} ")))
        {
            match s.check_with(&a, VERIFY) {
                Verdict::Clear { family, .. } if family == want => {}
                other => failures.push(format!("#{i} {a:?} ({want}) with verify: {other:?}")),
            }
        }
        per_family[match want {
            Family::Base58 => 0,
            Family::Bech32 => 1,
            Family::CashAddr => 2,
            _ => 3,
        }] += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {N} random unlisted addresses are not Clear with their family:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(per_family.iter().sum::<usize>(), N);
    assert!(per_family.iter().all(|&n| n > N / 5), "{per_family:?}");
}

/// Every bundled address, as listed: `check_kind` says "hit" as `check`
/// does, with and without checksum verification.
#[test]
fn check_kind_agrees_on_every_listed_address() {
    let b = bundled();
    let lists = walletscreen::bundled::lists().expect("bundled lists load");
    let mut n = 0;
    for e in lists.iter().flat_map(|l| l.entries()) {
        for opts in [CheckOptions::default(), VERIFY] {
            assert_eq!(
                b.check_with(&e.address, opts).kind(),
                walletscreen::VerdictKind::Hit,
                "{}",
                e.address
            );
            assert_eq!(
                b.check_kind(&e.address, opts),
                walletscreen::VerdictKind::Hit,
                "{}",
                e.address
            );
        }
        n += 1;
    }
    assert!(n > 1000, "{n} entries");
}
