//! Bitcoin Cash CashAddr encoding and decoding.
//!
//! Implements the format described in the bitcoincash.org `spec/cashaddr.md`:
//! a prefix (e.g. `bitcoincash`), a `:` separator and a base32 payload made of
//! a version byte, the hash, and a 40-bit BCH checksum. The checksum covers the
//! lower 5 bits of every prefix character, a zero separator group and the
//! payload groups.

use thiserror::Error;

/// Maximum hash length CashAddr can carry.
pub const MAX_HASH: usize = 64;

/// The bech32 / CashAddr character set (value -> lowercase character).
const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// Marker for "not in the charset" in [`CHARSET_REV`].
const INVALID: u8 = 0xff;

/// Reverse lookup: ASCII byte -> 5-bit value, or [`INVALID`]. Both cases map.
const CHARSET_REV: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < CHARSET.len() {
        let c = CHARSET[i];
        table[c as usize] = i as u8;
        table[c.to_ascii_uppercase() as usize] = i as u8;
        i += 1;
    }
    table
};

/// Hash sizes in bytes, indexed by the 3-bit size code of the version byte.
const HASH_SIZES: [usize; 8] = [20, 24, 28, 32, 40, 48, 56, 64];

/// Number of 5-bit checksum groups.
const CHECKSUM_LEN: usize = 8;

/// Longest possible payload (64-byte hash), in characters.
const MAX_PAYLOAD: usize = payload_len_for_hash(MAX_HASH);

/// Version byte plus the largest hash.
const MAX_DATA_BYTES: usize = 1 + MAX_HASH;

/// Errors produced while decoding or encoding a CashAddr.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CashAddrError {
    /// A character outside the allowed set, at byte offset `index` of the input.
    #[error("invalid character {character:?} at index {index}")]
    InvalidChar {
        /// The offending character.
        character: char,
        /// Byte offset in the input string.
        index: usize,
    },
    /// An invalid character in a prefix supplied separately (default prefix or
    /// encode prefix); prefixes must be ASCII letters.
    #[error("invalid prefix character {character:?} at index {index}")]
    InvalidPrefixChar {
        /// The offending character.
        character: char,
        /// Byte offset in the prefix.
        index: usize,
    },
    /// The string mixes lowercase and uppercase letters.
    #[error("mixed-case address")]
    MixedCase,
    /// The payload length (in characters) is not one a CashAddr can have.
    #[error("invalid payload length {len}")]
    BadLength {
        /// Payload length in characters.
        len: usize,
    },
    /// The BCH checksum does not verify.
    #[error("invalid checksum")]
    Checksum,
    /// The version byte has its reserved high bit set.
    #[error("invalid version byte {version:#04x}")]
    BadVersion {
        /// The version byte.
        version: u8,
    },
    /// The version byte's size code disagrees with the actual hash length.
    #[error("hash size mismatch: version says {expected} bytes, payload has {actual}")]
    HashSizeMismatch {
        /// Hash length implied by the size code.
        expected: usize,
        /// Hash length actually present.
        actual: usize,
    },
    /// The bits padding the last 5-bit group are not zero.
    #[error("non-zero padding bits")]
    NonZeroPadding,
    /// The prefix is empty (e.g. the string starts with `:`).
    #[error("empty prefix")]
    EmptyPrefix,
    /// Encoding: the hash length is not one of 20, 24, 28, 32, 40, 48, 56, 64.
    #[error("unsupported hash length {len}")]
    BadHashLength {
        /// The given hash length.
        len: usize,
    },
    /// Encoding: the type field does not fit in 4 bits.
    #[error("invalid address type {kind}")]
    BadKind {
        /// The given type.
        kind: u8,
    },
}

/// A decoded CashAddr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashAddr {
    /// Prefix used for the checksum (lowercase), e.g. `bitcoincash`.
    pub prefix: String,
    /// Type field of the version byte: 0 = P2PKH, 1 = P2SH (other values exist).
    pub kind: u8,
    /// The hash (20..=64 bytes).
    pub hash: Vec<u8>,
}

/// Number of payload characters (version + hash + checksum) for a hash of
/// `hash_len` bytes.
pub(crate) const fn payload_len_for_hash(hash_len: usize) -> usize {
    ((1 + hash_len) * 8).div_ceil(5) + CHECKSUM_LEN
}

/// Size code (0..=7) for a hash length, if CashAddr supports it.
fn size_code(hash_len: usize) -> Option<u8> {
    HASH_SIZES
        .iter()
        .position(|&n| n == hash_len)
        .and_then(|p| u8::try_from(p).ok())
}

/// Shape test of a payload already known to be lower-case and in the
/// charset: a length some hash size gives, a version character with the
/// reserved bit clear, and a size code that agrees with the length.
pub(crate) fn shape_fits(payload: &[u8]) -> bool {
    let Some(hash_len) = hash_len_for_payload(payload.len()) else {
        return false;
    };
    let (Some(&c0), Some(&c1)) = (payload.first(), payload.get(1)) else {
        return false;
    };
    let (v0, v1) = (CHARSET_REV[usize::from(c0)], CHARSET_REV[usize::from(c1)]);
    v0 < 16 && v1 != INVALID && HASH_SIZES[usize::from(v1 >> 2)] == hash_len
}

/// True if some hash size gives a payload of this length (a cheap first
/// rejection on the hot path).
pub(crate) fn plausible_payload_len(payload_len: usize) -> bool {
    hash_len_for_payload(payload_len).is_some()
}

/// Hash length whose payload has exactly `payload_len` characters.
fn hash_len_for_payload(payload_len: usize) -> Option<usize> {
    // One load from a table built at compile time (this runs on the
    // query path of every string of a CashAddr length).
    const BY_LEN: [u8; MAX_PAYLOAD + 1] = {
        let mut t = [0u8; MAX_PAYLOAD + 1];
        let mut i = 0;
        while i < HASH_SIZES.len() {
            t[payload_len_for_hash(HASH_SIZES[i])] = HASH_SIZES[i] as u8;
            i += 1;
        }
        t
    };
    match BY_LEN.get(payload_len) {
        Some(&n) if n != 0 => Some(usize::from(n)),
        _ => None,
    }
}

/// Incremental BCH polymod over 5-bit groups.
struct Polymod(u64);

impl Polymod {
    const GENERATORS: [u64; 5] = [
        0x98_f2bc_8e61,
        0x79_b76d_99e2,
        0xf3_3e5f_b3c4,
        0xae_2eab_e2a8,
        0x1e_4f43_e470,
    ];

    fn new() -> Self {
        Polymod(1)
    }

    /// Per value of the 5 bits shifted out, the `xor` of the generators
    /// its set bits select: one lookup per step instead of five tests.
    const TABLE: [u64; 32] = {
        let mut t = [0u64; 32];
        let mut c = 0;
        while c < 32 {
            let mut i = 0;
            while i < 5 {
                if (c >> i) & 1 == 1 {
                    t[c] ^= Self::GENERATORS[i];
                }
                i += 1;
            }
            c += 1;
        }
        t
    };

    fn feed(&mut self, d: u8) {
        // `c0` is below 32: the state stays under 2^40.
        let c0 = (self.0 >> 35) as usize & 0x1f;
        self.0 = ((self.0 & 0x07_ffff_ffff) << 5) ^ u64::from(d & 0x1f) ^ Self::TABLE[c0];
    }

    /// Feeds the prefix (lower 5 bits of each byte) and the zero separator.
    fn feed_prefix(&mut self, prefix: &[u8]) {
        for &b in prefix {
            self.feed(b & 0x1f);
        }
        self.feed(0);
    }

    fn finish(&self) -> u64 {
        self.0 ^ 1
    }
}

/// Checks a separately supplied prefix: non-empty, ASCII letters only.
fn check_prefix(prefix: &str) -> Result<(), CashAddrError> {
    if prefix.is_empty() {
        return Err(CashAddrError::EmptyPrefix);
    }
    match prefix
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphabetic())
    {
        Some((index, character)) => Err(CashAddrError::InvalidPrefixChar { character, index }),
        None => Ok(()),
    }
}

/// Decode. `s` may be "prefix:payload" or bare payload (then `default_prefix` is used for the checksum).
/// Accepts all-lowercase or all-uppercase; mixed case is an error. Validates charset, checksum, version byte size code vs. actual hash length, padding bits.
///
/// An explicit prefix must consist of ASCII letters. The returned prefix is
/// lowercase. Error indices are byte offsets into `s`.
pub fn decode(s: &str, default_prefix: &str) -> Result<CashAddr, CashAddrError> {
    let (prefix, payload, payload_offset) = match s.find(':') {
        Some(0) => return Err(CashAddrError::EmptyPrefix),
        Some(pos) => {
            let (p, rest) = s.split_at(pos);
            (p, rest.get(1..).unwrap_or(""), pos + 1)
        }
        None => {
            check_prefix(default_prefix)?;
            (default_prefix, s, 0)
        }
    };

    let mut lower = false;
    let mut upper = false;
    let explicit_prefix = payload_offset != 0;
    if explicit_prefix {
        for (index, character) in prefix.char_indices() {
            if character.is_ascii_lowercase() {
                lower = true;
            } else if character.is_ascii_uppercase() {
                upper = true;
            } else {
                return Err(CashAddrError::InvalidChar { character, index });
            }
        }
    }

    let len = payload.len();
    let mut values = [0u8; MAX_PAYLOAD];
    for (i, character) in payload.char_indices() {
        let index = payload_offset + i;
        let v = u8::try_from(character)
            .ok()
            .map_or(INVALID, |b| CHARSET_REV[usize::from(b)]);
        if v == INVALID {
            return Err(CashAddrError::InvalidChar { character, index });
        }
        if character.is_ascii_lowercase() {
            lower = true;
        } else if character.is_ascii_uppercase() {
            upper = true;
        }
        // Store only while it fits; an over-long payload is rejected below.
        if let Some(slot) = values.get_mut(i) {
            *slot = v;
        }
    }
    if lower && upper {
        return Err(CashAddrError::MixedCase);
    }
    if hash_len_for_payload(len).is_none() {
        return Err(CashAddrError::BadLength { len });
    }
    let values = values.get(..len).ok_or(CashAddrError::BadLength { len })?;

    let mut pm = Polymod::new();
    pm.feed_prefix(prefix.as_bytes());
    for &v in values {
        pm.feed(v);
    }
    if pm.finish() != 0 {
        return Err(CashAddrError::Checksum);
    }

    let data = values
        .get(..len - CHECKSUM_LEN)
        .ok_or(CashAddrError::BadLength { len })?;
    let mut bytes = [0u8; MAX_DATA_BYTES];
    let n = convert_5_to_8(data, &mut bytes)?;
    let bytes = bytes.get(..n).ok_or(CashAddrError::BadLength { len })?;
    let (&version, hash) = bytes
        .split_first()
        .ok_or(CashAddrError::BadLength { len })?;
    if version & 0x80 != 0 {
        return Err(CashAddrError::BadVersion { version });
    }
    let expected = HASH_SIZES[usize::from(version & 0x07)];
    if expected != hash.len() {
        return Err(CashAddrError::HashSizeMismatch {
            expected,
            actual: hash.len(),
        });
    }
    Ok(CashAddr {
        prefix: prefix.to_ascii_lowercase(),
        kind: (version >> 3) & 0x0f,
        hash: hash.to_vec(),
    })
}

/// Regroups 5-bit values into bytes; returns the byte count. Leftover bits
/// must be fewer than 5 and all zero.
fn convert_5_to_8(data: &[u8], out: &mut [u8]) -> Result<usize, CashAddrError> {
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut n = 0;
    for &v in data {
        acc = ((acc << 5) | u32::from(v)) & 0xfff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            let slot = out.get_mut(n).ok_or(CashAddrError::BadLength {
                len: data.len() + CHECKSUM_LEN,
            })?;
            *slot = ((acc >> bits) & 0xff) as u8;
            n += 1;
        }
    }
    if bits >= 5 {
        return Err(CashAddrError::BadLength {
            len: data.len() + CHECKSUM_LEN,
        });
    }
    if acc & ((1 << bits) - 1) != 0 {
        return Err(CashAddrError::NonZeroPadding);
    }
    Ok(n)
}

/// Encode (lowercase, with "prefix:").
///
/// `prefix` must be non-empty ASCII letters (it is lowercased); `kind` must fit
/// in 4 bits; `hash` must be 20, 24, 28, 32, 40, 48, 56 or 64 bytes.
pub fn encode(prefix: &str, kind: u8, hash: &[u8]) -> Result<String, CashAddrError> {
    check_prefix(prefix)?;
    if kind > 0x0f {
        return Err(CashAddrError::BadKind { kind });
    }
    let code = size_code(hash.len()).ok_or(CashAddrError::BadHashLength { len: hash.len() })?;
    let version = (kind << 3) | code;

    let mut values = [0u8; MAX_PAYLOAD];
    let mut n = 0;
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for &b in core::iter::once(&version).chain(hash) {
        acc = ((acc << 8) | u32::from(b)) & 0xfff;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            if let Some(slot) = values.get_mut(n) {
                *slot = ((acc >> bits) & 0x1f) as u8;
            }
            n += 1;
        }
    }
    if bits > 0 {
        if let Some(slot) = values.get_mut(n) {
            *slot = ((acc << (5 - bits)) & 0x1f) as u8;
        }
        n += 1;
    }

    let prefix_lower = prefix.to_ascii_lowercase();
    let mut pm = Polymod::new();
    pm.feed_prefix(prefix_lower.as_bytes());
    for &v in values.iter().take(n) {
        pm.feed(v);
    }
    for _ in 0..CHECKSUM_LEN {
        pm.feed(0);
    }
    let checksum = pm.finish();

    let mut out = String::with_capacity(prefix_lower.len() + 1 + n + CHECKSUM_LEN);
    out.push_str(&prefix_lower);
    out.push(':');
    for &v in values.iter().take(n) {
        out.push(char::from(CHARSET[usize::from(v & 0x1f)]));
    }
    for i in 0..CHECKSUM_LEN {
        let v = (checksum >> (5 * (CHECKSUM_LEN - 1 - i))) & 0x1f;
        out.push(char::from(CHARSET[v as usize]));
    }
    Ok(out)
}

/// Cheap shape test used on the hot path (no checksum): true if `payload` (without prefix) has a length that a valid CashAddr payload can have for some size code, the first char is a valid version start, and every char is in the bech32 charset "qpzry9x8gf2tvdw0s3jn54khce6mua7l" in one case (all lower or all upper; digits allowed in both).
///
/// "Valid version start" means the first character encodes a clear reserved
/// bit (one of `qpzry9x8gf2tvdw0`). Additionally the size code carried by the
/// second character must match the payload length, so every payload accepted
/// by [`decode`] passes, and most random bech32-charset strings do not.
#[must_use]
pub fn looks_like_payload(payload: &[u8]) -> bool {
    let Some(hash_len) = hash_len_for_payload(payload.len()) else {
        return false;
    };
    let (Some(&c0), Some(&c1)) = (payload.first(), payload.get(1)) else {
        return false;
    };
    let v0 = CHARSET_REV[usize::from(c0)];
    let v1 = CHARSET_REV[usize::from(c1)];
    // v0 = reserved bit + 4 type bits; reserved bit must be clear.
    if v0 >= 16 || v1 == INVALID {
        return false;
    }
    // v1 = 3 size-code bits + 2 hash bits.
    if HASH_SIZES[usize::from(v1 >> 2)] != hash_len {
        return false;
    }
    let mut lower = false;
    let mut upper = false;
    for &c in payload {
        if CHARSET_REV[usize::from(c)] == INVALID {
            return false;
        }
        lower |= c.is_ascii_lowercase();
        upper |= c.is_ascii_uppercase();
    }
    !(lower && upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The polymod step as the CashAddr spec writes it: one generator
    /// test per bit shifted out.
    fn feed_by_bits(c: u64, d: u8) -> u64 {
        let c0 = c >> 35;
        let mut c = ((c & 0x07_ffff_ffff) << 5) ^ u64::from(d & 0x1f);
        for (i, g) in Polymod::GENERATORS.iter().enumerate() {
            if (c0 >> i) & 1 == 1 {
                c ^= g;
            }
        }
        c
    }

    #[test]
    fn polymod_table_matches_the_bitwise_step() {
        // Every 5-bit value shifted out, every input value, from states
        // spread over the 40-bit range (an LCG walk).
        let mut state: u64 = 1;
        for step in 0..200_000u64 {
            let d = (step % 32) as u8;
            let mut p = Polymod(state);
            p.feed(d);
            assert_eq!(p.0, feed_by_bits(state, d), "state {state:#x}, value {d}");
            state = p.0;
            if step % 7 == 0 {
                state = (state.wrapping_mul(6364136223846793005).wrapping_add(step)) >> 24;
            }
        }
        for (c0, &t) in Polymod::TABLE.iter().enumerate() {
            assert_eq!(t, feed_by_bits((c0 as u64) << 35, 0), "table entry {c0}");
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// (legacy, legacy version byte, hash160 from base58check-decoding legacy, cashaddr)
    #[rustfmt::skip]
    const LEGACY: &[(&str, u8, &str, &str)] = &[
        ("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", 0x00, "76a04053bda0a88bda5177b86a15c3b29f559873", "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
        ("1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR", 0x00, "cb481232299cd5743151ac4b2d63ae198e7bb0a9", "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy"),
        ("16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb", 0x00, "011f28e473c95f4013d7d53ec5fbc3b42df8ed10", "bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r"),
        ("3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC", 0x05, "76a04053bda0a88bda5177b86a15c3b29f559873", "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq"),
        ("3LDsS579y7sruadqu11beEJoTjdFiFCdX4", 0x05, "cb481232299cd5743151ac4b2d63ae198e7bb0a9", "bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e"),
        ("31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw", 0x05, "011f28e473c95f4013d7d53ec5fbc3b42df8ed10", "bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37"),
    ];

    /// (hash size, type, cashaddr, hash hex) — "Larger Test Vectors" of the spec.
    #[rustfmt::skip]
    const VECTORS: &[(usize, u8, &str, &str)] = &[
        (20, 0, "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2", "F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9"),
        (20, 1, "bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t", "F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9"),
        (20, 1, "pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5", "F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9"),
        (20, 15, "prefix:0r6m7j9njldwwzlg9v7v53unlr4jkmx6ey3qnjwsrf", "F5BF48B397DAE70BE82B3CCA4793F8EB2B6CDAC9"),
        (24, 0, "bitcoincash:q9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2ws4mr9g0", "7ADBF6C17084BC86C1706827B41A56F5CA32865925E946EA"),
        (24, 1, "bchtest:p9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2u94tsynr", "7ADBF6C17084BC86C1706827B41A56F5CA32865925E946EA"),
        (24, 1, "pref:p9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2khlwwk5v", "7ADBF6C17084BC86C1706827B41A56F5CA32865925E946EA"),
        (24, 15, "prefix:09adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2p29kc2lp", "7ADBF6C17084BC86C1706827B41A56F5CA32865925E946EA"),
        (28, 0, "bitcoincash:qgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcw59jxxuz", "3A84F9CF51AAE98A3BB3A78BF16A6183790B18719126325BFC0C075B"),
        (28, 1, "bchtest:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcvs7md7wt", "3A84F9CF51AAE98A3BB3A78BF16A6183790B18719126325BFC0C075B"),
        (28, 1, "pref:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcrsr6gzkn", "3A84F9CF51AAE98A3BB3A78BF16A6183790B18719126325BFC0C075B"),
        (28, 15, "prefix:0gagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkc5djw8s9g", "3A84F9CF51AAE98A3BB3A78BF16A6183790B18719126325BFC0C075B"),
        (32, 0, "bitcoincash:qvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq5nlegake", "3173EF6623C6B48FFD1A3DCC0CC6489B0A07BB47A37F47CFEF4FE69DE825C060"),
        (32, 1, "bchtest:pvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq7fqng6m6", "3173EF6623C6B48FFD1A3DCC0CC6489B0A07BB47A37F47CFEF4FE69DE825C060"),
        (32, 1, "pref:pvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq4k9m7qf9", "3173EF6623C6B48FFD1A3DCC0CC6489B0A07BB47A37F47CFEF4FE69DE825C060"),
        (32, 15, "prefix:0vch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxqsh6jgp6w", "3173EF6623C6B48FFD1A3DCC0CC6489B0A07BB47A37F47CFEF4FE69DE825C060"),
        (40, 0, "bitcoincash:qnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv39gr3uvz", "C07138323E00FA4FC122D3B85B9628EA810B3F381706385E289B0B25631197D194B5C238BEB136FB"),
        (40, 1, "bchtest:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklvmgm6ynej", "C07138323E00FA4FC122D3B85B9628EA810B3F381706385E289B0B25631197D194B5C238BEB136FB"),
        (40, 1, "pref:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv0vx5z0w3", "C07138323E00FA4FC122D3B85B9628EA810B3F381706385E289B0B25631197D194B5C238BEB136FB"),
        (40, 15, "prefix:0nq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklvwsvctzqy", "C07138323E00FA4FC122D3B85B9628EA810B3F381706385E289B0B25631197D194B5C238BEB136FB"),
        (48, 0, "bitcoincash:qh3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqex2w82sl", "E361CA9A7F99107C17A622E047E3745D3E19CF804ED63C5C40C6BA763696B98241223D8CE62AD48D863F4CB18C930E4C"),
        (48, 1, "bchtest:ph3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqnzf7mt6x", "E361CA9A7F99107C17A622E047E3745D3E19CF804ED63C5C40C6BA763696B98241223D8CE62AD48D863F4CB18C930E4C"),
        (48, 1, "pref:ph3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqjntdfcwg", "E361CA9A7F99107C17A622E047E3745D3E19CF804ED63C5C40C6BA763696B98241223D8CE62AD48D863F4CB18C930E4C"),
        (48, 15, "prefix:0h3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqakcssnmn", "E361CA9A7F99107C17A622E047E3745D3E19CF804ED63C5C40C6BA763696B98241223D8CE62AD48D863F4CB18C930E4C"),
        (56, 0, "bitcoincash:qmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqscw8jd03f", "D9FA7C4C6EF56DC4FF423BAAE6D495DBFF663D034A72D1DC7D52CBFE7D1E6858F9D523AC0A7A5C34077638E4DD1A701BD017842789982041"),
        (56, 1, "bchtest:pmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqs6kgdsg2g", "D9FA7C4C6EF56DC4FF423BAAE6D495DBFF663D034A72D1DC7D52CBFE7D1E6858F9D523AC0A7A5C34077638E4DD1A701BD017842789982041"),
        (56, 1, "pref:pmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqsammyqffl", "D9FA7C4C6EF56DC4FF423BAAE6D495DBFF663D034A72D1DC7D52CBFE7D1E6858F9D523AC0A7A5C34077638E4DD1A701BD017842789982041"),
        (56, 15, "prefix:0mvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqsgjrqpnw8", "D9FA7C4C6EF56DC4FF423BAAE6D495DBFF663D034A72D1DC7D52CBFE7D1E6858F9D523AC0A7A5C34077638E4DD1A701BD017842789982041"),
        (64, 0, "bitcoincash:qlg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mtky5sv5w", "D0F346310D5513D9E01E299978624BA883E6BDA8F4C60883C10F28C2967E67EC77ECC7EEEAEAFC6DA89FAD72D11AC961E164678B868AEEEC5F2C1DA08884175B"),
        (64, 1, "bchtest:plg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mc773cwez", "D0F346310D5513D9E01E299978624BA883E6BDA8F4C60883C10F28C2967E67EC77ECC7EEEAEAFC6DA89FAD72D11AC961E164678B868AEEEC5F2C1DA08884175B"),
        (64, 1, "pref:plg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mg7pj3lh8", "D0F346310D5513D9E01E299978624BA883E6BDA8F4C60883C10F28C2967E67EC77ECC7EEEAEAFC6DA89FAD72D11AC961E164678B868AEEEC5F2C1DA08884175B"),
        (64, 15, "prefix:0lg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96ms92w6845", "D0F346310D5513D9E01E299978624BA883E6BDA8F4C60883C10F28C2967E67EC77ECC7EEEAEAFC6DA89FAD72D11AC961E164678B868AEEEC5F2C1DA08884175B"),
    ];

    fn all_addresses() -> impl Iterator<Item = &'static str> {
        LEGACY
            .iter()
            .map(|v| v.3)
            .chain(VECTORS.iter().map(|v| v.2))
    }

    #[test]
    fn vector_counts() {
        assert_eq!(LEGACY.len(), 6);
        assert_eq!(VECTORS.len(), 32);
    }

    #[test]
    fn legacy_pairs_decode_to_legacy_hash() {
        for &(legacy, version, hash, addr) in LEGACY {
            let d = decode(addr, "bitcoincash").unwrap_or_else(|e| panic!("{addr}: {e}"));
            assert_eq!(d.prefix, "bitcoincash");
            let expected_kind = if version == 0x05 { 1 } else { 0 };
            assert_eq!(d.kind, expected_kind, "{legacy}");
            assert_eq!(d.hash, hex(hash), "{legacy}");
        }
    }

    #[test]
    fn larger_vectors_decode() {
        for &(size, kind, addr, hash) in VECTORS {
            let d = decode(addr, "bitcoincash").unwrap_or_else(|e| panic!("{addr}: {e}"));
            assert_eq!(d.kind, kind, "{addr}");
            assert_eq!(d.hash.len(), size, "{addr}");
            assert_eq!(d.hash, hex(hash), "{addr}");
            assert_eq!(Some(d.prefix.as_str()), addr.split(':').next());
        }
    }

    #[test]
    fn encode_roundtrip() {
        for addr in all_addresses() {
            let d = decode(addr, "bitcoincash").unwrap();
            assert_eq!(encode(&d.prefix, d.kind, &d.hash).unwrap(), addr);
        }
    }

    #[test]
    fn uppercase_decodes_identically() {
        for addr in all_addresses() {
            let upper = addr.to_ascii_uppercase();
            assert_eq!(
                decode(&upper, "x").unwrap(),
                decode(addr, "x").unwrap(),
                "{upper}"
            );
        }
    }

    #[test]
    fn bare_payload_uses_default_prefix() {
        for &(_, kind, addr, hash) in VECTORS {
            let (prefix, payload) = addr.split_once(':').unwrap();
            let d = decode(payload, prefix).unwrap();
            assert_eq!((d.kind, d.hash), (kind, hex(hash)));
            assert_eq!(
                decode(&payload.to_ascii_uppercase(), prefix)
                    .unwrap()
                    .prefix,
                prefix
            );
            // Wrong default prefix: checksum fails.
            assert_eq!(decode(payload, "wrongprefix"), Err(CashAddrError::Checksum));
        }
    }

    #[test]
    fn one_char_corruptions_fail() {
        for addr in all_addresses() {
            let colon = addr.find(':').unwrap();
            let bytes = addr.as_bytes();
            for i in 0..bytes.len() {
                if i == colon {
                    continue;
                }
                for &c in CHARSET.iter().chain(b"az") {
                    if c == bytes[i] {
                        continue;
                    }
                    let mut m = bytes.to_vec();
                    m[i] = c;
                    let m = String::from_utf8(m).unwrap();
                    assert!(decode(&m, "bitcoincash").is_err(), "{m} decoded");
                }
            }
        }
    }

    #[test]
    fn mixed_case_fails() {
        let addr = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a";
        assert_eq!(
            decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6A", ""),
            Err(CashAddrError::MixedCase)
        );
        assert_eq!(
            decode("BITCOINCASH:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", ""),
            Err(CashAddrError::MixedCase)
        );
        assert_eq!(
            decode("Bitcoincash:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A", ""),
            Err(CashAddrError::MixedCase)
        );
        assert_eq!(
            decode("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdX6a", "bitcoincash"),
            Err(CashAddrError::MixedCase)
        );
        assert!(decode(addr, "").is_ok());
    }

    #[test]
    fn positioned_errors() {
        assert_eq!(
            decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdxba", ""),
            Err(CashAddrError::InvalidChar {
                character: 'b',
                index: 52
            })
        );
        assert_eq!(
            decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gd€6a", ""),
            Err(CashAddrError::InvalidChar {
                character: '€',
                index: 51
            })
        );
        assert_eq!(
            decode(
                "bitcoin1cash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
                ""
            ),
            Err(CashAddrError::InvalidChar {
                character: '1',
                index: 7
            })
        );
        assert_eq!(
            decode("a:b:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", ""),
            Err(CashAddrError::InvalidChar {
                character: 'b',
                index: 2
            })
        );
        assert_eq!(
            decode(":qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "bitcoincash"),
            Err(CashAddrError::EmptyPrefix)
        );
        assert_eq!(
            decode("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", ""),
            Err(CashAddrError::EmptyPrefix)
        );
        assert_eq!(
            decode("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "bit-coin"),
            Err(CashAddrError::InvalidPrefixChar {
                character: '-',
                index: 3
            })
        );
        assert_eq!(
            decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6", ""),
            Err(CashAddrError::BadLength { len: 41 })
        );
        assert_eq!(
            decode("bitcoincash:", ""),
            Err(CashAddrError::BadLength { len: 0 })
        );
        assert_eq!(
            decode("", "bitcoincash"),
            Err(CashAddrError::BadLength { len: 0 })
        );
        let long = format!("bitcoincash:{}", "q".repeat(500));
        assert_eq!(
            decode(&long, ""),
            Err(CashAddrError::BadLength { len: 500 })
        );
    }

    /// Builds a payload with arbitrary 5-bit data groups and a valid checksum.
    fn with_checksum(prefix: &str, data: &[u8]) -> String {
        let mut pm = Polymod::new();
        pm.feed_prefix(prefix.as_bytes());
        for &v in data {
            pm.feed(v);
        }
        for _ in 0..CHECKSUM_LEN {
            pm.feed(0);
        }
        let c = pm.finish();
        let mut s = format!("{prefix}:");
        for &v in data {
            s.push(char::from(CHARSET[usize::from(v)]));
        }
        for i in 0..CHECKSUM_LEN {
            s.push(char::from(CHARSET[((c >> (5 * (7 - i))) & 31) as usize]));
        }
        s
    }

    fn groups(addr: &str) -> Vec<u8> {
        let payload = addr.split_once(':').unwrap().1;
        let body = &payload[..payload.len() - CHECKSUM_LEN];
        body.bytes().map(|c| CHARSET_REV[usize::from(c)]).collect()
    }

    #[test]
    fn structural_errors_with_valid_checksum() {
        let base = groups("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a");
        assert_eq!(
            decode(&with_checksum("bitcoincash", &base), "")
                .unwrap()
                .kind,
            0
        );

        // Reserved bit set in version byte.
        let mut g = base.clone();
        g[0] |= 0x10;
        assert_eq!(
            decode(&with_checksum("bitcoincash", &g), ""),
            Err(CashAddrError::BadVersion { version: 0x80 })
        );

        // Size code 1 (24 bytes) with a 20-byte hash.
        let mut g = base.clone();
        g[1] = (g[1] & 0x03) | (1 << 2);
        assert_eq!(
            decode(&with_checksum("bitcoincash", &g), ""),
            Err(CashAddrError::HashSizeMismatch {
                expected: 24,
                actual: 20
            })
        );

        // Non-zero padding (20-byte hash: 2 padding bits in the last group).
        let mut g = base.clone();
        *g.last_mut().unwrap() |= 1;
        assert_eq!(
            decode(&with_checksum("bitcoincash", &g), ""),
            Err(CashAddrError::NonZeroPadding)
        );
    }

    #[test]
    fn encode_errors() {
        assert_eq!(encode("", 0, &[0; 20]), Err(CashAddrError::EmptyPrefix));
        assert_eq!(
            encode("bch1", 0, &[0; 20]),
            Err(CashAddrError::InvalidPrefixChar {
                character: '1',
                index: 3
            })
        );
        assert_eq!(
            encode("bch", 16, &[0; 20]),
            Err(CashAddrError::BadKind { kind: 16 })
        );
        assert_eq!(
            encode("bch", 0, &[0; 21]),
            Err(CashAddrError::BadHashLength { len: 21 })
        );
        assert_eq!(
            encode("bch", 0, &[]),
            Err(CashAddrError::BadHashLength { len: 0 })
        );
        assert_eq!(
            encode(
                "BitcoinCash",
                1,
                &hex("76a04053bda0a88bda5177b86a15c3b29f559873")
            )
            .unwrap(),
            "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq"
        );
    }

    #[test]
    fn encode_decode_all_sizes_and_kinds() {
        for &size in &HASH_SIZES {
            for kind in 0..16u8 {
                let hash: Vec<u8> = (0..size)
                    .map(|i| (i * 37 + usize::from(kind)) as u8)
                    .collect();
                let s = encode("bchreg", kind, &hash).unwrap();
                assert_eq!(s.len(), "bchreg:".len() + payload_len_for_hash(size));
                let d = decode(&s, "").unwrap();
                assert_eq!((d.kind, d.hash.as_slice()), (kind, hash.as_slice()));
                assert!(looks_like_payload(s.split_once(':').unwrap().1.as_bytes()));
            }
        }
    }

    #[test]
    fn payload_lengths() {
        let lens: Vec<usize> = HASH_SIZES
            .iter()
            .map(|&n| payload_len_for_hash(n))
            .collect();
        assert_eq!(lens, [42, 48, 55, 61, 74, 87, 100, 112]);
        assert_eq!(MAX_PAYLOAD, 112);
    }

    #[test]
    fn looks_like_payload_shapes() {
        for addr in all_addresses() {
            let payload = addr.split_once(':').unwrap().1;
            assert!(looks_like_payload(payload.as_bytes()), "{payload}");
            assert!(looks_like_payload(payload.to_ascii_uppercase().as_bytes()));
            // Mixed case.
            let mut m = payload.as_bytes().to_vec();
            let j = m.iter().rposition(|c| c.is_ascii_lowercase()).unwrap();
            m[j] = m[j].to_ascii_uppercase();
            assert!(!looks_like_payload(&m), "{payload}");
            // Wrong length.
            assert!(!looks_like_payload(&payload.as_bytes()[1..]));
            // Invalid char.
            let mut m = payload.as_bytes().to_vec();
            m[5] = b'b';
            assert!(!looks_like_payload(&m));
        }
        // Reserved bit set: first char value >= 16.
        assert!(!looks_like_payload(
            b"sr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2"
        ));
        // Size code mismatch: 'z' (value 2) → size code 0 fine; 'v' (12) → code 3.
        assert!(!looks_like_payload(
            b"qv6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2"
        ));
        assert!(!looks_like_payload(b""));
        assert!(!looks_like_payload(&[0xff; 42]));
        assert!(!looks_like_payload(
            "qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ek€".as_bytes()
        ));
    }

    #[test]
    fn never_panics_on_junk() {
        let inputs = [
            "",
            ":",
            "::",
            "a:",
            ":a",
            "bitcoincash:€€€",
            "\u{0}",
            "q",
            "Q:Q",
            "bitcoincash:qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
        ];
        for s in inputs {
            let _ = decode(s, "bitcoincash");
            let _ = decode(s, "");
            let _ = looks_like_payload(s.as_bytes());
        }
        // Every payload length up to 130, with the valid ones hitting checksum.
        for n in 0..130 {
            let s = "q".repeat(n);
            let _ = decode(&s, "bitcoincash");
        }
    }
}
