//! The matches of a hit: [`Matches`], the borrowing [`Match`] it yields,
//! the [`Spelling`] of a listed address, and [`OwnedMatch`] to keep one.
//!
//! A match borrows what the compiled screener precomputed (the entry
//! record, the interned list and provenance, the spellings that do not
//! render from their keys, the validation issues): reading a hit's matches
//! allocates nothing and parses nothing.

use std::sync::Arc;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{Inner, Meta, Via};
use crate::address::{self, ParseError, tag};
use crate::index::{self, EntryRec, Form, Refs};
use crate::list::{Category, Entry, Provenance};

impl Inner {
    /// Where entry `i`'s listed spelling comes from: its key (in the form
    /// of its record) or, for a spelling that does not render from it, the
    /// meta section. `None` only in a corrupt image.
    fn source(&self, i: u32, rec: &EntryRec) -> Option<Source<'_>> {
        let form = Form::from_u8(rec.form & !index::FLAGGED)?;
        if form != Form::Other && rec.key != index::NO_KEY {
            let (tag, payload) = self.index.key_at(rec.key)?;
            if let Some(len) = index::spelled_len(tag, payload, form) {
                // The text of these keys is the listed spelling itself.
                let text = matches!(tag, tag::BASE58 | tag::BECH32 | tag::OPAQUE);
                if form == Form::Plain
                    && text
                    && let Ok(s) = std::str::from_utf8(payload)
                {
                    return Some(Source::Text(s));
                }
                return Some(Source::Key {
                    tag,
                    payload,
                    form,
                    len,
                });
            }
        }
        let k = self.odd.binary_search_by_key(&i, |(e, _)| *e).ok()?;
        Some(Source::Text(&self.odd[k].1))
    }

    /// Entry `i` reached by `via` (a stored code; `Via::Listed` becomes
    /// `mapped`, when given). `None` only in a corrupt image.
    fn resolve(&self, i: u32, via: u8, mapped: Option<Via>) -> Option<Match<'_>> {
        let rec = self.index.entry(i)?;
        let meta = self.metas.get(rec.meta as usize)?;
        self.lists.get(meta.list as usize)?;
        let via = match (Via::from_code(via)?, mapped) {
            (Via::Listed, Some(m)) => m,
            (v, _) => v,
        };
        Some(Match {
            inner: self,
            entry: i,
            line: rec.line,
            flagged: rec.form & index::FLAGGED != 0,
            meta,
            via,
            source: self.source(i, &rec)?,
        })
    }

    /// Entry `i`, owned, with its list's number.
    pub(super) fn entry(&self, i: u32) -> Option<(u32, Entry)> {
        let m = self.resolve(i, Via::Listed as u8, None)?;
        Some((m.meta.list, m.to_entry()))
    }

    /// Why flagged entry `i`'s address does not validate.
    fn issue(&self, i: u32) -> Option<&ParseError> {
        let issues = self.issues.get_or_init(|| self.find_issues());
        let k = issues.binary_search_by_key(&i, |(e, _)| *e).ok()?;
        Some(&issues[k].1)
    }

    /// The issues of the flagged entries, by entry, from their spellings:
    /// for an image read back (a compiled screener has them from its
    /// lists). Done once, on the first issue asked for.
    fn find_issues(&self) -> Vec<(u32, ParseError)> {
        (0..self.index.entry_count() as u32)
            .filter_map(|i| {
                let rec = self.index.entry(i)?;
                if rec.form & index::FLAGGED == 0 {
                    return None;
                }
                let listed = self.source(i, &rec)?.spelling();
                address::parse(&listed).err().map(|e| (i, e))
            })
            .collect()
    }
}

/// Where a match's listed spelling comes from.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// The spelling itself, in the image or the meta section.
    Text(&'a str),
    /// A key and the form that spells it, `len` bytes.
    Key {
        tag: u8,
        payload: &'a [u8],
        form: Form,
        len: usize,
    },
}

impl<'a> Source<'a> {
    fn spelling(self) -> Spelling<'a> {
        let (tag, payload, form, len) = match self {
            Source::Text(s) => return Spelling(Repr::Borrowed(s)),
            Source::Key {
                tag,
                payload,
                form,
                len,
            } => (tag, payload, form, len),
        };
        if len <= INLINE {
            let mut buf = [0u8; INLINE];
            index::spell(tag, payload, form, &mut buf[..len]);
            if std::str::from_utf8(&buf[..len]).is_ok() {
                return Spelling(Repr::Inline {
                    len: len as u8,
                    buf,
                });
            }
        }
        let mut out = vec![0; len];
        index::spell(tag, payload, form, &mut out);
        Spelling(Repr::Owned(String::from_utf8_lossy(&out).into()))
    }
}

/// Bytes of a [`Spelling`] kept inline: more than any address rebuilt
/// from its key (a prefixed CashAddr of a 64-byte hash is 124).
const INLINE: usize = 128;

/// The matches of a [`Hit`](crate::Hit), in list order: an iterator of
/// [`Match`]es borrowed from the compiled screener, made by
/// [`Hit::matches`](crate::Hit::matches).
///
/// Cheap: no allocation, no parsing; a clone is a copy of the cursor (it
/// goes on from where this one is). It knows its length
/// ([`ExactSizeIterator`]), serializes as a sequence of matches, and two
/// are equal when they yield equal matches.
#[derive(Clone)]
pub struct Matches<'a> {
    inner: &'a Inner,
    refs: Refs<'a>,
    /// The [`Via`] of a query spelling mapped when it was keyed, for the
    /// matches reached as listed.
    mapped: Option<Via>,
    len: usize,
}

impl<'a> Matches<'a> {
    /// The matches of the key record at `key`.
    pub(super) fn new(inner: &'a Inner, key: u32, mapped: Option<Via>) -> Matches<'a> {
        let refs = inner.index.refs(key);
        let len = refs
            .clone()
            .filter(|&(e, via)| inner.resolve(e, via, None).is_some())
            .count();
        Matches {
            inner,
            refs,
            mapped,
            len,
        }
    }
}

impl<'a> Iterator for Matches<'a> {
    type Item = Match<'a>;

    fn next(&mut self) -> Option<Match<'a>> {
        for (e, via) in self.refs.by_ref() {
            if let Some(m) = self.inner.resolve(e, via, self.mapped) {
                self.len = self.len.saturating_sub(1);
                return Some(m);
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl ExactSizeIterator for Matches<'_> {}

impl std::iter::FusedIterator for Matches<'_> {}

/// Two are equal when they yield equal matches (see [`Match`]).
impl PartialEq<Matches<'_>> for Matches<'_> {
    fn eq(&self, other: &Matches<'_>) -> bool {
        self.len() == other.len() && self.clone().eq(other.clone())
    }
}

impl std::fmt::Debug for Matches<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl Serialize for Matches<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for m in self.clone() {
            seq.serialize_element(&m)?;
        }
        seq.end()
    }
}

/// One listed entry that a query matched, borrowed from the compiled
/// screener: the list, how the query reached the entry, and the entry (its
/// address as listed, its [`Provenance`], its line, its validation issue).
///
/// `Copy`, and every accessor is a read of precomputed data: no
/// allocation, no parsing (only [`Match::address`] of an EIP-55 spelling
/// hashes, to rebuild its mixed case). It lives as long as the
/// [`Hit`](crate::Hit) it came from. To keep a match past its hit, keep
/// the hit (cloning one is an `Arc` increment, and it stays valid after
/// the screener is replaced) or make an owned copy with
/// [`Match::into_owned`].
///
/// Serialized as one flat record: `list`, `category`, `address`, `via`,
/// the seven provenance fields, `line`, `issue`. Two matches are equal
/// when all of these are.
///
/// # Examples
///
/// ```
/// use walletscreen::{Category, Screener, Via};
/// let s = Screener::bundled()?;
/// // An OFAC-listed Lazarus Group address, in lower case.
/// let v = s.check("0x098b716b8aaf21512996dc57eb0615e2383e2f96");
/// let hit = v.hit().expect("listed");
/// let m = hit.matches().next().expect("one match");
/// assert_eq!(m.list(), "ofac-sdn");
/// assert_eq!(m.category(), Category::Sanctioned);
/// assert_eq!(m.via(), Via::Listed);
/// assert_eq!(m.address(), "0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
/// assert_eq!(m.provenance().entity.as_deref(), Some("Lazarus Group"));
/// assert!(m.issue().is_none());
/// // Owned, to keep:
/// let kept = m.into_owned();
/// assert_eq!(kept, m);
/// assert_eq!(kept.address(), "0x098B716B8Aaf21512996dC57EB0615e2383E2f96");
/// # Ok::<(), walletscreen::BuildError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Match<'a> {
    inner: &'a Inner,
    entry: u32,
    line: u32,
    flagged: bool,
    meta: &'a Meta,
    via: Via,
    source: Source<'a>,
}

impl<'a> Match<'a> {
    /// Id of the list (e.g. `ofac-sdn`).
    pub fn list(&self) -> &'a str {
        &self.inner.list_ids[self.meta.list as usize]
    }

    /// What the list asserts.
    pub fn category(&self) -> Category {
        self.inner.lists[self.meta.list as usize].meta.category
    }

    /// How the query reached the entry.
    pub fn via(&self) -> Via {
        self.via
    }

    /// The entry's address exactly as listed (which may differ from the
    /// query: see [`Match::via`]). Rebuilt from the compiled key where it
    /// renders from it, into the returned value (no allocation).
    pub fn address(&self) -> Spelling<'a> {
        self.source.spelling()
    }

    /// What the list says about the entry.
    pub fn provenance(&self) -> &'a Provenance {
        &self.meta.provenance
    }

    /// The entry's 1-based line in its list file.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// Why the entry's address does not validate, if it does not (such an
    /// entry is matched exactly, see [`Entry::issue`]).
    pub fn issue(&self) -> Option<&'a ParseError> {
        if self.flagged {
            self.inner.issue(self.entry)
        } else {
            None
        }
    }

    /// The entry, owned: its address, provenance, line and issue.
    pub fn to_entry(self) -> Entry {
        Entry {
            address: self.address().to_string(),
            provenance: self.meta.provenance.clone(),
            line: self.line(),
            issue: self.issue().cloned(),
        }
    }

    /// The match, owned (the list id is shared, the entry copied): to keep
    /// it apart from its hit.
    pub fn into_owned(self) -> OwnedMatch {
        self.owned_with(self.to_entry())
    }

    /// The match, owned, with another entry (a history record's).
    pub(super) fn owned_with(self, entry: Entry) -> OwnedMatch {
        OwnedMatch {
            list: Arc::clone(&self.inner.list_ids[self.meta.list as usize]),
            category: self.category(),
            via: self.via,
            entry,
        }
    }
}

impl PartialEq<Match<'_>> for Match<'_> {
    fn eq(&self, other: &Match<'_>) -> bool {
        // The same entry of the same screener, reached the same way.
        if std::ptr::eq(self.inner, other.inner) && self.entry == other.entry {
            return self.via == other.via;
        }
        Fields::of(self, &self.address()) == Fields::of(other, &other.address())
    }
}

impl std::fmt::Debug for Match<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Fields::of(self, &self.address()).debug("Match", f)
    }
}

impl Serialize for Match<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(Fields::COUNT))?;
        Fields::of(self, &self.address()).serialize_into(&mut m)?;
        m.end()
    }
}

/// A [`Match`] owned: the list id, its category, how the query reached
/// the entry, and the [`Entry`]. Made by [`Match::into_owned`]; the
/// matches of an answer as of a date ([`DatedMatch`](crate::DatedMatch))
/// are owned.
///
/// Its accessors are [`Match`]'s; it serializes as a match does, and
/// compares equal to a [`Match`] with the same fields.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedMatch {
    list: Arc<str>,
    category: Category,
    via: Via,
    entry: Entry,
}

impl OwnedMatch {
    /// Id of the list (e.g. `ofac-sdn`).
    pub fn list(&self) -> &str {
        &self.list
    }

    /// What the list asserts.
    pub fn category(&self) -> Category {
        self.category
    }

    /// How the query reached the entry.
    pub fn via(&self) -> Via {
        self.via
    }

    /// The entry's address exactly as listed.
    pub fn address(&self) -> &str {
        &self.entry.address
    }

    /// What the list says about the entry.
    pub fn provenance(&self) -> &Provenance {
        &self.entry.provenance
    }

    /// The entry's 1-based line in its list file.
    pub fn line(&self) -> usize {
        self.entry.line
    }

    /// Why the entry's address does not validate, if it does not.
    pub fn issue(&self) -> Option<&ParseError> {
        self.entry.issue.as_ref()
    }

    /// The entry.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// The serialized fields, into a map being written (for
    /// [`crate::DatedMatch`], which adds its dates).
    pub(crate) fn serialize_fields<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        Fields::owned(self).serialize_into(m)
    }
}

impl PartialEq<Match<'_>> for OwnedMatch {
    fn eq(&self, other: &Match<'_>) -> bool {
        Fields::owned(self) == Fields::of(other, &other.address())
    }
}

impl PartialEq<OwnedMatch> for Match<'_> {
    fn eq(&self, other: &OwnedMatch) -> bool {
        other == self
    }
}

impl Serialize for OwnedMatch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(Fields::COUNT))?;
        self.serialize_fields(&mut m)?;
        m.end()
    }
}

/// The fields of a match, borrowed, in their serialized order: what
/// [`Match`] and [`OwnedMatch`] compare, print and serialize.
#[derive(PartialEq)]
struct Fields<'x> {
    list: &'x str,
    category: Category,
    address: &'x str,
    via: Via,
    provenance: &'x Provenance,
    line: usize,
    issue: Option<&'x ParseError>,
}

impl<'x> Fields<'x> {
    /// Map entries: six of a match, seven of its provenance.
    const COUNT: usize = 13;

    fn of(m: &Match<'x>, address: &'x Spelling<'_>) -> Fields<'x> {
        Fields {
            list: m.list(),
            category: m.category(),
            address,
            via: m.via,
            provenance: m.provenance(),
            line: m.line(),
            issue: m.issue(),
        }
    }

    fn owned(m: &'x OwnedMatch) -> Fields<'x> {
        Fields {
            list: m.list(),
            category: m.category,
            address: m.address(),
            via: m.via,
            provenance: m.provenance(),
            line: m.line(),
            issue: m.issue(),
        }
    }

    fn serialize_into<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        m.serialize_entry("list", self.list)?;
        m.serialize_entry("category", &self.category)?;
        m.serialize_entry("address", self.address)?;
        m.serialize_entry("via", &self.via)?;
        self.provenance.serialize_fields(m)?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("issue", &self.issue)
    }

    fn debug(&self, name: &str, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(name)
            .field("list", &self.list)
            .field("category", &self.category)
            .field("address", &self.address)
            .field("via", &self.via)
            .field("provenance", self.provenance)
            .field("line", &self.line)
            .field("issue", &self.issue)
            .finish()
    }
}

/// A listed address as a [`Match`] gives it ([`Match::address`]): a
/// string, borrowed from the compiled screener, or rebuilt from its key
/// into this value (EVM hex, CashAddr, a case the key folded), without
/// allocating.
///
/// Use it as a `&str` (it derefs to one, and compares with one); make a
/// `String` with `to_string()`.
#[derive(Clone)]
pub struct Spelling<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    Borrowed(&'a str),
    /// UTF-8 (checked when made).
    Inline {
        len: u8,
        buf: [u8; INLINE],
    },
    /// A spelling longer than [`INLINE`]: no address is.
    Owned(Box<str>),
}

impl Spelling<'_> {
    /// The spelling.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Borrowed(s) => s,
            Repr::Inline { len, buf } => {
                std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or("")
            }
            Repr::Owned(s) => s,
        }
    }
}

impl std::ops::Deref for Spelling<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Spelling<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Spelling<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Spelling<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<Spelling<'_>> for Spelling<'_> {
    fn eq(&self, other: &Spelling<'_>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Spelling<'_> {}

impl std::hash::Hash for Spelling<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h);
    }
}

impl PartialEq<str> for Spelling<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Spelling<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Spelling<'_> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Spelling<'_>> for str {
    fn eq(&self, other: &Spelling<'_>) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Spelling<'_>> for &str {
    fn eq(&self, other: &Spelling<'_>) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Spelling<'_>> for String {
    fn eq(&self, other: &Spelling<'_>) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Spelling<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl From<Spelling<'_>> for String {
    fn from(s: Spelling<'_>) -> String {
        match s.0 {
            Repr::Owned(s) => s.into(),
            _ => s.as_str().to_owned(),
        }
    }
}
