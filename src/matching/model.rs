//! The versioned Fellegi-Sunter model: comparison levels per field, their m and u
//! probabilities, the band thresholds and the term-frequency bounds, loaded from TOML (the
//! shipped `model.toml` by default). Owns weights only; it must never compare values.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The model shipped with the binary.
pub const SHIPPED_MODEL: &str = include_str!("model.toml");

/// Most levels a field has (the birth date's): the width of the weight tables.
pub const MAX_LEVELS: usize = 10;

/// A field of the comparison vector, in explanation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Iin,
    Surname,
    GivenName,
    Patronymic,
    BirthDate,
    Sex,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Iin,
        Field::Surname,
        Field::GivenName,
        Field::Patronymic,
        Field::BirthDate,
        Field::Sex,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Iin => "iin",
            Field::Surname => "surname",
            Field::GivenName => "given_name",
            Field::Patronymic => "patronymic",
            Field::BirthDate => "birth_date",
            Field::Sex => "sex",
        }
    }

    /// The level names this field must define, index = level code.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::Iin => &[
                "exact",
                "one_edit",
                "different",
                "different_unverified",
                "missing",
            ],
            Field::Surname => &[
                "exact",
                "stem",
                "phonetic",
                "close",
                "different",
                "missing",
                "different_man",
                "word",
                "ending",
            ],
            Field::GivenName | Field::Patronymic => {
                &["exact", "phonetic", "close", "different", "missing"]
            }
            Field::BirthDate => &[
                "exact",
                "day_month_swap",
                "close",
                "same_year_month",
                "same_year",
                "different",
                "missing",
                "close_query_confirmed",
                "day_apart",
                "day_apart_query_confirmed",
            ],
            Field::Sex => &["same", "different", "missing"],
        }
    }

    /// The level whose m and u a level takes when a model file does not define it: the level
    /// the scorer gave before the level existed, so an older model file decides as it did.
    /// `surname.word` (tanu-fs-10) was `close`, `surname.ending` (tanu-fs-10) `stem`, and
    /// `birth_date.day_apart` and its confirmed form (tanu-fs-11) `close` and its confirmed form.
    pub fn stands_in_for(self, level: &str) -> Option<&'static str> {
        match (self, level) {
            (Field::Surname, "word") => Some("close"),
            (Field::Surname, "ending") => Some("stem"),
            (Field::BirthDate, "day_apart") => Some("close"),
            (Field::BirthDate, "day_apart_query_confirmed") => Some("close_query_confirmed"),
            _ => None,
        }
    }

    /// The code of this field's `missing` level (no evidence: never estimated, weight 0).
    pub fn missing_level(self) -> u8 {
        self.levels()
            .iter()
            .position(|l| *l == "missing")
            .expect("every field has a missing level") as u8
    }
}

/// Level codes, shared by the comparators and the model.
pub mod level {
    pub mod iin {
        pub const EXACT: u8 = 0;
        pub const ONE_EDIT: u8 = 1;
        pub const DIFFERENT: u8 = 2;
        pub const DIFFERENT_UNVERIFIED: u8 = 3;
        pub const MISSING: u8 = 4;
    }
    pub mod surname {
        pub const EXACT: u8 = 0;
        pub const STEM: u8 = 1;
        pub const PHONETIC: u8 = 2;
        pub const CLOSE: u8 = 3;
        pub const DIFFERENT: u8 = 4;
        pub const MISSING: u8 = 5;
        /// Different, and one side is a man: men rarely change their surname.
        pub const DIFFERENT_MAN: u8 = 6;
        /// One side writes its surname as several words (a double surname, a maiden name in
        /// brackets) and one of them is the other side's surname or one of its words.
        pub const WORD: u8 = 7;
        /// The same stem, where one side is written without the gendered ending or with
        /// another form of it (Жұмабай / Жумабаев, Нұрланұлы / Нурланов, Байтұрсын /
        /// Байтұрсынов), not a feminine against a masculine one (that is `STEM`).
        pub const ENDING: u8 = 8;
    }
    /// Given name and patronymic.
    pub mod part {
        pub const EXACT: u8 = 0;
        pub const PHONETIC: u8 = 1;
        pub const CLOSE: u8 = 2;
        pub const DIFFERENT: u8 = 3;
        pub const MISSING: u8 = 4;
    }
    pub mod birth {
        pub const EXACT: u8 = 0;
        pub const SWAP: u8 = 1;
        pub const CLOSE: u8 = 2;
        pub const SAME_YEAR_MONTH: u8 = 3;
        pub const SAME_YEAR: u8 = 4;
        pub const DIFFERENT: u8 = 5;
        pub const MISSING: u8 = 6;
        /// `CLOSE`, while the query's date is the one its valid IIN encodes: only the
        /// registry's date can hold the typo.
        pub const CLOSE_QUERY_CONFIRMED: u8 = 7;
        /// Full dates one day apart (a slip of the day, or a date shifted by a time zone in
        /// an export), which `CLOSE` takes otherwise: about 1 in 10,000 random pairs against
        /// `CLOSE`'s 1 in 600, so a much stronger agreement.
        pub const DAY_APART: u8 = 8;
        /// `DAY_APART`, while the query's date is the one its valid IIN encodes.
        pub const DAY_APART_QUERY_CONFIRMED: u8 = 9;
    }
    pub mod sex {
        pub const SAME: u8 = 0;
        pub const DIFFERENT: u8 = 1;
        pub const MISSING: u8 = 2;
    }
}

#[derive(Debug, Deserialize)]
struct MuFile {
    m: f64,
    u: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsFile {
    possible: f64,
    certain: f64,
    /// Absent in model files written before tanu-fs-6: then it equals `possible` (no
    /// names-only rule), which is what those models decided.
    names_only_possible: Option<f64>,
    /// Absent in model files written before tanu-fs-9: then it equals `possible` (no rule for
    /// birth dates a typo apart), which is what those models decided.
    date_typo_possible: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct TermFrequencyFile {
    min: f64,
    max: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamePairsFile {
    pseudo_count: f64,
    min: f64,
    max: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    version: String,
    prior: f64,
    thresholds: ThresholdsFile,
    term_frequency: TermFrequencyFile,
    name_pairs: NamePairsFile,
    fields: BTreeMap<String, BTreeMap<String, MuFile>>,
}

/// A loaded model: weights in bits per field and level.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchModel {
    pub version: String,
    pub prior: f64,
    pub possible: f64,
    pub certain: f64,
    /// The threshold of a candidate whose record holds names only (no IIN, no birth date) and
    /// whose names agree with the query's (`scoring::ReviewReason::NamesOnlyRecord`): at most
    /// `possible`.
    pub names_only_possible: f64,
    /// The threshold of a candidate whose names agree with the query's and whose full birth
    /// date is a typo from the query's (`scoring::ReviewReason::DateTypo`): at most `possible`.
    pub date_typo_possible: f64,
    pub tf_min: f64,
    pub tf_max: f64,
    /// Pseudo-count added to both the observed and the expected count of a name pair.
    pub pair_pseudo_count: f64,
    pub pair_min: f64,
    pub pair_max: f64,
    /// weights[field][level] = log2(m/u).
    weights: [[f64; MAX_LEVELS]; 6],
    /// u probabilities, for term-frequency adjustments.
    u: [[f64; MAX_LEVELS]; 6],
}

impl MatchModel {
    /// The shipped model.
    pub fn shipped() -> MatchModel {
        MatchModel::from_toml(SHIPPED_MODEL).expect("the shipped model is valid (tested)")
    }

    /// Read, parse and check a model file; the error names the file.
    pub fn from_file(path: &std::path::Path) -> Result<MatchModel, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the model {}: {e}", path.display()))?;
        MatchModel::from_toml(&text)
            .map_err(|e| format!("{}: not a valid model: {e}", path.display()))
    }

    /// Parse and check a model file's text.
    pub fn from_toml(text: &str) -> Result<MatchModel, String> {
        let file: ModelFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut weights = [[0.0; MAX_LEVELS]; 6];
        let mut u = [[0.0; MAX_LEVELS]; 6];
        for (fi, field) in Field::ALL.iter().enumerate() {
            let levels = file
                .fields
                .get(field.name())
                .ok_or_else(|| format!("fields.{} is missing", field.name()))?;
            for (li, level) in field.levels().iter().enumerate() {
                let mu = levels
                    .get(*level)
                    .or_else(|| field.stands_in_for(level).and_then(|l| levels.get(l)))
                    .ok_or_else(|| format!("fields.{}.{level} is missing", field.name()))?;
                for (what, p) in [("m", mu.m), ("u", mu.u)] {
                    if !(p > 0.0 && p <= 1.0) {
                        return Err(format!(
                            "fields.{}.{level}.{what} must be in (0, 1], got {p}",
                            field.name()
                        ));
                    }
                }
                weights[fi][li] = (mu.m / mu.u).log2();
                u[fi][li] = mu.u;
            }
            if let Some(extra) = levels
                .keys()
                .find(|k| !field.levels().contains(&k.as_str()))
            {
                return Err(format!(
                    "fields.{}.{extra} is not a level of this field",
                    field.name()
                ));
            }
        }
        if let Some(extra) = file
            .fields
            .keys()
            .find(|k| !Field::ALL.iter().any(|f| f.name() == k.as_str()))
        {
            return Err(format!("fields.{extra} is not a field"));
        }
        if file.thresholds.possible > file.thresholds.certain {
            return Err("thresholds.possible must not exceed thresholds.certain".into());
        }
        // A threshold below `possible` for one review rule: absent from a model file written
        // before the rule, it equals `possible` (no such rule); it never exceeds `possible`.
        let lower = |value: Option<f64>, key: &str| -> Result<f64, String> {
            let value = value.unwrap_or(file.thresholds.possible);
            if value > file.thresholds.possible {
                return Err(format!(
                    "thresholds.{key} must not exceed thresholds.possible"
                ));
            }
            Ok(value)
        };
        let names_only_possible =
            lower(file.thresholds.names_only_possible, "names_only_possible")?;
        let date_typo_possible = lower(file.thresholds.date_typo_possible, "date_typo_possible")?;
        // NaN would pass every comparison below (and a NaN threshold would review nobody).
        for (name, v) in [
            ("prior", file.prior),
            ("thresholds.possible", file.thresholds.possible),
            ("thresholds.certain", file.thresholds.certain),
            ("thresholds.names_only_possible", names_only_possible),
            ("thresholds.date_typo_possible", date_typo_possible),
            ("term_frequency.min", file.term_frequency.min),
            ("term_frequency.max", file.term_frequency.max),
            ("name_pairs.min", file.name_pairs.min),
            ("name_pairs.max", file.name_pairs.max),
        ] {
            if !v.is_finite() {
                return Err(format!("{name} must be a finite number, got {v}"));
            }
        }
        if file.version.trim().is_empty() {
            return Err("version must not be empty: every decision reports it".into());
        }
        if file.term_frequency.min > file.term_frequency.max {
            return Err("term_frequency.min must not exceed term_frequency.max".into());
        }
        let pairs = &file.name_pairs;
        if !(pairs.pseudo_count > 0.0 && pairs.pseudo_count.is_finite()) {
            return Err(format!(
                "name_pairs.pseudo_count must be positive, got {}",
                pairs.pseudo_count
            ));
        }
        if pairs.min > pairs.max {
            return Err("name_pairs.min must not exceed name_pairs.max".into());
        }
        Ok(MatchModel {
            version: file.version,
            prior: file.prior,
            possible: file.thresholds.possible,
            certain: file.thresholds.certain,
            names_only_possible,
            date_typo_possible,
            tf_min: file.term_frequency.min,
            tf_max: file.term_frequency.max,
            pair_pseudo_count: pairs.pseudo_count,
            pair_min: pairs.min,
            pair_max: pairs.max,
            weights,
            u,
        })
    }

    /// This model with another `possible` threshold, for measuring the trade between misses and
    /// false reviews (`tanu-eval --sweep-possible`). Its version names the change
    /// (`tanu-fs-5+possible=3.5`), so its decisions never pass for the original's. The names-only
    /// and date-typo thresholds stay, or come down to `possible` when that is lower.
    pub fn with_possible(&self, possible: f64) -> Result<MatchModel, String> {
        if !possible.is_finite() {
            return Err(format!("possible must be a finite number, got {possible}"));
        }
        if possible > self.certain {
            return Err(format!(
                "possible {possible} exceeds the model's certain threshold {}",
                self.certain
            ));
        }
        Ok(MatchModel {
            version: format!("{}+possible={possible}", self.version),
            possible,
            names_only_possible: self.names_only_possible.min(possible),
            date_typo_possible: self.date_typo_possible.min(possible),
            ..self.clone()
        })
    }

    /// Weight in bits of a level of a field.
    #[inline]
    pub fn weight(&self, field: Field, level: u8) -> f64 {
        self.weights[field as usize][level as usize]
    }

    /// u probability of a level of a field.
    #[inline]
    pub fn u(&self, field: Field, level: u8) -> f64 {
        self.u[field as usize][level as usize]
    }

    /// Term-frequency adjustment for an exact agreement on a value held by `count` of
    /// `population` persons.
    pub fn tf_adjustment(&self, field: Field, exact_level: u8, count: u32, population: u64) -> f64 {
        if count == 0 || population == 0 {
            return 0.0;
        }
        let freq = f64::from(count) / population as f64;
        (self.u(field, exact_level) / freq)
            .log2()
            .clamp(self.tf_min, self.tf_max)
    }
}

impl MatchModel {
    /// Correction in bits for two name parts that agree exactly together, over the sum of their
    /// separate term-frequency weights: log2(expected / observed) for the pair, where `expected`
    /// is `first · second / population` (the count if the parts were independent) and both
    /// counts get `pair_pseudo_count` added, clamped to [`pair_min`, `pair_max`]. Negative for
    /// parts that go together more often than chance (one ethnicity's surname and given name).
    pub fn name_pair_adjustment(
        &self,
        first: u32,
        second: u32,
        together: u32,
        population: u64,
    ) -> f64 {
        if first == 0 || second == 0 || population == 0 {
            return 0.0;
        }
        let expected = f64::from(first) * f64::from(second) / population as f64;
        let a = self.pair_pseudo_count;
        ((expected + a) / (f64::from(together) + a))
            .log2()
            .clamp(self.pair_min, self.pair_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_loads_and_orders_levels() {
        let m = MatchModel::shipped();
        assert!(m.weight(Field::Iin, level::iin::EXACT) > 15.0);
        assert!(m.weight(Field::Iin, level::iin::DIFFERENT) < -8.0);
        assert!(
            m.weight(Field::Surname, level::surname::EXACT)
                > m.weight(Field::Surname, level::surname::CLOSE)
        );
        assert!(
            m.weight(Field::BirthDate, level::birth::EXACT)
                > m.weight(Field::BirthDate, level::birth::SAME_YEAR)
        );
        assert_eq!(m.weight(Field::Sex, level::sex::MISSING), 0.0);
    }

    /// The shipped model with one field's level changed (None removes the level).
    fn edited(field: &str, level: &str, value: Option<toml::Value>) -> String {
        let mut doc: toml::Table = toml::from_str(SHIPPED_MODEL).unwrap();
        let levels = doc["fields"][field].as_table_mut().unwrap();
        match value {
            Some(v) => {
                levels.insert(level.to_string(), v);
            }
            None => {
                levels.remove(level);
            }
        }
        toml::to_string(&doc).unwrap()
    }

    #[test]
    fn bad_models_are_rejected_with_the_place() {
        let zero_u: toml::Value =
            toml::from_str::<toml::Table>("v = { m = 0.9, u = 0.0 }").unwrap()["v"].clone();
        let broken = edited("iin", "exact", Some(zero_u));
        assert!(
            MatchModel::from_toml(&broken)
                .unwrap_err()
                .contains("fields.iin.exact.u")
        );
        let missing = edited("sex", "same", None);
        assert!(
            MatchModel::from_toml(&missing)
                .unwrap_err()
                .contains("fields.sex.same")
        );
        assert!(MatchModel::from_toml("version = 1").is_err());
    }

    #[test]
    fn name_pair_adjustment_follows_dependence_and_is_bounded() {
        let m = MatchModel::shipped();
        // Independent parts: observed = expected (1000 · 3000 / 3M = 1), no correction.
        assert!(m.name_pair_adjustment(1000, 3000, 1, 3_000_000).abs() < 1e-9);
        // Parts that go together 50 times more often than chance count for less together.
        let together = m.name_pair_adjustment(1000, 3000, 50, 3_000_000);
        assert!(together < -1.0, "{together}");
        assert!(together >= m.pair_min);
        // A rare pair seen once (the person itself) barely moves: the pseudo-count damps it.
        let once = m.name_pair_adjustment(10, 10, 1, 3_000_000);
        assert!(once > -1.0 && once <= 0.0, "{once}");
        // Unknown parts: nothing to say.
        assert_eq!(m.name_pair_adjustment(0, 10, 0, 3_000_000), 0.0);
        assert!(
            MatchModel::from_toml(&SHIPPED_MODEL.replace("pseudo_count = ", "pseudo_count = -"))
                .is_err()
        );
    }

    #[test]
    fn a_model_file_with_a_non_finite_number_or_no_version_is_refused() {
        for (from, to, named) in [
            ("possible = 4.5", "possible = nan", "thresholds.possible"),
            ("certain = 16.0", "certain = inf", "thresholds.certain"),
            ("prior = -12.0", "prior = -inf", "prior"),
            (
                "[term_frequency]\nmin = -6.0",
                "[term_frequency]\nmin = nan",
                "term_frequency.min",
            ),
            ("version = \"tanu-fs-11\"", "version = \" \"", "version"),
        ] {
            assert!(SHIPPED_MODEL.contains(from), "{from}");
            let err = MatchModel::from_toml(&SHIPPED_MODEL.replacen(from, to, 1)).expect_err(to);
            assert!(err.starts_with(named), "{to}: {err}");
        }
        assert!(MatchModel::from_toml(SHIPPED_MODEL).is_ok());
    }

    #[test]
    fn a_model_file_without_the_newer_levels_weighs_them_as_before() {
        use level::birth;
        for (field, name, new, old) in [
            (
                Field::Surname,
                "word",
                level::surname::WORD,
                level::surname::CLOSE,
            ),
            (
                Field::Surname,
                "ending",
                level::surname::ENDING,
                level::surname::STEM,
            ),
            (
                Field::BirthDate,
                "day_apart",
                birth::DAY_APART,
                birth::CLOSE,
            ),
            (
                Field::BirthDate,
                "day_apart_query_confirmed",
                birth::DAY_APART_QUERY_CONFIRMED,
                birth::CLOSE_QUERY_CONFIRMED,
            ),
        ] {
            let line = SHIPPED_MODEL
                .lines()
                .find(|l| l.starts_with(&format!("{name} = ")))
                .unwrap_or_else(|| panic!("the shipped model defines {name}"));
            let older = MatchModel::from_toml(&SHIPPED_MODEL.replacen(line, "", 1)).unwrap();
            assert_eq!(older.weight(field, new), older.weight(field, old), "{name}");
            // The shipped model gives each its own, stronger weight.
            let shipped = MatchModel::shipped();
            assert!(
                shipped.weight(field, new) > shipped.weight(field, old),
                "{name}"
            );
        }
        // Only the levels that came later stand in: a missing `close` is still an error.
        let close_line = SHIPPED_MODEL
            .lines()
            .find(|l| l.starts_with("close = { m = 0.02"))
            .unwrap();
        let err = MatchModel::from_toml(&SHIPPED_MODEL.replacen(close_line, "", 1)).unwrap_err();
        assert!(err.contains("fields.surname.close is missing"), "{err}");
    }

    #[test]
    fn another_possible_threshold_changes_only_it_and_the_version() {
        let m = MatchModel::shipped();
        let low = m.with_possible(3.5).unwrap();
        assert_eq!(low.possible, 3.5);
        assert_eq!(low.version, format!("{}+possible=3.5", m.version));
        assert_eq!(
            MatchModel {
                version: m.version.clone(),
                possible: m.possible,
                ..low.clone()
            },
            m
        );
        assert!(m.with_possible(f64::NAN).unwrap_err().contains("finite"));
        assert!(
            m.with_possible(m.certain + 1.0)
                .unwrap_err()
                .contains("certain")
        );
        // A `possible` below the names-only threshold takes it down along.
        let lower = m.with_possible(m.names_only_possible - 1.0).unwrap();
        assert_eq!(lower.names_only_possible, lower.possible);
        assert_eq!(lower.date_typo_possible, lower.possible);
    }

    #[test]
    fn the_lower_thresholds_default_to_possible_and_never_exceed_it() {
        let m = MatchModel::shipped();
        for (key, shipped) in [
            ("names_only_possible", m.names_only_possible),
            ("date_typo_possible", m.date_typo_possible),
        ] {
            assert!(shipped < m.possible, "{key}: {m:?}");
            let line = format!("{key} = {shipped:?}\n");
            assert!(SHIPPED_MODEL.contains(&line), "{line}");
            // A model file written before the key existed decided as if it equalled `possible`.
            let old = MatchModel::from_toml(&SHIPPED_MODEL.replacen(&line, "", 1)).unwrap();
            let read = |m: &MatchModel| {
                if key == "names_only_possible" {
                    m.names_only_possible
                } else {
                    m.date_typo_possible
                }
            };
            assert_eq!(read(&old), old.possible, "{key}");
            for (value, named) in [
                ("5.0", format!("thresholds.{key} must not exceed")),
                ("nan", format!("thresholds.{key} must be a finite number")),
            ] {
                let text = SHIPPED_MODEL.replacen(&line, &format!("{key} = {value}\n"), 1);
                let err = MatchModel::from_toml(&text).expect_err(value);
                assert!(err.starts_with(&named), "{value}: {err}");
            }
            // A misspelt threshold is an error, not a threshold silently left at its default.
            let typo = SHIPPED_MODEL.replacen(&line, &line.replace("possible", "posible"), 1);
            assert!(MatchModel::from_toml(&typo).is_err(), "{key}");
        }
    }

    #[test]
    fn tf_adjustment_is_negative_for_common_values_and_bounded() {
        let m = MatchModel::shipped();
        let common = m.tf_adjustment(Field::Surname, level::surname::EXACT, 30_000, 1_000_000);
        let rare = m.tf_adjustment(Field::Surname, level::surname::EXACT, 1, 1_000_000);
        assert!(common < 0.0 && rare > 0.0);
        assert!(rare <= m.tf_max && common >= m.tf_min);
    }
}
