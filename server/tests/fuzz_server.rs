//! The `server` fuzz target without cargo-fuzz: every file of
//! `fuzz/corpus/server/` and `fuzz/regressions/server/` replayed through the
//! target's invariant (`fuzz/server_invariant.rs`, the same code), under
//! plain `cargo test`; and, `#[ignore]`d, a random mutation loop on the
//! stable toolchain (`fuzz_server_random`, how long:
//! `WALLETSCREEN_FUZZ_SECS`, default 60) that saves any failing input under
//! `fuzz/regressions/server/`. See FUZZING.md.

#[allow(dead_code)]
#[path = "../../fuzz/server_invariant.rs"]
mod server_invariant;

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LAZARUS: &str = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
const CLEAR: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

#[path = "../../tests/support/corpus.rs"]
mod corpus;
use corpus::files;

/// One seed: flags (method | auth << 3 | key << 4 | content type << 5),
/// path, query, headers, body.
fn seed(flags: u8, path: &[u8], query: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut v = vec![flags];
    v.extend_from_slice(path);
    v.push(0);
    v.extend_from_slice(query.as_bytes());
    v.push(0);
    v.extend_from_slice(headers.as_bytes());
    v.push(0);
    v.extend_from_slice(body);
    v
}

/// Template `i` of `server_invariant::TEMPLATES` with `rest` as its address.
fn t(i: u8, rest: &str) -> Vec<u8> {
    let mut v = vec![i + 1];
    v.extend_from_slice(rest.as_bytes());
    v
}

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    const GET: u8 = 0;
    const POST: u8 = 1;
    const HEAD: u8 = 4;
    const DELETE: u8 = 3;
    const AUTH: u8 = 8;
    const KEY: u8 = 16;
    const JSON: u8 = 1 << 5;
    const NDJSON: u8 = 2 << 5;
    const TEXT: u8 = 3 << 5;
    let batch = format!(r#"{{"addresses": ["{LAZARUS}", "{CLEAR}", "nonsense", ""]}}"#);
    let too_many = format!(
        r#"{{"addresses": [{}]}}"#,
        vec![format!("\"{CLEAR}\""); 65].join(",")
    );
    let ndjson = format!("\"{LAZARUS}\"\n{{\"address\": \"{CLEAR}\"}}\n{LAZARUS}\n\n{{bad\n");
    let trm = format!(r#"[{{"address": "{LAZARUS}"}}, {{"address": "{CLEAR}"}}]"#);
    vec![
        ("chainalysis-listed", seed(GET, &t(0, LAZARUS), "", "", b"")),
        ("chainalysis-clear", seed(GET, &t(0, CLEAR), "", "", b"")),
        (
            "chainalysis-uri",
            seed(GET, &t(0, &format!("ethereum:{LAZARUS}@1")), "", "", b""),
        ),
        ("trm", seed(POST | JSON, &t(1, ""), "", "", trm.as_bytes())),
        (
            "trm-bad",
            seed(POST | JSON, &t(1, ""), "", "", b"[{\"addr\": 1}"),
        ),
        (
            "check-path-as-of",
            seed(GET, &t(2, LAZARUS), "as_of=2020-01-01", "", b""),
        ),
        (
            "check-query",
            seed(
                GET,
                &t(3, ""),
                &format!("address=ethereum:{LAZARUS}@1"),
                "",
                b"",
            ),
        ),
        (
            "check-query-bad-date",
            seed(GET, &t(3, ""), "address=x&as_of=2020-13-99", "", b""),
        ),
        (
            "check-batch",
            seed(POST | JSON, &t(3, ""), "", "", batch.as_bytes()),
        ),
        (
            "check-batch-too-large",
            seed(POST | JSON, &t(3, ""), "", "", too_many.as_bytes()),
        ),
        (
            "check-batch-bad-json",
            seed(POST | JSON, &t(3, ""), "", "", b"{\"addresses\": [1, 2"),
        ),
        (
            "check-ndjson",
            seed(POST | NDJSON, &t(3, ""), "", "", ndjson.as_bytes()),
        ),
        ("check-text", seed(POST | TEXT, &t(3, ""), "", "", b"hello")),
        (
            "scan",
            seed(
                POST | TEXT,
                &t(4, ""),
                "",
                "",
                format!("pay {LAZARUS} now").as_bytes(),
            ),
        ),
        (
            "lists-keyed",
            seed(GET | AUTH | KEY, &t(5, ""), "", "", b""),
        ),
        ("lists-no-key", seed(GET | AUTH, &t(5, ""), "", "", b"")),
        (
            "lists-bearer",
            seed(
                GET | AUTH,
                &t(5, ""),
                "",
                &format!("authorization: Bearer {}", server_invariant::KEY),
                b"",
            ),
        ),
        (
            "lists-basic-bad",
            seed(
                GET | AUTH,
                &t(5, ""),
                "",
                "authorization: Basic !!!notbase64",
                b"",
            ),
        ),
        ("healthz", seed(GET, &t(6, ""), "", "", b"")),
        ("readyz", seed(GET, &t(7, ""), "", "", b"")),
        ("metrics", seed(GET, &t(8, ""), "", "", b"")),
        ("openapi", seed(GET, &t(9, ""), "", "", b"")),
        ("page", seed(GET, &t(10, ""), "", "", b"")),
        ("head-healthz", seed(HEAD, &t(6, ""), "", "", b"")),
        ("delete-check", seed(DELETE, &t(3, ""), "", "", b"")),
        (
            "raw-path",
            seed(GET, b"/v1/../etc/passwd%00", "a=%ZZ", "", b""),
        ),
        (
            "oversize",
            seed(
                POST | JSON,
                &t(3, ""),
                "",
                "",
                &vec![b' '; (server_invariant::MAX_BODY + 1) as usize],
            ),
        ),
    ]
}

/// Writes the seed corpus (`fuzz/corpus/server/`).
#[test]
#[ignore = "writes fuzz/corpus/server/"]
fn write_server_seed_corpus() {
    let dir = fuzz_dir().join("corpus/server");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in seeds() {
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}

#[test]
fn server_corpus_replays() {
    let corpus = files(&fuzz_dir().join("corpus/server"));
    assert!(
        corpus.len() >= seeds().len(),
        "fuzz/corpus/server holds {} files: write it with \
         cargo test -p walletscreen-server --test fuzz_server -- --ignored write_server_seed_corpus",
        corpus.len()
    );
    let all: Vec<PathBuf> = corpus
        .into_iter()
        .chain(files(&fuzz_dir().join("regressions/server")))
        .collect();
    let mut failed = Vec::new();
    for path in &all {
        let data = std::fs::read(path).unwrap();
        if catch_unwind(AssertUnwindSafe(|| server_invariant::check(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "server invariant failed on: {failed:#?}");
}

/// The seeds decode to what they say: each endpoint is reached, and the
/// statuses are the ones the contracts give (so the replay exercises the
/// handlers, not only the 404 fallback).
#[test]
fn server_seeds_reach_their_endpoints() {
    for (name, data) in seeds() {
        let (req, _, _) = server_invariant::request(&data).expect(name);
        let path = req.uri().path().to_owned();
        assert!(!path.is_empty() && path.starts_with('/'), "{name}: {path}");
        if name.starts_with("check-batch") || name == "check-ndjson" {
            assert_eq!(path, "/v1/check", "{name}");
        }
        if name.starts_with("chainalysis") {
            assert!(path.starts_with("/api/v1/address/"), "{name}: {path}");
        }
        let (what, _, status, _, body) = server_invariant::answer(&data).expect(name);
        let expected = match name {
            "trm-bad" | "check-query-bad-date" | "check-batch-bad-json" => 400,
            "lists-no-key" | "lists-basic-bad" => 401,
            "raw-path" => 404,
            "delete-check" => 405,
            "check-batch-too-large" | "oversize" => 413,
            "check-text" => 415,
            _ => 200,
        };
        assert_eq!(
            status.as_u16(),
            expected,
            "{name}: {what}: {}",
            String::from_utf8_lossy(&body)
        );
    }
}

/// A tiny xorshift generator (no dependency; the loop needs speed and
/// variety, not quality).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"\0",
    b"\n",
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"%",
    b"%00",
    b"%FF",
    b"?",
    b"&",
    b"=",
    b"/",
    b"..",
    b"as_of=",
    b"address=",
    b"2019-09-13",
    b"9999-99-99",
    b"{\"addresses\": [",
    b"{\"address\": \"",
    b"\"]}",
    b"\\u0000",
    b"\xF0\x9F\x92\xA9",
    b"\xFF\xFE",
    b"ethereum:",
    b"bitcoin:",
    b"@1",
    b"content-type: application/x-ndjson",
    b"authorization: Basic ",
    b"authorization: Bearer ",
    b"x-api-key: ",
    b"fuzz-key-0123456789",
    b"0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
    b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    b"1e400",
    b"-1",
    b"null",
    b"true",
    b"\r\n",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                input.drain(i..i + n);
            }
            3 => {
                let i = rng.below(len + 1);
                let tok = TOKENS[rng.below(TOKENS.len())];
                input.splice(i..i, tok.iter().copied());
            }
            4 if len > 1 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let part = input[i..i + n].to_vec();
                let j = rng.below(len + 1);
                input.splice(j..j, part);
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            6 if len > 0 => {
                input[0] = rng.next() as u8;
            }
            _ if len > 0 => {
                let i = rng.below(len);
                input[i] = TOKENS[rng.below(TOKENS.len())][0];
            }
            _ => input.push(rng.next() as u8),
        }
    }
    input.truncate(64 * 1024);
}

/// Random mutations of the corpus through the invariant for
/// `WALLETSCREEN_FUZZ_SECS` seconds (default 60); prints how many
/// executions ran. A failing input is saved under
/// `fuzz/regressions/server/` and fails the test.
#[test]
#[ignore = "a long-running fuzz loop: WALLETSCREEN_FUZZ_SECS=N cargo test --release -p walletscreen-server --test fuzz_server -- --ignored fuzz_server_random"]
fn fuzz_server_random() {
    let secs: u64 = std::env::var("WALLETSCREEN_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed_value: u64 = std::env::var("WALLETSCREEN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_0001);
    let seeds: Vec<Vec<u8>> = files(&fuzz_dir().join("corpus/server"))
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!seeds.is_empty(), "no corpus");
    // Panics are expected to be caught and reported once, not printed for
    // every input.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed_value | 1);
    let start = Instant::now();
    let limit = Duration::from_secs(secs);
    let mut runs: u64 = 0;
    let mut input = Vec::new();
    while start.elapsed() < limit {
        for _ in 0..256 {
            if rng.below(4) == 0 || input.is_empty() {
                input.clone_from(&seeds[rng.below(seeds.len())]);
            }
            mutate(&mut rng, &seeds, &mut input);
            runs += 1;
            if let Err(e) = catch_unwind(AssertUnwindSafe(|| server_invariant::check(&input))) {
                let _ = std::panic::take_hook();
                let dir = fuzz_dir().join("regressions/server");
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join(format!("random-{seed_value}-{runs}"));
                std::fs::write(&path, &input).unwrap();
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                panic!(
                    "the invariant failed after {runs} runs: {msg}\ninput saved as {}",
                    path.display()
                );
            }
        }
    }
    let _ = std::panic::take_hook();
    let el = start.elapsed().as_secs_f64();
    let _ = writeln!(
        std::io::stderr().lock(),
        "fuzz_server_random: {runs} executions in {el:.1} s ({:.0}/s), seed {seed_value}, 0 failures",
        runs as f64 / el
    );
}
