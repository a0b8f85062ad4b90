//! `tanu-tools`: engineers' maintenance commands: `calibrate`, which re-estimates the matching
//! model's m and u probabilities from an index and labelled queries, and `load`, which measures a
//! running `tanu serve` over gRPC. Owns the command line only; it must never estimate or measure
//! anything itself (that is `tanu_tools::calibrate` and `tanu_tools::load`), and never overwrite
//! the model it starts from.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tanu::matching::engine::Engine;
use tanu_tools::load::{self, LoadOptions};
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
    /// Replay certificate queries against a running `tanu serve` and report throughput, latency
    /// percentiles, errors by status code and (with --expect) decisions that differ from
    /// `tanu match`. Exits with status 1 when a decision differs or a response carries another
    /// request id. The load generator shares the machine with the server when both run on it.
    Load {
        /// The server.
        #[arg(long, default_value = "http://127.0.0.1:50051")]
        target: String,
        /// Certificate queries, JSON Lines (the format of `tanu match --queries`).
        #[arg(long)]
        queries: PathBuf,
        /// Measured requests (default: one per query; the queries are cycled when fewer).
        #[arg(long)]
        requests: Option<usize>,
        /// Unmeasured requests sent first.
        #[arg(long, default_value_t = 1000)]
        warmup: usize,
        /// Most requests in flight.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// HTTP/2 connections to spread them over.
        #[arg(long, default_value_t = 2)]
        connections: usize,
        /// Open loop at this many requests per second, at most --concurrency in flight (a
        /// request held back by that limit counts its latency from when it was due); default:
        /// closed loop at --concurrency.
        #[arg(long)]
        rate: Option<f64>,
        /// Per-request deadline, in milliseconds.
        #[arg(long, default_value_t = 10_000)]
        timeout_ms: u64,
        /// `tanu match` output for the same queries: every answer is compared with it.
        #[arg(long)]
        expect: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
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
        Command::Load {
            target,
            queries,
            requests,
            warmup,
            concurrency,
            connections,
            rate,
            timeout_ms,
            expect,
            json,
        } => {
            let reqs = Arc::new(load::load_requests(&queries)?);
            let expected = match &expect {
                Some(path) => Some(Arc::new(load::load_expectations(path)?)),
                None => None,
            };
            let opts = LoadOptions {
                target,
                concurrency,
                connections,
                requests: requests.unwrap_or(reqs.len()),
                warmup,
                rate,
                timeout: Duration::from_millis(timeout_ms.max(1)),
            };
            let total = opts.warmup + opts.requests;
            let tty = std::io::stderr().is_terminal();
            let progress: Arc<dyn Fn(usize) + Send + Sync> = Arc::new(move |n| {
                if tty && n.is_multiple_of(10_000) {
                    eprint!("\r{n} of {total} requests answered");
                }
            });
            // One client thread: the server usually shares the machine.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the client runtime")?;
            let report = runtime.block_on(load::run(reqs, expected, &opts, progress))?;
            if tty {
                eprintln!();
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.render());
            }
            if report.has_faults() {
                std::process::exit(1);
            }
        }
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
