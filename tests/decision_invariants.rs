//! Properties of every decision, on a generated 3,000-person registry and queries no generator
//! writes (arbitrary Unicode, mangled registry names, stray digits and dates): deciding never
//! panics and is deterministic; the answer is consistent with itself (verdict, bands, order,
//! near-miss count, a total that is the sum of the weights it lists, a score that is the total's
//! probability); a registry person's own IIN (also one of the 2000s kept as a number, with its
//! date), or its own record written in any letter case and spacing, is always reviewed; and
//! letter case and surrounding spaces never change a decision.

use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::Value;
use tanu::matching::decision::{Band, Decision, Verdict};
use tanu::matching::engine::{Engine, EngineOptions};
use tanu::matching::model::MatchModel;
use tanu::matching::query::{Query, QueryInput};
use tanu_index::iin::Iin;
use tanu_tools::synth::{WorldConfig, generate_indexed_world};

/// A registry person as the export states it, with the kinds of records it holds.
#[derive(Debug, Clone)]
struct RegistryPerson {
    iin: Option<String>,
    surname: String,
    given_name: String,
    patronymic: Option<String>,
    birth_date: Option<String>,
    /// Other names (surname, given name, patronymic): a maiden name, another spelling.
    aliases: Vec<[Option<String>; 3]>,
    /// Holds a conviction; otherwise (every registry person holds a record) an offence.
    convicted: bool,
}

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
    persons: Vec<RegistryPerson>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = generate_indexed_world(&WorldConfig::new(43, 3_000, 10), dir.path()).unwrap();
        let export = dir.path().join("registry.jsonl");
        let text = std::fs::read_to_string(&export).unwrap();
        let persons = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| {
                let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
                let convictions = v.get("convictions").and_then(Value::as_array);
                Some(RegistryPerson {
                    iin: s("iin"),
                    surname: s("surname")?,
                    given_name: s("given_name")?,
                    patronymic: s("patronymic"),
                    birth_date: s("birth_date"),
                    aliases: v
                        .get("aliases")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|a| {
                            ["surname", "given_name", "patronymic"]
                                .map(|k| a.get(k).and_then(Value::as_str).map(str::to_string))
                        })
                        .collect(),
                    convicted: convictions.is_some_and(|a| !a.is_empty()),
                })
            })
            .collect::<Vec<_>>();
        assert!(persons.len() > 2_900, "{} persons read", persons.len());
        Fixture {
            _dir: dir,
            engine: Engine::open(&out).unwrap(),
            persons,
        }
    })
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Arbitrary text for a name field: any printable Unicode, Kazakh and Russian letters with
/// punctuation, or Latin, each with stray spaces.
fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[ а-яёА-ЯЁәғқңөұүһіӘҒҚҢӨҰҮҺІ'’()/.,-]{0,30}",
        "[ a-zA-Z'-]{0,20}",
    ]
}

/// A registry name, possibly mangled: a character inserted, deleted or replaced by any
/// character, or its case changed.
fn mangled(name: String, edit: u8, at: usize, with: char) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let at = if chars.is_empty() {
        0
    } else {
        at % chars.len()
    };
    match edit % 5 {
        0 => {}
        1 => chars.insert(at, with),
        2 if !chars.is_empty() => {
            chars.remove(at);
        }
        3 if !chars.is_empty() => chars[at] = with,
        _ => return name.to_uppercase(),
    }
    chars.into_iter().collect()
}

fn any_birth_date() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        "(19[0-9]{2}|20[0-2][0-9])(-[01][0-9](-[0-3][0-9])?)?".prop_map(Some),
        "[0-3][0-9]\\.[01][0-9]\\.(19|20)[0-9]{2}".prop_map(Some),
        "\\PC{0,12}".prop_map(Some),
    ]
}

fn any_iin() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        "[0-9]{12}".prop_map(Some),
        "[0-9 -]{0,16}".prop_map(Some),
        "\\PC{0,14}".prop_map(Some),
    ]
}

fn kind_of(p: &RegistryPerson) -> &'static str {
    if p.convicted {
        "criminal_record"
    } else {
        "administrative_offences"
    }
}

fn decide(input: QueryInput) -> Option<Decision> {
    let query = Query::from_input(input, today()).ok()?;
    Some(fixture().engine.decide(&query))
}

/// Everything a decision must say about itself, whatever the query.
fn check_consistent(d: &Decision, request_id: &str) -> Result<(), TestCaseError> {
    let model = MatchModel::shipped();
    prop_assert_eq!(&d.request_id, request_id);
    prop_assert_eq!(&d.model_version, &model.version);
    let top = d.candidates.first().map_or(Band::Clear, |c| c.band);
    prop_assert_eq!(d.band, top);
    prop_assert_eq!(d.decision == Verdict::Review, d.band != Band::Clear);
    if d.decision == Verdict::Clear {
        let most = EngineOptions::default().max_near_misses;
        prop_assert!(
            d.candidates.len() <= most,
            "{} near misses",
            d.candidates.len()
        );
        prop_assert!(d.analysis.is_none());
    } else {
        prop_assert!(d.candidates.iter().all(|c| c.band != Band::Clear));
    }
    for pair in d.candidates.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        prop_assert!(
            a.band > b.band || (a.band == b.band && a.explanation.total >= b.explanation.total),
            "not best first: {:?} {} then {:?} {}",
            a.band,
            a.explanation.total,
            b.band,
            b.explanation.total
        );
    }
    for c in &d.candidates {
        let e = &c.explanation;
        let fields: Vec<&str> = e.fields.iter().map(|f| f.field).collect();
        prop_assert_eq!(
            fields,
            [
                "iin",
                "surname",
                "given_name",
                "patronymic",
                "birth_date",
                "sex"
            ]
        );
        let listed: f64 = e.prior
            + e.fields
                .iter()
                .map(|f| f.weight + f.tf_adjustment.unwrap_or(0.0))
                .sum::<f64>()
            + e.name_pair_adjustment.unwrap_or(0.0);
        prop_assert!(e.total.is_finite());
        prop_assert!(
            (listed - e.total).abs() < 0.01,
            "{}: listed weights add up to {listed}, total says {}",
            c.person_id,
            e.total
        );
        let probability = 1.0 / (1.0 + (-e.total).exp2());
        prop_assert!((0.0..=1.0).contains(&c.score));
        prop_assert!(
            (c.score - probability).abs() < 1e-3,
            "score {} for total {}",
            c.score,
            e.total
        );
        prop_assert!(!e.found_by.is_empty(), "{} found by no path", c.person_id);
        let iin_exact = e.fields[0].level == "exact";
        // A review reason says why a candidate below the threshold is reviewed: only there.
        if e.review_reason.is_some() {
            prop_assert_eq!(c.band, Band::Possible);
            prop_assert!(e.ruled_out.is_none());
            prop_assert!(
                e.total < model.possible + 0.001,
                "{} has a review reason at {}",
                c.person_id,
                e.total
            );
        }
        match c.band {
            Band::Certain => {
                prop_assert!(e.ruled_out.is_none());
                prop_assert!(e.total >= model.certain - 0.001);
            }
            Band::Possible => {
                prop_assert!(e.ruled_out.is_none());
                prop_assert!(
                    e.total >= model.possible - 0.001 || iin_exact || e.review_reason.is_some(),
                    "{} possible at {} without a reason",
                    c.person_id,
                    e.total
                );
            }
            Band::Clear => {
                prop_assert!(
                    e.ruled_out.is_some() || (e.total < model.possible + 0.001 && !iin_exact),
                    "{} clear at {}",
                    c.person_id,
                    e.total
                );
            }
        }
    }
    Ok(())
}

/// Letter case changed and spaces added around each name field, as front ends send them.
fn recased(s: &str, how: u8) -> String {
    let body = match how % 3 {
        0 => s.to_uppercase(),
        1 => s.to_lowercase(),
        _ => s.to_string(),
    };
    let pad = ["", " ", "  ", "\u{a0}"][usize::from(how / 3 % 4)];
    format!("{pad}{body}{pad}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any query that passes validation is decided, twice the same way, consistently.
    #[test]
    fn any_valid_query_gets_a_consistent_decision(
        pick in any::<prop::sample::Index>(),
        from_registry in prop::array::uniform3(any::<bool>()),
        edits in prop::array::uniform3((any::<u8>(), any::<usize>(), any::<char>())),
        names in prop::array::uniform3(any_name()),
        iin in any_iin(),
        birth_date in any_birth_date(),
        own_iin in any::<bool>(),
        criminal in any::<bool>(),
    ) {
        let p = pick.get(&fixture().persons).clone();
        let registry = [p.surname.clone(), p.given_name.clone(), p.patronymic.clone().unwrap_or_default()];
        let field = |i: usize| {
            if from_registry[i] {
                let (edit, at, with) = edits[i];
                mangled(registry[i].clone(), edit, at, with)
            } else {
                names[i].clone()
            }
        };
        let input = QueryInput {
            request_id: "R1".into(),
            kind: if criminal { "criminal_record" } else { "administrative_offences" }.into(),
            iin: if own_iin { p.iin.clone() } else { iin },
            surname: field(0),
            given_name: field(1),
            patronymic: Some(field(2)).filter(|s| !s.is_empty()),
            birth_date: if from_registry[0] { p.birth_date.clone() } else { birth_date },
            as_of: None,
        };
        if let Some(d) = decide(input.clone()) {
            check_consistent(&d, "R1")?;
            prop_assert_eq!(Some(d), decide(input));
        }
    }

    /// A registry person's own valid IIN is reviewed whatever names and date come with it; and
    /// so is an IIN of the 2000s written as a number (leading zeros lost), with its own date.
    #[test]
    fn own_iin_is_always_reviewed(
        pick in any::<prop::sample::Index>(),
        names in prop::array::uniform3(("[а-яәa-z]", any_name()).prop_map(|(l, s)| l + &s)),
        birth_date in any_birth_date(),
        as_number in any::<bool>(),
    ) {
        let with_iin: Vec<(&RegistryPerson, Iin)> = fixture()
            .persons
            .iter()
            .filter_map(|p| Some((p, Iin::parse(p.iin.as_deref()?).ok()?)))
            .filter(|(_, iin)| !as_number || iin.to_string().starts_with('0'))
            .collect();
        let (p, iin) = *pick.get(&with_iin);
        let [surname, given_name, patronymic] = names;
        let (iin, birth_date) = if as_number {
            let born = iin.birth_date().format("%Y-%m-%d").to_string();
            (iin.as_u64().to_string(), Some(born))
        } else {
            (iin.to_string(), birth_date)
        };
        let input = QueryInput {
            request_id: "R2".into(),
            kind: kind_of(p).into(),
            iin: Some(iin),
            surname,
            given_name,
            patronymic: Some(patronymic),
            birth_date,
            as_of: None,
        };
        if let Some(d) = decide(input) {
            prop_assert_eq!(d.decision, Verdict::Review, "{:?}", d);
        }
    }

    /// A registry person's own record (its names or one of its aliases, and a full birth date or
    /// an IIN) is reviewed, in any letter case and with spaces around its fields, and case and
    /// spaces change nothing.
    #[test]
    fn own_record_is_reviewed_in_any_case_and_spacing(
        pick in any::<prop::sample::Index>(),
        how in prop::array::uniform3(0u8..12),
        with_iin in any::<bool>(),
        alias in any::<Option<prop::sample::Index>>(),
    ) {
        let identifiable: Vec<&RegistryPerson> = fixture()
            .persons
            .iter()
            .filter(|p| p.iin.is_some() || p.birth_date.as_deref().is_some_and(|d| d.len() == 10))
            .collect();
        let p = *pick.get(&identifiable);
        let full_date = p.birth_date.as_deref().is_some_and(|d| d.len() == 10);
        // An alias's missing part is the record's own (an alias often gives only a surname).
        let [surname, given_name, patronymic] = match alias.filter(|_| !p.aliases.is_empty()) {
            Some(i) => {
                let [s, g, pa] = i.get(&p.aliases).clone();
                [
                    s.or(Some(p.surname.clone())),
                    g.or(Some(p.given_name.clone())),
                    pa.or(p.patronymic.clone()),
                ]
            }
            None => [Some(p.surname.clone()), Some(p.given_name.clone()), p.patronymic.clone()],
        };
        let plain = QueryInput {
            request_id: "R3".into(),
            kind: kind_of(p).into(),
            iin: if with_iin || !full_date { p.iin.clone() } else { None },
            surname: surname.unwrap_or_default(),
            given_name: given_name.unwrap_or_default(),
            patronymic,
            birth_date: p.birth_date.clone(),
            as_of: None,
        };
        let written = QueryInput {
            surname: recased(&plain.surname, how[0]),
            given_name: recased(&plain.given_name, how[1]),
            patronymic: plain.patronymic.as_deref().map(|s| recased(s, how[2])),
            ..plain.clone()
        };
        // A Latin letter inside a Cyrillic word reads by its case: H is the Cyrillic Н, h the
        // Kazakh һ. Only names in one script read the same in every case.
        let one_script = [&plain.surname, &plain.given_name]
            .into_iter()
            .chain(&plain.patronymic)
            .all(|s| !s.chars().any(|c| c.is_ascii_alphabetic()) || s.is_ascii());
        let d = decide(plain).expect("a registry record is a valid query");
        prop_assert_eq!(d.decision, Verdict::Review, "{:?} {:?}", p, d);
        let w = decide(written).expect("recased, still a valid query");
        prop_assert_eq!(w.decision, Verdict::Review, "{:?} {:?}", p, w);
        if one_script {
            prop_assert_eq!(d, w);
        }
    }
}
