//! A list's entries, kept compactly: the addresses in one arena, each
//! entry's provenance interned (a list has few distinct ones), the
//! validation result as two bytes, the rare issues apart. An [`Entry`] is
//! materialized on access.
//!
//! A 2 M-entry list of EVM addresses is ~110 MB here, against ~1 GB as a
//! vector of `Entry` (BENCHMARKS.md, "Loading a user list of 2 M entries").

use std::collections::HashMap;
use std::sync::Arc;

use super::{Entry, Provenance};
use crate::address::ParseError;
use crate::address::{self, Address, AddressKind, Checksum, Family};

/// What validating an entry's address found: its family (`None`: not an
/// address, see the store's issues) and how many equivalent spellings its
/// kind has in other encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Class {
    pub family: Option<Family>,
    pub aliases: u8,
    /// The address carries a checksum that verified (EIP-55 mixed case,
    /// ...): [`crate::address::Checksum::Valid`].
    pub checksum_valid: bool,
}

/// How many keys besides its own an address of this kind may give: one
/// per other encoding of its kind (the screener's compile phase sizes its
/// table by it and checks it, see `screener::aliases::entry_keys`).
fn alias_bound(a: &Address) -> u8 {
    match a.kind {
        // The CashAddr, BitPay and Litecoin `M…` spellings of a `3…`.
        AddressKind::P2sh { version: 5 } => 3,
        // The CashAddr and BitPay spellings of a `1…`, the legacy and
        // BitPay ones of a CashAddr, the legacy and CashAddr ones of a
        // BitPay address.
        AddressKind::P2pkh { version: 0 | 0x1c }
        | AddressKind::P2sh { version: 0x28 }
        | AddressKind::CashAddr { .. } => 2,
        AddressKind::Tron
        | AddressKind::TronHex
        | AddressKind::P2sh {
            version: LITECOIN_P2SH,
        }
        | AddressKind::P2pkh { version: 0x1cb8 }
        | AddressKind::ZcashTex => 1,
        _ => 0,
    }
}

/// Litecoin's `M…` P2SH version byte.
const LITECOIN_P2SH: u16 = 0x32;

/// One entry, borrowed from a [`Store`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryRef<'a> {
    pub address: &'a str,
    pub provenance: &'a Provenance,
    pub line: u32,
    pub class: Class,
    pub issue: Option<&'a ParseError>,
    /// For an address with other spellings: its kind and 20-byte hash,
    /// from which the compile phase encodes them without decoding it again.
    pub alias: Option<&'a (AddressKind, [u8; 20])>,
}

impl EntryRef<'_> {
    /// The owned entry.
    pub fn to_entry(self) -> Entry {
        Entry {
            address: self.address.to_owned(),
            provenance: self.provenance.clone(),
            line: self.line as usize,
            issue: self.issue.cloned(),
        }
    }
}

/// The entries of a list, in file order.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    text: String,
    ends: Vec<usize>,
    lines: Vec<u32>,
    provenance: Vec<u32>,
    distinct: Vec<Arc<Provenance>>,
    interned: HashMap<Arc<Provenance>, u32, foldhash::fast::RandomState>,
    /// The number of the empty provenance (most entries of a plain list).
    empty: u32,
    class: Vec<Class>,
    /// (entry, why its address does not validate), by entry.
    issues: Vec<(u32, ParseError)>,
    /// (entry, its kind and hash) for the addresses with other spellings,
    /// by entry.
    aliases: Vec<(u32, (AddressKind, [u8; 20]))>,
}

impl Default for Store {
    fn default() -> Store {
        let empty = Arc::new(Provenance::default());
        let mut interned = HashMap::default();
        interned.insert(empty.clone(), 0);
        Store {
            text: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
            provenance: Vec::new(),
            distinct: vec![empty],
            interned,
            empty: 0,
            class: Vec::new(),
            issues: Vec::new(),
            aliases: Vec::new(),
        }
    }
}

impl Store {
    /// An empty store with room for about `n` entries of `bytes` address
    /// bytes.
    pub fn with_capacity(n: usize, bytes: usize) -> Store {
        let mut s = Store::default();
        s.text.reserve(bytes);
        s.ends.reserve(n);
        s.lines.reserve(n);
        s.provenance.reserve(n);
        s.class.reserve(n);
        s
    }

    /// The entries made in code or by a parser, validated here.
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Store {
        let mut s = Store::default();
        for e in entries {
            s.push(e);
        }
        s
    }

    /// Validates and appends an entry (its `issue` is recomputed).
    pub fn push(&mut self, mut e: Entry) {
        let p = std::mem::take(&mut e.provenance);
        self.push_parts(&e.address, e.line, p);
    }

    /// Validates and appends an entry given by its parts.
    pub fn push_parts(&mut self, address: &str, line: usize, provenance: Provenance) {
        let id = self.intern(provenance);
        self.push_interned(address, line, id);
    }

    /// Validates and appends an entry whose provenance is
    /// [`Store::intern`]'s `id`.
    pub fn push_interned(&mut self, address: &str, line: usize, id: u32) {
        let i = self.ends.len() as u32;
        let class = match address::parse(address) {
            Ok(a) => {
                let aliases = alias_bound(&a);
                if aliases > 0
                    && let Ok(hash) = <[u8; 20]>::try_from(a.payload.as_slice())
                {
                    self.aliases.push((i, (a.kind.clone(), hash)));
                }
                Class {
                    family: Some(a.family),
                    aliases,
                    checksum_valid: a.checksum == Checksum::Valid,
                }
            }
            Err(why) => {
                self.issues.push((i, why));
                Class {
                    family: None,
                    aliases: 0,
                    checksum_valid: false,
                }
            }
        };
        self.text.push_str(address);
        self.ends.push(self.text.len());
        self.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        self.provenance.push(id);
        self.class.push(class);
    }

    /// The number of a provenance in this store, added if new.
    pub fn intern(&mut self, p: Provenance) -> u32 {
        if p.is_empty() {
            return self.empty;
        }
        if let Some(&id) = self.interned.get(&p) {
            return id;
        }
        let id = self.distinct.len() as u32;
        let p = Arc::new(p);
        self.distinct.push(p.clone());
        self.interned.insert(p, id);
        id
    }

    /// Appends another store's entries (a piece parsed apart).
    pub fn append(&mut self, other: Store) {
        let remap: Vec<u32> = other
            .distinct
            .iter()
            .map(|p| self.intern(Provenance::clone(p)))
            .collect();
        let (n, base) = (self.ends.len() as u32, self.text.len());
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + base));
        self.lines.extend_from_slice(&other.lines);
        self.provenance
            .extend(other.provenance.iter().map(|&p| remap[p as usize]));
        self.class.extend_from_slice(&other.class);
        self.issues
            .extend(other.issues.into_iter().map(|(i, e)| (i + n, e)));
        self.aliases
            .extend(other.aliases.into_iter().map(|(i, a)| (i + n, a)));
    }

    /// Concatenates stores, in order.
    pub fn concat(parts: Vec<Store>) -> Store {
        let n = parts.iter().map(Store::len).sum();
        let bytes = parts.iter().map(|p| p.text.len()).sum();
        let mut s = Store::with_capacity(n, bytes);
        for p in parts {
            s.append(p);
        }
        s
    }

    /// Sets the source of every entry that has none.
    pub fn default_source(&mut self, source: &str) {
        let old = std::mem::take(&mut self.distinct);
        self.interned.clear();
        let remap: Vec<u32> = old
            .into_iter()
            .map(|p| {
                let mut p = Arc::unwrap_or_clone(p);
                if p.source.is_none() {
                    p.source = Some(source.to_owned());
                }
                let id = self.distinct.len() as u32;
                let p = Arc::new(p);
                self.distinct.push(p.clone());
                self.interned.insert(p, id);
                id
            })
            .collect();
        for p in &mut self.provenance {
            *p = remap[*p as usize];
        }
        // The empty provenance got the source: keep one for `intern`.
        let empty = Arc::new(Provenance::default());
        self.empty = match self.interned.get(&empty) {
            Some(&id) => id,
            None => {
                let id = self.distinct.len() as u32;
                self.distinct.push(empty.clone());
                self.interned.insert(empty, id);
                id
            }
        };
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Entry `i`, borrowed.
    pub fn get(&self, i: usize) -> Option<EntryRef<'_>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let class = self.class[i];
        let issue = if class.family.is_none() {
            self.issues
                .binary_search_by_key(&(i as u32), |(k, _)| *k)
                .ok()
                .map(|k| &self.issues[k].1)
        } else {
            None
        };
        let alias = if class.aliases > 0 && class.family.is_some() {
            self.aliases
                .binary_search_by_key(&(i as u32), |(k, _)| *k)
                .ok()
                .map(|k| &self.aliases[k].1)
        } else {
            None
        };
        Some(EntryRef {
            address: &self.text[start..end],
            provenance: &self.distinct[self.provenance[i] as usize],
            line: self.lines[i],
            class,
            issue,
            alias,
        })
    }

    /// The entries, borrowed.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = EntryRef<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i).expect("in range"))
    }

    /// The entries whose address does not validate.
    pub fn flagged(&self) -> impl Iterator<Item = EntryRef<'_>> + '_ {
        self.issues
            .iter()
            .filter_map(|(i, _)| self.get(*i as usize))
    }
}

/// Validates and stores entries, on every core for many.
pub(crate) fn store_all(entries: Vec<Entry>) -> Store {
    const MIN_PARALLEL: usize = 16 * 1024;
    let threads = if entries.len() < MIN_PARALLEL {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    if threads == 1 {
        return Store::from_entries(entries);
    }
    let chunk = entries.len().div_ceil(threads);
    let mut parts: Vec<Vec<Entry>> = Vec::new();
    let mut rest = entries;
    while rest.len() > chunk {
        let tail = rest.split_off(chunk);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    let stores = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|p| s.spawn(move || Store::from_entries(p)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("validation does not panic"))
            .collect::<Vec<_>>()
    });
    Store::concat(stores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_provenance_stays_empty_after_a_default_source() {
        let mut s = Store::default();
        s.push_parts(
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            1,
            Provenance::default(),
        );
        s.default_source("https://example.org/list");
        s.push_parts(
            "0x8589427373D6D84E98730D7795D8f6f8731FDA16",
            2,
            Provenance::default(),
        );
        let sources: Vec<Option<&str>> = s.iter().map(|e| e.provenance.source.as_deref()).collect();
        assert_eq!(sources, [Some("https://example.org/list"), None]);
    }

    #[test]
    fn appended_pieces_keep_their_provenance_issues_and_order() {
        let named = |entity: &str| Provenance {
            entity: Some(entity.to_owned()),
            ..Provenance::default()
        };
        let mut a = Store::default();
        a.push_parts("not an address", 1, named("A"));
        a.push_parts("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 2, named("B"));
        let mut b = Store::default();
        b.push_parts("also not one", 3, named("B"));
        b.push_parts(
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            4,
            Provenance::default(),
        );
        let s = Store::concat(vec![a, b]);
        let got: Vec<(&str, u32, Option<&str>, bool, bool)> = s
            .iter()
            .map(|e| {
                (
                    e.address,
                    e.line,
                    e.provenance.entity.as_deref(),
                    e.issue.is_some(),
                    e.alias.is_some(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("not an address", 1, Some("A"), true, false),
                (
                    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                    2,
                    Some("B"),
                    false,
                    true
                ),
                ("also not one", 3, Some("B"), true, false),
                (
                    "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                    4,
                    None,
                    false,
                    false
                ),
            ]
        );
        assert_eq!(s.flagged().map(|e| e.line).collect::<Vec<_>>(), [1, 3]);
        // One "B" for both pieces: interned across the join.
        assert_eq!(
            s.distinct
                .iter()
                .filter(|p| p.entity.as_deref() == Some("B"))
                .count(),
            1
        );
    }
}
