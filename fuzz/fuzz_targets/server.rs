//! The service's request surface: any method, path, query, headers and
//! body through `walletscreen_server::app` in process (invariant:
//! `fuzz/server_invariant.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../server_invariant.rs"]
#[allow(dead_code)]
mod server_invariant;

fuzz_target!(|data: &[u8]| {
    server_invariant::check(data);
});
