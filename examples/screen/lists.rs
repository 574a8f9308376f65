//! The screener: bundled lists, `--list` files, `--fetch` sources (with
//! their cache), or a `--compiled` image; and the listing history for
//! screening as of a date.

use anyhow::{Context, Result, anyhow};
use walletscreen::update::CacheStatus;
use walletscreen::{History, List, LiveScreener, LoadError, Screener, Source};

use crate::args::{Args, ListAge};

/// The screener the command line asks for, with its notes on stderr (one
/// load report per `--list`, one line per fetched source, warnings).
pub fn screener(args: &Args) -> Result<Screener> {
    let screener = if let Some(path) = &args.compiled {
        Screener::read_compiled_file(path).with_context(|| path.clone())?
    } else {
        let screener = if args.fetch.is_empty() {
            from_lists(args)?
        } else {
            fetched(args)?
        };
        if let Some(path) = &args.write_compiled {
            screener
                .write_compiled_file(path)
                .context("writing the compiled screener")?;
        }
        screener
    };
    if let ListAge::Days(days) = args.max_list_age {
        warn_stale_bundled(&screener, days);
    }
    with_history(screener, args)
}

/// The screener over the bundled lists (unless `--no-bundled`) and every
/// `--list` file.
fn from_lists(args: &Args) -> Result<Screener> {
    let mut builder = Screener::builder();
    builder.bundled(!args.no_bundled);
    for path in &args.lists {
        builder.list(load_list(path, args)?);
    }
    builder.build().context("building the screener")
}

/// Warns on stderr about every bundled list older than `days` (from its
/// `as_of`), and says how to screen against the current one.
fn warn_stale_bundled(screener: &Screener, days: u64) {
    let max = std::time::Duration::from_secs(days.saturating_mul(86_400));
    for (list, age) in screener.lists_older_than(max, std::time::SystemTime::now(), true) {
        let id = &list.meta.id;
        let how = if id == "ofac-sdn" {
            format!(
                "for OFAC's current list: --fetch {} --cache DIR",
                walletscreen::update::OFAC_SDN_ADVANCED_URL
            )
        } else {
            "no feed to fetch it from: a newer walletscreen may bundle a newer one".to_owned()
        };
        eprintln!(
            "screen: warning: the bundled list {id} is of {}, {} days old (more than {days}): \
             what was listed since is not in it; {how} (--max-list-age DAYS|off)",
            list.meta.as_of.as_deref().unwrap_or("?"),
            age.as_secs() / 86_400,
        );
    }
}

/// The screener over the base lists (bundled, `--list`) and every
/// `--fetch` source, falling back to the `--cache` when fetching fails.
fn fetched(args: &Args) -> Result<Screener> {
    let mut builder = LiveScreener::builder();
    builder.bundled(!args.no_bundled);
    for path in &args.lists {
        builder.list(load_list(path, args)?);
    }
    for (location, pins) in args.fetch.iter().zip(&args.fetch_pins) {
        let mut source = Source::parse(location);
        if let Some(hex) = &pins.sha256 {
            source = source.sha256(hex).context("--fetch-sha256")?;
        }
        if let Some(key) = &pins.minisign {
            // A public key, or the path of a minisign.pub file.
            let key = std::fs::read_to_string(key).unwrap_or_else(|_| key.clone());
            source = source.minisign(&key).context("--fetch-minisign")?;
        }
        builder.source(source);
    }
    builder.allow_insecure_http(args.allow_insecure_http);
    if let Some(dir) = &args.cache {
        builder.cache_dir(dir);
    }
    let live = builder.build().context("building the screener")?;
    let cache = live.cache_status();
    if let CacheStatus::Ignored { path, error } = cache {
        eprintln!(
            "screen: warning: ignoring cache {}: {error}",
            path.display()
        );
    }
    match live.refresh() {
        Ok(report) => {
            for s in &report.sources {
                eprintln!(
                    "screen: fetched {}: list {}, {} entries, sha256 {}, {} added, {} removed",
                    s.location,
                    s.list,
                    s.entries,
                    s.sha256,
                    s.added.len(),
                    s.removed.len()
                );
                for w in &s.warnings {
                    eprintln!("screen: warning: {}: {w}", s.location);
                }
            }
            if let Some(e) = &report.cache_error {
                eprintln!("screen: warning: writing the cache: {e}");
            }
        }
        Err(e) if args.cache.is_none() => return Err(e).context("--fetch"),
        Err(e) => {
            let using = match cache {
                CacheStatus::Loaded { path, lists, .. } if *lists > 0 => {
                    format!("the lists cached in {}", path.display())
                }
                _ => "the bundled and --list lists (no usable cache for these --fetch sources)"
                    .to_owned(),
            };
            eprintln!("screen: warning: --fetch: {e}; screening against {using}");
        }
    }
    Ok(live.screener())
}

/// For screening as of a date: a screener without a listing history (read
/// from `--compiled`) that holds the `ofac-sdn` list gets the bundled one.
fn with_history(screener: Screener, args: &Args) -> Result<Screener> {
    if !args.dated()
        || screener.history().is_some()
        || !screener.lists().iter().any(|l| l.meta.id == "ofac-sdn")
    {
        return Ok(screener);
    }
    let history = History::bundled().context("the bundled history")?;
    screener
        .with_history(history)
        .context("the bundled history")
}

/// Loads a `--list` file and prints its load report on stderr.
fn load_list(path: &str, args: &Args) -> Result<List> {
    let list = List::from_path_with(path, &args.list_options()).map_err(|e| match e {
        // Already names the path.
        LoadError::Io { .. } => anyhow!(e).context("--list"),
        LoadError::MostlyNotAddresses { .. } => {
            anyhow!("--list {path}: {e} (--list-column NAME|INDEX, --allow-non-addresses)")
        }
        _ => anyhow!(e).context(format!("--list {path}")),
    })?;
    eprintln!("screen: {path}: {}", list.report());
    Ok(list)
}

/// The message of an error and its causes, joined by `: `, without
/// repeating a cause that its parent's message already says (the library's
/// errors name their source in their own message).
pub fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}
