//! `tanu build-index` on damaged exports: nine lines broken in nine different ways are each
//! reported on stderr as `line N: field: reason` while the build succeeds; every line whose
//! person can still be identified is kept with what could be read (a duplicate id keeps both
//! rows), only the line with no readable JSON is skipped; 5% bad lines, an empty file and a
//! missing file all fail with a clear message and write nothing.

use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};
use tanu_index::reader::RegistryIndex;

const TANU: &str = env!("CARGO_BIN_EXE_tanu");

const SURNAMES: &[&str] = &[
    "Жұмабаев",
    "Ахметова",
    "Иванов",
    "Сейтқали",
    "Оспанов",
    "Кузнецова",
    "Төлеуов",
    "Ким",
];
const GIVEN: &[&str] = &["Ерлан", "Айгүл", "Виктор", "Сәуле", "Данияр", "Мария"];

/// A valid export line for the 1-based line `n`.
fn good_line(n: usize) -> String {
    json!({
        "person_id": format!("P{n:04}"),
        "surname": SURNAMES[n % SURNAMES.len()],
        "given_name": GIVEN[n % GIVEN.len()],
        "birth_date": format!("{}-{:02}-{:02}", 1950 + n % 50, 1 + n % 12, 1 + n % 28),
        "sex": if n.is_multiple_of(2) { "M" } else { "F" },
        "convictions": [{
            "verdict_date": "2015-06-01",
            "court": "Астана",
            "articles": ["188"],
            "category": "medium",
            "punishment": "fine",
            "conditional": false
        }],
        "admin_offences": []
    })
    .to_string()
}

fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
    std::fs::write(path, bytes).unwrap();
}

fn build(source: &Path, out: &Path) -> Output {
    build_with(source, out, &[])
}

fn build_with(source: &Path, out: &Path, args: &[&str]) -> Output {
    Command::new(TANU)
        .arg("build-index")
        .args(args)
        .arg("--source")
        .arg(source)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run tanu")
}

/// (1-based line, the broken line, what its `line N:` message must contain)
fn broken_lines() -> Vec<(usize, Vec<u8>, Vec<&'static str>)> {
    let g = good_line;
    let mut utf8 = g(200).into_bytes();
    let at = utf8.windows(7).position(|w| w == b"surname").unwrap() + 12;
    utf8[at] = 0xff;
    utf8[at + 1] = 0xfe;
    vec![
        (10, b"{person_id: P0010, surname: }".to_vec(), vec!["$: "]),
        (
            50,
            g(50)
                .replace(r#""birth_date":"1950-03-23""#, r#""birth_date":19870412"#)
                .into_bytes(),
            vec!["birth_date"],
        ),
        (
            100,
            g(100).replace("2015-06-01", "2023-02-30").into_bytes(),
            vec!["convictions[0].verdict_date"],
        ),
        (200, utf8, vec!["$", "UTF-8"]),
        (
            300,
            g(300).replace(r#""person_id":"P0300","#, "").into_bytes(),
            vec!["person_id"],
        ),
        (
            400,
            g(400)
                .replace(r#""surname":"Жұмабаев""#, r#""surname":"""#)
                .into_bytes(),
            vec!["surname", "empty"],
        ),
        (
            500,
            g(500)
                .replace(r#""category":"medium""#, r#""category":"catastrophic""#)
                .into_bytes(),
            vec!["convictions[0].category"],
        ),
        (
            600,
            g(600).replace("P0600", "P0001").into_bytes(),
            vec!["person_id", "duplicate of line 1"],
        ),
        (
            700,
            format!("{} garbage", g(700)).into_bytes(),
            vec!["$", "trailing"],
        ),
    ]
}

#[test]
fn nine_bad_lines_are_reported_and_the_build_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lines: Vec<Vec<u8>> = (1..=1000).map(|n| good_line(n).into_bytes()).collect();
    let broken = broken_lines();
    for (n, line, _) in &broken {
        assert_ne!(lines[n - 1], *line, "line {n} is really changed");
        lines[n - 1] = line.clone();
    }
    // The templates above depend on good_line's output for those lines.
    assert!(String::from_utf8_lossy(&lines[49]).contains("19870412"));
    assert!(String::from_utf8_lossy(&lines[399]).contains(r#""surname":"""#));
    let source = tmp.path().join("export.jsonl");
    write_lines(&source, &lines);
    let out = tmp.path().join("index");
    let run = build(&source, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "build failed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    for (n, _, wanted) in &broken {
        let prefix = format!("line {n}: ");
        let msg = stderr
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` message in: {stderr}"));
        for w in wanted {
            assert!(msg.contains(w), "line {n}: {msg:?} lacks {w:?}");
        }
    }
    let reported = stderr.lines().filter(|l| l.starts_with("line ")).count();
    assert_eq!(
        reported, 9,
        "exactly the nine bad lines are reported: {stderr}"
    );
    assert!(
        stderr.contains("9 bad lines of 1000 (7 kept damaged, 1 skipped, 1 duplicate ids)"),
        "{stderr}"
    );
    let message = |n: usize| {
        let prefix = format!("line {n}: ");
        stderr.lines().find(|l| l.starts_with(&prefix)).unwrap()
    };
    assert!(message(10).contains("skipped"), "{}", message(10));
    for n in [50, 100, 200, 300, 400, 500, 700] {
        assert!(message(n).contains("kept"), "{}", message(n));
    }

    // Only line 10 (no JSON object) is lost; the duplicate id keeps both of its rows.
    let index = RegistryIndex::open(&out).unwrap();
    let counts = &index.manifest().counts;
    assert_eq!(counts.source_lines, 1000);
    assert_eq!(counts.bad_lines, 9);
    assert_eq!(counts.damaged_lines, 7);
    assert_eq!(counts.skipped_lines, 1);
    assert_eq!(counts.unreadable_records, 2);
    assert_eq!(counts.duplicate_ids, 1);
    assert_eq!(counts.persons, 999);
    assert_eq!(index.len(), 999);
    assert_eq!(index.by_person_id("P0001").len(), 2);
    assert!(index.by_person_id("P0010").is_empty());
    let person = |id: &str| {
        let found = index.by_person_id(id);
        assert_eq!(found.len(), 1, "{id}");
        index.person_source(found[0]).unwrap()
    };
    // What each damaged line still gives.
    let p = person("P0050");
    assert_eq!(p.birth_date.unwrap().0.to_string(), "1987-04-12");
    assert!(p.damage.unwrap().error.starts_with("birth_date: "));
    for id in ["P0100", "P0500"] {
        let p = person(id);
        assert!(p.convictions.is_empty(), "{id}");
        let damage = p.damage.unwrap();
        assert_eq!(damage.unreadable.len(), 1, "{id}");
        assert!(damage.unreadable[0].raw.contains("verdict_date"), "{id}");
    }
    assert!(person("P0200").surname.contains('\u{FFFD}'));
    assert_eq!(
        person("(no person_id, line 300)").given_name,
        GIVEN[300 % GIVEN.len()]
    );
    let p = person("P0400");
    assert_eq!(
        (p.surname.as_str(), p.given_name.as_str()),
        ("", GIVEN[400 % GIVEN.len()])
    );
    assert_eq!(person("P0700").convictions.len(), 1);
    assert!(person("P0700").damage.is_some());
    assert!(person("P0999").damage.is_none());
}

#[test]
fn five_percent_bad_lines_fail_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<Vec<u8>> = (1..=1000)
        .map(|n| {
            if n % 20 == 7 {
                format!("{{\"person_id\":\"P{n:04}\"").into_bytes()
            } else {
                good_line(n).into_bytes()
            }
        })
        .collect();
    let source = tmp.path().join("export.jsonl");
    write_lines(&source, &lines);
    let out = tmp.path().join("index");
    let run = build(&source, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "a 5% broken export built: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("50 of 1000 lines are bad"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("line ")).count(),
        50
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn damaged_lines_count_towards_the_share_and_are_kept_below_it() {
    let tmp = tempfile::tempdir().unwrap();
    // Every 20th line writes its birth date day first: 5% damaged, all of them salvageable.
    let lines: Vec<Vec<u8>> = (1..=1000)
        .map(|n| {
            let line = good_line(n);
            if n % 20 == 7 {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let b = v["birth_date"].as_str().unwrap();
                let dotted = format!("{}.{}.{}", &b[8..10], &b[5..7], &b[..4]);
                line.replace(b, &dotted).into_bytes()
            } else {
                line.into_bytes()
            }
        })
        .collect();
    let source = tmp.path().join("export.jsonl");
    write_lines(&source, &lines);
    let out = tmp.path().join("index");
    let run = build(&source, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    assert!(stderr.contains("50 of 1000 lines are bad"), "{stderr}");
    assert!(!out.exists());

    let run = build_with(&source, &out, &["--max-bad-share", "0.1"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let index = RegistryIndex::open(&out).unwrap();
    assert_eq!(index.len(), 1000);
    assert_eq!(index.manifest().counts.damaged_lines, 50);
    let p = index.person_source(index.by_person_id("P0007")[0]).unwrap();
    assert_eq!(p.birth_date.unwrap().0.to_string(), "1957-08-08");
}

#[test]
fn empty_and_missing_sources_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("index");

    let empty = tmp.path().join("empty.jsonl");
    std::fs::write(&empty, b"").unwrap();
    let blank = tmp.path().join("blank.jsonl");
    std::fs::write(&blank, b"\n  \n\r\n").unwrap();
    for source in [&empty, &blank] {
        let run = build(source, &out);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{}", source.display());
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains("no valid person"), "{stderr}");
        assert!(!out.exists());
    }

    let missing = tmp.path().join("no-such-export.jsonl");
    let run = build(&missing, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("cannot read the source"), "{stderr}");
    assert!(stderr.contains("no-such-export.jsonl"), "{stderr}");
    assert!(!out.exists());

    // An impossible share is refused before anything is read.
    let run = build_with(&missing, &out, &["--max-bad-share", "1.5"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--max-bad-share"));
}
