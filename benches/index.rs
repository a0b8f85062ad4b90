//! Criterion benches of `tanu-index`: IIN validation, name normalisation (Kazakh Cyrillic,
//! Russian, Latin), one export line parsed, index open with full validation, IIN and name-key
//! look-ups and the fuzzy name-part variants, over the bench registry of `common`
//! (`TANU_BENCH_PERSONS`, `TANU_BENCH_INDEX`). It owns no library code.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use std::hint::black_box;
use tanu_index::iin::{Iin, IinSex};
use tanu_index::keys::{NameKey, name_keys};
use tanu_index::name::{normalize_name, skeleton, split_full_name};
use tanu_index::reader::{RegistryIndex, StructureCheck};
use tanu_index::source::parse_line;

fn iin(c: &mut Criterion) {
    let birth = chrono::NaiveDate::from_ymd_opt(1987, 4, 12).expect("date");
    let valid = common::valid_iin(&mut common::Rng::new(1), birth, IinSex::Male);
    let valid_text = valid.to_string();
    let mut bad = valid_text.clone().into_bytes();
    bad[11] = b'0' + (bad[11] - b'0' + 1) % 10;
    let bad_text = String::from_utf8(bad).expect("ascii");

    let mut g = c.benchmark_group("iin");
    g.bench_function("parse_valid", |b| {
        b.iter(|| Iin::parse(black_box(&valid_text)))
    });
    g.bench_function("parse_bad_check_digit", |b| {
        b.iter(|| Iin::parse(black_box(&bad_text)))
    });
    g.bench_function("parse_not_digits", |b| {
        b.iter(|| Iin::parse(black_box("87O4I23OO129")))
    });
    g.bench_function("from_parts", |b| {
        b.iter(|| Iin::from_parts(black_box(birth), IinSex::Female, black_box(1234)))
    });
    g.bench_function("near_misses", |b| {
        b.iter(|| black_box(&valid).near_misses())
    });
    g.finish();
}

fn names(c: &mut Criterion) {
    let inputs: [(&str, &str, &str, Option<&str>); 4] = [
        ("kazakh_cyrillic", "Жұмабаев", "Ерлан", Some("Нұрланұлы")),
        ("russian", "Кузнецова", "Екатерина", Some("Александровна")),
        ("latin", "ZHUMABAYEV", "YERLAN", Some("NURLANULY")),
        ("mixed_script", "Жумабаeв", "Ерлaн", None), // Latin look-alike letters inside
    ];
    let mut g = c.benchmark_group("name");
    for (label, s, given, p) in inputs {
        g.bench_with_input(
            BenchmarkId::new("normalize_name", label),
            &(s, given, p),
            |b, &(s, given, p)| b.iter(|| normalize_name(black_box(s), black_box(given), p)),
        );
    }
    g.bench_function("skeleton/kazakh_cyrillic", |b| {
        b.iter(|| skeleton(black_box("Құдайбергенова")))
    });
    g.bench_function("split_full_name", |b| {
        b.iter(|| split_full_name(black_box("Жұмабаев Ерлан Нұрланұлы")))
    });
    let normalized = normalize_name("Жұмабаев", "Ерлан", Some("Нұрланұлы"));
    g.bench_function("name_keys", |b| {
        let mut out = Vec::with_capacity(8);
        b.iter(|| {
            out.clear();
            name_keys(black_box(&normalized), &mut out);
            out.len()
        })
    });
    g.finish();
}

fn source_line(c: &mut Criterion) {
    let line = serde_json::to_vec(&common::person(7)).expect("serialise");
    let mut g = c.benchmark_group("source");
    g.throughput(Throughput::Bytes(line.len() as u64));
    g.bench_function("parse_line", |b| b.iter(|| parse_line(black_box(&line))));
    g.finish();
}

fn open(c: &mut Criterion) {
    let bi = common::bench_index();
    let mut g = c.benchmark_group("index");
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("open", bi.persons), |b| {
        b.iter(|| RegistryIndex::open(black_box(&bi.dir)).expect("open"))
    });
    g.bench_function(
        BenchmarkId::new("open_full_structure_check", bi.persons),
        |b| {
            b.iter(|| {
                RegistryIndex::open_with(black_box(&bi.dir), StructureCheck::Full).expect("open")
            })
        },
    );
    g.finish();
}

fn lookups(c: &mut Criterion) {
    let bi = common::bench_index();
    let index = RegistryIndex::open(&bi.dir).expect("open the bench index");
    let people = common::samples(&index, 1024);
    let iins: Vec<u64> = people
        .iter()
        .filter_map(|s| s.iin.as_deref().and_then(|i| Iin::parse(i).ok()))
        .map(|i| i.as_u64())
        .collect();
    let keys: Vec<NameKey> = people
        .iter()
        .flat_map(|s| {
            let n = normalize_name(&s.surname, &s.given_name, s.patronymic.as_deref());
            let mut out = Vec::new();
            name_keys(&n, &mut out);
            out
        })
        .collect();
    // Fuzzy look-ups: registry spellings near a surname skeleton with two letters swapped.
    let fuzzy: Vec<String> = people
        .iter()
        .take(256)
        .map(|s| common::with_typo(&normalize_name(&s.surname, &s.given_name, None).surname))
        .collect();

    let mut g = c.benchmark_group("lookup");
    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("by_iin_digits", bi.persons), |b| {
        b.iter(|| {
            i = (i + 1) % iins.len();
            index.by_iin_digits(black_box(iins[i])).len()
        })
    });
    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("by_iin_digits_miss", bi.persons), |b| {
        b.iter(|| {
            i = (i + 1) % iins.len();
            index.by_iin_digits(black_box(iins[i] ^ 1)).len()
        })
    });
    let mut i = 0usize;
    g.bench_function(BenchmarkId::new("by_name_key", bi.persons), |b| {
        b.iter(|| {
            i = (i + 1) % keys.len();
            index.by_name_key(black_box(keys[i])).len()
        })
    });
    let mut i = 0usize;
    let mut out = Vec::with_capacity(64);
    g.bench_function(BenchmarkId::new("fuzzy_variants_typo", bi.persons), |b| {
        b.iter(|| {
            i = (i + 1) % fuzzy.len();
            index.names().variants(black_box(&fuzzy[i]), 64, &mut out)
        })
    });
    g.finish();
}

criterion_group!(benches, iin, names, source_line, open, lookups);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    common::cleanup();
}
