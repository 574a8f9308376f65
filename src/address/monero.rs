//! Monero addresses: block-based base58 and address decoding.
//!
//! Monero's base58 splits the data into 8-byte blocks, each encoded as exactly
//! 11 characters of the Bitcoin alphabet; a final partial block of 0..=7 bytes
//! takes 0, 2, 3, 5, 6, 7, 9 or 10 characters. An address is
//! `varint(prefix) || spend_key[32] || view_key[32] || [payment_id[8]] ||
//! checksum[4]`, where the checksum is the first 4 bytes of Keccak-256
//! (original Keccak padding) over everything before it.

use thiserror::Error;
use tiny_keccak::{Hasher, Keccak};

/// The Bitcoin base58 alphabet (value -> character).
const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Marker for "not in the alphabet" in [`ALPHABET_REV`].
const INVALID: u8 = 0xff;

/// Reverse lookup: byte -> digit value, or [`INVALID`].
const ALPHABET_REV: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Bytes per full block.
const FULL_BLOCK: usize = 8;
/// Characters per full encoded block.
const FULL_ENCODED_BLOCK: usize = 11;
/// Encoded size (characters) of a block of `n` bytes, `n` in `0..=8`.
const ENCODED_BLOCK_SIZES: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];

/// Length of the Keccak checksum.
const CHECKSUM_LEN: usize = 4;
/// Length of a public key.
const KEY_LEN: usize = 32;
/// Length of an integrated address' payment id.
const PAYMENT_ID_LEN: usize = 8;
/// Longest address payload in bytes (1-byte prefix, integrated).
const MAX_ADDRESS_BYTES: usize = 1 + 2 * KEY_LEN + PAYMENT_ID_LEN + CHECKSUM_LEN;
/// Characters in a standard or subaddress.
const STANDARD_LEN: usize = 95;
/// Characters in an integrated address.
const INTEGRATED_LEN: usize = 106;

/// Decoded size of a partial block of `encoded` characters, if valid.
fn decoded_block_size(encoded: usize) -> Option<usize> {
    ENCODED_BLOCK_SIZES.iter().position(|&e| e == encoded)
}

/// The network type of a Monero address (Monero's own term: main, test or
/// stage net). [`crate::Network`] is the crate-wide view, where stagenet is
/// a test network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkType {
    /// Main network.
    Mainnet,
    /// Test network.
    Testnet,
    /// Stage network.
    Stagenet,
}

/// Kind of Monero address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Standard (primary) address.
    Standard,
    /// Integrated address (standard address plus an 8-byte payment id).
    Integrated,
    /// Subaddress.
    Subaddress,
}

/// Known network prefixes.
const PREFIXES: [(u64, NetworkType, Kind); 9] = [
    (18, NetworkType::Mainnet, Kind::Standard),
    (19, NetworkType::Mainnet, Kind::Integrated),
    (42, NetworkType::Mainnet, Kind::Subaddress),
    (53, NetworkType::Testnet, Kind::Standard),
    (54, NetworkType::Testnet, Kind::Integrated),
    (63, NetworkType::Testnet, Kind::Subaddress),
    (24, NetworkType::Stagenet, Kind::Standard),
    (25, NetworkType::Stagenet, Kind::Integrated),
    (36, NetworkType::Stagenet, Kind::Subaddress),
];

/// A decoded Monero address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MoneroAddress {
    /// The network type the prefix belongs to.
    pub network: NetworkType,
    /// Address kind.
    pub kind: Kind,
    /// Public spend key.
    pub spend_key: [u8; 32],
    /// Public view key.
    pub view_key: [u8; 32],
    /// Payment id (integrated addresses only).
    pub payment_id: Option<[u8; 8]>,
}

/// Errors produced while decoding Monero base58 or addresses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneroError {
    /// A character outside the base58 alphabet, at byte offset `index`.
    #[error("invalid character {character:?} at index {index}")]
    InvalidChar {
        /// The offending character.
        character: char,
        /// Byte offset in the input string.
        index: usize,
    },
    /// The string length is impossible (base58: a final block of 1, 4 or 8
    /// characters; address: not 95 or 106 characters).
    #[error("invalid length {len}")]
    BadLength {
        /// Input length in bytes.
        len: usize,
    },
    /// A block's value does not fit in its byte size; `index` is the byte
    /// offset of the block's first character.
    #[error("invalid base58 block at index {index}")]
    BadBlock {
        /// Byte offset of the block in the input string.
        index: usize,
    },
    /// The Keccak checksum does not verify.
    #[error("invalid checksum")]
    Checksum,
    /// The varint network prefix is truncated or overflows 64 bits.
    #[error("malformed prefix varint")]
    BadPrefix,
    /// The network prefix is not a known Monero prefix.
    #[error("unknown address prefix {prefix}")]
    UnknownPrefix {
        /// The decoded prefix.
        prefix: u64,
    },
    /// The decoded length does not match the kind the prefix announces.
    #[error("decoded length {actual} does not match expected {expected}")]
    LengthMismatch {
        /// Byte length required by the prefix's kind.
        expected: usize,
        /// Byte length actually decoded.
        actual: usize,
    },
}

/// Number of bytes `encoded_len` base58 characters decode to, if valid.
fn decoded_len(encoded_len: usize) -> Option<usize> {
    let full = encoded_len / FULL_ENCODED_BLOCK;
    let rest = decoded_block_size(encoded_len % FULL_ENCODED_BLOCK)?;
    full.checked_mul(FULL_BLOCK)?.checked_add(rest)
}

/// Reports the first character of `s` outside the alphabet.
fn check_chars(s: &str) -> Result<(), MoneroError> {
    match s
        .char_indices()
        .find(|&(_, c)| u8::try_from(c).map_or(true, |b| ALPHABET_REV[usize::from(b)] == INVALID))
    {
        Some((index, character)) => Err(MoneroError::InvalidChar { character, index }),
        None => Ok(()),
    }
}

/// Decodes `s` into `out` (which must be exactly `decoded_len(s.len())` long).
/// `s` must already have passed [`check_chars`].
fn decode_into(s: &str, out: &mut [u8]) -> Result<(), MoneroError> {
    let bad_len = MoneroError::BadLength { len: s.len() };
    if decoded_len(s.len()) != Some(out.len()) {
        return Err(bad_len);
    }
    for (block_no, (chunk, dst)) in s
        .as_bytes()
        .chunks(FULL_ENCODED_BLOCK)
        .zip(out.chunks_mut(FULL_BLOCK))
        .enumerate()
    {
        let index = block_no * FULL_ENCODED_BLOCK;
        if decoded_block_size(chunk.len()) != Some(dst.len()) {
            return Err(bad_len);
        }
        let mut value: u64 = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let digit = ALPHABET_REV[usize::from(c)];
            if digit == INVALID {
                return Err(MoneroError::InvalidChar {
                    character: char::from(c),
                    index: index + i,
                });
            }
            value = value
                .checked_mul(58)
                .and_then(|v| v.checked_add(u64::from(digit)))
                .ok_or(MoneroError::BadBlock { index })?;
        }
        let be = value.to_be_bytes();
        let (high, low) = be.split_at(FULL_BLOCK - dst.len());
        if high.iter().any(|&b| b != 0) {
            return Err(MoneroError::BadBlock { index });
        }
        dst.copy_from_slice(low);
    }
    Ok(())
}

/// Decodes Monero block base58.
pub fn decode_base58(s: &str) -> Result<Vec<u8>, MoneroError> {
    check_chars(s)?;
    let n = decoded_len(s.len()).ok_or(MoneroError::BadLength { len: s.len() })?;
    let mut out = vec![0u8; n];
    decode_into(s, &mut out)?;
    Ok(out)
}

/// Encodes bytes as Monero block base58.
#[must_use]
pub fn encode_base58(data: &[u8]) -> String {
    let full = data.len() / FULL_BLOCK;
    let mut out = String::with_capacity(full * FULL_ENCODED_BLOCK + FULL_ENCODED_BLOCK);
    for block in data.chunks(FULL_BLOCK) {
        let mut value = block.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let size = ENCODED_BLOCK_SIZES
            .get(block.len())
            .copied()
            .unwrap_or(FULL_ENCODED_BLOCK);
        let mut buf = [ALPHABET[0]; FULL_ENCODED_BLOCK];
        for slot in buf.iter_mut().take(size).rev() {
            *slot = ALPHABET[(value % 58) as usize];
            value /= 58;
        }
        for &c in buf.iter().take(size) {
            out.push(char::from(c));
        }
    }
    out
}

/// Reads a LEB128 varint from the start of `data`; returns value and length.
fn read_varint(data: &[u8]) -> Result<(u64, usize), MoneroError> {
    let mut value: u64 = 0;
    for (i, &b) in data.iter().enumerate().take(10) {
        let part = u64::from(b & 0x7f);
        let shift = 7 * i as u32;
        if shift == 63 && part > 1 {
            return Err(MoneroError::BadPrefix);
        }
        value |= part << shift;
        if b & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err(MoneroError::BadPrefix)
}

/// Copies a fixed-size array out of `data` at `offset`.
fn take<const N: usize>(data: &[u8], offset: usize) -> Option<[u8; N]> {
    data.get(offset..offset.checked_add(N)?)?.try_into().ok()
}

/// Decode and verify checksum.
///
/// Accepts mainnet, testnet and stagenet standard, integrated and subaddress
/// prefixes. Keys are not checked to be valid curve points.
pub fn decode(s: &str) -> Result<MoneroAddress, MoneroError> {
    check_chars(s)?;
    let len = s.len();
    if len != STANDARD_LEN && len != INTEGRATED_LEN {
        return Err(MoneroError::BadLength { len });
    }
    let n = decoded_len(len).ok_or(MoneroError::BadLength { len })?;
    let mut buf = [0u8; MAX_ADDRESS_BYTES];
    let data = buf.get_mut(..n).ok_or(MoneroError::BadLength { len })?;
    decode_into(s, data)?;
    let data = &*data;

    let (body, checksum) = data
        .split_at_checked(n.saturating_sub(CHECKSUM_LEN))
        .ok_or(MoneroError::BadLength { len })?;
    let mut hash = [0u8; 32];
    let mut keccak = Keccak::v256();
    keccak.update(body);
    keccak.finalize(&mut hash);
    if hash.get(..CHECKSUM_LEN) != Some(checksum) {
        return Err(MoneroError::Checksum);
    }

    let (prefix, off) = read_varint(body)?;
    let (_, network, kind) = PREFIXES
        .iter()
        .copied()
        .find(|&(p, _, _)| p == prefix)
        .ok_or(MoneroError::UnknownPrefix { prefix })?;
    let extra = if kind == Kind::Integrated {
        PAYMENT_ID_LEN
    } else {
        0
    };
    let expected = off + 2 * KEY_LEN + extra + CHECKSUM_LEN;
    if expected != n {
        return Err(MoneroError::LengthMismatch {
            expected,
            actual: n,
        });
    }
    let mismatch = MoneroError::LengthMismatch {
        expected,
        actual: n,
    };
    let spend_key = take::<KEY_LEN>(body, off).ok_or(mismatch.clone())?;
    let view_key = take::<KEY_LEN>(body, off + KEY_LEN).ok_or(mismatch.clone())?;
    let payment_id = if kind == Kind::Integrated {
        Some(take::<PAYMENT_ID_LEN>(body, off + 2 * KEY_LEN).ok_or(mismatch)?)
    } else {
        None
    };
    Ok(MoneroAddress {
        network,
        kind,
        spend_key,
        view_key,
        payment_id,
    })
}

/// Cheap shape test (no decoding): length 95 or 106, all chars in the base58 alphabet.
#[must_use]
pub fn looks_like(s: &[u8]) -> bool {
    (s.len() == STANDARD_LEN || s.len() == INTEGRATED_LEN)
        && s.iter().all(|&c| ALPHABET_REV[usize::from(c)] != INVALID)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mainnet standard addresses ('4') listed in OFAC data that decode.
    const LISTED_STANDARD: &[&str] = &[
        "44dZUJ7w1T3fKAvFW8XyXUVoAGSbFvXef2wcbnsjNKGWYorpLJBjth5VKSFhLGkpYKJb2J341tdZHBnbpv72WL7e8zuxfR2",
        "47FVhkRkWgnLs81UBqgY8ui6axAB1627HJjkY2qPnWxMbGfx7387kcY6RzScHgGMQAaH6CBxKXAS4862tS2fhs9BRdmuyav",
        "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL",
    ];

    /// Mainnet subaddresses ('8') listed in OFAC data.
    const LISTED_SUBADDRESS: &[&str] = &[
        "84AwzjeFWXNEuhj8LWinXo93AqYr6wS8ZcnaBCoGhrL7EtvBMBovdhiUSV9xLhjrPA8t64hYSaMc8bHtWXoV9129EHUjU62",
        "86ze8c9oUftDSTxzFBhfSJYpjvw6GYkqjeEaggy3hBVL1ou2tk79DfSj5YiZ3wjDHp541tizcQ8bVCxCtVHQncuc3asa8wz",
        "87XWTP9tBECHXCwbyMK1KENoy4GeXkRviNzmhNc5Pvo5ExZ1QXjtRRyFeXPuHf7fNiS7KzBZNJeGweJhMbFB647171y66id",
        "884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHhhMUj87ciTBFyzoesrMJ4L1FvSoxL",
        "88wRZuGMuC5YQvXpKpeLFHQeZWW28XtGyZCizkqeypTaRcjzNNKVrCg7PpoEeWaj5A7wwbh5M2X9ycXrfUkbeptACsG4bVn",
        "8ANG5NBnApL94YAKRfCSaS7g2fjEi1DWVcFNTn3wQ5HpfsgtnusgxaXE24bbhXukTgF8esRnMsWaReRiqNbSBSbmRE5Nm5M",
    ];

    /// Listed as XMR by OFAC but not a valid Monero address: contains 'l'
    /// (not in the base58 alphabet) at byte offset 26.
    const LISTED_INVALID_CHAR: &str = "45ezvPejNsKYntjhyyeb7fbfzilsxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";

    /// Listed as XMR by OFAC: a 64-hex string (looks like a tx/key hash).
    const LISTED_HEX: &str = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320";

    fn all_valid() -> impl Iterator<Item = &'static str> {
        LISTED_STANDARD.iter().chain(LISTED_SUBADDRESS).copied()
    }

    #[test]
    fn listed_addresses_decode() {
        for &a in LISTED_STANDARD {
            let d = decode(a).unwrap_or_else(|e| panic!("{a}: {e}"));
            assert_eq!(
                (d.network, d.kind, d.payment_id),
                (NetworkType::Mainnet, Kind::Standard, None)
            );
        }
        for &a in LISTED_SUBADDRESS {
            let d = decode(a).unwrap_or_else(|e| panic!("{a}: {e}"));
            assert_eq!(
                (d.network, d.kind, d.payment_id),
                (NetworkType::Mainnet, Kind::Subaddress, None)
            );
        }
    }

    #[test]
    fn listed_quirks_rejected() {
        assert_eq!(
            decode(LISTED_INVALID_CHAR),
            Err(MoneroError::InvalidChar {
                character: 'l',
                index: 26
            })
        );
        assert!(!looks_like(LISTED_INVALID_CHAR.as_bytes()));
        // '0' is not in the base58 alphabet; the length (64) is also wrong.
        assert_eq!(
            decode(LISTED_HEX),
            Err(MoneroError::InvalidChar {
                character: '0',
                index: 21
            })
        );
        assert!(!looks_like(LISTED_HEX.as_bytes()));
    }

    /// The OFAC entry with 'l' is almost certainly a transcription of '1':
    /// of the 58 alphabet characters at offset 26, only '1' gives a valid
    /// checksum (a mainnet standard address).
    #[test]
    fn listed_invalid_char_is_l_for_1_typo() {
        let fixed: Vec<char> = ALPHABET
            .iter()
            .map(|&c| char::from(c))
            .filter(|&c| {
                let m = format!(
                    "{}{}{}",
                    &LISTED_INVALID_CHAR[..26],
                    c,
                    &LISTED_INVALID_CHAR[27..]
                );
                decode(&m).is_ok()
            })
            .collect();
        assert_eq!(fixed, ['1']);
        let corrected = LISTED_INVALID_CHAR.replacen('l', "1", 1);
        let d = decode(&corrected).unwrap();
        assert_eq!((d.network, d.kind), (NetworkType::Mainnet, Kind::Standard));
    }

    #[test]
    fn one_char_change_fails() {
        for a in all_valid() {
            let bytes = a.as_bytes();
            for i in 0..bytes.len() {
                for &c in b"12zAo0" {
                    if c == bytes[i] {
                        continue;
                    }
                    let mut m = bytes.to_vec();
                    m[i] = c;
                    let m = String::from_utf8(m).unwrap();
                    let r = decode(&m);
                    assert!(r.is_err(), "{m} decoded");
                    if c != b'0' {
                        assert!(
                            matches!(r, Err(MoneroError::Checksum | MoneroError::BadBlock { .. })),
                            "{m}: {r:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn base58_roundtrip() {
        for a in all_valid() {
            let raw = decode_base58(a).unwrap();
            assert_eq!(raw.len(), 69);
            assert_eq!(encode_base58(&raw), a);
        }
        for n in 0..40usize {
            let data: Vec<u8> = (0..n).map(|i| (i * 97 + 13) as u8).collect();
            let s = encode_base58(&data);
            assert_eq!(decode_base58(&s).unwrap(), data);
            let ff = vec![0xffu8; n];
            assert_eq!(decode_base58(&encode_base58(&ff)).unwrap(), ff);
            let zero = vec![0u8; n];
            assert_eq!(
                encode_base58(&zero).bytes().filter(|&c| c != b'1').count(),
                0
            );
            assert_eq!(decode_base58(&encode_base58(&zero)).unwrap(), zero);
        }
        assert_eq!(encode_base58(&[]), "");
        assert_eq!(decode_base58("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn base58_errors() {
        // Partial-block lengths 1, 4 and 8 are impossible.
        for len in [1, 4, 8, 12, 15, 19] {
            assert_eq!(
                decode_base58(&"1".repeat(len)),
                Err(MoneroError::BadLength { len })
            );
        }
        // Full block overflowing u64 ("zzzzzzzzzzz" = 58^11 - 1).
        assert_eq!(
            decode_base58("11111111111zzzzzzzzzzz"),
            Err(MoneroError::BadBlock { index: 11 })
        );
        // Largest full block: 2^64 - 1 = "jpXCZedGfVQ"; one more overflows.
        assert_eq!(encode_base58(&[0xff; 8]), "jpXCZedGfVQ");
        assert_eq!(decode_base58("jpXCZedGfVQ").unwrap(), vec![0xff; 8]);
        assert_eq!(
            decode_base58("jpXCZedGfVR"),
            Err(MoneroError::BadBlock { index: 0 })
        );
        // 1-byte partial block: "5Q" = 255, "5R" = 256 overflows.
        assert_eq!(encode_base58(&[0xff]), "5Q");
        assert_eq!(decode_base58("5R"), Err(MoneroError::BadBlock { index: 0 }));
        assert_eq!(decode_base58("zz"), Err(MoneroError::BadBlock { index: 0 }));
        assert_eq!(
            decode_base58("111110"),
            Err(MoneroError::InvalidChar {
                character: '0',
                index: 5
            })
        );
        assert_eq!(
            decode_base58("11é"),
            Err(MoneroError::InvalidChar {
                character: 'é',
                index: 2
            })
        );
    }

    /// Builds an address from parts with a correct checksum.
    fn build(prefix: u8, extra: usize) -> String {
        let mut data = vec![prefix];
        data.extend((0..64 + extra).map(|i| i as u8));
        let mut hash = [0u8; 32];
        let mut k = Keccak::v256();
        k.update(&data);
        k.finalize(&mut hash);
        data.extend_from_slice(&hash[..4]);
        encode_base58(&data)
    }

    #[test]
    fn networks_and_kinds() {
        for (prefix, network, kind) in PREFIXES {
            let extra = if kind == Kind::Integrated { 8 } else { 0 };
            let s = build(prefix as u8, extra);
            assert!(looks_like(s.as_bytes()));
            let d = decode(&s).unwrap();
            assert_eq!((d.network, d.kind), (network, kind));
            assert_eq!(d.spend_key[0], 0);
            assert_eq!(d.view_key[0], 32);
            assert_eq!(
                d.payment_id,
                (extra > 0).then_some([64, 65, 66, 67, 68, 69, 70, 71])
            );
        }
        assert_eq!(build(18, 0).len(), 95);
        assert!(build(18, 0).starts_with('4'));
        assert!(build(42, 0).starts_with('8'));
        assert_eq!(build(19, 8).len(), 106);
        assert!(build(19, 8).starts_with('4'));
    }

    #[test]
    fn structural_errors() {
        assert_eq!(
            decode(&build(17, 0)),
            Err(MoneroError::UnknownPrefix { prefix: 17 })
        );
        assert_eq!(
            decode(&build(19, 0)),
            Err(MoneroError::LengthMismatch {
                expected: 77,
                actual: 69
            })
        );
        assert_eq!(
            decode(&build(18, 8)),
            Err(MoneroError::LengthMismatch {
                expected: 69,
                actual: 77
            })
        );
        // Truncated varint (continuation bit set throughout).
        let mut data = vec![0x80u8; 65];
        let mut hash = [0u8; 32];
        let mut k = Keccak::v256();
        k.update(&data);
        k.finalize(&mut hash);
        data.extend_from_slice(&hash[..4]);
        let s = encode_base58(&data);
        assert_eq!(decode(&s), Err(MoneroError::BadPrefix));
        // Two-byte varint 0x92 0x00 = 18 is "valid" LEB128 but changes the length.
        let mut data = vec![0x92u8, 0x00];
        data.extend([7u8; 63]);
        let mut k = Keccak::v256();
        k.update(&data);
        k.finalize(&mut hash);
        data.extend_from_slice(&hash[..4]);
        assert_eq!(
            decode(&encode_base58(&data)),
            Err(MoneroError::LengthMismatch {
                expected: 70,
                actual: 69
            })
        );
    }

    #[test]
    fn varint() {
        assert_eq!(read_varint(&[18]), Ok((18, 1)));
        assert_eq!(read_varint(&[0xac, 0x02]), Ok((300, 2)));
        assert_eq!(read_varint(&[]), Err(MoneroError::BadPrefix));
        let mut max = [0xffu8; 10];
        max[9] = 0x01;
        assert_eq!(read_varint(&max), Ok((u64::MAX, 10)));
        max[9] = 0x02;
        assert_eq!(read_varint(&max), Err(MoneroError::BadPrefix));
        assert_eq!(read_varint(&[0xff; 11]), Err(MoneroError::BadPrefix));
    }

    #[test]
    fn looks_like_shapes() {
        for a in all_valid() {
            assert!(looks_like(a.as_bytes()));
            assert!(!looks_like(&a.as_bytes()[1..]));
        }
        assert!(!looks_like(b""));
        assert!(!looks_like(&[0xff; 95]));
        assert!(!looks_like(&[b'0'; 95]));
        assert!(looks_like(&[b'1'; 106]));
    }

    #[test]
    fn never_panics_on_junk() {
        for n in 0..130 {
            for c in ["z", "1", "0", "é"] {
                let s = c.repeat(n);
                let _ = decode(&s);
                let _ = decode_base58(&s);
                let _ = looks_like(s.as_bytes());
            }
        }
    }
}
