//! The special-records export: turns a registry human into one row (two when entered twice) —
//! a noisy copy of the true identity (IIN missing or mistyped, look-alike or Latin letters,
//! typos, swapped order, no patronymic, partial or swapped birth date, marriage names) plus
//! the person's records — and names the noise applied. Owns row content, person ids and row
//! order; it must never change the true human (queries and truth read the same human).

use super::names::{Ethnicity, Sex};
use super::noise::{self, LatinStyle};
use super::population::{self, Human};
use super::{Stream, WorldConfig, mix64, records, rng_for};
use chrono::Datelike;
use rand::Rng;
use tanu_index::date::PartialDate;
use tanu_index::source::{
    self, BirthDate, SourceAdminOffence, SourceAlias, SourceConviction, SourcePerson,
};

/// The export of one registry human: its row(s), the noise applied, and which kinds of record
/// it has (over all rows).
#[derive(Debug, Clone)]
pub struct Entry {
    pub rows: Vec<SourcePerson>,
    pub noise: Vec<&'static str>,
    pub has_convictions: bool,
    pub has_admin_offences: bool,
}

/// The person_id of row `k` (0 = primary, 1 = duplicate) of registry human `index`: unique
/// for a seed (a bijection of 2·index + k), unrelated-looking across rows of one human.
pub fn person_id(cfg: &WorldConfig, index: u64, k: u64) -> String {
    let key = mix64(cfg.seed ^ 0x5045_5253_4f4e_4944);
    format!("P{:016X}", mix64(key ^ (2 * index + k)))
}

/// Whether registry human `index` was entered twice.
pub fn is_duplicate(cfg: &WorldConfig, index: u64) -> bool {
    rng_for(cfg.seed, Stream::Duplicate, index).random_bool(cfg.registry_noise.duplicate)
}

/// The duplicate row of human i is written after the primary row of human (i + shift) mod n,
/// far from its first entry.
fn shift(n: u64) -> u64 {
    (n / 2 + 1) % n.max(1)
}

/// The rows written at position `j` of the export: the primary row of human j, then the
/// duplicate row of the human whose duplicate lands here, if any.
pub fn rows_at(cfg: &WorldConfig, humans: &[Human], j: u64) -> Vec<SourcePerson> {
    let n = humans.len() as u64;
    let mut e = entry(cfg, &humans[j as usize]);
    let mut out = vec![e.rows.swap_remove(0)];
    let i = (j + n - shift(n)) % n;
    if is_duplicate(cfg, i) {
        let mut d = entry(cfg, &humans[i as usize]);
        if d.rows.len() > 1 {
            out.push(d.rows.swap_remove(1));
        }
    }
    out
}

fn sex_of(sex: Sex) -> source::Sex {
    match sex {
        Sex::Male => source::Sex::Male,
        Sex::Female => source::Sex::Female,
    }
}

fn true_alias(h: &Human) -> SourceAlias {
    SourceAlias {
        surname: h.surname.clone(),
        given_name: h.given_name.clone(),
        patronymic: h.patronymic.clone(),
    }
}

/// The name parts of a row, noised in place.
struct Name {
    surname: String,
    given: String,
    patronymic: Option<String>,
}

impl Name {
    fn of(h: &Human) -> Name {
        Name {
            surname: h.surname.clone(),
            given: h.given_name.clone(),
            patronymic: h.patronymic.clone(),
        }
    }

    /// A typo in one part: surname 50%, given name 35%, patronymic 15% (when present).
    fn typo<R: Rng>(&mut self, rng: &mut R) {
        let r = rng.random_range(0..100);
        match (&mut self.patronymic, r) {
            (Some(p), 85..) => *p = noise::typo(rng, p),
            (_, 50..) => self.given = noise::typo(rng, &self.given),
            _ => self.surname = noise::typo(rng, &self.surname),
        }
    }
}

/// Spelling noise shared by registry rows and queries: Latin (rate `latin`) or look-alike
/// letters (rate `lookalike`), then a typo (rate `typo`). Returns what was applied.
pub(crate) fn spell<R: Rng>(
    rng: &mut R,
    name: &mut NameParts<'_>,
    latin: f64,
    lookalike: f64,
    official_share: f64,
) -> Option<&'static str> {
    let r: f64 = rng.random();
    if r < latin {
        let style = LatinStyle::draw(rng, official_share);
        name.map(|s| noise::latin(s, style));
        Some("latin")
    } else if r < latin + lookalike {
        let before = (
            name.surname.clone(),
            name.given.clone(),
            name.patronymic.clone(),
        );
        name.map(noise::lookalike);
        let changed = before
            != (
                name.surname.clone(),
                name.given.clone(),
                name.patronymic.clone(),
            );
        changed.then_some("lookalike")
    } else {
        None
    }
}

/// Mutable views of the three name parts (shared with `queries.rs`).
pub(crate) struct NameParts<'a> {
    pub surname: &'a mut String,
    pub given: &'a mut String,
    pub patronymic: &'a mut Option<String>,
}

impl NameParts<'_> {
    fn map(&mut self, f: impl Fn(&str) -> String) {
        *self.surname = f(self.surname);
        *self.given = f(self.given);
        if let Some(p) = self.patronymic.as_mut() {
            *p = f(p);
        }
    }

    /// A typo in one part: surname 50%, given name 35%, patronymic 15% (when present).
    pub fn typo<R: Rng>(&mut self, rng: &mut R) {
        let r = rng.random_range(0..100);
        match (self.patronymic.as_mut(), r) {
            (Some(p), 85..) => *p = noise::typo(rng, p),
            (_, 50..) => *self.given = noise::typo(rng, self.given),
            _ => *self.surname = noise::typo(rng, self.surname),
        }
    }
}

/// A birth date as partial (year and month 60%, year only 40%).
pub fn partial<R: Rng>(rng: &mut R, d: chrono::NaiveDate) -> PartialDate {
    PartialDate {
        year: d.year() as u16,
        month: rng.random_bool(0.6).then_some(d.month() as u8),
        day: None,
    }
}

fn noisy_row<R: Rng>(
    cfg: &WorldConfig,
    rng: &mut R,
    h: &Human,
    person_id: String,
    convictions: Vec<SourceConviction>,
    admin_offences: Vec<SourceAdminOffence>,
    tags: &mut Vec<&'static str>,
) -> SourcePerson {
    let rn = &cfg.registry_noise;
    let mut name = Name::of(h);
    let mut aliases = Vec::new();
    if h.sex == Sex::Female && rng.random_bool(rn.married_name) {
        name.surname = population::married_surname(cfg, h);
        tags.push("registry_married_name");
        if rng.random_bool(rn.married_alias_share) {
            aliases.push(true_alias(h));
        } else {
            tags.push("registry_married_name_no_alias");
        }
    }
    if name.patronymic.is_some() && rng.random_bool(rn.no_patronymic) {
        name.patronymic = None;
        tags.push("registry_no_patronymic");
    }
    {
        let mut parts = NameParts {
            surname: &mut name.surname,
            given: &mut name.given,
            patronymic: &mut name.patronymic,
        };
        match spell(
            rng,
            &mut parts,
            rn.latin,
            rn.lookalike,
            rn.latin_official_share,
        ) {
            Some("latin") => tags.push("registry_latin"),
            Some(_) => {
                tags.push("registry_lookalike");
                if h.ethnicity == Ethnicity::Kazakh
                    && rng.random_bool(rn.dzh)
                    && let Some(s) = noise::dzh(&name.surname)
                {
                    name.surname = s;
                    tags.push("registry_dzh");
                }
            }
            None => {}
        }
    }
    if rng.random_bool(rn.homoglyph)
        && let Some(s) = noise::homoglyph(rng, &name.surname)
    {
        name.surname = s;
        tags.push("registry_homoglyph");
    }
    if rng.random_bool(rn.typo) {
        name.typo(rng);
        tags.push("registry_typo");
    }
    if rng.random_bool(rn.swapped_order) {
        std::mem::swap(&mut name.surname, &mut name.given);
        tags.push("registry_swapped_order");
    }
    if rng.random_bool(rn.alias_spelling) {
        let style = LatinStyle::draw(rng, rn.latin_official_share);
        let alias = if rng.random_bool(0.6) {
            SourceAlias {
                surname: noise::lookalike(&h.surname),
                given_name: noise::lookalike(&h.given_name),
                patronymic: h.patronymic.as_deref().map(noise::lookalike),
            }
        } else {
            SourceAlias {
                surname: noise::latin(&h.surname, style),
                given_name: noise::latin(&h.given_name, style),
                patronymic: h.patronymic.as_deref().map(|p| noise::latin(p, style)),
            }
        };
        if alias.surname != name.surname || alias.given_name != name.given {
            aliases.push(alias);
            tags.push("registry_alias_spelling");
        }
    }

    let b = h.birth_date;
    let birth_date = if rng.random_bool(rn.birth_date_missing) {
        tags.push("registry_birth_date_missing");
        None
    } else if rng.random_bool(rn.partial_birth_date) {
        tags.push("registry_partial_birth_date");
        Some(BirthDate(partial(rng, b)))
    } else if rng.random_bool(rn.day_month_swap) && b.day() <= 12 && b.day() != b.month() {
        let swapped =
            chrono::NaiveDate::from_ymd_opt(b.year(), b.day(), b.month()).expect("day ≤ 12");
        tags.push("registry_day_month_swap");
        Some(BirthDate(PartialDate::from(swapped)))
    } else {
        Some(BirthDate(PartialDate::from(b)))
    };

    let p_missing = if h.citizenship == "KZ" {
        rn.iin_missing
    } else {
        rn.iin_missing_foreigner
    };
    let iin = if rng.random_bool(p_missing) {
        tags.push("registry_iin_missing");
        None
    } else if rng.random_bool(rn.iin_typo) {
        let want_valid = rng.random_bool(rn.iin_typo_valid_share);
        let (s, valid) = noise::iin_typo(rng, &h.iin, want_valid);
        tags.push("registry_iin_typo");
        if valid {
            tags.push("registry_iin_typo_valid");
        }
        Some(s)
    } else {
        Some(h.iin.to_string())
    };
    let sex = if rng.random_bool(rn.sex_missing) {
        tags.push("registry_sex_missing");
        None
    } else {
        Some(sex_of(h.sex))
    };
    let citizenship = if rng.random_bool(rn.citizenship_missing) {
        tags.push("registry_citizenship_missing");
        None
    } else {
        Some(h.citizenship.to_string())
    };
    SourcePerson {
        person_id,
        iin,
        surname: name.surname,
        given_name: name.given,
        patronymic: name.patronymic,
        birth_date,
        sex,
        citizenship,
        aliases,
        convictions,
        admin_offences,
        damage: None,
    }
}

/// Split records between two rows of one human so that each row has at least one.
#[allow(clippy::type_complexity)]
fn split<R: Rng>(
    rng: &mut R,
    convictions: Vec<SourceConviction>,
    admin: Vec<SourceAdminOffence>,
) -> (
    (Vec<SourceConviction>, Vec<SourceAdminOffence>),
    (Vec<SourceConviction>, Vec<SourceAdminOffence>),
) {
    let total = convictions.len() + admin.len();
    let mut side: Vec<bool> = (0..total).map(|_| rng.random_bool(0.5)).collect();
    if side.iter().all(|&s| s) {
        side[0] = false;
    }
    if side.iter().all(|&s| !s) {
        side[total - 1] = true;
    }
    let (mut a, mut b) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    let mut it = side.into_iter();
    for c in convictions {
        if it.next().unwrap_or(false) {
            b.0.push(c);
        } else {
            a.0.push(c);
        }
    }
    for o in admin {
        if it.next().unwrap_or(false) {
            b.1.push(o);
        } else {
            a.1.push(o);
        }
    }
    (a, b)
}

/// The export of registry human `h` (row(s), noise, record kinds). Pure in (seed, human).
pub fn entry(cfg: &WorldConfig, h: &Human) -> Entry {
    let (convictions, admin) =
        records::records(cfg, &mut rng_for(cfg.seed, Stream::Records, h.index), h);
    let has_convictions = !convictions.is_empty();
    let has_admin_offences = !admin.is_empty();
    let mut dup_rng = rng_for(cfg.seed, Stream::Duplicate, h.index);
    let dup = dup_rng.random_bool(cfg.registry_noise.duplicate);
    let mut tags = Vec::new();
    let mut rng = rng_for(cfg.seed, Stream::Row, h.index);
    let rows = if dup {
        let ((c0, a0), (c1, a1)) = if convictions.len() + admin.len() >= 2
            && dup_rng.random_bool(cfg.registry_noise.duplicate_split_share)
        {
            split(&mut dup_rng, convictions, admin)
        } else {
            ((convictions.clone(), admin.clone()), (convictions, admin))
        };
        tags.push("registry_duplicate");
        let first = noisy_row(
            cfg,
            &mut rng,
            h,
            person_id(cfg, h.index, 0),
            c0,
            a0,
            &mut tags,
        );
        let mut rng2 = rng_for(cfg.seed, Stream::DuplicateRow, h.index);
        let second = noisy_row(
            cfg,
            &mut rng2,
            h,
            person_id(cfg, h.index, 1),
            c1,
            a1,
            &mut tags,
        );
        vec![first, second]
    } else {
        vec![noisy_row(
            cfg,
            &mut rng,
            h,
            person_id(cfg, h.index, 0),
            convictions,
            admin,
            &mut tags,
        )]
    };
    tags.sort_unstable();
    tags.dedup();
    Entry {
        rows,
        noise: tags,
        has_convictions,
        has_admin_offences,
    }
}
