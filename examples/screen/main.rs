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
//!
//! The program, one concern per module: [`args`] (the command line),
//! [`lists`] (the screener and its lists), [`input`] (the reader thread), [`csv_lines`] (CSV records' line numbers),
//! [`pipeline`] (ordered parallel screening), [`work`] (one chunk's
//! screening), [`output`] (the formats), [`report`] (stderr).

mod args;
mod csv_lines;
mod input;
mod lists;
mod output;
mod pipeline;
mod report;
mod work;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use args::{Args, Command};
use pipeline::Ctx;
use report::Log;

/// Exit status: no input was a hit.
const EXIT_CLEAR: u8 = 0;
/// Exit status: at least one input was a hit.
const EXIT_HIT: u8 = 1;
/// Exit status: usage or I/O error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    match args::parse() {
        Ok(Command::Help(help)) => {
            print!("{help}");
            ExitCode::from(EXIT_CLEAR)
        }
        Ok(Command::Screen(args)) => ExitCode::from(run(*args)),
        Err(msg) => {
            eprintln!("screen: {msg}");
            eprintln!("screen: try --help");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Builds the screener, screens every input and returns the exit status.
fn run(args: Args) -> u8 {
    let screened = lists::screener(&args).and_then(|screener| {
        let start = Instant::now();
        let args = Arc::new(args);
        let log = Log::new(&args.inputs);
        let ctx = Arc::new(Ctx::new(screener, &args));
        let run = pipeline::run(&args, ctx, &log);
        log.finish();
        run.map(|run| (args.scan, run, start))
    });
    let (scan, run, start) = match screened {
        Ok(screened) => screened,
        Err(e) => {
            eprintln!("screen: {}", lists::message(&e));
            return EXIT_ERROR;
        }
    };
    report::summary(scan, &run.tally, run.notes, run.bytes, start.elapsed());
    let hits = if scan {
        run.tally.matches
    } else {
        run.tally.hits
    };
    match (run.failed, hits) {
        (true, _) => EXIT_ERROR,
        (false, 0) => EXIT_CLEAR,
        (false, _) => EXIT_HIT,
    }
}
