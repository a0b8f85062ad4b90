//! The decision commands end to end: `tanu match` over a small index (exact IIN hit → review
//! with a rules analysis, stranger → clear, kind-specific records, a Latin swapped-order name,
//! malformed and invalid lines → error lines, all in input order), `tanu due` against the
//! shipped calendar, `tanu certificate keygen|issue|verify` including a tampered file,
//! `tanu lookup` by IIN (grouped digits too) and by name (narrowed by birth date), and a
//! missing file named with its cause once.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tanu_index::builder::{BuildOptions, NoProgress, build_index};
use tanu_index::iin::{Iin, IinSex};

const TANU: &str = env!("CARGO_BIN_EXE_tanu");
const AS_OF: &str = "2026-03-01";

const REGISTRY: &[&str] = &[
    r#"{"person_id":"P1","iin":"870412300129","surname":"Жұмабаев","given_name":"Ерлан","patronymic":"Нұрланұлы","birth_date":"1987-04-12","sex":"M","convictions":[{"verdict_date":"2010-05-01","court":"Алматы","articles":["188"],"category":"medium","punishment":"imprisonment","conditional":false,"sentence_end":"2012-05-01"}],"admin_offences":[]}"#,
    r#"{"person_id":"P2","iin":"920315400566","surname":"Сейтқали","given_name":"Айгүл","patronymic":"Бекқызы","birth_date":"1992-03-15","sex":"F","convictions":[],"admin_offences":[{"decision_date":"2025-06-01","article":"608","penalty":"fine","executed_date":"2025-07-01"}]}"#,
    r#"{"person_id":"P3","surname":"Серікбаев","given_name":"Асхат","patronymic":"Маратович","birth_date":"1990-06-15","sex":"M","convictions":[{"verdict_date":"2019-02-11","court":"Астана","articles":["190"],"category":"minor","punishment":"fine","conditional":true,"probation_end":"2021-02-11"}],"admin_offences":[]}"#,
    r#"{"person_id":"P4","iin":"010203500918","surname":"Оспанов","given_name":"Данияр","birth_date":"2001-02-03","sex":"M","convictions":[{"verdict_date":"2022-09-30","court":"Шымкент","articles":["293"],"category":"grave","punishment":"imprisonment","conditional":false,"sentence_end":"2026-09-30"}],"admin_offences":[]}"#,
    r#"{"person_id":"P5","iin":"880701400336","surname":"Ахметова","given_name":"Сәуле","patronymic":"Серікқызы","birth_date":"1988-07-01","sex":"F","convictions":[],"admin_offences":[{"decision_date":"2024-01-10","article":"434","penalty":"warning"}]}"#,
];

fn build(dir: &Path) -> PathBuf {
    let src = dir.join("export.jsonl");
    std::fs::write(&src, REGISTRY.join("\n") + "\n").unwrap();
    let out = dir.join("index");
    let summary = build_index(&src, &out, &BuildOptions::default(), &NoProgress).unwrap();
    assert_eq!(summary.counts.persons, REGISTRY.len() as u64);
    out
}

/// A valid IIN of nobody in the registry.
fn stranger_iin() -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1965, 9, 9).unwrap();
    (4242..4300)
        .find_map(|s| Iin::from_parts(birth, IinSex::Male, s))
        .unwrap()
        .to_string()
}

fn stranger(id: &str) -> Value {
    json!({
        "request_id": id,
        "kind": "criminal_record",
        "iin": stranger_iin(),
        "surname": "Вандербильт",
        "given_name": "Корнелиус",
        "birth_date": "1965-09-09",
        "as_of": AS_OF,
    })
}

fn tanu<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(TANU).args(args).output().expect("run tanu")
}

/// `tanu match --index I --queries Q --out O`, then `extra`.
fn tanu_match(index: &Path, queries: &Path, out: &Path, extra: &[&std::ffi::OsStr]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "match".as_ref(),
        "--index".as_ref(),
        index.as_os_str(),
        "--queries".as_ref(),
        queries.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    args.extend_from_slice(extra);
    tanu(args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn match_writes_one_decision_per_line_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build(tmp.path());
    let lines = [
        json!({"request_id": "q1", "kind": "criminal_record", "iin": "870412300129",
               "surname": "Жұмабаев", "given_name": "Ерлан", "patronymic": "Нұрланұлы",
               "birth_date": "1987-04-12", "as_of": AS_OF})
        .to_string(),
        stranger("q2").to_string(),
        json!({"request_id": "q3", "kind": "administrative_offences", "iin": "010203500918",
               "surname": "Оспанов", "given_name": "Данияр", "birth_date": "2001-02-03",
               "as_of": AS_OF})
        .to_string(),
        json!({"request_id": "q4", "kind": "criminal_record", "surname": "Askhat",
               "given_name": "Serikbayev", "patronymic": "Maratovich",
               "birth_date": "1990-06-15", "as_of": AS_OF})
        .to_string(),
        r#"{"request_id": "q5", "kind": "criminal_record", "surname": "#.to_string(),
        json!({"request_id": "q6", "kind": "passport", "surname": "Ким",
               "given_name": "Виктор", "as_of": AS_OF})
        .to_string(),
    ];
    let queries = tmp.path().join("queries.jsonl");
    std::fs::write(&queries, lines.join("\n") + "\n").unwrap();
    let out_path = tmp.path().join("decisions.jsonl");
    let run = tanu_match(&index, &queries, &out_path, &[]);
    assert!(run.status.success(), "match failed: {}", stderr(&run));
    let text = std::fs::read_to_string(&out_path).unwrap();
    let out: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    assert_eq!(out.len(), lines.len(), "{text}");

    // 1. Exact IIN of a convicted person: review, certain, with the conviction analysed.
    let d = &out[0];
    assert_eq!(d["request_id"], "q1");
    assert_eq!(d["decision"], "review", "{d}");
    assert_eq!(d["band"], "certain", "{d}");
    assert_eq!(d["candidates"][0]["person_id"], "P1", "{d}");
    let records = &d["analysis"]["records"];
    assert_eq!(records[0]["type"], "conviction", "{d}");
    let status = records[0]["status"].as_str().unwrap_or_default();
    assert!(
        ["current", "expunged", "excluded", "needs_clerk"].contains(&status),
        "{d}"
    );

    // 2. A stranger: clear, no analysis.
    let d = &out[1];
    assert_eq!(d["request_id"], "q2");
    assert_eq!(d["decision"], "clear", "{d}");
    assert_eq!(d["band"], "clear", "{d}");
    assert!(d.get("analysis").is_none(), "{d}");

    // 3. Administrative offences asked of a person with convictions only: clear.
    let d = &out[2];
    assert_eq!(d["request_id"], "q3");
    assert_eq!(d["decision"], "clear", "{d}");
    assert!(d.get("analysis").is_none(), "{d}");

    // 4. Latin spelling, given name and surname swapped, no IIN on either side: review.
    let d = &out[3];
    assert_eq!(d["request_id"], "q4");
    assert_eq!(d["decision"], "review", "{d}");
    assert_eq!(d["candidates"][0]["person_id"], "P3", "{d}");

    // 5. Malformed JSON: an error line with its line number and field.
    let d = &out[4];
    assert_eq!(d["line"], 5, "{d}");
    assert_eq!(d["field"], "$", "{d}");
    assert!(d["error"].as_str().is_some_and(|e| !e.is_empty()), "{d}");
    assert!(d.get("decision").is_none(), "{d}");

    // 6. A bad kind: an error line naming the field, with the request id.
    let d = &out[5];
    assert_eq!(d["request_id"], "q6", "{d}");
    assert_eq!(d["line"], 6, "{d}");
    assert_eq!(d["field"], "kind", "{d}");
    assert!(d["error"].as_str().unwrap().contains("passport"), "{d}");

    assert!(
        stderr(&run).contains("6 queries: 2 clear, 2 review, 2 errors"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn due_counts_working_days_over_nauryz() {
    // Received Thursday 19 March 2026. Day 1 = Friday 20. Nauryz 21-23 March: the 21st and 22nd
    // fall on a weekend, so Tuesday 24 and Wednesday 25 are days off too. Working days: 20, 26,
    // 27, 30, 31 March → due at the end of Tuesday 31 March.
    let run = tanu([
        "due",
        "--kind",
        "additional_check",
        "--received",
        "2026-03-19T10:00:00+05:00",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "2026-03-31T23:59:59+05:00\n"
    );

    let bad = tanu([
        "due",
        "--kind",
        "fortnight",
        "--received",
        "2026-03-19T10:00:00+05:00",
    ]);
    assert!(!bad.status.success());
    assert!(bad.stdout.is_empty());
    let e = stderr(&bad);
    assert!(
        e.contains("fortnight") && e.contains("additional_check"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn certificate_issue_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build(tmp.path());
    let key = tmp.path().join("signing.key");
    let pub_key = tmp.path().join("signing.key.pub");
    let run = tanu([
        "certificate".as_ref(),
        "keygen".as_ref(),
        "--out".as_ref(),
        key.as_os_str(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(key.exists() && pub_key.exists());

    let issue = |request: &Value, cert: &Path| {
        let req = tmp.path().join("request.json");
        std::fs::write(&req, request.to_string()).unwrap();
        tanu([
            "certificate".as_ref(),
            "issue".as_ref(),
            "--index".as_ref(),
            index.as_os_str(),
            "--request".as_ref(),
            req.as_os_str(),
            "--key".as_ref(),
            key.as_os_str(),
            "--out".as_ref(),
            cert.as_os_str(),
        ])
    };
    let verify = |cert: &Path| {
        tanu([
            "certificate".as_ref(),
            "verify".as_ref(),
            cert.as_os_str(),
            "--public-key".as_ref(),
            pub_key.as_os_str(),
        ])
    };

    // A stranger is clear: the certificate is issued and verifies.
    let cert = tmp.path().join("stranger.cert");
    let run = issue(&stranger("c1"), &cert);
    assert!(run.status.success(), "{}", stderr(&run));
    let ok = verify(&cert);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("valid: "));

    // One flipped byte anywhere makes it invalid.
    let original = std::fs::read(&cert).unwrap();
    for at in [
        0,
        original.len() / 3,
        original.len() / 2,
        original.len() - 2,
    ] {
        let mut bytes = original.clone();
        bytes[at] ^= 0x01;
        std::fs::write(&cert, &bytes).unwrap();
        let bad = verify(&cert);
        assert!(!bad.status.success(), "flipped byte {at} still verifies");
        assert!(stderr(&bad).contains("NOT valid"), "{}", stderr(&bad));
        assert!(!stderr(&bad).contains("panicked"));
    }

    // A registry person needs review: no certificate, no file.
    let registry_cert = tmp.path().join("registry.cert");
    let person = json!({"request_id": "c2", "kind": "criminal_record", "iin": "870412300129",
                        "surname": "Жұмабаев", "given_name": "Ерлан",
                        "patronymic": "Нұрланұлы", "birth_date": "1987-04-12", "as_of": AS_OF});
    let run = issue(&person, &registry_cert);
    assert!(!run.status.success(), "a review query got a certificate");
    assert!(stderr(&run).contains("review"), "{}", stderr(&run));
    assert!(!registry_cert.exists(), "no file is written for a review");
}

/// `--model FILE` replaces the shipped model at run time (thresholds in config): its version is
/// reported, its thresholds decide the band, and a bad file is a clear error naming it.
#[test]
fn match_uses_the_model_file_it_is_given() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build(tmp.path());
    let queries = tmp.path().join("queries.jsonl");
    let hit = json!({"request_id": "q1", "kind": "criminal_record", "iin": "870412300129",
                     "surname": "Жұмабаев", "given_name": "Ерлан", "patronymic": "Нұрланұлы",
                     "birth_date": "1987-04-12", "as_of": AS_OF});
    std::fs::write(&queries, format!("{hit}\n{}\n", stranger("q2"))).unwrap();
    let shipped = tanu::matching::model::SHIPPED_MODEL;
    assert!(shipped.contains("certain = 16.0") && shipped.contains("version = \"tanu-fs-11\""));
    let model = tmp.path().join("model.toml");
    // No candidate can reach `certain` under this model.
    std::fs::write(
        &model,
        shipped
            .replace("version = \"tanu-fs-11\"", "version = \"ops-test-1\"")
            .replace("certain = 16.0", "certain = 1000.0"),
    )
    .unwrap();
    let out_path = tmp.path().join("decisions.jsonl");
    let run_with = |model: &Path| {
        tanu_match(
            &index,
            &queries,
            &out_path,
            &["--model".as_ref(), model.as_os_str()],
        )
    };
    let run = run_with(&model);
    assert!(run.status.success(), "{}", stderr(&run));
    let out: Vec<Value> = std::fs::read_to_string(&out_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 2);
    for d in &out {
        assert_eq!(d["model_version"], "ops-test-1", "{d}");
    }
    // The shipped model puts this exact hit in `certain` (see above); this one cannot.
    assert_eq!(out[0]["decision"], "review", "{}", out[0]);
    assert_eq!(out[0]["band"], "possible", "{}", out[0]);
    assert_eq!(out[1]["decision"], "clear", "{}", out[1]);

    // Bad files: named in the error, nothing decided.
    std::fs::write(
        &model,
        shipped.replace("certain = 16.0", "certain = 1.0"), // below `possible`
    )
    .unwrap();
    let run = run_with(&model);
    assert!(!run.status.success());
    assert!(
        stderr(&run).contains("model.toml") && stderr(&run).contains("thresholds.possible"),
        "{}",
        stderr(&run)
    );
    // Edited numbers under the shipped version would make decisions unattributable.
    std::fs::write(&model, shipped.replace("certain = 16.0", "certain = 17.0")).unwrap();
    let run = run_with(&model);
    assert!(!run.status.success());
    assert!(
        stderr(&run).contains("version of its own"),
        "{}",
        stderr(&run)
    );
    // The shipped file itself, unchanged, is accepted.
    std::fs::write(&model, shipped).unwrap();
    let run = run_with(&model);
    assert!(run.status.success(), "{}", stderr(&run));
    let run = run_with(&tmp.path().join("absent.toml"));
    assert!(!run.status.success());
    assert!(stderr(&run).contains("absent.toml"), "{}", stderr(&run));
    assert!(!stderr(&run).contains("panicked"), "{}", stderr(&run));
}

/// A file that is not there is named with the system's reason, once: the error's message
/// carries its cause, and no error in the chain repeats it as its source.
#[test]
fn a_missing_file_is_named_with_its_cause_once() {
    let tmp = tempfile::tempdir().unwrap();
    let absent = tmp.path().join("absent");
    let reason = std::fs::metadata(&absent).unwrap_err().to_string();
    let queries = tmp.path().join("q.jsonl");
    std::fs::write(&queries, stranger("R1").to_string() + "\n").unwrap();
    let out = tmp.path().join("out.jsonl");
    let runs = [
        tanu_match(&absent, &queries, &out, &[]),
        tanu([
            "build-index".as_ref(),
            "--source".as_ref(),
            absent.as_os_str(),
            "--out".as_ref(),
            tmp.path().join("idx").as_os_str(),
        ]),
    ];
    for run in runs {
        let e = stderr(&run);
        assert!(!run.status.success(), "{e}");
        assert!(e.contains(&*absent.to_string_lossy()), "{e}");
        assert_eq!(e.matches(&reason).count(), 1, "{e}");
    }
}

#[test]
fn lookup_finds_persons_by_iin_or_name() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build(tmp.path());
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["lookup", index.to_str().unwrap()];
        all.extend_from_slice(args);
        let o = tanu(&all);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["person_id"].to_string())
            .collect()
    };
    assert_eq!(ids(&["--iin", "870412300129"]), ["\"P1\""]);
    assert_eq!(
        ids(&["--iin", "870412 300129"]),
        ["\"P1\""],
        "grouped digits"
    );
    assert_eq!(ids(&["--iin", "010203-500918"]), ["\"P4\""]);
    assert!(ids(&["--iin", &stranger_iin()]).is_empty());
    // Another spelling of the same name, and the birth date narrowing it.
    assert_eq!(ids(&["--name", "Жумабаев Ерлан Нурланович"]), ["\"P1\""]);
    assert_eq!(
        ids(&["--name", "Жұмабаев Ерлан", "--birth-date", "1987"]),
        ["\"P1\""]
    );
    assert!(ids(&["--name", "Жұмабаев Ерлан", "--birth-date", "1999"]).is_empty());
    for bad in [
        vec!["--iin", "87041230012"],
        vec!["--name", "Жұмабаев"],
        vec![],
    ] {
        let mut all = vec!["lookup", index.to_str().unwrap()];
        all.extend(bad.iter().copied());
        let o = tanu(&all);
        assert!(!o.status.success(), "{bad:?}");
        assert!(stderr(&o).contains("--"), "{bad:?}: {}", stderr(&o));
    }
}
