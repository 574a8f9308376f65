//! Fuzz target `address`: the invariant is `invariants::address` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::address(data));
