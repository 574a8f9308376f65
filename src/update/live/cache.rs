//! The last-good cache on disk: a [`Snapshot`] of the sources' lists with
//! their state (validators, digests, verification times) and the removals
//! refreshes recorded, as snapshot attributes (JSON).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::SourceState;
use crate::date::Date;
use crate::error::BuildError;
use crate::history::{Delisting, History, HistoryRecord};
use crate::list::{Category, Entry, List, Provenance};
use crate::snapshot::{Snapshot, SnapshotError};
use crate::update::fetch::Validators;
use crate::update::{Source, hex, unhex32};

/// Name of the cache file in
/// [`LiveScreenerBuilder::cache_dir`](super::LiveScreenerBuilder::cache_dir).
pub const CACHE_FILE: &str = "walletscreen.snapshot";

/// Snapshot attribute holding the sources' state (JSON).
const CACHE_ATTR: &str = "walletscreen.update.sources";

/// Snapshot attribute holding the removals refreshes recorded (JSON; see
/// [`CachedRemoval`]). A cache written before it existed has none.
const HISTORY_ATTR: &str = "walletscreen.update.history";

/// What became of the cache when the screener was built.
#[derive(Debug)]
#[non_exhaustive]
pub enum CacheStatus {
    /// No cache directory configured.
    Disabled,
    /// No cache file yet.
    Missing {
        /// The file looked for.
        path: PathBuf,
    },
    /// The cache was loaded and serves.
    Loaded {
        /// The file.
        path: PathBuf,
        /// When it was written.
        created: SystemTime,
        /// How many source lists it restored.
        lists: usize,
    },
    /// The cache file is corrupt, truncated, of another version or
    /// unreadable, or its lists do not compile: ignored (a warning was
    /// logged), the base lists serve.
    Ignored {
        /// The file.
        path: PathBuf,
        /// Why.
        error: CacheError,
    },
}

/// Why a cache file was ignored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// The snapshot does not read.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// The snapshot reads but its lists do not compile.
    #[error("cached lists do not compile: {0}")]
    Build(#[from] BuildError),
    /// The snapshot reads but its recorded listing history does not.
    #[error("cached listing history does not read: {0}")]
    History(String),
}

/// A removal recorded by a refresh, as kept in the cache.
#[derive(Debug, Serialize, Deserialize)]
struct CachedRemoval {
    list: String,
    category: String,
    address: String,
    #[serde(flatten)]
    provenance: Provenance,
    delisted_after: Option<String>,
    delisted_by: String,
}

fn category_name(c: Category) -> &'static str {
    match c {
        Category::Sanctioned => "sanctioned",
        Category::Attributed => "attributed",
        Category::Custom => "custom",
    }
}

fn cached_removals(h: &History) -> Vec<CachedRemoval> {
    h.delisted()
        .filter_map(|r| {
            let d = r.delisted?;
            let e = &r.entry;
            Some(CachedRemoval {
                list: r.list.clone(),
                category: category_name(r.category).to_owned(),
                address: e.address.clone(),
                provenance: e.provenance.clone(),
                delisted_after: d.after.map(|a| a.to_string()),
                delisted_by: d.by.to_string(),
            })
        })
        .collect()
}

/// The removals recorded in a cache snapshot (none in a cache written
/// before they were kept); an attribute that does not read is an error.
pub(super) fn restore_history(snap: &Snapshot) -> Result<History, String> {
    let Some(json) = snap.attributes.get(HISTORY_ATTR) else {
        return Ok(History::new());
    };
    let removals: Vec<CachedRemoval> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mut h = History::new();
    for (i, c) in removals.into_iter().enumerate() {
        let date = |s: &str| Date::parse(s).map_err(|e| format!("removal {i}: {e}"));
        let category: Category = c
            .category
            .parse()
            .map_err(|e| format!("removal {i}: {e}"))?;
        let mut e = Entry::new(c.address, 0);
        e.provenance = c.provenance;
        h.push(HistoryRecord {
            list: c.list,
            category,
            entry: e,
            listed_after: None,
            listed_by: None,
            delisted: Some(Delisting {
                after: c.delisted_after.as_deref().map(date).transpose()?,
                by: date(&c.delisted_by)?,
            }),
        });
    }
    Ok(h)
}

/// One source's state in the cache.
#[derive(Debug, Serialize, Deserialize)]
struct CachedSource {
    /// The source's first location.
    source: String,
    /// Index of the location that gave the list.
    location: usize,
    etag: Option<String>,
    last_modified: Option<String>,
    sha256: String,
    /// Milliseconds since the Unix epoch.
    verified_at_ms: Option<u64>,
}

pub(super) fn write_cache(
    path: &Path,
    sources: &[Source],
    states: &[SourceState],
    recorded: &History,
) -> Result<(), SnapshotError> {
    let mut lists = Vec::new();
    let mut records = Vec::new();
    for (source, st) in sources.iter().zip(states) {
        let Some(list) = &st.list else { continue };
        lists.push(List::clone(list));
        records.push(CachedSource {
            source: source.primary().to_string(),
            location: st.location,
            etag: st.validators.etag.clone(),
            last_modified: st.validators.last_modified.clone(),
            sha256: hex(&st.sha256),
            verified_at_ms: st.verified_at.map(|t| {
                t.duration_since(UNIX_EPOCH)
                    .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            }),
        });
    }
    let mut snap = Snapshot::new(lists);
    snap.attributes.insert(
        CACHE_ATTR.to_owned(),
        serde_json::to_string(&records).expect("plain data serializes"),
    );
    if !recorded.is_empty() {
        snap.attributes.insert(
            HISTORY_ATTR.to_owned(),
            serde_json::to_string(&cached_removals(recorded)).expect("plain data serializes"),
        );
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SnapshotError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    }
    snap.write_file(path)
}

/// The sources' states from a cache snapshot: a cached list is restored for
/// the configured source with the same first location; the rest is ignored.
pub(super) fn restore(sources: &[Source], snap: Snapshot) -> Vec<SourceState> {
    let mut states = vec![SourceState::default(); sources.len()];
    let records: Vec<CachedSource> = snap
        .attributes
        .get(CACHE_ATTR)
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    for (record, list) in records.into_iter().zip(snap.lists) {
        let Some(i) = sources
            .iter()
            .position(|s| s.primary().to_string() == record.source)
        else {
            continue;
        };
        let (Some(sha256), true) = (
            unhex32(&record.sha256),
            record.location < sources[i].locations().len(),
        ) else {
            continue;
        };
        states[i] = SourceState {
            list: Some(Arc::new(list)),
            location: record.location,
            validators: Validators {
                etag: record.etag,
                last_modified: record.last_modified,
            },
            sha256,
            verified_at: record
                .verified_at_ms
                .map(|ms| UNIX_EPOCH + Duration::from_millis(ms)),
        };
    }
    states
}
