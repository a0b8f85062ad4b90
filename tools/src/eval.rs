//! Labelled evaluation of the matching engine (`tanu-eval`): joins certificate queries with their
//! truth, decides them all in parallel while timing each decision, and counts misses, false
//! reviews and top-1 accuracy overall, by category and by noise tag. Owns the metric arithmetic
//! and its reports (table, JSON, miss log). It must never change a decision, the model or the
//! index, and never drop or hide a miss.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;
use tanu::matching::decision::{Decision, Verdict};
use tanu::matching::engine::{Engine, EngineOptions};
use tanu::matching::model::MatchModel;
use tanu::matching::query::Query;

/// The label of one query, from the generator's truth file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    pub request_id: String,
    pub expected: Verdict,
    /// Registry persons who are the applicant (empty for a clear expectation).
    pub person_ids: Vec<String>,
    /// Open string: `in_registry`, `not_in_registry`, `namesake`, …
    pub category: String,
    /// Open strings: `query_typo`, `registry_iin_missing`, …
    pub noise: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TruthLine {
    request_id: String,
    expected: String,
    #[serde(default)]
    person_ids: Vec<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    noise: Vec<String>,
}

impl Truth {
    /// Decode one line of a truth file.
    pub fn from_json_line(line: &str) -> Result<Truth> {
        let t: TruthLine = serde_json::from_str(line)?;
        let expected = match t.expected.as_str() {
            "review" => Verdict::Review,
            "clear" => Verdict::Clear,
            other => bail!("expected: must be review or clear, got {other:?}"),
        };
        Ok(Truth {
            request_id: t.request_id,
            expected,
            person_ids: t.person_ids,
            category: t.category.unwrap_or_else(|| "(none)".to_string()),
            noise: t.noise,
        })
    }
}

/// A query joined with its truth; the raw lines are kept for the miss log.
#[derive(Debug, Clone)]
pub struct Case {
    pub query: Query,
    pub truth: Truth,
    pub query_line: String,
    pub truth_line: String,
}

/// Non-blank lines of a file with their 1-based line numbers.
pub(crate) fn read_lines(path: &Path) -> Result<Vec<(u64, String)>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), i + 1))?;
        if !line.trim().is_empty() {
            out.push((i as u64 + 1, line));
        }
    }
    Ok(out)
}

/// Fail with the count and the first few messages when any line was bad.
fn check_errors(path: &Path, what: &str, errors: &[String]) -> Result<()> {
    if errors.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = errors.iter().take(5).map(String::as_str).collect();
    bail!(
        "{}: {} bad {what} line(s), first: {}",
        path.display(),
        errors.len(),
        shown.join("; ")
    )
}

/// Load queries and truth and join them by request id. A bad line, a repeated request id, a
/// query without truth or a truth without query is an error that gives the count.
pub fn load_cases(queries: &Path, truth: &Path, today: NaiveDate) -> Result<Vec<Case>> {
    let q_lines = read_lines(queries)?;
    let t_lines = read_lines(truth)?;

    let mut errors = Vec::new();
    let mut truths: HashMap<String, (Truth, String)> = HashMap::with_capacity(t_lines.len());
    for (no, line) in t_lines {
        match Truth::from_json_line(&line) {
            Ok(t) => {
                if truths.contains_key(&t.request_id) {
                    errors.push(format!("line {no}: request_id {:?} repeated", t.request_id));
                } else {
                    truths.insert(t.request_id.clone(), (t, line));
                }
            }
            Err(e) => errors.push(format!("line {no}: {e}")),
        }
    }
    check_errors(truth, "truth", &errors)?;

    let parsed: Vec<(u64, String, Result<Query, String>)> = q_lines
        .into_par_iter()
        .map(|(no, line)| {
            let q = Query::from_json_line(line.as_bytes(), today).map_err(|e| e.to_string());
            (no, line, q)
        })
        .collect();
    let mut cases = Vec::with_capacity(parsed.len());
    let mut seen = std::collections::HashSet::with_capacity(parsed.len());
    let mut without_truth = Vec::new();
    for (no, line, q) in parsed {
        let query = match q {
            Ok(q) => q,
            Err(e) => {
                errors.push(format!("line {no}: {e}"));
                continue;
            }
        };
        if !seen.insert(query.request_id.clone()) {
            errors.push(format!(
                "line {no}: request_id {:?} repeated",
                query.request_id
            ));
            continue;
        }
        match truths.remove(&query.request_id) {
            Some((truth, truth_line)) => cases.push(Case {
                query,
                truth,
                query_line: line,
                truth_line,
            }),
            None => without_truth.push(query.request_id),
        }
    }
    check_errors(queries, "query", &errors)?;
    if !without_truth.is_empty() || !truths.is_empty() {
        let mut orphans: Vec<&String> = truths.keys().collect();
        orphans.sort();
        bail!(
            "queries and truth do not join: {} query(ies) without truth (first: {:?}), \
             {} truth line(s) without query (first: {:?})",
            without_truth.len(),
            without_truth.iter().take(3).collect::<Vec<_>>(),
            orphans.len(),
            orphans.iter().take(3).collect::<Vec<_>>()
        );
    }
    Ok(cases)
}

/// Is this verdict an error for this truth, and which?
pub fn error_kind(expected: Verdict, got: Verdict) -> Option<&'static str> {
    match (expected, got) {
        (Verdict::Review, Verdict::Clear) => Some("miss"),
        (Verdict::Clear, Verdict::Review) => Some("false_review"),
        _ => None,
    }
}

/// Counts of one group of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GroupStats {
    pub queries: u64,
    pub expected_review: u64,
    pub expected_clear: u64,
    /// Decided review (right or wrong).
    pub reviews: u64,
    /// Expected review, decided clear.
    pub misses: u64,
    /// Expected clear, decided review.
    pub false_reviews: u64,
    /// Expected-review queries that name at least one truth person.
    pub top1_eligible: u64,
    /// … whose first candidate is one of them.
    pub top1_hits: u64,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl GroupStats {
    /// Count one decided query.
    pub fn add(&mut self, truth: &Truth, got: Verdict, first_candidate: Option<&str>) {
        self.queries += 1;
        if got == Verdict::Review {
            self.reviews += 1;
        }
        match truth.expected {
            Verdict::Review => {
                self.expected_review += 1;
                if got == Verdict::Clear {
                    self.misses += 1;
                }
                if !truth.person_ids.is_empty() {
                    self.top1_eligible += 1;
                    if first_candidate.is_some_and(|id| truth.person_ids.iter().any(|p| p == id)) {
                        self.top1_hits += 1;
                    }
                }
            }
            Verdict::Clear => {
                self.expected_clear += 1;
                if got == Verdict::Review {
                    self.false_reviews += 1;
                }
            }
        }
    }

    /// Misses over expected-review queries.
    pub fn miss_rate(&self) -> Option<f64> {
        ratio(self.misses, self.expected_review)
    }

    /// False reviews over expected-clear queries.
    pub fn false_review_rate(&self) -> Option<f64> {
        ratio(self.false_reviews, self.expected_clear)
    }

    /// Top-1 hits over expected-review queries with truth persons.
    pub fn top1_accuracy(&self) -> Option<f64> {
        ratio(self.top1_hits, self.top1_eligible)
    }

    fn to_json(self) -> GroupJson {
        GroupJson {
            counts: self,
            miss_rate: self.miss_rate(),
            false_review_rate: self.false_review_rate(),
            top1_accuracy: self.top1_accuracy(),
        }
    }
}

#[derive(Debug, Serialize)]
struct GroupJson {
    #[serde(flatten)]
    counts: GroupStats,
    miss_rate: Option<f64>,
    false_review_rate: Option<f64>,
    top1_accuracy: Option<f64>,
}

/// The noise group of queries without any noise tag.
pub const NO_NOISE: &str = "(none)";

/// Counts overall, by category and by noise tag (a query counts under every tag it has).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scorecard {
    pub overall: GroupStats,
    pub by_category: BTreeMap<String, GroupStats>,
    pub by_noise: BTreeMap<String, GroupStats>,
    /// Wrong decisions by error kind and `error_evidence`.
    pub by_evidence: BTreeMap<(&'static str, String), u64>,
}

impl Scorecard {
    pub fn add(&mut self, truth: &Truth, got: Verdict, first_candidate: Option<&str>) {
        self.overall.add(truth, got, first_candidate);
        self.by_category
            .entry(truth.category.clone())
            .or_default()
            .add(truth, got, first_candidate);
        let mut tags: Vec<&str> = truth.noise.iter().map(String::as_str).collect();
        tags.sort_unstable();
        tags.dedup();
        if tags.is_empty() {
            tags.push(NO_NOISE);
        }
        for tag in tags {
            self.by_noise
                .entry(tag.to_string())
                .or_default()
                .add(truth, got, first_candidate);
        }
    }
}

/// The evidence behind a wrong decision: the comparison levels (IIN, surname, given name,
/// patronymic, birth date, sex) of the candidate that decided it, and whether it was reviewed
/// below the threshold (a sparse record) or ruled out. A false review is decided by its first
/// candidate. A miss by the truth person when the decision lists it among its near misses, else
/// it was not found or not listed (`not listed`).
pub fn error_evidence(truth: &Truth, d: &Decision) -> String {
    let candidate = match truth.expected {
        Verdict::Clear => d.candidates.first(),
        Verdict::Review => d
            .candidates
            .iter()
            .find(|c| truth.person_ids.contains(&c.person_id)),
    };
    let Some(c) = candidate else {
        return "not listed".to_string();
    };
    let e = &c.explanation;
    let mut out = e
        .fields
        .iter()
        .map(|f| f.level)
        .collect::<Vec<_>>()
        .join(" · ");
    if e.review_reason.is_some() {
        out.push_str(" (reviewed below the threshold)");
    } else if let Some(reason) = e.ruled_out {
        let _ = write!(out, " (ruled out: {reason})");
    }
    out
}

/// How many rows of each error kind the report's evidence table shows.
const EVIDENCE_ROWS: usize = 15;

/// Latency summary in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    pub p50_us: f64,
    pub p99_us: f64,
    pub mean_us: f64,
    pub max_us: f64,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Latency {
    pub fn from_nanos(mut nanos: Vec<u64>) -> Latency {
        if nanos.is_empty() {
            return Latency::default();
        }
        nanos.sort_unstable();
        let us = |n: u64| n as f64 / 1000.0;
        Latency {
            p50_us: us(percentile(&nanos, 0.50)),
            p99_us: us(percentile(&nanos, 0.99)),
            mean_us: nanos.iter().map(|&n| n as f64).sum::<f64>() / nanos.len() as f64 / 1000.0,
            max_us: us(*nanos.last().unwrap_or(&0)),
        }
    }
}

/// Everything one evaluation measured.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub model_version: String,
    pub index: String,
    pub persons: usize,
    pub threads: usize,
    pub wall_seconds: f64,
    pub latency: Latency,
    pub scorecard: Scorecard,
    pub engine_metrics: Vec<(String, u64)>,
    /// Misses and false reviews, in input order, when asked for.
    pub errors: Vec<ErrorRecord>,
    /// The `SLOWEST_SHOWN` slowest decisions: request id and microseconds, slowest first.
    pub slowest: Vec<(String, f64)>,
    /// The overall numbers at other `possible` thresholds (`sweep_possible`), by threshold;
    /// empty unless asked for.
    pub sweep: Vec<SweepRow>,
}

/// The overall counts of one `possible` threshold in a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepRow {
    pub possible: f64,
    /// The evaluated model's own threshold (the counts of the main run).
    pub own: bool,
    pub overall: GroupStats,
}

/// Decide every case again with each threshold of `thresholds` as the `possible` threshold of
/// `model` (all else unchanged), on `threads` threads, and return the overall counts of each,
/// by threshold: the trade between misses and false reviews that a threshold buys, measured by
/// the engine itself rather than replayed from scores (a sparse-agreement review, say, does not
/// depend on the threshold). `progress(t)` is called before each run. The index is opened once
/// for each threshold.
pub fn sweep_possible(
    index: &Path,
    model: &MatchModel,
    thresholds: &[f64],
    cases: &[Case],
    threads: Option<usize>,
    mut progress: impl FnMut(f64),
) -> Result<Vec<SweepRow>> {
    let mut rows = Vec::with_capacity(thresholds.len());
    for &possible in thresholds {
        let model = model.with_possible(possible).map_err(anyhow::Error::msg)?;
        progress(possible);
        let options = EngineOptions {
            model,
            ..EngineOptions::default()
        };
        let engine = Engine::open_with(index, options)
            .with_context(|| format!("opening the index {}", index.display()))?;
        let run = evaluate(&engine, cases, threads, Keep::Nothing)?;
        rows.push(SweepRow {
            possible,
            own: false,
            overall: run.scorecard.overall,
        });
    }
    rows.sort_by(|a, b| a.possible.total_cmp(&b.possible));
    Ok(rows)
}

/// How many of the slowest decisions an evaluation names.
pub const SLOWEST_SHOWN: usize = 10;

/// Which decisions an evaluation keeps in full, for engineers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    #[default]
    Nothing,
    /// Misses and false reviews.
    Errors,
    /// Every decision (for replaying a model change offline).
    All,
}

/// A decision kept in full with its query and truth, for engineers: a miss, a false review, or
/// (`Keep::All`) a right decision.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRecord {
    /// "miss", "false_review" or "ok".
    pub error: &'static str,
    pub request_id: String,
    pub category: String,
    pub noise: Vec<String>,
    pub query: serde_json::Value,
    pub truth: serde_json::Value,
    pub decision: Decision,
}

impl Evaluation {
    /// Fill `sweep`: this run's own counts at `model.possible` (the model it evaluated) and a
    /// `sweep_possible` run for each other threshold, by threshold, each once.
    pub fn sweep_around(
        &mut self,
        index: &Path,
        model: &MatchModel,
        thresholds: &[f64],
        cases: &[Case],
        threads: Option<usize>,
        progress: impl FnMut(f64),
    ) -> Result<()> {
        let mut others: Vec<f64> = thresholds
            .iter()
            .copied()
            .filter(|&t| t != model.possible)
            .collect();
        others.sort_by(f64::total_cmp);
        others.dedup();
        let mut rows = sweep_possible(index, model, &others, cases, threads, progress)?;
        rows.push(SweepRow {
            possible: model.possible,
            own: true,
            overall: self.scorecard.overall,
        });
        rows.sort_by(|a, b| a.possible.total_cmp(&b.possible));
        self.sweep = rows;
        Ok(())
    }

    pub fn decisions_per_second(&self) -> f64 {
        if self.wall_seconds > 0.0 {
            self.scorecard.overall.queries as f64 / self.wall_seconds
        } else {
            0.0
        }
    }
}

struct Outcome {
    verdict: Verdict,
    first: Option<String>,
    nanos: u64,
    kept: Option<Decision>,
    /// `error_evidence`, for a wrong decision.
    evidence: Option<String>,
}

/// Decide every case on `threads` threads (all cores when `None`), timing each decision, and
/// score the decisions. `keep` says which decisions are kept in full (`Evaluation::errors`).
pub fn evaluate(
    engine: &Engine,
    cases: &[Case],
    threads: Option<usize>,
    keep: Keep,
) -> Result<Evaluation> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool.build().context("setting up the thread pool")?;
    let start = Instant::now();
    let outcomes: Vec<Outcome> = pool.install(|| {
        cases
            .par_iter()
            .map(|case| {
                let t = Instant::now();
                let d = engine.decide(&case.query);
                let nanos = t.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64;
                let wrong = error_kind(case.truth.expected, d.decision).is_some();
                let kept = match keep {
                    Keep::All => true,
                    Keep::Errors => wrong,
                    Keep::Nothing => false,
                };
                Outcome {
                    verdict: d.decision,
                    first: d.candidates.first().map(|c| c.person_id.clone()),
                    nanos,
                    evidence: wrong.then(|| error_evidence(&case.truth, &d)),
                    kept: kept.then_some(d),
                }
            })
            .collect()
    });
    let wall_seconds = start.elapsed().as_secs_f64();

    let mut scorecard = Scorecard::default();
    let mut nanos = Vec::with_capacity(outcomes.len());
    let mut errors = Vec::new();
    let mut slowest: Vec<(u64, usize)> = outcomes.iter().map(|o| o.nanos).zip(0..).collect();
    let shown = SLOWEST_SHOWN.min(slowest.len());
    if shown > 0 {
        slowest.select_nth_unstable_by(shown - 1, |a, b| b.0.cmp(&a.0));
        slowest.truncate(shown);
        slowest.sort_unstable_by_key(|s| std::cmp::Reverse(s.0));
    }
    let slowest: Vec<(String, f64)> = slowest
        .into_iter()
        .map(|(n, i)| (cases[i].truth.request_id.clone(), n as f64 / 1000.0))
        .collect();
    for (case, o) in cases.iter().zip(outcomes) {
        scorecard.add(&case.truth, o.verdict, o.first.as_deref());
        if let (Some(kind), Some(evidence)) =
            (error_kind(case.truth.expected, o.verdict), o.evidence)
        {
            *scorecard.by_evidence.entry((kind, evidence)).or_default() += 1;
        }
        nanos.push(o.nanos);
        if let Some(decision) = o.kept {
            errors.push(ErrorRecord {
                error: error_kind(case.truth.expected, o.verdict).unwrap_or("ok"),
                request_id: case.truth.request_id.clone(),
                category: case.truth.category.clone(),
                noise: case.truth.noise.clone(),
                query: serde_json::from_str(&case.query_line).unwrap_or(serde_json::Value::Null),
                truth: serde_json::from_str(&case.truth_line).unwrap_or(serde_json::Value::Null),
                decision,
            });
        }
    }
    Ok(Evaluation {
        model_version: engine.model_version().to_string(),
        index: engine.index().dir().display().to_string(),
        persons: engine.index().len(),
        threads: pool.current_num_threads(),
        wall_seconds,
        latency: Latency::from_nanos(nanos),
        scorecard,
        engine_metrics: engine.metrics().snapshot(),
        errors,
        slowest,
        sweep: Vec::new(),
    })
}

/// A fixed-width markdown table: first column left-aligned, the others right-aligned.
pub fn markdown_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    markdown_table_aligned(headers, rows, 1)
}

/// A fixed-width markdown table: the first `left` columns left-aligned, the others
/// right-aligned.
pub fn markdown_table_aligned(headers: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count().max(3)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        out.push('|');
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i < left {
                let _ = write!(out, " {cell:<w$} |");
            } else {
                let _ = write!(out, " {cell:>w$} |");
            }
        }
        out.push('\n');
    };
    line(&mut out, &mut headers.iter().copied());
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        if i < left {
            let _ = write!(out, ":{}|", "-".repeat(w + 1));
        } else {
            let _ = write!(out, "{}:|", "-".repeat(w + 1));
        }
    }
    out.push('\n');
    for row in rows {
        line(&mut out, &mut row.iter().map(String::as_str));
    }
    out
}

/// A rate as a percentage; "—" without a denominator, "<0.01%" for a small non-zero rate.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        None => "—".to_string(),
        Some(r) if r > 0.0 && r < 0.0001 => "<0.01%".to_string(),
        Some(r) => format!("{:.2}%", r * 100.0),
    }
}

const GROUP_HEADERS: [&str; 9] = [
    "group",
    "queries",
    "exp. review",
    "misses",
    "miss rate",
    "exp. clear",
    "false reviews",
    "false-review rate",
    "top-1",
];

fn group_row(name: &str, g: &GroupStats) -> Vec<String> {
    vec![
        name.to_string(),
        g.queries.to_string(),
        g.expected_review.to_string(),
        g.misses.to_string(),
        percent(g.miss_rate()),
        g.expected_clear.to_string(),
        g.false_reviews.to_string(),
        percent(g.false_review_rate()),
        match g.top1_accuracy() {
            None => "—".to_string(),
            Some(_) => format!(
                "{} ({}/{})",
                percent(g.top1_accuracy()),
                g.top1_hits,
                g.top1_eligible
            ),
        },
    ]
}

impl Evaluation {
    /// The human-readable report (markdown).
    pub fn render(&self) -> String {
        let s = &self.scorecard;
        let mut out = String::new();
        let _ = writeln!(out, "# tanu-eval\n");
        let _ = writeln!(
            out,
            "model `{}` · index `{}` ({} persons) · {} queries\n",
            self.model_version, self.index, self.persons, s.overall.queries
        );
        let _ = writeln!(out, "## Accuracy\n");
        out.push_str(&markdown_table(
            &GROUP_HEADERS,
            &[group_row("all", &s.overall)],
        ));
        let _ = writeln!(out, "\n## By category\n");
        let rows: Vec<Vec<String>> = s.by_category.iter().map(|(k, g)| group_row(k, g)).collect();
        out.push_str(&markdown_table(&GROUP_HEADERS, &rows));
        let _ = writeln!(
            out,
            "\n## By noise tag (a query counts under each of its tags)\n"
        );
        let rows: Vec<Vec<String>> = s.by_noise.iter().map(|(k, g)| group_row(k, g)).collect();
        out.push_str(&markdown_table(&GROUP_HEADERS, &rows));
        let _ = writeln!(
            out,
            "\nmiss rate = misses / exp. review; false-review rate = false reviews / exp. clear; \
             top-1 = first candidate is a truth person, over expected-review queries naming one.\n"
        );
        if !self.sweep.is_empty() {
            out.push_str(&self.render_sweep());
        }
        let _ = writeln!(out, "## Errors by evidence\n");
        let _ = writeln!(
            out,
            "Levels of the deciding candidate (a false review: the first; a miss: the truth \
             person): iin · surname · given name · patronymic · birth date · sex. The {EVIDENCE_ROWS} \
             most frequent of each kind.\n"
        );
        let rows = self.evidence_rows();
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|(kind, evidence, n)| vec![kind.to_string(), evidence.to_string(), n.to_string()])
            .collect();
        out.push_str(&markdown_table_aligned(
            &["error", "evidence", "queries"],
            &rows,
            2,
        ));
        out.push('\n');
        let _ = writeln!(out, "## Speed\n");
        let l = &self.latency;
        let rows = vec![
            vec!["threads".to_string(), self.threads.to_string()],
            vec![
                "wall time".to_string(),
                format!("{:.3} s", self.wall_seconds),
            ],
            vec![
                "decisions per second".to_string(),
                format!("{:.0}", self.decisions_per_second()),
            ],
            vec!["latency p50".to_string(), format!("{:.1} µs", l.p50_us)],
            vec!["latency p99".to_string(), format!("{:.1} µs", l.p99_us)],
            vec!["latency mean".to_string(), format!("{:.1} µs", l.mean_us)],
            vec!["latency max".to_string(), format!("{:.1} µs", l.max_us)],
        ];
        out.push_str(&markdown_table(&["measure", "value"], &rows));
        if !self.slowest.is_empty() {
            let _ = writeln!(
                out,
                "\nThe {} slowest decisions (request ids; replay them to see why):\n",
                self.slowest.len()
            );
            let rows: Vec<Vec<String>> = self
                .slowest
                .iter()
                .map(|(id, us)| vec![id.clone(), format!("{us:.1} µs")])
                .collect();
            out.push_str(&markdown_table(&["request_id", "time"], &rows));
        }
        let _ = writeln!(out, "\n## Engine counters\n");
        let rows: Vec<Vec<String>> = self
            .engine_metrics
            .iter()
            .map(|(k, v)| vec![k.clone(), v.to_string()])
            .collect();
        out.push_str(&markdown_table(&["counter", "value"], &rows));
        out
    }

    /// The threshold sweep section (a heading, what it means, and the table).
    fn render_sweep(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Threshold sweep\n");
        let _ = writeln!(
            out,
            "All queries decided again with another `possible` threshold (bits), the rest of the \
             model unchanged; \"(model)\" marks the run above.\n"
        );
        let rows: Vec<Vec<String>> = self
            .sweep
            .iter()
            .map(|r| {
                let g = &r.overall;
                vec![
                    format!("{}{}", r.possible, if r.own { " (model)" } else { "" }),
                    g.misses.to_string(),
                    percent(g.miss_rate()),
                    g.false_reviews.to_string(),
                    percent(g.false_review_rate()),
                    g.reviews.to_string(),
                ]
            })
            .collect();
        out.push_str(&markdown_table(
            &[
                "possible",
                "misses",
                "miss rate",
                "false reviews",
                "false-review rate",
                "reviews",
            ],
            &rows,
        ));
        out.push('\n');
        out
    }

    /// The most frequent evidence of each error kind (`EVIDENCE_ROWS` each), most frequent first.
    pub fn evidence_rows(&self) -> Vec<(&'static str, &str, u64)> {
        let mut rows: Vec<(&'static str, &str, u64)> = self
            .scorecard
            .by_evidence
            .iter()
            .map(|((kind, evidence), n)| (*kind, evidence.as_str(), *n))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(b.1)));
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        rows.retain(|(kind, _, _)| {
            let n = shown.entry(kind).or_default();
            *n += 1;
            *n <= EVIDENCE_ROWS
        });
        rows
    }

    /// The same numbers as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        let s = &self.scorecard;
        let groups = |m: &BTreeMap<String, GroupStats>| -> BTreeMap<String, GroupJson> {
            m.iter().map(|(k, g)| (k.clone(), g.to_json())).collect()
        };
        serde_json::json!({
            "model_version": self.model_version,
            "index": self.index,
            "persons": self.persons,
            "threads": self.threads,
            "wall_seconds": self.wall_seconds,
            "decisions_per_second": self.decisions_per_second(),
            "latency": self.latency,
            "slowest": self.slowest,
            "overall": s.overall.to_json(),
            "by_category": groups(&s.by_category),
            "by_noise": groups(&s.by_noise),
            "errors_by_evidence": s
                .by_evidence
                .iter()
                .map(|((kind, evidence), n)| serde_json::json!({
                    "error": kind,
                    "evidence": evidence,
                    "queries": n,
                }))
                .collect::<Vec<_>>(),
            "engine_metrics": self.engine_metrics.iter().cloned().collect::<BTreeMap<_, _>>(),
            "sweep": self
                .sweep
                .iter()
                .map(|r| serde_json::json!({
                    "possible": r.possible,
                    "own": r.own,
                    "overall": r.overall.to_json(),
                }))
                .collect::<Vec<_>>(),
        })
    }

    /// Write the kept decisions (see `Keep`) as JSON Lines.
    pub fn write_errors(&self, path: &Path) -> Result<()> {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = BufWriter::new(file);
        for e in &self.errors {
            serde_json::to_writer(&mut w, e)?;
            w.write_all(b"\n")?;
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(expected: Verdict, ids: &[&str], category: &str, noise: &[&str]) -> Truth {
        Truth {
            request_id: "r".into(),
            expected,
            person_ids: ids.iter().map(|s| s.to_string()).collect(),
            category: category.into(),
            noise: noise.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn counts_misses_false_reviews_and_top1_by_group() {
        use Verdict::{Clear, Review};
        let mut s = Scorecard::default();
        // Expected review, found with the right person first.
        s.add(
            &truth(Review, &["P1"], "in_registry", &[]),
            Review,
            Some("P1"),
        );
        // Expected review, reviewed but the wrong person first.
        s.add(
            &truth(Review, &["P2", "P2b"], "in_registry", &["query_typo"]),
            Review,
            Some("P9"),
        );
        // A miss, with the right person as a near miss: still top-1.
        s.add(
            &truth(
                Review,
                &["P3"],
                "in_registry",
                &["query_typo", "registry_iin_missing", "query_typo"],
            ),
            Clear,
            Some("P3"),
        );
        // Expected clear: one false review, one right.
        s.add(
            &truth(Clear, &[], "namesake", &["query_typo"]),
            Review,
            Some("P4"),
        );
        s.add(&truth(Clear, &[], "not_in_registry", &[]), Clear, None);

        let o = s.overall;
        assert_eq!(
            (o.queries, o.expected_review, o.expected_clear, o.reviews),
            (5, 3, 2, 3)
        );
        assert_eq!((o.misses, o.false_reviews), (1, 1));
        assert_eq!((o.top1_hits, o.top1_eligible), (2, 3));
        assert!((o.miss_rate().unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((o.false_review_rate().unwrap() - 0.5).abs() < 1e-12);
        assert!((o.top1_accuracy().unwrap() - 2.0 / 3.0).abs() < 1e-12);

        let reg = s.by_category["in_registry"];
        assert_eq!((reg.queries, reg.misses, reg.false_reviews), (3, 1, 0));
        assert_eq!(reg.false_review_rate(), None);
        assert_eq!(s.by_category["namesake"].false_reviews, 1);

        // A repeated tag counts once; a query counts under each of its tags.
        let typo = s.by_noise["query_typo"];
        assert_eq!((typo.queries, typo.misses, typo.false_reviews), (3, 1, 1));
        assert_eq!(s.by_noise["registry_iin_missing"].queries, 1);
        assert_eq!(s.by_noise[NO_NOISE].queries, 2);
    }

    fn decided(ids_and_levels: &[(&str, [&'static str; 6], Option<&'static str>)]) -> Decision {
        use tanu::matching::decision::{Band, Candidate, Explanation, FieldEvidence};
        let fields = [
            "iin",
            "surname",
            "given_name",
            "patronymic",
            "birth_date",
            "sex",
        ];
        Decision {
            request_id: "Q".into(),
            decision: Verdict::Review,
            band: Band::Possible,
            candidates: ids_and_levels
                .iter()
                .map(|(id, levels, ruled_out)| Candidate {
                    person_id: id.to_string(),
                    score: 0.5,
                    band: Band::Possible,
                    explanation: Explanation {
                        prior: -12.0,
                        fields: fields
                            .iter()
                            .zip(levels)
                            .map(|(field, level)| FieldEvidence {
                                field,
                                level,
                                weight: 0.0,
                                tf_adjustment: None,
                                note: None,
                            })
                            .collect(),
                        name_pair_adjustment: None,
                        total: 5.0,
                        ruled_out: *ruled_out,
                        review_reason: None,
                        found_by: vec!["birth_date"],
                    },
                    record_damage: None,
                })
                .collect(),
            model_version: "m".into(),
            analysis: None,
        }
    }

    #[test]
    fn error_evidence_names_the_deciding_candidate() {
        use Verdict::{Clear, Review};
        const MARRIED: [&str; 6] = ["missing", "different", "exact", "missing", "exact", "same"];
        const OTHER: [&str; 6] = ["different", "exact", "exact", "exact", "exact", "same"];
        let d = decided(&[
            ("P1", MARRIED, None),
            ("P2", OTHER, Some("trusted IINs differ")),
        ]);
        // A false review: the first candidate.
        let fr = truth(Clear, &[], "namesake", &[]);
        assert_eq!(
            error_evidence(&fr, &d),
            "missing · different · exact · missing · exact · same"
        );
        // A miss: the truth person, wherever it is listed; "not listed" when it is not.
        let miss = truth(Review, &["P2"], "in_registry", &[]);
        assert_eq!(
            error_evidence(&miss, &d),
            "different · exact · exact · exact · exact · same (ruled out: trusted IINs differ)"
        );
        let lost = truth(Review, &["P7"], "in_registry", &[]);
        assert_eq!(error_evidence(&lost, &d), "not listed");
    }

    #[test]
    fn evidence_rows_keep_the_most_frequent_of_each_kind() {
        let mut scorecard = Scorecard::default();
        for i in 0..20u64 {
            scorecard
                .by_evidence
                .insert(("false_review", format!("e{i:02}")), i + 1);
        }
        scorecard
            .by_evidence
            .insert(("miss", "not listed".into()), 2);
        let eval = Evaluation {
            model_version: String::new(),
            index: String::new(),
            persons: 0,
            threads: 1,
            wall_seconds: 1.0,
            latency: Latency::default(),
            scorecard,
            engine_metrics: Vec::new(),
            errors: Vec::new(),
            slowest: vec![("Q7".into(), 912.5), ("Q3".into(), 88.0)],
            sweep: Vec::new(),
        };
        let rows = eval.evidence_rows();
        assert_eq!(rows.len(), EVIDENCE_ROWS + 1);
        assert_eq!(rows[0], ("false_review", "e19", 20));
        assert_eq!(rows[EVIDENCE_ROWS - 1], ("false_review", "e05", 6));
        assert_eq!(rows[EVIDENCE_ROWS], ("miss", "not listed", 2));
        assert!(eval.render().contains("| miss         | not listed"));
        assert!(
            eval.render().contains("| Q7         | 912.5 µs |"),
            "{}",
            eval.render()
        );
        assert!(
            !eval.render().contains("Threshold sweep"),
            "only when asked"
        );

        let at = |possible: f64, own: bool, misses: u64, false_reviews: u64| SweepRow {
            possible,
            own,
            overall: GroupStats {
                queries: 100,
                expected_review: 25,
                expected_clear: 75,
                reviews: 25 - misses + false_reviews,
                misses,
                false_reviews,
                ..GroupStats::default()
            },
        };
        let eval = Evaluation {
            sweep: vec![at(3.5, false, 0, 3), at(4.5, true, 1, 2)],
            ..eval
        };
        let text = eval.render();
        assert!(text.contains("## Threshold sweep"), "{text}");
        assert!(
            text.contains(
                "| 3.5         |      0 |     0.00% |             3 |             4.00% |      28 |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| 4.5 (model) |      1 |     4.00% |"),
            "{text}"
        );
        assert!(text.find("## Threshold sweep") < text.find("## Errors by evidence"));
        let json = eval.to_json();
        assert_eq!(json["sweep"][1]["own"], true);
        assert_eq!(json["sweep"][0]["overall"]["false_reviews"], 3);
        assert_eq!(json["sweep"][0]["possible"], 3.5);
    }

    #[test]
    fn error_kinds_and_percentiles() {
        assert_eq!(error_kind(Verdict::Review, Verdict::Clear), Some("miss"));
        assert_eq!(
            error_kind(Verdict::Clear, Verdict::Review),
            Some("false_review")
        );
        assert_eq!(error_kind(Verdict::Review, Verdict::Review), None);
        let l = Latency::from_nanos((1..=100).map(|i| i * 1000).collect());
        assert_eq!((l.p50_us, l.p99_us, l.max_us), (50.0, 99.0, 100.0));
        assert_eq!(Latency::from_nanos(vec![]), Latency::default());
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(0.00001)), "<0.01%");
        assert_eq!(percent(Some(0.5)), "50.00%");
    }

    #[test]
    fn truth_lines_decode_with_open_strings() {
        let t = Truth::from_json_line(
            r#"{"request_id":"q1","expected":"review","person_ids":["P1"],"category":"something_new","noise":["x"]}"#,
        )
        .unwrap();
        assert_eq!(t.expected, Verdict::Review);
        assert_eq!(t.category, "something_new");
        assert!(Truth::from_json_line(r#"{"request_id":"q","expected":"maybe"}"#).is_err());
    }

    #[test]
    fn tables_are_aligned() {
        let t = markdown_table(&["a", "bb"], &[vec!["xyz".into(), "1".into()]]);
        let widths: Vec<usize> = t.lines().map(|l| l.chars().count()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{t}");
    }
}
