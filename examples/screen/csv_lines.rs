//! Physical line numbers of CSV records, and over-long lines cut before
//! the `csv` parser buffers them.
//!
//! The byte position where the `csv` crate says a record starts includes
//! the line breaks of the blank lines it skipped before it (and the `\n` of
//! a `\r\n`); [`CapState::line_at`] maps it to the physical line where the
//! record's text starts, from the breaks [`LineCap`] passed on.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::ops::Range;
use std::rc::Rc;

/// What [`LineCap`] saw.
#[derive(Default)]
pub struct CapState {
    /// Bytes of the current physical line so far.
    line_len: u64,
    /// Number of the current physical line.
    pub line: u64,
    /// Lines cut at `max_line`, with their full length (0 until known).
    truncated: VecDeque<(u64, u64)>,
    /// Bytes passed on since the reader last finished a record.
    pub since_record: usize,
    /// Offsets (in the bytes passed on) of the line breaks (`\n`: true,
    /// `\r`: false) not yet behind the parser, and how many newlines were
    /// before them.
    breaks: VecDeque<(u64, bool)>,
    newlines_before: u64,
    /// Bytes passed on.
    passed: u64,
}

impl CapState {
    /// The physical line of the first byte at or after `offset` (in the
    /// bytes passed on) that is no line break: where a record that the
    /// `csv` crate says starts at `offset` really starts (its position
    /// includes the line breaks of skipped blank lines, and the `\n` of a
    /// `\r\n`). Offsets must be asked in order.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        let mut at = offset;
        while let Some(&(pos, newline)) = self.breaks.front() {
            if pos > at {
                break;
            }
            if pos == at {
                at += 1;
            }
            self.breaks.pop_front();
            self.newlines_before += u64::from(newline);
        }
        self.newlines_before + 1
    }

    /// The length of a truncated line among `lines`, if any; forgets
    /// truncated lines before `lines`.
    pub fn truncated_in(&mut self, lines: Range<u64>) -> Option<u64> {
        while self
            .truncated
            .front()
            .is_some_and(|&(l, _)| l < lines.start)
        {
            self.truncated.pop_front();
        }
        self.truncated
            .iter()
            .find(|(l, _)| lines.contains(l))
            .map(|&(_, len)| len)
    }
}

/// Cuts physical lines at `max_line` bytes (so that the CSV parser never
/// buffers one absurd line), and fails when one record grows past
/// `max_record` (an unterminated quote would make the rest of the file one
/// record).
pub struct LineCap<R> {
    pub inner: R,
    pub max_line: usize,
    pub max_record: usize,
    pub state: Rc<RefCell<CapState>>,
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut st = self.state.borrow_mut();
        if st.line == 0 {
            st.line = 1;
        }
        if st.since_record > self.max_record {
            return Err(io::Error::other(format!(
                "a record longer than {} bytes starts before line {} (unterminated quote?); rest of the file skipped",
                self.max_record, st.line
            )));
        }
        loop {
            let n = self.inner.read(out)?;
            if n == 0 {
                if st.line_len > self.max_line as u64 {
                    let (line, len) = (st.line, st.line_len);
                    if let Some(t) = st.truncated.back_mut().filter(|t| t.0 == line) {
                        t.1 = len;
                    }
                }
                return Ok(0);
            }
            // Copy in place, dropping the bytes of over-long lines.
            let mut kept = 0;
            for i in 0..n {
                let b = out[i];
                if b == b'\n' {
                    if st.line_len > self.max_line as u64 {
                        let (line, len) = (st.line, st.line_len);
                        if let Some(t) = st.truncated.back_mut().filter(|t| t.0 == line) {
                            t.1 = len;
                        }
                    }
                    st.line += 1;
                    st.line_len = 0;
                    let at = st.passed + kept as u64;
                    st.breaks.push_back((at, true));
                    out[kept] = b;
                    kept += 1;
                    continue;
                }
                st.line_len += 1;
                if st.line_len <= self.max_line as u64 {
                    if b == b'\r' {
                        let at = st.passed + kept as u64;
                        st.breaks.push_back((at, false));
                    }
                    out[kept] = b;
                    kept += 1;
                } else if st.line_len == self.max_line as u64 + 1 {
                    let line = st.line;
                    st.truncated.push_back((line, 0));
                }
            }
            if kept > 0 {
                st.since_record += kept;
                st.passed += kept as u64;
                return Ok(kept);
            }
        }
    }
}

// -------------------------------------------------------------- worker
