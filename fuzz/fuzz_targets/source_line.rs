//! Fuzz target: `source::parse_line` on one arbitrary line of the export must return a person
//! or a `field: reason` error, never panic; a person it accepts must serialise and parse again
//! to the same person.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::source::parse_line;

fuzz_target!(|data: &[u8]| {
    if let Ok(person) = parse_line(data) {
        let _ = person.iin_check();
        if let Ok(again) = serde_json::to_vec(&person) {
            assert_eq!(parse_line(&again).as_ref(), Ok(&person));
        }
    }
});
