//! Inputs the fuzz targets (`fuzz/`, see `FUZZING.md`) found, each a named
//! case run through its target's invariant (`fuzz/invariants.rs`), so that
//! what was fixed stays fixed. The raw inputs are also kept under
//! `fuzz/regressions/<target>/`, which `tests/fuzz_corpora.rs` replays.

#[path = "../fuzz/invariants.rs"]
mod invariants;

/// (name, target invariant, input).
type Case = (&'static str, fn(&[u8]), &'static [u8]);

const CASES: &[Case] = &[
    // list_csv: a lone CR inside a metadata value. The loader's `str::lines`
    // keeps it in the value; `write_csv` writes it as a space, as its docs
    // say (no line break in metadata). Not a crate bug: the invariant's
    // round trip now expects the space.
    (
        "lone CR in a metadata value",
        invariants::list_csv,
        b"# id: x\rccc\naddress,tickers\nbc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4,XBT\n",
    ),
    // ofac_sdn_xml: form feeds (U+000C, not allowed in XML 1.0) before an
    // `idNumber`. The XML parsers trim XML whitespace only, so the address
    // keeps them; the invariant expected Unicode trimming. Harmless for
    // screening (see `form_feed_in_an_ofac_xml_address_still_matches`).
    (
        "form feeds before an SDN.XML address",
        invariants::ofac_sdn_xml,
        include_bytes!("../fuzz/regressions/ofac_sdn_xml/form-feed-before-address.xml"),
    ),
    // ofac_sdn_xml: an `sdnEntry` without `uid` (and NULs in an
    // `idNumber`) parsed, giving entries with an empty entity id. Fixed in
    // `src/list/ofac/sdn_xml.rs`: an entry with addresses and no `uid` is a
    // `StructureProblem::BadEntityNumber`.
    (
        "SDN.XML entry without uid",
        invariants::ofac_sdn_xml,
        include_bytes!("../fuzz/regressions/ofac_sdn_xml/entry-without-uid.xml"),
    ),
    // ofac_enhanced: an `entity` with `id=""` parsed, giving entries with
    // an empty entity id. Fixed in `src/list/ofac/enhanced.rs`: a blank or
    // non-numeric id is a `StructureProblem::BadId`.
    (
        "Enhanced XML entity with an empty id",
        invariants::ofac_enhanced,
        include_bytes!("../fuzz/regressions/ofac_enhanced/entity-with-empty-id.xml"),
    ),
    // list_csv: a lone CR in the list's `source`, inherited by an entry.
    // `write_csv` writes the metadata with a space for it and the entry
    // without a source, so the reloaded entry inherits the space. Not a
    // crate bug: the invariant's round trip now expects the space there.
    (
        "lone CR in a source an entry inherits",
        invariants::list_csv,
        include_bytes!("../fuzz/regressions/list_csv/lone-cr-in-source-inherited-by-entry.csv"),
    ),
];

/// An Enhanced XML `entity` with addresses and a blank or non-numeric `id`
/// is refused, as SDN.XML's missing `uid` is.
#[test]
fn enhanced_entity_with_blank_or_non_numeric_id_is_refused() {
    use walletscreen::list::ofac::{self, OfacError, OfacFormat, StructureProblem};
    let xml = include_str!("../fuzz/regressions/ofac_enhanced/entity-with-empty-id.xml");
    for id in ["", "   ", "abc", "12a"] {
        let doc = xml.replace(r#"<entity id="">"#, &format!(r#"<entity id="{id}">"#));
        let err = ofac::parse_as(doc.as_bytes(), OfacFormat::EnhancedXml, None).unwrap_err();
        assert!(
            matches!(
                err,
                OfacError::Structure {
                    problem: StructureProblem::BadId {
                        element: "entity",
                        ..
                    },
                    ..
                }
            ),
            "id {id:?}: {err:?}"
        );
    }
    let doc = xml.replace(r#"<entity id="">"#, r#"<entity id=" 36 ">"#);
    let file = ofac::parse_as(doc.as_bytes(), OfacFormat::EnhancedXml, None).unwrap();
    assert_eq!(file.entries[0].entity_id, "36");
}

/// The entry of the `list_csv` finding 5 reloads with the space
/// `write_csv` puts for the CR of the list's source.
#[test]
fn inherited_source_with_a_lone_cr_round_trips_as_a_space() {
    use walletscreen::list::Format;
    use walletscreen::{Category, List, ListMeta};
    let csv =
        include_bytes!("../fuzz/regressions/list_csv/lone-cr-in-source-inherited-by-entry.csv");
    let list = List::from_bytes_as(csv, Format::Csv, ListMeta::new("x", Category::Custom)).unwrap();
    assert_eq!(
        list.entry(0).unwrap().provenance.source.as_deref(),
        Some("a\rb")
    );
    let mut out = Vec::new();
    list.write_csv(&mut out).unwrap();
    let back =
        List::from_bytes_as(&out, Format::Csv, ListMeta::new("x", Category::Custom)).unwrap();
    assert_eq!(
        back.entry(0).unwrap().provenance.source.as_deref(),
        Some("a b")
    );
}

/// An `sdnEntry` with an address and no `uid` is refused: its addresses
/// would be listed for no entity.
#[test]
fn sdn_xml_entry_without_uid_is_refused() {
    use walletscreen::list::ofac::{self, OfacError, OfacFormat, StructureProblem};
    let xml = br#"<?xml version="1.0" standalone="yes"?>
<sdnList><publshInformation><Publish_Date>08/08/2026</Publish_Date></publshInformation>
<sdnEntry><lastName>X</lastName><idList><id><idType>Digital Currency Address - XBT</idType>
<idNumber>1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa</idNumber></id></idList></sdnEntry></sdnList>"#;
    let err = ofac::parse_as(xml, OfacFormat::SdnXml, None).unwrap_err();
    assert!(
        matches!(
            err,
            OfacError::Structure {
                problem: StructureProblem::BadEntityNumber { .. },
                ..
            }
        ),
        "{err:?}"
    );
    let with_uid = String::from_utf8_lossy(xml).replace("<lastName>", "<uid>7</uid><lastName>");
    let file = ofac::parse_as(with_uid.as_bytes(), OfacFormat::SdnXml, None).unwrap();
    assert_eq!(file.entries[0].entity_id, "7");
}

/// The address of the `ofac_sdn_xml` finding keeps its form feeds, and
/// normalization removes them, so its plain spelling is still a hit.
#[test]
fn form_feed_in_an_ofac_xml_address_still_matches() {
    use walletscreen::list::ofac::{self, OfacFormat};
    use walletscreen::{Category, List, ListMeta, Screener};
    let xml = include_bytes!("../fuzz/regressions/ofac_sdn_xml/form-feed-before-address.xml");
    let file = ofac::parse_as(xml, OfacFormat::SdnXml, None).unwrap();
    let e = file
        .entries
        .iter()
        .find(|e| e.address.ends_with("W1aS1Ny7"))
        .unwrap();
    assert!(e.address.starts_with('\u{c}'));
    assert_eq!(
        walletscreen::address::normalize(&e.address).unwrap(),
        "W1aS1Ny7"
    );
    let list = List::from_ofac(&file, ListMeta::new("f", Category::Custom)).unwrap();
    let s = Screener::builder().list(list).build().unwrap();
    assert!(s.check("W1aS1Ny7").is_hit());
}

#[test]
fn fuzz_findings_hold() {
    for (name, check, input) in CASES {
        let r = std::panic::catch_unwind(|| check(input));
        assert!(r.is_ok(), "fuzz regression {name:?} fails");
    }
}
