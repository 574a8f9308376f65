//! Snapshots: loaded lists in a versioned binary file, so that a process can
//! restart from the last good lists without parsing (or fetching) them again.
//!
//! Used by [`crate::update::LiveScreener`] as its last-good cache, and usable
//! on its own (no cargo feature needed).
//!
//! # Format (version 1)
//!
//! Fixed-size integers are little-endian; counts, lengths and line numbers
//! are unsigned LEB128 varints (`varint` below).
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `\x89WSNAP\r\n` (the high byte and the CR LF catch 7-bit and text-mode mangling) |
//! | 4 | format version, `u32` = [`FORMAT_VERSION`] |
//! | 8 | payload length `n`, `u64` |
//! | n | payload |
//! | 32 | SHA-256 of every byte before it (magic, version, length, payload) |
//!
//! The payload: creation time (`u64` milliseconds since the Unix epoch);
//! attributes (varint count, then key and value strings); lists (varint
//! count, then per list: `id`, `name`, `category` (`u8`: 0 sanctioned,
//! 1 attributed, 2 custom), `as_of`, `source`, `license`, the list's 32-byte
//! SHA-256, varint entry count, then per entry: `address`, `chain`,
//! `tickers`, `entity`, `entity_id`, `programs`, `listed`, `source`, `line`
//! as a varint). A string is a varint byte length and UTF-8 bytes; an
//! optional string is a `u8` (0 absent, 1 present) and then the string; a
//! string list is a varint count and the strings.
//!
//! Reading checks, in order: magic ([`SnapshotError::BadMagic`]), version
//! ([`SnapshotError::UnsupportedVersion`]), length
//! ([`SnapshotError::Truncated`], or [`SnapshotError::Corrupt`] for bytes
//! after the checksum), checksum ([`SnapshotError::Checksum`]), then the
//! payload's structure ([`SnapshotError::Corrupt`] with the byte offset).
//! Every entry's address is validated again on load (as [`Entry::new`](crate::list::Entry::new)
//! does), so a snapshot carries data, never trusted derived state.
//!
//! Files are written atomically ([`Snapshot::write_file`]: a temporary file
//! in the same directory, flushed to disk, then renamed over the target), so
//! a crash mid-write leaves the old snapshot or the new one, never half of
//! one.
//!
//! ```
//! use walletscreen::snapshot::Snapshot;
//!
//! let lists = walletscreen::bundled::lists()?;
//! let bytes = Snapshot::new(lists.clone()).to_bytes();
//! let back = Snapshot::from_bytes(&bytes)?;
//! assert_eq!(back.lists.len(), lists.len());
//! assert_eq!(back.lists[0].sha256(), lists[0].sha256());
//! assert!(Snapshot::from_bytes(&bytes[..bytes.len() - 1]).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::list::{List, Store};
use crate::wire::{Decoder, Encoder, Frame, HEADER_LEN, WireError, WireFile, write_atomic};

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"\x89WSNAP\r\n";

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// SHA-256 trailer.
const TRAILER_LEN: usize = 32;

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The data does not start with [`MAGIC`]: not a snapshot.
    #[error("not a walletscreen snapshot (bad magic bytes)")]
    BadMagic,
    /// A format version this build cannot read (e.g. written by a newer
    /// version of the crate).
    #[error("unsupported snapshot format version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The data ends before the snapshot does.
    #[error("snapshot truncated: it ends at byte {at}, its header says {expected} bytes")]
    Truncated {
        /// Length of the data (where it ends).
        at: usize,
        /// The length the snapshot should have (the header's size when the
        /// header itself is cut).
        expected: usize,
    },
    /// The SHA-256 trailer does not match the content.
    #[error("snapshot checksum mismatch: the file is corrupt")]
    Checksum,
    /// The checksum matched but the content does not decode (a bug or a
    /// forged file), or bytes follow the checksum.
    #[error("corrupt snapshot at byte {at}: {reason}")]
    Corrupt {
        /// Byte offset in the snapshot.
        at: usize,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a snapshot file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// The shared codec's errors, as a snapshot reports them (same variants,
/// same messages as before the codec had its own error).
impl From<WireError> for SnapshotError {
    fn from(e: WireError) -> SnapshotError {
        match e {
            WireError::BadMagic { .. } => SnapshotError::BadMagic,
            WireError::UnsupportedVersion {
                found, supported, ..
            } => SnapshotError::UnsupportedVersion { found, supported },
            WireError::Truncated { at, expected, .. } => SnapshotError::Truncated { at, expected },
            WireError::Checksum { .. } => SnapshotError::Checksum,
            WireError::Corrupt { at, reason, .. } => SnapshotError::Corrupt { at, reason },
            WireError::Io { path, source } => SnapshotError::Io { path, source },
        }
    }
}

/// Lists, when they were captured, and free-form attributes (the updater
/// keeps its HTTP validators and verification times there).
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The lists, in order.
    pub lists: Vec<List>,
    /// When the snapshot was made (millisecond precision once written).
    pub created: SystemTime,
    /// Key/value attributes.
    pub attributes: BTreeMap<String, String>,
}

impl Snapshot {
    /// A snapshot of `lists`, created now, with no attributes.
    pub fn new(lists: Vec<List>) -> Snapshot {
        Snapshot {
            lists,
            created: SystemTime::now(),
            attributes: BTreeMap::new(),
        }
    }

    /// Encodes the snapshot.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut e = Encoder(Vec::with_capacity(HEADER_LEN + 64 * self.entry_count()));
        e.0.extend_from_slice(&MAGIC);
        e.u32(FORMAT_VERSION);
        e.u64(0); // payload length, patched below
        e.u64(unix_millis(self.created));
        e.len(self.attributes.len());
        for (k, v) in &self.attributes {
            e.str(k);
            e.str(v);
        }
        e.len(self.lists.len());
        for list in &self.lists {
            e.list_meta(list.meta());
            e.0.extend_from_slice(&list.sha256());
            e.len(list.len());
            for entry in list.store().iter() {
                e.str(entry.address);
                e.provenance(entry.provenance);
                e.len(entry.line as usize);
            }
        }
        let mut out = e.0;
        let payload_len = (out.len() - HEADER_LEN) as u64;
        out[12..HEADER_LEN].copy_from_slice(&payload_len.to_le_bytes());
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// Writes the encoded snapshot to `w`.
    pub fn write_to(&self, mut w: impl Write) -> std::io::Result<()> {
        w.write_all(&self.to_bytes())?;
        w.flush()
    }

    /// Decodes a snapshot, checking magic, version, length and checksum,
    /// and validating every entry again.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        Ok(Snapshot::decode(bytes)?)
    }

    fn decode(bytes: &[u8]) -> Result<Snapshot, WireError> {
        let payload = check_frame(bytes)?;
        let mut d = Decoder::new(WireFile::Snapshot, payload, HEADER_LEN);
        let created = UNIX_EPOCH + Duration::from_millis(d.u64()?);
        let mut attributes = BTreeMap::new();
        for _ in 0..d.count(2)? {
            let k = d.string()?;
            let v = d.string()?;
            attributes.insert(k, v);
        }
        let list_count = d.count(1 + 1 + 1 + 3 + 32 + 1)?;
        let mut lists = Vec::with_capacity(list_count);
        for _ in 0..list_count {
            lists.push(decode_list(&mut d)?);
        }
        if !d.at_end() {
            return Err(d.corrupt("bytes left over after the last list"));
        }
        Ok(Snapshot {
            lists,
            created,
            attributes,
        })
    }

    /// Writes the snapshot to `path` atomically: a temporary file in the
    /// same directory, synced, then renamed over `path`.
    pub fn write_file(&self, path: impl AsRef<Path>) -> Result<(), SnapshotError> {
        Ok(write_atomic(
            WireFile::Snapshot,
            path.as_ref(),
            &self.to_bytes(),
        )?)
    }

    /// Reads and decodes a snapshot file.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Snapshot, SnapshotError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| SnapshotError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Snapshot::from_bytes(&bytes)
    }

    fn entry_count(&self) -> usize {
        self.lists.iter().map(|l| l.entries().len()).sum()
    }
}

/// Checks the frame (magic, version, length, checksum) and returns the
/// payload.
fn check_frame(bytes: &[u8]) -> Result<&[u8], WireError> {
    let frame = Frame {
        file: WireFile::Snapshot,
        magic: &MAGIC,
        version: FORMAT_VERSION,
        trailer_len: TRAILER_LEN,
    };
    frame.check(bytes, |body, sum| Sha256::digest(body).as_slice() == sum)
}

fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// One list of a snapshot: metadata, SHA-256, entries.
fn decode_list(d: &mut Decoder) -> Result<List, WireError> {
    let meta = d.list_meta()?;
    let sha256: [u8; 32] = d.take(32)?.try_into().expect("32");
    // Smallest entry: address length, 6 option tags, 2 list counts, line.
    let n = d.count(1 + 6 + 2 + 1)?;
    let mut entries = Store::with_capacity(n, 0);
    for _ in 0..n {
        let address = d.string()?;
        let provenance = d.provenance()?;
        let line = d.varint()?;
        // Validated again here, as when the list was first loaded.
        entries.push_parts(&address, line, provenance);
    }
    Ok(List::from_parts(meta, entries, sha256))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_snapshot() -> (Snapshot, Vec<u8>) {
        let mut s = Snapshot::new(crate::bundled::lists().unwrap());
        s.attributes.insert("k".into(), "v".into());
        let bytes = s.to_bytes();
        (s, bytes)
    }

    #[test]
    fn round_trip_keeps_everything() {
        let (s, bytes) = bundled_snapshot();
        let back = Snapshot::from_bytes(&bytes).unwrap();
        assert_eq!(back.attributes, s.attributes);
        assert_eq!(unix_millis(back.created), unix_millis(s.created));
        assert_eq!(back.lists.len(), s.lists.len());
        for (a, b) in s.lists.iter().zip(&back.lists) {
            assert_eq!(a.meta(), b.meta());
            assert_eq!(a.sha256(), b.sha256());
            assert_eq!(a.entries(), b.entries(), "entries, issues included");
        }
        assert_eq!(back.to_bytes(), bytes, "encoding is deterministic");
    }

    #[test]
    fn forged_counts_do_not_allocate() {
        // A valid frame around a payload claiming 2^35-1 attributes.
        let mut raw = MAGIC.to_vec();
        raw.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let payload = [0u8; 8]
            .iter()
            .chain(&[0xff, 0xff, 0xff, 0xff, 0x7f])
            .copied()
            .collect::<Vec<_>>();
        raw.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        raw.extend_from_slice(&payload);
        let digest = Sha256::digest(&raw);
        raw.extend_from_slice(&digest);
        let err = Snapshot::from_bytes(&raw).unwrap_err();
        assert!(
            matches!(err, SnapshotError::Corrupt { at: 28, .. }),
            "{err:?}"
        );
    }
}
