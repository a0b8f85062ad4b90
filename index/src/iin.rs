//! The Kazakh individual identification number (IIN, ЖСН/ИИН): parsing, check digit, the birth
//! date and sex it encodes, and its near misses (one substitution or one adjacent transposition).
//! This module owns the IIN rules only; it must never decide whether two people are the same.

use chrono::NaiveDate;
use std::fmt;

/// Weights of the first check-digit pass (digit i has weight i).
const WEIGHTS_FIRST: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/// Weights of the second pass, used when the first gives 10.
const WEIGHTS_SECOND: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// Sex encoded in the IIN's seventh digit (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IinSex {
    Male,
    Female,
}

/// Why a string is not a valid IIN. Each variant is a reason a clerk or an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("IIN must be 12 digits, got {0} characters")]
    WrongLength(usize),
    #[error("IIN must contain digits only (found {0:?})")]
    NotDigits(char),
    #[error("IIN digit 7 (century and sex) must be 1-6, got {0}")]
    BadCenturyDigit(u8),
    #[error("IIN digits 1-6 are not a real date ({0})")]
    BadBirthDate(String),
    #[error("IIN check digit is {found}, expected {expected}")]
    BadCheckDigit { found: u8, expected: u8 },
    #[error(
        "IIN check digit cannot be computed (both passes give 10): such a number is never issued"
    )]
    NeverIssued,
}

/// A valid IIN: 12 digits whose check digit, century digit and birth date are all correct.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin([u8; 12]);

impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iin({self})")
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The check digit of the first 11 digits, or `None` when both passes give 10.
pub fn check_digit(first11: &[u8; 11]) -> Option<u8> {
    let pass = |w: &[u32; 11]| -> u32 {
        first11
            .iter()
            .zip(w)
            .map(|(&d, &w)| u32::from(d) * w)
            .sum::<u32>()
            % 11
    };
    let first = pass(&WEIGHTS_FIRST);
    if first != 10 {
        return Some(first as u8);
    }
    let second = pass(&WEIGHTS_SECOND);
    (second != 10).then_some(second as u8)
}

/// Characters people type inside an IIN to group its digits ("870412 300129", "870412-300129").
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '-'
}

/// The IIN text without its grouping separators (whitespace, hyphens) and without a decimal
/// part of zeros that a number formatted as a float leaves (`870412300129.0`, a spreadsheet's or
/// a data frame's doing): what is parsed and what the digit look-ups use. Other characters stay,
/// so a letter or any other decimal part still makes it invalid.
pub fn without_separators(s: &str) -> std::borrow::Cow<'_, str> {
    let s = match s.trim_end().rsplit_once(['.', ',']) {
        Some((whole, zeros))
            if !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0')
                && whole.bytes().last().is_some_and(|b| b.is_ascii_digit()) =>
        {
            whole
        }
        _ => s,
    };
    if s.chars().any(is_separator) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_separator(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn digits_of(s: &str) -> Result<[u8; 12], IinError> {
    let s = without_separators(s);
    let count = s.chars().count();
    if count != 12 {
        return Err(IinError::WrongLength(count));
    }
    let mut out = [0u8; 12];
    for (slot, c) in out.iter_mut().zip(s.chars()) {
        *slot = c
            .to_digit(10)
            .filter(|_| c.is_ascii_digit())
            .ok_or(IinError::NotDigits(c))? as u8;
    }
    Ok(out)
}

fn birth_date_of(d: &[u8; 12]) -> Result<NaiveDate, IinError> {
    let century = match d[6] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        other => return Err(IinError::BadCenturyDigit(other)),
    };
    let yy = i32::from(d[0] * 10 + d[1]);
    let mm = u32::from(d[2] * 10 + d[3]);
    let dd = u32::from(d[4] * 10 + d[5]);
    NaiveDate::from_ymd_opt(century + yy, mm, dd)
        .ok_or_else(|| IinError::BadBirthDate(format!("{:04}-{mm:02}-{dd:02}", century + yy)))
}

/// The birth date and sex that twelve digits encode in digits 1–7, whatever their check digit:
/// what a mistyped or unverifiable IIN still tells. `None` when digit 7 or the date make no sense.
pub fn lenient_birth_and_sex(d: &[u8; 12]) -> Option<(NaiveDate, IinSex)> {
    let date = birth_date_of(d).ok()?;
    let sex = if d[6] % 2 == 1 {
        IinSex::Male
    } else {
        IinSex::Female
    };
    Some((date, sex))
}

/// Twelve digits of a number below 10^12 (leading zeros kept).
pub fn digits_of_number(n: u64) -> [u8; 12] {
    let mut d = [0u8; 12];
    let mut x = n;
    for slot in d.iter_mut().rev() {
        *slot = (x % 10) as u8;
        x /= 10;
    }
    d
}

/// Whether two twelve-digit numbers are one digit substitution or one adjacent transposition
/// apart (never when equal).
pub fn numbers_one_edit_apart(a: u64, b: u64) -> bool {
    // One substitution at digit i (from the right) changes the number by k·10^i, an adjacent
    // swap of digits i + 1 and i by 9·k·10^i (1 ≤ k ≤ 9): without its trailing zeros the
    // difference is at most 81. Most pairs fail this at the first remainder.
    let mut diff = a.abs_diff(b);
    if diff == 0 {
        return false;
    }
    while diff.is_multiple_of(10) {
        diff /= 10;
    }
    if diff > 81 {
        return false;
    }
    // Digits from the right; stop as soon as the rest agree or a third digit differs.
    let (mut x, mut y) = (a, b);
    let mut first: Option<(u64, u64, usize)> = None;
    for i in 0..12 {
        if x == y {
            break;
        }
        let (dx, dy) = (x % 10, y % 10);
        if dx != dy {
            match first {
                None => first = Some((dx, dy, i)),
                // A second difference: only an adjacent transposition, and then nothing else.
                Some((fx, fy, at)) => {
                    return at + 1 == i && fx == dy && fy == dx && x / 10 == y / 10;
                }
            }
        }
        x /= 10;
        y /= 10;
    }
    first.is_some() && x == y
}

fn validate(d: [u8; 12]) -> Result<Iin, IinError> {
    birth_date_of(&d)?;
    let first11: [u8; 11] = d[..11].try_into().expect("11 digits");
    let expected = check_digit(&first11).ok_or(IinError::NeverIssued)?;
    if expected != d[11] {
        return Err(IinError::BadCheckDigit {
            found: d[11],
            expected,
        });
    }
    Ok(Iin(d))
}

impl Iin {
    /// Parse and validate an IIN as entered. Whitespace and hyphens grouping the digits are
    /// tolerated (`without_separators`); nothing else.
    pub fn parse(s: &str) -> Result<Iin, IinError> {
        validate(digits_of(s.trim())?)
    }

    /// Build a valid IIN from its parts, computing the check digit. `None` when the serial
    /// gives a number that is never issued or the date cannot be encoded.
    pub fn from_parts(birth: NaiveDate, sex: IinSex, serial: u16) -> Option<Iin> {
        use chrono::Datelike;
        let year = birth.year();
        let base = match year {
            1800..=1899 => 1,
            1900..=1999 => 3,
            2000..=2099 => 5,
            _ => return None,
        };
        let c = base + u8::from(sex == IinSex::Female);
        let yy = (year % 100) as u8;
        let (mm, dd) = (birth.month() as u8, birth.day() as u8);
        if serial > 9999 {
            return None;
        }
        let s = serial;
        let first11 = [
            yy / 10,
            yy % 10,
            mm / 10,
            mm % 10,
            dd / 10,
            dd % 10,
            c,
            (s / 1000) as u8,
            (s / 100 % 10) as u8,
            (s / 10 % 10) as u8,
            (s % 10) as u8,
        ];
        let check = check_digit(&first11)?;
        let mut d = [0u8; 12];
        d[..11].copy_from_slice(&first11);
        d[11] = check;
        Some(Iin(d))
    }

    /// The digits.
    pub fn digits(&self) -> &[u8; 12] {
        &self.0
    }

    /// The IIN as a number (for sorted key tables). Leading zeros are preserved by `from_u64`.
    pub fn as_u64(&self) -> u64 {
        self.0.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d))
    }

    /// The IIN from `as_u64`, validated again.
    pub fn from_u64(n: u64) -> Result<Iin, IinError> {
        if n >= 1_000_000_000_000 {
            return Err(IinError::WrongLength(n.to_string().len()));
        }
        validate(digits_of_number(n))
    }

    /// The birth date encoded in digits 1-7.
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).expect("validated at construction")
    }

    /// The sex encoded in digit 7.
    pub fn sex(&self) -> IinSex {
        if self.0[6] % 2 == 1 {
            IinSex::Male
        } else {
            IinSex::Female
        }
    }

    /// Every valid IIN one edit away: each single-digit substitution and each adjacent
    /// transposition that still passes all checks. These are the typos that survive validation.
    pub fn near_misses(&self) -> Vec<Iin> {
        let mut out = Vec::new();
        for i in 0..12 {
            for v in 0..10u8 {
                if v == self.0[i] {
                    continue;
                }
                let mut d = self.0;
                d[i] = v;
                if let Ok(iin) = validate(d) {
                    out.push(iin);
                }
            }
        }
        for i in 0..11 {
            if self.0[i] == self.0[i + 1] {
                continue;
            }
            let mut d = self.0;
            d.swap(i, i + 1);
            if let Ok(iin) = validate(d) {
                out.push(iin);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The IIN that nine to eleven digits are when a spreadsheet or a number field dropped its
    /// leading zeros: everyone born in 2000–2009 has an IIN that begins with 0 (030521549251
    /// kept as the number 30521549251; 2000-01-03 as 103…, nine digits). Only when the digits
    /// do not begin with 0 themselves (a number keeps none), the restored twelve pass every
    /// check with digit 7 saying the 2000s, and their date agrees with the stated birth date
    /// `born` (year, and month and day where stated) when there is one. A digit lost elsewhere
    /// passes the checks about once in a thousand deletions, but then as another date, so a
    /// stated date rules that out. Separators are ignored as in `parse`; `None` for anything else.
    pub fn with_lost_leading_zero(s: &str, born: Option<crate::date::PartialDate>) -> Option<Iin> {
        let s = without_separators(s.trim());
        if !(9..=11).contains(&s.len())
            || !s.bytes().all(|b| b.is_ascii_digit())
            || s.starts_with('0')
        {
            return None;
        }
        let iin = Iin::parse(&format!("{s:0>12}")).ok()?;
        let d = crate::date::PartialDate::from(iin.birth_date());
        let agrees = born.is_none_or(|born| {
            d.year == born.year
                && born.month.is_none_or(|m| d.month == Some(m))
                && born.day.is_none_or(|x| d.day == Some(x))
        });
        (matches!(iin.0[6], 5 | 6) && agrees).then_some(iin)
    }

    /// The valid IIN that twelve mistyped digits `d` (a failing check digit) become when their
    /// one typo is in the birth date and the date is `date`: `d` with digits 1–6 replaced by
    /// `date`'s, when that is one substitution or one adjacent transposition from `d` and passes
    /// every check. `None` otherwise, and always for valid digits: nothing says they hold a typo.
    pub fn date_typo_corrected(d: &[u8; 12], date: NaiveDate) -> Option<Iin> {
        use chrono::Datelike;
        if validate(*d).is_ok() {
            return None;
        }
        let century_ok = matches!(
            (date.year() / 100, d[6]),
            (18, 1 | 2) | (19, 3 | 4) | (20, 5 | 6)
        );
        if !century_ok {
            return None;
        }
        let yy = (date.year() % 100) as u8;
        let (mm, dd) = (date.month() as u8, date.day() as u8);
        let mut c = *d;
        c[..6].copy_from_slice(&[yy / 10, yy % 10, mm / 10, mm % 10, dd / 10, dd % 10]);
        let number = |x: &[u8; 12]| x.iter().fold(0u64, |acc, &v| acc * 10 + u64::from(v));
        if !numbers_one_edit_apart(number(d), number(&c)) {
            return None;
        }
        validate(c).ok()
    }

    /// Whether `other` is one substitution or one adjacent transposition away from `self`.
    pub fn is_one_edit_from(&self, other: &Iin) -> bool {
        let diff: Vec<usize> = (0..12).filter(|&i| self.0[i] != other.0[i]).collect();
        match diff.as_slice() {
            [_] => true,
            [a, b] => *b == a + 1 && self.0[*a] == other.0[*b] && self.0[*b] == other.0[*a],
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_iin_that_lost_its_leading_zero_is_restored() {
        use crate::date::PartialDate;
        let born = NaiveDate::from_ymd_opt(2003, 5, 21).unwrap();
        let stated = PartialDate::from(born);
        let iin = Iin::from_parts(born, IinSex::Male, 4925).unwrap();
        let text = iin.to_string();
        assert!(text.starts_with('0'));
        let restore = |s: &str| Iin::with_lost_leading_zero(s, Some(stated));
        assert_eq!(restore(&text[1..]), Some(iin));
        assert_eq!(restore(&format!(" {} ", &text[1..])), Some(iin));
        assert_eq!(
            restore(&format!("{} {}", &text[1..6], &text[6..])),
            Some(iin)
        );
        // A partial stated date that agrees is enough; one that does not, or another day, is not.
        for (partial, agrees) in [
            ("2003", true),
            ("2003-05", true),
            ("2004", false),
            ("2003-06", false),
            ("2003-05-22", false),
        ] {
            let p = PartialDate::parse(partial).unwrap();
            assert_eq!(
                Iin::with_lost_leading_zero(&text[1..], Some(p)).is_some(),
                agrees,
                "{partial}"
            );
        }
        // Without a stated date only the checks decide.
        assert_eq!(Iin::with_lost_leading_zero(&text[1..], None), Some(iin));
        // Twelve digits, digits that begin with 0, a leading zero lost from a date of the 1900s
        // (digit 7 says 3 or 4: no one born in 1900–1909 asks), or a digit lost elsewhere:
        // nothing to restore.
        assert_eq!(restore(&text), None);
        assert_eq!(restore(&text[..11]), None);
        let born_1903 = NaiveDate::from_ymd_opt(1903, 5, 21).unwrap();
        let old = Iin::from_parts(born_1903, IinSex::Male, 4925)
            .unwrap()
            .to_string();
        assert!(Iin::parse(&old).is_ok() && old.starts_with('0'));
        assert_eq!(
            Iin::with_lost_leading_zero(&old[1..], Some(PartialDate::from(born_1903))),
            None
        );
        let adult = Iin::parse("870412300129").unwrap().to_string();
        let adult_born = PartialDate::parse("1987-04-12").unwrap();
        for i in 0..12 {
            let lost = format!("{}{}", &adult[..i], &adult[i + 1..]);
            assert_eq!(
                Iin::with_lost_leading_zero(&lost, Some(adult_born)),
                None,
                "{lost}"
            );
        }
        assert_eq!(restore("3052154925a"), None);
    }

    #[test]
    fn a_date_typo_in_a_mistyped_iin_is_corrected_to_the_stated_date() {
        let date = NaiveDate::from_ymd_opt(1995, 1, 17).unwrap();
        let right = Iin::parse("950117314403").unwrap();
        let mut typo = *right.digits();
        typo.swap(2, 3); // 950117 -> 951017, the check digit now fails
        assert!(validate(typo).is_err());
        assert_eq!(Iin::date_typo_corrected(&typo, date), Some(right));
        let mut sub = *right.digits();
        sub[5] = 9; // 950119
        assert_eq!(Iin::date_typo_corrected(&sub, date), Some(right));
        // Another date than the typo hid, or a typo outside the date: nothing to correct to.
        let other = NaiveDate::from_ymd_opt(1995, 1, 18).unwrap();
        assert_eq!(Iin::date_typo_corrected(&typo, other), None);
        let mut serial = *right.digits();
        serial[8] = (serial[8] + 1) % 10;
        assert_eq!(Iin::date_typo_corrected(&serial, date), None);
        // Valid digits hold no typo to correct.
        let near = NaiveDate::from_ymd_opt(1995, 1, 27).unwrap();
        assert_eq!(Iin::date_typo_corrected(right.digits(), near), None);
        // A date of another century than digit 7 says.
        let old = NaiveDate::from_ymd_opt(2095, 1, 17).unwrap();
        assert_eq!(Iin::date_typo_corrected(&typo, old), None);
    }

    /// Every valid IIN of 1930–2012 (days sampled), with each one of its digits lost or kept as
    /// a number (leading zeros dropped), restored with its holder's birth date: to itself or
    /// not at all, and always when it only lost leading zeros. (Without the date check about
    /// one deletion in a thousand restores to another IIN of the 2000s.)
    #[test]
    fn only_a_lost_leading_zero_restores() {
        let (mut right, mut wrong) = (0, 0);
        let mut day = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap();
        let numbers = |text: &str| text.trim_start_matches('0').to_string();
        let last = NaiveDate::from_ymd_opt(2012, 12, 31).unwrap();
        let mut serial = 0u16;
        while day <= last {
            serial = (serial + 7919) % 10_000;
            for sex in [IinSex::Male, IinSex::Female] {
                let Some(iin) = Iin::from_parts(day, sex, serial) else {
                    continue;
                };
                let text = iin.to_string();
                let born = crate::date::PartialDate::from(day);
                let kept_as_number = numbers(&text);
                let lost_one = (0..12).map(|i| format!("{}{}", &text[..i], &text[i + 1..]));
                for lost in lost_one.chain([kept_as_number.clone()]) {
                    match Iin::with_lost_leading_zero(&lost, Some(born)) {
                        Some(r) if r == iin => right += 1,
                        Some(_) => wrong += 1,
                        None => {}
                    }
                }
                // Every IIN of 2000–2009, kept as a number, comes back.
                if (2000..2010).contains(&chrono::Datelike::year(&day)) {
                    assert_eq!(
                        Iin::with_lost_leading_zero(&kept_as_number, Some(born)),
                        Some(iin),
                        "{text}"
                    );
                }
            }
            day += chrono::Duration::days(3);
        }
        assert!(right > 2_000, "{right} restored");
        assert_eq!(wrong, 0, "{wrong} restored to another IIN ({right} right)");
    }

    proptest! {
        #[test]
        fn a_corrected_iin_is_valid_one_edit_away_and_holds_the_date(
            n in 0u64..1_000_000_000_000, y in 1900i32..2025, doy in 1u32..365,
        ) {
            let d = digits_of_number(n);
            let date = NaiveDate::from_yo_opt(y, doy).unwrap();
            if let Some(c) = Iin::date_typo_corrected(&d, date) {
                prop_assert!(validate(d).is_err());
                prop_assert_eq!(c.birth_date(), date);
                prop_assert!(numbers_one_edit_apart(n, c.as_u64()));
            }
        }
    }

    proptest! {
        #[test]
        fn numbers_one_edit_apart_agrees_with_is_one_edit_from(
            n in 0u64..1_000_000_000_000, pos in 0usize..12, v in 0u8..10, swap in any::<bool>(), far in any::<bool>(),
        ) {
            let a = digits_of_number(n);
            let mut b = a;
            if swap && pos < 11 { b.swap(pos, pos + 1); } else { b[pos] = v; }
            if far { b[(pos + 5) % 12] = (b[(pos + 5) % 12] + 1) % 10; }
            let m = b.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d));
            let diff: Vec<usize> = (0..12).filter(|&i| a[i] != b[i]).collect();
            let expected = match diff.as_slice() {
                [_] => true,
                [x, y] => *y == x + 1 && a[*x] == b[*y] && a[*y] == b[*x],
                _ => false,
            };
            prop_assert_eq!(numbers_one_edit_apart(n, m), expected);
            prop_assert_eq!(numbers_one_edit_apart(m, n), expected);
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn known_valid_iin_parses_with_date_and_sex() {
        // 900101 3 0123 ? : compute via from_parts, then parse the string form back.
        let iin = Iin::from_parts(date(1990, 1, 1), IinSex::Male, 123).unwrap();
        let parsed = Iin::parse(&iin.to_string()).unwrap();
        assert_eq!(parsed, iin);
        assert_eq!(parsed.birth_date(), date(1990, 1, 1));
        assert_eq!(parsed.sex(), IinSex::Male);
        assert_eq!(&parsed.to_string()[..7], "9001013");
    }

    #[test]
    fn grouping_separators_are_tolerated_and_nothing_else() {
        let want = Iin::parse("870412300129").unwrap();
        for grouped in [
            "870412 300129",
            " 8704 1230 0129 ",
            "870412-300129",
            "870412\u{a0}300129",
        ] {
            assert_eq!(Iin::parse(grouped), Ok(want), "{grouped:?}");
        }
        assert_eq!(without_separators("870412 300129"), "870412300129");
        assert!(matches!(
            Iin::parse("870412_300129"),
            Err(IinError::WrongLength(13))
        ));
        assert!(matches!(
            Iin::parse("870412.30012"),
            Err(IinError::NotDigits('.'))
        ));
        // A number formatted as a float: its zero decimal part goes, and nothing else does.
        for float in [
            "870412300129.0",
            "870412300129.00",
            "870412300129,0 ",
            "870412 300129.0",
        ] {
            assert_eq!(Iin::parse(float), Ok(want), "{float:?}");
        }
        for other in ["870412300129.5", "870412300129.", "870412300129.0.0", ".0"] {
            assert!(Iin::parse(other).is_err(), "{other:?}");
        }
        let born = crate::date::PartialDate::parse("2003-05-21").unwrap();
        let young = Iin::from_parts(
            NaiveDate::from_ymd_opt(2003, 5, 21).unwrap(),
            IinSex::Male,
            4925,
        )
        .unwrap();
        let as_float = format!("{}.0", young.as_u64());
        assert_eq!(
            Iin::with_lost_leading_zero(&as_float, Some(born)),
            Some(young)
        );
    }

    #[test]
    fn check_digit_matches_hand_computation() {
        // 8 7 0 4 1 2 3 0 0 1 2: Σ d[i]*i = 8+14+0+16+5+12+21+0+0+10+22 = 108; 108 mod 11 = 9.
        assert_eq!(check_digit(&[8, 7, 0, 4, 1, 2, 3, 0, 0, 1, 2]), Some(9));
        assert!(Iin::parse("870412300129").is_ok());
        assert_eq!(
            Iin::parse("870412300128"),
            Err(IinError::BadCheckDigit {
                found: 8,
                expected: 9
            })
        );
    }

    #[test]
    fn second_pass_is_used_when_first_gives_ten() {
        // Find a prefix whose first pass is 10 and check the second pass is applied.
        let mut found = false;
        for serial in 0..10000u16 {
            let s = format!("9001013{serial:04}");
            let d: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
            let first11: [u8; 11] = d[..11].try_into().unwrap();
            let p1: u32 = first11
                .iter()
                .enumerate()
                .map(|(i, &x)| (i as u32 + 1) * x as u32)
                .sum::<u32>()
                % 11;
            if p1 == 10 {
                let p2: u32 = first11
                    .iter()
                    .zip(WEIGHTS_SECOND)
                    .map(|(&x, w)| x as u32 * w)
                    .sum::<u32>()
                    % 11;
                let cd = check_digit(&first11);
                if p2 == 10 {
                    assert_eq!(cd, None);
                } else {
                    assert_eq!(cd, Some(p2 as u8));
                    found = true;
                }
            }
        }
        assert!(found);
    }

    #[test]
    fn precise_errors() {
        assert_eq!(Iin::parse("12345"), Err(IinError::WrongLength(5)));
        assert_eq!(Iin::parse("12345678901a"), Err(IinError::NotDigits('a')));
        assert_eq!(
            Iin::parse("９００１０１３００１２３"),
            Err(IinError::NotDigits('９'))
        );
        assert_eq!(
            Iin::parse("900101700123"),
            Err(IinError::BadCenturyDigit(7))
        );
        assert!(matches!(
            Iin::parse("900231300123"),
            Err(IinError::BadBirthDate(_))
        ));
        assert_eq!(Iin::parse(""), Err(IinError::WrongLength(0)));
    }

    #[test]
    fn near_misses_are_valid_and_one_edit_away() {
        let iin = Iin::from_parts(date(1985, 6, 15), IinSex::Female, 4321).unwrap();
        let near = iin.near_misses();
        assert!(!near.is_empty());
        for n in &near {
            assert_ne!(n, &iin);
            assert!(iin.is_one_edit_from(n));
            assert!(Iin::parse(&n.to_string()).is_ok());
        }
    }

    #[test]
    fn u64_round_trip_keeps_leading_zeros() {
        let iin = Iin::from_parts(date(2005, 3, 9), IinSex::Male, 7).unwrap();
        assert!(iin.to_string().starts_with('0'));
        assert_eq!(Iin::from_u64(iin.as_u64()).unwrap(), iin);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Iin::parse(&s);
        }

        #[test]
        fn from_parts_always_parses(days in 0i64..80_000, male in any::<bool>(), serial in 0u16..10000) {
            let birth = date(1850, 1, 1) + chrono::Duration::days(days);
            let sex = if male { IinSex::Male } else { IinSex::Female };
            if let Some(iin) = Iin::from_parts(birth, sex, serial) {
                let back = Iin::parse(&iin.to_string()).unwrap();
                prop_assert_eq!(back.birth_date(), birth);
                prop_assert_eq!(back.sex(), sex);
            }
        }

        #[test]
        fn near_miss_relation_is_symmetric(days in 0i64..40_000, serial in 0u16..10000) {
            let birth = date(1930, 1, 1) + chrono::Duration::days(days);
            if let Some(iin) = Iin::from_parts(birth, IinSex::Male, serial) {
                for n in iin.near_misses() {
                    prop_assert!(n.near_misses().contains(&iin));
                }
            }
        }
    }
}
