//! Getting the bytes of one location: a local file (always) or an HTTP(S)
//! URL (cargo feature `update`).

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use super::{Location, UpdateError};

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub(crate) struct FetchConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_body: u64,
    pub(crate) max_redirects: usize,
    pub(crate) system_proxy: bool,
    pub(crate) allow_insecure_http: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(300),
            max_body: 256 << 20,
            max_redirects: 5,
            system_proxy: true,
            allow_insecure_http: false,
        }
    }
}

/// HTTP validators of a response, sent back on the next conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Validators {
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
}

impl Validators {
    #[cfg_attr(not(feature = "update"), allow(dead_code))]
    fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The answer for one location.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// 304 to a conditional GET.
    #[cfg_attr(not(feature = "update"), allow(dead_code))]
    NotModified,
    /// The complete body.
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// Fetches locations; holds the HTTP client (built on first use).
pub(crate) struct Fetcher {
    config: FetchConfig,
    #[cfg(feature = "update")]
    client: std::sync::OnceLock<reqwest::blocking::Client>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .finish()
    }
}

impl Fetcher {
    pub(crate) fn new(config: FetchConfig) -> Fetcher {
        Fetcher {
            config,
            #[cfg(feature = "update")]
            client: std::sync::OnceLock::new(),
        }
    }

    /// Fetches `location`, conditionally when `validators` are given.
    pub(crate) fn fetch(
        &self,
        location: &Location,
        validators: Option<&Validators>,
    ) -> Result<Fetched, UpdateError> {
        match location {
            Location::Path(p) => self.read_path(p),
            Location::Url(url) => self.get(url, validators),
        }
    }

    fn read_path(&self, path: &Path) -> Result<Fetched, UpdateError> {
        let location = || path.display().to_string();
        let io = |source| UpdateError::Io {
            location: location(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let max = self.config.max_body;
        if file.metadata().map_err(io)?.len() > max {
            return Err(UpdateError::TooLarge {
                location: location(),
                limit: max,
            });
        }
        let mut bytes = Vec::new();
        file.take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > max {
            return Err(UpdateError::TooLarge {
                location: location(),
                limit: max,
            });
        }
        Ok(Fetched::Body {
            bytes,
            validators: Validators::default(),
        })
    }

    #[cfg(not(feature = "update"))]
    fn get(&self, url: &str, _validators: Option<&Validators>) -> Result<Fetched, UpdateError> {
        Err(UpdateError::HttpDisabled {
            url: url.to_owned(),
        })
    }

    #[cfg(feature = "update")]
    fn get(&self, url: &str, validators: Option<&Validators>) -> Result<Fetched, UpdateError> {
        http::get(self, url, validators)
    }
}

#[cfg(feature = "update")]
mod http {
    use std::io::Read;
    use std::time::Instant;

    use reqwest::StatusCode;
    use reqwest::header::{
        CONTENT_LENGTH, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    };

    use super::{FetchConfig, Fetched, Fetcher, UpdateError, Validators};

    /// Why the redirect policy stopped a chain.
    #[derive(Debug, PartialEq, Eq)]
    pub(super) enum Refused {
        Loop,
        TooMany,
        /// A redirect from `https` to this `http` URL.
        Downgrade(String),
        /// A redirect to this plain-HTTP URL on a non-loopback host.
        Insecure(String),
    }

    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Refused::Loop => f.write_str("redirect loop"),
                Refused::TooMany => f.write_str("too many redirects"),
                Refused::Downgrade(u) => write!(f, "redirect from https to {u}"),
                Refused::Insecure(u) => write!(f, "redirect to plain HTTP {u}"),
            }
        }
    }

    impl std::error::Error for Refused {}

    /// Whether `url` may be fetched in plain HTTP: its host is the loopback
    /// interface (`localhost`, `127.0.0.0/8`, `::1`).
    pub(super) fn is_loopback(url: &reqwest::Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether a redirect from `from` to `to` may be followed, as far as
    /// the scheme goes: never from `https` to `http`; to plain HTTP on
    /// another host than loopback only with `allow_insecure_http`.
    pub(super) fn check_scheme(
        from: Option<&reqwest::Url>,
        to: &reqwest::Url,
        allow_insecure_http: bool,
    ) -> Result<(), Refused> {
        if to.scheme() != "http" {
            return Ok(());
        }
        if from.is_some_and(|f| f.scheme() == "https") {
            return Err(Refused::Downgrade(to.to_string()));
        }
        if !allow_insecure_http && !is_loopback(to) {
            return Err(Refused::Insecure(to.to_string()));
        }
        Ok(())
    }

    fn client(config: &FetchConfig) -> Result<reqwest::blocking::Client, reqwest::Error> {
        let max = config.max_redirects;
        let allow = config.allow_insecure_http;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            // `previous` starts with the URL first requested.
            if attempt.previous().contains(attempt.url()) {
                attempt.error(Refused::Loop)
            } else if attempt.previous().len() > max {
                attempt.error(Refused::TooMany)
            } else if let Err(e) = check_scheme(attempt.previous().last(), attempt.url(), allow) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        });
        let mut b = reqwest::blocking::Client::builder()
            .redirect(policy)
            .connect_timeout(config.connect_timeout)
            // The blocking client applies this to the wait for the response
            // head and to every read of the body: a read timeout. The
            // overall timeout is checked by `get` while it reads.
            .timeout(config.read_timeout)
            .user_agent(concat!("walletscreen/", env!("CARGO_PKG_VERSION")));
        if !config.system_proxy {
            b = b.no_proxy();
        }
        b.build()
    }

    fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The first error of type `T` in `e`'s source chain.
    fn find<'a, T: std::error::Error + 'static>(
        mut e: &'a (dyn std::error::Error + 'static),
    ) -> Option<&'a T> {
        loop {
            if let Some(t) = e.downcast_ref::<T>() {
                return Some(t);
            }
            e = e.source()?;
        }
    }

    fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut cur = Some(e);
        while let Some(e) = cur {
            if e.downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_timeout)
                || e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            {
                return true;
            }
            cur = e.source();
        }
        false
    }

    pub(super) fn get(
        f: &Fetcher,
        url: &str,
        validators: Option<&Validators>,
    ) -> Result<Fetched, UpdateError> {
        let config = &f.config;
        let client = match f.client.get() {
            Some(c) => c,
            None => {
                let c = client(config).map_err(|source| UpdateError::Http {
                    url: url.to_owned(),
                    source,
                })?;
                f.client.get_or_init(|| c)
            }
        };
        let parsed = reqwest::Url::parse(url).ok();
        if let Some(u) = &parsed
            && let Err(Refused::Insecure(target)) =
                check_scheme(None, u, config.allow_insecure_http)
        {
            return Err(UpdateError::InsecureHttp {
                url: url.to_owned(),
                target,
                downgrade: false,
            });
        }
        let start = Instant::now();
        let timeout = |start: Instant| UpdateError::Timeout {
            location: url.to_owned(),
            after: start.elapsed(),
        };
        let mut request = client.get(url);
        let conditional = validators.filter(|v| !v.is_empty());
        if let Some(v) = conditional {
            if let Some(etag) = &v.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                request = request.header(IF_MODIFIED_SINCE, lm);
            }
        }
        let mut response = request.send().map_err(|e| {
            if e.is_timeout() {
                return timeout(start);
            }
            match find::<Refused>(&e) {
                Some(Refused::Loop) => UpdateError::RedirectLoop {
                    url: url.to_owned(),
                },
                Some(Refused::TooMany) => UpdateError::TooManyRedirects {
                    url: url.to_owned(),
                    limit: config.max_redirects,
                },
                Some(Refused::Downgrade(target)) => UpdateError::InsecureHttp {
                    url: url.to_owned(),
                    target: target.clone(),
                    downgrade: true,
                },
                Some(Refused::Insecure(target)) => UpdateError::InsecureHttp {
                    url: url.to_owned(),
                    target: target.clone(),
                    downgrade: false,
                },
                None => UpdateError::Http {
                    url: url.to_owned(),
                    source: e,
                },
            }
        })?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && conditional.is_some() {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(UpdateError::Status {
                url: url.to_owned(),
                code: status.as_u16(),
            });
        }
        let headers = response.headers();
        let validators = Validators {
            etag: header(headers, ETAG),
            last_modified: header(headers, LAST_MODIFIED),
        };
        let expected: Option<u64> = header(headers, CONTENT_LENGTH).and_then(|v| v.parse().ok());
        let max = config.max_body;
        let too_large = || UpdateError::TooLarge {
            location: url.to_owned(),
            limit: max,
        };
        if expected.is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let cap = expected.unwrap_or(64 << 10).min(max);
        let mut bytes = Vec::with_capacity(usize::try_from(cap).unwrap_or(0));
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            if start.elapsed() > config.timeout {
                return Err(timeout(start));
            }
            match response.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    if (bytes.len() + n) as u64 > max {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => return Err(timeout(start)),
                Err(e) => {
                    let received = bytes.len() as u64;
                    return Err(match expected {
                        Some(expected) if received < expected => UpdateError::Truncated {
                            location: url.to_owned(),
                            received,
                            expected,
                        },
                        _ => UpdateError::Io {
                            location: url.to_owned(),
                            source: e,
                        },
                    });
                }
            }
        }
        if let Some(expected) = expected
            && bytes.len() as u64 != expected
        {
            return Err(UpdateError::Truncated {
                location: url.to_owned(),
                received: bytes.len() as u64,
                expected,
            });
        }
        Ok(Fetched::Body { bytes, validators })
    }
}

#[cfg(all(test, feature = "update"))]
mod tests {
    use super::http::{Refused, check_scheme, is_loopback};

    fn u(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn loopback_hosts() {
        for (url, want) in [
            ("http://127.0.0.1:8080/x", true),
            ("http://127.8.9.10/x", true),
            ("http://localhost/x", true),
            ("http://LOCALHOST:1/x", true),
            ("http://[::1]:80/x", true),
            ("http://localhost.example.com/x", false),
            ("http://10.0.0.1/x", false),
            ("http://user@example.com/x", false),
            ("http://[::2]/x", false),
            ("http://128.0.0.1/x", false),
        ] {
            assert_eq!(is_loopback(&u(url)), want, "{url}");
        }
    }

    #[test]
    fn redirect_schemes() {
        let https = u("https://ofac.example/sdn.xml");
        let loop_http = u("http://127.0.0.1/sdn.xml");
        let far_http = u("http://mirror.example/sdn.xml");
        let cases = [
            ("https -> https", Some(&https), &https, false, None),
            ("start on loopback http", None, &loop_http, false, None),
            (
                "start on far http",
                None,
                &far_http,
                false,
                Some("insecure"),
            ),
            ("start on far http, allowed", None, &far_http, true, None),
            (
                "loopback -> far http",
                Some(&loop_http),
                &far_http,
                false,
                Some("insecure"),
            ),
            (
                "loopback -> far http, allowed",
                Some(&loop_http),
                &far_http,
                true,
                None,
            ),
            (
                "https -> far http",
                Some(&https),
                &far_http,
                false,
                Some("downgrade"),
            ),
            (
                "https -> far http, allowed",
                Some(&https),
                &far_http,
                true,
                Some("downgrade"),
            ),
            (
                "https -> loopback http",
                Some(&https),
                &loop_http,
                true,
                Some("downgrade"),
            ),
            ("http -> https", Some(&loop_http), &https, false, None),
        ];
        for (name, from, to, allow, want) in cases {
            let got = match check_scheme(from, to, allow) {
                Ok(()) => None,
                Err(Refused::Downgrade(t)) => {
                    assert_eq!(t, to.to_string(), "{name}");
                    Some("downgrade")
                }
                Err(Refused::Insecure(t)) => {
                    assert_eq!(t, to.to_string(), "{name}");
                    Some("insecure")
                }
                Err(e) => panic!("{name}: {e:?}"),
            };
            assert_eq!(got, want, "{name}");
        }
    }
}
