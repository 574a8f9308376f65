//! `walletscreen-server`: parses the configuration, sets up logging, runs
//! the service (see the library, `walletscreen_server::run`). Exit status 0
//! after a graceful shutdown, 2 on a configuration or startup error.

use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use walletscreen_server::{Config, LogFormat};

fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // The log lines (one per request at info) are written to stderr by a
    // thread of tracing-appender's, so a slow write (a full pipe, a file
    // system flushing) never holds a request. That thread writes the lines
    // waiting at once in one `write` (it flushes the buffer when it has
    // taken them all), then pauses (`Paced`): at a steady rate it wakes once
    // per pause rather than once per request, which on a server with one
    // core was two context switches per request taken from the runtime
    // (BENCHMARKS.md, "Latency at half rate, measured two ways"). Not lossy:
    // when 128k lines wait, the next one waits for room instead of being
    // dropped. `_flush` writes out what is queued when `main` returns.
    let stderr = Paced {
        inner: std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr()),
        pause: std::time::Duration::from_millis(1),
    };
    let (writer, _flush) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("walletscreen-log")
        .finish(stderr);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::stderr().is_terminal());
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("walletscreen-server: starting the runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match runtime.block_on(walletscreen_server::run(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("walletscreen-server: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// The log thread's writer: `inner`, whose `flush` (called by
/// tracing-appender's thread once it has taken every queued line) is
/// followed by a sleep of `pause`, during which new lines wait in the
/// channel (bounded, not lossy: a full channel makes a request wait, as
/// before) and are then written together. A line reaches stderr at most
/// `pause` later than without it.
struct Paced<W> {
    inner: W,
    pause: std::time::Duration,
}

impl<W: std::io::Write> std::io::Write for Paced<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()?;
        std::thread::sleep(self.pause);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Paced;
    use std::io::Write;
    use std::time::{Duration, Instant};

    #[test]
    fn paced_writes_through_and_pauses_after_a_flush() {
        let mut w = Paced {
            inner: std::io::BufWriter::new(Vec::new()),
            pause: Duration::from_millis(20),
        };
        w.write_all(b"one line\n").unwrap();
        assert_eq!(w.write(b"two\n").unwrap(), 4);
        let t = Instant::now();
        w.flush().unwrap();
        // `sleep` sleeps at least its duration.
        assert!(t.elapsed() >= Duration::from_millis(20));
        assert_eq!(w.inner.get_ref().as_slice(), b"one line\ntwo\n");
    }
}
