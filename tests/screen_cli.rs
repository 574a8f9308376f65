//! End-to-end tests of the batch binary `examples/screen/`: they run the
//! real executable and check its output, stderr and exit status.
//! The binary is built once per run if needed (`common::example`).

mod common;

use std::path::Path;

use serde_json::Value;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// OFAC SDN, Hydra Market (bundled list).
const OFAC_HYDRA: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
/// Bitcoin genesis address: valid, listed nowhere.
const GENESIS: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
/// The genesis address with its last character changed: bad checksum.
const GENESIS_TYPO: &str = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb";
/// A valid P2SH address, listed nowhere.
const P2SH: &str = "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm";
/// A valid EIP-55 address, listed nowhere.
const EVM_CLEAR: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

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

fn write_file(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(MANIFEST_DIR).join(rel)).unwrap()
}

fn verdicts(values: &[Value]) -> Vec<&str> {
    values
        .iter()
        .map(|v| v["verdict"].as_str().expect("verdict is a string"))
        .collect()
}

const SAMPLE: &str = "examples/sample-addresses.txt";

/// Lines of a bundled list's age warning.
const AGE_WARNING: &str = "screen: warning: the bundled list ";

/// `stderr` without the leading warnings about the bundled lists' age.
fn without_age_warnings(stderr: &str) -> String {
    stderr
        .lines()
        .skip_while(|l| l.starts_with(AGE_WARNING))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The bundled lists warn about their age (issue 15): the OFAC list is of
/// 2026-09-30 and the FBI list of 2025-02-26, so with a threshold of one
/// day, or the default 30 days (any day from 2026-10-31 on), both are old
/// and each gets one line on stderr that says how to get the current list;
/// a threshold no list reaches, or `off`, gives none, and lists that are
/// not the bundled ones are never warned about. Output and exit status are
/// the same either way.
#[test]
fn bundled_lists_warn_about_their_age() {
    let base = run(&["--max-list-age", "off", SAMPLE], b"");
    assert_eq!(base.code, 1);
    assert!(!base.stderr.contains(AGE_WARNING), "{}", base.stderr);
    for args in [
        &[SAMPLE][..],
        &["--max-list-age", "1", SAMPLE],
        &["--max-list-age=30", SAMPLE],
    ] {
        let r = run(args, b"");
        assert_eq!((r.code, &r.stdout), (1, &base.stdout), "{args:?}");
        let warnings: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.starts_with(AGE_WARNING))
            .collect();
        assert_eq!(warnings.len(), 2, "{args:?}: {}", r.stderr);
        assert!(
            warnings[0]
                .starts_with("screen: warning: the bundled list ofac-sdn is of 2026-09-30, "),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[0].contains(
                "--fetch https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML --cache DIR"
            ),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[0].ends_with("(--max-list-age DAYS|off)"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[1]
                .starts_with("screen: warning: the bundled list fbi-dprk is of 2025-02-26, "),
            "{}",
            warnings[1]
        );
        // Only on stderr, before the summary.
        assert!(r.stderr.starts_with(AGE_WARNING), "{}", r.stderr);
    }
    // Thresholds no list reaches (the FBI list is under 300 years old).
    for args in [
        &["--max-list-age", "100000", SAMPLE][..],
        &["--max-list-age=off", SAMPLE],
    ] {
        let r = run(args, b"");
        assert_eq!((r.code, &r.stdout), (1, &base.stdout), "{args:?}");
        assert!(!r.stderr.contains(AGE_WARNING), "{args:?}: {}", r.stderr);
    }
    // Not bundled: no warning.
    let dir = TempDir::new("age");
    let own = write_file(&dir, "own.txt", format!("{GENESIS}\n").as_bytes());
    let r = run(
        &["--no-bundled", "--list", &own, "--max-list-age", "1"],
        GENESIS.as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    // A bad value is a usage error.
    for v in ["-1", "soon", ""] {
        let r = run(&["--max-list-age", v, SAMPLE], b"");
        assert_eq!(r.code, 2, "{v:?}");
        assert!(r.stderr.contains("--max-list-age"), "{v:?}: {}", r.stderr);
    }
}

/// `(expected verdict, expected list id for hits)` per line of the sample,
/// from the table in `examples/README.md`.
fn readme_expectations() -> Vec<(String, Option<String>)> {
    read("examples/README.md")
        .lines()
        .filter_map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            // ["", line, input, expected, why, ""]
            if cells.len() < 5 || cells[1].parse::<usize>().is_err() {
                return None;
            }
            let mut words = cells[3].split_whitespace();
            let verdict = words.next()?.to_owned();
            let list = words.next().map(|l| l.trim_matches('`').to_owned());
            Some((verdict, list))
        })
        .collect()
}

// ------------------------------------------------------------------ tests

#[test]
fn golden_verdicts_agree_with_examples_readme() {
    let golden: Vec<String> = read("tests/golden/sample.verdicts")
        .lines()
        .map(str::to_owned)
        .collect();
    let readme: Vec<String> = readme_expectations().into_iter().map(|(v, _)| v).collect();
    assert_eq!(golden.len(), read(SAMPLE).lines().count());
    assert_eq!(golden, readme);
}

#[test]
fn sample_jsonl_matches_expected_verdicts() {
    let r = run(&["--format", "jsonl", SAMPLE], b"");
    assert_eq!(r.code, 1, "a hit means exit 1; stderr: {}", r.stderr);
    let values = r.json();
    let sample = read(SAMPLE);
    let inputs: Vec<&str> = sample.lines().collect();
    assert_eq!(values.len(), inputs.len(), "one output per input line");
    let golden = read("tests/golden/sample.verdicts");
    assert_eq!(verdicts(&values), golden.lines().collect::<Vec<_>>());
    let expectations = readme_expectations();
    for (i, v) in values.iter().enumerate() {
        assert_eq!(v["line"], i + 1);
        assert_eq!(v["input"], inputs[i]);
        assert_eq!(v["file"], SAMPLE);
        let matches = v["matches"].as_array().expect("matches is an array");
        match v["verdict"].as_str().unwrap() {
            "hit" => {
                assert!(!matches.is_empty(), "{v}");
                for key in ["list", "category", "entity", "programs", "listed", "source"] {
                    assert!(matches[0].get(key).is_some(), "match lacks {key}: {v}");
                }
                assert_eq!(
                    matches[0]["list"].as_str(),
                    expectations[i].1.as_deref(),
                    "{v}"
                );
                assert!(v["family"].is_string() && v["checksum"].is_string(), "{v}");
                assert_eq!(v["version"]["sha256"].as_str().unwrap().len(), 64, "{v}");
                assert!(v["version"]["date"].is_string(), "{v}");
            }
            "clear" => {
                assert!(matches.is_empty(), "{v}");
                assert!(v["family"].is_string(), "{v}");
                assert_eq!(v["checksum"], "valid", "checksums verified: {v}");
            }
            "invalid" => {
                assert!(matches.is_empty(), "{v}");
                assert!(!v["reason"].as_str().unwrap().is_empty(), "{v}");
            }
            other => panic!("unknown verdict {other}"),
        }
    }
    // After the warnings about the age of the bundled lists, the summary's
    // first line (elapsed time and rate follow), then hits by list and
    // entity.
    let summary = without_age_warnings(&r.stderr);
    assert!(
        summary.starts_with("screen: 20 lines, 8 hits, 7 clear, 5 invalid, 0 bad lines in "),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\nscreen:   ofac-sdn  Wang Yunhe: 2\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn sample_text_matches_golden_file() {
    let r = run(&[SAMPLE], b"");
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, read("tests/golden/sample.text"));
    // Explicit --format text is the same as the default.
    let explicit = run(&["--format", "text", SAMPLE], b"");
    assert_eq!(explicit.stdout, r.stdout);
}

#[test]
fn stdin_via_dash_and_via_no_file() {
    let input = format!("{OFAC_HYDRA}\n{GENESIS}\n");
    let dash = run(&["--format", "jsonl", "-"], input.as_bytes());
    let none = run(&["--format", "jsonl"], input.as_bytes());
    assert_eq!(dash.code, 1);
    assert_eq!(none.code, 1);
    assert_eq!(dash.stdout, none.stdout);
    let values = dash.json();
    assert_eq!(verdicts(&values), ["hit", "clear"]);
    assert!(values.iter().all(|v| v["file"] == "-"));
}

#[test]
fn files_are_read_in_order_with_per_file_line_numbers() {
    let dir = TempDir::new("order");
    let a = write_file(&dir, "a.txt", format!("{GENESIS}\n{P2SH}\n").as_bytes());
    let r = run(&["--format", "jsonl", &a, "-"], OFAC_HYDRA.as_bytes());
    let values = r.json();
    let got: Vec<(&str, u64)> = values
        .iter()
        .map(|v| (v["file"].as_str().unwrap(), v["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [(a.as_str(), 1), (a.as_str(), 2), ("-", 1)]);
    assert_eq!(verdicts(&values), ["clear", "clear", "hit"]);
    assert_eq!(r.code, 1);
}

#[test]
fn crlf_line_endings_are_stripped() {
    let input = format!("{OFAC_HYDRA}\r\n{GENESIS}\r\n");
    let r = run(&["--format", "jsonl"], input.as_bytes());
    let values = r.json();
    assert_eq!(verdicts(&values), ["hit", "clear"]);
    assert_eq!(values[0]["input"], OFAC_HYDRA);
    assert_eq!(values[1]["input"], GENESIS);
}

#[test]
fn empty_lines_are_invalid_inputs() {
    // Blank first line, blank middle line, last line without a newline.
    let input = format!("\n{GENESIS}\n\n{P2SH}");
    let r = run(&["--format", "jsonl"], input.as_bytes());
    assert_eq!(r.code, 0);
    let values = r.json();
    assert_eq!(verdicts(&values), ["invalid", "clear", "invalid", "clear"]);
    for v in [&values[0], &values[2]] {
        assert_eq!(v["input"], "");
        assert_eq!(v["reason"], "empty input");
    }
    assert_eq!(values[3]["line"], 4);
    assert!(
        r.stderr
            .contains("screen: 4 lines, 0 hits, 2 clear, 2 invalid")
    );
    // Text format too: one line per input.
    let text = run(&[], input.as_bytes());
    assert_eq!(text.lines().len(), 4);
    assert_eq!(text.lines()[0], "1\tINVALID\t\tempty input");
}

#[test]
fn invalid_utf8_line_is_invalid_and_does_not_stop() {
    let mut input = b"\xff\xfeabc\n".to_vec();
    input.extend_from_slice(OFAC_HYDRA.as_bytes());
    input.push(b'\n');
    let r = run(&["--format", "jsonl"], &input);
    assert_eq!(r.code, 1, "the line after the bad one is still screened");
    let values = r.json();
    assert_eq!(verdicts(&values), ["invalid", "hit"]);
    assert_eq!(values[0]["reason"], "invalid UTF-8");
    assert_eq!(values[0]["input"], "\u{FFFD}\u{FFFD}abc");
    let text = run(&[], &input);
    assert_eq!(
        text.lines()[0],
        "1\tINVALID\t\u{FFFD}\u{FFFD}abc\tinvalid UTF-8"
    );
}

#[test]
fn all_clear_input_exits_zero() {
    let input = format!("{GENESIS}\n{P2SH}\n{EVM_CLEAR}\n");
    let r = run(&[], input.as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.lines()
            .iter()
            .all(|l| l.split('\t').nth(1) == Some("CLEAR"))
    );
    assert_eq!(r.lines().len(), 3);
    assert!(
        r.stderr
            .contains("screen: 3 lines, 0 hits, 3 clear, 0 invalid")
    );
}

#[test]
fn invalid_only_input_exits_zero() {
    let r = run(&[], b"hello\n0x1234\n");
    assert_eq!(r.code, 0);
    assert!(r.lines().iter().all(|l| l.contains("\tINVALID\t")));
}

#[test]
fn unreadable_file_exits_two_and_other_files_are_still_screened() {
    let dir = TempDir::new("unreadable");
    let missing = dir.join("does-not-exist.txt");
    let missing = missing.to_str().unwrap();
    let good = write_file(&dir, "good.txt", format!("{OFAC_HYDRA}\n").as_bytes());
    let r = run(&[missing, &good], b"");
    assert_eq!(r.code, 2, "an I/O error beats a hit");
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("screen: ") && l.contains(missing)),
        "{}",
        r.stderr
    );
    assert_eq!(r.lines().len(), 1, "the readable file is still screened");
    assert!(r.lines()[0].starts_with("1\tHIT\t"));
}

#[test]
fn unknown_flag_exits_two() {
    let r = run(&["--frobnicate", SAMPLE], b"");
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.starts_with("screen: "), "{}", r.stderr);
    assert!(r.stderr.contains("--frobnicate"), "{}", r.stderr);
}

#[test]
fn bad_format_value_exits_two() {
    for args in [&["--format", "xml"][..], &["--format=yaml"], &["--format"]] {
        let r = run(args, b"");
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stdout.is_empty());
        assert!(r.stderr.starts_with("screen: "), "{}", r.stderr);
    }
}

#[test]
fn help_prints_usage_and_exits_zero() {
    let r = run(&["--help"], b"");
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("usage: screen"));
    for needle in ["--list", "--no-bundled", "--format", "--fast", "checksum"] {
        assert!(r.stdout.contains(needle), "help lacks {needle}");
    }
}

#[test]
fn plain_text_list_adds_custom_hits() {
    let dir = TempDir::new("textlist");
    let list = write_file(
        &dir,
        "internal.txt",
        format!("# our blocklist\n{GENESIS}  # genesis\n").as_bytes(),
    );
    let input = format!("{GENESIS}\n{OFAC_HYDRA}\n");
    let r = run(&["--format", "jsonl", "--list", &list], input.as_bytes());
    assert_eq!(r.code, 1);
    let values = r.json();
    assert_eq!(verdicts(&values), ["hit", "hit"], "bundled lists still on");
    let m = &values[0]["matches"][0];
    assert_eq!(m["list"], "internal");
    assert_eq!(m["category"], "custom");
    assert_eq!(values[1]["matches"][0]["list"], "ofac-sdn");
    // Without the list, the same address is clear.
    let without = run(&["--format", "jsonl"], input.as_bytes());
    assert_eq!(verdicts(&without.json()), ["clear", "hit"]);
}

#[test]
fn compiled_file_screens_as_the_lists_it_was_written_from() {
    let dir = TempDir::new("compiled");
    let list = write_file(&dir, "internal.txt", format!("{GENESIS}\n").as_bytes());
    let compiled = dir.join("lists.wsidx");
    let compiled = compiled.to_str().unwrap();
    let input = format!("{GENESIS}\n{OFAC_HYDRA}\nnot an address\n");
    let direct = run(
        &[
            "--format",
            "jsonl",
            "--list",
            &list,
            "--write-compiled",
            compiled,
        ],
        input.as_bytes(),
    );
    assert_eq!(direct.code, 1, "{}", direct.stderr);
    let loaded = run(
        &["--format", "jsonl", "--compiled", compiled],
        input.as_bytes(),
    );
    assert_eq!(loaded.code, 1, "{}", loaded.stderr);
    assert_eq!(loaded.stdout, direct.stdout);
    assert_eq!(verdicts(&loaded.json()), ["hit", "hit", "invalid"]);
    // A damaged file is an error naming it; so is a lists file.
    let mut bytes = std::fs::read(compiled).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    let damaged = write_file(&dir, "damaged.wsidx", &bytes);
    let r = run(&["--compiled", &damaged], input.as_bytes());
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("damaged.wsidx") && r.stderr.contains("checksum"),
        "{}",
        r.stderr
    );
    let r = run(&["--compiled", &list], input.as_bytes());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("magic"), "{}", r.stderr);
    // --compiled stands alone.
    let r = run(&["--compiled", compiled, "--list", &list], input.as_bytes());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--compiled excludes"), "{}", r.stderr);
}

#[test]
fn csv_list_attributes_category_and_entity() {
    let dir = TempDir::new("csvlist");
    let list = write_file(
        &dir,
        "partner.csv",
        format!(
            "# walletscreen-list: v1\n# id: partner-feed\n# category: attributed\n\
             address,chain,tickers,entity,entity_id,programs,listed,source\n\
             {P2SH},bitcoin,BTC,\"Acme, Inc.\",A-1,PROG1;PROG2,2024-01-02,https://example.org/a\n"
        )
        .as_bytes(),
    );
    let r = run(&["--format", "jsonl", "--list", &list], P2SH.as_bytes());
    assert_eq!(r.code, 1);
    let v = &r.json()[0];
    let m = &v["matches"][0];
    assert_eq!(m["list"], "partner-feed");
    assert_eq!(m["category"], "attributed");
    assert_eq!(m["entity"], "Acme, Inc.");
    assert_eq!(m["programs"], serde_json::json!(["PROG1", "PROG2"]));
    assert_eq!(m["listed"], "2024-01-02");
    assert_eq!(m["source"], "https://example.org/a");
    let text = run(&["--list", &list], P2SH.as_bytes());
    assert_eq!(
        text.stdout,
        format!("1\tHIT\t{P2SH}\tpartner-feed: Acme, Inc. [PROG1;PROG2] listed 2024-01-02\n")
    );
}

#[test]
fn malformed_csv_list_exits_two_naming_file_and_line() {
    let dir = TempDir::new("badcsv");
    let list = write_file(
        &dir,
        "ragged.csv",
        format!("address,entity\n{GENESIS},x\n{P2SH},y,extra\n").as_bytes(),
    );
    let r = run(&["--list", &list], GENESIS.as_bytes());
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty(), "nothing is screened: {}", r.stdout);
    assert!(r.stderr.starts_with("screen: "), "{}", r.stderr);
    assert!(r.stderr.contains("ragged.csv"), "{}", r.stderr);
    assert!(r.stderr.contains("line 3"), "{}", r.stderr);
}

#[test]
fn missing_list_file_exits_two() {
    let dir = TempDir::new("nolist");
    let missing = dir.join("nope.csv");
    let r = run(&["--list", missing.to_str().unwrap()], GENESIS.as_bytes());
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nope.csv"), "{}", r.stderr);
    let r = run(&["--list"], GENESIS.as_bytes());
    assert_eq!(r.code, 2, "--list without a value");
}

#[test]
fn no_bundled_makes_ofac_address_clear() {
    let with = run(&["--format", "jsonl"], OFAC_HYDRA.as_bytes());
    assert_eq!(with.code, 1);
    let without = run(
        &["--format", "jsonl", "--no-bundled"],
        OFAC_HYDRA.as_bytes(),
    );
    assert_eq!(without.code, 0);
    assert_eq!(verdicts(&without.json()), ["clear"]);
}

#[test]
fn fast_skips_checksums_default_verifies_them() {
    let checked = run(&["--format", "jsonl"], GENESIS_TYPO.as_bytes());
    let v = &checked.json()[0];
    assert_eq!(v["verdict"], "invalid");
    assert!(v["reason"].as_str().unwrap().contains("checksum"), "{v}");
    let fast = run(&["--format", "jsonl", "--fast"], GENESIS_TYPO.as_bytes());
    let v = &fast.json()[0];
    assert_eq!(v["verdict"], "clear");
    assert_eq!(v["checksum"], "not_checked");
    // Hits are hits either way.
    let hit = run(&["--fast"], OFAC_HYDRA.as_bytes());
    assert_eq!(hit.code, 1);
}

#[test]
fn control_characters_do_not_break_text_columns() {
    let r = run(&[], b"a\tb\rc\n");
    assert_eq!(r.lines().len(), 1);
    let cols: Vec<&str> = r.lines()[0].split('\t').collect();
    assert_eq!(cols.len(), 4, "{cols:?}");
    assert_eq!(cols[2], "a\\tb\\rc");
}

// ------------------------------------------------- user lists (issue 13)

fn export(name: &str) -> String {
    format!("{MANIFEST_DIR}/tests/fixtures/exports/{name}")
}

#[test]
fn export_lists_print_their_report_and_hit() {
    // (fixture, an address it plants, the report's start)
    let cases = [
        (
            "wallet_column.csv",
            "0xbb7d025a1534c52c19fd87d58f345f2d8da455e1",
            "3 entries, 3 addresses (",
        ),
        ("utf16le.txt", "", "2 entries, 2 addresses ("),
        ("objects.json", "", "2 entries, 2 addresses ("),
        ("notes.txt", "", "3 entries, 3 addresses ("),
    ];
    for (file, planted, report) in cases {
        let path = export(file);
        // The first entry of the list, whatever the file: the test's own
        // loader says which it is.
        let first = walletscreen::List::from_path(&path)
            .unwrap()
            .entry(0)
            .unwrap()
            .address
            .clone();
        if !planted.is_empty() {
            assert_eq!(first, planted);
        }
        let r = run(&["--no-bundled", "--list", &path], first.as_bytes());
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert!(r.stdout.starts_with("1\tHIT\t"), "{file}: {}", r.stdout);
        let line = format!("screen: {path}: {report}");
        assert!(r.stderr.contains(&line), "{file}: {}", r.stderr);
    }
}

#[test]
fn refused_lists_exit_two_naming_file_and_reason() {
    let dir = TempDir::new("refused");
    let html = write_file(
        &dir,
        "page.csv",
        b"<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n",
    );
    let cases = [
        (export("empty.txt"), "no entries: the file is empty"),
        (export("comments_only.txt"), "no entries: 3 lines"),
        (
            export("names.csv"),
            "most entries are not addresses: 3 of 3 (lines 2, 3, 4)",
        ),
        (html, "HTML"),
    ];
    for (path, reason) in cases {
        let r = run(&["--no-bundled", "--list", &path], GENESIS.as_bytes());
        assert_eq!(r.code, 2, "{path}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "nothing is screened: {}", r.stdout);
        assert!(
            r.stderr.starts_with(&format!("screen: --list {path}: ")),
            "{path}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(reason), "{path}: {}", r.stderr);
    }
}

#[test]
fn allow_non_addresses_accepts_a_list_of_names() {
    let names = export("names.csv");
    let r = run(
        &["--no-bundled", "--allow-non-addresses", "--list", &names],
        b"Jane Doe\nJohn Smith\n",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().filter(|l| l.contains("\tHIT\t")).count(),
        2
    );
    assert!(
        r.stderr
            .contains("3 entries, 0 addresses, 3 not addresses (kept, lines 2, 3, 4)"),
        "{}",
        r.stderr
    );
}

#[test]
fn list_column_by_name_and_by_index() {
    let dir = TempDir::new("listcol");
    let list = write_file(
        &dir,
        "transfers.csv",
        format!("sender,recipient\n{GENESIS},{P2SH}\n").as_bytes(),
    );
    let input = format!("{GENESIS}\n{P2SH}\n");
    for column in ["recipient", "Recipient", "2"] {
        let r = run(
            &["--no-bundled", "--list-column", column, "--list", &list],
            input.as_bytes(),
        );
        assert_eq!(r.code, 1, "{column}: {}", r.stderr);
        let verdicts: Vec<&str> = r
            .stdout
            .lines()
            .map(|l| l.split('\t').nth(1).unwrap())
            .collect();
        assert_eq!(verdicts, ["CLEAR", "HIT"], "{column}");
        assert!(r.stderr.contains("(as asked)"), "{column}: {}", r.stderr);
    }
    // Detection alone takes the first column.
    let r = run(&["--no-bundled", "--list", &list], input.as_bytes());
    assert!(r.stdout.starts_with("1\tHIT\t"), "{}", r.stdout);
    // A column that is not there, and the flag without a list.
    let r = run(
        &["--no-bundled", "--list-column", "receiver", "--list", &list],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("transfers.csv") && r.stderr.contains("no column \"receiver\""),
        "{}",
        r.stderr
    );
    for args in [&["--list-column", "2"][..], &["--allow-non-addresses"][..]] {
        let r = run(args, b"");
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains("need --list"), "{}", r.stderr);
    }
    let r = run(&["--list-column", "0", "--list", &list], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("columns count from 1"), "{}", r.stderr);
}
