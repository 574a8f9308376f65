//! The address spelling codec: how an entry's listed spelling is stored as
//! a [`Form`] of its key and rebuilt from it.

use crate::address;
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

    pub(crate) fn from_u8(b: u8) -> Option<Form> {
        Form::ALL.get(usize::from(b)).copied()
    }
}

/// The spelling of a key in `form`, if that form applies to its tag (see
/// [`spelled_len`] and [`spell`]).
pub(crate) fn render(tag: u8, payload: &[u8], form: Form) -> Option<String> {
    let mut out = vec![0; spelled_len(tag, payload, form)?];
    spell(tag, payload, form, &mut out);
    Some(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// The length in bytes of the spelling of a key in `form`; `None` when
/// that form does not apply to the key's tag (nothing to [`spell`]).
pub(crate) fn spelled_len(tag: u8, payload: &[u8], form: Form) -> Option<usize> {
    match (tag, form) {
        (tag::BASE58 | tag::BECH32 | tag::OPAQUE, Form::Plain) | (tag::BECH32, Form::Upper) => {
            Some(payload.len())
        }
        (tag::EVM, Form::Plain | Form::Upper) => Some(2 + 2 * payload.len()),
        (tag::EVM, Form::Eip55) => (payload.len() == 20).then_some(42),
        (tag::TRON_HEX, Form::Plain | Form::Upper) => Some(2 * payload.len()),
        (tag::CASHADDR, Form::Plain | Form::Upper | Form::Bare | Form::BareUpper) => {
            let (&p, rest) = payload.split_first()?;
            let prefix = address::cashaddr_prefix(p)?;
            Some(match form {
                Form::Plain | Form::Upper => prefix.len() + 1 + rest.len(),
                _ => rest.len(),
            })
        }
        _ => None,
    }
}

/// Writes the spelling of a key in `form` into `out`, which is
/// [`spelled_len`] bytes long (ASCII, but for an opaque key's own text):
/// no allocation. Only rebuilding an EIP-55 spelling hashes (Keccak-256).
pub(crate) fn spell(tag: u8, payload: &[u8], form: Form, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let hex = |bytes: &[u8], out: &mut [u8]| {
        for (o, b) in out.chunks_exact_mut(2).zip(bytes) {
            o[0] = DIGITS[usize::from(b >> 4)];
            o[1] = DIGITS[usize::from(b & 15)];
        }
    };
    match (tag, form) {
        (tag::EVM, Form::Eip55) => {
            if let Ok(bytes) = <&[u8; 20]>::try_from(payload) {
                out.copy_from_slice(&address::evm::checksummed(bytes));
            }
        }
        (tag::EVM, _) => {
            out[..2].copy_from_slice(b"0x");
            hex(payload, &mut out[2..]);
        }
        (tag::TRON_HEX, _) => hex(payload, out),
        (tag::CASHADDR, _) => {
            let Some((&p, rest)) = payload.split_first() else {
                return;
            };
            match (form, address::cashaddr_prefix(p)) {
                (Form::Plain | Form::Upper, Some(prefix)) => {
                    let (head, body) = out.split_at_mut(prefix.len() + 1);
                    head[..prefix.len()].copy_from_slice(prefix.as_bytes());
                    head[prefix.len()] = b':';
                    body.copy_from_slice(rest);
                }
                _ => out.copy_from_slice(rest),
            }
        }
        _ => out.copy_from_slice(payload),
    }
    if matches!(form, Form::Upper | Form::BareUpper) {
        let from = if tag == tag::EVM { 2 } else { 0 };
        out[from..].make_ascii_uppercase();
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
