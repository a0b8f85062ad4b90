//! A one-letter slip in a short surname is a typo, not a man's change of surname: the registry's
//! "Киг Пётр" (no IIN) keeps the plain `different` surname level for an applicant "Ким Пётр"
//! born the same day, while "Ли Пётр" weighs as a man's other surname. (On a registry of
//! millions this is the difference between review and a clean certificate; this small fixture's
//! name frequencies do not reproduce the decision itself.)

use tanu::matching::engine::Engine;
use tanu::matching::query::Query;
use tanu_index::builder::{BuildOptions, NoProgress, build_index};

const REGISTRY: &str = r#"{"person_id":"P1","iin":null,"surname":"Киг","given_name":"Пётр","birth_date":"1996-07-04","sex":"M","convictions":[{"verdict_date":"2019-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":false}],"admin_offences":[]}
{"person_id":"P2","iin":null,"surname":"Ли","given_name":"Пётр","birth_date":"1996-07-04","sex":"M","convictions":[{"verdict_date":"2019-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":false}],"admin_offences":[]}
"#;

#[test]
fn a_typo_in_a_short_surname_is_not_a_mans_other_surname() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("export.jsonl");
    // Others with other given names, so that "Пётр" is not the registry's only given name (its
    // term-frequency adjustment would then say nothing matches better).
    let mut registry = REGISTRY.to_string();
    for (i, given) in [
        "Арман",
        "Бауыржан",
        "Валерий",
        "Гани",
        "Даурен",
        "Ерлан",
        "Жанибек",
    ]
    .iter()
    .cycle()
    .take(60)
    .enumerate()
    {
        registry.push_str(&format!(
            r#"{{"person_id":"F{i}","iin":null,"surname":"Нурланов","given_name":"{given}","birth_date":"19{:02}-01-15","sex":"M","convictions":[{{"verdict_date":"2019-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":false}}],"admin_offences":[]}}"#,
            50 + i % 40
        ));
        registry.push('\n');
    }
    std::fs::write(&src, registry).unwrap();
    let out = dir.path().join("index");
    build_index(&src, &out, &BuildOptions::default(), &NoProgress).unwrap();
    let engine = Engine::open(&out).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let query = |surname: &str| {
        let line = format!(
            r#"{{"request_id":"Q","kind":"criminal_record","iin":null,"surname":"{surname}","given_name":"Пётр","patronymic":null,"birth_date":"1996-07-04"}}"#
        );
        engine.decide(&Query::from_json_line(line.as_bytes(), today).unwrap())
    };
    let typo = query("Ким");
    assert_eq!(typo.candidates[0].person_id, "P1", "{typo:?}");
    let level = &typo.candidates[0].explanation.fields[1];
    assert_eq!(level.level, "different", "{level:?}");
    // A man whose surname is really another one still weighs as a man's.
    let other = typo
        .candidates
        .iter()
        .find(|c| c.person_id == "P2")
        .unwrap();
    assert_eq!(other.explanation.fields[1].level, "different_man");
    assert!(typo.candidates[0].explanation.total > other.explanation.total + 4.0);
}
