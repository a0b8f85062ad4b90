//! Persons salvaged from damaged export lines, end to end: a person whose conviction cannot be
//! read is still screened as convicted, found and reviewed, with the damage in the candidate and
//! the unreadable record as a `needs_clerk` record of the analysis; a birth date or sex written
//! another way still counts; an unreadable administrative offence only matters to an
//! administrative-offence query; a whole name typed into the surname field is split; the index
//! of such a registry verifies; a query may write its birth date day first.

use chrono::NaiveDate;
use serde_json::json;
use tanu::matching::decision::{Decision, Verdict};
use tanu::matching::engine::Engine;
use tanu::matching::query::Query;
use tanu_index::builder::{BuildOptions, NoProgress, build_index};

fn conviction(verdict_date: &str) -> serde_json::Value {
    json!({"verdict_date": verdict_date, "court": "Астана", "articles": ["190"],
           "category": "minor", "punishment": "fine", "conditional": false})
}

fn line(
    id: &str,
    surname: &str,
    given: &str,
    birth: serde_json::Value,
    sex: &str,
) -> serde_json::Value {
    json!({"person_id": id, "iin": null, "surname": surname, "given_name": given,
           "patronymic": null, "birth_date": birth, "sex": sex,
           "convictions": [conviction("2019-02-11")], "admin_offences": []})
}

fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    // D1: its second conviction has an impossible date, so the line is damaged.
    let mut d1 = line("D1", "Жұмабаев", "Ерлан", json!("1987-04-12"), "M");
    d1["convictions"] = json!([conviction("2015-03-01"), conviction("2019-02-30")]);
    lines.push(d1);
    // D2: its only conviction cannot be read at all.
    let mut d2 = line("D2", "Тоқтаров", "Бауыржан", json!("1979-11-05"), "M");
    d2["convictions"] = json!([{"verdict_date": "2012-05-05", "category": "catastrophic"}]);
    lines.push(d2);
    // D3: birth date written day first and sex as a word.
    lines.push(line(
        "D3",
        "Сапарова",
        "Әсел",
        json!("05.06.1991"),
        "female",
    ));
    // D4: no convictions, one unreadable administrative offence.
    let mut d4 = line("D4", "Оспанов", "Данияр", json!("1983-08-21"), "M");
    d4["convictions"] = json!([]);
    d4["admin_offences"] =
        json!([{"decision_date": "2024-13-01", "article": "434", "penalty": "штраф"}]);
    lines.push(d4);
    // D5: the whole name in the surname field, the given name empty.
    lines.push(line(
        "D5",
        "Сейтқали Нұрлан Болатұлы",
        "",
        json!("1990-02-14"),
        "M",
    ));
    // Others, so that no name is the registry's only one of its kind.
    let givens = ["Арман", "Ерлан", "Бауыржан", "Әсел", "Данияр", "Нурлан"];
    let surnames = ["Ахметов", "Жұмабаев", "Тоқтаров", "Сапарова", "Оспанов"];
    for i in 0..90 {
        lines.push(line(
            &format!("F{i:02}"),
            surnames[i % surnames.len()],
            givens[i % givens.len()],
            json!(format!("19{:02}-01-15", 50 + i % 40)),
            "M",
        ));
    }
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let src = dir.path().join("export.jsonl");
    std::fs::write(&src, text.join("\n") + "\n").unwrap();
    let out = dir.path().join("index");
    // 5 damaged lines of 95 are over the default 1% share of bad lines.
    let options = BuildOptions { max_bad_share: 0.1 };
    let summary = build_index(&src, &out, &options, &NoProgress).unwrap();
    assert_eq!(summary.counts.damaged_lines, 5);
    assert_eq!(summary.counts.persons, 95);
    tanu_index::reader::verify_index(&out).expect("a damaged registry's index verifies");
    (dir, Engine::open(&out).unwrap())
}

fn decide(engine: &Engine, kind: &str, surname: &str, given: &str, birth: &str) -> Decision {
    let q = json!({"request_id": "Q", "kind": kind, "iin": null, "surname": surname,
                   "given_name": given, "patronymic": null, "birth_date": birth});
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    engine.decide(&Query::from_json_line(q.to_string().as_bytes(), today).unwrap())
}

#[test]
fn damaged_persons_are_found_and_their_unreadable_records_go_to_the_clerk() {
    let (_dir, engine) = engine();

    let d = decide(
        &engine,
        "criminal_record",
        "Жумабаев",
        "Ерлан",
        "1987-04-12",
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let best = &d.candidates[0];
    assert_eq!(best.person_id, "D1");
    let damage = best.record_damage.as_deref().unwrap();
    assert!(damage.contains("convictions[1].verdict_date"), "{damage}");
    assert!(damage.contains("1 record(s) unreadable"), "{damage}");
    let analysis = d.analysis.as_ref().unwrap();
    let records = analysis["records"].as_array().unwrap();
    assert_eq!(records.len(), 2, "{analysis}");
    assert_eq!(records[0]["index"], 0);
    assert_eq!(records[1]["index"], 1);
    assert_eq!(records[1]["status"], "needs_clerk");
    assert!(records[1]["rule"].as_str().unwrap().contains("2019-02-30"));
    let text = analysis["certificate_text"].as_str().unwrap();
    assert!(text.starts_with("undetermined"), "{text}");

    // A person whose only conviction is unreadable is still a convicted person.
    let d = decide(
        &engine,
        "criminal_record",
        "Тоқтаров",
        "Бауыржан",
        "1979-11-05",
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert_eq!(d.candidates[0].person_id, "D2");
    assert_eq!(
        d.analysis.as_ref().unwrap()["records"][0]["status"],
        "needs_clerk"
    );
}

#[test]
fn what_a_damaged_line_still_says_counts() {
    let (_dir, engine) = engine();
    // The day-first birth date was read (an exact date), and so was the sex.
    let d = decide(&engine, "criminal_record", "Сапарова", "Әсел", "05.06.1991");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let best = &d.candidates[0];
    assert_eq!(best.person_id, "D3");
    let level = |field: &str| {
        best.explanation
            .fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.level)
            .unwrap()
    };
    assert_eq!(level("birth_date"), "exact");
    assert!(
        best.record_damage
            .as_deref()
            .unwrap()
            .starts_with("birth_date")
    );
}

#[test]
fn an_unreadable_offence_matters_to_its_own_kind_only() {
    let (_dir, engine) = engine();
    let d = decide(
        &engine,
        "administrative_offences",
        "Оспанов",
        "Данияр",
        "1983-08-21",
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert_eq!(d.candidates[0].person_id, "D4");
    let d = decide(
        &engine,
        "criminal_record",
        "Оспанов",
        "Данияр",
        "1983-08-21",
    );
    assert!(d.candidates.iter().all(|c| c.person_id != "D4"), "{d:?}");
}

#[test]
fn a_whole_name_in_the_surname_field_is_still_found() {
    let (_dir, engine) = engine();
    let d = decide(
        &engine,
        "criminal_record",
        "Сейтқали",
        "Нұрлан",
        "1990-02-14",
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert_eq!(d.candidates[0].person_id, "D5");
}
