//! Payment URIs: schemes, CashAddr prefixes, EIP-681 targets and
//! `address=` parameters.

/// The first `address=VALUE` parameter of a URI query (`query`: what
/// follows the `?`, a `#fragment` included or not).
pub(super) fn address_param(query: &str) -> Option<&str> {
    let query = &query[..query.find('#').unwrap_or(query.len())];
    query.split('&').find(|p| p.starts_with("address="))
}

/// The prefix assumed for a CashAddr written without one.
pub(crate) const CASHADDR_DEFAULT_PREFIX: &str = "bitcoincash";

/// CashAddr prefixes kept as part of the address; the first is the default
/// (see [`CASHADDR_DEFAULT_PREFIX`]).
pub(super) const CASHADDR_PREFIXES: [&str; 3] = ["bitcoincash", "bchtest", "bchreg"];

/// The CashAddr prefix a key's first byte stands for.
pub(crate) fn cashaddr_prefix(index: u8) -> Option<&'static str> {
    CASHADDR_PREFIXES.get(usize::from(index)).copied()
}

/// Splits off a URI scheme: `(cashaddr prefix, address text)`.
pub(super) fn strip_uri(s: &str) -> (Option<&str>, &str) {
    let (prefix, text) = split_uri(s, false);
    (prefix.map(|(_, len)| &s[..len]), text)
}

/// Splits off a URI scheme: `(Some((index in CASHADDR_PREFIXES, length of
/// the prefix)) for a CashAddr prefix, address text)`. `lazy`: after a
/// CashAddr prefix, return the whole rest, query included if any.
#[inline]
pub(super) fn split_uri(s: &str, lazy: bool) -> (Option<(u8, usize)>, &str) {
    let b = s.as_bytes();
    // The usual URI, `bitcoincash:` in either case, compared as two words:
    // `| 0x20` turns only `B`..`Z` into the letters compared (the colon's
    // byte is compared as is).
    if lazy && let Some(head) = b.first_chunk::<12>() {
        const W0: u64 = u64::from_le_bytes(*b"bitcoinc");
        const W1: u32 = u32::from_le_bytes(*b"ash:");
        let (w0, w1) = head.split_at(8);
        let w0 = u64::from_le_bytes(w0.try_into().unwrap_or_default());
        let w1 = u32::from_le_bytes(w1.try_into().unwrap_or_default());
        if w0 | 0x2020_2020_2020_2020 == W0 && w1 | 0x0020_2020 == W1 {
            return (Some((0, 11)), &s[12..]);
        }
    }
    let Some(colon) = memchr::memchr(b':', b) else {
        return (None, s);
    };
    let scheme = &b[..colon];
    let is_scheme = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'));
    if !is_scheme {
        return (None, s);
    }
    let rest = &s[colon + 1..];
    // Where the address part ends. Most URIs have no query: a branch-free
    // pass (it vectorizes) rules that out before a byte-by-byte search.
    #[inline(always)]
    fn cut(r: &str, stop: impl Fn(u8) -> bool) -> usize {
        if r.as_bytes().iter().fold(false, |acc, &c| acc | stop(c)) {
            r.bytes().position(stop).unwrap_or(r.len())
        } else {
            r.len()
        }
    }
    // The scheme is letters, digits and `+.-`: `| 0x20` lower-cases its
    // letters and turns nothing else into a lower-case letter.
    let cash = CASHADDR_PREFIXES.iter().position(|p| {
        p.len() == scheme.len() && p.bytes().zip(scheme).all(|(p, &c)| p == c | 0x20)
    });
    if let Some(id) = cash.and_then(|i| u8::try_from(i).ok()) {
        // The caller's spelling of the prefix is kept: the key has its index.
        if lazy {
            return (Some((id, colon)), rest);
        }
        let end = cut(rest, |c| matches!(c, b'?' | b'#'));
        return (Some((id, colon)), &rest[..end]);
    }
    let mut rest = rest.strip_prefix("//").unwrap_or(rest);
    // Compared as bytes: byte 4 may fall inside a multi-byte character.
    if rest
        .as_bytes()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"pay-"))
    {
        rest = &rest[4..]; // EIP-681 `ethereum:pay-0x…`
    }
    let end = cut(rest, |c| matches!(c, b'?' | b'#' | b'@' | b'/'));
    // An EIP-681 function call pays (or approves) its `address` parameter,
    // not its target (the token contract): that is the address screened.
    if scheme.eq_ignore_ascii_case(b"ethereum")
        && let Some(counterparty) = eip681_address(&rest[end..])
    {
        return (None, counterparty);
    }
    (None, &rest[..end])
}

/// The `address` parameter of an EIP-681 function call, given what follows
/// its target: `[@chain]/function?…&address=VALUE&…` (as in
/// `ethereum:TOKEN@1/transfer?address=RECIPIENT&uint256=1`). `None` when
/// there is no function or no non-empty `address` parameter.
pub(super) fn eip681_address(tail: &str) -> Option<&str> {
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    tail[..path_end].find('/')?;
    address_param(tail[path_end..].strip_prefix('?')?)?
        .strip_prefix("address=")
        .filter(|v| !v.is_empty())
}
