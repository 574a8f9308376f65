//! Dispatch: a keyed text parsed by its family's decoder into an
//! [`Address`] (with checksum verification).

use super::error::ParseError;
use super::key::{Keyed, Scratch, key};
use super::types::{Address, AddressKind, Checksum, Family};
use super::uri::CASHADDR_DEFAULT_PREFIX;
use super::{base58check, bech32, cashaddr, evm, icap, monero, xrp};

/// Fully decodes and validates an address: every checksum is verified.
///
/// ```
/// use walletscreen::address::{parse, AddressKind};
/// let a = parse("bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").unwrap();
/// assert_eq!(a.kind, AddressKind::P2pkh { version: 0 });
/// assert!(parse("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").is_err());
/// ```
pub fn parse(input: &str) -> Result<Address, ParseError> {
    let mut scratch = Scratch::new();
    let k = key(input, &mut scratch)?;
    parse_keyed(&k)
}

/// Full validation of an already classified string.
pub(crate) fn parse_keyed(k: &Keyed<'_>) -> Result<Address, ParseError> {
    match k.family {
        Family::Evm => evm::parse(k.text, k.payload),
        Family::TronHex => Ok(Address {
            family: Family::TronHex,
            kind: AddressKind::TronHex,
            chains: &["tron"],
            payload: k.payload.get(1..).unwrap_or_default().to_vec(),
            checksum: Checksum::Absent,
        }),
        Family::Base58 => base58check::parse(k.text),
        Family::Monero => monero_parse(k.text),
        Family::Bech32 => bech32::parse(k.text),
        Family::CashAddr => cashaddr_parse(k),
        Family::XAddress => xrp::parse_x(k.text),
        Family::Icap => icap::parse(k.text),
        Family::Opaque => Err(k.error()),
    }
}

pub(super) fn monero_parse(text: &str) -> Result<Address, ParseError> {
    let m = monero::decode(text)?;
    let mut payload = Vec::with_capacity(72);
    payload.extend_from_slice(&m.spend_key);
    payload.extend_from_slice(&m.view_key);
    if let Some(id) = m.payment_id {
        payload.extend_from_slice(&id);
    }
    Ok(Address {
        family: Family::Monero,
        kind: AddressKind::Monero {
            network: m.network,
            kind: m.kind,
        },
        chains: &["monero"],
        payload,
        checksum: Checksum::Valid,
    })
}

pub(super) fn cashaddr_parse(k: &Keyed<'_>) -> Result<Address, ParseError> {
    // The text keeps the caller's case, which must be uniform; the bare
    // payload takes the default prefix.
    let t = k.text;
    if t.bytes().any(|c| c.is_ascii_lowercase()) && t.bytes().any(|c| c.is_ascii_uppercase()) {
        return Err(ParseError::MixedCase {
            family: Family::CashAddr,
        });
    }
    let c = cashaddr::decode(&t.to_ascii_lowercase(), CASHADDR_DEFAULT_PREFIX)?;
    let chains: &'static [&'static str] = match c.prefix.as_str() {
        "bitcoincash" => &["bitcoin-cash"],
        "bchtest" => &["bitcoin-cash-testnet"],
        "bchreg" => &["bitcoin-cash-regtest"],
        _ => &[],
    };
    Ok(Address {
        family: Family::CashAddr,
        kind: AddressKind::CashAddr {
            prefix: c.prefix.clone(),
            kind: c.kind,
        },
        chains,
        payload: c.hash.to_vec(),
        checksum: Checksum::Valid,
    })
}
