//! The answer as of a date ([`Screener::check_at`]): the listing history
//! compiled into a screener of its own ([`HistoryIndex`]), and the answer
//! types [`VerdictAt`], [`HitAt`] and [`DatedMatch`]. They live with the
//! screener (not in [`crate::history`], the data) because a history index
//! holds a screener and a screener holds a history index.

use std::sync::Arc;

use serde::{Serialize, Serializer, ser::SerializeMap};

use super::{
    CheckOptions, Match, Matches, OwnedMatch, Raw, Screener, ScreenerBuilder, VerdictKind, Version,
};
use crate::address::{self, Checksum, Family, ParseError, Scratch};
use crate::date::Date;
use crate::error::BuildError;
use crate::history::{self, Delisting, History, HistoryRecord};
use crate::list::{Entry, List, ListMeta};

/// A history compiled for [`Screener::check_at`]: the delisted records in
/// a screener of their own (the current lists' index is untouched, and
/// `check` never reads this one).
pub(crate) struct HistoryIndex {
    history: History,
    /// Record index of each compiled entry (entry line - 1).
    screener: Option<Screener>,
}

impl std::fmt::Debug for HistoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryIndex")
            .field("records", &self.history.len())
            .field("delisted", &self.history.delisted().count())
            .finish()
    }
}

impl HistoryIndex {
    /// Compiles the delisted records (one list per list id, in order of
    /// first appearance; an entry's line is its record's index + 1).
    pub(crate) fn build(history: History) -> Result<HistoryIndex, BuildError> {
        let mut lists: Vec<(ListMeta, Vec<Entry>)> = Vec::new();
        for (i, r) in history.records().iter().enumerate() {
            if r.delisted.is_none() {
                continue;
            }
            let k = match lists.iter().position(|(m, _)| m.id == r.list) {
                Some(k) => k,
                None => {
                    lists.push((ListMeta::new(r.list.clone(), r.category), Vec::new()));
                    lists.len() - 1
                }
            };
            let mut e = r.entry.clone();
            e.line = i + 1;
            lists[k].1.push(e);
        }
        let screener = if lists.is_empty() {
            None
        } else {
            let mut b = ScreenerBuilder::new();
            for (meta, entries) in lists {
                b.list(List::from_entries(meta, entries));
            }
            Some(b.build()?)
        };
        Ok(HistoryIndex { history, screener })
    }

    pub(crate) fn history(&self) -> &History {
        &self.history
    }

    pub(crate) fn screener(&self) -> Option<&Screener> {
        self.screener.as_ref()
    }

    /// The record behind a match of the history screener.
    pub(crate) fn record(&self, m: &Match<'_>) -> Option<&HistoryRecord> {
        self.history.records().get(m.line().checked_sub(1)?)
    }
}

/// One listed entry that a query matched as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedMatch {
    /// The entry and how it was reached (for a delisted entry, as the
    /// history records it).
    pub matched: OwnedMatch,
    /// The publisher's listing date, when known.
    pub listed_on: Option<Date>,
    /// When the listing date is not known: the last publication without
    /// the entry (it was listed after this day).
    pub listed_after: Option<Date>,
    /// When the listing date is not known: the first publication seen with
    /// the entry (it was listed by this day; a bound, not the date).
    pub listed_by: Option<Date>,
    /// When the entry was delisted, for an entry no longer listed (a
    /// delisting after the date asked about).
    pub delisted: Option<Delisting>,
}

impl Serialize for DatedMatch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        // The fields of `Match`, then the dates.
        self.matched.serialize_fields(&mut m)?;
        m.serialize_entry("listed_on", &self.listed_on)?;
        if self.listed_on.is_none() && self.listed_after.is_some() {
            m.serialize_entry("listed_after", &self.listed_after)?;
        }
        if self.listed_on.is_none() && self.listed_by.is_some() {
            m.serialize_entry("listed_by", &self.listed_by)?;
        }
        m.serialize_entry("delisted_on", &self.delisted.map(|d| d.by))?;
        if let Some(after) = self.delisted.and_then(|d| d.after) {
            m.serialize_entry("delisted_after", &after)?;
        }
        m.end()
    }
}

/// A positive answer as of a date: every entry listed on that date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitAt {
    /// Family of the query's spelling.
    pub family: Family,
    /// Checksum status of the query's spelling (as in [`crate::Hit`]).
    pub checksum: Checksum,
    /// The date asked about.
    pub as_of: Date,
    /// The entries listed on that date, current lists first.
    pub matches: Vec<DatedMatch>,
    /// The current list set that answered.
    pub version: Arc<Version>,
}

/// The answer to one query as of a date
/// ([`Screener::check_at`](crate::Screener::check_at)).
///
/// # Examples
///
/// ```
/// use walletscreen::{Date, Screener, VerdictAt};
/// let s = Screener::bundled()?;
/// // FAYZIMATOV's XBT address: last published 2026-08-08, gone on 2026-09-30.
/// match s.check_at("17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C", Date::new(2026, 8, 1).unwrap()) {
///     VerdictAt::Hit(hit) => {
///         let m = &hit.matches[0];
///         assert_eq!(m.listed_on, Some(Date::new(2021, 7, 28).unwrap()));
///         let d = m.delisted.expect("delisted since");
///         assert_eq!((d.after, d.by), (Date::new(2026, 8, 8), Date::new(2026, 9, 30).unwrap()));
///     }
///     other => panic!("expected a hit, got {other:?}"),
/// }
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum VerdictAt {
    /// Well-formed and not listed on that date (listed later, delisted
    /// before, or never listed).
    Clear {
        /// The family recognized.
        family: Family,
        /// [`Checksum::NotChecked`] unless verification was asked for.
        checksum: Checksum,
    },
    /// Listed on that date.
    Hit(HitAt),
    /// Not listed on that date and no known address format.
    Invalid {
        /// Why.
        reason: ParseError,
    },
}

impl VerdictAt {
    /// True for [`VerdictAt::Hit`].
    pub fn is_hit(&self) -> bool {
        matches!(self, VerdictAt::Hit(_))
    }

    /// The hit, if any.
    pub fn hit(&self) -> Option<&HitAt> {
        match self {
            VerdictAt::Hit(h) => Some(h),
            _ => None,
        }
    }

    /// Which kind of answer this is.
    pub fn kind(&self) -> crate::screener::VerdictKind {
        use crate::screener::VerdictKind;
        match self {
            VerdictAt::Clear { .. } => VerdictKind::Clear,
            VerdictAt::Hit(_) => VerdictKind::Hit,
            VerdictAt::Invalid { .. } => VerdictKind::Invalid,
        }
    }
}

/// What [`Screener::check_at_raw`] found: [`Raw`] with the dated
/// matches of a hit.
enum AtRaw {
    Clear(Family, Checksum),
    Hit(Family, Checksum, Vec<DatedMatch>),
    Invalid,
}

impl Screener {
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
        let raw = self.raw(k, self.lookup(k.tag, k.payload), opts, None);
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
        let mut past_records: Vec<(&history::HistoryRecord, Match<'_>)> = Vec::new();
        if let Some((h, s, key)) = &past {
            for m in Matches::new(&s.inner, *key, None) {
                if let Some(r) = h.record(&m) {
                    past_records.push((r, m));
                }
            }
        }
        let mut out: Vec<DatedMatch> = Vec::new();
        if let Raw::Hit(key, _, _) = raw {
            for m in Matches::new(&self.inner, key, None) {
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
                let party = d.matched.provenance().party().map(str::to_owned);
                (d.matched.list().to_owned(), party)
            })
            .collect();
        for (r, m) in past_records {
            let who = (r.list.clone(), r.party().map(str::to_owned));
            if !r.covers(date) || reported.contains(&who) {
                continue;
            }
            reported.push(who);
            out.push(DatedMatch {
                matched: m.owned_with(r.entry.clone()),
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
        m: &Match<'_>,
        past: &[(&history::HistoryRecord, Match<'_>)],
        date: Date,
    ) -> Option<DatedMatch> {
        let party = m.provenance().party();
        // Records of this very entry: same list, same party, same address
        // (not one reached through another spelling, e.g. a look-alike a
        // later publication corrected).
        let same = || {
            past.iter().map(|(r, _)| *r).filter(move |r| {
                *r.list == *m.list()
                    && r.party() == party
                    && same_address(&r.entry.address, &m.address())
            })
        };
        // The history's record of this entry on that date is reported
        // instead: it knows the delisting.
        if same().any(|r| r.covers(date)) {
            return None;
        }
        let listed_on = m
            .provenance()
            .listed
            .as_deref()
            .and_then(|d| Date::parse(d).ok());
        if listed_on.is_some_and(|l| l > date) {
            return None;
        }
        // Delisted by a publication newer than this list and before the
        // date (a newer list that has it again wins).
        let as_of = self
            .inner
            .lists
            .iter()
            .find(|l| *l.meta.id == *m.list())
            .and_then(|l| l.meta.as_of.as_deref())
            .and_then(|d| Date::parse(d).ok());
        let delisted_since = same()
            .filter_map(|r| r.delisted)
            .any(|d| as_of.is_some_and(|a| d.by > a) && d.by < date);
        if delisted_since {
            return None;
        }
        Some(DatedMatch {
            matched: m.into_owned(),
            listed_on,
            listed_after: None,
            listed_by: None,
            delisted: None,
        })
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
