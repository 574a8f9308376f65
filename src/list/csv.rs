//! walletscreen list v1: CSV with a header row (see `lists/README.md`).

use super::{Category, Entry, List, non_empty, split_multi};
use crate::error::LoadError;

/// Parses the body (header row and data rows) whose first line is line
/// `first_line` of the file.
pub(super) fn parse(body: &str, first_line: usize) -> Result<Vec<Entry>, LoadError> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
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
        seen.1 += bytes[seen.0..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        seen.0 = offset;
        first_line + seen.1
    };
    let headers = rdr
        .headers()
        .map_err(|source| csv_error(first_line, source))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let address = col("address").ok_or(LoadError::MissingAddressColumn { line: first_line })?;
    let [chain, tickers, entity, entity_id, programs, listed, source] = [
        "chain",
        "tickers",
        "entity",
        "entity_id",
        "programs",
        "listed",
        "source",
    ]
    .map(col);
    let mut out = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(source) => {
                return Err(csv_error(at(source.position()), source));
            }
        }
        let line = at(record.position());
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let mut e = Entry::new(record.get(address).unwrap_or(""), line);
        e.chain = non_empty(get(chain));
        e.tickers = split_multi(get(tickers));
        e.entity = non_empty(get(entity));
        e.entity_id = non_empty(get(entity_id));
        e.programs = split_multi(get(programs));
        e.listed = non_empty(get(listed));
        e.source = non_empty(get(source));
        out.push(e);
    }
    Ok(out)
}

/// A load error whose message carries only the file's line number.
fn csv_error(line: usize, source: ::csv::Error) -> LoadError {
    let reason = match source.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
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

/// The columns [`List::write_csv`] writes, in order.
const COLUMNS: [&str; 8] = [
    "address",
    "chain",
    "tickers",
    "entity",
    "entity_id",
    "programs",
    "listed",
    "source",
];

impl List {
    /// Writes the list in the walletscreen list format v1 (see
    /// `lists/README.md`): the `# key: value` metadata lines, the header
    /// `address,chain,tickers,entity,entity_id,programs,listed,source`, one
    /// row per entry; LF line endings, RFC 4180 quoting where needed (a
    /// comma, a double quote or a line break). A row's `source` is left
    /// empty when it is the list's. Loading the output gives back the same
    /// metadata and entries (line numbers aside), provided no ticker or
    /// program contains `;` and no metadata value a line break (written as
    /// a space).
    pub fn write_csv<W: std::io::Write>(&self, mut w: W) -> std::io::Result<()> {
        let m = self.meta();
        let one_line = |v: &str| v.replace(['\r', '\n'], " ");
        writeln!(w, "# walletscreen-list: v1")?;
        writeln!(w, "# id: {}", one_line(&m.id))?;
        if let Some(v) = &m.name {
            writeln!(w, "# name: {}", one_line(v))?;
        }
        let category = match m.category {
            Category::Sanctioned => "sanctioned",
            Category::Attributed => "attributed",
            Category::Custom => "custom",
        };
        writeln!(w, "# category: {category}")?;
        for (key, v) in [
            ("as_of", &m.as_of),
            ("source", &m.source),
            ("license", &m.license),
        ] {
            if let Some(v) = v {
                writeln!(w, "# {key}: {}", one_line(v))?;
            }
        }
        write_row(&mut w, COLUMNS.iter().copied())?;
        for e in self.entries() {
            let tickers = e.tickers.join(";");
            let programs = e.programs.join(";");
            let source = e
                .source
                .as_deref()
                .filter(|s| Some(*s) != m.source.as_deref());
            write_row(
                &mut w,
                [
                    e.address.as_str(),
                    e.chain.as_deref().unwrap_or(""),
                    &tickers,
                    e.entity.as_deref().unwrap_or(""),
                    e.entity_id.as_deref().unwrap_or(""),
                    &programs,
                    e.listed.as_deref().unwrap_or(""),
                    source.unwrap_or(""),
                ]
                .into_iter(),
            )?;
        }
        Ok(())
    }
}

/// One CSV row, minimal quoting.
pub(crate) fn write_row<'s, W: std::io::Write>(
    w: &mut W,
    fields: impl Iterator<Item = &'s str>,
) -> std::io::Result<()> {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        if f.contains([',', '"', '\r', '\n']) {
            write!(w, "\"{}\"", f.replace('"', "\"\""))?;
        } else {
            w.write_all(f.as_bytes())?;
        }
    }
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_lines() {
        let body = "address,entity,tickers\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,\"SUEX OTC, S.R.O.\",XBT;USDT\n";
        let e = parse(body, 8).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 9);
        assert_eq!(e[0].entity.as_deref(), Some("SUEX OTC, S.R.O."));
        assert_eq!(e[0].tickers, ["XBT", "USDT"]);
    }

    #[test]
    fn crlf_lines() {
        let body = "address,entity\r\na,x\r\nb,\"y\r\nz\"\r\nc,z\r\n";
        let lines: Vec<usize> = parse(body, 3).unwrap().iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 7]);
        match parse("address,entity\r\na,x\r\nb,x,extra\r\n", 1) {
            Err(LoadError::Csv { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ragged_row_is_an_error_with_its_line() {
        let body = "address,entity\nabc,x\nabc,x,extra\n";
        match parse(body, 1) {
            Err(LoadError::Csv { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_address_column() {
        assert!(matches!(
            parse("addr,entity\nx,y\n", 4),
            Err(LoadError::MissingAddressColumn { line: 4 })
        ));
    }
}

#[cfg(test)]
mod write_tests {
    use crate::list::{Category, Entry, List, ListMeta};

    #[test]
    fn write_then_load_round_trips() {
        let mut meta = ListMeta::new("x", Category::Sanctioned);
        meta.name = Some("A, \"quoted\"\nname".to_owned());
        meta.as_of = Some("2026-08-08".to_owned());
        meta.source = Some("https://example.org/list".to_owned());
        let mut a = Entry::new("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 1);
        a.entity = Some("SUEX OTC, S.R.O. \"x\"".to_owned());
        a.tickers = vec!["XBT".to_owned(), "USDT".to_owned()];
        a.programs = vec!["CYBER2".to_owned(), "DPRK3".to_owned()];
        a.entity_id = Some("33151".to_owned());
        a.listed = Some("2021-09-21".to_owned());
        a.chain = Some("bitcoin".to_owned());
        a.source = meta.source.clone();
        let mut b = Entry::new("not an address", 2);
        b.source = Some("https://example.org/row".to_owned());
        let list = List::from_entries(meta, [a, b]);
        let mut out = Vec::new();
        list.write_csv(&mut out).unwrap();
        let back = List::from_bytes(&out, ListMeta::new("other", Category::Custom)).unwrap();
        let mut want = list.meta().clone();
        want.name = Some("A, \"quoted\" name".to_owned());
        assert_eq!(back.meta(), &want);
        assert_eq!(back.entries().len(), 2);
        for (x, y) in back.entries().iter().zip(list.entries()) {
            let mut y = y.clone();
            y.line = x.line;
            assert_eq!(x, &y);
        }
        assert!(back.entries()[1].issue.is_some());
    }
}
