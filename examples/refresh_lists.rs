//! `refresh_lists`: regenerates `lists/ofac_sdn.csv` from a downloaded OFAC
//! file and prints what changed.
//!
//! ```text
//! cargo run --release --example refresh_lists -- OFAC_FILE [--comments sdn_comments.csv]
//!     [--out lists/ofac_sdn.csv] [--source URL] [--name TEXT] [--dry-run]
//! ```
//!
//! * `OFAC_FILE` is any of OFAC's formats (`SDN_ADVANCED.XML`,
//!   `SDN_ENHANCED.XML`, `SDN.XML`, or `sdn.csv` with `--comments
//!   sdn_comments.csv`), detected from its content.
//! * The output (`--out`, default `lists/ofac_sdn.csv`) keeps the metadata
//!   lines of the file it replaces (id, name, category, source, license;
//!   `--source` / `--name` override them) with `as_of` set to the OFAC
//!   file's publish date, and keeps its row order: rows still listed first,
//!   then new ones in OFAC's order (see `walletscreen::list::ofac::refresh`).
//!   The same inputs always give the same bytes.
//! * The difference is printed on standard output, one line per entry:
//!   `+ ADDRESS TICKERS ENTITY (ENTITY_ID)` added, `- …` removed,
//!   `~ ADDRESS field: old -> new` changed; then a summary line. Parser
//!   warnings (unknown currency codes, kept) go to standard error.
//! * `--dry-run` prints the difference and writes nothing.
//! * Exit status: 0 on success; 1 when the OFAC file or the old list cannot
//!   be read, or the OFAC file is incomplete (e.g. `sdn.csv` without its
//!   `sdn_comments.csv`): nothing is written then; 2 on a usage error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use walletscreen::list::ofac::{self, Refreshed};
use walletscreen::{Category, Entry, List, ListMeta};

const USAGE: &str = "\
usage: refresh_lists OFAC_FILE [--comments sdn_comments.csv] [--out lists/ofac_sdn.csv]
                     [--source URL] [--name TEXT] [--dry-run]

Regenerates the bundled OFAC list from a downloaded OFAC file (SDN_ADVANCED.XML,
SDN_ENHANCED.XML, SDN.XML, or sdn.csv with --comments sdn_comments.csv) and prints
the added (+), removed (-) and changed (~) entries. --dry-run writes nothing.
";

struct Args {
    file: PathBuf,
    comments: Option<PathBuf>,
    out: PathBuf,
    source: Option<String>,
    name: Option<String>,
    dry_run: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut it = std::env::args().skip(1);
    let mut file = None;
    let mut comments = None;
    let mut out = PathBuf::from("lists/ofac_sdn.csv");
    let mut source = None;
    let mut name = None;
    let mut dry_run = false;
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--comments" => comments = Some(PathBuf::from(value("--comments")?)),
            "--out" => out = PathBuf::from(value("--out")?),
            "--source" => source = Some(value("--source")?),
            "--name" => name = Some(value("--name")?),
            "--dry-run" => dry_run = true,
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown flag {f}")),
            path if file.is_none() => file = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra}")),
        }
    }
    let file = file.ok_or("missing OFAC_FILE")?;
    Ok(Some(Args {
        file,
        comments,
        out,
        source,
        name,
        dry_run,
    }))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("refresh_lists: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("refresh_lists: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let bytes = read(&args.file)?;
    let comments = args.comments.as_deref().map(read).transpose()?;
    let file = ofac::parse(&bytes, comments.as_deref())
        .map_err(|e| format!("{}: {e}", args.file.display()))?;
    for w in &file.warnings {
        eprintln!("refresh_lists: warning: {w}");
    }
    let previous = if args.out.exists() {
        let p = List::from_path(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
        Some(with_overrides(p, args))
    } else {
        None
    };
    let mut defaults = ListMeta::new("ofac-sdn", Category::Sanctioned);
    defaults.name = Some(args.name.clone().unwrap_or_else(|| {
        format!(
            "OFAC SDN list: digital currency addresses (derived from {})",
            file.format
        )
    }));
    defaults.source.clone_from(&args.source);
    defaults.license = Some("U.S. Government work (public domain)".to_owned());
    let Refreshed {
        list,
        added,
        removed,
        changed,
    } = ofac::refresh(previous.as_ref(), &file, defaults)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;

    for e in &added {
        println!("+ {}", describe(e));
    }
    for e in &removed {
        println!("- {}", describe(e));
    }
    for c in &changed {
        let (b, a) = (&c.before, &c.after);
        let fields = [
            ("tickers", b.tickers.join(";"), a.tickers.join(";")),
            ("entity", opt(&b.entity), opt(&a.entity)),
            ("programs", b.programs.join(";"), a.programs.join(";")),
            ("listed", opt(&b.listed), opt(&a.listed)),
        ];
        for (field, old, new) in fields {
            if old != new {
                println!("~ {} {field}: {old} -> {new}", a.address);
            }
        }
    }
    let was = previous.as_ref().map_or(0, |p| p.entries().len());
    println!(
        "{} of {}: {} entries (was {was}): +{} -{} ~{}{}",
        file.format,
        file.publish_date.as_deref().unwrap_or("unknown date"),
        list.entries().len(),
        added.len(),
        removed.len(),
        changed.len(),
        if args.dry_run {
            " (dry run, nothing written)"
        } else {
            ""
        },
    );
    if args.dry_run {
        return Ok(());
    }
    let mut out = Vec::new();
    list.write_csv(&mut out)
        .map_err(|e| format!("writing the list: {e}"))?;
    // Written next to the target, then renamed over it: never half a file.
    let tmp = args.out.with_extension("csv.tmp");
    std::fs::write(&tmp, &out).map_err(|e| format!("writing {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out)
        .map_err(|e| format!("renaming {} to {}: {e}", tmp.display(), args.out.display()))?;
    eprintln!("refresh_lists: wrote {}", args.out.display());
    Ok(())
}

/// The old list with `--source` / `--name` applied (rows that used the
/// list's source follow it).
fn with_overrides(p: List, args: &Args) -> List {
    if args.source.is_none() && args.name.is_none() {
        return p;
    }
    let mut meta = p.meta().clone();
    let old_source = meta.source.clone();
    if let Some(s) = &args.source {
        meta.source = Some(s.clone());
    }
    if let Some(n) = &args.name {
        meta.name = Some(n.clone());
    }
    let entries: Vec<Entry> = p
        .entries()
        .iter()
        .cloned()
        .map(|mut e| {
            if e.source == old_source {
                e.source.clone_from(&meta.source);
            }
            e
        })
        .collect();
    List::from_entries(meta, entries)
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn describe(e: &Entry) -> String {
    format!(
        "{} {} {} ({})",
        e.address,
        e.tickers.join(";"),
        opt(&e.entity),
        opt(&e.entity_id)
    )
}
