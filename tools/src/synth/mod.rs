//! The synthetic world of `tanu-gen`: a population with valid IINs and Zipf-distributed names,
//! a noisy special-records export drawn from it, and labelled certificate queries with their
//! truth. Owns the configuration, the per-(seed, stream, index) random streams that make the
//! output byte-identical for a seed whatever the thread count, and the writing of the files.
//! It must never read the engine's index or matching code: the truth comes from the world only.

pub mod names;
pub mod noise;
pub mod population;
pub mod probe;
pub mod queries;
pub mod records;
pub mod registry;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub use population::Human;

/// Generator version written to `world.json`.
pub const GENERATOR: &str = concat!("tanu-gen ", env!("CARGO_PKG_VERSION"));

/// Probabilities of each kind of entry noise in the registry export.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryNoise {
    pub iin_missing: f64,
    /// Extra chance for foreign citizens (old records, no IIN issued).
    pub iin_missing_foreigner: f64,
    pub iin_typo: f64,
    /// Share of IIN typos that still pass the check digit.
    pub iin_typo_valid_share: f64,
    pub lookalike: f64,
    /// Of look-alike rows with a Kazakh surname in Ж-, the share written Дж- (Soviet form).
    pub dzh: f64,
    pub latin: f64,
    /// Of Latin rows, the share in the official 2021 alphabet (the rest: passport digraphs).
    pub latin_official_share: f64,
    pub homoglyph: f64,
    pub typo: f64,
    pub swapped_order: f64,
    pub no_patronymic: f64,
    pub birth_date_missing: f64,
    pub partial_birth_date: f64,
    /// Applied only where day ≤ 12 and day ≠ month.
    pub day_month_swap: f64,
    /// Share of women whose registry surname is a marriage name.
    pub married_name: f64,
    /// Of married-name rows, the share that keep the applicant's surname in an alias.
    pub married_alias_share: f64,
    pub alias_spelling: f64,
    pub duplicate: f64,
    /// Of duplicated persons, the share whose records are split between the rows (else copied).
    pub duplicate_split_share: f64,
    pub sex_missing: f64,
    pub citizenship_missing: f64,
}

impl Default for RegistryNoise {
    fn default() -> Self {
        RegistryNoise {
            iin_missing: 0.05,
            iin_missing_foreigner: 0.6,
            iin_typo: 0.02,
            iin_typo_valid_share: 0.5,
            lookalike: 0.40,
            dzh: 0.15,
            latin: 0.03,
            latin_official_share: 0.25,
            homoglyph: 0.005,
            typo: 0.03,
            swapped_order: 0.02,
            no_patronymic: 0.10,
            birth_date_missing: 0.003,
            partial_birth_date: 0.03,
            day_month_swap: 0.01,
            married_name: 0.20,
            married_alias_share: 0.5,
            alias_spelling: 0.05,
            duplicate: 0.01,
            duplicate_split_share: 0.6,
            sex_missing: 0.005,
            citizenship_missing: 0.02,
        }
    }
}

/// Probabilities of operator noise on certificate queries.
#[derive(Debug, Clone, Serialize)]
pub struct QueryNoise {
    pub no_iin: f64,
    pub typo: f64,
    pub lookalike: f64,
    pub latin: f64,
    pub no_patronymic: f64,
    pub partial_birth_date: f64,
    /// Birth date left empty (only when the IIN is present).
    pub no_birth_date: f64,
}

impl Default for QueryNoise {
    fn default() -> Self {
        QueryNoise {
            no_iin: 0.05,
            typo: 0.02,
            lookalike: 0.20,
            latin: 0.02,
            no_patronymic: 0.02,
            partial_birth_date: 0.01,
            no_birth_date: 0.005,
        }
    }
}

/// Shares of query types (normalised when drawn).
#[derive(Debug, Clone, Serialize)]
pub struct QueryMix {
    /// The applicant is a registry person.
    pub in_registry: f64,
    /// A random person of the population (may be a namesake by chance).
    pub random: f64,
    /// Same full name as a registry person, other birth date.
    pub namesake: f64,
    /// Same full name and birth date as a registry person.
    pub namesake_same_birth_date: f64,
    /// Same surname and birth date as a registry person, other given name.
    pub same_surname_birth_date: f64,
    /// A sibling of a registry person: same surname and patronymic, close birth date.
    pub sibling: f64,
    /// Share of criminal-record queries among queries of non-registry persons.
    pub criminal_share: f64,
}

impl Default for QueryMix {
    fn default() -> Self {
        QueryMix::natural()
    }
}

impl QueryMix {
    /// Applicants as they come: most are random people of the population (namesakes of registry
    /// persons arise by chance, often, since names follow Zipf's law), with a few constructed hard
    /// negatives of each kind.
    pub fn natural() -> QueryMix {
        QueryMix {
            in_registry: 0.30,
            random: 0.60,
            namesake: 0.03,
            namesake_same_birth_date: 0.01,
            same_surname_birth_date: 0.03,
            sibling: 0.03,
            criminal_share: 0.7,
        }
    }

    /// A stress set: a third of all queries are constructed hard negatives (same full name, same
    /// name and birth date, same surname and birth date, siblings).
    pub fn stress() -> QueryMix {
        QueryMix {
            in_registry: 0.30,
            random: 0.28,
            namesake: 0.14,
            namesake_same_birth_date: 0.10,
            same_surname_birth_date: 0.08,
            sibling: 0.10,
            criminal_share: 0.7,
        }
    }
}

/// Everything that determines a world. Same config → byte-identical files.
#[derive(Debug, Clone, Serialize)]
pub struct WorldConfig {
    pub seed: u64,
    /// Registry persons (humans; duplicates add rows).
    pub persons: u64,
    pub queries: u64,
    /// The population is `persons × population_factor` humans.
    pub population_factor: u64,
    /// The day the registry was exported; no record is later.
    pub export_date: NaiveDate,
    /// Queries are dated `as_of ± as_of_jitter_days`.
    pub as_of: NaiveDate,
    pub as_of_jitter_days: i64,
    pub registry_noise: RegistryNoise,
    pub query_noise: QueryNoise,
    pub query_mix: QueryMix,
}

impl WorldConfig {
    /// Defaults for a world of `persons` registry persons and `queries` queries.
    pub fn new(seed: u64, persons: u64, queries: u64) -> WorldConfig {
        WorldConfig {
            seed,
            persons,
            queries,
            population_factor: 5,
            export_date: NaiveDate::from_ymd_opt(2026, 10, 25).expect("date"),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            as_of_jitter_days: 3,
            registry_noise: RegistryNoise::default(),
            query_noise: QueryNoise::default(),
            query_mix: QueryMix::default(),
        }
    }

    /// Population size (registry persons included).
    pub fn population(&self) -> u64 {
        self.persons.saturating_mul(self.population_factor.max(1))
    }
}

/// Independent random streams; each (seed, stream, index) gives its own generator.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Stream {
    Human = 1,
    Row = 2,
    Duplicate = 3,
    DuplicateRow = 4,
    Records = 5,
    Query = 6,
    QueryHuman = 7,
    QueryNoise = 8,
    PersonId = 9,
    Married = 10,
    Probe = 11,
}

/// SplitMix64 finaliser: a bijection on u64 with good avalanche.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of one (seed, stream, index): ChaCha8 seeded by a hash of the three.
pub fn rng_for(seed: u64, stream: Stream, index: u64) -> ChaCha8Rng {
    let a = mix64(seed ^ mix64(stream as u64));
    let b = mix64(a ^ index);
    let mut key = [0u8; 32];
    let mut h = b;
    for chunk in key.chunks_mut(8) {
        h = mix64(h ^ a);
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    ChaCha8Rng::from_seed(key)
}

/// Progress callback: (stage, done, total). Called from one thread, in order.
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// What a run produced (for the summary line and `world.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub registry_persons: u64,
    pub registry_rows: u64,
    pub queries: u64,
    pub expected: BTreeMap<String, u64>,
    pub categories: BTreeMap<String, u64>,
}

/// Generate the registry humans (the first `persons` of the population) with unique IINs.
pub fn registry_humans(cfg: &WorldConfig) -> (Vec<Human>, HashSet<u64>) {
    let mut humans: Vec<Human> = (0..cfg.persons)
        .into_par_iter()
        .map(|i| population::human(cfg, i, population::Profile::Registry))
        .collect();
    let mut taken = HashSet::with_capacity(humans.len() * 2);
    for h in &mut humans {
        population::make_iin_unique(h, &mut taken);
    }
    (humans, taken)
}

/// Write the registry export of `humans` to `out`; returns the number of rows written.
pub fn write_registry(
    cfg: &WorldConfig,
    humans: &[Human],
    out: &Path,
    progress: Option<Progress<'_>>,
) -> Result<u64> {
    let file = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let n = humans.len() as u64;
    const BLOCK: u64 = 1 << 16;
    const CHUNK: u64 = 1 << 10;
    let mut rows = 0u64;
    let mut start = 0u64;
    while start < n {
        let end = (start + BLOCK).min(n);
        let chunks: Vec<(Vec<u8>, u64)> = (start..end)
            .step_by(CHUNK as usize)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|c| {
                let mut buf = Vec::with_capacity(CHUNK as usize * 600);
                let mut count = 0;
                for j in c..(c + CHUNK).min(end) {
                    for row in registry::rows_at(cfg, humans, j) {
                        serde_json::to_writer(&mut buf, &row).expect("serialisable row");
                        buf.push(b'\n');
                        count += 1;
                    }
                }
                (buf, count)
            })
            .collect();
        for (buf, count) in chunks {
            w.write_all(&buf)
                .with_context(|| format!("writing {}", out.display()))?;
            rows += count;
        }
        if let Some(p) = progress {
            p("registry", end, n);
        }
        start = end;
    }
    w.flush()
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(rows)
}

fn check(cfg: &WorldConfig) -> Result<()> {
    if cfg.persons == 0 {
        bail!("--persons must be at least 1");
    }
    if cfg.persons > u32::MAX as u64 {
        bail!("--persons must be at most {}", u32::MAX);
    }
    let others = cfg.population().saturating_sub(cfg.persons);
    if cfg.queries > 0 && others < cfg.queries {
        bail!(
            "the population outside the registry ({others}) is smaller than the number of queries ({}); raise --population-factor",
            cfg.queries
        );
    }
    Ok(())
}

/// Generate only the registry export into `out`.
pub fn generate_registry(
    cfg: &WorldConfig,
    out: &Path,
    progress: Option<Progress<'_>>,
) -> Result<Summary> {
    check(cfg)?;
    let (humans, _) = registry_humans(cfg);
    let rows = write_registry(cfg, &humans, out, progress)?;
    Ok(Summary {
        registry_persons: cfg.persons,
        registry_rows: rows,
        queries: 0,
        expected: BTreeMap::new(),
        categories: BTreeMap::new(),
    })
}

/// Generate the whole world into `dir`: registry.jsonl, queries.jsonl, truth.jsonl, world.json.
pub fn generate_world(
    cfg: &WorldConfig,
    dir: &Path,
    progress: Option<Progress<'_>>,
) -> Result<Summary> {
    check(cfg)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let (humans, mut taken) = registry_humans(cfg);
    let rows = write_registry(cfg, &humans, &dir.join("registry.jsonl"), progress)?;
    let (expected, categories) = queries::write_queries(
        cfg,
        &humans,
        &mut taken,
        &dir.join("queries.jsonl"),
        &dir.join("truth.jsonl"),
        progress,
    )?;
    let summary = Summary {
        registry_persons: cfg.persons,
        registry_rows: rows,
        queries: cfg.queries,
        expected,
        categories,
    };
    let world = serde_json::json!({
        "generator": GENERATOR,
        "seed": cfg.seed,
        "registry_persons": cfg.persons,
        "registry_rows": rows,
        "population": cfg.population(),
        "population_factor": cfg.population_factor,
        "queries": cfg.queries,
        "export_date": cfg.export_date.to_string(),
        "as_of": cfg.as_of.to_string(),
        "as_of_jitter_days": cfg.as_of_jitter_days,
        "registry_noise": cfg.registry_noise,
        "query_noise": cfg.query_noise,
        "query_mix": cfg.query_mix,
        "expected": summary.expected,
        "categories": summary.categories,
    });
    let path = dir.join("world.json");
    let mut text = serde_json::to_string_pretty(&world)?;
    text.push('\n');
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(summary)
}

/// Generate the whole world into `dir` (as `generate_world`) and build its index into
/// `dir/idx` with the default build options: the index directory. For tests that need a real
/// index of a known world.
pub fn generate_indexed_world(cfg: &WorldConfig, dir: &Path) -> Result<PathBuf> {
    generate_world(cfg, dir, None)?;
    let index = dir.join("idx");
    tanu_index::builder::build_index(
        &dir.join("registry.jsonl"),
        &index,
        &tanu_index::builder::BuildOptions::default(),
        &tanu_index::builder::NoProgress,
    )
    .with_context(|| format!("indexing the world in {}", dir.display()))?;
    Ok(index)
}

#[cfg(test)]
mod tests;
