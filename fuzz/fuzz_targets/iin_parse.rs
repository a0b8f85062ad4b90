//! Fuzz target: `Iin::parse` on arbitrary text must return a result, never panic; a valid IIN
//! must round-trip through its digits, `from_u64` and `from_parts`, and its near misses must each
//! be one edit away.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::iin::Iin;

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
});
