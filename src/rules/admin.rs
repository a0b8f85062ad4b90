//! Administrative offences that still count (Administrative Offences Code art. 61): a penalty
//! counts for one year from the day its execution ended. Owns that rule and its words. It must
//! never guess an execution date: a penalty not yet executed counts, with no end date.

use super::{RecordAssessment, RecordStatus, day_after_term, term_last_day};
use chrono::NaiveDate;
use tanu_index::source::SourceAdminOffence;

/// How long a penalty counts after its execution ended.
pub const COUNTS_FOR_MONTHS: u32 = 12;

/// The version of this rule, for the certificate's "rule versions used".
pub const RULE_VERSION: &str = "kz-aoc2014-art61/1-year";

/// Whether one offence still counts on `as_of`, the first day it no longer counts, and why.
///
/// Same day semantics as expunction: the day of execution is not counted, the year runs to the
/// anniversary inclusive (28 February for an execution on 29 February), and the offence no
/// longer counts from the day after.
pub fn assess_offence(o: &SourceAdminOffence, as_of: NaiveDate) -> RecordAssessment {
    const RULE: &str = "Administrative penalty: counts for 1 year after the decision was \
                        executed (Administrative Offences Code art. 61)";
    let Some(executed) = o.executed_date else {
        return RecordAssessment {
            status: RecordStatus::Current,
            effective_date: None,
            rule: format!(
                "{RULE}. The decision of {} is not yet executed: the penalty counts",
                o.decision_date.0
            ),
        };
    };
    let executed = executed.0;
    match (
        term_last_day(executed, COUNTS_FOR_MONTHS),
        day_after_term(executed, COUNTS_FOR_MONTHS),
    ) {
        (Some(last), Some(effective)) => RecordAssessment::from_effective(
            effective,
            as_of,
            format!(
                "{RULE}. Executed {executed}; counts to {last} inclusive; no longer counts \
                 from {effective}"
            ),
        ),
        _ => RecordAssessment::needs_clerk(format!(
            "{RULE}. Executed {executed}: one year later is past the last representable date"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tanu_index::source::Date;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn offence(executed: Option<&str>) -> SourceAdminOffence {
        SourceAdminOffence {
            decision_date: Date(d("2023-01-10")),
            article: "434".into(),
            penalty: "штраф".into(),
            executed_date: executed.map(|e| Date(d(e))),
        }
    }

    #[test]
    fn counts_for_one_year_after_execution_with_boundary_days() {
        // executed, day before it stops counting, first day it no longer counts
        let cases = [
            ("2023-03-15", "2024-03-15", "2024-03-16"),
            ("2024-02-29", "2025-02-28", "2025-03-01"),
            ("2023-02-28", "2024-02-28", "2024-02-29"),
            ("2023-12-31", "2024-12-31", "2025-01-01"),
        ];
        for (executed, last, effective) in cases {
            let o = offence(Some(executed));
            let on_last = assess_offence(&o, d(last));
            assert_eq!(on_last.status, RecordStatus::Current, "{executed}");
            assert_eq!(on_last.effective_date, Some(d(effective)));
            let on = assess_offence(&o, d(effective));
            assert_eq!(on.status, RecordStatus::Expunged, "{executed}");
            let after = assess_offence(&o, d(effective).succ_opt().unwrap());
            assert_eq!(after.status, RecordStatus::Expunged, "{executed}");
            assert!(on.rule.contains("art. 61"), "{}", on.rule);
            assert!(
                on.rule
                    .contains(&format!("no longer counts from {effective}"))
            );
        }
        // Executed today: counts.
        let o = offence(Some("2023-03-15"));
        assert_eq!(
            assess_offence(&o, d("2023-03-15")).status,
            RecordStatus::Current
        );
    }

    #[test]
    fn not_yet_executed_counts() {
        let a = assess_offence(&offence(None), d("2040-01-01"));
        assert_eq!(a.status, RecordStatus::Current);
        assert_eq!(a.effective_date, None);
        assert!(a.rule.contains("not yet executed"), "{}", a.rule);
    }

    #[test]
    fn far_future_execution_does_not_panic() {
        let o = SourceAdminOffence {
            executed_date: Some(Date(NaiveDate::MAX)),
            ..offence(None)
        };
        assert_eq!(
            assess_offence(&o, d("2024-01-01")).status,
            RecordStatus::NeedsClerk
        );
    }
}
