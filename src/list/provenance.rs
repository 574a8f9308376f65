//! [`Provenance`]: what a list says about one of its addresses, besides
//! the address itself.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// What a list publishes about one listed address: the chain, currency
/// codes, the listed party and its identifier, the programs (or reasons),
/// the listing date and the URL of the entry. Every field is as published
/// (trimmed), `None` or empty when the list does not say.
///
/// A plain value: every combination of fields is valid. An [`Entry`]
/// holds one ([`Entry::provenance`]); a screener's
/// [`Match::provenance`](crate::Match::provenance) borrows the compiled
/// one. Serialized, its seven fields are flattened into the record that
/// holds it, in the order below (the JSON of an entry or a match is
/// `{"address": …, "chain": …, "tickers": […], …, "source": …, …}`);
/// deserializing accepts missing fields as empty.
///
/// [`Entry`]: crate::Entry
/// [`Entry::provenance`]: crate::Entry#structfield.provenance
///
/// # Examples
///
/// ```
/// use walletscreen::{Entry, Provenance};
///
/// let mut e = Entry::new("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", 7);
/// e.provenance = Provenance {
///     entity: Some("Lazarus Group".to_owned()),
///     tickers: vec!["ETH".to_owned()],
///     ..Provenance::default()
/// };
/// assert!(!e.provenance.is_empty());
/// let json = serde_json::to_string(&e.provenance).unwrap();
/// assert!(json.starts_with(r#"{"chain":null,"tickers":["ETH"],"entity":"Lazarus Group""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// Chain, as published.
    pub chain: Option<String>,
    /// Currency codes, as published (OFAC's `XBT`, `ETH`, `USDT`, ...).
    pub tickers: Vec<String>,
    /// Listed person, entity or group.
    pub entity: Option<String>,
    /// The publisher's identifier of the entity.
    pub entity_id: Option<String>,
    /// Sanctions programs; for a user list, also its reason / note /
    /// comment columns and the note after an address in a text list (one
    /// value each): why the address is listed.
    pub programs: Vec<String>,
    /// Date listed (`YYYY-MM-DD`).
    pub listed: Option<String>,
    /// URL for this entry (the list's source when the row has none).
    pub source: Option<String>,
}

impl Provenance {
    /// Whether the list said nothing about the address: every field
    /// `None` or empty.
    pub fn is_empty(&self) -> bool {
        self.chain.is_none()
            && self.tickers.is_empty()
            && self.entity.is_none()
            && self.entity_id.is_none()
            && self.programs.is_empty()
            && self.listed.is_none()
            && self.source.is_none()
    }

    /// Who is listed: the publisher's identifier of the entity, else its
    /// name (the listing history tells parties apart by it).
    pub(crate) fn party(&self) -> Option<&str> {
        self.entity_id.as_deref().or(self.entity.as_deref())
    }

    /// Approximate heap bytes held by the strings.
    pub(crate) fn heap_bytes(&self) -> usize {
        let strs = |v: &[String]| v.iter().map(|s| 24 + s.len()).sum::<usize>();
        let opt = |o: &Option<String>| o.as_ref().map_or(0, String::len);
        opt(&self.chain)
            + strs(&self.tickers)
            + opt(&self.entity)
            + opt(&self.entity_id)
            + strs(&self.programs)
            + opt(&self.listed)
            + opt(&self.source)
    }

    /// The seven fields, into a map being written: the one place their
    /// serialized names and order are written (an [`Entry`](crate::Entry)
    /// flattens them, a match writes them between its `via` and `line`).
    pub(crate) fn serialize_fields<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        m.serialize_entry("chain", &self.chain)?;
        m.serialize_entry("tickers", &self.tickers)?;
        m.serialize_entry("entity", &self.entity)?;
        m.serialize_entry("entity_id", &self.entity_id)?;
        m.serialize_entry("programs", &self.programs)?;
        m.serialize_entry("listed", &self.listed)?;
        m.serialize_entry("source", &self.source)
    }
}

/// A map of the seven fields, in order (see [`Provenance`]).
impl Serialize for Provenance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(7))?;
        self.serialize_fields(&mut m)?;
        m.end()
    }
}
