//! Rebuilding a bundled list (`lists/ofac_sdn.csv`) from a downloaded OFAC
//! file, with the difference to the previous version. Used by the
//! maintainer tool `examples/refresh_lists.rs`.

use std::collections::HashMap;

use super::OfacFile;
use crate::list::LoadError;
use crate::list::{Category, Entry, List, ListMeta};

/// An entry whose provenance changed (same address, same entity).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// In the previous list.
    pub before: Entry,
    /// In the new list.
    pub after: Entry,
}

/// A refreshed list and what changed.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// The new list.
    pub list: List,
    /// Entries new in the OFAC file, in file order.
    pub added: Vec<Entry>,
    /// Entries of the previous list that the OFAC file no longer has.
    pub removed: Vec<Entry>,
    /// Entries whose tickers, entity name, programs or listing date changed.
    pub changed: Vec<Change>,
}

/// Rebuilds a list from an OFAC file, reproducibly (the result depends on
/// `file` and `previous` only):
///
/// * metadata: `previous`'s (id, name, category, source, license), else
///   `defaults` completed as [`List::from_ofac`] does; `as_of` is the
///   file's publish date (kept from `previous` when the file has none, as
///   `sdn.csv`); category [`Category::Sanctioned`];
/// * entries, identified by (address, entity id): first those of
///   `previous` that the file still has, in `previous`'s order, with the
///   file's tickers, entity name, programs and listing date (`previous`'s
///   when the format has none: `sdn.csv`, `SDN.XML`) and `previous`'s
///   `chain` and `source` (OFAC publishes no chain); then the
///   file's new entries, in file order, with an empty chain and source.
///
/// A file that may be missing addresses is refused
/// ([`OfacFile::check_complete`]).
pub fn refresh(
    previous: Option<&List>,
    file: &OfacFile,
    defaults: ListMeta,
) -> Result<Refreshed, LoadError> {
    let fresh = List::from_ofac(file, defaults)?;
    let meta = match previous {
        Some(p) => ListMeta {
            as_of: file.publish_date.clone().or_else(|| p.meta().as_of.clone()),
            category: Category::Sanctioned,
            ..p.meta().clone()
        },
        None => fresh.meta().clone(),
    };
    let key = |e: &Entry| {
        (
            e.address.clone(),
            e.provenance.entity_id.clone().unwrap_or_default(),
        )
    };
    let mut new_by_key: HashMap<(String, String), usize> = HashMap::new();
    let fresh_entries: Vec<Entry> = fresh.entries().collect();
    for (i, e) in fresh_entries.iter().enumerate() {
        new_by_key.entry(key(e)).or_insert(i);
    }
    let mut taken = vec![false; fresh_entries.len()];
    let mut entries = Vec::with_capacity(fresh_entries.len());
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    let old_entries: Vec<Entry> = previous.map(|p| p.entries().collect()).unwrap_or_default();
    for old in &old_entries {
        let Some(&i) = new_by_key.get(&key(old)) else {
            removed.push(old.clone());
            continue;
        };
        if taken[i] {
            continue; // a duplicate row in `previous`
        }
        taken[i] = true;
        let new = &fresh_entries[i];
        let mut e = Entry::new(new.address.as_str(), 0);
        e.provenance.chain.clone_from(&old.provenance.chain);
        e.provenance.tickers.clone_from(&new.provenance.tickers);
        e.provenance.entity.clone_from(&new.provenance.entity);
        e.provenance.entity_id.clone_from(&new.provenance.entity_id);
        e.provenance.programs.clone_from(&new.provenance.programs);
        // `sdn.csv` and `SDN.XML` have no listing dates: keep the old one.
        e.provenance.listed = new
            .provenance
            .listed
            .clone()
            .or_else(|| old.provenance.listed.clone());
        e.provenance.source = old
            .provenance
            .source
            .clone()
            .filter(|s| Some(s) != meta.source.as_ref());
        let differs = old.provenance.tickers != e.provenance.tickers
            || old.provenance.entity != e.provenance.entity
            || old.provenance.programs != e.provenance.programs
            || old.provenance.listed != e.provenance.listed;
        if differs {
            changed.push(Change {
                before: old.clone(),
                after: e.clone(),
            });
        }
        entries.push(e);
    }
    let mut added = Vec::new();
    for (i, new) in fresh_entries.iter().enumerate() {
        if taken[i] || new_by_key.get(&key(new)) != Some(&i) {
            continue;
        }
        let mut e = new.clone();
        e.line = 0;
        e.provenance.source = None;
        added.push(e.clone());
        entries.push(e);
    }
    // Entries carry the list's source when they have none, as on loading.
    for (n, e) in entries.iter_mut().enumerate() {
        e.line = n + 1;
        if e.provenance.source.is_none() {
            e.provenance.source.clone_from(&meta.source);
        }
    }
    Ok(Refreshed {
        list: List::from_entries(meta, entries),
        added,
        removed,
        changed,
    })
}
