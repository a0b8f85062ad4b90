//! Fuzz target: arbitrary bytes as an index's `persons.rkyv` (`reader::validate_archive_bytes`)
//! and as its `manifest.json` (`format::Manifest::decode`): both must return an error for
//! garbage, never panic or read out of bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::format::Manifest;
use tanu_index::reader::validate_archive_bytes;

fuzz_target!(|data: &[u8]| {
    let _ = validate_archive_bytes(data);
    let _ = Manifest::decode(data);
});
