//! The crate's binary codec, shared by lists snapshots
//! ([`crate::snapshot`]) and compiled screeners
//! ([`Screener::write_compiled_file`](crate::Screener::write_compiled_file)):
//! the frame (magic, `u32` version, `u64` payload length, payload, checksum
//! trailer), little-endian integers, LEB128 varints, strings and list
//! metadata, atomic file writes, and one error, [`WireError`], which names
//! the kind of file it was reading ([`WireFile`]).
//!
//! A snapshot reports these errors as a
//! [`SnapshotError`](crate::snapshot::SnapshotError) (same variants and
//! messages); a compiled screener reports them as they are, so a damaged
//! compiled file says "compiled screener", not "snapshot".

use std::io::Write;
use std::path::Path;

use crate::list::{Category, ListMeta, Provenance};

/// Which kind of file the codec was reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireFile {
    /// A lists snapshot ([`crate::snapshot::Snapshot`]).
    Snapshot,
    /// A compiled screener
    /// ([`Screener::from_compiled_bytes`](crate::Screener::from_compiled_bytes)).
    Compiled,
}

impl std::fmt::Display for WireFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WireFile::Snapshot => "snapshot",
            WireFile::Compiled => "compiled screener",
        })
    }
}

/// Why a binary file (a snapshot or a compiled screener) could not be read
/// or written. Checked in this order: magic, version, length, checksum,
/// then the payload's structure.
///
/// # Examples
///
/// ```
/// use walletscreen::wire::WireFile;
/// use walletscreen::{Screener, WireError};
///
/// let mut bytes = Screener::bundled()?.compiled_bytes().to_vec();
/// bytes[0] ^= 1;
/// let err = Screener::from_compiled_bytes(bytes).unwrap_err();
/// assert!(matches!(err, WireError::BadMagic { file: WireFile::Compiled }));
/// assert_eq!(err.to_string(), "not a walletscreen compiled screener (bad magic bytes)");
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The data does not start with the file kind's magic bytes.
    #[error("not a walletscreen {file} (bad magic bytes)")]
    BadMagic {
        /// The kind of file expected.
        file: WireFile,
    },
    /// A format version this build cannot read (e.g. written by a newer
    /// version of the crate).
    #[error("unsupported {file} format version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// The kind of file.
        file: WireFile,
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The data ends before the file does.
    #[error("{file} truncated: it ends at byte {at}, its header says {expected} bytes")]
    Truncated {
        /// The kind of file.
        file: WireFile,
        /// Length of the data (where it ends).
        at: usize,
        /// The length the file should have (the header's size when the
        /// header itself is cut).
        expected: usize,
    },
    /// The checksum trailer does not match the content.
    #[error("{file} checksum mismatch: the file is corrupt")]
    Checksum {
        /// The kind of file.
        file: WireFile,
    },
    /// The checksum matched but the content does not decode (a bug or a
    /// forged file), or bytes follow the checksum.
    #[error("corrupt {file} at byte {at}: {reason}")]
    Corrupt {
        /// The kind of file.
        file: WireFile,
        /// Byte offset in the file.
        at: usize,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Magic, version, payload length (compiled images share the framing).
pub(crate) const HEADER_LEN: usize = 8 + 4 + 8;

/// The framing shared by lists snapshots and compiled images: magic,
/// `u32` version, `u64` payload length, payload, checksum trailer.
pub(crate) struct Frame<'a> {
    /// Which kind of file, for error messages.
    pub(crate) file: WireFile,
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
    ) -> Result<&'b [u8], WireError> {
        let magic_len = bytes.len().min(self.magic.len());
        if bytes[..magic_len] != self.magic[..magic_len] {
            return Err(WireError::BadMagic { file: self.file });
        }
        if bytes.len() < HEADER_LEN {
            return Err(WireError::Truncated {
                file: self.file,
                at: bytes.len(),
                expected: HEADER_LEN,
            });
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != self.version {
            return Err(WireError::UnsupportedVersion {
                file: self.file,
                found: version,
                supported: self.version,
            });
        }
        let payload_len = u64::from_le_bytes(bytes[12..HEADER_LEN].try_into().expect("8 bytes"));
        let expected = usize::try_from(payload_len)
            .ok()
            .and_then(|n| n.checked_add(HEADER_LEN + self.trailer_len));
        let Some(expected) = expected else {
            return Err(WireError::Corrupt {
                file: self.file,
                at: 12,
                reason: format!("payload length {payload_len} is impossible"),
            });
        };
        if bytes.len() < expected {
            return Err(WireError::Truncated {
                file: self.file,
                at: bytes.len(),
                expected,
            });
        }
        if bytes.len() > expected {
            return Err(WireError::Corrupt {
                file: self.file,
                at: expected,
                reason: format!("{} bytes after the checksum", bytes.len() - expected),
            });
        }
        let body_end = expected - self.trailer_len;
        if !verify(&bytes[..body_end], &bytes[body_end..]) {
            return Err(WireError::Checksum { file: self.file });
        }
        Ok(&bytes[HEADER_LEN..body_end])
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, synced, then renamed over `path`.
pub(crate) fn write_atomic(file: WireFile, path: &Path, bytes: &[u8]) -> Result<(), WireError> {
    let io_err = |source| WireError::Io {
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
        .unwrap_or_else(|| file.to_string().replace(' ', "-"));
    // Unique per process and call: concurrent writers never share one.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        {
            // Closed before the rename (a block, not `drop`: on wasm32 a
            // `File` has no destructor, which clippy would flag).
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
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

/// Appends little-endian integers, varints and strings to a buffer.
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

    /// An entry's [`Provenance`]: `chain`, `tickers`, `entity`,
    /// `entity_id`, `programs`, `listed`, `source` (options and string
    /// lists), in that order: the same bytes in snapshots and compiled
    /// images.
    pub(crate) fn provenance(&mut self, p: &Provenance) {
        self.opt(&p.chain);
        self.strs(&p.tickers);
        self.opt(&p.entity);
        self.opt(&p.entity_id);
        self.strs(&p.programs);
        self.opt(&p.listed);
        self.opt(&p.source);
    }

    pub(crate) fn strs(&mut self, v: &[String]) {
        self.len(v.len());
        for s in v {
            self.str(s);
        }
    }
}

/// Reads what [`Encoder`] writes; every error is a [`WireError::Corrupt`]
/// at the byte offset in the file.
pub(crate) struct Decoder<'a> {
    file: WireFile,
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the snapshot, for error positions.
    base: usize,
}

impl<'a> Decoder<'a> {
    /// A decoder of `buf`, which starts at byte `base` of a `file`.
    pub(crate) fn new(file: WireFile, buf: &'a [u8], base: usize) -> Decoder<'a> {
        Decoder {
            file,
            buf,
            pos: 0,
            base,
        }
    }

    /// Position in the snapshot (for error messages).
    pub(crate) fn pos(&self) -> usize {
        self.base + self.pos
    }

    /// True when every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    pub(crate) fn corrupt(&self, reason: impl Into<String>) -> WireError {
        WireError::Corrupt {
            file: self.file,
            at: self.base + self.pos,
            reason: reason.into(),
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.corrupt(format!("{n} bytes needed, payload ends first")))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u64(&mut self) -> Result<u64, WireError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }

    /// A count of items each at least `min_size` bytes long: refused when
    /// the rest of the payload cannot hold that many (no huge allocation
    /// from a forged count).
    pub(crate) fn count(&mut self, min_size: usize) -> Result<usize, WireError> {
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
    pub(crate) fn varint(&mut self) -> Result<usize, WireError> {
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

    pub(crate) fn string(&mut self) -> Result<String, WireError> {
        let at = self.pos;
        let n = self.varint()?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| {
            self.pos = at;
            self.corrupt("string is not UTF-8")
        })
    }

    pub(crate) fn opt(&mut self) -> Result<Option<String>, WireError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            t => {
                self.pos -= 1;
                Err(self.corrupt(format!("bad option tag {t}")))
            }
        }
    }

    pub(crate) fn strings(&mut self) -> Result<Vec<String>, WireError> {
        let n = self.count(1)?;
        (0..n).map(|_| self.string()).collect()
    }

    /// An entry's provenance, as [`Encoder::provenance`] writes it.
    pub(crate) fn provenance(&mut self) -> Result<Provenance, WireError> {
        Ok(Provenance {
            chain: self.opt()?,
            tickers: self.strings()?,
            entity: self.opt()?,
            entity_id: self.opt()?,
            programs: self.strings()?,
            listed: self.opt()?,
            source: self.opt()?,
        })
    }

    /// A list's metadata, as [`Encoder::list_meta`] writes it.
    pub(crate) fn list_meta(&mut self) -> Result<ListMeta, WireError> {
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
}
