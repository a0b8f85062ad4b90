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
        /// Largest share of bad lines (0..1) that still lets the build succeed: damaged lines
        /// (kept with what could be read), skipped lines and duplicate ids all count.
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
        /// Matching model TOML (m and u, prior, thresholds) instead of the shipped one; its
        /// `version` is reported with every decision. Thresholds are changed here, not in code.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Re-validate the index archive's whole structure at open (about 1 s per GB). By default
        /// the manifest's checksum proves the archive is the one `build-index` validated.
        #[arg(long)]
        validate_structure: bool,
    },
    /// Serve the gRPC API (CertificateService, health, reflection) over an index.
    Serve {
        #[arg(long)]
        index: PathBuf,
        #[arg(long, default_value = "127.0.0.1:50051")]
        listen: String,
        /// Also serve the counters as Prometheus text at GET /metrics (HTTP/1.1) on this
        /// address, e.g. 127.0.0.1:9184. Off by default.
        #[arg(long)]
        metrics_listen: Option<String>,
        /// Matching model TOML (m and u, prior, thresholds) instead of the shipped one; its
        /// `version` is reported with every decision. Thresholds are changed here, not in code.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Re-validate the index archive's whole structure at open (about 1 s per GB). By default
        /// the manifest's checksum proves the archive is the one `build-index` validated.
        #[arg(long)]
        validate_structure: bool,
    },
    /// Print when a request is due (RFC 3339, Kazakhstan time, UTC+5).
    Due {
        /// criminal_record, administrative_offences, consent, additional_check, interim_answer,
        /// archive, abroad_paper_regional or abroad_paper_other.
        #[arg(long)]
        kind: String,
        /// When the request was received: RFC 3339 with an offset.
        #[arg(long)]
        received: String,
    },
    /// Signed certificates: make a key, issue, verify.
    Certificate {
        #[command(subcommand)]
        command: CertificateCommand,
    },
}

#[derive(Subcommand)]
enum CertificateCommand {
    /// Write a new Ed25519 key to KEY (mode 0600) and its public half to KEY.pub.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Issue the certificate for one query (a JSON object) when its decision is clear.
    Issue {
        #[arg(long)]
        index: PathBuf,
        #[arg(long)]
        request: PathBuf,
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Matching model TOML to decide with (default: the shipped one); use the one
        /// `tanu serve` runs with.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Check a certificate offline (exit 0 valid, 1 invalid).
    Verify {
        cert: PathBuf,
        #[arg(long)]
        public_key: PathBuf,
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
            model,
            validate_structure,
        } => commands::match_cmd::run(
            &index,
            &queries,
            &out,
            threads,
            model.as_deref(),
            validate_structure,
        ),
        Command::Serve {
            index,
            listen,
            metrics_listen,
            model,
            validate_structure,
        } => commands::serve_cmd::serve(
            &index,
            &listen,
            metrics_listen.as_deref(),
            model.as_deref(),
            validate_structure,
        ),
        Command::Due { kind, received } => commands::rules_cmds::due(&kind, &received),
        Command::Certificate { command } => match command {
            CertificateCommand::Keygen { out } => commands::rules_cmds::certificate_keygen(&out),
            CertificateCommand::Issue {
                index,
                request,
                key,
                out,
                model,
            } => commands::rules_cmds::certificate_issue(
                &index,
                &request,
                &key,
                &out,
                model.as_deref(),
            ),
            CertificateCommand::Verify { cert, public_key } => {
                commands::rules_cmds::certificate_verify(&cert, &public_key)
            }
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
