//! OFAC's own SDN files, read directly: `SDN.XML`, `SDN_ADVANCED.XML`,
//! `SDN_ENHANCED.XML`, and `sdn.csv` with its `sdn_comments.csv`.
//!
//! Every format yields the same [`OfacEntry`]s: one per (entity, address),
//! with the OFAC currency codes ("tickers") it is listed under, the entity's
//! id, name and programs, the listing date where the format has one, and the
//! file's publish date. The format is detected from the content ([`detect`]),
//! never from a file name.
//!
//! | format | address | ticker | entity name | programs | listed | publish date |
//! |---|---|---|---|---|---|---|
//! | `SDN.XML` | `sdnEntry/idList/id/idNumber` | `idType` "Digital Currency Address - XBT" | `lastName`, `firstName` | `programList/program` | — | `publshInformation/Publish_Date` |
//! | `SDN_ADVANCED.XML` | `Feature/FeatureVersion/VersionDetail` | the `FeatureType` *text* of `FeatureTypeID` | primary `Alias/DocumentedName` | `SanctionsMeasure/Comment` of type "Program" | earliest `EntryEvent/Date` | `DateOfIssue` |
//! | `SDN_ENHANCED.XML` | `features/feature/value` | `features/feature/type` | primary `names/name` `formattedFullName` | `sanctionsPrograms` | earliest `sanctionsList@datePublished` | `publicationInfo/dataAsOf` |
//! | `sdn.csv` | remarks (column 12), "Digital Currency Address - XBT …;" | ditto | column 2 | column 4, `] [`-separated | — | — |
//!
//! Individual names are written `LAST, First Middle` in every format (as
//! `sdn.csv` does).
//!
//! **Reference values are looked up by their text, never by a hard-coded
//! id**, and elements are matched on their local name, so the 2024 change of
//! namespace (and any prefix) does not matter.
//!
//! **`sdn.csv` cuts remarks at 1,000 characters** and continues them in
//! `sdn_comments.csv`, keyed by entity number; the two are merged *before*
//! addresses are extracted (an address can straddle the cut). A cut remark
//! without its continuation is reported ([`OfacWarning::RemarksCut`]) and the
//! address fragment at the cut is not taken for an address.
//!
//! **All or nothing.** Malformed or truncated XML or CSV, an encoding other
//! than UTF-8, or a file of the wrong kind is an [`OfacError`] naming the
//! position; no entry is returned. A file that parses but may be missing
//! addresses (a cut remark without continuation, a `sdn.csv` without OFAC's
//! end-of-file mark) parses with warnings ([`OfacWarning::is_data_loss`]),
//! and is refused when a [`List`] is built from it.
//!
//! **Unknown tickers are kept**: an address under "Digital Currency Address -
//! NEW" is an entry like any other, with an [`OfacWarning::UnknownTicker`].
//!
//! Positions: for the XML formats, the byte just after the start tag of the
//! element holding the address (and its line); for `sdn.csv`, the start of
//! the entity's record (an address found in the continuation keeps the
//! position of its `sdn.csv` record).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::{Category, List, ListMeta};
use crate::list::LoadError;

mod advanced;
mod enhanced;
mod error;
mod model;
mod sdn_csv;
mod sdn_xml;
mod xml;

pub use error::{EncodingProblem, FileKind, FileRole, OfacError, Position, StructureProblem};
pub use model::{OfacEntry, OfacFile, OfacFormat, OfacList, OfacWarning};

/// The OFAC currency codes known today (SDN list of 2026-08-08, the
/// bundled list). Any other code is kept, with a warning.
pub const KNOWN_TICKERS: [&str; 20] = [
    "XBT", "TRX", "ETH", "USDT", "LTC", "XMR", "BCH", "DASH", "SOL", "ZEC", "USDC", "DOGE", "BTG",
    "BSV", "ARB", "BSC", "ETC", "XRP", "BNB", "XVG",
];

/// The text before the ticker in OFAC's feature / id types and remarks.
pub(crate) const ADDRESS_PREFIX: &str = "Digital Currency Address - ";

/// The ticker of an OFAC type text: `Some` for "Digital Currency Address -
/// XXX" (compared case-insensitively; the ticker as written, possibly
/// empty), `None` for any other type.
pub(crate) fn ticker_of(type_text: &str) -> Option<&str> {
    const NAME: &str = "Digital Currency Address";
    let t = type_text.trim();
    let head = t.get(..NAME.len())?;
    if !head.eq_ignore_ascii_case(NAME) {
        return None;
    }
    let rest = &t[NAME.len()..];
    if !(rest.is_empty() || rest.starts_with([' ', '-'])) {
        return None;
    }
    Some(rest.trim_start().trim_start_matches('-').trim())
}

/// The OFAC format of `bytes`, from their content: the root element's local
/// name for XML (`sdnList`, `Sanctions`, `sanctionsData`), the shape of the
/// first record for `sdn.csv` (an entity number, then 12 fields, text
/// quoted). `None` for anything else, `sdn_comments.csv` included.
pub fn detect(bytes: &[u8]) -> Option<OfacFormat> {
    match sniff(bytes).0 {
        Sniffed::Ofac(f) => Some(f),
        _ => None,
    }
}

/// Whether `List::from_bytes` must hand the content to this module: an
/// OFAC file, `sdn_comments.csv` on its own, or any markup (its first
/// significant byte is `<`: an OFAC XML file or no list at all).
pub(crate) fn claims(bytes: &[u8]) -> bool {
    match sniff(bytes).0 {
        Sniffed::Ofac(_) | Sniffed::XmlWithoutRoot => true,
        Sniffed::Other(FileKind::SdnComments | FileKind::Html | FileKind::Xml { .. }) => true,
        Sniffed::Other(_) | Sniffed::Empty => false,
    }
}

/// Parses an OFAC file of any format (detected); `comments` is
/// `sdn_comments.csv`, for `sdn.csv` only.
pub fn parse(bytes: &[u8], comments: Option<&[u8]>) -> Result<OfacFile, OfacError> {
    check_encoding(bytes, FileRole::Main)?;
    let (sniffed, at) = sniff(bytes);
    let found = match sniffed {
        Sniffed::Ofac(format) => return parse_format(bytes, format, comments),
        Sniffed::Empty => return Err(OfacError::Empty),
        Sniffed::XmlWithoutRoot => {
            return Err(OfacError::Truncated {
                position: Position::in_main(bytes, bytes.len()),
                open_elements: 0,
            });
        }
        Sniffed::Other(kind) => kind,
    };
    Err(OfacError::WrongKind {
        found,
        position: Position::in_main(bytes, at),
    })
}

/// Parses a file that must be of `format`.
pub fn parse_as(
    bytes: &[u8],
    format: OfacFormat,
    comments: Option<&[u8]>,
) -> Result<OfacFile, OfacError> {
    check_encoding(bytes, FileRole::Main)?;
    match sniff(bytes) {
        (Sniffed::Ofac(f), _) if f == format => parse_format(bytes, format, comments),
        (Sniffed::Ofac(f), at) => Err(OfacError::WrongKind {
            found: FileKind::Ofac { format: f },
            position: Position::in_main(bytes, at),
        }),
        _ => parse(bytes, comments),
    }
}

fn parse_format(
    bytes: &[u8],
    format: OfacFormat,
    comments: Option<&[u8]>,
) -> Result<OfacFile, OfacError> {
    if comments.is_some() && format != OfacFormat::SdnCsv {
        return Err(OfacError::UnexpectedComments { format });
    }
    let parsed = match format {
        OfacFormat::SdnXml => sdn_xml::parse(bytes)?,
        OfacFormat::AdvancedXml => advanced::parse(bytes)?,
        OfacFormat::EnhancedXml => enhanced::parse(bytes)?,
        OfacFormat::SdnCsv => {
            if let Some(c) = comments {
                check_encoding(c, FileRole::Comments)?;
            }
            sdn_csv::parse(bytes, comments)?
        }
    };
    Ok(parsed.finish(format))
}

/// What a parser hands back: parties with their raw addresses.
#[derive(Default)]
struct Parsed {
    publish_date: Option<String>,
    /// `None`: the format does not say (taken as the SDN list).
    list: Option<OfacList>,
    parties: Vec<Party>,
    warnings: Vec<OfacWarning>,
}

/// One listed person or entity with the addresses found for it.
#[derive(Default)]
struct Party {
    entity_id: String,
    entity: Option<String>,
    programs: Vec<String>,
    listed: Option<String>,
    addresses: Vec<RawAddress>,
}

/// One (ticker, address) as found.
struct RawAddress {
    ticker: String,
    address: String,
    position: Position,
}

impl Parsed {
    /// Groups each party's addresses into entries (one per address, its
    /// tickers merged), flags unknown tickers and empty addresses.
    fn finish(self, format: OfacFormat) -> OfacFile {
        let Parsed {
            publish_date,
            list,
            parties,
            mut warnings,
        } = self;
        if publish_date.is_none() && format != OfacFormat::SdnCsv {
            warnings.push(OfacWarning::NoPublishDate);
        }
        let mut entries = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for party in parties {
            index.clear();
            let first = entries.len();
            for raw in party.addresses {
                let RawAddress {
                    ticker,
                    address,
                    position,
                } = raw;
                if address.is_empty() {
                    warnings.push(OfacWarning::EmptyAddress {
                        ticker,
                        entity_id: party.entity_id.clone(),
                        position,
                    });
                    continue;
                }
                if !KNOWN_TICKERS.contains(&ticker.as_str()) {
                    warnings.push(OfacWarning::UnknownTicker {
                        ticker: ticker.clone(),
                        address: address.clone(),
                        entity_id: party.entity_id.clone(),
                        position,
                    });
                }
                if let Some(&i) = index.get(&address) {
                    let e: &mut OfacEntry = &mut entries[i];
                    if !e.tickers.contains(&ticker) {
                        e.tickers.push(ticker);
                    }
                    continue;
                }
                index.insert(address.clone(), entries.len());
                entries.push(OfacEntry {
                    address,
                    tickers: vec![ticker],
                    entity_id: String::new(),
                    entity: None,
                    programs: Vec::new(),
                    listed: None,
                    position,
                });
            }
            for e in &mut entries[first..] {
                e.entity_id.clone_from(&party.entity_id);
                e.entity.clone_from(&party.entity);
                e.programs.clone_from(&party.programs);
                e.listed.clone_from(&party.listed);
            }
        }
        OfacFile {
            format,
            list: list.unwrap_or(OfacList::Sdn),
            publish_date,
            entries,
            warnings,
        }
    }
}

/// Composes a name from parts, `LAST, Rest` when one is a last name (as
/// `sdn.csv` writes individuals), else the parts joined by spaces.
fn compose_name<'s>(parts: impl Iterator<Item = (&'s str, bool)>) -> Option<String> {
    let mut last = Vec::new();
    let mut rest = Vec::new();
    for (p, is_last) in parts {
        if p.is_empty() {
            continue;
        }
        if is_last {
            last.push(p);
        } else {
            rest.push(p);
        }
    }
    match (last.is_empty(), rest.is_empty()) {
        (true, true) => None,
        (true, false) => Some(rest.join(" ")),
        (false, true) => Some(last.join(" ")),
        (false, false) => Some(format!("{}, {}", last.join(" "), rest.join(" "))),
    }
}

/// `YYYY-MM-DD` from numbers, when they make a calendar date.
fn ymd(year: u32, month: u32, day: u32) -> Option<String> {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => return None,
    };
    ((1000..=9999).contains(&year) && (1..=days).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// A `YYYY-MM-DD` string, validated.
fn iso_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    if !s
        .bytes()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return None;
    }
    ymd(num(0..4)?, num(5..7)?, num(8..10)?)
}

// ---------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------

impl List {
    /// Loads OFAC's `sdn.csv` together with its `sdn_comments.csv` (the
    /// continuation of remarks longer than 1,000 characters, without which
    /// addresses are lost). See [`List::from_ofac`] for the metadata and
    /// entries; the list's SHA-256 is that of `sdn` followed by `comments`.
    pub fn from_ofac_csv(
        sdn: &[u8],
        comments: &[u8],
        defaults: ListMeta,
    ) -> Result<List, LoadError> {
        let file = parse_as(sdn, OfacFormat::SdnCsv, Some(comments))?;
        let mut h = Sha256::new();
        h.update(sdn);
        h.update(comments);
        list_from(&file, defaults, h.finalize().into())
    }

    /// A list from a parsed OFAC file, refused when the file may be missing
    /// addresses ([`OfacFile::check_complete`]). Category
    /// [`Category::Sanctioned`]; `as_of` the publish date (else the
    /// default's); `source` and `name` the default's, else OFAC's URL for
    /// the format and "OFAC SDN list (FORMAT)". Each entry is validated with
    /// [`Entry::new`](crate::list::Entry::new) (flagged, never dropped), its line that of
    /// [`OfacEntry::position`], `chain` empty (OFAC publishes none). The
    /// SHA-256 is computed over the addresses, as for
    /// [`List::from_entries`].
    pub fn from_ofac(file: &OfacFile, defaults: ListMeta) -> Result<List, LoadError> {
        let mut h = Sha256::new();
        for e in &file.entries {
            h.update(e.address.as_bytes());
            h.update(b"\n");
        }
        list_from(file, defaults, h.finalize().into())
    }
}

/// `List::from_bytes` for OFAC files and markup: `format` forces one.
pub(crate) fn load(
    bytes: &[u8],
    format: Option<OfacFormat>,
    defaults: ListMeta,
) -> Result<List, LoadError> {
    let file = match format {
        Some(f) => parse_as(bytes, f, None)?,
        None => parse(bytes, None)?,
    };
    list_from(&file, defaults, Sha256::digest(bytes).into())
}

fn list_from(file: &OfacFile, defaults: ListMeta, sha256: [u8; 32]) -> Result<List, LoadError> {
    file.check_complete()?;
    let id = file.list.id();
    // The defaults' name and source describe the list they were meant for:
    // kept only when the content is that list.
    let (name, source) = if defaults.id == id {
        (defaults.name, defaults.source)
    } else {
        (None, None)
    };
    let meta = ListMeta {
        id: id.to_owned(),
        category: Category::Sanctioned,
        as_of: file.publish_date.clone().or(defaults.as_of),
        source: source.or_else(|| Some(file.format.url().to_owned())),
        name: name.or_else(|| Some(format!("{} ({})", file.list.name(), file.format))),
        license: defaults.license,
    };
    let entries = file
        .entries
        .iter()
        .fold(super::Store::default(), |mut store, o| {
            let provenance = super::Provenance {
                chain: None,
                tickers: o.tickers.clone(),
                entity: o.entity.clone(),
                entity_id: Some(o.entity_id.clone()).filter(|s| !s.is_empty()),
                programs: o.programs.clone(),
                listed: o.listed.clone(),
                source: meta.source.clone(),
            };
            store.push_parts(&o.address, o.position.line, provenance);
            store
        });
    let report = super::LoadReport::of_entries(super::DetectedFormat::Ofac(file.format), &entries);
    Ok(List {
        meta,
        entries,
        sha256,
        warnings: file.warnings.clone(),
        ofac: Some((file.format, file.list)),
        report,
    })
}

// ---------------------------------------------------------------------------
// Sniffing
// ---------------------------------------------------------------------------

enum Sniffed {
    Ofac(OfacFormat),
    Empty,
    XmlWithoutRoot,
    Other(FileKind),
}

/// The input from its first significant byte: after a UTF-8 BOM and
/// whitespace.
fn significant(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

/// What the content is, and the offset where the tell-tale part starts.
fn sniff(bytes: &[u8]) -> (Sniffed, usize) {
    let s = significant(bytes);
    let at = bytes.len() - s.len();
    if s.is_empty() || s == b"\x1a" {
        return (Sniffed::Empty, at);
    }
    match s[0] {
        b'<' => {
            let Some((root, root_at)) = xml_root(s) else {
                return (Sniffed::XmlWithoutRoot, at);
            };
            let local = xml::local_name(root);
            let kind = match local {
                b"sdnList" => Sniffed::Ofac(OfacFormat::SdnXml),
                b"Sanctions" => Sniffed::Ofac(OfacFormat::AdvancedXml),
                b"sanctionsData" => Sniffed::Ofac(OfacFormat::EnhancedXml),
                l if l.eq_ignore_ascii_case(b"html") => Sniffed::Other(FileKind::Html),
                l => Sniffed::Other(FileKind::Xml {
                    root: String::from_utf8_lossy(l).into_owned(),
                }),
            };
            (kind, at + root_at)
        }
        b'{' | b'[' => (Sniffed::Other(FileKind::Json), at),
        _ => match sdn_csv::sniff(s) {
            Some(sdn_csv::CsvKind::Sdn) => (Sniffed::Ofac(OfacFormat::SdnCsv), at),
            Some(sdn_csv::CsvKind::Comments) => (Sniffed::Other(FileKind::SdnComments), at),
            None => {
                // Our own lists start with `#` metadata lines.
                let first_line = s
                    .split(|&c| c == b'\n')
                    .find(|l| !l.trim_ascii().is_empty() && !l.starts_with(b"#"))
                    .unwrap_or(s);
                let kind = if first_line.contains(&b',') {
                    FileKind::Csv
                } else {
                    FileKind::Text
                };
                (Sniffed::Other(kind), at)
            }
        },
    }
}

/// The root element's qualified name and its offset, skipping the XML
/// declaration, processing instructions, comments and a DOCTYPE. `None`
/// when the input ends first.
fn xml_root(s: &[u8]) -> Option<(&[u8], usize)> {
    let mut i = 0;
    loop {
        while s.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if s.get(i)? != &b'<' {
            return None;
        }
        let rest = &s[i..];
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!") {
            // DOCTYPE, possibly with an internal subset in brackets.
            let mut depth = 0usize;
            let mut j = 2;
            loop {
                match *rest.get(j)? {
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b'>' if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            i += j + 1;
        } else {
            let name_len = rest[1..]
                .iter()
                .position(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))?;
            let name = &rest[1..1 + name_len];
            return (!name.is_empty()).then_some((name, i));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// UTF-8, not UTF-16: the first problem, with its position.
fn check_encoding(bytes: &[u8], file: FileRole) -> Result<(), OfacError> {
    let utf16 = bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || bytes.iter().take(4).any(|&b| b == 0);
    if utf16 {
        return Err(OfacError::Encoding {
            problem: EncodingProblem::Utf16,
            position: Position::at(file, bytes, 0),
        });
    }
    std::str::from_utf8(bytes).map_err(|e| OfacError::Encoding {
        problem: EncodingProblem::InvalidUtf8,
        position: Position::at(file, bytes, e.valid_up_to()),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_content() {
        let cases: &[(&str, &[u8], Option<OfacFormat>)] = &[
            (
                "sdn.xml new namespace",
                b"<?xml version=\"1.0\" standalone=\"yes\"?>\n<sdnList xmlns=\"https://x/XML\">",
                Some(OfacFormat::SdnXml),
            ),
            (
                "advanced, prefixed, BOM, comment",
                b"\xEF\xBB\xBF<!-- c --><s:Sanctions xmlns:s=\"http://www.un.org/sanctions/1.0\">",
                Some(OfacFormat::AdvancedXml),
            ),
            (
                "enhanced with doctype",
                b"<!DOCTYPE x [<!ENTITY a \"b\">]>\n<sanctionsData>",
                Some(OfacFormat::EnhancedXml),
            ),
            (
                "sdn.csv",
                b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
                Some(OfacFormat::SdnCsv),
            ),
            ("comments alone", b"12300,\"Z S.A.S.; Linked To: X\"\r\n", None),
            ("html", b"<!DOCTYPE html><html><body>503</body></html>", None),
            ("json", b"{\"addresses\": []}", None),
            ("walletscreen csv", b"# id: x\naddress,chain\n", None),
            ("text", b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n", None),
            ("xml decl only", b"<?xml version=\"1.0\"?>", None),
            ("empty", b"", None),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(detect(bytes), *want, "{name}");
        }
    }

    #[test]
    fn tickers() {
        assert_eq!(ticker_of("Digital Currency Address - XBT"), Some("XBT"));
        assert_eq!(ticker_of(" digital currency address - NEW "), Some("NEW"));
        assert_eq!(ticker_of("Digital Currency Address - "), Some(""));
        assert_eq!(ticker_of("Digital Currency Address"), Some(""));
        assert_eq!(ticker_of("Digital Currency Addresses"), None);
        assert_eq!(ticker_of("Birthdate"), None);
        assert_eq!(ticker_of("Digital Currency Addreß"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(ymd(2024, 2, 29).as_deref(), Some("2024-02-29"));
        assert_eq!(ymd(2023, 2, 29), None);
        assert_eq!(ymd(2024, 13, 1), None);
        assert_eq!(iso_date("2026-08-08").as_deref(), Some("2026-08-08"));
        assert_eq!(iso_date("2026-8-08"), None);
        assert_eq!(iso_date("2026-08-32"), None);
    }

    #[test]
    fn names() {
        let n = |parts: &[(&'static str, bool)]| compose_name(parts.iter().copied());
        assert_eq!(
            n(&[("HYDRA MARKET", false)]).as_deref(),
            Some("HYDRA MARKET")
        );
        assert_eq!(
            n(&[
                ("Vitaliy", false),
                ("ANDREYEV", true),
                ("Sergeyevich", false)
            ])
            .as_deref(),
            Some("ANDREYEV, Vitaliy Sergeyevich")
        );
        assert_eq!(n(&[("", false)]), None);
    }
}
