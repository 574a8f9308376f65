//! Issue 13, part 2: every spelling a wallet or exchange accepts for a
//! listed account finds the listed entry.
//!
//! One section per spelling (XRP X-addresses, Zcash TEX, Ethereum ICAP,
//! BitPay legacy Bitcoin Cash, Litecoin `M…`/`3…`): named, table-driven cases of the listed
//! address found through the new spelling and, where the aliases are
//! indexed both ways, of a listed new spelling found through the old one;
//! near-misses that must not be hits; and a property test over random
//! accounts. The encoders here are written independently of the crate's
//! (with the `bs58` and `bech32` crates directly), so that a bug shared by
//! the crate's encoder and decoder cannot hide. Official vectors are in
//! `tests/vectors.rs`.

use std::sync::OnceLock;

use proptest::prelude::*;
use walletscreen::address::{self, AddressKind, Network};
use walletscreen::{
    Category, CheckOptions, Entry, Family, Hit, List, ListMeta, ParseError, Screener,
    ScreenerBuilder, Verdict, Via,
};

// ---------------------------------------------------------------------------
// Listed addresses (copied from the bundled list files) and helpers.
// ---------------------------------------------------------------------------

/// ofac_sdn.csv, XRP classic.
const OFAC_XRP: &str = "rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66";
/// ofac_sdn.csv, Zcash transparent P2PKH.
const OFAC_ZEC: &str = "t1LHesgnkapziGQCJtrfZWYXhyjfTVo1dvh";
/// fbi_dprk.csv line 9, EIP-55 as listed.
const FBI_EVM: &str = "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D";
/// ofac_sdn.csv line 9 (Hydra Market), legacy P2PKH.
const OFAC_P2PKH: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
/// fbi_dprk.csv line 64, legacy P2SH.
const FBI_P2SH: &str = "3MSbCJCYtx5sj1nkzD4AMEhhvvviXBc8XJ";
/// ofac_sdn.csv line 540 (SOUTHFRONT), CashAddr listed without prefix.
const OFAC_CASHADDR: &str = "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq";

const VERIFY: CheckOptions = CheckOptions::new().verify_checksum(true);

fn bundled() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| Screener::bundled().expect("bundled lists compile"))
}

fn custom(id: &str, addrs: &[&str]) -> Screener {
    let entries = addrs.iter().enumerate().map(|(i, a)| Entry::new(*a, i + 1));
    let list = List::from_entries(ListMeta::new(id, Category::Custom), entries);
    ScreenerBuilder::new().list(list).build().unwrap()
}

/// Asserts that `query` hits `listed` on `list` via `via`, in both check
/// modes, and returns the hit.
#[track_caller]
fn assert_hits(s: &Screener, query: &str, listed: &str, list: &str, via: Via) -> Hit {
    let v = s.check(query);
    let Verdict::Hit(h) = &v else {
        panic!("expected a hit for {query:?}, got {v:?}");
    };
    let found = h.matches();
    assert!(
        found
            .clone()
            .any(|m| m.address() == listed && m.list() == list && m.via() == via),
        "{query:?} should match {listed:?} on {list} via {via:?}, got {:?}",
        found
            .clone()
            .map(|m| (m.address().to_string(), m.list(), m.via()))
            .collect::<Vec<_>>()
    );
    let verified = s.check_with(query, VERIFY);
    assert_eq!(
        verified.hit().map(Hit::matches),
        Some(found),
        "{query:?}: verified"
    );
    h.clone()
}

/// Asserts that `query` is no hit, and is `Invalid` (`invalid`) or `Clear`.
#[track_caller]
fn assert_miss(s: &Screener, query: &str, invalid: bool) {
    let v = s.check(query);
    assert!(!v.is_hit(), "{query:?} must not be a hit, got {v:?}");
    assert_eq!(
        matches!(v, Verdict::Invalid { .. }),
        invalid,
        "{query:?}: {v:?}"
    );
    assert!(!s.check_with(query, VERIFY).is_hit(), "{query:?}: verified");
}

#[path = "support/hex.rs"]
mod hex;

use hex::{hex, unhex};

// ---------------------------------------------------------------------------
// Independent encoders.
// ---------------------------------------------------------------------------

fn ripple(data: &[u8]) -> String {
    bs58::encode(data)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check()
        .into_string()
}

fn xrp_account(classic: &str) -> [u8; 20] {
    let d = bs58::decode(classic)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check(Some(0))
        .into_vec()
        .unwrap();
    d[1..].try_into().unwrap()
}

fn xrp_classic(account: &[u8; 20]) -> String {
    let mut d = vec![0u8];
    d.extend_from_slice(account);
    ripple(&d)
}

/// The X-address bytes with explicit flags and tag field (XLS-5d layout).
fn x_raw(account: &[u8; 20], test: bool, flags: u8, tag: u64) -> String {
    let mut d = if test {
        vec![0x04, 0x93]
    } else {
        vec![0x05, 0x44]
    };
    d.extend_from_slice(account);
    d.push(flags);
    d.extend_from_slice(&tag.to_le_bytes());
    ripple(&d)
}

fn x_address(account: &[u8; 20], tag: Option<u32>, test: bool) -> String {
    x_raw(
        account,
        test,
        u8::from(tag.is_some()),
        u64::from(tag.unwrap_or(0)),
    )
}

fn base58check(version: &[u8], hash: &[u8]) -> String {
    let mut d = version.to_vec();
    d.extend_from_slice(hash);
    bs58::encode(d).with_check().into_string()
}

fn b58_payload(a: &str) -> Vec<u8> {
    bs58::decode(a).with_check(None).into_vec().unwrap()
}

fn tex(hash: &[u8]) -> String {
    bech32::encode::<bech32::Bech32m>(bech32::Hrp::parse("tex").unwrap(), hash).unwrap()
}

/// ISO 13616 remainder of an IBAN-style string (letters are 10..35).
fn iban_mod97(s: &str) -> u32 {
    let digits: String = s
        .chars()
        .map(|c| c.to_digit(36).unwrap().to_string())
        .collect();
    digits
        .bytes()
        .fold(0, |r, d| (r * 10 + u32::from(d - b'0')) % 97)
}

/// The direct ICAP of `bytes` (body zero-padded to 30 digits, as ethers
/// writes it).
fn icap(bytes: &[u8; 20]) -> String {
    // Base 36 by long division over the big-endian bytes.
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
    let check = 98 - iban_mod97(&format!("{body}XE00"));
    format!("XE{check:02}{body}")
}

fn evm_bytes(a: &str) -> [u8; 20] {
    unhex(&a[2..].to_ascii_lowercase()).try_into().unwrap()
}

// ---------------------------------------------------------------------------
// XRP X-addresses (XLS-5d).
// ---------------------------------------------------------------------------

/// A listed classic account is a hit through its X-address whatever the
/// tag, on either network, however it is wrapped; the hit reports the tag.
#[test]
fn x_address_of_listed_classic_is_a_hit_with_its_tag() {
    let account = xrp_account(OFAC_XRP);
    let cases: &[(&str, Option<u32>, bool)] = &[
        ("no tag, mainnet", None, false),
        ("tag 0", Some(0), false),
        ("tag 1", Some(1), false),
        ("tag 12345", Some(12_345), false),
        ("largest tag", Some(u32::MAX), false),
        ("no tag, testnet", None, true),
        ("tag 58, testnet", Some(58), true),
    ];
    for &(name, tag, test) in cases {
        let x = x_address(&account, tag, test);
        assert_eq!(x.len(), 47, "{name}");
        assert_eq!(x.starts_with('T'), test, "{name}: {x}");
        for q in [
            x.clone(),
            format!(" {x}\u{200b}\n"),
            format!("xrpl:{x}"),
            format!("ripple:{x}?amount=1"),
        ] {
            let h = assert_hits(bundled(), &q, OFAC_XRP, "ofac-sdn", Via::XAddressOfClassic);
            assert_eq!(h.family, Family::XAddress, "{name}");
            assert_eq!(h.destination_tag, tag, "{name}: {q}");
            let again = bundled().check_with(&q, VERIFY);
            assert_eq!(again.hit().unwrap().destination_tag, tag, "{name}");
        }
        let a = address::parse(&x).unwrap();
        assert_eq!(a.kind, AddressKind::XrpXAddress { tag, test }, "{name}");
        assert_eq!(a.payload, account, "{name}");
        let net = if test {
            Network::Testnet
        } else {
            Network::Mainnet
        };
        assert_eq!(a.network(), net, "{name}");
    }
    // The classic address itself is still `Listed`, with no tag.
    let h = assert_hits(bundled(), OFAC_XRP, OFAC_XRP, "ofac-sdn", Via::Listed);
    assert_eq!(h.destination_tag, None);
}

/// The hit's serialized form carries the tag (and only X-address hits
/// carry the field).
#[test]
fn x_address_tag_is_serialized() {
    let x = x_address(&xrp_account(OFAC_XRP), Some(4_242), false);
    let v = serde_json::to_value(bundled().check(&x)).unwrap();
    assert_eq!(v["destination_tag"], 4_242, "{v}");
    assert_eq!(v["family"], "xrp_x_address");
    assert_eq!(v["matches"][0]["via"], "x_address_of_classic");
    let classic = serde_json::to_value(bundled().check(OFAC_XRP)).unwrap();
    assert!(classic.get("destination_tag").is_none(), "{classic}");
}

/// A listed X-address (lists may publish the spelling they were given)
/// lists its account: the classic address and every other tag hit it.
#[test]
fn listed_x_address_is_found_from_classic_and_other_tags() {
    let account = xrp_account(OFAC_XRP);
    let listed = x_address(&account, Some(7), false);
    let s = custom("x", &[&listed]);
    assert_hits(&s, OFAC_XRP, &listed, "x", Via::Listed);
    for (name, q) in [
        ("itself", listed.clone()),
        ("no tag", x_address(&account, None, false)),
        ("other tag", x_address(&account, Some(8), false)),
        ("testnet", x_address(&account, Some(7), true)),
    ] {
        let h = assert_hits(&s, &q, &listed, "x", Via::XAddressOfClassic);
        assert_eq!(h.family, Family::XAddress, "{name}");
    }
    // The entry is valid (not flagged) and keeps its spelling.
    assert_eq!(s.flagged().count(), 0);
    assert_eq!(s.entries().next().unwrap().1.address, listed);
}

/// Near-misses: a broken checksum, a tag field XLS-5d does not allow, an
/// unknown prefix, another account.
#[test]
fn x_address_near_misses_are_not_hits() {
    let account = xrp_account(OFAC_XRP);
    let good = x_address(&account, Some(1), false);
    let mut other = account;
    other[19] ^= 1;
    let swapped_last = {
        let mut b = good.clone().into_bytes();
        let last = b.len() - 1;
        b[last] = if b[last] == b'a' { b'b' } else { b'a' };
        String::from_utf8(b).unwrap()
    };
    let bad_prefix = {
        let mut d = vec![0x05, 0x45];
        d.extend_from_slice(&account);
        d.extend_from_slice(&[0; 9]);
        ripple(&d)
    };
    let cases: &[(&str, String, bool)] = &[
        ("last character changed", swapped_last, true),
        ("flags 0 with tag bytes", x_raw(&account, false, 0, 5), true),
        (
            "flags 1 with high tag bytes",
            x_raw(&account, false, 1, 1 << 32),
            true,
        ),
        ("flags 2 (64-bit tag)", x_raw(&account, false, 2, 0), true),
        ("unknown prefix", bad_prefix, true),
        ("another account", x_address(&other, Some(1), false), false),
        ("truncated", good[..46].to_owned(), true),
    ];
    for (name, q, invalid) in cases {
        assert_ne!(q, &good, "{name}");
        let v = bundled().check(q);
        assert!(!v.is_hit(), "{name}: {q} hit");
        assert_eq!(
            matches!(v, Verdict::Invalid { .. }),
            *invalid,
            "{name}: {v:?}"
        );
        assert_miss(bundled(), q, *invalid);
    }
    // Typed reasons.
    assert!(matches!(
        address::parse(&x_raw(&account, false, 2, 0)),
        Err(ParseError::XAddressTag { flags: 2 })
    ));
    assert!(matches!(
        bundled().check(&x_raw(&account, false, 0, 5)),
        Verdict::Invalid {
            reason: ParseError::XAddressTag { flags: 0 }
        }
    ));
}

// ---------------------------------------------------------------------------
// Zcash TEX (ZIP-320).
// ---------------------------------------------------------------------------

/// A listed `t1…` is found through its TEX spelling (any case, wrapped),
/// and a listed TEX through its `t1…` spelling.
#[test]
fn tex_and_transparent_find_each_other() {
    let hash = &b58_payload(OFAC_ZEC)[2..];
    let t = tex(hash);
    assert!(t.starts_with("tex1"), "{t}");
    for (name, q) in [
        ("lower", t.clone()),
        ("upper", t.to_ascii_uppercase()),
        ("uri", format!("zcash:{t}?amount=1")),
        ("zero-width", format!("\u{200b}{t}")),
    ] {
        let h = assert_hits(bundled(), &q, OFAC_ZEC, "ofac-sdn", Via::TexOfTransparent);
        assert_eq!(h.family, Family::Bech32, "{name}");
    }
    // The other direction, on a custom list holding the TEX spelling.
    for listed in [t.clone(), t.to_ascii_uppercase()] {
        let s = custom("tex", &[&listed]);
        assert_hits(&s, OFAC_ZEC, &listed, "tex", Via::TransparentOfTex);
        assert_hits(&s, &t, &listed, "tex", Via::Listed);
    }
}

/// Near-misses: a bech32 (not bech32m) checksum, a changed character,
/// another hash, a payload of another length.
#[test]
fn tex_near_misses_are_not_hits() {
    let hash = b58_payload(OFAC_ZEC)[2..].to_vec();
    let hrp = bech32::Hrp::parse("tex").unwrap();
    let bech32_not_m = bech32::encode::<bech32::Bech32>(hrp, &hash).unwrap();
    let mut other = hash.clone();
    other[0] ^= 1;
    let changed = {
        let t = tex(&hash);
        let i = 10;
        let c = if &t[i..=i] == "q" { "p" } else { "q" };
        format!("{}{c}{}", &t[..i], &t[i + 1..])
    };
    let long = bech32::encode::<bech32::Bech32m>(hrp, &[7u8; 32]).unwrap();
    let cases: &[(&str, String)] = &[
        ("bech32 checksum", bech32_not_m.clone()),
        ("changed character", changed),
        ("another hash", tex(&other)),
        ("32-byte payload", long),
    ];
    for (name, q) in cases {
        // Bech32-shaped: `Clear` on the fast path (shape only), like any
        // mistyped bech32 address; `Invalid` when checksums are verified,
        // but for another hash, which is a valid TEX.
        assert_miss(bundled(), q, false);
        let verified = bundled().check_with(q, VERIFY);
        assert_eq!(
            matches!(verified, Verdict::Invalid { .. }),
            *name != "another hash",
            "{name}: {verified:?}"
        );
    }
    assert!(matches!(
        address::parse(&bech32_not_m),
        Err(ParseError::Bech32(_))
    ));
}

// ---------------------------------------------------------------------------
// Ethereum ICAP (direct).
// ---------------------------------------------------------------------------

#[test]
fn icap_of_listed_evm_is_a_hit_and_listed_icap_is_found_from_evm() {
    let bytes = evm_bytes(FBI_EVM);
    let i = icap(&bytes);
    assert!(matches!(i.len(), 34 | 35), "{i}");
    let lower_body = format!("{}{}", &i[..4], i[4..].to_ascii_lowercase());
    for (name, q) in [
        ("upper", i.clone()),
        ("lower-case body", lower_body),
        ("iban uri", format!("iban:{i}")),
        ("spaces", format!(" {i} ")),
    ] {
        let h = assert_hits(bundled(), &q, FBI_EVM, "fbi-dprk", Via::IcapOfEvm);
        assert_eq!(h.family, Family::Icap, "{name}");
    }
    let s = custom("icap", &[&i]);
    for q in [FBI_EVM.to_owned(), FBI_EVM.to_ascii_lowercase()] {
        assert_hits(&s, &q, &i, "icap", Via::Listed);
    }
    assert_hits(&s, &i, &i, "icap", Via::IcapOfEvm);
}

#[test]
fn icap_near_misses_are_not_hits() {
    let bytes = evm_bytes(FBI_EVM);
    let i = icap(&bytes);
    let wrong_check = {
        let d: u32 = i[2..4].parse().unwrap();
        format!("XE{:02}{}", (d + 1) % 100, &i[4..])
    };
    let mut other = bytes;
    other[5] ^= 0x10;
    let over = {
        let body = "Z".repeat(31);
        let check = 98 - iban_mod97(&format!("{body}XE00"));
        format!("XE{check:02}{body}")
    };
    let cases: &[(&str, String, bool)] = &[
        ("wrong check digits", wrong_check, true),
        ("another account", icap(&other), false),
        ("indirect form", "XE81ETHXREGGAVOFYORK".to_owned(), true),
        // Only base58 characters: a base58-shaped string, `Clear` on the
        // fast path like any other.
        ("more than 160 bits", over, false),
        ("lower-case XE", format!("xe{}", &i[2..]), true),
        ("no check digits", format!("XE{}", &i[4..]), true),
    ];
    for (name, q, invalid) in cases {
        let v = bundled().check(q);
        assert!(!v.is_hit(), "{name}: {q}");
        assert_eq!(
            matches!(v, Verdict::Invalid { .. }),
            *invalid,
            "{name}: {v:?}"
        );
    }
}

/// An ICAP-shaped string that is also a valid base58check string (`XE`,
/// two digits, base58 characters that pass the mod-97 test, and a correct
/// base58check checksum) stays base58: it is not taken for an EVM address.
#[test]
fn base58check_string_shaped_like_icap_stays_base58() {
    // The 25-byte number whose base58 spelling is `XE12` then `g`s: its
    // first 21 bytes, with the low ones varied, and their checksum keep
    // that prefix; some variation passes the mod-97 test.
    let base = bs58::decode(format!("XE12{}", "g".repeat(30)))
        .into_vec()
        .unwrap();
    assert_eq!(base.len(), 25);
    let a = (0u32..100_000)
        .map(|lo| {
            let mut d = base[..21].to_vec();
            d[17..].copy_from_slice(&lo.to_be_bytes());
            bs58::encode(d).with_check().into_string()
        })
        .find(|a| {
            a.len() == 34
                && a.starts_with("XE12")
                && iban_mod97(&format!("{}{}", &a[4..], &a[..4])) == 1
        })
        .expect("a base58check string that passes the ICAP tests");
    assert!(
        matches!(
            bundled().check(&a),
            Verdict::Clear {
                family: Family::Base58,
                ..
            }
        ),
        "{a}: {:?}",
        bundled().check(&a)
    );
    let s = custom("b58", &[&a]);
    let h = assert_hits(&s, &a, &a, "b58", Via::Listed);
    assert_eq!(h.family, Family::Base58);
    // Not the EVM address its ICAP reading would give.
    let evm = format!(
        "0x{}",
        address::parse(&a.replace("XE12", "XE13"))
            .map(|x| hex(&x.payload))
            .unwrap_or_default()
    );
    assert!(!s.check(&evm).is_hit());
}

// ---------------------------------------------------------------------------
// BitPay legacy Bitcoin Cash (`C…`, `H…`).
// ---------------------------------------------------------------------------

#[test]
fn bitpay_spellings_find_listed_legacy_and_cashaddr() {
    let p2pkh = &b58_payload(OFAC_P2PKH)[1..];
    let p2sh = &b58_payload(FBI_P2SH)[1..];
    let cash = address::cashaddr::decode(OFAC_CASHADDR, "bitcoincash").unwrap();
    let cash_version = if cash.kind == 1 { 0x28 } else { 0x1c };
    let cases: &[(&str, String, &str, &str, Via)] = &[
        (
            "C… of a listed 1…",
            base58check(&[0x1c], p2pkh),
            OFAC_P2PKH,
            "ofac-sdn",
            Via::BitpayOfLegacy,
        ),
        (
            "H… of a listed 3…",
            base58check(&[0x28], p2sh),
            FBI_P2SH,
            "fbi-dprk",
            Via::BitpayOfLegacy,
        ),
        (
            "BitPay of a listed CashAddr",
            base58check(&[cash_version], &cash.hash),
            OFAC_CASHADDR,
            "ofac-sdn",
            Via::BitpayOfCashaddr,
        ),
    ];
    for (name, q, listed, list, via) in cases {
        assert!(q.starts_with('C') || q.starts_with('H'), "{name}: {q}");
        let h = assert_hits(bundled(), q, listed, list, *via);
        assert_eq!(h.family, Family::Base58, "{name}");
        let a = address::parse(q).unwrap();
        assert_eq!(a.chains, ["bitcoin-cash"], "{name}");
    }
}

#[test]
fn listed_bitpay_is_found_from_legacy_and_cashaddr() {
    let hash = &b58_payload(OFAC_P2PKH)[1..];
    for (p2sh, version, legacy_version) in [(false, 0x1c, 0x00), (true, 0x28, 0x05)] {
        let listed = base58check(&[version], hash);
        let s = custom("bitpay", &[&listed]);
        let legacy = base58check(&[legacy_version], hash);
        let cash = address::cashaddr::encode("bitcoincash", u8::from(p2sh), hash).unwrap();
        assert_hits(&s, &legacy, &listed, "bitpay", Via::LegacyOfBitpay);
        for q in [
            cash.clone(),
            cash["bitcoincash:".len()..].to_ascii_uppercase(),
        ] {
            assert_hits(&s, &q, &listed, "bitpay", Via::CashaddrOfBitpay);
        }
        assert_hits(&s, &listed, &listed, "bitpay", Via::Listed);
    }
}

#[test]
fn bitpay_near_misses_are_not_hits() {
    let hash = b58_payload(OFAC_P2PKH)[1..].to_vec();
    let good = base58check(&[0x1c], &hash);
    let mut other = hash.clone();
    other[3] ^= 1;
    let changed = {
        let mut b = good.clone().into_bytes();
        b[10] = if b[10] == b'z' { b'y' } else { b'z' };
        String::from_utf8(b).unwrap()
    };
    // Base58-shaped: `Clear` on the fast path; under verification a
    // changed character is `Invalid` and another hash is a valid `Clear`.
    for (name, q, verified_invalid) in [
        ("changed character", changed, true),
        ("another hash", base58check(&[0x1c], &other), false),
        (
            "P2SH version on a P2PKH hash",
            base58check(&[0x28], &hash),
            false,
        ),
    ] {
        assert_miss(bundled(), &q, false);
        assert_eq!(
            matches!(bundled().check_with(&q, VERIFY), Verdict::Invalid { .. }),
            verified_invalid,
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------
// Litecoin P2SH: `M…` (0x32) and the older `3…` (0x05) of one script hash.
// ---------------------------------------------------------------------------

/// ofac_sdn.csv, Litecoin P2SH (`M…`).
const OFAC_LTC_M: &str = "M8yFL6SFC6TreATegTyuSYkDfDRbisdpT3";

#[test]
fn litecoin_p2sh_spellings_find_each_other() {
    let m_hash = b58_payload(OFAC_LTC_M)[1..].to_vec();
    let three = base58check(&[0x05], &m_hash);
    assert!(three.starts_with('3'));
    let h = assert_hits(
        bundled(),
        &three,
        OFAC_LTC_M,
        "ofac-sdn",
        Via::LegacyOfLitecoin,
    );
    assert_eq!(h.family, Family::Base58);
    assert_hits(
        bundled(),
        &format!("litecoin:{three}?amount=1"),
        OFAC_LTC_M,
        "ofac-sdn",
        Via::LegacyOfLitecoin,
    );
    let m = base58check(&[0x32], &b58_payload(FBI_P2SH)[1..]);
    assert!(m.starts_with('M'));
    assert_hits(bundled(), &m, FBI_P2SH, "fbi-dprk", Via::LitecoinOfLegacy);
    // Near-misses: a changed character, another hash, the P2PKH `L…`
    // version on the same hash (another script kind).
    let mut other = m_hash.clone();
    other[0] ^= 1;
    let changed = {
        let mut b = three.clone().into_bytes();
        b[5] = if b[5] == b'z' { b'y' } else { b'z' };
        String::from_utf8(b).unwrap()
    };
    for q in [
        changed,
        base58check(&[0x05], &other),
        base58check(&[0x30], &m_hash),
    ] {
        assert_miss(bundled(), &q, false);
    }
}

// ---------------------------------------------------------------------------
// Properties over random accounts.
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For a random account listed in its usual spelling, every other
    /// spelling hits it with the right `via`, and the same spelling of a
    /// neighbouring account does not.
    #[test]
    fn every_spelling_of_a_random_listed_account_hits(
        h in proptest::array::uniform20(any::<u8>()),
        tag in proptest::option::of(any::<u32>()),
        test in any::<bool>(),
    ) {
        let mut n = h;
        n[0] ^= 0x80;
        let classic = xrp_classic(&h);
        let t1 = base58check(&[0x1c, 0xb8], &h);
        let evm = format!("0x{}", hex(&h));
        let legacy = base58check(&[0x00], &h);
        let p2sh = base58check(&[0x05], &h);
        let s = custom("p", &[&classic, &t1, &evm, &legacy, &p2sh]);
        let cases = [
            (x_address(&h, tag, test), x_address(&n, tag, test), classic.clone(), Via::XAddressOfClassic),
            (tex(&h), tex(&n), t1.clone(), Via::TexOfTransparent),
            (icap(&h), icap(&n), evm.clone(), Via::IcapOfEvm),
            (base58check(&[0x1c], &h), base58check(&[0x1c], &n), legacy.clone(), Via::BitpayOfLegacy),
            (base58check(&[0x32], &h), base58check(&[0x32], &n), p2sh.clone(), Via::LitecoinOfLegacy),
        ];
        for (q, near, listed, via) in cases {
            let v = s.check(&q);
            let hit = v.hit();
            prop_assert!(hit.is_some(), "{} should hit {}", q, listed);
            let m = hit.unwrap().matches();
            prop_assert!(m.clone().any(|m| m.address() == listed && m.via() == via), "{} {:?}", q, m);
            if via == Via::XAddressOfClassic {
                prop_assert_eq!(hit.unwrap().destination_tag, tag);
            }
            prop_assert!(!s.check(&near).is_hit(), "{} hit", near);
        }
        // The reverse directions that are indexed.
        let s = custom("r", &[&tex(&h), &base58check(&[0x1c], &h), &base58check(&[0x32], &h)]);
        let hit = s.check(&t1);
        prop_assert!(hit.hit().is_some_and(|h| h.matches().next().unwrap().via() == Via::TransparentOfTex));
        let hit = s.check(&legacy);
        prop_assert!(hit.hit().is_some_and(|h| h.matches().next().unwrap().via() == Via::LegacyOfBitpay));
        let hit = s.check(&p2sh);
        prop_assert!(hit.hit().is_some_and(|h| h.matches().next().unwrap().via() == Via::LegacyOfLitecoin));
    }
}

// ---------------------------------------------------------------------------
// Free-text scan finds the new spellings.
// ---------------------------------------------------------------------------

/// `Screener::scan` finds each new spelling of a listed account in text,
/// with its span: the indexed ones (TEX, BitPay, Litecoin `3…`) through
/// the automatons, the mapped ones (X-address, ICAP) by their shape.
#[test]
fn scan_finds_new_spellings_in_text() {
    let x = x_address(&xrp_account(OFAC_XRP), Some(99), false);
    let i = icap(&evm_bytes(FBI_EVM));
    let t = tex(&b58_payload(OFAC_ZEC)[2..]);
    let c = base58check(&[0x1c], &b58_payload(OFAC_P2PKH)[1..]);
    let three = base58check(&[0x05], &b58_payload(OFAC_LTC_M)[1..]);
    let near = x_address(&[9; 20], Some(99), false);
    for (name, spelling, listed) in [
        ("x-address", &x, OFAC_XRP),
        ("icap", &i, FBI_EVM),
        ("tex", &t, OFAC_ZEC),
        ("bitpay", &c, OFAC_P2PKH),
        ("litecoin 3…", &three, OFAC_LTC_M),
    ] {
        let text = format!("refund to {spelling}, thanks; not {near}.");
        let found: Vec<_> = bundled().scan(&text).collect();
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        let start = text.find(spelling.as_str()).unwrap();
        assert_eq!(found[0].span, start..start + spelling.len(), "{name}");
        assert!(
            found[0].hit.matches().any(|m| m.address() == listed),
            "{name}"
        );
    }
    // An EVM-only screener (shortest pattern 40 hex digits) still finds an
    // ICAP of 34 characters.
    let s = custom("evm", &[FBI_EVM]);
    let text = format!("pay {i} now");
    assert_eq!(s.scan(&text).count(), 1);
}

// ---------------------------------------------------------------------------
// Testnet policy: valid, `Clear`, the network said; never a mainnet hit.
// ---------------------------------------------------------------------------

/// fbi_dprk.csv line 66, segwit v0.
const FBI_BECH32: &str = "bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge";

#[test]
fn testnet_addresses_are_clear_with_their_network_and_never_mainnet_hits() {
    use bech32::{Fe32, Hrp, segwit};
    let program = segwit::decode(FBI_BECH32).unwrap().2;
    let p2pkh = b58_payload(OFAC_P2PKH)[1..].to_vec();
    let cash = address::cashaddr::decode(OFAC_CASHADDR, "bitcoincash").unwrap();
    let v0 = |hrp: &str| segwit::encode(Hrp::parse(hrp).unwrap(), Fe32::Q, &program).unwrap();
    let cases: &[(&str, String, Network)] = &[
        ("bitcoin testnet segwit", v0("tb"), Network::Testnet),
        ("bitcoin regtest segwit", v0("bcrt"), Network::Regtest),
        ("litecoin testnet segwit", v0("tltc"), Network::Testnet),
        (
            "bitcoin testnet p2pkh",
            base58check(&[0x6f], &p2pkh),
            Network::Testnet,
        ),
        (
            "bitcoin testnet p2sh",
            base58check(&[0xc4], &p2pkh),
            Network::Testnet,
        ),
        (
            "cashaddr bchtest",
            address::cashaddr::encode("bchtest", cash.kind, &cash.hash).unwrap(),
            Network::Testnet,
        ),
        (
            "cashaddr bchreg",
            address::cashaddr::encode("bchreg", cash.kind, &cash.hash).unwrap(),
            Network::Regtest,
        ),
        (
            "bnb testnet",
            bech32::encode::<bech32::Bech32>(Hrp::parse("tbnb").unwrap(), &p2pkh).unwrap(),
            Network::Testnet,
        ),
        ("mainnet segwit", FBI_BECH32.to_owned(), Network::Mainnet),
    ];
    for (name, q, network) in cases {
        let a = address::parse(q).unwrap_or_else(|e| panic!("{name}: {q}: {e}"));
        assert_eq!(a.network(), *network, "{name}");
        if *network == Network::Mainnet {
            assert!(bundled().check(q).is_hit(), "{name}");
            continue;
        }
        // Same hash as a listed mainnet address, another network: no hit.
        match bundled().check(q) {
            Verdict::Clear { network, .. } => assert_eq!(network, None, "{name}"),
            other => panic!("{name}: {q}: {other:?}"),
        }
        match bundled().check_with(q, VERIFY) {
            Verdict::Clear {
                network: Some(n), ..
            } => assert_eq!(n, *network, "{name}"),
            other => panic!("{name}: {q}: {other:?}"),
        }
    }
    // The one network-agnostic exception: an XRP test-network X-address of
    // a listed classic account is a hit (the classic address is the same
    // on every network), and parses as a testnet address.
    let t = x_address(&xrp_account(OFAC_XRP), None, true);
    assert!(bundled().check(&t).is_hit());
    assert_eq!(address::parse(&t).unwrap().network(), Network::Testnet);
}
