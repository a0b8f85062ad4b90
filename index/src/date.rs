//! Calendar dates as the registry holds them: full ISO dates for records, and partial birth dates
//! ("YYYY-MM-DD", "YYYY-MM" or "YYYY") for persons from old records. Owns parsing and the compact
//! numeric forms used in the index; it must never guess a missing month or day.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected YYYY-MM-DD, got {0:?}")]
    Format(String),
    #[error("expected YYYY-MM-DD, YYYY-MM or YYYY, got {0:?}")]
    PartialFormat(String),
    #[error("impossible date {0:?}")]
    Impossible(String),
    #[error("year {0} is outside 1800-2200")]
    YearOutOfRange(i32),
}

fn ascii_number(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// Parse a full ISO-8601 calendar date ("YYYY-MM-DD").
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let mut it = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(DateError::Format(s.to_string()));
    };
    let (Some(y), Some(m), Some(d)) = (ascii_number(y, 4), ascii_number(m, 2), ascii_number(d, 2))
    else {
        return Err(DateError::Format(s.to_string()));
    };
    check_year(y as i32)?;
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| DateError::Impossible(s.to_string()))
}

fn check_year(y: i32) -> Result<(), DateError> {
    if (1800..=2200).contains(&y) {
        Ok(())
    } else {
        Err(DateError::YearOutOfRange(y))
    }
}

/// A birth date that may lack its day, or its month and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: u16,
    /// 1-12, or `None` when unknown.
    pub month: Option<u8>,
    /// 1-31, or `None` when unknown (always `None` when the month is unknown).
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parse "YYYY-MM-DD", "YYYY-MM" or "YYYY".
    pub fn parse(s: &str) -> Result<PartialDate, DateError> {
        let parts: Vec<&str> = s.split('-').collect();
        let bad = || DateError::PartialFormat(s.to_string());
        let year = ascii_number(parts[0], 4).ok_or_else(bad)?;
        check_year(year as i32)?;
        match parts.len() {
            1 => Ok(PartialDate {
                year: year as u16,
                month: None,
                day: None,
            }),
            2 => {
                let m = ascii_number(parts[1], 2).ok_or_else(bad)?;
                if !(1..=12).contains(&m) {
                    return Err(DateError::Impossible(s.to_string()));
                }
                Ok(PartialDate {
                    year: year as u16,
                    month: Some(m as u8),
                    day: None,
                })
            }
            3 => {
                let d = parse_date(s)?;
                Ok(PartialDate::from(d))
            }
            _ => Err(bad()),
        }
    }

    /// Parse a birth date as people and other systems write it: the forms of [`parse`]
    /// (`Self::parse`) and also `DD.MM.YYYY`, `MM.YYYY`, `YYYY.MM.DD`, `DD/MM/YYYY`,
    /// `YYYY/MM/DD`, `YYYYMMDD`, one-digit days and months, a trailing time (`1987-04-12T00:00:00`)
    /// and `00` for an unknown day or month (`1987-04-00`, `00.00.1987`). Slashed dates are read
    /// day first, as Kazakhstan writes them. A day without its month is dropped (the year stays);
    /// an impossible full date is an error, never a guess.
    pub fn parse_written(s: &str) -> Result<PartialDate, DateError> {
        let s = s.trim();
        if let Ok(d) = PartialDate::parse(s) {
            return Ok(d);
        }
        let bad = || DateError::PartialFormat(s.to_string());
        // A time after the date ("T…" or a space) is not part of a birth date.
        let date = s.split(['T', ' ']).next().unwrap_or(s);
        let parts: Vec<&str> = date.split(['-', '.', '/']).collect();
        let number = |p: &str, max_len: usize| -> Option<u32> {
            (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())?
        };
        let year4 = |p: &str| (p.len() == 4).then(|| number(p, 4)).flatten();
        let (year, month, day) = match parts.as_slice() {
            [one] if one.len() == 8 && one.bytes().all(|b| b.is_ascii_digit()) => (
                number(&one[..4], 4).ok_or_else(bad)?,
                number(&one[4..6], 2).ok_or_else(bad)?,
                number(&one[6..], 2).ok_or_else(bad)?,
            ),
            [y] => (year4(y).ok_or_else(bad)?, 0, 0),
            [a, b] => match (year4(a), year4(b)) {
                (Some(y), None) => (y, number(b, 2).ok_or_else(bad)?, 0),
                (None, Some(y)) => (y, number(a, 2).ok_or_else(bad)?, 0),
                _ => return Err(bad()),
            },
            [a, b, c] => match (year4(a), year4(c)) {
                (Some(y), None) => (
                    y,
                    number(b, 2).ok_or_else(bad)?,
                    number(c, 2).ok_or_else(bad)?,
                ),
                (None, Some(y)) => (
                    y,
                    number(b, 2).ok_or_else(bad)?,
                    number(a, 2).ok_or_else(bad)?,
                ),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        check_year(year as i32)?;
        if month > 12 {
            return Err(DateError::Impossible(s.to_string()));
        }
        let date = PartialDate {
            year: year as u16,
            month: (month != 0).then_some(month as u8),
            day: (month != 0 && day != 0).then_some(day as u8),
        };
        if date.day.is_some() && date.full().is_none() {
            return Err(DateError::Impossible(s.to_string()));
        }
        Ok(date)
    }

    /// What a damaged registry line's birth date still tells: [`Self::parse_written`], and for
    /// an impossible day (`1987-02-30`) the year and month, for an impossible month the year.
    pub fn salvage(s: &str) -> Option<PartialDate> {
        match PartialDate::parse_written(s) {
            Ok(d) => Some(d),
            Err(DateError::Impossible(_)) => {
                let digits: Vec<&str> = s
                    .trim()
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|p| !p.is_empty())
                    .collect();
                let (year, month): (i32, u32) = match digits.as_slice() {
                    [y, m, ..] if y.len() == 4 => (y.parse().ok()?, m.parse().ok()?),
                    [_, m, y] if y.len() == 4 => (y.parse().ok()?, m.parse().ok()?),
                    [ym] if ym.len() == 8 && ym.is_ascii() => {
                        (ym[..4].parse().ok()?, ym[4..6].parse().ok()?)
                    }
                    _ => return None,
                };
                check_year(year).ok()?;
                Some(PartialDate {
                    year: year as u16,
                    month: (1..=12).contains(&month).then_some(month as u8),
                    day: None,
                })
            }
            Err(_) => None,
        }
    }

    /// The full date, when month and day are known.
    pub fn full(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            i32::from(self.year),
            u32::from(self.month?),
            u32::from(self.day?),
        )
    }

    /// Compact form for the index: YYYYMMDD with 00 for unknown parts.
    pub fn to_key(&self) -> u32 {
        u32::from(self.year) * 10_000
            + u32::from(self.month.unwrap_or(0)) * 100
            + u32::from(self.day.unwrap_or(0))
    }

    /// Inverse of `to_key`; `None` for keys that no `PartialDate` produces.
    pub fn from_key(key: u32) -> Option<PartialDate> {
        let year = key / 10_000;
        let month = (key / 100 % 100) as u8;
        let day = (key % 100) as u8;
        check_year(year as i32).ok()?;
        let pd = PartialDate {
            year: year as u16,
            month: (month != 0).then_some(month),
            day: (day != 0).then_some(day),
        };
        match (pd.month, pd.day) {
            (None, Some(_)) => None,
            (Some(m), _) if m > 12 => None,
            (Some(_), Some(_)) => pd.full().map(|_| pd),
            _ => Some(pd),
        }
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(d: NaiveDate) -> Self {
        PartialDate {
            year: d.year() as u16,
            month: Some(d.month() as u8),
            day: Some(d.day() as u8),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// Days since 1970-01-01 (the compact form of a full date in the index).
pub fn to_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

/// Inverse of `to_days`.
pub fn from_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(i64::from(days)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn partial_forms() {
        assert_eq!(PartialDate::parse("1990").unwrap().to_string(), "1990");
        assert_eq!(
            PartialDate::parse("1990-07").unwrap().to_string(),
            "1990-07"
        );
        assert_eq!(
            PartialDate::parse("1990-07-03").unwrap().to_string(),
            "1990-07-03"
        );
        assert!(matches!(
            PartialDate::parse("1990-02-30"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            PartialDate::parse("1990-13"),
            Err(DateError::Impossible(_))
        ));
        assert!(PartialDate::parse("90-01-01").is_err());
        assert!(PartialDate::parse("1990-1-1").is_err());
        assert!(PartialDate::parse("").is_err());
        assert!(PartialDate::parse("1990-01-01-01").is_err());
        assert!(matches!(
            PartialDate::parse("0990"),
            Err(DateError::YearOutOfRange(990))
        ));
    }

    #[test]
    fn written_forms() {
        let w = |s: &str| PartialDate::parse_written(s).map(|d| d.to_string());
        assert_eq!(w("1987-04-12").unwrap(), "1987-04-12");
        assert_eq!(w("12.04.1987").unwrap(), "1987-04-12");
        assert_eq!(w("2.4.1987").unwrap(), "1987-04-02");
        assert_eq!(w("12/04/1987").unwrap(), "1987-04-12");
        assert_eq!(w("1987/04/12").unwrap(), "1987-04-12");
        assert_eq!(w("1987.04.12").unwrap(), "1987-04-12");
        assert_eq!(w("19870412").unwrap(), "1987-04-12");
        assert_eq!(w(" 1987-04-12T00:00:00Z ").unwrap(), "1987-04-12");
        assert_eq!(w("1987-04-12 00:00:00").unwrap(), "1987-04-12");
        assert_eq!(w("04.1987").unwrap(), "1987-04");
        assert_eq!(w("1987-04-00").unwrap(), "1987-04");
        assert_eq!(w("1987-00-00").unwrap(), "1987");
        assert_eq!(w("00.00.1987").unwrap(), "1987");
        assert_eq!(w("12.00.1987").unwrap(), "1987");
        assert!(matches!(
            PartialDate::parse_written("30.02.1987"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            PartialDate::parse_written("1987-13-01"),
            Err(DateError::Impossible(_))
        ));
        for bad in [
            "",
            "87",
            "12.04.87",
            "1987-04-12-01",
            "апрель 1987",
            "1987--12",
            "٢٠٢٣",
        ] {
            assert!(PartialDate::parse_written(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn salvage_keeps_what_an_impossible_date_still_says() {
        let s = |x: &str| PartialDate::salvage(x).map(|d| d.to_string());
        assert_eq!(s("1987-02-30").as_deref(), Some("1987-02"));
        assert_eq!(s("30.02.1987").as_deref(), Some("1987-02"));
        assert_eq!(s("1987-13-01").as_deref(), Some("1987"));
        assert_eq!(s("19871301").as_deref(), Some("1987"));
        assert_eq!(s("12.04.1987").as_deref(), Some("1987-04-12"));
        assert_eq!(s("unknown"), None);
        assert_eq!(s("0987-01-01"), None);
    }

    proptest! {
        #[test]
        fn written_never_panics_and_agrees_with_strict(s in "\\PC{0,24}") {
            if let Ok(d) = PartialDate::parse(&s) {
                prop_assert_eq!(PartialDate::parse_written(&s).unwrap(), d);
            }
            let _ = PartialDate::salvage(&s);
        }

        #[test]
        fn written_day_first_round_trips(y in 1800u16..=2200, m in 1u8..=12, d in 1u8..=28) {
            let text = format!("{d:02}.{m:02}.{y}");
            let want = PartialDate { year: y, month: Some(m), day: Some(d) };
            prop_assert_eq!(PartialDate::parse_written(&text).unwrap(), want);
        }
    }

    #[test]
    fn full_dates() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(matches!(
            parse_date("2023-02-29"),
            Err(DateError::Impossible(_))
        ));
        assert!(parse_date("2023-02").is_err());
        assert!(parse_date("２０２３-01-01").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,16}") {
            let _ = PartialDate::parse(&s);
            let _ = parse_date(&s);
        }

        #[test]
        fn key_round_trip(days in -50_000i32..60_000, drop in 0u8..3) {
            let d = from_days(days).unwrap();
            let mut pd = PartialDate::from(d);
            if drop >= 1 { pd.day = None; }
            if drop >= 2 { pd.month = None; }
            prop_assert_eq!(PartialDate::from_key(pd.to_key()), Some(pd));
            prop_assert_eq!(PartialDate::parse(&pd.to_string()).unwrap(), pd);
        }
    }
}
