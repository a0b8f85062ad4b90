//! Fuzz target: `date::PartialDate::parse`, `parse_written` and `salvage` on arbitrary text
//! ("YYYY-MM-DD", "DD.MM.YYYY", "YYYY-MM", "YYYY" and everything else) must return a result,
//! never panic; an accepted date must survive its index key (`to_key` / `from_key`) and its text
//! form unchanged, and whatever `parse` accepts `parse_written` reads the same.
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
        assert_eq!(PartialDate::parse_written(text), Ok(d));
    }
    for d in [PartialDate::parse_written(text).ok(), PartialDate::salvage(text)]
        .into_iter()
        .flatten()
    {
        assert_eq!(PartialDate::from_key(d.to_key()), Some(d));
        assert_eq!(PartialDate::parse(&d.to_string()), Ok(d));
    }
});
