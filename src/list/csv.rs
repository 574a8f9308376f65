//! walletscreen list v1: CSV with a header row (see `lists/README.md`).

use super::{Entry, non_empty, split_multi};
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
        seen.1 += bytes[seen.0..offset].iter().filter(|&&b| b == b'\n').count();
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
