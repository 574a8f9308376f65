//! The pipeline: a reader thread cuts the inputs into chunks, a rayon pool
//! screens them, and the calling thread writes the results in input order.
//!
//! Order comes from construction, not from sorting: for each chunk the
//! reader queues a one-shot receiver of its result, in input order, before
//! the chunk goes to the pool; the writer takes the receivers from that
//! queue and waits on each in turn. The chunk buffers circulate (pool →
//! reader → workers → writer → pool) and there are [`IN_FLIGHT`] of them,
//! which bounds memory whatever the file size.

use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::{Context, Result};
use walletscreen::{CheckOptions, Date, Screener};

use crate::args::{Args, Format};
use crate::input::Reader;
use crate::output;
use crate::report::{Log, MAX_NOTES};
use crate::work::{self, Tally};

/// Chunks in flight (read and not yet written).
const IN_FLIGHT: usize = 8;

/// What the workers share.
pub struct Ctx {
    pub screener: Screener,
    pub opts: CheckOptions,
    pub format: Format,
    pub hits_only: bool,
    pub field: Option<String>,
    /// `--as-of`.
    pub as_of: Option<Date>,
    /// `--date-field`.
    pub date_field: Option<String>,
    /// Any date option: CSV output has the date columns.
    pub dated: bool,
}

impl Ctx {
    pub fn new(screener: Screener, args: &Args) -> Ctx {
        Ctx {
            screener,
            opts: CheckOptions::new().verify_checksum(!args.fast),
            format: args.format,
            hits_only: args.hits_only || args.scan,
            field: args.field.clone(),
            as_of: args.as_of,
            date_field: args.date_field.clone(),
            dated: args.dated(),
        }
    }
}

/// How one input file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Lines,
    Json,
    Csv { delimiter: u8 },
    Scan,
}

impl Mode {
    /// The mode of the input `path`: a `*.tsv` file is tab-separated
    /// unless `--delimiter` says otherwise.
    pub fn of(args: &Args, path: &str) -> Mode {
        if args.scan {
            Mode::Scan
        } else if args.field.is_some() {
            Mode::Json
        } else if args.column.is_some() {
            let tsv = path.len() > 4
                && path
                    .get(path.len() - 4..)
                    .is_some_and(|ext| ext.eq_ignore_ascii_case(".tsv"));
            let delimiter = args.delimiter.unwrap_or(if tsv { b'\t' } else { b',' });
            Mode::Csv { delimiter }
        } else {
            Mode::Lines
        }
    }
}

/// Reusable buffers of one chunk.
#[derive(Default)]
pub struct Bufs {
    /// Whole lines, or the extracted CSV fields.
    pub data: Vec<u8>,
    /// CSV records (or one bad line).
    pub recs: Vec<Rec>,
    /// Formatted output.
    pub out: Vec<u8>,
}

/// A CSV record's field, or a bad line.
pub struct Rec {
    pub line: u64,
    pub what: What,
    /// With `--date-column`: `data[range]` is the date field (`None`: the
    /// record has no such field).
    pub date: Option<Range<usize>>,
}

pub enum What {
    /// `data[range]` is the field.
    Field(Range<usize>),
    /// A bad line, with the reason.
    Bad(String),
}

/// A unit of work.
pub struct Chunk {
    pub file: Arc<str>,
    pub mode: Mode,
    /// Number of the first line of `bufs.data` (lines mode).
    pub first_line: u64,
    /// `bufs.data` is whole lines (else `bufs.recs` says what it is).
    pub lines: bool,
    /// Input bytes this chunk stands for (progress).
    pub bytes: u64,
    pub bufs: Bufs,
}

/// A processed chunk.
pub struct Done {
    pub file: Arc<str>,
    pub bytes: u64,
    pub tally: Tally,
    /// Bad lines (at most MAX_NOTES per chunk): line number and reason.
    pub notes: Vec<(u64, String)>,
    pub bufs: Bufs,
}

/// The writer stopped: stop reading.
pub struct Stopped;

/// Hands chunks to the pool, keeping their order for the writer.
pub struct Dispatch {
    pool: Arc<rayon::ThreadPool>,
    ctx: Arc<Ctx>,
    order: SyncSender<Receiver<Done>>,
}

impl Dispatch {
    /// Queues the chunk's place in the output, then screens it on the pool.
    pub fn send(&self, chunk: Chunk) -> Result<(), Stopped> {
        let (tx, rx) = sync_channel(1);
        self.order.send(rx).map_err(|_| Stopped)?;
        let ctx = self.ctx.clone();
        self.pool.spawn(move || {
            // The writer may have stopped: nobody to tell.
            let _ = tx.send(work::process(&ctx, chunk));
        });
        Ok(())
    }
}

/// What a run did.
pub struct Outcome {
    pub tally: Tally,
    /// Bad lines noted on stderr.
    pub notes: usize,
    /// Input bytes screened.
    pub bytes: u64,
    /// An input could not be read, or stdout could not be written.
    pub failed: bool,
}

/// Screens every input of `args` and writes the results to stdout.
pub fn run(args: &Arc<Args>, ctx: Arc<Ctx>, log: &Log) -> Result<Outcome> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads())
        .thread_name(|i| format!("screen-{i}"))
        .build()
        .context("starting the worker threads")?;
    let (pool_tx, pool_rx) = sync_channel::<Bufs>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        let _ = pool_tx.send(Bufs::default());
    }
    let (order_tx, order_rx) = sync_channel::<Receiver<Done>>(IN_FLIGHT);
    let failed = Arc::new(AtomicBool::new(false));
    let reader = {
        let dispatch = Dispatch {
            pool: Arc::new(pool),
            ctx: ctx.clone(),
            order: order_tx,
        };
        let reader = Reader::new(
            pool_rx,
            dispatch,
            args.max_line,
            log.clone(),
            failed.clone(),
        );
        let (args, ctx) = (args.clone(), ctx.clone());
        std::thread::spawn(move || reader.run(&args, &ctx.screener))
    };

    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut run = Outcome {
        tally: Tally::default(),
        notes: 0,
        bytes: 0,
        failed: false,
    };
    let written = (|| -> io::Result<()> {
        if args.format == Format::Csv {
            out.write_all(output::csv_header(args.dated()).as_bytes())?;
        }
        for pending in &order_rx {
            // A worker that panicked drops its sender.
            let Ok(mut done) = pending.recv() else {
                return Err(io::Error::other("a worker thread failed"));
            };
            for (line, reason) in &done.notes {
                if run.notes < MAX_NOTES {
                    log.note(&format!("screen: {}: line {line}: {reason}", done.file));
                }
                run.notes += 1;
            }
            run.tally.merge(&done.tally);
            run.bytes += done.bytes;
            log.progress(done.bytes);
            out.write_all(&done.bufs.out)?;
            done.bufs.out.clear();
            let _ = pool_tx.send(done.bufs);
        }
        out.flush()
    })();
    if let Err(e) = written {
        run.failed = true;
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("screen: writing standard output: {e}");
        }
    }
    // On a write error, dropping the channels stops the reader.
    drop(pool_tx);
    drop(order_rx);
    let _ = reader.join();
    run.failed |= failed.load(Ordering::Relaxed);
    run.notes = run.notes.min(MAX_NOTES);
    Ok(run)
}
