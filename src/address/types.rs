//! The address types: [`Family`], [`Checksum`], [`AddressKind`],
//! [`Network`] and a parsed [`Address`].

use serde::{Serialize, Serializer};

use super::{evm, monero};

/// Longest address text (after normalization) that is classified; longer
/// strings are keyed as opaque text.
pub const MAX_LEN: usize = 128;

/// Longest input examined at all. Longer inputs are [`ParseError::TooLong`](super::ParseError::TooLong)
/// and can match nothing.
pub const MAX_INPUT: usize = 4096;

/// Address family, recognized from the shape of the string alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// `0x` + 40 hex digits (or 40 bare hex digits): Ethereum and every EVM
    /// chain. Case-insensitive.
    Evm,
    /// `41` + 40 hex digits: the hex spelling of a TRON address.
    TronHex,
    /// Base58 text: base58check (Bitcoin, Litecoin, Dash, Dogecoin, Zcash
    /// transparent, TRON, ...), XRP, Solana. Case-sensitive.
    Base58,
    /// A Monero address (95 or 106 base58 characters).
    Monero,
    /// Bech32 / bech32m (segwit `bc1…`, `ltc1…`, `tb1…`; plain `bnb1…`).
    Bech32,
    /// Bitcoin Cash CashAddr, with or without its prefix.
    #[serde(rename = "cashaddr")]
    CashAddr,
    /// An XRP Ledger X-address (XLS-5d, `X…` mainnet, `T…` test
    /// networks): a classic account with an optional destination tag. It
    /// is keyed as the classic address it carries.
    #[serde(rename = "xrp_x_address")]
    XAddress,
    /// An Ethereum ICAP in its direct form (`XE…`, IBAN-style): keyed as
    /// the EVM address it spells.
    Icap,
    /// Not a known format: matched exactly, as normalized text.
    Opaque,
}

impl Checksum {
    /// The snake_case name used in serialized output.
    pub fn name(self) -> &'static str {
        match self {
            Checksum::Valid => "valid",
            Checksum::Invalid => "invalid",
            Checksum::Absent => "absent",
            Checksum::NotChecked => "not_checked",
        }
    }
}

impl Family {
    /// Every family, in declaration order: `Family::ALL[f as usize] == f`,
    /// so `f as usize` is a dense code (what the bindings use for their
    /// dictionary columns and tables).
    ///
    /// # Examples
    ///
    /// ```
    /// use walletscreen::Family;
    /// let names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
    /// assert_eq!(names[Family::Bech32 as usize], "bech32");
    /// assert_eq!(Family::ALL.len(), 9);
    /// ```
    pub const ALL: [Family; 9] = [
        Family::Evm,
        Family::TronHex,
        Family::Base58,
        Family::Monero,
        Family::Bech32,
        Family::CashAddr,
        Family::XAddress,
        Family::Icap,
        Family::Opaque,
    ];

    /// A short lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Evm => "evm",
            Family::TronHex => "tron_hex",
            Family::Base58 => "base58",
            Family::Monero => "monero",
            Family::Bech32 => "bech32",
            Family::CashAddr => "cashaddr",
            Family::XAddress => "xrp_x_address",
            Family::Icap => "icap",
            Family::Opaque => "opaque",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What is known of an address's checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checksum {
    /// Verified and correct.
    Valid,
    /// Verified and wrong (only reported on hits: a listed address spelled
    /// with a broken checksum still matches).
    Invalid,
    /// The spelling carries no checksum (Solana, lower-case EVM, TRON hex).
    Absent,
    /// Not verified: the fast path of [`crate::Screener::check`] checks shape
    /// only. Ask for verification with [`crate::CheckOptions`].
    NotChecked,
}

/// What kind of address a string decoded to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AddressKind {
    /// base58check pay-to-public-key-hash (version byte(s) given).
    P2pkh {
        /// Version byte(s), big-endian (`0x1cb8` for Zcash `t1`).
        version: u16,
    },
    /// base58check pay-to-script-hash.
    P2sh {
        /// Version byte(s), big-endian.
        version: u16,
    },
    /// TRON base58check account (`T…`, version 0x41).
    Tron,
    /// TRON account in hex (`41…`).
    TronHex,
    /// XRP Ledger classic address (`r…`).
    Xrp,
    /// XRP Ledger X-address (XLS-5d): the classic account (the payload)
    /// with a destination tag.
    XrpXAddress {
        /// The destination tag, if the address carries one.
        tag: Option<u32>,
        /// A test-network address (`T…`).
        test: bool,
    },
    /// Zcash TEX address (ZIP-320, `tex1…`): the P2PKH hash (the payload)
    /// of a `t1…` address, bech32m-encoded.
    ZcashTex,
    /// Ethereum ICAP, direct form (`XE…`): the EVM address (the payload).
    Icap,
    /// Solana account (32-byte public key, no checksum).
    Solana,
    /// EVM account.
    Evm,
    /// Segwit address (BIP-173 / BIP-350).
    Segwit {
        /// Human-readable part (`bc`, `tb`, `ltc`, ...).
        hrp: String,
        /// Witness version.
        version: u8,
    },
    /// Plain bech32 address (e.g. BNB Beacon Chain `bnb1…`).
    Bech32 {
        /// Human-readable part.
        hrp: String,
    },
    /// CashAddr.
    CashAddr {
        /// Prefix (`bitcoincash`, `bchtest`, ...).
        prefix: String,
        /// Type field: 0 = P2PKH, 1 = P2SH.
        kind: u8,
    },
    /// Monero address.
    Monero {
        /// Network.
        network: monero::NetworkType,
        /// Standard, integrated or subaddress.
        kind: monero::Kind,
    },
}

/// The network an address is meant for, as its spelling says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// A production network (or a spelling shared by every network: EVM
    /// addresses, XRP classic addresses, Solana keys).
    Mainnet,
    /// A public test network (`tb1…`, `m…`/`n…`/`2…`, `bchtest:`, Monero
    /// testnet and stagenet, XRP `T…` X-addresses, ...).
    Testnet,
    /// A local regression-test network (`bcrt1…`, `bchreg:`).
    Regtest,
}

/// A fully decoded and validated address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    /// The family.
    pub family: Family,
    /// The decoded kind.
    pub kind: AddressKind,
    /// Chains this encoding is used on (several chains share some version
    /// bytes, e.g. Bitcoin, Bitcoin Cash and Bitcoin SV legacy addresses).
    pub chains: &'static [&'static str],
    /// Decoded payload: the 20-byte hash for base58check, CashAddr, EVM and
    /// TRON; the witness program for segwit; the public key for Solana; spend
    /// key, view key (and payment id) for Monero.
    #[serde(serialize_with = "serialize_hex")]
    pub payload: Vec<u8>,
    /// Checksum status: [`Checksum::Valid`] or [`Checksum::Absent`].
    pub checksum: Checksum,
}

pub(super) fn serialize_hex<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&evm::Hex(bytes))
}

impl Address {
    /// The network the spelling is meant for. Testnet and regtest
    /// addresses are valid addresses (a check answers `Clear` for them)
    /// that no bundled list holds; see the README's spelling policy.
    ///
    /// ```
    /// use walletscreen::address::{parse, Network};
    /// assert_eq!(parse("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx").unwrap().network(), Network::Testnet);
    /// assert_eq!(parse("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").unwrap().network(), Network::Mainnet);
    /// ```
    pub fn network(&self) -> Network {
        if let AddressKind::Monero { network, .. } = &self.kind {
            return match network {
                monero::NetworkType::Mainnet => Network::Mainnet,
                _ => Network::Testnet,
            };
        }
        let names = self.chains;
        if names.iter().any(|c| c.ends_with("-regtest")) {
            Network::Regtest
        } else if names.iter().any(|c| c.ends_with("-testnet")) {
            Network::Testnet
        } else {
            Network::Mainnet
        }
    }

    /// The Bitcoin-style output script for P2PKH, P2SH and segwit addresses
    /// (what Bitcoin Core's `key_io` vectors give); `None` for other kinds.
    pub fn script_pubkey(&self) -> Option<Vec<u8>> {
        let p = &self.payload;
        match &self.kind {
            AddressKind::P2pkh { .. } => {
                let mut s = vec![0x76, 0xa9, 0x14];
                s.extend_from_slice(p);
                s.extend_from_slice(&[0x88, 0xac]);
                Some(s)
            }
            AddressKind::P2sh { .. } => {
                let mut s = vec![0xa9, 0x14];
                s.extend_from_slice(p);
                s.push(0x87);
                Some(s)
            }
            AddressKind::Segwit { version, .. } => {
                let op = if *version == 0 { 0 } else { 0x50 + version };
                let mut s = vec![op, u8::try_from(p.len()).ok()?];
                s.extend_from_slice(p);
                Some(s)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Family;

    /// Declaration order, with no family missing: the exhaustive match
    /// stops compiling when a family is added without a place in `ALL`.
    #[test]
    fn all_families_in_declaration_order() {
        for (i, f) in Family::ALL.into_iter().enumerate() {
            let declared = match f {
                Family::Evm => 0,
                Family::TronHex => 1,
                Family::Base58 => 2,
                Family::Monero => 3,
                Family::Bech32 => 4,
                Family::CashAddr => 5,
                Family::XAddress => 6,
                Family::Icap => 7,
                Family::Opaque => 8,
            };
            assert_eq!((i, f as usize), (declared, declared), "{f}");
        }
        let mut names: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Family::ALL.len());
    }
}
