//! The batch binary screening as of a date: `--as-of`, `--date-column`
//! (CSV) and `--date-field` (JSON lines), bad dates reported as bad lines,
//! and the date columns of each output format.

mod common;

use std::path::Path;

use common::TempDir;
use common::example::Run;

const TORNADO: &str = "0x8589427373D6D84E98730D7795D8f6f8731FDA16";
const HYDRA: &str = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX";
const FAYZIMATOV: &str = "17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C";

fn run(args: &[&str], stdin: &[u8]) -> Run {
    let bin: &Path = common::example::example("screen");
    common::example::run(bin, args, stdin)
}

#[test]
fn as_of_screens_the_whole_run_as_of_one_date() {
    let input = format!("{TORNADO}\n{HYDRA}\n");
    // (name, date, expected verdicts)
    let cases = [
        ("before Hydra's listing", "2022-04-04", ["hit", "clear"]),
        ("both listed", "2024-01-01", ["hit", "hit"]),
        ("Tornado Cash delisted", "2025-04-01", ["clear", "hit"]),
    ];
    for (name, date, want) in cases {
        let r = run(&["--as-of", date, "--format", "jsonl"], input.as_bytes());
        let got: Vec<String> = r
            .json()
            .iter()
            .map(|v| {
                assert_eq!(v["as_of"], date, "{name}");
                v["verdict"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(got, want, "{name}: {}", r.stderr);
        let hit = want.contains(&"hit");
        assert_eq!(r.code, if hit { 1 } else { 0 }, "{name}");
    }
    // Tornado Cash as of 2024-01-01 says when it was delisted.
    let r = run(
        &["--as-of", "2024-01-01", "--format", "jsonl"],
        TORNADO.as_bytes(),
    );
    let m = &r.json()[0]["matches"][0];
    assert_eq!(m["entity"], "TORNADO CASH");
    assert_eq!(m["delisted_on"], "2025-03-21");
    assert_eq!(m["delisted_after"], "2025-03-04");
    // OFAC's listing date is not in the history (lists/README.md): the bound
    // is the first publication seen.
    assert!(m["listed_on"].is_null());
    assert_eq!(m["listed_by"], "2024-05-28");
}

#[test]
fn without_a_date_option_the_output_has_no_date_fields() {
    let r = run(&["--format", "jsonl"], HYDRA.as_bytes());
    let v = &r.json()[0];
    assert!(v.get("as_of").is_none());
    assert!(v["matches"][0].get("listed_on").is_none());
    let r = run(&["--format", "csv"], HYDRA.as_bytes());
    assert!(!r.stdout.lines().next().unwrap().contains("as_of"));
}

#[test]
fn date_column_screens_each_record_as_of_its_own_date_and_reports_bad_dates() {
    let dir = TempDir::new("as-of-csv");
    let csv = format!(
        "id,address,paid_at\n\
         1,{TORNADO},2024-01-01\n\
         2,{TORNADO},2025-04-01T10:00:00Z\n\
         3,{HYDRA},2022-04-04\n\
         4,{HYDRA},2022-04-04T23:30:00-05:00\n\
         5,{FAYZIMATOV},2026-08-01\n\
         6,{FAYZIMATOV},yesterday\n\
         7,{FAYZIMATOV}\n\
         8,{FAYZIMATOV},2025-02-29\n"
    );
    let path = dir.file("payments.csv", csv.as_bytes());
    // (line, verdict, listed_on, delisted_on)
    let want = [
        ("2", "hit", "", "2025-03-21"),
        ("3", "clear", "", ""),
        ("4", "clear", "", ""),
        // 23:30 at UTC-5 is 2022-04-05 in UTC: Hydra's listing day.
        ("5", "hit", "2022-04-05", ""),
        ("6", "hit", "2021-07-28", "2026-09-30"),
        ("7", "invalid", "", ""),
        ("8", "invalid", "", ""),
        ("9", "invalid", "", ""),
    ];
    for column in ["address", "2"] {
        for date_column in ["paid_at", "3"] {
            let r = run(
                &[
                    "--column",
                    column,
                    "--date-column",
                    date_column,
                    "--format",
                    "csv",
                    &path,
                ],
                b"",
            );
            let mut rows = csv::Reader::from_reader(r.stdout.as_bytes());
            let h = rows.headers().unwrap().clone();
            let col = |n: &str| h.iter().position(|c| c == n).unwrap();
            let got: Vec<(String, String, String, String)> = rows
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    (
                        r[col("line")].to_owned(),
                        r[col("verdict")].to_owned(),
                        r[col("listed_on")].to_owned(),
                        r[col("delisted_on")].to_owned(),
                    )
                })
                .collect();
            let want: Vec<(String, String, String, String)> = want
                .iter()
                .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
                .collect();
            assert_eq!(got, want, "--column {column} --date-column {date_column}");
            // Bad dates are noted on stderr with their line, and counted.
            assert!(r.stderr.contains("line 7: bad date"), "{}", r.stderr);
            assert!(
                r.stderr.contains("line 8: missing date column"),
                "{}",
                r.stderr
            );
            assert!(r.stderr.contains("line 9: bad date"), "{}", r.stderr);
            assert!(r.stderr.contains("3 bad lines"), "{}", r.stderr);
            assert_eq!(r.code, 1);
        }
    }
    // A date column missing from the header is an error naming it.
    let r = run(
        &["--column", "address", "--date-column", "when", &path],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no date column \"when\""), "{}", r.stderr);
}

#[test]
fn date_field_screens_each_json_line_as_of_its_own_date() {
    let input = format!(
        "{{\"to\":\"{TORNADO}\",\"at\":\"2024-01-01T00:00:00Z\"}}\n\
         {{\"to\":\"{TORNADO}\",\"at\":\"2025-04-01\"}}\n\
         {{\"to\":\"{TORNADO}\",\"at\":\"2025-13-01\"}}\n\
         {{\"to\":\"{TORNADO}\"}}\n\
         {{\"to\":\"{TORNADO}\",\"at\":20240101}}\n"
    );
    let r = run(
        &["--field", "to", "--date-field", "at", "--format", "jsonl"],
        input.as_bytes(),
    );
    let got: Vec<(String, String)> = r
        .json()
        .iter()
        .map(|v| {
            (
                v["verdict"].as_str().unwrap().to_owned(),
                v["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let want = [
        ("hit", ""),
        ("clear", ""),
        (
            "invalid",
            "bad date: \"2025-13-01\" is no such date or time",
        ),
        ("invalid", "date: no field \"at\""),
        ("invalid", "date: field \"at\" is not a string"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(r.stderr.contains("3 bad lines"), "{}", r.stderr);
}

#[test]
fn text_output_says_as_of_and_delisted_on() {
    let r = run(&["--as-of", "2026-08-01"], FAYZIMATOV.as_bytes());
    assert_eq!(
        r.lines(),
        [format!(
            "1\tHIT\t{FAYZIMATOV}\tas of 2026-08-01: ofac-sdn: FAYZIMATOV Farrukh Furkatovitch [SDGT] listed 2021-07-28 delisted_on 2026-09-30 (after 2026-08-08)"
        )]
    );
    let r = run(&["--as-of", "2022-04-04"], HYDRA.as_bytes());
    assert_eq!(
        r.lines(),
        [format!("1\tCLEAR\t{HYDRA}\tbase58 (as of 2022-04-04)")]
    );
}

#[test]
fn date_options_are_checked() {
    // (name, args, message)
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "bad --as-of",
            &["--as-of", "2025-02-29"],
            "bad --as-of value",
        ),
        (
            "timestamp --as-of",
            &["--as-of", "2025-02-01T00:00:00Z"],
            "bad --as-of value",
        ),
        (
            "--date-column without --column",
            &["--date-column", "2"],
            "--date-column needs --column",
        ),
        (
            "--date-field without --field",
            &["--date-field", "at"],
            "--date-field needs --field",
        ),
        (
            "two date options",
            &[
                "--as-of",
                "2025-01-01",
                "--field",
                "to",
                "--date-field",
                "at",
            ],
            "exclude each other",
        ),
        (
            "--scan with a date",
            &["--scan", "--as-of", "2025-01-01"],
            "--scan screens today's lists only",
        ),
    ];
    for (name, args, message) in cases {
        let r = run(args, b"");
        assert_eq!(r.code, 2, "{name}");
        assert!(r.stderr.contains(message), "{name}: {}", r.stderr);
    }
}

#[test]
fn a_compiled_screener_gets_the_bundled_history() {
    let dir = TempDir::new("as-of-compiled");
    let image = dir.path().join("bundled.wsidx");
    let image = image.to_str().unwrap();
    let r = run(&["--write-compiled", image], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &["--compiled", image, "--as-of", "2024-01-01"],
        TORNADO.as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("TORNADO CASH"), "{}", r.stdout);
}
