//! `build_history`: builds the bundled listing history
//! `lists/ofac_sdn_history.csv` from the OFAC publications kept under
//! `tests/fixtures/`, reproducibly (the same inputs give the same bytes).
//!
//! ```text
//! cargo run --release --example build_history -- [--root DIR] [--out PATH] [--check]
//! ```
//!
//! * `--root DIR`: the repository (default: this crate's directory).
//! * `--out PATH`: where to write (default `ROOT/lists/ofac_sdn_history.csv`).
//! * `--check`: write nothing; exit 1 when `--out` differs from what would
//!   be written.
//!
//! The publications, in chronological order:
//!
//! 1. the 21 OFAC `SDN_ADVANCED.XML` publications of 2024-05-28 to
//!    2025-11-19 as extracted by an independent script
//!    (`tests/fixtures/ofac/real/extracted/dca_STAMP.tsv`: code, address,
//!    party id, party name), dated by their `DateOfIssue`
//!    (`tests/fixtures/ofac/real/versions_table.md`); these give every
//!    party of an address;
//! 2. the 2026-08-08 compilation `tests/fixtures/naughtylist/all_addresses.json`
//!    (one party per address; OFAC's listing date, entity id and programs);
//! 3. OFAC's 2026-09-30 publication as the feed
//!    `tests/fixtures/bitnob/sanctioned_addresses.json` (one party per
//!    address, name only, EVM addresses lower-cased).
//!
//! An entry is an (address, party). Addresses are compared with the crate's
//! own keys (a screener is built per publication), so a change of case of
//! an EVM address, a CashAddr given in its legacy form, or a look-alike
//! character corrected by OFAC (the ISIL-K Monero address) is the same
//! address. An address moved between currency codes is the same entry.
//! A publication that keeps one party per address (2 and 3) cannot show a
//! party removed from an address still listed: such an entry is kept as
//! listed (conservative). A row of the output is one listing period: see
//! `lists/README.md` and `walletscreen::history` for the columns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use walletscreen::{
    Category, Date, Delisting, Entry, History, HistoryRecord, List, ListMeta, Screener,
};

const USAGE: &str = "usage: build_history [--root DIR] [--out PATH] [--check]";

/// One publication: its date, its entries, and whether it names every
/// party of an address.
struct Publication {
    date: Date,
    name: String,
    entries: Vec<Entry>,
    every_party: bool,
}

/// One listing period being built.
struct Row {
    entry: Entry,
    listed_after: Option<Date>,
    listed_by: Date,
    last_seen: Date,
    delisted_by: Option<Date>,
}

fn party(e: &Entry) -> Option<&str> {
    e.provenance
        .entity_id
        .as_deref()
        .or(e.provenance.entity.as_deref())
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("build_history: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = None;
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = PathBuf::from(args.next().ok_or("--root needs a value")?),
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a value")?)),
            "--check" => check = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let out = out.unwrap_or_else(|| root.join("lists/ofac_sdn_history.csv"));
    let fixtures = root.join("tests/fixtures");
    let mut publications = extracted(&fixtures.join("ofac/real"))?;
    publications.push(naughtylist(&fixtures.join("naughtylist"))?);
    publications.push(bitnob(&fixtures.join("bitnob"))?);
    for w in publications.windows(2) {
        if w[0].date > w[1].date {
            return Err(format!("{} is dated before {}", w[1].name, w[0].name));
        }
    }

    let rows = build(&publications)?;
    let last = publications.last().ok_or("no publication")?;
    let history = History::from_records(
        rows.into_iter()
            .map(|r| HistoryRecord {
                list: "ofac-sdn".to_owned(),
                category: Category::Sanctioned,
                entry: r.entry,
                listed_after: r.listed_after,
                listed_by: Some(r.listed_by),
                delisted: r.delisted_by.map(|by| Delisting {
                    after: Some(r.last_seen),
                    by,
                }),
            })
            .collect(),
    );
    let meta = ListMeta {
        id: "ofac-sdn".to_owned(),
        name: Some(
            "OFAC SDN list: digital currency addresses, listing history (built by examples/build_history.rs)"
                .to_owned(),
        ),
        category: Category::Sanctioned,
        as_of: Some(last.date.to_string()),
        source: Some(
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML"
                .to_owned(),
        ),
        license: Some("U.S. Government work (public domain); see lists/README.md".to_owned()),
    };
    let dates: Vec<String> = publications.iter().map(|p| p.date.to_string()).collect();
    let comments = vec![
        format!(
            "publications ({}): {}",
            publications.len(),
            dates.join(" ")
        ),
        "listed: OFAC's listing date where a publication gives it; listed_after/listed_by: the last publication without the entry and the first with it; delisted_after/delisted_by: the last publication with it and the first without it".to_owned(),
    ];
    let mut bytes = Vec::new();
    history
        .write_csv(&meta, &comments, &mut bytes)
        .map_err(|e| e.to_string())?;
    let delisted = history.delisted().count();
    println!(
        "{} publications ({} .. {}): {} listing periods, {} of them ended",
        publications.len(),
        publications[0].date,
        last.date,
        history.len(),
        delisted
    );
    if check {
        let old = std::fs::read(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        if old == bytes {
            println!("{}: up to date", out.display());
            return Ok(ExitCode::SUCCESS);
        }
        println!("{}: differs from what would be written", out.display());
        return Ok(ExitCode::from(1));
    }
    let tmp = out.with_extension("csv.tmp");
    std::fs::write(&tmp, &bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// A screener over `entries`, whose matches' `line` is the entry's index
/// + 1.
fn screener(entries: impl IntoIterator<Item = Entry>) -> Result<Screener, String> {
    let list = List::from_entries(ListMeta::new("p", Category::Custom), entries);
    Screener::builder()
        .list(list)
        .build()
        .map_err(|e| e.to_string())
}

/// The indexes (line - 1) of the entries of `s` that `address` reaches.
fn reached(s: &Screener, address: &str) -> Vec<usize> {
    match s.check(address).hit() {
        Some(h) => h.matches().map(|m| m.line() - 1).collect(),
        None => Vec::new(),
    }
}

/// Compares the publications in order: see the module docs.
fn build(publications: &[Publication]) -> Result<Vec<Row>, String> {
    let mut rows: Vec<Row> = Vec::new();
    let mut previous: Option<Date> = None;
    for p in publications {
        let entries = merge_same(&p.entries)?;
        let open: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].delisted_by.is_none())
            .collect();
        let prev = screener(open.iter().enumerate().map(|(k, &i)| {
            let mut e = rows[i].entry.clone();
            e.line = k + 1;
            e
        }))?;
        let cur = screener(entries.iter().enumerate().map(|(j, e)| {
            let mut e = e.clone();
            e.line = j + 1;
            e
        }))?;
        let mut present = vec![false; rows.len()];
        let mut known = vec![false; entries.len()];
        // Both ways: a new spelling reaching an old entry, and an old
        // spelling reaching a new entry (look-alike corrections are indexed
        // on the side of the flagged spelling).
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (j, e) in entries.iter().enumerate() {
            pairs.extend(reached(&prev, &e.address).into_iter().map(|k| (open[k], j)));
        }
        for &i in &open {
            pairs.extend(
                reached(&cur, &rows[i].entry.address)
                    .into_iter()
                    .map(|j| (i, j)),
            );
        }
        pairs.sort_unstable();
        pairs.dedup();
        for &(i, j) in &pairs {
            let e = &entries[j];
            let same_party = party(&rows[i].entry) == party(e);
            if p.every_party {
                if same_party {
                    present[i] = true;
                    known[j] = true;
                    update(&mut rows[i].entry, e, true);
                }
            } else {
                // One party per address: every party of the address stays.
                present[i] = true;
                if same_party || e.provenance.entity_id.is_none() {
                    known[j] = true;
                }
                if same_party {
                    update(&mut rows[i].entry, e, e.provenance.entity_id.is_some());
                }
            }
        }
        for &i in &open {
            if present[i] {
                rows[i].last_seen = p.date;
            } else {
                rows[i].delisted_by = Some(p.date);
            }
        }
        for (j, e) in entries.into_iter().enumerate() {
            if !known[j] {
                rows.push(Row {
                    entry: e,
                    listed_after: previous,
                    listed_by: p.date,
                    last_seen: p.date,
                    delisted_by: None,
                });
            }
        }
        previous = Some(p.date);
    }
    Ok(rows)
}

/// A publication's entries with the rows of one (address, party) under
/// several codes merged (tickers in order of appearance).
fn merge_same(entries: &[Entry]) -> Result<Vec<Entry>, String> {
    let s = screener(entries.iter().enumerate().map(|(j, e)| {
        let mut e = e.clone();
        e.line = j + 1;
        e
    }))?;
    let mut into: Vec<usize> = (0..entries.len()).collect();
    let mut out: Vec<Entry> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (j, e) in entries.iter().enumerate() {
        let first = reached(&s, &e.address)
            .into_iter()
            .filter(|&k| k < j && party(&entries[k]) == party(e))
            .map(|k| into[k])
            .min();
        match first {
            Some(k) => {
                into[j] = k;
                let target = &mut out[slot[&k]];
                for t in &e.provenance.tickers {
                    if !target.provenance.tickers.contains(t) {
                        target.provenance.tickers.push(t.clone());
                    }
                }
            }
            None => {
                slot.insert(j, out.len());
                out.push(e.clone());
            }
        }
    }
    Ok(out)
}

/// The row's metadata as the newer publication gives it (the address keeps
/// its first spelling; names and codes only from a publication that names
/// every party).
fn update(row: &mut Entry, e: &Entry, every_party: bool) {
    if every_party {
        row.provenance.tickers.clone_from(&e.provenance.tickers);
        row.provenance.entity.clone_from(&e.provenance.entity);
    }
    if e.provenance.chain.is_some() {
        row.provenance.chain.clone_from(&e.provenance.chain);
    }
    if !e.provenance.programs.is_empty() {
        row.provenance.programs.clone_from(&e.provenance.programs);
    }
    if e.provenance.listed.is_some() {
        row.provenance.listed.clone_from(&e.provenance.listed);
    }
    if e.provenance.entity.is_some() && row.provenance.entity.is_none() {
        row.provenance.entity.clone_from(&e.provenance.entity);
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn date(s: &str, what: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| format!("{what}: {e}"))
}

/// The 21 extracted publications, dated by `versions_table.md`.
fn extracted(dir: &Path) -> Result<Vec<Publication>, String> {
    // `| `sdn_advanced_commit-STAMP.xml.bz2` | commit | DateOfIssue | ...`
    let mut issued: HashMap<String, Date> = HashMap::new();
    for line in read(&dir.join("versions_table.md"))?.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(stamp) = cells
            .get(1)
            .and_then(|c| c.strip_prefix("`sdn_advanced_commit-"))
            .and_then(|c| c.strip_suffix(".xml.bz2`"))
        else {
            continue;
        };
        let d = date(cells.get(3).copied().unwrap_or(""), stamp)?;
        issued.insert(stamp.to_owned(), d);
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("extracted"))
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("dca_") && n.ends_with(".tsv"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let stamp = &name["dca_".len()..name.len() - ".tsv".len()];
        let d = *issued
            .get(stamp)
            .ok_or_else(|| format!("{name}: not in versions_table.md"))?;
        let text = read(&dir.join("extracted").join(&name))?;
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let f: Vec<&str> = line.split('\t').collect();
            let [code, address, id, party] = f[..] else {
                return Err(format!("{name}:{}: expected 4 fields", n + 1));
            };
            let mut e = Entry::new(address, n + 1);
            e.provenance.tickers = vec![code.to_owned()];
            e.provenance.entity_id = Some(id.to_owned()).filter(|s| !s.is_empty());
            e.provenance.entity = Some(party.to_owned()).filter(|s| !s.is_empty());
            entries.push(e);
        }
        out.push(Publication {
            date: d,
            name,
            entries,
            every_party: true,
        });
    }
    if out.len() != 21 {
        return Err(format!(
            "expected 21 extracted publications, found {}",
            out.len()
        ));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct NaughtyFile {
    addresses: Vec<NaughtyRecord>,
}

#[derive(Deserialize)]
struct NaughtyRecord {
    address: String,
    chain: Option<String>,
    date_listed: Option<String>,
    entity_id: Option<serde_json::Value>,
    entity_name: Option<String>,
    #[serde(default)]
    ofac_tickers: Vec<String>,
    #[serde(default)]
    programs: Vec<String>,
}

#[derive(Deserialize)]
struct NaughtyMeta {
    last_updated: String,
}

/// The 2026-08-08 compilation (dated by its `last_updated`).
fn naughtylist(dir: &Path) -> Result<Publication, String> {
    let meta: NaughtyMeta = serde_json::from_str(&read(&dir.join("metadata.json"))?)
        .map_err(|e| format!("naughtylist metadata.json: {e}"))?;
    let d = date(meta.last_updated.get(..10).unwrap_or(""), "last_updated")?;
    let file: NaughtyFile = serde_json::from_str(&read(&dir.join("all_addresses.json"))?)
        .map_err(|e| format!("naughtylist all_addresses.json: {e}"))?;
    let entries = file
        .addresses
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let mut e = Entry::new(r.address, n + 1);
            e.provenance.chain = r.chain;
            e.provenance.tickers = r.ofac_tickers;
            e.provenance.entity = r.entity_name;
            e.provenance.entity_id = r.entity_id.map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
            e.provenance.programs = r.programs;
            e.provenance.listed = r.date_listed;
            e
        })
        .collect();
    Ok(Publication {
        date: d,
        name: "naughtylist all_addresses.json".to_owned(),
        entries,
        every_party: false,
    })
}

#[derive(Deserialize)]
struct BitnobRecord {
    address: String,
    name: Option<String>,
    program: Option<String>,
    chain: String,
}

#[derive(Deserialize)]
struct BitnobManifest {
    source_last_modified: String,
}

/// OFAC's 2026-09-30 publication as the bitnob feed (dated by the
/// `Last-Modified` of the OFAC file it was made from).
fn bitnob(dir: &Path) -> Result<Publication, String> {
    let m: BitnobManifest = serde_json::from_str(&read(&dir.join("manifest.json"))?)
        .map_err(|e| format!("bitnob manifest.json: {e}"))?;
    // "Wed, 30 Sep 2026 14:05:05 GMT"
    let parts: Vec<&str> = m.source_last_modified.split_whitespace().collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|&mo| parts.get(2) == Some(&mo))
    .ok_or("bitnob manifest: bad source_last_modified")?;
    let d = date(
        &format!(
            "{}-{:02}-{:0>2}",
            parts.get(3).unwrap_or(&""),
            month + 1,
            parts.get(1).unwrap_or(&"")
        ),
        "bitnob source_last_modified",
    )?;
    let records: Vec<BitnobRecord> =
        serde_json::from_str(&read(&dir.join("sanctioned_addresses.json"))?)
            .map_err(|e| format!("bitnob sanctioned_addresses.json: {e}"))?;
    let entries = records
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let mut e = Entry::new(r.address, n + 1);
            e.provenance.tickers = vec![r.chain];
            e.provenance.entity = r.name;
            e.provenance.programs = r
                .program
                .map(|p| {
                    p.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            e
        })
        .collect();
    Ok(Publication {
        date: d,
        name: "bitnob sanctioned_addresses.json".to_owned(),
        entries,
        every_party: false,
    })
}
