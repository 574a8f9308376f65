//! Fuzz target `list_text`: the invariant is `invariants::list_text` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::list_text(data));
