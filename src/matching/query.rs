//! A certificate query: the JSON (and gRPC) input, decoded and checked into a `Query` with its
//! name normalised once. Owns input validation with `field: reason` errors; it must never look
//! anything up in the index.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tanu_index::date::{PartialDate, parse_date};
use tanu_index::iin::{Iin, IinError};
use tanu_index::name::{NormalizedName, given_and_patronymic_swapped, normalize_name};

/// Longest accepted name field, in bytes.
pub const MAX_NAME_BYTES: usize = 256;

/// The kind of certificate asked for; it decides which records matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    CriminalRecord,
    AdministrativeOffences,
}

impl QueryKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            QueryKind::CriminalRecord => "criminal_record",
            QueryKind::AdministrativeOffences => "administrative_offences",
        }
    }
}

impl std::str::FromStr for QueryKind {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Self, QueryError> {
        match s {
            "criminal_record" => Ok(QueryKind::CriminalRecord),
            "administrative_offences" => Ok(QueryKind::AdministrativeOffences),
            other => Err(QueryError::new(
                "kind",
                format!("must be criminal_record or administrative_offences, got {other:?}"),
            )),
        }
    }
}

/// A query as it arrives (one JSON line, or the fields of a gRPC request). Unknown fields are
/// ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct QueryInput {
    pub request_id: String,
    pub kind: String,
    #[serde(default)]
    pub iin: Option<String>,
    pub surname: String,
    pub given_name: String,
    #[serde(default)]
    pub patronymic: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub as_of: Option<String>,
}

/// A rejected query: which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct QueryError {
    pub field: String,
    pub reason: String,
}

impl QueryError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        QueryError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// The applicant's IIN as stated in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryIin {
    Missing,
    Valid(Iin),
    /// Stated but invalid: kept (its digits may still be a typo of the real one), never trusted.
    Invalid {
        raw: String,
        error: IinError,
    },
}

/// A checked query, ready for matching.
#[derive(Debug, Clone)]
pub struct Query {
    pub request_id: String,
    pub kind: QueryKind,
    pub iin: QueryIin,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub name: NormalizedName,
    pub birth_date: Option<PartialDate>,
    pub as_of: NaiveDate,
}

fn check_name(field: &str, value: &str, required: bool) -> Result<(), QueryError> {
    if required && value.trim().is_empty() {
        return Err(QueryError::new(field, "must not be empty"));
    }
    if value.len() > MAX_NAME_BYTES {
        return Err(QueryError::new(
            field,
            format!("longer than {MAX_NAME_BYTES} bytes ({})", value.len()),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(QueryError::new(field, "contains control characters"));
    }
    Ok(())
}

impl Query {
    /// Check a query. `today` is used when `as_of` is absent.
    pub fn from_input(mut input: QueryInput, today: NaiveDate) -> Result<Query, QueryError> {
        if input.request_id.trim().is_empty() {
            return Err(QueryError::new("request_id", "must not be empty"));
        }
        if input.request_id.len() > MAX_NAME_BYTES || input.request_id.chars().any(char::is_control)
        {
            return Err(QueryError::new(
                "request_id",
                "must be at most 256 bytes without control characters",
            ));
        }
        let kind: QueryKind = input.kind.parse()?;
        check_name("surname", &input.surname, true)?;
        check_name("given_name", &input.given_name, true)?;
        if let Some(p) = &input.patronymic {
            check_name("patronymic", p, false)?;
        }
        let iin = match input.iin.as_deref().map(str::trim) {
            None | Some("") => QueryIin::Missing,
            Some(raw) => {
                check_name("iin", raw, false)?;
                match Iin::parse(raw) {
                    Ok(iin) => QueryIin::Valid(iin),
                    Err(error) => QueryIin::Invalid {
                        raw: raw.to_string(),
                        error,
                    },
                }
            }
        };
        let birth_date = match input.birth_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                PartialDate::parse_written(s)
                    .map_err(|e| QueryError::new("birth_date", e.to_string()))?,
            ),
        };
        let as_of = match input.as_of.as_deref().map(str::trim) {
            None | Some("") => today,
            Some(s) => parse_date(s).map_err(|e| QueryError::new("as_of", e.to_string()))?,
        };
        if let Some(patronymic) = input.patronymic.as_mut()
            && given_and_patronymic_swapped(&input.given_name, patronymic)
        {
            std::mem::swap(&mut input.given_name, patronymic);
        }
        let name = normalize_name(
            &input.surname,
            &input.given_name,
            input.patronymic.as_deref(),
        );
        if name.surname.is_empty() && name.given.is_empty() {
            return Err(QueryError::new("surname", "has no letters"));
        }
        Ok(Query {
            request_id: input.request_id,
            kind,
            iin,
            surname: input.surname,
            given_name: input.given_name,
            patronymic: input.patronymic,
            name,
            birth_date,
            as_of,
        })
    }

    /// Decode one JSON line and check it.
    pub fn from_json_line(line: &[u8], today: NaiveDate) -> Result<Query, QueryError> {
        let input: QueryInput = tanu_index::source::decode_line(line)
            .map_err(|e| QueryError::new(e.field, e.reason))?;
        Query::from_input(input, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    const GOOD: &str = r#"{"request_id":"R1","kind":"criminal_record","iin":"870412300129","surname":"Жұмабаев","given_name":"Ерлан","patronymic":"Нұрланұлы","birth_date":"1987-04-12","as_of":"2026-01-15","extra":1}"#;

    fn with(field: &str, value: serde_json::Value) -> Vec<u8> {
        let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        v[field] = value;
        v.to_string().into_bytes()
    }

    #[test]
    fn a_good_line_decodes_every_field() {
        let q = Query::from_json_line(GOOD.as_bytes(), today()).unwrap();
        assert_eq!(q.request_id, "R1");
        assert_eq!(q.kind, QueryKind::CriminalRecord);
        assert!(matches!(q.iin, QueryIin::Valid(_)));
        assert_eq!(q.patronymic.as_deref(), Some("Нұрланұлы"));
        assert_eq!(
            q.birth_date,
            Some(PartialDate::parse("1987-04-12").unwrap())
        );
        assert_eq!(q.as_of, NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        assert!(!q.name.surname.is_empty() && !q.name.given.is_empty());
    }

    #[test]
    fn a_given_name_and_patronymic_filled_the_wrong_way_round_are_swapped() {
        let good = Query::from_json_line(GOOD.as_bytes(), today()).unwrap();
        // GOOD with these two fields.
        let named = |given: &str, patronymic: Option<&str>| {
            let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
            v["given_name"] = serde_json::json!(given);
            v["patronymic"] = serde_json::json!(patronymic);
            Query::from_json_line(v.to_string().as_bytes(), today()).unwrap()
        };
        for (given, patronymic) in [("Нұрланұлы", "Ерлан"), ("Нурланович", "Ерлан")]
        {
            let q = named(given, Some(patronymic));
            assert_eq!(q.given_name, "Ерлан", "{given}");
            assert_eq!(q.patronymic.as_deref(), Some(given));
            assert_eq!(q.name.given, good.name.given, "{given}");
            assert_eq!(q.name.patronymic_root, good.name.patronymic_root, "{given}");
        }
        // A -сұлу given name in the patronymic field is no patronymic: swapped too.
        let q = named("Нұрланқызы", Some("Айсұлу"));
        assert_eq!(
            (q.given_name.as_str(), q.patronymic.as_deref()),
            ("Айсұлу", Some("Нұрланқызы"))
        );
        // Two patronymics, a short name ending like a suffix (Гули), a patronymic written as two
        // words, or no patronymic at all: read as written.
        for (given, patronymic) in [
            ("Нұрланұлы", Some("Серікұлы")),
            ("Гули", Some("Ерлан")),
            ("Айсұлу", Some("Ерлан")),
            ("Ерлан", Some("Нұрлан ұлы")),
            ("Ерлан Нурланович", Some("Серік")),
            ("Нұрланұлы", None),
        ] {
            let q = named(given, patronymic);
            assert_eq!(q.given_name, given);
            assert_eq!(q.patronymic.as_deref(), patronymic);
        }
    }

    #[test]
    fn optional_fields_may_be_null_blank_or_absent() {
        for v in [serde_json::Value::Null, serde_json::json!("  ")] {
            let line = with("iin", v.clone());
            let q = Query::from_json_line(&line, today()).unwrap();
            assert_eq!(q.iin, QueryIin::Missing);
            let q = Query::from_json_line(&with("birth_date", v.clone()), today()).unwrap();
            assert_eq!(q.birth_date, None);
            let q = Query::from_json_line(&with("as_of", v), today()).unwrap();
            assert_eq!(q.as_of, today(), "as_of defaults to today");
        }
        let q = Query::from_json_line(
            r#"{"request_id":"R","kind":"administrative_offences","surname":"Ким","given_name":"Ирина"}"#
                .as_bytes(),
            today(),
        )
        .unwrap();
        assert_eq!(
            (q.iin, q.patronymic, q.birth_date),
            (QueryIin::Missing, None, None)
        );
    }

    #[test]
    fn other_written_forms_are_read() {
        let q = Query::from_json_line(&with("iin", "870412 300129".into()), today()).unwrap();
        assert!(matches!(q.iin, QueryIin::Valid(_)), "spaced digits");
        let q = Query::from_json_line(&with("iin", "870412300129.0".into()), today()).unwrap();
        assert!(
            matches!(q.iin, QueryIin::Valid(_)),
            "a float's zero decimal part"
        );
        let q = Query::from_json_line(&with("birth_date", "12.04.1987".into()), today()).unwrap();
        assert_eq!(
            q.birth_date,
            Some(PartialDate::parse("1987-04-12").unwrap())
        );
        let q = Query::from_json_line(&with("birth_date", "1987-04".into()), today()).unwrap();
        assert_eq!(q.birth_date, Some(PartialDate::parse("1987-04").unwrap()));
        // A wrong check digit is kept, untrusted: it may be a typo of the registry's IIN.
        let q = Query::from_json_line(&with("iin", "870412300128".into()), today()).unwrap();
        assert!(matches!(q.iin, QueryIin::Invalid { .. }));
    }

    #[test]
    fn each_rejection_names_its_field() {
        let long = "а".repeat(MAX_NAME_BYTES);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"{".to_vec(), "$"),
            (b"\xff".to_vec(), "$"),
            (b"[]".to_vec(), "$"),
            (with("surname", serde_json::json!(5)), "surname"),
            // An IIN written as a number would lose a leading zero: a string is required.
            (with("iin", serde_json::json!(880312300123u64)), "iin"),
            (
                with("birth_date", serde_json::json!(["1987"])),
                "birth_date",
            ),
            (with("request_id", " ".into()), "request_id"),
            (with("request_id", "a\u{7}".into()), "request_id"),
            (with("kind", "certificate".into()), "kind"),
            (with("surname", "".into()), "surname"),
            (with("surname", long.clone().into()), "surname"),
            // No letters in either name (one without letters is allowed: a dash for none).
            (
                serde_json::from_str::<serde_json::Value>(GOOD)
                    .map(|mut v| {
                        v["surname"] = "--".into();
                        v["given_name"] = "?".into();
                        v.to_string().into_bytes()
                    })
                    .unwrap(),
                "surname",
            ),
            (with("given_name", "\t".into()), "given_name"),
            (with("patronymic", "a\nb".into()), "patronymic"),
            (with("iin", long.into()), "iin"),
            (with("birth_date", "1987-02-30".into()), "birth_date"),
            (with("birth_date", "вчера".into()), "birth_date"),
            (with("as_of", "1987-04".into()), "as_of"),
        ];
        for (line, field) in cases {
            let e = Query::from_json_line(&line, today()).unwrap_err();
            assert_eq!(e.field, field, "{}: {e}", String::from_utf8_lossy(&line));
            assert!(!e.reason.is_empty());
        }
    }

    proptest! {
        /// Any bytes give a query or an error naming a field of the query (or `$`, the line).
        #[test]
        fn any_line_decodes_or_names_a_field(line in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Err(e) = Query::from_json_line(&line, today()) {
                prop_assert_eq!(e.field.as_str(), "$");
            }
        }

        #[test]
        fn any_field_values_decode_or_name_their_field(
            values in proptest::collection::vec(
                prop_oneof![Just(None), "\\PC{0,20}".prop_map(Some), "[0-9 .-]{0,14}".prop_map(Some)],
                8,
            ),
        ) {
            const FIELDS: [&str; 8] =
                ["request_id", "kind", "iin", "surname", "given_name", "patronymic", "birth_date", "as_of"];
            let mut v = serde_json::Map::new();
            for (k, x) in FIELDS.iter().zip(&values) {
                v.insert(k.to_string(), x.clone().map_or(serde_json::Value::Null, Into::into));
            }
            let line = serde_json::Value::Object(v).to_string();
            match Query::from_json_line(line.as_bytes(), today()) {
                Ok(q) => {
                    prop_assert_eq!(Some(&q.request_id), values[0].as_ref());
                    prop_assert!(!q.name.surname.is_empty() || !q.name.given.is_empty());
                }
                // Required strings given as null fail in decoding, naming their field.
                Err(e) => prop_assert!(
                    e.field == "$" || FIELDS.contains(&e.field.as_str()),
                    "{}", e
                ),
            }
        }
    }
}
