//! Script folding for one name part: any Cyrillic (Kazakh, Russian and neighbours) or Latin spelling
//! (passport digraphs, official 2021 Kazakh Latin, diacritics) → one lowercase ASCII skeleton.
//! Owns the transliteration tables and the Latin digraph canonicaliser. It must never panic, never
//! look at more than one part, and never decide whether two names match.

use std::cell::RefCell;

use unicode_normalization::char::decompose_compatible;

/// One name part (a single word or a joined compound) → canonical comparable skeleton: lowercase
/// ASCII Latin in one scheme, so Жұмабаев, Жумабаев, ЖУМАБАЕВ, Zhumabayev, Jumabaev, Zhumabaev,
/// Jumabayev all give "jumabaev". Drops hyphens/apostrophes/spaces/dots and anything that is not
/// a letter; folds Kazakh letters to Russian look-alikes, repairs Latin look-alikes typed inside
/// Cyrillic words (and the reverse), ё→е, Дж→Ж, reads the official 2021 Kazakh Latin and passport
/// digraphs. Returns "" for input with no letters; never panics; idempotent.
///
/// Two stages: (A) every letter → lowercase ASCII in a passport-like transliteration; (B) Latin
/// digraphs → canonical letters. Stage B's output is a fixed point of A+B.
///
/// | source | skeleton |
/// |---|---|
/// | Ж, Дж, J, ZH, DZH, DJ, Ž | j |
/// | Х, Һ, KH, H (alone), X | x |
/// | Ш, Щ, SH, SHCH, Ş, Š | sh |
/// | Ч, CH, Ç, Č | ch |
/// | Ц, TS | ts |
/// | Ғ, Г, G, GH, Ğ | g |
/// | Қ, К, K, Q, C (alone), CK | k |
/// | Ң, Н, N, Ñ, NG (+ following G/H) | n |
/// | И, Й, Ы, І, I, İ, ı, Y (alone); repeats collapse | i |
/// | Е, Ё, Э, E, YE; Ё/YO after a consonant; IO between consonants (Fiodor) | e |
/// | Ю, YU, IU / Я, YA, IA | iu / ia |
/// | Ә Ä Ə → a, Ө Ö → o, Ұ Ү Ū Ü → u, W → v, PH → f, TH → t | |
/// | Ь, Ъ, vowel+I before E (-AIEV) | dropped |
pub fn skeleton(part: &str) -> String {
    thread_local! {
        static LATIN: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let mut out = Vec::new();
    let mut run = |latin: &mut Vec<u8>| {
        latin.clear();
        to_ascii_latin(part, latin);
        out.reserve_exact(latin.len());
        canonicalize(latin, &mut out);
    };
    // The scratch buffer saves an allocation per call; fall back to a fresh one if it is busy.
    let reused = LATIN
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut latin) => {
                run(&mut latin);
                if latin.capacity() > 4096 {
                    *latin = Vec::new(); // do not keep a huge input's buffer alive
                }
                true
            }
            Err(_) => false,
        })
        .unwrap_or(false);
    if !reused {
        run(&mut Vec::new());
    }
    fold_io_between_consonants(&mut out);
    // Only ASCII bytes are ever pushed; the fallback is unreachable but keeps this panic-free.
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Stage A: letters → lowercase ASCII (passport-style), separators dropped.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Cyrillic,
    /// A Latin letter that looks like a Cyrillic one (a, e, o, c, p, x, i, y, k, m, t, h, b, ə).
    LatinLookAlike,
    LatinOther,
    Other,
}

fn script_of(c: char) -> Script {
    match c {
        'a' | 'e' | 'o' | 'c' | 'p' | 'x' | 'i' | 'y' | 'k' | 'm' | 't' | 'h' | 'b' | 'A' | 'E'
        | 'O' | 'C' | 'P' | 'X' | 'I' | 'Y' | 'K' | 'M' | 'T' | 'H' | 'B' | 'ə' | 'Ə' => {
            Script::LatinLookAlike
        }
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            Script::LatinOther
        }
        '\u{0400}'..='\u{052F}' => Script::Cyrillic,
        _ => Script::Other,
    }
}

/// Latin look-alike typed inside a mostly-Cyrillic word → the Cyrillic letter it imitates.
fn latin_to_cyrillic(c: char) -> Option<char> {
    Some(match c {
        'a' | 'A' => 'а',
        'e' | 'E' => 'е',
        'o' | 'O' => 'о',
        'c' | 'C' => 'с',
        'p' | 'P' => 'р',
        'x' | 'X' => 'х',
        'i' | 'I' => 'і',
        'y' | 'Y' => 'у',
        'k' | 'K' => 'к',
        'm' | 'M' => 'м',
        't' | 'T' => 'т',
        'h' => 'һ',
        'H' => 'н',
        'b' => 'ь',
        'B' => 'в',
        'ə' | 'Ə' => 'ә',
        _ => return None,
    })
}

/// Cyrillic look-alike typed inside a mostly-Latin word → the Latin letter it imitates.
fn cyrillic_to_latin(c: char) -> Option<u8> {
    Some(match c {
        'а' | 'А' => b'a',
        'е' | 'Е' => b'e',
        'о' | 'О' => b'o',
        'с' | 'С' => b'c',
        'р' | 'Р' => b'p',
        'х' | 'Х' => b'x',
        'у' | 'У' | 'ү' | 'Ү' => b'y',
        'і' | 'І' => b'i',
        'к' | 'К' => b'k',
        'м' | 'М' => b'm',
        'т' | 'Т' => b't',
        'Н' => b'h',
        'В' => b'b',
        'ь' => b'b',
        'ѕ' | 'Ѕ' => b's',
        'ј' | 'Ј' => b'j',
        _ => return None,
    })
}

fn to_ascii_latin(s: &str, out: &mut Vec<u8>) {
    if s.is_ascii() {
        out.extend(
            s.bytes()
                .filter(u8::is_ascii_alphabetic)
                .map(|b| b.to_ascii_lowercase()),
        );
        return;
    }
    if !has_mixed_word(s) {
        // emit_char drops separators itself; words only matter for the mixed-script vote.
        s.chars().for_each(|c| emit_char(c, out));
        return;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let start = rest
            .char_indices()
            .find(|&(_, c)| c.is_alphabetic())
            .map_or(rest.len(), |(i, _)| i);
        rest = &rest[start..];
        let end = rest
            .char_indices()
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..end];
        rest = &rest[end..];
        if !word.is_empty() {
            word_to_ascii(word, out);
        }
    }
}

/// Whether some word holds both Cyrillic and Latin letters (the rare case needing a vote).
fn has_mixed_word(s: &str) -> bool {
    let (mut cyr, mut lat) = (false, false);
    for c in s.chars() {
        match script_of(c) {
            Script::Cyrillic => cyr = true,
            Script::LatinLookAlike | Script::LatinOther => lat = true,
            Script::Other => {
                if !c.is_alphabetic() {
                    (cyr, lat) = (false, false);
                }
            }
        }
        if cyr && lat {
            return true;
        }
    }
    false
}

fn word_to_ascii(word: &str, out: &mut Vec<u8>) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        return;
    }
    let (mut cyr, mut look, mut other) = (0usize, 0usize, 0usize);
    for c in word.chars() {
        match script_of(c) {
            Script::Cyrillic => cyr += 1,
            Script::LatinLookAlike => look += 1,
            Script::LatinOther => other += 1,
            Script::Other => {}
        }
    }
    let latin = look + other;
    let fix_latin = cyr > 0 && look > 0 && (other == 0 || cyr > latin);
    let fix_cyrillic = !fix_latin && cyr > 0 && latin > cyr;
    for c in word.chars() {
        if fix_latin && let Some(cy) = latin_to_cyrillic(c) {
            emit_cyrillic(cy, out);
            continue;
        }
        if fix_cyrillic && let Some(l) = cyrillic_to_latin(c) {
            out.push(l);
            continue;
        }
        emit_char(c, out);
    }
}

fn emit_char(c: char, out: &mut Vec<u8>) {
    if c.is_ascii() {
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_lowercase() as u8);
        }
    } else if ('\u{0400}'..='\u{052F}').contains(&c) {
        emit_cyrillic(c, out);
    } else {
        emit_other(c, out);
    }
}

fn cyrillic_lower(c: char) -> char {
    match c {
        'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
        'Ѐ'..='Џ' => char::from_u32(c as u32 + 0x50).unwrap_or(c),
        'а'..='я' | 'ѐ'..='џ' => c,
        // Pairs upper/lower at even/odd code points (Ә ә, Ғ ғ, Қ қ, Ң ң, Ө ө, Ұ ұ, Ү ү, Һ һ, І і …),
        // except U+04C1..=U+04CE (odd/even) and the palochka U+04C0.
        '\u{0460}'..='\u{04BF}' | '\u{04D0}'..='\u{052F}' => {
            char::from_u32(c as u32 | 1).unwrap_or(c)
        }
        '\u{04C1}'..='\u{04CE}' if c as u32 % 2 == 1 => char::from_u32(c as u32 + 1).unwrap_or(c),
        '\u{04C0}' => '\u{04CF}',
        _ => c,
    }
}

/// Russian а..я in order.
const RUSSIAN: [&[u8]; 32] = [
    b"a", b"b", b"v", b"g", b"d", b"e", b"zh", b"z", b"i", b"i", b"k", b"l", b"m", b"n", b"o",
    b"p", b"r", b"s", b"t", b"u", b"f", b"kh", b"ts", b"ch", b"sh", b"shch", b"", b"i", b"", b"e",
    b"iu", b"ia",
];

fn emit_cyrillic(c: char, out: &mut Vec<u8>) {
    let lower = cyrillic_lower(c);
    if let Some(s) = (lower as u32)
        .checked_sub('а' as u32)
        .and_then(|k| RUSSIAN.get(k as usize))
    {
        out.extend_from_slice(s);
        return;
    }
    let s: &[u8] = match lower {
        'а' | 'ә' | 'ӓ' | 'ӕ' => b"a",
        'б' => b"b",
        'в' => b"v",
        'г' | 'ғ' | 'ґ' | 'ѓ' | 'ҕ' => b"g",
        'д' | 'ђ' => b"d",
        'е' | 'ё' | 'э' | 'є' | 'ѐ' | 'ӭ' => b"e",
        'ж' | 'җ' | 'ӝ' | 'џ' | 'ҷ' => b"zh",
        'з' | 'ҙ' | 'ѕ' | 'ӟ' => b"z",
        'и' | 'й' | 'і' | 'ї' | 'ы' | 'ӣ' | 'ѝ' | 'ј' | 'ӥ' | 'ӹ' => b"i",
        'к' | 'қ' | 'ќ' | 'ҡ' | 'ҝ' | 'ҟ' => b"k",
        'л' | 'љ' => b"l",
        'м' => b"m",
        'н' | 'ң' | 'њ' | 'ҥ' | 'ӊ' => b"n",
        'о' | 'ө' | 'ӧ' | 'ӫ' => b"o",
        'п' => b"p",
        'р' => b"r",
        'с' | 'ҫ' => b"s",
        'т' => b"t",
        'у' | 'ұ' | 'ү' | 'ў' | 'ӯ' | 'ӱ' | 'ӳ' => b"u",
        'ф' => b"f",
        'х' | 'һ' | 'ҳ' => b"kh",
        'ц' => b"ts",
        'ч' | 'ћ' | 'ҹ' | 'ӵ' => b"ch",
        'ш' => b"sh",
        'щ' => b"shch",
        'ю' => b"iu",
        'я' => b"ia",
        // ъ, ь, and anything else that has no letter value.
        _ => b"",
    };
    out.extend_from_slice(s);
}

fn emit_other(c: char, out: &mut Vec<u8>) {
    let lc = c.to_lowercase().next().unwrap_or(c);
    let s: &[u8] = match lc {
        'ş' | 'ș' | 'š' => b"sh",
        'ç' | 'č' => b"ch",
        'ž' => b"zh",
        'ğ' | 'ǵ' => b"g",
        'ı' => b"i",
        'ñ' | 'ń' | 'ŋ' => b"n",
        'ə' => b"a",
        'ß' => b"ss",
        'æ' => b"ae",
        'œ' => b"oe",
        'ø' => b"o",
        'đ' | 'ð' => b"d",
        'ł' => b"l",
        'þ' => b"th",
        'ħ' => b"h",
        _ => {
            // Accented Latin, full-width forms, ligatures: keep the ASCII base letters.
            decompose_compatible(lc, |d| {
                if d.is_ascii_alphabetic() {
                    out.push(d.to_ascii_lowercase() as u8);
                } else if ('\u{0400}'..='\u{04FF}').contains(&d) {
                    emit_cyrillic(d, out);
                }
            });
            return;
        }
    };
    out.extend_from_slice(s);
}

// ---------------------------------------------------------------------------------------------
// Stage B: lowercase ASCII → canonical skeleton.
//
// Canonical letters: a b d e f g i j k l m n o p r s t u v x z, plus the pairs "sh" (Ш, Щ, Ş) and
// "ch" (Ч, Ç). Never produced: c or h outside those pairs, q, w, y, "ii", "dj", "ng", vowel+"ie".

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn push(out: &mut Vec<u8>, c: u8) {
    match c {
        // й, ы, и, і all fold to i: "ии", "ий", "ия" → one i.
        b'i' if out.last() == Some(&b'i') => {}
        // -aiev / -aev, Sergeiev / Sergeev: i between a vowel and e is the glide of е.
        b'e' if out.last() == Some(&b'i') && out.len() >= 2 && is_vowel(out[out.len() - 2]) => {
            if let Some(l) = out.last_mut() {
                *l = b'e';
            }
        }
        // Дж / DJ / DZH → Ж.
        b'j' => {
            while out.last() == Some(&b'd') {
                out.pop();
            }
            out.push(b'j');
        }
        _ => out.push(c),
    }
}

/// Fiodor, Piotr, Semionov: ё written IO between consonants → e, on the canonical letters of
/// every script alike (so a rare Cyrillic "ио" there, as in Виола, folds the same way). A pass of
/// its own after `canonicalize`, so that a skeleton is a fixed point.
fn fold_io_between_consonants(out: &mut Vec<u8>) {
    let is_consonant = |b: u8| b.is_ascii_lowercase() && !is_vowel(b);
    let hit = |w: &[u8]| is_consonant(w[0]) && w[1] == b'i' && w[2] == b'o' && is_consonant(w[3]);
    if !out.windows(4).any(hit) {
        return;
    }
    let mut folded = Vec::with_capacity(out.len());
    let mut r = 0;
    while r < out.len() {
        if r >= 1 && r + 2 < out.len() && hit(&out[r - 1..r + 3]) {
            folded.push(b'e');
            r += 2;
        } else {
            folded.push(out[r]);
            r += 1;
        }
    }
    *out = folded;
}

fn canonicalize(b: &[u8], out: &mut Vec<u8>) {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let n1 = at(i + 1);
        i += 1;
        match (c, n1) {
            (b'z', b'h') => {
                push(out, b'j');
                i += 1;
            }
            (b'k', b'h') => {
                push(out, b'x');
                i += 1;
            }
            (b'g' | b't', b'h') => {
                push(out, c);
                i += 1;
            }
            (b'p', b'h') => {
                push(out, b'f');
                i += 1;
            }
            (b's', b'h') => {
                out.extend_from_slice(b"sh");
                i += 1;
                while at(i) == b'c' && at(i + 1) == b'h' {
                    i += 2; // shch → Щ → sh
                }
            }
            (b'c', b'h') => {
                out.extend_from_slice(b"ch");
                i += 1;
            }
            (b'c', b'k') => {
                push(out, b'k');
                i += 1;
            }
            (b'c' | b'q', _) => push(out, b'k'),
            (b'h', _) => push(out, b'x'),
            (b'w', _) => push(out, b'v'),
            // Ң written NG (and ңғ as NGG / NGH) → n, like the Russian fold ң → н.
            (b'n', b'g') => {
                push(out, b'n');
                while matches!(at(i), b'g' | b'h') {
                    i += 1;
                }
            }
            (b'y', b'a' | b'u') => {
                push(out, b'i');
                push(out, n1);
                i += 1;
            }
            (b'y', b'e') => {
                push(out, b'e');
                i += 1;
            }
            (b'y', b'o') => {
                // Fyodor, Pyotr: ё after a consonant → e; initial Yo- → io.
                let after_consonant = out.last().is_some_and(|&l| !is_vowel(l));
                if after_consonant {
                    push(out, b'e');
                } else {
                    push(out, b'i');
                    push(out, b'o');
                }
                i += 1;
            }
            (b'y', _) => push(out, b'i'),
            _ => push(out, c),
        }
    }
}
