//! Fuzz target `ofac_enhanced`: the invariant is `invariants::ofac_enhanced` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::ofac_enhanced(data));
