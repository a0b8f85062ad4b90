//! The `tanu` command line: index ops, matching, serving, deadlines and certificates.
//! Parses arguments and dispatches to `commands`; it must never hold engine logic itself.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod commands;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tanu",
    version,
    about = "Identity matching for Kazakhstan's special-records certificates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build an index directory from a special-records export (JSON Lines).
    BuildIndex {
        /// The export, one person per line.
        #[arg(long)]
        source: PathBuf,
        /// The index directory to create or replace.
        #[arg(long)]
        out: PathBuf,
        /// Largest share of bad lines (0..1) that still lets the build succeed.
        #[arg(long, default_value_t = 0.01)]
        max_bad_share: f64,
    },
    /// Check every checksum, the archive and the key tables of an index.
    VerifyIndex { dir: PathBuf },
    /// Print what an index holds (JSON).
    Stats { dir: PathBuf },
    /// Print the persons an index holds under an IIN or a name (JSON Lines), for ops.
    Lookup {
        dir: PathBuf,
        #[arg(long, conflicts_with = "name")]
        iin: Option<String>,
        /// Full name, e.g. "Жұмабаев Ерлан Нұрланұлы".
        #[arg(long)]
        name: Option<String>,
        /// Narrow a name look-up: YYYY-MM-DD, YYYY-MM or YYYY.
        #[arg(long)]
        birth_date: Option<String>,
    },
    /// Decide a file of certificate queries (JSON Lines) into a file of decisions.
    Match {
        #[arg(long)]
        index: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::BuildIndex {
            source,
            out,
            max_bad_share,
        } => commands::index_cmds::build(&source, &out, max_bad_share),
        Command::VerifyIndex { dir } => commands::index_cmds::verify(&dir),
        Command::Stats { dir } => commands::index_cmds::stats(&dir),
        Command::Lookup {
            dir,
            iin,
            name,
            birth_date,
        } => commands::index_cmds::lookup(
            &dir,
            iin.as_deref(),
            name.as_deref(),
            birth_date.as_deref(),
        ),
        Command::Match {
            index,
            queries,
            out,
            threads,
        } => commands::match_cmd::run(&index, &queries, &out, threads),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
