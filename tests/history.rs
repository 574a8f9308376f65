//! The listing history and screening as of a date (issue 15, section 4):
//! the bundled history rebuilt from the real publications, the known
//! delistings (Tornado Cash, FAYZIMATOV), clear-before-listing, the history
//! file's parser, and the rules that combine current lists and history.

mod common;

use std::collections::BTreeSet;

use walletscreen::{
    Category, Date, Delisting, Entry, History, HistoryRecord, List, ListMeta, LoadError, Screener,
    VerdictAt,
};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// FAYZIMATOV Farrukh Furkatovitch's XBT address: in OFAC's publication of
/// 2026-08-08, gone in that of 2026-09-30 (tests/fixtures/bitnob/DIFF.md).
const FAYZIMATOV: &str = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C";

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn bundled() -> &'static Screener {
    static S: std::sync::OnceLock<Screener> = std::sync::OnceLock::new();
    S.get_or_init(|| Screener::bundled().unwrap())
}

/// Tornado Cash's ETH addresses as OFAC published them on 2025-03-04 (its
/// last publication before the delisting), from the independent extraction.
fn tornado_addresses() -> Vec<String> {
    let path = format!(
        "{MANIFEST_DIR}/tests/fixtures/ofac/real/extracted/dca_2025-03-04T154705Z_e1b6b1356262.tsv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let set: BTreeSet<String> = text
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[3] == "TORNADO CASH")
        .map(|f| f[1].to_owned())
        .collect();
    set.into_iter().collect()
}

#[test]
fn bundled_history_is_what_the_publications_give_byte_for_byte() {
    let dir = common::TempDir::new("history-build");
    let out = dir.path().join("ofac_sdn_history.csv");
    let bin = common::example::example("build_history");
    let run = common::example::run(bin, &["--out", out.to_str().unwrap()], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rebuilt = std::fs::read(&out).unwrap();
    let bundled = std::fs::read(format!("{MANIFEST_DIR}/lists/ofac_sdn_history.csv")).unwrap();
    assert!(
        rebuilt == bundled,
        "lists/ofac_sdn_history.csv differs from what examples/build_history.rs builds"
    );
    // --check agrees.
    let run = common::example::run(bin, &["--check"], b"");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn the_bundled_history_ends_exactly_the_known_delistings() {
    let h = History::bundled().unwrap();
    // Every ended period, as (entity, delisted_after, delisted_by): no
    // artefact of case changes, moved codes or deduplicated feeds.
    let ended: BTreeSet<(String, String, String)> = h
        .delisted()
        .map(|r| {
            let dl = r.delisted.unwrap();
            (
                r.entry.provenance.entity.clone().unwrap_or_default(),
                dl.after.map(|a| a.to_string()).unwrap_or_default(),
                dl.by.to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("TORNADO CASH", "2025-03-04", "2025-03-21"),
        (
            "FAYZIMATOV Farrukh Furkatovitch",
            "2026-08-08",
            "2026-09-30",
        ),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(ended, want);
    assert_eq!(
        h.delisted().count(),
        91,
        "90 Tornado Cash ETH addresses and 1 XBT"
    );
    // Both parties of each address OFAC lists under two parties.
    for (address, parties) in [
        ("LeKvNdNEzgQkzVVnRdV3fAu2DSF1nLsNw6", ["30518", "30520"]),
        ("1H939dom7i4WDLCKyGbXUp3fs9CSTNRzgL", ["38419", "38420"]),
    ] {
        let got: BTreeSet<&str> = h
            .records()
            .iter()
            .filter(|r| r.entry.address == address)
            .filter_map(|r| r.entry.provenance.entity_id.as_deref())
            .collect();
        assert_eq!(got, parties.into_iter().collect(), "{address}");
    }
    // OFAC's corrected Monero address (a look-alike `l` for `1`) is the same
    // entry, not a delisting.
    let isil = h
        .records()
        .iter()
        .find(|r| r.entry.address.starts_with("45ezvPejNsKYntjhyyeb7fbfzi"))
        .unwrap();
    assert_eq!(isil.delisted, None);
}

#[test]
fn tornado_cash_is_a_hit_while_listed_and_clear_after_its_delisting() {
    let s = bundled();
    let addresses = tornado_addresses();
    assert_eq!(addresses.len(), 90);
    let cases = [
        (
            "long before the oldest publication we hold",
            "2022-09-01",
            true,
        ),
        ("2024-01-01", "2024-01-01", true),
        ("last publication with it", "2025-03-04", true),
        (
            "the day of the first publication without it",
            "2025-03-21",
            true,
        ),
        ("the day after", "2025-03-22", false),
        ("2025-04-01", "2025-04-01", false),
        ("today", "2026-12-04", false),
    ];
    for address in &addresses {
        // Today's check: not listed.
        assert!(!s.check(address).is_hit(), "{address}");
        for (name, date, hit) in cases {
            let v = s.check_at(address, d(date));
            assert_eq!(v.is_hit(), hit, "{name}: {address} as of {date}: {v:?}");
            if let VerdictAt::Hit(h) = v {
                let m = &h.matches[0];
                assert_eq!(
                    m.matched.provenance().entity.as_deref(),
                    Some("TORNADO CASH")
                );
                assert_eq!(
                    m.delisted,
                    Some(Delisting {
                        after: Some(d("2025-03-04")),
                        by: d("2025-03-21")
                    })
                );
            }
        }
        // Any spelling: lower case too.
        assert!(
            s.check_at(&address.to_lowercase(), d("2024-01-01"))
                .is_hit()
        );
    }
}

#[test]
fn fayzimatov_xbt_is_a_hit_as_of_2026_08_01() {
    let s = bundled();
    let v = s.check_at(FAYZIMATOV, d("2026-08-01"));
    let hit = v.hit().expect("listed on 2026-08-01");
    assert_eq!(hit.matches.len(), 1, "{hit:?}");
    let m = &hit.matches[0];
    assert_eq!(
        m.matched.provenance().entity.as_deref(),
        Some("FAYZIMATOV Farrukh Furkatovitch")
    );
    assert_eq!(m.listed_on, Some(d("2021-07-28")));
    assert_eq!(
        m.delisted,
        Some(Delisting {
            after: Some(d("2026-08-08")),
            by: d("2026-09-30")
        })
    );
    // Before its listing, and after the first publication without it: clear,
    // whichever of the 2026-08-08 or 2026-09-30 lists is bundled (with the
    // older one, the history's newer publication wins).
    for date in ["2021-07-27", "2026-10-01", "2026-12-04"] {
        assert!(
            !s.check_at(FAYZIMATOV, d(date)).is_hit(),
            "{FAYZIMATOV} as of {date}"
        );
    }
    assert!(s.check_at(FAYZIMATOV, d("2026-09-30")).is_hit());
}

#[test]
fn an_address_is_clear_as_of_a_date_before_its_listing() {
    let s = bundled();
    // (name, address, OFAC listing date)
    let cases = [
        (
            "Hydra Market",
            "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX",
            "2022-04-05",
        ),
        (
            "Wu Huihui",
            "125W5ek3DT6Zqy5S2iPt4FHQdNMCbZA3FU",
            "2023-04-24",
        ),
        ("FAYZIMATOV", FAYZIMATOV, "2021-07-28"),
    ];
    for (name, address, listed) in cases {
        let day = d(listed);
        let before = Date::from_days(day.days() - 1).unwrap();
        assert!(
            matches!(s.check_at(address, before), VerdictAt::Clear { .. }),
            "{name}: clear on {before}"
        );
        let v = s.check_at(address, day);
        let hit = v.hit().unwrap_or_else(|| panic!("{name}: hit on {day}"));
        assert!(
            hit.matches.iter().all(|m| m.listed_on == Some(day)),
            "{name}"
        );
    }
    // An address listed nowhere is clear on any date; garbage is invalid.
    let genesis = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    assert!(matches!(
        s.check_at(genesis, d("2024-01-01")),
        VerdictAt::Clear { .. }
    ));
    assert!(matches!(
        s.check_at("not an address", d("2024-01-01")),
        VerdictAt::Invalid { .. }
    ));
}

fn entry(address: &str, entity_id: &str, listed: Option<&str>) -> Entry {
    let mut e = Entry::new(address, 1);
    e.provenance.entity = Some(format!("party {entity_id}"));
    e.provenance.entity_id = Some(entity_id.to_owned());
    e.provenance.listed = listed.map(str::to_owned);
    e
}

fn record(e: Entry, listed_after: Option<&str>, by: &str) -> HistoryRecord {
    HistoryRecord {
        list: "blocklist".to_owned(),
        category: Category::Custom,
        entry: e,
        listed_after: listed_after.map(d),
        listed_by: None,
        delisted: Some(Delisting {
            after: None,
            by: d(by),
        }),
    }
}

#[test]
fn current_lists_and_history_combine_by_rule() {
    const A: &str = "0x52908400098527886E0F7030069857D2E4169EE7";
    const B: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    const OPAQUE: &str = "internal-customer-4711";
    let build = |as_of: &str, current: Vec<Entry>, history: Vec<HistoryRecord>| {
        let mut meta = ListMeta::new("blocklist", Category::Custom);
        meta.as_of = Some(as_of.to_owned());
        Screener::builder()
            .list(List::from_entries(meta, current))
            .history(History::from_records(history))
            .build()
            .unwrap()
    };
    // (name, screener, input, date, hit?)
    let old_list = build(
        "2026-01-01",
        vec![entry(A, "1", Some("2025-01-01"))],
        vec![record(
            entry(A, "1", Some("2025-01-01")),
            None,
            "2026-02-01",
        )],
    );
    let relisted = build(
        "2026-03-01",
        vec![entry(A, "1", Some("2026-02-15"))],
        vec![record(
            entry(A, "1", Some("2025-01-01")),
            None,
            "2026-02-01",
        )],
    );
    let bounded = build(
        "2026-03-01",
        vec![],
        vec![
            record(entry(B, "2", None), Some("2025-06-01"), "2025-09-01"),
            record(entry(OPAQUE, "3", None), None, "2025-09-01"),
        ],
    );
    let cases: [(&str, &Screener, &str, &str, bool); 13] = [
        ("old list: listed", &old_list, A, "2025-06-01", true),
        (
            "old list: before listing",
            &old_list,
            A,
            "2024-12-31",
            false,
        ),
        (
            "old list: delisted by a newer publication",
            &old_list,
            A,
            "2026-02-02",
            false,
        ),
        (
            "old list: on the day of that publication",
            &old_list,
            A,
            "2026-02-01",
            true,
        ),
        ("relisted: first period", &relisted, A, "2025-06-01", true),
        (
            "relisted: between periods",
            &relisted,
            A,
            "2026-02-10",
            false,
        ),
        ("relisted: current period", &relisted, A, "2026-02-15", true),
        (
            "bounded: after listed_after",
            &bounded,
            B,
            "2025-06-02",
            true,
        ),
        ("bounded: on listed_after", &bounded, B, "2025-06-01", false),
        (
            "bounded: after delisted_by",
            &bounded,
            B,
            "2025-09-02",
            false,
        ),
        (
            "no start known: long ago",
            &bounded,
            OPAQUE,
            "2001-01-01",
            true,
        ),
        (
            "no start known: after delisting",
            &bounded,
            OPAQUE,
            "2025-09-02",
            false,
        ),
        (
            "upper case bech32",
            &bounded,
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "2025-07-01",
            true,
        ),
    ];
    for (name, s, input, date, hit) in cases {
        let v = s.check_at(input, d(date));
        assert_eq!(v.is_hit(), hit, "{name}: {v:?}");
        if let VerdictAt::Hit(h) = &v {
            assert_eq!(h.matches.len(), 1, "{name}: one period reported: {v:?}");
        }
    }
    // check() reads the current lists only.
    assert!(old_list.check(A).is_hit());
    assert!(!bounded.check(B).is_hit());
    assert!(bounded.check_at(OPAQUE, d("2025-09-02")).kind() == walletscreen::VerdictKind::Invalid);
}

#[test]
fn a_record_reached_through_another_spelling_never_clears_a_current_entry() {
    // The history holds ISIL-K's Monero address in its look-alike spelling,
    // delisted on 2026-03-01 by a publication newer than the current list,
    // which holds the corrected spelling (same party): the corrected
    // address stays a hit after that date, and before it the party is
    // reported once.
    const TYPO: &str = "45ezvPejNsKYntjhyyeb7fbfzilsxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";
    const FIXED: &str = "45ezvPejNsKYntjhyyeb7fbfzi1sxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";
    let mut meta = ListMeta::new("blocklist", Category::Custom);
    meta.as_of = Some("2026-02-01".to_owned());
    let s = Screener::builder()
        .list(List::from_entries(
            meta,
            [entry(FIXED, "18647", Some("2015-09-29"))],
        ))
        .history(History::from_records(vec![record(
            entry(TYPO, "18647", Some("2015-09-29")),
            None,
            "2026-03-01",
        )]))
        .build()
        .unwrap();
    for (date, matches) in [("2016-01-01", 1), ("2026-02-15", 1), ("2026-06-01", 1)] {
        let v = s.check_at(FIXED, d(date));
        let hit = v.hit().unwrap_or_else(|| panic!("{date}: {v:?}"));
        assert_eq!(hit.matches.len(), matches, "{date}: {hit:?}");
        assert_eq!(hit.matches[0].matched.address(), FIXED, "{date}");
    }
}

#[test]
fn history_files_with_bad_dates_are_refused_with_their_line() {
    let head = "# walletscreen-list: v1\n# id: h\naddress,entity_id,listed,listed_after,listed_by,delisted_after,delisted_by\n";
    let cases: &[(&str, &str, Option<usize>)] = &[
        (
            "good",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,2020-01-01,,2024-05-28,2025-03-04,2025-03-21\n",
            None,
        ),
        (
            "open",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,,,2024-05-28,,\n",
            None,
        ),
        (
            "bad delisted_by",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,,,,,2025-02-30\n",
            Some(4),
        ),
        (
            "bad listed_after",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,,2025/01/01,,,\n",
            Some(4),
        ),
        (
            "after without by",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,,,,2025-03-04,\n",
            Some(4),
        ),
        (
            "after later than by",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,,,,2025-03-22,2025-03-21\n",
            Some(4),
        ),
        (
            "bad listed",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,1,yesterday,,,,\n",
            Some(4),
        ),
    ];
    for (name, body, err_line) in cases {
        let text = format!("{head}{body}");
        let got = History::from_csv_bytes(text.as_bytes(), ListMeta::new("h", Category::Custom));
        match (err_line, got) {
            (None, Ok((meta, h))) => {
                assert_eq!(meta.id, "h");
                assert_eq!(h.len(), 1, "{name}");
            }
            (Some(line), Err(LoadError::BadHistory { line: l, .. })) => {
                assert_eq!(l, *line, "{name}")
            }
            (want, got) => panic!("{name}: expected error on line {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn a_history_round_trips_through_its_file() {
    let h = History::bundled().unwrap();
    let meta = ListMeta::new("ofac-sdn", Category::Sanctioned);
    let mut bytes = Vec::new();
    h.write_csv(&meta, &[], &mut bytes).unwrap();
    let (_, back) = History::from_csv_bytes(&bytes, meta).unwrap();
    assert_eq!(back.len(), h.len());
    for (a, b) in h.records().iter().zip(back.records()) {
        assert_eq!(
            (
                &a.entry.address,
                &a.entry.provenance.entity_id,
                a.listed_after,
                a.listed_by,
                a.delisted
            ),
            (
                &b.entry.address,
                &b.entry.provenance.entity_id,
                b.listed_after,
                b.listed_by,
                b.delisted
            )
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 256,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// Any day prints and parses back to itself, and a timestamp at any
    /// time of that day in UTC has that date.
    #[test]
    fn dates_round_trip(days in -719_162i64..2_932_896, secs in 0u32..86_400) {
        let d = Date::from_days(days).unwrap();
        proptest::prop_assert_eq!(Date::parse(&d.to_string()), Ok(d));
        let ts = format!("{d}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60);
        proptest::prop_assert_eq!(Date::from_timestamp(&ts), Ok(d));
    }

    /// As of any date from 2015 to 2030: Tornado Cash is a hit exactly up to
    /// the day of the first publication without it, Hydra Market exactly
    /// from its listing date on.
    #[test]
    fn as_of_answers_are_intervals(days in 16_436i64..22_281) {
        let date = Date::from_days(days).unwrap();
        let s = bundled();
        let tornado = s.check_at("0x8589427373D6D84E98730D7795D8f6f8731FDA16", date);
        proptest::prop_assert_eq!(tornado.is_hit(), date <= d("2025-03-21"));
        let hydra = s.check_at("123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX", date);
        proptest::prop_assert_eq!(hydra.is_hit(), date >= d("2022-04-05"));
    }
}

#[test]
fn check_is_unchanged_by_the_history() {
    // The bundled screener (with its history) and the same lists compiled
    // without any give the same verdict to every address the history or
    // the lists hold, in every spelling check accepts: delisted entries
    // never hit today.
    let with = bundled();
    let mut b = Screener::builder();
    for l in walletscreen::bundled::lists().unwrap() {
        b.list(l);
    }
    let without = b.build().unwrap();
    assert!(without.history().is_none());
    assert!(with.history().is_some());
    let h = History::bundled().unwrap();
    let addresses: Vec<String> = h
        .records()
        .iter()
        .map(|r| r.entry.address.clone())
        .chain(with.entries().map(|(_, e)| e.address))
        .flat_map(|a| [a.to_lowercase(), a.to_uppercase(), a])
        .collect();
    let mut delisted_hits = BTreeSet::new();
    for a in &addresses {
        assert_eq!(with.check(a), without.check(a), "{a}");
        assert_eq!(
            with.check_kind(a, Default::default()),
            without.check_kind(a, Default::default())
        );
        if h.delisted().any(|r| r.entry.address == *a) && with.check(a).is_hit() {
            delisted_hits.insert(a.clone());
        }
    }
    // With the 2026-08-08 list, FAYZIMATOV is still listed today; with the
    // 2026-09-30 list nothing delisted is.
    assert!(
        delisted_hits.iter().all(|a| a == FAYZIMATOV),
        "{delisted_hits:?}"
    );
}
