//! Fuzz target `list_csv`: the invariant is `invariants::list_csv` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::list_csv(data));
