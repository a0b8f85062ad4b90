//! Noise probes: labelled queries for true persons of an existing registry export, each with one
//! chosen kind of data-entry noise that the world generator never writes (a date typo, two letters
//! off, fields filled the wrong way round, initials, …), on the query or on a rewritten copy of
//! the registry, for `tanu-eval` to count what the engine misses. Owns the noise kinds, the
//! sampling and the files; it must never read the engine's index or matching code.

use super::{Stream, rng_for};
use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use tanu_index::iin::{Iin, IinSex};

/// Where a probe's noise goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeSide {
    /// Into the query; the registry is read as it is.
    Query,
    /// Into the person's registry record; the query is the record as it was.
    Registry,
}

/// What a probe does to a record's fields (on the query's copy or on the registry's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noise {
    DateDay,
    DateDigit,
    DateYear,
    DateAdjacent,
    SurnameTwoLetters,
    GivenTwoLetters,
    GivenPatronymicSwapped,
    GivenInitial,
    Initials,
    DoubleGiven,
    IinOtherDate,
    JanuaryFirst,
    DoubleSurnameDateDay,
    SurnameEndingDroppedDateDay,
    FatherForSurnameDateDay,
    InitialsOneField,
}

/// One kind of noise a probe can put on a true person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeKind {
    /// The name on the command line and, prefixed `probe_`, the noise tag in `truth.jsonl`.
    pub name: &'static str,
    pub side: ProbeSide,
    pub noise: Noise,
    pub about: &'static str,
}

/// Every probe kind, in the order `--noise all` runs them.
pub const PROBE_KINDS: &[ProbeKind] = &[
    kind(
        "q_date_day",
        ProbeSide::Query,
        Noise::DateDay,
        "birth date one day off",
    ),
    kind(
        "q_date_digit",
        ProbeSide::Query,
        Noise::DateDigit,
        "one birth-date digit changed",
    ),
    kind(
        "q_date_year",
        ProbeSide::Query,
        Noise::DateYear,
        "birth year one off, same day",
    ),
    kind(
        "q_date_adjacent",
        ProbeSide::Query,
        Noise::DateAdjacent,
        "two adjacent date digits swapped",
    ),
    kind(
        "q_surname_two_letters",
        ProbeSide::Query,
        Noise::SurnameTwoLetters,
        "two surname letters substituted (7+ letters)",
    ),
    kind(
        "q_given_two_letters",
        ProbeSide::Query,
        Noise::GivenTwoLetters,
        "two given-name letters substituted (6+ letters)",
    ),
    kind(
        "q_given_patronymic_swapped",
        ProbeSide::Query,
        Noise::GivenPatronymicSwapped,
        "given name and patronymic fields swapped",
    ),
    kind(
        "q_given_initial",
        ProbeSide::Query,
        Noise::GivenInitial,
        "given name written as its initial (Е.)",
    ),
    kind(
        "q_double_surname_date_day",
        ProbeSide::Query,
        Noise::DoubleSurnameDateDay,
        "surname written double (Ахметова-Сейтова) and birth date one day off",
    ),
    kind(
        "q_surname_no_ending_date_day",
        ProbeSide::Query,
        Noise::SurnameEndingDroppedDateDay,
        "surname without its gendered ending (Жумабаев → Жумабай) and birth date one day off",
    ),
    kind(
        "q_father_for_surname_date_day",
        ProbeSide::Query,
        Noise::FatherForSurnameDateDay,
        "the Kazakh patronymic in the surname's place, no patronymic (Нұрланұлы Ерлан), and \
         birth date one day off",
    ),
    kind(
        "r_date_day",
        ProbeSide::Registry,
        Noise::DateDay,
        "record's birth date one day off",
    ),
    kind(
        "r_date_digit",
        ProbeSide::Registry,
        Noise::DateDigit,
        "one digit of the record's birth date changed",
    ),
    kind(
        "r_surname_two_letters",
        ProbeSide::Registry,
        Noise::SurnameTwoLetters,
        "two letters of the record's surname substituted",
    ),
    kind(
        "r_given_patronymic_swapped",
        ProbeSide::Registry,
        Noise::GivenPatronymicSwapped,
        "record's given name and patronymic swapped",
    ),
    kind(
        "r_initials",
        ProbeSide::Registry,
        Noise::Initials,
        "record's given name and patronymic as initials (Е. Н.)",
    ),
    kind(
        "r_double_given",
        ProbeSide::Registry,
        Noise::DoubleGiven,
        "record's given name made double (Анна-Мария)",
    ),
    kind(
        "r_iin_other_date",
        ProbeSide::Registry,
        Noise::IinOtherDate,
        "record states another year and month than its valid IIN",
    ),
    kind(
        "r_january_first",
        ProbeSide::Registry,
        Noise::JanuaryFirst,
        "record without IIN states 1 January of its year",
    ),
    kind(
        "r_double_surname_date_day",
        ProbeSide::Registry,
        Noise::DoubleSurnameDateDay,
        "record's surname written double (Ахметова (Сейтова)) and its birth date one day off",
    ),
    kind(
        "r_surname_no_ending_date_day",
        ProbeSide::Registry,
        Noise::SurnameEndingDroppedDateDay,
        "record's surname without its gendered ending and its birth date one day off",
    ),
    kind(
        "q_initials_one_field",
        ProbeSide::Query,
        Noise::InitialsOneField,
        "given name and patronymic as two initials in the given-name field (Е.Н.), no patronymic",
    ),
    kind(
        "r_initials_one_field",
        ProbeSide::Registry,
        Noise::InitialsOneField,
        "record's given name and patronymic as two initials in its given-name field (Е. Н.)",
    ),
];

const fn kind(name: &'static str, side: ProbeSide, noise: Noise, about: &'static str) -> ProbeKind {
    ProbeKind {
        name,
        side,
        noise,
        about,
    }
}

/// The probe kinds named in a comma-separated list (`all` for every kind).
pub fn probe_kinds(names: &str) -> Result<Vec<ProbeKind>> {
    if names.trim() == "all" {
        return Ok(PROBE_KINDS.to_vec());
    }
    let mut out = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(k) = PROBE_KINDS.iter().find(|k| k.name == name) else {
            let known: Vec<String> = PROBE_KINDS
                .iter()
                .map(|k| format!("{} ({})", k.name, k.about))
                .collect();
            bail!(
                "unknown probe noise {name:?}; known: all, {}",
                known.join(", ")
            );
        };
        if !out.contains(k) {
            out.push(*k);
        }
    }
    if out.is_empty() {
        bail!("no probe noise given");
    }
    Ok(out)
}

/// What to probe.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    pub seed: u64,
    pub kinds: Vec<ProbeKind>,
    /// True persons per kind (fewer when fewer records are eligible).
    pub persons: usize,
    /// Queries carry the person's IIN: the record's valid one, or for a record without an IIN
    /// (`records_without_iin`) a valid IIN of its birth date and sex, the applicant's own that
    /// the registry never recorded. Else no IIN, the hard case where names and date are all
    /// that link query and record.
    pub with_iin: bool,
    /// Sample only records that hold no IIN (old records, foreigners): the query's IIN, if any,
    /// has nothing to be compared with. Otherwise any record.
    pub records_without_iin: bool,
    /// `as_of` of every query.
    pub as_of: NaiveDate,
}

/// What a probe wrote: per kind, how many true persons.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeSummary {
    pub source: String,
    pub seed: u64,
    pub with_iin: bool,
    pub records_without_iin: bool,
    pub persons: BTreeMap<&'static str, usize>,
    /// Whether `registry.jsonl` (the rewritten copy) was written.
    pub registry_copy: bool,
}

/// Write `queries.jsonl`, `truth.jsonl`, `probe.json` and, when a kind is registry-side, the
/// rewritten `registry.jsonl` into `out_dir`, from the registry export `source`. Each record is
/// used by at most one kind; the output depends on the seed and the source only.
pub fn write_probe(source: &Path, cfg: &ProbeConfig, out_dir: &Path) -> Result<ProbeSummary> {
    let export =
        std::fs::read_to_string(source).with_context(|| format!("reading {}", source.display()))?;
    let lines: Vec<&str> = export.lines().filter(|l| !l.trim().is_empty()).collect();
    let record = |i: usize| match serde_json::from_str::<Value>(lines[i]) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    };
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    // The probe's files would replace the world's own (its registry, queries and truth).
    let source_dir = source
        .canonicalize()
        .ok()
        .and_then(|s| s.parent().map(Path::to_path_buf));
    if source_dir.is_some() && source_dir == out_dir.canonicalize().ok() {
        bail!(
            "{} holds the source export; write the probe into another directory (its \
             registry.jsonl, queries.jsonl and truth.jsonl would replace the world's)",
            out_dir.display()
        );
    }
    let mut used = HashSet::new();
    let mut rewritten: BTreeMap<usize, Map<String, Value>> = BTreeMap::new();
    let mut queries = Vec::new();
    let mut truths = Vec::new();
    let mut persons = BTreeMap::new();
    for (k, kind) in cfg.kinds.iter().enumerate() {
        // Records in a random order, read one by one until the kind has its persons: a large
        // export is never parsed whole.
        let mut rng = rng_for(cfg.seed, Stream::Probe, k as u64);
        let mut order: Vec<u32> = (0..lines.len() as u32).collect();
        order.shuffle(&mut rng);
        let mut taken = 0;
        for i in order.into_iter().map(|i| i as usize) {
            if taken == cfg.persons {
                break;
            }
            if used.contains(&i) {
                continue;
            }
            let Some(original) = record(i).filter(|r| eligible_for(kind, r, cfg)) else {
                continue;
            };
            // The person's IIN, drawn before the noise: its date is the true one.
            let iin = cfg
                .with_iin
                .then(|| person_iin(&original, &mut rng))
                .flatten();
            if cfg.with_iin && iin.is_none() {
                continue;
            }
            let mut noisy = original.clone();
            if !apply(kind, &mut noisy, &mut rng) {
                continue;
            }
            used.insert(i);
            taken += 1;
            let request_id = format!("PROBE-{}-{taken:05}", kind.name);
            let query_from = match kind.side {
                ProbeSide::Query => &noisy,
                ProbeSide::Registry => &original,
            };
            queries.push(query_line(&request_id, query_from, iin, cfg));
            let mut noise = vec![format!("probe_{}", kind.name)];
            if !cfg.with_iin {
                noise.push("query_no_iin".to_string());
            }
            truths.push(json!({
                "request_id": request_id,
                "expected": "review",
                "person_ids": [text(&original, "person_id")],
                "category": "in_registry",
                "noise": noise,
            }));
            if kind.side == ProbeSide::Registry {
                rewritten.insert(i, noisy);
            }
        }
        persons.insert(kind.name, taken);
    }
    write_json_lines(&out_dir.join("queries.jsonl"), &queries)?;
    write_json_lines(&out_dir.join("truth.jsonl"), &truths)?;
    let registry_copy = cfg.kinds.iter().any(|k| k.side == ProbeSide::Registry);
    if registry_copy {
        let path = out_dir.join("registry.jsonl");
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = BufWriter::new(file);
        for (i, line) in lines.iter().enumerate() {
            match rewritten.get(&i) {
                Some(r) => serde_json::to_writer(&mut w, r)?,
                None => w.write_all(line.as_bytes())?,
            }
            w.write_all(b"\n")?;
        }
        w.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let summary = ProbeSummary {
        source: source.display().to_string(),
        seed: cfg.seed,
        with_iin: cfg.with_iin,
        records_without_iin: cfg.records_without_iin,
        persons,
        registry_copy,
    };
    let path = out_dir.join("probe.json");
    std::fs::write(&path, serde_json::to_string_pretty(&summary)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(summary)
}

fn write_json_lines(path: &Path, rows: &[Value]) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = BufWriter::new(file);
    for row in rows {
        serde_json::to_writer(&mut w, row)?;
        w.write_all(b"\n")?;
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))
}

/// The person's IIN (`ProbeConfig::with_iin`): the record's valid one, or a valid IIN of the
/// record's full birth date and sex when it holds no IIN; `None` when neither can be had.
fn person_iin<R: Rng>(r: &Map<String, Value>, rng: &mut R) -> Option<String> {
    let iin = match valid_iin(r) {
        Some(iin) => iin,
        None if r.get("iin").is_none_or(Value::is_null) => {
            let sex = match text(r, "sex") {
                "M" => IinSex::Male,
                "F" => IinSex::Female,
                _ => return None,
            };
            let born = full_date(r)?;
            // About one serial in eleven has no check digit: try a few.
            (0..32).find_map(|_| Iin::from_parts(born, sex, rng.random_range(1000..10000)))?
        }
        None => return None,
    };
    Some(iin.digits().iter().map(|d| char::from(b'0' + d)).collect())
}

/// The query a record's person would send: its names and birth date as written, its kind from
/// its records, and the person's IIN when asked for.
fn query_line(
    request_id: &str,
    r: &Map<String, Value>,
    iin: Option<String>,
    cfg: &ProbeConfig,
) -> Value {
    let convicted = r
        .get("convictions")
        .and_then(Value::as_array)
        .is_some_and(|c| !c.is_empty());
    json!({
        "request_id": request_id,
        "kind": if convicted { "criminal_record" } else { "administrative_offences" },
        "iin": iin,
        "surname": text(r, "surname"),
        "given_name": text(r, "given_name"),
        "patronymic": r.get("patronymic").cloned().unwrap_or(Value::Null),
        "birth_date": r.get("birth_date").cloned().unwrap_or(Value::Null),
        "as_of": cfg.as_of.to_string(),
    })
}

fn text<'a>(r: &'a Map<String, Value>, field: &str) -> &'a str {
    r.get(field).and_then(Value::as_str).unwrap_or("")
}

fn full_date(r: &Map<String, Value>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text(r, "birth_date"), "%Y-%m-%d").ok()
}

fn valid_iin(r: &Map<String, Value>) -> Option<Iin> {
    Iin::parse(text(r, "iin")).ok()
}

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count()
}

/// One word of letters (no space, hyphen or dot).
fn one_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphabetic)
}

fn eligible_for(kind: &ProbeKind, r: &Map<String, Value>, cfg: &ProbeConfig) -> bool {
    let without_iin = r.get("iin").is_none_or(Value::is_null);
    if cfg.records_without_iin && !without_iin {
        return false;
    }
    let (surname, given) = (text(r, "surname"), text(r, "given_name"));
    let patronymic = text(r, "patronymic");
    if !one_word(surname) || !one_word(given) {
        return false;
    }
    match kind.noise {
        Noise::DateDay
        | Noise::DateDigit
        | Noise::DateYear
        | Noise::DateAdjacent
        | Noise::DoubleSurnameDateDay => full_date(r).is_some(),
        Noise::SurnameEndingDroppedDateDay => {
            full_date(r).is_some() && without_gendered_ending(surname).is_some()
        }
        Noise::FatherForSurnameDateDay => {
            const TURKIC: [&str; 4] = ["ұлы", "улы", "қызы", "кызы"];
            let lower = patronymic.to_lowercase();
            full_date(r).is_some()
                && one_word(patronymic)
                && TURKIC.iter().any(|suffix| lower.ends_with(suffix))
        }
        Noise::SurnameTwoLetters => letters(surname) >= 7,
        Noise::GivenTwoLetters => letters(given) >= 6,
        Noise::GivenPatronymicSwapped => one_word(patronymic) && letters(patronymic) >= 5,
        Noise::GivenInitial | Noise::Initials | Noise::DoubleGiven => letters(given) >= 3,
        Noise::InitialsOneField => letters(given) >= 3 && letters(patronymic) >= 3,
        Noise::IinOtherDate => {
            full_date(r).is_some_and(|d| valid_iin(r).is_some_and(|i| i.birth_date() == d))
        }
        Noise::JanuaryFirst => without_iin && full_date(r).is_some_and(|d| d.ordinal() > 1),
    }
}

/// Put the kind's noise on a record (a query's source or a registry record); false when this
/// record cannot take it after all (no valid result).
fn apply<R: Rng>(kind: &ProbeKind, r: &mut Map<String, Value>, rng: &mut R) -> bool {
    let set = |r: &mut Map<String, Value>, field: &str, v: String| {
        r.insert(field.to_string(), Value::String(v));
    };
    let date_day_off = |r: &mut Map<String, Value>, rng: &mut R| {
        let Some(d) = full_date(r) else { return false };
        let step = if rng.random_bool(0.5) { 1 } else { -1 };
        set(r, "birth_date", (d + Duration::days(step)).to_string());
        true
    };
    match kind.noise {
        Noise::DateDay => return date_day_off(r, rng),
        Noise::DoubleSurnameDateDay => {
            const OTHER: [&str; 6] = ["Сейтова", "Ахметов", "Иванова", "Жұмабай", "Ким", "Омарова"];
            let own = text(r, "surname").to_string();
            let start = rng.random_range(0..OTHER.len());
            let Some(other) = OTHER
                .iter()
                .cycle()
                .skip(start)
                .take(OTHER.len())
                .find(|o| **o != own)
            else {
                return false;
            };
            let double = match rng.random_range(0..3) {
                0 => format!("{own}-{other}"),
                1 => format!("{other}-{own}"),
                _ => format!("{own} ({other})"),
            };
            set(r, "surname", double);
            return date_day_off(r, rng);
        }
        Noise::SurnameEndingDroppedDateDay => {
            let Some(bare) = without_gendered_ending(text(r, "surname")) else {
                return false;
            };
            set(r, "surname", bare);
            return date_day_off(r, rng);
        }
        Noise::FatherForSurnameDateDay => {
            let father = text(r, "patronymic").to_string();
            set(r, "surname", father);
            r.insert("patronymic".to_string(), Value::Null);
            return date_day_off(r, rng);
        }
        Noise::DateDigit => {
            let Some(d) = full_date(r).and_then(|d| date_digit_typo(d, rng)) else {
                return false;
            };
            set(r, "birth_date", d.to_string());
        }
        Noise::DateYear => {
            let Some(d) = full_date(r) else { return false };
            let year = d.year() + if rng.random_bool(0.5) { 1 } else { -1 };
            let Some(d) = d.with_year(year) else {
                return false;
            };
            set(r, "birth_date", d.to_string());
        }
        Noise::DateAdjacent => {
            let Some(d) = full_date(r).and_then(|d| adjacent_digits_swapped(d, rng)) else {
                return false;
            };
            set(r, "birth_date", d.to_string());
        }
        Noise::SurnameTwoLetters => {
            let s = letters_substituted(rng, text(r, "surname"), 2);
            set(r, "surname", s);
        }
        Noise::GivenTwoLetters => {
            let s = letters_substituted(rng, text(r, "given_name"), 2);
            set(r, "given_name", s);
        }
        Noise::GivenPatronymicSwapped => {
            let (g, p) = (
                text(r, "given_name").to_string(),
                text(r, "patronymic").to_string(),
            );
            set(r, "given_name", p);
            set(r, "patronymic", g);
        }
        Noise::GivenInitial => {
            let g = initial(text(r, "given_name"));
            set(r, "given_name", g);
        }
        Noise::Initials => {
            let g = initial(text(r, "given_name"));
            set(r, "given_name", g);
            let p = text(r, "patronymic");
            if !p.is_empty() {
                let p = initial(p);
                set(r, "patronymic", p);
            }
        }
        Noise::InitialsOneField => {
            let (g, p) = (
                initial(text(r, "given_name")),
                initial(text(r, "patronymic")),
            );
            let space = if rng.random_bool(0.5) { " " } else { "" };
            set(r, "given_name", format!("{g}{space}{p}"));
            r.insert("patronymic".to_string(), Value::Null);
        }
        Noise::DoubleGiven => {
            const SECOND: [&str; 6] = ["Мария", "Айгүл", "Ерлан", "Сергей", "Нұр", "Алма"];
            let second = SECOND[rng.random_range(0..SECOND.len())];
            let g = format!("{}-{second}", text(r, "given_name"));
            set(r, "given_name", g);
        }
        Noise::IinOtherDate => {
            let Some(d) = full_date(r) else { return false };
            let year =
                d.year() + rng.random_range(1..=6) * if rng.random_bool(0.5) { 1 } else { -1 };
            let month = (d.month() + rng.random_range(1..=11) - 1) % 12 + 1;
            let Some(moved) = NaiveDate::from_ymd_opt(year, month, d.day().min(28)) else {
                return false;
            };
            set(r, "birth_date", moved.to_string());
        }
        Noise::JanuaryFirst => {
            let Some(d) = full_date(r) else { return false };
            let Some(jan) = NaiveDate::from_ymd_opt(d.year(), 1, 1) else {
                return false;
            };
            set(r, "birth_date", jan.to_string());
        }
    }
    true
}

/// A Cyrillic surname without its gendered ending -ов, -ев, -ова or -ева, as a Kazakh may write
/// it since 1996 (Нұрланова → Нұрлан); a root left ending in a vowel takes й (Жумабаев →
/// Жумабай). `None` when the surname has no such ending or fewer than 4 letters would remain.
fn without_gendered_ending(surname: &str) -> Option<String> {
    const ENDINGS: [&str; 4] = ["ова", "ева", "ов", "ев"];
    let lower = surname.to_lowercase();
    let cut = ENDINGS
        .iter()
        .find(|e| lower.ends_with(*e))?
        .chars()
        .count();
    let chars: Vec<char> = surname.chars().collect();
    let root = &chars[..chars.len() - cut];
    if root.len() < 4 {
        return None;
    }
    let mut bare: String = root.iter().collect();
    let vowel = |c: char| "аәеиоөұүуыіэюяАӘЕИОӨҰҮУЫІЭЮЯ".contains(c);
    if root.last().is_some_and(|&c| vowel(c)) {
        let all_capitals = surname == surname.to_uppercase();
        bare.push(if all_capitals { 'Й' } else { 'й' });
    }
    Some(bare)
}

/// A name's first letter and a dot: Ерлан → Е.
fn initial(s: &str) -> String {
    s.chars()
        .next()
        .map(|c| format!("{c}."))
        .unwrap_or_default()
}

const CYRILLIC: &[char] = &[
    'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т', 'у',
    'ф', 'х', 'ш', 'ы', 'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і',
];
const LATIN: &[char] = &[
    'a', 'b', 'd', 'e', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'p', 'r', 's', 't', 'u', 'v', 'y',
    'z',
];

/// `count` letters of a name substituted by other letters of its script, never the first: the
/// result differs from the name in exactly `count` places (fewer when the name is shorter).
pub fn letters_substituted<R: Rng>(rng: &mut R, s: &str, count: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let alphabet = if chars.iter().any(char::is_ascii_alphabetic) {
        LATIN
    } else {
        CYRILLIC
    };
    let mut places: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    places.shuffle(rng);
    for &i in places.iter().take(count) {
        let was = chars[i].to_lowercase().next().unwrap_or(chars[i]);
        let letter = loop {
            let l = alphabet[rng.random_range(0..alphabet.len())];
            if l != was {
                break l;
            }
        };
        chars[i] = if chars[i].is_uppercase() {
            letter.to_uppercase().next().unwrap_or(letter)
        } else {
            letter
        };
    }
    chars.into_iter().collect()
}

/// The date with one digit of its year (last two), month or day changed, still a date.
fn date_digit_typo<R: Rng>(d: NaiveDate, rng: &mut R) -> Option<NaiveDate> {
    let text = d.format("%Y%m%d").to_string().into_bytes();
    for _ in 0..64 {
        let place = [2, 3, 4, 5, 6, 7][rng.random_range(0..6)];
        let mut t = text.clone();
        t[place] = b'0' + rng.random_range(0..10u8);
        if t == text {
            continue;
        }
        if let Some(typo) = date_of_digits(&t) {
            return Some(typo);
        }
    }
    None
}

/// The date with two adjacent digits of its year (last two), month or day swapped, still a
/// date and another one.
fn adjacent_digits_swapped<R: Rng>(d: NaiveDate, rng: &mut R) -> Option<NaiveDate> {
    let text = d.format("%Y%m%d").to_string().into_bytes();
    let mut firsts = [2usize, 4, 6];
    firsts.shuffle(rng);
    firsts.into_iter().find_map(|i| {
        let mut t = text.clone();
        t.swap(i, i + 1);
        (t != text).then(|| date_of_digits(&t)).flatten()
    })
}

fn date_of_digits(t: &[u8]) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(std::str::from_utf8(t).ok()?, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{WorldConfig, generate_world};

    fn world(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("tanu-probe-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        generate_world(&WorldConfig::new(11, 3_000, 0), &dir, None).unwrap();
        dir
    }

    fn read(path: &Path) -> Vec<Map<String, Value>> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| match serde_json::from_str(l).unwrap() {
                Value::Object(m) => m,
                other => panic!("{other}"),
            })
            .collect()
    }

    fn config(kinds: &str) -> ProbeConfig {
        ProbeConfig {
            seed: 5,
            kinds: probe_kinds(kinds).unwrap(),
            persons: 40,
            with_iin: false,
            records_without_iin: false,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        }
    }

    #[test]
    fn every_kind_writes_labelled_queries_and_only_registry_kinds_rewrite_records() {
        let dir = world("all");
        let out = dir.join("probe");
        let summary = write_probe(&dir.join("registry.jsonl"), &config("all"), &out).unwrap();
        let registry = read(&dir.join("registry.jsonl"));
        let by_id: std::collections::HashMap<&str, &Map<String, Value>> =
            registry.iter().map(|r| (text(r, "person_id"), r)).collect();
        let copy = read(&out.join("registry.jsonl"));
        assert_eq!(copy.len(), registry.len());
        let queries = read(&out.join("queries.jsonl"));
        let truths = read(&out.join("truth.jsonl"));
        assert_eq!(queries.len(), truths.len());
        for kind in PROBE_KINDS {
            assert!(summary.persons[kind.name] > 0, "{}: {summary:?}", kind.name);
        }
        let mut changed_records = 0;
        for (q, t) in queries.iter().zip(&truths) {
            assert_eq!(q["request_id"], t["request_id"]);
            assert!(q["iin"].is_null());
            let id = t["person_ids"][0].as_str().unwrap();
            let tag = t["noise"][0].as_str().unwrap();
            let record = by_id[id];
            let in_copy = copy.iter().find(|r| text(r, "person_id") == id).unwrap();
            let fields = ["surname", "given_name", "patronymic", "birth_date"];
            let query_differs = fields.iter().any(|f| q[*f] != record[*f]);
            let record_differs = fields.iter().any(|f| in_copy.get(*f) != record.get(*f));
            if tag.starts_with("probe_q_") {
                assert!(query_differs && !record_differs, "{tag}: {q:?} {record:?}");
            } else {
                assert!(!query_differs && record_differs, "{tag}: {q:?} {in_copy:?}");
                changed_records += 1;
            }
        }
        let differing = copy.iter().zip(&registry).filter(|(a, b)| a != b).count();
        assert_eq!(differing, changed_records);
        // Query-side dates: one day off is one day off.
        for (q, t) in queries.iter().zip(&truths) {
            if t["noise"][0] == "probe_q_date_day" {
                let record = by_id[t["person_ids"][0].as_str().unwrap()];
                let (a, b) = (full_date(q).unwrap(), full_date(record).unwrap());
                assert_eq!((a - b).num_days().abs(), 1);
            }
            // A surname without its ending is the person's own, shortened.
            if t["noise"][0] == "probe_q_surname_no_ending_date_day" {
                let record = by_id[t["person_ids"][0].as_str().unwrap()];
                let (own, bare) = (text(record, "surname"), text(q, "surname"));
                let root = bare.trim_end_matches(['й', 'Й']);
                assert!(own.starts_with(root) && own.len() > bare.len(), "{q:?}");
                let (a, b) = (full_date(q).unwrap(), full_date(record).unwrap());
                assert_eq!((a - b).num_days().abs(), 1);
            }
            // Two initials in one field: the person's own, and no patronymic.
            if t["noise"][0] == "probe_q_initials_one_field" {
                let record = by_id[t["person_ids"][0].as_str().unwrap()];
                let first = |f: &str| text(record, f).chars().next().unwrap();
                let written: Vec<char> = text(q, "given_name")
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .collect();
                assert_eq!(written, [first("given_name"), first("patronymic")], "{q:?}");
                assert!(q["patronymic"].is_null(), "{q:?}");
            }
            // A double surname keeps the person's own as one of its two words.
            if t["noise"][0] == "probe_q_double_surname_date_day" {
                let record = by_id[t["person_ids"][0].as_str().unwrap()];
                let own = text(record, "surname");
                let words: Vec<&str> = text(q, "surname")
                    .split(['-', ' ', '(', ')'])
                    .filter(|w| !w.is_empty())
                    .collect();
                assert!(words.len() == 2 && words.contains(&own), "{q:?}");
                let (a, b) = (full_date(q).unwrap(), full_date(record).unwrap());
                assert_eq!((a - b).num_days().abs(), 1);
            }
        }
        // The same seed writes the same files.
        let again = dir.join("again");
        write_probe(&dir.join("registry.jsonl"), &config("all"), &again).unwrap();
        for file in ["queries.jsonl", "truth.jsonl", "registry.jsonl"] {
            assert_eq!(
                std::fs::read(out.join(file)).unwrap(),
                std::fs::read(again.join(file)).unwrap(),
                "{file}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn query_kinds_alone_write_no_registry_copy_and_with_iin_carries_a_valid_iin() {
        let dir = world("query");
        let out = dir.join("probe");
        let mut cfg = config("q_date_digit,q_surname_two_letters");
        cfg.with_iin = true;
        let summary = write_probe(&dir.join("registry.jsonl"), &cfg, &out).unwrap();
        assert!(!summary.registry_copy);
        assert!(!out.join("registry.jsonl").exists());
        let queries = read(&out.join("queries.jsonl"));
        assert_eq!(queries.len(), 80);
        assert!(queries.iter().all(|q| valid_iin(q).is_some()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn records_without_an_iin_get_the_applicants_own_iin_of_their_true_date() {
        let dir = world("no-iin");
        let out = dir.join("probe");
        let mut cfg = config("r_date_day,q_date_digit");
        cfg.with_iin = true;
        cfg.records_without_iin = true;
        write_probe(&dir.join("registry.jsonl"), &cfg, &out).unwrap();
        let registry = read(&dir.join("registry.jsonl"));
        let queries = read(&out.join("queries.jsonl"));
        let truths = read(&out.join("truth.jsonl"));
        assert!(!queries.is_empty());
        for (q, t) in queries.iter().zip(&truths) {
            let id = t["person_ids"][0].as_str().unwrap();
            let record = registry
                .iter()
                .find(|r| text(r, "person_id") == id)
                .unwrap();
            assert!(record["iin"].is_null(), "{record:?}");
            let iin = valid_iin(q).unwrap();
            assert_eq!(Some(iin.birth_date()), full_date(record), "{q:?}");
            let sex = if iin.sex() == IinSex::Male { "M" } else { "F" };
            assert_eq!(text(record, "sex"), sex);
            assert_eq!(t["noise"].as_array().unwrap().len(), 1, "{t:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_probe_never_writes_over_its_source_world() {
        let dir = world("same");
        let before = std::fs::read(dir.join("registry.jsonl")).unwrap();
        let err = write_probe(&dir.join("registry.jsonl"), &config("r_date_day"), &dir)
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds the source export"), "{err}");
        assert_eq!(std::fs::read(dir.join("registry.jsonl")).unwrap(), before);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_kinds_are_named_in_the_error() {
        let err = probe_kinds("q_date_day,q_nonsense")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("q_nonsense") && err.contains("q_date_day"),
            "{err}"
        );
        assert!(probe_kinds(" , ").is_err());
    }

    #[test]
    fn substitutions_change_exactly_that_many_letters_never_the_first() {
        let mut rng = rng_for(1, Stream::Probe, 0);
        for name in ["Сапаров", "Жанұзақова", "Ivanov", "Ли"] {
            for _ in 0..200 {
                let out = letters_substituted(&mut rng, name, 2);
                let a: Vec<char> = name.chars().collect();
                let b: Vec<char> = out.chars().collect();
                assert_eq!(a.len(), b.len());
                assert_eq!(a[0], b[0]);
                let differ = a
                    .iter()
                    .zip(&b)
                    .filter(|(x, y)| x.to_lowercase().ne(y.to_lowercase()))
                    .count();
                assert_eq!(differ, 2.min(a.len() - 1), "{name} → {out}");
            }
        }
    }

    #[test]
    fn date_typos_are_other_valid_dates() {
        let mut rng = rng_for(2, Stream::Probe, 0);
        let d = NaiveDate::from_ymd_opt(1985, 2, 28).unwrap();
        for _ in 0..500 {
            let t = date_digit_typo(d, &mut rng).unwrap();
            assert_ne!(t, d);
            let differ = d
                .format("%Y%m%d")
                .to_string()
                .bytes()
                .zip(t.format("%Y%m%d").to_string().bytes())
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(differ, 1, "{d} → {t}");
            if let Some(s) = adjacent_digits_swapped(d, &mut rng) {
                assert_ne!(s, d);
            }
        }
    }
}
