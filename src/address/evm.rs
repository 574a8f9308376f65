//! EVM addresses (`0x` + 40 hex digits) and EIP-55 mixed-case checksums;
//! also the hex decoding shared with TRON's `41…` spelling.

use std::fmt;

use tiny_keccak::{Hasher, Keccak};

use super::error::ParseError;
use super::{Address, AddressKind, Checksum, Family};

/// Decodes `2 * N` hex digits (either case) into `out`; false on a non-hex
/// digit or a length mismatch.
///
/// Arithmetic rather than a table lookup per digit, in passes that
/// vectorize (SSE2): this runs on the query path of every EVM address.
#[inline(always)]
pub(crate) fn decode_hex<const N: usize>(hex: &[u8], out: &mut [u8; N]) -> bool {
    if hex.len() != 2 * N || super::or_bytes(hex, not_hex) != 0 {
        return false;
    }
    // Digit pairs as 16-bit lanes, the first digit in the low byte.
    let mut lanes = [0u16; N];
    for (w, pair) in lanes.iter_mut().zip(hex.as_chunks::<2>().0) {
        *w = u16::from_le_bytes(*pair);
    }
    for (o, w) in out.iter_mut().zip(lanes) {
        // The value of each digit: letters have bit 6 set, digits do not,
        // and the low nibble of `A`/`a` is 1.
        let n = (w & 0x0f0f) + 9 * ((w >> 6) & 0x0101);
        *o = ((n << 4) | (n >> 8)) as u8;
    }
    true
}

/// 0 for `0-9`, `a-f`, `A-F`, else not 0. Saturating subtractions, which
/// SSE2 has for bytes (`psubusb`), rather than comparisons.
#[inline(always)]
fn not_hex(c: u8) -> u8 {
    let digit = c.wrapping_sub(b'0').saturating_sub(9);
    let letter = (c | 0x20).wrapping_sub(b'a').saturating_sub(5);
    digit.min(letter)
}

/// True for `0-9`, `a-f`, `A-F`.
#[inline(always)]
fn is_hex(c: u8) -> bool {
    not_hex(c) == 0
}

/// Position of the first non-hex byte.
pub(crate) fn first_non_hex(hex: &[u8]) -> Option<usize> {
    hex.iter().position(|&b| !is_hex(b))
}

/// Lower-case hex display of bytes.
pub(crate) struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// The EIP-55 checksummed spelling of a 20-byte address, `0x`-prefixed.
pub fn to_checksum(bytes: &[u8; 20]) -> String {
    checksummed(bytes).iter().map(|&b| char::from(b)).collect()
}

/// [`to_checksum`]'s 42 ASCII bytes, without allocating.
pub(crate) fn checksummed(bytes: &[u8; 20]) -> [u8; 42] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 42];
    out[..2].copy_from_slice(b"0x");
    for (o, b) in out[2..].chunks_exact_mut(2).zip(bytes) {
        o[0] = DIGITS[usize::from(b >> 4)];
        o[1] = DIGITS[usize::from(b & 15)];
    }
    let hash = keccak256(&out[2..]);
    for (i, c) in out[2..].iter_mut().enumerate() {
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
        if nibble >= 8 {
            c.make_ascii_uppercase();
        }
    }
    out
}

pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut k = Keccak::v256();
    k.update(data);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

/// Full validation. `text` is the normalized spelling (with or without
/// `0x`), `bytes` the 20 decoded bytes. A mixed-case spelling must carry a
/// correct EIP-55 checksum; all-lower and all-upper spellings carry none.
pub(crate) fn parse(text: &str, bytes: &[u8]) -> Result<Address, ParseError> {
    let hex = text.as_bytes();
    let hex = hex.get(hex.len().saturating_sub(40)..).unwrap_or(hex);
    let arr: &[u8; 20] = bytes.try_into().map_err(|_| ParseError::BadLength {
        family: Family::Evm,
        len: bytes.len(),
        expected: "20 bytes",
    })?;
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    let checksum = if has_lower && has_upper {
        if to_checksum(arr).as_bytes()[2..] != *hex {
            return Err(ParseError::Eip55Mismatch);
        }
        Checksum::Valid
    } else {
        Checksum::Absent
    };
    Ok(Address {
        family: Family::Evm,
        kind: AddressKind::Evm,
        chains: &["ethereum", "evm"],
        payload: bytes.to_vec(),
        checksum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arithmetic digit test and pair decoding agree with
    /// `char::to_digit` for every pair of bytes.
    #[test]
    fn digit_arithmetic_matches_to_digit() {
        let digit = |c: u8| (c as char).to_digit(16).filter(|_| c.is_ascii());
        for h in 0..=255u8 {
            assert_eq!(is_hex(h), digit(h).is_some(), "{h:#x}");
            for l in 0..=255u8 {
                let mut out = [0u8; 1];
                let ok = decode_hex(&[h, l], &mut out);
                match (digit(h), digit(l)) {
                    (Some(a), Some(b)) => {
                        assert!(ok, "{h:#x} {l:#x}");
                        assert_eq!(u32::from(out[0]), a << 4 | b, "{h:#x} {l:#x}");
                    }
                    _ => assert!(!ok, "{h:#x} {l:#x}"),
                }
            }
        }
    }

    #[test]
    fn hex_decoding() {
        let mut out = [0u8; 2];
        assert!(decode_hex(b"aBcD", &mut out));
        assert_eq!(out, [0xab, 0xcd]);
        assert!(!decode_hex(b"abcg", &mut out));
        assert!(!decode_hex(b"abc", &mut out));
        assert_eq!(first_non_hex(b"01x2"), Some(2));
    }

    #[test]
    fn checksum_spelling() {
        let mut b = [0u8; 20];
        assert!(decode_hex(
            b"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            &mut b
        ));
        assert_eq!(
            to_checksum(&b),
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        );
    }
}
