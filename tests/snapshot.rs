//! The snapshot format: round trips, and every kind of damage is detected.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use walletscreen::snapshot::{FORMAT_VERSION, MAGIC, Snapshot, SnapshotError};
use walletscreen::{Category, Entry, List, ListMeta, Screener};

fn bundled() -> Snapshot {
    let mut s = Snapshot::new(walletscreen::bundled::lists().unwrap());
    s.created = UNIX_EPOCH + Duration::from_millis(1_763_700_000_123);
    s.attributes = BTreeMap::from([("source".into(), "test".into())]);
    s
}

/// A small snapshot: every byte of it can be damaged in turn.
fn small() -> Vec<u8> {
    let mut meta = ListMeta::new("small", Category::Attributed);
    meta.as_of = Some("2025-03-21".into());
    let mut e = Entry::new("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", 7);
    e.provenance.entity = Some("Lazarus Group".into());
    e.provenance.programs = vec!["DPRK3".into()];
    let list = List::from_entries(meta, [e, Entry::new("not an address", 8)]);
    Snapshot::new(vec![list]).to_bytes()
}

#[test]
fn bundled_lists_round_trip_and_screen_the_same() {
    let snap = bundled();
    let bytes = snap.to_bytes();
    let back = Snapshot::from_bytes(&bytes).unwrap();
    assert_eq!(back.created, snap.created);
    assert_eq!(back.attributes, snap.attributes);
    assert_eq!(back.lists.len(), 2);
    for (a, b) in snap.lists.iter().zip(&back.lists) {
        assert_eq!(a.meta(), b.meta());
        assert_eq!(a.sha256(), b.sha256());
        assert_eq!(a.entries(), b.entries());
        assert_eq!(a.flagged().count(), b.flagged().count(), "flags recomputed");
    }
    let direct = Screener::bundled().unwrap();
    let mut builder = Screener::builder();
    for l in back.lists {
        builder.list(l);
    }
    let restored = builder.build().unwrap();
    assert_eq!(
        restored.version(),
        direct.version(),
        "same list set version"
    );
    for addr in [
        "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
        "0x51e9d833ecae4e8d9d8be17300aee6d3398c135d",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    ] {
        assert_eq!(restored.check(addr), direct.check(addr), "{addr}");
    }
}

#[test]
fn every_truncation_is_detected() {
    for bytes in [bundled().to_bytes(), small()] {
        for len in 0..bytes.len() {
            match Snapshot::from_bytes(&bytes[..len]) {
                Err(SnapshotError::Truncated { at, .. }) => assert_eq!(at, len),
                other => panic!("prefix of {len} bytes: {other:?}"),
            }
        }
    }
}

#[test]
fn every_byte_flip_of_a_small_snapshot_is_detected() {
    let bytes = small();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = bytes.clone();
            bad[i] ^= bit;
            let err = Snapshot::from_bytes(&bad).expect_err("a flip must be detected");
            let expected_kind = match i {
                0..8 => matches!(err, SnapshotError::BadMagic),
                8..12 => matches!(err, SnapshotError::UnsupportedVersion { .. }),
                12..20 => matches!(
                    err,
                    SnapshotError::Truncated { .. } | SnapshotError::Corrupt { .. }
                ),
                _ => matches!(err, SnapshotError::Checksum),
            };
            assert!(expected_kind, "byte {i} bit {bit:#x}: {err:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any byte of the bundled snapshot, xored with any non-zero value.
    #[test]
    fn random_byte_flips_of_the_bundled_snapshot_are_detected(
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
        let bytes = BYTES.get_or_init(|| bundled().to_bytes());
        let mut bad = bytes.clone();
        let i = at.index(bad.len());
        bad[i] ^= flip;
        prop_assert!(Snapshot::from_bytes(&bad).is_err(), "byte {} ^ {:#x}", i, flip);
    }
}

#[test]
fn damage_cases() {
    let good = small();
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        b
    };
    type Expect = fn(&SnapshotError) -> bool;
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        ("empty", vec![], |e| {
            matches!(e, SnapshotError::Truncated { at: 0, .. })
        }),
        ("text file", b"# walletscreen-list: v1\n".to_vec(), |e| {
            matches!(e, SnapshotError::BadMagic)
        }),
        (
            "future version",
            with(&|b| b[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes())),
            |e| {
                matches!(e, SnapshotError::UnsupportedVersion { found, supported }
                    if *found == FORMAT_VERSION + 1 && *supported == FORMAT_VERSION)
            },
        ),
        ("trailing garbage", with(&|b| b.push(0)), |e| {
            matches!(e, SnapshotError::Corrupt { .. })
        }),
        (
            "zeroed checksum",
            with(&|b| {
                let n = b.len();
                b[n - 32..].fill(0)
            }),
            |e| matches!(e, SnapshotError::Checksum),
        ),
        ("zeroed payload byte", with(&|b| b[25] ^= 0xff), |e| {
            matches!(e, SnapshotError::Checksum)
        }),
        (
            "huge length",
            with(&|b| b[12..20].copy_from_slice(&u64::MAX.to_le_bytes())),
            |e| {
                matches!(
                    e,
                    SnapshotError::Corrupt { at: 12, .. } | SnapshotError::Truncated { .. }
                )
            },
        ),
    ];
    assert_eq!(&good[..8], &MAGIC);
    for (name, bytes, ok) in cases {
        let err = Snapshot::from_bytes(&bytes).expect_err(name);
        assert!(ok(&err), "{name}: {err:?}");
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn files_are_written_atomically_and_read_back() {
    let dir = std::env::temp_dir().join(format!("walletscreen-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lists.snapshot");
    let snap = bundled();
    snap.write_file(&path).unwrap();
    snap.write_file(&path).unwrap(); // over an existing file
    let back = Snapshot::read_file(&path).unwrap();
    assert_eq!(back.lists.len(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "lists.snapshot")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let missing = Snapshot::read_file(dir.join("nope")).unwrap_err();
    assert!(matches!(missing, SnapshotError::Io { .. }), "{missing:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
