//! Builder → immutable compiled [`Screener`] (optional bloom filter in front
//! of an exact key set) → [`Screener::check`].

use std::path::Path;
use std::sync::Arc;

use serde::{Serialize, Serializer, ser::SerializeMap};
use sha2::{Digest, Sha256};

use crate::address::{
    self, AddressKind, Checksum, Family, Keyed, Network, Scratch, base58check, cashaddr,
};
use crate::date::Date;
use crate::error::{BuildError, ParseError};
use crate::history::{self, History};
use crate::index::{self, EntryRec, Form, Image, Index, IndexBuilder};
use crate::list::{Category, Entry, EntryRef, List, ListMeta, Provenance, Store};
use crate::wire::{Decoder, Encoder, WireError, WireFile};

mod at;

pub(crate) use at::HistoryIndex;
pub use at::{DatedMatch, HitAt, VerdictAt};

/// Whether the compiled screener puts a bloom filter in front of its exact
/// key set.
///
/// Every bloom positive is confirmed against the exact set, so the filter
/// never changes an answer, only the cost of a miss. Measured (see
/// `BENCHMARKS.md`) on the bundled lists and on synthetic lists of 1 M, 4 M
/// and 10 M entries, the filter does not pay: a miss in the exact table
/// reads one 64-byte group, about what the filter's scattered bit probes
/// touch, and the filter's own hashing (SipHash in the `bloomfilter` crate)
/// comes on top; at 10 M entries it changes a clear by −39 to +5 ns and
/// adds 140–340 ns to a hit. So
/// [`BloomMode::Auto`] builds none ([`AUTO_BLOOM_MIN_KEYS`] is `usize::MAX`);
/// [`BloomMode::On`] remains for callers who want the filter anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BloomMode {
    /// The measured choice: no bloom filter at any size (see above).
    #[default]
    Auto,
    /// Always build and consult the bloom filter.
    On,
    /// Never.
    Off,
}

/// Key count from which [`BloomMode::Auto`] builds a bloom filter: never
/// (it was 4,000,000 until the 10 M-entry measurements of issue 5).
pub const AUTO_BLOOM_MIN_KEYS: usize = usize::MAX;

/// Seed of the bloom filter's hashes (fixed, for reproducible builds).
const BLOOM_SEED: [u8; 32] = *b"walletscreen bloom filter seed!!";

/// Per-call options of [`Screener::check_with`]: made with
/// [`CheckOptions::new`] and its setters (new options can be added without
/// breaking callers).
///
/// # Examples
///
/// ```
/// use walletscreen::{CheckOptions, Screener, Verdict};
/// let s = Screener::bundled()?;
/// let verify = CheckOptions::new().verify_checksum(true);
/// // The shape of an address, with a wrong checksum: clear by shape,
/// // invalid once verified.
/// let typo = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb";
/// assert!(matches!(s.check(typo), Verdict::Clear { .. }));
/// assert!(matches!(s.check_with(typo, verify), Verdict::Invalid { .. }));
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Verify checksums (base58check, bech32, CashAddr, Monero, EIP-55 for
    /// mixed-case EVM): a mistyped unlisted address becomes
    /// [`Verdict::Invalid`] rather than [`Verdict::Clear`], and a hit reports
    /// [`Checksum::Valid`] or [`Checksum::Invalid`] for the spelling it was
    /// given. Costs a full decode (~0.3–1 µs). Off by default: the default
    /// check looks at shape only and answers in nanoseconds. Never turns a
    /// hit away: a listed address is a hit however it is spelled.
    pub verify_checksum: bool,
}

impl CheckOptions {
    /// The defaults: shape only, no checksum verification.
    pub const fn new() -> CheckOptions {
        CheckOptions {
            verify_checksum: false,
        }
    }

    /// Sets [`CheckOptions::verify_checksum`](struct@CheckOptions#structfield.verify_checksum).
    pub const fn verify_checksum(mut self, yes: bool) -> CheckOptions {
        self.verify_checksum = yes;
        self
    }
}

/// What kind of answer a [`Verdict`] is, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// [`Verdict::Hit`]: listed.
    Hit,
    /// [`Verdict::Clear`]: well-formed and not listed.
    Clear,
    /// [`Verdict::Invalid`]: not listed and no valid address.
    Invalid,
}

impl VerdictKind {
    /// `"hit"`, `"clear"` or `"invalid"`, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Hit => "hit",
            VerdictKind::Clear => "clear",
            VerdictKind::Invalid => "invalid",
        }
    }
}

impl std::fmt::Display for VerdictKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a query reached a listed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Via {
    /// The listed address itself (up to case where the format ignores case,
    /// whitespace, invisible characters and URI wrapping). A listed
    /// X-address or ICAP is keyed as the account it carries, so its classic
    /// or EVM spelling reaches it this way too.
    Listed,
    /// The legacy base58 spelling of a listed CashAddr (same hash160).
    LegacyOfCashaddr,
    /// The CashAddr spelling of a listed legacy base58 address (same hash160).
    CashaddrOfLegacy,
    /// The `41…` hex spelling of a listed TRON `T…` address.
    TronHexOfBase58,
    /// The `T…` spelling of a listed TRON hex address.
    TronBase58OfHex,
    /// The one valid address that a listed entry, which fails validation
    /// because of a look-alike character (`l` or `I` for `1`, `O` or `0`
    /// for `o`), becomes when that character is replaced. The entry stays
    /// flagged; the match says it was reached this way.
    CorrectedSpelling,
    /// The Zcash TEX spelling (ZIP-320, `tex1…`) of a listed `t1…`
    /// address (same P2PKH hash).
    TexOfTransparent,
    /// The `t1…` spelling of a listed Zcash TEX address.
    TransparentOfTex,
    /// The BitPay spelling (`C…`, `H…`) of a listed legacy `1…`/`3…`
    /// address (same hash160).
    BitpayOfLegacy,
    /// The BitPay spelling of a listed CashAddr.
    BitpayOfCashaddr,
    /// The legacy `1…`/`3…` spelling of a listed BitPay address.
    LegacyOfBitpay,
    /// The CashAddr spelling of a listed BitPay address.
    CashaddrOfBitpay,
    /// The Litecoin `M…` spelling (version 0x32) of a listed `3…` P2SH
    /// address (version 0x05, which Litecoin used before `M…`): the same
    /// script hash.
    LitecoinOfLegacy,
    /// The `3…` spelling of a listed Litecoin `M…` address.
    LegacyOfLitecoin,
    /// An XRP X-address (any destination tag, either network) of a listed
    /// classic address: mapped when the query is keyed, never stored
    /// (see [`Hit::destination_tag`]).
    XAddressOfClassic,
    /// An Ethereum ICAP (`XE…`) of a listed EVM address: mapped when the
    /// query is keyed, never stored.
    IcapOfEvm,
}

impl Via {
    /// The codes stored in a compiled image, in order: the query-time
    /// mappings ([`Via::XAddressOfClassic`], [`Via::IcapOfEvm`]) are not
    /// stored.
    const ALL: [Via; 14] = [
        Via::Listed,
        Via::LegacyOfCashaddr,
        Via::CashaddrOfLegacy,
        Via::TronHexOfBase58,
        Via::TronBase58OfHex,
        Via::CorrectedSpelling,
        Via::TexOfTransparent,
        Via::TransparentOfTex,
        Via::BitpayOfLegacy,
        Via::BitpayOfCashaddr,
        Via::LegacyOfBitpay,
        Via::CashaddrOfBitpay,
        Via::LitecoinOfLegacy,
        Via::LegacyOfLitecoin,
    ];

    fn from_code(code: u8) -> Option<Via> {
        Via::ALL.get(usize::from(code)).copied()
    }

    /// The snake_case name used in serialized output.
    pub fn name(self) -> &'static str {
        match self {
            Via::Listed => "listed",
            Via::LegacyOfCashaddr => "legacy_of_cashaddr",
            Via::CashaddrOfLegacy => "cashaddr_of_legacy",
            Via::TronHexOfBase58 => "tron_hex_of_base58",
            Via::TronBase58OfHex => "tron_base58_of_hex",
            Via::CorrectedSpelling => "corrected_spelling",
            Via::TexOfTransparent => "tex_of_transparent",
            Via::TransparentOfTex => "transparent_of_tex",
            Via::BitpayOfLegacy => "bitpay_of_legacy",
            Via::BitpayOfCashaddr => "bitpay_of_cashaddr",
            Via::LegacyOfBitpay => "legacy_of_bitpay",
            Via::CashaddrOfBitpay => "cashaddr_of_bitpay",
            Via::LitecoinOfLegacy => "litecoin_of_legacy",
            Via::LegacyOfLitecoin => "legacy_of_litecoin",
            Via::XAddressOfClassic => "x_address_of_classic",
            Via::IcapOfEvm => "icap_of_evm",
        }
    }
}

/// One listed entry that a query matched, with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Id of the list (e.g. `ofac-sdn`).
    pub list: Arc<str>,
    /// What the list asserts.
    pub category: Category,
    /// How the query reached the entry.
    pub via: Via,
    /// The entry: address as listed, chain, tickers, entity, programs,
    /// listing date, source URL, line, validation issue.
    pub entry: Arc<Entry>,
}

impl Serialize for Match {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(13))?;
        self.serialize_fields(&mut m)?;
        m.end()
    }
}

impl Match {
    /// The serialized fields, into a map being written (for
    /// [`crate::DatedMatch`], which adds its dates).
    pub(crate) fn serialize_fields<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let e = &self.entry;
        m.serialize_entry("list", &*self.list)?;
        m.serialize_entry("category", &self.category)?;
        m.serialize_entry("address", &e.address)?;
        m.serialize_entry("via", &self.via)?;
        m.serialize_entry("chain", &e.chain)?;
        m.serialize_entry("tickers", &e.tickers)?;
        m.serialize_entry("entity", &e.entity)?;
        m.serialize_entry("entity_id", &e.entity_id)?;
        m.serialize_entry("programs", &e.programs)?;
        m.serialize_entry("listed", &e.listed)?;
        m.serialize_entry("source", &e.source)?;
        m.serialize_entry("line", &e.line)?;
        m.serialize_entry("issue", &e.issue)?;
        Ok(())
    }
}

/// Version of the list set that answered: newest `as_of` date and a SHA-256
/// over every list's id and content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    /// Newest `as_of` date among the lists (`YYYY-MM-DD`), if any has one.
    pub date: Option<String>,
    /// Hex SHA-256 of the list set (order-independent).
    pub sha256: String,
}

/// A positive answer.
///
/// A hit holds a reference to the compiled screener that answered (one
/// `Arc` increment, no allocation): its matches and version are that
/// screener's, precomputed when it was compiled, so a hit stays valid and
/// unchanged after the screener is replaced or dropped.
#[derive(Clone)]
pub struct Hit {
    /// Family of the query's spelling.
    pub family: Family,
    /// Checksum status of the query's spelling: verified (EIP-55 included)
    /// when [`CheckOptions::verify_checksum`] is set, else
    /// [`Checksum::NotChecked`]. A wrong checksum never turns a hit away.
    pub checksum: Checksum,
    /// The destination tag of an XRP X-address query ([`Family::XAddress`]
    /// with a tag); `None` for every other spelling. The listed account is
    /// a hit whatever the tag: the tag says which of its customers (at an
    /// exchange) the payment was for.
    pub destination_tag: Option<u32>,
    inner: Arc<Inner>,
    key: u32,
}

impl Hit {
    /// Every listed entry the query matched, in list order. Materialized
    /// from the compiled index on each call (the entry's address is
    /// validated again, as when it was loaded): keep the result rather than
    /// calling this in a loop.
    pub fn matches(&self) -> Vec<Match> {
        let mut m = self.inner.matches(self.key);
        // A spelling mapped when the query was keyed reached the listed
        // spelling's key: say how.
        let mapped = match self.family {
            Family::XAddress => Some(Via::XAddressOfClassic),
            Family::Icap => Some(Via::IcapOfEvm),
            _ => None,
        };
        if let Some(via) = mapped {
            for x in m.iter_mut().filter(|x| x.via == Via::Listed) {
                x.via = via;
            }
        }
        m
    }

    /// The list set that answered.
    pub fn version(&self) -> &Arc<Version> {
        &self.inner.version
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Hit) -> bool {
        self.family == other.family
            && self.checksum == other.checksum
            && self.destination_tag == other.destination_tag
            && self.matches() == other.matches()
            && self.version() == other.version()
    }
}

impl std::fmt::Debug for Hit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hit")
            .field("family", &self.family)
            .field("checksum", &self.checksum)
            .field("destination_tag", &self.destination_tag)
            .field("matches", &self.matches())
            .field("version", self.version())
            .finish()
    }
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tag = self.destination_tag;
        let mut m = s.serialize_map(Some(4 + usize::from(tag.is_some())))?;
        m.serialize_entry("family", &self.family)?;
        m.serialize_entry("checksum", &self.checksum)?;
        if let Some(tag) = tag {
            m.serialize_entry("destination_tag", &tag)?;
        }
        m.serialize_entry("matches", &self.matches())?;
        m.serialize_entry("version", &**self.version())?;
        m.end()
    }
}

/// The answer to one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Well-formed and not listed.
    Clear {
        /// The family recognized.
        family: Family,
        /// [`Checksum::NotChecked`] unless verification was asked for.
        checksum: Checksum,
        /// The network the address is meant for, when checksums were
        /// verified (the full decode says it; `None` on the default fast
        /// path, which looks at shape only). A testnet or regtest address
        /// is a valid address, so it is `Clear`, never `Invalid`; no
        /// bundled list holds one, and a testnet spelling of a listed
        /// mainnet hash is not a hit (README, spelling policy).
        #[serde(skip_serializing_if = "Option::is_none")]
        network: Option<Network>,
    },
    /// Listed. A match always wins over invalidity: a listed string is a hit
    /// even when it is no valid address.
    Hit(Hit),
    /// Not listed and no known address format (or, with
    /// [`CheckOptions::verify_checksum`], a bad checksum).
    Invalid {
        /// Why.
        reason: ParseError,
    },
}

/// Table size from which [`Screener::check_many`] keys strings in batches
/// and reads their groups ahead: about this machine's L2 (below it the
/// reads are cache hits and batching is pure cost, `BENCHMARKS.md`).
const WARM_TABLE_BYTES: usize = 1 << 20;

/// What [`Screener::check_at_raw`] found: [`Raw`] with the dated
/// matches of a hit.
enum AtRaw {
    Clear(Family, Checksum),
    Hit(Family, Checksum, Vec<DatedMatch>),
    Invalid,
}

/// What a check found, in 8 bytes (one register): the out-of-line part
/// of [`Screener::check_with`] answers this, and the inlined part builds
/// the [`Verdict`].
#[derive(Debug, Clone, Copy)]
enum Raw {
    /// Well-formed, not listed (the network when it was decoded).
    Clear(Family, Checksum, Option<Network>),
    /// Listed: the key's record offset.
    Hit(u32, Family, Checksum),
    /// Not listed, and invalid: the reason is recomputed.
    Invalid,
}

impl Verdict {
    /// True for [`Verdict::Hit`].
    pub fn is_hit(&self) -> bool {
        matches!(self, Verdict::Hit(_))
    }

    /// The hit, if any.
    pub fn hit(&self) -> Option<&Hit> {
        match self {
            Verdict::Hit(h) => Some(h),
            _ => None,
        }
    }

    /// Which kind of answer this is.
    pub fn kind(&self) -> VerdictKind {
        match self {
            Verdict::Clear { .. } => VerdictKind::Clear,
            Verdict::Hit(_) => VerdictKind::Hit,
            Verdict::Invalid { .. } => VerdictKind::Invalid,
        }
    }
}

/// A list as compiled into a screener.
#[derive(Debug, Clone, Serialize)]
pub struct ListInfo {
    /// The list's metadata.
    #[serde(flatten)]
    pub meta: ListMeta,
    /// Entries (flagged ones included).
    pub entries: usize,
    /// Entries whose address did not validate (kept, matched exactly).
    pub flagged: usize,
    /// Entries that can match nothing (empty or over-long address).
    pub unmatchable: usize,
    /// Hex SHA-256 of the list's bytes.
    pub sha256: String,
}

impl ListInfo {
    /// How old the list is at `now`: the time since its `as_of` date
    /// (00:00 UTC), zero for a date in the future, `None` when the list has
    /// no `as_of` (or one that is no `YYYY-MM-DD` date).
    ///
    /// A bundled list cannot be current: it is as old as the data it was
    /// made from (see [`ListInfo::is_bundled`]). Alert on it, or fetch the
    /// current list ([`crate::LiveScreener`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let s = walletscreen::Screener::bundled()?;
    /// let ofac = s.lists().iter().find(|l| l.meta.id == "ofac-sdn").unwrap();
    /// // 2026-12-04T12:00Z is 65.5 days after the bundled list's 2026-09-30.
    /// let now = UNIX_EPOCH + Duration::from_secs(1_796_385_600);
    /// assert_eq!(ofac.age_at(now).unwrap().as_secs() / 86_400, 65);
    /// assert!(ofac.is_bundled());
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn age_at(&self, now: std::time::SystemTime) -> Option<std::time::Duration> {
        let as_of = date_to_unix(self.meta.as_of.as_deref()?)?;
        let now = match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        };
        Some(std::time::Duration::from_secs(
            now.saturating_sub(as_of).max(0) as u64,
        ))
    }

    /// [`ListInfo::age_at`] the system clock's now.
    pub fn age(&self) -> Option<std::time::Duration> {
        self.age_at(std::time::SystemTime::now())
    }

    /// Whether this is one of the lists shipped in this build of the crate
    /// ([`crate::bundled`]), unchanged: same id and same bytes (SHA-256).
    /// A fetched or user-supplied list with a bundled id is not.
    pub fn is_bundled(&self) -> bool {
        static BUNDLED: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| {
                crate::bundled::lists()
                    .map(|ls| {
                        ls.iter()
                            .map(|l| (l.meta().id.clone(), hex(&l.sha256())))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .iter()
            .any(|(id, sha)| *id == self.meta.id && *sha == self.sha256)
    }
}

/// Seconds since the Unix epoch of `YYYY-MM-DD` at 00:00 UTC (proleptic
/// Gregorian), `None` if it is no such date.
fn date_to_unix(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = date.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[(m - 1) as usize] {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// Compiles lists into a [`Screener`]. Reusable: `build` takes `&self`.
///
/// ```
/// use walletscreen::{List, ListMeta, Category, ScreenerBuilder};
/// let internal = List::from_bytes(
///     b"# internal blocklist\n0x52908400098527886E0F7030069857D2E4169EE7\n",
///     ListMeta::new("internal", Category::Custom),
/// ).unwrap();
/// let screener = ScreenerBuilder::new().bundled(true).list(internal).build().unwrap();
/// assert!(screener.check("0x52908400098527886e0f7030069857d2e4169ee7").is_hit());
/// ```
#[derive(Debug, Clone)]
pub struct ScreenerBuilder {
    lists: Vec<List>,
    bundled: bool,
    bloom: BloomMode,
    fp_rate: f64,
    history: History,
}

impl Default for ScreenerBuilder {
    fn default() -> Self {
        ScreenerBuilder {
            lists: Vec::new(),
            bundled: false,
            bloom: BloomMode::Auto,
            fp_rate: 0.01,
            history: History::new(),
        }
    }
}

impl ScreenerBuilder {
    /// An empty builder (no lists, not even the bundled ones).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a loaded list. A list with the id of a bundled list replaces
    /// that bundled list (e.g. an OFAC SDN publication, which loads as
    /// `ofac-sdn` whatever its file name, replaces the bundled snapshot);
    /// two added lists with one id are refused at [`ScreenerBuilder::build`].
    pub fn list(&mut self, list: List) -> &mut Self {
        self.lists.push(list);
        self
    }

    /// Whether to include the lists shipped in the crate (see
    /// [`crate::bundled`]), and their listing history
    /// ([`History::bundled`]) for [`Screener::check_at`].
    pub fn bundled(&mut self, yes: bool) -> &mut Self {
        self.bundled = yes;
        self
    }

    /// Bloom filter policy.
    pub fn bloom(&mut self, mode: BloomMode) -> &mut Self {
        self.bloom = mode;
        self
    }

    /// Bloom filter false-positive rate (default 1 %), clamped to
    /// `[1e-9, 0.5]`.
    pub fn bloom_fp_rate(&mut self, rate: f64) -> &mut Self {
        self.fp_rate = if rate.is_nan() {
            0.01
        } else {
            rate.clamp(1e-9, 0.5)
        };
        self
    }

    /// Adds listing history for [`Screener::check_at`] (after the bundled
    /// history, when the bundled lists are included).
    pub fn history(&mut self, history: History) -> &mut Self {
        self.history.extend(history);
        self
    }

    /// Compiles the lists (and the history's delisted entries, into an
    /// index of their own).
    pub fn build(&self) -> Result<Screener, BuildError> {
        let bundled = if self.bundled {
            crate::bundled::lists()?
        } else {
            Vec::new()
        };
        let replaced = |b: &List| self.lists.iter().any(|l| l.meta().id == b.meta().id);
        let lists: Vec<&List> = bundled
            .iter()
            .filter(|b| !replaced(b))
            .chain(&self.lists)
            .collect();
        let screener = compile(&lists, self.bloom, self.fp_rate)?;
        let mut history = if self.bundled {
            crate::bundled::history()?
        } else {
            History::new()
        };
        history.extend(self.history.clone());
        if history.is_empty() {
            return Ok(screener);
        }
        screener.with_history(history)
    }
}

/// Metadata shared by entries (interned: a list of a million entries with
/// one entity holds it once).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Meta {
    list: u32,
    chain: Option<String>,
    tickers: Vec<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    programs: Vec<String>,
    listed: Option<String>,
    source: Option<String>,
}

/// The borrowed form of [`Meta`], for interning without copying. Equal
/// when every field is; hashed on the list, entity and entity id only
/// (equal values still hash equal): hashing all eight fields of every
/// entry was ~12 % of a 10 M-entry build.
#[derive(Clone, Copy, PartialEq, Eq)]
struct MetaRef<'a>(
    u32,
    Option<&'a str>,
    &'a [String],
    Option<&'a str>,
    Option<&'a str>,
    &'a [String],
    Option<&'a str>,
    Option<&'a str>,
);

impl std::hash::Hash for MetaRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
        self.3.hash(h);
        self.4.hash(h);
    }
}

fn meta_ref(list: u32, e: &Provenance) -> MetaRef<'_> {
    MetaRef(
        list,
        e.chain.as_deref(),
        &e.tickers,
        e.entity.as_deref(),
        e.entity_id.as_deref(),
        &e.programs,
        e.listed.as_deref(),
        e.source.as_deref(),
    )
}

/// Every list's entries, numbered across the lists in order.
struct All<'a> {
    stores: Vec<&'a Store>,
    /// The number of the first entry of each list.
    starts: Vec<usize>,
    len: usize,
}

impl<'a> All<'a> {
    fn new(lists: &[&'a List]) -> All<'a> {
        let mut starts = Vec::with_capacity(lists.len());
        let mut len = 0;
        for l in lists {
            starts.push(len);
            len += l.len();
        }
        All {
            stores: lists.iter().map(|l| l.store()).collect(),
            starts,
            len,
        }
    }

    /// Entry `i` and its list's number.
    fn get(&self, i: usize) -> (u32, EntryRef<'a>) {
        let li = self.starts.partition_point(|&s| s <= i) - 1;
        let e = self.stores[li].get(i - self.starts[li]).expect("in range");
        (li as u32, e)
    }

    /// The entries of a range, with their lists' numbers: list by list,
    /// without a search per entry.
    fn range(&self, r: std::ops::Range<usize>) -> impl Iterator<Item = (u32, EntryRef<'a>)> + '_ {
        let first = if r.start < self.len {
            self.starts.partition_point(|&s| s <= r.start) - 1
        } else {
            self.stores.len()
        };
        (first..self.stores.len())
            .map_while(move |li| {
                let start = self.starts[li];
                (start < r.end).then(|| {
                    let store = self.stores[li];
                    let from = r.start.max(start) - start;
                    let to = r.end.min(start + store.len()) - start;
                    (from..to).map(move |i| (li as u32, store.get(i).expect("in range")))
                })
            })
            .flatten()
    }
}

struct Inner {
    index: Index,
    bloom: Option<bloomfilter::Bloom<u64>>,
    metas: Vec<Meta>,
    /// Listed spellings that do not render from their key, by entry.
    odd: Vec<(u32, Box<str>)>,
    lists: Vec<ListInfo>,
    list_ids: Vec<Arc<str>>,
    version: Arc<Version>,
    /// The automatons of `Screener::scan`, built on its first call.
    scan: std::sync::OnceLock<crate::index::ScanIndex>,
}

impl Inner {
    /// Entry `i`, materialized: its listed address validated again (as
    /// [`Entry::new`] does), with its metadata.
    fn entry(&self, i: u32) -> Option<(u32, Entry)> {
        let rec = self.index.entry(i)?;
        let address = match self.index.rendered(&rec) {
            Some(a) => a,
            None => {
                let k = self.odd.binary_search_by_key(&i, |(e, _)| *e).ok()?;
                self.odd[k].1.to_string()
            }
        };
        let m = self.metas.get(rec.meta as usize)?;
        let mut e = Entry::new(address, rec.line as usize);
        e.chain = m.chain.clone();
        e.tickers = m.tickers.clone();
        e.entity = m.entity.clone();
        e.entity_id = m.entity_id.clone();
        e.programs = m.programs.clone();
        e.listed = m.listed.clone();
        e.source = m.source.clone();
        Some((m.list, e))
    }

    fn matches(&self, key: u32) -> Vec<Match> {
        self.index
            .refs(key)
            .into_iter()
            .filter_map(|(entry, via)| {
                let (list, e) = self.entry(entry)?;
                let info = self.lists.get(list as usize)?;
                Some(Match {
                    list: Arc::clone(&self.list_ids[list as usize]),
                    category: info.meta.category,
                    via: Via::from_code(via)?,
                    entry: Arc::new(e),
                })
            })
            .collect()
    }
}

/// A compiled, immutable screener. `Send + Sync`; cloning is an `Arc` bump.
///
/// ```
/// use walletscreen::{Screener, Verdict};
/// let s = Screener::bundled().unwrap();
/// // A Lazarus Group address from the FBI's Bybit notice, in lower case:
/// let v = s.check("0x51e9d833ecae4e8d9d8be17300aee6d3398c135d");
/// let hit = v.hit().unwrap();
/// assert_eq!(hit.matches()[0].list.as_ref(), "fbi-dprk");
/// assert!(matches!(s.check("0x0000000000000000000000000000000000000001"), Verdict::Clear { .. }));
/// assert!(matches!(s.check("hello"), Verdict::Invalid { .. }));
/// ```
///
/// # Memory and compiled files
///
/// The compiled form is one byte image (see `BENCHMARKS.md` for bytes per
/// entry): an open-addressing table over the canonical keys, the keys, and a
/// 13-byte record per entry; entry metadata is interned. The image is also a
/// file format: [`Screener::write_compiled_file`] saves it,
/// [`Screener::read_compiled_file`] loads it without recompiling (checksum,
/// bounds and metadata are checked).
#[derive(Clone)]
pub struct Screener {
    inner: Arc<Inner>,
    /// The listing history consulted by [`Screener::check_at`] only.
    history: Option<Arc<HistoryIndex>>,
}

impl std::fmt::Debug for Screener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screener")
            .field("lists", &self.inner.list_ids)
            .field("keys", &self.inner.index.key_count())
            .field("bloom", &self.inner.bloom.is_some())
            .field("version", &self.inner.version)
            .field("history", &self.history)
            .finish()
    }
}

impl Screener {
    /// A builder.
    pub fn builder() -> ScreenerBuilder {
        ScreenerBuilder::new()
    }

    /// The screener over the bundled lists (OFAC SDN digital-currency
    /// addresses and FBI DPRK attributions), embedded in the binary: no file
    /// system or network access.
    /// It carries the bundled listing history ([`History::bundled`]) for
    /// [`Screener::check_at`]; [`Screener::check`] never reads it.
    pub fn bundled() -> Result<Screener, BuildError> {
        ScreenerBuilder::new().bundled(true).build()
    }

    /// The same screener with `history` as its listing history for
    /// [`Screener::check_at`] (replacing any it had); the compiled lists
    /// are shared, not copied. A screener read from a compiled file has no
    /// history until given one.
    pub fn with_history(&self, history: History) -> Result<Screener, BuildError> {
        Ok(Screener {
            inner: Arc::clone(&self.inner),
            history: Some(Arc::new(HistoryIndex::build(history)?)),
        })
    }

    /// The listing history [`Screener::check_at`] consults, if any.
    pub fn history(&self) -> Option<&History> {
        self.history.as_deref().map(HistoryIndex::history)
    }

    /// Screens one string as of a date: was it listed on `date`? See
    /// [`crate::history`] for how a date is answered (conservatively:
    /// through the day of the first publication without the entry).
    ///
    /// A current entry is a hit from its `listed` date on (always, when it
    /// has none); an entry of the history's delisted records is a hit
    /// within its listing period, and says when it was delisted. An
    /// address is clear as of a date before its listing. [`Screener::check`]
    /// is unchanged: it answers from the current lists only, and never
    /// reads the history.
    ///
    /// ```
    /// use walletscreen::{Date, Screener};
    /// let s = Screener::bundled()?;
    /// let tornado = "0x8589427373D6D84E98730D7795D8f6f8731FDA16"; // delisted 2025-03-21
    /// assert!(!s.check(tornado).is_hit());
    /// let v = s.check_at(tornado, Date::new(2024, 1, 1).unwrap());
    /// let hit = v.hit().expect("listed then");
    /// assert_eq!(hit.matches[0].delisted.unwrap().by.to_string(), "2025-03-21");
    /// assert!(!s.check_at(tornado, Date::new(2025, 4, 1).unwrap()).is_hit());
    /// // Hydra Market, listed 2022-04-05: clear the day before.
    /// let hydra = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
    /// assert!(!s.check_at(hydra, Date::new(2022, 4, 4).unwrap()).is_hit());
    /// assert!(s.check_at(hydra, Date::new(2022, 4, 5).unwrap()).is_hit());
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn check_at(&self, input: &str, date: Date) -> VerdictAt {
        self.check_at_with(input, date, CheckOptions::default())
    }

    /// [`Screener::check_at`] with options.
    pub fn check_at_with(&self, input: &str, date: Date, opts: CheckOptions) -> VerdictAt {
        match self.check_at_raw(input, date, opts) {
            AtRaw::Clear(family, checksum) => VerdictAt::Clear { family, checksum },
            AtRaw::Hit(family, checksum, matches) => VerdictAt::Hit(HitAt {
                family,
                checksum,
                as_of: date,
                matches,
                version: Arc::clone(&self.inner.version),
            }),
            AtRaw::Invalid => VerdictAt::Invalid {
                reason: self.invalid_reason(input, opts),
            },
        }
    }

    /// The [`VerdictAt::kind`] that [`Screener::check_at_with`] would
    /// answer, without the reason of an invalid input (as
    /// [`Screener::check_kind`] does for [`Screener::check_with`]).
    ///
    /// ```
    /// use walletscreen::{CheckOptions, Date, Screener, VerdictKind};
    /// let s = Screener::bundled()?;
    /// let (o, d) = (CheckOptions::default(), Date::new(2024, 1, 1).unwrap());
    /// let hit = s.check_at_kind("0x8589427373D6D84E98730D7795D8f6f8731FDA16", d, o);
    /// assert_eq!(hit, VerdictKind::Hit);
    /// assert_eq!(s.check_at_kind("not an address", d, o), VerdictKind::Invalid);
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn check_at_kind(&self, input: &str, date: Date, opts: CheckOptions) -> VerdictKind {
        match self.check_at_raw(input, date, opts) {
            AtRaw::Clear(..) => VerdictKind::Clear,
            AtRaw::Hit(..) => VerdictKind::Hit,
            AtRaw::Invalid => VerdictKind::Invalid,
        }
    }

    /// What [`Screener::check_at_with`] answers, the reason of an invalid
    /// input aside. The input is keyed once and looked up in both indexes.
    fn check_at_raw(&self, input: &str, date: Date, opts: CheckOptions) -> AtRaw {
        let mut scratch = Scratch::new();
        let keyed = address::key(input, &mut scratch);
        let Ok(k) = &keyed else {
            return AtRaw::Invalid;
        };
        let raw = self.raw(k, self.lookup(k.tag, k.payload), opts);
        // The history's delisted entries: a second, small index.
        let past = self.history.as_deref().and_then(|h| {
            let s = h.screener()?;
            let key = s.lookup(k.tag, k.payload)?;
            Some((h, s, key))
        });
        let (family, checksum) = match (raw, &past) {
            (Raw::Hit(_, f, c), _) => (f, c),
            (_, Some(_)) => (k.family, self.hit_checksum(k, opts)),
            // Listed nowhere: the plain answer.
            (Raw::Clear(family, checksum, _), None) => return AtRaw::Clear(family, checksum),
            (Raw::Invalid, None) => return AtRaw::Invalid,
        };
        // Every delisted record this input reaches.
        let mut past_records: Vec<(&history::HistoryRecord, Match)> = Vec::new();
        if let Some((h, s, key)) = &past {
            for m in s.inner.matches(*key) {
                if let Some(r) = h.record(&m) {
                    past_records.push((r, m));
                }
            }
        }
        let mut out: Vec<DatedMatch> = Vec::new();
        if let Raw::Hit(key, _, _) = raw {
            for m in self.inner.matches(key) {
                if let Some(d) = self.current_at(&m, &past_records, date) {
                    out.push(d);
                }
            }
        }
        // One record per (list, party) on that date: the earliest
        // delisting (a refresh may record again what a bundled history has).
        // A party listed on that date by a current entry needs no record.
        past_records.sort_by_key(|(r, _)| r.delisted.map(|d| d.by));
        let mut reported: Vec<(String, Option<String>)> = out
            .iter()
            .map(|d| {
                let party = history::party(&d.matched.entry).map(str::to_owned);
                (d.matched.list.to_string(), party)
            })
            .collect();
        for (r, m) in past_records {
            let who = (r.list.clone(), r.party().map(str::to_owned));
            if !r.covers(date) || reported.contains(&who) {
                continue;
            }
            reported.push(who);
            out.push(DatedMatch {
                matched: Match {
                    entry: Arc::new(r.entry.clone()),
                    ..m
                },
                listed_on: r.listed_on(),
                listed_after: r.listed_after,
                listed_by: r.listed_by,
                delisted: r.delisted,
            });
        }
        if !out.is_empty() {
            return AtRaw::Hit(family, checksum, out);
        }
        // Not listed on that date: what an unlisted input would be.
        match raw {
            Raw::Clear(family, checksum, _) => AtRaw::Clear(family, checksum),
            Raw::Invalid => AtRaw::Invalid,
            Raw::Hit(..) if k.family == Family::Opaque => AtRaw::Invalid,
            Raw::Hit(..) if opts.verify_checksum => match address::parse_keyed(k) {
                Ok(a) => AtRaw::Clear(k.family, a.checksum),
                Err(_) => AtRaw::Invalid,
            },
            Raw::Hit(..) => AtRaw::Clear(k.family, Checksum::NotChecked),
        }
    }

    /// A current list's match as of `date`, given the delisted records the
    /// same input reaches; `None` when it was not listed on that date, or
    /// when a record of the history reports it instead.
    fn current_at(
        &self,
        m: &Match,
        past: &[(&history::HistoryRecord, Match)],
        date: Date,
    ) -> Option<DatedMatch> {
        let party = history::party(&m.entry);
        // Records of this very entry: same list, same party, same address
        // (not one reached through another spelling, e.g. a look-alike a
        // later publication corrected).
        let same = || {
            past.iter().map(|(r, _)| *r).filter(move |r| {
                *r.list == *m.list
                    && r.party() == party
                    && same_address(&r.entry.address, &m.entry.address)
            })
        };
        // The history's record of this entry on that date is reported
        // instead: it knows the delisting.
        if same().any(|r| r.covers(date)) {
            return None;
        }
        let listed_on = m.entry.listed.as_deref().and_then(|d| Date::parse(d).ok());
        if listed_on.is_some_and(|l| l > date) {
            return None;
        }
        // Delisted by a publication newer than this list and before the
        // date (a newer list that has it again wins).
        let as_of = self
            .inner
            .lists
            .iter()
            .find(|l| *l.meta.id == *m.list)
            .and_then(|l| l.meta.as_of.as_deref())
            .and_then(|d| Date::parse(d).ok());
        let delisted_since = same()
            .filter_map(|r| r.delisted)
            .any(|d| as_of.is_some_and(|a| d.by > a) && d.by < date);
        if delisted_since {
            return None;
        }
        Some(DatedMatch {
            matched: m.clone(),
            listed_on,
            listed_after: None,
            listed_by: None,
            delisted: None,
        })
    }

    /// Screens one string: no I/O, no allocation unless it is invalid.
    #[inline]
    pub fn check(&self, input: &str) -> Verdict {
        self.check_with(input, CheckOptions::default())
    }

    /// Screens one string with options.
    ///
    /// The work is done out of line and answers in one register; this
    /// small inlined part builds the `Verdict` in the caller. A 40-byte
    /// `Verdict` returned through memory made every caller that moved it
    /// read it back before the callee's narrower stores had landed: a
    /// store-forwarding stall of ~10 ns per check (`BENCHMARKS.md`).
    #[inline]
    pub fn check_with(&self, input: &str, opts: CheckOptions) -> Verdict {
        self.expand(self.check_raw(input, opts), input, opts)
    }

    /// The [`Verdict::kind`] that [`Screener::check_with`] would answer
    /// ([`VerdictKind::Hit`], `Clear` or `Invalid`), without building the verdict:
    /// no [`Hit`], and no [`ParseError`] for an invalid input (which
    /// `check_with` computes in a second pass). For triage at volume, e.g.
    /// a batch that prints only hits and counts the rest.
    ///
    /// ```
    /// use walletscreen::{CheckOptions, Screener, VerdictKind};
    /// let s = Screener::bundled()?;
    /// let o = CheckOptions::default();
    /// let hit = s.check_kind("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", o);
    /// assert_eq!(hit, VerdictKind::Hit);
    /// assert_eq!(s.check_kind("not an address", o), VerdictKind::Invalid);
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    #[inline]
    pub fn check_kind(&self, input: &str, opts: CheckOptions) -> VerdictKind {
        match self.check_raw(input, opts) {
            Raw::Clear(..) => VerdictKind::Clear,
            Raw::Hit(..) => VerdictKind::Hit,
            Raw::Invalid => VerdictKind::Invalid,
        }
    }

    /// A [`Raw`] answer as a `Verdict`. An invalid input is keyed again to
    /// say why (the error is not carried through the register).
    #[inline(always)]
    fn expand(&self, raw: Raw, input: &str, opts: CheckOptions) -> Verdict {
        match raw {
            Raw::Clear(family, checksum, network) => Verdict::Clear {
                family,
                checksum,
                network,
            },
            Raw::Hit(key, family, checksum) => Verdict::Hit(Hit {
                family,
                checksum,
                destination_tag: if family == Family::XAddress {
                    destination_tag(input)
                } else {
                    None
                },
                inner: self.inner.clone(),
                key,
            }),
            Raw::Invalid => Verdict::Invalid {
                reason: self.invalid_reason(input, opts),
            },
        }
    }

    /// The out-of-line part of [`Screener::check_with`].
    fn check_raw(&self, input: &str, opts: CheckOptions) -> Raw {
        let mut scratch = Scratch::new();
        // Borrowed, not moved out of the `Result`: the move was a copy
        // through the stack whose 8-byte loads read the 1-byte stores of
        // `family` and `tag` before they landed (a store-forwarding stall).
        let keyed = address::key(input, &mut scratch);
        let Ok(k) = &keyed else {
            return Raw::Invalid;
        };
        let found = self.lookup(k.tag, k.payload);
        self.raw(k, found, opts)
    }

    /// The answer for a keyed string and what the table said.
    #[inline(always)]
    fn raw(&self, k: &Keyed<'_>, found: Option<u32>, opts: CheckOptions) -> Raw {
        if let Some(idx) = found {
            return Raw::Hit(idx, k.family, self.hit_checksum(k, opts));
        }
        match k.family {
            Family::Opaque => Raw::Invalid,
            family if opts.verify_checksum => match address::parse_keyed(k) {
                Ok(a) => Raw::Clear(family, a.checksum, Some(a.network())),
                Err(_) => Raw::Invalid,
            },
            family => Raw::Clear(family, Checksum::NotChecked, None),
        }
    }

    /// Why `input` is [`Raw::Invalid`]: the same steps as
    /// [`Screener::check_raw`], keeping the error.
    #[cold]
    #[inline(never)]
    fn invalid_reason(&self, input: &str, opts: CheckOptions) -> ParseError {
        let mut scratch = Scratch::new();
        let k = match address::key(input, &mut scratch) {
            Ok(k) => k,
            Err(reason) => return reason,
        };
        if k.family != Family::Opaque
            && opts.verify_checksum
            && let Err(reason) = address::parse_keyed(&k)
        {
            return reason;
        }
        k.error()
    }

    /// Screens many strings, in order; the same verdicts as
    /// [`Screener::check`] on each.
    ///
    /// Faster per string than a loop over `check` on large lists: once
    /// the table outgrows the L2 cache (~1 MiB, about 150,000 keys), strings
    /// are keyed in groups of [`BATCH`](Self::BATCH) and then looked up
    /// together, so that the table reads of a group (each a likely cache
    /// miss) are in flight at the same time instead of one after the
    /// other. Smaller tables are checked one string after the other. See
    /// `BENCHMARKS.md`.
    pub fn check_many<I>(&self, inputs: I) -> Vec<Verdict>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.check_many_with(inputs, CheckOptions::default())
    }

    /// [`Screener::check_many`] with options: each answer is what
    /// [`Screener::check_with`] answers for that string.
    pub fn check_many_with<I>(&self, inputs: I, opts: CheckOptions) -> Vec<Verdict>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        // Batching pays only when the table is out of cache: below that,
        // one `check` after the other.
        if self.inner.index.table_bytes() <= WARM_TABLE_BYTES {
            return inputs
                .into_iter()
                .map(|i| self.check_with(i.as_ref(), opts))
                .collect();
        }
        let inputs: Vec<I::Item> = inputs.into_iter().collect();
        self.check_batches(&inputs, true, opts)
    }

    /// [`Screener::check_many`], reading each batch's groups ahead or not.
    fn check_batches(
        &self,
        inputs: &[impl AsRef<str>],
        warm: bool,
        opts: CheckOptions,
    ) -> Vec<Verdict> {
        let mut out = Vec::with_capacity(inputs.len());
        let mut scratches: [Scratch; Self::BATCH] = std::array::from_fn(|_| Scratch::new());
        let index = &self.inner.index;
        for group in inputs.chunks(Self::BATCH) {
            // Keyed strings with their hashes; `None`: the input can match
            // nothing (its reason is recomputed by `expand`).
            let mut free = scratches.iter_mut();
            let keyed: [Option<(Keyed<'_>, u64)>; Self::BATCH] = std::array::from_fn(|i| {
                let k = address::key(group.get(i)?.as_ref(), free.next()?).ok()?;
                let h = index.hash(k.tag, k.payload);
                Some((k, h))
            });
            if warm {
                let mut hashes = [0u64; Self::BATCH];
                let mut n = 0;
                for (h, (_, hash)) in hashes.iter_mut().zip(keyed.iter().flatten()) {
                    *h = *hash;
                    n += 1;
                }
                index.warm(&hashes[..n]);
            }
            for (k, input) in keyed.iter().zip(group) {
                let raw = match k {
                    Some((k, h)) => self.raw(k, self.lookup_hashed(*h, k.tag, k.payload), opts),
                    None => Raw::Invalid,
                };
                out.push(self.expand(raw, input.as_ref(), opts));
            }
        }
        out
    }

    /// Strings keyed, then looked up together, by [`Screener::check_many`].
    pub const BATCH: usize = 16;

    /// True if `input` is listed; the cheapest question.
    pub fn is_listed(&self, input: &str) -> bool {
        let mut scratch = Scratch::new();
        // Borrowed, not moved: see `check_raw`.
        match &address::key(input, &mut scratch) {
            Ok(k) => self.lookup(k.tag, k.payload).is_some(),
            Err(_) => false,
        }
    }

    #[inline(always)]
    fn lookup(&self, tag: u8, payload: &[u8]) -> Option<u32> {
        self.lookup_hashed(self.inner.index.hash(tag, payload), tag, payload)
    }

    #[inline(always)]
    fn lookup_hashed(&self, hash: u64, tag: u8, payload: &[u8]) -> Option<u32> {
        let inner = &*self.inner;
        if let Some(bloom) = &inner.bloom
            && !bloom.check(&hash)
        {
            return None;
        }
        inner.index.find(hash, tag, payload)
    }

    /// The checksum status a hit reports.
    #[inline(always)]
    fn hit_checksum(&self, k: &Keyed<'_>, opts: CheckOptions) -> Checksum {
        match k.family {
            Family::Opaque => Checksum::Absent,
            _ if !opts.verify_checksum => Checksum::NotChecked,
            _ => match address::parse_keyed(k) {
                Ok(a) => a.checksum,
                Err(_) => Checksum::Invalid,
            },
        }
    }

    /// The lists compiled in, in order.
    pub fn lists(&self) -> &[ListInfo] {
        &self.inner.lists
    }

    /// Version of the list set.
    pub fn version(&self) -> &Arc<Version> {
        &self.inner.version
    }

    /// The lists older than `max_age` at `now` ([`ListInfo::age_at`]), with
    /// their age: the staleness signal to alert on. With `bundled_only`,
    /// only lists shipped in the crate ([`ListInfo::is_bundled`]); a list
    /// without `as_of` is never in it.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// let s = walletscreen::Screener::bundled()?;
    /// for (list, age) in s.lists_older_than(Duration::from_secs(30 * 86_400), SystemTime::now(), true) {
    ///     eprintln!("{} is {} days old", list.meta.id, age.as_secs() / 86_400);
    /// }
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn lists_older_than(
        &self,
        max_age: std::time::Duration,
        now: std::time::SystemTime,
        bundled_only: bool,
    ) -> impl Iterator<Item = (&ListInfo, std::time::Duration)> + '_ {
        self.lists().iter().filter_map(move |l| {
            if bundled_only && !l.is_bundled() {
                return None;
            }
            l.age_at(now).filter(|a| *a > max_age).map(|a| (l, a))
        })
    }

    /// Number of entries over all lists.
    pub fn entry_count(&self) -> usize {
        self.inner.index.entry_count()
    }

    /// Number of distinct keys (listed spellings plus indexed equivalents).
    pub fn key_count(&self) -> usize {
        self.inner.index.key_count()
    }

    /// Whether a bloom filter was built.
    pub fn has_bloom(&self) -> bool {
        self.inner.bloom.is_some()
    }

    /// Entries whose address did not validate, with their list id
    /// (materialized one by one).
    pub fn flagged(&self) -> impl Iterator<Item = (&str, Entry)> + '_ {
        let inner = &*self.inner;
        (0..inner.index.entry_count() as u32).filter_map(move |i| {
            let rec = inner.index.entry(i)?;
            if rec.form & index::FLAGGED == 0 {
                return None;
            }
            let (list, e) = inner.entry(i)?;
            Some((&*inner.list_ids[list as usize], e))
        })
    }

    /// Every entry, materialized, with its list id, in list order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Entry)> + '_ {
        let inner = &*self.inner;
        (0..inner.index.entry_count() as u32).filter_map(move |i| {
            let (list, e) = inner.entry(i)?;
            Some((&*inner.list_ids[list as usize], e))
        })
    }

    /// The automatons of [`Screener::scan`](crate::scan), built on first
    /// use from every indexed key.
    pub(crate) fn scan_index(&self) -> &crate::index::ScanIndex {
        let inner = &*self.inner;
        inner
            .scan
            .get_or_init(|| crate::index::ScanIndex::build(inner.index.keys()))
    }

    /// Approximate heap bytes: the compiled image (table, keys, entry
    /// records, metadata section), the decoded metadata and the bloom
    /// filter; not the scan automatons (built on first scan).
    pub fn index_bytes(&self) -> usize {
        let inner = &*self.inner;
        let strs = |v: &[String]| v.iter().map(|s| 24 + s.len()).sum::<usize>();
        let opt = |o: &Option<String>| o.as_ref().map_or(0, String::len);
        let metas: usize = inner
            .metas
            .iter()
            .map(|m| {
                std::mem::size_of::<Meta>()
                    + opt(&m.chain)
                    + strs(&m.tickers)
                    + opt(&m.entity)
                    + opt(&m.entity_id)
                    + strs(&m.programs)
                    + opt(&m.listed)
                    + opt(&m.source)
            })
            .sum();
        let odd: usize = inner.odd.iter().map(|(_, s)| 20 + s.len()).sum();
        inner.index.heap_bytes()
            + metas
            + odd
            + inner.bloom.as_ref().map_or(0, |b| b.as_slice().len())
    }

    /// The compiled image: the bytes [`Screener::write_compiled_file`]
    /// writes.
    pub fn compiled_bytes(&self) -> &[u8] {
        self.inner.index.image()
    }

    /// A screener from a compiled image (see [`Screener::compiled_bytes`]),
    /// without compiling: the frame (magic, version, length, XXH3-64
    /// checksum), the section bounds, every entry record and the metadata
    /// are checked; the table and keys are used as they are.
    ///
    /// ```
    /// use walletscreen::Screener;
    /// let s = Screener::bundled()?;
    /// let back = Screener::from_compiled_bytes(s.compiled_bytes().to_vec())?;
    /// assert_eq!(back.version(), s.version());
    /// assert!(back.check("0x51e9d833ecae4e8d9d8be17300aee6d3398c135d").is_hit());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_compiled_bytes(image: Vec<u8>) -> Result<Screener, WireError> {
        Screener::from_image(Image::Heap(image))
    }

    fn from_image(image: Image) -> Result<Screener, WireError> {
        let index = Index::from_image(image)?;
        let base = index.meta_offset();
        let mut d = Decoder::new(WireFile::Compiled, index.meta(), base);
        let list_count = d.count(6 + 32 + 3)?;
        let mut lists = Vec::with_capacity(list_count);
        for _ in 0..list_count {
            let meta = d.list_meta()?;
            let sha = d.take(32)?;
            lists.push(ListInfo {
                meta,
                sha256: hex(sha),
                entries: d.varint()?,
                flagged: d.varint()?,
                unmatchable: d.varint()?,
            });
        }
        let bloom_mode = match d.u8()? {
            0 => BloomMode::Auto,
            1 => BloomMode::On,
            2 => BloomMode::Off,
            b => return Err(d.corrupt(format!("bad bloom mode {b}"))),
        };
        let fp_rate = f64::from_bits(d.u64()?);
        if !(1e-9..=0.5).contains(&fp_rate) {
            return Err(d.corrupt(format!("bloom false-positive rate {fp_rate} out of range")));
        }
        let meta_count = d.count(8)?;
        let mut metas = Vec::with_capacity(meta_count);
        for _ in 0..meta_count {
            let at = d.pos();
            let list = d.varint()?;
            if list >= lists.len() {
                return Err(WireError::Corrupt {
                    file: WireFile::Compiled,
                    at,
                    reason: format!("metadata of list {list}, there are {}", lists.len()),
                });
            }
            metas.push(Meta {
                list: list as u32,
                chain: d.opt()?,
                tickers: d.strings()?,
                entity: d.opt()?,
                entity_id: d.opt()?,
                programs: d.strings()?,
                listed: d.opt()?,
                source: d.opt()?,
            });
        }
        let odd_count = d.count(2)?;
        let mut odd: Vec<(u32, Box<str>)> = Vec::with_capacity(odd_count);
        for _ in 0..odd_count {
            let at = d.pos();
            let e = d.varint()?;
            let text = d.string()?;
            let ordered = odd.last().is_none_or(|(prev, _)| (*prev as usize) < e);
            if e >= index.entry_count() || !ordered {
                return Err(WireError::Corrupt {
                    file: WireFile::Compiled,
                    at,
                    reason: format!("spelling of entry {e}: out of range or order"),
                });
            }
            odd.push((e as u32, text.into()));
        }
        if !d.at_end() {
            return Err(d.corrupt("bytes left over in the meta section"));
        }
        if let Some(max) = index.max_meta()
            && max as usize >= metas.len()
        {
            return Err(WireError::Corrupt {
                file: WireFile::Compiled,
                at: base,
                reason: format!(
                    "an entry refers to metadata {max}, there are {}",
                    metas.len()
                ),
            });
        }
        let total: usize = lists.iter().map(|l| l.entries).sum();
        if total != index.entry_count() {
            return Err(WireError::Corrupt {
                file: WireFile::Compiled,
                at: base,
                reason: format!(
                    "lists count {total} entries, the index {}",
                    index.entry_count()
                ),
            });
        }
        let list_ids = lists
            .iter()
            .map(|i| Arc::from(i.meta.id.as_str()))
            .collect();
        let bloom = build_bloom(&index, bloom_mode, fp_rate).map_err(|e| WireError::Corrupt {
            file: WireFile::Compiled,
            at: base,
            reason: e.to_string(),
        })?;
        let version = Arc::new(version_of(&lists));
        Ok(Screener {
            inner: Arc::new(Inner {
                index,
                bloom,
                metas,
                odd,
                lists,
                list_ids,
                version,
                scan: std::sync::OnceLock::new(),
            }),
            history: None,
        })
    }

    /// Writes the compiled image to `path` atomically (a temporary file in
    /// the same directory, synced, renamed over `path`).
    pub fn write_compiled_file(&self, path: impl AsRef<Path>) -> Result<(), WireError> {
        crate::wire::write_atomic(WireFile::Compiled, path.as_ref(), self.compiled_bytes())
    }

    /// Reads a compiled image written by [`Screener::write_compiled_file`].
    pub fn read_compiled_file(path: impl AsRef<Path>) -> Result<Screener, WireError> {
        let path = path.as_ref();
        let image = Image::read_file(path).map_err(|source| WireError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Screener::from_image(image)
    }
}

/// The destination tag of an X-address query, keyed again (the raw answer
/// does not carry it): only hits of [`Family::XAddress`] pay for this.
#[cold]
#[inline(never)]
fn destination_tag(input: &str) -> Option<u32> {
    // The usual query is the bare X-address: read it as it is. Anything
    // else (whitespace, a URI) is keyed again, which decodes it again.
    if address::xrp::looks_like_x(input.as_bytes()) {
        return address::xrp::tag_of_valid(input.as_bytes());
    }
    let mut scratch = Scratch::new();
    let k = address::key(input, &mut scratch).ok()?;
    if k.family != Family::XAddress {
        return None;
    }
    address::xrp::tag_of_valid(k.text.as_bytes())
}

/// The keys of an entry: its own spelling, then the equivalent spellings
/// in other encodings (at most [`alias_bound`] of them: the table is sized
/// by that bound).
fn entry_keys(
    entry: &EntryRef<'_>,
    parsed: Option<&crate::address::Address>,
    mut out: impl FnMut(u8, &[u8], Via),
) {
    // Every key, the equivalent spellings' too, comes from `address::key`:
    // the one path queries take.
    let mut scratch = Scratch::new();
    let mut push = |spelling: &str, via: Via| {
        if let Ok(k) = address::key(spelling, &mut scratch) {
            out(k.tag, k.payload, via);
        }
    };
    push(entry.address, Via::Listed);
    if entry.class.family.is_some() && parsed.is_none() {
        // A valid address without other spellings.
        return;
    }
    let Some(a) = parsed else {
        if let Some(fixed) = corrected_spelling(entry.address) {
            push(&fixed, Via::CorrectedSpelling);
        }
        return;
    };
    let hash = a.payload.as_slice();
    let cash = |kind: u8| cashaddr::encode(address::CASHADDR_DEFAULT_PREFIX, kind, hash).ok();
    let b58 = |version: u8| base58check::encode(&[version], hash);
    match &a.kind {
        AddressKind::Tron => {
            push(&format!("41{}", hex(hash)), Via::TronHexOfBase58);
        }
        AddressKind::TronHex => {
            push(&base58check::encode(&[0x41], hash), Via::TronBase58OfHex);
        }
        AddressKind::P2pkh { version: 0 } | AddressKind::P2sh { version: 5 } => {
            let p2sh = matches!(a.kind, AddressKind::P2sh { .. });
            if let Some(c) = cash(u8::from(p2sh)) {
                push(&c, Via::CashaddrOfLegacy);
            }
            push(&b58(bitpay_version(p2sh)), Via::BitpayOfLegacy);
            if p2sh {
                push(&b58(LITECOIN_P2SH), Via::LitecoinOfLegacy);
            }
        }
        AddressKind::P2sh {
            version: LITECOIN_P2SH_U16,
        } => {
            push(&b58(0x05), Via::LegacyOfLitecoin);
        }
        AddressKind::P2pkh { version: 0x1c } | AddressKind::P2sh { version: 0x28 } => {
            let p2sh = matches!(a.kind, AddressKind::P2sh { .. });
            push(&b58(if p2sh { 0x05 } else { 0x00 }), Via::LegacyOfBitpay);
            if let Some(c) = cash(u8::from(p2sh)) {
                push(&c, Via::CashaddrOfBitpay);
            }
        }
        AddressKind::CashAddr { prefix, kind } if prefix == "bitcoincash" && hash.len() == 20 => {
            if let Some((legacy, p2sh)) = match kind {
                0 => Some((0x00, false)),
                1 => Some((0x05, true)),
                _ => None,
            } {
                push(&b58(legacy), Via::LegacyOfCashaddr);
                push(&b58(bitpay_version(p2sh)), Via::BitpayOfCashaddr);
            }
        }
        AddressKind::P2pkh { version: 0x1cb8 } => {
            if let Some(tex) = address::bech32::encode_tex(hash) {
                push(&tex, Via::TexOfTransparent);
            }
        }
        AddressKind::ZcashTex => {
            push(
                &base58check::encode(&base58check::ZCASH_P2PKH, hash),
                Via::TransparentOfTex,
            );
        }
        _ => {}
    }
}

/// Whether two listed spellings are one address: the same key (any case
/// where the format ignores case, whitespace, URI wrapping).
fn same_address(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (mut sa, mut sb) = (Scratch::new(), Scratch::new());
    match (address::key(a, &mut sa), address::key(b, &mut sb)) {
        (Ok(x), Ok(y)) => x.tag == y.tag && x.payload == y.payload,
        _ => false,
    }
}

/// Litecoin's P2SH version byte (`M…`); before it Litecoin used Bitcoin's
/// 0x05 (`3…`), and wallets still accept both for one script hash.
const LITECOIN_P2SH: u8 = 0x32;
const LITECOIN_P2SH_U16: u16 = LITECOIN_P2SH as u16;

/// The BitPay version byte of a P2PKH or (`p2sh`) P2SH hash.
fn bitpay_version(p2sh: bool) -> u8 {
    if p2sh {
        base58check::BITPAY_P2SH
    } else {
        base58check::BITPAY_P2PKH
    }
}

/// Look-alike characters outside the base58 alphabet and what they stand
/// for inside it.
const LOOKALIKES: &[(u8, u8)] = &[(b'l', b'1'), (b'I', b'1'), (b'O', b'o'), (b'0', b'o')];

/// For an address that fails validation: the single base58 or Monero
/// address that replacing one look-alike character makes valid, if exactly
/// one such replacement does. OFAC lists a Monero address with `l` where
/// its checksum says `1`.
fn corrected_spelling(listed: &str) -> Option<String> {
    let text = correctable(listed)?;
    let mut found: Option<String> = None;
    for (i, b) in text.bytes().enumerate() {
        for &(from, to) in LOOKALIKES {
            if b != from {
                continue;
            }
            let mut candidate = text.clone().into_bytes();
            candidate[i] = to;
            let candidate = String::from_utf8(candidate).ok()?;
            let valid = address::parse(&candidate)
                .is_ok_and(|a| matches!(a.family, Family::Base58 | Family::Monero));
            if valid {
                if found.is_some() {
                    return None; // ambiguous: index nothing
                }
                found = Some(candidate);
            }
        }
    }
    found
}

/// `listed` normalized, if [`corrected_spelling`] could find something in
/// it: ASCII letters and digits only, with a look-alike among them.
fn correctable(listed: &str) -> Option<String> {
    // Normalizing never lengthens a string, and a corrected spelling must
    // parse as base58check or Monero: shorter strings are decided unread.
    if listed.len() < *base58check::LEN.start() {
        return None;
    }
    let candidate = |t: &str| {
        t.bytes().all(|b| b.is_ascii_alphanumeric())
            && t.bytes()
                .any(|b| LOOKALIKES.iter().any(|&(from, _)| b == from))
    };
    // Printable ASCII without a URI colon normalizes to itself (the
    // keying fast path; an over-long string is trimmed of whitespace,
    // which it has none of): decided without the copy.
    if listed.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
        return candidate(listed).then(|| listed.to_owned());
    }
    let text = address::normalize(listed).ok()?;
    candidate(&text).then_some(text)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Version of a list set: newest `as_of`, SHA-256 over sorted ids and
/// content hashes.
fn version_of(infos: &[ListInfo]) -> Version {
    let mut ids: Vec<(&str, &str)> = infos
        .iter()
        .map(|i| (i.meta.id.as_str(), i.sha256.as_str()))
        .collect();
    ids.sort_unstable();
    let mut h = Sha256::new();
    for (id, sha) in ids {
        h.update(id.as_bytes());
        h.update(b"\0");
        h.update(sha.as_bytes());
        h.update(b"\n");
    }
    Version {
        date: infos.iter().filter_map(|i| i.meta.as_of.clone()).max(),
        sha256: hex(&h.finalize()),
    }
}

fn build_bloom(
    index: &Index,
    mode: BloomMode,
    fp_rate: f64,
) -> Result<Option<bloomfilter::Bloom<u64>>, BuildError> {
    let n = index.key_count();
    let use_bloom = match mode {
        BloomMode::On => true,
        BloomMode::Off => false,
        BloomMode::Auto => false,
    };
    if !use_bloom || n == 0 {
        return Ok(None);
    }
    let mut b = bloomfilter::Bloom::new_for_fp_rate_with_seed(n, fp_rate, &BLOOM_SEED).map_err(
        |reason| BuildError::Bloom {
            reason: reason.to_owned(),
        },
    )?;
    for (t, p) in index.keys() {
        b.set(&index.hash(t, p));
    }
    Ok(Some(b))
}

/// The keys of a run of entries, computed apart from the table (on a
/// worker thread, see `compile`): per entry a header `[key count, form]`, then per key `[tag,
/// payload length (u16), via]` and the payload.
///
/// Also interns the entries' metadata locally: per entry the index of its
/// metadata among the run's distinct ones, and per distinct metadata the
/// run position of its first entry.
fn key_entries(all: &All<'_>, run: std::ops::Range<usize>) -> RunKeys {
    let entries: Vec<(u32, EntryRef<'_>)> = all.range(run).collect();
    let mut out = Vec::with_capacity(entries.len() * 64);
    let mut metas: std::collections::HashMap<MetaRef<'_>, u32, foldhash::fast::FixedState> =
        std::collections::HashMap::with_hasher(foldhash::fast::FixedState::with_seed(index::SEED));
    let mut meta_ids = Vec::with_capacity(entries.len());
    let mut firsts = Vec::new();
    let mut last: Option<(MetaRef<'_>, u32)> = None;
    for (pos, &(li, ref e)) in entries.iter().enumerate() {
        let r = meta_ref(li, e.provenance);
        let id = match last {
            Some((prev, id)) if prev == r => id,
            _ => {
                let next = firsts.len() as u32;
                let id = *metas.entry(r).or_insert(next);
                if id == next {
                    firsts.push(pos);
                }
                last = Some((r, id));
                id
            }
        };
        meta_ids.push(id);
        let head = out.len();
        out.extend_from_slice(&[0, Form::Other as u8]);
        // The kind and hash that validating it found, for its other
        // spellings (the list keeps no decoded `Address`: memory).
        let parsed = match (e.class.family, e.alias) {
            (Some(family), Some((kind, hash))) => Some(crate::address::Address {
                family,
                kind: kind.clone(),
                chains: &[],
                payload: hash.to_vec(),
                checksum: Checksum::NotChecked,
            }),
            _ => None,
        };
        let eip55 = e.class.checksum_valid;
        entry_keys(e, parsed.as_ref(), |t, p, via| {
            // Keys are at most `address::MAX_INPUT` bytes.
            let Ok(len) = u16::try_from(p.len()) else {
                return;
            };
            if via == Via::Listed {
                out[head + 1] = index::form_of(t, p, e.address, eip55) as u8;
            }
            out[head] += 1;
            out.push(t);
            out.extend_from_slice(&len.to_le_bytes());
            out.push(via as u8);
            out.extend_from_slice(p);
        });
        // The table was sized by this bound before keying (`key_bounds`).
        debug_assert!(
            usize::from(out[head]) <= 1 + alias_bound(e),
            "{:?} has more keys than key_bounds allowed",
            e.address
        );
        if e.issue.is_some() {
            out[head + 1] |= index::FLAGGED;
        }
    }
    RunKeys {
        keys: out,
        meta_ids,
        firsts,
    }
}

/// Entries whose table groups are read together, a batch ahead of their
/// keys' inserts (see `Gathered::insert_run`).
const INSERT_BATCH: usize = 32;

/// What [`key_entries`] computes for a run of entries.
struct RunKeys {
    /// Per entry `[key count, form]`, then its keys.
    keys: Vec<u8>,
    /// Per entry, its metadata among the run's distinct ones.
    meta_ids: Vec<u32>,
    /// Per distinct metadata, the run position of its first entry.
    firsts: Vec<usize>,
}

/// Upper bounds of the key occurrences and of the arena bytes of
/// `entries`, from the entries alone (no keying): each has its own
/// spelling's key and at most [`alias_bound`] equivalent spellings'. A key
/// is never longer than the text it comes from plus one byte (CashAddr's
/// prefix id); a record adds at most 8 bytes.
fn key_bounds(all: &All<'_>, run: std::ops::Range<usize>) -> (usize, usize) {
    let mut keys = 0usize;
    let mut bytes = 0usize;
    for (_, e) in all.range(run) {
        keys += 1;
        bytes += 9 + e.address.len();
        let aliases = alias_bound(&e);
        keys += aliases;
        bytes += aliases * (8 + ALIAS_KEY_MAX.max(e.address.len() + 1));
    }
    (keys, bytes)
}

/// Bytes of an equivalent spelling's key: a CashAddr key (prefix id and
/// 42 characters) is the longest.
const ALIAS_KEY_MAX: usize = 64;

/// How many keys besides its own [`entry_keys`] may give `entry`: one per
/// other encoding of its kind, or a corrected spelling when the entry does
/// not parse.
fn alias_bound(entry: &EntryRef<'_>) -> usize {
    match entry.class.family {
        None => usize::from(correctable(entry.address).is_some()),
        // Per kind, computed when the list was loaded
        // (`list::store::alias_bound`).
        Some(_) => usize::from(entry.class.aliases),
    }
}

/// Entries keyed per run: a worker keys a run at a time while the calling
/// thread inserts the runs before it.
const RUN: usize = 1 << 16;

/// What the calling thread of [`compile`] gathers while it inserts the
/// keyed runs in order: the metadata interned globally, the lists' counts
/// and the spellings that do not render from their keys. All of it goes
/// into the meta section, written last.
struct Gathered<'a> {
    infos: Vec<ListInfo>,
    metas: Vec<Meta>,
    meta_ids: std::collections::HashMap<MetaRef<'a>, u32, foldhash::fast::FixedState>,
    odd: Vec<(u32, Box<str>)>,
}

impl<'a> Gathered<'a> {
    /// Inserts the keys and entry records of the keyed run that starts at
    /// entry `run_start` of `all`.
    fn insert_run(
        &mut self,
        b: &mut IndexBuilder,
        all: &All<'a>,
        run_start: usize,
        k: &RunKeys,
    ) -> Result<(), BuildError> {
        let too_many = || BuildError::TooManyKeys { count: all.len };
        // The run's distinct metadata, interned globally (few per run).
        let remap: Vec<u32> = k
            .firsts
            .iter()
            .map(|&pos| {
                let (li, e) = all.get(run_start + pos);
                let entry = e.provenance;
                let next = self.metas.len() as u32;
                let id = *self.meta_ids.entry(meta_ref(li, entry)).or_insert(next);
                if id == next {
                    self.metas.push(Meta {
                        list: li,
                        chain: entry.chain.clone(),
                        tickers: entry.tickers.clone(),
                        entity: entry.entity.clone(),
                        entity_id: entry.entity_id.clone(),
                        programs: entry.programs.clone(),
                        listed: entry.listed.clone(),
                        source: entry.source.clone(),
                    });
                }
                id
            })
            .collect();
        let buf = &k.keys;
        let mut ei = run_start;
        let mut o = 0;
        // Keys are inserted in batches of entries whose table groups are
        // read one batch ahead, all together: once the table outgrows the
        // caches, those reads are the cost of a build; issued back to back
        // their cache misses overlap, and a batch ahead they have landed
        // by the time its keys are inserted.
        let hash_batch = |b: &IndexBuilder, from: usize, out: &mut Vec<u64>| {
            out.clear();
            let mut p = from;
            for _ in 0..INSERT_BATCH {
                let Some(&n) = buf.get(p) else { break };
                p += 2;
                for _ in 0..n {
                    let len = usize::from(u16::from_le_bytes([buf[p + 1], buf[p + 2]]));
                    out.push(b.hash(buf[p], &buf[p + 4..p + 4 + len]));
                    p += 4 + len;
                }
            }
            b.warm(out);
            p
        };
        let mut hashes: Vec<u64> = Vec::with_capacity(4 * INSERT_BATCH);
        let mut ahead: Vec<u64> = Vec::with_capacity(4 * INSERT_BATCH);
        let mut batch_end = hash_batch(b, 0, &mut hashes);
        let mut ahead_end = hash_batch(b, batch_end, &mut ahead);
        let mut next_hash = 0;
        while o < buf.len() {
            if o == batch_end {
                std::mem::swap(&mut hashes, &mut ahead);
                batch_end = ahead_end;
                next_hash = 0;
                ahead_end = hash_batch(b, batch_end, &mut ahead);
            }
            let (li, entry) = all.get(ei);
            let n = buf[o] as usize;
            let form = buf[o + 1];
            o += 2;
            let info = &mut self.infos[li as usize];
            info.flagged += usize::from(form & index::FLAGGED != 0);
            info.unmatchable += usize::from(n == 0);
            if form & !index::FLAGGED == Form::Other as u8 {
                self.odd.push((ei as u32, entry.address.into()));
            }
            let mut own_key = index::NO_KEY;
            for _ in 0..n {
                let t = buf[o];
                let len = usize::from(u16::from_le_bytes([buf[o + 1], buf[o + 2]]));
                let via = buf[o + 3];
                let payload = &buf[o + 4..o + 4 + len];
                o += 4 + len;
                let hash = hashes[next_hash];
                next_hash += 1;
                let off = b
                    .insert_hashed(hash, t, payload, index::pack_ref(ei as u32, via))
                    .ok_or_else(too_many)?;
                if via == Via::Listed as u8 {
                    own_key = off;
                }
            }
            let pushed = b.push_entry(EntryRec {
                key: own_key,
                meta: remap[k.meta_ids[ei - run_start] as usize],
                line: entry.line,
                form,
            });
            if !pushed {
                return Err(too_many());
            }
            ei += 1;
        }
        Ok(())
    }
}

fn compile(lists: &[&List], bloom_mode: BloomMode, fp_rate: f64) -> Result<Screener, BuildError> {
    let mut infos: Vec<ListInfo> = Vec::new();
    let shas: Vec<[u8; 32]> = lists.iter().map(|l| l.sha256()).collect();
    for list in lists {
        let meta = list.meta();
        if infos.iter().any(|i| i.meta.id == meta.id) {
            return Err(BuildError::DuplicateListId {
                id: meta.id.clone(),
            });
        }
        infos.push(ListInfo {
            entries: list.len(),
            flagged: 0,
            unmatchable: 0,
            sha256: hex(&list.sha256()),
            meta: meta.clone(),
        });
    }
    let all = All::new(lists);
    if all.len > index::MAX_ENTRIES || lists.len() > u32::MAX as usize {
        return Err(BuildError::TooManyKeys { count: all.len });
    }
    let mut g = Gathered {
        infos,
        metas: Vec::new(),
        meta_ids: std::collections::HashMap::with_hasher(foldhash::fast::FixedState::with_seed(
            index::SEED,
        )),
        odd: Vec::new(),
    };
    // A small set is keyed on this thread: spawning costs more than it
    // saves (and `available_parallelism` reads cgroup files).
    const MIN_PARALLEL: usize = 4096;
    let b = if all.len <= MIN_PARALLEL {
        let (max_keys, arena) = key_bounds(&all, 0..all.len);
        let mut b = IndexBuilder::new(max_keys, arena, all.len);
        g.insert_run(&mut b, &all, 0, &key_entries(&all, 0..all.len))?;
        b
    } else {
        // Keys on every core, a run at a time (the expensive part:
        // parsing, the equivalent spellings' encodings), while this thread
        // sizes the image and then inserts the keyed runs in order, as they
        // come: the serial insert overlaps the keying instead of following
        // it. Bounds, not counts, size the table: they need no keying.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let runs = all.len.div_ceil(RUN);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let all = &all;
        let g = &mut g;
        std::thread::scope(|s| -> Result<IndexBuilder, BuildError> {
            // The bounds first, on every core: the inserts wait for them
            // (reading 10 M entries takes ~0.4 s on one shared core).
            let chunk = all.len.div_ceil(threads);
            let (max_keys, arena) = (0..all.len)
                .step_by(chunk)
                .map(|start| s.spawn(move || key_bounds(all, start..(start + chunk).min(all.len))))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().expect("bounds do not panic"))
                .fold((0, 0), |(k, a), (k2, a2)| (k + k2, a + a2));
            let (tx, rx) = std::sync::mpsc::channel::<(usize, RunKeys)>();
            for _ in 0..threads {
                let tx = tx.clone();
                let next = &next;
                s.spawn(move || {
                    loop {
                        let r = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if r >= runs {
                            break;
                        }
                        let run = r * RUN..((r + 1) * RUN).min(all.len);
                        // A closed channel: the build stopped on an error.
                        if tx.send((r, key_entries(all, run))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut b = IndexBuilder::new(max_keys, arena, all.len);
            let mut pending: Vec<Option<RunKeys>> = (0..runs).map(|_| None).collect();
            for want in 0..runs {
                while pending[want].is_none() {
                    // Every sender gone before this run came: a worker
                    // panicked, and the scope re-raises its panic.
                    let (r, k) = rx.recv().expect("keying does not panic");
                    pending[r] = Some(k);
                }
                if let Some(k) = pending[want].take() {
                    g.insert_run(&mut b, all, want * RUN, &k)?;
                }
            }
            Ok(b)
        })?
    };
    let Gathered {
        infos, metas, odd, ..
    } = g;

    let mut e = Encoder(Vec::new());
    e.len(infos.len());
    for (k, i) in infos.iter().enumerate() {
        e.list_meta(&i.meta);
        e.0.extend_from_slice(&shas[k]);
        e.len(i.entries);
        e.len(i.flagged);
        e.len(i.unmatchable);
    }
    e.0.push(match bloom_mode {
        BloomMode::Auto => 0,
        BloomMode::On => 1,
        BloomMode::Off => 2,
    });
    e.u64(fp_rate.to_bits());
    e.len(metas.len());
    for m in &metas {
        e.len(m.list as usize);
        e.opt(&m.chain);
        e.strs(&m.tickers);
        e.opt(&m.entity);
        e.opt(&m.entity_id);
        e.strs(&m.programs);
        e.opt(&m.listed);
        e.opt(&m.source);
    }
    e.len(odd.len());
    for (i, s) in &odd {
        e.len(*i as usize);
        e.str(s);
    }
    let index = b.finish(&e.0);
    drop(e);
    let bloom = build_bloom(&index, bloom_mode, fp_rate)?;
    let list_ids = infos
        .iter()
        .map(|i| Arc::from(i.meta.id.as_str()))
        .collect();
    let version = Arc::new(version_of(&infos));
    Ok(Screener {
        inner: Arc::new(Inner {
            index,
            bloom,
            metas,
            odd,
            lists: infos,
            list_ids,
            version,
            scan: std::sync::OnceLock::new(),
        }),
        history: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn screener_is_send_sync_clone() {
        assert_send_sync::<Screener>();
    }

    /// Every `check` returns a `Verdict` by value: a large error variant
    /// (the bech32 crate's errors are ~80 bytes) would be copied on every
    /// query, so the crate's errors are boxed.
    #[test]
    fn verdict_stays_small() {
        assert!(std::mem::size_of::<Verdict>() <= 40);
        // One register: the out-of-line part of a check answers in it.
        assert_eq!(std::mem::size_of::<Raw>(), 8);
        assert!(std::mem::size_of::<ParseError>() <= 40);
    }

    /// `check_many`, with and without reading ahead, answers as `check`:
    /// listed, unlisted, invalid and empty strings, in batches that do not
    /// divide evenly.
    #[test]
    fn check_batches_answer_as_check() {
        let s = Screener::bundled().unwrap();
        let mut inputs: Vec<String> = s.entries().map(|(_, e)| e.address).take(500).collect();
        for i in 0..300u32 {
            inputs.push(format!("0x{:040x}", u128::from(i) * 0x9e37_79b9_7f4a_7c15));
            inputs.push(format!("not an address {i}"));
            inputs.push(String::new());
            inputs.push(format!(
                "bc1q{}",
                "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(2)
            ));
        }
        inputs.truncate(inputs.len() - 3);
        let one_by_one: Vec<String> = inputs.iter().map(|i| format!("{:?}", s.check(i))).collect();
        for warm in [false, true] {
            let many: Vec<String> = s
                .check_batches(&inputs, warm, CheckOptions::default())
                .iter()
                .map(|v| format!("{v:?}"))
                .collect();
            assert_eq!(many, one_by_one, "warm {warm}");
        }
        assert!(one_by_one.iter().any(|v| v.starts_with("Hit")));
        assert!(one_by_one.iter().any(|v| v.starts_with("Clear")));
        assert!(one_by_one.iter().any(|v| v.starts_with("Invalid")));
    }

    #[test]
    fn empty_screener_answers() {
        for mode in [BloomMode::On, BloomMode::Off, BloomMode::Auto] {
            let s = ScreenerBuilder::new().bloom(mode).build().unwrap();
            assert!(matches!(
                s.check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                Verdict::Clear { .. }
            ));
        }
    }

    #[test]
    fn dates_to_unix_time() {
        for (date, want) in [
            ("1970-01-01", Some(0)),
            ("1969-12-31", Some(-86_400)),
            ("2000-02-29", Some(951_782_400)),
            ("2026-09-30", Some(1_790_726_400)),
            ("2026-12-04", Some(1_796_342_400)),
            ("2100-02-29", None),
            ("2026-13-01", None),
            ("2026-00-10", None),
            ("2026-09-31", None),
            ("2026-9-30", None),
            ("2026-09-3x", None),
            ("+026-09-30", None),
            ("", None),
        ] {
            assert_eq!(date_to_unix(date), want, "{date}");
        }
    }

    #[test]
    fn list_age_from_as_of() {
        use std::time::{Duration, UNIX_EPOCH};
        let s = Screener::bundled().unwrap();
        let ofac = s.lists().iter().find(|l| l.meta.id == "ofac-sdn").unwrap();
        assert!(ofac.is_bundled());
        let day = |n: u64| UNIX_EPOCH + Duration::from_secs(n * 86_400);
        let as_of = 1_790_726_400 / 86_400;
        assert_eq!(ofac.age_at(day(as_of)), Some(Duration::ZERO));
        assert_eq!(ofac.age_at(day(as_of - 5)), Some(Duration::ZERO));
        assert_eq!(
            ofac.age_at(day(as_of + 31)),
            Some(Duration::from_secs(31 * 86_400))
        );
        let thirty = Duration::from_secs(30 * 86_400);
        let old: Vec<&str> = s
            .lists_older_than(thirty, day(as_of + 31), true)
            .map(|(l, _)| l.meta.id.as_str())
            .collect();
        // fbi-dprk is of 2025-02-26.
        assert_eq!(old, ["ofac-sdn", "fbi-dprk"]);
        assert_eq!(s.lists_older_than(thirty, day(as_of + 30), true).count(), 1);
        // A list with the bundled id but other content is not bundled; a
        // list without a date has no age.
        let own = List::from_entries(ListMeta::new("ofac-sdn", Category::Sanctioned), []);
        let s = ScreenerBuilder::new()
            .bundled(true)
            .list(own)
            .build()
            .unwrap();
        let own = s.lists().iter().find(|l| l.meta.id == "ofac-sdn").unwrap();
        assert!(!own.is_bundled());
        assert_eq!(own.age_at(day(as_of + 31)), None);
        assert_eq!(
            s.lists_older_than(thirty, day(as_of + 31), false).count(),
            1
        );
    }

    #[test]
    fn a_list_with_a_bundled_id_replaces_the_bundled_list() {
        let mut meta = ListMeta::new("ofac-sdn", Category::Sanctioned);
        meta.as_of = Some("2030-01-01".to_owned());
        let own = List::from_entries(
            meta,
            [crate::list::Entry::new(
                "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
                1,
            )],
        );
        let s = ScreenerBuilder::new()
            .bundled(true)
            .list(own)
            .build()
            .unwrap();
        let ids: Vec<&str> = s.lists().iter().map(|l| l.meta.id.as_str()).collect();
        assert_eq!(ids, ["fbi-dprk", "ofac-sdn"]);
        assert!(s.check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").is_hit());
        // Hydra Market, in the bundled ofac-sdn only.
        assert!(!s.check("123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX").is_hit());
    }

    #[test]
    fn duplicate_list_ids_are_refused() {
        let l = List::from_entries(ListMeta::new("x", Category::Custom), []);
        let err = ScreenerBuilder::new()
            .list(l.clone())
            .list(l)
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::DuplicateListId { .. }));
    }
}
