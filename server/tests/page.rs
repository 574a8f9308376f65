//! The page for people (`GET /`), in a real headless browser: Debian's
//! Chromium driven through ChromeDriver (the W3C WebDriver protocol, JSON
//! over HTTP, spoken here with the tests' own HTTP client) against the real
//! binary on 127.0.0.1. The page loads under its Content-Security-Policy,
//! shows the lists, a pasted listed address shows its entity, a clear one
//! shows clear, markup in an input stays text; a screenshot is kept under
//! `target/tmp/page/` (its path is printed).
//!
//! Without `chromium` and `chromedriver` (Debian packages `chromium`,
//! `chromium-driver`; `.ci/run` installs them) the browser tests print a
//! loud SKIPPED line and pass, unless `WALLETSCREEN_REQUIRE_BROWSER=1` (set
//! by `.ci/run`), which makes a missing browser a failure.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::{Service, TempDir, client};
use serde_json::{Value, json};

const LAZARUS: &str = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
const CLEAR: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const MARKUP: &str = "<img src=x onerror=\"document.title='pwned'\">";

/// The key of a WebDriver element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Writes straight to the process's stderr, past the test harness's
/// capture, so a skip is seen in a plain `cargo test`.
fn loud(msg: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "\n{}\n{msg}\n{}\n", "!".repeat(72), "!".repeat(72));
}

fn find(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Chromium and ChromeDriver, or `None` after a loud skip message (a panic
/// when `WALLETSCREEN_REQUIRE_BROWSER=1`).
fn browser(test: &str) -> Option<(PathBuf, PathBuf)> {
    let chromium = find(
        "WALLETSCREEN_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let driver = find("WALLETSCREEN_CHROMEDRIVER", &["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        (c, d) => {
            let msg = format!(
                "SKIPPED {test}: the headless-browser test needs chromium ({}) and chromedriver ({}); \
                 install Debian's `chromium` and `chromium-driver` (.ci/run does)",
                if c.is_some() { "found" } else { "missing" },
                if d.is_some() { "found" } else { "missing" },
            );
            if std::env::var_os("WALLETSCREEN_REQUIRE_BROWSER").is_some_and(|v| v == "1") {
                panic!("{msg} (WALLETSCREEN_REQUIRE_BROWSER=1)");
            }
            loud(&msg);
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A ChromeDriver process and one Chromium session through it; both end
/// when dropped.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::blocking::Client,
    _profile: TempDir,
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let start = Instant::now();
        loop {
            if let Ok(r) = http.get(format!("{base}/status")).send()
                && r.json::<Value>().is_ok_and(|v| v["value"]["ready"] == true)
            {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = TempDir::new("page-profile");
        // The flags that work on a closed network as root (no sandbox, no
        // background connections to Google's hosts).
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1100",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let mut b = Browser {
            driver,
            base,
            session: String::new(),
            http,
            _profile: profile,
        };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        b
    }

    /// One WebDriver command; its `value`, or a panic with the driver's error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "GET" => self.http.get(&url),
            "DELETE" => self.http.delete(&url),
            _ => self.http.post(&url).json(&body.unwrap_or(json!({}))),
        };
        let r = req
            .send()
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = r.status();
        let v: Value = r.json().unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body) in the page and returns its value.
    fn eval(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Polls `script` until it returns something other than null/false.
    fn wait_for(&self, what: &str, script: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(script);
            if !(v.is_null() || v == false) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for {what}; page text:\n{}",
                self.eval("return document.body.innerText;")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn element(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.element(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let e = self.element(css);
        self.call("POST", &format!("/element/{e}/click"), None);
    }

    /// Saves a PNG screenshot of the page under `target/tmp/page/NAME` and
    /// prints its path.
    fn screenshot(&self, name: &str) -> PathBuf {
        let b64 = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("a base64 screenshot"))
            .expect("valid base64");
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap();
        let _ = writeln!(
            std::io::stderr().lock(),
            "page screenshot: {}",
            path.display()
        );
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .http
                .delete(format!("{}/session/{}", self.base, self.session))
                .send();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The rows of the verdict table: `[verdict, input, provenance text]`.
const ROWS: &str = "return Array.from(document.querySelectorAll('#results tr.result')).map(function (r) {\
    return [r.dataset.verdict, r.querySelector('.input').textContent, r.querySelector('.provenance').textContent]; });";

#[test]
fn page_checks_pasted_addresses_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser("page_checks_pasted_addresses_in_a_real_browser")
    else {
        return;
    };
    let s = Service::start(&[]);
    // What the service itself says of the listed address (so the test does
    // not hard-code list data).
    let native: Value = client()
        .get(s.url(&format!("/v1/check/{LAZARUS}")))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(native["verdict"], "hit", "{native}");
    let entity = native["matches"][0]["entity"]
        .as_str()
        .expect("an entity")
        .to_owned();
    let list_count = client()
        .get(s.url("/v1/lists"))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap()["lists"]
        .as_array()
        .unwrap()
        .len();

    let b = Browser::start(&chromium, &chromedriver);
    b.goto(&s.base);
    // The script ran (the policy allowed it) and read /v1/lists.
    let rows = b.wait_for(
        "the lists table",
        "var n = document.querySelectorAll('#lists tbody tr.list').length; return n > 0 ? n : null;",
    );
    assert_eq!(rows, json!(list_count));
    assert_eq!(
        b.eval("return document.getElementById('banner').hidden;"),
        true
    );
    assert_eq!(
        b.eval("return document.getElementById('staleness').textContent;"),
        "current"
    );

    b.type_into("#addresses", &format!("{LAZARUS}\n{CLEAR}\n{MARKUP}\n"));
    b.click("#check");
    let rows = b.wait_for(
        "three verdicts",
        &format!("var r = (function () {{ {ROWS} }})(); return r.length === 3 ? r : null;"),
    );
    let rows = rows.as_array().unwrap();
    // The listed address: LISTED, with its entity and provenance.
    assert_eq!(rows[0][0], "hit", "{rows:?}");
    assert_eq!(rows[0][1], LAZARUS);
    let prov = rows[0][2].as_str().unwrap();
    assert!(prov.contains(&entity), "no entity {entity:?} in {prov:?}");
    assert!(prov.contains("ofac-sdn"), "{prov:?}");
    assert!(prov.contains("list set"), "{prov:?}");
    // The clear one: clear.
    assert_eq!(rows[1][0], "clear", "{rows:?}");
    assert_eq!(rows[1][1], CLEAR);
    assert!(
        rows[1][2]
            .as_str()
            .unwrap()
            .contains("On none of the lists")
    );
    // Markup stays text: shown as typed, never an element, never run.
    assert_eq!(rows[2][0], "invalid", "{rows:?}");
    assert_eq!(rows[2][1], MARKUP);
    assert_eq!(b.eval("return document.querySelectorAll('img').length;"), 0);
    assert_ne!(b.eval("return document.title;"), "pwned");
    assert_eq!(
        b.eval("return document.getElementById('summary').textContent;"),
        "1 listed, 1 clear, 1 invalid"
    );
    let shot = b.screenshot("page-verdicts.png");
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}

#[test]
fn page_shows_a_banner_when_the_lists_are_stale() {
    let Some((chromium, chromedriver)) = browser("page_shows_a_banner_when_the_lists_are_stale")
    else {
        return;
    };
    // The bundled lists are months old: a one-day --max-age makes them stale.
    let s = Service::start(&["--max-age", "1d"]);
    let b = Browser::start(&chromium, &chromedriver);
    b.goto(&s.base);
    let banner = b.wait_for(
        "the stale banner",
        "var b = document.getElementById('banner'); return b.hidden ? null : b.textContent;",
    );
    assert!(
        banner.as_str().unwrap().contains("The lists are stale"),
        "{banner}"
    );
    assert_eq!(
        b.eval("return document.getElementById('staleness').textContent;"),
        "stale"
    );
    b.screenshot("page-stale.png");
}

#[test]
fn page_is_served_with_a_strict_policy() {
    let s = Service::start(&[]);
    let r = client().get(s.url("/")).send().unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    let body = r.text().unwrap();
    assert_eq!(body, walletscreen_server::routes::page::HTML);
    assert!(body.contains("<textarea id=\"addresses\""));
    // Only GET.
    let r = client().post(s.url("/")).send().unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED);
}
