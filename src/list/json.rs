//! JSON lists: an array of strings or of objects, or JSON lines (one
//! string or object per line).

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::names::{Role, fold, role};
use super::report::{ChosenBy, ColumnChoice, DetectedFormat, LoadReport, SkipReason};
use super::{Column, Entry, split_multi};
use crate::address;
use crate::list::LoadError;

/// Objects sampled to find the address field.
const SAMPLE: usize = 200;

/// Whether `body` looks like JSON: its first significant character opens
/// an array or an object.
pub(super) fn claims(body: &str) -> bool {
    matches!(body.trim_start().as_bytes().first(), Some(b'[' | b'{'))
}

/// One element and its 1-based line.
struct Item {
    line: usize,
    value: Value,
}

fn json_error(
    line: usize,
    reason: impl Into<String>,
    source: Option<serde_json::Error>,
) -> LoadError {
    LoadError::Json {
        line,
        reason: reason.into(),
        source,
    }
}

/// Parses a JSON body whose first line is line `first_line` of the file.
pub(super) fn parse(
    body: &str,
    first_line: usize,
    column: Option<&Column>,
    report: &mut LoadReport,
) -> Result<Vec<Entry>, LoadError> {
    let items = if body.trim_start().starts_with('[') {
        report.format = DetectedFormat::JsonArray;
        array(body, first_line)?
    } else {
        report.format = DetectedFormat::JsonLines;
        lines(body, first_line, report)?
    };
    let objects: Vec<&Map<String, Value>> = items
        .iter()
        .filter_map(|i| i.value.as_object())
        .take(SAMPLE)
        .collect();
    let field = if objects.is_empty() {
        if let Some(Column::Name(_)) = column {
            return Err(LoadError::ColumnNotFound {
                column: column.map(ToString::to_string).unwrap_or_default(),
                line: first_line,
            });
        }
        None
    } else {
        let f = field(&objects, column).ok_or_else(|| LoadError::ColumnNotFound {
            column: column.map(ToString::to_string).unwrap_or_default(),
            line: first_line,
        })?;
        Some(f)
    };
    if let Some((name, by)) = &field {
        report.column = Some(ColumnChoice {
            number: 0,
            name: Some(name.clone()),
            by: *by,
        });
    }
    let mut out = Vec::with_capacity(items.len());
    for Item { line, value } in items {
        match value {
            Value::String(s) => out.push(Entry::unvalidated(s, line)),
            Value::Object(o) => {
                let Some((name, _)) = &field else {
                    continue;
                };
                match o.get(name.as_str()) {
                    Some(Value::String(a)) => out.push(object_entry(a.clone(), &o, name, line)),
                    _ => report.skip(line, SkipReason::NoAddress),
                }
            }
            other => {
                return Err(json_error(
                    line,
                    format!(
                        "{} where an address (a string) or an object was expected",
                        kind(&other)
                    ),
                    None,
                ));
            }
        }
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The elements of a JSON array, each with its line.
fn array(body: &str, first_line: usize) -> Result<Vec<Item>, LoadError> {
    let raw: Vec<&RawValue> = serde_json::from_str(body).map_err(|e| {
        let line = first_line + e.line().saturating_sub(1);
        json_error(line, "malformed JSON array", Some(e))
    })?;
    let base = body.as_ptr() as usize;
    let bytes = body.as_bytes();
    let (mut at, mut newlines) = (0usize, 0usize);
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let offset = (r.get().as_ptr() as usize)
            .saturating_sub(base)
            .min(bytes.len());
        newlines += memchr::memchr_iter(b'\n', &bytes[at.min(offset)..offset]).count();
        at = offset;
        let line = first_line + newlines;
        let value: Value = serde_json::from_str(r.get())
            .map_err(|e| json_error(line, "malformed JSON", Some(e)))?;
        out.push(Item { line, value });
    }
    Ok(out)
}

/// JSON lines: every non-blank line one value.
fn lines(body: &str, first_line: usize, report: &mut LoadReport) -> Result<Vec<Item>, LoadError> {
    let mut out = Vec::new();
    for (i, l) in body.lines().enumerate() {
        let line = first_line + i;
        let t = l.trim();
        if t.is_empty() {
            report.skip(line, SkipReason::Blank);
            continue;
        }
        if t.starts_with('#') {
            report.skip(line, SkipReason::Comment);
            continue;
        }
        let value: Value = match serde_json::from_str(t) {
            Ok(v) => v,
            Err(e) => {
                if out.is_empty() && serde_json::from_str::<Map<String, Value>>(body).is_ok() {
                    return Err(json_error(
                        first_line,
                        "a single JSON object is no list (expected a JSON array of addresses or of objects, or JSON lines)",
                        None,
                    ));
                }
                return Err(json_error(
                    line,
                    "malformed JSON line (expected one JSON value per line, or a JSON array)",
                    Some(e),
                ));
            }
        };
        out.push(Item { line, value });
    }
    Ok(out)
}

/// The field holding the address: the caller's, else one whose name says
/// so, else the string field most often an address.
fn field(objects: &[&Map<String, Value>], column: Option<&Column>) -> Option<(String, ChosenBy)> {
    let keys: Vec<&String> = {
        let mut k: Vec<&String> = Vec::new();
        for o in objects {
            for key in o.keys() {
                if !k.contains(&key) {
                    k.push(key);
                }
            }
        }
        k
    };
    match column {
        Some(Column::Name(name)) => {
            let want = fold(name);
            keys.iter()
                .find(|k| **k == name)
                .or_else(|| keys.iter().find(|k| !want.is_empty() && fold(k) == want))
                .map(|k| ((*k).clone(), ChosenBy::Caller))
        }
        Some(Column::Number(_)) => None,
        None => {
            let count = |k: &str| {
                objects
                    .iter()
                    .filter(|o| {
                        o.get(k)
                            .and_then(Value::as_str)
                            .is_some_and(|s| address::parse(s).is_ok())
                    })
                    .count()
            };
            // The first of equals: keys come in a fixed (sorted) order.
            let best = |keys: &mut dyn Iterator<Item = &&String>| {
                let mut best: Option<(&String, usize)> = None;
                for k in keys {
                    let n = count(k);
                    if best.is_none_or(|(_, m)| n > m) {
                        best = Some((k, n));
                    }
                }
                best.map(|(k, _)| k.clone())
            };
            let mut named = keys.iter().filter(|k| role(k) == Some(Role::Address));
            if let Some(k) = best(&mut named) {
                return Some((k, ChosenBy::Name));
            }
            best(&mut keys.iter()).map(|k| (k, ChosenBy::Content))
        }
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn texts(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(text).collect(),
        Value::String(s) => split_multi(s),
        other => text(other).into_iter().collect(),
    }
}

fn object_entry(address: String, o: &Map<String, Value>, field: &str, line: usize) -> Entry {
    let mut e = Entry::unvalidated(address, line);
    let mut seen: Vec<Role> = vec![Role::Address];
    for (k, v) in o {
        if k == field {
            continue;
        }
        let Some(r) = role(k) else {
            continue;
        };
        if r != Role::Note {
            if seen.contains(&r) {
                continue;
            }
            seen.push(r);
        }
        match r {
            Role::Address => {}
            Role::Chain => e.provenance.chain = text(v),
            Role::Tickers => e.provenance.tickers = texts(v),
            Role::Entity => e.provenance.entity = text(v),
            Role::EntityId => e.provenance.entity_id = text(v),
            Role::Programs => e.provenance.programs.extend(texts(v)),
            Role::Note => e.provenance.programs.extend(text(v)),
            Role::Listed => e.provenance.listed = text(v),
            Role::Source => e.provenance.source = text(v),
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::report::Encoding;

    fn run(body: &str) -> Result<(Vec<Entry>, LoadReport), LoadError> {
        let mut r = LoadReport::new(DetectedFormat::Text, Encoding::Utf8);
        parse(body, 1, None, &mut r).map(|e| (e, r))
    }

    #[test]
    fn array_lines_are_element_lines() {
        let (e, r) = run(
            "[\n  \"0xab\",\n\n  {\"wallet\": \"x\", \"owner\": \"O\", \"reason\": \"mule\"}\n]",
        )
        .unwrap();
        assert_eq!(r.format, DetectedFormat::JsonArray);
        let got: Vec<_> = e.iter().map(|e| (e.address.as_str(), e.line)).collect();
        assert_eq!(got, [("0xab", 2), ("x", 4)]);
        assert_eq!(e[1].provenance.entity.as_deref(), Some("O"));
        assert_eq!(e[1].provenance.programs, ["mule"]);
    }

    #[test]
    fn errors_name_the_line() {
        for (name, body, want) in [
            ("number element", "[\n\"a\",\n12]", 3),
            ("broken array", "[\n\"a\",\n", 3),
            ("broken line", "{\"a\":\"b\"}\n{\"a\":\n", 2),
        ] {
            match run(body) {
                Err(LoadError::Json { line, .. }) => assert_eq!(line, want, "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
