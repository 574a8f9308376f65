//! Hex helpers shared by the integration tests (one copy, included with
//! `#[path = "support/hex.rs"] mod hex;`).

#![allow(dead_code)] // each test crate uses its own part of the helpers

/// Lower-case hex of `bytes`, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The bytes of hex text `h` (either case); panics, naming `h`, on an odd
/// length or a non-hex digit (test data is fixed: a panic is a broken test).
pub fn unhex(h: &str) -> Vec<u8> {
    assert!(h.len().is_multiple_of(2), "odd hex length: {h}");
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or_else(|e| panic!("{h}: {e}")))
        .collect()
}
