//! Delimited tables: the walletscreen list v1 CSV, and CSV / TSV /
//! semicolon- or pipe-separated exports with any header, or none.

use ::csv::{ReaderBuilder, StringRecord};

use super::lines::{self, Skips};
use super::names::{Role, fold, role};
use super::report::{ChosenBy, ColumnChoice, LoadReport, SkipReason};
use std::collections::HashMap;

use super::{Column, Entry, Store, non_empty, split_multi};
use crate::address;
use crate::list::LoadError;

/// The delimiters tried, in order of preference.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Records read to decide the delimiter, the header and the column.
const SAMPLE_RECORDS: usize = 200;
/// Bytes read to decide them.
const SAMPLE_BYTES: usize = 256 * 1024;

/// The first `SAMPLE_BYTES` of `body`, cut after a line break.
fn sample(body: &str) -> &str {
    if body.len() <= SAMPLE_BYTES {
        return body;
    }
    // After a line break: a character boundary.
    let cut = memchr::memrchr(b'\n', &body.as_bytes()[..SAMPLE_BYTES]).map_or(0, |i| i + 1);
    &body[..cut]
}

fn records(body: &str, delimiter: u8) -> Vec<StringRecord> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(sample(body).as_bytes())
        .into_records()
        .take(SAMPLE_RECORDS)
        .map_while(Result::ok)
        .collect()
}

fn is_address(cell: &str) -> bool {
    address::parse(cell).is_ok()
}

/// The delimiter of `body` if it looks like a table: a header of at least
/// two fields naming an address column (a ragged row is then an error of
/// the table), or every sampled record with the same number of fields, at
/// least two. Of several such
/// delimiters, the first that gives an address column (by name or
/// content); else the first. The flag says whether one did.
pub(super) fn sniff(body: &str) -> Option<(u8, bool)> {
    let mut found = None;
    for d in DELIMITERS {
        let recs = records(body, d);
        let Some(first) = recs.first() else {
            continue;
        };
        let n = first.len();
        let named = n >= 2 && first.iter().any(|h| role(h) == Some(Role::Address));
        if !named && (n < 2 || recs.iter().any(|r| r.len() != n)) {
            continue;
        }
        let content = (0..n).any(|j| recs.iter().any(|r| r.get(j).is_some_and(is_address)));
        if named || content {
            return Some((d, true));
        }
        found.get_or_insert((d, false));
    }
    found
}

/// Where the addresses are: (0-based column, whether the first record is
/// a header, how it was chosen).
fn choose(
    sample: &[StringRecord],
    column: Option<&Column>,
    first_line: usize,
) -> Result<(usize, bool), LoadError> {
    let Some(first) = sample.first() else {
        return Ok((0, false));
    };
    let rest = &sample[1..];
    let count = |j: usize| {
        rest.iter()
            .filter(|r| r.get(j).is_some_and(is_address))
            .count()
    };
    let any_role = first.iter().any(|h| role(h).is_some());
    let looks_header =
        |j: usize| any_role || (!first.get(j).is_some_and(is_address) && count(j) > 0);
    let not_found = || LoadError::ColumnNotFound {
        column: column.map(ToString::to_string).unwrap_or_default(),
        line: first_line,
    };
    match column {
        Some(Column::Name(name)) => {
            let j = first
                .iter()
                .position(|h| h == name)
                .or_else(|| first.iter().position(|h| h.trim() == name.trim()))
                .or_else(|| {
                    let want = fold(name);
                    first
                        .iter()
                        .position(|h| !want.is_empty() && fold(h) == want)
                })
                .ok_or_else(not_found)?;
            Ok((j, true))
        }
        Some(Column::Number(k)) => {
            let j = k.checked_sub(1).filter(|j| *j < first.len());
            let j = j.ok_or_else(not_found)?;
            Ok((j, looks_header(j)))
        }
        None => {
            let named: Vec<usize> = (0..first.len())
                .filter(|&j| first.get(j).and_then(role) == Some(Role::Address))
                .collect();
            if let Some(&j) = named
                .iter()
                .max_by(|a, b| count(**a).cmp(&count(**b)).then(b.cmp(a)))
            {
                return Ok((j, true));
            }
            let all = |j: usize| count(j) + usize::from(first.get(j).is_some_and(is_address));
            let j = (0..first.len())
                .max_by(|a, b| all(*a).cmp(&all(*b)).then(b.cmp(a)))
                .unwrap_or(0);
            Ok((j, looks_header(j)))
        }
    }
}

/// Parses a table (header row, if any, and data rows) whose first line is
/// line `first_line` of the file, filling the report's column and skipped
/// lines. Every record must have as many fields as the first.
pub(super) fn parse(
    body: &str,
    first_line: usize,
    delimiter: u8,
    column: Option<&Column>,
    report: &mut LoadReport,
) -> Result<(Store, bool), LoadError> {
    let head = records(body, delimiter);
    let (col, header) = choose(&head, column, first_line)?;
    let width = head.first().map_or(1, StringRecord::len);
    let mut roles: Vec<Option<Role>> = vec![None; width];
    let mut name = None;
    if header && let Some(h) = head.first() {
        let mut seen: Vec<Role> = vec![Role::Address];
        for (j, cell) in h.iter().enumerate() {
            if j == col {
                continue;
            }
            match role(cell) {
                Some(Role::Note) => roles[j] = Some(Role::Note),
                Some(r) if !seen.contains(&r) => {
                    seen.push(r);
                    roles[j] = Some(r);
                }
                _ => {}
            }
        }
        name = h.get(col).map(|s| s.trim().to_owned());
    }
    let by = match column {
        Some(_) => ChosenBy::Caller,
        None if width == 1 => ChosenBy::Only,
        None if header && name.as_deref().and_then(role) == Some(Role::Address) => ChosenBy::Name,
        None => ChosenBy::Content,
    };
    report.column = Some(ColumnChoice {
        number: col + 1,
        name,
        by,
    });
    let find = |r: Role| roles.iter().position(|x| *x == Some(r));
    let map = Mapping {
        col,
        chain: find(Role::Chain),
        tickers: find(Role::Tickers),
        entity: find(Role::Entity),
        entity_id: find(Role::EntityId),
        programs: find(Role::Programs),
        listed: find(Role::Listed),
        source: find(Role::Source),
        notes: (0..width)
            .filter(|&j| roles[j] == Some(Role::Note))
            .collect(),
    };
    if let Some(r) = parse_plain(body, first_line, delimiter, width, header, &map) {
        let (entries, skips) = r;
        for (line, why) in skips {
            report.skip(line, why);
        }
        return Ok((entries, header));
    }
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    // Lines counted from byte offsets: after a CRLF the csv crate puts a
    // record at the previous line's end, one line short.
    let bytes = body.as_bytes();
    let mut seen = (0usize, 0usize); // (offset, newlines before it)
    let mut at = |pos: Option<&::csv::Position>| {
        let Some(p) = pos else {
            return first_line;
        };
        let mut offset = (p.byte() as usize).min(bytes.len());
        while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset < seen.0 {
            seen = (0, 0);
        }
        seen.1 += memchr::memchr_iter(b'\n', &bytes[seen.0..offset]).count();
        seen.0 = offset;
        first_line + seen.1
    };
    let mut out = Vec::new();
    let mut record = StringRecord::new();
    let mut first = true;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(source) => {
                return Err(csv_error(at(source.position()), source));
            }
        }
        let line = at(record.position());
        if std::mem::take(&mut first) && header {
            report.skip(line, SkipReason::Header);
            continue;
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            report.skip(line, SkipReason::EmptyRow);
            continue;
        }
        out.push(map.entry(|j| record.get(j), line));
    }
    Ok((super::store::store_all(out), header))
}

/// Which column fills which field.
struct Mapping {
    col: usize,
    chain: Option<usize>,
    tickers: Option<usize>,
    entity: Option<usize>,
    entity_id: Option<usize>,
    programs: Option<usize>,
    listed: Option<usize>,
    source: Option<usize>,
    notes: Vec<usize>,
}

impl Mapping {
    /// The provenance columns' cells of a record, joined (a key for the
    /// records with the same provenance).
    fn provenance_cells(&self, fields: &[&str], out: &mut String) {
        out.clear();
        let cols = [
            self.chain,
            self.tickers,
            self.entity,
            self.entity_id,
            self.programs,
            self.listed,
            self.source,
        ];
        for j in cols.into_iter().flatten().chain(self.notes.iter().copied()) {
            out.push_str(fields.get(j).copied().unwrap_or(""));
            out.push('\u{1f}');
        }
    }

    /// The entry of one record (`field(j)`: its field `j`), not validated.
    fn entry<'r>(&self, field: impl Fn(usize) -> Option<&'r str>, line: usize) -> Entry {
        let get = |c: Option<usize>| c.and_then(&field).unwrap_or("");
        let mut e = Entry::unvalidated(field(self.col).unwrap_or("").to_owned(), line);
        e.provenance.chain = non_empty(get(self.chain));
        e.provenance.tickers = split_multi(get(self.tickers));
        e.provenance.entity = non_empty(get(self.entity));
        e.provenance.entity_id = non_empty(get(self.entity_id));
        e.provenance.programs = split_multi(get(self.programs));
        for &j in &self.notes {
            if let Some(n) = non_empty(get(Some(j))) {
                e.provenance.programs.push(n);
            }
        }
        e.provenance.listed = non_empty(get(self.listed));
        e.provenance.source = non_empty(get(self.source));
        e
    }
}

/// The fast path of a table without quotes, where a record is a line (and
/// a `\r` only ends one before `\n`): the lines parsed on every core,
/// each split at the delimiter, as the csv crate would. `None` when the
/// body does not qualify or a record has another number of fields (the
/// csv crate's path then reports it).
fn parse_plain(
    body: &str,
    first_line: usize,
    delimiter: u8,
    width: usize,
    header: bool,
    map: &Mapping,
) -> Option<(Store, Skips)> {
    let bytes = body.as_bytes();
    if memchr::memchr(b'"', bytes).is_some()
        || memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
    {
        return None;
    }
    let delimiter = char::from(delimiter);
    // The header line is cut off first: a gap at the start of the entries
    // would move every entry after it.
    let (mut body, mut first_line, mut head) = (body, first_line, Vec::new());
    if header {
        let mut rest = body;
        loop {
            let (l, tail) = rest.split_once('\n').unwrap_or((rest, ""));
            let l = l.strip_suffix('\r').unwrap_or(l);
            if !l.is_empty() {
                if l.split(delimiter).count() != width {
                    return None;
                }
                head.push((first_line, SkipReason::Header));
                first_line += 1;
                body = tail;
                break;
            }
            if tail.is_empty() {
                return None;
            }
            first_line += 1;
            rest = tail;
        }
    }
    let parsed = lines::parse::<(), _>(body, first_line, |piece, out, skips| {
        let mut fields: Vec<&str> = Vec::with_capacity(width);
        // Rows share few distinct provenances: each is made and interned
        // once per piece, found again by its cells.
        let mut cells = String::new();
        let mut seen: HashMap<Box<str>, u32, foldhash::fast::RandomState> = HashMap::default();
        for (i, l) in piece.text.lines().enumerate() {
            let line = piece.first_line + i;
            if l.is_empty() {
                // The csv crate skips empty lines without a record.
                continue;
            }
            fields.clear();
            fields.extend(l.split(delimiter));
            if fields.len() != width {
                return Err(());
            }
            if fields.iter().all(|c| c.trim().is_empty()) {
                skips.push((line, SkipReason::EmptyRow));
                continue;
            }
            map.provenance_cells(&fields, &mut cells);
            let id = match seen.get(cells.as_str()) {
                Some(&id) => id,
                None => {
                    let mut e = map.entry(|j| fields.get(j).copied(), line);
                    let id = out.intern(std::mem::take(&mut e.provenance));
                    seen.insert(cells.as_str().into(), id);
                    id
                }
            };
            out.push_interned(fields.get(map.col).copied().unwrap_or(""), line, id);
        }
        Ok(())
    });
    let (entries, skips) = parsed.ok()?;
    head.extend(skips);
    Some((entries, head))
}

/// A load error whose message carries only the file's line number.
fn csv_error(line: usize, source: ::csv::Error) -> LoadError {
    let reason = match source.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the first row has {expected_len}"),
        ::csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        ::csv::ErrorKind::Io(e) => e.to_string(),
        _ => "unreadable CSV".to_owned(),
    };
    LoadError::Csv {
        line,
        reason,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list::report::{DetectedFormat, Encoding};

    fn run(body: &str, first: usize) -> Result<Vec<Entry>, LoadError> {
        let mut r = LoadReport::new(DetectedFormat::Text, Encoding::Utf8);
        let d = sniff(body).map_or(b',', |(d, _)| d);
        parse(body, first, d, None, &mut r).map(|(e, _)| e.iter().map(|e| e.to_entry()).collect())
    }

    #[test]
    fn quoted_fields_and_lines() {
        let body = "address,entity,tickers\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,\"SUEX OTC, S.R.O.\",XBT;USDT\n";
        let e = run(body, 8).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 9);
        assert_eq!(e[0].provenance.entity.as_deref(), Some("SUEX OTC, S.R.O."));
        assert_eq!(e[0].provenance.tickers, ["XBT", "USDT"]);
    }

    #[test]
    fn crlf_lines() {
        let body = "address,entity\r\na,x\r\nb,\"y\r\nz\"\r\nc,z\r\n";
        let lines: Vec<usize> = run(body, 3).unwrap().iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 7]);
        match run("address,entity\r\na,x\r\nb,x,extra\r\n", 1) {
            Err(LoadError::Csv { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ragged_row_is_an_error_with_its_line() {
        let body = "address,entity\nabc,x\nabc,x,extra\n";
        match run(body, 1) {
            Err(LoadError::Csv { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sniffed_delimiters() {
        for (name, body, want) in [
            ("comma", "a,b\n1,2\n", Some((b',', false))),
            ("tab", "a\tb\n1\t2\n", Some((b'\t', false))),
            (
                "semicolon, commas in names",
                "addr;name\n0x098B716B8Aaf21512996dC57EB0615e2383E2f96;Doe, J.\n",
                Some((b';', true)),
            ),
            ("pipe", "a|b|c\n1|2|3\n", Some((b'|', false))),
            (
                "text with notes",
                "bc1qp2vvntdedxw4xwtyd4y3gc2t9ufk6pwz2ga4ge mule account\n",
                None,
            ),
            ("ragged commas", "x a, b\ny\n", None),
        ] {
            assert_eq!(sniff(body), want, "{name}");
        }
    }
}
