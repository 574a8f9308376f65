//! [`LiveScreener`]: the current compiled lists behind an atomic swap,
//! refreshed from their sources.
//!
//! One concern per file:
//!
//! * this file: the served [`ListSet`], the verdict and status types, the
//!   state a [`LiveScreener`] shares between its clones, its queries
//!   (`check`, `current`, `is_stale`, ...) and the composition of the lists
//!   to serve;
//! * `builder.rs`: [`LiveScreenerBuilder`] (configuration, base lists,
//!   loading the cache at build);
//! * `refresh.rs`: one refresh (fetch each source, verify, parse, guard,
//!   compile and swap);
//! * `diff.rs`: the addresses added and removed between two lists, and the
//!   removals recorded in the listing history;
//! * `cache.rs`: the last-good cache on disk ([`CACHE_FILE`], a snapshot
//!   with the sources' state and the recorded removals);
//! * `refresher.rs`: the background thread ([`RefresherHandle`]).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use serde::Serialize;

use super::Source;
use super::fetch::{Fetcher, Validators};
use crate::error::BuildError;
use crate::history::History;
use crate::list::List;
use crate::screener::{CheckOptions, Screener, ScreenerBuilder, Verdict, Version};

mod builder;
mod cache;
mod diff;
mod refresh;
mod refresher;

pub use builder::LiveScreenerBuilder;
pub use cache::{CACHE_FILE, CacheError, CacheStatus};
pub use refresher::RefresherHandle;

/// Compiled lists and the lists they were compiled from. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ListSet {
    screener: Screener,
    lists: Vec<Arc<List>>,
    verified_at: Option<SystemTime>,
}

impl ListSet {
    /// Compiles `lists` (with default screener options); verified now.
    pub fn new(lists: Vec<List>) -> Result<ListSet, BuildError> {
        ListSet::compile(
            lists.into_iter().map(Arc::new).collect(),
            Some(SystemTime::now()),
        )
    }

    fn compile(
        lists: Vec<Arc<List>>,
        verified_at: Option<SystemTime>,
    ) -> Result<ListSet, BuildError> {
        ListSet::compile_with(lists, verified_at, &History::new())
    }

    /// Compiles `lists` with `history` for
    /// [`Screener::check_at`](crate::Screener::check_at).
    fn compile_with(
        lists: Vec<Arc<List>>,
        verified_at: Option<SystemTime>,
        history: &History,
    ) -> Result<ListSet, BuildError> {
        let mut b = ScreenerBuilder::new();
        for l in &lists {
            b.list(Arc::clone(l));
        }
        b.history(history.clone());
        Ok(ListSet {
            screener: b.build()?,
            lists,
            verified_at,
        })
    }

    /// The compiled screener.
    pub fn screener(&self) -> &Screener {
        &self.screener
    }

    /// The lists, in the order compiled.
    pub fn lists(&self) -> &[Arc<List>] {
        &self.lists
    }

    /// Version of the set.
    pub fn version(&self) -> &Arc<Version> {
        self.screener.version()
    }

    /// When every source was last confirmed current (`None`: never, e.g.
    /// bundled lists only).
    pub fn verified_at(&self) -> Option<SystemTime> {
        self.verified_at
    }

    /// Time since [`ListSet::verified_at`] (`None` when never verified; zero
    /// if the clock went backwards).
    pub fn age(&self) -> Option<Duration> {
        self.age_at(SystemTime::now())
    }

    fn age_at(&self, now: SystemTime) -> Option<Duration> {
        self.verified_at
            .map(|t| now.duration_since(t).unwrap_or(Duration::ZERO))
    }
}

/// A verdict from a [`LiveScreener`], with the version of the list set that
/// gave it and whether that set was stale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// The list set that answered (the same set for every field here).
    pub version: Arc<Version>,
    /// The set was older than the maximum age (or never verified) when the
    /// check ran.
    pub stale: bool,
}

/// Strict mode refused to answer `Clear` from stale lists.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "lists are stale ({}, maximum {max_age:?}): strict mode refuses a clear verdict",
    match age { Some(a) => format!("last verified {a:?} ago"), None => "never verified".to_owned() }
)]
pub struct StaleError {
    /// Time since the lists were last verified (`None`: never).
    pub age: Option<Duration>,
    /// The maximum age.
    pub max_age: Duration,
    /// The set that would have answered.
    pub version: Arc<Version>,
}

/// The outcome of refreshes so far.
#[derive(Debug, Clone, Default)]
pub struct RefreshStatus {
    /// Refreshes attempted.
    pub attempts: u64,
    /// Refreshes that failed.
    pub failures: u64,
    /// When the last refresh ended.
    pub last_attempt: Option<SystemTime>,
    /// When the last successful refresh ended.
    pub last_success: Option<SystemTime>,
    /// The last refresh's error, if it failed.
    pub last_error: Option<String>,
}

/// What is known of one source.
#[derive(Debug, Clone, Default)]
struct SourceState {
    /// The last good list (`None`: never fetched; a base list may serve).
    list: Option<Arc<List>>,
    /// Index of the location that gave it.
    location: usize,
    validators: Validators,
    /// SHA-256 of the bytes it was loaded from.
    sha256: [u8; 32],
    /// When the source last confirmed it.
    verified_at: Option<SystemTime>,
}

#[derive(Debug)]
struct State {
    sources: Vec<SourceState>,
    /// The cache file holds the current source lists.
    cache_in_sync: bool,
    /// Entries that refreshes found removed, with the refresh date (kept
    /// in the cache).
    recorded: History,
}

struct Shared {
    serving: ArcSwap<ListSet>,
    max_age: Option<Duration>,
    strict: bool,
    sources: Vec<Source>,
    base: Vec<Arc<List>>,
    /// The bundled listing history (when the bundled lists are in).
    base_history: History,
    max_shrink: f64,
    force: bool,
    cache_path: Option<PathBuf>,
    interval: Duration,
    fetcher: Fetcher,
    /// Taken by refreshes only (never by checks): serializes them.
    state: Mutex<State>,
    status: Mutex<RefreshStatus>,
    cache_status: CacheStatus,
}

/// Screens against lists that are kept up to date: the current [`ListSet`]
/// behind an atomic swap. `Send + Sync`; cloning is an `Arc` bump, clones
/// share everything. See [the module docs](crate::update) for the design.
#[derive(Clone)]
pub struct LiveScreener {
    inner: Arc<Shared>,
}

impl std::fmt::Debug for LiveScreener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveScreener")
            .field("sources", &self.inner.sources)
            .field("version", &self.version())
            .field("max_age", &self.inner.max_age)
            .field("strict", &self.inner.strict)
            .finish()
    }
}

impl LiveScreener {
    /// A builder.
    pub fn builder() -> LiveScreenerBuilder {
        LiveScreenerBuilder::new()
    }

    /// Screens one string against the current set. Never blocks; never
    /// fails unless strict mode refuses a `Clear` from stale lists.
    pub fn check(&self, input: &str) -> Result<LiveVerdict, StaleError> {
        self.check_with(input, CheckOptions::default())
    }

    /// [`LiveScreener::check`] with options.
    pub fn check_with(&self, input: &str, opts: CheckOptions) -> Result<LiveVerdict, StaleError> {
        let set = self.inner.serving.load();
        let verdict = set.screener.check_with(input, opts);
        let (stale, age) = match self.inner.max_age {
            None => (false, None),
            Some(max) => match set.age_at(SystemTime::now()) {
                Some(age) => (age > max, Some(age)),
                None => (true, None),
            },
        };
        if stale && self.inner.strict && matches!(verdict, Verdict::Clear { .. }) {
            return Err(StaleError {
                age,
                max_age: self.inner.max_age.unwrap_or_default(),
                version: set.screener.version().clone(),
            });
        }
        Ok(LiveVerdict {
            verdict,
            version: set.screener.version().clone(),
            stale,
        })
    }

    /// The current set (a consistent view for a batch of checks).
    pub fn current(&self) -> ListSet {
        ListSet::clone(&self.inner.serving.load())
    }

    /// The current compiled screener.
    pub fn screener(&self) -> Screener {
        self.inner.serving.load().screener.clone()
    }

    /// Version of the current set.
    pub fn version(&self) -> Arc<Version> {
        self.inner.serving.load().screener.version().clone()
    }

    /// Whether the current set is stale (always false without a maximum
    /// age).
    pub fn is_stale(&self) -> bool {
        let set = self.inner.serving.load();
        self.inner
            .max_age
            .is_some_and(|max| set.age().is_none_or(|age| age > max))
    }

    /// Installs `set` as it is and returns the set it replaces. Checks
    /// switch atomically. The next refresh that fetches a new list rebuilds
    /// from the sources' lists and replaces this set; one that finds nothing
    /// new keeps it.
    pub fn replace(&self, set: ListSet) -> ListSet {
        Arc::unwrap_or_clone(self.inner.serving.swap(Arc::new(set)))
    }

    /// What became of the cache at build.
    pub fn cache_status(&self) -> &CacheStatus {
        &self.inner.cache_status
    }

    /// The outcome of refreshes so far.
    pub fn status(&self) -> RefreshStatus {
        lock(&self.inner.status).clone()
    }

    /// The sources, in order.
    pub fn sources(&self) -> &[Source] {
        &self.inner.sources
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The lists to serve: base lists whose id no source list has, then the
/// sources' lists.
fn compose_lists(base: &[Arc<List>], states: &[SourceState]) -> Vec<Arc<List>> {
    let source_lists: Vec<&Arc<List>> = states.iter().filter_map(|s| s.list.as_ref()).collect();
    let ids: HashSet<&str> = source_lists.iter().map(|l| l.meta().id.as_str()).collect();
    base.iter()
        .filter(|l| !ids.contains(l.meta().id.as_str()))
        .chain(source_lists)
        .cloned()
        .collect()
}

/// Compiles the lists to serve, with `history`; verified when every source
/// is, as of the oldest verification.
fn compose(
    base: &[Arc<List>],
    states: &[SourceState],
    history: &History,
) -> Result<ListSet, BuildError> {
    let verified_at = states
        .iter()
        .map(|s| s.verified_at)
        .try_fold(None::<SystemTime>, |acc, t| {
            let t = t?;
            Some(Some(acc.map_or(t, |a| a.min(t))))
        })
        .flatten();
    ListSet::compile_with(compose_lists(base, states), verified_at, history)
}

/// The bundled history, then what refreshes recorded.
fn joined(base: &History, recorded: &History) -> History {
    let mut all = base.clone();
    all.extend(recorded.clone());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_screener_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<LiveScreener>();
        assert_send_sync::<ListSet>();
    }
}
