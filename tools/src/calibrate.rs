//! Calibration of the Fellegi-Sunter model (`tanu-tools calibrate`), as Splink does it: u
//! probabilities of every comparison level from random pairs of registry persons, m probabilities
//! from labelled pairs (each expected-review query against its truth person), both counted with
//! the engine's own comparators and add-one smoothed, written as a model TOML. It must never
//! change the prior, the thresholds or the term-frequency bounds, nor overwrite a model in place.

use crate::eval::Case;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::fmt::Write as _;
use tanu::matching::decision::Verdict;
use tanu::matching::model::{Field, MAX_LEVELS, MatchModel};
use tanu::matching::query::{Query, QueryInput};
use tanu::matching::scoring::{QueryFeatures, score};
use tanu_index::format::ArchivedPersonEntry;
use tanu_index::reader::RegistryIndex;

/// How many pairs fell into each level of each field (`Field::ALL` order, level code order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    pub counts: [[u64; MAX_LEVELS]; 6],
    pub pairs: u64,
}

impl LevelCounts {
    pub fn add(&mut self, levels: &[u8; 6]) {
        for (f, &l) in levels.iter().enumerate() {
            self.counts[f][usize::from(l).min(MAX_LEVELS - 1)] += 1;
        }
        self.pairs += 1;
    }

    fn merge(mut self, other: LevelCounts) -> LevelCounts {
        for f in 0..6 {
            for l in 0..MAX_LEVELS {
                self.counts[f][l] += other.counts[f][l];
            }
        }
        self.pairs += other.pairs;
        self
    }
}

/// The code of a field's `missing` level (not always its last: `different_man`, `word` and
/// `close_query_confirmed` came later).
fn missing_level(field: Field) -> usize {
    usize::from(field.missing_level())
}

/// Probabilities per field and level from counts, Splink-style: the `missing` level is not
/// estimated (m = u = 1, weight 0: a missing value is no evidence); the other levels share the
/// pairs where both values were present, with add-one smoothing so no level is ever 0.
pub fn estimate(counts: &LevelCounts) -> [[f64; MAX_LEVELS]; 6] {
    let mut p = [[0.0; MAX_LEVELS]; 6];
    for (fi, field) in Field::ALL.iter().enumerate() {
        let missing = missing_level(*field);
        let levels = field.levels().len();
        let present: u64 = (0..levels)
            .filter(|&l| l != missing)
            .map(|l| counts.counts[fi][l])
            .sum();
        let denominator = present as f64 + (levels - 1) as f64;
        for (l, slot) in p[fi][..levels].iter_mut().enumerate() {
            *slot = if l == missing {
                1.0
            } else {
                (counts.counts[fi][l] as f64 + 1.0) / denominator
            };
        }
    }
    p
}

/// A query made of a registry person's own fields, as an applicant would state them.
pub fn query_from_person(p: &ArchivedPersonEntry, today: NaiveDate) -> Option<Query> {
    let s = p.to_source();
    let input = QueryInput {
        request_id: "calibrate".to_string(),
        kind: "criminal_record".to_string(),
        iin: s.iin,
        surname: s.surname,
        given_name: s.given_name,
        patronymic: s.patronymic,
        birth_date: s.birth_date.map(|b| b.0.to_string()),
        as_of: None,
    };
    Query::from_input(input, today).ok()
}

/// Levels of `n` random pairs of distinct registry persons (deterministic for a seed, whatever
/// the number of threads). Pairs whose first person does not make a valid query are skipped and
/// counted in the second value.
pub fn random_pair_levels(
    index: &RegistryIndex,
    model: &MatchModel,
    n: u64,
    seed: u64,
    today: NaiveDate,
) -> (LevelCounts, u64) {
    let persons = &index.archive().persons;
    let len = persons.len() as u64;
    if len < 2 || n == 0 {
        return (LevelCounts::default(), 0);
    }
    const CHUNK: u64 = 4096;
    let chunks = n.div_ceil(CHUNK);
    (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(c);
            let mut counts = LevelCounts::default();
            let mut skipped = 0u64;
            for _ in 0..CHUNK.min(n - c * CHUNK) {
                let a = rng.random_range(0..len);
                let mut b = rng.random_range(0..len - 1);
                if b >= a {
                    b += 1;
                }
                let Some(query) = query_from_person(&persons[a as usize], today) else {
                    skipped += 1;
                    continue;
                };
                let features = QueryFeatures::new(&query, index, model);
                let s = score(model, &features, b as u32, &persons[b as usize], 0);
                counts.add(&s.levels);
            }
            (counts, skipped)
        })
        .reduce(
            || (LevelCounts::default(), 0),
            |(a, sa), (b, sb)| (a.merge(b), sa + sb),
        )
}

/// Levels of labelled pairs: every expected-review case against each of its truth persons.
/// Truth persons not found in the index are counted in the second value.
pub fn labelled_pair_levels(
    index: &RegistryIndex,
    model: &MatchModel,
    cases: &[Case],
) -> (LevelCounts, u64) {
    let persons = &index.archive().persons;
    cases
        .par_iter()
        .filter(|c| c.truth.expected == Verdict::Review)
        .map(|c| {
            let features = QueryFeatures::new(&c.query, index, model);
            let mut counts = LevelCounts::default();
            let mut unresolved = 0u64;
            for id in &c.truth.person_ids {
                let found = index.by_person_id(id);
                if found.is_empty() {
                    unresolved += 1;
                }
                for i in found {
                    let s = score(model, &features, i, &persons[i as usize], 0);
                    counts.add(&s.levels);
                }
            }
            (counts, unresolved)
        })
        .reduce(
            || (LevelCounts::default(), 0),
            |(a, ua), (b, ub)| (a.merge(b), ua + ub),
        )
}

/// A calibrated model: counts, probabilities and the base it keeps its other numbers from.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub version: String,
    pub m_counts: LevelCounts,
    pub u_counts: LevelCounts,
    pub m: [[f64; MAX_LEVELS]; 6],
    pub u: [[f64; MAX_LEVELS]; 6],
    /// Random pairs skipped (first person not a valid query).
    pub skipped_pairs: u64,
    /// Truth persons not in the index.
    pub unresolved_truth: u64,
}

impl Calibration {
    pub fn new(
        version: String,
        m_counts: LevelCounts,
        u_counts: LevelCounts,
        skipped_pairs: u64,
        unresolved_truth: u64,
    ) -> Calibration {
        Calibration {
            version,
            m: estimate(&m_counts),
            u: estimate(&u_counts),
            m_counts,
            u_counts,
            skipped_pairs,
            unresolved_truth,
        }
    }

    /// The model file: the base's prior, thresholds and term-frequency bounds with the new m
    /// and u. Checked by loading it back.
    pub fn model_toml(&self, base: &MatchModel, provenance: &str) -> Result<String> {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# tanu's Fellegi-Sunter matching model: for every field, the comparison levels with their\n\
             # m probability (P(level | same person)) and u probability (P(level | different persons)).\n\
             # The match weight of a level is log2(m/u) bits.\n\
             #\n\
             # Calibrated by `tanu-tools calibrate`: u from {} random registry pairs, m from {}\n\
             # labelled pairs (expected-review queries against their truth persons), add-one smoothed;\n\
             # `missing` levels stay at m = u = 1 (weight 0). {provenance}\n\
             # prior, thresholds, term_frequency and name_pairs are kept from model {:?}.",
            self.u_counts.pairs, self.m_counts.pairs, base.version
        );
        let _ = writeln!(out, "version = {:?}\n", self.version);
        let _ = writeln!(
            out,
            "# Prior log2 odds that a candidate found by blocking is the applicant (shifts the score only).\n\
             prior = {:?}\n",
            base.prior
        );
        let _ = writeln!(
            out,
            "# Band thresholds on the total weight in bits (prior included).\n\
             [thresholds]\npossible = {:?}\ncertain = {:?}\nnames_only_possible = {:?}\n",
            base.possible, base.certain, base.names_only_possible
        );
        let _ = writeln!(
            out,
            "# Term-frequency adjustment of exact name agreements: log2(u_level / frequency of the value),\n\
             # clamped to [min, max] bits.\n\
             [term_frequency]\nmin = {:?}\nmax = {:?}\n",
            base.tf_min, base.tf_max
        );
        let _ = writeln!(
            out,
            "# Name-pair correction for parts that agree together (see the shipped model).\n\
             [name_pairs]\npseudo_count = {:?}\nmin = {:?}\nmax = {:?}",
            base.pair_pseudo_count, base.pair_min, base.pair_max
        );
        for (fi, field) in Field::ALL.iter().enumerate() {
            let _ = writeln!(out, "\n[fields.{}]", field.name());
            for (li, level) in field.levels().iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{level} = {{ m = {:?}, u = {:?} }}",
                    sig6(self.m[fi][li]),
                    sig6(self.u[fi][li])
                );
            }
        }
        if let Err(e) = MatchModel::from_toml(&out) {
            bail!("the calibrated model does not load back: {e}");
        }
        Ok(out)
    }

    /// The table of levels: m, u, the new weight and the base's weight, with the counts.
    pub fn render(&self, base: &MatchModel) -> String {
        let mut rows = Vec::new();
        for (fi, field) in Field::ALL.iter().enumerate() {
            for (li, level) in field.levels().iter().enumerate() {
                let (m, u) = (sig6(self.m[fi][li]), sig6(self.u[fi][li]));
                rows.push(vec![
                    field.name().to_string(),
                    level.to_string(),
                    self.m_counts.counts[fi][li].to_string(),
                    format!("{m:.6}"),
                    self.u_counts.counts[fi][li].to_string(),
                    format!("{u:.3e}"),
                    format!("{:+.2}", (m / u).log2()),
                    format!("{:+.2}", base.weight(*field, li as u8)),
                    unseen_note(
                        li == missing_level(*field),
                        self.m_counts.counts[fi][li],
                        self.u_counts.counts[fi][li],
                    )
                    .to_string(),
                ]);
            }
        }
        let mut out = format!(
            "# tanu-tools calibrate → model `{}`\n\n\
             u from {} random registry pairs ({} skipped: not a valid query); m from {} labelled \
             pairs ({} truth persons not in the index). Add-one smoothing; `missing` is not \
             estimated (weight 0).\n\n",
            self.version,
            self.u_counts.pairs,
            self.skipped_pairs,
            self.m_counts.pairs,
            self.unresolved_truth
        );
        out.push_str(&crate::eval::markdown_table_aligned(
            &[
                "field",
                "level",
                "m pairs",
                "m",
                "u pairs",
                "u",
                "weight (bits)",
                "base weight",
                "note",
            ],
            &rows,
            2,
        ));
        out.push_str(
            "\nnote: a level never seen among the labelled (m) or random (u) pairs gets its number \
             from smoothing alone; check its weight before shipping the model.\n",
        );
        out
    }
}

/// Which side of a level was never observed (its probability is smoothing alone).
fn unseen_note(missing: bool, m: u64, u: u64) -> &'static str {
    match (missing, m, u) {
        (true, _, _) => "not estimated",
        (false, 0, 0) => "m and u unseen",
        (false, 0, _) => "m unseen",
        (false, _, 0) => "u unseen",
        _ => "",
    }
}

/// Round to 6 significant digits, so the model file stays readable.
fn sig6(x: f64) -> f64 {
    format!("{x:.5e}").parse().unwrap_or(x)
}

/// The version of a calibrated model: `<base>-calibrated-<date>`.
pub fn calibrated_version(base: &str, today: NaiveDate) -> String {
    format!("{base}-calibrated-{today}")
}

/// Load a base model file, or the shipped model when none is given.
pub fn load_base(path: Option<&std::path::Path>) -> Result<MatchModel> {
    match path {
        None => Ok(MatchModel::shipped()),
        Some(p) => MatchModel::from_file(p).map_err(anyhow::Error::msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tanu::matching::model::level;

    #[test]
    fn estimates_are_smoothed_and_ignore_missing() {
        let mut c = LevelCounts::default();
        // Sex: 3 same, 1 different, 10 missing.
        for _ in 0..3 {
            c.add(&[0, 0, 0, 0, 0, 0]);
        }
        c.add(&[0, 0, 0, 0, 0, 1]);
        for _ in 0..10 {
            c.add(&[4, 5, 4, 4, 6, 2]);
        }
        let p = estimate(&c);
        let sex = Field::Sex as usize;
        assert!((p[sex][0] - 4.0 / 6.0).abs() < 1e-12);
        assert!((p[sex][1] - 2.0 / 6.0).abs() < 1e-12);
        assert_eq!(p[sex][2], 1.0);
        // Never zero, and the present levels sum to one.
        let iin = Field::Iin as usize;
        assert!(p[iin][..4].iter().all(|&x| x > 0.0));
        assert!((p[iin][..4].iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // A field whose `missing` is not its last level: the levels after it are estimated
        // like the others, and `missing` is not.
        for (field, missing) in [
            (Field::Surname, level::surname::MISSING),
            (Field::BirthDate, level::birth::MISSING),
        ] {
            let (f, missing) = (field as usize, usize::from(missing));
            let levels = field.levels().len();
            assert!(missing < levels - 1, "{field:?}");
            assert_eq!(p[f][missing], 1.0, "{field:?}");
            let present: Vec<f64> = (0..levels)
                .filter(|&l| l != missing)
                .map(|l| p[f][l])
                .collect();
            assert!(present.iter().all(|&x| x > 0.0 && x < 1.0), "{field:?}");
            assert!(
                (present.iter().sum::<f64>() - 1.0).abs() < 1e-12,
                "{field:?}"
            );
        }
    }

    #[test]
    fn written_model_loads_and_keeps_the_base() {
        let base = MatchModel::shipped();
        let cal = Calibration::new(
            "x-calibrated".into(),
            LevelCounts::default(),
            LevelCounts::default(),
            0,
            0,
        );
        let text = cal.model_toml(&base, "test").unwrap();
        let m = MatchModel::from_toml(&text).unwrap();
        assert_eq!(m.version, "x-calibrated");
        assert_eq!(
            (m.prior, m.possible, m.certain, m.names_only_possible),
            (
                base.prior,
                base.possible,
                base.certain,
                base.names_only_possible
            )
        );
        assert_eq!((m.tf_min, m.tf_max), (base.tf_min, base.tf_max));
        assert_eq!(m.weight(Field::Sex, 2), 0.0);
    }
}
