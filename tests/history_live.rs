//! `LiveScreener` extends the listing history: a refresh that removes
//! entries records them, delisted on the refresh date, and the cache keeps
//! them across a restart.

mod common;

use common::TempDir;
use walletscreen::update::CacheStatus;
use walletscreen::{Category, Date, ListMeta, LiveScreener, Source};

const A: &str = "0x52908400098527886E0F7030069857D2E4169EE7";
const B: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

fn feed(rows: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "# walletscreen-list: v1\n# id: feed\n# category: sanctioned\n# as_of: 2026-01-01\naddress,entity,entity_id,listed\n",
    );
    for (address, id) in rows {
        s.push_str(&format!("{address},Party {id},{id},2020-01-01\n"));
    }
    s
}

#[test]
fn a_refresh_records_removals_in_the_history_and_the_cache_keeps_them() {
    let dir = TempDir::new("history-live");
    let file = dir.path().join("feed.csv");
    let cache = dir.path().join("cache");
    let build = || {
        LiveScreener::builder()
            .source(Source::path(
                &file,
                ListMeta::new("feed", Category::Sanctioned),
            ))
            .bundled(false)
            // Two entries to one is a 50 % shrink: allowed here.
            .max_shrink(0.5)
            .cache_dir(&cache)
            .build()
            .unwrap()
    };
    std::fs::write(&file, feed(&[(A, "1"), (B, "2")])).unwrap();
    let live = build();
    live.refresh().unwrap();
    let today = Date::today_utc();
    let long_ago = Date::new(2021, 1, 1).unwrap();
    assert!(live.screener().check_at(A, today).is_hit());
    assert_eq!(live.screener().history().map_or(0, |h| h.len()), 0);

    // A is delisted.
    std::fs::write(&file, feed(&[(B, "2")])).unwrap();
    let report = live.refresh().unwrap();
    assert_eq!(report.sources[0].removed.len(), 1);
    let s = live.screener();
    let history = s.history().expect("a history");
    assert_eq!(history.len(), 1);
    let r = &history.records()[0];
    assert_eq!((r.list.as_str(), r.entry.address.as_str()), ("feed", A));
    assert_eq!(r.delisted.unwrap().by, today);
    // Today's check: clear. As of a date it was listed: a hit that says
    // when it was delisted.
    assert!(!s.check(A).is_hit());
    let v = s.check_at(A, long_ago);
    let hit = v.hit().expect("listed in 2021");
    assert_eq!(hit.matches.len(), 1);
    assert_eq!(hit.matches[0].delisted.unwrap().by, today);
    assert_eq!(
        hit.matches[0].listed_on,
        Some(Date::new(2020, 1, 1).unwrap())
    );
    let tomorrow = Date::from_days(today.days() + 1).unwrap();
    assert!(!s.check_at(A, tomorrow).is_hit());
    // Before its listing: clear.
    assert!(!s.check_at(A, Date::new(2019, 12, 31).unwrap()).is_hit());
    // B is untouched.
    assert!(s.check_at(B, long_ago).is_hit());

    // A restart serves the cache, with the recorded removal.
    drop(live);
    let again = build();
    assert!(
        matches!(again.cache_status(), CacheStatus::Loaded { .. }),
        "{:?}",
        again.cache_status()
    );
    let s = again.screener();
    assert_eq!(s.history().map_or(0, |h| h.len()), 1);
    assert!(s.check_at(A, long_ago).is_hit());
    assert!(!s.check(A).is_hit());

    // A refresh that removes nothing keeps the history.
    again.refresh().unwrap();
    assert_eq!(again.screener().history().map_or(0, |h| h.len()), 1);
}

#[test]
fn the_bundled_history_serves_live_screeners_with_bundled_lists() {
    let dir = TempDir::new("history-live-bundled");
    let file = dir.path().join("feed.csv");
    std::fs::write(&file, feed(&[(B, "2")])).unwrap();
    let live = LiveScreener::builder()
        .source(Source::path(&file, ListMeta::new("feed", Category::Custom)))
        .build()
        .unwrap();
    let tornado = "0x8589427373D6D84E98730D7795D8f6f8731FDA16";
    let s = live.screener();
    assert!(s.check_at(tornado, Date::new(2024, 1, 1).unwrap()).is_hit());
    assert!(!s.check_at(tornado, Date::new(2025, 4, 1).unwrap()).is_hit());
}

#[test]
fn a_cache_whose_recorded_history_does_not_read_is_ignored() {
    let dir = TempDir::new("history-live-bad");
    let file = dir.path().join("feed.csv");
    let cache = dir.path().join("cache");
    let build = || {
        LiveScreener::builder()
            .source(Source::path(
                &file,
                ListMeta::new("feed", Category::Sanctioned),
            ))
            .bundled(false)
            .max_shrink(0.5)
            .cache_dir(&cache)
            .build()
            .unwrap()
    };
    std::fs::write(&file, feed(&[(A, "1"), (B, "2")])).unwrap();
    let live = build();
    live.refresh().unwrap();
    std::fs::write(&file, feed(&[(B, "2")])).unwrap();
    let path = live
        .refresh()
        .unwrap()
        .cache_written
        .expect("cache written");
    let mut snap = walletscreen::Snapshot::read_file(&path).unwrap();
    // (name, attribute value, loads?)
    let cases = [
        ("not JSON", "{", false),
        (
            "bad date",
            r#"[{"list":"feed","category":"sanctioned","address":"x","chain":null,"tickers":[],"entity":null,"entity_id":null,"programs":[],"listed":null,"source":null,"delisted_after":null,"delisted_by":"2025-02-30"}]"#,
            false,
        ),
        (
            "bad category",
            r#"[{"list":"feed","category":"evil","address":"x","chain":null,"tickers":[],"entity":null,"entity_id":null,"programs":[],"listed":null,"source":null,"delisted_after":null,"delisted_by":"2025-02-28"}]"#,
            false,
        ),
        ("empty", "[]", true),
    ];
    for (name, value, loads) in cases {
        snap.attributes
            .insert("walletscreen.update.history".to_owned(), value.to_owned());
        snap.write_file(&path).unwrap();
        let again = build();
        assert_eq!(
            matches!(again.cache_status(), CacheStatus::Loaded { .. }),
            loads,
            "{name}: {:?}",
            again.cache_status()
        );
        if let CacheStatus::Ignored { error, .. } = again.cache_status() {
            assert!(error.to_string().contains("history"), "{name}: {error}");
        }
    }
}

/// ISIL Khorasan's Monero address as OFAC listed it until 2026 (a
/// look-alike `l` that no Monero address has) and as corrected.
const XMR_TYPO: &str = "45ezvPejNsKYntjhyyeb7fbfzilsxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";
const XMR_FIXED: &str = "45ezvPejNsKYntjhyyeb7fbfzi1sxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo";

#[test]
fn a_corrected_spelling_is_not_recorded_as_a_removal() {
    let dir = TempDir::new("history-live-typo");
    let file = dir.path().join("feed.csv");
    let live = LiveScreener::builder()
        .source(Source::path(
            &file,
            ListMeta::new("feed", Category::Sanctioned),
        ))
        .bundled(false)
        .build()
        .unwrap();
    // (name, rows: the new list, removals recorded after it)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, usize);
    let cases: [Case; 3] = [
        ("first", vec![(XMR_TYPO, "18647"), (B, "2")], 0),
        ("corrected", vec![(XMR_FIXED, "18647"), (B, "2")], 0),
        ("another party", vec![(XMR_TYPO, "99"), (B, "2")], 1),
    ];
    for (name, rows, recorded) in cases {
        std::fs::write(&file, feed(&rows)).unwrap();
        live.refresh().unwrap();
        let s = live.screener();
        assert_eq!(s.history().map_or(0, |h| h.len()), recorded, "{name}");
    }
    // The corrected address stays a hit as of any date from its listing on.
    let s = live.screener();
    for date in ["2020-01-01", "2030-01-01"] {
        let d: Date = date.parse().unwrap();
        assert!(s.check_at(XMR_TYPO, d).is_hit(), "{date}");
    }
}
