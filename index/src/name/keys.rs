//! Keys derived from one skeleton: surname stems, patronymic roots and the phonetic key.
//! Owns the suffix tables (gendered surname endings, Russian and Turkic patronymic suffixes) and
//! the consonant classes. It works on skeletons only (never raw text), never allocates more than
//! its result, and never panics on any input, canonical or not.

/// Turkic patronymic suffixes after skeleton: ұлы/улы/uly, қызы/кызы/kyzy/qyzy, уулу (Kyrgyz),
/// оглы/oğlu (Azerbaijani), ўғли/o'g'li (Uzbek), гызы. Longest first where one ends another.
/// The loose -улу (ұлы mistyped) is not read in given names ending in -сұлу (Айсұлу, Жансұлу:
/// "beauty"), which are not patronymics (`SULU_NAME`).
const TURKIC: &[&str] = &["uulu", "ugli", "ogli", "oglu", "kizi", "gizi", "uli", "ulu"];

/// Russian (and Ukrainian) patronymic suffixes after skeleton, longest first; "vich"/"vna" catch
/// a dropped o/e ("Нурланвич").
const RUSSIAN: &[&str] = &[
    "ovich", "evich", "ovna", "evna", "ichna", "ivna", "vich", "vna", "ich",
];

/// The ending of the -сұлу given names, which the loose suffix "ulu" must not split.
const SULU_NAME: &str = "sulu";

/// A patronymic root is at least this many letters, so short given names ending like a suffix
/// ("Гули") are not taken for patronymics.
const MIN_ROOT: usize = 3;

/// Skeletons this long or longer (not counting doubled letters) drop non-initial vowels in the phonetic key (vowel typos in
/// long names); shorter ones keep vowel classes (Марат ≠ Мурат, Ерлан = Ерлен).
const LONG_NAME: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatronymicKind {
    /// ұлы / қызы and relatives: may stand anywhere, also in the surname's place.
    Turkic,
    /// -ович / -овна: only recognised after the first word of a full name.
    Russian,
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether the skeleton is a bare Turkic particle ("uli", "kizi"), written apart from the name.
pub fn is_particle(skel: &str) -> bool {
    TURKIC.contains(&skel)
}

/// Father's-name canonical form: a final vowel+й is dropped, because the Russian patronymic of
/// Жұмабай is Жумабаевич (root "jumaba") and of Муса is Мусаевич (root "musa").
pub(crate) fn canon_root(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    if n > MIN_ROOT && b[n - 1] == b'i' && is_vowel(b[n - 2]) {
        s[..n - 1].to_string()
    } else {
        s.to_string()
    }
}

/// Whether the skeleton ends in the patronymic suffix `suf` (a -сұлу given name does not end in
/// the loose -улу).
fn has_suffix(skel: &str, suf: &str) -> bool {
    skel.ends_with(suf) && !(suf == "ulu" && skel.ends_with(SULU_NAME))
}

/// The root and the kind of patronymic, if the skeleton is one.
pub(crate) fn patronymic_split(skel: &str) -> Option<(String, PatronymicKind)> {
    for (list, kind) in [
        (TURKIC, PatronymicKind::Turkic),
        (RUSSIAN, PatronymicKind::Russian),
    ] {
        for suf in list {
            if !has_suffix(skel, suf) {
                continue;
            }
            if let Some(root) = skel.strip_suffix(suf)
                && root.len() >= MIN_ROOT
            {
                let root = canon_root(root);
                if root.len() >= MIN_ROOT {
                    return Some((root, kind));
                }
            }
        }
    }
    None
}

/// If the skeleton is a patronymic (-ovich/-evich/-ovna/-evna/-ichna/-ivna, -uly/-ulu/-uulu/
/// -kyzy/-qyzy/-ogly/-ugli, joined), its root (the father's name skeleton): Серикович,
/// Сериковна, Серікұлы, Серикулы, Serikuly, Серікқызы → "serik" = skeleton("Серік"). A father's
/// name ending in vowel+й loses the й (Жумабаевич and Жұмабайұлы → "jumaba"), because the
/// Russian form cannot show it (Мусаевич ← Муса, Жумабаевич ← Жұмабай). Roots are at least 3
/// letters. None otherwise.
pub fn patronymic_root(skel: &str) -> Option<String> {
    patronymic_split(skel).map(|(root, _)| root)
}

/// The sex a patronymic skeleton states by its suffix (Нұрланқызы, Нурлановна, Nurlanqyzy: a
/// woman; Нұрланұлы, Нурланович, Mamed oglu: a man), or `None` when it has no known suffix.
pub fn patronymic_sex(skel: &str) -> Option<crate::source::Sex> {
    use crate::source::Sex;
    const FEMALE: &[&str] = &["kizi", "gizi", "ichna", "vna"];
    if FEMALE.iter().any(|suf| skel.ends_with(suf)) {
        return Some(Sex::Female);
    }
    let male = TURKIC
        .iter()
        .chain(RUSSIAN)
        .any(|suf| has_suffix(skel, suf));
    male.then_some(Sex::Male)
}

/// Surname skeleton → stem without gender/Russian suffix: -ov/-ova, -ev/-eva stripped, -ina
/// folded to -in, -skaia/-skoi folded to -ski, a Turkic patronymic standing as surname reduced
/// to its root, a dropped ending's final vowel+й cut, so Жумабаев, Жумабаева, Жұмабай all give
/// "jumaba". Never strips so much that fewer than 3 letters remain.
pub fn surname_stem(skel: &str) -> String {
    // A father's name with ұлы/қызы standing as the surname: its root is the stem (Нұрланұлы ~ Нурланов).
    if let Some((root, PatronymicKind::Turkic)) = patronymic_split(skel) {
        return stem_core(&root);
    }
    stem_core(skel)
}

/// The sex a surname skeleton's gendered ending states: Ахметова, Сейтова, Ахмедина,
/// Ковальская a woman; Ахметов, Сейтов, Ахмедин, Ковальский a man; `None` for a surname written
/// without one (Жұмабай, Нұрланұлы, Ким). Two surnames of one stem (`surname_stem`) whose endings
/// state different sexes are a brother's and a sister's, not one name written two ways.
pub fn surname_ending_sex(skel: &str) -> Option<crate::source::Sex> {
    use crate::source::Sex;
    const FEMALE: &[&str] = &["ova", "eva", "ina", "skaia"];
    const MALE: &[&str] = &["ov", "ev", "in", "ski", "skoi"];
    if FEMALE.iter().any(|suf| skel.ends_with(suf)) {
        Some(Sex::Female)
    } else if MALE.iter().any(|suf| skel.ends_with(suf)) {
        Some(Sex::Male)
    } else {
        None
    }
}

fn stem_core(s: &str) -> String {
    let n = s.len();
    let b = s.as_bytes();
    // -ская / -ской → -ский (folded, not stripped: Ковальский is not Ковалёв).
    for suf in ["skaia", "skoi"] {
        if let Some(r) = s.strip_suffix(suf) {
            return format!("{r}ski");
        }
    }
    // -ова / -ева: strip, or fold to -ов / -ев when too little would remain (Львова → Львов).
    if s.ends_with("ova") || s.ends_with("eva") {
        return if n - 3 >= MIN_ROOT {
            s[..n - 3].to_string()
        } else {
            s[..n - 1].to_string()
        };
    }
    if (s.ends_with("ov") || s.ends_with("ev")) && n - 2 >= MIN_ROOT {
        return s[..n - 2].to_string();
    }
    // -ина → -ин. -ин itself stays: Байтұрсынов and Байтұрсын share "baitursin".
    if s.ends_with("ina") && n >= 5 {
        return s[..n - 1].to_string();
    }
    // Dropped ending: Жұмабай ~ Жумабаев, Сергей ~ Сергеев.
    if n > MIN_ROOT && b[n - 1] == b'i' && is_vowel(b[n - 2]) {
        return s[..n - 1].to_string();
    }
    s.to_string()
}

/// Phonetic key of a skeleton, robust to vowel errors and doubled letters (Ерлан/Ерлен meet;
/// Асель/Асылбек, Марат/Мурат do not). The first letter keeps its class (an initial vowel stays
/// itself); doubles collapse; confusable consonants share a class (b/p/f, d/t, g/k/q/x/kh,
/// s/z/ts, sh/ch/shch, ks/x). Short skeletons keep vowel classes (a=e, o=u, i); skeletons of 8+
/// letters drop non-initial vowels, so one wrong vowel in a long name does not matter.
pub fn phonetic_key(skel: &str) -> String {
    let b: Vec<u8> = skel
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // Length without doubled letters, so Мухаммед and Мухамед fall on the same side.
    let distinct = b
        .iter()
        .enumerate()
        .filter(|&(k, &c)| k == 0 || b[k - 1] != c)
        .count();
    let long = distinct >= LONG_NAME;
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut out = String::with_capacity(b.len());
    let mut last: u8 = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let n1 = at(i + 1);
        let (class, len) = match (c, n1) {
            (b's', b'h') if at(i + 2) == b'c' && at(i + 3) == b'h' => (b'c', 4),
            (b's' | b'c', b'h') => (b'c', 2), // Ш, Щ, Ч: Kazakh has no ч (Чингиз ~ Шыңғыс)
            (b'k', b'h') => (b'k', 2),
            (b'z', b'h') => (b'j', 2),
            (b't', b's') => (b's', 2), // Ц ~ С in Kazakh speech, and ТС
            (b'k', b's') => (b'k', 2), // X ~ KS (Maxim ~ Maksim)
            (b'a' | b'e', _) => (b'a', 1),
            (b'o' | b'u', _) => (b'o', 1),
            (b'i' | b'y', _) => (b'i', 1),
            (b'b' | b'p' | b'f', _) => (b'p', 1), // Фатима ~ Патима
            (b'v' | b'w', _) => (b'v', 1),
            (b'd' | b't', _) => (b't', 1), // Ахмед ~ Ахмет
            (b'g' | b'k' | b'q' | b'x' | b'h' | b'c', _) => (b'k', 1), // Мұхтар ~ Мұқтар, Ғ ~ Қ
            (b'z' | b's', _) => (b's', 1),
            _ => (c, 1),
        };
        let vowel = matches!(class, b'a' | b'o' | b'i');
        if out.is_empty() {
            // The first letter keeps its class; an initial vowel keeps its own letter.
            out.push(if vowel {
                (if c == b'y' { b'i' } else { c }) as char
            } else {
                class as char
            });
        } else if class != last && !(vowel && long) {
            out.push(class as char);
        }
        last = class;
        i += len;
    }
    out
}
