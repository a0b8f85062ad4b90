//! Index integrity end to end: builds a ~50-person registry, then flips single bytes in every
//! file of the index directory (manifest, archive, name index) and checks that `verify_index`
//! and `tanu verify-index` reject each change, that unlisted files and a truncated archive are
//! errors (never panics), that the full structure check sees damage a resealed checksum hides,
//! and that rebuilding over an index replaces it only once complete.

use chrono::NaiveDate;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tanu_index::builder::{BuildOptions, NoProgress, build_index};
use tanu_index::iin::{Iin, IinSex};
use tanu_index::reader::{RegistryIndex, verify_index};

const TANU: &str = env!("CARGO_BIN_EXE_tanu");

/// Files above this size get a spread of positions flipped instead of every byte.
const SMALL_FILE: usize = 4096;
/// How many positions of a big file are flipped.
const BIG_FILE_FLIPS: usize = 200;

const SURNAMES: &[(&str, &str)] = &[
    ("Жұмабаев", "Жұмабаева"),
    ("Ахметов", "Ахметова"),
    ("Иванов", "Иванова"),
    ("Сейтқалиев", "Сейтқалиева"),
    ("Оспанов", "Оспанова"),
    ("Кузнецов", "Кузнецова"),
    ("Төлеуов", "Төлеуова"),
    ("Смағұлов", "Смағұлова"),
    ("Ким", "Ким"),
    ("Шевченко", "Шевченко"),
    ("Әбдірахманов", "Әбдірахманова"),
    ("Нұрғалиев", "Нұрғалиева"),
];
const MALE_GIVEN: &[&str] = &[
    "Ерлан",
    "Данияр",
    "Виктор",
    "Асхат",
    "Нұрсұлтан",
    "Сергей",
    "Бауыржан",
    "Алексей",
    "Руслан",
    "Ғалым",
];
const FEMALE_GIVEN: &[&str] = &[
    "Айгүл",
    "Сәуле",
    "Мария",
    "Динара",
    "Жанар",
    "Ольга",
    "Әсел",
    "Гүлнар",
];
const PATRONYMICS: &[(&str, &str)] = &[
    ("Нұрланұлы", "Нұрланқызы"),
    ("Серікұлы", "Серікқызы"),
    ("Сергеевич", "Сергеевна"),
    ("Маратович", "Маратовна"),
    ("Бекұлы", "Бекқызы"),
];

/// A tiny deterministic generator (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` registry lines from `seed`: varied names, valid IINs for most, one conviction or one
/// administrative offence each, aliases for some.
fn registry(n: usize, seed: u64) -> Vec<String> {
    let mut g = Gen(seed | 1);
    (0..n)
        .map(|i| {
            let male = g.below(2) == 0;
            let (sm, sf) = SURNAMES[g.below(SURNAMES.len())];
            let surname = if male { sm } else { sf };
            let given = if male {
                MALE_GIVEN[g.below(MALE_GIVEN.len())]
            } else {
                FEMALE_GIVEN[g.below(FEMALE_GIVEN.len())]
            };
            let (pm, pf) = PATRONYMICS[g.below(PATRONYMICS.len())];
            let patronymic = if male { pm } else { pf };
            let birth = NaiveDate::from_ymd_opt(
                1950 + g.below(55) as i32,
                1 + g.below(12) as u32,
                1 + g.below(28) as u32,
            )
            .unwrap();
            let sex = if male { IinSex::Male } else { IinSex::Female };
            let iin = (!i.is_multiple_of(6)).then(|| {
                (0..100u16)
                    .find_map(|k| Iin::from_parts(birth, sex, (i as u16) * 100 + k))
                    .unwrap()
                    .to_string()
            });
            let verdict = format!(
                "{}-0{}-1{}",
                2005 + g.below(15),
                1 + g.below(9),
                g.below(10)
            );
            let category = ["minor", "medium", "grave"][g.below(3)];
            let punishment = ["fine", "imprisonment", "restriction_of_liberty"][g.below(3)];
            let convictions = if i.is_multiple_of(2) {
                json!([{
                    "verdict_date": verdict,
                    "court": "Алматы қалалық соты",
                    "articles": [format!("{}", 100 + g.below(300))],
                    "category": category,
                    "punishment": punishment,
                    "conditional": g.below(2) == 0,
                }])
            } else {
                json!([])
            };
            let offences = if i % 2 == 1 {
                json!([{
                    "decision_date": verdict,
                    "article": "608",
                    "penalty": "fine",
                }])
            } else {
                json!([])
            };
            let aliases = if i % 5 == 1 {
                json!([{ "surname": format!("{surname}а"), "given_name": given }])
            } else {
                json!([])
            };
            json!({
                "person_id": format!("S{seed}-P{i:03}"),
                "iin": iin,
                "surname": surname,
                "given_name": given,
                "patronymic": patronymic,
                "birth_date": birth.format("%Y-%m-%d").to_string(),
                "sex": if male { "M" } else { "F" },
                "citizenship": "KZ",
                "aliases": aliases,
                "convictions": convictions,
                "admin_offences": offences,
            })
            .to_string()
        })
        .collect()
}

fn write_registry(path: &Path, n: usize, seed: u64) {
    std::fs::write(path, registry(n, seed).join("\n") + "\n").unwrap();
}

fn tanu(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(TANU).args(args).output().expect("run tanu")
}

fn verify_cli(dir: &Path) -> Output {
    tanu(&["verify-index".as_ref(), dir.as_os_str()])
}

/// Every file of the index directory, relative (with `/`), lock files excluded.
fn index_files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                let rel = rel.replace('\\', "/");
                if !rel.ends_with(".lock") {
                    out.push(rel);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// `count` positions spread evenly over a file of `len` bytes, first and last included (every
/// byte when `count >= len`).
fn spread(len: usize, count: usize) -> Vec<usize> {
    if count >= len {
        return (0..len).collect();
    }
    let mut p: Vec<usize> = (0..count).map(|k| k * (len - 1) / (count - 1)).collect();
    p.dedup();
    p
}

/// The positions of the exhaustive sweep: every byte of a small file, a spread over a big one.
fn exhaustive_positions(len: usize) -> Vec<usize> {
    if len <= SMALL_FILE {
        (0..len).collect()
    } else {
        spread(len, BIG_FILE_FLIPS)
    }
}

/// The positions of the default sweep. The manifest is checked first and cheaply, so all its
/// bytes are flipped; any other flip costs a full checksum of the ~12 MiB archive (fixed-size
/// key directories), ~0.1 s in a debug build, so those files get a spread.
fn quick_positions(rel: &str, len: usize) -> Vec<usize> {
    match rel {
        "manifest.json" => (0..len).collect(),
        "persons.rkyv" => spread(len, 12),
        _ => spread(len, 4),
    }
}

/// Build the ~50-person index into `dir/index` and return its path.
fn build_small(dir: &Path) -> PathBuf {
    let src = dir.join("export.jsonl");
    write_registry(&src, 50, 7);
    let out = dir.join("index");
    let summary = build_index(&src, &out, &BuildOptions::default(), &NoProgress).unwrap();
    assert_eq!(summary.counts.persons, 50);
    assert_eq!(summary.counts.bad_lines, 0);
    assert!(summary.counts.missing_iins > 0, "some persons have no IIN");
    out
}

#[test]
fn flipped_bytes_fail_verification() {
    flip_sweep(quick_positions);
}

/// Every byte of every small file, and 200 spread positions of the archive (a few seconds: the
/// archive of a small registry is small).
#[test]
fn every_flipped_byte_fails_verification() {
    flip_sweep(|_, len| exhaustive_positions(len));
}

/// Flip, one at a time, the bytes `positions(file, len)` of every file of a fresh index; each
/// flip must fail `verify_index`, and one flip per file must fail `tanu verify-index` with a
/// message naming the file.
fn flip_sweep(positions: impl Fn(&str, usize) -> Vec<usize>) {
    let tmp = tempfile::tempdir().unwrap();
    let index = build_small(tmp.path());
    verify_index(&index).expect("the intact index verifies");
    let ok = verify_cli(&index);
    assert!(
        ok.status.success(),
        "verify-index on the intact index: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("ok: "));

    let files = index_files(&index);
    assert!(files.contains(&"manifest.json".to_string()), "{files:?}");
    assert!(files.contains(&"persons.rkyv".to_string()), "{files:?}");
    assert!(
        files.iter().any(|f| f.starts_with("names/")),
        "the name index is part of the directory: {files:?}"
    );
    let archive_len = std::fs::metadata(index.join("persons.rkyv")).unwrap().len();
    assert!(
        archive_len as usize > SMALL_FILE,
        "persons.rkyv is a big file"
    );

    let mut flips = 0usize;
    for rel in &files {
        let path = index.join(rel);
        let original = std::fs::read(&path).unwrap();
        let mut bytes = original.clone();
        let spots = positions(rel, original.len());
        for (k, &at) in spots.iter().enumerate() {
            bytes[at] ^= 0x01;
            std::fs::write(&path, &bytes).unwrap();
            let result = verify_index(&index);
            assert!(
                result.is_err(),
                "{rel}: flipping byte {at} of {} still verifies",
                original.len()
            );
            // The command line names the damaged file (one flip per file: it is slow).
            if k == spots.len() / 2 {
                let out = verify_cli(&index);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    !out.status.success(),
                    "verify-index passed with {rel} byte {at} flipped"
                );
                assert!(
                    stderr.contains(rel.as_str()),
                    "verify-index's message does not name {rel}: {stderr}"
                );
                assert!(!stderr.contains("panicked"), "{stderr}");
            }
            bytes[at] ^= 0x01;
            flips += 1;
        }
        std::fs::write(&path, &original).unwrap();
    }
    assert!(flips > 1000, "only {flips} flips");
    verify_index(&index).expect("the restored index verifies again");
}

#[test]
fn unlisted_file_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build_small(tmp.path());
    for extra in ["notes.txt", "names/stray.bin"] {
        let path = index.join(extra);
        std::fs::write(&path, b"not part of the index").unwrap();
        let err = verify_index(&index).expect_err("an unlisted file must fail verification");
        assert!(err.to_string().contains(extra), "{extra}: {err}");
        let out = verify_cli(&index);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains(extra));
        std::fs::remove_file(&path).unwrap();
    }
    // Lock files are not content.
    std::fs::write(index.join("names/extra.lock"), b"").unwrap();
    verify_index(&index).expect("lock files are ignored");
}

#[test]
fn truncated_archive_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build_small(tmp.path());
    let path = index.join("persons.rkyv");
    let original = std::fs::read(&path).unwrap();
    for keep in [0, 1, 16, original.len() / 2, original.len() - 1] {
        std::fs::write(&path, &original[..keep]).unwrap();
        let err = RegistryIndex::open(&index).expect_err("a truncated archive must not open");
        assert!(err.to_string().contains("persons.rkyv"), "{keep}: {err}");
        assert!(verify_index(&index).is_err());
        let out = tanu(&["stats".as_ref(), index.as_os_str()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "stats opened a truncated archive");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("persons.rkyv"), "{stderr}");
    }
    std::fs::write(&path, &original).unwrap();
    RegistryIndex::open(&index).expect("the restored archive opens");
}

fn stats(index: &Path) -> serde_json::Value {
    let out = tanu(&["stats".as_ref(), index.as_os_str()]);
    assert!(
        out.status.success(),
        "stats: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stats prints JSON")
}

fn build_cli(source: &Path, out: &Path) -> Output {
    tanu(&[
        "build-index".as_ref(),
        "--source".as_ref(),
        source.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// Names next to the index that a build leaves only while it runs.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".building-") || n.contains(".previous-"))
        .collect()
}

#[test]
fn rebuild_replaces_the_index_only_when_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("indexes");
    std::fs::create_dir(&parent).unwrap();
    let index = parent.join("current");

    let first = tmp.path().join("first.jsonl");
    write_registry(&first, 50, 7);
    let out = build_cli(&first, &index);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stats(&index)["counts"]["persons"], 50);

    // A second build, of different data, to the same directory.
    let second = tmp.path().join("second.jsonl");
    write_registry(&second, 30, 11);
    let out = build_cli(&second, &index);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = stats(&index);
    assert_eq!(s["counts"]["persons"], 30);
    assert_eq!(s["counts"]["source_lines"], 30);
    verify_index(&index).expect("the rebuilt index verifies");
    let index_ro = RegistryIndex::open(&index).unwrap();
    assert_eq!(index_ro.by_person_id("S11-P000").len(), 1);
    assert!(index_ro.by_person_id("S7-P000").is_empty(), "old data gone");
    drop(index_ro);
    assert_eq!(leftovers(&parent), Vec::<String>::new());

    // A failed build (too many bad lines, then an empty source) leaves the index as it was.
    let broken = tmp.path().join("broken.jsonl");
    let mut lines = registry(20, 13);
    lines[3] = "{not json".into();
    lines[9] = "{also not json".into();
    std::fs::write(&broken, lines.join("\n") + "\n").unwrap();
    let empty = tmp.path().join("empty.jsonl");
    std::fs::write(&empty, b"").unwrap();
    for source in [&broken, &empty] {
        let out = build_cli(source, &index);
        assert!(!out.status.success(), "{}", source.display());
        assert_eq!(stats(&index)["counts"]["persons"], 30);
        verify_index(&index).expect("the old index is intact after a failed build");
        assert_eq!(leftovers(&parent), Vec::<String>::new());
    }
}

#[test]
fn stats_counts_persons_by_their_identifying_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    // `registry` gives every sixth person no IIN and every person a full birth date.
    let mut lines: Vec<serde_json::Value> = registry(12, 5)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // P000, P006: no IIN. P000 keeps its full date; P006 keeps only the year.
    let year = lines[6]["birth_date"].as_str().unwrap()[..4].to_string();
    lines[6]["birth_date"] = json!(year);
    // P001: a valid IIN but no stated date (the IIN gives one); still `valid_iin`.
    lines[1]["birth_date"] = json!(null);
    // P002: no IIN and no birth date: names only.
    lines[2]["iin"] = json!(null);
    lines[2]["birth_date"] = json!(null);
    // P003: a mistyped IIN (check digit broken), no stated date: its digits give a full date.
    let iin = lines[3]["iin"].as_str().unwrap().to_string();
    let last = (iin.as_bytes()[11] - b'0' + 1) % 10;
    lines[3]["iin"] = json!(format!("{}{last}", &iin[..11]));
    lines[3]["birth_date"] = json!(null);
    // P004: an IIN that is no IIN at all, and only a year: partial.
    lines[4]["iin"] = json!("12345");
    lines[4]["birth_date"] = json!(year);
    let source = tmp.path().join("registry.jsonl");
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&source, text.join("\n") + "\n").unwrap();
    let index = tmp.path().join("index");
    let out = build_cli(&source, &index);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let e = &stats(&index)["identifying_evidence"];
    assert_eq!(e["valid_iin"], 12 - 2 - 3, "{e}");
    assert_eq!(e["full_birth_date_only"], 2, "P000 and P003: {e}");
    assert_eq!(e["partial_birth_date_only"], 2, "P004 and P006: {e}");
    assert_eq!(e["names_only"], 1, "P002: {e}");
}

/// A damaged archive whose manifest was resealed with the damaged bytes' checksum: the checksum
/// cannot see the damage, so the default open trusts it (the builder's validation is what the
/// checksum vouches for); `verify_index`, `open_with(Full)` and `--validate-structure` must still
/// reject it with a clear error.
#[test]
fn full_structure_check_catches_damage_behind_a_resealed_checksum() {
    use tanu_index::format::{Manifest, checksum_hex};
    use tanu_index::reader::StructureCheck;
    let tmp = tempfile::tempdir().unwrap();
    let index = build_small(tmp.path());
    let quick = RegistryIndex::open(&index).unwrap();
    let full = RegistryIndex::open_with(&index, StructureCheck::Full).unwrap();
    assert_eq!(quick.len(), full.len());
    drop((quick, full));

    // Break the UTF-8 of a stored name (long enough to be stored out of line).
    let path = index.join("persons.rkyv");
    let mut bytes = std::fs::read(&path).unwrap();
    let name = "Сейтқалиев".as_bytes();
    let at = bytes
        .windows(name.len())
        .position(|w| w == name)
        .expect("the name is stored verbatim");
    bytes[at + 1] = 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    let manifest_path = index.join("manifest.json");
    let mut manifest = Manifest::decode(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest.files.get_mut("persons.rkyv").unwrap().xxh3 = checksum_hex(&bytes);
    std::fs::write(&manifest_path, manifest.encode()).unwrap();

    let Err(err) = RegistryIndex::open_with(&index, StructureCheck::Full) else {
        panic!("the full check must reject invalid UTF-8");
    };
    assert!(err.to_string().contains("persons.rkyv"), "{err}");
    assert!(
        verify_index(&index).is_err(),
        "verify_index checks the structure"
    );
    let out = verify_cli(&index);
    assert!(!out.status.success());
    let queries = tmp.path().join("queries.jsonl");
    std::fs::write(
        &queries,
        r#"{"request_id":"r1","kind":"criminal_record","surname":"Ким","given_name":"Ерлан"}"#,
    )
    .unwrap();
    let out = tanu(&[
        "match".as_ref(),
        "--validate-structure".as_ref(),
        "--index".as_ref(),
        index.as_os_str(),
        "--queries".as_ref(),
        queries.as_os_str(),
        "--out".as_ref(),
        tmp.path().join("out.jsonl").as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "match opened a damaged archive");
    assert!(stderr.contains("invalid archive"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
