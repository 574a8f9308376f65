//! Live lists (`--source`) from a local HTTP source on 127.0.0.1: refresh,
//! a failed refresh keeping the last good lists, strict mode, atomic swaps
//! under load; and the graceful shutdown on SIGTERM.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Reply, Server, Service, TempDir, addresses, client, csv_list, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The path of the list on the local source.
const FEED: &str = "/feed.csv";

fn get_json(s: &Service, path: &str) -> (StatusCode, Value) {
    let r = client().get(s.url(path)).send().unwrap();
    let st = r.status();
    (st, serde_json::from_str(&r.text().unwrap()).unwrap())
}

fn verdict(s: &Service, address: &str) -> String {
    get_json(s, &format!("/v1/check/{address}")).1["verdict"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A feed of the base addresses 0..8 and `extra`, each with `entity`.
fn feed(extra: usize, entity: &str) -> Vec<u8> {
    let a = addresses();
    let mut rows: Vec<(&str, &str)> = (0..8).map(|i| (a[i].as_str(), entity)).collect();
    rows.push((a[extra].as_str(), entity));
    csv_list("feed", "custom", &rows)
}

#[test]
fn refresh_from_a_local_source() {
    let a = addresses();
    let source = Server::start();
    source.route(FEED, Reply::ok(feed(8, "in A")));
    let url = source.url(FEED);
    let s = Service::start(&[
        "--source",
        &url,
        "--no-bundled",
        "--refresh-interval",
        "200ms",
    ]);
    assert_eq!(verdict(&s, &a[8]), "hit");
    assert_eq!(verdict(&s, &a[9]), "clear");
    let lists = get_json(&s, "/v1/lists").1;
    assert_eq!(lists["mode"], "live");
    assert_eq!(lists["sources"], json!([url]));
    assert_eq!(lists["refresh"]["last_result"], "ok");
    assert_eq!(lists["lists"][0]["id"], "feed");
    // The source changes: the next refresh serves it.
    source.route(FEED, Reply::ok(feed(9, "in B")));
    assert!(eventually(Duration::from_secs(30), || verdict(&s, &a[9]) == "hit"));
    assert_eq!(verdict(&s, &a[8]), "clear");
    // The source fails: the last good lists keep serving, and it shows.
    source.route(FEED, Reply::status(500));
    assert!(eventually(Duration::from_secs(30), || {
        get_json(&s, "/v1/lists").1["refresh"]["last_result"] == "failed"
    }));
    let lists = get_json(&s, "/v1/lists").1;
    assert!(lists["refresh"]["failures"].as_u64().unwrap() >= 1);
    assert!(
        lists["refresh"]["last_error"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{lists}"
    );
    assert_eq!(verdict(&s, &a[9]), "hit");
    assert_eq!(get_json(&s, "/readyz").0, StatusCode::OK);
    let m = client()
        .get(s.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let failures: u64 = m
        .lines()
        .find_map(|l| l.strip_prefix("walletscreen_refresh_failures_total "))
        .unwrap_or_else(|| panic!("no refresh failures in\n{m}"))
        .trim()
        .parse()
        .unwrap();
    assert!(failures >= 1);
    assert!(m.contains("walletscreen_refresh_successes_total "));
    assert!(m.contains("walletscreen_refresh_last_success_timestamp_seconds "));
    assert!(m.contains("walletscreen_list_entries{list=\"feed\"} 9"));
}

#[test]
fn strict_mode_fails_closed_on_stale_lists() {
    let a = addresses();
    let dir = TempDir::new("strict");
    let list = dir.file("base.csv", &csv_list("base", "custom", &[(&a[0], "Base")]));
    // The source never answers: the lists were never verified, so stale.
    let source = Server::start();
    source.route(FEED, Reply::status(503));
    let s = Service::start(&[
        "--source",
        &source.url(FEED),
        "--list",
        &list,
        "--no-bundled",
        "--max-age",
        "1h",
        "--strict",
    ]);
    let (st, body) = get_json(&s, "/readyz");
    assert_eq!(
        (st, body["error"]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("not_ready"))
    );
    // A hit is still a hit; a clear is refused, on every contract.
    let (st, v) = get_json(&s, &format!("/v1/check/{}", a[0]));
    assert_eq!(
        (st, v["verdict"].as_str(), v["stale"].as_bool()),
        (StatusCode::OK, Some("hit"), Some(true))
    );
    let (st, v) = get_json(&s, &format!("/v1/check/{}", a[1]));
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("stale_lists"))
    );
    let (st, v) = get_json(&s, &format!("/api/v1/address/{}", a[1]));
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("stale_lists"))
    );
    let (_, v) = get_json(&s, &format!("/api/v1/address/{}", a[0]));
    assert_eq!(v["identifications"][0]["category"], "custom");
    let r = client()
        .post(s.url("/public/v1/sanctions/screening"))
        .json(&json!([{"address": a[1]}]))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let r = client()
        .post(s.url("/v1/check"))
        .header("content-type", "application/x-ndjson")
        .body(format!("{}\n{}\n", a[0], a[1]))
        .send()
        .unwrap();
    let lines: Vec<Value> = r
        .text()
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["verdict"], "hit");
    assert_eq!(
        (
            lines[1]["line"].as_u64(),
            lines[1]["error"]["code"].as_str()
        ),
        (Some(2), Some("stale_lists"))
    );
    let lists = get_json(&s, "/v1/lists").1;
    assert_eq!(
        (lists["stale"].as_bool(), lists["strict"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(lists["refresh"]["last_result"], "failed");
    let m = client()
        .get(s.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(m.contains("walletscreen_lists_stale 1"), "{m}");
}

/// The feed with the same entries and another `as_of`: a refresh swaps
/// it in (other bytes) without recording removals in the listing history.
fn dated_feed(as_of: &str) -> Vec<u8> {
    let a = addresses();
    let mut s = format!(
        "# walletscreen-list: v1\n# id: feed\n# category: custom\n# as_of: {as_of}\naddress,entity\n"
    );
    for x in &a[..9] {
        s.push_str(&format!("{x},Entity\n"));
    }
    s.into_bytes()
}

#[test]
fn atomic_swaps_under_load() {
    let a = addresses();
    // Every fetch alternates two publications: every refresh swaps the set.
    let source = Server::start();
    source.route_cycle(
        FEED,
        vec![
            Reply::ok(dated_feed("2026-11-01")),
            Reply::ok(dated_feed("2026-11-02")),
        ],
    );
    let s = Service::start(&[
        "--source",
        &source.url(FEED),
        "--no-bundled",
        "--refresh-interval",
        "1ms",
    ]);
    let done = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..2)
        .map(|t| {
            let (done, requests) = (done.clone(), requests.clone());
            let batch = s.url("/v1/check");
            let chainalysis = s.url(&format!("/api/v1/address/{}", a[8]));
            let addrs = [a[0].clone(), a[1].clone(), a[8].clone(), a[20].clone()];
            std::thread::spawn(move || {
                let c = client();
                let mut versions = std::collections::HashSet::new();
                let mut n = 0u64;
                while !done.load(Ordering::Relaxed) {
                    n += 1;
                    if t == 1 && n.is_multiple_of(2) {
                        // The list's as_of (read from the set's list
                        // infos) and the set's date (read from the hit)
                        // agree: one set answered.
                        let r = c.get(&chainalysis).send().expect("a request failed");
                        assert_eq!(r.status(), StatusCode::OK);
                        let v: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
                        let d = v["identifications"][0]["description"]
                            .as_str()
                            .unwrap()
                            .to_owned();
                        let ok = ["2026-11-01", "2026-11-02"]
                            .iter()
                            .any(|day| d.contains(&format!("list feed of {day}, list set {day} ")));
                        assert!(ok, "torn: {d}");
                    } else {
                        let r = c
                            .post(&batch)
                            .json(&json!({"addresses": addrs}))
                            .send()
                            .expect("a request failed");
                        assert_eq!(r.status(), StatusCode::OK);
                        let v: Value = serde_json::from_str(&r.text().unwrap()).unwrap();
                        let r = v["results"].as_array().unwrap();
                        // One set answered every address: never torn.
                        let set = &r[0]["list_set"];
                        assert!(r.iter().all(|x| &x["list_set"] == set), "torn: {v}");
                        let kinds: Vec<&str> =
                            r.iter().map(|x| x["verdict"].as_str().unwrap()).collect();
                        assert_eq!(kinds, ["hit", "hit", "hit", "clear"], "{v}");
                        assert!(r[..3].iter().all(|x| &x["version"] == set), "torn: {v}");
                        versions.insert(set["date"].as_str().unwrap().to_owned());
                    }
                    requests.fetch_add(1, Ordering::Relaxed);
                }
                versions.len()
            })
        })
        .collect();
    let start = Instant::now();
    let successes = |s: &Service| {
        let l = get_json(s, "/v1/lists").1;
        let r = &l["refresh"];
        r["attempts"].as_u64().unwrap() - r["failures"].as_u64().unwrap()
    };
    while successes(&s) < 1001 {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "only {} refreshes",
            successes(&s)
        );
        assert!(
            clients.iter().all(|c| !c.is_finished()),
            "a client thread failed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    done.store(true, Ordering::Relaxed);
    for c in clients {
        let versions = c.join().expect("a client saw a failed or torn request");
        assert_eq!(versions, 2, "a client saw {versions} list sets");
    }
    let l = get_json(&s, "/v1/lists").1;
    assert_eq!(l["refresh"]["failures"], 0, "{l}");
    // Each successful refresh fetched other bytes than the set it replaced.
    assert!(source.requests().len() > 1000);
    assert!(requests.load(Ordering::Relaxed) > 100);
}

#[test]
fn sigterm_lets_in_flight_requests_finish_and_exits_0() {
    let mut s = Service::start(&[]);
    let hydra = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let line = format!("{hydra}\n");
    let chunk = format!("{:x}\r\n{line}\r\n", line.len());
    c.write_all(
        format!("POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}")
            .as_bytes(),
    )
    .unwrap();
    // The first answer is out: the request is in flight.
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("\"verdict\":\"hit\"") {
        let n = c.read(&mut buf).unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    s.sigterm();
    // New connections are refused once the listener is closed.
    assert!(
        eventually(Duration::from_secs(10), || TcpStream::connect(s.addr)
            .is_err()),
        "still accepting after SIGTERM"
    );
    // The in-flight request goes on to its end.
    c.write_all(chunk.as_bytes()).unwrap();
    c.write_all(b"0\r\n\r\n").unwrap();
    let _ = c.read_to_end(&mut got);
    let text = String::from_utf8_lossy(&got);
    assert_eq!(text.matches("\"verdict\":\"hit\"").count(), 2, "{text}");
    let status = s
        .wait(Duration::from_secs(30))
        .expect("still running after SIGTERM");
    assert_eq!(status.code(), Some(0), "{}", s.log());
    assert!(s.log().contains("shutting down"));
}
