//! The error of the address phase: why a string is not an address
//! ([`ParseError`], with the bech32 crate's reasons in [`Bech32Error`]).

use serde::{Serialize, Serializer};

use super::Family;

/// Why a string is not a well-formed address.
///
/// Positions (`index`) are byte offsets into the address text *after*
/// normalization (whitespace and invisible characters removed, URI scheme
/// stripped), which is what [`normalize`](fn@crate::address::normalize) returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Nothing left after removing whitespace and invisible characters.
    #[error("empty input")]
    Empty,
    /// Longer than any address this crate knows.
    #[error("input is {len} bytes long, more than the {max} an address can have")]
    TooLong {
        /// Length in bytes (after normalization where it could be done).
        len: usize,
        /// The cap.
        max: usize,
    },
    /// A character that the detected family does not allow.
    #[error("invalid character {character:?} at byte {index} for {family}")]
    InvalidChar {
        /// The family the string looked like.
        family: Family,
        /// The offending character.
        character: char,
        /// Its byte offset.
        index: usize,
    },
    /// The length does not fit the detected family.
    #[error("{family} address has length {len}, expected {expected}")]
    BadLength {
        /// The family the string looked like.
        family: Family,
        /// Its length in bytes (or decoded bytes, as `expected` says).
        len: usize,
        /// What was expected, in words.
        expected: &'static str,
    },
    /// The string matches no known address format.
    #[error("not a known address format")]
    UnknownFormat,
    /// A checksum did not verify.
    #[error("{family} checksum mismatch")]
    Checksum {
        /// The family whose checksum failed.
        family: Family,
    },
    /// Mixed-case EVM address whose EIP-55 checksum is wrong.
    #[error("mixed-case EVM address fails its EIP-55 checksum")]
    Eip55Mismatch,
    /// A base58check version byte (and payload length) of no known chain.
    #[error("unknown base58check version 0x{version} with {payload_len}-byte payload")]
    UnknownVersion {
        /// The version byte(s), in hex.
        version: String,
        /// Length of the payload after the version.
        payload_len: usize,
    },
    /// Mixed upper and lower case in a case-insensitive format where the
    /// specification forbids it (bech32, CashAddr).
    #[error("{family} address mixes upper and lower case")]
    MixedCase {
        /// The family.
        family: Family,
    },
    /// An error from the bech32 crate (its error is the [`source`]).
    ///
    /// [`source`]: std::error::Error::source
    #[error("bech32: {0}")]
    Bech32(#[from] Bech32Error),
    /// An error decoding a CashAddr.
    #[error("cashaddr: {0}")]
    CashAddr(#[from] super::cashaddr::CashAddrError),
    /// An error decoding a Monero address.
    #[error("monero: {0}")]
    Monero(#[from] super::monero::MoneroError),
    /// An XRP X-address whose tag field is not one XLS-5d allows: flags 0
    /// (no tag) with zero tag bytes, or flags 1 with a 32-bit tag (a 64-bit
    /// tag is reserved and refused by the reference codec).
    #[error("X-address tag field not allowed (flags {flags:#04x})")]
    XAddressTag {
        /// The flags byte.
        flags: u8,
    },
}

/// What the bech32 crate reported for a bech32-shaped string. The crate's
/// errors are boxed so that [`ParseError`], and every
/// [`Verdict`](crate::Verdict), stays small.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Bech32Error {
    /// Decoding a segwit address (BIP-173 / BIP-350).
    #[error(transparent)]
    Segwit(Box<bech32::segwit::DecodeError>),
    /// Decoding a plain bech32 string (e.g. `bnb1…`).
    #[error(transparent)]
    Plain(Box<bech32::DecodeError>),
    /// Decoding a string that must carry a bech32m checksum (a Zcash TEX
    /// address, ZIP-320).
    #[error(transparent)]
    Checked(Box<bech32::primitives::decode::CheckedHrpstringError>),
}

impl From<bech32::primitives::decode::CheckedHrpstringError> for Bech32Error {
    fn from(e: bech32::primitives::decode::CheckedHrpstringError) -> Self {
        Bech32Error::Checked(Box::new(e))
    }
}

impl From<bech32::segwit::DecodeError> for Bech32Error {
    fn from(e: bech32::segwit::DecodeError) -> Self {
        Bech32Error::Segwit(Box::new(e))
    }
}

impl From<bech32::DecodeError> for Bech32Error {
    fn from(e: bech32::DecodeError) -> Self {
        Bech32Error::Plain(Box::new(e))
    }
}

impl Serialize for ParseError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
