//! Blocking keys: the hashed name keys and term hashes that the index's key tables are sorted by.
//! The builder and the query side must compute them with the very same functions, so they live
//! here, once. It must never look anything up.

use crate::name::{NormalizedName, patronymic_root, phonetic_key, surname_stem};
use xxhash_rust::xxh3::xxh3_64;

/// A hashed name key (see `name_keys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameKey(pub u64);

/// Hash of one normalised term (surname stem, given-name skeleton) for the frequency tables.
pub fn term_hash(term: &str) -> u64 {
    xxh3_64(term.as_bytes())
}

/// Which two name parts a `name_pair_hash` joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePair {
    /// Surname stem and given-name skeleton.
    SurnameGiven,
    /// Given-name skeleton and patronymic root.
    GivenPatronymic,
}

/// Hash of two normalised name parts taken together, for the name-pair frequency table: names
/// are not independent (a Russian given name goes with a Russian surname and patronymic), so
/// the registry counts the pairs too. Order matters; the kinds never share a hash.
pub fn name_pair_hash(kind: NamePair, first: &str, second: &str) -> u64 {
    let tag = match kind {
        NamePair::SurnameGiven => 0x5347u64,
        NamePair::GivenPatronymic => 0x4750u64,
    };
    let mut buf = [0u8; 24];
    buf[..8].copy_from_slice(&tag.to_le_bytes());
    buf[8..16].copy_from_slice(&term_hash(first).to_le_bytes());
    buf[16..].copy_from_slice(&term_hash(second).to_le_bytes());
    xxh3_64(&buf)
}

/// The deletion-neighbourhood keys of a term: the hash of the term and of every string made by
/// deleting one character (deduplicated). Terms one edit apart share at least one key.
pub fn deletion_keys(term: &str, out: &mut Vec<u64>) {
    out.clear();
    let bytes = term.as_bytes();
    out.push(own_deletion_key(term));
    let mut buf = Vec::with_capacity(bytes.len());
    for (i, _) in term.char_indices() {
        let next = term[i..].chars().next().map_or(0, char::len_utf8);
        buf.clear();
        buf.extend_from_slice(&bytes[..i]);
        buf.extend_from_slice(&bytes[i + next..]);
        out.push(xxh3_64(&buf) ^ DELETION_SALT);
    }
    out.sort_unstable();
    out.dedup();
}

/// The deletion-table key of a term itself (the first of `deletion_keys` before sorting).
pub fn own_deletion_key(term: &str) -> u64 {
    xxh3_64(term.as_bytes()) ^ DELETION_SALT
}

/// Whether two strings are at most one edit apart: one substitution, insertion, deletion or
/// adjacent transposition (by bytes for ASCII skeletons, by characters otherwise).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit_slices(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit_slices(&a, &b)
}

/// `within_one_edit` of two UTF-8 byte strings (false when either is not UTF-8), without
/// validating ASCII ones.
pub fn within_one_edit_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a == b || one_edit_slices(a, b);
    }
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(a), Ok(b)) => within_one_edit(a, b),
        _ => false,
    }
}

/// Whether two strings differ only in one window of at most two letters on each side (after
/// their common beginning and end): two adjacent edits at most, the trace a one-letter typo in
/// a Cyrillic letter that transliterates to two leaves in a skeleton (Асцат / Асхат: "ts" for
/// "x"; Зайцев / Зайев: "ts" dropped). Unlike two edits anywhere (Асхат / Асқар, Дәурен /
/// Дәулет), this rarely joins two different names. By bytes; allocates nothing.
pub fn within_one_window(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    let (a, b) = (a.as_ref(), b.as_ref());
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a[p..]
        .iter()
        .rev()
        .zip(b[p..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a.len() - p - s <= 2 && b.len() - p - s <= 2
}

/// `within_one_edit` over any slices (letters, bytes).
pub fn one_edit_slices<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        if p == short.len() {
            return true;
        }
        short[p + 1..] == long[p + 1..]
            || (p + 1 < short.len()
                && short[p] == long[p + 1]
                && short[p + 1] == long[p]
                && short[p + 2..] == long[p + 2..])
    } else {
        short[p..] == long[p + 1..]
    }
}

/// Keeps deletion keys apart from term hashes.
const DELETION_SALT: u64 = 0x7461_6e75_6465_6c31;

const TAG_NAMES: u8 = 1;
/// Keeps block hashes apart from term hashes.
const BLOCK_SALT: u64 = 0x7461_6e75_626c_6b31;

/// The blocking form of one name part: the phonetic key of its patronymic root when it is a
/// patronymic used as a surname ("Нұрланұлы"), else of its surname stem. Empty when no letters.
pub fn block_component(skel: &str) -> String {
    if skel.is_empty() {
        return String::new();
    }
    match patronymic_root(skel) {
        Some(root) => phonetic_key(&root),
        None => phonetic_key(&surname_stem(skel)),
    }
}

/// The blocking pairs of one normalised name, as block components: {surname, given},
/// {patronymic root, given} (a father's name can take the surname's place, and a married woman
/// keeps her patronymic) and {surname, patronymic root} (for a mistyped given name). A surname
/// equal to the given name is a pair too: Нұрланов Нұрлан has no other pair without a
/// patronymic. The other two pairs need two different sides: a patronymic equal to the given
/// name or the surname (Нурлан Нурланович, Нурланов … Нурланович) is common, and such a pair
/// would make one block of tens of thousands at 3 million persons for no name that needs it.
/// A surname written as several words (`NormalizedName::surname_words`: Ахметова-Сейтова,
/// Ахметова (Сейтова)) also pairs each word with the given name and the patronymic, as a
/// surname of its own, so either name alone finds the person whatever the birth date says.
pub fn name_components(name: &NormalizedName) -> Vec<(String, String)> {
    let given = block_component(&name.given);
    let patronymic = name
        .patronymic_root
        .as_deref()
        .map(phonetic_key)
        .unwrap_or_default();
    let mut out: Vec<(String, String)> = Vec::with_capacity(3);
    let mut push = |a: &String, b: &String, may_repeat: bool| {
        if !a.is_empty() && !b.is_empty() && (may_repeat || a != b) {
            let pair = (a.clone(), b.clone());
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
    };
    let surname = block_component(&name.surname);
    push(&surname, &given, true);
    push(&patronymic, &given, false);
    push(&surname, &patronymic, false);
    for word in &name.surname_words {
        let word = block_component(word);
        push(&word, &given, true);
        push(&word, &patronymic, false);
    }
    out
}

/// The name keys of one normalised name: one per blocking pair (see `name_components`).
/// Registry names and query names use this same function.
pub fn name_keys(name: &NormalizedName, out: &mut Vec<NameKey>) {
    for (first, given) in name_components(name) {
        out.push(pair_key(&first, &given));
    }
}

/// The hash of one blocking component, the unit `pair_key_of_hashes` combines: the index stores
/// fuzzy neighbours as these hashes so a query never rehashes their strings.
pub fn block_hash(block: &str) -> u64 {
    xxh3_64(block.as_bytes()) ^ BLOCK_SALT
}

/// The key of every person with this blocking pair (order-free).
pub fn pair_key(a: &str, b: &str) -> NameKey {
    pair_key_of_hashes(block_hash(a), block_hash(b))
}

/// `pair_key` from the two components' `block_hash` values (order-free).
pub fn pair_key_of_hashes(a: u64, b: u64) -> NameKey {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    let mut buf = [0u8; 17];
    buf[0] = TAG_NAMES;
    buf[1..9].copy_from_slice(&x.to_le_bytes());
    buf[9..].copy_from_slice(&y.to_le_bytes());
    NameKey(xxh3_64(&buf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::normalize_name;

    fn keys(s: &str, g: &str, p: Option<&str>, _year: Option<u16>) -> Vec<NameKey> {
        let mut out = Vec::new();
        name_keys(&normalize_name(s, g, p), &mut out);
        out
    }

    #[test]
    fn one_edit_by_bytes_agrees_with_one_edit_by_text() {
        for (a, b) in [
            ("erlan", "erlen"),
            ("erlan", "erlan"),
            ("erlan", "nurlan"),
            ("Әсел", "Асел"),
            ("Әсел", "Әсем"),
            ("ab", "ba"),
            ("", "a"),
        ] {
            assert_eq!(
                within_one_edit_bytes(a.as_bytes(), b.as_bytes()),
                within_one_edit(a, b),
                "{a} {b}"
            );
        }
        // Not UTF-8: never one edit.
        assert!(!within_one_edit_bytes(&[0xD3, 0x99, 0xFF], "ә".as_bytes()));
    }

    #[test]
    fn swapped_order_and_spellings_share_a_key() {
        let a = keys("Жұмабаев", "Ерлан", Some("Нұрланұлы"), Some(1987));
        let b = keys("ERLAN", "ZHUMABAYEV", None, Some(1987));
        let c = keys("Жумабаева", "Ерлан", None, None);
        assert!(a.iter().any(|k| b.contains(k)));
        assert!(a.iter().any(|k| c.contains(k)));
    }

    #[test]
    fn each_word_of_a_surname_written_as_several_is_a_key_of_its_own() {
        let double = keys("Ахметова-Сейтова", "Айгерім", Some("Маратқызы"), None);
        let brackets = keys("Ахметова (Сейтова)", "Айгерім", None, None);
        for surname in ["Ахметова", "Сейтова"] {
            let alone = keys(surname, "Айгерім", Some("Маратқызы"), None);
            // {surname, given name} and {surname, patronymic} of either word.
            assert!(double.contains(&alone[0]), "{surname}");
            assert!(double.contains(&alone[2]), "{surname}");
            assert!(brackets.contains(&alone[0]), "{surname}");
        }
        // The joined form keeps its own keys; a single word gets no more than before.
        assert_eq!(
            double[..3],
            keys("АхметоваСейтова", "Айгерім", Some("Маратқызы"), None)[..]
        );
        assert_eq!(keys("Ахметова", "Айгерім", None, None).len(), 1);
        // A patronymic particle is no word of its own.
        assert_eq!(
            keys("Нұрлан ұлы", "Ерлан", None, None),
            keys("Нұрланұлы", "Ерлан", None, None)
        );
    }

    proptest::proptest! {
        #[test]
        fn one_window_is_a_window_replaced_and_at_most_two_edits(
            a in "[a-e]{0,8}", b in "[a-e]{0,8}", at in 0usize..8, cut in 0usize..3, put in "[a-e]{0,2}",
        ) {
            if within_one_window(&a, &b) {
                proptest::prop_assert!(strsim::osa_distance(&a, &b) <= 2);
            }
            let at = at.min(a.len());
            let end = (at + cut).min(a.len());
            let typo = format!("{}{}{}", &a[..at], put, &a[end..]);
            proptest::prop_assert!(within_one_window(&a, &typo));
        }
    }

    #[test]
    fn one_window_is_a_transliterated_letter_typo() {
        assert!(within_one_window("astsat", "asxat")); // Асцат / Асхат
        assert!(within_one_window("zaitsev", "zaiev")); // Зайцев / Зайев
        assert!(!within_one_window("asxat", "asqar")); // Асхат / Асқар
        assert!(!within_one_window("dauren", "daulet")); // Дәурен / Дәулет
    }

    #[test]
    fn a_surname_made_from_the_given_name_still_has_keys() {
        let a = keys("Нұрланов", "Нұрлан", None, None);
        assert!(!a.is_empty());
        assert!(
            a.iter()
                .any(|k| keys("Нурланов", "Нурлан", None, None).contains(k))
        );
        let b = keys("Нұрланов", "Нұрлан", Some("Нұрланұлы"), None);
        assert_eq!(b.len(), 1, "one pair however many parts repeat it");
        assert!(a.iter().any(|k| b.contains(k)));
        // A patronymic repeating the given name makes no pair of its own.
        let c = keys("Сарсенов", "Нурлан", Some("Нурланулы"), None);
        assert!(!c.iter().any(|k| a.contains(k)));
    }

    #[test]
    fn patronymic_as_surname_meets_the_patronymic() {
        let a = keys("Жұмабаев", "Ерлан", Some("Нурланович"), None);
        let b = keys("Нұрланұлы", "Ерлан", None, None);
        assert!(a.iter().any(|k| b.contains(k)));
    }

    #[test]
    fn different_names_do_not_share_keys() {
        let a = keys("Жұмабаев", "Ерлан", None, Some(1987));
        let b = keys("Жұмабаев", "Асель", None, Some(1987));
        assert!(!a.iter().any(|k| b.contains(k)));
    }

    #[test]
    fn one_edit_apart_terms_share_a_deletion_key() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y) in [
            ("erlan", "erlen"),
            ("erlan", "elran"),
            ("erlan", "erlann"),
            ("aigul", "aigl"),
        ] {
            deletion_keys(x, &mut a);
            deletion_keys(y, &mut b);
            assert!(a.iter().any(|k| b.contains(k)), "{x} {y}");
        }
        deletion_keys("erlan", &mut a);
        deletion_keys("marat", &mut b);
        assert!(!a.iter().any(|k| b.contains(k)));
    }
}
