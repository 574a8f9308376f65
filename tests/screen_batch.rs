//! End-to-end tests of the batch binary's file-scale features (issue 4):
//! CSV/TSV and JSON-lines input, csv/jsonl/text output against golden
//! files, `--hits-only`, `--scan`, bad lines, and a 1,000,000-line run.
//!
//! Golden files live in `tests/golden/batch/`, screened against the
//! fixture list `tests/golden/batch/list.csv` with `--no-bundled`, so that
//! they do not change when the bundled lists do. To rewrite them after an
//! intended change: `WALLETSCREEN_UPDATE_GOLDEN=1 cargo test --test
//! screen_batch`, then review the diff.

mod common;

use std::io::Write;
use std::path::Path;

use serde_json::Value;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const GOLDEN: &str = "tests/golden/batch";
const LIST: &str = "tests/golden/batch/list.csv";

/// OFAC SDN, Hydra Market (bundled list, and the fixture list).
const OFAC_HYDRA: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
/// Bitcoin genesis address: valid, listed nowhere.
const GENESIS: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
/// A valid P2SH address, listed nowhere.
const P2SH: &str = "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm";

// ---------------------------------------------------------------- harness

/// Path of the example binary, built once per test run.
fn screen_bin() -> &'static Path {
    common::example::example("screen")
}

use common::TempDir;
use common::example::Run;

/// Runs the binary with `args`, feeding `stdin`.
fn run(args: &[&str], stdin: &[u8]) -> Run {
    common::example::run(screen_bin(), args, stdin)
}

/// `(line, input, verdict)` of jsonl records.
fn triples(values: &[Value]) -> Vec<(u64, String, String)> {
    values
        .iter()
        .map(|v| {
            (
                v["line"].as_u64().unwrap(),
                v["input"].as_str().unwrap().to_owned(),
                v["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

// ----------------------------------------------------------------- golden

/// Compares (or with WALLETSCREEN_UPDATE_GOLDEN=1 rewrites) a golden file.
fn golden(name: &str, got: &str) {
    let path = Path::new(MANIFEST_DIR).join(GOLDEN).join(name);
    if std::env::var_os("WALLETSCREEN_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (WALLETSCREEN_UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    assert_eq!(got, want, "output differs from {}", path.display());
}

#[test]
fn golden_outputs_for_every_input_and_output_format() {
    // (golden name, input options, input file, expected exit status)
    let cases: &[(&str, &[&str], &str, i32)] = &[
        ("addresses", &[], "addresses.txt", 1),
        ("records-csv", &["--column", "wallet"], "records.csv", 1),
        ("records-tsv", &["--column", "3"], "records.tsv", 1),
        ("records-jsonl", &["--field", "wallet"], "records.jsonl", 1),
        (
            "records-jsonl-dotted",
            &["--field", "tx.to"],
            "records.jsonl",
            1,
        ),
        ("memo-scan", &["--scan"], "memo.txt", 1),
    ];
    for (name, opts, input, code) in cases {
        for format in ["text", "jsonl", "csv"] {
            let input = format!("{GOLDEN}/{input}");
            let mut args = vec!["--no-bundled", "--list", LIST, "--format", format];
            args.extend_from_slice(opts);
            args.push(&input);
            let r = run(&args, b"");
            assert_eq!(r.code, *code, "{name} {format}: {}", r.stderr);
            golden(&format!("{name}.{format}"), &r.stdout);
        }
    }
}

#[test]
fn hits_only_keeps_hit_records_in_every_format() {
    let input = format!("{GOLDEN}/addresses.txt");
    for format in ["text", "jsonl", "csv"] {
        let all = run(
            &["--no-bundled", "--list", LIST, "--format", format, &input],
            b"",
        );
        let hits = run(
            &[
                "--no-bundled",
                "--list",
                LIST,
                "--format",
                format,
                "--hits-only",
                &input,
            ],
            b"",
        );
        assert_eq!(hits.code, 1);
        let kept: Vec<&str> = all
            .stdout
            .lines()
            .filter(|l| {
                l.starts_with("file,")
                    || l.contains("\tHIT\t")
                    || l.contains("\"verdict\":\"hit\"")
                    || l.contains(",hit,")
            })
            .collect();
        assert_eq!(hits.stdout.lines().collect::<Vec<_>>(), kept, "{format}");
        // The summary still counts everything.
        assert!(
            hits.stderr
                .contains("screen: 7 lines, 3 hits, 1 clear, 3 invalid"),
            "{}",
            hits.stderr
        );
    }
}

// ------------------------------------------------------------- CSV cases

#[test]
fn csv_edge_cases() {
    let dir = TempDir::new("csv");
    // (name, file name, contents, options, expected (line, input, verdict))
    type Case<'a> = (
        &'a str,
        &'a str,
        String,
        &'a [&'a str],
        Vec<(u64, &'a str, &'a str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "header name matched case-insensitively",
            "a.csv",
            format!(" Address ,x\n{GENESIS},1\n"),
            &["--column", "address"],
            vec![(2, GENESIS, "clear")],
        ),
        (
            "index, header detected",
            "b.csv",
            format!("address,x\n{GENESIS},1\n"),
            &["--column", "1"],
            vec![(2, GENESIS, "clear")],
        ),
        (
            "index, no header",
            "c.csv",
            format!("{GENESIS},1\n{P2SH},2\n"),
            &["--column", "1"],
            vec![(1, GENESIS, "clear"), (2, P2SH, "clear")],
        ),
        (
            "--header no screens the first record",
            "d.csv",
            format!("address\n{GENESIS}\n"),
            &["--column", "1", "--header", "no"],
            vec![(1, "address", "invalid"), (2, GENESIS, "clear")],
        ),
        (
            "--header yes skips an address-looking first record",
            "e.csv",
            format!("{P2SH}\n{GENESIS}\n"),
            &["--column", "1", "--header", "yes"],
            vec![(2, GENESIS, "clear")],
        ),
        (
            "quoted delimiter, doubled quotes, embedded newline",
            "f.csv",
            format!("n,w\n\"a, \"\"b\"\"\nc\",{GENESIS}\n\"x\",\"{P2SH}\"\n"),
            &["--column", "w"],
            vec![(2, GENESIS, "clear"), (4, P2SH, "clear")],
        ),
        (
            "BOM and CRLF",
            "g.csv",
            format!("\u{feff}wallet,n\r\n{GENESIS},1\r\n{OFAC_HYDRA},2\r\n"),
            &["--column", "wallet"],
            vec![(2, GENESIS, "clear"), (3, OFAC_HYDRA, "hit")],
        ),
        (
            "missing column is a bad line",
            "h.csv",
            format!("a,w\n1\n2,{GENESIS}\n"),
            &["--column", "w"],
            vec![(2, "", "invalid"), (3, GENESIS, "clear")],
        ),
        (
            "blank lines are skipped, line numbers kept",
            "i.csv",
            format!("w\n\n{GENESIS}\n\n\n{P2SH}\n"),
            &["--column", "w"],
            vec![(3, GENESIS, "clear"), (6, P2SH, "clear")],
        ),
        (
            "TSV by extension",
            "j.tsv",
            format!("n\tw\nx, y\t{GENESIS}\n"),
            &["--column", "w"],
            vec![(2, GENESIS, "clear")],
        ),
        (
            "--delimiter",
            "k.txt",
            format!("n;w\nx,y;{GENESIS}\n"),
            &["--column", "2", "--delimiter", ";"],
            vec![(2, GENESIS, "clear")],
        ),
        (
            "empty file",
            "l.csv",
            String::new(),
            &["--column", "w"],
            vec![],
        ),
        (
            "field with surrounding spaces is normalized",
            "m.csv",
            format!("w\n\"  {OFAC_HYDRA} \"\n"),
            &["--column", "w"],
            vec![(2, "  123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX ", "hit")],
        ),
    ];
    for (name, file, contents, opts, want) in &cases {
        let path = dir.file(file, contents.as_bytes());
        let mut args = vec!["--format", "jsonl"];
        args.extend_from_slice(opts);
        args.push(&path);
        let r = run(&args, b"");
        let hit = want.iter().any(|w| w.2 == "hit");
        assert_eq!(r.code, i32::from(hit), "{name}: {}", r.stderr);
        let got = triples(&r.json());
        let want: Vec<(u64, String, String)> = want
            .iter()
            .map(|(l, i, v)| (*l, (*i).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn csv_header_note_and_missing_column_report() {
    let dir = TempDir::new("csvnote");
    let path = dir.file("a.csv", format!("address\n{GENESIS}\n1,2\n").as_bytes());
    let r = run(&["--column", "1", &path], b"");
    assert!(
        r.stderr.contains("line 1 taken as a header"),
        "{}",
        r.stderr
    );
    let path = dir.file("b.csv", format!("a,w\n1\n2,{GENESIS}\n").as_bytes());
    let r = run(&["--column", "w", &path], b"");
    assert_eq!(r.code, 0, "a bad line is no error");
    assert!(
        r.stderr
            .contains(&format!("{path}: line 2: missing column \"w\"")),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.starts_with("2\tINVALID\t\tmissing column"),
        "{}",
        r.stdout
    );
}

#[test]
fn csv_column_name_not_in_header_is_an_error_and_other_files_go_on() {
    let dir = TempDir::new("csvname");
    let bad = dir.file("bad.csv", format!("a,b\n{GENESIS},1\n").as_bytes());
    let good = dir.file("good.csv", format!("wallet\n{OFAC_HYDRA}\n").as_bytes());
    let r = run(&["--column", "wallet", &bad, &good], b"");
    assert_eq!(r.code, 2, "an error beats a hit");
    assert!(r.stderr.contains("no column \"wallet\""), "{}", r.stderr);
    assert!(r.stderr.contains("bad.csv"), "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1);
    assert!(r.stdout.contains("\tHIT\t"));
}

#[test]
fn csv_unterminated_quote_stops_that_file_in_bounded_memory() {
    let dir = TempDir::new("csvquote");
    let mut body = format!("w\n\"{GENESIS}\n").into_bytes();
    body.extend(std::iter::repeat_n(b"x,y\n".as_slice(), 500_000).flatten());
    let path = dir.file("q.csv", &body);
    let r = run(&["--column", "w", "--max-line", "1000", &path], b"");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unterminated quote"), "{}", r.stderr);
}

// -------------------------------------------------------------- bad lines

/// What one field of one output row must be.
enum Want {
    Is(Value),
    StartsWith(&'static str),
}

/// A batch input with bad lines: what the run must print.
struct BadLines {
    name: &'static str,
    file: &'static str,
    input: Vec<u8>,
    args: &'static [&'static str],
    /// How many rows the JSON lines output has.
    rows: usize,
    /// (row, field, value).
    want: Vec<(usize, &'static str, Want)>,
    /// Each is in stderr.
    stderr: Vec<String>,
}

#[test]
fn bad_lines_are_reported_with_line_numbers_and_do_not_stop_the_run() {
    use Want::{Is, StartsWith};
    let long = vec![b'a'; 10 << 20];
    // Plain lines: invalid UTF-8 on line 2, a 10 MB line on line 3.
    let mut lines = format!("{GENESIS}\n").into_bytes();
    lines.extend_from_slice(b"\xff\xfe bad\n");
    lines.extend_from_slice(&long);
    lines.push(b'\n');
    lines.extend_from_slice(format!("{OFAC_HYDRA}\n").as_bytes());
    // CSV: a 10 MB field on line 3, then a hit.
    let mut csv = format!("w\n{GENESIS}\n").into_bytes();
    csv.extend_from_slice(&long);
    csv.extend_from_slice(format!("\n{OFAC_HYDRA}\n").as_bytes());
    let cases = [
        BadLines {
            name: "plain lines",
            file: "lines.txt",
            input: lines,
            args: &[],
            rows: 4,
            want: vec![
                (1, "reason", Is("invalid UTF-8".into())),
                (2, "line", Is(3.into())),
                (2, "reason", StartsWith("line too long (10485760 bytes")),
                (3, "verdict", Is("hit".into())),
                (3, "line", Is(4.into())),
            ],
            stderr: vec![
                "lines.txt: line 2: invalid UTF-8".into(),
                "lines.txt: line 3: line too long".into(),
                ", 2 bad lines in ".into(),
            ],
        },
        BadLines {
            name: "CSV",
            file: "big.csv",
            input: csv,
            args: &["--column", "w"],
            rows: 3,
            want: vec![
                (1, "line", Is(3.into())),
                (1, "verdict", Is("invalid".into())),
                (2, "line", Is(4.into())),
                (2, "input", Is(OFAC_HYDRA.into())),
                (2, "verdict", Is("hit".into())),
            ],
            stderr: vec!["big.csv: line 3: line too long".into()],
        },
        BadLines {
            name: "JSON lines: malformed, missing field, non-string field",
            file: "j.jsonl",
            input: format!(
                "{{\"w\":\"{GENESIS}\"}}\nnot json\n{{\"x\":1}}\n{{\"w\":[1]}}\n{{\"w\":\"{OFAC_HYDRA}\"}}\n"
            )
            .into_bytes(),
            args: &["--field", "w"],
            rows: 5,
            want: vec![
                (1, "reason", StartsWith("malformed JSON")),
                (2, "reason", Is("no field \"w\"".into())),
                (3, "reason", Is("field \"w\" is not a string".into())),
                (4, "verdict", Is("hit".into())),
            ],
            stderr: (2..=4).map(|n| format!("j.jsonl: line {n}: ")).collect(),
        },
    ];
    let dir = TempDir::new("bad");
    for c in cases {
        let name = c.name;
        let path = dir.file(c.file, &c.input);
        let mut args = vec!["--format", "jsonl"];
        args.extend_from_slice(c.args);
        args.push(&path);
        let r = run(&args, b"");
        assert_eq!(r.code, 1, "{name}: bad lines are no errors: {}", r.stderr);
        let v = r.json();
        assert_eq!(v.len(), c.rows, "{name}: {v:?}");
        for row in &v {
            assert!(row["line"].is_u64(), "{name}: {row}");
            assert!(row["input"].is_string(), "{name}: {row}");
            assert!(row["verdict"].is_string(), "{name}: {row}");
        }
        for (row, field, want) in &c.want {
            let got = &v[*row][*field];
            match want {
                Is(want) => assert_eq!(got, want, "{name}: row {row} {field}"),
                StartsWith(p) => assert!(
                    got.as_str().is_some_and(|s| s.starts_with(p)),
                    "{name}: row {row} {field}: {got}"
                ),
            }
        }
        for want in &c.stderr {
            assert!(r.stderr.contains(want.as_str()), "{name}: {}", r.stderr);
        }
    }
}

#[test]
fn notes_on_stderr_are_capped_and_counted() {
    let mut lines = Vec::new();
    for _ in 0..50 {
        lines.extend_from_slice(b"\xff\n");
    }
    let r = run(&["--hits-only"], &lines);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert_eq!(
        r.stderr.matches("invalid UTF-8").count(),
        20,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("30 more bad lines not shown"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(", 50 bad lines in "), "{}", r.stderr);
}

// ------------------------------------------------------------------ usage

#[test]
fn conflicting_or_bad_options_are_usage_errors() {
    for args in [
        &["--column", "1", "--field", "w"][..],
        &["--scan", "--column", "1"],
        &["--delimiter", ";"],
        &["--header", "yes"],
        &["--column", "0"],
        &["--column", "w", "--header", "no"],
        &["--column", "1", "--delimiter", "ab"],
        &["--threads", "0"],
        &["--max-line", "x"],
        &["--hits-only=yes"],
    ] {
        let r = run(args, b"");
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(r.stderr.starts_with("screen: "), "{args:?}: {}", r.stderr);
    }
}

// ------------------------------------------------------------------- scan

#[test]
fn scan_reports_file_line_and_column_and_exits_zero_without_matches() {
    let dir = TempDir::new("scan");
    let a = dir.file("a.log", format!("x\n«é» {OFAC_HYDRA} ok\n").as_bytes());
    let b = dir.file("b.log", b"nothing here\n");
    let r = run(
        &[
            "--scan",
            "--format",
            "jsonl",
            "--max-list-age",
            "off",
            &a,
            &b,
        ],
        b"",
    );
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["file"], a.as_str());
    assert_eq!(
        (v[0]["line"].as_u64(), v[0]["column"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(v[0]["start"], "«é» ".len());
    assert!(
        r.stderr.starts_with("screen: scanned 3 lines"),
        "{}",
        r.stderr
    );
    let r = run(&["--scan", &b], b"");
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
}

// --------------------------------------------------------------- at scale

#[path = "support/synth.rs"]
mod synth;

use synth::Rng;

/// The address column of the bundled lists.
fn bundled_addresses() -> Vec<String> {
    let mut out = Vec::new();
    for list in ["lists/ofac_sdn.csv", "lists/fbi_dprk.csv"] {
        let text = std::fs::read_to_string(Path::new(MANIFEST_DIR).join(list)).unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let col = rdr
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "address")
            .unwrap();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            if let Some(a) = rec.get(col).filter(|a| !a.is_empty()) {
                out.push(a.to_owned());
            }
        }
    }
    out
}

/// 1,000,000 lines of random unlisted EVM addresses with every bundled
/// listed address planted at known lines: the binary's hit count and hit
/// line numbers (in order, across many chunks and both workers) equal the
/// planted ones. About 3 s in a debug build.
#[test]
fn million_line_run_finds_exactly_the_planted_addresses() {
    const LINES: usize = 1_000_000;
    let dir = TempDir::new("million");
    let listed = bundled_addresses();
    let stride = LINES / listed.len();
    let mut rng = Rng(42);
    let mut body = Vec::with_capacity(LINES * 43);
    let mut planted = Vec::new();
    for i in 0..LINES {
        if i % stride == stride / 2 && planted.len() < listed.len() {
            body.extend_from_slice(listed[planted.len()].as_bytes());
            planted.push(i as u64 + 1);
        } else {
            // Random 20 bytes: never a listed EVM address in practice
            // (the check below would say so).
            write!(
                body,
                "0x{:016x}{:016x}{:08x}",
                rng.next(),
                rng.next(),
                rng.next() as u32
            )
            .unwrap();
        }
        body.push(b'\n');
    }
    let path = dir.file("million.txt", &body);
    drop(body);
    // (No warning about the bundled lists' age before the summary.)
    let r = run(
        &[
            "--fast",
            "--hits-only",
            "--format",
            "jsonl",
            "--max-list-age",
            "off",
            &path,
        ],
        b"",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<u64> = r
        .json()
        .iter()
        .map(|v| v["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines.len(), planted.len());
    assert_eq!(lines, planted);
    let summary = format!("screen: {LINES} lines, {} hits, ", planted.len());
    assert!(r.stderr.starts_with(&summary), "{}", r.stderr);
}

/// `--hits-only` counts the lines it does not print by their kind only
/// (`Screener::check_kind`): the summary's counts are the same as when
/// every verdict is built and written, with and without `--fast`.
#[test]
fn hits_only_summary_counts_equal_the_full_run() {
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/sample-addresses.txt"
    ))
    .unwrap();
    let counts = |stderr: &str| -> String {
        let line = stderr
            .lines()
            .find(|l| l.starts_with("screen: ") && l.contains(" lines, "))
            .unwrap_or_else(|| panic!("no summary in {stderr}"))
            .to_owned();
        line.split(" in ").next().unwrap().to_owned()
    };
    for fast in [&[][..], &["--fast"][..]] {
        let full = run(&[fast, &["--format", "jsonl"]].concat(), &sample);
        let hits = run(&[fast, &["--hits-only"]].concat(), &sample);
        assert_eq!(full.code, 1, "{}", full.stderr);
        assert_eq!(hits.code, 1, "{}", hits.stderr);
        let summary = counts(&hits.stderr);
        assert_eq!(summary, counts(&full.stderr));
        assert!(
            summary.contains(" clear, ") && !summary.contains(" 0 invalid"),
            "{summary}"
        );
        assert_eq!(
            hits.stdout.lines().count(),
            full.json().iter().filter(|v| v["verdict"] == "hit").count()
        );
    }
}
