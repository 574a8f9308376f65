//! Bech32 and bech32m (BIP-173, BIP-350): segwit addresses (`bc1…`, `tb1…`,
//! `bcrt1…`, `ltc1…`, `tltc1…`) and plain bech32 addresses (`bnb1…`).
//!
//! Only known human-readable parts are classified as bech32, so that the
//! classification of a string never depends on its case (an unknown-hrp
//! string might otherwise be base58 in upper case and bech32 in lower case).

use super::error::{Bech32Error, ParseError};
use super::{Address, AddressKind, Checksum, Family};

/// Segwit human-readable parts and the chain each names.
const SEGWIT: &[(&str, &[&str])] = &[
    ("bc", &["bitcoin"]),
    ("tb", &["bitcoin-testnet"]),
    ("bcrt", &["bitcoin-regtest"]),
    ("ltc", &["litecoin"]),
    ("tltc", &["litecoin-testnet"]),
];

/// Plain (non-segwit) bech32 human-readable parts; `tex` is Zcash's
/// ZIP-320 TEX address (bech32m over a P2PKH hash, see [`parse_tex`]).
const PLAIN: &[(&str, &[&str])] = &[
    ("bnb", &["bnb-beacon-chain"]),
    ("tbnb", &["bnb-testnet"]),
    (TEX_HRP, &["zcash"]),
];

/// The human-readable part of a Zcash TEX address (ZIP-320) on mainnet.
/// The testnet one, `textest`, is longer than the hrps the query path's
/// separator shortcut allows and is not recognized (README, spelling
/// policy).
pub(crate) const TEX_HRP: &str = "tex";

/// The bech32 data alphabet.
#[cfg(test)]
const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

#[cfg(test)]
const IS_DATA: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 32 {
        t[CHARSET[i] as usize] = true;
        t[CHARSET[i].to_ascii_uppercase() as usize] = true;
        i += 1;
    }
    t
};

fn known_hrp(hrp: &[u8]) -> Option<(&'static str, &'static [&'static str], bool)> {
    let find = |table: &[(&'static str, &'static [&'static str])]| {
        table
            .iter()
            .find(|(h, _)| h.as_bytes().eq_ignore_ascii_case(hrp))
            .map(|&(h, c)| (h, c))
    };
    find(SEGWIT)
        .map(|(h, c)| (h, c, true))
        .or_else(|| find(PLAIN).map(|(h, c)| (h, c, false)))
}

/// Shape test: known hrp, separator, at least 6 data characters (the
/// checksum), all in the bech32 alphabet, at most 90 characters.
#[cfg(test)]
pub(crate) fn looks_like(b: &[u8]) -> bool {
    lower_key(b, &mut [0; 90]).is_some()
}

/// If `b` is bech32-shaped (known hrp, separator, at least 6 data characters
/// in the bech32 alphabet, at most 90 characters, either case), writes its
/// lower-cased spelling to `out` and returns its length and case bits
/// ([`HAS_LOWER`](super::key::HAS_LOWER), [`HAS_UPPER`](super::key::HAS_UPPER)).
///
/// Every step is a branch-free pass over bytes so that it vectorizes; this
/// runs on the query path.
#[inline]
pub(crate) fn lower_key(b: &[u8], out: &mut [u8]) -> Option<(usize, u8)> {
    // Every known hrp is 2 to 4 characters without a `1`, and the data part
    // has no `1`: the separator is the first `1`, at byte 2, 3 or 4.
    if !(2 + 1 + 6..=90).contains(&b.len()) {
        return None;
    }
    let sep = b.iter().take(5).position(|&c| c == b'1')?;
    // The hrp first: most strings that reach here (base58 `1…`) fail it.
    // The hrp lower-cased into a word, compared with the known ones.
    const fn word(hrp: &[u8]) -> u32 {
        let mut w = [0u8; 4];
        let mut i = 0;
        while i < hrp.len() {
            w[i] = hrp[i];
            i += 1;
        }
        u32::from_le_bytes(w)
    }
    let word_at = |i: usize| u32::from(b[i].to_ascii_lowercase()) << (8 * i);
    let hrp = match sep {
        2 => word_at(0) | word_at(1),
        3 => word_at(0) | word_at(1) | word_at(2),
        4 => word_at(0) | word_at(1) | word_at(2) | word_at(3),
        _ => return None,
    };
    const KNOWN: [u32; 8] = [
        word(b"bc"),
        word(b"tb"),
        word(b"bcrt"),
        word(b"ltc"),
        word(b"tltc"),
        word(b"bnb"),
        word(b"tbnb"),
        word(b"tex"),
    ];
    if !KNOWN.contains(&hrp) {
        return None;
    }
    let out = out.get_mut(..b.len())?;
    let case = super::lower_into(b, out);
    let data = &out[sep + 1..];
    let bad = any_not_lower_data(data);
    (data.len() >= 6 && !bad).then_some((b.len(), case))
}

/// True if some byte of `b` is not in the lower-case bech32 alphabet.
/// Arithmetic per byte, no table, so that it vectorizes.
#[inline]
pub(crate) fn any_not_lower_data(b: &[u8]) -> bool {
    super::or_bytes(b, not_lower_data) != 0
}

/// 0 for a character of the lower-case bech32 alphabet (digits but `1`,
/// letters but `b`, `i`, `o`), else not 0:
/// saturating subtractions (SSE2 `psubusb`) for the ranges, then the four
/// exclusions.
#[inline(always)]
const fn not_lower_data(c: u8) -> u8 {
    let digit = c.wrapping_sub(b'0').saturating_sub(9);
    let letter = c.wrapping_sub(b'a').saturating_sub(25);
    let range = if digit < letter { digit } else { letter };
    let excluded = (c == b'1') | (c == b'b') | (c == b'i') | (c == b'o');
    range | excluded as u8
}

/// Full validation with the bech32 crate.
pub(crate) fn parse(text: &str) -> Result<Address, ParseError> {
    let sep = text.rfind('1').unwrap_or(0);
    let (_, chains, segwit) =
        known_hrp(&text.as_bytes()[..sep]).ok_or(ParseError::UnknownFormat)?;
    let err = |e: Bech32Error| ParseError::Bech32(e);
    if segwit {
        let (hrp, version, program) = ::bech32::segwit::decode(text).map_err(|e| err(e.into()))?;
        Ok(Address {
            family: Family::Bech32,
            kind: AddressKind::Segwit {
                hrp: hrp.to_lowercase(),
                version: version.to_u8(),
            },
            chains,
            payload: program,
            checksum: Checksum::Valid,
        })
    } else if text.as_bytes()[..sep].eq_ignore_ascii_case(TEX_HRP.as_bytes()) {
        parse_tex(text)
    } else {
        let (hrp, data) = ::bech32::decode(text).map_err(|e| err(e.into()))?;
        Ok(Address {
            family: Family::Bech32,
            kind: AddressKind::Bech32 {
                hrp: hrp.to_lowercase(),
            },
            chains,
            payload: data,
            checksum: Checksum::Valid,
        })
    }
}

/// A Zcash TEX address (ZIP-320): hrp `tex`, a bech32m checksum (a
/// bech32 one is refused) and a 20-byte payload, the P2PKH hash of the
/// `t1…` address it re-encodes.
pub(crate) fn parse_tex(text: &str) -> Result<Address, ParseError> {
    use ::bech32::primitives::decode::CheckedHrpstring;
    let c = CheckedHrpstring::new::<::bech32::Bech32m>(text)
        .map_err(|e| ParseError::Bech32(e.into()))?;
    if !c.hrp().as_str().eq_ignore_ascii_case(TEX_HRP) {
        return Err(ParseError::UnknownFormat);
    }
    let payload: Vec<u8> = c.byte_iter().collect();
    if payload.len() != 20 {
        return Err(ParseError::BadLength {
            family: Family::Bech32,
            len: payload.len(),
            expected: "20 bytes (a P2PKH hash)",
        });
    }
    Ok(Address {
        family: Family::Bech32,
        kind: AddressKind::ZcashTex,
        chains: &["zcash"],
        payload,
        checksum: Checksum::Valid,
    })
}

/// The TEX spelling (ZIP-320) of a Zcash P2PKH hash.
pub(crate) fn encode_tex(hash: &[u8]) -> Option<String> {
    let hrp = ::bech32::Hrp::parse(TEX_HRP).ok()?;
    ::bech32::encode::<::bech32::Bech32m>(hrp, hash).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arithmetic alphabet test agrees with the bech32 charset.
    #[test]
    fn lower_data_matches_charset() {
        const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        for c in 0..=255u8 {
            assert_eq!(not_lower_data(c) == 0, CHARSET.contains(&c), "{c:#x}");
        }
    }

    /// `looks_like` finds the separator in the first five bytes: every
    /// known hrp must be 2 to 4 characters with no `1`.
    #[test]
    fn hrps_fit_the_separator_shortcut() {
        for (hrp, _) in SEGWIT.iter().chain(PLAIN) {
            assert!((2..=4).contains(&hrp.len()) && !hrp.contains('1'), "{hrp}");
        }
    }

    /// The hrps matched by `lower_key` are exactly the tables', and the
    /// arithmetic alphabet test is exactly the charset.
    #[test]
    fn fast_tests_agree_with_tables() {
        for (hrp, _) in SEGWIT.iter().chain(PLAIN) {
            let s = format!("{hrp}1qqqqqqqq");
            assert!(lower_key(s.as_bytes(), &mut [0; 90]).is_some(), "{hrp}");
            assert!(known_hrp(hrp.as_bytes()).is_some());
        }
        for c in 0..=255u8 {
            assert_eq!(not_lower_data(c) == 0, CHARSET.contains(&c), "{c:#x}");
            assert_eq!(
                IS_DATA[c as usize],
                not_lower_data(c.to_ascii_lowercase()) == 0,
                "{c:#x}"
            );
        }
        for hrp in ["b", "bcr", "ltc2", "xx", "bnbb", "TB"] {
            let s = format!("{hrp}1qqqqqqqq");
            assert_eq!(
                lower_key(s.as_bytes(), &mut [0; 90]).is_some(),
                known_hrp(hrp.as_bytes()).is_some(),
                "{hrp}"
            );
        }
    }

    #[test]
    fn shapes() {
        assert!(looks_like(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(looks_like(b"BNB1GRPF0955H0YKZQ3AR5NMUM7Y6GDFL6LXFN46H2"));
        assert!(!looks_like(b"xx1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(!looks_like(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f31"));
        assert!(!looks_like(b"bc1qqq"));
    }
}
