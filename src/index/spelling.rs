//! The address spelling codec: how an entry's listed spelling is stored as
//! a [`Form`] of its key and rebuilt from it.

use crate::address;
use crate::address::evm::Hex;
use crate::address::tag;

/// How an entry's listed spelling is rebuilt from its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Form {
    /// The key's plain text (`0x` + lower-case hex for EVM, lower-case hex
    /// for TRON hex, `bitcoincash:` + payload for CashAddr).
    Plain = 0,
    /// The plain text upper-cased (after `0x`).
    Upper = 1,
    /// EIP-55 mixed case.
    Eip55 = 2,
    /// CashAddr without its prefix.
    Bare = 3,
    /// CashAddr without its prefix, upper-cased.
    BareUpper = 4,
    /// Stored verbatim in the meta section.
    Other = 5,
}

impl Form {
    const ALL: [Form; 6] = [
        Form::Plain,
        Form::Upper,
        Form::Eip55,
        Form::Bare,
        Form::BareUpper,
        Form::Other,
    ];

    pub(super) fn from_u8(b: u8) -> Option<Form> {
        Form::ALL.get(usize::from(b)).copied()
    }
}

/// The spelling of a key in `form`, if that form applies to its tag.
pub(crate) fn render(tag: u8, payload: &[u8], form: Form) -> Option<String> {
    let text = || String::from_utf8_lossy(payload).into_owned();
    match (tag, form) {
        (tag::BASE58 | tag::BECH32 | tag::OPAQUE, Form::Plain) => Some(text()),
        (tag::BECH32, Form::Upper) => Some(text().to_ascii_uppercase()),
        (tag::EVM, Form::Plain) => Some(format!("0x{}", Hex(payload))),
        (tag::EVM, Form::Upper) => Some(
            format!("0x{}", Hex(payload))
                .to_ascii_uppercase()
                .replacen("0X", "0x", 1),
        ),
        (tag::EVM, Form::Eip55) => <&[u8; 20]>::try_from(payload)
            .ok()
            .map(address::evm::to_checksum),
        (tag::TRON_HEX, Form::Plain) => Some(Hex(payload).to_string()),
        (tag::TRON_HEX, Form::Upper) => Some(Hex(payload).to_string().to_ascii_uppercase()),
        (tag::CASHADDR, _) => {
            let (&prefix, rest) = payload.split_first()?;
            let rest = String::from_utf8_lossy(rest);
            let prefix = address::cashaddr_prefix(prefix)?;
            match form {
                Form::Plain => Some(format!("{prefix}:{rest}")),
                Form::Upper => Some(format!("{prefix}:{rest}").to_ascii_uppercase()),
                Form::Bare => Some(rest.into_owned()),
                Form::BareUpper => Some(rest.to_ascii_uppercase()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The form in which `listed` is the rendering of its key, or
/// [`Form::Other`]; by byte comparisons, without rendering. `eip55_valid`:
/// the listed spelling passed its EIP-55 check (its `Address::checksum`).
pub(crate) fn form_of(tag: u8, payload: &[u8], listed: &str, eip55_valid: bool) -> Form {
    let f = form_of_inner(tag, payload, listed, eip55_valid);
    debug_assert!(
        f == Form::Other || render(tag, payload, f).as_deref() == Some(listed),
        "{listed:?} is not form {f:?} of its key"
    );
    f
}

pub(super) fn form_of_inner(tag: u8, payload: &[u8], listed: &str, eip55_valid: bool) -> Form {
    let l = listed.as_bytes();
    // Scanned only where a case matters (not for base58 or opaque keys).
    let has_upper = || l.iter().any(u8::is_ascii_uppercase);
    let has_lower = || l.iter().any(u8::is_ascii_lowercase);
    match tag {
        tag::BASE58 | tag::OPAQUE if l == payload => Form::Plain,
        tag::BECH32 if l == payload => Form::Plain,
        tag::BECH32 if !has_lower() && l.eq_ignore_ascii_case(payload) => Form::Upper,
        tag::EVM | tag::TRON_HEX => {
            let digits = if tag == tag::EVM {
                match l.strip_prefix(b"0x") {
                    Some(d) => d,
                    None => return Form::Other,
                }
            } else {
                l
            };
            let same = digits.len() == 2 * payload.len()
                && digits.chunks_exact(2).zip(payload).all(|(d, &b)| {
                    let hex = *b"0123456789abcdef";
                    d[0].to_ascii_lowercase() == hex[usize::from(b >> 4)]
                        && d[1].to_ascii_lowercase() == hex[usize::from(b & 15)]
                });
            let digits_upper = digits.iter().any(u8::is_ascii_uppercase);
            let digits_lower = digits.iter().any(u8::is_ascii_lowercase);
            match (same, digits_upper, digits_lower) {
                (false, _, _) => Form::Other,
                (true, false, _) => Form::Plain,
                (true, true, false) => Form::Upper,
                (true, true, true) if tag == tag::EVM && eip55_valid => Form::Eip55,
                _ => Form::Other,
            }
        }
        tag::CASHADDR => {
            let Some((&p, rest)) = payload.split_first() else {
                return Form::Other;
            };
            let Some(prefix) = address::cashaddr_prefix(p) else {
                return Form::Other;
            };
            let (prefixed, body) = if l.len() == rest.len() {
                (false, l)
            } else if l.len() == prefix.len() + 1 + rest.len()
                && l[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
                && l[prefix.len()] == b':'
            {
                (true, &l[prefix.len() + 1..])
            } else {
                return Form::Other;
            };
            match (
                prefixed,
                body == rest,
                !has_lower() && body.eq_ignore_ascii_case(rest),
            ) {
                (true, true, _) if !has_upper() => Form::Plain,
                (true, _, true) => Form::Upper,
                (false, true, _) => Form::Bare,
                (false, _, true) => Form::BareUpper,
                _ => Form::Other,
            }
        }
        _ => Form::Other,
    }
}
