//! How to load a list: its format, its address column, and the options
//! that relax the refusals.

use super::ofac;

/// The format of a list file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// A delimited table: walletscreen list v1, or any CSV / TSV /
    /// semicolon- or pipe-separated export (delimiter sniffed, header and
    /// address column detected).
    Csv,
    /// One address per line, optionally followed by a note.
    Text,
    /// A JSON array (of strings or objects) or JSON lines.
    Json,
    /// An OFAC file (see [`ofac`]).
    Ofac(ofac::OfacFormat),
}

/// Which column (or JSON field) holds the addresses, for the files whose
/// column detection cannot decide (see [`LoadOptions::column`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    /// A header (or JSON field) name: exact, else trimmed, else compared
    /// with case, spaces and punctuation ignored (`Wallet Address` names
    /// `wallet_address`).
    Name(String),
    /// A 1-based column number, as `cut -f`.
    Number(usize),
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Name(n) => write!(f, "{n:?}"),
            Column::Number(k) => write!(f, "#{k}"),
        }
    }
}

impl std::str::FromStr for Column {
    type Err = String;
    /// Digits are a column number (from 1), anything else a name.
    fn from_str(s: &str) -> Result<Column, String> {
        if s.is_empty() {
            return Err("empty column name".to_owned());
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return match s.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(Column::Number(k)),
                _ => Err(format!("column number {s:?}: columns count from 1")),
            };
        }
        Ok(Column::Name(s.to_owned()))
    }
}

/// How to load a user list: the defaults detect everything and refuse a
/// list that is empty or mostly not addresses.
///
/// # Examples
///
/// ```
/// use walletscreen::{Category, List, ListMeta, list::{Column, LoadOptions}};
///
/// let csv = "id,owner,wallet_2\n7,Ronin thief,0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n";
/// let opts = LoadOptions::new().column(Column::Name("wallet_2".into()));
/// let list = List::from_bytes_with(csv.as_bytes(), ListMeta::new("x", Category::Custom), &opts)?;
/// assert_eq!(list.entry(0).unwrap().provenance.entity.as_deref(), Some("Ronin thief"));
/// # Ok::<(), walletscreen::LoadError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadOptions {
    pub(super) format: Option<Format>,
    pub(super) column: Option<Column>,
    pub(super) allow_non_addresses: bool,
    pub(super) allow_empty: bool,
}

impl LoadOptions {
    /// Detect the format and the column; refuse an empty list and one
    /// mostly of non-addresses.
    pub fn new() -> LoadOptions {
        LoadOptions::default()
    }

    /// Read the file in this format instead of detecting it.
    pub fn format(mut self, format: Format) -> LoadOptions {
        self.format = Some(format);
        self
    }

    /// Take the addresses from this column (tables) or field (JSON
    /// objects). A name that no header has, or a number beyond the first
    /// row, is a [`LoadError::ColumnNotFound`](super::LoadError::ColumnNotFound); a plain-text list has one
    /// column.
    pub fn column(mut self, column: Column) -> LoadOptions {
        self.column = Some(column);
        self
    }

    /// Accept a list where more than [`MAX_NOT_ADDRESSES`](super::MAX_NOT_ADDRESSES) of the entries
    /// are not addresses (they are kept as opaque keys, matched exactly).
    pub fn allow_non_addresses(mut self, yes: bool) -> LoadOptions {
        self.allow_non_addresses = yes;
        self
    }

    /// Accept a list with no entries (e.g. a feed that may be empty).
    pub fn allow_empty(mut self, yes: bool) -> LoadOptions {
        self.allow_empty = yes;
        self
    }
}
