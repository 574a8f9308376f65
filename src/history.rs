//! Listing history, and screening as of a date.
//!
//! Lookback investigations ask "was this counterparty listed **when** we
//! paid it?". Today's list answers that wrongly both ways: a payment made
//! before a designation is reported, and one made to an address delisted
//! since (Tornado Cash, delisted by OFAC on 2025-03-21) is missed.
//! [`Screener::check_at`](crate::Screener::check_at) answers as of a date
//! from two sources:
//!
//! * the **current lists**: an entry counts from its `listed` date on (an
//!   entry without one counts as always listed: nothing fails open);
//! * a [`History`]: the listing periods of entries that are no longer
//!   listed, each a [`HistoryRecord`] with the publications that bound it.
//!
//! # The bundled history
//!
//! `lists/ofac_sdn_history.csv` ([`History::bundled`], attached to
//! [`Screener::bundled`](crate::Screener::bundled)) is the OFAC SDN list's
//! digital-currency addresses as seen in every OFAC publication we hold
//! (21 publications from 2024-05-28 to 2025-11-19, then 2026-08-08 and
//! 2026-09-30), built by `examples/build_history.rs`; `lists/README.md`
//! says how. It is a walletscreen list v1 file with four more columns:
//!
//! | column | meaning |
//! |---|---|
//! | `listed_after` | the last publication before `listed_by`, which did not have the entry (empty: `listed_by` is the oldest publication we hold) |
//! | `listed_by` | the first publication that had it |
//! | `delisted_after` | the last publication that had it (empty while it is listed) |
//! | `delisted_by` | the first publication that no longer had it (empty while it is listed) |
//!
//! `listed` is OFAC's own listing date where a publication gives it (the
//! 2026-08-08 compilation does); else it is empty and the listing date is
//! known only between `listed_after` and `listed_by`.
//!
//! # How a date is answered (conservatively)
//!
//! A publication has a date but no time of day, and a delisting or a
//! listing is known only between two publications. Answers lean towards a
//! hit:
//!
//! * a period **starts** on OFAC's `listed` date; without it, on the day
//!   after `listed_after` (or on `listed_by` if that is the same day), and
//!   with neither it has no start (listed since before our oldest
//!   publication);
//! * a period **ends** on `delisted_by`, the day of the first publication
//!   without the entry, *inclusive*: an entry is listed until the first
//!   publication without it, and on that day too.
//!
//! A current entry whose listing date is after the date asked is not
//! listed on it (an address is clear before its designation). A current
//! entry is also not listed on a date when the history holds a delisting
//! of the same entry (same list, same entity, same address up to
//! spelling) by a publication newer than the current list (`as_of`) and
//! before that date: the history knows more than an old current list. A
//! record reached only through another spelling (a look-alike the
//! publisher corrected) never hides a current entry, and a party that a
//! current entry reports on that date is not reported again from the
//! history. An entry delisted and listed again has one record per closed
//! period; the current list gives the open one.
//!
//! OFAC's `listed` date is the date of the entry's listing event in the
//! publication it comes from: a party designated again (Tornado Cash,
//! 2022-08-08, re-designated 2022-11-08) carries the later date, and the
//! bundled history leaves such a date out where it would clear a date the
//! party was sanctioned on (`lists/README.md`).
//!
//! Entries are keyed on (address, party): an address is compared with the
//! crate's keys (case-insensitively where its family is, equivalent
//! encodings included), and the party is the `entity_id`, or the `entity`
//! name where there is no id.

use serde::Serialize;

use crate::date::Date;
use crate::list::{Category, Entry, List, ListMeta, LoadError};

/// The bounds of a delisting: the last publication that had the entry and
/// the first that did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Delisting {
    /// The last publication (or refresh) known to have the entry, if known.
    pub after: Option<Date>,
    /// The first publication (or refresh) without it: the entry counts as
    /// listed up to and including this day.
    pub by: Date,
}

/// One listing period of one entry (address, party).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRecord {
    /// Id of the list (e.g. `ofac-sdn`).
    pub list: String,
    /// What the list asserts.
    pub category: Category,
    /// The entry, as last published (its `listed` is OFAC's listing date
    /// when known).
    pub entry: Entry,
    /// The last publication before [`HistoryRecord::listed_by`], which did
    /// not have the entry (`None`: unknown).
    pub listed_after: Option<Date>,
    /// The first publication seen with the entry (`None`: unknown).
    pub listed_by: Option<Date>,
    /// When the period ended (`None`: still listed at the newest
    /// publication).
    pub delisted: Option<Delisting>,
}

impl HistoryRecord {
    /// The publisher's listing date (`entry.listed`), when it is a valid
    /// date.
    pub fn listed_on(&self) -> Option<Date> {
        self.entry
            .provenance
            .listed
            .as_deref()
            .and_then(|s| Date::parse(s).ok())
    }

    /// The first day this period counts as listed: the listing date, else
    /// the day after [`HistoryRecord::listed_after`] (no later than
    /// [`HistoryRecord::listed_by`]); `None`: no start known, listed since
    /// before anything we hold.
    pub fn listed_from(&self) -> Option<Date> {
        if let Some(d) = self.listed_on() {
            return Some(d);
        }
        let after = self.listed_after?.next_day()?;
        Some(match self.listed_by {
            Some(by) => after.min(by),
            None => after,
        })
    }

    /// Whether the entry counts as listed on `date` (see the module docs).
    pub fn covers(&self, date: Date) -> bool {
        self.listed_from().is_none_or(|from| from <= date)
            && self.delisted.is_none_or(|d| date <= d.by)
    }

    /// The party the entry is keyed on: its entity id, else its entity.
    pub fn party(&self) -> Option<&str> {
        party(&self.entry)
    }
}

/// The party of an entry: its entity id, else its entity name.
pub(crate) fn party(e: &Entry) -> Option<&str> {
    e.provenance.party()
}

/// Listing periods of entries, current and past: see the [module
/// docs](self).
///
/// # Examples
///
/// ```
/// use walletscreen::{Date, History};
/// let h = History::bundled()?;
/// let tornado = h
///     .records()
///     .iter()
///     .find(|r| r.entry.address == "0x8589427373D6D84E98730D7795D8f6f8731FDA16")
///     .expect("in the bundled history");
/// assert_eq!(tornado.delisted.unwrap().by, Date::new(2025, 3, 21).unwrap());
/// assert!(tornado.covers(Date::new(2024, 1, 1).unwrap()));
/// assert!(!tornado.covers(Date::new(2025, 4, 1).unwrap()));
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    records: Vec<HistoryRecord>,
}

/// The columns a history file has beyond a list's.
const HISTORY_COLUMNS: [&str; 4] = ["listed_after", "listed_by", "delisted_after", "delisted_by"];

impl History {
    /// An empty history.
    pub fn new() -> History {
        History::default()
    }

    /// A history of the given records, in that order.
    pub fn from_records(records: Vec<HistoryRecord>) -> History {
        History { records }
    }

    /// Every record, in order.
    pub fn records(&self) -> &[HistoryRecord] {
        &self.records
    }

    /// The records of entries no longer listed.
    pub fn delisted(&self) -> impl Iterator<Item = &HistoryRecord> {
        self.records.iter().filter(|r| r.delisted.is_some())
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when there is no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds a record.
    pub fn push(&mut self, record: HistoryRecord) {
        self.records.push(record);
    }

    /// Adds every record of `other`, after these.
    pub fn extend(&mut self, other: History) {
        self.records.extend(other.records);
    }

    /// Reads a history file: a walletscreen list v1 file (its metadata
    /// gives every record's list id and category; `defaults` what it does
    /// not set) with the columns `listed_after`, `listed_by`,
    /// `delisted_after`, `delisted_by` (each optional, `YYYY-MM-DD` or
    /// empty). A bad date, or `delisted_after` without `delisted_by`, is a
    /// [`LoadError::BadHistory`] naming the line. Returns the file's
    /// metadata too.
    pub fn from_csv_bytes(
        bytes: &[u8],
        defaults: ListMeta,
    ) -> Result<(ListMeta, History), LoadError> {
        let list = List::from_bytes_as(bytes, crate::list::Format::Csv, defaults)?;
        let meta = list.meta().clone();
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            .map_err(|e| LoadError::Utf8 {
                line: 1,
                byte: e.valid_up_to(),
            })?;
        // The body: what follows the leading comment and blank lines, as
        // the list loader read it.
        let mut body = text;
        while let Some(line) = body.lines().next() {
            let t = line.trim();
            if !(t.is_empty() || t.starts_with('#')) {
                break;
            }
            body = body.get(line.len()..).unwrap_or("");
            body = body
                .strip_prefix("\r\n")
                .or(body.strip_prefix('\n'))
                .unwrap_or(body);
        }
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(body.as_bytes());
        let bad = |line: usize, reason: String| LoadError::BadHistory { line, reason };
        let headers = rdr
            .headers()
            .map_err(|e| bad(0, format!("unreadable header: {e}")))?
            .clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let cols = HISTORY_COLUMNS.map(col);
        let mut records = Vec::with_capacity(list.len());
        let mut entries = list.entries();
        let mut row = ::csv::StringRecord::new();
        while rdr
            .read_record(&mut row)
            .map_err(|e| bad(0, format!("unreadable row: {e}")))?
        {
            let Some(entry) = entries.next() else {
                return Err(bad(0, "more rows than the list loader read".to_owned()));
            };
            let line = entry.line;
            let date = |i: usize| -> Result<Option<Date>, LoadError> {
                let cell = cols[i].and_then(|c| row.get(c)).unwrap_or("").trim();
                if cell.is_empty() {
                    return Ok(None);
                }
                Date::parse(cell)
                    .map(Some)
                    .map_err(|e| bad(line, format!("{}: {e}", HISTORY_COLUMNS[i])))
            };
            let [listed_after, listed_by, delisted_after, delisted_by] =
                [date(0)?, date(1)?, date(2)?, date(3)?];
            let delisted = match (delisted_after, delisted_by) {
                (after, Some(by)) => {
                    if after.is_some_and(|a| a > by) {
                        return Err(bad(line, "delisted_after is after delisted_by".to_owned()));
                    }
                    Some(Delisting { after, by })
                }
                (Some(_), None) => {
                    return Err(bad(line, "delisted_after without delisted_by".to_owned()));
                }
                (None, None) => None,
            };
            if let Some(l) = &entry.provenance.listed
                && Date::parse(l).is_err()
            {
                return Err(bad(line, format!("listed: {l:?} is not a YYYY-MM-DD date")));
            }
            records.push(HistoryRecord {
                list: meta.id.clone(),
                category: meta.category,
                entry: entry.clone(),
                listed_after,
                listed_by,
                delisted,
            });
        }
        if entries.next().is_some() {
            return Err(bad(0, "fewer rows than the list loader read".to_owned()));
        }
        Ok((meta, History { records }))
    }

    /// Writes the records of list `meta.id` as a history file (see
    /// [`History::from_csv_bytes`]): the metadata lines, then `comments`
    /// as `# ` lines, the header
    /// `address,chain,tickers,entity,entity_id,programs,listed,source,listed_after,listed_by,delisted_after,delisted_by`
    /// and one row per record; LF line endings, minimal RFC 4180 quoting.
    pub fn write_csv<W: std::io::Write>(
        &self,
        meta: &ListMeta,
        comments: &[String],
        mut w: W,
    ) -> std::io::Result<()> {
        let records: Vec<&HistoryRecord> =
            self.records.iter().filter(|r| r.list == meta.id).collect();
        // The metadata lines as `List::write_csv` writes them.
        let head = List::from_entries(meta.clone(), []);
        let mut buf = Vec::new();
        head.write_csv(&mut buf)?;
        // Drop its header row: ours has more columns.
        let text = String::from_utf8_lossy(&buf);
        for line in text.lines().filter(|l| l.starts_with('#')) {
            writeln!(w, "{line}")?;
        }
        for c in comments {
            writeln!(w, "# {}", c.replace(['\r', '\n'], " "))?;
        }
        crate::list::csv::write_row(
            &mut w,
            crate::list::csv::COLUMNS.into_iter().chain(HISTORY_COLUMNS),
        )?;
        let d = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        for r in records {
            let cells = crate::list::csv::entry_cells(&r.entry, meta.source.as_deref());
            let dates = [
                d(r.listed_after),
                d(r.listed_by),
                d(r.delisted.and_then(|x| x.after)),
                d(r.delisted.map(|x| x.by)),
            ];
            crate::list::csv::write_row(
                &mut w,
                cells
                    .iter()
                    .map(String::as_str)
                    .chain(dates.iter().map(String::as_str)),
            )?;
        }
        Ok(())
    }
}
