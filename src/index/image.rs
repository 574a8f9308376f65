//! Memory image handling: the bytes of an index on the heap or in an
//! anonymous mapping (huge pages where they pay), and reading a file into
//! one.

use std::ops::Range;

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
pub(super) const HUGE_PAGE: usize = 2 << 20;

impl Image {
    /// `len` zero bytes: a mapping when large, else a `Vec`. `huge` is the
    /// part advised to use huge pages from the start (the table, read at
    /// random by every query: a TLB miss per check without them). Advising
    /// the whole image made building slower: in a process that has
    /// fragmented its memory (a 10 M-entry list), this VM filled huge
    /// pages at ~0.45 GB/s (direct compaction), 4 KiB pages at ~1.7 GB/s
    /// (see `BENCHMARKS.md`, build).
    pub(super) fn zeroed(len: usize, huge: Range<usize>) -> Image {
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
    pub(super) fn capacity(&self) -> usize {
        match self {
            Image::Heap(v) => v.len(),
            Image::Anon(m, _) => m.len(),
        }
    }

    /// Makes the image `len` bytes long (at most its capacity).
    pub(super) fn set_len(&mut self, len: usize) {
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
