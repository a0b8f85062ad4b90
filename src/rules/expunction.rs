//! Expunction of one conviction on one day (Criminal Code of 2014, art. 79): which row of the
//! term table applies, the day the conviction is or will be expunged, and the words that say
//! why. Owns the term table (`expunction-terms.toml`, shipped in the binary) and its loader.
//! It must never guess: a date the computation needs and the record lacks gives `needs_clerk`.

use super::{RecordAssessment, RecordStatus, day_after_term, describe_months, term_last_day};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;
use tanu_index::source::{Category, Punishment, SourceConviction};

/// The term table shipped with this binary.
pub const SHIPPED_TERM_TABLE_TOML: &str = include_str!("expunction-terms.toml");

/// Longest term a row may give (a typo guard: no term of art. 79 comes near it).
pub const MAX_TERM_MONTHS: u32 = 50 * 12;

/// A term table that cannot be used, with the row and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermTableError {
    #[error("expunction term table is not valid TOML for this schema: {0}")]
    Syntax(String),
    #[error("expunction term table: `version` must not be empty")]
    EmptyVersion,
    #[error("expunction term table has no rows")]
    NoRows,
    #[error("expunction term table, row {index}: {reason}")]
    BadRow { index: usize, reason: String },
}

/// The conviction field a term runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermBasis {
    /// The day the sentence was served or executed (or of release).
    SentenceEnd,
    /// The last day of probation of a conditional sentence.
    ProbationEnd,
}

impl TermBasis {
    fn field(self) -> &'static str {
        match self {
            TermBasis::SentenceEnd => "sentence_end",
            TermBasis::ProbationEnd => "probation_end",
        }
    }

    fn words(self) -> &'static str {
        match self {
            TermBasis::SentenceEnd => "the date the sentence was served",
            TermBasis::ProbationEnd => "the date probation ends",
        }
    }

    fn date(self, c: &SourceConviction) -> Option<NaiveDate> {
        match self {
            TermBasis::SentenceEnd => c.sentence_end.map(|d| d.0),
            TermBasis::ProbationEnd => c.probation_end.map(|d| d.0),
        }
    }
}

/// One row of the term table: conditions (absent = any) and the term they give.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRow {
    pub id: String,
    #[serde(default)]
    pub conditional: Option<bool>,
    #[serde(default)]
    pub punishment: Option<Vec<Punishment>>,
    #[serde(default)]
    pub category: Option<Vec<Category>>,
    #[serde(default)]
    pub minor_at_offence: Option<bool>,
    pub basis: TermBasis,
    #[serde(default)]
    pub years: u32,
    #[serde(default)]
    pub months: u32,
    /// The rule in words a clerk recognises.
    pub rule: String,
}

impl TermRow {
    /// The term in months (validated at load not to overflow).
    pub fn term_months(&self) -> u32 {
        self.years * 12 + self.months
    }

    fn matches(&self, c: &SourceConviction, minor_at_offence: bool) -> bool {
        self.conditional.is_none_or(|v| v == c.conditional)
            && self.minor_at_offence.is_none_or(|v| v == minor_at_offence)
            && self
                .punishment
                .as_ref()
                .is_none_or(|ps| ps.contains(&c.punishment))
            && self
                .category
                .as_ref()
                .is_none_or(|cs| cs.contains(&c.category))
    }
}

/// The versioned table of expunction terms.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermTable {
    pub version: String,
    pub law: String,
    #[serde(rename = "row")]
    pub rows: Vec<TermRow>,
}

impl TermTable {
    /// Parse and check a term table.
    pub fn from_toml(text: &str) -> Result<TermTable, TermTableError> {
        let table: TermTable =
            toml::from_str(text).map_err(|e| TermTableError::Syntax(e.message().to_string()))?;
        if table.version.trim().is_empty() {
            return Err(TermTableError::EmptyVersion);
        }
        if table.rows.is_empty() {
            return Err(TermTableError::NoRows);
        }
        let mut ids = HashSet::new();
        for (index, row) in table.rows.iter().enumerate() {
            let bad = |reason: String| TermTableError::BadRow { index, reason };
            if row.id.trim().is_empty() {
                return Err(bad("`id` must not be empty".into()));
            }
            if !ids.insert(row.id.as_str()) {
                return Err(bad(format!("duplicate id `{}`", row.id)));
            }
            if row.rule.trim().is_empty() {
                return Err(bad(format!("`{}`: `rule` must not be empty", row.id)));
            }
            let months = row
                .years
                .checked_mul(12)
                .and_then(|y| y.checked_add(row.months))
                .filter(|m| *m <= MAX_TERM_MONTHS);
            if months.is_none() {
                return Err(bad(format!(
                    "`{}`: term longer than {MAX_TERM_MONTHS} months",
                    row.id
                )));
            }
            if row.punishment.as_ref().is_some_and(|p| p.is_empty())
                || row.category.as_ref().is_some_and(|c| c.is_empty())
            {
                return Err(bad(format!(
                    "`{}`: an empty list matches nothing; leave the condition out to match anything",
                    row.id
                )));
            }
        }
        Ok(table)
    }

    /// The first row that applies to the conviction, for a person who was (`true`) or was not a
    /// minor at the offence.
    pub fn row_for(&self, c: &SourceConviction, minor_at_offence: bool) -> Option<&TermRow> {
        self.rows.iter().find(|r| r.matches(c, minor_at_offence))
    }
}

/// Parse the table shipped with the binary.
pub fn load_shipped_term_table() -> Result<TermTable, TermTableError> {
    TermTable::from_toml(SHIPPED_TERM_TABLE_TOML)
}

/// The shipped table, parsed once. The shipped text is fixed at build time and pinned by a unit
/// test, so it always parses.
pub fn shipped_term_table() -> &'static TermTable {
    static TABLE: OnceLock<TermTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        load_shipped_term_table().expect("the shipped expunction-terms.toml is checked by tests")
    })
}

/// "imprisonment", "fine", …
pub fn punishment_words(p: Punishment) -> &'static str {
    match p {
        Punishment::Imprisonment => "imprisonment",
        Punishment::RestrictionOfLiberty => "restriction of liberty",
        Punishment::Fine => "fine",
        Punishment::CorrectionalLabour => "correctional labour",
        Punishment::CommunityService => "community service",
        Punishment::Arrest => "arrest",
        Punishment::Other => "other punishment",
    }
}

/// "criminal misdemeanour", "minor crime", …
pub fn category_words(c: Category) -> &'static str {
    match c {
        Category::Misdemeanor => "criminal misdemeanour",
        Category::Minor => "minor crime",
        Category::Medium => "medium crime",
        Category::Grave => "grave crime",
        Category::EspeciallyGrave => "especially grave crime",
    }
}

/// The status of one conviction on `as_of`, the day it is or will be expunged, and why.
///
/// Order: serving abroad → `excluded`; else the statutory term (the first matching row); a
/// court's removal wins when it is earlier than the statutory day or the statutory day cannot
/// be computed.
pub fn assess_conviction(
    c: &SourceConviction,
    as_of: NaiveDate,
    table: &TermTable,
) -> RecordAssessment {
    if c.serving_abroad {
        return RecordAssessment {
            status: RecordStatus::Excluded,
            effective_date: None,
            rule: "Citizen of Kazakhstan serving a sentence abroad: not shown in the certificate"
                .to_string(),
        };
    }
    let statutory = statutory_assessment(c, as_of, table);
    match c.expunged_by_court {
        Some(court) if statutory.effective_date.is_none_or(|e| court.0 < e) => {
            RecordAssessment::from_effective(
                court.0,
                as_of,
                format!(
                    "Removed by a court (Criminal Code art. 79): no criminal record for this \
                     conviction from {}",
                    court.0
                ),
            )
        }
        _ => statutory,
    }
}

fn statutory_assessment(
    c: &SourceConviction,
    as_of: NaiveDate,
    table: &TermTable,
) -> RecordAssessment {
    if let Some(row) = table.row_for(c, c.minor_at_offence) {
        return apply_row(row, c, as_of);
    }
    let sentence = format!(
        "{}{} for a {}",
        if c.conditional { "conditional " } else { "" },
        punishment_words(c.punishment),
        category_words(c.category)
    );
    if !c.minor_at_offence {
        return RecordAssessment::needs_clerk(format!(
            "No row of the expunction term table {} applies to {sentence}: a clerk decides",
            table.version
        ));
    }
    // Art. 88 shortens the art. 79 terms for offences committed under 18; the table has no row
    // for them, but the adult term is an upper bound: once it has run out, the conviction is
    // expunged whatever the shortened term is.
    let minor = format!(
        "Convicted as a minor ({sentence}): Criminal Code art. 88 shortens the art. 79 terms \
         and the shortened terms are not in the term table {}",
        table.version
    );
    let Some(adult) = table.row_for(c, false) else {
        return RecordAssessment::needs_clerk(format!(
            "{minor}, and no adult row applies either: a clerk decides"
        ));
    };
    let adult_result = apply_row(adult, c, as_of);
    match (adult_result.status, adult_result.effective_date) {
        (RecordStatus::Expunged, Some(upper)) => RecordAssessment {
            status: RecordStatus::Expunged,
            effective_date: None,
            rule: format!(
                "{minor}. Even the adult term has run out ({}), so the conviction is expunged \
                 no later than {upper}; the exact day under art. 88 is earlier",
                adult_result.rule
            ),
        },
        (_, Some(upper)) => RecordAssessment::needs_clerk(format!(
            "{minor}: a clerk computes the day (the adult term would run out on {upper}: {})",
            adult_result.rule
        )),
        _ => RecordAssessment::needs_clerk(format!("{minor}; {}", adult_result.rule)),
    }
}

fn apply_row(row: &TermRow, c: &SourceConviction, as_of: NaiveDate) -> RecordAssessment {
    let Some(base) = row.basis.date(c) else {
        return RecordAssessment::needs_clerk(format!(
            "{}; the record has no `{}` ({}): a clerk must find it",
            row.rule,
            row.basis.field(),
            row.basis.words()
        ));
    };
    let months = row.term_months();
    let (Some(last), Some(effective)) = (term_last_day(base, months), day_after_term(base, months))
    else {
        return RecordAssessment::needs_clerk(format!(
            "{}; {} {base} plus {} is past the last representable date",
            row.rule,
            row.basis.field(),
            describe_months(months)
        ));
    };
    let rule = match row.basis {
        TermBasis::ProbationEnd if months == 0 => {
            format!(
                "{}. Probation ends {base}; expunged from {effective}",
                row.rule
            )
        }
        _ => format!(
            "{}. {} {base}; the term of {} runs to {last} inclusive; expunged from {effective}",
            row.rule,
            match row.basis {
                TermBasis::SentenceEnd => "Sentence served",
                TermBasis::ProbationEnd => "Probation ends",
            },
            describe_months(months)
        ),
    };
    RecordAssessment::from_effective(effective, as_of, rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tanu_index::source::Date;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn conviction(category: Category, punishment: Punishment) -> SourceConviction {
        SourceConviction {
            verdict_date: Date(d("2015-01-15")),
            court: "Астана".into(),
            articles: vec!["188 ч.2".into()],
            category,
            punishment,
            conditional: false,
            probation_end: None,
            sentence_end: None,
            minor_at_offence: false,
            expunged_by_court: None,
            serving_abroad: false,
        }
    }

    fn served(category: Category, punishment: Punishment, end: &str) -> SourceConviction {
        SourceConviction {
            sentence_end: Some(Date(d(end))),
            ..conviction(category, punishment)
        }
    }

    fn assess(c: &SourceConviction, as_of: &str) -> RecordAssessment {
        assess_conviction(c, d(as_of), shipped_term_table())
    }

    /// Check the day before, the day of and the day after `effective`.
    fn pin_boundary(c: &SourceConviction, effective: &str, row_id: &str) {
        let eff = d(effective);
        let before = assess_conviction(c, eff.pred_opt().unwrap(), shipped_term_table());
        let on = assess_conviction(c, eff, shipped_term_table());
        let after = assess_conviction(c, eff.succ_opt().unwrap(), shipped_term_table());
        assert_eq!(
            before.status,
            RecordStatus::Current,
            "{row_id}: day before: {before:?}"
        );
        assert_eq!(
            on.status,
            RecordStatus::Expunged,
            "{row_id}: day of: {on:?}"
        );
        assert_eq!(
            after.status,
            RecordStatus::Expunged,
            "{row_id}: day after: {after:?}"
        );
        for a in [&before, &on, &after] {
            assert_eq!(a.effective_date, Some(eff), "{row_id}: {a:?}");
        }
        let row = shipped_term_table()
            .rows
            .iter()
            .find(|r| r.id == row_id)
            .expect("row id exists");
        assert!(on.rule.starts_with(&row.rule), "{row_id}: {}", on.rule);
        assert!(
            on.rule.contains(&format!("expunged from {effective}")),
            "{}",
            on.rule
        );
    }

    #[test]
    fn shipped_table_parses_and_has_every_art79_row() {
        let t = load_shipped_term_table().unwrap();
        let ids: Vec<&str> = t.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "art79-3-1-conditional",
                "art79-3-5-especially-grave",
                "art79-3-2-milder-than-imprisonment",
                "art79-3-3-imprisonment-minor-medium",
                "art79-3-4-imprisonment-grave",
            ]
        );
        let years: Vec<u32> = t.rows.iter().map(|r| r.years).collect();
        assert_eq!(years, [0, 8, 1, 3, 6]);
    }

    /// Every term row, with the day before, the day of and the day after expunction.
    #[test]
    fn every_row_and_its_boundary_days() {
        use Category::*;
        use Punishment::*;
        let rows: &[(&str, Category, Punishment, &str, &str)] = &[
            // row id, category, punishment, sentence_end, first day expunged
            (
                "art79-3-2-milder-than-imprisonment",
                Misdemeanor,
                Fine,
                "2020-05-10",
                "2021-05-11",
            ),
            (
                "art79-3-2-milder-than-imprisonment",
                Minor,
                CorrectionalLabour,
                "2020-05-10",
                "2021-05-11",
            ),
            (
                "art79-3-2-milder-than-imprisonment",
                Medium,
                CommunityService,
                "2020-12-31",
                "2022-01-01",
            ),
            (
                "art79-3-2-milder-than-imprisonment",
                Grave,
                RestrictionOfLiberty,
                "2020-05-10",
                "2021-05-11",
            ),
            (
                "art79-3-2-milder-than-imprisonment",
                Medium,
                Arrest,
                "2020-05-10",
                "2021-05-11",
            ),
            (
                "art79-3-3-imprisonment-minor-medium",
                Minor,
                Imprisonment,
                "2020-05-10",
                "2023-05-11",
            ),
            (
                "art79-3-3-imprisonment-minor-medium",
                Medium,
                Imprisonment,
                "2020-05-10",
                "2023-05-11",
            ),
            (
                "art79-3-4-imprisonment-grave",
                Grave,
                Imprisonment,
                "2020-05-10",
                "2026-05-11",
            ),
            (
                "art79-3-5-especially-grave",
                EspeciallyGrave,
                Imprisonment,
                "2020-05-10",
                "2028-05-11",
            ),
            (
                "art79-3-5-especially-grave",
                EspeciallyGrave,
                Fine,
                "2020-05-10",
                "2028-05-11",
            ),
        ];
        for (row_id, category, punishment, end, effective) in rows {
            let c = served(*category, *punishment, end);
            assert_eq!(
                shipped_term_table()
                    .row_for(&c, false)
                    .map(|r| r.id.as_str()),
                Some(*row_id)
            );
            pin_boundary(&c, effective, row_id);
        }
    }

    #[test]
    fn conditional_sentence_is_expunged_the_day_after_probation_ends() {
        for punishment in [Punishment::Imprisonment, Punishment::RestrictionOfLiberty] {
            let c = SourceConviction {
                conditional: true,
                probation_end: Some(Date(d("2024-03-01"))),
                sentence_end: Some(Date(d("2099-01-01"))), // ignored for a conditional sentence
                ..conviction(Category::Grave, punishment)
            };
            pin_boundary(&c, "2024-03-02", "art79-3-1-conditional");
            assert!(
                assess(&c, "2024-03-02")
                    .rule
                    .contains("Probation ends 2024-03-01")
            );
        }
    }

    /// 29 February: a term from a leap day ends on 28 February of a common year and on
    /// 29 February of a leap year; a term ending on 28 February of a leap year runs out on the 29th.
    #[test]
    fn leap_days() {
        use Category::*;
        use Punishment::*;
        let cases: &[(&str, Category, Punishment, &str, &str)] = &[
            (
                "art79-3-2-milder-than-imprisonment",
                Minor,
                Fine,
                "2020-02-29",
                "2021-03-01",
            ),
            (
                "art79-3-3-imprisonment-minor-medium",
                Medium,
                Imprisonment,
                "2020-02-29",
                "2023-03-01",
            ),
            (
                "art79-3-5-especially-grave",
                EspeciallyGrave,
                Imprisonment,
                "2020-02-29",
                "2028-03-01",
            ),
            (
                "art79-3-4-imprisonment-grave",
                Grave,
                Imprisonment,
                "2018-02-28",
                "2024-02-29",
            ),
            (
                "art79-3-3-imprisonment-minor-medium",
                Minor,
                Imprisonment,
                "2021-02-28",
                "2024-02-29",
            ),
        ];
        for (row_id, category, punishment, end, effective) in cases {
            pin_boundary(&served(*category, *punishment, end), effective, row_id);
        }
        let c = SourceConviction {
            conditional: true,
            probation_end: Some(Date(d("2024-02-28"))),
            ..conviction(Category::Medium, Punishment::Imprisonment)
        };
        pin_boundary(&c, "2024-02-29", "art79-3-1-conditional");
        let c = SourceConviction {
            conditional: true,
            probation_end: Some(Date(d("2024-02-29"))),
            ..conviction(Category::Medium, Punishment::Imprisonment)
        };
        pin_boundary(&c, "2024-03-01", "art79-3-1-conditional");
        // The term's last day is named in the rule text.
        let a = assess(&served(Minor, Fine, "2020-02-29"), "2021-03-01");
        assert!(
            a.rule.contains("runs to 2021-02-28 inclusive"),
            "{}",
            a.rule
        );
    }

    #[test]
    fn missing_dates_go_to_a_clerk_with_the_reason() {
        let c = conviction(Category::Grave, Punishment::Imprisonment);
        let a = assess(&c, "2030-01-01");
        assert_eq!(a.status, RecordStatus::NeedsClerk);
        assert_eq!(a.effective_date, None);
        assert!(a.rule.contains("no `sentence_end`"), "{}", a.rule);
        let c = SourceConviction {
            conditional: true,
            ..conviction(Category::Minor, Punishment::Imprisonment)
        };
        let a = assess(&c, "2030-01-01");
        assert_eq!(a.status, RecordStatus::NeedsClerk);
        assert!(a.rule.contains("no `probation_end`"), "{}", a.rule);
    }

    #[test]
    fn sentences_no_row_covers_go_to_a_clerk() {
        for c in [
            served(Category::Medium, Punishment::Other, "2010-01-01"),
            served(
                Category::Misdemeanor,
                Punishment::Imprisonment,
                "2010-01-01",
            ),
        ] {
            let a = assess(&c, "2030-01-01");
            assert_eq!(a.status, RecordStatus::NeedsClerk, "{a:?}");
            assert!(
                a.rule.starts_with("No row of the expunction term table"),
                "{}",
                a.rule
            );
        }
    }

    #[test]
    fn court_removal_takes_effect_on_its_date() {
        let c = SourceConviction {
            expunged_by_court: Some(Date(d("2022-07-01"))),
            ..served(Category::Grave, Punishment::Imprisonment, "2020-05-10")
        };
        assert_eq!(assess(&c, "2022-06-30").status, RecordStatus::Current);
        let on = assess(&c, "2022-07-01");
        assert_eq!(on.status, RecordStatus::Expunged);
        assert_eq!(on.effective_date, Some(d("2022-07-01")));
        assert!(on.rule.starts_with("Removed by a court"), "{}", on.rule);
        // Without a sentence end the court's date still decides.
        let c = SourceConviction {
            expunged_by_court: Some(Date(d("2022-07-01"))),
            ..conviction(Category::Grave, Punishment::Imprisonment)
        };
        assert_eq!(assess(&c, "2023-01-01").status, RecordStatus::Expunged);
        // A statutory day earlier than the court's decides instead.
        let c = SourceConviction {
            expunged_by_court: Some(Date(d("2025-01-01"))),
            ..served(Category::Minor, Punishment::Fine, "2020-05-10")
        };
        assert_eq!(
            assess(&c, "2022-01-01").effective_date,
            Some(d("2021-05-11"))
        );
    }

    #[test]
    fn serving_abroad_is_excluded() {
        let c = SourceConviction {
            serving_abroad: true,
            ..served(Category::Grave, Punishment::Imprisonment, "2020-05-10")
        };
        let a = assess(&c, "2021-01-01");
        assert_eq!(a.status, RecordStatus::Excluded);
        assert_eq!(a.effective_date, None);
    }

    #[test]
    fn minors_go_to_a_clerk_until_even_the_adult_term_has_run_out() {
        let c = SourceConviction {
            minor_at_offence: true,
            ..served(Category::Grave, Punishment::Imprisonment, "2020-05-10")
        };
        let a = assess(&c, "2026-05-10");
        assert_eq!(a.status, RecordStatus::NeedsClerk);
        assert!(a.rule.contains("art. 88"), "{}", a.rule);
        assert!(a.rule.contains("2026-05-11"), "{}", a.rule);
        let a = assess(&c, "2026-05-11");
        assert_eq!(a.status, RecordStatus::Expunged);
        assert_eq!(a.effective_date, None);
        assert!(a.rule.contains("no later than 2026-05-11"), "{}", a.rule);
        // A minor's conditional sentence follows probation (art. 88 does not change it).
        let c = SourceConviction {
            minor_at_offence: true,
            conditional: true,
            probation_end: Some(Date(d("2024-03-01"))),
            ..conviction(Category::Medium, Punishment::Imprisonment)
        };
        pin_boundary(&c, "2024-03-02", "art79-3-1-conditional");
        // Missing date for a minor: still a clerk, with both reasons.
        let c = SourceConviction {
            minor_at_offence: true,
            ..conviction(Category::Medium, Punishment::Imprisonment)
        };
        let a = assess(&c, "2030-01-01");
        assert_eq!(a.status, RecordStatus::NeedsClerk);
        assert!(
            a.rule.contains("art. 88") && a.rule.contains("sentence_end"),
            "{}",
            a.rule
        );
    }

    #[test]
    fn far_future_dates_do_not_panic() {
        let c = SourceConviction {
            sentence_end: Some(Date(NaiveDate::MAX)),
            ..conviction(Category::EspeciallyGrave, Punishment::Imprisonment)
        };
        let a = assess(&c, "2030-01-01");
        assert_eq!(a.status, RecordStatus::NeedsClerk);
    }

    #[test]
    fn bad_tables_are_errors() {
        let base = SHIPPED_TERM_TABLE_TOML;
        assert!(matches!(
            TermTable::from_toml("version = \"x\"\nlaw = \"y\"\nrow = []"),
            Err(TermTableError::NoRows)
        ));
        let dup = base.replace("art79-3-4-imprisonment-grave", "art79-3-1-conditional");
        assert!(matches!(
            TermTable::from_toml(&dup),
            Err(TermTableError::BadRow { index: 4, .. })
        ));
        let unknown = base.replace("years = 6", "years = 6\nyaers = 7");
        assert!(matches!(
            TermTable::from_toml(&unknown),
            Err(TermTableError::Syntax(_))
        ));
        let bad_enum = base.replace("\"grave\"]", "\"gravest\"]");
        assert!(matches!(
            TermTable::from_toml(&bad_enum),
            Err(TermTableError::Syntax(_))
        ));
        let huge = base.replace("years = 6", "years = 4294967295");
        assert!(matches!(
            TermTable::from_toml(&huge),
            Err(TermTableError::BadRow { .. })
        ));
        let empty_version = base.replace("version = \"kz-cc2014-art79", "version = \" \"\nx=\"");
        assert!(TermTable::from_toml(&empty_version).is_err());
    }

    fn any_category() -> impl Strategy<Value = Category> {
        prop_oneof![
            Just(Category::Misdemeanor),
            Just(Category::Minor),
            Just(Category::Medium),
            Just(Category::Grave),
            Just(Category::EspeciallyGrave),
        ]
    }

    fn any_punishment() -> impl Strategy<Value = Punishment> {
        prop_oneof![
            Just(Punishment::Imprisonment),
            Just(Punishment::RestrictionOfLiberty),
            Just(Punishment::Fine),
            Just(Punishment::CorrectionalLabour),
            Just(Punishment::CommunityService),
            Just(Punishment::Arrest),
            Just(Punishment::Other),
        ]
    }

    proptest! {
        /// Once expunged, a conviction stays expunged; the status agrees with the effective date.
        #[test]
        fn expunction_is_monotone(
            category in any_category(),
            punishment in any_punishment(),
            conditional: bool,
            minor: bool,
            end_days in proptest::option::of(0i64..20_000),
            probation_days in proptest::option::of(0i64..20_000),
            court_days in proptest::option::of(0i64..20_000),
            as_of_days in 0i64..30_000,
            later in 0i64..5_000,
        ) {
            let origin = d("1990-01-01");
            let at = |n: i64| Date(origin + chrono::Duration::days(n));
            let c = SourceConviction {
                conditional,
                minor_at_offence: minor,
                sentence_end: end_days.map(at),
                probation_end: probation_days.map(at),
                expunged_by_court: court_days.map(at),
                ..conviction(category, punishment)
            };
            let first = assess_conviction(&c, at(as_of_days).0, shipped_term_table());
            let second = assess_conviction(&c, at(as_of_days + later).0, shipped_term_table());
            if first.status == RecordStatus::Expunged {
                prop_assert_eq!(second.status, RecordStatus::Expunged);
            }
            if let Some(e) = first.effective_date {
                let expected = if at(as_of_days).0 >= e { RecordStatus::Expunged } else { RecordStatus::Current };
                prop_assert_eq!(first.status, expected);
            }
            prop_assert!(!first.rule.is_empty());
        }
    }
}
