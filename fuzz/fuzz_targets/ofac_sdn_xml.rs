//! Fuzz target `ofac_sdn_xml`: the invariant is `invariants::ofac_sdn_xml` (FUZZING.md).
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::ofac_sdn_xml(data));
