//! The evidence rules of scoring on a small registry, end to end: a surname one letter off as
//! written is `close` (even when its skeletons are two edits apart), one word of a surname
//! written as several agrees as a `word` and finds the person by itself, a surname without its
//! gendered ending agrees as `ending` (a sister's stays `stem`), patronymics that are no
//! spelling of one another rule a candidate out (an initial or a typo in the suffix never does),
//! a record with only a partial birth date and no IIN is reviewed when the query agrees with all
//! of it, a `close` birth date counts for less when the query's IIN confirms its own date, and
//! a mistyped registry IIN whose one typo, corrected, gives the query's date holds that date,
//! a given name mistyped on both sides is not ruled out when everything else agrees exactly, and
//! a record of names only is reviewed from its own threshold when its names agree, and so is a
//! woman whose surname alone differs (given name, patronymic and full birth date agree; without
//! a patronymic, from the names-only threshold); a birth
//! year one off across a decade never rules out, nor does a record's 1 January without an IIN; a
//! record is found under both dates when its valid IIN contradicts its stated one, and a record
//! with its given name and patronymic filled the wrong way round is read the right way round; a
//! given name written as its initial says nothing when the other name starts with it (two
//! initials in the given-name field are the given name's and the father's); a query IIN
//! that contradicts the query's own birth date rules nothing out; one part of a double given name
//! is close to the whole; a record whose names agree and whose birth date is a typo apart is
//! reviewed from a lower threshold of its own; a surname or given name two typos off
//! is close when everything else agrees exactly.

use chrono::NaiveDate;
use tanu::matching::decision::{Candidate, Decision, Verdict};
use tanu::matching::engine::{Engine, EngineOptions};
use tanu::matching::model::{Field, MatchModel, SHIPPED_MODEL};
use tanu::matching::query::Query;
use tanu_index::builder::{BuildOptions, NoProgress, build_index};
use tanu_index::iin::{Iin, IinSex};

fn person(id: &str, surname: &str, given: &str, patronymic: Option<&str>, birth: &str) -> String {
    let patronymic = patronymic.map_or("null".to_string(), |p| format!("{p:?}"));
    format!(
        r#"{{"person_id":"{id}","iin":null,"surname":"{surname}","given_name":"{given}","patronymic":{patronymic},"birth_date":"{birth}","sex":"M","convictions":[{{"verdict_date":"2019-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":false}}],"admin_offences":[]}}"#
    )
}

/// The 12 digits of a valid IIN of a birth date, sex and serial number.
fn iin_digits(born: (i32, u32, u32), sex: IinSex, serial: u16) -> String {
    let date = NaiveDate::from_ymd_opt(born.0, born.1, born.2).unwrap();
    let iin = Iin::from_parts(date, sex, serial).unwrap();
    iin.digits().iter().map(|d| char::from(b'0' + d)).collect()
}

fn engine(options: EngineOptions) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec![
        person("M1", "Мусаев", "Нурлан", None, "1990-03-03"),
        person("P1", "Сапаров", "Арман", Some("Серикович"), "1985-02-02"),
        person("S1", "Жуманов", "Ерлан", None, "1979"),
        person("S2", "Омаров", "Бекзат", None, "1982-06"),
        person("D1", "Каримов", "Тимур", Some("Ахметович"), "1970-10-10"),
        person("A1", "Оспанова", "Әсел", None, "1992-09-09"),
    ];
    // I1 states 1976-05-07, but its valid IIN encodes 1976-07-05: the record contradicts itself.
    let digits = iin_digits((1976, 7, 5), IinSex::Female, 5138);
    lines.push(
        person(
            "I1",
            "Жетпісбаева",
            "Гүлнар",
            Some("Дәурен қызы"),
            "1976-05-07",
        )
        .replace(r#""iin":null"#, &format!(r#""iin":"{digits}""#))
        .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    // I2 states 1983-03-14, but its valid IIN encodes 1981-09-22: a date no typo of the other.
    let digits = iin_digits((1981, 9, 22), IinSex::Male, 4127);
    lines.push(
        person(
            "I2",
            "Бекмұхамбетов",
            "Талғат",
            Some("Оралұлы"),
            "1983-03-14",
        )
        .replace(r#""iin":null"#, &format!(r#""iin":"{digits}""#)),
    );
    // T1 states no birth date, and its IIN has a bad check digit: 951017 for 950117, the
    // month's digits swapped (950117314403 is valid).
    lines.push(
        person("T1", "Омаров", "Ержан", Some("Нұрланұлы"), "1995")
            .replace(r#""iin":null"#, r#""iin":"951017314403""#)
            .replace(r#""birth_date":"1995""#, r#""birth_date":null"#),
    );
    lines.push(person(
        "G1",
        "Сериков",
        "Асхат",
        Some("Ерланулы"),
        "1988-01-19",
    ));
    // X1 states no sex and has no IIN; her patronymic says she is a woman.
    lines.push(
        person("X1", "Мамырова", "Динара", Some("Нұрланқызы"), "2005-12")
            .replace(r#""sex":"M""#, r#""sex":null"#),
    );
    // Z1 states only a year and month and has no IIN; Y1 only a year.
    lines.push(person(
        "Z1",
        "Зайев",
        "Александр",
        Some("Михайлович"),
        "1994-12",
    ));
    lines.push(person("Y1", "Омарханов", "Бауыржан", None, "1994"));
    // W1 has a typo in its given name (Аэхмет for Ахмет); W2 is his twin: same surname,
    // patronymic and birth date, another name.
    lines.push(person(
        "W1",
        "Садықов",
        "Аэхмет",
        Some("Кенжебекович"),
        "1980-06-17",
    ));
    lines.push(person(
        "W2",
        "Садықов",
        "Асан",
        Some("Кенжебекович"),
        "1980-06-17",
    ));
    // N1 and N2 hold names only: no IIN, no birth date.
    for (id, surname, given, patronymic, sex) in [
        ("N1", "Жақсылықов", "Даурен", "Маратұлы", "M"),
        ("N2", "Жақсылықова", "Әсел", "Маратқызы", "F"),
    ] {
        lines.push(
            person(id, surname, given, Some(patronymic), "1900")
                .replace(r#""birth_date":"1900""#, r#""birth_date":null"#)
                .replace(r#""sex":"M""#, &format!(r#""sex":"{sex}""#)),
        );
    }
    // M2 and M3 are women under their maiden names, with no alias.
    lines.push(
        person("M2", "Сейтова", "Гүлнар", Some("Болатқызы"), "1987-07-07")
            .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    lines.push(
        person("M3", "Нұрланова", "Айгүл", Some("Ерлановна"), "1960-12-10")
            .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    // Y2 and J1 have no IIN; J1's date is 1 January, written when only the year is known. J2's
    // is too, but J2 has an IIN of that date.
    lines.push(person(
        "Y2",
        "Тұрсынов",
        "Бекболат",
        Some("Маратович"),
        "1980-04-12",
    ));
    lines.push(person(
        "J1",
        "Әбдірахманов",
        "Қайрат",
        Some("Серікұлы"),
        "1961-01-01",
    ));
    let digits = iin_digits((1963, 1, 1), IinSex::Male, 2741);
    lines.push(
        person("J2", "Қуанышев", "Ержан", Some("Болатұлы"), "1963-01-01")
            .replace(r#""iin":null"#, &format!(r#""iin":"{digits}""#)),
    );
    // K1 and K2 write the given name and patronymic as initials; K2 states only a year and
    // month. Neither has an IIN.
    lines.push(person("K1", "Жұмағұлов", "Е.", Some("Н."), "1987-04-12"));
    lines.push(person("K2", "Құдайбергенов", "Д.", Some("С."), "1971-03"));
    // K4 writes both initials in the given-name field and no patronymic (index format 13).
    lines.push(person("K4", "Жақсылықов", "Б.С.", None, "1979-02-14"));
    // K5 writes the initial of a Дж- name (Джанибек, Жанибек: skeletons read Дж as Ж).
    lines.push(person("K5", "Сейітов", "Д.", Some("М."), "1958-06-30"));
    // K3 is written in Latin with Latin initials: Z. for Zh-, Y. for Ye-.
    lines.push(
        person("K3", "ZHUMAGULOVA", "Z.", Some("Y."), "1990-05")
            .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    // D2 has a double given name, written with a hyphen.
    lines.push(
        person(
            "D2",
            "Шмидт",
            "Анна-Мария",
            Some("Викторовна"),
            "1984-05-06",
        )
        .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    // B1 writes her maiden name in brackets after her married one; B2 writes a double surname
    // and holds names only (no IIN, no birth date).
    lines.push(
        person(
            "B1",
            "Байжанова (Қасымбекова)",
            "Айгерім",
            Some("Маратқызы"),
            "1983-04-05",
        )
        .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    lines.push(
        person("B2", "Бекова-Тасова", "Жанар", Some("Ерланқызы"), "1900")
            .replace(r#""birth_date":"1900""#, r#""birth_date":null"#)
            .replace(r#""sex":"M""#, r#""sex":"F""#),
    );
    // E1 writes his surname with its Russian ending, as records before 1996 do.
    lines.push(person(
        "E1",
        "Жолдыбаев",
        "Жомарт",
        Some("Нурланович"),
        "1979-11-02",
    ));
    // R1 has its given name and patronymic filled the wrong way round.
    lines.push(person(
        "R1",
        "Тоқтаров",
        "Асқарұлы",
        Some("Ерлан"),
        "1991-05-20",
    ));
    // Others, so that no name is the registry's only one of its kind.
    let givens = ["Арман", "Бауыржан", "Валерий", "Даурен", "Ерлан", "Нурлан"];
    let surnames = ["Нурланов", "Ахметов", "Сейтов", "Омаров", "Жуманов"];
    for i in 0..90 {
        lines.push(person(
            &format!("F{i:02}"),
            surnames[i % surnames.len()],
            givens[i % givens.len()],
            Some("Болатович"),
            &format!("19{:02}-01-15", 50 + i % 40),
        ));
    }
    let src = dir.path().join("export.jsonl");
    std::fs::write(&src, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("index");
    build_index(&src, &out, &BuildOptions::default(), &NoProgress).unwrap();
    let engine = Engine::open_with(&out, options).unwrap();
    (dir, engine)
}

/// An engine whose `possible` threshold no candidate of this registry reaches, so that only the
/// below-threshold rules can review; with another `names_only_possible` when given.
fn rules_only_engine(names_only: Option<f64>) -> (tempfile::TempDir, Engine) {
    let shipped = MatchModel::shipped().names_only_possible;
    rules_only_engine_with("names_only_possible", shipped, names_only)
}

/// `rules_only_engine` with the threshold `key` (shipped at `shipped`) set to `threshold`.
fn rules_only_engine_with(
    key: &str,
    shipped: f64,
    threshold: Option<f64>,
) -> (tempfile::TempDir, Engine) {
    let mut text = SHIPPED_MODEL
        .replace("possible = 4.5", "possible = 60.0")
        .replace("certain = 16.0", "certain = 70.0");
    if let Some(threshold) = threshold {
        let line = format!("\n{key} = {shipped:?}");
        assert!(text.contains(&line), "{line}");
        text = text.replace(&line, &format!("\n{key} = {threshold:?}"));
    }
    let options = EngineOptions {
        model: MatchModel::from_toml(&text).unwrap(),
        ..EngineOptions::default()
    };
    engine(options)
}

fn decide(
    engine: &Engine,
    surname: &str,
    given: &str,
    patronymic: Option<&str>,
    birth: &str,
    iin: Option<&str>,
) -> Decision {
    let q = serde_json::json!({
        "request_id": "Q",
        "kind": "criminal_record",
        "iin": iin,
        "surname": surname,
        "given_name": given,
        "patronymic": patronymic,
        "birth_date": birth,
    });
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    engine.decide(&Query::from_json_line(q.to_string().as_bytes(), today).unwrap())
}

fn candidate<'a>(d: &'a Decision, id: &str) -> &'a Candidate {
    d.candidates
        .iter()
        .find(|c| c.person_id == id)
        .unwrap_or_else(|| panic!("{id} is not among the candidates: {d:?}"))
}

/// That the person `id` is not among the candidates, or is ruled out.
fn assert_ruled_out_or_absent(d: &Decision, id: &str) {
    assert!(
        d.candidates
            .iter()
            .all(|c| c.person_id != id || c.explanation.ruled_out.is_some()),
        "{id}: {d:?}"
    );
}

/// The clerk's note on a candidate's birth date.
fn birth_note(c: &Candidate) -> String {
    c.explanation
        .fields
        .iter()
        .find(|f| f.field == "birth_date")
        .and_then(|f| f.note.clone())
        .unwrap()
}

fn level<'a>(c: &'a Candidate, field: &str) -> &'a str {
    c.explanation
        .fields
        .iter()
        .find(|f| f.field == field)
        .unwrap()
        .level
}

#[test]
fn a_surname_one_written_letter_off_is_close() {
    let (_dir, engine) = engine(EngineOptions::default());
    // "Мцсаев" / "Мусаев": ц transliterates to two letters, so the skeletons are two edits apart.
    let d = decide(&engine, "Мцсаев", "Нурлан", None, "1990-03-03", None);
    assert_eq!(level(candidate(&d, "M1"), "surname"), "close", "{d:?}");
    let d = decide(&engine, "Кабдуллин", "Нурлан", None, "1990-03-03", None);
    assert_eq!(
        level(candidate(&d, "M1"), "surname"),
        "different_man",
        "{d:?}"
    );
}

#[test]
fn one_word_of_a_surname_written_as_several_agrees_as_a_word() {
    let (_dir, engine) = engine(EngineOptions::default());
    // A double surname, and a given name typed into the surname field: without this, a man's
    // surname `different_man` (−9.9 bits) hides him.
    for written in ["Мусаев-Ахметов", "Мусаев Нурлан", "АХМЕТОВ МУСАЕВ"]
    {
        let d = decide(&engine, written, "Нурлан", None, "1990-03-03", None);
        assert_eq!(d.decision, Verdict::Review, "{written}: {d:?}");
        assert_eq!(level(candidate(&d, "M1"), "surname"), "word", "{written}");
    }
    // A patronymic marker is not a surname word.
    let d = decide(&engine, "Кабдуллин ұлы", "Нурлан", None, "1990-03-03", None);
    assert_ne!(level(candidate(&d, "M1"), "surname"), "word", "{d:?}");
    // Each word is a name key of its own: a birth date a typo off (no birth-date block holds
    // the person then) or no birth date at all still finds the person by either surname.
    let d = decide(
        &engine,
        "Мусаев-Ахметов",
        "Нурлан",
        None,
        "1990-03-04",
        None,
    );
    let m1 = candidate(&d, "M1");
    assert_eq!(level(m1, "surname"), "word", "{d:?}");
    assert!(m1.explanation.found_by.contains(&"name_key"), "{m1:?}");
    // It weighs a little less than his surname written alone (the registry's most common given
    // name and no patronymic keep both below the date-typo threshold here).
    let alone = decide(&engine, "Мусаев", "Нурлан", None, "1990-03-04", None);
    let gap = candidate(&alone, "M1").explanation.total - m1.explanation.total;
    assert!(gap > 0.0 && gap < 2.5, "{gap}");
    for (surname, birth) in [("Қасымбекова", "1983-04-06"), ("Байжанова", "1983-04-04")]
    {
        let d = decide(&engine, surname, "Айгерім", Some("Маратқызы"), birth, None);
        assert_eq!(d.decision, Verdict::Review, "{surname}: {d:?}");
        let b1 = candidate(&d, "B1");
        assert_eq!(level(b1, "surname"), "word", "{surname}");
        assert!(b1.explanation.found_by.contains(&"name_key"), "{b1:?}");
        let note = b1.explanation.fields[1].note.clone().unwrap();
        assert!(note.contains("maiden name in brackets"), "{note}");
    }
    for surname in ["Тасова", "Бекова"] {
        let d = decide(&engine, surname, "Жанар", Some("Ерланқызы"), "", None);
        assert_eq!(d.decision, Verdict::Review, "{surname}: {d:?}");
        assert_eq!(level(candidate(&d, "B2"), "surname"), "word", "{surname}");
    }
}

#[test]
fn a_surname_without_its_ending_is_the_same_surname_not_a_sisters() {
    let (_dir, engine) = engine(EngineOptions::default());
    let shipped = MatchModel::shipped();
    let weight = |c: &Candidate| c.explanation.fields[1].weight;
    // The form a Kazakh may write since 1996, with a birth date a typo off and no IIN.
    let d = decide(
        &engine,
        "Жолдыбай",
        "Жомарт",
        Some("Нұрланұлы"),
        "1979-11-03",
        None,
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let e1 = candidate(&d, "E1");
    assert_eq!(level(e1, "surname"), "ending", "{e1:?}");
    let ending = shipped.weight(
        Field::Surname,
        tanu::matching::model::level::surname::ENDING,
    );
    assert!((weight(e1) - (ending * 1000.0).round() / 1000.0).abs() < 1e-9);
    // A sister's surname (the feminine ending against the masculine one) stays `stem`, weaker.
    let d = decide(
        &engine,
        "Жолдыбаева",
        "Жомарт",
        Some("Нурланович"),
        "1979-11-02",
        None,
    );
    let e1 = candidate(&d, "E1");
    assert_eq!(level(e1, "surname"), "stem", "{e1:?}");
    assert!(weight(e1) < ending - 2.0, "{e1:?}");
}

#[test]
fn patronymics_of_other_fathers_rule_out_but_initials_and_typos_do_not() {
    let (_dir, engine) = engine(EngineOptions::default());
    let other = decide(
        &engine,
        "Сапаров",
        "Арман",
        Some("Болатович"),
        "1985-02-02",
        None,
    );
    assert_eq!(other.decision, Verdict::Clear, "{other:?}");
    assert_eq!(
        candidate(&other, "P1").explanation.ruled_out,
        Some("patronymics differ in every spelling")
    );
    for kept in ["С.", "Сериковчи", "Серікұлы", "Serikovich"] {
        let d = decide(&engine, "Сапаров", "Арман", Some(kept), "1985-02-02", None);
        assert_eq!(d.decision, Verdict::Review, "{kept}: {d:?}");
        assert_eq!(candidate(&d, "P1").explanation.ruled_out, None, "{kept}");
    }
}

#[test]
fn a_record_with_only_a_partial_date_and_no_iin_is_reviewed_when_all_of_it_agrees() {
    let (_dir, engine) = rules_only_engine(None);
    let year = decide(&engine, "Жуманов", "Ерлан", None, "1979-05-05", None);
    assert_eq!(year.decision, Verdict::Review, "{year:?}");
    assert!(candidate(&year, "S1").explanation.review_reason.is_some());
    let month = decide(&engine, "Омаров", "Бекзат", None, "1982-06-20", None);
    assert_eq!(month.decision, Verdict::Review, "{month:?}");
    // Another month than the record's, another given name, or a record with a full date: the
    // score decides.
    for (surname, given, birth) in [
        ("Омаров", "Бекзат", "1982-07-20"),
        ("Жуманов", "Нурлан", "1979-05-05"),
        ("Мусаев", "Нурлан", "1990-03-03"),
    ] {
        let d = decide(&engine, surname, given, None, birth, None);
        assert_eq!(
            d.decision,
            Verdict::Clear,
            "{surname} {given} {birth}: {d:?}"
        );
    }
    // Both reviews rest on sparse agreement alone, and the engine counts them.
    let sparse = engine
        .metrics()
        .sparse_reviews
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(sparse, 2);
}

#[test]
fn a_names_only_record_whose_names_agree_is_reviewed_from_its_own_threshold() {
    let with_names_only = |threshold: f64| rules_only_engine(Some(threshold));
    let iin = iin_digits((1991, 4, 4), IinSex::Male, 1234);
    let ask = |engine: &Engine| {
        decide(
            engine,
            "Жақсылықов",
            "Даурен",
            Some("Маратович"),
            "1991-04-04",
            Some(&iin),
        )
    };
    let (_dir, engine) = with_names_only(-100.0);
    let d = ask(&engine);
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let n1 = candidate(&d, "N1");
    let reason = n1.explanation.review_reason.unwrap();
    assert!(reason.contains("names only"), "{reason}");
    assert_eq!(level(n1, "birth_date"), "missing");
    let total = n1.explanation.total;
    let metrics = engine.metrics();
    let count = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(count(&metrics.names_only_reviews), 1);
    assert_eq!(count(&metrics.sparse_reviews), 1);
    // Names that do not agree as the rule asks are left to the score, whatever the threshold:
    // a married name (another surname), another given name.
    for (surname, given, patronymic) in [
        ("Серікова", "Әсел", "Маратқызы"),
        ("Жақсылықов", "Ерлан", "Маратович"),
    ] {
        let d = decide(
            &engine,
            surname,
            given,
            Some(patronymic),
            "1991-04-04",
            None,
        );
        assert_eq!(d.decision, Verdict::Clear, "{surname} {given}: {d:?}");
    }
    // The threshold is on the total: just above it, the score decides.
    let (_dir, engine) = with_names_only(total - 0.01);
    assert_eq!(ask(&engine).decision, Verdict::Review);
    let (_dir, engine) = with_names_only(total + 0.01);
    let d = ask(&engine);
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
    assert_eq!(candidate(&d, "N1").explanation.review_reason, None);
}

#[test]
fn only_a_womans_surname_differing_is_reviewed_whatever_the_total() {
    let (_dir, engine) = rules_only_engine(None);
    let iin = iin_digits((1987, 7, 7), IinSex::Female, 4321);
    let hers = iin_digits((1960, 10, 12), IinSex::Female, 1937);
    let reviewed = |surname, given, patronymic, birth, iin: &str, id, birth_level| {
        let d = decide(&engine, surname, given, Some(patronymic), birth, Some(iin));
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let her = candidate(&d, id);
        assert_eq!(level(her, "surname"), "different");
        assert_eq!(level(her, "birth_date"), birth_level);
        let reason = her.explanation.review_reason.unwrap();
        assert!(reason.contains("only the surname differs"), "{reason}");
    };
    for given in ["Гүлнар", "Гулнар", "Гүлнра"] {
        reviewed(
            "Ахметова",
            given,
            "Болатовна",
            "1987-07-07",
            &iin,
            "M2",
            "exact",
        );
    }
    // M3's day and month are swapped against the query's: still only the surname differs.
    reviewed(
        "Қалиева",
        "Айгүл",
        "Ерлановна",
        "1960-10-12",
        &hers,
        "M3",
        "day_month_swap",
    );
    // Above the threshold the score reviews, and no reason is given.
    let (_shipped_dir, shipped) = self::engine(EngineOptions::default());
    let d = decide(
        &shipped,
        "Ахметова",
        "Гүлнар",
        Some("Болатовна"),
        "1987-07-07",
        Some(&iin),
    );
    let m2 = candidate(&d, "M2");
    assert!(m2.explanation.total >= 4.5, "{d:?}");
    assert_eq!(m2.explanation.review_reason, None, "{d:?}");
    // No patronymic to agree: reviewed from the names-only threshold, not whatever the total.
    let no_patronymic =
        |engine: &Engine| decide(engine, "Ахметова", "Гүлнар", None, "1987-07-07", None);
    let d = no_patronymic(&engine);
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let m2 = candidate(&d, "M2");
    let reason = m2.explanation.review_reason.unwrap();
    assert!(reason.contains("one side gives no patronymic"), "{reason}");
    let total = m2.explanation.total;
    let (_dir, above) = rules_only_engine(Some(total + 0.01));
    assert_eq!(no_patronymic(&above).decision, Verdict::Clear);
    let (_dir, at) = rules_only_engine(Some(total - 0.01));
    assert_eq!(no_patronymic(&at).decision, Verdict::Review);
    // A birth date one day off, or a man (his IIN says so): the score decides.
    let his = iin_digits((1987, 7, 7), IinSex::Male, 4322);
    for (surname, patronymic, birth, iin) in [
        ("Ахметова", Some("Болатовна"), "1987-07-08", None),
        (
            "Ахметов",
            Some("Болатович"),
            "1987-07-07",
            Some(his.as_str()),
        ),
    ] {
        let d = decide(&engine, surname, "Гүлнар", patronymic, birth, iin);
        assert_eq!(
            d.decision,
            Verdict::Clear,
            "{surname} {patronymic:?} {birth}: {d:?}"
        );
    }
}

#[test]
fn a_birth_date_a_typo_apart_is_reviewed_from_its_own_threshold() {
    let shipped = MatchModel::shipped().date_typo_possible;
    let with_date_typo =
        |threshold: f64| rules_only_engine_with("date_typo_possible", shipped, Some(threshold));
    let confirmed = iin_digits((1970, 10, 11), IinSex::Male, 4321);
    // D1 (no IIN) states 1970-10-10: one day off, one digit off, the year across a decade one
    // off; and the query's own IIN confirming its date (the record holds the typo).
    let asks = [
        ("1970-10-11", None, "day_apart"),
        ("1970-10-30", None, "close"),
        ("1971-10-10", None, "close"),
        (
            "1970-10-11",
            Some(confirmed.as_str()),
            "day_apart_query_confirmed",
        ),
    ];
    let (_dir, engine) = with_date_typo(-100.0);
    let mut totals = Vec::new();
    for (birth, iin, birth_level) in asks {
        let d = decide(&engine, "Каримов", "Тимур", Some("Ахметович"), birth, iin);
        assert_eq!(d.decision, Verdict::Review, "{birth}: {d:?}");
        let d1 = candidate(&d, "D1");
        assert_eq!(level(d1, "birth_date"), birth_level);
        let reason = d1.explanation.review_reason.unwrap();
        assert!(reason.contains("a typo apart"), "{reason}");
        totals.push(d1.explanation.total);
    }
    // A father's name in the surname's place (Ахметұлы Тимур, no surname: NAMES.md) agrees
    // with D1's patronymic: reviewed for the date typo, never for another father's name.
    let d = decide(&engine, "Ахметұлы", "Тимур", None, "1970-10-11", None);
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let d1 = candidate(&d, "D1");
    assert_eq!(level(d1, "surname"), "missing");
    assert_eq!(level(d1, "patronymic"), "exact");
    let reason = d1.explanation.review_reason.unwrap();
    assert!(reason.contains("a typo apart"), "{reason}");
    let d = decide(&engine, "Серікұлы", "Тимур", None, "1970-10-11", None);
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
    // Names that do not agree as the rule asks are left to the score: another given name, or
    // another surname and patronymic.
    for (surname, given, patronymic) in [
        ("Каримов", "Ерлан", "Ахметович"),
        ("Сапаров", "Тимур", "Серикович"),
    ] {
        let d = decide(
            &engine,
            surname,
            given,
            Some(patronymic),
            "1970-10-11",
            None,
        );
        assert_eq!(d.decision, Verdict::Clear, "{surname} {given}: {d:?}");
    }
    // The threshold is on the total: just above it, the score decides.
    let total = totals[0];
    let ask = |engine: &Engine| {
        decide(
            engine,
            "Каримов",
            "Тимур",
            Some("Ахметович"),
            "1970-10-11",
            None,
        )
    };
    let (_dir, engine) = with_date_typo(total - 0.01);
    assert_eq!(ask(&engine).decision, Verdict::Review);
    let (_dir, engine) = with_date_typo(total + 0.01);
    let d = ask(&engine);
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
    assert_eq!(candidate(&d, "D1").explanation.review_reason, None);
}

#[test]
fn a_close_birth_date_against_an_iin_confirmed_one_is_the_registry_typo_level() {
    let (_dir, engine) = engine(EngineOptions::default());
    let weight = |c: &Candidate| {
        c.explanation
            .fields
            .iter()
            .find(|f| f.field == "birth_date")
            .unwrap()
            .weight
    };
    // D1 states 1970-10-10: a day off, then one digit off.
    let mut plain_weights = Vec::new();
    for (birth, confirmed_level, plain_level) in [
        ((1970, 10, 11), "day_apart_query_confirmed", "day_apart"),
        ((1970, 10, 30), "close_query_confirmed", "close"),
    ] {
        let written = format!("{:04}-{:02}-{:02}", birth.0, birth.1, birth.2);
        let digits = iin_digits(birth, IinSex::Male, 4321);
        let ask = |iin: Option<&str>| {
            decide(
                &engine,
                "Каримов",
                "Тимур",
                Some("Ахметович"),
                &written,
                iin,
            )
        };
        let (with, without) = (ask(Some(&digits)), ask(None));
        let (a, b) = (candidate(&with, "D1"), candidate(&without, "D1"));
        assert_eq!(level(a, "birth_date"), confirmed_level);
        assert_eq!(level(b, "birth_date"), plain_level);
        assert!(weight(a) < weight(b), "{} !< {}", weight(a), weight(b));
        plain_weights.push(weight(b));
    }
    // A day apart is rarer between two people than any typo: it weighs more.
    assert!(
        plain_weights[0] > plain_weights[1],
        "day apart {} !> close {}",
        plain_weights[0],
        plain_weights[1]
    );
}

#[test]
fn a_given_name_one_written_letter_off_is_close_in_either_order() {
    let (_dir, engine) = engine(EngineOptions::default());
    // "Әсец" / "Әсел": ц transliterates to two letters, so the skeletons are two edits apart
    // (Jaro-Winkler 0.85, below `close`).
    let d = decide(&engine, "Оспанова", "Әсец", None, "1992-09-09", None);
    assert_eq!(level(candidate(&d, "A1"), "given_name"), "close", "{d:?}");
    // Swapped order: the query's surname field holds the given name, compared as the surname.
    let d = decide(&engine, "Әсец", "Оспанова", None, "1992-09-09", None);
    let c = candidate(&d, "A1");
    assert_eq!(level(c, "surname"), "close", "{d:?}");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let d = decide(&engine, "Оспанова", "Әсем", None, "1992-09-09", None);
    assert_ne!(level(candidate(&d, "A1"), "given_name"), "exact", "{d:?}");
}

#[test]
fn a_record_contradicting_its_own_iin_is_compared_on_both_dates() {
    let (_dir, engine) = engine(EngineOptions::default());
    for (query_date, want) in [("1976-07-05", "exact"), ("1976-05-07", "exact")] {
        let d = decide(
            &engine,
            "Жетпісбаева",
            "Гүлнар",
            Some("Дәурен қызы"),
            query_date,
            None,
        );
        let c = candidate(&d, "I1");
        assert_eq!(level(c, "birth_date"), want, "{query_date}: {d:?}");
        let note = birth_note(c);
        let from_iin = query_date == "1976-07-05";
        assert_eq!(
            note.contains("its IIN says 1976-07-05, compared"),
            from_iin,
            "{note}"
        );
    }
    // I2's two dates are no typo of one another: a query of either finds it, and compares it
    // exactly, with the IIN's date named when it is the one that agrees.
    for (query_date, from_iin) in [("1981-09-22", true), ("1983-03-14", false)] {
        let d = decide(
            &engine,
            "Бекмұхамбетов",
            "Талғат",
            Some("Оралұлы"),
            query_date,
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{query_date}: {d:?}");
        let c = candidate(&d, "I2");
        assert_eq!(level(c, "birth_date"), "exact", "{query_date}: {d:?}");
        assert_eq!(
            birth_note(c).contains("its IIN says 1981-09-22, compared"),
            from_iin,
            "{}",
            birth_note(c)
        );
    }
    // A date far from both is still another person's.
    let d = decide(
        &engine,
        "Жетпісбаева",
        "Гүлнар",
        Some("Дәурен қызы"),
        "1979-01-28",
        None,
    );
    assert_ruled_out_or_absent(&d, "I1");
}

#[test]
fn a_mistyped_iin_corrected_to_the_query_date_holds_that_date() {
    let (_dir, engine) = engine(EngineOptions::default());
    let d = decide(
        &engine,
        "Омаров",
        "Ержан",
        Some("Нұрланұлы"),
        "1995-01-17",
        None,
    );
    let c = candidate(&d, "T1");
    assert_eq!(level(c, "birth_date"), "exact", "{d:?}");
    assert!(
        birth_note(c)
            .contains("with one typo corrected in its date digits it is a valid IIN of 1995-01-17"),
        "{}",
        birth_note(c)
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    // Another date one typo from the IIN's (not a day apart), which no valid IIN holds: the
    // plain `close`.
    let d = decide(
        &engine,
        "Омаров",
        "Ержан",
        Some("Нұрланұлы"),
        "1995-10-19",
        None,
    );
    let c = candidate(&d, "T1");
    assert_eq!(level(c, "birth_date"), "close", "{d:?}");
    assert!(!birth_note(c).contains("corrected"), "{}", birth_note(c));
}

#[test]
fn a_partial_date_record_is_found_under_the_given_name_despite_a_surname_typo() {
    let (_dir, engine) = engine(EngineOptions::default());
    // Зайцев / Зайев: ц dropped, one letter as written, two edits between skeletons, so no name
    // key or one-edit neighbour reaches Z1; its year and month under the given name do.
    let d = decide(&engine, "Зайцев", "Александр", None, "1994-12-31", None);
    let c = candidate(&d, "Z1");
    assert!(c.explanation.found_by.contains(&"birth_date"), "{d:?}");
    assert_eq!(level(c, "surname"), "close", "{d:?}");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    // A surname close only by Jaro-Winkler (a shared prefix) is no typo: a record with only a
    // year is not reviewed on it.
    let d = decide(&engine, "Омаров", "Бауыржан", None, "1994-09-22", None);
    let c = candidate(&d, "Y1");
    assert_eq!(level(c, "surname"), "close", "{d:?}");
    assert!(c.explanation.review_reason.is_none(), "{d:?}");
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
}

#[test]
fn a_given_name_typo_in_a_letter_written_as_two_is_not_screened_out() {
    let (_dir, engine) = engine(EngineOptions::default());
    // Асцат / Асхат: ц is "ts" in a skeleton, х is "x": one letter as written, two edits
    // between skeletons. The query's IIN is its own; the registry has none.
    let digits = iin_digits((1988, 1, 19), IinSex::Male, 3956);
    let d = decide(
        &engine,
        "Сериков",
        "Асцат",
        Some("Ерланұлы"),
        "1988-01-19",
        Some(&digits),
    );
    let c = candidate(&d, "G1");
    assert_eq!(level(c, "given_name"), "close", "{d:?}");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
}

#[test]
fn a_record_without_sex_or_iin_states_the_sex_in_its_patronymic() {
    let (_dir, engine) = engine(EngineOptions::default());
    let iin = |sex| iin_digits((2005, 12, 15), sex, 2386);
    for (sex, want) in [(IinSex::Female, "same"), (IinSex::Male, "different")] {
        let d = decide(
            &engine,
            "Мамырова",
            "Динара",
            Some("Нұрланқызы"),
            "2005-12-15",
            Some(&iin(sex)),
        );
        assert_eq!(level(candidate(&d, "X1"), "sex"), want, "{d:?}");
    }
}

#[test]
fn a_given_name_mistyped_on_both_sides_is_reviewed_when_all_else_agrees() {
    let (_dir, engine) = engine(EngineOptions::default());
    let digits = iin_digits((1980, 6, 17), IinSex::Male, 3101);
    // Ахмчт / Аэхмет: two edits as written, three between skeletons; surname, patronymic and
    // birth date agree exactly.
    let d = decide(
        &engine,
        "Садықов",
        "Ахмчт",
        Some("Кенжебекович"),
        "1980-06-17",
        Some(&digits),
    );
    let c = candidate(&d, "W1");
    assert_eq!(level(c, "given_name"), "different", "{d:?}");
    assert!(c.explanation.ruled_out.is_none(), "{d:?}");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    // The twin, whose name is no typo of the query's, stays ruled out.
    assert!(d.candidates.iter().all(|c| c.person_id != "W2"), "{d:?}");
    // Nor does a two-edit given name help when the patronymic is not the same.
    let d = decide(
        &engine,
        "Садықов",
        "Ахмчт",
        Some("Ерланович"),
        "1980-06-17",
        Some(&digits),
    );
    assert_eq!(d.decision, Verdict::Clear, "{d:?}");
}

#[test]
fn a_name_part_two_typos_off_is_close_when_all_else_agrees_exactly() {
    let (_dir, engine) = engine(EngineOptions::default());
    // P1 is Сапаров Арман Серикович, 1985-02-02, a man: a surname two letters off as written,
    // with the rest exact, is a typo (close), not a man's other surname (different_man).
    let d = decide(
        &engine,
        "Шаларов",
        "Арман",
        Some("Серикович"),
        "1985-02-02",
        None,
    );
    assert_eq!(level(candidate(&d, "P1"), "surname"), "close", "{d:?}");
    // M1 is Мусаев Нурлан, 1990-03-03, with no patronymic: a given name two letters off is
    // close, and not ruled out although no patronymic agrees.
    let d = decide(&engine, "Мусаев", "Вуржан", None, "1990-03-03", None);
    let m1 = candidate(&d, "M1");
    assert_eq!(level(m1, "given_name"), "close", "{d:?}");
    assert!(m1.explanation.ruled_out.is_none(), "{d:?}");
    let note = m1.explanation.fields[2].note.as_deref().unwrap_or_default();
    assert!(note.contains("two letters off as written"), "{note}");
    // Not when the date is a day off, nor when another name part differs, nor when the other
    // name part is not exact.
    let d = decide(
        &engine,
        "Шаларов",
        "Арман",
        Some("Серикович"),
        "1985-02-03",
        None,
    );
    assert_eq!(
        level(candidate(&d, "P1"), "surname"),
        "different_man",
        "{d:?}"
    );
    let d = decide(
        &engine,
        "Шаларов",
        "Арман",
        Some("Ерланович"),
        "1985-02-02",
        None,
    );
    assert_ruled_out_or_absent(&d, "P1");
    let d = decide(&engine, "Мусаев", "Вуржан", None, "1990-03-04", None);
    assert_ruled_out_or_absent(&d, "M1");
    let d = decide(&engine, "Мусаева", "Вуржан", None, "1990-03-03", None);
    assert_ruled_out_or_absent(&d, "M1");
}

#[test]
fn a_year_one_off_and_a_first_of_january_without_an_iin_do_not_rule_out() {
    let (_dir, engine) = engine(EngineOptions::default());
    // Y2 states 1980-04-12: 1979 is a year off that no one-digit typo reaches (79 / 80).
    for birth in ["1979-04-12", "1981-04-12"] {
        let d = decide(
            &engine,
            "Тұрсынов",
            "Бекболат",
            Some("Маратович"),
            birth,
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{birth}: {d:?}");
        let y2 = candidate(&d, "Y2");
        assert_eq!(level(y2, "birth_date"), "close", "{birth}");
        assert_eq!(y2.explanation.ruled_out, None, "{birth}");
    }
    // J1 states 1961-01-01 and has no IIN: it may stand for any day of 1961, the 11th of
    // January too (a one-digit typo away, `close`, which weighs less than the year).
    let j1_query = |engine: &Engine, birth: &str| {
        decide(
            engine,
            "Әбдірахманов",
            "Қайрат",
            Some("Серікұлы"),
            birth,
            None,
        )
    };
    for birth in ["1961-08-19", "1961-01-11"] {
        let d = j1_query(&engine, birth);
        assert_eq!(d.decision, Verdict::Review, "{birth}: {d:?}");
        let j1 = candidate(&d, "J1");
        assert_eq!(level(j1, "birth_date"), "same_year", "{birth}");
        assert!(birth_note(j1).contains("1 January"), "{}", birth_note(j1));
    }
    // Read as a year, J1 is as sparse as a record stating only a year: below the threshold its
    // names' agreement reviews it.
    let (_rules_dir, rules_only) = rules_only_engine(None);
    let d = j1_query(&rules_only, "1961-08-19");
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert!(candidate(&d, "J1").explanation.review_reason.is_some());
    // Two years off; 1 January of another year; the query's 1 January (its date is the
    // applicant's own); a 1 January that the record's IIN confirms: all still rule out.
    for (surname, given, patronymic, birth) in [
        ("Тұрсынов", "Бекболат", "Маратович", "1978-04-12"),
        ("Тұрсынов", "Бекболат", "Маратович", "1980-01-01"),
        ("Әбдірахманов", "Қайрат", "Серікұлы", "1962-08-19"),
        ("Қуанышев", "Ержан", "Болатұлы", "1963-06-15"),
    ] {
        let d = decide(&engine, surname, given, Some(patronymic), birth, None);
        assert_eq!(d.decision, Verdict::Clear, "{birth}: {d:?}");
    }
}

#[test]
fn a_given_name_and_patronymic_filled_the_wrong_way_round_still_match() {
    let (_dir, engine) = engine(EngineOptions::default());
    // P1 is Сапаров Арман Серикович, 1985-02-02, with no IIN.
    let d = decide(
        &engine,
        "Сапаров",
        "Серикович",
        Some("Арман"),
        "1985-02-02",
        None,
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let p1 = candidate(&d, "P1");
    assert_eq!(level(p1, "given_name"), "exact");
    assert_eq!(level(p1, "patronymic"), "exact");
    // The registry's record filled the wrong way round (R1: given name Асқарұлы, patronymic
    // Ерлан) is read the right way round too, whichever way the query is filled.
    for (given, patronymic) in [("Ерлан", "Асқарұлы"), ("Асқарұлы", "Ерлан")]
    {
        let d = decide(
            &engine,
            "Тоқтаров",
            given,
            Some(patronymic),
            "1991-05-20",
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let r1 = candidate(&d, "R1");
        assert_eq!(level(r1, "given_name"), "exact", "{given}");
        assert_eq!(level(r1, "patronymic"), "exact", "{given}");
    }
}

#[test]
fn a_given_name_written_as_its_initial_agrees_with_a_name_it_starts() {
    let (_dir, engine) = engine(EngineOptions::default());
    // K1 is Жұмағұлов Е. Н., 1987-04-12: found on the date, the initial `missing` against a
    // name it starts (the same initial is the same spelling).
    for (given, patronymic, want) in [
        ("Ерлан", Some("Нұрланұлы"), "missing"),
        ("Е.", None, "exact"),
    ] {
        let d = decide(&engine, "Жұмағұлов", given, patronymic, "1987-04-12", None);
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let k1 = candidate(&d, "K1");
        assert_eq!(level(k1, "given_name"), want, "{given}");
        assert_eq!(k1.explanation.ruled_out, None);
    }
    // Another initial is another name.
    let d = decide(
        &engine,
        "Жұмағұлов",
        "Асхат",
        Some("Нұрланұлы"),
        "1987-04-12",
        None,
    );
    assert_ruled_out_or_absent(&d, "K1");
    // K2 (Құдайбергенов Д. С., 1971-03) has no name key of the query's: found under the
    // initial on the year and month, and reviewed as a sparse record agreeing with all it holds.
    for date in ["1971-03-08", "1971-03"] {
        let d = decide(
            &engine,
            "Құдайбергенов",
            "Дәурен",
            Some("Серікұлы"),
            date,
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{date}: {d:?}");
        assert!(
            candidate(&d, "K2").explanation.review_reason.is_some(),
            "{date}"
        );
    }
    // K3's Latin initials stand for the names their digraphs start, in either script: found
    // under the initial on the year and month, and reviewed; a name of another letter is not.
    for (given, patronymic) in [("Жанар", "Ерланқызы"), ("Zhanar", "Yerlankyzy")] {
        let d = decide(
            &engine,
            "Жұмағұлова",
            given,
            Some(patronymic),
            "1990-05-17",
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let k3 = candidate(&d, "K3");
        assert_eq!(level(k3, "given_name"), "missing", "{given}");
        assert_eq!(level(k3, "patronymic"), "missing", "{given}");
    }
    let d = decide(
        &engine,
        "Жұмағұлова",
        "Сәуле",
        Some("Ерланқызы"),
        "1990-05-17",
        None,
    );
    assert_ruled_out_or_absent(&d, "K3");
}

/// Two initials in one given-name field ("Б.С.", "Т. А.") are the given name's and the
/// father's, on either side, as when written in their own fields; before index format 13 they
/// were one given-name initial that no name starts with.
#[test]
fn two_initials_in_the_given_name_field_are_the_given_name_and_the_fathers() {
    let (_dir, engine) = engine(EngineOptions::default());
    // The query's side: D1 is Каримов Тимур Ахметович, 1970-10-10.
    for given in ["Т.А.", "Т. А.", "Т А"] {
        let d = decide(&engine, "Каримов", given, None, "1970-10-10", None);
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let d1 = candidate(&d, "D1");
        assert_eq!(level(d1, "given_name"), "missing", "{given}");
        assert_eq!(level(d1, "patronymic"), "missing", "{given}");
        assert_eq!(d1.explanation.ruled_out, None, "{given}");
    }
    // The record's side: K4 writes "Б.С." and no patronymic.
    let d = decide(
        &engine,
        "Жақсылықов",
        "Бауыржан",
        Some("Серікұлы"),
        "1979-02-14",
        None,
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let k4 = candidate(&d, "K4");
    assert_eq!(level(k4, "given_name"), "missing");
    assert_eq!(level(k4, "patronymic"), "missing");
    // Another father's initial is another father.
    let d = decide(
        &engine,
        "Жақсылықов",
        "Бауыржан",
        Some("Ерланұлы"),
        "1979-02-14",
        None,
    );
    let k4 = candidate(&d, "K4");
    assert_eq!(level(k4, "patronymic"), "different", "{d:?}");
}

/// K5 writes "Д." for a name its skeleton reads with Ж (Джанибек: janibek), as Y. stands for
/// Yerlan (tanu-fs-11).
#[test]
fn the_initial_of_a_dzh_name_agrees_with_it() {
    let (_dir, engine) = engine(EngineOptions::default());
    // The initial of a name written with Дж- (or Ж-, its other spelling) agrees with it, as
    // Y. does with Yerlan; a name of another letter does not.
    for given in ["Джанибек", "Жанибек", "Dzhanibek", "Дамир"] {
        let d = decide(
            &engine,
            "Сейітов",
            given,
            Some("Мұратұлы"),
            "1958-06-30",
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let k5 = candidate(&d, "K5");
        assert_eq!(level(k5, "given_name"), "missing", "{given}");
        assert_eq!(k5.explanation.ruled_out, None, "{given}");
    }
    let d = decide(
        &engine,
        "Сейітов",
        "Серік",
        Some("Мұратұлы"),
        "1958-06-30",
        None,
    );
    assert_ruled_out_or_absent(&d, "K5");
}

#[test]
fn a_query_iin_contradicting_the_querys_own_date_rules_nothing_out() {
    let (_dir, engine) = engine(EngineOptions::default());
    // J2 (Қуанышев Ержан Болатұлы, 1963-01-01) has a valid IIN of that date. A query of the
    // same person carrying a valid IIN of 1985-06-07, someone else's or mistyped past its
    // check digit, contradicts its own date: the IINs differ, but that rules nothing out.
    let wrong = iin_digits((1985, 6, 7), IinSex::Female, 3321);
    let d = decide(
        &engine,
        "Қуанышев",
        "Ержан",
        Some("Болатұлы"),
        "1963-01-01",
        Some(&wrong),
    );
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    let j2 = candidate(&d, "J2");
    assert_eq!(j2.explanation.ruled_out, None);
    assert_eq!(level(j2, "iin"), "different_unverified");
    let iin_note = j2
        .explanation
        .fields
        .iter()
        .find(|f| f.field == "iin")
        .and_then(|f| f.note.clone())
        .unwrap_or_default();
    assert!(
        iin_note.starts_with("query IIN encodes another birth date"),
        "{iin_note}"
    );
    // Nor does its sex count: the IIN's woman against J2's man.
    assert_ne!(level(j2, "sex"), "different");
    // An IIN of the query's own date that is not J2's is another person's: ruled out.
    let twin = iin_digits((1963, 1, 1), IinSex::Male, 8804);
    let d = decide(
        &engine,
        "Қуанышев",
        "Ержан",
        Some("Болатұлы"),
        "1963-01-01",
        Some(&twin),
    );
    assert_ruled_out_or_absent(&d, "J2");
}

#[test]
fn one_part_of_a_double_given_name_is_close_to_the_whole() {
    let (_dir, engine) = engine(EngineOptions::default());
    // D2 is Шмидт Анна-Мария Викторовна, 1984-05-06, with no IIN: either part alone is `close`,
    // the whole `exact`; another name is still another name.
    for (given, want) in [
        ("Мария", "close"),
        ("Анна", "close"),
        ("Анна Мария", "exact"),
    ] {
        let d = decide(
            &engine,
            "Шмидт",
            given,
            Some("Викторовна"),
            "1984-05-06",
            None,
        );
        assert_eq!(d.decision, Verdict::Review, "{given}: {d:?}");
        let d2 = candidate(&d, "D2");
        assert_eq!(level(d2, "given_name"), want, "{given}");
        assert_eq!(d2.explanation.ruled_out, None, "{given}");
    }
    let d = decide(
        &engine,
        "Шмидт",
        "Ирина",
        Some("Викторовна"),
        "1984-05-06",
        None,
    );
    assert_ruled_out_or_absent(&d, "D2");
    // The query's double given name against a record of one part: A1 is Оспанова Әсел.
    let d = decide(&engine, "Оспанова", "Әсел-Гүлнар", None, "1992-09-09", None);
    assert_eq!(d.decision, Verdict::Review, "{d:?}");
    assert_eq!(level(candidate(&d, "A1"), "given_name"), "close");
}
