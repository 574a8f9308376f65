//! The compiled index: one byte image that is at the same time the
//! screener's in-memory form and its file format (a compiled snapshot).
//!
//! Nothing is decoded into per-entry Rust values: lookups read
//! little-endian integers out of the image, so loading a compiled snapshot
//! is reading the file, checking its checksum and bounds, and decoding the
//! small metadata section. Entries are materialized (as [`Entry`] values)
//! only when a caller asks for a hit's matches.
//!
//! # Image (format version 5)
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `\x89WSIDX\r\n` |
//! | 4 | format version, `u32` = [`FORMAT_VERSION`] |
//! | 8 | payload length `n`, `u64` |
//! | n | payload |
//! | 8 | XXH3-64 of every byte before it |
//!
//! The payload: the hash seed, the number of table groups, keys and entries
//! (`u64` each), the byte lengths of the six sections (`u64` each), then the
//! sections one after the other:
//!
//! - **pad**: zero bytes, so that the table starts at a multiple of 64
//!   bytes from the start of the image (a cache line once the image is in a
//!   page-aligned mapping).
//! - **table**: open addressing in groups of 64 bytes, one cache line each:
//!   12 control bytes (0 empty, else `0x80 | 7 hash bits`; slots fill in
//!   order, so a group has room when its last control byte is 0), 4 zero
//!   bytes, 12 slots (`u32`: the offset of the key's record in the arena). A key
//!   lives in its home group or, when that is full, in the next group with
//!   room (wrapping); a lookup stops at the first group with an empty slot.
//!   A miss costs one cache line, a hit two (the group, the record).
//! - **entries**: 13 bytes per entry: the offset of its own key's record
//!   (`u32`, `u32::MAX` when it has none), its metadata (`u32`), its line
//!   (`u32`), the form of its spelling (`u8`, see [`Form`]; bit 7 set when
//!   the entry is flagged).
//! - **arena**: key records: tag (`u8`), payload length (`u8`; 255 then a
//!   `u16` for payloads of 255 bytes or more), payload,
//!   reference (`u32`): `entry << 4 | via` for a key with one entry, or
//!   `1 << 31 | start` into the group section for a key with several.
//! - **groups**: references (`u32`), each group's last one with bit 31 set.
//! - **meta**: lists (metadata, SHA-256, counts), the bloom policy, the
//!   interned entry metadata (list, chain, tickers, entity, entity id,
//!   programs, listing date, source) and the listed spellings that cannot
//!   be rendered from their key; strings and counts as in
//!   [`crate::snapshot`].
//!
//! Version 3 moved the entry records before the arena (version 2 had them
//! last), so that the builder writes the image in place (see
//! [`IndexBuilder`]). Version 4 moved the meta section from first to last:
//! what it holds (interned metadata, counts, odd spellings) is known only
//! once every entry is keyed, and the table, which comes first now, can be
//! filled while later entries are still being keyed. Version 5 gave the
//! `via` code of a reference 4 bits (3 before) for the equivalent
//! spellings added by issue 13 (Zcash TEX, BitPay), so an index holds at
//! most 2^27 entries. Earlier versions are refused.
//!
//! The checksum is XXH3-64, not SHA-256: it detects corruption and costs
//! ~40 ms for 600 MB, where SHA-256 costs ~350 ms, most of the load budget
//! of a 10 M-entry screener. It does not authenticate a file; the lists'
//! SHA-256 values inside it identify their content.

use std::ops::Range;

use foldhash::fast::FixedState;

use crate::address::{self, evm::Hex, tag};
use crate::snapshot::{Decoder, Frame, HEADER_LEN, SnapshotError};

/// The first eight bytes of every compiled snapshot.
pub const MAGIC: [u8; 8] = *b"\x89WSIDX\r\n";

/// The compiled format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 5;

/// XXH3-64 trailer.
const TRAILER_LEN: usize = 8;
/// Seed, table groups, keys, entries, six section lengths.
const FIXED_LEN: usize = 8 * (4 + SECTIONS);
const SECTIONS: usize = 6;

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
const VIA_BITS: u32 = 4;
/// Mask of the `via` code in a reference.
const VIA_MASK: u32 = (1 << VIA_BITS) - 1;
/// Set in an entry's form byte when the entry is flagged.
pub(crate) const FLAGGED: u8 = 0x80;
/// Bytes of a table group.
const GROUP: usize = 64;
/// Slots of a table group.
const GROUP_SLOTS: usize = 12;
/// Keys per group the builder sizes the table for (load 10/12): with
/// random hashes about 30 % of the groups overflow into the next one, so a
/// miss reads a second group that often. That is the price of ~6.4 table
/// bytes per key, paid by large tables (see `BENCHMARKS.md`, memory).
const GROUP_FILL: usize = 10;
/// Keys per group for a table of at most [`SMALL_TABLE_KEYS`] keys (load
/// 6/12): about 2 % of the groups overflow, so a miss almost always reads
/// one group. The table grows from ~6.4 to ~10.7 bytes per key, at most
/// 700 KB: small lists (the bundled ones have ~2,000 keys), where a miss
/// is in cache and its instructions are what it costs.
const SMALL_GROUP_FILL: usize = 6;
/// Tables up to this many keys are sized with [`SMALL_GROUP_FILL`].
const SMALL_TABLE_KEYS: usize = 1 << 16;

/// How an entry's listed spelling is rebuilt from its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Form {
    /// The key's plain text (`0x` + lower-case hex for EVM, lower-case hex
    /// for TRON hex, `bitcoincash:` + payload for CashAddr).
    Plain = 0,
    /// The plain text upper-cased (after `0x`).
    Upper = 1,
    /// EIP-55 mixed case.
    Eip55 = 2,
    /// CashAddr without its prefix.
    Bare = 3,
    /// CashAddr without its prefix, upper-cased.
    BareUpper = 4,
    /// Stored verbatim in the meta section.
    Other = 5,
}

impl Form {
    const ALL: [Form; 6] = [
        Form::Plain,
        Form::Upper,
        Form::Eip55,
        Form::Bare,
        Form::BareUpper,
        Form::Other,
    ];

    fn from_u8(b: u8) -> Option<Form> {
        Form::ALL.get(usize::from(b)).copied()
    }
}

/// The spelling of a key in `form`, if that form applies to its tag.
pub(crate) fn render(tag: u8, payload: &[u8], form: Form) -> Option<String> {
    let text = || String::from_utf8_lossy(payload).into_owned();
    match (tag, form) {
        (tag::BASE58 | tag::BECH32 | tag::OPAQUE, Form::Plain) => Some(text()),
        (tag::BECH32, Form::Upper) => Some(text().to_ascii_uppercase()),
        (tag::EVM, Form::Plain) => Some(format!("0x{}", Hex(payload))),
        (tag::EVM, Form::Upper) => Some(
            format!("0x{}", Hex(payload))
                .to_ascii_uppercase()
                .replacen("0X", "0x", 1),
        ),
        (tag::EVM, Form::Eip55) => <&[u8; 20]>::try_from(payload)
            .ok()
            .map(address::evm::to_checksum),
        (tag::TRON_HEX, Form::Plain) => Some(Hex(payload).to_string()),
        (tag::TRON_HEX, Form::Upper) => Some(Hex(payload).to_string().to_ascii_uppercase()),
        (tag::CASHADDR, _) => {
            let (&prefix, rest) = payload.split_first()?;
            let rest = String::from_utf8_lossy(rest);
            let prefix = address::cashaddr_prefix(prefix)?;
            match form {
                Form::Plain => Some(format!("{prefix}:{rest}")),
                Form::Upper => Some(format!("{prefix}:{rest}").to_ascii_uppercase()),
                Form::Bare => Some(rest.into_owned()),
                Form::BareUpper => Some(rest.to_ascii_uppercase()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The form in which `listed` is the rendering of its key, or
/// [`Form::Other`]; by byte comparisons, without rendering. `eip55_valid`:
/// the listed spelling passed its EIP-55 check (its `Address::checksum`).
pub(crate) fn form_of(tag: u8, payload: &[u8], listed: &str, eip55_valid: bool) -> Form {
    let f = form_of_inner(tag, payload, listed, eip55_valid);
    debug_assert!(
        f == Form::Other || render(tag, payload, f).as_deref() == Some(listed),
        "{listed:?} is not form {f:?} of its key"
    );
    f
}

fn form_of_inner(tag: u8, payload: &[u8], listed: &str, eip55_valid: bool) -> Form {
    let l = listed.as_bytes();
    // Scanned only where a case matters (not for base58 or opaque keys).
    let has_upper = || l.iter().any(u8::is_ascii_uppercase);
    let has_lower = || l.iter().any(u8::is_ascii_lowercase);
    match tag {
        tag::BASE58 | tag::OPAQUE if l == payload => Form::Plain,
        tag::BECH32 if l == payload => Form::Plain,
        tag::BECH32 if !has_lower() && l.eq_ignore_ascii_case(payload) => Form::Upper,
        tag::EVM | tag::TRON_HEX => {
            let digits = if tag == tag::EVM {
                match l.strip_prefix(b"0x") {
                    Some(d) => d,
                    None => return Form::Other,
                }
            } else {
                l
            };
            let same = digits.len() == 2 * payload.len()
                && digits.chunks_exact(2).zip(payload).all(|(d, &b)| {
                    let hex = *b"0123456789abcdef";
                    d[0].to_ascii_lowercase() == hex[usize::from(b >> 4)]
                        && d[1].to_ascii_lowercase() == hex[usize::from(b & 15)]
                });
            let digits_upper = digits.iter().any(u8::is_ascii_uppercase);
            let digits_lower = digits.iter().any(u8::is_ascii_lowercase);
            match (same, digits_upper, digits_lower) {
                (false, _, _) => Form::Other,
                (true, false, _) => Form::Plain,
                (true, true, false) => Form::Upper,
                (true, true, true) if tag == tag::EVM && eip55_valid => Form::Eip55,
                _ => Form::Other,
            }
        }
        tag::CASHADDR => {
            let Some((&p, rest)) = payload.split_first() else {
                return Form::Other;
            };
            let Some(prefix) = address::cashaddr_prefix(p) else {
                return Form::Other;
            };
            let (prefixed, body) = if l.len() == rest.len() {
                (false, l)
            } else if l.len() == prefix.len() + 1 + rest.len()
                && l[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
                && l[prefix.len()] == b':'
            {
                (true, &l[prefix.len() + 1..])
            } else {
                return Form::Other;
            };
            match (
                prefixed,
                body == rest,
                !has_lower() && body.eq_ignore_ascii_case(rest),
            ) {
                (true, true, _) if !has_upper() => Form::Plain,
                (true, _, true) => Form::Upper,
                (false, true, _) => Form::Bare,
                (false, _, true) => Form::BareUpper,
                _ => Form::Other,
            }
        }
        _ => Form::Other,
    }
}

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
fn home(hash: u64, n: u64) -> usize {
    ((hash & 0xffff_ffff).wrapping_mul(n) >> 32) as usize
}

/// Control byte of a hash: the top 7 bits, with bit 7 set (0 is empty).
#[inline(always)]
fn h2(hash: u64) -> u8 {
    (hash >> 57) as u8 | 0x80
}

/// Hash bits 49–56: used by neither [`home`] (bits 0–31) nor [`h2`]
/// (57–63); the builder's second filter before a record read.
#[inline(always)]
fn h3(hash: u64) -> u8 {
    (hash >> 49) as u8
}

const LO: u128 = 0x0101_0101_0101_0101_0101_0101_0101_0101;
const HI: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;

/// Bit 7 of byte `j` set for each byte of `w` equal to `h` (and possibly
/// false positives above a true one, to be verified).
#[inline(always)]
fn matching(w: u128, h: u8) -> u128 {
    let x = w ^ u128::from(h).wrapping_mul(LO);
    x.wrapping_sub(LO) & !x & HI
}

/// Whether a group has an empty slot: slots fill in order and are never
/// removed, so its last control byte says it.
#[inline(always)]
fn has_room(group: &[u8; GROUP]) -> bool {
    group[GROUP_SLOTS - 1] == 0
}

#[inline(always)]
fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

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

/// The bytes of an image: on the heap, or in an anonymous mapping (large
/// images: a compiled file read from disk, or one the builder lays out in
/// place). A mapping may be longer than the image (the builder reserves an
/// upper bound and never touches the rest, which costs no memory); the
/// `usize` is the image's length.
pub(crate) enum Image {
    Heap(Vec<u8>),
    Anon(memmap2::MmapMut, usize),
}

impl std::ops::Deref for Image {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Image::Heap(v) => v,
            Image::Anon(m, len) => &m[..*len],
        }
    }
}

impl std::ops::DerefMut for Image {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Image::Heap(v) => v,
            Image::Anon(m, len) => &mut m[..*len],
        }
    }
}

/// Huge pages are 2 MiB on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

impl Image {
    /// `len` zero bytes: a mapping when large, else a `Vec`. `huge` is the
    /// part advised to use huge pages from the start (the table, read at
    /// random by every query: a TLB miss per check without them). Advising
    /// the whole image made building slower: in a process that has
    /// fragmented its memory (a 10 M-entry list), this VM filled huge
    /// pages at ~0.45 GB/s (direct compaction), 4 KiB pages at ~1.7 GB/s
    /// (see `BENCHMARKS.md`, build).
    fn zeroed(len: usize, huge: Range<usize>) -> Image {
        if len >= HUGE_PAGE
            && let Ok(m) = memmap2::MmapMut::map_anon(len)
        {
            #[cfg(target_os = "linux")]
            {
                let start = huge.start.next_multiple_of(HUGE_PAGE);
                let end = huge.end.min(len) / HUGE_PAGE * HUGE_PAGE;
                if start < end {
                    let _ = m.advise_range(memmap2::Advice::HugePage, start, end - start);
                }
            }
            #[cfg(not(target_os = "linux"))]
            let _ = huge;
            return Image::Anon(m, len);
        }
        Image::Heap(vec![0; len])
    }

    /// Bytes reserved: the image and the room after it.
    fn capacity(&self) -> usize {
        match self {
            Image::Heap(v) => v.len(),
            Image::Anon(m, _) => m.len(),
        }
    }

    /// Makes the image `len` bytes long (at most its capacity).
    fn set_len(&mut self, len: usize) {
        match self {
            Image::Heap(v) => {
                v.truncate(len);
                v.shrink_to_fit();
            }
            Image::Anon(m, l) => *l = len.min(m.len()),
        }
    }

    /// Reads a whole file into an image.
    pub(crate) fn read_file(path: &std::path::Path) -> std::io::Result<Image> {
        use std::io::Read;
        let mut f = std::fs::File::open(path)?;
        let len = usize::try_from(f.metadata()?.len()).map_err(std::io::Error::other)?;
        // Small files, and any failure to map: a `Vec`. A file is read
        // into huge pages throughout: reading it is one sequential pass,
        // where they fill ~3x faster than 4 KiB pages here.
        if len >= HUGE_PAGE
            && let Ok(mut m) = memmap2::MmapMut::map_anon(len)
        {
            #[cfg(target_os = "linux")]
            let _ = m.advise(memmap2::Advice::HugePage);
            f.read_exact(&mut m)?;
            // The file grew meanwhile: refuse rather than read half of it.
            let mut probe = [0u8; 1];
            if f.read(&mut probe)? != 0 {
                return Err(std::io::Error::other("file changed while it was read"));
            }
            return Ok(Image::Anon(m, len));
        }
        let mut v = Vec::with_capacity(len);
        f.read_to_end(&mut v)?;
        Ok(Image::Heap(v))
    }
}

/// The compiled index: the image and where its sections are.
pub(crate) struct Index {
    image: Image,
    seed: u64,
    groups_n: u64,
    keys: usize,
    entries: usize,
    meta: Range<usize>,
    table: Range<usize>,
    arena: Range<usize>,
    groups: Range<usize>,
    entry_recs: Range<usize>,
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

    /// The `(entry, via)` references of the record at `off`, in list order.
    pub(crate) fn refs(&self, off: u32) -> Vec<(u32, u8)> {
        let arena = &self.image[self.arena.clone()];
        let groups = &self.image[self.groups.clone()];
        let mut out = Vec::new();
        let Some(r) = record(arena, off as usize).and_then(|(_, _, at)| read_u32(arena, at)) else {
            return out;
        };
        if r & GROUP_BIT == 0 {
            out.push((r >> VIA_BITS, (r & VIA_MASK) as u8));
            return out;
        }
        let mut g = (r & !GROUP_BIT) as usize;
        while let Some(r) = read_u32(groups, g.saturating_mul(4)) {
            out.push(((r & !GROUP_BIT) >> VIA_BITS, (r & VIA_MASK) as u8));
            if r & GROUP_BIT != 0 {
                break;
            }
            g += 1;
        }
        out
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

    /// The listed spelling of entry `rec` when it renders from its key;
    /// `None` for [`Form::Other`] (stored in the meta section).
    pub(crate) fn rendered(&self, rec: &EntryRec) -> Option<String> {
        let form = Form::from_u8(rec.form & !FLAGGED)?;
        if form == Form::Other || rec.key == NO_KEY {
            return None;
        }
        let (t, p) = self.key_at(rec.key)?;
        render(t, p, form)
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
    pub(crate) fn from_image(image: Image) -> Result<Index, SnapshotError> {
        let payload = check_frame(&image)?;
        let mut d = Decoder::new(payload, HEADER_LEN);
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
    fn validate_entries(&self) -> Result<(), SnapshotError> {
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

#[inline(always)]
fn record_is(arena: &[u8], o: usize, tag: u8, payload: &[u8]) -> bool {
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
fn record(arena: &[u8], o: usize) -> Option<(u8, &[u8], usize)> {
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
const LONG: usize = 255;

fn corrupt(at: usize, reason: &str) -> SnapshotError {
    SnapshotError::Corrupt {
        at,
        reason: reason.to_owned(),
    }
}

/// Checks magic, version, length and checksum (the framing of
/// [`crate::snapshot`], with an XXH3-64 trailer); returns the payload.
fn check_frame(bytes: &[u8]) -> Result<&[u8], SnapshotError> {
    let frame = Frame {
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

/// Builds an index in place: the image is laid out when the builder is
/// made (table, entry records, then the key arena growing into the room
/// reserved for it), so that finishing writes only the header, the
/// multi-reference groups, the meta section and the checksum. Building into
/// separate buffers and copying them into the image cost 0.4 s (4 KiB
/// pages) to 1.5 s (huge pages) at 10 M entries: fresh memory, touched
/// twice.
pub(crate) struct IndexBuilder {
    seed: u64,
    groups_n: u64,
    image: Image,
    table: Range<usize>,
    /// Start of the entry records; `entries_n` of `entries_cap` written.
    entries_at: usize,
    entries_n: usize,
    entries_cap: usize,
    /// Start of the arena and the bytes of it written.
    arena_at: usize,
    arena_len: usize,
    keys: usize,
    /// Keys with several references, by record offset.
    multi: std::collections::HashMap<u32, Vec<u32>, FixedState>,
    /// Build-time only: per slot, 8 more bits of its key's hash
    /// ([`h3`]), 12 bytes per group. A control-byte match (1 in 128 per
    /// filled slot) reads the other key's record, a likely cache and TLB
    /// miss in an arena of hundreds of MB, only when these bits match too.
    extra: Vec<u8>,
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
        let image = Image::zeroed(cap, table.clone());
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
    fn reserve(&mut self, need: usize) {
        let used = self.arena_at + self.arena_len;
        if used + need + TRAILER_LEN <= self.image.capacity() {
            return;
        }
        let cap = (used + need + TRAILER_LEN).max(self.image.capacity() * 2);
        let mut image = Image::zeroed(cap, self.table.clone());
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
        if let Image::Anon(m, _) = &self.image {
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
            image: self.image,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiled files depend on the key hash never changing: the XXH3
    /// implementation gives the reference value of the spec's sanity test
    /// (empty input, seed 0), and our key hash is pinned.
    #[test]
    fn key_hash_is_stable() {
        assert_eq!(
            xxhash_rust::xxh3::xxh3_64_with_seed(b"", 0),
            0x2d06_8005_38d3_94c2
        );
        let evm = hash_key(SEED, tag::EVM, &[0xab; 20]);
        let b58 = hash_key(SEED, tag::BASE58, b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
        assert_eq!(
            (evm, b58),
            (0x52df_94f2_71cd_f373, 0xa7a9_6d65_c771_6360),
            "{evm:#x} {b58:#x}"
        );
    }

    #[test]
    fn insert_find_and_groups() {
        let mut b = IndexBuilder::new(3, 0, 0);
        let a = b.insert(b'e', &[1, 2, 3], pack_ref(0, 0)).unwrap();
        let c = b.insert(b'b', b"xyz", pack_ref(1, 0)).unwrap();
        assert_ne!(a, c);
        assert_eq!(b.insert(b'e', &[1, 2, 3], pack_ref(2, 1)).unwrap(), a);
        let idx = b.finish(b"");
        assert_eq!(idx.key_count(), 2);
        let h = idx.hash(b'e', &[1, 2, 3]);
        assert_eq!(idx.find(h, b'e', &[1, 2, 3]), Some(a));
        assert_eq!(idx.refs(a), vec![(0, 0), (2, 1)]);
        assert_eq!(idx.refs(c), vec![(1, 0)]);
        let h = idx.hash(b'e', &[1, 2, 4]);
        assert_eq!(idx.find(h, b'e', &[1, 2, 4]), None);
        // The image is a file that reads back.
        let back = Index::from_image(Image::Heap(idx.image().to_vec())).unwrap();
        assert_eq!(back.find(idx.hash(b'b', b"xyz"), b'b', b"xyz"), Some(c));
    }

    #[test]
    fn many_keys_all_found_none_invented() {
        let n = 50_000u32;
        let mut b = IndexBuilder::new(n as usize, 0, 0);
        let mut offs = Vec::new();
        for i in 0..n {
            offs.push(b.insert(b'o', &i.to_le_bytes(), pack_ref(i, 0)).unwrap());
        }
        let idx = b.finish(b"");
        for i in 0..n {
            let k = i.to_le_bytes();
            let off = idx.find(idx.hash(b'o', &k), b'o', &k).unwrap();
            assert_eq!(off, offs[i as usize]);
            assert_eq!(idx.refs(off), vec![(i, 0)]);
        }
        for i in n..2 * n {
            let k = i.to_le_bytes();
            assert_eq!(idx.find(idx.hash(b'o', &k), b'o', &k), None);
        }
        assert_eq!(idx.keys().count(), n as usize);
    }

    /// A builder given more keys than it was sized for refuses the one
    /// that finds no free slot (the build reports too many keys) instead
    /// of probing forever; the keys before it stay found.
    #[test]
    fn a_full_table_refuses_a_key() {
        let mut b = IndexBuilder::new(1, 0, 0);
        let slots = b.groups_n as usize * GROUP_SLOTS;
        for i in 0..slots as u32 {
            assert!(b.insert(b'o', &i.to_le_bytes(), pack_ref(i, 0)).is_some());
        }
        let extra = slots as u32;
        assert_eq!(
            b.insert(b'o', &extra.to_le_bytes(), pack_ref(extra, 0)),
            None
        );
        // A key already present is still found in a full table.
        assert!(
            b.insert(b'o', &0u32.to_le_bytes(), pack_ref(extra, 1))
                .is_some()
        );
        let idx = b.finish(b"");
        for i in 0..slots as u32 {
            let k = i.to_le_bytes();
            assert!(idx.find(idx.hash(b'o', &k), b'o', &k).is_some(), "{i}");
        }
    }

    #[test]
    fn forms_render_back() {
        let cases: &[(&str, Form)] = &[
            ("0x52908400098527886e0f7030069857d2e4169ee7", Form::Plain),
            ("0x52908400098527886E0F7030069857D2E4169EE7", Form::Upper),
            ("0x52908400098527886E0F7030069857D2E4169EE7", Form::Upper),
            ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Form::Eip55),
            ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", Form::Plain),
            ("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", Form::Upper),
            (
                "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
                Form::Plain,
            ),
            ("qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy", Form::Bare),
            (
                "QR95SY3J9XWD2AP32XKYKTTR4CVCU7AS4Y0QVERFUY",
                Form::BareUpper,
            ),
            ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Form::Plain),
            (" 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Form::Other),
            ("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Form::Other),
        ];
        for &(s, want) in cases {
            let mut scratch = address::Scratch::new();
            let k = address::key(s, &mut scratch).unwrap();
            let eip55 = address::parse(s).is_ok_and(|a| a.checksum == address::Checksum::Valid);
            let f = form_of(k.tag, k.payload, s, eip55);
            assert_eq!(f, want, "{s}");
            if f != Form::Other {
                assert_eq!(render(k.tag, k.payload, f).as_deref(), Some(s));
            }
        }
    }
}
