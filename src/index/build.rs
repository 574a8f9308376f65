//! Building an index in place ([`IndexBuilder`]).

use std::ops::Range;

use foldhash::fast::FixedState;

use super::format::{
    ENTRY_LEN, EntryRec, FIXED_LEN, FORMAT_VERSION, GROUP, GROUP_BIT, GROUP_FILL, GROUP_SLOTS,
    LONG, MAGIC, SECTIONS, SEED, SMALL_GROUP_FILL, SMALL_TABLE_KEYS, TRAILER_LEN, record,
    record_is,
};
use super::image::Buffer;
use super::table::{Index, h2, h3, hash_key, home, read_u32};
use crate::wire::HEADER_LEN;

/// Builds an index in place: the image is laid out when the builder is
/// made (table, entry records, then the key arena growing into the room
/// reserved for it), so that finishing writes only the header, the
/// multi-reference groups, the meta section and the checksum. Building into
/// separate buffers and copying them into the image cost 0.4 s (4 KiB
/// pages) to 1.5 s (huge pages) at 10 M entries: fresh memory, touched
/// twice.
pub(crate) struct IndexBuilder {
    pub(super) seed: u64,
    pub(super) groups_n: u64,
    pub(super) image: Buffer,
    pub(super) table: Range<usize>,
    /// Start of the entry records; `entries_n` of `entries_cap` written.
    pub(super) entries_at: usize,
    pub(super) entries_n: usize,
    pub(super) entries_cap: usize,
    /// Start of the arena and the bytes of it written.
    pub(super) arena_at: usize,
    pub(super) arena_len: usize,
    pub(super) keys: usize,
    /// Keys with several references, by record offset.
    pub(super) multi: std::collections::HashMap<u32, Vec<u32>, FixedState>,
    /// Build-time only: per slot, 8 more bits of its key's hash
    /// ([`h3`]), 12 bytes per group. A control-byte match (1 in 128 per
    /// filled slot) reads the other key's record, a likely cache and TLB
    /// miss in an arena of hundreds of MB, only when these bits match too.
    pub(super) extra: Vec<u8>,
}

impl IndexBuilder {
    /// A builder sized for at most `max_keys` distinct keys (6 or 10 per
    /// group of 12 slots at most, see [`GROUP_FILL`]), `entries` entries and
    /// about `arena` bytes of key records (the room grows if the records,
    /// the groups or the meta section need more).
    pub(crate) fn new(max_keys: usize, arena: usize, entries: usize) -> IndexBuilder {
        let fill = if max_keys <= SMALL_TABLE_KEYS {
            SMALL_GROUP_FILL
        } else {
            GROUP_FILL
        };
        let groups_n = max_keys.div_ceil(fill).max(1);
        let table_at = (HEADER_LEN + FIXED_LEN).next_multiple_of(GROUP);
        let table = table_at..table_at + groups_n * GROUP;
        let entries_at = table.end;
        let arena_at = entries_at + entries * ENTRY_LEN;
        let cap = arena_at + arena + TRAILER_LEN;
        let image = Buffer::zeroed(cap, table.clone());
        IndexBuilder {
            seed: SEED,
            groups_n: groups_n as u64,
            image,
            table,
            entries_at,
            entries_n: 0,
            entries_cap: entries,
            arena_at,
            arena_len: 0,
            keys: 0,
            multi: std::collections::HashMap::with_hasher(FixedState::with_seed(SEED)),
            extra: vec![0; groups_n * GROUP_SLOTS],
        }
    }

    /// Adds reference `r` to key `(tag, payload)`, inserting the key if it
    /// is new; returns its record offset, or `None` when the arena is full
    /// (4 GiB), the payload is over 64 KiB or every slot of the table is
    /// taken (more keys than the builder was sized for).
    #[cfg(test)]
    pub(crate) fn insert(&mut self, tag: u8, payload: &[u8], r: u32) -> Option<u32> {
        let hash = hash_key(self.seed, tag, payload);
        self.insert_hashed(hash, tag, payload, r)
    }

    /// The hash of a key, for [`IndexBuilder::insert_hashed`].
    pub(crate) fn hash(&self, tag: u8, payload: &[u8]) -> u64 {
        hash_key(self.seed, tag, payload)
    }

    /// Reads the home groups of keys about to be inserted, in one tight
    /// loop: independent loads, so their cache misses overlap.
    pub(crate) fn warm(&self, hashes: &[u64]) {
        let table = &self.image[self.table.clone()];
        let mut acc = 0u8;
        for &h in hashes {
            let g = home(h, self.groups_n);
            acc ^= table.get(g * GROUP + GROUP_SLOTS - 1).copied().unwrap_or(0);
            acc ^= self.extra.get(g * GROUP_SLOTS).copied().unwrap_or(0);
        }
        std::hint::black_box(acc);
    }

    /// Makes room for `need` more bytes after the arena (a new image, the
    /// old one copied; only when the arena outgrows its estimate).
    pub(super) fn reserve(&mut self, need: usize) {
        let used = self.arena_at + self.arena_len;
        if used + need + TRAILER_LEN <= self.image.capacity() {
            return;
        }
        let cap = (used + need + TRAILER_LEN).max(self.image.capacity() * 2);
        let mut image = Buffer::zeroed(cap, self.table.clone());
        image[..used].copy_from_slice(&self.image[..used]);
        self.image = image;
    }

    /// [`IndexBuilder::insert`] given the key's hash.
    pub(crate) fn insert_hashed(
        &mut self,
        hash: u64,
        tag: u8,
        payload: &[u8],
        r: u32,
    ) -> Option<u32> {
        let len = u16::try_from(payload.len()).ok()?;
        let h = h2(hash);
        let e = h3(hash);
        let mut g = home(hash, self.groups_n);
        let (slot_at, ctrl_at, extra_at) = {
            let image: &[u8] = &self.image;
            let table = &image[self.table.clone()];
            let arena = &image[self.arena_at..self.arena_at + self.arena_len];
            // At most every group once: a full table (more keys than the
            // builder was sized for) is an error, not an endless probe.
            let mut probes = self.groups_n;
            'probe: loop {
                probes = probes.checked_sub(1)?;
                let base = g * GROUP;
                for j in 0..GROUP_SLOTS {
                    let c = table[base + j];
                    let slot_at = base + 16 + 4 * j;
                    if c == 0 {
                        break 'probe (slot_at, base + j, g * GROUP_SLOTS + j);
                    }
                    let off = read_u32(table, slot_at)?;
                    if c == h
                        && self.extra[g * GROUP_SLOTS + j] == e
                        && record_is(arena, off as usize, tag, payload)
                    {
                        let (_, _, at) = record(arena, off as usize)?;
                        let first = read_u32(arena, at)?;
                        self.multi.entry(off).or_insert_with(|| vec![first]).push(r);
                        return Some(off);
                    }
                }
                g += 1;
                if g as u64 == self.groups_n {
                    g = 0;
                }
            }
        };
        let off = u32::try_from(self.arena_len).ok()?;
        let head = if usize::from(len) < LONG { 2 } else { 4 };
        let rec_len = head + payload.len() + 4;
        u32::try_from(self.arena_len + rec_len).ok()?;
        self.reserve(rec_len);
        let at = self.arena_at + self.arena_len;
        let rec = &mut self.image[at..at + rec_len];
        rec[0] = tag;
        if head == 2 {
            rec[1] = len as u8;
        } else {
            rec[1] = LONG as u8;
            rec[2..4].copy_from_slice(&len.to_le_bytes());
        }
        rec[head..head + payload.len()].copy_from_slice(payload);
        rec[head + payload.len()..].copy_from_slice(&r.to_le_bytes());
        self.arena_len += rec_len;
        let table = &mut self.image[self.table.clone()];
        table[ctrl_at] = h;
        table[slot_at..slot_at + 4].copy_from_slice(&off.to_le_bytes());
        self.extra[extra_at] = e;
        self.keys += 1;
        Some(off)
    }

    /// Writes the next entry record; `false` when all the entries the
    /// builder was sized for are written.
    pub(crate) fn push_entry(&mut self, rec: EntryRec) -> bool {
        if self.entries_n == self.entries_cap {
            return false;
        }
        let at = self.entries_at + self.entries_n * ENTRY_LEN;
        let r = &mut self.image[at..at + ENTRY_LEN];
        r[0..4].copy_from_slice(&rec.key.to_le_bytes());
        r[4..8].copy_from_slice(&rec.meta.to_le_bytes());
        r[8..12].copy_from_slice(&rec.line.to_le_bytes());
        r[12] = rec.form;
        self.entries_n += 1;
        true
    }

    /// Writes the groups after the arena, then the meta section `meta`, the
    /// header and the checksum.
    pub(crate) fn finish(mut self, meta: &[u8]) -> Index {
        // Groups, in record order so that the image is reproducible.
        let mut multi: Vec<(u32, Vec<u32>)> = std::mem::take(&mut self.multi).into_iter().collect();
        multi.sort_unstable_by_key(|(off, _)| *off);
        let groups_len: usize = multi.iter().map(|(_, refs)| 4 * refs.len()).sum();
        self.reserve(groups_len + meta.len());
        let groups_at = self.arena_at + self.arena_len;
        let mut at = groups_at;
        for (off, refs) in multi {
            let g = ((at - groups_at) / 4) as u32 | GROUP_BIT;
            for (k, r) in refs.iter().enumerate() {
                let last = if k + 1 == refs.len() { GROUP_BIT } else { 0 };
                self.image[at..at + 4].copy_from_slice(&(r | last).to_le_bytes());
                at += 4;
            }
            let arena = &mut self.image[self.arena_at..self.arena_at + self.arena_len];
            let (_, _, r) = record(arena, off as usize).expect("a record the builder wrote");
            arena[r..r + 4].copy_from_slice(&g.to_le_bytes());
        }
        self.image[at..at + meta.len()].copy_from_slice(meta);
        at += meta.len();
        debug_assert_eq!(self.entries_n, self.entries_cap);
        let fixed_at = HEADER_LEN + FIXED_LEN;
        let pad = self.table.start - fixed_at;
        let lens = [
            pad,
            self.table.len(),
            self.entries_cap * ENTRY_LEN,
            self.arena_len,
            groups_len,
            meta.len(),
        ];
        let payload_len = FIXED_LEN + lens.iter().sum::<usize>();
        let body = HEADER_LEN + payload_len;
        debug_assert_eq!(body, at);
        let mut head: Vec<u8> = Vec::with_capacity(fixed_at);
        head.extend_from_slice(&MAGIC);
        head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        head.extend_from_slice(&(payload_len as u64).to_le_bytes());
        for v in [
            SEED,
            self.groups_n,
            self.keys as u64,
            self.entries_cap as u64,
        ] {
            head.extend_from_slice(&v.to_le_bytes());
        }
        for l in lens {
            head.extend_from_slice(&(l as u64).to_le_bytes());
        }
        self.image[..fixed_at].copy_from_slice(&head);
        let sum = xxhash_rust::xxh3::xxh3_64(&self.image[..body]);
        self.image[body..body + TRAILER_LEN].copy_from_slice(&sum.to_le_bytes());
        self.image.set_len(body + TRAILER_LEN);
        // The rest of the image is advised now that it is written: the
        // kernel's khugepaged folds it into huge pages in the background
        // (minutes for a 10 M-entry image), so that the hits of a
        // long-running screener stop paying TLB misses in the arena,
        // without the build paying huge-page faults for it.
        #[cfg(target_os = "linux")]
        if let Buffer::Anon(m, _) = &self.image {
            let _ = m.advise(memmap2::Advice::HugePage);
        }
        let mut start = fixed_at;
        let mut ranges: [Range<usize>; SECTIONS] = Default::default();
        for (r, l) in ranges.iter_mut().zip(lens) {
            *r = start..start + l;
            start += l;
        }
        let [_pad, table, entry_recs, arena, groups, meta] = ranges;
        Index {
            image: self.image.into(),
            seed: self.seed,
            groups_n: self.groups_n,
            keys: self.keys,
            entries: self.entries_cap,
            meta,
            table,
            arena,
            groups,
            entry_recs,
        }
    }
}
