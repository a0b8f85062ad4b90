//! Fuzz target: `Iin::parse` on arbitrary text must return a result, never panic; a valid IIN
//! must round-trip through its digits, `from_u64` and `from_parts`, and its near misses must each
//! be one edit away. `Iin::with_lost_leading_zero` (with the date the IIN itself would state)
//! must never panic, and what it restores is the text's digits with zeros in front.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::date::PartialDate;
use tanu_index::iin::{Iin, without_separators};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(iin) = Iin::parse(text) {
        assert_eq!(Iin::parse(&iin.to_string()), Ok(iin));
        assert_eq!(Iin::from_u64(iin.as_u64()), Ok(iin));
        let _ = Iin::from_parts(iin.birth_date(), iin.sex(), 0);
        for near in iin.near_misses() {
            assert!(iin.is_one_edit_from(&near));
        }
    }
    let digits = without_separators(text.trim()).to_string();
    for year in [2000u16, 2003, 2009] {
        let born = PartialDate { year, month: None, day: None };
        if let Some(iin) = Iin::with_lost_leading_zero(text, Some(born)) {
            assert_eq!(iin.to_string().trim_start_matches('0'), digits);
            assert_eq!(PartialDate::from(iin.birth_date()).year, year);
        }
    }
});
