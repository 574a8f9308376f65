//! Helpers of the server's integration tests: the real binary started on
//! 127.0.0.1 with an ephemeral port ([`Service`]) and an HTTP client. The
//! rest is the root package's test support (`tests/common/mod.rs`),
//! included as it is: temporary directories, list fixtures, and the small
//! HTTP/1.1 server on 127.0.0.1 with scripted replies that serves as a list
//! source.

#![allow(dead_code, unused_imports)] // each test crate uses its own part of the helpers

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../../../tests/common/mod.rs"]
mod root_common;

pub use root_common::{Reply, Server, TempDir, addresses};

/// The service binary, started with some arguments; killed when dropped.
pub struct Service {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Service {
    /// Starts `walletscreen-server --bind 127.0.0.1:0 ARGS` and waits for its
    /// `listening on http://ADDR` line.
    pub fn start(args: &[&str]) -> Service {
        Service::try_start(args).unwrap_or_else(|log| panic!("the service did not start:\n{log}"))
    }

    /// [`Service::start`], or the log of a service that exited first.
    pub fn try_start(args: &[&str]) -> Result<Service, String> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_walletscreen-server"));
        cmd.args(["--bind", "127.0.0.1:0"]).args(args);
        // Only what the test says: no option from the environment.
        for (k, _) in std::env::vars() {
            if k.starts_with("WALLETSCREEN_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("starting walletscreen-server");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut sent = false;
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if !sent && let Some(rest) = line.strip_prefix("listening on http://") {
                        let _ = tx.send(rest.trim().to_owned());
                        sent = true;
                    }
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        match rx.recv_timeout(Duration::from_secs(180)) {
            Ok(addr) => Ok(Service {
                child,
                base: format!("http://{addr}"),
                addr: addr.parse().expect("an address"),
                log,
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                Err(log.lock().unwrap().clone())
            }
        }
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the service wrote on stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The log once `ready` holds of it (the service writes its log on a
    /// thread of its own, so a line may follow the answer by a moment), or
    /// after 10 s as it then is.
    pub fn log_when(&self, ready: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            if ready(&log) || Instant::now() > until {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM to this service (by its process id).
    pub fn sigterm(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("running kill")
            .success();
        assert!(ok, "kill -TERM failed");
    }

    /// Waits for the process to exit, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(s) = self.child.try_wait().expect("waiting") {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP client, no proxy.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A walletscreen CSV list `id` of category `category`, dated 2026-11-01:
/// (address, entity) rows.
pub fn csv_list(id: &str, category: &str, rows: &[(&str, &str)]) -> Vec<u8> {
    root_common::csv_list_with(id, category, Some("2026-11-01"), rows)
}

/// Polls `f` until it is true, at most `limit`.
pub fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}
