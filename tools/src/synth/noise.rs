//! Entry noise on strings and IINs: Russian look-alike letters, Soviet Дж- forms, Latin spellings
//! (passport digraphs and the official 2021 alphabet), Latin homoglyphs, one-edit typos and IIN
//! mistypes. Owns the transformations only; it must never decide *whether* to apply them (the
//! rates live in the config and the choices in `registry.rs` / `queries.rs`).

use super::names::fold_kazakh;
use rand::Rng;
use tanu_index::iin::Iin;

/// Russian look-alike spelling: Kazakh letters folded (Нұрлан → Нурлан) and Ё written as Е.
pub fn lookalike(s: &str) -> String {
    fold_kazakh(s)
        .chars()
        .map(|c| match c {
            'ё' => 'е',
            'Ё' => 'Е',
            c => c,
        })
        .collect()
}

/// The Soviet-era Дж- form of a Ж- name (Жанбулатов → Джанбулатов); `None` when not in Ж-.
pub fn dzh(s: &str) -> Option<String> {
    s.strip_prefix('Ж').map(|rest| format!("Дж{rest}"))
}

/// How one row is romanised: the same choices for all its name parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatinStyle {
    /// Official 2021 Kazakh Latin alphabet; else passport digraphs.
    pub official: bool,
    /// All capitals (passport style only).
    pub upper: bool,
    /// Й → Y (else I): Aigul / Aygul.
    pub y_for_short_i: bool,
    /// Е after a vowel → YE (Zhumabayev; else Zhumabaev).
    pub ye_after_vowel: bool,
}

impl LatinStyle {
    /// Draw a style; `official_share` of rows use the 2021 alphabet.
    pub fn draw<R: Rng>(rng: &mut R, official_share: f64) -> LatinStyle {
        let official = rng.random_bool(official_share);
        LatinStyle {
            official,
            upper: !official && rng.random_bool(0.5),
            y_for_short_i: rng.random_bool(0.5),
            ye_after_vowel: rng.random_bool(0.6),
        }
    }
}

fn is_vowel(c: char) -> bool {
    "аеёиоуыэюяАЕЁИОУЫЭЮЯ".contains(c)
}

fn passport_letter(c: char, prev: Option<char>, style: LatinStyle) -> &'static str {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => match prev {
            None => "ye",
            Some(p) if is_vowel(p) && style.ye_after_vowel => "ye",
            _ => "e",
        },
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => {
            if style.y_for_short_i {
                "y"
            } else {
                "i"
            }
        }
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        ' ' => " ",
        '-' => "-",
        _ => "",
    }
}

fn official_letter(c: char) -> &'static str {
    match c {
        'а' => "a",
        'ә' => "ä",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ğ",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "io",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "i",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ñ",
        'о' => "o",
        'ө' => "ö",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ç",
        'ш' | 'щ' => "ş",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'і' => "ı",
        'ю' => "iu",
        'я' => "ia",
        ' ' => " ",
        '-' => "-",
        _ => "",
    }
}

fn official_upper(c: char) -> String {
    match c {
        'и' | 'й' | 'И' | 'Й' => "İ".to_string(),
        'і' | 'І' => "I".to_string(),
        _ => {
            let lower = c.to_lowercase().next().unwrap_or(c);
            let s = official_letter(lower);
            let mut out = String::new();
            let mut chars = s.chars();
            if let Some(f) = chars.next() {
                out.extend(f.to_uppercase());
                out.push_str(chars.as_str());
            }
            out
        }
    }
}

/// A name part in Latin letters, in `style`. The result is never empty for a Cyrillic name.
pub fn latin(s: &str, style: LatinStyle) -> String {
    let mut out = String::with_capacity(s.len());
    if style.official {
        for c in s.chars() {
            if c.is_uppercase() {
                out.push_str(&official_upper(c));
            } else {
                out.push_str(official_letter(c));
            }
        }
        return out;
    }
    let folded = fold_kazakh(s);
    let mut prev: Option<char> = None;
    for c in folded.chars() {
        let l = passport_letter(c, prev, style);
        if style.upper {
            out.push_str(&l.to_uppercase());
        } else if c.is_uppercase() {
            let mut it = l.chars();
            if let Some(f) = it.next() {
                out.extend(f.to_uppercase());
                out.push_str(it.as_str());
            }
        } else {
            out.push_str(l);
        }
        prev = if c == ' ' || c == '-' { None } else { Some(c) };
    }
    out
}

const CYR_LOWER: &[char] = &[
    'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'й', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т',
    'у', 'ф', 'х', 'ц', 'ч', 'ш', 'ы', 'ь', 'э', 'ю', 'я',
];
const LAT_LOWER: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'y', 'z',
];

/// One random edit (substitution, deletion, insertion or adjacent transposition) in a name.
/// Letters come from the name's own script. The result differs from `s` and is never empty.
pub fn typo<R: Rng>(rng: &mut R, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let latin_script = chars.iter().any(|c| c.is_ascii_alphabetic());
    let alphabet = if latin_script { LAT_LOWER } else { CYR_LOWER };
    for _ in 0..20 {
        let mut v = chars.clone();
        if v.is_empty() {
            break;
        }
        // Typos rarely hit the first letter.
        let pos = if v.len() > 1 {
            rng.random_range(1..v.len())
        } else {
            0
        };
        let letter = alphabet[rng.random_range(0..alphabet.len())];
        let letter = if v[pos].is_uppercase() {
            letter.to_uppercase().next().unwrap_or(letter)
        } else {
            letter
        };
        match rng.random_range(0..4) {
            0 => v[pos] = letter,
            1 if v.len() > 3 => {
                v.remove(pos);
            }
            2 => v.insert(pos, letter),
            _ if pos + 1 < v.len() => v.swap(pos, pos + 1),
            _ => v[pos] = letter,
        }
        let out: String = v.into_iter().collect();
        if out != s && !out.trim().is_empty() && !out.starts_with(' ') && !out.ends_with(' ') {
            return out;
        }
    }
    format!("{s}{}", alphabet[0])
}

fn homoglyph_of(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'с' => 'c',
        'р' => 'p',
        'х' => 'x',
        'і' => 'i',
        'у' => 'y',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        _ => return None,
    })
}

/// One Cyrillic letter replaced by its Latin look-alike (о → o); `None` when none can be.
pub fn homoglyph<R: Rng>(rng: &mut R, s: &str) -> Option<String> {
    let mut v: Vec<char> = s.chars().collect();
    let spots: Vec<usize> = (0..v.len())
        .filter(|&i| homoglyph_of(v[i]).is_some())
        .collect();
    if spots.is_empty() {
        return None;
    }
    let i = spots[rng.random_range(0..spots.len())];
    v[i] = homoglyph_of(v[i])?;
    Some(v.into_iter().collect())
}

/// A mistyped IIN. With `want_valid`, one that still passes all checks when such a near miss
/// exists. Returns the string and whether it is a valid IIN.
pub fn iin_typo<R: Rng>(rng: &mut R, iin: &Iin, want_valid: bool) -> (String, bool) {
    if want_valid {
        let near = iin.near_misses();
        if !near.is_empty() {
            return (near[rng.random_range(0..near.len())].to_string(), true);
        }
    }
    let digits: Vec<char> = iin.to_string().chars().collect();
    for _ in 0..50 {
        let mut d = digits.clone();
        match rng.random_range(0..10) {
            0..=4 => {
                let i = rng.random_range(0..12);
                let v = char::from(b'0' + rng.random_range(0..10u8));
                d[i] = v;
            }
            5..=8 => {
                let i = rng.random_range(0..11);
                d.swap(i, i + 1);
            }
            _ => {
                // A dropped digit.
                d.remove(rng.random_range(0..12));
            }
        }
        let s: String = d.into_iter().collect();
        if Iin::parse(&s).is_err() {
            return (s, false);
        }
    }
    // A dropped last digit is never valid (wrong length).
    (digits[..11].iter().collect(), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn passport() -> LatinStyle {
        LatinStyle {
            official: false,
            upper: false,
            y_for_short_i: true,
            ye_after_vowel: true,
        }
    }

    #[test]
    fn latin_forms() {
        assert_eq!(latin("Жұмабаев", passport()), "Zhumabayev");
        assert_eq!(latin("Ерлан", passport()), "Yerlan");
        assert_eq!(latin("Айгүл", passport()), "Aygul");
        let upper = LatinStyle {
            upper: true,
            ..passport()
        };
        assert_eq!(latin("Нұрсұлтан", upper), "NURSULTAN");
        let official = LatinStyle {
            official: true,
            ..passport()
        };
        assert_eq!(latin("Жұмабаев", official), "Jūmabaev");
        assert_eq!(latin("Іңкәр", official), "Iñkär");
        assert_eq!(latin("Ильяс", official), "İlias");
        assert_eq!(latin("Серік ұлы", passport()), "Serik uly");
    }

    #[test]
    fn lookalike_folds() {
        assert_eq!(
            lookalike("Жұмабаев Нұрланұлы Семёнов"),
            "Жумабаев Нурланулы Семенов"
        );
        assert_eq!(dzh("Жанбулатов").as_deref(), Some("Джанбулатов"));
    }

    #[test]
    fn typos_differ_and_iin_typos_behave() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for _ in 0..500 {
            let t = typo(&mut rng, "Серік");
            assert_ne!(t, "Серік");
            assert!(!t.is_empty());
        }
        let iin = Iin::parse("870412300129").unwrap();
        for _ in 0..200 {
            let (s, valid) = iin_typo(&mut rng, &iin, false);
            assert!(!valid && Iin::parse(&s).is_err());
            let (s, valid) = iin_typo(&mut rng, &iin, true);
            assert_eq!(valid, Iin::parse(&s).is_ok());
            assert_ne!(s, iin.to_string());
        }
        assert!(
            homoglyph(&mut rng, "Серік")
                .unwrap()
                .chars()
                .any(|c| c.is_ascii())
        );
    }
}
