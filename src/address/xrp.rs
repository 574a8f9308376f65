//! XRP Ledger classic addresses: base58check in Ripple's alphabet, version
//! 0x00, 20-byte account id (`r…`).

use super::{Address, AddressKind, Checksum, Family};

/// Decodes `text` as an XRP classic address.
pub(crate) fn parse(text: &str) -> Option<Address> {
    if !text.starts_with('r') {
        return None;
    }
    let data = bs58::decode(text)
        .with_alphabet(bs58::Alphabet::RIPPLE)
        .with_check(None)
        .into_vec()
        .ok()?;
    match data.as_slice() {
        [0x00, id @ ..] if id.len() == 20 => Some(Address {
            family: Family::Base58,
            kind: AddressKind::Xrp,
            chains: &["xrp"],
            payload: id.to_vec(),
            checksum: Checksum::Valid,
        }),
        _ => None,
    }
}
