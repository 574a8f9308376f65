//! Fuzz target `scan`: the invariant is `invariants::scan` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::scan(data));
