//! `refresh_lists`: regenerates `lists/ofac_sdn.csv` from a downloaded OFAC
//! file (or an address feed derived from one) and prints what changed.
//!
//! ```text
//! cargo run --release --example refresh_lists -- OFAC_FILE [--comments sdn_comments.csv]
//!     [--out lists/ofac_sdn.csv] [--source URL] [--name TEXT] [--license TEXT] [--dry-run]
//! cargo run --release --example refresh_lists -- FEED.tsv|FEED.json --as-of YYYY-MM-DD
//!     [--parties EXTRACTION.tsv] [--out …] [--source URL] [--name TEXT] [--license TEXT] [--dry-run]
//! ```
//!
//! * `OFAC_FILE` is any of OFAC's formats (`SDN_ADVANCED.XML`,
//!   `SDN_ENHANCED.XML`, `SDN.XML`, or `sdn.csv` with `--comments
//!   sdn_comments.csv`), detected from its content.
//! * A *feed* is one `(code, address, name, programs)` row per OFAC currency
//!   code and address, as `bitnob/ofac-address-feed` publishes it: a TSV with
//!   the header `chain\taddress\tname\tprogram`, or a JSON array of objects
//!   with those keys (detected from the content). Such a feed keeps one party
//!   per address and gives no entity id, listing date or publish date, so:
//!   `--as-of` gives the publication's date; rows still listed keep the old
//!   row's address spelling (EIP-55: the feed lower-cases EVM addresses),
//!   entity id, listing date, chain and source, and take the feed's tickers,
//!   entity name and programs (the old order when the set is unchanged);
//!   new rows get only what the feed gives (empty entity id, listing date and
//!   chain). `--parties` (an extraction of a real `SDN_ADVANCED.XML`: `code
//!   \t address \t party id \t name` per feature, as
//!   `tests/fixtures/ofac/real/extracted/`) names the other parties of an
//!   address the feed deduplicated: each gets its own row, if that party is
//!   still in the feed (another of its rows is kept, with its entity id);
//!   its name, programs and listing date are that row's.
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
                     [--source URL] [--name TEXT] [--license TEXT] [--dry-run]
       refresh_lists FEED.tsv|FEED.json --as-of YYYY-MM-DD [--parties EXTRACTION.tsv]
                     [--out lists/ofac_sdn.csv] [--source URL] [--name TEXT] [--license TEXT]
                     [--dry-run]

Regenerates the bundled OFAC list from a downloaded OFAC file (SDN_ADVANCED.XML,
SDN_ENHANCED.XML, SDN.XML, or sdn.csv with --comments sdn_comments.csv), or from an
address feed (chain/address/name/program rows, TSV or JSON) with the publication date
and, optionally, a party extraction naming every party of a shared address; prints
the added (+), removed (-) and changed (~) entries. --dry-run writes nothing.
";

struct Args {
    file: PathBuf,
    comments: Option<PathBuf>,
    out: PathBuf,
    source: Option<String>,
    name: Option<String>,
    license: Option<String>,
    as_of: Option<String>,
    parties: Option<PathBuf>,
    dry_run: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut it = std::env::args().skip(1);
    let mut file = None;
    let mut comments = None;
    let mut out = PathBuf::from("lists/ofac_sdn.csv");
    let mut source = None;
    let mut name = None;
    let mut license = None;
    let mut as_of = None;
    let mut parties = None;
    let mut dry_run = false;
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--comments" => comments = Some(PathBuf::from(value("--comments")?)),
            "--out" => out = PathBuf::from(value("--out")?),
            "--source" => source = Some(value("--source")?),
            "--name" => name = Some(value("--name")?),
            "--license" => license = Some(value("--license")?),
            "--as-of" => {
                let d = value("--as-of")?;
                if !is_iso_date(&d) {
                    return Err(format!("--as-of {d}: not a YYYY-MM-DD date"));
                }
                as_of = Some(d);
            }
            "--parties" => parties = Some(PathBuf::from(value("--parties")?)),
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
        license,
        as_of,
        parties,
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
    if let Some(feed) = feed::parse(&bytes).map_err(|e| format!("{}: {e}", args.file.display()))? {
        return run_feed(args, &feed);
    }
    if args.as_of.is_some() || args.parties.is_some() {
        return Err(format!(
            "{}: --as-of and --parties are for an address feed; an OFAC file gives its date and every party",
            args.file.display()
        ));
    }
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
    defaults.license = Some(
        args.license
            .clone()
            .unwrap_or_else(|| "U.S. Government work (public domain)".to_owned()),
    );
    let Refreshed {
        list,
        added,
        removed,
        changed,
    } = ofac::refresh(previous.as_ref(), &file, defaults)
        .map_err(|e| format!("{}: {e}", args.file.display()))?;

    let was = previous.as_ref().map_or(0, |p| p.entries().len());
    let what = format!(
        "{} of {}",
        file.format,
        file.publish_date.as_deref().unwrap_or("unknown date")
    );
    report_and_write(args, &what, was, &list, &added, &removed, &changed)
}

/// Prints the difference and the summary, then writes the list (unless
/// `--dry-run`).
fn report_and_write(
    args: &Args,
    what: &str,
    was: usize,
    list: &List,
    added: &[Entry],
    removed: &[Entry],
    changed: &[ofac::Change],
) -> Result<(), String> {
    for e in added {
        println!("+ {}", describe(e));
    }
    for e in removed {
        println!("- {}", describe(e));
    }
    for c in changed {
        let (b, a) = (&c.before, &c.after);
        let fields = [
            (
                "tickers",
                b.provenance.tickers.join(";"),
                a.provenance.tickers.join(";"),
            ),
            (
                "entity",
                opt(&b.provenance.entity),
                opt(&a.provenance.entity),
            ),
            (
                "programs",
                b.provenance.programs.join(";"),
                a.provenance.programs.join(";"),
            ),
            (
                "listed",
                opt(&b.provenance.listed),
                opt(&a.provenance.listed),
            ),
        ];
        for (field, old, new) in fields {
            if old != new {
                println!("~ {} {field}: {old} -> {new}", a.address);
            }
        }
    }
    println!(
        "{what}: {} entries (was {was}): +{} -{} ~{}{}",
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
    if args.source.is_none() && args.name.is_none() && args.license.is_none() {
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
    if let Some(l) = &args.license {
        meta.license = Some(l.clone());
    }
    let entries: Vec<Entry> = p
        .entries()
        .map(|mut e| {
            if e.provenance.source == old_source {
                e.provenance.source.clone_from(&meta.source);
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
        e.provenance.tickers.join(";"),
        opt(&e.provenance.entity),
        opt(&e.provenance.entity_id)
    )
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The key an address is matched on across sources: EVM hex is compared
/// lower-case (the feed lower-cases it; OFAC publishes some EIP-55), every
/// other string exactly.
fn addr_key(a: &str) -> String {
    let b = a.as_bytes();
    if b.len() == 42
        && b[0] == b'0'
        && (b[1] | 0x20) == b'x'
        && b[2..].iter().all(u8::is_ascii_hexdigit)
    {
        a.to_ascii_lowercase()
    } else {
        a.to_owned()
    }
}

/// Keeps `old`'s order when `new` holds the same values.
fn same_set_keep_order(old: &[String], new: Vec<String>) -> Vec<String> {
    let (mut a, mut b) = (old.to_vec(), new.clone());
    a.sort();
    b.sort();
    if a == b { old.to_vec() } else { new }
}

/// Address feeds (one row per OFAC code and address) and party extractions.
mod feed {
    /// One feed row.
    pub struct Row {
        pub code: String,
        pub address: String,
        pub name: String,
        pub programs: Vec<String>,
    }

    /// One extracted feature of a real `SDN_ADVANCED.XML`.
    pub struct Party {
        pub code: String,
        pub address: String,
        pub id: String,
        pub name: String,
    }

    const TSV_HEADER: &str = "chain\taddress\tname\tprogram";

    fn programs(p: &str) -> Vec<String> {
        p.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn row(code: &str, address: &str, name: &str, program: &str, at: &str) -> Result<Row, String> {
        if code.is_empty() || address.is_empty() || name.is_empty() {
            return Err(format!("{at}: empty code, address or name"));
        }
        if address.trim() != address {
            return Err(format!(
                "{at}: address {address:?} has surrounding whitespace"
            ));
        }
        Ok(Row {
            code: code.to_owned(),
            address: address.to_owned(),
            name: name.to_owned(),
            programs: programs(program),
        })
    }

    /// The feed's rows, or `None` when `bytes` is no feed (an OFAC file).
    pub fn parse(bytes: &[u8]) -> Result<Option<Vec<Row>>, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = bytes.iter().copied().find(|c| !c.is_ascii_whitespace());
        if first == Some(b'[') {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct J {
                chain: String,
                address: String,
                name: String,
                program: String,
            }
            let rows: Vec<J> =
                serde_json::from_slice(bytes).map_err(|e| format!("JSON feed: {e}"))?;
            let rows = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    row(
                        &r.chain,
                        &r.address,
                        &r.name,
                        &r.program,
                        &format!("element {i}"),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            return nonempty(rows).map(Some);
        }
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
        let mut lines = text.lines();
        if lines.next().map(|l| l.trim_end_matches('\r')) != Some(TSV_HEADER) {
            return Ok(None);
        }
        let mut rows = Vec::new();
        for (i, line) in lines.enumerate() {
            let at = format!("line {}", i + 2);
            let f: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
            let [code, address, name, program] = f[..] else {
                return Err(format!("{at}: {} fields, want 4", f.len()));
            };
            rows.push(row(code, address, name, program, &at)?);
        }
        nonempty(rows).map(Some)
    }

    fn nonempty(rows: Vec<Row>) -> Result<Vec<Row>, String> {
        if rows.is_empty() {
            Err("the feed has no rows".to_owned())
        } else {
            Ok(rows)
        }
    }

    /// An extraction: `code \t address \t party id \t name` per line.
    pub fn parse_parties(text: &str) -> Result<Vec<Party>, String> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let [code, address, id, name] = f[..] else {
                return Err(format!("line {}: {} fields, want 4", i + 1, f.len()));
            };
            if code.is_empty() || address.is_empty() || id.is_empty() {
                return Err(format!("line {}: empty code, address or party id", i + 1));
            }
            out.push(Party {
                code: code.to_owned(),
                address: address.to_owned(),
                id: id.to_owned(),
                name: name.to_owned(),
            });
        }
        Ok(out)
    }
}

/// One address of the feed, with every code it is listed under.
struct Group {
    key: String,
    address: String,
    name: String,
    programs: Vec<String>,
    codes: Vec<String>,
}

/// A row of the new list before it is matched to the old one.
struct Target {
    address: String,
    entity: String,
    entity_id: Option<String>,
    tickers: Vec<String>,
    programs: Vec<String>,
    listed: Option<String>,
    chain: Option<String>,
    /// Index of the old row it continues.
    old: Option<usize>,
}

fn run_feed(args: &Args, rows: &[feed::Row]) -> Result<(), String> {
    let as_of = args
        .as_of
        .clone()
        .ok_or("an address feed has no publication date: give it with --as-of YYYY-MM-DD")?;
    let previous = if args.out.exists() {
        let p = List::from_path(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
        with_overrides(p, args)
    } else {
        return Err(format!(
            "{}: a feed has no entity ids or listing dates; refresh an existing list",
            args.out.display()
        ));
    };
    let parties = match &args.parties {
        Some(p) => {
            let text = String::from_utf8(read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
            feed::parse_parties(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Vec::new(),
    };

    // The feed, one group per address, in feed order.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = Default::default();
    for r in rows {
        let key = addr_key(&r.address);
        match group_of.get(&key) {
            Some(&g) => {
                let g = &mut groups[g];
                if g.name != r.name || g.programs != r.programs {
                    return Err(format!(
                        "{}: two parties for one address in the feed ({} / {})",
                        r.address, g.name, r.name
                    ));
                }
                if !g.codes.contains(&r.code) {
                    g.codes.push(r.code.clone());
                }
            }
            None => {
                group_of.insert(key.clone(), groups.len());
                groups.push(Group {
                    key,
                    address: r.address.clone(),
                    name: r.name.clone(),
                    programs: r.programs.clone(),
                    codes: vec![r.code.clone()],
                });
            }
        }
    }
    let old: Vec<Entry> = previous.entries().collect();
    let find_old = |key: &str, pred: &dyn Fn(&Entry) -> bool| {
        old.iter()
            .position(|e| addr_key(&e.address) == key && pred(e))
    };

    // The feed's party of each address: continues the old row of that
    // address and entity name, if any.
    let mut targets: Vec<Target> = Vec::new();
    let mut primary_of: Vec<usize> = Vec::with_capacity(groups.len());
    for g in &groups {
        let o = find_old(&g.key, &|e| {
            e.provenance.entity.as_deref() == Some(g.name.as_str())
        });
        let oe = o.map(|i| &old[i]);
        primary_of.push(targets.len());
        targets.push(Target {
            address: oe.map_or_else(|| g.address.clone(), |e| e.address.clone()),
            entity: g.name.clone(),
            entity_id: oe.and_then(|e| e.provenance.entity_id.clone()),
            tickers: match oe {
                Some(e) => same_set_keep_order(&e.provenance.tickers, g.codes.clone()),
                None => g.codes.clone(),
            },
            programs: match oe {
                Some(e) => same_set_keep_order(&e.provenance.programs, g.programs.clone()),
                None => g.programs.clone(),
            },
            listed: oe.and_then(|e| e.provenance.listed.clone()),
            chain: oe.and_then(|e| e.provenance.chain.clone()),
            old: o,
        });
    }

    // The other parties of an address, from the extraction.
    let mut extra: Vec<(usize, Target)> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        let primary = &targets[primary_of[gi]];
        let is_primary = |p: &feed::Party| match &primary.entity_id {
            Some(id) => *id == p.id,
            None => p.name == g.name,
        };
        let of_address: Vec<&feed::Party> = parties
            .iter()
            .filter(|p| addr_key(&p.address) == g.key)
            .collect();
        if of_address.iter().all(|p| is_primary(p)) {
            continue;
        }
        // The extraction is only evidence for this address if it agrees
        // with the feed on the feed's party; otherwise the address changed
        // hands after the extraction, and its parties are not this list's.
        if !of_address.iter().any(|p| is_primary(p)) {
            let names: Vec<String> = of_address
                .iter()
                .map(|p| format!("{} ({})", p.name, p.id))
                .collect();
            eprintln!(
                "refresh_lists: warning: {}: the feed's party {} is not among the extraction's \
                 ({}): the extraction predates a change on this address; not used for it",
                g.address,
                g.name,
                names.join(", ")
            );
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for p in of_address {
            if is_primary(p) || seen.contains(&p.id.as_str()) {
                continue;
            }
            seen.push(&p.id);
            // Still listed: another row of this party is in the feed.
            let Some(kept) = targets
                .iter()
                .find(|t| t.entity_id.as_deref() == Some(p.id.as_str()))
            else {
                eprintln!(
                    "refresh_lists: warning: {} is also a feature of party {} ({}) in {}, \
                     which has no row in the feed: not added",
                    g.address,
                    p.id,
                    p.name,
                    args.parties.as_deref().unwrap_or(Path::new("")).display()
                );
                continue;
            };
            let codes: Vec<String> = parties
                .iter()
                .filter(|q| addr_key(&q.address) == g.key && q.id == p.id)
                .map(|q| q.code.clone())
                .filter(|c| g.codes.contains(c))
                .fold(Vec::new(), |mut v, c| {
                    if !v.contains(&c) {
                        v.push(c);
                    }
                    v
                });
            if codes.is_empty() {
                continue;
            }
            let o = find_old(&g.key, &|e| {
                e.provenance.entity_id.as_deref() == Some(p.id.as_str())
            });
            let t = Target {
                address: primary.address.clone(),
                entity: kept.entity.clone(),
                entity_id: Some(p.id.clone()),
                tickers: match o {
                    Some(i) => same_set_keep_order(&old[i].provenance.tickers, codes),
                    None => codes,
                },
                programs: kept.programs.clone(),
                listed: kept.listed.clone(),
                chain: primary.chain.clone(),
                old: o,
            };
            extra.push((primary_of[gi], t));
        }
    }
    // Each other party right after the feed's party of its address.
    for (at, t) in extra.into_iter().rev() {
        targets.insert(at + 1, t);
    }

    let meta = ListMeta {
        as_of: Some(as_of.clone()),
        category: Category::Sanctioned,
        ..previous.meta().clone()
    };
    let to_entry = |t: &Target, source: Option<String>| {
        let mut e = Entry::new(t.address.as_str(), 0);
        e.provenance.chain.clone_from(&t.chain);
        e.provenance.tickers.clone_from(&t.tickers);
        e.provenance.entity = Some(t.entity.clone());
        e.provenance.entity_id.clone_from(&t.entity_id);
        e.provenance.programs.clone_from(&t.programs);
        e.provenance.listed.clone_from(&t.listed);
        e.provenance.source = source;
        e
    };
    let mut by_old: Vec<Option<usize>> = vec![None; old.len()];
    for (ti, t) in targets.iter().enumerate() {
        if let Some(o) = t.old {
            if by_old[o].is_some() {
                return Err(format!("{}: two feed rows continue one old row", t.address));
            }
            by_old[o] = Some(ti);
        }
    }
    let mut entries = Vec::with_capacity(targets.len());
    let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for (oi, o) in old.iter().enumerate() {
        let Some(ti) = by_old[oi] else {
            removed.push(o.clone());
            continue;
        };
        let source = o
            .provenance
            .source
            .clone()
            .filter(|s| Some(s) != meta.source.as_ref());
        let e = to_entry(&targets[ti], source);
        if o.provenance.tickers != e.provenance.tickers
            || o.provenance.entity != e.provenance.entity
            || o.provenance.programs != e.provenance.programs
            || o.provenance.listed != e.provenance.listed
        {
            changed.push(ofac::Change {
                before: o.clone(),
                after: e.clone(),
            });
        }
        entries.push(e);
    }
    for t in targets.iter().filter(|t| t.old.is_none()) {
        let e = to_entry(t, None);
        added.push(e.clone());
        entries.push(e);
    }
    debug_assert!(entries.iter().all(|e| !e.address.is_empty()));
    for (n, e) in entries.iter_mut().enumerate() {
        e.line = n + 1;
        if e.provenance.source.is_none() {
            e.provenance.source.clone_from(&meta.source);
        }
    }
    let list = List::from_entries(meta, entries);
    report_and_write(
        args,
        &format!("feed of {as_of}"),
        old.len(),
        &list,
        &added,
        &removed,
        &changed,
    )
}
