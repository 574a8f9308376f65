//! Address parsing and canonical keys.
//!
//! Every string, whether it comes from a list file, a caller of
//! [`Screener::check`](crate::Screener::check) or a scan of free text, goes
//! through one path:
//!
//! 1. **normalize**: remove Unicode whitespace, control and invisible format
//!    characters (zero-width space, BOM, bidi marks, ...) anywhere in the
//!    string, fold full-width ASCII (`０ｘ…`) to ASCII, and strip a URI scheme
//!    (`bitcoin:ADDR?amount=1`, `ethereum:ADDR@1`, `litecoin://ADDR`); a
//!    CashAddr prefix (`bitcoincash:`) is kept as part of the address; an
//!    EIP-681 function call (`ethereum:TOKEN@1/transfer?address=ADDR&…`)
//!    gives its `address` parameter, the party paid or approved, not the
//!    contract called;
//! 2. **classify** by shape only (length, prefix, character set): no
//!    big-number decoding, no hashing;
//! 3. **key**: a `(tag, bytes)` pair that is the same for every spelling of
//!    one address: EVM and TRON-hex keys are the decoded bytes (so case does
//!    not matter), bech32 and CashAddr keys are lower-cased text, base58 keys
//!    are the text itself (base58 is case-sensitive and each byte string has
//!    exactly one base58 spelling).
//!
//! Equivalences between *different encodings* of one address (a CashAddr,
//! its legacy base58 form and its BitPay form; a TRON `T…` address and its
//! `41…` hex form; a Zcash `t1…` address and its TEX form) are not computed
//! per query: the screener indexes every equivalent spelling of each listed
//! address when it is compiled, so a query costs one classification and one
//! hash probe. Two spellings cannot be indexed and are keyed as what they
//! carry instead: an XRP X-address (its destination tag varies) as its
//! classic address, an Ethereum ICAP as its 20 bytes. Only strings of their
//! shapes are decoded (see `classify`).
//!
//! Full validation (base58check / bech32 / CashAddr / Monero checksums,
//! EIP-55) is [`parse`]; it is what list loading uses to flag bad entries and
//! what [`CheckOptions::verify_checksum`](crate::CheckOptions) asks for.

use serde::{Serialize, Serializer};

pub(crate) mod base58check;
pub(crate) mod bech32;
pub mod cashaddr;
mod error;
pub(crate) mod evm;
pub(crate) mod icap;
pub mod monero;
pub(crate) mod opaque;
pub(crate) mod solana;
pub(crate) mod xrp;

pub use error::{Bech32Error, ParseError};
pub use evm::to_checksum;

/// Longest address text (after normalization) that is classified; longer
/// strings are keyed as opaque text.
pub const MAX_LEN: usize = 128;

/// Longest input examined at all. Longer inputs are [`ParseError::TooLong`]
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
        network: monero::Network,
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

fn serialize_hex<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
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
                monero::Network::Mainnet => Network::Mainnet,
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

/// Key tags: the first byte of every key, one per key space.
pub(crate) mod tag {
    pub const EVM: u8 = b'e';
    pub const TRON_HEX: u8 = b't';
    pub const BASE58: u8 = b'b';
    pub const BECH32: u8 = b's';
    pub const CASHADDR: u8 = b'c';
    pub const OPAQUE: u8 = b'o';
}

/// Stack space for normalization and keys: nothing on the query path
/// allocates.
pub(crate) struct Scratch {
    text: [u8; MAX_LEN],
    key: [u8; MAX_LEN],
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch {
            text: [0; MAX_LEN],
            key: [0; MAX_LEN],
        }
    }
}

/// A classified, keyed string.
#[derive(Debug)]
pub(crate) struct Keyed<'a> {
    /// The family recognized from the shape.
    pub family: Family,
    /// Key space.
    pub tag: u8,
    /// Key bytes.
    pub payload: &'a [u8],
    /// Normalized address text (URI scheme stripped, CashAddr prefix kept).
    pub text: &'a str,
    /// For an opaque string longer than [`MAX_LEN`]: its cleaned length.
    /// Kept instead of a `ParseError` so that the struct stays small on the
    /// hot path; [`Keyed::error`] builds the error when it is asked for.
    too_long: Option<usize>,
}

impl Keyed<'_> {
    /// Why the string is no known format (meaningful for
    /// `family == Opaque` only).
    pub fn error(&self) -> ParseError {
        if let Some(len) = self.too_long {
            return ParseError::TooLong { len, max: MAX_LEN };
        }
        let (prefix, text) = strip_uri(self.text);
        opaque::reason(prefix, text)
    }
}

/// Normalizes `input` as the screener does before keying it, and returns
/// the address text: the caller-facing view of step 1 of the module docs.
///
/// ```
/// use walletscreen::address::normalize;
/// assert_eq!(
///     normalize(" bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa?amount=1\u{200b}").unwrap(),
///     "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
/// );
/// ```
pub fn normalize(input: &str) -> Result<String, ParseError> {
    let mut scratch = Scratch::new();
    key(input, &mut scratch).map(|k| k.text.to_owned())
}

/// Classifies and keys `input`. `Err` means the input can match nothing
/// (empty, or longer than [`MAX_INPUT`]); an unknown format is `Ok` with
/// `family == Opaque`, since a list may hold such a string verbatim.
#[inline(always)]
pub(crate) fn key<'a>(input: &'a str, scratch: &'a mut Scratch) -> Result<Keyed<'a>, ParseError> {
    let b = input.as_bytes();
    // Fast path, the usual query: printable ASCII without a URI scheme. One
    // branch-free pass (it vectorizes) decides; `clean` and `strip_uri` would
    // return the input unchanged.
    if !b.is_empty() && b.len() <= MAX_LEN {
        let class = byte_classes(b);
        if class & NON_PRINTABLE == 0 {
            // What `key_slow` does with printable input of at most
            // `MAX_LEN` bytes: `clean` returns it as is.
            if class & COLON == 0 {
                return Ok(match classify(None, input, &mut scratch.key) {
                    Some(k) => k,
                    None => opaque(input, None),
                });
            }
            // A CashAddr prefix is tried first on the whole rest: a query
            // (`?amount=…`) is rare and cannot pass the CashAddr charset
            // test, so the search for one is only made when that fails.
            let (mut prefix, mut text) = split_uri(input, true);
            if let Some((id, len)) = prefix {
                if let Some((n, _)) = cashaddr_key(id, text.as_bytes(), &mut scratch.key) {
                    return Ok(Keyed {
                        family: Family::CashAddr,
                        tag: tag::CASHADDR,
                        payload: &scratch.key[..n],
                        text: &input[..len + 1 + text.len()],
                        too_long: None,
                    });
                }
                (prefix, text) = split_uri(input, false);
            }
            return Ok(
                match classify(prefix.map(|p| p.0), text, &mut scratch.key) {
                    Some(mut k) => {
                        if let Some((_, len)) = prefix {
                            k.text = &input[..len + 1 + text.len()];
                        }
                        k
                    }
                    None => opaque(input, None),
                },
            );
        }
    }
    key_slow(input, scratch)
}

fn opaque(text: &str, too_long: Option<usize>) -> Keyed<'_> {
    Keyed {
        family: Family::Opaque,
        tag: tag::OPAQUE,
        payload: text.as_bytes(),
        text,
        too_long,
    }
}

/// Bit of [`byte_classes`]: some byte is not printable ASCII (`!` to `~`).
const NON_PRINTABLE: u8 = 1;
/// Bit of [`byte_classes`]: some byte is `:`.
const COLON: u8 = 2;

/// The `or` of `f` over the bytes of `b`, in a form that vectorizes:
/// 16-byte blocks, the last one overlapping the one before (reading a byte
/// twice changes no `or`), so there is no scalar tail. The per-byte tests
/// of the query path (classes, alphabets, case) all go through it.
#[inline(always)]
pub(crate) fn or_bytes(b: &[u8], f: impl Fn(u8) -> u8) -> u8 {
    let Some(last) = b.last_chunk::<16>() else {
        return b.iter().fold(0, |acc, &c| acc | f(c));
    };
    // A function rather than a closure: a closure here was no longer
    // inlined once `classify` grew (issue 13), which cost ~30 instructions
    // per base58 query (callgrind, BENCHMARKS.md).
    #[inline(always)]
    fn add(acc: &mut [u8; 16], block: &[u8; 16], f: &impl Fn(u8) -> u8) {
        for (a, &c) in acc.iter_mut().zip(block) {
            *a |= f(c);
        }
    }
    let mut acc = [0u8; 16];
    for block in b.as_chunks::<16>().0 {
        add(&mut acc, block, &f);
    }
    add(&mut acc, last, &f);
    acc.iter().fold(0, |x, &a| x | a)
}

/// [`NON_PRINTABLE`] and [`COLON`] of `b`: this runs on every query.
#[inline]
fn byte_classes(b: &[u8]) -> u8 {
    or_bytes(b, |c| {
        u8::from(c.wrapping_sub(0x21) >= 0x7f - 0x21) | (u8::from(c == b':') << 1)
    })
}

/// True if every byte is printable ASCII.
#[inline]
fn is_printable(b: &[u8]) -> bool {
    byte_classes(b) & NON_PRINTABLE == 0
}

/// [`key`] for input that needs cleaning or carries a URI scheme.
#[cold]
fn key_slow<'a>(input: &'a str, scratch: &'a mut Scratch) -> Result<Keyed<'a>, ParseError> {
    if input.len() > MAX_INPUT {
        return Err(ParseError::TooLong {
            len: input.len(),
            max: MAX_INPUT,
        });
    }
    let Scratch {
        text: text_buf,
        key: key_buf,
    } = scratch;
    let (cleaned, len) = clean(input, text_buf);
    if len == 0 {
        return Err(ParseError::Empty);
    }
    // Too long to be an address: exact match of the trimmed text.
    let too_long = || opaque(input.trim_matches(is_ignorable), Some(len));
    let Some(cleaned) = cleaned else {
        return Ok(too_long());
    };
    let (prefix, text) = split_uri(cleaned, false);
    // `MAX_LEN` bounds the address text, not a URI around it: a BIP-21 URI
    // with a label and a message is longer than any address.
    let long = len > MAX_LEN;
    if long && (text.len() > MAX_LEN || text.len() == cleaned.len()) {
        return Ok(too_long());
    }
    if let Some(mut k) = classify(prefix.map(|p| p.0), text, key_buf) {
        if let Some((_, len)) = prefix {
            // A CashAddr prefix is part of the address (its checksum covers
            // it): keep it in the text, as `cleaned[..]` spells it.
            k.text = &cleaned[..len + 1 + text.len()];
        }
        return Ok(k);
    }
    if long {
        return Ok(too_long());
    }
    Ok(opaque(cleaned, None))
}

/// Shape-only classification of normalized text. `None`: no known format.
#[inline(always)]
fn classify<'a>(
    cash_prefix: Option<u8>,
    text: &'a str,
    key_buf: &'a mut [u8; MAX_LEN],
) -> Option<Keyed<'a>> {
    let b = text.as_bytes();
    let keyed = |family, tag, payload| {
        Some(Keyed {
            family,
            tag,
            payload,
            text,
            too_long: None,
        })
    };
    if let Some(prefix) = cash_prefix {
        let (n, _) = cashaddr_key(prefix, b, key_buf)?;
        return keyed(Family::CashAddr, tag::CASHADDR, &key_buf[..n]);
    }
    match b {
        [b'0', b'x' | b'X', hex @ ..] | hex if hex.len() == 40 => {
            let out: &mut [u8; 20] = (&mut key_buf[..20]).try_into().ok()?;
            if evm::decode_hex(hex, out) {
                return keyed(Family::Evm, tag::EVM, &key_buf[..20]);
            }
        }
        [b'4', b'1', ..] if b.len() == 42 => {
            let out: &mut [u8; 21] = (&mut key_buf[..21]).try_into().ok()?;
            if evm::decode_hex(b, out) {
                return keyed(Family::TronHex, tag::TRON_HEX, &key_buf[..21]);
            }
        }
        _ => {}
    }
    // A mixed-case string cannot be a valid bech32 address, but is the usual
    // spelling of a base58 one: a base58check address that happens to start
    // like a bech32 hrp (TRON `TB1…`) must stay base58. Checked only in that
    // rare case, so the hot path still does no decoding.
    if let Some((n, case)) = bech32::lower_key(b, key_buf)
        && !(case == MIXED_CASE && base58check::looks_like(b) && base58check::checksum_ok(b))
    {
        return keyed(Family::Bech32, tag::BECH32, &key_buf[..n]);
    }
    if let Some(n) = bare_cashaddr_key(b, key_buf) {
        return keyed(Family::CashAddr, tag::CASHADDR, &key_buf[..n]);
    }
    // Before the base58 test: an ICAP may use base58 characters only.
    if icap::looks_like(b) && icap_key(b, key_buf) {
        return keyed(Family::Icap, tag::EVM, &key_buf[..20]);
    }
    if monero::looks_like(b) {
        return keyed(Family::Monero, tag::BASE58, b);
    }
    if base58check::looks_like(b) {
        return keyed(Family::Base58, tag::BASE58, b);
    }
    // Last: no other family has this shape, so no other query pays for it.
    if xrp::looks_like_x(b)
        && let Some(n) = xrp::x_key(b, key_buf)
    {
        return keyed(Family::XAddress, tag::BASE58, &key_buf[..n]);
    }
    None
}

/// Writes the EVM key of a direct ICAP into `key_buf[..20]`, if `b` is one
/// (check digits verified). A string that is also a valid base58check
/// address (a Dash `XE…` address, say) stays base58: the checksum is
/// computed only in that rare case.
#[inline(never)]
fn icap_key(b: &[u8], key_buf: &mut [u8; MAX_LEN]) -> bool {
    let Ok(bytes) = icap::decode(b) else {
        return false;
    };
    if base58check::looks_like(b) && base58check::checksum_ok(b) {
        return false;
    }
    key_buf[..20].copy_from_slice(&bytes);
    true
}

/// Bit of the case bits [`lower_into`] returns: some lower-case letter.
pub(crate) const HAS_LOWER: u8 = 1;
/// Bit of the case bits [`lower_into`] returns: some upper-case letter.
pub(crate) const HAS_UPPER: u8 = 2;

/// Writes `b` lower-cased (ASCII) into `out`, which has its length, and
/// returns its case bits ([`HAS_LOWER`], [`HAS_UPPER`]): one pass in
/// 16-byte blocks, as [`or_bytes`] reads them (the last block is written
/// twice, with the same bytes).
#[inline(always)]
pub(crate) fn lower_into(b: &[u8], out: &mut [u8]) -> u8 {
    #[inline(always)]
    fn case(c: u8) -> u8 {
        u8::from(c.is_ascii_lowercase()) | u8::from(c.is_ascii_uppercase()) << 1
    }
    let n = b.len();
    let (Some(last), Some(out_last)) = (b.last_chunk::<16>(), out.get_mut(..n)) else {
        let mut bits = 0;
        for (o, &c) in out.iter_mut().zip(b) {
            bits |= case(c);
            *o = c.to_ascii_lowercase();
        }
        return bits;
    };
    let mut acc = [0u8; 16];
    let mut add = |block: &[u8; 16], out: &mut [u8; 16]| {
        for ((a, o), &c) in acc.iter_mut().zip(out).zip(block) {
            *a |= case(c);
            *o = c.to_ascii_lowercase();
        }
    };
    for (block, o) in b
        .as_chunks::<16>()
        .0
        .iter()
        .zip(out_last.as_chunks_mut::<16>().0)
    {
        add(block, o);
    }
    if let Some(o) = out_last.last_chunk_mut::<16>() {
        add(last, o);
    }
    acc.iter().fold(0, |x, &a| x | a)
}

const MIXED_CASE: u8 = HAS_LOWER | HAS_UPPER;

/// Writes the CashAddr key: the index of the prefix in
/// [`CASHADDR_PREFIXES`] (one byte, so that the prefix costs nothing to
/// hash), then the payload lower-cased; returns its length.
///
/// The payload's shape is checked after lower-casing, so a mixed-case
/// spelling (invalid per the spec, see [`parse`]) still finds its listed
/// address. `None`: not CashAddr-shaped.
#[inline]
fn cashaddr_key(prefix: u8, payload: &[u8], key_buf: &mut [u8; MAX_LEN]) -> Option<(usize, u8)> {
    let n = 1 + payload.len();
    let (first, out) = key_buf.get_mut(..n)?.split_first_mut()?;
    *first = prefix;
    let case = lower_into(payload, out);
    let bad = bech32::any_not_lower_data(out);
    (!bad && cashaddr::shape_fits(out)).then_some((n, case))
}

/// Keys a CashAddr written without prefix, if `b` is one. A uniform-case
/// spelling needs only its shape; a mixed-case one is CashAddr only if it
/// cannot be base58 or its CashAddr checksum verifies, so that a
/// 42-character Solana key is never taken for a CashAddr. The checksum is
/// computed only in that rare case.
#[inline]
fn bare_cashaddr_key(b: &[u8], key_buf: &mut [u8; MAX_LEN]) -> Option<usize> {
    if !cashaddr::plausible_payload_len(b.len()) {
        return None;
    }
    let (n, case) = cashaddr_key(0, b, key_buf)?;
    let unambiguous = case != MIXED_CASE || !base58check::looks_like(b);
    let verified = || {
        std::str::from_utf8(&key_buf[1..n])
            .is_ok_and(|s| cashaddr::decode(s, CASHADDR_DEFAULT_PREFIX).is_ok())
    };
    (unambiguous || verified()).then_some(n)
}

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

fn monero_parse(text: &str) -> Result<Address, ParseError> {
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

fn cashaddr_parse(k: &Keyed<'_>) -> Result<Address, ParseError> {
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

/// True for characters removed anywhere in an address: whitespace, controls
/// and invisible format characters (zero-width, bidi, BOM, variation
/// selectors, tags, Hangul fillers...).
pub(crate) fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}'
            | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// Step 1. Returns the cleaned text and the length in bytes of the whole
/// cleaned input.
///
/// The text is `input` itself when it is plain printable ASCII (of any
/// length: the caller bounds it), else a cleaned copy in `buf`. When the
/// whole cleaned input would not fit in `buf`, only its part before the
/// first `?` or `#` (a URI's query or fragment) and an EIP-681 `address`
/// parameter are cleaned ([`long_parts`]), which is all [`strip_uri`] keeps
/// of a URI; the caller must then check that a URI scheme was indeed
/// stripped. `None`: that part does not fit either.
fn clean<'a>(input: &'a str, buf: &'a mut [u8; MAX_LEN]) -> (Option<&'a str>, usize) {
    let bytes = input.as_bytes();
    if is_printable(bytes) {
        return (Some(input), bytes.len());
    }
    if bytes.is_ascii() {
        return clean_ascii(input, buf);
    }
    clean_chars(input, buf)
}

/// [`clean`] of ASCII input, byte by byte: the ignorable ASCII characters are
/// exactly the controls and the space (`<= 0x20` and `0x7f`), and nothing
/// ASCII folds.
fn clean_ascii<'a>(input: &'a str, buf: &'a mut [u8; MAX_LEN]) -> (Option<&'a str>, usize) {
    let kept = |c: &&u8| (0x21..0x7f).contains(*c);
    let len = input.bytes().filter(|c| kept(&c)).count();
    let parts = if len > MAX_LEN {
        long_parts(input)
    } else {
        [input, ""]
    };
    let mut n = 0;
    for (i, part) in parts.iter().enumerate() {
        let sep = (i == 1 && !part.is_empty()).then_some(&b'?');
        for &c in sep.into_iter().chain(part.as_bytes().iter().filter(kept)) {
            let Some(dst) = buf.get_mut(n) else {
                return (None, len);
            };
            *dst = c;
            n += 1;
        }
    }
    (std::str::from_utf8(&buf[..n]).ok(), len)
}

/// [`clean`] of any input, character by character.
fn clean_chars<'a>(input: &'a str, buf: &'a mut [u8; MAX_LEN]) -> (Option<&'a str>, usize) {
    let len: usize = input.chars().filter_map(fold).map(char::len_utf8).sum();
    let parts = if len > MAX_LEN {
        long_parts(input)
    } else {
        [input, ""]
    };
    let mut n = 0;
    for (i, part) in parts.iter().enumerate() {
        let sep = (i == 1 && !part.is_empty()).then_some('?');
        for c in sep.into_iter().chain(part.chars().filter_map(fold)) {
            let mut tmp = [0u8; 4];
            let enc = c.encode_utf8(&mut tmp).as_bytes();
            match buf.get_mut(n..n + enc.len()) {
                Some(dst) => dst.copy_from_slice(enc),
                None => return (None, len),
            }
            n += enc.len();
        }
    }
    // Only whole UTF-8 sequences were copied.
    (std::str::from_utf8(&buf[..n]).ok(), len)
}

/// What [`clean`] keeps of an input too long to clean whole: the part
/// before the first `?` or `#`, and the query's EIP-681 `address`
/// parameter (`address=VALUE`, written back after a `?`), which
/// [`split_uri`] screens instead of a function call's target. A typical
/// ERC-20 transfer URI is ~130 characters.
fn long_parts(input: &str) -> [&str; 2] {
    let Some(end) = input.find(['?', '#']) else {
        return [input, ""];
    };
    let param = input[end..].strip_prefix('?').and_then(address_param);
    [&input[..end], param.unwrap_or("")]
}

/// The first `address=VALUE` parameter of a URI query (`query`: what
/// follows the `?`, a `#fragment` included or not).
fn address_param(query: &str) -> Option<&str> {
    let query = &query[..query.find('#').unwrap_or(query.len())];
    query.split('&').find(|p| p.starts_with("address="))
}

/// What one character of the input becomes: nothing if ignorable; full-width
/// ASCII variants (U+FF01..U+FF5E) fold to ASCII.
fn fold(c: char) -> Option<char> {
    match c {
        c if is_ignorable(c) => None,
        '\u{FF01}'..='\u{FF5E}' => Some(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
        c => Some(c),
    }
}

/// The prefix assumed for a CashAddr written without one.
pub(crate) const CASHADDR_DEFAULT_PREFIX: &str = "bitcoincash";

/// CashAddr prefixes kept as part of the address; the first is the default
/// (see [`CASHADDR_DEFAULT_PREFIX`]).
const CASHADDR_PREFIXES: [&str; 3] = ["bitcoincash", "bchtest", "bchreg"];

/// The CashAddr prefix a key's first byte stands for.
pub(crate) fn cashaddr_prefix(index: u8) -> Option<&'static str> {
    CASHADDR_PREFIXES.get(usize::from(index)).copied()
}

/// Splits off a URI scheme: `(cashaddr prefix, address text)`.
fn strip_uri(s: &str) -> (Option<&str>, &str) {
    let (prefix, text) = split_uri(s, false);
    (prefix.map(|(_, len)| &s[..len]), text)
}

/// Splits off a URI scheme: `(Some((index in CASHADDR_PREFIXES, length of
/// the prefix)) for a CashAddr prefix, address text)`. `lazy`: after a
/// CashAddr prefix, return the whole rest, query included if any.
#[inline]
fn split_uri(s: &str, lazy: bool) -> (Option<(u8, usize)>, &str) {
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
    let Some(colon) = b.iter().position(|&c| c == b':') else {
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
fn eip681_address(tail: &str) -> Option<&str> {
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    tail[..path_end].find('/')?;
    address_param(tail[path_end..].strip_prefix('?')?)?
        .strip_prefix("address=")
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> (Family, u8, Vec<u8>) {
        let mut sc = Scratch::new();
        let k = key(s, &mut sc).unwrap();
        (k.family, k.tag, k.payload.to_vec())
    }

    #[test]
    fn strip_uri_cases() {
        assert_eq!(strip_uri("bitcoin:1abc?amount=1"), (None, "1abc"));
        assert_eq!(strip_uri("ethereum:pay-0xab@1/transfer"), (None, "0xab"));
        assert_eq!(strip_uri("litecoin://Labc"), (None, "Labc"));
        assert_eq!(
            strip_uri("BITCOINCASH:qpm2?x"),
            (Some("BITCOINCASH"), "qpm2")
        );
        assert_eq!(strip_uri("1abc"), (None, "1abc"));
        assert_eq!(strip_uri(":x"), (None, ":x"));
        assert_eq!(strip_uri("x:abcé"), (None, "abcé"));
        assert_eq!(strip_uri("ethereum:pa€"), (None, "pa€"));
        // EIP-681 function calls: the `address` parameter is screened.
        for (uri, want) in [
            ("ethereum:0xT@1/transfer?address=0xR&uint256=1", "0xR"),
            ("ETHEREUM:0xT/transfer?uint256=1&address=0xR", "0xR"),
            ("ethereum:pay-0xT@137/approve?address=0xR#x", "0xR"),
            ("ethereum:0xT/transfer?address=&uint256=1", "0xT"),
            ("ethereum:0xT@1?address=0xR", "0xT"),
            ("ethereum:0xT/transfer#address=0xR", "0xT"),
            ("ethereum:0xT/transfer?addresses=0xR", "0xT"),
            ("bitcoin:0xT/transfer?address=0xR", "0xT"),
        ] {
            assert_eq!(strip_uri(uri), (None, want), "{uri}");
        }
    }

    #[test]
    fn evm_spellings_share_a_key() {
        let a = k("0x52908400098527886E0F7030069857D2E4169EE7");
        assert_eq!(a.0, Family::Evm);
        assert_eq!(a, k("0x52908400098527886e0f7030069857d2e4169ee7"));
        assert_eq!(a, k("52908400098527886E0F7030069857D2E4169EE7"));
        assert_eq!(
            a,
            k("ethereum:0x52908400098527886E0F7030069857D2E4169EE7@1")
        );
        assert_eq!(
            a,
            k("\u{200b} 0X52908400098527886E0F7030069857D2E4169EE7\n")
        );
    }

    #[test]
    fn cashaddr_prefix_is_kept_and_case_checked_whole() {
        let p = "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a";
        assert_eq!(
            normalize(&format!("bitcoincash:{p}?amount=1")).unwrap(),
            format!("bitcoincash:{p}")
        );
        assert_eq!(
            normalize(&format!("bchtest:{p}")).unwrap(),
            format!("bchtest:{p}")
        );
        assert_eq!(normalize(p).unwrap(), p);
        // Normalizing does not change what an address parses to.
        for q in [
            format!("bitcoincash:{p}"),
            format!("BITCOINCASH:{}", p.to_ascii_uppercase()),
        ] {
            assert_eq!(parse(&normalize(&q).unwrap()), parse(&q));
            assert!(parse(&q).is_ok());
        }
        // Mixed case between prefix and payload is mixed case (as
        // `cashaddr::decode` says), yet the key is the same.
        let mixed = format!("BITCOINCASH:{p}");
        assert_eq!(
            parse(&mixed),
            Err(ParseError::MixedCase {
                family: Family::CashAddr
            })
        );
        assert!(cashaddr::decode(&mixed, CASHADDR_DEFAULT_PREFIX).is_err());
        assert_eq!(k(&mixed), k(&format!("bitcoincash:{p}")));
    }

    #[test]
    fn long_uri_is_stripped_before_the_length_cap() {
        let a = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
        let query = "?amount=1&label=".to_owned() + &"x".repeat(200);
        for q in [
            format!("bitcoin:{a}{query}"),
            format!("\u{200b}bitcoin:{a}{query}"),
            format!("bitcoin:{a}{query}\u{00e9}#frag"),
            format!("ｂｉｔｃｏｉｎ：{a}{query}\u{00e9}"),
        ] {
            assert!(q.len() > MAX_LEN);
            assert_eq!(k(&q), k(a), "{q}");
            assert_eq!(normalize(&q).unwrap(), a);
        }
        // Not a URI: still too long, keyed verbatim, however it is spelled.
        for q in [format!("{a}{query}"), format!("{a}{query}\u{00e9}")] {
            let mut sc = Scratch::new();
            let kk = key(&q, &mut sc).unwrap();
            assert_eq!(kk.family, Family::Opaque);
            assert_eq!(kk.payload, q.as_bytes());
            assert!(matches!(kk.error(), ParseError::TooLong { .. }));
        }
        // A URI whose address part is itself too long.
        let q = format!("bitcoin:{}", "x".repeat(MAX_LEN + 1));
        let mut sc = Scratch::new();
        assert!(matches!(
            key(&q, &mut sc).unwrap().error(),
            ParseError::TooLong { .. }
        ));
    }

    #[test]
    fn base58check_address_shaped_like_bech32_stays_base58() {
        // base58check of 0x41 || hash: a TRON address starting `TB1` whose
        // other characters are all in the bech32 alphabet.
        let t = "TB1athnQ93Sy8knP2HGFX7yPeeHCTQ9FKV";
        assert!(bech32::looks_like(t.as_bytes()));
        assert_eq!(k(t).0, Family::Base58);
        assert_eq!(parse(t).unwrap().kind, AddressKind::Tron);
        // Mixed-case spellings of a bech32 address are still bech32 keys.
        let w = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
        let mixed = "bC1QW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
        assert_eq!(k(mixed), k(w));
        assert_eq!(k(w).0, Family::Bech32);
        // A case-swapped (different) base58 string is not the TRON address.
        assert_ne!(k("TB1athnq93sy8knp2hgfx7ypeehctq9fkv"), k(t));
    }

    #[test]
    fn too_long_and_empty() {
        let mut sc = Scratch::new();
        assert_eq!(key(" \u{200b}\t", &mut sc).unwrap_err(), ParseError::Empty);
        let long = "a".repeat(MAX_INPUT + 1);
        assert!(matches!(
            key(&long, &mut sc),
            Err(ParseError::TooLong { .. })
        ));
        let mid = "a".repeat(MAX_LEN + 1);
        let kk = key(&mid, &mut sc).unwrap();
        assert_eq!(kk.family, Family::Opaque);
        assert_eq!(kk.payload.len(), MAX_LEN + 1);
    }

    /// A comparable view of a `Keyed`: family, tag, payload, text, error.
    type View = (Family, u8, Vec<u8>, String, String);

    /// What `key` and `key_slow` say of a string, comparably.
    fn both(s: &str) -> [Result<View, ParseError>; 2] {
        let view = |k: Result<Keyed<'_>, ParseError>| {
            k.map(|k| {
                let err = if k.family == Family::Opaque {
                    k.error().to_string()
                } else {
                    String::new()
                };
                (k.family, k.tag, k.payload.to_vec(), k.text.to_owned(), err)
            })
        };
        let (mut a, mut b) = (Scratch::new(), Scratch::new());
        [view(key(s, &mut a)), view(key_slow(s, &mut b))]
    }

    /// The fast path of `key` (printable ASCII, at most `MAX_LEN` bytes)
    /// answers exactly what the general path answers.
    #[test]
    fn fast_path_agrees_with_general_path_on_named_cases() {
        for s in [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "52908400098527886e0f7030069857d2e4169ee7",
            "0x52908400098527886E0F7030069857D2E4169EEg",
            "41a614f803b6fd780986a42c78ec9c7f77e6ded13c",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "TB1athnQ93Sy8knP2HGFX7yPeeHCTQ9FKV",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            "BITCOINCASH:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A?amount=1",
            "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
            "bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa?amount=1",
            "ethereum:pay-0x52908400098527886E0F7030069857D2E4169EE7@1/transfer",
            "XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi",
            "xrpl:T719a5UwUCnEs54UsxG9CJYYDhwmFCqkr7wxCcNcfZ6p5GZ",
            "XVLhHMPHU98es4dbozjVtdWzVrDjtV5fdx1mHp98tDMoQXa",
            "XE7338O073KYGTWWZN0F2WZ0R8PX5ZPPZS",
            "iban:XE7338o073kygtwwzn0f2wz0r8px5zppzs",
            "XE7438O073KYGTWWZN0F2WZ0R8PX5ZPPZS",
            "tex10wur2u9clts5dcpu2vc6qg93uzyj7cca2xm732",
            "CHWPkWZqKMtbAko4AzK1zLj1kujrFTqEg4",
            "x:y",
            ":",
            "bitcoincash:",
            "a",
            "!",
            "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        ] {
            let [fast, slow] = both(s);
            assert_eq!(fast, slow, "{s}");
        }
        let long = "a".repeat(MAX_LEN);
        let [fast, slow] = both(&long);
        assert_eq!(fast, slow);
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_general_path(
            s in "[!-~]{1,130}|(bitcoincash|bchtest|bitcoin|ethereum|x):[!-~]{0,60}\\?[!-~]{0,10}|0[xX][0-9a-fA-FgG]{38,41}|(bc|tb|ltc|bnb|BC)1[qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZRY]{6,70}|[qpQP][qpzry9x8gf2tvdw0s3jn54khce6mua7l]{41}"
        ) {
            let [fast, slow] = both(&s);
            proptest::prop_assert_eq!(fast, slow, "{:?}", s);
        }
    }

    proptest::proptest! {
        /// The byte-by-byte cleaning of ASCII input is the character-by-
        /// character one.
        #[test]
        fn ascii_cleaning_agrees_with_char_cleaning(
            s in "[\\x00-\\x7f]{0,300}|([ \\t\\x00\\x7f?#a-z0-9]{0,80}){1,3}"
        ) {
            let (mut a, mut b) = ([0u8; MAX_LEN], [0u8; MAX_LEN]);
            let fast = clean_ascii(&s, &mut a);
            let slow = clean_chars(&s, &mut b);
            proptest::prop_assert_eq!(fast, slow, "{:?}", s);
        }
    }

    proptest::proptest! {
        /// The block passes (`or_bytes`, `lower_into`) read and write
        /// every byte once in effect, whatever the length.
        #[test]
        fn block_passes_agree_with_byte_loops(
            b in proptest::collection::vec(proptest::num::u8::ANY, 0..80)
        ) {
            let f = |c: u8| 1u8 << (c % 8);
            proptest::prop_assert_eq!(or_bytes(&b, f), b.iter().fold(0, |a, &c| a | f(c)));
            let mut out = vec![0u8; b.len()];
            let case = lower_into(&b, &mut out);
            proptest::prop_assert_eq!(&out, &b.to_ascii_lowercase());
            let want = (u8::from(b.iter().any(u8::is_ascii_lowercase)) * HAS_LOWER)
                | (u8::from(b.iter().any(u8::is_ascii_uppercase)) * HAS_UPPER);
            proptest::prop_assert_eq!(case, want);
        }
    }
}
