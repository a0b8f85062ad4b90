//! Fuzz target: name normalisation on arbitrary text (any script, combining marks, look-alike
//! letters): `split_full_name`, `normalize_name`, `skeleton` and the blocking keys must never
//! panic, and normalising must be stable on its own skeletons.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tanu_index::keys::name_keys;
use tanu_index::name::{normalize_name, skeleton, split_full_name};

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
    let s = skeleton(&text);
    assert_eq!(skeleton(&s), s, "skeleton is not idempotent");
});
