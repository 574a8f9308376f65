//! Typed errors, one per phase, each beside the phase that raises it:
//! [`ParseError`] (an address string) in [`crate::address`],
//! [`LoadError`] (a list file) in [`crate::list`],
//! [`SnapshotError`](crate::snapshot::SnapshotError) in [`crate::snapshot`].
//! This module re-exports them under one roof and holds the only error
//! shared by several phases: [`BuildError`] (compiling a screener, raised
//! by the builder, the bundled lists, the listing history and the
//! updater).

pub use crate::address::{Bech32Error, ParseError};
pub use crate::list::LoadError;

/// Why a screener could not be compiled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Two lists share one id.
    #[error("two lists have the id {id:?}")]
    DuplicateListId {
        /// The id.
        id: String,
    },
    /// More keys than the compact index can address (2^32 - 1).
    #[error("too many keys: {count}")]
    TooManyKeys {
        /// How many.
        count: usize,
    },
    /// A bundled list failed to load (a bug in the crate's data).
    #[error("bundled list {id}: {source}")]
    Bundled {
        /// The list id.
        id: String,
        /// The load error.
        #[source]
        source: LoadError,
    },
    /// The bundled lists' compiled image (`lists/bundled.wsidx`) failed to
    /// load (a bug in the crate's data).
    #[error("bundled compiled lists: {source}")]
    BundledImage {
        /// The decoding error.
        #[source]
        source: crate::wire::WireError,
    },
}
