//! The answer as of a date ([`Screener::check_at`]): the listing history
//! compiled into a screener of its own ([`HistoryIndex`]), and the answer
//! types [`VerdictAt`], [`HitAt`] and [`DatedMatch`]. They live with the
//! screener (not in [`crate::history`], the data) because a history index
//! holds a screener and a screener holds a history index.

use std::sync::Arc;

use serde::{Serialize, Serializer, ser::SerializeMap};

use super::{Match, Screener, ScreenerBuilder, Version};
use crate::address::{Checksum, Family, ParseError};
use crate::date::Date;
use crate::error::BuildError;
use crate::history::{Delisting, History, HistoryRecord};
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
    pub(crate) fn record(&self, m: &Match) -> Option<&HistoryRecord> {
        self.history.records().get(m.entry.line.checked_sub(1)?)
    }
}

/// One listed entry that a query matched as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedMatch {
    /// The entry and how it was reached (for a delisted entry, as the
    /// history records it).
    pub matched: Match,
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
