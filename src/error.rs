//! Typed errors, one per phase: [`ParseError`] (an address string),
//! [`LoadError`] (a list file), [`BuildError`] (compiling a screener).

use serde::{Serialize, Serializer};

use crate::address::Family;

/// Why a string is not a well-formed address.
///
/// Positions (`index`) are byte offsets into the address text *after*
/// normalization (whitespace and invisible characters removed, URI scheme
/// stripped), which is what [`crate::address::normalize`] returns.
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
    CashAddr(#[from] crate::address::cashaddr::CashAddrError),
    /// An error decoding a Monero address.
    #[error("monero: {0}")]
    Monero(#[from] crate::address::monero::MoneroError),
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

/// Why a list file could not be loaded.
///
/// A list that fails to load never reaches a screener: loading is all or
/// nothing. Entries whose *address* is malformed are not load errors; they
/// are kept and flagged (see [`crate::list::Entry::issue`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Reading the file failed.
    #[error("reading {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("line {line}: invalid UTF-8 at byte {byte}")]
    Utf8 {
        /// 1-based line number.
        line: usize,
        /// Byte offset in the file.
        byte: usize,
    },
    /// The CSV structure is broken (e.g. an unterminated quote, a row with
    /// more fields than the header).
    #[error("line {line}: malformed CSV: {reason}")]
    Csv {
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong, without the csv crate's own (section-relative)
        /// position.
        reason: String,
        /// The csv crate's error.
        #[source]
        source: csv::Error,
    },
    /// The CSV has no header row or no `address` column. No longer raised
    /// by the loaders: a table whose header names no address column has
    /// it found by content (see
    /// [`List::from_bytes_with`](crate::List::from_bytes_with)), and a
    /// column the caller names but the file lacks is
    /// [`LoadError::ColumnNotFound`]. Kept so that matching code compiles.
    #[error("line {line}: CSV header has no `address` column")]
    MissingAddressColumn {
        /// 1-based line number of the header (0 when there is none).
        line: usize,
    },
    /// A metadata line (`# key: value`) with a bad value.
    #[error("line {line}: bad metadata {key:?}: {reason}")]
    BadMetadata {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// An unsupported format version in `# walletscreen-list:`.
    #[error("line {line}: unsupported list format version {version:?}")]
    UnsupportedVersion {
        /// 1-based line number.
        line: usize,
        /// The version found.
        version: String,
    },
    /// UTF-16 text (detected by its byte order mark) with an unpaired
    /// surrogate.
    #[error("line {line}: invalid UTF-16 at code unit {unit}")]
    Utf16 {
        /// 1-based line number.
        line: usize,
        /// Offset in 16-bit code units after the byte order mark.
        unit: usize,
    },
    /// A JSON list that does not parse, or holds something other than
    /// strings and objects.
    #[error("line {line}: {reason}")]
    Json {
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong.
        reason: String,
        /// serde_json's error, when it raised one.
        #[source]
        source: Option<serde_json::Error>,
    },
    /// The column (or JSON field) the caller named is not in the file.
    #[error("line {line}: no column {column} (the header or the first row has none)")]
    ColumnNotFound {
        /// The column asked for, as given.
        column: String,
        /// 1-based line of the header (or first row).
        line: usize,
    },
    /// The list has no entries: an empty file, or only comments, blank
    /// lines, a header, empty rows or JSON objects without the address
    /// field. Refused unless
    /// [`LoadOptions::allow_empty`](crate::list::LoadOptions::allow_empty).
    #[error("no entries: {}", match *lines {
        0 => "the file is empty".to_owned(),
        n => format!(
            "{n} {}, none an entry (comments, blank lines, a header, empty rows, \
             JSON objects without a string address field)",
            if n == 1 { "line" } else { "lines" }
        ),
    })]
    NoEntries {
        /// Lines in the file.
        lines: usize,
    },
    /// More than half of the entries are not addresses
    /// ([`MAX_NOT_ADDRESSES`](crate::list::MAX_NOT_ADDRESSES)): not a list of
    /// addresses, or the addresses are in another column. Refused unless
    /// [`LoadOptions::allow_non_addresses`](crate::list::LoadOptions::allow_non_addresses)
    /// (or the column is named).
    #[error("most entries are not addresses: {not_addresses} of {entries} ({}), more than half; is the address column another one? name it, or allow non-addresses explicitly", lines_list(lines, *not_addresses))]
    MostlyNotAddresses {
        /// Entries read.
        entries: usize,
        /// Entries that are not valid addresses.
        not_addresses: usize,
        /// The lines of the first of them.
        lines: Vec<usize>,
    },
    /// An OFAC file that is malformed, truncated, incomplete or of the
    /// wrong kind.
    #[error("OFAC file: {0}")]
    Ofac(#[from] crate::list::ofac::OfacError),
    /// A listing-history file ([`crate::History::from_csv_bytes`]) with a
    /// bad history column (a bad date, a delisting without its end).
    #[error("line {line}: bad history row: {reason}")]
    BadHistory {
        /// 1-based line number (0 when not known).
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// `line 3` / `lines 3, 4, …`.
fn lines_list(lines: &[usize], total: usize) -> String {
    let list: Vec<String> = lines.iter().map(ToString::to_string).collect();
    let more = if total > lines.len() { ", …" } else { "" };
    let word = if total == 1 { "line" } else { "lines" };
    format!("{word} {}{more}", list.join(", "))
}

/// Why a screener could not be compiled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Two lists share one id.
    #[error("two lists have the id {id:?}")]
    DuplicateListId {
        /// The id.
        id: String,
    },
    /// More keys than the compact index can address (2^32 - 1).
    #[error("too many keys: {count}")]
    TooManyKeys {
        /// How many.
        count: usize,
    },
    /// The bloom filter could not be created.
    #[error("bloom filter: {reason}")]
    Bloom {
        /// The bloomfilter crate's reason.
        reason: String,
    },
    /// A bundled list failed to load (a bug in the crate's data).
    #[error("bundled list {id}: {source}")]
    Bundled {
        /// The list id.
        id: String,
        /// The load error.
        #[source]
        source: LoadError,
    },
}
