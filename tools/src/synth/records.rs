//! The records of a registry person: convictions (Criminal Code 2014 articles, category,
//! punishment, probation and sentence ends, expunction by a court, serving abroad) and
//! administrative offences, with coherent dates (verdicts after age 14, ends after verdicts, all
//! on or before the export date). Owns record content only; it must never touch names or IINs.

use super::Human;
use super::WorldConfig;
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use tanu_index::source::{Category, Date, Punishment, SourceAdminOffence, SourceConviction};

/// Criminal Code articles by category: (article, category).
const ARTICLES: &[(&str, Category)] = &[
    ("188 ч.1", Category::Minor),
    ("188 ч.2", Category::Medium),
    ("188 ч.3", Category::Grave),
    ("188 ч.4", Category::EspeciallyGrave),
    ("190 ч.1", Category::Minor),
    ("190 ч.2", Category::Medium),
    ("190 ч.3", Category::Grave),
    ("191 ч.1", Category::Medium),
    ("191 ч.2", Category::Grave),
    ("192 ч.1", Category::Grave),
    ("192 ч.3", Category::EspeciallyGrave),
    ("99 ч.1", Category::EspeciallyGrave),
    ("106 ч.1", Category::Grave),
    ("107 ч.1", Category::Medium),
    ("108-1", Category::Misdemeanor),
    ("109", Category::Misdemeanor),
    ("293 ч.1", Category::Misdemeanor),
    ("293 ч.2", Category::Medium),
    ("296 ч.1", Category::Misdemeanor),
    ("296 ч.2", Category::Minor),
    ("297 ч.1", Category::Medium),
    ("297 ч.2", Category::Grave),
    ("297 ч.3", Category::EspeciallyGrave),
    ("345 ч.1", Category::Minor),
    ("345 ч.2", Category::Medium),
    ("346 ч.1", Category::Minor),
    ("287 ч.1", Category::Medium),
    ("189 ч.2", Category::Medium),
    ("200 ч.1", Category::Minor),
    ("202 ч.1", Category::Minor),
    ("366 ч.1", Category::Medium),
    ("367 ч.1", Category::Grave),
    ("218 ч.1", Category::Medium),
    ("245 ч.1", Category::Medium),
    ("73-2", Category::Misdemeanor),
    ("378 ч.1", Category::Misdemeanor),
];

const COURTS: &[&str] = &[
    "Алматы қаласының Бостандық аудандық соты",
    "Алматы қаласының Алмалы аудандық соты",
    "Алматы қаласының Әуезов аудандық соты",
    "Алматы қаласының мамандандырылған ауданаралық қылмыстық соты",
    "Астана қаласының Есіл аудандық соты",
    "Астана қаласының Сарыарқа аудандық соты",
    "Астана қаласының Алматы аудандық соты",
    "Шымкент қаласының Абай аудандық соты",
    "Шымкент қаласының Әл-Фараби аудандық соты",
    "Қарағанды қаласының Қазыбек би аудандық соты",
    "Теміртау қалалық соты",
    "Павлодар қалалық соты",
    "Өскемен қалалық соты",
    "Семей қалалық соты",
    "Ақтөбе қалалық соты",
    "Атырау қалалық соты",
    "Ақтау қалалық соты",
    "Орал қалалық соты",
    "Қостанай қалалық соты",
    "Петропавл қалалық соты",
    "Көкшетау қалалық соты",
    "Тараз қалалық соты",
    "Қызылорда қалалық соты",
    "Талдықорған қалалық соты",
    "Түркістан қалалық соты",
    "Бостандыкский районный суд г. Алматы",
    "Есильский районный суд г. Астаны",
    "Карагандинский областной суд",
    "Жамбылский районный суд Алматинской области",
    "Специализированный межрайонный суд по делам несовершеннолетних г. Алматы",
];

/// Administrative Offences Code articles with a typical penalty.
const ADMIN: &[(&str, &str)] = &[
    ("434 ч.1", "штраф 5 МРП"),
    ("434 ч.2", "административный арест 10 суток"),
    ("440 ч.1", "предупреждение"),
    ("440 ч.2", "штраф 10 МРП"),
    ("590 ч.1", "штраф 5 МРП"),
    ("592 ч.1", "штраф 10 МРП"),
    ("596 ч.1", "штраф 15 МРП"),
    (
        "608 ч.1",
        "лишение права управления транспортными средствами на 7 лет",
    ),
    ("608 ч.3", "административный арест 15 суток"),
    ("610 ч.1", "штраф 20 МРП"),
    ("73 ч.1", "предупреждение"),
    ("73 ч.2", "административный арест 5 суток"),
    ("127 ч.1", "штраф 15 МРП"),
    ("128", "штраф 10 МРП"),
    ("462 ч.1", "административный арест 10 суток"),
    ("488 ч.1", "штраф 20 МРП"),
    ("496 ч.1", "штраф 3 МРП"),
    ("505", "штраф 5 МРП"),
    ("504 ч.1", "штраф 50 МРП"),
    ("446 ч.1", "предупреждение"),
];

fn date(d: NaiveDate) -> Date {
    Date(d)
}

fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    d + Duration::days(days)
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

/// A random day in [from, to] (both inclusive; `from` when empty).
fn day_between<R: Rng>(rng: &mut R, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    if span <= 0 {
        return from;
    }
    // Skew towards recent years: more records are recent.
    let u: f64 = rng.random::<f64>().sqrt();
    add_days(from, (u * span as f64) as i64)
}

fn birthday(birth: NaiveDate, years: u32) -> NaiveDate {
    let y = birth.year() + years as i32;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .expect("date")
}

fn punishment_for<R: Rng>(rng: &mut R, cat: Category) -> Punishment {
    let prison = match cat {
        Category::Misdemeanor => 0.0,
        Category::Minor => 0.2,
        Category::Medium => 0.45,
        Category::Grave => 0.8,
        Category::EspeciallyGrave => 0.97,
    };
    if rng.random_bool(prison) {
        return Punishment::Imprisonment;
    }
    let r = rng.random_range(0..100);
    match cat {
        Category::Misdemeanor => match r {
            0..=39 => Punishment::Fine,
            40..=69 => Punishment::CommunityService,
            70..=89 => Punishment::Arrest,
            _ => Punishment::CorrectionalLabour,
        },
        _ => match r {
            0..=34 => Punishment::RestrictionOfLiberty,
            35..=64 => Punishment::Fine,
            65..=79 => Punishment::CorrectionalLabour,
            80..=94 => Punishment::CommunityService,
            _ => Punishment::Other,
        },
    }
}

/// Months served for an imprisonment of a category.
fn prison_months<R: Rng>(rng: &mut R, cat: Category) -> u32 {
    match cat {
        Category::Misdemeanor | Category::Minor => rng.random_range(3..=24),
        Category::Medium => rng.random_range(12..=60),
        Category::Grave => rng.random_range(36..=144),
        Category::EspeciallyGrave => rng.random_range(96..=240),
    }
}

fn conviction<R: Rng>(
    cfg: &WorldConfig,
    rng: &mut R,
    h: &Human,
    earliest: NaiveDate,
) -> SourceConviction {
    let (article, category) = ARTICLES[rng.random_range(0..ARTICLES.len())];
    let mut articles = vec![article.to_string()];
    if rng.random_bool(0.15) {
        // A second article of the same or a lighter category (the first decides the category).
        let (a2, c2) = ARTICLES[rng.random_range(0..ARTICLES.len())];
        if a2 != article && c2 as u8 <= category as u8 {
            articles.push(a2.to_string());
        }
    }
    let verdict = day_between(rng, earliest, cfg.export_date);
    let offence = add_days(verdict, -rng.random_range(30..400));
    let minor_at_offence = offence < birthday(h.birth_date, 18);
    let mut punishment = punishment_for(rng, category);
    // Conditional sentences: imprisonment or restriction of liberty, not for especially grave.
    let conditional = matches!(
        punishment,
        Punishment::Imprisonment | Punishment::RestrictionOfLiberty
    ) && category != Category::EspeciallyGrave
        && rng.random_bool(if minor_at_offence { 0.5 } else { 0.3 });
    let (probation_end, sentence_end) = if conditional {
        if punishment == Punishment::RestrictionOfLiberty {
            punishment = Punishment::Imprisonment;
        }
        (Some(add_months(verdict, rng.random_range(12..=60))), None)
    } else {
        let end = match punishment {
            Punishment::Imprisonment => Some(add_months(verdict, prison_months(rng, category))),
            Punishment::RestrictionOfLiberty => Some(add_months(verdict, rng.random_range(6..=60))),
            Punishment::Fine => {
                // Unpaid fines have no end yet.
                (!rng.random_bool(0.1)).then(|| add_days(verdict, rng.random_range(0..=180)))
            }
            Punishment::CorrectionalLabour => Some(add_months(verdict, rng.random_range(3..=24))),
            Punishment::CommunityService => Some(add_months(verdict, rng.random_range(1..=8))),
            Punishment::Arrest => Some(add_days(verdict, rng.random_range(10..=50))),
            Punishment::Other => Some(add_months(verdict, rng.random_range(1..=36))),
        };
        (None, end)
    };
    // A served (past) sentence is sometimes removed early by a court.
    let past_end = sentence_end
        .or(probation_end)
        .filter(|e| *e < cfg.export_date);
    let expunged_by_court = match past_end {
        Some(end) if rng.random_bool(0.02) => Some(day_between(rng, end, cfg.export_date)),
        _ if rng.random_bool(0.003) => Some(day_between(rng, verdict, cfg.export_date)),
        _ => None,
    };
    let serving_abroad = h.citizenship == "KZ" && rng.random_bool(0.005);
    SourceConviction {
        verdict_date: date(verdict),
        court: COURTS[rng.random_range(0..COURTS.len())].to_string(),
        articles,
        category,
        punishment,
        conditional,
        probation_end: probation_end.map(date),
        sentence_end: sentence_end.map(date),
        minor_at_offence,
        expunged_by_court: expunged_by_court.map(date),
        serving_abroad,
    }
}

fn admin_offence<R: Rng>(
    cfg: &WorldConfig,
    rng: &mut R,
    earliest: NaiveDate,
) -> SourceAdminOffence {
    let (article, penalty) = ADMIN[rng.random_range(0..ADMIN.len())];
    // Administrative records are mostly recent.
    let from = earliest
        .max(cfg.export_date - Duration::days(365 * 12))
        .min(cfg.export_date);
    let decision = day_between(rng, from, cfg.export_date);
    let executed = if rng.random_bool(0.85) {
        Some(add_days(decision, rng.random_range(0..=120)).min(cfg.export_date.max(decision)))
    } else {
        None
    };
    SourceAdminOffence {
        decision_date: date(decision),
        article: article.to_string(),
        penalty: penalty.to_string(),
        executed_date: executed.map(date),
    }
}

/// The records of a registry person. At least one conviction or one administrative offence.
pub fn records<R: Rng>(
    cfg: &WorldConfig,
    rng: &mut R,
    h: &Human,
) -> (Vec<SourceConviction>, Vec<SourceAdminOffence>) {
    // Criminal liability from 14 (16 for most offences); the first verdict a little later.
    let earliest_verdict = add_days(birthday(h.birth_date, 14), 120)
        .max(NaiveDate::from_ymd_opt(1975, 1, 1).expect("date"))
        .min(cfg.export_date);
    let earliest_admin = birthday(h.birth_date, 16).min(cfg.export_date);
    let r: f64 = rng.random();
    let (has_conv, has_admin) = if r < 0.42 {
        (true, false)
    } else if r < 0.57 {
        (true, true)
    } else {
        (false, true)
    };
    let mut convictions = Vec::new();
    if has_conv {
        let n = match rng.random_range(0..100) {
            0..=69 => 1,
            70..=89 => 2,
            90..=96 => 3,
            _ => rng.random_range(4..=7),
        };
        for _ in 0..n {
            convictions.push(conviction(cfg, rng, h, earliest_verdict));
        }
        convictions.sort_by_key(|c| c.verdict_date);
    }
    let mut admin = Vec::new();
    if has_admin {
        let n = match rng.random_range(0..100) {
            0..=59 => 1,
            60..=84 => 2,
            85..=94 => 3,
            _ => rng.random_range(4..=9),
        };
        for _ in 0..n {
            admin.push(admin_offence(cfg, rng, earliest_admin));
        }
        admin.sort_by_key(|a| a.decision_date);
    }
    (convictions, admin)
}
