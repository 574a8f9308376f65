//! [`LiveScreenerBuilder`]: the configuration of a [`LiveScreener`], and
//! its build (base lists, the cache if valid, the first compiled set).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;

use super::cache::{CACHE_FILE, CacheError, CacheStatus, restore, restore_history};
use super::{LiveScreener, RefreshStatus, Shared, SourceState, State, compose, joined};
use crate::error::BuildError;
use crate::history::History;
use crate::list::List;
use crate::snapshot::{Snapshot, SnapshotError};
use crate::update::Source;
use crate::update::fetch::{FetchConfig, Fetcher};

/// Configures a [`LiveScreener`]. Setters take `&mut self`; `build` takes
/// `&self`.
#[derive(Debug, Clone)]
pub struct LiveScreenerBuilder {
    sources: Option<Vec<Source>>,
    lists: Vec<Arc<List>>,
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
    ///
    /// Takes a [`List`] or an `Arc<List>`; either way the list is shared
    /// (by `Arc`) with the screener and every refresh, never copied.
    pub fn list(&mut self, list: impl Into<Arc<List>>) -> &mut Self {
        self.lists.push(list.into());
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
    /// are not addresses (see
    /// [`LoadOptions::allow_non_addresses`](crate::list::LoadOptions::allow_non_addresses));
    /// default false.
    pub fn force(&mut self, yes: bool) -> &mut Self {
        self.force = yes;
        self
    }

    /// Lists older than this (or never verified) give stale verdicts.
    pub fn max_age(&mut self, age: Duration) -> &mut Self {
        self.max_age = Some(age);
        self
    }

    /// Fail closed: a `Clear` from stale lists is a [`StaleError`](super::StaleError)
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
    /// [`UpdateError::InsecureHttp`](crate::update::UpdateError::InsecureHttp),
    /// as does a redirect to one). A list fetched in clear can be altered
    /// on the way to hide an address; set this only for a mirror on a
    /// network you trust, ideally with an expected SHA-256
    /// ([`Source::sha256`](crate::update::Source::sha256)).
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
        base.extend(self.lists.iter().map(Arc::clone));
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
