//! `screen`: batch screening of wallet addresses at file scale, and
//! free-text scan.
//!
//! ```text
//! cargo run --release --example screen -- [--list FILE]... [--list-column NAME|INDEX] [--allow-non-addresses]
//!     [--fetch URL|PATH]... [--cache DIR] [--no-bundled]
//!     [--compiled FILE | --write-compiled FILE]
//!     [--format jsonl|csv|text] [--hits-only] [--fast]
//!     [--column NAME|INDEX [--delimiter C] [--header auto|yes|no] | --field NAME | --scan]
//!     [--as-of YYYY-MM-DD | --date-column NAME|INDEX | --date-field NAME]
//!     [--threads N] [--max-line BYTES] [FILE|-]...
//! ```
//!
//! Contract (scripts rely on it):
//!
//! * **Input.** Reads each `FILE` in order, or standard input when no file
//!   or `-` is given. A UTF-8 byte order mark at the start of a file is
//!   skipped. Three kinds of input:
//!   * plain lines (default): every line is one input, the line as read
//!     minus its line ending (`\n` or `\r\n`). Empty lines are inputs too
//!     (verdict `invalid`, reason `empty input`).
//!   * CSV / TSV with `--column NAME|INDEX`: the field of that column of
//!     each record (quoted fields, embedded newlines, CRLF; the `csv`
//!     crate, records may have any number of fields). A numeric value is a
//!     1-based column index (as `cut -f`); anything else is a header name,
//!     and then the first record must be a header holding it (exact match
//!     first, then trimmed and ASCII case-insensitive). With an index the
//!     header is detected (`--header auto`): the first record is a header
//!     when its field in that column is no address (a `screen: ... taken as
//!     a header` note goes to stderr); `--header yes|no` decides instead.
//!     The delimiter is `,`, or a tab for files named `*.tsv`, or
//!     `--delimiter C` (`\t` or `tab` for a tab). `line` is the physical
//!     line where the record starts; blank lines are skipped (the `csv`
//!     crate's rule) and the header produces no output.
//!   * JSON lines with `--field NAME`: the string field `NAME` of the JSON
//!     object on each line; a dotted name (`tx.to`) walks nested objects
//!     when no top-level key has the whole name.
//! * **Bad lines** never stop the run. A line that is not UTF-8, a line
//!   longer than `--max-line` bytes (default 1 MiB: it is skipped without
//!   being buffered), a CSV record without the column, a malformed JSON
//!   line, or one without the field (or with a non-string field) gets the
//!   verdict `invalid` with the reason, and a
//!   `screen: FILE: line N: REASON` note on stderr (the first 20 of a run;
//!   the summary counts all of them as `bad lines`). They are not errors:
//!   they do not change the exit status.
//! * **Streaming.** A reader thread cuts the input into chunks of whole
//!   lines (~1 MiB, or what one read of a pipe returns), `--threads N`
//!   workers (default: the number of CPUs) screen them, and the main
//!   thread writes the results in input order. At most 8 chunks are in
//!   flight, so memory stays constant whatever the file size.
//! * **Lists.** The bundled lists (OFAC SDN, FBI DPRK) unless
//!   `--no-bundled`, plus each `--list FILE` loaded with
//!   [`walletscreen::List::from_path_with`] (walletscreen CSV, any CSV /
//!   TSV / semicolon export, JSON, plain text, OFAC files: detected; id =
//!   file stem, category `custom` unless the file says otherwise).
//!   `--list-column NAME|INDEX` names the address column (or JSON field)
//!   of every `--list` (a number is 1-based) when detection cannot decide;
//!   `--allow-non-addresses` accepts lists where more than half of the
//!   entries are not addresses. One line per list goes to stderr, its load
//!   report: `screen: FILE: 2,104 entries, 2,100 addresses (evm 1,950,
//!   base58 150), 4 not addresses (kept, lines 17, 88, …); CSV with
//!   header, column 2 "wallet" (by name), 1 line skipped (1 header)`. A
//!   list that fails to load, is empty, or is mostly not addresses is an
//!   error naming the file and the reason (exit 2), and nothing is
//!   screened.
//! * **Fetched lists.** Each `--fetch URL|PATH` is fetched (URLs need the
//!   crate's `update` feature, which the examples get) and loaded in any
//!   format [`walletscreen::List::from_bytes`] detects, through
//!   [`walletscreen::LiveScreener`] and its guards (complete parse, no
//!   empty list, no shrink over 20 % against the list it replaces); a
//!   fetched list replaces the bundled or `--list` list with the same id
//!   (an OFAC SDN publication is `ofac-sdn` by its content, whatever its
//!   file name or URL). One line per source goes to
//!   stderr (`screen: fetched ...`). A failed fetch is an error (exit 2),
//!   unless `--cache DIR` is given: then the lists of the last successful
//!   fetch with the same `--fetch` arguments, kept in `DIR`, serve instead,
//!   or the bundled and `--list` lists when the cache is missing or corrupt,
//!   each time with a `screen: warning: ...` line on stderr. After a
//!   successful fetch the cache is rewritten. `--cache` without `--fetch`
//!   is a usage error.
//! * **Age of the bundled lists.** A bundled list is as old as its `as_of`
//!   date. When one is older than `--max-list-age DAYS` (default 30) at
//!   the start of the run, a `screen: warning: the bundled list ...` line
//!   on stderr says so and how to fetch the current one (`--fetch`,
//!   `--cache`); `--max-list-age off` silences it. It changes neither the
//!   output nor the exit status.
//! * **Compiled lists.** `--write-compiled FILE` writes the screener built
//!   from the lists above to `FILE` (atomically; a compiled image, see
//!   [`walletscreen::Screener::write_compiled_file`]) before screening.
//!   `--compiled FILE` screens against such a file instead of building from
//!   lists: it loads in a fraction of a second where a list of millions of
//!   entries takes seconds to parse and compile. A file that is not a
//!   compiled image, or is damaged, is an error (exit 2). `--compiled`
//!   excludes `--list`, `--fetch`, `--cache`, `--no-bundled` and
//!   `--write-compiled`.
//! * **Checks.** Checksums are verified by default
//!   (`CheckOptions::new().verify_checksum(true)`), so a mistyped address is
//!   `invalid`; `--fast` checks the shape only (a mistyped address is
//!   `clear`). Hits are the same either way.
//! * **Output** (stdout, buffered), one record per input, or per hit only
//!   with `--hits-only`:
//!   * `--format text` (default): `LINE<TAB>HIT<TAB>INPUT<TAB>MATCHES`, with
//!     matches as `list: entity [programs] listed DATE` joined by `"; "`;
//!     `LINE<TAB>CLEAR<TAB>INPUT<TAB>FAMILY`;
//!     `LINE<TAB>INVALID<TAB>INPUT<TAB>REASON`. Control characters in the
//!     input are escaped (`\t`, `\r`, `\u{..}`) so the columns stay intact.
//!   * `--format jsonl`: one JSON object per line with `line` (1-based,
//!     within its file), `input`, `verdict` (`hit`|`clear`|`invalid`),
//!     `matches` (serialized [`walletscreen::Match`]es; empty unless a hit),
//!     `file` (the path, or `-` for stdin), then `family` and `checksum`
//!     (hit, clear), `version` (`{date, sha256}`, hit) or `reason`
//!     (invalid).
//!   * `--format csv`: a header row, then one row per input, or per match
//!     for a hit with several matches (first normal form), with the columns
//!     `file,line,column,input,verdict,list,category,entity,entity_id,
//!     programs,listed,address,via,family,checksum,reason`; `programs` are
//!     joined with `;`; `column` is empty except for `--scan`.
//! * **As of a date** (listing history, [`walletscreen::Screener::check_at`]):
//!   `--as-of YYYY-MM-DD` screens every input as of that date;
//!   `--date-column NAME|INDEX` (with `--column`) or `--date-field NAME`
//!   (with `--field`, a JSON string) screens each record as of its own date,
//!   a `YYYY-MM-DD` date or an RFC 3339 timestamp (its UTC date). The three
//!   exclude each other and `--scan`. A record whose date is missing, not a
//!   string, or not a valid date is a bad line (`invalid` with the reason,
//!   noted on stderr), never screened and never `clear`. A screener read
//!   with `--compiled` that holds `ofac-sdn` gets the bundled history. The
//!   outputs say the date and, per match, the dates: text `HIT` detail
//!   `as of DATE: MATCHES` with ` delisted_on DATE (after DATE)` for an
//!   entry delisted since (and ` listed after DATE`, ` first seen DATE`
//!   where OFAC's date is unknown), `CLEAR` detail `FAMILY (as of DATE)`; jsonl `as_of` per
//!   record and `listed_on`, `delisted_on` (and, where OFAC's listing
//!   date is unknown, the bounds `listed_after`/`listed_by`, and
//!   `delisted_after` when known) per match; csv four more columns,
//!   `as_of,listed_on,delisted_on,delisted_after`. Without these options
//!   the outputs are as above, unchanged.
//! * **Free-text scan** (`--scan`): every line of every `FILE` is searched
//!   with [`walletscreen::Screener::scan`] for listed addresses (whole
//!   tokens, any case where the format ignores case, `0x` and CashAddr
//!   prefixes, each match confirmed by `check`). One record per match, with
//!   `column` (1-based, in characters) and in `jsonl` also `start`/`end`
//!   (byte offsets in the line): text
//!   `FILE:LINE:COLUMN<TAB>ADDRESS<TAB>MATCHES`, jsonl and csv as above with
//!   verdict `hit`. Lines that are not UTF-8 are scanned with their bad
//!   bytes replaced by U+FFFD (columns count the replacement characters)
//!   and reported as bad lines.
//! * **Summary** on stderr at the end: `screen: N lines, H hits, C clear,
//!   I invalid, B bad lines in S s (R lines/s, M MB/s)` (for `--scan`:
//!   `screen: scanned N lines (M MB), H matches, B bad lines in ...`),
//!   then one `screen:   LIST  ENTITY: COUNT` line per list and entity hit
//!   (most hits first, at most 20, then `... and K more`). A progress bar
//!   (indicatif) is drawn on stderr only when stderr is a terminal, without
//!   colours when `NO_COLOR` is set.
//! * **Exit status:** 0 when nothing was a hit, 1 when at least one input
//!   was a hit (or a scan found a match), 2 on a usage error (unknown flag,
//!   bad value, missing value, conflicting options) or an I/O error
//!   (unreadable input file, a `--list` that fails to load, a `--column`
//!   name missing from a file's header, a CSV record that never ends,
//!   failed write); errors go to stderr prefixed `screen: `. An error in one
//!   input file does not stop the other files from being screened, but the
//!   exit status is 2, even if there were hits. `--help` prints usage to
//!   stdout and exits 0.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::ops::Range;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use walletscreen::update::CacheStatus;
use walletscreen::{
    CheckOptions, Checksum, Date, DatedMatch, Family, History, List, LiveScreener, LoadError,
    Match, Screener, Source, Verdict, VerdictAt, Version,
    list::{Column as ListColumn, LoadOptions},
};

const USAGE: &str = "\
usage: screen [--list FILE]... [--list-column NAME|INDEX] [--allow-non-addresses]
              [--fetch URL|PATH]... [--cache DIR] [--no-bundled]
              [--compiled FILE | --write-compiled FILE]
              [--format jsonl|csv|text] [--hits-only] [--fast]
              [--column NAME|INDEX [--delimiter C] [--header auto|yes|no]
               | --field NAME | --scan]
              [--as-of YYYY-MM-DD | --date-column NAME|INDEX | --date-field NAME]
              [--threads N] [--max-line BYTES] [FILE|-]...

Screens wallet addresses, one per line (or one per CSV record or JSON line),
against the bundled sanctions and attribution lists (OFAC SDN, FBI DPRK)
and any lists given with --list. Reads each FILE in order, or standard input
when none (or -) is given, and writes one result per input (empty lines
included) to standard output, in input order.

lists:
  --list FILE       also screen against FILE (walletscreen CSV list, any
                    CSV/TSV/semicolon export with the address column found
                    by name or content, JSON array or lines, plain text with
                    optional notes; detected); may be repeated. Its load
                    report goes to standard error. Refused (exit 2) if it
                    does not parse, is empty or is mostly not addresses.
                    A list with a bundled list's id replaces it (an OFAC
                    SDN publication is ofac-sdn, whatever its name).
  --list-column NAME|INDEX  the address column (or JSON field) of every
                    --list, when detection cannot decide (1-based index)
  --allow-non-addresses  accept --list files where more than half of the
                    entries are not addresses (kept, matched exactly)
  --fetch URL|PATH  fetch a list (any supported format, detected) and screen
                    against it; it replaces a list with the same id (OFAC's
                    SDN files replace the bundled ofac-sdn); may be repeated.
                    Refused if it does not parse, is empty or shrank by more
                    than 20 % against the list it replaces. Plain http://
                    is refused except on loopback (127.0.0.1, localhost),
                    and so is a redirect from https to http
  --fetch-sha256 HEX  refuse the preceding --fetch unless its bytes have
                    this SHA-256 (checked before parsing)
  --fetch-minisign KEY|FILE  refuse the preceding --fetch unless FETCH.minisig
                    (same location, .minisig appended) is a minisign signature
                    of its bytes by this public key (checked before parsing)
  --allow-insecure-http  allow plain http:// --fetch URLs on any host
  --cache DIR       with --fetch: keep the fetched lists in DIR after a
                    successful fetch, and screen against them (with a
                    warning) when fetching fails
  --no-bundled      do not load the bundled lists
  --max-list-age DAYS|off  warn on standard error when a bundled list is
                    older than DAYS (default 30) by its date (as_of): it
                    cannot hold what was listed since; off: no warning
  --write-compiled FILE  write the screener built from the lists above to
                    FILE (a compiled image), then screen as usual
  --compiled FILE   screen against a compiled image written by
                    --write-compiled, instead of any list option

input:
  --column NAME|INDEX  CSV/TSV input: screen this column (a number is a
                    1-based index; a name needs a header row)
  --delimiter C     CSV field delimiter (default ',', or tab for *.tsv files;
                    '\\t' or 'tab' for a tab)
  --header MODE     with --column INDEX: auto (default: the first record is a
                    header when its field is no address), yes or no
  --field NAME      JSON lines input: screen this string field (a dotted
                    name walks nested objects)
  --scan            free text: find listed addresses anywhere in each line
                    (logs, memos, tickets); one record per match with its
                    line and column
  --max-line BYTES  longer lines are reported as bad and skipped (default
                    1048576)
  --threads N       worker threads (default: number of CPUs)

as of a date (listing history: was it listed on that date?):
  --as-of DATE      screen every input as of DATE (YYYY-MM-DD)
  --date-column NAME|INDEX  with --column: screen each record as of the
                    date in this column (YYYY-MM-DD or an RFC 3339
                    timestamp, taken in UTC)
  --date-field NAME with --field: the same, from this JSON string field
                    A missing or bad date makes the line bad (INVALID, noted
                    on standard error), never clear. Hits carry listed_on
                    and, for a delisted entry, delisted_on.

output:
  --format FORMAT   text (default): LINE<TAB>HIT|CLEAR|INVALID<TAB>INPUT<TAB>DETAIL
                    jsonl: one JSON object per line (line, input, verdict,
                    matches, file, family, checksum, version, reason)
                    csv: a header, then one row per input or per match
  --hits-only       write hits only
  --fast            check address shape only; by default checksums are
                    verified, so a mistyped address is INVALID (with --fast
                    it is CLEAR). Listed addresses are hits either way.
  -h, --help        print this help and exit

Bad lines (not UTF-8, too long, missing column or field, malformed JSON) are
INVALID with a reason, noted on standard error with their line number, and
never stop the run. A summary (lines, hits by list and entity, invalid, bad
lines, time, rate) goes to standard error at the end; a progress bar too
when standard error is a terminal (no colours if NO_COLOR is set).

exit status: 0 no hit, 1 at least one hit, 2 usage or I/O error (even if
there were hits).
";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Jsonl,
    Csv,
}

/// `--column`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// 0-based (the command line's index minus one).
    Index(usize),
    Name(String),
}

/// `--header`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Auto,
    Yes,
    No,
}

/// Parsed command line.
#[derive(Debug)]
struct Args {
    lists: Vec<String>,
    list_options: LoadOptions,
    fetch: Vec<String>,
    /// `--fetch-sha256`, by index into `fetch`.
    fetch_sha256: Vec<(usize, String)>,
    /// `--fetch-minisign`, by index into `fetch`.
    fetch_minisign: Vec<(usize, String)>,
    allow_insecure_http: bool,
    cache: Option<String>,
    bundled: bool,
    compiled: Option<String>,
    write_compiled: Option<String>,
    format: Format,
    fast: bool,
    hits_only: bool,
    column: Option<Column>,
    delimiter: Option<u8>,
    header: Option<Header>,
    field: Option<String>,
    scan: bool,
    threads: usize,
    max_line: usize,
    /// `--max-list-age`: days; `None` is `off`.
    max_list_age: Option<u64>,
    inputs: Vec<String>,
    /// `--as-of`.
    as_of: Option<Date>,
    /// `--date-column`.
    date_column: Option<Column>,
    /// `--date-field`.
    date_field: Option<String>,
}

impl Args {
    /// Inputs are screened as of a date.
    fn dated(&self) -> bool {
        self.as_of.is_some() || self.date_column.is_some() || self.date_field.is_some()
    }
}

/// What the command line asks for.
enum Command {
    Help,
    Screen(Box<Args>),
}

/// Exit status: no input was a hit.
const EXIT_CLEAR: u8 = 0;
/// Exit status: at least one input was a hit.
const EXIT_HIT: u8 = 1;
/// Exit status: usage or I/O error.
const EXIT_ERROR: u8 = 2;

/// Default `--max-line`.
const MAX_LINE: usize = 1 << 20;
/// Default `--max-list-age`, in days.
const MAX_LIST_AGE_DAYS: u64 = 30;
/// Bytes asked of one read: the usual chunk size.
const BLOCK: usize = 1 << 20;
/// CSV records per chunk at most.
const CHUNK_RECORDS: usize = 32 * 1024;
/// Chunks in flight (read and not yet written).
const IN_FLIGHT: usize = 8;
/// Bad lines noted on stderr per run (all are counted).
const MAX_NOTES: usize = 20;
/// Entities listed in the summary.
const MAX_SUMMARY_ENTITIES: usize = 20;

fn main() -> ExitCode {
    let command = match utf8_args().and_then(parse_args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("screen: {msg}");
            eprintln!("screen: try --help");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match command {
        Command::Help => {
            print!("{USAGE}");
            ExitCode::from(EXIT_CLEAR)
        }
        Command::Screen(args) => ExitCode::from(run(*args)),
    }
}

/// The arguments after the program name; a non-UTF-8 one is a usage error
/// (rather than the panic of `std::env::args`).
fn utf8_args() -> Result<Vec<String>, String> {
    std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string()
                .map_err(|a| format!("argument {a:?} is not valid UTF-8"))
        })
        .collect()
}

/// Parses the arguments (without the program name) by hand.
fn parse_args(args: Vec<String>) -> Result<Command, String> {
    let mut it = args.into_iter();
    let mut parsed = Args {
        lists: Vec::new(),
        list_options: LoadOptions::new(),
        fetch: Vec::new(),
        fetch_sha256: Vec::new(),
        fetch_minisign: Vec::new(),
        allow_insecure_http: false,
        cache: None,
        bundled: true,
        compiled: None,
        write_compiled: None,
        format: Format::Text,
        fast: false,
        hits_only: false,
        column: None,
        delimiter: None,
        header: None,
        field: None,
        scan: false,
        threads: std::thread::available_parallelism().map_or(2, usize::from),
        max_line: MAX_LINE,
        max_list_age: Some(MAX_LIST_AGE_DAYS),
        inputs: Vec::new(),
        as_of: None,
        date_column: None,
        date_field: None,
    };
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--list" => parsed.lists.push(value("--list")?),
            "--list-column" => {
                let c = value("--list-column")?
                    .parse::<ListColumn>()
                    .map_err(|e| format!("bad --list-column value: {e}"))?;
                parsed.list_options = parsed.list_options.clone().column(c);
            }
            "--fetch" => parsed.fetch.push(value("--fetch")?),
            "--fetch-sha256" => {
                let hex = value("--fetch-sha256")?;
                let Some(i) = parsed.fetch.len().checked_sub(1) else {
                    return Err("--fetch-sha256 must follow the --fetch it pins".to_owned());
                };
                if parsed.fetch_sha256.iter().any(|(j, _)| *j == i) {
                    return Err("one --fetch-sha256 per --fetch".to_owned());
                }
                parsed.fetch_sha256.push((i, hex));
            }
            "--fetch-minisign" => {
                let key = value("--fetch-minisign")?;
                let Some(i) = parsed.fetch.len().checked_sub(1) else {
                    return Err("--fetch-minisign must follow the --fetch it checks".to_owned());
                };
                if parsed.fetch_minisign.iter().any(|(j, _)| *j == i) {
                    return Err("one --fetch-minisign per --fetch".to_owned());
                }
                parsed.fetch_minisign.push((i, key));
            }
            "--cache" => parsed.cache = Some(value("--cache")?),
            "--compiled" => parsed.compiled = Some(value("--compiled")?),
            "--write-compiled" => parsed.write_compiled = Some(value("--write-compiled")?),
            "--format" => parsed.format = parse_format(&value("--format")?)?,
            "--column" => parsed.column = Some(parse_column(&value("--column")?)?),
            "--delimiter" => parsed.delimiter = Some(parse_delimiter(&value("--delimiter")?)?),
            "--header" => parsed.header = Some(parse_header(&value("--header")?)?),
            "--field" => parsed.field = Some(value("--field")?),
            "--as-of" => {
                let v = value("--as-of")?;
                parsed.as_of =
                    Some(Date::parse(&v).map_err(|e| format!("bad --as-of value: {e}"))?);
            }
            "--date-column" => {
                parsed.date_column = Some(
                    parse_column(&value("--date-column")?)
                        .map_err(|e| e.replace("--column", "--date-column"))?,
                );
            }
            "--date-field" => parsed.date_field = Some(value("--date-field")?),
            "--threads" => parsed.threads = parse_count("--threads", &value("--threads")?)?,
            "--max-line" => parsed.max_line = parse_count("--max-line", &value("--max-line")?)?,
            "--max-list-age" => {
                parsed.max_list_age = match value("--max-list-age")?.as_str() {
                    "off" => None,
                    v => Some(v.parse::<u64>().map_err(|_| {
                        format!("bad --max-list-age value {v:?} (expected a number of days or off)")
                    })?),
                }
            }
            "--no-bundled"
            | "--fast"
            | "--hits-only"
            | "--scan"
            | "--allow-insecure-http"
            | "--allow-non-addresses"
                if inline.is_some() =>
            {
                return Err(format!("{flag} takes no value"));
            }
            "--allow-non-addresses" => {
                parsed.list_options = parsed.list_options.clone().allow_non_addresses(true);
            }
            "--no-bundled" => parsed.bundled = false,
            "--allow-insecure-http" => parsed.allow_insecure_http = true,
            "--fast" => parsed.fast = true,
            "--hits-only" => parsed.hits_only = true,
            "--scan" => parsed.scan = true,
            "--" => {
                parsed.inputs.extend(it);
                break;
            }
            "-" => parsed.inputs.push(arg),
            f if f.starts_with('-') => return Err(format!("unknown option {arg:?}")),
            _ => parsed.inputs.push(arg),
        }
    }
    if parsed.inputs.is_empty() {
        parsed.inputs.push("-".to_owned());
    }
    if parsed.cache.is_some() && parsed.fetch.is_empty() {
        return Err("--cache needs --fetch".to_owned());
    }
    if parsed.list_options != LoadOptions::new() && parsed.lists.is_empty() {
        return Err("--list-column and --allow-non-addresses need --list".to_owned());
    }
    if parsed.compiled.is_some()
        && (!parsed.lists.is_empty()
            || !parsed.fetch.is_empty()
            || !parsed.bundled
            || parsed.write_compiled.is_some())
    {
        return Err(
            "--compiled excludes --list, --fetch, --cache, --no-bundled and --write-compiled"
                .to_owned(),
        );
    }
    let modes = [parsed.column.is_some(), parsed.field.is_some(), parsed.scan];
    if modes.iter().filter(|&&m| m).count() > 1 {
        return Err("--column, --field and --scan exclude each other".to_owned());
    }
    if parsed.column.is_none() && (parsed.delimiter.is_some() || parsed.header.is_some()) {
        return Err("--delimiter and --header need --column".to_owned());
    }
    if matches!(parsed.column, Some(Column::Name(_))) && parsed.header == Some(Header::No) {
        return Err("--column NAME needs a header row (--header no excludes it)".to_owned());
    }
    let dates = [
        parsed.as_of.is_some(),
        parsed.date_column.is_some(),
        parsed.date_field.is_some(),
    ];
    if dates.iter().filter(|&&d| d).count() > 1 {
        return Err("--as-of, --date-column and --date-field exclude each other".to_owned());
    }
    if parsed.scan && parsed.dated() {
        return Err(
            "--scan screens today's lists only (no --as-of, --date-column, --date-field)"
                .to_owned(),
        );
    }
    if parsed.date_column.is_some() && parsed.column.is_none() {
        return Err("--date-column needs --column".to_owned());
    }
    if parsed.date_field.is_some() && parsed.field.is_none() {
        return Err("--date-field needs --field".to_owned());
    }
    if matches!(parsed.date_column, Some(Column::Name(_))) && parsed.header == Some(Header::No) {
        return Err("--date-column NAME needs a header row (--header no excludes it)".to_owned());
    }
    Ok(Command::Screen(Box::new(parsed)))
}

fn parse_format(s: &str) -> Result<Format, String> {
    match s {
        "text" => Ok(Format::Text),
        "jsonl" => Ok(Format::Jsonl),
        "csv" => Ok(Format::Csv),
        other => Err(format!(
            "bad --format value {other:?} (expected jsonl, csv or text)"
        )),
    }
}

fn parse_column(s: &str) -> Result<Column, String> {
    if s.is_empty() {
        return Err("--column needs a name or a 1-based index".to_owned());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Column::Index(n - 1)),
            _ => Err(format!("bad --column index {s:?} (indexes start at 1)")),
        };
    }
    Ok(Column::Name(s.to_owned()))
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        _ => Err(format!(
            "bad --delimiter {s:?} (one ASCII character, or \\t for a tab)"
        )),
    }
}

fn parse_header(s: &str) -> Result<Header, String> {
    match s {
        "auto" => Ok(Header::Auto),
        "yes" => Ok(Header::Yes),
        "no" => Ok(Header::No),
        other => Err(format!(
            "bad --header value {other:?} (expected auto, yes or no)"
        )),
    }
}

fn parse_count(flag: &str, s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("bad {flag} value {s:?} (a positive integer)")),
    }
}

/// How one input file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lines,
    Json,
    Csv { delimiter: u8 },
    Scan,
}

fn mode_for(args: &Args, path: &str) -> Mode {
    if args.scan {
        Mode::Scan
    } else if args.field.is_some() {
        Mode::Json
    } else if args.column.is_some() {
        let tsv = path.len() > 4 && path[path.len() - 4..].eq_ignore_ascii_case(".tsv");
        let delimiter = args.delimiter.unwrap_or(if tsv { b'\t' } else { b',' });
        Mode::Csv { delimiter }
    } else {
        Mode::Lines
    }
}

/// Builds the screener, screens every input and returns the exit status.
fn run(args: Args) -> u8 {
    let screener = match build_screener(&args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("screen: {msg}");
            return EXIT_ERROR;
        }
    };
    if let Some(days) = args.max_list_age {
        warn_stale_bundled(&screener, days);
    }
    let start = Instant::now();
    let args = Arc::new(args);
    let log = Log::new(progress_bar(&args.inputs));
    let failed = Arc::new(AtomicBool::new(false));
    let screener = match with_history(screener, &args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("screen: {msg}");
            return EXIT_ERROR;
        }
    };
    let ctx = Arc::new(Ctx {
        screener,
        opts: CheckOptions::new().verify_checksum(!args.fast),
        format: args.format,
        hits_only: args.hits_only || args.scan,
        field: args.field.clone(),
        as_of: args.as_of,
        date_field: args.date_field.clone(),
        dated: args.dated(),
    });

    // Buffers circulate: pool → reader → workers → writer → pool. The pool
    // holds IN_FLIGHT of them, which bounds memory.
    let (pool_tx, pool_rx) = sync_channel::<Bufs>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        let _ = pool_tx.send(Bufs::default());
    }
    let (work_tx, work_rx) = sync_channel::<Chunk>(IN_FLIGHT);
    let (done_tx, done_rx) = sync_channel::<Done>(IN_FLIGHT);
    let work_rx = Arc::new(Mutex::new(work_rx));

    let reader = {
        let (args, ctx, log, failed) = (args.clone(), ctx.clone(), log.clone(), failed.clone());
        std::thread::spawn(move || {
            let mut r = Reader {
                pool: pool_rx,
                spare: None,
                work: work_tx,
                seq: 0,
                max_line: args.max_line,
                fill: false,
                log,
                failed,
            };
            for path in &args.inputs {
                if r.input(&args, &ctx.screener, path).is_err() {
                    break; // the writer stopped
                }
            }
        })
    };
    let workers: Vec<_> = (0..args.threads)
        .map(|_| {
            let (ctx, work_rx, done_tx) = (ctx.clone(), work_rx.clone(), done_tx.clone());
            std::thread::spawn(move || worker(&ctx, &work_rx, &done_tx))
        })
        .collect();
    drop(done_tx);

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut tally = Tally::default();
    let mut notes = 0usize;
    let mut write_failed = false;
    let header = if args.dated() {
        CSV_HEADER_DATED
    } else {
        CSV_HEADER
    };
    if args.format == Format::Csv
        && let Err(e) = out.write_all(header.as_bytes())
    {
        write_failed = true;
        report_write_error(&e);
    }
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let mut bytes_done = 0u64;
    if !write_failed {
        'recv: for done in &done_rx {
            pending.insert(done.seq, done);
            while let Some(mut d) = pending.remove(&next) {
                next += 1;
                for (line, reason) in &d.notes {
                    if notes < MAX_NOTES {
                        log.note(&format!("screen: {}: line {line}: {reason}", d.file));
                    }
                    notes += 1;
                }
                tally.merge(&d.tally);
                bytes_done += d.bytes;
                if let Some(pb) = &log.pb {
                    pb.inc(d.bytes);
                }
                if let Err(e) = out.write_all(&d.bufs.out) {
                    write_failed = true;
                    report_write_error(&e);
                    break 'recv;
                }
                d.bufs.out.clear();
                let _ = pool_tx.send(d.bufs);
            }
        }
    }
    if !write_failed && let Err(e) = out.flush() {
        write_failed = true;
        report_write_error(&e);
    }
    // On a write error, dropping the channels stops the other threads.
    drop(pool_tx);
    drop(done_rx);
    let _ = reader.join();
    for w in workers {
        let _ = w.join();
    }
    if let Some(pb) = &log.pb {
        pb.finish_and_clear();
    }
    summary(
        &args,
        &tally,
        notes.min(MAX_NOTES),
        bytes_done,
        start.elapsed(),
    );
    let hits = if args.scan { tally.matches } else { tally.hits };
    match (write_failed || failed.load(Ordering::Relaxed), hits) {
        (true, _) => EXIT_ERROR,
        (false, 0) => EXIT_CLEAR,
        (false, _) => EXIT_HIT,
    }
}

fn report_write_error(e: &io::Error) {
    if e.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("screen: writing standard output: {e}");
    }
}

/// The end-of-run summary on stderr.
fn summary(args: &Args, t: &Tally, shown: usize, bytes: u64, elapsed: Duration) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mb = bytes as f64 / 1e6;
    let rate = format!(
        "in {:.3} s ({}, {:.1} MB/s)",
        elapsed.as_secs_f64(),
        per_second(t.lines as f64 / secs, "lines"),
        mb / secs
    );
    if args.scan {
        eprintln!(
            "screen: scanned {} lines ({mb:.1} MB), {} matches, {} bad lines {rate}",
            t.lines, t.matches, t.bad
        );
    } else {
        eprintln!(
            "screen: {} lines, {} hits, {} clear, {} invalid, {} bad lines {rate}",
            t.lines, t.hits, t.clear, t.invalid, t.bad
        );
    }
    if t.bad > shown as u64 {
        eprintln!("screen: {} more bad lines not shown", t.bad - shown as u64);
    }
    let mut by: Vec<(&(Arc<str>, String), &u64)> = t.by_entity.iter().collect();
    by.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    for ((list, entity), n) in by.iter().take(MAX_SUMMARY_ENTITIES) {
        eprintln!("screen:   {list}  {entity}: {n}");
    }
    if by.len() > MAX_SUMMARY_ENTITIES {
        eprintln!(
            "screen:   ... and {} more list/entity pairs",
            by.len() - MAX_SUMMARY_ENTITIES
        );
    }
}

fn per_second(x: f64, unit: &str) -> String {
    if x >= 1e6 {
        format!("{:.2} M {unit}/s", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k {unit}/s", x / 1e3)
    } else {
        format!("{x:.0} {unit}/s")
    }
}

/// A progress bar on stderr when it is a terminal: bytes of the input
/// files (a spinner when one is standard input or not a regular file).
fn progress_bar(inputs: &[String]) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let total: Option<u64> = inputs
        .iter()
        .map(|p| {
            (p != "-")
                .then(|| std::fs::metadata(p).ok())
                .flatten()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        })
        .sum();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let bar = if color {
        "{bar:30.cyan/blue}"
    } else {
        "{bar:30}"
    };
    let template = match total {
        Some(_) => {
            format!("screen {bar} {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} eta {{eta}}")
        }
        None => "screen {spinner} {bytes} {binary_bytes_per_sec}".to_owned(),
    };
    let pb = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(&template) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.enable_steady_tick(Duration::from_millis(200));
    Some(pb)
}

/// Stderr, shared by the threads, drawn around the progress bar.
#[derive(Clone)]
struct Log {
    pb: Option<ProgressBar>,
}

impl Log {
    fn new(pb: Option<ProgressBar>) -> Log {
        Log { pb }
    }

    fn note(&self, msg: &str) {
        match &self.pb {
            Some(pb) => pb.suspend(|| eprintln!("{msg}")),
            None => eprintln!("{msg}"),
        }
    }
}

/// The screener over the bundled lists (unless `--no-bundled`) and every
/// `--list` file.
fn build_screener(args: &Args) -> Result<Screener, String> {
    if let Some(path) = &args.compiled {
        return Screener::read_compiled_file(path).map_err(|e| format!("{path}: {e}"));
    }
    let screener = build_from_lists(args)?;
    if let Some(path) = &args.write_compiled {
        screener
            .write_compiled_file(path)
            .map_err(|e| format!("writing the compiled screener: {e}"))?;
    }
    Ok(screener)
}

/// The screener over the lists of the command line.
fn build_from_lists(args: &Args) -> Result<Screener, String> {
    if !args.fetch.is_empty() {
        return fetch_screener(args);
    }
    let mut builder = Screener::builder();
    builder.bundled(args.bundled);
    for path in &args.lists {
        builder.list(load_list(path, &args.list_options)?);
    }
    builder
        .build()
        .map_err(|e| format!("building the screener: {e}"))
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
fn fetch_screener(args: &Args) -> Result<Screener, String> {
    let mut builder = LiveScreener::builder();
    builder.bundled(args.bundled);
    for path in &args.lists {
        builder.list(load_list(path, &args.list_options)?);
    }
    for (i, f) in args.fetch.iter().enumerate() {
        let mut source = Source::parse(f);
        if let Some((_, hex)) = args.fetch_sha256.iter().find(|(j, _)| *j == i) {
            source = source
                .sha256(hex)
                .map_err(|e| format!("--fetch-sha256: {e}"))?;
        }
        if let Some((_, key)) = args.fetch_minisign.iter().find(|(j, _)| *j == i) {
            // A public key, or the path of a minisign.pub file.
            let key = match std::fs::read_to_string(key) {
                Ok(text) => text,
                Err(_) => key.clone(),
            };
            source = source
                .minisign(&key)
                .map_err(|e| format!("--fetch-minisign: {e}"))?;
        }
        builder.source(source);
    }
    builder.allow_insecure_http(args.allow_insecure_http);
    if let Some(dir) = &args.cache {
        builder.cache_dir(dir);
    }
    let live = builder
        .build()
        .map_err(|e| format!("building the screener: {e}"))?;
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
        Err(e) if args.cache.is_none() => return Err(format!("--fetch: {e}")),
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
fn with_history(screener: Screener, args: &Args) -> Result<Screener, String> {
    if !args.dated()
        || screener.history().is_some()
        || !screener.lists().iter().any(|l| l.meta.id == "ofac-sdn")
    {
        return Ok(screener);
    }
    let history = History::bundled().map_err(|e| format!("the bundled history: {e}"))?;
    screener
        .with_history(history)
        .map_err(|e| format!("the bundled history: {e}"))
}

/// Loads a `--list` file and prints its load report on stderr.
fn load_list(path: &str, options: &LoadOptions) -> Result<List, String> {
    let list = List::from_path_with(path, options).map_err(|e| list_error(path, &e))?;
    eprintln!("screen: {path}: {}", list.report());
    Ok(list)
}

/// A list load error, naming the file (the error itself names the line).
fn list_error(path: &str, e: &LoadError) -> String {
    match e {
        // Already names the path.
        LoadError::Io { .. } => format!("--list: {e}"),
        LoadError::MostlyNotAddresses { .. } => {
            format!("--list {path}: {e} (--list-column NAME|INDEX, --allow-non-addresses)")
        }
        _ => format!("--list {path}: {e}"),
    }
}

// ------------------------------------------------------------ pipeline

/// What the workers share.
struct Ctx {
    screener: Screener,
    opts: CheckOptions,
    format: Format,
    hits_only: bool,
    field: Option<String>,
    /// `--as-of`.
    as_of: Option<Date>,
    /// `--date-field`.
    date_field: Option<String>,
    /// Any date option: CSV output has the date columns.
    dated: bool,
}

/// Reusable buffers of one chunk.
#[derive(Default)]
struct Bufs {
    /// Whole lines, or the extracted CSV fields.
    data: Vec<u8>,
    /// CSV records (or one bad line).
    recs: Vec<Rec>,
    /// Formatted output.
    out: Vec<u8>,
}

/// A CSV record's field, or a bad line.
struct Rec {
    line: u64,
    what: What,
    /// With `--date-column`: `data[range]` is the date field (`None`: the
    /// record has no such field).
    date: Option<Range<usize>>,
}

enum What {
    /// `data[range]` is the field.
    Field(Range<usize>),
    /// A bad line, with the reason.
    Bad(String),
}

/// A unit of work.
struct Chunk {
    seq: u64,
    file: Arc<str>,
    mode: Mode,
    /// Number of the first line of `bufs.data` (lines mode).
    first_line: u64,
    /// `bufs.data` is whole lines (else `bufs.recs` says what it is).
    lines: bool,
    /// Input bytes this chunk stands for (progress).
    bytes: u64,
    bufs: Bufs,
}

/// A processed chunk.
struct Done {
    seq: u64,
    file: Arc<str>,
    bytes: u64,
    tally: Tally,
    /// Bad lines (at most MAX_NOTES per chunk): line number and reason.
    notes: Vec<(u64, String)>,
    bufs: Bufs,
}

/// Counts.
#[derive(Debug, Default)]
struct Tally {
    lines: u64,
    hits: u64,
    clear: u64,
    invalid: u64,
    bad: u64,
    matches: u64,
    /// Inputs (or scan matches) per list and entity.
    by_entity: HashMap<(Arc<str>, String), u64>,
}

impl Tally {
    fn merge(&mut self, o: &Tally) {
        self.lines += o.lines;
        self.hits += o.hits;
        self.clear += o.clear;
        self.invalid += o.invalid;
        self.bad += o.bad;
        self.matches += o.matches;
        for (k, n) in &o.by_entity {
            *self.by_entity.entry(k.clone()).or_default() += n;
        }
    }

    fn count_hit(&mut self, matches: &[Match]) {
        let mut seen: Vec<(&Arc<str>, &str)> = Vec::new();
        for m in matches {
            let key = (&m.list, m.entry.entity.as_deref().unwrap_or("(no entity)"));
            if !seen.contains(&key) {
                seen.push(key);
                *self
                    .by_entity
                    .entry((m.list.clone(), key.1.to_owned()))
                    .or_default() += 1;
            }
        }
    }
}

// -------------------------------------------------------------- reader

/// The reader thread's state.
struct Reader {
    pool: Receiver<Bufs>,
    /// A buffer taken from the pool and not sent (it must not be lost: the
    /// pool is all there is).
    spare: Option<Bufs>,
    work: SyncSender<Chunk>,
    seq: u64,
    max_line: usize,
    /// The current input is a regular file: reads fill their buffer (see
    /// [`read_some`]).
    fill: bool,
    log: Log,
    failed: Arc<AtomicBool>,
}

/// The writer stopped: stop reading.
struct Stopped;

impl Reader {
    fn error(&self, msg: &str) {
        self.log.note(&format!("screen: {msg}"));
        self.failed.store(true, Ordering::Relaxed);
    }

    fn take(&mut self) -> Result<Bufs, Stopped> {
        let mut b = match self.spare.take() {
            Some(b) => b,
            None => self.pool.recv().map_err(|_| Stopped)?,
        };
        b.data.clear();
        b.recs.clear();
        b.out.clear();
        Ok(b)
    }

    fn send(
        &mut self,
        file: &Arc<str>,
        mode: Mode,
        first_line: u64,
        lines: bool,
        bytes: u64,
        bufs: Bufs,
    ) -> Result<(), Stopped> {
        let chunk = Chunk {
            seq: self.seq,
            file: file.clone(),
            mode,
            first_line,
            lines,
            bytes,
            bufs,
        };
        self.seq += 1;
        self.work.send(chunk).map_err(|_| Stopped)
    }

    /// Reads one input; errors are reported and flagged, `Err` only when
    /// the writer stopped.
    fn input(&mut self, args: &Args, screener: &Screener, path: &str) -> Result<(), Stopped> {
        let mode = mode_for(args, path);
        let file: Arc<str> = Arc::from(path);
        self.fill = false;
        let reader: Box<dyn Read> = if path == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(path) {
                Ok(f) => {
                    self.fill = f.metadata().is_ok_and(|m| m.is_file());
                    Box::new(f)
                }
                Err(e) => {
                    self.error(&format!("{path}: {e}"));
                    return Ok(());
                }
            }
        };
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        // A UTF-8 byte order mark is skipped.
        match reader.fill_buf() {
            Ok(b) if b.starts_with(b"\xEF\xBB\xBF") => reader.consume(3),
            Ok(_) => {}
            Err(e) => {
                self.error(&format!("{path}: {e}"));
                return Ok(());
            }
        }
        let result = match mode {
            Mode::Csv { delimiter } => self.csv(args, screener, &file, delimiter, reader),
            _ => self.lines(&file, mode, reader),
        };
        match result {
            Ok(()) => Ok(()),
            Err(ReadError::Stopped) => Err(Stopped),
            Err(ReadError::Failed(msg)) => {
                self.error(&format!("{path}: {msg}"));
                Ok(())
            }
        }
    }

    /// Plain lines, JSON lines, scan: chunks of whole lines.
    fn lines(&mut self, file: &Arc<str>, mode: Mode, mut r: impl Read) -> Result<(), ReadError> {
        let mut line_no = 1u64;
        let mut carry: Vec<u8> = Vec::new();
        let mut eof = false;
        loop {
            let mut bufs = self.take()?;
            let data = &mut bufs.data;
            data.extend_from_slice(&carry);
            carry.clear();
            // Read until the buffer holds a newline, or the end.
            let mut searched = 0;
            let cut = loop {
                if let Some(k) = memchr::memrchr(b'\n', &data[searched..]) {
                    break Some(searched + k);
                }
                searched = data.len();
                if eof {
                    break None;
                }
                if data.len() > self.max_line {
                    break None;
                }
                eof = read_some(&mut r, data, BLOCK, self.fill)
                    .map_err(|e| read_failed(line_no, &e))?;
            };
            match cut {
                Some(k) => {
                    carry.extend_from_slice(&data[k + 1..]);
                    data.truncate(k + 1);
                }
                None if !eof => {
                    // One line longer than --max-line: skip to its end.
                    let mut len = data.len() as u64;
                    let rest = skip_line(&mut r, data, &mut len, &mut eof)
                        .map_err(|e| read_failed(line_no, &e))?;
                    carry.extend_from_slice(&rest);
                    bufs.data.clear();
                    bufs.recs.push(Rec {
                        line: line_no,
                        date: None,
                        what: What::Bad(format!(
                            "line too long ({len} bytes, --max-line {})",
                            self.max_line
                        )),
                    });
                    self.send(file, mode, line_no, false, len + 1, bufs)?;
                    line_no += 1;
                    continue;
                }
                None => {}
            }
            if bufs.data.is_empty() {
                // The end, with nothing left.
                self.spare = Some(bufs);
                return Ok(());
            }
            let data = &bufs.data;
            let n = count_lines(data);
            let bytes = data.len() as u64;
            self.send(file, mode, line_no, true, bytes, bufs)?;
            line_no += n;
            if eof && carry.is_empty() {
                return Ok(());
            }
        }
    }

    /// CSV / TSV: the reader parses records (quoted fields may span lines)
    /// and ships the chosen field of each.
    fn csv(
        &mut self,
        args: &Args,
        screener: &Screener,
        file: &Arc<str>,
        delimiter: u8,
        r: impl Read,
    ) -> Result<(), ReadError> {
        let state = Rc::new(RefCell::new(CapState::default()));
        let capped = LineCap {
            inner: r,
            max_line: self.max_line,
            max_record: 4 * self.max_line + BLOCK,
            state: state.clone(),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(capped);
        let mut rec = csv::ByteRecord::new();
        let column = args.column.clone().unwrap_or(Column::Index(0));
        let mut index = match &column {
            Column::Index(i) => Some(*i),
            Column::Name(_) => None,
        };
        let mut date_index = match &args.date_column {
            Some(Column::Index(i)) => Some(*i),
            _ => None,
        };
        let mut first = true;
        let mut eof = false;
        while !eof {
            let mut bufs = self.take()?;
            let mut bytes = 0u64;
            while bufs.recs.len() < CHUNK_RECORDS && bufs.data.len() < BLOCK {
                let before = rdr.position().byte();
                let more = rdr.read_byte_record(&mut rec).map_err(|e| {
                    // The reader may be ahead of the parser: "near".
                    let line = state.borrow().line;
                    match e.kind() {
                        csv::ErrorKind::Io(e) => {
                            ReadError::Failed(format!("near line {line}: {e}"))
                        }
                        _ => ReadError::Failed(format!("near line {line}: {e}")),
                    }
                })?;
                state.borrow_mut().since_record = 0;
                if !more {
                    eof = true;
                    break;
                }
                bytes += rdr.position().byte() - before;
                let (line, too_long) = {
                    let mut st = state.borrow_mut();
                    let start = rec.position().map_or(before, csv::Position::byte);
                    let line = st.line_at(start);
                    let end_line = st.line_at(rdr.position().byte()).max(line + 1);
                    (line, st.truncated_in(line..end_line))
                };
                if first {
                    first = false;
                    let header = match (&column, args.header.unwrap_or(Header::Auto)) {
                        (Column::Name(_), _) | (_, Header::Yes) => true,
                        (_, Header::No) => false,
                        (Column::Index(i), Header::Auto) => looks_like_header(screener, &rec, *i),
                    };
                    if header && let Some(Column::Name(name)) = &args.date_column {
                        match find_column(&rec, name) {
                            Some(i) => date_index = Some(i),
                            None => {
                                return Err(ReadError::Failed(format!(
                                    "no date column {name:?} in the header on line {line} ({})",
                                    header_names(&rec)
                                )));
                            }
                        }
                    }
                    if !header && let Some(Column::Name(name)) = &args.date_column {
                        return Err(ReadError::Failed(format!(
                            "--date-column {name:?} needs a header row; line {line} is none (--header yes makes it one)"
                        )));
                    }
                    if header {
                        if let Column::Name(name) = &column {
                            match find_column(&rec, name) {
                                Some(i) => index = Some(i),
                                None => {
                                    return Err(ReadError::Failed(format!(
                                        "no column {name:?} in the header on line {line} ({})",
                                        header_names(&rec)
                                    )));
                                }
                            }
                        } else if args.header.is_none() {
                            self.log.note(&format!(
                                "screen: {file}: line {line} taken as a header (--header no screens it)"
                            ));
                        }
                        continue;
                    }
                }
                let what = match (too_long, index.and_then(|i| rec.get(i))) {
                    (Some(len), _) => What::Bad(format!(
                        "line too long ({len} bytes, --max-line {})",
                        self.max_line
                    )),
                    (None, Some(field)) => {
                        let start = bufs.data.len();
                        bufs.data.extend_from_slice(field);
                        What::Field(start..bufs.data.len())
                    }
                    (None, None) => What::Bad(format!(
                        "missing column {} ({} fields)",
                        column_name(&column),
                        rec.len()
                    )),
                };
                let date = match (&what, date_index.and_then(|i| rec.get(i))) {
                    (What::Field(_), Some(field)) => {
                        let start = bufs.data.len();
                        bufs.data.extend_from_slice(field);
                        Some(start..bufs.data.len())
                    }
                    _ => None,
                };
                bufs.recs.push(Rec { line, what, date });
            }
            if bufs.recs.is_empty() {
                self.spare = Some(bufs);
                continue;
            }
            self.send(file, Mode::Csv { delimiter }, 0, false, bytes, bufs)?;
        }
        Ok(())
    }
}

enum ReadError {
    Stopped,
    Failed(String),
}

impl From<Stopped> for ReadError {
    fn from(_: Stopped) -> ReadError {
        ReadError::Stopped
    }
}

fn read_failed(line: u64, e: &io::Error) -> ReadError {
    ReadError::Failed(format!("line {line}: {e}"))
}

/// At most `want` bytes appended to `data`; true at the end.
///
/// With `fill` (a regular file), as many reads as it takes to get `want`
/// bytes or reach the end, straight into `data`'s spare capacity
/// (`read_to_end` does not zero it first, which a `resize` would: ~5 % of
/// the binary's CPU for 1 MiB blocks). Otherwise (stdin, pipes) one `read`,
/// so that lines typed or piped in are screened as they come.
fn read_some(r: &mut impl Read, data: &mut Vec<u8>, want: usize, fill: bool) -> io::Result<bool> {
    let len = data.len();
    if fill {
        let want = want.max(1);
        return match r.take(want as u64).read_to_end(data) {
            Ok(n) => Ok(n < want),
            Err(e) => {
                data.truncate(len);
                Err(e)
            }
        };
    }
    data.resize(len + want.max(1), 0);
    loop {
        match r.read(&mut data[len..]) {
            Ok(n) => {
                data.truncate(len + n);
                return Ok(n == 0);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                data.truncate(len);
                return Err(e);
            }
        }
    }
}

/// Reads and drops the rest of a too-long line, using `scratch`; adds its
/// bytes to `len`; returns what follows its newline.
fn skip_line(
    r: &mut impl Read,
    scratch: &mut Vec<u8>,
    len: &mut u64,
    eof: &mut bool,
) -> io::Result<Vec<u8>> {
    loop {
        scratch.clear();
        *eof = read_some(r, scratch, BLOCK, false)?;
        if let Some(k) = memchr::memchr(b'\n', scratch) {
            *len += k as u64;
            let rest = scratch[k + 1..].to_vec();
            return Ok(rest);
        }
        *len += scratch.len() as u64;
        if *eof {
            return Ok(Vec::new());
        }
    }
}

/// Lines in a chunk: its newlines, plus a last line without one.
fn count_lines(data: &[u8]) -> u64 {
    // Sums of 64 `u8`s vectorize well (this runs on the reader thread, over
    // every byte of the input).
    let mut blocks = data.chunks_exact(64);
    let mut newlines: u64 = (&mut blocks)
        .map(|b| u64::from(b.iter().map(|&c| u8::from(c == b'\n')).sum::<u8>()))
        .sum();
    newlines += blocks.remainder().iter().filter(|&&c| c == b'\n').count() as u64;
    newlines + u64::from(!data.ends_with(b"\n"))
}

/// The first record is a header when its field in column `i` is no
/// address and no listed string.
fn looks_like_header(screener: &Screener, rec: &csv::ByteRecord, i: usize) -> bool {
    match rec.get(i).map(std::str::from_utf8) {
        Some(Ok(f)) => matches!(screener.check(f), Verdict::Invalid { .. }) && !f.trim().is_empty(),
        _ => false,
    }
}

fn find_column(rec: &csv::ByteRecord, name: &str) -> Option<usize> {
    let name_b = name.as_bytes();
    rec.iter().position(|f| f == name_b).or_else(|| {
        rec.iter().position(|f| {
            std::str::from_utf8(f).is_ok_and(|f| f.trim().eq_ignore_ascii_case(name.trim()))
        })
    })
}

fn header_names(rec: &csv::ByteRecord) -> String {
    let names: Vec<String> = rec
        .iter()
        .map(|f| format!("{:?}", String::from_utf8_lossy(f)))
        .collect();
    format!("columns: {}", names.join(", "))
}

fn column_name(c: &Column) -> String {
    match c {
        Column::Index(i) => format!("{}", i + 1),
        Column::Name(n) => format!("{n:?}"),
    }
}

/// What [`LineCap`] saw.
#[derive(Default)]
struct CapState {
    /// Bytes of the current physical line so far.
    line_len: u64,
    /// Number of the current physical line.
    line: u64,
    /// Lines cut at `max_line`, with their full length (0 until known).
    truncated: VecDeque<(u64, u64)>,
    /// Bytes passed on since the reader last finished a record.
    since_record: usize,
    /// Offsets (in the bytes passed on) of the line breaks (`\n`: true,
    /// `\r`: false) not yet behind the parser, and how many newlines were
    /// before them.
    breaks: VecDeque<(u64, bool)>,
    newlines_before: u64,
    /// Bytes passed on.
    passed: u64,
}

impl CapState {
    /// The physical line of the first byte at or after `offset` (in the
    /// bytes passed on) that is no line break: where a record that the
    /// `csv` crate says starts at `offset` really starts (its position
    /// includes the line breaks of skipped blank lines, and the `\n` of a
    /// `\r\n`). Offsets must be asked in order.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut at = offset;
        while let Some(&(pos, newline)) = self.breaks.front() {
            if pos > at {
                break;
            }
            if pos == at {
                at += 1;
            }
            self.breaks.pop_front();
            self.newlines_before += u64::from(newline);
        }
        self.newlines_before + 1
    }

    /// The length of a truncated line among `lines`, if any; forgets
    /// truncated lines before `lines`.
    fn truncated_in(&mut self, lines: Range<u64>) -> Option<u64> {
        while self
            .truncated
            .front()
            .is_some_and(|&(l, _)| l < lines.start)
        {
            self.truncated.pop_front();
        }
        self.truncated
            .iter()
            .find(|(l, _)| lines.contains(l))
            .map(|&(_, len)| len)
    }
}

/// Cuts physical lines at `max_line` bytes (so that the CSV parser never
/// buffers one absurd line), and fails when one record grows past
/// `max_record` (an unterminated quote would make the rest of the file one
/// record).
struct LineCap<R> {
    inner: R,
    max_line: usize,
    max_record: usize,
    state: Rc<RefCell<CapState>>,
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut st = self.state.borrow_mut();
        if st.line == 0 {
            st.line = 1;
        }
        if st.since_record > self.max_record {
            return Err(io::Error::other(format!(
                "a record longer than {} bytes starts before line {} (unterminated quote?); rest of the file skipped",
                self.max_record, st.line
            )));
        }
        loop {
            let n = self.inner.read(out)?;
            if n == 0 {
                if st.line_len > self.max_line as u64 {
                    let (line, len) = (st.line, st.line_len);
                    if let Some(t) = st.truncated.back_mut().filter(|t| t.0 == line) {
                        t.1 = len;
                    }
                }
                return Ok(0);
            }
            // Copy in place, dropping the bytes of over-long lines.
            let mut kept = 0;
            for i in 0..n {
                let b = out[i];
                if b == b'\n' {
                    if st.line_len > self.max_line as u64 {
                        let (line, len) = (st.line, st.line_len);
                        if let Some(t) = st.truncated.back_mut().filter(|t| t.0 == line) {
                            t.1 = len;
                        }
                    }
                    st.line += 1;
                    st.line_len = 0;
                    let at = st.passed + kept as u64;
                    st.breaks.push_back((at, true));
                    out[kept] = b;
                    kept += 1;
                    continue;
                }
                st.line_len += 1;
                if st.line_len <= self.max_line as u64 {
                    if b == b'\r' {
                        let at = st.passed + kept as u64;
                        st.breaks.push_back((at, false));
                    }
                    out[kept] = b;
                    kept += 1;
                } else if st.line_len == self.max_line as u64 + 1 {
                    let line = st.line;
                    st.truncated.push_back((line, 0));
                }
            }
            if kept > 0 {
                st.since_record += kept;
                st.passed += kept as u64;
                return Ok(kept);
            }
        }
    }
}

// -------------------------------------------------------------- worker

fn worker(ctx: &Ctx, rx: &Mutex<Receiver<Chunk>>, tx: &SyncSender<Done>) {
    loop {
        let chunk = {
            let guard = rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.recv()
        };
        let Ok(chunk) = chunk else {
            return;
        };
        if tx.send(process(ctx, chunk)).is_err() {
            return;
        }
    }
}

/// Screens (or scans) one chunk into its output buffer.
fn process(ctx: &Ctx, chunk: Chunk) -> Done {
    let Chunk {
        seq,
        file,
        mode,
        first_line,
        lines,
        bytes,
        mut bufs,
    } = chunk;
    let mut w = Work {
        ctx,
        file: &file,
        out: std::mem::take(&mut bufs.out),
        tally: Tally::default(),
        notes: Vec::new(),
    };
    if lines {
        let data = bufs.data.as_slice();
        let body = data.strip_suffix(b"\n").unwrap_or(data);
        // One UTF-8 validation for the whole chunk is much cheaper than one
        // per line; a chunk with a bad line is validated line by line.
        let text = std::str::from_utf8(body).ok();
        let mut line = first_line;
        let mut start = 0;
        loop {
            let end = memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |k| start + k);
            let raw = &body[start..end];
            let stripped = raw.strip_suffix(b"\r").unwrap_or(raw);
            // Slicing at ASCII bytes ('\n', '\r') stays on char boundaries.
            match text.and_then(|t| t.get(start..start + stripped.len())) {
                Some(s) => w.text_line(mode, line, s),
                None => w.line(mode, line, stripped),
            }
            if end == body.len() {
                break;
            }
            start = end + 1;
            line += 1;
        }
    } else {
        for rec in &bufs.recs {
            match &rec.what {
                What::Field(r) => {
                    let raw = &bufs.data[r.clone()];
                    match std::str::from_utf8(raw) {
                        Ok(s) if ctx.dated && ctx.as_of.is_none() => {
                            let date = rec.date.clone().map(|r| &bufs.data[r]);
                            match record_date(date) {
                                Ok(d) => w.screen_at(rec.line, s, d),
                                Err(reason) => w.bad(rec.line, s, reason),
                            }
                        }
                        Ok(s) => w.screen(rec.line, s),
                        Err(_) => {
                            w.bad(rec.line, &String::from_utf8_lossy(raw), NOT_UTF8.to_owned())
                        }
                    }
                }
                What::Bad(reason) => w.bad(rec.line, "", reason.clone()),
            }
        }
    }
    let Work {
        out, tally, notes, ..
    } = w;
    bufs.out = out;
    Done {
        seq,
        file,
        bytes,
        tally,
        notes,
        bufs,
    }
}

const NOT_UTF8: &str = "invalid UTF-8";

/// One chunk's work in progress.
struct Work<'a> {
    ctx: &'a Ctx,
    file: &'a str,
    out: Vec<u8>,
    tally: Tally,
    notes: Vec<(u64, String)>,
}

impl Work<'_> {
    /// A line known to be UTF-8.
    #[inline]
    fn text_line(&mut self, mode: Mode, line: u64, s: &str) {
        match mode {
            Mode::Lines | Mode::Csv { .. } => self.screen(line, s),
            Mode::Scan => {
                self.tally.lines += 1;
                self.scan(line, s);
            }
            Mode::Json => self.line(mode, line, s.as_bytes()),
        }
    }

    fn line(&mut self, mode: Mode, line: u64, raw: &[u8]) {
        match mode {
            Mode::Lines | Mode::Csv { .. } => match std::str::from_utf8(raw) {
                Ok(s) => self.screen(line, s),
                Err(_) => self.bad(line, &String::from_utf8_lossy(raw), NOT_UTF8.to_owned()),
            },
            Mode::Json => {
                let field = self.ctx.field.as_deref().unwrap_or_default();
                let date_field = self.ctx.date_field.as_deref();
                match json_field(raw, field, date_field) {
                    Ok((s, None)) => self.screen(line, &s),
                    Ok((s, Some(date))) => match Date::parse_date_or_timestamp(&date) {
                        Ok(d) => self.screen_at(line, &s, d),
                        Err(e) => self.bad(line, &s, format!("bad date: {e}")),
                    },
                    Err(reason) => self.bad(line, &String::from_utf8_lossy(raw), reason),
                }
            }
            Mode::Scan => {
                self.tally.lines += 1;
                match std::str::from_utf8(raw) {
                    Ok(s) => self.scan(line, s),
                    Err(_) => {
                        self.note(line, NOT_UTF8.to_owned());
                        self.scan(line, &String::from_utf8_lossy(raw));
                    }
                }
            }
        }
    }

    fn note(&mut self, line: u64, reason: String) {
        self.tally.bad += 1;
        if self.notes.len() < MAX_NOTES {
            self.notes.push((line, reason));
        }
    }

    /// Screens one input as of `date`.
    fn screen_at(&mut self, line: u64, input: &str, date: Date) {
        // As in `screen`: with --hits-only, the rest are counted by kind.
        if self.ctx.hits_only {
            match self
                .ctx
                .screener
                .check_at_kind(input, date, self.ctx.opts)
                .as_str()
            {
                "clear" => {
                    self.tally.lines += 1;
                    self.tally.clear += 1;
                    return;
                }
                "invalid" => {
                    self.tally.lines += 1;
                    self.tally.invalid += 1;
                    return;
                }
                _ => {}
            }
        }
        let verdict = self.ctx.screener.check_at_with(input, date, self.ctx.opts);
        self.tally.lines += 1;
        match &verdict {
            VerdictAt::Hit(hit) => {
                self.tally.hits += 1;
                let matches: Vec<Match> = hit.matches.iter().map(|m| m.matched.clone()).collect();
                self.tally.count_hit(&matches);
            }
            VerdictAt::Clear { .. } => self.tally.clear += 1,
            VerdictAt::Invalid { .. } => self.tally.invalid += 1,
        }
        if self.ctx.hits_only && !verdict.is_hit() {
            return;
        }
        self.write(&Record {
            file: self.file,
            line,
            column: None,
            input,
            outcome: Outcome::Dated(verdict, date),
        });
    }

    fn screen(&mut self, line: u64, input: &str) {
        if let Some(date) = self.ctx.as_of {
            return self.screen_at(line, input, date);
        }
        // Printing hits only, the rest are counted: their kind is enough
        // (no verdict built, no reason computed for invalid lines).
        if self.ctx.hits_only {
            match self.ctx.screener.check_kind(input, self.ctx.opts).as_str() {
                "clear" => {
                    self.tally.lines += 1;
                    self.tally.clear += 1;
                    return;
                }
                "invalid" => {
                    self.tally.lines += 1;
                    self.tally.invalid += 1;
                    return;
                }
                _ => {}
            }
        }
        let verdict = self.ctx.screener.check_with(input, self.ctx.opts);
        self.tally.lines += 1;
        match &verdict {
            Verdict::Hit(hit) => {
                self.tally.hits += 1;
                self.tally.count_hit(&hit.matches());
            }
            Verdict::Clear { .. } => self.tally.clear += 1,
            Verdict::Invalid { .. } => self.tally.invalid += 1,
        }
        if self.ctx.hits_only && !verdict.is_hit() {
            return;
        }
        self.write(&Record {
            file: self.file,
            line,
            column: None,
            input,
            outcome: Outcome::Verdict(verdict),
        });
    }

    fn bad(&mut self, line: u64, input: &str, reason: String) {
        if self.ctx.hits_only {
            self.tally.lines += 1;
            self.tally.invalid += 1;
            self.note(line, reason);
            return;
        }
        self.tally.lines += 1;
        self.tally.invalid += 1;
        self.note(line, reason.clone());
        self.write(&Record {
            file: self.file,
            line,
            column: None,
            input,
            outcome: Outcome::Bad(reason),
        });
    }

    fn scan(&mut self, line: u64, text: &str) {
        for m in self.ctx.screener.scan(text) {
            self.tally.matches += 1;
            self.tally.count_hit(&m.hit.matches());
            let column = text[..m.span.start].chars().count() + 1;
            self.write(&Record {
                file: self.file,
                line,
                column: Some((column, m.span.clone())),
                input: m.text,
                outcome: Outcome::Verdict(Verdict::Hit(m.hit)),
            });
        }
    }

    fn write(&mut self, r: &Record<'_>) {
        // Writing to a Vec cannot fail.
        let _ = match self.ctx.format {
            Format::Jsonl => serde_json::to_writer(&mut self.out, &JsonRecord::new(r))
                .map_err(io::Error::from)
                .and_then(|()| self.out.write_all(b"\n")),
            Format::Text => writeln!(self.out, "{}", text_line(r)),
            Format::Csv => csv_rows(&mut self.out, r, self.ctx.dated),
        };
    }
}

/// The string field `name` of a JSON object line (a dotted name walks
/// nested objects when no top-level key has the whole name), and the
/// string field `date` when asked for.
fn json_field(
    raw: &[u8],
    name: &str,
    date: Option<&str>,
) -> Result<(String, Option<String>), String> {
    let v: serde_json::Value =
        serde_json::from_slice(raw).map_err(|e| format!("malformed JSON: {e}"))?;
    if !v.is_object() {
        return Err("malformed JSON: not an object".to_owned());
    }
    let string = |name: &str| {
        let found = v.get(name).or_else(|| {
            name.contains('.')
                .then(|| name.split('.').try_fold(&v, |v, k| v.get(k)))
                .flatten()
        });
        match found {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("field {name:?} is not a string")),
            None => Err(format!("no field {name:?}")),
        }
    };
    let address = string(name)?;
    let date = date
        .map(|d| string(d).map_err(|e| format!("date: {e}")))
        .transpose()?;
    Ok((address, date))
}

/// The date of a `--date-column` field.
fn record_date(field: Option<&[u8]>) -> Result<Date, String> {
    let field = field.ok_or("missing date column")?;
    let text = std::str::from_utf8(field).map_err(|_| "date: invalid UTF-8".to_owned())?;
    Date::parse_date_or_timestamp(text).map_err(|e| format!("bad date: {e}"))
}

// -------------------------------------------------------------- output

/// The result for one input.
enum Outcome {
    Verdict(Verdict),
    /// The verdict as of a date.
    Dated(VerdictAt, Date),
    /// A bad line (never screened), with the reason.
    Bad(String),
}

/// One input (or scan match) and its result.
struct Record<'a> {
    file: &'a str,
    line: u64,
    /// Scan matches: 1-based column in characters, and the byte span in
    /// the line.
    column: Option<(usize, Range<usize>)>,
    input: &'a str,
    outcome: Outcome,
}

/// The JSON shape of a [`Record`].
#[derive(Serialize)]
struct JsonRecord<'a> {
    line: u64,
    input: &'a str,
    verdict: &'static str,
    matches: Matches,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<Family>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum: Option<Checksum>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a Version>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<Date>,
}

/// Matches, each with its dates when screened as of a date.
#[derive(Serialize)]
#[serde(untagged)]
enum Matches {
    Plain(Vec<Match>),
    Dated(Vec<DatedMatch>),
}

impl<'a> JsonRecord<'a> {
    fn new(r: &'a Record<'a>) -> Self {
        let mut j = JsonRecord {
            line: r.line,
            input: r.input,
            verdict: "invalid",
            matches: Matches::Plain(Vec::new()),
            file: r.file,
            column: r.column.as_ref().map(|c| c.0),
            start: r.column.as_ref().map(|c| c.1.start),
            end: r.column.as_ref().map(|c| c.1.end),
            family: None,
            checksum: None,
            version: None,
            reason: None,
            as_of: None,
        };
        match &r.outcome {
            Outcome::Dated(v, date) => {
                j.as_of = Some(*date);
                j.verdict = v.kind().as_str();
                match v {
                    VerdictAt::Hit(hit) => {
                        j.matches = Matches::Dated(hit.matches.clone());
                        j.family = Some(hit.family);
                        j.checksum = Some(hit.checksum);
                        j.version = Some(&hit.version);
                    }
                    VerdictAt::Clear { family, checksum } => {
                        j.family = Some(*family);
                        j.checksum = Some(*checksum);
                    }
                    VerdictAt::Invalid { reason } => j.reason = Some(reason.to_string()),
                }
            }
            Outcome::Verdict(Verdict::Hit(hit)) => {
                j.verdict = "hit";
                j.matches = Matches::Plain(hit.matches());
                j.family = Some(hit.family);
                j.checksum = Some(hit.checksum);
                j.version = Some(hit.version());
            }
            Outcome::Verdict(Verdict::Clear {
                family, checksum, ..
            }) => {
                j.verdict = "clear";
                j.family = Some(*family);
                j.checksum = Some(*checksum);
            }
            Outcome::Verdict(Verdict::Invalid { reason }) => j.reason = Some(reason.to_string()),
            Outcome::Bad(reason) => j.reason = Some(reason.clone()),
        }
        j
    }
}

/// `LINE\tVERDICT\tINPUT\tDETAIL`, or for a scan match
/// `FILE:LINE:COLUMN\tADDRESS\tMATCHES`.
fn text_line(r: &Record<'_>) -> String {
    let (verdict, detail) = match &r.outcome {
        Outcome::Verdict(Verdict::Hit(hit)) => ("HIT", text_matches(&hit.matches())),
        Outcome::Verdict(Verdict::Clear { family, .. }) => ("CLEAR", family.to_string()),
        Outcome::Dated(VerdictAt::Hit(hit), date) => (
            "HIT",
            format!("as of {date}: {}", text_dated_matches(&hit.matches)),
        ),
        Outcome::Dated(VerdictAt::Clear { family, .. }, date) => {
            ("CLEAR", format!("{family} (as of {date})"))
        }
        Outcome::Dated(VerdictAt::Invalid { reason }, _) => ("INVALID", reason.to_string()),
        Outcome::Verdict(Verdict::Invalid { reason }) => ("INVALID", reason.to_string()),
        Outcome::Bad(reason) => ("INVALID", reason.clone()),
    };
    if let Some((column, _)) = &r.column {
        return format!(
            "{}:{}:{column}\t{}\t{}",
            escape_controls(r.file),
            r.line,
            escape_controls(r.input),
            escape_controls(&detail)
        );
    }
    format!(
        "{}\t{verdict}\t{}\t{}",
        r.line,
        escape_controls(r.input),
        escape_controls(&detail)
    )
}

/// `list: entity [programs] listed DATE (via ...)`, joined by `"; "`.
fn text_matches(matches: &[Match]) -> String {
    matches
        .iter()
        .map(text_match)
        .collect::<Vec<_>>()
        .join("; ")
}

/// [`text_matches`] with the dates: ` listed after DATE` / ` first seen
/// DATE` (the publication bounds) when OFAC's listing date is unknown, ` delisted_on DATE (after DATE)` for an entry
/// delisted since.
fn text_dated_matches(matches: &[DatedMatch]) -> String {
    matches
        .iter()
        .map(|m| {
            let mut s = text_match(&m.matched);
            if m.listed_on.is_none()
                && let Some(after) = m.listed_after
            {
                s.push_str(&format!(" listed after {after}"));
            }
            if m.listed_on.is_none()
                && let Some(by) = m.listed_by
            {
                s.push_str(&format!(" first seen {by}"));
            }
            if let Some(d) = m.delisted {
                s.push_str(&format!(" delisted_on {}", d.by));
                if let Some(after) = d.after {
                    s.push_str(&format!(" (after {after})"));
                }
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn text_match(m: &Match) -> String {
    let e = &m.entry;
    let mut s = format!(
        "{}: {}",
        m.list,
        e.entity.as_deref().unwrap_or("(no entity)")
    );
    if !e.programs.is_empty() {
        s.push_str(&format!(" [{}]", e.programs.join(";")));
    }
    if let Some(date) = &e.listed {
        s.push_str(&format!(" listed {date}"));
    }
    if m.via != walletscreen::Via::Listed {
        s.push_str(&format!(" (via {})", m.via.name()));
    }
    s
}

/// Escapes control characters (tab, CR, ...) so one record stays one line
/// with four columns.
fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`csv_rows`] for a verdict as of a date.
fn csv_dated_rows(out: &mut Vec<u8>, r: &Record<'_>, v: &VerdictAt, date: Date) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    let line = r.line.to_string();
    let head = [r.file, &line, "", r.input];
    let as_of = date.to_string();
    let d = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    match v {
        VerdictAt::Hit(hit) => {
            for m in &hit.matches {
                let e = &m.matched.entry;
                let programs = e.programs.join(";");
                let category = serde_json::to_value(m.matched.category).unwrap_or_default();
                let (listed_on, delisted_on, delisted_after) = (
                    d(m.listed_on),
                    d(m.delisted.map(|x| x.by)),
                    d(m.delisted.and_then(|x| x.after)),
                );
                let row = [
                    "hit",
                    &m.matched.list,
                    category.as_str().unwrap_or_default(),
                    e.entity.as_deref().unwrap_or_default(),
                    e.entity_id.as_deref().unwrap_or_default(),
                    &programs,
                    e.listed.as_deref().unwrap_or_default(),
                    &e.address,
                    m.matched.via.name(),
                    hit.family.name(),
                    hit.checksum.name(),
                    "",
                    &as_of,
                    &listed_on,
                    &delisted_on,
                    &delisted_after,
                ];
                w.write_record(head.iter().copied().chain(row))?;
            }
        }
        VerdictAt::Clear { family, checksum } => {
            let row = [
                "clear",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                family.name(),
                checksum.name(),
                "",
                &as_of,
                "",
                "",
                "",
            ];
            w.write_record(head.iter().copied().chain(row))?;
        }
        VerdictAt::Invalid { reason } => {
            let reason = reason.to_string();
            let row = [
                "invalid", "", "", "", "", "", "", "", "", "", "", &reason, &as_of, "", "", "",
            ];
            w.write_record(head.iter().copied().chain(row))?;
        }
    }
    w.flush()
}

/// The header row of `--format csv`.
const CSV_HEADER: &str = "file,line,column,input,verdict,list,category,entity,entity_id,programs,listed,address,via,family,checksum,reason\n";

/// The header row of `--format csv` when screening as of a date: the
/// columns of [`CSV_HEADER`], then the date asked about, and per match its
/// listing date and, for an entry delisted since, the delisting's bounds.
const CSV_HEADER_DATED: &str = "file,line,column,input,verdict,list,category,entity,entity_id,programs,listed,address,via,family,checksum,reason,as_of,listed_on,delisted_on,delisted_after\n";

/// One CSV row per input, or per match of a hit (with the date columns
/// when `dated`).
fn csv_rows(out: &mut Vec<u8>, r: &Record<'_>, dated: bool) -> io::Result<()> {
    if let Outcome::Dated(v, date) = &r.outcome {
        return csv_dated_rows(out, r, v, *date);
    }
    if dated {
        // A bad line of a dated run: the same columns, dates empty.
        let mut row = Vec::new();
        csv_rows(&mut row, r, false)?;
        let row = String::from_utf8_lossy(&row);
        for l in row.lines() {
            out.extend_from_slice(l.as_bytes());
            out.extend_from_slice(b",,,,\n");
        }
        return Ok(());
    }
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    let line = r.line.to_string();
    let column = r
        .column
        .as_ref()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    let head = [r.file, &line, &column, r.input];
    match &r.outcome {
        Outcome::Verdict(Verdict::Hit(hit)) => {
            let family = hit.family.name();
            let checksum = hit.checksum.name();
            for m in hit.matches() {
                let e = &m.entry;
                let programs = e.programs.join(";");
                let category = serde_json::to_value(m.category).unwrap_or_default();
                let row = [
                    "hit",
                    &m.list,
                    category.as_str().unwrap_or_default(),
                    e.entity.as_deref().unwrap_or_default(),
                    e.entity_id.as_deref().unwrap_or_default(),
                    &programs,
                    e.listed.as_deref().unwrap_or_default(),
                    &e.address,
                    m.via.name(),
                    family,
                    checksum,
                    "",
                ];
                w.write_record(head.iter().copied().chain(row))?;
            }
        }
        Outcome::Verdict(Verdict::Clear {
            family, checksum, ..
        }) => {
            let row = [
                "clear",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                family.name(),
                checksum.name(),
                "",
            ];
            w.write_record(head.iter().copied().chain(row))?;
        }
        Outcome::Verdict(Verdict::Invalid { reason }) => {
            let reason = reason.to_string();
            let row = ["invalid", "", "", "", "", "", "", "", "", "", "", &reason];
            w.write_record(head.iter().copied().chain(row))?;
        }
        Outcome::Bad(reason) => {
            let row = ["invalid", "", "", "", "", "", "", "", "", "", "", reason];
            w.write_record(head.iter().copied().chain(row))?;
        }
        // Written by `csv_dated_rows`.
        Outcome::Dated(..) => {}
    }
    w.flush()
}
