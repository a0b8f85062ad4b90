//! Fuzz target: `source::read_line` on one arbitrary line of the export must return a person,
//! a salvaged person or a `field: reason` error, never panic. A person `parse_line` accepts must
//! serialise and parse again to the same person; a salvaged one must carry its damage and fit
//! the field limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::source::{LineOutcome, MAX_FIELD_BYTES, parse_line, read_line};

fuzz_target!(|data: &[u8]| {
    match read_line(data, 1) {
        LineOutcome::Good(person) => {
            let _ = person.iin_check();
            if let Ok(again) = serde_json::to_vec(&person) {
                assert_eq!(parse_line(&again).as_ref(), Ok(&person));
            }
        }
        LineOutcome::Damaged(person, _) => {
            assert!(person.damage.is_some());
            let _ = person.iin_check();
            for name in [&person.surname, &person.given_name, &person.person_id] {
                assert!(name.len() <= MAX_FIELD_BYTES.max(64));
                assert!(!name.chars().any(char::is_control));
            }
        }
        LineOutcome::Unreadable(_) => {}
    }
});
