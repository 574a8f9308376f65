//! The updater against a real HTTP server on 127.0.0.1 started by each test
//! (no other network): every failure leaves the last good list serving.
//!
//! Needs the `update` feature, which plain `cargo test` enables through the
//! crate's self dev-dependency (see `Cargo.toml`).
#![cfg(feature = "update")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Length, Reply, Server, TempDir, addresses, csv_list};
use walletscreen::update::{CacheStatus, FetchStatus, Location, RefreshReport};
use walletscreen::{
    Category, ListMeta, ListSet, LiveScreener, LiveScreenerBuilder, Source, UpdateError, Verdict,
    Version,
};

const READ_TIMEOUT: Duration = Duration::from_millis(300);
const TOTAL_TIMEOUT: Duration = Duration::from_millis(800);
const MAX_BODY: u64 = 64 << 10;

/// The list served first: addresses 0..10 (address 0 is only in A).
fn list_a() -> Vec<u8> {
    rows(0..10)
}

/// Addresses 1..11: address 0 delisted, address 10 added.
fn list_b() -> Vec<u8> {
    rows(1..11)
}

fn rows(range: std::ops::Range<usize>) -> Vec<u8> {
    let addrs = addresses();
    let entities: Vec<String> = range.clone().map(|i| format!("Entity {i}")).collect();
    let rows: Vec<(&str, &str)> = range
        .zip(&entities)
        .map(|(i, e)| (addrs[i].as_str(), e.as_str()))
        .collect();
    csv_list("feed", &rows)
}

fn addr(i: usize) -> String {
    addresses()[i].clone()
}

/// A builder for one source at `/feed` of `server`, no bundled lists, short
/// timeouts.
fn builder(server: &Server) -> LiveScreenerBuilder {
    let mut b = LiveScreener::builder();
    b.source(Source::url(
        server.url("/feed"),
        ListMeta::new("feed", Category::Custom),
    ))
    .bundled(false)
    .system_proxy(false)
    .connect_timeout(READ_TIMEOUT)
    .read_timeout(READ_TIMEOUT)
    .timeout(TOTAL_TIMEOUT)
    .max_body(MAX_BODY)
    .max_redirects(3);
    b
}

/// A live screener that has fetched list A (ETag `"a"`) from `/feed`.
fn serving_a(server: &Server) -> (LiveScreener, Arc<Version>) {
    server.route("/feed", Reply::ok(list_a()).etag("\"a\""));
    let live = builder(server).build().unwrap();
    let report = live.refresh().expect("initial fetch");
    assert!(report.swapped);
    assert_eq!(report.sources[0].status, FetchStatus::Fetched);
    let v = live.version();
    assert_eq!(report.version, v);
    assert_hit(&live, &addr(0), &v);
    (live, v)
}

fn assert_hit(live: &LiveScreener, address: &str, version: &Arc<Version>) {
    let v = live.check(address).unwrap();
    assert!(v.verdict.is_hit(), "{address} should be a hit: {v:?}");
    assert_eq!(&v.version, version, "answered by the expected list set");
    assert_eq!(v.verdict.hit().unwrap().version(), version);
}

fn assert_clear(live: &LiveScreener, address: &str) {
    let v = live.check(address).unwrap();
    assert!(
        matches!(v.verdict, Verdict::Clear { .. }),
        "{address} should be clear: {v:?}"
    );
}

/// One case of the refresh table.
struct Case {
    name: &'static str,
    /// Routes to set after list A is serving.
    routes: Vec<(&'static str, Reply)>,
    /// What the refresh must give.
    expect: fn(&Result<RefreshReport, UpdateError>) -> bool,
    /// Whether list A must still serve afterwards (else list B).
    keeps_a: bool,
}

fn refresh_cases() -> Vec<Case> {
    let slow = Duration::from_millis(40);
    vec![
        Case {
            name: "200 with a new list",
            routes: vec![("/feed", Reply::ok(list_b()).etag("\"b\""))],
            expect: |r| {
                r.as_ref().is_ok_and(|r| {
                    let s = &r.sources[0];
                    r.swapped
                        && s.status == FetchStatus::Fetched
                        && s.added.len() == 1
                        && s.added[0].address == addr(10)
                        && s.removed.len() == 1
                        && s.removed[0].address == addr(0)
                        && s.removed[0].entity.as_deref() == Some("Entity 0")
                })
            },
            keeps_a: false,
        },
        Case {
            name: "304 not modified",
            routes: vec![],
            expect: |r| {
                r.as_ref()
                    .is_ok_and(|r| !r.swapped && r.sources[0].status == FetchStatus::NotModified)
            },
            keeps_a: true,
        },
        Case {
            name: "404",
            routes: vec![("/feed", Reply::status(404))],
            expect: |r| matches!(r, Err(UpdateError::Status { code: 404, .. })),
            keeps_a: true,
        },
        Case {
            name: "500",
            routes: vec![("/feed", Reply::status(500))],
            expect: |r| matches!(r, Err(UpdateError::Status { code: 500, .. })),
            keeps_a: true,
        },
        Case {
            name: "timeout waiting for the response",
            routes: vec![(
                "/feed",
                Reply::ok(list_b()).delay(Duration::from_millis(1500)),
            )],
            expect: |r| matches!(r, Err(UpdateError::Timeout { .. })),
            keeps_a: true,
        },
        Case {
            name: "truncated body",
            routes: vec![("/feed", Reply::ok(list_b()).length(Length::Claim(5000)))],
            expect: |r| {
                matches!(
                    r,
                    Err(UpdateError::Truncated {
                        expected: 5000,
                        received,
                        ..
                    }) if *received < 5000
                )
            },
            keeps_a: true,
        },
        Case {
            name: "malformed XML",
            routes: vec![(
                "/feed",
                Reply::ok("<?xml version=\"1.0\"?>\n<sdnList>\n<sdnEntry><uid>1</uid>\n<idList>\n"),
            )],
            expect: |r| matches!(r, Err(UpdateError::Parse { .. })),
            keeps_a: true,
        },
        Case {
            name: "empty list",
            routes: vec![("/feed", Reply::ok("# id: feed\n# nothing listed today\n"))],
            expect: |r| matches!(r, Err(UpdateError::Empty { .. })),
            keeps_a: true,
        },
        Case {
            name: "shrink by more than 20 %",
            routes: vec![("/feed", Reply::ok(rows(0..7)))],
            expect: |r| {
                matches!(
                    r,
                    Err(UpdateError::Shrink {
                        before: 10,
                        after: 7,
                        ..
                    })
                )
            },
            keeps_a: true,
        },
        Case {
            name: "oversize body, announced",
            routes: vec![("/feed", Reply::ok(vec![b'1'; 100 << 10]))],
            expect: |r| {
                matches!(
                    r,
                    Err(UpdateError::TooLarge {
                        limit: MAX_BODY,
                        ..
                    })
                )
            },
            keeps_a: true,
        },
        Case {
            name: "oversize body, not announced",
            routes: vec![(
                "/feed",
                Reply::ok(vec![b'1'; 100 << 10]).length(Length::Close),
            )],
            expect: |r| {
                matches!(
                    r,
                    Err(UpdateError::TooLarge {
                        limit: MAX_BODY,
                        ..
                    })
                )
            },
            keeps_a: true,
        },
        Case {
            name: "redirect",
            routes: vec![
                ("/feed", Reply::redirect("/signed?X-Amz-Signature=abc")),
                ("/signed", Reply::ok(list_b())),
            ],
            expect: |r| {
                r.as_ref()
                    .is_ok_and(|r| r.swapped && r.sources[0].status == FetchStatus::Fetched)
            },
            keeps_a: false,
        },
        Case {
            name: "redirect loop",
            routes: vec![
                ("/feed", Reply::redirect("/elsewhere")),
                ("/elsewhere", Reply::redirect("/feed")),
            ],
            expect: |r| matches!(r, Err(UpdateError::RedirectLoop { .. })),
            keeps_a: true,
        },
        Case {
            name: "too many redirects",
            routes: vec![
                ("/feed", Reply::redirect("/r1")),
                ("/r1", Reply::redirect("/r2")),
                ("/r2", Reply::redirect("/r3")),
                ("/r3", Reply::redirect("/r4")),
                ("/r4", Reply::ok(list_b())),
            ],
            expect: |r| matches!(r, Err(UpdateError::TooManyRedirects { limit: 3, .. })),
            keeps_a: true,
        },
        Case {
            name: "slow body",
            // Each chunk arrives well within the read timeout; the whole
            // body would take seconds: the overall timeout stops it.
            // (about 80 chunks, 40 ms apart: over 3 s in all).
            routes: vec![("/feed", Reply::ok(list_b()).trickle(8, slow))],
            expect: |r| {
                matches!(r, Err(UpdateError::Timeout { after, .. })
                    if *after >= TOTAL_TIMEOUT && *after < Duration::from_millis(2500))
            },
            keeps_a: true,
        },
    ]
}

#[test]
fn each_refresh_outcome_leaves_the_last_good_list_serving() {
    for case in refresh_cases() {
        let server = Server::start();
        let (live, version_a) = serving_a(&server);
        for (path, reply) in case.routes {
            server.route(path, reply);
        }
        let started = Instant::now();
        let result = live.refresh();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{}: took {:?}",
            case.name,
            started.elapsed()
        );
        assert!((case.expect)(&result), "{}: got {result:?}", case.name);
        if let Err(e) = &result {
            assert!(!e.to_string().is_empty());
            let status = live.status();
            assert_eq!(status.failures, 1, "{}", case.name);
            assert!(status.last_error.is_some(), "{}", case.name);
        }
        if case.keeps_a {
            assert_eq!(live.version(), version_a, "{}: version changed", case.name);
            assert_hit(&live, &addr(0), &version_a);
            assert_clear(&live, &addr(10));
        } else {
            assert_ne!(live.version(), version_a, "{}", case.name);
            assert_clear(&live, &addr(0));
            assert_hit(&live, &addr(10), &live.version());
        }
    }
}

#[test]
fn conditional_get_sends_the_validators_back() {
    let server = Server::start();
    server.route(
        "/feed",
        Reply::ok(list_a())
            .etag("\"a\"")
            .header("Last-Modified", "Fri, 21 Mar 2025 00:00:00 GMT"),
    );
    let live = builder(&server).build().unwrap();
    live.refresh().unwrap();
    let report = live.refresh().unwrap();
    assert_eq!(report.sources[0].status, FetchStatus::NotModified);
    assert_eq!(report.sources[0].bytes, 0);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(!seen[0].headers.contains_key("if-none-match"));
    assert_eq!(seen[1].headers["if-none-match"], "\"a\"");
    assert_eq!(
        seen[1].headers["if-modified-since"],
        "Fri, 21 Mar 2025 00:00:00 GMT"
    );
}

#[test]
fn identical_bytes_are_unchanged_and_compile_nothing() {
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a())); // no validators
    let live = builder(&server).build().unwrap();
    let first = live.refresh().unwrap();
    let second = live.refresh().unwrap();
    assert_eq!(second.sources[0].status, FetchStatus::Unchanged);
    assert!(!second.swapped);
    assert_eq!(second.version, first.version);
    assert_eq!(second.sources[0].sha256, first.sources[0].sha256);
    assert_eq!(second.sources[0].sha256.len(), 64);
}

#[test]
fn force_accepts_shrinking_and_empty_lists() {
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()));
    let live = builder(&server).force(true).build().unwrap();
    live.refresh().unwrap();
    server.route("/feed", Reply::ok(rows(0..2)));
    let r = live.refresh().unwrap();
    assert_eq!(r.sources[0].removed.len(), 8);
    server.route("/feed", Reply::ok("# id: feed\n"));
    live.refresh().unwrap();
    assert_clear(&live, &addr(0));
}

#[test]
fn shrink_limit_is_inclusive_and_configurable() {
    let cases: &[(&str, f64, usize, bool)] = &[
        ("exactly 20 % fewer", 0.2, 8, true),
        ("30 % fewer", 0.2, 7, false),
        ("30 % fewer, limit 50 %", 0.5, 7, true),
        ("one fewer, limit 0", 0.0, 9, false),
        ("growth, limit 0", 0.0, 10, true),
    ];
    for &(name, max, keep, accepted) in cases {
        let server = Server::start();
        server.route("/feed", Reply::ok(list_a()));
        let live = builder(&server).max_shrink(max).build().unwrap();
        live.refresh().unwrap();
        let keep_rows = if keep == 10 {
            rows(0..11)
        } else {
            rows(0..keep)
        };
        server.route("/feed", Reply::ok(keep_rows));
        let r = live.refresh();
        assert_eq!(r.is_ok(), accepted, "{name}: {r:?}");
    }
}

#[test]
fn first_fetch_is_compared_with_the_bundled_list_it_replaces() {
    // A feed that calls itself fbi-dprk (79 bundled entries) with 10
    // entries: shrinks by 87 %.
    let server = Server::start();
    server.route(
        "/feed",
        Reply::ok(
            String::from_utf8(list_a())
                .unwrap()
                .replace("# id: feed", "# id: fbi-dprk"),
        ),
    );
    let live = builder(&server).bundled(true).build().unwrap();
    let bundled = live.version();
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(err, UpdateError::Shrink { before: 79, after: 10, ref id, .. } if id == "fbi-dprk"),
        "{err:?}"
    );
    assert_eq!(live.version(), bundled);
    assert!(live.check(&addr(50)).unwrap().verdict.is_hit());
}

#[test]
fn fallback_location_answers_when_the_first_fails() {
    let server = Server::start();
    server.route("/primary", Reply::status(503));
    server.route("/mirror", Reply::ok(list_a()));
    let source = Source::url(
        server.url("/primary"),
        ListMeta::new("feed", Category::Custom),
    )
    .fallback(Location::Url(server.url("/mirror")));
    let live = builder(&server)
        .no_sources()
        .source(source)
        .build()
        .unwrap();
    let r = live.refresh().unwrap();
    let s = &r.sources[0];
    assert_eq!(s.location, Location::Url(server.url("/mirror")));
    assert_eq!(s.failed.len(), 1);
    assert!(matches!(
        s.failed[0].1,
        UpdateError::Status { code: 503, .. }
    ));
    // Both failing: every error is reported.
    server.route("/mirror", Reply::status(404));
    server.route("/primary", Reply::status(500));
    let err = live.refresh().unwrap_err();
    match err {
        UpdateError::AllFailed { errors, .. } => assert_eq!(errors.len(), 2),
        other => panic!("{other:?}"),
    }
    assert!(live.check(&addr(0)).unwrap().verdict.is_hit());
}

#[test]
fn path_sources_work_like_urls() {
    let dir = TempDir::new("path-source");
    let file = dir.path().join("feed.csv");
    std::fs::write(&file, list_a()).unwrap();
    let live = LiveScreener::builder()
        .source(Source::path(&file, ListMeta::new("feed", Category::Custom)))
        .bundled(false)
        .build()
        .unwrap();
    assert_eq!(
        live.refresh().unwrap().sources[0].status,
        FetchStatus::Fetched
    );
    assert_eq!(
        live.refresh().unwrap().sources[0].status,
        FetchStatus::Unchanged
    );
    std::fs::write(&file, list_b()).unwrap();
    let r = live.refresh().unwrap();
    assert_eq!(r.sources[0].removed[0].address, addr(0));
    std::fs::remove_file(&file).unwrap();
    assert!(matches!(
        live.refresh().unwrap_err(),
        UpdateError::Io { .. }
    ));
    assert!(live.check(&addr(10)).unwrap().verdict.is_hit());
}

#[test]
fn staleness_flags_verdicts_and_strict_mode_fails_closed() {
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()));
    let clear = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    let cases: &[(&str, bool)] = &[("lenient", false), ("strict", true)];
    for &(name, strict) in cases {
        let live = builder(&server)
            .max_age(Duration::from_secs(1))
            .strict(strict)
            .build()
            .unwrap();
        // Never verified: stale.
        assert!(live.is_stale(), "{name}");
        let v = live.check(clear);
        if strict {
            let e = v.unwrap_err();
            assert_eq!(e.age, None, "{name}");
        } else {
            assert!(v.unwrap().stale, "{name}");
        }
        live.refresh().unwrap();
        let v = live.check(clear).unwrap();
        assert!(!v.stale, "{name}: fresh after a refresh");
        assert!(matches!(v.verdict, Verdict::Clear { .. }));
        std::thread::sleep(Duration::from_millis(1200));
        assert!(live.is_stale(), "{name}");
        // A hit is still a hit, an invalid input still invalid, flagged stale.
        let hit = live.check(&addr(0)).unwrap();
        assert!(hit.verdict.is_hit() && hit.stale, "{name}");
        let invalid = live.check("hello").unwrap();
        assert!(
            matches!(invalid.verdict, Verdict::Invalid { .. }) && invalid.stale,
            "{name}"
        );
        match live.check(clear) {
            Err(e) if strict => {
                assert!(e.age.unwrap() > Duration::from_secs(1));
                assert!(e.to_string().contains("stale"));
            }
            Ok(v) if !strict => assert!(v.stale),
            other => panic!("{name}: {other:?}"),
        }
        // A 304 or an unchanged body verifies again.
        live.refresh().unwrap();
        assert!(!live.check(clear).unwrap().stale, "{name}");
    }
}

#[test]
fn cache_serves_the_last_good_list_after_a_restart() {
    let dir = TempDir::new("cache");
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()).etag("\"a\""));
    let first = builder(&server).cache_dir(dir.path()).build().unwrap();
    assert!(matches!(first.cache_status(), CacheStatus::Missing { .. }));
    let r = first.refresh().unwrap();
    let cache = r.cache_written.clone().expect("cache written");
    assert!(cache.is_file());
    let version_a = first.version();
    drop(first);

    // Restart with the network down: the cache serves, still fresh.
    server.route("/feed", Reply::status(503));
    let second = builder(&server)
        .cache_dir(dir.path())
        .max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    assert!(
        matches!(second.cache_status(), CacheStatus::Loaded { lists: 1, .. }),
        "{:?}",
        second.cache_status()
    );
    assert_eq!(second.version(), version_a);
    assert!(!second.is_stale(), "verification time restored");
    assert!(second.refresh().is_err());
    assert_hit(&second, &addr(0), &version_a);

    // The cached ETag makes the next fetch conditional.
    server.route("/feed", Reply::ok(list_a()).etag("\"a\""));
    let r = second.refresh().unwrap();
    assert_eq!(r.sources[0].status, FetchStatus::NotModified);

    // A source no longer configured: its cached list is ignored.
    let other = LiveScreener::builder()
        .source(Source::url(
            server.url("/other"),
            ListMeta::new("feed", Category::Custom),
        ))
        .bundled(false)
        .cache_dir(dir.path())
        .build()
        .unwrap();
    assert!(matches!(
        other.cache_status(),
        CacheStatus::Loaded { lists: 0, .. }
    ));
    assert_clear(&other, &addr(0));
}

#[test]
fn corrupt_or_truncated_cache_is_ignored_with_a_warning() {
    let dir = TempDir::new("cache-bad");
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()));
    let live = builder(&server).cache_dir(dir.path()).build().unwrap();
    let path = live.refresh().unwrap().cache_written.unwrap();
    let good = std::fs::read(&path).unwrap();
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("byte flipped", {
            let mut b = good.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0x20;
            b
        }),
        ("empty", Vec::new()),
        (
            "not a snapshot",
            b"address\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n".to_vec(),
        ),
    ];
    for (name, bytes) in damages {
        std::fs::write(&path, &bytes).unwrap();
        server.route("/feed", Reply::status(500));
        let live = builder(&server)
            .bundled(true)
            .cache_dir(dir.path())
            .build()
            .unwrap();
        assert!(
            matches!(live.cache_status(), CacheStatus::Ignored { .. }),
            "{name}: {:?}",
            live.cache_status()
        );
        // The bundled lists serve; the feed's list does not.
        assert!(
            live.check("123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX")
                .unwrap()
                .verdict
                .is_hit()
        );
        let lists: Vec<String> = live
            .current()
            .lists()
            .iter()
            .map(|l| l.meta().id.clone())
            .collect();
        assert_eq!(lists, ["ofac-sdn", "fbi-dprk"], "{name}");
        // The next good refresh rewrites the cache.
        server.route("/feed", Reply::ok(list_a()));
        assert!(live.refresh().unwrap().cache_written.is_some(), "{name}");
        std::fs::write(&path, &good).unwrap();
    }
}

#[test]
fn background_refresher_refreshes_and_stops_promptly() {
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()));
    let live = builder(&server)
        .refresh_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    let handle = live.spawn_refresher().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !live.check(&addr(0)).unwrap().verdict.is_hit() {
        assert!(Instant::now() < deadline, "refresher never fetched");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.route("/feed", Reply::status(500));
    let deadline = Instant::now() + Duration::from_secs(5);
    while live.status().failures == 0 {
        assert!(Instant::now() < deadline, "refresher stopped refreshing");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        live.check(&addr(0)).unwrap().verdict.is_hit(),
        "still serving"
    );
    assert!(handle.is_running());
    let t = Instant::now();
    handle.stop();
    assert!(t.elapsed() < Duration::from_secs(2));

    // A long interval does not delay stopping (nor does dropping).
    let idle = builder(&server)
        .refresh_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    let handle = idle.spawn_refresher().unwrap();
    let t = Instant::now();
    drop(handle);
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    assert_eq!(idle.status().attempts, 0);
}

/// Two threads check without pause while the main thread swaps between two
/// list sets 1,000 times: every verdict must come from one complete set.
#[test]
fn checks_during_a_thousand_swaps_see_one_complete_version() {
    let addrs = addresses();
    let (only_a, only_b, shared) = (&addrs[0], &addrs[1], &addrs[2]);
    let set = |own: &str, entity: &str| {
        let bytes = csv_list("feed", &[(own, entity), (shared.as_str(), entity)]);
        let list = walletscreen::List::from_bytes(&bytes, ListMeta::new("feed", Category::Custom))
            .unwrap();
        ListSet::new(vec![list]).unwrap()
    };
    let a = set(only_a, "in A");
    let b = set(only_b, "in B");
    let (va, vb) = (a.version().clone(), b.version().clone());
    assert_ne!(va, vb);
    let live = LiveScreener::builder()
        .no_sources()
        .bundled(false)
        .build()
        .unwrap();
    live.replace(a.clone());

    let done = Arc::new(AtomicBool::new(false));
    let started = Arc::new(std::sync::Barrier::new(3));
    let checkers: Vec<_> = (0..2)
        .map(|_| {
            let (live, done, started) = (live.clone(), done.clone(), started.clone());
            let (va, vb) = (va.clone(), vb.clone());
            let inputs = [only_a.clone(), only_b.clone(), shared.clone()];
            std::thread::spawn(move || {
                let (mut n, mut seen_a, mut seen_b) = (0usize, false, false);
                started.wait();
                while !done.load(Ordering::Relaxed) {
                    for (i, input) in inputs.iter().enumerate() {
                        let v = live.check(input).expect("no staleness configured");
                        let is_a = if v.version == va {
                            true
                        } else if v.version == vb {
                            false
                        } else {
                            panic!("unknown version {:?}", v.version);
                        };
                        (seen_a, seen_b) = (seen_a || is_a, seen_b || !is_a);
                        let entity = v.verdict.hit().map(|h| {
                            (
                                h.version().clone(),
                                h.matches().next().unwrap().provenance().entity.clone(),
                            )
                        });
                        match (i, is_a, entity) {
                            // Only in A: a hit from A, clear from B.
                            (0, true, Some((hv, e))) => {
                                assert_eq!(hv, va);
                                assert_eq!(e.as_deref(), Some("in A"));
                            }
                            (0, false, None) | (1, true, None) => {}
                            (1, false, Some((hv, e))) => {
                                assert_eq!(hv, vb);
                                assert_eq!(e.as_deref(), Some("in B"));
                            }
                            // In both: entity of the set that answered.
                            (2, a, Some((hv, e))) => {
                                assert_eq!(hv, v.version);
                                assert_eq!(e.as_deref(), Some(if a { "in A" } else { "in B" }));
                            }
                            other => panic!("inconsistent verdict {other:?} for input {i}"),
                        }
                        n += 1;
                    }
                }
                (n, seen_a, seen_b)
            })
        })
        .collect();
    started.wait();
    for i in 0..1000 {
        let next = if i % 2 == 0 { b.clone() } else { a.clone() };
        live.replace(next);
        std::thread::yield_now();
    }
    done.store(true, Ordering::Relaxed);
    let mut total = 0;
    let (mut any_a, mut any_b) = (false, false);
    for c in checkers {
        let (n, sa, sb) = c.join().expect("a checker failed");
        total += n;
        any_a |= sa;
        any_b |= sb;
    }
    assert!(total > 0);
    assert!(
        any_a && any_b,
        "checkers saw both versions ({total} checks)"
    );
}

#[test]
fn sources_and_locations_parse() {
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        // input, expected location kind, stem, id
        (
            "https://example.org/lists/feed.csv?x=1",
            "url",
            Some("feed"),
            "feed",
        ),
        ("HTTP://example.org/a.txt", "url", Some("a"), "a"),
        ("lists/internal.txt", "path", Some("internal"), "internal"),
        ("file:///tmp/x.csv", "path", Some("x"), "x"),
        (
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML",
            "url",
            Some("SDN_ADVANCED"),
            "ofac-sdn",
        ),
        ("/data/sdn.xml", "path", Some("sdn"), "ofac-sdn"),
        ("https://example.org", "url", None, "list"),
    ];
    for &(input, kind, stem, id) in cases {
        let loc = Location::parse(input);
        let got_kind = match loc {
            Location::Url(_) => "url",
            Location::Path(_) => "path",
        };
        assert_eq!(got_kind, kind, "{input}");
        assert_eq!(loc.stem().as_deref(), stem, "{input}");
        let source = Source::parse(input);
        assert_eq!(source.meta().id, id, "{input}");
    }
    let ofac = Source::ofac_sdn();
    assert_eq!(ofac.meta().id, "ofac-sdn");
    assert_eq!(ofac.meta().category, Category::Sanctioned);
    assert_eq!(ofac.locations().len(), 2);
}

#[test]
fn a_list_that_changes_its_id_is_compared_with_the_previous_one() {
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()));
    let live = builder(&server).build().unwrap();
    live.refresh().unwrap();
    let renamed = String::from_utf8(rows(0..2))
        .unwrap()
        .replace("# id: feed", "# id: renamed");
    server.route("/feed", Reply::ok(renamed.clone()));
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(err, UpdateError::Shrink { before: 10, after: 2, ref id, .. } if id == "renamed"),
        "{err:?}"
    );
    // Renamed without shrinking: the old id no longer serves.
    let renamed = String::from_utf8(list_b())
        .unwrap()
        .replace("# id: feed", "# id: renamed");
    server.route("/feed", Reply::ok(renamed));
    let r = live.refresh().unwrap();
    assert_eq!(r.sources[0].list, "renamed");
    assert_eq!(r.sources[0].removed[0].address, addr(0));
    let ids: Vec<String> = live
        .current()
        .lists()
        .iter()
        .map(|l| l.meta().id.clone())
        .collect();
    assert_eq!(ids, ["renamed"]);
}

/// An OFAC file served over HTTP with a ticker never seen before: the list
/// is accepted, the address is screened, and the refresh report carries the
/// warning.
#[test]
fn ofac_xml_from_a_server_with_an_unknown_ticker_is_kept_and_reported() {
    let xml = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ofac/generated/SDN_ADVANCED.XML"),
    )
    .unwrap();
    let server = Server::start();
    server.route("/feed", Reply::ok(xml));
    let live = builder(&server).max_body(8 << 20).build().unwrap();
    let report = live.refresh().expect("the OFAC file parses");
    assert!(report.swapped);
    let src = &report.sources[0];
    assert!(src.entries > 900, "{}", src.entries);
    let unknown: Vec<_> = src
        .warnings
        .iter()
        .filter_map(|w| match w {
            walletscreen::list::ofac::OfacWarning::UnknownTicker {
                ticker, address, ..
            } => Some((ticker.clone(), address.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(unknown.len(), 1, "{:?}", src.warnings);
    assert_eq!(unknown[0].0, "NEW");
    let v = live.check(&unknown[0].1).unwrap();
    assert!(v.verdict.is_hit(), "{v:?}");
    // A real listed address from the same file screens too.
    assert!(
        live.check("0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
            .unwrap()
            .verdict
            .is_hit()
    );
}

// ---------------------------------------------------------------------------
// Integrity of fetched lists (issue 15)
// ---------------------------------------------------------------------------

/// A builder for one source at `url`, as `builder` but for any URL.
fn builder_at(url: &str) -> LiveScreenerBuilder {
    let mut b = LiveScreener::builder();
    b.source(Source::url(url, ListMeta::new("feed", Category::Custom)))
        .bundled(false)
        .system_proxy(false)
        .connect_timeout(READ_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .timeout(TOTAL_TIMEOUT)
        .max_body(MAX_BODY)
        .max_redirects(3);
    b
}

/// Plain HTTP is refused on any host but the loopback interface (before any
/// request), and so is a redirect to it, unless `allow_insecure_http`;
/// loopback HTTP (this server) works. Nothing is swapped in on a refusal.
#[test]
fn plain_http_is_refused_off_loopback_unless_allowed() {
    let far = "http://mirror.example.invalid/sdn_advanced.xml";
    let live = builder_at(far).bundled(true).build().unwrap();
    let before = live.version();
    let err = live.refresh().unwrap_err();
    match &err {
        UpdateError::InsecureHttp {
            url,
            target,
            downgrade: false,
        } => assert_eq!((url.as_str(), target.as_str()), (far, far)),
        e => panic!("{e:?}"),
    }
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
    assert_eq!(live.version(), before);
    assert!(
        live.check("123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX")
            .unwrap()
            .verdict
            .is_hit()
    );

    // A loopback server that redirects off loopback in plain HTTP.
    let server = Server::start();
    server.route("/feed", Reply::redirect(far));
    let live = builder(&server).build().unwrap();
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(
            &err,
            UpdateError::InsecureHttp { target, downgrade: false, .. } if target == far
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "the redirect is not followed");

    // Allowed: the request is made (and fails here: the host does not
    // exist), no longer refused for its scheme.
    let live = builder_at(far).allow_insecure_http(true).build().unwrap();
    let err = live.refresh().unwrap_err();
    assert!(!matches!(err, UpdateError::InsecureHttp { .. }), "{err:?}");
    // Loopback is fine without it (the server above, a plain list).
    server.route("/feed", Reply::ok(list_a()));
    assert!(builder(&server).build().unwrap().refresh().is_ok());
}

/// A source may pin the SHA-256 of its bytes: the right bytes load; other
/// bytes are refused before parsing, the last good list keeps serving and
/// the error says why.
#[test]
fn pinned_sha256_is_checked_before_parsing() {
    use sha2::Digest;
    let server = Server::start();
    server.route("/feed", Reply::ok(list_a()));
    let good = hex(&sha2::Sha256::digest(list_a()));
    let source = |sha: &str| {
        Source::url(server.url("/feed"), ListMeta::new("feed", Category::Custom))
            .sha256(sha)
            .unwrap()
    };
    // Upper-case hex is accepted too.
    assert_eq!(
        source(&good.to_ascii_uppercase()).expected_sha256(),
        source(&good).expected_sha256()
    );
    let mut b = LiveScreener::builder();
    b.source(source(&good)).bundled(false).system_proxy(false);
    let live = b.build().unwrap();
    live.refresh().expect("the pinned bytes");
    let v = live.version();
    assert_hit(&live, &addr(0), &v);
    // The mirror now serves other bytes (list B, or a malformed file):
    // refused, whatever they are, before parsing.
    for body in [list_b(), b"<html>not a list".to_vec()] {
        server.route("/feed", Reply::ok(body.clone()));
        let err = live.refresh().unwrap_err();
        match &err {
            UpdateError::Sha256Mismatch {
                expected, actual, ..
            } => {
                assert_eq!(expected, &good);
                assert_eq!(actual, &hex(&sha2::Sha256::digest(&body)));
            }
            e => panic!("{e:?}"),
        }
        assert!(err.to_string().contains("is not the expected"), "{err}");
        assert_eq!(live.version(), v);
        assert_hit(&live, &addr(0), &v);
        assert!(live.status().last_error.is_some());
    }
    // Not a digest.
    for bad in ["", "abc", &"g".repeat(64), &format!("{good}0")] {
        assert!(
            matches!(
                Source::parse("x.csv").sha256(bad),
                Err(UpdateError::BadSha256 { .. })
            ),
            "{bad:?}"
        );
    }
}

#[path = "support/hex.rs"]
mod hex;

use hex::hex;

const MINISIGN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minisign/");

/// A source may require a detached minisign signature (`FILE.minisig`
/// beside the file): a good one loads; a changed file, a missing signature
/// or one by another key is refused before parsing, and the last good list
/// keeps serving. Fixture: `tests/fixtures/minisign/` (a test key).
#[test]
fn minisign_signatures_are_checked_before_parsing() {
    let read = |name: &str| std::fs::read(format!("{MINISIGN_DIR}{name}")).unwrap();
    let (list, sig) = (read("list.csv"), read("list.csv.minisig"));
    let key = String::from_utf8(read("minisign.pub")).unwrap();
    let signed = "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D";

    // Over HTTP (loopback), with a query string: the signature is at
    // /list.csv.minisig?v=1.
    let server = Server::start();
    server.route("/list.csv", Reply::ok(list.clone()));
    server.route("/list.csv.minisig", Reply::ok(sig.clone()));
    let source = Source::url(
        server.url("/list.csv?v=1"),
        ListMeta::new("x", Category::Custom),
    )
    .minisign(&key)
    .unwrap();
    let mut b = LiveScreener::builder();
    b.source(source).bundled(false).system_proxy(false);
    let live = b.build().unwrap();
    live.refresh().expect("a good signature");
    let v = live.version();
    assert!(live.check(signed).unwrap().verdict.is_hit());

    // Then the list changes, the signature does not.
    let mut tampered = list.clone();
    let at = tampered.len() - 3;
    tampered[at] = b'X';
    server.route("/list.csv", Reply::ok(tampered));
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(&err, UpdateError::Signature { reason, signature, .. }
            if reason == "does not verify" && signature.ends_with("/list.csv.minisig?v=1")),
        "{err:?}"
    );
    assert_eq!(live.version(), v);
    assert!(live.check(signed).unwrap().verdict.is_hit());
    // No signature at all.
    server.route("/list.csv", Reply::ok(list.clone()));
    server.route("/list.csv.minisig", Reply::status(404));
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(&err, UpdateError::Signature { reason, .. } if reason.starts_with("not available")),
        "{err:?}"
    );
    // Not a signature.
    server.route("/list.csv.minisig", Reply::ok("hello"));
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(&err, UpdateError::Signature { reason, .. } if reason == "not a minisign signature"),
        "{err:?}"
    );
    assert_eq!(live.version(), v);

    // From a path, with another key: refused.
    let dir = TempDir::new("minisign");
    let path = dir.file("list.csv", &list);
    dir.file("list.csv.minisig", &sig);
    let other = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
    let live = LiveScreener::builder()
        .source(Source::parse(&path).minisign(other).unwrap())
        .bundled(false)
        .build()
        .unwrap();
    let err = live.refresh().unwrap_err();
    assert!(
        matches!(&err, UpdateError::Signature { reason, .. } if reason == "made with another key"),
        "{err:?}"
    );
    // The right key, from the path: accepted.
    let live = LiveScreener::builder()
        .source(Source::parse(&path).minisign(&key).unwrap())
        .bundled(false)
        .build()
        .unwrap();
    live.refresh().unwrap();
    assert!(live.check(signed).unwrap().verdict.is_hit());
    // Not keys.
    for bad in ["", "RWQf", "untrusted comment: x\n"] {
        assert!(
            matches!(
                Source::parse("x.csv").minisign(bad),
                Err(UpdateError::BadPublicKey { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn signature_locations() {
    for (loc, want) in [
        (
            "https://m.example/sdn.xml",
            "https://m.example/sdn.xml.minisig",
        ),
        (
            "https://m.example/sdn.xml?token=1#x",
            "https://m.example/sdn.xml.minisig?token=1#x",
        ),
        ("/var/lists/sdn.xml", "/var/lists/sdn.xml.minisig"),
    ] {
        assert_eq!(Location::parse(loc).signature().to_string(), want, "{loc}");
    }
}

/// Captures what the crate logs (one logger per test binary).
struct Capture(std::sync::Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if let Ok(mut v) = self.0.lock() {
            v.push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(std::sync::Mutex::new(Vec::new()));

#[test]
fn a_fetched_user_export_is_read_and_its_load_report_logged() {
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(log::LevelFilter::Info);
    let server = Server::start();
    // A semicolon export with a `wallet` column, not the first.
    let body = format!(
        "Owner;Wallet;Reason\r\nMule ring;{};mule account\r\nMule ring;{};cash-out\r\n",
        addr(3),
        addr(4)
    );
    server.route("/feed", Reply::ok(body));
    let live = builder(&server).build().unwrap();
    live.refresh().unwrap();
    let v = live.check(&addr(4)).unwrap();
    let hit = v.verdict.hit().expect("a hit");
    assert_eq!(
        hit.matches().next().unwrap().provenance().entity.as_deref(),
        Some("Mule ring")
    );
    assert_eq!(
        hit.matches().next().unwrap().provenance().programs,
        ["cash-out"]
    );
    let logged = CAPTURE.0.lock().unwrap().clone();
    assert!(
        logged
            .iter()
            .any(|l| l.contains("/feed: 2 entries, 2 addresses (")
                && l.contains("semicolon-separated with header, column 2 \"Wallet\" (by name)")),
        "{logged:#?}"
    );
    // A feed of names is refused: the last good list keeps serving.
    server.route("/feed", Reply::ok("Jane Doe\nJohn Smith\n"));
    assert!(matches!(
        live.refresh(),
        Err(UpdateError::Parse {
            source: walletscreen::LoadError::MostlyNotAddresses { .. },
            ..
        })
    ));
    assert!(live.check(&addr(4)).unwrap().verdict.is_hit());
}
