//! Solana accounts: base58 of a 32-byte public key, no checksum.
//!
//! A Solana address shares the base58 alphabet with base58check addresses, so
//! both are keyed by their text; [`super::base58check::parse`] falls back to
//! this decoding when no base58check checksum verifies.

use super::{Address, AddressKind, Checksum, Family};

/// Decodes `text` as a Solana public key, if it is base58 of exactly 32 bytes.
pub(crate) fn parse(text: &str) -> Option<Address> {
    let mut out = [0u8; 32];
    match bs58::decode(text).onto(&mut out[..]) {
        Ok(32) => Some(Address {
            family: Family::Base58,
            kind: AddressKind::Solana,
            chains: &["solana"],
            payload: out.to_vec(),
            checksum: Checksum::Absent,
        }),
        _ => None,
    }
}
