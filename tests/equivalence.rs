//! Equivalence tests: every spelling of one address finds the same entry.
//!
//! One named test per equivalence, on real addresses from the bundled lists
//! (`lists/ofac_sdn.csv`, `lists/fbi_dprk.csv`) and on custom lists built
//! here. Tests named in the regression sections cover bugs found while writing them.

use std::sync::OnceLock;

use proptest::prelude::RngExt as _;
use proptest::test_runner::{RngAlgorithm, TestRng};
use walletscreen::address::{self, cashaddr};
use walletscreen::{
    Category, CheckOptions, Checksum, Entry, Family, Hit, List, ListMeta, ParseError, Screener,
    ScreenerBuilder, Verdict, Via,
};

// ---------------------------------------------------------------------------
// Real listed addresses (copied from the bundled list files).
// ---------------------------------------------------------------------------

/// fbi_dprk.csv line 9, EIP-55 checksummed as listed.
const FBI_EVM: &str = "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D";
/// ofac_sdn.csv, listed all lower-case.
const OFAC_EVM_LOWER: &str = "0x038989cbb1710c72b9920dc4fa529158f463e72c";
/// ofac_sdn.csv, listed EIP-55.
const OFAC_EVM_EIP55: &str = "0x0330070FD38Ec3bB94F58FA55D40368271E9e54A";
/// ofac_sdn.csv line 9 (Hydra Market), legacy P2PKH.
const OFAC_P2PKH: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
/// fbi_dprk.csv line 64, legacy P2SH.
const FBI_P2SH: &str = "3MSbCJCYtx5sj1nkzD4AMEhhvvviXBc8XJ";
/// fbi_dprk.csv line 66, segwit v0.
const FBI_BECH32: &str = "bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge";
/// ofac_sdn.csv (Hydra Market), segwit v0.
const OFAC_BECH32: &str = "bc1q202ajnhxgg9d9jjczmg0g4usp6haqldyy2eakl";
/// ofac_sdn.csv, Litecoin segwit.
const OFAC_LTC_BECH32: &str = "ltc1qr8ntsedq8tv0svmxqhzvdcdl5k7kntdmnhwep7";
/// ofac_sdn.csv, BNB Beacon Chain plain bech32.
const OFAC_BNB: &str = "bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23";
/// ofac_sdn.csv line 540 (SOUTHFRONT), CashAddr listed without prefix.
const OFAC_CASHADDR: &str = "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq";
/// ofac_sdn.csv, Litecoin P2PKH.
const OFAC_LTC: &str = "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb";
/// ofac_sdn.csv, TRON (chain `tron`).
const OFAC_TRON: &str = "TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz";
/// ofac_sdn.csv line 395, TRON address filed under `bitcoin`.
const OFAC_TRON_2: &str = "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq";
/// ofac_sdn.csv, Dash.
const OFAC_DASH: &str = "XcuGqRfrR85zyDrzVr1gSL5RNjwwpbu2KS";
/// ofac_sdn.csv, Zcash transparent.
const OFAC_ZEC: &str = "t1LHesgnkapziGQCJtrfZWYXhyjfTVo1dvh";
/// ofac_sdn.csv, XRP.
const OFAC_XRP: &str = "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66";
/// ofac_sdn.csv, Solana.
const OFAC_SOL: &str = "42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi";
/// ofac_sdn.csv, Dogecoin (filed under `solana`).
const OFAC_DOGE: &str = "DHzAVdEoL3PjGeLWNdEJwwMA1CeQ9J9Cpo";
/// ofac_sdn.csv, Monero standard address.
const OFAC_XMR: &str = "44dZUJ7w1T3fKAvFW8XyXUVoAGSbFvXef2wcbnsjNKGWYorpLJBjth5VKSFhLGkpYKJb2J341tdZHBnbpv72WL7e8zuxfR2";
/// ofac_sdn.csv: the 64-hex "XMR address" (no valid format, matched exactly).
const OFAC_XMR_HEX: &str = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320";

/// A spread of listed addresses over every family, with their list id.
const SPREAD: &[(&str, &str)] = &[
    (FBI_EVM, "fbi-dprk"),
    (OFAC_EVM_LOWER, "ofac-sdn"),
    (OFAC_P2PKH, "ofac-sdn"),
    (FBI_P2SH, "fbi-dprk"),
    (FBI_BECH32, "fbi-dprk"),
    (OFAC_LTC_BECH32, "ofac-sdn"),
    (OFAC_BNB, "ofac-sdn"),
    (OFAC_CASHADDR, "ofac-sdn"),
    (OFAC_LTC, "ofac-sdn"),
    (OFAC_TRON, "ofac-sdn"),
    (OFAC_ZEC, "ofac-sdn"),
    (OFAC_XRP, "ofac-sdn"),
    (OFAC_SOL, "ofac-sdn"),
    (OFAC_XMR, "ofac-sdn"),
    (OFAC_XMR_HEX, "ofac-sdn"),
];

// ---------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------

fn bundled() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::bundled().expect("bundled lists compile"))
}

#[track_caller]
fn expect_hit<'a>(v: &'a Verdict, query: &str) -> &'a Hit {
    match v {
        Verdict::Hit(h) => h,
        other => panic!("expected a hit for {query:?}, got {other:?}"),
    }
}

/// Asserts that `query` hits `listed` on list `list` via `via`.
#[track_caller]
fn assert_hits(s: &Screener, query: &str, listed: &str, list: &str, via: Via) -> Hit {
    let v = s.check(query);
    let h = expect_hit(&v, query);
    assert!(
        h.matches()
            .any(|m| m.address() == listed && m.list() == list && m.via() == via),
        "{query:?} should match {listed:?} on {list} via {via:?}, got {:?}",
        h.matches()
            .map(|m| (m.address().to_string(), m.list(), m.via()))
            .collect::<Vec<_>>()
    );
    h.clone()
}

#[track_caller]
fn assert_listed(query: &str, listed: &str, list: &str) -> Hit {
    assert_hits(bundled(), query, listed, list, Via::Listed)
}

/// The checksum a hit reports with `verify_checksum` (and, sanity, that the
/// default fast path reports `NotChecked` for the same hit).
#[track_caller]
fn verified_checksum(s: &Screener, query: &str) -> Checksum {
    let fast = s.check(query);
    let fast = expect_hit(&fast, query);
    assert!(
        matches!(fast.checksum, Checksum::NotChecked | Checksum::Absent),
        "{query:?}: fast path reported {:?}",
        fast.checksum
    );
    let v = s.check_with(query, VERIFY);
    let h = expect_hit(&v, query);
    assert_eq!(h.matches(), fast.matches(), "{query:?}");
    h.checksum
}

const VERIFY: CheckOptions = CheckOptions::new().verify_checksum(true);

#[track_caller]
fn assert_not_hit(s: &Screener, query: &str) {
    let v = s.check(query);
    assert!(!v.is_hit(), "{query:?} must not be a hit, got {v:?}");
}

fn custom(id: &str, addrs: &[&str]) -> Screener {
    let entries = addrs.iter().enumerate().map(|(i, a)| Entry::new(*a, i + 1));
    let list = List::from_entries(ListMeta::new(id, Category::Custom), entries);
    ScreenerBuilder::new().list(list).build().unwrap()
}

#[path = "support/hex.rs"]
mod hex;

use hex::hex;

fn eip55(addr: &str) -> String {
    use tiny_keccak::{Hasher, Keccak};
    let lower = addr.trim_start_matches("0x").to_ascii_lowercase();
    let mut k = Keccak::v256();
    k.update(lower.as_bytes());
    let mut h = [0u8; 32];
    k.finalize(&mut h);
    let mut out = String::from("0x");
    for (i, c) in lower.chars().enumerate() {
        let nib = (h[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xf;
        out.push(if nib >= 8 { c.to_ascii_uppercase() } else { c });
    }
    out
}

/// Inserts `ins` before char index `at` of `s`.
fn insert_at(s: &str, at: usize, ins: &str) -> String {
    let byte = s.char_indices().nth(at).map_or(s.len(), |(b, _)| b);
    format!("{}{}{}", &s[..byte], ins, &s[byte..])
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

/// Every spelling of `a` with `junk` leading, trailing, embedded in the
/// middle, embedded everywhere, and around the whole thing.
fn junk_variants(a: &str, junk: &str) -> Vec<String> {
    let n = a.chars().count();
    let everywhere: String = a.chars().map(|c| format!("{junk}{c}")).collect();
    vec![
        format!("{junk}{a}"),
        format!("{a}{junk}"),
        format!("{junk}{a}{junk}"),
        insert_at(a, 1, junk),
        insert_at(a, n / 2, junk),
        insert_at(a, n - 1, junk),
        format!(
            "{junk}{junk}{}{junk}",
            insert_at(a, n / 3, &format!("{junk}{junk}"))
        ),
        everywhere,
    ]
}

// ---------------------------------------------------------------------------
// Whitespace and invisible characters.
// ---------------------------------------------------------------------------

#[test]
fn unicode_whitespace_anywhere_is_ignored() {
    let ws = [
        " ",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "\u{A0}",
        "\u{2003}",
        "\u{3000}",
        " \t\u{A0}",
    ];
    let mut checked = 0;
    for (a, list) in SPREAD {
        for w in ws {
            for q in junk_variants(a, w) {
                assert_listed(&q, a, list);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, SPREAD.len() * ws.len() * 8);
}

#[test]
fn zero_width_and_format_characters_are_ignored() {
    let invisible = [
        "\u{200B}",
        "\u{200C}",
        "\u{200D}",
        "\u{2060}",
        "\u{FEFF}",
        "\u{202E}",
        "\u{00AD}",
        "\u{200B}\u{FEFF}\u{202E}",
    ];
    for (a, list) in SPREAD {
        for z in invisible {
            for q in junk_variants(a, z) {
                assert_listed(&q, a, list);
            }
        }
    }
    // Mixed whitespace and invisible characters, inside a URI.
    assert_listed(
        &format!("\u{FEFF} bitcoin:\u{200B}{OFAC_P2PKH}\u{00AD}?amount=1 \n"),
        OFAC_P2PKH,
        "ofac-sdn",
    );
}

#[test]
fn whitespace_in_custom_text_list_and_query() {
    // A plain-text list whose lines carry the addresses in odd spellings.
    let body = format!(
        "# internal\n  {}\u{A0}\n\u{200B}{}\n{}\n{}   # note\n",
        FBI_EVM.to_ascii_lowercase(),
        OFAC_BECH32.to_ascii_uppercase(),
        OFAC_CASHADDR.to_ascii_uppercase(),
        OFAC_TRON_2,
    );
    let list =
        List::from_bytes(body.as_bytes(), ListMeta::new("internal", Category::Custom)).unwrap();
    assert_eq!(list.entries().len(), 4);
    let s = ScreenerBuilder::new().list(list).build().unwrap();
    for q in [
        format!(" {FBI_EVM}\t"),
        format!("{}\u{3000}", OFAC_BECH32),
        format!("bitcoincash:{OFAC_CASHADDR}\n"),
        format!("\u{2060}{OFAC_TRON_2}"),
    ] {
        let v = s.check(&q);
        let h = expect_hit(&v, &q);
        assert_eq!(h.matches().next().unwrap().list(), "internal");
    }
}

// ---------------------------------------------------------------------------
// Case.
// ---------------------------------------------------------------------------

#[test]
fn evm_case_variants() {
    // Our EIP-55 agrees with the listed checksummed spellings.
    assert_eq!(eip55(FBI_EVM), FBI_EVM);
    assert_eq!(eip55(OFAC_EVM_EIP55), OFAC_EVM_EIP55);

    for (a, list) in [
        (FBI_EVM, "fbi-dprk"),
        (OFAC_EVM_LOWER, "ofac-sdn"),
        (OFAC_EVM_EIP55, "ofac-sdn"),
    ] {
        let hexpart = &a[2..];
        let lower = format!("0x{}", hexpart.to_ascii_lowercase());
        let upper = format!("0x{}", hexpart.to_ascii_uppercase());
        let checksummed = eip55(a);

        let s = bundled();
        let h = assert_listed(&lower, a, list);
        assert_eq!(h.family, Family::Evm);
        assert_eq!(verified_checksum(s, &lower), Checksum::Absent, "{lower}");
        assert_listed(&upper, a, list);
        assert_eq!(verified_checksum(s, &upper), Checksum::Absent, "{upper}");
        let upper_x = format!("0X{}", hexpart.to_ascii_uppercase());
        assert_listed(&upper_x, a, list);
        assert_eq!(verified_checksum(s, &upper_x), Checksum::Absent);
        assert_listed(&checksummed, a, list);
        assert_eq!(
            verified_checksum(s, &checksummed),
            Checksum::Valid,
            "{checksummed}"
        );
        // Bare 40 hex digits.
        assert_listed(hexpart, a, list);

        // Random mixed case that is not the EIP-55 spelling: still a hit, with
        // an invalid checksum.
        // proptest's fixed-seed generator: the run is reproducible.
        let mut rng = TestRng::deterministic_rng(RngAlgorithm::XorShift);
        let mut wrong = 0;
        for _ in 0..64 {
            let mixed: String = hexpart
                .chars()
                .map(|c| {
                    if rng.random::<bool>() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            let q = format!("0x{mixed}");
            let is_mixed = mixed.chars().any(|c| c.is_ascii_lowercase())
                && mixed.chars().any(|c| c.is_ascii_uppercase());
            assert_listed(&q, a, list);
            let checksum = verified_checksum(s, &q);
            if q == checksummed {
                assert_eq!(checksum, Checksum::Valid);
            } else if is_mixed {
                assert_eq!(checksum, Checksum::Invalid, "{q}");
                wrong += 1;
            }
        }
        assert!(wrong > 50);
    }
}

#[test]
fn bech32_upper_and_lower_case() {
    for (a, list) in [
        (FBI_BECH32, "fbi-dprk"),
        (OFAC_BECH32, "ofac-sdn"),
        (OFAC_LTC_BECH32, "ofac-sdn"),
        (OFAC_BNB, "ofac-sdn"),
    ] {
        let up = a.to_ascii_uppercase();
        let h = assert_listed(&up, a, list);
        assert_eq!(h.family, Family::Bech32);
        assert_eq!(verified_checksum(bundled(), &up), Checksum::Valid);
        let low = a.to_ascii_lowercase();
        assert_listed(&low, a, list);
        assert_eq!(verified_checksum(bundled(), &low), Checksum::Valid);
    }
    // Listed in upper case in a custom list, queried in lower case.
    let s = custom("upper", &[&FBI_BECH32.to_ascii_uppercase()]);
    assert_hits(
        &s,
        FBI_BECH32,
        &FBI_BECH32.to_ascii_uppercase(),
        "upper",
        Via::Listed,
    );
}

#[test]
fn cashaddr_case_and_prefix() {
    let mut n = 0;
    for payload in [
        OFAC_CASHADDR.to_ascii_lowercase(),
        OFAC_CASHADDR.to_ascii_uppercase(),
    ] {
        for prefix in ["", "bitcoincash:", "BITCOINCASH:", "BitcoinCash:"] {
            let q = format!("{prefix}{payload}");
            let h = assert_listed(&q, OFAC_CASHADDR, "ofac-sdn");
            assert_eq!(h.family, Family::CashAddr, "{q}");
            n += 1;
        }
    }
    assert_eq!(n, 8);
    // Uniformly cased spellings verify.
    for q in [
        format!("bitcoincash:{OFAC_CASHADDR}"),
        format!("BITCOINCASH:{}", OFAC_CASHADDR.to_ascii_uppercase()),
    ] {
        assert_eq!(verified_checksum(bundled(), &q), Checksum::Valid, "{q}");
    }
    // A custom list holding the prefixed upper-case spelling.
    let listed = format!("BITCOINCASH:{}", OFAC_CASHADDR.to_ascii_uppercase());
    let s = custom("c", &[&listed]);
    assert_hits(&s, OFAC_CASHADDR, &listed, "c", Via::Listed);
}

/// Upper-cases every `n`th character of `s`.
fn upper_every(s: &str, n: usize) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i % n == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

/// Mixed case is invalid CashAddr (the spec says so, and `parse` rejects
/// it), but a listed address spelled in mixed case is still a hit, as for
/// bech32: a match wins over invalidity.
#[test]
fn cashaddr_mixed_case_still_hits() {
    let lower = OFAC_CASHADDR.to_ascii_lowercase();
    let mixed = upper_every(&lower, 3);
    assert_ne!(mixed, lower);
    assert_ne!(mixed, lower.to_ascii_uppercase());
    for q in [mixed.clone(), format!("bitcoincash:{mixed}")] {
        let h = assert_listed(&q, OFAC_CASHADDR, "ofac-sdn");
        assert_eq!(h.family, Family::CashAddr, "{q}");
        assert_eq!(verified_checksum(bundled(), &q), Checksum::Invalid, "{q}");
        assert!(walletscreen::address::parse(&q).is_err(), "{q}");
    }
    // An unlisted mixed-case CashAddr is Clear (shape) and Invalid when
    // verified.
    let other = cashaddr::encode("bitcoincash", 0, &[7u8; 20]).unwrap();
    let other_mixed = upper_every(&other["bitcoincash:".len()..], 2);
    assert!(matches!(
        bundled().check(&other_mixed),
        Verdict::Clear {
            family: Family::CashAddr,
            ..
        }
    ));
    let verified = bundled().check_with(&other_mixed, CheckOptions::new().verify_checksum(true));
    assert!(matches!(verified, Verdict::Invalid { .. }), "{verified:?}");
}

/// Swaps the case of the letter at byte `i`, if the result is base58.
fn swap_case_b58(a: &str, i: usize) -> Option<String> {
    const B58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let c = a.as_bytes()[i];
    let swapped = if c.is_ascii_lowercase() {
        c.to_ascii_uppercase()
    } else if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        return None;
    };
    if !B58.as_bytes().contains(&swapped) {
        return None;
    }
    let mut b = a.as_bytes().to_vec();
    b[i] = swapped;
    Some(String::from_utf8(b).unwrap())
}

#[test]
fn base58_is_case_sensitive() {
    // Every base58 address in both bundled lists: swapping the case of any
    // one letter is a different address.
    let mut checked = 0;
    for list in walletscreen::bundled::lists().unwrap() {
        for e in list.entries() {
            let Some(p) = e.parsed() else { continue };
            if !matches!(p.family, Family::Base58 | Family::Monero) {
                continue;
            }
            let a = &e.address;
            let swappable: Vec<usize> = (0..a.len())
                .filter(|&i| swap_case_b58(a, i).is_some())
                .collect();
            assert!(!swappable.is_empty(), "{a}");
            let picks = [
                swappable[0],
                swappable[swappable.len() / 2],
                swappable[swappable.len() - 1],
            ];
            for i in picks {
                let q = swap_case_b58(a, i).unwrap();
                assert_not_hit(bundled(), &q);
                checked += 1;
            }
        }
    }
    assert!(
        checked > 3 * 400,
        "only {checked} base58 case swaps checked"
    );
    // And the all-upper / all-lower spellings of a base58 address are not hits.
    for a in [
        OFAC_P2PKH, OFAC_TRON, OFAC_LTC, OFAC_SOL, OFAC_XRP, OFAC_DOGE,
    ] {
        assert_not_hit(bundled(), &a.to_ascii_lowercase());
        assert_not_hit(bundled(), &a.to_ascii_uppercase());
    }
}

// ---------------------------------------------------------------------------
// URI forms.
// ---------------------------------------------------------------------------

#[test]
fn uri_forms() {
    let cases: &[(String, &str, &str)] = &[
        (
            format!("bitcoin:{OFAC_P2PKH}?amount=1&label=x"),
            OFAC_P2PKH,
            "ofac-sdn",
        ),
        (format!("BITCOIN:{FBI_P2SH}"), FBI_P2SH, "fbi-dprk"),
        (
            format!("bitcoin:{}?amount=0.5", FBI_BECH32.to_ascii_uppercase()),
            FBI_BECH32,
            "fbi-dprk",
        ),
        (format!("ethereum:{FBI_EVM}@1"), FBI_EVM, "fbi-dprk"),
        (
            format!("ethereum:pay-{FBI_EVM}@1/transfer?x=1"),
            FBI_EVM,
            "fbi-dprk",
        ),
        (
            format!("ethereum:{}?value=1e18", OFAC_EVM_LOWER),
            OFAC_EVM_LOWER,
            "ofac-sdn",
        ),
        (
            format!("bitcoincash:{OFAC_CASHADDR}"),
            OFAC_CASHADDR,
            "ofac-sdn",
        ),
        (
            format!("bitcoincash:{OFAC_CASHADDR}?amount=0.1"),
            OFAC_CASHADDR,
            "ofac-sdn",
        ),
        (format!("litecoin:{OFAC_LTC}"), OFAC_LTC, "ofac-sdn"),
        (
            format!("litecoin:{OFAC_LTC_BECH32}?amount=2"),
            OFAC_LTC_BECH32,
            "ofac-sdn",
        ),
        (format!("tron:{OFAC_TRON}"), OFAC_TRON, "ofac-sdn"),
        (format!("litecoin://{OFAC_LTC}"), OFAC_LTC, "ofac-sdn"),
        (format!("monero:{OFAC_XMR}"), OFAC_XMR, "ofac-sdn"),
        (format!("dash:{OFAC_DASH}?amount=1"), OFAC_DASH, "ofac-sdn"),
        (format!("zcash:{OFAC_ZEC}"), OFAC_ZEC, "ofac-sdn"),
    ];
    for (q, listed, list) in cases {
        let h = assert_listed(q, listed, list);
        assert_eq!(h.matches().len(), 1, "{q}");
        assert_eq!(h.matches().next().unwrap().address(), *listed);
    }
    // The entry's provenance comes along.
    let v = bundled().check(&format!("bitcoin:{OFAC_P2PKH}?amount=1&label=x"));
    let m = &expect_hit(&v, OFAC_P2PKH).matches().next().unwrap();
    assert_eq!(m.provenance().entity.as_deref(), Some("Hydra Market"));
    assert_eq!(m.category(), Category::Sanctioned);
}

/// An EIP-681 token transfer (a USDT payment request) pays its `address`
/// parameter, not the token contract it calls: a listed recipient is a hit,
/// and the URI normalizes to the recipient.
#[test]
fn erc20_transfer_uri_screens_the_recipient() {
    const USDT: &str = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
    for q in [
        format!("ethereum:{USDT}@1/transfer?address={FBI_EVM}&uint256=1000000"),
        format!("ethereum:{USDT}/transfer?uint256=1e6&address={OFAC_EVM_LOWER}"),
        format!("ethereum:pay-{USDT}@1/approve?address={FBI_EVM}"),
    ] {
        let recipient = if q.contains(FBI_EVM) {
            FBI_EVM
        } else {
            OFAC_EVM_LOWER
        };
        let list = if q.contains(FBI_EVM) {
            "fbi-dprk"
        } else {
            "ofac-sdn"
        };
        assert_listed(&q, recipient, list);
        assert_eq!(address::normalize(&q).unwrap(), recipient, "{q}");
    }
    // Longer than `address::MAX_LEN` once cleaned, with characters to
    // clean (a pasted line: trailing newline, a zero-width space): the
    // `address` parameter survives the cleaning of the long input.
    let q = format!(
        " ethereum:{USDT}@1/transfer?uint256=1000000000000000000&address={FBI_EVM}\u{200b}&gas=21000\n"
    );
    assert!(q.len() > 128);
    assert_listed(&q, FBI_EVM, "fbi-dprk");
    // An unlisted recipient of a listed token contract: clear (the
    // contract is not what is paid).
    let unlisted = "0x0000000000000000000000000000000000000001";
    let q = format!("ethereum:{FBI_EVM}@1/transfer?address={unlisted}&uint256=1");
    assert!(!bundled().check(&q).is_hit(), "{q}");
    // Without a function call the target is the payee, as before.
    assert_listed(
        &format!("ethereum:{FBI_EVM}@1?value=1e18"),
        FBI_EVM,
        "fbi-dprk",
    );
}

/// BIP-21 URIs with a realistic label/message are longer than
/// `address::MAX_LEN` (128); the cap applies to the address text, after the
/// URI is stripped. (Regression: such URIs used to be keyed as opaque text.)
#[test]
fn uri_with_long_query_string() {
    let label = "Hydra%20Market%20vendor%20payout%20for%20order%20123456789";
    let q = format!(
        "bitcoin:{OFAC_P2PKH}?amount=0.12345678&label={label}&message=thanks%20for%20your%20order"
    );
    assert!(q.len() > 128);
    assert_listed(&q, OFAC_P2PKH, "ofac-sdn");
    let q = format!("monero:{OFAC_XMR}?tx_amount=1.5&recipient_name=Someone");
    assert!(q.len() > 128);
    assert_listed(&q, OFAC_XMR, "ofac-sdn");
}

// ---------------------------------------------------------------------------
// CashAddr <-> legacy base58.
// ---------------------------------------------------------------------------

fn legacy_of_cashaddr(c: &str) -> String {
    let d = cashaddr::decode(c, "bitcoincash").unwrap();
    let version = match d.kind {
        0 => 0x00,
        1 => 0x05,
        k => panic!("type {k}"),
    };
    let mut data = vec![version];
    data.extend_from_slice(&d.hash);
    bs58::encode(data).with_check().into_string()
}

fn cashaddr_of_legacy(l: &str) -> String {
    let data = bs58::decode(l).with_check(None).into_vec().unwrap();
    let kind = match data[0] {
        0x00 => 0,
        0x05 => 1,
        v => panic!("version {v}"),
    };
    cashaddr::encode("bitcoincash", kind, &data[1..]).unwrap()
}

#[test]
fn listed_cashaddr_found_from_legacy() {
    let mut n = 0;
    for list in walletscreen::bundled::lists().unwrap() {
        for e in list.entries() {
            if e.parsed().map(|p| p.family) != Some(Family::CashAddr) {
                continue;
            }
            let legacy = legacy_of_cashaddr(&e.address);
            assert!(legacy.starts_with('1') || legacy.starts_with('3'));
            let h = assert_hits(
                bundled(),
                &legacy,
                &e.address,
                "ofac-sdn",
                Via::LegacyOfCashaddr,
            );
            assert_eq!(h.family, Family::Base58);
            assert_eq!(verified_checksum(bundled(), &legacy), Checksum::Valid);
            assert_hits(
                bundled(),
                &format!("bitcoin:{legacy}?amount=1"),
                &e.address,
                "ofac-sdn",
                Via::LegacyOfCashaddr,
            );
            n += 1;
        }
    }
    assert_eq!(n, 6, "the OFAC list has six CashAddr entries");
    // The same on a custom list holding a P2SH CashAddr with its prefix.
    let p2sh = cashaddr::encode("bitcoincash", 1, &[0x5a; 20]).unwrap();
    let s = custom("cash", &[&p2sh]);
    let legacy = legacy_of_cashaddr(&p2sh);
    assert!(legacy.starts_with('3'));
    assert_hits(&s, &legacy, &p2sh, "cash", Via::LegacyOfCashaddr);
}

#[test]
fn listed_legacy_found_from_cashaddr() {
    for (a, list) in [(OFAC_P2PKH, "ofac-sdn"), (FBI_P2SH, "fbi-dprk")] {
        let c = cashaddr_of_legacy(a);
        let payload = c.strip_prefix("bitcoincash:").unwrap();
        for q in [
            c.clone(),
            payload.to_owned(),
            payload.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
            format!("\u{200B}{c}?amount=1 "),
        ] {
            let h = assert_hits(bundled(), &q, a, list, Via::CashaddrOfLegacy);
            assert_eq!(h.family, Family::CashAddr);
        }
    }
    // Every listed P2PKH (0x00) and P2SH (0x05) in both bundled lists.
    let mut n = 0;
    for list in walletscreen::bundled::lists().unwrap() {
        for e in list.entries() {
            let Some(p) = e.parsed() else { continue };
            if !matches!(
                p.kind,
                walletscreen::AddressKind::P2pkh { version: 0 }
                    | walletscreen::AddressKind::P2sh { version: 5 }
            ) {
                continue;
            }
            let c = cashaddr_of_legacy(&e.address);
            assert_hits(
                bundled(),
                &c,
                &e.address,
                &list.meta().id,
                Via::CashaddrOfLegacy,
            );
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
}

// ---------------------------------------------------------------------------
// TRON T... <-> 41... hex.
// ---------------------------------------------------------------------------

fn tron_hex(t: &str) -> String {
    let data = bs58::decode(t).with_check(None).into_vec().unwrap();
    assert_eq!(data[0], 0x41);
    hex(&data)
}

#[test]
fn tron_base58_found_from_hex() {
    for t in [OFAC_TRON, OFAC_TRON_2] {
        let h = tron_hex(t);
        for q in [
            h.clone(),
            h.to_ascii_uppercase(),
            format!(" {h}\u{200B}"),
            format!("tron:{h}"),
        ] {
            let hit = assert_hits(bundled(), &q, t, "ofac-sdn", Via::TronHexOfBase58);
            assert_eq!(hit.family, Family::TronHex);
        }
    }
    // Every TRON address in the bundled lists.
    let mut n = 0;
    for list in walletscreen::bundled::lists().unwrap() {
        for e in list.entries() {
            if e.parsed().map(|p| p.kind) == Some(walletscreen::AddressKind::Tron) {
                assert_hits(
                    bundled(),
                    &tron_hex(&e.address),
                    &e.address,
                    &list.meta().id,
                    Via::TronHexOfBase58,
                );
                n += 1;
            }
        }
    }
    assert!(n > 50, "{n}");
}

#[test]
fn tron_hex_listed_found_from_base58() {
    let h = tron_hex(OFAC_TRON);
    for listed in [h.clone(), h.to_ascii_uppercase()] {
        let s = custom("tronhex", &[&listed]);
        let hit = assert_hits(&s, OFAC_TRON, &listed, "tronhex", Via::TronBase58OfHex);
        assert_eq!(hit.family, Family::Base58);
        assert_hits(
            &s,
            &format!("tron:{OFAC_TRON}"),
            &listed,
            "tronhex",
            Via::TronBase58OfHex,
        );
        // The hex itself, in the other case, is the listed spelling.
        assert_hits(&s, &h.to_ascii_lowercase(), &listed, "tronhex", Via::Listed);
        assert_hits(&s, &h.to_ascii_uppercase(), &listed, "tronhex", Via::Listed);
    }
}

// ---------------------------------------------------------------------------
// Full-width ASCII.
// ---------------------------------------------------------------------------

#[test]
fn fullwidth_ascii_folds() {
    // "０ｘ…"
    let q = fullwidth(FBI_EVM);
    assert!(q.starts_with("０ｘ"));
    assert_listed(&q, FBI_EVM, "fbi-dprk");
    assert_listed(
        &fullwidth(&FBI_EVM.to_ascii_lowercase()),
        FBI_EVM,
        "fbi-dprk",
    );
    for (a, list) in SPREAD {
        assert_listed(&fullwidth(a), a, list);
    }
    // Partly full-width, inside a URI with a full-width colon.
    assert_listed(
        &format!("ｂｉｔｃｏｉｎ：{}", fullwidth(OFAC_P2PKH)),
        OFAC_P2PKH,
        "ofac-sdn",
    );
    assert_listed(
        &format!("ＢＩＴＣＯＩＮＣＡＳＨ：{}", fullwidth(OFAC_CASHADDR)),
        OFAC_CASHADDR,
        "ofac-sdn",
    );
}

// ---------------------------------------------------------------------------
// Near-misses.
// ---------------------------------------------------------------------------

const B58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const HEX_LOWER: &str = "0123456789abcdef";
const BECH32_LOWER: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// How to mutate an address: index of the first character after any prefix,
/// the alphabet, and whether the format ignores case.
fn mutation_plan(a: &str) -> (usize, &'static str, bool) {
    let parsed = address::parse(a).ok();
    match parsed.map(|p| p.family) {
        Some(Family::Evm) => (if a.starts_with("0x") { 2 } else { 0 }, HEX_LOWER, true),
        Some(Family::TronHex) => (2, HEX_LOWER, true),
        Some(Family::Bech32) => (a.rfind('1').unwrap() + 1, BECH32_LOWER, true),
        Some(Family::CashAddr) => (a.find(':').map_or(0, |i| i + 1), BECH32_LOWER, true),
        Some(Family::Base58 | Family::Monero | Family::XAddress) => (0, B58, false),
        Some(Family::Icap) => (4, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", true),
        // Flagged entries, matched exactly as text.
        Some(Family::Opaque) | None => {
            if a.bytes().all(|b| b.is_ascii_hexdigit()) {
                (0, HEX_LOWER, false)
            } else {
                (0, B58, false)
            }
        }
    }
}

/// Two characters of `alphabet` to put in place of `c`: different from it,
/// and (for case-insensitive formats) not its case variant.
fn replacements(c: u8, alphabet: &str, ci: bool) -> [u8; 2] {
    let al = alphabet.as_bytes();
    let same = |x: u8| {
        if ci {
            x.eq_ignore_ascii_case(&c)
        } else {
            x == c
        }
    };
    let start = al.iter().position(|&x| same(x)).unwrap_or(0);
    let mut out = Vec::new();
    for step in [1, 7, 13, 2, 3] {
        let x = al[(start + step) % al.len()];
        if !same(x) && !out.contains(&x) {
            out.push(x);
        }
        if out.len() == 2 {
            break;
        }
    }
    [out[0], out[1]]
}

fn all_bundled_addresses() -> Vec<(String, String)> {
    walletscreen::bundled::lists()
        .unwrap()
        .iter()
        .flat_map(|l| {
            l.entries()
                .map(|e| (l.meta().id.clone(), e.address.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn near_misses_of_every_bundled_address_are_not_hits() {
    let all = all_bundled_addresses();
    assert_eq!(all.len(), 1052 + 79, "bundled entry count changed");
    let s = bundled();
    let mut checked = 0;
    for (list, a) in &all {
        // The address itself is a hit (sanity).
        assert_listed(a, a, list);
        let (start, alphabet, ci) = mutation_plan(a);
        let n = a.len();
        let positions = [start, start + 1, start + (n - start) / 2, n - 1];
        for pos in positions {
            for r in replacements(a.as_bytes()[pos], alphabet, ci) {
                let mut b = a.as_bytes().to_vec();
                b[pos] = r;
                let q = String::from_utf8(b).unwrap();
                assert_ne!(&q, a);
                let v = s.check(&q);
                assert!(
                    !v.is_hit(),
                    "near-miss {q:?} of {a:?} (pos {pos}) is a hit: {v:?}"
                );
                // Also in a case the format ignores.
                if ci {
                    assert_not_hit(s, &q.to_ascii_uppercase());
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, all.len() * 4 * 2);
    println!("{checked} near-misses checked");
}

#[test]
fn truncated_and_extended_addresses_are_not_hits() {
    let s = bundled();
    let mut checked = 0;
    for (_, a) in all_bundled_addresses() {
        let (start, alphabet, _) = mutation_plan(&a);
        // Drop the last character, or the first after the prefix.
        assert_not_hit(s, &a[..a.len() - 1]);
        assert_not_hit(s, &format!("{}{}", &a[..start], &a[start + 1..]));
        // Append a character of the alphabet.
        for extra in alphabet.chars().take(3) {
            assert_not_hit(s, &format!("{a}{extra}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 1052 + 79);
}

// ---------------------------------------------------------------------------
// Verdict shapes.
// ---------------------------------------------------------------------------

#[test]
fn clear_addresses_have_the_right_family() {
    let monero_unlisted = "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
    let cases = [
        ("0x0000000000000000000000000000000000000001", Family::Evm),
        ("0x52908400098527886E0F7030069857D2E4169EE7", Family::Evm),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Family::Base58),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", Family::Base58),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", Family::Bech32),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            Family::Bech32,
        ),
        (
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            Family::CashAddr,
        ),
        (
            "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            Family::CashAddr,
        ),
        (
            "410000000000000000000000000000000000000001",
            Family::TronHex,
        ),
        (monero_unlisted, Family::Monero),
    ];
    for (q, family) in cases {
        assert_eq!(
            bundled().check(q),
            Verdict::Clear {
                family,
                checksum: Checksum::NotChecked,
                network: None
            },
            "{q}"
        );
        // Valid checksums verify.
        match bundled().check_with(q, CheckOptions::new().verify_checksum(true)) {
            Verdict::Clear {
                family: f,
                checksum,
                ..
            } => {
                assert_eq!(f, family);
                assert!(
                    matches!(checksum, Checksum::Valid | Checksum::Absent),
                    "{q}"
                );
            }
            other => panic!("{q}: {other:?}"),
        }
    }
}

#[test]
fn invalid_inputs_give_a_reason() {
    for q in [
        "hello",
        "0x1234",
        "",
        " \u{200B}\t",
        "bitcoin:",
        "not an address",
    ] {
        match bundled().check(q) {
            Verdict::Invalid { reason } => assert!(!reason.to_string().is_empty()),
            other => panic!("{q:?}: expected Invalid, got {other:?}"),
        }
    }
    assert!(matches!(
        bundled().check("0x1234"),
        Verdict::Invalid {
            reason: ParseError::BadLength {
                family: Family::Evm,
                ..
            }
        }
    ));
    assert_eq!(
        bundled().check(""),
        Verdict::Invalid {
            reason: ParseError::Empty
        }
    );
    assert!(matches!(
        bundled().check("0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135G"),
        Verdict::Invalid {
            reason: ParseError::InvalidChar {
                family: Family::Evm,
                character: 'G',
                ..
            }
        }
    ));
}

#[test]
fn verify_checksum_turns_bad_checksums_invalid() {
    let verify = CheckOptions::new().verify_checksum(true);
    // Unlisted, well-shaped, wrong checksum.
    let bad_eip55 = {
        let good = "0x52908400098527886E0F7030069857D2E4169EE7";
        // Flip the case of one letter.
        good.replacen('E', "e", 1)
    };
    let cases: [(&str, Family); 5] = [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", Family::Base58),
        ("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzr", Family::Base58),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", Family::Bech32),
        (
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6c",
            Family::CashAddr,
        ),
        (&bad_eip55, Family::Evm),
    ];
    for (q, family) in cases {
        assert_eq!(
            bundled().check(q),
            Verdict::Clear {
                family,
                checksum: Checksum::NotChecked,
                network: None
            },
            "{q}"
        );
        let v = bundled().check_with(q, verify);
        assert!(matches!(v, Verdict::Invalid { .. }), "{q}: {v:?}");
    }
    assert_eq!(
        bundled().check_with(&bad_eip55, verify),
        Verdict::Invalid {
            reason: ParseError::Eip55Mismatch
        }
    );
}

#[test]
fn listed_addresses_hit_in_both_modes() {
    let verify = CheckOptions::new().verify_checksum(true);
    let wrong_eip55 = format!("0x{}", FBI_EVM[2..].replacen('E', "e", 1));
    let mut queries: Vec<String> = SPREAD.iter().map(|(a, _)| a.to_string()).collect();
    queries.push(wrong_eip55.clone());
    // OFAC's corrected Monero address (2026-09-30: `…fbfzi1sx…`, where the
    // list of 2026-08-08 had the typo `…fbfzilsx…`) hits in both modes.
    queries.push("45ezvPejNsKYntjhyyeb7fbfzi1sxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo".into());
    queries.push(OFAC_XMR_HEX.to_owned());
    for q in &queries {
        let a = bundled().check(q);
        let b = bundled().check_with(q, verify);
        assert!(a.is_hit(), "{q}: {a:?}");
        assert!(b.is_hit(), "{q}: {b:?}");
        assert_eq!(a.hit().unwrap().matches(), b.hit().unwrap().matches());
    }
    assert_eq!(
        verified_checksum(bundled(), &wrong_eip55),
        Checksum::Invalid
    );
    assert_eq!(verified_checksum(bundled(), FBI_EVM), Checksum::Valid);
    assert_eq!(verified_checksum(bundled(), OFAC_P2PKH), Checksum::Valid);
    // A listed string that is no valid address: no checksum to speak of.
    assert_eq!(
        bundled().check(OFAC_XMR_HEX).hit().unwrap().checksum,
        Checksum::Absent
    );
    // Every bundled entry hits in both modes.
    for (_, a) in all_bundled_addresses() {
        assert!(bundled().check_with(&a, verify).is_hit(), "{a}");
    }
}

// ---------------------------------------------------------------------------
// Regressions for bugs found while writing these tests.
// ---------------------------------------------------------------------------

/// Regression: a valid TRON address that happens to start `TB1` and whose
/// other characters are all in the bech32 alphabet (either case) was
/// classified as bech32 with hrp `tb` (the bech32 shape test accepted mixed
/// case): reported as family Bech32, Invalid under `verify_checksum`, no
/// `41…` hex key when listed, and case-swapped (different) base58 strings
/// matched it.
#[test]
fn tron_address_starting_tb1_is_base58() {
    // A valid TRON address: base58check of 0x41 || 20-byte hash.
    let t = "TB1athnQ93Sy8knP2HGFX7yPeeHCTQ9FKV";
    let raw = bs58::decode(t).with_check(None).into_vec().unwrap();
    assert_eq!(raw.len(), 21);
    assert_eq!(raw[0], 0x41);
    let s = custom("tron", &[t]);
    assert_eq!(
        s.check("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq"),
        Verdict::Clear {
            family: Family::Base58,
            checksum: Checksum::NotChecked,
            network: None
        }
    );
    // Unlisted: Clear, family Base58, valid under verification.
    assert_eq!(
        bundled().check(t),
        Verdict::Clear {
            family: Family::Base58,
            checksum: Checksum::NotChecked,
            network: None
        },
        "{t}"
    );
    assert!(
        matches!(
            bundled().check_with(t, VERIFY),
            Verdict::Clear {
                family: Family::Base58,
                checksum: Checksum::Valid,
                network: Some(walletscreen::Network::Mainnet),
            }
        ),
        "{t}: {:?}",
        bundled().check_with(t, VERIFY)
    );
    // Listed: its hex spelling is found, and a different (case-swapped)
    // base58 string is not.
    assert_hits(&s, &hex(&raw), t, "tron", Via::TronHexOfBase58);
    assert_not_hit(&s, "TB1ATHNQ93SY8KNP2HGFX7YPEEHCTQ9FKV");
    assert_not_hit(&s, "TB1athnq93sy8knp2hgfx7ypeehctq9fkv");
}
