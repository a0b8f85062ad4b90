//! The server's life cycle: binds (or takes) a listener, registers the certificate, health and
//! reflection services (and, given a second listener, the `/metrics` endpoint), reports SERVING,
//! and on shutdown reports NOT_SERVING, stops accepting, lets in-flight calls finish within a
//! grace period and returns. It must never decide anything itself, and never outlive its
//! shutdown signal by more than the grace period.

use crate::matching::engine::Engine;
use crate::service::certificate::CertificateApi;
use crate::service::pb;
use crate::service::pb::certificate_service_server::CertificateServiceServer;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;

/// The fully qualified name of the certificate service, as health and reflection know it.
pub const CERTIFICATE_SERVICE: &str = "tanu.v1.CertificateService";

/// How long in-flight calls (and open health watches) may keep the server up after shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Largest request message accepted; a valid request is well under 2 KiB.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        /// In the message, not a `source`: a caller printing the chain sees it once.
        error: std::io::Error,
    },
    #[error("cannot read the listener's address: {0}")]
    Listener(std::io::Error),
    #[error("cannot build the reflection service")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("gRPC transport failed")]
    Transport(#[from] tonic::transport::Error),
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Bind `listen` and serve until `shutdown` completes.
pub async fn serve(
    engine: Arc<Engine>,
    listen: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|error| ServeError::Bind {
            addr: listen,
            error,
        })?;
    serve_on(engine, listener, shutdown).await
}

/// Serve on an already bound listener until `shutdown` completes (tests bind 127.0.0.1:0).
///
/// After `shutdown` completes, health reports NOT_SERVING, no new connection is accepted and
/// in-flight calls finish; whatever is still open after [`SHUTDOWN_GRACE`] is dropped.
pub async fn serve_on(
    engine: Arc<Engine>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_on_with(engine, listener, None, shutdown).await
}

/// `serve_on`, plus `GET /metrics` (Prometheus text, HTTP/1.1) on `metrics` when given. The
/// metrics endpoint stops with the server.
pub async fn serve_on_with(
    engine: Arc<Engine>,
    listener: TcpListener,
    metrics: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let local = listener.local_addr().map_err(ServeError::Listener)?;
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_service_status(CERTIFICATE_SERVICE, ServingStatus::Serving)
        .await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let api = CertificateApi::new(engine.clone());
    let metrics_task = match metrics {
        Some(listener) => {
            let addr = listener.local_addr().map_err(ServeError::Listener)?;
            tracing::info!(%addr, "serving /metrics");
            Some(tokio::spawn(crate::service::metrics::serve_metrics(
                listener,
                engine,
                api.metrics(),
            )))
        }
        None => None,
    };
    // Whichever way this function returns, the metrics endpoint stops with it.
    let _metrics_guard = metrics_task.map(AbortOnDrop);
    let certificates =
        CertificateServiceServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES);

    let (draining_tx, draining_rx) = oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: not serving, draining in-flight calls");
        reporter
            .set_service_status(CERTIFICATE_SERVICE, ServingStatus::NotServing)
            .await;
        reporter
            .set_service_status("", ServingStatus::NotServing)
            .await;
        let _ = draining_tx.send(());
    };
    let server = Server::builder()
        .add_service(health)
        .add_service(reflection)
        .add_service(certificates)
        // TCP_NODELAY: a response is a few dozen bytes, and with Nagle on, one that follows an
        // unacknowledged write waits for the client's delayed ACK (40 ms on Linux).
        .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), signal);

    tracing::info!(addr = %local, "serving {CERTIFICATE_SERVICE}");
    tokio::select! {
        result = server => result?,
        () = async {
            if draining_rx.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            tracing::warn!("calls still open after {SHUTDOWN_GRACE:?}: dropped");
        }
    }
    tracing::info!("stopped");
    Ok(())
}
