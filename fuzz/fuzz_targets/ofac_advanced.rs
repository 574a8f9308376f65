//! Fuzz target `ofac_advanced`: the invariant is `invariants::ofac_advanced` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::ofac_advanced(data));
