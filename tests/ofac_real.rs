//! Real OFAC publications as fixtures (issue 15, part 3): the four real
//! `SDN_ADVANCED.XML` files of `tests/fixtures/ofac/real/versions/`
//! (bzip2-compressed as published by brave-intl's mirror; decompressed here
//! in memory) give, through the crate's own parser, exactly the (code,
//! address, party id) sets that an independent script extracted from them
//! (`tests/fixtures/ofac/real/extracted/`, `extract_dca.py`); and the real
//! 2020 `cons_advanced.xml` (old namespace, OFAC's non-SDN consolidated
//! list, no digital-currency address) is a clear outcome: an empty parse,
//! refused as a list with a message that says why.

mod common;

use std::collections::BTreeSet;
use std::io::Read;

use common::TempDir;
use walletscreen::list::ofac::{self, OfacFormat, OfacList};
use walletscreen::{Category, List, ListMeta, LiveScreener, Source, UpdateError};

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ofac/real/");

/// The decompressed bytes of a real publication.
fn decompress(version: &str) -> Vec<u8> {
    let path = format!("{REAL}versions/sdn_advanced_commit-{version}.xml.bz2");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::with_capacity(128 << 20);
    bzip2::read::BzDecoder::new(std::io::BufReader::new(file))
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    out
}

type Feature = (String, String, String);

/// The independent extraction: (code, address, party id) per feature.
fn extracted(version: &str) -> (Vec<Feature>, BTreeSet<Feature>) {
    let path = format!("{REAL}extracted/dca_{version}.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<Feature> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "{path}: {l}");
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect();
    let set = rows.iter().cloned().collect();
    (rows, set)
}

/// Entries the parser makes of the extraction's rows: one per (party,
/// address), its codes merged.
fn want_entries(rows: &[Feature]) -> usize {
    rows.iter()
        .map(|(_, a, p)| (a, p))
        .collect::<BTreeSet<_>>()
        .len()
}

/// (version, DateOfIssue, feature values, distinct (code, address) pairs,
/// distinct addresses), from `versions_table.md`.
const VERSIONS: [(&str, &str, usize, usize, usize); 4] = [
    (
        "2024-05-29T135207Z_863828489e4f",
        "2024-05-28",
        652,
        649,
        636,
    ),
    (
        "2025-03-04T154705Z_e1b6b1356262",
        "2025-03-04",
        717,
        714,
        701,
    ),
    (
        "2025-03-21T145919Z_ab1f3255c9b6",
        "2025-03-21",
        627,
        624,
        611,
    ),
    (
        "2025-11-19T164412Z_3ed669068884",
        "2025-11-19",
        761,
        758,
        745,
    ),
];

/// One test for the four files (each is ~100-120 MB once decompressed;
/// they are decompressed and parsed one after the other, so that only one
/// is in memory at a time).
#[test]
fn real_sdn_advanced_files_give_exactly_the_independent_extraction() {
    for (version, date, values, pairs, addresses) in VERSIONS {
        let (rows, want) = extracted(version);
        assert_eq!(rows.len(), values, "{version}");
        let bytes = decompress(version);
        // As published: CRLF, Version="3", the 2024 namespace.
        assert!(bytes.starts_with(b"<?xml"), "{version}");
        assert!(bytes[..4096].windows(2).any(|w| w == b"\r\n"), "{version}");
        assert!(
            bytes[..4096].windows(11).any(|w| w == b"Version=\"3\""),
            "{version}"
        );
        let f = ofac::parse(&bytes, None).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert_eq!(f.format, OfacFormat::AdvancedXml, "{version}");
        assert_eq!(f.list, OfacList::Sdn, "{version}");
        assert_eq!(f.publish_date.as_deref(), Some(date), "{version}");
        assert_eq!(f.entries.len(), want_entries(&rows), "{version}");
        f.check_complete().unwrap();
        // Every (code, address, party) of the parse, and of the extraction.
        let got: BTreeSet<Feature> = f
            .entries
            .iter()
            .flat_map(|e| {
                e.tickers
                    .iter()
                    .map(|t| (t.clone(), e.address.clone(), e.entity_id.clone()))
            })
            .collect();
        let missing: Vec<&Feature> = want.difference(&got).collect();
        let extra: Vec<&Feature> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{version}: missing {missing:?}, extra {extra:?}"
        );
        let pair_set: BTreeSet<(&str, &str)> = got
            .iter()
            .map(|(c, a, _)| (c.as_str(), a.as_str()))
            .collect();
        let addr_set: BTreeSet<&str> = got.iter().map(|(_, a, _)| a.as_str()).collect();
        assert_eq!(
            (pair_set.len(), addr_set.len()),
            (pairs, addresses),
            "{version}"
        );
        // Every entry has its party's name, programs and listing date.
        for e in &f.entries {
            assert!(e.entity.as_deref().is_some_and(|n| !n.is_empty()), "{e:?}");
            assert!(!e.programs.is_empty(), "{e:?}");
            assert!(e.listed.is_some(), "{e:?}");
        }
        // The list made of it: every address a hit, both parties of a shared
        // address named.
        if version.starts_with("2025-11-19") {
            let list = List::from_bytes(&bytes, ListMeta::new("x", Category::Custom)).unwrap();
            assert_eq!(list.meta().id, "ofac-sdn");
            let s = walletscreen::Screener::builder()
                .list(list)
                .build()
                .unwrap();
            for (addr, ids) in [
                ("LeKvNdNEzgQkzVVnRdV3fAu2DSF1nLsNw6", ["30518", "30520"]),
                ("1H939dom7i4WDLCKyGbXUp3fs9CSTNRzgL", ["38419", "38420"]),
            ] {
                let h = s.check(addr);
                let got: BTreeSet<String> = h
                    .hit()
                    .unwrap()
                    .matches()
                    .map(|m| m.provenance().entity_id.clone().unwrap())
                    .collect();
                assert_eq!(got, ids.map(str::to_owned).into(), "{addr}");
            }
            for (_, a, _) in &want {
                assert!(s.check(a).is_hit(), "{a}");
            }
        }
    }
}

const CONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ofac/cons-advanced-2020/cons_advanced.xml"
);

/// The real 2020 `cons_advanced.xml`: OFAC's advanced format in the old
/// namespace, OFAC's consolidated non-SDN list, with no digital-currency
/// address. Parsing gives an empty list (not an error: the file is well
/// formed and complete) with the id `ofac-cons`, never `ofac-sdn`; as a
/// source it is refused, and the message says that the file has no
/// digital-currency addresses.
#[test]
fn real_consolidated_2020_file_is_an_empty_parse_and_refused_as_a_source() {
    let bytes = std::fs::read(CONS).unwrap();
    assert!(
        bytes[..2048]
            .windows(b"http://www.un.org/sanctions/1.0".len())
            .any(|w| w == b"http://www.un.org/sanctions/1.0"),
        "the old namespace"
    );
    let f = ofac::parse(&bytes, None).unwrap();
    assert_eq!(f.format, OfacFormat::AdvancedXml);
    assert_eq!(f.list, OfacList::Consolidated);
    assert!(f.entries.is_empty(), "{:?}", &f.entries[..1]);
    assert_eq!(f.publish_date.as_deref(), Some("2020-03-17"));
    f.check_complete().unwrap();
    // Whatever id the caller meant: the content says which list it is.
    let list = List::from_bytes(&bytes, ListMeta::new("ofac-sdn", Category::Custom)).unwrap();
    assert_eq!(list.meta().id, "ofac-cons");
    assert_eq!(
        list.meta().name.as_deref(),
        Some("OFAC consolidated non-SDN list (SDN_ADVANCED.XML)")
    );
    assert!(list.is_empty());
    assert_eq!(
        list.ofac_origin(),
        Some((OfacFormat::AdvancedXml, OfacList::Consolidated))
    );

    // As a source, under its own name or as `SDN_ADVANCED.XML`: refused,
    // and the bundled lists keep serving.
    let dir = TempDir::new("cons");
    for name in ["cons_advanced.xml", "SDN_ADVANCED.XML"] {
        let path = dir.file(name, &bytes);
        let live = LiveScreener::builder()
            .source(Source::parse(&path))
            .build()
            .unwrap();
        let err = live.refresh().unwrap_err();
        assert!(
            matches!(
                err,
                UpdateError::NoAddresses {
                    format: OfacFormat::AdvancedXml,
                    list: OfacList::Consolidated,
                    ..
                }
            ),
            "{name}: {err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("this OFAC file (SDN_ADVANCED.XML, OFAC consolidated non-SDN list) has no digital-currency addresses"),
            "{msg}"
        );
        assert!(
            live.check("123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX")
                .unwrap()
                .verdict
                .is_hit()
        );
    }
}

/// A fetched OFAC SDN publication is the `ofac-sdn` list whatever its file
/// name (issue 15: `screen --fetch mirror/2025-11-19.xml` used to add a
/// second list named `2025-11-19`, "745 added, 0 removed", beside the
/// bundled one): it replaces the bundled list, so the shrink guard compares
/// the two (the 2025-11-19 publication has 747 rows, the bundled list of
/// 2026-09-30 1,052: refused), and, forced, the diff is against the bundled
/// list and addresses listed since are no longer served by a stale copy.
#[test]
fn a_real_sdn_publication_under_another_name_is_ofac_sdn() {
    let version = "2025-11-19T164412Z_3ed669068884";
    let dir = TempDir::new("mirror");
    std::fs::create_dir_all(dir.join("mirror")).unwrap();
    let path = dir.file("mirror/2025-11-19.xml", &decompress(version));
    let path = path.as_str();

    // The library: a LiveScreener source.
    let live = LiveScreener::builder()
        .source(Source::parse(path))
        .build()
        .unwrap();
    let err = live.refresh().unwrap_err();
    match &err {
        UpdateError::Shrink {
            id, before, after, ..
        } => assert_eq!((id.as_str(), *before, *after), ("ofac-sdn", 1052, 747)),
        e => panic!("{e:?}"),
    }
    let live = LiveScreener::builder()
        .source(Source::parse(path))
        .force(true)
        .build()
        .unwrap();
    let report = live.refresh().unwrap();
    let s = &report.sources[0];
    assert_eq!(s.list, "ofac-sdn");
    // Against the bundled list: the addresses OFAC listed after 2025-11-19
    // are removed, FAYZIMATOV's (delisted in 2026) is added back.
    assert!(
        s.removed
            .iter()
            .any(|c| c.address == "TAQPzv9941nVuTj4ng2vd6L11Re57r42pW")
    );
    assert!(
        s.added
            .iter()
            .any(|c| c.address == "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C")
    );
    assert!(s.added.len() < 20, "{} added", s.added.len());
    let ids: Vec<String> = live
        .current()
        .lists()
        .iter()
        .map(|l| l.meta().id.clone())
        .collect();
    assert_eq!(
        ids.iter().filter(|i| *i == "ofac-sdn").count(),
        1,
        "{ids:?}"
    );
    assert!(!ids.iter().any(|i| i == "2025-11-19"), "{ids:?}");
    let v = live.check("TAQPzv9941nVuTj4ng2vd6L11Re57r42pW").unwrap();
    assert!(
        !v.verdict.is_hit(),
        "served by the fetched list only: {v:?}"
    );

    // The batch binary: refused by the shrink guard, with the bundled list.
    let screen = common::example::example("screen");
    let r = common::example::run(
        screen,
        &["--fetch", path],
        b"123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("list \"ofac-sdn\" would shrink from 1052 to 747"),
        "{}",
        r.stderr
    );
    // Without the bundled lists, it is the ofac-sdn list.
    let r = common::example::run(
        screen,
        &["--fetch", path, "--no-bundled", "--format", "jsonl"],
        b"123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX\n",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(v["matches"][0]["list"], "ofac-sdn", "{v}");
}
