//! Ethereum ICAP, direct form (`XE` + two IBAN check digits + the account
//! in base 36, 30 or 31 characters): an IBAN-style spelling of an EVM
//! address that some wallets and exchanges accept (web3.js `Iban`, ethers
//! `getAddress`). It is keyed as the EVM address it spells, so a listed
//! EVM account is found through it.
//!
//! The indirect and basic forms (`XE..ETH…`, an institution and a client
//! identifier resolved through a registry) name no address and are not
//! recognized.

use super::error::ParseError;
use super::{Address, AddressKind, Checksum, Family};

/// Length of the shortest direct ICAP.
pub(crate) const MIN_LEN: usize = 34;

/// Shape test: `XE`, 34 or 35 characters. The rest is checked by
/// [`decode`]. This runs on the query path of every base58 string, before
/// the base58 shape test (an ICAP may use only base58 characters).
#[inline(always)]
pub(crate) fn looks_like(b: &[u8]) -> bool {
    b.len().wrapping_sub(MIN_LEN) < 2 && b[0] == b'X' && b[1] == b'E'
}

/// The value of a base-36 digit (`0-9`, `A-Z`, `a-z`).
fn digit36(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 10),
        _ => None,
    }
}

/// Decodes a direct ICAP into the 20-byte address: check digits are two
/// decimal digits, the body is base 36 (letters in either case, as ethers
/// accepts them), the ISO 13616 mod-97 check holds, and the value fits in
/// 160 bits.
pub(crate) fn decode(b: &[u8]) -> Result<[u8; 20], ParseError> {
    let family = Family::Icap;
    if !looks_like(b) {
        return Err(ParseError::BadLength {
            family,
            len: b.len(),
            expected: "34 or 35 characters starting XE",
        });
    }
    for (i, &c) in b.iter().enumerate().skip(2) {
        let ok = if i < 4 {
            c.is_ascii_digit()
        } else {
            c.is_ascii_alphanumeric()
        };
        if !ok {
            return Err(ParseError::InvalidChar {
                family,
                character: char::from(c),
                index: i,
            });
        }
    }
    // ISO 13616: the body, then `XE` and the check digits, as a decimal
    // number (letters are 10..35) is 1 mod 97.
    if mod97(b[4..].iter().chain(&b[..4])) != 1 {
        return Err(ParseError::Checksum { family });
    }
    // The body in base 36, big-endian into 20 bytes; a carry out of them is
    // a value of more than 160 bits.
    let mut out = [0u8; 20];
    for &c in &b[4..] {
        let mut carry = digit36(c).unwrap_or(0);
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 36 + carry;
            *byte = v as u8;
            carry = v >> 8;
        }
        if carry != 0 {
            return Err(ParseError::BadLength {
                family,
                len: b.len(),
                expected: "a value of at most 160 bits",
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
/// The direct ICAP of a 20-byte address, its body zero-padded to 30
/// digits (as ethers `getIcapAddress` writes it).
pub(crate) fn encode(address: &[u8; 20]) -> String {
    let mut n = *address;
    let mut digits = Vec::with_capacity(31);
    while n.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for byte in n.iter_mut() {
            let v = (rem << 8) | u32::from(*byte);
            *byte = (v / 36) as u8;
            rem = v % 36;
        }
        digits.push(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rem as usize]);
    }
    while digits.len() < 30 {
        digits.push(b'0');
    }
    digits.reverse();
    let body = String::from_utf8_lossy(&digits).into_owned();
    format!("XE{:02}{body}", check_digits(body.as_bytes()))
}

#[cfg(test)]
/// The ISO 13616 check digits of an `XE` IBAN with this body.
fn check_digits(body: &[u8]) -> u32 {
    98 - mod97(body.iter().chain(b"XE00"))
}

/// The ISO 13616 remainder: the characters as a decimal number (letters
/// are 10..35, two digits each) mod 97.
fn mod97<'a>(chars: impl Iterator<Item = &'a u8>) -> u32 {
    chars.fold(0u32, |rem, &c| {
        let d = digit36(c).unwrap_or(0);
        if d >= 10 {
            (rem * 100 + d) % 97
        } else {
            (rem * 10 + d) % 97
        }
    })
}

/// Full validation.
pub(crate) fn parse(text: &str) -> Result<Address, ParseError> {
    let bytes = decode(text.as_bytes())?;
    Ok(Address {
        family: Family::Icap,
        kind: AddressKind::Icap,
        chains: &["ethereum", "evm"],
        payload: bytes.to_vec(),
        checksum: Checksum::Valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bounds() {
        for a in [[0u8; 20], [0xff; 20], [0x12; 20], {
            let mut a = [0u8; 20];
            a[19] = 1;
            a
        }] {
            let s = encode(&a);
            assert!(matches!(s.len(), 34 | 35), "{s}");
            assert_eq!(decode(s.as_bytes()), Ok(a), "{s}");
        }
        // 31 `Z`s exceed 160 bits, with correct check digits.
        let body = [b'Z'; 31];
        let over = format!("XE{:02}{}", check_digits(&body), "Z".repeat(31));
        assert!(matches!(
            decode(over.as_bytes()),
            Err(ParseError::BadLength { .. })
        ));
        // The official example (web3.js, ethers): check digits 73.
        assert_eq!(check_digits(b"38O073KYGTWWZN0F2WZ0R8PX5ZPPZS"), 73);
    }
}
