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

use crate::list::{Category, List, ListMeta, Provenance, Store};

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"\x89WSNAP\r\n";

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Magic, version, payload length (compiled images share the framing).
pub(crate) const HEADER_LEN: usize = 8 + 4 + 8;
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
                let p = entry.provenance;
                e.str(entry.address);
                e.opt(&p.chain);
                e.strs(&p.tickers);
                e.opt(&p.entity);
                e.opt(&p.entity_id);
                e.strs(&p.programs);
                e.opt(&p.listed);
                e.opt(&p.source);
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
        let payload = check_frame(bytes)?;
        let mut d = Decoder {
            buf: payload,
            pos: 0,
            base: HEADER_LEN,
        };
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
            lists.push(d.list()?);
        }
        if d.pos != d.buf.len() {
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
        write_atomic(path.as_ref(), &self.to_bytes())
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

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, synced, then renamed over `path`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    let io_err = |source| SnapshotError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".to_owned());
    // Unique per process and call: concurrent writers never share one.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable where directories can be synced.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io_err)
}

/// Checks the frame (magic, version, length, checksum) and returns the
/// payload.
fn check_frame(bytes: &[u8]) -> Result<&[u8], SnapshotError> {
    let frame = Frame {
        magic: &MAGIC,
        version: FORMAT_VERSION,
        trailer_len: TRAILER_LEN,
    };
    frame.check(bytes, |body, sum| Sha256::digest(body).as_slice() == sum)
}

/// The framing shared by lists snapshots and compiled images: magic,
/// `u32` version, `u64` payload length, payload, checksum trailer.
pub(crate) struct Frame<'a> {
    pub(crate) magic: &'a [u8; 8],
    pub(crate) version: u32,
    pub(crate) trailer_len: usize,
}

impl Frame<'_> {
    /// Checks magic, version, length and (with `verify(body, trailer)`)
    /// the checksum, in that order; returns the payload.
    pub(crate) fn check<'b>(
        &self,
        bytes: &'b [u8],
        verify: impl Fn(&[u8], &[u8]) -> bool,
    ) -> Result<&'b [u8], SnapshotError> {
        let magic_len = bytes.len().min(self.magic.len());
        if bytes[..magic_len] != self.magic[..magic_len] {
            return Err(SnapshotError::BadMagic);
        }
        if bytes.len() < HEADER_LEN {
            return Err(SnapshotError::Truncated {
                at: bytes.len(),
                expected: HEADER_LEN,
            });
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != self.version {
            return Err(SnapshotError::UnsupportedVersion {
                found: version,
                supported: self.version,
            });
        }
        let payload_len = u64::from_le_bytes(bytes[12..HEADER_LEN].try_into().expect("8 bytes"));
        let expected = usize::try_from(payload_len)
            .ok()
            .and_then(|n| n.checked_add(HEADER_LEN + self.trailer_len));
        let Some(expected) = expected else {
            return Err(SnapshotError::Corrupt {
                at: 12,
                reason: format!("payload length {payload_len} is impossible"),
            });
        };
        if bytes.len() < expected {
            return Err(SnapshotError::Truncated {
                at: bytes.len(),
                expected,
            });
        }
        if bytes.len() > expected {
            return Err(SnapshotError::Corrupt {
                at: expected,
                reason: format!("{} bytes after the checksum", bytes.len() - expected),
            });
        }
        let body_end = expected - self.trailer_len;
        if !verify(&bytes[..body_end], &bytes[body_end..]) {
            return Err(SnapshotError::Checksum);
        }
        Ok(&bytes[HEADER_LEN..body_end])
    }
}

fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

pub(crate) struct Encoder(pub(crate) Vec<u8>);

impl Encoder {
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// A count, length or line number as an unsigned LEB128 varint.
    pub(crate) fn len(&mut self, n: usize) {
        let mut n = n as u64;
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn opt(&mut self, s: &Option<String>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
        }
    }

    /// A list's metadata: `id`, `name`, `category` (`u8`: 0 sanctioned,
    /// 1 attributed, 2 custom), `as_of`, `source`, `license`.
    pub(crate) fn list_meta(&mut self, m: &ListMeta) {
        self.str(&m.id);
        self.opt(&m.name);
        self.0.push(match m.category {
            Category::Sanctioned => 0,
            Category::Attributed => 1,
            Category::Custom => 2,
        });
        self.opt(&m.as_of);
        self.opt(&m.source);
        self.opt(&m.license);
    }

    pub(crate) fn strs(&mut self, v: &[String]) {
        self.len(v.len());
        for s in v {
            self.str(s);
        }
    }
}

pub(crate) struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the snapshot, for error positions.
    base: usize,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(buf: &'a [u8], base: usize) -> Decoder<'a> {
        Decoder { buf, pos: 0, base }
    }

    /// Position in the snapshot (for error messages).
    pub(crate) fn pos(&self) -> usize {
        self.base + self.pos
    }

    /// True when every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    pub(crate) fn corrupt(&self, reason: impl Into<String>) -> SnapshotError {
        SnapshotError::Corrupt {
            at: self.base + self.pos,
            reason: reason.into(),
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.corrupt(format!("{n} bytes needed, payload ends first")))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }

    /// A count of items each at least `min_size` bytes long: refused when
    /// the rest of the payload cannot hold that many (no huge allocation
    /// from a forged count).
    pub(crate) fn count(&mut self, min_size: usize) -> Result<usize, SnapshotError> {
        let at = self.pos;
        let n = self.varint()?;
        let room = (self.buf.len() - self.pos) / min_size.max(1);
        if n > room {
            self.pos = at;
            return Err(self.corrupt(format!("count {n} exceeds what the payload can hold")));
        }
        Ok(n)
    }

    /// An unsigned LEB128 varint that fits a `usize`.
    pub(crate) fn varint(&mut self) -> Result<usize, SnapshotError> {
        let at = self.pos;
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return usize::try_from(v).map_err(|_| {
                    self.pos = at;
                    self.corrupt("varint overflows")
                });
            }
        }
        self.pos = at;
        Err(self.corrupt("varint overflows"))
    }

    pub(crate) fn string(&mut self) -> Result<String, SnapshotError> {
        let at = self.pos;
        let n = self.varint()?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| {
            self.pos = at;
            self.corrupt("string is not UTF-8")
        })
    }

    pub(crate) fn opt(&mut self) -> Result<Option<String>, SnapshotError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            t => {
                self.pos -= 1;
                Err(self.corrupt(format!("bad option tag {t}")))
            }
        }
    }

    pub(crate) fn strings(&mut self) -> Result<Vec<String>, SnapshotError> {
        let n = self.count(1)?;
        (0..n).map(|_| self.string()).collect()
    }

    /// A list's metadata, as [`Encoder::list_meta`] writes it.
    pub(crate) fn list_meta(&mut self) -> Result<ListMeta, SnapshotError> {
        let id = self.string()?;
        let name = self.opt()?;
        let category = match self.u8()? {
            0 => Category::Sanctioned,
            1 => Category::Attributed,
            2 => Category::Custom,
            c => {
                self.pos -= 1;
                return Err(self.corrupt(format!("bad category {c}")));
            }
        };
        let mut meta = ListMeta::new(id, category);
        meta.name = name;
        meta.as_of = self.opt()?;
        meta.source = self.opt()?;
        meta.license = self.opt()?;
        Ok(meta)
    }

    fn list(&mut self) -> Result<List, SnapshotError> {
        let meta = self.list_meta()?;
        let sha256: [u8; 32] = self.take(32)?.try_into().expect("32");
        // Smallest entry: address length, 6 option tags, 2 list counts, line.
        let n = self.count(1 + 6 + 2 + 1)?;
        let mut entries = Store::with_capacity(n, 0);
        for _ in 0..n {
            let address = self.string()?;
            let chain = self.opt()?;
            let tickers = self.strings()?;
            let entity = self.opt()?;
            let entity_id = self.opt()?;
            let programs = self.strings()?;
            let listed = self.opt()?;
            let source = self.opt()?;
            let line = self.varint()?;
            // Validated again here, as when the list was first loaded.
            let provenance = Provenance {
                chain,
                tickers,
                entity,
                entity_id,
                programs,
                listed,
                source,
            };
            entries.push_parts(&address, line, provenance);
        }
        Ok(List::from_parts(meta, entries, sha256))
    }
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
