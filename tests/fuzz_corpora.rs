//! Replays the fuzz corpora as ordinary tests: every file of
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes through the
//! invariant its fuzz target checks (`fuzz/invariants.rs`, the same code), so
//! that the targets cannot rot and every crash found stays fixed. Needs no
//! nightly and no cargo-fuzz; how to fuzz is in `FUZZING.md`.

#[path = "../fuzz/invariants.rs"]
mod invariants;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// The fuzz targets, each replayed by a test below.
const TARGETS: &[&str] = &[
    "address",
    "list_csv",
    "list_text",
    "ofac_sdn_xml",
    "ofac_advanced",
    "ofac_enhanced",
    "ofac_csv",
    "snapshot",
    "scan",
    "compiled",
    "history",
];

#[path = "support/corpus.rs"]
mod corpus;
use corpus::files;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = files(&root.join("corpus").join(target));
    assert!(
        !corpus.is_empty(),
        "no corpus for fuzz target {target} in fuzz/corpus/{target}"
    );
    let mut failed = Vec::new();
    let all = corpus
        .iter()
        .chain(&files(&root.join("regressions").join(target)))
        .cloned()
        .collect::<Vec<_>>();
    for path in &all {
        let data = std::fs::read(path).expect("read corpus file");
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: invariant broken by {} of {} inputs: {failed:#?}",
        failed.len(),
        all.len()
    );
}

#[test]
fn every_target_has_a_corpus_and_an_invariant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut names: Vec<String> = files(&root)
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect();
    names.sort();
    let mut known = TARGETS.to_vec();
    // Replayed by another package's tests (this one does not depend on it).
    for (target, replayed_by) in REPLAYED_ELSEWHERE {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(replayed_by);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text.contains(&format!("corpus/{target}")),
            "{target}: {replayed_by} does not replay fuzz/corpus/{target}"
        );
        known.push(target);
    }
    known.sort_unstable();
    assert_eq!(names, known, "fuzz targets vs the replay table");
}

/// Fuzz targets whose corpus another package's tests replay: the
/// service's (`server`, replayed by the server's own tests).
const REPLAYED_ELSEWHERE: &[(&str, &str)] = &[("server", "server/tests/fuzz_server.rs")];

#[test]
fn history_corpus() {
    replay("history", invariants::history);
}

#[test]
fn scan_corpus() {
    replay("scan", invariants::scan);
}

#[test]
fn address_corpus() {
    replay("address", invariants::address);
}

#[test]
fn list_csv_corpus() {
    replay("list_csv", invariants::list_csv);
}

#[test]
fn list_text_corpus() {
    replay("list_text", invariants::list_text);
}

#[test]
fn ofac_sdn_xml_corpus() {
    replay("ofac_sdn_xml", invariants::ofac_sdn_xml);
}

#[test]
fn ofac_advanced_corpus() {
    replay("ofac_advanced", invariants::ofac_advanced);
}

#[test]
fn ofac_enhanced_corpus() {
    replay("ofac_enhanced", invariants::ofac_enhanced);
}

#[test]
fn ofac_csv_corpus() {
    replay("ofac_csv", invariants::ofac_csv);
}

#[test]
fn snapshot_corpus() {
    replay("snapshot", invariants::snapshot);
}

#[test]
fn compiled_corpus() {
    replay("compiled", invariants::compiled);
}

/// Writes the seed corpora (`seed-*` files) into `fuzz/corpus/<target>/`
/// from the repository's fixtures: list files, addresses of every family,
/// small OFAC files of each format written by `tests/support/ofac_gen.rs`,
/// snapshots. Run once before fuzzing (FUZZING.md):
/// `cargo test --test fuzz_corpora -- --ignored write_seed_corpora`.
#[test]
#[ignore = "writes fuzz/corpus; run by hand, see FUZZING.md"]
fn write_seed_corpora() {
    seeds::write_all();
}

#[path = "support/ofac_gen.rs"]
mod ofac_gen;

mod seeds {
    use super::invariants::COMMENTS_SEPARATOR;
    use super::ofac_gen::{self, Bulk, Doc, Name, Party};
    use std::path::Path;
    use walletscreen::list::Format;
    use walletscreen::snapshot::Snapshot;
    use walletscreen::{Category, List, ListMeta};

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn put(target: &str, name: &str, data: &[u8]) {
        let dir = root().join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }

    /// The first `n` lines of a file (its header included).
    fn head(data: &[u8], n: usize) -> Vec<u8> {
        let text = String::from_utf8_lossy(data);
        text.lines()
            .take(n)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into_bytes()
    }

    fn text_files() -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for dir in ["tests/fixtures/0xb10c", "tests/fixtures/attributed"] {
            let mut paths: Vec<_> = std::fs::read_dir(root().join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            paths.sort();
            for p in paths {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, head(&std::fs::read(&p).unwrap(), 40)));
            }
        }
        out.push((
            "sample-addresses.txt".into(),
            read("examples/sample-addresses.txt"),
        ));
        out
    }

    /// A small publication: the first parties of the bundled list (one
    /// per ticker family), one party with enough addresses for `sdn.csv`
    /// to cut its remarks, and the synthetic party.
    fn docs() -> Vec<(&'static str, Doc)> {
        let list = List::from_bytes(&read("lists/ofac_sdn.csv"), ListMeta::default()).unwrap();
        let mut parties: Vec<Party> = Vec::new();
        for e in list.entries() {
            let id: u64 = e
                .provenance
                .entity_id
                .as_deref()
                .unwrap_or("1")
                .parse()
                .unwrap_or(1);
            let i = match parties.iter().position(|p| p.id == id) {
                Some(i) => i,
                None => {
                    parties.push(Party {
                        id,
                        name: Name::Entity(e.provenance.entity.clone().unwrap_or_default()),
                        programs: e.provenance.programs.clone(),
                        listed: e
                            .provenance
                            .listed
                            .clone()
                            .unwrap_or_else(|| "2020-01-01".into()),
                        addresses: Vec::new(),
                        aliases: vec!["AKA & CO".into()],
                        features: vec![("Website".into(), "www.example.invalid".into())],
                    });
                    parties.len() - 1
                }
            };
            parties[i]
                .addresses
                .push((e.address.clone(), e.provenance.tickers.clone()));
        }
        let small = |p: &Party, n: usize| Party {
            addresses: p.addresses.iter().take(n).cloned().collect(),
            ..p.clone()
        };
        let big = parties.iter().max_by_key(|p| p.addresses.len()).unwrap();
        let varied: Vec<Party> = parties
            .iter()
            .filter(|p| {
                p.addresses
                    .iter()
                    .any(|(_, t)| t.iter().any(|t| t != "XBT"))
            })
            .take(3)
            .map(|p| small(p, 3))
            .collect();
        let doc = |parties: Vec<Party>| Doc {
            publish: "2026-08-08".into(),
            parties,
        };
        vec![
            ("one", doc(vec![small(&parties[0], 2)])),
            (
                "varied",
                doc([varied, vec![ofac_gen::synthetic_party()]].concat()),
            ),
            ("cut", doc(vec![small(big, 40)])),
            ("empty", doc(Vec::new())),
        ]
    }

    pub fn write_all() {
        // address: every family, listed or not, spelled in several ways.
        let fbi = read("lists/fbi_dprk.csv");
        let ofac = read("lists/ofac_sdn.csv");
        let mut addrs: Vec<String> = Vec::new();
        for data in [&fbi, &ofac] {
            let l = List::from_bytes(data, ListMeta::default()).unwrap();
            let mut seen_tickers: Vec<String> = Vec::new();
            for e in l.entries() {
                let key = format!("{:?}{:?}", e.provenance.tickers, e.parsed().map(|a| a.kind));
                if !seen_tickers.contains(&key) {
                    seen_tickers.push(key);
                    addrs.push(e.address.clone());
                }
            }
        }
        for a in addrs.clone() {
            addrs.push(format!("bitcoin:{a}?amount=1"));
            addrs.push(format!(" \u{200b}{}\n", a.to_ascii_uppercase()));
        }
        addrs.extend(
            [
                "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=1",
                "BCHTEST:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A",
                "ethereum:pay-0x52908400098527886E0F7030069857D2E4169EE7@1/transfer",
                "41a614f803b6fd780986a42c78ec9c7f77e6ded13c",
                "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
                "bnb1grpf0955h0ykzq3ar5nmum7y6gdfl6lxfn46h2",
                "4Ly2nJfZdqR6SfzxkLxhsQN1CXJ2LF2bN5J8tqtU4S3D",
                "０ｘ５２９０８４００００９８５２７８８６Ｅ０Ｆ７０３００６９８５７Ｄ２Ｅ４１６９ＥＥ７",
                "litecoin://LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb",
                "NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001",
            ]
            .map(str::to_owned),
        );
        for (i, a) in addrs.iter().enumerate() {
            put("address", &format!("{i:03}"), a.as_bytes());
        }

        // Our list formats.
        put("list_csv", "fbi_dprk.csv", &head(&fbi, 20));
        put("list_csv", "ofac_sdn.csv", &head(&ofac, 30));
        put(
            "list_csv",
            "quoted-crlf.csv",
            b"# id: x\r\n# as_of: 2024-01-01\r\naddress,tickers,entity\r\n\"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\",\"XBT;BTC\",\"A, \"\"B\"\"\"\r\n,,\r\n",
        );
        put(
            "list_csv",
            "address-only.csv",
            b"Address\nx\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n",
        );
        // User exports (issue 13): every shape of tests/fixtures/exports.
        let exports = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports");
        for path in crate::files(&exports) {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.ends_with(".py") || name.ends_with(".md") || name == "expected.json" {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            put("list_csv", &format!("export-{name}"), &data);
            if name.ends_with(".txt") {
                put("list_text", &format!("export-{name}"), &data);
            }
        }
        for (name, data) in text_files() {
            put("list_text", &name, &data);
        }
        put(
            "list_text",
            "comments.txt",
            "# id: t\n# category: attributed\n\n\u{feff}0x52908400098527886E0F7030069857D2E4169EE7  # c\n\tx#y\n".as_bytes(),
        );

        // OFAC formats, small.
        for (name, doc) in docs() {
            put(
                "ofac_sdn_xml",
                &format!("{name}.xml"),
                ofac_gen::sdn_xml(&doc).as_bytes(),
            );
            put(
                "ofac_advanced",
                &format!("{name}.xml"),
                ofac_gen::advanced_xml(&doc, ofac_gen::NS_ADVANCED_2024, 1000, Bulk::default())
                    .as_bytes(),
            );
            put(
                "ofac_advanced",
                &format!("{name}.old-namespace.xml"),
                ofac_gen::advanced_xml(&doc, ofac_gen::NS_ADVANCED_OLD, 7_000, Bulk::default())
                    .as_bytes(),
            );
            put(
                "ofac_enhanced",
                &format!("{name}.xml"),
                ofac_gen::enhanced_xml(&doc).as_bytes(),
            );
            let (sdn, comments) = ofac_gen::sdn_csv(&doc);
            put("ofac_csv", &format!("{name}.csv"), &sdn);
            put(
                "ofac_csv",
                &format!("{name}+comments.csv"),
                &[&sdn[..], COMMENTS_SEPARATOR, &comments[..]].concat(),
            );
        }

        // Snapshots: whole files (magic first) and bare payloads (the
        // target frames them).
        let lists = [
            List::from_bytes_as(&head(&fbi, 12), Format::Csv, ListMeta::default()).unwrap(),
            List::from_bytes_as(
                b"x\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n",
                Format::Text,
                ListMeta::new("t", Category::Custom),
            )
            .unwrap(),
        ];
        let mut s = Snapshot::new(lists.to_vec());
        s.attributes.insert("etag".into(), "\"abc\"".into());
        // Compiled images of the same lists, and of none.
        let mut b = walletscreen::ScreenerBuilder::new();
        for l in &lists {
            b.list(l.clone());
        }
        put("compiled", "two.wsidx", b.build().unwrap().compiled_bytes());
        let empty = walletscreen::ScreenerBuilder::new().build().unwrap();
        put("compiled", "empty.wsidx", empty.compiled_bytes());
        for (name, snap) in [("two", s), ("empty", Snapshot::new(Vec::new()))] {
            let bytes = snap.to_bytes();
            put("snapshot", &format!("{name}.snap"), &bytes);
            put(
                "snapshot",
                &format!("{name}.payload"),
                &bytes[20..bytes.len() - 32],
            );
        }
    }
}
