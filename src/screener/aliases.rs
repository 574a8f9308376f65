//! The keys of a listed address, computed when a screener is compiled
//! (never per query): its own spelling, the equivalent spellings of the
//! same hash in other encodings (legacy, CashAddr, BitPay, Litecoin, Tron
//! hex, Zcash TEX), and the corrected spelling of a look-alike typo.

use super::Via;
use super::answer::hex;
use crate::address::{self, AddressKind, Family, Scratch, base58check, cashaddr};
use crate::list::EntryRef;

/// The keys of an entry: its own spelling, then the equivalent spellings
/// in other encodings (at most [`alias_bound`] of them: the table is sized
/// by that bound).
pub(super) fn entry_keys(entry: &EntryRef<'_>, mut out: impl FnMut(u8, &[u8], Via)) {
    // Every key, the equivalent spellings' too, comes from `address::key`:
    // the one path queries take.
    let mut scratch = Scratch::new();
    let mut push = |spelling: &str, via: Via| {
        if let Ok(k) = address::key(spelling, &mut scratch) {
            out(k.tag, k.payload, via);
        }
    };
    push(entry.address, Via::Listed);
    if entry.class.family.is_none() {
        if let Some(fixed) = corrected_spelling(entry.address) {
            push(&fixed, Via::CorrectedSpelling);
        }
        return;
    }
    // The kind and hash that validating it found (none: a valid address
    // without other spellings).
    let Some((kind, hash)) = entry.alias else {
        return;
    };
    let hash = hash.as_slice();
    let cash = |kind: u8| cashaddr::encode(address::CASHADDR_DEFAULT_PREFIX, kind, hash).ok();
    let b58 = |version: u8| base58check::encode(&[version], hash);
    match kind {
        AddressKind::Tron => {
            push(&format!("41{}", hex(hash)), Via::TronHexOfBase58);
        }
        AddressKind::TronHex => {
            push(&base58check::encode(&[0x41], hash), Via::TronBase58OfHex);
        }
        AddressKind::P2pkh { version: 0 } | AddressKind::P2sh { version: 5 } => {
            let p2sh = matches!(kind, AddressKind::P2sh { .. });
            if let Some(c) = cash(u8::from(p2sh)) {
                push(&c, Via::CashaddrOfLegacy);
            }
            push(&b58(bitpay_version(p2sh)), Via::BitpayOfLegacy);
            if p2sh {
                push(&b58(LITECOIN_P2SH), Via::LitecoinOfLegacy);
            }
        }
        AddressKind::P2sh {
            version: LITECOIN_P2SH_U16,
        } => {
            push(&b58(0x05), Via::LegacyOfLitecoin);
        }
        AddressKind::P2pkh { version: 0x1c } | AddressKind::P2sh { version: 0x28 } => {
            let p2sh = matches!(kind, AddressKind::P2sh { .. });
            push(&b58(if p2sh { 0x05 } else { 0x00 }), Via::LegacyOfBitpay);
            if let Some(c) = cash(u8::from(p2sh)) {
                push(&c, Via::CashaddrOfBitpay);
            }
        }
        AddressKind::CashAddr { prefix, kind } if prefix == "bitcoincash" && hash.len() == 20 => {
            if let Some((legacy, p2sh)) = match kind {
                0 => Some((0x00, false)),
                1 => Some((0x05, true)),
                _ => None,
            } {
                push(&b58(legacy), Via::LegacyOfCashaddr);
                push(&b58(bitpay_version(p2sh)), Via::BitpayOfCashaddr);
            }
        }
        AddressKind::P2pkh { version: 0x1cb8 } => {
            if let Some(tex) = address::bech32::encode_tex(hash) {
                push(&tex, Via::TexOfTransparent);
            }
        }
        AddressKind::ZcashTex => {
            push(
                &base58check::encode(&base58check::ZCASH_P2PKH, hash),
                Via::TransparentOfTex,
            );
        }
        _ => {}
    }
}

/// Litecoin's P2SH version byte (`M…`); before it Litecoin used Bitcoin's
/// 0x05 (`3…`), and wallets still accept both for one script hash.
const LITECOIN_P2SH: u8 = 0x32;
const LITECOIN_P2SH_U16: u16 = LITECOIN_P2SH as u16;

/// The BitPay version byte of a P2PKH or (`p2sh`) P2SH hash.
fn bitpay_version(p2sh: bool) -> u8 {
    if p2sh {
        base58check::BITPAY_P2SH
    } else {
        base58check::BITPAY_P2PKH
    }
}

/// Look-alike characters outside the base58 alphabet and what they stand
/// for inside it.
const LOOKALIKES: &[(u8, u8)] = &[(b'l', b'1'), (b'I', b'1'), (b'O', b'o'), (b'0', b'o')];

/// For an address that fails validation: the single base58 or Monero
/// address that replacing one look-alike character makes valid, if exactly
/// one such replacement does. OFAC lists a Monero address with `l` where
/// its checksum says `1`.
fn corrected_spelling(listed: &str) -> Option<String> {
    let text = correctable(listed)?;
    let mut found: Option<String> = None;
    for (i, b) in text.bytes().enumerate() {
        for &(from, to) in LOOKALIKES {
            if b != from {
                continue;
            }
            let mut candidate = text.clone().into_bytes();
            candidate[i] = to;
            let candidate = String::from_utf8(candidate).ok()?;
            let valid = address::parse(&candidate)
                .is_ok_and(|a| matches!(a.family, Family::Base58 | Family::Monero));
            if valid {
                if found.is_some() {
                    return None; // ambiguous: index nothing
                }
                found = Some(candidate);
            }
        }
    }
    found
}

/// `listed` normalized, if [`corrected_spelling`] could find something in
/// it: ASCII letters and digits only, with a look-alike among them.
fn correctable(listed: &str) -> Option<String> {
    // Normalizing never lengthens a string, and a corrected spelling must
    // parse as base58check or Monero: shorter strings are decided unread.
    if listed.len() < *base58check::LEN.start() {
        return None;
    }
    let candidate = |t: &str| {
        t.bytes().all(|b| b.is_ascii_alphanumeric())
            && t.bytes()
                .any(|b| LOOKALIKES.iter().any(|&(from, _)| b == from))
    };
    // Printable ASCII without a URI colon normalizes to itself (the
    // keying fast path; an over-long string is trimmed of whitespace,
    // which it has none of): decided without the copy.
    if listed.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
        return candidate(listed).then(|| listed.to_owned());
    }
    let text = address::normalize(listed).ok()?;
    candidate(&text).then_some(text)
}

/// How many keys besides its own [`entry_keys`] may give `entry`: one per
/// other encoding of its kind, or a corrected spelling when the entry does
/// not parse.
pub(super) fn alias_bound(entry: &EntryRef<'_>) -> usize {
    match entry.class.family {
        None => usize::from(correctable(entry.address).is_some()),
        // Per kind, computed when the list was loaded
        // (`list::store::alias_bound`).
        Some(_) => usize::from(entry.class.aliases),
    }
}
