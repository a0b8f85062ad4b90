//! `tanu-eval --sweep-possible` end to end on a synthetic world: the run at the model's own
//! threshold counts exactly what the main evaluation counted (and a sweep around the main run
//! reuses it), and lowering the threshold never adds a miss or removes a review (raising it the
//! reverse), down to reviewing every candidate that is not ruled out and up to the `certain`
//! threshold.

use tanu::matching::engine::Engine;
use tanu::matching::model::MatchModel;
use tanu_tools::eval::{self, Keep};
use tanu_tools::synth::{self, WorldConfig};

#[test]
fn a_sweep_is_monotone_and_agrees_with_the_main_run() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path();
    let index = synth::generate_indexed_world(&WorldConfig::new(12, 20_000, 4_000), world).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let cases = eval::load_cases(
        &world.join("queries.jsonl"),
        &world.join("truth.jsonl"),
        today,
    )
    .unwrap();
    let model = MatchModel::shipped();
    let mut run = eval::evaluate(
        &Engine::open(&index).unwrap(),
        &cases,
        Some(2),
        Keep::Nothing,
    )
    .unwrap();
    let main = run.scorecard.overall;

    let thresholds = [model.certain, -100.0, model.possible, 2.0, 8.0];
    let mut seen = Vec::new();
    let rows = eval::sweep_possible(&index, &model, &thresholds, &cases, Some(2), |t| {
        seen.push(t)
    })
    .unwrap();
    assert_eq!(seen, thresholds, "progress names each run");
    let possibles: Vec<f64> = rows.iter().map(|r| r.possible).collect();
    assert_eq!(possibles, [-100.0, 2.0, model.possible, 8.0, model.certain]);
    assert!(
        rows.iter()
            .all(|r| !r.own && r.overall.queries == main.queries)
    );
    assert_eq!(
        rows[2].overall, main,
        "the model's own threshold decides the same"
    );
    for pair in rows.windows(2) {
        let (low, high) = (&pair[0].overall, &pair[1].overall);
        assert!(low.misses <= high.misses, "{pair:?}");
        assert!(low.false_reviews >= high.false_reviews, "{pair:?}");
        assert!(low.reviews >= high.reviews, "{pair:?}");
    }
    // The ends differ, or the sweep measured nothing.
    assert!(rows[0].overall.reviews > rows[4].overall.reviews);
    assert!(rows[0].overall.false_reviews > main.false_reviews);

    // Around the main run: its own threshold is not run again, repeats run once.
    let mut seen = Vec::new();
    run.sweep_around(
        &index,
        &model,
        &[8.0, model.possible, 8.0, 2.0],
        &cases,
        Some(2),
        |t| seen.push(t),
    )
    .unwrap();
    assert_eq!(seen, [2.0, 8.0]);
    let around: Vec<(f64, bool)> = run.sweep.iter().map(|r| (r.possible, r.own)).collect();
    assert_eq!(around, [(2.0, false), (model.possible, true), (8.0, false)]);
    assert_eq!(run.sweep[1].overall, main);
    assert_eq!(run.sweep[0].overall, rows[1].overall);

    let bad = eval::sweep_possible(&index, &model, &[f64::NAN], &cases, Some(2), |_| {});
    assert!(bad.unwrap_err().to_string().contains("finite"));
}
