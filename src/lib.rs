//! # walletscreen
//!
//! Screens cryptocurrency wallet addresses against sanctions lists (OFAC SDN)
//! and attribution lists (FBI notices on DPRK / Lazarus Group), in
//! nanoseconds, inside a payment path, and says where each answer came from.
//!
//! Lists are compiled once into an immutable [`Screener`] (`Send + Sync`,
//! cheap to clone) whose [`Screener::check`] answers with a [`Verdict`]:
//! [`Verdict::Hit`] with every matching entry and its provenance (list,
//! category, entity, programs, listing date, source URL) and the version of
//! the list set; [`Verdict::Clear`]; or [`Verdict::Invalid`] with a typed
//! reason.
//!
//! Every spelling of one address finds the same entry: any case where the
//! format ignores case (EVM hex, bech32, CashAddr), surrounding or embedded
//! whitespace and invisible characters, URI forms (`bitcoin:…?amount=`,
//! `ethereum:…@1`), a CashAddr and its legacy base58 form, a TRON `T…`
//! address and its `41…` hex form. See [`address`] for how.
//!
//! ```
//! use walletscreen::{Screener, Verdict};
//!
//! let screener = Screener::bundled()?;
//! // An OFAC-listed Bitcoin address (Hydra Market), wrapped in a payment URI:
//! match screener.check("bitcoin:123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX?amount=0.1") {
//!     Verdict::Hit(hit) => {
//!         let m = hit.matches().next().expect("a hit has matches");
//!         assert_eq!(m.list(), "ofac-sdn");
//!         assert_eq!(m.provenance().entity.as_deref(), Some("Hydra Market"));
//!         assert_eq!(m.provenance().programs, ["CYBER2"]);
//!     }
//!     other => panic!("expected a hit, got {other:?}"),
//! }
//! # Ok::<(), walletscreen::BuildError>(())
//! ```
//!
//! [`Screener::scan`] finds listed addresses inside free text (memos,
//! tickets, logs), with byte spans; see [`scan`].
//!
//! Your own lists, in the crate's CSV format or as plain text:
//!
//! ```
//! use walletscreen::{Category, List, ListMeta, Screener};
//!
//! let blocklist = List::from_bytes(
//!     b"# our internal blocklist\nbc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\n",
//!     ListMeta::new("internal", Category::Custom),
//! )?;
//! let screener = Screener::builder().bundled(true).list(blocklist).build()?;
//! assert!(screener.check("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").is_hit());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod address;
pub mod bundled;
pub mod date;
pub mod error;
pub mod history;
mod index;
pub mod list;
pub mod scan;
mod screener;
pub mod snapshot;
pub mod update;
pub mod wire;

pub use address::{Address, AddressKind, Checksum, Family, Network};
pub use date::{Date, DateError};
pub use error::{Bech32Error, BuildError, LoadError, ParseError};
pub use history::{Delisting, History, HistoryRecord};
pub use index::{FORMAT_VERSION as COMPILED_FORMAT_VERSION, MAGIC as COMPILED_MAGIC};
pub use list::{Category, Entry, List, ListMeta, Provenance};
pub use scan::{Scan, ScanMatch};
pub use screener::{
    Brief, CheckOptions, DatedMatch, Hit, HitAt, ListInfo, Match, Matches, OwnedMatch, Screener,
    ScreenerBuilder, Spelling, Verdict, VerdictAt, VerdictKind, Version, Via,
};
pub use snapshot::{Snapshot, SnapshotError};
pub use update::{
    ListSet, LiveScreener, LiveScreenerBuilder, LiveVerdict, RefreshReport, Source, StaleError,
    UpdateError,
};
pub use wire::WireError;

/// The README's code, compiled (and run, but for the `no_run` blocks) as
/// doctests so that it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
