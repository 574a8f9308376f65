//! The bundled lists ship compiled (`lists/bundled.wsidx`, loaded by
//! `Screener::bundled` without parsing the list files): the image is what
//! the list files compile to, byte for byte, and the screener read from it
//! answers as the one compiled from the parsed lists.
//!
//! After changing `lists/*.csv` or anything that changes what a list
//! compiles to (keys, spellings, the compiled format), regenerate it with
//! `WALLETSCREEN_UPDATE_BUNDLED=1 cargo test --test bundled`.

use std::time::{Duration, UNIX_EPOCH};

use walletscreen::{History, Screener, ScreenerBuilder};

const IMAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lists/bundled.wsidx");

/// The bundled lists and history, parsed and compiled.
fn from_parsed_lists() -> Screener {
    let mut b = ScreenerBuilder::new();
    for l in walletscreen::bundled::lists().unwrap() {
        b.list(l);
    }
    b.history(History::bundled().unwrap());
    b.build().unwrap()
}

#[test]
fn the_shipped_image_is_what_the_lists_compile_to() {
    let rebuilt = from_parsed_lists();
    let want = rebuilt.compiled_bytes();
    if std::env::var_os("WALLETSCREEN_UPDATE_BUNDLED").is_some() {
        std::fs::write(IMAGE, want).unwrap();
    }
    let shipped = std::fs::read(IMAGE).unwrap();
    assert!(
        shipped == want,
        "lists/bundled.wsidx ({} bytes) is not what lists/*.csv compile to ({} bytes); \
         regenerate it with: WALLETSCREEN_UPDATE_BUNDLED=1 cargo test --test bundled",
        shipped.len(),
        want.len()
    );
    // And it is the image the library embeds.
    assert_eq!(Screener::bundled().unwrap().compiled_bytes(), want);
}

#[test]
fn the_bundled_screener_answers_as_the_parsed_lists() {
    let shipped = Screener::bundled().unwrap();
    let parsed = from_parsed_lists();
    assert_eq!(shipped.version(), parsed.version());
    assert_eq!(
        format!("{:?}", shipped.lists()),
        format!("{:?}", parsed.lists())
    );
    assert!(shipped.lists().iter().all(|l| l.is_bundled()));
    // Ages and the staleness warning come from the lists' `as_of`.
    let later = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let month = Duration::from_secs(30 * 86_400);
    let stale = |s: &Screener| -> Vec<(String, Duration)> {
        s.lists_older_than(month, later, true)
            .map(|(l, age)| (l.meta.id.clone(), age))
            .collect()
    };
    assert_eq!(stale(&shipped).len(), 2);
    assert_eq!(stale(&shipped), stale(&parsed));
    // Every entry, as listed, with its provenance, and every verdict.
    let entries: Vec<_> = shipped.entries().collect();
    assert_eq!(entries, parsed.entries().collect::<Vec<_>>());
    assert_eq!(entries.len(), 1052 + 79);
    let mut queries: Vec<String> = entries.iter().map(|(_, e)| e.address.clone()).collect();
    queries.extend(queries.clone().iter().map(|a| a.to_uppercase()));
    queries.push("0x0000000000000000000000000000000000000001".to_owned());
    queries.push("not an address".to_owned());
    for q in &queries {
        assert_eq!(shipped.check(q), parsed.check(q), "{q}");
    }
    // The listing history answers as of a date the same way.
    assert_eq!(shipped.history(), parsed.history());
    let history = shipped.history().unwrap();
    for r in history.records() {
        if let Some(d) = r.delisted {
            let (a, b) = (&shipped, &parsed);
            let q = &r.entry.address;
            assert_eq!(a.check_at(q, d.by), b.check_at(q, d.by), "{q}");
        }
    }
}

/// A builder with the bundled lists and nothing else gives the shipped
/// screener; with a list of its own it still compiles the parsed lists.
#[test]
fn the_builder_uses_the_shipped_image_only_for_the_bundled_lists_alone() {
    let alone = ScreenerBuilder::new().bundled(true).build().unwrap();
    assert_eq!(
        alone.compiled_bytes(),
        Screener::bundled().unwrap().compiled_bytes()
    );
    let own = walletscreen::List::from_bytes(
        b"0x52908400098527886E0F7030069857D2E4169EE7\n",
        walletscreen::ListMeta::new("own", walletscreen::Category::Custom),
    )
    .unwrap();
    let with_own = ScreenerBuilder::new()
        .bundled(true)
        .list(own)
        .build()
        .unwrap();
    let ids: Vec<&str> = with_own
        .lists()
        .iter()
        .map(|l| l.meta.id.as_str())
        .collect();
    assert_eq!(ids, ["ofac-sdn", "fbi-dprk", "own"]);
    assert!(
        with_own
            .check("0x52908400098527886e0f7030069857d2e4169ee7")
            .is_hit()
    );
    assert!(
        with_own
            .check("0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
            .is_hit()
    );
    assert!(with_own.history().is_some());
}
