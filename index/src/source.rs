//! The special-records export: one JSON object per line, as documented in `docs/FORMAT.md`.
//! Owns decoding and validating one line into a `SourcePerson` with precise `field: reason`
//! errors. It must never normalise names or touch the on-disk index.

use crate::date::{DateError, PartialDate, parse_date};
use crate::iin::{Iin, IinError};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// Longest string accepted in any field (bytes). Longer values are data errors, not names.
pub const MAX_FIELD_BYTES: usize = 512;
/// Most aliases, convictions or offences accepted for one person.
pub const MAX_LIST_LEN: usize = 1000;

/// A rejected line: the field path (`convictions[2].category`, or `$` for the whole line) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct LineError {
    pub field: String,
    pub reason: String,
}

impl LineError {
    fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        LineError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Sex as the registry records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

/// Crime category (Criminal Code of 2014, art. 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Misdemeanor,
    Minor,
    Medium,
    Grave,
    EspeciallyGrave,
}

/// Main punishment imposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Punishment {
    Imprisonment,
    RestrictionOfLiberty,
    Fine,
    CorrectionalLabour,
    CommunityService,
    Arrest,
    Other,
}

/// A date field decoded from "YYYY-MM-DD"; an impossible date is an error of its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_date(&s).map(Date).map_err(serde::de::Error::custom)
    }
}

/// A birth date that may be partial ("YYYY-MM" or "YYYY").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BirthDate(pub PartialDate);

impl<'de> Deserialize<'de> for BirthDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PartialDate::parse(&s)
            .map(BirthDate)
            .map_err(|e: DateError| serde::de::Error::custom(e))
    }
}

impl Serialize for BirthDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// An earlier or other name of a person (marriage, other spellings).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SourceAlias {
    pub surname: String,
    pub given_name: String,
    #[serde(default)]
    pub patronymic: Option<String>,
}

/// One conviction as exported.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SourceConviction {
    pub verdict_date: Date,
    pub court: String,
    pub articles: Vec<String>,
    pub category: Category,
    pub punishment: Punishment,
    pub conditional: bool,
    #[serde(default)]
    pub probation_end: Option<Date>,
    #[serde(default)]
    pub sentence_end: Option<Date>,
    #[serde(default)]
    pub minor_at_offence: bool,
    #[serde(default)]
    pub expunged_by_court: Option<Date>,
    #[serde(default)]
    pub serving_abroad: bool,
}

/// One administrative offence as exported.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SourceAdminOffence {
    pub decision_date: Date,
    pub article: String,
    pub penalty: String,
    #[serde(default)]
    pub executed_date: Option<Date>,
}

/// One person of the export, decoded and checked. The IIN is kept as entered; `iin_check` says
/// whether it is valid (an invalid IIN is flagged, not a reason to drop the person).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SourcePerson {
    pub person_id: String,
    #[serde(default)]
    pub iin: Option<String>,
    pub surname: String,
    pub given_name: String,
    #[serde(default)]
    pub patronymic: Option<String>,
    #[serde(default)]
    pub birth_date: Option<BirthDate>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub citizenship: Option<String>,
    #[serde(default)]
    pub aliases: Vec<SourceAlias>,
    #[serde(default)]
    pub convictions: Vec<SourceConviction>,
    #[serde(default)]
    pub admin_offences: Vec<SourceAdminOffence>,
}

impl SourcePerson {
    /// The IIN checked: `None` when absent or blank, else the parse result.
    pub fn iin_check(&self) -> Option<Result<Iin, IinError>> {
        let raw = self.iin.as_deref()?.trim();
        (!raw.is_empty()).then(|| Iin::parse(raw))
    }
}

/// Decode and validate one line of the export.
pub fn parse_line(line: &[u8]) -> Result<SourcePerson, LineError> {
    let text = std::str::from_utf8(line)
        .map_err(|e| LineError::new("$", format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let person: SourcePerson = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path == "?" || path.is_empty() {
            "$".to_string()
        } else {
            path
        };
        LineError::new(field, strip_position(&e.into_inner().to_string()))
    })?;
    de.end()
        .map_err(|e| LineError::new("$", strip_position(&e.to_string())))?;
    validate(&person)?;
    Ok(person)
}

/// serde_json appends " at line 1 column N"; the line number is ours to report.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn check_text(field: &str, value: &str, required: bool) -> Result<(), LineError> {
    if required && value.trim().is_empty() {
        return Err(LineError::new(field, "must not be empty"));
    }
    if value.len() > MAX_FIELD_BYTES {
        return Err(LineError::new(
            field,
            format!("longer than {MAX_FIELD_BYTES} bytes ({})", value.len()),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(LineError::new(field, "contains control characters"));
    }
    Ok(())
}

fn check_len(field: &str, len: usize) -> Result<(), LineError> {
    if len > MAX_LIST_LEN {
        return Err(LineError::new(
            field,
            format!("more than {MAX_LIST_LEN} entries ({len})"),
        ));
    }
    Ok(())
}

fn validate(p: &SourcePerson) -> Result<(), LineError> {
    check_text("person_id", &p.person_id, true)?;
    check_text("surname", &p.surname, true)?;
    check_text("given_name", &p.given_name, true)?;
    if let Some(pat) = &p.patronymic {
        check_text("patronymic", pat, false)?;
    }
    if let Some(iin) = &p.iin {
        check_text("iin", iin, false)?;
    }
    if let Some(c) = &p.citizenship {
        check_text("citizenship", c, false)?;
    }
    check_len("aliases", p.aliases.len())?;
    check_len("convictions", p.convictions.len())?;
    check_len("admin_offences", p.admin_offences.len())?;
    for (i, a) in p.aliases.iter().enumerate() {
        check_text(&format!("aliases[{i}].surname"), &a.surname, true)?;
        check_text(&format!("aliases[{i}].given_name"), &a.given_name, true)?;
        if let Some(pat) = &a.patronymic {
            check_text(&format!("aliases[{i}].patronymic"), pat, false)?;
        }
    }
    for (i, c) in p.convictions.iter().enumerate() {
        check_text(&format!("convictions[{i}].court"), &c.court, false)?;
        check_len(&format!("convictions[{i}].articles"), c.articles.len())?;
        for (j, a) in c.articles.iter().enumerate() {
            check_text(&format!("convictions[{i}].articles[{j}]"), a, false)?;
        }
        let later = |field: &str, d: &Option<Date>| -> Result<(), LineError> {
            match d {
                Some(d) if d.0 < c.verdict_date.0 => Err(LineError::new(
                    format!("convictions[{i}].{field}"),
                    format!("{} is before the verdict date {}", d.0, c.verdict_date.0),
                )),
                _ => Ok(()),
            }
        };
        later("probation_end", &c.probation_end)?;
        later("sentence_end", &c.sentence_end)?;
        later("expunged_by_court", &c.expunged_by_court)?;
    }
    for (i, o) in p.admin_offences.iter().enumerate() {
        check_text(&format!("admin_offences[{i}].article"), &o.article, false)?;
        check_text(&format!("admin_offences[{i}].penalty"), &o.penalty, false)?;
        if let Some(e) = o.executed_date
            && e.0 < o.decision_date.0
        {
            return Err(LineError::new(
                format!("admin_offences[{i}].executed_date"),
                format!("{} is before the decision date {}", e.0, o.decision_date.0),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"person_id":"P1","iin":"870412300129","surname":"Жұмабаев","given_name":"Ерлан","patronymic":"Нұрланұлы","birth_date":"1987-04-12","sex":"M","citizenship":"KZ","aliases":[{"surname":"Жумабаев","given_name":"Ерлан","patronymic":null}],"convictions":[{"verdict_date":"2010-05-01","court":"Алматы","articles":["188 ч.2"],"category":"medium","punishment":"imprisonment","conditional":false,"probation_end":null,"sentence_end":"2012-05-01","minor_at_offence":false,"expunged_by_court":null,"serving_abroad":false}],"admin_offences":[],"unknown_field":42}"#;

    #[test]
    fn good_line_parses_and_ignores_unknown_fields() {
        let p = parse_line(GOOD.as_bytes()).unwrap();
        assert_eq!(p.person_id, "P1");
        assert!(p.iin_check().unwrap().is_ok());
        assert_eq!(p.convictions[0].category, Category::Medium);
    }

    fn err(line: &str) -> LineError {
        parse_line(line.as_bytes()).unwrap_err()
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(err("{not json").field, "$");
        assert_eq!(err(r#"{"surname":"A","given_name":"B"}"#).field, "$");
        let e = err(&GOOD.replace(r#""category":"medium""#, r#""category":"huge""#));
        assert_eq!(e.field, "convictions[0].category");
        let e = err(&GOOD.replace(
            r#""verdict_date":"2010-05-01""#,
            r#""verdict_date":"2010-02-30""#,
        ));
        assert_eq!(e.field, "convictions[0].verdict_date");
        assert!(e.reason.contains("impossible"), "{e}");
        let e = err(&GOOD.replace(r#""birth_date":"1987-04-12""#, r#""birth_date":19870412"#));
        assert_eq!(e.field, "birth_date");
        let e = err(&GOOD.replace(r#""person_id":"P1""#, r#""person_id":"""#));
        assert_eq!(e.field, "person_id");
        let e = err(&GOOD.replace(r#""sex":"M""#, r#""sex":"X""#));
        assert_eq!(e.field, "sex");
        let e = err(&format!("{GOOD} trailing"));
        assert_eq!(e.field, "$");
    }

    #[test]
    fn invalid_utf8_is_a_line_error() {
        let mut bytes = GOOD.as_bytes().to_vec();
        bytes[40] = 0xff;
        assert_eq!(parse_line(&bytes).unwrap_err().field, "$");
    }

    #[test]
    fn invalid_iin_is_kept_and_flagged() {
        let p = parse_line(GOOD.replace("870412300129", "870412300128").as_bytes()).unwrap();
        assert!(p.iin_check().unwrap().is_err());
        let p = parse_line(GOOD.replace(r#""870412300129""#, "null").as_bytes()).unwrap();
        assert!(p.iin_check().is_none());
    }

    #[test]
    fn huge_strings_are_rejected() {
        let long = "А".repeat(1000);
        let e = err(&GOOD.replace("Ерлан", &long));
        assert!(
            e.field == "given_name" || e.field.starts_with("aliases"),
            "{e}"
        );
    }
}
