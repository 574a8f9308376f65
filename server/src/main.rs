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
    // system flushing) never holds a request; that thread writes the lines
    // waiting at once in one `write` (it flushes the buffer when it has
    // taken them all). Not lossy: when 128k lines wait, the next one waits
    // for room instead of being dropped. `_flush` writes out what is queued
    // when `main` returns.
    let stderr = std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr());
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
