//! base58check addresses (Bitcoin-alphabet base58 with a double-SHA-256
//! checksum): Bitcoin, Bitcoin Cash and Bitcoin SV legacy, Litecoin, Dash,
//! Bitcoin Gold, Dogecoin, Verge, Zcash transparent, TRON; with fallbacks to
//! XRP and Solana, which share the key space.
//!
//! The hot path never decodes base58: [`looks_like`] checks length and
//! alphabet, and the key is the text itself.

use super::error::ParseError;
use super::{Address, AddressKind, Checksum, Family, solana, xrp};

/// Length range of base58 address text classified as such.
pub(crate) const LEN: std::ops::RangeInclusive<usize> = 25..=44;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

const IS_B58: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 58 {
        t[ALPHABET[i] as usize] = true;
        i += 1;
    }
    t
};

/// True if `c` is in the Bitcoin base58 alphabet (XRP's alphabet is a
/// permutation of the same characters).
pub(crate) fn is_base58(c: u8) -> bool {
    IS_B58[c as usize]
}

/// Shape test: length in [`LEN`] and every character base58 (tested by
/// arithmetic, not the table, so that the pass vectorizes: this runs on the
/// query path).
#[inline]
pub(crate) fn looks_like(b: &[u8]) -> bool {
    LEN.contains(&b.len()) && super::or_bytes(b, |c| u8::from(!is_base58_arith(c))) == 0
}

/// [`is_base58`] without a table: `1-9`, `A-Z` but `I` and `O`, `a-z` but
/// `l` (a unit test holds it to the table).
#[inline(always)]
pub(crate) fn is_base58_arith(c: u8) -> bool {
    let digit = c.wrapping_sub(b'1') < 9;
    let upper = (c.wrapping_sub(b'A') < 26) & (c != b'I') & (c != b'O');
    let lower = (c.wrapping_sub(b'a') < 26) & (c != b'l');
    digit | upper | lower
}

/// True if base58 text `b` carries a correct base58check checksum (any
/// version). No allocation.
pub(crate) fn checksum_ok(b: &[u8]) -> bool {
    let mut out = [0u8; 64];
    bs58::decode(b).with_check(None).onto(&mut out[..]).is_ok()
}

/// What one version prefix means.
struct Version {
    prefix: &'static [u8],
    kind: fn(u16) -> AddressKind,
    chains: &'static [&'static str],
}

const fn v(
    prefix: &'static [u8],
    kind: fn(u16) -> AddressKind,
    chains: &'static [&'static str],
) -> Version {
    Version {
        prefix,
        kind,
        chains,
    }
}

fn p2pkh(version: u16) -> AddressKind {
    AddressKind::P2pkh { version }
}
fn p2sh(version: u16) -> AddressKind {
    AddressKind::P2sh { version }
}
fn tron(_: u16) -> AddressKind {
    AddressKind::Tron
}

const BTC_LIKE: &[&str] = &["bitcoin", "bitcoin-cash", "bitcoin-sv"];

/// Version byte of BitPay's Bitcoin Cash P2PKH spelling (`C…`).
pub(crate) const BITPAY_P2PKH: u8 = 0x1c;
/// Version byte of BitPay's Bitcoin Cash P2SH spelling (`H…`).
pub(crate) const BITPAY_P2SH: u8 = 0x28;
/// Version bytes of Zcash transparent P2PKH (`t1…`).
pub(crate) const ZCASH_P2PKH: [u8; 2] = [0x1c, 0xb8];

/// Known version prefixes; all carry a 20-byte hash.
const VERSIONS: &[Version] = &[
    v(&[0x00], p2pkh, BTC_LIKE),
    v(
        &[0x05],
        p2sh,
        &["bitcoin", "bitcoin-cash", "bitcoin-sv", "litecoin"],
    ),
    v(&[0x6f], p2pkh, &["bitcoin-testnet"]),
    v(&[0xc4], p2sh, &["bitcoin-testnet"]),
    v(&[0x30], p2pkh, &["litecoin"]),
    v(&[0x32], p2sh, &["litecoin"]),
    v(&[0x4c], p2pkh, &["dash"]),
    v(&[0x10], p2sh, &["dash"]),
    v(&[0x26], p2pkh, &["bitcoin-gold"]),
    v(&[0x17], p2sh, &["bitcoin-gold"]),
    v(&[0x1e], p2pkh, &["dogecoin", "verge"]),
    v(&[0x16], p2sh, &["dogecoin"]),
    // BitPay's legacy Bitcoin Cash spellings (`C…`, `H…`): the hash160
    // of a `1…`/`3…` address under other version bytes. Distinct from
    // Zcash's two-byte `0x1cb8` by length (21 bytes against 22).
    v(&[BITPAY_P2PKH], p2pkh, &["bitcoin-cash"]),
    v(&[BITPAY_P2SH], p2sh, &["bitcoin-cash"]),
    v(&[0x1c, 0xb8], p2pkh, &["zcash"]),
    v(&[0x1c, 0xbd], p2sh, &["zcash"]),
    v(&[0x41], tron, &["tron"]),
];

/// Full validation of base58 text: base58check of a known version, else an
/// XRP classic address, else a 32-byte Solana key.
pub(crate) fn parse(text: &str) -> Result<Address, ParseError> {
    match bs58::decode(text).with_check(None).into_vec() {
        Ok(data) => return from_versioned(&data),
        Err(bs58::decode::Error::InvalidCharacter { character, index }) => {
            return Err(ParseError::InvalidChar {
                family: Family::Base58,
                character,
                index,
            });
        }
        Err(_) => {}
    }
    if let Some(a) = xrp::parse(text) {
        return Ok(a);
    }
    if let Some(a) = solana::parse(text) {
        return Ok(a);
    }
    Err(ParseError::Checksum {
        family: Family::Base58,
    })
}

/// Interprets checksum-verified `version || hash` bytes.
fn from_versioned(data: &[u8]) -> Result<Address, ParseError> {
    for v in VERSIONS {
        if let Some(hash) = data.strip_prefix(v.prefix)
            && hash.len() == 20
        {
            let version = v.prefix.iter().fold(0u16, |a, &b| (a << 8) | u16::from(b));
            let kind = (v.kind)(version);
            return Ok(Address {
                family: Family::Base58,
                kind,
                chains: v.chains,
                payload: hash.to_vec(),
                checksum: Checksum::Valid,
            });
        }
    }
    let split = if data.first() == Some(&0x1c) { 2 } else { 1 }.min(data.len());
    Err(ParseError::UnknownVersion {
        version: super::evm::Hex(&data[..split]).to_string(),
        payload_len: data.len() - split,
    })
}

/// base58check spelling of `version || hash`.
pub(crate) fn encode(version: &[u8], hash: &[u8]) -> String {
    let mut data = Vec::with_capacity(version.len() + hash.len());
    data.extend_from_slice(version);
    data.extend_from_slice(hash);
    bs58::encode(data).with_check().into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_arithmetic_matches_table() {
        for c in 0..=255u8 {
            assert_eq!(is_base58_arith(c), is_base58(c), "{c:#x}");
        }
    }

    #[test]
    fn versions_round_trip() {
        let hash = [7u8; 20];
        for v in VERSIONS {
            let s = encode(v.prefix, &hash);
            let a = parse(&s).unwrap();
            assert_eq!(a.payload, hash, "{s}");
            assert_eq!(a.chains, v.chains);
        }
    }

    #[test]
    fn unknown_version_is_reported() {
        let s = encode(&[0x80], &[1u8; 32]);
        assert!(matches!(
            parse(&s),
            Err(ParseError::UnknownVersion {
                payload_len: 32,
                ..
            })
        ));
    }
}
