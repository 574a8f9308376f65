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
//! and OFAC's own files (`SDN.XML`, `SDN_ADVANCED.XML`, `SDN_ENHANCED.XML`,
//! `sdn.csv` with `sdn_comments.csv`), read by [`ofac`].
//!
//! Loading is all or nothing: a structural problem (bad UTF-8, broken CSV,
//! no `address` column) is a [`LoadError`] naming the line, and no list comes
//! out. An entry whose address does not validate is *not* an error: it is
//! kept, still matched exactly, and flagged with [`Entry::issue`].

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::address::{self, Address};
use crate::error::{LoadError, ParseError};

pub(crate) mod csv;
pub mod ofac;
mod text;

/// What a list asserts about its addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A government sanctions designation (OFAC SDN, ...).
    Sanctioned,
    /// Attributed by an authority to a threat actor (FBI, ...), not sanctioned.
    Attributed,
    /// A caller's own list (internal blocklist, commercial feed).
    #[default]
    Custom,
}

impl std::str::FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sanctioned" => Ok(Category::Sanctioned),
            "attributed" => Ok(Category::Attributed),
            "custom" => Ok(Category::Custom),
            other => Err(format!(
                "unknown category {other:?} (expected sanctioned, attributed or custom)"
            )),
        }
    }
}

/// Metadata of one list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ListMeta {
    /// Short identifier, unique within a screener (e.g. `ofac-sdn`).
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// What the list asserts.
    pub category: Category,
    /// Date of the data (`YYYY-MM-DD`).
    pub as_of: Option<String>,
    /// URL of the publication.
    pub source: Option<String>,
    /// License or terms.
    pub license: Option<String>,
}

impl ListMeta {
    /// Metadata with an id and a category, the rest empty.
    pub fn new(id: impl Into<String>, category: Category) -> Self {
        ListMeta {
            id: id.into(),
            category,
            ..ListMeta::default()
        }
    }
}

/// One listed address with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The address exactly as listed.
    pub address: String,
    /// Chain, as published.
    pub chain: Option<String>,
    /// Currency codes, as published (OFAC's `XBT`, `ETH`, `USDT`, ...).
    pub tickers: Vec<String>,
    /// Listed person, entity or group.
    pub entity: Option<String>,
    /// The publisher's identifier of the entity.
    pub entity_id: Option<String>,
    /// Sanctions programs.
    pub programs: Vec<String>,
    /// Date listed (`YYYY-MM-DD`).
    pub listed: Option<String>,
    /// URL for this entry (the list's source when the row has none).
    pub source: Option<String>,
    /// 1-based line number in the list file.
    pub line: usize,
    /// Why the address does not validate, if it does not. Such entries are
    /// kept and matched exactly (after normalization); never dropped.
    pub issue: Option<ParseError>,
    #[serde(skip)]
    pub(crate) parsed: Option<Address>,
}

impl Entry {
    /// An entry with only an address and a line number; validated.
    pub fn new(address: impl Into<String>, line: usize) -> Self {
        let mut e = Entry {
            address: address.into(),
            chain: None,
            tickers: Vec::new(),
            entity: None,
            entity_id: None,
            programs: Vec::new(),
            listed: None,
            source: None,
            line,
            issue: None,
            parsed: None,
        };
        e.validate();
        e
    }

    /// The decoded address, when it validated.
    pub fn parsed(&self) -> Option<&Address> {
        self.parsed.as_ref()
    }

    fn validate(&mut self) {
        match address::parse(&self.address) {
            Ok(a) => {
                self.parsed = Some(a);
                self.issue = None;
            }
            Err(e) => {
                self.parsed = None;
                self.issue = Some(e);
            }
        }
    }
}

/// The format of a list file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// walletscreen list v1 (CSV with header).
    Csv,
    /// One address per line.
    Text,
    /// An OFAC file (see [`ofac`]).
    Ofac(ofac::OfacFormat),
}

/// A loaded, validated list, ready to be compiled into a screener.
#[derive(Debug, Clone)]
pub struct List {
    meta: ListMeta,
    entries: Vec<Entry>,
    sha256: [u8; 32],
    warnings: Vec<ofac::OfacWarning>,
    /// The OFAC publication it was loaded from, if any.
    ofac: Option<(ofac::OfacFormat, ofac::OfacList)>,
}

impl List {
    /// Loads a list from bytes, detecting the format: an OFAC file
    /// ([`ofac::detect`]; `sdn.csv` needs its comments, see
    /// [`List::from_ofac_csv`]); any other markup (an HTML error page, some
    /// other XML) and `sdn_comments.csv` alone are refused; CSV when the
    /// first line after the leading `#` lines is a header with an `address`
    /// column; plain text otherwise. `defaults` gives metadata the file does
    /// not set itself. An OFAC publication sets its own id, from its content
    /// ([`ofac::OfacList::id`]: `ofac-sdn` for the SDN list, whatever the
    /// file's name or URL, so that it replaces the bundled one), and its
    /// category (sanctioned); `defaults`' name and source are kept only when
    /// `defaults.id` is that id.
    pub fn from_bytes(bytes: &[u8], defaults: ListMeta) -> Result<List, LoadError> {
        if ofac::claims(bytes) {
            return ofac::load(bytes, None, defaults);
        }
        let text = decode_utf8(bytes)?;
        let format = detect(text);
        Self::from_str_as(text, bytes, format, defaults)
    }

    /// Loads a list in a given format.
    pub fn from_bytes_as(
        bytes: &[u8],
        format: Format,
        defaults: ListMeta,
    ) -> Result<List, LoadError> {
        if let Format::Ofac(f) = format {
            return ofac::load(bytes, Some(f), defaults);
        }
        let text = decode_utf8(bytes)?;
        Self::from_str_as(text, bytes, format, defaults)
    }

    fn from_str_as(
        text: &str,
        bytes: &[u8],
        format: Format,
        defaults: ListMeta,
    ) -> Result<List, LoadError> {
        if let Format::Ofac(f) = format {
            return ofac::load(bytes, Some(f), defaults);
        }
        let (meta, body_line) = header::parse(text, defaults)?;
        let body = header::body(text, body_line);
        let mut entries = match format {
            Format::Csv => csv::parse(body, body_line)?,
            Format::Text => text::parse(body, body_line),
            // Handled above.
            Format::Ofac(_) => Vec::new(),
        };
        for e in &mut entries {
            if e.source.is_none() {
                e.source.clone_from(&meta.source);
            }
        }
        Ok(List {
            meta,
            entries,
            sha256: Sha256::digest(bytes).into(),
            warnings: Vec::new(),
            ofac: None,
        })
    }

    /// Reads and loads a file; the id defaults to the file stem, the
    /// category to [`Category::Custom`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<List, LoadError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "list".to_owned());
        List::from_bytes(&bytes, ListMeta::new(id, Category::Custom))
    }

    /// Builds a list from entries made in code.
    pub fn from_entries(meta: ListMeta, entries: impl IntoIterator<Item = Entry>) -> List {
        let entries: Vec<Entry> = entries.into_iter().collect();
        let mut h = Sha256::new();
        for e in &entries {
            h.update(e.address.as_bytes());
            h.update(b"\n");
        }
        List {
            meta,
            entries,
            sha256: h.finalize().into(),
            warnings: Vec::new(),
            ofac: None,
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
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries whose address did not validate.
    pub fn flagged(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.issue.is_some())
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
    /// entries are expected to have been validated by [`Entry::new`]).
    pub(crate) fn from_parts(meta: ListMeta, entries: Vec<Entry>, sha256: [u8; 32]) -> List {
        List {
            meta,
            entries,
            sha256,
            warnings: Vec::new(),
            ofac: None,
        }
    }
}

fn decode_utf8(bytes: &[u8]) -> Result<&str, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let byte = e.valid_up_to();
        let line = 1 + bytes[..byte].iter().filter(|&&b| b == b'\n').count();
        LoadError::Utf8 { line, byte }
    })
}

/// CSV when the first non-comment, non-blank line is a header naming an
/// `address` column.
fn detect(text: &str) -> Format {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    match first {
        Some(l)
            if l.contains(',')
                && l.split(',')
                    .any(|c| c.trim().trim_matches('"').eq_ignore_ascii_case("address")) =>
        {
            Format::Csv
        }
        _ => Format::Text,
    }
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
    use super::{Category, ListMeta};
    use crate::error::LoadError;

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
