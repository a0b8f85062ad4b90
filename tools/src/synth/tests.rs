//! Tests of the whole world: determinism across thread counts, every registry line parsing with
//! the engine's own parser, IINs valid unless deliberately broken, and truth consistent with the
//! registry. They must never depend on timing or on files outside a per-test temp directory.

use super::*;
use std::collections::HashMap;
use tanu_index::iin::Iin;
use tanu_index::source::{SourcePerson, parse_line};

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tanu-gen-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn world_in(threads: usize, cfg: &WorldConfig, name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| generate_world(cfg, &dir, None)).unwrap();
    dir
}

const FILES: [&str; 4] = [
    "registry.jsonl",
    "queries.jsonl",
    "truth.jsonl",
    "world.json",
];

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let cfg = WorldConfig::new(11, 3_000, 800);
    let a = world_in(1, &cfg, "det-a");
    let b = world_in(4, &cfg, "det-b");
    for f in FILES {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == y, "{f} differs between 1 and 4 threads");
    }
    let other = world_in(2, &WorldConfig::new(12, 3_000, 800), "det-c");
    assert_ne!(
        std::fs::read(a.join("registry.jsonl")).unwrap(),
        std::fs::read(other.join("registry.jsonl")).unwrap()
    );
    for d in [a, b, other] {
        let _ = std::fs::remove_dir_all(d);
    }
}

fn read_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn registry_parses_and_truth_is_consistent() {
    let cfg = WorldConfig::new(5, 8_000, 3_000);
    let dir = world_in(2, &cfg, "truth");
    let mut rows: HashMap<String, SourcePerson> = HashMap::new();
    for (n, line) in read_lines(&dir.join("registry.jsonl")).iter().enumerate() {
        let p = parse_line(line.as_bytes()).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        assert!(
            !p.convictions.is_empty() || !p.admin_offences.is_empty(),
            "{} has no record",
            p.person_id
        );
        assert!(
            rows.insert(p.person_id.clone(), p).is_none(),
            "duplicate person_id"
        );
    }
    assert!(rows.len() >= 8_000);

    let queries: Vec<serde_json::Value> = read_lines(&dir.join("queries.jsonl"))
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let truths: Vec<serde_json::Value> = read_lines(&dir.join("truth.jsonl"))
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(queries.len(), 3_000);
    assert_eq!(truths.len(), 3_000);
    let (humans, _) = registry_humans(&cfg);
    let registry_iins: HashSet<String> = humans.iter().map(|h| h.iin.to_string()).collect();
    let mut review = 0;
    let mut exact_checked = 0;
    for (q, t) in queries.iter().zip(&truths) {
        assert_eq!(q["request_id"], t["request_id"]);
        let keys: Vec<&String> = q.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 8, "unexpected query fields {keys:?}");
        let noise: Vec<&str> = t["noise"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        if let Some(iin) = q["iin"].as_str() {
            assert!(Iin::parse(iin).is_ok(), "query IIN {iin} invalid");
        } else {
            assert!(noise.contains(&"query_no_iin"));
        }
        let ids: Vec<&str> = t["person_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let kind = q["kind"].as_str().unwrap();
        let category = t["category"].as_str().unwrap();
        let expected = t["expected"].as_str().unwrap();
        if ids.is_empty() {
            assert_eq!(expected, "clear");
            assert!(!["in_registry", "other_kind"].contains(&category));
            if let Some(iin) = q["iin"].as_str() {
                assert!(
                    !registry_iins.contains(iin),
                    "applicant shares a registry IIN"
                );
            }
            continue;
        }
        let persons: Vec<&SourcePerson> = ids.iter().map(|id| &rows[*id]).collect();
        assert_eq!(persons.len() > 1, noise.contains(&"registry_duplicate"));
        let has = persons.iter().any(|p| match kind {
            "criminal_record" => !p.convictions.is_empty(),
            _ => !p.admin_offences.is_empty(),
        });
        assert_eq!(expected == "review", has);
        assert_eq!(category, if has { "in_registry" } else { "other_kind" });
        review += usize::from(has);
        let iin_broken =
            noise.contains(&"registry_iin_typo") || noise.contains(&"registry_iin_missing");
        if !iin_broken {
            for p in &persons {
                let iin = p.iin.as_deref().expect("IIN present");
                assert!(Iin::parse(iin).is_ok());
                if let Some(qi) = q["iin"].as_str() {
                    assert_eq!(qi, iin);
                }
            }
        }
        if noise.is_empty() {
            let p = persons[0];
            assert_eq!(q["surname"].as_str().unwrap(), p.surname);
            assert_eq!(q["given_name"].as_str().unwrap(), p.given_name);
            assert_eq!(q["patronymic"].as_str(), p.patronymic.as_deref());
            assert_eq!(
                q["birth_date"].as_str().unwrap(),
                p.birth_date.unwrap().0.to_string()
            );
            exact_checked += 1;
        }
    }
    assert!(review > 300, "only {review} review queries");
    assert!(exact_checked > 50);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn rows_have_coherent_records_and_valid_iins_unless_broken() {
    let cfg = WorldConfig::new(9, 5_000, 0);
    let (humans, taken) = registry_humans(&cfg);
    assert_eq!(taken.len(), humans.len(), "IINs not unique");
    let mut tag_counts: HashMap<&str, usize> = HashMap::new();
    for h in &humans {
        let e = registry::entry(&cfg, h);
        for t in &e.noise {
            *tag_counts.entry(t).or_default() += 1;
        }
        let fourteen = chrono::NaiveDate::from_ymd_opt(
            chrono::Datelike::year(&h.birth_date) + 14,
            chrono::Datelike::month(&h.birth_date),
            1,
        )
        .unwrap();
        for row in &e.rows {
            let line = serde_json::to_vec(row).unwrap();
            let parsed = parse_line(&line).unwrap();
            assert_eq!(&parsed, row);
            for c in &row.convictions {
                assert!(c.verdict_date.0 >= fourteen, "verdict before age 14");
                assert!(c.verdict_date.0 <= cfg.export_date);
            }
            match (&row.iin, e.noise.contains(&"registry_iin_typo")) {
                (Some(iin), false) => assert_eq!(iin, &h.iin.to_string()),
                (Some(iin), true) if !e.noise.contains(&"registry_iin_typo_valid") => {
                    assert!(Iin::parse(iin).is_err() || e.rows.len() > 1)
                }
                _ => {}
            }
        }
    }
    let rate = |t: &str| *tag_counts.get(t).unwrap_or(&0) as f64 / humans.len() as f64;
    assert!(
        (0.03..0.09).contains(&rate("registry_iin_missing")),
        "{}",
        rate("registry_iin_missing")
    );
    assert!(
        (0.25..0.5).contains(&rate("registry_lookalike")),
        "{}",
        rate("registry_lookalike")
    );
    assert!((0.06..0.14).contains(&rate("registry_no_patronymic")));
    assert!(rate("registry_married_name") > 0.02);
    assert!(rate("registry_duplicate") > 0.004);
}
