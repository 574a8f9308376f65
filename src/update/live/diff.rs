//! What changed between two lists: the addresses added and removed (for
//! the [`RefreshReport`](crate::update::RefreshReport)), and the removals
//! recorded in the listing history.

use std::collections::{HashMap, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::address::AddressKind;
use crate::date::Date;
use crate::history::{Delisting, History, HistoryRecord};
use crate::list::{Category, Entry, List};
use crate::screener::ScreenerBuilder;
use crate::update::Change;

/// Records in `history` every entry of `old` that `new` no longer has
/// (compared on the decoded address and the party: entity id, else
/// entity), delisted by today's refresh, after the day the old list was
/// last confirmed (`verified`, else its `as_of`).
pub(super) fn record_removals(
    history: &mut History,
    old: &List,
    new: &List,
    verified: Option<SystemTime>,
) {
    let new_entries: Vec<Entry> = new.entries().collect();
    let old_entries: Vec<Entry> = old.entries().collect();
    let kept: HashSet<(DiffKey, Option<&str>)> = new_entries
        .iter()
        .map(|e| (diff_key(e), crate::history::party(e)))
        .collect();
    let today = Date::today_utc();
    let after = verified
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| Date::from_unix_seconds(d.as_secs()))
        .or_else(|| {
            old.meta()
                .as_of
                .as_deref()
                .and_then(|d| Date::parse(d).ok())
        })
        .filter(|a| *a <= today);
    let candidates: Vec<&Entry> = old_entries
        .iter()
        .filter(|e| !kept.contains(&(diff_key(e), crate::history::party(e))))
        .collect();
    if candidates.is_empty() {
        return;
    }
    // An old spelling that a new entry of the same party reaches through the
    // crate's keys is the same entry, not a removal: a look-alike character
    // the publisher corrected (indexed on the old, flagged side), another
    // encoding of the same address.
    let mut reached = vec![false; candidates.len()];
    let old_side = List::from_entries(
        crate::list::ListMeta::new("old", Category::Custom),
        candidates.iter().enumerate().map(|(i, e)| {
            let mut e = Entry::clone(e);
            e.line = i + 1;
            e
        }),
    );
    if let Ok(s) = ScreenerBuilder::new().list(old_side).build() {
        for n in &new_entries {
            let Some(hit) = s.check(&n.address).hit().cloned() else {
                continue;
            };
            for m in hit.matches() {
                let i = m.line().saturating_sub(1);
                if candidates
                    .get(i)
                    .is_some_and(|c| crate::history::party(c) == crate::history::party(n))
                {
                    reached[i] = true;
                }
            }
        }
    }
    for (e, reached) in candidates.into_iter().zip(reached) {
        if reached {
            continue;
        }
        history.push(HistoryRecord {
            list: new.meta().id.clone(),
            category: old.meta().category,
            entry: e.clone(),
            listed_after: None,
            listed_by: None,
            delisted: Some(Delisting { after, by: today }),
        });
    }
}

/// How two spellings of one address compare: decoded kind and payload when
/// the address validates, normalized text otherwise.
#[derive(Debug, PartialEq, Eq, Hash)]
enum DiffKey {
    Decoded(AddressKind, Vec<u8>),
    Text(String),
}

fn diff_key(e: &Entry) -> DiffKey {
    match e.parsed() {
        Some(a) => DiffKey::Decoded(a.kind.clone(), a.payload.clone()),
        None => DiffKey::Text(
            crate::address::normalize(&e.address).unwrap_or_else(|_| e.address.trim().to_owned()),
        ),
    }
}

/// Addresses added and removed between two lists' entries, each in the
/// order of its list, once per address.
pub(super) fn diff(old: &[Entry], new: &[Entry]) -> (Vec<Change>, Vec<Change>) {
    let old_keys: HashMap<DiffKey, &Entry> = old.iter().map(|e| (diff_key(e), e)).collect();
    let new_keys: HashMap<DiffKey, &Entry> = new.iter().map(|e| (diff_key(e), e)).collect();
    let changes = |from: &[Entry], other: &HashMap<DiffKey, &Entry>| {
        let mut seen = HashSet::new();
        from.iter()
            .filter_map(|e| {
                let k = diff_key(e);
                (!other.contains_key(&k) && seen.insert(k)).then(|| Change {
                    address: e.address.clone(),
                    entity: e.provenance.entity.clone(),
                })
            })
            .collect()
    };
    (changes(new, &old_keys), changes(old, &new_keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(addrs: &[&str]) -> Vec<Entry> {
        addrs
            .iter()
            .enumerate()
            .map(|(i, a)| Entry::new(*a, i + 1))
            .collect()
    }

    #[test]
    fn diff_compares_decoded_addresses() {
        let old = entries(&[
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "not an address",
        ]);
        let new = entries(&[
            "0x52908400098527886e0f7030069857d2e4169ee7", // same, other case
            "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm",
            "not an address",
            "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", // duplicate: once
        ]);
        let (added, removed) = diff(&old, &new);
        let addrs = |v: &[Change]| v.iter().map(|c| c.address.clone()).collect::<Vec<_>>();
        assert_eq!(addrs(&added), ["36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm"]);
        assert_eq!(addrs(&removed), ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]);
    }
}
