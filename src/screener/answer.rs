//! The answer types: [`Verdict`] and its [`VerdictKind`], [`Hit`] (whose
//! matches are in `matches.rs`), the [`Via`] that reached a match, the list set's [`Version`],
//! a compiled list's [`ListInfo`], and the per-call [`CheckOptions`].

use std::sync::Arc;

use serde::{Serialize, Serializer, ser::SerializeMap};
use sha2::{Digest, Sha256};

use super::{Inner, Matches};
use crate::address::{Checksum, Family, Network};
use crate::error::ParseError;
use crate::list::ListMeta;

/// Per-call options of [`Screener::check_with`](super::Screener::check_with): made with
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
    /// given. Costs a full decode of the address. Off by default: the
    /// default check looks at shape only. Never turns a
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

    pub(super) fn from_code(code: u8) -> Option<Via> {
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
///
/// # Examples
///
/// ```
/// use walletscreen::{Family, Screener};
/// let s = Screener::bundled()?;
/// // Hydra Market's address, in a payment URI.
/// let v = s.check("bitcoin:123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX?amount=0.1");
/// let hit = v.hit().expect("listed");
/// assert_eq!(hit.family, Family::Base58);
/// assert_eq!(hit.matches().len(), 1);
/// for m in hit.matches() {
///     assert_eq!(m.list(), "ofac-sdn");
///     assert_eq!(m.provenance().entity.as_deref(), Some("Hydra Market"));
///     assert_eq!(m.provenance().programs, ["CYBER2"]);
/// }
/// // Serialized, a hit is its family, checksum, matches and version.
/// let json = serde_json::to_value(hit).unwrap();
/// assert_eq!(json["matches"][0]["entity"], "Hydra Market");
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
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
    pub(super) inner: Arc<Inner>,
    pub(super) key: u32,
}

impl Hit {
    /// Every listed entry the query matched, in list order (and, within a
    /// list, file order), never empty.
    ///
    /// Cheap to call again: an iterator over the compiled screener's
    /// precomputed entries, borrowing them from this hit (no allocation,
    /// no parsing). Collect it (`Vec<Match>`) to index into it; see
    /// [`Match::into_owned`](crate::Match::into_owned) to keep a match apart from the hit.
    pub fn matches(&self) -> Matches<'_> {
        // A spelling mapped when the query was keyed reached the listed
        // spelling's key: say how.
        let mapped = match self.family {
            Family::XAddress => Some(Via::XAddressOfClassic),
            Family::Icap => Some(Via::IcapOfEvm),
            _ => None,
        };
        Matches::new(&self.inner, self.key, mapped)
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
            && self.matches().eq(other.matches())
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

/// A verdict in brief, from [`Screener::check_each_brief`](super::Screener::check_each_brief):
/// what a column writer needs for every row (the kind, the family, why an
/// input is invalid), without the matches of a hit, which are not looked
/// up (ask [`Screener::check_with`](super::Screener::check_with) for that
/// input: hits are rare).
///
/// Each variant says what the [`Verdict`] of the same input, with the
/// same options, says.
///
/// ```
/// use walletscreen::{Brief, CheckOptions, Family, Screener, VerdictKind};
///
/// let s = Screener::bundled()?;
/// let inputs = ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "not an address"];
/// let mut briefs = Vec::new();
/// s.check_each_brief(&inputs, CheckOptions::default(), |_, b| briefs.push(b));
/// assert_eq!(briefs[0], Brief::Hit(Family::Evm));
/// assert_eq!(briefs[1].kind(), VerdictKind::Invalid);
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Brief {
    /// [`Verdict::Hit`]: listed; the family of the input's spelling.
    Hit(Family),
    /// [`Verdict::Clear`]: well-formed and not listed.
    Clear(Family),
    /// [`Verdict::Invalid`], with its reason.
    Invalid(ParseError),
}

impl Brief {
    /// Which kind of answer this is.
    pub fn kind(&self) -> VerdictKind {
        match self {
            Brief::Hit(_) => VerdictKind::Hit,
            Brief::Clear(_) => VerdictKind::Clear,
            Brief::Invalid(_) => VerdictKind::Invalid,
        }
    }

    /// The family recognized; `None` for an invalid input.
    pub fn family(&self) -> Option<Family> {
        match self {
            Brief::Hit(f) | Brief::Clear(f) => Some(*f),
            Brief::Invalid(_) => None,
        }
    }
}

/// A verdict in brief: what [`Screener::check_brief`](super::Screener::check_brief)
/// answers for the same input and options.
///
/// ```
/// use walletscreen::{Brief, CheckOptions, Screener};
///
/// let s = Screener::bundled()?;
/// let o = CheckOptions::default();
/// for input in ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "not an address"] {
///     assert_eq!(Brief::from(&s.check_with(input, o)), s.check_brief(input, o));
/// }
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
impl From<&Verdict> for Brief {
    fn from(v: &Verdict) -> Brief {
        match v {
            Verdict::Clear { family, .. } => Brief::Clear(*family),
            Verdict::Hit(h) => Brief::Hit(h.family),
            Verdict::Invalid { reason } => Brief::Invalid(reason.clone()),
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
        crate::bundled::sha256s()
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

pub(super) fn hex(bytes: &[u8]) -> String {
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
pub(super) fn version_of(infos: &[ListInfo]) -> Version {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
