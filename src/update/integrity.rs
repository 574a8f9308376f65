//! Integrity checks of bytes before they are used: an expected SHA-256
//! ([`check_sha256`]) and a detached minisign signature
//! ([`check_minisign`]). No I/O: the updater checks each fetched list with
//! them ([`Source::sha256`](super::Source::sha256),
//! [`Source::minisign`](super::Source::minisign)), and a caller that got
//! bytes its own way (a compiled image a wallet downloads from its own
//! server, say, before [`Screener::from_compiled_bytes`](crate::Screener::from_compiled_bytes))
//! checks them the same way.

use sha2::{Digest, Sha256};

use super::{hex, unhex32};

/// Why bytes failed an integrity check (or what describes the check was
/// no digest or key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntegrityError {
    /// The bytes do not have the expected SHA-256.
    #[error("SHA-256 {actual} is not the expected {expected}")]
    Sha256Mismatch {
        /// The digest expected, hex.
        expected: String,
        /// The digest of the bytes, hex.
        actual: String,
    },
    /// The expected digest is not 64 hex digits.
    #[error("{value:?} is not a SHA-256 (64 hex digits)")]
    BadSha256 {
        /// What was given.
        value: String,
    },
    /// The public key is not a minisign public key (its base64 line, or
    /// the whole `minisign.pub` file).
    #[error("public key: {reason}")]
    BadPublicKey {
        /// Why.
        reason: String,
    },
    /// The signature is not a minisign signature file.
    #[error("not a minisign signature")]
    NotASignature,
    /// The signature was made with another key (its key id differs).
    #[error("made with another key")]
    OtherKey,
    /// A legacy minisign signature (of the bytes, not of their hash):
    /// not accepted.
    #[error("legacy (not hashed) signature, not accepted")]
    LegacySignature,
    /// The signature (or its trusted comment) does not verify: the bytes
    /// or the signature were changed.
    #[error("does not verify")]
    DoesNotVerify,
}

/// Parses an expected SHA-256: 64 hex digits, either case.
///
/// ```
/// use walletscreen::update::integrity::{parse_sha256, IntegrityError};
/// let d = parse_sha256("36C517BD264D8D97EFF353EADD8D84427D5EB293505A8CE07271A5BC258C3117")?;
/// assert_eq!(d[0], 0x36);
/// assert!(matches!(parse_sha256("36c5"), Err(IntegrityError::BadSha256 { .. })));
/// # Ok::<(), IntegrityError>(())
/// ```
pub fn parse_sha256(value: &str) -> Result<[u8; 32], IntegrityError> {
    unhex32(&value.to_ascii_lowercase()).ok_or_else(|| IntegrityError::BadSha256 {
        value: value.to_owned(),
    })
}

/// Checks that `bytes` have the SHA-256 `expected`.
///
/// ```
/// use walletscreen::update::integrity::{check_sha256, parse_sha256, IntegrityError};
/// // SHA-256 of "abc".
/// let d = parse_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")?;
/// assert!(check_sha256(b"abc", &d).is_ok());
/// assert!(matches!(check_sha256(b"abd", &d), Err(IntegrityError::Sha256Mismatch { .. })));
/// # Ok::<(), IntegrityError>(())
/// ```
pub fn check_sha256(bytes: &[u8], expected: &[u8; 32]) -> Result<(), IntegrityError> {
    let actual: [u8; 32] = Sha256::digest(bytes).into();
    if actual == *expected {
        Ok(())
    } else {
        Err(IntegrityError::Sha256Mismatch {
            expected: hex(expected),
            actual: hex(&actual),
        })
    }
}

/// The base64 line of a minisign public key given as that line or as the
/// whole `minisign.pub` file (its `untrusted comment:` line skipped),
/// validated.
pub(super) fn minisign_key_line(public_key: &str) -> Result<&str, IntegrityError> {
    let line = public_key
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .unwrap_or("");
    minisign_verify::PublicKey::from_base64(line).map_err(|e| IntegrityError::BadPublicKey {
        reason: format!("{e}"),
    })?;
    Ok(line)
}

/// Checks a detached [minisign](https://jedisct1.github.io/minisign/)
/// (Ed25519) signature of `bytes`: `signature` is the text of the
/// `.minisig` file, `public_key` the key's base64 line or the whole
/// `minisign.pub` file. Only signatures of a hash of the bytes
/// (minisign's default) are accepted, not the legacy mode; the trusted
/// comment is verified too.
///
/// The checks run in this order: the signature's form
/// ([`IntegrityError::NotASignature`]), the key's
/// ([`IntegrityError::BadPublicKey`]), then the signature itself.
pub fn check_minisign(
    bytes: &[u8],
    signature: &str,
    public_key: &str,
) -> Result<(), IntegrityError> {
    let sig =
        minisign_verify::Signature::decode(signature).map_err(|_| IntegrityError::NotASignature)?;
    let key = minisign_key_line(public_key)?;
    let key =
        minisign_verify::PublicKey::from_base64(key).map_err(|e| IntegrityError::BadPublicKey {
            reason: format!("{e}"),
        })?;
    key.verify(bytes, &sig, false).map_err(|e| match e {
        minisign_verify::Error::UnexpectedKeyId => IntegrityError::OtherKey,
        minisign_verify::Error::UnexpectedAlgorithm => IntegrityError::LegacySignature,
        _ => IntegrityError::DoesNotVerify,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minisign/");

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{DIR}{name}")).unwrap()
    }

    #[test]
    fn minisign_good_tampered_other_key_and_garbage() {
        let (list, sig) = (read("list.csv"), read("list.csv.minisig"));
        let sig = String::from_utf8(sig).unwrap();
        let key = String::from_utf8(read("minisign.pub")).unwrap();
        assert_eq!(check_minisign(&list, &sig, &key), Ok(()));
        // The key's base64 line alone works as well as the file.
        let line = key.lines().last().unwrap();
        assert_eq!(check_minisign(&list, &sig, line), Ok(()));
        let mut tampered = list.clone();
        tampered[10] ^= 1;
        assert_eq!(
            check_minisign(&tampered, &sig, &key),
            Err(IntegrityError::DoesNotVerify)
        );
        let other = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
        assert_eq!(
            check_minisign(&list, &sig, other),
            Err(IntegrityError::OtherKey)
        );
        assert_eq!(
            check_minisign(&list, "hello", &key),
            Err(IntegrityError::NotASignature)
        );
        assert!(matches!(
            check_minisign(&list, &sig, "not a key"),
            Err(IntegrityError::BadPublicKey { .. })
        ));
    }

    #[test]
    fn sha256_digests_are_strict_hex() {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let d = parse_sha256(abc).unwrap();
        assert_eq!(check_sha256(b"abc", &d), Ok(()));
        let Err(IntegrityError::Sha256Mismatch { expected, actual }) = check_sha256(b"", &d) else {
            panic!("expected a mismatch");
        };
        assert_eq!(expected, abc);
        assert_eq!(
            actual,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // A sign is no hex digit (`from_str_radix` would take "+b").
        let signed = format!("+b{}", &abc[2..]);
        assert!(matches!(
            parse_sha256(&signed),
            Err(IntegrityError::BadSha256 { .. })
        ));
        assert!(parse_sha256(&abc[1..]).is_err());
        assert!(parse_sha256(&format!("{}é", &abc[..62])).is_err());
    }
}
