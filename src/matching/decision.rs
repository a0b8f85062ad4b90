//! What the engine answers: the decision, its band and the explained candidates. Owns the
//! answer's shape (JSON Lines and what the gRPC layer maps); it must never compute scores.

use serde::Serialize;

/// What happens to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No similar person: the certificate is issued automatically.
    Clear,
    /// A similar person exists: a clerk must look.
    Review,
}

/// How strong the best evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Clear,
    Possible,
    Certain,
}

/// One field's part of a candidate's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldEvidence {
    /// `iin`, `surname`, `given_name`, `patronymic`, `birth_date`, `sex`.
    pub field: &'static str,
    /// The comparison level (`exact`, `close`, `phonetic`, `different`, `missing`, …).
    pub level: &'static str,
    /// Match weight log2(m/u) of that level, in bits.
    pub weight: f64,
    /// Term-frequency adjustment in bits (negative for common names), when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tf_adjustment: Option<f64>,
    /// What was compared, for the clerk (registry side), when it helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why a candidate scored what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Prior log2 odds of a match before any field.
    pub prior: f64,
    /// The fields, in a fixed order.
    pub fields: Vec<FieldEvidence>,
    /// Correction in bits for name parts that agree together and usually go together (a
    /// Russian surname with a Russian given name): their separate frequency adjustments
    /// overstate the evidence. Absent when none applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_pair_adjustment: Option<f64>,
    /// prior + Σ weights + Σ adjustments.
    pub total: f64,
    /// When set, why the candidate cannot be the applicant whatever its weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruled_out: Option<&'static str>,
    /// When set, why the candidate is reviewed although its total is below the threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_reason: Option<&'static str>,
    /// How the candidate was found (`iin`, `iin_near_miss`, `birth_date`, `name_key`, `fuzzy_name`,
    /// `birth_date_and_surname`).
    pub found_by: Vec<&'static str>,
}

/// A registry person who could be the applicant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub person_id: String,
    /// Match probability 0..1 from the total weight.
    pub score: f64,
    pub band: Band,
    pub explanation: Explanation,
    /// Set when the person was salvaged from a damaged export line: what was wrong with it
    /// (the clerk checks the person's record itself, `tanu lookup` prints what was kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_damage: Option<String>,
}

/// The answer to one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub request_id: String,
    pub decision: Verdict,
    pub band: Band,
    pub candidates: Vec<Candidate>,
    pub model_version: String,
    /// The rules analysis of the best candidate of a review decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<serde_json::Value>,
}

/// A query that could not be decided, as a JSON line of the batch output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionError {
    /// The request id, when the line had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The 1-based line number of the batch input.
    pub line: u64,
    pub error: String,
    pub field: String,
}
