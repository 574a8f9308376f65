//! Builder → immutable compiled [`Screener`] (an exact key set in one byte
//! image) → [`Screener::check`].
//!
//! One concern a file: this one holds the [`Screener`] and its query path
//! (`check`, `check_many`, `is_listed`, the lookups, the compiled lists'
//! accessors); `answer.rs` the answer types ([`Verdict`], [`Hit`],
//! [`Via`], [`ListInfo`], [`CheckOptions`]); `matches.rs` a hit's
//! [`Matches`], borrowed from the compiled screener ([`Match`],
//! [`Spelling`], [`OwnedMatch`]); `build.rs` the
//! [`ScreenerBuilder`] and the threaded compile; `aliases.rs` the keys of a
//! listed address (its equivalent spellings, corrected look-alikes);
//! `compiled.rs` the compiled file and its meta section; `at.rs` the
//! answer as of a date.

use std::sync::Arc;

use crate::address::{self, Checksum, Family, Keyed, Network, Scratch};
use crate::error::{BuildError, ParseError};
use crate::history::History;
use crate::index::{self, Index};
use crate::list::{Entry, Provenance};

mod aliases;
mod answer;
mod at;
mod build;
mod compiled;
mod matches;

pub use answer::{Brief, CheckOptions, Hit, ListInfo, Verdict, VerdictKind, Version, Via};
pub(crate) use at::HistoryIndex;
pub use at::{DatedMatch, HitAt, VerdictAt};
pub use build::ScreenerBuilder;
pub use matches::{Match, Matches, OwnedMatch, Spelling};

// Table size from which `Screener::check_many` keys strings in batches and
// reads their groups ahead: about an L2 cache (below it the reads are cache
// hits and batching is pure cost; BENCHMARKS.md).
const WARM_TABLE_BYTES: usize = 1 << 20;

/// What a check found, in 8 bytes (one register): the out-of-line part
/// of [`Screener::check_with`] answers this, and the inlined part builds
/// the [`Verdict`].
#[derive(Debug, Clone, Copy)]
enum Raw {
    /// Well-formed, not listed (the network when it was decoded).
    Clear(Family, Checksum, Option<Network>),
    /// Listed: the key's record offset.
    Hit(u32, Family, Checksum),
    /// Not listed, and invalid: the reason, when it is wanted, is given
    /// beside (see `Screener::check_raw_why`).
    Invalid,
}

/// Metadata shared by entries: the list and the provenance (interned: a
/// list of a million entries with one entity holds it once).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Meta {
    list: u32,
    provenance: Provenance,
}

struct Inner {
    index: Index,
    metas: Vec<Meta>,
    /// Listed spellings that do not render from their key, by entry.
    odd: Vec<(u32, Box<str>)>,
    lists: Vec<ListInfo>,
    list_ids: Vec<Arc<str>>,
    version: Arc<Version>,
    /// Why each flagged entry's address does not validate, by entry: from
    /// the lists when compiled, found on first use in an image read back.
    issues: std::sync::OnceLock<Vec<(u32, ParseError)>>,
    /// The automatons of `Screener::scan`, built on its first call.
    scan: std::sync::OnceLock<crate::index::ScanIndex>,
}

/// A compiled, immutable screener. `Send + Sync`; cloning is an `Arc` bump.
///
/// ```
/// use walletscreen::{Screener, Verdict};
/// let s = Screener::bundled().unwrap();
/// // A Lazarus Group address from the FBI's Bybit notice, in lower case:
/// let v = s.check("0x51e9d833ecae4e8d9d8be17300aee6d3398c135d");
/// let hit = v.hit().unwrap();
/// assert_eq!(hit.matches().next().unwrap().list(), "fbi-dprk");
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
    ///
    /// The lists ship compiled (`lists/bundled.wsidx`, the image that
    /// compiling them gives, byte for byte): this reads that image in
    /// place, without parsing or compiling the list files. The history is
    /// compiled on the first call and shared by the screeners of later
    /// ones. The answer is the same as
    /// `ScreenerBuilder::new().bundled(true).build()`.
    pub fn bundled() -> Result<Screener, BuildError> {
        static HISTORY: std::sync::OnceLock<Arc<HistoryIndex>> = std::sync::OnceLock::new();
        let history = match HISTORY.get() {
            Some(h) => Arc::clone(h),
            None => {
                let h = Arc::new(HistoryIndex::build(crate::bundled::history()?)?);
                Arc::clone(HISTORY.get_or_init(|| h))
            }
        };
        let lists = Screener::from_image(index::Image::Static(crate::bundled::image()))
            .map_err(|source| BuildError::BundledImage { source })?;
        Ok(Screener {
            history: Some(history),
            ..lists
        })
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

    /// Screens one string: no I/O, no allocation unless it is invalid.
    #[inline]
    pub fn check(&self, input: &str) -> Verdict {
        self.check_with(input, CheckOptions::default())
    }

    /// Screens one string with options.
    ///
    /// The same contract as [`Screener::check`], with the options of
    /// [`CheckOptions`].
    ///
    /// ```
    /// use walletscreen::{CheckOptions, Screener, VerdictKind};
    ///
    /// let s = Screener::bundled()?;
    /// let opts = CheckOptions::new().verify_checksum(true);
    /// // A mistyped Bitcoin address: a valid shape, a wrong checksum.
    /// let v = s.check_with("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", opts);
    /// assert_eq!(v.kind(), VerdictKind::Invalid);
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    // The work is done out of line and answers in one register; this small
    // inlined part builds the `Verdict` in the caller (a 40-byte `Verdict`
    // returned through memory cost a store-forwarding stall per check;
    // BENCHMARKS.md).
    #[inline]
    pub fn check_with(&self, input: &str, opts: CheckOptions) -> Verdict {
        // The reason of an invalid input comes back through `why`, written
        // only on that path: a valid input's answer stays in the register.
        let mut why = None;
        let raw = self.check_raw_why(input, opts, &mut why);
        if let Raw::Invalid = raw {
            return self.expand(raw, input, opts, why);
        }
        // `why` is `None` here (it is written for an invalid input only):
        // forgotten rather than dropped, so that the valid path does not
        // read it back to see whether it holds an error to free.
        std::mem::forget(why);
        self.expand(raw, input, opts, None)
    }

    /// The [`Verdict::kind`] that [`Screener::check_with`] would answer
    /// ([`VerdictKind::Hit`], `Clear` or `Invalid`), without building the verdict:
    /// no [`Hit`], and no [`ParseError`] for an invalid input (which
    /// `check_with` computes on that path). For triage at volume, e.g.
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

    /// A [`Raw`] answer as a `Verdict`. The reason of an invalid input is
    /// `why` (the error is not carried through the register); without one,
    /// the input is keyed again to say why.
    #[inline(always)]
    fn expand(
        &self,
        raw: Raw,
        input: &str,
        opts: CheckOptions,
        why: Option<ParseError>,
    ) -> Verdict {
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
                reason: why.unwrap_or_else(|| self.invalid_reason(input, opts)),
            },
        }
    }

    /// The out-of-line part of [`Screener::check_kind`]: the answer
    /// without the reason of an invalid input.
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
        self.raw(k, found, opts, None)
    }

    /// The out-of-line part of [`Screener::check_with`]: [`Raw`], and
    /// for an invalid input its reason in `why`, from the same keying (an
    /// input is keyed once, whatever the answer).
    fn check_raw_why(&self, input: &str, opts: CheckOptions, why: &mut Option<ParseError>) -> Raw {
        let mut scratch = Scratch::new();
        // Borrowed: see `check_raw`.
        let keyed = address::key(input, &mut scratch);
        let k = match &keyed {
            Ok(k) => k,
            Err(reason) => {
                Self::explain(why, || reason.clone());
                return Raw::Invalid;
            }
        };
        let found = self.lookup(k.tag, k.payload);
        self.raw(k, found, opts, Some(why))
    }

    /// Writes the reason of an invalid input: out of line, so that the
    /// valid inputs' path in [`Screener::check_raw_why`] stays as short as
    /// [`Screener::check_raw`]'s.
    #[cold]
    #[inline(never)]
    fn explain(why: &mut Option<ParseError>, reason: impl FnOnce() -> ParseError) {
        *why = Some(reason());
    }

    /// The answer for a keyed string and what the table said. With `why`,
    /// the reason of an invalid answer is written there by the branch that
    /// finds it (a hit or a clear answer pays nothing for it).
    #[inline(always)]
    fn raw(
        &self,
        k: &Keyed<'_>,
        found: Option<u32>,
        opts: CheckOptions,
        why: Option<&mut Option<ParseError>>,
    ) -> Raw {
        if let Some(idx) = found {
            return Raw::Hit(idx, k.family, self.hit_checksum(k, opts));
        }
        match k.family {
            Family::Opaque => {
                if let Some(why) = why {
                    Self::explain(why, || k.error());
                }
                Raw::Invalid
            }
            family if opts.verify_checksum => match address::parse_keyed(k) {
                Ok(a) => Raw::Clear(family, a.checksum, Some(a.network())),
                Err(reason) => {
                    if let Some(why) = why {
                        Self::explain(why, || reason);
                    }
                    Raw::Invalid
                }
            },
            family => Raw::Clear(family, Checksum::NotChecked, None),
        }
    }

    /// Why `input` is [`Raw::Invalid`], keyed again: for the answers that
    /// did not keep their reason (`check_at`, and a batch's inputs that
    /// cannot be keyed). The reason comes from the branch of
    /// [`Screener::raw`] that answers invalid, as for `check`: an invalid
    /// input is one that no key of the table holds.
    #[cold]
    #[inline(never)]
    fn invalid_reason(&self, input: &str, opts: CheckOptions) -> ParseError {
        let mut scratch = Scratch::new();
        let k = match address::key(input, &mut scratch) {
            Ok(k) => k,
            Err(reason) => return reason,
        };
        let mut why = None;
        self.raw(&k, None, opts, Some(&mut why));
        // `raw` writes a reason whenever it answers invalid; an input that
        // is not, had it been asked, says what it would be.
        why.unwrap_or_else(|| k.error())
    }

    /// Screens many strings, in order; the same verdicts as
    /// [`Screener::check`] on each.
    ///
    /// On a large list, faster per string than a loop over `check`:
    /// strings are keyed in groups of [`BATCH`](Self::BATCH) and then
    /// looked up together, so that the table reads of a group (each a
    /// likely cache miss) are in flight at the same time. Small tables are
    /// checked one string after the other.
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
        let inputs = inputs.into_iter();
        let mut out = Vec::with_capacity(inputs.size_hint().0);
        self.check_each_with(inputs, opts, |_, v| out.push(v));
        out
    }

    /// [`Screener::check_many_with`] without the `Vec`: each string's
    /// verdict is handed to `each` with the string's index, in order, as
    /// soon as it is made (the same batches on a large list). For callers
    /// that keep verdicts their own way, e.g. straight into columns.
    ///
    /// ```
    /// use walletscreen::{CheckOptions, Screener, VerdictKind};
    ///
    /// let s = Screener::bundled()?;
    /// let inputs = ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "not an address"];
    /// let mut kinds = [VerdictKind::Clear; 2];
    /// s.check_each_with(&inputs, CheckOptions::default(), |i, v| kinds[i] = v.kind());
    /// assert_eq!(kinds, [VerdictKind::Hit, VerdictKind::Invalid]);
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn check_each_with<I>(
        &self,
        inputs: I,
        opts: CheckOptions,
        mut each: impl FnMut(usize, Verdict),
    ) where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        // Batching pays only when the table is out of cache: below that,
        // one `check` after the other.
        if self.inner.index.table_bytes() <= WARM_TABLE_BYTES {
            for (i, input) in inputs.into_iter().enumerate() {
                each(i, self.check_with(input.as_ref(), opts));
            }
            return;
        }
        let inputs: Vec<I::Item> = inputs.into_iter().collect();
        self.check_batches(&inputs, true, opts, |i, input, raw, why| {
            each(i, self.expand(raw, input, opts, why.take()));
        });
    }

    /// [`Screener::check_each_with`] in brief: each string's [`Brief`]
    /// (its kind and family, and why it is invalid) is handed to `each`
    /// with the string's index, in order, and no [`Hit`] is built. For
    /// writers of columns at volume, where every row needs its kind and
    /// family and only a hit's row needs its matches: ask
    /// [`Screener::check_with`] for those.
    ///
    /// Cheaper per string than `check_each_with` (no [`Hit`] is built,
    /// and an invalid input is keyed once); the same batches on a large
    /// list.
    ///
    /// ```
    /// use walletscreen::{Brief, CheckOptions, Family, Screener};
    ///
    /// let s = Screener::bundled()?;
    /// let inputs = [
    ///     "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
    ///     "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    ///     "not an address",
    /// ];
    /// let mut hits = Vec::new();
    /// let mut clear = 0;
    /// s.check_each_brief(&inputs, CheckOptions::default(), |i, b| match b {
    ///     // The matches of a hit, from the full verdict.
    ///     Brief::Hit(_) => hits.push(s.check(inputs[i])),
    ///     Brief::Clear(Family::Bech32) => clear += 1,
    ///     _ => {}
    /// });
    /// assert_eq!((hits.len(), clear), (1, 1));
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn check_each_brief<I>(
        &self,
        inputs: I,
        opts: CheckOptions,
        mut each: impl FnMut(usize, Brief),
    ) where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        if self.inner.index.table_bytes() <= WARM_TABLE_BYTES {
            for (i, input) in inputs.into_iter().enumerate() {
                each(i, self.check_brief(input.as_ref(), opts));
            }
            return;
        }
        self.check_each_brief_batched(inputs, opts, each);
    }

    /// The batch path of [`Screener::check_each_brief`], out of line: the
    /// loop of one check after the other stays small enough for the
    /// caller's `each` to be inlined into it (with the batch path in the
    /// same function, `each` was called out of line, each answer passed
    /// through memory; BENCHMARKS.md, "Sixth session").
    #[inline(never)]
    fn check_each_brief_batched<I>(
        &self,
        inputs: I,
        opts: CheckOptions,
        mut each: impl FnMut(usize, Brief),
    ) where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let inputs: Vec<I::Item> = inputs.into_iter().collect();
        self.check_batches(&inputs, true, opts, |i, input, raw, why| {
            each(i, self.brief(raw, input, opts, why.take()));
        });
    }

    /// [`Screener::check_with`] in brief: the [`Brief`] of `input`, its
    /// kind and family and why it is invalid, without building a [`Hit`]
    /// (see [`Screener::check_each_brief`]).
    ///
    /// ```
    /// use walletscreen::{Brief, CheckOptions, Family, Screener};
    ///
    /// let s = Screener::bundled()?;
    /// let o = CheckOptions::default();
    /// let hit = s.check_brief("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", o);
    /// assert_eq!(hit, Brief::Hit(Family::Evm));
    /// assert!(matches!(s.check_brief("not an address", o), Brief::Invalid(_)));
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    // Inlined whole: the answer stays in registers up to the caller's
    // match (out of line, the 40-byte `Brief` went through memory).
    #[inline(always)]
    pub fn check_brief(&self, input: &str, opts: CheckOptions) -> Brief {
        let mut why = None;
        let raw = self.check_raw_why(input, opts, &mut why);
        if let Raw::Invalid = raw {
            return self.brief(raw, input, opts, why);
        }
        // `why` is `None` here: forgotten, as in `check_with`.
        std::mem::forget(why);
        self.brief(raw, input, opts, None)
    }

    /// A [`Raw`] answer as a [`Brief`], as [`Screener::expand`] makes a
    /// `Verdict`: the reason of an invalid input is `why`, or the input is
    /// keyed again to say why.
    #[inline(always)]
    fn brief(&self, raw: Raw, input: &str, opts: CheckOptions, why: Option<ParseError>) -> Brief {
        match raw {
            Raw::Clear(family, ..) => Brief::Clear(family),
            Raw::Hit(_, family, _) => Brief::Hit(family),
            Raw::Invalid => Brief::Invalid(why.unwrap_or_else(|| self.invalid_reason(input, opts))),
        }
    }

    /// [`Screener::check_many`], reading each batch's groups ahead or not:
    /// each answer goes to `each` with its input's index, the input, and
    /// the slot that holds the reason of an invalid one (when keying kept
    /// it; `None` otherwise).
    fn check_batches<'i>(
        &self,
        inputs: &'i [impl AsRef<str>],
        warm: bool,
        opts: CheckOptions,
        mut each: impl FnMut(usize, &'i str, Raw, &mut Option<ParseError>),
    ) {
        let mut at = 0;
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
                let (raw, mut why) = match k {
                    Some((k, h)) => {
                        let mut why = None;
                        let found = self.lookup_hashed(*h, k.tag, k.payload);
                        (self.raw(k, found, opts, Some(&mut why)), why)
                    }
                    None => (Raw::Invalid, None),
                };
                each(at, input.as_ref(), raw, &mut why);
                at += 1;
            }
        }
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
        self.inner.index.find(hash, tag, payload)
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

    /// Approximate bytes held: the compiled image (table, keys, entry
    /// records, metadata section; also when it is static or lent, see
    /// [`Screener::from_compiled_bytes`]), the decoded metadata and the
    /// flagged entries' issues (for a screener read from a compiled file,
    /// once a match has asked for one); not the scan automatons (built on
    /// first scan).
    pub fn memory_usage(&self) -> usize {
        let inner = &*self.inner;
        let metas: usize = inner
            .metas
            .iter()
            .map(|m| std::mem::size_of::<Meta>() + m.provenance.heap_bytes())
            .sum();
        let odd: usize = inner.odd.iter().map(|(_, s)| 20 + s.len()).sum();
        let issues = inner.issues.get().map_or(0, |v| {
            v.capacity() * std::mem::size_of::<(u32, ParseError)>()
        });
        inner.index.heap_bytes() + metas + odd + issues
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::{Category, List, ListMeta};

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
        // A mistyped Bitcoin address: invalid only when checksums are
        // verified, its reason from the decoder.
        inputs.push("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb".to_owned());
        inputs.push("x".repeat(4096));
        inputs.truncate(inputs.len() - 3);
        let one_by_one: Vec<String> = inputs.iter().map(|i| format!("{:?}", s.check(i))).collect();
        let verify = CheckOptions::new().verify_checksum(true);
        for opts in [CheckOptions::default(), verify] {
            let one_by_one: Vec<String> = inputs
                .iter()
                .map(|i| format!("{:?}", s.check_with(i, opts)))
                .collect();
            // In brief: what the verdict says.
            let briefs: Vec<Brief> = inputs
                .iter()
                .map(|i| Brief::from(&s.check_with(i, opts)))
                .collect();
            for warm in [false, true] {
                let mut many = Vec::new();
                let mut brief = Vec::new();
                s.check_batches(&inputs, warm, opts, |i, input, raw, why| {
                    assert_eq!(i, many.len());
                    assert_eq!(input, inputs[i]);
                    // The same answer as a verdict and in brief (the slot
                    // is taken once: a copy for the brief).
                    let kept = why.clone();
                    many.push(format!("{:?}", s.expand(raw, input, opts, why.take())));
                    brief.push(s.brief(raw, input, opts, kept));
                });
                assert_eq!(many, one_by_one, "warm {warm}, {opts:?}");
                assert_eq!(brief, briefs, "warm {warm}, {opts:?}");
            }
            // The public forms, on this small table: one `check_brief`
            // after the other.
            let mut each = Vec::new();
            s.check_each_brief(&inputs, opts, |i, b| {
                assert_eq!(i, each.len());
                each.push(b);
            });
            assert_eq!(each, briefs, "{opts:?}");
            let one: Vec<Brief> = inputs.iter().map(|i| s.check_brief(i, opts)).collect();
            assert_eq!(one, briefs, "{opts:?}");
            // The reason kept from the one keying is the one keyed again.
            for i in &inputs {
                if let Verdict::Invalid { reason } = s.check_with(i, opts) {
                    assert_eq!(reason, s.invalid_reason(i, opts), "{i:.40}");
                }
            }
        }
        assert!(matches!(
            s.check_with("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", verify),
            Verdict::Invalid {
                reason: ParseError::Checksum { .. }
            }
        ));
        // The public form, on this small table: one `check` after the other.
        let mut each = Vec::new();
        s.check_each_with(&inputs, CheckOptions::default(), |i, v| {
            assert_eq!(i, each.len());
            each.push(format!("{v:?}"));
        });
        assert_eq!(each, one_by_one);
        assert!(one_by_one.iter().any(|v| v.starts_with("Hit")));
        assert!(one_by_one.iter().any(|v| v.starts_with("Clear")));
        assert!(one_by_one.iter().any(|v| v.starts_with("Invalid")));
    }

    #[test]
    fn empty_screener_answers() {
        let s = ScreenerBuilder::new().build().unwrap();
        assert!(matches!(
            s.check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
            Verdict::Clear { .. }
        ));
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
}
