//! `tanu-tools`: engineers' maintenance commands; today `calibrate`, which re-estimates the
//! matching model's m and u probabilities from an index and labelled queries. Owns the command
//! line only; it must never estimate anything itself (that is `tanu_tools::calibrate`), and
//! never overwrite the model it starts from.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use tanu::matching::engine::Engine;
use tanu_tools::{calibrate, eval};

#[derive(Parser, Debug)]
#[command(name = "tanu-tools", version, about = "Maintenance tools for tanu")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Estimate m and u of every comparison level and write a model TOML.
    Calibrate {
        /// Index directory (built by `tanu build-index`).
        #[arg(long)]
        index: PathBuf,
        /// Certificate queries, JSON Lines.
        #[arg(long)]
        queries: PathBuf,
        /// Their truth, JSON Lines (joined by request_id).
        #[arg(long)]
        truth: PathBuf,
        /// Random registry pairs for the u probabilities.
        #[arg(long, default_value_t = 1_000_000)]
        pairs: u64,
        /// Seed of the random pairs.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Model to start from (prior, thresholds, term frequency); default: the shipped one.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Where to write the calibrated model (default: print it after the table).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Some(t) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build_global()
            .context("setting up the thread pool")?;
    }
    match cli.command {
        Command::Calibrate {
            index,
            queries,
            truth,
            pairs,
            seed,
            model,
            out,
        } => {
            if let (Some(out), Some(model)) = (&out, &model)
                && out == model
            {
                bail!("--out must not overwrite the --model it starts from");
            }
            let today = chrono::Local::now().date_naive();
            let base = calibrate::load_base(model.as_deref())?;
            let cases = eval::load_cases(&queries, &truth, today)?;
            let engine = Engine::open(&index)
                .with_context(|| format!("opening the index {}", index.display()))?;
            let idx = engine.index();
            let (u_counts, skipped) = calibrate::random_pair_levels(idx, &base, pairs, seed, today);
            let (m_counts, unresolved) = calibrate::labelled_pair_levels(idx, &base, &cases);
            if m_counts.pairs == 0 {
                bail!(
                    "no labelled pairs: the truth has no expected-review query with a person in this index"
                );
            }
            let cal = calibrate::Calibration::new(
                calibrate::calibrated_version(&base.version, today),
                m_counts,
                u_counts,
                skipped,
                unresolved,
            );
            let provenance = format!("Index {}, seed {seed}.", index.display());
            let text = cal.model_toml(&base, &provenance)?;
            print!("{}", cal.render(&base));
            if m_counts.pairs < 1000 {
                eprintln!(
                    "warning: only {} labelled pairs; m of rare levels is mostly smoothing",
                    m_counts.pairs
                );
            }
            match out {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("model written to {}", path.display());
                }
                None => print!("\n{text}"),
            }
        }
    }
    Ok(())
}
