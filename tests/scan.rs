//! `Screener::scan`: token boundaries, case variants, prefixes, equivalent
//! spellings, and the property that every scan match is a `check` hit on
//! its span (and every planted, delimited listed address is found).

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::Config;
use walletscreen::address::cashaddr;
use walletscreen::{Screener, Via};

fn bundled() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::bundled().expect("bundled lists"))
}

/// OFAC, Lazarus Group (EVM), listed EIP-55.
const EVM: &str = "0x08723392Ed15743cc38513C4925f5e6be5c17243";
/// OFAC, Hydra Market (base58 P2PKH).
const BTC: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
/// OFAC, Wang Yunhe (bech32).
const BECH: &str = "bc1q05aktddf9ce4p7hh3stgsf253m4vweu7nkhtmw";
/// OFAC, SOUTHFRONT, listed as a bare CashAddr.
const CASH: &str = "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq";
/// OFAC, ISIL Khorasan (TRON).
const TRON: &str = "TA3rH2A7iHnm6pKH8gr9cK1EZnShnmZdFg";
/// Bitcoin genesis address: valid, listed nowhere.
const GENESIS: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

/// The matched texts of a scan.
fn found(text: &str) -> Vec<String> {
    bundled().scan(text).map(|m| m.text.to_owned()).collect()
}

/// The legacy base58 spelling of the listed CashAddr.
fn cash_legacy() -> String {
    let c = cashaddr::decode(CASH, "bitcoincash").unwrap();
    bs58::encode(c.hash).with_check_version(0).into_string()
}

#[path = "support/hex.rs"]
mod hex;

use hex::hex;

/// The `41…` hex spelling of the listed TRON address.
fn tron_hex() -> String {
    hex(&bs58::decode(TRON).with_check(None).into_vec().unwrap())
}

#[test]
fn boundaries_and_spellings() {
    let evm_bare = &EVM[2..];
    let evm_upper = format!("0X{}", EVM[2..].to_ascii_uppercase());
    let bech_upper = BECH.to_ascii_uppercase();
    let cash_prefixed = format!("bitcoincash:{CASH}");
    let cash_upper = format!("BITCOINCASH:{}", CASH.to_ascii_uppercase());
    let legacy = cash_legacy();
    let tron_hex = tron_hex();
    let btc_lower = BTC.to_ascii_lowercase();
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        ("empty text", String::new(), vec![]),
        ("whole text", BTC.into(), vec![BTC.into()]),
        ("start of text", format!("{BTC} paid"), vec![BTC.into()]),
        ("end of text", format!("paid {BTC}"), vec![BTC.into()]),
        (
            "punctuation",
            format!("({BTC}), \"{BECH}\"; [{TRON}]."),
            vec![BTC.into(), BECH.into(), TRON.into()],
        ),
        ("letter before", format!("x{BTC}"), vec![]),
        ("digit after", format!("{BTC}1"), vec![]),
        ("inside a longer token", format!("ab{BECH}cd"), vec![]),
        ("0x prefix", format!("to {EVM}."), vec![EVM.into()]),
        ("bare hex", format!("to {evm_bare}."), vec![evm_bare.into()]),
        (
            "upper-case hex and 0X",
            format!("to {evm_upper}"),
            vec![evm_upper.clone()],
        ),
        (
            "lower-case hex",
            format!("{} ok", EVM.to_ascii_lowercase()),
            vec![EVM.to_ascii_lowercase()],
        ),
        (
            "hex inside a 64-hex hash",
            format!("tx 0x{evm_bare}{}", &evm_bare[..24]),
            vec![],
        ),
        ("letter before 0x", format!("a{EVM}"), vec![]),
        (
            "bech32 upper case",
            format!("send {bech_upper} now"),
            vec![bech_upper.clone()],
        ),
        ("cashaddr bare", format!("bch {CASH}!"), vec![CASH.into()]),
        (
            "cashaddr prefixed",
            format!("bch {cash_prefixed}!"),
            vec![cash_prefixed.clone()],
        ),
        (
            "cashaddr upper case",
            format!("{cash_upper}?amount=1"),
            vec![cash_upper.clone()],
        ),
        (
            "bitcoin URI",
            format!("bitcoin:{BTC}?amount=0.1"),
            vec![BTC.into()],
        ),
        (
            "ethereum URI",
            format!("ethereum:{EVM}@1"),
            vec![EVM.into()],
        ),
        (
            "URL",
            format!("https://x.example/a/{BTC}?q=1"),
            vec![BTC.into()],
        ),
        (
            "adjacent, comma",
            format!("{BTC},{TRON}"),
            vec![BTC.into(), TRON.into()],
        ),
        ("adjacent, no separator", format!("{BTC}{TRON}"), vec![]),
        (
            "non-ASCII around",
            format!("«{BTC}»é{TRON}€"),
            vec![BTC.into(), TRON.into()],
        ),
        (
            "underscore is a boundary",
            format!("wallet_{BTC}_x"),
            vec![BTC.into()],
        ),
        ("base58 is case-sensitive", format!("{btc_lower} "), vec![]),
        ("unlisted address", format!("{GENESIS} "), vec![]),
        (
            "legacy of a listed CashAddr",
            format!("{legacy}."),
            vec![legacy.clone()],
        ),
        (
            "TRON hex of a listed TRON address",
            format!("{tron_hex}\n"),
            vec![tron_hex.clone()],
        ),
        (
            "0x before TRON hex is no spelling",
            format!("0x{tron_hex}"),
            vec![],
        ),
        (
            "lines",
            format!("a\n{BTC}\r\n{BECH}\n"),
            vec![BTC.into(), BECH.into()],
        ),
    ];
    for (name, text, want) in &cases {
        assert_eq!(&found(text), want, "{name}: {text:?}");
    }
}

#[test]
fn spans_and_hits() {
    let text = format!("héllo {EVM}, and bitcoincash:{CASH}.");
    let m: Vec<_> = bundled().scan(&text).collect();
    assert_eq!(m.len(), 2);
    assert_eq!(&text[m[0].span.clone()], EVM);
    assert_eq!(m[0].span.start, "héllo ".len());
    assert_eq!(
        m[0].hit
            .matches()
            .next()
            .unwrap()
            .provenance()
            .entity
            .as_deref(),
        Some("Lazarus Group")
    );
    assert_eq!(m[1].text, format!("bitcoincash:{CASH}"));
    assert_eq!(
        m[1].hit
            .matches()
            .next()
            .unwrap()
            .provenance()
            .entity
            .as_deref(),
        Some("SOUTHFRONT")
    );
    // An equivalent spelling says how it was reached.
    let legacy = cash_legacy();
    let m: Vec<_> = bundled().scan(&legacy).collect();
    assert_eq!(
        m[0].hit.matches().next().unwrap().via(),
        Via::LegacyOfCashaddr
    );
    // Serializes with its span.
    let v = serde_json::to_value(&m[0]).unwrap();
    assert_eq!(v["span"]["start"], 0);
    assert_eq!(v["text"], legacy.as_str());
    assert_eq!(v["hit"]["matches"][0]["list"], "ofac-sdn");
}

#[test]
fn empty_screener_scans_nothing() {
    let s = Screener::builder().build().unwrap();
    assert_eq!(s.scan(&format!("{BTC} {EVM}")).count(), 0);
    assert!(s.scan_memory() < 4096);
}

/// A piece of generated text.
#[derive(Debug, Clone)]
enum Piece {
    /// A listed spelling (found when delimited).
    Listed(String),
    /// Anything else: words, unlisted addresses, random alphanumerics.
    Other(String),
    /// A separator: no ASCII letter or digit.
    Sep(String),
}

/// Listed spellings, in several cases and forms.
fn listed_spellings() -> Vec<String> {
    let evm_lower = EVM.to_ascii_lowercase();
    vec![
        EVM.into(),
        evm_lower.clone(),
        evm_lower[2..].into(),
        EVM.to_ascii_uppercase().replacen("0X", "0x", 1),
        BTC.into(),
        BECH.into(),
        BECH.to_ascii_uppercase(),
        CASH.into(),
        format!("bitcoincash:{CASH}"),
        format!("BITCOINCASH:{}", CASH.to_ascii_uppercase()),
        TRON.into(),
        tron_hex(),
        cash_legacy(),
        "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D".into(),
        "bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge".into(),
        "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb".into(),
    ]
}

fn piece() -> impl Strategy<Value = Piece> {
    let listed = proptest::sample::select(listed_spellings()).prop_map(Piece::Listed);
    let other = prop_oneof![
        "[a-z]{1,12}",
        "[A-Za-z0-9]{20,50}",
        Just(GENESIS.to_owned()),
        Just("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".to_owned()),
        Just(BTC.to_ascii_lowercase()),
    ]
    .prop_map(Piece::Other);
    let sep = prop_oneof![
        Just(" "),
        Just(", "),
        Just("."),
        Just("\n"),
        Just("("),
        Just(")"),
        Just("_"),
        Just("/"),
        Just("?"),
        Just("="),
        Just(":"),
        Just("é"),
        Just("«"),
        Just("\t"),
    ]
    .prop_map(|s| Piece::Sep(s.to_owned()));
    prop_oneof![2 => listed, 3 => other, 4 => sep]
}

proptest! {
    #![proptest_config(Config { cases: 300, ..Config::default() })]

    #[test]
    fn every_match_is_a_check_hit_and_delimited_listed_addresses_are_found(
        pieces in proptest::collection::vec(piece(), 0..40)
    ) {
        let s = bundled();
        let mut text = String::new();
        let mut spans = Vec::new(); // (span, delimited)
        for (i, p) in pieces.iter().enumerate() {
            let start = text.len();
            match p {
                Piece::Listed(a) => {
                    text.push_str(a);
                    let delimited = |q: Option<&Piece>| matches!(q, None | Some(Piece::Sep(_)));
                    let left = delimited(i.checked_sub(1).and_then(|j| pieces.get(j)));
                    // A bare CashAddr after `…:` may take a preceding word
                    // as its prefix: only asserted after other separators.
                    let after_colon = matches!(i.checked_sub(1).and_then(|j| pieces.get(j)), Some(Piece::Sep(c)) if c == ":");
                    let right = delimited(pieces.get(i + 1));
                    spans.push((start..text.len(), left && right && !after_colon));
                }
                Piece::Other(t) | Piece::Sep(t) => text.push_str(t),
            }
        }
        let matches: Vec<_> = s.scan(&text).collect();
        for m in &matches {
            prop_assert_eq!(&text[m.span.clone()], m.text);
            let v = s.check(m.text);
            prop_assert!(v.is_hit(), "{:?} in {:?}", m.text, text);
            prop_assert_eq!(v.hit().unwrap().matches(), m.hit.matches());
            for w in [m.span.start.checked_sub(1), Some(m.span.end)].into_iter().flatten() {
                if let Some(&b) = text.as_bytes().get(w) {
                    prop_assert!(!b.is_ascii_alphanumeric(), "{:?} in {:?}", m.text, text);
                }
            }
        }
        for (span, delimited) in spans {
            let hit = matches.iter().any(|m| m.span == span);
            if delimited {
                prop_assert!(hit, "{:?} not found in {:?}", &text[span.clone()], text);
            }
        }
    }
}
