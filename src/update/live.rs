//! [`LiveScreener`]: the current compiled lists behind an atomic swap,
//! refreshed from their sources.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fetch::{FetchConfig, Fetched, Fetcher, Validators};
use super::{
    Change, FetchStatus, Location, RefreshReport, Source, SourceReport, UpdateError, hex, unhex32,
};
use crate::address::AddressKind;
use crate::date::Date;
use crate::error::BuildError;
use crate::history::{Delisting, History, HistoryRecord};
use crate::list::{Category, Entry, List, LoadOptions};
use crate::screener::{CheckOptions, Screener, ScreenerBuilder, Verdict, Version};
use crate::snapshot::{Snapshot, SnapshotError};

/// Name of the cache file in [`LiveScreenerBuilder::cache_dir`].
pub const CACHE_FILE: &str = "walletscreen.snapshot";

/// Snapshot attribute holding the sources' state (JSON).
const CACHE_ATTR: &str = "walletscreen.update.sources";

/// Snapshot attribute holding the removals refreshes recorded (JSON; see
/// [`CachedRemoval`]). A cache written before it existed has none.
const HISTORY_ATTR: &str = "walletscreen.update.history";

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
            b.list(List::clone(l));
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

/// Configures a [`LiveScreener`]. Setters take `&mut self`; `build` takes
/// `&self`.
#[derive(Debug, Clone)]
pub struct LiveScreenerBuilder {
    sources: Option<Vec<Source>>,
    lists: Vec<List>,
    bundled: bool,
    max_shrink: f64,
    force: bool,
    max_age: Option<Duration>,
    strict: bool,
    fetch: FetchConfig,
    cache_dir: Option<PathBuf>,
    interval: Duration,
}

impl Default for LiveScreenerBuilder {
    fn default() -> Self {
        LiveScreenerBuilder {
            sources: None,
            lists: Vec::new(),
            bundled: true,
            max_shrink: 0.2,
            force: false,
            max_age: None,
            strict: false,
            fetch: FetchConfig::default(),
            cache_dir: None,
            interval: Duration::from_secs(3600),
        }
    }
}

impl LiveScreenerBuilder {
    /// Defaults: source [`Source::ofac_sdn`], bundled lists on, shrink
    /// guard 20 %, no maximum age, not strict, connect timeout 10 s, read
    /// timeout 30 s, overall timeout 300 s, body at most 256 MiB, at most 5
    /// redirects, system proxy settings honoured, no cache, refresh every
    /// hour.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a source. The first call replaces the default source (OFAC).
    pub fn source(&mut self, source: Source) -> &mut Self {
        self.sources.get_or_insert_with(Vec::new).push(source);
        self
    }

    /// No source at all (lists only from [`Self::list`], bundled and cache);
    /// later [`Self::source`] calls add to the empty set.
    pub fn no_sources(&mut self) -> &mut Self {
        self.sources = Some(Vec::new());
        self
    }

    /// Adds a base list, served beside the sources' lists unless a source
    /// gives a list with the same id. A base list with the id of a bundled
    /// list replaces that bundled list (e.g. an OFAC SDN publication loaded
    /// with [`List::from_path`], which is `ofac-sdn` by its content).
    pub fn list(&mut self, list: List) -> &mut Self {
        self.lists.push(list);
        self
    }

    /// Whether the bundled lists are base lists (default true).
    pub fn bundled(&mut self, yes: bool) -> &mut Self {
        self.bundled = yes;
        self
    }

    /// Largest fraction of its entries a list may lose in one refresh
    /// (default 0.2), clamped to `[0, 1]`.
    pub fn max_shrink(&mut self, fraction: f64) -> &mut Self {
        self.max_shrink = if fraction.is_nan() {
            0.2
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Accept empty and shrunken lists, and user lists where most entries
    /// are not addresses (see [`LoadOptions::allow_non_addresses`]); default
    /// false.
    pub fn force(&mut self, yes: bool) -> &mut Self {
        self.force = yes;
        self
    }

    /// Lists older than this (or never verified) give stale verdicts.
    pub fn max_age(&mut self, age: Duration) -> &mut Self {
        self.max_age = Some(age);
        self
    }

    /// Fail closed: a `Clear` from stale lists is a [`StaleError`]
    /// (default false). Only meaningful with [`Self::max_age`].
    pub fn strict(&mut self, yes: bool) -> &mut Self {
        self.strict = yes;
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(&mut self, t: Duration) -> &mut Self {
        self.fetch.connect_timeout = t;
        self
    }

    /// Longest wait for the response head or for any read of the body
    /// (default 30 s).
    pub fn read_timeout(&mut self, t: Duration) -> &mut Self {
        self.fetch.read_timeout = t;
        self
    }

    /// Longest time for a whole fetch, body included (default 300 s); a
    /// body still arriving then is abandoned (it may overrun by up to one
    /// read timeout).
    pub fn timeout(&mut self, t: Duration) -> &mut Self {
        self.fetch.timeout = t;
        self
    }

    /// Largest body accepted, in bytes (default 256 MiB).
    pub fn max_body(&mut self, bytes: u64) -> &mut Self {
        self.fetch.max_body = bytes;
        self
    }

    /// Most redirects followed per fetch (default 5).
    pub fn max_redirects(&mut self, n: usize) -> &mut Self {
        self.fetch.max_redirects = n;
        self
    }

    /// Whether plain `http://` URLs on other hosts than the loopback
    /// interface may be fetched (default false: such a source fails with
    /// [`UpdateError::InsecureHttp`], as does a redirect to one). A list
    /// fetched in clear can be altered on the way to hide an address; set
    /// this only for a mirror on a network you trust, ideally with an
    /// expected SHA-256 ([`Source::sha256`](crate::update::Source::sha256)).
    /// A redirect from `https` to `http` is refused even then.
    pub fn allow_insecure_http(&mut self, yes: bool) -> &mut Self {
        self.fetch.allow_insecure_http = yes;
        self
    }

    /// Whether to honour the system's proxy settings (`HTTPS_PROXY`, ...;
    /// default true).
    pub fn system_proxy(&mut self, yes: bool) -> &mut Self {
        self.fetch.system_proxy = yes;
        self
    }

    /// Directory of the last-good cache (created if missing).
    pub fn cache_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Interval of [`LiveScreener::spawn_refresher`] (default 1 h).
    pub fn refresh_interval(&mut self, every: Duration) -> &mut Self {
        self.interval = every;
        self
    }

    /// Loads the base lists and the cache (if configured and valid) and
    /// compiles them. Fetches nothing: call [`LiveScreener::refresh`].
    pub fn build(&self) -> Result<LiveScreener, BuildError> {
        let mut base: Vec<Arc<List>> = Vec::new();
        if self.bundled {
            // A base list with a bundled list's id replaces it, as in
            // `ScreenerBuilder::list`.
            let replaced = |b: &List| self.lists.iter().any(|l| l.meta().id == b.meta().id);
            base.extend(
                crate::bundled::lists()?
                    .into_iter()
                    .filter(|b| !replaced(b))
                    .map(Arc::new),
            );
        }
        base.extend(self.lists.iter().cloned().map(Arc::new));
        let base_history = if self.bundled {
            crate::bundled::history()?
        } else {
            History::new()
        };
        let mut recorded = History::new();
        let sources = self
            .sources
            .clone()
            .unwrap_or_else(|| vec![Source::ofac_sdn()]);
        let mut states = vec![SourceState::default(); sources.len()];

        let cache_path = self.cache_dir.as_ref().map(|d| d.join(CACHE_FILE));
        let mut cache_status = CacheStatus::Disabled;
        let mut serving = None;
        if let Some(path) = &cache_path {
            cache_status = match Snapshot::read_file(path) {
                Err(SnapshotError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    CacheStatus::Missing { path: path.clone() }
                }
                Err(e) => CacheStatus::Ignored {
                    path: path.clone(),
                    error: e.into(),
                },
                Ok(snap) => {
                    let created = snap.created;
                    let cached_history = restore_history(&snap);
                    let restored = restore(&sources, snap);
                    let count = restored.iter().filter(|s| s.list.is_some()).count();
                    let composed = cached_history.map_err(CacheError::History).and_then(|h| {
                        let all = joined(&base_history, &h);
                        Ok((compose(&base, &restored, &all)?, h))
                    });
                    match composed {
                        Ok((set, h)) => {
                            serving = Some(set);
                            states = restored;
                            recorded = h;
                            CacheStatus::Loaded {
                                path: path.clone(),
                                created,
                                lists: count,
                            }
                        }
                        Err(e) => CacheStatus::Ignored {
                            path: path.clone(),
                            error: e,
                        },
                    }
                }
            };
            if let CacheStatus::Ignored { path, error } = &cache_status {
                log::warn!(
                    "walletscreen: ignoring cache {}: {error}; serving the base lists",
                    path.display()
                );
            }
        }
        let serving = match serving {
            Some(s) => s,
            None => compose(&base, &states, &base_history)?,
        };
        let cache_in_sync = matches!(cache_status, CacheStatus::Loaded { .. });
        Ok(LiveScreener {
            inner: Arc::new(Shared {
                serving: ArcSwap::from_pointee(serving),
                max_age: self.max_age,
                strict: self.strict,
                sources,
                base,
                max_shrink: self.max_shrink,
                force: self.force,
                cache_path,
                interval: self.interval,
                fetcher: Fetcher::new(self.fetch.clone()),
                base_history,
                state: Mutex::new(State {
                    sources: states,
                    cache_in_sync,
                    recorded,
                }),
                status: Mutex::new(RefreshStatus::default()),
                cache_status,
            }),
        })
    }
}

/// What refreshing one source gave.
struct Outcome {
    report: SourceReport,
    /// Validators of the response, when it had a body.
    validators: Option<Validators>,
    /// A list that passed the guards and differs from the current one.
    new: Option<NewList>,
}

struct NewList {
    /// Index of the location that gave it.
    location: usize,
    list: Arc<List>,
    sha256: [u8; 32],
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

    /// Fetches every source, checks the guards, compiles and swaps in the
    /// new set when a list changed. All or nothing: on error nothing is
    /// swapped and the current set keeps serving; the error is also logged
    /// and kept in [`LiveScreener::status`]. Concurrent calls run one after
    /// the other.
    pub fn refresh(&self) -> Result<RefreshReport, UpdateError> {
        let result = self.refresh_inner();
        let now = SystemTime::now();
        let mut status = lock(&self.inner.status);
        status.attempts += 1;
        status.last_attempt = Some(now);
        match &result {
            Ok(report) => {
                status.last_success = Some(now);
                status.last_error = None;
                for s in &report.sources {
                    log::info!(
                        "walletscreen: {} {}: {:?}, sha256 {}, {} entries, +{} -{}",
                        s.list,
                        s.location,
                        s.status,
                        s.sha256,
                        s.entries,
                        s.added.len(),
                        s.removed.len()
                    );
                }
                if let Some(e) = &report.cache_error {
                    log::warn!("walletscreen: writing the cache failed: {e}");
                }
            }
            Err(e) => {
                status.failures += 1;
                status.last_error = Some(e.to_string());
                log::warn!(
                    "walletscreen: refresh failed, still serving {}: {e}",
                    self.version().sha256
                );
            }
        }
        result
    }

    fn refresh_inner(&self) -> Result<RefreshReport, UpdateError> {
        let shared = &*self.inner;
        let mut state = lock(&shared.state);
        let previous = shared.serving.load_full();
        let before = compose_lists(&shared.base, &state.sources);
        let mut next = state.sources.clone();
        let mut reports = Vec::with_capacity(shared.sources.len());
        let mut swapped = false;
        let mut recorded = state.recorded.clone();
        for (i, source) in shared.sources.iter().enumerate() {
            let outcome = self.refresh_source(source, &state.sources[i], &before)?;
            let st = &mut next[i];
            if let Some(new) = &outcome.new {
                let old = replaced(&before, state.sources[i].list.as_ref(), &new.list.meta().id);
                if let Some(old) = old {
                    record_removals(&mut recorded, old, &new.list, st.verified_at);
                }
            }
            st.verified_at = Some(SystemTime::now());
            if let Some(v) = outcome.validators {
                st.validators = v;
            }
            if let Some(new) = outcome.new {
                st.list = Some(new.list);
                st.location = new.location;
                st.sha256 = new.sha256;
                swapped = true;
            }
            reports.push(outcome.report);
        }
        let set = if swapped {
            compose(
                &shared.base,
                &next,
                &joined(&shared.base_history, &recorded),
            )?
        } else {
            ListSet::clone(&previous)
        };
        let set = ListSet {
            verified_at: Some(SystemTime::now()),
            ..set
        };
        let version = set.screener.version().clone();
        shared.serving.store(Arc::new(set));
        state.sources = next;
        state.recorded = recorded;

        let mut cache_written = None;
        let mut cache_error = None;
        if let Some(path) = &shared.cache_path
            && (swapped || !state.cache_in_sync)
        {
            match write_cache(path, &shared.sources, &state.sources, &state.recorded) {
                Ok(()) => {
                    state.cache_in_sync = true;
                    cache_written = Some(path.clone());
                }
                Err(e) => {
                    state.cache_in_sync = false;
                    cache_error = Some(e);
                }
            }
        }
        Ok(RefreshReport {
            sources: reports,
            previous: previous.screener.version().clone(),
            version,
            swapped,
            cache_written,
            cache_error,
        })
    }

    /// Tries the source's locations in order until one answers.
    fn refresh_source(
        &self,
        source: &Source,
        st: &SourceState,
        before: &[Arc<List>],
    ) -> Result<Outcome, UpdateError> {
        let mut failed: Vec<(Location, UpdateError)> = Vec::new();
        for (li, location) in source.locations().iter().enumerate() {
            match self.refresh_location(source, li, st, before) {
                Ok(mut outcome) => {
                    outcome.report.failed = failed;
                    return Ok(outcome);
                }
                Err(e) => failed.push((location.clone(), e)),
            }
        }
        if failed.len() == 1 {
            Err(failed.pop().expect("one error").1)
        } else {
            Err(UpdateError::AllFailed {
                source_name: source.primary().to_string(),
                errors: failed.into_iter().map(|(_, e)| e).collect(),
            })
        }
    }

    /// Fetches one location of a source: conditionally when the source's
    /// list came from it.
    fn refresh_location(
        &self,
        source: &Source,
        li: usize,
        st: &SourceState,
        before: &[Arc<List>],
    ) -> Result<Outcome, UpdateError> {
        let location = &source.locations()[li];
        let current = st.list.as_ref().filter(|_| st.location == li);
        let report = |status, list: &List, sha: &[u8; 32], bytes: u64| SourceReport {
            source: source.primary().clone(),
            location: location.clone(),
            status,
            list: list.meta().id.clone(),
            sha256: hex(sha),
            bytes,
            entries: list.entries().len(),
            added: Vec::new(),
            removed: Vec::new(),
            failed: Vec::new(),
            warnings: list.warnings().to_vec(),
        };
        let fetched = self
            .inner
            .fetcher
            .fetch(location, current.map(|_| &st.validators))?;
        let (bytes, validators) = match (fetched, current) {
            (Fetched::NotModified, Some(list)) => {
                return Ok(Outcome {
                    report: report(FetchStatus::NotModified, list, &st.sha256, 0),
                    validators: None,
                    new: None,
                });
            }
            (Fetched::NotModified, None) => {
                // Not reachable: a conditional GET is only sent with a
                // current list. Refuse rather than trust it.
                return Err(UpdateError::Status {
                    url: location.to_string(),
                    code: 304,
                });
            }
            (Fetched::Body { bytes, validators }, _) => (bytes, validators),
        };
        let sha: [u8; 32] = Sha256::digest(&bytes).into();
        // Checked before anything is parsed.
        if let Some(expected) = source.expected_sha256()
            && expected != sha
        {
            return Err(UpdateError::Sha256Mismatch {
                location: location.to_string(),
                expected: hex(&expected),
                actual: hex(&sha),
            });
        }
        if let Some(key) = source.minisign_key() {
            self.verify_signature(location, key, &bytes)?;
        }
        let n = bytes.len() as u64;
        if let Some(list) = current.filter(|_| st.sha256 == sha) {
            return Ok(Outcome {
                report: report(FetchStatus::Unchanged, list, &sha, n),
                validators: Some(validators),
                new: None,
            });
        }
        let previous = st.list.as_ref();
        let list = self.load_and_guard(location, source, &bytes, before, previous)?;
        let mut r = report(FetchStatus::Fetched, &list, &sha, n);
        let old = replaced(before, previous, &list.meta().id);
        let old: Vec<Entry> = old.map(|l| l.entries().collect()).unwrap_or_default();
        let new: Vec<Entry> = list.entries().collect();
        (r.added, r.removed) = diff(&old, &new);
        Ok(Outcome {
            report: r,
            validators: Some(validators),
            new: Some(NewList {
                location: li,
                list: Arc::new(list),
                sha256: sha,
            }),
        })
    }

    /// Fetches the detached minisign signature of `location` and checks it
    /// against `bytes` with `key` (base64, validated by
    /// [`Source::minisign`]).
    fn verify_signature(
        &self,
        location: &Location,
        key: &str,
        bytes: &[u8],
    ) -> Result<(), UpdateError> {
        let sig_location = location.signature();
        let refuse = |reason: String| UpdateError::Signature {
            location: location.to_string(),
            signature: sig_location.to_string(),
            reason,
        };
        let sig = match self.inner.fetcher.fetch(&sig_location, None) {
            Ok(Fetched::Body { bytes, .. }) => bytes,
            Ok(Fetched::NotModified) => return Err(refuse("not modified?".to_owned())),
            Err(e) => return Err(refuse(format!("not available ({e})"))),
        };
        let sig = std::str::from_utf8(&sig)
            .ok()
            .and_then(|s| minisign_verify::Signature::decode(s).ok())
            .ok_or_else(|| refuse("not a minisign signature".to_owned()))?;
        let key = minisign_verify::PublicKey::from_base64(key)
            .map_err(|e| refuse(format!("public key: {e}")))?;
        key.verify(bytes, &sig, false).map_err(|e| {
            refuse(match e {
                minisign_verify::Error::UnexpectedKeyId => "made with another key".to_owned(),
                minisign_verify::Error::UnexpectedAlgorithm => {
                    "legacy (not hashed) signature, not accepted".to_owned()
                }
                minisign_verify::Error::InvalidSignature => "does not verify".to_owned(),
                e => format!("{e}"),
            })
        })
    }

    /// Parses fetched bytes and applies the guards.
    fn load_and_guard(
        &self,
        location: &Location,
        source: &Source,
        bytes: &[u8],
        before: &[Arc<List>],
        previous: Option<&Arc<List>>,
    ) -> Result<List, UpdateError> {
        let shared = &*self.inner;
        let loc = || location.to_string();
        // Emptiness is this guard's to judge (`force` accepts it); with
        // `force`, a list mostly of non-addresses is accepted too.
        let options = LoadOptions::new()
            .allow_empty(true)
            .allow_non_addresses(shared.force);
        let list = List::from_bytes_with(bytes, source.meta().clone(), &options).map_err(|e| {
            UpdateError::Parse {
                location: loc(),
                source: e,
            }
        })?;
        log::info!("walletscreen: {}: {}", loc(), list.report());
        for w in list.warnings() {
            log::warn!("walletscreen: {}: {w}", loc());
        }
        if shared.force {
            return Ok(list);
        }
        let after = list.entries().len();
        if after == 0 {
            if let Some((format, list)) = list.ofac_origin() {
                return Err(UpdateError::NoAddresses {
                    location: loc(),
                    format,
                    list,
                });
            }
            return Err(UpdateError::Empty { location: loc() });
        }
        if let Some(old) = replaced(before, previous, &list.meta().id) {
            let before = old.entries().len();
            if before > after && (before - after) as f64 > shared.max_shrink * before as f64 {
                return Err(UpdateError::Shrink {
                    location: loc(),
                    id: list.meta().id.clone(),
                    before,
                    after,
                    max_shrink: shared.max_shrink,
                });
            }
        }
        Ok(list)
    }

    /// Starts a thread that calls [`LiveScreener::refresh`] every
    /// [`LiveScreenerBuilder::refresh_interval`] (the first time one
    /// interval from now) until the handle is stopped or dropped. Errors
    /// are logged and kept in [`LiveScreener::status`].
    pub fn spawn_refresher(&self) -> std::io::Result<RefresherHandle> {
        let (tx, rx) = mpsc::channel::<()>();
        let live = self.clone();
        let every = self.inner.interval;
        let thread = std::thread::Builder::new()
            .name("walletscreen-refresher".to_owned())
            .spawn(move || {
                // Ends on a stop message or when the handle is gone.
                while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    let _ = live.refresh();
                }
            })?;
        Ok(RefresherHandle {
            stop: Some(tx),
            thread: Some(thread),
        })
    }
}

/// Stops the background refresher when stopped or dropped: the wait for the
/// next refresh is interrupted at once; a refresh in progress finishes
/// first (bounded by the fetch timeouts).
#[derive(Debug)]
pub struct RefresherHandle {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RefresherHandle {
    /// Stops the refresher and waits for its thread to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Whether the thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RefresherHandle {
    fn drop(&mut self) {
        self.shutdown();
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

/// The list a new list with id `id` replaces: the serving list with that id,
/// else the source's previous list (whose id the new file may have changed).
fn replaced<'a>(
    before: &'a [Arc<List>],
    previous: Option<&'a Arc<List>>,
    id: &str,
) -> Option<&'a Arc<List>> {
    before.iter().find(|l| l.meta().id == id).or(previous)
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

/// Records in `history` every entry of `old` that `new` no longer has
/// (compared on the decoded address and the party: entity id, else
/// entity), delisted by today's refresh, after the day the old list was
/// last confirmed (`verified`, else its `as_of`).
fn record_removals(history: &mut History, old: &List, new: &List, verified: Option<SystemTime>) {
    let new_entries: Vec<Entry> = new.entries().collect();
    let old_entries: Vec<Entry> = old.entries().collect();
    let kept: HashSet<(DiffKey, Option<&str>)> = new_entries
        .iter()
        .map(|e| (diff_key(e), crate::history::party(e)))
        .collect();
    let today = Date::today_utc();
    let after = verified
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| Date::from_unix_seconds(d.as_secs()))
        .or_else(|| {
            old.meta()
                .as_of
                .as_deref()
                .and_then(|d| Date::parse(d).ok())
        })
        .filter(|a| *a <= today);
    let candidates: Vec<&Entry> = old_entries
        .iter()
        .filter(|e| !kept.contains(&(diff_key(e), crate::history::party(e))))
        .collect();
    if candidates.is_empty() {
        return;
    }
    // An old spelling that a new entry of the same party reaches through the
    // crate's keys is the same entry, not a removal: a look-alike character
    // the publisher corrected (indexed on the old, flagged side), another
    // encoding of the same address.
    let mut reached = vec![false; candidates.len()];
    let old_side = List::from_entries(
        crate::list::ListMeta::new("old", Category::Custom),
        candidates.iter().enumerate().map(|(i, e)| {
            let mut e = Entry::clone(e);
            e.line = i + 1;
            e
        }),
    );
    if let Ok(s) = ScreenerBuilder::new().list(old_side).build() {
        for n in &new_entries {
            let Some(hit) = s.check(&n.address).hit().cloned() else {
                continue;
            };
            for m in hit.matches() {
                let i = m.entry.line.saturating_sub(1);
                if candidates
                    .get(i)
                    .is_some_and(|c| crate::history::party(c) == crate::history::party(n))
                {
                    reached[i] = true;
                }
            }
        }
    }
    for (e, reached) in candidates.into_iter().zip(reached) {
        if reached {
            continue;
        }
        history.push(HistoryRecord {
            list: new.meta().id.clone(),
            category: old.meta().category,
            entry: e.clone(),
            listed_after: None,
            listed_by: None,
            delisted: Some(Delisting { after, by: today }),
        });
    }
}

/// A removal recorded by a refresh, as kept in the cache.
#[derive(Debug, Serialize, Deserialize)]
struct CachedRemoval {
    list: String,
    category: String,
    address: String,
    chain: Option<String>,
    tickers: Vec<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    programs: Vec<String>,
    listed: Option<String>,
    source: Option<String>,
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
                chain: e.chain.clone(),
                tickers: e.tickers.clone(),
                entity: e.entity.clone(),
                entity_id: e.entity_id.clone(),
                programs: e.programs.clone(),
                listed: e.listed.clone(),
                source: e.source.clone(),
                delisted_after: d.after.map(|a| a.to_string()),
                delisted_by: d.by.to_string(),
            })
        })
        .collect()
}

/// The removals recorded in a cache snapshot (none in a cache written
/// before they were kept); an attribute that does not read is an error.
fn restore_history(snap: &Snapshot) -> Result<History, String> {
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
        e.chain = c.chain;
        e.tickers = c.tickers;
        e.entity = c.entity;
        e.entity_id = c.entity_id;
        e.programs = c.programs;
        e.listed = c.listed;
        e.source = c.source;
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

/// How two spellings of one address compare: decoded kind and payload when
/// the address validates, normalized text otherwise.
#[derive(Debug, PartialEq, Eq, Hash)]
enum DiffKey {
    Decoded(AddressKind, Vec<u8>),
    Text(String),
}

fn diff_key(e: &Entry) -> DiffKey {
    match e.parsed() {
        Some(a) => DiffKey::Decoded(a.kind.clone(), a.payload.clone()),
        None => DiffKey::Text(
            crate::address::normalize(&e.address).unwrap_or_else(|_| e.address.trim().to_owned()),
        ),
    }
}

/// Addresses added and removed between two lists' entries, each in the
/// order of its list, once per address.
fn diff(old: &[Entry], new: &[Entry]) -> (Vec<Change>, Vec<Change>) {
    let old_keys: HashMap<DiffKey, &Entry> = old.iter().map(|e| (diff_key(e), e)).collect();
    let new_keys: HashMap<DiffKey, &Entry> = new.iter().map(|e| (diff_key(e), e)).collect();
    let changes = |from: &[Entry], other: &HashMap<DiffKey, &Entry>| {
        let mut seen = HashSet::new();
        from.iter()
            .filter_map(|e| {
                let k = diff_key(e);
                (!other.contains_key(&k) && seen.insert(k)).then(|| Change {
                    address: e.address.clone(),
                    entity: e.entity.clone(),
                })
            })
            .collect()
    };
    (changes(new, &old_keys), changes(old, &new_keys))
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

fn write_cache(
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
fn restore(sources: &[Source], snap: Snapshot) -> Vec<SourceState> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(addrs: &[&str]) -> Vec<Entry> {
        addrs
            .iter()
            .enumerate()
            .map(|(i, a)| Entry::new(*a, i + 1))
            .collect()
    }

    #[test]
    fn diff_compares_decoded_addresses() {
        let old = entries(&[
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "not an address",
        ]);
        let new = entries(&[
            "0x52908400098527886e0f7030069857d2e4169ee7", // same, other case
            "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm",
            "not an address",
            "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", // duplicate: once
        ]);
        let (added, removed) = diff(&old, &new);
        let addrs = |v: &[Change]| v.iter().map(|c| c.address.clone()).collect::<Vec<_>>();
        assert_eq!(addrs(&added), ["36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm"]);
        assert_eq!(addrs(&removed), ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]);
    }

    #[test]
    fn live_screener_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<LiveScreener>();
        assert_send_sync::<ListSet>();
    }
}
