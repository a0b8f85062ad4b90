//! `tanu-eval`: labelled evaluation of the matching engine on a query set with its truth —
//! misses, false reviews, top-1 accuracy and speed, as a markdown table (and optional JSON and
//! miss log), and on request the same at other `possible` thresholds. Owns the command line
//! only; it must never compute a metric itself (that is `tanu_tools::eval`), and it exits
//! non-zero on misses only when asked to (`--fail-on-miss`).

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::path::PathBuf;
use tanu::matching::engine::{Engine, EngineOptions};
use tanu_tools::eval::Keep;
use tanu_tools::{calibrate, eval};

#[derive(Parser, Debug)]
#[command(
    name = "tanu-eval",
    version,
    about = "Measure tanu's decisions against labelled queries"
)]
struct Cli {
    /// Index directory (built by `tanu build-index`).
    #[arg(long)]
    index: PathBuf,
    /// Certificate queries, JSON Lines.
    #[arg(long)]
    queries: PathBuf,
    /// Their truth, JSON Lines (joined by request_id).
    #[arg(long)]
    truth: PathBuf,
    /// Matching model TOML to evaluate (default: the shipped model).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Also write the numbers as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write every miss and false review (query, truth, decision) as JSON Lines to this file.
    #[arg(long)]
    misses: Option<PathBuf>,
    /// Write every decision (query, truth, decision; `error` is "ok" when right) as JSON Lines
    /// to this file, for replaying model changes offline. Overrides --misses.
    #[arg(long, conflicts_with = "misses")]
    decisions: Option<PathBuf>,
    /// Also decide every query again at each of these `possible` thresholds (bits, comma
    /// separated, e.g. 3.5,4,5), the rest of the model unchanged, and report misses and false
    /// reviews at each: the trade a threshold buys. One full run per threshold.
    #[arg(long, value_delimiter = ',', value_name = "BITS")]
    sweep_possible: Vec<f64>,
    /// Exit with an error when there is any miss.
    #[arg(long)]
    fail_on_miss: bool,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let today = chrono::Local::now().date_naive();
    let cases = eval::load_cases(&cli.queries, &cli.truth, today)?;
    let model = calibrate::load_base(cli.model.as_deref())?;
    // Refuse a bad threshold before the first run, not after it.
    for &t in &cli.sweep_possible {
        model.with_possible(t).map_err(anyhow::Error::msg)?;
    }
    let options = EngineOptions {
        model: model.clone(),
        ..EngineOptions::default()
    };
    let engine = Engine::open_with(&cli.index, options)
        .with_context(|| format!("opening the index {}", cli.index.display()))?;
    let keep = if cli.decisions.is_some() {
        Keep::All
    } else if cli.misses.is_some() {
        Keep::Errors
    } else {
        Keep::Nothing
    };
    let mut result = eval::evaluate(&engine, &cases, cli.threads, keep)?;
    if !cli.sweep_possible.is_empty() {
        result.sweep_around(
            &cli.index,
            &model,
            &cli.sweep_possible,
            &cases,
            cli.threads,
            |t| eprintln!("sweep: deciding {} queries at possible = {t}", cases.len()),
        )?;
    }
    print!("{}", result.render());
    if let Some(path) = &cli.json {
        let text = serde_json::to_string_pretty(&result.to_json())?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("numbers written to {}", path.display());
    }
    if let Some(path) = cli.decisions.as_ref().or(cli.misses.as_ref()) {
        result.write_errors(path)?;
        eprintln!(
            "{} decisions written to {}",
            result.errors.len(),
            path.display()
        );
    }
    let misses = result.scorecard.overall.misses;
    if cli.fail_on_miss && misses > 0 {
        bail!("{misses} miss(es): expected review, decided clear");
    }
    Ok(())
}
