//! Native `POST /v1/check` with `Content-Type: application/x-ndjson`: any
//! number of lines in, one native answer per line out, in order, as the
//! body arrives, in constant memory (a task answers the body chunk by
//! chunk, at most a few chunks' answers ahead of the client: the next chunk
//! is read only when the client has taken all but those).
//!
//! A line is a JSON string (`"0x…"`), a JSON object with `address`, or a
//! bare address; blank lines are skipped. A line that cannot be read, or
//! a clear answer refused in strict mode, answers
//! `{"line": N, "error": {"code", "message"}}` and the stream goes on. A
//! line longer than `--max-body`, a wait for input longer than
//! `--request-timeout` or a broken body ends the stream with such a line.
//! Each line is answered from the list set current when the chunk of the
//! body that completes it is read (its answer carries that set's
//! `list_set`): a live swap shows from the next chunk on.
//!
//! Per line, the work is the check and the answer's bytes: lines are found
//! with `memchr` in the body's own chunks (only a line split across two
//! chunks is copied), a plain JSON string line is read in place, and the
//! parts of an answer that only depend on the set (its version) were
//! serialized once per set (`crate::answers::Prepared`).

use axum::body::{Body, BodyDataStream};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use walletscreen::Date;

use std::borrow::Cow;

use crate::error::{ApiError, ErrorCode};
use crate::lists::Current;
use crate::metrics::Endpoint;
use crate::routes::check::write_answer;
use crate::state::AppState;

struct Reader {
    input: BodyDataStream,
    /// The start of a line whose end has not arrived yet.
    buf: Vec<u8>,
    line: u64,
    done: bool,
    state: AppState,
    as_of: Option<Date>,
    /// The list set the current chunk is answered from.
    current: Current,
    /// The first read of the body, made before answering (see [`respond`]).
    first: Option<Next>,
}

/// One read of the body: a chunk, its end, an error, or a wait past
/// `--request-timeout`.
type Next = Result<Option<Result<Bytes, axum::Error>>, tokio::time::error::Elapsed>;

#[derive(Deserialize)]
struct Item {
    address: String,
}

/// The streaming answer to an NDJSON body.
///
/// The body's first chunk is read before the answer starts: a client that
/// sent `Expect: 100-continue` (curl does for bodies over 1 MiB, and so do
/// .NET's and Java's clients) sends the body only after `100 Continue`,
/// which hyper writes when the body is first read, if the answer's head
/// has not gone out yet. Answering first would leave such a client waiting
/// for its own timeout (a second, in curl) before it sends anything.
pub async fn respond(state: AppState, as_of: Option<Date>, body: Body) -> Response {
    let mut input = body.into_data_stream();
    let first = tokio::time::timeout(state.limits.request_timeout, input.next()).await;
    let reader = Reader {
        input,
        buf: Vec::new(),
        line: 0,
        done: false,
        current: state.lists.current(),
        first: Some(first),
        state,
        as_of,
    };
    // The answers are made by a task of their own, a few chunks ahead of
    // the client (a bounded channel: constant memory), so that reading the
    // next input, answering it and writing the answers so far overlap
    // instead of taking turns.
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(AHEAD);
    tokio::spawn(reader.run(tx));
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        )],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Answer chunks made ahead of the client.
const AHEAD: usize = 4;

impl Reader {
    /// Reads the body and sends its answers, chunk by chunk, until the
    /// body ends, fails or stalls, or the client is gone.
    async fn run(mut self, tx: tokio::sync::mpsc::Sender<Bytes>) {
        while !self.done {
            let out = self.step().await;
            if !out.is_empty() && tx.send(Bytes::from(out)).await.is_err() {
                // The client is gone.
                return;
            }
        }
    }

    /// Reads the next chunk of the body and answers it (empty: nothing to
    /// answer yet); sets `done` at the end.
    async fn step(&mut self) -> Vec<u8> {
        let wait = self.state.limits.request_timeout;
        let mut out = Vec::new();
        let next = match self.first.take() {
            Some(first) => first,
            None => tokio::time::timeout(wait, self.input.next()).await,
        };
        match next {
            Err(_) => {
                self.done = true;
                error_line(
                    &mut out,
                    self.line + 1,
                    None,
                    &ApiError::new(
                        axum::http::StatusCode::REQUEST_TIMEOUT,
                        ErrorCode::Timeout,
                        format!("no input for {wait:?} (--request-timeout)"),
                    ),
                );
            }
            Ok(None) => {
                self.done = true;
                self.current = self.state.lists.current();
                let rest = std::mem::take(&mut self.buf);
                self.answer_line(&rest, &mut out);
            }
            Ok(Some(Err(e))) => {
                self.done = true;
                error_line(
                    &mut out,
                    self.line + 1,
                    None,
                    &ApiError::bad_request(format!("reading the body: {e}")),
                );
            }
            Ok(Some(Ok(chunk))) => {
                // About 200 bytes of answer per 45-byte line.
                out.reserve(chunk.len() * 5 + 256);
                self.current = self.state.lists.current();
                let complete = self.answer_chunk(&chunk, &mut out);
                if !complete || self.buf.len() as u64 > self.state.limits.max_body {
                    self.done = true;
                    let max = self.state.limits.max_body;
                    error_line(
                        &mut out,
                        self.line + 1,
                        None,
                        &ApiError::new(
                            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                            ErrorCode::PayloadTooLarge,
                            format!("a line longer than {max} bytes (--max-body)"),
                        ),
                    );
                }
            }
        }
        out
    }

    /// Answers every line that `chunk` completes (the first one may have
    /// begun in an earlier chunk) and keeps the incomplete rest; false (and
    /// the rest unanswered) at a line longer than `--max-body`.
    fn answer_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> bool {
        let max = self.state.limits.max_body;
        let mut rest = chunk;
        if !self.buf.is_empty() {
            // The end of the line begun earlier.
            let Some(nl) = memchr::memchr(b'\n', rest) else {
                self.buf.extend_from_slice(rest);
                return self.buf.len() as u64 <= max;
            };
            self.buf.extend_from_slice(&rest[..nl]);
            if self.buf.len() as u64 > max {
                return false;
            }
            let line = std::mem::take(&mut self.buf);
            self.answer_line(&line, out);
            // Keep the allocation for the next partial line.
            self.buf = line;
            self.buf.clear();
            rest = &rest[nl + 1..];
        }
        for line in memchr::Memchr::new(b'\n', rest).scan(0, |start, nl| {
            let line = &rest[*start..nl];
            *start = nl + 1;
            Some(line)
        }) {
            if line.len() as u64 > max {
                return false;
            }
            self.answer_line(line, out);
        }
        let tail = memchr::memrchr(b'\n', rest).map_or(rest, |nl| &rest[nl + 1..]);
        self.buf.extend_from_slice(tail);
        true
    }

    /// Answers one line (without its newline); a blank one is skipped.
    fn answer_line(&mut self, raw: &[u8], out: &mut Vec<u8>) {
        let raw = raw.trim_ascii();
        if raw.is_empty() {
            return;
        }
        self.line += 1;
        let n = self.line;
        let Ok(text) = std::str::from_utf8(raw) else {
            error_line(
                out,
                n,
                None,
                &ApiError::bad_request("the line is not UTF-8"),
            );
            return;
        };
        let address = match raw[0] {
            b'"' => match plain_json_string(text) {
                Some(s) => Ok(Cow::Borrowed(s)),
                None => serde_json::from_str::<String>(text)
                    .map(Cow::Owned)
                    .map_err(|e| e.to_string()),
            },
            b'{' => serde_json::from_str::<Item>(text)
                .map(|i| Cow::Owned(i.address))
                .map_err(|e| format!("expected {{\"address\": \"…\"}}: {e}")),
            _ => Ok(Cow::Borrowed(text)),
        };
        let address = match address {
            Ok(a) => a,
            Err(e) => {
                error_line(out, n, None, &ApiError::bad_request(e));
                return;
            }
        };
        match write_answer(
            out,
            &self.current,
            &address,
            self.as_of,
            &self.state.metrics,
            Endpoint::CheckStream,
        ) {
            Ok(_) => out.push(b'\n'),
            Err(e) => error_line(out, n, Some(&address), &e),
        }
    }
}

/// The content of a JSON string literal without escapes (`"…"`, nothing
/// after it), which is the string it means; `None` when it needs a JSON
/// parser (escapes, control characters, anything after the string).
fn plain_json_string(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)).then_some(inner)
}

/// `{"line": N, ["input": …,] "error": {"code", "message"}}` and a newline.
fn error_line(out: &mut Vec<u8>, line: u64, input: Option<&str>, e: &ApiError) {
    #[derive(serde::Serialize)]
    struct ErrorLine<'a> {
        line: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        input: Option<&'a str>,
        error: crate::error::ErrorDetail,
    }
    let v = ErrorLine {
        line,
        input,
        error: crate::error::ErrorDetail {
            code: e.code,
            message: e.message.clone(),
        },
    };
    // Plain data always serializes.
    let _ = serde_json::to_writer(&mut *out, &v);
    out.push(b'\n');
}
