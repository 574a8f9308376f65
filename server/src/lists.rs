//! The lists the service screens against: built from the configuration
//! (bundled lists, `--list` files, a `--compiled` file, or `--source`
//! live lists through the library's `LiveScreener`), the consistent view a
//! request answers from ([`Current`]), staleness, readiness and the
//! description `/v1/lists` and `/metrics` give.
//!
//! Semantics mirror the batch binary (`examples/screen/lists.rs`): the
//! bundled lists unless `--no-bundled`, every `--list` beside them (a list
//! with a bundled id replaces it), `--compiled` instead of both; `--source`
//! lists are fetched once before the service listens (a failure is logged
//! and the cache, bundled and `--list` lists serve) and then every
//! `--refresh-interval` on the library's refresher thread.

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use walletscreen::update::{CacheStatus, RefreshStatus, RefresherHandle};
use walletscreen::{History, List, ListInfo, LiveScreener, LoadError, Screener, Source};

use crate::answers::Prepared;
use crate::config::Config;

/// Where the served lists come from.
#[derive(Clone, Debug)]
enum Origin {
    /// Bundled and `--list` lists, or a compiled file: never refreshed.
    Static(Arc<StaticSet>),
    /// `--source` lists kept current by a `LiveScreener`, and the prepared
    /// answers of the set last seen (replaced on the first request after a
    /// swap).
    Live(LiveScreener, Arc<RwLock<Arc<Prepared>>>),
}

/// A set that never changes, prepared once.
#[derive(Debug)]
struct StaticSet {
    prepared: Arc<Prepared>,
    /// The oldest `as_of` among the lists (what the set's age counts from),
    /// as seconds since the Unix epoch, and that list's id.
    oldest: Option<(SystemTime, String)>,
}

impl StaticSet {
    fn new(screener: Screener) -> StaticSet {
        let now = SystemTime::now();
        // The list with the greatest age has the oldest as_of; its as_of
        // as a time is now minus that age.
        let oldest = screener
            .lists()
            .iter()
            .filter_map(|l| l.age_at(now).map(|a| (a, l.meta.id.clone())))
            .max_by_key(|(a, _)| *a)
            .map(|(a, id)| (now - a, id));
        StaticSet {
            prepared: Arc::new(Prepared::new(screener)),
            oldest,
        }
    }
}

/// The served lists. Cheap to clone (`Arc`s inside).
#[derive(Clone, Debug)]
pub struct Lists {
    origin: Origin,
    max_age: Option<Duration>,
    strict: bool,
}

/// The lists one request answers from: one compiled screener, loaded once,
/// so every verdict of a request (a whole batch) comes from the same set
/// even while a refresh swaps in another.
#[derive(Clone, Debug)]
pub struct Current {
    /// The compiled lists.
    pub screener: Screener,
    /// The parts of every answer this set shares, computed once per set.
    pub prepared: Arc<Prepared>,
    /// The set is older than `--max-age` (or, with sources, never verified).
    pub stale: bool,
    /// Age of the set, the one `--max-age` compares: since the sources
    /// last confirmed it (live lists), else since the oldest list's
    /// `as_of` ([`Current::age_list`]). `None`: unknown.
    pub age: Option<Duration>,
    /// Static lists: the list whose `as_of` gives [`Current::age`].
    pub age_list: Option<String>,
    /// Strict mode: a clear answer from a stale set is refused.
    pub strict: bool,
}

impl Current {
    /// Whether a clear answer must be refused (strict mode, stale lists).
    pub fn refuses_clear(&self) -> bool {
        self.strict && self.stale
    }
}

/// What `/v1/lists` answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListsReport {
    /// Version of the served set: newest `as_of` and SHA-256.
    #[schema(value_type = Object)]
    pub version: walletscreen::Version,
    /// Whether the set is stale.
    pub stale: bool,
    /// Age of the set in seconds, the one `--max-age` compares (so the one
    /// `stale` follows): with `--source` lists, since the sources last
    /// confirmed the set (`null` before they ever did); otherwise since the
    /// `as_of` of the set's oldest list, named by `age_list` (a set is as
    /// old as its oldest data: the bundled set's is the FBI's one-off
    /// advisory of 2025-02-26, so its age is far above the OFAC list's).
    /// Each list's own age is in `lists[].age_seconds`.
    pub age_seconds: Option<u64>,
    /// Static and compiled lists: the id of the list whose `as_of` gives
    /// `age_seconds`; `null` with `--source` lists (or no dated list).
    pub age_list: Option<String>,
    /// `--max-age` in seconds, if set.
    pub max_age_seconds: Option<u64>,
    /// Strict mode.
    pub strict: bool,
    /// `static` (bundled and `--list` lists), `compiled` or `live` (`--source`).
    pub mode: &'static str,
    /// The `--source` locations, in order (live mode).
    pub sources: Vec<String>,
    /// Refreshes so far (live mode).
    pub refresh: Option<RefreshReport>,
    /// Every list of the set.
    pub lists: Vec<ListReport>,
}

/// One list of [`ListsReport`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListReport {
    /// Id, name, category, as_of, source, license; entries, flagged,
    /// unmatchable; SHA-256 of the list's bytes (the library's `ListInfo`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub info: ListInfo,
    /// One of the lists shipped in this build, unchanged.
    pub bundled: bool,
    /// Seconds since the list's `as_of` date, if it has one.
    pub age_seconds: Option<u64>,
}

/// [`RefreshStatus`] as JSON (times in seconds since the Unix epoch).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefreshReport {
    /// Refreshes attempted (the one at start included).
    pub attempts: u64,
    /// Refreshes that failed.
    pub failures: u64,
    /// When the last refresh ended.
    pub last_attempt: Option<u64>,
    /// When the last successful refresh ended.
    pub last_success: Option<u64>,
    /// The last refresh's error, if it failed (the last good lists serve).
    pub last_error: Option<String>,
    /// `ok` or `failed`: the result of the last refresh (`none` before any).
    pub last_result: &'static str,
}

/// Seconds since the Unix epoch.
pub fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Lists {
    /// The lists of a screener that never refreshes (tests, embedding).
    pub fn fixed(screener: Screener) -> Lists {
        Lists {
            origin: Origin::Static(Arc::new(StaticSet::new(screener))),
            max_age: None,
            strict: false,
        }
    }

    /// Builds the lists the configuration asks for; with sources, fetches
    /// them once and starts the refresher (its handle stops it). Blocking:
    /// reads files and the network.
    pub fn build(config: &Config) -> Result<(Lists, Option<RefresherHandle>)> {
        let (origin, refresher) = if let Some(path) = &config.compiled {
            let screener = Screener::read_compiled_file(path)
                .with_context(|| format!("--compiled {}", path.display()))?;
            (
                Origin::Static(Arc::new(StaticSet::new(with_history(screener)?))),
                None,
            )
        } else if config.sources.is_empty() {
            let mut b = Screener::builder();
            b.bundled(!config.no_bundled);
            for path in &config.lists {
                b.list(load_list(path)?);
            }
            (
                Origin::Static(Arc::new(StaticSet::new(
                    b.build().context("building the screener")?,
                ))),
                None,
            )
        } else {
            let live = live(config)?;
            let handle = live
                .spawn_refresher()
                .context("starting the refresher thread")?;
            let prepared = Arc::new(Prepared::new(live.current().screener().clone()));
            (
                Origin::Live(live, Arc::new(RwLock::new(prepared))),
                Some(handle),
            )
        };
        let lists = Lists {
            origin,
            max_age: config.max_age,
            strict: config.strict,
        };
        Ok((lists, refresher))
    }

    /// A consistent view of the served lists.
    pub fn current(&self) -> Current {
        let (prepared, age, age_list, never_verified) = match &self.origin {
            Origin::Static(set) => {
                let age = set.oldest.as_ref().map(|(t, _)| {
                    SystemTime::now()
                        .duration_since(*t)
                        .unwrap_or(Duration::ZERO)
                });
                let list = set.oldest.as_ref().map(|(_, id)| id.clone());
                (Arc::clone(&set.prepared), age, list, false)
            }
            Origin::Live(live, cache) => {
                let set = live.current();
                let age = set.age();
                (
                    prepared_for(cache, set.screener()),
                    age,
                    None,
                    age.is_none(),
                )
            }
        };
        let stale = self
            .max_age
            .is_some_and(|max| never_verified || age.is_some_and(|a| a > max));
        Current {
            screener: prepared.screener().clone(),
            prepared,
            stale,
            age,
            age_list,
            strict: self.strict,
        }
    }

    /// The refresh status (live mode).
    pub fn refresh_status(&self) -> Option<RefreshStatus> {
        match &self.origin {
            Origin::Live(live, _) => Some(live.status()),
            Origin::Static(_) => None,
        }
    }

    /// Ready to answer: lists loaded (always, once built) and, in strict
    /// mode, not stale. `Err` says why not.
    pub fn ready(&self) -> Result<(), String> {
        let c = self.current();
        if c.refuses_clear() {
            return Err(match c.age {
                Some(a) => format!("the lists are stale ({} s old, strict mode)", a.as_secs()),
                None => "the lists were never verified (strict mode)".to_owned(),
            });
        }
        if c.screener.lists().is_empty() {
            return Err("no list loaded".to_owned());
        }
        Ok(())
    }

    /// What `/v1/lists` answers.
    pub fn report(&self, compiled: bool) -> ListsReport {
        let c = self.current();
        let now = SystemTime::now();
        let (mode, sources) = match &self.origin {
            Origin::Static(_) if compiled => ("compiled", Vec::new()),
            Origin::Static(_) => ("static", Vec::new()),
            Origin::Live(live, _) => (
                "live",
                live.sources()
                    .iter()
                    .map(|s| s.primary().to_string())
                    .collect(),
            ),
        };
        let refresh = self.refresh_status().map(|s| RefreshReport {
            attempts: s.attempts,
            failures: s.failures,
            last_attempt: s.last_attempt.map(unix),
            last_success: s.last_success.map(unix),
            last_result: match (&s.last_attempt, &s.last_error) {
                (None, _) => "none",
                (Some(_), Some(_)) => "failed",
                (Some(_), None) => "ok",
            },
            last_error: s.last_error,
        });
        ListsReport {
            version: walletscreen::Version::clone(c.screener.version()),
            stale: c.stale,
            age_seconds: c.age.map(|a| a.as_secs()),
            age_list: c.age_list.clone(),
            max_age_seconds: self.max_age.map(|a| a.as_secs()),
            strict: self.strict,
            mode,
            sources,
            refresh,
            lists: c
                .screener
                .lists()
                .iter()
                .map(|l| ListReport {
                    bundled: l.is_bundled(),
                    age_seconds: l.age_at(now).map(|a| a.as_secs()),
                    info: l.clone(),
                })
                .collect(),
        }
    }
}

/// The prepared answers of `screener`: the cached ones when they are for
/// it (the same compiled set: its version is the same `Arc`), else new ones,
/// cached for the next request.
fn prepared_for(cache: &RwLock<Arc<Prepared>>, screener: &Screener) -> Arc<Prepared> {
    let same = |p: &Prepared| Arc::ptr_eq(p.screener().version(), screener.version());
    // A poisoned lock (a panic while swapping) only loses the cache.
    if let Ok(p) = cache.read()
        && same(&p)
    {
        return Arc::clone(&p);
    }
    let fresh = Arc::new(Prepared::new(screener.clone()));
    if let Ok(mut p) = cache.write()
        && !same(&p)
    {
        *p = Arc::clone(&fresh);
    }
    fresh
}

/// The `LiveScreener` of the configuration, after its first refresh.
fn live(config: &Config) -> Result<LiveScreener> {
    let mut b = LiveScreener::builder();
    b.bundled(!config.no_bundled);
    for path in &config.lists {
        b.list(load_list(path)?);
    }
    for s in &config.sources {
        b.source(Source::parse(s));
    }
    b.allow_insecure_http(config.allow_insecure_http);
    b.refresh_interval(config.refresh_interval);
    if let Some(dir) = &config.cache_dir {
        b.cache_dir(dir);
    }
    if let Some(age) = config.max_age {
        b.max_age(age);
    }
    b.strict(config.strict);
    let live = b.build().context("building the live screener")?;
    if let CacheStatus::Ignored { path, error } = live.cache_status() {
        tracing::warn!(path = %path.display(), %error, "ignoring the cache");
    }
    match live.refresh() {
        Ok(report) => {
            for s in &report.sources {
                tracing::info!(
                    location = %s.location,
                    list = %s.list,
                    entries = s.entries,
                    added = s.added.len(),
                    removed = s.removed.len(),
                    "source fetched"
                );
            }
            if let Some(e) = &report.cache_error {
                tracing::warn!(error = %e, "writing the cache");
            }
        }
        // The last good lists (cache, else bundled and --list) serve; the
        // failure shows in /v1/lists, /metrics and (strict) /readyz.
        Err(e) => {
            tracing::warn!(error = %e, "the first refresh failed; serving the last good lists")
        }
    }
    Ok(live)
}

/// A screener read from a compiled file has no listing history: one that
/// holds `ofac-sdn` gets the bundled one, for `?as_of=` (as the batch
/// binary does for `--as-of`).
fn with_history(screener: Screener) -> Result<Screener> {
    if screener.history().is_some() || !screener.lists().iter().any(|l| l.meta.id == "ofac-sdn") {
        return Ok(screener);
    }
    let history = History::bundled().context("the bundled history")?;
    screener
        .with_history(history)
        .context("the bundled history")
}

/// Loads a `--list` file and logs its load report.
fn load_list(path: &Path) -> Result<List> {
    let shown = path.display();
    let list = List::from_path(path).map_err(|e| match e {
        LoadError::Io { .. } => anyhow!(e).context("--list"),
        _ => anyhow!(e).context(format!("--list {shown}")),
    })?;
    tracing::info!(list = %shown, report = %list.report(), "list loaded");
    Ok(list)
}
