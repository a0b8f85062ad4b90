//! Scoring: the query's features (computed once per query) against one registry person, field
//! by field, into comparison levels and Fellegi-Sunter weights, aligning name parts regardless
//! of order and across aliases. The per-candidate path allocates nothing; explanations are built
//! only for the candidates that are shown. It must never choose which persons to score.

use crate::matching::candidates::{DateFilter, found_by};
use crate::matching::compare::{
    GIVEN_PART_MIN_LETTERS, INITIAL_MAX_LETTERS, IinSide, WrittenLetters, agreeing_surname_word,
    birth_level, common_prefix, digits_of, digraph_initial_of, given_level, given_part_of,
    iin_level, initial_agrees, january_first_of, jaro_winkler_bound_allows, jaro_winkler_bytes,
    letter_buckets, one_edit_or_similar_possible, part_level, shared_letter_buckets,
    shared_letters_bound, surname_level, within_one_edit, written_in_parts, written_parts,
    written_within_two_edits,
};
use crate::matching::decision::{Band, Explanation, FieldEvidence};
use crate::matching::model::{Field, MatchModel, level};
use crate::matching::query::{Query, QueryIin};
use tanu_index::date::PartialDate;
use tanu_index::format::{
    ArchivedNameEntry, ArchivedPersonEntry, ArchivedScreenRow, TERM_CARD_LONG, TERM_SHAPE_LONG,
    effective_birth_key, iin_restored, iin_status, letter_mask, phon_hash, screen_flags,
};
use tanu_index::iin::{Iin, IinSex, lenient_birth_and_sex, without_separators};
use tanu_index::keys::{NamePair, within_one_edit_bytes, within_one_window};
use tanu_index::name::{
    in_several_words, is_particle, patronymic_root, patronymic_sex, phonetic_key, skeleton,
    surname_stem,
};
use tanu_index::reader::RegistryIndex;
use tanu_index::source::Sex;

/// What a query brings to every comparison, computed once.
#[derive(Debug, Clone)]
pub struct QueryFeatures {
    pub surname: String,
    /// The surname as the query wrote it (for `compare::written_one_edit`).
    pub surname_written: String,
    /// The given name as the query wrote it (for `compare::written_one_edit`).
    pub given_written: String,
    pub surname_stem: String,
    pub surname_phon: String,
    /// The surname field read as a patronymic ("Нұрланұлы" → its root), else empty.
    pub surname_root: String,
    pub surname_root_phon: String,
    pub given: String,
    pub given_phon: String,
    /// `format::phon_hash(given_phon)`, for screening against term cards.
    pub given_phon_hash: u32,
    /// `format::letter_mask(given)`.
    pub given_letters: u32,
    /// `compare::letter_buckets(given)`.
    pub given_buckets: [u16; 32],
    pub patronymic_root: String,
    pub patronymic_phon: String,
    /// The patronymic as the query wrote it.
    pub patronymic_written: Option<String>,
    /// The letters of `surname_written`, `given_written` and `patronymic_written`, folded once
    /// for `written_one_edit` against every candidate.
    pub surname_written_letters: WrittenLetters,
    pub given_written_letters: WrittenLetters,
    /// The given-name field holds a double given name written in parts (Анна-Мария; a
    /// patronymic written after the name is no part): `compare::written_in_parts`.
    pub given_in_parts: bool,
    pub patronymic_written_letters: Option<WrittenLetters>,
    pub iin: Option<IinSide>,
    /// `iin` is the query's digits with the leading zeros a spreadsheet dropped put back
    /// (`Iin::with_lost_leading_zero`): the explanation says so.
    pub iin_restored: bool,
    /// The stated birth date, or the one the IIN encodes.
    pub birth: Option<PartialDate>,
    /// The IIN's birth date when it differs from the stated one.
    pub birth_alt: Option<PartialDate>,
    /// From the IIN.
    pub sex: Option<Sex>,
    /// The query's birth date is the one its valid IIN encodes (or it gave none and the IIN's
    /// stands in): a typo can only be on the registry's side.
    pub birth_confirmed: bool,
    /// `birth` and `birth_alt` prepared for filtering registry birth-date keys.
    pub dates: DateFilter,
    /// Term-frequency adjustments for an exact surname / given-name / patronymic agreement.
    pub tf_surname: f64,
    pub tf_given: f64,
    pub tf_patronymic: f64,
    /// When the query's surname is written as several words (`NormalizedName::surname_words`),
    /// the term-frequency adjustment of each, for a surname agreeing by one word
    /// (`level::surname::WORD`); empty otherwise (the whole surname's is `tf_surname`), and
    /// when none of its words can agree (all shorter than two letters or particles).
    pub tf_surname_words: Vec<f64>,
    /// Name-pair corrections (`MatchModel::name_pair_adjustment`) when the surname and given
    /// name, or the given name and patronymic, agree exactly together.
    pub pair_surname_given: f64,
    pub pair_given_patronymic: f64,
}

/// Birth date and sex encoded in 12 digits, when digits 1–7 make sense (check digit ignored).
fn iin_date_and_sex(d: &[u8; 12]) -> Option<(PartialDate, Sex)> {
    lenient_birth_and_sex(d).map(|(date, sex)| {
        let sex = match sex {
            IinSex::Male => Sex::Male,
            IinSex::Female => Sex::Female,
        };
        (PartialDate::from(date), sex)
    })
}

impl QueryFeatures {
    pub fn new(query: &Query, index: &RegistryIndex, model: &MatchModel) -> QueryFeatures {
        let n = &query.name;
        let surname_root = patronymic_root(&n.surname).unwrap_or_default();
        let patronymic_root = n.patronymic_root.clone().unwrap_or_default();
        let mut iin_restored = false;
        let (iin, iin_info) = match &query.iin {
            QueryIin::Missing => (None, None),
            QueryIin::Valid(iin) => {
                // A valid IIN is trusted unless its date contradicts the query's own birth date
                // beyond a typo: then it is someone else's IIN or a mistyped one that happens
                // to pass its check digit, and must not rule the applicant's record out.
                let from_iin = PartialDate::from(iin.birth_date());
                let side = IinSide {
                    digits: *iin.digits(),
                    valid: true,
                    trusted: query.birth_date.is_none_or(|b| {
                        birth_level(Some(b), Some(from_iin)) != level::birth::DIFFERENT
                    }),
                };
                let sex = match iin.sex() {
                    IinSex::Male => Sex::Male,
                    IinSex::Female => Sex::Female,
                };
                (Some(side), Some((PartialDate::from(iin.birth_date()), sex)))
            }
            QueryIin::Invalid { raw, .. } => {
                let raw = without_separators(raw);
                if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit()) {
                    let digits = digits_of(raw.parse().unwrap_or(0));
                    let side = IinSide {
                        digits,
                        valid: false,
                        trusted: false,
                    };
                    (Some(side), iin_date_and_sex(&digits))
                } else if let Some(iin) = query
                    .birth_date
                    .and_then(|b| Iin::with_lost_leading_zero(&raw, Some(b)))
                {
                    // An IIN of the 2000s of the stated birth date whose leading zeros a
                    // spreadsheet dropped: the date confirms the restoration (a digit lost
                    // elsewhere restores, if at all, to another date), so it counts as stated.
                    iin_restored = true;
                    let side = IinSide {
                        digits: *iin.digits(),
                        valid: true,
                        trusted: true,
                    };
                    (Some(side), iin_date_and_sex(iin.digits()))
                } else {
                    (None, None)
                }
            }
        };
        // The sex of an IIN that contradicts the query's own date is as doubtful as its date.
        let iin_trusted = iin.as_ref().is_some_and(|s| s.trusted);
        let birth = query.birth_date.or(iin_info.map(|(d, _)| d));
        let birth_alt = iin_info.map(|(d, _)| d).filter(|d| Some(*d) != birth);
        let population = index.name_population();
        let surname_count = index.surname_count(&n.surname_stem);
        let given_count = index.given_count(&n.given);
        let patronymic_count = index.patronymic_count(&patronymic_root);
        let tf = |field, exact, count| model.tf_adjustment(field, exact, count, population);
        let tf_surname = tf(Field::Surname, level::surname::EXACT, surname_count);
        let tf_given = tf(Field::GivenName, level::part::EXACT, given_count);
        let tf_patronymic = tf(Field::Patronymic, level::part::EXACT, patronymic_count);
        let tf_surname_words = n
            .surname_words
            .iter()
            .map(|w| {
                let count = index.surname_count(&surname_stem(w));
                tf(Field::Surname, level::surname::EXACT, count)
            })
            .collect();
        let pair_surname_given = model.name_pair_adjustment(
            surname_count,
            given_count,
            index.name_pair_count(NamePair::SurnameGiven, &n.surname_stem, &n.given),
            population,
        );
        let pair_given_patronymic = model.name_pair_adjustment(
            given_count,
            patronymic_count,
            index.name_pair_count(NamePair::GivenPatronymic, &n.given, &patronymic_root),
            population,
        );
        let given_phon = phonetic_key(&n.given);
        QueryFeatures {
            surname_phon: phonetic_key(&n.surname_stem),
            surname_root_phon: phonetic_key(&surname_root),
            surname_root,
            surname: n.surname.clone(),
            surname_written: query.surname.clone(),
            given_written: query.given_name.clone(),
            surname_stem: n.surname_stem.clone(),
            given_phon_hash: phon_hash(&given_phon),
            given_letters: letter_mask(n.given.as_bytes()),
            given_buckets: letter_buckets(n.given.as_bytes()),
            given_phon,
            given: n.given.clone(),
            patronymic_phon: phonetic_key(&patronymic_root),
            patronymic_written: query.patronymic.clone(),
            surname_written_letters: WrittenLetters::new(&query.surname),
            given_written_letters: WrittenLetters::new(&query.given_name),
            // Parts that are no patronymic (nor its particle), skeletonised only when there
            // are parts at all.
            given_in_parts: written_in_parts(&query.given_name)
                && written_parts(&query.given_name)
                    .map(skeleton)
                    .filter(|s| {
                        !s.is_empty()
                            && !is_particle(s)
                            && tanu_index::name::patronymic_root(s).is_none()
                    })
                    .nth(1)
                    .is_some(),
            patronymic_written_letters: query.patronymic.as_deref().map(WrittenLetters::new),
            patronymic_root,
            iin,
            iin_restored,
            birth,
            birth_alt,
            // A restored IIN counts as the valid IIN its date confirms.
            sex: query
                .iin_sex()
                .filter(|_| iin_trusted)
                .or(iin_info.filter(|_| iin_restored).map(|(_, s)| s)),
            birth_confirmed: (matches!(query.iin, QueryIin::Valid(_)) || iin_restored)
                && birth_alt.is_none(),
            dates: DateFilter::new(birth, birth_alt),
            tf_surname,
            tf_given,
            tf_patronymic,
            tf_surname_words,
            pair_surname_given,
            pair_given_patronymic,
        }
    }
}

impl Query {
    /// The sex the query's valid IIN encodes.
    pub fn iin_sex(&self) -> Option<Sex> {
        match &self.iin {
            QueryIin::Valid(iin) => Some(match iin.sex() {
                IinSex::Male => Sex::Male,
                IinSex::Female => Sex::Female,
            }),
            _ => None,
        }
    }
}

/// How the query's name lined up with a registry name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alignment {
    /// Surname with surname, given name with given name.
    Straight,
    /// Surname with given name and the other way round.
    Swapped,
    /// One side's surname field holds a patronymic ("Нұрланұлы"), compared with the other's
    /// patronymic.
    PatronymicAsSurname,
}

/// The result of scoring one candidate: small and `Copy`, so scoring allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub person: u32,
    /// Total weight in bits, prior included.
    pub total: f64,
    /// Level code per field, in `Field::ALL` order.
    pub levels: [u8; 6],
    /// Term-frequency adjustments applied to surname, given name and patronymic.
    pub tf: [f64; 3],
    /// Name-pair corrections applied (see `QueryFeatures::pair_surname_given`).
    pub pair: f64,
    /// Which of the person's names matched best (0 = registry name, 1.. = aliases).
    pub name_index: u8,
    pub alignment: Alignment,
    pub band: Band,
    /// Why the candidate cannot be the applicant, whatever its weight.
    pub ruled_out: Option<RuledOut>,
    /// `candidates::found_by` bits.
    pub found_by: u8,
    /// Why it is reviewed below the threshold, when it is (`sparse_agreement`,
    /// `married_name_pattern`).
    pub review_reason: Option<ReviewReason>,
    /// Which of the record's dates gave the birth-date level.
    pub birth_source: BirthSource,
    /// The name part made `close` as two typos while the rest agrees exactly
    /// (`two_typos_level`), for the clerk's note.
    pub two_typos: Option<Field>,
}

/// Which of the record's birth dates the query's was compared with, for the clerk's note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthSource {
    /// The date the record states (or, stating none, the one its IIN encodes).
    Record,
    /// The full date the record's valid IIN encodes, not the other one it states
    /// (`PersonIin::other_birth`).
    ValidIin,
    /// The date the record's mistyped IIN encodes once its one typo is corrected
    /// (`Iin::date_typo_corrected`): this key's date, the query's.
    CorrectedIin(u32),
    /// The record has no IIN and states 1 January of the query's year, read as the year only
    /// (`compare::january_first_of`).
    JanuaryFirst,
}

/// Evidence that rules a candidate out, whatever the other fields say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuledOut {
    /// Both IINs are valid, consistent with their own birth date and sex, and more than one edit
    /// apart: two different people (namesakes with one birth date are common).
    IinsDiffer,
    /// Both birth dates are full and neither equal, swapped, one day apart, one typo apart nor the
    /// same day a year apart, the record's is not a 1 January of the query's year without an IIN
    /// (`compare::january_first_of`), and no IIN links the two.
    BirthDatesDiffer,
    /// The given names are not the same name in any spelling, order or alias (not even one edit
    /// or Jaro-Winkler 0.80 apart), and no IIN links the two.
    GivenNamesDiffer,
    /// Both the surname and the patronymic differ (a married name keeps the patronymic), and no
    /// exact IIN links the two.
    SurnameAndPatronymicDiffer,
    /// Both sides give a patronymic and they are not the same father's name in any spelling or
    /// alias (not even one edit, one written letter or Jaro-Winkler 0.80 apart; an initial
    /// never rules out), and no IIN, exact or one edit away, links the two.
    PatronymicsDiffer,
}

impl RuledOut {
    pub fn as_str(self) -> &'static str {
        match self {
            RuledOut::IinsDiffer => "trusted IINs differ by more than one edit",
            RuledOut::BirthDatesDiffer => "full birth dates differ beyond a typo",
            RuledOut::GivenNamesDiffer => "given names differ in every spelling and order",
            RuledOut::SurnameAndPatronymicDiffer => "surname and patronymic both differ",
            RuledOut::PatronymicsDiffer => "patronymics differ in every spelling",
        }
    }
}

#[derive(Clone, Copy)]
struct NameScore {
    weight: f64,
    levels: [u8; 3],
    tf: [f64; 3],
    pair: f64,
    alignment: Alignment,
}

/// The weight of a name alignment's levels with its frequency adjustments. `query_patronymic`
/// says whether the patronymic level compared the query's patronymic (not its surname read as
/// one), so that the query patronymic's frequency applies.
fn name_score(
    model: &MatchModel,
    levels: [u8; 3],
    q: &QueryFeatures,
    alignment: Alignment,
    query_patronymic: bool,
) -> NameScore {
    let [s, g, p] = levels;
    let agrees_as_stem = matches!(
        s,
        level::surname::EXACT | level::surname::STEM | level::surname::ENDING
    );
    let tf_s = if agrees_as_stem { q.tf_surname } else { 0.0 };
    let g_exact = g == level::part::EXACT;
    let p_exact = query_patronymic && p == level::part::EXACT;
    let tf_g = if g_exact { q.tf_given } else { 0.0 };
    let tf_p = if p_exact { q.tf_patronymic } else { 0.0 };
    let mut pair = 0.0;
    if g_exact && agrees_as_stem {
        pair += q.pair_surname_given;
    }
    if g_exact && p_exact {
        pair += q.pair_given_patronymic;
    }
    NameScore {
        weight: model.weight(Field::Surname, s)
            + model.weight(Field::GivenName, g)
            + model.weight(Field::Patronymic, p)
            + tf_s
            + tf_g
            + tf_p
            + pair,
        levels,
        tf: [tf_s, tf_g, tf_p],
        pair,
        alignment,
    }
}

/// Whether two given names could be one name written differently: any level but `different`, or
/// a looser similarity than `close` (one edit at any length, Jaro-Winkler ≥ 0.80). Only a given
/// name that fails this rules a candidate out.
fn given_compatible(q: &str, q_phon: &str, c: &str, c_phon: &str) -> bool {
    (!q_phon.is_empty() && q_phon == c_phon)
        || skeletons_compatible(q.as_bytes(), &letter_buckets(q.as_bytes()), c.as_bytes())
}

/// Whether skeletons of these lengths sharing at most `bound` letters could differ in one window
/// of two letters (the third test of `skeletons_compatible`; false: certainly not).
fn given_typo_window_possible(len_q: usize, len_c: usize, bound: usize) -> bool {
    len_q.min(len_c) >= CLOSE_MIN_LETTERS
        && len_q.abs_diff(len_c) <= 2
        && bound + 2 >= len_q.max(len_c)
}

/// Whether given names that fail `given_compatible` are still only typos apart: surname and
/// full birth date agree exactly, the patronymic exactly or is missing on a side, and the given
/// names as written are at most two edits apart (Ахмчт / Аэхмет: one typo on each side). Twins
/// share the rest but seldom have names two letters apart, so this keeps a person a clerk must
/// see without reviewing every sibling.
fn given_typos_only(
    q: &QueryFeatures,
    name: Option<&ArchivedNameEntry>,
    surname: u8,
    patronymic: u8,
    birth: u8,
) -> bool {
    surname == level::surname::EXACT
        && rest_agrees_exactly(patronymic, birth)
        && name.is_some_and(|n| {
            written_within_two_edits(&q.given_written, &n.given_name, CLOSE_MIN_LETTERS)
        })
}

/// Whether the patronymic agrees exactly (or one side gives none) and the full birth dates
/// agree exactly: with one more name part exact, the evidence under which a name part at most
/// two edits off as written is a typo, not another name (`given_typos_only`,
/// `two_typos_level`).
fn rest_agrees_exactly(patronymic: u8, birth: u8) -> bool {
    matches!(patronymic, level::part::EXACT | level::part::MISSING) && birth == level::birth::EXACT
}

/// The clerk's note on a name part `two_typos_level` made `close`.
const TWO_TYPOS: &str =
    "two letters off as written, the other names and the birth date exact: read as typos";

/// The clerk's note on a surname that agrees by one of its words (`level::surname::WORD`).
const SURNAME_WORD: &str = "one word of a surname written as several (a double surname, a \
                            maiden name in brackets) is the other side's surname";

/// Letters a name part needs on both sides for two edits as written to count as `close`
/// (`two_typos_level`): in a shorter name two letters make another name (Асан / Үсен).
const TWO_TYPOS_MIN_LETTERS: usize = 6;

/// The levels of a surname and given name when one of them differs but is at most two edits
/// off as written (two typos, or one on each side: Сапаров / Шаларов, Нурлан / Вуржан) while
/// the other is exact and the patronymic and full birth date agree exactly
/// (`rest_agrees_exactly`): that part is `close`. A man's surname two letters off otherwise
/// weighs −9.9 bits (`different_man`) and a given name −8.4, which cleared the person's own
/// record of a common name when the query had no IIN. `None` when nothing changes.
fn two_typos_level(
    q: &QueryFeatures,
    name: &ArchivedNameEntry,
    levels: [u8; 3],
    birth: u8,
) -> Option<(Field, u8)> {
    let [surname, given, patronymic] = levels;
    if !rest_agrees_exactly(patronymic, birth) {
        return None;
    }
    let two_edits = |a: &str, b: &str| written_within_two_edits(a, b, TWO_TYPOS_MIN_LETTERS);
    if matches!(
        surname,
        level::surname::DIFFERENT | level::surname::DIFFERENT_MAN
    ) && given == level::part::EXACT
        && two_edits(&q.surname_written, &name.surname)
    {
        Some((Field::Surname, level::surname::CLOSE))
    } else if given == level::part::DIFFERENT
        && surname == level::surname::EXACT
        && two_edits(&q.given_written, &name.given_name)
    {
        Some((Field::GivenName, level::part::CLOSE))
    } else {
        None
    }
}

/// Letters a surname needs on both sides for one written edit to count as `close` (as
/// `compare::close` asks of skeletons).
const CLOSE_MIN_LETTERS: usize = 4;

/// Jaro-Winkler similarity above which two given names are never used to rule a candidate out.
const LOOSE_GIVEN_JW: f64 = 0.80;

/// Whether the query's given name is compatible with one registry name's, in its given-name
/// field (also as an initial, `compare::initial_agrees`, or as one part of a double given name,
/// `compare::given_part_of`) or (swapped order) in its surname field.
fn entry_given_ok(q: &QueryFeatures, c: &ArchivedNameEntry) -> bool {
    // Swapped order: the registry's surname field holds the given name (whatever its given-name
    // field holds: a married name can sit there).
    given_compatible(&q.given, &q.given_phon, &c.given_skel, &c.given_phon)
        || initial_agrees(q.given.as_bytes(), c.given_skel.as_bytes())
        || given_part_of(q.given.as_bytes(), c.given_skel.as_bytes())
        || given_compatible(&q.given, "", &c.surname_skel, "")
}

/// The birth date the record gives (`format::effective_birth_key`): its IIN's date stands in for
/// a missing or partial stated date it agrees with.
fn record_birth_key(p: &ArchivedPersonEntry) -> u32 {
    effective_birth_key(
        p.birth_key.to_native(),
        p.iin_status,
        p.iin_digits.to_native(),
    )
}

/// Whether a person not linked by an IIN path could survive scoring: false exactly when scoring
/// would rule it out by the birth date or the given names (see `RuledOut`). Candidates that no
/// IIN path found cannot have an exact or one-edit IIN (those paths probe every such IIN), so
/// the engine skips these without scoring them. A record whose valid IIN encodes another full
/// date than the one it states passes on either (`PersonIin::other_birth`).
pub fn could_match(q: &QueryFeatures, dates: &DateFilter, p: &ArchivedPersonEntry) -> bool {
    if !dates.passes(record_birth_key(p))
        && !person_iin(p)
            .other_birth
            .is_some_and(|d| dates.passes(d.to_key()))
    {
        return false;
    }
    q.given.is_empty() || p.names.iter().any(|c| entry_given_ok(q, c))
}

/// The given-name screening answers of one query per registry spelling (vocabulary row), so
/// each distinct spelling is compared once per query however many candidates carry it. A small
/// direct-mapped table; `start` forgets the previous query's answers in O(1).
#[derive(Debug, Clone)]
pub struct TermMemo {
    generation: u64,
    /// `generation << 33 | answer << 32 | key`, or 0.
    slots: Vec<u64>,
}

const MEMO_SLOTS: usize = 1024;
/// Generations fit in the top 31 bits of a slot.
const MEMO_GENERATIONS: u64 = 1 << 31;

impl Default for TermMemo {
    fn default() -> Self {
        TermMemo {
            generation: 0,
            slots: vec![0; MEMO_SLOTS],
        }
    }
}

impl TermMemo {
    /// Forget every answer (a new query).
    pub fn start(&mut self) {
        self.generation += 1;
        if self.generation == MEMO_GENERATIONS {
            self.generation = 1;
            self.slots.fill(0);
        }
    }

    #[inline]
    fn answer(&mut self, key: u32, compute: impl FnOnce() -> bool) -> bool {
        let slot = (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            >> (64 - MEMO_SLOTS.trailing_zeros())) as usize;
        let stored = self.slots[slot];
        if stored >> 33 == self.generation && stored as u32 == key {
            return stored & (1 << 32) != 0;
        }
        let answer = compute();
        self.slots[slot] = self.generation << 33 | u64::from(answer) << 32 | u64::from(key);
        answer
    }
}

/// `could_match` from the person's screen row alone, when the row suffices: `None` when the
/// person has aliases and its record must be read. Same answer as `could_match` otherwise.
/// `memo` must have been `start`ed for this query.
pub fn could_match_screen(
    q: &QueryFeatures,
    dates: &DateFilter,
    row: &ArchivedScreenRow,
    index: &RegistryIndex,
    memo: &mut TermMemo,
) -> Option<bool> {
    if !dates.passes(row.birth_key.to_native()) {
        // The record's IIN may give another date (`could_match` reads it).
        if row.flags.to_native() & screen_flags::IIN_OTHER_BIRTH != 0 {
            return None;
        }
        return Some(false);
    }
    if q.given.is_empty() {
        return Some(true);
    }
    if row.flags.to_native() & screen_flags::ALIASES != 0 {
        return None;
    }
    Some(terms_could_match(
        q,
        index,
        memo,
        row.given_term.to_native(),
        row.surname_term.to_native(),
    ))
}

/// Whether the query's given name is compatible with a registry name given by the vocabulary
/// rows of its given name and surname (the given-name half of `could_match`), each distinct
/// spelling computed once per query through `memo`.
pub fn terms_could_match(
    q: &QueryFeatures,
    index: &RegistryIndex,
    memo: &mut TermMemo,
    given_term: u32,
    surname_term: u32,
) -> bool {
    if q.given.is_empty() {
        return true;
    }
    // Vocabulary rows are below 2^31 (`NO_TERM` has no card and reads as an empty name either
    // way), so `row * 2 + field` is a unique key.
    memo.answer(given_term.wrapping_mul(2), || {
        card_compatible(q, index, given_term, true)
    }) || memo.answer(surname_term.wrapping_mul(2) | 1, || {
        card_compatible(q, index, surname_term, false)
    })
}

/// `given_compatible` of the query's given name with a vocabulary term read from its card (the
/// phonetic keys compared by hash, and an initial by `initial_agrees`, when `phonetic`: the term
/// is a given name, not a surname): a hash collision can only say compatible.
#[inline]
fn card_compatible(q: &QueryFeatures, index: &RegistryIndex, term: u32, phonetic: bool) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU has POPCNT, checked just above (the answer is cached by std).
        return unsafe { card_compatible_popcnt(q, index, term, phonetic) };
    }
    card_compatible_portable(q, index, term, phonetic)
}

/// `card_compatible` compiled with POPCNT, which the letter-mask bounds count with: the
/// portable build (x86-64 without POPCNT) counts bits in a dozen instructions each.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn card_compatible_popcnt(
    q: &QueryFeatures,
    index: &RegistryIndex,
    term: u32,
    phonetic: bool,
) -> bool {
    card_compatible_portable(q, index, term, phonetic)
}

#[inline(always)]
fn card_compatible_portable(
    q: &QueryFeatures,
    index: &RegistryIndex,
    term: u32,
    phonetic: bool,
) -> bool {
    // The shape first (8 bytes a spelling, a smaller table than the cards): most incompatible
    // spellings stop here.
    let Some(shape) = index.term_shape(term) else {
        return true;
    };
    let len = (shape >> 32) as u8;
    if len == 0
        || (phonetic && !q.given_phon.is_empty() && (shape >> 40) as u32 == q.given_phon_hash >> 8)
    {
        return true;
    }
    let (q_len, term_len) = (q.given.len(), usize::from(len));
    // Most pairs can be neither an initial nor a part of a double given name by their lengths
    // alone: the plain screen (a surname's spelling is never either: Ли, Ан, О are surnames).
    if !phonetic
        || (len != TERM_SHAPE_LONG
            && term_len.min(q_len) > INITIAL_MAX_LETTERS
            && term_len.abs_diff(q_len) < GIVEN_PART_MIN_LETTERS)
    {
        if len != TERM_SHAPE_LONG && !shape_allows_similar(q, shape, term_len).0 {
            return false;
        }
        return card_screen(q, index, term, phonetic, CardTests::Plain);
    }
    // A given name's initial on either side is decided on the card (`initial_agrees`), and so
    // is a part of a double given name (`given_part_of`) when the shape leaves it room (a long
    // shape holds no length: room).
    let initial = term_len <= INITIAL_MAX_LETTERS || q_len <= INITIAL_MAX_LETTERS;
    let mut part_possible = len == TERM_SHAPE_LONG
        || (term_len.min(q_len) >= GIVEN_PART_MIN_LETTERS
            && term_len.abs_diff(q_len) >= GIVEN_PART_MIN_LETTERS);
    let mut similar_possible = true;
    if len != TERM_SHAPE_LONG && !initial {
        let bound;
        (similar_possible, bound) = shape_allows_similar(q, shape, term_len);
        // A part holds every letter of the other spelling.
        part_possible = part_possible && bound >= term_len.min(q_len);
        if !similar_possible && !part_possible {
            return false;
        }
    }
    let tests = if similar_possible {
        CardTests::Extended {
            initial,
            part_possible,
        }
    } else {
        CardTests::PartOnly
    };
    card_screen(q, index, term, phonetic, tests)
}

/// Whether a term's shape (not a long one) leaves room for `skeletons_compatible` with the
/// query's given name, and the bound on the letters they share. Equal spellings share every
/// letter, so the bound never rejects them.
#[inline(always)]
fn shape_allows_similar(q: &QueryFeatures, shape: u64, term_len: usize) -> (bool, usize) {
    let q_len = q.given.len();
    let bound = shared_letters_bound(q.given_letters, q_len, shape as u32, term_len);
    let similar = one_edit_or_similar_possible(q_len, term_len, bound, LOOSE_GIVEN_JW)
        || given_typo_window_possible(q_len, term_len, bound);
    (similar, bound)
}

/// Which tests `card_screen` runs on a term's card.
#[derive(Clone, Copy)]
enum CardTests {
    /// `skeletons_compatible` only.
    Plain,
    /// `skeletons_compatible`, and an initial (`initial_agrees`) or a part of a double given
    /// name (`given_part_of`) where the lengths allow them.
    Extended { initial: bool, part_possible: bool },
    /// Only a part of a double given name is possible (the shape ruled out the rest).
    PartOnly,
}

/// The card stage of `card_compatible_portable`: the term's skeleton (and phonetic key when
/// `phonetic`) against the query's given name, by `tests`.
#[inline(always)]
fn card_screen(
    q: &QueryFeatures,
    index: &RegistryIndex,
    term: u32,
    phonetic: bool,
    tests: CardTests,
) -> bool {
    let Some(card) = index.term_card(term) else {
        return true;
    };
    let extra = |c: &[u8]| match tests {
        CardTests::Plain => false,
        CardTests::Extended {
            initial,
            part_possible,
        } => {
            (initial && initial_agrees(q.given.as_bytes(), c))
                || (part_possible && given_part_of(q.given.as_bytes(), c))
        }
        CardTests::PartOnly => given_part_of(q.given.as_bytes(), c),
    };
    if card.len == TERM_CARD_LONG {
        let v = index.vocabulary_row(term);
        let (c, c_phon) = v.map_or(("", ""), |v| (v.term.as_str(), v.phon.as_str()));
        let q_phon = if phonetic { q.given_phon.as_str() } else { "" };
        return given_compatible(&q.given, q_phon, c, if phonetic { c_phon } else { "" })
            || extra(c.as_bytes());
    }
    // Skeletons are ASCII: compared as bytes, with no UTF-8 validation on the way.
    let c = &card.bytes[..usize::from(card.len)];
    if !c.is_ascii() && std::str::from_utf8(c).is_err() {
        return true;
    }
    if phonetic && !q.given_phon.is_empty() && q.given_phon_hash == card.phon_hash.to_native() {
        return true;
    }
    if matches!(tests, CardTests::PartOnly) {
        return extra(c);
    }
    skeletons_compatible(q.given.as_bytes(), &q.given_buckets, c) || extra(c)
}

/// `given_compatible` of two skeletons without their phonetic keys, the query's given name `q`
/// with its `compare::letter_buckets`, as bytes: equal or either empty; one edit apart (two
/// letters or more); Jaro-Winkler ≥ 0.80; or, with at least `CLOSE_MIN_LETTERS` letters each,
/// different in one window of at most two letters (`keys::within_one_window`: a typo in a letter
/// that transliterates to two, Асцат / Асхат, is one edit as written but two here, and the screen
/// must not drop what scoring calls `close` as written, `written_close`). The letters the two
/// share, counted exactly, decide which of the three tests can pass; most pairs of unrelated
/// names pass none, and then none runs.
#[inline(always)]
fn skeletons_compatible(q: &[u8], q_buckets: &[u16; 32], c: &[u8]) -> bool {
    if q.is_empty() || c.is_empty() || q == c {
        return true;
    }
    let (lq, lc) = (q.len(), c.len());
    let common = if lq > usize::from(u16::MAX) {
        lc
    } else {
        shared_letter_buckets(q_buckets, c)
    };
    (lq.min(lc) >= 2
        && lq.abs_diff(lc) <= 1
        && common + 1 >= lq.max(lc)
        && within_one_edit_bytes(q, c))
        || (jaro_winkler_bound_allows(lq, lc, common, common_prefix(q, c), LOOSE_GIVEN_JW)
            && jaro_winkler_bytes(q, c) >= LOOSE_GIVEN_JW)
        || (given_typo_window_possible(lq, lc, common) && within_one_window(q, c))
}

/// A given-name level, raised from `different` to `close` when the two names as written are one
/// edit apart with at least `CLOSE_MIN_LETTERS` letters: a typo in a letter that transliterates
/// to two (Әсел / Әсец: ц → ts) is two edits between skeletons but one as written.
fn written_close(level: u8, q_written: &WrittenLetters, c_written: &str) -> u8 {
    if level == level::part::DIFFERENT
        && q_written
            .one_edit_from(c_written)
            .is_some_and(|n| n >= CLOSE_MIN_LETTERS)
    {
        level::part::CLOSE
    } else {
        level
    }
}

/// A name-part level (exact, close, different, missing; never phonetic here) as a surname level.
fn as_surname_level(part: u8) -> u8 {
    match part {
        level::part::MISSING => level::surname::MISSING,
        level::part::EXACT => level::surname::EXACT,
        level::part::CLOSE => level::surname::CLOSE,
        _ => level::surname::DIFFERENT,
    }
}

/// Compare patronymic roots. A root of at most two letters is an initial ("С."): it says
/// nothing when its letter starts the other root, or it is a digraph's initial of it
/// (`digraph_initial_of`: Y. for Yerlanovich), (`missing`), and differs otherwise.
fn patronymic_level(q_root: &str, q_phon: &str, c_root: &str, c_phon: &str) -> u8 {
    if !q_root.is_empty() && !c_root.is_empty() && (q_root.len() <= 2 || c_root.len() <= 2) {
        let (q, c) = (q_root.as_bytes(), c_root.as_bytes());
        return if q[0] == c[0] || digraph_initial_of(q, c) || digraph_initial_of(c, q) {
            level::part::MISSING
        } else {
            level::part::DIFFERENT
        };
    }
    part_level(q_root, q_phon, c_root, c_phon)
}

/// Whether the query's patronymic could be the one a registry name gives: either side lacks
/// one, a root of at most two letters (an initial), `given_compatible` of the roots, or the
/// written forms one letter apart. Only a patronymic that fails this rules a candidate out.
fn patronymic_compatible(q: &QueryFeatures, c: &ArchivedNameEntry) -> bool {
    let c_root = c.patronymic_root.as_ref().map_or("", |r| r.as_str());
    let q_root = q.patronymic_root.as_str();
    if q_root.len() <= 2 || c_root.len() <= 2 {
        return true;
    }
    given_compatible(q_root, &q.patronymic_phon, c_root, &c.patronymic_phon)
        || match (&q.patronymic_written_letters, c.patronymic.as_ref()) {
            (Some(a), Some(b)) => a.one_edit_from(b).is_some_and(|n| n >= 2),
            _ => false,
        }
}

/// The best alignment of the query's name with one registry name.
fn best_name(model: &MatchModel, q: &QueryFeatures, c: &ArchivedNameEntry) -> NameScore {
    let c_patr = c.patronymic_root.as_ref().map_or("", |s| s.as_str());
    let c_patr_phon = c.patronymic_phon.as_str();
    let mut g = written_close(
        given_level(&q.given, &q.given_phon, &c.given_skel, &c.given_phon),
        &q.given_written_letters,
        &c.given_name,
    );
    // One part of a double given name written in parts on the other side (Мария / Анна-Мария).
    if g == level::part::DIFFERENT
        && given_part_of(q.given.as_bytes(), c.given_skel.as_bytes())
        && if q.given.len() > c.given_skel.len() {
            q.given_in_parts
        } else {
            written_in_parts(&c.given_name)
        }
    {
        g = level::part::CLOSE;
    }
    let straight = [
        surname_level(
            &q.surname,
            &q.surname_stem,
            &q.surname_phon,
            &c.surname_skel,
            &c.surname_stem,
            &c.surname_phon,
        ),
        g,
        patronymic_level(&q.patronymic_root, &q.patronymic_phon, c_patr, c_patr_phon),
    ];
    let mut best = name_score(model, straight, q, Alignment::Straight, true);
    // Swapped: the query's surname is the registry's given name and the other way round.
    // (Spellings only: the phonetic keys of a given name and of a surname stem differ in kind.)
    // The written forms are compared only when the straight given names differ: a swapped
    // alignment resting on a written typo never beats a straight one whose given names agree.
    let written = |level: u8, a: &WrittenLetters, b: &str| {
        if g == level::part::DIFFERENT {
            written_close(level, a, b)
        } else {
            level
        }
    };
    let swap_s = as_surname_level(written(
        part_level(&q.surname, "", &c.given_skel, ""),
        &q.surname_written_letters,
        &c.given_name,
    ));
    let swap_g = written(
        part_level(&q.given, "", &c.surname_skel, ""),
        &q.given_written_letters,
        &c.surname,
    );
    if swap_s != level::surname::DIFFERENT || swap_g != level::part::DIFFERENT {
        let swapped = name_score(
            model,
            [swap_s, swap_g, straight[2]],
            q,
            Alignment::Swapped,
            true,
        );
        if swapped.weight > best.weight {
            best = swapped;
        }
    }
    // A patronymic standing in the surname's place, on either side.
    if !q.surname_root.is_empty() {
        let p = part_level(&q.surname_root, &q.surname_root_phon, c_patr, c_patr_phon);
        let alt = name_score(
            model,
            [level::surname::MISSING, g, p],
            q,
            Alignment::PatronymicAsSurname,
            false,
        );
        if alt.weight > best.weight {
            best = alt;
        }
    }
    if !c.surname_as_patronymic.is_empty() {
        let root = c.surname_as_patronymic.as_str();
        let p = part_level(&q.patronymic_root, "", root, "");
        let alt = name_score(
            model,
            [level::surname::MISSING, g, p],
            q,
            Alignment::PatronymicAsSurname,
            true,
        );
        if alt.weight > best.weight {
            best = alt;
        }
    }
    best
}

/// The birth-date level at which a full or partial date agrees with all of a partial `date`:
/// its year (`same_year`) or its year and month (`same_year_month`); `missing` for no date.
fn level_within(date: Option<PartialDate>) -> Option<u8> {
    match date {
        None => Some(level::birth::MISSING),
        Some(d) if d.day.is_some() => None,
        Some(d) if d.month.is_some() => Some(level::birth::SAME_YEAR_MONTH),
        Some(_) => Some(level::birth::SAME_YEAR),
    }
}

/// Why a candidate below the `possible` threshold is reviewed all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewReason {
    /// One side holds neither an IIN nor a full birth date, only a partial date (or the query
    /// none), and the other agrees with all it holds (`sparse_agreement`).
    SparseAgreement,
    /// The record holds names only (no IIN, no birth date), they agree with the query's, and
    /// the total reaches `names_only_possible`.
    NamesOnlyRecord,
    /// Only the surname differs, as a woman's does after a marriage: the given name, the
    /// patronymic and the full birth date agree (`married_name_pattern`).
    MarriedName,
    /// The names agree and the full birth dates are a typo apart (level `close`), and the total
    /// reaches `date_typo_possible`: a date a typo away is no weaker evidence than no date.
    DateTypo,
    /// Only the surname differs, as after a marriage, on a side that gives no patronymic, and the
    /// total reaches `names_only_possible` (`married_name_without_patronymic`).
    MarriedNameNoPatronymic,
}

impl ReviewReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::SparseAgreement => {
                "below the threshold, but the record or the query holds no IIN and no full birth \
                 date, and the other agrees with all it holds: the score cannot tell"
            }
            ReviewReason::NamesOnlyRecord => {
                "below the threshold, but the record holds names only (no IIN, no birth date) and \
                 they agree with the query's: nothing can rule it out"
            }
            ReviewReason::MarriedName => {
                "below the threshold, but only the surname differs, as a woman's does after a \
                 marriage: given name, patronymic and full birth date agree (or its day and \
                 month are swapped)"
            }
            ReviewReason::MarriedNameNoPatronymic => {
                "below the threshold, but only the surname differs, as a woman's does after a \
                 marriage: given name and full birth date agree (or its day and month are \
                 swapped), one side gives no patronymic, and the total reaches the names-only \
                 threshold"
            }
            ReviewReason::DateTypo => {
                "below the threshold, but the names agree and the birth dates are a typo apart: \
                 reviewed from a lower threshold, as a record that holds no date is, for a date \
                 a typo away is no weaker evidence than none"
            }
        }
    }
}

/// Whether only the surname differs, as a woman's does after a marriage when the registry keeps
/// no alias of the other: surname level `different` (which only a woman gets), given name
/// `exact`, `phonetic` or `close`, patronymic `exact` or `phonetic`, full birth dates `exact` or
/// day↔month swapped, and no other sex. A common given name and patronymic can leave such a
/// person's own record just below the threshold (4.4 bits with a typo in the given name, 2.8
/// with the day and month swapped); reviewing the pattern whatever the total costs few reviews,
/// for a namesake rarely shares all three.
fn married_name_pattern(levels: [u8; 6]) -> bool {
    let [_, surname, given, patronymic, birth, sex] = levels;
    surname == level::surname::DIFFERENT
        && matches!(
            given,
            level::part::EXACT | level::part::PHONETIC | level::part::CLOSE
        )
        && matches!(patronymic, level::part::EXACT | level::part::PHONETIC)
        && matches!(birth, level::birth::EXACT | level::birth::SWAP)
        && sex != level::sex::DIFFERENT
}

/// `married_name_pattern` where one side gives no patronymic (level `missing`): one agreement
/// fewer, so not whatever the total, but from `names_only_possible`, the threshold of a record
/// whose evidence is short by nature. A married woman's record without her patronymic and with
/// its day and month swapped stayed at 2.9–3.2 bits (misses of seeds 5050 and 424242); reviewing
/// the pattern at any total would cost about 300 false reviews per 3M set, from 2.0 bits 10–18.
/// Never for a known man (`known_man`: the query's IIN or the record says so), whose surname
/// compares `different` only as a slip in a short surname (Ким / Киг), not a marriage.
fn married_name_without_patronymic(levels: [u8; 6], known_man: bool) -> bool {
    let [iin, surname, given, patronymic, birth, sex] = levels;
    !known_man
        && patronymic == level::part::MISSING
        && married_name_pattern([iin, surname, given, level::part::EXACT, birth, sex])
}

/// Why a candidate below the `possible` threshold (with iin level `missing`, not ruled out) is
/// reviewed, if it is: every name part one side holds agrees with the other's, exactly or but for
/// a typo (a given name written as its initial agrees with a name it starts), with no other sex,
/// and
/// - one side holds neither an IIN nor a full birth date (a sparse record: only a year or a year
///   and month, or a 1 January read as the year (`compare::january_first_of`); or a query giving
///   no IIN and at most a partial date) and the date agrees within
///   the partial date: the score cannot decide such a pair, for with common names a year holds
///   thousands of namesakes, so even the person's own record stays below the threshold;
/// - or the record holds names only (no IIN, no birth date) and the total reaches
///   `names_only_possible`: the names are all the evidence there can be. A common name stays
///   below that threshold: reviewing every namesake of a names-only record would review a common
///   name always;
/// - or the full birth dates are a typo apart (`close`, either side may hold the typo) and the
///   total reaches `date_typo_possible` (shipped equal to `names_only_possible`); here a
///   father's name in the surname's place agreeing with the other's patronymic counts as names
///   that agree (tanu-fs-10). Such a record would otherwise need more name evidence than the
///   same record holding no date at all, although the date's weight is positive: a query
///   without an IIN and one digit or one day off cleared the applicant's own record of a common
///   name (7.6% of such queries at 3 million persons).
fn sparse_agreement(
    q: &QueryFeatures,
    p: &ArchivedPersonEntry,
    name: Option<&ArchivedNameEntry>,
    c_birth: Option<PartialDate>,
    levels: [u8; 6],
    alignment: Alignment,
    reached: LowerThresholds,
) -> Option<ReviewReason> {
    let [_, surname, given, patronymic, birth, sex] = levels;
    // A `close` surname agrees here only as a typo (one edit as written or between skeletons),
    // not by Jaro-Winkler alone: Омаров / Омарханов share a prefix, not a person. (A surname
    // word agreeing with the other side's is level `word` by now, never `close`.)
    let surname_typo = || {
        name.is_some_and(|n| {
            q.surname_written_letters
                .one_edit_from(&n.surname)
                .is_some()
                || within_one_edit(&q.surname, &n.surname_skel)
        })
    };
    let surname_agrees = matches!(
        surname,
        level::surname::EXACT
            | level::surname::STEM
            | level::surname::ENDING
            | level::surname::PHONETIC
            | level::surname::WORD
    ) || (surname == level::surname::CLOSE && surname_typo());
    let given_agrees = matches!(
        given,
        level::part::EXACT | level::part::PHONETIC | level::part::CLOSE
    ) || (given == level::part::MISSING && initial_given(q, name));
    let date_typo = matches!(
        birth,
        level::birth::CLOSE
            | level::birth::CLOSE_QUERY_CONFIRMED
            | level::birth::DAY_APART
            | level::birth::DAY_APART_QUERY_CONFIRMED
    ) && reached.date_typo;
    if !given_agrees || patronymic == level::part::DIFFERENT || sex == level::sex::DIFFERENT {
        return None;
    }
    if !surname_agrees {
        // A father's name in the surname's place (Нұрланұлы Ерлан, a form with no surname at
        // all: NAMES.md) agreeing exactly with the other side's patronymic stands for a surname
        // that agrees, but only for a date a typo away: with no date, or a partial one, the
        // names are nearly all the evidence, and without a surname they are too little (on
        // seed 77 all three rules would cost 34 false reviews, the date typo alone 16). That
        // alignment is not straight, so `name` is `None` and an initial never agrees here.
        let father_for_surname = surname == level::surname::MISSING
            && alignment == Alignment::PatronymicAsSurname
            && patronymic == level::part::EXACT;
        return (father_for_surname && date_typo).then_some(ReviewReason::DateTypo);
    }
    let record_without_iin = p.iin_status == iin_status::MISSING;
    let sparse_record =
        record_without_iin && c_birth.is_some() && level_within(c_birth) == Some(birth);
    let sparse_query = q.iin.is_none() && level_within(q.birth) == Some(birth);
    if sparse_record || sparse_query {
        Some(ReviewReason::SparseAgreement)
    } else if record_without_iin && c_birth.is_none() && reached.names_only {
        Some(ReviewReason::NamesOnlyRecord)
    } else if date_typo {
        Some(ReviewReason::DateTypo)
    } else {
        None
    }
}

/// Which of the review thresholds below `possible` a candidate's total reaches
/// (`sparse_agreement`).
#[derive(Debug, Clone, Copy)]
struct LowerThresholds {
    /// `MatchModel::names_only_possible`.
    names_only: bool,
    /// `MatchModel::date_typo_possible`.
    date_typo: bool,
}

/// Whether both sides give a given name and the level `missing` came from an initial that the
/// other name starts with (`compare::given_level`): the initial agrees with all there is.
fn initial_given(q: &QueryFeatures, name: Option<&ArchivedNameEntry>) -> bool {
    name.is_some_and(|n| initial_agrees(q.given.as_bytes(), n.given_skel.as_bytes()))
}

/// The registry side's IIN, its own birth date and sex.
struct PersonIin {
    side: Option<IinSide>,
    sex_from_iin: Option<Sex>,
    /// The full date a valid IIN encodes when the record states another full date: the record
    /// contradicts itself, one of the two is a typo, and the query is compared with both.
    other_birth: Option<PartialDate>,
}

fn person_iin(p: &ArchivedPersonEntry) -> PersonIin {
    let status = p.iin_status;
    if status != iin_status::VALID && status != iin_status::INVALID_DIGITS {
        return PersonIin {
            side: None,
            sex_from_iin: None,
            other_birth: None,
        };
    }
    let digits = digits_of(p.iin_digits.to_native());
    let info = iin_date_and_sex(&digits);
    let valid = status == iin_status::VALID;
    let stated_birth = p.birth_date();
    let consistent_birth = match (stated_birth.and_then(|b| b.full()), info) {
        (Some(b), Some((d, _))) => d.full() == Some(b),
        _ => true,
    };
    let consistent_sex = match (p.sex(), info) {
        (Some(s), Some((_, is))) => s == is,
        _ => true,
    };
    PersonIin {
        side: Some(IinSide {
            digits,
            valid,
            trusted: valid && consistent_birth && consistent_sex,
        }),
        sex_from_iin: info.map(|(_, s)| s),
        other_birth: info.map(|(d, _)| d).filter(|_| valid && !consistent_birth),
    }
}

/// Score one registry person against the query's features. `found_by` holds the
/// `candidates::found_by` paths that found it; the engine screens every candidate that no IIN
/// path found with `could_match` before scoring, so such a candidate's given name is known to
/// be compatible (0 means unscreened: the given names are checked here).
pub fn score(
    model: &MatchModel,
    q: &QueryFeatures,
    person_index: u32,
    p: &ArchivedPersonEntry,
    found_by: u8,
) -> Scored {
    let mut best = NameScore {
        weight: f64::NEG_INFINITY,
        levels: [
            level::surname::MISSING,
            level::part::MISSING,
            level::part::MISSING,
        ],
        tf: [0.0; 3],
        pair: 0.0,
        alignment: Alignment::Straight,
    };
    let mut name_index = 0u8;
    for (i, n) in p.names.iter().enumerate() {
        let s = best_name(model, q, n);
        if s.weight > best.weight {
            best = s;
            name_index = i.min(255) as u8;
        }
    }
    // The best registry name, when it aligned straight: written forms and skeleton typos are
    // compared for that alignment only.
    let straight_name = p
        .names
        .get(usize::from(name_index))
        .filter(|_| best.alignment == Alignment::Straight);
    let piin = person_iin(p);
    let iin = iin_level(q.iin.as_ref(), piin.side.as_ref());
    let mut c_birth = PartialDate::from_key(record_birth_key(p));
    let mut birth = birth_level(q.birth, c_birth);
    if let Some(alt) = q.birth_alt {
        let b2 = birth_level(Some(alt), c_birth);
        if model.weight(Field::BirthDate, b2) > model.weight(Field::BirthDate, birth) {
            birth = b2;
        }
    }
    let mut birth_source = BirthSource::Record;
    if let Some(other) = piin.other_birth {
        for query_date in [q.birth, q.birth_alt] {
            let b3 = birth_level(query_date, Some(other));
            if query_date.is_some()
                && model.weight(Field::BirthDate, b3) > model.weight(Field::BirthDate, birth)
            {
                birth = b3;
                birth_source = BirthSource::ValidIin;
            }
        }
    }
    // A mistyped registry IIN (its check digit fails) whose one typo, corrected in its date
    // digits, gives a valid IIN of the query's birth date: the record's IIN holds that date.
    // The check digit confirms the correction (a random date passes one time in eleven).
    // Asked only when the query has no IIN of its own (else the IIN levels compare them).
    if birth != level::birth::EXACT
        && q.iin.is_none()
        && let (Some(side), Some(date)) = (piin.side.as_ref(), q.birth.and_then(|b| b.full()))
        && !side.valid
        && Iin::date_typo_corrected(&side.digits, date).is_some()
    {
        birth = level::birth::EXACT;
        birth_source = BirthSource::CorrectedIin(PartialDate::from(date).to_key());
    }
    // A record with no IIN that states 1 January of the query's year: old records write it when
    // only the year was known, so only the year is compared (unless the day compares as more:
    // equal or swapped; a `close` 1 January, a typo of the 11th or the 10th, weighs less).
    if piin.side.is_none()
        && model.weight(Field::BirthDate, level::birth::SAME_YEAR)
            > model.weight(Field::BirthDate, birth)
        && let Some(c) = c_birth
        && [q.birth, q.birth_alt]
            .into_iter()
            .flatten()
            .filter_map(|d| d.full())
            .any(|d| january_first_of(d, c))
    {
        birth = level::birth::SAME_YEAR;
        birth_source = BirthSource::JanuaryFirst;
        // From here on the record states a year, as sparse as one written so.
        c_birth = Some(PartialDate {
            month: None,
            day: None,
            ..c
        });
    }
    if q.birth_confirmed {
        birth = match birth {
            level::birth::CLOSE => level::birth::CLOSE_QUERY_CONFIRMED,
            level::birth::DAY_APART => level::birth::DAY_APART_QUERY_CONFIRMED,
            other => other,
        };
    }
    // A record that states no sex and has no IIN to give one may still state it in its
    // patronymic's suffix (Нұрланқызы, Нурлановна: a woman).
    let c_sex = p.sex().or(piin.sex_from_iin).or_else(|| {
        let patronymic = p.names.first()?.patronymic.as_ref()?;
        patronymic_sex(&skeleton(patronymic))
    });
    // A surname one letter off as written (Мусаев / Мцсаев: two edits between skeletons, as ц
    // transliterates to two letters) is a typo: close. A man's surname rarely changes, so its
    // disagreement weighs more; but a one-letter slip in a short surname (Ким / Киг) is a typo,
    // not a change, and keeps the plain level.
    let known_man = q.sex == Some(Sex::Male) || c_sex == Some(Sex::Male);
    // One word of a surname written as several is the other's surname (a double surname, a
    // maiden name in brackets, or a given name typed into the surname field): `word`, weighed
    // with that word's frequency. It takes the place of `different`, and of `close` when
    // Jaro-Winkler alone made the joined words close (Смирнов-Антонов / Смирнов).
    let word = if matches!(
        best.levels[0],
        level::surname::DIFFERENT | level::surname::CLOSE
    ) && let Some(n) = straight_name
        && (!q.tf_surname_words.is_empty() || in_several_words(&n.surname))
    {
        agreeing_surname_word(&q.surname_written, &n.surname)
    } else {
        None
    };
    if let Some(i) = word {
        let tf = q.tf_surname_words.get(i).copied().unwrap_or(q.tf_surname);
        best.weight += model.weight(Field::Surname, level::surname::WORD) + tf
            - model.weight(Field::Surname, best.levels[0])
            - best.tf[0];
        best.levels[0] = level::surname::WORD;
        best.tf[0] = tf;
    } else if best.levels[0] == level::surname::DIFFERENT {
        let name = straight_name;
        let letters = name.and_then(|n| q.surname_written_letters.one_edit_from(&n.surname));
        let typo_only = letters.is_some_and(|n| n >= 2)
            || name.is_some_and(|n| {
                q.surname.len().min(n.surname_skel.len()) >= 2
                    && within_one_edit(&q.surname, &n.surname_skel)
            });
        let to = if letters.is_some_and(|n| n >= CLOSE_MIN_LETTERS) {
            level::surname::CLOSE
        } else if !typo_only && known_man {
            level::surname::DIFFERENT_MAN
        } else {
            level::surname::DIFFERENT
        };
        best.weight += model.weight(Field::Surname, to)
            - model.weight(Field::Surname, level::surname::DIFFERENT);
        best.levels[0] = to;
    }
    // A name part two typos off while the rest agrees exactly is close (`two_typos_level`).
    let mut two_typos = None;
    if let Some(name) = straight_name
        && let Some((field, to)) = two_typos_level(q, name, best.levels, birth)
    {
        let slot = usize::from(field == Field::GivenName);
        best.weight += model.weight(field, to) - model.weight(field, best.levels[slot]);
        best.levels[slot] = to;
        two_typos = Some(field);
    }
    let sex = match (q.sex, c_sex) {
        (Some(a), Some(b)) if a == b => level::sex::SAME,
        (Some(_), Some(_)) => level::sex::DIFFERENT,
        _ => level::sex::MISSING,
    };
    let total = model.prior
        + model.weight(Field::Iin, iin)
        + best.weight
        + model.weight(Field::BirthDate, birth)
        + model.weight(Field::Sex, sex);
    // An exact IIN is never ruled out; an IIN one edit away links only when the names agree.
    let [s_level, _, p_level] = best.levels;
    let ruled_out = if iin == level::iin::DIFFERENT {
        Some(RuledOut::IinsDiffer)
    } else if iin == level::iin::EXACT {
        None
    } else if !q.given.is_empty()
        && (found_by == 0
            || found_by & (found_by::IIN | found_by::IIN_NEAR | found_by::DATE_AND_SURNAME) != 0)
        && !p.names.iter().any(|n| entry_given_ok(q, n))
        && !given_typos_only(q, straight_name, s_level, p_level, birth)
    {
        Some(RuledOut::GivenNamesDiffer)
    } else if birth == level::birth::DIFFERENT && iin != level::iin::ONE_EDIT {
        Some(RuledOut::BirthDatesDiffer)
    } else if (s_level == level::surname::DIFFERENT || s_level == level::surname::DIFFERENT_MAN)
        && p_level == level::part::DIFFERENT
    {
        Some(RuledOut::SurnameAndPatronymicDiffer)
    } else if p_level == level::part::DIFFERENT
        && iin != level::iin::ONE_EDIT
        && !p.names.iter().any(|n| patronymic_compatible(q, n))
    {
        Some(RuledOut::PatronymicsDiffer)
    } else {
        None
    };
    let levels = [
        iin,
        best.levels[0],
        best.levels[1],
        best.levels[2],
        birth,
        sex,
    ];
    let review_reason = if ruled_out.is_some() || total >= model.possible {
        None
    } else if married_name_pattern(levels) {
        Some(ReviewReason::MarriedName)
    } else if married_name_without_patronymic(levels, known_man)
        && total >= model.names_only_possible
    {
        Some(ReviewReason::MarriedNameNoPatronymic)
    } else if iin == level::iin::MISSING {
        sparse_agreement(
            q,
            p,
            straight_name,
            c_birth,
            levels,
            best.alignment,
            LowerThresholds {
                names_only: total >= model.names_only_possible,
                date_typo: total >= model.date_typo_possible,
            },
        )
    } else {
        None
    };
    let band = if ruled_out.is_some() {
        Band::Clear
    } else if total >= model.certain {
        Band::Certain
    } else if total >= model.possible || iin == level::iin::EXACT || review_reason.is_some() {
        Band::Possible
    } else {
        Band::Clear
    };
    Scored {
        person: person_index,
        total,
        levels,
        tf: best.tf,
        pair: best.pair,
        name_index,
        alignment: best.alignment,
        band,
        ruled_out,
        found_by,
        review_reason,
        birth_source,
        two_typos,
    }
}

/// Match probability from a total weight in bits.
pub fn probability(total: f64) -> f64 {
    1.0 / (1.0 + (-total).exp2())
}

/// The `iin` note when the query's IIN was restored (`QueryFeatures::iin_restored`).
const QUERY_IIN_RESTORED: &str = "query IIN had lost its leading zeros (kept as a number): \
                                  compared with them put back, as its birth date confirms";

/// The `iin` note when the query's valid IIN contradicts the query's own birth date (not
/// trusted: `QueryFeatures::new`).
const QUERY_IIN_DOUBTED: &str = "query IIN encodes another birth date than the query states: \
                                 compared, never trusted to rule anyone out";

/// The explanation of a scored candidate, for clerks, with the query's features `q` (for the
/// notes on the query's IIN).
pub fn explain(
    model: &MatchModel,
    s: &Scored,
    p: &ArchivedPersonEntry,
    found_by: Vec<&'static str>,
    q: &QueryFeatures,
) -> Explanation {
    let query_note = if q.iin_restored {
        Some(QUERY_IIN_RESTORED)
    } else if q
        .iin
        .as_ref()
        .is_some_and(|side| side.valid && !side.trusted)
    {
        Some(QUERY_IIN_DOUBTED)
    } else {
        None
    };
    let name = p.names.get(s.name_index as usize).or(p.names.first());
    let name_note = name.map(|n| {
        let mut t = format!("{} {}", n.surname, n.given_name);
        if let Some(pt) = n.patronymic.as_ref() {
            t.push(' ');
            t.push_str(pt);
        }
        if s.name_index > 0 {
            t.push_str(&format!(" (alias {})", s.name_index));
        }
        match s.alignment {
            Alignment::Straight => {}
            Alignment::Swapped => t.push_str("; surname and given name swapped"),
            Alignment::PatronymicAsSurname => t.push_str("; patronymic in the surname's place"),
        }
        t
    });
    let fields = Field::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let lv = s.levels[i];
            let tf = match f {
                Field::Surname if s.tf[0] != 0.0 => Some(round(s.tf[0])),
                Field::GivenName if s.tf[1] != 0.0 => Some(round(s.tf[1])),
                Field::Patronymic if s.tf[2] != 0.0 => Some(round(s.tf[2])),
                _ => None,
            };
            let note = match f {
                Field::Surname if s.two_typos == Some(Field::Surname) => {
                    name_note.as_ref().map(|n| format!("{n}; {TWO_TYPOS}"))
                }
                Field::Surname if lv == level::surname::WORD => {
                    name_note.as_ref().map(|n| format!("{n}; {SURNAME_WORD}"))
                }
                Field::GivenName if s.two_typos == Some(Field::GivenName) => {
                    Some(TWO_TYPOS.to_string())
                }
                Field::Surname => name_note.clone(),
                Field::Iin => {
                    let restored =
                        iin_restored(p.iin_status, p.iin_raw.as_ref().map(|raw| raw.as_str()));
                    let registry = match p.iin_status {
                        iin_status::MISSING => Some("registry has no IIN"),
                        iin_status::VALID if restored => Some(
                            "registry IIN had lost its leading zeros (kept as a number): \
                             compared with them put back, as its birth date confirms",
                        ),
                        iin_status::VALID => None,
                        _ if restored => Some(
                            "registry IIN had lost its leading zeros (kept as a number): \
                             compared with them put back, never trusted (no birth date to \
                             confirm them)",
                        ),
                        _ => Some("registry IIN is invalid"),
                    };
                    match (query_note, registry) {
                        (None, registry) => registry.map(str::to_string),
                        (Some(query), None) => Some(query.to_string()),
                        (Some(query), Some(registry)) => Some(format!("{query}; {registry}")),
                    }
                }
                Field::BirthDate => Some(birth_note(s, p)),
                _ => None,
            };
            FieldEvidence {
                field: f.name(),
                level: f.levels()[lv as usize],
                weight: round(model.weight(*f, lv)),
                tf_adjustment: tf,
                note,
            }
        })
        .collect();
    Explanation {
        prior: model.prior,
        fields,
        name_pair_adjustment: (s.pair != 0.0).then(|| round(s.pair)),
        total: round(s.total),
        ruled_out: s.ruled_out.map(RuledOut::as_str),
        review_reason: s.review_reason.map(ReviewReason::as_str),
        found_by,
    }
}

/// The clerk's note on the birth date: what the record states and, when its IIN gave the
/// date compared, what the IIN says.
fn birth_note(s: &Scored, p: &ArchivedPersonEntry) -> String {
    let stated = match p.birth_date() {
        Some(b) => format!("registry: {b}"),
        None => "registry has no birth date".to_string(),
    };
    match s.birth_source {
        BirthSource::CorrectedIin(key) => match PartialDate::from_key(key) {
            Some(d) => format!(
                "{stated}; its IIN has a bad check digit, and with one typo corrected in its \
                 date digits it is a valid IIN of {d}, compared"
            ),
            None => stated,
        },
        BirthSource::JanuaryFirst => format!(
            "{stated}; 1 January in a record without an IIN often stands for an unknown day: \
             the year compared"
        ),
        BirthSource::ValidIin => match iin_date_and_sex(&digits_of(p.iin_digits.to_native())) {
            Some((e, _)) => format!("{stated}; its IIN says {e}, compared"),
            None => stated,
        },
        BirthSource::Record => match (p.birth_date(), PartialDate::from_key(record_birth_key(p))) {
            (Some(b), Some(e)) if b != e => format!("{stated}; its IIN says {e}, compared"),
            (None, Some(e)) => format!("{stated}; its IIN says {e}"),
            _ => stated,
        },
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Used by tests and tools: a valid IIN's digits as an `IinSide`.
pub fn trusted_side(iin: &Iin) -> IinSide {
    IinSide {
        digits: *iin.digits(),
        valid: true,
        trusted: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Clients read `ruled_out` and `review_reason` as fixed strings: FORMAT.md lists each one
    /// verbatim.
    #[test]
    fn format_md_lists_every_ruled_out_and_review_reason_text() {
        let doc = include_str!("../../docs/FORMAT.md");
        // Each match fails to compile when its enum gains a variant it does not list.
        let ruled_out = [
            RuledOut::IinsDiffer,
            RuledOut::BirthDatesDiffer,
            RuledOut::GivenNamesDiffer,
            RuledOut::SurnameAndPatronymicDiffer,
            RuledOut::PatronymicsDiffer,
        ]
        .map(|r| match r {
            RuledOut::IinsDiffer
            | RuledOut::BirthDatesDiffer
            | RuledOut::GivenNamesDiffer
            | RuledOut::SurnameAndPatronymicDiffer
            | RuledOut::PatronymicsDiffer => r.as_str(),
        });
        let reasons = [
            ReviewReason::SparseAgreement,
            ReviewReason::NamesOnlyRecord,
            ReviewReason::MarriedName,
            ReviewReason::DateTypo,
            ReviewReason::MarriedNameNoPatronymic,
        ]
        .map(|r| match r {
            ReviewReason::SparseAgreement
            | ReviewReason::NamesOnlyRecord
            | ReviewReason::MarriedName
            | ReviewReason::DateTypo
            | ReviewReason::MarriedNameNoPatronymic => r.as_str(),
        });
        for text in ruled_out.into_iter().chain(reasons) {
            assert!(doc.contains(&format!("`{text}`")), "{text}");
        }
    }

    proptest! {
        /// The screen's counted gates against the definition spelled out with the plain
        /// comparators.
        #[test]
        fn skeleton_screen_is_its_definition(q in "[a-h]{0,11}", c in "[a-h]{0,11}") {
            let defined = q.is_empty()
                || c.is_empty()
                || q == c
                || (q.len().min(c.len()) >= 2 && within_one_edit(&q, &c))
                || crate::matching::compare::jaro_winkler(&q, &c) >= LOOSE_GIVEN_JW
                || (q.len().min(c.len()) >= CLOSE_MIN_LETTERS && within_one_window(&q, &c));
            let buckets = letter_buckets(q.as_bytes());
            prop_assert_eq!(skeletons_compatible(q.as_bytes(), &buckets, c.as_bytes()), defined);
        }
    }

    #[test]
    fn skeleton_screen_keeps_typos_and_drops_other_names() {
        let screen = |q: &str, c: &str| {
            skeletons_compatible(q.as_bytes(), &letter_buckets(q.as_bytes()), c.as_bytes())
        };
        assert!(screen("askhat", "askhat"));
        assert!(screen("askhat", "askat"));
        assert!(screen("askhat", "asktsat"));
        assert!(screen("nurlan", "nurlanbek"));
        assert!(!screen("askhat", "nurlan"));
        assert!(!screen("erlan", "dauren"));
    }
}
