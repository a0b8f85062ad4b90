//! The special-records export: one JSON object per line, as documented in `docs/FORMAT.md`.
//! Owns decoding and validating one line into a `SourcePerson` with precise `field: reason`
//! errors, and salvaging a damaged line: a person whose identity can still be read is kept with
//! what could be read. It must never normalise names, never touch the on-disk index, and never
//! drop a record of a person it keeps (an unreadable record is kept as its JSON text).

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
    /// Set when the line was damaged and this person was salvaged from it (never read from JSON;
    /// written out by `tanu lookup`).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub damage: Option<Damage>,
}

/// Which record list of a person a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordList {
    Convictions,
    AdminOffences,
}

/// A record of a damaged line that could not be read: kept as its JSON text with the reason, so
/// a clerk can read it and nothing stored is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableRecord {
    pub list: RecordList,
    /// Its position in the line's array.
    pub position: u32,
    /// Its JSON text, cut at `MAX_RAW_RECORD_BYTES`.
    pub raw: String,
    pub reason: String,
}

/// What was wrong with a salvaged line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Damage {
    /// The line's first error, as `field: reason`.
    pub error: String,
    /// Its records that could not be read.
    pub unreadable: Vec<UnreadableRecord>,
}

/// Longest JSON text kept for one unreadable record.
pub const MAX_RAW_RECORD_BYTES: usize = 4096;

impl SourcePerson {
    /// The IIN checked: `None` when absent or blank, else the parse result.
    pub fn iin_check(&self) -> Option<Result<Iin, IinError>> {
        let raw = self.iin.as_deref()?.trim();
        (!raw.is_empty()).then(|| Iin::parse(raw))
    }
}

/// Decode and validate one line of the export.
pub fn parse_line(line: &[u8]) -> Result<SourcePerson, LineError> {
    let person: SourcePerson = decode_line(line)?;
    validate(&person)?;
    Ok(person)
}

/// Decode one JSON Lines line (a whole JSON value, nothing after it) into `T`. An error names
/// the field path it is in (`$` for the line itself) and gives serde's reason without its
/// position: the caller reports its own line number. Shared by the export and the queries.
pub fn decode_line<T: serde::de::DeserializeOwned>(line: &[u8]) -> Result<T, LineError> {
    let text = std::str::from_utf8(line)
        .map_err(|e| LineError::new("$", format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    // The plain decoder first: tracking the field path cost a fifth of a query's decoding
    // (3,400 instructions a line), and only a bad line needs it.
    serde_json::from_str(text)
        .map_err(|plain| LineError::new(field_of::<T>(text), strip_position(&plain.to_string())))
}

/// The field path a line's decoding error is in, found by decoding it again with the path
/// tracked; `$` for the line itself. A field is named only for a value of the wrong type or
/// form: broken JSON (a line cut short, a stray byte, text after the value) is the line's error
/// wherever it stopped.
fn field_of<T: serde::de::DeserializeOwned>(text: &str) -> String {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) if e.inner().classify() == serde_json::error::Category::Data => {
            let path = e.path().to_string();
            if path == "." || path == "?" || path.is_empty() {
                "$".to_string()
            } else {
                path
            }
        }
        _ => "$".to_string(),
    }
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
        check_conviction(i, c)?;
    }
    for (i, o) in p.admin_offences.iter().enumerate() {
        check_offence(i, o)?;
    }
    Ok(())
}

fn check_conviction(i: usize, c: &SourceConviction) -> Result<(), LineError> {
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
    Ok(())
}

fn check_offence(i: usize, o: &SourceAdminOffence) -> Result<(), LineError> {
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
    Ok(())
}

/// How one line of the export was read.
#[derive(Debug)]
pub enum LineOutcome {
    /// Read in full.
    Good(SourcePerson),
    /// Damaged, but the person's identity could be read: kept with what could be read and the
    /// damage noted (`SourcePerson::damage`).
    Damaged(SourcePerson, LineError),
    /// Nothing that identifies a person could be read.
    Unreadable(LineError),
}

/// Read one line: in full when it is good, else salvage what identifies the person.
/// `line_no` (1-based) names a person whose `person_id` is missing.
pub fn read_line(line: &[u8], line_no: u64) -> LineOutcome {
    match parse_line(line) {
        Ok(p) => LineOutcome::Good(p),
        Err(e) => match salvage_line(line, line_no, &e) {
            Some(p) => LineOutcome::Damaged(p, e),
            None => LineOutcome::Unreadable(e),
        },
    }
}

/// Salvage a line `parse_line` rejected with `error`: the first JSON object of the line (bad
/// UTF-8 replaced, trailing text ignored), its names, IIN, birth date (`PartialDate::salvage`),
/// sex and aliases as far as they can be read, every record that reads and checks, and every
/// other record as an `UnreadableRecord`. `None` when the line holds no object with a name or
/// an IIN: then nothing identifies a person.
pub fn salvage_line(line: &[u8], line_no: u64, error: &LineError) -> Option<SourcePerson> {
    use serde_json::Value;
    let text = String::from_utf8_lossy(line);
    let value = serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .next()?
        .ok()?;
    let object = value.as_object()?;
    let get = |key: &str| object.get(key).and_then(salvage_text);
    let surname = get("surname").unwrap_or_default();
    let given_name = get("given_name").unwrap_or_default();
    let iin = match object.get("iin") {
        // A number (leading zeros lost), or a float of a whole number (870412300129.0).
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && (0.0..1e12).contains(f))
                    .map(|f| f as u64)
            })
            .map(|n| format!("{n:012}")),
        Some(v) => salvage_text(v),
        None => None,
    };
    if surname.is_empty() && given_name.is_empty() && iin.is_none() {
        return None;
    }
    let person_id = get("person_id").unwrap_or_else(|| format!("(no person_id, line {line_no})"));
    let birth_date = match object.get("birth_date") {
        Some(Value::String(s)) => PartialDate::salvage(s),
        Some(Value::Number(n)) => PartialDate::salvage(&n.to_string()),
        _ => None,
    }
    .map(BirthDate);
    let sex = object
        .get("sex")
        .and_then(Value::as_str)
        .and_then(salvage_sex);
    let aliases = match object.get("aliases") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|a| {
                let a = a.as_object()?;
                let get = |key: &str| a.get(key).and_then(salvage_text);
                let alias = SourceAlias {
                    surname: get("surname").unwrap_or_default(),
                    given_name: get("given_name").unwrap_or_default(),
                    patronymic: get("patronymic"),
                };
                (!alias.surname.is_empty() || !alias.given_name.is_empty()).then_some(alias)
            })
            .take(MAX_LIST_LEN)
            .collect(),
        _ => Vec::new(),
    };
    let mut unreadable = Vec::new();
    let convictions = salvage_records(
        object.get("convictions"),
        RecordList::Convictions,
        |i, v| read_record(v, |c| check_conviction(i, c)),
        &mut unreadable,
    );
    let admin_offences = salvage_records(
        object.get("admin_offences"),
        RecordList::AdminOffences,
        |i, v| read_record(v, |o| check_offence(i, o)),
        &mut unreadable,
    );
    Some(SourcePerson {
        person_id,
        iin,
        surname,
        given_name,
        patronymic: get("patronymic"),
        birth_date,
        sex,
        citizenship: get("citizenship"),
        aliases,
        convictions,
        admin_offences,
        damage: Some(Damage {
            error: error.to_string(),
            unreadable,
        }),
    })
}

/// One record of a damaged line, decoded and checked; the reason when it cannot be.
fn read_record<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
    check: impl Fn(&T) -> Result<(), LineError>,
) -> Result<T, String> {
    let record: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    check(&record).map_err(|e| e.to_string())?;
    Ok(record)
}

/// A string (or number) field of a damaged line, made storable: control characters become
/// spaces, the ends are trimmed and the text is cut at `MAX_FIELD_BYTES`. `None` when blank.
fn salvage_text(v: &serde_json::Value) -> Option<String> {
    let raw = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let kept = cut_at(cleaned.trim(), MAX_FIELD_BYTES).trim_end();
    (!kept.is_empty()).then(|| kept.to_string())
}

/// The longest start of `s` of at most `max` bytes that ends on a character boundary.
fn cut_at(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The sex as other systems write it (M/F in Latin or Cyrillic, Russian and Kazakh words).
fn salvage_sex(s: &str) -> Option<Sex> {
    match s.trim().to_lowercase().as_str() {
        "m" | "м" | "male" | "man" | "муж" | "мужской" | "ер" | "1" => Some(Sex::Male),
        "f" | "ж" | "female" | "woman" | "жен" | "женский" | "әйел" | "2" => {
            Some(Sex::Female)
        }
        _ => None,
    }
}

/// The records of one list of a damaged line: those that read and check, in order; the rest go
/// to `unreadable` as JSON text. A value that is not a list counts as one unreadable record.
fn salvage_records<T>(
    value: Option<&serde_json::Value>,
    list: RecordList,
    read: impl Fn(usize, &serde_json::Value) -> Result<T, String>,
    unreadable: &mut Vec<UnreadableRecord>,
) -> Vec<T> {
    let raw_text = |v: &serde_json::Value| cut_at(&v.to_string(), MAX_RAW_RECORD_BYTES).to_string();
    let items = match value {
        None | Some(serde_json::Value::Null) => return Vec::new(),
        Some(serde_json::Value::Array(items)) => items,
        Some(other) => {
            unreadable.push(UnreadableRecord {
                list,
                position: 0,
                raw: raw_text(other),
                reason: "not a list".into(),
            });
            return Vec::new();
        }
    };
    let mut read_ok = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match read(i, item) {
            Ok(record) => read_ok.push(record),
            Err(reason) => unreadable.push(UnreadableRecord {
                list,
                position: i as u32,
                raw: raw_text(item),
                reason,
            }),
        }
    }
    read_ok
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
        // A line cut short inside a field is broken JSON, the line's error, not the field's.
        let cut = &GOOD[..GOOD.find(r#""birth_date":"#).unwrap() + r#""birth_date":"#.len()];
        assert_eq!(err(cut).field, "$");
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

    fn salvaged(line: &str) -> SourcePerson {
        match read_line(line.as_bytes(), 7) {
            LineOutcome::Damaged(p, _) => p,
            other => panic!("not salvaged: {other:?}"),
        }
    }

    #[test]
    fn salvage_reads_identity_written_other_ways() {
        let p = salvaged(
            r#"{"person_id":42,"iin":50412300129,"surname":"Жұмабаев\tЕрлан","given_name":"","sex":"муж","birth_date":"12.04.1987","aliases":[{"surname":"Жумабаев"},{"x":1},"no"],"convictions":"yes"}"#,
        );
        assert_eq!(p.person_id, "42");
        assert_eq!(p.iin.as_deref(), Some("050412300129"));
        let float = salvaged(r#"{"iin":870412300129.0,"surname":"Жұмабаев"}"#);
        assert_eq!(float.iin.as_deref(), Some("870412300129"));
        let fraction = salvaged(r#"{"iin":8704123001.5,"surname":"Жұмабаев"}"#);
        assert_eq!(fraction.iin, None);
        assert_eq!(p.surname, "Жұмабаев Ерлан");
        assert_eq!(p.given_name, "");
        assert_eq!(p.sex, Some(Sex::Male));
        assert_eq!(p.birth_date.unwrap().0.to_string(), "1987-04-12");
        assert_eq!(p.aliases.len(), 1);
        let damage = p.damage.unwrap();
        assert_eq!(damage.unreadable.len(), 1);
        assert_eq!(damage.unreadable[0].raw, r#""yes""#);
        assert_eq!(damage.unreadable[0].reason, "not a list");
        for (word, sex) in [("f", Sex::Female), ("Ж", Sex::Female), ("Male", Sex::Male)] {
            let p = salvaged(&GOOD.replace(r#""sex":"M""#, &format!(r#""sex":"{word}""#)));
            assert_eq!(p.sex, Some(sex), "{word}");
        }
        assert_eq!(
            salvaged(&GOOD.replace(r#""sex":"M""#, r#""sex":"?""#)).sex,
            None
        );
    }

    #[test]
    fn salvage_keeps_every_record_readable_or_not() {
        let bad = GOOD.replace(
            r#""admin_offences":[]"#,
            r#""admin_offences":[{"decision_date":"2023-09-14","article":"434","penalty":"штраф"},{"decision_date":"2023-09-14","article":"434","penalty":"штраф","executed_date":"2020-01-01"}]"#,
        );
        let p = salvaged(&bad);
        assert_eq!(p.convictions.len(), 1);
        assert_eq!(p.admin_offences.len(), 1);
        let damage = p.damage.unwrap();
        assert!(
            damage.error.starts_with("admin_offences[1].executed_date"),
            "{}",
            damage.error
        );
        assert_eq!(damage.unreadable.len(), 1);
        let u = &damage.unreadable[0];
        assert_eq!((u.list, u.position), (RecordList::AdminOffences, 1));
        assert!(u.raw.contains("2020-01-01"));
        assert!(
            u.reason.contains("before the decision date"),
            "{}",
            u.reason
        );
    }

    #[test]
    fn salvage_needs_a_name_or_an_iin() {
        for line in [
            "{not json",
            "[1,2,3]",
            r#"{"person_id":"P1","surname":" ","given_name":null}"#,
            r#""Жұмабаев""#,
        ] {
            assert!(
                matches!(read_line(line.as_bytes(), 1), LineOutcome::Unreadable(_)),
                "{line}"
            );
        }
        let p = salvaged(r#"{"iin":"870412300129"}"#);
        assert_eq!(p.person_id, "(no person_id, line 7)");
        assert!(matches!(
            read_line(GOOD.as_bytes(), 1),
            LineOutcome::Good(_)
        ));
    }

    #[test]
    fn salvaged_text_is_cut_to_the_limit_on_a_char_boundary() {
        let p = salvaged(
            &GOOD
                .replace("Ерлан", &"Ә".repeat(400))
                .replace(r#""sex":"M""#, r#""sex":1.5"#),
        );
        assert!(p.given_name.len() <= MAX_FIELD_BYTES);
        assert!(p.given_name.len() >= MAX_FIELD_BYTES - 1);
        assert!(p.given_name.chars().all(|c| c == 'Ә'));
    }
}
