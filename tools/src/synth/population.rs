//! The population: each human is a pure function of (seed, population index, profile) — sex,
//! tradition, true name in official Kazakh Cyrillic, birth date, citizenship and a valid IIN.
//! Owns the true identity only; it must never add noise or records (the registry row and the
//! query are noisy copies made elsewhere), and IIN uniqueness is fixed by `make_iin_unique`.

use super::names::{self, Ethnicity, Sex};
use super::{Stream, WorldConfig, rng_for};
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use std::collections::HashSet;
use tanu_index::iin::{Iin, IinSex};

/// Who a human is drawn as: registry persons are more often men and younger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Registry,
    General,
}

/// One true human of the world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Human {
    /// Index in the population (registry persons are 0..persons).
    pub index: u64,
    pub ethnicity: Ethnicity,
    pub sex: Sex,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    /// The father's given name (for siblings and surnames derived from it).
    pub father: &'static str,
    pub birth_date: NaiveDate,
    /// IIN serial (digits 8–11); the IIN is built from birth date, sex and serial.
    pub serial: u16,
    pub iin: Iin,
    /// ISO 3166-1 alpha-2.
    pub citizenship: &'static str,
}

impl Human {
    /// Whether the true name uses Kazakh letters or traditions.
    pub fn is_kazakh(&self) -> bool {
        self.ethnicity == Ethnicity::Kazakh
    }

    /// Rebuild the IIN from the current birth date, sex and serial, moving the serial forward
    /// past numbers that are never issued.
    pub fn rebuild_iin(&mut self) {
        let sex = iin_sex(self.sex);
        for _ in 0..10_000 {
            if let Some(iin) = Iin::from_parts(self.birth_date, sex, self.serial) {
                self.iin = iin;
                return;
            }
            self.serial = (self.serial + 1) % 10_000;
        }
        unreachable!("some serial always gives a check digit");
    }
}

/// The IIN's sex for a human's sex.
pub fn iin_sex(sex: Sex) -> IinSex {
    match sex {
        Sex::Male => IinSex::Male,
        Sex::Female => IinSex::Female,
    }
}

/// Move `h`'s serial forward until its IIN is not in `taken`, then record it. Sequential use
/// in index order keeps the result deterministic.
pub fn make_iin_unique(h: &mut Human, taken: &mut HashSet<u64>) {
    h.rebuild_iin();
    while !taken.insert(h.iin.as_u64()) {
        h.serial = (h.serial + 1) % 10_000;
        h.rebuild_iin();
    }
}

/// A triangular draw on [lo, hi] with the given mode.
fn triangular<R: Rng>(rng: &mut R, lo: f64, mode: f64, hi: f64) -> f64 {
    let u: f64 = rng.random();
    let c = (mode - lo) / (hi - lo);
    if u < c {
        lo + ((hi - lo) * (mode - lo) * u).sqrt()
    } else {
        hi - ((hi - lo) * (hi - mode) * (1.0 - u)).sqrt()
    }
}

/// A birth date for an age (in years, fractional) on `reference`.
pub fn birth_for_age<R: Rng>(
    rng: &mut R,
    reference: NaiveDate,
    lo: f64,
    mode: f64,
    hi: f64,
) -> NaiveDate {
    let age = triangular(rng, lo, mode, hi);
    let days = (age * 365.2425) as i64 + rng.random_range(0..3);
    let d = reference - Duration::days(days);
    // Keep within the IIN's centuries and the registry's plausible range.
    if d.year() < 1900 {
        NaiveDate::from_ymd_opt(1930, d.month(), 1).expect("date")
    } else {
        d
    }
}

fn foreign_citizenship(eth: Ethnicity) -> &'static str {
    match eth {
        Ethnicity::Uzbek => "UZ",
        Ethnicity::Uyghur => "CN",
        Ethnicity::Korean => "KR",
        Ethnicity::German => "DE",
        Ethnicity::Ukrainian => "UA",
        Ethnicity::Kazakh => "KG",
        Ethnicity::Russian | Ethnicity::Tatar => "RU",
    }
}

/// A Kazakh name: surname (gendered, dropped, father-derived or the father's name + ұлы/қызы
/// in the surname's place), given name and patronymic in Kazakh or Russian style.
fn kazakh_name<R: Rng>(rng: &mut R, sex: Sex, father: &'static str) -> (String, Option<String>) {
    let r: f64 = rng.random();
    let surname = if r < 0.02 {
        // Нұрланұлы Ерлан: the father's name in the surname's place, no patronymic.
        return (names::kazakh_patronymic(father, sex, false), None);
    } else if r < 0.12 {
        names::gendered_surname(&names::kazakh_masculine_surname(father), sex)
    } else if r < 0.22 {
        names::kazakh_dropped_surname(names::KAZAKH_SURNAME_ROOTS.pick(rng))
    } else {
        let root = names::KAZAKH_SURNAME_ROOTS.pick(rng);
        names::gendered_surname(&names::kazakh_masculine_surname(root), sex)
    };
    let p: f64 = rng.random();
    let patronymic = if p < 0.04 {
        None
    } else if p < 0.52 {
        Some(names::kazakh_patronymic(father, sex, rng.random_bool(0.2)))
    } else {
        Some(names::russian_patronymic(father, sex))
    };
    (surname, patronymic)
}

fn father_name<R: Rng>(rng: &mut R, eth: Ethnicity) -> &'static str {
    names::given_name(rng, eth, Sex::Male)
}

/// The human at population index `index`, before IIN de-duplication.
pub fn human(cfg: &WorldConfig, index: u64, profile: Profile) -> Human {
    let mut rng = rng_for(cfg.seed, super::Stream::Human, index);
    let eth = names::ethnicity(&mut rng);
    let male_share = match profile {
        Profile::Registry => 0.78,
        Profile::General => 0.48,
    };
    let sex = if rng.random_bool(male_share) {
        Sex::Male
    } else {
        Sex::Female
    };
    let given = names::given_name(&mut rng, eth, sex);
    let father = father_name(&mut rng, eth);
    let (surname, patronymic) = if eth == Ethnicity::Kazakh {
        kazakh_name(&mut rng, sex, father)
    } else {
        let surname = names::gendered_surname(&names::other_masculine_surname(&mut rng, eth), sex);
        let none = match eth {
            Ethnicity::German | Ethnicity::Korean => 0.15,
            _ => 0.06,
        };
        let patronymic = (!rng.random_bool(none)).then(|| names::russian_patronymic(father, sex));
        (surname, patronymic)
    };
    let birth_date = match profile {
        Profile::Registry => birth_for_age(&mut rng, cfg.export_date, 16.5, 33.0, 80.0),
        Profile::General => birth_for_age(&mut rng, cfg.as_of, 16.0, 38.0, 88.0),
    };
    let foreign = match profile {
        Profile::Registry => 0.04,
        Profile::General => 0.02,
    };
    let citizenship = if rng.random_bool(foreign) {
        foreign_citizenship(eth)
    } else {
        "KZ"
    };
    let serial = rng.random_range(0..10_000u16);
    let mut h = Human {
        index,
        ethnicity: eth,
        sex,
        surname,
        given_name: given.to_string(),
        patronymic,
        father,
        birth_date,
        serial,
        iin: Iin::from_parts(
            NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"),
            IinSex::Male,
            1,
        )
        .expect("valid placeholder"),
        citizenship,
    };
    h.rebuild_iin();
    h
}

/// A different given name of the same tradition and sex (for siblings and other hard negatives).
pub fn other_given_name<R: Rng>(rng: &mut R, h: &Human) -> String {
    for _ in 0..50 {
        let g = names::given_name(rng, h.ethnicity, h.sex);
        if g != h.given_name {
            return g.to_string();
        }
    }
    // Tiny tables only: fall back to a Russian name.
    names::given_name(rng, Ethnicity::Russian, h.sex).to_string()
}

/// A new surname for a woman who married: her husband's (mostly of her own tradition), in the
/// feminine form. Never equal to her current surname.
pub fn married_surname(cfg: &WorldConfig, h: &Human) -> String {
    let mut rng = rng_for(cfg.seed, Stream::Married, h.index);
    for _ in 0..50 {
        let eth = if rng.random_bool(0.85) {
            h.ethnicity
        } else {
            names::ethnicity(&mut rng)
        };
        let s = if eth == Ethnicity::Kazakh && rng.random_bool(0.1) {
            names::kazakh_dropped_surname(names::KAZAKH_SURNAME_ROOTS.pick(&mut rng))
        } else {
            names::gendered_surname(&names::other_masculine_surname(&mut rng, eth), Sex::Female)
        };
        if s != h.surname {
            return s;
        }
    }
    format!("{}а", names::kazakh_masculine_surname("Ахмет"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humans_are_pure_functions_of_seed_and_index() {
        let cfg = WorldConfig::new(7, 10, 0);
        assert_eq!(
            human(&cfg, 3, Profile::General),
            human(&cfg, 3, Profile::General)
        );
        assert_ne!(
            human(&cfg, 3, Profile::General),
            human(&cfg, 4, Profile::General)
        );
    }

    #[test]
    fn iins_are_valid_and_match_birth_and_sex() {
        let cfg = WorldConfig::new(1, 10, 0);
        let mut taken = HashSet::new();
        for i in 0..2000 {
            let mut h = human(&cfg, i, Profile::Registry);
            make_iin_unique(&mut h, &mut taken);
            let parsed = Iin::parse(&h.iin.to_string()).unwrap();
            assert_eq!(parsed.birth_date(), h.birth_date);
            assert_eq!(parsed.sex(), iin_sex(h.sex));
            assert!(h.birth_date <= cfg.export_date - Duration::days(16 * 365));
        }
        assert_eq!(taken.len(), 2000);
    }

    #[test]
    fn mostly_kazakh_and_names_repeat() {
        let cfg = WorldConfig::new(3, 10, 0);
        let hs: Vec<Human> = (0..20_000)
            .map(|i| human(&cfg, i, Profile::General))
            .collect();
        let kazakh = hs.iter().filter(|h| h.is_kazakh()).count() as f64 / hs.len() as f64;
        assert!((0.65..0.75).contains(&kazakh), "{kazakh}");
        let mut counts = std::collections::HashMap::new();
        for h in &hs {
            *counts.entry((&h.surname, &h.given_name)).or_insert(0) += 1;
        }
        let max = counts.values().max().copied().unwrap_or(0);
        assert!(
            max >= 10,
            "the commonest surname + given name repeats only {max} times"
        );
    }
}
