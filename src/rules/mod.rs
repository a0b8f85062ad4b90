//! The legal rules applied to a person's records: expunction of convictions (Criminal Code art.
//! 79), administrative offences that still count (Administrative Offences Code art. 61), the
//! exclusions, the certificate content, and the working-day calendar with its deadlines.
//! Everything here is a pure function of records, dates and the shipped data tables; it must
//! never match persons, read the index, or guess a date the records do not give.

pub mod admin;
pub mod calendar;
pub mod content;
pub mod deadline;
pub mod expunction;

use chrono::{Months, NaiveDate};
use serde::Serialize;

pub use content::{
    Analysis, CertificateKind, RecordAnalysis, RecordType, analyse, analyse_damaged,
};

/// What a record means for the certificate on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// The conviction is not expunged, or the administrative offence still counts.
    Current,
    /// The conviction is expunged or removed by a court, or the offence no longer counts.
    Expunged,
    /// Never shown in a certificate (a citizen serving a sentence abroad).
    Excluded,
    /// The records do not give what the rule needs: a clerk decides (the rule text says why).
    NeedsClerk,
}

impl RecordStatus {
    /// The word used in JSON and in clerk-facing text.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Current => "current",
            RecordStatus::Expunged => "expunged",
            RecordStatus::Excluded => "excluded",
            RecordStatus::NeedsClerk => "needs_clerk",
        }
    }
}

/// The outcome of one rule for one record on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordAssessment {
    pub status: RecordStatus,
    /// The first day on which the record is expunged (or no longer counts), past or future;
    /// `None` when it cannot be known from the records.
    pub effective_date: Option<NaiveDate>,
    /// The rule that decided, in words a clerk recognises, with the dates it used.
    pub rule: String,
}

impl RecordAssessment {
    fn needs_clerk(rule: impl Into<String>) -> Self {
        RecordAssessment {
            status: RecordStatus::NeedsClerk,
            effective_date: None,
            rule: rule.into(),
        }
    }

    /// `Expunged` from `effective` on, `Current` before it.
    fn from_effective(effective: NaiveDate, as_of: NaiveDate, rule: String) -> Self {
        RecordAssessment {
            status: if as_of >= effective {
                RecordStatus::Expunged
            } else {
                RecordStatus::Current
            },
            effective_date: Some(effective),
            rule,
        }
    }
}

/// The versions of the rule tables a result was computed with (for a signed certificate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RuleVersions {
    /// `version` of the expunction term table.
    pub expunction_terms: String,
    /// The administrative-offence rule (fixed in code: one year, art. 61).
    pub administrative_offences: String,
    /// `version` of the working-day calendar.
    pub calendar: String,
}

/// The versions of the tables shipped with this binary.
pub fn shipped_rule_versions() -> RuleVersions {
    RuleVersions {
        expunction_terms: expunction::shipped_term_table().version.clone(),
        administrative_offences: admin::RULE_VERSION.to_string(),
        calendar: calendar::shipped_calendar().version().to_string(),
    }
}

/// The last day of a term of `months` months that runs from the day after `start`: the same day
/// of the month `months` later, or that month's last day when it has no such day (29 February
/// in a common year ends on 28 February). `None` past the representable range.
pub(crate) fn term_last_day(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))
}

/// The day a term of `months` months from `start` has run out: the day after its last day.
pub(crate) fn day_after_term(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    term_last_day(start, months)?.succ_opt()
}

/// "1 year", "3 years", "6 months", "1 year 6 months".
pub(crate) fn describe_months(months: u32) -> String {
    let (y, m) = (months / 12, months % 12);
    let part = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (y, m) {
        (0, 0) => "0 days".to_string(),
        (y, 0) => part(y, "year", "years"),
        (0, m) => part(m, "month", "months"),
        (y, m) => format!(
            "{} {}",
            part(y, "year", "years"),
            part(m, "month", "months")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn term_ends_on_the_anniversary_and_runs_out_the_day_after() {
        let cases = [
            ("2020-05-10", 12, "2021-05-10", "2021-05-11"),
            ("2020-02-29", 12, "2021-02-28", "2021-03-01"),
            ("2020-02-29", 48, "2024-02-29", "2024-03-01"),
            ("2019-02-28", 12, "2020-02-28", "2020-02-29"),
            ("2023-12-31", 36, "2026-12-31", "2027-01-01"),
            ("2021-01-31", 1, "2021-02-28", "2021-03-01"),
        ];
        for (start, months, last, after) in cases {
            assert_eq!(term_last_day(d(start), months), Some(d(last)), "{start}");
            assert_eq!(day_after_term(d(start), months), Some(d(after)), "{start}");
        }
        assert_eq!(day_after_term(NaiveDate::MAX, 12), None);
    }

    #[test]
    fn months_are_described_in_words() {
        assert_eq!(describe_months(12), "1 year");
        assert_eq!(describe_months(96), "8 years");
        assert_eq!(describe_months(6), "6 months");
        assert_eq!(describe_months(18), "1 year 6 months");
    }

    #[test]
    fn shipped_versions_are_named() {
        let v = shipped_rule_versions();
        assert!(v.expunction_terms.starts_with("kz-cc2014-art79/"));
        assert!(v.calendar.starts_with("kz-calendar/"));
        assert!(!v.administrative_offences.is_empty());
    }
}
