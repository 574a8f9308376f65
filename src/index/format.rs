//! The compiled image's file format: magic, version, the layout constants
//! of its sections, entry records, key records in the arena and the frame
//! check (see the module doc of [`crate::index`] for the byte layout).

use crate::wire::{Frame, HEADER_LEN, WireError, WireFile};

/// The first eight bytes of every compiled snapshot.
pub const MAGIC: [u8; 8] = *b"\x89WSIDX\r\n";

/// The compiled format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 6;

/// XXH3-64 trailer.
pub(super) const TRAILER_LEN: usize = 8;
/// Seed, table groups, keys, entries, six section lengths.
pub(super) const FIXED_LEN: usize = 8 * (4 + SECTIONS);
pub(super) const SECTIONS: usize = 6;

/// Seed of the key hash; fixed so that compiled forms are reproducible.
pub(crate) const SEED: u64 = 0x7761_6c6c_6574_7363; // "walletsc"

/// Bytes of an entry record.
pub(crate) const ENTRY_LEN: usize = 13;
/// Key offset of an entry without a key of its own.
pub(crate) const NO_KEY: u32 = u32::MAX;
/// Set in a record's reference when it points into the group section; set
/// in a group's last reference.
pub(crate) const GROUP_BIT: u32 = 1 << 31;
/// Entries an index can hold: 27 bits of a reference (the low 4 are the
/// `via` code, bit 31 the group bit).
pub(crate) const MAX_ENTRIES: usize = 1 << 27;
/// Bits of a reference that hold its `via` code.
pub(super) const VIA_BITS: u32 = 4;
/// Mask of the `via` code in a reference.
pub(super) const VIA_MASK: u32 = (1 << VIA_BITS) - 1;
/// Set in an entry's form byte when the entry is flagged.
pub(crate) const FLAGGED: u8 = 0x80;
/// Bytes of a table group.
pub(super) const GROUP: usize = 64;
/// Slots of a table group.
pub(super) const GROUP_SLOTS: usize = 12;
/// Keys per group the builder sizes the table for (load 10/12): with
/// random hashes about 30 % of the groups overflow into the next one, so a
/// miss reads a second group that often. That is the price of ~6.4 table
/// bytes per key, paid by large tables (see `BENCHMARKS.md`, memory).
pub(super) const GROUP_FILL: usize = 10;
/// Keys per group for a table of at most [`SMALL_TABLE_KEYS`] keys (load
/// 6/12): about 2 % of the groups overflow, so a miss almost always reads
/// one group. The table grows from ~6.4 to ~10.7 bytes per key, at most
/// 700 KB: small lists (the bundled ones have ~2,000 keys), where a miss
/// is in cache and its instructions are what it costs.
pub(super) const SMALL_GROUP_FILL: usize = 6;
/// Tables up to this many keys are sized with [`SMALL_GROUP_FILL`].
pub(super) const SMALL_TABLE_KEYS: usize = 1 << 16;

/// A reference from a key to an entry.
#[inline]
pub(crate) fn pack_ref(entry: u32, via: u8) -> u32 {
    entry << VIA_BITS | (u32::from(via) & VIA_MASK)
}

/// One entry record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryRec {
    pub key: u32,
    pub meta: u32,
    pub line: u32,
    pub form: u8,
}

#[inline(always)]
pub(super) fn record_is(arena: &[u8], o: usize, tag: u8, payload: &[u8]) -> bool {
    let n = payload.len();
    if n < LONG {
        match arena.get(o..o + 2 + n) {
            Some(r) => r[0] == tag && usize::from(r[1]) == n && r[2..] == *payload,
            None => false,
        }
    } else {
        match arena.get(o..o + 4 + n) {
            Some(r) => {
                r[0] == tag
                    && usize::from(r[1]) == LONG
                    && usize::from(u16::from_le_bytes([r[2], r[3]])) == n
                    && r[4..] == *payload
            }
            None => false,
        }
    }
}

/// A record's tag, payload and the offset of its reference.
pub(super) fn record(arena: &[u8], o: usize) -> Option<(u8, &[u8], usize)> {
    let t = *arena.get(o)?;
    let l = usize::from(*arena.get(o + 1)?);
    let (len, start) = if l < LONG {
        (l, o + 2)
    } else {
        let b = arena.get(o + 2..o + 4)?;
        (usize::from(u16::from_le_bytes([b[0], b[1]])), o + 4)
    };
    let p = arena.get(start..start + len)?;
    Some((t, p, start + len))
}

/// Length byte that announces a `u16` length.
pub(super) const LONG: usize = 255;

pub(super) fn corrupt(at: usize, reason: &str) -> WireError {
    WireError::Corrupt {
        file: WireFile::Compiled,
        at,
        reason: reason.to_owned(),
    }
}

/// Checks magic, version, length and checksum (the framing of
/// [`crate::wire`], with an XXH3-64 trailer); returns the payload.
pub(super) fn check_frame(bytes: &[u8]) -> Result<&[u8], WireError> {
    let frame = Frame {
        file: WireFile::Compiled,
        magic: &MAGIC,
        version: FORMAT_VERSION,
        trailer_len: TRAILER_LEN,
    };
    let payload = frame.check(bytes, |body, sum| {
        xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() == sum
    })?;
    if payload.len() < FIXED_LEN {
        return Err(corrupt(HEADER_LEN, "payload shorter than its fixed fields"));
    }
    Ok(payload)
}
