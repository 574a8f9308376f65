//! `Screener.check_arrow`: an Arrow string array in (through the Arrow C
//! data interface, read in place), a struct array of verdicts out, one
//! row per input row, computed on every core without the GIL.

use std::sync::Arc;

use arrow_array::builder::{Int32Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, StructArray};
use arrow_schema::{DataType, Field, Fields};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArray, PyChunkedArray};
use rayon::prelude::*;

use walletscreen::{CheckOptions, Screener, Verdict};

use crate::{CHUNK, PyScreener};

/// The output struct's fields, in order. `list`, `entity`, `entity_id`,
/// `programs`, `listed`, `via` and `address` are the first match's (a
/// hit's matches are in list order); `lists` names every list matched.
pub(crate) fn fields() -> Fields {
    let strings = || DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
    Fields::from(vec![
        Field::new("kind", DataType::Utf8, true),
        Field::new("family", DataType::Utf8, true),
        Field::new("list", DataType::Utf8, true),
        Field::new("lists", strings(), true),
        Field::new("entity", DataType::Utf8, true),
        Field::new("entity_id", DataType::Utf8, true),
        Field::new("programs", strings(), true),
        Field::new("listed", DataType::Utf8, true),
        Field::new("via", DataType::Utf8, true),
        Field::new("address", DataType::Utf8, true),
        Field::new("matches", DataType::Int32, true),
        Field::new("reason", DataType::Utf8, true),
    ])
}

/// One builder per output column.
struct Columns {
    kind: StringBuilder,
    family: StringBuilder,
    list: StringBuilder,
    lists: ListBuilder<StringBuilder>,
    entity: StringBuilder,
    entity_id: StringBuilder,
    programs: ListBuilder<StringBuilder>,
    listed: StringBuilder,
    via: StringBuilder,
    address: StringBuilder,
    matches: Int32Builder,
    reason: StringBuilder,
}

impl Columns {
    fn new(rows: usize) -> Columns {
        let s = || StringBuilder::with_capacity(rows, rows * 4);
        Columns {
            kind: StringBuilder::with_capacity(rows, rows * 5),
            family: StringBuilder::with_capacity(rows, rows * 6),
            list: StringBuilder::with_capacity(rows, 0),
            lists: ListBuilder::with_capacity(StringBuilder::new(), rows),
            entity: s(),
            entity_id: StringBuilder::with_capacity(rows, 0),
            programs: ListBuilder::with_capacity(StringBuilder::new(), rows),
            listed: StringBuilder::with_capacity(rows, 0),
            via: StringBuilder::with_capacity(rows, 0),
            address: StringBuilder::with_capacity(rows, 0),
            matches: Int32Builder::with_capacity(rows),
            reason: StringBuilder::with_capacity(rows, 0),
        }
    }

    /// Null in every column but `kind` and `matches` (and `family` /
    /// `reason`, set by the caller).
    fn no_match(&mut self) {
        self.list.append_null();
        self.lists.append_null();
        self.entity.append_null();
        self.entity_id.append_null();
        self.programs.append_null();
        self.listed.append_null();
        self.via.append_null();
        self.address.append_null();
    }

    fn null(&mut self) {
        self.kind.append_null();
        self.family.append_null();
        self.no_match();
        self.matches.append_null();
        self.reason.append_null();
    }

    fn push(&mut self, v: &Verdict) {
        self.kind.append_value(v.kind().as_str());
        match v {
            Verdict::Clear { family, .. } => {
                self.family.append_value(family.name());
                self.no_match();
                self.matches.append_value(0);
                self.reason.append_null();
            }
            Verdict::Invalid { reason } => {
                self.family.append_null();
                self.no_match();
                self.matches.append_value(0);
                self.reason.append_value(reason.to_string());
            }
            Verdict::Hit(h) => {
                self.family.append_value(h.family.name());
                let mut n = 0i32;
                for (i, m) in h.matches().enumerate() {
                    n += 1;
                    self.lists.values().append_value(m.list());
                    if i > 0 {
                        continue;
                    }
                    let p = m.provenance();
                    self.list.append_value(m.list());
                    self.entity.append_option(p.entity.as_deref());
                    self.entity_id.append_option(p.entity_id.as_deref());
                    for prog in &p.programs {
                        self.programs.values().append_value(prog);
                    }
                    self.programs.append(true);
                    self.listed.append_option(p.listed.as_deref());
                    self.via.append_value(m.via().name());
                    self.address.append_value(m.address().as_str());
                }
                self.lists.append(true);
                self.matches.append_value(n);
                self.reason.append_null();
            }
        }
    }

    fn finish(mut self, nulls: Option<arrow_buffer::NullBuffer>) -> PyResult<StructArray> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.kind.finish()),
            Arc::new(self.family.finish()),
            Arc::new(self.list.finish()),
            Arc::new(self.lists.finish()),
            Arc::new(self.entity.finish()),
            Arc::new(self.entity_id.finish()),
            Arc::new(self.programs.finish()),
            Arc::new(self.listed.finish()),
            Arc::new(self.via.finish()),
            Arc::new(self.address.finish()),
            Arc::new(self.matches.finish()),
            Arc::new(self.reason.finish()),
        ];
        StructArray::try_new(fields(), columns, nulls)
            .map_err(|e| PyTypeError::new_err(e.to_string()))
    }
}

/// The rows of a string array (`None` for a null), borrowed from it.
fn rows(array: &dyn Array) -> PyResult<Vec<Option<&str>>> {
    Ok(match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().collect(),
        DataType::Utf8View => array.as_string_view().iter().collect(),
        other => {
            return Err(PyTypeError::new_err(format!(
                "check_arrow takes an array of strings (string, large_string or string_view), \
                 not {other}"
            )));
        }
    })
}

/// Screens some rows: the library's batch path over the non-null ones.
fn screen_rows(s: &Screener, rows: &[Option<&str>], opts: CheckOptions) -> PyResult<StructArray> {
    let verdicts = s.check_many_with(rows.iter().flatten().copied(), opts);
    let mut cols = Columns::new(rows.len());
    let mut it = verdicts.iter();
    for r in rows {
        match r.and_then(|_| it.next()) {
            Some(v) => cols.push(v),
            None => cols.null(),
        }
    }
    let nulls = rows.iter().any(Option::is_none).then(|| {
        rows.iter()
            .map(Option::is_some)
            .collect::<arrow_buffer::NullBuffer>()
    });
    cols.finish(nulls)
}

/// Screens one string array on every core, in chunks of [`CHUNK`] rows
/// (concatenated at the end).
fn screen_array(s: &Screener, array: &dyn Array, opts: CheckOptions) -> PyResult<ArrayRef> {
    let rows = rows(array)?;
    if rows.len() <= CHUNK {
        return Ok(Arc::new(screen_rows(s, &rows, opts)?));
    }
    let parts: Vec<StructArray> = rows
        .par_chunks(CHUNK)
        .map(|c| screen_rows(s, c, opts))
        .collect::<PyResult<_>>()?;
    let refs: Vec<&dyn Array> = parts.iter().map(|p| p as &dyn Array).collect();
    arrow_select::concat::concat(&refs).map_err(|e| PyTypeError::new_err(e.to_string()))
}

pub(crate) fn check_arrow<'py>(
    s: &PyScreener,
    py: Python<'py>,
    array: AnyArray,
    opts: CheckOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let screener = &s.inner;
    match array {
        AnyArray::Array(a) => {
            let (array, _) = a.into_inner();
            let out = py.detach(|| screen_array(screener, array.as_ref(), opts))?;
            let exported = PyArray::from_array_ref(out).into_pyobject(py)?;
            py.import("pyarrow")?.getattr("array")?.call1((exported,))
        }
        stream @ AnyArray::Stream(_) => {
            let (chunks, _) = stream.into_chunked_array()?.into_inner();
            let out = py.detach(|| {
                chunks
                    .iter()
                    .map(|c| screen_array(screener, c.as_ref(), opts))
                    .collect::<PyResult<Vec<ArrayRef>>>()
            })?;
            let field = Arc::new(Field::new("", DataType::Struct(fields()), true));
            PyChunkedArray::try_new(out, field)?.into_pyarrow(py)
        }
    }
}
