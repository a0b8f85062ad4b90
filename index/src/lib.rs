//! `tanu-index`: the special-records data that the whole engine reads. It owns the record model,
//! IIN rules, name normalisation and keys, the on-disk index format (rkyv archive over memmap2,
//! key tables, the tantivy name-part index), its builder and its reader. It never decides matches.

pub mod builder;
pub mod date;
pub mod format;
#[cfg(feature = "fuzzy")]
pub mod fuzzy;
pub mod iin;
pub mod keys;
pub mod name;
pub mod reader;
pub mod source;
