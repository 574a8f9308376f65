//! The hash table and the reader of an image: key hashing, group probing,
//! [`Index`] (lookups, entries, validation on load).

use std::ops::Range;

use super::format::{
    ENTRY_LEN, EntryRec, FIXED_LEN, FLAGGED, GROUP, GROUP_BIT, GROUP_SLOTS, MAX_ENTRIES, NO_KEY,
    SECTIONS, TRAILER_LEN, VIA_BITS, VIA_MASK, check_frame, corrupt, record, record_is,
};
use super::image::Image;
use super::spelling::Form;
use crate::wire::{Decoder, HEADER_LEN, WireError, WireFile};

/// The hash of a key: XXH3-64 of the payload, seeded with the image's
/// seed and the key's tag.
///
/// XXH3 is a specified algorithm: its values are the same on every platform
/// and in every version of the implementation, which a table laid out in a
/// file needs (a hasher whose output may change between releases, like
/// `foldhash`, would make a compiled file from one build miss keys in
/// another: silent clears).
#[inline(always)]
pub(crate) fn hash_key(seed: u64, tag: u8, payload: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(
        payload,
        seed ^ u64::from(tag).wrapping_mul(0x9e37_79b9_7f4a_7c15),
    )
}

/// Home slot of a hash among `n` (multiply-shift on the low 32 bits).
#[inline(always)]
pub(super) fn home(hash: u64, n: u64) -> usize {
    ((hash & 0xffff_ffff).wrapping_mul(n) >> 32) as usize
}

/// Control byte of a hash: the top 7 bits, with bit 7 set (0 is empty).
#[inline(always)]
pub(super) fn h2(hash: u64) -> u8 {
    (hash >> 57) as u8 | 0x80
}

/// Hash bits 49–56: used by neither [`home`] (bits 0–31) nor [`h2`]
/// (57–63); the builder's second filter before a record read.
#[inline(always)]
pub(super) fn h3(hash: u64) -> u8 {
    (hash >> 49) as u8
}

pub(super) const LO: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
pub(super) const HI: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;

/// Bit 7 of byte `j` set for each byte of `w` equal to `h` (and possibly
/// false positives above a true one, to be verified).
#[inline(always)]
pub(super) fn matching(w: u128, h: u8) -> u128 {
    let x = w ^ u128::from(h).wrapping_mul(LO);
    x.wrapping_sub(LO) & !x & HI
}

/// Whether a group has an empty slot: slots fill in order and are never
/// removed, so its last control byte says it.
#[inline(always)]
pub(super) fn has_room(group: &[u8; GROUP]) -> bool {
    group[GROUP_SLOTS - 1] == 0
}

#[inline(always)]
pub(super) fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The `(entry, via)` references of one key, see [`Index::refs`].
#[derive(Debug, Clone)]
pub(crate) struct Refs<'a> {
    groups: &'a [u8],
    /// A key's only reference, not yet yielded.
    single: Option<u32>,
    /// The next reference of a key's group, by index.
    next: Option<usize>,
}

impl Iterator for Refs<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        if let Some(r) = self.single.take() {
            return Some((r >> VIA_BITS, (r & VIA_MASK) as u8));
        }
        let g = self.next.take()?;
        let r = read_u32(self.groups, g.saturating_mul(4))?;
        if r & GROUP_BIT == 0 {
            self.next = Some(g + 1);
        }
        Some(((r & !GROUP_BIT) >> VIA_BITS, (r & VIA_MASK) as u8))
    }
}

impl std::iter::FusedIterator for Refs<'_> {}

/// The compiled index: the image and where its sections are.
pub(crate) struct Index {
    pub(super) image: Image,
    pub(super) seed: u64,
    pub(super) groups_n: u64,
    pub(super) keys: usize,
    pub(super) entries: usize,
    pub(super) meta: Range<usize>,
    pub(super) table: Range<usize>,
    pub(super) arena: Range<usize>,
    pub(super) groups: Range<usize>,
    pub(super) entry_recs: Range<usize>,
}

impl Index {
    /// The whole image (a compiled snapshot file).
    pub(crate) fn image(&self) -> &[u8] {
        &self.image
    }

    /// The meta section.
    pub(crate) fn meta(&self) -> &[u8] {
        &self.image[self.meta.clone()]
    }

    /// Bytes of the table section.
    pub(crate) fn table_bytes(&self) -> usize {
        self.table.len()
    }

    pub(crate) fn key_count(&self) -> usize {
        self.keys
    }

    pub(crate) fn entry_count(&self) -> usize {
        self.entries
    }

    /// Hash of a key, as used by the table and the bloom filter.
    #[inline(always)]
    pub(crate) fn hash(&self, tag: u8, payload: &[u8]) -> u64 {
        hash_key(self.seed, tag, payload)
    }

    /// The record offset of a key, given its hash.
    #[inline(always)]
    pub(crate) fn find(&self, hash: u64, tag: u8, payload: &[u8]) -> Option<u32> {
        let image: &[u8] = &self.image;
        let table = image.get(self.table.clone())?;
        let h = h2(hash);
        let mut g = home(hash, self.groups_n);
        for _ in 0..self.groups_n {
            let group: &[u8; GROUP] = table.get(g * GROUP..)?.first_chunk()?;
            // The 12 control bytes and the 4 zero bytes after them (never
            // equal to `h`, which has bit 7 set) as one word.
            let mut m = matching(u128::from_le_bytes(*group.first_chunk()?), h);
            while m != 0 {
                let j = (m.trailing_zeros() / 8) as usize;
                if let Some(off) = read_u32(group, 16 + 4 * j)
                    && record_is(image.get(self.arena.clone())?, off as usize, tag, payload)
                {
                    return Some(off);
                }
                m &= m - 1;
            }
            if has_room(group) {
                return None;
            }
            g += 1;
            if g as u64 == self.groups_n {
                g = 0;
            }
        }
        None
    }

    /// Reads, for each hash, its home group and the key record of the
    /// group's first matching slot: two tight loops of independent loads,
    /// so that a batch's cache misses overlap (see
    /// `Screener::check_many`). Answers nothing; `find` then runs in cache.
    pub(crate) fn warm(&self, hashes: &[u64]) {
        let table = &self.image[self.table.clone()];
        let arena = &self.image[self.arena.clone()];
        let mut offs = [0u32; 64];
        let mut acc = 0u64;
        for (o, &hash) in offs.iter_mut().zip(hashes) {
            let g = home(hash, self.groups_n);
            let Some(group) = table.get(g * GROUP..(g + 1) * GROUP) else {
                continue;
            };
            let ctrl = u128::from_le_bytes(group[..16].try_into().unwrap_or_default());
            let m = matching(ctrl, h2(hash));
            acc ^= ctrl as u64;
            if m != 0 {
                let j = (m.trailing_zeros() / 8) as usize;
                *o = read_u32(group, 16 + 4 * j).unwrap_or(0);
            }
        }
        for &o in &offs[..hashes.len().min(64)] {
            acc ^= u64::from(arena.get(o as usize).copied().unwrap_or(0));
        }
        std::hint::black_box(acc);
    }

    /// The key of the record at `off`.
    pub(crate) fn key_at(&self, off: u32) -> Option<(u8, &[u8])> {
        let arena = &self.image[self.arena.clone()];
        record(arena, off as usize).map(|(t, p, _)| (t, p))
    }

    /// Every key, in arena order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = (u8, &[u8])> + '_ {
        let arena = &self.image[self.arena.clone()];
        let mut o = 0usize;
        std::iter::from_fn(move || {
            let (t, p, r) = record(arena, o)?;
            o = r + 4;
            Some((t, p))
        })
    }

    /// The `(entry, via)` references of the record at `off`, in list
    /// order, read as they are iterated (no allocation).
    pub(crate) fn refs(&self, off: u32) -> Refs<'_> {
        let arena = &self.image[self.arena.clone()];
        let groups = &self.image[self.groups.clone()];
        let first = record(arena, off as usize).and_then(|(_, _, at)| read_u32(arena, at));
        match first {
            Some(r) if r & GROUP_BIT != 0 => Refs {
                groups,
                single: None,
                next: Some((r & !GROUP_BIT) as usize),
            },
            single => Refs {
                groups,
                single,
                next: None,
            },
        }
    }

    /// Entry record `i`.
    pub(crate) fn entry(&self, i: u32) -> Option<EntryRec> {
        let recs = &self.image[self.entry_recs.clone()];
        let at = (i as usize).checked_mul(ENTRY_LEN)?;
        let r = recs.get(at..at + ENTRY_LEN)?;
        Some(EntryRec {
            key: read_u32(r, 0)?,
            meta: read_u32(r, 4)?,
            line: read_u32(r, 8)?,
            form: r[12],
        })
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        match &self.image {
            Image::Heap(v) => v.capacity(),
            Image::Anon(_, len) => *len,
        }
    }

    /// Reads an image: frame (magic, version, length, checksum), then the
    /// fixed fields and section bounds. The image is kept as is.
    pub(crate) fn from_image(image: Image) -> Result<Index, WireError> {
        let payload = check_frame(&image)?;
        let mut d = Decoder::new(WireFile::Compiled, payload, HEADER_LEN);
        let seed = d.u64()?;
        let groups_n = d.u64()?;
        let keys = d.u64()?;
        let entries = d.u64()?;
        let mut lens = [0usize; SECTIONS];
        for l in &mut lens {
            let at = d.pos();
            *l = usize::try_from(d.u64()?).map_err(|_| corrupt(at, "section length overflows"))?;
        }
        let mut start = HEADER_LEN + FIXED_LEN;
        let end = image.len() - TRAILER_LEN;
        let mut ranges: [Range<usize>; SECTIONS] = Default::default();
        for (r, &l) in ranges.iter_mut().zip(&lens) {
            let stop = start
                .checked_add(l)
                .filter(|&s| s <= end)
                .ok_or_else(|| corrupt(start, "section runs past the payload"))?;
            *r = start..stop;
            start = stop;
        }
        if start != end {
            return Err(corrupt(start, "bytes after the last section"));
        }
        let [pad, table, entry_recs, arena, groups, meta] = ranges;
        let keys =
            usize::try_from(keys).map_err(|_| corrupt(HEADER_LEN + 16, "key count overflows"))?;
        let entries = usize::try_from(entries)
            .map_err(|_| corrupt(HEADER_LEN + 24, "entry count overflows"))?;
        if image[pad.clone()].iter().any(|&b| b != 0) || table.start % GROUP != 0 {
            return Err(corrupt(pad.start, "bad padding before the table"));
        }
        let groups_fit = usize::try_from(groups_n)
            .ok()
            .and_then(|g| g.checked_mul(GROUP))
            .is_some_and(|len| len == table.len());
        if groups_n == 0 || groups_n > u64::from(u32::MAX) || !groups_fit {
            return Err(corrupt(
                HEADER_LEN + 8,
                "group count does not fit the table section",
            ));
        }
        if entries > MAX_ENTRIES || entry_recs.len() != entries * ENTRY_LEN {
            return Err(corrupt(
                entry_recs.start,
                "entry section does not match the entry count",
            ));
        }
        // Every record is at least 6 bytes and has a slot: a forged count
        // cannot size anything (the bloom filter) beyond the file.
        if keys > arena.len() / 6 || keys > table.len() / GROUP * GROUP_SLOTS {
            return Err(corrupt(HEADER_LEN + 16, "more keys than the arena holds"));
        }
        if groups.len() % 4 != 0 {
            return Err(corrupt(
                groups.start,
                "group section is not whole references",
            ));
        }
        let index = Index {
            image,
            seed,
            groups_n,
            keys,
            entries,
            meta,
            table,
            arena,
            groups,
            entry_recs,
        };
        index.validate_entries()?;
        Ok(index)
    }

    /// Every entry's key offset points at a record inside the arena and
    /// its form is known (meta indices are checked with the metadata).
    pub(super) fn validate_entries(&self) -> Result<(), WireError> {
        let recs = &self.image[self.entry_recs.clone()];
        for (i, r) in recs.chunks_exact(ENTRY_LEN).enumerate() {
            let key = read_u32(r, 0).unwrap_or(NO_KEY);
            let bad_key = key != NO_KEY && self.key_at(key).is_none();
            let bad_form = Form::from_u8(r[12] & !FLAGGED).is_none();
            if bad_key || bad_form {
                return Err(corrupt(
                    self.entry_recs.start + i * ENTRY_LEN,
                    "bad entry record",
                ));
            }
        }
        Ok(())
    }

    /// The meta index of every entry, for validation against the metadata.
    pub(crate) fn max_meta(&self) -> Option<u32> {
        let recs = &self.image[self.entry_recs.clone()];
        recs.chunks_exact(ENTRY_LEN)
            .filter_map(|r| read_u32(r, 4))
            .max()
    }

    /// Start of the meta section in the image, for error positions.
    pub(crate) fn meta_offset(&self) -> usize {
        self.meta.start
    }
}
