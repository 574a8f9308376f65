//! Memory image handling: the bytes of an index on the heap, in an
//! anonymous mapping (huge pages where they pay) or lent by the caller
//! (static or shared bytes), and reading a file into one.

use std::any::Any;
use std::ops::Range;

/// A writable image: on the heap, or in an anonymous mapping (large
/// images: a compiled file read from disk, or one the builder lays out in
/// place). A mapping may be longer than the image (the builder reserves an
/// upper bound and never touches the rest, which costs no memory); the
/// `usize` is the image's length.
pub(crate) enum Buffer {
    Heap(Vec<u8>),
    Anon(memmap2::MmapMut, usize),
}

impl std::ops::Deref for Buffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Buffer::Heap(v) => v,
            Buffer::Anon(m, len) => &m[..*len],
        }
    }
}

impl std::ops::DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Buffer::Heap(v) => v,
            Buffer::Anon(m, len) => &mut m[..*len],
        }
    }
}

/// The bytes an [`Index`](super::Index) reads: a [`Buffer`] it owns, or
/// bytes lent to it (the bundled image, linked into the binary; or any
/// owner of bytes a caller hands to `Screener::from_compiled_bytes`, read
/// through its `AsRef`).
pub(crate) enum Image {
    Heap(Vec<u8>),
    Anon(memmap2::MmapMut, usize),
    Static(&'static [u8]),
    Shared(Box<dyn AsRef<[u8]> + Send + Sync>),
}

impl std::ops::Deref for Image {
    type Target = [u8];
    #[inline(always)]
    fn deref(&self) -> &[u8] {
        match self {
            Image::Heap(v) => v,
            Image::Anon(m, len) => &m[..*len],
            Image::Static(b) => b,
            Image::Shared(b) => (**b).as_ref(),
        }
    }
}

impl From<Buffer> for Image {
    fn from(b: Buffer) -> Image {
        match b {
            Buffer::Heap(v) => Image::Heap(v),
            Buffer::Anon(m, len) => Image::Anon(m, len),
        }
    }
}

impl Image {
    /// The image of any owner of bytes. A `Vec<u8>` is kept as it is and
    /// a `&'static [u8]` read directly; other owners are read through
    /// their `AsRef` (one indirect call per lookup).
    pub(crate) fn from_bytes<B: AsRef<[u8]> + Send + Sync + 'static>(bytes: B) -> Image {
        let mut slot = Some(bytes);
        let any: &mut dyn Any = &mut slot;
        if let Some(v) = any.downcast_mut::<Option<Vec<u8>>>().and_then(Option::take) {
            return Image::Heap(v);
        }
        if let Some(b) = any
            .downcast_mut::<Option<&'static [u8]>>()
            .and_then(Option::take)
        {
            return Image::Static(b);
        }
        match slot {
            Some(b) => Image::Shared(Box::new(b)),
            None => Image::Static(&[]),
        }
    }

    /// Bytes held by the image: its length, or the capacity of its `Vec`.
    pub(crate) fn held(&self) -> usize {
        match self {
            Image::Heap(v) => v.capacity(),
            _ => self.len(),
        }
    }
}

/// Huge pages are 2 MiB on x86-64 and most aarch64 kernels.
pub(super) const HUGE_PAGE: usize = 2 << 20;

impl Buffer {
    /// `len` zero bytes: a mapping when large, else a `Vec`. `huge` is the
    /// part advised to use huge pages from the start (the table, read at
    /// random by every query: a TLB miss per check without them). Advising
    /// the whole image made building slower: in a process that has
    /// fragmented its memory (a 10 M-entry list), this VM filled huge
    /// pages at ~0.45 GB/s (direct compaction), 4 KiB pages at ~1.7 GB/s
    /// (see `BENCHMARKS.md`, build).
    pub(super) fn zeroed(len: usize, huge: Range<usize>) -> Buffer {
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
            return Buffer::Anon(m, len);
        }
        Buffer::Heap(vec![0; len])
    }

    /// Bytes reserved: the image and the room after it.
    pub(super) fn capacity(&self) -> usize {
        match self {
            Buffer::Heap(v) => v.len(),
            Buffer::Anon(m, _) => m.len(),
        }
    }

    /// Makes the image `len` bytes long (at most its capacity).
    pub(super) fn set_len(&mut self, len: usize) {
        match self {
            Buffer::Heap(v) => {
                v.truncate(len);
                v.shrink_to_fit();
            }
            Buffer::Anon(m, l) => *l = len.min(m.len()),
        }
    }

    /// Reads a whole file into an image.
    pub(crate) fn read_file(path: &std::path::Path) -> std::io::Result<Buffer> {
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
            return Ok(Buffer::Anon(m, len));
        }
        let mut v = Vec::with_capacity(len);
        f.read_to_end(&mut v)?;
        Ok(Buffer::Heap(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Vec` and a `&'static [u8]` are kept as they are; other owners
    /// are read through their `AsRef`. Each reads back the same bytes.
    #[test]
    fn owners_of_bytes_become_the_matching_image() {
        let bytes: &'static [u8] = b"\x89WSIDX image bytes";
        let cases: Vec<(&str, Image, &str)> = vec![
            ("vec", Image::from_bytes(bytes.to_vec()), "heap"),
            ("static slice", Image::from_bytes(bytes), "static"),
            (
                "arc",
                Image::from_bytes(std::sync::Arc::<[u8]>::from(bytes)),
                "shared",
            ),
            (
                "boxed",
                Image::from_bytes(Box::<[u8]>::from(bytes)),
                "shared",
            ),
            (
                "static array",
                Image::from_bytes(b"\x89WSIDX image bytes"),
                "shared",
            ),
        ];
        for (name, image, want) in cases {
            let kind = match image {
                Image::Heap(_) => "heap",
                Image::Anon(..) => "anon",
                Image::Static(_) => "static",
                Image::Shared(_) => "shared",
            };
            assert_eq!(kind, want, "{name}");
            assert_eq!(&*image, bytes, "{name}");
            assert_eq!(image.held(), bytes.len(), "{name}");
        }
    }
}
