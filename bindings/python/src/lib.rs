//! The `walletscreen` Python package's native module (`walletscreen._walletscreen`):
//! PyO3 classes over the Rust library. The Python-facing docs are the
//! docstrings here and the stubs in `python/walletscreen/__init__.pyi`.
// No `unsafe` but one block, allowed where it is: `check_arrow`'s sparse
// columns skip Arrow's check of keys it wrote itself (`arrow::sparse_dict`).
#![deny(unsafe_code)]

mod arrow;
mod errors;
mod live;
mod types;

// mimalloc, as pydantic-core and polars ship an allocator of their own:
// `check_arrow` allocates its output columns (tens of MB for 10 M rows) on
// every call, and the system allocator handed them back to the kernel when
// Python freed them, so each call faulted in and zeroed fresh pages (about
// 92,000 page faults per call over 10 M rows); mimalloc gives a thread its
// freed pages back. Built without its transparent huge pages (`no_thp`): on
// fresh memory they zeroed 2 MB for each key written in a sparse column,
// and the first calls took twice as long. BENCHMARKS.md, "Fifth session".
// (The sparse columns have since left it: `arrow::Zeroed`.)
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyTuple};
use rayon::prelude::*;

use walletscreen::list::{Column, Format, LoadOptions, ofac::OfacFormat};
use walletscreen::{Category, CheckOptions, Date, ListMeta, Verdict};

pub(crate) use errors::{build_err, load_err, wire_err};
pub(crate) use types::{PyMatch, PyScanMatch, PyVerdict, PyVersion};

/// Inputs per rayon task in the batch paths: large enough that a task
/// amortizes its scheduling, small enough to spread over every core.
pub(crate) const CHUNK: usize = 16 * 1024;

/// A loaded, validated list (a user list or an OFAC file), to compile
/// into a `Screener`.
#[pyclass(name = "List", module = "walletscreen", frozen)]
pub struct PyList {
    pub(crate) list: Arc<walletscreen::List>,
}

fn parse_category(s: Option<&str>) -> PyResult<Category> {
    match s {
        None => Ok(Category::Custom),
        Some(s) => s.parse::<Category>().map_err(PyValueError::new_err),
    }
}

fn parse_format(s: &str) -> PyResult<Format> {
    let f = match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "csv" | "tsv" | "table" => Format::Csv,
        "text" | "txt" | "lines" => Format::Text,
        "json" | "jsonl" | "json-lines" => Format::Json,
        "ofac-advanced-xml" | "sdn-advanced-xml" | "advanced-xml" => {
            Format::Ofac(OfacFormat::AdvancedXml)
        }
        "ofac-sdn-xml" | "sdn-xml" => Format::Ofac(OfacFormat::SdnXml),
        "ofac-enhanced-xml" | "sdn-enhanced-xml" | "enhanced-xml" => {
            Format::Ofac(OfacFormat::EnhancedXml)
        }
        "ofac-sdn-csv" | "sdn-csv" => Format::Ofac(OfacFormat::SdnCsv),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown list format {other:?} (expected csv, text, json, ofac-advanced-xml, \
                 ofac-sdn-xml, ofac-enhanced-xml or ofac-sdn-csv)"
            )));
        }
    };
    Ok(f)
}

/// `column=`: an int is a 1-based column number, a str a header name (or
/// digits, read as a number, as the CLI's `--column`).
fn parse_column(obj: &Bound<'_, PyAny>) -> PyResult<Column> {
    if let Ok(n) = obj.extract::<usize>() {
        if n == 0 {
            return Err(PyValueError::new_err("column numbers count from 1"));
        }
        return Ok(Column::Number(n));
    }
    let s: String = obj.extract().map_err(|_| {
        PyTypeError::new_err("column must be a str (a header name) or an int (from 1)")
    })?;
    s.parse::<Column>().map_err(PyValueError::new_err)
}

#[allow(clippy::too_many_arguments)]
fn load_options(
    format: Option<&str>,
    column: Option<&Bound<'_, PyAny>>,
    allow_non_addresses: bool,
    allow_empty: bool,
) -> PyResult<LoadOptions> {
    let mut o = LoadOptions::new()
        .allow_non_addresses(allow_non_addresses)
        .allow_empty(allow_empty);
    if let Some(f) = format {
        o = o.format(parse_format(f)?);
    }
    if let Some(c) = column {
        o = o.column(parse_column(c)?);
    }
    Ok(o)
}

fn meta(
    id: String,
    category: Option<&str>,
    name: Option<String>,
    source: Option<String>,
) -> PyResult<ListMeta> {
    let mut m = ListMeta::new(id, parse_category(category)?);
    m.name = name;
    m.source = source;
    Ok(m)
}

/// Bytes from `bytes`, `bytearray` or `memoryview` (copied once).
fn extract_bytes(obj: &Bound<'_, PyAny>) -> Option<PyResult<Vec<u8>>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Some(Ok(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Some(Ok(b.to_vec()));
    }
    if obj.cast::<PyMemoryView>().is_ok() {
        let py = obj.py();
        return Some(
            py.import("builtins")
                .and_then(|m| m.getattr("bytes"))
                .and_then(|f| f.call1((obj,)))
                .and_then(|b| Ok(b.cast::<PyBytes>()?.as_bytes().to_vec())),
        );
    }
    None
}

#[pymethods]
impl PyList {
    /// Loads a list file. `id` defaults to the file's stem; an OFAC
    /// publication sets its own id (`ofac-sdn`) and category.
    #[staticmethod]
    #[pyo3(signature = (path, *, id=None, category=None, name=None, source=None, format=None, column=None, allow_non_addresses=false, allow_empty=false))]
    #[allow(clippy::too_many_arguments)]
    fn from_path(
        py: Python<'_>,
        path: PathBuf,
        id: Option<String>,
        category: Option<&str>,
        name: Option<String>,
        source: Option<String>,
        format: Option<&str>,
        column: Option<&Bound<'_, PyAny>>,
        allow_non_addresses: bool,
        allow_empty: bool,
    ) -> PyResult<PyList> {
        let opts = load_options(format, column, allow_non_addresses, allow_empty)?;
        let id = id.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "list".to_owned())
        });
        let meta = meta(id, category, name, source)?;
        let list = py
            .detach(|| {
                let bytes = std::fs::read(&path).map_err(|source| walletscreen::LoadError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                walletscreen::List::from_bytes_with(&bytes, meta, &opts)
            })
            .map_err(load_err)?;
        Ok(PyList {
            list: Arc::new(list),
        })
    }

    /// Loads a list from bytes (or a str), detecting the format unless
    /// `format` says.
    #[staticmethod]
    #[pyo3(signature = (data, *, id="custom".to_owned(), category=None, name=None, source=None, format=None, column=None, allow_non_addresses=false, allow_empty=false))]
    #[allow(clippy::too_many_arguments)]
    fn from_bytes(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        id: String,
        category: Option<&str>,
        name: Option<String>,
        source: Option<String>,
        format: Option<&str>,
        column: Option<&Bound<'_, PyAny>>,
        allow_non_addresses: bool,
        allow_empty: bool,
    ) -> PyResult<PyList> {
        let bytes = match extract_bytes(data) {
            Some(b) => b?,
            None => match data.extract::<String>() {
                Ok(s) => s.into_bytes(),
                Err(_) => {
                    return Err(PyTypeError::new_err(
                        "data must be bytes, bytearray, memoryview or str",
                    ));
                }
            },
        };
        let opts = load_options(format, column, allow_non_addresses, allow_empty)?;
        let meta = meta(id, category, name, source)?;
        let list = py
            .detach(|| walletscreen::List::from_bytes_with(&bytes, meta, &opts))
            .map_err(load_err)?;
        Ok(PyList {
            list: Arc::new(list),
        })
    }

    /// The list's id.
    #[getter]
    fn id(&self) -> &str {
        &self.list.meta().id
    }
    /// The list's name, if it has one.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.list.meta().name.as_deref()
    }
    /// `"sanctioned"`, `"attributed"` or `"custom"`.
    #[getter]
    fn category(&self) -> &'static str {
        types::category_name(self.list.meta().category)
    }
    /// Date of the data (`YYYY-MM-DD`), if known.
    #[getter]
    fn as_of(&self) -> Option<&str> {
        self.list.meta().as_of.as_deref()
    }
    /// URL of the publication, if known.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.list.meta().source.as_deref()
    }
    /// Hex SHA-256 of the list's content.
    #[getter]
    fn sha256(&self) -> String {
        self.list
            .sha256()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
    /// Number of entries whose address did not validate (kept, matched
    /// exactly).
    #[getter]
    fn flagged(&self) -> usize {
        self.list.flagged().count()
    }
    fn __len__(&self) -> usize {
        self.list.len()
    }
    /// The entries, as dicts (`address`, the provenance fields, `line`,
    /// `issue`), in file order.
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let entries: Vec<_> = self.list.entries().collect();
        types::json_to_py(py, &entries)
    }
    fn __repr__(&self) -> String {
        format!(
            "List(id={:?}, category={:?}, entries={})",
            self.list.meta().id,
            types::category_name(self.list.meta().category),
            self.list.len()
        )
    }
}

/// An immutable, thread-safe compiled screener.
#[pyclass(name = "Screener", module = "walletscreen", frozen)]
pub struct PyScreener {
    pub(crate) inner: walletscreen::Screener,
}

/// `as_of=`: a `YYYY-MM-DD` str, or a `datetime.date` (a datetime is
/// taken at its date).
pub(crate) fn parse_date(obj: &Bound<'_, PyAny>) -> PyResult<Date> {
    let s: String = if let Ok(s) = obj.extract::<String>() {
        s
    } else if obj.hasattr("isoformat")? {
        let iso: String = obj.call_method0("isoformat")?.extract()?;
        iso.chars().take(10).collect()
    } else {
        return Err(PyTypeError::new_err(
            "as_of must be a 'YYYY-MM-DD' str or a datetime.date",
        ));
    };
    Date::parse(&s).map_err(|e| PyValueError::new_err(format!("as_of {s:?}: {e}")))
}

impl PyScreener {
    /// The listing history as history files, one per list (none without
    /// a history).
    fn history_files(&self) -> PyResult<Vec<Vec<u8>>> {
        let Some(h) = self.inner.history() else {
            return Ok(Vec::new());
        };
        let mut metas: Vec<ListMeta> = Vec::new();
        for r in h.records() {
            if !metas.iter().any(|m| m.id == r.list) {
                let known = self.inner.lists().iter().find(|l| l.meta.id == r.list);
                metas.push(match known {
                    Some(l) => l.meta.clone(),
                    None => ListMeta::new(r.list.clone(), r.category),
                });
            }
        }
        metas
            .iter()
            .map(|m| {
                let mut buf = Vec::new();
                h.write_csv(m, &[], &mut buf)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?;
                Ok(buf)
            })
            .collect()
    }

    fn opts(verify_checksum: bool) -> CheckOptions {
        CheckOptions::new().verify_checksum(verify_checksum)
    }

    /// Screens strings on every core (rayon, in chunks through the
    /// library's batch path), in order. Call without the GIL.
    pub(crate) fn check_strs(&self, inputs: &[&str], opts: CheckOptions) -> Vec<Verdict> {
        if inputs.len() <= CHUNK {
            return self.inner.check_many_with(inputs.iter().copied(), opts);
        }
        let parts: Vec<Vec<Verdict>> = inputs
            .par_chunks(CHUNK)
            .map(|c| self.inner.check_many_with(c.iter().copied(), opts))
            .collect();
        let mut out = Vec::with_capacity(inputs.len());
        for p in parts {
            out.extend(p);
        }
        out
    }
}

#[pymethods]
impl PyScreener {
    /// Compiles a screener from `lists` (`List` objects), beside the
    /// bundled lists unless `bundled=False`.
    #[new]
    #[pyo3(signature = (lists=None, *, bundled=true))]
    fn new(py: Python<'_>, lists: Option<Vec<PyRef<'_, PyList>>>, bundled: bool) -> PyResult<Self> {
        let lists: Vec<Arc<walletscreen::List>> = lists
            .unwrap_or_default()
            .iter()
            .map(|l| l.list.clone())
            .collect();
        let inner = py
            .detach(|| {
                let mut b = walletscreen::Screener::builder();
                b.bundled(bundled);
                for l in lists {
                    b.list(l);
                }
                b.build()
            })
            .map_err(build_err)?;
        Ok(PyScreener { inner })
    }

    /// The bundled lists (OFAC SDN, FBI DPRK attributions), as shipped in
    /// the package.
    #[staticmethod]
    fn bundled(py: Python<'_>) -> PyResult<Self> {
        let inner = py
            .detach(walletscreen::Screener::bundled)
            .map_err(build_err)?;
        Ok(PyScreener { inner })
    }

    /// Reads a compiled screener: from a path (str or os.PathLike), or
    /// from the bytes of one (`bytes`, `bytearray`, `memoryview`). A
    /// compiled file holds the lists, not their listing history: its
    /// `check(as_of=)` answers from the current lists (a pickled
    /// `Screener` keeps its history).
    #[staticmethod]
    fn from_compiled(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        let inner = match extract_bytes(source) {
            Some(bytes) => {
                let bytes = bytes?;
                py.detach(|| walletscreen::Screener::from_compiled_bytes(bytes))
            }
            None => {
                let path: PathBuf = source.extract().map_err(|_| {
                    PyTypeError::new_err(
                        "from_compiled takes a path or the bytes of a compiled file",
                    )
                })?;
                py.detach(|| walletscreen::Screener::read_compiled_file(path))
            }
        }
        .map_err(wire_err)?;
        Ok(PyScreener { inner })
    }

    /// Writes the compiled screener to `path` (read back with
    /// `Screener.from_compiled`).
    fn write_compiled(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.write_compiled_file(path))
            .map_err(wire_err)
    }

    /// The compiled image, as bytes (what `write_compiled` writes).
    fn compiled_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.compiled_bytes())
    }

    /// Pickles as its compiled image and its listing history (for
    /// multiprocessing, Spark): the copy answers `check(as_of=)` as the
    /// original does (a delisted entry's `line` aside: a line of the
    /// history file written for the pickle).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let ctor = py.get_type::<PyScreener>().getattr("_from_parts")?;
        let s = slf.get();
        let bytes = PyBytes::new(py, s.inner.compiled_bytes());
        let history = py.detach(|| s.history_files())?;
        let history: Vec<Bound<'py, PyBytes>> =
            history.iter().map(|h| PyBytes::new(py, h)).collect();
        let args = (bytes, history).into_pyobject(py)?;
        PyTuple::new(py, [ctor.into_any(), args.into_any()])
    }

    /// A compiled image and history files (what `__reduce__` gives).
    #[staticmethod]
    fn _from_parts(py: Python<'_>, compiled: Vec<u8>, history: Vec<Vec<u8>>) -> PyResult<Self> {
        let inner = py
            .detach(|| walletscreen::Screener::from_compiled_bytes(compiled))
            .map_err(wire_err)?;
        if history.is_empty() {
            return Ok(PyScreener { inner });
        }
        let inner = py.detach(|| -> PyResult<walletscreen::Screener> {
            let mut all = walletscreen::History::new();
            for h in &history {
                let meta = ListMeta::new("history", Category::Custom);
                let (_, h) = walletscreen::History::from_csv_bytes(h, meta).map_err(load_err)?;
                all.extend(h);
            }
            inner.with_history(all).map_err(build_err)
        })?;
        Ok(PyScreener { inner })
    }

    /// Screens one string. `verify_checksum=True` turns a mistyped
    /// unlisted address into `invalid`; `as_of` (a date) answers from the
    /// listing history: the entries listed on that day.
    #[pyo3(signature = (address, *, verify_checksum=false, as_of=None))]
    fn check(
        &self,
        address: &str,
        verify_checksum: bool,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVerdict> {
        let opts = Self::opts(verify_checksum);
        let version = self.inner.version().clone();
        Ok(match as_of {
            None => PyVerdict::now(self.inner.check_with(address, opts), version),
            Some(d) => {
                let date = parse_date(d)?;
                PyVerdict::at(self.inner.check_at_with(address, date, opts), version)
            }
        })
    }

    /// True when `address` is listed (the fast path: no verdict built).
    fn is_listed(&self, address: &str) -> bool {
        self.inner.is_listed(address)
    }

    /// Screens many strings (any iterable of str; `None` gives `None`), on
    /// every core with the GIL released; a list of `Verdict`, in order.
    #[pyo3(signature = (addresses, *, verify_checksum=false))]
    fn check_many(
        &self,
        py: Python<'_>,
        addresses: &Bound<'_, PyAny>,
        verify_checksum: bool,
    ) -> PyResult<Vec<Option<PyVerdict>>> {
        let mut owned: Vec<Option<String>> = Vec::new();
        for item in addresses.try_iter()? {
            owned.push(item?.extract::<Option<String>>()?);
        }
        let strs: Vec<&str> = owned.iter().flatten().map(String::as_str).collect();
        let opts = Self::opts(verify_checksum);
        let verdicts = py.detach(|| self.check_strs(&strs, opts));
        let version = self.inner.version().clone();
        let mut it = verdicts.into_iter();
        Ok(owned
            .iter()
            .map(|o| {
                o.as_ref()
                    .and_then(|_| it.next())
                    .map(|v| PyVerdict::now(v, version.clone()))
            })
            .collect())
    }

    /// Finds listed addresses in free text (ASCII spellings between
    /// non-alphanumeric boundaries); each match has its span as Python
    /// string offsets (`text[m.start:m.end] == m.text`).
    fn scan(&self, py: Python<'_>, text: &str) -> Vec<PyScanMatch> {
        let found: Vec<(std::ops::Range<usize>, walletscreen::Hit)> =
            py.detach(|| self.inner.scan(text).map(|m| (m.span, m.hit)).collect());
        let version = self.inner.version().clone();
        // Byte offsets to code point offsets, in one pass.
        let mut out = Vec::with_capacity(found.len());
        let mut chars = 0usize;
        let mut at = 0usize;
        for (span, hit) in found {
            chars += text[at..span.start].chars().count();
            let start = chars;
            let len = text[span.clone()].chars().count();
            chars += len;
            at = span.end;
            out.push(PyScanMatch {
                start,
                end: start + len,
                text: text[span].to_owned(),
                verdict: PyVerdict::now(Verdict::Hit(hit), version.clone()),
            });
        }
        out
    }

    /// Screens an Arrow array of strings (string, large_string or
    /// string_view; a pyarrow Array or ChunkedArray, or anything with
    /// `__arrow_c_array__` / `__arrow_c_stream__`), read in place through
    /// the Arrow C data interface. Returns a `pyarrow.StructArray` (a
    /// `pyarrow.ChunkedArray` of them for a chunked input), one row per
    /// input row, null where the input is null. `as_of` screens as of a
    /// date (as `check` does): one date for every row (a str or a
    /// `datetime.date`), or one per row (an Arrow array of date32 or of
    /// `YYYY-MM-DD` strings, as long as the input; a null date: the
    /// current lists).
    #[pyo3(signature = (array, *, verify_checksum=false, as_of=None))]
    fn check_arrow<'py>(
        &self,
        py: Python<'py>,
        array: pyo3_arrow::input::AnyArray,
        verify_checksum: bool,
        as_of: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = arrow::as_of(as_of)?;
        arrow::check_arrow(self, py, array, as_of, Self::opts(verify_checksum))
    }

    /// The list set's version: newest `as_of` date and SHA-256.
    #[getter]
    fn version(&self) -> PyVersion {
        PyVersion::from(self.inner.version())
    }

    /// The compiled lists, as dicts (`id`, `name`, `category`, `as_of`,
    /// `source`, `license`, `entries`, `flagged`, `unmatchable`, `sha256`).
    #[getter]
    fn lists<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        types::json_to_py(py, self.inner.lists())
    }

    /// Listed entries over all lists.
    #[getter]
    fn entry_count(&self) -> usize {
        self.inner.entry_count()
    }

    /// Heap bytes held by the compiled screener.
    #[getter]
    fn memory_usage(&self) -> usize {
        self.inner.memory_usage()
    }

    fn __repr__(&self) -> String {
        let ids: Vec<String> = self
            .inner
            .lists()
            .iter()
            .map(|l| types::q(Some(&l.meta.id)))
            .collect();
        format!(
            "Screener(lists=[{}], entries={}, version={})",
            ids.join(", "),
            self.inner.entry_count(),
            types::q(self.inner.version().sha256.get(..12))
        )
    }
}

/// The native module, re-exported by the `walletscreen` package.
#[pymodule]
fn _walletscreen(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyList>()?;
    m.add_class::<PyScreener>()?;
    m.add_class::<PyVerdict>()?;
    m.add_class::<PyMatch>()?;
    m.add_class::<PyScanMatch>()?;
    m.add_class::<PyVersion>()?;
    m.add_class::<live::PyLiveScreener>()?;
    errors::register(m)?;
    m.add("HTTP", cfg!(feature = "http"))?;
    m.add(
        "COMPILED_FORMAT_VERSION",
        walletscreen::COMPILED_FORMAT_VERSION,
    )?;
    Ok(())
}
