//! What loading a list found: [`LoadReport`].

use std::fmt;

use serde::Serialize;

use super::{Store, ofac::OfacFormat};
use crate::address::Family;

/// How many line numbers a report keeps per kind (entries kept as opaque
/// keys, lines skipped): the first ones, in file order.
pub const REPORT_LINES: usize = 10;

/// The shape a list file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DetectedFormat {
    /// A delimited table (the walletscreen list v1 format is one): CSV,
    /// TSV, semicolon- or pipe-separated.
    Table {
        /// The field delimiter (`,`, tab, `;` or `|`).
        delimiter: char,
        /// Whether the first record was a header row.
        header: bool,
    },
    /// One address per line, optionally followed by a note; `#` comments.
    Text,
    /// A JSON array of strings or of objects.
    JsonArray,
    /// JSON lines: one string or object per line.
    JsonLines,
    /// One of OFAC's own files.
    Ofac(OfacFormat),
    /// No file: entries made in code ([`super::List::from_entries`]) or
    /// read back from a snapshot.
    Entries,
}

impl fmt::Display for DetectedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DetectedFormat::Table { delimiter, header } => {
                let name = match delimiter {
                    ',' => "CSV",
                    '\t' => "TSV",
                    ';' => "semicolon-separated",
                    '|' => "pipe-separated",
                    _ => "delimited",
                };
                let header = if *header { "with" } else { "without" };
                write!(f, "{name} {header} header")
            }
            DetectedFormat::Text => f.write_str("text"),
            DetectedFormat::JsonArray => f.write_str("JSON array"),
            DetectedFormat::JsonLines => f.write_str("JSON lines"),
            DetectedFormat::Ofac(o) => write!(f, "OFAC {o}"),
            DetectedFormat::Entries => f.write_str("entries"),
        }
    }
}

/// The text encoding a list file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark.
    Utf8Bom,
    /// UTF-16 little-endian (Excel's "Unicode text"): with a byte order
    /// mark, or without one when the first character is ASCII.
    Utf16Le,
    /// UTF-16 big-endian, likewise.
    Utf16Be,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
        })
    }
}

/// How the address column (or JSON field) was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChosenBy {
    /// Its header names an address (`address`, `wallet`, `Wallet Address`,
    /// `addr`, ...).
    Name,
    /// Most of its values are addresses (no header names one).
    Content,
    /// Named by the caller ([`super::LoadOptions::column`]).
    Caller,
    /// The only column.
    Only,
}

/// The column (or JSON field) the addresses were read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnChoice {
    /// 1-based column number (0 for a JSON field).
    pub number: usize,
    /// Its header or field name, when there is one.
    pub name: Option<String>,
    /// How it was chosen.
    pub by: ChosenBy,
}

impl fmt::Display for ColumnChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let by = match self.by {
            ChosenBy::Name => "by name",
            ChosenBy::Content => "by content",
            ChosenBy::Caller => "as asked",
            ChosenBy::Only => "the only one",
        };
        match (&self.name, self.number) {
            (Some(n), 0) => write!(f, "field {n:?} ({by})"),
            (Some(n), k) => write!(f, "column {k} {n:?} ({by})"),
            (None, k) => write!(f, "column {k} ({by})"),
        }
    }
}

/// Why a line of a list file gave no entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// A header row (or the name of the address column alone on the first
    /// line of a text list).
    Header,
    /// A `#` comment line (metadata lines included).
    Comment,
    /// A blank line.
    Blank,
    /// A table row whose every field is empty (spreadsheets export them).
    EmptyRow,
    /// A JSON object without the address field (or with a non-string one).
    NoAddress,
}

impl SkipReason {
    fn name(self, n: usize) -> &'static str {
        match (self, n == 1) {
            (SkipReason::Header, true) => "header",
            (SkipReason::Header, false) => "headers",
            (SkipReason::Comment, true) => "comment",
            (SkipReason::Comment, false) => "comments",
            (SkipReason::Blank, true) => "blank",
            (SkipReason::Blank, false) => "blank",
            (SkipReason::EmptyRow, true) => "empty row",
            (SkipReason::EmptyRow, false) => "empty rows",
            (SkipReason::NoAddress, true) => "object without the address field",
            (SkipReason::NoAddress, false) => "objects without the address field",
        }
    }
}

/// What loading one list found: returned with every [`super::List`]
/// ([`super::List::report`]).
///
/// # Examples
///
/// ```
/// use walletscreen::{List, ListMeta, Category};
///
/// let csv = "Wallet Address;Owner\n0x098B716B8Aaf21512996dC57EB0615e2383E2f96;Ronin thief\nnot-an-address;x\n";
/// let list = List::from_bytes(csv.as_bytes(), ListMeta::new("internal", Category::Custom))?;
/// let r = list.report();
/// assert_eq!((r.entries, r.not_addresses, r.not_address_lines.clone()), (2, 1, vec![3]));
/// assert_eq!(r.to_string(),
///     "2 entries, 1 address (evm 1), 1 not an address (kept, line 3); \
///      semicolon-separated with header, column 1 \"Wallet Address\" (by name), 1 line skipped (1 header)");
/// # Ok::<(), walletscreen::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LoadReport {
    /// The shape the file was read as.
    pub format: DetectedFormat,
    /// Its text encoding.
    pub encoding: Encoding,
    /// The column the addresses came from (tables and JSON objects).
    pub column: Option<ColumnChoice>,
    /// Entries read.
    pub entries: usize,
    /// Entries that are valid addresses, by family, most first.
    pub addresses: Vec<(Family, usize)>,
    /// Entries that are not valid addresses: kept as opaque keys, matched
    /// exactly (see [`Entry::issue`](super::Entry::issue)).
    pub not_addresses: usize,
    /// The lines of the first [`REPORT_LINES`] of them.
    pub not_address_lines: Vec<usize>,
    /// Lines that gave no entry, by reason, in the order of
    /// [`SkipReason`].
    pub skipped: Vec<(SkipReason, usize)>,
    /// The first [`REPORT_LINES`] skipped lines, with their reason (blank
    /// and comment lines not included).
    pub skipped_lines: Vec<(usize, SkipReason)>,
}

impl LoadReport {
    /// An empty report.
    pub(crate) fn new(format: DetectedFormat, encoding: Encoding) -> LoadReport {
        LoadReport {
            format,
            encoding,
            column: None,
            entries: 0,
            addresses: Vec::new(),
            not_addresses: 0,
            not_address_lines: Vec::new(),
            skipped: Vec::new(),
            skipped_lines: Vec::new(),
        }
    }

    /// A report over entries that came from no file.
    pub(crate) fn of_entries(format: DetectedFormat, entries: &Store) -> LoadReport {
        let mut r = LoadReport::new(format, Encoding::Utf8);
        r.count(entries);
        r
    }

    /// Records a skipped line.
    pub(crate) fn skip(&mut self, line: usize, why: SkipReason) {
        match self.skipped.iter_mut().find(|(r, _)| *r == why) {
            Some((_, n)) => *n += 1,
            None => {
                self.skipped.push((why, 1));
                self.skipped.sort();
            }
        }
        if !matches!(why, SkipReason::Blank | SkipReason::Comment)
            && self.skipped_lines.len() < REPORT_LINES
        {
            self.skipped_lines.push((line, why));
        }
    }

    /// Fills the entry counts from the (validated) entries.
    pub(crate) fn count(&mut self, entries: &Store) {
        let mut addresses: Vec<(Family, usize)> = Vec::new();
        self.entries = entries.len();
        self.not_addresses = 0;
        self.not_address_lines.clear();
        for e in entries.iter() {
            match e.class.family {
                Some(family) => match addresses.iter_mut().find(|(f, _)| *f == family) {
                    Some((_, n)) => *n += 1,
                    None => addresses.push((family, 1)),
                },
                None => {
                    self.not_addresses += 1;
                    if self.not_address_lines.len() < REPORT_LINES {
                        self.not_address_lines.push(e.line as usize);
                    }
                }
            }
        }
        addresses.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        self.addresses = addresses;
    }

    /// Valid addresses, all families.
    pub fn address_count(&self) -> usize {
        self.addresses.iter().map(|(_, n)| n).sum()
    }

    /// Lines that gave no entry, all reasons.
    pub fn skipped_count(&self) -> usize {
        self.skipped.iter().map(|(_, n)| n).sum()
    }
}

/// `1234567` as `1,234,567`.
pub(crate) struct Thousands(pub usize);

impl fmt::Display for Thousands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.to_string();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", Thousands(n), if n == 1 { one } else { many })
}

fn lines(f: &mut fmt::Formatter<'_>, lines: &[usize], total: usize) -> fmt::Result {
    f.write_str(if total == 1 { "line " } else { "lines " })?;
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", Thousands(*l))?;
    }
    if total > lines.len() {
        f.write_str(", …")?;
    }
    Ok(())
}

impl fmt::Display for LoadReport {
    /// `2,104 entries, 2,100 addresses (evm 1,950, base58 150), 4 not
    /// addresses (kept, lines 17, 88, …); CSV with header, column 2
    /// "wallet" (by name), 1 line skipped (1 header)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}",
            plural(self.entries, "entry", "entries"),
            plural(self.address_count(), "address", "addresses")
        )?;
        if !self.addresses.is_empty() {
            f.write_str(" (")?;
            for (i, (fam, n)) in self.addresses.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{fam} {}", Thousands(*n))?;
            }
            f.write_str(")")?;
        }
        if self.not_addresses > 0 {
            write!(
                f,
                ", {} (kept, ",
                plural(self.not_addresses, "not an address", "not addresses")
            )?;
            lines(f, &self.not_address_lines, self.not_addresses)?;
            f.write_str(")")?;
        }
        write!(f, "; {}", self.format)?;
        if self.encoding != Encoding::Utf8 {
            write!(f, ", {}", self.encoding)?;
        }
        if let Some(c) = &self.column {
            write!(f, ", {c}")?;
        }
        let skipped = self.skipped_count();
        if skipped > 0 {
            write!(
                f,
                ", {} (",
                plural(skipped, "line skipped", "lines skipped")
            )?;
            for (i, (why, n)) in self.skipped.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{} {}", Thousands(*n), why.name(*n))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Thousands;

    #[test]
    fn thousands() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (2104, "2,104"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(Thousands(n).to_string(), s);
        }
    }
}
