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

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use serde::Serialize;

use crate::address::{self, tag};
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

/// The automatons of [`Screener::scan`], built once per compiled screener.
pub(crate) struct ScanIndex {
    /// Hex (EVM, TRON), bech32 and CashAddr payload spellings, lower-case.
    insensitive: Option<AhoCorasick>,
    /// Base58 and opaque spellings, exact.
    sensitive: Option<AhoCorasick>,
    /// Shortest and longest pattern, in bytes.
    min_len: usize,
    max_len: usize,
    /// One bit per [`fingerprint`] of every pattern (case-folded for the
    /// insensitive ones): a token whose fingerprint bit is clear cannot
    /// match, and the automatons are not run on it.
    filter: Vec<u64>,
    /// `log2` of the filter's size in bits.
    filter_bits: u32,
    /// Tokens shaped like an X-address are confirmed (some key is an XRP
    /// classic address).
    x_addresses: bool,
    /// Tokens shaped like an ICAP are confirmed (some key is an EVM
    /// address).
    icaps: bool,
}

impl std::fmt::Debug for ScanIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanIndex")
            .field("min_len", &self.min_len)
            .field("max_len", &self.max_len)
            .field("memory", &self.memory())
            .finish()
    }
}

impl ScanIndex {
    /// Spells out every key of `screener` and builds the automatons.
    pub(crate) fn build<'a>(keys: impl Iterator<Item = (u8, &'a [u8])>) -> ScanIndex {
        let mut insensitive: Vec<Vec<u8>> = Vec::new();
        let mut sensitive: Vec<Vec<u8>> = Vec::new();
        let (mut x_addresses, mut icaps) = (false, false);
        for (t, payload) in keys {
            icaps |= t == tag::EVM;
            x_addresses |= t == tag::BASE58 && address::xrp::is_classic(payload);
            let (spelling, folded) = match t {
                tag::EVM | tag::TRON_HEX => {
                    (address::evm::Hex(payload).to_string().into_bytes(), true)
                }
                tag::BECH32 => (payload.to_vec(), true),
                // The first byte is the prefix's index; the payload follows.
                tag::CASHADDR => (payload.get(1..).unwrap_or_default().to_vec(), true),
                _ => (payload.to_vec(), false),
            };
            if spelling.is_empty() || !spelling.iter().all(u8::is_ascii_alphanumeric) {
                continue;
            }
            if folded {
                insensitive.push(spelling);
            } else {
                sensitive.push(spelling);
            }
        }
        let lens = insensitive.iter().chain(&sensitive).map(Vec::len);
        let mut min_len = lens.clone().min().unwrap_or(usize::MAX);
        let mut max_len = lens.max().unwrap_or(0);
        // The tokens confirmed without a pattern must pass the pre-pass.
        if x_addresses {
            max_len = max_len.max(address::xrp::X_LEN);
        }
        if icaps {
            min_len = min_len.min(address::icap::MIN_LEN);
        }
        // 16 to 32 bits per pattern: ~3 % of the tokens that match no
        // pattern still reach the automatons.
        let count = insensitive.len() + sensitive.len();
        let filter_bits = (count.max(64) * 16).next_power_of_two().trailing_zeros();
        let mut filter = vec![0u64; 1 << (filter_bits - 6)];
        let patterns = [(&insensitive, true), (&sensitive, false)];
        for (set, folded) in patterns {
            for p in set {
                let bit = fingerprint(p, folded, filter_bits);
                filter[(bit >> 6) as usize] |= 1 << (bit & 63);
            }
        }
        // The two automatons are built side by side: for 100,000 entries
        // each takes seconds.
        let (insensitive, sensitive) = std::thread::scope(|scope| {
            let folded = scope.spawn(|| automaton(&insensitive, true));
            let exact = automaton(&sensitive, false);
            let folded = folded
                .join()
                .unwrap_or_else(|_| automaton(&insensitive, true));
            (folded, exact)
        });
        ScanIndex {
            insensitive,
            sensitive,
            min_len,
            max_len,
            filter,
            filter_bits,
            x_addresses,
            icaps,
        }
    }

    /// Whether some pattern may spell `part` (case-folded or exactly).
    #[inline]
    fn may_match(&self, part: &[u8], folded: bool) -> bool {
        let bit = fingerprint(part, folded, self.filter_bits);
        self.filter[(bit >> 6) as usize] & (1 << (bit & 63)) != 0
    }

    /// Heap bytes of the automatons.
    pub(crate) fn memory(&self) -> usize {
        let automatons: usize = [&self.insensitive, &self.sensitive]
            .into_iter()
            .flatten()
            .map(AhoCorasick::memory_usage)
            .sum();
        automatons + 8 * self.filter.len()
    }

    /// Whether a pattern spells exactly `text[range]`: the insensitive
    /// automaton, and unless `hex_only` the sensitive one, each only when
    /// the fingerprint filter lets the token through.
    fn matches_whole(&self, text: &[u8], range: Range<usize>, hex_only: bool) -> bool {
        let part = &text[range.clone()];
        let end = range.end;
        let input = Input::new(text).range(range).anchored(Anchored::Yes);
        let run = |ac: &Option<AhoCorasick>| {
            ac.as_ref().is_some_and(
                |ac| matches!(ac.try_find(input.clone()), Ok(Some(m)) if m.end() == end),
            )
        };
        (self.may_match(part, true) && run(&self.insensitive))
            || (!hex_only && self.may_match(part, false) && run(&self.sensitive))
    }
}

/// A bit index in `0..1 << bits` for a pattern or token: from its length,
/// its first 8 and its last 8 bytes (zero-padded when shorter), ASCII
/// case-folded when `folded` (the bytes are letters and digits, for which
/// `| 0x20` folds case and changes nothing else).
#[inline]
fn fingerprint(b: &[u8], folded: bool, bits: u32) -> u64 {
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        let n = s.len().min(8);
        w[..n].copy_from_slice(&s[..n]);
        u64::from_le_bytes(w)
    };
    let fold = if folded { 0x2020_2020_2020_2020 } else { 0 };
    let head = word(b) | fold;
    let tail = word(&b[b.len().saturating_sub(8)..]) | fold;
    let mut h = head ^ tail.rotate_left(31) ^ ((b.len() as u64) << 56) ^ u64::from(folded);
    h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= h >> 32;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h >> (64 - bits)
}

fn automaton(patterns: &[Vec<u8>], case_insensitive: bool) -> Option<AhoCorasick> {
    if patterns.is_empty() {
        return None;
    }
    // Patterns are ASCII letters and digits, a few tens of bytes: the
    // builder cannot fail on them (it fails only past u32 state ids).
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Anchored)
        .ascii_case_insensitive(case_insensitive)
        .prefilter(false)
        .build(patterns)
        .ok()
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
    /// assert_eq!(found[0].hit.matches()[0].list.as_ref(), "fbi-dprk");
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
