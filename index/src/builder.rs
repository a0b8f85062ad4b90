//! Builds an index directory from a special-records export: parallel parse, validation,
//! normalisation, key tables, the rkyv archive, the name-part index and the sealed manifest,
//! all written to a temporary directory, fsynced and renamed into place. It must never leave a
//! half-written index where a complete one was.

use crate::format::TermCard;
use crate::format::{
    ARCHIVE_FILE, ConvictionEntry, DamageEntry, FORMAT_VERSION, FileEntry, IndexCounts, KeyEntry,
    MANIFEST_FILE, Manifest, NAMES_DIR, NO_TERM, NameEntry, OffenceEntry, PersonEntry,
    RegistryArchive, ScreenRow, SourceInfo, TermCount, VocabularyEntry, birth_directory,
    birth_row_key, checksum_hex, contradicting_iin_birth_key, effective_birth_key, hash_directory,
    iin_directory, iin_restored, iin_status, screen_flags, swap_iin_halves,
};
use crate::iin::Iin;
use crate::keys::{
    NamePair, block_component, block_hash, deletion_keys, name_keys, name_pair_hash, term_hash,
    within_one_edit,
};
use crate::name::{
    NormalizedName, given_and_patronymic_swapped, normalize_name, patronymic_root, phonetic_key,
    split_full_name, surname_words,
};
use crate::source::{LineError, LineOutcome, RecordList, Sex, SourcePerson, read_line};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot read the source {path}: {error}")]
    ReadSource {
        path: PathBuf,
        /// In the message, not a `source`: a caller printing the chain sees it once.
        error: std::io::Error,
    },
    #[error("I/O error on {path}: {error}")]
    Io {
        path: PathBuf,
        /// In the message, not a `source`: a caller printing the chain sees it once.
        error: std::io::Error,
    },
    #[error(
        "{bad} of {total} lines are bad ({share:.2}%), more than the allowed {allowed:.2}%: nothing was written"
    )]
    TooManyBadLines {
        bad: u64,
        total: u64,
        share: f64,
        allowed: f64,
    },
    #[error("the source holds no valid person: nothing was written")]
    Empty,
    #[error("the source has more than {max} persons; split the export")]
    TooLarge { max: u64 },
    #[error("cannot encode the archive: {0}")]
    Encode(String),
    #[error("the encoded archive does not validate (a bug in the builder): {0}")]
    Invalid(String),
    #[error(
        "{path}: the file read back does not match the bytes written (checksum {written} written, {read} read): the disk or file system damaged it"
    )]
    WrittenDamaged {
        path: PathBuf,
        written: String,
        read: String,
    },
    #[error("cannot build the name index: {0}")]
    NameIndex(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |error| BuildError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Options of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Largest share of bad lines (0..1: damaged, skipped or duplicate ids) that still lets the
    /// build succeed.
    pub max_bad_share: f64,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            max_bad_share: 0.01,
        }
    }
}

/// Where a build reports what it is doing. All methods may be called from several threads.
pub trait BuildProgress: Sync {
    /// A new stage begins, with the number of steps it has (0 when unknown).
    fn stage(&self, _name: &str, _total: u64) {}
    /// `n` more steps of the current stage are done.
    fn advance(&self, _n: u64) {}
    /// A line of the source was rejected (1-based line number). Called in line order.
    fn bad_line(&self, _line: u64, _error: &LineError) {}
}

/// A progress sink that reports nothing.
pub struct NoProgress;
impl BuildProgress for NoProgress {}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub out_dir: PathBuf,
    pub counts: IndexCounts,
    /// IINs exported without their leading zeros and kept restored
    /// (`Iin::with_lost_leading_zero`): many mean the export went through a spreadsheet.
    pub restored_iins: u64,
    pub seconds: f64,
    pub bytes_on_disk: u64,
}

/// Largest registry one archive holds (person indexes are u32).
const MAX_PERSONS: u64 = u32::MAX as u64 - 1;

/// Build the index of `source` into `out` (replacing any index there only once the new one is
/// complete and durable).
pub fn build_index(
    source: &Path,
    out: &Path,
    options: &BuildOptions,
    progress: &dyn BuildProgress,
) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let file = File::open(source).map_err(|e| BuildError::ReadSource {
        path: source.to_path_buf(),
        error: e,
    })?;
    let len = file.metadata().map_err(io_err(source))?.len();
    // SAFETY: the export is read-only input; if another process truncates it while we read, the
    // map may fault, which is the documented limit of building from a file being rewritten.
    let map;
    let bytes: &[u8] = if len == 0 {
        &[]
    } else {
        map = unsafe { memmap2::Mmap::map(&file) }.map_err(io_err(source))?;
        &map
    };
    let source_info = SourceInfo {
        path: source.display().to_string(),
        size: len,
        xxh3: checksum_hex(bytes),
    };

    // 1. Split into lines, parse in parallel.
    let lines: Vec<(u64, &[u8])> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .collect();
    let total_lines = lines.len() as u64;
    progress.stage("parse", total_lines);
    let parsed: Vec<(u64, LineOutcome)> = lines
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            let out: Vec<_> = chunk.iter().map(|(n, l)| (*n, read_line(l, *n))).collect();
            progress.advance(chunk.len() as u64);
            out
        })
        .collect();
    drop(lines);

    // 2. Report bad lines and duplicate ids, in line order.
    let mut counts = IndexCounts {
        source_lines: total_lines,
        ..IndexCounts::default()
    };
    let mut first_line_of: HashMap<&str, u64> = HashMap::with_capacity(parsed.len());
    let mut persons: Vec<SourcePerson> = Vec::with_capacity(parsed.len());
    let mut parsed = parsed;
    for (line, outcome) in &parsed {
        let kept = match outcome {
            LineOutcome::Unreadable(e) => {
                counts.bad_lines += 1;
                counts.skipped_lines += 1;
                progress.bad_line(
                    *line,
                    &LineError {
                        field: e.field.clone(),
                        reason: format!("{} (skipped: no name or IIN could be read)", e.reason),
                    },
                );
                None
            }
            LineOutcome::Damaged(p, e) => {
                counts.bad_lines += 1;
                counts.damaged_lines += 1;
                let unreadable = p.damage.as_ref().map_or(0, |d| d.unreadable.len());
                counts.unreadable_records += unreadable as u64;
                let records = if unreadable == 0 {
                    String::new()
                } else {
                    format!(", {unreadable} unreadable record(s) stored as text")
                };
                progress.bad_line(
                    *line,
                    &LineError {
                        field: e.field.clone(),
                        reason: format!(
                            "{} (kept: the person is indexed with what could be read{records})",
                            e.reason
                        ),
                    },
                );
                Some(p)
            }
            LineOutcome::Good(p) => Some(p),
        };
        match kept {
            None => {}
            Some(p) => {
                if let Some(first) = first_line_of.insert(p.person_id.as_str(), *line) {
                    first_line_of.insert(p.person_id.as_str(), first);
                    counts.duplicate_ids += 1;
                    // A damaged line is already counted as bad.
                    if matches!(outcome, LineOutcome::Good(_)) {
                        counts.bad_lines += 1;
                    }
                    progress.bad_line(
                        *line,
                        &LineError {
                            field: "person_id".into(),
                            reason: format!(
                                "duplicate of line {first} (both kept: a person's records are never dropped)"
                            ),
                        },
                    );
                }
            }
        }
    }
    drop(first_line_of);
    if total_lines > 0 {
        let share = counts.bad_lines as f64 / total_lines as f64;
        if share > options.max_bad_share {
            return Err(BuildError::TooManyBadLines {
                bad: counts.bad_lines,
                total: total_lines,
                share: share * 100.0,
                allowed: options.max_bad_share * 100.0,
            });
        }
    }
    for (_, outcome) in parsed.drain(..) {
        match outcome {
            LineOutcome::Good(p) | LineOutcome::Damaged(p, _) => persons.push(p),
            LineOutcome::Unreadable(_) => {}
        }
    }
    drop(parsed);
    if persons.is_empty() {
        return Err(BuildError::Empty);
    }
    if persons.len() as u64 > MAX_PERSONS {
        return Err(BuildError::TooLarge { max: MAX_PERSONS });
    }

    // 3. Sort by id (stable: duplicates keep their source order), normalise in parallel.
    persons.par_sort_by(|a, b| a.person_id.cmp(&b.person_id));
    progress.stage("normalise", persons.len() as u64);
    let damaged: Vec<DamageEntry> = persons
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some(DamageEntry::from_source(i as u32, p.damage.as_ref()?)))
        .collect();
    let entries: Vec<PersonEntry> = persons
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            let out: Vec<_> = chunk.iter().map(person_entry).collect();
            progress.advance(chunk.len() as u64);
            out
        })
        .collect();
    drop(persons);
    let mut restored_iins = 0u64;
    for e in &entries {
        restored_iins += u64::from(iin_restored(e.iin_status, e.iin_raw.as_deref()));
        counts.persons += 1;
        counts.names += e.names.len() as u64;
        counts.convictions += e.convictions.len() as u64;
        counts.admin_offences += e.admin_offences.len() as u64;
        match e.iin_status {
            iin_status::MISSING => counts.missing_iins += 1,
            iin_status::VALID => {}
            _ => counts.invalid_iins += 1,
        }
    }

    // 4. Key tables and name statistics.
    progress.stage("keys", 0);
    let archive = assemble_archive(entries, damaged);

    // 5. Write everything to a temporary directory next to `out`.
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let leaf = out
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    let tmp = parent.join(format!(".{leaf}.building-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
    let result = write_index_files(&tmp, &archive, progress).and_then(|files| {
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            tanu_version: env!("CARGO_PKG_VERSION").to_string(),
            built_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            build_seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
            source: source_info,
            counts: counts.clone(),
            files,
        };
        let path = tmp.join(MANIFEST_FILE);
        write_durable(&path, &manifest.encode())?;
        sync_dir(&tmp)?;
        Ok(manifest)
    });
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    progress.stage("install", 0);
    install(&tmp, out, &parent)?;
    let bytes_on_disk = manifest.files.values().map(|f| f.size).sum::<u64>();
    Ok(BuildSummary {
        out_dir: out.to_path_buf(),
        counts,
        restored_iins,
        seconds: started.elapsed().as_secs_f64(),
        bytes_on_disk,
    })
}

/// Replace `out` with the complete directory `tmp`. A crash in between leaves either the old
/// index at `out`, or the new one, or the old one under `.NAME.previous-PID` next to it.
fn install(tmp: &Path, out: &Path, parent: &Path) -> Result<(), BuildError> {
    let leaf = out
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    let previous = parent.join(format!(".{leaf}.previous-{}", std::process::id()));
    let had_old = out.exists();
    if had_old {
        fs::rename(out, &previous).map_err(io_err(out))?;
    }
    fs::rename(tmp, out).map_err(io_err(out))?;
    sync_dir(parent)?;
    if had_old {
        fs::remove_dir_all(&previous).map_err(io_err(&previous))?;
    }
    Ok(())
}

fn name_entry(surname: &str, given: &str, patronymic: Option<&str>) -> NameEntry {
    // A whole name in the surname field with the given name blank (a salvaged line, or an
    // exporter that joined the fields): split it as a full name.
    if given.trim().is_empty() && surname.split_whitespace().nth(1).is_some() {
        let split = split_full_name(surname);
        if !split.given_name.is_empty() {
            let patronymic = patronymic
                .filter(|p| !p.trim().is_empty())
                .map(str::to_string)
                .or(split.patronymic);
            return name_entry(&split.surname, &split.given_name, patronymic.as_deref());
        }
    }
    // A patronymic in the given-name field and the given name in the patronymic field: read the
    // name the right way round (the written fields stay as the record has them).
    let n = match patronymic {
        Some(p) if given_and_patronymic_swapped(given, p) => {
            normalize_name(surname, p, Some(given))
        }
        _ => normalize_name(surname, given, patronymic),
    };
    NameEntry {
        surname_phon: phonetic_key(&n.surname_stem),
        given_phon: phonetic_key(&n.given),
        patronymic_phon: n
            .patronymic_root
            .as_deref()
            .map(phonetic_key)
            .unwrap_or_default(),
        surname_as_patronymic: patronymic_root(&n.surname).unwrap_or_default(),
        surname: surname.to_string(),
        given_name: given.to_string(),
        patronymic: patronymic.map(str::to_string),
        surname_skel: n.surname,
        surname_stem: n.surname_stem,
        given_skel: n.given,
        patronymic_root: n.patronymic_root,
    }
}

/// The normalised name stored in an entry (what `normalize_name` gave at build time).
pub fn normalized_of(n: &NameEntry) -> NormalizedName {
    NormalizedName {
        surname: n.surname_skel.clone(),
        surname_stem: n.surname_stem.clone(),
        given: n.given_skel.clone(),
        patronymic_root: n.patronymic_root.clone(),
        surname_words: surname_words(&n.surname),
    }
}

fn person_entry(p: &SourcePerson) -> PersonEntry {
    let (iin_raw, status, digits) = match p.iin.as_deref().map(str::trim) {
        None | Some("") => (None, iin_status::MISSING, 0),
        Some(raw) => {
            let grouped = crate::iin::without_separators(raw);
            let digits_only = grouped.len() == 12 && grouped.bytes().all(|b| b.is_ascii_digit());
            let (status, digits) = match Iin::parse(raw) {
                Ok(iin) => (iin_status::VALID, iin.as_u64()),
                Err(_) if digits_only => (
                    iin_status::INVALID_DIGITS,
                    grouped.parse::<u64>().unwrap_or(0),
                ),
                // Digits that are an IIN of the 2000s without its leading zeros (a
                // spreadsheet's doing): kept restored, as valid when the stated birth date
                // confirms them (a digit lost elsewhere restores, if at all, to another date),
                // untrusted when the record states no date to confirm them (a whole exported
                // column loses its zeros, and such a record has no other link than its IIN).
                Err(_) => {
                    let born = p.birth_date.map(|b| b.0);
                    match Iin::with_lost_leading_zero(raw, born) {
                        Some(iin) if born.is_some() => (iin_status::VALID, iin.as_u64()),
                        Some(iin) => (iin_status::INVALID_DIGITS, iin.as_u64()),
                        None => (iin_status::INVALID_OTHER, 0),
                    }
                }
            };
            (Some(raw.to_string()), status, digits)
        }
    };
    let mut names = Vec::with_capacity(1 + p.aliases.len());
    names.push(name_entry(
        &p.surname,
        &p.given_name,
        p.patronymic.as_deref(),
    ));
    for a in &p.aliases {
        names.push(name_entry(
            &a.surname,
            &a.given_name,
            a.patronymic.as_deref(),
        ));
    }
    PersonEntry {
        person_id: p.person_id.clone(),
        iin_raw,
        iin_status: status,
        iin_digits: digits,
        birth_key: p.birth_date.map_or(0, |b| b.0.to_key()),
        sex: match p.sex {
            None => 0,
            Some(Sex::Male) => 1,
            Some(Sex::Female) => 2,
        },
        citizenship: p.citizenship.clone(),
        names,
        convictions: p
            .convictions
            .iter()
            .map(ConvictionEntry::from_source)
            .collect(),
        admin_offences: p
            .admin_offences
            .iter()
            .map(OffenceEntry::from_source)
            .collect(),
    }
}

/// The key rows of one person (used by the builder and re-checked by `verify-index`).
pub fn person_keys(
    p: &PersonEntry,
    index: u32,
    terms: &VocabularyRows<'_>,
    iin: &mut Vec<KeyEntry>,
    birth: &mut Vec<KeyEntry>,
    names: &mut Vec<KeyEntry>,
) {
    if p.iin_digits != 0 || p.iin_status == iin_status::VALID {
        iin.push(KeyEntry {
            key: p.iin_digits,
            person: index,
            tag: p.birth_key,
        });
    }
    // A record whose valid IIN encodes another full date than it states is found under both.
    let other_birth = contradicting_iin_birth_key(p.birth_key, p.iin_status, p.iin_digits);
    let birth_key = screen_birth_key(p);
    if birth_key != 0 {
        // One row per name and date: the given name's vocabulary row beside the date in the
        // key, the surname's in the tag, so a birth-date block can be screened by name in the
        // table.
        let first = birth.len();
        for date in std::iter::once(birth_key).chain(other_birth) {
            for n in &p.names {
                birth.push(KeyEntry {
                    key: birth_row_key(date, terms.row(&n.given_skel)),
                    person: index,
                    tag: terms.row(&n.surname_skel),
                });
            }
        }
        birth[first..].sort_unstable();
        let mut kept = first;
        for i in first..birth.len() {
            if kept == first || birth[kept - 1] != birth[i] {
                birth[kept] = birth[i];
                kept += 1;
            }
        }
        birth.truncate(kept);
    }
    let mut keys = Vec::new();
    for n in &p.names {
        name_keys(&normalized_of(n), &mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    for tag in std::iter::once(p.birth_key).chain(other_birth) {
        names.extend(keys.iter().map(|k| KeyEntry {
            key: k.0,
            person: index,
            tag,
        }));
    }
}

/// Name parts → their rows in a sorted vocabulary (`NO_TERM` when empty or absent).
pub struct VocabularyRows<'a>(pub &'a [VocabularyEntry]);

impl VocabularyRows<'_> {
    pub fn row(&self, term: &str) -> u32 {
        if term.is_empty() {
            return NO_TERM;
        }
        self.0
            .binary_search_by(|v| v.term.as_str().cmp(term))
            .map_or(NO_TERM, |i| i as u32)
    }
}

/// Count terms (each distinct term once per person).
/// How many persons carry each key that `keys_of` gives for one of their names (each distinct
/// key once per person), sorted by key.
pub(crate) fn key_counts(
    entries: &[PersonEntry],
    keys_of: impl Fn(&NameEntry, &mut Vec<u64>) + Sync,
) -> Vec<TermCount> {
    let mut hashes: Vec<u64> = entries
        .par_iter()
        .flat_map_iter(|p| {
            let mut hs: Vec<u64> = Vec::new();
            for n in p.names.iter() {
                keys_of(n, &mut hs);
            }
            hs.sort_unstable();
            hs.dedup();
            hs
        })
        .collect();
    hashes.par_sort_unstable();
    let mut out: Vec<TermCount> = Vec::new();
    for h in hashes {
        match out.last_mut() {
            Some(last) if last.term == h => last.count += 1,
            _ => out.push(TermCount { term: h, count: 1 }),
        }
    }
    out
}

/// The four frequency tables: surname stems, given names, patronymic roots and name pairs.
pub(crate) struct CountTables {
    pub surname: Vec<TermCount>,
    pub given: Vec<TermCount>,
    pub patronymic: Vec<TermCount>,
    pub pairs: Vec<TermCount>,
}

pub(crate) fn count_tables(entries: &[PersonEntry]) -> CountTables {
    fn one(t: &str, out: &mut Vec<u64>) {
        if !t.is_empty() {
            out.push(term_hash(t));
        }
    }
    CountTables {
        surname: key_counts(entries, |n, out| one(&n.surname_stem, out)),
        given: key_counts(entries, |n, out| one(&n.given_skel, out)),
        patronymic: key_counts(entries, |n, out| {
            one(n.patronymic_root.as_deref().unwrap_or(""), out)
        }),
        pairs: key_counts(entries, |n, out| {
            let (s, g) = (n.surname_stem.as_str(), n.given_skel.as_str());
            let p = n.patronymic_root.as_deref().unwrap_or("");
            if !s.is_empty() && !g.is_empty() {
                out.push(name_pair_hash(NamePair::SurnameGiven, s, g));
            }
            if !g.is_empty() && !p.is_empty() {
                out.push(name_pair_hash(NamePair::GivenPatronymic, g, p));
            }
        }),
    }
}

/// Every distinct name part of the registry (surname and given-name skeletons, patronymic roots,
/// patronymics written as surnames), sorted: the vocabulary of the fuzzy look-ups.
pub fn vocabulary_terms(persons: &[PersonEntry]) -> Vec<&str> {
    let mut terms: Vec<&str> = persons
        .par_iter()
        .flat_map_iter(|p| {
            p.names.iter().flat_map(|n| {
                [
                    n.surname_skel.as_str(),
                    n.given_skel.as_str(),
                    n.patronymic_root.as_deref().unwrap_or(""),
                    n.surname_as_patronymic.as_str(),
                ]
            })
        })
        .filter(|t| !t.is_empty())
        .collect();
    terms.par_sort_unstable();
    terms.dedup();
    terms
}

/// The vocabulary of name parts with their blocking forms, and its deletion-neighbourhood table.
pub fn vocabulary_tables(entries: &[PersonEntry]) -> (Vec<VocabularyEntry>, Vec<KeyEntry>) {
    let terms = vocabulary_terms(entries);
    let vocabulary: Vec<VocabularyEntry> = terms
        .par_iter()
        .map(|t| VocabularyEntry {
            term: t.to_string(),
            block: block_component(t),
            phon: phonetic_key(t),
        })
        .collect();
    let mut table: Vec<KeyEntry> = vocabulary
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, v)| {
            let mut keys = Vec::new();
            deletion_keys(&v.term, &mut keys);
            keys.into_iter().map(move |key| KeyEntry {
                key,
                person: i as u32,
                tag: 0,
            })
        })
        .collect();
    table.par_sort_unstable();
    (vocabulary, table)
}

/// The IIN table's rows keyed by `swap_iin_halves`, sorted.
pub fn iin_suffix_rows(iin_table: &[KeyEntry]) -> Vec<KeyEntry> {
    let mut rows: Vec<KeyEntry> = iin_table
        .iter()
        .map(|e| KeyEntry {
            key: swap_iin_halves(e.key),
            ..*e
        })
        .collect();
    rows.par_sort_unstable();
    rows
}

/// A person's birth-date key for screening, indexing and scoring (`effective_birth_key`).
pub fn screen_birth_key(p: &PersonEntry) -> u32 {
    effective_birth_key(p.birth_key, p.iin_status, p.iin_digits)
}

/// One screen row per person (see `ScreenRow`), against the sorted vocabulary.
pub fn screen_rows(
    persons: &[PersonEntry],
    damaged: &[DamageEntry],
    vocabulary: &[VocabularyEntry],
) -> Vec<ScreenRow> {
    let damage_of = |i: usize| {
        let at = damaged.partition_point(|d| (d.person as usize) < i);
        damaged.get(at).filter(|d| d.person as usize == i)
    };
    let terms = VocabularyRows(vocabulary);
    let row_of = |term: &str| terms.row(term);
    persons
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut flags = 0;
            let damage = damage_of(i);
            let lost = |list| damage.is_some_and(|d| d.lost_record_of(list));
            if !p.convictions.is_empty() || lost(RecordList::Convictions) {
                flags |= screen_flags::CONVICTION;
            }
            if !p.admin_offences.is_empty() || lost(RecordList::AdminOffences) {
                flags |= screen_flags::ADMIN_OFFENCE;
            }
            if p.names.len() > 1 {
                flags |= screen_flags::ALIASES;
            }
            if contradicting_iin_birth_key(p.birth_key, p.iin_status, p.iin_digits).is_some() {
                flags |= screen_flags::IIN_OTHER_BIRTH;
            }
            let first = p.names.first();
            ScreenRow {
                birth_key: screen_birth_key(p),
                given_term: first.map_or(NO_TERM, |n| row_of(&n.given_skel)),
                surname_term: first.map_or(NO_TERM, |n| row_of(&n.surname_skel)),
                flags,
            }
        })
        .collect()
}

/// The one-edit neighbours of every vocabulary row as block hashes (see
/// `RegistryArchive::neighbour_blocks`): the blocks and their directory.
pub fn neighbour_tables(
    vocabulary: &[VocabularyEntry],
    deletion_table: &[KeyEntry],
) -> (Vec<u64>, Vec<u32>) {
    let lists: Vec<Vec<u64>> = vocabulary
        .par_iter()
        .enumerate()
        .map(|(row, v)| {
            let own = block_hash(&v.block);
            let mut keys = Vec::new();
            deletion_keys(&v.term, &mut keys);
            let mut out: Vec<u64> = Vec::new();
            for k in keys {
                let start = deletion_table.partition_point(|e| e.key < k);
                for e in deletion_table[start..].iter().take_while(|e| e.key == k) {
                    let other = &vocabulary[e.person as usize];
                    if e.person as usize != row && within_one_edit(&v.term, &other.term) {
                        let h = block_hash(&other.block);
                        if h != own {
                            out.push(h);
                        }
                    }
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    let mut dir = Vec::with_capacity(lists.len() + 1);
    dir.push(0u32);
    let mut blocks = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    for l in lists {
        blocks.extend(l);
        dir.push(blocks.len() as u32);
    }
    (blocks, dir)
}

fn assemble_archive(entries: Vec<PersonEntry>, damaged: Vec<DamageEntry>) -> RegistryArchive {
    let (vocabulary, deletion_table) = vocabulary_tables(&entries);
    let terms = VocabularyRows(&vocabulary);
    let (mut iin, (mut birth, mut names)): (Vec<KeyEntry>, (Vec<KeyEntry>, Vec<KeyEntry>)) =
        entries
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
                person_keys(p, i as u32, &terms, &mut a, &mut b, &mut c);
                (a, (b, c))
            })
            .reduce(
                || (Vec::new(), (Vec::new(), Vec::new())),
                |mut x, y| {
                    x.0.extend(y.0);
                    x.1.0.extend(y.1.0);
                    x.1.1.extend(y.1.1);
                    x
                },
            );
    iin.par_sort_unstable();
    birth.par_sort_unstable();
    names.par_sort_unstable();
    let counts = count_tables(&entries);
    let iin_dir = iin_directory(&iin);
    let name_dir = hash_directory(&names);
    let iin_suffix_table = iin_suffix_rows(&iin);
    let iin_suffix_dir = iin_directory(&iin_suffix_table);
    let screens = screen_rows(&entries, &damaged, &vocabulary);
    let birth_dir = birth_directory(&birth);
    let term_cards: Vec<TermCard> = vocabulary.iter().map(TermCard::of).collect();
    let term_shapes = term_cards.iter().map(crate::format::term_shape).collect();
    let (neighbour_blocks, neighbour_dir) = neighbour_tables(&vocabulary, &deletion_table);
    RegistryArchive {
        term_cards,
        term_shapes,
        neighbour_blocks,
        neighbour_dir,
        birth_dir,
        iin_suffix_table,
        iin_suffix_dir,
        screens,
        damaged,
        format_version: FORMAT_VERSION,
        name_count: entries.len() as u64,
        iin_dir,
        name_dir,
        deletion_dir: hash_directory(&deletion_table),
        vocabulary,
        deletion_table,
        persons: entries,
        iin_table: iin,
        birth_table: birth,
        name_table: names,
        surname_counts: counts.surname,
        given_counts: counts.given,
        patronymic_counts: counts.patronymic,
        name_pair_counts: counts.pairs,
    }
}

fn write_durable(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    let mut f = File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

fn sync_dir(dir: &Path) -> Result<(), BuildError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

/// Ask the kernel to forget the cached pages of a file just written and fsynced, so the
/// read-back checksum reads what is on the disk, not the pages this process just wrote. Advice
/// only: if the kernel declines, the read-back compares the cached pages as before.
fn drop_cached_pages(path: &Path) {
    #[cfg(target_os = "linux")]
    if let Ok(file) = File::open(path) {
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = path;
}

/// Write the archive and the name index into `dir`, fsync them, and return their checksums.
fn write_index_files(
    dir: &Path,
    archive: &RegistryArchive,
    progress: &dyn BuildProgress,
) -> Result<BTreeMap<String, FileEntry>, BuildError> {
    progress.stage("archive", 0);
    let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(archive)
        .map_err(|e| BuildError::Encode(e.to_string()))?;
    // Validate once, here: the manifest will carry the checksum of exactly these bytes, and a
    // reader that finds that checksum serves them without validating them again
    // (`reader::StructureCheck::Checksum`).
    progress.stage("validate", 0);
    crate::reader::check_archive(&bytes).map_err(|e| BuildError::Invalid(e.to_string()))?;
    let validated = checksum_hex(&bytes);
    let path = dir.join(ARCHIVE_FILE);
    write_durable(&path, &bytes)?;
    drop(bytes);
    drop_cached_pages(&path);

    #[cfg(feature = "fuzzy")]
    {
        progress.stage("names", archive.persons.len() as u64);
        let names_dir = dir.join(NAMES_DIR);
        fs::create_dir_all(&names_dir).map_err(io_err(&names_dir))?;
        crate::fuzzy::build_name_index(&names_dir, &archive.persons, progress)
            .map_err(BuildError::NameIndex)?;
        for entry in fs::read_dir(&names_dir).map_err(io_err(&names_dir))? {
            let entry = entry.map_err(io_err(&names_dir))?;
            File::open(entry.path())
                .and_then(|f| f.sync_all())
                .map_err(io_err(&entry.path()))?;
        }
        sync_dir(&names_dir)?;
    }
    #[cfg(not(feature = "fuzzy"))]
    let _ = NAMES_DIR;

    progress.stage("checksums", 0);
    let files = checksum_files(dir)?;
    let read = files.get(ARCHIVE_FILE).map(|f| f.xxh3.as_str());
    if read != Some(validated.as_str()) {
        return Err(BuildError::WrittenDamaged {
            path,
            written: validated,
            read: read.unwrap_or("nothing").to_string(),
        });
    }
    Ok(files)
}

/// Every file under `dir` but the manifest (and lock files) → size and checksum.
pub fn checksum_files(dir: &Path) -> Result<BTreeMap<String, FileEntry>, BuildError> {
    let mut paths = Vec::new();
    collect_files(dir, dir, &mut paths)?;
    let entries: Result<Vec<(String, FileEntry)>, BuildError> = paths
        .par_iter()
        .map(|(rel, path)| {
            // Read through a map as the reader does (`reader::map_whole`), not `fs::read`: the
            // archive's pages, dropped from the cache after writing (`drop_cached_pages`), come
            // back in the 2 MiB folios a reader maps fastest. Read into a buffer, they stayed in
            // small pages until evicted: on a 2 GB index every `tanu match` after the build took
            // about 16,000 page faults instead of 4,000 and ran about 4% slower (ARCHITECTURE.md
            // 4.6). Nor does the map allocate the file's size.
            let file = File::open(path).map_err(io_err(path))?;
            let size = file.metadata().map_err(io_err(path))?.len();
            let xxh3 = if size == 0 {
                checksum_hex(&[])
            } else {
                checksum_hex(&crate::reader::map_whole(&file).map_err(io_err(path))?)
            };
            Ok((rel.clone(), FileEntry { size, xxh3 }))
        })
        .collect();
    Ok(entries?.into_iter().collect())
}

/// Whether a file of an index directory is not part of the index's content.
pub fn is_ignored_file(rel: &str) -> bool {
    rel == MANIFEST_FILE || rel.ends_with(".lock")
}

fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), BuildError> {
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if !is_ignored_file(&rel) {
                out.push((rel, path));
            }
        }
    }
    Ok(())
}
