//! What a list holds: its category and metadata, and its entries with their
//! provenance.

use serde::Serialize;

#[cfg(doc)]
use super::List;
use super::Provenance;
use crate::address::{self, Address, ParseError};

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
///
/// A plain value: a [`List`] validates its entries again when it takes
/// them ([`List::from_entries`]), so an `issue` set by hand does not
/// survive; [`Entry::new`] computes it. Serialized as one flat record:
/// `address`, the seven [`Provenance`] fields, `line`, `issue`.
///
/// # Examples
///
/// ```
/// use walletscreen::{Category, Entry, List, ListMeta};
///
/// let mut e = Entry::new("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 1);
/// e.provenance.entity = Some("Satoshi".to_owned());
/// assert!(e.issue.is_none());
/// let list = List::from_entries(ListMeta::new("mine", Category::Custom), [e.clone()]);
/// assert_eq!(list.entry(0), Some(e));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The address exactly as listed.
    pub address: String,
    /// What the list says about the address.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// 1-based line number in the list file.
    pub line: usize,
    /// Why the address does not validate, if it does not. Such entries are
    /// kept and matched exactly (after normalization); never dropped.
    pub issue: Option<ParseError>,
}

impl Entry {
    /// An entry with only an address and a line number; validated.
    pub fn new(address: impl Into<String>, line: usize) -> Self {
        let mut e = Entry::unvalidated(address.into(), line);
        e.issue = address::parse(&e.address).err();
        e
    }

    /// An entry not validated yet: [`List`]'s loaders validate every entry
    /// before they return.
    pub(crate) fn unvalidated(address: String, line: usize) -> Self {
        Entry {
            address,
            provenance: Provenance::default(),
            line,
            issue: None,
        }
    }

    /// The decoded address, when it validates (decoded again on every
    /// call).
    pub fn parsed(&self) -> Option<Address> {
        address::parse(&self.address).ok()
    }
}
