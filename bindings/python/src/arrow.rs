//! `Screener.check_arrow`: an Arrow string array in (through the Arrow C
//! data interface, read in place), a struct array of verdicts out, one
//! row per input row, computed on every core without the GIL.
//!
//! Two passes, both parallel. The first screens the rows in chunks of
//! [`CHUNK`] through the library's batch path in brief
//! (`check_each_brief`: each row's kind, family and reason handed over as
//! they are made, no verdict built; a hit's row is asked again with
//! `check_with`) and writes, per row, straight into output buffers: the
//! key of the dictionary-encoded `family` column (one byte), and for a hit
//! or an invalid row its `kind` key (one byte; the column starts clear),
//! for an invalid row also its reason's key (into the chunk's own
//! dictionary of distinct reasons) and validity bit; the rare hits go to
//! per-chunk side lists. Then the reasons' keys are mapped into one
//! dictionary at each chunk's invalid rows, `family`'s validity is made
//! from `reason`'s (a row has a family when it has a kind and no reason),
//! and the twelve columns are finished side by side: the match's fields
//! and `matches` (null or zero but for hits) in zeroed memory written at
//! the hits' rows only ([`Zeroed`], [`sparse_dict`]), and the two list
//! columns laid out from the hits' rows by Arrow's `MutableArrayData`
//! ([`scatter`]). No per-row builder calls, no per-row allocation, no
//! concatenation.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int8Type, Int32Type};
use arrow_array::{
    Array, ArrayRef, DictionaryArray, Int8Array, Int32Array, LargeStringArray, PrimitiveArray,
    StringArray, StringViewArray, StructArray, make_array,
};
use arrow_buffer::{BooleanBuffer, Buffer, MutableBuffer, NullBuffer, ScalarBuffer, bit_util};
use arrow_data::transform::MutableArrayData;
use arrow_schema::{DataType, Field, Fields};
use bytes::Bytes;
use foldhash::{HashMap, HashMapExt};
use memmap2::MmapMut;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArray, PyChunkedArray};
use rayon::prelude::*;

use walletscreen::{
    Brief, CheckOptions, Date, Family, ParseError, Provenance, Screener, Verdict, VerdictAt,
};

use crate::{CHUNK, PyScreener};

/// The output struct's fields, in order. The string columns are
/// dictionary-encoded: `kind` and `family` with one byte per row, the
/// others (null but for hits, or invalid rows) with an int32 key per row. `list`, `entity`, `entity_id`,
/// `programs`, `listed`, `via` and `address` are the first match's (a
/// hit's matches are in list order); `lists` names every list matched.
pub(crate) fn fields() -> Fields {
    let strings = || DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    let labels = || DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8));
    let sparse = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    Fields::from(vec![
        Field::new("kind", labels(), true),
        Field::new("family", labels(), true),
        Field::new("list", sparse(), true),
        Field::new("lists", strings(), true),
        Field::new("entity", sparse(), true),
        Field::new("entity_id", sparse(), true),
        Field::new("programs", strings(), true),
        Field::new("listed", sparse(), true),
        Field::new("via", sparse(), true),
        Field::new("address", sparse(), true),
        Field::new("matches", DataType::Int32, true),
        Field::new("reason", sparse(), true),
    ])
}

/// A row's kind: its key in the `kind` column's dictionary ([`KINDS`]; a
/// null input's key is 0, masked by the column's validity).
const CLEAR: i8 = 0;
const HIT: i8 = 1;
const INVALID: i8 = 2;
const KINDS: [&str; 3] = ["clear", "hit", "invalid"];

/// The distinct reasons a chunk compares an invalid row's with before
/// writing it out (the rest are written out and hashed).
const MAX_ERRORS: usize = 64;

/// A family's key in the `family` column's dictionary, whose labels are
/// [`Family::ALL`]'s names in order.
fn family_key(f: Family) -> i8 {
    // Nine families: the code fits.
    f as i8
}

/// A dictionary column of labels: one key per row.
fn labels(keys: Vec<i8>, names: &[&str], nulls: Option<NullBuffer>) -> Result<ArrayRef, String> {
    let keys = Int8Array::new(ScalarBuffer::from(keys), nulls);
    let values = Arc::new(StringArray::from(names.to_vec()));
    DictionaryArray::<Int8Type>::try_new(keys, values)
        .map(|a| Arc::new(a) as ArrayRef)
        .map_err(|e| e.to_string())
}

/// The input column, read in place.
#[derive(Clone, Copy)]
enum Strs<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Strs<'a> {
    fn of(array: &'a dyn Array) -> PyResult<Strs<'a>> {
        Ok(match array.data_type() {
            DataType::Utf8 => Strs::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Strs::Large(array.as_string::<i64>()),
            DataType::Utf8View => Strs::View(array.as_string_view()),
            other => {
                return Err(PyTypeError::new_err(format!(
                    "check_arrow takes an array of strings (string, large_string or \
                     string_view), not {other}"
                )));
            }
        })
    }

    fn has_nulls(self) -> bool {
        match self {
            Strs::Utf8(a) => a.null_count() > 0,
            Strs::Large(a) => a.null_count() > 0,
            Strs::View(a) => a.null_count() > 0,
        }
    }

    fn is_valid(self, i: usize) -> bool {
        match self {
            Strs::Utf8(a) => a.is_valid(i),
            Strs::Large(a) => a.is_valid(i),
            Strs::View(a) => a.is_valid(i),
        }
    }

    fn get(self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// `as_of=` of `check_arrow`: the current lists, one date for every row,
/// or one per row (a null date: the current lists).
pub(crate) enum AsOf {
    Now,
    One(Date),
    Each(ArrayRef),
}

/// A per-row date column, read in place.
#[derive(Clone, Copy)]
enum Dates<'a> {
    Now,
    One(Date),
    Days(&'a PrimitiveArray<Date32Type>),
    Text(Strs<'a>),
}

impl<'a> Dates<'a> {
    fn of(as_of: &'a AsOf, rows: usize) -> PyResult<Dates<'a>> {
        Ok(match as_of {
            AsOf::Now => Dates::Now,
            AsOf::One(d) => Dates::One(*d),
            AsOf::Each(a) => {
                if a.len() != rows {
                    return Err(PyValueError::new_err(format!(
                        "as_of has {} rows, the addresses {rows}",
                        a.len()
                    )));
                }
                match a.data_type() {
                    DataType::Date32 => Dates::Days(a.as_primitive::<Date32Type>()),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                        Dates::Text(Strs::of(a.as_ref())?)
                    }
                    other => {
                        return Err(PyTypeError::new_err(format!(
                            "as_of takes a date, a 'YYYY-MM-DD' str, or an array of date32 \
                             or of strings, not an array of {other}"
                        )));
                    }
                }
            }
        })
    }

    /// Row `i`'s date; `Ok(None)`: the current lists.
    fn get(self, i: usize) -> Result<Option<Date>, String> {
        match self {
            Dates::Now => Ok(None),
            Dates::One(d) => Ok(Some(d)),
            Dates::Days(a) => {
                if a.is_null(i) {
                    return Ok(None);
                }
                Date::from_days(i64::from(a.value(i)))
                    .map(Some)
                    .ok_or_else(|| format!("as_of row {i}: day {} is out of range", a.value(i)))
            }
            Dates::Text(s) => match s.get(i) {
                None => Ok(None),
                Some(t) => Date::parse(t)
                    .map(Some)
                    .map_err(|e| format!("as_of row {i} ({t:?}): {e}")),
            },
        }
    }
}

/// A hit's row, with the fields the output shows (hits are rare: owned).
struct HitRow {
    row: usize,
    list: String,
    lists: Vec<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    programs: Vec<String>,
    listed: Option<String>,
    via: &'static str,
    address: String,
}

impl HitRow {
    /// From a hit's matches: `(list, provenance, via, address)` each.
    fn new<'m>(
        row: usize,
        mut matches: impl Iterator<Item = (&'m str, &'m Provenance, &'static str, String)>,
    ) -> Option<HitRow> {
        let (list, p, via, address) = matches.next()?;
        let mut lists = vec![list.to_owned()];
        lists.extend(matches.map(|m| m.0.to_owned()));
        Some(HitRow {
            row,
            list: list.to_owned(),
            lists,
            entity: p.entity.clone(),
            entity_id: p.entity_id.clone(),
            programs: p.programs.clone(),
            listed: p.listed.clone(),
            via,
            address,
        })
    }
}

/// One chunk's share of the output buffers that the first pass writes,
/// row `i` of the chunk at index `i` (bit `i` for the validity bitmaps:
/// [`CHUNK`] is a multiple of 8, so a chunk's bits start on a byte).
struct ChunkOut<'a> {
    /// [`CLEAR`] until written.
    kinds: &'a mut [i8],
    /// A valid row's; its validity is not written: a row has a family
    /// when it has a kind and no reason (the bits are made after the
    /// pass).
    families: &'a mut [i8],
    /// Keys into the chunk's own [`Part::reasons`], made global after the
    /// pass.
    reason_keys: &'a mut [i32],
    reason_valid: &'a mut [u8],
}

/// What one chunk found besides its kinds and families: its hits (rare:
/// owned) and its distinct reasons, in the order first met.
#[derive(Default)]
struct Part {
    hits: Vec<HitRow>,
    reasons: Vec<String>,
    keys: HashMap<String, i32>,
    text: String,
    /// The reasons met, with their keys: a reason met again is found by
    /// comparing errors, not by writing it out and hashing the text (a
    /// chunk has a few dozen distinct reasons; BENCHMARKS.md, "Sixth
    /// session").
    errors: Vec<(ParseError, i32)>,
    /// The invalid rows (of the chunk), in order: their keys are made
    /// global after the pass.
    invalid_rows: Vec<usize>,
}

impl Part {
    /// A valid row's family (a clear row's kind is [`CLEAR`] already).
    fn family(out: &mut ChunkOut<'_>, i: usize, f: Family) {
        out.families[i] = family_key(f);
    }

    /// An invalid row: its reason's key, the reasons met so far compared
    /// first.
    #[inline(never)]
    fn invalid_error(&mut self, out: &mut ChunkOut<'_>, i: usize, reason: ParseError) {
        if let Some(&(_, key)) = self.errors.iter().find(|(e, _)| *e == reason) {
            self.reason(out, i, key);
            return;
        }
        let key = self.invalid(out, i, &reason);
        if self.errors.len() < MAX_ERRORS {
            self.errors.push((reason, key));
        }
    }

    fn reason(&mut self, out: &mut ChunkOut<'_>, i: usize, key: i32) {
        out.kinds[i] = INVALID;
        out.reason_keys[i] = key;
        bit_util::set_bit(out.reason_valid, i);
        self.invalid_rows.push(i);
    }

    /// An invalid row, by its reason's text; the key written.
    fn invalid(&mut self, out: &mut ChunkOut<'_>, i: usize, reason: &dyn std::fmt::Display) -> i32 {
        self.text.clear();
        // Writing to a String cannot fail.
        let _ = write!(self.text, "{reason}");
        let key = match self.keys.get(self.text.as_str()) {
            Some(&k) => k,
            None => {
                // At most one reason per row of a chunk: the key fits.
                let k = self.reasons.len() as i32;
                self.reasons.push(self.text.clone());
                self.keys.insert(self.text.clone(), k);
                k
            }
        };
        self.reason(out, i, key);
        key
    }

    /// A row's answer in brief; a hit's row from its full verdict.
    #[inline(always)]
    fn brief(&mut self, out: &mut ChunkOut<'_>, at: Row<'_>, i: usize, b: Brief) {
        match b {
            Brief::Clear(family) => Part::family(out, i, family),
            Brief::Invalid(reason) => self.invalid_error(out, i, reason),
            Brief::Hit(_) => self.hit_again(out, at, i),
        }
    }

    /// A hit's row: its verdict, asked again (hits are rare).
    #[cold]
    #[inline(never)]
    fn hit_again(&mut self, out: &mut ChunkOut<'_>, at: Row<'_>, i: usize) {
        let Some(x) = at.strs.get(at.start + i) else {
            return;
        };
        self.now(out, at.start, i, at.screener.check_with(x, at.opts));
    }

    /// A row's full verdict.
    fn now(&mut self, out: &mut ChunkOut<'_>, start: usize, i: usize, v: Verdict) {
        match v {
            Verdict::Clear { family, .. } => Part::family(out, i, family),
            Verdict::Hit(h) => self.hit(out, start, i, &h),
            Verdict::Invalid { reason } => self.invalid_error(out, i, reason),
        }
    }

    /// A hit's row.
    fn hit(&mut self, out: &mut ChunkOut<'_>, start: usize, i: usize, h: &walletscreen::Hit) {
        out.kinds[i] = HIT;
        Part::family(out, i, h.family);
        let ms = h.matches().map(|m| {
            (
                m.list(),
                m.provenance(),
                m.via().name(),
                m.address().to_string(),
            )
        });
        self.hits.extend(HitRow::new(start + i, ms));
    }

    fn at(&mut self, out: &mut ChunkOut<'_>, start: usize, i: usize, v: VerdictAt) {
        match v {
            VerdictAt::Clear { family, .. } => Part::family(out, i, family),
            VerdictAt::Hit(h) => {
                out.kinds[i] = HIT;
                Part::family(out, i, h.family);
                let ms = h.matches.iter().map(|d| {
                    let m = &d.matched;
                    (
                        m.list(),
                        m.provenance(),
                        m.via().name(),
                        m.address().to_owned(),
                    )
                });
                self.hits.extend(HitRow::new(start + i, ms));
            }
            VerdictAt::Invalid { reason } => self.invalid_error(out, i, reason),
        }
    }
}

/// What a chunk's rows are screened with, for a hit's row to be asked
/// again: the screener, the options, the input column and the chunk's
/// first row.
#[derive(Clone, Copy)]
struct Row<'a> {
    screener: &'a Screener,
    opts: CheckOptions,
    strs: Strs<'a>,
    start: usize,
}

/// First pass over one chunk (rows `start..start + out.kinds.len()`).
fn screen_chunk(
    s: &Screener,
    strs: Strs<'_>,
    dates: Dates<'_>,
    opts: CheckOptions,
    start: usize,
    mut out: ChunkOut<'_>,
) -> Result<Part, String> {
    let mut part = Part::default();
    let len = out.kinds.len();
    let at = Row {
        screener: s,
        opts,
        strs,
        start,
    };
    if let Dates::Now = dates {
        // The library's batch path over the chunk's non-null rows, each
        // answer written as it is made, in brief (in order: `row` follows
        // them).
        let rows = start..start + len;
        if !strs.has_nulls() {
            // Every row, each array type's own loop, with its own closure:
            // one closure shared by the three loops was not inlined into
            // them, and each row's answer went through memory to a call
            // (BENCHMARKS.md, "Sixth session").
            let (p, o) = (&mut part, &mut out);
            match strs {
                Strs::Utf8(a) => s.check_each_brief(rows.map(|r| a.value(r)), opts, |i, b| {
                    p.brief(o, at, i, b);
                }),
                Strs::Large(a) => s.check_each_brief(rows.map(|r| a.value(r)), opts, |i, b| {
                    p.brief(o, at, i, b);
                }),
                Strs::View(a) => s.check_each_brief(rows.map(|r| a.value(r)), opts, |i, b| {
                    p.brief(o, at, i, b);
                }),
            }
            return Ok(part);
        }
        let mut row = start;
        s.check_each_brief(rows.filter_map(|r| strs.get(r)), opts, |_, b| {
            while !strs.is_valid(row) {
                row += 1;
            }
            part.brief(&mut out, at, row - start, b);
            row += 1;
        });
        return Ok(part);
    }
    for i in 0..len {
        let row = start + i;
        let Some(x) = strs.get(row) else { continue };
        match dates.get(row)? {
            None => part.now(&mut out, start, i, s.check_with(x, opts)),
            Some(d) => part.at(&mut out, start, i, s.check_at_with(x, d, opts)),
        }
    }
    Ok(part)
}

fn too_large() -> String {
    "check_arrow: an output column would hold more than 2^31 values; pass a chunked array"
        .to_owned()
}

/// `n` zeroed `i32`s written at a few rows: a fresh anonymous mapping,
/// which the kernel backs with pages only where written (a call on 10 M
/// rows with 1,000 hits touches some 1,000 pages of each 10,000). An
/// allocation of the allocator's would not do: memory it hands out again
/// must be cleared by `calloc`, which touches every page (BENCHMARKS.md,
/// "Seventh session").
struct Zeroed {
    map: MmapMut,
    n: usize,
}

impl Zeroed {
    fn new(n: usize) -> Result<Zeroed, String> {
        // A mapping is never empty.
        let bytes = n.checked_mul(4).ok_or_else(too_large)?.max(1);
        let map = MmapMut::map_anon(bytes)
            .map_err(|e| format!("check_arrow: cannot map {bytes} bytes: {e}"))?;
        // Where transparent huge pages are on for every mapping, a key
        // written would fault in and zero 2 MB, not 4 KB; advice only.
        #[cfg(target_os = "linux")]
        let _ = map.advise(memmap2::Advice::NoHugePage);
        Ok(Zeroed { map, n })
    }

    fn set(&mut self, row: usize, value: i32) -> Result<(), String> {
        let at = row.checked_mul(4).filter(|_| row < self.n);
        let slot = at
            .and_then(|at| self.map.get_mut(at..at + 4))
            .ok_or("check_arrow: hit row past the end")?;
        slot.copy_from_slice(&value.to_ne_bytes());
        Ok(())
    }

    fn finish(self) -> ScalarBuffer<i32> {
        // Page-aligned, so aligned for i32.
        ScalarBuffer::new(Buffer::from(Bytes::from_owner(self.map)), 0, self.n)
    }
}

/// A string column null but for a few rows (`(row, value)`),
/// dictionary-encoded (the values are the distinct strings): its keys
/// [`Zeroed`], its validity bits set at those rows only.
///
/// The keys are not read again to be checked: that is the package's one
/// `unsafe`. `DictionaryArray::try_new` would read every key, a page fault
/// per 4 KB of zeroes, as many as writing them all (BENCHMARKS.md,
/// "Seventh session").
#[allow(unsafe_code)]
fn sparse_dict<'a>(
    n: usize,
    items: impl Iterator<Item = (usize, Option<&'a str>)>,
) -> Result<ArrayRef, String> {
    let mut keys = Zeroed::new(n)?;
    let mut valid = MutableBuffer::from_len_zeroed(n.div_ceil(8));
    let mut values = StringBuilder::new();
    let mut distinct: HashMap<&str, i32> = HashMap::new();
    let mut bytes = 0usize;
    for (row, s) in items {
        let Some(s) = s else { continue };
        let key = match distinct.get(s) {
            Some(&k) => k,
            None => {
                // The values' offsets are i32.
                bytes += s.len();
                let k = i32::try_from(distinct.len()).map_err(|_| too_large())?;
                if bytes > i32::MAX as usize {
                    return Err(too_large());
                }
                values.append_value(s);
                distinct.insert(s, k);
                k
            }
        };
        keys.set(row, key)?;
        bit_util::set_bit(valid.as_slice_mut(), row);
    }
    let values: ArrayRef = Arc::new(values.finish());
    let nulls = NullBuffer::new(BooleanBuffer::new(valid.into(), 0, n));
    let keys = Int32Array::new(keys.finish(), Some(nulls));
    // SAFETY: `try_new` would succeed: it requires each valid row's key to
    // be an index of `values`. A row is valid only if written above (`set`
    // succeeded first), with the index its value was appended at (`k` is
    // `values`' length before the append); every other key is a zero of
    // the mapping (an anonymous mapping starts zeroed), at a null row.
    Ok(Arc::new(unsafe {
        DictionaryArray::<Int32Type>::new_unchecked(keys, values)
    }))
}

/// The `matches` column: a hit's number of matches, 0 for other rows
/// ([`Zeroed`], written at the hits' rows only).
fn counts(n: usize, hits: &[&HitRow], nulls: Option<NullBuffer>) -> Result<ArrayRef, String> {
    let mut counts = Zeroed::new(n)?;
    for h in hits {
        // A hit's lists are the screener's: they fit.
        counts.set(h.row, h.lists.len() as i32)?;
    }
    Ok(Arc::new(Int32Array::new(counts.finish(), nulls)))
}

/// A dictionary column of int32 keys with their validity bitmap.
fn dict(keys: Vec<i32>, valid: BooleanBuffer, values: ArrayRef) -> Result<ArrayRef, String> {
    let nulls = NullBuffer::new(valid);
    let keys = Int32Array::new(ScalarBuffer::from(keys), Some(nulls));
    DictionaryArray::<Int32Type>::try_new(keys, values)
        .map(|a| Arc::new(a) as ArrayRef)
        .map_err(|e| e.to_string())
}

/// A list-of-strings column null but for the hits' rows.
fn sparse_list(
    n: usize,
    hits: &[&HitRow],
    f: impl Fn(&HitRow) -> &[String],
) -> Result<ArrayRef, String> {
    let mut small = ListBuilder::with_capacity(StringBuilder::new(), hits.len());
    for h in hits {
        small.append_value(f(h).iter().map(Some));
    }
    let rows: Vec<usize> = hits.iter().map(|h| h.row).collect();
    scatter(&small.finish(), &rows, n)
}

/// An `n`-row column with row `i` of `small` at row `rows[i]` (`rows`
/// increasing) and nulls elsewhere, through Arrow's `MutableArrayData`:
/// the null runs are appended whole (repeated offsets and cleared
/// validity bits), and the result is valid by construction, so it is not
/// read again to be checked (`OffsetBuffer::new` checks every offset of
/// the `n`; BENCHMARKS.md, "Fifth session").
fn scatter(small: &dyn Array, rows: &[usize], n: usize) -> Result<ArrayRef, String> {
    let data = small.to_data();
    let mut out = MutableArrayData::new(vec![&data], true, n);
    let mut at = 0;
    for (i, &row) in rows.iter().enumerate() {
        let gap = row
            .checked_sub(at)
            .ok_or("check_arrow: hit rows out of order")?;
        out.try_extend_nulls(gap).map_err(|e| e.to_string())?;
        out.try_extend(0, i, i + 1).map_err(|e| e.to_string())?;
        at = row + 1;
    }
    let rest = n
        .checked_sub(at)
        .ok_or("check_arrow: hit row past the end")?;
    out.try_extend_nulls(rest).map_err(|e| e.to_string())?;
    Ok(make_array(out.freeze()))
}

/// The `reason` column's dictionary from the first pass's chunk-local
/// keys: the distinct reasons of every chunk, each chunk's keys mapped
/// into it in place (in parallel, at the chunk's invalid rows). The column
/// itself is built beside the others.
fn reasons(keys: &mut [i32], parts: &[Part]) -> Result<ArrayRef, String> {
    let mut values = StringBuilder::new();
    let mut global: HashMap<&str, i32> = HashMap::new();
    let mut maps = Vec::with_capacity(parts.len());
    for p in parts {
        let mut map = Vec::with_capacity(p.reasons.len());
        for r in &p.reasons {
            let next = i32::try_from(global.len()).map_err(|_| too_large())?;
            map.push(*global.entry(r.as_str()).or_insert_with(|| {
                values.append_value(r);
                next
            }));
        }
        maps.push(map);
    }
    keys.par_chunks_mut(CHUNK)
        .zip(parts)
        .zip(&maps)
        .for_each(|((keys, part), map)| {
            for &i in &part.invalid_rows {
                keys[i] = map[keys[i] as usize];
            }
        });
    Ok(Arc::new(values.finish()))
}

/// Screens one string array: both passes.
fn screen_array(
    s: &Screener,
    array: &dyn Array,
    as_of: &AsOf,
    opts: CheckOptions,
) -> PyResult<StructArray> {
    let strs = Strs::of(array)?;
    let n = array.len();
    let dates = Dates::of(as_of, n)?;
    let bits = n.div_ceil(8);
    let mut kinds = vec![CLEAR; n];
    let mut families = vec![0i8; n];
    let mut reason_keys = vec![0i32; n];
    let mut reason_valid = MutableBuffer::from_len_zeroed(bits);
    let parts: Vec<Part> = kinds
        .par_chunks_mut(CHUNK)
        .zip(families.par_chunks_mut(CHUNK))
        .zip(reason_keys.par_chunks_mut(CHUNK))
        .zip(reason_valid.as_slice_mut().par_chunks_mut(CHUNK / 8))
        .enumerate()
        .map(|(c, (((kinds, families), reason_keys), reason_valid))| {
            let out = ChunkOut {
                kinds,
                families,
                reason_keys,
                reason_valid,
            };
            screen_chunk(s, strs, dates, opts, c * CHUNK, out)
        })
        .collect::<Result<_, String>>()
        .map_err(PyValueError::new_err)?;
    let hits: Vec<&HitRow> = parts.iter().flat_map(|p| &p.hits).collect();
    let input_nulls = array.logical_nulls();

    // The twelve columns, each built on a core of its own when one is
    // free; the reasons' keys are remapped before `kinds` moves into its
    // column.
    let reason_values = reasons(&mut reason_keys, &parts).map_err(PyValueError::new_err)?;
    let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
    // A row has a family when it has a kind (a non-null input) and no
    // reason.
    let reason_valid = BooleanBuffer::new(reason_valid.into(), 0, n);
    let mut family_valid = !&reason_valid;
    if let Some(input) = &input_nulls {
        family_valid = &family_valid & input.inner();
    }
    let family_nulls = NullBuffer::new(family_valid);
    let kind_nulls = input_nulls.clone();
    let mut columns: [Option<Result<ArrayRef, String>>; 12] = Default::default();
    {
        let [
            kind,
            family,
            list,
            lists,
            entity,
            entity_id,
            programs,
            listed,
            via,
            address,
            matches,
            reason_col,
        ] = &mut columns;

        let hits = &hits;
        let sparse = |f: &dyn Fn(&HitRow) -> Option<&str>| {
            sparse_dict(n, hits.iter().map(|h| (h.row, f(h))))
        };
        let sparse = &sparse;
        let names = &names;
        let input_nulls = &input_nulls;
        rayon::scope(|sc| {
            sc.spawn(move |_| {
                *reason_col = Some(dict(reason_keys, reason_valid, reason_values));
            });
            sc.spawn(move |_| *kind = Some(labels(kinds, &KINDS, kind_nulls)));
            sc.spawn(move |_| *family = Some(labels(families, names, Some(family_nulls))));
            sc.spawn(move |_| *list = Some(sparse(&|h| Some(&h.list))));
            sc.spawn(move |_| *lists = Some(sparse_list(n, hits, |h| &h.lists)));
            sc.spawn(move |_| *entity = Some(sparse(&|h| h.entity.as_deref())));
            sc.spawn(move |_| *entity_id = Some(sparse(&|h| h.entity_id.as_deref())));
            sc.spawn(move |_| *programs = Some(sparse_list(n, hits, |h| &h.programs)));
            sc.spawn(move |_| *listed = Some(sparse(&|h| h.listed.as_deref())));
            sc.spawn(move |_| *via = Some(sparse(&|h| Some(h.via))));
            sc.spawn(move |_| *address = Some(sparse(&|h| Some(&h.address))));
            sc.spawn(move |_| *matches = Some(counts(n, hits, input_nulls.clone())));
        });
    }
    let columns = columns
        .into_iter()
        .map(|c| c.unwrap_or_else(|| Err("check_arrow: a column was not built".to_owned())))
        .collect::<Result<Vec<ArrayRef>, String>>()
        .map_err(PyValueError::new_err)?;
    StructArray::try_new(fields(), columns, input_nulls)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `as_of=` of `check_arrow`, read: None, a date (str or
/// `datetime.date`), or an Arrow array of dates or strings (chunks
/// joined).
pub(crate) fn as_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<AsOf> {
    let Some(obj) = obj else {
        return Ok(AsOf::Now);
    };
    if obj.is_instance_of::<pyo3::types::PyString>() || obj.hasattr("isoformat")? {
        return crate::parse_date(obj).map(AsOf::One);
    }
    let array: AnyArray = obj.extract().map_err(|_| {
        PyTypeError::new_err(
            "as_of takes a 'YYYY-MM-DD' str, a datetime.date, or an Arrow array of dates \
             (date32) or of 'YYYY-MM-DD' strings",
        )
    })?;
    let array = match array {
        AnyArray::Array(a) => a.into_inner().0,
        stream @ AnyArray::Stream(_) => {
            let (chunks, _) = stream.into_chunked_array()?.into_inner();
            let refs: Vec<&dyn Array> = chunks.iter().map(|c| c.as_ref()).collect();
            match refs.as_slice() {
                [_] => Arc::clone(&chunks[0]),
                _ => arrow_select::concat::concat(&refs)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?,
            }
        }
    };
    Ok(AsOf::Each(array))
}

pub(crate) fn check_arrow<'py>(
    s: &PyScreener,
    py: Python<'py>,
    array: AnyArray,
    as_of: AsOf,
    opts: CheckOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let screener = &s.inner;
    match array {
        AnyArray::Array(a) => {
            let (array, _) = a.into_inner();
            let out = py.detach(|| screen_array(screener, array.as_ref(), &as_of, opts))?;
            let exported = PyArray::from_array_ref(Arc::new(out)).into_pyobject(py)?;
            py.import("pyarrow")?.getattr("array")?.call1((exported,))
        }
        stream @ AnyArray::Stream(_) => {
            let (chunks, _) = stream.into_chunked_array()?.into_inner();
            let rows: usize = chunks.iter().map(|c| c.len()).sum();
            if let AsOf::Each(a) = &as_of
                && a.len() != rows
            {
                return Err(PyValueError::new_err(format!(
                    "as_of has {} rows, the addresses {rows}",
                    a.len()
                )));
            }
            let out = py.detach(|| {
                let mut at = 0;
                chunks
                    .iter()
                    .map(|c| {
                        // A per-row as_of is cut as the chunks are.
                        let dates = match &as_of {
                            AsOf::Each(a) => AsOf::Each(a.slice(at, c.len())),
                            AsOf::Now => AsOf::Now,
                            AsOf::One(d) => AsOf::One(*d),
                        };
                        at += c.len();
                        screen_array(screener, c.as_ref(), &dates, opts)
                            .map(|a| Arc::new(a) as ArrayRef)
                    })
                    .collect::<PyResult<Vec<ArrayRef>>>()
            })?;
            let field = Arc::new(Field::new("", DataType::Struct(fields()), true));
            PyChunkedArray::try_new(out, field)?.into_pyarrow(py)
        }
    }
}
