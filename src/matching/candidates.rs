//! Candidate generation: every registry person who could be the applicant, found through the
//! index's blocking paths (the IIN and IINs one edit away, the birth date and its day↔month swap,
//! name keys, fuzzy name terms), screened in the key tables where a row says enough (birth date,
//! given name), de-duplicated, each path capped so a very common name cannot blow up a query.
//! It must never score or decide.

use crate::matching::compare::{BirthProbe, DIGRAPH_INITIALS, INITIAL_MAX_LETTERS};
use crate::matching::query::QueryKind;
use crate::matching::scoring::{QueryFeatures, TermMemo, terms_could_match};
use tanu_index::date::PartialDate;
use tanu_index::format::{ArchivedKeyEntry, birth_row_key, screen_flags};
use tanu_index::fuzzy::edit_distance_for;
use tanu_index::keys::{
    NameKey, block_component, block_hash, name_components, pair_key, pair_key_of_hashes,
};
use tanu_index::name::NormalizedName;
use tanu_index::reader::RegistryIndex;

/// Bits of `found_by`: which paths found a candidate.
pub mod found_by {
    pub const IIN: u8 = 1;
    pub const IIN_NEAR: u8 = 2;
    pub const BIRTH_DATE: u8 = 4;
    pub const NAME_KEY: u8 = 8;
    pub const FUZZY: u8 = 16;
    /// The query's own birth date (or its IIN's) and its surname, whatever the given name: the
    /// given-name screen passes such a person to scoring, which rules it out unless the given
    /// names are only typos apart (`scoring::given_typos_only`).
    pub const DATE_AND_SURNAME: u8 = 32;

    /// The names of the bits set.
    pub fn names(bits: u8) -> Vec<&'static str> {
        [
            (IIN, "iin"),
            (IIN_NEAR, "iin_near_miss"),
            (BIRTH_DATE, "birth_date"),
            (NAME_KEY, "name_key"),
            (FUZZY, "fuzzy_name"),
            (DATE_AND_SURNAME, "birth_date_and_surname"),
        ]
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| *n)
        .collect()
    }
}

/// The paths, for cap metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Iin = 0,
    IinNear = 1,
    BirthDate = 2,
    NameKey = 3,
    Fuzzy = 4,
}

impl Path {
    pub const ALL: [Path; 5] = [
        Path::Iin,
        Path::IinNear,
        Path::BirthDate,
        Path::NameKey,
        Path::Fuzzy,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Path::Iin => "iin",
            Path::IinNear => "iin_near_miss",
            Path::BirthDate => "birth_date",
            Path::NameKey => "name_key",
            Path::Fuzzy => "fuzzy_name",
        }
    }
}

/// Most persons one path may contribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub per_iin: usize,
    /// Persons found by all the IINs one edit away together.
    pub iin_near: usize,
    pub birth_date: usize,
    pub name_key: usize,
    /// Persons per fuzzy spelling's plain name key.
    pub fuzzy: usize,
    /// Blocking components (spellings that block differently) per fuzzy term.
    pub fuzzy_variants: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            per_iin: 64,
            iin_near: 256,
            birth_date: 4096,
            name_key: 2048,
            fuzzy: 256,
            // 64 cut the variants of 42% of queries on a 3M registry (common names have
            // hundreds of typo spellings one edit away), dropping whichever came last in hash
            // order; 256 cuts almost none, for +2% instructions per decision.
            fuzzy_variants: 256,
        }
    }
}

/// The candidates of one query: person index and the paths that found it.
#[derive(Debug, Default, Clone)]
pub struct CandidateSet {
    pub entries: Vec<(u32, u8)>,
    /// Bit i set when path i's cap cut its block short.
    pub capped: u8,
    /// The query's given-name screening answers (started by `collect`), shared with the
    /// engine's screen of the same query.
    pub memo: TermMemo,
}

impl CandidateSet {
    /// Add the rows of a block whose birth date `dates` does not rule out, at most `cap` of them.
    fn add_filtered(
        &mut self,
        block: &[ArchivedKeyEntry],
        cap: usize,
        bit: u8,
        path: Path,
        dates: &DateFilter,
        ranges: &mut Vec<(u32, u32)>,
    ) {
        let mut added = 0usize;
        dates.for_each_passing(block, ranges, |e| {
            if added == cap {
                self.capped |= 1 << path as u8;
                return false;
            }
            self.entries.push((e.person.to_native(), bit));
            added += 1;
            true
        });
    }

    /// Sort by person and merge the paths of duplicates.
    fn dedup(&mut self) {
        self.entries.sort_unstable_by_key(|e| e.0);
        let mut out = 0usize;
        for i in 0..self.entries.len() {
            if out > 0 && self.entries[out - 1].0 == self.entries[i].0 {
                self.entries[out - 1].1 |= self.entries[i].1;
            } else {
                self.entries[out] = self.entries[i];
                out += 1;
            }
        }
        self.entries.truncate(out);
    }

    /// Whether a path's cap bit.
    pub fn was_capped(&self, path: Path) -> bool {
        self.capped & (1 << path as u8) != 0
    }
}

/// The query's birth dates prepared for key-row filtering: a registry birth-date key passes
/// when it would not rule the person out (`scoring::RuledOut::BirthDatesDiffer`).
#[derive(Debug, Clone)]
pub struct DateFilter {
    probes: Vec<BirthProbe>,
}

impl DateFilter {
    pub fn new(birth: Option<PartialDate>, alt: Option<PartialDate>) -> DateFilter {
        DateFilter {
            probes: [birth, alt]
                .into_iter()
                .flatten()
                .map(BirthProbe::new)
                .collect(),
        }
    }

    /// Visit every row of a block (sorted by tag, as key tables are within one key) whose tag
    /// `passes`, reading only the tag ranges the dates can reach when the block is large.
    pub fn for_each_passing(
        &self,
        block: &[ArchivedKeyEntry],
        ranges: &mut Vec<(u32, u32)>,
        mut visit: impl FnMut(&ArchivedKeyEntry) -> bool,
    ) {
        let scan = |visit: &mut dyn FnMut(&ArchivedKeyEntry) -> bool| {
            for e in block {
                if self.passes(e.tag.to_native()) && !visit(e) {
                    return;
                }
            }
        };
        if self.probes.is_empty() || block.len() < RANGED_FROM {
            return scan(&mut visit);
        }
        self.tag_ranges(block, ranges);
        // A few dependent loads a range (gallop, then a short scan) against one streaming scan.
        let steps = 2 * ranges.len() * (usize::BITS - block.len().leading_zeros()) as usize;
        if steps * SEARCH_STEP_ROWS > block.len() {
            return scan(&mut visit);
        }
        self.visit_ranges(block, ranges, visit);
    }

    /// The tag ranges (half-open) outside which no row of a non-empty `block` passes.
    fn tag_ranges(&self, block: &[ArchivedKeyEntry], ranges: &mut Vec<(u32, u32)>) {
        ranges.clear();
        ranges.push((0, 1));
        for p in &self.probes {
            p.key_ranges(ranges);
        }
        // Keys outside the block's own span cannot match anything.
        let (first, last) = (
            block[0].tag.to_native(),
            block[block.len() - 1].tag.to_native(),
        );
        ranges.retain(|&(lo, hi)| hi > first && lo <= last);
    }

    /// Visit the rows of `block` (sorted by tag) in the tag `ranges` whose tag `passes`.
    fn visit_ranges(
        &self,
        block: &[ArchivedKeyEntry],
        ranges: &mut [(u32, u32)],
        mut visit: impl FnMut(&ArchivedKeyEntry) -> bool,
    ) {
        ranges.sort_unstable();
        let mut from = 0usize;
        let mut covered_to = 0u32;
        for &(lo, hi) in ranges.iter() {
            let lo = lo.max(covered_to);
            if lo >= hi {
                continue;
            }
            covered_to = hi;
            // Gallop from where the last range ended (ranges are sorted and mostly close),
            // then scan to the range's end (most ranges are one date: a few rows).
            let rest = &block[from..];
            let mut step = 1usize;
            while step < rest.len() && rest[step].tag.to_native() < lo {
                step *= 2;
            }
            let window = &rest[step / 2..rest.len().min(step + 1)];
            let start = from + step / 2 + window.partition_point(|e| e.tag.to_native() < lo);
            let mut end = start;
            while end < block.len() && block[end].tag.to_native() < hi {
                let e = &block[end];
                if self.passes(e.tag.to_native()) && !visit(e) {
                    return;
                }
                end += 1;
            }
            from = end;
        }
    }

    /// Whether a registry birth-date key (0: unknown) is compatible with the query's dates.
    pub fn passes(&self, key: u32) -> bool {
        self.probes.is_empty() || self.probes.iter().any(|p| p.compatible(key))
    }
}

/// Blocks of at least this many rows may be read by date ranges rather than row by row.
const RANGED_FROM: usize = 64;
/// Rows a linear scan reads in the time of one binary-search step in a large block.
const SEARCH_STEP_ROWS: usize = 1;

/// The twelve digits as a number.
fn number(d: &[u8; 12]) -> u64 {
    d.iter().fold(0u64, |acc, &x| acc * 10 + u64::from(x))
}

/// Collect the candidates of a query into `out` (cleared first). Persons without any record of
/// the query's kind are dropped here.
pub fn collect(
    index: &RegistryIndex,
    kind: QueryKind,
    name: &NormalizedName,
    q: &QueryFeatures,
    caps: &Caps,
    out: &mut CandidateSet,
) {
    out.entries.clear();
    out.capped = 0;
    out.memo.start();
    // IIN: exact digits, then every one-edit variant (valid or not: the registry's copy may be
    // the mistyped one).
    if let Some(side) = &q.iin {
        // The IIN itself and every IIN one edit away (one substitution or adjacent
        // transposition): two range scans and a look-up, not 120 probes.
        let (mut exact, mut near) = (0usize, 0usize);
        index.for_each_iin_within_one_edit(number(&side.digits), |e, is_exact| {
            let (count, cap, bit, path) = if is_exact {
                (&mut exact, caps.per_iin, found_by::IIN, Path::Iin)
            } else {
                (&mut near, caps.iin_near, found_by::IIN_NEAR, Path::IinNear)
            };
            if *count == cap {
                out.capped |= 1 << path as u8;
                return;
            }
            out.entries.push((e.person.to_native(), bit));
            *count += 1;
        });
    }
    // Birth date: the date, its day↔month swap, and the IIN's date when it differs.
    let mut dates: Vec<PartialDate> = Vec::with_capacity(4);
    for d in [q.birth, q.birth_alt].into_iter().flatten() {
        if d.full().is_some() {
            dates.push(d);
            let swapped = PartialDate {
                year: d.year,
                month: d.day,
                day: d.month,
            };
            if swapped != d && swapped.full().is_some() {
                dates.push(swapped);
            }
        }
    }
    // A birth-date row carries its name's given-name and surname vocabulary rows, so a person
    // whose given names rule it out (`scoring::could_match`) is dropped here, in the table;
    // except on the query's own date (or its IIN's) under the query's own surname, where a given
    // name mistyped on both sides (Ахмчт / Аэхмет) must still reach scoring.
    // The query's own spellings' vocabulary rows, looked up once for every path below.
    let own_rows = [index.term_row(&q.surname), index.term_row(&q.given)];
    let [own_surname, own_given] = own_rows;
    for d in &dates {
        let own_date = Some(*d) == q.birth || Some(*d) == q.birth_alt;
        let rows = index.by_birth_key(d.to_key());
        index.prefetch_term_cards(rows.iter().map(|e| e.key.to_native() as u32));
        let mut added = 0usize;
        for e in rows {
            let (given_term, surname_term) = (e.key.to_native() as u32, e.tag.to_native());
            let mut bit = found_by::BIRTH_DATE;
            if !terms_could_match(q, index, &mut out.memo, given_term, surname_term) {
                if !(own_date && own_surname == Some(surname_term)) {
                    continue;
                }
                bit |= found_by::DATE_AND_SURNAME;
            }
            if added == caps.birth_date {
                out.capped |= 1 << Path::BirthDate as u8;
                break;
            }
            out.entries.push((e.person.to_native(), bit));
            added += 1;
        }
    }
    // Records that state only the year and month, or only the year, of one of these dates (and
    // no IIN that gives the rest), under the query's own given name: the name keys reach them
    // only when another name part agrees as a key, so a mistyped surname (Ашметов for Ахметов,
    // Зайев for Зайцев) would lose them. Rows sort by given name within a date, so this is a
    // binary search per date and name, not a scan.
    // Records that write the given name as its initial (Д. for Дильшод: no name key of theirs is
    // the query's) are looked up the same way under the initial's spellings (one and two
    // letters, and the initial of a digraph the name starts with: Y. for Ерлан, Д. for Джанибек,
    // `DIGRAPH_INITIALS`), on those keys and on the query's own partial date; on a full date the
    // birth-date block above holds them. Only spellings the registry holds as given names are
    // searched: most registries hold no initials, and a search per date and spelling is not free.
    let mut initial_rows: Vec<u32> = Vec::new();
    let latin = DIGRAPH_INITIALS
        .iter()
        .filter(|(_, first)| q.given.len() > first.len() && q.given.as_bytes().starts_with(first))
        .filter_map(|(initial, _)| std::str::from_utf8(initial).ok());
    for spelling in (1..=INITIAL_MAX_LETTERS.min(q.given.len().saturating_sub(1)))
        .filter_map(|n| q.given.get(..n))
        .chain(latin)
    {
        if index.given_count(spelling) > 0
            && let Some(row) = index.term_row(spelling)
            && !initial_rows.contains(&row)
        {
            initial_rows.push(row);
        }
    }
    let mut partial_keys: Vec<(u32, bool)> = Vec::with_capacity(2 * dates.len() + 2);
    let mut add_key =
        |key: u32, own_given_too: bool| match partial_keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, own)) => *own |= own_given_too,
            None => partial_keys.push((key, own_given_too)),
        };
    for d in &dates {
        for p in [
            PartialDate { day: None, ..*d },
            PartialDate {
                month: None,
                day: None,
                ..*d
            },
        ] {
            add_key(p.to_key(), true);
        }
    }
    if !initial_rows.is_empty() {
        for d in [q.birth, q.birth_alt].into_iter().flatten() {
            if d.full().is_none() {
                add_key(d.to_key(), false);
            }
        }
    }
    for (key, own_given_too) in partial_keys {
        let own = own_given.filter(|_| own_given_too);
        if own.is_none() && initial_rows.is_empty() {
            continue;
        }
        let rows = index.by_birth_key(key);
        for given_row in own.into_iter().chain(initial_rows.iter().copied()) {
            let row_key = birth_row_key(key, given_row);
            let start = rows.partition_point(|e| e.key.to_native() < row_key);
            let same = rows[start..].partition_point(|e| e.key.to_native() == row_key);
            for e in rows[start..start + same].iter().take(caps.birth_date) {
                out.entries
                    .push((e.person.to_native(), found_by::BIRTH_DATE));
            }
            if same > caps.birth_date {
                out.capped |= 1 << Path::BirthDate as u8;
            }
        }
    }
    // Name keys: every person of each blocking pair whose birth date (stored in the key row)
    // does not rule it out. The filter reads only the table, never the persons.
    let dates_filter = &q.dates;
    let mut ranges = Vec::new();
    // All name keys of the query (exact pairs first, then fuzzy ones) are looked up together at
    // the end, so their cache misses overlap.
    let mut keys: Vec<NameKey> = name_components(name)
        .iter()
        .map(|(first, given)| pair_key(first, given))
        .collect();
    let exact_keys = keys.len();
    // Fuzzy spellings for the typos the keys miss: registry spellings within a few edits of
    // the surname (with the given name as stated) and of the given name (with the surname as
    // stated), mapped to persons through the same name keys.
    let own = [block_component(&q.surname), block_component(&q.given)];
    let own_hash = own.each_ref().map(|b| block_hash(b));
    let (mut rows, mut keys_buf, mut spellings) = (Vec::new(), Vec::new(), Vec::new());
    let mut blocks: Vec<u64> = Vec::new();
    for (side, term) in [q.surname.as_str(), q.given.as_str()]
        .into_iter()
        .enumerate()
    {
        if own[1 - side].is_empty() || edit_distance_for(term) == 0 {
            continue;
        }
        blocks.clear();
        match own_rows[side] {
            // A spelling the registry knows: its one-edit neighbours' blocks, precomputed.
            Some(row) => blocks.extend(index.neighbour_blocks(row).iter().map(|h| h.to_native())),
            None => {
                // One edit, any length: the deletion-neighbourhood table of the archive.
                index.terms_one_edit_from(term, &mut keys_buf, &mut rows);
                blocks.extend(
                    rows.iter()
                        .filter_map(|&r| index.vocabulary_entry(r))
                        .map(|(_, block)| block_hash(block)),
                );
                // Two edits, for a long spelling the registry does not know at all (nor any
                // spelling one edit from it): tantivy's Levenshtein automaton over the
                // vocabulary. It costs hundreds of microseconds on a registry of millions, so it
                // runs only when a typo is the likely reason the spelling is unknown.
                if edit_distance_for(term) >= 2
                    && rows.is_empty()
                    && let Ok(capped) =
                        index
                            .names()
                            .variants(term, caps.fuzzy_variants, &mut spellings)
                {
                    if capped {
                        out.capped |= 1 << Path::Fuzzy as u8;
                    }
                    blocks.extend(spellings.iter().map(|s| block_hash(&block_component(s))));
                }
                blocks.sort_unstable();
                blocks.dedup();
                blocks.retain(|&h| h != own_hash[side]);
            }
        }
        if blocks.len() > caps.fuzzy_variants {
            out.capped |= 1 << Path::Fuzzy as u8;
            blocks.truncate(caps.fuzzy_variants);
        }
        keys.extend(
            blocks
                .iter()
                .map(|&h| pair_key_of_hashes(h, own_hash[1 - side])),
        );
    }
    index.by_name_keys(&keys, |i, rows| {
        if i < exact_keys {
            out.add_filtered(
                rows,
                caps.name_key,
                found_by::NAME_KEY,
                Path::NameKey,
                dates_filter,
                &mut ranges,
            );
        } else {
            out.add_filtered(
                rows,
                caps.fuzzy,
                found_by::FUZZY,
                Path::Fuzzy,
                dates_filter,
                &mut ranges,
            );
        }
    });
    out.dedup();
    index.prefetch_screens(out.entries.iter().map(|e| e.0));
    let wanted = match kind {
        QueryKind::CriminalRecord => screen_flags::CONVICTION,
        QueryKind::AdministrativeOffences => screen_flags::ADMIN_OFFENCE,
    };
    out.entries
        .retain(|(i, _)| index.screen(*i).is_some_and(|r| r.flags & wanted != 0));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tanu_index::format::KeyEntry;

    /// Registry birth-date keys near a query date: equal, a day or a digit away, the same year,
    /// partial, unknown, far.
    fn registry_key(base: PartialDate, kind: u8, n: u32) -> u32 {
        let key = base.to_key();
        match kind {
            0 => 0,
            1 => key,
            2 => u32::from(base.year) * 10_000,
            3 => u32::from(base.year) * 10_000 + u32::from(base.month.unwrap_or(1)) * 100,
            4 => {
                // One digit changed (may be no real date: the registry never holds those, but
                // the filter must not care).
                let pos = 10u32.pow(n % 8);
                key - (key / pos % 10) * pos + (n / 8 % 10) * pos
            }
            5 => key + n % 40,
            _ => 19_000_101 + (n * 7919) % 1_100_000,
        }
    }

    proptest! {
        #[test]
        fn ranged_reading_finds_what_a_full_scan_finds(
            days in 0i32..30_000,
            partial in 0u8..3,
            rows in proptest::collection::vec((0u8..7, 0u32..10_000), 0..1500),
        ) {
            let date = PartialDate::from(tanu_index::date::from_days(days).unwrap());
            let mut q = date;
            if partial >= 1 { q.day = None; }
            if partial >= 2 { q.month = None; }
            let mut table: Vec<KeyEntry> = rows
                .iter()
                .enumerate()
                .map(|(i, &(kind, n))| KeyEntry { key: 7, tag: registry_key(date, kind, n), person: i as u32 })
                .collect();
            table.sort_unstable();
            let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&table).unwrap();
            let block = rkyv::access::<rkyv::Archived<Vec<KeyEntry>>, rkyv::rancor::Error>(&bytes).unwrap();
            let filter = DateFilter::new(Some(q), None);
            let mut fast = Vec::new();
            filter.for_each_passing(block, &mut Vec::new(), |e| { fast.push(e.person.to_native()); true });
            let mut ranged = Vec::new();
            if !block.is_empty() {
                let mut ranges = Vec::new();
                filter.tag_ranges(block, &mut ranges);
                filter.visit_ranges(block, &mut ranges, |e| { ranged.push(e.person.to_native()); true });
            }
            let slow: Vec<u32> = block
                .iter()
                .filter(|e| filter.passes(e.tag.to_native()))
                .map(|e| e.person.to_native())
                .collect();
            prop_assert_eq!(&fast, &slow);
            prop_assert_eq!(&ranged, &slow);
        }
    }
}
