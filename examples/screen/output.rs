//! The output formats: text, JSON lines and CSV, one record per input (or
//! per scan match), and for CSV one row per match of a hit.

use std::io::Write;
use std::ops::Range;

use serde::Serialize;
use walletscreen::{
    Category, Checksum, Date, DatedMatch, Family, Matches, Provenance, Verdict, VerdictAt, Version,
    Via,
};

use crate::args::Format;

/// The result for one input.
pub enum Outcome {
    Verdict(Verdict),
    /// The verdict as of a date.
    Dated(VerdictAt, Date),
    /// A bad line (never screened), with the reason.
    Bad(String),
}

/// One input (or scan match) and its result.
pub struct Record<'a> {
    pub file: &'a str,
    pub line: u64,
    /// Scan matches: 1-based column in characters, and the byte span in
    /// the line.
    pub column: Option<(usize, Range<usize>)>,
    pub input: &'a str,
    pub outcome: Outcome,
}

/// Where one chunk's records are formatted: its output buffer, behind one
/// CSV writer for `--format csv`.
pub enum Sink {
    Text(Vec<u8>),
    Jsonl(Vec<u8>),
    Csv {
        w: Box<csv::Writer<Vec<u8>>>,
        /// With the date columns.
        dated: bool,
    },
}

impl Sink {
    /// A sink appending to `buf` in `format` (CSV with the date columns
    /// when `dated`).
    pub fn new(format: Format, dated: bool, buf: Vec<u8>) -> Sink {
        match format {
            Format::Text => Sink::Text(buf),
            Format::Jsonl => Sink::Jsonl(buf),
            Format::Csv => Sink::Csv {
                w: Box::new(
                    csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(buf),
                ),
                dated,
            },
        }
    }

    /// Appends one record.
    pub fn write(&mut self, r: &Record<'_>) {
        // Writing to a Vec cannot fail (nor can serializing a record: no
        // map with non-string keys).
        match self {
            Sink::Text(out) => {
                let _ = writeln!(out, "{}", text_line(r));
            }
            Sink::Jsonl(out) => {
                let _ = serde_json::to_writer(&mut *out, &JsonRecord::new(r));
                out.push(b'\n');
            }
            Sink::Csv { w, dated } => csv_rows(w, r, *dated),
        }
    }

    /// The buffer, with every record written.
    pub fn finish(self) -> Vec<u8> {
        match self {
            Sink::Text(out) | Sink::Jsonl(out) => out,
            // Flushing into a Vec cannot fail.
            Sink::Csv { w, .. } => w.into_inner().unwrap_or_default(),
        }
    }
}

/// The JSON shape of a [`Record`].
#[derive(Serialize)]
struct JsonRecord<'a> {
    line: u64,
    input: &'a str,
    verdict: &'static str,
    matches: MatchList<'a>,
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

/// Matches, each with its dates when screened as of a date (none but for
/// a hit).
#[derive(Serialize)]
#[serde(untagged)]
enum MatchList<'a> {
    Plain(Matches<'a>),
    Dated(&'a [DatedMatch]),
}

impl<'a> JsonRecord<'a> {
    fn new(r: &'a Record<'a>) -> Self {
        let mut j = JsonRecord {
            line: r.line,
            input: r.input,
            verdict: "invalid",
            matches: MatchList::Dated(&[]),
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
                        j.matches = MatchList::Dated(&hit.matches);
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
                j.matches = MatchList::Plain(hit.matches());
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
        Outcome::Verdict(Verdict::Hit(hit)) => (
            "HIT",
            hit.matches()
                .map(|m| text_match(m.list(), m.via(), m.provenance()))
                .collect::<Vec<_>>()
                .join("; "),
        ),
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

/// The matches of a hit as of a date, as [`text_match`] with the dates: ` listed after DATE` / ` first seen
/// DATE` (the publication bounds) when OFAC's listing date is unknown, ` delisted_on DATE (after DATE)` for an entry
/// delisted since.
fn text_dated_matches(matches: &[DatedMatch]) -> String {
    matches
        .iter()
        .map(|m| {
            let o = &m.matched;
            let mut s = text_match(o.list(), o.via(), o.provenance());
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

/// `list: entity [programs] listed DATE (via ...)`; a hit's matches are
/// joined by `"; "`.
fn text_match(list: &str, via: Via, p: &Provenance) -> String {
    let mut s = format!("{list}: {}", p.entity.as_deref().unwrap_or("(no entity)"));
    if !p.programs.is_empty() {
        s.push_str(&format!(" [{}]", p.programs.join(";")));
    }
    if let Some(date) = &p.listed {
        s.push_str(&format!(" listed {date}"));
    }
    if via != Via::Listed {
        s.push_str(&format!(" (via {})", via.name()));
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

/// The columns of `--format csv`.
const CSV_COLUMNS: [&str; 16] = [
    "file",
    "line",
    "column",
    "input",
    "verdict",
    "list",
    "category",
    "entity",
    "entity_id",
    "programs",
    "listed",
    "address",
    "via",
    "family",
    "checksum",
    "reason",
];

/// The columns added when screening as of a date: the date asked about,
/// and per match its listing date and, for an entry delisted since, the
/// delisting's bounds.
const CSV_DATE_COLUMNS: [&str; 4] = ["as_of", "listed_on", "delisted_on", "delisted_after"];

/// The header row of `--format csv` (with the date columns when `dated`).
pub fn csv_header(dated: bool) -> String {
    let date_columns: &[&str] = if dated { &CSV_DATE_COLUMNS } else { &[] };
    let mut header = CSV_COLUMNS
        .iter()
        .chain(date_columns)
        .copied()
        .collect::<Vec<_>>()
        .join(",");
    header.push('\n');
    header
}

/// The columns of one CSV row after `file,line,column,input`, by name.
#[derive(Default)]
struct CsvRow<'a> {
    verdict: &'static str,
    list: &'a str,
    category: String,
    entity: &'a str,
    entity_id: &'a str,
    programs: String,
    listed: &'a str,
    address: String,
    via: &'a str,
    family: &'a str,
    checksum: &'a str,
    reason: String,
    /// Screened as of a date: `as_of, listed_on, delisted_on,
    /// delisted_after`.
    dates: Option<[String; 4]>,
}

impl<'a> CsvRow<'a> {
    /// A row of a match (`list`, `category`, `address` as listed, `via`,
    /// `p`rovenance), with the verdict's `family` and `checksum`.
    fn hit(
        (list, category, address, via, p): (&'a str, Category, String, Via, &'a Provenance),
        family: Family,
        checksum: Checksum,
    ) -> CsvRow<'a> {
        CsvRow {
            verdict: "hit",
            list,
            category: serde_json::to_value(category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            entity: p.entity.as_deref().unwrap_or_default(),
            entity_id: p.entity_id.as_deref().unwrap_or_default(),
            programs: p.programs.join(";"),
            listed: p.listed.as_deref().unwrap_or_default(),
            address,
            via: via.name(),
            family: family.name(),
            checksum: checksum.name(),
            ..CsvRow::default()
        }
    }

    fn clear(family: Family, checksum: Checksum) -> CsvRow<'a> {
        CsvRow {
            verdict: "clear",
            family: family.name(),
            checksum: checksum.name(),
            ..CsvRow::default()
        }
    }

    fn invalid(reason: String) -> CsvRow<'a> {
        CsvRow {
            verdict: "invalid",
            reason,
            ..CsvRow::default()
        }
    }

    /// With the date columns of a verdict as of `date` (and of the match,
    /// for a hit).
    fn dated(mut self, date: Date, m: Option<&DatedMatch>) -> CsvRow<'a> {
        let d = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        self.dates = Some([
            date.to_string(),
            d(m.and_then(|m| m.listed_on)),
            d(m.and_then(|m| m.delisted.map(|x| x.by))),
            d(m.and_then(|m| m.delisted.and_then(|x| x.after))),
        ]);
        self
    }
}

/// One CSV row per input, or per match of a hit (with the date columns,
/// empty where there is no date, when `dated`).
fn csv_rows(w: &mut csv::Writer<Vec<u8>>, r: &Record<'_>, dated: bool) {
    let rows: Vec<CsvRow<'_>> = match &r.outcome {
        Outcome::Verdict(Verdict::Hit(hit)) => {
            let (family, checksum) = (hit.family, hit.checksum);
            let rows = hit.matches().map(|m| {
                let m = (
                    m.list(),
                    m.category(),
                    m.address().into(),
                    m.via(),
                    m.provenance(),
                );
                CsvRow::hit(m, family, checksum)
            });
            return write_csv(w, r, dated, rows);
        }
        Outcome::Verdict(Verdict::Clear {
            family, checksum, ..
        }) => vec![CsvRow::clear(*family, *checksum)],
        Outcome::Verdict(Verdict::Invalid { reason }) => vec![CsvRow::invalid(reason.to_string())],
        Outcome::Bad(reason) => vec![CsvRow::invalid(reason.clone())],
        Outcome::Dated(VerdictAt::Hit(hit), date) => hit
            .matches
            .iter()
            .map(|d| {
                let o = &d.matched;
                let m = (
                    o.list(),
                    o.category(),
                    o.address().to_owned(),
                    o.via(),
                    o.provenance(),
                );
                CsvRow::hit(m, hit.family, hit.checksum).dated(*date, Some(d))
            })
            .collect(),
        Outcome::Dated(VerdictAt::Clear { family, checksum }, date) => {
            vec![CsvRow::clear(*family, *checksum).dated(*date, None)]
        }
        Outcome::Dated(VerdictAt::Invalid { reason }, date) => {
            vec![CsvRow::invalid(reason.to_string()).dated(*date, None)]
        }
    };
    write_csv(w, r, dated, rows.into_iter());
}

/// Writes `rows` after the record's `file,line,column,input`.
fn write_csv<'a>(
    w: &mut csv::Writer<Vec<u8>>,
    r: &Record<'_>,
    dated: bool,
    rows: impl Iterator<Item = CsvRow<'a>>,
) {
    let line = r.line.to_string();
    let column = r
        .column
        .as_ref()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    let no_dates: [String; 4] = Default::default();
    for row in rows {
        let dates: &[String] = match (&row.dates, dated) {
            (Some(d), _) => d,
            (None, true) => &no_dates,
            (None, false) => &[],
        };
        let fields = [
            r.file,
            &line,
            &column,
            r.input,
            row.verdict,
            row.list,
            &row.category,
            row.entity,
            row.entity_id,
            &row.programs,
            row.listed,
            &row.address,
            row.via,
            row.family,
            row.checksum,
            &row.reason,
        ];
        // Writing to a Vec cannot fail.
        let _ = w.write_record(fields.into_iter().chain(dates.iter().map(String::as_str)));
    }
}
