//! The Kazakhstan working-day calendar (five-day week): holidays, the weekend-holiday rule
//! (the next working day becomes a day off, except Kurban Ait and 7 January) and transfers by
//! order, loaded from the yearly table `calendar-kz.toml` shipped in the binary. It answers only
//! for the years in the table: a day outside them is an error, never a guess.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The calendar table shipped with this binary.
pub const SHIPPED_CALENDAR_TOML: &str = include_str!("calendar-kz.toml");

/// A calendar question that cannot be answered, or a table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "no working-day calendar for {date}: the table {version} covers {first_year}–{last_year}; \
         add the year to calendar-kz.toml rather than guess"
    )]
    OutOfRange {
        date: NaiveDate,
        version: String,
        first_year: i32,
        last_year: i32,
    },
    #[error("date or time out of the representable range: {0}")]
    Overflow(String),
    #[error("calendar table is not valid TOML for this schema: {0}")]
    Syntax(String),
    #[error("calendar table: {0}")]
    Invalid(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    version: String,
    first_year: i32,
    last_year: i32,
    #[serde(rename = "year")]
    years: Vec<YearFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    holidays: Vec<HolidayFile>,
    #[serde(default, rename = "transfer")]
    transfers: Vec<TransferFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    date: NaiveDate,
    name: String,
    moves_if_weekend: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TransferFile {
    work_on: NaiveDate,
    rest_on: NaiveDate,
}

/// What one day is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    /// An ordinary Monday–Friday.
    Working,
    /// A Saturday or Sunday made a working day by a transfer (why).
    WorkingWeekend(String),
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A holiday (its name).
    Holiday(String),
    /// A weekday made a day off: by the weekend-holiday rule or by a transfer (why).
    MovedDayOff(String),
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::WorkingWeekend(_))
    }
}

/// The working-day calendar for a contiguous range of years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    version: String,
    first_year: i32,
    last_year: i32,
    holidays: BTreeMap<NaiveDate, String>,
    moved_days_off: BTreeMap<NaiveDate, String>,
    working_weekend_days: BTreeMap<NaiveDate, String>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// Parse and check a calendar table, and apply the weekend-holiday rule.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        let file: CalendarFile =
            toml::from_str(text).map_err(|e| CalendarError::Syntax(e.message().to_string()))?;
        let invalid = |msg: String| Err(CalendarError::Invalid(msg));
        if file.version.trim().is_empty() {
            return invalid("`version` must not be empty".into());
        }
        let listed: Vec<i32> = file.years.iter().map(|y| y.year).collect();
        let expected: Vec<i32> = (file.first_year..=file.last_year).collect();
        if listed != expected || listed.is_empty() {
            return invalid(format!(
                "years listed {listed:?} must be exactly {}..={} in order",
                file.first_year, file.last_year
            ));
        }
        let mut cal = Calendar {
            version: file.version,
            first_year: file.first_year,
            last_year: file.last_year,
            holidays: BTreeMap::new(),
            moved_days_off: BTreeMap::new(),
            working_weekend_days: BTreeMap::new(),
        };
        for y in &file.years {
            for h in &y.holidays {
                if h.date.year() != y.year {
                    return invalid(format!("holiday {} listed under year {}", h.date, y.year));
                }
                if h.name.trim().is_empty() {
                    return invalid(format!("holiday {} has no name", h.date));
                }
                if cal.holidays.insert(h.date, h.name.clone()).is_some() {
                    return invalid(format!("holiday {} listed twice", h.date));
                }
            }
        }
        for y in &file.years {
            for t in &y.transfers {
                for d in [t.work_on, t.rest_on] {
                    if d.year() != y.year {
                        return invalid(format!("transfer date {d} listed under year {}", y.year));
                    }
                    if cal.holidays.contains_key(&d) {
                        return invalid(format!("transfer date {d} is a holiday"));
                    }
                }
                if !is_weekend(t.work_on) {
                    return invalid(format!(
                        "transfer: work_on {} is not a Saturday or Sunday",
                        t.work_on
                    ));
                }
                if is_weekend(t.rest_on) {
                    return invalid(format!(
                        "transfer: rest_on {} is a Saturday or Sunday",
                        t.rest_on
                    ));
                }
                let why = format!("day of rest moved from {} by order", t.work_on);
                if cal.moved_days_off.insert(t.rest_on, why).is_some() {
                    return invalid(format!("transfer: rest_on {} listed twice", t.rest_on));
                }
                let why = format!("working day; its rest moved to {} by order", t.rest_on);
                if cal.working_weekend_days.insert(t.work_on, why).is_some() {
                    return invalid(format!("transfer: work_on {} listed twice", t.work_on));
                }
            }
        }
        // The weekend-holiday rule, in date order so that two weekend holidays in a row take two
        // different following working days (Nauryz 2026: 21 and 22 March → 24 and 25 March).
        for y in &file.years {
            let mut holidays: Vec<&HolidayFile> = y.holidays.iter().collect();
            holidays.sort_by_key(|h| h.date);
            for h in holidays {
                if !h.moves_if_weekend || !is_weekend(h.date) {
                    continue;
                }
                let mut d = h.date;
                loop {
                    d = d
                        .succ_opt()
                        .ok_or_else(|| CalendarError::Overflow(format!("after {}", h.date)))?;
                    if !is_weekend(d)
                        && !cal.holidays.contains_key(&d)
                        && !cal.moved_days_off.contains_key(&d)
                    {
                        break;
                    }
                }
                let why = format!("day off moved from {} ({}) on a weekend", h.date, h.name);
                cal.moved_days_off.insert(d, why);
            }
        }
        Ok(cal)
    }

    /// The table's version, for the certificate's "rule versions used".
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    /// What `date` is; an error outside the table's years.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        if date.year() < self.first_year || date.year() > self.last_year {
            return Err(CalendarError::OutOfRange {
                date,
                version: self.version.clone(),
                first_year: self.first_year,
                last_year: self.last_year,
            });
        }
        if let Some(why) = self.working_weekend_days.get(&date) {
            return Ok(DayKind::WorkingWeekend(why.clone()));
        }
        if let Some(name) = self.holidays.get(&date) {
            return Ok(DayKind::Holiday(name.clone()));
        }
        if let Some(why) = self.moved_days_off.get(&date) {
            return Ok(DayKind::MovedDayOff(why.clone()));
        }
        Ok(if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Working
        })
    }

    /// Whether `date` is a working day; an error outside the table's years.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day(date)?.is_working())
    }

    /// The `n`-th working day after `date` (`date` itself is not counted). `n = 0` is `date`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d
                .succ_opt()
                .ok_or_else(|| CalendarError::Overflow(format!("after {d}")))?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days of one month (for checking the table against the published balance).
    pub fn working_days_in_month(&self, year: i32, month: u32) -> Result<u32, CalendarError> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| CalendarError::Overflow(format!("{year}-{month}")))?;
        let mut count = 0;
        for d in first.iter_days().take_while(|d| d.month() == month) {
            count += u32::from(self.is_working_day(d)?);
        }
        Ok(count)
    }
}

/// Parse the calendar shipped with the binary.
pub fn load_shipped_calendar() -> Result<Calendar, CalendarError> {
    Calendar::from_toml(SHIPPED_CALENDAR_TOML)
}

/// The shipped calendar, parsed once. The shipped text is fixed at build time and pinned by a
/// unit test, so it always parses.
pub fn shipped_calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| {
        load_shipped_calendar().expect("the shipped calendar-kz.toml is checked by tests")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> &'static Calendar {
        shipped_calendar()
    }

    #[test]
    fn shipped_calendar_parses() {
        let c = load_shipped_calendar().unwrap();
        assert_eq!((c.first_year(), c.last_year()), (2024, 2027));
        assert!(c.version().starts_with("kz-calendar/"));
    }

    /// Days whose kind is the point of a rule: holidays on weekends, the exceptions, transfers.
    #[test]
    fn day_kinds() {
        let working = |s: &str| cal().is_working_day(d(s)).unwrap();
        let cases: &[(&str, bool, &str)] = &[
            // 2024
            ("2024-01-01", false, "New Year, Monday"),
            ("2024-01-03", true, "first working day of 2024"),
            (
                "2024-01-08",
                true,
                "7 January 2024 was a Sunday and does not move",
            ),
            (
                "2024-03-25",
                false,
                "Nauryz 23 March 2024 was a Saturday: Monday is off",
            ),
            ("2024-03-26", true, "after Nauryz 2024"),
            (
                "2024-05-04",
                true,
                "Saturday made a working day by the order of 17 April 2024",
            ),
            ("2024-05-08", false, "rest moved from 4 May 2024"),
            ("2024-06-16", false, "Kurban Ait 2024, a Sunday"),
            ("2024-06-17", true, "Kurban Ait on a Sunday does not move"),
            (
                "2024-07-08",
                false,
                "Capital Day 6 July 2024 was a Saturday",
            ),
            // 2025
            ("2025-01-03", false, "rest moved from Sunday 5 January 2025"),
            ("2025-01-04", false, "an ordinary Saturday"),
            ("2025-01-05", true, "Sunday made a working day by order"),
            ("2025-01-07", false, "Orthodox Christmas, Tuesday"),
            ("2025-03-10", false, "8 March 2025 was a Saturday"),
            ("2025-03-21", false, "Nauryz, Friday"),
            ("2025-03-24", false, "Nauryz 22 March 2025, Saturday, moved"),
            ("2025-03-25", false, "Nauryz 23 March 2025, Sunday, moved"),
            ("2025-03-26", true, "after Nauryz 2025"),
            ("2025-05-08", true, "no bridge in May 2025"),
            ("2025-06-06", false, "Kurban Ait 2025, Friday"),
            ("2025-07-07", false, "Capital Day 2025 was a Sunday"),
            ("2025-09-01", false, "Constitution Day 2025 was a Saturday"),
            ("2025-10-27", false, "Republic Day 2025 was a Saturday"),
            // 2026
            ("2026-01-05", true, "no New Year transfer in 2026"),
            ("2026-03-09", false, "8 March 2026 was a Sunday"),
            ("2026-03-23", false, "Nauryz, Monday"),
            ("2026-03-24", false, "Nauryz 21 March 2026, Saturday, moved"),
            ("2026-03-25", false, "Nauryz 22 March 2026, Sunday, moved"),
            ("2026-03-26", true, "after Nauryz 2026"),
            ("2026-05-11", false, "Victory Day 2026 was a Saturday"),
            ("2026-08-31", false, "Constitution Day 2026 was a Sunday"),
            ("2026-10-26", false, "Republic Day 2026 was a Sunday"),
            // 2027
            ("2027-01-04", false, "2 January 2027 was a Saturday"),
            ("2027-01-05", true, "after New Year 2027"),
            (
                "2027-03-24",
                false,
                "Nauryz 21 March 2027, Sunday, moved past 22-23",
            ),
            ("2027-05-03", false, "Unity Day 2027 was a Saturday"),
            ("2027-05-10", false, "Victory Day 2027 was a Sunday"),
            ("2027-05-17", true, "Kurban Ait 2027 (Sunday) does not move"),
        ];
        for (day, expected, why) in cases {
            assert_eq!(working(day), *expected, "{day}: {why}");
        }
        assert!(matches!(
            cal().day(d("2025-01-05")).unwrap(),
            DayKind::WorkingWeekend(_)
        ));
        assert!(matches!(
            cal().day(d("2024-03-25")).unwrap(),
            DayKind::MovedDayOff(_)
        ));
        assert_eq!(
            cal().day(d("2024-01-07")).unwrap(),
            DayKind::Holiday("Orthodox Christmas".into())
        );
    }

    /// Yearly totals as published (2025, 2026: 246) and the 2024 balance corrected for Kurban
    /// Ait falling on Sunday 16 June instead of Monday 17 June.
    #[test]
    fn working_days_per_year_and_month() {
        let per_year = |y: i32| -> u32 {
            (1..=12)
                .map(|m| cal().working_days_in_month(y, m).unwrap())
                .sum()
        };
        assert_eq!(per_year(2024), 249);
        assert_eq!(per_year(2025), 246);
        assert_eq!(per_year(2026), 246);
        assert_eq!(per_year(2027), 247);
        let balance_2024 = [21, 21, 17, 22, 20, 20, 22, 21, 21, 22, 21, 21];
        for (m, expected) in (1..=12).zip(balance_2024) {
            assert_eq!(
                cal().working_days_in_month(2024, m).unwrap(),
                expected,
                "2024-{m}"
            );
        }
        assert_eq!(cal().working_days_in_month(2026, 1).unwrap(), 19);
    }

    #[test]
    fn outside_the_table_is_an_error() {
        for day in ["2023-12-31", "2028-01-01"] {
            let e = cal().is_working_day(d(day)).unwrap_err();
            assert!(matches!(e, CalendarError::OutOfRange { .. }), "{e}");
            assert!(e.to_string().contains("2024–2027"), "{e}");
        }
        let e = cal().add_working_days(d("2027-12-29"), 5).unwrap_err();
        assert!(matches!(e, CalendarError::OutOfRange { .. }), "{e}");
    }

    #[test]
    fn adding_working_days_skips_the_start_day() {
        assert_eq!(
            cal().add_working_days(d("2025-03-14"), 0).unwrap(),
            d("2025-03-14")
        );
        assert_eq!(
            cal().add_working_days(d("2025-03-14"), 1).unwrap(),
            d("2025-03-17")
        );
        assert_eq!(
            cal().add_working_days(d("2025-03-20"), 1).unwrap(),
            d("2025-03-26")
        );
        assert_eq!(
            cal().add_working_days(d("2024-12-31"), 1).unwrap(),
            d("2025-01-05")
        );
    }

    #[test]
    fn bad_tables_are_errors() {
        let base = SHIPPED_CALENDAR_TOML;
        let cases = [
            base.replace("last_year = 2027", "last_year = 2028"),
            base.replace("work_on = \"2024-05-04\"", "work_on = \"2024-05-06\""),
            base.replace("rest_on = \"2024-05-08\"", "rest_on = \"2024-05-11\""),
            base.replace("\"2024-12-16\"", "\"2025-12-16\""),
            base.replace("\"2025-10-25\"", "\"2025-10-24\"")
                .replace("\"2025-12-16\"", "\"2025-10-24\""),
            base.replace(
                "moves_if_weekend = true }",
                "moves_if_weekend = true, extra = 1 }",
            ),
            base.replace("\"2026-03-08\"", "\"2026-02-30\""),
        ];
        for (i, text) in cases.iter().enumerate() {
            assert!(Calendar::from_toml(text).is_err(), "case {i}");
        }
    }
}
