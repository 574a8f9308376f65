//! The error of the list phase: why a list file could not be loaded
//! ([`LoadError`]).

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
    Ofac(#[from] super::ofac::OfacError),
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
