//! One refresh: fetch each source's locations in order, verify the bytes
//! (SHA-256, minisign), parse, apply the guards (empty, shrink), diff,
//! compile and swap the new set in, write the cache.

use std::sync::Arc;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::cache::write_cache;
use super::diff::{diff, record_removals};
use super::{ListSet, LiveScreener, SourceState, compose, compose_lists, joined, lock};
use crate::list::{Entry, List, LoadOptions};
use crate::update::fetch::{Fetched, Validators};
use crate::update::integrity::{self, IntegrityError};
use crate::update::{FetchStatus, Location, RefreshReport, Source, SourceReport, UpdateError, hex};

/// What refreshing one source gave.
struct Outcome {
    report: SourceReport,
    /// Validators of the response, when it had a body.
    validators: Option<Validators>,
    /// A list that passed the guards and differs from the current one.
    new: Option<NewList>,
}

struct NewList {
    /// Index of the location that gave it.
    location: usize,
    list: Arc<List>,
    sha256: [u8; 32],
}

impl LiveScreener {
    /// Fetches every source, checks the guards, compiles and swaps in the
    /// new set when a list changed. All or nothing: on error nothing is
    /// swapped and the current set keeps serving; the error is also logged
    /// and kept in [`LiveScreener::status`]. Concurrent calls run one after
    /// the other.
    pub fn refresh(&self) -> Result<RefreshReport, UpdateError> {
        let result = self.refresh_inner();
        let now = SystemTime::now();
        let mut status = lock(&self.inner.status);
        status.attempts += 1;
        status.last_attempt = Some(now);
        match &result {
            Ok(report) => {
                status.last_success = Some(now);
                status.last_error = None;
                for s in &report.sources {
                    log::info!(
                        "walletscreen: {} {}: {:?}, sha256 {}, {} entries, +{} -{}",
                        s.list,
                        s.location,
                        s.status,
                        s.sha256,
                        s.entries,
                        s.added.len(),
                        s.removed.len()
                    );
                }
                if let Some(e) = &report.cache_error {
                    log::warn!("walletscreen: writing the cache failed: {e}");
                }
            }
            Err(e) => {
                status.failures += 1;
                status.last_error = Some(e.to_string());
                log::warn!(
                    "walletscreen: refresh failed, still serving {}: {e}",
                    self.version().sha256
                );
            }
        }
        result
    }

    fn refresh_inner(&self) -> Result<RefreshReport, UpdateError> {
        let shared = &*self.inner;
        let mut state = lock(&shared.state);
        let previous = shared.serving.load_full();
        let before = compose_lists(&shared.base, &state.sources);
        let mut next = state.sources.clone();
        let mut reports = Vec::with_capacity(shared.sources.len());
        let mut swapped = false;
        let mut recorded = state.recorded.clone();
        for (i, source) in shared.sources.iter().enumerate() {
            let outcome = self.refresh_source(source, &state.sources[i], &before)?;
            let st = &mut next[i];
            if let Some(new) = &outcome.new {
                let old = replaced(&before, state.sources[i].list.as_ref(), &new.list.meta().id);
                if let Some(old) = old {
                    record_removals(&mut recorded, old, &new.list, st.verified_at);
                }
            }
            st.verified_at = Some(SystemTime::now());
            if let Some(v) = outcome.validators {
                st.validators = v;
            }
            if let Some(new) = outcome.new {
                st.list = Some(new.list);
                st.location = new.location;
                st.sha256 = new.sha256;
                swapped = true;
            }
            reports.push(outcome.report);
        }
        let set = if swapped {
            compose(
                &shared.base,
                &next,
                &joined(&shared.base_history, &recorded),
            )?
        } else {
            ListSet::clone(&previous)
        };
        let set = ListSet {
            verified_at: Some(SystemTime::now()),
            ..set
        };
        let version = set.screener.version().clone();
        shared.serving.store(Arc::new(set));
        state.sources = next;
        state.recorded = recorded;

        let mut cache_written = None;
        let mut cache_error = None;
        if let Some(path) = &shared.cache_path
            && (swapped || !state.cache_in_sync)
        {
            match write_cache(path, &shared.sources, &state.sources, &state.recorded) {
                Ok(()) => {
                    state.cache_in_sync = true;
                    cache_written = Some(path.clone());
                }
                Err(e) => {
                    state.cache_in_sync = false;
                    cache_error = Some(e);
                }
            }
        }
        Ok(RefreshReport {
            sources: reports,
            previous: previous.screener.version().clone(),
            version,
            swapped,
            cache_written,
            cache_error,
        })
    }

    /// Tries the source's locations in order until one answers.
    fn refresh_source(
        &self,
        source: &Source,
        st: &SourceState,
        before: &[Arc<List>],
    ) -> Result<Outcome, UpdateError> {
        let mut failed: Vec<(Location, UpdateError)> = Vec::new();
        for (li, location) in source.locations().iter().enumerate() {
            match self.refresh_location(source, li, st, before) {
                Ok(mut outcome) => {
                    outcome.report.failed = failed;
                    return Ok(outcome);
                }
                Err(e) => failed.push((location.clone(), e)),
            }
        }
        if failed.len() == 1 {
            Err(failed.pop().expect("one error").1)
        } else {
            Err(UpdateError::AllFailed {
                source_name: source.primary().to_string(),
                errors: failed.into_iter().map(|(_, e)| e).collect(),
            })
        }
    }

    /// Fetches one location of a source: conditionally when the source's
    /// list came from it.
    fn refresh_location(
        &self,
        source: &Source,
        li: usize,
        st: &SourceState,
        before: &[Arc<List>],
    ) -> Result<Outcome, UpdateError> {
        let location = &source.locations()[li];
        let current = st.list.as_ref().filter(|_| st.location == li);
        let report = |status, list: &List, sha: &[u8; 32], bytes: u64| SourceReport {
            source: source.primary().clone(),
            location: location.clone(),
            status,
            list: list.meta().id.clone(),
            sha256: hex(sha),
            bytes,
            entries: list.entries().len(),
            added: Vec::new(),
            removed: Vec::new(),
            failed: Vec::new(),
            warnings: list.warnings().to_vec(),
        };
        let fetched = self
            .inner
            .fetcher
            .fetch(location, current.map(|_| &st.validators))?;
        let (bytes, validators) = match (fetched, current) {
            (Fetched::NotModified, Some(list)) => {
                return Ok(Outcome {
                    report: report(FetchStatus::NotModified, list, &st.sha256, 0),
                    validators: None,
                    new: None,
                });
            }
            (Fetched::NotModified, None) => {
                // Not reachable: a conditional GET is only sent with a
                // current list. Refuse rather than trust it.
                return Err(UpdateError::Status {
                    url: location.to_string(),
                    code: 304,
                });
            }
            (Fetched::Body { bytes, validators }, _) => (bytes, validators),
        };
        let sha: [u8; 32] = Sha256::digest(&bytes).into();
        // Checked before anything is parsed.
        if let Some(expected) = source.expected_sha256()
            && expected != sha
        {
            return Err(UpdateError::Sha256Mismatch {
                location: location.to_string(),
                expected: hex(&expected),
                actual: hex(&sha),
            });
        }
        if let Some(key) = source.minisign_key() {
            self.verify_signature(location, key, &bytes)?;
        }
        let n = bytes.len() as u64;
        if let Some(list) = current.filter(|_| st.sha256 == sha) {
            return Ok(Outcome {
                report: report(FetchStatus::Unchanged, list, &sha, n),
                validators: Some(validators),
                new: None,
            });
        }
        let previous = st.list.as_ref();
        let list = self.load_and_guard(location, source, &bytes, before, previous)?;
        let mut r = report(FetchStatus::Fetched, &list, &sha, n);
        let old = replaced(before, previous, &list.meta().id);
        let old: Vec<Entry> = old.map(|l| l.entries().collect()).unwrap_or_default();
        let new: Vec<Entry> = list.entries().collect();
        (r.added, r.removed) = diff(&old, &new);
        Ok(Outcome {
            report: r,
            validators: Some(validators),
            new: Some(NewList {
                location: li,
                list: Arc::new(list),
                sha256: sha,
            }),
        })
    }

    /// Fetches the detached minisign signature of `location` and checks it
    /// against `bytes` with `key` (base64, validated by
    /// [`Source::minisign`]).
    fn verify_signature(
        &self,
        location: &Location,
        key: &str,
        bytes: &[u8],
    ) -> Result<(), UpdateError> {
        let sig_location = location.signature();
        let refuse = |reason: String| UpdateError::Signature {
            location: location.to_string(),
            signature: sig_location.to_string(),
            reason,
        };
        let sig = match self.inner.fetcher.fetch(&sig_location, None) {
            Ok(Fetched::Body { bytes, .. }) => bytes,
            Ok(Fetched::NotModified) => return Err(refuse("not modified?".to_owned())),
            Err(e) => return Err(refuse(format!("not available ({e})"))),
        };
        let sig = std::str::from_utf8(&sig)
            .map_err(|_| refuse(IntegrityError::NotASignature.to_string()))?;
        // The reasons are the integrity check's messages ("does not
        // verify", "made with another key", ...).
        integrity::check_minisign(bytes, sig, key).map_err(|e| refuse(e.to_string()))
    }

    /// Parses fetched bytes and applies the guards.
    fn load_and_guard(
        &self,
        location: &Location,
        source: &Source,
        bytes: &[u8],
        before: &[Arc<List>],
        previous: Option<&Arc<List>>,
    ) -> Result<List, UpdateError> {
        let shared = &*self.inner;
        let loc = || location.to_string();
        // Emptiness is this guard's to judge (`force` accepts it); with
        // `force`, a list mostly of non-addresses is accepted too.
        let options = LoadOptions::new()
            .allow_empty(true)
            .allow_non_addresses(shared.force);
        let list = List::from_bytes_with(bytes, source.meta().clone(), &options).map_err(|e| {
            UpdateError::Parse {
                location: loc(),
                source: e,
            }
        })?;
        log::info!("walletscreen: {}: {}", loc(), list.report());
        for w in list.warnings() {
            log::warn!("walletscreen: {}: {w}", loc());
        }
        if shared.force {
            return Ok(list);
        }
        let after = list.entries().len();
        if after == 0 {
            if let Some((format, list)) = list.ofac_origin() {
                return Err(UpdateError::NoAddresses {
                    location: loc(),
                    format,
                    list,
                });
            }
            return Err(UpdateError::Empty { location: loc() });
        }
        if let Some(old) = replaced(before, previous, &list.meta().id) {
            let before = old.entries().len();
            if before > after && (before - after) as f64 > shared.max_shrink * before as f64 {
                return Err(UpdateError::Shrink {
                    location: loc(),
                    id: list.meta().id.clone(),
                    before,
                    after,
                    max_shrink: shared.max_shrink,
                });
            }
        }
        Ok(list)
    }
}

/// The list a new list with id `id` replaces: the serving list with that id,
/// else the source's previous list (whose id the new file may have changed).
fn replaced<'a>(
    before: &'a [Arc<List>],
    previous: Option<&'a Arc<List>>,
    id: &str,
) -> Option<&'a Arc<List>> {
    before.iter().find(|l| l.meta().id == id).or(previous)
}
