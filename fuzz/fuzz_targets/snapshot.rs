//! Fuzz target `snapshot`: the invariant is `invariants::snapshot` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::snapshot(data));
