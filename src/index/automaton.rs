//! The scan automatons: every key of an index spelled out and compiled
//! into Aho-Corasick automatons (with a fingerprint filter in front), which
//! [`Screener::scan`](crate::Screener::scan) runs over free text. They
//! belong to the compiled screener (built on the first scan and kept), and
//! know nothing of the screener itself.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::address::{self, tag};

/// The automatons of [`Screener::scan`](crate::Screener::scan), built once
/// per compiled screener from its keys.
pub(crate) struct ScanIndex {
    /// Hex (EVM, TRON), bech32 and CashAddr payload spellings, lower-case.
    pub(crate) insensitive: Option<AhoCorasick>,
    /// Base58 and opaque spellings, exact.
    pub(crate) sensitive: Option<AhoCorasick>,
    /// Shortest and longest pattern, in bytes.
    pub(crate) min_len: usize,
    pub(crate) max_len: usize,
    /// One bit per [`fingerprint`] of every pattern (case-folded for the
    /// insensitive ones): a token whose fingerprint bit is clear cannot
    /// match, and the automatons are not run on it.
    pub(crate) filter: Vec<u64>,
    /// `log2` of the filter's size in bits.
    pub(crate) filter_bits: u32,
    /// Tokens shaped like an X-address are confirmed (some key is an XRP
    /// classic address).
    pub(crate) x_addresses: bool,
    /// Tokens shaped like an ICAP are confirmed (some key is an EVM
    /// address).
    pub(crate) icaps: bool,
}

impl std::fmt::Debug for ScanIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanIndex")
            .field("min_len", &self.min_len)
            .field("max_len", &self.max_len)
            .field("heap_bytes", &self.heap_bytes())
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
        // each takes seconds. Where no thread can be started
        // (wasm32-unknown-unknown), one after the other.
        let (insensitive, sensitive) = std::thread::scope(|scope| {
            let folded = std::thread::Builder::new()
                .spawn_scoped(scope, || automaton(&insensitive, true))
                .ok();
            let exact = automaton(&sensitive, false);
            let folded = folded
                .and_then(|t| t.join().ok())
                .unwrap_or_else(|| automaton(&insensitive, true));
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
    pub(crate) fn may_match(&self, part: &[u8], folded: bool) -> bool {
        let bit = fingerprint(part, folded, self.filter_bits);
        self.filter[(bit >> 6) as usize] & (1 << (bit & 63)) != 0
    }

    /// Heap bytes of the automatons.
    pub(crate) fn heap_bytes(&self) -> usize {
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
    pub(crate) fn matches_whole(&self, text: &[u8], range: Range<usize>, hex_only: bool) -> bool {
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
