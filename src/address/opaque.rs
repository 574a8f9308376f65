//! Strings of no known format. A list may hold them verbatim (OFAC files a
//! 64-hex string under XMR), so they are keyed by their normalized text and
//! matched exactly; as queries they are [`crate::Verdict::Invalid`] unless a
//! list holds them. This module explains *why* a string is no known format.

use super::error::ParseError;
use super::{Family, base58check, evm};

/// The most helpful reason `text` (URI scheme already stripped) is not an
/// address.
pub(crate) fn reason(cash_prefix: Option<&str>, text: &str) -> ParseError {
    let b = text.as_bytes();
    if let Some(prefix) = cash_prefix {
        let full = format!("{prefix}:{text}");
        return match super::cashaddr::decode(&full, super::CASHADDR_DEFAULT_PREFIX) {
            Err(e) => ParseError::CashAddr(e),
            Ok(_) => ParseError::UnknownFormat,
        };
    }
    if let [b'0', b'x' | b'X', hex @ ..] = b {
        if hex.len() != 40 {
            return ParseError::BadLength {
                family: Family::Evm,
                len: b.len(),
                expected: "0x and 40 hex digits",
            };
        }
        if let Some(i) = evm::first_non_hex(hex) {
            return invalid_char(Family::Evm, text, i + 2);
        }
    }
    if super::xrp::looks_like_x(b)
        && let Err(e) = super::xrp::decode_x(b)
    {
        return e;
    }
    if super::icap::looks_like(b)
        && let Err(e) = super::icap::decode(b)
    {
        return e;
    }
    if matches!(b.len(), 95 | 106)
        && matches!(b.first(), Some(b'4' | b'8'))
        && let Err(e) = super::monero::decode(text)
    {
        return ParseError::Monero(e);
    }
    if b.iter().all(u8::is_ascii_alphanumeric) {
        if let Some(i) = b.iter().position(|&c| !base58check::is_base58(c)) {
            if base58check::LEN.contains(&b.len()) {
                return invalid_char(Family::Base58, text, i);
            }
        } else {
            return ParseError::BadLength {
                family: Family::Base58,
                len: b.len(),
                expected: "25 to 44 characters",
            };
        }
    }
    ParseError::UnknownFormat
}

fn invalid_char(family: Family, text: &str, index: usize) -> ParseError {
    ParseError::InvalidChar {
        family,
        character: text[index..].chars().next().unwrap_or('\u{fffd}'),
        index,
    }
}
