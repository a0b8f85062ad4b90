//! The analysis of one found person for one certificate kind: each relevant record's status,
//! effective date and rule, and the certificate text that would follow if the clerk confirms the
//! match. Owns the JSON shape of `analysis` and the certificate wording. It must never hide a
//! record a clerk has to decide: any `needs_clerk` record makes the text say so.

use super::admin::assess_offence;
use super::expunction::{
    TermTable, assess_conviction, category_words, punishment_words, shipped_term_table,
};
use super::{RecordAssessment, RecordStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use tanu_index::source::{RecordList, SourceAdminOffence, SourceConviction, UnreadableRecord};

/// The certificate asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// "Соттылықтың болуы не болмауы туралы анықтама": the convictions.
    CriminalRecord,
    /// The administrative offences that still count.
    AdministrativeOffences,
}

/// Which source array a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Conviction,
    AdminOffence,
}

/// One record of the person, assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordAnalysis {
    #[serde(rename = "type")]
    pub record_type: RecordType,
    /// Position in the person's `convictions` or `admin_offences` array of the export line
    /// (counting the unreadable records of a damaged line).
    pub index: usize,
    pub status: RecordStatus,
    pub effective_date: Option<NaiveDate>,
    pub rule: String,
}

/// The analysis attached to a review decision's best candidate. Serialises to exactly
/// `{person_id, records: [{type, index, status, effective_date, rule}], certificate_text}`.
///
/// `records` holds the records relevant to `kind`: the convictions for a criminal-record
/// certificate, the administrative offences for an administrative-offence certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    pub person_id: String,
    pub records: Vec<RecordAnalysis>,
    pub certificate_text: String,
    #[serde(skip)]
    pub kind: CertificateKind,
    #[serde(skip)]
    pub as_of: NaiveDate,
}

impl Analysis {
    /// Whether a clerk must decide some record before a certificate can be issued.
    pub fn needs_clerk(&self) -> bool {
        self.records
            .iter()
            .any(|r| r.status == RecordStatus::NeedsClerk)
    }

    /// The records the certificate shows (status `current`).
    pub fn shown(&self) -> impl Iterator<Item = &RecordAnalysis> {
        self.records
            .iter()
            .filter(|r| r.status == RecordStatus::Current)
    }
}

/// The text of a clean criminal-record certificate (since 2017 also for expunged and removed
/// convictions).
pub const NO_CRIMINAL_RECORD: &str = "has no criminal record";
/// The text of a clean administrative-offence certificate.
pub const NO_ADMIN_OFFENCES: &str = "has no administrative offences that still count";

/// Analyse a person's records for one certificate kind on `as_of`, with the shipped term table.
pub fn analyse(
    person_id: &str,
    convictions: &[SourceConviction],
    offences: &[SourceAdminOffence],
    kind: CertificateKind,
    as_of: NaiveDate,
) -> Analysis {
    analyse_damaged(person_id, convictions, offences, &[], kind, as_of)
}

/// [`analyse`] for a person salvaged from a damaged export line: every record of `kind` that
/// could not be read is a `needs_clerk` record at its position in the line, and the readable
/// records keep their positions in the line too.
pub fn analyse_damaged(
    person_id: &str,
    convictions: &[SourceConviction],
    offences: &[SourceAdminOffence],
    unreadable: &[UnreadableRecord],
    kind: CertificateKind,
    as_of: NaiveDate,
) -> Analysis {
    analyse_with_table(
        person_id,
        convictions,
        offences,
        unreadable,
        kind,
        as_of,
        shipped_term_table(),
    )
}

/// The positions in the export line of the `readable` readable records of `list`, in order:
/// the positions of its unreadable records are skipped.
fn line_positions(
    readable: usize,
    list: RecordList,
    unreadable: &[UnreadableRecord],
) -> Vec<usize> {
    let lost = |p: usize| {
        unreadable
            .iter()
            .any(|u| u.list == list && u.position as usize == p)
    };
    (0..).filter(|&p| !lost(p)).take(readable).collect()
}

/// [`analyse_damaged`] with a given term table.
pub fn analyse_with_table(
    person_id: &str,
    convictions: &[SourceConviction],
    offences: &[SourceAdminOffence],
    unreadable: &[UnreadableRecord],
    kind: CertificateKind,
    as_of: NaiveDate,
    table: &TermTable,
) -> Analysis {
    let (list, record_type) = match kind {
        CertificateKind::CriminalRecord => (RecordList::Convictions, RecordType::Conviction),
        CertificateKind::AdministrativeOffences => {
            (RecordList::AdminOffences, RecordType::AdminOffence)
        }
    };
    let readable_len = match list {
        RecordList::Convictions => convictions.len(),
        RecordList::AdminOffences => offences.len(),
    };
    let positions = line_positions(readable_len, list, unreadable);
    let record = |k: usize, a: RecordAssessment| RecordAnalysis {
        record_type,
        index: positions[k],
        status: a.status,
        effective_date: a.effective_date,
        rule: a.rule,
    };
    let mut records: Vec<RecordAnalysis> = match kind {
        CertificateKind::CriminalRecord => convictions
            .iter()
            .enumerate()
            .map(|(k, c)| record(k, assess_conviction(c, as_of, table)))
            .collect(),
        CertificateKind::AdministrativeOffences => offences
            .iter()
            .enumerate()
            .map(|(k, o)| record(k, assess_offence(o, as_of)))
            .collect(),
    };
    records.extend(
        unreadable
            .iter()
            .filter(|u| u.list == list)
            .map(|u| RecordAnalysis {
                record_type,
                index: u.position as usize,
                status: RecordStatus::NeedsClerk,
                effective_date: None,
                rule: format!(
                    "unreadable in the export ({}); the clerk reads the record itself: {}",
                    u.reason, u.raw
                ),
            }),
    );
    records.sort_by_key(|r| r.index);
    // The place in the readable list of the record at line position `r.index`, if readable.
    let place = |r: &RecordAnalysis| positions.iter().position(|&p| p == r.index);
    let certificate_text = certificate_text(kind, &records, place, convictions, offences);
    Analysis {
        person_id: person_id.to_string(),
        records,
        certificate_text,
        kind,
        as_of,
    }
}

/// One line describing a conviction as the certificate shows it.
pub fn describe_conviction(c: &SourceConviction) -> String {
    let mut s = format!("verdict of {}", c.verdict_date.0);
    if !c.court.trim().is_empty() {
        let _ = write!(s, ", {}", c.court.trim());
    }
    if !c.articles.is_empty() {
        let _ = write!(s, ", art. {}", c.articles.join(", "));
    }
    let _ = write!(
        s,
        "; {}; {}{}",
        category_words(c.category),
        if c.conditional { "conditional " } else { "" },
        punishment_words(c.punishment)
    );
    s
}

/// One line describing an administrative offence as the certificate shows it.
pub fn describe_offence(o: &SourceAdminOffence) -> String {
    let mut s = format!("decision of {}", o.decision_date.0);
    if !o.article.trim().is_empty() {
        let _ = write!(s, ", art. {}", o.article.trim());
    }
    if !o.penalty.trim().is_empty() {
        let _ = write!(s, "; {}", o.penalty.trim());
    }
    s
}

fn certificate_text(
    kind: CertificateKind,
    records: &[RecordAnalysis],
    place: impl Fn(&RecordAnalysis) -> Option<usize>,
    convictions: &[SourceConviction],
    offences: &[SourceAdminOffence],
) -> String {
    let undecided: Vec<String> = records
        .iter()
        .filter(|r| r.status == RecordStatus::NeedsClerk)
        .map(|r| r.index.to_string())
        .collect();
    let mut lines = Vec::new();
    for r in records.iter().filter(|r| r.status == RecordStatus::Current) {
        let (what, until) = match r.record_type {
            RecordType::Conviction => (
                place(r)
                    .and_then(|k| convictions.get(k))
                    .map(describe_conviction),
                r.effective_date
                    .map(|d| format!("expunged from {d}"))
                    .unwrap_or_else(|| "no expunction date".into()),
            ),
            RecordType::AdminOffence => (
                place(r).and_then(|k| offences.get(k)).map(describe_offence),
                r.effective_date
                    .map(|d| format!("counts until {}", d.pred_opt().unwrap_or(d)))
                    .unwrap_or_else(|| "not yet executed".into()),
            ),
        };
        if let Some(what) = what {
            lines.push(format!("- {what} ({until})"));
        }
    }
    let (clean, heading, noun) = match kind {
        CertificateKind::CriminalRecord => {
            (NO_CRIMINAL_RECORD, "has a criminal record:", "convictions")
        }
        CertificateKind::AdministrativeOffences => (
            NO_ADMIN_OFFENCES,
            "has administrative offences that still count:",
            "administrative offences",
        ),
    };
    let mut text = if lines.is_empty() {
        clean.to_string()
    } else {
        format!("{heading}\n{}", lines.join("\n"))
    };
    if !undecided.is_empty() {
        text = format!(
            "undetermined until the clerk decides {noun} at index {} (see their rules); \
             without them the certificate would say: {text}",
            undecided.join(", ")
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tanu_index::source::{Category, Date, Punishment};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn conviction(end: Option<&str>) -> SourceConviction {
        SourceConviction {
            verdict_date: Date(d("2015-01-15")),
            court: "Алматы қалалық соты".into(),
            articles: vec!["188 ч.2".into()],
            category: Category::Medium,
            punishment: Punishment::Imprisonment,
            conditional: false,
            probation_end: None,
            sentence_end: end.map(|e| Date(d(e))),
            minor_at_offence: false,
            expunged_by_court: None,
            serving_abroad: false,
        }
    }

    fn offence(executed: Option<&str>) -> SourceAdminOffence {
        SourceAdminOffence {
            decision_date: Date(d("2024-01-10")),
            article: "434".into(),
            penalty: "штраф".into(),
            executed_date: executed.map(|e| Date(d(e))),
        }
    }

    #[test]
    fn unreadable_records_keep_every_record_at_its_line_position() {
        // The line held [readable, unreadable, readable, unreadable]; the second readable one
        // is current and must be described under its line position 2.
        let mut current = conviction(Some("2024-06-01"));
        current.court = "Қарағанды".into();
        let readable = [conviction(Some("2016-01-15")), current];
        let unreadable = |position| UnreadableRecord {
            list: RecordList::Convictions,
            position,
            raw: format!("{{\"verdict_date\":\"2019-02-3{position}\"}}"),
            reason: "impossible date".into(),
        };
        let lost = [unreadable(3), unreadable(1)];
        let a = analyse_damaged(
            "P1",
            &readable,
            &[],
            &lost,
            CertificateKind::CriminalRecord,
            d("2026-01-01"),
        );
        let at: Vec<(usize, RecordStatus)> =
            a.records.iter().map(|r| (r.index, r.status)).collect();
        assert_eq!(at[1], (1, RecordStatus::NeedsClerk));
        assert_eq!(at[3], (3, RecordStatus::NeedsClerk));
        assert_eq!((at[0].0, at[2].0), (0, 2));
        assert_eq!(at[2].1, RecordStatus::Current);
        assert!(
            a.records[3].rule.contains("2019-02-33"),
            "{}",
            a.records[3].rule
        );
        assert!(a.needs_clerk());
        assert!(
            a.certificate_text
                .starts_with("undetermined until the clerk decides convictions at index 1, 3"),
            "{}",
            a.certificate_text
        );
        assert!(
            a.certificate_text.contains("Қарағанды"),
            "{}",
            a.certificate_text
        );
        // Offences of a criminal-record person are not its business.
        let other = UnreadableRecord {
            list: RecordList::AdminOffences,
            ..unreadable(0)
        };
        let a = analyse_damaged(
            "P1",
            &readable,
            &[],
            &[other],
            CertificateKind::CriminalRecord,
            d("2026-01-01"),
        );
        assert_eq!(a.records.len(), 2);
    }

    #[test]
    fn json_shape_is_exact() {
        let a = analyse(
            "P1",
            &[conviction(Some("2020-05-10"))],
            &[offence(None)],
            CertificateKind::CriminalRecord,
            d("2023-05-10"),
        );
        let v = serde_json::to_value(&a).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["certificate_text", "person_id", "records"]);
        let r = &v["records"][0];
        let mut rk: Vec<&str> = r.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        rk.sort();
        assert_eq!(rk, ["effective_date", "index", "rule", "status", "type"]);
        assert_eq!(r["type"], "conviction");
        assert_eq!(r["index"], 0);
        assert_eq!(r["status"], "current");
        assert_eq!(r["effective_date"], "2023-05-11");
        assert_eq!(
            v["records"].as_array().unwrap().len(),
            1,
            "only convictions"
        );
        assert!(
            v["certificate_text"]
                .as_str()
                .unwrap()
                .starts_with("has a criminal record:\n- verdict of 2015-01-15"),
            "{}",
            v["certificate_text"]
        );
    }

    #[test]
    fn expunged_removed_and_excluded_give_no_criminal_record() {
        let removed = SourceConviction {
            expunged_by_court: Some(Date(d("2019-01-01"))),
            ..conviction(None)
        };
        let abroad = SourceConviction {
            serving_abroad: true,
            ..conviction(Some("2023-01-01"))
        };
        let a = analyse(
            "P2",
            &[conviction(Some("2010-05-10")), removed, abroad],
            &[],
            CertificateKind::CriminalRecord,
            d("2024-01-01"),
        );
        let statuses: Vec<RecordStatus> = a.records.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                RecordStatus::Expunged,
                RecordStatus::Expunged,
                RecordStatus::Excluded
            ]
        );
        assert_eq!(a.certificate_text, NO_CRIMINAL_RECORD);
        assert!(!a.needs_clerk());
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["records"][2]["effective_date"], serde_json::Value::Null);
        assert_eq!(v["records"][2]["status"], "excluded");
    }

    #[test]
    fn no_records_give_no_criminal_record() {
        let a = analyse(
            "P3",
            &[],
            &[],
            CertificateKind::CriminalRecord,
            d("2024-01-01"),
        );
        assert_eq!(a.certificate_text, NO_CRIMINAL_RECORD);
        assert!(a.records.is_empty());
    }

    #[test]
    fn a_record_for_the_clerk_is_never_hidden() {
        let a = analyse(
            "P4",
            &[conviction(Some("2010-05-10")), conviction(None)],
            &[],
            CertificateKind::CriminalRecord,
            d("2024-01-01"),
        );
        assert!(a.needs_clerk());
        assert!(
            a.certificate_text
                .starts_with("undetermined until the clerk decides convictions at index 1"),
            "{}",
            a.certificate_text
        );
        assert_ne!(a.certificate_text, NO_CRIMINAL_RECORD);
    }

    #[test]
    fn administrative_offences_that_still_count() {
        let offences = [
            offence(Some("2022-01-10")),
            offence(Some("2024-02-29")),
            offence(None),
        ];
        let a = analyse(
            "P5",
            &[conviction(Some("2023-01-01"))],
            &offences,
            CertificateKind::AdministrativeOffences,
            d("2025-02-28"),
        );
        assert!(
            a.records
                .iter()
                .all(|r| r.record_type == RecordType::AdminOffence)
        );
        let statuses: Vec<RecordStatus> = a.records.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                RecordStatus::Expunged,
                RecordStatus::Current,
                RecordStatus::Current
            ]
        );
        assert_eq!(
            a.certificate_text,
            "has administrative offences that still count:\n\
             - decision of 2024-01-10, art. 434; штраф (counts until 2025-02-28)\n\
             - decision of 2024-01-10, art. 434; штраф (not yet executed)"
        );
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["records"][0]["type"], "admin_offence");
        let a = analyse(
            "P5",
            &[],
            &offences[..1],
            CertificateKind::AdministrativeOffences,
            d("2025-02-28"),
        );
        assert_eq!(a.certificate_text, NO_ADMIN_OFFENCES);
    }
}
