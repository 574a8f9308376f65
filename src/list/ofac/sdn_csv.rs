//! `sdn.csv` with `sdn_comments.csv`.
//!
//! `sdn.csv` has no header and 12 columns: entity number, name, type,
//! programs (`] [`-separated), title, call sign, vessel type, tonnage, GRT,
//! vessel flag, vessel owner, remarks; null fields are written `-0- `.
//! Lines end with CRLF and the file with a Ctrl-Z (0x1A), as OFAC publishes
//! it. Addresses are in the remarks:
//! `Digital Currency Address - XBT 1abc...; alt. Digital Currency Address - ETH 0x...;`.
//!
//! OFAC cuts remarks at 1,000 characters and continues them in
//! `sdn_comments.csv` (entity number, continuation). The continuation is
//! appended to the remarks *before* addresses are read, so that an address
//! straddling the cut is read whole.

use std::collections::HashMap;

use super::error::{FileRole, OfacError, Position, StructureProblem, count_newlines};
use super::{ADDRESS_PREFIX, OfacWarning, Parsed, Party, RawAddress};

/// Remarks of this many characters or more were cut by OFAC.
pub(super) const REMARKS_CUT: usize = 1000;

const SDN_FIELDS: usize = 12;
const COMMENT_FIELDS: usize = 2;
const EOF_MARK: u8 = 0x1A;

/// Which of OFAC's two CSV files a first line looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CsvKind {
    Sdn,
    Comments,
}

/// The shape of the first record: an entity number, a quoted field, and 12
/// fields (`sdn.csv`) or 2 (`sdn_comments.csv`).
pub(super) fn sniff(s: &[u8]) -> Option<CsvKind> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || !s[digits..].starts_with(b",\"") {
        return None;
    }
    let line_end = s.iter().position(|&b| b == b'\n').unwrap_or(s.len());
    match first_record_fields(&s[..line_end]) {
        SDN_FIELDS => Some(CsvKind::Sdn),
        COMMENT_FIELDS => Some(CsvKind::Comments),
        _ => None,
    }
}

/// The number of fields of the first record of `s` as the `csv` crate's
/// reader reads it (comma, `"` quoting with `""` escapes, CR or LF ends a
/// record outside quotes, end of input ends it anywhere), for `s` that does
/// not start with a line end.
///
/// Counted by hand because sniffing runs several times per file and a
/// `csv::Reader` builds a DFA first (the unit test
/// `first_record_fields_agrees_with_csv` holds the two together).
fn first_record_fields(s: &[u8]) -> usize {
    let mut fields = 1;
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        i += 1;
        if quoted {
            if b == b'"' {
                if s.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match b {
            b',' => {
                fields += 1;
                field_start = true;
            }
            b'\r' | b'\n' => break,
            b'"' if field_start => {
                quoted = true;
                field_start = false;
            }
            _ => field_start = false,
        }
    }
    fields
}

/// One record with its position.
struct Record {
    fields: ::csv::StringRecord,
    position: Position,
}

/// Reads every record of one file, checking the field count, the entity
/// number and the end of the file.
fn records(
    bytes: &[u8],
    file: FileRole,
    fields: usize,
    warnings: &mut Vec<OfacWarning>,
) -> Result<Vec<Record>, OfacError> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut data = &bytes[bom..];
    let marked = data.last() == Some(&EOF_MARK);
    if marked {
        data = &data[..data.len() - 1];
    }
    let ends_with_newline = data.last().is_none_or(|&b| b == b'\n');
    if !marked {
        let position = Position::at(file, bytes, bytes.len());
        if !ends_with_newline {
            return Err(OfacError::Truncated {
                position,
                open_elements: 0,
            });
        }
        warnings.push(OfacWarning::NoEndOfFileMark { position });
    }
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    // After a CRLF the csv crate puts a record at the previous record's
    // line end: skip line ends, and count lines here.
    let mut line = (0usize, 1usize); // (offset, its line)
    let mut at = |p: &::csv::Position| {
        let mut offset = (bom + p.byte() as usize).min(bytes.len());
        while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        if offset < line.0 {
            line = (0, 1);
        }
        line.1 += count_newlines(&bytes[line.0..offset]);
        line.0 = offset;
        Position {
            file,
            line: line.1,
            offset,
        }
    };
    let mut out = Vec::new();
    let mut rec = ::csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(source) => {
                let position = match source.position() {
                    Some(p) => at(p),
                    None => Position::at(file, bytes, bytes.len()),
                };
                return Err(OfacError::Csv { position, source });
            }
        }
        let position = match rec.position() {
            Some(p) => at(p),
            None => Position::at(file, bytes, 0),
        };
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue; // a blank line
        }
        if rec.len() != fields {
            return Err(OfacError::Structure {
                problem: StructureProblem::FieldCount {
                    found: rec.len(),
                    expected: fields,
                },
                position,
            });
        }
        let id = rec[0].trim();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OfacError::Structure {
                problem: StructureProblem::BadEntityNumber {
                    value: rec[0].to_owned(),
                },
                position,
            });
        }
        out.push(Record {
            fields: rec.clone(),
            position,
        });
    }
    Ok(out)
}

/// OFAC's null.
fn field(s: &str) -> &str {
    let t = s.trim();
    if t == "-0-" { "" } else { t }
}

pub(super) fn parse(sdn: &[u8], comments: Option<&[u8]>) -> Result<Parsed, OfacError> {
    let mut out = Parsed::default();
    let sdn_records = records(sdn, FileRole::Main, SDN_FIELDS, &mut out.warnings)?;

    // Continuations by entity number, in file order.
    let mut continued: HashMap<String, (String, Position, bool)> = HashMap::new();
    let mut comment_order = Vec::new();
    if let Some(c) = comments {
        let found = match super::sniff(c).0 {
            super::Sniffed::Empty => None,
            _ if sniff(super::significant(c)) == Some(CsvKind::Comments) => None,
            super::Sniffed::Ofac(format) => Some(super::FileKind::Ofac { format }),
            super::Sniffed::Other(k) => Some(k),
            super::Sniffed::XmlWithoutRoot => Some(super::FileKind::Xml {
                root: String::new(),
            }),
        };
        if let Some(found) = found {
            return Err(OfacError::NotComments {
                found,
                position: Position::at(FileRole::Comments, c, 0),
            });
        }
        for r in records(c, FileRole::Comments, COMMENT_FIELDS, &mut out.warnings)? {
            let id = r.fields[0].trim().to_owned();
            match continued.get_mut(&id) {
                Some((text, _, _)) => text.push_str(&r.fields[1]),
                None => {
                    comment_order.push(id.clone());
                    continued.insert(id, (r.fields[1].to_owned(), r.position, false));
                }
            }
        }
    }

    for r in &sdn_records {
        let id = r.fields[0].trim();
        let mut remarks = field(&r.fields[11]).to_owned();
        let cut = r.fields[11].chars().count() >= REMARKS_CUT;
        let mut still_cut = cut;
        if let Some((text, position, used)) = continued.get_mut(id) {
            *used = true;
            if cut {
                // The cut is exact: no separator between the two parts.
                remarks = r.fields[11].to_owned();
                remarks.push_str(text);
                still_cut = false;
            } else {
                out.warnings.push(OfacWarning::CommentWithoutCut {
                    entity_id: id.to_owned(),
                    position: *position,
                });
            }
        }
        let mut party = Party {
            entity_id: id.to_owned(),
            entity: Some(field(&r.fields[1]).to_owned()).filter(|s| !s.is_empty()),
            programs: programs(&r.fields[3]),
            listed: None,
            addresses: Vec::new(),
        };
        let fragment = extract(
            &remarks,
            still_cut,
            r.position,
            &mut party,
            &mut out.warnings,
        );
        if still_cut {
            out.warnings.push(OfacWarning::RemarksCut {
                entity_id: id.to_owned(),
                fragment,
                position: r.position,
            });
        }
        if !party.addresses.is_empty() {
            out.parties.push(party);
        }
    }
    for id in comment_order {
        let (_, position, used) = &continued[&id];
        if !used {
            out.warnings.push(OfacWarning::OrphanComment {
                entity_id: id.clone(),
                position: *position,
            });
        }
    }
    Ok(out)
}

/// `CYBER2] [DPRK3` → `[CYBER2, DPRK3]`.
fn programs(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in field(cell).split("] [") {
        let p = p
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim();
        if !p.is_empty() && !out.iter().any(|q| q == p) {
            out.push(p.to_owned());
        }
    }
    out
}

/// Reads every "Digital Currency Address - TICKER ADDRESS" of `remarks`
/// into `party`. When the remarks are `cut` (and not continued), a mention
/// running into the end of the text is incomplete: it is not read, and its
/// address fragment (if any) is returned.
fn extract(
    remarks: &str,
    cut: bool,
    position: Position,
    party: &mut Party,
    warnings: &mut Vec<OfacWarning>,
) -> Option<String> {
    let bytes = remarks.as_bytes();
    let n = ADDRESS_PREFIX.len();
    let mut i = 0;
    while let Some(k) = find_ci(&bytes[i..], ADDRESS_PREFIX.as_bytes()) {
        let start = i + k;
        let rest = &remarks[start + n..];
        // The mention ends at the next `;` (or the end of the text).
        let end = rest.find(';');
        let mention = &rest[..end.unwrap_or(rest.len())];
        i = start + n;
        let ticker_len = mention
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let ticker = &mention[..ticker_len];
        let after = &mention[ticker_len..];
        let address = after.trim_start();
        let address = &address[..address.find(char::is_whitespace).unwrap_or(address.len())];
        let runs_to_end = end.is_none() && after.trim_end().len() == after.len();
        if cut && end.is_none() && (runs_to_end || address.is_empty()) {
            // Incomplete: cut inside the ticker or the address.
            return Some(address.to_owned()).filter(|a| !a.is_empty());
        }
        // At the very end of the remarks an address may carry the final
        // full stop; no address contains `.`.
        let address = if end.is_none() {
            address.trim_end_matches('.')
        } else {
            address
        };
        let well_formed =
            !ticker.is_empty() && after.starts_with(char::is_whitespace) && !address.is_empty();
        if !well_formed {
            warnings.push(OfacWarning::UnreadableMention {
                text: format!("{}{}", &remarks[start..start + n], mention),
                entity_id: party.entity_id.clone(),
                position,
            });
            continue;
        }
        party.addresses.push(RawAddress {
            ticker: ticker.to_owned(),
            address: address.to_owned(),
            position,
        });
    }
    None
}

/// ASCII case-insensitive search (`needle` not empty).
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0].to_ascii_lowercase();
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| {
        hay[i].to_ascii_lowercase() == first
            && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `sniff` counted before `first_record_fields`: a `csv` reader.
    fn fields_by_csv(s: &[u8]) -> Option<usize> {
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(s);
        let mut rec = ::csv::ByteRecord::new();
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => Some(rec.len()),
            _ => None,
        }
    }

    #[test]
    fn first_record_fields_named_cases() {
        for (name, line, fields) in [
            ("sdn line", &b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r"[..], 12),
            ("comments line", b"306,\" Digital Currency Address - XBT 1abc\"", 2),
            ("comma in quotes", b"1,\"a,b\",c", 3),
            ("escaped quote", b"1,\"a\"\",b\",c", 3),
            ("quote inside a bare field", b"1,a\"b,c", 3),
            ("text after a closing quote", b"1,\"a\"b,c", 3),
            ("CR ends the record", b"1,\"a\"\r,b", 2),
            ("CR inside quotes", b"1,\"a\r,b\",c", 3),
            ("unterminated quote", b"1,\"a,b", 2),
            ("trailing comma", b"1,\"a\",", 3),
        ] {
            assert_eq!(first_record_fields(line), fields, "{name}");
            assert_eq!(fields_by_csv(line), Some(fields), "{name} (csv)");
        }
    }

    proptest::proptest! {
        #[test]
        fn first_record_fields_agrees_with_csv(
            tail in proptest::collection::vec(
                proptest::sample::select(&b"0a,\"\r\n \x1a"[..]), 0..40)
        ) {
            let mut line = b"12,\"".to_vec();
            line.extend_from_slice(&tail);
            let end = line.iter().position(|&b| b == b'\n').unwrap_or(line.len());
            let line = &line[..end];
            proptest::prop_assert_eq!(Some(first_record_fields(line)), fields_by_csv(line));
        }
    }

    fn party() -> Party {
        Party {
            entity_id: "1".to_owned(),
            ..Party::default()
        }
    }

    fn pos() -> Position {
        Position {
            file: FileRole::Main,
            line: 1,
            offset: 0,
        }
    }

    /// (name, remarks, cut, addresses as ticker:address, fragment, warnings)
    type Case = (
        &'static str,
        &'static str,
        bool,
        &'static [&'static str],
        Option<&'static str>,
        usize,
    );

    #[test]
    fn remarks_extraction() {
        let cases: &[Case] = &[
            (
                "two, alt.",
                "DOB 1977; Digital Currency Address - XBT 1abc; alt. Digital Currency Address - ETH 0xdef; Gender Male.",
                false,
                &["XBT:1abc", "ETH:0xdef"],
                None,
                0,
            ),
            (
                "last item, final full stop",
                "a.k.a. 'X'; Digital Currency Address - TRX Tabc.",
                false,
                &["TRX:Tabc"],
                None,
                0,
            ),
            (
                "cut inside address",
                "x; Digital Currency Address - XBT 1abc; alt. Digital Currency Address - XBT 1Gq",
                true,
                &["XBT:1abc"],
                Some("1Gq"),
                0,
            ),
            (
                "cut after ticker",
                "x; Digital Currency Address - XBT 1abc; alt. Digital Currency Address - XBT ",
                true,
                &["XBT:1abc"],
                None,
                0,
            ),
            (
                "cut in prefix",
                "x; Digital Currency Address - XBT 1abc; alt. Digital Currency Addres",
                true,
                &["XBT:1abc"],
                None,
                0,
            ),
            (
                "cut right after a complete address",
                "Digital Currency Address - XBT 18yWCu6agTxYqAerMxiz9sgHrK3ViezzGa;",
                true,
                &["XBT:18yWCu6agTxYqAerMxiz9sgHrK3ViezzGa"],
                None,
                0,
            ),
            (
                "no ticker",
                "Digital Currency Address - ; x",
                false,
                &[],
                None,
                1,
            ),
            (
                "unknown ticker kept",
                "Digital Currency Address - NEW abc;",
                false,
                &["NEW:abc"],
                None,
                0,
            ),
        ];
        for (name, remarks, cut, want, fragment, nwarn) in cases {
            let mut p = party();
            let mut w = Vec::new();
            let fr = extract(remarks, *cut, pos(), &mut p, &mut w);
            let got: Vec<String> = p
                .addresses
                .iter()
                .map(|a| format!("{}:{}", a.ticker, a.address))
                .collect();
            assert_eq!(got, *want, "{name}");
            assert_eq!(fr.as_deref(), *fragment, "{name}");
            assert_eq!(w.len(), *nwarn, "{name}: {w:?}");
        }
    }

    #[test]
    fn program_cells() {
        assert_eq!(programs("DPRK3] [CYBER2"), ["DPRK3", "CYBER2"]);
        assert_eq!(programs("-0- "), Vec::<String>::new());
        assert_eq!(programs("[SDGT]"), ["SDGT"]);
    }
}
