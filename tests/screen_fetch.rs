//! End-to-end tests of the batch binary's `--fetch` and `--cache` options:
//! they run the real executable against files and a real HTTP server on
//! 127.0.0.1 started by the test (no other network).

mod common;
#[path = "support/hex.rs"]
mod hex;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Reply, Server, TempDir, addresses, csv_list};
use hex::hex;
use serde_json::Value;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// OFAC SDN, Hydra Market (bundled list).
const OFAC_HYDRA: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
/// Bitcoin genesis address: valid, listed nowhere.
const GENESIS: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

/// Path of the example binary, built once per test run.
fn screen_bin() -> &'static Path {
    common::example::example("screen")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect()
    }

    /// `(verdict, first match's list)` per output line.
    fn verdicts(&self) -> Vec<(String, Option<String>)> {
        self.json()
            .iter()
            .map(|v| {
                (
                    v["verdict"].as_str().unwrap().to_owned(),
                    v["matches"][0]["list"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }
}

/// Runs the binary with `args` (JSON lines output), feeding `stdin`. Proxy
/// settings are removed so that the local server is reached directly.
fn run(args: &[&str], stdin: &str) -> Run {
    let mut cmd = Command::new(screen_bin());
    cmd.args(["--format", "jsonl"])
        .args(args)
        .current_dir(MANIFEST_DIR)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().expect("spawning screen");
    // The binary may exit (usage error) before reading: a broken pipe is
    // no failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A feed list (id `feed`) of addresses 0..n of the FBI list.
fn feed(n: usize) -> Vec<u8> {
    let addrs = addresses();
    let rows: Vec<(&str, &str)> = addrs[..n]
        .iter()
        .map(|a| (a.as_str(), "Feed entity"))
        .collect();
    csv_list("feed", &rows)
}

fn input() -> String {
    format!("{}\n{OFAC_HYDRA}\n{GENESIS}\n", addresses()[0])
}

fn hit(list: &str) -> (String, Option<String>) {
    ("hit".to_owned(), Some(list.to_owned()))
}

fn clear() -> (String, Option<String>) {
    ("clear".to_owned(), None)
}

#[test]
fn fetch_path_adds_its_list() {
    let dir = TempDir::new("fetch-path");
    let path = dir.path().join("feed.csv");
    std::fs::write(&path, feed(5)).unwrap();
    let r = run(
        &["--no-bundled", "--fetch", path.to_str().unwrap()],
        &input(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.verdicts(), [hit("feed"), clear(), clear()]);
    assert!(
        r.stderr.contains("screen: fetched ") && r.stderr.contains("5 entries"),
        "{}",
        r.stderr
    );
}

#[test]
fn fetch_url_from_a_local_server() {
    let server = Server::start();
    server.route("/lists/feed.csv", Reply::ok(feed(5)));
    let r = run(&["--fetch", &server.url("/lists/feed.csv")], &input());
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The bundled lists stay, beside the fetched one. Address 0 is also
    // in the bundled FBI list: the bundled match comes first.
    assert_eq!(r.verdicts(), [hit("fbi-dprk"), hit("ofac-sdn"), clear()]);
    let first = &r.json()[0];
    let lists: Vec<&str> = first["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["list"].as_str().unwrap())
        .collect();
    assert_eq!(lists, ["fbi-dprk", "feed"]);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn fetched_list_replaces_the_bundled_list_with_its_id() {
    let server = Server::start();
    // Claims to be the OFAC list, with 2 entries instead of 961.
    let small = String::from_utf8(feed(2))
        .unwrap()
        .replace("id: feed", "id: ofac-sdn");
    server.route("/sdn.csv", Reply::ok(small));
    let r = run(&["--fetch", &server.url("/sdn.csv")], &input());
    assert_eq!(r.code, 2, "the shrink guard refuses it: {}", r.stderr);
    assert!(r.stderr.contains("shrink"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn failed_fetches_without_cache_exit_two() {
    let dir = TempDir::new("fetch-fail");
    let xml = dir.path().join("SDN.XML");
    std::fs::write(&xml, "<?xml version=\"1.0\"?>\n<sdnList>\n<sdnEntry>\n").unwrap();
    let server = Server::start();
    server.route("/feed.csv", Reply::status(500));
    let missing = dir.path().join("missing.csv");
    let cases: &[(&str, String, &str)] = &[
        ("HTTP 500", server.url("/feed.csv"), "status 500"),
        (
            "unknown path",
            missing.to_str().unwrap().to_owned(),
            "missing.csv",
        ),
        ("malformed XML", xml.to_str().unwrap().to_owned(), "SDN.XML"),
    ];
    for (name, source, needle) in cases {
        let r = run(&["--fetch", source], &input());
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}");
        assert!(
            r.stderr.starts_with("screen: --fetch: "),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
    }
}

#[test]
fn cache_serves_when_the_fetch_fails_and_a_corrupt_cache_falls_back_to_bundled() {
    let dir = TempDir::new("fetch-cache");
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let server = Server::start();
    let url = server.url("/feed.csv");
    // Addresses 60.. are in the bundled FBI list too; use a feed whose
    // own address is listed nowhere else.
    let own = format!(
        "# id: feed\naddress,entity\n{GENESIS},Feed entity\n{},x\n",
        addresses()[0]
    );
    server.route("/feed.csv", Reply::ok(own));
    let args = ["--fetch", url.as_str(), "--cache", cache_arg];

    let fresh = run(&args, &input());
    assert_eq!(fresh.code, 1, "{}", fresh.stderr);
    assert_eq!(fresh.verdicts()[2], hit("feed"));
    let file = cache.join(walletscreen::update::CACHE_FILE);
    assert!(file.is_file(), "cache written");

    // Network trouble: the cache serves, with a warning.
    server.route("/feed.csv", Reply::status(503));
    let cached = run(&args, &input());
    assert_eq!(cached.code, 1, "{}", cached.stderr);
    assert_eq!(cached.verdicts()[2], hit("feed"));
    assert!(
        cached.stderr.contains("screen: warning: --fetch: ")
            && cached.stderr.contains("status 503")
            && cached.stderr.contains("cached in"),
        "{}",
        cached.stderr
    );

    // A corrupt cache: warning, and the bundled lists serve.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    let corrupt = run(&args, &input());
    assert_eq!(corrupt.code, 1, "{}", corrupt.stderr);
    assert_eq!(
        corrupt.verdicts(),
        [hit("fbi-dprk"), hit("ofac-sdn"), clear()],
        "bundled lists only"
    );
    assert!(
        corrupt.stderr.contains("screen: warning: ignoring cache")
            && corrupt.stderr.contains("checksum"),
        "{}",
        corrupt.stderr
    );
    assert!(
        corrupt.stderr.contains("no usable cache"),
        "{}",
        corrupt.stderr
    );

    // A truncated cache: the same.
    std::fs::write(&file, &bytes[..mid]).unwrap();
    let truncated = run(&args, &input());
    assert_eq!(truncated.verdicts()[2], clear());
    assert!(
        truncated.stderr.contains("truncated"),
        "{}",
        truncated.stderr
    );
}

#[test]
fn cache_without_fetch_is_a_usage_error() {
    let r = run(&["--cache", "/tmp/nowhere"], &input());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--cache needs --fetch"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn help_mentions_fetch_and_cache() {
    let r = run(&["--help"], "");
    assert_eq!(r.code, 0);
    for needle in ["--fetch URL|PATH", "--cache DIR"] {
        assert!(r.stdout.contains(needle), "help lacks {needle}");
    }
}

/// Integrity options (issue 15): plain HTTP off loopback is refused unless
/// `--allow-insecure-http`; `--fetch-sha256` pins the bytes of the
/// preceding `--fetch`.
#[test]
fn fetch_integrity_options() {
    let dir = TempDir::new("fetch-integrity");
    let path = dir.path().join("feed.csv");
    std::fs::write(&path, feed(5)).unwrap();
    let path = path.to_str().unwrap();
    let good: String = {
        use sha2::Digest;
        hex(&sha2::Sha256::digest(feed(5)))
    };
    let wrong = "0".repeat(64);

    let far = "http://mirror.example.invalid/sdn.csv";
    let r = run(&["--fetch", far], &input());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is plain HTTP"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    // Allowed: the request is made (and fails: no such host).
    let r = run(&["--fetch", far, "--allow-insecure-http"], &input());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("is plain HTTP"), "{}", r.stderr);

    let r = run(
        &["--no-bundled", "--fetch", path, "--fetch-sha256", &good],
        &input(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.verdicts(), [hit("feed"), clear(), clear()]);
    let r = run(
        &["--no-bundled", "--fetch", path, "--fetch-sha256", &wrong],
        &input(),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not the expected"), "{}", r.stderr);
    for (args, needle) in [
        (
            &["--fetch-sha256", &good, "--fetch", path][..],
            "must follow",
        ),
        (&["--fetch", path, "--fetch-sha256", "xyz"], "not a SHA-256"),
        (
            &[
                "--fetch",
                path,
                "--fetch-sha256",
                &good,
                "--fetch-sha256",
                &good,
            ],
            "one --fetch-sha256",
        ),
    ] {
        let r = run(args, &input());
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
}

/// `--list` of a list with the id of a bundled list (an OFAC SDN
/// publication is `ofac-sdn` whatever its file name) replaces the bundled
/// list, with or without `--fetch`: no duplicate-id error, one `ofac-sdn`.
#[test]
fn list_with_a_bundled_id_replaces_the_bundled_list() {
    let dir = TempDir::new("list-replaces");
    let own = dir.file(
        "mirror-2026.csv",
        &csv_list("ofac-sdn", &[(GENESIS, "Own entity")]),
    );
    let other = dir.file("feed.csv", &feed(3));
    for extra in [&[][..], &["--fetch", other.as_str()]] {
        let mut args = vec!["--list", own.as_str()];
        args.extend_from_slice(extra);
        let r = run(&args, &input());
        assert_eq!(r.code, 1, "{extra:?}: {}", r.stderr);
        // Hydra Market (only in the bundled ofac-sdn) is clear; the genesis
        // address is a hit of the replacing ofac-sdn.
        assert_eq!(r.verdicts()[1..], [clear(), hit("ofac-sdn")], "{extra:?}");
    }
}
