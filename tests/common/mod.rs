//! Test helpers shared by the integration tests: a small, real HTTP/1.1
//! server on 127.0.0.1 (no other network) with scripted replies per path,
//! list fixtures, and the example binaries ([`example::example`]).

#![allow(dead_code)] // each test crate uses its own part of the helpers

pub mod example;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How the reply announces its body length.
#[derive(Debug, Clone, Copy)]
pub enum Length {
    /// `Content-Length` = the body's length.
    Exact,
    /// `Content-Length` = this, whatever the body (a larger value makes a
    /// truncated body).
    Claim(usize),
    /// No `Content-Length`: the body ends when the connection closes.
    Close,
}

/// A scripted reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub length: Length,
    /// Wait this long before sending anything.
    pub head_delay: Duration,
    /// Send the body in chunks of this many bytes with this pause between.
    pub trickle: Option<(usize, Duration)>,
    /// Sent as `ETag`; a request whose `If-None-Match` equals it gets 304.
    pub etag: Option<String>,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
            length: Length::Exact,
            head_delay: Duration::ZERO,
            trickle: None,
            etag: None,
        }
    }

    pub fn status(code: u16) -> Reply {
        Reply {
            status: code,
            ..Reply::ok(format!("status {code}\n"))
        }
    }

    pub fn redirect(to: &str) -> Reply {
        Reply::status(302).header("Location", to)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn etag(mut self, tag: &str) -> Reply {
        self.etag = Some(tag.to_owned());
        self
    }

    pub fn delay(mut self, d: Duration) -> Reply {
        self.head_delay = d;
        self
    }

    pub fn length(mut self, l: Length) -> Reply {
        self.length = l;
        self
    }

    pub fn trickle(mut self, chunk: usize, pause: Duration) -> Reply {
        self.trickle = Some((chunk, pause));
        self
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
}

/// The replies of a path, each request the next one (cycling).
type Routes = Arc<Mutex<HashMap<String, (Vec<Reply>, usize)>>>;

/// The server: one thread accepting, one thread per connection. Stops when
/// dropped.
pub struct Server {
    addr: SocketAddr,
    routes: Routes,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let routes: Routes = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (routes, seen, stop) = (routes.clone(), seen.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (routes, seen) = (routes.clone(), seen.clone());
                    std::thread::spawn(move || serve(conn, &routes, &seen));
                }
            })
        };
        Server {
            addr,
            routes,
            seen,
            stop,
            accept: Some(accept),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sets the reply for `path` (unknown paths get 404).
    pub fn route(&self, path: &str, reply: Reply) {
        self.route_cycle(path, vec![reply]);
    }

    /// Sets the replies for `path`: each request gets the next one,
    /// cycling (a source whose every fetch is a new publication).
    pub fn route_cycle(&self, path: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty(), "no reply for {path}");
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), (replies, 0));
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut conn: TcpStream, routes: &Routes, seen: &Mutex<Vec<Seen>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 << 10 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let path = target.split('?').next().unwrap_or("/").to_owned();
    seen.lock().unwrap().push(Seen {
        path: path.clone(),
        headers: headers.clone(),
    });
    let reply = match routes.lock().unwrap().get_mut(&path) {
        Some((replies, next)) => {
            *next += 1;
            replies[(*next - 1) % replies.len()].clone()
        }
        None => Reply::status(404),
    };
    std::thread::sleep(reply.head_delay);
    let not_modified = reply
        .etag
        .as_ref()
        .is_some_and(|e| headers.get("if-none-match") == Some(e));
    let mut out = if not_modified {
        "HTTP/1.1 304 Not Modified\r\n".to_owned()
    } else {
        format!("HTTP/1.1 {} Scripted\r\n", reply.status)
    };
    out.push_str("Connection: close\r\n");
    if let Some(e) = &reply.etag {
        out.push_str(&format!("ETag: {e}\r\n"));
    }
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !not_modified {
        match reply.length {
            Length::Exact => out.push_str(&format!("Content-Length: {}\r\n", reply.body.len())),
            Length::Claim(n) => out.push_str(&format!("Content-Length: {n}\r\n")),
            Length::Close => {}
        }
    }
    out.push_str("\r\n");
    if conn.write_all(out.as_bytes()).is_err() {
        return;
    }
    if !not_modified {
        match reply.trickle {
            None => {
                let _ = conn.write_all(&reply.body);
            }
            Some((chunk, pause)) => {
                for part in reply.body.chunks(chunk.max(1)) {
                    if conn.write_all(part).and_then(|()| conn.flush()).is_err() {
                        return;
                    }
                    std::thread::sleep(pause);
                }
            }
        }
    }
    let _ = conn.flush();
    let _ = conn.shutdown(Shutdown::Write);
    // Let the client read to the end before the socket closes.
    let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = conn.read(&mut buf);
}

/// Valid addresses from the bundled FBI list (79 of them).
pub fn addresses() -> Vec<String> {
    let raw = walletscreen::bundled::raw("fbi-dprk").unwrap();
    let list = walletscreen::List::from_bytes(
        raw,
        walletscreen::ListMeta::new("fbi-dprk", walletscreen::Category::Attributed),
    )
    .unwrap();
    list.entries().map(|e| e.address.clone()).collect()
}

/// A walletscreen CSV list with id `id`: each address with entity
/// `Entity <address prefix>`, or the entity given.
pub fn csv_list(id: &str, rows: &[(&str, &str)]) -> Vec<u8> {
    csv_list_with(id, "attributed", None, rows)
}

/// [`csv_list`] of category `category` (`sanctioned`, `attributed`,
/// `custom`), dated `as_of` if given.
pub fn csv_list_with(
    id: &str,
    category: &str,
    as_of: Option<&str>,
    rows: &[(&str, &str)],
) -> Vec<u8> {
    let mut s = format!("# walletscreen-list: v1\n# id: {id}\n# category: {category}\n");
    if let Some(d) = as_of {
        s.push_str(&format!("# as_of: {d}\n"));
    }
    s.push_str("address,entity\n");
    for (addr, entity) in rows {
        s.push_str(&format!("{addr},{entity}\n"));
    }
    s.into_bytes()
}

/// A fresh temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "walletscreen-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to the file `name` in the directory; its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
