//! List formats in, entries with provenance out.
//!
//! Two formats of our own, both specified in `lists/README.md`:
//!
//! * **walletscreen list v1**, a CSV with a header
//!   (`address,chain,tickers,entity,entity_id,programs,listed,source`) and
//!   `# key: value` metadata lines on top (`id`, `name`, `category`, `as_of`,
//!   `source`, `license`). The bundled lists use it.
//! * **plain text**, one address per line, `#` comments, for internal
//!   blocklists. It may carry the same metadata lines on top.
//!
//! OFAC's own files (`SDN.XML`, `SDN_ADVANCED.XML`, `SDN_ENHANCED.XML`,
//! `sdn.csv` with `sdn_comments.csv`), read by [`ofac`]; and what people
//! export from spreadsheets and databases (detected, see
//! [`List::from_bytes`]): CSV, TSV and semicolon-separated tables with any
//! header (the address column found by name or by content), UTF-8 with or
//! without BOM, UTF-16, JSON arrays and JSON lines, text with notes after
//! the addresses.
//!
//! Loading is all or nothing: a structural problem (bad UTF-8, broken CSV
//! or JSON, a named column that is not there) is a [`LoadError`] naming the
//! line, and no list comes out; so is a list that is almost certainly
//! wrong (no entries; more than half of them not addresses, see
//! [`MAX_NOT_ADDRESSES`]). An entry whose address does not validate is
//! otherwise *not* an error: it is kept, still matched exactly, and flagged
//! with [`Entry::issue`]. Every loaded list carries a [`LoadReport`].

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::address;
pub use provenance::Provenance;
pub(crate) use store::{EntryRef, Store};

pub(crate) mod csv;
mod decode;
mod entry;
mod error;
mod json;
mod lines;
mod names;
pub mod ofac;
mod options;
mod provenance;
mod report;
mod store;
mod table;
mod text;

pub use entry::{Category, Entry, ListMeta};
pub use error::LoadError;
pub use options::{Column, Format, LoadOptions};
pub use report::{
    ChosenBy, ColumnChoice, DetectedFormat, Encoding, LoadReport, REPORT_LINES, SkipReason,
};

/// A user list is refused when more than this share of its entries are
/// not valid addresses (a list of names, the wrong column), unless
/// [`LoadOptions::allow_non_addresses`]. Half: `not_addresses * 2 >
/// entries`. OFAC files keep their own rules.
pub const MAX_NOT_ADDRESSES: f64 = 0.5;

/// A loaded, validated list, ready to be compiled into a screener.
#[derive(Debug, Clone)]
pub struct List {
    meta: ListMeta,
    entries: Store,
    sha256: [u8; 32],
    warnings: Vec<ofac::OfacWarning>,
    /// The OFAC publication it was loaded from, if any.
    ofac: Option<(ofac::OfacFormat, ofac::OfacList)>,
    report: LoadReport,
}

impl List {
    /// Loads a list from bytes, detecting the format (the defaults of
    /// [`List::from_bytes_with`]). `defaults` gives metadata the file does
    /// not set itself. An OFAC publication sets its own id, from its content
    /// ([`ofac::OfacList::id`]: `ofac-sdn` for the SDN list, whatever the
    /// file's name or URL, so that it replaces the bundled one), and its
    /// category (sanctioned); `defaults`' name and source are kept only when
    /// `defaults.id` is that id.
    pub fn from_bytes(bytes: &[u8], defaults: ListMeta) -> Result<List, LoadError> {
        List::from_bytes_with(bytes, defaults, &LoadOptions::default())
    }

    /// Loads a list in a given format (columns still detected).
    pub fn from_bytes_as(
        bytes: &[u8],
        format: Format,
        defaults: ListMeta,
    ) -> Result<List, LoadError> {
        List::from_bytes_with(bytes, defaults, &LoadOptions::new().format(format))
    }

    /// Loads a list from bytes with options.
    ///
    /// Detection, unless [`LoadOptions::format`] says:
    ///
    /// 1. an OFAC file ([`ofac::detect`]; `sdn.csv` needs its comments,
    ///    see [`List::from_ofac_csv`]); any other markup (an HTML error
    ///    page, some other XML) and `sdn_comments.csv` alone are refused;
    /// 2. the text: UTF-8 with or without a byte order mark, UTF-16 LE or
    ///    BE (with a BOM, or an ASCII first character); then the leading
    ///    `# key: value` metadata lines and comments;
    /// 3. JSON when the body opens with `[` (an array of strings or of
    ///    objects) or `{` (JSON lines);
    /// 4. a table when `,`, tab, `;` or `|` (tried in that order) splits
    ///    the first 200 records into the same number of fields, at least
    ///    two, and a column holds addresses (by name or content) or no
    ///    line starts with an address;
    /// 5. plain text otherwise (the first whitespace-separated token of a
    ///    line is the address, the rest a note).
    ///
    /// The address column (or object field) is the caller's
    /// ([`LoadOptions::column`]), else the first whose header names one
    /// (`address`, `wallet`, `Wallet Address`, `addr`, `public_key`, ...,
    /// case, spaces and punctuation ignored; of several, the one with the
    /// most addresses), else the one with the most values that are
    /// addresses in the first 200 records. Without a header naming a
    /// column, the first row is a header when its cell there is not an
    /// address while later ones are (or it names other known columns).
    /// Other columns with known names fill the provenance: `entity` (entity,
    /// name, owner, ...), `programs` (programs; reason, note, comment, ...
    /// as one value each), `listed` (listed, date, added, ...), `source`
    /// (source, url, ...), `chain` (chain, network, ...), `tickers`
    /// (tickers, currency, ...), `entity_id` (id, reference, ...).
    ///
    /// Refused, besides malformed files: a list with no entries
    /// ([`LoadError::NoEntries`], unless [`LoadOptions::allow_empty`]) and
    /// one where more than half of the entries are not addresses
    /// ([`LoadError::MostlyNotAddresses`], unless
    /// [`LoadOptions::allow_non_addresses`]). OFAC files keep their own
    /// rules. What was read is in [`List::report`].
    pub fn from_bytes_with(
        bytes: &[u8],
        defaults: ListMeta,
        options: &LoadOptions,
    ) -> Result<List, LoadError> {
        if let Some(Format::Ofac(f)) = options.format {
            return ofac::load(bytes, Some(f), defaults);
        }
        if options.format.is_none() && ofac::claims(bytes) {
            return ofac::load(bytes, None, defaults);
        }
        // A large file is hashed on a thread of its own while it is parsed.
        const HASH_APART: usize = 4 << 20;
        if bytes.len() < HASH_APART {
            let mut list = List::load_user(bytes, defaults, options)?;
            list.sha256 = Sha256::digest(bytes).into();
            return Ok(list);
        }
        std::thread::scope(|s| {
            let sha = s.spawn(|| Sha256::digest(bytes));
            let list = List::load_user(bytes, defaults, options);
            let sha = sha.join().expect("hashing does not panic");
            list.map(|mut l| {
                l.sha256 = sha.into();
                l
            })
        })
    }

    /// [`List::from_bytes_with`] past the OFAC formats; the SHA-256 is the
    /// caller's to fill in (unless an OFAC file in UTF-16 is found).
    fn load_user(
        bytes: &[u8],
        defaults: ListMeta,
        options: &LoadOptions,
    ) -> Result<List, LoadError> {
        let (text, encoding) = decode::decode(bytes)?;
        if matches!(encoding, Encoding::Utf16Le | Encoding::Utf16Be)
            && options.format.is_none()
            && ofac::claims(text.as_bytes())
        {
            return ofac::load(text.as_bytes(), None, defaults);
        }
        let (meta, body_line) = header::parse(&text, defaults)?;
        let mut report = LoadReport::new(DetectedFormat::Text, encoding);
        for (i, l) in text.lines().take(body_line - 1).enumerate() {
            let why = if l.trim().is_empty() {
                SkipReason::Blank
            } else {
                SkipReason::Comment
            };
            report.skip(i + 1, why);
        }
        let body = header::body(&text, body_line);
        let column = options.column.as_ref();
        let format = options
            .format
            .unwrap_or_else(|| detect(body, column.is_some()));
        let mut entries = match format {
            Format::Json => store::store_all(json::parse(body, body_line, column, &mut report)?),
            Format::Text => {
                report.format = DetectedFormat::Text;
                match column {
                    None | Some(Column::Number(1)) => {}
                    Some(c) => {
                        return Err(LoadError::ColumnNotFound {
                            column: c.to_string(),
                            line: body_line,
                        });
                    }
                }
                text::parse(body, body_line, &mut report)
            }
            // (An OFAC format asked for returned above; detection gives
            // none.)
            Format::Csv | Format::Ofac(_) => {
                let delimiter = table::sniff(body).map_or(b',', |(d, _)| d);
                let (entries, header) =
                    table::parse(body, body_line, delimiter, column, &mut report)?;
                report.format = DetectedFormat::Table {
                    delimiter: char::from(delimiter),
                    header,
                };
                entries
            }
        };
        if let Some(source) = &meta.source {
            entries.default_source(source);
        }
        report.count(&entries);
        if entries.len() == 0 && !options.allow_empty {
            return Err(LoadError::NoEntries {
                lines: text.lines().count(),
            });
        }
        if report.not_addresses as f64 > MAX_NOT_ADDRESSES * report.entries as f64
            && !options.allow_non_addresses
        {
            return Err(LoadError::MostlyNotAddresses {
                entries: report.entries,
                not_addresses: report.not_addresses,
                lines: report.not_address_lines.clone(),
            });
        }
        Ok(List {
            meta,
            entries,
            sha256: [0; 32],
            warnings: Vec::new(),
            ofac: None,
            report,
        })
    }

    /// Reads and loads a file with the defaults of
    /// [`List::from_bytes_with`]; the id defaults to the file stem, the
    /// category to [`Category::Custom`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<List, LoadError> {
        List::from_path_with(path, &LoadOptions::default())
    }

    /// Reads and loads a file with options (see
    /// [`List::from_bytes_with`]); the id defaults to the file stem, the
    /// category to [`Category::Custom`].
    pub fn from_path_with(
        path: impl AsRef<Path>,
        options: &LoadOptions,
    ) -> Result<List, LoadError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "list".to_owned());
        List::from_bytes_with(&bytes, ListMeta::new(id, Category::Custom), options)
    }

    /// Builds a list from entries made in code.
    /// Each entry is validated again (its `issue` recomputed).
    pub fn from_entries(meta: ListMeta, entries: impl IntoIterator<Item = Entry>) -> List {
        let entries = Store::from_entries(entries);
        let mut h = Sha256::new();
        for e in entries.iter() {
            h.update(e.address.as_bytes());
            h.update(b"\n");
        }
        let report = LoadReport::of_entries(DetectedFormat::Entries, &entries);
        List {
            meta,
            entries,
            sha256: h.finalize().into(),
            warnings: Vec::new(),
            ofac: None,
            report,
        }
    }

    /// The metadata.
    pub fn meta(&self) -> &ListMeta {
        &self.meta
    }

    /// The metadata, to override what the file said (e.g. the id).
    pub fn meta_mut(&mut self) -> &mut ListMeta {
        &mut self.meta
    }

    /// Every entry, in file order; flagged ones included.
    ///
    /// Each [`Entry`] is made on access (the list keeps its entries
    /// compactly): prefer [`List::len`] to counting them.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            store: &self.entries,
            range: 0..self.entries.len(),
        }
    }

    /// Entry `i` (0-based, file order), made on access.
    pub fn entry(&self, i: usize) -> Option<Entry> {
        self.entries.get(i).map(EntryRef::to_entry)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.len() == 0
    }

    /// The entries, borrowed.
    pub(crate) fn store(&self) -> &Store {
        &self.entries
    }

    /// Entries whose address did not validate.
    pub fn flagged(&self) -> impl Iterator<Item = Entry> + '_ {
        self.entries.flagged().map(EntryRef::to_entry)
    }

    /// What the loader noticed without refusing the file: for OFAC files,
    /// tickers never seen before (the address is kept) and other
    /// [`ofac::OfacWarning`]s that lose no address. Empty for other formats
    /// and for lists read back from a snapshot.
    pub fn warnings(&self) -> &[ofac::OfacWarning] {
        &self.warnings
    }

    /// The OFAC publication the list was loaded from (its format and which
    /// of OFAC's lists it is), `None` for other formats and for lists read
    /// back from a snapshot.
    pub fn ofac_origin(&self) -> Option<(ofac::OfacFormat, ofac::OfacList)> {
        self.ofac
    }

    /// SHA-256 of the bytes the list was loaded from.
    pub fn sha256(&self) -> [u8; 32] {
        self.sha256
    }

    /// Reassembles a list from its parts (used by [`crate::snapshot`]; the
    /// entries are validated again).
    pub(crate) fn from_parts(meta: ListMeta, entries: Store, sha256: [u8; 32]) -> List {
        let report = LoadReport::of_entries(DetectedFormat::Entries, &entries);
        List {
            meta,
            entries,
            sha256,
            warnings: Vec::new(),
            ofac: None,
            report,
        }
    }

    /// What loading found: the format and column detected, entries by
    /// address family, entries kept as opaque keys, lines skipped.
    pub fn report(&self) -> &LoadReport {
        &self.report
    }
}

/// The entries of a [`List`], made on access, in file order. Two compare
/// equal when they yield equal entries.
#[derive(Clone)]
pub struct Entries<'a> {
    store: &'a Store,
    range: std::ops::Range<usize>,
}

impl std::fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl PartialEq for Entries<'_> {
    fn eq(&self, other: &Entries<'_>) -> bool {
        self.len() == other.len() && self.clone().eq(other.clone())
    }
}

impl Iterator for Entries<'_> {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        let i = self.range.next()?;
        self.store.get(i).map(EntryRef::to_entry)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<Entry> {
        let i = self.range.nth(n)?;
        self.store.get(i).map(EntryRef::to_entry)
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Entry> {
        let i = self.range.next_back()?;
        self.store.get(i).map(EntryRef::to_entry)
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// The format of a body, see [`List::from_bytes_with`].
fn detect(body: &str, column_given: bool) -> Format {
    if json::claims(body) {
        return Format::Json;
    }
    match table::sniff(body) {
        Some((_, true)) => Format::Csv,
        Some((_, false)) if !text_has_addresses(body) => Format::Csv,
        Some(_) => Format::Text,
        None if column_given => Format::Csv,
        None => Format::Text,
    }
}

/// Whether a line among the first 200 starts with an address.
fn text_has_addresses(body: &str) -> bool {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(200)
        .any(|l| {
            let token = l.split([' ', '\t']).next().unwrap_or(l);
            address::parse(token).is_ok()
        })
}

/// Splits a multi-valued cell on `;`.
fn split_multi(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn non_empty(cell: &str) -> Option<String> {
    let t = cell.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The `# key: value` metadata block at the top of a list file.
mod header {
    use super::LoadError;
    use super::{Category, ListMeta};

    /// Parses leading `#` and blank lines; returns the metadata and the
    /// 1-based number of the first line after them.
    pub(super) fn parse(text: &str, mut meta: ListMeta) -> Result<(ListMeta, usize), LoadError> {
        let mut line_no = 0;
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if !(l.is_empty() || l.starts_with('#')) {
                return Ok((meta, i + 1));
            }
            line_no = i + 1;
            let Some((key, value)) = l.trim_start_matches('#').split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            let set = |v: &str| (!v.is_empty()).then(|| v.to_owned());
            match key.as_str() {
                "walletscreen-list" if value != "v1" => {
                    return Err(LoadError::UnsupportedVersion {
                        line: line_no,
                        version: value.to_owned(),
                    });
                }
                "id" if !value.is_empty() => meta.id = value.to_owned(),
                "name" => meta.name = set(value),
                "category" => {
                    meta.category =
                        value
                            .parse::<Category>()
                            .map_err(|reason| LoadError::BadMetadata {
                                line: line_no,
                                key,
                                reason,
                            })?;
                }
                "as_of" => {
                    if !is_date(value) {
                        return Err(LoadError::BadMetadata {
                            line: line_no,
                            key,
                            reason: format!("{value:?} is not a YYYY-MM-DD date"),
                        });
                    }
                    meta.as_of = set(value);
                }
                "source" => meta.source = set(value),
                "license" => meta.license = set(value),
                _ => {}
            }
        }
        Ok((meta, line_no + 1))
    }

    /// The text from 1-based line `line` on.
    pub(super) fn body(text: &str, line: usize) -> &str {
        let mut rest = text;
        for _ in 1..line {
            match rest.find('\n') {
                Some(i) => rest = &rest[i + 1..],
                None => return "",
            }
        }
        rest
    }

    pub(super) fn is_date(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    }
}
