//! Deadlines of the certificate services: the eight kinds, their terms (minutes, working days,
//! calendar days) and the due moment in Kazakhstan time. The day of submission is not counted; a
//! term in days is due at the end of its last day (23:59:59). It must never compute a
//! working-day deadline past the calendar table: that is an error.

use super::calendar::{Calendar, CalendarError};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use std::fmt;
use std::str::FromStr;

/// The kinds of deadline `tanu due --kind` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineKind {
    /// Automatic criminal-record certificate (also a third party's, after consent): 10 minutes.
    CriminalRecord,
    /// Automatic administrative-offence certificate: 15 minutes.
    AdministrativeOffences,
    /// The subject's consent to a third-party request: 2 hours.
    Consent,
    /// Manual processing with an additional check: 5 working days.
    AdditionalCheck,
    /// Interim answer: 4 working days.
    InterimAnswer,
    /// Archive certificates and copies: 8 calendar days.
    Archive,
    /// Paper certificate for travel abroad, regional: 5 working days.
    AbroadPaperRegional,
    /// Paper certificate for travel abroad, other: 10 working days.
    AbroadPaperOther,
}

/// How a deadline's term is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// Elapsed minutes from the moment received.
    Minutes(i64),
    /// Working days after the day of submission, due at the end of the last one.
    WorkingDays(u32),
    /// Calendar days after the day of submission, due at the end of the last one.
    CalendarDays(u32),
}

impl DeadlineKind {
    pub const ALL: [DeadlineKind; 8] = [
        DeadlineKind::CriminalRecord,
        DeadlineKind::AdministrativeOffences,
        DeadlineKind::Consent,
        DeadlineKind::AdditionalCheck,
        DeadlineKind::InterimAnswer,
        DeadlineKind::Archive,
        DeadlineKind::AbroadPaperRegional,
        DeadlineKind::AbroadPaperOther,
    ];

    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::CriminalRecord => "criminal_record",
            DeadlineKind::AdministrativeOffences => "administrative_offences",
            DeadlineKind::Consent => "consent",
            DeadlineKind::AdditionalCheck => "additional_check",
            DeadlineKind::InterimAnswer => "interim_answer",
            DeadlineKind::Archive => "archive",
            DeadlineKind::AbroadPaperRegional => "abroad_paper_regional",
            DeadlineKind::AbroadPaperOther => "abroad_paper_other",
        }
    }

    /// The term of this kind.
    pub fn term(self) -> Term {
        match self {
            DeadlineKind::CriminalRecord => Term::Minutes(10),
            DeadlineKind::AdministrativeOffences => Term::Minutes(15),
            DeadlineKind::Consent => Term::Minutes(120),
            DeadlineKind::AdditionalCheck => Term::WorkingDays(5),
            DeadlineKind::InterimAnswer => Term::WorkingDays(4),
            DeadlineKind::Archive => Term::CalendarDays(8),
            DeadlineKind::AbroadPaperRegional => Term::WorkingDays(5),
            DeadlineKind::AbroadPaperOther => Term::WorkingDays(10),
        }
    }
}

impl fmt::Display for DeadlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A deadline kind name that is not one of the eight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown deadline kind `{0}`: expected one of criminal_record, administrative_offences, \
     consent, additional_check, interim_answer, archive, abroad_paper_regional, abroad_paper_other"
)]
pub struct UnknownDeadlineKind(pub String);

impl FromStr for DeadlineKind {
    type Err = UnknownDeadlineKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeadlineKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownDeadlineKind(s.to_string()))
    }
}

/// Kazakhstan time as the regulations and `tanu due` state it: UTC+5 (the single zone in force
/// since 2024-03-01). Earlier instants are shown on the same UTC+5 clock so that every deadline
/// tanu prints has one offset; the calendar table starts in 2024, so only January–February 2024
/// (then UTC+6 in Astana) read one hour earlier than the wall clocks of the time.
pub fn kazakhstan_offset_at(_instant: DateTime<Utc>) -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).expect("5 hours is a valid offset")
}

/// The offset of a local date in Kazakhstan (always UTC+5, see `kazakhstan_offset_at`).
pub fn kazakhstan_offset_on(_date: NaiveDate) -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).expect("5 hours is a valid offset")
}

/// `instant` on the Kazakhstan clock; an error when its local time is not representable.
pub fn to_kazakhstan_time<Tz: TimeZone>(
    instant: &DateTime<Tz>,
) -> Result<DateTime<FixedOffset>, CalendarError> {
    let utc = instant.with_timezone(&Utc);
    let offset = kazakhstan_offset_at(utc);
    utc.naive_utc()
        .checked_add_offset(offset)
        .ok_or_else(|| CalendarError::Overflow(format!("{utc} in Kazakhstan time")))?;
    Ok(utc.with_timezone(&offset))
}

/// The end (23:59:59) of a Kazakhstan day.
fn end_of_day(date: NaiveDate) -> Result<DateTime<FixedOffset>, CalendarError> {
    let last_second = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
    kazakhstan_offset_on(date)
        .from_local_datetime(&date.and_time(last_second))
        .single()
        .ok_or_else(|| CalendarError::Overflow(format!("end of {date}")))
}

/// When a request received at `received` (any offset) is due, in Kazakhstan time.
///
/// Minutes run from the moment received. Days run from the day after the day of submission (the
/// Kazakhstan date of `received`), and the term is due at 23:59:59 of its last day; working days
/// come from `calendar`, and a last day past its table is an error.
pub fn due(
    kind: DeadlineKind,
    received: DateTime<FixedOffset>,
    calendar: &Calendar,
) -> Result<DateTime<FixedOffset>, CalendarError> {
    let local = to_kazakhstan_time(&received)?;
    let submitted = local.date_naive();
    match kind.term() {
        Term::Minutes(m) => {
            let at = received
                .checked_add_signed(Duration::minutes(m))
                .ok_or_else(|| CalendarError::Overflow(format!("{received} + {m} minutes")))?;
            to_kazakhstan_time(&at)
        }
        Term::WorkingDays(n) => end_of_day(calendar.add_working_days(submitted, n)?),
        Term::CalendarDays(n) => {
            let last = submitted
                .checked_add_days(chrono::Days::new(u64::from(n)))
                .ok_or_else(|| CalendarError::Overflow(format!("{submitted} + {n} days")))?;
            end_of_day(last)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::calendar::shipped_calendar;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn due_str(kind: &str, received: &str) -> String {
        let kind: DeadlineKind = kind.parse().unwrap();
        due(kind, at(received), shipped_calendar())
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn kinds_parse_by_name_and_back() {
        for k in DeadlineKind::ALL {
            assert_eq!(k.as_str().parse::<DeadlineKind>().unwrap(), k);
            assert_eq!(k.to_string(), k.as_str());
        }
        let e = "criminal-record".parse::<DeadlineKind>().unwrap_err();
        assert!(e.to_string().contains("criminal_record"), "{e}");
        assert!("".parse::<DeadlineKind>().is_err());
    }

    /// (kind, received, due, why)
    #[test]
    fn deadlines() {
        let cases: &[(&str, &str, &str, &str)] = &[
            // Minutes run on the clock, across midnight and any offset.
            (
                "criminal_record",
                "2025-03-20T23:55:00+05:00",
                "2025-03-21T00:05:00+05:00",
                "10 minutes across midnight",
            ),
            (
                "criminal_record",
                "2025-03-20T18:55:00Z",
                "2025-03-21T00:05:00+05:00",
                "UTC input",
            ),
            (
                "administrative_offences",
                "2025-06-06T10:00:00+03:00",
                "2025-06-06T12:15:00+05:00",
                "15 minutes, on a holiday",
            ),
            (
                "consent",
                "2025-12-31T23:30:00+05:00",
                "2026-01-01T01:30:00+05:00",
                "2 hours across New Year",
            ),
            // The day of submission is not counted.
            (
                "additional_check",
                "2025-06-02T00:01:00+05:00",
                "2025-06-10T23:59:59+05:00",
                "Kurban Ait Friday 6 June skipped",
            ),
            (
                "additional_check",
                "2025-06-02T23:59:00+05:00",
                "2025-06-10T23:59:59+05:00",
                "any time of the day",
            ),
            (
                "interim_answer",
                "2025-04-14T09:00:00+05:00",
                "2025-04-18T23:59:59+05:00",
                "Mon → Fri",
            ),
            // Nauryz.
            (
                "additional_check",
                "2025-03-14T10:00:00+05:00",
                "2025-03-26T23:59:59+05:00",
                "Nauryz 2025 with two moved days",
            ),
            (
                "abroad_paper_other",
                "2026-03-16T10:00:00+05:00",
                "2026-04-02T23:59:59+05:00",
                "Nauryz 2026: 21-25 March off",
            ),
            (
                "abroad_paper_regional",
                "2024-03-19T10:00:00+05:00",
                "2024-03-29T23:59:59+05:00",
                "Nauryz 2024: 23 March Saturday moves to 25",
            ),
            // New Year, a transfer onto a Sunday, Orthodox Christmas.
            (
                "additional_check",
                "2024-12-27T15:00:00+05:00",
                "2025-01-08T23:59:59+05:00",
                "30, 31 Dec, Sun 5 Jan, 6 Jan, 8 Jan",
            ),
            (
                "interim_answer",
                "2026-12-29T15:00:00+05:00",
                "2027-01-06T23:59:59+05:00",
                "2 Jan 2027 Saturday moves to 4 Jan",
            ),
            // The May 2024 transfer and a Saturday working day.
            (
                "additional_check",
                "2024-05-02T12:00:00+05:00",
                "2024-05-13T23:59:59+05:00",
                "Sat 4 May works, 7-9 May off",
            ),
            // Received on a holiday that is a Saturday.
            (
                "interim_answer",
                "2025-10-25T11:00:00+05:00",
                "2025-10-31T23:59:59+05:00",
                "Republic Day Saturday, Monday moved off",
            ),
            // Kurban Ait on a Sunday does not move.
            (
                "interim_answer",
                "2024-06-14T11:00:00+05:00",
                "2024-06-20T23:59:59+05:00",
                "17 June 2024 works",
            ),
            // Late evening UTC is the next Kazakhstan day.
            (
                "additional_check",
                "2025-03-13T20:00:00Z",
                "2025-03-26T23:59:59+05:00",
                "received 14 March 01:00 local",
            ),
            // Calendar days.
            (
                "archive",
                "2025-12-28T10:00:00+05:00",
                "2026-01-05T23:59:59+05:00",
                "8 calendar days across New Year",
            ),
            (
                "archive",
                "2027-12-30T10:00:00+05:00",
                "2028-01-07T23:59:59+05:00",
                "calendar days need no table",
            ),
            // Every answer is on the UTC+5 clock, whatever offset the request came with.
            (
                "interim_answer",
                "2024-02-26T10:00:00+06:00",
                "2024-03-01T23:59:59+05:00",
                "received with +06:00, answered in UTC+5",
            ),
            (
                "criminal_record",
                "2024-02-29T17:45:00Z",
                "2024-02-29T22:55:00+05:00",
                "UTC input",
            ),
            (
                "criminal_record",
                "2025-06-30T23:55:00+05:00",
                "2025-07-01T00:05:00+05:00",
                "minutes cross midnight",
            ),
        ];
        for (kind, received, expected, why) in cases {
            assert_eq!(
                due_str(kind, received),
                *expected,
                "{kind} {received}: {why}"
            );
        }
    }

    #[test]
    fn past_the_table_is_an_error() {
        let e = due(
            DeadlineKind::AdditionalCheck,
            at("2027-12-28T10:00:00+05:00"),
            shipped_calendar(),
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::OutOfRange { .. }), "{e}");
        let e = due(
            DeadlineKind::InterimAnswer,
            at("2023-12-20T10:00:00+06:00"),
            shipped_calendar(),
        )
        .unwrap_err();
        assert!(matches!(e, CalendarError::OutOfRange { .. }), "{e}");
        // The last deadline the table can answer.
        assert_eq!(
            due_str("additional_check", "2027-12-23T10:00:00+05:00"),
            "2027-12-30T23:59:59+05:00"
        );
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let max = DateTime::<Utc>::MAX_UTC.fixed_offset();
        let min = DateTime::<Utc>::MIN_UTC.fixed_offset();
        for k in DeadlineKind::ALL {
            assert!(due(k, max, shipped_calendar()).is_err(), "{k}");
            let _ = due(k, min, shipped_calendar());
        }
    }
}
