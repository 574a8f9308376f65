//! XRP Ledger addresses: classic addresses (base58check in Ripple's
//! alphabet, version 0x00, 20-byte account id, `r…`) and X-addresses
//! (XLS-5d: the account id with an optional destination tag and a network
//! flag, `X…` on mainnet, `T…` on test networks).
//!
//! An X-address names the classic account it carries, so it is keyed as
//! that classic address ([`x_key`]): an X-address of a listed account is a
//! hit whatever its tag. The decode happens only for strings of the
//! X-address shape (47 characters starting `X` or `T`), which no other
//! family has.

use super::error::ParseError;
use super::{Address, AddressKind, Checksum, Family};

/// Decodes `text` as an XRP classic address.
pub(crate) fn parse(text: &str) -> Option<Address> {
    if !text.starts_with('r') {
        return None;
    }
    let data = bs58::decode(text)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check(None)
        .into_vec()
        .ok()?;
    match data.as_slice() {
        [0x00, id @ ..] if id.len() == 20 => Some(Address {
            family: Family::Base58,
            kind: AddressKind::Xrp,
            chains: &["xrp"],
            payload: id.to_vec(),
            checksum: Checksum::Valid,
        }),
        _ => None,
    }
}

/// True if `b` is an XRP classic address (checksum verified). Cheap for
/// most base58 strings: only those starting `r` are decoded.
pub(crate) fn is_classic(b: &[u8]) -> bool {
    let mut out = [0u8; 40];
    b.first() == Some(&b'r')
        && bs58::decode(b)
            .with_alphabet(bs58::Alphabet::RIPPLE)
            .with_check(Some(0))
            .onto(&mut out[..])
            .is_ok_and(|n| n == 21)
}

/// Length of every X-address.
pub(crate) const X_LEN: usize = 47;

/// The two-byte prefix of a mainnet X-address (`X…`).
const X_MAIN: [u8; 2] = [0x05, 0x44];
/// The two-byte prefix of a test-network X-address (`T…`).
const X_TEST: [u8; 2] = [0x04, 0x93];

/// A decoded X-address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct XAddress {
    /// The classic account id.
    pub account: [u8; 20],
    /// The destination tag, if the address carries one.
    pub tag: Option<u32>,
    /// A test-network address (`T…`).
    pub test: bool,
}

/// Shape test: 47 characters, the first `X` or `T`. Nothing else the
/// crate classifies has that length and first character.
#[inline(always)]
pub(crate) fn looks_like_x(b: &[u8]) -> bool {
    b.len() == X_LEN && matches!(b[0], b'X' | b'T')
}

/// Decodes an X-address: base58 in Ripple's alphabet with a base58check
/// checksum over `prefix (2) || account (20) || flags (1) || tag (8, little
/// endian)`. Flags 0: no tag, and the tag bytes are zero; flags 1: a 32-bit
/// tag, and its upper four bytes are zero. Anything else (the 64-bit tags
/// XLS-5d reserves) is refused, as the reference codec refuses it.
pub(crate) fn decode_x(text: &[u8]) -> Result<XAddress, ParseError> {
    if !looks_like_x(text) {
        return Err(ParseError::BadLength {
            family: Family::XAddress,
            len: text.len(),
            expected: "47 characters starting X or T",
        });
    }
    let mut out = [0u8; 40];
    let n = match bs58::decode(text)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check(None)
        .onto(&mut out[..])
    {
        Ok(n) => n,
        Err(bs58::decode::Error::InvalidCharacter { character, index }) => {
            return Err(ParseError::InvalidChar {
                family: Family::XAddress,
                character,
                index,
            });
        }
        Err(_) => {
            return Err(ParseError::Checksum {
                family: Family::XAddress,
            });
        }
    };
    let data = &out[..n];
    if data.len() != 31 {
        return Err(ParseError::BadLength {
            family: Family::XAddress,
            len: data.len(),
            expected: "31 decoded bytes",
        });
    }
    let test = match [data[0], data[1]] {
        X_MAIN => false,
        X_TEST => true,
        _ => {
            return Err(ParseError::UnknownVersion {
                version: super::evm::Hex(&data[..2]).to_string(),
                payload_len: 29,
            });
        }
    };
    let mut account = [0u8; 20];
    account.copy_from_slice(&data[2..22]);
    let flags = data[22];
    let tag = &data[23..31];
    let low = u32::from_le_bytes([tag[0], tag[1], tag[2], tag[3]]);
    let high_zero = tag[4..] == [0; 4];
    let tag = match flags {
        0 if low == 0 && high_zero => None,
        1 if high_zero => Some(low),
        _ => return Err(ParseError::XAddressTag { flags }),
    };
    Ok(XAddress { account, tag, test })
}

/// The tag of an X-address already validated by [`decode_x`] (a hit's
/// query): decoded again without the checksum, which was verified when the
/// query was keyed.
pub(crate) fn tag_of_valid(text: &[u8]) -> Option<u32> {
    let mut out = [0u8; 40];
    let n = bs58::decode(text)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .onto(&mut out[..])
        .ok()?;
    let d = out.get(..n)?;
    (n == 35 && d[22] == 1).then(|| u32::from_le_bytes([d[23], d[24], d[25], d[26]]))
}

#[cfg(test)]
/// The X-address of `account` with `tag` (`test`: a `T…` address).
pub(crate) fn encode_x(account: &[u8; 20], tag: Option<u32>, test: bool) -> String {
    let mut data = Vec::with_capacity(31);
    data.extend_from_slice(if test { &X_TEST } else { &X_MAIN });
    data.extend_from_slice(account);
    data.push(u8::from(tag.is_some()));
    data.extend_from_slice(&tag.unwrap_or(0).to_le_bytes());
    data.extend_from_slice(&[0; 4]);
    bs58::encode(data)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check()
        .into_string()
}

/// The classic spelling of `account` written into `out`; its length.
pub(crate) fn classic_into(account: &[u8; 20], out: &mut [u8]) -> Option<usize> {
    let mut data = [0u8; 21];
    data[1..].copy_from_slice(account);
    bs58::encode(data)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check()
        .onto(out)
        .ok()
}

#[cfg(test)]
/// The classic spelling of `account`.
pub(crate) fn classic(account: &[u8; 20]) -> String {
    let mut out = [0u8; 40];
    let n = classic_into(account, &mut out).unwrap_or(0);
    String::from_utf8_lossy(&out[..n]).into_owned()
}

/// If `b` is a valid X-address, writes the classic address it names into
/// `out` (the key of a base58 string is its text) and returns its length.
#[inline(never)]
pub(crate) fn x_key(b: &[u8], out: &mut [u8]) -> Option<usize> {
    let x = decode_x(b).ok()?;
    classic_into(&x.account, out)
}

/// Full validation of an X-address.
pub(crate) fn parse_x(text: &str) -> Result<Address, ParseError> {
    let x = decode_x(text.as_bytes())?;
    Ok(Address {
        family: Family::XAddress,
        kind: AddressKind::XrpXAddress {
            tag: x.tag,
            test: x.test,
        },
        chains: if x.test { &["xrp-testnet"] } else { &["xrp"] },
        payload: x.account.to_vec(),
        checksum: Checksum::Valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let account = [0x5a; 20];
        for tag in [None, Some(0), Some(1), Some(u32::MAX)] {
            for test in [false, true] {
                let x = encode_x(&account, tag, test);
                assert_eq!(x.len(), X_LEN, "{x}");
                assert_eq!(decode_x(x.as_bytes()), Ok(XAddress { account, tag, test }));
            }
        }
        let c = classic(&account);
        assert_eq!(parse(&c).unwrap().payload, account);
    }
}
