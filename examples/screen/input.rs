//! The reader thread: cuts each input into chunks of whole lines, or of
//! the chosen fields of CSV records, and hands them to the pipeline.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

use walletscreen::{Screener, Verdict};

use crate::args::{Args, Column, Header};
use crate::csv_lines::{CapState, LineCap};
use crate::pipeline::{Bufs, Chunk, Dispatch, Mode, Rec, Stopped, What};
use crate::report::Log;

/// Bytes asked of one read: the usual chunk size.
pub const BLOCK: usize = 1 << 20;
/// CSV records per chunk at most.
const CHUNK_RECORDS: usize = 32 * 1024;

/// The reader thread's state.
pub struct Reader {
    pool: Receiver<Bufs>,
    /// A buffer taken from the pool and not sent (it must not be lost: the
    /// pool is all there is).
    spare: Option<Bufs>,
    dispatch: Dispatch,
    max_line: usize,
    /// The current input is a regular file: reads fill their buffer (see
    /// [`read_some`]).
    fill: bool,
    log: Log,
    failed: Arc<AtomicBool>,
}

impl Reader {
    /// A reader taking its buffers from `pool` and handing its chunks to
    /// `dispatch`; an input that cannot be read is noted on `log` and sets
    /// `failed`.
    pub fn new(
        pool: Receiver<Bufs>,
        dispatch: Dispatch,
        max_line: usize,
        log: Log,
        failed: Arc<AtomicBool>,
    ) -> Reader {
        Reader {
            pool,
            spare: None,
            dispatch,
            max_line,
            fill: false,
            log,
            failed,
        }
    }

    /// Reads every input in order, until the writer stops.
    pub fn run(mut self, args: &Args, screener: &Screener) {
        for path in &args.inputs {
            if self.input(args, screener, path).is_err() {
                break; // the writer stopped
            }
        }
    }

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
        self.dispatch.send(Chunk {
            file: file.clone(),
            mode,
            first_line,
            lines,
            bytes,
            bufs,
        })
    }

    /// Reads one input; errors are reported and flagged, `Err` only when
    /// the writer stopped.
    fn input(&mut self, args: &Args, screener: &Screener, path: &str) -> Result<(), Stopped> {
        let mode = Mode::of(args, path);
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
                    (None, None) => {
                        What::Bad(format!("missing column {} ({} fields)", column, rec.len()))
                    }
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
