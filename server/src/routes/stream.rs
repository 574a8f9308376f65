//! Native `POST /v1/check` with `Content-Type: application/x-ndjson`: any
//! number of lines in, one native answer per line out, in order, as the
//! body arrives, in constant memory (one input chunk and its answers at a
//! time; the next chunk is read only when the client has taken the
//! answers).
//!
//! A line is a JSON string (`"0x…"`), a JSON object with `address`, or a
//! bare address; blank lines are skipped. A line that cannot be read, or
//! a clear answer refused in strict mode, answers
//! `{"line": N, "error": {"code", "message"}}` and the stream goes on. A
//! line longer than `--max-body`, a wait for input longer than
//! `--request-timeout` or a broken body ends the stream with such a line.
//! Each line is answered from the list set current when it is read (its
//! answer carries that set's `list_set`).

use axum::body::{Body, BodyDataStream};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use walletscreen::Date;

use crate::error::{ApiError, ErrorCode};
use crate::metrics::Endpoint;
use crate::routes::check::write_answer;
use crate::state::AppState;

struct Reader {
    input: BodyDataStream,
    buf: Vec<u8>,
    line: u64,
    done: bool,
    state: AppState,
    as_of: Option<Date>,
}

#[derive(Deserialize)]
struct Item {
    address: String,
}

/// The streaming answer to an NDJSON body.
pub fn respond(state: AppState, as_of: Option<Date>, body: Body) -> Response {
    let reader = Reader {
        input: body.into_data_stream(),
        buf: Vec::new(),
        line: 0,
        done: false,
        state,
        as_of,
    };
    let stream = futures_util::stream::unfold(reader, |mut r| async move {
        if r.done {
            return None;
        }
        let wait = r.state.limits.request_timeout;
        loop {
            let mut out = Vec::new();
            match tokio::time::timeout(wait, r.input.next()).await {
                Err(_) => {
                    r.done = true;
                    error_line(
                        &mut out,
                        r.line + 1,
                        None,
                        &ApiError::new(
                            axum::http::StatusCode::REQUEST_TIMEOUT,
                            ErrorCode::Timeout,
                            format!("no input for {wait:?} (--request-timeout)"),
                        ),
                    );
                }
                Ok(None) => {
                    r.done = true;
                    let rest = std::mem::take(&mut r.buf);
                    r.answer_line(&rest, &mut out);
                }
                Ok(Some(Err(e))) => {
                    r.done = true;
                    error_line(
                        &mut out,
                        r.line + 1,
                        None,
                        &ApiError::bad_request(format!("reading the body: {e}")),
                    );
                }
                Ok(Some(Ok(chunk))) => {
                    r.buf.extend_from_slice(&chunk);
                    let complete = r.answer_lines(&mut out);
                    if !complete || r.buf.len() as u64 > r.state.limits.max_body {
                        r.done = true;
                        let max = r.state.limits.max_body;
                        error_line(
                            &mut out,
                            r.line + 1,
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
            if !out.is_empty() {
                return Some((Ok::<Bytes, std::convert::Infallible>(Bytes::from(out)), r));
            }
            if r.done {
                return None;
            }
        }
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

impl Reader {
    /// Answers every complete line of the buffer and keeps the rest; false
    /// (and the rest unanswered) at a line longer than `--max-body`.
    fn answer_lines(&mut self, out: &mut Vec<u8>) -> bool {
        let mut start = 0;
        let buf = std::mem::take(&mut self.buf);
        let max = self.state.limits.max_body;
        let mut complete = true;
        while let Some(nl) = buf[start..].iter().position(|&b| b == b'\n') {
            if nl as u64 > max {
                complete = false;
                break;
            }
            self.answer_line(&buf[start..start + nl], out);
            start += nl + 1;
        }
        self.buf = buf;
        self.buf.drain(..start);
        complete
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
            b'"' => serde_json::from_str::<String>(text).map_err(|e| e.to_string()),
            b'{' => serde_json::from_str::<Item>(text)
                .map(|i| i.address)
                .map_err(|e| format!("expected {{\"address\": \"…\"}}: {e}")),
            _ => Ok(text.to_owned()),
        };
        let address = match address {
            Ok(a) => a,
            Err(e) => {
                error_line(out, n, None, &ApiError::bad_request(e));
                return;
            }
        };
        // One list set per line at least; loading it is one atomic load.
        let current = self.state.lists.current();
        match write_answer(
            out,
            &current,
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
