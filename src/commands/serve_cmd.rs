//! `tanu serve`: opens the engine, binds the listen address and runs the gRPC server on a
//! multi-thread tokio runtime until Ctrl-C or SIGTERM. Owns the server's terminal output and
//! its signal handling; it must never hold request handling itself (that is `tanu::service`'s)
//! and never print or log anyone's personal data.

use anyhow::{Context, Result};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tanu::matching::engine::Engine;
use tanu::service;

/// Serve `index` on `listen` (`host:port`; port 0 picks a free one), and `/metrics` on
/// `metrics_listen` when given, until Ctrl-C or SIGTERM.
pub fn serve(
    index: &Path,
    listen: &str,
    metrics_listen: Option<&str>,
    model: Option<&Path>,
    validate_structure: bool,
) -> Result<()> {
    init_logging();
    let started = Instant::now();
    let options = super::engine_options(model, validate_structure)?;
    let engine = Engine::open_with(index, options)
        .with_context(|| format!("opening the index {}", index.display()))?;
    eprintln!(
        "opened {}: {} persons, model {}, in {:.2} s",
        index.display(),
        engine.index().len(),
        engine.model_version(),
        started.elapsed().as_secs_f64()
    );
    // Decisions run on the runtime's workers (one per core); the blocking pool serves only
    // tokio's own blocking work (file I/O, DNS), so a few threads per core are plenty.
    let cores = std::thread::available_parallelism().map_or(4, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4 * cores)
        .thread_name("tanu-grpc")
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async {
        // Register the handlers before announcing the address, so a supervisor's signal sent
        // right after it reads the line is not lost.
        let shutdown = shutdown_signal().context("installing the signal handlers")?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let metrics = match metrics_listen {
            Some(at) => {
                let metrics = tokio::net::TcpListener::bind(at)
                    .await
                    .with_context(|| format!("cannot listen on {at} for /metrics"))?;
                let addr = metrics
                    .local_addr()
                    .context("reading the metrics address")?;
                eprintln!("serving /metrics on {addr}");
                Some(metrics)
            }
            None => None,
        };
        eprintln!("serving {} on {addr}", service::CERTIFICATE_SERVICE);
        service::serve_on_with(Arc::new(engine), listener, metrics, shutdown)
            .await
            .context("serving")?;
        eprintln!("stopped");
        Ok(())
    })
}

/// Log to stderr, filtered by RUST_LOG (default `info`), unless the binary already set a
/// subscriber up.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// A future that completes on the first Ctrl-C (SIGINT) or SIGTERM.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        #[cfg(unix)]
        let terminated = async move {
            term.recv().await;
        };
        #[cfg(not(unix))]
        let terminated = std::future::pending::<()>();
        let interrupted = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = interrupted => eprintln!("interrupted: shutting down"),
            () = terminated => eprintln!("terminated: shutting down"),
        }
    })
}
