//! The compiled file: a screener's image written and read back without
//! recompiling, and its meta section (the lists' metadata and counts, the
//! bloom settings, the interned entry metadata, the spellings that do not
//! render from their keys), encoded and decoded side by side.

use std::path::Path;
use std::sync::Arc;

use super::answer::{hex, version_of};
use super::build::build_bloom;
use super::{BloomMode, Inner, ListInfo, Meta, Screener};
use crate::index::{Image, Index};
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
    /// are checked; the table and keys are used as they are.
    ///
    /// ```
    /// use walletscreen::Screener;
    /// let s = Screener::bundled()?;
    /// let back = Screener::from_compiled_bytes(s.compiled_bytes().to_vec())?;
    /// assert_eq!(back.version(), s.version());
    /// assert!(back.check("0x51e9d833ecae4e8d9d8be17300aee6d3398c135d").is_hit());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_compiled_bytes(image: Vec<u8>) -> Result<Screener, WireError> {
        Screener::from_image(Image::Heap(image))
    }

    fn from_image(image: Image) -> Result<Screener, WireError> {
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
        let bloom_mode = match d.u8()? {
            0 => BloomMode::Auto,
            1 => BloomMode::On,
            2 => BloomMode::Off,
            b => return Err(d.corrupt(format!("bad bloom mode {b}"))),
        };
        let fp_rate = f64::from_bits(d.u64()?);
        if !(1e-9..=0.5).contains(&fp_rate) {
            return Err(d.corrupt(format!("bloom false-positive rate {fp_rate} out of range")));
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
        let bloom = build_bloom(&index, bloom_mode, fp_rate).map_err(|e| WireError::Corrupt {
            file: WireFile::Compiled,
            at: base,
            reason: e.to_string(),
        })?;
        let version = Arc::new(version_of(&lists));
        Ok(Screener {
            inner: Arc::new(Inner {
                index,
                bloom,
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
        let image = Image::read_file(path).map_err(|source| WireError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Screener::from_image(image)
    }
}

/// The meta section of a compiled image, as [`Screener::from_compiled_bytes`]
/// decodes it.
pub(super) fn encode_meta(
    infos: &[ListInfo],
    shas: &[[u8; 32]],
    bloom_mode: BloomMode,
    fp_rate: f64,
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
    e.0.push(match bloom_mode {
        BloomMode::Auto => 0,
        BloomMode::On => 1,
        BloomMode::Off => 2,
    });
    e.u64(fp_rate.to_bits());
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
