//! A certificate query: the JSON (and gRPC) input, decoded and checked into a `Query` with its
//! name normalised once. Owns input validation with `field: reason` errors; it must never look
//! anything up in the index.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tanu_index::date::{PartialDate, parse_date};
use tanu_index::iin::{Iin, IinError};
use tanu_index::name::{NormalizedName, normalize_name};

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
    pub fn from_input(input: QueryInput, today: NaiveDate) -> Result<Query, QueryError> {
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
        let text = std::str::from_utf8(line).map_err(|e| {
            QueryError::new("$", format!("invalid UTF-8 at byte {}", e.valid_up_to()))
        })?;
        let input: QueryInput = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg
                .rfind(" at line ")
                .map_or(msg.as_str(), |i| &msg[..i])
                .to_string();
            QueryError::new("$", msg)
        })?;
        Query::from_input(input, today)
    }
}
