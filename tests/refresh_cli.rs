//! End-to-end tests of the maintainer tool `examples/refresh_lists/`: it
//! regenerates `lists/ofac_sdn.csv` (here a copy, in a temporary directory,
//! of the list of 2026-08-08 kept in `tests/fixtures/lists/`, from which the
//! generated OFAC fixtures were made) from an OFAC file or an address feed
//! and prints the difference. The bundled list is exactly what the documented
//! command makes from the 2026-09-30 feed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const NEW_ROW: &str = "NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001,,NEW,\"SYNTHETIC, Test Party\",99999001,SYNTHETIC-TEST,2026-08-07,\n";

/// The example binary, built once per test run.
fn bin() -> &'static Path {
    common::example::example("refresh_lists")
}

/// A fresh directory holding a copy of the list of 2026-08-08.
fn workdir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "walletscreen-refresh-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        format!("{MANIFEST_DIR}/tests/fixtures/lists/ofac_sdn_2026-08-08.csv"),
        dir.join("ofac_sdn.csv"),
    )
    .unwrap();
    dir
}

fn fixture(name: &str) -> String {
    format!("{MANIFEST_DIR}/tests/fixtures/ofac/{name}")
}

fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().expect("runs")
}

/// The list of 2026-08-08 (the generated fixtures' content).
fn bundled() -> Vec<u8> {
    std::fs::read(format!(
        "{MANIFEST_DIR}/tests/fixtures/lists/ofac_sdn_2026-08-08.csv"
    ))
    .unwrap()
}

/// The arguments of the documented refresh to OFAC's publication of
/// 2026-09-30 (`lists/README.md`), with `FEED` for the feed's file.
fn feed_args<'a>(feed: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        feed,
        "--as-of",
        "2026-09-30",
        "--parties",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ofac/real/extracted/dca_2025-11-19T164412Z_3ed669068884.tsv"
        ),
        "--license",
        "U.S. Government work (public domain); compiled by meefs/ofac-naughtylist (MIT) and bitnob/ofac-address-feed (MIT)",
        "--out",
        out,
    ]
}

/// From the list of 2026-08-08, the feed of 2026-09-30 (TSV or JSON) and
/// the real 2025-11-19 extraction, the tool writes `lists/ofac_sdn.csv`
/// byte for byte; run again on its own output it changes nothing.
#[test]
fn the_bundled_list_is_the_refresh_from_the_2026_09_30_feed() {
    let bundled_now = std::fs::read(format!("{MANIFEST_DIR}/lists/ofac_sdn.csv")).unwrap();
    for feed in ["sanctioned_addresses.tsv", "sanctioned_addresses.json"] {
        let dir = workdir();
        let out = dir.join("ofac_sdn.csv");
        let feed = format!("{MANIFEST_DIR}/tests/fixtures/bitnob/{feed}");
        let o = run(&feed_args(&feed, out.to_str().unwrap()));
        assert!(o.status.success(), "{o:?}");
        let stdout = String::from_utf8(o.stdout).unwrap();
        assert!(
            stdout.ends_with("feed of 2026-09-30: 1052 entries (was 961): +93 -2 ~0\n"),
            "{stdout}"
        );
        // DIFF.md's two removals; the two second parties are added.
        for line in [
            "- 17a5bpKvEp1j1Trs4qTbcNZrby53JbaS9C XBT FAYZIMATOV Farrukh Furkatovitch (31811)\n",
            "- 45ezvPejNsKYntjhyyeb7fbfzilsxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo XMR ISIL Khorasan (18647)\n",
            "+ LeKvNdNEzgQkzVVnRdV3fAu2DSF1nLsNw6 LTC RAZA Mujtaba Ali (30520)\n",
            "+ 1H939dom7i4WDLCKyGbXUp3fs9CSTNRzgL XBT Nikaeen Ravari Amir Hossein (38420)\n",
            "+ 45ezvPejNsKYntjhyyeb7fbfzi1sxYQozc5Ffseh8jPGW4JZQQVXykNTfK5uGFiij7Hp3qPv3T5HCR7F3Fnmz2mzE1aKQwo XMR ISIL Khorasan ()\n",
        ] {
            assert!(stdout.contains(line), "{line}{stdout}");
        }
        // The extraction's party of an address that changed hands since is
        // not used.
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert!(
            stderr.contains("bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23: the feed's party CRYPTO HOME DMCC is not among the extraction's"),
            "{stderr}"
        );
        assert!(std::fs::read(&out).unwrap() == bundled_now, "{feed}");
        // Idempotent.
        let o = run(&feed_args(&feed, out.to_str().unwrap()));
        assert!(o.status.success(), "{o:?}");
        let stdout = String::from_utf8(o.stdout).unwrap();
        assert!(
            stdout.ends_with("1052 entries (was 1052): +0 -0 ~0\n"),
            "{stdout}"
        );
        assert!(std::fs::read(&out).unwrap() == bundled_now, "{feed}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// A feed without its date or with a bad one, a broken or empty feed, an
/// OFAC file with feed options: refused, nothing written.
#[test]
fn feed_errors_write_nothing() {
    let dir = workdir();
    let out = dir.join("ofac_sdn.csv");
    let out_s = out.to_str().unwrap();
    let feed = format!("{MANIFEST_DIR}/tests/fixtures/bitnob/sanctioned_addresses.tsv");
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, "chain\taddress\tname\tprogram\nXBT\t1abc\tsomeone\n").unwrap();
    let sdn_xml = fixture("generated/SDN.XML");
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "[]").unwrap();
    let cases: [(Vec<&str>, &str); 5] = [
        (vec![&feed, "--out", out_s], "--as-of"),
        (
            vec![&feed, "--as-of", "30/09/2026", "--out", out_s],
            "not a YYYY-MM-DD",
        ),
        (
            vec![
                bad.to_str().unwrap(),
                "--as-of",
                "2026-09-30",
                "--out",
                out_s,
            ],
            "line 2: 3 fields",
        ),
        (
            vec![
                empty.to_str().unwrap(),
                "--as-of",
                "2026-09-30",
                "--out",
                out_s,
            ],
            "no rows",
        ),
        (
            vec![&sdn_xml, "--as-of", "2026-09-30", "--out", out_s],
            "for an address feed",
        ),
    ];
    for (args, want) in cases {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?}");
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert_eq!(std::fs::read(&out).unwrap(), bundled(), "{args:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_prints_the_difference_and_writes_nothing() {
    let dir = workdir();
    let out = dir.join("ofac_sdn.csv");
    let o = run(&[
        &fixture("generated/SDN_ENHANCED.XML"),
        "--out",
        out.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(o.status.success(), "{o:?}");
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        stdout,
        "+ NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001 NEW SYNTHETIC, Test Party (99999001)\n\
         SDN_ENHANCED.XML of 2026-08-08: 962 entries (was 961): +1 -0 ~0 (dry run, nothing written)\n"
    );
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(stderr.contains("unknown currency code \"NEW\""), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), bundled());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn writes_the_list_from_the_csv_pair() {
    let dir = workdir();
    let out = dir.join("ofac_sdn.csv");
    let o = run(&[
        &fixture("generated/sdn.csv"),
        "--comments",
        &fixture("generated/sdn_comments.csv"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{o:?}");
    let mut want = bundled();
    // sdn.csv has no listing dates: the new row has none.
    want.extend_from_slice(NEW_ROW.replace("2026-08-07", "").as_bytes());
    assert!(std::fs::read(&out).unwrap() == want);
    assert!(!dir.join("ofac_sdn.csv.tmp").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn incomplete_files_write_nothing_and_sources_can_change() {
    let dir = workdir();
    let out = dir.join("ofac_sdn.csv");
    // First with the synthetic party, then from the real 2024 sdn.csv
    // alone: incomplete, refused, nothing written.
    assert!(
        run(&[
            &fixture("generated/SDN.XML"),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .success()
    );
    let before = std::fs::read(&out).unwrap();
    let o = run(&[&fixture("sdn.csv"), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(stderr.contains("may be missing addresses"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // Back to the bundled content, with another source URL.
    let o = run(&[
        &fixture("generated/SDN_ADVANCED.old-namespace.XML"),
        "--out",
        out.to_str().unwrap(),
        "--source",
        "https://example.org/sdn_advanced.xml",
    ]);
    assert!(o.status.success(), "{o:?}");
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        stdout.contains("~ NEWCHAIN0SYNTHETIC0TEST0ADDRESS0001 listed:  -> 2026-08-07"),
        "{stdout}"
    );
    assert!(stdout.ends_with("+0 -0 ~1\n"), "{stdout}");
    let written = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(written.contains("\n# source: https://example.org/sdn_advanced.xml\n"));
    // Rows still take the list's source: no row carries the old URL.
    assert!(!written.contains(",https://"), "{written}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn usage_errors() {
    for (args, code) in [
        (&[][..], 2),
        (&["--bogus"][..], 2),
        (&["a", "b"][..], 2),
        (&["--out"][..], 2),
        (&["--help"][..], 0),
        (&["/nonexistent/SDN.XML"][..], 1),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {o:?}");
    }
}
