//! Any bytes as a docs tree of up to four pages (split at NUL bytes): read, resolve, emit, and
//! every emitted Rust file must parse again as printed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = generator::check::harness::generate(data) {
        panic!("generated Rust is invalid: {e}");
    }
});
