//! Fuzz target `ofac_csv`: the invariant is `invariants::ofac_csv` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::ofac_csv(data));
