//! One chunk's work: each input screened (or scanned), counted, and
//! formatted into the chunk's output buffer.

use std::collections::HashMap;

use walletscreen::{Date, Verdict, VerdictAt, VerdictKind};

use crate::output::{Outcome, Record, Sink};
use crate::pipeline::{Chunk, Ctx, Done, Mode, What};
use crate::report::MAX_NOTES;

/// Counts.
#[derive(Debug, Default)]
pub struct Tally {
    pub lines: u64,
    pub hits: u64,
    pub clear: u64,
    pub invalid: u64,
    pub bad: u64,
    pub matches: u64,
    /// Inputs (or scan matches) per list and entity.
    pub by_entity: HashMap<(String, String), u64>,
}

impl Tally {
    pub fn merge(&mut self, o: &Tally) {
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

    /// Counts a line that is clear or invalid, by its kind alone (with
    /// --hits-only); false for a hit, which the caller counts with its
    /// matches.
    fn count_unlisted(&mut self, kind: VerdictKind) -> bool {
        match kind {
            VerdictKind::Clear => self.clear += 1,
            VerdictKind::Invalid => self.invalid += 1,
            VerdictKind::Hit => return false,
        }
        self.lines += 1;
        true
    }

    /// Counts a hit once per list and entity of its matches, given as
    /// `(list, entity)`.
    fn count_hit<'m>(&mut self, matches: impl Iterator<Item = (&'m str, Option<&'m str>)>) {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for (list, entity) in matches {
            let key = (list, entity.unwrap_or("(no entity)"));
            if !seen.contains(&key) {
                seen.push(key);
                *self
                    .by_entity
                    .entry((key.0.to_owned(), key.1.to_owned()))
                    .or_default() += 1;
            }
        }
    }
}

/// Screens (or scans) one chunk into its output buffer.
pub fn process(ctx: &Ctx, chunk: Chunk) -> Done {
    let Chunk {
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
        out: Sink::new(ctx.format, ctx.dated, std::mem::take(&mut bufs.out)),
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
    bufs.out = out.finish();
    Done {
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
    out: Sink,
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
        if self.ctx.hits_only
            && self.tally.count_unlisted(self.ctx.screener.check_at_kind(
                input,
                date,
                self.ctx.opts,
            ))
        {
            return;
        }
        let verdict = self.ctx.screener.check_at_with(input, date, self.ctx.opts);
        self.tally.lines += 1;
        match &verdict {
            VerdictAt::Hit(hit) => {
                self.tally.hits += 1;
                self.tally.count_hit(hit.matches.iter().map(|m| {
                    let e = m.matched.provenance().entity.as_deref();
                    (m.matched.list(), e)
                }));
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
        if self.ctx.hits_only
            && self
                .tally
                .count_unlisted(self.ctx.screener.check_kind(input, self.ctx.opts))
        {
            return;
        }
        let verdict = self.ctx.screener.check_with(input, self.ctx.opts);
        self.tally.lines += 1;
        match &verdict {
            Verdict::Hit(hit) => {
                self.tally.hits += 1;
                self.tally.count_hit(
                    hit.matches()
                        .map(|m| (m.list(), m.provenance().entity.as_deref())),
                );
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
            self.tally.count_hit(
                m.hit
                    .matches()
                    .map(|m| (m.list(), m.provenance().entity.as_deref())),
            );
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
        self.out.write(r);
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
                .then(|| v.pointer(&json_pointer(name)))
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

/// The JSON pointer (RFC 6901) of a dotted field name: `tx.to` is `/tx/to`.
fn json_pointer(dotted: &str) -> String {
    dotted
        .split('.')
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect()
}
