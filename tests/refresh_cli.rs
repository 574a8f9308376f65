//! End-to-end tests of the maintainer tool `examples/refresh_lists.rs`: it
//! regenerates `lists/ofac_sdn.csv` (here a copy in a temporary directory)
//! from an OFAC file and prints the difference.

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

/// A fresh directory holding a copy of `lists/ofac_sdn.csv`.
fn workdir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "walletscreen-refresh-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        format!("{MANIFEST_DIR}/lists/ofac_sdn.csv"),
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

fn bundled() -> Vec<u8> {
    std::fs::read(format!("{MANIFEST_DIR}/lists/ofac_sdn.csv")).unwrap()
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
