//! `screen`: batch screening of wallet addresses, one per line.
//!
//! ```text
//! cargo run --release --example screen -- [--list FILE]... [--fetch URL|PATH]... [--cache DIR] [--no-bundled] [--format jsonl|text] [--fast] [FILE|-]...
//! ```
//!
//! Contract (scripts rely on it):
//!
//! * **Input.** Reads each `FILE` in order, or standard input when no file
//!   or `-` is given. Every line is one input: the line as read minus its
//!   line ending (`\n` or `\r\n`). Empty lines are inputs too (verdict
//!   `invalid`, reason `empty input`); a line that is not UTF-8 is `invalid`
//!   with reason `invalid UTF-8`. Exactly one output line per input line.
//! * **Lists.** The bundled lists (OFAC SDN, FBI DPRK) unless
//!   `--no-bundled`, plus each `--list FILE` loaded with
//!   [`walletscreen::List::from_path`] (walletscreen CSV or plain text,
//!   detected; id = file stem, category `custom` unless the file says
//!   otherwise).
//! * **Fetched lists.** Each `--fetch URL|PATH` is fetched (URLs need the
//!   crate's `update` feature, which the examples get) and loaded in any
//!   format [`walletscreen::List::from_bytes`] detects, through
//!   [`walletscreen::LiveScreener`] and its guards (complete parse, no
//!   empty list, no shrink over 20 % against the list it replaces); a
//!   fetched list replaces the bundled or `--list` list with the same id
//!   (OFAC's SDN file names give `ofac-sdn`). One line per source goes to
//!   stderr (`screen: fetched ...`). A failed fetch is an error (exit 2),
//!   unless `--cache DIR` is given: then the lists of the last successful
//!   fetch with the same `--fetch` arguments, kept in `DIR`, serve instead,
//!   or the bundled and `--list` lists when the cache is missing or corrupt,
//!   each time with a `screen: warning: ...` line on stderr. After a
//!   successful fetch the cache is rewritten. `--cache` without `--fetch`
//!   is a usage error.
//! * **Checks.** Checksums are verified by default
//!   (`CheckOptions { verify_checksum: true }`), so a mistyped address is
//!   `invalid`; `--fast` checks the shape only (a mistyped address is
//!   `clear`). Hits are the same either way.
//! * **Output** (stdout, buffered):
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
//! * **Summary** on stderr at the end:
//!   `screen: N lines, H hits, C clear, I invalid`.
//! * **Exit status:** 0 when nothing was a hit, 1 when at least one input
//!   was a hit, 2 on a usage error (unknown flag, bad `--format`, missing
//!   value) or an I/O error (unreadable input file, a `--list` that fails to
//!   load, failed write); errors go to stderr prefixed `screen: `. An
//!   unreadable input file does not stop the other files from being
//!   screened, but the exit status is 2. `--help` prints usage to stdout and
//!   exits 0.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

use serde::Serialize;
use walletscreen::update::CacheStatus;
use walletscreen::{
    CheckOptions, Checksum, Family, List, LiveScreener, LoadError, Match, Screener, Source,
    Verdict, Version,
};

const USAGE: &str = "\
usage: screen [--list FILE]... [--fetch URL|PATH]... [--cache DIR] [--no-bundled]
              [--format jsonl|text] [--fast] [FILE|-]...

Screens wallet addresses, one per line, against the bundled sanctions and
attribution lists (OFAC SDN, FBI DPRK) and any lists given with --list.
Reads each FILE in order, or standard input when none (or -) is given, and
writes one result per input line (empty lines included) to standard output.

options:
  --list FILE       also screen against FILE (walletscreen CSV list or plain
                    text, one address per line); may be repeated
  --fetch URL|PATH  fetch a list (any supported format, detected) and screen
                    against it; it replaces a list with the same id (OFAC's
                    SDN files replace the bundled ofac-sdn); may be repeated.
                    Refused if it does not parse, is empty or shrank by more
                    than 20 % against the list it replaces.
  --cache DIR       with --fetch: keep the fetched lists in DIR after a
                    successful fetch, and screen against them (with a
                    warning) when fetching fails
  --no-bundled      do not load the bundled lists
  --format FORMAT   text (default): LINE<TAB>HIT|CLEAR|INVALID<TAB>INPUT<TAB>DETAIL
                    jsonl: one JSON object per line (line, input, verdict,
                    matches, file, family, checksum, version, reason)
  --fast            check address shape only; by default checksums are
                    verified, so a mistyped address is INVALID (with --fast
                    it is CLEAR). Listed addresses are hits either way.
  -h, --help        print this help and exit

exit status: 0 no hit, 1 at least one hit, 2 usage or I/O error.
A summary line goes to standard error at the end.
";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Jsonl,
}

/// Parsed command line.
#[derive(Debug)]
struct Args {
    lists: Vec<String>,
    fetch: Vec<String>,
    cache: Option<String>,
    bundled: bool,
    format: Format,
    fast: bool,
    inputs: Vec<String>,
}

/// What the command line asks for.
enum Command {
    Help,
    Screen(Args),
}

/// Exit status: no input was a hit.
const EXIT_CLEAR: u8 = 0;
/// Exit status: at least one input was a hit.
const EXIT_HIT: u8 = 1;
/// Exit status: usage or I/O error.
const EXIT_ERROR: u8 = 2;

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
        Command::Screen(args) => ExitCode::from(run(&args)),
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
        fetch: Vec::new(),
        cache: None,
        bundled: true,
        format: Format::Text,
        fast: false,
        inputs: Vec::new(),
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
            "--fetch" => parsed.fetch.push(value("--fetch")?),
            "--cache" => parsed.cache = Some(value("--cache")?),
            "--format" => parsed.format = parse_format(&value("--format")?)?,
            "--no-bundled" | "--fast" if inline.is_some() => {
                return Err(format!("{flag} takes no value"));
            }
            "--no-bundled" => parsed.bundled = false,
            "--fast" => parsed.fast = true,
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
    Ok(Command::Screen(parsed))
}

fn parse_format(s: &str) -> Result<Format, String> {
    match s {
        "text" => Ok(Format::Text),
        "jsonl" => Ok(Format::Jsonl),
        other => Err(format!(
            "bad --format value {other:?} (expected jsonl or text)"
        )),
    }
}

/// Builds the screener, screens every input and returns the exit status.
fn run(args: &Args) -> u8 {
    let screener = match build_screener(args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("screen: {msg}");
            return EXIT_ERROR;
        }
    };
    let opts = CheckOptions {
        verify_checksum: !args.fast,
    };
    let stdout = io::stdout();
    let mut out = Output {
        w: BufWriter::new(stdout.lock()),
        format: args.format,
    };
    let mut tally = Tally::default();
    let mut failed = false;
    for input in &args.inputs {
        if let Err(e) = screen_input(input, &screener, opts, &mut out, &mut tally) {
            failed = true;
            match e {
                InputError::Read(msg) => eprintln!("screen: {msg}"),
                InputError::Write(e) => {
                    report_write_error(&e);
                    break;
                }
            }
        }
    }
    if let Err(e) = out.w.flush() {
        failed = true;
        report_write_error(&e);
    }
    eprintln!(
        "screen: {} lines, {} hits, {} clear, {} invalid",
        tally.lines(),
        tally.hits,
        tally.clear,
        tally.invalid
    );
    match (failed, tally.hits) {
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

/// The screener over the bundled lists (unless `--no-bundled`) and every
/// `--list` file.
fn build_screener(args: &Args) -> Result<Screener, String> {
    if !args.fetch.is_empty() {
        return fetch_screener(args);
    }
    let mut builder = Screener::builder();
    builder.bundled(args.bundled);
    for path in &args.lists {
        builder.list(List::from_path(path).map_err(|e| list_error(path, &e))?);
    }
    builder
        .build()
        .map_err(|e| format!("building the screener: {e}"))
}

/// The screener over the base lists (bundled, `--list`) and every
/// `--fetch` source, falling back to the `--cache` when fetching fails.
fn fetch_screener(args: &Args) -> Result<Screener, String> {
    let mut builder = LiveScreener::builder();
    builder.bundled(args.bundled);
    for path in &args.lists {
        builder.list(List::from_path(path).map_err(|e| list_error(path, &e))?);
    }
    for f in &args.fetch {
        builder.source(Source::parse(f));
    }
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

/// A list load error, naming the file (the error itself names the line).
fn list_error(path: &str, e: &LoadError) -> String {
    match e {
        // Already names the path.
        LoadError::Io { .. } => format!("--list: {e}"),
        _ => format!("--list {path}: {e}"),
    }
}

/// Counts of verdicts.
#[derive(Debug, Default)]
struct Tally {
    hits: usize,
    clear: usize,
    invalid: usize,
}

impl Tally {
    fn lines(&self) -> usize {
        self.hits + self.clear + self.invalid
    }

    fn count(&mut self, result: &Outcome) {
        match result {
            Outcome::Verdict(Verdict::Hit(_)) => self.hits += 1,
            Outcome::Verdict(Verdict::Clear { .. }) => self.clear += 1,
            Outcome::Verdict(Verdict::Invalid { .. }) | Outcome::NotUtf8 => self.invalid += 1,
        }
    }
}

/// Why one input stopped.
enum InputError {
    /// Opening or reading the input failed (message names the file).
    Read(String),
    /// Writing the output failed: stop everything.
    Write(io::Error),
}

/// Screens every line of one input (`-` is stdin).
fn screen_input(
    path: &str,
    screener: &Screener,
    opts: CheckOptions,
    out: &mut Output<'_>,
    tally: &mut Tally,
) -> Result<(), InputError> {
    if path == "-" {
        let stdin = io::stdin();
        return screen_reader(path, stdin.lock(), screener, opts, out, tally);
    }
    let file = File::open(path).map_err(|e| InputError::Read(format!("{path}: {e}")))?;
    screen_reader(path, BufReader::new(file), screener, opts, out, tally)
}

/// Screens every line of a reader.
fn screen_reader(
    name: &str,
    mut reader: impl BufRead,
    screener: &Screener,
    opts: CheckOptions,
    out: &mut Output<'_>,
    tally: &mut Tally,
) -> Result<(), InputError> {
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| InputError::Read(format!("{name}: line {}: {e}", line_no + 1)))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        let raw = strip_line_ending(&buf);
        let (input, outcome) = match std::str::from_utf8(raw) {
            Ok(s) => (s.into(), Outcome::Verdict(screener.check_with(s, opts))),
            Err(_) => (String::from_utf8_lossy(raw), Outcome::NotUtf8),
        };
        tally.count(&outcome);
        let record = Record {
            file: name,
            line: line_no,
            input: &input,
            outcome: &outcome,
        };
        out.write(&record).map_err(InputError::Write)?;
    }
}

/// The line without its `\n` or `\r\n`.
fn strip_line_ending(line: &[u8]) -> &[u8] {
    match line.strip_suffix(b"\n") {
        Some(l) => l.strip_suffix(b"\r").unwrap_or(l),
        None => line,
    }
}

/// The result for one line.
enum Outcome {
    Verdict(Verdict),
    /// The line is not UTF-8 (never screened).
    NotUtf8,
}

const NOT_UTF8: &str = "invalid UTF-8";

/// One input line and its result.
struct Record<'a> {
    file: &'a str,
    line: usize,
    input: &'a str,
    outcome: &'a Outcome,
}

/// The JSON shape of a [`Record`].
#[derive(Serialize)]
struct JsonRecord<'a> {
    line: usize,
    input: &'a str,
    verdict: &'static str,
    matches: &'a [Match],
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<Family>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum: Option<Checksum>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a Version>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl<'a> JsonRecord<'a> {
    fn new(r: &'a Record<'a>) -> Self {
        let mut j = JsonRecord {
            line: r.line,
            input: r.input,
            verdict: "invalid",
            matches: &[],
            file: r.file,
            family: None,
            checksum: None,
            version: None,
            reason: None,
        };
        match r.outcome {
            Outcome::Verdict(Verdict::Hit(hit)) => {
                j.verdict = "hit";
                j.matches = hit.matches();
                j.family = Some(hit.family);
                j.checksum = Some(hit.checksum);
                j.version = Some(hit.version());
            }
            Outcome::Verdict(Verdict::Clear { family, checksum }) => {
                j.verdict = "clear";
                j.family = Some(*family);
                j.checksum = Some(*checksum);
            }
            Outcome::Verdict(Verdict::Invalid { reason }) => j.reason = Some(reason.to_string()),
            Outcome::NotUtf8 => j.reason = Some(NOT_UTF8.to_owned()),
        }
        j
    }
}

/// The buffered, locked standard output in the chosen format.
struct Output<'a> {
    w: BufWriter<io::StdoutLock<'a>>,
    format: Format,
}

impl Output<'_> {
    fn write(&mut self, r: &Record<'_>) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut self.w, &JsonRecord::new(r))?;
                self.w.write_all(b"\n")
            }
            Format::Text => writeln!(self.w, "{}", text_line(r)),
        }
    }
}

/// `LINE\tVERDICT\tINPUT\tDETAIL`.
fn text_line(r: &Record<'_>) -> String {
    let (verdict, detail) = match r.outcome {
        Outcome::Verdict(Verdict::Hit(hit)) => ("HIT", text_matches(hit.matches())),
        Outcome::Verdict(Verdict::Clear { family, .. }) => ("CLEAR", family.to_string()),
        Outcome::Verdict(Verdict::Invalid { reason }) => ("INVALID", reason.to_string()),
        Outcome::NotUtf8 => ("INVALID", NOT_UTF8.to_owned()),
    };
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
        let via = serde_json::to_value(m.via).ok();
        if let Some(via) = via.as_ref().and_then(|v| v.as_str()) {
            s.push_str(&format!(" (via {via})"));
        }
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
