//! Labelled certificate queries: applicants drawn from the registry (about 30%) or from the rest
//! of the population (plain, namesakes, same-birth-date namesakes, same surname and birth date,
//! siblings), written as e-government requests with some operator noise, plus their truth.
//! Owns query content and labels; it must never read the registry file back — truth comes from
//! the true humans and `registry::entry`, the same source the registry rows were made from.

use super::names::{self, Sex};
use super::population::{self, Human, Profile};
use super::registry::{self, NameParts};
use super::{Progress, Stream, WorldConfig, mix64, rng_for};
use anyhow::{Context, Result};
use chrono::Duration;
use rand::Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use tanu_index::source::BirthDate;

/// One certificate query line of `queries.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct Query {
    pub request_id: String,
    /// "criminal_record" or "administrative_offences".
    pub kind: &'static str,
    pub iin: Option<String>,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Option<BirthDate>,
    pub as_of: String,
}

/// One line of `truth.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    pub request_id: String,
    /// "review" or "clear".
    pub expected: &'static str,
    pub person_ids: Vec<String>,
    pub category: &'static str,
    pub noise: Vec<&'static str>,
}

pub const CRIMINAL: &str = "criminal_record";
pub const ADMIN: &str = "administrative_offences";

/// What a query's applicant is, decided before IINs are made unique.
enum Plan {
    Registry {
        index: usize,
        kind: &'static str,
    },
    Other {
        human: Box<Human>,
        kind: &'static str,
    },
}

/// FNV-1a over the parts, separated, for the truth key sets.
fn key(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn keys_of(h: &Human) -> [Option<u64>; 5] {
    let b = h.birth_date.to_string();
    let p = h.patronymic.as_deref().unwrap_or("");
    [
        Some(key(&[&h.surname, &h.given_name, p, &b])),
        Some(key(&[&h.surname, &h.given_name, p])),
        Some(key(&[&h.surname, &b])),
        h.patronymic
            .as_deref()
            .map(|p| key(&[&h.surname, p, "patronymic"])),
        Some(key(&[&h.surname, &h.given_name])),
    ]
}

/// Categories of non-registry applicants, by the first registry relation that holds.
const RELATIONS: [&str; 5] = [
    "namesake_same_birth_date",
    "namesake",
    "same_surname_birth_date",
    "same_surname_patronymic",
    "same_surname_given_name",
];

/// The true-name relations of all registry humans.
struct Relations {
    sets: [HashSet<u64>; 5],
}

impl Relations {
    fn new(humans: &[Human]) -> Relations {
        let keys: Vec<[Option<u64>; 5]> = humans.par_iter().map(keys_of).collect();
        let mut sets: [HashSet<u64>; 5] = Default::default();
        for set in &mut sets {
            set.reserve(humans.len());
        }
        for k in keys {
            for (set, v) in sets.iter_mut().zip(k) {
                if let Some(v) = v {
                    set.insert(v);
                }
            }
        }
        Relations { sets }
    }

    fn category(&self, h: &Human) -> &'static str {
        for ((set, k), name) in self.sets.iter().zip(keys_of(h)).zip(RELATIONS) {
            if k.is_some_and(|k| set.contains(&k)) {
                return name;
            }
        }
        "not_in_registry"
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A permutation of 0..m (affine), so distinct queries get distinct non-registry humans.
struct Perm {
    a: u64,
    b: u64,
    m: u64,
}

impl Perm {
    fn new(seed: u64, m: u64) -> Perm {
        let m = m.max(1);
        let mut a = (mix64(seed ^ 0xA5A5) % m).max(1);
        while gcd(a, m) != 1 {
            a = a % m + 1;
        }
        Perm {
            a,
            b: mix64(seed ^ 0x5A5A) % m,
            m,
        }
    }

    fn at(&self, q: u64) -> u64 {
        ((u128::from(self.a) * u128::from(q) + u128::from(self.b)) % u128::from(self.m)) as u64
    }
}

/// A patronymic for `sex` from `father` in the same style as `like` (Kazakh joined/separate,
/// Russian, or none).
fn patronymic_like(like: Option<&str>, father: &str, sex: Sex) -> Option<String> {
    let like = like?;
    if like.ends_with("ұлы") || like.ends_with("қызы") {
        Some(names::kazakh_patronymic(father, sex, like.contains(' ')))
    } else {
        Some(names::russian_patronymic(father, sex))
    }
}

fn plan(cfg: &WorldConfig, humans: &[Human], perm: &Perm, q: u64) -> Plan {
    let mut rng = rng_for(cfg.seed, Stream::Query, q);
    let mix = &cfg.query_mix;
    let weights = [
        mix.in_registry,
        mix.random,
        mix.namesake,
        mix.namesake_same_birth_date,
        mix.same_surname_birth_date,
        mix.sibling,
    ];
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    let mut choice = weights.len() - 1;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            choice = i;
            break;
        }
        x -= w;
    }
    let n = humans.len();
    if choice == 0 {
        let index = rng.random_range(0..n);
        let e = registry::entry(cfg, &humans[index]);
        let kind = match (e.has_convictions, e.has_admin_offences) {
            (true, true) => {
                if rng.random_bool(0.7) {
                    CRIMINAL
                } else {
                    ADMIN
                }
            }
            (true, false) => {
                if rng.random_bool(0.85) {
                    CRIMINAL
                } else {
                    ADMIN
                }
            }
            _ => {
                if rng.random_bool(0.75) {
                    ADMIN
                } else {
                    CRIMINAL
                }
            }
        };
        return Plan::Registry { index, kind };
    }
    let kind = if rng.random_bool(mix.criminal_share) {
        CRIMINAL
    } else {
        ADMIN
    };
    let pop_index = n as u64 + perm.at(q);
    let mut h = population::human(cfg, pop_index, Profile::General);
    if choice >= 2 {
        let r = &humans[rng.random_range(0..n)];
        h.ethnicity = r.ethnicity;
        h.sex = r.sex;
        h.father = names::given_name(&mut rng, r.ethnicity, Sex::Male);
        h.given_name = population::other_given_name(&mut rng, r);
        h.patronymic = patronymic_like(r.patronymic.as_deref(), h.father, r.sex);
        h.surname = r.surname.clone();
        match choice {
            2 | 3 => {
                h.given_name = r.given_name.clone();
                h.patronymic = r.patronymic.clone();
                h.father = r.father;
                if choice == 3 {
                    h.birth_date = r.birth_date;
                }
            }
            4 => h.birth_date = r.birth_date,
            _ => {
                // A sibling: same father, 1–10 years apart, at least 16 years old.
                h.father = r.father;
                h.patronymic = r.patronymic.clone();
                let gap = Duration::days(rng.random_range(365..3650));
                let adult = cfg.as_of - Duration::days(16 * 366);
                let younger = r.birth_date + gap;
                h.birth_date = if rng.random_bool(0.5) && younger <= adult {
                    younger
                } else {
                    r.birth_date - gap
                };
            }
        }
    }
    Plan::Other {
        human: Box::new(h),
        kind,
    }
}

/// Operator noise on an applicant's true data; the query and the tags applied.
fn render(
    cfg: &WorldConfig,
    q: u64,
    h: &Human,
    kind: &'static str,
    tags: &mut Vec<&'static str>,
) -> Query {
    let qn = &cfg.query_noise;
    let mut rng = rng_for(cfg.seed, Stream::QueryNoise, q);
    let iin = if rng.random_bool(qn.no_iin) {
        tags.push("query_no_iin");
        None
    } else {
        Some(h.iin.to_string())
    };
    let mut surname = h.surname.clone();
    let mut given = h.given_name.clone();
    let mut patronymic = h.patronymic.clone();
    if patronymic.is_some() && rng.random_bool(qn.no_patronymic) {
        patronymic = None;
        tags.push("query_no_patronymic");
    }
    let mut parts = NameParts {
        surname: &mut surname,
        given: &mut given,
        patronymic: &mut patronymic,
    };
    match registry::spell(&mut rng, &mut parts, qn.latin, qn.lookalike, 0.25) {
        Some("latin") => tags.push("query_latin"),
        Some(_) => tags.push("query_lookalike"),
        None => {}
    }
    if rng.random_bool(qn.typo) {
        parts.typo(&mut rng);
        tags.push("query_typo");
    }
    let birth_date = if rng.random_bool(qn.partial_birth_date) {
        tags.push("query_partial_birth_date");
        Some(BirthDate(registry::partial(&mut rng, h.birth_date)))
    } else if iin.is_some() && rng.random_bool(qn.no_birth_date) {
        tags.push("query_no_birth_date");
        None
    } else {
        Some(BirthDate(h.birth_date.into()))
    };
    let j = cfg.as_of_jitter_days.max(0);
    let as_of = cfg.as_of + Duration::days(rng.random_range(-j..=j));
    Query {
        request_id: format!("Q{:08}", q + 1),
        kind,
        iin,
        surname,
        given_name: given,
        patronymic,
        birth_date,
        as_of: as_of.to_string(),
    }
}

/// Generate the queries and their truth and write both files. Returns counts by expected
/// decision and by category.
pub fn write_queries(
    cfg: &WorldConfig,
    humans: &[Human],
    taken: &mut HashSet<u64>,
    queries_path: &Path,
    truth_path: &Path,
    progress: Option<Progress<'_>>,
) -> Result<(BTreeMap<String, u64>, BTreeMap<String, u64>)> {
    let n = humans.len() as u64;
    let perm = Perm::new(cfg.seed, cfg.population().saturating_sub(n));
    let mut plans: Vec<Plan> = (0..cfg.queries)
        .into_par_iter()
        .map(|q| plan(cfg, humans, &perm, q))
        .collect();
    // IINs unique across the registry and all applicants, in query order.
    for p in &mut plans {
        if let Plan::Other { human, .. } = p {
            population::make_iin_unique(human, taken);
        }
    }
    if let Some(p) = progress {
        p("queries", 0, cfg.queries);
    }
    let relations = Relations::new(humans);
    let lines: Vec<(Vec<u8>, Vec<u8>, &'static str, &'static str)> = plans
        .par_iter()
        .enumerate()
        .map(|(q, p)| {
            let q = q as u64;
            let mut tags = Vec::new();
            let (query, expected, category, person_ids) = match p {
                Plan::Registry { index, kind } => {
                    let h = &humans[*index];
                    let e = registry::entry(cfg, h);
                    tags.extend(e.noise.iter().copied());
                    let has = if *kind == CRIMINAL {
                        e.has_convictions
                    } else {
                        e.has_admin_offences
                    };
                    let ids = e.rows.iter().map(|r| r.person_id.clone()).collect();
                    let query = render(cfg, q, h, kind, &mut tags);
                    let (expected, category) = if has {
                        ("review", "in_registry")
                    } else {
                        ("clear", "other_kind")
                    };
                    (query, expected, category, ids)
                }
                Plan::Other { human, kind } => {
                    let query = render(cfg, q, human, kind, &mut tags);
                    (query, "clear", relations.category(human), Vec::new())
                }
            };
            let truth = Truth {
                request_id: query.request_id.clone(),
                expected,
                person_ids,
                category,
                noise: tags,
            };
            let mut ql = serde_json::to_vec(&query).expect("serialisable query");
            ql.push(b'\n');
            let mut tl = serde_json::to_vec(&truth).expect("serialisable truth");
            tl.push(b'\n');
            (ql, tl, expected, category)
        })
        .collect();
    let open = |path: &Path| -> Result<BufWriter<File>> {
        Ok(BufWriter::with_capacity(
            1 << 20,
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ))
    };
    let mut qw = open(queries_path)?;
    let mut tw = open(truth_path)?;
    let mut expected_counts = BTreeMap::new();
    let mut categories = BTreeMap::new();
    for (ql, tl, expected, category) in &lines {
        qw.write_all(ql)
            .with_context(|| format!("writing {}", queries_path.display()))?;
        tw.write_all(tl)
            .with_context(|| format!("writing {}", truth_path.display()))?;
        *expected_counts.entry(expected.to_string()).or_insert(0) += 1;
        *categories.entry(category.to_string()).or_insert(0) += 1;
    }
    qw.flush()
        .with_context(|| format!("writing {}", queries_path.display()))?;
    tw.flush()
        .with_context(|| format!("writing {}", truth_path.display()))?;
    if let Some(p) = progress {
        p("queries", cfg.queries, cfg.queries);
    }
    Ok((expected_counts, categories))
}
