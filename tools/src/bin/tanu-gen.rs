//! `tanu-gen`: writes a synthetic world (registry export, labelled certificate queries and their
//! truth) or a registry export alone, deterministically from a seed. Owns the command line only;
//! it must never generate anything itself — all of that is `tanu_tools::synth`.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;
use tanu_tools::synth::{self, Summary, WorldConfig};

#[derive(Parser, Debug)]
#[command(
    name = "tanu-gen",
    version,
    about = "Synthetic special-records worlds for tanu"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write registry.jsonl, queries.jsonl, truth.jsonl and world.json into a directory.
    World {
        /// Registry persons (humans; about 1% more rows for duplicate entries).
        #[arg(long, default_value_t = 10_000)]
        persons: u64,
        /// Certificate queries.
        #[arg(long, default_value_t = 1_000)]
        queries: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The population is persons × this; non-registry applicants come from it.
        #[arg(long, default_value_t = 5)]
        population_factor: u64,
        /// Query mix: `natural` (applicants as they come, a few constructed hard negatives) or
        /// `stress` (a third of the queries are constructed namesakes and siblings).
        #[arg(long, default_value = "natural", value_parser = ["natural", "stress"])]
        mix: String,
        #[arg(long)]
        out_dir: PathBuf,
    },
    /// Write noise probes: labelled queries for true persons of an existing registry export, each
    /// with one kind of noise the world generator never writes, on the query or on a rewritten
    /// copy of the registry (then build an index of OUT_DIR/registry.jsonl and evaluate against
    /// it). Kinds: all, or a comma-separated list of q_date_day, q_date_digit, q_date_year,
    /// q_date_adjacent, q_surname_two_letters, q_given_two_letters, q_given_patronymic_swapped,
    /// q_given_initial, q_double_surname_date_day, q_surname_no_ending_date_day,
    /// q_father_for_surname_date_day, r_date_day, r_date_digit, r_surname_two_letters,
    /// r_given_patronymic_swapped, r_initials, r_double_given, r_iin_other_date, r_january_first,
    /// r_double_surname_date_day, r_surname_no_ending_date_day, q_initials_one_field,
    /// r_initials_one_field.
    Probe {
        /// The registry export whose persons are probed (a world's registry.jsonl).
        #[arg(long)]
        source: PathBuf,
        /// Noise kinds, comma separated, or `all`.
        #[arg(long, default_value = "all")]
        noise: String,
        /// True persons per kind.
        #[arg(long, default_value_t = 1_000)]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Queries carry the person's IIN: the record's valid one, or for a record without one
        /// a valid IIN of its birth date and sex (default: no IIN, the hard case).
        #[arg(long)]
        with_iin: bool,
        /// Probe only records that hold no IIN (old records, foreigners).
        #[arg(long)]
        records_without_iin: bool,
        /// `as_of` of every query (YYYY-MM-DD).
        #[arg(long, default_value = "2026-11-02")]
        as_of: chrono::NaiveDate,
        #[arg(long)]
        out_dir: PathBuf,
    },
    /// Write only the registry export.
    Registry {
        #[arg(long, default_value_t = 10_000)]
        persons: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
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
    let tty = std::io::stderr().is_terminal();
    let progress = |stage: &str, done: u64, total: u64| {
        eprint!("\r{stage}: {done}/{total}\x1b[K");
    };
    let progress: Option<synth::Progress<'_>> = tty.then_some(&progress);
    let start = Instant::now();
    let (what, summary): (String, Summary) = match cli.command {
        Command::World {
            persons,
            queries,
            seed,
            population_factor,
            mix,
            out_dir,
        } => {
            let mut cfg = WorldConfig::new(seed, persons, queries);
            cfg.population_factor = population_factor;
            cfg.query_mix = if mix == "stress" {
                synth::QueryMix::stress()
            } else {
                synth::QueryMix::natural()
            };
            let s = synth::generate_world(&cfg, &out_dir, progress)?;
            (out_dir.display().to_string(), s)
        }
        Command::Probe {
            source,
            noise,
            persons,
            seed,
            with_iin,
            records_without_iin,
            as_of,
            out_dir,
        } => {
            let cfg = synth::probe::ProbeConfig {
                seed,
                kinds: synth::probe::probe_kinds(&noise)?,
                persons,
                with_iin,
                records_without_iin,
                as_of,
            };
            return run_probe(&source, &cfg, &out_dir, start);
        }
        Command::Registry { persons, seed, out } => {
            let cfg = WorldConfig::new(seed, persons, 0);
            let s = synth::generate_registry(&cfg, &out, progress)?;
            (out.display().to_string(), s)
        }
    };
    if tty {
        eprint!("\r\x1b[K");
    }
    let review = summary.expected.get("review").copied().unwrap_or(0);
    eprintln!(
        "tanu-gen: {} registry persons ({} rows), {} queries ({} review) → {} in {:.1}s",
        summary.registry_persons,
        summary.registry_rows,
        summary.queries,
        review,
        what,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Write a noise probe and say what it wrote.
fn run_probe(
    source: &std::path::Path,
    cfg: &synth::probe::ProbeConfig,
    out_dir: &std::path::Path,
    start: Instant,
) -> Result<()> {
    let summary = synth::probe::write_probe(source, cfg, out_dir)?;
    let total: usize = summary.persons.values().sum();
    let kinds: Vec<String> = summary
        .persons
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    eprintln!(
        "tanu-gen: {total} probe queries ({}) → {}{} in {:.1}s",
        kinds.join(", "),
        out_dir.display(),
        if summary.registry_copy {
            " (with a rewritten registry.jsonl: index it before evaluating)"
        } else {
            ""
        },
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `tanu-gen probe --help` names every probe kind (the list is written by hand).
    #[test]
    fn probe_help_names_every_kind() {
        let cli = Cli::command();
        let probe = cli.find_subcommand("probe").expect("probe subcommand");
        let help = probe
            .get_long_about()
            .or(probe.get_about())
            .expect("probe help")
            .to_string()
            .replace('\n', " ");
        for kind in synth::probe::PROBE_KINDS {
            let listed = help
                .split(|c: char| c == ',' || c == '.' || c.is_whitespace())
                .any(|w| w == kind.name);
            assert!(listed, "{} is missing from the help", kind.name);
        }
    }
}
