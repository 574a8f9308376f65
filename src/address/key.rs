//! Keying: the one pass from a query's text to its key (tag and
//! payload), in a caller's scratch buffer, without allocating.

use super::error::ParseError;
use super::normalize::{clean, is_ignorable};
use super::types::{Family, MAX_INPUT, MAX_LEN};
use super::uri::{CASHADDR_DEFAULT_PREFIX, split_uri, strip_uri};
use super::{base58check, bech32, cashaddr, evm, icap, monero, xrp};

/// Key tags: the first byte of every key, one per key space.
pub(crate) mod tag {
    pub const EVM: u8 = b'e';
    pub const TRON_HEX: u8 = b't';
    pub const BASE58: u8 = b'b';
    pub const BECH32: u8 = b's';
    pub const CASHADDR: u8 = b'c';
    pub const OPAQUE: u8 = b'o';
}

/// Stack space for normalization and keys: nothing on the query path
/// allocates.
pub(crate) struct Scratch {
    text: [u8; MAX_LEN],
    key: [u8; MAX_LEN],
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch {
            text: [0; MAX_LEN],
            key: [0; MAX_LEN],
        }
    }
}

/// A classified, keyed string.
#[derive(Debug)]
pub(crate) struct Keyed<'a> {
    /// The family recognized from the shape.
    pub family: Family,
    /// Key space.
    pub tag: u8,
    /// Key bytes.
    pub payload: &'a [u8],
    /// Normalized address text (URI scheme stripped, CashAddr prefix kept).
    pub text: &'a str,
    /// For an opaque string longer than [`MAX_LEN`]: its cleaned length.
    /// Kept instead of a `ParseError` so that the struct stays small on the
    /// hot path; [`Keyed::error`] builds the error when it is asked for.
    too_long: Option<usize>,
}

impl Keyed<'_> {
    /// Why the string is no known format (meaningful for
    /// `family == Opaque` only).
    pub fn error(&self) -> ParseError {
        if let Some(len) = self.too_long {
            return ParseError::TooLong { len, max: MAX_LEN };
        }
        let (prefix, text) = strip_uri(self.text);
        super::opaque::reason(prefix, text)
    }
}

/// Classifies and keys `input`. `Err` means the input can match nothing
/// (empty, or longer than [`MAX_INPUT`]); an unknown format is `Ok` with
/// `family == Opaque`, since a list may hold such a string verbatim.
#[inline(always)]
pub(crate) fn key<'a>(input: &'a str, scratch: &'a mut Scratch) -> Result<Keyed<'a>, ParseError> {
    let b = input.as_bytes();
    // Fast path, the usual query: printable ASCII without a URI scheme. One
    // branch-free pass (it vectorizes) decides; `clean` and `strip_uri` would
    // return the input unchanged.
    if !b.is_empty() && b.len() <= MAX_LEN {
        let class = byte_classes(b);
        if class & NON_PRINTABLE == 0 {
            // What `key_slow` does with printable input of at most
            // `MAX_LEN` bytes: `clean` returns it as is.
            if class & COLON == 0 {
                return Ok(match classify(None, input, &mut scratch.key) {
                    Some(k) => k,
                    None => opaque(input, None),
                });
            }
            // A CashAddr prefix is tried first on the whole rest: a query
            // (`?amount=…`) is rare and cannot pass the CashAddr charset
            // test, so the search for one is only made when that fails.
            let (mut prefix, mut text) = split_uri(input, true);
            if let Some((id, len)) = prefix {
                if let Some((n, _)) = cashaddr_key(id, text.as_bytes(), &mut scratch.key) {
                    return Ok(Keyed {
                        family: Family::CashAddr,
                        tag: tag::CASHADDR,
                        payload: &scratch.key[..n],
                        text: &input[..len + 1 + text.len()],
                        too_long: None,
                    });
                }
                (prefix, text) = split_uri(input, false);
            }
            return Ok(
                match classify(prefix.map(|p| p.0), text, &mut scratch.key) {
                    Some(mut k) => {
                        if let Some((_, len)) = prefix {
                            k.text = &input[..len + 1 + text.len()];
                        }
                        k
                    }
                    None => opaque(input, None),
                },
            );
        }
    }
    key_slow(input, scratch)
}

pub(super) fn opaque(text: &str, too_long: Option<usize>) -> Keyed<'_> {
    Keyed {
        family: Family::Opaque,
        tag: tag::OPAQUE,
        payload: text.as_bytes(),
        text,
        too_long,
    }
}

/// Bit of [`byte_classes`]: some byte is not printable ASCII (`!` to `~`).
pub(super) const NON_PRINTABLE: u8 = 1;
/// Bit of [`byte_classes`]: some byte is `:`.
pub(super) const COLON: u8 = 2;

/// The `or` of `f` over the bytes of `b`, in a form that vectorizes:
/// 16-byte blocks, the last one overlapping the one before (reading a byte
/// twice changes no `or`), so there is no scalar tail. The per-byte tests
/// of the query path (classes, alphabets, case) all go through it.
#[inline(always)]
pub(crate) fn or_bytes(b: &[u8], f: impl Fn(u8) -> u8) -> u8 {
    let Some(last) = b.last_chunk::<16>() else {
        return b.iter().fold(0, |acc, &c| acc | f(c));
    };
    // A function rather than a closure: a closure here was no longer
    // inlined once `classify` grew (issue 13), which cost ~30 instructions
    // per base58 query (callgrind, BENCHMARKS.md).
    #[inline(always)]
    fn add(acc: &mut [u8; 16], block: &[u8; 16], f: &impl Fn(u8) -> u8) {
        for (a, &c) in acc.iter_mut().zip(block) {
            *a |= f(c);
        }
    }
    let mut acc = [0u8; 16];
    for block in b.as_chunks::<16>().0 {
        add(&mut acc, block, &f);
    }
    add(&mut acc, last, &f);
    acc.iter().fold(0, |x, &a| x | a)
}

/// [`NON_PRINTABLE`] and [`COLON`] of `b`: this runs on every query.
#[inline]
pub(super) fn byte_classes(b: &[u8]) -> u8 {
    or_bytes(b, |c| {
        u8::from(c.wrapping_sub(0x21) >= 0x7f - 0x21) | (u8::from(c == b':') << 1)
    })
}

/// True if every byte is printable ASCII.
#[inline]
pub(super) fn is_printable(b: &[u8]) -> bool {
    byte_classes(b) & NON_PRINTABLE == 0
}

/// [`key`] for input that needs cleaning or carries a URI scheme.
#[cold]
pub(super) fn key_slow<'a>(
    input: &'a str,
    scratch: &'a mut Scratch,
) -> Result<Keyed<'a>, ParseError> {
    if input.len() > MAX_INPUT {
        return Err(ParseError::TooLong {
            len: input.len(),
            max: MAX_INPUT,
        });
    }
    let Scratch {
        text: text_buf,
        key: key_buf,
    } = scratch;
    let (cleaned, len) = clean(input, text_buf);
    if len == 0 {
        return Err(ParseError::Empty);
    }
    // Too long to be an address: exact match of the trimmed text.
    let too_long = || opaque(input.trim_matches(is_ignorable), Some(len));
    let Some(cleaned) = cleaned else {
        return Ok(too_long());
    };
    let (prefix, text) = split_uri(cleaned, false);
    // `MAX_LEN` bounds the address text, not a URI around it: a BIP-21 URI
    // with a label and a message is longer than any address.
    let long = len > MAX_LEN;
    if long && (text.len() > MAX_LEN || text.len() == cleaned.len()) {
        return Ok(too_long());
    }
    if let Some(mut k) = classify(prefix.map(|p| p.0), text, key_buf) {
        if let Some((_, len)) = prefix {
            // A CashAddr prefix is part of the address (its checksum covers
            // it): keep it in the text, as `cleaned[..]` spells it.
            k.text = &cleaned[..len + 1 + text.len()];
        }
        return Ok(k);
    }
    if long {
        return Ok(too_long());
    }
    Ok(opaque(cleaned, None))
}

/// Shape-only classification of normalized text. `None`: no known format.
#[inline(always)]
pub(super) fn classify<'a>(
    cash_prefix: Option<u8>,
    text: &'a str,
    key_buf: &'a mut [u8; MAX_LEN],
) -> Option<Keyed<'a>> {
    let b = text.as_bytes();
    let keyed = |family, tag, payload| {
        Some(Keyed {
            family,
            tag,
            payload,
            text,
            too_long: None,
        })
    };
    if let Some(prefix) = cash_prefix {
        let (n, _) = cashaddr_key(prefix, b, key_buf)?;
        return keyed(Family::CashAddr, tag::CASHADDR, &key_buf[..n]);
    }
    match b {
        [b'0', b'x' | b'X', hex @ ..] | hex if hex.len() == 40 => {
            let out: &mut [u8; 20] = (&mut key_buf[..20]).try_into().ok()?;
            if evm::decode_hex(hex, out) {
                return keyed(Family::Evm, tag::EVM, &key_buf[..20]);
            }
        }
        [b'4', b'1', ..] if b.len() == 42 => {
            let out: &mut [u8; 21] = (&mut key_buf[..21]).try_into().ok()?;
            if evm::decode_hex(b, out) {
                return keyed(Family::TronHex, tag::TRON_HEX, &key_buf[..21]);
            }
        }
        _ => {}
    }
    // A mixed-case string cannot be a valid bech32 address, but is the usual
    // spelling of a base58 one: a base58check address that happens to start
    // like a bech32 hrp (TRON `TB1…`) must stay base58. Checked only in that
    // rare case, so the hot path still does no decoding.
    if let Some((n, case)) = bech32::lower_key(b, key_buf)
        && !(case == MIXED_CASE && base58check::looks_like(b) && base58check::checksum_ok(b))
    {
        return keyed(Family::Bech32, tag::BECH32, &key_buf[..n]);
    }
    if let Some(n) = bare_cashaddr_key(b, key_buf) {
        return keyed(Family::CashAddr, tag::CASHADDR, &key_buf[..n]);
    }
    // Before the base58 test: an ICAP may use base58 characters only.
    if icap::looks_like(b) && icap_key(b, key_buf) {
        return keyed(Family::Icap, tag::EVM, &key_buf[..20]);
    }
    if monero::looks_like(b) {
        return keyed(Family::Monero, tag::BASE58, b);
    }
    if base58check::looks_like(b) {
        return keyed(Family::Base58, tag::BASE58, b);
    }
    // Last: no other family has this shape, so no other query pays for it.
    if xrp::looks_like_x(b)
        && let Some(n) = xrp::x_key(b, key_buf)
    {
        return keyed(Family::XAddress, tag::BASE58, &key_buf[..n]);
    }
    None
}

/// Writes the EVM key of a direct ICAP into `key_buf[..20]`, if `b` is one
/// (check digits verified). A string that is also a valid base58check
/// address (a Dash `XE…` address, say) stays base58: the checksum is
/// computed only in that rare case.
#[inline(never)]
pub(super) fn icap_key(b: &[u8], key_buf: &mut [u8; MAX_LEN]) -> bool {
    let Ok(bytes) = icap::decode(b) else {
        return false;
    };
    if base58check::looks_like(b) && base58check::checksum_ok(b) {
        return false;
    }
    key_buf[..20].copy_from_slice(&bytes);
    true
}

/// Bit of the case bits [`lower_into`] returns: some lower-case letter.
pub(crate) const HAS_LOWER: u8 = 1;
/// Bit of the case bits [`lower_into`] returns: some upper-case letter.
pub(crate) const HAS_UPPER: u8 = 2;

/// Writes `b` lower-cased (ASCII) into `out`, which has its length, and
/// returns its case bits ([`HAS_LOWER`], [`HAS_UPPER`]): one pass in
/// 16-byte blocks, as [`or_bytes`] reads them (the last block is written
/// twice, with the same bytes).
#[inline(always)]
pub(crate) fn lower_into(b: &[u8], out: &mut [u8]) -> u8 {
    #[inline(always)]
    fn case(c: u8) -> u8 {
        u8::from(c.is_ascii_lowercase()) | u8::from(c.is_ascii_uppercase()) << 1
    }
    let n = b.len();
    let (Some(last), Some(out_last)) = (b.last_chunk::<16>(), out.get_mut(..n)) else {
        let mut bits = 0;
        for (o, &c) in out.iter_mut().zip(b) {
            bits |= case(c);
            *o = c.to_ascii_lowercase();
        }
        return bits;
    };
    let mut acc = [0u8; 16];
    let mut add = |block: &[u8; 16], out: &mut [u8; 16]| {
        for ((a, o), &c) in acc.iter_mut().zip(out).zip(block) {
            *a |= case(c);
            *o = c.to_ascii_lowercase();
        }
    };
    for (block, o) in b
        .as_chunks::<16>()
        .0
        .iter()
        .zip(out_last.as_chunks_mut::<16>().0)
    {
        add(block, o);
    }
    if let Some(o) = out_last.last_chunk_mut::<16>() {
        add(last, o);
    }
    acc.iter().fold(0, |x, &a| x | a)
}

pub(super) const MIXED_CASE: u8 = HAS_LOWER | HAS_UPPER;

/// Writes the CashAddr key: the index of the prefix in
/// [`CASHADDR_PREFIXES`](super::uri::CASHADDR_PREFIXES) (one byte, so that the prefix costs nothing to
/// hash), then the payload lower-cased; returns its length.
///
/// The payload's shape is checked after lower-casing, so a mixed-case
/// spelling (invalid per the spec, see [`parse`](fn@super::parse)) still finds its listed
/// address. `None`: not CashAddr-shaped.
#[inline]
pub(super) fn cashaddr_key(
    prefix: u8,
    payload: &[u8],
    key_buf: &mut [u8; MAX_LEN],
) -> Option<(usize, u8)> {
    let n = 1 + payload.len();
    let (first, out) = key_buf.get_mut(..n)?.split_first_mut()?;
    *first = prefix;
    let case = lower_into(payload, out);
    let bad = bech32::any_not_lower_data(out);
    (!bad && cashaddr::shape_fits(out)).then_some((n, case))
}

/// Keys a CashAddr written without prefix, if `b` is one. A uniform-case
/// spelling needs only its shape; a mixed-case one is CashAddr only if it
/// cannot be base58 or its CashAddr checksum verifies, so that a
/// 42-character Solana key is never taken for a CashAddr. The checksum is
/// computed only in that rare case.
#[inline]
pub(super) fn bare_cashaddr_key(b: &[u8], key_buf: &mut [u8; MAX_LEN]) -> Option<usize> {
    if !cashaddr::plausible_payload_len(b.len()) {
        return None;
    }
    let (n, case) = cashaddr_key(0, b, key_buf)?;
    let unambiguous = case != MIXED_CASE || !base58check::looks_like(b);
    let verified = || {
        std::str::from_utf8(&key_buf[1..n])
            .is_ok_and(|s| cashaddr::decode(s, CASHADDR_DEFAULT_PREFIX).is_ok())
    };
    (unambiguous || verified()).then_some(n)
}
