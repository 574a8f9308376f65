//! The compiled index: one byte image that is at the same time the
//! screener's in-memory form and its file format (a compiled snapshot).
//!
//! Nothing is decoded into per-entry Rust values: lookups read
//! little-endian integers out of the image, so loading a compiled snapshot
//! is reading the file, checking its checksum and bounds, and decoding the
//! small metadata section. Entries are materialized (as [`Entry`](crate::Entry) values)
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
//!   [`crate::wire`].
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

mod automaton;
mod build;
mod format;
mod image;
mod spelling;
mod table;

pub(crate) use automaton::ScanIndex;
pub(crate) use build::IndexBuilder;
pub(crate) use format::{EntryRec, FLAGGED, MAX_ENTRIES, NO_KEY, SEED, pack_ref};
pub(crate) use image::Image;
pub(crate) use spelling::{Form, form_of, spell, spelled_len};
pub(crate) use table::{Index, Refs};

pub use format::{FORMAT_VERSION, MAGIC};

#[cfg(test)]
mod tests {
    use super::format::GROUP_SLOTS;
    use super::spelling::render;
    use super::table::hash_key;
    use super::*;
    use crate::address::{self, tag};

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
        assert_eq!(idx.refs(a).collect::<Vec<_>>(), vec![(0, 0), (2, 1)]);
        assert_eq!(idx.refs(c).collect::<Vec<_>>(), vec![(1, 0)]);
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
            assert_eq!(idx.refs(off).collect::<Vec<_>>(), vec![(i, 0)]);
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
