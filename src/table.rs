//! The exact set: canonical keys in one byte arena, indexed by a
//! `hashbrown::HashTable<u32>` with a fixed-seed foldhash.
//!
//! Per key this costs the key bytes, a 4-byte end offset and ~5 bytes of
//! table (a `u32` slot plus a control byte at 7/8 load), with no per-key
//! allocation.

use std::hash::{BuildHasher, Hasher};

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Seed of the key hash; fixed so that compiled forms are reproducible.
const SEED: u64 = 0x7761_6c6c_6574_7363; // "walletsc"

#[derive(Clone)]
pub(crate) struct KeyTable {
    state: FixedState,
    table: HashTable<u32>,
    arena: Vec<u8>,
    ends: Vec<u32>,
}

impl KeyTable {
    pub(crate) fn new() -> Self {
        KeyTable {
            state: FixedState::with_seed(SEED),
            table: HashTable::new(),
            arena: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Hash of a key, as used by the table and the bloom filter.
    #[inline]
    pub(crate) fn hash(&self, tag: u8, payload: &[u8]) -> u64 {
        hash_with(&self.state, tag, payload)
    }

    /// The key at `idx`: `(tag, payload)`.
    #[inline]
    pub(crate) fn key(&self, idx: u32) -> (u8, &[u8]) {
        key_at(&self.arena, &self.ends, idx)
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Inserts a key if absent; returns its index either way.
    pub(crate) fn insert(&mut self, tag: u8, payload: &[u8]) -> Result<u32, usize> {
        let hash = self.hash(tag, payload);
        if let Some(idx) = self.find(hash, tag, payload) {
            return Ok(idx);
        }
        let idx = u32::try_from(self.ends.len()).map_err(|_| self.ends.len())?;
        self.arena.push(tag);
        self.arena.extend_from_slice(payload);
        let end = u32::try_from(self.arena.len()).map_err(|_| self.ends.len())?;
        self.ends.push(end);
        let (state, arena, ends) = (&self.state, &self.arena, &self.ends);
        self.table.insert_unique(hash, idx, |&i| {
            let (t, p) = key_at(arena, ends, i);
            hash_with(state, t, p)
        });
        Ok(idx)
    }

    /// Finds a key given its precomputed hash.
    #[inline]
    pub(crate) fn find(&self, hash: u64, tag: u8, payload: &[u8]) -> Option<u32> {
        self.table
            .find(hash, |&i| self.key(i) == (tag, payload))
            .copied()
    }

    /// Bytes held (arena, offsets and table), for memory reporting.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.arena.capacity() + 4 * self.ends.capacity() + 5 * self.table.capacity()
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.ends.shrink_to_fit();
        let (state, arena, ends) = (&self.state, &self.arena, &self.ends);
        self.table.shrink_to_fit(|&i| {
            let (t, p) = key_at(arena, ends, i);
            hash_with(state, t, p)
        });
    }
}

#[inline]
fn hash_with(state: &FixedState, tag: u8, payload: &[u8]) -> u64 {
    let mut h = state.build_hasher();
    h.write_u8(tag);
    h.write(payload);
    h.finish()
}

#[inline]
fn key_at<'a>(arena: &'a [u8], ends: &[u32], idx: u32) -> (u8, &'a [u8]) {
    let i = idx as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    let end = ends[i] as usize;
    (arena[start], &arena[start + 1..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_find_dedup() {
        let mut t = KeyTable::new();
        let a = t.insert(b'e', &[1, 2, 3]).unwrap();
        let b = t.insert(b'b', b"xyz").unwrap();
        assert_ne!(a, b);
        assert_eq!(t.insert(b'e', &[1, 2, 3]).unwrap(), a);
        assert_eq!(t.len(), 2);
        assert_eq!(t.find(t.hash(b'b', b"xyz"), b'b', b"xyz"), Some(b));
        assert_eq!(t.find(t.hash(b'e', b"xyz"), b'e', b"xyz"), None);
        for i in 0..10_000u32 {
            t.insert(b'o', &i.to_le_bytes()).unwrap();
        }
        t.shrink_to_fit();
        assert_eq!(
            t.find(
                t.hash(b'o', &77u32.to_le_bytes()),
                b'o',
                &77u32.to_le_bytes()
            ),
            Some(79)
        );
        assert_eq!(t.key(b), (b'b', &b"xyz"[..]));
    }
}
