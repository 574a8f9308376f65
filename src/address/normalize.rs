//! Normalization: whitespace, controls and invisible characters removed,
//! full-width ASCII folded ([`normalize`] is the public face of keying).

use super::error::ParseError;
use super::key::{Scratch, is_printable, key};
use super::types::MAX_LEN;
use super::uri::address_param;

/// Normalizes `input` as the screener does before keying it, and returns
/// the address text: the caller-facing view of step 1 of the module docs.
///
/// ```
/// use walletscreen::address::normalize;
/// assert_eq!(
///     normalize(" bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa?amount=1\u{200b}").unwrap(),
///     "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
/// );
/// ```
pub fn normalize(input: &str) -> Result<String, ParseError> {
    let mut scratch = Scratch::new();
    key(input, &mut scratch).map(|k| k.text.to_owned())
}

/// True for characters removed anywhere in an address: whitespace, controls
/// and invisible format characters (zero-width, bidi, BOM, variation
/// selectors, tags, Hangul fillers...).
pub(crate) fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// Step 1. Returns the cleaned text and the length in bytes of the whole
/// cleaned input.
///
/// The text is `input` itself when it is plain printable ASCII (of any
/// length: the caller bounds it), else a cleaned copy in `buf`. When the
/// whole cleaned input would not fit in `buf`, only its part before the
/// first `?` or `#` (a URI's query or fragment) and an EIP-681 `address`
/// parameter are cleaned ([`long_parts`]), which is all [`strip_uri`](super::uri::strip_uri) keeps
/// of a URI; the caller must then check that a URI scheme was indeed
/// stripped. `None`: that part does not fit either.
pub(super) fn clean<'a>(input: &'a str, buf: &'a mut [u8; MAX_LEN]) -> (Option<&'a str>, usize) {
    let bytes = input.as_bytes();
    if is_printable(bytes) {
        return (Some(input), bytes.len());
    }
    if bytes.is_ascii() {
        return clean_ascii(input, buf);
    }
    clean_chars(input, buf)
}

/// [`clean`] of ASCII input, byte by byte: the ignorable ASCII characters are
/// exactly the controls and the space (`<= 0x20` and `0x7f`), and nothing
/// ASCII folds.
pub(super) fn clean_ascii<'a>(
    input: &'a str,
    buf: &'a mut [u8; MAX_LEN],
) -> (Option<&'a str>, usize) {
    let kept = |c: &&u8| (0x21..0x7f).contains(*c);
    let len = input.bytes().filter(|c| kept(&c)).count();
    if len < MAX_LEN {
        // The usual case, branch-free: every byte is written at `n`, which
        // moves on past the kept ones only (a byte-by-byte filter
        // mispredicts on each space). `n <= len < MAX_LEN` throughout.
        let mut n = 0;
        for c in input.bytes() {
            if let Some(dst) = buf.get_mut(n) {
                *dst = c;
            }
            n += usize::from(kept(&&c));
        }
        return (std::str::from_utf8(&buf[..len]).ok(), len);
    }
    let parts = if len > MAX_LEN {
        long_parts(input)
    } else {
        [input, ""]
    };
    let mut n = 0;
    for (i, part) in parts.iter().enumerate() {
        let sep = (i == 1 && !part.is_empty()).then_some(&b'?');
        for &c in sep.into_iter().chain(part.as_bytes().iter().filter(kept)) {
            let Some(dst) = buf.get_mut(n) else {
                return (None, len);
            };
            *dst = c;
            n += 1;
        }
    }
    (std::str::from_utf8(&buf[..n]).ok(), len)
}

/// [`clean`] of any input, character by character.
pub(super) fn clean_chars<'a>(
    input: &'a str,
    buf: &'a mut [u8; MAX_LEN],
) -> (Option<&'a str>, usize) {
    let len: usize = input.chars().filter_map(fold).map(char::len_utf8).sum();
    let parts = if len > MAX_LEN {
        long_parts(input)
    } else {
        [input, ""]
    };
    let mut n = 0;
    for (i, part) in parts.iter().enumerate() {
        let sep = (i == 1 && !part.is_empty()).then_some('?');
        for c in sep.into_iter().chain(part.chars().filter_map(fold)) {
            let mut tmp = [0u8; 4];
            let enc = c.encode_utf8(&mut tmp).as_bytes();
            match buf.get_mut(n..n + enc.len()) {
                Some(dst) => dst.copy_from_slice(enc),
                None => return (None, len),
            }
            n += enc.len();
        }
    }
    // Only whole UTF-8 sequences were copied.
    (std::str::from_utf8(&buf[..n]).ok(), len)
}

/// What [`clean`] keeps of an input too long to clean whole: the part
/// before the first `?` or `#`, and the query's EIP-681 `address`
/// parameter (`address=VALUE`, written back after a `?`), which
/// [`split_uri`](super::uri::split_uri) screens instead of a function call's target. A typical
/// ERC-20 transfer URI is ~130 characters.
pub(super) fn long_parts(input: &str) -> [&str; 2] {
    let Some(end) = input.find(['?', '#']) else {
        return [input, ""];
    };
    let param = input[end..].strip_prefix('?').and_then(address_param);
    [&input[..end], param.unwrap_or("")]
}

/// What one character of the input becomes: nothing if ignorable; full-width
/// ASCII variants (U+FF01..U+FF5E) fold to ASCII.
pub(super) fn fold(c: char) -> Option<char> {
    match c {
        c if is_ignorable(c) => None,
        '\u{FF01}'..='\u{FF5E}' => Some(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
        c => Some(c),
    }
}
