//! User lists in the shapes people export them (issue 13): every planted
//! address is a hit through `Screener`, the provenance columns land, and
//! lists that are almost certainly wrong are refused with a typed error.
//! The fixtures are in `tests/fixtures/exports/` (made by `gen.py` there;
//! `expected.json` holds what each file plants).

#[path = "support/hex.rs"]
mod hex;

use std::collections::BTreeMap;
use std::path::PathBuf;

use walletscreen::list::{
    ChosenBy, Column, DetectedFormat, Encoding, LoadOptions, MAX_NOT_ADDRESSES, SkipReason,
};
use walletscreen::{Category, List, ListMeta, LoadError, Screener};

use hex::hex;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exports")
        .join(name)
}

/// `(address, entity, note, date)` planted in each file.
type Planted = Vec<(String, Option<String>, Option<String>, Option<String>)>;

fn expected() -> BTreeMap<String, Planted> {
    let text = std::fs::read_to_string(fixture("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

struct Case {
    name: &'static str,
    file: &'static str,
    format: DetectedFormat,
    encoding: Encoding,
    /// 1-based column and how it was chosen; `(0, ..)` for a JSON field.
    column: Option<(usize, ChosenBy)>,
    skipped: &'static [(SkipReason, usize)],
}

const fn table(delimiter: char, header: bool) -> DetectedFormat {
    DetectedFormat::Table { delimiter, header }
}

fn cases() -> Vec<Case> {
    use ChosenBy::{Content, Name};
    use SkipReason::{Blank, Comment, Header};
    vec![
        Case {
            name: "`wallet` column, not the first",
            file: "wallet_column.csv",
            format: table(',', true),
            encoding: Encoding::Utf8,
            column: Some((2, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "`Wallet Address` header",
            file: "wallet_address_header.csv",
            format: table(',', true),
            encoding: Encoding::Utf8,
            column: Some((3, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "`addr` column",
            file: "addr_column.csv",
            format: table(',', true),
            encoding: Encoding::Utf8,
            column: Some((2, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "semicolon-separated, commas in names",
            file: "semicolon.csv",
            format: table(';', true),
            encoding: Encoding::Utf8,
            column: Some((2, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "tab-separated",
            file: "tab.tsv",
            format: table('\t', true),
            encoding: Encoding::Utf8,
            column: Some((2, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "UTF-8 BOM and CRLF",
            file: "bom_crlf.csv",
            format: table(',', true),
            encoding: Encoding::Utf8Bom,
            column: Some((1, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "UTF-16 LE with BOM (Excel Unicode text)",
            file: "utf16le.txt",
            format: table('\t', true),
            encoding: Encoding::Utf16Le,
            column: Some((1, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "UTF-16 BE with BOM",
            file: "utf16be.csv",
            format: table(',', true),
            encoding: Encoding::Utf16Be,
            column: Some((1, Name)),
            skipped: &[(Header, 1)],
        },
        Case {
            name: "text with notes and comments",
            file: "notes.txt",
            format: DetectedFormat::Text,
            encoding: Encoding::Utf8,
            column: None,
            skipped: &[(Comment, 1), (Blank, 1)],
        },
        Case {
            name: "JSON array of strings",
            file: "strings.json",
            format: DetectedFormat::JsonArray,
            encoding: Encoding::Utf8,
            column: None,
            skipped: &[],
        },
        Case {
            name: "JSON array of objects",
            file: "objects.json",
            format: DetectedFormat::JsonArray,
            encoding: Encoding::Utf8,
            column: Some((0, Name)),
            skipped: &[],
        },
        Case {
            name: "JSON lines",
            file: "lines.jsonl",
            format: DetectedFormat::JsonLines,
            encoding: Encoding::Utf8,
            column: Some((0, Name)),
            skipped: &[],
        },
        Case {
            name: "headerless CSV, column found by content",
            file: "headerless.csv",
            format: table(',', false),
            encoding: Encoding::Utf8,
            column: Some((2, Content)),
            skipped: &[],
        },
    ]
}

#[test]
fn every_export_shape_screens_its_addresses_with_provenance() {
    let expected = expected();
    let cases = cases();
    assert_eq!(
        cases.len(),
        expected.len(),
        "a case per fixture of expected.json"
    );
    for case in cases {
        let name = case.name;
        let planted = &expected[case.file];
        let list = List::from_path(fixture(case.file)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let r = list.report();
        assert_eq!(r.format, case.format, "{name}");
        assert_eq!(r.encoding, case.encoding, "{name}");
        assert_eq!(
            r.column.as_ref().map(|c| (c.number, c.by)),
            case.column,
            "{name}"
        );
        assert_eq!(r.skipped, case.skipped, "{name}");
        assert_eq!(r.entries, planted.len(), "{name}: {r}");
        assert_eq!(r.address_count(), planted.len(), "{name}: {r}");
        assert_eq!(r.not_addresses, 0, "{name}: {r}");

        let screener = Screener::builder()
            .bundled(false)
            .list(list)
            .build()
            .unwrap();
        for (address, entity, note, date) in planted {
            let v = screener.check(address);
            let hit = v
                .hit()
                .unwrap_or_else(|| panic!("{name}: {address} is {v:?}"));
            let m = &hit.matches().next().unwrap();
            assert_eq!(m.category(), Category::Custom, "{name}");
            assert_eq!(
                &m.provenance().entity,
                entity,
                "{name}: entity of {address}"
            );
            assert_eq!(
                m.provenance().programs.first(),
                note.as_ref(),
                "{name}: note of {address}"
            );
            assert_eq!(&m.provenance().listed, date, "{name}: date of {address}");
            // The same address spelled otherwise is the same hit.
            if let Some(hex) = address.strip_prefix("0x") {
                let upper = format!("0x{}", hex.to_uppercase());
                assert!(screener.check(&upper).is_hit(), "{name}: {upper}");
            }
        }
        // Something not listed is not a hit.
        assert!(
            !screener
                .check("0x0000000000000000000000000000000000000001")
                .is_hit()
        );
    }
}

#[test]
fn other_provenance_columns_land() {
    let list = List::from_path(fixture("wallet_address_header.csv")).unwrap();
    let e = &list.entry(0).unwrap();
    assert_eq!(e.provenance.entity_id.as_deref(), Some("C-100"));
    assert_eq!(
        e.provenance.source.as_deref(),
        Some("https://example.org/case/0")
    );
    let list = List::from_path(fixture("addr_column.csv")).unwrap();
    assert_eq!(
        list.entry(0).unwrap().provenance.chain.as_deref(),
        Some("bitcoin")
    );
    let list = List::from_path(fixture("objects.json")).unwrap();
    assert_eq!(
        list.entry(0).unwrap().provenance.chain.as_deref(),
        Some("ethereum")
    );
    assert_eq!(
        list.entry(0).unwrap().provenance.entity_id.as_deref(),
        Some("0")
    );
    // Lines are the file's: after the header, after the JSON array's
    // opening bracket.
    let lines = |f: &str| -> Vec<usize> {
        List::from_path(fixture(f))
            .unwrap()
            .entries()
            .map(|e| e.line)
            .collect()
    };
    assert_eq!(lines("bom_crlf.csv"), [2, 3]);
    assert_eq!(lines("utf16le.txt"), [2, 3]);
    assert_eq!(lines("notes.txt"), [3, 4, 5]);
    assert_eq!(lines("strings.json"), [2, 3, 4]);
    assert_eq!(lines("lines.jsonl"), [1, 2]);
}

fn meta() -> ListMeta {
    ListMeta::new("t", Category::Custom)
}

#[test]
fn refusals_are_typed_errors() {
    let html = b"<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n".to_vec();
    let bytes = |f: &str| std::fs::read(fixture(f)).unwrap();
    type Check = fn(&LoadError) -> bool;
    let cases: Vec<(&str, Vec<u8>, Check)> = vec![
        ("empty file", bytes("empty.txt"), |e| {
            matches!(e, LoadError::NoEntries { lines: 0 })
        }),
        ("comments only", bytes("comments_only.txt"), |e| {
            matches!(e, LoadError::NoEntries { lines: 3 })
        }),
        ("a header only", b"address,entity\n".to_vec(), |e| {
            matches!(e, LoadError::NoEntries { lines: 1 })
        }),
        (
            "names, not addresses",
            bytes("names.csv"),
            |e| matches!(e, LoadError::MostlyNotAddresses { entries: 3, not_addresses: 3, lines } if lines == &[2, 3, 4]),
        ),
        ("markup", html, |e| matches!(e, LoadError::Ofac(_))),
        (
            "a JSON object",
            b"{\n \"addresses\": 1\n}\n".to_vec(),
            |e| matches!(e, LoadError::Json { line: 1, .. }),
        ),
        ("a JSON number", b"[\"0xab\",\n 7]".to_vec(), |e| {
            matches!(e, LoadError::Json { line: 2, .. })
        }),
    ];
    for (name, bytes, check) in cases {
        match List::from_bytes(&bytes, meta()) {
            Err(e) => {
                assert!(check(&e), "{name}: {e:?}");
                assert!(!e.to_string().is_empty());
            }
            Ok(l) => panic!("{name}: loaded {}", l.report()),
        }
    }
}

#[test]
fn the_threshold_is_more_than_half() {
    assert_eq!(MAX_NOT_ADDRESSES, 0.5);
    let good = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    // Half not addresses: kept (two entries, one of them an opaque key).
    let half = format!("{good}\nJane Doe\n");
    let list = List::from_bytes(half.as_bytes(), meta()).unwrap();
    assert_eq!(list.report().not_addresses, 1);
    assert_eq!(list.report().not_address_lines, [2]);
    // One more: refused, unless allowed.
    let more = format!("{half}Richard Roe\n");
    assert!(matches!(
        List::from_bytes(more.as_bytes(), meta()),
        Err(LoadError::MostlyNotAddresses {
            entries: 3,
            not_addresses: 2,
            ..
        })
    ));
    let opts = LoadOptions::new().allow_non_addresses(true);
    let list = List::from_bytes_with(more.as_bytes(), meta(), &opts).unwrap();
    let s = Screener::builder()
        .bundled(false)
        .list(list)
        .build()
        .unwrap();
    assert!(s.check("Richard Roe").is_hit(), "kept and matched exactly");
    // An empty list, allowed explicitly.
    let opts = LoadOptions::new().allow_empty(true);
    assert!(List::from_bytes_with(b"# nothing\n", meta(), &opts).is_ok());
}

#[test]
fn the_column_can_be_named_by_name_or_number() {
    let a = "0x1111111111111111111111111111111111111111";
    let b = "0x2222222222222222222222222222222222222222";
    let csv = format!("sender,recipient\n{a},{b}\n");
    let load = |c: Column| {
        List::from_bytes_with(csv.as_bytes(), meta(), &LoadOptions::new().column(c))
            .map(|l| l.entry(0).unwrap().address.clone())
    };
    // Detection takes the first of two equally good columns.
    let detected = List::from_bytes(csv.as_bytes(), meta()).unwrap();
    assert_eq!(detected.entry(0).unwrap().address, a);
    assert_eq!(load(Column::Name("recipient".into())).unwrap(), b);
    assert_eq!(load(Column::Name("RECIPIENT".into())).unwrap(), b);
    assert_eq!(load(Column::Number(2)).unwrap(), b);
    assert_eq!(load(Column::Number(1)).unwrap(), a);
    assert!(matches!(
        load(Column::Name("receiver".into())),
        Err(LoadError::ColumnNotFound { line: 1, .. })
    ));
    assert!(matches!(
        load(Column::Number(3)),
        Err(LoadError::ColumnNotFound { .. })
    ));
    // A JSON field, by name.
    let json = format!("[{{\"from\": \"{a}\", \"to\": \"{b}\"}}]");
    let opts = LoadOptions::new().column(Column::Name("to".into()));
    let l = List::from_bytes_with(json.as_bytes(), meta(), &opts).unwrap();
    assert_eq!(l.entry(0).unwrap().address, b);
    // Parsed from the command line's spelling.
    assert_eq!("2".parse::<Column>(), Ok(Column::Number(2)));
    assert_eq!(
        "Wallet Address".parse::<Column>(),
        Ok(Column::Name("Wallet Address".into()))
    );
    assert!("0".parse::<Column>().is_err());
}

#[test]
fn our_own_format_reads_as_before() {
    // The bundled lists: walletscreen list v1, every column by name.
    for file in ["lists/ofac_sdn.csv", "lists/fbi_dprk.csv"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
        // One entry per line that is not a comment, blank or the header
        // (the bundled lists quote no line breaks).
        let text = std::fs::read_to_string(&path).unwrap();
        let n = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count()
            - 1;
        assert!(n > 50, "{file}: {n}");
        let list = List::from_path(&path).unwrap();
        let r = list.report();
        assert_eq!(r.entries, n, "{file}");
        assert_eq!(r.format, table(',', true), "{file}");
        assert_eq!(r.column.as_ref().unwrap().number, 1);
        assert!(r.skipped.contains(&(SkipReason::Comment, 7)), "{file}: {r}");
        assert_eq!(
            r.entries,
            r.address_count() + r.not_addresses,
            "{file}: {r}"
        );
    }
}

#[test]
fn the_report_reads_like_the_issue_asks() {
    let mut text = String::from("address\n");
    for i in 0..3 {
        text.push_str(&format!("0x{i:040x}\n"));
    }
    text.push_str("12283Cq1pJ3f1gXwqi6K3bRf5LZb8Bkm6g\nnot-an-address\n");
    let list = List::from_bytes(text.as_bytes(), meta()).unwrap();
    assert_eq!(
        list.report().to_string(),
        "5 entries, 4 addresses (evm 3, base58 1), 1 not an address (kept, line 6); \
         text, 1 line skipped (1 header)"
    );
}

/// A large table without quotes is parsed line by line on every core; with
/// one quoted field the csv crate reads it: both give the same entries,
/// lines and skips, with LF or CRLF, a blank line and an empty row inside.
#[test]
fn large_tables_read_the_same_on_the_parallel_and_the_csv_path() {
    for eol in ["\n", "\r\n"] {
        let mut plain = format!("# id: big{eol}wallet,owner,reason{eol}");
        for i in 0..60_000u32 {
            plain.push_str(&format!("0x{i:040x},Owner {},note {i}{eol}", i % 7));
            if i == 30_000 {
                plain.push_str(eol);
                plain.push_str(&format!(",,{eol}"));
            }
        }
        plain.push_str(&format!("not-an-address,x,y{eol}"));
        assert!(plain.len() > 3 << 20, "large enough for several pieces");
        let quoted = plain.replacen("Owner 0", "\"Owner 0\"", 1);
        let a = List::from_bytes(plain.as_bytes(), meta()).unwrap();
        let b = List::from_bytes(quoted.as_bytes(), meta()).unwrap();
        assert_eq!(a.entries().len(), 60_001);
        assert_eq!(a.entries(), b.entries(), "eol {eol:?}");
        assert_eq!(a.report(), b.report(), "eol {eol:?}");
        let r = a.report();
        assert_eq!(
            r.skipped,
            [
                (SkipReason::Header, 1),
                (SkipReason::Comment, 1),
                (SkipReason::EmptyRow, 1)
            ]
        );
        assert_eq!(r.not_address_lines, [60_005]);
        let e = &a.entry(59_999).unwrap();
        assert_eq!(
            (
                e.line,
                e.provenance.entity.as_deref(),
                e.provenance.programs.as_slice()
            ),
            (60_004, Some("Owner 2"), &["note 59999".to_owned()][..])
        );
    }
}

/// A large text list: the same entries whether read whole or in pieces.
#[test]
fn large_text_lists_keep_every_line() {
    let mut text = String::from("# id: big\n\nAddress\n");
    for i in 0..150_000u32 {
        text.push_str(&format!("0x{i:040x} note {i}\n"));
        if i % 50_000 == 0 {
            text.push_str("# a comment\n\n");
        }
    }
    let list = List::from_bytes(text.as_bytes(), meta()).unwrap();
    assert_eq!(list.entries().len(), 150_000);
    for (i, e) in list.entries().enumerate() {
        assert_eq!(e.address, format!("0x{i:040x}"));
        assert_eq!(e.provenance.programs, [format!("note {i}")]);
    }
    assert_eq!(list.entry(0).unwrap().line, 4);
    assert_eq!(list.entry(149_999).unwrap().line, 4 + 149_999 + 2 * 3);
    let r = list.report();
    assert_eq!(
        r.skipped,
        [
            (SkipReason::Header, 1),
            (SkipReason::Comment, 4),
            (SkipReason::Blank, 4)
        ]
    );
}

mod shapes {
    use super::*;
    use proptest::prelude::*;

    /// An export written in a random shape: delimiter, header spellings,
    /// column order, BOM, line ends, encoding.
    #[derive(Debug, Clone)]
    struct Shape {
        delimiter: char,
        address_header: &'static str,
        entity_header: &'static str,
        position: usize,
        crlf: bool,
        bom: bool,
        utf16: Option<bool>,
    }

    fn shape() -> impl Strategy<Value = Shape> {
        (
            prop::sample::select(vec![',', '\t', ';', '|']),
            prop::sample::select(vec![
                "address",
                "Wallet Address",
                "wallet_address",
                "addr",
                "WALLET",
                "public_key",
            ]),
            prop::sample::select(vec!["owner", "Name", "entity", "Entity Name"]),
            0usize..3,
            any::<bool>(),
            any::<bool>(),
            prop::option::of(any::<bool>()),
        )
            .prop_map(
                |(delimiter, address_header, entity_header, position, crlf, bom, utf16)| Shape {
                    delimiter,
                    address_header,
                    entity_header,
                    position,
                    crlf,
                    bom,
                    utf16,
                },
            )
    }

    fn encode(text: &str, s: &Shape) -> Vec<u8> {
        match s.utf16 {
            Some(le) => {
                let mut v = if le {
                    vec![0xFF, 0xFE]
                } else {
                    vec![0xFE, 0xFF]
                };
                for u in text.encode_utf16() {
                    v.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
                }
                v
            }
            None if s.bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            None => text.as_bytes().to_vec(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_export_shape_gives_back_its_rows(
            s in shape(),
            rows in prop::collection::vec((any::<[u8; 20]>(), "[a-z]{1,8}"), 1..20),
        ) {
            let d = s.delimiter;
            let eol = if s.crlf { "\r\n" } else { "\n" };
            let mut cols = vec!["id".to_owned(), s.entity_header.to_owned()];
            cols.insert(s.position, s.address_header.to_owned());
            let mut text = cols.join(&d.to_string()) + eol;
            let addresses: Vec<String> = rows
                .iter()
                .map(|(b, _)| format!("0x{}", hex(b)))
                .collect();
            for (i, ((_, entity), a)) in rows.iter().zip(&addresses).enumerate() {
                let mut cells = vec![format!("{i}"), entity.clone()];
                cells.insert(s.position, a.clone());
                text += &(cells.join(&d.to_string()) + eol);
            }
            let list = List::from_bytes(&encode(&text, &s), meta()).unwrap();
            let r = list.report();
            prop_assert_eq!(r.format, table(d, true));
            let col = r.column.as_ref().unwrap();
            prop_assert_eq!((col.number, col.by), (s.position + 1, ChosenBy::Name));
            prop_assert_eq!(list.entries().len(), rows.len());
            for ((e, a), (_, entity)) in list.entries().zip(&addresses).zip(&rows) {
                prop_assert_eq!(&e.address, a);
                prop_assert_eq!(e.provenance.entity.as_deref(), Some(entity.as_str()));
                prop_assert!(e.issue.is_none());
            }
        }
    }
}
