//! Opens an index directory for reading: checks the sealed manifest and the archive's checksum
//! (which ties the bytes to the ones the builder validated) or, on request, its whole rkyv
//! structure again, then serves zero-copy access to persons and key tables. Also owns
//! `verify_index`, the full check ops run before a swap. It must never read bytes that were not
//! validated, here or at build, and never write.

use crate::builder::{checksum_files, is_ignored_file, normalized_of, person_keys};
use crate::format::birth_row_key;
use crate::format::{
    ARCHIVE_FILE, ArchivedDamageEntry, ArchivedKeyEntry, ArchivedPersonEntry,
    ArchivedRegistryArchive, ArchivedScreenRow, ArchivedTermCard, ArchivedVocabularyEntry,
    BIRTH_DIR_BUCKETS, FORMAT_VERSION, KeyEntry, MANIFEST_FILE, Manifest, NAMES_DIR, NO_TERM,
    RegistryArchive, TERM_CARD_BYTES, TERM_CARD_LONG, birth_bucket, birth_directory, checksum_hex,
    hash_bucket, hash_dir_bits_of_len, hash_directory, iin_bucket, iin_dir_digits_of_len,
    iin_directory, iin_status, swap_iin_halves,
};
use crate::iin::{digits_of_number, numbers_one_edit_apart};
use crate::keys::{
    NameKey, NamePair, deletion_keys, name_pair_hash, own_deletion_key, term_hash, within_one_edit,
};
use crate::source::SourcePerson;
use rkyv::rancor;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Why an index cannot be opened or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        /// In the message, not a `source`: a caller printing the chain sees it once.
        error: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Manifest { path: PathBuf, reason: String },
    #[error(
        "index format {found} is not supported (this tanu reads format {expected}); rebuild the index"
    )]
    Version { found: u32, expected: u32 },
    #[error(
        "{file}: checksum mismatch (manifest says {expected}, file has {actual}): the file was changed or damaged"
    )]
    Checksum {
        file: String,
        expected: String,
        actual: String,
    },
    #[error("{file}: size {actual} bytes, manifest says {expected}")]
    Size {
        file: String,
        expected: u64,
        actual: u64,
    },
    #[error("{file}: listed in the manifest but missing")]
    MissingFile { file: String },
    #[error("{file}: not listed in the manifest (an index directory holds only its own files)")]
    UnexpectedFile { file: String },
    #[error("{ARCHIVE_FILE}: invalid archive: {0}")]
    Archive(String),
    #[error("inconsistent index: {0}")]
    Inconsistent(String),
    #[error("{NAMES_DIR}/: cannot open the name index: {0}")]
    NameIndex(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |error| IndexError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Validate arbitrary bytes as an archive (the bytes are copied to an aligned buffer first).
/// Used by `open`, `verify_index` and the fuzz target; never panics.
pub fn validate_archive_bytes(bytes: &[u8]) -> Result<(), IndexError> {
    let mut aligned = rkyv::util::AlignedVec::<16>::with_capacity(bytes.len());
    aligned.extend_from_slice(bytes);
    check_archive(&aligned)
}

/// How much of the archive `RegistryIndex::open_with` checks before serving it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StructureCheck {
    /// The manifest seal, the size and the xxh3-128 checksum. The builder validates the archive's
    /// whole structure before it writes it and seals the checksum of exactly those bytes, so a
    /// matching checksum proves these are validated bytes (DESIGN: "validate once, at build or
    /// verify time"). About 0.2 s per GB instead of about 0.9 s.
    #[default]
    Checksum,
    /// The checksum and the whole structure again (rkyv bytecheck, every string's UTF-8, every
    /// table invariant): for an index whose builder is not trusted. `verify_index` always does.
    Full,
}

/// The archive's whole structure: rkyv bytecheck plus the table invariants the reader relies on.
/// The builder runs it before it writes an archive; `verify_index` and `StructureCheck::Full`
/// run it again.
pub(crate) fn check_archive(bytes: &[u8]) -> Result<(), IndexError> {
    let archive = rkyv::access::<ArchivedRegistryArchive, rancor::Error>(bytes)
        .map_err(|e| IndexError::Archive(e.to_string()))?;
    if archive.format_version.to_native() != FORMAT_VERSION {
        return Err(IndexError::Version {
            found: archive.format_version.to_native(),
            expected: FORMAT_VERSION,
        });
    }
    let persons = archive.persons.len();
    let in_range =
        |t: &[ArchivedKeyEntry]| t.iter().all(|e| (e.person.to_native() as usize) < persons);
    if !in_range(&archive.iin_table)
        || !in_range(&archive.birth_table)
        || !in_range(&archive.name_table)
        || !in_range(&archive.iin_suffix_table)
    {
        return Err(IndexError::Archive(
            "a key table points past the persons".into(),
        ));
    }
    let dir_ok = |dir: &[rkyv::rend::u32_le], buckets: usize, rows: usize| {
        dir.len() == buckets + 1
            && dir.first().map(|d| d.to_native()) == Some(0)
            && dir.last().map(|d| d.to_native() as usize) == Some(rows)
            && dir.windows(2).all(|w| w[0].to_native() <= w[1].to_native())
    };
    let hashed_ok = |dir: &[rkyv::rend::u32_le], rows: usize| {
        hash_dir_bits_of_len(dir.len()).is_some_and(|bits| dir_ok(dir, 1 << bits, rows))
    };
    let iin_ok = iin_dir_digits_of_len(archive.iin_dir.len())
        .is_some_and(|d| dir_ok(&archive.iin_dir, 10usize.pow(d), archive.iin_table.len()));
    let suffix_ok = iin_dir_digits_of_len(archive.iin_suffix_dir.len()).is_some_and(|d| {
        dir_ok(
            &archive.iin_suffix_dir,
            10usize.pow(d),
            archive.iin_suffix_table.len(),
        )
    });
    if !iin_ok
        || !suffix_ok
        || !dir_ok(
            &archive.birth_dir,
            BIRTH_DIR_BUCKETS,
            archive.birth_table.len(),
        )
        || !hashed_ok(&archive.name_dir, archive.name_table.len())
        || !hashed_ok(&archive.deletion_dir, archive.deletion_table.len())
    {
        return Err(IndexError::Archive(
            "a key-table directory is malformed".into(),
        ));
    }
    let terms = archive.vocabulary.len();
    if archive.term_cards.len() != terms
        || archive.term_shapes.len() != terms
        || archive
            .term_cards
            .iter()
            .any(|c| c.len != TERM_CARD_LONG && usize::from(c.len) > TERM_CARD_BYTES)
    {
        return Err(IndexError::Archive(
            "the term cards do not match the vocabulary".into(),
        ));
    }
    if !dir_ok(
        &archive.neighbour_dir,
        terms,
        archive.neighbour_blocks.len(),
    ) {
        return Err(IndexError::Archive(
            "the neighbour directory is malformed".into(),
        ));
    }
    let term_ok = |t: u32| t == NO_TERM || (t as usize) < terms;
    if archive.screens.len() != persons
        || !archive
            .screens
            .iter()
            .all(|r| term_ok(r.given_term.to_native()) && term_ok(r.surname_term.to_native()))
    {
        return Err(IndexError::Archive(
            "the screen rows do not match the persons".into(),
        ));
    }
    if archive.persons.iter().any(|p| p.names.is_empty()) {
        return Err(IndexError::Archive("a person has no name".into()));
    }
    let damaged = &archive.damaged;
    if damaged
        .iter()
        .any(|d| d.person.to_native() as usize >= persons)
        || damaged
            .windows(2)
            .any(|w| w[0].person.to_native() >= w[1].person.to_native())
    {
        return Err(IndexError::Archive(
            "the damaged-person table is not sorted or points outside the persons".into(),
        ));
    }
    Ok(())
}

/// Map a whole file read-only, every page mapped now, for reading it all (the open-time
/// checksum, look-ups, the builder's read-back). On Linux the map is advised `HugePage` first,
/// so pages not in the page cache are read in 2 MiB folios, which the kernel maps with 2 MiB
/// pages (fewer TLB misses: about 6% faster decisions on a 2 GB index, ARCHITECTURE.md 4.6),
/// then `PopulateRead` (Linux 5.14+; before, the first pass faults the pages in). Both are
/// advice: errors change nothing. A file of 0 bytes cannot be mapped; callers skip those.
pub(crate) fn map_whole(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only; index directories are replaced by rename, never rewritten
    // in place, so the bytes under an open map do not change.
    #[cfg(target_os = "linux")]
    {
        let map = unsafe { memmap2::MmapOptions::new().map(file) }?;
        let _ = map.advise(memmap2::Advice::HugePage);
        let _ = map.advise(memmap2::Advice::PopulateRead);
        Ok(map)
    }
    #[cfg(not(target_os = "linux"))]
    {
        unsafe { memmap2::MmapOptions::new().populate().map(file) }
    }
}

fn read_manifest(dir: &Path) -> Result<Manifest, IndexError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(io(&path))?;
    let manifest = Manifest::decode(&bytes).map_err(|reason| IndexError::Manifest {
        path: path.clone(),
        reason,
    })?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(IndexError::Version {
            found: manifest.format_version,
            expected: FORMAT_VERSION,
        });
    }
    Ok(manifest)
}

/// Persons by the strongest evidence beside their names that the index holds for them. A person
/// with names only (no valid IIN, no birth date, stated or in a mistyped IIN) can be matched on
/// names alone: a common name then never reaches the review threshold, and a married name
/// without an alias cannot be found at all. Such records are worth sending back to the
/// registry's owners for their IIN or birth date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IdentifyingEvidence {
    /// A valid IIN (check digit, date and century).
    pub valid_iin: u64,
    /// No valid IIN, but a full birth date (stated, or read from a mistyped IIN's digits).
    pub full_birth_date_only: u64,
    /// No valid IIN and only a birth year, or a year and month.
    pub partial_birth_date_only: u64,
    /// No valid IIN and no birth date at all.
    pub names_only: u64,
}

/// An open, validated index.
pub struct RegistryIndex {
    dir: PathBuf,
    manifest: Manifest,
    map: memmap2::Mmap,
    /// Directories of the four frequency tables (surname, given, patronymic, pairs), built at
    /// open: a look-up reads one short bucket instead of a binary search's cache misses.
    count_dirs: [CountDirectory; 4],
    #[cfg(feature = "fuzzy")]
    names: crate::fuzzy::FuzzyNameIndex,
}

impl std::fmt::Debug for RegistryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryIndex")
            .field("dir", &self.dir)
            .field("persons", &self.manifest.counts.persons)
            .finish()
    }
}

/// The rows of one directory bucket (validated at open: the directory is monotone and ends at
/// the table's length).
#[inline]
fn bucket_rows<'a>(
    table: &'a [ArchivedKeyEntry],
    dir: &[rkyv::rend::u32_le],
    bucket: usize,
) -> &'a [ArchivedKeyEntry] {
    let lo = dir.get(bucket).map_or(0, |d| d.to_native() as usize);
    let hi = dir
        .get(bucket + 1)
        .map_or(table.len(), |d| d.to_native() as usize);
    table.get(lo..hi).unwrap_or(&[])
}

/// The bucket of a hashed key in a hashed table's directory (whose length open validated).
#[inline]
fn hashed_bucket(dir: &[rkyv::rend::u32_le], key: u64) -> usize {
    let bits = (dir.len().saturating_sub(1)).trailing_zeros().max(1);
    hash_bucket(key, bits)
}

/// The rows of an IIN-directory table whose key lies in `from..from + 10^6` (`from` a multiple
/// of 10^6: one first half of twelve digits), within one directory bucket.
fn iin_million<'a>(
    table: &'a [ArchivedKeyEntry],
    dir: &[rkyv::rend::u32_le],
    dir_digits: u32,
    from: u64,
) -> &'a [ArchivedKeyEntry] {
    let rows = bucket_rows(table, dir, iin_bucket(from, dir_digits));
    let start = rows.partition_point(|e| e.key.to_native() < from);
    let end = start + rows[start..].partition_point(|e| e.key.to_native() < from + 1_000_000);
    &rows[start..end]
}

/// Ask the CPU to start loading the cache line of `item` (a hint: never faults, never reads).
#[inline(always)]
fn prefetch<T>(item: Option<&T>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = item {
        // SAFETY: a prefetch is a hint; it has no effect on memory and cannot fault.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (item as *const T).cast::<i8>(),
            )
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// The persons of a sorted key table whose key equals `key`.
fn lookup(table: &[ArchivedKeyEntry], key: u64) -> &[ArchivedKeyEntry] {
    let start = table.partition_point(|e| e.key.to_native() < key);
    let end = start + table[start..].partition_point(|e| e.key.to_native() == key);
    &table[start..end]
}

impl RegistryIndex {
    /// Open `dir`: manifest seal and version, the archive's size and checksum, and the name
    /// index. The checksum proves the archive is the one the builder validated
    /// (`StructureCheck::Checksum`).
    pub fn open(dir: &Path) -> Result<RegistryIndex, IndexError> {
        RegistryIndex::open_with(dir, StructureCheck::Checksum)
    }

    /// Open `dir`, checking the archive's structure as `check` says. Nothing is read before it
    /// is validated (here, or by the builder whose checksum the archive carries).
    pub fn open_with(dir: &Path, check: StructureCheck) -> Result<RegistryIndex, IndexError> {
        let manifest = read_manifest(dir)?;
        let path = dir.join(ARCHIVE_FILE);
        let file = File::open(&path).map_err(io(&path))?;
        let map = map_whole(&file).map_err(io(&path))?;
        let entry = manifest
            .files
            .get(ARCHIVE_FILE)
            .ok_or_else(|| IndexError::MissingFile {
                file: ARCHIVE_FILE.into(),
            })?;
        if entry.size != map.len() as u64 {
            return Err(IndexError::Size {
                file: ARCHIVE_FILE.into(),
                expected: entry.size,
                actual: map.len() as u64,
            });
        }
        let actual = checksum_hex(&map);
        if actual != entry.xxh3 {
            return Err(IndexError::Checksum {
                file: ARCHIVE_FILE.into(),
                expected: entry.xxh3.clone(),
                actual,
            });
        }
        if check == StructureCheck::Full {
            check_archive(&map)?;
        }
        // SAFETY: these bytes have the xxh3-128 checksum the sealed manifest records, and the
        // builder records only the checksum of bytes it has just validated with `check_archive`
        // (`builder::write_index_files`), or `check_archive` validated them just above. Damage
        // that keeps a 128-bit checksum does not happen by accident; a writer who could forge
        // one could rewrite the records themselves, so index writers are trusted like the binary.
        let a = unsafe { rkyv::access_unchecked::<ArchivedRegistryArchive>(&map) };
        let count_dirs = [
            CountDirectory::of(&a.surname_counts),
            CountDirectory::of(&a.given_counts),
            CountDirectory::of(&a.patronymic_counts),
            CountDirectory::of(&a.name_pair_counts),
        ];
        #[cfg(feature = "fuzzy")]
        let names = {
            for (file, entry) in manifest
                .files
                .iter()
                .filter(|(f, _)| f.starts_with(NAMES_DIR))
            {
                let p = dir.join(file);
                let len = std::fs::metadata(&p)
                    .map_err(|_| IndexError::MissingFile { file: file.clone() })?
                    .len();
                if len != entry.size {
                    return Err(IndexError::Size {
                        file: file.clone(),
                        expected: entry.size,
                        actual: len,
                    });
                }
            }
            crate::fuzzy::FuzzyNameIndex::open(&dir.join(NAMES_DIR))
                .map_err(IndexError::NameIndex)?
        };
        Ok(RegistryIndex {
            dir: dir.to_path_buf(),
            manifest,
            map,
            count_dirs,
            #[cfg(feature = "fuzzy")]
            names,
        })
    }

    /// How many persons the index can tell apart from namesakes by more than their names
    /// (`IdentifyingEvidence`). One pass over the persons; for `tanu stats`.
    pub fn identifying_evidence(&self) -> IdentifyingEvidence {
        let mut e = IdentifyingEvidence::default();
        for p in self.archive().persons.iter() {
            let status = p.iin_status;
            let birth = crate::format::effective_birth_key(
                p.birth_key.to_native(),
                status,
                p.iin_digits.to_native(),
            );
            let full_birth =
                crate::date::PartialDate::from_key(birth).is_some_and(|d| d.full().is_some());
            if status == iin_status::VALID {
                e.valid_iin += 1;
            } else if full_birth {
                e.full_birth_date_only += 1;
            } else if birth != 0 {
                e.partial_birth_date_only += 1;
            } else {
                e.names_only += 1;
            }
        }
        e
    }

    /// The validated archive.
    pub fn archive(&self) -> &ArchivedRegistryArchive {
        // SAFETY: `open_with` established that these exact bytes were validated with
        // `check_archive` (see there) and the map is immutable for the life of `self`.
        unsafe { rkyv::access_unchecked::<ArchivedRegistryArchive>(&self.map) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Number of persons.
    pub fn len(&self) -> usize {
        self.archive().persons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One person by index. Panics never: out of range gives `None`.
    pub fn person(&self, index: u32) -> Option<&ArchivedPersonEntry> {
        self.archive().persons.get(index as usize)
    }

    /// Persons whose stored IIN digits equal `digits` (valid or not).
    pub fn by_iin_digits(&self, digits: u64) -> &[ArchivedKeyEntry] {
        let a = self.archive();
        lookup(
            bucket_rows(
                &a.iin_table,
                &a.iin_dir,
                iin_bucket(digits, iin_dir_digits_of_len(a.iin_dir.len()).unwrap_or(4)),
            ),
            digits,
        )
    }

    /// Every IIN row whose twelve digits equal `digits` (`exact` true) or are one substitution
    /// or one adjacent transposition from them (`exact` false): the rows sharing digits 1–6
    /// come from one range of the IIN table, those sharing digits 7–12 from one range of the
    /// suffix table, and the swap of digits 6 and 7 from one look-up.
    pub fn for_each_iin_within_one_edit(
        &self,
        digits: u64,
        mut visit: impl FnMut(&ArchivedKeyEntry, bool),
    ) {
        let a = self.archive();
        let dir_digits = iin_dir_digits_of_len(a.iin_dir.len()).unwrap_or(4);
        let head = digits / 1_000_000;
        let tail = digits % 1_000_000;
        let d = digits_of_number(digits);
        let swapped = (d[5] != d[6]).then(|| {
            let mut x = d;
            x.swap(5, 6);
            x.iter().fold(0u64, |acc, &v| acc * 10 + u64::from(v))
        });
        // The three look-ups touch two directories; start loading both before reading either.
        prefetch(a.iin_dir.get(iin_bucket(digits, dir_digits)));
        prefetch(
            a.iin_suffix_dir
                .get(iin_bucket(swap_iin_halves(digits), dir_digits)),
        );
        for e in iin_million(&a.iin_table, &a.iin_dir, dir_digits, head * 1_000_000) {
            let key = e.key.to_native();
            if key == digits {
                visit(e, true);
            } else if numbers_one_edit_apart(key, digits) {
                visit(e, false);
            }
        }
        let suffix = iin_million(
            &a.iin_suffix_table,
            &a.iin_suffix_dir,
            dir_digits,
            tail * 1_000_000,
        );
        for e in suffix {
            let full = swap_iin_halves(e.key.to_native());
            // Rows with the same first half were visited above.
            if full / 1_000_000 != head && numbers_one_edit_apart(full, digits) {
                visit(e, false);
            }
        }
        if let Some(swapped) = swapped {
            for e in self.by_iin_digits(swapped) {
                visit(e, false);
            }
        }
    }

    /// The damage of a person salvaged from a damaged export line (`persons` index).
    pub fn damage(&self, person: u32) -> Option<&ArchivedDamageEntry> {
        let damaged = &self.archive().damaged;
        let at = damaged.partition_point(|d| d.person.to_native() < person);
        damaged.get(at).filter(|d| d.person.to_native() == person)
    }

    /// A person as the export model, with its damage when it was salvaged (what `tanu lookup`
    /// prints).
    pub fn person_source(&self, person: u32) -> Option<SourcePerson> {
        let mut p = self.archive().persons.get(person as usize)?.to_source();
        p.damage = self.damage(person).map(|d| d.to_source());
        Some(p)
    }

    /// The screen row of a person (`persons` index).
    #[inline]
    pub fn screen(&self, person: u32) -> Option<&ArchivedScreenRow> {
        self.archive().screens.get(person as usize)
    }

    /// The screening card of a vocabulary row.
    #[inline]
    pub fn term_card(&self, row: u32) -> Option<&ArchivedTermCard> {
        self.archive().term_cards.get(row as usize)
    }

    /// The shape (`format::term_shape`) of a vocabulary row.
    #[inline]
    pub fn term_shape(&self, row: u32) -> Option<u64> {
        self.archive()
            .term_shapes
            .get(row as usize)
            .map(|s| s.to_native())
    }

    /// One vocabulary row, whole.
    #[inline]
    pub fn vocabulary_row(&self, row: u32) -> Option<&ArchivedVocabularyEntry> {
        self.archive().vocabulary.get(row as usize)
    }

    /// The birth-date rows (one per name, see `RegistryArchive::birth_table`) of the persons
    /// whose birth-date key (`PartialDate::to_key`) equals `key`.
    pub fn by_birth_key(&self, key: u32) -> &[ArchivedKeyEntry] {
        let a = self.archive();
        let rows = bucket_rows(&a.birth_table, &a.birth_dir, birth_bucket(u64::from(key)));
        let (lo, hi) = (birth_row_key(key, 0), birth_row_key(key, u32::MAX));
        let start = rows.partition_point(|e| e.key.to_native() < lo);
        let end = start + rows[start..].partition_point(|e| e.key.to_native() <= hi);
        &rows[start..end]
    }

    /// Persons under a name key.
    pub fn by_name_key(&self, key: NameKey) -> &[ArchivedKeyEntry] {
        let a = self.archive();
        lookup(
            bucket_rows(
                &a.name_table,
                &a.name_dir,
                hashed_bucket(&a.name_dir, key.0),
            ),
            key.0,
        )
    }

    /// The rows of many name keys, visited in order (`visit(i, rows)` for `keys[i]`): the
    /// directory entries and then the first rows of every key are requested from memory before
    /// any is read, so the look-ups' cache misses overlap instead of following one another.
    pub fn by_name_keys(
        &self,
        keys: &[NameKey],
        mut visit: impl FnMut(usize, &[ArchivedKeyEntry]),
    ) {
        let a = self.archive();
        let (dir, table) = (&a.name_dir, &a.name_table);
        for k in keys {
            prefetch(dir.get(hashed_bucket(dir, k.0)));
        }
        for k in keys {
            let b = hashed_bucket(dir, k.0);
            let lo = dir.get(b).map_or(0, |d| d.to_native() as usize);
            let hi = dir.get(b + 1).map_or(lo, |d| d.to_native() as usize);
            prefetch(table.get(lo));
            prefetch(table.get((lo + hi) / 2));
        }
        for (i, k) in keys.iter().enumerate() {
            visit(i, self.by_name_key(*k));
        }
    }

    /// Start loading the screen rows of these persons (see `by_name_keys`).
    pub fn prefetch_screens(&self, persons: impl Iterator<Item = u32>) {
        let screens = &self.archive().screens;
        for p in persons {
            prefetch(screens.get(p as usize));
        }
    }

    /// Start loading the term cards of these vocabulary rows.
    pub fn prefetch_term_cards(&self, rows: impl Iterator<Item = u32>) {
        let cards = &self.archive().term_cards;
        for r in rows {
            prefetch(cards.get(r as usize));
        }
    }

    /// Persons with this person id (more than one only when the export repeated an id).
    pub fn by_person_id(&self, id: &str) -> Vec<u32> {
        let persons = &self.archive().persons;
        let start = persons.partition_point(|p| p.person_id.as_str() < id);
        (start..persons.len())
            .take_while(|&i| persons[i].person_id.as_str() == id)
            .map(|i| i as u32)
            .collect()
    }

    /// How many persons carry this surname stem (0 when none).
    pub fn surname_count(&self, stem: &str) -> u32 {
        self.count_dirs[0].count(&self.archive().surname_counts, term_hash(stem))
    }

    /// How many persons carry this given-name skeleton.
    pub fn given_count(&self, skel: &str) -> u32 {
        self.count_dirs[1].count(&self.archive().given_counts, term_hash(skel))
    }

    /// How many persons carry this patronymic root.
    pub fn patronymic_count(&self, root: &str) -> u32 {
        self.count_dirs[2].count(&self.archive().patronymic_counts, term_hash(root))
    }

    /// How many persons carry these two name parts together in one name (`keys::NamePair`).
    pub fn name_pair_count(&self, kind: NamePair, first: &str, second: &str) -> u32 {
        self.count_dirs[3].count(
            &self.archive().name_pair_counts,
            name_pair_hash(kind, first, second),
        )
    }

    /// Rows of `vocabulary` one edit away from `term` (substitution, insertion, deletion or
    /// adjacent transposition), `term` itself excluded, into `out`. Allocates only `out`'s growth
    /// and one key buffer.
    pub fn terms_one_edit_from(&self, term: &str, keys: &mut Vec<u64>, out: &mut Vec<u32>) {
        out.clear();
        let a = self.archive();
        deletion_keys(term, keys);
        for &k in keys.iter() {
            let rows = bucket_rows(
                &a.deletion_table,
                &a.deletion_dir,
                hashed_bucket(&a.deletion_dir, k),
            );
            for e in lookup(rows, k) {
                let row = e.person.to_native();
                if out.contains(&row) {
                    continue;
                }
                if let Some(v) = a.vocabulary.get(row as usize)
                    && v.term.as_str() != term
                    && within_one_edit(term, v.term.as_str())
                {
                    out.push(row);
                }
            }
        }
    }

    /// The vocabulary row of a term, when the registry has it (one hash look-up in the deletion
    /// table, whose rows under a term's own key include the term).
    pub fn term_row(&self, term: &str) -> Option<u32> {
        let a = self.archive();
        let key = own_deletion_key(term);
        let rows = bucket_rows(
            &a.deletion_table,
            &a.deletion_dir,
            hashed_bucket(&a.deletion_dir, key),
        );
        lookup(rows, key)
            .iter()
            .map(|e| e.person.to_native())
            .find(|&r| a.vocabulary.get(r as usize).is_some_and(|v| v.term == term))
    }

    /// The block hashes of the spellings one edit from vocabulary row `row`, its own block
    /// excepted (empty for a row past the vocabulary).
    pub fn neighbour_blocks(&self, row: u32) -> &[rkyv::rend::u64_le] {
        let a = self.archive();
        let r = row as usize;
        match (a.neighbour_dir.get(r), a.neighbour_dir.get(r + 1)) {
            (Some(lo), Some(hi)) => a
                .neighbour_blocks
                .get(lo.to_native() as usize..hi.to_native() as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// One vocabulary row: the term and its blocking form.
    pub fn vocabulary_entry(&self, row: u32) -> Option<(&str, &str)> {
        self.archive()
            .vocabulary
            .get(row as usize)
            .map(|v| (v.term.as_str(), v.block.as_str()))
    }

    /// Number of persons the frequency tables were counted over.
    pub fn name_population(&self) -> u64 {
        self.archive().name_count.to_native()
    }

    /// The fuzzy name-part index.
    #[cfg(feature = "fuzzy")]
    pub fn names(&self) -> &crate::fuzzy::FuzzyNameIndex {
        &self.names
    }
}

/// A directory over a frequency table sorted by term hash (hashes are uniform): bucket b holds
/// the rows whose top `bits` bits are b.
#[derive(Debug)]
struct CountDirectory {
    bits: u32,
    starts: Vec<u32>,
}

impl CountDirectory {
    fn of(table: &[crate::format::ArchivedTermCount]) -> CountDirectory {
        let bits = crate::format::hash_dir_bits(table.len());
        let starts = crate::format::directory_of_keys(
            table.iter().map(|t| t.term.to_native()),
            1 << bits,
            |k| crate::format::hash_bucket(k, bits),
        );
        CountDirectory { bits, starts }
    }

    /// The count of `term` (0 when absent).
    fn count(&self, table: &[crate::format::ArchivedTermCount], term: u64) -> u32 {
        let b = crate::format::hash_bucket(term, self.bits);
        let (lo, hi) = (self.starts[b] as usize, self.starts[b + 1] as usize);
        table
            .get(lo..hi)
            .unwrap_or(&[])
            .iter()
            .find(|t| t.term.to_native() == term)
            .map_or(0, |t| t.count.to_native())
    }
}

/// What `verify_index` checked.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub files: usize,
    pub bytes: u64,
    pub persons: u64,
    pub key_rows: u64,
}

/// Check everything: the manifest seal, every file's size and checksum, no unlisted files, the
/// archive's structure, every key table sorted and equal to the keys recomputed from the persons,
/// the counts, and the name index's documents.
pub fn verify_index(dir: &Path) -> Result<VerifyReport, IndexError> {
    let manifest = read_manifest(dir)?;
    let actual = checksum_files(dir).map_err(|e| IndexError::Inconsistent(e.to_string()))?;
    for (file, expected) in &manifest.files {
        let Some(found) = actual.get(file) else {
            return Err(IndexError::MissingFile { file: file.clone() });
        };
        if found.size != expected.size {
            return Err(IndexError::Size {
                file: file.clone(),
                expected: expected.size,
                actual: found.size,
            });
        }
        if found.xxh3 != expected.xxh3 {
            return Err(IndexError::Checksum {
                file: file.clone(),
                expected: expected.xxh3.clone(),
                actual: found.xxh3.clone(),
            });
        }
    }
    if let Some(extra) = actual
        .keys()
        .find(|f| !manifest.files.contains_key(*f) && !is_ignored_file(f))
    {
        return Err(IndexError::UnexpectedFile {
            file: extra.clone(),
        });
    }
    let index = RegistryIndex::open_with(dir, StructureCheck::Full)?;
    let archive = index.archive();
    let counts = &manifest.counts;
    if archive.persons.len() as u64 != counts.persons {
        return Err(IndexError::Inconsistent(format!(
            "manifest counts {} persons, archive holds {}",
            counts.persons,
            archive.persons.len()
        )));
    }
    // Recompute every key row from the persons and compare with the stored tables.
    let full: RegistryArchive = rkyv::deserialize::<RegistryArchive, rancor::Error>(archive)
        .map_err(|e| IndexError::Archive(e.to_string()))?;
    let (mut iin, mut birth, mut names) = (Vec::new(), Vec::new(), Vec::new());
    let terms = crate::builder::VocabularyRows(&full.vocabulary);
    for (i, p) in full.persons.iter().enumerate() {
        person_keys(p, i as u32, &terms, &mut iin, &mut birth, &mut names);
        for n in &p.names {
            let again = normalized_of(n);
            if again.surname.is_empty() && again.given.is_empty() && !n.surname.trim().is_empty() {
                return Err(IndexError::Inconsistent(format!(
                    "person {} has a name with no normalised form",
                    p.person_id
                )));
            }
        }
    }
    let check = |name: &str, stored: &Vec<KeyEntry>, mut rebuilt: Vec<KeyEntry>| {
        rebuilt.sort_unstable();
        if !stored.windows(2).all(|w| w[0] <= w[1]) {
            return Err(IndexError::Inconsistent(format!("{name} is not sorted")));
        }
        if *stored != rebuilt {
            return Err(IndexError::Inconsistent(format!(
                "{name} does not match the keys recomputed from the persons ({} stored, {} expected)",
                stored.len(),
                rebuilt.len()
            )));
        }
        Ok(())
    };
    let suffix = crate::builder::iin_suffix_rows(&iin);
    check("the IIN table", &full.iin_table, iin)?;
    check("the IIN suffix table", &full.iin_suffix_table, suffix)?;
    check("the birth-date table", &full.birth_table, birth)?;
    let key_rows = (full.iin_table.len()
        + full.iin_suffix_table.len()
        + full.birth_table.len()
        + full.name_table.len()) as u64;
    check("the name-key table", &full.name_table, names)?;
    let (vocabulary, deletions) = crate::builder::vocabulary_tables(&full.persons);
    if vocabulary != full.vocabulary {
        return Err(IndexError::Inconsistent(
            "the vocabulary does not match the persons' name parts".into(),
        ));
    }
    check("the deletion table", &full.deletion_table, deletions)?;
    let (blocks, neighbour_dir) =
        crate::builder::neighbour_tables(&full.vocabulary, &full.deletion_table);
    if blocks != full.neighbour_blocks || neighbour_dir != full.neighbour_dir {
        return Err(IndexError::Inconsistent(
            "the neighbour table does not match the vocabulary".into(),
        ));
    }
    let cards: Vec<crate::format::TermCard> = full
        .vocabulary
        .iter()
        .map(crate::format::TermCard::of)
        .collect();
    let shapes: Vec<u64> = cards.iter().map(crate::format::term_shape).collect();
    if cards != full.term_cards || shapes != full.term_shapes {
        return Err(IndexError::Inconsistent(
            "the term cards do not match the vocabulary".into(),
        ));
    }
    if full.screens != crate::builder::screen_rows(&full.persons, &full.damaged, &full.vocabulary) {
        return Err(IndexError::Inconsistent(
            "the screen rows do not match the persons".into(),
        ));
    }
    let tables = crate::builder::count_tables(&full.persons);
    if tables.surname != full.surname_counts
        || tables.given != full.given_counts
        || tables.patronymic != full.patronymic_counts
        || tables.pairs != full.name_pair_counts
        || full.name_count != full.persons.len() as u64
    {
        return Err(IndexError::Inconsistent(
            "the name frequency tables do not match the persons".into(),
        ));
    }
    if full.iin_dir != iin_directory(&full.iin_table)
        || full.iin_suffix_dir != iin_directory(&full.iin_suffix_table)
        || full.birth_dir != birth_directory(&full.birth_table)
        || full.name_dir != hash_directory(&full.name_table)
        || full.deletion_dir != hash_directory(&full.deletion_table)
    {
        return Err(IndexError::Inconsistent(
            "a key-table directory does not match its table".into(),
        ));
    }
    if !full
        .persons
        .windows(2)
        .all(|w| w[0].person_id <= w[1].person_id)
    {
        return Err(IndexError::Inconsistent(
            "persons are not sorted by person_id".into(),
        ));
    }
    #[cfg(feature = "fuzzy")]
    {
        let terms = index.names().all_terms().map_err(IndexError::NameIndex)?;
        let expected: Vec<&str> = crate::builder::vocabulary_terms(&full.persons);
        if terms.len() != expected.len() || terms.iter().zip(&expected).any(|(a, b)| a != b) {
            return Err(IndexError::Inconsistent(format!(
                "the name index holds {} terms, not the {} distinct name parts of the persons",
                terms.len(),
                expected.len()
            )));
        }
    }
    Ok(VerifyReport {
        files: manifest.files.len() + 1,
        bytes: manifest.files.values().map(|f| f.size).sum(),
        persons: counts.persons,
        key_rows,
    })
}
