//! `LiveScreener`: checks from the current lists while they are refreshed
//! from their sources (the library's `update::LiveScreener`).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use serde_json::json;

use walletscreen::update::{RefresherHandle, Source};
use walletscreen::{CheckOptions, LiveScreener, RefreshReport};

use crate::errors::{build_err, stale_err, update_err};
use crate::types::{PyVerdict, PyVersion, json_to_py};
use crate::{PyList, PyScreener};

/// A duration: seconds (int or float) or a `datetime.timedelta`.
fn duration(obj: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs: f64 = if let Ok(s) = obj.extract::<f64>() {
        s
    } else if obj.hasattr("total_seconds")? {
        obj.call_method0("total_seconds")?.extract()?
    } else {
        return Err(PyTypeError::new_err(
            "a duration is a number of seconds or a datetime.timedelta",
        ));
    };
    Duration::try_from_secs_f64(secs)
        .map_err(|_| PyValueError::new_err(format!("not a duration: {secs} s")))
}

/// A screener whose lists are refreshed from their sources (OFAC's
/// Sanctions List Service by default, or paths and URLs), with guards, a
/// last-good cache and a staleness limit. Checks never block; `refresh()`
/// fetches (with the GIL released).
#[pyclass(name = "LiveScreener", module = "walletscreen", frozen)]
pub struct PyLiveScreener {
    inner: LiveScreener,
    refresher: Mutex<Option<RefresherHandle>>,
}

fn report(py: Python<'_>, r: &RefreshReport) -> PyResult<Py<PyAny>> {
    let sources: Vec<_> = r
        .sources
        .iter()
        .map(|s| {
            json!({
                "source": s.source.to_string(),
                "location": s.location.to_string(),
                "status": s.status,
                "list": s.list,
                "sha256": s.sha256,
                "bytes": s.bytes,
                "entries": s.entries,
                "added": s.added,
                "removed": s.removed,
                "failed": s.failed.iter().map(|(l, e)| json!({"location": l.to_string(), "error": e.to_string()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "swapped": r.swapped,
        "added": r.added(),
        "removed": r.removed(),
        "previous": &*r.previous,
        "version": &*r.version,
        "sources": sources,
        "cache_written": r.cache_written.as_ref().map(|p| p.display().to_string()),
        "cache_error": r.cache_error.as_ref().map(|e| e.to_string()),
    });
    Ok(json_to_py(py, &value)?.unbind())
}

#[pymethods]
impl PyLiveScreener {
    /// Builds a live screener (fetches nothing: call `refresh()`).
    ///
    /// `sources`: list locations (URLs or paths; an OFAC file name such as
    /// `SDN_ADVANCED.XML` is read as the OFAC SDN list); None keeps the
    /// default (OFAC's service), `[]` means none. `lists`: base `List`s
    /// served beside the bundled lists (unless `bundled=False`).
    /// Durations are seconds or `datetime.timedelta`.
    #[new]
    #[pyo3(signature = (*, sources=None, lists=None, bundled=true, max_shrink=None, force=false, max_age=None, strict=false, connect_timeout=None, read_timeout=None, timeout=None, max_body=None, max_redirects=None, allow_insecure_http=false, system_proxy=true, cache_dir=None, refresh_interval=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        sources: Option<Vec<String>>,
        lists: Option<Vec<PyRef<'_, PyList>>>,
        bundled: bool,
        max_shrink: Option<f64>,
        force: bool,
        max_age: Option<&Bound<'_, PyAny>>,
        strict: bool,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        read_timeout: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        max_body: Option<u64>,
        max_redirects: Option<usize>,
        allow_insecure_http: bool,
        system_proxy: bool,
        cache_dir: Option<PathBuf>,
        refresh_interval: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut b = LiveScreener::builder();
        if let Some(sources) = sources {
            b.no_sources();
            for s in sources {
                b.source(Source::parse(&s));
            }
        }
        for l in lists.unwrap_or_default() {
            b.list(l.list.clone());
        }
        b.bundled(bundled)
            .force(force)
            .strict(strict)
            .allow_insecure_http(allow_insecure_http)
            .system_proxy(system_proxy);
        if let Some(f) = max_shrink {
            b.max_shrink(f);
        }
        if let Some(d) = max_age {
            b.max_age(duration(d)?);
        }
        if let Some(d) = connect_timeout {
            b.connect_timeout(duration(d)?);
        }
        if let Some(d) = read_timeout {
            b.read_timeout(duration(d)?);
        }
        if let Some(d) = timeout {
            b.timeout(duration(d)?);
        }
        if let Some(n) = max_body {
            b.max_body(n);
        }
        if let Some(n) = max_redirects {
            b.max_redirects(n);
        }
        if let Some(d) = cache_dir {
            b.cache_dir(d);
        }
        if let Some(d) = refresh_interval {
            b.refresh_interval(duration(d)?);
        }
        let inner = py.detach(|| b.build()).map_err(build_err)?;
        Ok(PyLiveScreener {
            inner,
            refresher: Mutex::new(None),
        })
    }

    /// Screens one string against the current lists. The verdict's
    /// `stale` says whether the lists were older than `max_age`; in strict
    /// mode a stale clear raises `StaleError`.
    #[pyo3(signature = (address, *, verify_checksum=false))]
    fn check(&self, address: &str, verify_checksum: bool) -> PyResult<PyVerdict> {
        let opts = CheckOptions::new().verify_checksum(verify_checksum);
        let v = self.inner.check_with(address, opts).map_err(stale_err)?;
        let mut out = PyVerdict::now(v.verdict, v.version);
        out.stale = Some(v.stale);
        Ok(out)
    }

    /// Fetches every source, and swaps the new lists in if they pass the
    /// guards (all or nothing: on an error the old lists keep serving and
    /// `UpdateError` is raised). Returns a report dict: `swapped`,
    /// `added`, `removed`, `previous`, `version`, `sources` (per source:
    /// `status`, `list`, `sha256`, `bytes`, `entries`, `added`,
    /// `removed`, `failed`), `cache_written`, `cache_error`.
    fn refresh(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let r = py.detach(|| self.inner.refresh()).map_err(update_err)?;
        report(py, &r)
    }

    /// Refreshes in a background thread every `refresh_interval` until
    /// `stop_refresher()` (or until the screener is dropped).
    fn spawn_refresher(&self) -> PyResult<()> {
        let handle = self
            .inner
            .spawn_refresher()
            .map_err(|e| pyo3::exceptions::PyOSError::new_err(e.to_string()))?;
        let mut slot = self.refresher.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = slot.replace(handle) {
            old.stop();
        }
        Ok(())
    }

    /// Stops the background refresher, if any (a refresh in progress runs
    /// to its end).
    fn stop_refresher(&self, py: Python<'_>) {
        let handle = self
            .refresher
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(h) = handle {
            py.detach(|| h.stop());
        }
    }

    /// The current compiled lists, as a plain `Screener` (a consistent
    /// view for a batch: `check_many`, `check_arrow`).
    fn screener(&self) -> PyScreener {
        PyScreener {
            inner: self.inner.screener(),
        }
    }

    /// Version of the current lists.
    #[getter]
    fn version(&self) -> PyVersion {
        PyVersion::from(&self.inner.version())
    }

    /// Whether the current lists are older than `max_age` (or never
    /// verified); always False without `max_age`.
    #[getter]
    fn is_stale(&self) -> bool {
        self.inner.is_stale()
    }

    /// Refreshes attempted and failed, and the last error, as a dict.
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = self.inner.status();
        let secs = |t: Option<std::time::SystemTime>| {
            t.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs_f64())
        };
        json_to_py(
            py,
            &json!({
                "attempts": s.attempts,
                "failures": s.failures,
                "last_attempt": secs(s.last_attempt),
                "last_success": secs(s.last_success),
                "last_error": s.last_error,
            }),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "LiveScreener(sources={}, version={})",
            self.inner.sources().len(),
            crate::types::q(self.inner.version().sha256.get(..12))
        )
    }
}
