//! Any bytes as one docs page: the reader must not panic, hang or blow up memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = generator::check::harness::read_page(data);
});
