//! Compiling lists into a [`Screener`]: the [`ScreenerBuilder`], every
//! entry keyed (on worker threads for large sets) and inserted in order
//! into the index, the metadata interned, the bloom filter.

use std::sync::Arc;

use super::aliases::{alias_bound, entry_keys};
use super::answer::{hex, version_of};
use super::{BloomMode, Inner, ListInfo, Meta, Screener, Via, compiled};
use crate::error::{BuildError, ParseError};
use crate::history::History;
use crate::index::{self, EntryRec, Form, Index, IndexBuilder};
use crate::list::{EntryRef, List, Provenance, Store};

/// Seed of the bloom filter's hashes (fixed, for reproducible builds).
const BLOOM_SEED: [u8; 32] = *b"walletscreen bloom filter seed!!";

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

/// The borrowed form of [`Meta`], for interning without copying. Equal
/// when the list and the provenance are; hashed on the list, entity and
/// entity id only (equal values still hash equal): hashing all eight
/// fields of every entry was ~12 % of a 10 M-entry build.
#[derive(Clone, Copy, PartialEq, Eq)]
struct MetaRef<'a>(u32, &'a Provenance);

impl std::hash::Hash for MetaRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
        self.1.entity.hash(h);
        self.1.entity_id.hash(h);
    }
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

pub(super) fn build_bloom(
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
        let r = MetaRef(li, e.provenance);
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
        let eip55 = e.class.checksum_valid;
        entry_keys(e, |t, p, via| {
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
    /// Why each flagged entry does not validate, by entry.
    issues: Vec<(u32, ParseError)>,
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
                let next = self.metas.len() as u32;
                let id = *self
                    .meta_ids
                    .entry(MetaRef(li, e.provenance))
                    .or_insert(next);
                if id == next {
                    self.metas.push(Meta {
                        list: li,
                        provenance: e.provenance.clone(),
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
            if let Some(issue) = entry.issue {
                self.issues.push((ei as u32, issue.clone()));
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
        issues: Vec::new(),
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
        infos,
        metas,
        odd,
        issues,
        ..
    } = g;
    let meta = compiled::encode_meta(&infos, &shas, bloom_mode, fp_rate, &metas, &odd);
    let index = b.finish(&meta);
    drop(meta);
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
            issues: issues.into(),
            scan: std::sync::OnceLock::new(),
        }),
        history: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::{Category, ListMeta};

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
