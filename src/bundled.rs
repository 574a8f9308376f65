//! The lists shipped with the crate, embedded at compile time (see
//! `lists/README.md` for their sources, dates and licenses): the list files
//! themselves, their listing history, and the lists compiled
//! (`lists/bundled.wsidx`), which [`Screener::bundled`](crate::Screener::bundled)
//! loads without parsing the files.

use crate::error::BuildError;
use crate::history::History;
use crate::list::{Category, List, ListMeta};

/// Bytes aligned to 64 (a cache line), so that the table of the embedded
/// image starts on a cache line as it does on the heap.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

/// The bundled lists compiled, as `ScreenerBuilder::new()` with each list of
/// [`lists`] in order compiles them. `tests/bundled.rs` checks that it is
/// byte for byte what the lists compile to (and says how to regenerate it).
static IMAGE: &Aligned<[u8]> = &Aligned(*include_bytes!("../lists/bundled.wsidx"));

/// The compiled image of the bundled lists (`lists/bundled.wsidx`).
pub(crate) fn image() -> &'static [u8] {
    &IMAGE.0
}

/// The bundled lists compiled (`lists/bundled.wsidx`), embedded: the image
/// [`Screener::bundled`](crate::Screener::bundled) reads in place.
///
/// [`Screener::from_compiled_bytes`](crate::Screener::from_compiled_bytes)
/// of it reads it in place too, and is the bundled screener without its
/// listing history (no [`Screener::check_at`](crate::Screener::check_at)
/// answers): it costs neither the history's compile nor, in a program that
/// parses no list (the WebAssembly package, `bindings/wasm`), the list
/// files and their parsers in the binary.
///
/// ```
/// use walletscreen::{bundled, Screener};
/// let s = Screener::from_compiled_bytes(bundled::compiled())?;
/// assert_eq!(s.version(), Screener::bundled()?.version());
/// assert!(s.check("0x098B716B8Aaf21512996dC57EB0615e2383E2f96").is_hit());
/// assert!(s.history().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compiled() -> &'static [u8] {
    image()
}

/// `(id, SHA-256 in hex)` of each bundled list file, computed once: what
/// [`ListInfo::is_bundled`](crate::ListInfo::is_bundled) compares with.
pub(crate) fn sha256s() -> &'static [(&'static str, String)] {
    use sha2::{Digest, Sha256};
    static SHAS: std::sync::OnceLock<Vec<(&'static str, String)>> = std::sync::OnceLock::new();
    SHAS.get_or_init(|| {
        FILES
            .iter()
            .map(|&(id, _, bytes)| {
                let sha = Sha256::digest(bytes);
                (id, sha.iter().map(|b| format!("{b:02x}")).collect())
            })
            .collect()
    })
}

/// `(id, category, bytes)` of each bundled list file.
const FILES: &[(&str, Category, &[u8])] = &[
    (
        "ofac-sdn",
        Category::Sanctioned,
        include_bytes!("../lists/ofac_sdn.csv"),
    ),
    (
        "fbi-dprk",
        Category::Attributed,
        include_bytes!("../lists/fbi_dprk.csv"),
    ),
];

/// Loads the bundled lists (the files' own metadata applies).
pub fn lists() -> Result<Vec<List>, BuildError> {
    FILES
        .iter()
        .map(|&(id, category, bytes)| {
            List::from_bytes(bytes, ListMeta::new(id, category)).map_err(|source| {
                BuildError::Bundled {
                    id: id.to_owned(),
                    source,
                }
            })
        })
        .collect()
}

/// The raw bytes of a bundled list file by id (`ofac-sdn`, `fbi-dprk`).
pub fn raw(id: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(i, _, _)| *i == id).map(|&(_, _, b)| b)
}

/// `(id, category, bytes)` of each bundled listing-history file.
const HISTORY_FILES: &[(&str, Category, &[u8])] = &[(
    "ofac-sdn",
    Category::Sanctioned,
    include_bytes!("../lists/ofac_sdn_history.csv"),
)];

/// Loads the bundled listing history (`lists/ofac_sdn_history.csv`; see
/// [`crate::history`]).
pub fn history() -> Result<History, BuildError> {
    let mut all = History::new();
    for &(id, category, bytes) in HISTORY_FILES {
        let (_, h) =
            History::from_csv_bytes(bytes, ListMeta::new(id, category)).map_err(|source| {
                BuildError::Bundled {
                    id: format!("{id} history"),
                    source,
                }
            })?;
        all.extend(h);
    }
    Ok(all)
}

impl History {
    /// The history shipped with the crate (`lists/ofac_sdn_history.csv`;
    /// see the [`crate::history`] module docs). Defined here, beside the
    /// bundled files, so that [`crate::history`] does not depend on them.
    pub fn bundled() -> Result<History, BuildError> {
        history()
    }
}
