//! OFAC's own files: the four parsers agree on the same content, the
//! `sdn.csv` merge recovers what `sdn.csv` alone loses (real 2024-05-03
//! files, counts of the source data's STATS.md, reproduced in
//! `tests/fixtures/README.md`), unknown tickers are kept, bad input is a
//! typed error with its position, no prefix or damaged copy of a file makes
//! a parser panic or lets a partial list through, and `refresh` rebuilds the
//! bundled list reproducibly.
//!
//! The XML fixtures (and a generated `sdn.csv` pair) are written by
//! `tests/support/ofac_gen.rs` from the 961 addresses of the bundled list of
//! 2026-08-08 (kept as `tests/fixtures/lists/ofac_sdn_2026-08-08.csv`);
//! see `tests/fixtures/ofac/README.md`. Regenerate them with
//! `OFAC_FIXTURES_REGENERATE=1 cargo test --test ofac`.

#[path = "support/ofac_gen.rs"]
mod ofac_gen;

use std::collections::{BTreeMap, BTreeSet};

use ofac_gen::{Bulk, Doc, Name, Party};
use proptest::prelude::*;
use serde_json::Value;
use walletscreen::list::Format;
use walletscreen::list::ofac::{
    self, EncodingProblem, FileKind, FileRole, OfacError, OfacFile, OfacFormat, OfacWarning,
    StructureProblem,
};
use walletscreen::{Category, List, ListMeta, LoadError, Screener, Verdict};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/");
const OFAC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ofac/");
const GENERATED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ofac/generated/"
);

/// The publish date of the generated fixtures: the `as_of` of the bundled
/// list.
const PUBLISH: &str = "2026-08-08";
/// The synthetic address under the unknown code `NEW`.
const NEW_ADDRESS: &str = "NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001";

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn meta() -> ListMeta {
    ListMeta::new("ofac", Category::Custom)
}

// ---------------------------------------------------------------------------
// The content: the bundled list's 961 addresses, plus one synthetic party
// ---------------------------------------------------------------------------

/// The parties of `tests/fixtures/naughtylist/all_addresses.json` (the
/// immutable origin of the list of 2026-08-08
/// (`tests/fixtures/lists/ofac_sdn_2026-08-08.csv`), same 961 rows in the same
/// order; `tests/lists.rs` checks they agree), grouped by entity in order
/// of first appearance, then the synthetic party.
fn doc() -> Doc {
    let v: Value = serde_json::from_slice(&read(&format!(
        "{ROOT}tests/fixtures/naughtylist/all_addresses.json"
    )))
    .unwrap();
    let mut parties: Vec<Party> = Vec::new();
    for r in v["addresses"].as_array().unwrap() {
        let s = |k: &str| r[k].as_str().unwrap().to_owned();
        let list = |k: &str| -> Vec<String> {
            r[k].as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect()
        };
        let id = r["entity_id"].as_u64().unwrap();
        let i = match parties.iter().position(|p| p.id == id) {
            Some(i) => i,
            None => {
                parties.push(Party {
                    id,
                    name: Name::Entity(s("entity_name")),
                    programs: list("programs"),
                    listed: s("date_listed"),
                    addresses: Vec::new(),
                    aliases: Vec::new(),
                    features: Vec::new(),
                });
                parties.len() - 1
            }
        };
        parties[i]
            .addresses
            .push((s("address"), list("ofac_tickers")));
    }
    parties.push(ofac_gen::synthetic_party());
    Doc {
        publish: PUBLISH.to_owned(),
        parties,
    }
}

/// The generated fixtures: (file name, content).
fn generate(doc: &Doc) -> Vec<(&'static str, Vec<u8>)> {
    let (sdn, comments) = ofac_gen::sdn_csv(doc);
    vec![
        ("SDN.XML", ofac_gen::sdn_xml(doc).into_bytes()),
        (
            "SDN_ADVANCED.XML",
            ofac_gen::advanced_xml(doc, ofac_gen::NS_ADVANCED_2024, 1000, Bulk::default())
                .into_bytes(),
        ),
        (
            "SDN_ADVANCED.old-namespace.XML",
            ofac_gen::advanced_xml(doc, ofac_gen::NS_ADVANCED_OLD, 7_000_000, Bulk::default())
                .into_bytes(),
        ),
        ("SDN_ENHANCED.XML", ofac_gen::enhanced_xml(doc).into_bytes()),
        ("sdn.csv", sdn),
        ("sdn_comments.csv", comments),
    ]
}

/// The committed generated fixture `name`.
fn fixture(name: &str) -> Vec<u8> {
    read(&format!("{GENERATED}{name}"))
}

/// The generated fixtures, parsed: (name, file).
fn parsed_fixtures() -> Vec<(&'static str, OfacFile)> {
    let comments = fixture("sdn_comments.csv");
    [
        "SDN.XML",
        "SDN_ADVANCED.XML",
        "SDN_ADVANCED.old-namespace.XML",
        "SDN_ENHANCED.XML",
        "sdn.csv",
    ]
    .into_iter()
    .map(|name| {
        let bytes = fixture(name);
        let c = (name == "sdn.csv").then_some(comments.as_slice());
        let f = ofac::parse(&bytes, c).unwrap_or_else(|e| panic!("{name}: {e}"));
        (name, f)
    })
    .collect()
}

#[test]
fn generated_fixtures_are_up_to_date() {
    let regenerate = std::env::var_os("OFAC_FIXTURES_REGENERATE").is_some();
    for (name, bytes) in generate(&doc()) {
        let path = format!("{GENERATED}{name}");
        if regenerate {
            std::fs::create_dir_all(GENERATED).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        } else {
            assert!(
                read(&path) == bytes,
                "{path} differs from what tests/support/ofac_gen.rs writes; regenerate with \
                 OFAC_FIXTURES_REGENERATE=1 cargo test --test ofac"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Agreement
// ---------------------------------------------------------------------------

/// (entity id, address) → (tickers, entity, programs, listed).
type Content =
    BTreeMap<(String, String), (Vec<String>, Option<String>, Vec<String>, Option<String>)>;

fn content(f: &OfacFile, with_dates: bool) -> Content {
    let mut out = Content::new();
    for e in &f.entries {
        let old = out.insert(
            (e.entity_id.clone(), e.address.clone()),
            (
                e.tickers.clone(),
                e.entity.clone(),
                e.programs.clone(),
                e.listed.clone().filter(|_| with_dates),
            ),
        );
        assert!(old.is_none(), "{e:?} twice");
    }
    out
}

fn expected(doc: &Doc, with_dates: bool) -> Content {
    let mut out = Content::new();
    for p in &doc.parties {
        for (a, t) in &p.addresses {
            out.insert(
                (p.id.to_string(), a.clone()),
                (
                    t.clone(),
                    Some(p.name.full()),
                    p.programs.clone(),
                    Some(p.listed.clone()).filter(|_| with_dates),
                ),
            );
        }
    }
    out
}

#[test]
fn all_parsers_agree_on_the_bundled_addresses() {
    let doc = doc();
    let files = parsed_fixtures();
    assert_eq!(files.len(), 5);
    for (name, f) in &files {
        let dated = matches!(f.format, OfacFormat::AdvancedXml | OfacFormat::EnhancedXml);
        assert_eq!(content(f, dated), expected(&doc, dated), "{name}");
        assert_eq!(f.entries.len(), 962, "{name}: 961 bundled + 1 synthetic");
        let publish = (f.format != OfacFormat::SdnCsv).then_some(PUBLISH);
        assert_eq!(f.publish_date.as_deref(), publish, "{name}");
        // The one warning: the unknown code of the synthetic party.
        match &f.warnings[..] {
            [
                OfacWarning::UnknownTicker {
                    ticker,
                    address,
                    entity_id,
                    ..
                },
            ] => assert_eq!(
                (ticker.as_str(), address.as_str(), entity_id.as_str()),
                ("NEW", NEW_ADDRESS, "99999001"),
                "{name}"
            ),
            w => panic!("{name}: {w:?}"),
        }
    }
    // File order too: every XML format lists entries in the same order.
    let order =
        |f: &OfacFile| -> Vec<String> { f.entries.iter().map(|e| e.address.clone()).collect() };
    for (name, f) in &files[1..] {
        assert_eq!(order(f), order(&files[0].1), "{name}");
    }
    // And the same as the bundled list, address by address.
    let bundled = List::from_path(format!(
        "{ROOT}tests/fixtures/lists/ofac_sdn_2026-08-08.csv"
    ))
    .unwrap();
    let bundled_entries: Vec<walletscreen::Entry> = bundled.entries().collect();
    let addresses: BTreeSet<&str> = bundled_entries.iter().map(|e| e.address.as_str()).collect();
    let parsed: BTreeSet<&str> = files[0]
        .1
        .entries
        .iter()
        .map(|e| e.address.as_str())
        .filter(|a| *a != NEW_ADDRESS)
        .collect();
    assert_eq!(parsed, addresses);
    assert_eq!(addresses.len(), 961);
}

#[test]
fn positions_point_at_the_address() {
    for (name, f) in parsed_fixtures() {
        let bytes = fixture(name);
        for e in &f.entries {
            let p = e.position;
            let line = String::from_utf8_lossy(&bytes)
                .lines()
                .nth(p.line - 1)
                .unwrap()
                .to_owned();
            if f.format == OfacFormat::SdnCsv {
                // The entity's record (the address may be in the comments).
                assert!(
                    line.starts_with(&format!("{},", e.entity_id)),
                    "{name}: {line}"
                );
            } else {
                assert!(
                    line.contains(&e.address),
                    "{name}: {:?} not on line {}",
                    e.address,
                    p.line
                );
                assert_eq!(
                    &bytes[p.offset..p.offset + e.address.len()],
                    e.address.as_bytes()
                );
            }
            assert_eq!(p.file, FileRole::Main);
        }
    }
}

/// A UTF-8 byte-order mark is accepted, and counted in positions.
#[test]
fn byte_order_mark_keeps_positions_exact() {
    for (name, bytes, comments) in mini_files() {
        let plain = ofac::parse(&bytes, comments.as_deref()).unwrap();
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&bytes);
        let f = ofac::parse(&with_bom, comments.as_deref()).unwrap();
        assert_eq!(f.entries.len(), plain.entries.len(), "{name}");
        for (a, b) in f.entries.iter().zip(&plain.entries) {
            assert_eq!(a.position.offset, b.position.offset + 3, "{name}");
            assert_eq!(a.position.line, b.position.line, "{name}");
        }
        // A cut file with a BOM is still truncated, at its true end.
        let cut = &with_bom[..with_bom.len() - 5];
        match ofac::parse(cut, comments.as_deref()) {
            Err(OfacError::Truncated { position, .. }) => assert_eq!(position.offset, cut.len()),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn lists_from_every_format() {
    let comments = fixture("sdn_comments.csv");
    for (name, f) in parsed_fixtures() {
        let bytes = fixture(name);
        let list = if f.format == OfacFormat::SdnCsv {
            List::from_ofac_csv(&bytes, &comments, meta()).unwrap()
        } else {
            List::from_bytes(&bytes, meta()).unwrap()
        };
        let m = list.meta();
        assert_eq!(m.category, Category::Sanctioned, "{name}");
        // The id is the content's (an SDN publication), not the default's.
        assert_eq!(m.id, "ofac-sdn", "{name}");
        assert_eq!(f.list, ofac::OfacList::Sdn, "{name}");
        assert_eq!(list.ofac_origin(), Some((f.format, f.list)), "{name}");
        let publish = (f.format != OfacFormat::SdnCsv).then(|| PUBLISH.to_owned());
        assert_eq!(m.as_of, publish, "{name}");
        assert_eq!(m.source.as_deref(), Some(f.format.url()), "{name}");
        assert_eq!(list.entries().len(), 962, "{name}");
        // Validated, flagged, never dropped: the 64-hex XMR "address" and
        // the synthetic one are kept with their issue.
        let flagged: Vec<String> = list.flagged().map(|e| e.address).collect();
        let flagged: BTreeSet<&str> = flagged.iter().map(String::as_str).collect();
        assert!(flagged.contains(NEW_ADDRESS), "{name}");
        assert!(
            flagged.contains("5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"),
            "{name}"
        );
        for (o, e) in f.entries.iter().zip(list.entries()) {
            assert_eq!(e.address, o.address);
            assert_eq!(e.line, o.position.line);
            assert_eq!(
                e.provenance.entity_id.as_deref(),
                Some(o.entity_id.as_str())
            );
            assert_eq!(e.provenance.source.as_deref(), Some(f.format.url()));
        }
        // The forced format agrees with detection.
        if f.format != OfacFormat::SdnCsv {
            let forced = List::from_bytes_as(&bytes, Format::Ofac(f.format), meta()).unwrap();
            assert_eq!(forced.entries(), list.entries(), "{name}");
        }
        // And it screens.
        let s = Screener::builder().list(list).build().unwrap();
        match s.check("bitcoin:123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX") {
            Verdict::Hit(h) => {
                let e = &h.matches().next().unwrap().to_entry();
                assert_eq!(
                    e.provenance.entity.as_deref(),
                    Some("Hydra Market"),
                    "{name}"
                );
                assert_eq!(e.provenance.entity_id.as_deref(), Some("36216"), "{name}");
                assert_eq!(e.provenance.programs, ["CYBER2"], "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert!(s.check(NEW_ADDRESS).is_hit(), "{name}");
    }
}

#[test]
fn reference_ids_differ_between_the_two_advanced_fixtures() {
    // The parser resolves feature types by text: the two files share no
    // FeatureType id, and parse the same.
    let ids = |name: &str| -> BTreeSet<String> {
        let s = String::from_utf8(fixture(name)).unwrap();
        s.split("<FeatureType ID=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().to_owned())
            .collect()
    };
    let a = ids("SDN_ADVANCED.XML");
    let b = ids("SDN_ADVANCED.old-namespace.XML");
    assert_eq!(a.len(), 27);
    assert!(a.is_disjoint(&b));
    let old = String::from_utf8(fixture("SDN_ADVANCED.old-namespace.XML")).unwrap();
    assert!(old.contains("xmlns=\"http://www.un.org/sanctions/1.0\""));
}

// ---------------------------------------------------------------------------
// The real sdn.csv (2024-05-03) and sdn_comments.csv
// ---------------------------------------------------------------------------

fn real(name: &str) -> Vec<u8> {
    read(&format!("{OFAC_DIR}{name}"))
}

/// Distinct (ticker, address) pairs.
fn pairs(f: &OfacFile) -> BTreeSet<(String, String)> {
    f.entries
        .iter()
        .flat_map(|e| e.tickers.iter().map(|t| (t.clone(), e.address.clone())))
        .collect()
}

fn fragments(f: &OfacFile) -> Vec<&str> {
    f.warnings
        .iter()
        .filter_map(|w| match w {
            OfacWarning::RemarksCut {
                fragment: Some(fr), ..
            } => Some(fr.as_str()),
            _ => None,
        })
        .collect()
}

fn per_ticker(p: &BTreeSet<(String, String)>) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for (t, _) in p {
        *out.entry(t.as_str()).or_default() += 1;
    }
    out
}

/// STATS.md, section B, "sdn.csv (jackdwyer, OFAC download of 2024-05-03)":
/// 294 "Digital Currency Address" occurrences, 293 unique (ticker, address)
/// pairs. Those counts read the text up to the 1,000-character cut, so they
/// include the 6 XBT fragments at a cut; the parser reports those as
/// `RemarksCut` fragments instead of addresses.
#[test]
fn real_sdn_csv_alone_matches_stats_and_reports_its_cuts() {
    let f = ofac::parse(&real("sdn.csv"), None).unwrap();
    assert_eq!(f.format, OfacFormat::SdnCsv);
    let p = pairs(&f);
    let frags = fragments(&f);
    assert_eq!(
        frags,
        [
            "1Gq",
            "1B64QRxf",
            "3",
            "1B11Ezqg3AXj",
            "3F6bbvS1krsc1qR8FsbTDfYQyvkMm",
            "1N6XqS"
        ]
    );
    assert_eq!(p.len() + frags.len(), 293);
    let occurrences: usize = f.entries.iter().map(|e| e.tickers.len()).sum();
    assert_eq!(occurrences + frags.len(), 294);
    // Per code, as in STATS.md (the fragments are all XBT).
    let stats = [
        ("ARB", 1),
        ("BCH", 2),
        ("BSC", 1),
        ("BTG", 1),
        ("DASH", 3),
        ("ETC", 1),
        ("ETH", 49),
        ("LTC", 4),
        ("TRX", 4),
        ("USDC", 2),
        ("USDT", 17),
        ("XBT", 202 - 6),
        ("XMR", 3),
        ("XVG", 1),
        ("ZEC", 2),
    ];
    assert_eq!(per_ticker(&p), stats.into_iter().collect());
    // 18 remarks are cut at 1,000 characters; without sdn_comments.csv
    // every one is a data-loss warning, and no list comes out.
    let cuts = f
        .warnings
        .iter()
        .filter(|w| matches!(w, OfacWarning::RemarksCut { .. }))
        .count();
    assert_eq!(cuts, 18);
    assert!(f.warnings.iter().all(OfacWarning::is_data_loss));
    match List::from_bytes(&real("sdn.csv"), meta()) {
        Err(LoadError::Ofac(OfacError::Incomplete {
            position,
            warning,
            count: 18,
        })) => {
            assert_eq!((position.line, position.offset), (3342, 670829));
            assert!(
                matches!(*warning, OfacWarning::RemarksCut { ref entity_id, .. } if entity_id == "17018")
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Merged by entity number with the 2023-12-22 `sdn_comments.csv`, the
/// addresses sdn.csv loses come back: the 203 of STATS.md's
/// "sdn_comments.csv (moov-io/watchman copy, committed 2023-12-22)" table
/// (ETH 83, USDT 1, XBT 118, XRP 1), plus 3 that straddle the cut and that
/// neither file holds whole. STATS.md's union (496) counts both files'
/// text separately: 496 − 6 fragments + 3 straddling = 493.
#[test]
fn real_merge_recovers_what_sdn_csv_alone_loses() {
    let alone = ofac::parse(&real("sdn.csv"), None).unwrap();
    let merged = ofac::parse(&real("sdn.csv"), Some(&real("sdn_comments_2023-12-22.csv"))).unwrap();
    let (a, m) = (pairs(&alone), pairs(&merged));
    assert!(a.is_subset(&m));
    assert_eq!(m.len(), 493);
    let recovered: BTreeSet<_> = m.difference(&a).cloned().collect();
    assert_eq!(recovered.len(), 206);
    let straddling: BTreeSet<(String, String)> = [
        ("ETH", "0x4736dCf1b7A3d580672CcE6E7c65cd5cc9cFBa9D"),
        ("XBT", "1B11Ezqg3AXjFhMdRq5UpPDpNyriYNVtkn"),
        ("XBT", "3M7CGBPUJwXXSroWuZ6H5jiprdKCyf7V5M"),
    ]
    .into_iter()
    .map(|(t, x)| (t.to_owned(), x.to_owned()))
    .collect();
    assert!(straddling.is_subset(&recovered));
    let from_comments: BTreeSet<_> = recovered.difference(&straddling).cloned().collect();
    assert_eq!(
        per_ticker(&from_comments),
        [("ETH", 83), ("USDT", 1), ("XBT", 118), ("XRP", 1)]
            .into_iter()
            .collect()
    );
    assert_eq!(496 - 6 + 3, m.len());
    // Whole addresses, not fragments: every recovered one validates.
    for (t, x) in &recovered {
        assert!(walletscreen::address::parse(x).is_ok(), "{t} {x}");
    }
    // This comments file is a test excerpt (13 rows), not the one published
    // with this sdn.csv: 8 cut remarks stay uncontinued, 3 rows are for
    // entities delisted since. So the pair is refused as a list.
    let kinds = |f: &OfacFile| -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for w in &f.warnings {
            let k = match w {
                OfacWarning::RemarksCut { .. } => "cut",
                OfacWarning::OrphanComment { .. } => "orphan",
                OfacWarning::CommentWithoutCut { .. } => "without cut",
                other => panic!("{other:?}"),
            };
            *out.entry(k).or_default() += 1;
        }
        out
    };
    assert_eq!(
        kinds(&merged),
        [("cut", 8), ("orphan", 3)].into_iter().collect()
    );
    assert!(matches!(
        List::from_ofac_csv(
            &real("sdn.csv"),
            &real("sdn_comments_2023-12-22.csv"),
            meta()
        ),
        Err(LoadError::Ofac(OfacError::Incomplete { count: 8, .. }))
    ));
    // The 2025-12-24 comments are from another publication: their rows for
    // entities whose 2024 remarks were not cut are reported and ignored.
    let other = ofac::parse(&real("sdn.csv"), Some(&real("sdn_comments_2025-12-24.csv"))).unwrap();
    assert_eq!(
        kinds(&other),
        [("cut", 1), ("orphan", 6), ("without cut", 5)]
            .into_iter()
            .collect()
    );
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

/// A small publication: two bundled parties (Hydra Market cut down to 18
/// addresses, so that its `sdn.csv` remarks are still cut and continued)
/// and the synthetic one.
fn mini_doc() -> Doc {
    let mut d = doc();
    let synthetic = d.parties.pop().unwrap();
    d.parties.truncate(2);
    d.parties[0].addresses.truncate(18);
    d.parties[1].addresses.truncate(3);
    d.parties.push(synthetic);
    assert!(ofac_gen::remarks(&d.parties[0]).len() > 1000);
    d
}

/// (name, main file, `sdn_comments.csv` if any).
type Files = Vec<(&'static str, Vec<u8>, Option<Vec<u8>>)>;

/// The mini publication in every format.
fn mini_files() -> Files {
    let d = mini_doc();
    let (sdn, comments) = ofac_gen::sdn_csv(&d);
    vec![
        ("SDN.XML", ofac_gen::sdn_xml(&d).into_bytes(), None),
        (
            "SDN_ADVANCED.XML",
            ofac_gen::advanced_xml(&d, ofac_gen::NS_ADVANCED_2024, 1000, Bulk::default())
                .into_bytes(),
            None,
        ),
        (
            "SDN_ENHANCED.XML",
            ofac_gen::enhanced_xml(&d).into_bytes(),
            None,
        ),
        ("sdn.csv", sdn, Some(comments)),
    ]
}

#[test]
fn mini_files_parse() {
    for (name, bytes, comments) in mini_files() {
        let f = ofac::parse(&bytes, comments.as_deref()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(f.entries.len(), 18 + 3 + 1, "{name}");
    }
}

/// What an error must be.
type Check = fn(&OfacError) -> bool;

/// (name, input, comments, expected error, expected (line, offset)).
type BadCase = (
    &'static str,
    Vec<u8>,
    Option<Vec<u8>>,
    Check,
    Option<(usize, usize)>,
);

fn utf16le(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn bad_cases() -> Vec<BadCase> {
    let files = mini_files();
    let adv = String::from_utf8(files[1].1.clone()).unwrap();
    let sdn_xml = String::from_utf8(files[0].1.clone()).unwrap();
    let (csv, comments) = (files[3].1.clone(), files[3].2.clone().unwrap());
    let at = |s: &str, needle: &str| s.find(needle).unwrap();
    let line_of = |s: &str, offset: usize| 1 + s[..offset].matches('\n').count();
    let cut = |s: &str, n: usize| s.as_bytes()[..n].to_vec();
    let adv_len = adv.len();
    let truncated = |n: usize| -> (Vec<u8>, Option<(usize, usize)>) {
        let b = cut(&adv, n);
        let l = line_of(&adv, n);
        (b, Some((l, n)))
    };
    let mut cases: Vec<BadCase> = Vec::new();
    // Truncated XML, cut at several points: inside the declaration, the
    // root tag, a tag name, an attribute value, text, a reference, between
    // elements, and just before the root's end tag.
    for (name, n) in [
        ("cut in declaration", 10),
        ("cut in root start tag", at(&adv, "<Sanctions") + 20),
        ("cut in a tag name", at(&adv, "<DistinctParty ") + 5),
        (
            "cut in an attribute value",
            at(&adv, "FeatureTypeID=\"") + 16,
        ),
        ("cut in an address", at(&adv, "<VersionDetail") + 40),
        ("cut in a reference", at(&adv, "&amp;") + 2),
        ("cut between elements", at(&adv, "</DistinctParties>")),
        ("cut before root end", adv_len - "</Sanctions>\n".len()),
        ("cut in root end tag", adv_len - 4),
    ] {
        let (b, pos) = truncated(n);
        cases.push((
            name,
            b,
            None,
            |e| matches!(e, OfacError::Truncated { .. }),
            pos,
        ));
    }
    let mismatched = adv.replacen("</Feature>", "</Features>", 1);
    let mis_at = at(&mismatched, "</Features>");
    cases.push((
        "mismatched end tag",
        mismatched.clone().into_bytes(),
        None,
        |e| matches!(e, OfacError::Xml { .. }),
        Some((line_of(&mismatched, mis_at), mis_at)),
    ));
    // `FeatureTypeID="1100"` → `FeatureTypeID=1100`.
    let attr_at = at(&adv, "FeatureTypeID=\"");
    let close = attr_at + 15 + at(&adv[attr_at + 15..], "\"");
    let bad_attr = format!(
        "{}{}{}",
        &adv[..attr_at + 14],
        &adv[attr_at + 15..close],
        &adv[close + 1..]
    );
    let attr_end = attr_at + at(&bad_attr[attr_at..], ">") + 1;
    cases.push((
        "malformed: unquoted attribute value",
        bad_attr.clone().into_bytes(),
        None,
        |e| matches!(e, OfacError::Xml { .. }),
        Some((line_of(&bad_attr, attr_at), attr_end)),
    ));
    let garbage_after = format!("{adv}<Sanctions/>\n");
    cases.push((
        "a second root",
        garbage_after.into_bytes(),
        None,
        |e| {
            matches!(
                e,
                OfacError::Structure {
                    problem: StructureProblem::TrailingContent,
                    ..
                }
            )
        },
        Some((line_of(&adv, adv_len), adv_len + "<Sanctions/>".len())),
    ));
    let mut invalid = adv.clone().into_bytes();
    let bad_at = at(&adv, "Hydra Market") + 2;
    invalid[bad_at] = 0xFF;
    cases.push((
        "invalid UTF-8 in a name",
        invalid,
        None,
        |e| {
            matches!(
                e,
                OfacError::Encoding {
                    problem: EncodingProblem::InvalidUtf8,
                    ..
                }
            )
        },
        Some((line_of(&adv, bad_at), bad_at)),
    ));
    cases.push((
        "UTF-16 with BOM",
        utf16le(&adv[..2000]),
        None,
        |e| {
            matches!(
                e,
                OfacError::Encoding {
                    problem: EncodingProblem::Utf16,
                    ..
                }
            )
        },
        Some((1, 0)),
    ));
    cases.push((
        "UTF-16 without BOM",
        utf16le(&adv[..2000])[2..].to_vec(),
        None,
        |e| {
            matches!(
                e,
                OfacError::Encoding {
                    problem: EncodingProblem::Utf16,
                    ..
                }
            )
        },
        Some((1, 0)),
    ));
    let latin1 = sdn_xml.replacen(
        "standalone=\"yes\"",
        "encoding=\"ISO-8859-1\" standalone=\"yes\"",
        1,
    );
    cases.push((
        "declared ISO-8859-1",
        latin1.into_bytes(),
        None,
        |e| {
            matches!(
                e,
                OfacError::Encoding {
                    problem: EncodingProblem::Declared { .. },
                    ..
                }
            )
        },
        Some((1, 60)),
    ));
    let bad_date = sdn_xml.replacen("<Publish_Date>08/08/2026", "<Publish_Date>08/32/2026", 1);
    let date_at = at(&bad_date, "</Publish_Date>") + "</Publish_Date>".len();
    cases.push((
        "impossible publish date",
        bad_date.clone().into_bytes(),
        None,
        |e| {
            matches!(
                e,
                OfacError::Structure {
                    problem: StructureProblem::BadDate { .. },
                    ..
                }
            )
        },
        Some((line_of(&bad_date, date_at), date_at)),
    ));
    let html = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\
                <body><h1>Service Unavailable</h1></body></html>\n";
    cases.push((
        "an HTML error page",
        html.as_bytes().to_vec(),
        None,
        |e| {
            matches!(
                e,
                OfacError::WrongKind {
                    found: FileKind::Html,
                    ..
                }
            )
        },
        Some((2, 16)),
    ));
    cases.push((
        "a JSON file",
        read(&format!("{ROOT}tests/fixtures/naughtylist/metadata.json")),
        None,
        |e| {
            matches!(
                e,
                OfacError::WrongKind {
                    found: FileKind::Json,
                    ..
                }
            )
        },
        Some((1, 0)),
    ));
    cases.push((
        "the UN consolidated list (XML of another kind)",
        b"<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST dateGenerated=\"2024-05-03\"><INDIVIDUALS/></CONSOLIDATED_LIST>\n".to_vec(),
        None,
        |e| matches!(e, OfacError::WrongKind { found: FileKind::Xml { root }, .. } if root == "CONSOLIDATED_LIST"),
        Some((2, 22)),
    ));
    cases.push((
        "our own CSV list",
        read(&format!("{ROOT}lists/fbi_dprk.csv")),
        None,
        |e| {
            matches!(
                e,
                OfacError::WrongKind {
                    found: FileKind::Csv,
                    ..
                }
            )
        },
        Some((1, 0)),
    ));
    cases.push((
        "sdn_comments.csv alone",
        comments.clone(),
        None,
        |e| {
            matches!(
                e,
                OfacError::WrongKind {
                    found: FileKind::SdnComments,
                    ..
                }
            )
        },
        Some((1, 0)),
    ));
    cases.push((
        "empty file",
        Vec::new(),
        None,
        |e| matches!(e, OfacError::Empty),
        None,
    ));
    cases.push((
        "whitespace and Ctrl-Z only",
        b" \r\n\x1a".to_vec(),
        None,
        |e| matches!(e, OfacError::Empty),
        None,
    ));
    // sdn.csv
    let csv_s = String::from_utf8(csv.clone()).unwrap();
    let second = at(&csv_s, "\r\n") + 2;
    let mut short = csv_s.clone();
    let field = at(&short[second..], ",-0- ") + second;
    short.replace_range(field..field + 5, "");
    cases.push((
        "sdn.csv record with 11 fields",
        short.into_bytes(),
        Some(comments.clone()),
        |e| {
            matches!(
                e,
                OfacError::Structure {
                    problem: StructureProblem::FieldCount {
                        found: 11,
                        expected: 12
                    },
                    ..
                }
            )
        },
        Some((2, second)),
    ));
    let mid = csv.len() / 2;
    cases.push((
        "sdn.csv cut in a record",
        csv[..mid].to_vec(),
        Some(comments.clone()),
        |e| matches!(e, OfacError::Truncated { .. }),
        Some((line_of(&csv_s, mid), mid)),
    ));
    let bad_num = csv_s.replacen("\r\n42496,", "\r\n42x96,", 1);
    cases.push((
        "sdn.csv with a bad entity number (second record)",
        bad_num.into_bytes(),
        Some(comments.clone()),
        |e| {
            matches!(
                e,
                OfacError::Structure {
                    problem: StructureProblem::BadEntityNumber { .. },
                    ..
                }
            )
        },
        Some((2, second)),
    ));
    cases.push((
        "sdn_comments.csv cut in a record",
        csv.clone(),
        Some(comments[..comments.len() / 2].to_vec()),
        |e| matches!(e, OfacError::Truncated { position, .. } if position.file == FileRole::Comments),
        Some((1, comments.len() / 2)),
    ));
    cases.push((
        "sdn.csv given as comments",
        csv.clone(),
        Some(csv.clone()),
        |e| {
            matches!(
                e,
                OfacError::NotComments {
                    found: FileKind::Ofac {
                        format: OfacFormat::SdnCsv
                    },
                    ..
                }
            )
        },
        Some((1, 0)),
    ));
    cases.push((
        "comments with an XML file",
        adv.clone().into_bytes(),
        Some(comments.clone()),
        |e| {
            matches!(
                e,
                OfacError::UnexpectedComments {
                    format: OfacFormat::AdvancedXml
                }
            )
        },
        None,
    ));
    cases
}

fn position_of(e: &OfacError) -> Option<(usize, usize)> {
    let p = match e {
        OfacError::WrongKind { position, .. }
        | OfacError::Encoding { position, .. }
        | OfacError::Xml { position, .. }
        | OfacError::Truncated { position, .. }
        | OfacError::Csv { position, .. }
        | OfacError::Structure { position, .. }
        | OfacError::NotComments { position, .. }
        | OfacError::Incomplete { position, .. } => position,
        _ => return None,
    };
    Some((p.line, p.offset))
}

#[test]
fn bad_input_is_a_typed_error_with_its_position() {
    for (name, bytes, comments, check, pos) in bad_cases() {
        let e = match ofac::parse(&bytes, comments.as_deref()) {
            Err(e) => e,
            Ok(f) => panic!("{name}: parsed {} entries", f.entries.len()),
        };
        assert!(check(&e), "{name}: {e:?}");
        if let Some(want) = pos {
            assert_eq!(position_of(&e), Some(want), "{name}: {e}");
        }
        // The message names the position; the source chain is intact.
        let msg = e.to_string();
        if let Some((line, offset)) = position_of(&e) {
            assert!(
                msg.contains(&format!("line {line} (byte {offset})")),
                "{name}: {msg}"
            );
        }
        if matches!(e, OfacError::Xml { .. } | OfacError::Csv { .. }) {
            assert!(std::error::Error::source(&e).is_some(), "{name}");
        }
        // No list comes out either, whichever way it is loaded.
        let list = match &comments {
            Some(c) => List::from_ofac_csv(&bytes, c, meta()),
            None => List::from_bytes(&bytes, meta()),
        };
        match list {
            Err(LoadError::Ofac(_)) => {}
            // Not recognisable as OFAC's: the UTF-8 check of our formats.
            Err(LoadError::Utf8 { line: 1, byte: 0 }) if name.starts_with("UTF-16") => {}
            // Neither markup nor OFAC-shaped: our own formats' loader
            // reads it (JSON is a list format: a single object is no list)
            // or refuses it as empty.
            Err(LoadError::Json { line: 1, .. }) if name == "a JSON file" => {}
            Err(LoadError::NoEntries { .. })
                if matches!(name, "empty file" | "whitespace and Ctrl-Z only") => {}
            Ok(_) if name == "our own CSV list" => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn missing_end_of_file_mark_refuses_the_list() {
    let (_, csv, comments) = mini_files().pop().unwrap();
    let comments = comments.unwrap();
    let unmarked = &csv[..csv.len() - 1];
    let f = ofac::parse(unmarked, Some(&comments)).unwrap();
    assert!(matches!(
        &f.warnings[..],
        [
            OfacWarning::NoEndOfFileMark { .. },
            OfacWarning::UnknownTicker { .. }
        ]
    ));
    assert!(matches!(
        List::from_ofac_csv(unmarked, &comments, meta()),
        Err(LoadError::Ofac(OfacError::Incomplete { count: 1, .. }))
    ));
    // Cut at a record boundary: the mark is what tells.
    let s = String::from_utf8(csv.clone()).unwrap();
    let boundary = s.find("\r\n").unwrap() + 2;
    assert!(List::from_ofac_csv(&csv[..boundary], &comments, meta()).is_err());
}

// ---------------------------------------------------------------------------
// Truncation and damage never panic, never let a partial list through
// ---------------------------------------------------------------------------

/// Every prefix of small files in each format fails to parse (the XML
/// ones) and to load as a list. The XML files hold one bundled party with 3
/// addresses and the synthetic one (every prefix is parsed, so they are
/// kept small); the `sdn.csv` pair is the mini publication, whose remarks
/// are cut and continued.
#[test]
fn every_prefix_of_small_files_fails() {
    let mut d = mini_doc();
    d.parties.remove(0);
    let xml = [
        ("SDN.XML", ofac_gen::sdn_xml(&d)),
        (
            "SDN_ADVANCED.XML",
            ofac_gen::advanced_xml(&d, ofac_gen::NS_ADVANCED_OLD, 1000, Bulk::default()),
        ),
        ("SDN_ENHANCED.XML", ofac_gen::enhanced_xml(&d)),
    ];
    for (name, text) in &xml {
        let bytes = text.as_bytes();
        assert_eq!(ofac::parse(bytes, None).unwrap().entries.len(), 4, "{name}");
        // Without its final newline the file is complete.
        assert!(
            ofac::parse(&bytes[..bytes.len() - 1], None).is_ok(),
            "{name}"
        );
        for n in 0..bytes.len() - 1 {
            let prefix = &bytes[..n];
            assert!(
                ofac::parse(prefix, None).is_err(),
                "{name}: the prefix of {n} bytes parsed"
            );
            // The list loader goes through the same parser (any markup is
            // its); sampled. The empty prefix is an empty plain-text list.
            if n > 0 && n % 7 == 0 {
                assert!(
                    List::from_bytes(prefix, meta()).is_err(),
                    "{name}: {n} bytes made a list"
                );
            }
        }
    }
    let (_, csv, comments) = mini_files().pop().unwrap();
    let comments = comments.unwrap();
    assert!(List::from_ofac_csv(&csv, &comments, meta()).is_ok());
    for n in 0..csv.len() {
        assert!(
            List::from_ofac_csv(&csv[..n], &comments, meta()).is_err(),
            "sdn.csv: the prefix of {n} bytes made a list"
        );
    }
    for n in 0..comments.len() {
        assert!(
            List::from_ofac_csv(&csv, &comments[..n], meta()).is_err(),
            "sdn_comments.csv: the prefix of {n} bytes made a list"
        );
    }
}

#[test]
fn sampled_prefixes_of_the_fixtures_fail() {
    for (name, f) in parsed_fixtures() {
        let bytes = fixture(name);
        let comments = (f.format == OfacFormat::SdnCsv).then(|| fixture("sdn_comments.csv"));
        let step = bytes.len() / 97 + 1;
        for n in (1..bytes.len() - 1).step_by(step) {
            let r = match &comments {
                Some(c) => List::from_ofac_csv(&bytes[..n], c, meta()),
                None => List::from_bytes(&bytes[..n], meta()),
            };
            assert!(r.is_err(), "{name}: prefix of {n} bytes");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random byte changes never panic; whatever parses is still a list of
    /// the right size or an error.
    #[test]
    fn damaged_files_never_panic(
        which in 0usize..4,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let (_, mut bytes, comments) = mini_files().swap_remove(which);
        for (i, b) in &flips {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        let _ = ofac::parse(&bytes, comments.as_deref());
        let _ = List::from_bytes(&bytes, meta());
        if let Some(c) = &comments {
            let _ = List::from_ofac_csv(&bytes, c, meta());
            let _ = List::from_ofac_csv(c, &bytes, meta());
        }
    }
}

// ---------------------------------------------------------------------------
// Refreshing lists/ofac_sdn.csv (from the list of 2026-08-08)
// ---------------------------------------------------------------------------

fn bundled_bytes() -> Vec<u8> {
    read(&format!(
        "{ROOT}tests/fixtures/lists/ofac_sdn_2026-08-08.csv"
    ))
}

fn bundled_list() -> List {
    List::from_bytes(&bundled_bytes(), ListMeta::new("x", Category::Custom)).unwrap()
}

/// From any of the fixtures (the bundled addresses plus the synthetic
/// one), `refresh` writes the list of 2026-08-08 byte for byte, plus one row.
#[test]
fn refresh_reproduces_the_bundled_list_from_every_format() {
    let previous = bundled_list();
    for (name, f) in parsed_fixtures() {
        let r = ofac::refresh(Some(&previous), &f, meta()).unwrap();
        assert!(r.removed.is_empty(), "{name}: {:?}", r.removed);
        assert!(r.changed.is_empty(), "{name}: {:?}", r.changed);
        let added: Vec<&str> = r.added.iter().map(|e| e.address.as_str()).collect();
        assert_eq!(added, [NEW_ADDRESS], "{name}");
        let mut out = Vec::new();
        r.list.write_csv(&mut out).unwrap();
        // sdn.csv and SDN.XML have no listing dates.
        let listed = if matches!(f.format, OfacFormat::SdnCsv | OfacFormat::SdnXml) {
            ""
        } else {
            "2026-08-07"
        };
        let mut want = bundled_bytes();
        want.extend_from_slice(
            format!(
                "{NEW_ADDRESS},,NEW,\"SYNTHETIC, Test Party\",99999001,SYNTHETIC-TEST,{listed},\n"
            )
            .as_bytes(),
        );
        assert!(
            out == want,
            "{name}:\n{}",
            String::from_utf8_lossy(&out[..out.len().min(1200)])
        );
        // What is written loads back to the same entries.
        let back = List::from_bytes(&out, meta()).unwrap();
        assert_eq!(back.meta(), r.list.meta(), "{name}");
        for (a, b) in back.entries().zip(r.list.entries()) {
            let mut b = b.clone();
            b.line = a.line;
            assert_eq!(a, b, "{name}");
        }
    }
}

#[test]
fn refresh_reports_what_changed() {
    let mut d = doc();
    // Delisted: the second party. Changed: the first party's programs.
    // New: one address for the third party.
    let gone = d.parties.remove(1);
    d.parties[0].programs.push("DPRK3".to_owned());
    d.parties[1].addresses.push((
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".to_owned(),
        vec!["XBT".to_owned()],
    ));
    let bytes =
        ofac_gen::advanced_xml(&d, ofac_gen::NS_ADVANCED_2024, 1000, Bulk::default()).into_bytes();
    let f = ofac::parse(&bytes, None).unwrap();
    let r = ofac::refresh(Some(&bundled_list()), &f, meta()).unwrap();
    let removed: BTreeSet<&str> = r.removed.iter().map(|e| e.address.as_str()).collect();
    let want: BTreeSet<&str> = gone.addresses.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(removed, want);
    assert!(
        r.removed
            .iter()
            .all(|e| e.provenance.entity_id.as_deref() == Some(&*gone.id.to_string()))
    );
    assert_eq!(r.changed.len(), d.parties[0].addresses.len());
    for c in &r.changed {
        assert_eq!(c.before.provenance.programs, ["CYBER2"]);
        assert_eq!(c.after.provenance.programs, ["CYBER2", "DPRK3"]);
    }
    let added: Vec<&str> = r.added.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(
        added,
        ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", NEW_ADDRESS]
    );
    assert_eq!(r.list.entries().len(), 961 - want.len() + 2);
    // Without a previous list: OFAC's metadata, file order.
    let fresh = ofac::refresh(None, &f, ListMeta::new("ofac-sdn", Category::Custom)).unwrap();
    assert_eq!(fresh.list.meta().as_of.as_deref(), Some(PUBLISH));
    assert_eq!(fresh.list.meta().category, Category::Sanctioned);
    assert_eq!(fresh.added.len(), fresh.list.entries().len());
    // An incomplete file refreshes nothing.
    assert!(matches!(
        ofac::refresh(
            Some(&bundled_list()),
            &ofac::parse(&real("sdn.csv"), None).unwrap(),
            meta()
        ),
        Err(LoadError::Ofac(OfacError::Incomplete { .. }))
    ));
}
