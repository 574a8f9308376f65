//! Live lists: a [`LiveScreener`] that serves checks from the current
//! compiled lists while it refreshes them from their sources, with guards,
//! a last-good cache on disk and a staleness limit.
//!
//! ```no_run
//! use std::time::Duration;
//! use walletscreen::update::LiveScreener;
//!
//! let live = LiveScreener::builder()          // OFAC's Sanctions List Service by default
//!     .cache_dir("/var/cache/walletscreen")    // last good lists survive a restart
//!     .max_age(Duration::from_secs(48 * 3600)) // older than that: verdicts are stale
//!     .strict(true)                            // ... and a stale Clear is an error
//!     .refresh_interval(Duration::from_secs(3600))
//!     .build()?;
//! if let Err(e) = live.refresh() {
//!     eprintln!("refresh failed, still serving {:?}: {e}", live.version());
//! }
//! let _refresher = live.spawn_refresher()?; // stops when dropped
//! let v = live.check("0x098B716B8Aaf21512996dC57EB0615e2383E2f96")?;
//! assert!(v.verdict.is_hit() && !v.stale);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design
//!
//! * **Sources.** A [`Source`] is a list's default metadata plus one or more
//!   [`Location`]s (an `http(s)` URL or a local path) tried in order until
//!   one succeeds. The default source, [`Source::ofac_sdn`], is OFAC's
//!   Sanctions List Service, `SDN_ADVANCED.XML` with `SDN.XML` as fallback
//!   (the same list in two formats). Fetched bytes go through
//!   [`List::from_bytes`](crate::List::from_bytes), which detects the
//!   format; an OFAC publication is identified by its content, not its name
//!   or URL (an SDN publication is `ofac-sdn` at any URL, so it replaces the
//!   bundled list, and the shrink guard and the diff compare it with that
//!   one; OFAC's consolidated non-SDN list is `ofac-cons`).
//! * **Fetching** (cargo feature `update`, `reqwest` blocking with rustls):
//!   at most [`LiveScreenerBuilder::max_redirects`] redirects (OFAC answers
//!   with a redirect to a short-lived signed URL; a redirect back to a URL
//!   already visited is a [`UpdateError::RedirectLoop`]), a connect timeout,
//!   a read timeout (no byte for that long), an overall timeout checked
//!   while the body streams in, a maximum body size enforced while reading
//!   (a `Content-Length` over it is refused before reading), and
//!   conditional GET: the `ETag` / `Last-Modified` of the response that gave
//!   a source's current list are sent back as `If-None-Match` /
//!   `If-Modified-Since`, so an unchanged list costs one small request. The
//!   URLs in errors and reports are the configured ones, never the signed
//!   URL redirected to. Without the feature, path sources work and URL
//!   sources fail with [`UpdateError::HttpDisabled`]: the payment-path
//!   build has no HTTP stack.
//! * **Integrity.** A plain `http://` URL is fetched only on the loopback
//!   interface (`localhost`, `127.0.0.0/8`, `::1`) unless
//!   [`LiveScreenerBuilder::allow_insecure_http`]; a redirect to such a URL
//!   likewise, and a redirect from `https` to `http` never
//!   ([`UpdateError::InsecureHttp`]). [`Source::sha256`] pins the digest of
//!   the bytes a source must serve, and [`Source::minisign`] requires a
//!   detached minisign (Ed25519) signature of them (`FILE.minisig` beside
//!   the file), both checked before parsing
//!   ([`UpdateError::Sha256Mismatch`], [`UpdateError::Signature`]).
//! * **Guards**, before anything is swapped in: the body is parsed
//!   completely, in whatever format [`List::from_bytes`](crate::List::from_bytes) detects (OFAC's
//!   XML and CSV files included; malformed or truncated XML, an HTML error
//!   page or a file of the wrong kind is a [`LoadError`] and is refused);
//!   a list with no entry is refused
//!   ([`UpdateError::Empty`]; [`UpdateError::NoAddresses`] for an OFAC file
//!   that has no digital-currency address at all), and so is one with more than
//!   [`LiveScreenerBuilder::max_shrink`] (default 20 %) fewer entries than
//!   the list with the same id it replaces ([`UpdateError::Shrink`]),
//!   unless [`LiveScreenerBuilder::force`] is set. The SHA-256 of the bytes
//!   fetched is recorded; a body identical to the current one is
//!   [`FetchStatus::Unchanged`] and compiles nothing. The
//!   [`RefreshReport`] lists the addresses added and removed per list (with
//!   their entity): delistings happen.
//! * **Serving.** The current [`ListSet`] (compiled [`Screener`] plus its
//!   lists) sits behind an [`arc_swap::ArcSwap`]: a check loads it without
//!   locking and answers from that one set, so it never blocks and never
//!   sees a half-built list. A refresh fetches and compiles off to the side
//!   (refreshes are serialized by a mutex that checks never take) and swaps
//!   the new set in. A refresh is all or nothing: on any failure nothing is
//!   swapped, the old set keeps serving, and the error is returned, logged
//!   (`log` crate, warn level) and kept in [`LiveScreener::status`].
//! * **Base lists.** The bundled lists (unless
//!   [`LiveScreenerBuilder::bundled`]`(false)`) and any
//!   [`LiveScreenerBuilder::list`] serve beside the sources' lists; a
//!   fetched list replaces the base list with the same id (a fetched
//!   `ofac-sdn` replaces the bundled one, and the shrink guard compares it
//!   with the bundled one on the first fetch; a list whose id changed is
//!   compared with the source's previous list).
//! * **Cache.** With [`LiveScreenerBuilder::cache_dir`], every refresh that
//!   changes a list writes a [`Snapshot`](crate::snapshot::Snapshot) of the
//!   sources' lists, their HTTP validators and verification times to
//!   `DIR/`[`CACHE_FILE`] (atomically). At build, a valid cache is loaded so
//!   that a restart without network serves the last good lists, not only
//!   the bundled ones; a corrupt, truncated or unreadable cache is ignored
//!   with a warning ([`LiveScreener::cache_status`]). Cached lists whose
//!   source is no longer configured are ignored.
//! * **Listing history.** A refresh that replaces a list records every
//!   entry (address, party) the new list no longer has in the listing
//!   history ([`crate::history`]), delisted by the refresh date, after the
//!   day the old list was last confirmed (or its `as_of`); the served
//!   screener answers [`Screener::check_at`](crate::Screener::check_at)
//!   with it (and with the bundled history when the bundled lists are in).
//!   The recorded removals are kept in the cache snapshot as the attribute
//!   `walletscreen.update.history` (JSON), so the snapshot format is
//!   unchanged; a cache written before has none, and one whose attribute
//!   does not read is ignored like a corrupt cache
//!   (`CacheError::History`).
//! * **Staleness.** A set is *verified* when every source answered (200,
//!   304 or the same bytes) in one successful refresh; a cache restores the
//!   time of its last verification. With [`LiveScreenerBuilder::max_age`],
//!   a set older than that, or never verified (bundled lists only), gives
//!   verdicts with [`LiveVerdict::stale`] set; in
//!   [`LiveScreenerBuilder::strict`] mode a stale [`Verdict::Clear`] is a
//!   [`StaleError`] instead (fail closed). A stale hit is still reported as
//!   a hit, and an invalid input is still invalid: neither can wrongly let
//!   a payment through.
//! * **Blocking.** [`LiveScreener::refresh`] blocks while it fetches
//!   (`reqwest::blocking`): call it from a plain thread, the background
//!   refresher, or an async runtime's blocking pool (e.g. tokio's
//!   `spawn_blocking`), never from inside an async task. Checks never
//!   block.
//! * **Background refresh.** [`LiveScreener::spawn_refresher`] refreshes
//!   every [`LiveScreenerBuilder::refresh_interval`] on its own thread until
//!   its [`RefresherHandle`] is stopped or dropped; it waits on a channel,
//!   so stopping interrupts the wait at once (a refresh in progress runs to
//!   its end, bounded by the timeouts).
//!
//! [`Screener`]: crate::Screener
//! [`Verdict::Clear`]: crate::Verdict::Clear

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{BuildError, LoadError};
use crate::list::{Category, ListMeta};
use crate::screener::Version;

mod fetch;
pub mod integrity;
mod live;

pub use integrity::IntegrityError;

pub use live::{
    CACHE_FILE, CacheError, CacheStatus, ListSet, LiveScreener, LiveScreenerBuilder, LiveVerdict,
    RefreshStatus, RefresherHandle, StaleError,
};

/// OFAC's Sanctions List Service: the SDN list in the advanced XML format
/// (the URL is [`OfacFormat::url`](crate::list::ofac::OfacFormat::url)'s).
pub const OFAC_SDN_ADVANCED_URL: &str = crate::list::ofac::OfacFormat::AdvancedXml.url();

/// OFAC's Sanctions List Service: the SDN list in the legacy XML format
/// (the URL is [`OfacFormat::url`](crate::list::ofac::OfacFormat::url)'s).
pub const OFAC_SDN_XML_URL: &str = crate::list::ofac::OfacFormat::SdnXml.url();

/// Where a list is fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// An `http://` or `https://` URL (needs the `update` feature).
    Url(String),
    /// A local file.
    Path(PathBuf),
}

impl Location {
    /// A URL when `s` starts with `http://` or `https://` (any case), a path
    /// otherwise (a leading `file://` is removed).
    pub fn parse(s: &str) -> Location {
        let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Location::Url(s.to_owned())
        } else if lower.starts_with("file://") {
            Location::Path(PathBuf::from(&s[7..]))
        } else {
            Location::Path(PathBuf::from(s))
        }
    }

    /// The last segment of the URL path or the file name, without query or
    /// extension (`SDN_ADVANCED` for OFAC's URL).
    pub fn stem(&self) -> Option<String> {
        let name = match self {
            Location::Url(u) => {
                let path = u.split(['?', '#']).next().unwrap_or(u);
                let path = path.split_once("://").map_or(path, |(_, rest)| rest);
                let (_, path) = path.split_once('/')?;
                path.rsplit('/').next()?.to_owned()
            }
            Location::Path(p) => p.file_name()?.to_string_lossy().into_owned(),
        };
        let stem = name.split_once('.').map_or(name.as_str(), |(s, _)| s);
        (!stem.is_empty()).then(|| stem.to_owned())
    }
}

impl Location {
    /// Where the detached minisign signature of this location is: the same
    /// URL or path with `.minisig` appended to the file name (before a
    /// URL's query or fragment).
    pub fn signature(&self) -> Location {
        match self {
            Location::Url(u) => {
                let at = u.find(['?', '#']).unwrap_or(u.len());
                Location::Url(format!("{}.minisig{}", &u[..at], &u[at..]))
            }
            Location::Path(p) => {
                let mut s = p.clone().into_os_string();
                s.push(".minisig");
                Location::Path(PathBuf::from(s))
            }
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Url(u) => f.write_str(u),
            Location::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A list to keep up to date: default metadata and where to fetch it.
///
/// The metadata applies where the fetched file does not set its own (a
/// walletscreen CSV's `# id:` line wins). Locations are tried in order
/// until one succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    meta: ListMeta,
    locations: Vec<Location>,
    sha256: Option<[u8; 32]>,
    /// The minisign public key, base64 (validated when set).
    minisign: Option<String>,
}

/// File names OFAC publishes the SDN list under, in upper case.
const OFAC_SDN_FILES: &[&str] = &["SDN_ADVANCED.XML", "SDN.XML", "SDN_ENHANCED.XML", "SDN.CSV"];

impl Source {
    /// A source at one location.
    pub fn new(location: Location, meta: ListMeta) -> Source {
        Source {
            meta,
            locations: vec![location],
            sha256: None,
            minisign: None,
        }
    }

    /// A source at one URL.
    pub fn url(url: impl Into<String>, meta: ListMeta) -> Source {
        Source::new(Location::Url(url.into()), meta)
    }

    /// A source in one local file.
    pub fn path(path: impl Into<PathBuf>, meta: ListMeta) -> Source {
        Source::new(Location::Path(path.into()), meta)
    }

    /// A source from a command-line style string (URL or path, see
    /// [`Location::parse`]) with default metadata from its name: OFAC's SDN
    /// file names (`SDN_ADVANCED.XML`, `SDN.XML`, `SDN_ENHANCED.XML`,
    /// `SDN.CSV`) give id `ofac-sdn`, category sanctioned; anything else
    /// gives the file stem as id, category custom. These are defaults only:
    /// what is fetched sets its own id where it has one, and an OFAC
    /// publication is identified by its content (an SDN publication saved
    /// as `mirror/2025-11-19.xml` is `ofac-sdn` all the same, and replaces
    /// the bundled list; see [`crate::List::from_bytes`]).
    pub fn parse(s: &str) -> Source {
        let location = Location::parse(s);
        let file = match &location {
            Location::Url(u) => u.split(['?', '#']).next().unwrap_or(u).rsplit('/').next(),
            Location::Path(p) => p.file_name().and_then(|n| n.to_str()),
        };
        let is_ofac =
            file.is_some_and(|f| OFAC_SDN_FILES.contains(&f.to_ascii_uppercase().as_str()));
        let meta = if is_ofac {
            ofac_meta()
        } else {
            let id = location.stem().unwrap_or_else(|| "list".to_owned());
            ListMeta::new(id, Category::Custom)
        };
        Source::new(location, meta)
    }

    /// OFAC's SDN list from the Sanctions List Service: `SDN_ADVANCED.XML`,
    /// falling back to `SDN.XML`; id `ofac-sdn`, category sanctioned (so it
    /// replaces the bundled `ofac-sdn`).
    pub fn ofac_sdn() -> Source {
        Source::url(OFAC_SDN_ADVANCED_URL, ofac_meta())
            .fallback(Location::Url(OFAC_SDN_XML_URL.into()))
    }

    /// Adds a location to try when the earlier ones fail.
    pub fn fallback(mut self, location: Location) -> Source {
        self.locations.push(location);
        self
    }

    /// Pins the SHA-256 of the bytes this source must serve: fetched bytes
    /// with another digest are refused before they are parsed
    /// ([`UpdateError::Sha256Mismatch`]) and the last good list keeps
    /// serving. For an internal mirror whose digest is published out of
    /// band: a source whose content changes needs the new digest with it.
    ///
    /// ```
    /// use walletscreen::update::Source;
    /// let s = Source::parse("https://mirror.example/sdn_advanced.xml").sha256(
    ///     "36c517bd264d8d97eff353eadd8d84427d5eb293505a8ce07271a5bc258c3117",
    /// )?;
    /// assert!(s.expected_sha256().is_some());
    /// assert!(Source::parse("x.csv").sha256("not hex").is_err());
    /// # Ok::<(), walletscreen::update::UpdateError>(())
    /// ```
    pub fn sha256(mut self, hex: &str) -> Result<Source, UpdateError> {
        let digest = unhex32(&hex.to_ascii_lowercase()).ok_or_else(|| UpdateError::BadSha256 {
            value: hex.to_owned(),
        })?;
        self.sha256 = Some(digest);
        Ok(self)
    }

    /// Requires a detached [minisign](https://jedisct1.github.io/minisign/)
    /// (Ed25519) signature by `public_key` (its base64 line, or the whole
    /// `minisign.pub` file) of the bytes this source serves: the signature
    /// is fetched from the same location with `.minisig` appended to its
    /// file name (before any query), and checked before the bytes are
    /// parsed. A missing or bad signature is refused
    /// ([`UpdateError::Signature`]) and the last good list keeps serving.
    /// Only signatures of a hash of the file (minisign's default) are
    /// accepted, not the legacy mode.
    ///
    /// ```
    /// use walletscreen::update::Source;
    /// let s = Source::parse("https://mirror.example/sdn_advanced.xml")
    ///     .minisign("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3")?;
    /// assert!(s.minisign_key().is_some());
    /// assert!(Source::parse("x.csv").minisign("not a key").is_err());
    /// # Ok::<(), walletscreen::update::UpdateError>(())
    /// ```
    pub fn minisign(mut self, public_key: &str) -> Result<Source, UpdateError> {
        let line = integrity::minisign_key_line(public_key).map_err(|e| match e {
            IntegrityError::BadPublicKey { reason } => UpdateError::BadPublicKey { reason },
            e => UpdateError::BadPublicKey {
                reason: e.to_string(),
            },
        })?;
        self.minisign = Some(line.to_owned());
        Ok(self)
    }

    /// The minisign public key (base64) required of this source's bytes,
    /// if any ([`Source::minisign`]).
    pub fn minisign_key(&self) -> Option<&str> {
        self.minisign.as_deref()
    }

    /// The pinned SHA-256, if any ([`Source::sha256`]).
    pub fn expected_sha256(&self) -> Option<[u8; 32]> {
        self.sha256
    }

    /// The default metadata.
    pub fn meta(&self) -> &ListMeta {
        &self.meta
    }

    /// The locations, in the order they are tried.
    pub fn locations(&self) -> &[Location] {
        &self.locations
    }

    /// The first location, which names the source (in the cache and in
    /// errors).
    pub fn primary(&self) -> &Location {
        &self.locations[0]
    }
}

fn ofac_meta() -> ListMeta {
    let mut meta = ListMeta::new("ofac-sdn", Category::Sanctioned);
    meta.name = Some("OFAC SDN list".to_owned());
    meta.source = Some(OFAC_SDN_ADVANCED_URL.to_owned());
    meta
}

/// Why a refresh (or fetching one source) failed. Nothing is swapped in when
/// a refresh fails: the lists in use keep serving.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The HTTP request failed (DNS, connect, TLS, protocol).
    #[cfg(feature = "update")]
    #[error("fetching {url}: {}", with_causes(source))]
    Http {
        /// The configured URL.
        url: String,
        /// reqwest's error.
        #[source]
        source: reqwest::Error,
    },
    /// A URL source, in a build without the `update` cargo feature.
    #[error("fetching {url}: this build has no HTTP support (cargo feature `update`)")]
    HttpDisabled {
        /// The URL.
        url: String,
    },
    /// The final response's status was neither 2xx nor an expected 304.
    #[error("fetching {url}: HTTP status {code}")]
    Status {
        /// The configured URL.
        url: String,
        /// The status code.
        code: u16,
    },
    /// More redirects than allowed.
    #[error("fetching {url}: more than {limit} redirects")]
    TooManyRedirects {
        /// The configured URL.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// A redirect to a URL already visited in the same chain.
    #[error("fetching {url}: redirect loop")]
    RedirectLoop {
        /// The configured URL.
        url: String,
    },
    /// Connecting, waiting for the response or reading the body took too
    /// long (connect, read or overall timeout).
    #[error("fetching {location}: timed out after {after:?}")]
    Timeout {
        /// The URL.
        location: String,
        /// Time since the request started.
        after: Duration,
    },
    /// The body is larger than the maximum (announced by `Content-Length`
    /// or counted while reading).
    #[error("fetching {location}: body larger than the {limit}-byte maximum")]
    TooLarge {
        /// The URL or path.
        location: String,
        /// The maximum.
        limit: u64,
    },
    /// The body ended before its announced `Content-Length`.
    #[error("fetching {location}: body truncated after {received} of {expected} bytes")]
    Truncated {
        /// The URL.
        location: String,
        /// Bytes received.
        received: u64,
        /// Bytes announced.
        expected: u64,
    },
    /// Reading the body or the file failed.
    #[error("reading {location}: {source}")]
    Io {
        /// The URL or path.
        location: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a valid list.
    #[error("parsing {location}: {source}")]
    Parse {
        /// The URL or path.
        location: String,
        /// The load error (with its line).
        #[source]
        source: LoadError,
    },
    /// A plain `http://` URL on another host than the loopback interface
    /// (or a redirect to one), without
    /// [`LiveScreenerBuilder::allow_insecure_http`]; or a redirect from
    /// `https` to `http`, always.
    #[error(
        "fetching {url}: {target} is plain HTTP{}; refused (an altered list can hide an address)",
        if *downgrade { ", a downgrade from HTTPS" } else { " on a non-loopback host (allow_insecure_http to accept)" }
    )]
    InsecureHttp {
        /// The configured URL.
        url: String,
        /// The plain-HTTP URL refused (the configured one or a redirect's).
        target: String,
        /// Whether it was a redirect from `https`.
        downgrade: bool,
    },
    /// The fetched bytes do not have the source's pinned SHA-256
    /// ([`Source::sha256`]); nothing was parsed.
    #[error("{location}: SHA-256 {actual} is not the expected {expected}; refused")]
    Sha256Mismatch {
        /// The URL or path.
        location: String,
        /// The pinned digest, hex.
        expected: String,
        /// The digest of the bytes fetched, hex.
        actual: String,
    },
    /// A source requires a minisign signature ([`Source::minisign`]) and
    /// it is missing, unreadable, by another key, or does not verify;
    /// nothing was parsed.
    #[error("{location}: signature {signature}: {reason}; refused")]
    Signature {
        /// The URL or path of the list.
        location: String,
        /// Where the signature was looked for.
        signature: String,
        /// What went wrong.
        reason: String,
    },
    /// [`Source::minisign`] was given no minisign public key.
    #[error("not a minisign public key: {reason}")]
    BadPublicKey {
        /// Why.
        reason: String,
    },
    /// [`Source::sha256`] was given something that is not 64 hex digits.
    #[error("{value:?} is not a SHA-256 (64 hex digits)")]
    BadSha256 {
        /// What was given.
        value: String,
    },
    /// The list has no entry.
    #[error("{location}: the list is empty; refused (set `force` to accept)")]
    Empty {
        /// The URL or path.
        location: String,
    },
    /// An OFAC publication without a single digital-currency address (e.g.
    /// OFAC's consolidated non-SDN list of 2020, or another OFAC file than
    /// the one meant): refused as an empty list is.
    #[error(
        "{location}: this OFAC file ({format}, {}) has no digital-currency addresses; refused (set `force` to accept)",
        list.name()
    )]
    NoAddresses {
        /// The URL or path.
        location: String,
        /// The file's format.
        format: crate::list::ofac::OfacFormat,
        /// Which of OFAC's lists it is.
        list: crate::list::ofac::OfacList,
    },
    /// The list shrank by more than the allowed fraction.
    #[error(
        "{location}: list {id:?} would shrink from {before} to {after} entries, more than the {:.0} % allowed; refused (set `force` to accept)",
        max_shrink * 100.0
    )]
    Shrink {
        /// The URL or path.
        location: String,
        /// The list id.
        id: String,
        /// Entries in the list it would replace.
        before: usize,
        /// Entries in the new list.
        after: usize,
        /// The allowed fraction.
        max_shrink: f64,
    },
    /// Every location of a source with several failed; one error each, in
    /// order.
    #[error(
        "every location of source {source_name} failed: {}",
        join_errors(errors)
    )]
    AllFailed {
        /// The source's first location.
        source_name: String,
        /// The errors, one per location.
        errors: Vec<UpdateError>,
    },
    /// The new lists do not compile (e.g. two sources give one list id).
    #[error("compiling the new lists: {0}")]
    Build(#[from] BuildError),
}

/// An error and its causes, `: `-separated (reqwest's own message leaves
/// out why a connection failed).
#[cfg(feature = "update")]
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let msg = c.to_string();
        if !s.contains(&msg) {
            s.push_str(": ");
            s.push_str(&msg);
        }
        cur = c.source();
    }
    s
}

fn join_errors(errors: &[UpdateError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a refresh did with one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchStatus {
    /// New bytes were fetched, parsed and passed the guards.
    Fetched,
    /// The server answered 304 Not Modified to a conditional GET.
    NotModified,
    /// The bytes fetched are identical (same SHA-256) to those of the list
    /// in use.
    Unchanged,
}

/// An address added to or removed from a list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The address as listed.
    pub address: String,
    /// The listed entity, if the list names one.
    pub entity: Option<String>,
}

/// What a refresh did with one source.
#[derive(Debug)]
pub struct SourceReport {
    /// The source's first location (its name).
    pub source: Location,
    /// The location that answered.
    pub location: Location,
    /// Fetched, not modified, or unchanged.
    pub status: FetchStatus,
    /// Id of the source's list.
    pub list: String,
    /// Hex SHA-256 of the bytes of the source's list (fetched now, or
    /// earlier when not modified).
    pub sha256: String,
    /// Bytes downloaded or read by this refresh (0 for a 304).
    pub bytes: u64,
    /// Entries in the source's list.
    pub entries: usize,
    /// Addresses in the new list and not in the one it replaces.
    pub added: Vec<Change>,
    /// Addresses in the replaced list and not in the new one (delistings).
    pub removed: Vec<Change>,
    /// Earlier locations that failed before `location` answered.
    pub failed: Vec<(Location, UpdateError)>,
    /// What the parser noticed without refusing the list (e.g. a ticker
    /// never seen before, "Digital Currency Address - NEW": the address is
    /// kept). Also logged at warn level when the list is fetched.
    pub warnings: Vec<crate::list::ofac::OfacWarning>,
}

/// What a successful refresh did.
#[derive(Debug)]
pub struct RefreshReport {
    /// One report per source, in order.
    pub sources: Vec<SourceReport>,
    /// Version of the set served before.
    pub previous: Arc<Version>,
    /// Version of the set served now.
    pub version: Arc<Version>,
    /// Whether a newly compiled set was swapped in (false when nothing
    /// changed: only the verification time moved).
    pub swapped: bool,
    /// The cache file written, if any.
    pub cache_written: Option<PathBuf>,
    /// Writing the cache failed (the refresh itself succeeded and the new
    /// lists serve).
    pub cache_error: Option<crate::snapshot::SnapshotError>,
}

impl RefreshReport {
    /// Total addresses added over all sources.
    pub fn added(&self) -> usize {
        self.sources.iter().map(|s| s.added.len()).sum()
    }

    /// Total addresses removed over all sources.
    pub fn removed(&self) -> usize {
        self.sources.iter().map(|s| s.removed.len()).sum()
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(2 * bytes.len()), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Parses 64 hex digits.
pub(crate) fn unhex32(s: &str) -> Option<[u8; 32]> {
    // Hex digits only: `from_str_radix` would take a sign ("+f").
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}
