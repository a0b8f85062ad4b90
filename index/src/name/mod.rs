//! Person-name normalisation: Kazakh, Russian and Latin spellings of one name → one comparable form
//! (skeletons, surname stems, patronymic roots, phonetic keys) and the part-level "could be the
//! same name" relation. It must never panic on any input, never swap or drop fields on its own,
//! and never decide whether two persons match (that is the scorer's job).

mod keys;
mod script;
#[cfg(test)]
mod tests;

pub use keys::{
    is_particle, patronymic_root, patronymic_sex, phonetic_key, surname_ending_sex, surname_stem,
};
pub use script::skeleton;

use keys::{PatronymicKind, canon_root, patronymic_split};

/// A full name split into its fields, as raw text (best effort).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitName {
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
}

/// The normalised form of a person's name as stored in the index and used by the scorer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormalizedName {
    /// Skeleton of the surname (compound surname parts joined).
    pub surname: String,
    /// `surname_stem(surname)`.
    pub surname_stem: String,
    /// Skeleton of the given name (compound given names joined: Әлі-Сұлтан → one word).
    pub given: String,
    /// From the patronymic field, in any form (joined, separate "Серік ұлы", Russian).
    pub patronymic_root: Option<String>,
    /// `surname_words` of the surname as written: the skeletons of its words when the field
    /// holds several (a double surname, a maiden name in brackets), empty when it holds one.
    pub surname_words: Vec<String>,
}

/// `char::is_alphabetic`, with Latin and all Cyrillic letters answered without a table.
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else if ('\u{0400}'..='\u{052F}').contains(&c) {
        // Cyrillic and Cyrillic Supplement (Kazakh ә ғ қ ң ө ұ ү һ і): letters but for the
        // thousands sign and the combining marks U+0482–U+0489.
        !('\u{0482}'..='\u{0489}').contains(&c)
    } else {
        c.is_alphabetic()
    }
}

/// Whether a character separates the words of a surname field: anything but a letter or an
/// apostrophe (the 2018 Kazakh Latin alphabet wrote letters with apostrophes: O'Neil is one word).
fn separates_surname_words(c: char) -> bool {
    !is_letter(c) && !matches!(c, '\'' | '’' | 'ʼ' | '`')
}

/// Whether a surname field is written as several words (`surname_words`): a separator with a
/// letter or apostrophe on each side somewhere. One pass, no allocation.
pub fn in_several_words(surname: &str) -> bool {
    let (mut seen_word, mut gap) = (false, false);
    for c in surname.chars() {
        if separates_surname_words(c) {
            gap = seen_word;
        } else if gap {
            return true;
        } else {
            seen_word = true;
        }
    }
    false
}

/// The skeletons of the words of a surname field written as several words: a double surname
/// ("Ахметова-Сейтова", "Ахметова Сейтова", "Ахметова/Сейтова"), a maiden name in brackets
/// ("Ахметова (Сейтова)"), a given name typed into the surname field. Words of fewer than two
/// letters and patronymic particles ("оглы", "ұлы") are left out. Empty when the field is one
/// word (the skeleton of the whole field is then the surname); never panics.
pub fn surname_words(surname: &str) -> Vec<String> {
    if !in_several_words(surname) {
        return Vec::new();
    }
    let mut words: Vec<String> = Vec::new();
    for w in surname.split(separates_surname_words).map(skeleton) {
        if w.len() >= 2 && !is_particle(&w) && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

fn is_word_separator(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';'
}

/// Words of a name field, with a separate "ұлы / қызы / uly / kyzy ..." joined to the word
/// before it ("Серік ұлы" → "Серікұлы").
fn words_joined(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text.split(is_word_separator).filter(|w| !w.is_empty()) {
        if let Some(prev) = words.last_mut()
            && is_particle(&skeleton(w))
        {
            prev.push_str(w);
        } else {
            words.push(w.to_string());
        }
    }
    words
}

/// Index of the word that is a patronymic: Turkic forms anywhere, Russian forms not first (a
/// first word like "Петрович" or "Бабич" is a surname). The last candidate wins.
fn find_patronymic(skels: &[String]) -> Option<(usize, String)> {
    if skels.len() < 2 {
        return None;
    }
    skels.iter().enumerate().rev().find_map(|(i, s)| {
        let (root, kind) = patronymic_split(s)?;
        (kind == PatronymicKind::Turkic || i > 0).then_some((i, root))
    })
}

/// See the module docs; splits "Жұмабаев Ерлан Нұрланұлы", "ZHUMABAYEV YERLAN", "Нұрланұлы Ерлан",
/// "Ерлан Серік ұлы" into fields. With a recognised patronymic and one other word, that word is
/// the given name; with no recognised patronymic and three or more words, the rest after the
/// given name is taken as the patronymic (Russian order).
pub fn split_full_name(full: &str) -> SplitName {
    let mut words = words_joined(full);
    let skels: Vec<String> = words.iter().map(|w| skeleton(w)).collect();
    let mut out = SplitName::default();
    if let Some((i, _)) = find_patronymic(&skels) {
        out.patronymic = Some(words.remove(i));
        match words.len() {
            0 => {}
            1 => out.given_name = words.remove(0),
            _ => {
                out.surname = words.remove(0);
                out.given_name = words.join(" ");
            }
        }
        return out;
    }
    let mut it = words.into_iter();
    out.surname = it.next().unwrap_or_default();
    out.given_name = it.next().unwrap_or_default();
    let rest: Vec<String> = it.collect();
    if !rest.is_empty() {
        out.patronymic = Some(rest.join(" "));
    }
    out
}

/// Root of whatever the patronymic field holds: a patronymic in any form, or a bare father's name.
fn patronymic_field_root(field: &str) -> Option<String> {
    let skel = skeleton(field);
    if skel.is_empty() || is_particle(&skel) {
        return None;
    }
    patronymic_root(&skel).or_else(|| Some(canon_root(&skel)))
}

/// The two letters of a given-name field that holds two initials, the given name's and the
/// father's ("Е.Н.", "Е. Н.", "E N"): two one-letter words apart by a dot or a space. Two
/// letters written together ("Ян") are a name.
fn two_initials(given: &str) -> Option<(char, char)> {
    let mut letters = given.char_indices().filter(|&(_, c)| is_letter(c));
    let ((i, first), (j, second)) = (letters.next()?, letters.next()?);
    if letters.next().is_some()
        || !given
            .chars()
            .all(|c| is_letter(c) || c == '.' || c.is_whitespace())
    {
        return None;
    }
    let apart = given[i + first.len_utf8()..j].contains(|c: char| c == '.' || c.is_whitespace());
    apart.then_some((first, second))
}

/// Given-name skeleton, and the root of a patronymic typed into the given-name field after the
/// name ("Ерлан Нурланович", "Ерлан Серік ұлы") or as the second of two initials ("Е.Н.": the
/// given name Е., the patronymic Н.).
fn given_and_patronymic(given: &str) -> (String, Option<String>) {
    if let Some((g, p)) = two_initials(given) {
        return (
            skeleton(&g.to_string()),
            patronymic_field_root(&p.to_string()),
        );
    }
    if !given.contains(is_word_separator) {
        return (skeleton(given), None);
    }
    let words = words_joined(given);
    let skels: Vec<String> = words.iter().map(|w| skeleton(w)).collect();
    match find_patronymic(&skels) {
        Some((i, root)) if i > 0 => {
            let mut g = String::new();
            for (j, s) in skels.iter().enumerate() {
                if j != i {
                    g.push_str(s);
                }
            }
            (g, Some(root))
        }
        _ => (skels.concat(), None),
    }
}

/// Normalise the three fields as entered. Handles: patronymic written separately ("Серік ұлы");
/// a patronymic found in the given-name field ("Ерлан Нурланович", or the second of two initials
/// "Е.Н.") when the patronymic field is empty; empty/whitespace fields. Does NOT swap
/// surname/given (the scorer compares parts regardless of order); never panics.
pub fn normalize_name(surname: &str, given_name: &str, patronymic: Option<&str>) -> NormalizedName {
    let surname_raw = surname;
    let surname = skeleton(surname);
    let surname_stem = if surname.is_empty() {
        String::new()
    } else {
        keys::surname_stem(&surname)
    };
    let (given, given_root) = given_and_patronymic(given_name);
    let patronymic_root = patronymic.and_then(patronymic_field_root).or(given_root);
    NormalizedName {
        surname_words: surname_words(surname_raw),
        surname,
        surname_stem,
        given,
        patronymic_root,
    }
}

/// Whether the given-name field holds a patronymic (Еділұлы, Нурланович, or a father's name and
/// its particle as two words, Болат ұлы) and the patronymic field a name without one (Нұрлан):
/// the two fields were filled the wrong way round. A query is read with them swapped; the index
/// builder normalises a record's name swapped and keeps its fields as the record writes them. No
/// given name is a patronymic (a short one ending like a suffix, such as Гули, has no root of its
/// own, and -сұлу names do not end in the patronymic -улу), so an honest name never swaps; a
/// given name followed by its patronymic in one field (Ерлан Нурланович) is not one either, and
/// stays as written.
pub fn given_and_patronymic_swapped(given: &str, patronymic: &str) -> bool {
    let mut words = given.split_whitespace();
    let one_patronymic = match (words.next(), words.next(), words.next()) {
        (Some(_), None, _) => true,
        (Some(_), Some(particle), None) => is_particle(&skeleton(particle)),
        _ => false,
    };
    let (given_skel, patronymic_skel) = (skeleton(given), skeleton(patronymic));
    one_patronymic
        && patronymic_root(&given_skel).is_some()
        && !patronymic_skel.is_empty()
        && patronymic_root(&patronymic_skel).is_none()
}

/// Whether two single name parts (raw text) could be the same name: equal skeletons, equal
/// surname stems, equal patronymic roots, or equal phonetic keys.
pub fn parts_meet(a: &str, b: &str) -> bool {
    let (sa, sb) = (skeleton(a), skeleton(b));
    if sa.is_empty() || sb.is_empty() {
        return false;
    }
    if sa == sb || surname_stem(&sa) == surname_stem(&sb) {
        return true;
    }
    match (patronymic_root(&sa), patronymic_root(&sb)) {
        // Two patronymics: compare the fathers' names, so the shared suffix cannot carry a
        // phonetic match (Серикович ≠ Сергеевич).
        (Some(ra), Some(rb)) => ra == rb || phonetic_key(&ra) == phonetic_key(&rb),
        _ => phonetic_key(&sa) == phonetic_key(&sb),
    }
}
