//! The on-disk index format: the rkyv archive types of `persons.rkyv` (persons, their names,
//! records and the sorted key tables) and `manifest.json` (version, counts, checksums).
//! Owns the layout and its conversions; it must never do I/O beyond encoding the manifest.

use crate::date::{PartialDate, from_days, to_days};
use crate::source::{
    Category, Damage, Date, Punishment, RecordList, Sex, SourceAdminOffence, SourceAlias,
    SourceConviction, SourcePerson, UnreadableRecord,
};
use rkyv::{Archive, Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the archive layout and of the key scheme. Bump on any change of either.
pub const FORMAT_VERSION: u32 = 13;
/// File name of the archive inside an index directory.
pub const ARCHIVE_FILE: &str = "persons.rkyv";
/// File name of the manifest inside an index directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Directory of the tantivy name-part index inside an index directory.
pub const NAMES_DIR: &str = "names";

/// Leading digits of the IIN table's directory: year and month of birth, so an IIN and its near
/// misses in digits 5-12 share a bucket. (Six digits, a 4 MiB directory, measured 15% slower
/// at 3 million persons: the directory itself no longer stays in cache.)
pub const IIN_DIR_DIGITS: u32 = 4;
/// Most bits of a hashed key that pick its bucket in a hashed table's directory.
pub const MAX_HASH_DIR_BITS: u32 = 20;

/// Leading digits of an IIN directory, from its length (10^digits + 1), when valid.
pub fn iin_dir_digits_of_len(len: usize) -> Option<u32> {
    (len == 10usize.pow(IIN_DIR_DIGITS) + 1).then_some(IIN_DIR_DIGITS)
}

/// The IIN directory bucket of a key, for a directory on `digits` leading digits.
#[inline]
pub fn iin_bucket(key: u64, digits: u32) -> usize {
    let buckets = 10u64.pow(digits);
    (key / 10u64.pow(12 - digits)).min(buckets - 1) as usize
}

/// First year of the birth-date directory; earlier keys share its first bucket.
pub const BIRTH_DIR_FIRST_YEAR: u64 = 1800;
/// Years of the birth-date directory; later keys share its last bucket.
pub const BIRTH_DIR_YEARS: u64 = 300;
/// Buckets of the birth-date directory: one per (year, month 0–12, day 0–31), so a key inside
/// the years has a bucket of its own and a look-up needs no search.
pub const BIRTH_DIR_BUCKETS: usize = (BIRTH_DIR_YEARS * 13 * 32) as usize;

/// The birth-date directory bucket of a `PartialDate::to_key` value (monotone in the key).
#[inline]
pub fn birth_bucket(key: u64) -> usize {
    let year = key / 10_000;
    if year < BIRTH_DIR_FIRST_YEAR {
        return 0;
    }
    if year >= BIRTH_DIR_FIRST_YEAR + BIRTH_DIR_YEARS {
        return BIRTH_DIR_BUCKETS - 1;
    }
    let (month, day) = ((key / 100 % 100).min(12), (key % 100).min(31));
    ((year - BIRTH_DIR_FIRST_YEAR) * 416 + month * 32 + day) as usize
}

/// The birth date a record gives, as a `PartialDate::to_key` value: the stated date when it is
/// full; the date the IIN's digits encode (check digit aside) when the stated date is missing, or
/// partial and consistent with it (same year, and month when given): the registry's own IIN then
/// says more than its date field; else the stated date (0 when none).
pub fn effective_birth_key(stated: u32, iin_status: u8, iin_digits: u64) -> u32 {
    let (month, day) = (stated / 100 % 100, stated % 100);
    if stated != 0 && month != 0 && day != 0 {
        return stated;
    }
    if iin_status != iin_status::VALID && iin_status != iin_status::INVALID_DIGITS {
        return stated;
    }
    let Some((date, _)) =
        crate::iin::lenient_birth_and_sex(&crate::iin::digits_of_number(iin_digits))
    else {
        return stated;
    };
    let from_iin = PartialDate::from(date).to_key();
    let consistent = stated == 0
        || (from_iin / 10_000 == stated / 10_000 && (month == 0 || from_iin / 100 % 100 == month));
    if consistent { from_iin } else { stated }
}

/// The full date a valid IIN encodes when the record states another full date, as a
/// `PartialDate::to_key` value: the record contradicts itself and one of the two is a typo. The
/// key tables carry a row under this date beside the stated one, so a query of either date finds
/// the record, and scoring compares the query with both (`other_birth`). None otherwise.
pub fn contradicting_iin_birth_key(stated: u32, iin_status: u8, iin_digits: u64) -> Option<u32> {
    let (month, day) = (stated / 100 % 100, stated % 100);
    if iin_status != iin_status::VALID || stated == 0 || month == 0 || day == 0 {
        return None;
    }
    let (date, _) = crate::iin::lenient_birth_and_sex(&crate::iin::digits_of_number(iin_digits))?;
    let from_iin = PartialDate::from(date).to_key();
    (from_iin != stated).then_some(from_iin)
}

/// The key of a birth-date table row: the birth-date key in the high half, the vocabulary row
/// of the name's given name in the low half.
#[inline]
pub fn birth_row_key(birth_key: u32, given_term: u32) -> u64 {
    u64::from(birth_key) << 32 | u64::from(given_term)
}

/// The directory of the birth-date table (by the birth-date half of the key).
pub fn birth_directory(table: &[KeyEntry]) -> Vec<u32> {
    directory(table, BIRTH_DIR_BUCKETS, |k| birth_bucket(k >> 32))
}

/// An IIN's twelve digits with the halves swapped (digits 7–12, then 1–6): the key of
/// `iin_suffix_table`. Its own inverse.
#[inline]
pub fn swap_iin_halves(digits: u64) -> u64 {
    (digits % 1_000_000) * 1_000_000 + digits / 1_000_000
}

/// The directory of the IIN table, sized for it.
pub fn iin_directory(table: &[KeyEntry]) -> Vec<u32> {
    directory(table, 10usize.pow(IIN_DIR_DIGITS), |k| {
        iin_bucket(k, IIN_DIR_DIGITS)
    })
}

/// Bits of the directory of a hashed table of `rows` rows: about four rows a bucket, at most
/// `MAX_HASH_DIR_BITS`, so a small registry has a small index.
pub fn hash_dir_bits(rows: usize) -> u32 {
    let log2 = usize::BITS - rows.max(1).leading_zeros() - 1;
    log2.saturating_sub(2).clamp(1, MAX_HASH_DIR_BITS)
}

/// The bucket of a hashed key in a directory of `bits` bits.
#[inline]
pub fn hash_bucket(key: u64, bits: u32) -> usize {
    (key >> (64 - bits)) as usize
}

/// The bits of a hashed table's directory, from its length (2^bits + 1 entries), when valid.
pub fn hash_dir_bits_of_len(len: usize) -> Option<u32> {
    let buckets = len.checked_sub(1)?;
    (buckets.is_power_of_two() && (2..=1 << MAX_HASH_DIR_BITS).contains(&buckets))
        .then(|| buckets.trailing_zeros())
}

/// The directory of a hashed table, sized for it.
pub fn hash_directory(table: &[KeyEntry]) -> Vec<u32> {
    let bits = hash_dir_bits(table.len());
    directory(table, 1 << bits, |k| hash_bucket(k, bits))
}

/// Build the directory of a sorted table: entry b = first row whose bucket is ≥ b.
pub fn directory(table: &[KeyEntry], buckets: usize, bucket: impl Fn(u64) -> usize) -> Vec<u32> {
    directory_of_keys(table.iter().map(|e| e.key), buckets, bucket)
}

/// `directory` over the keys of any table sorted by key.
pub fn directory_of_keys(
    keys: impl Iterator<Item = u64>,
    buckets: usize,
    bucket: impl Fn(u64) -> usize,
) -> Vec<u32> {
    let mut dir = vec![0u32; buckets + 1];
    for key in keys {
        dir[bucket(key) + 1] += 1;
    }
    for b in 0..buckets {
        dir[b + 1] += dir[b];
    }
    dir
}

/// Whether a person's IIN digits are its export's with lost leading zeros put back
/// (`Iin::with_lost_leading_zero`): digits kept (`VALID` or `INVALID_DIGITS`) from fewer than 12
/// written.
pub fn iin_restored(status: u8, raw: Option<&str>) -> bool {
    matches!(status, iin_status::VALID | iin_status::INVALID_DIGITS)
        && raw.is_some_and(|raw| crate::iin::without_separators(raw).len() < 12)
}

/// What the IIN field held.
pub mod iin_status {
    pub const MISSING: u8 = 0;
    /// 12 digits that pass every check; or fewer, an IIN of the 2000s with its leading zeros
    /// lost that the stated birth date confirms (`Iin::with_lost_leading_zero`, kept restored).
    pub const VALID: u8 = 1;
    /// 12 digits, but failing a check (check digit, date, century), or fewer that are a valid
    /// IIN of the 2000s with its leading zeros lost on a record that states no birth date to
    /// confirm them (kept restored): the digits are kept, never trusted.
    pub const INVALID_DIGITS: u8 = 2;
    /// Neither: not 12 digits at all.
    pub const INVALID_OTHER: u8 = 3;
}

/// One name of a person (the registry name first, then aliases): as entered and normalised.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct NameEntry {
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub surname_skel: String,
    pub surname_stem: String,
    pub given_skel: String,
    pub patronymic_root: Option<String>,
    /// `phonetic_key(surname_stem)`, precomputed so scoring never allocates.
    pub surname_phon: String,
    /// `phonetic_key(given_skel)`.
    pub given_phon: String,
    /// `phonetic_key(patronymic_root)`, empty when there is no root.
    pub patronymic_phon: String,
    /// When the surname field holds a patronymic ("Нұрланұлы"): its root, else empty.
    pub surname_as_patronymic: String,
}

/// One conviction; dates are days since 1970-01-01.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ConvictionEntry {
    pub verdict_date: i32,
    pub court: String,
    pub articles: Vec<String>,
    pub category: u8,
    pub punishment: u8,
    pub conditional: bool,
    pub probation_end: Option<i32>,
    pub sentence_end: Option<i32>,
    pub minor_at_offence: bool,
    pub expunged_by_court: Option<i32>,
    pub serving_abroad: bool,
}

/// One administrative offence; dates are days since 1970-01-01.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct OffenceEntry {
    pub decision_date: i32,
    pub article: String,
    pub penalty: String,
    pub executed_date: Option<i32>,
}

/// One person of the registry.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct PersonEntry {
    pub person_id: String,
    /// The IIN exactly as entered (trimmed), when present.
    pub iin_raw: Option<String>,
    /// One of `iin_status::*`.
    pub iin_status: u8,
    /// The 12 digits as a number when `iin_status` is VALID or INVALID_DIGITS, else 0.
    pub iin_digits: u64,
    /// `PartialDate::to_key`, 0 when unknown.
    pub birth_key: u32,
    /// 0 unknown, 1 male, 2 female.
    pub sex: u8,
    pub citizenship: Option<String>,
    /// The registry name first, then the aliases.
    pub names: Vec<NameEntry>,
    pub convictions: Vec<ConvictionEntry>,
    pub admin_offences: Vec<OffenceEntry>,
}

/// A person salvaged from a damaged export line (`source::Damage`). Kept in a side table
/// (`RegistryArchive::damaged`) because it is rare: every person pays nothing for it.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DamageEntry {
    /// Index of the person in `persons`.
    pub person: u32,
    /// The line's first error, as `field: reason`.
    pub error: String,
    /// The records of the line that could not be read, as their JSON text.
    pub unreadable: Vec<UnreadableEntry>,
}

impl DamageEntry {
    pub fn from_source(person: u32, d: &Damage) -> Self {
        DamageEntry {
            person,
            error: d.error.clone(),
            unreadable: d
                .unreadable
                .iter()
                .map(UnreadableEntry::from_source)
                .collect(),
        }
    }

    /// Whether the line had an unreadable record of `list`.
    pub fn lost_record_of(&self, list: RecordList) -> bool {
        let code = UnreadableEntry::list_code(list);
        self.unreadable.iter().any(|u| u.list == code)
    }
}

impl ArchivedDamageEntry {
    /// Back to the export model.
    pub fn to_source(&self) -> Damage {
        Damage {
            error: self.error.to_string(),
            unreadable: self.unreadable.iter().map(|u| u.to_source()).collect(),
        }
    }
}

/// A record of a damaged line that could not be read (`source::UnreadableRecord`).
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct UnreadableEntry {
    /// 0 a conviction, 1 an administrative offence.
    pub list: u8,
    /// Its position in the line's array.
    pub position: u32,
    pub raw: String,
    pub reason: String,
}

impl UnreadableEntry {
    fn list_code(list: RecordList) -> u8 {
        match list {
            RecordList::Convictions => 0,
            RecordList::AdminOffences => 1,
        }
    }

    pub fn from_source(r: &UnreadableRecord) -> Self {
        UnreadableEntry {
            list: Self::list_code(r.list),
            position: r.position,
            raw: r.raw.clone(),
            reason: r.reason.clone(),
        }
    }
}

impl ArchivedUnreadableEntry {
    /// Back to the export model.
    pub fn to_source(&self) -> UnreadableRecord {
        UnreadableRecord {
            list: if self.list == 0 {
                RecordList::Convictions
            } else {
                RecordList::AdminOffences
            },
            position: self.position.to_native(),
            raw: self.raw.to_string(),
            reason: self.reason.to_string(),
        }
    }
}

/// One row of a sorted key table: a key and the index of a person in `persons`. Tables sort by
/// key, then tag, then person (the field order), so within one key the rows run in birth-date
/// order and a look-up can binary-search the dates it wants.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyEntry {
    pub key: u64,
    /// The person's birth-date key (`PartialDate::to_key`, 0 when unknown), stored in what would
    /// be padding: a look-up can drop persons whose birth date rules them out without touching
    /// their records.
    pub tag: u32,
    pub person: u32,
}

/// How often a normalised name part occurs in the registry (for term-frequency weighting).
#[derive(Archive, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TermCount {
    pub term: u64,
    pub count: u32,
}

/// One distinct name part of the registry (see `builder::vocabulary_terms`) and its blocking form.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VocabularyEntry {
    /// The skeleton.
    pub term: String,
    /// `keys::block_component(term)`, precomputed so a fuzzy look-up allocates nothing per
    /// spelling.
    pub block: String,
    /// `name::phonetic_key(term)`, so a given name can be screened without its person's record.
    pub phon: String,
}

/// Bytes a `TermCard` holds inline.
pub const TERM_CARD_BYTES: usize = 23;
/// `TermCard::len` of a term longer than `TERM_CARD_BYTES`: read it from the vocabulary.
pub const TERM_CARD_LONG: u8 = u8::MAX;

/// One vocabulary term laid out for screening, 32 bytes with the term inline, so the terms a
/// query screens stay in cache (the vocabulary's strings are a pointer away).
#[derive(Archive, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermCard {
    /// `phon_hash` of the term's phonetic key.
    pub phon_hash: u32,
    /// `letter_mask` of the term.
    pub letters: u32,
    /// Bytes of the term, or `TERM_CARD_LONG`.
    pub len: u8,
    /// The term's bytes, zero-padded (all zero when long).
    pub bytes: [u8; TERM_CARD_BYTES],
}

/// The hash of a phonetic key kept in a `TermCard`. Equal keys have equal hashes; a collision can
/// only make two names look compatible, never the other way round.
pub fn phon_hash(phon: &str) -> u32 {
    (xxhash_rust::xxh3::xxh3_64(phon.as_bytes()) >> 32) as u32
}

/// Bit `byte % 32` set for every byte of a term: with the length, an upper bound on the letters
/// two terms share (see `matching::compare::shared_letters_bound`).
pub fn letter_mask(term: &[u8]) -> u32 {
    term.iter().fold(0u32, |m, &b| m | 1 << (b % 32))
}

impl TermCard {
    pub fn of(entry: &VocabularyEntry) -> TermCard {
        let term = entry.term.as_bytes();
        let mut bytes = [0u8; TERM_CARD_BYTES];
        let len = if term.len() <= TERM_CARD_BYTES {
            bytes[..term.len()].copy_from_slice(term);
            term.len() as u8
        } else {
            TERM_CARD_LONG
        };
        TermCard {
            phon_hash: phon_hash(&entry.phon),
            letters: letter_mask(term),
            len,
            bytes,
        }
    }
}

/// A term's shape in 8 bytes: its `letter_mask` (bits 0–31), its length (bits 32–39, 255 when
/// longer than a card holds) and the top 24 bits of its `phon_hash` (bits 40–63). The shapes of
/// a whole vocabulary stay in cache, and most incompatible given names are rejected from them
/// without reading the card.
pub fn term_shape(card: &TermCard) -> u64 {
    let len = if card.len == TERM_CARD_LONG {
        u64::from(TERM_SHAPE_LONG)
    } else {
        u64::from(card.len)
    };
    u64::from(card.letters) | len << 32 | u64::from(card.phon_hash >> 8) << 40
}

/// The length a shape records for a term longer than a card holds.
pub const TERM_SHAPE_LONG: u8 = u8::MAX;

/// `ScreenRow::given_term` / `surname_term` when the name part is empty.
pub const NO_TERM: u32 = u32::MAX;

/// Bits of `ScreenRow::flags`.
pub mod screen_flags {
    /// At least one conviction.
    pub const CONVICTION: u32 = 1;
    /// At least one administrative offence.
    pub const ADMIN_OFFENCE: u32 = 2;
    /// More than one name (aliases): the terms below are the registry name's only.
    pub const ALIASES: u32 = 4;
    /// The valid IIN encodes another full date than `birth_key` (`contradicting_iin_birth_key`):
    /// a query date that fails `birth_key` must be checked against the record's IIN.
    pub const IIN_OTHER_BIRTH: u32 = 8;
}

/// The little a candidate screen needs of one person, 16 bytes, parallel to `persons`: a query
/// rules most candidates out from this row alone, without touching their full records.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenRow {
    /// The stated birth date's key, else the date the IIN's digits encode (check digit aside),
    /// else 0.
    pub birth_key: u32,
    /// Row in `vocabulary` of the registry name's given-name skeleton, or `NO_TERM`.
    pub given_term: u32,
    /// Row in `vocabulary` of the registry name's surname skeleton, or `NO_TERM`.
    pub surname_term: u32,
    /// `screen_flags` bits.
    pub flags: u32,
}

/// The root of `persons.rkyv`.
#[derive(Archive, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct RegistryArchive {
    pub format_version: u32,
    /// Sorted by `person_id`.
    pub persons: Vec<PersonEntry>,
    /// IIN digits → person, for every person with 12 digits (valid or not). Sorted.
    pub iin_table: Vec<KeyEntry>,
    /// One row per name of every person with a known birth date: key `birth_row_key(date,
    /// given-name vocabulary row)`, tag the surname's vocabulary row (`NO_TERM` when none).
    /// Sorted.
    pub birth_table: Vec<KeyEntry>,
    /// Directory of `birth_table` (`birth_directory`).
    pub birth_dir: Vec<u32>,
    /// `keys::NameKey` values → person. Sorted.
    pub name_table: Vec<KeyEntry>,
    /// The IIN table's rows keyed by `swap_iin_halves`, so the IINs one edit away in digits 1–6
    /// sit together as those one edit away in digits 7–12 do in `iin_table`. Sorted.
    pub iin_suffix_table: Vec<KeyEntry>,
    /// Directory of `iin_suffix_table` on its key's first four digits (`iin_directory`).
    pub iin_suffix_dir: Vec<u32>,
    /// One screen row per person, in `persons` order.
    pub screens: Vec<ScreenRow>,
    /// The persons salvaged from damaged export lines, sorted by `person`.
    pub damaged: Vec<DamageEntry>,
    /// One card per vocabulary row, in `vocabulary` order.
    pub term_cards: Vec<TermCard>,
    /// `term_shape` of each card, in `vocabulary` order.
    pub term_shapes: Vec<u64>,
    /// Directory of `iin_table` on the first four digits (`iin_directory`): entry b is the
    /// first row whose leading digits are ≥ b.
    pub iin_dir: Vec<u32>,
    /// Directory of `name_table` by the top bits of the key (`hash_directory`).
    pub name_dir: Vec<u32>,
    /// Surname stems (hashed with `keys::term_hash`) and their counts over all names. Sorted.
    pub surname_counts: Vec<TermCount>,
    /// Given-name skeletons (hashed) and their counts. Sorted.
    pub given_counts: Vec<TermCount>,
    /// Patronymic roots (hashed) and their counts. Sorted.
    pub patronymic_counts: Vec<TermCount>,
    /// Pairs of name parts of one name (`keys::name_pair_hash`: surname stem with given name,
    /// given name with patronymic root) and their counts. Sorted.
    pub name_pair_counts: Vec<TermCount>,
    /// Number of persons the count tables above were counted over (each distinct term or pair
    /// once per person).
    pub name_count: u64,
    /// Every distinct name part, sorted by term.
    pub vocabulary: Vec<VocabularyEntry>,
    /// Deletion neighbourhood of the vocabulary: the hash of each term and of each of its
    /// one-character deletions → the term's row in `vocabulary` (in the `person` field). Two
    /// terms one edit apart (substitution, insertion, deletion or adjacent transposition)
    /// always share a key. Sorted.
    pub deletion_table: Vec<KeyEntry>,
    /// Directory of `deletion_table` by the top bits of the key (`hash_directory`).
    pub deletion_dir: Vec<u32>,
    /// For each vocabulary row, the `keys::block_hash` of every blocking component of the
    /// spellings one edit from it, its own component excepted, sorted: row r's are
    /// `neighbour_blocks[neighbour_dir[r]..neighbour_dir[r + 1]]`.
    pub neighbour_blocks: Vec<u64>,
    pub neighbour_dir: Vec<u32>,
}

fn category_code(c: Category) -> u8 {
    match c {
        Category::Misdemeanor => 0,
        Category::Minor => 1,
        Category::Medium => 2,
        Category::Grave => 3,
        Category::EspeciallyGrave => 4,
    }
}

fn category_from(code: u8) -> Category {
    match code {
        0 => Category::Misdemeanor,
        1 => Category::Minor,
        2 => Category::Medium,
        3 => Category::Grave,
        _ => Category::EspeciallyGrave,
    }
}

fn punishment_code(p: Punishment) -> u8 {
    match p {
        Punishment::Imprisonment => 0,
        Punishment::RestrictionOfLiberty => 1,
        Punishment::Fine => 2,
        Punishment::CorrectionalLabour => 3,
        Punishment::CommunityService => 4,
        Punishment::Arrest => 5,
        Punishment::Other => 6,
    }
}

fn punishment_from(code: u8) -> Punishment {
    match code {
        0 => Punishment::Imprisonment,
        1 => Punishment::RestrictionOfLiberty,
        2 => Punishment::Fine,
        3 => Punishment::CorrectionalLabour,
        4 => Punishment::CommunityService,
        5 => Punishment::Arrest,
        _ => Punishment::Other,
    }
}

fn day(d: Date) -> i32 {
    to_days(d.0)
}

fn date_of(days: i32) -> Date {
    Date(from_days(days).unwrap_or_default())
}

impl ConvictionEntry {
    pub fn from_source(c: &SourceConviction) -> Self {
        ConvictionEntry {
            verdict_date: day(c.verdict_date),
            court: c.court.clone(),
            articles: c.articles.clone(),
            category: category_code(c.category),
            punishment: punishment_code(c.punishment),
            conditional: c.conditional,
            probation_end: c.probation_end.map(day),
            sentence_end: c.sentence_end.map(day),
            minor_at_offence: c.minor_at_offence,
            expunged_by_court: c.expunged_by_court.map(day),
            serving_abroad: c.serving_abroad,
        }
    }
}

impl ArchivedConvictionEntry {
    /// Back to the export model (for the rules and for display).
    pub fn to_source(&self) -> SourceConviction {
        let opt = |o: &rkyv::option::ArchivedOption<rkyv::rend::i32_le>| {
            o.as_ref().map(|d| date_of(d.to_native()))
        };
        SourceConviction {
            verdict_date: date_of(self.verdict_date.to_native()),
            court: self.court.to_string(),
            articles: self.articles.iter().map(|a| a.to_string()).collect(),
            category: category_from(self.category),
            punishment: punishment_from(self.punishment),
            conditional: self.conditional,
            probation_end: opt(&self.probation_end),
            sentence_end: opt(&self.sentence_end),
            minor_at_offence: self.minor_at_offence,
            expunged_by_court: opt(&self.expunged_by_court),
            serving_abroad: self.serving_abroad,
        }
    }
}

impl OffenceEntry {
    pub fn from_source(o: &SourceAdminOffence) -> Self {
        OffenceEntry {
            decision_date: day(o.decision_date),
            article: o.article.clone(),
            penalty: o.penalty.clone(),
            executed_date: o.executed_date.map(day),
        }
    }
}

impl ArchivedOffenceEntry {
    /// Back to the export model.
    pub fn to_source(&self) -> SourceAdminOffence {
        SourceAdminOffence {
            decision_date: date_of(self.decision_date.to_native()),
            article: self.article.to_string(),
            penalty: self.penalty.to_string(),
            executed_date: self.executed_date.as_ref().map(|d| date_of(d.to_native())),
        }
    }
}

impl ArchivedPersonEntry {
    /// The birth date, when any part of it is known.
    pub fn birth_date(&self) -> Option<PartialDate> {
        PartialDate::from_key(self.birth_key.to_native())
    }

    /// The registry's sex field.
    pub fn sex(&self) -> Option<Sex> {
        match self.sex {
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => None,
        }
    }

    /// Back to the export model, without its damage (`ArchivedRegistryArchive::person_source`
    /// adds that).
    pub fn to_source(&self) -> SourcePerson {
        let primary = &self.names[0];
        SourcePerson {
            person_id: self.person_id.to_string(),
            iin: self.iin_raw.as_ref().map(|s| s.to_string()),
            surname: primary.surname.to_string(),
            given_name: primary.given_name.to_string(),
            patronymic: primary.patronymic.as_ref().map(|s| s.to_string()),
            birth_date: self.birth_date().map(crate::source::BirthDate),
            sex: self.sex(),
            citizenship: self.citizenship.as_ref().map(|s| s.to_string()),
            aliases: self.names[1..]
                .iter()
                .map(|n| SourceAlias {
                    surname: n.surname.to_string(),
                    given_name: n.given_name.to_string(),
                    patronymic: n.patronymic.as_ref().map(|s| s.to_string()),
                })
                .collect(),
            convictions: self.convictions.iter().map(|c| c.to_source()).collect(),
            admin_offences: self.admin_offences.iter().map(|o| o.to_source()).collect(),
            damage: None,
        }
    }
}

/// Size and checksum of one file of an index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    pub size: u64,
    /// xxh3-128 of the file's bytes, lowercase hex.
    pub xxh3: String,
}

/// Counts of what went into an index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexCounts {
    pub persons: u64,
    pub names: u64,
    pub convictions: u64,
    pub admin_offences: u64,
    pub source_lines: u64,
    pub bad_lines: u64,
    pub duplicate_ids: u64,
    pub missing_iins: u64,
    pub invalid_iins: u64,
    /// Bad lines whose person was kept with what could be read (counted in `bad_lines` too).
    #[serde(default)]
    pub damaged_lines: u64,
    /// Bad lines of which nothing was kept (counted in `bad_lines` too).
    #[serde(default)]
    pub skipped_lines: u64,
    /// Records of damaged lines that could not be read, kept as their JSON text (not counted in
    /// `convictions` or `admin_offences`).
    #[serde(default)]
    pub unreadable_records: u64,
}

/// Where an index came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceInfo {
    pub path: String,
    pub size: u64,
    pub xxh3: String,
}

/// `manifest.json`. The file ends with its own checksum, so any changed byte is detected.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub tanu_version: String,
    /// RFC 3339, UTC.
    pub built_at: String,
    pub build_seconds: f64,
    pub source: SourceInfo,
    pub counts: IndexCounts,
    /// Relative path (with `/`) → size and checksum, for every file of the index but the manifest.
    pub files: BTreeMap<String, FileEntry>,
}

/// The field that closes every manifest; its value is the checksum of the file with the value
/// zeroed.
const SELF_CHECKSUM_KEY: &str = "\"self_checksum\":\"";
const ZERO_SUM: &str = "00000000000000000000000000000000";

/// Checksum of a byte string, as the manifest writes it.
pub fn checksum_hex(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

impl Manifest {
    /// Encode, sealed with its own checksum.
    pub fn encode(&self) -> Vec<u8> {
        let body = serde_json::to_string_pretty(self).expect("manifest serialises");
        let body = body
            .trim_end()
            .strip_suffix('}')
            .expect("object")
            .trim_end();
        let unsealed = format!("{body},\n  {SELF_CHECKSUM_KEY}{ZERO_SUM}\"\n}}\n");
        let sum = checksum_hex(unsealed.as_bytes());
        unsealed.replacen(ZERO_SUM, &sum, 1).into_bytes()
    }

    /// Decode and check the seal. Any changed byte is an error.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "manifest is not UTF-8".to_string())?;
        let at = text
            .rfind(SELF_CHECKSUM_KEY)
            .ok_or("manifest has no self_checksum (not written by tanu, or truncated)")?;
        let start = at + SELF_CHECKSUM_KEY.len();
        let stored = text.get(start..start + 32).ok_or("manifest is truncated")?;
        let mut unsealed = text.as_bytes().to_vec();
        unsealed[start..start + 32].copy_from_slice(ZERO_SUM.as_bytes());
        let actual = checksum_hex(&unsealed);
        if actual != stored {
            return Err(format!(
                "manifest checksum mismatch (stored {stored}, computed {actual}): the manifest was changed or damaged"
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("manifest is not valid JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_valid_iin_of_another_full_date_gives_a_second_key() {
        // 870916 3 1297 6: born 1987-09-16, a man (a valid IIN).
        let iin = 870_916_312_976u64;
        let valid = iin_status::VALID;
        assert_eq!(
            contradicting_iin_birth_key(19_850_101, valid, iin),
            Some(19_870_916)
        );
        assert_eq!(contradicting_iin_birth_key(19_870_916, valid, iin), None);
        // A partial or missing stated date is completed by the IIN (`effective_birth_key`),
        // not contradicted; digits that fail their check digit are never trusted for a key.
        for stated in [0, 19_850_000, 19_850_100] {
            assert_eq!(contradicting_iin_birth_key(stated, valid, iin), None);
        }
        for status in [iin_status::INVALID_DIGITS, iin_status::MISSING] {
            assert_eq!(contradicting_iin_birth_key(19_850_101, status, iin), None);
        }
    }

    #[test]
    fn effective_birth_key_prefers_what_the_record_says_most_precisely() {
        // 870916 3 1297 6: born 1987-09-16, a man (a valid IIN).
        let iin = 870_916_312_976u64;
        let valid = iin_status::VALID;
        assert_eq!(effective_birth_key(19_870_916, valid, iin), 19_870_916);
        assert_eq!(effective_birth_key(19_850_101, valid, iin), 19_850_101);
        assert_eq!(effective_birth_key(0, valid, iin), 19_870_916);
        assert_eq!(effective_birth_key(19_870_000, valid, iin), 19_870_916);
        assert_eq!(effective_birth_key(19_870_900, valid, iin), 19_870_916);
        assert_eq!(effective_birth_key(19_870_500, valid, iin), 19_870_500);
        assert_eq!(effective_birth_key(19_860_000, valid, iin), 19_860_000);
        assert_eq!(
            effective_birth_key(0, iin_status::INVALID_DIGITS, iin),
            19_870_916
        );
        assert_eq!(effective_birth_key(0, iin_status::MISSING, 0), 0);
        // Digits that encode no date give nothing.
        assert_eq!(
            effective_birth_key(0, iin_status::INVALID_DIGITS, 871_316_312_976),
            0
        );
    }

    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format_version: FORMAT_VERSION,
            tanu_version: "0.1.0".into(),
            built_at: "2026-11-22T00:00:00Z".into(),
            build_seconds: 1.5,
            source: SourceInfo {
                path: "r.jsonl".into(),
                size: 10,
                xxh3: checksum_hex(b"x"),
            },
            counts: IndexCounts::default(),
            files: BTreeMap::from([(
                "persons.rkyv".to_string(),
                FileEntry {
                    size: 3,
                    xxh3: checksum_hex(b"abc"),
                },
            )]),
        }
    }

    #[test]
    fn manifest_round_trips() {
        let m = manifest();
        assert_eq!(Manifest::decode(&m.encode()).unwrap(), m);
    }

    #[test]
    fn any_changed_byte_of_the_manifest_is_detected() {
        let bytes = manifest().encode();
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            assert!(Manifest::decode(&b).is_err(), "byte {i} flip not detected");
        }
    }
}
