//! Helpers of the server's integration tests: the real binary started on
//! 127.0.0.1 with an ephemeral port ([`Service`]), an HTTP client, and a
//! small HTTP/1.1 list source on 127.0.0.1 whose replies the test scripts
//! ([`Source`]).

#![allow(dead_code)] // each test crate uses its own part of the helpers

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// What a [`Source`] answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with one of these bodies, each request the next (cycling).
    Cycle(Vec<Vec<u8>>),
    /// This status, empty body.
    Status(u16),
}

/// A list source on 127.0.0.1: every request to any path gets the current
/// [`Reply`]. Stops when dropped.
pub struct Source {
    addr: SocketAddr,
    reply: Arc<Mutex<Reply>>,
    served: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Source {
    /// Starts serving `reply`.
    pub fn start(reply: Reply) -> Source {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let reply = Arc::new(Mutex::new(reply));
        let served = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (reply, served, stop) = (reply.clone(), served.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let n = served.fetch_add(1, Ordering::SeqCst);
                    let r = reply.lock().unwrap().clone();
                    serve(conn, r, n);
                }
            });
        }
        Source {
            addr,
            reply,
            served,
            stop,
        }
    }

    /// The URL of the list.
    pub fn url(&self) -> String {
        format!("http://{}/feed.csv", self.addr)
    }

    /// Replaces the reply.
    pub fn set(&self, reply: Reply) {
        *self.reply.lock().unwrap() = reply;
    }

    /// Requests served so far.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(mut conn: TcpStream, reply: Reply, n: usize) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(k) => head.extend_from_slice(&buf[..k]),
        }
    }
    let (status, body) = match reply {
        Reply::Cycle(bodies) => (200, bodies[n % bodies.len()].clone()),
        Reply::Status(s) => (s, Vec::new()),
    };
    let out = format!(
        "HTTP/1.1 {status} Scripted\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.write_all(&body);
    let _ = conn.flush();
    let _ = conn.shutdown(Shutdown::Write);
    let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = conn.read(&mut buf);
}

/// Addresses of the bundled FBI list (valid, distinct).
pub fn addresses() -> Vec<String> {
    let raw = walletscreen::bundled::raw("fbi-dprk").unwrap();
    let list = walletscreen::List::from_bytes(
        raw,
        walletscreen::ListMeta::new("fbi-dprk", walletscreen::Category::Attributed),
    )
    .unwrap();
    list.entries().map(|e| e.address.clone()).collect()
}

/// A walletscreen CSV list `id` of category `category`: (address, entity) rows.
pub fn csv_list(id: &str, category: &str, rows: &[(&str, &str)]) -> Vec<u8> {
    let mut s = format!(
        "# walletscreen-list: v1\n# id: {id}\n# category: {category}\n# as_of: 2026-11-01\naddress,entity\n"
    );
    for (addr, entity) in rows {
        s.push_str(&format!("{addr},{entity}\n"));
    }
    s.into_bytes()
}

/// A fresh temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new directory named after `tag`.
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "walletscreen-server-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes a file; its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
