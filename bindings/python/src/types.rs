//! The answer types as Python sees them: `Verdict`, `Match`, `ScanMatch`,
//! `Version`.

use std::sync::Arc;

use pyo3::prelude::*;
use serde::Serialize;

use walletscreen::{Category, Checksum, Family, Verdict, VerdictAt, Version};

/// The serialized name of a category.
pub(crate) fn category_name(c: Category) -> &'static str {
    match c {
        Category::Sanctioned => "sanctioned",
        Category::Attributed => "attributed",
        Category::Custom => "custom",
    }
}

/// A serde value as Python objects (through `json.loads`: the library's
/// JSON, field for field).
pub(crate) fn json_to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// A Python-style repr of an optional string: `'x'` or `None`.
pub(crate) fn q(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("'{}'", s.escape_debug()),
        None => "None".to_owned(),
    }
}

/// A serde value that serializes to a JSON string (the library's enums),
/// as that string.
fn name_of<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The version of a list set: newest `as_of` date and a SHA-256 over the
/// lists.
#[pyclass(name = "Version", module = "walletscreen", frozen, get_all, eq)]
#[derive(Clone, PartialEq)]
pub struct PyVersion {
    /// Newest `as_of` date among the lists (`YYYY-MM-DD`), or None.
    pub date: Option<String>,
    /// Hex SHA-256 of the list set.
    pub sha256: String,
}

impl From<&Arc<Version>> for PyVersion {
    fn from(v: &Arc<Version>) -> Self {
        PyVersion {
            date: v.date.clone(),
            sha256: v.sha256.clone(),
        }
    }
}

#[pymethods]
impl PyVersion {
    fn __repr__(&self) -> String {
        format!(
            "Version(date={}, sha256={})",
            q(self.date.as_deref()),
            q(Some(&self.sha256))
        )
    }
}

/// One listed entry that a query matched, with what the list says about
/// it: the library's owned match (its entry and provenance, not copied
/// field by field), read through getters.
#[pyclass(name = "Match", module = "walletscreen", frozen)]
#[derive(Clone)]
pub struct PyMatch {
    matched: walletscreen::OwnedMatch,
    /// As-of checks: the listing date, when known.
    listed_on: Option<walletscreen::Date>,
    /// As-of checks: the delisting date, for an entry no longer listed.
    delisted_on: Option<walletscreen::Date>,
}

impl PyMatch {
    fn of(m: walletscreen::Match<'_>) -> PyMatch {
        PyMatch {
            matched: m.into_owned(),
            listed_on: None,
            delisted_on: None,
        }
    }

    fn dated(d: &walletscreen::DatedMatch) -> PyMatch {
        PyMatch {
            matched: d.matched.clone(),
            listed_on: d.listed_on,
            delisted_on: d.delisted.map(|d| d.by),
        }
    }

    fn provenance(&self) -> &walletscreen::Provenance {
        self.matched.provenance()
    }
}

#[pymethods]
impl PyMatch {
    /// Id of the list (`ofac-sdn`, ...).
    #[getter]
    fn list(&self) -> &str {
        self.matched.list()
    }
    /// `"sanctioned"`, `"attributed"` or `"custom"`.
    #[getter]
    fn category(&self) -> &'static str {
        category_name(self.matched.category())
    }
    /// The address as listed.
    #[getter]
    fn address(&self) -> &str {
        self.matched.address()
    }
    /// How the query reached it (`"listed"`, `"cashaddr_of_legacy"`, ...).
    #[getter]
    fn via(&self) -> &'static str {
        self.matched.via().name()
    }
    /// Chain, as published.
    #[getter]
    fn chain(&self) -> Option<&str> {
        self.provenance().chain.as_deref()
    }
    /// Currency codes, as published.
    #[getter]
    fn tickers(&self) -> Vec<String> {
        self.provenance().tickers.clone()
    }
    /// Listed person, entity or group.
    #[getter]
    fn entity(&self) -> Option<&str> {
        self.provenance().entity.as_deref()
    }
    /// The publisher's identifier of the entity.
    #[getter]
    fn entity_id(&self) -> Option<&str> {
        self.provenance().entity_id.as_deref()
    }
    /// Sanctions programs (or a user list's reasons).
    #[getter]
    fn programs(&self) -> Vec<String> {
        self.provenance().programs.clone()
    }
    /// Date listed (`YYYY-MM-DD`), as published.
    #[getter]
    fn listed(&self) -> Option<&str> {
        self.provenance().listed.as_deref()
    }
    /// URL of the entry (or of the list).
    #[getter]
    fn source(&self) -> Option<&str> {
        self.provenance().source.as_deref()
    }
    /// 1-based line of the entry in its list file.
    #[getter]
    fn line(&self) -> usize {
        self.matched.line()
    }
    /// Why the listed address does not validate, if it does not.
    #[getter]
    fn issue(&self) -> Option<String> {
        self.matched.issue().map(|e| e.to_string())
    }
    /// As-of checks: the listing date (`YYYY-MM-DD`), when known.
    #[getter]
    fn listed_on(&self) -> Option<String> {
        self.listed_on.map(|d| d.to_string())
    }
    /// As-of checks: the delisting date, for an entry no longer listed.
    #[getter]
    fn delisted_on(&self) -> Option<String> {
        self.delisted_on.map(|d| d.to_string())
    }

    fn __repr__(&self) -> String {
        format!(
            "Match(list={}, address={}, via={}, entity={})",
            q(Some(self.list())),
            q(Some(self.address())),
            q(Some(self.via())),
            q(self.entity())
        )
    }
}

/// What a verdict answers from: the current lists, or the listing
/// history as of a date.
#[derive(Clone)]
pub(crate) enum Answer {
    Now(Verdict),
    At(VerdictAt),
}

/// The answer to one query: `kind` is `"hit"`, `"clear"` or `"invalid"`.
#[pyclass(name = "Verdict", module = "walletscreen", frozen)]
#[derive(Clone)]
pub struct PyVerdict {
    pub(crate) answer: Answer,
    pub(crate) version: Arc<Version>,
    pub(crate) stale: Option<bool>,
}

impl PyVerdict {
    pub(crate) fn now(v: Verdict, version: Arc<Version>) -> PyVerdict {
        PyVerdict {
            answer: Answer::Now(v),
            version,
            stale: None,
        }
    }

    pub(crate) fn at(v: VerdictAt, version: Arc<Version>) -> PyVerdict {
        PyVerdict {
            answer: Answer::At(v),
            version,
            stale: None,
        }
    }

    /// The family and checksum state of a hit or a clear.
    fn shape(&self) -> Option<(Family, Checksum)> {
        match &self.answer {
            Answer::Now(Verdict::Clear {
                family, checksum, ..
            })
            | Answer::At(VerdictAt::Clear {
                family, checksum, ..
            }) => Some((*family, *checksum)),
            Answer::Now(Verdict::Hit(h)) => Some((h.family, h.checksum)),
            Answer::At(VerdictAt::Hit(h)) => Some((h.family, h.checksum)),
            _ => None,
        }
    }
}

#[pymethods]
impl PyVerdict {
    /// `"hit"`, `"clear"` or `"invalid"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match &self.answer {
            Answer::Now(v) => v.kind().as_str(),
            Answer::At(v) => v.kind().as_str(),
        }
    }

    /// True for a hit.
    #[getter]
    fn is_hit(&self) -> bool {
        match &self.answer {
            Answer::Now(v) => v.is_hit(),
            Answer::At(v) => v.is_hit(),
        }
    }

    /// The listed entries matched (empty unless a hit), in list order.
    #[getter]
    fn matches(&self) -> Vec<PyMatch> {
        match &self.answer {
            Answer::Now(v) => v
                .hit()
                .map(|h| h.matches().map(PyMatch::of).collect())
                .unwrap_or_default(),
            Answer::At(v) => v
                .hit()
                .map(|h| h.matches.iter().map(PyMatch::dated).collect())
                .unwrap_or_default(),
        }
    }

    /// The address family recognized (`"evm"`, `"base58"`, ...); None
    /// for an invalid input.
    #[getter]
    fn family(&self) -> Option<&'static str> {
        self.shape().map(|(f, _)| f.name())
    }

    /// `"not_checked"` unless `verify_checksum=True`, then `"valid"` or
    /// `"invalid"`; None for an invalid input.
    #[getter]
    fn checksum(&self) -> Option<&'static str> {
        self.shape().map(|(_, c)| c.name())
    }

    /// Why the input is invalid; None unless `kind == "invalid"`.
    #[getter]
    fn reason(&self) -> Option<String> {
        match &self.answer {
            Answer::Now(Verdict::Invalid { reason }) => Some(reason.to_string()),
            Answer::At(VerdictAt::Invalid { reason }) => Some(reason.to_string()),
            _ => None,
        }
    }

    /// The network of a clear address when checksums were verified
    /// (`"mainnet"`, `"testnet"`, ...), else None.
    #[getter]
    fn network(&self) -> Option<String> {
        match &self.answer {
            Answer::Now(Verdict::Clear {
                network: Some(n), ..
            }) => name_of(n),
            _ => None,
        }
    }

    /// The destination tag of an XRP X-address hit, else None.
    #[getter]
    fn destination_tag(&self) -> Option<u32> {
        match &self.answer {
            Answer::Now(Verdict::Hit(h)) => h.destination_tag,
            _ => None,
        }
    }

    /// The date an as-of check asked about (`YYYY-MM-DD`), else None.
    #[getter]
    fn as_of(&self) -> Option<String> {
        match &self.answer {
            Answer::At(VerdictAt::Hit(h)) => Some(h.as_of.to_string()),
            _ => None,
        }
    }

    /// The list set that answered.
    #[getter]
    fn version(&self) -> PyVersion {
        PyVersion::from(&self.version)
    }

    /// Live screeners: whether the lists were stale when the check ran;
    /// None for a plain `Screener`.
    #[getter]
    fn stale(&self) -> Option<bool> {
        self.stale
    }

    /// The verdict as the library serializes it (its JSON, as Python
    /// objects): `{"verdict": "hit", "family": ..., "matches": [...], ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?.call_method1("loads", (self.to_json()?,))
    }

    /// The library's JSON of the verdict, as a str.
    fn to_json(&self) -> PyResult<String> {
        match &self.answer {
            Answer::Now(v) => serde_json::to_string(v),
            Answer::At(v) => serde_json::to_string(v),
        }
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        match (self.kind(), self.family(), self.reason()) {
            ("hit", f, _) => {
                let lists: Vec<String> = self.matches().iter().map(|m| q(Some(m.list()))).collect();
                format!(
                    "Verdict(kind='hit', family={}, lists=[{}])",
                    q(f),
                    lists.join(", ")
                )
            }
            (k, f @ Some(_), _) => format!("Verdict(kind='{k}', family={})", q(f)),
            (k, None, r) => format!("Verdict(kind='{k}', reason={})", q(r.as_deref())),
        }
    }
}

/// A listed address found in free text by `Screener.scan`.
#[pyclass(name = "ScanMatch", module = "walletscreen", frozen, get_all)]
pub struct PyScanMatch {
    /// Start of the address in the text (a Python str offset).
    pub start: usize,
    /// End of the address in the text (exclusive).
    pub end: usize,
    /// The address as written in the text.
    pub text: String,
    /// Its verdict (always a hit).
    pub verdict: PyVerdict,
}

#[pymethods]
impl PyScanMatch {
    /// `(start, end)`.
    #[getter]
    fn span(&self) -> (usize, usize) {
        (self.start, self.end)
    }

    fn __repr__(&self) -> String {
        format!(
            "ScanMatch(start={}, end={}, text={})",
            self.start,
            self.end,
            q(Some(&self.text))
        )
    }
}
