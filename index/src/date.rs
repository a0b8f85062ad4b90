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
