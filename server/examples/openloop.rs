//! `openloop`: a constant-rate (open-loop) HTTP/1.1 load generator in the
//! manner of wrk2, for the latency figures of `server/bench/load.sh`
//! (BENCHMARKS.md, "Service under load").
//!
//! ```text
//! cargo run --release -p walletscreen-server --example openloop -- \
//!     http://127.0.0.1:8080/healthz --rate 16000 --duration 10s --connections 32 \
//!     [--method POST --body FILE --content-type application/json] [--warmup 1s] [--json]
//! ```
//!
//! **Schedule.** Request `k` is due at `t0 + k / rate`, whatever happened
//! before: the generator never waits for an answer before it lets the next
//! request come due (open loop). A due request goes out at once on an idle
//! keep-alive connection (first idle first); when none is idle it waits in a
//! queue, and its latency still counts **from its due time**: a server stall
//! that holds every connection is charged to every request it delayed, the
//! coordinated-omission correction of wrk2. The latency from the moment the
//! request was written is recorded too, as is the wait in between. And the
//! latency from the moment the loop saw the request due ("from seen"): the
//! same correction less the generator's own lateness (its thread preempted
//! by the machine), which a server cannot cause; on a machine whose cores
//! are taken away for milliseconds now and then, it keeps the generator's
//! stalls out of the server's figure while still charging the server for
//! every request that waited for a busy connection.
//!
//! **One thread, spinning.** The caller pins it to a core of its own
//! (`taskset`); the loop never sleeps: it reads the clock (`Instant::now`,
//! a vDSO call of some 20 ns), releases what has come due, writes it onto
//! idle connections, and asks the kernel which sockets have something to
//! read, with a zero timeout. So a request leaves within a few microseconds
//! of its due time, where a generator on a 1 ms timer (oha's ticker, tokio's
//! timer wheel) releases a millisecond's worth of requests at once and
//! stamps them all with the tick.
//!
//! **Why `mio`** (epoll) rather than plain non-blocking `std` sockets polled
//! in turn: with 32 connections in flight, polling each with `read` costs
//! 32 system calls per turn of the loop, almost all of them `EAGAIN`, and
//! the turn (hence the pacing's resolution) grows with the connection count;
//! one `epoll_wait` with a zero timeout costs one system call whatever the
//! count and names only the sockets that have data. Sockets are registered
//! edge-triggered and read until `WouldBlock`.
//!
//! **Framing.** Answers are parsed with `httparse` (status line and
//! headers) and framed by `Content-Length`; `1xx` interim answers are
//! skipped, `204` and `304` have no body. An answer it cannot frame (chunked
//! or any other transfer coding, no length and not bodiless, bytes the
//! server sent unasked) stops the run with an error that says so: a miscount
//! is worse than no figure. `Connection: close` in an answer closes that
//! connection after it and opens another. A connection that fails or is
//! closed by the server with a request in flight counts that request as an
//! error and is opened again.
//!
//! **Counts.** Requests due in the first `--warmup` (default 1 s) are sent
//! like the others but not recorded in the histograms. After the last due
//! time the loop goes on for at most `--drain` (default 2 s) to send what is
//! queued and finish what is in flight; what is still unanswered then is
//! reported as unsent or unfinished. Always:
//! `due = completed + errors + unfinished + unsent` and
//! `sent = completed + errors + unfinished`.
//! Latencies are in `hdrhistogram`s at microsecond resolution (3
//! significant digits), up to 60 s.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use serde::Serialize;

/// A constant-rate, open-loop HTTP/1.1 load generator (one thread).
#[derive(Parser, Debug, Clone)]
#[command(
    version,
    about = "A constant-rate, open-loop HTTP/1.1 load generator (wrk2's schedule): latency from each request's due time"
)]
struct Args {
    /// `http://HOST:PORT/PATH` (plain HTTP only).
    url: String,
    /// Requests per second, held constant.
    #[arg(long, short = 'R')]
    rate: f64,
    /// How long requests come due after the warm-up (`10s`, `500ms`, `2m`).
    #[arg(long, short = 'd', default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Requests due at the start that are sent but not recorded.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    warmup: Duration,
    /// How long to wait after the last due time for queued and in-flight
    /// requests.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    drain: Duration,
    /// Keep-alive connections, opened at the start.
    #[arg(long, short = 'c', default_value_t = 32)]
    connections: usize,
    /// The request method.
    #[arg(long, short = 'm', default_value = "GET")]
    method: String,
    /// A file whose bytes are the body of every request.
    #[arg(long)]
    body: Option<PathBuf>,
    /// The `Content-Type` of the body.
    #[arg(long)]
    content_type: Option<String>,
    /// One JSON object on stdout instead of the text report.
    #[arg(long)]
    json: bool,
}

/// `10s`, `1.5s`, `250ms`, `2m`, or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = s.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (10s, 250ms, 2m)"))?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("`{s}` is not a duration (10s, 250ms, 2m)"));
    }
    Ok(Duration::from_secs_f64(v * scale))
}

/// What the run is asked to do, checked.
#[derive(Debug, Clone)]
struct Plan {
    addr: SocketAddr,
    request: Vec<u8>,
    rate: f64,
    warmup: Duration,
    duration: Duration,
    drain: Duration,
    connections: usize,
}

impl Plan {
    fn from_args(a: &Args) -> anyhow::Result<Plan> {
        let rest = a
            .url
            .strip_prefix("http://")
            .with_context(|| format!("`{}`: only http:// URLs are supported", a.url))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            bail!("`{}`: no host", a.url);
        }
        let hostport = if authority.contains(':') && !authority.ends_with(']') {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        let addr = hostport
            .to_socket_addrs()
            .with_context(|| format!("resolving `{authority}`"))?
            .next()
            .with_context(|| format!("`{authority}` resolves to no address"))?;
        if !(a.rate.is_finite() && a.rate > 0.0) {
            bail!("--rate must be a positive number of requests per second");
        }
        if a.connections == 0 {
            bail!("--connections must be at least 1");
        }
        if a.method.is_empty() || !a.method.bytes().all(|b| b.is_ascii_uppercase()) {
            bail!("--method `{}`: an upper-case HTTP method", a.method);
        }
        let body = match &a.body {
            Some(p) => std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
            None => Vec::new(),
        };
        let mut request = format!(
            "{} {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: openloop\r\nAccept: */*\r\n",
            a.method
        );
        if let Some(ct) = &a.content_type {
            request.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        if a.body.is_some() || !matches!(a.method.as_str(), "GET" | "HEAD" | "DELETE" | "OPTIONS") {
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut request = request.into_bytes();
        request.extend_from_slice(&body);
        Ok(Plan {
            addr,
            request,
            rate: a.rate,
            warmup: a.warmup,
            duration: a.duration,
            drain: a.drain,
            connections: a.connections,
        })
    }
}

/// Percentiles of one latency histogram, in milliseconds.
#[derive(Debug, Clone, Serialize)]
struct Latency {
    count: u64,
    mean_ms: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
}

impl Latency {
    fn of(h: &Histogram<u64>) -> Latency {
        let ms = |us: u64| us as f64 / 1e3;
        Latency {
            count: h.len(),
            mean_ms: h.mean() / 1e3,
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
        }
    }
}

/// The figures of one run.
#[derive(Debug, Clone, Serialize)]
struct Report {
    target_rate: f64,
    connections: usize,
    warmup_s: f64,
    duration_s: f64,
    /// Requests that came due (warm-up included).
    due: u64,
    /// Requests written onto a connection.
    sent: u64,
    /// Whole answers read (any status).
    completed: u64,
    /// Answers whose status is not 2xx.
    non_2xx: u64,
    /// Requests lost with their connection (reset, closed by the server).
    errors: u64,
    /// Sent, and no answer by the end of the drain.
    unfinished: u64,
    /// Due, and never sent by the end of the drain.
    unsent: u64,
    /// Connections opened again after a failure or `Connection: close`.
    reconnects: u64,
    /// Answers recorded (due after the warm-up) per second of `duration`.
    achieved_rate: f64,
    /// Due time to whole answer (coordinated-omission corrected).
    latency_from_due: Latency,
    /// The moment the loop saw the request due to whole answer: the same
    /// correction (a request waiting for a busy connection counts), less
    /// the generator's own lateness ([`Report::generator_lag`]), which is
    /// not the server's.
    latency_from_seen: Latency,
    /// Write of the request to whole answer.
    latency_from_send: Latency,
    /// Due time to write: the wait for an idle connection (and the
    /// generator's own lateness).
    wait_before_send: Latency,
    /// Due time to the moment the loop saw the request due: the generator's
    /// own lateness (its thread preempted, or a long turn of the loop),
    /// whether or not a connection was idle.
    generator_lag: Latency,
}

/// One keep-alive connection.
struct Conn {
    stream: TcpStream,
    /// Connected (first writable event seen).
    ready: bool,
    /// The request on this connection: its due and write times.
    /// Due, seen due, sent.
    in_flight: Option<(Instant, Instant, Instant)>,
    /// Bytes of the request not yet written.
    out: Vec<u8>,
    out_at: usize,
    /// Bytes read and not yet parsed into an answer.
    inbuf: Vec<u8>,
}

/// What a parse of the bytes read so far found.
#[derive(Debug, PartialEq, Eq)]
enum Frame {
    /// Not yet a whole answer.
    Partial,
    /// A whole final answer of `len` bytes; `status`; `close`: the server
    /// asked to close the connection.
    Done {
        len: usize,
        status: u16,
        close: bool,
    },
}

/// Parses the answer at the start of `buf` (after any 1xx interim answers);
/// `head_request`: the request was a `HEAD` (an answer without body).
fn frame(buf: &[u8], head_request: bool) -> anyhow::Result<Frame> {
    let mut at = 0;
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut resp = httparse::Response::new(&mut headers);
        let head_len = match resp.parse(&buf[at..]) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => return Ok(Frame::Partial),
            Err(e) => bail!("malformed HTTP answer: {e}"),
        };
        let status = resp.code.context("answer without a status")?;
        let http10 = resp.version == Some(0);
        let mut length: Option<usize> = None;
        let mut close = http10;
        for h in resp.headers.iter() {
            if h.name.eq_ignore_ascii_case("content-length") {
                let v = std::str::from_utf8(h.value)
                    .ok()
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .with_context(|| {
                        format!(
                            "Content-Length `{}` is not a length",
                            String::from_utf8_lossy(h.value)
                        )
                    })?;
                if length.is_some_and(|l| l != v) {
                    bail!("two different Content-Length headers");
                }
                length = Some(v);
            } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                bail!(
                    "answer with Transfer-Encoding `{}`: openloop frames answers by Content-Length only",
                    String::from_utf8_lossy(h.value)
                );
            } else if h.name.eq_ignore_ascii_case("connection") {
                let v = String::from_utf8_lossy(h.value).to_ascii_lowercase();
                if v.split(',').any(|t| t.trim() == "close") {
                    close = true;
                } else if v.split(',').any(|t| t.trim() == "keep-alive") {
                    close = false;
                }
            }
        }
        if (100..200).contains(&status) {
            if status == 101 {
                bail!("the server switched protocols (101)");
            }
            at += head_len;
            continue;
        }
        let body = if head_request || status == 204 || status == 304 {
            0
        } else {
            match length {
                Some(l) => l,
                None => bail!(
                    "answer {status} without Content-Length (its end would be the connection's close): openloop cannot frame it"
                ),
            }
        };
        let len = at + head_len + body;
        return Ok(if buf.len() >= len {
            Frame::Done { len, status, close }
        } else {
            Frame::Partial
        });
    }
}

/// The generator's state over one run.
struct Run<'p> {
    plan: &'p Plan,
    poll: Poll,
    conns: Vec<Conn>,
    idle: VecDeque<usize>,
    head_request: bool,
    measured_from: Instant,
    from_due: Histogram<u64>,
    from_seen: Histogram<u64>,
    from_send: Histogram<u64>,
    wait: Histogram<u64>,
    lag: Histogram<u64>,
    report: Report,
    scratch: Vec<u8>,
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

impl<'p> Run<'p> {
    fn open(&mut self, i: usize) -> anyhow::Result<()> {
        let mut stream = TcpStream::connect(self.plan.addr)
            .with_context(|| format!("connecting to {}", self.plan.addr))?;
        self.poll.registry().register(
            &mut stream,
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        let conn = Conn {
            stream,
            ready: false,
            in_flight: None,
            out: Vec::new(),
            out_at: 0,
            inbuf: Vec::with_capacity(4096),
        };
        if i == self.conns.len() {
            self.conns.push(conn);
        } else {
            self.conns[i] = conn;
        }
        Ok(())
    }

    /// Drops connection `i` (its request, if any, is an error) and opens
    /// another in its place.
    fn reopen(&mut self, i: usize, failed: bool) -> anyhow::Result<()> {
        let c = &mut self.conns[i];
        let _ = self.poll.registry().deregister(&mut c.stream);
        if c.in_flight.take().is_some() {
            self.report.errors += 1;
        }
        self.idle.retain(|&j| j != i);
        self.report.reconnects += 1;
        if failed && self.report.reconnects > 1000 + 10 * self.plan.connections as u64 {
            bail!(
                "over {} connections failed: giving up",
                self.report.reconnects
            );
        }
        self.open(i)
    }

    /// Writes request `due` on idle connection `i`.
    fn send(&mut self, i: usize, (due, seen): (Instant, Instant)) -> anyhow::Result<()> {
        let now = Instant::now();
        let c = &mut self.conns[i];
        debug_assert!(c.in_flight.is_none() && c.ready);
        c.in_flight = Some((due, seen, now));
        c.out.clear();
        c.out.extend_from_slice(&self.plan.request);
        c.out_at = 0;
        self.report.sent += 1;
        if due >= self.measured_from {
            self.wait.saturating_record(micros(now - due));
        }
        self.flush(i)
    }

    /// Writes what is left of connection `i`'s request.
    fn flush(&mut self, i: usize) -> anyhow::Result<()> {
        let c = &mut self.conns[i];
        while c.out_at < c.out.len() {
            match c.stream.write(&c.out[c.out_at..]) {
                Ok(0) => return self.reopen(i, true),
                Ok(n) => c.out_at += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return self.reopen(i, true),
            }
        }
        Ok(())
    }

    /// Reads what connection `i` has, and records each whole answer.
    fn read(&mut self, i: usize) -> anyhow::Result<()> {
        loop {
            let c = &mut self.conns[i];
            match c.stream.read(&mut self.scratch) {
                Ok(0) => {
                    // Closed by the server: an error if a request was in
                    // flight (its answer cut or never begun).
                    let failed = c.in_flight.is_some();
                    return self.reopen(i, failed);
                }
                Ok(n) => {
                    if c.in_flight.is_none() {
                        bail!(
                            "the server sent {n} bytes with no request in flight on connection {i}"
                        );
                    }
                    c.inbuf.extend_from_slice(&self.scratch[..n]);
                    if let Frame::Done { len, status, close } = frame(&c.inbuf, self.head_request)?
                    {
                        if c.inbuf.len() != len {
                            bail!(
                                "the server sent {} bytes past the answer on connection {i} (no request was pipelined)",
                                c.inbuf.len() - len
                            );
                        }
                        let done = Instant::now();
                        let (due, seen, sent) = c.in_flight.take().expect("checked above");
                        c.inbuf.clear();
                        self.report.completed += 1;
                        if !(200..300).contains(&status) {
                            self.report.non_2xx += 1;
                        }
                        if due >= self.measured_from {
                            self.from_due.saturating_record(micros(done - due));
                            self.from_seen.saturating_record(micros(done - seen));
                            self.from_send.saturating_record(micros(done - sent));
                        }
                        if close {
                            return self.reopen(i, false);
                        }
                        self.idle.push_back(i);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return self.reopen(i, true),
            }
        }
    }

    fn event(&mut self, i: usize, ev: &mio::event::Event) -> anyhow::Result<()> {
        if !self.conns[i].ready {
            if ev.is_error() || self.conns[i].stream.take_error()?.is_some() {
                return self.reopen(i, true);
            }
            if ev.is_writable() {
                match self.conns[i].stream.peer_addr() {
                    Ok(_) => {
                        let c = &mut self.conns[i];
                        c.ready = true;
                        let _ = c.stream.set_nodelay(true);
                        self.idle.push_back(i);
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(()),
                    Err(_) => return self.reopen(i, true),
                }
            }
            if !ev.is_readable() {
                return Ok(());
            }
        }
        if ev.is_writable() && self.conns[i].out_at < self.conns[i].out.len() {
            self.flush(i)?;
        }
        if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
            self.read(i)?;
        }
        Ok(())
    }
}

/// Runs the plan: the open loop, then the drain.
fn run(plan: &Plan, head_request: bool) -> anyhow::Result<Report> {
    let total_s = (plan.warmup + plan.duration).as_secs_f64();
    let total = (plan.rate * total_s).floor() as u64;
    let mut r = Run {
        plan,
        poll: Poll::new()?,
        conns: Vec::with_capacity(plan.connections),
        idle: VecDeque::with_capacity(plan.connections),
        head_request,
        measured_from: Instant::now(),
        from_due: histogram(),
        from_seen: histogram(),
        from_send: histogram(),
        wait: histogram(),
        lag: histogram(),
        report: Report {
            target_rate: plan.rate,
            connections: plan.connections,
            warmup_s: plan.warmup.as_secs_f64(),
            duration_s: plan.duration.as_secs_f64(),
            due: 0,
            sent: 0,
            completed: 0,
            non_2xx: 0,
            errors: 0,
            unfinished: 0,
            unsent: 0,
            reconnects: 0,
            achieved_rate: 0.0,
            latency_from_due: Latency::of(&histogram()),
            latency_from_seen: Latency::of(&histogram()),
            latency_from_send: Latency::of(&histogram()),
            wait_before_send: Latency::of(&histogram()),
            generator_lag: Latency::of(&histogram()),
        },
        scratch: vec![0; 64 * 1024],
    };
    for i in 0..plan.connections {
        r.open(i)?;
    }
    let mut events = Events::with_capacity(1024);
    // Wait (at most 5 s) for every connection before the clock starts.
    let connect_by = Instant::now() + Duration::from_secs(5);
    while r.idle.len() < plan.connections {
        if Instant::now() > connect_by {
            bail!(
                "{} of {} connections to {} not open after 5 s",
                plan.connections - r.idle.len(),
                plan.connections,
                plan.addr
            );
        }
        r.poll.poll(&mut events, Some(Duration::from_millis(10)))?;
        for ev in events.iter() {
            r.event(ev.token().0, ev)?;
        }
        if r.report.reconnects > 0 {
            bail!("cannot connect to {}", plan.addr);
        }
    }
    let t0 = Instant::now();
    r.measured_from = t0 + plan.warmup;
    let last_due = t0 + plan.warmup + plan.duration;
    let drain_until = last_due + plan.drain;
    let due_at = |k: u64| t0 + Duration::from_nanos((k as f64 * 1e9 / plan.rate) as u64);
    let mut next = 0u64;
    let mut next_due = due_at(0);
    let mut queue: VecDeque<(Instant, Instant)> = VecDeque::new();
    let zero = Some(Duration::ZERO);
    loop {
        let now = Instant::now();
        while next < total && next_due <= now {
            if next_due >= r.measured_from {
                r.lag.saturating_record(micros(now - next_due));
            }
            queue.push_back((next_due, now));
            next += 1;
            next_due = due_at(next);
        }
        while !queue.is_empty() {
            let Some(i) = r.idle.pop_front() else { break };
            let due = queue.pop_front().expect("not empty");
            r.send(i, due)?;
        }
        r.poll.poll(&mut events, zero)?;
        for ev in events.iter() {
            r.event(ev.token().0, ev)?;
        }
        if next >= total {
            let in_flight = r.conns.iter().filter(|c| c.in_flight.is_some()).count();
            if (queue.is_empty() && in_flight == 0) || Instant::now() >= drain_until {
                r.report.unsent = queue.len() as u64;
                r.report.unfinished = in_flight as u64;
                break;
            }
        }
    }
    r.report.due = next;
    r.report.achieved_rate = r.from_due.len() as f64 / plan.duration.as_secs_f64().max(1e-9);
    r.report.latency_from_due = Latency::of(&r.from_due);
    r.report.latency_from_seen = Latency::of(&r.from_seen);
    r.report.latency_from_send = Latency::of(&r.from_send);
    r.report.wait_before_send = Latency::of(&r.wait);
    r.report.generator_lag = Latency::of(&r.lag);
    Ok(r.report)
}

fn print_text(url: &str, r: &Report) {
    println!(
        "openloop {url}: {:.0} requests/s target, {} connections, {:.1} s warm-up + {:.1} s",
        r.target_rate, r.connections, r.warmup_s, r.duration_s
    );
    println!(
        "  due {}, sent {}, completed {}, non-2xx {}, errors {}, unfinished {}, unsent {}, reconnects {}",
        r.due, r.sent, r.completed, r.non_2xx, r.errors, r.unfinished, r.unsent, r.reconnects
    );
    println!(
        "  achieved {:.0} answers/s (recorded, after warm-up)",
        r.achieved_rate
    );
    println!(
        "  {:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "latency (ms)", "p50", "p90", "p99", "p99.9", "max", "count"
    );
    for (name, l) in [
        ("from due (corrected)", &r.latency_from_due),
        ("from seen due", &r.latency_from_seen),
        ("from send", &r.latency_from_send),
        ("wait before send", &r.wait_before_send),
        ("generator lag", &r.generator_lag),
    ] {
        println!(
            "  {name:<24} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9}",
            l.p50_ms, l.p90_ms, l.p99_ms, l.p999_ms, l.max_ms, l.count
        );
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let plan = Plan::from_args(&args)?;
    let report = run(&plan, args.method == "HEAD")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&args.url, &report);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;

    /// A tiny keep-alive HTTP/1.1 server on 127.0.0.1, one thread per
    /// connection: `200 ok` for `/ok` (and for a POST whose body has the
    /// length announced), `404` for anything else; `/chunked` answers
    /// chunked; `/close` answers with `Connection: close` and closes.
    fn tiny_server() -> SocketAddr {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(s) = s else { return };
                s.set_nodelay(true).unwrap();
                std::thread::spawn(move || {
                    let mut w = s.try_clone().unwrap();
                    let mut r = BufReader::new(s);
                    loop {
                        let mut line = String::new();
                        if r.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                        let mut len = 0usize;
                        loop {
                            let mut h = String::new();
                            if r.read_line(&mut h).unwrap_or(0) == 0 {
                                return;
                            }
                            if h == "\r\n" {
                                break;
                            }
                            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:")
                            {
                                len = v.trim().parse().unwrap();
                            }
                        }
                        let mut body = vec![0; len];
                        r.read_exact(&mut body).unwrap();
                        let reply: &[u8] = match path.as_str() {
                            "/ok" => b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                            "/post" if body == b"{\"a\":1}" => {
                                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                            }
                            "/chunked" => b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                            "/close" => b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                            _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
                        };
                        // Two writes, so the client sees a split answer.
                        let cut = reply.len() / 2;
                        w.write_all(&reply[..cut]).unwrap();
                        w.flush().unwrap();
                        w.write_all(&reply[cut..]).unwrap();
                        if path == "/close" {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    fn args(url: String, extra: &[&str]) -> Args {
        let mut v = vec!["openloop".to_owned(), url];
        v.extend(
            [
                "--rate",
                "400",
                "--duration",
                "500ms",
                "--warmup",
                "200ms",
                "--connections",
                "4",
            ]
            .map(String::from),
        );
        v.extend(extra.iter().map(|s| s.to_string()));
        Args::try_parse_from(v).unwrap()
    }

    /// One run at a time: each spins a core, and the machine may have two.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn go(a: &Args) -> anyhow::Result<Report> {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        run(&Plan::from_args(a)?, a.method == "HEAD")
    }

    fn assert_adds_up(r: &Report) {
        assert_eq!(
            r.due,
            r.completed + r.errors + r.unfinished + r.unsent,
            "{r:?}"
        );
        assert_eq!(r.sent, r.completed + r.errors + r.unfinished, "{r:?}");
        // 400/s over 0.7 s.
        assert_eq!(r.due, 280, "{r:?}");
    }

    #[test]
    fn counts_add_up_and_all_answered() {
        let addr = tiny_server();
        let r = go(&args(format!("http://{addr}/ok"), &[])).unwrap();
        assert_adds_up(&r);
        assert_eq!(
            (r.completed, r.non_2xx, r.errors, r.unsent, r.unfinished),
            (280, 0, 0, 0, 0),
            "{r:?}"
        );
        // Only requests due after the warm-up are recorded: 400/s × 0.5 s.
        assert_eq!(r.latency_from_due.count, 200, "{r:?}");
        assert_eq!(r.latency_from_send.count, 200, "{r:?}");
        assert_eq!(r.latency_from_seen.count, 200, "{r:?}");
        // Seen due no earlier than due: never a longer latency from it.
        assert!(
            r.latency_from_seen.max_ms <= r.latency_from_due.max_ms,
            "{r:?}"
        );
        assert!(
            r.latency_from_due.p99_ms >= r.latency_from_send.p50_ms,
            "{r:?}"
        );
    }

    #[test]
    fn a_404_is_non_2xx() {
        let addr = tiny_server();
        let r = go(&args(format!("http://{addr}/missing"), &[])).unwrap();
        assert_adds_up(&r);
        assert_eq!((r.completed, r.non_2xx, r.errors), (280, 280, 0), "{r:?}");
    }

    #[test]
    fn post_with_body_and_interim_answer() {
        let addr = tiny_server();
        let dir = std::env::temp_dir().join(format!("openloop-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let body = dir.join("body.json");
        std::fs::write(&body, b"{\"a\":1}").unwrap();
        let a = args(
            format!("http://{addr}/post"),
            &[
                "--method",
                "POST",
                "--body",
                body.to_str().unwrap(),
                "--content-type",
                "application/json",
            ],
        );
        let r = go(&a).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_adds_up(&r);
        assert_eq!((r.completed, r.non_2xx, r.errors), (280, 0, 0), "{r:?}");
    }

    #[test]
    fn connection_close_reopens() {
        let addr = tiny_server();
        let r = go(&args(format!("http://{addr}/close"), &[])).unwrap();
        assert_adds_up(&r);
        assert_eq!((r.completed, r.non_2xx), (280, 0), "{r:?}");
        assert_eq!(r.reconnects, 280, "{r:?}");
    }

    #[test]
    fn chunked_is_refused() {
        let addr = tiny_server();
        let e = go(&args(format!("http://{addr}/chunked"), &[])).unwrap_err();
        assert!(e.to_string().contains("Transfer-Encoding"), "{e:#}");
    }

    #[test]
    fn no_server_is_an_error() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert!(go(&args(format!("http://127.0.0.1:{port}/ok"), &[])).is_err());
    }

    #[test]
    fn framing() {
        assert_eq!(
            frame(b"HTTP/1.1 200 OK\r\nContent-Len", false).unwrap(),
            Frame::Partial
        );
        assert_eq!(
            frame(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab", false).unwrap(),
            Frame::Partial
        );
        assert_eq!(
            frame(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc",
                false
            )
            .unwrap(),
            Frame::Done {
                len: 48,
                status: 404,
                close: false
            }
        );
        assert_eq!(
            frame(b"HTTP/1.1 204 No Content\r\n\r\n", false).unwrap(),
            Frame::Done {
                len: 27,
                status: 204,
                close: false
            }
        );
        assert_eq!(
            frame(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false).unwrap(),
            Frame::Done {
                len: 38,
                status: 200,
                close: true
            }
        );
        assert!(
            frame(b"HTTP/1.1 200 OK\r\n\r\n", false)
                .unwrap_err()
                .to_string()
                .contains("Content-Length")
        );
        assert!(frame(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false).is_err());
        assert!(frame(b"garbage\r\n\r\n", false).is_err());
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("fast").is_err());
    }
}
