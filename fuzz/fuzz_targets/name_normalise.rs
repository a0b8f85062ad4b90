//! Fuzz target: name normalisation on arbitrary text (any script, combining marks, look-alike
//! letters): `split_full_name`, `normalize_name`, `given_and_patronymic_swapped`, `skeleton` and
//! the blocking keys must never panic, normalising must be stable on its own skeletons, and a
//! name read swapped must never call for swapping back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::keys::name_keys;
use tanu_index::name::{given_and_patronymic_swapped, normalize_name, skeleton, split_full_name};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let split = split_full_name(&text);
    let n = normalize_name(
        &split.surname,
        &split.given_name,
        split.patronymic.as_deref(),
    );
    let mut keys = Vec::new();
    name_keys(&n, &mut keys);
    let patronymic = split.patronymic.as_deref().unwrap_or("");
    assert!(
        !(given_and_patronymic_swapped(&split.given_name, patronymic)
            && given_and_patronymic_swapped(patronymic, &split.given_name)),
        "swapped both ways"
    );
    let s = skeleton(&text);
    assert_eq!(skeleton(&s), s, "skeleton is not idempotent");
});
