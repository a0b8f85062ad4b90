//! An IIN of someone born in 2000–2009 begins with 0, and a spreadsheet or a number field drops
//! it: eleven digits. Such an IIN is restored (in the registry when the record states no birth
//! date or the IIN's; in a query only when it states the IIN's), found by the IIN paths and
//! compared as the twelve digits it was: a registry record holding "30521549251" is the
//! applicant who gives 030521549251 (and the other way round), whatever names come with it. A
//! restoration its stated date confirms counts as a valid IIN (two such IINs that differ are two
//! people); one without a date to confirm it never rules anyone out.

use chrono::NaiveDate;
use tanu::matching::decision::{Decision, Verdict};
use tanu::matching::engine::Engine;
use tanu::matching::query::Query;
use tanu_index::builder::{BuildOptions, NoProgress, build_index};
use tanu_index::iin::{Iin, IinSex};

fn record(id: &str, iin: &str, surname: &str, given: &str, birth: Option<&str>) -> String {
    let birth = birth.map_or("null".to_string(), |b| format!("{b:?}"));
    format!(
        r#"{{"person_id":"{id}","iin":"{iin}","surname":"{surname}","given_name":"{given}","birth_date":{birth},"sex":"M","convictions":[{{"verdict_date":"2024-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":false}}],"admin_offences":[]}}"#
    )
}

#[test]
fn an_iin_without_its_leading_zero_is_found_and_compared() {
    let born = NaiveDate::from_ymd_opt(2003, 5, 21).unwrap();
    let iin = |serial| {
        Iin::from_parts(born, IinSex::Male, serial)
            .unwrap()
            .to_string()
    };
    let (first, second, third, fourth) = (iin(4925), iin(5120), iin(6011), iin(7331));
    let fifth = iin(8123);
    let adult = "870412300129";
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("export.jsonl");
    // R1 was exported with its leading zero lost, R2 in full, R3 is an adult whose eleven
    // digits (a digit lost elsewhere) restore to nothing, R4 lost its zero and states no date,
    // R5 lost its zero and states another date than its IIN's.
    let date = Some("2003-05-21");
    let lines = [
        record("R1", &first[1..], "Сапаров", "Арман", date),
        record("R2", &second, "Омаров", "Ержан", date),
        record("R3", &adult[..11], "Каримов", "Тимур", Some("1987-04-12")),
        record("R4", &fourth[1..], "Ахметов", "Данияр", None),
        record("R5", &fifth[1..], "Бекова", "Әсем", Some("2003-05-12")),
    ];
    std::fs::write(&src, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("index");
    let summary = build_index(&src, &out, &BuildOptions::default(), &NoProgress).unwrap();
    // R1 (its date confirms it) and R4 (no date) restored; R3 and R5 not.
    assert_eq!(summary.restored_iins, 2);
    let engine = Engine::open(&out).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let decide = |iin: &str, surname: &str, given: &str, birth: &str| -> Decision {
        let line = format!(
            r#"{{"request_id":"Q","kind":"criminal_record","iin":"{iin}","surname":"{surname}","given_name":"{given}","patronymic":null,"birth_date":"{birth}"}}"#
        );
        engine.decide(&Query::from_json_line(line.as_bytes(), today).unwrap())
    };
    let iin_level = |d: &Decision, id: &str| {
        let c = d.candidates.iter().find(|c| c.person_id == id);
        c.map(|c| c.explanation.fields[0].level)
    };
    let iin_note = |d: &Decision, id: &str| {
        let c = d.candidates.iter().find(|c| c.person_id == id);
        c.and_then(|c| c.explanation.fields[0].note.clone())
            .unwrap_or_default()
    };

    // The registry lost the zero: the applicant's full IIN finds R1 by IIN, exactly, under
    // other names and without a date too.
    let d = decide(&first, "Жумабаев", "Нурлан", "");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert_eq!(iin_level(&d, "R1"), Some("exact"));
    assert!(d.candidates[0].explanation.found_by.contains(&"iin"));
    // The clerk is told why twelve digits match eleven.
    let note = iin_note(&d, "R1");
    assert!(
        note.starts_with("registry IIN had lost its leading zeros"),
        "{note}"
    );
    // The query lost it: R2 is found the same way.
    let d = decide(&second[1..], "Жумабаев", "Нурлан", "2003-05-21");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert_eq!(iin_level(&d, "R2"), Some("exact"));
    let note = iin_note(&d, "R2");
    assert!(
        note.starts_with("query IIN had lost its leading zeros"),
        "{note}"
    );
    // As the valid IIN it is, it also states the applicant's sex.
    let r2 = d.candidates.iter().find(|c| c.person_id == "R2").unwrap();
    assert_eq!(r2.explanation.fields[5].level, "same", "{r2:?}");
    // Only as an IIN of the stated date: another date, or none, leaves the digits unused (a
    // digit lost elsewhere can pass the checks as an IIN of another date).
    for other in ["2004-01-01", ""] {
        let d = decide(&second[1..], "Жумабаев", "Нурлан", other);
        assert_eq!(d.decision, Verdict::Clear, "{other}: {d:?}");
    }
    // A record that states no date has no other check (and no other link): restored.
    let d = decide(&fourth, "Жумабаев", "Нурлан", "");
    assert_eq!(iin_level(&d, "R4"), Some("exact"), "{d:?}");
    // A record that states another date keeps its digits unused.
    let d = decide(&fifth, "Жумабаев", "Нурлан", "");
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
    // Confirmed by its date, a restored IIN is as good as a valid one: another person's valid
    // IIN is another person, whatever the names share.
    let d = decide(&third[1..], "Омаров", "Ержан", "2003-05-21");
    let r2 = d.candidates.iter().find(|c| c.person_id == "R2");
    let r2 = r2.unwrap_or_else(|| panic!("R2 listed: {d:?}"));
    assert_eq!(r2.explanation.fields[0].level, "different", "{r2:?}");
    assert_eq!(
        r2.explanation.ruled_out,
        Some("trusted IINs differ by more than one edit")
    );
    // Restored without a date to confirm it (R4), it never rules anyone out: an applicant with
    // another IIN is compared on names and date instead.
    let d = decide(&third, "Ахметов", "Данияр", "2003-05-21");
    let r4 = d.candidates.iter().find(|c| c.person_id == "R4");
    let r4 = r4.unwrap_or_else(|| panic!("R4 listed: {d:?}"));
    assert_eq!(
        r4.explanation.fields[0].level, "different_unverified",
        "{r4:?}"
    );
    assert_eq!(r4.explanation.ruled_out, None, "{r4:?}");
    let note = r4.explanation.fields[0].note.as_deref().unwrap_or_default();
    assert!(note.contains("never trusted"), "{note}");
    // Eleven digits that were never an IIN of the 2000s stay unused.
    let d = decide(&adult[..11], "Жумабаев", "Нурлан", "1987-04-12");
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
    let d = decide(adult, "Жумабаев", "Нурлан", "");
    assert_eq!(iin_level(&d, "R3"), None, "R3's IIN is not restored: {d:?}");
}
