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
    // Branch-free passes (they vectorize), as on the query path: the
    // strings that reach here are the junk of a batch, and a byte-by-byte
    // search over random characters mispredicts. The position of the
    // offending character is searched only when it is reported.
    if super::or_bytes(b, |c| u8::from(!c.is_ascii_alphanumeric())) == 0 {
        if super::or_bytes(b, |c| u8::from(!base58check::is_base58_arith(c))) == 0 {
            return ParseError::BadLength {
                family: Family::Base58,
                len: b.len(),
                expected: "25 to 44 characters",
            };
        }
        if base58check::LEN.contains(&b.len())
            && let Some(i) = b.iter().position(|&c| !base58check::is_base58(c))
        {
            return invalid_char(Family::Base58, text, i);
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
