//! Field comparators: turn a query value and a registry value into a comparison level (see
//! `model::level`). Pure, allocation-free functions on borrowed data, called in the scoring hot
//! loop; they must never weigh levels or look anything up.

use crate::matching::model::level;
use chrono::{Datelike, NaiveDate};
use tanu_index::date::PartialDate;
use tanu_index::name::{
    in_several_words, is_letter, is_particle, skeleton, surname_ending_sex, surname_stem,
    surname_words,
};

/// Longest skeleton compared on the stack; longer ones fall back to `strsim`.
const MAX_STACK: usize = 64;

/// Jaro-Winkler similarity of two ASCII skeletons, without allocating for names up to 64 bytes.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    jaro_winkler_bytes(a.as_bytes(), b.as_bytes())
}

/// `jaro_winkler` of two byte strings.
pub fn jaro_winkler_bytes(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.len() > MAX_STACK || b.len() > MAX_STACK {
        return strsim::jaro_winkler(
            std::str::from_utf8(a).unwrap_or(""),
            std::str::from_utf8(b).unwrap_or(""),
        );
    }
    let (matches, transpositions) = jaro_matches(a, b);
    if matches == 0 {
        return 0.0;
    }
    let m = matches as f64;
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    if jaro <= 0.7 {
        return jaro;
    }
    jaro + 0.1 * common_prefix(a, b) as f64 * (1.0 - jaro)
}

/// Jaro's matched letters and unordered pairs of two non-empty strings of at most 64 bytes:
/// each letter of `a` in turn takes the first unmatched equal letter of `b` within the window.
fn jaro_matches(a: &[u8], b: &[u8]) -> (usize, usize) {
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_match = [false; MAX_STACK];
    let mut b_match = [false; MAX_STACK];
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_match[j] && b[j] == ca {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if !a_match[i] {
            continue;
        }
        while !b_match[k] {
            k += 1;
        }
        if ca != b[k] {
            transpositions += 1;
        }
        k += 1;
    }
    (matches, transpositions)
}

use tanu_index::keys::one_edit_slices;
pub use tanu_index::keys::within_one_edit;

/// Threshold above which two name skeletons are "close".
pub const CLOSE_JW: f64 = 0.90;

/// Whether two skeletons are close: one edit apart (when long enough) or Jaro-Winkler ≥ 0.90.
pub fn close(a: &str, b: &str) -> bool {
    if a.len().min(b.len()) >= 4 && within_one_edit(a, b) {
        return true;
    }
    jaro_winkler_may_reach(a.as_bytes(), b.as_bytes(), CLOSE_JW) && jaro_winkler(a, b) >= CLOSE_JW
}

/// A cheap necessary condition for Jaro-Winkler ≥ t (see `jaro_winkler_bound_allows`).
fn jaro_winkler_may_reach(a: &[u8], b: &[u8], threshold: f64) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.len() > usize::from(u16::MAX) {
        return true;
    }
    let common = shared_letter_buckets(&letter_buckets(a), b);
    jaro_winkler_bound_allows(a.len(), b.len(), common, common_prefix(a, b), threshold)
}

/// The letters of a string counted in 32 buckets (`byte & 31`): one bucket per ASCII letter.
/// Counts saturate at `u16::MAX`, so for a string longer than that `shared_letter_buckets` may
/// undercount: callers skip the bound for such strings.
#[inline]
pub fn letter_buckets(a: &[u8]) -> [u16; 32] {
    let mut counts = [0u16; 32];
    for &x in a {
        let c = &mut counts[usize::from(x & 31)];
        *c = c.saturating_add(1);
    }
    counts
}

/// How many letters a string shares with the one counted in `buckets`, as multisets, by
/// bucket: exact for skeletons (lowercase ASCII), and for other bytes never below the truth, as
/// a collision only adds. So a bound built on it stays a necessary condition.
#[inline]
pub fn shared_letter_buckets(buckets: &[u16; 32], b: &[u8]) -> usize {
    let mut counts = *buckets;
    let mut common = 0usize;
    for &y in b {
        let c = &mut counts[usize::from(y & 31)];
        if *c > 0 {
            *c -= 1;
            common += 1;
        }
    }
    common
}

/// Equal leading bytes, at most the 4 that Winkler's boost counts.
#[inline]
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count()
}

/// Whether strings of `la` and `lb` bytes (both non-empty) that share at most `common` letters
/// and exactly `prefix` leading ones could reach Jaro-Winkler ≥ `threshold` (≥ 0.7). The boost
/// gives JW = J + 0.1·p·(1 − J) above J = 0.7, so JW ≥ t needs J ≥ (t − 0.1·p)/(1 − 0.1·p); and
/// J ≤ (m/|a| + m/|b| + 1)/3 for the m matched letters, at most `common`. With the prefix
/// known this is much tighter than the prefix-free bound (J ≥ (t − 0.4)/0.6) when the first
/// letters differ, as for most unrelated names.
#[inline]
pub fn jaro_winkler_bound_allows(
    la: usize,
    lb: usize,
    common: usize,
    prefix: usize,
    threshold: f64,
) -> bool {
    let boost = 0.1 * prefix.min(4) as f64;
    // (m/|a| + m/|b| + 1)/3 ≥ (t − boost)/(1 − boost), multiplied out (no division: it sits
    // on the screen's critical path); the slack only loosens the bound.
    let (m, la, lb) = (common as f64, la as f64, lb as f64);
    (m * (la + lb) + la * lb) * (1.0 - boost) >= (3.0 * (threshold - boost) - 1e-9) * la * lb
}

/// An upper bound on the letters two strings share as multisets (`shared_letters`), from their
/// `format::letter_mask`s and lengths alone: every shared bucket gives one, and repeats add at
/// most the fewer repeated letters of either side.
#[inline]
pub fn shared_letters_bound(mask_a: u32, len_a: usize, mask_b: u32, len_b: usize) -> usize {
    let distinct = |m: u32| m.count_ones() as usize;
    let repeats_a = len_a.saturating_sub(distinct(mask_a));
    let repeats_b = len_b.saturating_sub(distinct(mask_b));
    (mask_a & mask_b).count_ones() as usize + repeats_a.min(repeats_b)
}

/// Whether a given name of `len_a` letters and one of `len_b`, sharing at most `bound` letters,
/// could still be one edit apart or Jaro-Winkler ≥ `threshold` (false: certainly neither).
#[inline]
pub fn one_edit_or_similar_possible(
    len_a: usize,
    len_b: usize,
    bound: usize,
    threshold: f64,
) -> bool {
    if len_a == 0 || len_b == 0 {
        return true;
    }
    if len_a.abs_diff(len_b) <= 1 && bound + 1 >= len_a.max(len_b) {
        return true;
    }
    // m/|a| + m/|b| + 1 ≥ 3·J for the least J that can reach the threshold (with the full
    // prefix boost), multiplied out: no division on the screen's critical path.
    let need_j = (threshold - 0.4) / 0.6;
    let (m, la, lb) = (bound as f64, len_a as f64, len_b as f64);
    m * (la + lb) >= (3.0 * need_j - 1.0 - 1e-9) * la * lb
}

/// How many letters two strings share, as multisets (`counts` zeroed, indexed by byte).
#[inline]
#[cfg(test)]
fn shared_letters(a: &[u8], b: &[u8], counts: &mut [u16]) -> usize {
    for &x in a {
        counts[x as usize] += 1;
    }
    let mut common = 0usize;
    for &y in b {
        let c = &mut counts[y as usize];
        if *c > 0 {
            *c -= 1;
            common += 1;
        }
    }
    common
}

/// Compare surnames: skeletons, stems, phonetic keys, similarity.
#[inline]
pub fn surname_level(
    q_skel: &str,
    q_stem: &str,
    q_phon: &str,
    c_skel: &str,
    c_stem: &str,
    c_phon: &str,
) -> u8 {
    if q_skel.is_empty() || c_skel.is_empty() {
        level::surname::MISSING
    } else if q_skel == c_skel {
        level::surname::EXACT
    } else if q_stem == c_stem {
        // A feminine ending against a masculine one is a brother's and a sister's surname; any
        // other pair of one stem is one surname written with or without its ending.
        match (surname_ending_sex(q_skel), surname_ending_sex(c_skel)) {
            (Some(a), Some(b)) if a != b => level::surname::STEM,
            _ => level::surname::ENDING,
        }
    } else if !q_phon.is_empty() && q_phon == c_phon {
        level::surname::PHONETIC
    } else if close(q_stem, c_stem) || close(q_skel, c_skel) {
        level::surname::CLOSE
    } else {
        level::surname::DIFFERENT
    }
}

/// The words a surname field is compared by (`agreeing_surname_word`): its `surname_words` when
/// it is written as several, else its whole skeleton when that has two letters or more and is no
/// patronymic particle.
pub fn comparable_surname_words(surname: &str) -> Vec<String> {
    if in_several_words(surname) {
        return surname_words(surname);
    }
    Some(skeleton(surname))
        .filter(|w| w.len() >= 2 && !is_particle(w))
        .into_iter()
        .collect()
}

/// Which word of `a`'s surname (an index into `comparable_surname_words(a)`) agrees with a word
/// of `b`'s, when either is written as several words (a double surname "Ахметова-Сейтова",
/// "Ахметова Сейтова" or "Ахметова/Сейтова", a maiden name in brackets "Ахметова (Сейтова)", or
/// a given name typed into the surname field): equal skeletons (at least two letters: Ли, Ни,
/// Пак) or stems (at least three), never a patronymic particle ("оглы", "ұлы"). Words are
/// separated by anything but letters and apostrophes. `None` when both sides are single words.
/// Allocates only when a side has more than one word.
pub fn agreeing_surname_word(a: &str, b: &str) -> Option<usize> {
    if !in_several_words(a) && !in_several_words(b) {
        return None;
    }
    let stems = |raw: &str| -> Vec<(String, String)> {
        comparable_surname_words(raw)
            .into_iter()
            .map(|w| {
                let stem = surname_stem(&w);
                (w, stem)
            })
            .collect()
    };
    let (wa, wb) = (stems(a), stems(b));
    wa.iter().position(|(sa, ta)| {
        wb.iter()
            .any(|(sb, tb)| sa == sb || (ta == tb && sa.len().min(sb.len()) >= 3))
    })
}

/// Longest name, in letters, that `written_one_edit` compares.
const WRITTEN_MAX: usize = 48;

/// The letters of a name as written, case folded, into `out`: how many, or `None` when more than
/// `WRITTEN_MAX`.
fn written_letters(s: &str, out: &mut [char; WRITTEN_MAX]) -> Option<usize> {
    let mut n = 0;
    for c in s.chars().filter(|&c| is_letter(c)) {
        *out.get_mut(n)? = fold_case(c);
        n += 1;
    }
    Some(n)
}

/// When two names as written (letters, case folded, nothing transliterated) are one edit apart
/// (substitution, insertion, deletion or adjacent swap): the letters of the shorter. A typo in
/// a Cyrillic letter that transliterates to two (ц → ts, ю → iu) is two edits between skeletons
/// but one here. Allocates nothing; names longer than 48 letters never match.
pub fn written_one_edit(a: &str, b: &str) -> Option<usize> {
    WrittenLetters::new(a).one_edit_from(b)
}

/// A name as written, folded to its letters once (`written_letters`), for `written_one_edit`
/// against many others: a query's name against every candidate's.
#[derive(Debug, Clone)]
pub struct WrittenLetters {
    letters: [char; WRITTEN_MAX],
    /// How many letters; `None` when more than `WRITTEN_MAX`.
    len: Option<usize>,
}

impl WrittenLetters {
    pub fn new(s: &str) -> WrittenLetters {
        let mut letters = ['\0'; WRITTEN_MAX];
        let len = written_letters(s, &mut letters);
        WrittenLetters { letters, len }
    }

    /// `written_one_edit` of this name and `other`.
    pub fn one_edit_from(&self, other: &str) -> Option<usize> {
        let nx = self.len?;
        let mut y = ['\0'; WRITTEN_MAX];
        let ny = written_letters(other, &mut y)?;
        one_edit_slices(&self.letters[..nx], &y[..ny]).then_some(nx.min(ny))
    }
}

/// Whether two names as written (letters, case folded, nothing transliterated), each of at least
/// `min_letters` letters, are at most two edits apart (optimal string alignment: substitutions,
/// insertions, deletions, adjacent swaps). Allocates nothing; names longer than 48 letters never
/// match. For the rare candidates whose other name parts and birth date all agree
/// (`scoring::given_typos_only`).
pub fn written_within_two_edits(a: &str, b: &str, min_letters: usize) -> bool {
    let (mut x, mut y) = (['\0'; WRITTEN_MAX], ['\0'; WRITTEN_MAX]);
    let (Some(nx), Some(ny)) = (written_letters(a, &mut x), written_letters(b, &mut y)) else {
        return false;
    };
    if nx.min(ny) < min_letters || nx.abs_diff(ny) > 2 {
        return false;
    }
    let (x, y) = (&x[..nx], &y[..ny]);
    // Three rolling rows of the optimal-string-alignment table.
    let mut rows = [[0usize; WRITTEN_MAX + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(ny + 1) {
        *cell = j;
    }
    for i in 1..=nx {
        let (prev2, prev, cur) = ((i + 1) % 3, (i + 2) % 3, i % 3);
        rows[cur][0] = i;
        for j in 1..=ny {
            let cost = usize::from(x[i - 1] != y[j - 1]);
            let mut d = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d;
        }
    }
    rows[nx % 3][ny] <= 2
}

/// A letter's lower case when that is one letter (the letter itself otherwise), with the
/// Kazakh letters folded to the Russian ones that stand for them in Russian-keyboard records
/// (ә → а, ғ → г, қ → к, ң → н, ө → о, ұ ү → у, һ → х, і → и) and ё to е, so that "Бақыотв"
/// and "Бакытов" are one transposition apart. Latin and Russian capitals need no table.
#[inline]
fn fold_case(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'a'..='z' | 'а'..='я' => c,
        'А'..='Я' => char::from_u32(u32::from(c) + 0x20).unwrap_or(c),
        // The Kazakh letters and Ё, both cases, without the Unicode case tables.
        'ә' | 'Ә' => 'а',
        'ғ' | 'Ғ' => 'г',
        'қ' | 'Қ' => 'к',
        'ң' | 'Ң' => 'н',
        'ө' | 'Ө' => 'о',
        'ұ' | 'Ұ' | 'ү' | 'Ү' => 'у',
        'һ' | 'Һ' => 'х',
        'і' | 'І' => 'и',
        'ё' | 'Ё' => 'е',
        _ => fold_case_by_tables(c),
    }
}

/// `fold_case` through the Unicode case tables: any letter the fast arms do not cover. The
/// folds of the Kazakh letters repeat the fast arms, so both ways agree on every character.
fn fold_case_by_tables(c: char) -> char {
    let mut l = c.to_lowercase();
    let lower = match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    };
    match lower {
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        'ё' => 'е',
        other => other,
    }
}

/// Letters a given-name skeleton has at most to be read as an initial (Е., Ж, Sh.): every
/// letter's skeleton is one or two letters long. Given names that short are all but unknown
/// (Ли, a surname in the given name's place, is the one the generator writes).
pub const INITIAL_MAX_LETTERS: usize = 2;

/// Whether one of two given-name skeletons is an initial (`INITIAL_MAX_LETTERS`) that the other
/// starts with: Е. and Ерлан, Ш. and Шынар (sh), but not Ж. and Зарина; or a digraph's initial
/// of a name its skeleton does not start with (`digraph_initial_of`: Y. and Yerlan or Ерлан,
/// Д. and Джанибек).
#[inline]
pub fn initial_agrees(a: &[u8], b: &[u8]) -> bool {
    !a.is_empty()
        && !b.is_empty()
        && a.len().min(b.len()) <= INITIAL_MAX_LETTERS
        && (a.starts_with(b)
            || b.starts_with(a)
            || digraph_initial_of(a, b)
            || digraph_initial_of(b, a))
}

/// Initials whose skeleton is not the start of the skeleton of the names they stand for, as
/// (initial, the names' first letters), all skeletons: a digraph's first letter. In Latin, Y.
/// for Ye- (Yerlan, Ерлан: erlan), Z. for Zh- (Zhanna, Жанна: janna), K. for Kh- (Khabib,
/// Хабиб: xabib), C. (k) for Ch- (Chingiz, Чингиз: chiniz); in either script, Д. or D. for
/// Дж- or Dzh- (Джанибек, Dzhanibek: janibek, as skeletons read Дж as Ж; tanu-fs-11). Each also
/// stands for names that start with its own letter, so these only add agreement.
pub const DIGRAPH_INITIALS: [(&[u8], &[u8]); 5] = [
    (b"i", b"e"),
    (b"z", b"j"),
    (b"k", b"x"),
    (b"k", b"ch"),
    (b"d", b"j"),
];

/// Whether the skeleton `initial` is a one-letter initial of `DIGRAPH_INITIALS` that the name
/// `name` (a skeleton) can stand behind.
#[inline]
pub fn digraph_initial_of(initial: &[u8], name: &[u8]) -> bool {
    DIGRAPH_INITIALS
        .iter()
        .any(|(i, first)| *i == initial && name.starts_with(first))
}

/// Letters the shorter given name must have for `given_part_of` (Әлі of Әлі-Сұлтан; the
/// initials of `INITIAL_MAX_LETTERS` are another rule).
pub const GIVEN_PART_MIN_LETTERS: usize = 3;

/// Whether the shorter of two given-name skeletons begins or ends the longer, both it and the
/// rest having at least `GIVEN_PART_MIN_LETTERS` letters: Мария in Анна-Мария (annamariia), Әлі
/// in Әлі-Сұлтан. A double given name of which the other side gives one part is never ruled out
/// as another name; it compares `close` when the longer is written in parts
/// (`written_in_parts`).
#[inline]
pub fn given_part_of(a: &[u8], b: &[u8]) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    // The first and last letters first: most pairs differ there, without a `memcmp` call.
    short.len() >= GIVEN_PART_MIN_LETTERS
        && long.len() >= short.len() + GIVEN_PART_MIN_LETTERS
        && ((long[0] == short[0] && long.starts_with(short))
            || (long[long.len() - 1] == short[short.len() - 1] && long.ends_with(short)))
}

/// The parts of a given name as written, split by hyphens and spaces, each with a letter
/// (Анна-Мария → Анна, Мария).
pub fn written_parts(written: &str) -> impl Iterator<Item = &str> {
    written
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|p| p.chars().any(char::is_alphabetic))
}

/// Whether a given name as written has two parts or more (`written_parts`: Анна-Мария, Әлі
/// Сұлтан).
pub fn written_in_parts(written: &str) -> bool {
    written_parts(written).nth(1).is_some()
}

/// Compare given names: an initial on either side (old records write "Жумабаев Е.Н.") says
/// nothing when the other name starts with it (`missing`), and differs otherwise; other names,
/// and two equal spellings however short (Ли and Ли), by `part_level`.
#[inline]
pub fn given_level(q_skel: &str, q_phon: &str, c_skel: &str, c_phon: &str) -> u8 {
    if !q_skel.is_empty()
        && !c_skel.is_empty()
        && q_skel != c_skel
        && q_skel.len().min(c_skel.len()) <= INITIAL_MAX_LETTERS
    {
        return if initial_agrees(q_skel.as_bytes(), c_skel.as_bytes()) {
            level::part::MISSING
        } else {
            level::part::DIFFERENT
        };
    }
    part_level(q_skel, q_phon, c_skel, c_phon)
}

/// Compare given names or patronymic roots.
#[inline]
pub fn part_level(q_skel: &str, q_phon: &str, c_skel: &str, c_phon: &str) -> u8 {
    if q_skel.is_empty() || c_skel.is_empty() {
        level::part::MISSING
    } else if q_skel == c_skel {
        level::part::EXACT
    } else if !q_phon.is_empty() && q_phon == c_phon {
        level::part::PHONETIC
    } else if close(q_skel, c_skel) {
        level::part::CLOSE
    } else {
        level::part::DIFFERENT
    }
}

fn digits8(d: NaiveDate) -> [u8; 8] {
    let y = d.year().clamp(0, 9999) as u32;
    let (m, dd) = (d.month(), d.day());
    [
        (y / 1000) as u8,
        (y / 100 % 10) as u8,
        (y / 10 % 10) as u8,
        (y % 10) as u8,
        (m / 10) as u8,
        (m % 10) as u8,
        (dd / 10) as u8,
        (dd % 10) as u8,
    ]
}

/// Whether two full dates differ by a typo: one digit, or two adjacent digits swapped.
fn date_typo(a: NaiveDate, b: NaiveDate) -> bool {
    let (x, y) = (digits8(a), digits8(b));
    let diff: [usize; 8] = std::array::from_fn(|i| usize::from(x[i] != y[i]));
    let n: usize = diff.iter().sum();
    if n == 1 {
        return true;
    }
    if n == 2
        && let Some(i) = (0..7).find(|&i| diff[i] == 1 && diff[i + 1] == 1)
    {
        return x[i] == y[i + 1] && x[i + 1] == y[i];
    }
    false
}

/// Whether two full dates fall on one day of the year, one year apart: a wrong year. A one-digit
/// typo covers that already unless the year crosses a decade (1979 ↔ 1980), which is the same
/// mistake and must not rule the record out.
fn year_apart(a: NaiveDate, b: NaiveDate) -> bool {
    a.month() == b.month() && a.day() == b.day() && (a.year() - b.year()).abs() == 1
}

/// Whether a registry record's 1 January, in the query's year, may stand for a day nobody
/// knew: old records without an IIN write it when only the year was known (people registered
/// late, repatriates, papers without a day). `scoring` then compares the year only; a record
/// with an IIN has its date from the IIN's documents. `q` is the query's full date.
pub fn january_first_of(q: NaiveDate, c: PartialDate) -> bool {
    c.year == q.year() as u16 && c.month == Some(1) && c.day == Some(1)
}

/// Compare birth dates, full or partial.
pub fn birth_level(q: Option<PartialDate>, c: Option<PartialDate>) -> u8 {
    let (Some(q), Some(c)) = (q, c) else {
        return level::birth::MISSING;
    };
    if let (Some(qf), Some(cf)) = (q.full(), c.full()) {
        if qf == cf {
            return level::birth::EXACT;
        }
        if q.year == c.year && q.month == c.day && q.day == c.month {
            return level::birth::SWAP;
        }
        if (qf - cf).num_days().abs() == 1 {
            return level::birth::DAY_APART;
        }
        if date_typo(qf, cf) || year_apart(qf, cf) {
            return level::birth::CLOSE;
        }
        return level::birth::DIFFERENT;
    }
    if q.year != c.year {
        return level::birth::DIFFERENT;
    }
    match (q.month, c.month) {
        (Some(a), Some(b)) if a == b => level::birth::SAME_YEAR_MONTH,
        (Some(a), Some(b)) if q.day.is_some() && c.day.is_none() && Some(b) == q.day && a <= 12 => {
            level::birth::SAME_YEAR
        }
        // The other side's day↔month swap: a year-month against a full date whose day is that
        // month.
        (Some(a), Some(_)) if q.day.is_none() && c.day == Some(a) => level::birth::SAME_YEAR,
        (Some(_), Some(_)) => level::birth::DIFFERENT,
        _ => level::birth::SAME_YEAR,
    }
}

fn digits_of_key(key: u32) -> [u8; 8] {
    let mut d = [0u8; 8];
    let mut x = key;
    for slot in d.iter_mut().rev() {
        *slot = (x % 10) as u8;
        x /= 10;
    }
    d
}

/// One query birth date, prepared for many `compatible` tests against registry birth-date keys
/// (`PartialDate::to_key`, 0 unknown): the same answer as `birth_level(..) != DIFFERENT`, or
/// for a full date a registry 1 January of its year (`january_first_of`), with a set look-up for
/// a full date and integer arithmetic for a partial one.
#[derive(Debug, Clone)]
pub struct BirthProbe {
    year: u16,
    month: u8,
    day: u8,
    full: bool,
    /// For a full date: every full registry key that is not `different` (equal, day↔month swap,
    /// a day apart, one digit changed, two adjacent digits swapped, the same day a year apart), as
    /// an open-addressing set.
    near: Box<[u32; NEAR_SLOTS]>,
    /// The keys of `near` in other years than the date's own (in no order: `key_ranges`' reader
    /// sorts the ranges).
    other_years: Vec<u32>,
}

/// Slots of `BirthProbe::near`: a power of two well above the ~85 keys it holds.
const NEAR_SLOTS: usize = 256;

#[inline]
fn near_slot(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> 24) as usize
}

#[cfg(test)]
fn key_of_digits(d: &[u8; 8]) -> u32 {
    d.iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x))
}

impl BirthProbe {
    pub fn new(d: PartialDate) -> BirthProbe {
        let full = d.full();
        let (month, day) = (d.month.unwrap_or(0), d.day.unwrap_or(0));
        let mut near = Box::new([0u32; NEAR_SLOTS]);
        let mut other_years = Vec::with_capacity(64);
        if let Some(date) = full {
            let key = d.to_key();
            let digits = digits_of_key(key);
            let mut add = |k: u32| {
                if k == 0 {
                    return;
                }
                let mut slot = near_slot(k);
                while near[slot] != 0 && near[slot] != k {
                    slot = (slot + 1) % NEAR_SLOTS;
                }
                if near[slot] == 0 {
                    near[slot] = k;
                    if k / 10_000 != u32::from(d.year) {
                        other_years.push(k);
                    }
                }
            };
            add(key);
            add(d.year as u32 * 10_000 + u32::from(day) * 100 + u32::from(month));
            for other in [date.pred_opt(), date.succ_opt()].into_iter().flatten() {
                add(PartialDate::from(other).to_key());
            }
            // The same day a year before or after (`year_apart`).
            for year in [date.year() - 1, date.year() + 1] {
                if let Some(other) = NaiveDate::from_ymd_opt(year, date.month(), date.day()) {
                    add(PartialDate::from(other).to_key());
                }
            }
            // One digit changed, or two adjacent digits swapped: the key changed arithmetically.
            for i in 0..8 {
                let place = 10u32.pow(7 - i as u32);
                let base = key - u32::from(digits[i]) * place;
                for v in 0..10u32 {
                    if v != u32::from(digits[i]) {
                        add(base + v * place);
                    }
                }
                if i < 7 && digits[i] != digits[i + 1] {
                    let (hi, lo) = (u32::from(digits[i]), u32::from(digits[i + 1]));
                    add(key - hi * place - lo * (place / 10) + lo * place + hi * (place / 10));
                }
            }
        }
        BirthProbe {
            year: d.year,
            month,
            day,
            full: full.is_some(),
            near,
            other_years,
        }
    }

    /// Half-open ranges of registry birth-date keys outside which no key is `compatible` (key 0,
    /// unknown, aside): the date's whole year, and for a full date each key of another year that
    /// a typo reaches; in no particular order.
    pub fn key_ranges(&self, out: &mut Vec<(u32, u32)>) {
        let year = u32::from(self.year) * 10_000;
        out.push((year, year + 10_000));
        out.extend(self.other_years.iter().map(|&k| (k, k + 1)));
    }

    /// Whether a registry birth-date key would not make the birth date `different`.
    #[inline]
    pub fn compatible(&self, key: u32) -> bool {
        if key == 0 {
            return true;
        }
        let month = (key / 100 % 100) as u8;
        let day = (key % 100) as u8;
        if self.full && month != 0 && day != 0 {
            let mut slot = near_slot(key);
            loop {
                match self.near[slot] {
                    0 => break,
                    k if k == key => return true,
                    _ => slot = (slot + 1) % NEAR_SLOTS,
                }
            }
            // A registry 1 January in the query's year, which `january_first_of` may let through
            // when the record has no IIN (the key does not say; scoring decides).
            return (key / 10_000) as u16 == self.year && key % 10_000 == 101;
        }
        if (key / 10_000) as u16 != self.year {
            return false;
        }
        match (self.month, month) {
            (0, _) | (_, 0) => true,
            (a, b) if a == b => true,
            (a, b) => {
                (self.day != 0 && day == 0 && b == self.day && a <= 12)
                    || (self.day == 0 && day == a)
            }
        }
    }
}

/// The IIN digits of one side, as far as they are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IinSide {
    pub digits: [u8; 12],
    /// Passes every check.
    pub valid: bool,
    /// Valid and consistent with the person's own stated birth date and sex (registry side), or
    /// valid and not contradicting the query's own birth date beyond a typo (query side).
    pub trusted: bool,
}

/// Split a 12-digit number into digits.
pub fn digits_of(n: u64) -> [u8; 12] {
    let mut d = [0u8; 12];
    let mut x = n;
    for slot in d.iter_mut().rev() {
        *slot = (x % 10) as u8;
        x /= 10;
    }
    d
}

/// Compare IINs.
pub fn iin_level(q: Option<&IinSide>, c: Option<&IinSide>) -> u8 {
    let (Some(q), Some(c)) = (q, c) else {
        return level::iin::MISSING;
    };
    if q.digits == c.digits {
        return level::iin::EXACT;
    }
    let mut diff = [0usize; 2];
    let mut n = 0;
    for i in 0..12 {
        if q.digits[i] != c.digits[i] {
            if n < 2 {
                diff[n] = i;
            }
            n += 1;
        }
    }
    let one_edit = n == 1
        || (n == 2
            && diff[1] == diff[0] + 1
            && q.digits[diff[0]] == c.digits[diff[1]]
            && q.digits[diff[1]] == c.digits[diff[0]]);
    if one_edit {
        level::iin::ONE_EDIT
    } else if q.trusted && c.trusted {
        level::iin::DIFFERENT
    } else {
        level::iin::DIFFERENT_UNVERIFIED
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pd(s: &str) -> Option<PartialDate> {
        Some(PartialDate::parse(s).unwrap())
    }

    #[test]
    fn a_dropped_ending_is_not_a_sisters_surname() {
        let level_of = |a: &str, b: &str| {
            let (a, b) = (skeleton(a), skeleton(b));
            let (sa, sb) = (surname_stem(&a), surname_stem(&b));
            let (pa, pb) = (
                tanu_index::name::phonetic_key(&sa),
                tanu_index::name::phonetic_key(&sb),
            );
            surname_level(&a, &sa, &pa, &b, &sb, &pb)
        };
        for (a, b) in [
            ("Жұмабай", "Жумабаев"),
            ("Жұмабай", "Жумабаева"),
            ("Нұрланұлы", "Нурланов"),
            ("Байтұрсын", "Байтұрсынов"),
        ] {
            assert_eq!(level_of(a, b), level::surname::ENDING, "{a} {b}");
            assert_eq!(level_of(b, a), level::surname::ENDING, "{b} {a}");
        }
        for (a, b) in [
            ("Ахметов", "Ахметова"),
            ("Сейфуллин", "Сейфуллина"),
            ("Ковальский", "Ковальская"),
        ] {
            assert_eq!(level_of(a, b), level::surname::STEM, "{a} {b}");
            assert_eq!(level_of(b, a), level::surname::STEM, "{b} {a}");
        }
        assert_eq!(level_of("Ахметов", "AKHMETOV"), level::surname::EXACT);
    }

    #[test]
    fn surname_word_agreement() {
        // Which of the first side's words agrees.
        assert_eq!(
            agreeing_surname_word("Ахметова-Сейтова", "Сейтова"),
            Some(1)
        );
        assert_eq!(
            agreeing_surname_word("Сейтова", "Ахметова (Сейтова)"),
            Some(0)
        );
        // Words too short to count leave nothing to agree, not the joined skeleton.
        assert_eq!(agreeing_surname_word("А Б", "Аб"), None);
        let surname_word_agrees = |a: &str, b: &str| agreeing_surname_word(a, b).is_some();
        assert!(surname_word_agrees("Ахметова-Сейтова", "Сейтова"));
        assert!(surname_word_agrees("Ахметова Сейтова", "Сейтов"));
        assert!(surname_word_agrees("Иванов", "ИВАНОВ АЛЕКСЕЙ"));
        assert!(surname_word_agrees("Ким-Пак", "Пак Ли"));
        assert!(surname_word_agrees("Ахметова/Сейтова", "Сейтова"));
        assert!(surname_word_agrees("Ахметова (Сейтова)", "Сейтова"));
        assert!(surname_word_agrees("Сейтова", "Ахметова,Сейтова"));
        assert!(!surname_word_agrees("O'Neil", "Neil"));
        // A short Korean surname with the patronymic written after it.
        assert!(surname_word_agrees("Ли Олегович", "Ли"));
        assert!(!surname_word_agrees("Ли Олегович", "Лим"));
        // Single words on both sides are the caller's business (skeleton and typo levels).
        assert!(!surname_word_agrees("Иванов", "Иванов"));
        assert!(!surname_word_agrees("Ахметова-Сейтова", "Жумабаева"));
        // Particles never agree on their own; a two-letter word only when equal.
        assert!(!surname_word_agrees("Мамедов оглы", "Алиев оглы"));
        assert!(!surname_word_agrees("Серік ұлы", "Болат ұлы"));
        assert!(surname_word_agrees("Ли Ан", "Ан"));
        assert!(!surname_word_agrees("Ли Ан", "Ю"));
        assert!(!surname_word_agrees(" - ", "-"));
    }

    #[test]
    fn digraph_initials_agree_with_the_names_their_digraphs_start() {
        let skel = tanu_index::name::skeleton;
        let agrees = |a: &str, b: &str| initial_agrees(skel(a).as_bytes(), skel(b).as_bytes());
        for (initial, name) in [
            ("Y.", "Yerlan"),
            ("Y.", "Ерлан"),
            ("Z.", "ZHUSIP"),
            ("Z.", "Жанна"),
            ("K.", "Khabib"),
            ("K.", "Хабиб"),
            ("C.", "Chingiz"),
            ("C.", "Чингиз"),
            ("Y.", "Yakov"),
            ("S.", "Shynar"),
            ("Е.", "Yerlan"),
            ("Д.", "Джанибек"),
            ("Д.", "Жанибек"),
            ("D.", "Dzhanibek"),
            ("Д.", "Дамир"),
        ] {
            assert!(
                agrees(initial, name) && agrees(name, initial),
                "{initial} {name}"
            );
        }
        for (initial, name) in [
            ("Z.", "Сергей"),
            ("Y.", "Zhanna"),
            ("K.", "Ерлан"),
            ("C.", "Шынар"),
            ("Д.", "Серік"),
        ] {
            assert!(!agrees(initial, name), "{initial} {name}");
        }
    }

    #[test]
    fn a_given_name_initial_says_nothing_when_it_agrees_and_differs_when_not() {
        use tanu_index::name::skeleton;
        let level = |a: &str, b: &str| given_level(&skeleton(a), "", &skeleton(b), "");
        for (initial, name) in [
            ("Е.", "Ерлан"),
            ("Ж", "Жанар"),
            ("Ш.", "Шынар"),
            ("Sh.", "Шынар"),
            ("Ю.", "Юлия"),
        ] {
            assert_eq!(
                level(initial, name),
                level::part::MISSING,
                "{initial} {name}"
            );
            assert_eq!(
                level(name, initial),
                level::part::MISSING,
                "{name} {initial}"
            );
            assert!(initial_agrees(
                skeleton(initial).as_bytes(),
                skeleton(name).as_bytes()
            ));
        }
        for (initial, name) in [("Е.", "Асхат"), ("Ж.", "Зарина"), ("Ш.", "Сабина")]
        {
            assert_eq!(
                level(initial, name),
                level::part::DIFFERENT,
                "{initial} {name}"
            );
        }
        // Two full names are compared as before; an empty side is missing.
        assert_eq!(level("Ерлан", "Ерлан"), level::part::EXACT);
        assert_eq!(level("Ерлан", "Асхат"), level::part::DIFFERENT);
        assert_eq!(level("", "Е."), level::part::MISSING);
        assert_eq!(level("Ли", "Ли"), level::part::EXACT);
    }

    #[test]
    fn one_part_of_a_double_given_name() {
        use tanu_index::name::skeleton;
        let part_of =
            |a: &str, b: &str| given_part_of(skeleton(a).as_bytes(), skeleton(b).as_bytes());
        assert!(part_of("Мария", "Анна-Мария"));
        assert!(part_of("Анна-Мария", "Анна"));
        assert!(part_of("Әлі", "Әлі-Сұлтан"));
        assert!(part_of("Сұлтан", "Әлісұлтан"));
        // Equal names, two-letter parts and names inside others are not parts.
        assert!(!part_of("Анна", "Анна"));
        assert!(!part_of("Ли", "Лиана"));
        assert!(!part_of("Мари", "Анна-Мария"));
        // The rest must be a name too: Ерлан is no part of Ерланы.
        assert!(!part_of("Ерлан", "Ерланы"));
        assert!(written_in_parts("Анна-Мария"));
        assert!(written_in_parts(" Әлі  Сұлтан "));
        assert!(!written_in_parts("Әлісұлтан"));
        assert!(!written_in_parts("Анна - "));
    }

    /// Every pair of strings over three letters up to five long: neither Jaro-Winkler bound
    /// rejects a pair that reaches the threshold (the bounds are multiplied out, so this pins
    /// the boundary cases the random tests may miss).
    #[test]
    fn jaro_winkler_bounds_never_reject_a_reaching_pair_exhaustively() {
        let mut words = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..5 {
            words = words
                .iter()
                .flat_map(|w| ['a', 'b', 'c'].map(|c| format!("{w}{c}")))
                .collect();
            all.extend(words.iter().cloned());
        }
        for a in &all {
            for b in &all {
                let (x, y) = (a.as_bytes(), b.as_bytes());
                let common = shared_letter_buckets(&letter_buckets(x), y);
                for t in [0.8, CLOSE_JW] {
                    if jaro_winkler(a, b) >= t {
                        assert!(jaro_winkler_may_reach(x, y, t), "{a} {b} {t}");
                        assert!(
                            one_edit_or_similar_possible(a.len(), b.len(), common, t),
                            "{a} {b} {t}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fast_case_folds_agree_with_the_unicode_tables() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(fold_case(c), fold_case_by_tables(c), "{c:?}");
        }
    }

    #[test]
    fn jaro_winkler_agrees_with_strsim() {
        for (a, b) in [
            ("martha", "marhta"),
            ("jumabaev", "jumabaeva"),
            ("erlan", "erlen"),
            ("a", "b"),
            ("asel", "asylbek"),
        ] {
            assert!(
                (jaro_winkler(a, b) - strsim::jaro_winkler(a, b)).abs() < 1e-9,
                "{a} {b}"
            );
        }
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("erlan", "erlen"));
        assert!(within_one_edit("erlan", "elran"));
        assert!(within_one_edit("erlan", "erlann"));
        assert!(within_one_edit("erlan", "rlan"));
        assert!(!within_one_edit("erlan", "arlen"));
        assert!(!within_one_edit("asel", "asylbek"));
    }

    #[test]
    fn birth_levels() {
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1987-04-12")),
            level::birth::EXACT
        );
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1987-12-04")),
            level::birth::SWAP
        );
        // A day apart, also across a month or a year (a date shifted by a time zone).
        for (a, b) in [
            ("1987-04-12", "1987-04-13"),
            ("1987-04-30", "1987-05-01"),
            ("1987-01-01", "1986-12-31"),
        ] {
            assert_eq!(
                birth_level(pd(a), pd(b)),
                level::birth::DAY_APART,
                "{a} {b}"
            );
            assert_eq!(
                birth_level(pd(b), pd(a)),
                level::birth::DAY_APART,
                "{b} {a}"
            );
        }
        // One digit changed (not a day apart), two adjacent digits swapped.
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1987-04-17")),
            level::birth::CLOSE
        );
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1978-04-12")),
            level::birth::CLOSE
        );
        // A year apart on the same day, across a decade (no one-digit typo reaches it) or not.
        assert_eq!(
            birth_level(pd("1980-04-12"), pd("1979-04-12")),
            level::birth::CLOSE
        );
        assert_eq!(
            birth_level(pd("1979-04-12"), pd("1980-04-12")),
            level::birth::CLOSE
        );
        assert_eq!(
            birth_level(pd("1980-04-12"), pd("1978-04-12")),
            level::birth::DIFFERENT
        );
        assert_eq!(
            birth_level(pd("1980-04-12"), pd("1979-04-13")),
            level::birth::DIFFERENT
        );
        // A 1 January is a date like any other here (`january_first_of` is scoring's).
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1987-01-01")),
            level::birth::DIFFERENT
        );
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1987-04")),
            level::birth::SAME_YEAR_MONTH
        );
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1987")),
            level::birth::SAME_YEAR
        );
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1988")),
            level::birth::DIFFERENT
        );
        assert_eq!(
            birth_level(pd("1987-04-12"), pd("1991-09-30")),
            level::birth::DIFFERENT
        );
        assert_eq!(birth_level(None, pd("1991-09-30")), level::birth::MISSING);
    }

    /// What `BirthProbe::compatible` must answer for a registry date `c`.
    fn screen_passes(q: PartialDate, c: PartialDate) -> bool {
        birth_level(Some(q), Some(c)) != level::birth::DIFFERENT
            || q.full().is_some_and(|qf| january_first_of(qf, c))
    }

    #[test]
    fn a_registry_first_of_january_passes_the_screen_in_the_query_year_only() {
        let probe = BirthProbe::new(pd("1987-04-12").unwrap());
        assert!(probe.compatible(pd("1987-01-01").unwrap().to_key()));
        assert!(!probe.compatible(pd("1986-01-01").unwrap().to_key()));
        assert!(!probe.compatible(pd("1987-01-02").unwrap().to_key()));
        // A partial query date tells no day to set against it.
        let partial = BirthProbe::new(pd("1987-04").unwrap());
        assert!(!partial.compatible(pd("1987-01-01").unwrap().to_key()));
        for (q, c) in [("1987-04-12", "1987-01-01"), ("1987-04", "1987-01-01")] {
            let (q, c) = (pd(q).unwrap(), pd(c).unwrap());
            assert_eq!(
                BirthProbe::new(q).compatible(c.to_key()),
                screen_passes(q, c)
            );
        }
    }

    #[test]
    fn iin_levels() {
        let side = |s: &str, trusted: bool| IinSide {
            digits: digits_of(s.parse().unwrap()),
            valid: trusted,
            trusted,
        };
        let a = side("870412300129", true);
        assert_eq!(iin_level(Some(&a), Some(&a)), level::iin::EXACT);
        assert_eq!(
            iin_level(Some(&a), Some(&side("870412300139", false))),
            level::iin::ONE_EDIT
        );
        assert_eq!(
            iin_level(Some(&a), Some(&side("870412301029", false))),
            level::iin::ONE_EDIT
        );
        assert_eq!(
            iin_level(Some(&a), Some(&side("870412355555", true))),
            level::iin::DIFFERENT
        );
        assert_eq!(
            iin_level(Some(&a), Some(&side("870412355555", false))),
            level::iin::DIFFERENT_UNVERIFIED
        );
        assert_eq!(iin_level(Some(&a), None), level::iin::MISSING);
    }

    #[test]
    fn is_letter_is_is_alphabetic() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            assert_eq!(
                is_letter(c),
                c.is_alphabetic(),
                "{c:?} U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn written_within_two_edits_counts_letters_as_written() {
        // One typo on each side: two edits as written, three between skeletons (ч → ch).
        assert!(written_within_two_edits("Ахмчт", "Аэхмет", 4));
        assert!(written_within_two_edits("АХМЕТ", "ахмет", 4));
        assert!(written_within_two_edits("Асан", "Үсен", 4));
        assert!(!written_within_two_edits("Асан", "Ерлан", 4));
        assert!(!written_within_two_edits("Али", "Аль", 4), "too short");
    }

    proptest! {
        /// Agrees with strsim's optimal string alignment on the folded letters.
        #[test]
        fn written_within_two_edits_is_osa_at_most_two(a in "[абвгдеә]{4,9}", b in "[абвгдеә]{4,9}") {
            let fold = |s: &str| -> String { s.chars().map(fold_case).collect() };
            let want = strsim::osa_distance(&fold(&a), &fold(&b)) <= 2;
            prop_assert_eq!(written_within_two_edits(&a, &b, 4), want);
        }
    }

    #[test]
    fn written_one_edit_sees_typos_that_transliteration_doubles() {
        assert_eq!(written_one_edit("Мусаев", "Мцсаев"), Some(6));
        assert_eq!(written_one_edit("НИЯЗОВ", "Нияюов"), Some(6));
        assert_eq!(written_one_edit("Ким", "Кимм"), Some(3));
        assert_eq!(written_one_edit("Мусаев", "Ахметов"), None);
        assert_eq!(written_one_edit("ab", "ba"), Some(2));
        // A Kazakh letter and its Russian stand-in are one letter.
        assert_eq!(written_one_edit("Бақыотв", "Бакытов"), Some(7));
        assert_eq!(written_one_edit("Әлиев", "Алиевв"), Some(5));
    }

    proptest! {
        /// The first/last-letter shortcut never changes the answer of the plain comparison.
        #[test]
        fn written_one_edit_is_one_edit_over_folded_letters(
            a in "[абвгеАБВГЕabAÄäЁёқҚк -]{0,7}", b in "[абвгеАБВГЕabAÄäЁёқҚк -]{0,7}",
        ) {
            let letters = |s: &str| -> Vec<char> {
                s.chars().filter(|c| c.is_alphabetic()).map(fold_case).collect()
            };
            let (x, y) = (letters(&a), letters(&b));
            let expected = one_edit_slices(&x, &y).then_some(x.len().min(y.len()));
            prop_assert_eq!(written_one_edit(&a, &b), expected);
        }

        #[test]
        fn birth_probe_agrees_with_birth_level(
            a in 0i32..40_000, b_off in -400i32..400, drop_a in 0u8..3, drop_b in 0u8..3, swap in any::<bool>(),
        ) {
            let partial = |days: i32, drop: u8| {
                let mut p = PartialDate::from(tanu_index::date::from_days(days).unwrap());
                if drop >= 1 { p.day = None; }
                if drop >= 2 { p.month = None; }
                p
            };
            let q = partial(a, drop_a);
            let mut c = partial(a + b_off, drop_b);
            if swap && c.day.is_some_and(|d| d <= 12) && c.full().is_some() {
                let s = PartialDate { year: c.year, month: c.day, day: c.month };
                if s.full().is_some() { c = s; }
            }
            prop_assert_eq!(BirthProbe::new(q).compatible(c.to_key()), screen_passes(q, c), "{} vs {}", q, c);
        }

        #[test]
        fn birth_probe_agrees_on_digit_typos(a in 0i32..40_000, pos in 0usize..8, v in 0u8..10, swap in any::<bool>()) {
            let q = PartialDate::from(tanu_index::date::from_days(a).unwrap());
            let mut d = digits_of_key(q.to_key());
            if swap && pos < 7 { d.swap(pos, pos + 1); } else { d[pos] = v; }
            let key = key_of_digits(&d);
            let c = PartialDate {
                year: (key / 10_000) as u16,
                month: Some((key / 100 % 100) as u8),
                day: Some((key % 100) as u8),
            };
            if c.full().is_some() {
                prop_assert_eq!(BirthProbe::new(q).compatible(key), screen_passes(q, c), "{} vs {}", q, c);
            }
        }

        #[test]
        fn letter_bound_never_rejects_a_compatible_pair(a in "[a-f]{0,10}", b in "[a-f]{0,10}") {
            let mask = |s: &str| s.bytes().fold(0u32, |m, x| m | 1 << (x % 32));
            let bound = shared_letters_bound(mask(&a), a.len(), mask(&b), b.len());
            prop_assert!(bound >= shared_letters(a.as_bytes(), b.as_bytes(), &mut [0u16; 128]));
            if within_one_edit(&a, &b) || jaro_winkler(&a, &b) >= 0.8 {
                prop_assert!(one_edit_or_similar_possible(a.len(), b.len(), bound, 0.8), "{a} {b}");
            }
        }

        #[test]
        fn quick_reject_never_rejects_a_similar_pair_of_any_bytes(
            a in "[a-zA-Z0-9 '?-]{1,12}",
            b in "[a-zA-Z0-9 '?-]{1,12}",
        ) {
            for t in [0.8, CLOSE_JW] {
                if jaro_winkler(&a, &b) >= t {
                    prop_assert!(jaro_winkler_may_reach(a.as_bytes(), b.as_bytes(), t), "{a} {b}");
                }
            }
        }

        #[test]
        fn quick_reject_never_rejects_a_close_pair(a in "[a-e]{1,9}", b in "[a-e]{1,9}") {
            if jaro_winkler(&a, &b) >= CLOSE_JW {
                prop_assert!(jaro_winkler_may_reach(a.as_bytes(), b.as_bytes(), CLOSE_JW));
            }
            if jaro_winkler(&a, &b) >= 0.8 {
                prop_assert!(jaro_winkler_may_reach(a.as_bytes(), b.as_bytes(), 0.8));
            }
        }

        #[test]
        fn jaro_winkler_matches_strsim_everywhere(a in "[a-z]{0,20}", b in "[a-z]{0,20}") {
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-9);
        }

        #[test]
        fn jaro_winkler_of_other_ascii_matches_strsim(
            a in "[a-cA-C0-9 _-]{0,20}",
            b in "[a-cA-C0-9 _-]{0,20}",
        ) {
            prop_assert!((jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-9);
        }

        #[test]
        fn one_edit_is_symmetric(a in "[a-c]{0,6}", b in "[a-c]{0,6}") {
            prop_assert_eq!(within_one_edit(&a, &b), within_one_edit(&b, &a));
            if within_one_edit(&a, &b) {
                prop_assert!(strsim::osa_distance(&a, &b) <= 1);
            } else {
                prop_assert!(strsim::osa_distance(&a, &b) > 1);
            }
        }
    }
}
