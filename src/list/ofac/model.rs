//! What an OFAC file says: its format and list, its address entries with
//! their parties, and what the parser noticed (warnings).

use std::fmt;

use serde::Serialize;

use super::{FileRole, OfacError, Position};

/// An OFAC file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfacFormat {
    /// `SDN.XML`, root `sdnList`.
    SdnXml,
    /// `SDN_ADVANCED.XML`, root `Sanctions`.
    AdvancedXml,
    /// `SDN_ENHANCED.XML`, root `sanctionsData`.
    EnhancedXml,
    /// `sdn.csv` (with `sdn_comments.csv`).
    SdnCsv,
}

impl OfacFormat {
    /// OFAC's download URL for the format, on OFAC's Sanctions List
    /// Service. The one source of these URLs: the updater's
    /// [`OFAC_SDN_ADVANCED_URL`](crate::update::OFAC_SDN_ADVANCED_URL) and
    /// [`OFAC_SDN_XML_URL`](crate::update::OFAC_SDN_XML_URL) are two of them.
    pub const fn url(self) -> &'static str {
        match self {
            OfacFormat::SdnXml => {
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML"
            }
            OfacFormat::AdvancedXml => {
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML"
            }
            OfacFormat::EnhancedXml => {
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ENHANCED.XML"
            }
            OfacFormat::SdnCsv => {
                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"
            }
        }
    }
}

/// Which of OFAC's lists a publication is, from its content (never from its
/// file name or URL: a mirror may serve `SDN_ADVANCED.XML` under any name).
///
/// In the advanced format, every `SanctionsEntry` names its list
/// (`ListID`, whose text `ReferenceValueSets/ListValues` gives); a
/// publication is the list most of its entries are on: OFAC's SDN file
/// also has a few entries on non-SDN lists (parties on both), and its
/// consolidated non-SDN file (`CONS_ADVANCED.XML`) a few on the SDN list.
/// The other formats (`SDN.XML`, `SDN_ENHANCED.XML`, `sdn.csv`) are taken
/// as the SDN list, which is what OFAC publishes under those names.
///
/// # Examples
///
/// ```
/// use walletscreen::list::ofac::OfacList;
/// assert_eq!(OfacList::Sdn.id(), "ofac-sdn");
/// assert_eq!(OfacList::Consolidated.id(), "ofac-cons");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OfacList {
    /// The Specially Designated Nationals and Blocked Persons list.
    Sdn,
    /// OFAC's consolidated non-SDN lists (sectoral sanctions, CAPTA, ...).
    Consolidated,
}

impl OfacList {
    /// The id of the list it loads as: `ofac-sdn` (the bundled list's, which
    /// a fetched SDN publication replaces) or `ofac-cons`.
    pub fn id(self) -> &'static str {
        match self {
            OfacList::Sdn => "ofac-sdn",
            OfacList::Consolidated => "ofac-cons",
        }
    }

    /// A short human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            OfacList::Sdn => "OFAC SDN list",
            OfacList::Consolidated => "OFAC consolidated non-SDN list",
        }
    }
}

impl fmt::Display for OfacFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OfacFormat::SdnXml => "SDN.XML",
            OfacFormat::AdvancedXml => "SDN_ADVANCED.XML",
            OfacFormat::EnhancedXml => "SDN_ENHANCED.XML",
            OfacFormat::SdnCsv => "sdn.csv",
        })
    }
}

/// One listed address of one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfacEntry {
    /// The address as published (surrounding whitespace trimmed).
    pub address: String,
    /// OFAC currency codes, in file order, each once (`XBT`, `ETH`, ...).
    pub tickers: Vec<String>,
    /// OFAC's entity number (`uid`, profile id, `ent_num`).
    pub entity_id: String,
    /// The entity's primary name.
    pub entity: Option<String>,
    /// Sanctions programs, in file order.
    pub programs: Vec<String>,
    /// Date listed (`YYYY-MM-DD`), where the format has it.
    pub listed: Option<String>,
    /// Where the address is (its first occurrence).
    pub position: Position,
}

/// Something worth knowing about a file that parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OfacWarning {
    /// A currency code not in [`KNOWN_TICKERS`](super::KNOWN_TICKERS); the address is kept.
    UnknownTicker {
        /// The code.
        ticker: String,
        /// The address.
        address: String,
        /// The entity.
        entity_id: String,
        /// Where.
        position: Position,
    },
    /// A "Digital Currency Address" with no address text.
    EmptyAddress {
        /// The code.
        ticker: String,
        /// The entity.
        entity_id: String,
        /// Where.
        position: Position,
    },
    /// A "Digital Currency Address" mention in remarks that could not be
    /// read as `- TICKER ADDRESS`.
    UnreadableMention {
        /// The text from the mention to the next `;`.
        text: String,
        /// The entity.
        entity_id: String,
        /// Its `sdn.csv` record.
        position: Position,
    },
    /// `sdn.csv` remarks cut at 1,000 characters with no continuation in
    /// `sdn_comments.csv`: addresses may be missing. Data loss.
    RemarksCut {
        /// The entity.
        entity_id: String,
        /// The incomplete address at the cut, if the cut falls in one; it
        /// is not taken for an address.
        fragment: Option<String>,
        /// Its `sdn.csv` record.
        position: Position,
    },
    /// A `sdn_comments.csv` row for an entity that is not in `sdn.csv`
    /// (typically delisted since); ignored.
    OrphanComment {
        /// The entity.
        entity_id: String,
        /// The row.
        position: Position,
    },
    /// A `sdn_comments.csv` row for an entity whose `sdn.csv` remarks were
    /// not cut: the two files are not from the same publication. The row is
    /// ignored. Data loss.
    CommentWithoutCut {
        /// The entity.
        entity_id: String,
        /// The row.
        position: Position,
    },
    /// `sdn.csv` (or `sdn_comments.csv`) without OFAC's end-of-file mark
    /// (Ctrl-Z): it may have been cut at a line boundary. Data loss.
    NoEndOfFileMark {
        /// The end of the file.
        position: Position,
    },
    /// The XML has no publish date.
    NoPublishDate,
}

impl OfacWarning {
    /// Whether the file may be missing listed addresses because of it.
    pub fn is_data_loss(&self) -> bool {
        matches!(
            self,
            OfacWarning::RemarksCut { .. }
                | OfacWarning::CommentWithoutCut { .. }
                | OfacWarning::NoEndOfFileMark { .. }
                | OfacWarning::UnreadableMention { .. }
        )
    }

    /// Where, when the warning is about a place in a file.
    pub fn position(&self) -> Option<Position> {
        match self {
            OfacWarning::UnknownTicker { position, .. }
            | OfacWarning::EmptyAddress { position, .. }
            | OfacWarning::UnreadableMention { position, .. }
            | OfacWarning::RemarksCut { position, .. }
            | OfacWarning::OrphanComment { position, .. }
            | OfacWarning::CommentWithoutCut { position, .. }
            | OfacWarning::NoEndOfFileMark { position } => Some(*position),
            OfacWarning::NoPublishDate => None,
        }
    }
}

impl fmt::Display for OfacWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.position() {
            write!(f, "{p}: ")?;
        }
        match self {
            OfacWarning::UnknownTicker {
                ticker,
                address,
                entity_id,
                ..
            } => write!(
                f,
                "unknown currency code {ticker:?} for {address} (entity {entity_id}); kept"
            ),
            OfacWarning::EmptyAddress {
                ticker, entity_id, ..
            } => write!(f, "empty {ticker} address (entity {entity_id})"),
            OfacWarning::UnreadableMention {
                text, entity_id, ..
            } => write!(
                f,
                "unreadable address mention {text:?} (entity {entity_id})"
            ),
            OfacWarning::RemarksCut {
                entity_id,
                fragment,
                ..
            } => {
                write!(
                    f,
                    "remarks of entity {entity_id} cut at 1,000 characters and not continued \
                     in sdn_comments.csv"
                )?;
                if let Some(fr) = fragment {
                    write!(f, " (cut inside the address {fr:?}…)")?;
                }
                Ok(())
            }
            OfacWarning::OrphanComment { entity_id, .. } => {
                write!(
                    f,
                    "comment for entity {entity_id}, which is not in sdn.csv; ignored"
                )
            }
            OfacWarning::CommentWithoutCut { entity_id, .. } => write!(
                f,
                "comment for entity {entity_id}, whose remarks in sdn.csv are not cut: \
                 the files are not from the same publication; ignored"
            ),
            OfacWarning::NoEndOfFileMark { .. } => {
                f.write_str("no end-of-file mark (Ctrl-Z): the file may be cut at a line boundary")
            }
            OfacWarning::NoPublishDate => f.write_str("no publish date"),
        }
    }
}

/// A parsed OFAC file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfacFile {
    /// The format.
    pub format: OfacFormat,
    /// Which list the publication is, from its content.
    pub list: OfacList,
    /// Publish date (`YYYY-MM-DD`); `sdn.csv` has none.
    pub publish_date: Option<String>,
    /// Every (entity, address), in file order.
    pub entries: Vec<OfacEntry>,
    /// Problems that did not stop parsing.
    pub warnings: Vec<OfacWarning>,
}

impl OfacFile {
    /// The first data-loss warning and how many there are, as an error.
    pub fn check_complete(&self) -> Result<(), OfacError> {
        let mut loss = self.warnings.iter().filter(|w| w.is_data_loss());
        let Some(first) = loss.next() else {
            return Ok(());
        };
        Err(OfacError::Incomplete {
            position: first.position().unwrap_or(Position {
                file: FileRole::Main,
                line: 1,
                offset: 0,
            }),
            warning: Box::new(first.clone()),
            count: 1 + loss.count(),
        })
    }
}
