//! The matching engine: an open index plus the scoring model and caps, answering one query at a
//! time (`decide`) from any number of threads, and counting what it does for `/metrics`. It must
//! never write anything, and never log personal data.

use crate::matching::candidates::{CandidateSet, Caps, Path as CandidatePath, collect, found_by};
use crate::matching::decision::{Band, Candidate, Decision, Verdict};
use crate::matching::model::MatchModel;
use crate::matching::query::{Query, QueryKind};
use crate::matching::scoring::{
    QueryFeatures, ReviewReason, Scored, could_match, could_match_screen, explain, probability,
    score,
};
use crate::rules::{CertificateKind, analyse_damaged};
use rayon::prelude::*;
use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use tanu_index::reader::{IndexError, RegistryIndex, StructureCheck};

/// Why an engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot open the index")]
    Index(#[from] IndexError),
    #[error("bad matching model: {0}")]
    Model(String),
}

/// Counters of an engine's work since it started.
#[derive(Debug, Default)]
pub struct EngineMetrics {
    pub decisions: AtomicU64,
    pub reviews: AtomicU64,
    /// Reviews that rest on the below-threshold rules alone (any `scoring::ReviewReason`): no
    /// candidate reached the threshold.
    pub sparse_reviews: AtomicU64,
    /// The part of `sparse_reviews` that rests on names-only records alone
    /// (`ReviewReason::NamesOnlyRecord`).
    pub names_only_reviews: AtomicU64,
    pub candidates_scored: AtomicU64,
    /// Per candidate path (`candidates::Path` order): how often its cap cut a block short.
    pub caps_hit: [AtomicU64; 5],
}

impl EngineMetrics {
    /// Name and value of every counter, for `/metrics` and `tanu-eval`.
    pub fn snapshot(&self) -> Vec<(String, u64)> {
        let mut out = vec![
            (
                "decisions".to_string(),
                self.decisions.load(Ordering::Relaxed),
            ),
            ("reviews".to_string(), self.reviews.load(Ordering::Relaxed)),
            (
                "sparse_reviews".to_string(),
                self.sparse_reviews.load(Ordering::Relaxed),
            ),
            (
                "names_only_reviews".to_string(),
                self.names_only_reviews.load(Ordering::Relaxed),
            ),
            (
                "candidates_scored".to_string(),
                self.candidates_scored.load(Ordering::Relaxed),
            ),
        ];
        for p in CandidatePath::ALL {
            out.push((
                format!("cap_hits_{}", p.name()),
                self.caps_hit[p as usize].load(Ordering::Relaxed),
            ));
        }
        out
    }
}

/// Options of an engine.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub model: MatchModel,
    pub caps: Caps,
    /// Most candidates listed in a review decision.
    pub max_listed: usize,
    /// Most near misses listed in a clear decision (for engineers).
    pub max_near_misses: usize,
    /// How much of the index's archive to check at open (`StructureCheck::Checksum` by default).
    pub structure_check: StructureCheck,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            model: MatchModel::shipped(),
            caps: Caps::default(),
            max_listed: 10,
            max_near_misses: 3,
            structure_check: StructureCheck::default(),
        }
    }
}

/// Candidate sets above this size are scored in parallel.
const PARALLEL_SCORING_FROM: usize = 512;

thread_local! {
    static SCRATCH: RefCell<(CandidateSet, Vec<Scored>)> = RefCell::new(Default::default());
}

/// The engine.
pub struct Engine {
    index: RegistryIndex,
    options: EngineOptions,
    metrics: EngineMetrics,
}

impl Engine {
    /// Open the index in `dir` with the shipped model.
    pub fn open(dir: &Path) -> Result<Engine, EngineError> {
        Engine::open_with(dir, EngineOptions::default())
    }

    /// Open the index in `dir` with these options.
    pub fn open_with(dir: &Path, options: EngineOptions) -> Result<Engine, EngineError> {
        Ok(Engine {
            index: RegistryIndex::open_with(dir, options.structure_check)?,
            options,
            metrics: EngineMetrics::default(),
        })
    }

    pub fn index(&self) -> &RegistryIndex {
        &self.index
    }

    pub fn model_version(&self) -> &str {
        &self.options.model.version
    }

    pub fn metrics(&self) -> &EngineMetrics {
        &self.metrics
    }

    /// Decide one query.
    pub fn decide(&self, query: &Query) -> Decision {
        let model = &self.options.model;
        let features = QueryFeatures::new(query, &self.index, model);
        let (ranked, capped) = SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            let (set, scored) = &mut *scratch;
            collect(
                &self.index,
                query.kind,
                &query.name,
                &features,
                &self.options.caps,
                set,
            );
            // A person no IIN path found, whose birth date or given names rule it out, is
            // skipped before scoring (scoring would put it in the clear band anyway).
            let persons = &self.index.archive().persons;
            // Persons found on the query's date and surname are screened in scoring instead
            // (`scoring::given_typos_only`).
            let unscreened = found_by::IIN | found_by::IIN_NEAR | found_by::DATE_AND_SURNAME;
            let dates = &features.dates;
            let index = &self.index;
            index.prefetch_term_cards(
                set.entries
                    .iter()
                    .filter_map(|&(i, _)| index.screen(i))
                    .map(|row| row.given_term.to_native()),
            );
            // `collect` started the memo for this query; its answers stand.
            let memo = &mut set.memo;
            set.entries.retain(|&(i, by)| {
                by & unscreened != 0
                    || index
                        .screen(i)
                        .and_then(|row| could_match_screen(&features, dates, row, index, memo))
                        .unwrap_or_else(|| could_match(&features, dates, &persons[i as usize]))
            });
            scored.clear();
            if set.entries.len() >= PARALLEL_SCORING_FROM {
                set.entries
                    .par_iter()
                    .map(|&(i, by)| score(model, &features, i, &persons[i as usize], by))
                    .collect_into_vec(scored);
            } else {
                scored.extend(
                    set.entries
                        .iter()
                        .map(|&(i, by)| score(model, &features, i, &persons[i as usize], by)),
                );
            }
            self.metrics
                .candidates_scored
                .fetch_add(scored.len() as u64, Ordering::Relaxed);
            // Best first: band, then weight; ties by person index for determinism.
            scored.sort_unstable_by(|a, b| {
                b.band
                    .cmp(&a.band)
                    .then(b.total.total_cmp(&a.total))
                    .then(a.person.cmp(&b.person))
            });
            let band = scored.first().map_or(Band::Clear, |s| s.band);
            let shown = if band == Band::Clear {
                self.options.max_near_misses
            } else {
                self.options.max_listed
            };
            let ranked: Vec<Scored> = scored
                .iter()
                .filter(|s| band == Band::Clear || s.band != Band::Clear)
                .take(shown)
                .copied()
                .collect();
            (ranked, set.capped)
        });
        for p in CandidatePath::ALL {
            if capped & (1 << p as u8) != 0 {
                self.metrics.caps_hit[p as usize].fetch_add(1, Ordering::Relaxed);
            }
        }
        let band = ranked.first().map_or(Band::Clear, |s| s.band);
        let decision = if band == Band::Clear {
            Verdict::Clear
        } else {
            Verdict::Review
        };
        self.metrics.decisions.fetch_add(1, Ordering::Relaxed);
        if decision == Verdict::Review {
            self.metrics.reviews.fetch_add(1, Ordering::Relaxed);
            let mut reasons = ranked
                .iter()
                .filter(|s| s.band != Band::Clear)
                .map(|s| s.review_reason);
            if reasons.clone().all(|r| r.is_some()) {
                self.metrics.sparse_reviews.fetch_add(1, Ordering::Relaxed);
                if reasons.all(|r| r == Some(ReviewReason::NamesOnlyRecord)) {
                    self.metrics
                        .names_only_reviews
                        .fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        let persons = &self.index.archive().persons;
        let candidates: Vec<Candidate> = ranked
            .iter()
            .map(|s| {
                let p = &persons[s.person as usize];
                Candidate {
                    person_id: p.person_id.to_string(),
                    score: (probability(s.total) * 1e6).round() / 1e6,
                    band: s.band,
                    explanation: explain(model, s, p, found_by::names(s.found_by), &features),
                    record_damage: self.index.damage(s.person).map(|d| {
                        let unreadable = d.unreadable.len();
                        if unreadable == 0 {
                            d.error.to_string()
                        } else {
                            format!("{}; {unreadable} record(s) unreadable", d.error)
                        }
                    }),
                }
            })
            .collect();
        let analysis = match (decision, ranked.first()) {
            (Verdict::Review, Some(best)) => {
                let p = &persons[best.person as usize];
                let convictions: Vec<_> = p.convictions.iter().map(|c| c.to_source()).collect();
                let offences: Vec<_> = p.admin_offences.iter().map(|o| o.to_source()).collect();
                let kind = match query.kind {
                    QueryKind::CriminalRecord => CertificateKind::CriminalRecord,
                    QueryKind::AdministrativeOffences => CertificateKind::AdministrativeOffences,
                };
                let unreadable: Vec<_> = self
                    .index
                    .damage(best.person)
                    .map_or_else(Vec::new, |d| d.to_source().unreadable);
                let a = analyse_damaged(
                    &p.person_id,
                    &convictions,
                    &offences,
                    &unreadable,
                    kind,
                    query.as_of,
                );
                serde_json::to_value(&a).ok()
            }
            _ => None,
        };
        Decision {
            request_id: query.request_id.clone(),
            decision,
            band,
            candidates,
            model_version: model.version.clone(),
            analysis,
        }
    }
}
