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
//! EIP-55) is [`parse`](fn@parse); it is what list loading uses to flag bad entries and
//! what [`CheckOptions::verify_checksum`](crate::CheckOptions) asks for.

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

mod key;
mod normalize;
mod parse;
mod types;
mod uri;

pub(crate) use key::{Keyed, Scratch, key, lower_into, or_bytes, tag};
pub use normalize::normalize;
pub use parse::parse;
pub(crate) use parse::parse_keyed;
pub use types::{Address, AddressKind, Checksum, Family, MAX_INPUT, MAX_LEN, Network};
pub(crate) use uri::{CASHADDR_DEFAULT_PREFIX, cashaddr_prefix};

#[cfg(test)]
mod tests {
    use super::key::{HAS_LOWER, HAS_UPPER, key_slow};
    use super::normalize::{clean_ascii, clean_chars};
    use super::uri::strip_uri;
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
