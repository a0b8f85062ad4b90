//! The index's shortcuts give the same answers as the slow paths they replace: the IINs one edit
//! away found by two range scans equal a brute-force pass over every IIN, and a candidate screened
//! from its 16-byte screen row is kept exactly when its full record would keep it.

use std::collections::BTreeSet;
use tanu::matching::candidates::DateFilter;
use tanu::matching::model::MatchModel;
use tanu::matching::query::Query;
use tanu::matching::scoring::{QueryFeatures, TermMemo, could_match, could_match_screen};
use tanu_index::format::effective_birth_key;
use tanu_index::iin::{digits_of_number, numbers_one_edit_apart};
use tanu_index::reader::RegistryIndex;
use tanu_tools::synth::{WorldConfig, generate_indexed_world};

fn world(dir: &std::path::Path) -> RegistryIndex {
    let out = generate_indexed_world(&WorldConfig::new(41, 3_000, 300), dir).unwrap();
    RegistryIndex::open(&out).unwrap()
}

#[test]
fn shortcuts_agree_with_the_slow_paths() {
    let dir = tempfile::tempdir().unwrap();
    let index = world(dir.path());
    let table = &index.archive().iin_table;

    // IINs one edit away: every registry IIN, and a typo of each.
    let mut probes: Vec<u64> = table.iter().map(|e| e.key.to_native()).collect();
    let typos: Vec<u64> = probes
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let mut d = digits_of_number(n);
            let at = i % 12;
            if i % 2 == 0 && at < 11 {
                d.swap(at, at + 1);
            } else {
                d[at] = (d[at] + 3) % 10;
            }
            d.iter().fold(0u64, |acc, &x| acc * 10 + u64::from(x))
        })
        .collect();
    probes.extend(typos);
    let mut found_any = 0;
    for &probe in &probes {
        let mut fast = BTreeSet::new();
        index.for_each_iin_within_one_edit(probe, |e, exact| {
            fast.insert((e.person.to_native(), exact));
        });
        let slow: BTreeSet<(u32, bool)> = table
            .iter()
            .filter(|e| {
                e.key.to_native() == probe || numbers_one_edit_apart(e.key.to_native(), probe)
            })
            .map(|e| (e.person.to_native(), e.key.to_native() == probe))
            .collect();
        assert_eq!(fast, slow, "IIN {probe:012}");
        found_any += usize::from(!fast.is_empty());
    }
    assert!(found_any > 100, "only {found_any} probes had a neighbour");

    // Birth-date rows: every person whose record gives a birth date (stated, or its IIN's when the
    // stated one is missing or partial and agrees) is under that date, once per name, with the
    // vocabulary rows of that name's given name and surname.
    let persons = &index.archive().persons;
    let mut from_iin = 0;
    for (i, p) in persons.iter().enumerate() {
        let key = effective_birth_key(
            p.birth_key.to_native(),
            p.iin_status,
            p.iin_digits.to_native(),
        );
        if key == 0 {
            continue;
        }
        from_iin += usize::from(key != p.birth_key.to_native());
        let rows: Vec<_> = index
            .by_birth_key(key)
            .iter()
            .filter(|e| e.person.to_native() == i as u32)
            .collect();
        assert!(
            !rows.is_empty(),
            "person {} not under its birth date",
            p.person_id
        );
        for n in p.names.iter() {
            assert!(
                rows.iter().any(|e| {
                    let given = index.vocabulary_row(e.key.to_native() as u32);
                    let surname = index.vocabulary_row(e.tag.to_native());
                    given.map_or("", |v| v.term.as_str()) == n.given_skel.as_str()
                        && surname.map_or("", |v| v.term.as_str()) == n.surname_skel.as_str()
                }),
                "person {}: a name has no birth-date row",
                p.person_id
            );
        }
    }

    assert!(from_iin > 0, "no person is indexed under its IIN's date");

    // Screen rows: every query against every person.
    let model = MatchModel::shipped();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let queries = std::fs::read(dir.path().join("queries.jsonl")).unwrap();
    let (mut kept, mut screened) = (0usize, 0usize);
    // One memo across all queries, as a worker thread keeps it.
    let mut memo = TermMemo::default();
    for line in queries.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let query = Query::from_json_line(line, today).unwrap();
        let q = QueryFeatures::new(&query, &index, &model);
        let dates = DateFilter::new(q.birth, q.birth_alt);
        memo.start();
        for (i, p) in persons.iter().enumerate() {
            let slow = could_match(&q, &dates, p);
            let row = index.screen(i as u32).unwrap();
            if let Some(fast) = could_match_screen(&q, &dates, row, &index, &mut memo) {
                assert_eq!(
                    fast, slow,
                    "person {} for {}",
                    p.person_id, query.request_id
                );
                screened += 1;
            }
            kept += usize::from(slow);
        }
    }
    assert!(screened > persons.len() * 250, "screened only {screened}");
    assert!(kept > 0);
}
