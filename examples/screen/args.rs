//! The command line: a `clap` derive with value enums, and the checks
//! between options whose messages scripts and tests rely on.

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use walletscreen::Date;
use walletscreen::list::{Column as ListColumn, LoadOptions};

/// The usage lines at the top of `--help`.
const USAGE: &str = "\
screen [--list FILE]... [--list-column NAME|INDEX] [--allow-non-addresses]
              [--fetch URL|PATH]... [--cache DIR] [--no-bundled]
              [--compiled FILE | --write-compiled FILE]
              [--format jsonl|csv|text] [--hits-only] [--fast]
              [--column NAME|INDEX [--delimiter C] [--header auto|yes|no]
               | --field NAME | --scan]
              [--as-of YYYY-MM-DD | --date-column NAME|INDEX | --date-field NAME]
              [--threads N] [--max-line BYTES] [FILE|-]...";

const ABOUT: &str = "\
Screens wallet addresses, one per line (or one per CSV record or JSON line),
against the bundled sanctions and attribution lists (OFAC SDN, FBI DPRK)
and any lists given with --list. Reads each FILE in order, or standard input
when none (or -) is given, and writes one result per input (empty lines
included) to standard output, in input order.";

const AFTER: &str = "\
Bad lines (not UTF-8, too long, missing column or field, malformed JSON) are
INVALID with a reason, noted on standard error with their line number, and
never stop the run. A summary (lines, hits by list and entity, invalid, bad
lines, time, rate) goes to standard error at the end; a progress bar too
when standard error is a terminal (no colours if NO_COLOR is set).

exit status: 0 no hit, 1 at least one hit, 2 usage or I/O error (even if
there were hits).";

const TEMPLATE: &str = "usage: {usage}\n\n{about}\n\n{all-args}{after-help}";

/// Default `--max-line`.
const MAX_LINE: &str = "1048576";

/// Output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// LINE, HIT|CLEAR|INVALID, INPUT and DETAIL, separated by tabs
    Text,
    /// One JSON object per line (line, input, verdict, matches, file,
    /// family, checksum, version, reason)
    Jsonl,
    /// A header, then one row per input or per match
    Csv,
}

/// Whether the first CSV record is a header (`--header`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Header {
    /// (default) the first record is a header when its field is no address
    Auto,
    /// The first record is a header
    Yes,
    /// There is no header
    No,
}

/// A CSV column (`--column`, `--date-column`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// 0-based (the command line's index minus one).
    Index(usize),
    /// A header name.
    Name(String),
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Index(i) => write!(f, "{}", i + 1),
            Column::Name(n) => write!(f, "{n:?}"),
        }
    }
}

/// `--max-list-age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAge {
    /// Warn about bundled lists older than this many days.
    Days(u64),
    /// No warning.
    Off,
}

/// The parsed command line.
#[derive(Debug, Parser)]
#[command(
    name = "screen",
    override_usage = USAGE,
    about = ABOUT,
    after_help = AFTER,
    help_template = TEMPLATE,
    args_override_self = true,
    disable_version_flag = true,
    max_term_width = 80
)]
pub struct Args {
    /// also screen against FILE (walletscreen CSV list, any CSV/TSV/semicolon
    /// export with the address column found by name or content, JSON array or
    /// lines, plain text with optional notes; detected); may be repeated. Its
    /// load report goes to standard error. Refused (exit 2) if it does not
    /// parse, is empty or is mostly not addresses. A list with a bundled list's
    /// id replaces it (an OFAC SDN publication is ofac-sdn, whatever its name).
    #[arg(
        long = "list",
        value_name = "FILE",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub lists: Vec<String>,
    /// the address column (or JSON field) of every --list, when detection
    /// cannot decide (1-based index)
    #[arg(long, value_name = "NAME|INDEX", help_heading = "lists", allow_hyphen_values = true,
          value_parser = parse_list_column)]
    pub list_column: Option<ListColumn>,
    /// accept --list files where more than half of the entries are not
    /// addresses (kept, matched exactly)
    #[arg(long, help_heading = "lists")]
    pub allow_non_addresses: bool,
    /// fetch a list (any supported format, detected) and screen against it; it
    /// replaces a list with the same id (OFAC's SDN files replace the bundled
    /// ofac-sdn); may be repeated. Refused if it does not parse, is empty or
    /// shrank by more than 20 % against the list it replaces. Plain http:// is
    /// refused except on loopback (127.0.0.1, localhost), and so is a redirect
    /// from https to http
    #[arg(
        long,
        value_name = "URL|PATH",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub fetch: Vec<String>,
    /// refuse the preceding --fetch unless its bytes have this SHA-256
    /// (checked before parsing)
    #[arg(
        long,
        value_name = "HEX",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub fetch_sha256: Vec<String>,
    /// refuse the preceding --fetch unless FETCH.minisig (same location,
    /// .minisig appended) is a minisign signature of its bytes by this public
    /// key (checked before parsing)
    #[arg(
        long,
        value_name = "KEY|FILE",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub fetch_minisign: Vec<String>,
    /// allow plain http:// --fetch URLs on any host
    #[arg(long, help_heading = "lists")]
    pub allow_insecure_http: bool,
    /// with --fetch: keep the fetched lists in DIR after a successful fetch,
    /// and screen against them (with a warning) when fetching fails
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub cache: Option<String>,
    /// do not load the bundled lists
    #[arg(long, help_heading = "lists")]
    pub no_bundled: bool,
    /// warn on standard error when a bundled list is older than DAYS by its
    /// date (as_of): it cannot hold what was listed since; off: no warning
    #[arg(long, value_name = "DAYS|off", default_value = "30", help_heading = "lists",
          allow_hyphen_values = true, value_parser = parse_list_age)]
    pub max_list_age: ListAge,
    /// write the screener built from the lists above to FILE (a compiled
    /// image), then screen as usual
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub write_compiled: Option<String>,
    /// screen against a compiled image written by --write-compiled, instead
    /// of any list option
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "lists",
        allow_hyphen_values = true
    )]
    pub compiled: Option<String>,

    /// CSV/TSV input: screen this column (a number is a 1-based index; a name
    /// needs a header row)
    #[arg(long, value_name = "NAME|INDEX", help_heading = "input", allow_hyphen_values = true,
          value_parser = |s: &str| parse_column("--column", s),
          conflicts_with_all = ["field", "scan"])]
    pub column: Option<Column>,
    /// CSV field delimiter (default ',', or tab for *.tsv files; '\t' or
    /// 'tab' for a tab)
    #[arg(long, value_name = "C", help_heading = "input", allow_hyphen_values = true,
          value_parser = parse_delimiter, requires = "column")]
    pub delimiter: Option<u8>,
    /// with --column INDEX: whether the first record is a header
    #[arg(long, value_name = "MODE", help_heading = "input", requires = "column")]
    pub header: Option<Header>,
    /// JSON lines input: screen this string field (a dotted name walks
    /// nested objects)
    #[arg(
        long,
        value_name = "NAME",
        help_heading = "input",
        allow_hyphen_values = true,
        conflicts_with = "scan"
    )]
    pub field: Option<String>,
    /// free text: find listed addresses anywhere in each line (logs, memos,
    /// tickets); one record per match with its line and column
    #[arg(long, help_heading = "input")]
    pub scan: bool,
    /// longer lines are reported as bad and skipped
    #[arg(long, value_name = "BYTES", default_value = MAX_LINE, help_heading = "input",
          allow_hyphen_values = true, value_parser = |s: &str| parse_count("--max-line", s))]
    pub max_line: usize,
    /// worker threads (default: number of CPUs)
    #[arg(long, value_name = "N", help_heading = "input", allow_hyphen_values = true,
          value_parser = |s: &str| parse_count("--threads", s))]
    threads: Option<usize>,

    /// screen every input as of DATE (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", help_heading = "as of a date (listing history: was it listed on that date?)",
          allow_hyphen_values = true, value_parser = parse_as_of)]
    pub as_of: Option<Date>,
    /// with --column: screen each record as of the date in this column
    /// (YYYY-MM-DD or an RFC 3339 timestamp, taken in UTC)
    #[arg(long, value_name = "NAME|INDEX", help_heading = "as of a date (listing history: was it listed on that date?)",
          allow_hyphen_values = true, value_parser = |s: &str| parse_column("--date-column", s))]
    pub date_column: Option<Column>,
    /// with --field: the same, from this JSON string field. A missing or bad
    /// date makes the line bad (INVALID, noted on standard error), never
    /// clear. Hits carry listed_on and, for a delisted entry, delisted_on.
    #[arg(
        long,
        value_name = "NAME",
        help_heading = "as of a date (listing history: was it listed on that date?)",
        allow_hyphen_values = true
    )]
    pub date_field: Option<String>,

    /// the output format
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "text",
        help_heading = "output"
    )]
    pub format: Format,
    /// write hits only
    #[arg(long, help_heading = "output")]
    pub hits_only: bool,
    /// check address shape only; by default checksums are verified, so a
    /// mistyped address is INVALID (with --fast it is CLEAR). Listed
    /// addresses are hits either way.
    #[arg(long, help_heading = "output")]
    pub fast: bool,

    /// the inputs, in order; standard input when none (or -) is given
    #[arg(value_name = "FILE|-")]
    pub inputs: Vec<String>,

    /// `--fetch-sha256` and `--fetch-minisign`, by index into `fetch`
    /// (filled from the positions of the options).
    #[arg(skip)]
    pub fetch_pins: Vec<FetchPins>,
}

/// The integrity options of one `--fetch`.
#[derive(Debug, Clone, Default)]
pub struct FetchPins {
    /// `--fetch-sha256`.
    pub sha256: Option<String>,
    /// `--fetch-minisign`.
    pub minisign: Option<String>,
}

/// What the command line asks for.
pub enum Command {
    /// `--help`: the help text.
    Help(String),
    /// Screen.
    Screen(Box<Args>),
}

impl Args {
    /// Inputs are screened as of a date.
    pub fn dated(&self) -> bool {
        self.as_of.is_some() || self.date_column.is_some() || self.date_field.is_some()
    }

    /// `--threads`, or the number of CPUs.
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
    }

    /// The load options of every `--list`.
    pub fn list_options(&self) -> LoadOptions {
        let mut options = LoadOptions::new().allow_non_addresses(self.allow_non_addresses);
        if let Some(c) = &self.list_column {
            options = options.column(c.clone());
        }
        options
    }
}

/// Parses the process's arguments. `Err` is the usage error's message.
pub fn parse() -> Result<Command, String> {
    parse_from(std::env::args_os())
}

/// Parses `args` (with the program name).
pub fn parse_from<I, T>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = Args::command();
    let matches = match command.try_get_matches_from_mut(args) {
        Ok(m) => m,
        // `-h` short help, `--help` long help.
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            return Ok(Command::Help(e.render().to_string()));
        }
        Err(e) => return Err(clap_message(&e)),
    };
    let mut args = Args::from_arg_matches(&matches).map_err(|e| clap_message(&e))?;
    args.fetch_pins = fetch_pins(&matches)?;
    if args.inputs.is_empty() {
        args.inputs.push("-".to_owned());
    }
    args.check()?;
    Ok(Command::Screen(Box::new(args)))
}

/// The first line of a clap error, without its `error: ` prefix; for a
/// value our parsers refused, their own message.
fn clap_message(e: &clap::Error) -> String {
    use std::error::Error as _;
    if e.kind() == clap::error::ErrorKind::ValueValidation
        && let Some(source) = e.source()
    {
        return source.to_string();
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_owned()
}

/// Pairs each `--fetch-sha256` / `--fetch-minisign` with the `--fetch`
/// before it.
fn fetch_pins(m: &ArgMatches) -> Result<Vec<FetchPins>, String> {
    let fetches: Vec<usize> = m
        .indices_of("fetch")
        .map(Iterator::collect)
        .unwrap_or_default();
    let mut pins = vec![FetchPins::default(); fetches.len()];
    let owner = |at: usize| fetches.iter().rposition(|&f| f < at);
    for (at, hex) in indexed(m, "fetch_sha256") {
        let i = owner(at).ok_or("--fetch-sha256 must follow the --fetch it pins")?;
        if pins[i].sha256.replace(hex).is_some() {
            return Err("one --fetch-sha256 per --fetch".to_owned());
        }
    }
    for (at, key) in indexed(m, "fetch_minisign") {
        let i = owner(at).ok_or("--fetch-minisign must follow the --fetch it checks")?;
        if pins[i].minisign.replace(key).is_some() {
            return Err("one --fetch-minisign per --fetch".to_owned());
        }
    }
    Ok(pins)
}

/// The values of a repeated option with their positions on the command line.
fn indexed(m: &ArgMatches, id: &str) -> Vec<(usize, String)> {
    match (m.indices_of(id), m.get_many::<String>(id)) {
        (Some(at), Some(values)) => at.zip(values.cloned()).collect(),
        _ => Vec::new(),
    }
}

impl Args {
    /// The rules between options that clap's declarations do not say with
    /// the messages scripts rely on.
    fn check(&self) -> Result<(), String> {
        if self.cache.is_some() && self.fetch.is_empty() {
            return Err("--cache needs --fetch".to_owned());
        }
        if (self.list_column.is_some() || self.allow_non_addresses) && self.lists.is_empty() {
            return Err("--list-column and --allow-non-addresses need --list".to_owned());
        }
        if self.compiled.is_some()
            && (!self.lists.is_empty()
                || !self.fetch.is_empty()
                || self.no_bundled
                || self.write_compiled.is_some())
        {
            return Err(
                "--compiled excludes --list, --fetch, --cache, --no-bundled and --write-compiled"
                    .to_owned(),
            );
        }
        let named = |c: &Option<Column>| matches!(c, Some(Column::Name(_)));
        if named(&self.column) && self.header == Some(Header::No) {
            return Err("--column NAME needs a header row (--header no excludes it)".to_owned());
        }
        let dates = [
            self.as_of.is_some(),
            self.date_column.is_some(),
            self.date_field.is_some(),
        ];
        if dates.iter().filter(|&&d| d).count() > 1 {
            return Err("--as-of, --date-column and --date-field exclude each other".to_owned());
        }
        if self.scan && self.dated() {
            return Err(
                "--scan screens today's lists only (no --as-of, --date-column, --date-field)"
                    .to_owned(),
            );
        }
        if self.date_column.is_some() && self.column.is_none() {
            return Err("--date-column needs --column".to_owned());
        }
        if self.date_field.is_some() && self.field.is_none() {
            return Err("--date-field needs --field".to_owned());
        }
        if named(&self.date_column) && self.header == Some(Header::No) {
            return Err(
                "--date-column NAME needs a header row (--header no excludes it)".to_owned(),
            );
        }
        Ok(())
    }
}

fn parse_list_column(s: &str) -> Result<ListColumn, String> {
    s.parse::<ListColumn>()
        .map_err(|e| format!("bad --list-column value: {e}"))
}

fn parse_list_age(s: &str) -> Result<ListAge, String> {
    match s {
        "off" => Ok(ListAge::Off),
        v => v.parse::<u64>().map(ListAge::Days).map_err(|_| {
            format!("bad --max-list-age value {v:?} (expected a number of days or off)")
        }),
    }
}

fn parse_as_of(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| format!("bad --as-of value: {e}"))
}

/// A numeric value is a 1-based index, anything else a header name.
fn parse_column(flag: &str, s: &str) -> Result<Column, String> {
    if s.is_empty() {
        return Err(format!("{flag} needs a name or a 1-based index"));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Column::Index(n - 1)),
            _ => Err(format!("bad {flag} index {s:?} (indexes start at 1)")),
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

fn parse_count(flag: &str, s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("bad {flag} value {s:?} (a positive integer)")),
    }
}
