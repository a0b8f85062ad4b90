//! Fuzz target: `date::PartialDate::parse` on arbitrary text ("YYYY-MM-DD", "YYYY-MM", "YYYY"
//! and everything else) must return a result, never panic; an accepted date must survive its
//! index key (`to_key` / `from_key`) and its text form unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::date::PartialDate;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = PartialDate::parse(text) {
        assert_eq!(PartialDate::from_key(d.to_key()), Some(d));
        assert_eq!(PartialDate::parse(&d.to_string()), Ok(d));
    }
});
