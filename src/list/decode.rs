//! Bytes to text: UTF-8 with or without a BOM, UTF-16 LE/BE.

use std::borrow::Cow;

use super::report::Encoding;
use crate::list::LoadError;

/// The text of `bytes` and the encoding it was read in. UTF-16 is
/// recognised by its byte order mark, or, without one, by a first
/// character that is ASCII (a NUL byte beside it); anything else must be
/// UTF-8.
pub(super) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), LoadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok((Cow::Borrowed(utf8(rest)?), Encoding::Utf8Bom));
    }
    let le = match bytes {
        [0xFF, 0xFE, ..] => Some((true, &bytes[2..])),
        [0xFE, 0xFF, ..] => Some((false, &bytes[2..])),
        [a, 0, ..] if *a != 0 && a.is_ascii() => Some((true, bytes)),
        [0, a, ..] if *a != 0 && a.is_ascii() => Some((false, bytes)),
        _ => None,
    };
    match le {
        Some((le, rest)) => {
            let enc = if le {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            };
            Ok((Cow::Owned(utf16(rest, le)?), enc))
        }
        None => Ok((Cow::Borrowed(utf8(bytes)?), Encoding::Utf8)),
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, LoadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let byte = e.valid_up_to();
        let line = 1 + bytes[..byte].iter().filter(|&&b| b == b'\n').count();
        LoadError::Utf8 { line, byte }
    })
}

fn utf16(bytes: &[u8], le: bool) -> Result<String, LoadError> {
    let units = bytes.chunks(2).map(|c| match (c, le) {
        ([a, b], true) => u16::from_le_bytes([*a, *b]),
        ([a, b], false) => u16::from_be_bytes([*a, *b]),
        // An odd trailing byte: not a code unit.
        _ => 0xDC00,
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut line = 1;
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => {
                line += usize::from(c == '\n');
                out.push(c);
            }
            Err(_) => {
                return Err(LoadError::Utf16 { line, unit: i });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    #[test]
    fn encodings() {
        let s = "address\r\n0xabc\r\n";
        let mut be = vec![0xFE, 0xFF];
        be.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        let mut bom8 = b"\xEF\xBB\xBF".to_vec();
        bom8.extend_from_slice(s.as_bytes());
        for (name, bytes, enc) in [
            ("utf-8", s.as_bytes().to_vec(), Encoding::Utf8),
            ("utf-8 bom", bom8, Encoding::Utf8Bom),
            ("utf-16 le bom", utf16le(s, true), Encoding::Utf16Le),
            ("utf-16 le no bom", utf16le(s, false), Encoding::Utf16Le),
            ("utf-16 be bom", be, Encoding::Utf16Be),
        ] {
            let (text, e) = decode(&bytes).unwrap();
            assert_eq!((text.as_ref(), e), (s, enc), "{name}");
        }
    }

    #[test]
    fn bad_utf16_names_the_line() {
        let mut v = utf16le("a\nb\n", true);
        v.extend_from_slice(&[0x00, 0xD8, b'x', 0]);
        assert!(matches!(
            decode(&v),
            Err(LoadError::Utf16 { line: 3, unit: 4 })
        ));
        assert!(matches!(
            decode(b"a\nb\xFF"),
            Err(LoadError::Utf8 { line: 2, byte: 3 })
        ));
    }
}
