//! Free-text scan: listed addresses inside transfer memos, support tickets,
//! logs. See [`Screener::scan`].
//!
//! # How it works
//!
//! * **Patterns.** Every key the screener indexes, spelled out: the listed
//!   spellings and every indexed equivalent (the legacy form of a listed
//!   CashAddr and the reverse, the `41…` hex form of a TRON address and the
//!   reverse, corrected look-alike spellings). EVM keys become 40 hex
//!   digits, TRON hex keys 42, CashAddr keys their payload (the part after
//!   `bitcoincash:`), bech32 keys their lower-case text: these go into an
//!   ASCII case-insensitive Aho-Corasick automaton. Base58 keys (Bitcoin
//!   legacy, TRON, XRP, Solana, Monero, ...) and opaque keys go into a
//!   case-sensitive one. Both are `aho-corasick` contiguous NFAs, anchored,
//!   leftmost-longest. Opaque list entries containing anything but ASCII
//!   letters and digits are not scanned for (no known address format has
//!   such characters). Two spellings are no pattern, because they are
//!   mapped when a query is keyed rather than indexed: XRP X-addresses (a
//!   tag varies) and Ethereum ICAPs. A token of their shape (47 characters
//!   starting `X` or `T`; 34–35 starting `XE`) goes straight to
//!   confirmation when the screener holds an XRP classic address or an EVM
//!   address, respectively.
//! * **Tokens and boundaries.** A match is a whole *token*: a maximal run of
//!   ASCII letters and digits. The byte before and the byte after a match is
//!   not an ASCII letter or digit (start and end of text, punctuation,
//!   whitespace, any non-ASCII character, and `_`, all count as
//!   boundaries). An address inside a longer alphanumeric token is not a
//!   match. `_` is a boundary on purpose: in `wallet_0x…` the address is
//!   still the address, and every match is a confirmed listed address, so
//!   recall wins. Two spellings extend a token to the left: `0x`/`0X`
//!   before 40 hex digits (the token `0x…` itself), and a CashAddr prefix
//!   (`bitcoincash:`, `bchtest:`, `bchreg:`, any case) before a CashAddr
//!   payload, which becomes part of the span. (When the prefixed spelling
//!   is no hit but the bare payload is, e.g. `bchtest:` before a listed
//!   mainnet payload, the match is the bare payload.)
//! * **Candidates.** A pre-pass skips text that cannot hold a match: tokens
//!   shorter than the shortest pattern or longer than the longest (+2 for
//!   `0x`) are never looked at. It probes one byte per *shortest pattern
//!   length* and walks back to the start of the word, so prose made of
//!   short words is crossed at a few bytes read per 20–40 bytes of text.
//!   Each remaining token goes through a fingerprint filter (one bit per
//!   pattern, from its length and its first and last 8 bytes, case-folded
//!   for the case-insensitive patterns; ~3 % false positives), which keeps
//!   most tokens that match nothing (transaction hashes, ids, unlisted
//!   addresses) away from the automatons and their cache misses. A token
//!   that passes is matched, anchored at its start (and after a `0x`), by
//!   the automatons; a match must cover the whole token.
//! * **Confirmation.** Every candidate span is then screened with
//!   [`Screener::check`], the same normalize → classify → key path as any
//!   query, and only a [`Verdict::Hit`] is returned.
//!   Every scan match is therefore a `check` hit on its own span.
//!
//! The automatons are built on the first call to [`Screener::scan`] (or
//! [`Screener::scan_memory`]) and kept inside the compiled screener: a
//! screener that is never asked to scan pays nothing, in build time or in
//! memory, and [`Screener::check`] does not change at all. Building takes
//! milliseconds for the bundled lists and about a second for 100,000
//! entries; see `BENCHMARKS.md` for time and memory.
//!
//! Addresses written with invisible characters or full-width letters inside
//! them, which [`Screener::check`] normalizes away, are not found by a scan:
//! a scan looks for ASCII spellings.

use std::ops::Range;

use serde::Serialize;

use crate::address;
use crate::index::ScanIndex;
use crate::screener::{Hit, Screener, Verdict};

/// One listed address found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanMatch<'t> {
    /// Byte range of the match in the scanned text (a `0x` or a CashAddr
    /// prefix included).
    pub span: Range<usize>,
    /// The matched text: `&text[span]`.
    pub text: &'t str,
    /// What [`Screener::check`] says of `text`: every listed entry it
    /// matched, with provenance.
    pub hit: Hit,
}

/// Whether `b` can be part of a token.
#[inline(always)]
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The next token of `min..=max` bytes at or after `from`, where `from` is
/// 0 or follows a non-token byte.
#[inline]
fn next_token(b: &[u8], mut from: usize, min: usize, max: usize) -> Option<Range<usize>> {
    debug_assert!(min >= 1);
    let n = b.len();
    loop {
        // Invariant: `from` is 0 or `b[from - 1]` is not a token byte. A
        // token of at least `min` bytes starting in `from..=probe` covers
        // `probe`.
        let probe = from.checked_add(min - 1)?;
        if probe >= n {
            return None;
        }
        if !is_token_byte(b[probe]) {
            from = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > from && is_token_byte(b[start - 1]) {
            start -= 1;
        }
        if start > from {
            // b[start - 1] is a boundary: a token may start at `start`.
            from = start;
            continue;
        }
        // b[from..=probe] are token bytes and `from` starts a token.
        let mut end = probe + 1;
        while end < n && is_token_byte(b[end]) {
            end += 1;
        }
        if end - from <= max {
            return Some(from..end);
        }
        from = end;
    }
}

/// Iterator over the listed addresses of a text: see [`Screener::scan`].
#[derive(Debug)]
pub struct Scan<'s, 't> {
    screener: &'s Screener,
    index: &'s ScanIndex,
    text: &'t str,
    pos: usize,
}

/// CashAddr prefixes that may precede a payload (compared case-insensitively).
const CASHADDR_PREFIXES: [&[u8]; 3] = [b"bitcoincash", b"bchtest", b"bchreg"];

impl<'t> Scan<'_, 't> {
    /// The span to confirm for the token `tok`, if a pattern covers it,
    /// and for a prefixed CashAddr the bare payload too.
    fn candidate(&self, tok: Range<usize>) -> Option<(Range<usize>, Option<Range<usize>>)> {
        let b = self.text.as_bytes();
        let idx = self.index;
        if idx.matches_whole(b, tok.clone(), false) {
            // A CashAddr payload may carry its prefix: `bitcoincash:q…`.
            let start = tok.start;
            if start >= 2 && b[start - 1] == b':' {
                let mut p = start - 1;
                while p > 0 && is_token_byte(b[p - 1]) {
                    p -= 1;
                }
                let scheme = &b[p..start - 1];
                if CASHADDR_PREFIXES
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(scheme))
                {
                    return Some((p..tok.end, Some(tok)));
                }
            }
            return Some((tok, None));
        }
        // Spellings mapped when keyed: `check` decides.
        let t = &b[tok.clone()];
        if (idx.x_addresses && address::xrp::looks_like_x(t))
            || (idx.icaps && address::icap::looks_like(t))
        {
            return Some((tok, None));
        }
        // `0x` + 40 hex digits: the hex part is the pattern, the span keeps
        // the `0x`.
        let hex = tok.start + 2;
        let zero_x =
            tok.len() > 2 && b[tok.start] == b'0' && matches!(b[tok.start + 1], b'x' | b'X');
        (zero_x && idx.matches_whole(b, hex..tok.end, true)).then_some((tok, None))
    }
}

impl<'t> Iterator for Scan<'_, 't> {
    type Item = ScanMatch<'t>;

    fn next(&mut self) -> Option<ScanMatch<'t>> {
        let b = self.text.as_bytes();
        let (min, max) = (self.index.min_len, self.index.max_len.saturating_add(2));
        if min == usize::MAX {
            return None;
        }
        while let Some(tok) = next_token(b, self.pos, min, max) {
            self.pos = tok.end;
            let Some((span, bare)) = self.candidate(tok) else {
                continue;
            };
            // `bchtest:ADDR` with ADDR listed as a mainnet CashAddr is
            // reported on ADDR alone.
            for span in std::iter::once(span).chain(bare) {
                // Token bounds are ASCII bytes (or the ends of the text),
                // so the span is on character boundaries.
                let Some(text) = self.text.get(span.clone()) else {
                    continue;
                };
                if let Verdict::Hit(hit) = self.screener.check(text) {
                    return Some(ScanMatch { span, text, hit });
                }
            }
        }
        self.pos = b.len();
        None
    }
}

impl std::iter::FusedIterator for Scan<'_, '_> {}

impl Screener {
    /// Finds the listed addresses in free text (transfer memos, support
    /// tickets, logs), in order, each with its byte span and the [`Hit`]
    /// that [`Screener::check`] gives for it.
    ///
    /// A match is a whole token (the bytes around it are no ASCII letter or
    /// digit); hex, bech32 and CashAddr addresses are found in any case, an
    /// EVM address with or without `0x`, a CashAddr with or without its
    /// prefix; every candidate is confirmed with [`Screener::check`]. The
    /// matcher (Aho-Corasick over every indexed spelling) is built on the
    /// first call. Details: the [`scan`](crate::scan) module.
    ///
    /// ```
    /// use walletscreen::Screener;
    /// let s = Screener::bundled()?;
    /// let memo = "refund to 0x51E9D833ECAE4E8D9D8BE17300AEE6D3398C135D, thanks! (not 0x51e9d833ecae4e8d9d8be17300aee6d3398c135dff)";
    /// let found: Vec<_> = s.scan(memo).collect();
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].span, 10..52);
    /// assert_eq!(found[0].hit.matches().next().unwrap().list(), "fbi-dprk");
    /// # Ok::<(), walletscreen::BuildError>(())
    /// ```
    pub fn scan<'s, 't>(&'s self, text: &'t str) -> Scan<'s, 't> {
        Scan {
            screener: self,
            index: self.scan_index(),
            text,
            pos: 0,
        }
    }

    /// Heap bytes of the scan automatons (building them if
    /// [`Screener::scan`] has not yet).
    pub fn scan_memory(&self) -> usize {
        self.scan_index().memory()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str, min: usize, max: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(t) = next_token(s.as_bytes(), pos, min, max) {
            pos = t.end;
            out.push(&s[t]);
        }
        out
    }

    #[test]
    fn next_token_finds_runs_of_the_right_length() {
        let cases: &[(&str, &str, usize, usize, &[&str])] = &[
            ("empty", "", 3, 5, &[]),
            ("short words", "a bb ccc dd", 3, 5, &["ccc"]),
            ("too long", "abcdefgh x abcd", 3, 5, &["abcd"]),
            ("at ends", "abc-de-fgh", 3, 5, &["abc", "fgh"]),
            ("whole text", "abcd", 3, 5, &["abcd"]),
            ("underscore splits", "abc_def", 3, 5, &["abc", "def"]),
            ("non-ascii splits", "abcé€def", 3, 5, &["abc", "def"]),
            ("min 1", "a b", 1, 1, &["a", "b"]),
        ];
        for (name, text, min, max, want) in cases {
            assert_eq!(&tokens(text, *min, *max), want, "{name}");
        }
    }
}
