//! Builder → immutable compiled [`Screener`] (optional bloom filter in front
//! of an exact key set) → [`Screener::check`].

use std::sync::Arc;

use serde::{Serialize, Serializer, ser::SerializeMap};
use sha2::{Digest, Sha256};

use crate::address::{self, AddressKind, Checksum, Family, Keyed, Scratch, base58check, cashaddr};
use crate::error::{BuildError, ParseError};
use crate::list::{Category, Entry, List, ListMeta};
use crate::table::KeyTable;

/// Whether the compiled screener puts a bloom filter in front of its exact
/// key set.
///
/// Every bloom positive is confirmed against the exact set, so the filter
/// never changes an answer, only the cost of a miss. Measured on the bundled
/// lists (see `BENCHMARKS.md`), the bloom filter costs more per miss than the
/// in-cache hash probe it guards, so [`BloomMode::Auto`] only enables it for
/// key sets of at least [`AUTO_BLOOM_MIN_KEYS`], whose table no longer fits
/// in cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BloomMode {
    /// Bloom filter only for large key sets.
    #[default]
    Auto,
    /// Always build and consult the bloom filter.
    On,
    /// Never.
    Off,
}

/// Key count from which [`BloomMode::Auto`] builds a bloom filter.
pub const AUTO_BLOOM_MIN_KEYS: usize = 4_000_000;

/// Seed of the bloom filter's hashes (fixed, for reproducible builds).
const BLOOM_SEED: [u8; 32] = *b"walletscreen bloom filter seed!!";

/// Per-call options of [`Screener::check_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// How a query reached a listed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The listed address itself (up to case where the format ignores case,
    /// whitespace, invisible characters and URI wrapping).
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
}

impl Via {
    /// The snake_case name used in serialized output.
    pub fn name(self) -> &'static str {
        match self {
            Via::Listed => "listed",
            Via::LegacyOfCashaddr => "legacy_of_cashaddr",
            Via::CashaddrOfLegacy => "cashaddr_of_legacy",
            Via::TronHexOfBase58 => "tron_hex_of_base58",
            Via::TronBase58OfHex => "tron_base58_of_hex",
            Via::CorrectedSpelling => "corrected_spelling",
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
        let e = &self.entry;
        let mut m = s.serialize_map(Some(13))?;
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
        m.end()
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
    inner: Arc<Inner>,
    key: u32,
}

impl Hit {
    /// Every listed entry the query matched, in list order.
    pub fn matches(&self) -> &[Match] {
        let i = self.key as usize;
        let range = self.inner.group_start[i] as usize..self.inner.group_start[i + 1] as usize;
        &self.inner.matches[range]
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
            && self.matches() == other.matches()
            && self.version() == other.version()
    }
}

impl std::fmt::Debug for Hit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hit")
            .field("family", &self.family)
            .field("checksum", &self.checksum)
            .field("matches", &self.matches())
            .field("version", self.version())
            .finish()
    }
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("family", &self.family)?;
        m.serialize_entry("checksum", &self.checksum)?;
        m.serialize_entry("matches", self.matches())?;
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

    /// `"hit"`, `"clear"` or `"invalid"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Clear { .. } => "clear",
            Verdict::Hit(_) => "hit",
            Verdict::Invalid { .. } => "invalid",
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
}

impl Default for ScreenerBuilder {
    fn default() -> Self {
        ScreenerBuilder {
            lists: Vec::new(),
            bundled: false,
            bloom: BloomMode::Auto,
            fp_rate: 0.01,
        }
    }
}

impl ScreenerBuilder {
    /// An empty builder (no lists, not even the bundled ones).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a loaded list.
    pub fn list(&mut self, list: List) -> &mut Self {
        self.lists.push(list);
        self
    }

    /// Whether to include the lists shipped in the crate (see
    /// [`crate::bundled`]).
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

    /// Compiles the lists.
    pub fn build(&self) -> Result<Screener, BuildError> {
        let mut lists = Vec::new();
        if self.bundled {
            lists.extend(crate::bundled::lists()?);
        }
        lists.extend(self.lists.iter().cloned());
        compile(lists, self.bloom, self.fp_rate)
    }
}

/// A reference from a key to an entry.
#[derive(Debug, Clone, Copy)]
struct Ref {
    entry: u32,
    via: Via,
}

struct Inner {
    table: KeyTable,
    bloom: Option<bloomfilter::Bloom<u64>>,
    /// Key `i`'s matches are `matches[group_start[i]..group_start[i + 1]]`.
    group_start: Vec<u32>,
    matches: Vec<Match>,
    /// Entries with the index of their list.
    entries: Vec<(u32, Arc<Entry>)>,
    lists: Vec<ListInfo>,
    list_ids: Vec<Arc<str>>,
    version: Arc<Version>,
    /// The automatons of `Screener::scan`, built on its first call.
    scan: std::sync::OnceLock<crate::scan::ScanIndex>,
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
#[derive(Clone)]
pub struct Screener {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Screener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screener")
            .field("lists", &self.inner.list_ids)
            .field("keys", &self.inner.table.len())
            .field("bloom", &self.inner.bloom.is_some())
            .field("version", &self.inner.version)
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
    pub fn bundled() -> Result<Screener, BuildError> {
        ScreenerBuilder::new().bundled(true).build()
    }

    /// Screens one string: no I/O, no allocation unless it is a hit or
    /// invalid.
    pub fn check(&self, input: &str) -> Verdict {
        self.check_with(input, CheckOptions::default())
    }

    /// Screens one string with options.
    pub fn check_with(&self, input: &str, opts: CheckOptions) -> Verdict {
        let mut scratch = Scratch::new();
        let k = match address::key(input, &mut scratch) {
            Ok(k) => k,
            Err(reason) => return Verdict::Invalid { reason },
        };
        if let Some(idx) = self.lookup(k.tag, k.payload) {
            return Verdict::Hit(self.hit(idx, &k, opts));
        }
        match k.family {
            Family::Opaque => Verdict::Invalid { reason: k.error() },
            family if opts.verify_checksum => match address::parse_keyed(&k) {
                Ok(a) => Verdict::Clear {
                    family,
                    checksum: a.checksum,
                },
                Err(reason) => Verdict::Invalid { reason },
            },
            family => Verdict::Clear {
                family,
                checksum: Checksum::NotChecked,
            },
        }
    }

    /// Screens many strings, in order.
    pub fn check_many<I>(&self, inputs: I) -> Vec<Verdict>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        inputs.into_iter().map(|s| self.check(s.as_ref())).collect()
    }

    /// True if `input` is listed; the cheapest question.
    pub fn is_listed(&self, input: &str) -> bool {
        let mut scratch = Scratch::new();
        match address::key(input, &mut scratch) {
            Ok(k) => self.lookup(k.tag, k.payload).is_some(),
            Err(_) => false,
        }
    }

    #[inline(always)]
    fn lookup(&self, tag: u8, payload: &[u8]) -> Option<u32> {
        let inner = &*self.inner;
        let hash = inner.table.hash(tag, payload);
        if let Some(bloom) = &inner.bloom
            && !bloom.check(&hash)
        {
            return None;
        }
        inner.table.find(hash, tag, payload)
    }

    fn hit(&self, idx: u32, k: &Keyed<'_>, opts: CheckOptions) -> Hit {
        let checksum = match k.family {
            Family::Opaque => Checksum::Absent,
            _ if !opts.verify_checksum => Checksum::NotChecked,
            _ => match address::parse_keyed(k) {
                Ok(a) => a.checksum,
                Err(_) => Checksum::Invalid,
            },
        };
        Hit {
            family: k.family,
            checksum,
            inner: self.inner.clone(),
            key: idx,
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

    /// Number of entries over all lists.
    pub fn entry_count(&self) -> usize {
        self.inner.entries.len()
    }

    /// Number of distinct keys (listed spellings plus indexed equivalents).
    pub fn key_count(&self) -> usize {
        self.inner.table.len()
    }

    /// Whether a bloom filter was built.
    pub fn has_bloom(&self) -> bool {
        self.inner.bloom.is_some()
    }

    /// Entries whose address did not validate, with their list id.
    pub fn flagged(&self) -> impl Iterator<Item = (&str, &Entry)> {
        let inner = &*self.inner;
        inner
            .entries
            .iter()
            .filter(|(_, e)| e.issue.is_some())
            .map(move |(l, e)| (&*inner.list_ids[*l as usize], &**e))
    }

    /// The automatons of [`Screener::scan`](crate::scan), built on first
    /// use from every indexed key.
    pub(crate) fn scan_index(&self) -> &crate::scan::ScanIndex {
        let inner = &*self.inner;
        inner.scan.get_or_init(|| {
            let t = &inner.table;
            crate::scan::ScanIndex::build((0..t.len() as u32).map(|i| t.key(i)))
        })
    }

    /// Approximate heap bytes of the index (key arena, table, groups, bloom),
    /// excluding entry metadata.
    pub fn index_bytes(&self) -> usize {
        let inner = &*self.inner;
        inner.table.heap_bytes()
            + 4 * inner.group_start.capacity()
            + std::mem::size_of::<Match>() * inner.matches.capacity()
            + inner.bloom.as_ref().map_or(0, |b| b.as_slice().len())
    }
}

/// The keys of an entry: its own spelling, then equivalent spellings in
/// other encodings.
fn entry_keys(entry: &Entry) -> Vec<(u8, Vec<u8>, Via)> {
    let mut out = Vec::with_capacity(2);
    // Every key, the equivalent spellings' too, comes from `address::key`:
    // the one path queries take.
    let mut push = |spelling: &str, via: Via| {
        let mut scratch = Scratch::new();
        if let Ok(k) = address::key(spelling, &mut scratch) {
            out.push((k.tag, k.payload.to_vec(), via));
        }
    };
    push(&entry.address, Via::Listed);
    let Some(a) = &entry.parsed else {
        if let Some(fixed) = corrected_spelling(&entry.address) {
            push(&fixed, Via::CorrectedSpelling);
        }
        return out;
    };
    let hash = a.payload.as_slice();
    match &a.kind {
        AddressKind::Tron => {
            push(&format!("41{}", hex(hash)), Via::TronHexOfBase58);
        }
        AddressKind::TronHex => {
            push(&base58check::encode(&[0x41], hash), Via::TronBase58OfHex);
        }
        AddressKind::P2pkh { version: 0 } | AddressKind::P2sh { version: 5 } => {
            let kind = u8::from(matches!(a.kind, AddressKind::P2sh { .. }));
            if let Ok(c) = cashaddr::encode(address::CASHADDR_DEFAULT_PREFIX, kind, hash) {
                push(&c, Via::CashaddrOfLegacy);
            }
        }
        AddressKind::CashAddr { prefix, kind } if prefix == "bitcoincash" && hash.len() == 20 => {
            let version = match kind {
                0 => Some(0x00),
                1 => Some(0x05),
                _ => None,
            };
            if let Some(v) = version {
                push(&base58check::encode(&[v], hash), Via::LegacyOfCashaddr);
            }
        }
        _ => {}
    }
    out
}

/// Look-alike characters outside the base58 alphabet and what they stand
/// for inside it.
const LOOKALIKES: &[(u8, u8)] = &[(b'l', b'1'), (b'I', b'1'), (b'O', b'o'), (b'0', b'o')];

/// For an address that fails validation: the single base58 or Monero
/// address that replacing one look-alike character makes valid, if exactly
/// one such replacement does. OFAC lists a Monero address with `l` where
/// its checksum says `1`.
fn corrected_spelling(listed: &str) -> Option<String> {
    let text = address::normalize(listed).ok()?;
    if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
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

fn hex(bytes: &[u8]) -> String {
    address::evm::Hex(bytes).to_string()
}

fn compile(lists: Vec<List>, bloom_mode: BloomMode, fp_rate: f64) -> Result<Screener, BuildError> {
    let mut table = KeyTable::new();
    let mut pairs: Vec<(u32, Ref)> = Vec::new();
    let mut entries = Vec::new();
    let mut infos: Vec<ListInfo> = Vec::new();
    let mut list_ids: Vec<Arc<str>> = Vec::new();
    for (li, list) in lists.into_iter().enumerate() {
        let (meta, list_entries, sha) = list.into_parts();
        if list_ids.iter().any(|id| **id == *meta.id) {
            return Err(BuildError::DuplicateListId { id: meta.id });
        }
        let li = u32::try_from(li).map_err(|_| BuildError::TooManyKeys { count: li })?;
        let mut info = ListInfo {
            entries: list_entries.len(),
            flagged: 0,
            unmatchable: 0,
            sha256: hex(&sha),
            meta,
        };
        for entry in list_entries {
            let ei = u32::try_from(entries.len()).map_err(|_| BuildError::TooManyKeys {
                count: entries.len(),
            })?;
            info.flagged += usize::from(entry.issue.is_some());
            let keys = entry_keys(&entry);
            info.unmatchable += usize::from(keys.is_empty());
            for (t, payload, via) in keys {
                let ki = table
                    .insert(t, &payload)
                    .map_err(|count| BuildError::TooManyKeys { count })?;
                pairs.push((ki, Ref { entry: ei, via }));
            }
            entries.push((li, Arc::new(entry)));
        }
        list_ids.push(Arc::from(info.meta.id.as_str()));
        infos.push(info);
    }
    table.shrink_to_fit();
    // Group refs by key; a stable sort keeps list order within a key.
    pairs.sort_by_key(|&(k, _)| k);
    let mut group_start = Vec::with_capacity(table.len() + 1);
    let mut matches = Vec::with_capacity(pairs.len());
    let mut next = 0;
    for k in 0..table.len() as u32 {
        group_start.push(matches.len() as u32);
        while next < pairs.len() && pairs[next].0 == k {
            let r = pairs[next].1;
            let (list, entry) = &entries[r.entry as usize];
            matches.push(Match {
                list: Arc::clone(&list_ids[*list as usize]),
                category: infos[*list as usize].meta.category,
                via: r.via,
                entry: Arc::clone(entry),
            });
            next += 1;
        }
    }
    group_start.push(matches.len() as u32);

    let use_bloom = match bloom_mode {
        BloomMode::On => true,
        BloomMode::Off => false,
        BloomMode::Auto => table.len() >= AUTO_BLOOM_MIN_KEYS,
    };
    let bloom = if use_bloom && table.len() > 0 {
        let mut b =
            bloomfilter::Bloom::new_for_fp_rate_with_seed(table.len(), fp_rate, &BLOOM_SEED)
                .map_err(|reason| BuildError::Bloom {
                    reason: reason.to_owned(),
                })?;
        for i in 0..table.len() as u32 {
            let (t, p) = table.key(i);
            b.set(&table.hash(t, p));
        }
        Some(b)
    } else {
        None
    };

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
    let version = Arc::new(Version {
        date: infos.iter().filter_map(|i| i.meta.as_of.clone()).max(),
        sha256: hex(&h.finalize()),
    });

    Ok(Screener {
        inner: Arc::new(Inner {
            table,
            bloom,
            group_start,
            matches,
            entries,
            lists: infos,
            list_ids,
            version,
            scan: std::sync::OnceLock::new(),
        }),
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
        assert!(std::mem::size_of::<ParseError>() <= 40);
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
