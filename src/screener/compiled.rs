//! The compiled file: a screener's image written and read back without
//! recompiling, and its meta section (the lists' metadata and counts, the
//! interned entry metadata, the spellings that do not render from their
//! keys), encoded and decoded side by side.

use std::path::Path;
use std::sync::Arc;

use super::answer::{hex, version_of};
use super::{Inner, ListInfo, Meta, Screener};
use crate::index::{Buffer, Image, Index};
use crate::wire::{Decoder, Encoder, WireError, WireFile};

impl Screener {
    /// The compiled image: the bytes [`Screener::write_compiled_file`]
    /// writes.
    pub fn compiled_bytes(&self) -> &[u8] {
        self.inner.index.image()
    }

    /// A screener from a compiled image (see [`Screener::compiled_bytes`]),
    /// without compiling: the frame (magic, version, length, XXH3-64
    /// checksum), the section bounds, every entry record and the metadata
    /// are checked; the table and keys are used as they are, in place.
    ///
    /// The bytes are kept, not copied: a `Vec<u8>` is taken over, a
    /// `&'static [u8]` (an image embedded with `include_bytes!`, passed as
    /// a slice: `&include_bytes!("lists.wsidx")[..]`) is read where it
    /// lies, and any other owner of bytes (an `Arc<[u8]>`, a `&'static`
    /// array, a memory map the caller made) is read through its
    /// `AsRef<[u8]>`, one indirect call per lookup. A table that does not start on a 64-byte
    /// boundary of memory still answers the same, a little slower (a
    /// group may straddle two cache lines).
    ///
    /// ```
    /// use walletscreen::Screener;
    /// let s = Screener::bundled()?;
    /// let back = Screener::from_compiled_bytes(s.compiled_bytes().to_vec())?;
    /// assert_eq!(back.version(), s.version());
    /// assert!(back.check("0x51e9d833ecae4e8d9d8be17300aee6d3398c135d").is_hit());
    /// // Shared bytes are read where they are.
    /// let shared: std::sync::Arc<[u8]> = s.compiled_bytes().into();
    /// let again = Screener::from_compiled_bytes(shared)?;
    /// assert_eq!(again.version(), s.version());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_compiled_bytes(
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    ) -> Result<Screener, WireError> {
        Screener::from_image(Image::from_bytes(bytes))
    }

    pub(super) fn from_image(image: Image) -> Result<Screener, WireError> {
        let index = Index::from_image(image)?;
        let base = index.meta_offset();
        let mut d = Decoder::new(WireFile::Compiled, index.meta(), base);
        let list_count = d.count(6 + 32 + 3)?;
        let mut lists = Vec::with_capacity(list_count);
        for _ in 0..list_count {
            let meta = d.list_meta()?;
            let sha = d.take(32)?;
            lists.push(ListInfo {
                meta,
                sha256: hex(sha),
                entries: d.varint()?,
                flagged: d.varint()?,
                unmatchable: d.varint()?,
            });
        }
        let meta_count = d.count(8)?;
        let mut metas = Vec::with_capacity(meta_count);
        for _ in 0..meta_count {
            let at = d.pos();
            let list = d.varint()?;
            if list >= lists.len() {
                return Err(WireError::Corrupt {
                    file: WireFile::Compiled,
                    at,
                    reason: format!("metadata of list {list}, there are {}", lists.len()),
                });
            }
            metas.push(Meta {
                list: list as u32,
                provenance: d.provenance()?,
            });
        }
        let odd_count = d.count(2)?;
        let mut odd: Vec<(u32, Box<str>)> = Vec::with_capacity(odd_count);
        for _ in 0..odd_count {
            let at = d.pos();
            let e = d.varint()?;
            let text = d.string()?;
            let ordered = odd.last().is_none_or(|(prev, _)| (*prev as usize) < e);
            if e >= index.entry_count() || !ordered {
                return Err(WireError::Corrupt {
                    file: WireFile::Compiled,
                    at,
                    reason: format!("spelling of entry {e}: out of range or order"),
                });
            }
            odd.push((e as u32, text.into()));
        }
        if !d.at_end() {
            return Err(d.corrupt("bytes left over in the meta section"));
        }
        if let Some(max) = index.max_meta()
            && max as usize >= metas.len()
        {
            return Err(WireError::Corrupt {
                file: WireFile::Compiled,
                at: base,
                reason: format!(
                    "an entry refers to metadata {max}, there are {}",
                    metas.len()
                ),
            });
        }
        let total: usize = lists.iter().map(|l| l.entries).sum();
        if total != index.entry_count() {
            return Err(WireError::Corrupt {
                file: WireFile::Compiled,
                at: base,
                reason: format!(
                    "lists count {total} entries, the index {}",
                    index.entry_count()
                ),
            });
        }
        let list_ids = lists
            .iter()
            .map(|i| Arc::from(i.meta.id.as_str()))
            .collect();
        let version = Arc::new(version_of(&lists));
        Ok(Screener {
            inner: Arc::new(Inner {
                index,
                metas,
                odd,
                lists,
                list_ids,
                version,
                issues: std::sync::OnceLock::new(),
                scan: std::sync::OnceLock::new(),
            }),
            history: None,
        })
    }

    /// Writes the compiled image to `path` atomically (a temporary file in
    /// the same directory, synced, renamed over `path`).
    pub fn write_compiled_file(&self, path: impl AsRef<Path>) -> Result<(), WireError> {
        crate::wire::write_atomic(WireFile::Compiled, path.as_ref(), self.compiled_bytes())
    }

    /// Reads a compiled image written by [`Screener::write_compiled_file`].
    pub fn read_compiled_file(path: impl AsRef<Path>) -> Result<Screener, WireError> {
        let path = path.as_ref();
        let image = Buffer::read_file(path).map_err(|source| WireError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Screener::from_image(image.into())
    }
}

/// The meta section of a compiled image, as [`Screener::from_compiled_bytes`]
/// decodes it.
pub(super) fn encode_meta(
    infos: &[ListInfo],
    shas: &[[u8; 32]],
    metas: &[Meta],
    odd: &[(u32, Box<str>)],
) -> Vec<u8> {
    let mut e = Encoder(Vec::new());
    e.len(infos.len());
    for (k, i) in infos.iter().enumerate() {
        e.list_meta(&i.meta);
        e.0.extend_from_slice(&shas[k]);
        e.len(i.entries);
        e.len(i.flagged);
        e.len(i.unmatchable);
    }
    e.len(metas.len());
    for m in metas {
        e.len(m.list as usize);
        e.provenance(&m.provenance);
    }
    e.len(odd.len());
    for (i, s) in odd {
        e.len(*i as usize);
        e.str(s);
    }
    e.0
}
