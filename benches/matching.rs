//! Criterion benches of `tanu::matching`: candidate generation, scoring one candidate, one full
//! decision (exact-IIN hit, a person not in the registry, a common name without IIN) and batch
//! throughput (10,000 mixed queries decided in parallel with rayon), over the bench registry of
//! `common` (`TANU_BENCH_PERSONS`, `TANU_BENCH_INDEX`). It owns no library code.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use rayon::prelude::*;
use std::hint::black_box;
use std::sync::OnceLock;
use tanu::matching::candidates::{CandidateSet, Caps, collect};
use tanu::matching::engine::Engine;
use tanu::matching::model::MatchModel;
use tanu::matching::query::Query;
use tanu::matching::scoring::{QueryFeatures, score};

/// Queries decided per iteration of the batch bench.
const BATCH: usize = 10_000;

struct Fixture {
    engine: Engine,
    model: MatchModel,
    hit: Query,
    miss: Query,
    common_name: Query,
}

/// Opened once per bench binary and shared by every bench function.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(open_fixture)
}

fn open_fixture() -> Fixture {
    let bi = common::bench_index();
    let engine = Engine::open(&bi.dir).expect("open the engine");
    let index = engine.index();
    let hit = common::query(common::hit_sample(index).input("hit"));
    let miss = common::query(common::miss_input("miss", &mut common::Rng::new(7), index));
    let mut common_input = common::common_name_sample(index).input("common");
    common_input.iin = None;
    let common_name = common::query(common_input);
    Fixture {
        engine,
        model: MatchModel::shipped(),
        hit,
        miss,
        common_name,
    }
}

fn cases(f: &Fixture) -> [(&'static str, &Query); 3] {
    [
        ("exact_iin_hit", &f.hit),
        ("miss", &f.miss),
        ("common_name_no_iin", &f.common_name),
    ]
}

fn candidates(c: &mut Criterion) {
    let f = fixture();
    let index = f.engine.index();
    let caps = Caps::default();
    let mut g = c.benchmark_group("candidates");
    for (label, q) in cases(f) {
        let features = QueryFeatures::new(q, index, &f.model);
        let mut set = CandidateSet::default();
        collect(index, q.kind, &q.name, &features, &caps, &mut set);
        eprintln!("tanu bench: {label}: {} candidates", set.entries.len());
        g.bench_function(BenchmarkId::new("collect", label), |b| {
            b.iter(|| {
                collect(
                    index,
                    q.kind,
                    black_box(&q.name),
                    black_box(&features),
                    &caps,
                    &mut set,
                );
                set.entries.len()
            })
        });
    }
    g.bench_function("query_features/exact_iin_hit", |b| {
        b.iter(|| QueryFeatures::new(black_box(&f.hit), index, &f.model))
    });
    g.finish();
}

fn scoring(c: &mut Criterion) {
    let f = fixture();
    let index = f.engine.index();
    let mut g = c.benchmark_group("score");
    for (label, q) in [("exact_iin_hit", &f.hit), ("common_name", &f.common_name)] {
        let features = QueryFeatures::new(q, index, &f.model);
        let mut set = CandidateSet::default();
        collect(
            index,
            q.kind,
            &q.name,
            &features,
            &Caps::default(),
            &mut set,
        );
        let Some(&(person, found_by)) = set.entries.first() else {
            eprintln!("tanu bench: {label}: no candidate to score, skipped");
            continue;
        };
        let p = index.person(person).expect("candidate in range");
        g.bench_function(BenchmarkId::new("one_candidate", label), |b| {
            b.iter(|| {
                score(
                    &f.model,
                    black_box(&features),
                    person,
                    black_box(p),
                    found_by,
                )
            })
        });
    }
    g.finish();
}

fn decide(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("decide");
    for (label, q) in cases(f) {
        let d = f.engine.decide(q);
        eprintln!(
            "tanu bench: {label}: {:?}, {} candidates listed",
            d.decision,
            d.candidates.len()
        );
        g.bench_function(label, |b| b.iter(|| f.engine.decide(black_box(q))));
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let f = fixture();
    let queries = common::mixed_batch(f.engine.index(), BATCH);
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function(
        BenchmarkId::new("decide_par_iter", rayon::current_num_threads()),
        |b| {
            b.iter(|| {
                queries
                    .par_iter()
                    .map(|q| f.engine.decide(q).candidates.len())
                    .sum::<usize>()
            })
        },
    );
    g.finish();
}

criterion_group!(benches, candidates, scoring, decide, batch);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    common::cleanup();
}
