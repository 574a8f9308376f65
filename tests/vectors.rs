//! Official address-format test vectors (Bitcoin Core `key_io`, BIP-173,
//! BIP-350, BIP-341, ERC-55, CashAddr spec) run through
//! `walletscreen::address`. The fixtures are byte-for-byte copies, see
//! `tests/fixtures/vectors/README.txt`.

use serde_json::Value;
use walletscreen::address::{self, AddressKind, Checksum, Family, cashaddr, parse};
use walletscreen::error::ParseError;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vectors/");

fn load(name: &str) -> Value {
    let path = format!("{VECTORS}{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn arr<'a>(v: &'a Value, what: &str) -> &'a [Value] {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} is not an array"))
        .as_slice()
}

fn s<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

#[path = "support/hex.rs"]
mod hex;

use hex::{hex, unhex};

/// Swaps the case of every ASCII letter (Bitcoin Core's `tryCaseFlip`).
fn flip_case(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn script_hex(a: &address::Address) -> Option<String> {
    a.script_pubkey().map(|s| hex(&s))
}

// ---------------------------------------------------------------------------
// Bitcoin Core key_io
// ---------------------------------------------------------------------------

/// The chain name `parse` must report for a key_io `chain`, given the
/// family (regtest base58 shares testnet's version bytes, but has its own
/// bech32 hrp `bcrt`).
fn expected_chain(chain: &str, family: Family) -> &'static str {
    match (chain, family) {
        ("main", _) => "bitcoin",
        ("testnet4" | "signet", _) | ("regtest", Family::Base58) => "bitcoin-testnet",
        ("regtest", Family::Bech32) => "bitcoin-regtest",
        other => panic!("unexpected key_io chain/family {other:?}"),
    }
}

#[test]
fn key_io_valid_addresses_decode_to_their_script_pubkey() {
    let v = load("key_io_valid.json");
    let (mut checked, mut flipped) = (0, 0);
    for (i, e) in arr(&v, "key_io_valid").iter().enumerate() {
        let (text, want, meta) = (s(&e[0], "address"), s(&e[1], "hex"), &e[2]);
        if meta["isPrivkey"].as_bool() != Some(false) {
            continue;
        }
        let chain = s(&meta["chain"], "chain");
        let mut spellings = vec![text.to_owned()];
        if meta["tryCaseFlip"].as_bool() == Some(true) {
            let f = flip_case(text);
            assert_ne!(f, text, "#{i}: case flip changed nothing");
            spellings.push(f);
            flipped += 1;
        }
        for sp in &spellings {
            let a = parse(sp).unwrap_or_else(|err| panic!("#{i} {sp}: {err}"));
            assert_eq!(script_hex(&a).as_deref(), Some(want), "#{i} {sp}");
            let chain_name = expected_chain(chain, a.family);
            assert!(
                a.chains.contains(&chain_name),
                "#{i} {sp}: chains {:?}, expected {chain_name}",
                a.chains
            );
        }
        checked += 1;
    }
    // 70 entries: 54 addresses (32 of them with tryCaseFlip) and 16 WIF keys.
    assert_eq!((checked, flipped), (54, 32));
}

/// WIF private keys are base58check too, with version 0x80 (mainnet) or
/// 0xef (test networks) and a 32-byte key (+ 0x01 when compressed): 51 or 52
/// characters. They are not addresses, so `parse` must reject them; it does
/// on shape alone (longer than any base58check address, 25..=44 characters),
/// which also keeps a pasted private key from ever being keyed as one.
#[test]
fn key_io_private_keys_are_not_addresses() {
    let v = load("key_io_valid.json");
    let mut checked = 0;
    for (i, e) in arr(&v, "key_io_valid").iter().enumerate() {
        let (text, want, meta) = (s(&e[0], "key"), s(&e[1], "hex"), &e[2]);
        if meta["isPrivkey"].as_bool() != Some(true) {
            continue;
        }
        // The fixture is what it says: version || key [|| 0x01].
        let compressed = meta["isCompressed"].as_bool() == Some(true);
        let data = bs58::decode(text).with_check(None).into_vec().unwrap();
        let version = if meta["chain"] == "main" { 0x80 } else { 0xef };
        assert_eq!(data[0], version, "#{i}");
        assert_eq!(hex(&data[1..33]), want, "#{i}");
        assert_eq!(data.len(), if compressed { 34 } else { 33 }, "#{i}");

        match parse(text) {
            Err(ParseError::BadLength {
                family: Family::Base58,
                len,
                ..
            }) => assert_eq!(len, text.len(), "#{i} {text}"),
            other => panic!("#{i} {text}: WIF key gave {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 16);
}

/// A string of `key_io_invalid.json` that `parse` accepts because it is a
/// valid address of another chain walletscreen supports.
struct AcceptedElsewhere {
    text: &'static str,
    kind: AddressKind,
    chain: &'static str,
    reason: &'static str,
}

fn accepted_elsewhere() -> Vec<AcceptedElsewhere> {
    vec![AcceptedElsewhere {
        text: "AZEah8d1EK362okRBS66e8SvdtYkrE8tsX",
        kind: AddressKind::P2sh { version: 0x17 },
        chain: "bitcoin-gold",
        reason: "base58check with version 0x17 and a 20-byte hash: a Bitcoin Gold P2SH \
                 address ('A…'). Invalid for Bitcoin Core, which knows only Bitcoin's \
                 version bytes; OFAC lists a Bitcoin Gold address, so the version is kept.",
    }]
}

#[test]
fn key_io_invalid_strings_are_rejected() {
    let v = load("key_io_invalid.json");
    let exceptions = accepted_elsewhere();
    let mut seen = vec![false; exceptions.len()];
    let mut rejected = 0;
    for (i, e) in arr(&v, "key_io_invalid").iter().enumerate() {
        let text = s(&e[0], "string");
        let res = parse(text);
        if let Some(x) = exceptions.iter().position(|x| x.text == text) {
            let ex = &exceptions[x];
            let a = res.unwrap_or_else(|err| {
                panic!("#{i} {text}: listed as accepted ({}) but: {err}", ex.reason)
            });
            assert_eq!(a.kind, ex.kind, "#{i} {text}: {}", ex.reason);
            assert!(a.chains.contains(&ex.chain), "#{i} {text}: {:?}", a.chains);
            seen[x] = true;
        } else {
            assert!(res.is_err(), "#{i} {text:?} accepted: {res:?}");
            rejected += 1;
        }
    }
    assert!(
        seen.iter().all(|&b| b),
        "stale exception: not in the fixture"
    );
    assert_eq!(rejected + exceptions.len(), 79);
}

// ---------------------------------------------------------------------------
// BIP-173 / BIP-350 / BIP-341
// ---------------------------------------------------------------------------

/// Witness version encoded by the first opcode of a segwit scriptPubKey.
fn witness_version(script: &[u8]) -> u8 {
    match script[0] {
        0 => 0,
        op @ 0x51..=0x60 => op - 0x50,
        op => panic!("not a witness opcode: {op:#x}"),
    }
}

fn check_segwit(addr: &str, script_hex_want: &str) {
    let a = parse(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    assert_eq!(a.family, Family::Bech32, "{addr}");
    assert_eq!(script_hex(&a).as_deref(), Some(script_hex_want), "{addr}");
    let hrp = addr[..addr.rfind('1').unwrap()].to_ascii_lowercase();
    let version = witness_version(&unhex(script_hex_want));
    assert_eq!(a.kind, AddressKind::Segwit { hrp, version }, "{addr}");
    assert_eq!(a.checksum, Checksum::Valid, "{addr}");
}

#[test]
fn bip173_valid_segwit_v0_parse_and_v1_plus_are_rejected() {
    // BIP-350 made the bech32 (not bech32m) spelling of v1+ programs invalid;
    // the fixture's note says so.
    let v = load("bip173_vectors.json");
    assert!(s(&v["note"], "note").contains("INVALID"));
    let (mut v0, mut v1plus) = (0, 0);
    for e in arr(&v["valid_segwit_addresses"], "valid_segwit_addresses") {
        let (addr, script) = (s(&e["address"], "address"), s(&e["scriptPubKey"], "spk"));
        if witness_version(&unhex(script)) == 0 {
            check_segwit(addr, script);
            v0 += 1;
        } else {
            let res = parse(addr);
            assert!(
                matches!(res, Err(ParseError::Bech32(_))),
                "{addr}: bech32 v1+ must be rejected under BIP-350, got {res:?}"
            );
            // The bech32 crate's own error is kept as the typed source.
            let err = res.unwrap_err();
            let source = std::error::Error::source(&err).expect("a source");
            assert!(
                source
                    .downcast_ref::<walletscreen::Bech32Error>()
                    .is_some_and(|e| matches!(e, walletscreen::Bech32Error::Segwit(_))),
                "{addr}: {source:?}"
            );
            v1plus += 1;
        }
    }
    assert_eq!((v0, v1plus), (3, 3));
}

#[test]
fn bip350_valid_segwit_addresses_parse_to_their_script_pubkey() {
    let v = load("bip350_vectors.json");
    let list = arr(&v["valid_segwit_addresses"], "valid_segwit_addresses");
    for e in list {
        check_segwit(s(&e["address"], "address"), s(&e["scriptPubKey"], "spk"));
    }
    assert_eq!(list.len(), 8);
}

#[test]
fn invalid_segwit_addresses_are_rejected() {
    for (file, count) in [("bip173_vectors.json", 10), ("bip350_vectors.json", 15)] {
        let v = load(file);
        let list = arr(&v["invalid_segwit_addresses"], "invalid_segwit_addresses");
        for e in list {
            let (addr, reason) = (s(&e["address"], "address"), s(&e["reason"], "reason"));
            let res = parse(addr);
            assert!(res.is_err(), "{file}: {addr} ({reason}) accepted: {res:?}");
        }
        assert_eq!(list.len(), count, "{file}");
    }
}

#[test]
fn generic_bech32_strings() {
    for (file, valid_key, invalid_key, counts) in [
        (
            "bip173_vectors.json",
            "valid_bech32",
            "invalid_bech32",
            (7, 12),
        ),
        (
            "bip350_vectors.json",
            "valid_bech32m",
            "invalid_bech32m",
            (7, 14),
        ),
    ] {
        let v = load(file);
        let valid = arr(&v[valid_key], valid_key);
        for e in valid {
            let text = s(e, "string");
            // Sanity of the dependency `address::parse` relies on.
            assert!(bech32::decode(text).is_ok(), "{file}: bech32 crate: {text}");
        }
        let invalid = arr(&v[invalid_key], invalid_key);
        for e in invalid {
            let (text, reason) = (s(&e["string"], "string"), s(&e["reason"], "reason"));
            let res = parse(text);
            assert!(
                res.is_err(),
                "{file}: {text:?} ({reason}) accepted: {res:?}"
            );
        }
        assert_eq!((valid.len(), invalid.len()), counts, "{file}");
    }
}

#[test]
fn bip341_taproot_addresses_parse_to_their_script_pubkey() {
    let v = load("bip-0341-wallet-test-vectors.json");
    let list = arr(&v["scriptPubKey"], "scriptPubKey");
    for e in list {
        let exp = &e["expected"];
        let (addr, script) = (
            s(&exp["bip350Address"], "bip350Address"),
            s(&exp["scriptPubKey"], "scriptPubKey"),
        );
        check_segwit(addr, script);
        assert_eq!(witness_version(&unhex(script)), 1, "{addr}");
    }
    assert_eq!(list.len(), 7);
}

// ---------------------------------------------------------------------------
// ERC-55
// ---------------------------------------------------------------------------

/// `(group, address)` for every address of the fixture.
fn eip55_addresses() -> Vec<(String, String)> {
    let v = load("eip55_vectors.json");
    let mut out = Vec::new();
    let groups = v["test_cases"].as_object().expect("test_cases");
    for (group, list) in groups {
        for a in arr(list, group) {
            out.push((group.clone(), s(a, group).to_owned()));
        }
    }
    for a in arr(&v["specification_examples"], "specification_examples") {
        out.push(("specification".to_owned(), s(a, "example").to_owned()));
    }
    assert_eq!(out.len(), 12);
    out
}

#[test]
fn eip55_addresses_parse_with_the_right_checksum_status() {
    for (group, addr) in eip55_addresses() {
        let a = parse(&addr).unwrap_or_else(|e| panic!("{group} {addr}: {e}"));
        assert_eq!(
            (a.family, &a.kind),
            (Family::Evm, &AddressKind::Evm),
            "{addr}"
        );
        assert_eq!(a.payload, unhex(&addr[2..].to_ascii_lowercase()), "{addr}");
        let hexpart = &addr[2..];
        let mixed = hexpart.bytes().any(|c| c.is_ascii_lowercase())
            && hexpart.bytes().any(|c| c.is_ascii_uppercase());
        let want = if mixed {
            Checksum::Valid
        } else {
            Checksum::Absent
        };
        assert_eq!(a.checksum, want, "{group} {addr}");
        // The fixture's groups agree with the case of the strings.
        assert_eq!(
            mixed,
            !matches!(group.as_str(), "All caps" | "All Lower"),
            "{group} {addr}"
        );
    }
}

#[test]
fn eip55_to_checksum_round_trips() {
    // Every vector is correctly checksummed, including the all-caps and
    // all-lower ones (their checksum happens to have one case only).
    for (group, addr) in eip55_addresses() {
        let bytes: [u8; 20] = unhex(&addr[2..].to_ascii_lowercase()).try_into().unwrap();
        assert_eq!(address::to_checksum(&bytes), addr, "{group}");
        // And from what parse decoded.
        let a = parse(&addr.to_ascii_lowercase()).unwrap();
        let decoded: [u8; 20] = a.payload.as_slice().try_into().unwrap();
        assert_eq!(address::to_checksum(&decoded), addr, "{group}");
    }
}

#[test]
fn eip55_flipping_one_letter_breaks_the_checksum() {
    let mut flips = 0;
    for (group, addr) in eip55_addresses() {
        for (i, c) in addr.char_indices().skip(2) {
            if !c.is_ascii_alphabetic() {
                continue;
            }
            let mut bad = addr.clone();
            bad.replace_range(i..=i, &flip_case(&c.to_string()));
            assert_eq!(
                parse(&bad),
                Err(ParseError::Eip55Mismatch),
                "{group} {addr}: flipped byte {i}: {bad}"
            );
            flips += 1;
        }
    }
    assert!(flips >= 12 * 10, "only {flips} letters flipped");
}

// ---------------------------------------------------------------------------
// CashAddr
// ---------------------------------------------------------------------------

#[test]
fn cashaddr_larger_vectors_decode() {
    let v = load("cashaddr_vectors.json");
    let list = arr(&v["larger_test_vectors"], "larger_test_vectors");
    let mut via_parse = 0;
    for e in list {
        let text = s(&e["cashaddr"], "cashaddr");
        let hash = unhex(&s(&e["payload_hex"], "payload_hex").to_ascii_lowercase());
        let kind = u8::try_from(e["type"].as_u64().expect("type")).unwrap();
        let size = usize::try_from(e["payload_size_bytes"].as_u64().expect("size")).unwrap();
        let (prefix, payload) = text.split_once(':').expect("prefixed");
        assert_eq!(hash.len(), size, "{text}");

        for spelling in [text.to_owned(), text.to_ascii_uppercase()] {
            let c = cashaddr::decode(&spelling, "bitcoincash")
                .unwrap_or_else(|err| panic!("{spelling}: {err}"));
            assert_eq!((c.prefix.as_str(), c.kind, &c.hash), (prefix, kind, &hash));
        }
        // Without its prefix, under the right default prefix.
        let c = cashaddr::decode(payload, prefix).unwrap();
        assert_eq!((c.kind, &c.hash), (kind, &hash), "{text}");
        assert_eq!(cashaddr::encode(prefix, kind, &hash).as_deref(), Ok(text));

        match prefix {
            // Prefixes that `address::parse` keeps as part of the address.
            "bitcoincash" | "bchtest" => {
                for spelling in [text.to_owned(), text.to_ascii_uppercase()] {
                    let a = parse(&spelling).unwrap_or_else(|err| panic!("{spelling}: {err}"));
                    assert_eq!(a.family, Family::CashAddr, "{spelling}");
                    let want = AddressKind::CashAddr {
                        prefix: prefix.to_owned(),
                        kind,
                    };
                    assert_eq!((&a.kind, &a.payload), (&want, &hash), "{spelling}");
                }
                let chain = if prefix == "bchtest" {
                    "bitcoin-cash-testnet"
                } else {
                    "bitcoin-cash"
                };
                assert_eq!(parse(text).unwrap().chains, [chain]);
                via_parse += 1;
            }
            // Any other `x:` is a URI scheme for `parse`; the payload alone,
            // checked under the default `bitcoincash` prefix, fails its
            // checksum (which covers the prefix).
            _ => {
                let res = parse(text);
                assert!(
                    matches!(&res, Err(ParseError::CashAddr(_))),
                    "{text}: {res:?}"
                );
            }
        }
    }
    assert_eq!((list.len(), via_parse), (32, 16));
}

#[test]
fn cashaddr_mixed_case_is_rejected() {
    let v = load("cashaddr_vectors.json");
    for e in arr(&v["larger_test_vectors"], "larger_test_vectors") {
        let text = s(&e["cashaddr"], "cashaddr");
        let colon = text.find(':').unwrap();
        let i = text[colon + 1..]
            .find(|c: char| c.is_ascii_alphabetic())
            .map(|p| p + colon + 1)
            .unwrap();
        let mut bad = text.to_owned();
        bad.replace_range(i..=i, &text[i..=i].to_ascii_uppercase());
        assert_eq!(
            cashaddr::decode(&bad, "bitcoincash"),
            Err(cashaddr::CashAddrError::MixedCase),
            "{bad}"
        );
    }
}

#[test]
fn cashaddr_and_legacy_spellings_share_the_hash() {
    let v = load("cashaddr_vectors.json");
    let list = arr(&v["legacy_to_cashaddr"], "legacy_to_cashaddr");
    for e in list {
        let legacy = s(&e["legacy"], "legacy");
        let cash = s(&e["cashaddr"], "cashaddr");
        let l = parse(legacy).unwrap_or_else(|err| panic!("{legacy}: {err}"));
        let kind = match l.kind {
            AddressKind::P2pkh { version: 0 } => 0,
            AddressKind::P2sh { version: 5 } => 1,
            ref k => panic!("{legacy}: {k:?}"),
        };
        assert_eq!(l.payload.len(), 20, "{legacy}");
        let bare = cash
            .strip_prefix("bitcoincash:")
            .expect("bitcoincash prefix");
        for spelling in [
            cash.to_owned(),
            bare.to_owned(),
            cash.to_ascii_uppercase(),
            bare.to_ascii_uppercase(),
        ] {
            let c = parse(&spelling).unwrap_or_else(|err| panic!("{spelling}: {err}"));
            assert_eq!(c.family, Family::CashAddr, "{spelling}");
            assert_eq!(
                c.kind,
                AddressKind::CashAddr {
                    prefix: "bitcoincash".to_owned(),
                    kind
                },
                "{spelling}"
            );
            assert_eq!(c.payload, l.payload, "{spelling} vs {legacy}");
        }
        assert_eq!(
            cashaddr::encode("bitcoincash", kind, &l.payload).as_deref(),
            Ok(cash)
        );
    }
    assert_eq!(list.len(), 6);
}

// ---------------------------------------------------------------------------
// Issue 13: alternative spellings of an account (XLS-5d, ZIP-320, ICAP).
// ---------------------------------------------------------------------------

/// XLS-5d (ripple-address-codec's table): every X-address, mainnet and
/// test network, decodes to its classic account and tag; the three
/// invalid X-addresses of the same file are refused.
#[test]
fn xls5d_x_addresses_decode_to_classic_account_and_tag() {
    let v = load("xls5d_x_addresses.json");
    let valid = arr(&v["valid"], "valid");
    assert_eq!(valid.len(), 22);
    for row in valid {
        let row = arr(row, "row");
        let classic = s(&row[0], "classic");
        let tag = row[1].as_u64().map(|t| u32::try_from(t).unwrap());
        let c = parse(classic).unwrap_or_else(|e| panic!("{classic}: {e}"));
        assert_eq!(c.kind, AddressKind::Xrp);
        for (col, test) in [(2, false), (3, true)] {
            let x = s(&row[col], "x-address");
            let a = parse(x).unwrap_or_else(|e| panic!("{x}: {e}"));
            assert_eq!(a.family, Family::XAddress, "{x}");
            assert_eq!(a.kind, AddressKind::XrpXAddress { tag, test }, "{x}");
            assert_eq!(a.payload, c.payload, "{x}");
            assert_eq!(a.checksum, Checksum::Valid);
            assert_eq!(address::normalize(x).unwrap(), x);
        }
    }
    let invalid = arr(&v["invalid"], "invalid");
    assert_eq!(invalid.len(), 3);
    for row in invalid {
        let x = s(&arr(row, "row")[0], "x-address");
        let err = parse(x).unwrap_err();
        assert!(
            matches!(
                err,
                ParseError::Checksum { .. }
                    | ParseError::XAddressTag { .. }
                    | ParseError::BadLength { .. }
            ),
            "{x}: {err:?}"
        );
    }
}

/// ZIP-320: each `t1…` address and its TEX address decode to the same
/// P2PKH hash, the one the vector gives.
#[test]
fn zip320_tex_addresses_share_the_p2pkh_hash() {
    let v = load("zip_0320.json");
    let rows: Vec<&[Value]> = arr(&v, "zip_0320")
        .iter()
        .map(|r| arr(r, "row"))
        .filter(|r| r.len() == 5)
        .collect();
    assert_eq!(rows.len(), 15);
    for row in rows {
        let t = s(&row[0], "t_addr");
        let hash = unhex(s(&row[1], "p2pkh_bytes"));
        let tex = s(&row[2], "tex_addr");
        let ta = parse(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(ta.kind, AddressKind::P2pkh { version: 0x1cb8 }, "{t}");
        assert_eq!(ta.payload, hash, "{t}");
        for q in [tex.to_owned(), tex.to_ascii_uppercase()] {
            let a = parse(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(a.kind, AddressKind::ZcashTex, "{q}");
            assert_eq!(a.payload, hash, "{q}");
            assert_eq!(a.chains, ["zcash"]);
        }
    }
}

/// ICAP (web3.js fixtures): each direct ICAP decodes to its address; the
/// indirect forms name no address and are refused.
#[test]
fn icap_direct_addresses_decode_to_their_evm_address() {
    let v = load("icap_vectors.json");
    for row in arr(&v["valid"], "valid") {
        let row = arr(row, "row");
        let (i, evm) = (s(&row[0], "icap"), s(&row[1], "address"));
        let a = parse(i).unwrap_or_else(|e| panic!("{i}: {e}"));
        assert_eq!(a.family, Family::Icap, "{i}");
        assert_eq!(a.kind, AddressKind::Icap);
        assert_eq!(hex(&a.payload), evm[2..].to_ascii_lowercase(), "{i}");
        assert_eq!(parse(evm).unwrap().payload, a.payload);
    }
    for row in arr(&v["indirect"], "indirect") {
        let i = s(&arr(row, "row")[0], "icap");
        assert!(parse(i).is_err(), "{i}");
    }
}
