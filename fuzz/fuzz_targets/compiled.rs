//! Fuzz target `compiled`: the invariant is `invariants::compiled` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::compiled(data));
