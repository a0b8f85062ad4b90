//! Shared helpers of the criterion benches (`benches/index.rs`, `benches/matching.rs`): a small
//! deterministic registry generator (Kazakh, Russian and Korean-Kazakhstani names with Zipf-ish
//! repetition, valid IINs, one conviction or administrative offence per person), the index built
//! from it once per bench binary, and query samples drawn from whatever index is measured.
//! It must never be used outside the benches (the real generator is `tanu-gen`).

#![allow(dead_code)]

use chrono::{Datelike, Days, NaiveDate};
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;
use tanu::matching::query::{Query, QueryInput};
use tanu_index::builder::{BuildOptions, NoProgress, build_index};
use tanu_index::date::PartialDate;
use tanu_index::format::MANIFEST_FILE;
use tanu_index::iin::{Iin, IinSex};
use tanu_index::reader::RegistryIndex;
use tanu_index::source::{
    BirthDate, Category, Date, Punishment, Sex, SourceAdminOffence, SourceAlias, SourceConviction,
    SourcePerson,
};

/// Persons in the default bench registry (`TANU_BENCH_PERSONS` overrides).
pub const DEFAULT_PERSONS: usize = 200_000;

/// The date every bench query is decided "as of" (fixed, so results do not drift with the clock).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date")
}

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers (SplitMix64): no extra dependency, same data everywhere.

/// A tiny deterministic generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform pick.
    pub fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.below(list.len() as u64) as usize]
    }

    /// Zipf-ish pick: the head of the list is more common than the tail
    /// (P(index < k) = (k / len)^(2/3)).
    pub fn zipf<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        let u = self.unit();
        let i = (u.powf(1.5) * list.len() as f64) as usize;
        &list[i.min(list.len() - 1)]
    }
}

// ---------------------------------------------------------------------------------------------
// Name lists.

/// Kazakh surname stems (male form; the female form adds "а").
const KZ_SURNAMES: &[&str] = &[
    "Ахметов",
    "Жұмабаев",
    "Серікбаев",
    "Оспанов",
    "Нұрланов",
    "Сейітов",
    "Қасымов",
    "Әбілов",
    "Омаров",
    "Искаков",
    "Сұлтанов",
    "Есенов",
    "Төлеуов",
    "Байжанов",
    "Тоқтаров",
    "Мұхамеджанов",
    "Құдайбергенов",
    "Бекмұхаметов",
    "Жақсылықов",
    "Рахимов",
    "Кенжебаев",
    "Сәрсенбаев",
    "Тұрсынов",
    "Әлиев",
    "Исабеков",
    "Дүйсенов",
    "Мақсұтов",
    "Шәріпов",
    "Ержанов",
    "Бейсенов",
];

/// Endings that turn a man's name into a surname stem ("Серік" → "Серікбаев").
const KZ_SURNAME_SUFFIXES: &[&str] = &["ов", "баев", "беков", "жанов", "құлов", "ғалиев"];

const KZ_MALE: &[&str] = &[
    "Ерлан",
    "Нұрлан",
    "Асхат",
    "Дәурен",
    "Бауыржан",
    "Ерболат",
    "Айдос",
    "Мұрат",
    "Серік",
    "Қанат",
    "Арман",
    "Дамир",
    "Тимур",
    "Ержан",
    "Руслан",
    "Бекзат",
    "Азамат",
    "Алмас",
    "Жандос",
    "Нұрсұлтан",
    "Ғалым",
    "Талғат",
    "Марат",
    "Әділет",
];

const KZ_FEMALE: &[&str] = &[
    "Айгерім",
    "Асель",
    "Динара",
    "Гүлнара",
    "Жанар",
    "Әсем",
    "Мадина",
    "Айжан",
    "Сәуле",
    "Ақерке",
    "Назерке",
    "Аружан",
    "Жұлдыз",
    "Гүлмира",
    "Салтанат",
    "Ләззат",
    "Меруерт",
    "Алия",
];

/// Russian surname stems (male form; the female form adds "а").
const RU_SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
];

const RU_MALE: &[&str] = &[
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Владимир",
    "Игорь",
    "Евгений",
    "Николай",
    "Михаил",
    "Виктор",
    "Олег",
];

const RU_FEMALE: &[&str] = &[
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Юлия",
    "Екатерина",
    "Мария",
    "Оксана",
];

/// Russian patronymic stems (+ "ич" / "на").
const RU_PATRONYMIC_STEMS: &[&str] = &[
    "Александров",
    "Сергеев",
    "Дмитриев",
    "Андреев",
    "Алексеев",
    "Владимиров",
    "Викторов",
    "Николаев",
    "Михайлов",
    "Олегов",
];

/// Surnames that do not change with sex.
const KOREAN_SURNAMES: &[&str] = &["Ким", "Пак", "Цой", "Ли", "Тен", "Хан", "Огай"];

const COURTS: &[&str] = &[
    "Специализированный межрайонный суд по уголовным делам г. Алматы",
    "Районный суд №2 Алмалинского района г. Алматы",
    "Сарыаркинский районный суд г. Астаны",
    "Шымкентский городской суд",
    "Карагандинский районный суд",
    "Актюбинский городской суд",
];

const ARTICLES: &[&str] = &[
    "188 ч.1", "188 ч.2", "190 ч.1", "106 ч.1", "293 ч.1", "296 ч.1", "345 ч.2", "200 ч.1",
];

const ADMIN_ARTICLES: &[&str] = &["434 ч.1", "440 ч.1", "608 ч.1", "610 ч.1", "590 ч.5"];

/// Latin transliteration (Kazakh passport style) of a Cyrillic name, for aliases and queries.
pub fn to_latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let t = match lower {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'ё' => "yo",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' | 'і' => "i",
            'к' | 'қ' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' => "u",
            'ф' => "f",
            'х' | 'һ' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' | 'щ' => "sh",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ъ' | 'ь' => "",
            other => {
                out.push(other);
                continue;
            }
        };
        out.push_str(t);
    }
    out.to_uppercase()
}

// ---------------------------------------------------------------------------------------------
// The generator.

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

/// A valid IIN for this birth date and sex (serial drawn from `rng`).
pub fn valid_iin(rng: &mut Rng, birth: NaiveDate, sex: IinSex) -> Iin {
    let mut serial = rng.below(10_000) as u16;
    loop {
        if let Some(iin) = Iin::from_parts(birth, sex, serial) {
            return iin;
        }
        serial = (serial + 1) % 10_000;
    }
}

/// Person number `i` of the bench registry (the same person for the same `i`, always).
pub fn person(i: usize) -> SourcePerson {
    let mut rng = Rng::new(0x7A4E_0000_0000_0000 ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let male = rng.chance(0.8); // most convicted persons are men
    let ethnicity = rng.below(100);
    let (surname, given, patronymic) = if ethnicity < 65 {
        // Half the surnames from the list, half formed from a forefather's name ("Серікбаев").
        let stem = if rng.chance(0.5) {
            rng.zipf(KZ_SURNAMES).to_string()
        } else {
            format!("{}{}", rng.zipf(KZ_MALE), rng.pick(KZ_SURNAME_SUFFIXES))
        };
        let given = *rng.zipf(if male { KZ_MALE } else { KZ_FEMALE });
        let father = *rng.zipf(KZ_MALE);
        let surname = if male {
            stem.to_string()
        } else {
            format!("{stem}а")
        };
        let patronymic = match rng.below(10) {
            0..=5 => Some(format!("{father}{}", if male { "ұлы" } else { "қызы" })),
            6..=8 => Some(format!("{father}{}", if male { "ович" } else { "овна" })),
            _ => None,
        };
        (surname, given, patronymic)
    } else if ethnicity < 93 {
        let stem = *rng.zipf(RU_SURNAMES);
        let given = *rng.zipf(if male { RU_MALE } else { RU_FEMALE });
        let father = *rng.zipf(RU_PATRONYMIC_STEMS);
        let surname = if male {
            stem.to_string()
        } else {
            format!("{stem}а")
        };
        let patronymic = Some(format!("{father}{}", if male { "ич" } else { "на" }));
        (surname, given, patronymic)
    } else {
        let surname = rng.zipf(KOREAN_SURNAMES).to_string();
        let given = *rng.zipf(if male { RU_MALE } else { RU_FEMALE });
        let father = *rng.zipf(RU_PATRONYMIC_STEMS);
        let patronymic = Some(format!("{father}{}", if male { "ич" } else { "на" }));
        (surname, given, patronymic)
    };

    let birth = add_days(date(1945, 1, 1), rng.below(365 * 61)); // 1945..2006
    let sex = if male { IinSex::Male } else { IinSex::Female };
    let iin_roll = rng.below(1000);
    let (iin, birth_date) = if iin_roll < 15 {
        // No IIN (older records, foreigners); some with only the birth year known.
        let bd = if iin_roll < 6 {
            PartialDate {
                year: birth.year() as u16,
                month: None,
                day: None,
            }
        } else {
            PartialDate::from(birth)
        };
        (None, bd)
    } else {
        let mut text = valid_iin(&mut rng, birth, sex).to_string();
        if iin_roll < 20 {
            // A mistyped IIN kept as entered: two adjacent digits swapped.
            let mut b = text.into_bytes();
            b.swap(8, 9);
            text = String::from_utf8(b).expect("ascii");
        }
        (Some(text), PartialDate::from(birth))
    };

    let mut aliases = Vec::new();
    if !male && rng.chance(0.08) {
        // A maiden name.
        let maiden = format!("{}а", rng.zipf(KZ_SURNAMES));
        aliases.push(SourceAlias {
            surname: maiden,
            given_name: given.to_string(),
            patronymic: patronymic.clone(),
        });
    }
    if rng.chance(0.03) {
        aliases.push(SourceAlias {
            surname: to_latin(&surname),
            given_name: to_latin(given),
            patronymic: None,
        });
    }

    // The event: some time after the 18th birthday, before 2025, never before the 14th.
    let adult = add_days(birth, 18 * 365 + rng.below(25 * 365));
    let latest = date(2024, 12, 31) - Days::new(rng.below(900));
    let event = adult.min(latest).max(add_days(birth, 14 * 365 + 10));
    let mut convictions = Vec::new();
    let mut admin_offences = Vec::new();
    if rng.chance(0.7) {
        let category = *rng.pick(&[
            Category::Misdemeanor,
            Category::Minor,
            Category::Minor,
            Category::Medium,
            Category::Medium,
            Category::Grave,
            Category::EspeciallyGrave,
        ]);
        let punishment = *rng.pick(&[
            Punishment::Imprisonment,
            Punishment::Imprisonment,
            Punishment::RestrictionOfLiberty,
            Punishment::Fine,
            Punishment::CorrectionalLabour,
            Punishment::CommunityService,
        ]);
        let conditional = punishment == Punishment::Imprisonment && rng.chance(0.3);
        let probation_end = conditional.then(|| Date(add_days(event, 365 + rng.below(730))));
        let sentence_end = (punishment == Punishment::Imprisonment && !conditional)
            .then(|| Date(add_days(event, 365 + rng.below(8 * 365))));
        convictions.push(SourceConviction {
            verdict_date: Date(event),
            court: rng.pick(COURTS).to_string(),
            articles: vec![rng.pick(ARTICLES).to_string()],
            category,
            punishment,
            conditional,
            probation_end,
            sentence_end,
            minor_at_offence: event < add_days(birth, 18 * 365),
            expunged_by_court: None,
            serving_abroad: false,
        });
    } else {
        admin_offences.push(SourceAdminOffence {
            decision_date: Date(event),
            article: format!("КоАП {}", rng.pick(ADMIN_ARTICLES)),
            penalty: format!("штраф {} МРП", 5 + rng.below(95)),
            executed_date: rng
                .chance(0.8)
                .then(|| Date(add_days(event, 1 + rng.below(60)))),
        });
    }

    SourcePerson {
        person_id: format!("P{i:09}"),
        iin,
        surname,
        given_name: given.to_string(),
        patronymic,
        birth_date: Some(BirthDate(birth_date)),
        sex: Some(if male { Sex::Male } else { Sex::Female }),
        citizenship: Some("KZ".into()),
        aliases,
        convictions,
        admin_offences,
        damage: None,
    }
}

/// Write `n` persons as JSON lines to `path`.
pub fn write_registry(path: &Path, n: usize) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    for i in 0..n {
        serde_json::to_writer(&mut w, &person(i)).map_err(std::io::Error::other)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

// ---------------------------------------------------------------------------------------------
// The index measured by a bench binary.

/// The index directory a bench binary measures.
#[derive(Debug)]
pub struct BenchIndex {
    pub dir: PathBuf,
    /// Persons in the index.
    pub persons: usize,
}

static INDEX: OnceLock<BenchIndex> = OnceLock::new();
static TEMP: Mutex<Option<tempfile::TempDir>> = Mutex::new(None);

fn persons_wanted() -> usize {
    std::env::var("TANU_BENCH_PERSONS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(DEFAULT_PERSONS)
}

fn build_into(out: &Path, n: usize) {
    let started = Instant::now();
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).expect("create the index's parent directory");
    let src = parent.join(format!(".tanu-bench-source-{}.jsonl", std::process::id()));
    write_registry(&src, n).expect("write the bench registry");
    let generated = started.elapsed().as_secs_f64();
    let result = build_index(&src, out, &BuildOptions::default(), &NoProgress);
    let _ = std::fs::remove_file(&src);
    let summary = result.expect("build the bench index");
    eprintln!(
        "tanu bench: generated {n} persons in {generated:.1} s, built the index in {:.1} s \
         ({:.0} MB) at {}",
        summary.seconds,
        summary.bytes_on_disk as f64 / 1e6,
        out.display()
    );
}

/// The index every bench of this binary measures, built on first use: `TANU_BENCH_INDEX` when
/// set (built there with `TANU_BENCH_PERSONS` persons if it holds no index yet, and kept), else a
/// temporary directory removed by `cleanup`.
pub fn bench_index() -> &'static BenchIndex {
    INDEX.get_or_init(|| {
        let dir = match std::env::var_os("TANU_BENCH_INDEX") {
            Some(d) => {
                let dir = PathBuf::from(d);
                if !dir.join(MANIFEST_FILE).exists() {
                    build_into(&dir, persons_wanted());
                }
                dir
            }
            None => {
                let tmp = tempfile::Builder::new()
                    .prefix("tanu-bench-")
                    .tempdir()
                    .expect("create a temporary directory");
                let dir = tmp.path().join("index");
                build_into(&dir, persons_wanted());
                *TEMP.lock().expect("lock") = Some(tmp);
                dir
            }
        };
        let index = RegistryIndex::open(&dir).expect("open the bench index");
        let persons = index.len();
        eprintln!(
            "tanu bench: measuring {persons} persons at {}",
            dir.display()
        );
        BenchIndex { dir, persons }
    })
}

/// Remove the temporary index (call at the end of `main`).
pub fn cleanup() {
    if let Ok(mut t) = TEMP.lock() {
        t.take();
    }
}

// ---------------------------------------------------------------------------------------------
// Query samples, drawn from the measured index (so they fit any index, ours or `tanu-gen`'s).

/// One registry person as a query would state them.
#[derive(Debug, Clone)]
pub struct Sample {
    pub person: u32,
    pub iin: Option<String>,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth: Option<PartialDate>,
    pub has_conviction: bool,
}

impl Sample {
    /// The query a clerk would send for this person.
    pub fn input(&self, request_id: &str) -> QueryInput {
        QueryInput {
            request_id: request_id.to_string(),
            kind: "criminal_record".into(),
            iin: self.iin.clone(),
            surname: self.surname.clone(),
            given_name: self.given_name.clone(),
            patronymic: self.patronymic.clone(),
            birth_date: self.birth.map(|b| b.to_string()),
            as_of: None,
        }
    }
}

/// `n` persons spread evenly over the index.
pub fn samples(index: &RegistryIndex, n: usize) -> Vec<Sample> {
    let len = index.len().max(1);
    (0..n)
        .filter_map(|k| {
            let i = ((k as u64 * 2_654_435_761) % len as u64) as u32;
            let p = index.person(i)?;
            let name = p.names.first()?;
            Some(Sample {
                person: i,
                iin: p.iin_raw.as_ref().map(|s| s.to_string()),
                surname: name.surname.to_string(),
                given_name: name.given_name.to_string(),
                patronymic: name.patronymic.as_ref().map(|s| s.to_string()),
                birth: p.birth_date(),
                has_conviction: !p.convictions.is_empty(),
            })
        })
        .collect()
}

/// A person with a valid IIN and a conviction (an exact-IIN hit for a criminal-record query).
pub fn hit_sample(index: &RegistryIndex) -> Sample {
    samples(index, 2000)
        .into_iter()
        .find(|s| s.has_conviction && s.iin.as_deref().is_some_and(|i| Iin::parse(i).is_ok()))
        .expect("the bench index has a convicted person with a valid IIN")
}

/// The most frequent (surname, given name) among a sample of the index, as a sample.
pub fn common_name_sample(index: &RegistryIndex) -> Sample {
    let all = samples(index, 20_000);
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for s in &all {
        *counts
            .entry((s.surname.to_lowercase(), s.given_name.to_lowercase()))
            .or_default() += 1;
    }
    let best = all
        .iter()
        .max_by_key(|s| {
            (
                counts[&(s.surname.to_lowercase(), s.given_name.to_lowercase())],
                std::cmp::Reverse(s.person),
            )
        })
        .expect("a non-empty index");
    best.clone()
}

/// Someone who is not in the registry: a rare name and a valid IIN nobody there has.
pub fn miss_input(request_id: &str, rng: &mut Rng, index: &RegistryIndex) -> QueryInput {
    loop {
        let birth = add_days(date(1950, 1, 1), rng.below(365 * 55));
        let iin = valid_iin(rng, birth, IinSex::Male);
        if index.by_iin_digits(iin.as_u64()).is_empty() {
            return QueryInput {
                request_id: request_id.to_string(),
                kind: "criminal_record".into(),
                iin: Some(iin.to_string()),
                surname: "Тлеуберлиев".into(),
                given_name: "Жасұлан".into(),
                patronymic: Some("Дарханұлы".into()),
                birth_date: Some(birth.to_string()),
                as_of: None,
            };
        }
    }
}

/// A surname with one typo (two adjacent letters swapped in the middle).
pub fn with_typo(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() >= 4 {
        let i = chars.len() / 2;
        chars.swap(i - 1, i);
    }
    chars.into_iter().collect()
}

/// Check a query input the way the service does.
pub fn query(input: QueryInput) -> Query {
    Query::from_input(input, today()).expect("a valid bench query")
}

/// A mixed batch of `n` queries: 60 % exact copies of registry persons, 20 % with a surname
/// typo and an IIN with two digits swapped, 20 % persons not in the registry.
pub fn mixed_batch(index: &RegistryIndex, n: usize) -> Vec<Query> {
    let people = samples(index, n);
    let mut rng = Rng::new(42);
    people
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let id = format!("Q{k}");
            match k % 5 {
                0..=2 => query(s.input(&id)),
                3 => {
                    let mut input = s.input(&id);
                    input.surname = with_typo(&s.surname);
                    input.iin = input.iin.map(|i| {
                        let mut b = i.into_bytes();
                        if b.len() == 12 {
                            b.swap(9, 10);
                        }
                        String::from_utf8(b).unwrap_or_default()
                    });
                    query(input)
                }
                _ => query(miss_input(&id, &mut rng, index)),
            }
        })
        .collect()
}
