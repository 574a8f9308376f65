//! Every address of every real list in `tests/fixtures/` is a hit, with the
//! right provenance, quirks included (see `tests/fixtures/README.md`,
//! "Quirks worth knowing when writing tests", and `lists/README.md`).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;
use walletscreen::address::{self, AddressKind, Family, cashaddr, parse};
use walletscreen::error::ParseError;
use walletscreen::{Category, Hit, List, ListMeta, Match, Screener, Verdict, Via};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

/// A file of the repository, by path from its root.
fn read_repo(rel: &str) -> String {
    let path = format!("{ROOT}{rel}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture, by path from `tests/fixtures/`.
fn read(rel: &str) -> String {
    read_repo(&format!("tests/fixtures/{rel}"))
}

fn bundled() -> Screener {
    Screener::bundled().expect("bundled lists load")
}

#[path = "support/hex.rs"]
mod hex;

use hex::hex;

/// The hit for `query`, or a panic saying what came instead.
fn hit(s: &Screener, query: &str) -> Hit {
    match s.check(query) {
        Verdict::Hit(h) => h,
        other => panic!("{query:?}: expected a hit, got {other:?}"),
    }
}

/// The match of `hit` in list `list` whose entry is `address` exactly.
fn match_in<'h>(hit: &'h Hit, list: &str, address: &str, query: &str) -> Match<'h> {
    hit.matches()
        .find(|m| m.list() == list && m.address() == address)
        .unwrap_or_else(|| panic!("{query:?}: no match of {address} in {list}: {hit:?}"))
}

// ---------------------------------------------------------------------------
// Fixture readers
// ---------------------------------------------------------------------------

/// `naughtylist/all_addresses.json` records.
fn naughtylist() -> Vec<Value> {
    let v: Value = serde_json::from_str(&read("naughtylist/all_addresses.json")).unwrap();
    let records = v["addresses"].as_array().expect("addresses").clone();
    assert_eq!(
        v["total_address_count"].as_u64(),
        Some(records.len() as u64)
    );
    records
}

fn str_field<'a>(r: &'a Value, k: &str) -> &'a str {
    r[k].as_str()
        .unwrap_or_else(|| panic!("{k} is not a string in {r}"))
}

fn str_list(r: &Value, k: &str) -> Vec<String> {
    r[k].as_array()
        .unwrap_or_else(|| panic!("{k} is not an array in {r}"))
        .iter()
        .map(|x| x.as_str().expect("string").to_owned())
        .collect()
}

/// Non-blank, non-`#` lines of a text fixture.
fn text_lines(rel: &str) -> Vec<String> {
    read(rel)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The `- address: X` lines of a GraphSense tag pack (no yaml crate); a
/// quoted scalar (`'0x…'`, which YAML would otherwise read as a number) is
/// unquoted.
fn yaml_addresses(rel: &str) -> Vec<String> {
    read(rel)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- address:"))
        .map(|a| {
            let a = a.trim();
            a.strip_prefix('\'')
                .and_then(|a| a.strip_suffix('\''))
                .or_else(|| a.strip_prefix('"').and_then(|a| a.strip_suffix('"')))
                .unwrap_or(a)
                .to_owned()
        })
        .collect()
}

/// The value of the first `key: value` line of a yaml file or `# key: value`
/// comment line of a text or CSV file (path from the repository root).
fn header_value(rel: &str, key: &str) -> String {
    read_repo(rel)
        .lines()
        .find_map(|l| {
            l.trim_start_matches('#')
                .trim()
                .strip_prefix(key)
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("{rel}: no {key}"))
}

/// `(ticker, addresses)` of each 0xB10C per-ticker list, by ticker.
fn b10c_files() -> BTreeMap<String, (Vec<u8>, Vec<String>)> {
    let dir = format!("{FIXTURES}0xb10c");
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(ticker) = name
            .strip_prefix("sanctioned_addresses_")
            .and_then(|n| n.strip_suffix(".txt"))
        else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        let lines = String::from_utf8(bytes.clone())
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        out.insert(ticker.to_owned(), (bytes, lines));
    }
    out
}

fn b10c_list_id(ticker: &str) -> String {
    format!("0xb10c-{ticker}")
}

/// A screener over the 17 0xB10C lists, each a plain-text list.
fn b10c_screener() -> Screener {
    let mut b = Screener::builder();
    for (ticker, (bytes, lines)) in b10c_files() {
        let list = List::from_bytes(
            &bytes,
            ListMeta::new(b10c_list_id(&ticker), Category::Sanctioned),
        )
        .unwrap_or_else(|e| panic!("{ticker}: {e}"));
        assert_eq!(list.entries().len(), lines.len(), "{ticker}: lines dropped");
        b.list(list);
    }
    b.build().unwrap()
}

fn b10c_lines(ticker: &str) -> Vec<String> {
    b10c_files()
        .remove(ticker)
        .unwrap_or_else(|| panic!("no 0xB10C list for {ticker}"))
        .1
}

// ---------------------------------------------------------------------------
// Bundled lists
// ---------------------------------------------------------------------------

/// The two (code, address) pairs of the 2026-08-08 list that OFAC's
/// publication of 2026-09-30 no longer has (`tests/fixtures/bitnob/DIFF.md`):
/// FAYZIMATOV's XBT address (delisted) and the ISIL Khorasan Monero address
/// with a typo, which OFAC corrected (`l` → `1` at byte 26).
const DELISTED_XBT: &str = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C";
const XMR_TYPO: &str = "45ezvPejNsKYntjhyyeb7fbfzilsxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";
const XMR_CORRECTED: &str = "45ezvPejNsKYntjhyyeb7fbfzi1sxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";

/// A screener of the list of 2026-08-08 (`tests/fixtures/lists/`, the
/// naughtylist's rows: the bundled list before the 2026-09-30 refresh).
fn ofac_2026_08_08() -> Screener {
    let list = List::from_bytes(
        read("lists/ofac_sdn_2026-08-08.csv").as_bytes(),
        ListMeta::default(),
    )
    .unwrap();
    assert_eq!(list.meta().id, "ofac-sdn");
    Screener::builder().list(list).build().unwrap()
}

/// Every record of the naughtylist (2026-08-08) still in OFAC's publication
/// of 2026-09-30 is a hit with its metadata (the refresh keeps entity id,
/// listing date and chain); the two it no longer has are not.
#[test]
fn naughtylist_addresses_are_ofac_hits_with_their_metadata() {
    let s = bundled();
    // Rows have no `source` of their own: the list-level one applies.
    let ofac_source = header_value("lists/ofac_sdn.csv", "source:");
    let records = naughtylist();
    let mut gone = Vec::new();
    for r in &records {
        let addr = str_field(r, "address");
        if addr == DELISTED_XBT || addr == XMR_TYPO {
            assert!(!s.check(addr).is_hit(), "{addr}: {:?}", s.check(addr));
            gone.push(addr);
            continue;
        }
        let h = hit(&s, addr);
        let m = match_in(&h, "ofac-sdn", addr, addr);
        assert_eq!(m.via(), Via::Listed, "{addr}");
        assert_eq!(m.category(), Category::Sanctioned, "{addr}");
        let e = &m.to_entry();
        assert_eq!(
            e.provenance.chain.as_deref(),
            Some(str_field(r, "chain")),
            "{addr}"
        );
        assert_eq!(e.provenance.tickers, str_list(r, "ofac_tickers"), "{addr}");
        assert_eq!(
            e.provenance.entity.as_deref(),
            Some(str_field(r, "entity_name")),
            "{addr}"
        );
        let id = r["entity_id"].as_u64().expect("numeric entity_id");
        assert_eq!(e.provenance.entity_id, Some(id.to_string()), "{addr}");
        assert_eq!(e.provenance.programs, str_list(r, "programs"), "{addr}");
        assert_eq!(
            e.provenance.listed.as_deref(),
            Some(str_field(r, "date_listed")),
            "{addr}"
        );
        assert_eq!(
            e.provenance.source.as_deref(),
            Some(ofac_source.as_str()),
            "{addr}"
        );
        // OFAC and the FBI list share no address.
        assert!(h.matches().all(|m| m.list() == "ofac-sdn"), "{addr}: {h:?}");
    }
    assert_eq!(records.len(), 961);
    assert_eq!(gone, [DELISTED_XBT, XMR_TYPO]);
    // The list of 2026-08-08 kept in the fixtures is the naughtylist's.
    let old = ofac_2026_08_08();
    for r in &records {
        let addr = str_field(r, "address");
        let h = hit(&old, addr);
        let m = match_in(&h, "ofac-sdn", addr, addr);
        assert_eq!(
            m.provenance().entity.as_deref(),
            Some(str_field(r, "entity_name"))
        );
    }
}

/// `tests/fixtures/bitnob/sanctioned_addresses.tsv`: OFAC's publication of
/// 2026-09-30, one row per (code, address), one party per address.
fn feed_2026_09_30() -> Vec<[String; 4]> {
    let text = read("bitnob/sanctioned_addresses.tsv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("chain\taddress\tname\tprogram"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            [f[0], f[1], f[2], f[3]].map(str::to_owned)
        })
        .collect()
}

/// Done-when of issue 15: every address of OFAC's publication of 2026-09-30
/// is a hit of the bundled `ofac-sdn` list, under its code and with the
/// feed's party among the matches; EVM addresses (lower-cased by the feed)
/// hit the rows that keep OFAC's EIP-55 spelling.
#[test]
fn every_address_of_the_2026_09_30_publication_is_a_hit() {
    let s = bundled();
    let feed = feed_2026_09_30();
    assert_eq!(feed.len(), 1063);
    let mut distinct = BTreeSet::new();
    for [code, addr, name, programs] in &feed {
        distinct.insert(addr.clone());
        let h = hit(&s, addr);
        let ms: Vec<Match> = h.matches().filter(|m| m.list() == "ofac-sdn").collect();
        let m = ms
            .iter()
            .find(|m| m.provenance().entity.as_deref() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{addr}: no match of {name}: {ms:?}"));
        assert!(
            m.provenance().tickers.contains(code),
            "{addr}: {code} {m:?}"
        );
        // The same programs (a kept row keeps its order of them).
        let want: BTreeSet<&str> = programs.split("; ").collect();
        let got: BTreeSet<&str> = m.provenance().programs.iter().map(String::as_str).collect();
        assert_eq!(got, want, "{addr}");
        assert!(m.address().eq_ignore_ascii_case(addr), "{addr}");
    }
    assert_eq!(distinct.len(), 1050);
    // The bundled list: those 1,050 addresses, two of them with two parties.
    let info = s.lists().iter().find(|l| l.meta.id == "ofac-sdn").unwrap();
    assert_eq!(info.entries, 1052);
    assert_eq!(info.meta.as_of.as_deref(), Some("2026-09-30"));
}

/// OFAC lists two addresses under two parties each (real SDN_ADVANCED.XML of
/// 2025-11-19, `tests/fixtures/ofac/real/extracted/`); the feed keeps one.
/// Both parties are in the hit, each with its entity id, and both parties
/// are still listed in 2026-09-30 (each has other rows in the feed).
#[test]
fn shared_addresses_name_every_party() {
    let s = bundled();
    let feed = feed_2026_09_30();
    let extraction = read("ofac/real/extracted/dca_2025-11-19T164412Z_3ed669068884.tsv");
    let cases = [
        (
            "LeKvNdNEzgQkzVVnRdV3fAu2DSF1nLsNw6",
            "LTC",
            [
                ("Secondeye Solution", "30518"),
                ("RAZA Mujtaba Ali", "30520"),
            ],
        ),
        (
            "1H939dom7i4WDLCKyGbXUp3fs9CSTNRzgL",
            "XBT",
            [
                ("Khatibi Aghada Ahmad", "38419"),
                ("Nikaeen Ravari Amir Hossein", "38420"),
            ],
        ),
    ];
    for (addr, code, parties) in cases {
        // The real publication has both parties on this address.
        let ids: BTreeSet<&str> = extraction
            .lines()
            .filter(|l| l.split('\t').nth(1) == Some(addr))
            .filter_map(|l| l.split('\t').nth(2))
            .collect();
        assert_eq!(ids, parties.iter().map(|p| p.1).collect(), "{addr}");
        let h = hit(&s, addr);
        let got: BTreeSet<(String, String, Vec<String>)> = h
            .matches()
            .map(|m| {
                assert_eq!(m.list(), "ofac-sdn");
                (
                    m.provenance().entity.clone().unwrap(),
                    m.provenance().entity_id.clone().unwrap(),
                    m.provenance().tickers.clone(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String, Vec<String>)> = parties
            .iter()
            .map(|(n, id)| (n.to_string(), id.to_string(), vec![code.to_owned()]))
            .collect();
        assert_eq!(got, want, "{addr}");
        for (name, _) in parties {
            assert!(
                feed.iter().any(|[_, a, n, _]| n == name && a != addr),
                "{name} has no other address in the 2026-09-30 feed"
            );
        }
    }
}

/// FAYZIMATOV's XBT address, gone between 2026-08-08 and 2026-09-30, is
/// clear today (it was a hit of the 2026-08-08 list).
#[test]
fn delisted_xbt_address_is_clear_today() {
    assert!(ofac_2026_08_08().check(DELISTED_XBT).is_hit());
    assert!(feed_2026_09_30().iter().all(|r| r[1] != DELISTED_XBT));
    let v = bundled().check(DELISTED_XBT);
    assert!(
        matches!(
            v,
            Verdict::Clear {
                family: Family::Base58,
                ..
            }
        ),
        "{v:?}"
    );
}

/// One FBI publication behind `lists/fbi_dprk.csv`.
struct FbiSource {
    name: &'static str,
    addresses: Vec<String>,
    count: usize,
    chain: &'static str,
    ticker: &'static str,
    entity: &'static str,
    listed: &'static str,
    source: String,
}

fn fbi_sources() -> Vec<FbiSource> {
    let harmony = "attributed/fbi_2023-01-23_harmony_lazarus_btc.txt";
    let lazarus2 = "attributed/graphsense_lazarus2.yaml";
    let fixture = |rel: &str| format!("tests/fixtures/{rel}");
    vec![
        FbiSource {
            name: "IC3 PSA I-022625-PSA (Bybit)",
            addresses: text_lines("attributed/fbi_psa250226_bybit_tradertraitor_eth.txt"),
            count: 51,
            chain: "ethereum",
            ticker: "ETH",
            entity: "Lazarus Group (TraderTraitor)",
            listed: "2025-02-26",
            source: "https://www.ic3.gov/PSA/2025/PSA250226".to_owned(),
        },
        FbiSource {
            name: "FBI 2023-01-23 (Harmony)",
            addresses: text_lines(harmony),
            count: 11,
            chain: "bitcoin",
            ticker: "BTC",
            entity: "Lazarus Group (APT38)",
            listed: "2023-01-23",
            source: header_value(&fixture(harmony), "Source text:"),
        },
        FbiSource {
            name: "FBI 2023-08-22 (GraphSense lazarus2)",
            addresses: yaml_addresses(lazarus2),
            count: 6,
            chain: "bitcoin",
            ticker: "BTC",
            entity: "Lazarus Group",
            listed: "2023-08-22",
            source: header_value(&fixture(lazarus2), "source:"),
        },
        FbiSource {
            name: "FBI 2023-09-06 (Stake.com), corroborated rows",
            addresses: stake_rows()
                .into_iter()
                .filter(|r| r[5] == "yes")
                .map(|r| r[1].clone())
                .collect(),
            count: 11,
            chain: "",
            ticker: "",
            entity: "Lazarus Group (APT38)",
            listed: "2023-09-06",
            source: STAKE_SOURCE.to_owned(),
        },
    ]
}

const STAKE_SOURCE: &str = "https://www.fbi.gov/news/press-releases/fbi-identifies-lazarus-group-cyber-actors-as-responsible-for-theft-of-41-million-from-stakecom";

/// `attributed/fbi-stake-2023-09-06/stake_addresses_transcribed.csv`:
/// chain, address, three per-source flags, `likely_in_fbi_release`.
fn stake_rows() -> Vec<Vec<String>> {
    let text = read("attributed/fbi-stake-2023-09-06/stake_addresses_transcribed.csv");
    let mut lines = text.lines();
    assert!(lines.next().unwrap().ends_with(",likely_in_fbi_release"));
    lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// The chain and ticker of a Stake.com row, as `lists/README.md` gives them.
fn stake_chain_ticker(address: &str) -> (String, &'static str) {
    let row = stake_rows().into_iter().find(|r| r[1] == address).unwrap();
    let ticker = match row[0].as_str() {
        "ethereum" => "ETH",
        "polygon" => "MATIC",
        "bsc" => "BNB",
        c => panic!("chain {c}"),
    };
    (row[0].clone(), ticker)
}

/// Only the Stake.com addresses corroborated by two independent copies are
/// attributed; the 22 single-source BTC rows (`probable`) and the 5
/// `unknown` EVM rows are not listed at all.
#[test]
fn stake_uncorroborated_addresses_are_not_attributed() {
    let s = bundled();
    let rows = stake_rows();
    let count = |flag: &str| rows.iter().filter(|r| r[5] == flag).count();
    assert_eq!(
        (
            rows.len(),
            count("yes"),
            count("probable"),
            count("unknown")
        ),
        (38, 11, 22, 5)
    );
    for r in rows.iter().filter(|r| r[5] != "yes") {
        let v = s.check(&r[1]);
        assert!(matches!(v, Verdict::Clear { .. }), "{}: {v:?}", r[1]);
    }
    for r in rows.iter().filter(|r| r[5] == "yes") {
        // Corroborated: the first source and at least one other.
        let others = r[3..5].iter().filter(|f| *f == "yes").count();
        assert!(r[2] == "yes" && others >= 1, "{r:?}");
    }
}

#[test]
fn fbi_addresses_are_dprk_hits_with_their_provenance() {
    let s = bundled();
    let mut total = 0;
    for src in fbi_sources() {
        assert_eq!(src.addresses.len(), src.count, "{}", src.name);
        assert!(src.source.starts_with("https://"), "{}", src.name);
        for addr in &src.addresses {
            let h = hit(&s, addr);
            assert_eq!(h.matches().len(), 1, "{}: {addr}: {h:?}", src.name);
            let m = match_in(&h, "fbi-dprk", addr, addr);
            assert_eq!(
                (m.via(), m.category()),
                (Via::Listed, Category::Attributed),
                "{addr}"
            );
            let e = &m.to_entry();
            assert_eq!(e.provenance.entity.as_deref(), Some(src.entity), "{addr}");
            assert_eq!(e.provenance.listed.as_deref(), Some(src.listed), "{addr}");
            assert_eq!(
                e.provenance.source.as_deref(),
                Some(src.source.as_str()),
                "{addr}"
            );
            let (chain, ticker) = if src.chain.is_empty() {
                stake_chain_ticker(addr)
            } else {
                (src.chain.to_owned(), src.ticker)
            };
            assert_eq!(
                e.provenance.chain.as_deref(),
                Some(chain.as_str()),
                "{addr}"
            );
            assert_eq!(e.provenance.tickers, [ticker], "{addr}");
            assert!(
                e.provenance.entity_id.is_none() && e.provenance.programs.is_empty(),
                "{addr}"
            );
            assert!(e.issue.is_none(), "{addr}: {:?}", e.issue);
        }
        total += src.addresses.len();
    }
    let info = s.lists().iter().find(|l| l.meta.id == "fbi-dprk").unwrap();
    assert_eq!((total, info.entries), (79, 79));
    assert_eq!(info.meta.as_of.as_deref(), Some("2025-02-26"));
}

#[test]
fn graphsense_lazarus_addresses_are_ofac_hits() {
    let s = bundled();
    let by_addr: BTreeMap<String, Value> = naughtylist()
        .into_iter()
        .map(|r| (str_field(&r, "address").to_owned(), r))
        .collect();
    let addrs = yaml_addresses("attributed/graphsense_lazarus.yaml");
    for addr in &addrs {
        let h = hit(&s, addr);
        let m = match_in(&h, "ofac-sdn", addr, addr);
        assert_eq!(m.category(), Category::Sanctioned);
        let r = &by_addr[addr];
        assert_eq!(
            m.provenance().entity.as_deref(),
            Some(str_field(r, "entity_name"))
        );
    }
    assert_eq!(addrs.len(), 21);
}

// ---------------------------------------------------------------------------
// 0xB10C per-ticker lists (2024)
// ---------------------------------------------------------------------------

#[test]
fn b10c_lists_every_line_is_a_hit() {
    let s = b10c_screener();
    let files = b10c_files();
    let mut pairs = 0;
    let mut distinct = HashSet::new();
    for (ticker, (_, lines)) in &files {
        let id = b10c_list_id(ticker);
        for addr in lines {
            let h = hit(&s, addr);
            let m = match_in(&h, &id, addr, addr);
            assert_eq!((m.via(), m.category()), (Via::Listed, Category::Sanctioned));
            pairs += 1;
            distinct.insert(addr.clone());
        }
    }
    // tests/fixtures/README.md: 17 files, 654 (ticker, address) pairs, 641
    // distinct strings.
    assert_eq!((files.len(), pairs, distinct.len()), (17, 654, 641));
    assert_eq!(s.entry_count(), 654);
}

/// An address under several tickers is one hit with a match per list.
#[test]
fn b10c_multi_ticker_addresses_match_every_list() {
    let s = b10c_screener();
    let mut tickers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (ticker, (_, lines)) in b10c_files() {
        for a in lines {
            tickers.entry(a).or_default().insert(b10c_list_id(&ticker));
        }
    }
    let mut multi = 0;
    for (addr, lists) in &tickers {
        let got: BTreeSet<String> = hit(&s, addr)
            .matches()
            .map(|m| m.list().to_string())
            .collect();
        assert_eq!(&got, lists, "{addr}");
        multi += usize::from(lists.len() > 1);
    }
    assert!(multi > 0);
}

/// The 2024 lists hold Tornado Cash addresses that OFAC delisted on
/// 2025-03-21: they are not in the bundled 2026 list. All 90 are EVM. The
/// one other: FAYZIMATOV's XBT address, delisted in 2026.
#[test]
fn b10c_addresses_missing_from_bundled_are_the_delisted_evm_ones() {
    let s = bundled();
    let distinct: BTreeSet<String> = b10c_files()
        .into_values()
        .flat_map(|(_, lines)| lines)
        .collect();
    let mut missing = 0;
    for a in &distinct {
        match s.check(a) {
            Verdict::Hit(_) => {}
            Verdict::Clear {
                family: Family::Evm,
                ..
            } => missing += 1,
            // Delisted between 2026-08-08 and 2026-09-30.
            Verdict::Clear { .. } if a == DELISTED_XBT => {}
            other => panic!("{a}: {other:?}"),
        }
    }
    assert_eq!(missing, 90);
    assert!(distinct.contains(DELISTED_XBT));
}

// ---------------------------------------------------------------------------
// Quirks
// ---------------------------------------------------------------------------

#[test]
fn quirk_tron_address_filed_under_xbt() {
    let t = "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq";
    assert!(b10c_lines("XBT").iter().any(|l| l == t));
    let a = parse(t).unwrap();
    assert_eq!((a.family, &a.kind), (Family::Base58, &AddressKind::Tron));

    let h = hit(&bundled(), t);
    let m = match_in(&h, "ofac-sdn", t, t);
    assert_eq!(m.provenance().chain.as_deref(), Some("bitcoin"));
    assert_eq!(m.provenance().tickers, ["XBT"]);
    // Indexed as TRON all the same: its 41-hex spelling hits too.
    let hex41 = format!("41{}", hex(&a.payload));
    let h = hit(&bundled(), &hex41);
    assert_eq!(
        match_in(&h, "ofac-sdn", t, &hex41).via(),
        Via::TronHexOfBase58
    );

    let h = hit(&b10c_screener(), t);
    match_in(&h, "0xb10c-XBT", t, t);
}

/// Legacy base58 spelling of a 20-byte CashAddr hash.
fn legacy_of(kind: u8, hash: &[u8]) -> String {
    let version = match kind {
        0 => 0x00,
        1 => 0x05,
        k => panic!("type {k}"),
    };
    let mut data = vec![version];
    data.extend_from_slice(hash);
    bs58::encode(data).with_check().into_string()
}

#[test]
fn quirk_unprefixed_cashaddr() {
    let bch = b10c_lines("BCH");
    let naughty: Vec<String> = naughtylist()
        .iter()
        .map(|r| str_field(r, "address").to_owned())
        .filter(|a| cashaddr::looks_like_payload(a.as_bytes()))
        .collect();
    let cash: Vec<&String> = bch
        .iter()
        .filter(|a| !a.starts_with('1') && !a.starts_with('3'))
        .collect();
    assert_eq!(cash.len(), 6);
    assert_eq!(naughty.len(), 6);
    for (screener, list) in [(bundled(), "ofac-sdn"), (b10c_screener(), "0xb10c-BCH")] {
        for &addr in &cash {
            assert!(!addr.contains(':'), "{addr} is unprefixed in the fixture");
            assert!(naughty.contains(addr), "{addr} not in the naughtylist");
            let a = parse(addr).unwrap();
            assert_eq!(a.family, Family::CashAddr, "{addr}");
            let AddressKind::CashAddr { prefix, kind } = &a.kind else {
                panic!("{addr}: {:?}", a.kind);
            };
            assert_eq!(prefix, "bitcoincash");
            let upper = addr.to_ascii_uppercase();
            for q in [
                addr.clone(),
                format!("bitcoincash:{addr}"),
                upper.clone(),
                format!("BITCOINCASH:{upper}"),
            ] {
                let h = hit(&screener, &q);
                assert_eq!(h.family, Family::CashAddr, "{q}");
                assert_eq!(match_in(&h, list, addr, &q).via(), Via::Listed, "{q}");
            }
            let legacy = legacy_of(*kind, &a.payload);
            let h = hit(&screener, &legacy);
            assert_eq!(h.family, Family::Base58, "{legacy}");
            assert_eq!(
                match_in(&h, list, addr, &legacy).via(),
                Via::LegacyOfCashaddr,
                "{legacy}"
            );
        }
    }
}

#[test]
fn quirk_legacy_bch_address() {
    let legacy = "18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB";
    assert!(b10c_lines("BCH").iter().any(|l| l == legacy));
    let a = parse(legacy).unwrap();
    assert_eq!(a.kind, AddressKind::P2pkh { version: 0 });
    let cash = cashaddr::encode("bitcoincash", 0, &a.payload).unwrap();
    let bare = cash.strip_prefix("bitcoincash:").unwrap().to_owned();
    for (screener, list) in [(bundled(), "ofac-sdn"), (b10c_screener(), "0xb10c-BCH")] {
        let h = hit(&screener, legacy);
        assert_eq!(match_in(&h, list, legacy, legacy).via(), Via::Listed);
        for q in [cash.clone(), bare.clone(), cash.to_ascii_uppercase()] {
            let h = hit(&screener, &q);
            assert_eq!(h.family, Family::CashAddr, "{q}");
            assert_eq!(
                match_in(&h, list, legacy, &q).via(),
                Via::CashaddrOfLegacy,
                "{q}"
            );
        }
    }
    let h = hit(&bundled(), legacy);
    let e = &h.matches().next().unwrap().to_entry();
    assert_eq!(e.provenance.chain.as_deref(), Some("bitcoin_cash"));
}

#[test]
fn quirk_xmr_64_hex_string() {
    let x = "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320";
    assert!(b10c_lines("XMR").iter().any(|l| l == x));
    assert_eq!(parse(x), Err(ParseError::UnknownFormat));
    for (screener, list) in [(bundled(), "ofac-sdn"), (b10c_screener(), "0xb10c-XMR")] {
        let h = hit(&screener, x);
        assert_eq!(h.family, Family::Opaque);
        let m = match_in(&h, list, x, x);
        assert_eq!(m.issue(), Some(&ParseError::UnknownFormat));
        assert!(m.to_entry().parsed().is_none());
        // Matched exactly: another 64-hex string is not a hit.
        let other = x.replace("5be5", "5be6");
        assert!(
            matches!(screener.check(&other), Verdict::Invalid { .. }),
            "{other}"
        );
    }
}

/// The list of 2026-08-08 had an ISIL Khorasan Monero address with a typo
/// (`l`, not in base58, where the checksum says `1`): kept, flagged, and
/// the valid spelling reached as its corrected spelling. OFAC corrected it
/// in its publication of 2026-09-30: the bundled list now has the valid
/// address itself, and the typo is no entry any more.
#[test]
fn quirk_monero_entry_with_a_typo() {
    let typo = XMR_TYPO;
    assert_eq!(&typo[26..27], "l");
    let want = ParseError::Monero(address::monero::MoneroError::InvalidChar {
        character: 'l',
        index: 26,
    });
    assert_eq!(parse(typo).unwrap_err(), want);
    // With '1' in place of 'l' it is a checksum-valid mainnet address.
    let fixed = format!("{}1{}", &typo[..26], &typo[27..]);
    assert_eq!(fixed, XMR_CORRECTED);
    let a = parse(&fixed).unwrap();
    assert_eq!(a.family, Family::Monero);

    let s = ofac_2026_08_08();
    let h = hit(&s, typo);
    assert_eq!(h.family, Family::Opaque);
    let m = match_in(&h, "ofac-sdn", typo, typo);
    assert_eq!(m.issue(), Some(&want));
    assert_eq!(m.provenance().chain.as_deref(), Some("monero"));
    assert_eq!(m.via(), Via::Listed);

    // Someone paying the real address (with '1') was caught too, and the
    // match says it was reached through the corrected spelling of a flagged
    // entry.
    let h = hit(&s, &fixed);
    assert_eq!(h.family, Family::Monero);
    assert_eq!(h.matches().len(), 1);
    assert_eq!(h.matches().next().unwrap().via(), Via::CorrectedSpelling);
    assert_eq!(h.matches().next().unwrap().address(), typo);
    assert_eq!(
        h.matches().next().unwrap().provenance().entity.as_deref(),
        Some("ISIL Khorasan")
    );
    // Only that one replacement: another look-alike change is no hit.
    let other = format!("{}1{}", &typo[..25], &typo[26..]);
    assert!(!s.check(&other).is_hit(), "{other}");

    // Today: OFAC's corrected address is listed as such.
    let s = bundled();
    let h = hit(&s, XMR_CORRECTED);
    assert_eq!(h.matches().len(), 1);
    let m = match_in(&h, "ofac-sdn", XMR_CORRECTED, XMR_CORRECTED);
    assert_eq!(m.via(), Via::Listed);
    assert!(m.issue().is_none());
    assert_eq!(m.provenance().entity.as_deref(), Some("ISIL Khorasan"));
    assert_eq!(m.provenance().tickers, ["XMR"]);
    // The typo is no address and no entry: invalid, not a hit.
    assert!(matches!(s.check(typo), Verdict::Invalid { .. }));
}

/// The corrected spelling of a flagged entry is indexed only when exactly
/// one look-alike replacement yields a valid address: one typo is
/// corrected, two are not.
#[test]
fn corrected_spelling_only_for_a_single_lookalike() {
    // A listed Harmony-theft address with '1' at bytes 0, 1, 7 and 12.
    let valid = "12283Cq1pJ3f1gXwqi6K3bRf5LZb8Bkm6g";
    assert!(parse(valid).is_ok());
    let with_l = |at: &[usize]| {
        let mut b = valid.as_bytes().to_vec();
        for &i in at {
            assert_eq!(b[i], b'1');
            b[i] = b'l';
        }
        String::from_utf8(b).unwrap()
    };
    let screener = |entry: &str| {
        // A list of one flagged entry: refused by default (more than half
        // of it is not an address), so allowed explicitly.
        let opts = walletscreen::list::LoadOptions::new().allow_non_addresses(true);
        let list = List::from_bytes_with(
            entry.as_bytes(),
            ListMeta::new("typo", Category::Custom),
            &opts,
        )
        .unwrap();
        assert_eq!(list.flagged().count(), 1, "{entry} must be flagged");
        walletscreen::ScreenerBuilder::new()
            .list(list)
            .build()
            .unwrap()
    };

    let one = with_l(&[7]);
    let s = screener(&one);
    let h = hit(&s, valid);
    assert_eq!(h.matches().next().unwrap().via(), Via::CorrectedSpelling);
    assert_eq!(h.matches().next().unwrap().address(), one);
    assert_eq!(hit(&s, &one).matches().next().unwrap().via(), Via::Listed);

    let two = with_l(&[7, 12]);
    let s = screener(&two);
    assert!(!s.check(valid).is_hit(), "two typos must not be corrected");
    assert!(!s.check(&one).is_hit());
    assert!(s.check(&two).is_hit(), "the entry itself still matches");
}

#[test]
fn quirk_doge_addresses_filed_under_solana() {
    let s = bundled();
    let doge: Vec<Value> = naughtylist()
        .into_iter()
        .filter(|r| str_list(r, "ofac_tickers") == ["DOGE"])
        .collect();
    assert_eq!(doge.len(), 2);
    for r in &doge {
        let addr = str_field(r, "address");
        assert_eq!(str_field(r, "chain"), "solana");
        let a = parse(addr).unwrap();
        assert_eq!(a.kind, AddressKind::P2pkh { version: 0x1e }, "{addr}");
        assert!(a.chains.contains(&"dogecoin"));
        let h = hit(&s, addr);
        let m = match_in(&h, "ofac-sdn", addr, addr);
        assert_eq!(m.provenance().chain.as_deref(), Some("solana"));
    }
}

#[test]
fn quirk_bnb_beacon_chain_address() {
    let addr = "bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23";
    let a = parse(addr).unwrap();
    assert_eq!(a.family, Family::Bech32);
    assert_eq!(
        a.kind,
        AddressKind::Bech32 {
            hrp: "bnb".to_owned()
        }
    );
    let s = bundled();
    for q in [addr.to_owned(), addr.to_ascii_uppercase()] {
        let h = hit(&s, &q);
        let m = match_in(&h, "ofac-sdn", addr, &q);
        assert_eq!(m.provenance().chain.as_deref(), Some("unknown"));
        assert_eq!(m.provenance().tickers, ["BNB"]);
    }
}

fn is_mixed(hexpart: &str) -> bool {
    hexpart.bytes().any(|c| c.is_ascii_lowercase())
        && hexpart.bytes().any(|c| c.is_ascii_uppercase())
}

#[test]
fn quirk_evm_addresses_hit_in_any_case() {
    let naughty = naughtylist()
        .into_iter()
        .map(|r| (str_field(&r, "address").to_owned(), "ofac-sdn".to_owned()));
    let fbi = fbi_sources()
        .into_iter()
        .flat_map(|src| src.addresses)
        .map(|a| (a, "fbi-dprk".to_owned()));
    let b10c = b10c_files().into_iter().flat_map(|(t, (_, lines))| {
        let id = b10c_list_id(&t);
        lines.into_iter().map(move |a| (a, id.clone()))
    });
    let (s, b) = (bundled(), b10c_screener());
    let mut counts: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for (addr, list) in naughty.chain(fbi).chain(b10c) {
        let Some(hexpart) = addr.strip_prefix("0x") else {
            continue;
        };
        let (screener, source) = if list.starts_with("0xb10c") {
            (&b, "0xb10c")
        } else {
            (
                &s,
                if list == "ofac-sdn" {
                    "ofac-sdn"
                } else {
                    "fbi-dprk"
                },
            )
        };
        let mixed = is_mixed(hexpart);
        let a = parse(&addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
        let bytes: [u8; 20] = a.payload.as_slice().try_into().unwrap();
        let checksummed = address::to_checksum(&bytes);
        if mixed {
            assert_eq!(checksummed, addr, "listed with a bad EIP-55 checksum");
        }
        for q in [
            format!("0x{}", hexpart.to_ascii_lowercase()),
            format!("0x{}", hexpart.to_ascii_uppercase()),
            checksummed,
        ] {
            let h = hit(screener, &q);
            assert_eq!(match_in(&h, &list, &addr, &q).via(), Via::Listed, "{q}");
        }
        *counts.entry((source, mixed)).or_default() += 1;
    }
    // tests/fixtures/README.md: naughtylist 56 checksummed + 48 lower-case;
    // 0xB10C ETH alone 115 + 37 (USDT, USDC, ARB, BSC and ETC hold more EVM
    // entries); the 51 Bybit addresses are checksummed, the 11 Stake.com
    // ones lower-case as transcribed.
    assert_eq!(counts[&("ofac-sdn", true)], 56);
    assert_eq!(counts[&("ofac-sdn", false)], 48);
    assert_eq!(counts[&("fbi-dprk", true)], 51);
    assert_eq!(counts[&("fbi-dprk", false)], 11);
    assert!(counts[&("0xb10c", true)] >= 115 && counts[&("0xb10c", false)] >= 37);
}

#[test]
fn quirk_tron_addresses_hit_in_their_hex_spelling() {
    let s = bundled();
    let mut n = 0;
    for r in naughtylist() {
        let addr = str_field(&r, "address");
        let Ok(a) = parse(addr) else { continue };
        if a.kind != AddressKind::Tron {
            continue;
        }
        let h41 = format!("41{}", hex(&a.payload));
        for q in [h41.clone(), h41.to_ascii_uppercase()] {
            let h = hit(&s, &q);
            assert_eq!(h.family, Family::TronHex, "{q}");
            assert_eq!(
                match_in(&h, "ofac-sdn", addr, &q).via(),
                Via::TronHexOfBase58,
                "{q}"
            );
        }
        n += 1;
    }
    // 276 under chain `tron` plus the one filed under XBT.
    let t_shaped = naughtylist()
        .iter()
        .filter(|r| {
            let a = str_field(r, "address");
            a.starts_with('T') && a.len() == 34
        })
        .count();
    assert_eq!((n, t_shaped), (277, 277));
}

// ---------------------------------------------------------------------------
// Flagged entries and provenance
// ---------------------------------------------------------------------------

/// The bundled lists keep one entry that is no valid address, exactly as
/// OFAC publishes it: `5be5…c320`, filed under XMR: 64 hex digits, no known
/// format. (The Monero address with a typo of the 2026-08-08 list is
/// corrected in OFAC's 2026-09-30 publication:
/// `quirk_monero_entry_with_a_typo`.)
#[test]
fn flagged_entries_of_the_bundled_lists() {
    let s = bundled();
    let got: BTreeSet<(String, String, String)> = s
        .flagged()
        .map(|(l, e)| {
            let issue = e.issue.as_ref().expect("flagged means an issue");
            (l.to_owned(), e.address.clone(), format!("{issue:?}"))
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [(
        "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320",
        ParseError::UnknownFormat,
    )]
    .into_iter()
    .map(|(a, e)| ("ofac-sdn".to_owned(), a.to_owned(), format!("{e:?}")))
    .collect();
    assert_eq!(got, want);
    let per_list: Vec<(&str, usize, usize)> = s
        .lists()
        .iter()
        .map(|l| (l.meta.id.as_str(), l.flagged, l.unmatchable))
        .collect();
    assert_eq!(per_list, [("ofac-sdn", 1, 0), ("fbi-dprk", 0, 0)]);
}

#[test]
fn flagged_entries_of_the_b10c_lists() {
    // The 2024 lists predate the Monero typo entry; only the 64-hex string.
    let got: Vec<(String, String)> = b10c_screener()
        .flagged()
        .map(|(l, e)| (l.to_owned(), e.address.clone()))
        .collect();
    assert_eq!(
        got,
        [(
            "0xb10c-XMR".to_owned(),
            "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320".to_owned()
        )]
    );
}

#[test]
fn hit_provenance_serializes() {
    let s = bundled();
    let version = s.version().clone();
    assert_eq!(version.date.as_deref(), Some("2026-09-30"));
    // The newest `as_of` of the lists.
    let newest = s.lists().iter().filter_map(|l| l.meta.as_of.clone()).max();
    assert_eq!(version.date, newest);
    assert_eq!(version.sha256.len(), 64);
    assert!(
        version
            .sha256
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    );

    // (query, list, category, entity, programs, listed, source) as the
    // fixtures give them.
    let ofac = &naughtylist()[0];
    let ofac_source = header_value("lists/ofac_sdn.csv", "source:");
    let bybit = fbi_sources().remove(0);
    let cases = [
        (
            str_field(ofac, "address").to_owned(),
            "ofac-sdn",
            "sanctioned",
            str_field(ofac, "entity_name").to_owned(),
            str_list(ofac, "programs"),
            str_field(ofac, "date_listed").to_owned(),
            ofac_source,
        ),
        (
            bybit.addresses[0].to_ascii_lowercase(),
            "fbi-dprk",
            "attributed",
            bybit.entity.to_owned(),
            Vec::new(),
            bybit.listed.to_owned(),
            bybit.source.clone(),
        ),
    ];
    for (query, list, category, entity, programs, listed, source) in cases {
        let h = hit(&s, &query);
        assert_eq!(*h.version(), version, "{query}");
        assert_eq!(h.matches().len(), 1, "{query}");
        let j = serde_json::to_value(h.matches().next().unwrap()).unwrap();
        assert_eq!(j["list"], list, "{query}");
        assert_eq!(j["category"], category, "{query}");
        assert_eq!(j["entity"], entity.as_str(), "{query}");
        assert_eq!(j["programs"], serde_json::json!(programs), "{query}");
        assert_eq!(j["listed"], listed.as_str(), "{query}");
        assert_eq!(j["source"], source.as_str(), "{query}");
        assert_eq!(j["via"], "listed", "{query}");
        // The whole verdict carries the version.
        let v = serde_json::to_value(s.check(&query)).unwrap();
        assert_eq!(v["verdict"], "hit");
        assert_eq!(v["version"]["date"], "2026-09-30");
        assert_eq!(v["version"]["sha256"], version.sha256.as_str());
    }
}

/// `lists/fbi_dprk.csv` is the list of 2025-02-26 with the Stake.com rows
/// appended (`lists/README.md`): nothing else changed.
#[test]
fn fbi_list_is_the_earlier_list_plus_the_stake_rows() {
    let old = read("lists/fbi_dprk_2025-02-26.csv");
    let now = read_repo("lists/fbi_dprk.csv");
    let appended = now.strip_prefix(old.as_str()).expect("an append");
    let addresses: Vec<&str> = appended
        .lines()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let want: Vec<String> = stake_rows()
        .into_iter()
        .filter(|r| r[5] == "yes")
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(addresses, want);
}
