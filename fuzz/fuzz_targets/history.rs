//! Fuzz target `history`: the invariant is `invariants::history` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::history(data));
